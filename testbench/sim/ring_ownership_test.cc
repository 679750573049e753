// Ring ownership (sim/monitors/ring_ownership.h): DEVICE_READS_STALE_DESCRIPTOR and
// DEVICE_WRITES_CPU_BUFFER. The rule tests run the real Verilated NIC under a register-level
// driver that makes the mistake (Triggers) or does it right (Silent, with the monitor's counts
// as the positive control); the model tests drive the monitor with hand-made register writes and
// DMA accesses for what the reference NIC never does.
#include "sim/monitors/ring_ownership.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "nic_regs.h"
#include "nic_test_bench.h"

namespace nicsim::sim::testing {
namespace {

using nicsim::Violation;

std::string describe(const std::vector<Violation>& violations) {
  std::string text;
  for (const Violation& v : violations) {
    text += v.rule + " " + v.object + " cycle " + std::to_string(v.cycle) + ": " + v.message + "\n";
  }
  return text;
}

std::vector<Violation> with_rule(const std::vector<Violation>& all, const std::string& rule) {
  std::vector<Violation> out;
  std::copy_if(all.begin(), all.end(), std::back_inserter(out),
               [&](const Violation& v) { return v.rule == rule; });
  return out;
}

uint64_t status_word(uint8_t status, uint16_t length) {
  return uint64_t{status} << nic_regs::DESC_RX_STATUS_SHIFT | length;
}

// A register-level driver of queue 0 of the real NIC over its internal loopback: small TX and RX
// rings the test fills slot by slot, so it can make a ring mistake on purpose.
class LoopbackDriver {
 public:
  LoopbackDriver(NicBench& bench, unsigned tx_entries, unsigned rx_entries)
      : bench_(bench), tx_entries_(tx_entries), rx_entries_(rx_entries) {}

  // Programs both rings, zeroed, and enables the NIC; hands over no slot.
  void init() {
    using namespace nic_regs;
    HostMemory& memory = bench_.memory;
    tx_ring_ = memory.allocate(kDescBytes * tx_entries_, 4096);
    rx_ring_ = memory.allocate(kDescBytes * rx_entries_, 4096);
    memory.grant(tx_ring_, kDescBytes * tx_entries_, "tx ring");
    memory.grant(rx_ring_, kDescBytes * rx_entries_, "rx ring");
    for (unsigned i = 0; i < tx_entries_; ++i) tx_buffers_.push_back(buffer("tx buffer"));
    for (unsigned i = 0; i < rx_entries_ + 2; ++i) rx_buffers_.push_back(buffer("rx buffer"));
    MmioPort& mmio = bench_.nic->mmio();
    mmio.write32(TX_BASE_LO(0), static_cast<uint32_t>(tx_ring_));
    mmio.write32(TX_BASE_HI(0), static_cast<uint32_t>(tx_ring_ >> 32));
    mmio.write32(TX_SIZE(0), tx_entries_);
    mmio.write32(RX_BASE_LO(0), static_cast<uint32_t>(rx_ring_));
    mmio.write32(RX_BASE_HI(0), static_cast<uint32_t>(rx_ring_ >> 32));
    mmio.write32(RX_SIZE(0), rx_entries_);
    mmio.write32(RSS_QUEUES, 1);
    mmio.write32(CTRL, CTRL_EN | CTRL_LOOPBACK);
  }

  uint64_t tx_desc(unsigned slot) const { return tx_ring_ + nic_regs::kDescBytes * slot; }
  uint64_t rx_desc(unsigned slot) const { return rx_ring_ + nic_regs::kDescBytes * slot; }
  uint64_t rx_buffer(unsigned i) const { return rx_buffers_[i]; }

  // Points RX slot at buffer i, status clear (a correct post; the tail is written apart).
  void fill_rx(unsigned slot, unsigned i) {
    bench_.memory.write64(rx_desc(slot), rx_buffers_[i]);
    bench_.memory.write64(rx_desc(slot) + 8, 0);
  }
  void write_rx_tail(unsigned tail) { bench_.nic->mmio().write32(nic_regs::RX_TAIL(0), tail); }

