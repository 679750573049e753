// The device half of INTERRUPT_LOST, ISR_CLAIMED_NOT_OURS and ISR_NO_MASK: the NIC's interrupt
// state read from its pins (the InterruptView the liveness monitor uses), handed to the NDIS layer
// through Kernel::set_device_irq_probe so driver/ndis needs no NIC knowledge.
#pragma once

#include <cstdint>

#include "driver/ndis/kernel.h"
#include "sim/monitors/cycle_monitor.h"
#include "sim/monitors/interrupt_view.h"

namespace nicsim::cli {

class DeviceIrqProbe : public sim::CycleMonitor {
 public:
  explicit DeviceIrqProbe(unsigned num_queues) : view_(num_queues) {}
  void on_cycle(uint64_t cycle, const sim::PortSnapshot& ports) override;

  // pending: a cause the driver has enabled at some time is latched (causes it never enabled are
  // not its business); masked: none of the pending ones can interrupt now; asserted: INTx is high,
  // or an unmasked cause is pending (the line is only held back by ITR or by in-flight writes).
  ndis::DeviceIrqState state() const;

 private:
  sim::InterruptView view_;
  uint32_t ever_enabled_ = 0;
  bool intx_ = false;
};

}  // namespace nicsim::cli
