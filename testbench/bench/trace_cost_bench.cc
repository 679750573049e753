// trace_cost_bench: what tracing costs, side by side in one run on the same busy loopback traffic
// as cosim_bench. Five setups, each run in its own child process, interleaved repetition by
// repetition (forward, then backward) so machine noise hits all alike; medians are reported:
//   bare notrace   the bare C++ loop on nic_sim_top verilated WITHOUT trace support
//   bare off       the bare loop on the model the project uses (FST compiled in), no tracer
//   bare fst       the same with the project's WaveTracer dumping every edge to an FST file
//   platform off   the Platform (NicDomain in SystemC, CPUs idle), tracing off
//   platform fst   the Platform with a TraceSession writing --waves FILE.fst (RTL and host probes)
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bare_nic.h"
#include "bench_run.h"
#include "nic_test_bench.h"
#include "sim/nic_domain.h"
#include "sim/platform.h"
#include "sim/trace/trace_session.h"
#include "sim/trace/wave_tracer.h"

// With SystemC included, Verilator's runtime calls an unqualified sc_time_stamp().
using sc_core::sc_time_stamp;
#include "Vnic_sim_top.h"
#include "Vnic_sim_top_notrace.h"
#include "verilated.h"

namespace nicsim::sim {
namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

uint64_t file_bytes(const std::string& path) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  return ec ? 0 : size;
}

template <class Model>
BenchResult run_bare(uint64_t cycles, const std::string& fst_path) {
  HostMemory memory;
  BareNic<Model> nic(memory);
  std::unique_ptr<trace::WaveTracer> tracer;
  if constexpr (std::is_same_v<Model, Vnic_sim_top>) {
    if (!fst_path.empty()) {
      trace::WaveOptions options;
      options.path = fst_path;
      tracer = std::make_unique<trace::WaveTracer>(nic.device(), options);
      // Edge times as NicDomain places them at 250 MHz.
      const ClockTiming timing = clock_timing(250.0);
      nic.set_edge_hook([&tracer, timing](uint64_t cycle) {
        tracer->on_edge(cycle * timing.period_ps + timing.phase_ps);
      });
    }
  }
  const auto start = Clock::now();
  BenchResult r;
  r.frames = busy_loopback(
      nic, memory, cycles,
      [&](uint64_t n) {
        for (uint64_t i = 0; i < n; ++i) nic.step();
      },
      [&] { return nic.cycle(); });
  if (tracer) tracer->finish();  // completing the file is part of the cost
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.cycles = nic.cycle();
  if (tracer) r.output_bytes = file_bytes(fst_path);
  return r;
}

BenchResult run_platform(uint64_t cycles, const std::string& fst_path) {
  // sc_stop's "stopped by user" note would interleave with the table.
  sc_core::sc_report_handler::set_actions("/OSCI/SystemC", sc_core::SC_INFO,
                                          sc_core::SC_DO_NOTHING);
  PlatformConfig config;
  config.device = [] { return rtl::make_nic_device(); };
  Platform platform(config);
  std::unique_ptr<trace::TraceSession> session;
  if (!fst_path.empty()) {
    trace::TraceOptions options;
    options.waves_path = fst_path;
    session = std::make_unique<trace::TraceSession>(platform, options);
  }
  BenchResult r;
  const uint64_t period = platform.nic_period_ps();
  testing::spawn_driver([&] {
    r.frames = busy_loopback(
        platform.mmio(), platform.memory(), cycles,
        [&](uint64_t n) { testing::wait_ns(n * period / 1000); },
        [&] { return platform.nic_cycle(); });
    platform.stop("benchmark traffic done");
  });
  const auto start = Clock::now();
  platform.run(cycles * period / 1000 * 2 + 1'000'000);
  if (session) session->finish();
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.cycles = platform.nic_cycle();
  r.violations = platform.violations().all().size();
  if (session) r.output_bytes = file_bytes(fst_path);
  return r;
}

struct Setup {
  const char* name;
  std::function<BenchResult(const std::string& fst_path)> run;
  bool traced;
  std::vector<BenchResult> results = {};
};

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

double median_rate(const Setup& s) {
  std::vector<double> rates;
  for (const BenchResult& r : s.results) rates.push_back(r.rate());
  return median(rates);
}

// The median over repetitions of a's rate / b's rate within the same repetition.
double median_paired_ratio(const Setup& a, const Setup& b) {
  std::vector<double> ratios;
  for (size_t i = 0; i < a.results.size() && i < b.results.size(); ++i) {
    if (b.results[i].rate() > 0) ratios.push_back(a.results[i].rate() / b.results[i].rate());
  }
  return median(ratios);
}

