// Cycle-level C++ harness around a Verilated nic_top: the platform's AXI4-Lite master, an AXI4
// host-memory slave, AXI-Stream source and sink, with seeded random back-pressure on every port.
// The AXI4 slave here is the harness's own (it records ordering, not grants), so it keeps its own
// view of the message window.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "nic_regs.h"
#include "sim/axi_lite_master.h"
#include "sim/interrupt_controller.h"
#include "verilated.h"
#include "verilated_fst_c.h"

namespace nicsim::rtltest {

// Sparse byte-addressed memory; unwritten bytes read as zero.
class SparseMemory {
 public:
  uint8_t read8(uint64_t addr) const;
  void write8(uint64_t addr, uint8_t value);
  uint64_t read64(uint64_t addr) const;  // little-endian
  void write64(uint64_t addr, uint64_t value);
  std::vector<uint8_t> read(uint64_t addr, size_t len) const;
  void write(uint64_t addr, std::span<const uint8_t> bytes);

 private:
  static constexpr uint64_t kPage = 4096;
  std::map<uint64_t, std::vector<uint8_t>> pages_;
};

struct HarnessOptions {
  uint64_t seed = 1;
  unsigned ready_percent = 100;  // chance per cycle that a ready/valid the harness drives is high
  std::string trace_path;        // FST file; empty: no trace
};

struct MsixMessage {
  uint64_t aw_cycle;  // cycle of the AW handshake
  uint64_t addr;
  uint32_t data;
  unsigned writes_in_flight;  // non-MSI-X write bursts accepted without B at aw_cycle
};

struct DmaWrite {
  uint64_t addr;
  unsigned beats;
  uint64_t aw_cycle;
  uint64_t b_cycle;  // 0 until the B handshake
};

struct StreamFrame {
  std::vector<uint8_t> bytes;
  bool error = false;  // tuser
};

struct HarnessStats {
  uint64_t read_bursts = 0;
  uint64_t write_bursts = 0;
  uint64_t protocol_errors = 0;  // bursts crossing 4 KiB, wrong size or burst type
};

// Random-ready AXI slave and stream models are evaluated once per cycle in tick().
template <class Model>
class NicHarness {
 public:
  explicit NicHarness(HarnessOptions options = {})
      : options_(options),
        rng_(options.seed),
        context_(std::make_unique<VerilatedContext>()),
        lite_(8 * sizeof(Model::s_axil_awaddr)) {
    // BREADY / RREADY take their share of the seeded back-pressure.
    lite_.set_response_ready([this] { return chance(); });
    if (!options_.trace_path.empty()) context_->traceEverOn(true);
    context_->randReset(0);
    dut_ = std::make_unique<Model>(context_.get());
    if (!options_.trace_path.empty()) {
      trace_ = std::make_unique<VerilatedFstC>();
      dut_->trace(trace_.get(), 99);
      trace_->open(options_.trace_path.c_str());
    }
    reset();
  }
  ~NicHarness() {
    if (trace_) trace_->close();
    dut_->final();
  }
  NicHarness(const NicHarness&) = delete;
  NicHarness& operator=(const NicHarness&) = delete;

  Model& dut() { return *dut_; }
  SparseMemory& memory() { return memory_; }
  uint64_t cycle() const { return cycle_; }
  const std::vector<MsixMessage>& msix() const { return msix_; }
  const std::vector<DmaWrite>& dma_writes() const { return writes_; }
  std::deque<StreamFrame>& tx_frames() { return tx_frames_; }
  const HarnessStats& stats() const { return stats_; }
  void set_ready_percent(unsigned percent) { options_.ready_percent = percent; }
  // Reads and writes inside [begin, end) answer SLVERR.
  void set_error_range(uint64_t begin, uint64_t end) { error_begin_ = begin, error_end_ = end; }
  // Called once per cycle after the edge (monitors).
  void on_cycle(std::function<void()> fn) { monitors_.push_back(std::move(fn)); }

