// Every rule RULES.md catalogues has a coverage bin in a nicsim run, and the rules the reference
// driver and NIC exercise show their checks ran.
#include <gtest/gtest.h>

#include <set>
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

}  // namespace
}  // namespace nicsim::testing
