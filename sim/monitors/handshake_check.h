// The VALID/READY rule every AXI channel shares: once VALID is shown without READY, VALID stays
// up and the payload stays unchanged until the handshake.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>

#include "sim/monitors/cycle_monitor.h"

namespace nicsim::sim {

// Fields: the payload's field types (a wide data word among them); check() takes them by
// reference (std::tie), and only a stalled payload is copied, for the next cycle's comparison.
template <class... Fields>
class HandshakeCheck {
 public:
  using Payload = std::tuple<const Fields&...>;
  // rule_prefix: "AXI4LITE", "AXI4" or "AXIS"; channel: the VALID signal's name.
  HandshakeCheck(std::string rule_prefix, std::string channel)
      : prefix_(std::move(rule_prefix)),
        channel_(std::move(channel)),
        valid_dropped_(prefix_ + "_VALID_DROPPED"),
        payload_changed_(prefix_ + "_PAYLOAD_CHANGED") {}

  void check(uint64_t cycle, bool valid, bool ready, const Payload& payload,
             const MonitorReport& report) {
    // Most edges neither end nor start a stall: nothing to compare or keep. Kept apart from the
    // rest so this test inlines into every monitor's edge.
    if (!stalled_ && (!valid || ready)) return;
    check_stall(cycle, valid, ready, payload, report);
  }
  void reset() { stalled_ = false; }
  void attach_coverage(FunctionalCoverage& coverage) {
    valid_dropped_.attach(coverage);
    payload_changed_.attach(coverage);
  }

 private:
  [[gnu::noinline]] void check_stall(uint64_t cycle, bool valid, bool ready, const Payload& payload,
                                     const MonitorReport& report) {
    if (stalled_) {
      valid_dropped_.evaluated();
      payload_changed_.evaluated();
      if (!valid) {
        report(monitor_violation(prefix_ + "_VALID_DROPPED", cycle, channel_,
                                 channel_ + " dropped before its handshake"));
      } else if (payload != stalled_payload_) {
        report(monitor_violation(prefix_ + "_PAYLOAD_CHANGED", cycle, channel_,
                                 "payload of " + channel_ + " changed while stalled"));
      }
    }
    stalled_ = valid && !ready;
    if (stalled_) stalled_payload_ = payload;
  }

  std::string prefix_, channel_;
  bool stalled_ = false;
  std::tuple<Fields...> stalled_payload_{};
  RuleCount valid_dropped_, payload_changed_;  // each edge that ends or continues a stall
};

// Forgets every channel's stall (reset asserted).
template <class... Checks>
void reset_all(Checks&... checks) {
  (checks.reset(), ...);
}

template <class... Checks>
void attach_all(FunctionalCoverage& coverage, Checks&... checks) {
  (checks.attach_coverage(coverage), ...);
}

}  // namespace nicsim::sim
