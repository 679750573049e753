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

class FunctionalCoverage {
 public:
  void declare(std::string_view bin);
  void declare_unreachable(std::string_view bin, std::string reason);
  // Counts one hit; a bin nobody declared is declared by its first hit.
  void hit(std::string_view bin);
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

}  // namespace nicsim::sim
