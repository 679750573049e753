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
  if (own_view_) own_view_->on_cycle(cycle, p);
  if (p.rst) {
    std::fill(vectors_.begin(), vectors_.end(), VectorState{});
    intx_ = {};
    intx_level_ = false;
    seen_version_ = next_deadline_ = kNever;
    return;
  }
  // After a full update each state is settled (armed, fired, or idle with its condition false):
  // repeating it with the same inputs changes nothing until a deadline passes.
  const bool same = view_.version() == seen_version_ && view_.messages().empty() &&
                    !(view_.intx_mode() && p.intx != intx_level_);
  if (same && cycle <= next_deadline_) return;
  update_all(cycle, p);
  seen_version_ = view_.version();
}

void InterruptLiveness::update_all(uint64_t cycle, const DevicePorts& p) {
  for (const MsiEvent& message : view_.messages()) {
    if (message.vector >= 0) fire(vectors_[message.vector], cycle);
  }
  next_deadline_ = kNever;
  const auto update = [&](VectorState& s, bool condition, uint32_t interval, unsigned vector,
                          const char* signal) {
    if (!condition) {
      s.armed = s.fired = false;
      return;
    }
    checks_.evaluated();
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
    if (s.armed) next_deadline_ = std::min(next_deadline_, s.deadline);
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
