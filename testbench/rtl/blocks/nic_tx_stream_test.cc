// nic_tx_stream alone: a buffered frame streams out byte-exact, zero-padded to 60 bytes, under
// random tready; writing the buffer while streaming fires its assertion.
#include <gtest/gtest.h>

#include <vector>

#include "Vnic_tx_stream.h"
#include "nic_regs.h"
#include "testbench/rtl/blocks/block_sim.h"

namespace nicsim::rtltest {
namespace {

class TxStreamBench {
 public:
  explicit TxStreamBench(uint64_t seed) : coin_(seed) { sim_.reset(); }
  BlockSim<Vnic_tx_stream>& sim() { return sim_; }
  Coin& coin() { return coin_; }

  void load(const std::vector<uint8_t>& bytes) {
    Vnic_tx_stream& d = sim_.dut();
    for (size_t beat = 0; beat * 8 < bytes.size(); ++beat) {
      uint64_t word = 0;
      for (size_t i = 0; i < 8 && beat * 8 + i < bytes.size(); ++i) {
        word |= uint64_t{bytes[beat * 8 + i]} << (8 * i);
      }
      d.buf_we = 1;
      d.buf_waddr = uint8_t(beat);
      d.buf_wdata = word | (bytes.size() < beat * 8 + 8 ? ~0ull << (8 * (bytes.size() % 8)) : 0);
      sim_.edge();
    }
    d.buf_we = 0;
  }
  // Starts the frame and collects it; the sent pulse must come once, with the last beat.
  std::vector<uint8_t> stream(uint16_t len, unsigned ready_percent) {
    Vnic_tx_stream& d = sim_.dut();
    d.start = 1;
    d.start_len = len;
    sim_.edge();
    d.start = 0;
    std::vector<uint8_t> out;
    unsigned sent = 0;
    for (int i = 0; i < 10000; ++i) {
      d.tready = coin_(ready_percent);
      sim_.settle();
      if (!d.busy) break;
      EXPECT_TRUE(d.tvalid);
      if (d.sent) ++sent;
      if (d.tvalid && d.tready) {
        EXPECT_EQ(bool(d.sent), bool(d.tlast));
        // tkeep is contiguous from bit 0, and full on every beat but the last.
        EXPECT_EQ(d.tkeep & (d.tkeep + 1), 0) << "tkeep " << int(d.tkeep);
        if (!d.tlast) {
          EXPECT_EQ(d.tkeep, 0xFF);
        }
        for (unsigned b = 0; b < 8; ++b) {
          if (d.tkeep >> b & 1) out.push_back(uint8_t(d.tdata >> (8 * b)));
        }
      }
      sim_.edge();
    }
    EXPECT_EQ(sent, 1u);
    return out;
  }

 private:
  BlockSim<Vnic_tx_stream> sim_;
  Coin coin_;
};

TEST(NicTxStreamBlock, FramesByteExactAndPaddedUnderRandomReady) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    TxStreamBench bench(seed);
    std::vector<size_t> lengths = {1, 7, 8, 59, 60, 61, 1517, 1518};
    for (int i = 0; i < 20; ++i) lengths.push_back(bench.coin().uniform(1, 1518));
    for (size_t len : lengths) {
      SCOPED_TRACE("length " + std::to_string(len));
      std::vector<uint8_t> bytes(len);
      for (uint8_t& byte : bytes) byte = uint8_t(bench.coin().uniform(1, 255));
      bench.load(bytes);
      std::vector<uint8_t> expected = bytes;
      if (expected.size() < nic_regs::kMinFrame) expected.resize(nic_regs::kMinFrame, 0);
      EXPECT_EQ(bench.stream(uint16_t(len), 50), expected);
    }
    EXPECT_FALSE(bench.sim().assertion_failed());
  }
}

TEST(NicTxStreamBlock, BufferWriteWhileStreamingFiresAssertion) {
  TxStreamBench bench(1);
  bench.load(std::vector<uint8_t>(200, 0x11));
  Vnic_tx_stream& d = bench.sim().dut();
  d.start = 1;
  d.start_len = 200;
  d.tready = 0;
  bench.sim().edge();
  d.start = 0;
  ASSERT_FALSE(bench.sim().assertion_failed()) << "loading while idle is legal";
  const std::string output = CaptureAssertionOutput([&] {
    d.buf_we = 1;
    d.buf_waddr = 3;
    bench.sim().edge();
  });
  EXPECT_TRUE(bench.sim().assertion_failed());
  EXPECT_NE(output.find("TX buffer written while streaming"), std::string::npos) << output;
}

}  // namespace
}  // namespace nicsim::rtltest
