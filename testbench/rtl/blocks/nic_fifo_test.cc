// nic_fifo alone (WIDTH 16, DEPTH 8): order, exact flags, and its overflow/underflow assertions.
#include <gtest/gtest.h>

#include <deque>

#include "Vnic_fifo.h"
#include "testbench/rtl/blocks/block_sim.h"

namespace nicsim::rtltest {
namespace {

constexpr size_t kDepth = 8;  // -GDEPTH in rtl/CMakeLists.txt

class FifoBench {
 public:
  FifoBench() { sim_.reset(); }
  BlockSim<Vnic_fifo>& sim() { return sim_; }

  // One cycle with the given push/pop; checks the flags and head against the model first.
  void step(bool push, uint16_t data, bool pop) {
    Vnic_fifo& d = sim_.dut();
    d.push = push;
    d.push_data = data;
    d.pop = pop;
    sim_.settle();
    check_outputs();
    if (pop && !model_.empty()) model_.pop_front();
    if (push) model_.push_back(data);
    sim_.edge();
    d.push = 0;
    d.pop = 0;
  }
  void check_outputs() {
    Vnic_fifo& d = sim_.dut();
    ASSERT_EQ(d.empty, model_.empty()) << "cycle " << sim_.cycle();
    ASSERT_EQ(d.full, model_.size() == kDepth) << "cycle " << sim_.cycle();
    if (!model_.empty()) {
      ASSERT_EQ(d.head, model_.front()) << "cycle " << sim_.cycle();
    }
  }
  size_t size() const { return model_.size(); }

 private:
  BlockSim<Vnic_fifo> sim_;
  std::deque<uint16_t> model_;
};

TEST(NicFifoBlock, OrderPreservedUnderRandomPushPop) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    FifoBench bench;
    Coin coin(seed);
    bool was_full = false, push_pop_while_full = false;
    // Phases that lean to filling and to draining, so both flags are reached many times.
    for (int phase = 0; phase < 40; ++phase) {
      const unsigned push_percent = phase % 2 ? 25 : 75;
      for (int i = 0; i < 50; ++i) {
        const bool full = bench.size() == kDepth;
        const bool pop = bench.size() > 0 && coin(100 - push_percent);
        // Push while full is legal only together with a pop.
        const bool push = coin(push_percent) && (!full || pop);
        was_full |= full;
        push_pop_while_full |= full && push && pop;
        bench.step(push, uint16_t(coin.uniform(0, 0xFFFF)), pop);
        if (testing::Test::HasFatalFailure()) return;
      }
    }
    EXPECT_TRUE(was_full);
    EXPECT_TRUE(push_pop_while_full);
    EXPECT_FALSE(bench.sim().assertion_failed());
  }
}

TEST(NicFifoBlock, FullAndEmptyFlagsExactAtEveryFillLevel) {
  FifoBench bench;
  bench.step(false, 0, false);
  for (size_t i = 0; i < kDepth; ++i) bench.step(true, uint16_t(0x100 + i), false);
  bench.check_outputs();
  EXPECT_TRUE(bench.sim().dut().full);
  for (size_t i = 0; i < kDepth; ++i) bench.step(false, 0, true);
  bench.check_outputs();
  EXPECT_TRUE(bench.sim().dut().empty);
  EXPECT_FALSE(bench.sim().assertion_failed());
}

TEST(NicFifoBlock, PushWhileFullFiresOverflowAssertion) {
  FifoBench bench;
  for (size_t i = 0; i < kDepth; ++i) bench.step(true, uint16_t(i), false);
  ASSERT_FALSE(bench.sim().assertion_failed()) << "filling to full is legal";
  Vnic_fifo& d = bench.sim().dut();
  const std::string output = CaptureAssertionOutput([&] {
    d.push = 1;
    d.push_data = 0xBAD;
    bench.sim().edge();
  });
  EXPECT_TRUE(bench.sim().assertion_failed());
  EXPECT_NE(output.find("nic_fifo overflow"), std::string::npos) << output;
}

TEST(NicFifoBlock, PopWhileEmptyFiresUnderflowAssertion) {
  FifoBench bench;
  bench.step(true, 1, false);
  bench.step(false, 0, true);
  ASSERT_FALSE(bench.sim().assertion_failed()) << "popping the last entry is legal";
  Vnic_fifo& d = bench.sim().dut();
  const std::string output = CaptureAssertionOutput([&] {
    d.pop = 1;
    bench.sim().edge();
  });
  EXPECT_TRUE(bench.sim().assertion_failed());
  EXPECT_NE(output.find("nic_fifo underflow"), std::string::npos) << output;
}

}  // namespace
}  // namespace nicsim::rtltest