  // Puts a 64-byte frame into TX slot's buffer and descriptor (status clear).
  void fill_tx(unsigned slot) {
    Frame frame(64);
    for (size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<uint8_t>(slot * 7 + i);
    bench_.memory.cpu_write(tx_buffers_[slot], frame);
    bench_.memory.write64(tx_desc(slot), tx_buffers_[slot]);
    bench_.memory.write64(tx_desc(slot) + 8, frame.size());
  }
  void write_tx_tail(unsigned tail) { bench_.nic->mmio().write32(nic_regs::TX_TAIL(0), tail); }

  // Waits (up to 20 us) for the device to write the descriptor at desc back; false on timeout.
  static_assert(nic_regs::DESC_TX_STATUS_SHIFT == nic_regs::DESC_RX_STATUS_SHIFT);
  bool wait_written_back(uint64_t desc) {
    for (int i = 0; i < 200; ++i) {
      if ((bench_.memory.read64(desc + 8) >> nic_regs::DESC_RX_STATUS_SHIFT) &
          nic_regs::DESC_STATUS_DD) {
        return true;
      }
      wait_ns(100);
    }
    return false;
  }

  // Sends TX slot's frame (filled, then the doorbell) and waits for its TX and RX write-backs,
  // and for the RX head to move past rx_slot (the NIC advances it at the write-back's response).
  bool send(unsigned tx_slot, unsigned rx_slot) {
    fill_tx(tx_slot);
    write_tx_tail((tx_slot + 1) % tx_entries_);
    if (!wait_written_back(tx_desc(tx_slot)) || !wait_written_back(rx_desc(rx_slot))) return false;
    for (int i = 0; i < 100; ++i) {
      if (bench_.nic->mmio().read32(nic_regs::RX_HEAD(0)) != rx_slot) return true;
      wait_ns(100);
    }
    return false;
  }

 private:
  uint64_t buffer(const char* tag) {
    const uint64_t address = bench_.memory.allocate(nic_regs::kRxBufBytes, 4096);
    bench_.memory.grant(address, nic_regs::kRxBufBytes, tag);
    return address;
  }

  NicBench& bench_;
  unsigned tx_entries_, rx_entries_;
  uint64_t tx_ring_ = 0, rx_ring_ = 0;
  std::vector<uint64_t> tx_buffers_, rx_buffers_;
};

// Runs body on a device-side thread against the real NIC with the standard monitors, for up to
// 200 us of simulated time; returns every violation.
struct NicRun {
  NicDomainConfig config;
  std::vector<Violation> violations;
  RingOwnership::Stats stats;
  bool done = false;

