// NET_BUFFER_LIST ownership on its own: how a chain handed to a completion, indication or return
// is filtered to the lists in the expected state, and what a use after free names.
#include <gtest/gtest.h>

#include <string>

#include "driver/ndis/net_buffers.h"
#include "testbench/ndis/ndis_test_util.h"

namespace nicsim::ndis {
namespace {

const CallSite kHere{"driver/fragment.c", 7, "Fragment"};

struct Buffers {
  Buffers() : platform(testing::host_only(1)), core(platform, {}, [] { return true; }), nbs(core) {
    NET_BUFFER_LIST_POOL_PARAMETERS parameters{};
    pool = nbs.allocate_nbl_pool(&parameters, kHere);
  }
  PNET_BUFFER_LIST chain(std::initializer_list<PNET_BUFFER_LIST> nbls) {
    PNET_BUFFER_LIST previous = nullptr;
    for (PNET_BUFFER_LIST nbl : nbls) {
      if (previous) previous->Next = nbl;
      previous = nbl;
    }
    return *nbls.begin();
  }
  PNET_BUFFER_LIST allocate() { return nbs.allocate_nbl(pool, 0, 0, false, nullptr, 0, 0, kHere); }
  NetObjectState state(PNET_BUFFER_LIST nbl) { return nbs.ledger().find(nbl)->state; }

  sim::Platform platform;
  VerifierCore core;
  NetBuffers nbs;
  NDIS_HANDLE pool = nullptr;
};

TEST(NetBufferOwnership, TakeChainKeepsOnlyListsInTheExpectedStateInOrder) {
  Buffers b;
  PNET_BUFFER_LIST first = b.allocate(), sent = b.allocate(), last = b.allocate();
  b.nbs.ledger().track(sent, NetObjectKind::kNbl).state = NetObjectState::kSent;
  PNET_BUFFER_LIST head =
      b.nbs.take_chain(b.chain({first, sent, last}), NetObjectState::kOwned,
                       NetObjectState::kIndicated, "RECEIVE_INDICATED_TWICE", "Indicate", kHere);
  ASSERT_EQ(head, first);
  EXPECT_EQ(first->Next, last);
  EXPECT_EQ(last->Next, nullptr);
  EXPECT_EQ(b.state(first), NetObjectState::kIndicated);
  EXPECT_EQ(b.state(last), NetObjectState::kIndicated);
  EXPECT_EQ(b.state(sent), NetObjectState::kSent);
  ASSERT_EQ(b.platform.violations().all().size(), 1u);
  const Violation& v = b.platform.violations().all().front();
  EXPECT_EQ(v.rule, "RECEIVE_INDICATED_TWICE");
  EXPECT_EQ(v.message, "Indicate was given a NET_BUFFER_LIST that is a send not yet completed");
}

TEST(NetBufferOwnership, AFreedListInAChainIsAUseAfterFreeAndLeftOut) {
  Buffers b;
  PNET_BUFFER_LIST freed = b.allocate(), kept = b.allocate();
  b.nbs.free_nbl(freed, kHere);
  freed->Next = nullptr;
  PNET_BUFFER_LIST head =
      b.nbs.take_chain(b.chain({freed, kept}), NetObjectState::kOwned, NetObjectState::kIndicated,
                       "RECEIVE_INDICATED_TWICE", "Indicate", kHere);
  EXPECT_EQ(head, kept);
  ASSERT_EQ(b.platform.violations().count("NBL_USED_AFTER_FREE"), 1u);
  EXPECT_EQ(b.platform.violations().all().front().message,
            "Indicate was given a NET_BUFFER_LIST that was freed to its pool at "
            "driver/fragment.c:7 (Fragment)");
}

// Releasing a freed object again leaves the pool's count alone: it never wraps below zero.
TEST(NetBufferOwnership, ReleasingTwiceCountsOnce) {
  Buffers b;
  PNET_BUFFER_LIST one = b.allocate(), two = b.allocate();
  EXPECT_EQ(b.nbs.ledger().live_in_pool(b.pool), 2u);
  b.nbs.ledger().release(one, "first");
  b.nbs.ledger().release(one, "second");
  EXPECT_EQ(b.nbs.ledger().live_in_pool(b.pool), 1u);
  EXPECT_EQ(b.nbs.ledger().find(one)->freed_where, "first");
  b.nbs.ledger().release(two, "first");
  b.nbs.ledger().release(two, "again");
  EXPECT_EQ(b.nbs.ledger().live_in_pool(b.pool), 0u);
}

TEST(NetBufferOwnership, CountsListsByState) {
  Buffers b;
  PNET_BUFFER_LIST one = b.allocate(), two = b.allocate();
  b.allocate();
  b.nbs.ledger().track(one, NetObjectKind::kNbl).state = NetObjectState::kSent;
  b.nbs.ledger().track(two, NetObjectKind::kNbl).state = NetObjectState::kSent;
  EXPECT_EQ(b.nbs.ledger().count_in_state(NetObjectKind::kNbl, NetObjectState::kSent), 2u);
  EXPECT_EQ(b.nbs.ledger().count_in_state(NetObjectKind::kNbl, NetObjectState::kOwned), 1u);
  EXPECT_TRUE(b.nbs.check_not_freed(one, "Api", kHere));
  EXPECT_TRUE(b.platform.violations().empty());
}

}  // namespace
}  // namespace nicsim::ndis
