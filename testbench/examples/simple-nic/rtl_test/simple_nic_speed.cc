// simple_nic_speed: the bare Verilated simple_nic, the denominator of the co-simulation speed
// ratio (speed.py). A tight C++ loop, one clk low/high eval pair per cycle as nicsim's
// VerilatedDevice::eval_edge, on busy traffic: RX frames streamed back to back, the TX ring kept
// full, RX descriptors recycled by advancing RDT. The host is a flat std::vector answering the
// AXI4 master with nicsim's default memory timing (R after 8 cycles, B 4 cycles after the last W,
// 10% ready back-pressure); registers are written through a minimal AXI4-Lite master.
// usage: simple_nic_speed [--cycles N]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "Vsimple_nic.h"
#include "simple_nic_regs.h"
#include "verilated.h"

namespace {

using namespace simple_nic_regs;

constexpr unsigned kBeat = 16;
constexpr unsigned kReadLatency = 8;
constexpr unsigned kWriteLatency = 4;
constexpr unsigned kBackPressurePercent = 10;
constexpr unsigned kRing = 256;            // entries per ring
constexpr unsigned kServiceCycles = 1000;  // how often the "driver" looks at the rings
constexpr unsigned kFrameKinds = 64;

// service() writes LEN, CMD and a zero STATUS as one qword.
static_assert(DESC_TX_CMD_QWORD == DESC_TX_LEN_QWORD && DESC_TX_STATUS_QWORD == DESC_TX_LEN_QWORD);
static_assert(DESC_TX_ADDR_QWORD != DESC_TX_LEN_QWORD &&
              DESC_RX_ADDR_QWORD != DESC_RX_STATUS_QWORD);

constexpr uint64_t kTxRing = 0x1000;
constexpr uint64_t kRxRing = kTxRing + kRing * kDescBytes;
constexpr uint64_t kTxBuffers = 0x10000;  // one 2 KiB buffer per frame kind
constexpr uint64_t kRxBuffers = kTxBuffers + kFrameKinds * kRxBufBytes;
constexpr uint64_t kMemoryBytes = kRxBuffers + kRing * kRxBufBytes;

// A fixed-capacity FIFO: no allocation in the loop.
template <class T, unsigned N>
struct Fifo {
  T items[N];
  unsigned head = 0, count = 0;
  bool empty() const { return count == 0; }
  T& front() { return items[head]; }
  void push(const T& item) {
    if (count == N) std::abort();  // more in flight than the DMA can issue
    items[(head + count++) % N] = item;
  }
  void pop() {
    head = (head + 1) % N;
    --count;
  }
};

struct Burst {
  uint64_t addr;
  unsigned beats;
  uint64_t due;  // first R beat, or the B
};

class BareLoop {
 public:
  BareLoop() : memory_(kMemoryBytes), context_(std::make_unique<VerilatedContext>()) {
    context_->randReset(0);
    dut_ = std::make_unique<Vsimple_nic>(context_.get());
    uint32_t seed = 1;
    for (auto& frame : frames_) {
      seed = seed * 1103515245u + 12345u;
      frame.resize(64 + (seed >> 8) % (1514 - 64 + 1));
      for (size_t i = 0; i < frame.size(); ++i) frame[i] = uint8_t(seed + 13 * i);
    }
  }
  ~BareLoop() { dut_->final(); }

