// AxiMemorySlave: the NIC's DMA answered from HostMemory cycle by cycle, with latency, seeded
// back-pressure keyed by cycle, error responses outside grants, and MSI-X writes as messages.
#include "sim/axi_memory_slave.h"

#include <gtest/gtest.h>

#include "sim/interrupt_controller.h"

namespace nicsim::sim {
namespace {

class AxiMemorySlaveTest : public ::testing::Test {
 protected:
  AxiMemorySlaveTest() {
    memory_.set_reporter([this](Violation v) { violations_.push_back(std::move(v)); });
    base_ = memory_.allocate(8192, 4096);
  }
  AxiMemorySlave make(unsigned backpressure = 0) {
    MemoryConfig config;
    config.read_latency_cycles = 5;
    config.write_latency_cycles = 3;
    config.backpressure_percent = backpressure;
    return AxiMemorySlave(memory_, config, 42, InterruptController::kMsiBase,
                          InterruptController::kMsiSize);
  }
  // One cycle: the slave drives, the edge performs the handshakes.
  static PortSnapshot cycle(AxiMemorySlave& slave, uint64_t c, PortSnapshot p) {
    slave.drive(c, p);
    slave.on_edge(c, p);
    return p;
  }

  HostMemory memory_;
  std::vector<Violation> violations_;
  uint64_t base_ = 0;
};

TEST_F(AxiMemorySlaveTest, ReadBurstArrivesAfterTheLatencyWithRlastOnTheLastBeat) {
  memory_.grant(base_, 8192, "buffer");
  for (unsigned i = 0; i < 4; ++i) memory_.write64(base_ + 8 * i, 0x1111111111111111ull * (i + 1));
  AxiMemorySlave slave = make();
  PortSnapshot ar;
  ar.m_axi_arvalid = true;
  ar.m_axi_araddr = base_;
  ar.m_axi_arlen = 3;
  ar.m_axi_arsize = 3;
  ar.m_axi_arburst = 1;
  EXPECT_TRUE(cycle(slave, 0, ar).m_axi_arready);
  std::vector<uint64_t> beats;
  uint64_t first_beat_cycle = 0;
  for (uint64_t c = 1; c < 20; ++c) {
    PortSnapshot p;
    p.m_axi_rready = true;
    p = cycle(slave, c, p);
    if (p.m_axi_rvalid) {
      if (beats.empty()) first_beat_cycle = c;
      beats.push_back(p.m_axi_rdata);
      EXPECT_EQ(p.m_axi_rlast, beats.size() == 4);
      EXPECT_EQ(p.m_axi_rresp, 0);
    }
  }
  ASSERT_EQ(beats.size(), 4u);
  EXPECT_EQ(first_beat_cycle, 5u);
  EXPECT_EQ(beats[3], 0x4444444444444444ull);
  EXPECT_TRUE(slave.idle());
}

TEST_F(AxiMemorySlaveTest, WriteStrobesUpdateOnlyTheEnabledBytes) {
  memory_.grant(base_, 8192, "buffer");
  memory_.write64(base_, 0xFFFFFFFFFFFFFFFFull);
  AxiMemorySlave slave = make();
  PortSnapshot w;
  w.m_axi_awvalid = w.m_axi_wvalid = w.m_axi_wlast = true;
  w.m_axi_awaddr = base_;
  w.m_axi_awsize = 3;
  w.m_axi_awburst = 1;
  w.m_axi_wdata = 0;
  w.m_axi_wstrb = 0x0F;
  PortSnapshot first = cycle(slave, 0, w);  // AW accepted; W waits for it
  ASSERT_TRUE(first.m_axi_awready);
  w.m_axi_awvalid = false;
  ASSERT_TRUE(cycle(slave, 1, w).m_axi_wready);
  EXPECT_EQ(memory_.read64(base_), 0xFFFFFFFF00000000ull);
  bool got_b = false;
  for (uint64_t c = 2; c < 10 && !got_b; ++c) {
    PortSnapshot b;
    b.m_axi_bready = true;
    got_b = cycle(slave, c, b).m_axi_bvalid;
  }
  EXPECT_TRUE(got_b);
  EXPECT_TRUE(slave.idle());
}

TEST_F(AxiMemorySlaveTest, MessageWindowWritesAreMessagesNotData) {
  AxiMemorySlave slave = make();
  PortSnapshot w;
  w.m_axi_awvalid = w.m_axi_wvalid = w.m_axi_wlast = true;
  w.m_axi_awaddr = InterruptController::msi_address(3) + 4;
  w.m_axi_awsize = 2;
  w.m_axi_awburst = 1;
  w.m_axi_wdata = uint64_t{0x45} << 32;
  w.m_axi_wstrb = 0xF0;
  for (uint64_t c = 0; c < 10 && !slave.has_message(); ++c) {
    if (cycle(slave, c, w).m_axi_awready) w.m_axi_awvalid = false;  // W follows its AW
  }
  ASSERT_TRUE(slave.has_message());
  const auto messages = slave.take_messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].address, InterruptController::msi_address(3) + 4);
  EXPECT_EQ(messages[0].data, 0x45u);
  EXPECT_FALSE(slave.has_message());
  EXPECT_TRUE(violations_.empty());
}