  void reset() {
    dut_->rst = 1;
    for (int i = 0; i < 4; ++i) tick();
    dut_->rst = 0;
    tick();
  }

  void send_rx(std::vector<uint8_t> bytes, bool error = false) {
    rx_queue_.push_back({std::move(bytes), error});
  }
  bool rx_idle() const { return rx_queue_.empty() && !rx_active_; }

  // One clock cycle: drive inputs, settle, sample handshakes, rising edge, update the models.
  void tick() {
    drive_inputs();
    dut_->clk = 0;
    dut_->eval();
    dump(2 * cycle_);
    const Handshakes hs = sample();
    dut_->clk = 1;
    dut_->eval();
    dump(2 * cycle_ + 1);
    ++cycle_;
    update(hs);
    for (auto& fn : monitors_) fn();
  }

  void run(uint64_t cycles) {
    for (uint64_t i = 0; i < cycles; ++i) tick();
  }
  // Ticks until done() or max_cycles; returns done().
  bool run_until(const std::function<bool()>& done, uint64_t max_cycles = 200000) {
    for (uint64_t i = 0; i < max_cycles && !done(); ++i) tick();
    return done();
  }

  void write32(uint32_t addr, uint32_t value, uint8_t strb = 0xF) {
    finish(lite_.write(addr, value, strb), "write32");
  }
  uint32_t read32(uint32_t addr) { return finish(lite_.read(addr), "read32").data; }

 private:
  struct Handshakes {
    bool aw, w, b, ar, r, tx, rx;
  };
  struct Burst {
    uint64_t addr;
    unsigned beats;
    unsigned done;
    size_t write_index;
    bool msix;
  };

  bool chance() {
    return std::uniform_int_distribution<unsigned>(0, 99)(rng_) < options_.ready_percent;
  }
  sim::AxiLiteCompletion finish(uint64_t id, const char* what) {
    if (!run_until([&] { return lite_done_ && lite_done_->id == id; }, 10000)) {
      throw std::runtime_error(std::string(what) + " hung");
    }
    return *lite_done_;
  }
  bool in_error(uint64_t addr) const { return addr >= error_begin_ && addr < error_end_; }
  static bool is_msix(uint64_t addr) {
    using sim::InterruptController;
    return addr >= InterruptController::kMsiBase &&
           addr - InterruptController::kMsiBase < InterruptController::kMsiSize;
  }
  void dump(uint64_t time) {
    if (trace_) trace_->dump(time);
  }

  void drive_inputs() {
    Model& d = *dut_;
    lite_.drive(lite_ports_);  // first: its ready draws come before the AXI4 slave's
    d.s_axil_awaddr = lite_ports_.awaddr;
    d.s_axil_awvalid = lite_ports_.awvalid;
    d.s_axil_wdata = lite_ports_.wdata;
    d.s_axil_wstrb = lite_ports_.wstrb;
    d.s_axil_wvalid = lite_ports_.wvalid;
    d.s_axil_bready = lite_ports_.bready;
    d.s_axil_araddr = lite_ports_.araddr;
    d.s_axil_arvalid = lite_ports_.arvalid;
    d.s_axil_rready = lite_ports_.rready;
    d.m_axi_awready = chance();
    d.m_axi_wready = !aw_queue_.empty() && chance();
    d.m_axi_arready = chance();
    // B and R hold once offered, as AXI requires.
    if (!b_offered_ && !b_queue_.empty() && chance()) b_offered_ = true;
    d.m_axi_bvalid = b_offered_;
    d.m_axi_bresp = b_offered_ && b_queue_.front().second ? 2 : 0;
    if (!r_offered_ && !ar_queue_.empty() && chance()) r_offered_ = true;
    d.m_axi_rvalid = r_offered_;
    if (r_offered_) {
      const Burst& burst = ar_queue_.front();
      const uint64_t addr = burst.addr + 8 * burst.done;
      d.m_axi_rdata = memory_.read64(addr);
      d.m_axi_rresp = in_error(addr) ? 2 : 0;
      d.m_axi_rlast = burst.done + 1 == burst.beats;
    }
    d.m_axis_tx_tready = chance();
    if (!rx_active_ && !rx_queue_.empty()) {
      rx_active_ = true;
      rx_offset_ = 0;
    }
    if (rx_active_ && !rx_offered_ && chance()) rx_offered_ = true;
    d.s_axis_rx_tvalid = rx_offered_;
    if (rx_offered_) {
      const StreamFrame& frame = rx_queue_.front();
      uint64_t data = 0;
      uint8_t keep = 0;
      for (size_t i = 0; i < 8 && rx_offset_ + i < frame.bytes.size(); ++i) {
        data |= uint64_t{frame.bytes[rx_offset_ + i]} << (8 * i);
        keep |= uint8_t(1u << i);
      }
      const bool last = rx_offset_ + 8 >= frame.bytes.size();
      d.s_axis_rx_tdata = data;
      d.s_axis_rx_tkeep = keep;
      d.s_axis_rx_tlast = last;
      d.s_axis_rx_tuser = last && frame.error;
    }
  }

