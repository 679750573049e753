// The verifier core on its own: rule severities, how call sites print, what a report records,
// and the yield point's hook and stop.
#include "driver/ndis/verifier_core.h"

#include <gtest/gtest.h>

#include "testbench/ndis/ndis_test_util.h"

namespace nicsim::ndis {
namespace {

struct Core {
  Core() : platform(testing::host_only(1)), core(platform, {}, [] { return true; }) {}
  sim::Platform platform;
  VerifierCore core;
};

TEST(VerifierCore, OnlyTheListedRulesAreWarnings) {
  EXPECT_EQ(VerifierCore::severity_of("LOCK_HOLD_TOO_LONG"), Severity::kWarning);
  EXPECT_EQ(VerifierCore::severity_of("ISR_NO_MASK"), Severity::kWarning);
  EXPECT_EQ(VerifierCore::severity_of("DEADLOCK"), Severity::kError);
  EXPECT_EQ(VerifierCore::severity_of("NOT_A_RULE"), Severity::kError);
}

TEST(VerifierCore, CallSitesPrintFromTheProjectsTopFolder) {
  EXPECT_EQ(format_where({"/home/ci/nicsim/driver/miniport/isr.c", 12, "MPIsr"}),
            "driver/miniport/isr.c:12 (MPIsr)");
  EXPECT_EQ(format_where({"/x/testbench/ndis/a_test.cc", 3, "F"}),
            "testbench/ndis/a_test.cc:3 (F)");
  EXPECT_EQ(format_where({"elsewhere.c", 5, "G"}), "elsewhere.c:5 (G)");
}

TEST(VerifierCore, AReportOffAnyCpuHasTheRuleSeverityAndSite) {
  Core c;
  c.core.report("NDIS_CALL_UNDER_LOCK", "Object", {"driver/a.c", 4, "F"}, "text");
  ASSERT_EQ(c.platform.violations().all().size(), 1u);
  const Violation& v = c.platform.violations().all().front();
  EXPECT_EQ(v.severity, Severity::kWarning);
  EXPECT_EQ(v.object, "Object");
  EXPECT_EQ(v.where, "driver/a.c:4 (F)");
  EXPECT_EQ(v.message, "text");
  EXPECT_EQ(v.cpu, -1);
}

TEST(VerifierCore, EnterCallRunsTheHookAndFailsOnceTheRunStopped) {
  Core c;
  int hooked = 0;
  c.core.set_call_hook([&] { ++hooked; });
  EXPECT_TRUE(c.core.enter_call({"driver/a.c", 1, "F"}));
  EXPECT_EQ(hooked, 1);
  c.platform.stop("test");
  EXPECT_FALSE(c.core.enter_call({"driver/a.c", 2, "F"}));
  EXPECT_EQ(hooked, 1);
}

TEST(VerifierCore, StopOnFirstErrorStopsOnAnErrorNotAWarning) {
  Core c;
  c.core.config().stop_on_first_error = true;
  c.core.report("LOCK_HOLD_TOO_LONG", "L", {"driver/a.c", 1, "F"}, "warning");
  EXPECT_FALSE(c.platform.stopped());
  c.core.report("DEADLOCK", "L", {"driver/a.c", 2, "F"}, "error");
  EXPECT_TRUE(c.platform.stopped());
}

}  // namespace
}  // namespace nicsim::ndis
