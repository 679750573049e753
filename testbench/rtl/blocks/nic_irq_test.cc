// nic_irq alone (NUM_QUEUES 2, vectors 0..2): MSI-X and INTx timing in exact cycles.
//
// Cycle convention: inputs set at cycle c are sampled by the edge that ends cycle c; outputs
// observed at cycle c are those after c edges. A cause presented at cycle c is pending after one
// edge and picked (dma_req) after the next, so dma_req shows at c + 2. A message whose dma_done
// is presented at cycle d loads the vector's throttle timer with ITR at that edge; it runs ITR
// edges, then the pick takes one more, so the vector's next dma_req shows at d + ITR + 2.
#include <gtest/gtest.h>

#include <vector>

#include "Vnic_irq.h"
#include "nic_regs.h"
#include "sim/interrupt_controller.h"
#include "testbench/rtl/blocks/block_sim.h"

namespace nicsim::rtltest {
namespace {

constexpr unsigned kVectors = 3;  // NUM_QUEUES + 1
constexpr uint32_t kAllCauses = 0x7FFFF;

struct Message {
  uint64_t req_cycle;
  uint64_t addr;
  uint32_t data;
  uint64_t done_cycle = 0;
};

uint64_t VectorAddr(unsigned v) {
  return sim::InterruptController::kMsiBase + 0x10 * v + 0x1000'0000'0000ull;
}
uint32_t VectorData(unsigned v) { return 0xC0DE0000u | v; }

class IrqBench {
 public:
  IrqBench() {
    Vnic_irq& d = sim_.dut();
    d.dma_idle = 1;
    for (unsigned v = 0; v < kVectors; ++v) {
      d.msix_addr[2 * v] = uint32_t(VectorAddr(v));
      d.msix_addr[2 * v + 1] = uint32_t(VectorAddr(v) >> 32);
      d.msix_data[v] = VectorData(v);
    }
    d.msix_mask = 0;
    d.ims = kAllCauses;
    sim_.reset();
  }
  Vnic_irq& dut() { return sim_.dut(); }
  BlockSim<Vnic_irq>& sim() { return sim_; }
  uint64_t cycle() const { return sim_.cycle(); }
  const std::vector<Message>& messages() const { return messages_; }
  std::vector<uint64_t>& intx_rises() { return intx_rises_; }

  void set_itr(unsigned v, uint16_t cycles) {
    uint64_t& itr = sim_.dut().itr;
    itr = (itr & ~(uint64_t{0xFFFF} << (16 * v))) | (uint64_t{cycles} << (16 * v));
  }
  // Cycles the modelled DMA takes from dma_req to ack, and from ack to done.
  void set_dma_delays(unsigned ack, unsigned done) { ack_delay_ = ack, done_delay_ = done; }

  // One cycle: observe, answer the DMA request, edge.
  void step() {
    Vnic_irq& d = sim_.dut();
    d.dma_ack = 0;
    d.dma_done = 0;
    sim_.settle();
    if (d.intx && !intx_prev_) intx_rises_.push_back(sim_.cycle());
    intx_prev_ = d.intx;
    switch (dma_) {
      case Dma::kIdle:
        if (d.dma_req) {
          messages_.push_back({sim_.cycle(), d.dma_addr, uint32_t(d.dma_wdata)});
          EXPECT_EQ(d.dma_wdata >> 32, d.dma_wdata & 0xFFFFFFFF) << "data in both halves";
          wait_ = ack_delay_;
          dma_ = Dma::kAck;
        }
        break;
      case Dma::kAck:
        break;
      case Dma::kDone:
        break;
    }
    if (dma_ == Dma::kAck) {
      if (wait_ == 0) {
        d.dma_ack = 1;
        wait_ = done_delay_;
        dma_ = Dma::kDone;
      } else {
        --wait_;
      }
    } else if (dma_ == Dma::kDone) {
      EXPECT_FALSE(d.dma_req) << "request held after ack, cycle " << sim_.cycle();
      if (wait_ == 0) {
        d.dma_done = 1;
        messages_.back().done_cycle = sim_.cycle();
        dma_ = Dma::kIdle;
      } else {
        --wait_;
      }
    }
    sim_.settle();
    sim_.edge();
  }
  void run(unsigned cycles) {
    for (unsigned i = 0; i < cycles; ++i) step();
  }
  bool dma_busy() const { return dma_ != Dma::kIdle; }

