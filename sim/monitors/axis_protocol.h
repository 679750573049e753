// AXI4-Stream protocol checker on the NIC's TX (m_axis_tx) and RX (s_axis_rx) streams: VALID
// held until READY, payload stable while stalled, TKEEP contiguous from byte 0 and non-empty,
// only the last beat of a frame partial. Rules AXIS_*.
#pragma once

#include "sim/monitors/cycle_monitor.h"
#include "sim/monitors/handshake_check.h"

namespace nicsim::sim {

class AxiStreamProtocol : public CycleMonitor {
 public:
  explicit AxiStreamProtocol(MonitorReport report);
  void on_cycle(uint64_t cycle, const PortSnapshot& ports) override;

 private:
  void check_beat(uint64_t cycle, const char* keep_signal, uint8_t keep, bool last);

  MonitorReport report_;
  HandshakeCheck tx_, rx_;
};

}  // namespace nicsim::sim
