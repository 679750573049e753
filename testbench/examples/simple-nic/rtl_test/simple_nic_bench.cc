// The simple_nic bench: host memory, AXI and stream models around the Verilated model.
#include "simple_nic_bench.h"

#include <algorithm>
#include <stdexcept>

namespace simple_nic_test {

namespace {
constexpr unsigned kBeatBytes = 16;
constexpr unsigned kStreamBytes = 4;
constexpr uint8_t kSize16 = 4;
constexpr uint8_t kBurstIncr = 1;
}  // namespace

struct SimpleNicBench::Sampled {
  bool lite_aw = false, lite_b = false, lite_ar = false, lite_r = false;
  uint32_t lite_rdata = 0;
  bool b = false, r = false, rx = false;
};

SimpleNicBench::SimpleNicBench(BenchOptions options)
    : options_(options), rng_(options.seed), context_(std::make_unique<VerilatedContext>()) {
  context_->fatalOnError(false);  // a failed assertion is reported by assertion_fired()
  context_->randReset(0);
  dut_ = std::make_unique<Vsimple_nic>(context_.get());
  dut_->rst = 1;
  drive_inputs();
  run(4);
  dut_->rst = 0;
}

SimpleNicBench::~SimpleNicBench() { dut_->final(); }

bool SimpleNicBench::chance() {
  return options_.ready_percent >= 100 || rng_() % 100 < options_.ready_percent;
}

// The outputs a quiescent edge must leave as they are.
uint64_t SimpleNicBench::output_snapshot() const {
  const Vsimple_nic& d = *dut_;
  uint64_t bits = 0;
  for (const bool bit :
       {bool(d.s_axil_awready), bool(d.s_axil_wready), bool(d.s_axil_bvalid),
        bool(d.s_axil_arready), bool(d.s_axil_rvalid), bool(d.m_axi_awvalid), bool(d.m_axi_wvalid),
        bool(d.m_axi_bready), bool(d.m_axi_arvalid), bool(d.m_axi_rready), bool(d.m_axis_tx_tvalid),
        bool(d.s_axis_rx_tready), bool(d.intx), bool(d.quiescent)}) {
    bits = bits << 1 | bit;
  }
  return bits << 32 | d.s_axil_rdata;
}

bool SimpleNicBench::inputs_idle() const {
  const Vsimple_nic& d = *dut_;
  return !d.s_axil_awvalid && !d.s_axil_wvalid && !d.s_axil_arvalid && !d.m_axi_bvalid &&
         !d.m_axi_rvalid && !d.s_axis_rx_tvalid;
}

void SimpleNicBench::tick() {
  Sampled s;
  dut_->clk = 0;
  dut_->eval();
  sample(s);
  const bool quiet = dut_->quiescent && inputs_idle();
  const uint64_t before = quiet ? output_snapshot() : 0;
  dut_->clk = 1;
  dut_->eval();
  if (quiet) {
    ++quiescent_edges_;
    if (output_snapshot() != before) ++quiescent_violations_;
  }
  context_->timeInc(1);
  ++cycle_;
  update(s);
  drive_inputs();
}

void SimpleNicBench::run(unsigned cycles) {
  for (unsigned i = 0; i < cycles; ++i) tick();
}

bool SimpleNicBench::run_until(const std::function<bool()>& done, unsigned max_cycles) {
  for (unsigned i = 0; i < max_cycles; ++i) {
    if (done()) return true;
    tick();
  }
  return done();
}

void SimpleNicBench::sample(Sampled& s) {
  const Vsimple_nic& d = *dut_;
  s.lite_aw = d.s_axil_awvalid && d.s_axil_awready;
  s.lite_b = d.s_axil_bvalid && d.s_axil_bready;
  s.lite_ar = d.s_axil_arvalid && d.s_axil_arready;
  s.lite_r = d.s_axil_rvalid && d.s_axil_rready;
  s.lite_rdata = d.s_axil_rdata;
  s.b = d.m_axi_bvalid && d.m_axi_bready;
  s.r = d.m_axi_rvalid && d.m_axi_rready;
  s.rx = d.s_axis_rx_tvalid && d.s_axis_rx_tready;
  // The device's payloads change at the edge: take them now.
  if (d.m_axi_awvalid && d.m_axi_awready) accept_aw();
  if (d.m_axi_wvalid && d.m_axi_wready) accept_w();
  if (d.m_axi_arvalid && d.m_axi_arready) accept_ar();
  if (d.m_axis_tx_tvalid && d.m_axis_tx_tready) accept_tx();
}

bool SimpleNicBench::burst_ok(uint64_t addr, unsigned beats, unsigned size, unsigned burst) {
  const bool ok = size == kSize16 && burst == kBurstIncr &&
                  (addr & 0xFFF) / kBeatBytes + beats <= 4096 / kBeatBytes;
  if (!ok) ++protocol_errors_;
  return ok;
}

void SimpleNicBench::accept_aw() {
  const Vsimple_nic& d = *dut_;
  WriteBurst burst;
  burst.addr = d.m_axi_awaddr;
  burst.beats = d.m_axi_awlen + 1u;
  burst.aw_cycle = cycle_;
  burst.msi = burst.addr >= kMsiWindowBase && burst.addr < kMsiWindowBase + kMsiWindowSize;
  burst_ok(burst.addr, burst.beats, d.m_axi_awsize, d.m_axi_awburst);
  if (burst.msi) {
    MsiMessage message;
    message.addr = burst.addr;
    message.aw_cycle = cycle_;
    for (const WriteBurst& earlier : writes_) {
      if (!earlier.msi && earlier.b_cycle == 0) ++message.writes_without_b;
    }
    messages_.push_back(message);
  }
  writes_.push_back(burst);
  w_bursts_.push_back(writes_.size() - 1);
}

void SimpleNicBench::accept_w() {
  const Vsimple_nic& d = *dut_;
  const WriteBurst& burst = writes_[w_bursts_.front()];
  const uint64_t base = (burst.addr & ~uint64_t{kBeatBytes - 1}) + kBeatBytes * w_beat_;
  if (burst.msi) {
    const unsigned lane = burst.addr % kBeatBytes;
    if (burst.beats != 1 || d.m_axi_wstrb != (0xFu << lane)) ++protocol_errors_;
    messages_.back().data = d.m_axi_wdata[lane / 4];
  } else {
    for (unsigned lane = 0; lane < kBeatBytes; ++lane) {
      if (d.m_axi_wstrb >> lane & 1)
        write8(base + lane, uint8_t(d.m_axi_wdata[lane / 4] >> (8 * (lane % 4))));
    }
  }
  ++w_beat_;
  if (d.m_axi_wlast) {
    if (w_beat_ != burst.beats) ++protocol_errors_;
    b_pending_.push_back({cycle_ + options_.b_latency, w_bursts_.front()});
    w_bursts_.pop_front();
    w_beat_ = 0;
  }
}

void SimpleNicBench::accept_ar() {
  const Vsimple_nic& d = *dut_;
  ReadBurst burst{d.m_axi_araddr, d.m_axi_arlen + 1u};
  burst_ok(burst.addr, burst.beats, d.m_axi_arsize, d.m_axi_arburst);
  r_bursts_.push_back(burst);
}

void SimpleNicBench::accept_tx() {
  const Vsimple_nic& d = *dut_;
  for (unsigned lane = 0; lane < kStreamBytes; ++lane) {
    if (d.m_axis_tx_tkeep >> lane & 1)
      tx_current_.bytes.push_back(uint8_t(d.m_axis_tx_tdata >> (8 * lane)));
  }
  tx_current_.keeps.push_back(uint8_t(d.m_axis_tx_tkeep));
  if (d.m_axis_tx_tlast) {
    tx_current_.bad = d.m_axis_tx_tuser;
    tx_frames_.push_back(std::move(tx_current_));
    tx_current_ = {};
  }
}

// Handshakes were sampled before the edge; the inputs the bench drives change only now.
void SimpleNicBench::update(const Sampled& s) {
  lite_aw_done_ = s.lite_aw;
  lite_b_done_ = s.lite_b;
  lite_ar_done_ = s.lite_ar;
  lite_r_done_ = s.lite_r;
  if (s.lite_r) lite_rdata_ = s.lite_rdata;
  if (s.b && !b_pending_.empty()) {
    writes_[b_pending_.front().write].b_cycle = cycle_;
    b_pending_.pop_front();
  }
  if (s.r) {
    ReadBurst& burst = r_bursts_.front();
    if (++burst.sent == burst.beats) r_bursts_.pop_front();
  }
  if (s.rx) {
    rx_offset_ += kStreamBytes;
    if (rx_offset_ >= rx_frames_.front().bytes.size()) {
      rx_frames_.pop_front();
      rx_offset_ = 0;
    }
  }
}

void SimpleNicBench::drive_inputs() {
  Vsimple_nic& d = *dut_;
  d.m_axi_awready = chance();
  d.m_axi_wready = !w_bursts_.empty() && chance();
  d.m_axi_arready = chance();
  d.m_axis_tx_tready = chance();
  d.m_axi_bvalid = !b_pending_.empty() && b_pending_.front().due_cycle <= cycle_;
  d.m_axi_bresp = 0;
  if (stray_b_ && b_pending_.empty()) {
    d.m_axi_bvalid = 1;
    stray_b_ = false;
  }

  d.m_axi_rvalid = !r_bursts_.empty();
  if (!r_bursts_.empty()) {
    const ReadBurst& burst = r_bursts_.front();
    const uint64_t base = (burst.addr & ~uint64_t{kBeatBytes - 1}) + kBeatBytes * burst.sent;
    for (unsigned word = 0; word < 4; ++word) {
      uint32_t value = 0;
      for (unsigned i = 0; i < 4; ++i) value |= uint32_t{read8(base + 4 * word + i)} << (8 * i);
      d.m_axi_rdata[word] = value;
    }
    d.m_axi_rresp = 0;
    d.m_axi_rlast = burst.sent + 1 == burst.beats;
  }

  d.s_axis_rx_tvalid = !rx_frames_.empty() && (d.s_axis_rx_tvalid || chance());
  if (!rx_frames_.empty()) {
    const StreamFrame& frame = rx_frames_.front();
    const size_t left = frame.bytes.size() - rx_offset_;
    const unsigned count = unsigned(std::min<size_t>(left, kStreamBytes));
    uint32_t data = 0;
    for (unsigned i = 0; i < count; ++i) data |= uint32_t{frame.bytes[rx_offset_ + i]} << (8 * i);
    d.s_axis_rx_tdata = data;
    d.s_axis_rx_tkeep = (1u << count) - 1;
    d.s_axis_rx_tlast = left <= kStreamBytes;
    d.s_axis_rx_tuser = frame.bad && left <= kStreamBytes;
  }
}

void SimpleNicBench::write_reg(uint32_t addr, uint32_t value) {
  Vsimple_nic& d = *dut_;
  d.s_axil_awaddr = addr;
  d.s_axil_wdata = value;
  d.s_axil_wstrb = 0xF;
  d.s_axil_awvalid = 1;
  d.s_axil_wvalid = 1;
  d.s_axil_bready = 1;
  for (unsigned i = 0; i < 1000; ++i) {
    tick();
    if (lite_aw_done_) d.s_axil_awvalid = d.s_axil_wvalid = 0;
    if (lite_b_done_) {
      d.s_axil_bready = 0;
      return;
    }
  }
  throw std::runtime_error("AXI-Lite write timed out");
}

uint32_t SimpleNicBench::read_reg(uint32_t addr) {
  Vsimple_nic& d = *dut_;
  d.s_axil_araddr = addr;
  d.s_axil_arvalid = 1;
  d.s_axil_rready = 1;
  for (unsigned i = 0; i < 1000; ++i) {
    tick();
    if (lite_ar_done_) d.s_axil_arvalid = 0;
    if (lite_r_done_) {
      d.s_axil_rready = 0;
      return lite_rdata_;
    }
  }
  throw std::runtime_error("AXI-Lite read timed out");
}

uint8_t SimpleNicBench::read8(uint64_t addr) const {
  auto it = memory_.find(addr);
  return it == memory_.end() ? 0 : it->second;
}

uint64_t SimpleNicBench::read64(uint64_t addr) const {
  uint64_t value = 0;
  for (unsigned i = 0; i < 8; ++i) value |= uint64_t{read8(addr + i)} << (8 * i);
  return value;
}

void SimpleNicBench::write64(uint64_t addr, uint64_t value) {
  for (unsigned i = 0; i < 8; ++i) write8(addr + i, uint8_t(value >> (8 * i)));
}

void SimpleNicBench::write_bytes(uint64_t addr, const std::vector<uint8_t>& bytes) {
  for (size_t i = 0; i < bytes.size(); ++i) write8(addr + i, bytes[i]);
}

std::vector<uint8_t> SimpleNicBench::read_bytes(uint64_t addr, size_t len) const {
  std::vector<uint8_t> bytes(len);
  for (size_t i = 0; i < len; ++i) bytes[i] = read8(addr + i);
  return bytes;
}

}  // namespace simple_nic_test
