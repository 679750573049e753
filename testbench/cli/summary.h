// The result of one nicsim run, its JSON form (the --summary file) and the short human summary.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "sim/violation.h"

namespace nicsim::cli {

// min, median, p99, max of a sample set (all 0 when empty).
struct Histogram {
  uint64_t count = 0, min = 0, median = 0, p99 = 0, max = 0;
  static Histogram of(const std::vector<uint64_t>& samples);
  // From how often each value occurred (bounded memory however long the run).
  static Histogram of_counts(const std::map<uint64_t, uint64_t>& counts);
};

struct CpuStats {
  unsigned cpu = 0;
  uint64_t isr = 0, dpc = 0, busy_ns = 0;  // busy: time inside ISRs and DPCs
};

struct LockStats {
  std::string name;
  uint64_t acquires = 0, contended = 0, max_hold_ns = 0, max_spin_ns = 0;
};

struct RunSummary {
  std::string scenario;
  uint64_t seed = 0;
  unsigned cpus = 0, queues = 0;
  std::string irq_mode;
  std::string driver_bug = "none";
  bool monitors = true;  // the NIC's cycle monitors checked the run (off with --no-monitors)
  // Packets in both directions; every sent frame is received or dropped (with a reason) or lost.
  uint64_t sent = 0, received = 0, lost = 0, corrupt = 0;
  uint64_t rx_sent = 0, rx_received = 0, tx_sent = 0, tx_received = 0;
  uint64_t rx_corrupt = 0, tx_corrupt = 0;  // indicated up / seen on the link
  // Frames whose send NBL came back (any status); send NBLs that came back failed, the frames
  // they carried (some may have crossed the link: the status is per NBL) and those of the ones
  // the scenario expects; the failed frames by NDIS status name, and the device's send error
  // counters (its reasons) that moved. Frames of expected failures that never reached the link
  // count in dropped as send_failed.
  uint64_t tx_completed = 0, tx_failed_sends = 0, tx_failed = 0, tx_failed_expected = 0;
  std::map<std::string, uint64_t> tx_failed_statuses, tx_device_errors;
  std::map<std::string, uint64_t> dropped;
  // The faults injected (--fault) and the device's error counters (testbench/cli/fault_report.h).
  nlohmann::json faults;
  uint64_t interrupts_raised = 0, isr_calls = 0, dpcs = 0;
  uint64_t sharer_claims = 0;  // intx-shared: interrupts the other device on the line claimed
  // What the testbench asked of the adapter as NDIS would (the lifecycle scenario).
  struct Lifecycle {
    uint64_t pauses = 0, restarts = 0, hang_checks = 0, resets = 0;
    uint64_t oid_requests = 0, oid_failures = 0;
    // Mid-traffic events (the scenario's traffic_event / early_interrupt): halts while the link
    // still delivered, link flaps, and ISR calls before NdisMRegisterInterruptEx returned.
    uint64_t halts_under_traffic = 0, link_flaps = 0, isrs_before_register_returned = 0;
  } lifecycle;
  std::vector<CpuStats> per_cpu;
  Histogram irq_to_isr, isr_to_dpc;
  std::vector<LockStats> locks;
  // The race checker's work: the driver's instrumented accesses, those in memory it was given.
  struct RaceCheck {
    bool enabled = false;
    uint64_t accesses = 0, accesses_checked = 0, races = 0, suppressed = 0;
  } race_check;
  std::vector<Violation> violations;
  std::map<std::string, uint64_t> coverage_bins;  // functional coverage: bin -> hits
  uint64_t cycles = 0, sim_ns = 0;
  double wall_s = 0;
  std::string stop_reason;  // why the run ended early, "" when the traffic completed
  int stop_signal = 0;      // SIGINT / SIGTERM ended the run early (0: none)
  std::string stopped;      // its name, "SIGINT" or "SIGTERM" ("" when none)
  // Outputs that could not be completed (not in the JSON): "--flag PATH: what: errno text".
  std::vector<std::string> output_errors;

  // 0 clean, 1 violation or lost/corrupt packet.
  int exit_code() const;
};

nlohmann::json to_json(const RunSummary& summary);
// Writes the JSON (under a temporary name, renamed when complete); "" or the error naming the
// path and the errno text.
std::string write_summary_file(const RunSummary& summary, const std::string& path);
void print_human_summary(const RunSummary& summary, std::ostream& out);

}  // namespace nicsim::cli
