// RTL_ASSERTION: an assertion that fails in the real NIC's RTL is a finding that names it, its
// instance, the cycle and the time, and the clock domain evaluates no edge after it; the process
// goes on (Verilator would abort it).
#include <gtest/gtest.h>

#include "nic_test_bench.h"

namespace nicsim::sim::testing {
namespace {

void run_for_ns(uint64_t ns) {
  sc_core::sc_start(sc_core::sc_time(static_cast<double>(ns), sc_core::SC_NS));
}

// Sees when the NIC reads a descriptor of the RX ring at ring_base (it has committed to that
// buffer and will advance the head once the frame is written).
struct DescriptorReads : DmaObserver {
  uint64_t ring_base = 0, ring_bytes = 0;
  bool seen = false;
  void on_dma_read(uint64_t, uint64_t address, uint64_t) override {
    seen |= address >= ring_base && address < ring_base + ring_bytes;
  }
  void on_dma_write(uint64_t, uint64_t, uint64_t, uint64_t) override {}
};

// One frame into queue 0. take_back: the driver's mistake of moving RX_TAIL back onto the head
// (taking back every posted buffer) while the NIC is filling the buffer at the head.
void receive_one_frame(NicBench& bench, bool take_back, bool& received) {
  static DescriptorReads reads;
  bench.nic->add_dma_observer(&reads);
  spawn_driver([&bench, take_back, &received] {
    MmioPort& mmio = bench.nic->mmio();
    DriverSetup setup;
    setup.queues = 1;
    setup.loopback = false;
    TestDriver driver(mmio, bench.memory);
    driver.init(setup);
    reads.ring_base = static_cast<uint64_t>(mmio.read32(nic_regs::RX_BASE_HI(0))) << 32 |
                      mmio.read32(nic_regs::RX_BASE_LO(0));
    reads.ring_bytes = 16ull * setup.ring;
    bench.nic->link().send(Frame(1000, 0x5A));
    (void)mmio.read32(nic_regs::ID);  // wakes an idle clock domain
    // Short waits keep the clock domain from batching past the fetch before this thread sees it.
    while (!reads.seen) wait_ns(4);
    if (take_back) mmio.write32(nic_regs::RX_TAIL(0), 0);
    wait_ns(20'000);
    received = mmio.read32(nic_regs::RX_HEAD(0)) == 1;
  });
}

TEST(RtlAssertion, RTL_ASSERTION_TriggersWhenTheDriverTakesBackTheBufferBeingFilled) {
  NicBench bench(NicDomainConfig{});
  bool received = false;
  receive_one_frame(bench, /*take_back=*/true, received);
  run_for_ns(60'000);
  ASSERT_EQ(bench.log.count("RTL_ASSERTION"), 1u);
  const Violation& v = bench.log.all().front();
  EXPECT_EQ(v.rule, "RTL_ASSERTION");
  EXPECT_EQ(v.severity, Severity::kError);
  EXPECT_NE(v.message.find("RX head would pass its tail"), std::string::npos) << v.message;
  EXPECT_NE(v.object.find("csr"), std::string::npos) << v.object;  // the instance
  EXPECT_NE(v.where.find("nic_csr.sv:"), std::string::npos) << v.where;
  EXPECT_GT(v.cycle, 0u);
  EXPECT_EQ(v.sim_ns, bench.nic->edge_time_ps(v.cycle) / 1000);
  EXPECT_NE(v.message.find("cycle " + std::to_string(v.cycle)), std::string::npos) << v.message;
  EXPECT_EQ(bench.nic->stats().assertion_failures, 1u);
  // No edge after the failing one: the model's state means nothing any more.
  EXPECT_EQ(bench.nic->cycle(), v.cycle + 1);
}

TEST(RtlAssertion, RTL_ASSERTION_SilentWhenTheDriverLeavesTheBufferToTheNic) {
  NicBench bench(NicDomainConfig{});
  bool received = false;
  receive_one_frame(bench, /*take_back=*/false, received);
  run_for_ns(60'000);
  // The same frame and the same descriptor fetch the trigger waits for: this time the NIC
  // finished the frame and moved its head, with every assertion evaluated on every edge.
  EXPECT_TRUE(received);
  EXPECT_EQ(bench.log.count("RTL_ASSERTION"), 0u);
  EXPECT_TRUE(bench.log.empty()) << bench.log.all().front().rule << ": "
                                 << bench.log.all().front().message;
  EXPECT_EQ(bench.nic->stats().assertion_failures, 0u);
  EXPECT_GT(bench.nic->stats().cycles_evaluated, 100u);
}

}  // namespace
}  // namespace nicsim::sim::testing
