// Sparse, byte-addressable host memory. The NIC's DMA reaches it through the AXI4 slave adapter
// (which decodes the interrupt-message window before memory sees a write); the driver through
// cpu_read/cpu_write. It tracks what the driver granted to the device and who
// owns each buffer now, so DMA outside a grant is a recorded violation, never silently served.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/functional_coverage.h"
#include "sim/violation.h"

namespace nicsim::sim {

enum class BufferOwner : uint8_t { kCpu, kDevice };

struct MemoryConfig {
  unsigned read_latency_cycles = 8;    // AR handshake to first R beat
  unsigned write_latency_cycles = 4;   // last W beat to B
  unsigned backpressure_percent = 10;  // chance per cycle that a ready is held low
};

class HostMemory {
 public:
  // Stamps a violation with the current time and cycle, then logs it.
  using Reporter = std::function<void(Violation)>;

  HostMemory();

  // Address-space allocation for shared memory (the driver's DMA-able allocations).
  // Each allocation is backed contiguously, so data() can hand the driver a stable pointer.
  uint64_t allocate(uint64_t bytes, uint64_t align = 64);
  void free(uint64_t address);
  // Stable pointer to [address, address + bytes) inside one allocation; nullptr otherwise.
  uint8_t* data(uint64_t address, uint64_t bytes);
  // The allocation's address of a pointer returned by data(); 0 if it is not one.
  uint64_t address_of(const void* pointer) const;
  bool is_allocation(uint64_t address) const;  // the start of an allocation

  // Device access grants (what the driver made available to the device).
  // Grants may overlap (shared memory, and scatter-gather lists over it): each is its own.
  void grant(uint64_t address, uint64_t bytes, std::string tag);
  void revoke(uint64_t address);                  // every grant that starts at address
  void revoke(uint64_t address, uint64_t bytes);  // one grant of exactly that range
  bool granted(uint64_t address, uint64_t bytes) const;

  // Buffer ownership handoff (driver gives a buffer to the device and takes it back).
  void set_owner(uint64_t address, uint64_t bytes, BufferOwner owner);
  BufferOwner owner(uint64_t address) const;  // kCpu where nothing was set

  // CPU side: no checks here (the NDIS layer checks ownership).
  void cpu_read(uint64_t address, std::span<uint8_t> out) const;
  void cpu_write(uint64_t address, std::span<const uint8_t> in);
  uint32_t read32(uint64_t address) const;
  uint64_t read64(uint64_t address) const;
  void write32(uint64_t address, uint32_t value);
  void write64(uint64_t address, uint64_t value);

  // Device side (DMA): outside a grant reports DMA_OUTSIDE_GRANT and returns false
  // (reads return zeros, writes are dropped). Every address is memory here, the message window too.
  // byte_enables: bit i enables in[i] (a beat's strobes, up to 64 bytes; longer spans repeat it).
  bool dma_read(uint64_t address, std::span<uint8_t> out);
  bool dma_write(uint64_t address, std::span<const uint8_t> in,
                 uint64_t byte_enables = ~uint64_t{0});

  void set_reporter(Reporter reporter) { reporter_ = std::move(reporter); }
  // Counts the grant checks of DMA accesses in coverage's DMA_OUTSIDE_GRANT bin.
  void attach_coverage(FunctionalCoverage& coverage) { grant_checks_.attach(coverage); }

  // Test-only fault: count of DMA accesses refused.
  uint64_t refused_dma() const { return refused_dma_; }

 private:
  struct Grant {
    uint64_t bytes;
    std::string tag;
  };
  struct Allocation {
    uint64_t bytes;
    std::vector<uint8_t> storage;  // never resized: data() pointers stay valid until free()
  };
  static constexpr uint64_t kPageBytes = 4096;
  uint8_t* page(uint64_t address, bool create) const;
  // Calls visit(pointer, length) over [address, address + bytes) in order, chunked at allocation
  // and page boundaries; with create false, unbacked bytes come as nullptr (they read as zero).
  template <typename Visit>
  void for_each_chunk(uint64_t address, uint64_t bytes, bool create, Visit visit) const;
  void refuse(const char* what, uint64_t address, uint64_t bytes);

  mutable std::unordered_map<uint64_t, std::vector<uint8_t>> pages_;
  std::multimap<uint64_t, Grant> grants_;
  std::map<uint64_t, std::pair<uint64_t, BufferOwner>> owners_;
  mutable std::map<uint64_t, Allocation> allocations_;
  std::map<const uint8_t*, uint64_t> by_pointer_;  // storage -> address, for address_of
  uint64_t next_alloc_ = 0x1'0000'0000ull;
  Reporter reporter_;
  uint64_t refused_dma_ = 0;
  RuleCount grant_checks_{"DMA_OUTSIDE_GRANT"};
};

}  // namespace nicsim::sim