 private:
  enum class Dma { kIdle, kAck, kDone };
  BlockSim<Vnic_irq> sim_;
  Dma dma_ = Dma::kIdle;
  unsigned ack_delay_ = 0, done_delay_ = 1, wait_ = 0;
  std::vector<Message> messages_;
  std::vector<uint64_t> intx_rises_;
  bool intx_prev_ = false;
};

TEST(NicIrqBlock, MessageTwoCyclesAfterCauseToItsVector) {
  IrqBench bench;
  // RXQ1 -> vector 1, TXQ0 -> vector 0, LINK -> vector 2 (the link and error vector).
  const struct {
    uint32_t cause;
    unsigned vector;
  } cases[] = {{1u << 1, 1}, {1u << 8, 0}, {nic_regs::ICR_LINK, 2}, {nic_regs::ICR_DMA_ERR, 2}};
  for (const auto& c : cases) {
    SCOPED_TRACE("cause " + std::to_string(c.cause));
    const size_t before = bench.messages().size();
    const uint64_t raised = bench.cycle();
    bench.dut().icr = c.cause;
    bench.run(12);
    ASSERT_EQ(bench.messages().size(), before + 1);
    const Message& m = bench.messages().back();
    EXPECT_EQ(m.req_cycle, raised + 2);
    EXPECT_EQ(m.addr, VectorAddr(c.vector));
    EXPECT_EQ(m.data, VectorData(c.vector));
    bench.dut().icr = 0;
    bench.run(4);
  }
  EXPECT_FALSE(bench.sim().assertion_failed());
}

TEST(NicIrqBlock, OneMessagePerRisingPendingAndEnabled) {
  IrqBench bench;
  Vnic_irq& d = bench.dut();
  d.icr = 1;  // RXQ0 held high
  bench.run(200);
  EXPECT_EQ(bench.messages().size(), 1u) << "a held cause sends once";
  d.icr = 1 | 1u << 8;  // a second cause of the same vector while the first is still set
  bench.run(50);
  EXPECT_EQ(bench.messages().size(), 1u) << "the vector's condition never fell";
  d.ims = kAllCauses & ~1u & ~(1u << 8);  // IMC: the vector's condition falls...
  bench.run(5);
  EXPECT_EQ(bench.messages().size(), 1u);
  d.ims = kAllCauses;  // ...and rises again through IMS
  bench.run(50);
  EXPECT_EQ(bench.messages().size(), 2u);
  d.icr = 0;  // cleared by software...
  bench.run(5);
  d.icr = 1u << 8;  // ...and raised again by hardware
  bench.run(50);
  EXPECT_EQ(bench.messages().size(), 3u);
  for (const Message& m : bench.messages()) EXPECT_EQ(m.addr, VectorAddr(0));
  EXPECT_FALSE(bench.sim().assertion_failed());
}

TEST(NicIrqBlock, ThrottleHoldsVectorItrCyclesAfterCompletion) {
  for (uint16_t itr : {0, 1, 5, 37, 300}) {
    SCOPED_TRACE("ITR " + std::to_string(itr));
    IrqBench bench;
    bench.set_itr(0, itr);
    bench.set_dma_delays(3, 4);
    Vnic_irq& d = bench.dut();
    for (int round = 0; round < 4; ++round) {
      d.icr = 1;
      bench.run(3);
      d.icr = 0;  // the cause falls and rises again at once: due while throttled
      bench.run(1);
      d.icr = 1;
      while (bench.dma_busy() || bench.messages().size() < size_t(2 * round + 2)) bench.step();
      bench.run(itr + 10);
      d.icr = 0;
      bench.run(2);
    }
    const auto& m = bench.messages();
    ASSERT_EQ(m.size(), 8u);
    for (size_t i = 1; i < m.size(); i += 2) {
      EXPECT_EQ(m[i].req_cycle, m[i - 1].done_cycle + itr + 2) << "message " << i;
    }
    EXPECT_FALSE(bench.sim().assertion_failed());
  }
}

TEST(NicIrqBlock, ThrottleIsPerVector) {
  IrqBench bench;
  bench.set_itr(0, 500);
  Vnic_irq& d = bench.dut();
  d.icr = 1;  // vector 0
  while (bench.messages().empty() || bench.dma_busy()) bench.step();
  const uint64_t raised = bench.cycle();
  d.icr = 1 | 1u << 1;  // vector 1 comes due while vector 0 is throttled
  bench.run(10);
  ASSERT_EQ(bench.messages().size(), 2u);
  EXPECT_EQ(bench.messages()[1].addr, VectorAddr(1));
  EXPECT_EQ(bench.messages()[1].req_cycle, raised + 2);
}

TEST(NicIrqBlock, MaskedVectorShowsPbaAndSendsOnUnmask) {
  IrqBench bench;
  Vnic_irq& d = bench.dut();
  d.msix_mask = 0b001;
  const uint64_t raised = bench.cycle();
  d.icr = 1;
  bench.run(1);
  bench.sim().settle();
  EXPECT_EQ(bench.cycle(), raised + 1);
  EXPECT_EQ(d.pba, 0b001) << "pending after one edge, masked";
  d.icr = 0;  // the cause goes away; the message stays pending (MSI-X PBA semantics)
  bench.run(100);
  bench.sim().settle();
  EXPECT_TRUE(bench.messages().empty());
  EXPECT_EQ(d.pba, 0b001);
  const uint64_t unmasked = bench.cycle();
  d.msix_mask = 0;
  bench.sim().settle();
  EXPECT_EQ(d.pba, 0) << "PBA shows only masked pending vectors";
  bench.run(10);
  ASSERT_EQ(bench.messages().size(), 1u);
  EXPECT_EQ(bench.messages()[0].req_cycle, unmasked + 1);
  EXPECT_EQ(bench.messages()[0].addr, VectorAddr(0));
  d.msix_mask = 0b001;
  bench.sim().settle();
  EXPECT_EQ(d.pba, 0) << "the sent message is no longer pending";
}

TEST(NicIrqBlock, IntxFollowsCauseAndMaskWithItr0Spacing) {
  constexpr uint16_t kItr = 20;
  IrqBench bench;
  bench.set_itr(0, kItr);
  Vnic_irq& d = bench.dut();
  d.intx_mode = 1;
  d.ims = 0;
  d.icr = 1u << 17;  // RX_DROP, masked: the line stays low
  bench.run(5);
  EXPECT_FALSE(d.intx);
  uint64_t set = bench.cycle();
  d.ims = 1u << 17;
  bench.run(1);
  EXPECT_TRUE(d.intx) << "rises one edge after cause & mask";
  bench.run(3);
  d.ims = 0;  // masked again
  bench.run(1);
  EXPECT_FALSE(d.intx);
  d.ims = 1u << 17;  // re-enabled at once: held back until ITR[0] has passed
  bench.run(kItr + 5);
  d.icr = 0;
  bench.run(1);
  EXPECT_FALSE(d.intx) << "falls one edge after the cause is cleared";
  ASSERT_EQ(bench.intx_rises().size(), 2u);
  EXPECT_EQ(bench.intx_rises()[0], set + 1);
  EXPECT_EQ(bench.intx_rises()[1], bench.intx_rises()[0] + kItr + 1);

  // The line never rises while the DMA master has a write in flight.
  bench.run(kItr + 5);
  d.dma_idle = 0;
  d.icr = 1;
  d.ims = 1;
  bench.run(30);
  EXPECT_FALSE(d.intx);
  const uint64_t idle_again = bench.cycle();
  d.dma_idle = 1;
  bench.run(2);
  ASSERT_EQ(bench.intx_rises().size(), 3u);
  EXPECT_EQ(bench.intx_rises()[2], idle_again + 1);
  EXPECT_TRUE(bench.messages().empty()) << "no MSI-X message in INTx mode";
  EXPECT_FALSE(bench.sim().assertion_failed());
}

}  // namespace
}  // namespace nicsim::rtltest
