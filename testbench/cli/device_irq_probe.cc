#include "testbench/cli/device_irq_probe.h"

#include <algorithm>

namespace nicsim::cli {

uint32_t DeviceIrqProbe::source_causes(unsigned source) const {
  return view_.intx_mode() ? ~uint32_t{0} : view_.vector_causes(source);
}

bool DeviceIrqProbe::source_masked(unsigned source) const {
  return !view_.intx_mode() && view_.vector_masked(source);
}

void DeviceIrqProbe::on_cycle(uint64_t cycle, const sim::DevicePorts& ports) {
  intx_ = ports.intx;
  if (!ports.rst && view_.version() == seen_version_) return;
  seen_version_ = view_.version();
  if (ports.rst) ever_enabled_ = 0;
  ever_enabled_ |= view_.enabled();
  const unsigned sources = view_.intx_mode() ? 1 : view_.num_vectors();
  for (unsigned s = 0; s < sources_.size(); ++s) {
    Owed owed = Owed::kNothing;
    const uint32_t pending = s < sources ? view_.causes() & ever_enabled_ & source_causes(s) : 0;
    if (pending != 0) {
      const bool can_interrupt = (pending & view_.enabled()) != 0 && !source_masked(s);
      owed = can_interrupt ? Owed::kIsr : Owed::kDpc;
    }
    if (owed != sources_[s].owed) sources_[s] = {owed, cycle};
  }
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
  for (const Source& source : sources_) {
    if (source.owed == Owed::kNothing) continue;
    auto& since = source.owed == Owed::kIsr ? state.unmasked_since_ns : state.masked_since_ns;
    const uint64_t ns = cycle_to_ns_(source.since_cycle);
    since = since ? std::min(*since, ns) : ns;
  }
  return state;
}

}  // namespace nicsim::cli
