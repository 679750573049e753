// What every co-simulation benchmark shares: the busy loopback traffic, a timed result, and a
// child process per SystemC run (SystemC elaborates once per process).
#pragma once

#include <cstdint>
#include <functional>

#include "sim/host_memory.h"
#include "sim/mmio.h"

namespace nicsim::sim {

struct BenchResult {
  uint64_t cycles = 0;
  double seconds = 0;
  double cpu_seconds = 0;  // CPU time of the same span: steadier than wall time on a busy machine
  uint64_t frames = 0;
  uint64_t violations = 0;
  uint64_t output_bytes = 0;  // trace file written, if any
  double rate() const { return seconds > 0 ? static_cast<double>(cycles) / seconds : 0; }
  double cpu_rate() const {
    return cpu_seconds > 0 ? static_cast<double>(cycles) / cpu_seconds : 0;
  }
};

// Every ring kept full of loopback frames (64-1514 bytes), received frames reposted, interrupts
// masked (polled: CPUs stay idle), until now() reaches target_cycles. advance(cycles) lets the
// NIC run; now() is its cycle. Returns the frames received.
uint64_t busy_loopback(MmioPort& mmio, HostMemory& memory, uint64_t target_cycles,
                       const std::function<void(uint64_t)>& advance,
                       const std::function<uint64_t()>& now);

// CPU time this process has used, in seconds.
double process_cpu_seconds();

// Runs fn in a child process and returns its result through a pipe; a failed child gives a
// result with zero cycles (and a message on stderr).
BenchResult in_child(const std::function<BenchResult()>& fn);

}  // namespace nicsim::sim
