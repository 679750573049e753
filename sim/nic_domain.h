// The NIC clock domain: one SystemC thread that evaluates the device (any model behind the Device
// seam, sim/device.h) edge by edge and answers its pins from the host: DMA from HostMemory
// (AxiMemorySlave), register accesses from CPU threads (MmioBridge), frames from and to the
// LinkPartner, interrupts to the InterruptController. Cycle monitors see every edge.
//
// Time: edge k (the posedge that ends cycle k) is at k * period + phase ps, with phase chosen so
// that no edge falls on a whole nanosecond, where the CPUs act: host actions and edges never
// coincide. What the NIC shows the host (an MSI-X message, an INTx level change, an MMIO
// completion) is delivered at the first whole nanosecond after its edge, in both modes.
//
// Exact batching (config.batching): the thread evaluates every edge before the next pending
// SystemC activity in a tight loop (nothing on the host can touch the pins before it), stops right
// after an edge with a host-visible change, and while the NIC is quiescent and nothing is due it
// sleeps until an MMIO request or the link partner's next frame. Reference mode: one edge per
// wake-up, no skipping. Both give the same ports cycle for cycle.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <systemc>
#include <vector>

#include "sim/axi_memory_slave.h"
#include "sim/clock_timing.h"
#include "sim/device.h"
#include "sim/device_description.h"
#include "sim/faults/fault_plan.h"
#include "sim/host_memory.h"
#include "sim/interrupt_controller.h"
#include "sim/mmio.h"
#include "sim/monitors/cycle_monitor.h"
#include "sim/monitors/interrupt_view.h"
#include "sim/violation.h"

namespace nicsim::sim {

class LinkPartner;
class MmioBridge;
class RingOwnership;
class FaultInjector;

struct NicDomainConfig {
  double clock_mhz = 250.0;
  bool batching = true;                 // false: one edge per SystemC wake-up (reference mode)
  MemoryConfig memory;                  // DMA latency and back-pressure
  uint64_t seed = 1;                    // back-pressure randomness
  unsigned intx_line = 0;               // the interrupt controller line INTx drives
  unsigned reset_cycles = 8;            // rst held high for the first cycles
  uint64_t max_batch_cycles = 1 << 16;  // bounds a batch when nothing else is pending
  FaultPlan faults;                     // injected at the pins (sim/faults), seeded from seed
  bool record_interrupt_cycles = true;  // false: interrupt_cycles() stays empty (long runs)
};

struct NicDomainStats {
  uint64_t cycles_evaluated = 0;  // edges the model evaluated
  uint64_t cycles_skipped = 0;    // quiescent edges jumped over
  uint64_t batches = 0;           // wake-ups that evaluated at least one edge
  uint64_t interrupts = 0;        // MSI-X messages and INTx level changes delivered
  uint64_t mmio_transactions = 0;
  uint64_t transfer_cycles = 0;     // edges with a transfer on some interface (progress)
  uint64_t assertion_failures = 0;  // RTL assertions that failed (the first ends the run)
};

// Called after each evaluated edge with its cycle and its time (for a wave tracer).
using EdgeHook = std::function<void(uint64_t cycle, uint64_t time_ps)>;

class NicDomain : public sc_core::sc_module {
 public:
  NicDomain(sc_core::sc_module_name name, std::unique_ptr<Device> device,
            const NicDomainConfig& config, HostMemory& memory, InterruptController& intc,
            std::function<void(Violation)> report);
  ~NicDomain() override;

  const NicDomainConfig& config() const { return config_; }
  MmioPort& mmio();
  LinkPartner& link();
  Device& device() { return *device_; }
  // The fault injector; nullptr when the plan is empty.
  FaultInjector* faults() { return faults_.get(); }
  // Lets the write-back faults find the device's descriptor rings (a ring follower of its own,
  // silent, so it works with or without the monitors). Call once, when the plan has any.
  void follow_rings_for_faults(const DeviceDescription& description);
  // A surprise removal took the device away: it is no longer evaluated.
  bool removed() const { return removed_; }

  // The next edge to evaluate (= edges evaluated or skipped so far); during monitor and hook
  // calls, the edge being evaluated.
  uint64_t cycle() const { return cycle_; }
  uint64_t period_ps() const { return timing_.period_ps; }
  const ClockTiming& timing() const { return timing_; }
  uint64_t edge_time_ps(uint64_t cycle) const { return timing_.edge_ps(cycle); }

