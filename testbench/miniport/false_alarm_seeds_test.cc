// Seeds on which the correct design once reported a violation (false alarms found by sweeping
// every scenario x irq mode over seeds 1-730). Each must now exit 0 with no violation.
//   throttled/msix 326, 354: INTERRUPT_LOST from a sampled liveness check that joined separate,
//     promptly served causes into one 200 us wait (the probe now tracks each source by cycle).
//   small-frames: DPC_TOO_LONG, receive DPCs spinning on RcvLock contended from 4 CPUs (the
//     receive loop now also stops at a time budget).
// The first two run in the default suite; the rest under the long label.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "testbench/miniport/nicsim_runner.h"

namespace nicsim::testing {
namespace {

struct SeedRun {
  const char* scenario;
  const char* irq_mode;
  int seed;
};

#ifdef NICSIM_FALSE_ALARMS_LONG
const std::vector<SeedRun> kRuns = [] {
  std::vector<SeedRun> runs;
  for (int seed : {13, 14, 28, 99, 137, 208, 244, 274, 275, 282, 345, 445, 448, 541, 664, 674, 729})
    runs.push_back({"small-frames", "intx", seed});
  for (int seed : {345, 409, 423, 463, 706}) runs.push_back({"small-frames", "msix", seed});
  return runs;
}();
#else
const std::vector<SeedRun> kRuns = {{"throttled", "msix", 326}, {"throttled", "msix", 354}};
#endif

class FalseAlarmSeed : public ::testing::TestWithParam<SeedRun> {};

TEST_P(FalseAlarmSeed, ExitsZeroWithNoViolation) {
  const SeedRun& r = GetParam();
  const auto run = run_nicsim(
      {"--scenario", r.scenario, "--irq-mode", r.irq_mode, "--seed", std::to_string(r.seed), "-q"});
  ASSERT_TRUE(run.summary.is_object()) << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.violations_text();
  EXPECT_TRUE(run.summary["violations"].empty()) << run.violations_text();
  // Positive control: the traffic ran through the interrupt path.
  EXPECT_GT(run.summary["packets"]["received"].get<uint64_t>(), 0u);
  EXPECT_GT(run.summary["interrupts"]["isr_calls"].get<uint64_t>(), 0u);
}

std::string Name(const ::testing::TestParamInfo<SeedRun>& info) {
  std::string name = std::string(info.param.scenario) + "_" + info.param.irq_mode + "_seed" +
                     std::to_string(info.param.seed);
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Seeds, FalseAlarmSeed, ::testing::ValuesIn(kRuns), Name);

}  // namespace
}  // namespace nicsim::testing
