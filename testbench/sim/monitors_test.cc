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

void feed(CycleMonitor& monitor, const std::vector<PortSnapshot>& cycles, uint64_t first = 0) {
  for (size_t i = 0; i < cycles.size(); ++i) monitor.on_cycle(first + i, cycles[i]);
}

// A register write of value to offset on the AXI4-Lite pins, in one cycle.
PortSnapshot register_write(uint16_t offset, uint32_t value) {
  PortSnapshot p;
  p.s_axil_awvalid = p.s_axil_awready = true;
  p.s_axil_awaddr = offset;
  p.s_axil_wvalid = p.s_axil_wready = true;
  p.s_axil_wdata = value;
  p.s_axil_wstrb = 0xF;
  return p;
}

// A single-beat DMA write: AW and W in one cycle.
PortSnapshot dma_write(uint64_t address, uint64_t data, uint8_t strobes = 0xFF) {
  PortSnapshot p;
  p.m_axi_awvalid = p.m_axi_awready = true;
  p.m_axi_awaddr = address;
  p.m_axi_awsize = 3;
  p.m_axi_awburst = 1;
  p.m_axi_wvalid = p.m_axi_wready = p.m_axi_wlast = true;
  p.m_axi_wdata = data;
  p.m_axi_wstrb = strobes;
  return p;
}

PortSnapshot b_response() {
  PortSnapshot p;
  p.m_axi_bvalid = p.m_axi_bready = true;
  return p;
}

