#include "testbench/cli/options.h"

#include <ndis.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>

#include "driver/ndis/race/suppressions.h"
#include "sim/output_file.h"
#include "sim/pcap_io.h"
#include "sim/trace/trace_session.h"
#include "testbench/cli/coverage_output.h"
#include "testbench/cli/schedule_file.h"

namespace nicsim::cli {
namespace {

// The footer of --help, with this design's names in the examples.
std::string examples(const Design& design) {
  const std::string& p = design.program;
  const std::string second = design.scenarios.size() > 1 ? design.scenarios[1].name : "default";
  std::string text = "\nExamples:\n";
  text += "  " + p + "                          the default scenario (" +
          design.scenarios.front().name + "), seed 1\n";
  text += "  " + p + " --scenario " + second + " --seed 7   another scenario and interleaving\n";
  text += "  " + p + " --cpus 16 --packets 2000 --summary run.json\n";
  if (!design.driver_bugs.empty()) {
    const std::string bug = design.driver_bugs.front().name;
    text += "  " + p + " --driver-bug " + bug +
            "   a known driver mistake; exits 1 with the violation\n";
    text += "  " + p + " --driver-bug " + bug +
            " --seed 3 --shrink   the fewest perturbations, packets, cpus that still fail\n";
  }
  text += "  " + p + " --pcap-in frames.pcap --pcap-out link.pcap\n";
  text += "  " + p + " --fault msix-drop --fault link-errors:5   faults at the device's pins\n";
  text += "  " + p + " --list-scenarios | --list-driver-bugs | --list-faults\n";
  text += R"(
Exit codes: 0 every check passed; 1 a violation, or a packet lost or corrupted;
            2 bad usage or input (the message names the bad value).
            --shrink: 1 the failure reproduced and was shrunk, 2 the run does not fail.)";
  return text;
}

// An irq mode the device has: MSI-X needs a table, MSI one message.
std::string check_irq_mode(const Design& design, IrqMode mode, const std::string& text) {
  using Kind = sim::DeviceDescription::MessageKind;
  const Kind kind = design.device.message_kind;
  const std::string has = kind == Kind::kMsix ? "MSI-X" : "MSI";
  const std::string use = kind == Kind::kMsix ? "msix" : "msi";
  if ((mode == IrqMode::kMsix && kind != Kind::kMsix) ||
      (mode == IrqMode::kMsi && kind != Kind::kMsi)) {
    return "--irq-mode " + text + ": device " + design.device.name + " has " + has + " (use " +
           use + " or intx)";
  }
  return "";
}

// The whole capture is read before the run: a bad record is bad input, not a failure mid-run.
std::string check_pcap_in(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0)
    return sim::errno_message("--pcap-in " + path, "cannot read it");
  sim::PcapCheck check;
  try {
    check = sim::check_pcap(path);
  } catch (const std::exception& e) {
    return "--pcap-in " + path + ": not a readable pcap file (" + e.what() + ")";
  }
  if (!check.ethernet) {
    return "--pcap-in " + path + ": link type " + std::to_string(check.link_type) +
           (check.link_type_name.empty() ? "" : " (" + check.link_type_name + ")") +
           " is not Ethernet (LINKTYPE_ETHERNET, 1)";
  }
  if (check.first_empty_record) {
    return "--pcap-in " + path + ": record " + std::to_string(check.first_empty_record) +
           " has caplen 0 (no captured bytes)";
  }
  if (check.truncated) {
    std::fprintf(stderr,
                 "nicsim: warning: --pcap-in %s: %llu of %llu record(s) captured shorter than "
                 "their original length; the captured bytes are replayed\n",
                 path.c_str(), static_cast<unsigned long long>(check.truncated),
                 static_cast<unsigned long long>(check.records));
  }
  return "";
}

