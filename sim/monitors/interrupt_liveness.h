// INTERRUPT_LIVENESS: an enabled pending cause must raise its interrupt within the throttle
// window plus a bound. Causes and masks are followed from the pins (InterruptView): descriptor
// write-backs completed (their B response), ICS/ICR/IMS/IMC writes, MSI-X vector masks. A vector
// whose condition (ICR & IMS & its causes, unmasked) became true and that has not fired since,
// must fire (MSI-X message, or intx high in INTx mode) by max(rise, last + ITR) + bound.
#pragma once

#include <cstdint>
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
        view_(device),
        bound_(bound_cycles),
        vectors_(device.vector_causes.size()) {}
  void on_cycle(uint64_t cycle, const DevicePorts& ports) override;

 private:
  struct VectorState {
    bool armed = false;  // condition true, interrupt owed
    bool fired = false;  // fired since the condition was last false
    uint64_t deadline = 0;
    uint64_t last = 0;
    bool has_last = false;
  };
  void fire(VectorState& state, uint64_t cycle);

  MonitorReport report_;
  InterruptView view_;
  uint64_t bound_;
  std::vector<VectorState> vectors_;
  VectorState intx_;
  bool intx_level_ = false;
};

}  // namespace nicsim::sim
