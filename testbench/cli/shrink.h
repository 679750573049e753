// nicsim --shrink: reduces a failing run to fewer packets, fewer CPUs and the fewest schedule
// perturbations (delta debugging, Zeller's ddmin) that still give its first error: the same rule
// at the same where. Every run is a child process of this executable (SystemC elaborates once per
// process), replaying an explicit schedule (--schedule) and writing its summary.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/host_config.h"
#include "testbench/cli/design.h"
#include "testbench/cli/options.h"

namespace nicsim::cli {

// Exit codes: 1 the failure reproduced and was shrunk (the replay command is printed), 2 the run
// does not fail (or bad input), 130 / 143 stopped by SIGINT / SIGTERM (the best so far written).
int shrink_failing_run(const Design& design, const RunConfig& config, int argc, char* argv[]);

// The command line the children share: argv without what the shrinker sets per run (--shrink*,
// --schedule*, --summary, --packets, --cpus, --seed, -q) or must not repeat per run (--waves*,
// --timeline, --pcap-out, --progress). Both "--flag value" and "--flag=value" are dropped.
std::vector<std::string> child_base_arguments(int argc, const char* const* argv);

// Zeller's ddmin: a 1-minimal subset of items for which fails() holds, given that it holds for
// items. fails() may return false once its budget is spent; the result then still fails.
std::vector<sim::Perturbation> ddmin(
    std::vector<sim::Perturbation> items,
    const std::function<bool(const std::vector<sim::Perturbation>&)>& fails);

}  // namespace nicsim::cli
