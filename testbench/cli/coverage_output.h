// nicsim --coverage DIR: where a run leaves what it covered, so that any number of runs into one
// DIR merge into one report (scripts/coverage.sh). DIR/rtl/<run>.dat holds the NIC model's
// Verilator points, DIR/gcov/ the gcov counters of the platform, NDIS layer and driver (libgcov
// merges concurrent processes' counters under a file lock) and DIR/functional/<run>.json the run's
// summary, whose "coverage" key holds its functional bins.
#pragma once

#include <string>

#include "testbench/cli/summary.h"

class VerilatedContext;

namespace nicsim::cli {

// True in a build of the coverage preset (NICSIM_COVERAGE): nothing is measured elsewhere.
bool coverage_built();

// Makes DIR's folders; "" or the error naming --coverage and the path.
std::string make_coverage_dir(const std::string& dir);

// Points gcov's counters, written when the process exits, under DIR/gcov (GCOV_PREFIX).
void route_gcov_output(const std::string& dir);

// One run's file name, unique per process: scenario-irq-seed[-bug]-pid.
std::string coverage_run_name(const RunSummary& summary);

// DIR/rtl/NAME.dat: the model's coverage points. "" or the error naming --coverage and the path.
std::string write_rtl_coverage(VerilatedContext& context, const std::string& dir,
                               const std::string& name);

// DIR/functional/NAME.json: the run's JSON summary. "" or the error naming --coverage and the path.
std::string write_functional_coverage(const RunSummary& summary, const std::string& dir,
                                      const std::string& name);

}  // namespace nicsim::cli
