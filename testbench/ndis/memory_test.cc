// Memory, DMA and waiting rules: shared-memory grants, buffer ownership, stalls and blocking.
#include <gtest/gtest.h>

#include <array>

#include "testbench/ndis/ndis_test_util.h"

namespace nicsim::ndis {
namespace {

using testing::Bench;
using testing::Fragment;

TEST(MemoryRules, DMA_OUTSIDE_GRANT_Triggers) {
  Bench b;
  NDIS_PHYSICAL_ADDRESS pa{};
  b.kernel.run_passive(0, "fragment", [&] {
    PVOID va = nullptr;
    NdisMAllocateSharedMemory(nullptr, 256, FALSE, &va, &pa);
    NdisMFreeSharedMemory(nullptr, 256, FALSE, va, pa);  // the device still has the address
  });
  b.run();
  std::array<uint8_t, 16> out{};
  EXPECT_FALSE(b.platform.memory().dma_read(static_cast<uint64_t>(pa.QuadPart), out));
  const auto& v = EXPECT_VIOLATION(b, "DMA_OUTSIDE_GRANT");
  EXPECT_EQ(v.cpu, -1);
}

TEST(MemoryRules, DMA_OUTSIDE_GRANT_Silent) {
  Bench b;
  NDIS_PHYSICAL_ADDRESS pa{};
  PVOID va = nullptr;
  b.kernel.run_passive(0, "fragment", [&] {
    NdisMAllocateSharedMemory(nullptr, 256, FALSE, &va, &pa);
    NicsimWriteSharedUlong(va, 0x12345678);
  });
  b.run();
  ASSERT_NE(va, nullptr);
  std::array<uint8_t, 4> out{};
  EXPECT_TRUE(b.platform.memory().dma_read(static_cast<uint64_t>(pa.QuadPart), out));
  EXPECT_EQ(out[0], 0x78);
  EXPECT_NO_VIOLATIONS(b);
}

TEST(MemoryRules, CPU_TOUCHES_DEVICE_BUFFER_Triggers) {
  Bench b;
  b.kernel.run_passive(1, "fragment", [&] {
    PVOID va = nullptr;
    NDIS_PHYSICAL_ADDRESS pa{};
    NdisMAllocateSharedMemory(nullptr, 2048, FALSE, &va, &pa);
    NicsimSyncBufferForDevice(va, 2048);  // posted as a receive buffer
    (void)NicsimReadSharedUlong(static_cast<PUCHAR>(va) + 16);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "CPU_TOUCHES_DEVICE_BUFFER");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.object.rfind("buffer 0x", 0), 0u) << v.object;
}

TEST(MemoryRules, CPU_TOUCHES_DEVICE_BUFFER_Silent) {
  Bench b;
  b.kernel.run_passive(1, "fragment", [&] {
    PVOID va = nullptr;
    NDIS_PHYSICAL_ADDRESS pa{};
    NdisMAllocateSharedMemory(nullptr, 2048, FALSE, &va, &pa);
    NicsimSyncBufferForDevice(va, 2048);
    NicsimSyncBufferForCpu(va, 2048);  // the device reported completion
    (void)NicsimReadSharedUlong(static_cast<PUCHAR>(va) + 16);
    std::array<UCHAR, 64> frame{};
    NicsimMoveFromShared(frame.data(), va, 64);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
}

TEST(MemoryRules, STALL_TOO_LONG_Triggers) {
  Bench b;
  b.kernel.run_passive(1, "fragment", [&] { NdisStallExecution(60); });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "STALL_TOO_LONG");
  EXPECT_EQ(v.cpu, 1);
}

TEST(MemoryRules, STALL_TOO_LONG_Silent) {
  Bench b;
  b.kernel.run_passive(1, "fragment", [&] { NdisStallExecution(50); });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
}

TEST(MemoryRules, BLOCKING_AT_RAISED_IRQL_Triggers) {
  Bench b;
  Fragment f;
  f.dpc = [&](ULONG, PVOID) { NdisMSleep(10); };
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "BLOCKING_AT_RAISED_IRQL");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.object, "NdisMSleep");
}

TEST(MemoryRules, BLOCKING_AT_RAISED_IRQL_TriggersWaitUnderLock) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  NDIS_EVENT event{};
  NdisInitializeEvent(&event);
  b.kernel.run_passive(0, "fragment", [&] {
    NicsimAllocateSpinLockNamed(&lock, "Lock");
    NdisAcquireSpinLock(&lock);
    NdisWaitEvent(&event, 1);
    NdisReleaseSpinLock(&lock);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "BLOCKING_AT_RAISED_IRQL");
  EXPECT_EQ(v.object, "NdisWaitEvent");
}

TEST(MemoryRules, BLOCKING_AT_RAISED_IRQL_Silent) {
  Bench b;
  NDIS_EVENT event{};
  NdisInitializeEvent(&event);
  BOOLEAN signaled = FALSE;
  b.kernel.run_passive(0, "waiter", [&] {
    NdisMSleep(10);
    signaled = NdisWaitEvent(&event, 1);
  });
  b.kernel.run_passive(
      1, "setter", [&] { NdisSetEvent(&event); }, 20'000);
  b.run(5'000'000);
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(signaled, TRUE);
}

}  // namespace
}  // namespace nicsim::ndis
