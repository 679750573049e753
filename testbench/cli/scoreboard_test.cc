// The scoreboard's counts never go below zero: frames are matched by content, sends by identity.
#include "testbench/cli/scoreboard.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace nicsim::cli {
namespace {

constexpr uint32_t kFailure = 0xC0000001;  // NDIS_STATUS_FAILURE

TEST(Scoreboard, OutstandingCountsDownOnlyForExpectedFrames) {
  Scoreboard board;
  const std::vector<uint8_t> a{1, 2, 3}, b{4, 5, 6};
  board.expect(a);
  EXPECT_EQ(board.outstanding(), 1u);
  EXPECT_TRUE(board.receive(a));
  EXPECT_FALSE(board.receive(a));  // a duplicate: corrupt, not a second receive
  EXPECT_FALSE(board.receive(b));
  EXPECT_EQ(board.received(), 1u);
  EXPECT_EQ(board.corrupt(), 2u);
  EXPECT_EQ(board.outstanding(), 0u);
}

TEST(SendLedger, ASecondCompletionChangesNoCount) {
  SendLedger sends;
  int first = 0, second = 0;
  sends.submit(&first, {3, 0});
  sends.submit(&second, {2, 1});
  EXPECT_EQ(sends.outstanding_sends(), 2u);
  EXPECT_EQ(sends.outstanding_frames(), 5u);
  const auto done = sends.complete(&first, 0, {});
  ASSERT_TRUE(done);
  EXPECT_EQ(done->frames, 3u);
  EXPECT_FALSE(sends.complete(&first, 0, {}));  // completed twice
  EXPECT_FALSE(sends.complete(&first, 0, {}));
  int never_sent = 0;
  EXPECT_FALSE(sends.complete(&never_sent, 0, {}));
  EXPECT_EQ(sends.not_outstanding_completions(), 3u);
  EXPECT_EQ(sends.submitted_frames(), 5u);
  EXPECT_EQ(sends.completed_frames(), 3u);
  EXPECT_EQ(sends.outstanding_sends(), 1u);
  EXPECT_EQ(sends.outstanding_frames(), 2u);  // not 2 - 3 - 3 wrapped
  ASSERT_TRUE(sends.complete(&second, 0, {}));
  EXPECT_EQ(sends.outstanding_frames(), 0u);
  EXPECT_EQ(sends.completed_frames(), sends.submitted_frames());
}

TEST(SendLedger, FailuresByStatusKeepTheFirstMoment) {
  SendLedger sends;
  int one = 0, two = 0, three = 0;
  sends.submit(&one, {1, 0});
  sends.submit(&two, {2, 0});
  sends.submit(&three, {1, 0});
  ASSERT_TRUE(sends.complete(&one, 0, {}));
  ASSERT_TRUE(sends.complete(&two, kFailure, {1000, 250, 2, 2, "dpc"}));
  ASSERT_TRUE(sends.complete(&three, kFailure, {5000, 1250, 1, 2, "dpc"}));
  EXPECT_FALSE(sends.complete(&three, kFailure, {9000, 2250, 0, 2, "dpc"}));
  EXPECT_EQ(sends.failed_frames(), 3u);
  ASSERT_EQ(sends.failures().size(), 1u);
  const auto& failure = sends.failures().at(kFailure);
  EXPECT_EQ(failure.sends, 2u);
  EXPECT_EQ(failure.frames, 3u);
  EXPECT_EQ(failure.first.ns, 1000u);
  EXPECT_EQ(failure.first.cycle, 250u);
  EXPECT_EQ(failure.first.cpu, 2);
  EXPECT_EQ(failure.first.context, "dpc");
}

}  // namespace
}  // namespace nicsim::cli
