#include "sim/trace/host_probe_driver.h"

#include <gtest/gtest.h>

#include "testbench/waves/model_fixture.h"

namespace nicsim::sim::trace {
namespace {

using nicsim::testing::ModelFixture;

TEST(HostProbeDriver, InnermostLockHeldAndOwnerFollowAcquireAndRelease) {
  ModelFixture f;
  HostProbeDriver probes(f.probe_ports(), nullptr, [&] { return f.now_ps(); });
  probes.on_lock(2, LockEvent::kSpinBegin, 0, "Lock");
  EXPECT_EQ(probes.lock_held(2), 0u);
  probes.on_lock(2, LockEvent::kAcquired, 0, "Lock");
  probes.on_lock(2, LockEvent::kAcquired, 3, "RcvLock");
  EXPECT_EQ(probes.lock_held(2), 4u);   // innermost, id + 1
  EXPECT_EQ(probes.lock_owner(0), 3u);  // cpu + 1
  EXPECT_EQ(probes.lock_owner(3), 3u);
  probes.on_lock(2, LockEvent::kReleased, 3, "RcvLock");
  EXPECT_EQ(probes.lock_held(2), 1u);
  EXPECT_EQ(probes.lock_owner(3), 0u);
  probes.on_lock(2, LockEvent::kReleased, 0, "Lock");
  EXPECT_EQ(probes.lock_held(2), 0u);
}

TEST(HostProbeDriver, ContextIsTheInnermostFrame) {
  ModelFixture f;
  HostProbeDriver probes(f.probe_ports(), nullptr, [&] { return f.now_ps(); });
  EXPECT_EQ(probes.context(0), CpuContext::kIdle);
  probes.on_frame(0, CpuContext::kDpc, "MPInterruptDpc", true);
  probes.on_frame(0, CpuContext::kIsr, "MPInterrupt", true);
  EXPECT_EQ(probes.context(0), CpuContext::kIsr);
  probes.on_frame(0, CpuContext::kIsr, "MPInterrupt", false);
  EXPECT_EQ(probes.context(0), CpuContext::kDpc);
  probes.on_frame(0, CpuContext::kDpc, "MPInterruptDpc", false);
  EXPECT_EQ(probes.context(0), CpuContext::kIdle);
}

TEST(HostProbeDriver, ViolationPulseEndsAtTheNextEdge) {
  ModelFixture f;
  HostProbeDriver probes(f.probe_ports(), nullptr, [&] { return f.now_ps(); });
  probes.on_violation(Violation{.rule = "X"});
  EXPECT_EQ(f.model().host_violation, 1);
  EXPECT_TRUE(probes.end_violation_pulse());
  EXPECT_EQ(f.model().host_violation, 0);
  EXPECT_FALSE(probes.end_violation_pulse());
}

TEST(HostProbeDriver, CpusAndLocksBeyondTheProbeWidthAreIgnoredNotACrash) {
  ModelFixture f;
  HostProbeDriver probes(f.probe_ports(), nullptr, [&] { return f.now_ps(); });
  probes.on_irql(HostProbeDriver::kMaxCpus, 2);
  probes.on_lock(0, LockEvent::kAcquired, HostProbeDriver::kMaxLocks + 5, "Big");
  EXPECT_EQ(probes.lock_held(0), HostProbeDriver::kMaxLocks + 6);
  EXPECT_EQ(probes.lock_owner(HostProbeDriver::kMaxLocks + 5), 0u);
}

}  // namespace
}  // namespace nicsim::sim::trace
