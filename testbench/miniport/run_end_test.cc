// How a nicsim run ends and what it shows meanwhile: a stall ends it at once (STALL, or DEADLOCK
// for a lock cycle) instead of idling to the time limit; progress lines on stderr; the default
// time limit grows with the packet count while an explicit one stays as given.
#include <gtest/gtest.h>

#include <string>

#include "testbench/miniport/nicsim_runner.h"

namespace nicsim::testing {
namespace {

uint64_t sim_ns(const NicsimRun& run) { return run.summary["sim"]["sim_ns"].get<uint64_t>(); }

#ifdef NICSIM_RUN_END_LONG
// 50000 packets need far more than the 20 ms default: the default grows with the count.
TEST(RunEnd, BurstOf50000PacketsIsNotCutShortByTheDefaultLimit) {
  const auto run = run_nicsim({"--scenario", "burst", "--packets", "50000", "-q"});
  EXPECT_EQ(run.exit_code, 0) << run.violations_text();
  EXPECT_EQ(run.summary["packets"]["lost"].get<uint64_t>(), 0u);
  EXPECT_GT(sim_ns(run), 20'000'000u);
}
#else

class LockOrderStall : public ::testing::TestWithParam<int> {};

// Seeds on which the variant's CPUs stall on each other's locks: the run ends promptly with the
// lock cycle (DEADLOCK) or, where no cycle is visible, STALL; never at the 20 ms limit.
TEST_P(LockOrderStall, STALL_TriggersOrDeadlockEndsTheRunPromptly) {
  const auto run = run_nicsim(
      {"--driver-bug", "lock-order-dpc-vs-send", "--seed", std::to_string(GetParam()), "-q"});
  ASSERT_FALSE(run.summary.is_null()) << run.output;
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_TRUE(run.has_rule("DEADLOCK") || run.has_rule("STALL")) << run.violations_text();
  EXPECT_LT(sim_ns(run), 2'000'000u) << run.violations_text();
  const std::string stop = run.summary["stop_reason"].get<std::string>();
  EXPECT_TRUE(stop.rfind("DEADLOCK", 0) == 0 || stop.rfind("STALL", 0) == 0) << stop;
}

INSTANTIATE_TEST_SUITE_P(Seeds, LockOrderStall, ::testing::Values(2, 3, 10));

// Seed 29: the lock cycle closes while one of its CPUs is preempted, so no acquire sees it; every
// CPU ends up spinning and the device goes quiet. STALL names each spinner's lock and holder.
TEST(RunEnd, STALL_TriggersWhenEveryCpuSpinsOnLockOrderDpcVsSend) {
  const auto run = run_nicsim({"--driver-bug", "lock-order-dpc-vs-send", "--seed", "29", "-q"});
  ASSERT_TRUE(run.has_rule("STALL")) << run.violations_text();
  std::string message;
  for (const auto& v : run.summary["violations"])
    if (v["rule"] == "STALL") message = v["message"].get<std::string>();
  EXPECT_NE(message.find("spinning in passive sender"), std::string::npos) << message;
  EXPECT_NE(message.find("on SendLock (at driver/miniport/mp_send.cc:"), std::string::npos)
      << message;
  EXPECT_NE(message.find("held by CPU "), std::string::npos) << message;
  EXPECT_NE(message.find("DPCs queued: "), std::string::npos) << message;
  EXPECT_LT(sim_ns(run), 2'000'000u);
}

// The reference driver through pauses, a reset and timed waits: the watch runs and stays silent.
TEST(RunEnd, STALL_SilentOnTheReferenceDriverThroughTheLifecycle) {
  const auto run = run_nicsim({"--scenario", "lifecycle", "--seed", "2", "-q"});
  EXPECT_EQ(run.exit_code, 0) << run.violations_text();
  EXPECT_FALSE(run.has_rule("STALL")) << run.violations_text();
  EXPECT_EQ(run.summary["stop_reason"].get<std::string>(), "");
}

// Progress lines need a run over 2 s of wall time: 20000 packets take several times that.
TEST(RunEnd, ProgressLinesOnStderrWithTheProgressFlag) {
  const auto run = run_nicsim({"--packets", "20000", "--progress"});
  EXPECT_EQ(run.exit_code, 0) << run.violations_text();
  ASSERT_GT(run.summary["sim"]["wall_s"].get<double>(), 2.5) << "too fast to show progress";
  EXPECT_NE(run.output.find("[nicsim] "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find(" ms simulated, "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("/20000 packets, "), std::string::npos) << run.output;
  EXPECT_NE(run.output.find(" packets/s, ETA "), std::string::npos) << run.output;
}

TEST(RunEnd, QuietTurnsProgressLinesOff) {
  const auto run = run_nicsim({"--packets", "6000", "--progress", "-q"});
  EXPECT_EQ(run.exit_code, 0) << run.violations_text();
  EXPECT_EQ(run.output.find("[nicsim] "), std::string::npos) << run.output;
}

TEST(RunEnd, NoProgressLinesWhenStderrIsNoTerminal) {
  const auto run = run_nicsim({"--packets", "6000"});
  EXPECT_EQ(run.exit_code, 0) << run.violations_text();
  EXPECT_EQ(run.output.find("[nicsim] "), std::string::npos) << run.output;
}

TEST(RunEnd, AnExplicitMaxSimTimeStaysAsGiven) {
  const auto run = run_nicsim({"--packets", "3000", "--max-sim-time", "1ms", "-q"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.summary["stop_reason"].get<std::string>().find("--max-sim-time 1ms"),
            std::string::npos)
      << run.summary["stop_reason"];
  EXPECT_LE(sim_ns(run), 1'000'000u + 10'000u);
}

#endif

}  // namespace
}  // namespace nicsim::testing
