// Spin-lock rules: lifecycle, IRQL at acquire/release, pairing, nesting, order and deadlock, time.
#include <gtest/gtest.h>

#include "testbench/ndis/ndis_test_util.h"

namespace nicsim::ndis {
namespace {

using testing::Bench;
using testing::Fragment;

TEST(SpinLockRules, LOCK_NOT_ALLOCATED_Triggers) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  b.kernel.run_passive(1, "fragment", [&] { NdisAcquireSpinLock(&lock); });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "LOCK_NOT_ALLOCATED");
  EXPECT_EQ(v.cpu, 1);
}

TEST(SpinLockRules, LOCK_NOT_ALLOCATED_Silent) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  b.kernel.run_passive(1, "fragment", [&] {
    NdisAllocateSpinLock(&lock);
    NdisAcquireSpinLock(&lock);
    NdisReleaseSpinLock(&lock);
    NdisFreeSpinLock(&lock);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
}

TEST(SpinLockRules, LOCK_NOT_ALLOCATED_TriggersAfterFree) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  b.kernel.run_passive(0, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&lock, "SendLock");
    NdisFreeSpinLock(&lock);
    NdisAcquireSpinLock(&lock);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "LOCK_NOT_ALLOCATED");
  EXPECT_EQ(v.object, "SendLock");
}

TEST(SpinLockRules, LOCK_FREED_IN_USE_Triggers) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  b.kernel.run_passive(0, "fragment", [&] {
    NdisAllocateSpinLock(&lock);
    NdisAcquireSpinLock(&lock);
    NdisFreeSpinLock(&lock);
    NdisReleaseSpinLock(&lock);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "LOCK_FREED_IN_USE");
  EXPECT_EQ(v.cpu, 0);
  EXPECT_EQ(v.object, "lock");
}

TEST(SpinLockRules, LOCK_FREED_IN_USE_TriggersWhileDpcCanRun) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  Fragment f;
  f.dpc = [&](ULONG, PVOID) {
    NdisDprAcquireSpinLock(&lock);
    NdisDprReleaseSpinLock(&lock);
  };
  b.kernel.run_passive(0, "init", [&] { NicsimAllocateSpinLockNamed(&lock, "RcvLock"); });
  b.register_at_start(f, {0});
  b.fire(f, 0, 5'000);
  b.kernel.run_passive(
      0, "halt", [&] { NdisFreeSpinLock(&lock); }, 20'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "LOCK_FREED_IN_USE");
  EXPECT_EQ(v.object, "RcvLock");
}

TEST(SpinLockRules, LOCK_FREED_IN_USE_Silent) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  Fragment f;
  f.dpc = [&](ULONG, PVOID) {
    NdisDprAcquireSpinLock(&lock);
    NdisDprReleaseSpinLock(&lock);
  };
  b.kernel.run_passive(0, "init", [&] { NicsimAllocateSpinLockNamed(&lock, "RcvLock"); });
  b.register_at_start(f, {0});
  b.fire(f, 0, 5'000);
  b.kernel.run_passive(
      0, "halt",
      [&] {
        NdisMDeregisterInterruptEx(f.interrupt);
        NdisFreeSpinLock(&lock);
      },
      20'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
}

TEST(SpinLockRules, DPR_ACQUIRE_IRQL_Triggers) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  b.kernel.run_passive(1, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&lock, "RcvLock");
    NdisDprAcquireSpinLock(&lock);  // at PASSIVE_LEVEL
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "DPR_ACQUIRE_IRQL");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.irql, PASSIVE_LEVEL);
  EXPECT_EQ(v.object, "RcvLock");
}

TEST(SpinLockRules, DPR_ACQUIRE_IRQL_Silent) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  Fragment f;
  f.dpc = [&](ULONG, PVOID) {
    NdisDprAcquireSpinLock(&lock);
    NdisDprReleaseSpinLock(&lock);
  };
  b.kernel.run_passive(0, "init", [&] { NicsimAllocateSpinLockNamed(&lock, "RcvLock"); });
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
}

