// nic_csr alone (NUM_QUEUES 2, 3 vectors) over its AXI4-Lite port with random valid delays and
// ready back-pressure: reset values, read/write of every register, W1C/W1S/RO, unmapped reads 0.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "Vnic_csr.h"
#include "nic_regs.h"
#include "testbench/rtl/blocks/block_sim.h"

namespace nicsim::rtltest {
namespace {

namespace r = nic_regs;
constexpr unsigned kQueues = 2;  // -GNUM_QUEUES in rtl/CMakeLists.txt
constexpr unsigned kVectors = kQueues + 1;

struct Register {
  std::string name;
  uint32_t addr;
  uint32_t reset;
  uint32_t writable;  // bits a write changes; 0: read-only
};

// Every register of this build with its reset value and writable bits (ICS/IMC/ICR/IMS and
// CTRL.RESET, which have side effects, are tested apart).
std::vector<Register> Registers() {
  std::vector<Register> regs = {
      {"ID", r::ID, r::ID_RESET_VALUE, 0},
      {"CAPS", r::CAPS, kQueues | kVectors << r::CAPS_NUM_VECTORS_SHIFT, 0},
      {"CTRL", r::CTRL, r::CTRL_RESET_VALUE, r::CTRL_EN | r::CTRL_LOOPBACK | r::CTRL_INTX_MODE},
      {"STATUS", r::STATUS, r::STATUS_LINK_UP, 0},
      {"STAT_TX_FRAMES", r::STAT_TX_FRAMES, 0, 0},
      {"STAT_RX_FRAMES", r::STAT_RX_FRAMES, 0, 0},
      {"STAT_RX_RUNT", r::STAT_RX_RUNT, 0, 0},
      {"STAT_RX_OVERSIZE", r::STAT_RX_OVERSIZE, 0, 0},
      {"STAT_RX_BAD", r::STAT_RX_BAD, 0, 0},
      {"STAT_RX_NO_DESC", r::STAT_RX_NO_DESC, 0, 0},
      {"STAT_TX_BAD_LEN", r::STAT_TX_BAD_LEN, 0, 0},
      {"PBA", r::PBA, r::PBA_RESET_VALUE, 0},
      {"RSS_QUEUES", r::RSS_QUEUES, kQueues, r::RSS_QUEUES_COUNT},
  };
  for (unsigned v = 0; v < kVectors; ++v) {
    const std::string n = "[" + std::to_string(v) + "]";
    regs.push_back({"ITR" + n, r::ITR(v), r::ITR_RESET_VALUE, r::ITR_INTERVAL});
    regs.push_back({"MSIX_ADDR_LO" + n, r::MSIX_ADDR_LO(v), 0, 0xFFFFFFFF});
    regs.push_back({"MSIX_ADDR_HI" + n, r::MSIX_ADDR_HI(v), 0, 0xFFFFFFFF});
    regs.push_back({"MSIX_DATA" + n, r::MSIX_DATA(v), 0, 0xFFFFFFFF});
    regs.push_back(
        {"MSIX_VCTRL" + n, r::MSIX_VCTRL(v), r::MSIX_VCTRL_RESET_VALUE, r::MSIX_VCTRL_MASK});
  }
  for (unsigned q = 0; q < kQueues; ++q) {
    const std::string n = "[" + std::to_string(q) + "]";
    // SIZE before TAIL: writing SIZE resets HEAD and TAIL.
    regs.push_back({"TX_BASE_LO" + n, r::TX_BASE_LO(q), 0, 0xFFFFFFFF});
    regs.push_back({"TX_BASE_HI" + n, r::TX_BASE_HI(q), 0, 0xFFFFFFFF});
    regs.push_back({"TX_SIZE" + n, r::TX_SIZE(q), 0, 0xFFFF});
    regs.push_back({"TX_HEAD" + n, r::TX_HEAD(q), 0, 0});
    regs.push_back({"TX_TAIL" + n, r::TX_TAIL(q), 0, 0xFFFF});
    regs.push_back({"RX_BASE_LO" + n, r::RX_BASE_LO(q), 0, 0xFFFFFFFF});
    regs.push_back({"RX_BASE_HI" + n, r::RX_BASE_HI(q), 0, 0xFFFFFFFF});
    regs.push_back({"RX_SIZE" + n, r::RX_SIZE(q), 0, 0xFFFF});
    regs.push_back({"RX_HEAD" + n, r::RX_HEAD(q), 0, 0});
    regs.push_back({"RX_TAIL" + n, r::RX_TAIL(q), 0, 0xFFFF});
  }
  return regs;
}

uint32_t StrobeMask(uint8_t strb) {
  uint32_t mask = 0;
  for (unsigned i = 0; i < 4; ++i) {
    if (strb >> i & 1) mask |= 0xFFu << (8 * i);
  }
  return mask;
}

// AXI4-Lite master with random VALID delays and READY back-pressure.
class CsrBench {
 public:
  explicit CsrBench(uint64_t seed = 1) : coin_(seed) { sim_.reset(); }
  Vnic_csr& dut() { return sim_.dut(); }
  BlockSim<Vnic_csr>& sim() { return sim_; }

