// cosim_bench: the speed of co-simulation, side by side on the same busy loopback traffic:
//   bare      the Verilated NIC in a tight C++ eval loop, DMA answered by the same C++ memory
//   slave; platform  the Platform (NicDomain in SystemC, CPUs idle, exact batching on); reference
//   the Platform with one NIC edge per SystemC wake-up (optional).
// Each SystemC run is its own child process (SystemC elaborates once per process).
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include "nic_test_bench.h"
#include "sim/axi_memory_slave.h"
#include "sim/nic_domain.h"
#include "sim/platform.h"

// With SystemC included, Verilator's runtime calls an unqualified sc_time_stamp().
using sc_core::sc_time_stamp;
#include "Vnic_sim_top.h"
#include "verilated.h"

namespace nicsim::sim {
namespace {

using Clock = std::chrono::steady_clock;

struct Result {
  uint64_t cycles = 0;
  double seconds = 0;
  uint64_t frames = 0;
  uint64_t violations = 0;
  double rate() const { return seconds > 0 ? static_cast<double>(cycles) / seconds : 0; }
};

// The traffic both setups run: every ring kept full of loopback frames, received frames reposted.
// advance(cycles) lets the NIC run; now() is its cycle.
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

// The model alone, clocked by plain C++: the same per-cycle work as NicDomain::step without
// SystemC, with a synchronous AXI4-Lite master for register accesses.
class BareNic : public MmioPort {
 public:
  explicit BareNic(HostMemory& memory)
      : model_(&context_, "nic"),
        slave_(memory, MemoryConfig{}, 1, InterruptController::kMsiBase,
               InterruptController::kMsiSize) {
    model_.clk = 0;
    model_.rst = 1;
    model_.eval();
  }
  ~BareNic() override { model_.final(); }

  uint64_t cycle() const { return cycle_; }

  void step() {
    read_outputs(model_, ports_);
    ports_.rst = cycle_ < 8;
    slave_.drive(cycle_, ports_);
    const bool write = lite_.active && lite_.write, read = lite_.active && !lite_.write;
    ports_.s_axil_awvalid = !ports_.rst && write && !lite_.addr_done;
    ports_.s_axil_awaddr = lite_.offset;
    ports_.s_axil_wvalid = !ports_.rst && write && !lite_.data_done;
    ports_.s_axil_wdata = lite_.value;
    ports_.s_axil_wstrb = 0xF;
    ports_.s_axil_bready = write && lite_.addr_done && lite_.data_done;
    ports_.s_axil_arvalid = !ports_.rst && read && !lite_.addr_done;
    ports_.s_axil_araddr = lite_.offset;
    ports_.s_axil_rready = read && lite_.addr_done;
    write_inputs(ports_, model_);
    model_.clk = 0;
    model_.eval();
    read_outputs(model_, ports_);
    model_.clk = 1;
    model_.eval();
    slave_.on_edge(cycle_, ports_);
    slave_.take_messages();
    const PortSnapshot& p = ports_;
    if ((p.s_axil_awvalid && p.s_axil_awready) || (p.s_axil_arvalid && p.s_axil_arready)) {
      lite_.addr_done = true;
    }
    if (p.s_axil_wvalid && p.s_axil_wready) lite_.data_done = true;
    if ((p.s_axil_bvalid && p.s_axil_bready) || (p.s_axil_rvalid && p.s_axil_rready)) {
      lite_.result = p.s_axil_rdata;
      lite_.active = false;
    }
    ++cycle_;
  }

  uint32_t read32(uint32_t offset) override { return transact(false, offset, 0); }
  void write32(uint32_t offset, uint32_t value) override { transact(true, offset, value); }

 private:
  struct Lite {
    bool active = false, write = false, addr_done = false, data_done = false;
    uint16_t offset = 0;
    uint32_t value = 0, result = 0;
  };
  uint32_t transact(bool write, uint32_t offset, uint32_t value) {
    lite_ = Lite{true, write, false, false, static_cast<uint16_t>(offset), value, 0};
    while (lite_.active) step();
    return lite_.result;
  }

  VerilatedContext context_;
  Vnic_sim_top model_;
  AxiMemorySlave slave_;
  PortSnapshot ports_;
  Lite lite_;
  uint64_t cycle_ = 0;
};

Result run_bare(uint64_t cycles) {
  HostMemory memory;
  BareNic nic(memory);
  const auto start = Clock::now();
  Result r;
  r.frames = busy_loopback(
      nic, memory, cycles,
      [&](uint64_t n) {
        for (uint64_t i = 0; i < n; ++i) nic.step();
      },
      [&] { return nic.cycle(); });
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.cycles = nic.cycle();
  return r;
}

Result run_platform(uint64_t cycles, bool batching, bool monitors) {
  PlatformConfig config;
  config.batching = batching;
  Platform platform(config);
  if (monitors) platform.nic().add_standard_monitors();
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
  platform.run(cycles * period / 1000 * 2 + 1'000'000);
  r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  r.cycles = platform.nic_cycle();
  r.violations = platform.violations().all().size();
  return r;
}

// Runs fn in a child process and returns its result through a pipe.
Result in_child(const std::function<Result()>& fn) {
  std::fflush(stdout);  // the child must not repeat buffered output
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    const Result r = fn();
    const bool ok = write(fds[1], &r, sizeof r) == static_cast<ssize_t>(sizeof r);
    _exit(ok ? 0 : 1);
  }
  close(fds[1]);
  Result r;
  const bool ok = read(fds[0], &r, sizeof r) == static_cast<ssize_t>(sizeof r);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!ok || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "cosim_bench: a benchmark child failed\n");
    return {};
  }
  return r;
}

void print(const char* name, const Result& r, const Result& bare) {
  std::printf(
      "%-10s %7.3f M cycles/s  %9llu cycles  %6llu frames  %5.2f s  %llu violations  ratio to "
      "bare %.2f\n",
      name, r.rate() / 1e6, static_cast<unsigned long long>(r.cycles),
      static_cast<unsigned long long>(r.frames), r.seconds,
      static_cast<unsigned long long>(r.violations),
      bare.rate() > 0 ? r.rate() / bare.rate() : 0.0);
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
  app.add_option("--cycles", cycles, "NIC cycles per run")
      ->check(CLI::Range(10'000ull, 1'000'000'000ull));
  app.add_flag("--reference,!--no-reference", reference,
               "also run the platform with one edge per SystemC wake-up");
  app.add_flag("--monitors", monitors, "also time the platform with every cycle monitor attached");
  CLI11_PARSE(app, argc, argv);

  std::printf("busy loopback traffic, %llu NIC cycles per run\n",
              static_cast<unsigned long long>(cycles));
  const Result bare = in_child([&] { return run_bare(cycles); });
  print("bare", bare, bare);
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
