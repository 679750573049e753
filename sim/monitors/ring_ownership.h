// DEVICE_READS_STALE_DESCRIPTOR and DEVICE_WRITES_CPU_BUFFER: who owns each descriptor slot of a
// ring, and each buffer a descriptor points the device at, as the device description states the
// ring (sim/DEVICE_CONTRACT.md: base, size, tail, buffer). Fed by the driver's register writes
// (the pins) and by the DMA the host memory serves (AxiMemorySlave's observer); no SystemC.
//
// A tail write hands the slots from the previous tail up to the new one to the device. A device
// write into a handed-over slot is its write-back: it returns that slot and every earlier one
// still handed over (devices finish descriptors in ring order; a TX descriptor without a
// write-back request is returned by the next one that has one). A descriptor read is stale when
// its slot is returned and not handed over again, or when the slot's bytes are all zero or
// exactly what the device's own last write-back left there: no driver refilled it. A fetched
// descriptor that is not stale hands its buffer to the device until the slot is returned. A
// reset, a ring's base or size, or a head write forgets what the monitor knew of the ring: slots
// and buffers are untracked until a tail write hands slots over again.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <span>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "sim/axi_memory_slave.h"
#include "sim/device_description.h"
#include "sim/faults/fault_injector.h"
#include "sim/host_memory.h"
#include "sim/monitors/cycle_monitor.h"
#include "sim/monitors/register_writes.h"

namespace nicsim::sim {

class RingOwnership final : public CycleMonitor, public DmaObserver {
 public:
  // What the monitor saw, for positive controls: a silent run still proves it followed the rings.
  struct Stats {
    uint64_t handed_over = 0;     // slots tail writes handed to the device
    uint64_t fetches = 0;         // descriptor reads of handed-over or returned slots
    uint64_t write_backs = 0;     // device writes into handed-over slots
    uint64_t returned = 0;        // slots returned to the driver (explicitly or by a later one)
    uint64_t buffers_handed = 0;  // buffers the device took with a fetched descriptor
    uint64_t buffer_writes = 0;   // device writes into a buffer a descriptor pointed at
    uint64_t forgotten = 0;       // resets and ring re-programmings
  };

  RingOwnership(MonitorReport report, const DeviceDescription& device, const HostMemory& memory);

  void on_cycle(uint64_t cycle, const DevicePorts& ports) override;
  void on_dma_read(uint64_t cycle, uint64_t address, uint64_t bytes) override;
  void on_dma_write(uint64_t cycle, uint64_t address, uint64_t bytes, uint64_t burst) override;
  void attach_coverage(FunctionalCoverage& coverage) override;

  const Stats& stats() const { return stats_; }
  // The followed ring slot address falls in, as the driver programmed the ring (for the fault
  // layer's write-back faults); nullopt when it is in none.
  std::optional<DescriptorSlot> descriptor_slot(uint64_t address) const;
  // A ring declares its doorbell: there is something to follow.
  bool follows_any_ring() const { return !targets_.empty(); }

 private:
  enum class Owner : uint8_t { kUntracked, kDevice, kCpu };
  enum class Rule : uint8_t { kStaleDescriptor, kCpuBuffer };
  enum class Role : uint8_t { kSoftReset, kBaseLo, kBaseHi, kSize, kTail, kHead };
  struct Target {
    Role role;
    unsigned ring = 0;
  };
  struct Slot {
    Owner owner = Owner::kUntracked;
    std::vector<uint8_t>
        image;  // its bytes after the device last wrote it; empty: not since set-up
    uint64_t image_cycle = 0;
    uint64_t returned_cycle = 0;
    uint64_t return_burst = ~uint64_t{0};  // the write burst that returned it
    bool has_buffer = false;               // the device took a buffer with it
    uint64_t buffer = 0;                   // that buffer's address
  };
  struct Ring {
    uint64_t base = 0;
    uint32_t size = 0;       // as written: entries or bytes
    uint32_t tail = 0;       // the tail register as written
    uint32_t next_tail = 0;  // slot index the next hand-over starts at
    uint32_t head = 0;       // first slot the device owns (the window is head..next_tail)
    std::vector<Slot> slots;
  };
  struct Buffer {
    uint64_t bytes;
    unsigned ring;
    uint32_t slot;
    bool device;     // the device owns it now
    uint64_t cycle;  // when the device took it or gave it back
  };

  void apply(uint64_t cycle, const RegisterWrite& write);
  void forget(unsigned r);
  void hand_over(unsigned r, uint32_t tail);
  void fetch(uint64_t cycle, unsigned r, uint32_t s);
  void write_back(uint64_t cycle, unsigned r, uint32_t s, uint64_t burst);
  void return_slot(uint64_t cycle, unsigned r, uint32_t s, uint64_t burst);
  void take_buffer(uint64_t cycle, unsigned r, uint32_t s, std::span<const uint8_t> descriptor);
  void write_buffer(uint64_t cycle, uint64_t address, uint64_t bytes);
  // The slots of ring r that [address, address + bytes) overlaps; false when it misses the ring.
  bool slots_of(unsigned r, uint64_t address, uint64_t bytes, uint32_t& first,
                uint32_t& last) const;
  uint64_t slot_address(unsigned r, uint32_t s) const;
  std::vector<uint8_t> slot_bytes(unsigned r, uint32_t s) const;
  std::string slot_name(unsigned r, uint32_t s) const;
  void report(Rule rule, uint64_t cycle, unsigned r, uint32_t s, std::string signal,
              std::string message);

  MonitorReport report_;
  const DeviceDescription& device_;
  const HostMemory& memory_;
  std::unordered_map<uint32_t, std::vector<Target>> targets_;  // by register offset
  RegisterWriteTracker writes_;
  std::vector<Ring> rings_;
  std::map<uint64_t, Buffer> buffers_;  // by address; never overlapping
  std::set<std::tuple<Rule, unsigned, uint32_t>> reported_;
  bool in_reset_ = false;
  Stats stats_;
  // Per followed descriptor fetch, write-back and buffer write.
  RuleCount stale_checks_{"DEVICE_READS_STALE_DESCRIPTOR"},
      cpu_buffer_checks_{"DEVICE_WRITES_CPU_BUFFER"};
};

}  // namespace nicsim::sim