  void write(uint32_t addr, uint32_t data, uint8_t strb = 0xF) {
    Vnic_csr& d = sim_.dut();
    d.s_axil_awaddr = uint16_t(addr);
    d.s_axil_wdata = data;
    d.s_axil_wstrb = strb;
    bool aw = false, w = false, done = false;
    for (int i = 0; i < 1000 && !done; ++i) {
      // AW and W come up independently and, once up, stay up until the handshake.
      aw = aw || coin_(50);
      w = w || coin_(50);
      d.s_axil_awvalid = aw;
      d.s_axil_wvalid = w;
      d.s_axil_bready = coin_(60);
      sim_.settle();
      if (aw && d.s_axil_awready) {
        ASSERT_TRUE(w && d.s_axil_wready) << "AW and W are taken together";
        aw = w = false;
      }
      if (d.s_axil_bvalid && d.s_axil_bready) {
        EXPECT_EQ(d.s_axil_bresp, 0);
        done = true;
      }
      sim_.edge();
      d.s_axil_awvalid = d.s_axil_wvalid = 0;
      d.s_axil_bready = 0;
    }
    ASSERT_TRUE(done) << "write of " << addr << " hung";
  }

  uint32_t read(uint32_t addr) {
    Vnic_csr& d = sim_.dut();
    d.s_axil_araddr = uint16_t(addr);
    bool ar = false, offered = false;
    uint32_t data = 0, first_offer = 0;
    for (int i = 0; i < 1000; ++i) {
      ar = ar || coin_(50);
      d.s_axil_arvalid = ar;
      d.s_axil_rready = coin_(60);
      sim_.settle();
      if (ar && d.s_axil_arready) ar = false;
      if (d.s_axil_rvalid) {
        // The payload stays put from the first offer until the handshake.
        if (!offered) first_offer = d.s_axil_rdata;
        offered = true;
        EXPECT_EQ(d.s_axil_rdata, first_offer) << "R changed before ready";
        if (d.s_axil_rready) {
          EXPECT_EQ(d.s_axil_rresp, 0);
          data = d.s_axil_rdata;
          sim_.edge();
          d.s_axil_arvalid = d.s_axil_rready = 0;
          return data;
        }
      }
      sim_.edge();
      d.s_axil_arvalid = d.s_axil_rready = 0;
    }
    ADD_FAILURE() << "read of " << addr << " hung";
    return 0xDEADBEEF;
  }
  void idle(unsigned cycles) {
    for (unsigned i = 0; i < cycles; ++i) sim_.edge();
  }
  // Holds an input for exactly one edge.
  template <class Set>
  void pulse(Set set) {
    set(true);
    sim_.edge();
    set(false);
    sim_.settle();
  }
  Coin& coin() { return coin_; }

