// Test bench for the NIC clock domain without the CPU platform: host memory, an interrupt
// controller that records what reaches it, the NicDomain, and a tiny register-level test driver
// that programs the NIC directly through MmioPort from a device-side SystemC thread.
#pragma once

#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

#include "nic_regs.h"
#include "rtl/nic_device.h"
#include "sim/host_memory.h"
#include "sim/interrupt_controller.h"
#include "sim/link_partner.h"
#include "sim/nic_domain.h"
#include "sim/violation.h"

namespace nicsim::sim::testing {

class RecordingIntc : public InterruptController {
 public:
  struct Message {
    uint64_t address;
    uint32_t data;
    uint64_t ns;
  };
  unsigned allocate_vector(std::string, Irql, Isr) override { return next_vector_++; }
  void free_vector(unsigned) override {}
  void connect_line(unsigned, std::string, Irql, std::vector<unsigned>, Isr) override {}
  void disconnect_line(unsigned, const std::string&) override {}
  void drive_line(unsigned line, const std::string&, bool level) override {
    levels_[line] = level;
    ++line_changes;
    event.notify();
  }
  bool line_level(unsigned line) const override {
    auto it = levels_.find(line);
    return it != levels_.end() && it->second;
  }
  void on_message(uint64_t address, uint32_t data) override {
    messages.push_back({address, data, static_cast<uint64_t>(sc_core::sc_time_stamp().value())});
    event.notify();
  }
  const std::vector<uint64_t>& irq_to_isr_cycles() const override { return no_samples_; }

  std::vector<Message> messages;
  uint64_t line_changes = 0;
  sc_core::sc_event event;  // any interrupt

 private:
  unsigned next_vector_ = 32;
  std::map<unsigned, bool> levels_;
  std::vector<uint64_t> no_samples_;
};

struct NicBench {
  explicit NicBench(const NicDomainConfig& config) {
    memory.set_reporter([this](Violation v) {
      v.cycle = nic->cycle();
      log.report(std::move(v));
    });
    nic = std::make_unique<NicDomain>("nic", rtl::make_nic_device(), config, memory, intc,
                                      [this](Violation v) { log.report(std::move(v)); });
  }
  HostMemory memory;
  RecordingIntc intc;
  ViolationLog log;
  std::unique_ptr<NicDomain> nic;
};

// Runs fn on a device-side thread (not a CPU), starting at time 0.
inline void spawn_driver(std::function<void()> fn) {
  sc_core::sc_spawn([fn = std::move(fn)] { fn(); });
}

inline void wait_ns(uint64_t ns) {
  sc_core::wait(sc_core::sc_time(static_cast<double>(ns), sc_core::SC_NS));
}

struct DriverSetup {
  unsigned queues = 8;  // RSS_QUEUES (power of two)
  unsigned ring = 64;   // descriptors per ring
  bool loopback = true;
  bool intx = false;
  uint32_t itr = 0;      // every vector's throttle interval
  bool grant_rx = true;  // false: RX rings and buffers are not granted (DMA_OUTSIDE_GRANT)
  bool grant_tx = true;
};

// Register-level driver: rings in host memory, frames in and out, no NDIS.
class TestDriver {
 public:
  TestDriver(MmioPort& mmio, HostMemory& memory) : mmio_(mmio), memory_(memory) {}

