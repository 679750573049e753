// The bug-injection suite: every driver variant is caught with its rule ID within kMaxSeeds
// seeds of its scenario (the default one unless the table names another), and the run exits 1.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "driver/miniport/mp_bugs.h"
#include "testbench/miniport/nicsim_runner.h"

namespace nicsim::testing {
namespace {

constexpr int kMaxSeeds = 10;

class DriverBugCaught : public ::testing::TestWithParam<NICSIM_DRIVER_BUG> {};

TEST_P(DriverBugCaught, WithItsRuleWithinTenSeeds) {
  const auto& bug = GetParam();
  std::string tried;
  for (int seed = 1; seed <= kMaxSeeds; ++seed) {
    std::vector<std::string> args = {"--driver-bug", bug.Name, "--seed", std::to_string(seed),
                                     "--packets",    "200",    "-q"};
    if (bug.Scenario) args.insert(args.end(), {"--scenario", bug.Scenario});
    const auto run = run_nicsim(args);
    ASSERT_TRUE(run.summary.is_object()) << run.output;
    // What only the race instrumentation sees cannot show in a build without it.
    if (!run.race_instrumented() && seen_through_instrumentation(bug.Rule))
      GTEST_SKIP() << bug.Rule << " needs the race instrumentation, off in this build";
    if (run.has_rule(bug.Rule)) {
      EXPECT_EQ(run.exit_code, 1);
      return;
    }
    tried += "seed " + std::to_string(seed) + ": " + run.violations_text() + "\n";
  }
  FAIL() << bug.Name << " not caught as " << bug.Rule << " in " << kMaxSeeds << " seeds of "
         << (bug.Scenario ? bug.Scenario : "the default scenario") << "\n"
         << tried;
}

std::string Name(const ::testing::TestParamInfo<NICSIM_DRIVER_BUG>& info) {
  std::string name(info.param.Name);
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Variants, DriverBugCaught, ::testing::ValuesIn(miniport::DriverBugTable()),
                         Name);

TEST(DriverBugList, AtLeastTwentyVariantsEachWithARule) {
  const auto table = miniport::DriverBugTable();
  EXPECT_GE(table.size(), 20u);
  for (const auto& bug : table) {
    EXPECT_NE(std::string(bug.Rule), "") << bug.Name;
    EXPECT_NE(std::string(bug.Description), "") << bug.Name;
  }
}

}  // namespace
}  // namespace nicsim::testing
