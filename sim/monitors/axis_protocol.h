// AXI4-Stream protocol checker on the device's TX (m_axis_tx) and RX (s_axis_rx) streams: VALID
// held until READY, payload stable while stalled, TKEEP contiguous from byte 0 and non-empty,
// only the last beat of a frame partial (a full beat keeps every byte of the shape's width).
// Rules AXIS_*.
#pragma once

#include "sim/monitors/cycle_monitor.h"
#include "sim/monitors/handshake_check.h"

namespace nicsim::sim {

class AxiStreamProtocol : public CycleMonitor {
 public:
  AxiStreamProtocol(MonitorReport report, const DeviceShape& shape);
  void on_cycle(uint64_t cycle, const DevicePorts& ports) override;
  void attach_coverage(FunctionalCoverage& coverage) override;

 private:
  using Beat = HandshakeCheck<WideWord, uint64_t, bool, bool>;
  void check_beat(uint64_t cycle, const AxiStreamPorts& stream, const char* keep_signal);

  MonitorReport report_;
  uint64_t full_keep_;
  Beat tx_, rx_;
  RuleCount keep_gap_checks_{"AXIS_TKEEP_GAP"}, partial_beat_checks_{"AXIS_PARTIAL_BEAT"};
};

}  // namespace nicsim::sim