 private:
  BlockSim<Vnic_csr> sim_;
  Coin coin_;
};

TEST(NicCsrBlock, ResetValuesOfEveryRegister) {
  CsrBench bench;
  for (const Register& reg : Registers()) {
    EXPECT_EQ(bench.read(reg.addr), reg.reset) << reg.name;
  }
  EXPECT_EQ(bench.read(r::ICR), r::ICR_RESET_VALUE);
  EXPECT_EQ(bench.read(r::IMS), r::IMS_RESET_VALUE);
  EXPECT_EQ(bench.read(r::ICS), 0u) << "write-only reads 0";
  EXPECT_EQ(bench.read(r::IMC), 0u) << "write-only reads 0";
  EXPECT_FALSE(bench.sim().assertion_failed());
}

TEST(NicCsrBlock, ReadWriteOfEveryRegisterWithByteStrobes) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    CsrBench bench(seed);
    const std::vector<Register> regs = Registers();
    std::map<uint32_t, uint32_t> expected;
    for (const Register& reg : regs) expected[reg.addr] = reg.reset;
    for (int round = 0; round < 3; ++round) {
      for (const Register& reg : regs) {
        uint32_t value = uint32_t(bench.coin().uniform(0, 0xFFFFFFFF));
        if (reg.addr == r::CTRL) value &= ~r::CTRL_RESET;  // soft reset tested apart
        const uint8_t strb = round == 0 ? 0xF : uint8_t(bench.coin().uniform(0, 0xF));
        bench.write(reg.addr, value, strb);
        const uint32_t changed = reg.writable & StrobeMask(strb);
        expected[reg.addr] = (expected[reg.addr] & ~changed) | (value & changed);
        // A SIZE write resets the ring's HEAD and TAIL.
        for (unsigned q = 0; q < kQueues; ++q) {
          if (reg.addr == r::TX_SIZE(q)) expected[r::TX_TAIL(q)] = 0;
          if (reg.addr == r::RX_SIZE(q)) expected[r::RX_TAIL(q)] = 0;
        }
        EXPECT_EQ(bench.read(reg.addr), expected[reg.addr]) << reg.name;
      }
      // Nothing written later disturbed an earlier register.
      for (const Register& reg : regs) {
        EXPECT_EQ(bench.read(reg.addr), expected[reg.addr]) << reg.name << " after all writes";
      }
    }
    EXPECT_FALSE(bench.dut().reset_pending) << "CTRL.RESET was never written";
    EXPECT_FALSE(bench.sim().assertion_failed());
  }
}

TEST(NicCsrBlock, CauseRegistersW1cW1sAndWriteOnly) {
  CsrBench bench;
  Vnic_csr& d = bench.dut();
  bench.pulse([&](bool on) { d.cause_set = on ? (1u << 0 | 1u << 9 | r::ICR_LINK) : 0; });
  EXPECT_EQ(bench.read(r::ICR), 1u << 0 | 1u << 9 | r::ICR_LINK) << "hardware sets causes";
  bench.write(r::ICR, 1u << 9 | 1u << 3);  // W1C: clears only the written ones; 0s keep
  EXPECT_EQ(bench.read(r::ICR), 1u << 0 | r::ICR_LINK);
  bench.write(r::ICS, r::ICR_DMA_ERR | 1u << 1);  // W1S through ICS
  EXPECT_EQ(bench.read(r::ICR), 1u << 0 | 1u << 1 | r::ICR_LINK | r::ICR_DMA_ERR);
  EXPECT_EQ(d.icr, 1u << 0 | 1u << 1 | r::ICR_LINK | r::ICR_DMA_ERR);
  bench.write(r::ICR, 0xFFFFFFFF);
  EXPECT_EQ(bench.read(r::ICR), 0u);

  bench.write(r::IMS, 0x5);
  bench.write(r::IMS, 0x30000);  // W1S: adds
  EXPECT_EQ(bench.read(r::IMS), 0x30005u);
  bench.write(r::IMC, 0x10004);  // clears only the written ones
  EXPECT_EQ(bench.read(r::IMS), 0x20001u);
  EXPECT_EQ(d.ims, 0x20001u);
  bench.write(r::IMS, 0xFFFFFFFF);
  EXPECT_EQ(bench.read(r::IMS), r::IMS_CAUSE) << "only the 19 cause bits exist";
  EXPECT_EQ(bench.read(r::ICS), 0u);
  EXPECT_EQ(bench.read(r::IMC), 0u);

  // Strobes apply to W1C too: a write with no strobe for byte 2 leaves LINK (bit 16) alone.
  bench.write(r::ICS, r::ICR_LINK | 0xFF);
  bench.write(r::ICR, 0xFFFFFFFF, 0b0011);
  EXPECT_EQ(bench.read(r::ICR), r::ICR_LINK);
  EXPECT_FALSE(bench.sim().assertion_failed());
}

