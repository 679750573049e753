// Platform: composition, the current CPU, violation stamping, run control.
#include "sim/platform.h"

#include <gtest/gtest.h>

#include "nic_regs.h"
#include "rtl/nic_device.h"
#include "sim/cpu_model.h"
#include "testbench/sim/host_test_util.h"

namespace nicsim::sim {
namespace {

using testing::host_only;

class RecordingObserver : public HostObserver {
 public:
  void on_frame(unsigned cpu, CpuContext context, std::string_view routine, bool enter) override {
    frames.push_back(std::to_string(cpu) + (enter ? "+" : "-") + std::string(to_string(context)) +
                     ":" + std::string(routine));
  }
  void on_irql(unsigned, Irql irql) override { irqls.push_back(irql); }
  void on_dpc_queue_depth(unsigned, unsigned depth) override { depths.push_back(depth); }
  void on_violation(const Violation& violation) override { rules.push_back(violation.rule); }
  std::vector<std::string> frames, rules;
  std::vector<Irql> irqls;
  std::vector<unsigned> depths;
};

TEST(Platform, CurrentCpuIsTheRunningThread) {
  Platform platform(host_only(3));
  std::vector<unsigned> seen(3, 99);
  for (unsigned i = 0; i < 3; ++i) {
    platform.start_passive(i, "who", [&, i] {
      platform.current_cpu().yield();
      seen[i] = platform.current_cpu().index();
      EXPECT_TRUE(platform.on_cpu());
    });
  }
  EXPECT_FALSE(platform.on_cpu());
  platform.run(10'000);
  EXPECT_EQ(seen, (std::vector<unsigned>{0, 1, 2}));
}

TEST(Platform, CurrentCpuOffACpuThreadAborts) {
  EXPECT_DEATH(
      {
        Platform platform(host_only(1));
        platform.current_cpu();
      },
      "off a CPU thread");
}

TEST(Platform, ReportStampsCpuState) {
  Platform platform(host_only(2));
  RecordingObserver observer;
  platform.add_observer(&observer);
  uint64_t cycle_at_report = 0;
  Dpc dpc("stamp_dpc", [&] {
    cycle_at_report = platform.nic_cycle();
    Violation violation;
    violation.rule = "TEST_RULE";
    platform.report(violation);
  });
  platform.start_passive(
      1, "queue", [&] { platform.queue_dpc(dpc, 1); }, /*at_ns=*/1'000);
  platform.run(100'000);
  ASSERT_EQ(platform.violations().all().size(), 1u);
  const Violation& violation = platform.violations().all()[0];
  EXPECT_EQ(violation.cpu, 1);
  EXPECT_EQ(violation.irql, kDispatchLevel);
  EXPECT_EQ(violation.context, "dpc");
  EXPECT_GE(violation.sim_ns, 1'000u);
  EXPECT_EQ(violation.cycle, cycle_at_report);
  EXPECT_GT(violation.cycle, 0u);
  EXPECT_EQ(observer.rules, (std::vector<std::string>{"TEST_RULE"}));
  EXPECT_EQ(observer.frames, (std::vector<std::string>{"1+passive:queue", "1-passive:queue",
                                                       "1+dpc:stamp_dpc", "1-dpc:stamp_dpc"}));
  EXPECT_EQ(observer.irqls, (std::vector<Irql>{kDispatchLevel, kPassiveLevel}));
  EXPECT_EQ(observer.depths, (std::vector<unsigned>{1, 0}));
}

TEST(Platform, NicCycleCountsEdgesAtHalfNanosecondOffsets) {
  PlatformConfig config = host_only(1);
  config.nic_clock_mhz = 250.0;
  Platform platform(config);
  std::vector<uint64_t> cycles;
  platform.start_passive(0, "sample", [&] {
    for (uint64_t t : {1u, 2u, 3u, 4u, 10u}) {
      platform.current_cpu().busy(t - platform.now_ns());
      cycles.push_back(platform.nic_cycle());
    }
  });
  platform.run(100'000);
  EXPECT_EQ(platform.nic_period_ps(), 4000u);
  EXPECT_FALSE(platform.has_nic());
  // 4 ns period: edges at 2.5, 6.5, 10.5 ns ..., never on a CPU's whole-ns step.
  EXPECT_EQ(cycles, (std::vector<uint64_t>{0, 0, 1, 1, 2}));
}

TEST(Platform, WithNicReadsTheIdRegisterThroughMmio) {
  PlatformConfig config;
  config.cpus = 2;
  config.device = [] { return rtl::make_nic_device(); };
  Platform platform(config);
  ASSERT_TRUE(platform.has_nic());
  uint32_t id = 0;
  bool on_whole_ns = false;
  platform.start_passive(1, "probe", [&] {
    id = platform.mmio().read32(nic_regs::ID);
    on_whole_ns = sc_core::sc_time_stamp().value() % 1000 == 0;
    EXPECT_EQ(platform.current_cpu().index(), 1u);
  });
  EXPECT_TRUE(platform.run_until_passive_done(1'000'000));
  EXPECT_EQ(id, nic_regs::ID_RESET_VALUE);
  EXPECT_TRUE(on_whole_ns);
  EXPECT_EQ(platform.nic_period_ps(), 4000u);
  EXPECT_GT(platform.nic_cycle(), 0u);
}

TEST(Platform, PassiveWorkRunsInStartOrderPerCpu) {
  Platform platform(host_only(1));
  std::vector<std::string> order;
  platform.start_passive(
      0, "late", [&] { order.push_back("late@" + std::to_string(platform.now_ns())); }, 5'000);
  platform.start_passive(
      0, "early", [&] { order.push_back("early@" + std::to_string(platform.now_ns())); }, 1'000);
  EXPECT_TRUE(platform.run_until_passive_done(100'000));
  EXPECT_EQ(order, (std::vector<std::string>{"late@5000", "early@5000"}));
}

TEST(Platform, RunEndsWhenNothingIsLeftAndIdleCpusDoNotPoll) {
  Platform platform(host_only(4));
  platform.start_passive(
      2, "short", [&] { platform.current_cpu().busy(300); }, 200);
  platform.run(1'000'000);
  EXPECT_TRUE(platform.passive_done());
  EXPECT_EQ(platform.now_ns(), 500u);  // starvation ended the run: no CPU polls while idle
}

TEST(Platform, RunUntilPassiveDoneIsResumable) {
  Platform platform(host_only(2));
  bool second_ran = false;
  platform.start_passive(0, "first", [&] { platform.current_cpu().busy(1'000); });
  EXPECT_TRUE(platform.run_until_passive_done(100'000));
  platform.start_passive(
      1, "second", [&] { second_ran = true; }, platform.now_ns() + 10);
  EXPECT_TRUE(platform.run_until_passive_done(100'000));
  EXPECT_TRUE(second_ran);
}

TEST(Platform, StopEndsTheRunWithItsReason) {
  Platform platform(host_only(2));
  int iterations = 0;
  platform.start_passive(0, "forever", [&] {
    for (;;) {
      platform.current_cpu().yield();
      if (++iterations == 10) platform.stop("deadlock suspected");
    }
  });
  platform.run(1'000'000'000);
  EXPECT_TRUE(platform.stopped());
  EXPECT_EQ(platform.stop_reason(), "deadlock suspected");
  EXPECT_EQ(iterations, 10);
  platform.run(1'000);  // no-op after stop, not an error
}

// The stop poll (a signal's flag in nicsim) ends a run between two slices of simulated time.
TEST(Platform, StopPollEndsTheRunWithItsReason) {
  Platform platform(host_only(2));
  unsigned polls = 0;
  platform.set_stop_poll([&] {
    ++polls;
    return platform.now_ns() >= 50'000 ? std::string("interrupted by SIGTERM") : std::string();
  });
  platform.start_passive(0, "forever", [&] {
    for (;;) platform.current_cpu().busy(1'000);
  });
  EXPECT_FALSE(platform.run_until_passive_done(1'000'000'000));
  EXPECT_TRUE(platform.stopped());
  EXPECT_EQ(platform.stop_reason(), "interrupted by SIGTERM");
  EXPECT_GE(platform.now_ns(), 50'000u);
  EXPECT_LT(platform.now_ns(), 70'000u);  // within a slice of the request
  EXPECT_GE(polls, 5u);
}

// Polling slices the run but changes nothing else: starvation and sc_pause end it where they would.
TEST(Platform, StopPollThatNeverAsksLeavesTheRunAsItWas) {
  Platform platform(host_only(4));
  platform.set_stop_poll([] { return std::string(); });
  platform.start_passive(
      2, "short", [&] { platform.current_cpu().busy(300); }, 200);
  platform.run(1'000'000);
  EXPECT_TRUE(platform.passive_done());
  EXPECT_EQ(platform.now_ns(), 500u);
  platform.start_passive(
      1, "long", [&] { platform.current_cpu().busy(45'000); }, platform.now_ns() + 10);
  EXPECT_TRUE(platform.run_until_passive_done(1'000'000));
  EXPECT_EQ(platform.now_ns(), 45'510u);
  EXPECT_FALSE(platform.stopped());
}

TEST(Platform, BadConfigIsAClearError) {
  PlatformConfig config = host_only(0);
  EXPECT_THROW(Platform{config}, std::invalid_argument);
  config.cpus = 65;
  EXPECT_THROW(Platform{config}, std::invalid_argument);
  Platform platform(host_only(1));
  EXPECT_THROW(platform.start_passive(3, "x", [] {}), std::invalid_argument);
  Dpc dpc("d", [] {});
  EXPECT_FALSE(platform.queue_dpc(dpc, 7));
  EXPECT_EQ(platform.violations().count("DPC_BAD_CPU"), 1u);
}

}  // namespace
}  // namespace nicsim::sim
