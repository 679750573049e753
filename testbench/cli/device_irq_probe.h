// The device half of INTERRUPT_LOST, ISR_CLAIMED_NOT_OURS and ISR_NO_MASK: the NIC's interrupt
// state read from its pins (the InterruptView the liveness monitor uses), handed to the NDIS layer
// through Kernel::set_device_irq_probe so driver/ndis needs no NIC knowledge.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "driver/ndis/kernel.h"
#include "sim/monitors/cycle_monitor.h"
#include "sim/monitors/interrupt_view.h"

namespace nicsim::cli {

class DeviceIrqProbe : public sim::CycleMonitor {
 public:
  // Reads the clock domain's shared view (NicDomain::shared_interrupt_view, updated before this
  // probe each edge) instead of decoding the pins again. cycle_to_ns: the simulated time of a NIC
  // edge (NicDomain::edge_time_ps / 1000).
  DeviceIrqProbe(const sim::InterruptView& shared_view,
                 std::function<uint64_t(uint64_t cycle)> cycle_to_ns)
      : view_(shared_view),
        cycle_to_ns_(std::move(cycle_to_ns)),
        sources_(shared_view.num_vectors()) {}
  void on_cycle(uint64_t cycle, const sim::DevicePorts& ports) override;

  // pending: a cause the driver has enabled at some time is latched (causes it never enabled are
  // not its business); masked: none of the pending ones can interrupt now; asserted: INTx is high,
  // or an unmasked cause is pending (the line is only held back by ITR or by in-flight writes).
  // The since fields are tracked per source (each MSI-X vector, or the INTx line), cycle by cycle.
  ndis::DeviceIrqState state() const;

 private:
  enum class Owed : uint8_t { kNothing, kIsr, kDpc };  // kIsr: unmasked; kDpc: masked
  struct Source {
    Owed owed = Owed::kNothing;
    uint64_t since_cycle = 0;
  };
  uint32_t source_causes(unsigned source) const;
  bool source_masked(unsigned source) const;

  const sim::InterruptView& view_;
  std::function<uint64_t(uint64_t)> cycle_to_ns_;
  // The sources depend only on the view's registers and causes: recomputed when its version moves.
  uint64_t seen_version_ = ~uint64_t{0};
  uint32_t ever_enabled_ = 0;
  bool intx_ = false;
  std::vector<Source> sources_;  // per vector; the first is also the INTx line
};

}  // namespace nicsim::cli
