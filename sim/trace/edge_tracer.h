// The per-edge hook the NIC clock domain calls while a wave is being written. A null pointer in the
// clock domain means tracing is off, which costs one predictable branch per edge.
#pragma once

#include <cstdint>

namespace nicsim::sim::trace {

class EdgeTracer {
 public:
  virtual ~EdgeTracer() = default;
  // Called after each evaluated NIC edge, at the edge's simulated time in picoseconds.
  virtual void on_edge(uint64_t time_ps) = 0;
};

}  // namespace nicsim::sim::trace
