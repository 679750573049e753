// The NIC clock's edge grid, in one place: edge k (the posedge that ends cycle k) is at
// k * period_ps + phase_ps, with an even period and a phase chosen so that no edge falls on a
// whole nanosecond, where the CPUs act: host actions and edges never coincide.
#pragma once

#include <cstdint>

namespace nicsim::sim {

struct ClockTiming {
  uint64_t period_ps;
  uint64_t phase_ps;

  uint64_t edge_ps(uint64_t cycle) const { return cycle * period_ps + phase_ps; }
  // Edges at or before time_ps.
  uint64_t edges_through(uint64_t time_ps) const {
    return time_ps < phase_ps ? 0 : (time_ps - phase_ps) / period_ps + 1;
  }
  // The first edge at or after time_ps.
  uint64_t first_edge_from(uint64_t time_ps) const {
    return time_ps <= phase_ps ? 0 : (time_ps - phase_ps + period_ps - 1) / period_ps;
  }
};

// Throws std::invalid_argument outside (0, 1000] MHz.
ClockTiming clock_timing(double clock_mhz);

}  // namespace nicsim::sim
