// How the simulated host behaves in time: what its yield points cost and the seeded schedule noise.
// Plain configuration, apart from the platform, so the CPU model and the schedule need not include
// platform.h.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace nicsim::sim {

// Simulated nanoseconds each yield point costs before jitter.
struct CostModel {
  uint64_t ndis_call_ns = 40;
  uint64_t shared_access_ns = 5;
  uint64_t spin_iteration_ns = 20;
  uint64_t routine_entry_ns = 100;  // interrupt entry/exit, DPC dispatch
  uint64_t work_ns = 50;
};

// One delay the schedule added: at CPU cpu's yield-th yield point (counted from 0), extra_ns.
struct Perturbation {
  enum class Kind : uint8_t { kJitter, kChangePoint };
  unsigned cpu = 0;
  uint64_t yield = 0;
  uint64_t extra_ns = 0;
  Kind kind = Kind::kJitter;
  bool operator==(const Perturbation&) const = default;
};

// PCT-style seeded schedule noise: at a yield point, with jitter_percent chance, add a delay
// up to max_jitter_ns. Each seed is one reproducible interleaving.
struct ScheduleConfig {
  uint64_t seed = 1;
  unsigned jitter_percent = 20;
  uint64_t max_jitter_ns = 400;
  // PCT priority change points: at this many yield indices per CPU, drawn from the first
  // change_point_horizon yields, the CPU stalls for change_point_delay_ns.
  unsigned priority_change_points = 3;
  uint64_t change_point_horizon = 1000;
  uint64_t change_point_delay_ns = 2000;
  // Exactly these delays instead of drawn ones (an explicit schedule, nicsim --schedule).
  std::optional<std::vector<Perturbation>> replay;
  // Keep every delay applied, for Schedule::applied() (off by default: long runs have millions).
  bool record = false;
};

}  // namespace nicsim::sim
