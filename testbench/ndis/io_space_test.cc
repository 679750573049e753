// I/O space on its own: how register and port addresses decode to BAR0 offsets, and accesses of
// every width reaching the register file. Off any CPU, as the testbench itself.
#include "driver/ndis/io_space.h"

#include <gtest/gtest.h>

#include "testbench/ndis/ndis_test_util.h"

namespace nicsim::ndis {
namespace {

using testing::Bench;

const CallSite kHere{"driver/fragment.c", 1, "Fragment"};

PUCHAR Map(IoSpace& io, UINT length) {
  PVOID va = nullptr;
  EXPECT_EQ(io.map_io_space(&va, NDIS_PHYSICAL_ADDRESS{}, length, kHere), NDIS_STATUS_SUCCESS);
  return static_cast<PUCHAR>(va);
}

TEST(IoSpace, RegistersInsideAMappingDecodeToTheirOffset) {
  Bench b;
  IoSpace& io = b.kernel.io();
  PUCHAR bar0 = Map(io, 0x100);
  uint32_t offset = 0;
  ASSERT_TRUE(io.decode_io(bar0 + 0x10, 4, false, offset));
  EXPECT_EQ(offset, 0x10u);
  ASSERT_TRUE(io.decode_io(bar0 + 0xFF, 1, false, offset));
  EXPECT_EQ(offset, 0xFFu);
  EXPECT_FALSE(io.decode_io(bar0 + 0xFE, 4, false, offset));  // runs past the mapping
  EXPECT_FALSE(io.decode_io(bar0 + 0x10, 4, true, offset));   // not a port
}

TEST(IoSpace, AnUnmappedWindowNoLongerDecodes) {
  Bench b;
  IoSpace& io = b.kernel.io();
  PUCHAR bar0 = Map(io, 0x100);
  io.unmap_io_space(bar0);
  uint32_t offset = 0;
  EXPECT_FALSE(io.decode_io(bar0, 4, false, offset));
}

TEST(IoSpace, PortsDecodeFromTheirInitialPort) {
  Bench b;
  IoSpace& io = b.kernel.io();
  PVOID ports = nullptr;
  ASSERT_EQ(io.register_io_port_range(&ports, 0x40, 0x10, kHere), NDIS_STATUS_SUCCESS);
  auto* base = static_cast<PUCHAR>(ports);
  uint32_t offset = 0;
  ASSERT_TRUE(io.decode_io(base + 4, 2, true, offset));
  EXPECT_EQ(offset, 0x44u);
  EXPECT_FALSE(io.decode_io(base + 0xF, 2, true, offset));  // runs past the range
  EXPECT_FALSE(io.decode_io(base + 4, 2, false, offset));   // not a register
  io.deregister_io_port_range(0x40, 0x10, ports, kHere);
  EXPECT_FALSE(io.decode_io(base + 4, 2, true, offset));
}

TEST(IoSpace, APortRangeMustLieInsideBar0) {
  Bench b;
  IoSpace& io = b.kernel.io();
  PVOID ports = nullptr;
  const UINT length = b.kernel.resources().bar0_length;
  EXPECT_EQ(io.register_io_port_range(&ports, length - 4, 8, kHere), NDIS_STATUS_FAILURE);
  EXPECT_EQ(io.register_io_port_range(&ports, length - 4, 4, kHere), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(io.register_io_port_range(&ports, 0, 0, kHere), NDIS_STATUS_FAILURE);
}

TEST(IoSpace, AccessesReachTheRegisterFileAtTheirWidthAndOffset) {
  Bench b;
  IoSpace& io = b.kernel.io();
  PUCHAR bar0 = Map(io, 0x100);
  io.write_io(bar0 + 0x22, 2, 0xBEEF, false, kHere);
  ASSERT_EQ(b.registers.accesses.size(), 1u);
  EXPECT_TRUE(b.registers.accesses[0].write);
  EXPECT_EQ(b.registers.accesses[0].offset, 0x22u);
  EXPECT_EQ(b.registers.accesses[0].bytes, 2u);
  EXPECT_EQ(io.read_io(bar0 + 0x20, 4, false, kHere), 0xBEEF0000u);
  EXPECT_EQ(io.read_io(bar0 + 0x23, 1, false, kHere), 0xBEu);
  // An address nothing maps reads as all ones of its width and reaches no register.
  const uint32_t elsewhere = 0;
  EXPECT_EQ(io.read_io(&elsewhere, 2, false, kHere), 0xFFFFu);
  EXPECT_EQ(b.registers.accesses.size(), 3u);
}

}  // namespace
}  // namespace nicsim::ndis
