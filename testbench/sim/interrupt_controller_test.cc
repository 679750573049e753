// Interrupt controller: MSI-X routing by message address, coalescing, bad messages, shared INTx.
#include <gtest/gtest.h>

#include <vector>

#include "sim/interrupt_controller_impl.h"
#include "sim/platform.h"
#include "testbench/sim/host_test_util.h"

namespace nicsim::sim {
namespace {

using testing::device_at_ps;
using testing::host_only;

constexpr Irql kNicDirql = 6;

// What the DMA slave hands the controller for a message write (the window's one decoder).
void send_message(Platform& platform, unsigned cpu, uint32_t data) {
  platform.intc().on_message(InterruptController::msi_address(cpu), data);
}

TEST(InterruptController, MsixRouting) {
  Platform platform(host_only(4));
  struct Hit {
    unsigned vector, isr_cpu, running_cpu;
  };
  std::vector<Hit> hits;
  std::vector<unsigned> vectors;
  for (int v = 0; v < 2; ++v) {
    vectors.push_back(platform.intc().allocate_vector(
        "queue" + std::to_string(v), kNicDirql, [&, v](unsigned cpu) {
          hits.push_back({vectors[v], cpu, platform.current_cpu().index()});
          EXPECT_EQ(platform.current_cpu().context(), CpuContext::kIsr);
          return true;
        }));
  }
  ASSERT_NE(vectors[0], vectors[1]);
  // (cpu, vector) pairs, one message every microsecond from the device side.
  const std::vector<std::pair<unsigned, unsigned>> sent = {{2, 0}, {0, 1}, {3, 1}, {1, 0}};
  for (size_t i = 0; i < sent.size(); ++i) {
    const auto [cpu, v] = sent[i];
    device_at_ps(1'000'500 * (i + 1), [&, cpu, v] { send_message(platform, cpu, vectors[v]); });
  }
  platform.run(100'000);
  ASSERT_EQ(hits.size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(hits[i].vector, vectors[sent[i].second]);
    EXPECT_EQ(hits[i].isr_cpu, sent[i].first);
    EXPECT_EQ(hits[i].running_cpu, sent[i].first);
  }
  EXPECT_EQ(platform.intc().irq_to_isr_cycles().size(), sent.size());
  for (uint64_t cycles : platform.intc().irq_to_isr_cycles()) EXPECT_GT(cycles, 0u);
  EXPECT_TRUE(platform.violations().empty());
}

TEST(InterruptController, MsixRoutingCoalescesMessagesBeforeDelivery) {
  Platform platform(host_only(1));
  int calls = 0;
  auto& intc = static_cast<InterruptControllerImpl&>(platform.intc());
  const unsigned vector = intc.allocate_vector("q", kNicDirql, [&](unsigned) { return ++calls; });
  platform.start_passive(0, "masked", [&] {
    Cpu& cpu = platform.current_cpu();
    const Irql old = cpu.raise_irql(kNicDirql);  // holds delivery off
    intc.on_message(InterruptController::msi_address(0), vector);
    intc.on_message(InterruptController::msi_address(0), vector);
    cpu.yield();
    EXPECT_EQ(calls, 0);
    cpu.lower_irql(old);
    EXPECT_EQ(calls, 1);
    intc.on_message(InterruptController::msi_address(0), vector);  // after delivery: a new one
    cpu.yield();
  });
  platform.run(100'000);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(intc.coalesced_messages(), 1u);
}

TEST(InterruptController, MsixRoutingBadVectorOrCpuIsAViolation) {
  Platform platform(host_only(2));
  int calls = 0;
  const unsigned vector =
      platform.intc().allocate_vector("q", kNicDirql, [&](unsigned) { return ++calls; });
  device_at_ps(500, [&] {
    platform.intc().on_message(InterruptController::msi_address(0), vector + 7);  // no such vector
    platform.intc().on_message(InterruptController::msi_address(5), vector);      // no CPU 5
  });
  platform.run(100'000);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(platform.violations().count("MSI_BAD_VECTOR"), 2u);
}

TEST(InterruptController, IntxShared) {
  Platform platform(host_only(2));
  auto& intc = platform.intc();
  bool device_b_asserting = false;
  struct Call {
    char device;
    unsigned cpu;
    bool claimed;
  };
  std::vector<Call> calls;
  // Device A never asserts: its ISR reads its own status and declines.
  intc.connect_line(0, "devA", kNicDirql, {0, 1}, [&](unsigned cpu) {
    calls.push_back({'A', cpu, false});
    return false;
  });
  // Device B claims; it clears its cause only on the second call, so the still-high line is
  // delivered again after the first chain returns.
  int b_calls = 0;
  intc.connect_line(0, "devB", kNicDirql, {0, 1}, [&](unsigned cpu) {
    calls.push_back({'B', cpu, device_b_asserting});
    if (++b_calls == 2) {
      device_b_asserting = false;
      intc.drive_line(0, "devB", false);
    }
    return true;
  });
  device_at_ps(2'000'500, [&] {
    device_b_asserting = true;
    intc.drive_line(0, "devB", true);
    intc.drive_line(0, "devA", false);
    EXPECT_TRUE(intc.line_level(0));
  });
  platform.run(100'000);
  EXPECT_FALSE(intc.line_level(0));
  ASSERT_EQ(calls.size(), 4u);
  // First delivery: chain in connect order, on the first CPU of the affinity.
  EXPECT_EQ(calls[0].device, 'A');
  EXPECT_EQ(calls[1].device, 'B');
  EXPECT_TRUE(calls[1].claimed);
  EXPECT_EQ(calls[0].cpu, calls[1].cpu);
  // Level re-delivery, rotated to the next CPU of the affinity.
  EXPECT_EQ(calls[2].device, 'A');
  EXPECT_EQ(calls[3].device, 'B');
  EXPECT_NE(calls[2].cpu, calls[0].cpu);
  EXPECT_EQ(static_cast<InterruptControllerImpl&>(intc).unclaimed_line_interrupts(), 0u);
}

TEST(InterruptController, IntxSharedLevelDroppedBeforeDeliveryIsNotDelivered) {
  Platform platform(host_only(1));
  auto& intc = platform.intc();
  int calls = 0;
  intc.connect_line(3, "dev", kNicDirql, {0}, [&](unsigned) { return ++calls > 0; });
  platform.start_passive(0, "masked", [&] {
    Cpu& cpu = platform.current_cpu();
    const Irql old = cpu.raise_irql(kNicDirql);
    intc.drive_line(3, "dev", true);
    cpu.yield();
    intc.drive_line(3, "dev", false);
    cpu.lower_irql(old);
  });
  platform.run(100'000);
  EXPECT_EQ(calls, 0);
}

TEST(InterruptController, IntxSharedUnclaimedStormIsBoundedByTheRun) {
  PlatformConfig config = host_only(1);
  config.costs.routine_entry_ns = 0;  // even free interrupt entry must let time advance
  Platform platform(config);
  auto& intc = static_cast<InterruptControllerImpl&>(platform.intc());
  intc.connect_line(0, "dev", kNicDirql, {0}, [&](unsigned) { return false; });
  device_at_ps(500, [&] { intc.drive_line(0, "stuck", true); });
  platform.run(10'000);  // a stuck line storms: the run still ends at its bound
  EXPECT_GT(intc.unclaimed_line_interrupts(), 10u);
  EXPECT_LE(platform.now_ns(), 10'000u);
  EXPECT_GT(platform.now_ns(), 9'000u);
}

}  // namespace
}  // namespace nicsim::sim
