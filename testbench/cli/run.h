// One run of a design: builds the platform around its device, the NDIS kernel and its driver,
// drives traffic both ways, checks every frame, halts the adapter and returns the summary.
#pragma once

#include <stdexcept>

#include "testbench/cli/design.h"
#include "testbench/cli/options.h"
#include "testbench/cli/summary.h"

namespace nicsim::cli {

// Bad input discovered while setting the run up (a pcap that cannot be read): exit code 2.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Call once per process (SystemC elaborates once), from sc_main.
RunSummary run_simulation(const Design& design, const RunConfig& config);

}  // namespace nicsim::cli
