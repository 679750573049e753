// Functional coverage bins: the rule bins' names, RuleCount's plain counting and its attach.
#include "sim/functional_coverage.h"

#include <gtest/gtest.h>

#include <string>

namespace nicsim::sim {
namespace {

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

}  // namespace
}  // namespace nicsim::sim