  void run(uint64_t cycles) {
    Vsimple_nic& d = *dut_;
    d.rst = 1;
    for (unsigned i = 0; i < 8; ++i) step();
    d.rst = 0;
    // Rings: all TX frames are in memory once; RX buffers posted but one (head == tail is empty).
    for (unsigned k = 0; k < kFrameKinds; ++k) {
      std::memcpy(&memory_[kTxBuffers + k * kRxBufBytes], frames_[k].data(), frames_[k].size());
    }
    for (unsigned i = 0; i < kRing; ++i) {
      put64(kRxRing, i, DESC_RX_ADDR_QWORD, kRxBuffers + uint64_t{kRxBufBytes} * i);
      put64(kRxRing, i, DESC_RX_STATUS_QWORD, 0);
    }
    write_reg(RDBAL, uint32_t(kRxRing));
    write_reg(RDBAH, 0);
    write_reg(RDLEN, kRing * kDescBytes);
    write_reg(TDBAL, uint32_t(kTxRing));
    write_reg(TDBAH, 0);
    write_reg(TDLEN, kRing * kDescBytes);
    write_reg(IMC, 0xFFFFFFFF);  // polled, as nicsim's bare loop
    write_reg(RCTL, RCTL_EN);
    write_reg(TCTL, TCTL_EN);
    write_reg(RDT, kRing - 1);
    rx_streaming_ = true;  // and on to the end: tvalid never drops under a pending beat
    while (cycle_ < cycles) {
      service();
      for (unsigned i = 0; i < kServiceCycles; ++i) step();
    }
  }

  uint64_t cycle() const { return cycle_; }
  uint64_t rx_frames() const { return rx_reaped_; }
  uint64_t tx_frames() const { return tx_sent_; }
  uint64_t tx_completed() const { return tx_reaped_; }
  bool memory_error() const { return memory_error_; }

  uint32_t read_reg(uint32_t addr) {
    while (lite_.busy) step();
    lite_.read = true;
    lite_.addr = addr;
    lite_.busy = lite_.addr_pending = true;
    while (lite_.busy) step();
    return lite_.rdata;
  }

 private:
  uint64_t get64(uint64_t ring, unsigned index, unsigned q) const {
    uint64_t value;
    std::memcpy(&value, &memory_[ring + uint64_t{kDescBytes} * index + 8 * q], 8);
    return value;
  }
  void put64(uint64_t ring, unsigned index, unsigned q, uint64_t value) {
    std::memcpy(&memory_[ring + uint64_t{kDescBytes} * index + 8 * q], &value, 8);
  }

  // What a driver's DPC does, without an OS: reap written-back RX descriptors and post them
  // again (RDT), reap sent TX descriptors and fill the ring (TDT).
  void service() {
    unsigned rx_reaped = 0;
    while (get64(kRxRing, rx_next_, DESC_RX_STATUS_QWORD) >> DESC_RX_STATUS_SHIFT &
           DESC_STATUS_DD) {
      put64(kRxRing, rx_next_, DESC_RX_STATUS_QWORD, 0);
      rx_next_ = (rx_next_ + 1) % kRing;
      ++rx_reaped;
    }
    rx_reaped_ += rx_reaped;
    while (tx_clean_ != tx_tail_ &&
           get64(kTxRing, tx_clean_, DESC_TX_STATUS_QWORD) >> DESC_TX_STATUS_SHIFT &
               DESC_STATUS_DD) {
      tx_clean_ = (tx_clean_ + 1) % kRing;
      ++tx_reaped_;
    }
    const unsigned tx_tail = tx_tail_;
    while ((tx_tail_ + 1) % kRing != tx_clean_) {
      const unsigned kind = tx_posted_++ % kFrameKinds;
      put64(kTxRing, tx_tail_, DESC_TX_ADDR_QWORD, kTxBuffers + uint64_t{kRxBufBytes} * kind);
      put64(kTxRing, tx_tail_, DESC_TX_LEN_QWORD,
            uint64_t(frames_[kind].size()) << DESC_TX_LEN_SHIFT |
                uint64_t(DESC_CMD_EOP | DESC_CMD_RS) << DESC_TX_CMD_SHIFT);  // status 0
      tx_tail_ = (tx_tail_ + 1) % kRing;
    }
    if (rx_reaped) write_reg(RDT, (rx_next_ + kRing - 1) % kRing);
    if (tx_tail_ != tx_tail) write_reg(TDT, tx_tail_);
  }

