#include "sim/monitors/axi4_protocol.h"

#include <bit>
#include <string>

namespace nicsim::sim {
namespace {

constexpr unsigned kBurstIncr = 1;
constexpr uint64_t kPage = 4096;

}  // namespace

Axi4Protocol::Axi4Protocol(MonitorReport report, const DeviceShape& shape)
    : report_(std::move(report)),
      bus_bits_(shape.dma_data_bits),
      bus_bytes_log2_(static_cast<unsigned>(std::countr_zero(shape.dma_data_bytes()))),
      aw_("AXI4", "m_axi_awvalid"),
      ar_("AXI4", "m_axi_arvalid"),
      w_("AXI4", "m_axi_wvalid"),
      b_("AXI4", "m_axi_bvalid"),
      r_("AXI4", "m_axi_rvalid") {}

void Axi4Protocol::check_address(uint64_t cycle, const char* channel, uint64_t address,
                                 unsigned len, unsigned size, unsigned burst) {
  burst_type_checks_.evaluated();
  burst_size_checks_.evaluated();
  if (burst != kBurstIncr) {
    report("AXI4_BURST_TYPE", cycle, channel,
           "burst type " + std::to_string(burst) + ", only INCR");
  }
  if (size > bus_bytes_log2_) {
    report("AXI4_BURST_SIZE", cycle, channel,
           "beat size 2^" + std::to_string(size) + " bytes exceeds the " +
               std::to_string(bus_bits_) + "-bit bus");
    return;
  }
  crossing_checks_.evaluated();
  const uint64_t bytes = uint64_t{len + 1} << size;
  const uint64_t start = address & ~((uint64_t{1} << size) - 1);
  if (start / kPage != (start + bytes - 1) / kPage) {
    report("AXI4_4K_CROSSING", cycle, channel,
           "burst at " + hex(address) + " of " + std::to_string(bytes) +
               " bytes crosses a 4 KiB boundary");
  }
}

void Axi4Protocol::attach_coverage(FunctionalCoverage& coverage) {
  attach_all(coverage, aw_, ar_, w_, b_, r_);
  for (RuleCount* rule : {&burst_type_checks_, &burst_size_checks_, &crossing_checks_,
                          &beat_count_checks_, &response_checks_})
    rule->attach(coverage);
}

void Axi4Protocol::on_cycle(uint64_t cycle, const DevicePorts& ports) {
  if (ports.rst) {
    reset_all(aw_, ar_, w_, b_, r_);
    write_beats_.clear();
    w_only_.clear();
    read_beats_.clear();
    w_count_ = r_count_ = 0;
    b_pending_ = 0;
    return;
  }
  const Axi4Ports& p = ports.dma;
  check_handshakes(cycle, p);
  if (p.awvalid && p.awready) on_write_address(cycle, p);
  if (p.wvalid && p.wready) on_write_data(cycle, p);
  if (p.arvalid && p.arready) {
    check_address(cycle, "m_axi_araddr", p.araddr, p.arlen, p.arsize, p.arburst);
    read_beats_.push_back(p.arlen + 1u);
  }
  if (p.rvalid && p.rready) on_read_data(cycle, p);
  if (p.bvalid && p.bready) response_checks_.evaluated();
  if (p.bvalid && p.bready && --b_pending_ < 0) {
    b_pending_ = 0;
    report("AXI4_UNEXPECTED_RESPONSE", cycle, "m_axi_bvalid",
           "write response without an accepted write burst");
  }
}

void Axi4Protocol::check_handshakes(uint64_t cycle, const Axi4Ports& p) {
  aw_.check(cycle, p.awvalid, p.awready, std::tie(p.awaddr, p.awlen, p.awsize, p.awburst), report_);
  w_.check(cycle, p.wvalid, p.wready, std::tie(p.wdata, p.wstrb, p.wlast), report_);
  b_.check(cycle, p.bvalid, p.bready, std::tie(p.bresp), report_);
  ar_.check(cycle, p.arvalid, p.arready, std::tie(p.araddr, p.arlen, p.arsize, p.arburst), report_);
  r_.check(cycle, p.rvalid, p.rready, std::tie(p.rdata, p.rresp, p.rlast), report_);
}

void Axi4Protocol::on_write_address(uint64_t cycle, const Axi4Ports& p) {
  check_address(cycle, "m_axi_awaddr", p.awaddr, p.awlen, p.awsize, p.awburst);
  const unsigned beats = p.awlen + 1u;
  if (!w_only_.empty()) {
    beat_count_checks_.evaluated();
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

void Axi4Protocol::on_write_data(uint64_t cycle, const Axi4Ports& p) {
  ++w_count_;
  if (!write_beats_.empty()) {
    const unsigned beats = write_beats_.front();
    beat_count_checks_.evaluated();
    if (p.wlast != (w_count_ == beats)) {
      report("AXI4_BEAT_COUNT", cycle, "m_axi_wlast",
             std::string(p.wlast ? "WLAST on beat " : "no WLAST on beat ") +
                 std::to_string(w_count_) + " of a " + std::to_string(beats) + "-beat burst");
    }
    if (p.wlast || w_count_ == beats) {
      write_beats_.pop_front();
      w_count_ = 0;
    }
  } else if (p.wlast) {
    w_only_.push_back(w_count_);
    w_count_ = 0;
  }
}

void Axi4Protocol::on_read_data(uint64_t cycle, const Axi4Ports& p) {
  response_checks_.evaluated();
  if (read_beats_.empty()) {
    report("AXI4_UNEXPECTED_RESPONSE", cycle, "m_axi_rvalid", "read data without a read burst");
    return;
  }
  ++r_count_;
  const unsigned beats = read_beats_.front();
  beat_count_checks_.evaluated();
  if (p.rlast != (r_count_ == beats)) {
    report("AXI4_BEAT_COUNT", cycle, "m_axi_rlast",
           std::string(p.rlast ? "RLAST on beat " : "no RLAST on beat ") +
               std::to_string(r_count_) + " of a " + std::to_string(beats) + "-beat burst");
  }
  if (p.rlast || r_count_ == beats) {
    read_beats_.pop_front();
    r_count_ = 0;
  }
}

}  // namespace nicsim::sim