  // Monitors are not owned; they stay registered for the whole run.
  void add_monitor(CycleMonitor* monitor) { monitors_.push_back(monitor); }
  // Sees every host-memory access the device's DMA makes; not owned, registered for the run.
  void add_dma_observer(DmaObserver* observer) { slave_->add_observer(observer); }
  // Attaches (and owns) every protocol and interrupt monitor: AXI4-Lite, AXI4, AXI4-Stream,
  // IRQ_BEFORE_DATA, THROTTLE_SPACING and INTERRUPT_LIVENESS (with liveness_bound_cycles), and
  // the ring ownership monitor (DEVICE_READS_STALE_DESCRIPTOR, DEVICE_WRITES_CPU_BUFFER).
  // THROTTLE_SPACING only where description declares a throttle, ring ownership only where a
  // ring declares its tail. Call once.
  void add_standard_monitors(const DeviceDescription& description,
                             uint64_t liveness_bound_cycles = 2000);
  // The standard ring ownership monitor; nullptr before add_standard_monitors or when no ring
  // declares its tail.
  const RingOwnership* ring_ownership() const { return ring_ownership_; }
  // One InterruptView of the device's pins for every monitor that reads one, updated once per
  // edge before the monitors added after the first call. Later calls return the same view and
  // must name the same device.
  const InterruptView& shared_interrupt_view(const DeviceDescription& description);
  // Reports a monitor violation, stamping sim_ns from its cycle.
  MonitorReport monitor_reporter();
  // Counts the domain's and the standard monitors' rule checks in coverage (it outlives them).
  void attach_coverage(FunctionalCoverage& coverage);

  void set_edge_hook(EdgeHook hook) { edge_hook_ = std::move(hook); }

  // While an edge is being evaluated (inside a batch SystemC time lags behind it): stamps a
  // violation raised from it (a DMA access the memory refused) with that edge's cycle and time.
  // Returns false, leaving it alone, outside edge evaluation.
  bool stamp_from_edge(Violation& violation) const;

  const NicDomainStats& stats() const { return stats_; }
  // Something is under way or due (not quiescent, a frame still to come from the link): the
  // device will act without the host. A device without the quiescent port always has.
  bool work_pending() const;
  // Cycle of every interrupt delivered (MSI-X message or INTx change), in order.
  const std::vector<uint64_t>& interrupt_cycles() const { return interrupt_cycles_; }

 private:
  void clock_thread();
  // Evaluates edge cycle_; returns true when it produced something the host must see.
  bool step();
  // An edge after a surprise removal: no device; register accesses answer all-ones.
  bool step_removed();
  bool removal_due(uint64_t cycle) const;
  void deliver();
  bool idle() const;
  // RTL_ASSERTION for an assertion that failed on edge cycle; the domain evaluates no more edges.
  void report_assertion(uint64_t cycle, const AssertionFailure& failure);

  NicDomainConfig config_;
  HostMemory& memory_;
  InterruptController& intc_;
  std::function<void(Violation)> report_;
  ClockTiming timing_{4000, 2500};

  std::unique_ptr<Device> device_;
  std::unique_ptr<AxiMemorySlave> slave_;
  std::unique_ptr<MmioBridge> bridge_;
  std::unique_ptr<LinkPartner> link_;
  std::unique_ptr<FaultInjector> faults_;
  std::vector<CycleMonitor*> monitors_;
  std::vector<std::unique_ptr<CycleMonitor>> owned_monitors_;
  std::optional<DeviceDescription> description_;  // what the interrupt monitors read
  std::unique_ptr<InterruptView> shared_view_;
  RingOwnership* ring_ownership_ = nullptr;  // owned in owned_monitors_
  FunctionalCoverage* coverage_ = nullptr;
  RuleCount assertion_checks_{"RTL_ASSERTION"};         // every evaluated edge
  std::optional<DeviceDescription> fault_description_;  // what the fault layer's follower reads
  EdgeHook edge_hook_;

  DevicePorts ports_;
  uint64_t cycle_ = 0;
  bool in_edge_ = false;  // step() is evaluating edge cycle_
  bool assertion_failed_ = false;
  sc_core::sc_event stopped_event_;  // never notified: where the thread rests after a failure
  bool intx_level_ = false;
  bool intx_changed_ = false;
  bool storm_level_ = false;  // shared-line-storm: the other device's output on the line
  bool storm_changed_ = false;
  bool removed_ = false;
  std::vector<MsiMessage> pending_messages_;
  NicDomainStats stats_;
  std::vector<uint64_t> interrupt_cycles_;
};

}  // namespace nicsim::sim