  void write_reg(uint32_t addr, uint32_t value) {
    while (lite_.busy) step();
    lite_.read = false;
    lite_.addr = addr;
    lite_.wdata = value;
    lite_.busy = lite_.addr_pending = lite_.data_pending = true;
  }

  bool stall() {
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 17;
    rng_ ^= rng_ << 5;
    return rng_ % 100 < kBackPressurePercent;
  }

  uint8_t* at(uint64_t addr) {
    if (addr + kBeat > memory_.size()) {
      memory_error_ = true;
      return scratch_;
    }
    return &memory_[addr];
  }

  void drive() {
    Vsimple_nic& d = *dut_;
    d.m_axi_awready = !stall();
    d.m_axi_arready = !stall();
    d.m_axi_wready = !w_.empty() && !stall();
    d.m_axi_bvalid = !b_.empty() && b_.front().due <= cycle_;
    d.m_axi_bresp = 0;
    d.m_axi_rvalid = !r_.empty() && r_.front().due <= cycle_;
    if (d.m_axi_rvalid) {
      const Burst& burst = r_.front();
      std::memcpy(&d.m_axi_rdata[0], at((burst.addr & ~uint64_t{kBeat - 1}) + kBeat * r_beat_),
                  kBeat);
      d.m_axi_rresp = 0;
      d.m_axi_rlast = r_beat_ + 1 == burst.beats;
    }
    d.m_axis_tx_tready = 1;
    d.s_axis_rx_tvalid = rx_streaming_;
    if (rx_streaming_) {
      const std::vector<uint8_t>& frame = frames_[rx_kind_];
      const size_t left = frame.size() - rx_offset_;
      const unsigned count = left < 4 ? unsigned(left) : 4;
      uint32_t data = 0;
      std::memcpy(&data, &frame[rx_offset_], count);
      d.s_axis_rx_tdata = data;
      d.s_axis_rx_tkeep = (1u << count) - 1;
      d.s_axis_rx_tlast = left <= 4;
      d.s_axis_rx_tuser = 0;
    }
    d.s_axil_awvalid = lite_.addr_pending && !lite_.read;
    d.s_axil_wvalid = lite_.data_pending;
    d.s_axil_awaddr = lite_.addr;
    d.s_axil_wdata = lite_.wdata;
    d.s_axil_wstrb = 0xF;
    d.s_axil_bready = 1;
    d.s_axil_arvalid = lite_.addr_pending && lite_.read;
    d.s_axil_araddr = lite_.addr;
    d.s_axil_rready = 1;
  }

  // Handshakes and payloads, taken between the clk-low eval and the edge.
  void sample() {
    Vsimple_nic& d = *dut_;
    if (d.m_axi_awvalid && d.m_axi_awready) {
      w_.push({d.m_axi_awaddr, d.m_axi_awlen + 1u, 0});
    }
    if (d.m_axi_wvalid && d.m_axi_wready) {
      Burst& burst = w_.front();
      uint8_t* dst = at((burst.addr & ~uint64_t{kBeat - 1}) + kBeat * w_beat_);
      const uint8_t* src = reinterpret_cast<const uint8_t*>(&d.m_axi_wdata[0]);
      const unsigned strb = d.m_axi_wstrb;
      if (strb == 0xFFFF) {
        std::memcpy(dst, src, kBeat);
      } else {
        for (unsigned lane = 0; lane < kBeat; ++lane) {
          if (strb >> lane & 1) dst[lane] = src[lane];
        }
      }
      if (d.m_axi_wlast) {
        b_.push({0, 0, cycle_ + kWriteLatency});
        w_.pop();
        w_beat_ = 0;
      } else {
        ++w_beat_;
      }
    }
    if (d.m_axi_bvalid && d.m_axi_bready) b_.pop();
    if (d.m_axi_arvalid && d.m_axi_arready) {
      r_.push({d.m_axi_araddr, d.m_axi_arlen + 1u, cycle_ + kReadLatency});
    }
    if (d.m_axi_rvalid && d.m_axi_rready && ++r_beat_ == r_.front().beats) {
      r_.pop();
      r_beat_ = 0;
    }
    if (d.m_axis_tx_tvalid && d.m_axis_tx_tlast) ++tx_sent_;  // tready is always high
    if (d.s_axis_rx_tvalid && d.s_axis_rx_tready) {
      rx_offset_ += 4;
      if (rx_offset_ >= frames_[rx_kind_].size()) {
        rx_offset_ = 0;
        rx_kind_ = (rx_kind_ + 1) % kFrameKinds;
      }
    }
    if (d.s_axil_awvalid && d.s_axil_awready) lite_.addr_pending = false;
    if (d.s_axil_arvalid && d.s_axil_arready) lite_.addr_pending = false;
    if (d.s_axil_wvalid && d.s_axil_wready) lite_.data_pending = false;
    if (d.s_axil_bvalid) lite_.busy = false;
    if (d.s_axil_rvalid) {
      lite_.rdata = d.s_axil_rdata;
      lite_.busy = false;
    }
  }