TEST_F(AxiMemorySlaveTest, UngrantedAccessIsReportedAndAnsweredWithSlverr) {
  AxiMemorySlave slave = make();
  PortSnapshot ar;
  ar.m_axi_arvalid = true;
  ar.m_axi_araddr = base_;
  ar.m_axi_arsize = 3;
  ar.m_axi_arburst = 1;
  cycle(slave, 0, ar);
  uint8_t resp = 0;
  for (uint64_t c = 1; c < 20; ++c) {
    PortSnapshot p;
    p.m_axi_rready = true;
    p = cycle(slave, c, p);
    if (p.m_axi_rvalid) resp = p.m_axi_rresp;
  }
  EXPECT_EQ(resp, 2);  // SLVERR
  ASSERT_EQ(violations_.size(), 1u);
  EXPECT_EQ(violations_[0].rule, "DMA_OUTSIDE_GRANT");
}

TEST_F(AxiMemorySlaveTest, OverFetchPastTheEndOfAGrantIsNotAViolation) {
  memory_.grant(base_, 61, "odd-length frame");  // the NIC reads whole 8-byte beats: 64 bytes
  AxiMemorySlave slave = make();
  PortSnapshot ar;
  ar.m_axi_arvalid = true;
  ar.m_axi_araddr = base_;
  ar.m_axi_arlen = 7;
  ar.m_axi_arsize = 3;
  ar.m_axi_arburst = 1;
  cycle(slave, 0, ar);
  EXPECT_TRUE(violations_.empty());
}

TEST_F(AxiMemorySlaveTest, BackpressureDependsOnlyOnSeedAndCycle) {
  // Two slaves with different histories make the same ready decision in the same cycle.
  AxiMemorySlave a = make(50), b = make(50);
  PortSnapshot offer;
  offer.m_axi_awvalid = true;
  offer.m_axi_awaddr = InterruptController::kMsiBase;
  for (uint64_t c = 0; c < 500; ++c) {  // b has seen other cycles before
    PortSnapshot pb;
    pb.m_axi_arvalid = true;
    cycle(b, c, pb);
  }
  unsigned stalls = 0;
  for (uint64_t c = 1000; c < 1100; ++c) {
    PortSnapshot pa = offer, pb = offer;
    a.drive(c, pa);
    b.drive(c, pb);
    EXPECT_EQ(pa.m_axi_awready, pb.m_axi_awready);
    stalls += !pa.m_axi_awready;
  }
  EXPECT_GT(stalls, 20u);
  EXPECT_LT(stalls, 80u);
}

}  // namespace
}  // namespace nicsim::sim
