// AxiMemorySlave: the NIC's DMA answered from HostMemory cycle by cycle, with latency, seeded
// back-pressure keyed by cycle, error responses outside grants, and MSI-X writes as messages.
#include "sim/axi_memory_slave.h"

#include <gtest/gtest.h>

#include <utility>
#include <vector>

#include "sim/interrupt_controller.h"

namespace nicsim::sim {
namespace {

class AxiMemorySlaveTest : public ::testing::Test {
 protected:
  AxiMemorySlaveTest() {
    memory_.set_reporter([this](Violation v) { violations_.push_back(std::move(v)); });
    base_ = memory_.allocate(8192, 4096);
  }
  AxiMemorySlave make(unsigned backpressure = 0, unsigned data_bits = 64) {
    MemoryConfig config;
    config.read_latency_cycles = 5;
    config.write_latency_cycles = 3;
    config.backpressure_percent = backpressure;
    return AxiMemorySlave(memory_, config, 42, InterruptController::kMsiBase,
                          InterruptController::kMsiSize, DeviceShape{.dma_data_bits = data_bits});
  }
  // One cycle: the slave drives, the edge performs the handshakes.
  static DevicePorts cycle(AxiMemorySlave& slave, uint64_t c, DevicePorts p) {
    slave.drive(c, p);
    slave.on_edge(c, p);
    return p;
  }

  // Offers one read burst and takes every beat; returns the R beats in order.
  static std::vector<DevicePorts> read_burst(AxiMemorySlave& slave, uint64_t address, unsigned len,
                                             unsigned size) {
    DevicePorts ar;
    ar.dma.arvalid = true;
    ar.dma.araddr = address;
    ar.dma.arlen = static_cast<uint8_t>(len);
    ar.dma.arsize = static_cast<uint8_t>(size);
    ar.dma.arburst = 1;
    EXPECT_TRUE(cycle(slave, 0, ar).dma.arready);
    std::vector<DevicePorts> beats;
    for (uint64_t c = 1; c < 40 && !slave.idle(); ++c) {
      DevicePorts p;
      p.dma.rready = true;
      p = cycle(slave, c, p);
      if (p.dma.rvalid) beats.push_back(p);
    }
    return beats;
  }
  // Writes one burst: AW, then one W beat per cycle; returns when its B was taken.
  static void write_burst(AxiMemorySlave& slave, uint64_t address, unsigned size,
                          const std::vector<std::pair<WideWord, uint64_t>>& beats) {
    DevicePorts aw;
    aw.dma.awvalid = true;
    aw.dma.awaddr = address;
    aw.dma.awlen = static_cast<uint8_t>(beats.size() - 1);
    aw.dma.awsize = static_cast<uint8_t>(size);
    aw.dma.awburst = 1;
    ASSERT_TRUE(cycle(slave, 0, aw).dma.awready);
    uint64_t c = 1;
    for (size_t i = 0; i < beats.size(); ++i, ++c) {
      DevicePorts w;
      w.dma.wvalid = true;
      w.dma.wdata = beats[i].first;
      w.dma.wstrb = beats[i].second;
      w.dma.wlast = i + 1 == beats.size();
      ASSERT_TRUE(cycle(slave, c, w).dma.wready);
    }
    for (; c < 40 && !slave.idle(); ++c) {
      DevicePorts b;
      b.dma.bready = true;
      cycle(slave, c, b);
    }
    EXPECT_TRUE(slave.idle());
  }
  static WideWord bytes_from(uint8_t first, unsigned count) {
    WideWord w;
    for (unsigned i = 0; i < count; ++i) w.set_byte(i, static_cast<uint8_t>(first + i));
    return w;
  }