  void step() {
    Vsimple_nic& d = *dut_;
    drive();
    d.clk = 0;
    d.eval();
    if (!d.rst) sample();
    d.clk = 1;
    d.eval();
    context_->timeInc(1);
    ++cycle_;
  }

  struct Lite {
    bool busy = false, read = false, addr_pending = false, data_pending = false;
    uint32_t addr = 0, wdata = 0, rdata = 0;
  };

  std::vector<uint8_t> memory_;
  uint8_t scratch_[kBeat] = {};
  bool memory_error_ = false;
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Vsimple_nic> dut_;
  std::vector<uint8_t> frames_[kFrameKinds];
  uint64_t cycle_ = 0;
  uint64_t rng_ = 0x9E3779B97F4A7C15ull;

  Fifo<Burst, 16> w_;  // write bursts whose W beats are due
  unsigned w_beat_ = 0;
  Fifo<Burst, 16> b_;
  Fifo<Burst, 16> r_;
  unsigned r_beat_ = 0;
  Lite lite_;

  bool rx_streaming_ = false;
  unsigned rx_kind_ = 0;
  size_t rx_offset_ = 0;
  unsigned rx_next_ = 0;  // next RX descriptor to reap
  unsigned tx_tail_ = 0, tx_clean_ = 0;
  uint64_t tx_posted_ = 0;
  uint64_t rx_reaped_ = 0, tx_reaped_ = 0, tx_sent_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  uint64_t cycles = 2'000'000;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--cycles" && i + 1 < argc) {
      cycles = std::strtoull(argv[++i], nullptr, 0);
    } else {
      std::fprintf(stderr, "usage: %s [--cycles N]\n", argv[0]);
      return 2;
    }
  }
  BareLoop loop;
  const auto start = std::chrono::steady_clock::now();
  loop.run(cycles);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const uint64_t run_cycles = loop.cycle();
  // Counters read after the clock stops: the device's own count of what the loop saw.
  const uint32_t gprc = loop.read_reg(GPRC), gptc = loop.read_reg(GPTC), mpc = loop.read_reg(MPC);
  std::printf("bare %.3f M cycles/s  %llu cycles  %.2f s\n", run_cycles / seconds / 1e6,
              static_cast<unsigned long long>(run_cycles), seconds);
  std::printf("frames: rx %llu (GPRC %u, missed %u)  tx %llu (GPTC %u, completed %llu)\n",
              static_cast<unsigned long long>(loop.rx_frames()), gprc, mpc,
              static_cast<unsigned long long>(loop.tx_frames()), gptc,
              static_cast<unsigned long long>(loop.tx_completed()));
  if (loop.memory_error() || loop.rx_frames() == 0 || loop.tx_frames() == 0) {
    std::fprintf(stderr, "simple_nic_speed: %s\n",
                 loop.memory_error() ? "a DMA access left host memory" : "no traffic moved");
    return 1;
  }
  return 0;
}
