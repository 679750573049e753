// Seeded schedules: the same seed replays the same interleaving; different seeds differ.
#include "sim/schedule.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "sim/platform.h"
#include "testbench/sim/host_test_util.h"

namespace nicsim::sim {
namespace {

using testing::run_in_child;

// Four CPUs contend for a shared counter guarded by a test-and-set lock, queue DPCs to each other
// and take device interrupts. Returns "<yield-trace hash> <lock-order hash> <events>".
std::string contended_run(uint64_t seed) {
  PlatformConfig config;
  config.cpus = 4;
  config.schedule.seed = seed;
  Platform platform(config);
  bool locked = false;
  uint64_t lock_order = 0xcbf29ce484222325ull;
  auto critical_section = [&](Cpu& cpu) {
    cpu.spin_until([&] { return !locked && (locked = true); });
    lock_order = (lock_order ^ cpu.index()) * 0x100000001b3ull;
    cpu.yield(Cost::kSharedAccess);
    locked = false;
  };
  std::vector<std::unique_ptr<Dpc>> dpcs;
  for (unsigned i = 0; i < config.cpus; ++i) {
    dpcs.push_back(std::make_unique<Dpc>("dpc" + std::to_string(i),
                                         [&] { critical_section(platform.current_cpu()); }));
  }
  const unsigned vector = platform.intc().allocate_vector("isr", 5, [&](unsigned cpu) {
    platform.queue_dpc(*dpcs[cpu], cpu);
    return true;
  });
  for (unsigned i = 0; i < config.cpus; ++i) {
    platform.start_passive(i, "worker", [&, i] {
      Cpu& cpu = platform.current_cpu();
      for (int round = 0; round < 30; ++round) {
        cpu.yield(Cost::kWork);
        const Irql old = cpu.raise_irql(kDispatchLevel);
        critical_section(cpu);
        cpu.lower_irql(old);
        platform.queue_dpc(*dpcs[(i + 1) % config.cpus], (i + 1) % config.cpus);
      }
    });
  }
  for (unsigned k = 0; k < 20; ++k) {
    testing::device_at_ps(700'500 * (k + 1), [&, k] {
      platform.intc().on_message(InterruptController::msi_address(k % config.cpus), vector);
    });
  }
  platform.run_until_passive_done(10'000'000);
  return std::to_string(platform.schedule_hash()) + " " + std::to_string(lock_order) + " " +
         std::to_string(platform.schedule_events());
}

TEST(Schedule, ScheduleReplay) {
  const std::string first = run_in_child([] { return contended_run(42); });
  const std::string second = run_in_child([] { return contended_run(42); });
  ASSERT_NE(first, "crashed");
  EXPECT_EQ(first, second);
  EXPECT_NE(first.substr(first.rfind(' ') + 1), "0");  // there were yield points
}

TEST(Schedule, ScheduleDiversity) {
  std::set<std::string> traces, lock_orders;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    const std::string result = run_in_child([seed] { return contended_run(seed); });
    ASSERT_NE(result, "crashed");
    traces.insert(result);
    lock_orders.insert(result.substr(result.find(' ') + 1));
  }
  EXPECT_GE(traces.size(), 6u);
  EXPECT_GE(lock_orders.size(), 4u) << "seeds changed timing but not the order of lock entry";
}

TEST(Schedule, SameSeedSameJitterPerCpu) {
  ScheduleConfig config;
  config.seed = 9;
  Schedule a(config, 2), b(config, 2);
  // Interleaving the CPUs' draws differently must not change any CPU's sequence.
  std::vector<uint64_t> a0, b0;
  for (int i = 0; i < 200; ++i) {
    a0.push_back(a.jitter_ns(0));
    a.jitter_ns(1);
  }
  for (int i = 0; i < 200; ++i) b0.push_back(b.jitter_ns(0));
  EXPECT_EQ(a0, b0);
}

TEST(Schedule, JitterRespectsConfig) {
  ScheduleConfig config;
  config.seed = 3;
  config.jitter_percent = 50;
  config.max_jitter_ns = 10;
  config.priority_change_points = 2;
  config.change_point_horizon = 100;
  config.change_point_delay_ns = 1000;
  Schedule schedule(config, 1);
  int jittered = 0, change_points = 0;
  for (int i = 0; i < 1000; ++i) {
    const uint64_t extra = schedule.jitter_ns(0);
    if (extra >= 1000) {
      ++change_points;
      EXPECT_LT(i, 100);
    }
    if (extra % 1000 != 0) ++jittered;
    EXPECT_LE(extra % 1000, 10u);
  }
  EXPECT_GE(change_points, 1);
  EXPECT_LE(change_points, 2);
  EXPECT_GT(jittered, 350);
  EXPECT_LT(jittered, 650);
  config.jitter_percent = 101;
  EXPECT_THROW(Schedule(config, 1), std::invalid_argument);
}

// The delays a seeded schedule applied, replayed, are the same delays at the same yields; the
// kinds are kept, and a yield with both a jitter and a change point charges their sum.
TEST(Schedule, ScheduleReplayOfAppliedPerturbationsChargesTheSameDelays) {
  ScheduleConfig config;
  config.seed = 11;
  config.record = true;
  config.change_point_horizon = 50;
  Schedule drawn(config, 2);
  std::vector<uint64_t> drawn_ns;
  for (int i = 0; i < 300; ++i) drawn_ns.push_back(drawn.jitter_ns(i % 2));
  ASSERT_GT(drawn.applied().size(), 50u);
  size_t change_points = 0;
  for (const Perturbation& p : drawn.applied())
    change_points += p.kind == Perturbation::Kind::kChangePoint;
  EXPECT_GE(change_points, 1u);

  config.replay = drawn.applied();
  Schedule replayed(config, 2);
  std::vector<uint64_t> replayed_ns;
  for (int i = 0; i < 300; ++i) replayed_ns.push_back(replayed.jitter_ns(i % 2));
  EXPECT_EQ(replayed_ns, drawn_ns);
  EXPECT_EQ(replayed.applied(), drawn.applied());
}

TEST(Schedule, ScheduleReplayRefusesACpuTheHostLacks) {
  ScheduleConfig config;
  config.replay = std::vector<Perturbation>{{2, 0, 10, Perturbation::Kind::kJitter}};
  EXPECT_THROW(Schedule(config, 2), std::invalid_argument);
  EXPECT_NO_THROW(Schedule(config, 3));
}

}  // namespace
}  // namespace nicsim::sim
