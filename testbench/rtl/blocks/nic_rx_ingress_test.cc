// nic_rx_ingress alone: frames in on AXI-Stream with random tvalid gaps and a randomly slow
// reader; runts, oversize and tuser-bad frames dropped and counted by reason, good ones whole.
#include <gtest/gtest.h>

#include <deque>
#include <vector>

#include "Vnic_rx_ingress.h"
#include "nic_regs.h"
#include "testbench/rtl/blocks/block_sim.h"

namespace nicsim::rtltest {
namespace {

struct Frame {
  std::vector<uint8_t> bytes;
  bool bad = false;  // tuser on the last beat
};

struct DropCounts {
  unsigned runt = 0, oversize = 0, bad = 0;
  bool operator==(const DropCounts&) const = default;
};

class IngressBench {
 public:
  IngressBench(uint64_t seed, unsigned valid_percent, unsigned read_percent)
      : coin_(seed), valid_percent_(valid_percent), read_percent_(read_percent) {
    sim_.reset();
  }
  Frame make(size_t len, bool bad = false) {
    Frame frame{std::vector<uint8_t>(len), bad};
    for (uint8_t& byte : frame.bytes) byte = uint8_t(coin_.uniform(0, 255));
    return frame;
  }
  // Queues a frame and the outcome the first matching drop rule gives it.
  void send(Frame frame) {
    const size_t len = frame.bytes.size();
    if (frame.bad) {
      ++expected_drops_.bad;
    } else if (len > nic_regs::kMaxFrame) {
      ++expected_drops_.oversize;
    } else if (len < nic_regs::kMinFrame) {
      ++expected_drops_.runt;
    } else {
      expected_good_.push_back(frame.bytes);
    }
    in_.push_back(std::move(frame));
  }
  bool run(uint64_t max_cycles = 300000) {
    for (uint64_t i = 0; i < max_cycles; ++i) {
      if (in_.empty() && !reading_ && !sim_.dut().frame_valid) return true;
      step();
      if (testing::Test::HasFatalFailure()) return false;
    }
    return false;
  }
  const std::vector<std::vector<uint8_t>>& received() const { return received_; }
  const std::vector<std::vector<uint8_t>>& expected_good() const { return expected_good_; }
  const DropCounts& drops() const { return drops_; }
  const DropCounts& expected_drops() const { return expected_drops_; }
  BlockSim<Vnic_rx_ingress>& sim() { return sim_; }

 private:
  void step() {
    Vnic_rx_ingress& d = sim_.dut();
    // Source: a beat once offered stays until taken (AXI-Stream).
    if (!offered_ && !in_.empty() && coin_(valid_percent_)) offered_ = true;
    d.tvalid = offered_;
    if (offered_) {
      const Frame& frame = in_.front();
      uint64_t data = 0;
      uint8_t keep = 0;
      for (size_t i = 0; i < 8 && offset_ + i < frame.bytes.size(); ++i) {
        data |= uint64_t{frame.bytes[offset_ + i]} << (8 * i);
        keep |= uint8_t(1u << i);
      }
      const bool last = offset_ + 8 >= frame.bytes.size();
      d.tdata = data;
      d.tkeep = keep;
      d.tlast = last;
      d.tuser = last && frame.bad;
    }
    // Reader: take a committed frame's length, then its beats at a random pace.
    d.frame_pop = 0;
    d.beat_pop = 0;
    sim_.settle();
    if (!reading_ && d.frame_valid && coin_(read_percent_)) {
      reading_ = true;
      current_len_ = d.frame_len;
      beats_left_ = d.frame_beats;
      EXPECT_EQ(beats_left_, (current_len_ + 7) / 8u);
      current_.clear();
      d.frame_pop = 1;
    } else if (reading_ && coin_(read_percent_)) {
      for (unsigned i = 0; i < 8; ++i) current_.push_back(uint8_t(d.beat_data >> (8 * i)));
      d.beat_pop = 1;
      if (--beats_left_ == 0) {
        current_.resize(current_len_);
        received_.push_back(current_);
        reading_ = false;
      }
    }
    sim_.settle();
    drops_.runt += d.drop_runt;
    drops_.oversize += d.drop_oversize;
    drops_.bad += d.drop_bad;
    if (d.tvalid && d.tready) {
      offered_ = false;
      offset_ += 8;
      if (offset_ >= in_.front().bytes.size()) {
        in_.pop_front();
        offset_ = 0;
      }
    }
    sim_.edge();
  }

