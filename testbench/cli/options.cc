#include "testbench/cli/options.h"

#include <pcap/pcap.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "sim/trace/trace_session.h"

namespace nicsim::cli {
namespace {

constexpr const char* kExamples = R"(
Examples:
  nicsim                                    default scenario (4 CPUs, 4 queues, MSI-X), seed 1
  nicsim --scenario intx-shared --seed 7    one shared INTx line, another interleaving
  nicsim --cpus 16 --queues 8 --packets 2000 --summary run.json
  nicsim --driver-bug isr-takes-spin-lock   a known driver mistake; exits 1 with the violation
  nicsim --pcap-in frames.pcap --pcap-out link.pcap
  nicsim --list-scenarios | --list-driver-bugs

Exit codes: 0 every check passed; 1 a violation, or a packet lost or corrupted;
            2 bad usage or input (the message names the bad value).)";

std::string check_pcap_in(const std::string& path) {
  if (!std::filesystem::exists(path)) return "--pcap-in " + path + ": no such file";
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* handle = pcap_open_offline(path.c_str(), errbuf);
  if (!handle) return "--pcap-in " + path + ": not a readable pcap file (" + errbuf + ")";
  const int link_type = pcap_datalink(handle);
  pcap_close(handle);
  if (link_type != DLT_EN10MB) {
    return "--pcap-in " + path + ": link type " + std::to_string(link_type) +
           " is not Ethernet (DLT_EN10MB)";
  }
  return "";
}

std::string check_writable(const std::string& flag, const std::string& path) {
  std::filesystem::path p(path);
  auto dir = p.has_parent_path() ? p.parent_path() : std::filesystem::path(".");
  if (!std::filesystem::is_directory(dir)) {
    return flag + " " + path + ": directory " + dir.string() + " does not exist";
  }
  if (std::filesystem::is_directory(p)) return flag + " " + path + ": is a directory";
  return "";
}

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

}  // namespace

std::string read_keyword_file(const std::string& path,
                              std::vector<std::pair<std::string, std::string>>& keywords) {
  if (std::filesystem::is_directory(path)) return "--config " + path + ": is a directory";
  std::ifstream in(path);
  if (!in) return "--config " + path + ": cannot open the file";
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
  if (digits == 0 || digits > 15) return std::nullopt;
  const uint64_t value = std::stoull(text.substr(0, digits));
  const std::string unit = text.substr(digits);
  uint64_t scale = 0;
  if (unit.empty() || unit == "ns") scale = 1;
  if (unit == "us") scale = 1'000;
  if (unit == "ms") scale = 1'000'000;
  if (unit == "s") scale = 1'000'000'000;
  if (scale == 0 || value == 0) return std::nullopt;
  return value * scale;
}