void print_ratio(const char* label, const Setup& a, const Setup& b) {
  const double rb = median_rate(b);
  std::printf("  %-34s %5.3f  (median of per-repetition ratios %5.3f)\n", label,
              rb > 0 ? median_rate(a) / rb : 0.0, median_paired_ratio(a, b));
}

}  // namespace
}  // namespace nicsim::sim

extern "C" int sc_main(int argc, char* argv[]) {
  using namespace nicsim::sim;
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  CLI::App app{"Cost of tracing: untraced build vs FST compiled in but off vs FST on"};
  uint64_t cycles = 1'000'000;
  unsigned reps = 5;
  std::string dir = fs::temp_directory_path().string();
  app.add_option("--cycles", cycles, "NIC cycles per run")
      ->check(CLI::Range(10'000ull, 1'000'000'000ull));
  app.add_option("--reps", reps, "interleaved repetitions (medians are reported)")
      ->check(CLI::Range(1u, 1000u));
  app.add_option("--dir", dir, "where the FST files are written (and removed)")
      ->check(CLI::ExistingDirectory);
  bool fst = true;
  app.add_flag("--fst,!--no-fst", fst,
               "also run with FST on (--no-fst: only the tracing-off setups, many reps cheaply)");
  CLI11_PARSE(app, argc, argv);

  const std::string fst_path =
      (fs::path(dir) / ("trace_cost_bench." + std::to_string(getpid()) + ".fst")).string();
  std::vector<Setup> setups = {
      {"bare notrace",
       [&](const std::string&) { return run_bare<Vnic_sim_top_notrace>(cycles, ""); }, false},
      {"bare off", [&](const std::string&) { return run_bare<Vnic_sim_top>(cycles, ""); }, false},
      {"bare fst", [&](const std::string& p) { return run_bare<Vnic_sim_top>(cycles, p); }, true},
      {"platform off", [&](const std::string&) { return run_platform(cycles, ""); }, false},
      {"platform fst", [&](const std::string& p) { return run_platform(cycles, p); }, true},
  };
  enum { kBareNotrace, kBareOff, kBareFst, kPlatformOff, kPlatformFst };

  std::printf("busy loopback traffic, %llu NIC cycles per run, %u interleaved repetitions\n",
              static_cast<unsigned long long>(cycles), reps);
  bool failed = false;
  for (unsigned rep = 0; rep < reps; ++rep) {
    for (size_t k = 0; k < setups.size(); ++k) {
      // Forward, then backward: a drift in machine load hits both ends alike, and the setups
      // compared with each other always run next to each other.
      Setup& s = setups[rep % 2 ? setups.size() - 1 - k : k];
      if (s.traced && !fst) continue;
      const BenchResult r = in_child([&] { return s.run(s.traced ? fst_path : ""); });
      std::error_code ec;
      fs::remove(fst_path, ec);
      if (r.cycles == 0) failed = true;
      s.results.push_back(r);
      std::printf("  rep %u  %-13s %7.3f M cycles/s  %6.2f s\n", rep + 1, s.name, r.rate() / 1e6,
                  r.seconds);
    }
  }
  if (failed) {
    std::fprintf(stderr, "trace_cost_bench: a run failed\n");
    return 1;
  }

  std::printf("\nmedians of %u:\n", reps);
  for (const Setup& s : setups) {
    if (s.results.empty()) continue;
    const BenchResult& last = s.results.back();
    std::printf("  %-13s %7.3f M cycles/s  %8llu cycles  %5llu frames", s.name,
                median_rate(s) / 1e6, static_cast<unsigned long long>(last.cycles),
                static_cast<unsigned long long>(last.frames));
    if (s.traced) std::printf("  %7.1f MB FST", static_cast<double>(last.output_bytes) / 1e6);
    std::printf("\n");
  }
  std::printf("ratios of median cycles/s:\n");
  print_ratio("bare: compiled in, off / notrace", setups[kBareOff], setups[kBareNotrace]);
  if (fst) {
    print_ratio("bare: fst on / compiled in, off", setups[kBareFst], setups[kBareOff]);
    print_ratio("platform: fst on / off", setups[kPlatformFst], setups[kPlatformOff]);
  }
  print_ratio("platform off / bare notrace", setups[kPlatformOff], setups[kBareNotrace]);

  // Both builds must be the same NIC: the same traffic moves the same frames in the same cycles.
  const BenchResult& a = setups[kBareNotrace].results.back();
  const BenchResult& b = setups[kBareOff].results.back();
  if (a.frames != b.frames || a.cycles != b.cycles) {
    std::fprintf(
        stderr, "trace_cost_bench: the untraced and traced builds differ (%llu vs %llu frames)\n",
        static_cast<unsigned long long>(a.frames), static_cast<unsigned long long>(b.frames));
    return 1;
  }
  return 0;
}
