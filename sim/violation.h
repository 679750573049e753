// Structured violation records shared by the cycle monitors (sim/) and the NDIS verifier
// (driver/ndis).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace nicsim {

enum class Severity : uint8_t { kWarning, kError };

std::string_view to_string(Severity severity);

// "0x1f00": addresses and values in violation messages.
std::string hex(uint64_t value);

struct Violation {
  std::string
      rule;  // stable ID from NDIS_RULES.md or a monitor rule (e.g. "AXI4LITE_VALID_DROPPED")
  Severity severity = Severity::kError;
  int cpu = -1;         // -1: not on a CPU (a cycle monitor)
  int irql = -1;        // -1: not on a CPU
  std::string context;  // "passive", "dpc", "isr", "sync", "idle" or "" for monitors
  std::string object;   // lock, interrupt, signal or buffer the rule is about
  uint64_t sim_ns = 0;
  uint64_t cycle = 0;  // NIC clock cycle
  std::string where;   // source location "file:line (function)", or the signal name for monitors
  std::string message;
};

// Collects violations for a run. Listeners (waves marker, timeline, stop-on-first-error) see each
// record as it is reported.
class ViolationLog {
 public:
  using Listener = std::function<void(const Violation&)>;

  void report(Violation violation);
  void add_listener(Listener listener) { listeners_.push_back(std::move(listener)); }

  const std::vector<Violation>& all() const { return violations_; }
  size_t count(std::string_view rule) const;
  size_t errors() const;
  bool empty() const { return violations_.empty(); }

 private:
  std::vector<Violation> violations_;
  std::vector<Listener> listeners_;
};

}  // namespace nicsim
