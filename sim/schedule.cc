#include "sim/schedule.h"

#include <stdexcept>
#include <string>

namespace nicsim::sim {

Schedule::Schedule(const ScheduleConfig& config, unsigned cpus) : config_(config) {
  if (config.jitter_percent > 100) {
    throw std::invalid_argument("schedule jitter_percent must be 0..100, got " +
                                std::to_string(config.jitter_percent));
  }
  cpus_.resize(cpus);
  for (unsigned cpu = 0; cpu < cpus; ++cpu) {
    std::seed_seq seq{static_cast<uint32_t>(config.seed), static_cast<uint32_t>(config.seed >> 32),
                      cpu, 0x6e696373u /* "nics" */};
    PerCpu& state = cpus_[cpu];
    state.random.seed(seq);
    if (config.change_point_horizon > 0) {
      std::uniform_int_distribution<uint64_t> pick(0, config.change_point_horizon - 1);
      for (unsigned i = 0; i < config.priority_change_points; ++i) {
        state.change_points.insert(pick(state.random));
      }
    }
  }
  if (!config.replay) return;
  for (const Perturbation& p : *config.replay) {
    if (p.cpu >= cpus) {
      throw std::invalid_argument("schedule perturbation on cpu " + std::to_string(p.cpu) +
                                  ", the host has " + std::to_string(cpus));
    }
    cpus_[p.cpu].replay[p.yield].push_back(p);
  }
}

void Schedule::charge(const Perturbation& perturbation, uint64_t& extra) {
  extra += perturbation.extra_ns;
  if (config_.record) applied_.push_back(perturbation);
}

uint64_t Schedule::jitter_ns(unsigned cpu) {
  PerCpu& state = cpus_.at(cpu);
  const uint64_t yield_index = state.yields++;
  if (!config_.replay) return drawn_ns(state, cpu, yield_index);
  uint64_t extra = 0;
  const auto it = state.replay.find(yield_index);
  if (it != state.replay.end()) {
    for (const Perturbation& p : it->second) charge(p, extra);
  }
  return extra;
}

uint64_t Schedule::drawn_ns(PerCpu& state, unsigned cpu, uint64_t yield_index) {
  using Kind = Perturbation::Kind;
  uint64_t extra = 0;
  // Always draw, so the number of draws per yield is fixed and replays stay aligned.
  const uint64_t roll = state.random() % 100;
  const uint64_t amount = state.random();
  if (config_.max_jitter_ns > 0 && roll < config_.jitter_percent)
    charge({cpu, yield_index, 1 + amount % config_.max_jitter_ns, Kind::kJitter}, extra);
  if (state.change_points.count(yield_index) != 0 && config_.change_point_delay_ns > 0)
    charge({cpu, yield_index, config_.change_point_delay_ns, Kind::kChangePoint}, extra);
  return extra;
}

}  // namespace nicsim::sim
