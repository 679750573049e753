// MaliciousDevice: the reference miniport on the real platform (the Verilated NIC, host memory,
// the NDIS layer) while the test plays a hostile device. Right after the NIC stores a write-back
// in host memory, the test rewrites it with values no correct device writes (a length of 0,
// 0xFFFF, past the posted buffer or past the largest frame; status bits the device does not
// define; no end of packet), exactly where and when the device would have written it. The driver
// must count each one, give its buffer back to the ring and never use it; under the asan preset
// (ctest label sanitize) AddressSanitizer proves it never reads or writes out of bounds.
// The surprise-removal tests make every register read all-ones from a moment on and check the
// driver fails the sends the device holds and halts cleanly.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "driver/miniport/mp_driver.h"
#include "driver/ndis/kernel.h"
#include "nic_regs.h"
#include "rtl/nic_device.h"
#include "sim/axi_memory_slave.h"
#include "sim/link_partner.h"
#include "sim/monitors/cycle_monitor.h"
#include "sim/monitors/register_writes.h"
#include "sim/nic_domain.h"
#include "sim/platform.h"
#include "testbench/cli/send_chains.h"

namespace nicsim::miniport {
namespace {

using cli::Frame;

// A write-back as the hostile device rewrites it: the status byte and the length.
struct Hostile {
  const char* what;
  uint8_t status;
  uint16_t length;  // kKeepLength: the frame's own length
};
constexpr uint16_t kKeepLength = 0xFFFE;
constexpr uint8_t kDdEop = nic_regs::DESC_STATUS_DD | nic_regs::DESC_STATUS_EOP;
constexpr std::array kHostileRx = {
    Hostile{"length 0xFFFF", kDdEop, 0xFFFF},
    Hostile{"length 0", kDdEop, 0},
    Hostile{"longer than the posted buffer", kDdEop, nic_regs::kRxBufBytes + 1},
    Hostile{"longer than the largest frame", kDdEop, nic_regs::kMaxFrame + 1},
    Hostile{"shorter than an Ethernet header", kDdEop, 13},
    Hostile{"an undefined status bit", kDdEop | 0x80, kKeepLength},
    Hostile{"no end of packet", nic_regs::DESC_STATUS_DD, kKeepLength},
    Hostile{"all ones", 0xFF, 0xFFFF},
};

// Follows the RX rings the driver programs (from the register writes on the pins) and, as a DMA
// observer, rewrites every `every`-th RX write-back the NIC stores, cycling through kHostileRx.
class HostileWritebacks final : public sim::CycleMonitor, public sim::DmaObserver {
 public:
  HostileWritebacks(sim::HostMemory& memory, unsigned every) : memory_(memory), every_(every) {}

  void on_cycle(uint64_t, const sim::DevicePorts& ports) override {
    const auto write = writes_.on_cycle(ports);
    if (!write) return;
    for (unsigned q = 0; q < nic_regs::kMaxQueues; ++q) {
      Ring& ring = rings_[q];
      if (write->offset == nic_regs::RX_BASE_LO(q))
        ring.base = (ring.base >> 32 << 32) | write->value;
      if (write->offset == nic_regs::RX_BASE_HI(q))
        ring.base = (ring.base & 0xFFFFFFFFull) | uint64_t{write->value} << 32;
      if (write->offset == nic_regs::RX_SIZE(q)) ring.entries = write->value;
    }
  }

  void on_dma_read(uint64_t, uint64_t, uint64_t) override {}

