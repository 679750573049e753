// THROTTLE_SPACING: two interrupts of one vector closer than the ITR interval the driver
// programmed (followed from the register writes on the AXI4-Lite pins). MSI-X messages are timed
// by the cycle their AWVALID first showed; in INTx mode, rising edges of intx against ITR[0].
#pragma once

#include <optional>
#include <vector>

#include "sim/monitors/cycle_monitor.h"
#include "sim/monitors/interrupt_view.h"

namespace nicsim::sim {

class ThrottleSpacing : public CycleMonitor {
 public:
  // device must outlive the monitor.
  ThrottleSpacing(MonitorReport report, const DeviceDescription& device)
      : report_(std::move(report)), view_(device), last_(device.vector_causes.size()) {}
  void on_cycle(uint64_t cycle, const DevicePorts& ports) override;

 private:
  void check(uint64_t cycle, unsigned vector, const char* signal);

  MonitorReport report_;
  InterruptView view_;
  std::vector<std::optional<uint64_t>> last_;  // per vector
  bool intx_ = false;
};

}  // namespace nicsim::sim
