// The happens-before detector alone (driver/ndis/race/race_detector.h), with two contexts of one
// CPU standing in for the kernel: what freed memory takes with it.
#include "driver/ndis/race/race_detector.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace nicsim::ndis::race {
namespace {

struct TwoContexts {
  ContextNow now;  // who runs: slot 0 (passive) or 1 (DPC) of CPU 0
  std::vector<Finding> findings;
  RaceDetector detector{1,
                        [this](ContextNow& out) {
                          out = now;
                          return true;
                        },
                        [this](const Finding& f) { findings.push_back(f); }};
  void run_as(uint16_t slot) {
    now.slot = slot;
    now.irql = slot == 0 ? 0 : 2;
  }
};

constexpr uintptr_t kPc = 0x1000;

// A lock's clock lives as long as the memory that holds it: freed, it is forgotten, so a long run
// keeps no clock per object it ever saw.
TEST(RaceDetector, FreeingMemoryForgetsTheSyncClocksInIt) {
  TwoContexts t;
  alignas(8) std::array<uint8_t, 64> block{};
  t.detector.add_region(block.data(), block.size(), {"pool", "here.c", 1, 0});
  t.run_as(0);
  t.detector.release(&block[8]);
  t.detector.atomic_store(&block[16], 8, 5, kPc);
  EXPECT_EQ(t.detector.sync_clocks(), 2u);
  t.detector.remove_region(block.data());
  EXPECT_EQ(t.detector.sync_clocks(), 0u);
}

// A new object at a freed one's address does not inherit its history: a write before the old
// lock's release and a read after an acquire of the new lock are not ordered.
// The passive context writes shared, then releases the lock in lock_block.
void WriteThenRelease(TwoContexts& t, std::array<uint8_t, 8>& shared,
                      std::array<uint8_t, 64>& lock_block) {
  t.detector.add_region(shared.data(), shared.size(), {"pool", "here.c", 2, 0});
  t.detector.add_region(lock_block.data(), lock_block.size(), {"pool", "here.c", 3, 0});
  t.run_as(0);
  t.detector.access(shared.data(), 4, true, false, kPc);
  t.detector.release(lock_block.data());
}

TEST(RaceDetector, DATA_RACE_TriggersWhenOnlyAFreedLocksHistoryWouldOrderTheAccesses) {
  TwoContexts t;
  alignas(8) std::array<uint8_t, 64> lock_block{};
  alignas(8) std::array<uint8_t, 8> shared{};
  WriteThenRelease(t, shared, lock_block);
  t.detector.remove_region(lock_block.data());
  t.detector.add_region(lock_block.data(), lock_block.size(), {"pool", "here.c", 4, 0});
  t.run_as(1);
  t.detector.acquire(lock_block.data());
  t.detector.access(shared.data(), 4, false, false, kPc + 4);
  ASSERT_EQ(t.findings.size(), 1u);
  EXPECT_EQ(t.findings[0].kind, FindingKind::kDataRace);
}

// The same hand-off through a lock that lives on: ordered, silent (the read was checked).
TEST(RaceDetector, DATA_RACE_SilentWhenTheLockThatOrdersTheAccessesLivesOn) {
  TwoContexts t;
  alignas(8) std::array<uint8_t, 64> lock_block{};
  alignas(8) std::array<uint8_t, 8> shared{};
  WriteThenRelease(t, shared, lock_block);
  t.run_as(1);
  t.detector.acquire(lock_block.data());
  t.detector.access(shared.data(), 4, false, false, kPc + 4);
  EXPECT_TRUE(t.findings.empty());
  EXPECT_EQ(t.detector.accesses_checked(), 2u);
}

}  // namespace
}  // namespace nicsim::ndis::race
