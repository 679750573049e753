#include "sim/functional_coverage.h"

namespace nicsim::sim {

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

uint64_t FunctionalCoverage::count(std::string_view bin) const {
  const auto it = counts_.find(bin);
  return it == counts_.end() ? 0 : it->second;
}

std::map<std::string, uint64_t> FunctionalCoverage::bins() const {
  return {counts_.begin(), counts_.end()};
}

}  // namespace nicsim::sim
