// The lock verifier: every lock the driver uses (NDIS and Ke spin locks, interrupt locks, RW
// locks) as one LockState; which CPU holds and spins on what; the acquisition-order graph
// (LOCK_ORDER_CYCLE), the wait-for graph (DEADLOCK, never a hang), hold times and statistics.
// The API families (spin_locks.h, sync.h) and Interrupts build on it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "driver/ndis/verifier_core.h"

namespace nicsim::ndis {

struct LockStats {
  unsigned id = 0;
  std::string name;
  uint64_t acquires = 0;
  uint64_t contended = 0;
  uint64_t total_spin_ns = 0;
  uint64_t max_spin_ns = 0;
  uint64_t max_hold_ns = 0;
  uint64_t max_hold_cycles = 0;
  std::string max_hold_where;  // where the longest hold was acquired
};

struct LockState {
  unsigned id = 0;
  std::string name;
  const void* address = nullptr;  // the driver's lock object (nullptr: an interrupt lock)
  bool allocated = true;
  bool interrupt_lock = false;
  int holder = -1;            // CPU index
  unsigned holder_depth = 0;  // the holder's frame depth at acquire
  bool orphaned = false;      // the callback that took it returned without releasing it
  std::string holder_routine;
  uint64_t acquired_ns = 0;
  uint64_t acquired_cycle = 0;
  std::string acquired_where;
  std::set<const InterruptStatus*> used_by;  // interrupts whose ISR or DPC took it
  LockStats stats;
};

struct HeldLock {
  LockState* lock;
  bool dpr;
};

// A CPU spinning on a lock: an edge of the wait-for graph.
struct LockSpin {
  LockState* lock;
  unsigned depth;  // the spinning frame; a frame preempting it is not waiting
  std::string where;
};

class LockVerifier final : public HeldLocks {
 public:
  explicit LockVerifier(VerifierCore& core);
  LockVerifier(const LockVerifier&) = delete;
  LockVerifier& operator=(const LockVerifier&) = delete;

  LockState& new_lock(std::string name, bool interrupt_lock);
  const LockState& lock(unsigned id) const { return *locks_[id]; }
  // The lock last made for a driver lock object, or nullptr.
  LockState* at_address(const void* address);
  void bind_address(const void* address, LockState& lock);

  // The current CPU's held locks (acquire order) and spins (innermost last).
  std::vector<HeldLock>& held() { return cpus_[core_.cpu().index()].held; }
  std::vector<LockSpin>& spins() { return cpus_[core_.cpu().index()].spins; }
  bool holds_ndis_lock();         // any lock but an interrupt lock
  std::string held_lock_names();  // "none" when nothing is held
  // Drops lock from the current CPU's held list (an ISR or synchronize leaving DIRQL).
  void drop_held(const LockState& lock);

  // The order-graph edges, the checks and the spin of an acquire on the current CPU; false when
  // the lock was not taken (a deadlock was reported or the run stopped).
  bool take(LockState& lock, bool dpr, const CallSite& at);
  // The hold-time checks and statistics of a release (the caller updates the held list).
  void give(LockState& lock, const CallSite& at);
  // Records that to was acquired while holding from; LOCK_ORDER_CYCLE when it closes a cycle.
  void add_order_edge(LockState& from, LockState& to, const CallSite& at);
  // Walks the wait-for chain from this CPU spinning on lock; true (DEADLOCK reported) on a cycle.
  bool wait_cycle(const LockState& lock, const CallSite& at);
  std::string describe_holder(const LockState& lock) const;
  // What cpu spins on, for a STALL report: "SendLock (at ...), held by CPU 0 ...", or "".
  std::string describe_spin(unsigned cpu) const;
  // Reports DEADLOCK and stops the run (it would hang on Windows).
  void deadlock(std::string message, const std::string& object, const CallSite& at);
  void notify_lock(unsigned cpu, sim::LockEvent event, const LockState& lock);

  std::vector<LockStats> lock_stats() const;

  // HeldLocks: what a returning callback left held.
  size_t held_count() override { return held().size(); }
  void orphan_held_beyond(size_t held_at_entry, const std::string& scope,
                          const CallSite& at) override;

 private:
  struct CpuLocks {
    std::vector<HeldLock> held;
    std::vector<LockSpin> spins;
  };
  bool order_path(unsigned from, unsigned to, std::vector<unsigned>& path,
                  std::set<unsigned>& seen) const;

  VerifierCore& core_;
  std::vector<CpuLocks> cpus_;
  std::vector<std::unique_ptr<LockState>> locks_;
  std::unordered_map<const void*, LockState*> by_address_;
  std::map<unsigned, std::map<unsigned, std::string>> order_edges_;  // from -> to -> where
  std::set<std::pair<unsigned, unsigned>> reported_cycles_;
};

}  // namespace nicsim::ndis
