// Seeded, PCT-style schedule noise for the CPU threads. Each CPU draws from its own generator,
// seeded from (seed, cpu), so one CPU's yields never shift another's draws: the same seed replays
// the same interleaving bit for bit, and a different seed gives a different one.
#pragma once

#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "sim/host_config.h"

namespace nicsim::sim {

class Schedule {
 public:
  Schedule(const ScheduleConfig& config, unsigned cpus);

  // Extra whole nanoseconds to charge at this CPU's next yield point: sometimes a small jitter,
  // and at the few randomly chosen priority change points a long delay that lets the other CPUs
  // overtake this one (the PCT idea: a few well-placed preemptions find most ordering bugs).
  uint64_t jitter_ns(unsigned cpu);

  uint64_t yields(unsigned cpu) const { return cpus_.at(cpu).yields; }
  const ScheduleConfig& config() const { return config_; }
  // The delays charged so far, in the order charged (empty unless config.record).
  const std::vector<Perturbation>& applied() const { return applied_; }

 private:
  struct PerCpu {
    std::mt19937_64 random;
    std::set<uint64_t> change_points;  // yield indices
    uint64_t yields = 0;
    std::map<uint64_t, std::vector<Perturbation>> replay;  // yield index -> its delays
  };
  uint64_t drawn_ns(PerCpu& state, unsigned cpu, uint64_t yield_index);
  void charge(const Perturbation& perturbation, uint64_t& extra);

  ScheduleConfig config_;
  std::vector<PerCpu> cpus_;
  std::vector<Perturbation> applied_;
};

}  // namespace nicsim::sim

namespace nicsim::sim {

// A running hash of every yield point as (cpu, simulated ns), in execution order: two runs with
// equal traces interleaved the CPUs identically.
class ScheduleTrace {
 public:
  void record(unsigned cpu, uint64_t ns) {
    mix(cpu);
    mix(ns);
    ++events_;
  }
  uint64_t hash() const { return hash_; }
  uint64_t events() const { return events_; }

 private:
  void mix(uint64_t value) {
    for (int i = 0; i < 8; ++i) {  // FNV-1a over the value's bytes
      hash_ ^= (value >> (8 * i)) & 0xFF;
      hash_ *= 0x100000001b3ull;
    }
  }
  uint64_t hash_ = 0xcbf29ce484222325ull;
  uint64_t events_ = 0;
};

}  // namespace nicsim::sim