  Handshakes sample() {
    Model& d = *dut_;
    Handshakes hs{};
    hs.aw = d.m_axi_awvalid && d.m_axi_awready;
    hs.w = d.m_axi_wvalid && d.m_axi_wready;
    hs.b = d.m_axi_bvalid && d.m_axi_bready;
    hs.ar = d.m_axi_arvalid && d.m_axi_arready;
    hs.r = d.m_axi_rvalid && d.m_axi_rready;
    hs.tx = d.m_axis_tx_tvalid && d.m_axis_tx_tready;
    hs.rx = d.s_axis_rx_tvalid && d.s_axis_rx_tready;
    lite_ports_.awready = d.s_axil_awready;
    lite_ports_.wready = d.s_axil_wready;
    lite_ports_.bvalid = d.s_axil_bvalid;
    lite_ports_.bresp = d.s_axil_bresp;
    lite_ports_.arready = d.s_axil_arready;
    lite_ports_.rvalid = d.s_axil_rvalid;
    lite_ports_.rdata = d.s_axil_rdata;
    lite_ports_.rresp = d.s_axil_rresp;
    if (hs.aw) check_burst(d.m_axi_awaddr, d.m_axi_awlen, d.m_axi_awsize, d.m_axi_awburst);
    if (hs.ar) check_burst(d.m_axi_araddr, d.m_axi_arlen, d.m_axi_arsize, d.m_axi_arburst);
    if (hs.w) {
      w_data_ = d.m_axi_wdata;
      w_strb_ = d.m_axi_wstrb;
      w_last_ = d.m_axi_wlast;
    }
    if (hs.tx) {
      tx_data_ = d.m_axis_tx_tdata;
      tx_keep_ = d.m_axis_tx_tkeep;
      tx_last_ = d.m_axis_tx_tlast;
      tx_user_ = d.m_axis_tx_tuser;
    }
    if (hs.aw) aw_sample_ = {d.m_axi_awaddr, unsigned(d.m_axi_awlen) + 1};
    if (hs.ar) ar_sample_ = {d.m_axi_araddr, unsigned(d.m_axi_arlen) + 1};
    return hs;
  }

  void check_burst(uint64_t addr, unsigned len, unsigned size, unsigned burst) {
    const uint64_t last = (addr & ~uint64_t{7}) + 8 * uint64_t(len);
    if (size != 3 || burst != 1 || (addr >> 12) != (last >> 12) || len > 15) {
      ++stats_.protocol_errors;
    }
  }