  template <typename Body>
  void run(unsigned tx_entries, unsigned rx_entries, Body body) {
    config.memory.backpressure_percent = 20;
    config.seed = 5;
    NicBench bench(config);
    bench.nic->add_standard_monitors(rtl::nic_device_description());
    ASSERT_NE(bench.nic->ring_ownership(), nullptr);
    LoopbackDriver driver(bench, tx_entries, rx_entries);
    spawn_driver([&] {
      driver.init();
      body(driver);
      done = true;
    });
    sc_core::sc_start(sc_core::sc_time(200, sc_core::SC_US));
    violations = bench.log.all();
    stats = bench.nic->ring_ownership()->stats();
  }
};

// --- DEVICE_READS_STALE_DESCRIPTOR on the real NIC ---

TEST(RingOwnershipOnTheNic, DEVICE_READS_STALE_DESCRIPTOR_TriggersOnADoorbellBeforeTheFill) {
  NicRun nic;
  nic.run(8, 4, [](LoopbackDriver& d) {
    d.write_tx_tail(1);  // the mistake: slot 0 is still zero when the doorbell covers it
    wait_ns(2000);
    d.fill_tx(0);
  });
  EXPECT_TRUE(nic.done);
  const auto stale = with_rule(nic.violations, "DEVICE_READS_STALE_DESCRIPTOR");
  ASSERT_EQ(stale.size(), 1u) << describe(nic.violations);
  EXPECT_EQ(stale[0].object, "TX0[0]");
  EXPECT_NE(stale[0].message.find("never filled (all zero)"), std::string::npos)
      << stale[0].message;
  EXPECT_GT(stale[0].sim_ns, 0u);
}

TEST(RingOwnershipOnTheNic, DEVICE_READS_STALE_DESCRIPTOR_TriggersOnASlotHandedBackUnfilled) {
  NicRun nic;
  nic.run(2, 4, [](LoopbackDriver& d) {
    for (unsigned i = 0; i < 3; ++i) d.fill_rx(i, i);
    d.write_rx_tail(3);
    ASSERT_TRUE(d.send(0, 0));
    ASSERT_TRUE(d.send(1, 1));
    d.write_tx_tail(1);  // the mistake: slot 0 handed over again as the device wrote it back
    wait_ns(5000);
  });
  EXPECT_TRUE(nic.done);
  const auto stale = with_rule(nic.violations, "DEVICE_READS_STALE_DESCRIPTOR");
  ASSERT_EQ(stale.size(), 1u) << describe(nic.violations);
  EXPECT_EQ(stale[0].object, "TX0[0]");
  EXPECT_NE(stale[0].message.find("unchanged since the device wrote it back"), std::string::npos)
      << stale[0].message;
}

TEST(RingOwnershipOnTheNic, DEVICE_READS_STALE_DESCRIPTOR_Silent) {
  // Both rings wrap several times, each slot refilled before its doorbell.
  NicRun nic;
  nic.run(2, 3, [](LoopbackDriver& d) {
    for (unsigned i = 0; i < 2; ++i) d.fill_rx(i, i);
    d.write_rx_tail(2);
    for (unsigned frame = 0; frame < 9; ++frame) {
      const unsigned rx_slot = frame % 3;
      ASSERT_TRUE(d.send(frame % 2, rx_slot)) << "frame " << frame;
      d.fill_rx((rx_slot + 2) % 3, (frame + 2) % 5);
      d.write_rx_tail((rx_slot + 3) % 3);
    }
  });
  EXPECT_TRUE(nic.done);
  EXPECT_TRUE(nic.violations.empty()) << describe(nic.violations);
  // Positive control: every descriptor was handed over, fetched and written back.
  EXPECT_EQ(nic.stats.fetches, 18u);
  EXPECT_EQ(nic.stats.write_backs, 18u);
  EXPECT_EQ(nic.stats.returned, 18u);
  EXPECT_GE(nic.stats.handed_over, 18u);
}

// --- DEVICE_WRITES_CPU_BUFFER on the real NIC ---

// Three frames fill RX slots 0..2 of a 4-slot ring; then slots 3 and 0 are handed over again,
// slot 3 filled and slot 0 as given (refill_slot0) or as the device wrote it back, and two more
// frames arrive.
void RxRingAroundOnce(LoopbackDriver& d, bool refill_slot0) {
  for (unsigned i = 0; i < 3; ++i) d.fill_rx(i, i);
  d.write_rx_tail(3);
  for (unsigned frame = 0; frame < 3; ++frame) ASSERT_TRUE(d.send(frame, frame));
  d.fill_rx(3, 3);
  if (refill_slot0) d.fill_rx(0, 4);
  d.write_rx_tail(1);
  ASSERT_TRUE(d.send(3, 3));
  ASSERT_TRUE(d.send(4, 0));
}

TEST(RingOwnershipOnTheNic, DEVICE_WRITES_CPU_BUFFER_TriggersThroughAStaleDescriptor) {
  NicRun nic;
  nic.run(8, 4, [](LoopbackDriver& d) { RxRingAroundOnce(d, false); });
  EXPECT_TRUE(nic.done);
  // The device read slot 0's written-back descriptor and wrote the frame into buffer 0, which
  // the driver took back with that write-back.
  const auto cpu = with_rule(nic.violations, "DEVICE_WRITES_CPU_BUFFER");
  ASSERT_EQ(cpu.size(), 1u) << describe(nic.violations);
  EXPECT_EQ(cpu[0].object, "RX0[0]");
  EXPECT_NE(cpu[0].message.find("into the buffer at"), std::string::npos) << cpu[0].message;
  EXPECT_EQ(with_rule(nic.violations, "DEVICE_READS_STALE_DESCRIPTOR").size(), 1u);
}

TEST(RingOwnershipOnTheNic, DEVICE_WRITES_CPU_BUFFER_Silent) {
  NicRun nic;
  nic.run(8, 4, [](LoopbackDriver& d) { RxRingAroundOnce(d, true); });
  EXPECT_TRUE(nic.done);
  EXPECT_TRUE(nic.violations.empty()) << describe(nic.violations);
  // Positive control: five receive buffers handed to the device with their descriptors, the
  // frames written into them, all returned.
  EXPECT_EQ(nic.stats.buffers_handed, 5u);
  EXPECT_GE(nic.stats.buffer_writes, 5u);
  EXPECT_EQ(nic.stats.write_backs, 10u);  // 5 TX and 5 RX
}

// --- the model, driven by hand ---

class RingOwnershipModel : public ::testing::Test {
 protected:
  RingOwnershipModel() { program(1, 4, 0x10'0000'0000ull); }

