// The VALID/READY rule every AXI channel shares: once VALID is shown without READY, VALID stays
// up and the payload stays unchanged until the handshake.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "sim/monitors/cycle_monitor.h"

namespace nicsim::sim {

class HandshakeCheck {
 public:
  using Payload = std::array<uint64_t, 4>;
  // rule_prefix: "AXI4LITE", "AXI4" or "AXIS"; channel: the VALID signal's name.
  HandshakeCheck(std::string rule_prefix, std::string channel)
      : prefix_(std::move(rule_prefix)), channel_(std::move(channel)) {}

  void check(uint64_t cycle, bool valid, bool ready, const Payload& payload,
             const MonitorReport& report) {
    if (stalled_) {
      if (!valid) {
        report(monitor_violation(prefix_ + "_VALID_DROPPED", cycle, channel_,
                                 channel_ + " dropped before its handshake"));
      } else if (payload != payload_) {
        report(monitor_violation(prefix_ + "_PAYLOAD_CHANGED", cycle, channel_,
                                 "payload of " + channel_ + " changed while stalled"));
      }
    }
    stalled_ = valid && !ready;
    payload_ = payload;
  }
  void reset() { stalled_ = false; }

 private:
  std::string prefix_, channel_;
  bool stalled_ = false;
  Payload payload_{};
};

}  // namespace nicsim::sim