  void init(const DriverSetup& setup) {
    using namespace nic_regs;
    setup_ = setup;
    const uint32_t caps = mmio_.read32(CAPS);
    queues_ = caps & CAPS_NUM_QUEUES;
    for (unsigned q = 0; q < queues_; ++q) {
      Queue& queue = rings_[q];
      queue.tx_ring = memory_.allocate(16ull * setup.ring, 4096);
      queue.rx_ring = memory_.allocate(16ull * setup.ring, 4096);
      for (unsigned i = 0; i < setup.ring; ++i) {
        queue.tx_buffers.push_back(memory_.allocate(kRxBufBytes, 4096));
        queue.rx_buffers.push_back(memory_.allocate(kRxBufBytes, 4096));
        memory_.write64(queue.rx_ring + 16ull * i, queue.rx_buffers.back());
        memory_.write64(queue.rx_ring + 16ull * i + 8, 0);
        if (setup.grant_rx) memory_.grant(queue.rx_buffers.back(), kRxBufBytes, "rx buffer");
        if (setup.grant_tx) memory_.grant(queue.tx_buffers.back(), kRxBufBytes, "tx buffer");
      }
      if (setup.grant_tx) memory_.grant(queue.tx_ring, 16ull * setup.ring, "tx ring");
      if (setup.grant_rx) memory_.grant(queue.rx_ring, 16ull * setup.ring, "rx ring");
      mmio_.write32(TX_BASE_LO(q), static_cast<uint32_t>(queue.tx_ring));
      mmio_.write32(TX_BASE_HI(q), static_cast<uint32_t>(queue.tx_ring >> 32));
      mmio_.write32(TX_SIZE(q), setup.ring);
      mmio_.write32(RX_BASE_LO(q), static_cast<uint32_t>(queue.rx_ring));
      mmio_.write32(RX_BASE_HI(q), static_cast<uint32_t>(queue.rx_ring >> 32));
      mmio_.write32(RX_SIZE(q), setup.ring);
      mmio_.write32(RX_TAIL(q), setup.ring - 1);
    }
    for (unsigned v = 0; v <= queues_; ++v) {
      const uint64_t address = InterruptController::msi_address(v % 4);
      mmio_.write32(MSIX_ADDR_LO(v), static_cast<uint32_t>(address));
      mmio_.write32(MSIX_ADDR_HI(v), static_cast<uint32_t>(address >> 32));
      mmio_.write32(MSIX_DATA(v), 0x40 + v);
      mmio_.write32(MSIX_VCTRL(v), 0);
      mmio_.write32(ITR(v), setup.itr);
    }
    mmio_.write32(RSS_QUEUES, setup.queues);
    mmio_.write32(IMS, ICR_RXQ | ICR_TXQ | ICR_RX_DROP | ICR_DMA_ERR | ICR_LINK);
    mmio_.write32(
        CTRL, CTRL_EN | (setup.loopback ? CTRL_LOOPBACK : 0) | (setup.intx ? CTRL_INTX_MODE : 0));
  }

  // Queues frame on TX queue q; false when the ring is full.
  bool transmit(unsigned q, const Frame& frame) {
    Queue& queue = rings_[q];
    const unsigned next = (queue.tx_tail + 1) % setup_.ring;
    if (next == queue.tx_head) {
      queue.tx_head = mmio_.read32(nic_regs::TX_HEAD(q));
      if (next == queue.tx_head) return false;
    }
    const uint64_t buffer = queue.tx_buffers[queue.tx_tail];
    memory_.cpu_write(buffer, frame);
    const uint64_t desc = queue.tx_ring + 16ull * queue.tx_tail;
    memory_.write64(desc, buffer);
    memory_.write64(desc + 8, frame.size());
    queue.tx_tail = next;
    mmio_.write32(nic_regs::TX_TAIL(q), queue.tx_tail);
    return true;
  }

  // Collects received frames, reposts their buffers and acknowledges the causes.
  void service() {
    using namespace nic_regs;
    const uint32_t causes = mmio_.read32(ICR);
    if (causes) mmio_.write32(ICR, causes);
    for (unsigned q = 0; q < queues_; ++q) {
      Queue& queue = rings_[q];
      const unsigned head = mmio_.read32(RX_HEAD(q));
      if (head == queue.rx_next) continue;
      while (queue.rx_next != head) {
        const uint64_t desc = queue.rx_ring + 16ull * queue.rx_next;
        const uint64_t status = memory_.read64(desc + 8);
        const unsigned length = status & DESC_RX_LEN_MASK;
        Frame frame(length);
        memory_.cpu_read(queue.rx_buffers[queue.rx_next], frame);
        received.push_back(std::move(frame));
        received_queue.push_back(q);
        memory_.write64(desc + 8, 0);
        queue.rx_next = (queue.rx_next + 1) % setup_.ring;
      }
      mmio_.write32(RX_TAIL(q), (head + setup_.ring - 1) % setup_.ring);
    }
  }