// Plain A, Dpr B, release A (back to PASSIVE), then Dpr-release B at PASSIVE.
TEST(SpinLockRules, DPR_RELEASE_IRQL_Triggers) {
  Bench b;
  NDIS_SPIN_LOCK a{}, lock_b{};
  b.kernel.run_passive(0, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&a, "Lock");
    NicsimAllocateSpinLockNamed(&lock_b, "RcvLock");
    NdisAcquireSpinLock(&a);
    NdisDprAcquireSpinLock(&lock_b);
    NdisReleaseSpinLock(&a);
    NdisDprReleaseSpinLock(&lock_b);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "DPR_RELEASE_IRQL");
  EXPECT_EQ(v.cpu, 0);
  EXPECT_EQ(v.object, "RcvLock");
}

TEST(SpinLockRules, DPR_RELEASE_IRQL_Silent) {
  Bench b;
  NDIS_SPIN_LOCK a{}, lock_b{};
  b.kernel.run_passive(0, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&a, "Lock");
    NicsimAllocateSpinLockNamed(&lock_b, "RcvLock");
    NdisAcquireSpinLock(&a);
    NdisDprAcquireSpinLock(&lock_b);
    NdisDprReleaseSpinLock(&lock_b);
    NdisReleaseSpinLock(&a);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
}

TEST(SpinLockRules, ACQUIRE_ABOVE_DISPATCH_Triggers) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  Fragment f;
  f.isr = [&](PBOOLEAN, PULONG) {
    NdisAcquireSpinLock(&lock);
    NdisReleaseSpinLock(&lock);
    return TRUE;
  };
  b.kernel.run_passive(0, "init", [&] { NicsimAllocateSpinLockNamed(&lock, "Lock"); });
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "ACQUIRE_ABOVE_DISPATCH");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.object, "Lock");
  EXPECT_EQ(v.context, "isr");
}

TEST(SpinLockRules, ACQUIRE_ABOVE_DISPATCH_Silent) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  Fragment f;
  f.dpc = [&](ULONG, PVOID) {  // plain acquire inside a DPC: legal, only slower
    NdisAcquireSpinLock(&lock);
    NdisReleaseSpinLock(&lock);
  };
  b.kernel.run_passive(0, "init", [&] { NicsimAllocateSpinLockNamed(&lock, "Lock"); });
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
}

// A, B plain; A released first restores PASSIVE, so B's release runs at PASSIVE.
TEST(SpinLockRules, RELEASE_IRQL_Triggers) {
  Bench b;
  NDIS_SPIN_LOCK a{}, lock_b{};
  b.kernel.run_passive(1, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&a, "Lock");
    NicsimAllocateSpinLockNamed(&lock_b, "SendLock");
    NdisAcquireSpinLock(&a);
    NdisAcquireSpinLock(&lock_b);
    NdisReleaseSpinLock(&a);
    NdisReleaseSpinLock(&lock_b);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "RELEASE_IRQL");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.object, "SendLock");
}

TEST(SpinLockRules, RELEASE_IRQL_Silent) {
  Bench b;
  NDIS_SPIN_LOCK a{}, lock_b{};
  b.kernel.run_passive(1, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&a, "Lock");
    NicsimAllocateSpinLockNamed(&lock_b, "SendLock");
    NdisAcquireSpinLock(&a);
    NdisAcquireSpinLock(&lock_b);
    NdisReleaseSpinLock(&lock_b);
    NdisReleaseSpinLock(&a);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
}

TEST(SpinLockRules, NON_LIFO_RELEASE_Triggers) {
  Bench b;
  NDIS_SPIN_LOCK a{}, lock_b{};
  b.kernel.run_passive(0, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&a, "Lock");
    NicsimAllocateSpinLockNamed(&lock_b, "SendLock");
    NdisAcquireSpinLock(&a);
    NdisAcquireSpinLock(&lock_b);
    NdisReleaseSpinLock(&a);
    NdisReleaseSpinLock(&lock_b);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "NON_LIFO_RELEASE");
  EXPECT_EQ(v.cpu, 0);
  EXPECT_EQ(v.object, "Lock");
}

TEST(SpinLockRules, NON_LIFO_RELEASE_Silent) {
  Bench b;
  NDIS_SPIN_LOCK a{}, lock_b{};
  b.kernel.run_passive(0, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&a, "Lock");
    NicsimAllocateSpinLockNamed(&lock_b, "SendLock");
    NdisAcquireSpinLock(&a);
    NdisAcquireSpinLock(&lock_b);
    NdisReleaseSpinLock(&lock_b);
    NdisReleaseSpinLock(&a);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
}

