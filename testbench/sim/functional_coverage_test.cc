// Functional coverage: bins, the rule bins and RuleCount, and the preemption pairs the platform
// counts.
#include "sim/functional_coverage.h"

#include <gtest/gtest.h>

#include <string>

#include "sim/cpu_model.h"
#include "sim/platform.h"
#include "sim/preemption_coverage.h"
#include "testbench/sim/host_test_util.h"

namespace nicsim::sim {
namespace {

using testing::device_at_ps;
using testing::host_only;

TEST(FunctionalCoverage, DeclaredBinsStayZeroUntilHit) {
  FunctionalCoverage coverage;
  coverage.declare("group/a");
  coverage.declare_unreachable("group/b", "cannot happen");
  coverage.hit("group/a");
  coverage.hit("group/a");
  coverage.hit("group/c");  // a bin nobody declared is declared by its first hit
  const auto bins = coverage.bins();
  ASSERT_EQ(bins.size(), 3u);
  EXPECT_EQ(bins.at("group/a"), 2u);
  EXPECT_EQ(bins.at("group/b"), 0u);
  EXPECT_EQ(bins.at("group/c"), 1u);
  EXPECT_EQ(coverage.unreachable().at("group/b"), "cannot happen");
  EXPECT_EQ(coverage.count("group/none"), 0u);
}

TEST(FunctionalCoverage, EvaluatedHitsTheRulesBin) {
  FunctionalCoverage coverage;
  coverage.declare(rule_bin("SPINLOCK_AT_DIRQL"));
  coverage.evaluated("SPINLOCK_AT_DIRQL");
  coverage.evaluated("SPINLOCK_AT_DIRQL");
  EXPECT_EQ(rule_bin("SPINLOCK_AT_DIRQL"), "rule/SPINLOCK_AT_DIRQL evaluated");
  EXPECT_EQ(coverage.count("rule/SPINLOCK_AT_DIRQL evaluated"), 2u);
  const std::string long_rule(200, 'X');  // longer than the stack buffer
  coverage.evaluated(long_rule);
  EXPECT_EQ(coverage.count(rule_bin(long_rule)), 1u);
}

TEST(FunctionalCoverage, RuleCountAddsWhatItCountedBeforeItWasAttached) {
  FunctionalCoverage coverage;
  RuleCount checks("DMA_OUTSIDE_GRANT");
  checks.evaluated();
  checks.evaluated();
  EXPECT_EQ(coverage.count(rule_bin("DMA_OUTSIDE_GRANT")), 0u);
  checks.attach(coverage);
  checks.evaluated();
  EXPECT_EQ(coverage.count(rule_bin("DMA_OUTSIDE_GRANT")), 3u);
  // Two counters of one rule share its bin; more bins do not move it.
  RuleCount more("DMA_OUTSIDE_GRANT", coverage);
  for (int i = 0; i < 1000; ++i) coverage.declare("group/bin " + std::to_string(i));
  more.evaluated();
  checks.evaluated();
  EXPECT_EQ(coverage.count(rule_bin("DMA_OUTSIDE_GRANT")), 5u);
}

TEST(PreemptionCoverage, SpinLockHeldBelowTheIsrIsItsOwnBin) {
  FunctionalCoverage coverage;
  PreemptionCoverage preemptions(coverage, 2);
  preemptions.on_frame(0, CpuContext::kDpc, "dpc", true);
  preemptions.on_frame(0, CpuContext::kIsr, "isr", true);  // over a DPC holding nothing
  preemptions.on_frame(0, CpuContext::kIsr, "isr", false);
  preemptions.on_lock(0, LockEvent::kAcquired, 3, "RcvLock");
  preemptions.on_frame(0, CpuContext::kIsr, "isr", true);  // over a DPC holding RcvLock
  preemptions.on_lock(0, LockEvent::kAcquired, 9, "interrupt0.InterruptLock");  // the ISR's own
  preemptions.on_lock(0, LockEvent::kReleased, 9, "interrupt0.InterruptLock");
  preemptions.on_frame(0, CpuContext::kIsr, "isr", false);
  preemptions.on_lock(0, LockEvent::kReleased, 3, "RcvLock");
  preemptions.on_frame(0, CpuContext::kIsr, "isr", true);  // over a DPC holding nothing again
  preemptions.on_frame(0, CpuContext::kIsr, "isr", false);
  preemptions.on_frame(0, CpuContext::kDpc, "dpc", false);
  preemptions.on_frame(1, CpuContext::kIsr, "isr", true);  // an idle CPU: nothing preempted
  EXPECT_EQ(coverage.count("preemption/isr over dpc"), 2u);
  EXPECT_EQ(coverage.count("preemption/isr over dpc holding a spin lock"), 1u);
  EXPECT_EQ(coverage.count("preemption/isr over passive"), 0u);
  EXPECT_TRUE(coverage.unreachable().count("preemption/isr over sync"));
}

// The platform counts what really preempted what: a DPC over a passive thread, then an ISR over
// the DPC, on one CPU.
TEST(PreemptionCoverage, CountsThePlatformsOwnPreemptions) {
  Platform platform(host_only(2));
  const unsigned vector =
      platform.intc().allocate_vector("nic_isr", kFirstDeviceIrql, [](unsigned) { return true; });
  bool message_sent = false;
  Dpc dpc("nic_dpc", [&] {
    for (int i = 0; i < 40; ++i) platform.current_cpu().yield(Cost::kWork);
  });
  platform.start_passive(0, "init", [&] {
    EXPECT_TRUE(platform.queue_dpc(dpc, 0));
    platform.current_cpu().yield();
  });
  device_at_ps(500'500, [&] {
    message_sent = true;
    platform.intc().on_message(InterruptController::msi_address(0), vector);
  });
  platform.run(100'000);
  ASSERT_TRUE(message_sent);
  EXPECT_EQ(platform.coverage().count("preemption/dpc over passive"), 1u);
  EXPECT_EQ(platform.coverage().count("preemption/isr over dpc"), 1u);
  EXPECT_EQ(platform.coverage().count("preemption/isr over passive"), 0u);
}

}  // namespace
}  // namespace nicsim::sim
