// Helpers for host-platform tests: a host-only platform config, device-side stimulus threads
// (at half-ns edge times, like the NIC), and running one scenario per forked child so a test can
// compare several elaborations (SystemC elaborates once per process).
#pragma once

#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <functional>
#include <string>
#include <systemc>

#include "sim/platform.h"

namespace nicsim::sim::testing {

// No NIC, no schedule noise: timing in these tests follows the cost model exactly.
inline PlatformConfig host_only(unsigned cpus) {
  PlatformConfig config;
  config.cpus = cpus;
  config.schedule.jitter_percent = 0;
  config.schedule.priority_change_points = 0;
  return config;
}

// Runs fn on a device-side SystemC thread (not a CPU) at simulated time ps.
inline void device_at_ps(uint64_t ps, std::function<void()> fn) {
  sc_core::sc_spawn([ps, fn = std::move(fn)] {
    sc_core::wait(sc_core::sc_time(static_cast<double>(ps), sc_core::SC_PS));
    fn();
  });
}

// Runs scenario in a forked child and returns what it wrote (a text result), or "crashed".
inline std::string run_in_child(const std::function<std::string()>& scenario) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const std::string result = scenario();
    const ssize_t written = write(fds[1], result.data(), result.size());
    _exit(written == static_cast<ssize_t>(result.size()) ? 0 : 1);
  }
  close(fds[1]);
  std::string result;
  char buffer[256];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) result.append(buffer, n);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "crashed";
  return result;
}

}  // namespace nicsim::sim::testing
