// Every rule RULES.md catalogues has a coverage bin in a nicsim run, and the rules the reference
// driver and NIC exercise show their checks ran.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <string>

#include "driver/ndis/rule_catalogue.h"
#include "testbench/miniport/nicsim_runner.h"

namespace nicsim::testing {
namespace {

constexpr std::string_view kPrefix = "rule/", kSuffix = " evaluated";

// The rule IDs of the summary's "rule/<ID> evaluated" bins (coverage.bins: their counts;
// coverage.unreachable: their reasons).
std::map<std::string, nlohmann::json> rule_bins(const nlohmann::json& summary,
                                                const char* part = "bins") {
  std::map<std::string, nlohmann::json> rules;
  for (const auto& [bin, value] : summary["coverage"][part].items()) {
    if (!bin.starts_with(kPrefix) || !bin.ends_with(kSuffix)) continue;
    rules[bin.substr(kPrefix.size(), bin.size() - kPrefix.size() - kSuffix.size())] = value;
  }
  return rules;
}

TEST(RuleCoverage, DefaultRunDeclaresABinForEveryCataloguedRule) {
  const NicsimRun run = run_nicsim({"-q", "--packets", "200"});
  ASSERT_EQ(run.exit_code, 0) << run.output << run.violations_text();
  const auto rules = rule_bins(run.summary);
  std::set<std::string> declared;
  for (const auto& [rule, count] : rules) declared.insert(rule);
  const auto& catalogue = ndis::catalogued_rules();
  EXPECT_EQ(declared, std::set<std::string>(catalogue.begin(), catalogue.end()));
  // Positive control: the checks of the traffic's hot paths ran, in every layer.
  for (const char* rule : {"DPR_ACQUIRE_IRQL", "SPINLOCK_AT_DIRQL", "DATA_RACE", "AXI4_4K_CROSSING",
                           "DEVICE_READS_STALE_DESCRIPTOR", "IRQL_RAISE_BELOW_CURRENT",
                           "PACKET_LOST", "DMA_OUTSIDE_GRANT"})
    EXPECT_GT(rules.at(rule).get<uint64_t>(), 0u) << rule;
}

TEST(RuleCoverage, EveryRuleCheckRunsInSomeScenario) {
  const NicsimRun list = run_nicsim({"--list-scenarios"}, false);
  ASSERT_EQ(list.exit_code, 0) << list.output;
  std::istringstream lines(list.output);
  std::set<std::string> never_checked(ndis::catalogued_rules().begin(),
                                      ndis::catalogued_rules().end());
  unsigned scenarios = 0;
  std::set<std::string> declared_unreachable;  // by nicsim and by the design's scenarios file
  bool instrumented = true;
  for (std::string line; std::getline(lines, line);) {
    const std::string scenario = line.substr(0, line.find(' '));
    if (scenario.empty()) continue;
    ++scenarios;
    const NicsimRun run = run_nicsim({"-q", "--scenario", scenario, "--packets", "120"});
    ASSERT_EQ(run.exit_code, 0) << scenario << ": " << run.output << run.violations_text();
    for (const auto& [rule, count] : rule_bins(run.summary))
      if (count.get<uint64_t>() > 0) never_checked.erase(rule);
    for (const auto& [rule, why] : rule_bins(run.summary, "unreachable"))
      declared_unreachable.insert(rule);
    instrumented = instrumented && run.race_instrumented();
  }
  EXPECT_GE(scenarios, 10u);
  // What only the race instrumentation sees is never checked in a build without it.
  if (!instrumented) std::erase_if(never_checked, seen_through_instrumentation);
  // The rules no scenario checks are exactly those declared unreachable, each with its reason.
  EXPECT_EQ(never_checked, declared_unreachable);
}

}  // namespace
}  // namespace nicsim::testing
