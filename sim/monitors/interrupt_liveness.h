// INTERRUPT_LIVENESS: an enabled pending cause must raise its interrupt within the throttle
// window plus a bound. Causes and masks are followed from the pins (InterruptView): descriptor
// write-backs completed (their B response), ICS/ICR/IMS/IMC writes, MSI-X vector masks. A vector
// whose condition (ICR & IMS & its causes, unmasked) became true and that has not fired since,
// must fire (MSI-X message, or intx high in INTx mode) by max(rise, last + ITR) + bound.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "sim/monitors/cycle_monitor.h"
#include "sim/monitors/interrupt_view.h"

namespace nicsim::sim {

class InterruptLiveness : public CycleMonitor {
 public:
  // device must outlive the monitor.
  InterruptLiveness(MonitorReport report, const DeviceDescription& device,
                    uint64_t bound_cycles = 2000)
      : report_(std::move(report)),
        own_view_(std::make_unique<InterruptView>(device)),
        view_(*own_view_),
        bound_(bound_cycles),
        vectors_(device.vector_causes.size()) {}
  // Reads a view shared with other monitors, which its owner updates before this monitor's
  // on_cycle (NicDomain::shared_interrupt_view).
  InterruptLiveness(MonitorReport report, const InterruptView& shared_view,
                    uint64_t bound_cycles = 2000)
      : report_(std::move(report)),
        view_(shared_view),
        bound_(bound_cycles),
        vectors_(shared_view.num_vectors()) {}
  void on_cycle(uint64_t cycle, const DevicePorts& ports) override;
  void attach_coverage(FunctionalCoverage& coverage) override { checks_.attach(coverage); }

 private:
  struct VectorState {
    bool armed = false;  // condition true, interrupt owed
    bool fired = false;  // fired since the condition was last false
    uint64_t deadline = 0;
    uint64_t last = 0;
    bool has_last = false;
  };
  static constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();
  void fire(VectorState& state, uint64_t cycle);
  void update_all(uint64_t cycle, const DevicePorts& ports);

  MonitorReport report_;
  std::unique_ptr<InterruptView> own_view_;  // null with a shared view
  const InterruptView& view_;
  uint64_t bound_;
  std::vector<VectorState> vectors_;
  VectorState intx_;
  bool intx_level_ = false;
  // What the last full update saw: while the view's version, the messages and (in INTx mode) the
  // line stay the same, every condition does too, and only a deadline passing changes anything.
  uint64_t seen_version_ = kNever;
  uint64_t next_deadline_ = kNever;         // earliest deadline of an armed state
  RuleCount checks_{"INTERRUPT_LIVENESS"};  // per update of an owed interrupt
};

}  // namespace nicsim::sim
