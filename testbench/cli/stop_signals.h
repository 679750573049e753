// SIGINT and SIGTERM end a run at its next safe point instead of killing it: the handler only
// records the signal (async-signal-safe), the platform polls it between slices of simulated time,
// and the run finishes its outputs. A second signal exits at once (128 + its number).
#pragma once

#include <string>

namespace nicsim::cli {

void install_stop_signals();
// The first stop signal received, 0 when none.
int stop_signal();
// "SIGINT", "SIGTERM" ("" for 0).
std::string stop_signal_name(int signal);
// What a shell expects of a process the signal ended: 128 + the signal number (130, 143).
int stop_signal_exit_code(int signal);

}  // namespace nicsim::cli