  void on_dma_write(uint64_t, uint64_t address, uint64_t bytes, uint64_t) override {
    for (const Ring& ring : rings_) {
      const uint64_t ring_bytes = uint64_t{ring.entries} * nic_regs::kDescBytes;
      if (ring.entries == 0 || address + bytes <= ring.base || address >= ring.base + ring_bytes)
        continue;
      // The write-back word (length, status, hash) of the slot the write touched.
      const uint64_t slot = (address - ring.base) / nic_regs::kDescBytes;
      const uint64_t word = ring.base + slot * nic_regs::kDescBytes +
                            nic_regs::DESC_RX_STATUS_QWORD * sizeof(uint64_t);
      if (address + bytes <= word || address >= word + sizeof(uint64_t)) continue;
      const uint64_t writeback = memory_.read64(word);
      const auto status = static_cast<uint8_t>(writeback >> nic_regs::DESC_RX_STATUS_SHIFT);
      if (!(status & nic_regs::DESC_STATUS_DD)) continue;
      if (++writebacks_ % every_ != 0) continue;
      const Hostile& hostile = kHostileRx[corrupted_ % kHostileRx.size()];
      const uint64_t length =
          hostile.length == kKeepLength ? (writeback & nic_regs::DESC_RX_LEN_MASK) : hostile.length;
      const uint64_t rewritten =
          (writeback & ~nic_regs::DESC_RX_LEN_MASK &
           ~(nic_regs::DESC_RX_STATUS_MASK << nic_regs::DESC_RX_STATUS_SHIFT)) |
          length << nic_regs::DESC_RX_LEN_SHIFT |
          uint64_t{hostile.status} << nic_regs::DESC_RX_STATUS_SHIFT;
      memory_.write64(word, rewritten);
      ++corrupted_;
      ++kinds_[hostile.what];
    }
  }

  uint64_t writebacks() const { return writebacks_; }
  uint64_t corrupted() const { return corrupted_; }
  const std::map<std::string, uint64_t>& kinds() const { return kinds_; }

 private:
  struct Ring {
    uint64_t base = 0;
    uint32_t entries = 0;
  };
  sim::HostMemory& memory_;
  unsigned every_;
  sim::RegisterWriteTracker writes_;
  std::array<Ring, nic_regs::kMaxQueues> rings_{};
  uint64_t writebacks_ = 0;
  uint64_t corrupted_ = 0;
  std::map<std::string, uint64_t> kinds_;
};

// Register reads through this port answer all-ones once removed() (the device left the bus);
// before, they reach the NIC.
class RemovableMmio final : public sim::MmioPort {
 public:
  explicit RemovableMmio(sim::MmioPort& device) : device_(device) {}
  void remove() { removed_ = true; }
  uint64_t reads_after_removal() const { return reads_after_removal_; }
  uint64_t writes_after_removal() const { return writes_after_removal_; }

  uint32_t read32(uint32_t offset) override {
    if (!removed_) return device_.read32(offset);
    ++reads_after_removal_;
    return 0xFFFFFFFFu;
  }
  void write32(uint32_t offset, uint32_t value) override {
    if (!removed_) return device_.write32(offset, value);
    ++writes_after_removal_;
  }
  uint32_t read(uint32_t offset, unsigned bytes) override {
    if (!removed_) return device_.read(offset, bytes);
    ++reads_after_removal_;
    return bytes == 4 ? 0xFFFFFFFFu : (1u << (8 * bytes)) - 1;
  }
  void write(uint32_t offset, unsigned bytes, uint32_t value) override {
    if (!removed_) return device_.write(offset, bytes, value);
    ++writes_after_removal_;
  }

