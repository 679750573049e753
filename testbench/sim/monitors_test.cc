// Cycle monitors: each is driven by a deliberately wrong port sequence (a test-only fault) and
// must report its rule; and each stays silent on the real NIC under seeded traffic.
#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "nic_test_bench.h"
#include "sim/monitors/axi4_protocol.h"
#include "sim/monitors/axi4lite_protocol.h"
#include "sim/monitors/axis_protocol.h"
#include "sim/monitors/interrupt_liveness.h"
#include "sim/monitors/irq_before_data.h"
#include "sim/monitors/throttle_spacing.h"

namespace nicsim::sim::testing {
namespace {

using nicsim::Violation;

// The reference NIC's widths (64-bit DMA and stream data).
constexpr DeviceShape kShape64{.dma_data_bits = 64, .stream_data_bits = 64};

// Feeds a port sequence to a monitor, cycle 0, 1, 2...; collects what it reports.
struct Collector {
  std::vector<Violation> seen;
  MonitorReport report() {
    return [this](Violation v) { seen.push_back(std::move(v)); };
  }
  size_t count(const std::string& rule) const {
    return std::count_if(seen.begin(), seen.end(),
                         [&](const Violation& v) { return v.rule == rule; });
  }
};

void feed(CycleMonitor& monitor, const std::vector<DevicePorts>& cycles, uint64_t first = 0) {
  for (size_t i = 0; i < cycles.size(); ++i) monitor.on_cycle(first + i, cycles[i]);
}

// A register write of value to offset on the AXI4-Lite pins, in one cycle.
DevicePorts register_write(uint16_t offset, uint32_t value) {
  DevicePorts p;
  p.regs.awvalid = p.regs.awready = true;
  p.regs.awaddr = offset;
  p.regs.wvalid = p.regs.wready = true;
  p.regs.wdata = value;
  p.regs.wstrb = 0xF;
  return p;
}

// A single-beat DMA write: AW and W in one cycle.
DevicePorts dma_write(uint64_t address, uint64_t data, uint8_t strobes = 0xFF) {
  DevicePorts p;
  p.dma.awvalid = p.dma.awready = true;
  p.dma.awaddr = address;
  p.dma.awsize = 3;
  p.dma.awburst = 1;
  p.dma.wvalid = p.dma.wready = p.dma.wlast = true;
  p.dma.wdata = WideWord::of(data);
  p.dma.wstrb = strobes;
  return p;
}

DevicePorts b_response() {
  DevicePorts p;
  p.dma.bvalid = p.dma.bready = true;
  return p;
}

// Vector v's message (address msi_address(0), data 0x40 + v), as TestDriver programs it.
std::vector<DevicePorts> program_vector(unsigned v, uint32_t itr) {
  return {register_write(nic_regs::MSIX_ADDR_LO(v),
                         static_cast<uint32_t>(InterruptController::msi_address(0))),
          register_write(nic_regs::MSIX_DATA(v), 0x40 + v),
          register_write(nic_regs::MSIX_VCTRL(v), 0), register_write(nic_regs::ITR(v), itr)};
}
DevicePorts message(unsigned v) {
  return dma_write(InterruptController::msi_address(0), 0x40 + v, 0x0F);
}

// Runs the real NIC under seeded traffic with monitor attached; returns the bench's violations.
std::vector<Violation> run_real_nic(const std::function<CycleMonitor*(MonitorReport)>& make,
                                    Scenario scenario) {
  NicDomainConfig config;
  config.memory.backpressure_percent = 20;
  config.seed = 3;
  NicBench bench(config);
  std::unique_ptr<CycleMonitor> monitor(make(bench.nic->monitor_reporter()));
  bench.nic->add_monitor(monitor.get());
  ScenarioState state;
  start_scenario(bench, scenario, state);
  sc_core::sc_start(
      sc_core::sc_time(static_cast<double>(scenario.deadline_ns + 10'000), sc_core::SC_NS));
  EXPECT_TRUE(state.done);
  EXPECT_EQ(state.driver->received.size(), state.expected_rx);
  EXPECT_GT(bench.nic->interrupt_cycles().size(), 0u);
  return bench.log.all();
}

// Shows a monitor the real NIC's ports with a test-only fault applied to its view.
class PortFault : public CycleMonitor {
 public:
  using Fault = std::function<void(uint64_t cycle, DevicePorts& ports)>;
  PortFault(std::unique_ptr<CycleMonitor> inner, Fault fault)
      : inner_(std::move(inner)), fault_(std::move(fault)) {}
  void on_cycle(uint64_t cycle, const DevicePorts& ports) override {
    DevicePorts faulty = ports;
    fault_(cycle, faulty);
    inner_->on_cycle(cycle, faulty);
  }

 private:
  std::unique_ptr<CycleMonitor> inner_;
  Fault fault_;
};

Scenario busy_traffic() {
  Scenario s;
  s.setup.loopback = false;
  s.setup.itr = 30;
  s.tx_frames = 16;
  s.link_frames = 24;
  s.tx_backpressure = 30;
  return s;
}

std::string describe(const std::vector<Violation>& violations) {
  std::string text;
  for (const Violation& v : violations) {
    text += v.rule + " @" + std::to_string(v.cycle) + " " + v.object + ": " + v.message + "\n";
  }
  return text;
}

// --- AXI4-Lite ---

TEST(Axi4LiteProtocol, FaultValidDroppedBeforeReadyIsReported) {
  Collector c;
  Axi4LiteProtocol monitor(c.report());
  DevicePorts stalled;
  stalled.regs.arvalid = true;
  stalled.regs.araddr = 0x10;
  feed(monitor, {stalled, DevicePorts{}});
  ASSERT_EQ(c.count("AXI4LITE_VALID_DROPPED"), 1u) << describe(c.seen);
  EXPECT_EQ(c.seen[0].cycle, 1u);
  EXPECT_EQ(c.seen[0].object, "s_axil_arvalid");
}

TEST(Axi4LiteProtocol, FaultPayloadChangedWhileStalledIsReported) {
  Collector c;
  Axi4LiteProtocol monitor(c.report());
  DevicePorts a;
  a.regs.rvalid = true;
  a.regs.rdata = 1;
  DevicePorts b = a;
  b.regs.rdata = 2;
  b.regs.rready = true;
  feed(monitor, {a, b});
  EXPECT_EQ(c.count("AXI4LITE_PAYLOAD_CHANGED"), 1u) << describe(c.seen);
}

// The stall check counts in its rule bins once attached, the edges before included; an edge
// without a stall checks nothing.
TEST(Axi4LiteProtocol, StallCheckCountsItsRuleEvaluations) {
  Collector c;
  Axi4LiteProtocol monitor(c.report());
  DevicePorts stalled;
  stalled.regs.arvalid = true;
  stalled.regs.araddr = 0x10;
  DevicePorts accepted = stalled;
  accepted.regs.arready = true;
  feed(monitor, {DevicePorts{}, stalled, stalled});
  FunctionalCoverage coverage;
  monitor.attach_coverage(coverage);
  feed(monitor, {accepted, DevicePorts{}}, 3);
  EXPECT_TRUE(c.seen.empty()) << describe(c.seen);
  // Cycles 2 and 3 end or continue the stall cycle 1 began.
  EXPECT_EQ(coverage.count(rule_bin("AXI4LITE_VALID_DROPPED")), 2u);
  EXPECT_EQ(coverage.count(rule_bin("AXI4LITE_PAYLOAD_CHANGED")), 2u);
  EXPECT_EQ(coverage.count(rule_bin("AXI4LITE_UNEXPECTED_RESPONSE")), 0u);
}

TEST(Axi4LiteProtocol, FaultResponseWithoutRequestIsReported) {
  Collector c;
  Axi4LiteProtocol monitor(c.report());
  DevicePorts b;
  b.regs.bvalid = b.regs.bready = true;
  feed(monitor, {b});
  EXPECT_EQ(c.count("AXI4LITE_UNEXPECTED_RESPONSE"), 1u);
}

TEST(Axi4LiteProtocol, SilentOnTheRealNicUnderTraffic) {
  auto v = run_real_nic([](MonitorReport r) { return new Axi4LiteProtocol(r); }, busy_traffic());
  EXPECT_TRUE(v.empty()) << describe(v);
}

// --- AXI4 ---

TEST(Axi4Protocol, FaultValidDroppedBeforeReadyIsReported) {
  Collector c;
  Axi4Protocol monitor(c.report(), kShape64);
  DevicePorts stalled;
  stalled.dma.awvalid = true;
  stalled.dma.awaddr = 0x1000;
  stalled.dma.awburst = 1;
  stalled.dma.awsize = 3;
  feed(monitor, {stalled, DevicePorts{}});
  EXPECT_EQ(c.count("AXI4_VALID_DROPPED"), 1u) << describe(c.seen);
}

TEST(Axi4Protocol, FaultPayloadChangedWhileStalledIsReported) {
  Collector c;
  Axi4Protocol monitor(c.report(), kShape64);
  DevicePorts a;
  a.dma.wvalid = true;
  a.dma.wdata = WideWord::of(5);
  DevicePorts b = a;
  b.dma.wdata = WideWord::of(6);
  feed(monitor, {a, b});
  EXPECT_EQ(c.count("AXI4_PAYLOAD_CHANGED"), 1u) << describe(c.seen);
}

TEST(Axi4Protocol, FaultBurstCrossingFourKilobytesIsReported) {
  Collector c;
  Axi4Protocol monitor(c.report(), kShape64);
  DevicePorts ar;
  ar.dma.arvalid = ar.dma.arready = true;
  ar.dma.araddr = 0x1FF8;
  ar.dma.arlen = 1;  // two 8-byte beats: 0x1FF8 and 0x2000
  ar.dma.arsize = 3;
  ar.dma.arburst = 1;
  feed(monitor, {ar});
  EXPECT_EQ(c.count("AXI4_4K_CROSSING"), 1u) << describe(c.seen);
}

TEST(Axi4Protocol, FaultWrapBurstIsReported) {
  Collector c;
  Axi4Protocol monitor(c.report(), kShape64);
  DevicePorts aw = dma_write(0x1000, 0);
  aw.dma.awburst = 2;  // WRAP
  feed(monitor, {aw});
  EXPECT_EQ(c.count("AXI4_BURST_TYPE"), 1u) << describe(c.seen);
}

TEST(Axi4Protocol, FaultEarlyWlastIsReported) {
  Collector c;
  Axi4Protocol monitor(c.report(), kShape64);
  DevicePorts aw;
  aw.dma.awvalid = aw.dma.awready = true;
  aw.dma.awaddr = 0x1000;
  aw.dma.awlen = 3;  // four beats
  aw.dma.awsize = 3;
  aw.dma.awburst = 1;
  DevicePorts w;
  w.dma.wvalid = w.dma.wready = true;
  w.dma.wstrb = 0xFF;
  DevicePorts last = w;
  last.dma.wlast = true;
  feed(monitor, {aw, w, last});  // WLAST on beat 2 of 4
  EXPECT_EQ(c.count("AXI4_BEAT_COUNT"), 1u) << describe(c.seen);
}

TEST(Axi4Protocol, FaultMissingRlastIsReported) {
  Collector c;
  Axi4Protocol monitor(c.report(), kShape64);
  DevicePorts ar;
  ar.dma.arvalid = ar.dma.arready = true;
  ar.dma.araddr = 0x1000;
  ar.dma.arsize = 3;
  ar.dma.arburst = 1;  // one beat
  DevicePorts r;
  r.dma.rvalid = r.dma.rready = true;  // no RLAST on the only beat
  feed(monitor, {ar, r});
  EXPECT_EQ(c.count("AXI4_BEAT_COUNT"), 1u) << describe(c.seen);
}

TEST(Axi4Protocol, BeatSizeIsBoundedByTheShapesBus) {
  Collector c;
  Axi4Protocol monitor(c.report(), DeviceShape{.dma_data_bits = 128});
  DevicePorts ar;
  ar.dma.arvalid = ar.dma.arready = true;
  ar.dma.araddr = 0x1000;
  ar.dma.arburst = 1;
  ar.dma.arlen = 255;  // 256 beats of 16 bytes: exactly one 4 KiB page
  ar.dma.arsize = 4;
  DevicePorts too_wide = ar;
  too_wide.dma.arlen = 0;
  too_wide.dma.arsize = 5;  // 32-byte beats on a 16-byte bus
  feed(monitor, {ar, too_wide});
  ASSERT_EQ(c.seen.size(), 1u) << describe(c.seen);
  EXPECT_EQ(c.seen[0].rule, "AXI4_BURST_SIZE");
  EXPECT_NE(c.seen[0].message.find("128-bit bus"), std::string::npos) << c.seen[0].message;
}

TEST(Axi4Protocol, SilentOnTheRealNicUnderTraffic) {
  auto v =
      run_real_nic([](MonitorReport r) { return new Axi4Protocol(r, kShape64); }, busy_traffic());
  EXPECT_TRUE(v.empty()) << describe(v);
}

// --- AXI4-Stream ---

TEST(AxiStreamProtocol, FaultValidDroppedBeforeReadyIsReported) {
  Collector c;
  AxiStreamProtocol monitor(c.report(), kShape64);
  DevicePorts stalled;
  stalled.tx.tvalid = true;
  stalled.tx.tkeep = 0xFF;
  feed(monitor, {stalled, DevicePorts{}});
  EXPECT_EQ(c.count("AXIS_VALID_DROPPED"), 1u) << describe(c.seen);
}

TEST(AxiStreamProtocol, FaultPayloadChangedWhileStalledIsReported) {
  Collector c;
  AxiStreamProtocol monitor(c.report(), kShape64);
  DevicePorts a;
  a.rx.tvalid = true;
  a.rx.tkeep = 0xFF;
  DevicePorts b = a;
  b.rx.tlast = true;
  feed(monitor, {a, b});
  EXPECT_EQ(c.count("AXIS_PAYLOAD_CHANGED"), 1u) << describe(c.seen);
}

TEST(AxiStreamProtocol, FaultGapInTkeepAndPartialMiddleBeatAreReported) {
  Collector c;
  AxiStreamProtocol monitor(c.report(), kShape64);
  DevicePorts gap;
  gap.tx.tvalid = gap.tx.tready = gap.tx.tlast = true;
  gap.tx.tkeep = 0x0B;
  DevicePorts partial;
  partial.tx.tvalid = partial.tx.tready = true;
  partial.tx.tkeep = 0x0F;  // not the last beat
  feed(monitor, {gap, partial});
  EXPECT_EQ(c.count("AXIS_TKEEP_GAP"), 1u) << describe(c.seen);
  EXPECT_EQ(c.count("AXIS_PARTIAL_BEAT"), 1u) << describe(c.seen);
}

TEST(AxiStreamProtocol, FullBeatIsTheShapesWidthOnA32BitStream) {
  Collector c;
  AxiStreamProtocol monitor(c.report(), DeviceShape{.stream_data_bits = 32});
  DevicePorts full;  // all four bytes of a 32-bit beat: not partial
  full.rx.tvalid = full.rx.tready = true;
  full.rx.tkeep = 0xF;
  DevicePorts partial = full;
  partial.rx.tkeep = 0x3;  // half a beat before the last one
  DevicePorts last = full;
  last.rx.tkeep = 0x1;
  last.rx.tlast = true;
  feed(monitor, {full, full, last, partial});
  ASSERT_EQ(c.seen.size(), 1u) << describe(c.seen);
  EXPECT_EQ(c.count("AXIS_PARTIAL_BEAT"), 1u);
  EXPECT_EQ(c.seen[0].cycle, 3u);
  EXPECT_EQ(c.seen[0].object, "s_axis_rx_tkeep");
}

TEST(AxiStreamProtocol, PayloadPastTheFirstWordIsCheckedOnA512BitStream) {
  Collector c;
  AxiStreamProtocol monitor(c.report(), DeviceShape{.stream_data_bits = 512});
  DevicePorts a;
  a.tx.tvalid = true;
  a.tx.tkeep = ~uint64_t{0};
  DevicePorts b = a;
  b.tx.tdata.set_byte(63, 0x5A);  // the last byte of the beat changes while stalled
  b.tx.tready = true;
  feed(monitor, {a, b});
  EXPECT_EQ(c.count("AXIS_PAYLOAD_CHANGED"), 1u) << describe(c.seen);
  EXPECT_EQ(c.seen.size(), 1u) << "a full 64-byte beat is not partial: " << describe(c.seen);
}

TEST(AxiStreamProtocol, SilentOnTheRealNicUnderTraffic) {
  auto v = run_real_nic([](MonitorReport r) { return new AxiStreamProtocol(r, kShape64); },
                        busy_traffic());
  EXPECT_TRUE(v.empty()) << describe(v);
}

// --- IRQ_BEFORE_DATA ---

TEST(IrqBeforeData, FaultMessageBeforeTheWriteBackResponseIsReported) {
  Collector c;
  IrqBeforeData monitor(c.report());
  feed(monitor, {dma_write(0x2008, 1), message(0), b_response(), b_response()});
  ASSERT_EQ(c.count("IRQ_BEFORE_DATA"), 1u) << describe(c.seen);
  EXPECT_EQ(c.seen[0].cycle, 1u);
}

TEST(IrqBeforeData, FaultIntxBeforeTheWriteBackResponseIsReported) {
  Collector c;
  IrqBeforeData monitor(c.report());
  DevicePorts intx;
  intx.intx = true;
  feed(monitor, {dma_write(0x2008, 1), intx, b_response()});
  EXPECT_EQ(c.count("IRQ_BEFORE_DATA"), 1u) << describe(c.seen);
}

TEST(IrqBeforeData, MessageAfterTheResponseIsAccepted) {
  Collector c;
  IrqBeforeData monitor(c.report());
  feed(monitor, {dma_write(0x2008, 1), b_response(), message(0), b_response()});
  EXPECT_TRUE(c.seen.empty()) << describe(c.seen);
}

TEST(IrqBeforeData, SilentOnTheRealNicUnderTraffic) {
  auto v = run_real_nic([](MonitorReport r) { return new IrqBeforeData(r); }, busy_traffic());
  EXPECT_TRUE(v.empty()) << describe(v);
}

TEST(IrqBeforeData, SilentOnTheRealNicInIntxMode) {
  Scenario s = busy_traffic();
  s.setup.intx = true;
  auto v = run_real_nic([](MonitorReport r) { return new IrqBeforeData(r); }, s);
  EXPECT_TRUE(v.empty()) << describe(v);
}

// --- THROTTLE_SPACING ---

TEST(ThrottleSpacing, FaultMessagesCloserThanItrAreReported) {
  Collector c;
  ThrottleSpacing monitor(c.report(), rtl::nic_device_description());
  auto cycles = program_vector(2, 100);
  cycles.push_back(message(2));
  cycles.resize(cycles.size() + 50);  // 50 idle cycles, then the next message: too early
  cycles.push_back(message(2));
  feed(monitor, cycles);
  ASSERT_EQ(c.count("THROTTLE_SPACING"), 1u) << describe(c.seen);
  EXPECT_NE(c.seen[0].message.find("vector 2"), std::string::npos);
}

TEST(ThrottleSpacing, MessagesAtTheIntervalAreAccepted) {
  Collector c;
  ThrottleSpacing monitor(c.report(), rtl::nic_device_description());
  auto cycles = program_vector(2, 100);
  cycles.push_back(message(2));
  cycles.resize(cycles.size() + 99);
  cycles.push_back(message(2));
  feed(monitor, cycles);
  EXPECT_TRUE(c.seen.empty()) << describe(c.seen);
}

TEST(ThrottleSpacing, SilentOnTheRealNicUnderTraffic) {
  auto v = run_real_nic(
      [](MonitorReport r) { return new ThrottleSpacing(r, rtl::nic_device_description()); },
      busy_traffic());
  EXPECT_TRUE(v.empty()) << describe(v);
}

// --- INTERRUPT_LIVENESS ---

TEST(InterruptLiveness, FaultEnabledCauseWithoutInterruptIsReported) {
  Collector c;
  InterruptLiveness monitor(c.report(), rtl::nic_device_description(), /*bound_cycles=*/50);
  auto cycles = program_vector(1, 0);
  cycles.push_back(register_write(nic_regs::IMS, nic_regs::ICR_RXQ));
  cycles.push_back(register_write(nic_regs::ICS, 1u << 1));  // RXQ[1] pending, vector 1 owed
  cycles.resize(cycles.size() + 60);
  feed(monitor, cycles);
  ASSERT_EQ(c.count("INTERRUPT_LIVENESS"), 1u) << describe(c.seen);
  EXPECT_NE(c.seen[0].message.find("vector 1"), std::string::npos);
}

TEST(InterruptLiveness, FaultWriteBackWithoutInterruptIsReported) {
  Collector c;
  InterruptLiveness monitor(c.report(), rtl::nic_device_description(), 50);
  auto cycles = program_vector(0, 0);
  cycles.push_back(register_write(nic_regs::RX_BASE_LO(0), 0x10000));
  cycles.push_back(register_write(nic_regs::RX_SIZE(0), 16));
  cycles.push_back(register_write(nic_regs::IMS, nic_regs::ICR_RXQ));
  cycles.push_back(dma_write(0x10008, 0x01000040));  // RX write-back of descriptor 0
  cycles.push_back(b_response());
  cycles.resize(cycles.size() + 60);
  feed(monitor, cycles);
  EXPECT_EQ(c.count("INTERRUPT_LIVENESS"), 1u) << describe(c.seen);
}

TEST(InterruptLiveness, MaskedCauseOwesNothing) {
  Collector c;
  InterruptLiveness monitor(c.report(), rtl::nic_device_description(), 50);
  auto cycles = program_vector(1, 0);
  cycles.push_back(register_write(nic_regs::ICS, 1u << 1));  // pending but not enabled in IMS
  cycles.resize(cycles.size() + 60);
  cycles.push_back(register_write(nic_regs::IMS, nic_regs::ICR_RXQ));
  cycles.push_back(message(1));  // enabled, and it fires in time
  cycles.resize(cycles.size() + 60);
  feed(monitor, cycles);
  EXPECT_TRUE(c.seen.empty()) << describe(c.seen);
}

// One InterruptView shared by monitors (as NicDomain does) reports what each monitor's own view
// does: deadlines that pass while nothing changes, re-arming after a message, masks and ITR.
TEST(InterruptLiveness, SharedViewReportsWhatItsOwnViewReports) {
  auto cycles = program_vector(1, 40);
  auto more = program_vector(2, 0);
  cycles.insert(cycles.end(), more.begin(), more.end());
  cycles.push_back(register_write(nic_regs::IMS, nic_regs::ICR_RXQ));
  cycles.push_back(register_write(nic_regs::ICS, 0b110));  // vectors 1 and 2 owed
  cycles.resize(cycles.size() + 20);
  cycles.push_back(message(1));  // in time; vector 2 stays owed past its deadline
  cycles.resize(cycles.size() + 70);
  cycles.push_back(register_write(nic_regs::ICR, 0b110));  // acknowledged: both rearm later
  cycles.push_back(register_write(nic_regs::ICS, 0b010));  // vector 1 owed after its ITR
  cycles.resize(cycles.size() + 120);
  cycles.push_back(register_write(nic_regs::MSIX_VCTRL(1), 1));  // masked: owes nothing
  cycles.resize(cycles.size() + 80);

  Collector own, shared;
  InterruptLiveness own_monitor(own.report(), rtl::nic_device_description(), 50);
  ThrottleSpacing own_spacing(own.report(), rtl::nic_device_description());
  InterruptView view(rtl::nic_device_description());
  InterruptLiveness shared_monitor(shared.report(), view, 50);
  ThrottleSpacing shared_spacing(shared.report(), view);
  for (size_t i = 0; i < cycles.size(); ++i) {
    own_monitor.on_cycle(i, cycles[i]);
    own_spacing.on_cycle(i, cycles[i]);
    view.on_cycle(i, cycles[i]);
    shared_monitor.on_cycle(i, cycles[i]);
    shared_spacing.on_cycle(i, cycles[i]);
  }
  ASSERT_EQ(own.count("INTERRUPT_LIVENESS"), 2u) << describe(own.seen);
  EXPECT_EQ(describe(shared.seen), describe(own.seen));
}

TEST(InterruptLiveness, SilentOnTheRealNicUnderTraffic) {
  auto v = run_real_nic(
      [](MonitorReport r) { return new InterruptLiveness(r, rtl::nic_device_description(), 300); },
      busy_traffic());
  EXPECT_TRUE(v.empty()) << describe(v);
}

TEST(InterruptLiveness, SilentOnTheRealNicInIntxMode) {
  Scenario s = busy_traffic();
  s.setup.intx = true;
  auto v = run_real_nic(
      [](MonitorReport r) { return new InterruptLiveness(r, rtl::nic_device_description(), 300); },
      s);
  EXPECT_TRUE(v.empty()) << describe(v);
}

// NicDomain's standard monitors read one view, which later readers (the NDIS layer's device probe)
// share; it follows the driver's set-up and the monitors stay silent.
TEST(InterruptLiveness, StandardMonitorsShareOneViewOnTheRealNic) {
  NicDomainConfig config;
  config.memory.backpressure_percent = 20;
  config.seed = 3;
  NicBench bench(config);
  const DeviceDescription& device = rtl::nic_device_description();
  bench.nic->add_standard_monitors(device, 300);
  const InterruptView& view = bench.nic->shared_interrupt_view(device);
  EXPECT_EQ(&view, &bench.nic->shared_interrupt_view(device));
  const Scenario scenario = busy_traffic();
  ScenarioState state;
  start_scenario(bench, scenario, state);
  sc_core::sc_start(
      sc_core::sc_time(static_cast<double>(scenario.deadline_ns + 10'000), sc_core::SC_NS));
  EXPECT_TRUE(state.done);
  EXPECT_NE(view.enabled(), 0u);
  EXPECT_FALSE(view.intx_mode());
  EXPECT_TRUE(bench.log.all().empty()) << describe(bench.log.all());
}

// --- faults injected into the real NIC's traffic ---

TEST(Axi4Protocol, FaultInjectedIntoRealTrafficIsReported) {
  // The first time the NIC's AWVALID stalls, the monitor sees it dropped in the next cycle.
  auto v = run_real_nic(
      [](MonitorReport r) {
        auto armed = std::make_shared<int>(0);
        return new PortFault(std::make_unique<Axi4Protocol>(r, kShape64),
                             [armed](uint64_t, DevicePorts& p) {
                               if (*armed == 1 && p.dma.awvalid) {
                                 p.dma.awvalid = false;
                                 *armed = 2;
                               } else if (*armed == 0 && p.dma.awvalid && !p.dma.awready) {
                                 *armed = 1;
                               }
                             });
      },
      busy_traffic());
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v.front().rule, "AXI4_VALID_DROPPED") << describe(v);
}

TEST(IrqBeforeData, FaultInjectedIntoRealTrafficIsReported) {
  // Write responses never reach the monitor: every message overtakes a write it may report.
  auto v = run_real_nic(
      [](MonitorReport r) {
        return new PortFault(std::make_unique<IrqBeforeData>(r),
                             [](uint64_t, DevicePorts& p) { p.dma.bvalid = false; });
      },
      busy_traffic());
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v.front().rule, "IRQ_BEFORE_DATA") << describe(v);
}

TEST(ThrottleSpacing, FaultInjectedIntoRealTrafficIsReported) {
  // The monitor believes the driver programmed ITR = 5000 while the NIC throttles at 30.
  auto v = run_real_nic(
      [](MonitorReport r) {
        return new PortFault(std::make_unique<ThrottleSpacing>(r, rtl::nic_device_description()),
                             [](uint64_t, DevicePorts& p) {
                               if (p.regs.wvalid && p.regs.wdata == 30) p.regs.wdata = 5000;
                             });
      },
      busy_traffic());
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v.front().rule, "THROTTLE_SPACING") << describe(v);
}

TEST(InterruptLiveness, FaultInjectedIntoRealTrafficIsReported) {
  // The monitor sees neither the NIC's MSI-X messages nor the driver acknowledging causes: the
  // causes the NIC reported look pending and unanswered.
  auto v = run_real_nic(
      [](MonitorReport r) {
        return new PortFault(
            std::make_unique<InterruptLiveness>(r, rtl::nic_device_description(), 100),
            [](uint64_t, DevicePorts& p) {
              if (InterruptView::is_message_address(p.dma.awaddr)) {
                p.dma.awaddr = 0x10;  // not in any ring, not a message
              }
              if (p.regs.awaddr == nic_regs::ICR) p.regs.awaddr = 0xFFC;
            });
      },
      busy_traffic());
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v.front().rule, "INTERRUPT_LIVENESS") << describe(v);
}

}  // namespace
}  // namespace nicsim::sim::testing
