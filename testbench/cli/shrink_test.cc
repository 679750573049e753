// The shrinker's parts that need no run: ddmin finds a 1-minimal failing subset within few
// tests, and the children's command line drops what the shrinker sets per run.
#include "testbench/cli/shrink.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace nicsim::cli {
namespace {

using sim::Perturbation;

std::vector<Perturbation> numbered(unsigned count) {
  std::vector<Perturbation> items;
  for (unsigned i = 0; i < count; ++i) items.push_back({i % 4, i, 1 + i, {}});
  return items;
}

bool contains(const std::vector<Perturbation>& items, uint64_t yield) {
  return std::any_of(items.begin(), items.end(),
                     [yield](const Perturbation& p) { return p.yield == yield; });
}

TEST(Ddmin, FindsTheTwoPerturbationsThatTogetherFail) {
  unsigned tests = 0;
  const auto kept = ddmin(numbered(1000), [&tests](const std::vector<Perturbation>& subset) {
    ++tests;
    return contains(subset, 17) && contains(subset, 811);
  });
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0].yield, 17u);
  EXPECT_EQ(kept[1].yield, 811u);
  EXPECT_LT(tests, 150u);  // a handful per halving, far from 2^1000
}

TEST(Ddmin, KeepsEverythingWhenEveryPerturbationIsNeeded) {
  const auto all = numbered(6);
  const auto kept =
      ddmin(all, [](const std::vector<Perturbation>& subset) { return subset.size() == 6; });
  EXPECT_EQ(kept, all);
}

TEST(ShrinkCommandLine, ChildrenDropWhatTheShrinkerSetsPerRun) {
  const char* argv[] = {"nicsim",     "--driver-bug",
                        "x",          "--seed=4",
                        "--packets",  "100",
                        "--shrink",   "--shrink-out",
                        "s.schedule", "--shrink-runs=9",
                        "-q",         "--summary",
                        "s.json",     "--scenario",
                        "lifecycle",  "--waves",
                        "w.fst",      "--no-monitors",
                        "--cpus",     "3"};
  EXPECT_EQ(
      child_base_arguments(static_cast<int>(std::size(argv)), argv),
      (std::vector<std::string>{"--driver-bug", "x", "--scenario", "lifecycle", "--no-monitors"}));
}

}  // namespace
}  // namespace nicsim::cli