TEST(SpinLockRules, MISMATCHED_RELEASE_Triggers) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  Fragment f;
  f.dpc = [&](ULONG, PVOID) {
    NdisDprAcquireSpinLock(&lock);
    NdisReleaseSpinLock(&lock);
  };
  b.kernel.run_passive(0, "init", [&] { NicsimAllocateSpinLockNamed(&lock, "RcvLock"); });
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "MISMATCHED_RELEASE");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.object, "RcvLock");
  EXPECT_EQ(v.context, "dpc");
}

TEST(SpinLockRules, MISMATCHED_RELEASE_Silent) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  Fragment f;
  f.dpc = [&](ULONG, PVOID) {
    NdisDprAcquireSpinLock(&lock);
    NdisDprReleaseSpinLock(&lock);
    NdisAcquireSpinLock(&lock);
    NdisReleaseSpinLock(&lock);
  };
  b.kernel.run_passive(0, "init", [&] { NicsimAllocateSpinLockNamed(&lock, "RcvLock"); });
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
}

TEST(SpinLockRules, RECURSIVE_ACQUIRE_Triggers) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  b.kernel.run_passive(1, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&lock, "SendLock");
    NdisAcquireSpinLock(&lock);
    NdisAcquireSpinLock(&lock);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "RECURSIVE_ACQUIRE");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.object, "SendLock");
  EXPECT_TRUE(b.platform.stopped());
}

TEST(SpinLockRules, RECURSIVE_ACQUIRE_Silent) {
  Bench b;
  NDIS_SPIN_LOCK a{}, lock_b{};
  b.kernel.run_passive(1, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&a, "Lock");
    NicsimAllocateSpinLockNamed(&lock_b, "SendLock");
    NdisAcquireSpinLock(&a);
    NdisDprAcquireSpinLock(&lock_b);
    NdisDprReleaseSpinLock(&lock_b);
    NdisReleaseSpinLock(&a);
    NdisAcquireSpinLock(&a);  // again after release: fine
    NdisReleaseSpinLock(&a);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
}

TEST(SpinLockRules, RELEASE_NOT_HELD_Triggers) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  b.kernel.run_passive(0, "holder", [&] {
    NicsimAllocateSpinLockNamed(&lock, "Lock");
    NdisAcquireSpinLock(&lock);
    NdisStallExecution(10);
    NdisReleaseSpinLock(&lock);
  });
  b.kernel.run_passive(
      1, "other", [&] { NdisReleaseSpinLock(&lock); }, 2'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "RELEASE_NOT_HELD");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.object, "Lock");
}

TEST(SpinLockRules, RELEASE_NOT_HELD_Silent) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  b.kernel.run_passive(0, "holder", [&] {
    NicsimAllocateSpinLockNamed(&lock, "Lock");
    NdisAcquireSpinLock(&lock);
    NdisStallExecution(10);
    NdisReleaseSpinLock(&lock);
  });
  b.kernel.run_passive(
      1, "other",
      [&] {
        NdisAcquireSpinLock(&lock);  // spins until CPU 0 releases
        NdisReleaseSpinLock(&lock);
      },
      2'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  const auto stats = b.kernel.lock_stats();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].acquires, 2u);
  EXPECT_EQ(stats[0].contended, 1u);
  EXPECT_GT(stats[0].max_spin_ns, 0u);
  EXPECT_GE(stats[0].max_hold_ns, 10'000u);
  EXPECT_NE(stats[0].max_hold_where.find("spin_locks_test.cc"), std::string::npos);
}

TEST(SpinLockRules, LOCK_HELD_AT_RETURN_Triggers) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  Fragment f;
  f.dpc = [&](ULONG, PVOID) { NdisDprAcquireSpinLock(&lock); };
  b.kernel.run_passive(0, "init", [&] { NicsimAllocateSpinLockNamed(&lock, "RcvLock"); });
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "LOCK_HELD_AT_RETURN");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.object, "RcvLock");
}

