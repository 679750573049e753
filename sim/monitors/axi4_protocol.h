// AXI4 protocol checker on the NIC's DMA master port: VALID held until READY and payload stable
// while stalled on all five channels, INCR bursts only, no burst crossing 4 KiB, beat size within
// the 64-bit bus, WLAST/RLAST on exactly the last beat (beat count = len + 1), no response without
// a request. Rules AXI4_*.
#pragma once

#include <deque>

#include "sim/monitors/cycle_monitor.h"
#include "sim/monitors/handshake_check.h"

namespace nicsim::sim {

class Axi4Protocol : public CycleMonitor {
 public:
  explicit Axi4Protocol(MonitorReport report);
  void on_cycle(uint64_t cycle, const PortSnapshot& ports) override;

 private:
  void check_address(uint64_t cycle, const char* channel, uint64_t address, unsigned len,
                     unsigned size, unsigned burst);
  void report(const char* rule, uint64_t cycle, const char* signal, std::string message) {
    report_(monitor_violation(rule, cycle, signal, std::move(message)));
  }

  MonitorReport report_;
  HandshakeCheck aw_, w_, b_, ar_, r_;
  std::deque<unsigned> write_beats_;  // beats of each accepted AW still receiving W
  std::deque<unsigned> w_only_;       // W bursts that ended before their AW arrived
  unsigned w_count_ = 0;              // W beats of the current burst
  std::deque<unsigned> read_beats_;   // beats of each accepted AR still returning R
  unsigned r_count_ = 0;
  int b_pending_ = 0;
};

}  // namespace nicsim::sim
