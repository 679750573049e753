// Synchronization: Ke IRQL calls, Ke spin locks in the NDIS lock checker, interlocked operations
// and lists, NDIS_RW_LOCK_EX. Each Silent test also checks that the code under test ran.
#include <gtest/gtest.h>

#include "testbench/ndis/ndis_test_util.h"

namespace nicsim::ndis {
namespace {

using testing::Bench;
using testing::Fragment;

// --- KeRaiseIrql / KeLowerIrql ------------------------------------------------------------

TEST(SyncRules, IRQL_RAISE_BELOW_CURRENT_Triggers) {
  Bench b;
  b.kernel.run_passive(1, "fragment", [&] {
    KIRQL old, again;
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    KeRaiseIrql(PASSIVE_LEVEL, &again);  // a "raise" downwards
    KeLowerIrql(old);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "IRQL_RAISE_BELOW_CURRENT");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.object, "KeRaiseIrql");
  EXPECT_NE(v.where.find("sync_test.cc"), std::string::npos) << v.where;
}

TEST(SyncRules, IRQL_RAISE_BELOW_CURRENT_Silent) {
  Bench b;
  KIRQL old = 99, at_dispatch = 0, old_dpc = 99, after = 99;
  b.kernel.run_passive(1, "fragment", [&] {
    KeRaiseIrql(DISPATCH_LEVEL, &old);
    at_dispatch = KeGetCurrentIrql();
    KeLowerIrql(old);
    old_dpc = KeRaiseIrqlToDpcLevel();
    KeLowerIrql(old_dpc);
    after = KeGetCurrentIrql();
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(old, PASSIVE_LEVEL);
  EXPECT_EQ(at_dispatch, DISPATCH_LEVEL);
  EXPECT_EQ(old_dpc, PASSIVE_LEVEL);
  EXPECT_EQ(after, PASSIVE_LEVEL);
}

TEST(SyncRules, IRQL_LOWER_ABOVE_CURRENT_Triggers) {
  Bench b;
  b.kernel.run_passive(0, "fragment", [&] { KeLowerIrql(DISPATCH_LEVEL); });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "IRQL_LOWER_ABOVE_CURRENT");
  EXPECT_EQ(v.object, "KeLowerIrql");
  EXPECT_EQ(v.irql, PASSIVE_LEVEL);
}

TEST(SyncRules, IRQL_LOWER_ABOVE_CURRENT_Silent) {
  Bench b;
  KIRQL during = 0;
  b.kernel.run_passive(0, "fragment", [&] {
    KIRQL old;
    KeRaiseIrql(HIGH_LEVEL, &old);
    during = KeGetCurrentIrql();
    KeLowerIrql(old);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(during, HIGH_LEVEL);
}

TEST(Sync, KeGetCurrentProcessorNumberExNamesTheCpu) {
  Bench b;
  ULONG index = 99;
  PROCESSOR_NUMBER number{7, 7, 7};
  b.kernel.run_passive(1, "fragment", [&] { index = KeGetCurrentProcessorNumberEx(&number); });
  b.run();
  EXPECT_EQ(index, 1u);
  EXPECT_EQ(number.Group, 0);
  EXPECT_EQ(number.Number, 1);
  EXPECT_EQ(number.Reserved, 0);
}

// --- Ke spin locks: the same checker as NDIS spin locks -------------------------------------

struct AdapterLocks {
  KSPIN_LOCK TxLock = 0;
  KSPIN_LOCK RxLock = 0;
  NDIS_SPIN_LOCK NdisLock{};
};

TEST(SyncRules, LOCK_NOT_ALLOCATED_TriggersOnKeSpinLock) {
  Bench b;
  KSPIN_LOCK lock = 0;
  b.kernel.run_passive(0, "fragment", [&] {
    KIRQL old;
    KeAcquireSpinLock(&lock, &old);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "LOCK_NOT_ALLOCATED");
  EXPECT_NE(v.message.find("KeInitializeSpinLock"), std::string::npos) << v.message;
}

TEST(SyncRules, LOCK_NOT_ALLOCATED_SilentOnKeSpinLock) {
  Bench b;
  AdapterLocks a;
  KIRQL old = 99, inside = 0, after = 99;
  b.kernel.run_passive(0, "fragment", [&] {
    KeInitializeSpinLock(&a.TxLock);
    KeAcquireSpinLock(&a.TxLock, &old);
    inside = KeGetCurrentIrql();
    KeReleaseSpinLock(&a.TxLock, old);
    after = KeGetCurrentIrql();
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(old, PASSIVE_LEVEL);
  EXPECT_EQ(inside, DISPATCH_LEVEL);
  EXPECT_EQ(after, PASSIVE_LEVEL);
  const auto stats = b.kernel.lock_stats();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].name, "TxLock");  // named after the expression
  EXPECT_EQ(stats[0].acquires, 1u);
}

TEST(SyncRules, SPINLOCK_AT_DIRQL_TriggersOnKeSpinLock) {
  Bench b;
  KSPIN_LOCK lock = 0;
  Fragment f;
  f.isr = [&](PBOOLEAN, PULONG) {
    KeAcquireSpinLockAtDpcLevel(&lock);
    KeReleaseSpinLockFromDpcLevel(&lock);
    return TRUE;
  };
  b.kernel.run_passive(0, "init", [&] { NicsimKeInitializeSpinLockNamed(&lock, "IsrLock"); });
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "SPINLOCK_AT_DIRQL");
  EXPECT_EQ(v.object, "IsrLock");
  EXPECT_EQ(v.context, "isr");
}

TEST(SyncRules, SPINLOCK_AT_DIRQL_SilentOnKeSpinLock) {
  Bench b;
  KSPIN_LOCK lock = 0;
  Fragment f;
  int ran = 0;
  f.dpc = [&](ULONG, PVOID) {
    KeAcquireSpinLockAtDpcLevel(&lock);
    ++ran;
    KeReleaseSpinLockFromDpcLevel(&lock);
  };
  b.kernel.run_passive(0, "init", [&] { KeInitializeSpinLock(&lock); });
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(ran, 1);
}

TEST(SyncRules, ACQUIRE_ABOVE_DISPATCH_TriggersOnKeAcquireSpinLock) {
  Bench b;
  AdapterLocks a;
  b.kernel.run_passive(0, "fragment", [&] {
    KeInitializeSpinLock(&a.TxLock);
    KIRQL high, old;
    KeRaiseIrql(HIGH_LEVEL, &high);
    KeAcquireSpinLock(&a.TxLock, &old);
    KeReleaseSpinLock(&a.TxLock, old);
    KeLowerIrql(high);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "ACQUIRE_ABOVE_DISPATCH");
  EXPECT_EQ(v.object, "TxLock");
  EXPECT_NE(v.message.find("KeAcquireSpinLock"), std::string::npos) << v.message;
}

TEST(SyncRules, ACQUIRE_ABOVE_DISPATCH_SilentOnKeAcquireSpinLock) {
  Bench b;
  AdapterLocks a;
  KIRQL old = 99;
  b.kernel.run_passive(0, "fragment", [&] {
    KeInitializeSpinLock(&a.TxLock);
    KIRQL dispatch = KeRaiseIrqlToDpcLevel();  // KeAcquireSpinLock at DISPATCH: fine
    KeAcquireSpinLock(&a.TxLock, &old);
    KeReleaseSpinLock(&a.TxLock, old);
    KeLowerIrql(dispatch);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(old, DISPATCH_LEVEL);
}

TEST(SyncRules, DPR_ACQUIRE_IRQL_TriggersOnKeAcquireSpinLockAtDpcLevel) {
  Bench b;
  AdapterLocks a;
  b.kernel.run_passive(1, "fragment", [&] {
    KeInitializeSpinLock(&a.RxLock);
    KeAcquireSpinLockAtDpcLevel(&a.RxLock);  // at PASSIVE_LEVEL
    KeReleaseSpinLockFromDpcLevel(&a.RxLock);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "DPR_ACQUIRE_IRQL");
  EXPECT_EQ(v.object, "RxLock");
  EXPECT_NE(v.message.find("KeAcquireSpinLockAtDpcLevel"), std::string::npos) << v.message;
  EXPECT_VIOLATION(b, "DPR_RELEASE_IRQL");
}

TEST(SyncRules, DPR_ACQUIRE_IRQL_SilentOnKeAcquireSpinLockAtDpcLevel) {
  Bench b;
  AdapterLocks a;
  KIRQL inside = 0;
  b.kernel.run_passive(1, "fragment", [&] {
    KeInitializeSpinLock(&a.RxLock);
    KIRQL old = KeRaiseIrqlToDpcLevel();
    KeAcquireSpinLockAtDpcLevel(&a.RxLock);
    inside = KeGetCurrentIrql();
    KeReleaseSpinLockFromDpcLevel(&a.RxLock);
    KeLowerIrql(old);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(inside, DISPATCH_LEVEL);
}

TEST(SyncRules, MISMATCHED_RELEASE_TriggersOnKeSpinLock) {
  Bench b;
  AdapterLocks a;
  b.kernel.run_passive(0, "fragment", [&] {
    KeInitializeSpinLock(&a.TxLock);
    KIRQL old;
    KeAcquireSpinLock(&a.TxLock, &old);
    KeReleaseSpinLockFromDpcLevel(&a.TxLock);
    KeLowerIrql(old);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "MISMATCHED_RELEASE");
  EXPECT_NE(v.message.find("acquired with KeAcquireSpinLock and released with "
                           "KeReleaseSpinLockFromDpcLevel"),
            std::string::npos)
      << v.message;
}

TEST(SyncRules, RECURSIVE_ACQUIRE_TriggersOnKeSpinLock) {
  Bench b;
  AdapterLocks a;
  b.kernel.run_passive(0, "fragment", [&] {
    KeInitializeSpinLock(&a.TxLock);
    KIRQL old;
    KeAcquireSpinLock(&a.TxLock, &old);
    KeAcquireSpinLockAtDpcLevel(&a.TxLock);
  });
  b.run();
  EXPECT_VIOLATION(b, "RECURSIVE_ACQUIRE");
  EXPECT_TRUE(b.platform.stopped());
}

TEST(SyncRules, LOCK_HELD_AT_RETURN_TriggersOnKeSpinLock) {
  Bench b;
  AdapterLocks a;
  b.kernel.run_passive(0, "init", [&] { KeInitializeSpinLock(&a.RxLock); });
  b.kernel.run_passive(
      1, "leaky",
      [&] {
        KIRQL old;
        KeAcquireSpinLock(&a.RxLock, &old);
      },
      1'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "LOCK_HELD_AT_RETURN");
  EXPECT_EQ(v.object, "RxLock");
}

// One order graph for every lock family: an NDIS lock then a Ke lock, later the other way round.
TEST(SyncRules, LOCK_ORDER_CYCLE_TriggersAcrossNdisAndKeLocks) {
  Bench b;
  AdapterLocks a;
  b.kernel.run_passive(0, "ndis_then_ke", [&] {
    NicsimAllocateSpinLockNamed(&a.NdisLock, "SendLock");
    KeInitializeSpinLock(&a.TxLock);
    NdisAcquireSpinLock(&a.NdisLock);
    KeAcquireSpinLockAtDpcLevel(&a.TxLock);
    KeReleaseSpinLockFromDpcLevel(&a.TxLock);
    NdisReleaseSpinLock(&a.NdisLock);
  });
  b.kernel.run_passive(
      1, "ke_then_ndis",
      [&] {
        KIRQL old;
        KeAcquireSpinLock(&a.TxLock, &old);
        NdisDprAcquireSpinLock(&a.NdisLock);
        NdisDprReleaseSpinLock(&a.NdisLock);
        KeReleaseSpinLock(&a.TxLock, old);
      },
      50'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "LOCK_ORDER_CYCLE");
  EXPECT_EQ(v.cpu, 1);
}

TEST(SyncRules, LOCK_ORDER_CYCLE_SilentAcrossNdisAndKeLocks) {
  Bench b;
  AdapterLocks a;
  int rounds = 0;
  auto ndis_then_ke = [&] {
    NdisAcquireSpinLock(&a.NdisLock);
    KeAcquireSpinLockAtDpcLevel(&a.TxLock);
    NdisStallExecution(2);
    KeReleaseSpinLockFromDpcLevel(&a.TxLock);
    NdisReleaseSpinLock(&a.NdisLock);
    ++rounds;
  };
  b.kernel.run_passive(0, "init", [&] {
    NicsimAllocateSpinLockNamed(&a.NdisLock, "SendLock");
    KeInitializeSpinLock(&a.TxLock);
  });
  b.kernel.run_passive(0, "cpu0", ndis_then_ke, 1'000);
  b.kernel.run_passive(1, "cpu1", ndis_then_ke, 1'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(rounds, 2);
}

TEST(SyncRules, DEADLOCK_TriggersOnKeSpinLocks) {
  Bench b;
  AdapterLocks a;
  b.kernel.run_passive(0, "init", [&] {
    KeInitializeSpinLock(&a.TxLock);
    KeInitializeSpinLock(&a.RxLock);
  });
  auto take_two = [&](PKSPIN_LOCK first, PKSPIN_LOCK second) {
    KIRQL old;
    KeAcquireSpinLock(first, &old);
    NdisStallExecution(5);
    KeAcquireSpinLockAtDpcLevel(second);
  };
  b.kernel.run_passive(
      0, "tx_rx", [&] { take_two(&a.TxLock, &a.RxLock); }, 1'000);
  b.kernel.run_passive(
      1, "rx_tx", [&] { take_two(&a.RxLock, &a.TxLock); }, 1'000);
  b.run(10'000'000);
  EXPECT_VIOLATION(b, "DEADLOCK");
  EXPECT_TRUE(b.platform.stopped());
  EXPECT_LT(b.platform.now_ns(), 1'000'000u);
}

// --- interlocked operations ---------------------------------------------------------------

TEST(Sync, InterlockedOperationsReturnTheDocumentedValues) {
  Bench b;
  bool ran = false;
  b.kernel.run_passive(0, "fragment", [&] {
    volatile LONG v = 5;
    EXPECT_EQ(InterlockedIncrement(&v), 6);  // the new value
    EXPECT_EQ(InterlockedDecrement(&v), 5);
    EXPECT_EQ(InterlockedExchange(&v, 9), 5);            // the old value
    EXPECT_EQ(InterlockedCompareExchange(&v, 1, 7), 9);  // no match: unchanged
    EXPECT_EQ(LONG(v), 9);
    EXPECT_EQ(InterlockedCompareExchange(&v, 1, 9), 9);
    EXPECT_EQ(LONG(v), 1);
    EXPECT_EQ(InterlockedExchangeAdd(&v, 4), 1);
    EXPECT_EQ(InterlockedOr(&v, 0x10), 5);
    EXPECT_EQ(InterlockedAnd(&v, 0x14), 0x15);
    EXPECT_EQ(LONG(v), 0x14);
    volatile LONG64 w = LONG64{1} << 40;
    EXPECT_EQ(InterlockedIncrement64(&w), (LONG64{1} << 40) + 1);
    EXPECT_EQ(InterlockedDecrement64(&w), LONG64{1} << 40);
    EXPECT_EQ(InterlockedExchange64(&w, 3), LONG64{1} << 40);
    EXPECT_EQ(InterlockedCompareExchange64(&w, 8, 3), 3);
    EXPECT_EQ(InterlockedExchangeAdd64(&w, 2), 8);
    EXPECT_EQ(InterlockedOr64(&w, LONG64{1} << 33), 10);
    EXPECT_EQ(InterlockedAnd64(&w, LONG64{1} << 33), (LONG64{1} << 33) | 10);
    EXPECT_EQ(LONG64(w), LONG64{1} << 33);
    int x = 0, y = 0;
    PVOID volatile p = &x;
    EXPECT_EQ(InterlockedExchangePointer(&p, &y), &x);
    EXPECT_EQ(InterlockedCompareExchangePointer(&p, &x, &x), &y);  // no match
    EXPECT_EQ(InterlockedCompareExchangePointer(&p, &x, &y), &y);
    EXPECT_EQ(PVOID(p), &x);
    LONG n = 0;
    EXPECT_EQ(NdisInterlockedIncrement(&n), 1);
    EXPECT_EQ(NdisInterlockedDecrement(&n), 0);
    KeMemoryBarrier();
    ran = true;
  });
  b.run();
  EXPECT_TRUE(ran);
  EXPECT_NO_VIOLATIONS(b);
}

// Each Interlocked call is a yield point: two CPUs interleave and no increment is lost.
TEST(Sync, InterlockedIncrementIsAtomicAcrossCpus) {
  Bench b;
  volatile LONG counter = 0;
  auto add = [&] {
    for (int i = 0; i < 200; ++i) InterlockedIncrement(&counter);
  };
  b.kernel.run_passive(0, "cpu0", add);
  b.kernel.run_passive(1, "cpu1", add);
  b.run(10'000'000);
  EXPECT_EQ(LONG(counter), 400);
  EXPECT_GE(b.platform.now_ns(), 200u * b.platform.config().costs.shared_access_ns);
}

// --- lists --------------------------------------------------------------------------------

struct Packet {
  int id;
  LIST_ENTRY Link;
};

TEST(Sync, ListHelpersBehaveAsTheWdk) {
  LIST_ENTRY head;
  NdisInitializeListHead(&head);
  EXPECT_TRUE(IsListEmpty(&head));
  EXPECT_EQ(RemoveHeadList(&head), &head);  // empty: the head itself
  Packet p1{1, {}}, p2{2, {}}, p3{3, {}};
  InsertTailList(&head, &p2.Link);
  InsertHeadList(&head, &p1.Link);
  InsertTailList(&head, &p3.Link);
  EXPECT_EQ(CONTAINING_RECORD(head.Flink, Packet, Link)->id, 1);
  EXPECT_EQ(CONTAINING_RECORD(head.Blink, Packet, Link)->id, 3);
  EXPECT_FALSE(RemoveEntryList(&p2.Link));
  EXPECT_EQ(CONTAINING_RECORD(RemoveTailList(&head), Packet, Link)->id, 3);
  EXPECT_TRUE(RemoveEntryList(&p1.Link));  // the list is empty afterwards
  EXPECT_TRUE(IsListEmpty(&head));
}

TEST(Sync, NdisInterlockedListsReturnTheDocumentedValues) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  LIST_ENTRY head;
  Packet p1{1, {}}, p2{2, {}};
  ULONG bytes = 10;
  std::vector<PLIST_ENTRY> got;
  KIRQL after = 99;
  b.kernel.run_passive(0, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&lock, "ListLock");
    NdisInitializeListHead(&head);
    got.push_back(NdisInterlockedInsertTailList(&head, &p2.Link, &lock));  // was empty: NULL
    got.push_back(NdisInterlockedInsertHeadList(&head, &p1.Link, &lock));  // old first: p2
    got.push_back(NdisInterlockedRemoveHeadList(&head, &lock));            // p1
    got.push_back(NdisInterlockedRemoveHeadList(&head, &lock));            // p2
    got.push_back(NdisInterlockedRemoveHeadList(&head, &lock));            // empty: NULL
    NdisInterlockedAddUlong(&bytes, 5, &lock);
    after = KeGetCurrentIrql();
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0], nullptr);
  EXPECT_EQ(got[1], &p2.Link);
  EXPECT_EQ(got[2], &p1.Link);
  EXPECT_EQ(got[3], &p2.Link);
  EXPECT_EQ(got[4], nullptr);
  EXPECT_EQ(bytes, 15u);
  EXPECT_EQ(after, PASSIVE_LEVEL);
  const auto stats = b.kernel.lock_stats();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].acquires, 6u);  // every call took the lock through the checker
}

TEST(SyncRules, RECURSIVE_ACQUIRE_TriggersOnNdisInterlockedInsertTailList) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  LIST_ENTRY head;
  Packet p{1, {}};
  b.kernel.run_passive(0, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&lock, "ListLock");
    NdisInitializeListHead(&head);
    NdisAcquireSpinLock(&lock);
    NdisInterlockedInsertTailList(&head, &p.Link, &lock);  // takes ListLock again
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "RECURSIVE_ACQUIRE");
  EXPECT_EQ(v.object, "ListLock");
}

TEST(SyncRules, SPINLOCK_AT_DIRQL_TriggersOnNdisInterlockedInsertHeadList) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  LIST_ENTRY head;
  Packet p{1, {}};
  Fragment f;
  f.isr = [&](PBOOLEAN, PULONG) {
    NdisInterlockedInsertHeadList(&head, &p.Link, &lock);
    return TRUE;
  };
  b.kernel.run_passive(0, "init", [&] {
    NicsimAllocateSpinLockNamed(&lock, "ListLock");
    NdisInitializeListHead(&head);
  });
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "SPINLOCK_AT_DIRQL");
  EXPECT_NE(v.message.find("NdisInterlockedInsertHeadList"), std::string::npos) << v.message;
}

TEST(SyncRules, LOCK_NOT_ALLOCATED_TriggersOnNdisInterlockedRemoveHeadList) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  LIST_ENTRY head;
  PLIST_ENTRY got = &head;
  b.kernel.run_passive(0, "fragment", [&] {
    NdisInitializeListHead(&head);
    got = NdisInterlockedRemoveHeadList(&head, &lock);
  });
  b.run();
  EXPECT_VIOLATION(b, "LOCK_NOT_ALLOCATED");
  EXPECT_EQ(got, nullptr);
}

// --- NDIS_RW_LOCK_EX ------------------------------------------------------------------------

TEST(SyncRules, RWLOCK_WRITE_WHILE_READING_Triggers) {
  Bench b;
  b.kernel.run_passive(1, "fragment", [&] {
    PNDIS_RW_LOCK_EX lock = NicsimAllocateRWLockNamed(nullptr, "TableLock");
    LOCK_STATE_EX read, write;
    NdisAcquireRWLockRead(lock, &read, 0);
    NdisAcquireRWLockWrite(lock, &write, NDIS_RWL_AT_DISPATCH_LEVEL);  // no upgrade
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "RWLOCK_WRITE_WHILE_READING");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.object, "TableLock");
  EXPECT_TRUE(b.platform.stopped());
}

TEST(SyncRules, RWLOCK_WRITE_WHILE_READING_Silent) {
  Bench b;
  KIRQL inside = 0, after = 99;
  int writes = 0;
  b.kernel.run_passive(1, "fragment", [&] {
    PNDIS_RW_LOCK_EX lock = NicsimAllocateRWLockNamed(nullptr, "TableLock");
    LOCK_STATE_EX outer, inner, write;
    NdisAcquireRWLockRead(lock, &outer, 0);
    NdisAcquireRWLockRead(lock, &inner, NDIS_RWL_AT_DISPATCH_LEVEL);  // recursive read: legal
    inside = KeGetCurrentIrql();
    NdisReleaseRWLock(lock, &inner);
    NdisReleaseRWLock(lock, &outer);
    NdisAcquireRWLockWrite(lock, &write, 0);  // after the reads: fine
    ++writes;
    NdisReleaseRWLock(lock, &write);
    after = KeGetCurrentIrql();
    NdisFreeRWLock(lock);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(inside, DISPATCH_LEVEL);
  EXPECT_EQ(after, PASSIVE_LEVEL);
  EXPECT_EQ(writes, 1);
}

// Readers on two CPUs overlap; a writer waits until the other CPU's reader leaves.
TEST(Sync, RwLockReadersShareWritersExclude) {
  Bench b;
  PNDIS_RW_LOCK_EX lock = nullptr;
  uint64_t reader0_released = 0, reader1_acquired = 0, writer_acquired = 0;
  b.kernel.run_passive(0, "reader", [&] {
    lock = NicsimAllocateRWLockNamed(nullptr, "TableLock");
    LOCK_STATE_EX s;
    NdisAcquireRWLockRead(lock, &s, 0);
    NdisStallExecution(10);
    reader0_released = b.platform.now_ns();
    NdisReleaseRWLock(lock, &s);
  });
  b.kernel.run_passive(
      1, "reader_then_writer",
      [&] {
        LOCK_STATE_EX r, w;
        NdisAcquireRWLockRead(lock, &r, 0);
        reader1_acquired = b.platform.now_ns();
        NdisReleaseRWLock(lock, &r);
        NdisAcquireRWLockWrite(lock, &w, 0);
        writer_acquired = b.platform.now_ns();
        NdisReleaseRWLock(lock, &w);
      },
      3'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_LT(reader1_acquired, reader0_released);  // shared
  EXPECT_GE(writer_acquired, reader0_released);   // excluded
  const auto stats = b.kernel.lock_stats();
  ASSERT_EQ(stats.size(), 1u);
  EXPECT_EQ(stats[0].acquires, 3u);
  EXPECT_EQ(stats[0].contended, 1u);
}

// One LOCK_STATE_EX for two acquires: the write acquire of B overwrites A's read state.
TEST(SyncRules, RWLOCK_RELEASE_WRONG_MODE_Triggers) {
  Bench b;
  b.kernel.run_passive(0, "fragment", [&] {
    PNDIS_RW_LOCK_EX a = NicsimAllocateRWLockNamed(nullptr, "LockA");
    PNDIS_RW_LOCK_EX lock_b = NicsimAllocateRWLockNamed(nullptr, "LockB");
    LOCK_STATE_EX state;
    NdisAcquireRWLockRead(a, &state, 0);
    NdisAcquireRWLockWrite(lock_b, &state, NDIS_RWL_AT_DISPATCH_LEVEL);
    NdisReleaseRWLock(lock_b, &state);
    NdisReleaseRWLock(a, &state);  // state now says write
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "RWLOCK_RELEASE_WRONG_MODE");
  EXPECT_EQ(v.object, "LockA");
  EXPECT_NE(v.message.find("says write"), std::string::npos) << v.message;
}

TEST(SyncRules, RWLOCK_RELEASE_WRONG_MODE_TriggersWithAnotherLocksState) {
  Bench b;
  b.kernel.run_passive(0, "fragment", [&] {
    PNDIS_RW_LOCK_EX a = NicsimAllocateRWLockNamed(nullptr, "LockA");
    PNDIS_RW_LOCK_EX lock_b = NicsimAllocateRWLockNamed(nullptr, "LockB");
    LOCK_STATE_EX sa, sb;
    NdisAcquireRWLockRead(a, &sa, 0);
    NdisAcquireRWLockRead(lock_b, &sb, NDIS_RWL_AT_DISPATCH_LEVEL);
    NdisReleaseRWLock(lock_b, &sa);  // A's state
    NdisReleaseRWLock(a, &sa);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "RWLOCK_RELEASE_WRONG_MODE");
  EXPECT_EQ(v.object, "LockB");
}

TEST(SyncRules, RWLOCK_RELEASE_WRONG_MODE_Silent) {
  Bench b;
  KIRQL after = 99;
  int done = 0;
  b.kernel.run_passive(0, "fragment", [&] {
    PNDIS_RW_LOCK_EX a = NicsimAllocateRWLockNamed(nullptr, "LockA");
    PNDIS_RW_LOCK_EX lock_b = NicsimAllocateRWLockNamed(nullptr, "LockB");
    LOCK_STATE_EX sa, sb;
    NdisAcquireRWLockRead(a, &sa, 0);
    NdisAcquireRWLockWrite(lock_b, &sb, NDIS_RWL_AT_DISPATCH_LEVEL);
    NdisReleaseRWLock(lock_b, &sb);
    NdisReleaseRWLock(a, &sa);
    after = KeGetCurrentIrql();
    ++done;
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(after, PASSIVE_LEVEL);
  EXPECT_EQ(done, 1);
}

TEST(SyncRules, DPR_ACQUIRE_IRQL_TriggersOnRwLockAtDispatchFlag) {
  Bench b;
  b.kernel.run_passive(0, "fragment", [&] {
    PNDIS_RW_LOCK_EX lock = NicsimAllocateRWLockNamed(nullptr, "TableLock");
    LOCK_STATE_EX s;
    NdisAcquireRWLockRead(lock, &s, NDIS_RWL_AT_DISPATCH_LEVEL);  // but at PASSIVE_LEVEL
    NdisReleaseRWLock(lock, &s);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "DPR_ACQUIRE_IRQL");
  EXPECT_EQ(v.object, "TableLock");
}

TEST(SyncRules, DPR_ACQUIRE_IRQL_SilentOnRwLockAtDispatchFlag) {
  Bench b;
  Fragment f;
  PNDIS_RW_LOCK_EX lock = nullptr;
  int ran = 0;
  f.dpc = [&](ULONG, PVOID) {
    LOCK_STATE_EX s;
    NdisAcquireRWLockWrite(lock, &s, NDIS_RWL_AT_DISPATCH_LEVEL);
    ++ran;
    NdisReleaseRWLock(lock, &s);
  };
  b.kernel.run_passive(0, "init", [&] { lock = NicsimAllocateRWLockNamed(nullptr, "TableLock"); });
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(ran, 1);
}

TEST(SyncRules, SPINLOCK_AT_DIRQL_TriggersOnRwLock) {
  Bench b;
  Fragment f;
  PNDIS_RW_LOCK_EX lock = nullptr;
  f.isr = [&](PBOOLEAN, PULONG) {
    LOCK_STATE_EX s;
    NdisAcquireRWLockRead(lock, &s, 0);
    NdisReleaseRWLock(lock, &s);
    return TRUE;
  };
  b.kernel.run_passive(0, "init", [&] { lock = NicsimAllocateRWLockNamed(nullptr, "TableLock"); });
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "SPINLOCK_AT_DIRQL");
  EXPECT_EQ(v.object, "TableLock");
}

TEST(SyncRules, LOCK_NOT_ALLOCATED_TriggersOnFreedRwLock) {
  Bench b;
  b.kernel.run_passive(0, "fragment", [&] {
    PNDIS_RW_LOCK_EX lock = NdisAllocateRWLock(nullptr);
    NdisFreeRWLock(lock);
    LOCK_STATE_EX s;
    NdisAcquireRWLockRead(lock, &s, 0);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "LOCK_NOT_ALLOCATED");
  EXPECT_EQ(v.object, "RWLock0");
}

TEST(SyncRules, LOCK_FREED_IN_USE_TriggersOnRwLock) {
  Bench b;
  b.kernel.run_passive(0, "fragment", [&] {
    PNDIS_RW_LOCK_EX lock = NdisAllocateRWLock(nullptr);
    LOCK_STATE_EX s;
    NdisAcquireRWLockRead(lock, &s, 0);
    NdisFreeRWLock(lock);
    KeLowerIrql(PASSIVE_LEVEL);
  });
  b.run();
  EXPECT_VIOLATION(b, "LOCK_FREED_IN_USE");
}

TEST(SyncRules, LOCK_HELD_AT_RETURN_TriggersOnRwLock) {
  Bench b;
  PNDIS_RW_LOCK_EX lock = nullptr;
  b.kernel.run_passive(0, "init", [&] { lock = NicsimAllocateRWLockNamed(nullptr, "TableLock"); });
  b.kernel.run_passive(
      1, "leaky",
      [&] {
        LOCK_STATE_EX s;
        NdisAcquireRWLockRead(lock, &s, 0);
      },
      1'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "LOCK_HELD_AT_RETURN");
  EXPECT_EQ(v.object, "TableLock");
}

TEST(SyncRules, RECURSIVE_ACQUIRE_TriggersOnRwLockReadWhileWriting) {
  Bench b;
  b.kernel.run_passive(0, "fragment", [&] {
    PNDIS_RW_LOCK_EX lock = NicsimAllocateRWLockNamed(nullptr, "TableLock");
    LOCK_STATE_EX w, r;
    NdisAcquireRWLockWrite(lock, &w, 0);
    NdisAcquireRWLockRead(lock, &r, NDIS_RWL_AT_DISPATCH_LEVEL);
  });
  b.run();
  EXPECT_VIOLATION(b, "RECURSIVE_ACQUIRE");
  EXPECT_TRUE(b.platform.stopped());
}

TEST(SyncRules, RELEASE_IRQL_TriggersOnRwLock) {
  Bench b;
  b.kernel.run_passive(0, "fragment", [&] {
    PNDIS_RW_LOCK_EX lock = NicsimAllocateRWLockNamed(nullptr, "TableLock");
    LOCK_STATE_EX s;
    NdisAcquireRWLockRead(lock, &s, 0);
    KeLowerIrql(PASSIVE_LEVEL);
    NdisReleaseRWLock(lock, &s);
  });
  b.run();
  EXPECT_VIOLATION(b, "RELEASE_IRQL");
}

}  // namespace
}  // namespace nicsim::ndis