TEST(SpinLockRules, LOCK_HELD_AT_RETURN_Silent) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  Fragment f;
  f.dpc = [&](ULONG, PVOID) {
    NdisDprAcquireSpinLock(&lock);
    NdisDprReleaseSpinLock(&lock);
  };
  b.kernel.run_passive(0, "init", [&] { NicsimAllocateSpinLockNamed(&lock, "RcvLock"); });
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.fire(f, 0, 15'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
}

TEST(SpinLockRules, LOCK_ORDER_CYCLE_Triggers) {
  Bench b;
  NDIS_SPIN_LOCK a{}, lock_b{};
  b.kernel.run_passive(0, "a_then_b", [&] {
    NicsimAllocateSpinLockNamed(&a, "SendLock");
    NicsimAllocateSpinLockNamed(&lock_b, "RcvLock");
    NdisAcquireSpinLock(&a);
    NdisAcquireSpinLock(&lock_b);
    NdisReleaseSpinLock(&lock_b);
    NdisReleaseSpinLock(&a);
  });
  // Much later, so it never hangs: the order graph still has the cycle.
  b.kernel.run_passive(
      1, "b_then_a",
      [&] {
        NdisAcquireSpinLock(&lock_b);
        NdisAcquireSpinLock(&a);
        NdisReleaseSpinLock(&a);
        NdisReleaseSpinLock(&lock_b);
      },
      50'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "LOCK_ORDER_CYCLE");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.object, "SendLock");
  EXPECT_EQ(b.platform.violations().count("DEADLOCK"), 0u);
}

TEST(SpinLockRules, LOCK_ORDER_CYCLE_Silent) {
  Bench b;
  NDIS_SPIN_LOCK a{}, lock_b{};
  auto a_then_b = [&] {
    NdisAcquireSpinLock(&a);
    NdisAcquireSpinLock(&lock_b);
    NdisStallExecution(2);
    NdisReleaseSpinLock(&lock_b);
    NdisReleaseSpinLock(&a);
  };
  b.kernel.run_passive(0, "init", [&] {
    NicsimAllocateSpinLockNamed(&a, "SendLock");
    NicsimAllocateSpinLockNamed(&lock_b, "RcvLock");
  });
  b.kernel.run_passive(0, "cpu0", a_then_b, 1'000);
  b.kernel.run_passive(1, "cpu1", a_then_b, 1'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
}

TEST(SpinLockRules, DEADLOCK_Triggers) {
  Bench b;
  NDIS_SPIN_LOCK a{}, lock_b{};
  b.kernel.run_passive(0, "init", [&] {
    NicsimAllocateSpinLockNamed(&a, "SendLock");
    NicsimAllocateSpinLockNamed(&lock_b, "RcvLock");
  });
  b.kernel.run_passive(
      0, "a_then_b",
      [&] {
        NdisAcquireSpinLock(&a);
        NdisStallExecution(5);
        NdisAcquireSpinLock(&lock_b);
      },
      1'000);
  b.kernel.run_passive(
      1, "b_then_a",
      [&] {
        NdisAcquireSpinLock(&lock_b);
        NdisStallExecution(5);
        NdisAcquireSpinLock(&a);
      },
      1'000);
  b.run(10'000'000);
  const auto& v = EXPECT_VIOLATION(b, "DEADLOCK");
  EXPECT_TRUE(b.platform.stopped());
  EXPECT_NE(v.message.find("CPU 0"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("CPU 1"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("spin_locks_test.cc"), std::string::npos) << v.message;
  // The run stops at the cycle, not at the end of the time budget.
  EXPECT_LT(b.platform.now_ns(), 1'000'000u);
}

TEST(SpinLockRules, DEADLOCK_TriggersOnOwnPreemptedFrame) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  Fragment f;
  f.dpc = [&](ULONG, PVOID) {
    NdisDprAcquireSpinLock(&lock);
    NdisDprReleaseSpinLock(&lock);
  };
  b.kernel.run_passive(0, "init", [&] { NicsimAllocateSpinLockNamed(&lock, "RcvLock"); });
  b.register_at_start(f, {0});
  b.kernel.run_passive(
      0, "passive_dpr",
      [&] {
        NdisDprAcquireSpinLock(&lock);  // at PASSIVE: the DPC can preempt it
        NdisStallExecution(20);
        NdisDprReleaseSpinLock(&lock);
      },
      1'000);
  b.fire(f, 0, 5'000);
  b.run(10'000'000);
  const auto& v = EXPECT_VIOLATION(b, "DEADLOCK");
  EXPECT_EQ(v.cpu, 0);
  EXPECT_EQ(v.object, "RcvLock");
  EXPECT_TRUE(b.platform.stopped());
}

TEST(SpinLockRules, DEADLOCK_Silent) {
  Bench b;
  NDIS_SPIN_LOCK a{}, lock_b{};
  b.kernel.run_passive(0, "init", [&] {
    NicsimAllocateSpinLockNamed(&a, "SendLock");
    NicsimAllocateSpinLockNamed(&lock_b, "RcvLock");
  });
  auto a_then_b = [&] {
    NdisAcquireSpinLock(&a);
    NdisStallExecution(5);
    NdisAcquireSpinLock(&lock_b);
    NdisReleaseSpinLock(&lock_b);
    NdisReleaseSpinLock(&a);
  };
  b.kernel.run_passive(0, "cpu0", a_then_b, 1'000);
  b.kernel.run_passive(1, "cpu1", a_then_b, 1'000);
  b.run(10'000'000);
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_FALSE(b.platform.stopped());
}

TEST(SpinLockRules, LOCK_HOLD_TOO_LONG_Triggers) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  b.kernel.run_passive(1, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&lock, "SendLock");
    NdisAcquireSpinLock(&lock);
    NdisStallExecution(30);
    NdisReleaseSpinLock(&lock);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "LOCK_HOLD_TOO_LONG");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.object, "SendLock");
  EXPECT_EQ(v.severity, Severity::kWarning);
}

TEST(SpinLockRules, LOCK_HOLD_TOO_LONG_Silent) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  b.kernel.run_passive(1, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&lock, "SendLock");
    NdisAcquireSpinLock(&lock);
    NdisStallExecution(5);
    NdisReleaseSpinLock(&lock);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
}

TEST(SpinLockRules, NDIS_CALL_UNDER_LOCK_Triggers) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  NET_BUFFER_LIST nbl{};
  int indicated = 0;
  b.kernel.set_protocol({[&](PNET_BUFFER_LIST, ULONG, ULONG) { ++indicated; }, {}});
  b.kernel.run_passive(1, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&lock, "RcvLock");
    NdisAcquireSpinLock(&lock);
    NdisMIndicateReceiveNetBufferLists(nullptr, &nbl, 0, 1, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
    NdisReleaseSpinLock(&lock);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "NDIS_CALL_UNDER_LOCK");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.severity, Severity::kWarning);
  EXPECT_EQ(indicated, 1);
}

TEST(SpinLockRules, NDIS_CALL_UNDER_LOCK_Silent) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  NET_BUFFER_LIST nbl{};
  int indicated = 0;
  b.kernel.set_protocol({[&](PNET_BUFFER_LIST, ULONG, ULONG) { ++indicated; }, {}});
  b.kernel.run_passive(1, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&lock, "RcvLock");
    NdisAcquireSpinLock(&lock);
    NdisReleaseSpinLock(&lock);  // dropped around the indication
    NdisMIndicateReceiveNetBufferLists(nullptr, &nbl, 0, 1, 0);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(indicated, 1);
}

TEST(VerifierConfig, StopOnFirstErrorStopsAndWarningsDoNot) {
  VerifierConfig config;
  config.stop_on_first_error = true;
  Bench b(2, config);
  NDIS_SPIN_LOCK lock{};
  b.kernel.run_passive(0, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&lock, "SendLock");
    NdisAcquireSpinLock(&lock);
    NdisStallExecution(30);  // LOCK_HOLD_TOO_LONG: a warning, the run goes on
    NdisReleaseSpinLock(&lock);
    NdisReleaseSpinLock(&lock);  // RELEASE_NOT_HELD: an error, the run stops
  });
  b.run(10'000'000);
  EXPECT_VIOLATION(b, "LOCK_HOLD_TOO_LONG");
  EXPECT_VIOLATION(b, "RELEASE_NOT_HELD");
  EXPECT_TRUE(b.platform.stopped());
}

}  // namespace
}  // namespace nicsim::ndis
