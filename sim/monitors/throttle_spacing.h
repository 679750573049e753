// THROTTLE_SPACING: two interrupts of one vector closer than the ITR interval the driver
// programmed (followed from the register writes on the AXI4-Lite pins). MSI-X messages are timed
// by the cycle their AWVALID first showed; in INTx mode, rising edges of intx against ITR[0].
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "sim/monitors/cycle_monitor.h"
#include "sim/monitors/interrupt_view.h"

namespace nicsim::sim {

class ThrottleSpacing : public CycleMonitor {
 public:
  // device must outlive the monitor.
  ThrottleSpacing(MonitorReport report, const DeviceDescription& device)
      : report_(std::move(report)),
        own_view_(std::make_unique<InterruptView>(device)),
        view_(*own_view_),
        last_(device.vector_causes.size()) {}
  // Reads a view shared with other monitors, which its owner updates before this monitor's
  // on_cycle (NicDomain::shared_interrupt_view), so the pins are decoded once per edge.
  ThrottleSpacing(MonitorReport report, const InterruptView& shared_view)
      : report_(std::move(report)), view_(shared_view), last_(shared_view.num_vectors()) {}
  void on_cycle(uint64_t cycle, const DevicePorts& ports) override;
  void attach_coverage(FunctionalCoverage& coverage) override { checks_.attach(coverage); }

 private:
  void check(uint64_t cycle, unsigned vector, const char* signal);

  MonitorReport report_;
  std::unique_ptr<InterruptView> own_view_;  // null with a shared view
  const InterruptView& view_;
  std::vector<std::optional<uint64_t>> last_;  // per vector
  bool intx_ = false;
  RuleCount checks_{"THROTTLE_SPACING"};  // per interrupt
};

}  // namespace nicsim::sim
