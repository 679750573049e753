// Compiled without coverage instrumentation (testbench/fuzz/CMakeLists.txt): the instrumentation
// declares the section's bounds itself in every module it instruments, and a second declaration
// in such a module makes it rename its own, leaving libFuzzer with no counters at all.
#include "testbench/fuzz/coverage_counters.h"

// Weak: the linker defines them only where the section exists.
extern "C" {
__attribute__((weak, visibility("hidden"))) extern uint8_t __start___sancov_cntrs[];
__attribute__((weak, visibility("hidden"))) extern uint8_t __stop___sancov_cntrs[];
}

namespace nicsim_fuzz {

std::span<uint8_t> coverage_counters() {
  uint8_t* const start = __start___sancov_cntrs;
  uint8_t* const stop = __stop___sancov_cntrs;
  if (!start || stop <= start) return {};
  return {start, static_cast<size_t>(stop - start)};
}

}  // namespace nicsim_fuzz
