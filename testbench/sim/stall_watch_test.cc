// STALL: the platform's stall watch reports a run in which no CPU makes progress and nothing is
// pending, at once, with what each CPU does and what is queued; a run that waits for a time, or
// is merely quiet, goes on.
#include "sim/stall_watch.h"

#include <gtest/gtest.h>

#include "sim/cpu_model.h"
#include "sim/platform.h"
#include "testbench/sim/host_test_util.h"

namespace nicsim::sim {
namespace {

constexpr uint64_t kCheckNs = 10'000;

PlatformConfig watched(unsigned cpus) {
  PlatformConfig config = testing::host_only(cpus);
  config.stall_check_ns = kCheckNs;
  return config;
}

TEST(StallWatch, STALL_TriggersWhenACpuSpinsOnWhatAnIdleCpuHolds) {
  Platform platform(watched(2));
  int holder = -1;  // a lock: the CPU holding it
  platform.set_spin_describer(
      [&](unsigned) { return "TheLock, held by CPU " + std::to_string(holder); });
  Dpc dpc("late_dpc", [] {});
  // CPU 1 takes the lock and its thread ends without releasing it.
  platform.start_passive(1, "forgetful", [&] {
    holder = 1;
    platform.current_cpu().yield();
  });
  // CPU 0 spins for it at DISPATCH_LEVEL; a DPC queued to it meanwhile cannot run.
  platform.start_passive(
      0, "waiter",
      [&] {
        Cpu& cpu = platform.current_cpu();
        cpu.raise_irql(kDispatchLevel);
        platform.queue_dpc(dpc, 0);
        cpu.spin_until([&] { return holder < 0 || platform.stopped(); });
        cpu.lower_irql(kPassiveLevel);
      },
      1'000);
  platform.run(10'000'000);
  ASSERT_EQ(platform.violations().count("STALL"), 1u);
  const Violation& v = platform.violations().all().front();
  EXPECT_EQ(v.severity, Severity::kError);
  // At once: within two checks of the spin's start, not at the 10 ms limit.
  EXPECT_LE(v.sim_ns, 1'000 + 2 * kCheckNs);
  EXPECT_TRUE(platform.stopped());
  EXPECT_NE(platform.stop_reason().find("STALL"), std::string::npos);
  EXPECT_NE(v.message.find("CPU 0 spinning in passive waiter at IRQL 2 on TheLock, held by CPU 1"),
            std::string::npos)
      << v.message;
  EXPECT_NE(v.message.find("DPCs queued: late_dpc"), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("CPU 1 idle"), std::string::npos) << v.message;
}

TEST(StallWatch, STALL_SilentWhileAWaitForATimeOrABoundedSpinIsPending) {
  Platform platform(watched(2));
  bool held = true;
  // CPU 0 spins on what CPU 1 releases only after a long timed wait (longer than many checks),
  // then busy-waits with a bound (NdisStallExecution's shape) while CPU 1 is idle, then the run
  // goes quiet: every CPU idle, which is no stall.
  platform.start_passive(1, "releaser", [&] {
    platform.current_cpu().block_for(100'000);
    held = false;
  });
  uint64_t finished_ns = 0;
  platform.start_passive(0, "waiter", [&] {
    Cpu& cpu = platform.current_cpu();
    cpu.spin_until([&] { return !held; });
    const uint64_t until = platform.now_ns() + 60'000;
    cpu.spin_until([&] { return platform.now_ns() >= until; }, until);
    finished_ns = platform.now_ns();
  });
  platform.run(400'000);
  EXPECT_EQ(platform.violations().count("STALL"), 0u);
  EXPECT_TRUE(platform.violations().empty()) << platform.violations().all().front().message;
  EXPECT_FALSE(platform.stopped());
  EXPECT_GE(finished_ns, 160'000u);
  // The watch ran all along: through the waits and the quiet end.
  EXPECT_GE(platform.stall_checks(), 30u);
}

}  // namespace
}  // namespace nicsim::sim
