// A running digest of (cycle, ports) over every cycle whose ports differ from the cycle before:
// equal digests mean equal ports cycle for cycle, and cycles skipped while quiescent (unchanged
// ports) count the same as evaluated ones. Stops folding at stop_cycle so runs of different
// lengths compare over the same window.
#pragma once

#include <cstdint>
#include <limits>

#include "sim/monitors/cycle_monitor.h"

namespace nicsim::sim {

class PortHash : public CycleMonitor {
 public:
  explicit PortHash(uint64_t stop_cycle = std::numeric_limits<uint64_t>::max())
      : stop_cycle_(stop_cycle) {}
  void on_cycle(uint64_t cycle, const DevicePorts& ports) override;
  uint64_t digest() const { return digest_; }
  uint64_t changes() const { return changes_; }
  uint64_t last_cycle() const { return last_cycle_; }

 private:
  uint64_t stop_cycle_;
  DevicePorts previous_;
  bool first_ = true;
  uint64_t digest_ = 0;
  uint64_t changes_ = 0;
  uint64_t last_cycle_ = 0;
};

}  // namespace nicsim::sim
