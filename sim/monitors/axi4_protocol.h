// AXI4 protocol checker on the device's DMA master port: VALID held until READY and payload
// stable while stalled on all five channels, INCR bursts only, no burst crossing 4 KiB, beat size
// within the bus (the shape's DMA data width), WLAST/RLAST on exactly the last beat (beat count =
// len + 1), no response without a request. Rules AXI4_*.
#pragma once

#include <deque>

#include "sim/monitors/cycle_monitor.h"
#include "sim/monitors/handshake_check.h"

namespace nicsim::sim {

class Axi4Protocol : public CycleMonitor {
 public:
  Axi4Protocol(MonitorReport report, const DeviceShape& shape);
  void on_cycle(uint64_t cycle, const DevicePorts& ports) override;
  void attach_coverage(FunctionalCoverage& coverage) override;

 private:
  void check_address(uint64_t cycle, const char* channel, uint64_t address, unsigned len,
                     unsigned size, unsigned burst);
  void report(const char* rule, uint64_t cycle, const char* signal, std::string message) {
    report_(monitor_violation(rule, cycle, signal, std::move(message)));
  }

  void check_handshakes(uint64_t cycle, const Axi4Ports& p);
  void on_write_address(uint64_t cycle, const Axi4Ports& p);
  void on_write_data(uint64_t cycle, const Axi4Ports& p);
  void on_read_data(uint64_t cycle, const Axi4Ports& p);

  MonitorReport report_;
  unsigned bus_bits_;
  unsigned bus_bytes_log2_;
  using Address = HandshakeCheck<uint64_t, uint8_t, uint8_t, uint8_t>;
  Address aw_, ar_;
  HandshakeCheck<WideWord, uint64_t, bool> w_;
  HandshakeCheck<uint8_t> b_;
  HandshakeCheck<WideWord, uint8_t, bool> r_;
  std::deque<unsigned> write_beats_;  // beats of each accepted AW still receiving W
  std::deque<unsigned> w_only_;       // W bursts that ended before their AW arrived
  unsigned w_count_ = 0;              // W beats of the current burst
  std::deque<unsigned> read_beats_;   // beats of each accepted AR still returning R
  unsigned r_count_ = 0;
  int b_pending_ = 0;
  // Per burst (address handshake), per beat and per response, not per cycle.
  RuleCount burst_type_checks_{"AXI4_BURST_TYPE"}, burst_size_checks_{"AXI4_BURST_SIZE"},
      crossing_checks_{"AXI4_4K_CROSSING"}, beat_count_checks_{"AXI4_BEAT_COUNT"},
      response_checks_{"AXI4_UNEXPECTED_RESPONSE"};
};

}  // namespace nicsim::sim