TEST(NicCsrBlock, ReadOnlyRegistersFollowHardwareAndIgnoreWrites) {
  CsrBench bench;
  Vnic_csr& d = bench.dut();
  const uint32_t stats[] = {r::STAT_TX_FRAMES,   r::STAT_RX_FRAMES, r::STAT_RX_RUNT,
                            r::STAT_RX_OVERSIZE, r::STAT_RX_BAD,    r::STAT_RX_NO_DESC,
                            r::STAT_TX_BAD_LEN,  r::STAT_DMA_ERR};
  for (unsigned i = 0; i < 8; ++i) {
    for (unsigned n = 0; n <= i; ++n) {
      bench.pulse([&](bool on) { d.stat_inc = on ? 1u << i : 0; });
    }
  }
  for (unsigned i = 0; i < 8; ++i) {
    bench.write(stats[i], 0xFFFF);
    EXPECT_EQ(bench.read(stats[i]), i + 1) << "statistic " << i;
  }
  d.busy = 1;
  d.pba = 0b101;
  EXPECT_EQ(bench.read(r::STATUS), r::STATUS_LINK_UP | r::STATUS_BUSY);
  EXPECT_EQ(bench.read(r::PBA), 0b101u);
  for (uint32_t addr : {r::ID, r::CAPS, r::STATUS, r::PBA}) bench.write(addr, 0);
  EXPECT_EQ(bench.read(r::ID), r::ID_RESET_VALUE);
  EXPECT_EQ(bench.read(r::CAPS), kQueues | kVectors << 8);
  EXPECT_EQ(bench.read(r::PBA), 0b101u);
  EXPECT_FALSE(bench.sim().assertion_failed());
}

TEST(NicCsrBlock, UnmappedReadsZeroAndWritesChangeNothing) {
  CsrBench bench(7);
  const std::vector<Register> regs = Registers();
  std::set<uint32_t> mapped = {r::ICR, r::ICS, r::IMS, r::IMC};
  for (const Register& reg : regs) {
    mapped.insert(reg.addr);
    bench.write(reg.addr, 0);  // everything 0 but the fixed values
  }
  std::map<uint32_t, uint32_t> before;
  for (const Register& reg : regs) before[reg.addr] = bench.read(reg.addr);
  // Vectors and queues beyond this build's parameters are unmapped too.
  std::vector<uint32_t> unmapped = {r::ITR(kVectors), r::MSIX_DATA(kVectors), r::TX_TAIL(kQueues),
                                    r::RX_BASE_LO(r::kMaxQueues - 1), 0xFFFC};
  while (unmapped.size() < 60) {
    const uint32_t addr = uint32_t(bench.coin().uniform(0, 0xFFFF)) & ~3u;
    if (!mapped.count(addr)) unmapped.push_back(addr);
  }
  for (uint32_t addr : unmapped) {
    bench.write(addr, 0xFFFFFFFF);
    EXPECT_EQ(bench.read(addr), 0u) << "address " << addr;
  }
  for (const Register& reg : regs) EXPECT_EQ(bench.read(reg.addr), before[reg.addr]) << reg.name;
  EXPECT_EQ(bench.read(r::ICR), 0u);
  EXPECT_EQ(bench.read(r::IMS), 0u);
  EXPECT_FALSE(bench.sim().assertion_failed());
}

