#include "sim/monitors/axi4lite_protocol.h"

namespace nicsim::sim {

Axi4LiteProtocol::Axi4LiteProtocol(MonitorReport report)
    : report_(std::move(report)),
      aw_("AXI4LITE", "s_axil_awvalid"),
      ar_("AXI4LITE", "s_axil_arvalid"),
      w_("AXI4LITE", "s_axil_wvalid"),
      b_("AXI4LITE", "s_axil_bvalid"),
      r_("AXI4LITE", "s_axil_rvalid") {}

void Axi4LiteProtocol::attach_coverage(FunctionalCoverage& coverage) {
  attach_all(coverage, aw_, ar_, w_, b_, r_);
  response_checks_.attach(coverage);
}

void Axi4LiteProtocol::on_cycle(uint64_t cycle, const DevicePorts& ports) {
  if (ports.rst) {
    reset_all(aw_, ar_, w_, b_, r_);
    writes_pending_ = reads_pending_ = 0;
    return;
  }
  const AxiLitePorts& p = ports.regs;
  aw_.check(cycle, p.awvalid, p.awready, std::tie(p.awaddr), report_);
  w_.check(cycle, p.wvalid, p.wready, std::tie(p.wdata, p.wstrb), report_);
  b_.check(cycle, p.bvalid, p.bready, std::tie(p.bresp), report_);
  ar_.check(cycle, p.arvalid, p.arready, std::tie(p.araddr), report_);
  r_.check(cycle, p.rvalid, p.rready, std::tie(p.rdata, p.rresp), report_);

  if (p.awvalid && p.awready) ++writes_pending_;
  if (p.arvalid && p.arready) ++reads_pending_;
  if (p.bvalid && p.bready) response_checks_.evaluated();
  if (p.rvalid && p.rready) response_checks_.evaluated();
  if (p.bvalid && p.bready && --writes_pending_ < 0) {
    writes_pending_ = 0;
    report_(monitor_violation("AXI4LITE_UNEXPECTED_RESPONSE", cycle, "s_axil_bvalid",
                              "write response without an accepted write address"));
  }
  if (p.rvalid && p.rready && --reads_pending_ < 0) {
    reads_pending_ = 0;
    report_(monitor_violation("AXI4LITE_UNEXPECTED_RESPONSE", cycle, "s_axil_rvalid",
                              "read data without an accepted read address"));
  }
}

}  // namespace nicsim::sim
