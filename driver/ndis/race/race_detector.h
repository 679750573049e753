// Happens-before race detection over the memory a driver was given (issue 11), the analysis
// ThreadSanitizer and KCSAN make, for simulated CPU contexts instead of threads:
// - a vector clock per context (each CPU's passive thread, DPC level and ISR level);
// - sync clocks that locks, DPC queues, events, timers, NBL hand-offs and atomics carry from a
//   release to the acquires after it;
// - a shadow of recent accesses per 8-byte word of the tracked regions (pool, shared memory,
//   NBL/MDL structures); the simulator's own memory is never tracked.
// It knows nothing of NDIS: who runs now comes from a callback, findings go to another.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace nicsim::ndis::race {

// The contexts of one CPU that run concurrently with one another.
enum class ContextKind : uint8_t { kPassive, kDpc, kIsr };
inline constexpr unsigned kKindsPerCpu = 3;
inline constexpr uint8_t kFirstDeviceIrql = 3;

// Who runs now, as the kernel sees it.
struct ContextNow {
  uint16_t slot = 0;  // cpu * kKindsPerCpu + kind
  uint8_t irql = 0;
  bool unsynchronized = false;  // below DIRQL, outside synchronize, with an interrupt connected
  uint16_t lockset = 0;         // an id from the kernel's lockset table (0: none held)
};

class VectorClock {
 public:
  explicit VectorClock(size_t slots = 0) : time_(slots, 0) {}
  uint32_t operator[](size_t slot) const { return time_[slot]; }
  void join(const VectorClock& other) {
    for (size_t i = 0; i < time_.size() && i < other.time_.size(); ++i)
      if (other.time_[i] > time_[i]) time_[i] = other.time_[i];
  }
  void tick(size_t slot) { ++time_[slot]; }
  bool empty() const { return time_.empty(); }
  void resize(size_t slots) { time_.resize(slots, 0); }

 private:
  std::vector<uint32_t> time_;
};

// What the driver was given: the region an address falls in.
struct RegionInfo {
  std::string
      what;  // "NdisAllocateMemoryWithTagPriority", "NdisMAllocateSharedMemory", "NET_BUFFER_LIST"
  std::string file;  // the allocating call site
  int line = 0;
  uint64_t host_address = 0;  // shared memory: its device-visible address (0: not shared)
};

// One side of a finding.
struct AccessRecord {
  uint16_t slot = 0;
  uint8_t irql = 0;
  bool write = false;
  bool atomic = false;
  uint16_t lockset = 0;
  uintptr_t pc = 0;
  uint8_t size = 0;  // bytes of this access within the word (0: unknown)
};

enum class FindingKind : uint8_t {
  kDataRace,          // not ordered by happens-before
  kIsrUnsynchronized  // touched at DIRQL and below it outside synchronize (a lockset rule)
};

struct Finding {
  FindingKind kind;
  uintptr_t address;  // the first byte both touch
  const void* region_base;
  size_t region_bytes;
  const RegionInfo* region;
  AccessRecord current;
  AccessRecord previous;
};

class RaceDetector {
 public:
  using ContextSource = std::function<bool(ContextNow&)>;  // false: not on a CPU, not checked
  using FindingSink = std::function<void(const Finding&)>;
  // Shared memory access hook (CPU_TOUCHES_DEVICE_BUFFER): host address and length.
  using SharedAccessHook =
      std::function<void(uint64_t host_address, size_t bytes, bool write, uintptr_t pc)>;

  RaceDetector(unsigned cpus, ContextSource context, FindingSink sink);
  ~RaceDetector();
  RaceDetector(const RaceDetector&) = delete;
  RaceDetector& operator=(const RaceDetector&) = delete;

  void set_shared_access_hook(SharedAccessHook hook) { shared_hook_ = std::move(hook); }

  // Memory the driver was given, and taken back; a new region forgets what overlapped it.
  void add_region(const void* base, size_t bytes, RegionInfo info);
  void remove_region(const void* base);

  // A plain (or volatile/atomic) access of bytes at address by the running context.
  void access(const void* address, size_t bytes, bool write, bool atomic, uintptr_t pc);
  // Atomic operations: order is the C++ memory order (0 relaxed .. 5 seq_cst).
  void atomic_load(const void* address, size_t bytes, int order, uintptr_t pc);
  void atomic_store(const void* address, size_t bytes, int order, uintptr_t pc);
  void atomic_rmw(const void* address, size_t bytes, int order, uintptr_t pc);
  void fence(int order);

  // Happens-before through a sync object (a lock, a DPC, an event, an NBL...).
  void acquire(const void* sync);
  void release(const void* sync);

  // Counters for the summary.
  uint64_t accesses() const { return accesses_; }         // every hook call
  uint64_t accesses_checked() const { return checked_; }  // those in tracked memory
  size_t regions() const { return regions_.size(); }
  size_t sync_clocks() const { return syncs_.size() + atomic_syncs_.size(); }

 private:
  struct Cell;
  struct Word;
  struct Region;
  struct Context {
    VectorClock clock;
    VectorClock release_fence;    // the clock at the last release fence
    VectorClock acquire_pending;  // what relaxed loads saw since the last acquire fence
  };

  void forget(uintptr_t begin, uintptr_t end);
  Region* find_region(uintptr_t address);
  Word& word_of(Region& region, uintptr_t word_address);
  void check_word(Region& region, uintptr_t word_address, uint8_t mask, bool write, bool atomic,
                  const ContextNow& now, uintptr_t pc);
  void atomic_access(const void* address, size_t bytes, bool write, int order, uintptr_t pc);
  Context& context_of(const ContextNow& now) { return contexts_[now.slot]; }

  unsigned slots_;
  ContextSource context_source_;
  FindingSink sink_;
  SharedAccessHook shared_hook_;
  std::vector<Context> contexts_;
  // Ordered by address so that freeing memory forgets the sync clocks that lived in it.
  std::map<uintptr_t, VectorClock> syncs_;                // objects
  std::map<uintptr_t, VectorClock> atomic_syncs_;         // atomically accessed words
  std::map<uintptr_t, std::unique_ptr<Region>> regions_;  // by base address
  Region* last_region_ = nullptr;
  std::unordered_set<uint64_t> reported_;  // hashed (kind, pc, pc) pairs
  uintptr_t pc_base_ = 0;
  uint64_t accesses_ = 0;
  uint64_t checked_ = 0;
};

}  // namespace nicsim::ndis::race
