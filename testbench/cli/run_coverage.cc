#include "testbench/cli/run_coverage.h"

#include <vector>

namespace nicsim::cli {
namespace {

std::string configuration_bin(const std::string& scenario, IrqMode mode, unsigned queues) {
  return "configuration/" + scenario + " " + std::string(to_string(mode)) + " " +
         std::to_string(queues) + (queues == 1 ? " queue" : " queues");
}

// The interrupt modes the device offers: its message kind, and INTx when it has a line mode.
std::vector<IrqMode> irq_modes(const sim::DeviceDescription& device) {
  std::vector<IrqMode> modes = {device.message_kind == sim::DeviceDescription::MessageKind::kMsix
                                    ? IrqMode::kMsix
                                    : IrqMode::kMsi};
  if (device.line_mode) modes.push_back(IrqMode::kIntx);
  return modes;
}

std::string device_bin(std::string_view kind, const std::string& reason) {
  return "device/" + std::string(kind) + " " + reason;
}

}  // namespace

void declare_run_bins(sim::FunctionalCoverage& coverage, const Design& design,
                      const Scenario& scenario) {
  for (const Scenario& each : design.scenarios)
    for (IrqMode mode : irq_modes(design.device))
      for (unsigned queues : {1u, 2u, 4u, 8u})
        coverage.declare(configuration_bin(each.name, mode, queues));
  coverage.hit(configuration_bin(scenario.name, scenario.irq_mode, scenario.queues));
  for (std::string_view bin : {kPauseUnderTraffic, kHaltUnderTraffic, kResetUnderTraffic,
                               kLinkChangeUnderTraffic, kRemovalUnderTraffic})
    coverage.declare(bin);
  for (const auto& counter : design.device.error_counters)
    coverage.declare(device_bin("error", counter.reason));
  for (const auto& counter : design.device.drop_counters)
    coverage.declare(device_bin("drop", counter.reason));
  for (const auto& counter : design.device.send_error_counters)
    coverage.declare(device_bin("send error", counter.reason));
  for (const auto& [bin, reason] : design.unreachable_coverage)
    coverage.declare_unreachable(bin, reason);
}

void count_device_causes(sim::FunctionalCoverage& coverage,
                         const std::map<std::string, uint64_t>& errors,
                         const std::map<std::string, uint64_t>& drops,
                         const std::map<std::string, uint64_t>& send_errors) {
  for (const auto& [kind, counts] : {std::pair{"error", &errors}, std::pair{"drop", &drops},
                                     std::pair{"send error", &send_errors}})
    for (const auto& [reason, count] : *counts)
      if (count) coverage.hit(device_bin(kind, reason));
}

nlohmann::json coverage_json(const sim::FunctionalCoverage& coverage) {
  nlohmann::json bins = nlohmann::json::object();
  uint64_t hit = 0, reachable = 0;
  for (const auto& [name, count] : coverage.bins()) {
    bins[name] = count;
    if (coverage.unreachable().count(name)) continue;
    ++reachable;
    if (count) ++hit;
  }
  nlohmann::json unreachable = nlohmann::json::object();
  for (const auto& [name, reason] : coverage.unreachable()) unreachable[name] = reason;
  return {{"bins", bins},
          {"unreachable", unreachable},
          {"bins_hit", hit},
          {"bins_reachable", reachable}};
}

}  // namespace nicsim::cli
