#include "sim/monitors/cycle_monitor.h"

#include <cstdio>

namespace nicsim::sim {

Violation monitor_violation(std::string rule, uint64_t cycle, std::string signal,
                            std::string message) {
  Violation v;
  v.rule = std::move(rule);
  v.cycle = cycle;
  v.where = signal;
  v.object = std::move(signal);
  v.message = std::move(message);
  return v;
}

}  // namespace nicsim::sim