// Vector v's message (address msi_address(0), data 0x40 + v), as TestDriver programs it.
std::vector<PortSnapshot> program_vector(unsigned v, uint32_t itr) {
  return {register_write(nic_regs::MSIX_ADDR_LO(v),
                         static_cast<uint32_t>(InterruptController::msi_address(0))),
          register_write(nic_regs::MSIX_DATA(v), 0x40 + v),
          register_write(nic_regs::MSIX_VCTRL(v), 0), register_write(nic_regs::ITR(v), itr)};
}
PortSnapshot message(unsigned v) {
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
  using Fault = std::function<void(uint64_t cycle, PortSnapshot& ports)>;
  PortFault(std::unique_ptr<CycleMonitor> inner, Fault fault)
      : inner_(std::move(inner)), fault_(std::move(fault)) {}
  void on_cycle(uint64_t cycle, const PortSnapshot& ports) override {
    PortSnapshot faulty = ports;
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
  PortSnapshot stalled;
  stalled.s_axil_arvalid = true;
  stalled.s_axil_araddr = 0x10;
  feed(monitor, {stalled, PortSnapshot{}});
  ASSERT_EQ(c.count("AXI4LITE_VALID_DROPPED"), 1u) << describe(c.seen);
  EXPECT_EQ(c.seen[0].cycle, 1u);
  EXPECT_EQ(c.seen[0].object, "s_axil_arvalid");
}

TEST(Axi4LiteProtocol, FaultPayloadChangedWhileStalledIsReported) {
  Collector c;
  Axi4LiteProtocol monitor(c.report());
  PortSnapshot a;
  a.s_axil_rvalid = true;
  a.s_axil_rdata = 1;
  PortSnapshot b = a;
  b.s_axil_rdata = 2;
  b.s_axil_rready = true;
  feed(monitor, {a, b});
  EXPECT_EQ(c.count("AXI4LITE_PAYLOAD_CHANGED"), 1u) << describe(c.seen);
}

TEST(Axi4LiteProtocol, FaultResponseWithoutRequestIsReported) {
  Collector c;
  Axi4LiteProtocol monitor(c.report());
  PortSnapshot b;
  b.s_axil_bvalid = b.s_axil_bready = true;
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
  Axi4Protocol monitor(c.report());
  PortSnapshot stalled;
  stalled.m_axi_awvalid = true;
  stalled.m_axi_awaddr = 0x1000;
  stalled.m_axi_awburst = 1;
  stalled.m_axi_awsize = 3;
  feed(monitor, {stalled, PortSnapshot{}});
  EXPECT_EQ(c.count("AXI4_VALID_DROPPED"), 1u) << describe(c.seen);
}

TEST(Axi4Protocol, FaultPayloadChangedWhileStalledIsReported) {
  Collector c;
  Axi4Protocol monitor(c.report());
  PortSnapshot a;
  a.m_axi_wvalid = true;
  a.m_axi_wdata = 5;
  PortSnapshot b = a;
  b.m_axi_wdata = 6;
  feed(monitor, {a, b});
  EXPECT_EQ(c.count("AXI4_PAYLOAD_CHANGED"), 1u) << describe(c.seen);
}

TEST(Axi4Protocol, FaultBurstCrossingFourKilobytesIsReported) {
  Collector c;
  Axi4Protocol monitor(c.report());
  PortSnapshot ar;
  ar.m_axi_arvalid = ar.m_axi_arready = true;
  ar.m_axi_araddr = 0x1FF8;
  ar.m_axi_arlen = 1;  // two 8-byte beats: 0x1FF8 and 0x2000
  ar.m_axi_arsize = 3;
  ar.m_axi_arburst = 1;
  feed(monitor, {ar});
  EXPECT_EQ(c.count("AXI4_4K_CROSSING"), 1u) << describe(c.seen);
}

TEST(Axi4Protocol, FaultWrapBurstIsReported) {
  Collector c;
  Axi4Protocol monitor(c.report());
  PortSnapshot aw = dma_write(0x1000, 0);
  aw.m_axi_awburst = 2;  // WRAP
  feed(monitor, {aw});
  EXPECT_EQ(c.count("AXI4_BURST_TYPE"), 1u) << describe(c.seen);
}

TEST(Axi4Protocol, FaultEarlyWlastIsReported) {
  Collector c;
  Axi4Protocol monitor(c.report());
  PortSnapshot aw;
  aw.m_axi_awvalid = aw.m_axi_awready = true;
  aw.m_axi_awaddr = 0x1000;
  aw.m_axi_awlen = 3;  // four beats
  aw.m_axi_awsize = 3;
  aw.m_axi_awburst = 1;
  PortSnapshot w;
  w.m_axi_wvalid = w.m_axi_wready = true;
  w.m_axi_wstrb = 0xFF;
  PortSnapshot last = w;
  last.m_axi_wlast = true;
  feed(monitor, {aw, w, last});  // WLAST on beat 2 of 4
  EXPECT_EQ(c.count("AXI4_BEAT_COUNT"), 1u) << describe(c.seen);
}

TEST(Axi4Protocol, FaultMissingRlastIsReported) {
  Collector c;
  Axi4Protocol monitor(c.report());
  PortSnapshot ar;
  ar.m_axi_arvalid = ar.m_axi_arready = true;
  ar.m_axi_araddr = 0x1000;
  ar.m_axi_arsize = 3;
  ar.m_axi_arburst = 1;  // one beat
  PortSnapshot r;
  r.m_axi_rvalid = r.m_axi_rready = true;  // no RLAST on the only beat
  feed(monitor, {ar, r});
  EXPECT_EQ(c.count("AXI4_BEAT_COUNT"), 1u) << describe(c.seen);
}

TEST(Axi4Protocol, SilentOnTheRealNicUnderTraffic) {
  auto v = run_real_nic([](MonitorReport r) { return new Axi4Protocol(r); }, busy_traffic());
  EXPECT_TRUE(v.empty()) << describe(v);
}

// --- AXI4-Stream ---

TEST(AxiStreamProtocol, FaultValidDroppedBeforeReadyIsReported) {
  Collector c;
  AxiStreamProtocol monitor(c.report());
  PortSnapshot stalled;
  stalled.m_axis_tx_tvalid = true;
  stalled.m_axis_tx_tkeep = 0xFF;
  feed(monitor, {stalled, PortSnapshot{}});
  EXPECT_EQ(c.count("AXIS_VALID_DROPPED"), 1u) << describe(c.seen);
}

TEST(AxiStreamProtocol, FaultPayloadChangedWhileStalledIsReported) {
  Collector c;
  AxiStreamProtocol monitor(c.report());
  PortSnapshot a;
  a.s_axis_rx_tvalid = true;
  a.s_axis_rx_tkeep = 0xFF;
  PortSnapshot b = a;
  b.s_axis_rx_tlast = true;
  feed(monitor, {a, b});
  EXPECT_EQ(c.count("AXIS_PAYLOAD_CHANGED"), 1u) << describe(c.seen);
}

TEST(AxiStreamProtocol, FaultGapInTkeepAndPartialMiddleBeatAreReported) {
  Collector c;
  AxiStreamProtocol monitor(c.report());
  PortSnapshot gap;
  gap.m_axis_tx_tvalid = gap.m_axis_tx_tready = gap.m_axis_tx_tlast = true;
  gap.m_axis_tx_tkeep = 0x0B;
  PortSnapshot partial;
  partial.m_axis_tx_tvalid = partial.m_axis_tx_tready = true;
  partial.m_axis_tx_tkeep = 0x0F;  // not the last beat
  feed(monitor, {gap, partial});
  EXPECT_EQ(c.count("AXIS_TKEEP_GAP"), 1u) << describe(c.seen);
  EXPECT_EQ(c.count("AXIS_PARTIAL_BEAT"), 1u) << describe(c.seen);
}

TEST(AxiStreamProtocol, SilentOnTheRealNicUnderTraffic) {
  auto v = run_real_nic([](MonitorReport r) { return new AxiStreamProtocol(r); }, busy_traffic());
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
  PortSnapshot intx;
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
  ThrottleSpacing monitor(c.report(), 8);
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
  ThrottleSpacing monitor(c.report(), 8);
  auto cycles = program_vector(2, 100);
  cycles.push_back(message(2));
  cycles.resize(cycles.size() + 99);
  cycles.push_back(message(2));
  feed(monitor, cycles);
  EXPECT_TRUE(c.seen.empty()) << describe(c.seen);
}

TEST(ThrottleSpacing, SilentOnTheRealNicUnderTraffic) {
  auto v = run_real_nic([](MonitorReport r) { return new ThrottleSpacing(r, 8); }, busy_traffic());
  EXPECT_TRUE(v.empty()) << describe(v);
}

// --- INTERRUPT_LIVENESS ---

TEST(InterruptLiveness, FaultEnabledCauseWithoutInterruptIsReported) {
  Collector c;
  InterruptLiveness monitor(c.report(), 8, /*bound_cycles=*/50);
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
  InterruptLiveness monitor(c.report(), 8, 50);
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
  InterruptLiveness monitor(c.report(), 8, 50);
  auto cycles = program_vector(1, 0);
  cycles.push_back(register_write(nic_regs::ICS, 1u << 1));  // pending but not enabled in IMS
  cycles.resize(cycles.size() + 60);
  cycles.push_back(register_write(nic_regs::IMS, nic_regs::ICR_RXQ));
  cycles.push_back(message(1));  // enabled, and it fires in time
  cycles.resize(cycles.size() + 60);
  feed(monitor, cycles);
  EXPECT_TRUE(c.seen.empty()) << describe(c.seen);
}

TEST(InterruptLiveness, SilentOnTheRealNicUnderTraffic) {
  auto v = run_real_nic([](MonitorReport r) { return new InterruptLiveness(r, 8, 300); },
                        busy_traffic());
  EXPECT_TRUE(v.empty()) << describe(v);
}

TEST(InterruptLiveness, SilentOnTheRealNicInIntxMode) {
  Scenario s = busy_traffic();
  s.setup.intx = true;
  auto v = run_real_nic([](MonitorReport r) { return new InterruptLiveness(r, 8, 300); }, s);
  EXPECT_TRUE(v.empty()) << describe(v);
}

// --- faults injected into the real NIC's traffic ---

TEST(Axi4Protocol, FaultInjectedIntoRealTrafficIsReported) {
  // The first time the NIC's AWVALID stalls, the monitor sees it dropped in the next cycle.
  auto v = run_real_nic(
      [](MonitorReport r) {
        auto armed = std::make_shared<int>(0);
        return new PortFault(std::make_unique<Axi4Protocol>(r), [armed](uint64_t, PortSnapshot& p) {
          if (*armed == 1 && p.m_axi_awvalid) {
            p.m_axi_awvalid = false;
            *armed = 2;
          } else if (*armed == 0 && p.m_axi_awvalid && !p.m_axi_awready) {
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
                             [](uint64_t, PortSnapshot& p) { p.m_axi_bvalid = false; });
      },
      busy_traffic());
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v.front().rule, "IRQ_BEFORE_DATA") << describe(v);
}

TEST(ThrottleSpacing, FaultInjectedIntoRealTrafficIsReported) {
  // The monitor believes the driver programmed ITR = 5000 while the NIC throttles at 30.
  auto v = run_real_nic(
      [](MonitorReport r) {
        return new PortFault(std::make_unique<ThrottleSpacing>(r, 8),
                             [](uint64_t, PortSnapshot& p) {
                               if (p.s_axil_wvalid && p.s_axil_wdata == 30) p.s_axil_wdata = 5000;
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
        return new PortFault(std::make_unique<InterruptLiveness>(r, 8, 100),
                             [](uint64_t, PortSnapshot& p) {
                               if (InterruptView::is_message_address(p.m_axi_awaddr)) {
                                 p.m_axi_awaddr = 0x10;  // not in any ring, not a message
                               }
                               if (p.s_axil_awaddr == nic_regs::ICR) p.s_axil_awaddr = 0xFFC;
                             });
      },
      busy_traffic());
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v.front().rule, "INTERRUPT_LIVENESS") << describe(v);
}

}  // namespace
}  // namespace nicsim::sim::testing
