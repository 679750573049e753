// Functional coverage: named bins ("group/what") counted over one run, so that a report can say
// what a run (or a merged sweep) never exercised. Bins are declared up front and stay 0 until hit;
// a bin the design cannot reach is declared with the reason, so the checklist explains the gap.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

namespace nicsim::sim {

// The bin of a rule's evaluation: "rule/<ID> evaluated".
std::string rule_bin(std::string_view rule);

class FunctionalCoverage {
 public:
  void declare(std::string_view bin);
  void declare_unreachable(std::string_view bin, std::string reason);
  // Counts one hit; a bin nobody declared is declared by its first hit.
  void hit(std::string_view bin);
  // Declares bin and returns its count, which keeps its address for the coverage's life: a check
  // that runs per cycle or per access increments it directly (RuleCount).
  uint64_t& counter(std::string_view bin);
  // Hits rule_bin(rule): the code path that checks the rule ran, whether or not it fired.
  void evaluated(std::string_view rule);
  uint64_t count(std::string_view bin) const;

  // Every bin and its hits, by name.
  std::map<std::string, uint64_t> bins() const;
  // The bins the design cannot reach and why, by name.
  const std::map<std::string, std::string>& unreachable() const { return unreachable_; }

 private:
  // Hashes a string_view and a string alike, so hit() looks up without building a string.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
  };
  std::unordered_map<std::string, uint64_t, NameHash, std::equal_to<>> counts_;
  std::map<std::string, std::string> unreachable_;
};

// One rule's evaluations by a check that runs per cycle or per access: a plain increment, into a
// local count until attached to a run's coverage, into the rule's bin after.
class RuleCount {
 public:
  explicit RuleCount(std::string rule) : rule_(std::move(rule)) {}
  RuleCount(std::string rule, FunctionalCoverage& coverage) : rule_(std::move(rule)) {
    attach(coverage);
  }
  RuleCount(const RuleCount&) = delete;
  RuleCount& operator=(const RuleCount&) = delete;

  void attach(FunctionalCoverage& coverage) {
    uint64_t& bin = coverage.counter(rule_bin(rule_));
    bin += *count_;
    count_ = &bin;
  }
  void evaluated() { ++*count_; }
  uint64_t count() const { return *count_; }

 private:
  std::string rule_;
  uint64_t local_ = 0;
  uint64_t* count_ = &local_;
};

}  // namespace nicsim::sim
