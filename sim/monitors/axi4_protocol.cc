#include "sim/monitors/axi4_protocol.h"

#include <string>

namespace nicsim::sim {
namespace {

constexpr unsigned kBurstIncr = 1;
constexpr unsigned kBusBytesLog2 = 3;
constexpr uint64_t kPage = 4096;

}  // namespace

Axi4Protocol::Axi4Protocol(MonitorReport report)
    : report_(std::move(report)),
      aw_("AXI4", "m_axi_awvalid"),
      w_("AXI4", "m_axi_wvalid"),
      b_("AXI4", "m_axi_bvalid"),
      ar_("AXI4", "m_axi_arvalid"),
      r_("AXI4", "m_axi_rvalid") {}

void Axi4Protocol::check_address(uint64_t cycle, const char* channel, uint64_t address,
                                 unsigned len, unsigned size, unsigned burst) {
  if (burst != kBurstIncr) {
    report("AXI4_BURST_TYPE", cycle, channel,
           "burst type " + std::to_string(burst) + ", only INCR");
  }
  if (size > kBusBytesLog2) {
    report("AXI4_BURST_SIZE", cycle, channel,
           "beat size 2^" + std::to_string(size) + " bytes exceeds the 64-bit bus");
    return;
  }
  const uint64_t bytes = uint64_t{len + 1} << size;
  const uint64_t start = address & ~((uint64_t{1} << size) - 1);
  if (start / kPage != (start + bytes - 1) / kPage) {
    report("AXI4_4K_CROSSING", cycle, channel,
           "burst at " + hex(address) + " of " + std::to_string(bytes) +
               " bytes crosses a 4 KiB boundary");
  }
}

void Axi4Protocol::on_cycle(uint64_t cycle, const PortSnapshot& p) {
  if (p.rst) {
    for (HandshakeCheck* c : {&aw_, &w_, &b_, &ar_, &r_}) c->reset();
    write_beats_.clear();
    w_only_.clear();
    read_beats_.clear();
    w_count_ = r_count_ = 0;
    b_pending_ = 0;
    return;
  }
  aw_.check(cycle, p.m_axi_awvalid, p.m_axi_awready,
            {p.m_axi_awaddr, p.m_axi_awlen, p.m_axi_awsize, p.m_axi_awburst}, report_);
  w_.check(cycle, p.m_axi_wvalid, p.m_axi_wready, {p.m_axi_wdata, p.m_axi_wstrb, p.m_axi_wlast},
           report_);
  b_.check(cycle, p.m_axi_bvalid, p.m_axi_bready, {p.m_axi_bresp}, report_);
  ar_.check(cycle, p.m_axi_arvalid, p.m_axi_arready,
            {p.m_axi_araddr, p.m_axi_arlen, p.m_axi_arsize, p.m_axi_arburst}, report_);
  r_.check(cycle, p.m_axi_rvalid, p.m_axi_rready, {p.m_axi_rdata, p.m_axi_rresp, p.m_axi_rlast},
           report_);

  if (p.m_axi_awvalid && p.m_axi_awready) {
    check_address(cycle, "m_axi_awaddr", p.m_axi_awaddr, p.m_axi_awlen, p.m_axi_awsize,
                  p.m_axi_awburst);
    const unsigned beats = p.m_axi_awlen + 1u;
    if (!w_only_.empty()) {
      if (w_only_.front() != beats) {
        report("AXI4_BEAT_COUNT", cycle, "m_axi_wlast",
               "write burst had " + std::to_string(w_only_.front()) + " beats, AWLEN says " +
                   std::to_string(beats));
      }
      w_only_.pop_front();
    } else {
      write_beats_.push_back(beats);
    }
    ++b_pending_;
  }
  if (p.m_axi_wvalid && p.m_axi_wready) {
    ++w_count_;
    if (!write_beats_.empty()) {
      const unsigned beats = write_beats_.front();
      if (p.m_axi_wlast != (w_count_ == beats)) {
        report("AXI4_BEAT_COUNT", cycle, "m_axi_wlast",
               std::string(p.m_axi_wlast ? "WLAST on beat " : "no WLAST on beat ") +
                   std::to_string(w_count_) + " of a " + std::to_string(beats) + "-beat burst");
      }
      if (p.m_axi_wlast || w_count_ == beats) {
        write_beats_.pop_front();
        w_count_ = 0;
      }
    } else if (p.m_axi_wlast) {
      w_only_.push_back(w_count_);
      w_count_ = 0;
    }
  }
  if (p.m_axi_arvalid && p.m_axi_arready) {
    check_address(cycle, "m_axi_araddr", p.m_axi_araddr, p.m_axi_arlen, p.m_axi_arsize,
                  p.m_axi_arburst);
    read_beats_.push_back(p.m_axi_arlen + 1u);
  }
  if (p.m_axi_rvalid && p.m_axi_rready) {
    if (read_beats_.empty()) {
      report("AXI4_UNEXPECTED_RESPONSE", cycle, "m_axi_rvalid", "read data without a read burst");
    } else {
      ++r_count_;
      const unsigned beats = read_beats_.front();
      if (p.m_axi_rlast != (r_count_ == beats)) {
        report("AXI4_BEAT_COUNT", cycle, "m_axi_rlast",
               std::string(p.m_axi_rlast ? "RLAST on beat " : "no RLAST on beat ") +
                   std::to_string(r_count_) + " of a " + std::to_string(beats) + "-beat burst");
      }
      if (p.m_axi_rlast || r_count_ == beats) {
        read_beats_.pop_front();
        r_count_ = 0;
      }
    }
  }
  if (p.m_axi_bvalid && p.m_axi_bready && --b_pending_ < 0) {
    b_pending_ = 0;
    report("AXI4_UNEXPECTED_RESPONSE", cycle, "m_axi_bvalid",
           "write response without an accepted write burst");
  }
}

}  // namespace nicsim::sim
