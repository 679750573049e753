// AxiLiteMaster against the real Verilated NIC (the platform's device, bound through the Device
// seam, DMA and link inputs idle): reads, writes, strobes, back-to-back transactions, and the
// MMIO bridge's BAR0 taken from the device's register address width.
#include "sim/axi_lite_master.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <vector>

#include "nic_regs.h"
#include "rtl/nic_device.h"
#include "sim/mmio_bridge.h"

namespace nicsim::sim {
namespace {

class NicLoop {
 public:
  NicLoop() : device_(rtl::make_nic_device()), master(device_->shape().reg_addr_bits) {}

  std::unique_ptr<Device> device_;
  AxiLiteMaster master;
  uint64_t cycle = 0;

  // One edge, as NicDomain::step does it for the register port.
  std::optional<AxiLiteCompletion> step() {
    device_->read_outputs(ports_);
    ports_.rst = cycle < 8;
    if (ports_.rst) {
      AxiLiteMaster::drive_idle(ports_.regs);
    } else {
      master.drive(ports_.regs);
    }
    device_->eval_edge(ports_, cycle * 4000);
    std::optional<AxiLiteCompletion> done;
    if (!ports_.rst) done = master.on_edge(ports_.regs);
    ++cycle;
    return done;
  }
  // Steps until the queue drains; each completion with the cycle of its edge.
  std::vector<std::pair<uint64_t, AxiLiteCompletion>> run(unsigned max_cycles = 1000) {
    std::vector<std::pair<uint64_t, AxiLiteCompletion>> done;
    for (unsigned i = 0; i < max_cycles && !master.idle(); ++i) {
      const uint64_t edge = cycle;
      if (auto c = step()) done.emplace_back(edge, *c);
    }
    EXPECT_TRUE(master.idle()) << "the NIC never answered";
    return done;
  }

 private:
  DevicePorts ports_;
};

TEST(AxiLiteMaster, ReadsTheNicIdentity) {
  NicLoop nic;
  const uint64_t id = nic.master.read(nic_regs::ID);
  const auto done = nic.run();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].second.id, id);
  EXPECT_FALSE(done[0].second.write);
  EXPECT_EQ(done[0].second.resp, AxiResp::kOkay);
  EXPECT_EQ(done[0].second.data, nic_regs::ID_RESET_VALUE);
}

TEST(AxiLiteMaster, WritesANicRegisterAndReadsItBack) {
  NicLoop nic;
  const uint32_t reg = nic_regs::MSIX_ADDR_LO(2);  // read/write, all 32 bits
  nic.master.write(reg, 0x11223344);
  nic.master.write(reg + 1, 0x0000AB00, 0x2);  // lane 1 only
  nic.master.read(reg);
  const auto done = nic.run();
  ASSERT_EQ(done.size(), 3u);
  EXPECT_TRUE(done[0].second.write);
  EXPECT_TRUE(done[0].second.ok());
  EXPECT_TRUE(done[1].second.ok());
  EXPECT_EQ(done[2].second.data, 0x1122AB44u);
}

TEST(AxiLiteMaster, BackToBackTransactionsCompleteInOrderWithoutGaps) {
  NicLoop nic;
  std::vector<uint64_t> ids;
  for (unsigned v = 0; v < 3; ++v) ids.push_back(nic.master.write(nic_regs::MSIX_DATA(v), 40 + v));
  for (unsigned v = 0; v < 3; ++v) ids.push_back(nic.master.read(nic_regs::MSIX_DATA(v)));
  EXPECT_EQ(nic.master.pending(), 6u);
  const auto done = nic.run();
  ASSERT_EQ(done.size(), 6u);
  for (size_t i = 0; i < done.size(); ++i) {
    EXPECT_EQ(done[i].second.id, ids[i]);
    EXPECT_TRUE(done[i].second.ok());
    // The NIC answers on the edge after the address: each transaction takes two edges, and the
    // next one is on the pins right after the previous response.
    if (i > 0) {
      EXPECT_EQ(done[i].first, done[i - 1].first + 2) << "transaction " << i;
    }
  }
  for (unsigned v = 0; v < 3; ++v) EXPECT_EQ(done[3 + v].second.data, 40 + v);
}

TEST(AxiLiteMaster, RequestsQueuedDuringResetWaitForIt) {
  NicLoop nic;
  nic.master.read(nic_regs::ID);
  const auto done = nic.run();
  ASSERT_EQ(done.size(), 1u);
  EXPECT_EQ(done[0].first, 9u);  // AR on edge 8, the first out of reset; R on edge 9
}

TEST(MmioBridge, Bar0FollowsTheDeviceRegisterAddressWidth) {
  EXPECT_EQ(MmioBridge(DeviceShape{.reg_addr_bits = 16}).bar_bytes(), 64u * 1024);
  EXPECT_EQ(MmioBridge(DeviceShape{.reg_addr_bits = 20}).bar_bytes(), 1024u * 1024);
  // MmioPort offsets are 32 bits: a wider address still gives 4 GiB.
  EXPECT_EQ(MmioBridge(DeviceShape{.reg_addr_bits = 64}).bar_bytes(), uint64_t{1} << 32);
  EXPECT_EQ(MmioBridge(rtl::make_nic_device()->shape()).bar_bytes(), 64u * 1024);
}

}  // namespace
}  // namespace nicsim::sim
