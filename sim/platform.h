// The host platform: N CPUs, the interrupt controller, host memory, the NIC clock domain around
// the Verilated NIC, the MMIO bridge and the link partner, in one SystemC kernel.
// SystemC elaborates once per process: build one Platform per process.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim/cpu.h"
#include "sim/faults/fault_plan.h"
#include "sim/functional_coverage.h"
#include "sim/host_config.h"
#include "sim/host_memory.h"
#include "sim/host_observer.h"
#include "sim/interrupt_controller.h"
#include "sim/mmio.h"
#include "sim/violation.h"

namespace nicsim::sim {

class Device;  // sim/device.h: the seam a device model plugs in through

struct PlatformConfig {
  unsigned cpus = 4;             // 1..64
  double nic_clock_mhz = 250.0;  // NIC clock domain
  bool batching = true;          // false: one NIC edge per SystemC wake-up (reference mode)
  CostModel costs;
  ScheduleConfig schedule;
  MemoryConfig memory;
  unsigned intx_line = 0;  // the INTx line the NIC drives
  FaultPlan faults;        // injected at the device's pins (sim/faults), seeded from the seed
  // The stall watch (sim/stall_watch.h, STALL) checks this often; 0: off.
  uint64_t stall_check_ns = 0;
  // Builds the device model (sim/device.h) the NIC clock domain evaluates; empty: a host without
  // a device, for host-side tests.
  std::function<std::unique_ptr<Device>()> device;
};

class NicDomain;  // sim/nic_domain.h: clock domain, MMIO bridge, monitors, link partner
class CpuModel;   // sim/cpu_model.h: the Cpu implementation

class Platform {
 public:
  explicit Platform(const PlatformConfig& config);
  ~Platform();
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  const PlatformConfig& config() const { return config_; }

  unsigned num_cpus() const;
  Cpu& cpu(unsigned index);
  // The CPU whose thread is running now. Aborts with a message when called off a CPU thread.
  Cpu& current_cpu();
  bool on_cpu() const;

  InterruptController& intc();
  HostMemory& memory();
  MmioPort& mmio();
  NicDomain& nic();  // aborts with a message when built without a device
  bool has_nic() const;
  ViolationLog& violations() { return violations_; }
  // The run's functional coverage bins; the platform counts preemptions, the layers above the rest.
  FunctionalCoverage& coverage() { return coverage_; }

  uint64_t now_ns() const;
  uint64_t nic_cycle() const;  // NIC clock edges at or before now
  uint64_t nic_period_ps() const;

  // Queues dpc on cpu; false when it was already queued, on any CPU (coalesced).
  bool queue_dpc(Dpc& dpc, unsigned cpu);
  // Takes dpc out of the queue it is in (KeRemoveQueueDpc); false when it was in none.
  bool remove_dpc(Dpc& dpc);
  // Starts fn as a passive-level thread on cpu at at_ns (run in order per CPU).
  void start_passive(unsigned cpu, std::string name, std::function<void()> fn, uint64_t at_ns = 0);
  // Starts fn now on a system worker thread, as Windows runs work items: on the first CPU from
  // preferred_cpu whose passive level is free, else on the first one to become free (a passive
  // thread that waits, like the testbench's controller, never holds a work item up).
  void start_worker(unsigned preferred_cpu, std::string name, std::function<void()> fn);

  // Reports a violation stamped with the current CPU (if any), IRQL, context, time and cycle.
  void report(Violation violation);

  // For the stall watch, from the layers above: a probe saying an event of theirs is pending (an
  // armed timer), and what a spinning CPU waits on ("SendLock, held by CPU 0 ...", or "").
  void add_pending_probe(std::function<bool()> probe);
  void set_spin_describer(std::function<std::string(unsigned cpu)> describe);
  uint64_t stall_checks() const;  // checks the watch made (0 when it is off)

  void add_observer(HostObserver* observer);
  const std::vector<HostObserver*>& observers() const { return observers_; }

  // Runs the simulation for at most max_ns more nanoseconds, until stop(), or until nothing is
  // left to do (no pending event anywhere).
  void run(uint64_t max_ns);
  // Like run(), but also returns (resumable) as soon as every passive thread has returned.
  // True when all passive work finished.
  bool run_until_passive_done(uint64_t max_ns);
  bool passive_done() const;

  // Hash and count of every yield point as (cpu, ns) in execution order (ScheduleReplay).
  uint64_t schedule_hash() const;
  uint64_t schedule_events() const;
  // The schedule's delays charged so far (empty unless config.schedule.record).
  const std::vector<Perturbation>& schedule_applied() const;
  // Ends the run at the current time (a deadlock, the first error with stop-on-error).
  void stop(std::string reason);
  // Asked between slices of simulated time while running (a safe point: no process is in the
  // middle of anything): a non-empty answer stop()s the run with it as the reason. It lets a
  // signal handler's flag end a run. Without one, run() is a single sc_start.
  void set_stop_poll(std::function<std::string()> poll) { stop_poll_ = std::move(poll); }
  bool stopped() const { return !stop_reason_.empty(); }
  const std::string& stop_reason() const { return stop_reason_; }

 private:
  PlatformConfig config_;
  ViolationLog violations_;
  FunctionalCoverage coverage_;
  std::vector<HostObserver*> observers_;
  std::string stop_reason_;
  std::function<std::string()> stop_poll_;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nicsim::sim
