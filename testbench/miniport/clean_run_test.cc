// The correct driver shows no violation and loses nothing, over many seeds of every scenario.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "testbench/miniport/nicsim_runner.h"

namespace nicsim::testing {
namespace {

#ifndef NICSIM_SWEEP_SEEDS
#define NICSIM_SWEEP_SEEDS 20
#endif
#ifndef NICSIM_SWEEP_PACKETS
#define NICSIM_SWEEP_PACKETS 120  // 0: the scenario's own count
#endif

const char* const kScenarios[] = {
    "default",         "intx-shared", "single-cpu", "many-cpus",          "burst",
    "small-frames",    "throttled",   "lifecycle",  "halt-under-traffic", "reset-under-traffic",
    "early-interrupt", "link-flap"};

const char* const kIrqModes[] = {"msix", "intx"};

// Positive controls of the mid-traffic scenarios: the event happened, with traffic in flight.
void CheckTrafficEvent(const std::string& scenario, const std::string& irq_mode,
                       const nlohmann::json& summary) {
  const auto& lifecycle = summary["lifecycle"];
  const auto& dropped = summary["packets"]["dropped"];
  if (scenario == "halt-under-traffic") {
    EXPECT_EQ(lifecycle["halts_under_traffic"], 1);
    EXPECT_GT(dropped.value("halt", 0u), 0u) << "no receive was in flight at the halt";
  } else if (scenario == "reset-under-traffic") {
    EXPECT_EQ(lifecycle["resets"], 1);
  } else if (scenario == "link-flap") {
    EXPECT_EQ(lifecycle["link_flaps"], 1);
  } else if (scenario == "early-interrupt" && irq_mode == "intx") {
    EXPECT_GE(lifecycle["isrs_before_register_returned"].get<uint64_t>(), 1u);
  }
}

class CleanRun : public ::testing::TestWithParam<std::tuple<const char*, const char*, int>> {};

TEST_P(CleanRun, NoViolationsNothingLost) {
  const auto [scenario, irq_mode, seed] = GetParam();
  std::vector<std::string> args{"--scenario",         scenario, "--irq-mode", irq_mode, "--seed",
                                std::to_string(seed), "-q"};
  if (NICSIM_SWEEP_PACKETS > 0) {
    args.insert(args.end(), {"--packets", std::to_string(NICSIM_SWEEP_PACKETS)});
  }
  const auto run = run_nicsim(args);
  ASSERT_TRUE(run.summary.is_object()) << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.violations_text();
  EXPECT_TRUE(run.summary["violations"].empty()) << run.violations_text();
  const auto& packets = run.summary["packets"];
  EXPECT_GT(packets["sent"].get<uint64_t>(), 0u);
  EXPECT_EQ(packets["lost"].get<uint64_t>(), 0u);
  EXPECT_EQ(packets["corrupt"].get<uint64_t>(), 0u);
  uint64_t dropped = 0;
  for (const auto& [reason, count] : packets["dropped"].items()) dropped += count.get<uint64_t>();
  EXPECT_EQ(packets["received"].get<uint64_t>() + dropped, packets["sent"].get<uint64_t>());
  if (std::string(scenario) == "default") {
    EXPECT_EQ(packets["received"], packets["sent"]);
  }
  if (std::string(irq_mode) == "intx" && run.summary["cpus"].get<unsigned>() > 1) {
    // Positive control: the line's one DPC routine ran on several CPUs (it runs where the line
    // was delivered, and the line rotates), so one queue's rings were drained from several CPUs.
    int cpus_with_dpcs = 0;
    for (const auto& cpu : run.summary["per_cpu"]) {
      if (cpu["dpc"].get<uint64_t>() > 0) ++cpus_with_dpcs;
    }
    EXPECT_GE(cpus_with_dpcs, 2);
  }
  CheckTrafficEvent(scenario, irq_mode, run.summary);
  if (std::string(scenario) == "lifecycle") {
    // Positive control: the adapter really was paused, restarted and reset, and answered OIDs.
    const auto& lifecycle = run.summary["lifecycle"];
    EXPECT_EQ(lifecycle["pauses"], 1);
    EXPECT_EQ(lifecycle["restarts"], 1);
    EXPECT_EQ(lifecycle["hang_checks"], 1);
    EXPECT_EQ(lifecycle["resets"], 1);
    EXPECT_GT(lifecycle["oid_requests"].get<uint64_t>(), 0u);
    EXPECT_EQ(lifecycle["oid_failures"], 0);
  }
}

std::string Name(const ::testing::TestParamInfo<CleanRun::ParamType>& info) {
  std::string name = std::get<0>(info.param);
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name + "_" + std::get<1>(info.param) + "_seed" + std::to_string(std::get<2>(info.param));
}

INSTANTIATE_TEST_SUITE_P(Seeds, CleanRun,
                         ::testing::Combine(::testing::ValuesIn(kScenarios),
                                            ::testing::ValuesIn(kIrqModes),
                                            ::testing::Range(1, NICSIM_SWEEP_SEEDS + 1)),
                         Name);

}  // namespace
}  // namespace nicsim::testing
