// The lock verifier on its own: the acquisition-order graph and its cycles, holders, statistics
// and what a returning callback left held, driven directly rather than through NDIS calls.
#include "driver/ndis/lock_verifier.h"

#include <gtest/gtest.h>

#include "testbench/ndis/ndis_test_util.h"

namespace nicsim::ndis {
namespace {

struct Locks {
  Locks() : platform(testing::host_only(2)), core(platform, {}, [] { return true; }), locks(core) {}
  sim::Platform platform;
  VerifierCore core;
  LockVerifier locks;
};

// Three locks, A before B before C when nothing says otherwise.
struct ThreeLocks : Locks {
  LockState& a = locks.new_lock("A", false);
  LockState& b = locks.new_lock("B", false);
  LockState& c = locks.new_lock("C", false);
};

CallSite Site(unsigned line) { return {"driver/fragment.c", line, "Fragment"}; }

// A before B (at line 1), B before C (line 2), then C before A (line 3) closes a cycle.
void OrderInACycle(ThreeLocks& l) {
  l.locks.add_order_edge(l.a, l.b, Site(1));
  l.locks.add_order_edge(l.b, l.c, Site(2));
  l.locks.add_order_edge(l.c, l.a, Site(3));
}

TEST(LockVerifier, ThreeLockCycleNamesEveryEdgeWhereItWasTaken) {
  ThreeLocks l;
  OrderInACycle(l);
  ASSERT_EQ(l.platform.violations().count("LOCK_ORDER_CYCLE"), 1u);
  const Violation& v = l.platform.violations().all().front();
  EXPECT_EQ(v.object, "A");
  EXPECT_EQ(v.where, "driver/fragment.c:3 (Fragment)");
  EXPECT_EQ(v.message,
            "lock order cycle: C -> A (here), A -> B (at driver/fragment.c:1 (Fragment)), "
            "B -> C (at driver/fragment.c:2 (Fragment))");
}

TEST(LockVerifier, ACycleIsReportedOncePerPairOfLocks) {
  ThreeLocks l;
  OrderInACycle(l);
  l.locks.add_order_edge(l.a, l.c, Site(4));  // closes the same A/C cycle again
  l.locks.add_order_edge(l.c, l.a, Site(5));  // an edge already known
  EXPECT_EQ(l.platform.violations().count("LOCK_ORDER_CYCLE"), 1u);
  l.locks.add_order_edge(l.c, l.b, Site(6));  // a new pair: B/C
  EXPECT_EQ(l.platform.violations().count("LOCK_ORDER_CYCLE"), 2u);
}

TEST(LockVerifier, AConsistentOrderAndSelfEdgesAreNoCycle) {
  ThreeLocks l;
  LockState &a = l.a, &b = l.b, &c = l.c;
  l.locks.add_order_edge(a, b, Site(1));
  l.locks.add_order_edge(a, c, Site(2));
  l.locks.add_order_edge(b, c, Site(3));
  l.locks.add_order_edge(a, a, Site(4));
  EXPECT_TRUE(l.platform.violations().empty());
}

TEST(LockVerifier, DescribesTheHolderByCpuRoutineAndSite) {
  Locks l;
  LockState& a = l.locks.new_lock("A", false);
  EXPECT_EQ(l.locks.describe_holder(a), "nobody");
  a.holder = 1;
  a.holder_routine = "dpc RxDpc";
  a.acquired_where = "driver/rx.c:9 (RxDpc)";
  EXPECT_EQ(l.locks.describe_holder(a), "CPU 1 dpc RxDpc (acquired at driver/rx.c:9 (RxDpc))");
}

TEST(LockVerifier, AddressesFindTheLockLastBoundThere) {
  Locks l;
  int object = 0;
  EXPECT_EQ(l.locks.at_address(&object), nullptr);
  LockState& first = l.locks.new_lock("First", false);
  l.locks.bind_address(&object, first);
  LockState& second = l.locks.new_lock("Second", false);
  l.locks.bind_address(&object, second);
  EXPECT_EQ(l.locks.at_address(&object), &second);
  EXPECT_EQ(second.address, &object);
}

TEST(LockVerifier, TakeAndGiveTrackHolderHeldListAndStatistics) {
  Locks l;
  LockState& a = l.locks.new_lock("A", false);
  LockState& irq = l.locks.new_lock("interrupt0.InterruptLock", true);
  bool checked = false;
  l.platform.start_passive(
      0, "taker",
      [&] {
        ASSERT_TRUE(l.locks.take(irq, false, Site(1)));
        EXPECT_FALSE(l.locks.holds_ndis_lock());  // an interrupt lock is not an NDIS lock
        ASSERT_TRUE(l.locks.take(a, true, Site(2)));
        EXPECT_EQ(a.holder, 0);
        EXPECT_TRUE(l.locks.holds_ndis_lock());
        EXPECT_EQ(l.locks.held_lock_names(), "interrupt0.InterruptLock, A");
        l.locks.drop_held(a);
        l.locks.give(a, Site(3));
        EXPECT_EQ(a.holder, -1);
        EXPECT_EQ(l.locks.held_count(), 1u);
        checked = true;
      },
      0);
  l.platform.run(100'000);
  ASSERT_TRUE(checked);
  const auto stats = l.locks.lock_stats();
  ASSERT_EQ(stats.size(), 2u);
  EXPECT_EQ(stats[0].name, "A");
  EXPECT_EQ(stats[0].acquires, 1u);
  EXPECT_EQ(stats[0].contended, 0u);
  EXPECT_EQ(stats[1].id, 1u);
}

TEST(LockVerifier, LocksLeftHeldBeyondAScopeAreOrphanedAndReported) {
  Locks l;
  LockState& kept = l.locks.new_lock("Kept", false);
  LockState& left = l.locks.new_lock("Left", false);
  l.platform.start_passive(
      0, "callback",
      [&] {
        ASSERT_TRUE(l.locks.take(kept, true, Site(1)));
        ASSERT_TRUE(l.locks.take(left, true, Site(2)));
        l.locks.orphan_held_beyond(1, "MiniportFoo", Site(3));
      },
      0);
  l.platform.run(100'000);
  EXPECT_FALSE(kept.orphaned);
  EXPECT_TRUE(left.orphaned);
  ASSERT_EQ(l.platform.violations().count("LOCK_HELD_AT_RETURN"), 1u);
  EXPECT_EQ(l.platform.violations().all().front().object, "Left");
}

}  // namespace
}  // namespace nicsim::ndis
