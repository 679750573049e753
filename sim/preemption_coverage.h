// Counts which context preempted which on a CPU, into functional coverage: an ISR over a DPC that
// holds a spin lock is the interleaving that finds ISR/DPC races, and a sweep should show it ran.
// A preemption is a DPC or an ISR entered over another frame on the same CPU; a sync callback is
// a call, not a preemption.
#pragma once

#include <cstdint>
#include <map>
#include <tuple>
#include <vector>

#include "sim/functional_coverage.h"
#include "sim/host_observer.h"

namespace nicsim::sim {

class PreemptionCoverage : public HostObserver {
 public:
  PreemptionCoverage(FunctionalCoverage& coverage, unsigned cpus);

  void on_frame(unsigned cpu, CpuContext context, std::string_view routine, bool enter) override;
  void on_lock(unsigned cpu, LockEvent event, unsigned lock_id,
               std::string_view lock_name) override;

 private:
  struct PerCpu {
    std::vector<CpuContext> frames;
    // Spin locks taken at passive or DPC level and not yet released, by lock id: an ISR's own
    // interrupt lock is not a lock the preempted code holds.
    std::map<unsigned, unsigned> spin_locks;
  };
  // Each (preempting, preempted, holding) bin's count, found once: preemptions are frequent.
  uint64_t& count(CpuContext preempting, CpuContext preempted, bool holding_spin_lock);

  FunctionalCoverage& coverage_;
  std::vector<PerCpu> cpus_;
  std::map<std::tuple<CpuContext, CpuContext, bool>, uint64_t*> counts_;
};

}  // namespace nicsim::sim