  HostMemory memory_;
  std::vector<Violation> violations_;
  uint64_t base_ = 0;
};

TEST_F(AxiMemorySlaveTest, ReadBurstArrivesAfterTheLatencyWithRlastOnTheLastBeat) {
  memory_.grant(base_, 8192, "buffer");
  for (unsigned i = 0; i < 4; ++i) memory_.write64(base_ + 8 * i, 0x1111111111111111ull * (i + 1));
  AxiMemorySlave slave = make();
  DevicePorts ar;
  ar.dma.arvalid = true;
  ar.dma.araddr = base_;
  ar.dma.arlen = 3;
  ar.dma.arsize = 3;
  ar.dma.arburst = 1;
  EXPECT_TRUE(cycle(slave, 0, ar).dma.arready);
  std::vector<uint64_t> beats;
  uint64_t first_beat_cycle = 0;
  for (uint64_t c = 1; c < 20; ++c) {
    DevicePorts p;
    p.dma.rready = true;
    p = cycle(slave, c, p);
    if (p.dma.rvalid) {
      if (beats.empty()) first_beat_cycle = c;
      beats.push_back(p.dma.rdata.word(0));
      EXPECT_EQ(p.dma.rlast, beats.size() == 4);
      EXPECT_EQ(p.dma.rresp, 0);
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
  DevicePorts w;
  w.dma.awvalid = w.dma.wvalid = w.dma.wlast = true;
  w.dma.awaddr = base_;
  w.dma.awsize = 3;
  w.dma.awburst = 1;
  w.dma.wdata = WideWord::of(0);
  w.dma.wstrb = 0x0F;
  DevicePorts first = cycle(slave, 0, w);  // AW accepted; W waits for it
  ASSERT_TRUE(first.dma.awready);
  w.dma.awvalid = false;
  ASSERT_TRUE(cycle(slave, 1, w).dma.wready);
  EXPECT_EQ(memory_.read64(base_), 0xFFFFFFFF00000000ull);
  bool got_b = false;
  for (uint64_t c = 2; c < 10 && !got_b; ++c) {
    DevicePorts b;
    b.dma.bready = true;
    got_b = cycle(slave, c, b).dma.bvalid;
  }
  EXPECT_TRUE(got_b);
  EXPECT_TRUE(slave.idle());
}

TEST_F(AxiMemorySlaveTest, MessageWindowWritesAreMessagesNotData) {
  AxiMemorySlave slave = make();
  DevicePorts w;
  w.dma.awvalid = w.dma.wvalid = w.dma.wlast = true;
  w.dma.awaddr = InterruptController::msi_address(3) + 4;
  w.dma.awsize = 2;
  w.dma.awburst = 1;
  w.dma.wdata = WideWord::of(uint64_t{0x45} << 32);
  w.dma.wstrb = 0xF0;
  for (uint64_t c = 0; c < 10 && !slave.has_message(); ++c) {
    if (cycle(slave, c, w).dma.awready) w.dma.awvalid = false;  // W follows its AW
  }
  ASSERT_TRUE(slave.has_message());
  const auto messages = slave.take_messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].address, InterruptController::msi_address(3) + 4);
  EXPECT_EQ(messages[0].data, 0x45u);
  EXPECT_FALSE(slave.has_message());
  EXPECT_TRUE(violations_.empty());
  // Decoded here, so host memory never saw the write (it has no window of its own).
  EXPECT_EQ(memory_.refused_dma(), 0u);
  EXPECT_EQ(slave.bytes_written(), 0u);
  EXPECT_EQ(memory_.read64(InterruptController::msi_address(3)), 0u);
}

TEST_F(AxiMemorySlaveTest, UngrantedAccessIsReportedAndAnsweredWithSlverr) {
  AxiMemorySlave slave = make();
  DevicePorts ar;
  ar.dma.arvalid = true;
  ar.dma.araddr = base_;
  ar.dma.arsize = 3;
  ar.dma.arburst = 1;
  cycle(slave, 0, ar);
  uint8_t resp = 0;
  for (uint64_t c = 1; c < 20; ++c) {
    DevicePorts p;
    p.dma.rready = true;
    p = cycle(slave, c, p);
    if (p.dma.rvalid) resp = p.dma.rresp;
  }
  EXPECT_EQ(resp, 2);  // SLVERR
  ASSERT_EQ(violations_.size(), 1u);
  EXPECT_EQ(violations_[0].rule, "DMA_OUTSIDE_GRANT");
}

TEST_F(AxiMemorySlaveTest, OverFetchPastTheEndOfAGrantIsNotAViolation) {
  memory_.grant(base_, 61, "odd-length frame");  // the NIC reads whole 8-byte beats: 64 bytes
  AxiMemorySlave slave = make();
  DevicePorts ar;
  ar.dma.arvalid = true;
  ar.dma.araddr = base_;
  ar.dma.arlen = 7;
  ar.dma.arsize = 3;
  ar.dma.arburst = 1;
  cycle(slave, 0, ar);
  EXPECT_TRUE(violations_.empty());
}

TEST_F(AxiMemorySlaveTest, BackpressureDependsOnlyOnSeedAndCycle) {
  // Two slaves with different histories make the same ready decision in the same cycle.
  AxiMemorySlave a = make(50), b = make(50);
  DevicePorts offer;
  offer.dma.awvalid = true;
  offer.dma.awaddr = InterruptController::kMsiBase;
  for (uint64_t c = 0; c < 500; ++c) {  // b has seen other cycles before
    DevicePorts pb;
    pb.dma.arvalid = true;
    cycle(b, c, pb);
  }
  unsigned stalls = 0;
  for (uint64_t c = 1000; c < 1100; ++c) {
    DevicePorts pa = offer, pb = offer;
    a.drive(c, pa);
    b.drive(c, pb);
    EXPECT_EQ(pa.dma.awready, pb.dma.awready);
    stalls += !pa.dma.awready;
  }
  EXPECT_GT(stalls, 20u);
  EXPECT_LT(stalls, 80u);
}

// --- other data widths (a fake shape: no RTL needed) ---

TEST_F(AxiMemorySlaveTest, ReadBurstOf128BitBeatsCarriesSixteenBytesPerBeat) {
  memory_.grant(base_, 8192, "buffer");
  for (unsigned i = 0; i < 64; ++i) memory_.write32(base_ + 4 * i, 0x01010101u * i);
  AxiMemorySlave slave = make(0, 128);
  const auto beats = read_burst(slave, base_, 3, 4);
  ASSERT_EQ(beats.size(), 4u);
  for (unsigned i = 0; i < 4; ++i) {
    const WideWord& data = beats[i].dma.rdata;
    for (unsigned lane = 0; lane < 4; ++lane)
      EXPECT_EQ(data.lane32(lane), 0x01010101u * (4 * i + lane));
    EXPECT_EQ(data.word(2), 0u) << "nothing past the 128-bit beat";
    EXPECT_EQ(beats[i].dma.rlast, i == 3);
  }
  EXPECT_TRUE(violations_.empty());
}

TEST_F(AxiMemorySlaveTest, NarrowReadOnA128BitBusSitsOnTheLanesOfItsAddress) {
  memory_.grant(base_, 8192, "buffer");
  memory_.write32(base_ + 8, 0xCAFEF00D);
  AxiMemorySlave slave = make(0, 128);
  const auto beats = read_burst(slave, base_ + 8, 0, 2);
  ASSERT_EQ(beats.size(), 1u);
  EXPECT_EQ(beats[0].dma.rdata.lane32(2), 0xCAFEF00Du);
  EXPECT_EQ(beats[0].dma.rdata.word(0), 0u);
}

TEST_F(AxiMemorySlaveTest, WriteOf128BitBeatsHonoursEveryStrobe) {
  memory_.grant(base_, 8192, "buffer");
  for (unsigned i = 0; i < 4; ++i) memory_.write64(base_ + 8 * i, ~uint64_t{0});
  AxiMemorySlave slave = make(0, 128);
  write_burst(slave, base_, 4, {{bytes_from(0x10, 16), 0xFFFF}, {bytes_from(0x20, 16), 0xF00F}});
  EXPECT_EQ(memory_.read64(base_), 0x1716151413121110ull);
  EXPECT_EQ(memory_.read64(base_ + 8), 0x1F1E1D1C1B1A1918ull);
  EXPECT_EQ(memory_.read64(base_ + 16), 0xFFFFFFFF23222120ull);  // bytes 4..7 not strobed
  EXPECT_EQ(memory_.read64(base_ + 24), 0x2F2E2D2CFFFFFFFFull);  // bytes 8..11 not strobed
  EXPECT_EQ(slave.bytes_written(), 24u);
  EXPECT_TRUE(violations_.empty());
}

TEST_F(AxiMemorySlaveTest, MessageInTheHighLaneOfA128BitBeat) {
  AxiMemorySlave slave = make(0, 128);
  WideWord data;
  data.set_word(1, uint64_t{0x45} << 32);  // bytes 12..15
  write_burst(slave, InterruptController::msi_address(3) + 12, 2, {{data, 0xF000}});
  const auto messages = slave.take_messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].address, InterruptController::msi_address(3) + 12);
  EXPECT_EQ(messages[0].data, 0x45u);
  EXPECT_EQ(slave.bytes_written(), 0u) << "a message is not stored";
}

TEST_F(AxiMemorySlaveTest, ReadAndWriteOf32BitBeats) {
  memory_.grant(base_, 8192, "buffer");
  memory_.write64(base_, 0x4433221188776655ull);
  memory_.write64(base_ + 8, ~uint64_t{0});
  AxiMemorySlave slave = make(0, 32);
  const auto beats = read_burst(slave, base_, 1, 2);
  ASSERT_EQ(beats.size(), 2u);
  EXPECT_EQ(beats[0].dma.rdata.word(0), 0x88776655u) << "one 32-bit lane, nothing above it";
  EXPECT_EQ(beats[1].dma.rdata.word(0), 0x44332211u);
  EXPECT_EQ(slave.bytes_read(), 8u);
  // Strobes past the 4-byte beat do not exist on this bus: only the low 4 bits count.
  write_burst(slave, base_ + 8, 2,
              {{WideWord::of(0xAABBCCDD), 0xF}, {WideWord::of(0x00001122), 0xF3}});
  EXPECT_EQ(memory_.read64(base_ + 8), 0xFFFF1122AABBCCDDull);
  EXPECT_EQ(slave.bytes_written(), 6u);
}

}  // namespace
}  // namespace nicsim::sim
