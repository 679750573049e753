// The Cpu implementation: one SystemC thread per simulated CPU. Driver code (passive threads, DPCs,
// ISRs) runs on that thread; yield points wait in simulated time and then deliver what preempts,
// nested on one context stack as on hardware. Every CPU action happens at a whole nanosecond
// (the NIC's clock edges sit at half-ns offsets, so they never coincide).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <systemc>
#include <vector>

#include "sim/cpu.h"
#include "sim/functional_coverage.h"
#include "sim/host_config.h"
#include "sim/host_observer.h"
#include "sim/interrupt_controller_impl.h"
#include "sim/schedule.h"
#include "sim/violation.h"

namespace nicsim::sim {

// Called on a CPU thread after waiting on an event the NIC side notifies (at a half-ns edge):
// moves on to the next whole nanosecond, keeping the CPU timing convention.
void resume_on_whole_ns();

class CpuModel : public sc_core::sc_module, public Cpu {
 public:
  // What a CPU needs from the platform around it (all outlive the CPU).
  struct Services {
    const CostModel* costs = nullptr;
    Schedule* schedule = nullptr;
    ScheduleTrace* trace = nullptr;
    InterruptControllerImpl* intc = nullptr;
    const std::vector<HostObserver*>* observers = nullptr;
    std::function<void(Violation)> report;
    std::function<void()> passive_finished;  // after each passive work item returns
    // The CPU's passive level is free (no thread running or queued): it may take pooled work.
    std::function<void(unsigned cpu)> passive_free;
    FunctionalCoverage* coverage = nullptr;  // where the IRQL checks count; none in unit tests
  };

  // What the CPU's thread waits in now, for the stall watch (sim/stall_watch.h).
  enum class Wait : uint8_t {
    kRunning,  // charging the time of work it does (a yield, busy time, a routine's entry)
    kIdle,     // nothing to run until something wakes it
    kTimed,    // a wait that ends by itself at a known time (block_for, a passive start time)
    kPoll,     // a passive thread re-checking a condition others must change
    kSpin,     // spinning until another CPU releases what it waits for
  };

  struct Frame {
    CpuContext context;
    std::string routine;
    Irql irql;  // the level the frame runs at
  };

  CpuModel(sc_core::sc_module_name name, unsigned index, Services services);

  // The CPU whose thread is running now; nullptr off the CPU threads (NIC side, sc_main).
  static CpuModel* current();

  // Cpu
  unsigned index() const override { return index_; }
  Irql irql() const override { return irql_; }
  CpuContext context() const override;
  CpuContext thread_context() const override;
  std::string_view routine() const override;
  unsigned depth() const override { return static_cast<unsigned>(frames_.size()); }
  Irql raise_irql(Irql new_irql) override;
  void lower_irql(Irql new_irql) override;
  void run_frame(CpuContext context, std::string_view routine, Irql irql,
                 const std::function<void()>& fn) override;
  void yield(Cost cost = Cost::kNdisCall) override;
  void busy(uint64_t ns) override;
  uint64_t spin_until(const std::function<bool()>& try_acquire, uint64_t until_ns = 0) override;
  void block_for(uint64_t ns) override;
  void poll_for(uint64_t ns) override;
  void block_until(const std::function<bool()>& ready, uint64_t poll_ns = 100) override;

  // Platform side.
  bool queue_dpc(Dpc& dpc);   // false when dpc is already queued (coalesced)
  bool remove_dpc(Dpc& dpc);  // false when dpc is not in this CPU's queue
  void start_passive(std::string name, std::function<void()> fn, uint64_t at_ns);
  // No passive thread runs or waits to: work started now would run at once.
  bool passive_free() const { return !passive_running_ && passive_.empty(); }
  void wake();  // something now targets this CPU

  const std::vector<Frame>& frames() const { return frames_; }
  unsigned dpc_queue_depth() const { return static_cast<unsigned>(dpcs_.size()); }
  uint64_t isrs_run() const { return isrs_run_; }
  uint64_t dpcs_run() const { return dpcs_run_; }
  uint64_t spin_ns() const { return spin_ns_; }
  Wait wait() const { return wait_; }
  // Counts what moves the run on: routines entered and left, NDIS calls, busy time.
  uint64_t progress() const { return progress_; }
  std::vector<std::string> queued_dpc_names() const;
  std::vector<std::string> queued_passive_names() const;

 private:
  struct PassiveWork {
    std::string name;
    std::function<void()> fn;
    uint64_t at_ns;
  };

  void thread_main();
  void resumed();
  void wait_ns(uint64_t ns);   // charges work time
  void sleep_ns(uint64_t ns);  // lets time pass in whatever wait the thread is in
  // Waits for wake() or timeout_ns (0: no timeout), then realigns to a whole ns.
  void wait_for_wake(uint64_t timeout_ns);
  void deliver();
  void run_isr(const PendingInterrupt& interrupt);
  void run_dpc();
  void notify_dpc_queue_depth();
  void run_passive();
  void set_irql(Irql irql);
  void push_frame(CpuContext context, std::string_view routine, Irql irql);
  void pop_frame();
  uint64_t cost_ns(Cost cost) const;
  uint64_t entry_ns() const;
  void report(std::string rule, std::string message);

  unsigned index_;
  Services services_;
  Irql irql_ = kPassiveLevel;
  std::vector<Frame> frames_;
  std::deque<Dpc*> dpcs_;
  std::deque<PassiveWork> passive_;
  bool passive_running_ = false;
  sc_core::sc_event wake_event_;
  sc_core::sc_process_handle thread_;
  uint64_t isrs_run_ = 0;
  uint64_t dpcs_run_ = 0;
  uint64_t spin_ns_ = 0;
  Wait wait_ = Wait::kIdle;
  uint64_t progress_ = 0;
  // Every raise, lower and routine return checks its IRQL: plain counts into the coverage bins.
  RuleCount raise_checks_{"IRQL_RAISE_BELOW_CURRENT"}, lower_checks_{"IRQL_LOWER_ABOVE_CURRENT"},
      restore_checks_{"IRQL_NOT_RESTORED"};
};

std::string_view to_string(CpuModel::Wait wait);

}  // namespace nicsim::sim
