#include "sim/cpu_model.h"

#include <algorithm>

namespace nicsim::sim {
namespace {

constexpr uint64_t kPsPerNs = 1000;

// All CPUs of the process, to find the one whose thread runs now. The cache is the CPU that last
// resumed through this file; code that waits elsewhere (the MMIO bridge) is found by the search.
std::vector<CpuModel*>& all_cpus() {
  static std::vector<CpuModel*> cpus;
  return cpus;
}
CpuModel* last_resumed = nullptr;

uint64_t now_ps() { return sc_core::sc_time_stamp().value(); }

}  // namespace

std::string_view to_string(CpuContext context) {
  switch (context) {
    case CpuContext::kIdle:
      return "idle";
    case CpuContext::kPassive:
      return "passive";
    case CpuContext::kDpc:
      return "dpc";
    case CpuContext::kIsr:
      return "isr";
    case CpuContext::kSync:
      return "sync";
  }
  return "unknown";
}

std::string_view to_string(CpuModel::Wait wait) {
  switch (wait) {
    case CpuModel::Wait::kRunning:
      return "running";
    case CpuModel::Wait::kIdle:
      return "idle";
    case CpuModel::Wait::kTimed:
      return "waiting for a time";
    case CpuModel::Wait::kPoll:
      return "polling";
    case CpuModel::Wait::kSpin:
      return "spinning";
  }
  return "unknown";
}

void resume_on_whole_ns() {
  const uint64_t offset = now_ps() % kPsPerNs;
  if (offset != 0)
    sc_core::wait(sc_core::sc_time(static_cast<double>(kPsPerNs - offset), sc_core::SC_PS));
}

CpuModel::CpuModel(sc_core::sc_module_name name, unsigned index, Services services)
    : sc_core::sc_module(name), index_(index), services_(std::move(services)) {
  if (services_.coverage)
    for (RuleCount* rule : {&raise_checks_, &lower_checks_, &restore_checks_})
      rule->attach(*services_.coverage);
  SC_HAS_PROCESS(CpuModel);
  SC_THREAD(thread_main);
  all_cpus().push_back(this);
}

CpuModel* CpuModel::current() {
  const sc_core::sc_process_handle running = sc_core::sc_get_current_process_handle();
  if (!running.valid()) return nullptr;
  if (last_resumed && last_resumed->thread_ == running) return last_resumed;
  for (CpuModel* cpu : all_cpus()) {
    if (cpu->thread_ == running) return last_resumed = cpu;
  }
  return nullptr;
}

CpuContext CpuModel::context() const {
  return frames_.empty() ? CpuContext::kIdle : frames_.back().context;
}

CpuContext CpuModel::thread_context() const {
  for (auto it = frames_.rbegin(); it != frames_.rend(); ++it)
    if (it->context != CpuContext::kSync) return it->context;
  return CpuContext::kIdle;
}

std::string_view CpuModel::routine() const {
  return frames_.empty() ? std::string_view() : std::string_view(frames_.back().routine);
}

void CpuModel::thread_main() {
  thread_ = sc_core::sc_get_current_process_handle();
  resumed();
  for (;;) {
    deliver();
    const uint64_t now_ns = now_ps() / kPsPerNs;
    if (passive_.empty() && services_.passive_free) services_.passive_free(index_);
    if (!passive_.empty() && passive_.front().at_ns <= now_ns) {
      run_passive();
      continue;
    }
    // Idle: nothing is polled; wake() or the next passive start time resumes the thread.
    wait_ = passive_.empty() ? Wait::kIdle : Wait::kTimed;
    wait_for_wake(passive_.empty() ? 0 : passive_.front().at_ns - now_ns);
  }
}

void CpuModel::resumed() { last_resumed = this; }

void CpuModel::wait_ns(uint64_t ns) {
  wait_ = Wait::kRunning;
  sleep_ns(ns);
}

void CpuModel::sleep_ns(uint64_t ns) {
  if (ns > 0) sc_core::wait(sc_core::sc_time(static_cast<double>(ns), sc_core::SC_NS));
  resumed();
}

void CpuModel::wait_for_wake(uint64_t timeout_ns) {
  if (timeout_ns > 0) {
    sc_core::wait(sc_core::sc_time(static_cast<double>(timeout_ns), sc_core::SC_NS), wake_event_);
  } else {
    sc_core::wait(wake_event_);
  }
  resume_on_whole_ns();
  resumed();
}

void CpuModel::wake() { wake_event_.notify(sc_core::SC_ZERO_TIME); }

void CpuModel::deliver() {
  for (;;) {
    if (auto interrupt = services_.intc->take_deliverable(index_, irql_)) {
      run_isr(*interrupt);
    } else if (irql_ < kDispatchLevel && !dpcs_.empty()) {
      run_dpc();
    } else {
      return;
    }
  }
}

void CpuModel::run_isr(const PendingInterrupt& interrupt) {
  const Irql saved = irql_;
  push_frame(CpuContext::kIsr, interrupt.name, interrupt.dirql);
  set_irql(interrupt.dirql);
  wait_ns(entry_ns());
  ++isrs_run_;
  ++progress_;
  services_.intc->dispatch(interrupt, index_);
  restore_checks_.evaluated();
  if (irql_ != interrupt.dirql) {
    report("IRQL_NOT_RESTORED", "ISR " + interrupt.name + " returned at IRQL " +
                                    std::to_string(irql_) + ", entered at " +
                                    std::to_string(interrupt.dirql));
  }
  set_irql(saved);
  pop_frame();
}

void CpuModel::run_dpc() {
  Dpc* dpc = dpcs_.front();
  dpcs_.pop_front();
  dpc->queued_cpu_ = -1;  // dequeued before it runs: the routine may queue itself again
  notify_dpc_queue_depth();
  const Irql saved = irql_;
  push_frame(CpuContext::kDpc, dpc->name(), kDispatchLevel);
  set_irql(kDispatchLevel);
  wait_ns(entry_ns());
  ++dpcs_run_;
  ++progress_;
  dpc->run();
  restore_checks_.evaluated();
  if (irql_ != kDispatchLevel) {
    report("IRQL_NOT_RESTORED", "DPC " + dpc->name() + " returned at IRQL " +
                                    std::to_string(irql_) + ", entered at DISPATCH_LEVEL");
  }
  set_irql(saved);
  pop_frame();
}

void CpuModel::run_passive() {
  PassiveWork work = std::move(passive_.front());
  passive_.pop_front();
  push_frame(CpuContext::kPassive, work.name, kPassiveLevel);
  ++progress_;
  passive_running_ = true;
  work.fn();
  passive_running_ = false;
  ++progress_;
  restore_checks_.evaluated();
  if (irql_ != kPassiveLevel) {
    report("IRQL_NOT_RESTORED", "passive thread " + work.name + " returned at IRQL " +
                                    std::to_string(irql_) + ", entered at PASSIVE_LEVEL");
    set_irql(kPassiveLevel);
  }
  pop_frame();
  if (services_.passive_finished) services_.passive_finished();
}

Irql CpuModel::raise_irql(Irql new_irql) {
  const Irql old = irql_;
  raise_checks_.evaluated();
  if (new_irql < irql_) {
    report("IRQL_RAISE_BELOW_CURRENT", "raise_irql(" + std::to_string(new_irql) +
                                           ") below the current IRQL " + std::to_string(irql_));
    return old;
  }
  set_irql(new_irql);
  return old;
}

void CpuModel::lower_irql(Irql new_irql) {
  lower_checks_.evaluated();
  if (new_irql > irql_) {
    report("IRQL_LOWER_ABOVE_CURRENT", "lower_irql(" + std::to_string(new_irql) +
                                           ") above the current IRQL " + std::to_string(irql_));
    return;
  }
  set_irql(new_irql);
  deliver();
}

void CpuModel::run_frame(CpuContext context, std::string_view routine, Irql irql,
                         const std::function<void()>& fn) {
  const Irql saved = irql_;
  push_frame(context, routine, irql);
  set_irql(irql);
  fn();
  restore_checks_.evaluated();
  if (irql_ != irql) {
    report("IRQL_NOT_RESTORED", std::string(to_string(context)) + " frame " + std::string(routine) +
                                    " returned at IRQL " + std::to_string(irql_) + ", entered at " +
                                    std::to_string(irql));
  }
  set_irql(saved);
  pop_frame();
  if (saved < irql) deliver();  // lowering back may unmask what arrived meanwhile
}

void CpuModel::yield(Cost cost) {
  ++progress_;
  wait_ns(cost_ns(cost) + services_.schedule->jitter_ns(index_));
  if (services_.trace) services_.trace->record(index_, now_ps() / kPsPerNs);
  deliver();
}

void CpuModel::busy(uint64_t ns) {
  ++progress_;
  wait_ns(ns);
}

uint64_t CpuModel::spin_until(const std::function<bool()>& try_acquire, uint64_t until_ns) {
  uint64_t spent = 0;
  const uint64_t step = std::max<uint64_t>(1, services_.costs->spin_iteration_ns);
  const Wait spin = until_ns ? Wait::kTimed : Wait::kSpin;
  while (!try_acquire()) {
    wait_ = spin;
    sleep_ns(step);
    spent += step;
    deliver();  // interrupts above the current IRQL preempt the spin; at DISPATCH no DPCs
  }
  wait_ = Wait::kRunning;
  spin_ns_ += spent;
  return spent;
}

void CpuModel::block_for(uint64_t ns) {
  const uint64_t deadline = now_ps() / kPsPerNs + ns;
  for (;;) {
    deliver();
    const uint64_t now_ns = now_ps() / kPsPerNs;
    if (now_ns >= deadline) return;
    wait_ = Wait::kTimed;
    wait_for_wake(deadline - now_ns);
  }
}

void CpuModel::poll_for(uint64_t ns) {
  const uint64_t deadline = now_ps() / kPsPerNs + ns;
  for (;;) {
    deliver();
    const uint64_t now_ns = now_ps() / kPsPerNs;
    if (now_ns >= deadline) return;
    wait_ = Wait::kPoll;
    wait_for_wake(deadline - now_ns);
  }
}

void CpuModel::block_until(const std::function<bool()>& ready, uint64_t poll_ns) {
  poll_ns = std::max<uint64_t>(1, poll_ns);
  for (;;) {
    deliver();
    if (ready()) return;
    wait_ = Wait::kPoll;
    wait_for_wake(poll_ns);
  }
}

std::vector<std::string> CpuModel::queued_dpc_names() const {
  std::vector<std::string> names;
  for (const Dpc* dpc : dpcs_) names.push_back(dpc->name());
  return names;
}

std::vector<std::string> CpuModel::queued_passive_names() const {
  std::vector<std::string> names;
  for (const PassiveWork& work : passive_) names.push_back(work.name);
  return names;
}

bool CpuModel::queue_dpc(Dpc& dpc) {
  if (dpc.queued()) return false;
  dpc.queued_cpu_ = static_cast<int>(index_);
  dpcs_.push_back(&dpc);
  notify_dpc_queue_depth();
  wake();
  return true;
}

bool CpuModel::remove_dpc(Dpc& dpc) {
  if (dpc.queued_cpu_ != static_cast<int>(index_)) return false;
  dpcs_.erase(std::find(dpcs_.begin(), dpcs_.end(), &dpc));
  dpc.queued_cpu_ = -1;
  notify_dpc_queue_depth();
  return true;
}

void CpuModel::notify_dpc_queue_depth() {
  if (!services_.observers) return;
  for (HostObserver* observer : *services_.observers) {
    observer->on_dpc_queue_depth(index_, dpc_queue_depth());
  }
}

void CpuModel::start_passive(std::string name, std::function<void()> fn, uint64_t at_ns) {
  passive_.push_back(PassiveWork{std::move(name), std::move(fn), at_ns});
  wake();
}

void CpuModel::set_irql(Irql irql) {
  if (irql == irql_) return;
  irql_ = irql;
  if (!services_.observers) return;
  for (HostObserver* observer : *services_.observers) observer->on_irql(index_, irql_);
}

void CpuModel::push_frame(CpuContext context, std::string_view routine, Irql irql) {
  frames_.push_back(Frame{context, std::string(routine), irql});
  if (!services_.observers) return;
  for (HostObserver* observer : *services_.observers) {
    observer->on_frame(index_, context, routine, true);
  }
}

void CpuModel::pop_frame() {
  const Frame frame = std::move(frames_.back());
  frames_.pop_back();
  if (!services_.observers) return;
  for (HostObserver* observer : *services_.observers) {
    observer->on_frame(index_, frame.context, frame.routine, false);
  }
}

// At least 1 ns, so an interrupt storm or a self-requeueing DPC still lets time advance.
uint64_t CpuModel::entry_ns() const {
  return std::max<uint64_t>(1, services_.costs->routine_entry_ns);
}

uint64_t CpuModel::cost_ns(Cost cost) const {
  const CostModel& costs = *services_.costs;
  switch (cost) {
    case Cost::kNdisCall:
      return costs.ndis_call_ns;
    case Cost::kSharedAccess:
      return costs.shared_access_ns;
    case Cost::kSpinIteration:
      return costs.spin_iteration_ns;
    case Cost::kRoutineEntry:
      return costs.routine_entry_ns;
    case Cost::kWork:
      return costs.work_ns;
  }
  return costs.work_ns;
}

void CpuModel::report(std::string rule, std::string message) {
  if (!services_.report) return;
  Violation violation;
  violation.rule = std::move(rule);
  violation.severity = Severity::kError;
  violation.object = "cpu" + std::to_string(index_);
  violation.where = "cpu_model";
  violation.message = std::move(message);
  services_.report(std::move(violation));
}

}  // namespace nicsim::sim
