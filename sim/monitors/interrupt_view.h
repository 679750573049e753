// What the NIC's pins tell about interrupts: the register writes the driver made (mode, masks,
// throttle intervals, MSI-X table, rings), the causes the NIC should have (descriptor write-backs
// completed, ICS/ICR writes) and the MSI-X messages it issued, each mapped to its vector.
// Shared by the throttle and liveness monitors; follows the pins only, never the RTL's internals.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

#include "sim/device_ports.h"
#include "sim/monitors/register_writes.h"

namespace nicsim::sim {

struct MsiEvent {
  uint64_t issue_cycle;  // first cycle its AWVALID was shown
  uint64_t address;
  uint32_t data;
  int vector;  // -1: matches no programmed table entry
};

class InterruptView {
 public:
  static constexpr unsigned kMaxVectors = 9;
  explicit InterruptView(unsigned num_queues) : num_queues_(num_queues) { reset_registers(); }

  void on_cycle(uint64_t cycle, const DevicePorts& ports);

  // Messages whose data beat was accepted in the last cycle seen.
  const std::vector<MsiEvent>& messages() const { return messages_; }
  unsigned num_queues() const { return num_queues_; }
  unsigned num_vectors() const { return num_queues_ + 1; }
  bool intx_mode() const { return intx_mode_; }
  uint32_t itr(unsigned vector) const { return itr_[vector]; }
  bool vector_masked(unsigned vector) const { return msix_mask_[vector]; }
  uint32_t causes() const { return icr_; }
  uint32_t enabled() const { return ims_; }
  // ICR bits that drive vector (queue vectors: RXQ and TXQ bits; the last: LINK/RX_DROP/DMA_ERR).
  uint32_t vector_causes(unsigned vector) const;
  static bool is_message_address(uint64_t address);

 private:
  struct Ring {
    uint64_t base = 0;
    uint32_t size = 0;
  };
  struct Write {
    uint64_t issue_cycle;
    uint64_t address;
    bool message;
    int cause_bit;  // ICR bit its B response sets (a descriptor write-back), or -1
  };
  void reset_registers();
  void apply(const RegisterWrite& write);
  int write_back_cause(uint64_t address, uint64_t bytes) const;

  unsigned num_queues_;
  RegisterWriteTracker writes_tracker_;
  bool intx_mode_ = false;
  uint32_t icr_ = 0, ims_ = 0;
  std::array<uint32_t, kMaxVectors> itr_{};
  std::array<uint64_t, kMaxVectors> msix_address_{};
  std::array<uint32_t, kMaxVectors> msix_data_{};
  std::array<bool, kMaxVectors> msix_mask_{};
  std::array<Ring, 8> tx_rings_{}, rx_rings_{};

  bool aw_shown_ = false;
  uint64_t aw_issue_cycle_ = 0;
  std::deque<Write> w_queue_;  // accepted AW waiting for its W beats
  std::deque<Write> b_queue_;  // accepted AW waiting for its B
  std::vector<MsiEvent> messages_;
};

}  // namespace nicsim::sim