  std::vector<Frame> received;
  std::vector<unsigned> received_queue;

 private:
  struct Queue {
    uint64_t tx_ring = 0, rx_ring = 0;
    std::vector<uint64_t> tx_buffers, rx_buffers;
    unsigned tx_tail = 0, tx_head = 0, rx_next = 0;
  };
  MmioPort& mmio_;
  HostMemory& memory_;
  DriverSetup setup_;
  unsigned queues_ = 0;
  std::map<unsigned, Queue> rings_;
};

// The frame the NIC puts on the wire for frame: padded with zeros to the 60-byte minimum.
inline Frame padded(Frame frame) {
  if (frame.size() < nic_regs::kMinFrame) frame.resize(nic_regs::kMinFrame, 0);
  return frame;
}

// Seeded traffic through the real NIC: TX frames from the test driver (over loopback, or to the
// link partner's scoreboard), RX frames from the link partner, interrupts serviced by the driver.
struct Scenario {
  DriverSetup setup;
  unsigned tx_frames = 24;
  unsigned link_frames = 0;  // frames the link partner sends (external mode)
  unsigned link_gap = 20;
  unsigned tx_backpressure = 0;
  uint64_t seed = 1;
  uint64_t deadline_ns = 400'000;
};

struct ScenarioState {
  std::unique_ptr<TestDriver> driver;
  std::vector<Frame> sent;  // as the NIC must deliver them (padded)
  size_t expected_rx = 0;
  bool done = false;
};

inline void start_scenario(NicBench& bench, const Scenario& s, ScenarioState& state) {
  state.driver = std::make_unique<TestDriver>(bench.nic->mmio(), bench.memory);
  LinkPartner& link = bench.nic->link();
  link.set_tx_backpressure(s.tx_backpressure, s.seed + 1);
  if (s.link_frames) {
    TrafficSpec spec;
    spec.frames = s.link_frames;
    spec.min_bytes = 60;
    spec.max_bytes = 600;
    spec.gap_cycles = s.link_gap;
    spec.start_cycle = 3000;
    spec.seed = s.seed + 2;
    link.send_traffic(spec);
  }
  state.expected_rx = s.link_frames + (s.setup.loopback ? s.tx_frames : 0);
  spawn_driver([&bench, &state, s] {
    TestDriver& driver = *state.driver;
    driver.init(s.setup);
    TrafficSpec spec;
    spec.frames = s.tx_frames;
    spec.min_bytes = 40;
    spec.max_bytes = 300;
    spec.seed = s.seed;
    unsigned i = 0;
    for (Frame& frame : generate_frames(spec)) {
      // External mode uses one TX queue so the wire order is the submission order.
      const unsigned q = s.setup.loopback ? i++ % 4 : 0;
      state.sent.push_back(padded(frame));
      if (!s.setup.loopback) bench.nic->link().expect(padded(frame));
      while (!driver.transmit(q, frame)) {
        wait_ns(500);
        driver.service();
      }
    }
    while (driver.received.size() < state.expected_rx || bench.nic->link().outstanding() > 0) {
      if (sc_core::sc_time_stamp().value() / 1000 > s.deadline_ns) break;
      sc_core::wait(sc_core::sc_time(2000, sc_core::SC_NS), bench.intc.event);
      driver.service();
    }
    state.done = true;
  });
}

}  // namespace nicsim::sim::testing
