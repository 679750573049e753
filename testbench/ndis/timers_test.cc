// Deferred execution: NDIS timer objects, KDPC objects, I/O work items. Callbacks run at their
// documented IRQL, on the right CPU, at the right simulated time, as checked callbacks.
#include <gtest/gtest.h>

#include <vector>

#include "testbench/ndis/ndis_test_util.h"

namespace nicsim::ndis {
namespace {

using testing::Bench;
using testing::Fragment;

// What a callback saw.
struct Seen {
  uint64_t ns;
  KIRQL irql;
  ULONG cpu;
  PVOID context;
};

// A timer whose NetTimerCallback is a closure.
struct TestTimer {
  std::function<void(PVOID context)> body = [](PVOID) {};
  std::vector<Seen> fired;
  NDIS_HANDLE handle = nullptr;
  Bench* bench = nullptr;
};

VOID TestTimerCallback(PVOID, PVOID context, PVOID, PVOID) {
  // FunctionContext is the TestTimer unless a test passed its own (then it is a Seen*).
  auto* timer = static_cast<TestTimer*>(context);
  timer->fired.push_back({timer->bench->platform.now_ns(), KeGetCurrentIrql(),
                          KeGetCurrentProcessorNumber(), context});
  timer->body(context);
}

NDIS_TIMER_CHARACTERISTICS Characteristics(TestTimer& timer) {
  NDIS_TIMER_CHARACTERISTICS chars{};
  chars.Header.Type = NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS;
  chars.Header.Revision = NDIS_TIMER_CHARACTERISTICS_REVISION_1;
  chars.Header.Size = NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1;
  chars.AllocationTag = 0x546D6972;  // 'rmiT'
  chars.TimerFunction = TestTimerCallback;
  chars.FunctionContext = &timer;
  return chars;
}

void Allocate(Bench& b, TestTimer& timer) {
  timer.bench = &b;
  NDIS_TIMER_CHARACTERISTICS chars = Characteristics(timer);
  ASSERT_EQ(NdisAllocateTimerObject(nullptr, &chars, &timer.handle), NDIS_STATUS_SUCCESS);
}

LARGE_INTEGER Relative(LONGLONG ns) {
  LARGE_INTEGER due;
  due.QuadPart = -(ns / 100);
  return due;
}

// --- timer objects ------------------------------------------------------------------------

TEST(Timers, OneShotFiresOnceAtItsDueTimeAtDispatchOnTheSettingCpu) {
  Bench b;
  TestTimer timer;
  uint64_t set_at = 0;
  BOOLEAN was_set = TRUE;
  b.kernel.run_passive(1, "fragment", [&] {
    Allocate(b, timer);
    set_at = b.platform.now_ns();
    was_set = NdisSetTimerObject(timer.handle, Relative(10'000), 0, nullptr);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(was_set, FALSE);
  ASSERT_EQ(timer.fired.size(), 1u);
  EXPECT_GE(timer.fired[0].ns, set_at + 10'000);
  EXPECT_LE(timer.fired[0].ns, set_at + 11'000);
  EXPECT_EQ(timer.fired[0].irql, DISPATCH_LEVEL);
  EXPECT_EQ(timer.fired[0].cpu, 1u);
  EXPECT_EQ(timer.fired[0].context, &timer);  // NULL FunctionContext: the characteristics' one
}

TEST(Timers, AbsoluteDueTimeIsSystemTime) {
  Bench b;
  TestTimer timer;
  uint64_t set_at = 0;
  b.kernel.run_passive(0, "fragment", [&] {
    Allocate(b, timer);
    LARGE_INTEGER now;
    NdisGetCurrentSystemTime(&now);
    set_at = b.platform.now_ns();
    LARGE_INTEGER due;
    due.QuadPart = now.QuadPart + 200;  // 20 us from now, in 100 ns units
    NdisSetTimerObject(timer.handle, due, 0, nullptr);
  });
  b.run();
  ASSERT_EQ(timer.fired.size(), 1u);
  EXPECT_GE(timer.fired[0].ns, set_at + 19'900);
  EXPECT_LE(timer.fired[0].ns, set_at + 21'000);
}

TEST(Timers, PeriodicRepeatsEveryPeriodUntilCancelled) {
  Bench b;
  TestTimer timer;
  BOOLEAN cancelled = FALSE;
  size_t fired_at_cancel = 0;
  b.kernel.run_passive(0, "arm", [&] {
    Allocate(b, timer);
    NdisSetTimerObject(timer.handle, Relative(1'000), 1, nullptr);  // 1 us, then every 1 ms
  });
  b.kernel.run_passive(
      1, "cancel",
      [&] {
        cancelled = NdisCancelTimerObject(timer.handle);
        fired_at_cancel = timer.fired.size();
      },
      2'500'000);
  b.run(10'000'000);
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(cancelled, TRUE);
  ASSERT_EQ(timer.fired.size(), 3u);  // ~1 us, ~1.001 ms, ~2.001 ms
  EXPECT_EQ(fired_at_cancel, 3u);
  for (size_t i = 1; i < timer.fired.size(); ++i) {
    const uint64_t gap = timer.fired[i].ns - timer.fired[i - 1].ns;
    EXPECT_GE(gap, 999'000u);
    EXPECT_LE(gap, 1'001'000u);
  }
  EXPECT_LT(b.platform.now_ns(), 3'000'000u);  // nothing left pending after the cancel
}

TEST(Timers, CancelBeforeDueTimeStopsIt) {
  Bench b;
  TestTimer timer;
  std::vector<BOOLEAN> results;
  b.kernel.run_passive(0, "fragment", [&] {
    Allocate(b, timer);
    results.push_back(NdisSetTimerObject(timer.handle, Relative(50'000), 0, nullptr));
    results.push_back(NdisSetTimerObject(timer.handle, Relative(50'000), 0, nullptr));  // again
    NdisStallExecution(10);
    results.push_back(NdisCancelTimerObject(timer.handle));
    results.push_back(NdisCancelTimerObject(timer.handle));
    NdisFreeTimerObject(timer.handle);
  });
  b.run(1'000'000);
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_TRUE(timer.fired.empty());
  EXPECT_EQ(results, (std::vector<BOOLEAN>{FALSE, TRUE, TRUE, FALSE}));
}

TEST(Timers, SetAgainMovesTheDueTimeAndTakesTheNewContext) {
  Bench b;
  TestTimer timer, other;
  other.bench = &b;
  uint64_t reset_at = 0;
  b.kernel.run_passive(0, "fragment", [&] {
    Allocate(b, timer);
    NdisSetTimerObject(timer.handle, Relative(5'000), 0, nullptr);
    NdisStallExecution(1);
    reset_at = b.platform.now_ns();
    NdisSetTimerObject(timer.handle, Relative(30'000), 0, &other);
  });
  b.run();
  EXPECT_TRUE(timer.fired.empty());
  ASSERT_EQ(other.fired.size(), 1u);  // the callback got the new FunctionContext
  EXPECT_GE(other.fired[0].ns, reset_at + 30'000);
}

TEST(Timers, BadCharacteristicsAreRefused) {
  Bench b;
  NDIS_STATUS status = NDIS_STATUS_SUCCESS;
  NDIS_HANDLE handle = &status;
  TestTimer timer;
  b.kernel.run_passive(0, "fragment", [&] {
    NDIS_TIMER_CHARACTERISTICS chars = Characteristics(timer);
    chars.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    status = NdisAllocateTimerObject(nullptr, &chars, &handle);
  });
  b.run();
  EXPECT_EQ(status, NDIS_STATUS_BAD_CHARACTERISTICS);
  EXPECT_EQ(handle, nullptr);
}

TEST(TimerRules, PERIODIC_TIMER_CANCEL_IRQL_Triggers) {
  Bench b;
  TestTimer timer;
  b.kernel.run_passive(0, "fragment", [&] {
    Allocate(b, timer);
    NdisSetTimerObject(timer.handle, Relative(1'000), 1, nullptr);
    KIRQL old = KeRaiseIrqlToDpcLevel();
    NdisCancelTimerObject(timer.handle);  // periodic: PASSIVE_LEVEL only
    KeLowerIrql(old);
  });
  b.run(5'000'000);
  const auto& v = EXPECT_VIOLATION(b, "PERIODIC_TIMER_CANCEL_IRQL");
  EXPECT_EQ(v.irql, DISPATCH_LEVEL);
  EXPECT_EQ(v.object, "Timer0");
}

// At PASSIVE_LEVEL the cancel of a periodic timer returns only after a running callback ended.
TEST(TimerRules, PERIODIC_TIMER_CANCEL_IRQL_Silent) {
  Bench b;
  TestTimer timer;
  timer.body = [](PVOID) { NdisStallExecution(20); };
  uint64_t cancel_returned = 0;
  b.kernel.run_passive(0, "arm", [&] {
    Allocate(b, timer);
    NdisSetTimerObject(timer.handle, Relative(5'000), 1, nullptr);
  });
  b.kernel.run_passive(
      1, "cancel",
      [&] {
        NdisCancelTimerObject(timer.handle);  // while the callback runs on CPU 0
        cancel_returned = b.platform.now_ns();
      },
      10'000);
  b.run(5'000'000);
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_EQ(timer.fired.size(), 1u);
  EXPECT_GE(cancel_returned, timer.fired[0].ns + 20'000);
}

TEST(TimerRules, TIMER_FREED_IN_USE_Triggers) {
  Bench b;
  TestTimer timer;
  b.kernel.run_passive(0, "fragment", [&] {
    Allocate(b, timer);
    NdisSetTimerObject(timer.handle, Relative(50'000), 0, nullptr);
    NdisFreeTimerObject(timer.handle);  // still set
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "TIMER_FREED_IN_USE");
  EXPECT_EQ(v.object, "Timer0");
  EXPECT_TRUE(timer.fired.empty());  // freed: it never fires
}

TEST(TimerRules, TIMER_FREED_IN_USE_Silent) {
  Bench b;
  TestTimer timer;
  b.kernel.run_passive(0, "fragment", [&] {
    Allocate(b, timer);
    NdisSetTimerObject(timer.handle, Relative(5'000), 0, nullptr);
    NdisMSleep(20);  // it fired meanwhile
    NdisCancelTimerObject(timer.handle);
    NdisFreeTimerObject(timer.handle);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(timer.fired.size(), 1u);
}

TEST(TimerRules, CALL_AT_DIRQL_TriggersOnNdisSetTimerObject) {
  Bench b;
  TestTimer timer;
  Fragment f;
  f.isr = [&](PBOOLEAN, PULONG) {
    NdisSetTimerObject(timer.handle, Relative(1'000), 0, nullptr);
    return TRUE;
  };
  b.kernel.run_passive(0, "init", [&] { Allocate(b, timer); });
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "CALL_AT_DIRQL");
  EXPECT_EQ(v.object, "NdisSetTimerObject");
}

TEST(TimerRules, CALL_AT_DIRQL_SilentOnNdisSetTimerObjectAtDispatch) {
  Bench b;
  TestTimer timer;
  Fragment f;
  f.dpc = [&](ULONG, PVOID) { NdisSetTimerObject(timer.handle, Relative(1'000), 0, nullptr); };
  b.kernel.run_passive(0, "init", [&] { Allocate(b, timer); });
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_EQ(timer.fired.size(), 1u);
  EXPECT_EQ(timer.fired[0].cpu, 1u);  // set from CPU 1's DPC
}

TEST(TimerRules, CALL_AT_DIRQL_TriggersOnNdisAllocateTimerObject) {
  Bench b;
  TestTimer timer;
  Fragment f;
  f.isr = [&](PBOOLEAN, PULONG) {
    Allocate(b, timer);
    return TRUE;
  };
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "CALL_AT_DIRQL");
  EXPECT_EQ(v.object, "NdisAllocateTimerObject");
}

TEST(TimerRules, LOCK_HELD_AT_RETURN_TriggersInTimerCallback) {
  Bench b;
  TestTimer timer;
  NDIS_SPIN_LOCK lock{};
  timer.body = [&](PVOID) { NdisDprAcquireSpinLock(&lock); };
  b.kernel.run_passive(0, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&lock, "TimerLock");
    Allocate(b, timer);
    NdisSetTimerObject(timer.handle, Relative(1'000), 0, nullptr);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "LOCK_HELD_AT_RETURN");
  EXPECT_EQ(v.object, "TimerLock");
  EXPECT_EQ(v.context, "dpc");
}

TEST(TimerRules, IRQL_NOT_RESTORED_TriggersInTimerCallback) {
  Bench b;
  TestTimer timer;
  timer.body = [&](PVOID) { KeLowerIrql(PASSIVE_LEVEL); };
  b.kernel.run_passive(0, "fragment", [&] {
    Allocate(b, timer);
    NdisSetTimerObject(timer.handle, Relative(1'000), 0, nullptr);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "IRQL_NOT_RESTORED");
  EXPECT_EQ(v.object, "Timer0");
}

// --- KDPC objects -------------------------------------------------------------------------

struct TestDpc {
  KDPC dpc;
  std::vector<Seen> ran;
  std::vector<std::pair<PVOID, PVOID>> arguments;
  std::function<void()> body = [] {};
  Bench* bench = nullptr;
};

VOID TestDeferredRoutine(PKDPC, PVOID context, PVOID argument1, PVOID argument2) {
  auto* d = static_cast<TestDpc*>(context);
  d->ran.push_back(
      {d->bench->platform.now_ns(), KeGetCurrentIrql(), KeGetCurrentProcessorNumber(), context});
  d->arguments.emplace_back(argument1, argument2);
  d->body();
}

TEST(Dpcs, RunsAtDispatchOnTheTargetCpuWithItsArguments) {
  Bench b;
  TestDpc d;
  d.bench = &b;
  int a1 = 0, a2 = 0;
  BOOLEAN inserted = FALSE;
  b.kernel.run_passive(0, "fragment", [&] {
    KeInitializeDpc(&d.dpc, TestDeferredRoutine, &d);
    KeSetTargetProcessorDpc(&d.dpc, 1);
    inserted = KeInsertQueueDpc(&d.dpc, &a1, &a2);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(inserted, TRUE);
  ASSERT_EQ(d.ran.size(), 1u);
  EXPECT_EQ(d.ran[0].irql, DISPATCH_LEVEL);
  EXPECT_EQ(d.ran[0].cpu, 1u);
  EXPECT_EQ(d.arguments[0], std::make_pair(PVOID(&a1), PVOID(&a2)));
  EXPECT_EQ(d.dpc.DeferredContext, &d);
  EXPECT_EQ(d.dpc.DpcData, nullptr);  // not queued any more
}

TEST(Dpcs, WithoutATargetRunsOnTheQueuingCpu) {
  Bench b;
  TestDpc d;
  d.bench = &b;
  b.kernel.run_passive(1, "fragment", [&] {
    KeInitializeDpc(&d.dpc, TestDeferredRoutine, &d);
    KeInsertQueueDpc(&d.dpc, nullptr, nullptr);
  });
  b.run();
  ASSERT_EQ(d.ran.size(), 1u);
  EXPECT_EQ(d.ran[0].cpu, 1u);
}

// Queued twice before it runs: one run. Queued again after it ran: another.
TEST(Dpcs, AQueuedDpcCoalesces) {
  Bench b;
  TestDpc d;
  d.bench = &b;
  std::vector<BOOLEAN> results;
  b.kernel.run_passive(0, "fragment", [&] {
    KeInitializeDpc(&d.dpc, TestDeferredRoutine, &d);
    KIRQL old = KeRaiseIrqlToDpcLevel();  // it cannot run before we lower
    results.push_back(KeInsertQueueDpc(&d.dpc, nullptr, nullptr));
    results.push_back(KeInsertQueueDpc(&d.dpc, nullptr, nullptr));
    KeLowerIrql(old);  // runs here
    results.push_back(KeInsertQueueDpc(&d.dpc, nullptr, nullptr));
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(results, (std::vector<BOOLEAN>{TRUE, FALSE, TRUE}));
  EXPECT_EQ(d.ran.size(), 2u);
}

TEST(Dpcs, RemovedDpcDoesNotRunAndCanBeQueuedAgain) {
  Bench b;
  TestDpc d;
  d.bench = &b;
  std::vector<BOOLEAN> results;
  size_t ran_after_remove = 99;
  b.kernel.run_passive(0, "fragment", [&] {
    KeInitializeDpc(&d.dpc, TestDeferredRoutine, &d);
    KIRQL old = KeRaiseIrqlToDpcLevel();
    results.push_back(KeInsertQueueDpc(&d.dpc, nullptr, nullptr));
    results.push_back(KeRemoveQueueDpc(&d.dpc));
    results.push_back(KeRemoveQueueDpc(&d.dpc));
    KeLowerIrql(old);
    ran_after_remove = d.ran.size();
    old = KeRaiseIrqlToDpcLevel();
    results.push_back(KeInsertQueueDpc(&d.dpc, nullptr, nullptr));
    results.push_back(KeRemoveQueueDpc(&d.dpc));
    results.push_back(KeInsertQueueDpc(&d.dpc, nullptr, nullptr));
    KeLowerIrql(old);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(ran_after_remove, 0u);
  EXPECT_EQ(results, (std::vector<BOOLEAN>{TRUE, TRUE, FALSE, TRUE, TRUE, TRUE}));
  EXPECT_EQ(d.ran.size(), 1u);
}

TEST(DpcRules, LOCK_HELD_AT_RETURN_TriggersInKdpc) {
  Bench b;
  TestDpc d;
  d.bench = &b;
  NDIS_SPIN_LOCK lock{};
  d.body = [&] { NdisDprAcquireSpinLock(&lock); };
  b.kernel.run_passive(0, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&lock, "DpcLock");
    KeInitializeDpc(&d.dpc, TestDeferredRoutine, &d);
    KeInsertQueueDpc(&d.dpc, nullptr, nullptr);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "LOCK_HELD_AT_RETURN");
  EXPECT_EQ(v.object, "DpcLock");
  EXPECT_NE(v.message.find("dpc returned"), std::string::npos) << v.message;  // named "&d.dpc"
}

TEST(DpcRules, DPC_BAD_CPU_TriggersOnKeSetTargetProcessorDpc) {
  Bench b;
  TestDpc d;
  d.bench = &b;
  b.kernel.run_passive(0, "fragment", [&] {
    KeInitializeDpc(&d.dpc, TestDeferredRoutine, &d);
    KeSetTargetProcessorDpc(&d.dpc, 7);
    KeInsertQueueDpc(&d.dpc, nullptr, nullptr);
  });
  b.run();
  EXPECT_VIOLATION(b, "DPC_BAD_CPU");
  ASSERT_EQ(d.ran.size(), 1u);  // the target was refused: it runs on the queuing CPU
  EXPECT_EQ(d.ran[0].cpu, 0u);
}

// --- I/O work items -----------------------------------------------------------------------

struct TestWorkItem {
  NDIS_HANDLE handle = nullptr;
  std::vector<Seen> ran;
  std::vector<NDIS_HANDLE> handles;
  std::function<void()> body = [] {};
  Bench* bench = nullptr;
};

VOID TestWorkItemRoutine(PVOID context, NDIS_HANDLE handle) {
  auto* w = static_cast<TestWorkItem*>(context);
  w->ran.push_back(
      {w->bench->platform.now_ns(), KeGetCurrentIrql(), KeGetCurrentProcessorNumber(), context});
  w->handles.push_back(handle);
  w->body();
}

TEST(WorkItems, RunAtPassiveOnAnotherCpuAndMayFreeThemselves) {
  Bench b;
  TestWorkItem w;
  w.bench = &b;
  w.body = [&] { NdisFreeIoWorkItem(w.handle); };
  Fragment f;
  f.dpc = [&](ULONG, PVOID) { NdisQueueIoWorkItem(w.handle, TestWorkItemRoutine, &w); };
  b.kernel.run_passive(0, "init", [&] { w.handle = NdisAllocateIoWorkItem(nullptr); });
  b.register_at_start(f, {0});
  b.fire(f, 0, 5'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_EQ(w.ran.size(), 1u);
  EXPECT_EQ(w.ran[0].irql, PASSIVE_LEVEL);
  EXPECT_EQ(w.ran[0].cpu, 1u);
  EXPECT_EQ(w.handles[0], w.handle);
}

TEST(WorkItemRules, WORKITEM_IN_USE_Triggers) {
  Bench b;
  TestWorkItem w;
  w.bench = &b;
  b.kernel.run_passive(1, "busy", [&] { NdisStallExecution(40); });  // the item waits for it
  b.kernel.run_passive(
      0, "fragment",
      [&] {
        w.handle = NdisAllocateIoWorkItem(nullptr);
        NdisQueueIoWorkItem(w.handle, TestWorkItemRoutine, &w);
        NdisQueueIoWorkItem(w.handle, TestWorkItemRoutine, &w);  // not run yet
      },
      1'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "WORKITEM_IN_USE");
  EXPECT_EQ(v.object, "WorkItem0");
  EXPECT_EQ(w.ran.size(), 1u);
}

TEST(WorkItemRules, WORKITEM_IN_USE_TriggersOnFreeWhileQueued) {
  Bench b;
  TestWorkItem w;
  w.bench = &b;
  b.kernel.run_passive(1, "busy", [&] { NdisStallExecution(40); });
  b.kernel.run_passive(
      0, "fragment",
      [&] {
        w.handle = NdisAllocateIoWorkItem(nullptr);
        NdisQueueIoWorkItem(w.handle, TestWorkItemRoutine, &w);
        NdisFreeIoWorkItem(w.handle);
      },
      1'000);
  b.run();
  EXPECT_VIOLATION(b, "WORKITEM_IN_USE");
  EXPECT_TRUE(w.ran.empty());  // freed: it does not run
}

// Re-queued from its own routine (it is no longer queued then), freed in the last run.
TEST(WorkItemRules, WORKITEM_IN_USE_Silent) {
  Bench b;
  TestWorkItem w;
  w.bench = &b;
  w.body = [&] {
    if (w.ran.size() < 2)
      NdisQueueIoWorkItem(w.handle, TestWorkItemRoutine, &w);
    else
      NdisFreeIoWorkItem(w.handle);
  };
  b.kernel.run_passive(0, "fragment", [&] {
    w.handle = NdisAllocateIoWorkItem(nullptr);
    NdisQueueIoWorkItem(w.handle, TestWorkItemRoutine, &w);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_EQ(w.ran.size(), 2u);
  EXPECT_EQ(w.ran[0].cpu, 1u);
  EXPECT_EQ(w.ran[1].cpu, 0u);  // queued from CPU 1: runs on the next CPU
}

TEST(WorkItemRules, CALL_AT_DIRQL_TriggersOnNdisQueueIoWorkItem) {
  Bench b;
  TestWorkItem w;
  w.bench = &b;
  Fragment f;
  f.isr = [&](PBOOLEAN, PULONG) {
    NdisQueueIoWorkItem(w.handle, TestWorkItemRoutine, &w);
    return TRUE;
  };
  b.kernel.run_passive(0, "init", [&] { w.handle = NdisAllocateIoWorkItem(nullptr); });
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "CALL_AT_DIRQL");
  EXPECT_EQ(v.object, "NdisQueueIoWorkItem");
}

TEST(WorkItemRules, IRQL_NOT_RESTORED_TriggersInWorkItem) {
  Bench b;
  TestWorkItem w;
  w.bench = &b;
  w.body = [] {
    KIRQL old;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
  };
  b.kernel.run_passive(0, "fragment", [&] {
    w.handle = NdisAllocateIoWorkItem(nullptr);
    NdisQueueIoWorkItem(w.handle, TestWorkItemRoutine, &w);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "IRQL_NOT_RESTORED");
  EXPECT_EQ(v.object, "WorkItem0");
}

// --- handles --------------------------------------------------------------------------------

TEST(DeferredRules, OBJECT_NOT_ALLOCATED_TriggersOnFreedTimer) {
  Bench b;
  TestTimer timer;
  b.kernel.run_passive(0, "fragment", [&] {
    Allocate(b, timer);
    NdisFreeTimerObject(timer.handle);
    NdisSetTimerObject(timer.handle, Relative(1'000), 0, nullptr);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "OBJECT_NOT_ALLOCATED");
  EXPECT_EQ(v.object, "Timer0");
  EXPECT_TRUE(timer.fired.empty());
}

TEST(DeferredRules, OBJECT_NOT_ALLOCATED_TriggersOnUninitializedKdpc) {
  Bench b;
  KDPC dpc{};
  BOOLEAN inserted = TRUE;
  b.kernel.run_passive(0, "fragment", [&] { inserted = KeInsertQueueDpc(&dpc, nullptr, nullptr); });
  b.run();
  EXPECT_VIOLATION(b, "OBJECT_NOT_ALLOCATED");
  EXPECT_EQ(inserted, FALSE);
}

TEST(DeferredRules, OBJECT_NOT_ALLOCATED_TriggersOnFreedWorkItem) {
  Bench b;
  TestWorkItem w;
  w.bench = &b;
  b.kernel.run_passive(0, "fragment", [&] {
    w.handle = NdisAllocateIoWorkItem(nullptr);
    NdisFreeIoWorkItem(w.handle);
    NdisQueueIoWorkItem(w.handle, TestWorkItemRoutine, &w);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "OBJECT_NOT_ALLOCATED");
  EXPECT_EQ(v.object, "WorkItem0");
  EXPECT_TRUE(w.ran.empty());
}

TEST(DeferredRules, OBJECT_NOT_ALLOCATED_Silent) {
  Bench b;
  TestTimer timer;
  TestDpc d;
  d.bench = &b;
  TestWorkItem w;
  w.bench = &b;
  b.kernel.run_passive(0, "fragment", [&] {
    Allocate(b, timer);
    NdisSetTimerObject(timer.handle, Relative(1'000), 0, nullptr);
    KeInitializeDpc(&d.dpc, TestDeferredRoutine, &d);
    KeInsertQueueDpc(&d.dpc, nullptr, nullptr);
    w.handle = NdisAllocateIoWorkItem(nullptr);
    NdisQueueIoWorkItem(w.handle, TestWorkItemRoutine, &w);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(timer.fired.size(), 1u);
  EXPECT_EQ(d.ran.size(), 1u);
  EXPECT_EQ(w.ran.size(), 1u);
}

}  // namespace
}  // namespace nicsim::ndis