// Checked before the run: the file can be created (or, a device or pipe, opened) where named.
std::string check_writable(const std::string& flag, const std::string& path) {
  if (auto error = sim::check_output_path(path); !error.empty()) return flag + " " + error;
  struct stat st {};
  // An FST is written with seeks and renamed into place: a device or pipe cannot take it.
  if (flag == std::string("--waves") && stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
    return flag + " " + path + ": not a regular file (a wave is written with seeks)";
  return "";
}

// A CLI11 check for an unsigned flag: decimal digits only and at most max, so that "", "-5" and
// 18446744073709551616 are refused (naming the value as typed) before CLI11 would wrap or clamp.
CLI::Validator non_negative_integer(uint64_t max) {
  return CLI::Validator(
      [max](const std::string& text) -> std::string {
        if (text.empty()) return "\"\" is not a non-negative integer";
        if (text.find_first_not_of("0123456789") != std::string::npos)
          return text + " is not a non-negative integer";
        if (!parse_non_negative(text, max))
          return text + " is out of range (at most " + std::to_string(max) + ")";
        return "";
      },
      "UINT");
}

// Why --max-sim-time TEXT was refused: a well-formed time too long, or not a time.
std::string sim_time_problem(const std::string& text) {
  const size_t digits = std::min(text.size(), text.find_first_not_of("0123456789"));
  const std::string unit = text.substr(digits);
  const bool known_unit =
      unit.empty() || unit == "ns" || unit == "us" || unit == "ms" || unit == "s";
  const bool positive = text.substr(0, digits).find_first_not_of('0') != std::string::npos;
  if (known_unit && positive)
    return "out of range (at most " + std::to_string(kMaxSimNs / 1'000'000'000) + "s)";
  return "want a positive time like 10ms, 500us";
}

// A fault that acts on a role the device does not declare would inject nothing: refused.
std::string check_faults_fit(const Design& design, const sim::FaultPlan& plan) {
  const sim::Fault* corrupt = plan.find(sim::FaultKind::kWritebackCorruptLength);
  if (!corrupt) return "";
  for (const sim::RingCause& ring : design.device.rings) {
    if (ring.written_length && ring.tail) return "";
  }
  return "--fault " + corrupt->text + ": device " + design.device.name +
         " declares no receive ring with a written-back length and a tail (ring_causes[]." +
         "written_length and .tail in its description, sim/DEVICE_CONTRACT.md)";
}

// --list-faults: NAME[:PARAM] and what it does, one a line.
void print_fault_list() {
  for (const sim::FaultInfo& info : sim::fault_catalog()) {
    std::string usage(info.name);
    if (info.param == sim::FaultParam::kCycles) usage += ":CYCLES";
    if (info.param == sim::FaultParam::kRate) usage += ":RATE";
    if (info.param == sim::FaultParam::kTime) usage += ":TIME";
    std::printf("%-26s %s\n", usage.c_str(), std::string(info.description).c_str());
  }
}

// --schedule read and fitted to the host; --shrink's own limits.
std::string resolve_schedule(const Options& options, RunConfig& out) {
  out.schedule_path = options.schedule_path;
  out.schedule_out_path = options.schedule_out_path;
  if (!options.schedule_path.empty()) {
    std::vector<sim::Perturbation> perturbations;
    if (auto error = read_schedule_file("--schedule", options.schedule_path, perturbations);
        !error.empty())
      return error;
    for (const sim::Perturbation& p : perturbations) {
      if (p.cpu >= out.scenario.cpus) {
        return "--schedule " + options.schedule_path + ": a perturbation on cpu " +
               std::to_string(p.cpu) + ", but the run has " + std::to_string(out.scenario.cpus) +
               " CPUs (--cpus)";
      }
    }
    out.schedule = std::move(perturbations);
  }
  out.shrink = options.shrink;
  out.shrink_out_path = options.shrink_out_path;
  out.shrink_runs = options.shrink_runs;
  if (!options.shrink) return "";
  if (options.shrink_runs < 2)
    return "--shrink-runs " + std::to_string(options.shrink_runs) + ": must be at least 2";
  return check_writable("--shrink-out", options.shrink_out_path);
}

// Only a build of the coverage preset measures anything: elsewhere the flag is refused, not
// ignored.
std::string check_coverage_dir(const Design& design, const std::string& dir) {
  if (!coverage_built()) {
    return "--coverage " + dir + ": this " + design.program +
           " was built without coverage instrumentation; build the coverage preset "
           "(cmake --preset coverage && cmake --build --preset coverage, or scripts/coverage.sh) "
           "and run build-coverage/testbench/cli/" +
           design.program;
  }
  return make_coverage_dir(dir);
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

}  // namespace

std::optional<uint64_t> parse_non_negative(const std::string& text, uint64_t max) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || value > max) return std::nullopt;
  return value;
}

