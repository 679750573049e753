// A checker called after every device clock edge with the ports that edge sampled. Cycles the clock
// domain skips while the NIC is quiescent are not presented: their ports equal the last ones.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "sim/device_ports.h"
#include "sim/functional_coverage.h"
#include "sim/violation.h"

namespace nicsim::sim {

// Where monitors send violations; rule, cycle, object (signal), where and message are filled in,
// the receiver stamps the simulated time (NicDomain::monitor_reporter does).
using MonitorReport = std::function<void(Violation)>;

class CycleMonitor {
 public:
  virtual ~CycleMonitor() = default;
  virtual void on_cycle(uint64_t cycle, const DevicePorts& ports) = 0;
  // Counts the monitor's rule checks in coverage's "rule/<ID> evaluated" bins from now on.
  virtual void attach_coverage(FunctionalCoverage& /*coverage*/) {}
};

// Builds a monitor violation (severity error, no CPU).
Violation monitor_violation(std::string rule, uint64_t cycle, std::string signal,
                            std::string message);

}  // namespace nicsim::sim
