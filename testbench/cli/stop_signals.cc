#include "testbench/cli/stop_signals.h"

#include <unistd.h>

#include <csignal>

namespace nicsim::cli {
namespace {

volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int signal) {
  if (g_stop_signal != 0) _exit(stop_signal_exit_code(signal));  // the second one: at once
  g_stop_signal = signal;
  static const char kMessage[] =
      "nicsim: stopping at the next safe point to write the results (again to quit at once)\n";
  (void)!write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
}

}  // namespace

void install_stop_signals() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // outputs being written must not fail with EINTR
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int stop_signal() { return g_stop_signal; }

std::string stop_signal_name(int signal) {
  if (signal == SIGINT) return "SIGINT";
  if (signal == SIGTERM) return "SIGTERM";
  return signal ? "signal " + std::to_string(signal) : "";
}

int stop_signal_exit_code(int signal) { return 128 + signal; }

}  // namespace nicsim::cli