std::string open_input_file(const std::string& flag, const std::string& path, std::ifstream& in) {
  std::error_code error;  // a name too long or a folder not searchable: an error, not a throw
  const bool is_directory = std::filesystem::is_directory(path, error);
  if (error) return flag + " " + path + ": " + error.message();
  if (is_directory) return flag + " " + path + ": is a directory";
  in.open(path);
  if (!in) return flag + " " + path + ": cannot open the file";
  return "";
}

std::string read_keyword_file(const std::string& path,
                              std::vector<std::pair<std::string, std::string>>& keywords) {
  std::ifstream in;
  if (auto error = open_input_file("--config", path, in); !error.empty()) return error;
  std::string line;
  for (unsigned number = 1; std::getline(in, line); ++number) {
    const std::string text = trim(line);
    if (text.empty() || text[0] == ';' || text[0] == '#') continue;
    const auto equals = text.find('=');
    const std::string where = "--config " + path + ":" + std::to_string(number) + ": ";
    if (equals == std::string::npos) return where + "\"" + text + "\" is not Key=Value";
    std::string key = trim(text.substr(0, equals));
    std::string value = trim(text.substr(equals + 1));
    if (key.empty()) return where + "\"" + text + "\" has no keyword before '='";
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    keywords.emplace_back(std::move(key), std::move(value));
  }
  return "";
}

std::optional<uint64_t> parse_sim_time_ns(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  if (digits == 0) return std::nullopt;
  uint64_t value = 0;
  if (std::from_chars(text.data(), text.data() + digits, value).ec != std::errc())
    return std::nullopt;  // more than 64 bits
  const std::string unit = text.substr(digits);
  uint64_t scale = 0;
  if (unit.empty() || unit == "ns") scale = 1;
  if (unit == "us") scale = 1'000;
  if (unit == "ms") scale = 1'000'000;
  if (unit == "s") scale = 1'000'000'000;
  uint64_t ns = 0;
  if (scale == 0 || value == 0 || __builtin_mul_overflow(value, scale, &ns) || ns > kMaxSimNs)
    return std::nullopt;
  return ns;
}

