// libFuzzer's inline 8-bit coverage counters of this executable (the section __sancov_cntrs the
// fuzz preset's instrumentation fills), for a fuzz target that runs its input in a child process
// and copies the child's counters back. Empty where nothing is instrumented (the replayers).
#pragma once

#include <cstdint>
#include <span>

namespace nicsim_fuzz {

std::span<uint8_t> coverage_counters();

}  // namespace nicsim_fuzz
