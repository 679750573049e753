// A design's scenarios JSON (testbench/cli/scenarios.cc parse_scenarios) on arbitrary bytes: a bad
// document is std::invalid_argument naming the key, never a crash or another exception; a good
// one holds only scenarios a run can use.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "testbench/cli/scenarios.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto document =
      nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return 0;
  try {
    const auto scenarios = nicsim::cli::parse_scenarios(document);
    for (const auto& s : scenarios) {
      if (s.name.empty() || s.cpus < 1 || s.cpus > 64 || s.min_frame > s.max_frame) std::abort();
      if (nicsim::cli::find_scenario(scenarios, s.name) == nullptr) std::abort();
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