std::string validate(const Design& design, const Options& options, RunConfig& out) {
  const DriverBugVariant* bug = nullptr;
  if (options.driver_bug != "none") {
    const auto& bugs = design.driver_bugs;
    const auto it = std::find_if(bugs.begin(), bugs.end(), [&](const DriverBugVariant& b) {
      return b.name == options.driver_bug;
    });
    if (it == bugs.end())
      return "--driver-bug " + options.driver_bug + ": unknown (see --list-driver-bugs)";
    bug = &*it;
    out.driver_bug = static_cast<unsigned>(it - bugs.begin()) + 1;
    out.driver_bug_name = it->name;
  }
  // A bug variant runs in the scenario that shows it unless --scenario picks another.
  std::string wanted = options.scenario;
  if (wanted.empty() && bug) wanted = bug->scenario;
  if (wanted.empty()) wanted = design.scenarios.front().name;
  const Scenario* scenario = find_scenario(design.scenarios, wanted);
  if (!scenario) {
    std::string names;
    for (const auto& s : design.scenarios) names += (names.empty() ? "" : ", ") + s.name;
    return "--scenario " + wanted + ": unknown scenario (known: " + names + ")";
  }
  out.scenario = *scenario;
  if (options.cpus) {
    if (*options.cpus < 1 || *options.cpus > 64) {
      return "--cpus " + std::to_string(*options.cpus) + ": must be 1..64";
    }
    out.scenario.cpus = *options.cpus;
  }
  if (options.queues) {
    const unsigned q = *options.queues;
    if (q != 1 && q != 2 && q != 4 && q != 8) {
      return "--queues " + std::to_string(q) + ": must be 1, 2, 4 or 8";
    }
    out.scenario.queues = q;
  }
  if (options.irq_mode) {
    const auto mode = parse_irq_mode(*options.irq_mode);
    if (!mode) return "--irq-mode " + *options.irq_mode + ": must be msix, msi or intx";
    out.scenario.irq_mode = *mode;
  }
  const std::string mode_text =
      options.irq_mode ? *options.irq_mode : std::string(to_string(out.scenario.irq_mode));
  if (auto error = check_irq_mode(design, out.scenario.irq_mode, mode_text); !error.empty())
    return error;
  if (options.packets) {
    if (*options.packets < 1 || *options.packets > 10'000'000) {
      return "--packets " + std::to_string(*options.packets) + ": must be 1..10000000";
    }
    out.scenario.packets = *options.packets;
  }
  auto max_ns = parse_sim_time_ns(options.max_sim_time);
  if (!max_ns) {
    const std::string& text = options.max_sim_time;
    return "--max-sim-time " + (text.empty() ? "\"\"" : text) + ": " + sim_time_problem(text);
  }
  out.max_sim_ns = *max_ns;
  // The default limit never cuts a scenario's packets short: it grows with their count.
  constexpr uint64_t kDefaultSimNsPerPacket = 10'000;
  if (!options.max_sim_time_given)
    out.max_sim_ns = std::max(out.max_sim_ns, out.scenario.packets * kDefaultSimNsPerPacket);
  if (!options.pcap_in.empty()) {
    if (auto error = check_pcap_in(options.pcap_in); !error.empty()) return error;
  }
  if (!options.config_path.empty()) {
    if (auto error = read_keyword_file(options.config_path, out.keywords); !error.empty())
      return error;
  }
  if (auto error = resolve_schedule(options, out); !error.empty()) return error;
  if (!options.race_suppressions.empty()) {
    std::string error;
    if (!ndis::race::Suppressions::load(options.race_suppressions, &error))
      return "--race-suppressions " + error;
  }
  for (auto [flag, path] :
       {std::pair{"--pcap-out", &options.pcap_out}, std::pair{"--summary", &options.summary_path},
        std::pair{"--waves", &options.waves_path}, std::pair{"--timeline", &options.timeline_path},
        std::pair{"--schedule-out", &options.schedule_out_path}}) {
    if (path->empty()) continue;
    if (auto error = check_writable(flag, *path); !error.empty()) return error;
  }
  if (options.coverage_given) {
    if (options.coverage_dir.empty()) return "--coverage \"\": want a directory";
    if (auto error = check_coverage_dir(design, options.coverage_dir); !error.empty()) return error;
    out.coverage_dir = std::filesystem::absolute(options.coverage_dir).lexically_normal().string();
  }
  if (auto error = sim::parse_fault_plan(options.faults, out.faults); !error.empty()) return error;
  if (auto error = check_faults_fit(design, out.faults); !error.empty()) return error;
  // A removed device fails the sends it had: every failure status is the fault's doing.
  if (out.faults.has(sim::FaultKind::kSurpriseRemoval)) out.scenario.expect.any_send_failed = true;
  // A DMA error response is the device's report that it could not finish a transfer, and a
  // write-back out of place breaks a ring: a driver resets the device (the reference one through
  // NdisMResetMiniport), aborting the sends it had and refusing those that come meanwhile.
  if (out.faults.has(sim::FaultKind::kDmaReadError) ||
      out.faults.has(sim::FaultKind::kDmaWriteError) ||
      out.faults.has(sim::FaultKind::kWritebackBadIndex)) {
    auto& statuses = out.scenario.expect.send_failed_statuses;
    statuses.push_back(static_cast<uint32_t>(NDIS_STATUS_SEND_ABORTED));
    statuses.push_back(static_cast<uint32_t>(NDIS_STATUS_RESET_IN_PROGRESS));
  }
  out.seed = options.seed;
  out.pcap_in = options.pcap_in;
  out.pcap_out = options.pcap_out;
  out.summary_path = options.summary_path;
  out.quiet = options.quiet;
  out.progress = options.progress;
  out.monitors = !options.no_monitors;
  out.race_check = !options.no_race_check;
  out.race_suppressions = options.race_suppressions;
  out.waves_path = options.waves_path;
  out.timeline_path = options.timeline_path;
  out.waves_window = options.waves_window;
  out.waves_on_violation_us = options.waves_on_violation_us;
  try {
    sim::trace::validate({options.waves_path, options.waves_window, options.waves_on_violation_us,
                          options.timeline_path});
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

ParseOutcome parse_command_line(const Design& design, int argc, const char* const* argv) {
  Options options;
  CLI::App app{design.program + ": device " + design.device.name +
                   " and its NDIS miniport on a simulated multi-CPU host (nicsim)",
               design.program};
  app.footer(examples(design));
  app.add_option("--scenario", options.scenario, "named scenario (see --list-scenarios)");
  app.add_option("--cpus", options.cpus, "simulated CPUs, 1..64 (overrides the scenario)")
      ->check(non_negative_integer(std::numeric_limits<unsigned>::max()));
  app.add_option("--queues", options.queues,
                 "queue pairs (the driver's *NumRssQueues) and MSI-X queue vectors: 1, 2, 4, 8")
      ->check(non_negative_integer(std::numeric_limits<unsigned>::max()));
  app.add_option("--irq-mode", options.irq_mode,
                 "msix (a vector per queue), msi (one message) or intx (shared line)");
  app.add_option("--packets", options.packets, "frames in both directions together")
      ->check(non_negative_integer(std::numeric_limits<uint64_t>::max()));
  app.add_option("--seed", options.seed, "schedule and traffic seed; same seed, same run")
      ->check(non_negative_integer(std::numeric_limits<uint64_t>::max()));
  app.add_option("--driver-bug", options.driver_bug,
                 "run a driver variant with a known mistake, in its scenario unless --scenario "
                 "names another (see --list-driver-bugs)");
  app.add_option("--pcap-in", options.pcap_in,
                 "replay this pcap's frames into the NIC's receive side");
  app.add_option("--pcap-out", options.pcap_out, "write the frames that crossed the link");
  app.add_option("--summary", options.summary_path, "write the JSON summary here");
  CLI::Option* max_sim_time =
      app.add_option("--max-sim-time", options.max_sim_time,
                     "simulated time limit, e.g. 10ms (default: 20ms, or 10us per packet if more)")
          ->capture_default_str();
  app.add_option("--waves", options.waves_path,
                 "write a wave of the RTL and the host: FILE.fst (GTKWave) or FILE.vcd");
  app.add_option("--waves-window", options.waves_window,
                 "trace only START:END of simulated time, e.g. 100us:150us");
  app.add_option("--waves-on-violation", options.waves_on_violation_us,
                 "keep only the last N us of wave and write it at the first error")
      ->check(non_negative_integer(kMaxSimNs / 1'000));
  app.add_option("--config", options.config_path,
                 "registry keywords for the driver: INF-style Key=Value lines");
  app.add_option("--timeline", options.timeline_path,
                 "write a Perfetto / chrome://tracing timeline (JSON) of ISRs, DPCs and locks");
  app.add_option("--fault", options.faults,
                 "inject a fault at the device's pins, NAME[:PARAM] (repeatable; --list-faults)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--list-faults", options.list_faults, "print the faults --fault injects and exit");
  app.add_flag("--list-scenarios", options.list_scenarios, "print the scenarios and exit");
  app.add_flag(
      "--list-driver-bugs", options.list_driver_bugs,
      "print each driver bug variant, the rule it must trigger and the scenario that shows it");
  app.add_flag("--no-monitors", options.no_monitors,
               "do not check the NIC's AXI, AXI-Stream and interrupt behaviour every cycle");
  app.add_flag("--no-race-check", options.no_race_check,
               "do not check the driver's memory accesses for data races (DATA_RACE)");
  app.add_option("--race-suppressions", options.race_suppressions,
                 "ThreadSanitizer-format suppressions (race:PATTERN lines) for DATA_RACE");
  app.add_option("--schedule", options.schedule_path,
                 "replay this schedule's perturbations (CPU YIELD EXTRA_NS KIND lines) instead "
                 "of drawing them from the seed; the traffic still comes from --seed");
  app.add_option("--schedule-out", options.schedule_out_path,
                 "write the perturbations the run applied (a file for --schedule)");
  app.add_flag("--shrink", options.shrink,
               "reduce this failing run: fewest perturbations, packets and CPUs that still give "
               "its first error (same rule and where); exits 1 with the replay command");
  app.add_option("--shrink-out", options.shrink_out_path,
                 "where --shrink writes the reduced schedule")
      ->capture_default_str();
  app.add_option("--shrink-runs", options.shrink_runs, "at most this many runs for --shrink")
      ->check(non_negative_integer(1'000'000))
      ->capture_default_str();
  CLI::Option* coverage =
      app.add_option("--coverage", options.coverage_dir,
                     "write the run's RTL, gcov and functional coverage under DIR (builds of the "
                     "coverage preset; scripts/coverage.sh merges them)")
          ->type_name("DIR");
  app.add_flag("-q,--quiet", options.quiet, "no human summary on stdout");
  app.add_flag(
      "--progress", options.progress,
      "a progress line on stderr every second (runs over 2 s) even when it is no terminal");

  ParseOutcome outcome;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return outcome;
  } catch (const CLI::ParseError& e) {
    std::cerr << design.program << ": " << e.what() << "\n(see " << design.program << " --help)\n";
    outcome.exit_code = 2;
    return outcome;
  }
  options.max_sim_time_given = max_sim_time->count() > 0;
  options.coverage_given = coverage->count() > 0;
  if (options.list_scenarios) {
    for (const auto& s : design.scenarios) {
      std::printf("%-14s %2u cpus %u queues %-4s %5llu packets  %s\n", s.name.c_str(), s.cpus,
                  s.queues, std::string(to_string(s.irq_mode)).c_str(),
                  static_cast<unsigned long long>(s.packets), s.description.c_str());
    }
    return outcome;
  }
  if (options.list_faults) {
    print_fault_list();
    return outcome;
  }
  if (options.list_driver_bugs) {
    // The scenario column names the default one too, so the line is a complete command.
    for (const auto& bug : design.driver_bugs) {
      const std::string& scenario =
          bug.scenario.empty() ? design.scenarios.front().name : bug.scenario;
      std::printf("%-30s %-26s %-14s %s\n", bug.name.c_str(), bug.rule.c_str(), scenario.c_str(),
                  bug.description.c_str());
    }
    return outcome;
  }
  RunConfig run;
  if (auto error = validate(design, options, run); !error.empty()) {
    std::cerr << design.program << ": " << error << "\n";
    outcome.exit_code = 2;
    return outcome;
  }
  outcome.run = run;
  return outcome;
}

}  // namespace nicsim::cli
