#include "sim/nic_domain.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

#include "sim/faults/fault_injector.h"
#include "sim/link_partner.h"
#include "sim/mmio_bridge.h"
#include "sim/monitors/axi4_protocol.h"
#include "sim/monitors/axi4lite_protocol.h"
#include "sim/monitors/axis_protocol.h"
#include "sim/monitors/interrupt_liveness.h"
#include "sim/monitors/irq_before_data.h"
#include "sim/monitors/ring_ownership.h"
#include "sim/monitors/throttle_spacing.h"

namespace nicsim::sim {
namespace {

constexpr uint64_t kPsPerNs = 1000;

uint64_t ceil_to_ns(uint64_t ps) { return (ps + kPsPerNs - 1) / kPsPerNs * kPsPerNs; }

// The resolution is 1 ps (checked at construction): a value is a count of ps, with no conversion
// through double on every wait.
sc_core::sc_time ps(uint64_t value) { return sc_core::sc_time::from_value(value); }

void wait_until_ps(uint64_t time_ps) {
  const uint64_t now = sc_core::sc_time_stamp().value();
  if (time_ps > now) sc_core::wait(ps(time_ps - now));
}

// Decodes the pins into the shared InterruptView, ahead of the monitors that read it.
class InterruptViewUpdate final : public CycleMonitor {
 public:
  explicit InterruptViewUpdate(InterruptView& view) : view_(view) {}
  void on_cycle(uint64_t cycle, const DevicePorts& ports) override { view_.on_cycle(cycle, ports); }

