#include "sim/functional_coverage.h"

#include <algorithm>
#include <array>

namespace nicsim::sim {
namespace {
constexpr std::string_view kRulePrefix = "rule/";
constexpr std::string_view kRuleSuffix = " evaluated";
}  // namespace

std::string rule_bin(std::string_view rule) {
  std::string bin;
  bin.reserve(kRulePrefix.size() + rule.size() + kRuleSuffix.size());
  return bin.append(kRulePrefix).append(rule).append(kRuleSuffix);
}

void FunctionalCoverage::declare(std::string_view bin) { counts_.try_emplace(std::string(bin), 0); }

void FunctionalCoverage::declare_unreachable(std::string_view bin, std::string reason) {
  declare(bin);
  unreachable_[std::string(bin)] = std::move(reason);
}

void FunctionalCoverage::hit(std::string_view bin) {
  if (auto it = counts_.find(bin); it != counts_.end()) {
    ++it->second;
    return;
  }
  counts_.emplace(std::string(bin), 1);
}

uint64_t& FunctionalCoverage::counter(std::string_view bin) {
  return counts_.try_emplace(std::string(bin), 0).first->second;
}

void FunctionalCoverage::evaluated(std::string_view rule) {
  // Built on the stack: a rule is checked on every NDIS call, so no allocation per check.
  std::array<char, 96> bin;
  const size_t size = kRulePrefix.size() + rule.size() + kRuleSuffix.size();
  if (size > bin.size()) return hit(rule_bin(rule));
  char* end = std::copy(kRulePrefix.begin(), kRulePrefix.end(), bin.data());
  end = std::copy(rule.begin(), rule.end(), end);
  std::copy(kRuleSuffix.begin(), kRuleSuffix.end(), end);
  hit(std::string_view(bin.data(), size));
}

uint64_t FunctionalCoverage::count(std::string_view bin) const {
  const auto it = counts_.find(bin);
  return it == counts_.end() ? 0 : it->second;
}

std::map<std::string, uint64_t> FunctionalCoverage::bins() const {
  return {counts_.begin(), counts_.end()};
}

}  // namespace nicsim::sim