std::string validate(const Options& options, RunConfig& out) {
  const Scenario* scenario = find_scenario(options.scenario);
  if (!scenario) {
    std::string names;
    for (const auto& s : scenarios()) names += (names.empty() ? "" : ", ") + s.name;
    return "--scenario " + options.scenario + ": unknown scenario (known: " + names + ")";
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
    if (*options.irq_mode == "msix") {
      out.scenario.irq_mode = IrqMode::kMsix;
    } else if (*options.irq_mode == "intx") {
      out.scenario.irq_mode = IrqMode::kIntx;
    } else {
      return "--irq-mode " + *options.irq_mode + ": must be msix or intx";
    }
  }
  if (options.packets) {
    if (*options.packets < 1 || *options.packets > 10'000'000) {
      return "--packets " + std::to_string(*options.packets) + ": must be 1..10000000";
    }
    out.scenario.packets = *options.packets;
  }
  auto bug = miniport::find_driver_bug(options.driver_bug);
  if (!bug) return "--driver-bug " + options.driver_bug + ": unknown (see --list-driver-bugs)";
  out.driver_bug = *bug;
  auto max_ns = parse_sim_time_ns(options.max_sim_time);
  if (!max_ns) {
    return "--max-sim-time " + options.max_sim_time + ": want a positive time like 10ms, 500us";
  }
  out.max_sim_ns = *max_ns;
  if (!options.pcap_in.empty()) {
    if (auto error = check_pcap_in(options.pcap_in); !error.empty()) return error;
  }
  if (!options.config_path.empty()) {
    if (auto error = read_keyword_file(options.config_path, out.keywords); !error.empty())
      return error;
  }
  for (auto [flag, path] :
       {std::pair{"--pcap-out", &options.pcap_out}, std::pair{"--summary", &options.summary_path},
        std::pair{"--waves", &options.waves_path},
        std::pair{"--timeline", &options.timeline_path}}) {
    if (path->empty()) continue;
    if (auto error = check_writable(flag, *path); !error.empty()) return error;
  }
  out.seed = options.seed;
  out.pcap_in = options.pcap_in;
  out.pcap_out = options.pcap_out;
  out.summary_path = options.summary_path;
  out.quiet = options.quiet;
  out.monitors = !options.no_monitors;
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

ParseOutcome parse_command_line(int argc, const char* const* argv) {
  Options options;
  CLI::App app{"nicsim: a SystemVerilog NIC and its NDIS miniport on a simulated multi-CPU host"};
  app.footer(kExamples);
  app.add_option("--scenario", options.scenario, "named scenario (see --list-scenarios)");
  app.add_option("--cpus", options.cpus, "simulated CPUs, 1..64 (overrides the scenario)");
  app.add_option("--queues", options.queues, "queue pairs and MSI-X queue vectors: 1, 2, 4, 8");
  app.add_option("--irq-mode", options.irq_mode, "msix (a vector per queue) or intx (shared line)");
  app.add_option("--packets", options.packets, "frames in both directions together");
  app.add_option("--seed", options.seed, "schedule and traffic seed; same seed, same run")
      ->check(
          [](const std::string& text) -> std::string {
            // A negative number would otherwise wrap around to a huge unsigned seed.
            if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos)
              return "";
            return text + " is not a non-negative integer";
          },
          "UINT");
  app.add_option("--driver-bug", options.driver_bug,
                 "run a driver variant with a known mistake (see --list-driver-bugs)");
  app.add_option("--pcap-in", options.pcap_in,
                 "replay this pcap's frames into the NIC's receive side");
  app.add_option("--pcap-out", options.pcap_out, "write the frames that crossed the link");
  app.add_option("--summary", options.summary_path, "write the JSON summary here");
  app.add_option("--max-sim-time", options.max_sim_time, "simulated time limit, e.g. 10ms")
      ->capture_default_str();
  app.add_option("--waves", options.waves_path,
                 "write a wave of the RTL and the host: FILE.fst (GTKWave) or FILE.vcd");
  app.add_option("--waves-window", options.waves_window,
                 "trace only START:END of simulated time, e.g. 100us:150us");
  app.add_option("--waves-on-violation", options.waves_on_violation_us,
                 "keep only the last N us of wave and write it at the first error");
  app.add_option("--config", options.config_path,
                 "registry keywords for the driver: INF-style Key=Value lines");
  app.add_option("--timeline", options.timeline_path,
                 "write a Perfetto / chrome://tracing timeline (JSON) of ISRs, DPCs and locks");
  app.add_flag("--list-scenarios", options.list_scenarios, "print the scenarios and exit");
  app.add_flag("--list-driver-bugs", options.list_driver_bugs,
               "print each driver bug variant and the rule it must trigger, then exit");
  app.add_flag("--no-monitors", options.no_monitors,
               "do not check the NIC's AXI, AXI-Stream and interrupt behaviour every cycle");
  app.add_flag("-q,--quiet", options.quiet, "no human summary on stdout");

  ParseOutcome outcome;
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return outcome;
  } catch (const CLI::ParseError& e) {
    std::cerr << "nicsim: " << e.what() << "\n(see nicsim --help)\n";
    outcome.exit_code = 2;
    return outcome;
  }
  if (options.list_scenarios) {
    for (const auto& s : scenarios()) {
      std::printf("%-14s %2u cpus %u queues %-4s %5llu packets  %s\n", s.name.c_str(), s.cpus,
                  s.queues, std::string(to_string(s.irq_mode)).c_str(),
                  static_cast<unsigned long long>(s.packets), s.description.c_str());
    }
    return outcome;
  }
  if (options.list_driver_bugs) {
    for (const auto& bug : miniport::kDriverBugs) {
      std::printf("%-30s %-26s %s\n", std::string(bug.name).c_str(), std::string(bug.rule).c_str(),
                  std::string(bug.description).c_str());
    }
    return outcome;
  }
  RunConfig run;
  if (auto error = validate(options, run); !error.empty()) {
    std::cerr << "nicsim: " << error << "\n";
    outcome.exit_code = 2;
    return outcome;
  }
  outcome.run = run;
  return outcome;
}

}  // namespace nicsim::cli
