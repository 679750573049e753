#include "sim/monitors/throttle_spacing.h"

#include <algorithm>
#include <string>

namespace nicsim::sim {

void ThrottleSpacing::check(uint64_t cycle, unsigned vector, const char* signal) {
  const uint32_t interval = view_.itr(vector);
  checks_.evaluated();
  if (last_[vector] && cycle - *last_[vector] < interval) {
    report_(monitor_violation("THROTTLE_SPACING", cycle, signal,
                              "vector " + std::to_string(vector) + " interrupted " +
                                  std::to_string(cycle - *last_[vector]) +
                                  " cycles after its last interrupt; ITR is " +
                                  std::to_string(interval)));
  }
  last_[vector] = cycle;
}

void ThrottleSpacing::on_cycle(uint64_t cycle, const DevicePorts& p) {
  if (own_view_) own_view_->on_cycle(cycle, p);
  if (p.rst) {
    std::fill(last_.begin(), last_.end(), std::nullopt);
    intx_ = false;
    return;
  }
  for (const MsiEvent& message : view_.messages()) {
    if (message.vector >= 0) check(message.issue_cycle, message.vector, "m_axi_awaddr");
  }
  if (p.intx && !intx_) check(cycle, 0, "intx");
  intx_ = p.intx;
}

}  // namespace nicsim::sim
