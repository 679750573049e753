#include "testbench/cli/scenarios.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "testbench/cli/ndis_status.h"

namespace nicsim::cli {
namespace {

[[noreturn]] void fail(const std::string& key, const nlohmann::json& value,
                       const std::string& why) {
  throw std::invalid_argument(key + ": " + value.dump() + " " + why);
}

template <typename T>
T number(const std::string& key, const nlohmann::json& value, T low, T high) {
  if (!value.is_number_unsigned() || value.get<uint64_t>() < low || value.get<uint64_t>() > high)
    fail(key, value, "is not a number in " + std::to_string(low) + ".." + std::to_string(high));
  return static_cast<T>(value.get<uint64_t>());
}

bool boolean(const std::string& key, const nlohmann::json& value) {
  if (!value.is_boolean()) fail(key, value, "is not true or false");
  return value.get<bool>();
}

std::string text(const std::string& key, const nlohmann::json& value) {
  if (!value.is_string()) fail(key, value, "is not a string");
  return value.get<std::string>();
}

// "expect": {"send_failed": true | false | [status names]}.
Expectations parse_expect(const std::string& where, const nlohmann::json& node) {
  if (!node.is_object()) fail(where, node, "is not an object of expected outcomes");
  Expectations e;
  for (const auto& [name, value] : node.items()) {
    const std::string key = where + "." + name;
    if (name != "send_failed") fail(key, value, "is not an expected outcome (send_failed)");
    if (value.is_boolean()) {
      e.any_send_failed = value.get<bool>();
      continue;
    }
    if (!value.is_array() || value.empty())
      fail(key, value, "is neither true, false nor a non-empty list of NDIS_STATUS names");
    for (size_t i = 0; i < value.size(); ++i) {
      const std::string item = key + "[" + std::to_string(i) + "]";
      const auto status = ndis_status_value(text(item, value[i]));
      if (!status || *status < 0x80000000u)  // success and informational values are no failure
        fail(item, value[i], "is not an NDIS_STATUS failure name (e.g. NDIS_STATUS_FAILURE)");
      e.send_failed_statuses.push_back(*status);
    }
  }
  return e;
}

Scenario parse_scenario(const std::string& where, const nlohmann::json& node) {
  if (!node.is_object()) fail(where, node, "is not an object");
  if (!node.contains("name")) fail(where, node, "lacks the required key \"name\"");
  Scenario s;
  constexpr unsigned kMaxUnsigned = std::numeric_limits<unsigned>::max();
  for (const auto& [name, value] : node.items()) {
    const std::string key = where + "." + name;
    if (name == "name") {
      s.name = text(key, value);
      if (s.name.empty()) fail(key, value, "is empty");
    } else if (name == "description") {
      s.description = text(key, value);
    } else if (name == "cpus") {
      s.cpus = number(key, value, 1u, 64u);
    } else if (name == "queues") {
      s.queues = number(key, value, 1u, 8u);
    } else if (name == "irq_mode") {
      const auto mode = parse_irq_mode(text(key, value));
      if (!mode) fail(key, value, "is not msix, msi or intx");
      s.irq_mode = *mode;
    } else if (name == "packets") {
      s.packets = number<uint64_t>(key, value, 1, 10'000'000);
    } else if (name == "rx_percent") {
      s.rx_percent = number(key, value, 0u, 100u);
    } else if (name == "min_frame") {
      s.min_frame = number(key, value, 14u, 65535u);
    } else if (name == "max_frame") {
      s.max_frame = number(key, value, 14u, 65535u);
    } else if (name == "rx_gap_cycles") {
      s.rx_gap_cycles = number(key, value, 0u, kMaxUnsigned);
    } else if (name == "tx_burst") {
      s.tx_burst = number(key, value, 1u, 1024u);
    } else if (name == "tx_gap_ns") {
      s.tx_gap_ns = number<uint64_t>(key, value, 0, 1'000'000'000);
    } else if (name == "shared_line_sharer") {
      s.shared_line_sharer = boolean(key, value);
    } else if (name == "lifecycle") {
      s.lifecycle = boolean(key, value);
    } else if (name == "traffic_event") {
      const auto event = parse_traffic_event(text(key, value));
      if (!event) fail(key, value, "is not none, halt, reset or link-flap");
      s.traffic_event = *event;
    } else if (name == "traffic_event_after_ns") {
      s.traffic_event_after_ns = number<uint64_t>(key, value, 0, 1'000'000'000);
    } else if (name == "traffic_event_ns") {
      s.traffic_event_ns = number<uint64_t>(key, value, 1, 1'000'000'000);
    } else if (name == "early_interrupt") {
      s.early_interrupt = boolean(key, value);
    } else if (name == "keywords") {
      if (!value.is_object()) fail(key, value, "is not an object of keyword: value");
      for (const auto& [keyword, setting] : value.items())
        s.keywords.emplace_back(keyword, text(key + "." + keyword, setting));
    } else if (name == "expect") {
      s.expect = parse_expect(key, value);
    } else {
      fail(key, value, "is not a scenario key");
    }
  }
  if (s.min_frame > s.max_frame) fail(where, node, "has min_frame above max_frame");
  return s;
}

}  // namespace

bool Expectations::send_failed(uint32_t status) const {
  if (any_send_failed) return true;
  for (uint32_t expected : send_failed_statuses) {
    if (expected == status) return true;
  }
  return false;
}

std::string_view to_string(IrqMode mode) {
  switch (mode) {
    case IrqMode::kMsix:
      return "msix";
    case IrqMode::kMsi:
      return "msi";
    case IrqMode::kIntx:
      return "intx";
  }
  return "?";
}

std::optional<IrqMode> parse_irq_mode(std::string_view text) {
  for (IrqMode mode : {IrqMode::kMsix, IrqMode::kMsi, IrqMode::kIntx}) {
    if (to_string(mode) == text) return mode;
  }
  return std::nullopt;
}

std::string_view to_string(TrafficEvent event) {
  switch (event) {
    case TrafficEvent::kNone:
      return "none";
    case TrafficEvent::kHalt:
      return "halt";
    case TrafficEvent::kReset:
      return "reset";
    case TrafficEvent::kLinkFlap:
      return "link-flap";
  }
  return "?";
}

std::optional<TrafficEvent> parse_traffic_event(std::string_view text) {
  for (TrafficEvent event :
       {TrafficEvent::kNone, TrafficEvent::kHalt, TrafficEvent::kReset, TrafficEvent::kLinkFlap}) {
    if (to_string(event) == text) return event;
  }
  return std::nullopt;
}

std::vector<Scenario> parse_scenarios(const nlohmann::json& document) {
  if (!document.is_object() || !document.contains("scenarios"))
    fail("scenarios", document.is_object() ? nlohmann::json("(absent)") : document,
         "is required: a list of scenarios");
  const auto& list = document.at("scenarios");
  if (!list.is_array() || list.empty()) fail("scenarios", list, "is not a non-empty list");
  std::vector<Scenario> out;
  std::set<std::string> names;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string where = "scenarios[" + std::to_string(i) + "]";
    out.push_back(parse_scenario(where, list[i]));
    if (!names.insert(out.back().name).second)
      fail(where + ".name", out.back().name, "names a second scenario");
  }
  return out;
}

std::map<std::string, std::string> parse_unreachable_coverage(const nlohmann::json& document) {
  std::map<std::string, std::string> out;
  if (!document.is_object() || !document.contains("unreachable_coverage")) return out;
  const auto& bins = document.at("unreachable_coverage");
  if (!bins.is_object()) fail("unreachable_coverage", bins, "is not an object of bin: reason");
  for (const auto& [bin, reason] : bins.items()) {
    if (!reason.is_string() || reason.get<std::string>().empty())
      fail("unreachable_coverage." + bin, reason, "is not a reason (a non-empty string)");
    out[bin] = reason.get<std::string>();
  }
  return out;
}

const Scenario* find_scenario(const std::vector<Scenario>& scenarios, std::string_view name) {
  for (const auto& scenario : scenarios) {
    if (scenario.name == name) return &scenario;
  }
  return nullptr;
}

}  // namespace nicsim::cli
