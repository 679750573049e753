#include "sim/monitors/axis_protocol.h"

namespace nicsim::sim {

AxiStreamProtocol::AxiStreamProtocol(MonitorReport report)
    : report_(std::move(report)),
      tx_("AXIS", "m_axis_tx_tvalid"),
      rx_("AXIS", "s_axis_rx_tvalid") {}

void AxiStreamProtocol::check_beat(uint64_t cycle, const char* keep_signal, uint8_t keep,
                                   bool last) {
  if (keep == 0 || (keep & (keep + 1)) != 0) {
    report_(monitor_violation("AXIS_TKEEP_GAP", cycle, keep_signal,
                              "tkeep " + hex(keep) + " is empty or not contiguous from byte 0"));
  } else if (!last && keep != 0xFF) {
    report_(monitor_violation("AXIS_PARTIAL_BEAT", cycle, keep_signal,
                              "partial beat (tkeep " + hex(keep) + ") before the last beat"));
  }
}

void AxiStreamProtocol::on_cycle(uint64_t cycle, const PortSnapshot& p) {
  if (p.rst) {
    tx_.reset();
    rx_.reset();
    return;
  }
  tx_.check(cycle, p.m_axis_tx_tvalid, p.m_axis_tx_tready,
            {p.m_axis_tx_tdata, p.m_axis_tx_tkeep, p.m_axis_tx_tlast, p.m_axis_tx_tuser}, report_);
  rx_.check(cycle, p.s_axis_rx_tvalid, p.s_axis_rx_tready,
            {p.s_axis_rx_tdata, p.s_axis_rx_tkeep, p.s_axis_rx_tlast, p.s_axis_rx_tuser}, report_);
  if (p.m_axis_tx_tvalid && p.m_axis_tx_tready) {
    check_beat(cycle, "m_axis_tx_tkeep", p.m_axis_tx_tkeep, p.m_axis_tx_tlast);
  }
  if (p.s_axis_rx_tvalid && p.s_axis_rx_tready) {
    check_beat(cycle, "s_axis_rx_tkeep", p.s_axis_rx_tkeep, p.s_axis_rx_tlast);
  }
}

}  // namespace nicsim::sim
