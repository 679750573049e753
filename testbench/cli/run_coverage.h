// The testbench's functional coverage bins (the platform and the NDIS layer count their own):
// the configuration a run exercised, lifecycle events that came with frames in flight, and the
// device's error causes. And the `coverage` object of the summary.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "sim/functional_coverage.h"
#include "testbench/cli/design.h"

namespace nicsim::cli {

// Lifecycle events, each counted when it happens while frames are still in flight.
inline constexpr std::string_view kPauseUnderTraffic = "lifecycle/pause under traffic";
inline constexpr std::string_view kHaltUnderTraffic = "lifecycle/halt under traffic";
inline constexpr std::string_view kResetUnderTraffic = "lifecycle/reset under traffic";
inline constexpr std::string_view kLinkChangeUnderTraffic = "lifecycle/link change under traffic";
inline constexpr std::string_view kRemovalUnderTraffic = "lifecycle/surprise removal under traffic";

// Declares every bin of the testbench's groups for this design (so a bin no run hits still shows
// in a merged report) and counts this run's configuration.
void declare_run_bins(sim::FunctionalCoverage& coverage, const Design& design,
                      const Scenario& scenario);

// Counts, once per run, each error, drop and send-error cause the device's counters saw.
void count_device_causes(sim::FunctionalCoverage& coverage,
                         const std::map<std::string, uint64_t>& errors,
                         const std::map<std::string, uint64_t>& drops,
                         const std::map<std::string, uint64_t>& send_errors);

// {"bins": {name: hits}, "unreachable": {name: reason}, "bins_hit": n, "bins_reachable": m}.
nlohmann::json coverage_json(const sim::FunctionalCoverage& coverage);

}  // namespace nicsim::cli
