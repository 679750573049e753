#include "bench_run.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <exception>

#include "nic_test_bench.h"

namespace nicsim::sim {

uint64_t busy_loopback(MmioPort& mmio, HostMemory& memory, uint64_t target_cycles,
                       const std::function<void(uint64_t)>& advance,
                       const std::function<uint64_t()>& now) {
  testing::TestDriver driver(mmio, memory);
  testing::DriverSetup setup;
  setup.ring = 128;
  driver.init(setup);
  mmio.write32(nic_regs::IMC, 0xFFFFFFFF);  // polled: CPUs stay idle
  TrafficSpec spec;
  spec.frames = 64;
  spec.min_bytes = 64;
  spec.max_bytes = 1514;
  const auto frames = generate_frames(spec);
  uint64_t received = 0;
  size_t next = 0;
  while (now() < target_cycles) {
    for (unsigned q = 0; q < 4; ++q) {
      while (driver.transmit(q, frames[next % frames.size()])) ++next;
    }
    advance(2000);
    driver.service();
    received += driver.received.size();
    driver.received.clear();
    driver.received_queue.clear();
  }
  return received;
}

double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

BenchResult in_child(const std::function<BenchResult()>& fn) {
  std::fflush(stdout);  // the child must not repeat buffered output
  std::fflush(stderr);
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    BenchResult r;
    bool ok = true;
    try {
      r = fn();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "benchmark child: %s\n", e.what());
      ok = false;
    }
    ok = ok && write(fds[1], &r, sizeof r) == static_cast<ssize_t>(sizeof r);
    _exit(ok ? 0 : 1);
  }
  close(fds[1]);
  BenchResult r;
  const bool ok = read(fds[0], &r, sizeof r) == static_cast<ssize_t>(sizeof r);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "benchmark: a child run failed\n");
    return {};
  }
  return r;
}

}  // namespace nicsim::sim
