// Cycle-level bench around the Verilated simple_nic: an AXI4-Lite master, a host-memory AXI4 slave
// (128-bit, B responses after a fixed latency, MSI writes recognised by address), an RX stream
// source and a TX stream sink, all evaluated once per cycle in tick().
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include "Vsimple_nic.h"
#include "verilated.h"

namespace simple_nic_test {

// x86's MSI window, as nicsim's host decodes it; the device itself never names it.
inline constexpr uint64_t kMsiWindowBase = 0xFEE00000;
inline constexpr uint64_t kMsiWindowSize = 0x100000;

struct BenchOptions {
  unsigned b_latency = 8;        // cycles from a burst's last W beat to its B response
  unsigned ready_percent = 100;  // chance per cycle that a ready (or RX valid) is high
  uint64_t seed = 1;
};

struct WriteBurst {
  uint64_t addr = 0;
  unsigned beats = 0;
  uint64_t aw_cycle = 0;
  uint64_t b_cycle = 0;  // 0 until the B handshake
  bool msi = false;
};

struct MsiMessage {
  uint64_t addr = 0;
  uint32_t data = 0;
  uint64_t aw_cycle = 0;
  unsigned writes_without_b = 0;  // data write bursts accepted but not answered at aw_cycle
};

struct StreamFrame {
  std::vector<uint8_t> bytes;
  std::vector<uint8_t> keeps;  // TX: tkeep of each beat
  bool bad = false;            // tuser with tlast
};

class SimpleNicBench {
 public:
  explicit SimpleNicBench(BenchOptions options = {});
  ~SimpleNicBench();

  void tick();
  void run(unsigned cycles);
  bool run_until(const std::function<bool()>& done, unsigned max_cycles = 50000);

  void write_reg(uint32_t addr, uint32_t value);
  uint32_t read_reg(uint32_t addr);

  uint8_t read8(uint64_t addr) const;
  void write8(uint64_t addr, uint8_t value) { memory_[addr] = value; }
  uint64_t read64(uint64_t addr) const;
  void write64(uint64_t addr, uint64_t value);
  void write_bytes(uint64_t addr, const std::vector<uint8_t>& bytes);
  std::vector<uint8_t> read_bytes(uint64_t addr, size_t len) const;

  void send(StreamFrame frame) { rx_frames_.push_back(std::move(frame)); }
  // Sends a B response nobody asked for (to show the assertions are live).
  void inject_stray_b() { stray_b_ = true; }

  Vsimple_nic& dut() { return *dut_; }
  uint64_t cycle() const { return cycle_; }
  bool assertion_fired() const { return context_->gotError(); }
  const std::vector<StreamFrame>& sent_frames() const { return tx_frames_; }
  const std::vector<WriteBurst>& writes() const { return writes_; }
  const std::vector<MsiMessage>& messages() const { return messages_; }
  unsigned protocol_errors() const { return protocol_errors_; }
  bool rx_idle() const { return rx_frames_.empty(); }
  // Edges taken with quiescent high and idle inputs, and those that changed an output anyway.
  uint64_t quiescent_edges() const { return quiescent_edges_; }
  uint64_t quiescent_violations() const { return quiescent_violations_; }

 private:
  struct Sampled;  // handshakes seen before an edge
  struct ReadBurst {
    uint64_t addr;
    unsigned beats;
    unsigned sent = 0;
  };
  struct PendingB {
    uint64_t due_cycle;
    size_t write;
  };

  uint64_t output_snapshot() const;
  bool inputs_idle() const;
  void sample(Sampled& s);
  void update(const Sampled& s);
  bool burst_ok(uint64_t addr, unsigned beats, unsigned size, unsigned burst);
  void accept_aw();
  void accept_w();
  void accept_ar();
  void accept_tx();
  void drive_inputs();
  bool chance();

  BenchOptions options_;
  std::mt19937_64 rng_;
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Vsimple_nic> dut_;
  uint64_t cycle_ = 0;
  std::map<uint64_t, uint8_t> memory_;

  std::deque<size_t> w_bursts_;  // writes_ indices whose W beats are due, oldest first
  unsigned w_beat_ = 0;          // beats of the front burst received
  std::deque<PendingB> b_pending_;
  std::deque<ReadBurst> r_bursts_;
  std::vector<WriteBurst> writes_;
  std::vector<MsiMessage> messages_;
  std::deque<StreamFrame> rx_frames_;
  size_t rx_offset_ = 0;
  std::vector<StreamFrame> tx_frames_;
  StreamFrame tx_current_;
  unsigned protocol_errors_ = 0;
  bool stray_b_ = false;
  uint64_t quiescent_edges_ = 0;
  uint64_t quiescent_violations_ = 0;

  // AXI4-Lite master: what the last edge saw
  bool lite_aw_done_ = false;
  bool lite_b_done_ = false;
  bool lite_ar_done_ = false;
  bool lite_r_done_ = false;
  uint32_t lite_rdata_ = 0;
};

}  // namespace simple_nic_test