 private:
  sim::MmioPort& device_;
  bool removed_ = false;
  uint64_t reads_after_removal_ = 0;
  uint64_t writes_after_removal_ = 0;
};

// The reference miniport on the reference NIC: 2 CPUs, 2 queues, MSI-X; the protocol returns
// every receive at once and records every send completion.
struct DriverBench {
  explicit DriverBench(unsigned cpus = 2, unsigned queues = 2)
      : platform(platform_config(cpus)), kernel(platform) {
    const sim::DeviceDescription& device = rtl::nic_device_description();
    platform.nic().add_standard_monitors(device);
    ndis::AdapterResources resources;
    resources.bar0_length = device.bar0_bytes;
    for (unsigned m = 0; m <= queues; ++m) resources.message_cpus.push_back(m % queues);
    resources.interrupt_mask_offsets = {device.mask_set, device.mask_clear};
    kernel.set_resources(resources);
    kernel.set_keywords({{"*NumRssQueues", std::to_string(queues)}});
    ndis::ProtocolHooks hooks;
    hooks.receive = [this](PNET_BUFFER_LIST nbls, ULONG, ULONG flags) {
      for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next) {
        for (const Frame& frame : cli::frames_of(nbl)) received.push_back(frame);
      }
      if (flags & NDIS_RECEIVE_FLAGS_RESOURCES) return;
      kernel.return_net_buffer_lists(
          nbls, (flags & NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL) ? NDIS_RETURN_FLAGS_DISPATCH_LEVEL : 0);
    };
    hooks.send_complete = [this](PNET_BUFFER_LIST nbls, ULONG) {
      for (PNET_BUFFER_LIST nbl = nbls; nbl;) {
        PNET_BUFFER_LIST next = NET_BUFFER_LIST_NEXT_NBL(nbl);
        NET_BUFFER_LIST_NEXT_NBL(nbl) = nullptr;
        ++send_statuses[static_cast<uint32_t>(NET_BUFFER_LIST_STATUS(nbl))];
        completed.push_back(nbl);
        nbl = next;
      }
    };
    kernel.set_protocol(hooks);
    EXPECT_EQ(DriverEntry(nullptr, nullptr), NDIS_STATUS_SUCCESS);
  }

  static sim::PlatformConfig platform_config(unsigned cpus) {
    sim::PlatformConfig config;
    config.cpus = cpus;
    config.schedule.seed = 7;
    config.device = [] { return rtl::make_nic_device(); };
    return config;
  }

  // Frames of 64..1514 bytes, each unique in its first bytes.
  static std::vector<Frame> frames(unsigned count) {
    std::vector<Frame> out;
    for (unsigned i = 0; i < count; ++i) {
      Frame frame(64 + (i * 97) % (1514 - 64 + 1));
      for (size_t b = 0; b < frame.size(); ++b) frame[b] = static_cast<uint8_t>(b * 7 + i);
      frame[0] = 0x02;  // locally administered unicast destination
      frame[12] = 0x08;
      frame[13] = 0x00;
      frame[14] = static_cast<uint8_t>(i);
      frame[15] = static_cast<uint8_t>(i >> 8);
      out.push_back(std::move(frame));
    }
    return out;
  }

  // Runs on a CPU at PASSIVE_LEVEL once the adapter runs: the link partner sends the frames.
  void start_rx(const std::vector<Frame>& frames) {
    ASSERT_EQ(kernel.adapter_state(), ndis::AdapterState::kRunning);
    const uint64_t start = platform.nic_cycle() + 10;
    for (const Frame& frame : frames) platform.nic().link().send(frame, false, start);
    (void)platform.mmio().read32(nic_regs::ID);  // wakes an idle clock domain
  }

  // Runs on a CPU at PASSIVE_LEVEL: a 64-bit counter OID as the protocol queries it.
  ULONG64 query_ulong64(NDIS_OID oid) {
    ULONG64 value = 0;
    NDIS_OID_REQUEST request{};
    request.Header = {NDIS_OBJECT_TYPE_DEFAULT, NDIS_OID_REQUEST_REVISION_1, sizeof request};
    request.RequestType = NdisRequestQueryInformation;
    request.DATA.QUERY_INFORMATION.Oid = oid;
    request.DATA.QUERY_INFORMATION.InformationBuffer = &value;
    request.DATA.QUERY_INFORMATION.InformationBufferLength = sizeof value;
    EXPECT_EQ(kernel.oid_request(&request), NDIS_STATUS_SUCCESS);
    return value;
  }

  std::string violations() {
    std::string text;
    for (const auto& v : platform.violations().all())
      text += v.rule + " " + v.object + ": " + v.message + "\n";
    return text;
  }

