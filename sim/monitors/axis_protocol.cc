#include "sim/monitors/axis_protocol.h"

#include <utility>

namespace nicsim::sim {

AxiStreamProtocol::AxiStreamProtocol(MonitorReport report, const DeviceShape& shape)
    : report_(std::move(report)),
      full_keep_(byte_mask(shape.stream_data_bytes())),
      tx_("AXIS", "m_axis_tx_tvalid"),
      rx_("AXIS", "s_axis_rx_tvalid") {}

void AxiStreamProtocol::check_beat(uint64_t cycle, const AxiStreamPorts& s,
                                   const char* keep_signal) {
  if (!s.tvalid || !s.tready) return;
  const uint64_t keep = s.tkeep;
  keep_gap_checks_.evaluated();
  if (!s.tlast) partial_beat_checks_.evaluated();
  if (keep == 0 || (keep & (keep + 1)) != 0) {
    report_(monitor_violation("AXIS_TKEEP_GAP", cycle, keep_signal,
                              "tkeep " + hex(keep) + " is empty or not contiguous from byte 0"));
  } else if (!s.tlast && keep != full_keep_) {
    report_(monitor_violation("AXIS_PARTIAL_BEAT", cycle, keep_signal,
                              "partial beat (tkeep " + hex(keep) + ") before the last beat"));
  }
}

void AxiStreamProtocol::attach_coverage(FunctionalCoverage& coverage) {
  attach_all(coverage, tx_, rx_);
  keep_gap_checks_.attach(coverage);
  partial_beat_checks_.attach(coverage);
}

void AxiStreamProtocol::on_cycle(uint64_t cycle, const DevicePorts& p) {
  if (p.rst) {
    reset_all(tx_, rx_);
    return;
  }
  for (auto [channel, stream] : {std::pair{&tx_, &p.tx}, std::pair{&rx_, &p.rx}}) {
    const AxiStreamPorts& s = *stream;
    channel->check(cycle, s.tvalid, s.tready, std::tie(s.tdata, s.tkeep, s.tlast, s.tuser),
                   report_);
  }
  check_beat(cycle, p.tx, "m_axis_tx_tkeep");
  check_beat(cycle, p.rx, "s_axis_rx_tkeep");
}

}  // namespace nicsim::sim
