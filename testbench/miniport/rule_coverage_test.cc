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

// The rule IDs of the summary's "rule/<ID> evaluated" bins, with their counts.
std::map<std::string, uint64_t> rule_bins(const nlohmann::json& summary) {
  std::map<std::string, uint64_t> rules;
  for (const auto& [bin, count] : summary["coverage"]["bins"].items()) {
    if (!bin.starts_with(kPrefix) || !bin.ends_with(kSuffix)) continue;
    rules[bin.substr(kPrefix.size(), bin.size() - kPrefix.size() - kSuffix.size())] =
        count.get<uint64_t>();
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
    EXPECT_GT(rules.at(rule), 0u) << rule;
}

// The rules whose check no scenario of the reference design runs, and why.
const std::map<std::string, std::string> kNeverChecked = {
    {"AXI4LITE_VALID_DROPPED", "the CSR slave takes every request in the cycle it is shown"},
    {"AXI4LITE_PAYLOAD_CHANGED", "the CSR slave takes every request in the cycle it is shown"},
    {"IO_PORT_RANGE_IRQL", "the reference miniport registers no I/O port range"},
    {"PERIODIC_TIMER_CANCEL_IRQL", "the reference miniport uses no timer object"},
    {"TIMER_FREED_IN_USE", "the reference miniport uses no timer object"},
    {"RWLOCK_WRITE_WHILE_READING", "the reference miniport uses no NDIS_RW_LOCK_EX"},
    {"RWLOCK_RELEASE_WRONG_MODE", "the reference miniport uses no NDIS_RW_LOCK_EX"},
    {"UNLOAD_WITH_ADAPTER", "a run never unloads the driver"},
};

TEST(RuleCoverage, EveryRuleCheckRunsInSomeScenario) {
  const NicsimRun list = run_nicsim({"--list-scenarios"}, false);
  ASSERT_EQ(list.exit_code, 0) << list.output;
  std::istringstream lines(list.output);
  std::set<std::string> never_checked(ndis::catalogued_rules().begin(),
                                      ndis::catalogued_rules().end());
  unsigned scenarios = 0;
  for (std::string line; std::getline(lines, line);) {
    const std::string scenario = line.substr(0, line.find(' '));
    if (scenario.empty()) continue;
    ++scenarios;
    const NicsimRun run = run_nicsim({"-q", "--scenario", scenario, "--packets", "120"});
    ASSERT_EQ(run.exit_code, 0) << scenario << ": " << run.output << run.violations_text();
    for (const auto& [rule, count] : rule_bins(run.summary))
      if (count > 0) never_checked.erase(rule);
  }
  EXPECT_GE(scenarios, 10u);
  std::set<std::string> expected;
  for (const auto& [rule, why] : kNeverChecked) expected.insert(rule);
  EXPECT_EQ(never_checked, expected);
}

}  // namespace
}  // namespace nicsim::testing
