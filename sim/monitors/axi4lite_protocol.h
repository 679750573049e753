// AXI4-Lite protocol checker on the NIC's BAR0 slave port (both directions): VALID held until
// READY, payload stable while stalled, no response without a request. Rules AXI4LITE_*.
#pragma once

#include "sim/monitors/cycle_monitor.h"
#include "sim/monitors/handshake_check.h"

namespace nicsim::sim {

class Axi4LiteProtocol : public CycleMonitor {
 public:
  explicit Axi4LiteProtocol(MonitorReport report);
  void on_cycle(uint64_t cycle, const DevicePorts& ports) override;
  void attach_coverage(FunctionalCoverage& coverage) override;

 private:
  MonitorReport report_;
  HandshakeCheck<uint64_t> aw_, ar_;
  HandshakeCheck<uint32_t, uint8_t> w_;
  HandshakeCheck<uint8_t> b_;
  HandshakeCheck<uint32_t, uint8_t> r_;
  int writes_pending_ = 0;  // AW accepted, B not yet
  int reads_pending_ = 0;
  RuleCount response_checks_{"AXI4LITE_UNEXPECTED_RESPONSE"};  // per B and R handshake
};

}  // namespace nicsim::sim
