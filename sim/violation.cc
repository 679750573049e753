#include "sim/violation.h"

#include <algorithm>
#include <cstdio>

namespace nicsim {

std::string_view to_string(Severity severity) {
  return severity == Severity::kError ? "error" : "warning";
}

std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

void ViolationLog::report(Violation violation) {
  violations_.push_back(std::move(violation));
  for (const auto& listener : listeners_) listener(violations_.back());
}

size_t ViolationLog::count(std::string_view rule) const {
  return std::count_if(violations_.begin(), violations_.end(),
                       [&](const Violation& v) { return v.rule == rule; });
}

size_t ViolationLog::errors() const {
  return std::count_if(violations_.begin(), violations_.end(),
                       [](const Violation& v) { return v.severity == Severity::kError; });
}

}  // namespace nicsim
