// The bug-injection suite: every driver variant is caught with its rule ID within kMaxSeeds
// seeds of the default scenario, and the run exits 1.
#include <gtest/gtest.h>

#include <string>

#include "driver/miniport/mp_bugs.h"
#include "testbench/miniport/nicsim_runner.h"

namespace nicsim::testing {
namespace {

constexpr int kMaxSeeds = 10;

class DriverBugCaught : public ::testing::TestWithParam<miniport::DriverBugInfo> {};

TEST_P(DriverBugCaught, WithItsRuleWithinTenSeeds) {
  const auto& bug = GetParam();
  std::string tried;
  for (int seed = 1; seed <= kMaxSeeds; ++seed) {
    const auto run = run_nicsim({"--driver-bug", std::string(bug.name), "--seed",
                                 std::to_string(seed), "--packets", "200", "-q"});
    ASSERT_TRUE(run.summary.is_object()) << run.output;
    if (run.has_rule(std::string(bug.rule))) {
      EXPECT_EQ(run.exit_code, 1);
      return;
    }
    tried += "seed " + std::to_string(seed) + ": " + run.violations_text() + "\n";
  }
  FAIL() << bug.name << " not caught as " << bug.rule << " in " << kMaxSeeds << " seeds\n" << tried;
}

std::string Name(const ::testing::TestParamInfo<miniport::DriverBugInfo>& info) {
  std::string name(info.param.name);
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Variants, DriverBugCaught, ::testing::ValuesIn(miniport::kDriverBugs),
                         Name);

TEST(DriverBugList, AtLeastTwentyVariantsEachWithARule) {
  EXPECT_GE(miniport::kDriverBugs.size(), 20u);
  for (const auto& bug : miniport::kDriverBugs) {
    EXPECT_FALSE(bug.rule.empty()) << bug.name;
    EXPECT_EQ(miniport::find_driver_bug(bug.name), bug.bug) << bug.name;
  }
}

}  // namespace
}  // namespace nicsim::testing
