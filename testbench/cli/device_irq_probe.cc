#include "testbench/cli/device_irq_probe.h"

namespace nicsim::cli {

void DeviceIrqProbe::on_cycle(uint64_t cycle, const sim::PortSnapshot& ports) {
  view_.on_cycle(cycle, ports);
  if (ports.rst) ever_enabled_ = 0;
  ever_enabled_ |= view_.enabled();
  intx_ = ports.intx;
}

ndis::DeviceIrqState DeviceIrqProbe::state() const {
  const uint32_t pending = view_.causes() & ever_enabled_;
  uint32_t can_interrupt = pending & view_.enabled();
  if (!view_.intx_mode()) {
    for (unsigned v = 0; v < view_.num_vectors(); ++v) {
      if (view_.vector_masked(v)) can_interrupt &= ~view_.vector_causes(v);
    }
  }
  ndis::DeviceIrqState state;
  state.pending = pending != 0;
  state.masked = state.pending && can_interrupt == 0;
  state.asserted = (view_.intx_mode() && intx_) || can_interrupt != 0;
  return state;
}

}  // namespace nicsim::cli