  void write(uint16_t offset, uint32_t value) {
    DevicePorts p;
    p.regs.awvalid = p.regs.awready = p.regs.wvalid = p.regs.wready = true;
    p.regs.awaddr = offset;
    p.regs.wdata = value;
    p.regs.wstrb = 0xF;
    monitor.on_cycle(cycle++, p);
  }
  void program(unsigned queue, uint32_t entries, uint64_t base) {
    ring = base;
    memory.grant(base, 16ull * entries, "ring");
    write(nic_regs::RX_BASE_LO(queue), static_cast<uint32_t>(base));
    write(nic_regs::RX_BASE_HI(queue), static_cast<uint32_t>(base >> 32));
    write(nic_regs::RX_SIZE(queue), entries);
  }
  // A correct post: slot points at a 2 KiB buffer, status clear.
  uint64_t post(unsigned slot) {
    const uint64_t buffer = 0x20'0000'0000ull + 0x1000ull * slot;
    memory.write64(ring + 16 * slot, buffer);
    memory.write64(ring + 16 * slot + 8, 0);
    return buffer;
  }
  void fetch(unsigned slot) { monitor.on_dma_read(cycle++, ring + 16 * slot, 8); }
  void data(uint64_t address, uint64_t bytes = 64) {
    monitor.on_dma_write(cycle++, address, bytes, burst++);
  }
  void write_back(unsigned slot, uint64_t bytes = 8) {
    memory.write64(ring + 16 * slot + 8, status_word(3, 64));
    monitor.on_dma_write(cycle++, ring + 16 * slot + 8, bytes, burst++);
  }
  std::vector<std::string> objects(const std::string& rule) const {
    std::vector<std::string> out;
    for (const Violation& v : seen) {
      if (v.rule == rule) out.push_back(v.object);
    }
    return out;
  }