 private:
  InterruptView& view_;
};

// A transfer on any of the device's interfaces this edge: the device is doing something.
bool any_handshake(const DevicePorts& p) {
  const AxiLitePorts& r = p.regs;
  const Axi4Ports& d = p.dma;
  return (r.awvalid && r.awready) || (r.wvalid && r.wready) || (r.bvalid && r.bready) ||
         (r.arvalid && r.arready) || (r.rvalid && r.rready) || (d.awvalid && d.awready) ||
         (d.wvalid && d.wready) || (d.bvalid && d.bready) || (d.arvalid && d.arready) ||
         (d.rvalid && d.rready) || (p.tx.tvalid && p.tx.tready) || (p.rx.tvalid && p.rx.tready);
}

}  // namespace

NicDomain::NicDomain(sc_core::sc_module_name name, std::unique_ptr<Device> device,
                     const NicDomainConfig& config, HostMemory& memory, InterruptController& intc,
                     std::function<void(Violation)> report)
    : sc_core::sc_module(name),
      config_(config),
      memory_(memory),
      intc_(intc),
      report_(std::move(report)) {
  const ClockTiming timing = clock_timing(config.clock_mhz);
  timing_ = timing;
  if (sc_core::sc_get_time_resolution() != sc_core::sc_time(1, sc_core::SC_PS)) {
    throw std::logic_error("NicDomain needs the SystemC time resolution at 1 ps");
  }

  if (!device) throw std::invalid_argument("NicDomain needs a device");
  device_ = std::move(device);
  const DeviceShape& shape = device_->shape();
  slave_ = std::make_unique<AxiMemorySlave>(memory_, config_.memory, config_.seed,
                                            InterruptController::kMsiBase,
                                            InterruptController::kMsiSize, shape);
  bridge_ = std::make_unique<MmioBridge>(shape);
  link_ = std::make_unique<LinkPartner>(shape);
  link_->set_period_ps(timing_.period_ps);
  if (!config_.faults.empty()) {
    faults_ = std::make_unique<FaultInjector>(config_.faults, config_.seed);
    slave_->set_faults(faults_.get());
    link_->set_faults(faults_.get());
    if (faults_->acts_on_reads()) bridge_->set_faults(faults_.get());
  }

  SC_HAS_PROCESS(NicDomain);
  SC_THREAD(clock_thread);
}

NicDomain::~NicDomain() = default;

MmioPort& NicDomain::mmio() { return *bridge_; }
LinkPartner& NicDomain::link() { return *link_; }

void NicDomain::add_standard_monitors(const DeviceDescription& description,
                                      uint64_t liveness_bound_cycles) {
  const MonitorReport report = monitor_reporter();
  const DeviceShape& shape = device_->shape();
  const auto own_only = [this](std::unique_ptr<CycleMonitor> monitor) {
    add_monitor(monitor.get());
    owned_monitors_.push_back(std::move(monitor));
  };
  const auto own = [this, &own_only](std::unique_ptr<CycleMonitor> monitor) {
    if (coverage_) monitor->attach_coverage(*coverage_);
    own_only(std::move(monitor));
  };
  own(std::make_unique<Axi4LiteProtocol>(report));
  own(std::make_unique<Axi4Protocol>(report, shape));
  own(std::make_unique<AxiStreamProtocol>(report, shape));
  own(std::make_unique<IrqBeforeData>(report));
  const InterruptView& view = shared_interrupt_view(description);
  // Spacing is checked only where the device declares a throttle.
  if (!description_->throttle.empty()) own(std::make_unique<ThrottleSpacing>(report, view));
  own(std::make_unique<InterruptLiveness>(report, view, liveness_bound_cycles));
  auto rings = std::make_unique<RingOwnership>(report, *description_, memory_);
  if (rings->follows_any_ring()) {
    ring_ownership_ = rings.get();
    slave_->add_observer(ring_ownership_);
    own(std::move(rings));
  }
}

void NicDomain::attach_coverage(FunctionalCoverage& coverage) {
  coverage_ = &coverage;
  assertion_checks_.attach(coverage);
}

void NicDomain::follow_rings_for_faults(const DeviceDescription& description) {
  if (!faults_ || !faults_->acts_on_write_backs() || fault_description_) return;
  fault_description_ = description;
  auto rings = std::make_unique<RingOwnership>([](Violation) {}, *fault_description_, memory_);
  if (!rings->follows_any_ring()) return;
  const RingOwnership* follower = rings.get();
  faults_->set_slot_locator(
      [follower](uint64_t address) { return follower->descriptor_slot(address); });
  slave_->add_observer(rings.get());
  add_monitor(rings.get());
  owned_monitors_.push_back(std::move(rings));
}

const InterruptView& NicDomain::shared_interrupt_view(const DeviceDescription& description) {
  if (!shared_view_) {
    description_ = description;  // the view keeps a reference
    shared_view_ = std::make_unique<InterruptView>(*description_);
    owned_monitors_.push_back(std::make_unique<InterruptViewUpdate>(*shared_view_));
    add_monitor(owned_monitors_.back().get());
  }
  return *shared_view_;
}

MonitorReport NicDomain::monitor_reporter() {
  return [this](Violation v) {
    v.sim_ns = edge_time_ps(v.cycle) / kPsPerNs;
    if (report_) report_(std::move(v));
  };
}

// Skipping is exact once an evaluated cycle showed quiescent with idle inputs: its edge changed
// no state, so every following cycle shows the same ports until the host drives something.
bool NicDomain::idle() const {
  if (removed_)
    return bridge_->idle() && !intx_changed_ && !storm_changed_ && pending_messages_.empty();
  return !storm_changed_ && ports_.quiescent && inputs_idle(ports_) && bridge_->idle() &&
         slave_->idle() && !link_->busy(cycle_) && !intx_changed_ && pending_messages_.empty();
}

bool NicDomain::work_pending() const {
  return !idle() || link_->next_due_cycle() != std::numeric_limits<uint64_t>::max();
}

void NicDomain::clock_thread() {
  // sc_time_to_pending_activity() does not count threads still in the initialization phase: a
  // first batch from there could run up to max_batch_cycles ahead of CPUs that act at t = 0.
  // From the first delta on, every thread initialized before has reached its first wait.
  sc_core::wait(sc_core::SC_ZERO_TIME);
  for (;;) {
    // After a failed RTL assertion the model's state means nothing: no more edges.
    if (assertion_failed_) sc_core::wait(stopped_event_);
    const uint64_t now = sc_core::sc_time_stamp().value();
    uint64_t limit = now;
    if (config_.batching) {
      const uint64_t pending = sc_core::sc_time_to_pending_activity().value();
      limit = pending > std::numeric_limits<uint64_t>::max() - now
                  ? std::numeric_limits<uint64_t>::max()
                  : now + pending;
    }
    // Edges before the next host activity (and the one due now) cannot be affected by the host.
    bool visible = false;
    uint64_t evaluated = 0;
    while (evaluated < config_.max_batch_cycles &&
           (edge_time_ps(cycle_) <= now || edge_time_ps(cycle_) < limit)) {
      ++evaluated;
      if ((visible = step())) break;
      if (!config_.batching || idle()) break;
    }
    if (evaluated) ++stats_.batches;
    if (visible) {
      wait_until_ps(ceil_to_ns(edge_time_ps(cycle_ - 1)));
      deliver();
      continue;
    }
    if (config_.batching && idle()) {
      // Nothing changes until the host writes a register or the link partner's next frame.
      uint64_t due = removed_ ? std::numeric_limits<uint64_t>::max() : link_->next_due_cycle();
      if (faults_) due = std::min(due, faults_->next_due_cycle(cycle_));
      if (due == std::numeric_limits<uint64_t>::max()) {
        sc_core::wait(bridge_->request_event());
      } else {
        sc_core::wait(ps(edge_time_ps(due) - now), bridge_->request_event());
      }
      const uint64_t woke = sc_core::sc_time_stamp().value();
      const uint64_t next = timing_.first_edge_from(woke);
      if (next > cycle_) {
        stats_.cycles_skipped += next - cycle_;
        cycle_ = next;
      }
      continue;
    }
    wait_until_ps(edge_time_ps(cycle_));
  }
}

void NicDomain::report_assertion(uint64_t cycle, const AssertionFailure& failure) {
  assertion_failed_ = true;
  ++stats_.assertion_failures;
  Violation v;
  v.rule = "RTL_ASSERTION";
  v.severity = Severity::kError;
  v.object = failure.scope.empty() ? "device" : failure.scope;
  v.where = failure.where.empty() ? "device RTL" : failure.where;
  v.cycle = cycle;
  v.sim_ns = edge_time_ps(cycle) / kPsPerNs;
  v.message = "assertion failed" + (failure.scope.empty() ? "" : " in " + failure.scope) +
              (failure.where.empty() ? "" : " (" + failure.where + ")") + " at NIC cycle " +
              std::to_string(cycle) + ", " + std::to_string(v.sim_ns) + " ns: " + failure.message;
  if (report_) report_(std::move(v));
}

bool NicDomain::stamp_from_edge(Violation& violation) const {
  if (!in_edge_) return false;
  violation.cycle = cycle_;
  violation.sim_ns = edge_time_ps(cycle_) / kPsPerNs;
  return true;
}

bool NicDomain::removal_due(uint64_t cycle) const {
  if (!faults_ || !faults_->removal_ns()) return false;
  return edge_time_ps(cycle) >= *faults_->removal_ns() * kPsPerNs;
}

bool NicDomain::step_removed() {
  if (!removed_) {
    removed_ = true;
    faults_->drop_held_messages();
    pending_messages_.clear();
    faults_->note_removal(link_->drop_queued());
    if (intx_level_) {
      intx_level_ = false;
      intx_changed_ = true;
    }
    // The monitors see the device as held in reset: nothing of it is pending or owed any more.
    DevicePorts gone;
    gone.rst = true;
    for (CycleMonitor* monitor : monitors_) monitor->on_cycle(cycle_, gone);
  }
  ++cycle_;
  ++stats_.cycles_skipped;
  return bridge_->answer_removed() || intx_changed_ || storm_changed_;
}

bool NicDomain::step() {
  const uint64_t k = cycle_;
  if (removed_ || removal_due(k)) return step_removed();
  in_edge_ = true;
  device_->read_outputs(ports_);
  ports_.rst = k < config_.reset_cycles;
  const bool in_reset = ports_.rst;
  slave_->drive(k, ports_);
  if (in_reset) {
    // Register accesses and frames wait for the NIC to leave reset.
    AxiLitePorts& regs = ports_.regs;
    regs.awvalid = regs.wvalid = regs.arvalid = false;
    regs.awaddr = regs.araddr = 0;
    regs.wdata = 0;
    regs.wstrb = 0;
    regs.bready = regs.rready = false;
    ports_.rx.tvalid = ports_.rx.tlast = ports_.rx.tuser = false;
    ports_.rx.tdata.clear(device_->shape().stream_data_bytes());
    ports_.rx.tkeep = 0;
    ports_.tx.tready = false;
  } else {
    bridge_->drive(ports_);
    link_->drive(k, ports_);
  }
  device_->eval_edge(ports_, edge_time_ps(k));
  assertion_checks_.evaluated();
  if (auto failure = device_->take_assertion_failure()) report_assertion(k, *failure);
  slave_->on_edge(k, ports_);
  if (!in_reset) {
    bridge_->on_edge(ports_);
    link_->on_edge(k, ports_);
  }
  if (any_handshake(ports_)) ++stats_.transfer_cycles;
  for (CycleMonitor* monitor : monitors_) monitor->on_cycle(k, ports_);
  if (edge_hook_) edge_hook_(k, edge_time_ps(k));
  in_edge_ = false;
  ++cycle_;
  ++stats_.cycles_evaluated;
  if (assertion_failed_) return true;  // ends the batch: the clock thread stops here

  bool visible = bridge_->completed();
  bool intx = device_->intx();
  if (faults_ && faults_->intx_stuck(k)) {
    faults_->note_window(FaultKind::kIntxStuck);
    intx = true;
  }
  if (intx != intx_level_) {
    intx_level_ = !intx_level_;
    intx_changed_ = true;
    visible = true;
  }
  if (faults_ && faults_->line_storm(k) != storm_level_) {
    faults_->note_window(FaultKind::kSharedLineStorm);
    storm_level_ = !storm_level_;
    storm_changed_ = true;
    visible = true;
  }
  if (slave_->has_message()) {
    std::vector<MsiMessage> messages = slave_->take_messages();
    if (faults_) messages = faults_->filter_messages(k, std::move(messages));
    for (const MsiMessage& message : messages) pending_messages_.push_back(message);
    visible = visible || !messages.empty();
  }
  if (faults_ && faults_->holds_messages()) {
    for (const MsiMessage& message : faults_->take_due_messages(k)) {
      pending_messages_.push_back(message);
      visible = true;
    }
  }
  return visible;
}

void NicDomain::deliver() {
  const uint64_t k = cycle_ - 1;
  if (intx_changed_) {
    intx_changed_ = false;
    intc_.drive_line(config_.intx_line, "nic", intx_level_);
    if (config_.record_interrupt_cycles) interrupt_cycles_.push_back(k);
    ++stats_.interrupts;
  }
  if (storm_changed_) {
    storm_changed_ = false;
    intc_.drive_line(config_.intx_line, "line-storm", storm_level_);
  }
  for (const MsiMessage& message : pending_messages_) {
    intc_.on_message(message.address, message.data);
    if (config_.record_interrupt_cycles) interrupt_cycles_.push_back(k);
    ++stats_.interrupts;
  }
  pending_messages_.clear();
  if (bridge_->completed()) {
    bridge_->deliver();
    ++stats_.mmio_transactions;
  }
}

}  // namespace nicsim::sim
