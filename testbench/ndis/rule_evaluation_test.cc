// The "rule/<ID> evaluated" bins: a rule's check counts where it runs, whether or not it fires,
// and a rule whose check never ran stays 0. The catalogue read from RULES.md.
#include <gtest/gtest.h>

#include <algorithm>

#include "driver/ndis/rule_catalogue.h"
#include "testbench/ndis/ndis_test_util.h"

namespace nicsim::ndis {
namespace {

using testing::Bench;
using testing::Fragment;

uint64_t evaluations(Bench& b, std::string_view rule) {
  return b.platform.coverage().count(sim::rule_bin(rule));
}

TEST(RuleCatalogue, ReadsEveryIdOfEachRuleRowOnce) {
  const auto ids = parse_rule_ids(
      "# Rules\n| ID | Sev | Condition |\n|---|---|---|\n| A_RULE | E | when |\n"
      "| B_ONE, B_TWO | W | a shared row |\n| A_RULE | E | listed again |\n- | not | a rule |\n");
  EXPECT_EQ(ids, (std::vector<std::string>{"A_RULE", "B_ONE", "B_TWO"}));
}

TEST(RuleCatalogue, RulesMdCataloguesEverySection) {
  const auto& ids = catalogued_rules();
  EXPECT_EQ(ids.size(), 96u);  // IRQ_BEFORE_DATA is listed twice, counted once
  for (const char* id : {"LOCK_NOT_ALLOCATED", "DATA_RACE", "STALL", "AXIS_VALID_DROPPED",
                         "INTERRUPT_LIVENESS", "INITIALIZE_FAILED", "FREE_NOT_ALLOCATED"})
    EXPECT_NE(std::find(ids.begin(), ids.end(), id), ids.end()) << id;
}

TEST(RuleCoverage, SilentDprAcquireAtDispatchCountsItsEvaluation) {
  Bench b;
  declare_rule_bins(b.platform.coverage());
  NDIS_SPIN_LOCK lock{};
  Fragment f;
  bool dpc_ran = false;
  f.dpc = [&](ULONG, PVOID) {
    NdisDprAcquireSpinLock(&lock);
    NdisDprReleaseSpinLock(&lock);
    dpc_ran = true;
  };
  b.kernel.run_passive(0, "init", [&] { NicsimAllocateSpinLockNamed(&lock, "RcvLock"); });
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_TRUE(dpc_ran);
  EXPECT_GE(evaluations(b, "DPR_ACQUIRE_IRQL"), 1u);
  EXPECT_GE(evaluations(b, "DPR_RELEASE_IRQL"), 1u);
}

TEST(RuleCoverage, RuleWhoseCheckNeverRanStaysZero) {
  Bench b;
  declare_rule_bins(b.platform.coverage());
  NDIS_SPIN_LOCK lock{};
  b.kernel.run_passive(1, "fragment", [&] {
    NdisAllocateSpinLock(&lock);
    NdisAcquireSpinLock(&lock);
    NdisReleaseSpinLock(&lock);
    NdisFreeSpinLock(&lock);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_GE(evaluations(b, "ACQUIRE_ABOVE_DISPATCH"), 1u);  // the fragment ran
  // Declared, and no timer was ever cancelled: 0.
  const auto bins = b.platform.coverage().bins();
  ASSERT_TRUE(bins.count(sim::rule_bin("PERIODIC_TIMER_CANCEL_IRQL")));
  EXPECT_EQ(evaluations(b, "PERIODIC_TIMER_CANCEL_IRQL"), 0u);
  EXPECT_EQ(evaluations(b, "DPR_ACQUIRE_IRQL"), 0u);  // plain acquires only
}

}  // namespace
}  // namespace nicsim::ndis
