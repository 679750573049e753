// NicDomain: the clock domain around the real Verilated NIC, its MMIO bridge, DMA slave and
// interrupt delivery, exact batching against one edge per wake-up, and idle skipping.
#include "sim/nic_domain.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "host_test_util.h"
#include "nic_test_bench.h"
#include "sim/faults/fault_injector.h"
#include "sim/monitors/axi4_protocol.h"
#include "sim/monitors/axi4lite_protocol.h"
#include "sim/monitors/axis_protocol.h"
#include "sim/monitors/interrupt_liveness.h"
#include "sim/monitors/irq_before_data.h"
#include "sim/monitors/port_hash.h"
#include "sim/monitors/throttle_spacing.h"

namespace nicsim::sim::testing {
namespace {

void run_for_ns(uint64_t ns) {
  sc_core::sc_start(sc_core::sc_time(static_cast<double>(ns), sc_core::SC_NS));
}

TEST(NicDomain, ReadsTheIdRegisterThroughMmio) {
  NicBench bench(NicDomainConfig{});
  uint32_t id = 0;
  uint64_t returned_ps = 0;
  spawn_driver([&] {
    id = bench.nic->mmio().read32(nic_regs::ID);
    returned_ps = sc_core::sc_time_stamp().value();
  });
  run_for_ns(10'000);
  EXPECT_EQ(id, nic_regs::ID_RESET_VALUE);
  // Completions are delivered on whole nanoseconds, after the edge that completed them.
  EXPECT_GT(returned_ps, 0u);
  EXPECT_EQ(returned_ps % 1000, 0u);
  EXPECT_EQ(bench.nic->stats().mmio_transactions, 1u);
}

// A fault script's register reads: the CPU gets the scripted value of the nth read of that
// register (a byte read takes its lanes from it), every other read what the device answered.
TEST(NicDomain, ScriptedReadsReplaceWhatTheDeviceAnswered) {
  NicDomainConfig config;
  config.faults.script.reads = {{nic_regs::ID, 1, ScriptOp::kSet, 0xFFFFFFFF},
                                {nic_regs::ID, 2, ScriptOp::kXor, 0x00FF0000},
                                {nic_regs::ID, 4, ScriptOp::kSet, 0x12345678}};
  NicBench bench(config);
  std::vector<uint32_t> reads;
  spawn_driver([&] {
    for (int i = 0; i < 4; ++i) reads.push_back(bench.nic->mmio().read32(nic_regs::ID));
    reads.push_back(bench.nic->mmio().read(nic_regs::ID + 1, 1));
  });
  run_for_ns(20'000);
  const uint32_t id = nic_regs::ID_RESET_VALUE;
  const std::vector<uint32_t> expected = {id, 0xFFFFFFFF, id ^ 0x00FF0000, id, 0x56};
  EXPECT_EQ(reads, expected);
  ASSERT_NE(bench.nic->faults(), nullptr);
  EXPECT_EQ(bench.nic->faults()->script_counts().reads, 3u);
}

// A host thread declared after the NIC: SystemC initializes it after the clock thread.
struct LateHost : sc_core::sc_module {
  std::function<void()> body;
  LateHost(sc_core::sc_module_name name, std::function<void()> fn)
      : sc_core::sc_module(name), body(std::move(fn)) {
    SC_HAS_PROCESS(LateHost);
    SC_THREAD(run);
  }
  void run() { body(); }
};

TEST(NicDomain, DoesNotRunAheadOfAHostThreadCreatedAfterIt) {
  NicBench bench(NicDomainConfig{});
  uint64_t edges_at_first_action = ~uint64_t{0};
  // The clock must not take a host thread still in the initialization phase for "no pending
  // activity" and batch far ahead of it.
  LateHost host("late_host", [&] {
    wait_ns(1);
    edges_at_first_action = bench.nic->stats().cycles_evaluated;
  });
  run_for_ns(100);
  // Edge 0 is at 2.5 ns: none may be evaluated before the host's action at 1 ns.
  EXPECT_EQ(edges_at_first_action, 0u);
}

TEST(NicDomain, EdgesNeverFallOnWholeNanoseconds) {
  for (double mhz : {100.0, 156.25, 200.0, 250.0, 300.0, 333.0, 1000.0}) {
    const ClockTiming timing = clock_timing(mhz);
    EXPECT_NEAR(1e6 / static_cast<double>(timing.period_ps), mhz, mhz * 0.001);
    for (uint64_t k = 0; k < 10'000; ++k) {
      ASSERT_NE((k * timing.period_ps + timing.phase_ps) % 1000, 0u) << mhz << " MHz, edge " << k;
    }
  }
  EXPECT_EQ(clock_timing(250.0).period_ps, 4000u);
  EXPECT_THROW(clock_timing(-1), std::invalid_argument);
  EXPECT_THROW(clock_timing(2000), std::invalid_argument);
}

TEST(NicDomain, RejectsAClockOutOfRange) {
  NicDomainConfig config;
  config.clock_mhz = 0;
  HostMemory memory;
  RecordingIntc intc;
  EXPECT_THROW(NicDomain("nic", rtl::make_nic_device(), config, memory, intc, nullptr),
               std::invalid_argument);
}

TEST(NicDomain, RejectsAnMmioOffsetOutsideBar0) {
  NicBench bench(NicDomainConfig{});
  std::string error;
  spawn_driver([&] {
    try {
      bench.nic->mmio().read32(0x10000);
    } catch (const std::invalid_argument& e) {
      error = e.what();
    }
  });
  run_for_ns(1000);
  EXPECT_NE(error.find("outside BAR0"), std::string::npos) << error;
}

TEST(NicDomain, LoopbackTrafficArrivesWithInterrupts) {
  NicBench bench(NicDomainConfig{});
  const DeviceShape& shape = bench.nic->device().shape();
  Axi4Protocol axi(bench.nic->monitor_reporter(), shape);
  bench.nic->add_monitor(&axi);
  Scenario scenario;
  ScenarioState state;
  start_scenario(bench, scenario, state);
  run_for_ns(scenario.deadline_ns + 10'000);
  ASSERT_TRUE(state.done);
  auto received = state.driver->received;
  auto sent = state.sent;
  std::sort(received.begin(), received.end());
  std::sort(sent.begin(), sent.end());
  EXPECT_EQ(received, sent);
  EXPECT_GT(bench.intc.messages.size(), 0u);
  EXPECT_TRUE(bench.log.empty()) << bench.log.all().front().rule << ": "
                                 << bench.log.all().front().message;
  // Frames spread over more than one queue.
  auto queues = state.driver->received_queue;
  std::sort(queues.begin(), queues.end());
  EXPECT_GT(std::unique(queues.begin(), queues.end()) - queues.begin(), 1);
}

TEST(NicDomain, SkipsCyclesWhileTheNicIsQuiescent) {
  NicBench bench(NicDomainConfig{});
  spawn_driver([&] {
    bench.nic->mmio().read32(nic_regs::ID);
    wait_ns(100'000);
    bench.nic->mmio().read32(nic_regs::ID);
  });
  run_for_ns(200'000);
  const NicDomainStats& stats = bench.nic->stats();
  EXPECT_GT(stats.cycles_skipped, 20'000u);
  EXPECT_LT(stats.cycles_evaluated, 5'000u);
  EXPECT_EQ(stats.mmio_transactions, 2u);
  // The second read was picked up at the first edge after it was issued.
  EXPECT_GE(bench.nic->cycle(), 100'000u / 4);
}

TEST(NicDomain, ReferenceModeEvaluatesEveryEdge) {
  NicDomainConfig config;
  config.batching = false;
  NicBench bench(config);
  run_for_ns(40'000);
  EXPECT_EQ(bench.nic->stats().cycles_skipped, 0u);
  EXPECT_EQ(bench.nic->stats().cycles_evaluated, 10'000u);
  EXPECT_EQ(bench.nic->stats().batches, 10'000u);
}

// Runs one seeded scenario and describes it: port digest, interrupt cycles, frames, violations.
std::string equivalence_run(bool batching) {
  NicDomainConfig config;
  config.batching = batching;
  config.seed = 11;
  config.memory.backpressure_percent = 25;
  NicBench bench(config);
  constexpr uint64_t kCycles = 100'000;
  PortHash hash(kCycles);
  const DeviceShape& shape = bench.nic->device().shape();
  Axi4Protocol axi(bench.nic->monitor_reporter(), shape);
  Axi4LiteProtocol axil(bench.nic->monitor_reporter());
  AxiStreamProtocol axis(bench.nic->monitor_reporter(), shape);
  IrqBeforeData order(bench.nic->monitor_reporter());
  for (CycleMonitor* m : std::initializer_list<CycleMonitor*>{&hash, &axi, &axil, &axis, &order}) {
    bench.nic->add_monitor(m);
  }
  Scenario scenario;
  scenario.setup.loopback = false;
  scenario.setup.itr = 40;
  scenario.tx_frames = 20;
  scenario.link_frames = 30;
  scenario.tx_backpressure = 30;
  scenario.seed = 5;
  ScenarioState state;
  start_scenario(bench, scenario, state);
  run_for_ns(kCycles * 4 + 1000);
  std::ostringstream out;
  out << "digest=" << std::hex << hash.digest() << std::dec << " changes=" << hash.changes()
      << " rx=" << state.driver->received.size() << " tx_matched=" << bench.nic->link().matched()
      << " tx_mismatched=" << bench.nic->link().mismatches()
      << " violations=" << bench.log.all().size() << " done=" << state.done << " irq_cycles=";
  for (uint64_t c : bench.nic->interrupt_cycles()) out << c << ",";
  out << " messages=" << bench.intc.messages.size();
  if (batching) {
    std::ostringstream stats;  // printed by the test, not compared
    stats << "\n# evaluated=" << bench.nic->stats().cycles_evaluated
          << " skipped=" << bench.nic->stats().cycles_skipped
          << " batches=" << bench.nic->stats().batches;
    return out.str() + stats.str();
  }
  return out.str();
}

TEST(BatchingEquivalence, SameSeededTrafficGivesSamePortsAndInterruptCycles) {
  std::string batched = run_in_child([] { return equivalence_run(true); });
  const std::string reference = run_in_child([] { return equivalence_run(false); });
  const auto stats_at = batched.find("\n# ");
  ASSERT_NE(stats_at, std::string::npos) << batched;
  std::cout << batched.substr(stats_at + 1) << "\n";
  batched.resize(stats_at);
  EXPECT_EQ(batched, reference);
  EXPECT_NE(batched.find("rx=30 "), std::string::npos) << batched;
  EXPECT_NE(batched.find("tx_matched=20 "), std::string::npos) << batched;
  EXPECT_NE(batched.find("violations=0 "), std::string::npos) << batched;
  EXPECT_EQ(batched.find("irq_cycles= "), std::string::npos) << "no interrupts: " << batched;
}

TEST(DmaOutsideGrant, NicReadingAnUngrantedTxBufferIsReported) {
  NicBench bench(NicDomainConfig{});
  Scenario scenario;
  scenario.setup.grant_tx = false;
  scenario.tx_frames = 2;
  scenario.deadline_ns = 30'000;
  ScenarioState state;
  start_scenario(bench, scenario, state);
  run_for_ns(scenario.deadline_ns + 10'000);
  EXPECT_GE(bench.log.count("DMA_OUTSIDE_GRANT"), 1u);
  EXPECT_TRUE(state.driver->received.empty() ||
              state.driver->received.front() != state.sent.front())
      << "data outside a grant must not be served";
}

TEST(DmaOutsideGrant, StampedWithTheEdgeThatMadeTheAccess) {
  NicBench bench(NicDomainConfig{});
  std::vector<Violation> stamped;
  bool stamped_in_edge = false;
  bench.memory.set_reporter([&](Violation v) {
    stamped_in_edge = bench.nic->stamp_from_edge(v);
    stamped.push_back(v);
  });
  Scenario scenario;
  scenario.setup.grant_tx = false;
  scenario.tx_frames = 2;
  scenario.deadline_ns = 30'000;
  ScenarioState state;
  start_scenario(bench, scenario, state);
  run_for_ns(scenario.deadline_ns + 10'000);
  ASSERT_FALSE(stamped.empty());
  EXPECT_TRUE(stamped_in_edge);
  for (const Violation& v : stamped) {
    EXPECT_GT(v.cycle, 0u);
    EXPECT_EQ(v.sim_ns, bench.nic->edge_time_ps(v.cycle) / 1000) << v.message;
  }
  Violation outside;
  EXPECT_FALSE(bench.nic->stamp_from_edge(outside));  // not evaluating an edge now
}

TEST(DmaOutsideGrant, SilentWhenTheDriverGrantedEverything) {
  NicBench bench(NicDomainConfig{});
  Scenario scenario;
  scenario.tx_frames = 8;
  ScenarioState state;
  start_scenario(bench, scenario, state);
  run_for_ns(scenario.deadline_ns + 10'000);
  EXPECT_EQ(state.driver->received.size(), 8u);
  EXPECT_EQ(bench.log.count("DMA_OUTSIDE_GRANT"), 0u);
}

}  // namespace
}  // namespace nicsim::sim::testing
