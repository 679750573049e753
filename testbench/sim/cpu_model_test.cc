// CPU semantics: IRQL, nesting of ISRs above DPCs, DPC coalescing, blocking and spinning.
#include "sim/cpu_model.h"

#include <gtest/gtest.h>

#include <vector>

#include "sim/platform.h"
#include "testbench/sim/host_test_util.h"

namespace nicsim::sim {
namespace {

using testing::device_at_ps;
using testing::host_only;

constexpr Irql kNicDirql = 5;

CpuModel& model(Platform& platform, unsigned index) {
  return static_cast<CpuModel&>(platform.cpu(index));
}

uint64_t now_ps() { return sc_core::sc_time_stamp().value(); }

TEST(CpuModel, IsrPreemptsDpc) {
  Platform platform(host_only(2));
  CpuModel& cpu0 = model(platform, 0);
  std::vector<CpuModel::Frame> stack_in_isr;
  Irql irql_in_isr = 0;
  unsigned isr_cpu = 99;
  const unsigned vector = platform.intc().allocate_vector("nic_isr", kNicDirql, [&](unsigned cpu) {
    stack_in_isr = cpu0.frames();
    irql_in_isr = cpu0.irql();
    isr_cpu = cpu;
    return true;
  });
  bool isr_seen_in_dpc = false;
  Irql irql_after_isr = 0;
  CpuContext context_after_isr = CpuContext::kIdle;
  Dpc dpc("nic_dpc", [&] {
    for (int i = 0; i < 40 && !isr_seen_in_dpc; ++i) {
      cpu0.yield(Cost::kWork);
      if (!stack_in_isr.empty()) {
        isr_seen_in_dpc = true;
        irql_after_isr = cpu0.irql();
        context_after_isr = cpu0.context();
      }
    }
  });
  platform.start_passive(0, "init", [&] {
    EXPECT_TRUE(platform.queue_dpc(dpc, 0));
    cpu0.yield();
  });
  // The message arrives from the device side (as the DMA slave decodes it), mid-DPC.
  device_at_ps(500'500,
               [&] { platform.intc().on_message(InterruptController::msi_address(0), vector); });
  platform.run(100'000);

  ASSERT_TRUE(isr_seen_in_dpc) << "the ISR did not preempt the DPC";
  EXPECT_EQ(isr_cpu, 0u);
  EXPECT_EQ(irql_in_isr, kNicDirql);
  ASSERT_EQ(stack_in_isr.size(), 3u);
  EXPECT_EQ(stack_in_isr[0].context, CpuContext::kPassive);
  EXPECT_EQ(stack_in_isr[1].context, CpuContext::kDpc);
  EXPECT_EQ(stack_in_isr[1].routine, "nic_dpc");
  EXPECT_EQ(stack_in_isr[2].context, CpuContext::kIsr);
  EXPECT_EQ(stack_in_isr[2].irql, kNicDirql);
  EXPECT_EQ(irql_after_isr, kDispatchLevel);
  EXPECT_EQ(context_after_isr, CpuContext::kDpc);
  EXPECT_EQ(cpu0.depth(), 0u);
  EXPECT_EQ(cpu0.irql(), kPassiveLevel);
  EXPECT_TRUE(platform.violations().empty());
}

TEST(CpuModel, DpcCoalescingOnOneCpu) {
  Platform platform(host_only(2));
  int runs = 0;
  Dpc dpc("dpc", [&] { ++runs; });
  bool first = false, second = false;
  platform.start_passive(0, "queue twice", [&] {
    Cpu& cpu = platform.current_cpu();
    const Irql old = cpu.raise_irql(kDispatchLevel);  // the DPC cannot run in between
    first = platform.queue_dpc(dpc, 0);
    second = platform.queue_dpc(dpc, 0);
    cpu.lower_irql(old);
  });
  platform.run(100'000);
  EXPECT_TRUE(first);
  EXPECT_FALSE(second);
  EXPECT_EQ(runs, 1);
}

// As a KDPC: in one CPU's queue at a time (queueing it on another CPU meanwhile coalesces), but
// once dequeued it may be queued again and run on a second CPU while the first still runs it.
TEST(CpuModel, DpcSitsInOneQueueYetRunsConcurrentlyOnTwoCpus) {
  Platform platform(host_only(2));
  struct Span {
    unsigned cpu;
    uint64_t begin, end;
  };
  std::vector<Span> spans;
  bool requeued = false;
  Dpc* self = nullptr;
  Dpc dpc("dpc", [&] {
    Cpu& cpu = platform.current_cpu();
    const uint64_t begin = platform.now_ns();
    EXPECT_FALSE(self->queued());  // dequeued before its routine runs
    if (!requeued) requeued = platform.queue_dpc(*self, 1);
    for (int i = 0; i < 5; ++i) cpu.yield(Cost::kWork);
    spans.push_back({cpu.index(), begin, platform.now_ns()});
  });
  self = &dpc;
  platform.start_passive(0, "queue on both", [&] {
    Cpu& cpu = platform.current_cpu();
    const Irql old = cpu.raise_irql(kDispatchLevel);
    EXPECT_TRUE(platform.queue_dpc(dpc, 0));
    EXPECT_EQ(dpc.queued_cpu(), 0);
    EXPECT_FALSE(platform.queue_dpc(dpc, 1));
    cpu.lower_irql(old);
  });
  platform.run(100'000);
  EXPECT_TRUE(requeued);
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_NE(spans[0].cpu, spans[1].cpu);
  EXPECT_LT(spans[0].begin, spans[1].end);
  EXPECT_LT(spans[1].begin, spans[0].end);
}

TEST(CpuModel, RemovedDpcLeavesItsQueueAndDoesNotRun) {
  Platform platform(host_only(1));
  int runs = 0;
  Dpc dpc("dpc", [&] { ++runs; });
  bool removed = false, removed_again = true;
  platform.start_passive(0, "queue and remove", [&] {
    Cpu& cpu = platform.current_cpu();
    const Irql old = cpu.raise_irql(kDispatchLevel);
    platform.queue_dpc(dpc, 0);
    removed = platform.remove_dpc(dpc);
    removed_again = platform.remove_dpc(dpc);
    cpu.lower_irql(old);
  });
  platform.run(100'000);
  EXPECT_TRUE(removed);
  EXPECT_FALSE(removed_again);
  EXPECT_FALSE(dpc.queued());
  EXPECT_EQ(runs, 0);
}

TEST(CpuModel, RaiseIrqlNeverDeliversLowerDoes) {
  Platform platform(host_only(1));
  int runs = 0;
  Dpc dpc("dpc", [&] { ++runs; });
  platform.start_passive(0, "irql", [&] {
    Cpu& cpu = platform.current_cpu();
    EXPECT_EQ(cpu.raise_irql(kDispatchLevel), kPassiveLevel);
    EXPECT_EQ(cpu.irql(), kDispatchLevel);
    platform.queue_dpc(dpc, 0);
    cpu.yield();
    cpu.yield();
    EXPECT_EQ(runs, 0) << "a DPC ran at DISPATCH_LEVEL";
    EXPECT_EQ(cpu.raise_irql(kNicDirql), kDispatchLevel);
    cpu.lower_irql(kDispatchLevel);
    EXPECT_EQ(runs, 0);
    cpu.lower_irql(kPassiveLevel);
    EXPECT_EQ(runs, 1) << "lowering below DISPATCH did not deliver the DPC at once";
  });
  platform.run(100'000);
  EXPECT_EQ(runs, 1);
  EXPECT_TRUE(platform.violations().empty());
}

TEST(CpuModel, RaiseIrqlBelowCurrentIsAViolation) {
  Platform platform(host_only(1));
  platform.start_passive(0, "bad raise", [&] {
    Cpu& cpu = platform.current_cpu();
    cpu.raise_irql(kDispatchLevel);
    cpu.raise_irql(kPassiveLevel);
    EXPECT_EQ(cpu.irql(), kDispatchLevel);
    cpu.lower_irql(kNicDirql);
    EXPECT_EQ(cpu.irql(), kDispatchLevel);
    cpu.lower_irql(kPassiveLevel);
  });
  platform.run(100'000);
  EXPECT_EQ(platform.violations().count("IRQL_RAISE_BELOW_CURRENT"), 1u);
  EXPECT_EQ(platform.violations().count("IRQL_LOWER_ABOVE_CURRENT"), 1u);
}

TEST(CpuModel, PassiveReturningAtRaisedIrqlIsAViolation) {
  Platform platform(host_only(1));
  platform.start_passive(0, "leaky", [&] { platform.current_cpu().raise_irql(kDispatchLevel); });
  platform.run(100'000);
  EXPECT_EQ(platform.violations().count("IRQL_NOT_RESTORED"), 1u);
  EXPECT_EQ(platform.cpu(0).irql(), kPassiveLevel);
}

TEST(CpuModel, RunFrameNestsAndRestores) {
  Platform platform(host_only(1));
  platform.start_passive(0, "sync", [&] {
    Cpu& cpu = platform.current_cpu();
    cpu.run_frame(CpuContext::kSync, "sync_cb", kNicDirql, [&] {
      EXPECT_EQ(cpu.context(), CpuContext::kSync);
      EXPECT_EQ(cpu.routine(), "sync_cb");
      EXPECT_EQ(cpu.irql(), kNicDirql);
      EXPECT_EQ(cpu.depth(), 2u);
    });
    EXPECT_EQ(cpu.context(), CpuContext::kPassive);
    EXPECT_EQ(cpu.routine(), "sync");
    EXPECT_EQ(cpu.irql(), kPassiveLevel);
  });
  platform.run(100'000);
  EXPECT_EQ(platform.cpu(0).context(), CpuContext::kIdle);
  EXPECT_TRUE(platform.violations().empty());
}

TEST(CpuModel, PassiveBlockingServesDpcsMeanwhile) {
  Platform platform(host_only(2));
  std::vector<CpuContext> dpc_saw;
  Dpc dpc("dpc", [&] {
    dpc_saw = {};
    dpc_saw.push_back(platform.current_cpu().context());
  });
  bool ready = false;
  uint64_t unblocked_at = 0, blocked_until = 0;
  platform.start_passive(0, "waiter", [&] {
    Cpu& cpu = platform.current_cpu();
    cpu.block_for(1'000);
    blocked_until = platform.now_ns();
    cpu.block_until([&] { return ready; }, 100);
    unblocked_at = platform.now_ns();
  });
  platform.start_passive(
      1, "waker",
      [&] {
        platform.queue_dpc(dpc, 0);  // runs on CPU 0 while its passive thread is blocked
        platform.current_cpu().busy(2'000);
        ready = true;
      },
      /*at_ns=*/500);
  platform.run(100'000);
  EXPECT_GE(blocked_until, 1'000u);
  ASSERT_EQ(dpc_saw.size(), 1u);
  EXPECT_EQ(dpc_saw[0], CpuContext::kDpc);
  EXPECT_GE(unblocked_at, 2'500u);
  EXPECT_LE(unblocked_at, 2'600u);  // re-checked every 100 ns
  EXPECT_EQ(model(platform, 0).dpcs_run(), 1u);
}

TEST(CpuModel, SpinIsPreemptedByInterruptsButNotDpcs) {
  Platform platform(host_only(2));
  CpuModel& cpu0 = model(platform, 0);
  bool released = false;
  int dpc_runs_during_spin = 0;
  bool spinning = false;
  std::vector<CpuModel::Frame> stack_in_isr;
  Dpc dpc("dpc", [&] { dpc_runs_during_spin += spinning ? 1 : 0; });
  const unsigned vector = platform.intc().allocate_vector("isr", kNicDirql, [&](unsigned) {
    stack_in_isr = cpu0.frames();
    platform.queue_dpc(dpc, 0);
    return true;
  });
  uint64_t spent = 0;
  platform.start_passive(0, "spinner", [&] {
    const Irql old = cpu0.raise_irql(kDispatchLevel);
    spinning = true;
    spent = cpu0.spin_until([&] { return released; });
    spinning = false;
    cpu0.lower_irql(old);
  });
  device_at_ps(1'000'500,
               [&] { platform.intc().on_message(InterruptController::msi_address(0), vector); });
  platform.start_passive(
      1, "releaser", [&] { released = true; }, /*at_ns=*/3'000);
  platform.run(100'000);
  EXPECT_GE(spent, 2'900u);
  EXPECT_EQ(cpu0.spin_ns(), spent);
  ASSERT_EQ(stack_in_isr.size(), 2u) << "the ISR did not preempt the spin";
  EXPECT_EQ(stack_in_isr[0].context, CpuContext::kPassive);
  EXPECT_EQ(dpc_runs_during_spin, 0);
  EXPECT_EQ(cpu0.dpcs_run(), 1u);  // after lowering
}

TEST(CpuModel, WokenByDeviceResumesOnWholeNanosecond) {
  Platform platform(host_only(1));
  uint64_t isr_ps = 1;
  const unsigned vector = platform.intc().allocate_vector("isr", kNicDirql, [&](unsigned) {
    isr_ps = now_ps();
    return true;
  });
  device_at_ps(7'002'000 + 500,
               [&] { platform.intc().on_message(InterruptController::msi_address(0), vector); });
  platform.run(100'000);
  EXPECT_EQ(isr_ps % 1000, 0u);
  // Idle CPU: wakes at the next whole ns, then pays interrupt entry.
  EXPECT_EQ(isr_ps, 7'003'000u + platform.config().costs.routine_entry_ns * 1000);
}

}  // namespace
}  // namespace nicsim::sim
