// Host memory: sparse storage, stable allocations, grants, ownership; no message window.
#include "sim/host_memory.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "sim/platform.h"
#include "testbench/sim/host_test_util.h"

namespace nicsim::sim {
namespace {

TEST(HostMemory, SparseReadsZeroAndWritesCrossPages) {
  HostMemory memory;
  EXPECT_EQ(memory.read64(0x5000'0000), 0u);
  memory.write64(0x5000'0FFC, 0x1122334455667788ull);  // straddles a page boundary
  EXPECT_EQ(memory.read64(0x5000'0FFC), 0x1122334455667788ull);
  EXPECT_EQ(memory.read32(0x5000'1000), 0x11223344u);
}

TEST(HostMemory, AllocationsAreContiguousAndStable) {
  HostMemory memory;
  const uint64_t a = memory.allocate(10'000, 4096);
  const uint64_t b = memory.allocate(100);
  EXPECT_EQ(a % 4096, 0u);
  EXPECT_GE(b, a + 10'000);
  uint8_t* p = memory.data(a, 10'000);
  ASSERT_NE(p, nullptr);
  p[5000] = 0xAB;
  EXPECT_EQ(memory.read32(a + 5000) & 0xFF, 0xABu);
  memory.write32(a + 9996, 0xCAFEF00D);
  EXPECT_EQ(p[9996], 0x0D);
  EXPECT_EQ(memory.address_of(p + 123), a + 123);
  EXPECT_EQ(memory.data(a + 9000, 2000), nullptr);  // runs past the allocation
  EXPECT_EQ(memory.data(b, 100), memory.data(b, 100));
  memory.free(a);
  EXPECT_EQ(memory.data(a, 1), nullptr);
  EXPECT_THROW(memory.free(a), std::invalid_argument);
  EXPECT_THROW(memory.allocate(0), std::invalid_argument);
  EXPECT_THROW(memory.allocate(64, 3), std::invalid_argument);
}

TEST(HostMemory, GrantsCoverAdjacentRanges) {
  HostMemory memory;
  memory.grant(0x1000, 0x100, "ring");
  memory.grant(0x1100, 0x100, "buffers");
  EXPECT_TRUE(memory.granted(0x10F0, 0x20));
  EXPECT_FALSE(memory.granted(0x11F0, 0x20));
  EXPECT_FALSE(memory.granted(0x0FFF, 2));
  memory.revoke(0x1100);
  EXPECT_FALSE(memory.granted(0x10F0, 0x20));
}

TEST(HostMemory, OwnershipDefaultsToCpu) {
  HostMemory memory;
  memory.set_owner(0x2000, 0x800, BufferOwner::kDevice);
  EXPECT_EQ(memory.owner(0x2400), BufferOwner::kDevice);
  EXPECT_EQ(memory.owner(0x2800), BufferOwner::kCpu);
  memory.set_owner(0x2000, 0x800, BufferOwner::kCpu);
  EXPECT_EQ(memory.owner(0x2400), BufferOwner::kCpu);
}

TEST(HostMemory, DmaOutsideGrant) {
  Platform platform(testing::host_only(1));
  HostMemory& memory = platform.memory();
  const uint64_t buffer = memory.allocate(256);
  memory.grant(buffer, 128, "rx buffer");
  std::array<uint8_t, 16> data;
  data.fill(0x5A);
  std::array<uint8_t, 16> back{};

  // Inside: served and silent.
  EXPECT_TRUE(memory.dma_write(buffer, data));
  EXPECT_TRUE(memory.dma_read(buffer, back));
  EXPECT_EQ(back, data);
  EXPECT_TRUE(platform.violations().empty());

  // Outside (past the grant, and straddling its end): refused, recorded, not served.
  EXPECT_FALSE(memory.dma_write(buffer + 128, data));
  EXPECT_FALSE(memory.dma_write(buffer + 120, data));
  EXPECT_EQ(memory.read64(buffer + 128), 0u);
  EXPECT_EQ(memory.read64(buffer + 120), 0u);  // the straddling write stored nothing
  memory.write64(buffer + 200, 0x1234);
  back.fill(0xFF);
  EXPECT_FALSE(memory.dma_read(buffer + 192, back));
  EXPECT_EQ(back, (std::array<uint8_t, 16>{}));  // zeros, not the data
  EXPECT_EQ(platform.violations().count("DMA_OUTSIDE_GRANT"), 3u);
  EXPECT_EQ(memory.refused_dma(), 3u);
  EXPECT_EQ(platform.violations().all().front().cpu, -1);  // device side, not a CPU
}

TEST(HostMemory, DmaByteEnablesWriteOnlyEnabledBytes) {
  HostMemory memory;
  memory.grant(0x3000, 64, "buf");
  memory.write64(0x3000, 0);
  const std::array<uint8_t, 8> beat = {1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_TRUE(memory.dma_write(0x3000, beat, 0b1010'0101));
  EXPECT_EQ(memory.read64(0x3000), 0x0800'0600'0003'0001ull);
}

// The DMA slave decodes the message window; memory has no second decoder, so a message that
// bypassed the slave is plain DMA outside any grant: refused, not stored.
TEST(HostMemory, MessageWindowIsNotDecodedHere) {
  HostMemory memory;
  const std::array<uint8_t, 4> data = {0x41, 0, 0, 0};
  EXPECT_FALSE(memory.dma_write(InterruptController::msi_address(1), data));
  EXPECT_EQ(memory.refused_dma(), 1u);
  EXPECT_EQ(memory.read32(InterruptController::msi_address(1)), 0u);
}

}  // namespace
}  // namespace nicsim::sim
