// The device seam's pieces: WideWord byte access, and VerilatedDevice binding the reference NIC
// (registers read through its AXI4-Lite pins) and a stand-in top at other widths.
#include "sim/verilated_device.h"

#include <gtest/gtest.h>

#include <array>

#include "Vnic_sim_top.h"
#include "fake_verilated_top.h"
#include "nic_regs.h"

namespace nicsim::sim {
namespace {

using nicsim::testing::FakeVerilatedTop;
using nicsim::testing::NotAPort;

TEST(WideWord, BytesAreLittleEndianAcrossItsWords) {
  WideWord w;
  w.set_byte(0, 0x11);
  w.set_byte(7, 0x88);
  w.set_byte(8, 0x99);
  w.set_byte(63, 0xFF);
  EXPECT_EQ(w.word(0), 0x8800000000000011ull);
  EXPECT_EQ(w.word(1), 0x99u);
  EXPECT_EQ(w.word(7), 0xFF00000000000000ull);
  EXPECT_EQ(w.byte(63), 0xFF);
  EXPECT_EQ(w.lane32(0), 0x11u);
  EXPECT_EQ(w.lane32(1), 0x88000000u);
  const std::array<uint8_t, 3> bytes = {1, 2, 3};
  w.set_bytes(30, bytes);
  std::array<uint8_t, 4> out{};
  w.get_bytes(29, out);
  EXPECT_EQ(out, (std::array<uint8_t, 4>{0, 1, 2, 3}));
  EXPECT_EQ(w.word(3), 0x0201000000000000ull);  // bytes 30 and 31 end word 3
  EXPECT_EQ(w.word(4), 3u);
}

TEST(WideWord, EqualityAndClearCoverEveryByte) {
  WideWord a = WideWord::of(0x1234), b = WideWord::of(0x1234);
  EXPECT_EQ(a, b);
  b.set_byte(63, 1);  // the last byte of a 512-bit word
  EXPECT_NE(a, b);
  EXPECT_FALSE(b.is_zero());
  b.clear(16);  // a 128-bit port's bytes only
  EXPECT_EQ(b.byte(63), 1);
  EXPECT_EQ(b.word(0), 0u);
  b.clear();
  EXPECT_TRUE(b.is_zero());
  EXPECT_EQ(byte_mask(4), 0xFu);
  EXPECT_EQ(byte_mask(64), ~uint64_t{0});
}

// Runs edges with the given inputs until the condition holds on the sampled ports.
template <class Done>
DevicePorts run_until(Device& device, DevicePorts inputs, uint64_t& cycle, Done done) {
  for (unsigned i = 0; i < 100; ++i) {
    DevicePorts p = inputs;
    device.read_outputs(p);
    device.eval_edge(p, cycle * 4000);
    ++cycle;
    if (done(p)) return p;
  }
  ADD_FAILURE() << "condition not reached in 100 edges";
  return {};
}

TEST(VerilatedDevice, ReferenceNicShapeComesFromItsPortTypes) {
  VerilatedDevice<Vnic_sim_top> device;
  const DeviceShape& shape = device.shape();
  EXPECT_EQ(shape.reg_addr_bits, 16u);
  EXPECT_EQ(shape.dma_data_bits, 64u);
  EXPECT_EQ(shape.stream_data_bits, 64u);
  EXPECT_TRUE(shape.has_quiescent);
  const auto probes = device.host_probes();
  ASSERT_TRUE(probes.has_value());
  EXPECT_EQ(probes->cpu_irql.size(), 16u);    // 64 CPUs x 8 bits
  EXPECT_EQ(probes->cpu_context.size(), 6u);  // 64 CPUs x 3 bits
  EXPECT_EQ(probes->lock_owner.size(), 4u);   // 16 locks x 8 bits
}

TEST(VerilatedDevice, RegisterReadThroughAxiLiteReturnsTheIdRegister) {
  VerilatedDevice<Vnic_sim_top> device;
  uint64_t cycle = 0;
  DevicePorts reset;
  reset.rst = true;
  for (int i = 0; i < 8; ++i)
    run_until(device, reset, cycle, [](const DevicePorts&) { return true; });
  DevicePorts read;
  read.regs.araddr = nic_regs::ID;
  read.regs.arvalid = true;
  read.regs.rready = true;
  run_until(device, read, cycle, [](const DevicePorts& p) { return p.regs.arready; });
  read.regs.arvalid = false;
  const DevicePorts answer =
      run_until(device, read, cycle, [](const DevicePorts& p) { return p.regs.rvalid; });
  EXPECT_EQ(answer.regs.rdata, nic_regs::ID_RESET_VALUE);
  EXPECT_EQ(answer.regs.rresp, 0);
  EXPECT_FALSE(answer.intx);
}

using Top128 = FakeVerilatedTop<VlWide<4>, IData, SData, CData>;

TEST(VerilatedDevice, BindsATopWith128BitDmaAnd32BitStreams) {
  VerilatedDevice<Top128> device;
  EXPECT_EQ(device.shape().dma_data_bits, 128u);
  EXPECT_EQ(device.shape().stream_data_bits, 32u);
  EXPECT_FALSE(device.shape().has_quiescent);
  EXPECT_FALSE(device.host_probes().has_value()) << "no host_* inputs: no host rows";

  DevicePorts p;
  for (unsigned i = 0; i < 16; ++i) p.dma.rdata.set_byte(i, static_cast<uint8_t>(0xA0 + i));
  p.rx.tdata = WideWord::of(0x11223344);
  p.rx.tkeep = 0xF;
  p.rx.tvalid = p.rx.tuser = true;
  device.eval_edge(p, 0);
  EXPECT_FALSE(p.dma.wdata == p.dma.rdata) << "the edge's sample precedes the echo";
  device.read_outputs(p);
  EXPECT_EQ(p.dma.wdata, p.dma.rdata) << "all 16 bytes crossed, nothing past them";
  EXPECT_EQ(p.dma.wdata.word(2), 0u);
  EXPECT_EQ(p.tx.tdata, WideWord::of(0x11223344));
  EXPECT_EQ(p.tx.tkeep, 0xFu);
  EXPECT_TRUE(p.tx.tvalid);
  EXPECT_TRUE(device.intx());
  EXPECT_FALSE(p.quiescent) << "a device without the port is never quiescent";
}

TEST(VerilatedDevice, BindsATopWith512BitData) {
  VerilatedDevice<FakeVerilatedTop<VlWide<16>, VlWide<16>, QData, QData>> device;
  EXPECT_EQ(device.shape().dma_data_bits, 512u);
  EXPECT_EQ(device.shape().stream_data_bits, 512u);
  DevicePorts p;
  p.rx.tdata.set_byte(63, 0x5A);
  p.rx.tkeep = ~uint64_t{0};
  p.dma.rdata.set_byte(62, 0xA5);
  device.eval_edge(p, 0);
  device.read_outputs(p);
  EXPECT_EQ(p.tx.tdata.byte(63), 0x5A);
  EXPECT_EQ(p.tx.tkeep, ~uint64_t{0});
  EXPECT_EQ(p.dma.wdata.byte(62), 0xA5);
}

}  // namespace
}  // namespace nicsim::sim
