// MmioBridge at every width against the real Verilated NIC: a 1- or 2-byte access is one
// AXI4-Lite transaction with its byte address, its data on its lanes and only those lanes in
// WSTRB; a read takes its lanes of RDATA. Misaligned accesses are refused before the pins.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "host_test_util.h"
#include "nic_test_bench.h"

namespace nicsim::sim::testing {
namespace {

void run_for_ns(uint64_t ns) {
  sc_core::sc_start(sc_core::sc_time(static_cast<double>(ns), sc_core::SC_NS));
}

struct WriteBeats : CycleMonitor {
  struct Beat {
    uint16_t awaddr;
    uint32_t wdata;
    uint8_t wstrb;
  };
  void on_cycle(uint64_t, const DevicePorts& ports) override {
    const AxiLitePorts& p = ports.regs;
    if (p.awvalid && p.awready) address = static_cast<uint16_t>(p.awaddr);
    if (p.wvalid && p.wready) beats.push_back({address, p.wdata, p.wstrb});
  }
  uint16_t address = 0;
  std::vector<Beat> beats;
};

TEST(MmioLanes, SubWordWritesChangeOnlyTheirLanesOfANicRegister) {
  NicBench bench(NicDomainConfig{});
  WriteBeats beats;
  bench.nic->add_monitor(&beats);
  bench.nic->add_standard_monitors(rtl::nic_device_description());
  const uint32_t reg = nic_regs::MSIX_ADDR_LO(2);  // read/write, all 32 bits
  uint32_t word = 0, lane3 = 0, upper = 0, lower = 0;
  bool done = false;
  spawn_driver([&] {
    auto& mmio = bench.nic->mmio();
    mmio.write32(reg, 0x11223344);
    mmio.write(reg + 1, 1, 0xAB);    // lane 1
    mmio.write(reg + 2, 2, 0xC0DE);  // lanes 2 and 3
    word = mmio.read32(reg);
    lane3 = mmio.read(reg + 3, 1);
    upper = mmio.read(reg + 2, 2);
    lower = mmio.read(reg, 2);
    done = true;
  });
  run_for_ns(20'000);
  ASSERT_TRUE(done);
  EXPECT_EQ(word, 0xC0DEAB44u);
  EXPECT_EQ(lane3, 0xC0u);
  EXPECT_EQ(upper, 0xC0DEu);
  EXPECT_EQ(lower, 0xAB44u);
  ASSERT_EQ(beats.beats.size(), 3u);
  EXPECT_EQ(beats.beats[0].wstrb, 0xF);
  EXPECT_EQ(beats.beats[1].awaddr, reg + 1);
  EXPECT_EQ(beats.beats[1].wstrb, 0x2);
  EXPECT_EQ(beats.beats[1].wdata, 0x0000AB00u);
  EXPECT_EQ(beats.beats[2].awaddr, reg + 2);
  EXPECT_EQ(beats.beats[2].wstrb, 0xC);
  EXPECT_EQ(beats.beats[2].wdata, 0xC0DE0000u);
  EXPECT_TRUE(bench.log.empty());
}

TEST(MmioLanes, MisalignedOrOddSizedAccessesNeverReachThePins) {
  NicBench bench(NicDomainConfig{});
  std::vector<std::string> refused;
  spawn_driver([&] {
    auto& mmio = bench.nic->mmio();
    for (auto [offset, bytes] :
         {std::pair{0x101u, 2u}, std::pair{0x102u, 4u}, std::pair{0x100u, 3u}}) {
      try {
        mmio.write(offset, bytes, 0);
      } catch (const std::invalid_argument& e) {
        refused.push_back(e.what());
      }
    }
  });
  run_for_ns(1'000);
  EXPECT_EQ(refused.size(), 3u);
  EXPECT_EQ(bench.nic->stats().mmio_transactions, 0u);
}

// BAR0 is what the NIC's 16-bit register address reaches: its last word goes to the pins, the
// first byte past it is refused.
TEST(MmioLanes, Bar0EndsWhereTheRegisterAddressEnds) {
  NicBench bench(NicDomainConfig{});
  WriteBeats beats;
  bench.nic->add_monitor(&beats);
  bool refused = false, done = false;
  spawn_driver([&] {
    auto& mmio = bench.nic->mmio();
    mmio.write32(0xFFFC, 0);
    try {
      mmio.write(0x10000, 1, 0);
    } catch (const std::invalid_argument&) {
      refused = true;
    }
    done = true;
  });
  run_for_ns(2'000);
  ASSERT_TRUE(done);
  EXPECT_TRUE(refused);
  ASSERT_EQ(beats.beats.size(), 1u);
  EXPECT_EQ(beats.beats[0].awaddr, 0xFFFC);
  EXPECT_EQ(bench.nic->stats().mmio_transactions, 1u);
}

}  // namespace
}  // namespace nicsim::sim::testing
