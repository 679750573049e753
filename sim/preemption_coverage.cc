#include "sim/preemption_coverage.h"

#include <string>

namespace nicsim::sim {
namespace {

constexpr std::string_view kGroup = "preemption/";

std::string bin(CpuContext preempting, CpuContext preempted, bool holding_spin_lock) {
  std::string name(kGroup);
  name += to_string(preempting);
  name += " over ";
  name += to_string(preempted);
  if (holding_spin_lock) name += " holding a spin lock";
  return name;
}

}  // namespace

PreemptionCoverage::PreemptionCoverage(FunctionalCoverage& coverage, unsigned cpus)
    : coverage_(coverage), cpus_(cpus) {
  using C = CpuContext;
  for (bool lock : {false, true}) {
    coverage_.declare(bin(C::kIsr, C::kPassive, lock));
    coverage_.declare(bin(C::kIsr, C::kDpc, lock));
  }
  coverage_.declare(bin(C::kDpc, C::kPassive, false));
  coverage_.declare_unreachable(bin(C::kDpc, C::kPassive, true),
                                "a spin lock raises its holder to DISPATCH_LEVEL, so no DPC runs "
                                "on that CPU until the lock is released");
  coverage_.declare_unreachable(bin(C::kDpc, C::kDpc, false),
                                "DPCs run at DISPATCH_LEVEL and run to completion, one at a time "
                                "per CPU");
  coverage_.declare_unreachable(bin(C::kIsr, C::kSync, false),
                                "a sync callback runs at its interrupt's DIRQL, which masks that "
                                "interrupt's ISR on the CPU");
  coverage_.declare_unreachable(bin(C::kIsr, C::kIsr, false),
                                "every message of a device has one DIRQL: an ISR masks the other "
                                "ISRs on its CPU");
}

void PreemptionCoverage::on_frame(unsigned cpu, CpuContext context, std::string_view, bool enter) {
  if (cpu >= cpus_.size()) return;
  PerCpu& state = cpus_[cpu];
  if (!enter) {
    if (!state.frames.empty()) state.frames.pop_back();
    return;
  }
  const bool delivered = context == CpuContext::kIsr || context == CpuContext::kDpc;
  if (delivered && !state.frames.empty())
    ++count(context, state.frames.back(), !state.spin_locks.empty());
  state.frames.push_back(context);
}

uint64_t& PreemptionCoverage::count(CpuContext preempting, CpuContext preempted,
                                    bool holding_spin_lock) {
  uint64_t*& counter = counts_[{preempting, preempted, holding_spin_lock}];
  if (!counter) counter = &coverage_.counter(bin(preempting, preempted, holding_spin_lock));
  return *counter;
}

void PreemptionCoverage::on_lock(unsigned cpu, LockEvent event, unsigned lock_id,
                                 std::string_view) {
  if (cpu >= cpus_.size()) return;
  PerCpu& state = cpus_[cpu];
  if (event == LockEvent::kAcquired) {
    const bool below_dirql =
        !state.frames.empty() &&
        (state.frames.back() == CpuContext::kPassive || state.frames.back() == CpuContext::kDpc);
    if (below_dirql) ++state.spin_locks[lock_id];
    return;
  }
  if (event != LockEvent::kReleased) return;
  if (auto it = state.spin_locks.find(lock_id); it != state.spin_locks.end() && --it->second == 0)
    state.spin_locks.erase(it);
}

}  // namespace nicsim::sim
