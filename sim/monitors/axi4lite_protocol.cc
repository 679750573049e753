#include "sim/monitors/axi4lite_protocol.h"

namespace nicsim::sim {

Axi4LiteProtocol::Axi4LiteProtocol(MonitorReport report)
    : report_(std::move(report)),
      aw_("AXI4LITE", "s_axil_awvalid"),
      w_("AXI4LITE", "s_axil_wvalid"),
      b_("AXI4LITE", "s_axil_bvalid"),
      ar_("AXI4LITE", "s_axil_arvalid"),
      r_("AXI4LITE", "s_axil_rvalid") {}

void Axi4LiteProtocol::on_cycle(uint64_t cycle, const PortSnapshot& p) {
  if (p.rst) {
    for (HandshakeCheck* c : {&aw_, &w_, &b_, &ar_, &r_}) c->reset();
    writes_pending_ = reads_pending_ = 0;
    return;
  }
  aw_.check(cycle, p.s_axil_awvalid, p.s_axil_awready, {p.s_axil_awaddr}, report_);
  w_.check(cycle, p.s_axil_wvalid, p.s_axil_wready, {p.s_axil_wdata, p.s_axil_wstrb}, report_);
  b_.check(cycle, p.s_axil_bvalid, p.s_axil_bready, {p.s_axil_bresp}, report_);
  ar_.check(cycle, p.s_axil_arvalid, p.s_axil_arready, {p.s_axil_araddr}, report_);
  r_.check(cycle, p.s_axil_rvalid, p.s_axil_rready, {p.s_axil_rdata, p.s_axil_rresp}, report_);

  if (p.s_axil_awvalid && p.s_axil_awready) ++writes_pending_;
  if (p.s_axil_arvalid && p.s_axil_arready) ++reads_pending_;
  if (p.s_axil_bvalid && p.s_axil_bready && --writes_pending_ < 0) {
    writes_pending_ = 0;
    report_(monitor_violation("AXI4LITE_UNEXPECTED_RESPONSE", cycle, "s_axil_bvalid",
                              "write response without an accepted write address"));
  }
  if (p.s_axil_rvalid && p.s_axil_rready && --reads_pending_ < 0) {
    reads_pending_ = 0;
    report_(monitor_violation("AXI4LITE_UNEXPECTED_RESPONSE", cycle, "s_axil_rvalid",
                              "read data without an accepted read address"));
  }
}

}  // namespace nicsim::sim