  HostMemory memory;
  std::vector<Violation> seen;
  RingOwnership monitor{[this](Violation v) { seen.push_back(std::move(v)); },
                        rtl::nic_device_description(), memory};
  uint64_t ring = 0;
  uint64_t cycle = 100;
  uint64_t burst = 0;
};

TEST_F(RingOwnershipModel, FollowsHandOverFetchAndWriteBack) {
  const uint64_t b0 = post(0), b1 = post(1);
  write(nic_regs::RX_TAIL(1), 2);
  fetch(0);
  data(b0);
  write_back(0);
  fetch(1);
  data(b1 + 64, 1000);
  write_back(1);
  EXPECT_TRUE(seen.empty()) << describe(seen);
  EXPECT_EQ(monitor.stats().handed_over, 2u);
  EXPECT_EQ(monitor.stats().fetches, 2u);
  EXPECT_EQ(monitor.stats().buffers_handed, 2u);
  EXPECT_EQ(monitor.stats().buffer_writes, 2u);
  EXPECT_EQ(monitor.stats().returned, 2u);
  // Both buffers are the driver's again; a late write into the first is reported once.
  data(b0 + 8);
  data(b0 + 16);
  EXPECT_EQ(objects("DEVICE_WRITES_CPU_BUFFER"), std::vector<std::string>{"RX1[0]"});
}

TEST_F(RingOwnershipModel, AReturnedSlotIsNotReadNorWrittenUntilHandedOverAgain) {
  post(0);
  write(nic_regs::RX_TAIL(1), 1);
  fetch(0);
  write_back(0);
  post(0);  // refilled, but the doorbell not yet rung
  fetch(0);
  write_back(0);
  EXPECT_EQ(objects("DEVICE_READS_STALE_DESCRIPTOR"), std::vector<std::string>{"RX1[0]"});
  EXPECT_EQ(objects("DEVICE_WRITES_CPU_BUFFER"), std::vector<std::string>{"RX1[0]"});
  EXPECT_NE(seen[0].message.find("no tail write handed it over since"), std::string::npos);
}

TEST_F(RingOwnershipModel, AWriteBackInSeveralBeatsReturnsItsSlotOnce) {
  post(0);
  write(nic_regs::RX_TAIL(1), 1);
  fetch(0);
  monitor.on_dma_write(cycle++, ring + 8, 4, 7);
  monitor.on_dma_write(cycle++, ring + 12, 4, 7);  // the same burst's next beat
  EXPECT_TRUE(seen.empty()) << describe(seen);
  EXPECT_EQ(monitor.stats().write_backs, 1u);
}

TEST_F(RingOwnershipModel, ResetAndReprogrammingForgetOwnership) {
  const uint64_t b0 = post(0);
  write(nic_regs::RX_TAIL(1), 1);
  fetch(0);
  write_back(0);
  const uint64_t forgotten = monitor.stats().forgotten;
  write(nic_regs::CTRL, nic_regs::CTRL_RESET);
  // Forgotten: accesses in flight that land after the reset are not judged.
  fetch(0);
  data(b0);
  write_back(0);
  program(1, 4, ring);
  fetch(1);
  EXPECT_TRUE(seen.empty()) << describe(seen);
  EXPECT_EQ(monitor.stats().forgotten, forgotten + 4);  // the reset, base low and high, size
  // Followed again from the next doorbell on: slot 2 was never filled.
  write(nic_regs::RX_TAIL(1), 3);
  fetch(2);
  EXPECT_EQ(objects("DEVICE_READS_STALE_DESCRIPTOR"), std::vector<std::string>{"RX1[2]"});
}

// The example NIC writes a TX descriptor back only when it asks (CMD.RS, the frame's last): that
// write-back returns the frame's earlier descriptors too.
TEST(RingOwnershipModelExampleNic, AWriteBackReturnsTheEarlierSlotsWithoutOne) {
  const DeviceDescription device = DeviceDescription::load(SIMPLE_NIC_DEVICE_JSON);
  HostMemory memory;
  std::vector<Violation> seen;
  RingOwnership monitor([&](Violation v) { seen.push_back(std::move(v)); }, device, memory);
  ASSERT_TRUE(monitor.follows_any_ring());
  const RingCause& tx = device.rings[0];
  ASSERT_EQ(tx.name, "TX");
  ASSERT_TRUE(tx.tail);
  EXPECT_FALSE(tx.buffer);
  uint64_t cycle = 10;
  auto write = [&](uint32_t offset, uint32_t value) {
    DevicePorts p;
    p.regs.awvalid = p.regs.awready = p.regs.wvalid = p.regs.wready = true;
    p.regs.awaddr = offset;
    p.regs.wdata = value;
    p.regs.wstrb = 0xF;
    monitor.on_cycle(cycle++, p);
  };
  const uint64_t ring = 0x3'0000'0000ull;
  for (unsigned slot = 0; slot < 3; ++slot) memory.write64(ring + 16 * slot, 0x5000 + slot);
  write(tx.base_lo, static_cast<uint32_t>(ring));
  write(tx.base_hi, static_cast<uint32_t>(ring >> 32));
  write(tx.size, 8 * 16);  // bytes
  write(*tx.tail, 3);
  for (unsigned slot = 0; slot < 3; ++slot) monitor.on_dma_read(cycle++, ring + 16 * slot, 16);
  monitor.on_dma_write(cycle++, ring + 16 * 2 + 12, 1, 0);  // STATUS of the last only
  EXPECT_TRUE(seen.empty()) << describe(seen);
  EXPECT_EQ(monitor.stats().write_backs, 1u);
  EXPECT_EQ(monitor.stats().returned, 3u);
  monitor.on_dma_read(cycle++, ring, 16);  // slot 0 came back with slot 2's write-back
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].rule, "DEVICE_READS_STALE_DESCRIPTOR");
  EXPECT_EQ(seen[0].object, "TX[0]");
}

}  // namespace
}  // namespace nicsim::sim::testing
