// The co-simulation command line: what the user asked for (Options) and its resolution against
// the design's scenarios and bug variants into one fully specified run (RunConfig). Parsing never
// runs a simulation.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sim/faults/fault_plan.h"
#include "sim/host_config.h"
#include "testbench/cli/design.h"
#include "testbench/cli/scenarios.h"

namespace nicsim::cli {

struct Options {
  std::string scenario;  // empty: the design's first
  std::optional<unsigned> cpus;
  std::optional<unsigned> queues;
  std::optional<std::string> irq_mode;
  std::optional<uint64_t> packets;
  uint64_t seed = 1;
  std::string driver_bug = "none";
  std::string pcap_in;
  std::string pcap_out;
  std::string summary_path;
  std::string max_sim_time = "20ms";
  bool max_sim_time_given = false;  // false: the default, which grows with the packet count
  bool list_scenarios = false;
  bool list_driver_bugs = false;
  bool quiet = false;
  bool progress = false;  // progress lines on stderr even when it is not a terminal
  bool no_monitors = false;
  bool no_race_check = false;
  std::string race_suppressions;  // a ThreadSanitizer suppressions file
  // Hooks for tracing options added by the waves work (--waves, --timeline ...).
  std::string waves_path;
  std::string timeline_path;
  std::string waves_window;
  uint64_t waves_on_violation_us = 0;
  std::string config_path;          // --config: registry keywords for the driver
  std::vector<std::string> faults;  // --fault NAME[:PARAM], repeatable
  bool list_faults = false;
  std::string schedule_path;      // --schedule: replay these perturbations instead of drawing
  std::string schedule_out_path;  // --schedule-out: write the perturbations the run applied
  bool shrink = false;            // --shrink: reduce the failing run (testbench/cli/shrink.h)
  std::string shrink_out_path = "shrunk.schedule";
  uint64_t shrink_runs = 300;
  std::string coverage_dir;  // --coverage DIR (the coverage preset's builds only)
  bool coverage_given = false;
};

// A run with every choice made and validated.
struct RunConfig {
  Scenario scenario;  // with the command-line overrides applied
  uint64_t seed = 1;
  unsigned driver_bug = 0;  // 0 none, i + 1 the design's driver_bugs[i] (NicsimDriverBug)
  std::string driver_bug_name = "none";
  std::string pcap_in;
  std::string pcap_out;
  std::string summary_path;
  uint64_t max_sim_ns = 20'000'000;
  bool quiet = false;
  bool progress = false;
  bool monitors = true;    // the NIC's protocol and interrupt monitors check every cycle
  bool race_check = true;  // the driver's instrumented accesses are checked (DATA_RACE)
  std::string race_suppressions;
  std::string waves_path;
  std::string timeline_path;
  std::string waves_window;
  uint64_t waves_on_violation_us = 0;
  // The registry keywords NdisReadConfiguration answers (--config), name and value, file order.
  std::vector<std::pair<std::string, std::string>> keywords;
  std::optional<std::vector<sim::Perturbation>> schedule;  // --schedule, read and checked
  std::string schedule_path;
  std::string schedule_out_path;
  bool shrink = false;
  std::string shrink_out_path;
  uint64_t shrink_runs = 300;
  sim::FaultPlan faults;     // --fault: injected at the device's pins (sim/faults)
  std::string coverage_dir;  // --coverage, absolute (testbench/cli/coverage_output.h)
};

// Outcome of parsing: either a run to do, or an exit code (0 after --help or a list, 2 after
// bad usage) with the text already printed.
struct ParseOutcome {
  std::optional<RunConfig> run;
  int exit_code = 0;
};

ParseOutcome parse_command_line(const Design& design, int argc, const char* const* argv);

// The longest --max-sim-time (and --waves-on-violation): 10^6 s, so that picoseconds fit 64 bits.
inline constexpr uint64_t kMaxSimNs = 1'000'000'000'000'000;

// "10ms", "250us", "1s", "5000ns" or a bare number of ns; nullopt when malformed, 0 or longer
// than kMaxSimNs.
std::optional<uint64_t> parse_sim_time_ns(const std::string& text);

// Decimal digits only and at most max; nullopt otherwise ("", "-5" and 2^64 included).
std::optional<uint64_t> parse_non_negative(const std::string& text, uint64_t max);

// Opens a text file a flag names for reading; "" or the error naming the flag and the file.
std::string open_input_file(const std::string& flag, const std::string& path, std::ifstream& in);

// Reads an INF-style keyword file: Key=Value lines; blank lines and lines starting with ';' or
// '#' are skipped; whitespace around key and value is dropped, and one pair of double quotes
// around the value. Returns an error naming the file and line ("" on success).
std::string read_keyword_file(const std::string& path,
                              std::vector<std::pair<std::string, std::string>>& keywords);

// Validation of resolved values; returns an error message naming the bad value, or "".
std::string validate(const Design& design, const Options& options, RunConfig& out);

}  // namespace nicsim::cli