  BlockSim<Vnic_rx_ingress> sim_;
  Coin coin_;
  unsigned valid_percent_, read_percent_;
  std::deque<Frame> in_;
  size_t offset_ = 0;
  bool offered_ = false;
  bool reading_ = false;
  unsigned current_len_ = 0, beats_left_ = 0;
  std::vector<uint8_t> current_;
  std::vector<std::vector<uint8_t>> received_, expected_good_;
  DropCounts drops_, expected_drops_;
};

TEST(NicRxIngressBlock, GoodFramesPassWholeUnderRandomGaps) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    IngressBench bench(seed, 60, seed == 3 ? 15 : 70);  // seed 3: the reader lags, the FIFO fills
    Coin sizes(seed + 100);
    for (size_t len : {size_t{60}, size_t{61}, size_t{64}, size_t{1517}, size_t{1518}}) {
      bench.send(bench.make(len));
    }
    for (int i = 0; i < 60; ++i) bench.send(bench.make(sizes.uniform(60, 1518)));
    ASSERT_TRUE(bench.run());
    EXPECT_EQ(bench.received(), bench.expected_good());
    EXPECT_EQ(bench.drops(), DropCounts{});
    EXPECT_TRUE(bench.sim().dut().idle);
    EXPECT_FALSE(bench.sim().assertion_failed());
  }
}

TEST(NicRxIngressBlock, RuntOversizeAndBadDroppedAndCountedByReason) {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    IngressBench bench(seed, 70, 50);
    Coin kinds(seed + 200);
    // Edges first: the shortest good, the longest runt, the longest good, the shortest oversize,
    // one past 192 beats (swallowed, never stored), and bad frames of good and of bad lengths.
    bench.send(bench.make(59));
    bench.send(bench.make(60));
    bench.send(bench.make(1));
    bench.send(bench.make(1519));
    bench.send(bench.make(1518));
    bench.send(bench.make(3000));
    bench.send(bench.make(100, true));
    bench.send(bench.make(20, true));
    bench.send(bench.make(2000, true));
    for (int i = 0; i < 80; ++i) {
      switch (kinds.uniform(0, 3)) {
        case 0:
          bench.send(bench.make(kinds.uniform(1, 59)));
          break;
        case 1:
          bench.send(bench.make(kinds.uniform(1519, 2600)));
          break;
        case 2:
          bench.send(bench.make(kinds.uniform(1, 2000), true));
          break;
        default:
          bench.send(bench.make(kinds.uniform(60, 1518)));
      }
    }
    ASSERT_TRUE(bench.run());
    EXPECT_EQ(bench.received(), bench.expected_good()) << "good frames whole, nothing of a drop";
    EXPECT_EQ(bench.drops().runt, bench.expected_drops().runt);
    EXPECT_EQ(bench.drops().oversize, bench.expected_drops().oversize);
    EXPECT_EQ(bench.drops().bad, bench.expected_drops().bad);
    EXPECT_FALSE(bench.sim().assertion_failed());
  }
}

TEST(NicRxIngressBlock, BeatPopWithNothingStoredFiresUnderflowAssertion) {
  IngressBench bench(1, 100, 100);
  bench.send(bench.make(64));
  ASSERT_TRUE(bench.run());
  ASSERT_EQ(bench.received().size(), 1u);
  ASSERT_FALSE(bench.sim().assertion_failed()) << "reading what was stored is legal";
  Vnic_rx_ingress& d = bench.sim().dut();
  const std::string output = CaptureAssertionOutput([&] {
    d.beat_pop = 1;
    bench.sim().edge();
  });
  EXPECT_TRUE(bench.sim().assertion_failed());
  EXPECT_NE(output.find("RX FIFO underflow"), std::string::npos) << output;
}

}  // namespace
}  // namespace nicsim::rtltest
