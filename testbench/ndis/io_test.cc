// Register and port access at every width: byte lanes on a fake register file and on the real
// Verilated NIC's AXI4-Lite pins, the I/O port alias of BAR0, REGISTER_MISALIGNED and
// IO_PORT_RANGE_IRQL, and the small rest (shared-data alignment, tagged free).
#include <gtest/gtest.h>

#include <vector>

#include "nic_regs.h"
#include "rtl/nic_device.h"
#include "sim/monitors/cycle_monitor.h"
#include "sim/nic_domain.h"
#include "testbench/ndis/ndis_test_util.h"

namespace nicsim::ndis {
namespace {

using testing::Bench;
using testing::FakeRegisters;
using testing::Fragment;
using testing::kMaskRegister;

// Maps BAR0 from a passive thread; the base as bytes.
PUCHAR MapBar0(UINT length = 0x1000) {
  PVOID va = nullptr;
  NDIS_PHYSICAL_ADDRESS bar0{};
  EXPECT_EQ(NdisMMapIoSpace(&va, nullptr, bar0, length), NDIS_STATUS_SUCCESS);
  return static_cast<PUCHAR>(va);
}

size_t Count(const FakeRegisters& r, bool write) {
  size_t n = 0;
  for (const auto& a : r.accesses) n += a.write == write;
  return n;
}

TEST(RegisterWidths, ByteAndHalfwordChangeOnlyTheirLanes) {
  Bench b;
  b.registers.regs[0x40] = 0x11223344;
  UCHAR byte = 0;
  USHORT half = 0;
  ULONG word = 0;
  b.kernel.run_passive(0, "fragment", [&] {
    PUCHAR bar0 = MapBar0();
    NdisWriteRegisterUchar(bar0 + 0x42, 0xAA);
    NdisWriteRegisterUshort(bar0 + 0x40, 0xBEEF);
    NdisReadRegisterUlong(bar0 + 0x40, &word);
    NdisReadRegisterUchar(bar0 + 0x43, &byte);
    NdisReadRegisterUshort(bar0 + 0x42, &half);
  });
  b.run();
  EXPECT_EQ(word, 0x11AABEEFu);
  EXPECT_EQ(byte, 0x11);
  EXPECT_EQ(half, 0x11AA);
  ASSERT_EQ(b.registers.accesses.size(), 5u);
  EXPECT_EQ(b.registers.accesses[0].offset, 0x42u);
  EXPECT_EQ(b.registers.accesses[0].bytes, 1u);
  EXPECT_EQ(b.registers.accesses[1].bytes, 2u);
  EXPECT_EQ(b.registers.accesses[4].offset, 0x42u);
  EXPECT_NO_VIOLATIONS(b);
}

TEST(RegisterWidths, UlongKeepsWorkingThroughTheNewPath) {
  Bench b;
  ULONG value = 0;
  b.kernel.run_passive(0, "fragment", [&] {
    PUCHAR bar0 = MapBar0();
    NdisWriteRegisterUlong(bar0 + 0x10, 0xCAFEF00D);
    NdisReadRegisterUlong(bar0 + 0x10, &value);
  });
  b.run();
  EXPECT_EQ(value, 0xCAFEF00Du);
  EXPECT_EQ(b.registers.regs[0x10], 0xCAFEF00Du);
}

TEST(RegisterRules, REGISTER_MISALIGNED_Triggers) {
  Bench b;
  ULONG value = 0;
  b.kernel.run_passive(1, "fragment", [&] {
    PUCHAR bar0 = MapBar0();
    NdisWriteRegisterUshort(bar0 + 0x101, 0x1234);  // a USHORT at an odd offset
    NdisReadRegisterUlong(bar0 + 0x102, &value);    // a ULONG not 4-aligned
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "REGISTER_MISALIGNED");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.object, "register 0x0101");
  EXPECT_NE(v.message.find("NdisWriteRegisterUshort"), std::string::npos) << v.message;
  EXPECT_NE(v.where.find("io_test.cc"), std::string::npos) << v.where;
  EXPECT_EQ(b.platform.violations().all().size(), 2u);
  // Neither reached the device; the read returned all ones.
  EXPECT_TRUE(b.registers.accesses.empty());
  EXPECT_EQ(value, 0xFFFFFFFFu);
}

TEST(RegisterRules, REGISTER_MISALIGNED_TriggersOnAPort) {
  Bench b;
  USHORT value = 0;
  b.kernel.run_passive(0, "fragment", [&] {
    PVOID ports = nullptr;
    ASSERT_EQ(NdisMRegisterIoPortRange(&ports, nullptr, 0x100, 0x20), NDIS_STATUS_SUCCESS);
    NdisRawReadPortUshort(reinterpret_cast<ULONG_PTR>(ports) + 3, &value);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "REGISTER_MISALIGNED");
  EXPECT_EQ(v.object, "port 0x0103");
  EXPECT_EQ(value, 0xFFFF);
  EXPECT_TRUE(b.registers.accesses.empty());
}

TEST(RegisterRules, REGISTER_MISALIGNED_Silent) {
  Bench b;
  UCHAR byte = 0;
  USHORT half = 0;
  ULONG word = 0;
  b.kernel.run_passive(0, "fragment", [&] {
    PUCHAR bar0 = MapBar0();
    NdisWriteRegisterUchar(bar0 + 0x103, 0x5A);  // a byte is aligned anywhere
    NdisWriteRegisterUshort(bar0 + 0x106, 0x1234);
    NdisWriteRegisterUlong(bar0 + 0x108, 0x89ABCDEF);
    NdisReadRegisterUchar(bar0 + 0x103, &byte);
    NdisReadRegisterUshort(bar0 + 0x106, &half);
    NdisReadRegisterUlong(bar0 + 0x108, &word);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  // Positive control: all six accesses reached the register file with their widths.
  ASSERT_EQ(b.registers.accesses.size(), 6u);
  EXPECT_EQ(byte, 0x5A);
  EXPECT_EQ(half, 0x1234);
  EXPECT_EQ(word, 0x89ABCDEFu);
  EXPECT_EQ(b.registers.regs[0x100], 0x5A000000u);
  EXPECT_EQ(b.registers.regs[0x104], 0x12340000u);
}

TEST(IoPorts, PortsDecodeToBar0OffsetsAtEveryWidth) {
  Bench b;
  UCHAR byte = 0;
  USHORT half = 0;
  ULONG word = 0;
  b.kernel.run_passive(0, "fragment", [&] {
    PVOID ports = nullptr;
    ASSERT_EQ(NdisMRegisterIoPortRange(&ports, nullptr, 0x100, 0x20), NDIS_STATUS_SUCCESS);
    ASSERT_NE(ports, nullptr);
    const auto base = reinterpret_cast<ULONG_PTR>(ports);
    NdisRawWritePortUlong(base + 4, 0x11223344);  // port 0x104: BAR0 offset 0x104
    NdisRawWritePortUchar(base + 5, 0xAA);
    NdisRawWritePortUshort(base + 6, 0xBEEF);
    NdisRawReadPortUlong(base + 4, &word);
    NdisRawReadPortUchar(base + 4, &byte);
    NdisRawReadPortUshort(base + 6, &half);
    NdisMDeregisterIoPortRange(nullptr, 0x100, 0x20, ports);
  });
  b.run();
  EXPECT_EQ(b.registers.regs[0x104], 0xBEEFAA44u);
  EXPECT_EQ(word, 0xBEEFAA44u);
  EXPECT_EQ(byte, 0x44);
  EXPECT_EQ(half, 0xBEEF);
  EXPECT_NO_VIOLATIONS(b);
}

TEST(IoPorts, RangesOutsideBar0FailAndDeregisteredPortsAreNotDecoded) {
  Bench b;
  NDIS_STATUS outside = NDIS_STATUS_SUCCESS, empty = NDIS_STATUS_SUCCESS;
  b.kernel.run_passive(0, "fragment", [&] {
    PVOID ports = nullptr;
    outside = NdisMRegisterIoPortRange(&ports, nullptr, 0x1FF0, 0x20);  // BAR0 is 0x2000 bytes
    empty = NdisMRegisterIoPortRange(&ports, nullptr, 0x100, 0);
    ASSERT_EQ(NdisMRegisterIoPortRange(&ports, nullptr, 0x100, 0x10), NDIS_STATUS_SUCCESS);
    NdisMDeregisterIoPortRange(nullptr, 0x100, 0x10, ports);
    NdisRawWritePortUlong(reinterpret_cast<ULONG_PTR>(ports), 1);  // no longer mapped
  });
  b.run();
  EXPECT_EQ(outside, NDIS_STATUS_FAILURE);
  EXPECT_EQ(empty, NDIS_STATUS_FAILURE);
  EXPECT_EQ(Count(b.registers, true), 0u);
}

TEST(IoPortRules, IO_PORT_RANGE_IRQL_Triggers) {
  Bench b;
  NDIS_SPIN_LOCK lock{};
  b.kernel.run_passive(0, "init", [&] {
    NicsimAllocateSpinLockNamed(&lock, "Lock");
    NdisAcquireSpinLock(&lock);
    PVOID ports = nullptr;
    (void)NdisMRegisterIoPortRange(&ports, nullptr, 0x100, 0x10);
    NdisReleaseSpinLock(&lock);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "IO_PORT_RANGE_IRQL");
  EXPECT_EQ(v.irql, DISPATCH_LEVEL);
  EXPECT_EQ(v.object, "NdisMRegisterIoPortRange");
}

TEST(IoPortRules, IO_PORT_RANGE_IRQL_Silent) {
  Bench b;
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  b.kernel.run_passive(0, "init", [&] {
    PVOID ports = nullptr;
    status = NdisMRegisterIoPortRange(&ports, nullptr, 0x100, 0x10);
    NdisRawWritePortUlong(reinterpret_cast<ULONG_PTR>(ports) + 8, 7);
    NdisMDeregisterIoPortRange(nullptr, 0x100, 0x10, ports);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(status, NDIS_STATUS_SUCCESS);  // positive control: the range worked
  EXPECT_EQ(b.registers.regs[0x108], 7u);
}

TEST(RegisterWidths, AByteWriteToTheMaskRegisterIsAMaskWrite) {
  Bench b;
  Fragment f;
  b.register_at_start(f, {1});
  b.kernel.run_passive(
      0, "fragment", [&] { NdisWriteRegisterUchar(f.bar0 + kMaskRegister + 1, 1); }, 5'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "MASK_OUTSIDE_SYNC");
  EXPECT_EQ(v.object, "register 0x0018");
}

TEST(NdisMisc, SharedDataAlignmentIsTheCacheLine) {
  Bench b;
  EXPECT_EQ(NdisGetSharedDataAlignment(), 64u);
}

TEST(NdisMisc, FreeMemoryWithTagPriorityFreesLikeNdisFreeMemory) {
  constexpr ULONG kTag = 0x74736554;  // 'tseT'
  Bench b;
  PVOID memory = nullptr;
  b.kernel.run_passive(0, "fragment", [&] {
    memory = NdisAllocateMemoryWithTagPriority(nullptr, 128, kTag, NormalPoolPriority);
    ASSERT_NE(memory, nullptr);
    NdisFreeMemoryWithTagPriority(nullptr, memory, kTag);
  });
  b.run();
  EXPECT_NE(memory, nullptr);
  EXPECT_NO_VIOLATIONS(b);
}

// The real NIC: what the AXI4-Lite write channel carried, per accepted write.
struct WriteChannel : sim::CycleMonitor {
  struct Beat {
    uint16_t awaddr;
    uint32_t wdata;
    uint8_t wstrb;
  };
  void on_cycle(uint64_t, const sim::DevicePorts& ports) override {
    const sim::AxiLitePorts& p = ports.regs;
    if (p.awvalid && p.awready) address = static_cast<uint16_t>(p.awaddr);
    if (p.wvalid && p.wready) beats.push_back({address, p.wdata, p.wstrb});
  }
  uint16_t address = 0;
  std::vector<Beat> beats;
};

TEST(RegisterLanesRtl, ByteAndHalfwordWritesChangeOnlyTheirLanesOfTheNic) {
  sim::PlatformConfig config;
  config.cpus = 1;
  config.device = [] { return rtl::make_nic_device(); };
  sim::Platform platform(config);
  Kernel kernel(platform);
  platform.nic().add_standard_monitors(rtl::nic_device_description());
  WriteChannel channel;
  platform.nic().add_monitor(&channel);
  const uint32_t data = nic_regs::MSIX_DATA(1);  // read/write, all 32 bits
  const uint32_t itr = nic_regs::ITR(0);         // read/write, 16 bits
  ULONG word = 0, itr_word = 0;
  UCHAR byte = 0;
  USHORT half = 0, port_half = 0;
  kernel.run_passive(0, "fragment", [&] {
    PUCHAR bar0 = MapBar0(0x2000);
    NdisWriteRegisterUlong(bar0 + data, 0x11223344);
    NdisWriteRegisterUchar(bar0 + data + 2, 0xAA);
    NdisWriteRegisterUshort(bar0 + data, 0xBEEF);
    NdisReadRegisterUlong(bar0 + data, &word);
    NdisReadRegisterUchar(bar0 + data + 3, &byte);
    NdisReadRegisterUshort(bar0 + data + 2, &half);
    NdisWriteRegisterUlong(bar0 + itr, 0x1234);
    NdisWriteRegisterUchar(bar0 + itr + 1, 0x56);
    NdisWriteRegisterUchar(bar0 + itr + 2, 0x77);  // beyond the register's 16 bits
    NdisReadRegisterUlong(bar0 + itr, &itr_word);
    // The I/O port alias reaches the same register file.
    PVOID ports = nullptr;
    ASSERT_EQ(NdisMRegisterIoPortRange(&ports, nullptr, data, 4), NDIS_STATUS_SUCCESS);
    NdisRawReadPortUshort(reinterpret_cast<ULONG_PTR>(ports), &port_half);
    NdisMDeregisterIoPortRange(nullptr, data, 4, ports);
  });
  ASSERT_TRUE(platform.run_until_passive_done(2'000'000));
  EXPECT_EQ(word, 0x11AABEEFu);
  EXPECT_EQ(byte, 0x11);
  EXPECT_EQ(half, 0x11AA);
  EXPECT_EQ(itr_word, 0x5634u);
  EXPECT_EQ(port_half, 0xBEEF);
  // On the pins: the byte write enabled lane 2 only, with its data on that lane and its own
  // byte address; the halfword write lanes 0 and 1.
  ASSERT_GE(channel.beats.size(), 3u);
  EXPECT_EQ(channel.beats[0].wstrb, 0xF);
  EXPECT_EQ(channel.beats[1].wstrb, 0x4);
  EXPECT_EQ(channel.beats[1].wdata & 0x00FF0000u, 0x00AA0000u);
  EXPECT_EQ(channel.beats[1].awaddr, data + 2);
  EXPECT_EQ(channel.beats[2].wstrb, 0x3);
  EXPECT_EQ(channel.beats[2].wdata & 0xFFFFu, 0xBEEFu);
  EXPECT_EQ(channel.beats[2].awaddr, data);
  EXPECT_TRUE(platform.violations().empty()) << testing::describe(platform.violations().all());
}

}  // namespace
}  // namespace nicsim::ndis
