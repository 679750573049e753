#include "testbench/cli/host_stats.h"

namespace nicsim::cli {

HostStats::HostStats(sim::Platform& platform, bool line_based)
    : platform_(platform), line_based_(line_based), cpus_(platform.num_cpus()) {}

void HostStats::on_frame(unsigned cpu, sim::CpuContext context, std::string_view, bool enter) {
  if (cpu >= cpus_.size()) return;
  if (context != sim::CpuContext::kIsr && context != sim::CpuContext::kDpc &&
      context != sim::CpuContext::kSync) {
    return;
  }
  PerCpu& c = cpus_[cpu];
  const uint64_t now = platform_.now_ns();
  if (enter) {
    if (c.depth++ == 0) c.busy_since_ns = now;
    const uint64_t cycle = platform_.nic_cycle();
    if (context == sim::CpuContext::kIsr) {
      ++c.isr;
      ++isr_calls_;
      if (line_based_ && !global_isr_pending_) {
        global_isr_pending_ = true;
        global_isr_cycle_ = cycle;
      } else if (!line_based_ && !c.isr_pending) {
        c.isr_pending = true;
        c.isr_cycle = cycle;
      }
    } else if (context == sim::CpuContext::kDpc) {
      ++c.dpc;
      ++dpcs_;
      if (line_based_ && global_isr_pending_) {
        ++isr_to_dpc_[cycle - global_isr_cycle_];
        global_isr_pending_ = false;
      } else if (!line_based_ && c.isr_pending) {
        ++isr_to_dpc_[cycle - c.isr_cycle];
        c.isr_pending = false;
      }
    }
  } else if (c.depth > 0 && --c.depth == 0) {
    c.busy_ns += now - c.busy_since_ns;
  }
}

void HostStats::on_interrupt_raised(std::string_view, unsigned, int) { ++raised_; }

void HostStats::fill(RunSummary& s) const {
  s.interrupts_raised = raised_;
  s.isr_calls = isr_calls_;
  s.dpcs = dpcs_;
  s.per_cpu.clear();
  for (unsigned i = 0; i < cpus_.size(); ++i) {
    s.per_cpu.push_back({i, cpus_[i].isr, cpus_[i].dpc, cpus_[i].busy_ns});
  }
  s.irq_to_isr = Histogram::of(platform_.intc().irq_to_isr_cycles());
  s.isr_to_dpc = Histogram::of_counts(isr_to_dpc_);
}

}  // namespace nicsim::cli
