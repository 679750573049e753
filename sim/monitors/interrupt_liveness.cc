#include "sim/monitors/interrupt_liveness.h"

#include <algorithm>
#include <string>

namespace nicsim::sim {

void InterruptLiveness::fire(VectorState& s, uint64_t cycle) {
  s.armed = false;
  s.fired = true;
  s.last = cycle;
  s.has_last = true;
}

void InterruptLiveness::on_cycle(uint64_t cycle, const DevicePorts& p) {
  view_.on_cycle(cycle, p);
  if (p.rst) {
    std::fill(vectors_.begin(), vectors_.end(), VectorState{});
    intx_ = {};
    intx_level_ = false;
    return;
  }
  for (const MsiEvent& message : view_.messages()) {
    if (message.vector >= 0) fire(vectors_[message.vector], cycle);
  }
  const auto update = [&](VectorState& s, bool condition, uint32_t interval, unsigned vector,
                          const char* signal) {
    if (!condition) {
      s.armed = s.fired = false;
      return;
    }
    if (!s.armed && !s.fired) {
      s.armed = true;
      const uint64_t allowed = s.has_last ? std::max(cycle, s.last + interval) : cycle;
      s.deadline = allowed + bound_;
    }
    if (s.armed && cycle > s.deadline) {
      report_(monitor_violation("INTERRUPT_LIVENESS", cycle, signal,
                                "vector " + std::to_string(vector) +
                                    " has an enabled pending cause (ICR & IMS = " +
                                    hex(view_.causes() & view_.enabled()) +
                                    ") but no interrupt by cycle " + std::to_string(s.deadline)));
      s.armed = false;
      s.fired = true;  // one report per owed interrupt
    }
  };
  if (view_.intx_mode()) {
    if (p.intx && !intx_level_) fire(intx_, cycle);
    intx_level_ = p.intx;
    update(intx_, (view_.causes() & view_.enabled()) != 0 && !p.intx, view_.itr(0), 0, "intx");
    return;
  }
  for (unsigned v = 0; v < view_.num_vectors(); ++v) {
    const bool condition =
        (view_.causes() & view_.enabled() & view_.vector_causes(v)) != 0 && !view_.vector_masked(v);
    update(vectors_[v], condition, view_.itr(v), v, "m_axi_awvalid");
  }
}

}  // namespace nicsim::sim