  sim::Platform platform;
  ndis::Kernel kernel;
  std::vector<Frame> received;
  std::vector<PNET_BUFFER_LIST> completed;
  std::map<uint32_t, uint64_t> send_statuses;
};

TEST(MaliciousDevice, HostileRxWritebacksAreCountedAndRecycled) {
  DriverBench bench;
  HostileWritebacks hostile(bench.platform.memory(), 3);
  bench.platform.nic().add_monitor(&hostile);
  bench.platform.nic().add_dma_observer(&hostile);
  constexpr unsigned kFrames = 300;  // more than a ring: recycled buffers are used again
  const std::vector<Frame> sent = DriverBench::frames(kFrames);

  ULONG64 rcv_error = 0;
  NDIS_STATISTICS_INFO stats{};
  bench.kernel.initialize_adapter(0, 0);
  bench.kernel.run_passive(0, "protocol", [&] {
    bench.start_rx(sent);
    bench.platform.current_cpu().block_until(
        [&] {
          return bench.received.size() + hostile.corrupted() >= kFrames || bench.platform.stopped();
        },
        2'000);
    rcv_error = bench.query_ulong64(OID_GEN_RCV_ERROR);
    NDIS_OID_REQUEST request{};
    request.Header = {NDIS_OBJECT_TYPE_DEFAULT, NDIS_OID_REQUEST_REVISION_1, sizeof request};
    request.RequestType = NdisRequestQueryStatistics;
    request.DATA.QUERY_INFORMATION.Oid = OID_GEN_STATISTICS;
    request.DATA.QUERY_INFORMATION.InformationBuffer = &stats;
    request.DATA.QUERY_INFORMATION.InformationBufferLength = sizeof stats;
    EXPECT_EQ(bench.kernel.oid_request(&request), NDIS_STATUS_SUCCESS);
  });
  ASSERT_TRUE(bench.platform.run_until_passive_done(20'000'000))
      << std::hex << bench.kernel.initialize_status() << std::dec << " received "
      << bench.received.size() << " " << bench.violations();
  bench.kernel.halt_adapter(0, bench.platform.now_ns());
  ASSERT_TRUE(bench.platform.run_until_passive_done(5'000'000));

  // Every kind was played, more than once, and every frame either came up intact or was one the
  // device spoiled.
  EXPECT_EQ(hostile.writebacks(), kFrames);
  EXPECT_EQ(hostile.corrupted(), kFrames / 3);
  for (const Hostile& kind : kHostileRx) EXPECT_GE(hostile.kinds().at(kind.what), 2u) << kind.what;
  EXPECT_EQ(bench.received.size(), kFrames - hostile.corrupted());
  std::multiset<Frame> expected(sent.begin(), sent.end());
  for (const Frame& frame : bench.received) {
    auto it = expected.find(frame);
    ASSERT_NE(it, expected.end()) << "a frame of " << frame.size() << " bytes nobody sent";
    expected.erase(it);
  }
  // Counted, and reported as receive errors through the OIDs.
  const DriverCounters& counters = MpCounters();
  EXPECT_EQ(counters.RxBadDescriptors, hostile.corrupted());
  EXPECT_EQ(counters.RxIndicated, kFrames - hostile.corrupted());
  EXPECT_EQ(rcv_error, hostile.corrupted());
  EXPECT_EQ(stats.ifInErrors, hostile.corrupted());
  EXPECT_TRUE(bench.platform.violations().all().empty()) << bench.violations();
  EXPECT_EQ(bench.kernel.adapter_state(), ndis::AdapterState::kHalted);
}

// The correct device, the same traffic: nothing counted as bad (the control for the test above).
TEST(MaliciousDevice, HonestWritebacksCountNothing) {
  DriverBench bench;
  HostileWritebacks honest(bench.platform.memory(), ~0u);  // rewrites none
  bench.platform.nic().add_monitor(&honest);
  bench.platform.nic().add_dma_observer(&honest);
  constexpr unsigned kFrames = 120;
  bench.kernel.initialize_adapter(0, 0);
  bench.kernel.run_passive(0, "protocol", [&] {
    bench.start_rx(DriverBench::frames(kFrames));
    bench.platform.current_cpu().block_until(
        [&] { return bench.received.size() >= kFrames || bench.platform.stopped(); }, 2'000);
  });
  ASSERT_TRUE(bench.platform.run_until_passive_done(20'000'000));
  bench.kernel.halt_adapter(0, bench.platform.now_ns());
  ASSERT_TRUE(bench.platform.run_until_passive_done(5'000'000));
  EXPECT_EQ(honest.writebacks(), kFrames);
  EXPECT_EQ(honest.corrupted(), 0u);
  EXPECT_EQ(bench.received.size(), kFrames);
  EXPECT_EQ(MpCounters().RxBadDescriptors, 0u);
  EXPECT_EQ(MpCounters().RxIndicated, kFrames);
  EXPECT_TRUE(bench.platform.violations().all().empty()) << bench.violations();
}

// The device reports a failed DMA transaction (ICR DMA_ERR, raised here through ICS as the NIC
// raises it on an error response): the driver counts it, asks NDIS for a reset
// (NdisMResetMiniport), and receives again after the reset.
TEST(MaliciousDevice, DmaErrorCauseIsCountedAndResetsTheAdapter) {
  // 4 CPUs: the misc vector's DPC on CPU 0, NDIS's reset work item on CPU 1, the driver's on
  // CPU 2; the protocol waits on CPU 3 (a CPU's passive threads run one after the other).
  DriverBench bench(4);
  constexpr unsigned kFrames = 60;
  size_t before_error = 0;
  bool saw_reset = false;
  bench.kernel.initialize_adapter(0, 0);
  bench.kernel.run_passive(3, "protocol", [&] {
    auto& cpu = bench.platform.current_cpu();
    cpu.block_until(
        [&] {
          return bench.kernel.adapter_state() == ndis::AdapterState::kRunning ||
                 bench.platform.stopped();
        },
        1'000);
    bench.start_rx(DriverBench::frames(kFrames));
    cpu.block_until([&] { return bench.received.size() >= kFrames || bench.platform.stopped(); },
                    2'000);
    before_error = bench.received.size();
    bench.platform.mmio().write32(nic_regs::ICS, nic_regs::ICR_DMA_ERR);
    cpu.block_until([&] { return MpCounters().DmaErrors > 0 || bench.platform.stopped(); }, 1'000);
    // NDIS runs MiniportResetEx from its work item; the driver's own work item completes it.
    cpu.block_until(
        [&] {
          saw_reset = saw_reset || bench.kernel.reset_in_progress();
          return (saw_reset && !bench.kernel.reset_in_progress()) || bench.platform.stopped();
        },
        500);
    bench.start_rx(DriverBench::frames(kFrames));
    cpu.block_until(
        [&] { return bench.received.size() >= 2 * kFrames || bench.platform.stopped(); }, 2'000);
  });
  ASSERT_TRUE(bench.platform.run_until_passive_done(20'000'000)) << bench.violations();
  bench.kernel.halt_adapter(0, bench.platform.now_ns());
  ASSERT_TRUE(bench.platform.run_until_passive_done(5'000'000));
  EXPECT_EQ(before_error, kFrames);
  EXPECT_EQ(MpCounters().DmaErrors, 1u);
  EXPECT_EQ(MpCounters().ResetsRequested, 1u);
  EXPECT_TRUE(saw_reset);
  EXPECT_EQ(bench.received.size(), 2 * kFrames) << "receives work again after the reset";
  EXPECT_TRUE(bench.platform.violations().all().empty()) << bench.violations();
}

// Sends in flight when the device leaves the bus: from then on every register read is all-ones.
// removal_ns: when; notify: whether PnP announces it (Kernel::surprise_remove) or the driver must
// find it on its own (its check-for-hang reads the ID register: NdisMRemoveMiniport).
struct RemovalRun {
  std::map<uint32_t, uint64_t> send_statuses;
  uint64_t sends = 0;
  uint64_t reads_after = 0, writes_after = 0;
  std::string violations;
  ndis::AdapterState state = ndis::AdapterState::kRunning;
  DriverCounters counters;
};

RemovalRun RunRemoval(bool notify) {
  DriverBench bench;
  RemovableMmio mmio(bench.platform.mmio());
  bench.kernel.set_mmio(&mmio);
  // The link partner holds the NIC's transmit side off, so sends stay on the rings.
  bench.platform.nic().link().set_tx_backpressure(100, 1);
  cli::SendChains chains(3);
  const std::vector<Frame> frames = DriverBench::frames(40);
  RemovalRun run;
  bench.kernel.initialize_adapter(0, 0);
  bench.kernel.run_passive(0, "protocol", [&] {
    ASSERT_EQ(bench.kernel.adapter_state(), ndis::AdapterState::kRunning);
    chains.open();
    for (const Frame& frame : frames) {
      const Frame* one[] = {&frame};
      PNET_BUFFER_LIST nbl = chains.build(one);
      ASSERT_NE(nbl, nullptr);
      bench.kernel.send_net_buffer_lists(nbl, 0);
      ++run.sends;
    }
  });
  // Once every send is in: the device leaves the bus; PnP says so, or a later hang check finds it.
  bench.kernel.run_passive(1, "bus", [&] {
    bench.platform.current_cpu().block_until(
        [&] { return run.sends == frames.size() || bench.platform.stopped(); }, 1'000);
    bench.platform.current_cpu().block_for(5'000);
    mmio.remove();
    const uint64_t now = bench.platform.now_ns();
    if (notify) {
      bench.kernel.surprise_remove(1, now);
    } else {
      bench.kernel.check_for_hang(1, now + 10'000);
    }
  });
  EXPECT_TRUE(bench.platform.run_until_passive_done(10'000'000));
  // NDIS halted it without the testbench's halt; the protocol frees what came back.
  bench.kernel.run_passive(
      0, "protocol-unbind",
      [&] {
        for (PNET_BUFFER_LIST nbl : bench.completed) chains.release(nbl);
        chains.close();
      },
      bench.platform.now_ns());
  EXPECT_TRUE(bench.platform.run_until_passive_done(1'000'000));
  run.send_statuses = bench.send_statuses;
  run.reads_after = mmio.reads_after_removal();
  run.writes_after = mmio.writes_after_removal();
  run.violations = bench.violations();
  run.state = bench.kernel.adapter_state();
  run.counters = MpCounters();
  return run;
}

TEST(MaliciousDevice, SurpriseRemovalFailsOutstandingSendsAndHalts) {
  const RemovalRun run = RunRemoval(true);
  uint64_t completed = 0;
  for (const auto& [status, count] : run.send_statuses) completed += count;
  EXPECT_EQ(completed, run.sends) << "every send came back";
  EXPECT_GT(run.send_statuses.count(static_cast<uint32_t>(NDIS_STATUS_FAILURE)), 0u)
      << "the sends the device held failed";
  EXPECT_EQ(run.counters.DeviceRemovals, 1u);
  EXPECT_GT(run.counters.SendsFailedRemoved, 0u);
  // Told by PnP, the driver touched the device no more.
  EXPECT_EQ(run.reads_after, 0u);
  EXPECT_EQ(run.writes_after, 0u);
  EXPECT_EQ(run.state, ndis::AdapterState::kHalted);
  EXPECT_TRUE(run.violations.empty()) << run.violations;
}

TEST(MaliciousDevice, AllOnesReadsMakeTheDriverAskForRemoval) {
  const RemovalRun run = RunRemoval(false);
  uint64_t completed = 0;
  for (const auto& [status, count] : run.send_statuses) completed += count;
  EXPECT_EQ(completed, run.sends);
  EXPECT_GT(run.send_statuses.count(static_cast<uint32_t>(NDIS_STATUS_FAILURE)), 0u);
  EXPECT_EQ(run.counters.DeviceRemovals, 1u);
  // It read all-ones once (the ID in check-for-hang) and then left the device alone.
  EXPECT_EQ(run.reads_after, 1u);
  EXPECT_EQ(run.writes_after, 0u);
  EXPECT_EQ(run.state, ndis::AdapterState::kHalted);
  EXPECT_TRUE(run.violations.empty()) << run.violations;
}

}  // namespace
}  // namespace nicsim::miniport
