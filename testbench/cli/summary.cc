#include "testbench/cli/summary.h"

#include <algorithm>
#include <iomanip>

#include "sim/output_file.h"

namespace nicsim::cli {

Histogram Histogram::of(const std::vector<uint64_t>& samples) {
  std::map<uint64_t, uint64_t> counts;
  for (uint64_t sample : samples) ++counts[sample];
  return of_counts(counts);
}

Histogram Histogram::of_counts(const std::map<uint64_t, uint64_t>& counts) {
  Histogram h;
  for (const auto& [value, count] : counts) h.count += count;
  if (h.count == 0) return h;
  h.min = counts.begin()->first;
  h.max = counts.rbegin()->first;
  // The values at these ranks of the sorted samples.
  const uint64_t median_rank = (h.count - 1) / 2;
  const uint64_t p99_rank = std::min(h.count - 1, (h.count * 99) / 100);
  uint64_t seen = 0;
  bool median_found = false;
  for (const auto& [value, count] : counts) {
    seen += count;
    if (!median_found && seen > median_rank) {
      h.median = value;
      median_found = true;
    }
    if (seen > p99_rank) {
      h.p99 = value;
      break;
    }
  }
  return h;
}

int RunSummary::exit_code() const {
  return (!violations.empty() || lost > 0 || corrupt > 0) ? 1 : 0;
}

namespace {

nlohmann::json histogram_json(const Histogram& h) {
  return {{"count", h.count}, {"min", h.min}, {"median", h.median}, {"p99", h.p99}, {"max", h.max}};
}

}  // namespace

nlohmann::json to_json(const RunSummary& s) {
  using nlohmann::json;
  json j;
  j["scenario"] = s.scenario;
  j["seed"] = s.seed;
  j["cpus"] = s.cpus;
  j["queues"] = s.queues;
  j["irq_mode"] = s.irq_mode;
  j["driver_bug"] = s.driver_bug;
  j["monitors"] = s.monitors;
  json dropped = json::object();
  for (const auto& [reason, count] : s.dropped) dropped[reason] = count;
  json failed_statuses = json::object(), device_errors = json::object();
  for (const auto& [status, count] : s.tx_failed_statuses) failed_statuses[status] = count;
  for (const auto& [reason, count] : s.tx_device_errors) device_errors[reason] = count;
  j["packets"] = {
      {"sent", s.sent},
      {"received", s.received},
      {"dropped", dropped},
      {"lost", s.lost},
      {"corrupt", s.corrupt},
      {"rx", {{"sent", s.rx_sent}, {"received", s.rx_received}, {"corrupt", s.rx_corrupt}}},
      {"tx",
       {{"sent", s.tx_sent},
        {"received", s.tx_received},
        {"corrupt", s.tx_corrupt},
        {"completed", s.tx_completed},
        {"failed_sends", s.tx_failed_sends},
        {"failed", s.tx_failed},
        {"failed_expected", s.tx_failed_expected},
        {"failed_statuses", failed_statuses},
        {"device_errors", device_errors}}}};
  j["faults"] = s.faults.is_null() ? nlohmann::json::object() : s.faults;
  j["interrupts"] = {{"raised", s.interrupts_raised},
                     {"isr_calls", s.isr_calls},
                     {"dpcs", s.dpcs},
                     {"sharer_claims", s.sharer_claims}};
  j["lifecycle"] = {{"pauses", s.lifecycle.pauses},
                    {"restarts", s.lifecycle.restarts},
                    {"hang_checks", s.lifecycle.hang_checks},
                    {"resets", s.lifecycle.resets},
                    {"oid_requests", s.lifecycle.oid_requests},
                    {"oid_failures", s.lifecycle.oid_failures},
                    {"halts_under_traffic", s.lifecycle.halts_under_traffic},
                    {"link_flaps", s.lifecycle.link_flaps},
                    {"isrs_before_register_returned", s.lifecycle.isrs_before_register_returned}};
  json per_cpu = json::array();
  for (const auto& c : s.per_cpu) {
    per_cpu.push_back({{"cpu", c.cpu}, {"isr", c.isr}, {"dpc", c.dpc}, {"busy_ns", c.busy_ns}});
  }
  j["per_cpu"] = per_cpu;
  j["latency_cycles"] = {{"irq_to_isr", histogram_json(s.irq_to_isr)},
                         {"isr_to_dpc", histogram_json(s.isr_to_dpc)}};
  json locks = json::array();
  for (const auto& l : s.locks) {
    locks.push_back({{"name", l.name},
                     {"acquires", l.acquires},
                     {"contended", l.contended},
                     {"max_hold_ns", l.max_hold_ns},
                     {"max_spin_ns", l.max_spin_ns}});
  }
  j["locks"] = locks;
  j["race_check"] = {{"enabled", s.race_check.enabled},
                     {"accesses", s.race_check.accesses},
                     {"accesses_checked", s.race_check.accesses_checked},
                     {"races", s.race_check.races},
                     {"suppressed", s.race_check.suppressed}};
  json violations = json::array();
  for (const auto& v : s.violations) {
    violations.push_back({{"rule", v.rule},
                          {"severity", std::string(to_string(v.severity))},
                          {"cpu", v.cpu},
                          {"irql", v.irql},
                          {"context", v.context},
                          {"object", v.object},
                          {"sim_ns", v.sim_ns},
                          {"cycle", v.cycle},
                          {"where", v.where},
                          {"message", v.message}});
  }
  j["violations"] = violations;
  j["coverage"]["bins"] = s.coverage_bins;
  j["stop_reason"] = s.stop_reason;
  j["stopped"] = s.stopped.empty() ? json(nullptr) : json(s.stopped);
  const double cycles_per_s = s.wall_s > 0 ? static_cast<double>(s.cycles) / s.wall_s : 0.0;
  j["sim"] = {{"cycles", s.cycles},
              {"sim_ns", s.sim_ns},
              {"wall_s", s.wall_s},
              {"cycles_per_s", cycles_per_s}};
  return j;
}

std::string write_summary_file(const RunSummary& summary, const std::string& path) {
  return sim::write_whole_file(path, to_json(summary).dump(2) + "\n");
}

void print_human_summary(const RunSummary& s, std::ostream& out) {
  out << "nicsim " << s.scenario << " seed " << s.seed << ": " << s.cpus << " CPUs, " << s.queues
      << " queues, " << s.irq_mode;
  if (s.driver_bug != "none") out << ", driver bug " << s.driver_bug;
  out << "\n  packets: sent " << s.sent << " (rx " << s.rx_sent << ", tx " << s.tx_sent
      << "), received " << s.received;
  uint64_t dropped = 0;
  for (const auto& [reason, count] : s.dropped) dropped += count;
  out << ", dropped " << dropped;
  for (const auto& [reason, count] : s.dropped) out << " " << reason << "=" << count;
  out << ", lost " << s.lost << ", corrupt " << s.corrupt << "\n";
  if (s.tx_failed > 0 || !s.tx_device_errors.empty()) {
    out << "  failed sends: " << s.tx_failed_sends << " (" << s.tx_failed << " frame(s))";
    for (const auto& [status, count] : s.tx_failed_statuses) out << " " << status << "=" << count;
    if (s.tx_failed_expected) out << " (" << s.tx_failed_expected << " expected)";
    out << "; device send errors:";
    if (s.tx_device_errors.empty()) out << " none";
    for (const auto& [reason, count] : s.tx_device_errors) out << " " << reason << "=" << count;
    out << "\n";
  }
  out << "  interrupts: raised " << s.interrupts_raised << ", ISR calls " << s.isr_calls
      << ", DPCs " << s.dpcs << "; irq->ISR median " << s.irq_to_isr.median << " cycles, ISR->DPC "
      << s.isr_to_dpc.median << " cycles\n";
  out << "  sim: " << s.cycles << " cycles, " << s.sim_ns / 1000 << " us simulated, " << std::fixed
      << std::setprecision(2) << s.wall_s << " s wall\n";
  if (s.race_check.enabled)
    out << "  race check: " << s.race_check.accesses_checked << " of " << s.race_check.accesses
        << " driver accesses in its memory checked, " << s.race_check.races << " race(s)"
        << (s.race_check.suppressed ? ", " + std::to_string(s.race_check.suppressed) + " suppressed"
                                    : std::string())
        << "\n";
  if (!s.stop_reason.empty()) out << "  stopped: " << s.stop_reason << "\n";
  if (s.violations.empty()) {
    out << "  violations: none\n";
  } else {
    out << "  violations: " << s.violations.size() << "\n";
    size_t shown = 0;
    for (const auto& v : s.violations) {
      if (++shown > 10) {
        out << "    ... (" << s.violations.size() - 10 << " more in the summary JSON)\n";
        break;
      }
      out << "    " << v.rule << " [" << to_string(v.severity) << "] cpu " << v.cpu << " irql "
          << v.irql << " " << v.context;
      if (!v.object.empty()) out << " on " << v.object;
      out << " at " << v.sim_ns << " ns (cycle " << v.cycle << "): " << v.where << "\n      "
          << v.message << "\n";
    }
  }
  out << (s.exit_code() == 0 ? "PASS\n" : "FAIL\n");
}

}  // namespace nicsim::cli
