// Per-CPU and interrupt statistics for the summary, gathered as a host observer: ISR and DPC
// counts, time inside them, interrupts raised, and the ISR-to-DPC latency in NIC cycles.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "sim/host_observer.h"
#include "sim/platform.h"
#include "testbench/cli/summary.h"

namespace nicsim::cli {

class HostStats : public sim::HostObserver {
 public:
  // line_based: the DPC may run on another CPU than its ISR, so latency pairs across CPUs.
  HostStats(sim::Platform& platform, bool line_based);

  void on_frame(unsigned cpu, sim::CpuContext context, std::string_view routine,
                bool enter) override;
  void on_interrupt_raised(std::string_view source, unsigned vector, int target_cpu) override;

  void fill(RunSummary& summary) const;

 private:
  struct PerCpu {
    uint64_t isr = 0, dpc = 0, busy_ns = 0;
    unsigned depth = 0;  // nested ISR/DPC/sync frames
    uint64_t busy_since_ns = 0;
    bool isr_pending = false;  // an ISR ran and its DPC has not started yet
    uint64_t isr_cycle = 0;
  };
  sim::Platform& platform_;
  bool line_based_;
  std::vector<PerCpu> cpus_;
  bool global_isr_pending_ = false;
  uint64_t global_isr_cycle_ = 0;
  uint64_t raised_ = 0, isr_calls_ = 0, dpcs_ = 0;
  std::map<uint64_t, uint64_t> isr_to_dpc_;  // latency in cycles -> how often
};

}  // namespace nicsim::cli
