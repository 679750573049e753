#include "sim/platform.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <stdexcept>
#include <systemc>

#include "sim/clock_timing.h"
#include "sim/cpu_model.h"
#include "sim/interrupt_controller_impl.h"
#include "sim/nic_domain.h"
#include "sim/preemption_coverage.h"
#include "sim/schedule.h"
#include "sim/stall_watch.h"

namespace nicsim::sim {
namespace {

// Simulated time between two stop polls: a few milliseconds of wall time at most.
constexpr double kStopPollSliceNs = 10'000;

[[noreturn]] void fail(const char* message) {
  std::fprintf(stderr, "nicsim platform: %s\n", message);
  std::abort();
}

}  // namespace

struct Platform::Impl {
  Impl(const PlatformConfig& config) : schedule(config.schedule, config.cpus) {}

  Schedule schedule;
  ScheduleTrace trace;
  HostMemory memory;
  std::unique_ptr<InterruptControllerImpl> intc;
  struct PooledWork {
    std::string name;
    std::function<void()> fn;
  };
  std::deque<PooledWork> worker_pool;  // work items no CPU was free for yet
  std::vector<std::unique_ptr<CpuModel>> cpus;
  uint64_t passive_outstanding = 0;
  bool pause_when_passive_done = false;
  ClockTiming nic_timing{4000, 2000};
  std::unique_ptr<NicDomain> nic;  // it refers to memory and intc
  StallWatch::Hooks stall_hooks;
  std::unique_ptr<StallWatch> stall_watch;  // last: it refers to the CPUs and the NIC
  std::unique_ptr<PreemptionCoverage> preemptions;
};

Platform::Platform(const PlatformConfig& config) : config_(config) {
  if (config.cpus < 1 || config.cpus > 64) {
    throw std::invalid_argument("PlatformConfig::cpus must be 1..64, got " +
                                std::to_string(config.cpus));
  }
  if (!(config.nic_clock_mhz > 0.0) || config.nic_clock_mhz > 1000.0) {
    throw std::invalid_argument("PlatformConfig::nic_clock_mhz must be in (0, 1000]");
  }
  if (sc_core::sc_get_status() != sc_core::SC_ELABORATION) {
    throw std::logic_error(
        "a Platform must be built before the simulation starts (one Platform per process)");
  }
  if (sc_core::sc_get_time_resolution() != sc_core::sc_time(1, sc_core::SC_PS)) {
    throw std::logic_error("the SystemC time resolution must be 1 ps");
  }
  impl_ = std::make_unique<Impl>(config_);
  // stop() ends runs on purpose (DEADLOCK, first error) and says why itself: SystemC's own
  // "Info: /OSCI/SystemC: Simulation stopped by user." would only clutter the output.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);

  InterruptControllerImpl::Hooks hooks;
  hooks.wake = [this](unsigned cpu) { impl_->cpus[cpu]->wake(); };
  hooks.nic_cycle = [this] { return nic_cycle(); };
  hooks.report = [this](Violation violation) { report(std::move(violation)); };
  hooks.observers = &observers_;
  impl_->intc = std::make_unique<InterruptControllerImpl>(config_.cpus, std::move(hooks));

  impl_->memory.set_reporter([this](Violation violation) { report(std::move(violation)); });
  impl_->memory.attach_coverage(coverage_);
  impl_->intc->attach_coverage(coverage_);

  impl_->preemptions = std::make_unique<PreemptionCoverage>(coverage_, config_.cpus);
  add_observer(impl_->preemptions.get());

  CpuModel::Services services;
  services.costs = &config_.costs;
  services.schedule = &impl_->schedule;
  services.trace = &impl_->trace;
  services.intc = impl_->intc.get();
  services.observers = &observers_;
  services.report = [this](Violation violation) { report(std::move(violation)); };
  services.coverage = &coverage_;
  services.passive_finished = [this] {
    if (--impl_->passive_outstanding == 0 && impl_->pause_when_passive_done) sc_core::sc_pause();
  };
  services.passive_free = [this](unsigned cpu) {
    if (impl_->worker_pool.empty()) return;
    Impl::PooledWork work = std::move(impl_->worker_pool.front());
    impl_->worker_pool.pop_front();
    impl_->cpus[cpu]->start_passive(std::move(work.name), std::move(work.fn), 0);
  };
  for (unsigned i = 0; i < config_.cpus; ++i) {
    const std::string name = "cpu" + std::to_string(i);
    impl_->cpus.push_back(std::make_unique<CpuModel>(name.c_str(), i, services));
  }

  // With or without a NIC, the same edge grid.
  impl_->nic_timing = clock_timing(config_.nic_clock_mhz);
  if (config_.device) {
    NicDomainConfig nic_config;
    nic_config.clock_mhz = config_.nic_clock_mhz;
    nic_config.batching = config_.batching;
    nic_config.memory = config_.memory;
    nic_config.seed = config_.schedule.seed;
    nic_config.intx_line = config_.intx_line;
    nic_config.faults = config_.faults;
    nic_config.record_interrupt_cycles = false;  // nothing reads them here: flat memory
    // A failed RTL assertion ends the run at once, as a DEADLOCK does: the device's state after
    // it means nothing.
    impl_->nic = std::make_unique<NicDomain>("nic", config_.device(), nic_config, impl_->memory,
                                             *impl_->intc, [this](Violation v) {
                                               const bool assertion = v.rule == "RTL_ASSERTION";
                                               std::string reason = "RTL_ASSERTION: " + v.message;
                                               report(std::move(v));
                                               if (assertion) stop(std::move(reason));
                                             });
    impl_->nic->attach_coverage(coverage_);
  }
  if (config_.stall_check_ns > 0) {
    impl_->stall_watch =
        std::make_unique<StallWatch>("stall_watch", *this, impl_->cpus, impl_->nic.get(),
                                     config_.stall_check_ns, impl_->stall_hooks);
  }
}

Platform::~Platform() = default;

unsigned Platform::num_cpus() const { return config_.cpus; }

Cpu& Platform::cpu(unsigned index) {
  if (index >= impl_->cpus.size()) fail("cpu(index): no such CPU");
  return *impl_->cpus[index];
}

Cpu& Platform::current_cpu() {
  CpuModel* cpu = CpuModel::current();
  if (!cpu) fail("current_cpu() called off a CPU thread (driver code must run on a CPU)");
  return *cpu;
}

bool Platform::on_cpu() const { return CpuModel::current() != nullptr; }

InterruptController& Platform::intc() { return *impl_->intc; }
HostMemory& Platform::memory() { return impl_->memory; }

MmioPort& Platform::mmio() {
  if (!impl_->nic) fail("mmio(): this platform has no device (PlatformConfig::device is empty)");
  return impl_->nic->mmio();
}

NicDomain& Platform::nic() {
  if (!impl_->nic) fail("nic(): this platform has no device (PlatformConfig::device is empty)");
  return *impl_->nic;
}

bool Platform::has_nic() const { return impl_->nic != nullptr; }

uint64_t Platform::now_ns() const { return sc_core::sc_time_stamp().value() / 1000; }

uint64_t Platform::nic_period_ps() const { return impl_->nic_timing.period_ps; }

uint64_t Platform::nic_cycle() const {
  // Edges at or before now, from time: exact in both batching modes and while the NIC sleeps.
  const uint64_t now = sc_core::sc_time_stamp().value();
  return impl_->nic_timing.edges_through(now);
}

bool Platform::queue_dpc(Dpc& dpc, unsigned cpu) {
  coverage_.evaluated("DPC_BAD_CPU");
  if (cpu >= impl_->cpus.size()) {
    Violation violation;
    violation.rule = "DPC_BAD_CPU";
    violation.object = dpc.name();
    violation.where = "platform";
    violation.message =
        "DPC " + dpc.name() + " queued to CPU " + std::to_string(cpu) + ", which does not exist";
    report(std::move(violation));
    return false;
  }
  return impl_->cpus[cpu]->queue_dpc(dpc);
}

bool Platform::remove_dpc(Dpc& dpc) {
  if (!dpc.queued()) return false;
  return impl_->cpus[static_cast<unsigned>(dpc.queued_cpu())]->remove_dpc(dpc);
}

void Platform::start_passive(unsigned cpu, std::string name, std::function<void()> fn,
                             uint64_t at_ns) {
  if (cpu >= impl_->cpus.size()) {
    throw std::invalid_argument("start_passive(" + name + "): CPU " + std::to_string(cpu) +
                                " does not exist");
  }
  ++impl_->passive_outstanding;
  impl_->cpus[cpu]->start_passive(std::move(name), std::move(fn), at_ns);
}

void Platform::start_worker(unsigned preferred_cpu, std::string name, std::function<void()> fn) {
  ++impl_->passive_outstanding;
  const size_t cpus = impl_->cpus.size();
  for (size_t i = 0; i < cpus; ++i) {
    CpuModel& cpu = *impl_->cpus[(preferred_cpu + i) % cpus];
    if (!cpu.passive_free()) continue;
    cpu.start_passive(std::move(name), std::move(fn), 0);
    return;
  }
  impl_->worker_pool.push_back({std::move(name), std::move(fn)});
}

bool Platform::passive_done() const { return impl_->passive_outstanding == 0; }

void Platform::report(Violation violation) {
  if (CpuModel* cpu = CpuModel::current(); cpu && violation.cpu < 0) {
    violation.cpu = static_cast<int>(cpu->index());
    violation.irql = cpu->irql();
    violation.context = std::string(to_string(cpu->context()));
  }
  // Raised by the NIC's edge (a refused DMA access): the edge's time, not the lagging SystemC time.
  if (impl_->nic && violation.cpu < 0 && violation.sim_ns == 0)
    impl_->nic->stamp_from_edge(violation);
  if (violation.sim_ns == 0) violation.sim_ns = now_ns();
  if (violation.cycle == 0) violation.cycle = nic_cycle();
  violations_.report(violation);
  for (HostObserver* observer : observers_) observer->on_violation(violation);
}

void Platform::add_pending_probe(std::function<bool()> probe) {
  impl_->stall_hooks.pending.push_back(std::move(probe));
}

void Platform::set_spin_describer(std::function<std::string(unsigned cpu)> describe) {
  impl_->stall_hooks.describe = std::move(describe);
}

uint64_t Platform::stall_checks() const {
  return impl_->stall_watch ? impl_->stall_watch->checks() : 0;
}

void Platform::add_observer(HostObserver* observer) { observers_.push_back(observer); }

void Platform::run(uint64_t max_ns) {
  if (stopped() || sc_core::sc_get_status() == sc_core::SC_STOPPED) return;
  const sc_core::sc_time limit(static_cast<double>(max_ns), sc_core::SC_NS);
  if (!stop_poll_) {
    sc_core::sc_start(limit, sc_core::SC_EXIT_ON_STARVATION);
    return;
  }
  // The same events in the same order as one sc_start, in slices with a poll between them. A
  // slice with no event in it returns without moving time (SC_EXIT_ON_STARVATION), so a quiet
  // stretch is crossed in one step to its next event.
  const sc_core::sc_time slice(kStopPollSliceNs, sc_core::SC_NS);
  const sc_core::sc_time end = sc_core::sc_time_stamp() + limit;
  for (;;) {
    if (std::string reason = stop_poll_(); !reason.empty()) {
      stop(std::move(reason));
      return;
    }
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (now >= end) return;
    sc_core::sc_time step = std::min(slice, end - now);
    if (sc_core::sc_get_status() != sc_core::SC_ELABORATION) {
      if (!sc_core::sc_pending_activity()) return;  // starved: nothing left
      const sc_core::sc_time next = sc_core::sc_time_to_pending_activity();
      if (next > end - now) return;  // the next event is past the limit
      step = std::max(step, next);
    }
    sc_core::sc_start(step, sc_core::SC_EXIT_ON_STARVATION);
    if (stopped() || sc_core::sc_get_status() == sc_core::SC_STOPPED) return;
    if (impl_->pause_when_passive_done && passive_done()) return;  // sc_pause()d
  }
}

bool Platform::run_until_passive_done(uint64_t max_ns) {
  if (!passive_done()) {
    impl_->pause_when_passive_done = true;
    run(max_ns);
    impl_->pause_when_passive_done = false;
  }
  return passive_done();
}

void Platform::stop(std::string reason) {
  if (stop_reason_.empty()) stop_reason_ = reason.empty() ? "stopped" : std::move(reason);
  if (sc_core::sc_get_status() == sc_core::SC_RUNNING) sc_core::sc_stop();
}

uint64_t Platform::schedule_hash() const { return impl_->trace.hash(); }
uint64_t Platform::schedule_events() const { return impl_->trace.events(); }
const std::vector<Perturbation>& Platform::schedule_applied() const {
  return impl_->schedule.applied();
}

}  // namespace nicsim::sim