  void update(const Handshakes& hs) {
    if (hs.ar) {
      ar_queue_.push_back({ar_sample_.first, ar_sample_.second, 0, 0, false});
      ++stats_.read_bursts;
    }
    if (hs.r) {
      r_offered_ = false;
      Burst& burst = ar_queue_.front();
      if (++burst.done == burst.beats) ar_queue_.pop_front();
    }
    if (hs.aw) {
      const bool msix = is_msix(aw_sample_.first);
      size_t index = writes_.size();
      if (!msix) {
        writes_.push_back({aw_sample_.first, aw_sample_.second, cycle_, 0});
      } else {
        unsigned in_flight = 0;
        for (const DmaWrite& w : writes_) in_flight += w.b_cycle == 0;
        msix_.push_back({cycle_, aw_sample_.first, 0, in_flight});
        index = msix_.size() - 1;
      }
      aw_queue_.push_back({aw_sample_.first, aw_sample_.second, 0, index, msix});
      ++stats_.write_bursts;
    }
    if (hs.w) {
      Burst& burst = aw_queue_.front();
      const uint64_t base = (burst.addr & ~uint64_t{7}) + 8 * burst.done;
      for (unsigned i = 0; i < 8; ++i) {
        if (!(w_strb_ >> i & 1)) continue;
        const uint8_t byte = uint8_t(w_data_ >> (8 * i));
        if (burst.msix) {
          MsixMessage& m = msix_[burst.write_index];
          const unsigned shift = 8 * ((base + i - m.addr) & 3);
          m.data |= uint32_t{byte} << shift;
        } else {
          memory_.write8(base + i, byte);
        }
      }
      ++burst.done;
      if (w_last_ != (burst.done == burst.beats)) ++stats_.protocol_errors;
      if (burst.done == burst.beats) {
        b_queue_.push_back({burst.msix ? SIZE_MAX : burst.write_index, in_error(burst.addr)});
        aw_queue_.pop_front();
      }
    }
    if (hs.b) {
      b_offered_ = false;
      if (b_queue_.front().first != SIZE_MAX) writes_[b_queue_.front().first].b_cycle = cycle_;
      b_queue_.pop_front();
    }
    if (hs.tx) {
      for (unsigned i = 0; i < 8; ++i) {
        if (tx_keep_ >> i & 1) tx_current_.bytes.push_back(uint8_t(tx_data_ >> (8 * i)));
      }
      if (tx_last_) {
        tx_current_.error = tx_user_;
        tx_frames_.push_back(std::move(tx_current_));
        tx_current_ = {};
      }
    }
    if (hs.rx) {
      rx_offered_ = false;
      rx_offset_ += 8;
      if (rx_offset_ >= rx_queue_.front().bytes.size()) {
        rx_queue_.pop_front();
        rx_active_ = false;
      }
    }
    if (auto done = lite_.on_edge(lite_ports_)) lite_done_ = done;
  }

  HarnessOptions options_;
  std::mt19937_64 rng_;
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Model> dut_;
  std::unique_ptr<VerilatedFstC> trace_;
  SparseMemory memory_;
  uint64_t cycle_ = 0;
  std::vector<std::function<void()>> monitors_;
  HarnessStats stats_;
  uint64_t error_begin_ = 0, error_end_ = 0;

  // AXI slave
  std::deque<Burst> ar_queue_, aw_queue_;
  std::deque<std::pair<size_t, bool>> b_queue_;  // write index (SIZE_MAX: MSI-X), error
  bool r_offered_ = false, b_offered_ = false;
  std::pair<uint64_t, unsigned> aw_sample_{}, ar_sample_{};
  uint64_t w_data_ = 0;
  uint8_t w_strb_ = 0;
  bool w_last_ = false;
  std::vector<DmaWrite> writes_;
  std::vector<MsixMessage> msix_;

  // Streams
  std::deque<StreamFrame> rx_queue_, tx_frames_;
  bool rx_active_ = false, rx_offered_ = false;
  size_t rx_offset_ = 0;
  StreamFrame tx_current_;
  uint64_t tx_data_ = 0;
  uint8_t tx_keep_ = 0;
  bool tx_last_ = false, tx_user_ = false;

  // AXI4-Lite master: the pins it drives and samples, and the last transaction it completed.
  sim::AxiLiteMaster lite_;
  sim::AxiLitePorts lite_ports_;
  std::optional<sim::AxiLiteCompletion> lite_done_;
};

}  // namespace nicsim::rtltest
