// The summary's `coverage`: the bins a run hits, through the real nicsim command. Each test names
// the run that reaches its bins, and checks the bins that run must not reach stay 0.
#include <gtest/gtest.h>

#include <string>

#include "testbench/miniport/nicsim_runner.h"

namespace nicsim::testing {
namespace {

uint64_t bin(const NicsimRun& run, const std::string& name) {
  const auto& bins = run.summary["coverage"]["bins"];
  EXPECT_TRUE(bins.contains(name)) << name << " is not declared";
  return bins.contains(name) ? bins[name].get<uint64_t>() : 0;
}

NicsimRun clean_run(std::vector<std::string> args) {
  args.push_back("-q");
  NicsimRun run = run_nicsim(std::move(args));
  EXPECT_EQ(run.exit_code, 0) << run.violations_text();
  EXPECT_TRUE(run.summary.is_object()) << run.output;
  return run;
}

TEST(FunctionalCoverage, DefaultRunCountsItsConfigurationAndPreemptions) {
  const NicsimRun run = clean_run({"--seed", "1"});
  ASSERT_TRUE(run.summary.is_object());
  const auto& coverage = run.summary["coverage"];
  EXPECT_EQ(bin(run, "configuration/default msix 4 queues"), 1u);
  EXPECT_EQ(bin(run, "configuration/default intx 4 queues"), 0u);
  EXPECT_GT(bin(run, "preemption/isr over dpc"), 0u);
  EXPECT_GT(bin(run, "preemption/dpc over passive"), 0u);
  EXPECT_EQ(bin(run, "lifecycle/pause under traffic"), 0u);  // the default scenario has none
  EXPECT_GT(coverage["bins_hit"].get<uint64_t>(), 0u);
  EXPECT_LT(coverage["bins_hit"].get<uint64_t>(), coverage["bins_reachable"].get<uint64_t>());
  ASSERT_TRUE(coverage["unreachable"].contains("preemption/isr over sync"));
  EXPECT_FALSE(coverage["unreachable"]["preemption/isr over sync"].get<std::string>().empty());
  EXPECT_EQ(bin(run, "preemption/isr over sync"), 0u);
  // The design's own (testbench/reference/scenarios.json unreachable_coverage).
  EXPECT_TRUE(coverage["unreachable"].contains("dpc/message-based DPC ran on two CPUs at once"));
}

TEST(FunctionalCoverage, SmallFramesOverIntxCarriesTheLineBasedDpcPastItsBudget) {
  const NicsimRun run = clean_run({"--scenario", "small-frames", "--irq-mode", "intx"});
  ASSERT_TRUE(run.summary.is_object());
  EXPECT_GT(bin(run, "dpc/line-based DPC carried work past its budget"), 0u);
  EXPECT_EQ(bin(run, "dpc/message-based DPC carried work past its budget"), 0u);
  EXPECT_GT(bin(run, "dpc/line-based DPC ran on two CPUs at once"), 0u);
}

TEST(FunctionalCoverage, MidTrafficEventsCountAsUnderTraffic) {
  for (const auto& [scenario, name] :
       {std::pair{"lifecycle", "lifecycle/pause under traffic"},
        std::pair{"halt-under-traffic", "lifecycle/halt under traffic"},
        std::pair{"reset-under-traffic", "lifecycle/reset under traffic"},
        std::pair{"link-flap", "lifecycle/link change under traffic"}}) {
    SCOPED_TRACE(scenario);
    const NicsimRun run = clean_run({"--scenario", scenario});
    ASSERT_TRUE(run.summary.is_object());
    EXPECT_GT(bin(run, name), 0u);
  }
}

TEST(FunctionalCoverage, DeviceErrorCausesCountOncePerRun) {
  const NicsimRun run = clean_run({"--fault", "dma-read-error"});
  ASSERT_TRUE(run.summary.is_object());
  EXPECT_EQ(bin(run, "device/error dma"), 1u);
  EXPECT_EQ(bin(run, "device/drop runt"), 0u);
}

}  // namespace
}  // namespace nicsim::testing
