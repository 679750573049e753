// Scenarios of a co-simulation: a platform shape plus a traffic shape. The design registers its
// own (a scenarios JSON file, see nicsim_add_cosim); command-line flags override the platform
// fields (--cpus, --queues, --irq-mode, --packets).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nicsim::cli {

// msix: a message per queue plus one (as many as the device has); msi: the device's one message;
// intx: the level line.
enum class IrqMode { kMsix, kMsi, kIntx };
std::string_view to_string(IrqMode mode);
std::optional<IrqMode> parse_irq_mode(std::string_view text);

// Outcomes a scenario declares expected (a fault it injects explains them): they are counted in
// the summary instead of reported. Nothing is expected by default: the scoreboard is strict.
struct Expectations {
  // Sends completed with a failure status: any status (true in the JSON), or only these.
  bool any_send_failed = false;
  std::vector<uint32_t> send_failed_statuses;  // NDIS_STATUS values
  bool send_failed(uint32_t status) const;
};

// A lifecycle event in mid-traffic (traffic_event_after_ns after the traffic starts):
// halt: NDIS pauses (the sends in flight complete), then MiniportHaltEx runs while the link still
// delivers; the protocols stop sending first. Receives not indicated by then are lost to it.
// reset: MiniportResetEx; the sends it aborts or refuses and the receives it loses are excused.
// link-flap: the link partner's link goes down for traffic_event_ns and comes back up.
enum class TrafficEvent { kNone, kHalt, kReset, kLinkFlap };
std::string_view to_string(TrafficEvent event);
std::optional<TrafficEvent> parse_traffic_event(std::string_view text);

struct Scenario {
  std::string name;
  std::string description;
  unsigned cpus = 4;
  unsigned queues = 4;
  IrqMode irq_mode = IrqMode::kMsix;
  uint64_t packets = 400;    // frames in both directions together
  unsigned rx_percent = 50;  // share of the frames sent by the link partner into the NIC
  unsigned min_frame = 60;   // bytes, without FCS
  unsigned max_frame = 1514;
  unsigned rx_gap_cycles = 200;     // link partner inter-frame gap
  unsigned tx_burst = 16;           // NBLs per MiniportSendNetBufferLists call, at most
  uint64_t tx_gap_ns = 2000;        // pause of a sender thread between two calls
  bool shared_line_sharer = false;  // INTx: a second device shares the line
  bool lifecycle = false;  // OIDs, a pause and restart in mid-traffic, check-for-hang, a reset
  TrafficEvent traffic_event = TrafficEvent::kNone;
  uint64_t traffic_event_after_ns = 60'000;
  uint64_t traffic_event_ns = 30'000;  // link-flap: how long the link stays down
  // A hostile start: the NIC comes up with a cause pending and unmasked in INTx mode (left by
  // firmware), and with INTx a second device asserts the shared line as NdisMRegisterInterruptEx
  // connects the ISR, so the ISR runs before registration returns.
  bool early_interrupt = false;
  // Registry keywords for the driver (NdisReadConfiguration), before --config's.
  std::vector<std::pair<std::string, std::string>> keywords;
  Expectations expect;
};

// {"scenarios": [{"name": ..., <any Scenario field>...}, ...]}: every field but the name is
// optional. "expect": {"send_failed": true | false | ["NDIS_STATUS_...", ...]}. Throws
// std::invalid_argument naming the key path and the value.
std::vector<Scenario> parse_scenarios(const nlohmann::json& document);
// The document's optional "unreachable_coverage": {"group/bin": "why this design never reaches
// it", ...}: functional coverage bins the report lists as unreachable, with the reason. Throws
// std::invalid_argument naming the key path and the value.
std::map<std::string, std::string> parse_unreachable_coverage(const nlohmann::json& document);
// nullptr when no scenario has that name.
const Scenario* find_scenario(const std::vector<Scenario>& scenarios, std::string_view name);

}  // namespace nicsim::cli