TEST(NicCsrBlock, HeadAdvancesUpToTailAndWraps) {
  CsrBench bench;
  Vnic_csr& d = bench.dut();
  bench.write(r::TX_SIZE(1), 4);
  bench.write(r::TX_TAIL(1), 3);
  for (int i = 0; i < 3; ++i) bench.pulse([&](bool on) { d.tx_head_advance = on ? 0b10 : 0; });
  EXPECT_EQ(bench.read(r::TX_HEAD(1)), 3u);
  EXPECT_EQ(bench.read(r::TX_HEAD(0)), 0u) << "the other queue did not move";
  bench.write(r::TX_TAIL(1), 1);
  for (int i = 0; i < 2; ++i) bench.pulse([&](bool on) { d.tx_head_advance = on ? 0b10 : 0; });
  EXPECT_EQ(bench.read(r::TX_HEAD(1)), 1u) << "3 -> 0 -> 1 around a 4-entry ring";
  bench.write(r::TX_SIZE(1), 8);
  EXPECT_EQ(bench.read(r::TX_HEAD(1)), 0u) << "a SIZE write resets HEAD";
  EXPECT_EQ(bench.read(r::TX_TAIL(1)), 0u) << "and TAIL";
  bench.write(r::RX_SIZE(0), 2);
  bench.write(r::RX_TAIL(0), 1);
  bench.pulse([&](bool on) { d.rx_head_advance = on ? 0b01 : 0; });
  EXPECT_EQ(bench.read(r::RX_HEAD(0)), 1u);
  EXPECT_FALSE(bench.sim().assertion_failed());
}

TEST(NicCsrBlock, SoftResetWaitsForAllowedAndKeepsCtrl) {
  CsrBench bench;
  Vnic_csr& d = bench.dut();
  bench.write(r::IMS, 0x7);
  bench.write(r::ITR(2), 99);
  bench.write(r::TX_BASE_LO(0), 0x1000);
  bench.write(r::CTRL, r::CTRL_EN | r::CTRL_LOOPBACK | r::CTRL_RESET);
  EXPECT_TRUE(d.reset_pending);
  bench.idle(20);
  EXPECT_FALSE(d.soft_rst) << "held while reset_allowed is low";
  EXPECT_EQ(bench.read(r::ITR(2)), 99u);
  d.reset_allowed = 1;
  bool pulsed = false;
  for (int i = 0; i < 5; ++i) {
    bench.sim().settle();
    pulsed |= d.soft_rst;
    bench.sim().edge();
  }
  d.reset_allowed = 0;
  EXPECT_TRUE(pulsed);
  EXPECT_FALSE(d.reset_pending);
  EXPECT_EQ(bench.read(r::CTRL), r::CTRL_EN | r::CTRL_LOOPBACK) << "CTRL kept, RESET reads 0";
  EXPECT_EQ(bench.read(r::IMS), 0u);
  EXPECT_EQ(bench.read(r::ITR(2)), 0u);
  EXPECT_EQ(bench.read(r::TX_BASE_LO(0)), 0u);
  EXPECT_EQ(bench.read(r::MSIX_VCTRL(0)), r::MSIX_VCTRL_RESET_VALUE);
  EXPECT_FALSE(bench.sim().assertion_failed());
}

TEST(NicCsrBlock, HeadPassingTailFiresAssertion) {
  CsrBench bench;
  Vnic_csr& d = bench.dut();
  bench.write(r::RX_SIZE(1), 4);
  bench.write(r::RX_TAIL(1), 1);
  bench.pulse([&](bool on) { d.rx_head_advance = on ? 0b10 : 0; });
  ASSERT_FALSE(bench.sim().assertion_failed()) << "advancing up to the tail is legal";
  const std::string output = CaptureAssertionOutput(
      [&] { bench.pulse([&](bool on) { d.rx_head_advance = on ? 0b10 : 0; }); });
  EXPECT_TRUE(bench.sim().assertion_failed());
  EXPECT_NE(output.find("RX head would pass its tail"), std::string::npos) << output;
  EXPECT_EQ(bench.read(r::RX_HEAD(1)), 1u) << "the head stays at the tail";
}

}  // namespace
}  // namespace nicsim::rtltest
