// cosim_bench: the speed of co-simulation, side by side on the same busy loopback traffic:
//   bare      the Verilated NIC in a tight C++ eval loop, DMA answered by the same C++ memory
//   slave; platform  the Platform (NicDomain in SystemC, CPUs idle, exact batching on); reference
//   the Platform with one NIC edge per SystemC wake-up (optional).
// Each SystemC run is its own child process (SystemC elaborates once per process).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include "bare_nic.h"
#include "bench_run.h"
#include "nic_test_bench.h"
#include "sim/nic_domain.h"
#include "sim/platform.h"

// With SystemC included, Verilator's runtime calls an unqualified sc_time_stamp().
using sc_core::sc_time_stamp;
#include "Vnic_sim_top.h"
#include "verilated.h"

namespace nicsim::sim {
namespace {

using Clock = std::chrono::steady_clock;
using Result = BenchResult;

Result run_bare(uint64_t cycles) {
  HostMemory memory;
  BareNic<Vnic_sim_top> nic(memory);
  const auto start = Clock::now();
  const double cpu_start = process_cpu_seconds();
  Result r;
  r.frames = busy_loopback(
      nic, memory, cycles,
      [&](uint64_t n) {
        for (uint64_t i = 0; i < n; ++i) nic.step();
      },
      [&] { return nic.cycle(); });
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.cpu_seconds = process_cpu_seconds() - cpu_start;
  r.cycles = nic.cycle();
  return r;
}

Result run_platform(uint64_t cycles, bool batching, bool monitors) {
  PlatformConfig config;
  config.batching = batching;
  config.device = [] { return rtl::make_nic_device(); };
  Platform platform(config);
  if (monitors) platform.nic().add_standard_monitors(rtl::nic_device_description());
  Result r;
  const uint64_t period = platform.nic_period_ps();
  testing::spawn_driver([&] {
    r.frames = busy_loopback(
        platform.mmio(), platform.memory(), cycles,
        [&](uint64_t n) { testing::wait_ns(n * period / 1000); },
        [&] { return platform.nic_cycle(); });
    platform.stop("benchmark traffic done");
  });
  const auto start = Clock::now();
  const double cpu_start = process_cpu_seconds();
  platform.run(cycles * period / 1000 * 2 + 1'000'000);
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.cpu_seconds = process_cpu_seconds() - cpu_start;
  r.cycles = platform.nic_cycle();
  r.violations = platform.violations().all().size();
  return r;
}

void print(const char* name, const Result& r, const Result& bare) {
  std::printf(
      "%-10s %7.3f M cycles/s  %9llu cycles  %6llu frames  %5.2f s  %llu violations  ratio to "
      "bare %.2f  cpu %.3f M cycles/s\n",
      name, r.rate() / 1e6, static_cast<unsigned long long>(r.cycles),
      static_cast<unsigned long long>(r.frames), r.seconds,
      static_cast<unsigned long long>(r.violations), bare.rate() > 0 ? r.rate() / bare.rate() : 0.0,
      r.cpu_rate() / 1e6);
}

}  // namespace
}  // namespace nicsim::sim

extern "C" int sc_main(int argc, char* argv[]) {
  using namespace nicsim::sim;
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  CLI::App app{"Co-simulation speed: bare Verilated NIC loop vs the SystemC platform"};
  uint64_t cycles = 2'000'000;
  bool reference = true;
  bool monitors = false;
  bool bare_only = false;
  app.add_option("--cycles", cycles, "NIC cycles per run")
      ->check(CLI::Range(10'000ull, 1'000'000'000ull));
  app.add_flag("--reference,!--no-reference", reference,
               "also run the platform with one edge per SystemC wake-up");
  app.add_flag("--monitors", monitors, "also time the platform with every cycle monitor attached");
  app.add_flag("--bare-only", bare_only, "time the bare loop alone (nicsim_bench.py's reference)");
  CLI11_PARSE(app, argc, argv);

  std::printf("busy loopback traffic, %llu NIC cycles per run\n",
              static_cast<unsigned long long>(cycles));
  const Result bare = in_child([&] { return run_bare(cycles); });
  print("bare", bare, bare);
  if (bare_only) return bare.cycles ? 0 : 1;
  const Result platform = in_child([&] { return run_platform(cycles, true, false); });
  print("platform", platform, bare);
  if (monitors) {
    print("+monitors", in_child([&] { return run_platform(cycles, true, true); }), bare);
  }
  if (reference) {
    print("reference", in_child([&] { return run_platform(cycles, false, false); }), bare);
  }
  return bare.cycles && platform.cycles ? 0 : 1;
}
