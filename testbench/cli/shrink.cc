#include "testbench/cli/shrink.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>

#include "testbench/cli/schedule_file.h"
#include "testbench/cli/stop_signals.h"

namespace nicsim::cli {
namespace {

using sim::Perturbation;
using Schedule = std::vector<Perturbation>;

// The failure to keep: a run reproduces it when it reports an error with this rule and where.
struct Target {
  std::string rule, where;
};

// What one child run gave.
struct Trial {
  int exit_code = -1;
  nlohmann::json summary;  // null when the child wrote none
  Schedule applied;        // the perturbations it charged (its --schedule-out)

  std::optional<Target> first_error() const {
    if (!summary.is_object()) return std::nullopt;
    for (const auto& v : summary.value("violations", nlohmann::json::array())) {
      if (v.value("severity", "") == "error")
        return Target{v.value("rule", ""), v.value("where", "")};
    }
    return std::nullopt;
  }
  bool reproduces(const Target& target) const {
    if (exit_code != 1 || !summary.is_object()) return false;
    for (const auto& v : summary.value("violations", nlohmann::json::array())) {
      if (v.value("severity", "") == "error" && v.value("rule", "") == target.rule &&
          v.value("where", "") == target.where)
        return true;
    }
    return false;
  }
};

// The shrinker's run budget is spent, or a stop signal came: keep the best so far.
struct OutOfRuns {};

// A run as it is being reduced: every Case the shrinker keeps reproduced the target.
struct Case {
  Schedule schedule;
  uint64_t packets = 0;
  unsigned cpus = 0;
};

// Runs this executable as a child per trial, in a private temporary folder.
class ChildRunner {
 public:
  ChildRunner(std::string program_path, std::vector<std::string> base, uint64_t seed,
              std::string folder, uint64_t budget, bool verbose)
      : program_path_(std::move(program_path)),
        base_(std::move(base)),
        seed_(seed),
        folder_(std::move(folder)),
        budget_(budget),
        verbose_(verbose) {}

  uint64_t runs() const { return runs_; }
  uint64_t budget() const { return budget_; }
  std::string log_text() const {
    std::ifstream in(folder_ + "/child.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // One child run; throws OutOfRuns when the budget is spent or a stop signal came.
  Trial run(const std::optional<Schedule>& schedule, uint64_t packets, unsigned cpus,
            const char* phase) {
    if (runs_ >= budget_ || stop_signal() != 0) throw OutOfRuns{};
    ++runs_;
    const std::string summary_path = folder_ + "/summary.json";
    const std::string applied_path = folder_ + "/applied.schedule";
    const std::string schedule_path = folder_ + "/trial.schedule";
    std::filesystem::remove(summary_path);
    std::filesystem::remove(applied_path);
    std::vector<std::string> args = base_;
    args.insert(args.end(), {"--seed", std::to_string(seed_), "--packets", std::to_string(packets),
                             "--cpus", std::to_string(cpus), "-q", "--summary", summary_path,
                             "--schedule-out", applied_path});
    if (schedule) {
      if (auto error = write_schedule_file(schedule_path, *schedule, {}); !error.empty())
        throw std::runtime_error("--shrink: " + error);
      args.insert(args.end(), {"--schedule", schedule_path});
    }
    Trial trial;
    trial.exit_code = spawn(args);
    try {
      std::ifstream in(summary_path);
      if (in) trial.summary = nlohmann::json::parse(in);
    } catch (const std::exception&) {
      trial.summary = nullptr;
    }
    if (std::filesystem::exists(applied_path))
      read_schedule_file("--schedule-out", applied_path, trial.applied);
    if (verbose_) {
      std::fprintf(stderr,
                   "shrink: run %llu/%llu %-12s %6zu perturbations %6llu packets %2u cpus\n",
                   static_cast<unsigned long long>(runs_), static_cast<unsigned long long>(budget_),
                   phase, schedule ? schedule->size() : trial.applied.size(),
                   static_cast<unsigned long long>(packets), cpus);
    }
    if (trial.exit_code == 130 || trial.exit_code == 143) throw OutOfRuns{};
    return trial;
  }

 private:
  // fork + exec of this executable, its output in child.log; the exit code (128 + signal when a
  // signal ended it).
  int spawn(const std::vector<std::string>& args) {
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program_path_.c_str()));
    for (const std::string& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    const std::string log_path = folder_ + "/child.log";
    std::fflush(nullptr);
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("--shrink: fork: ") + std::strerror(errno));
    if (pid == 0) {
      const int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (log >= 0) {
        dup2(log, STDOUT_FILENO);
        dup2(log, STDERR_FILENO);
      }
      execv("/proc/self/exe", argv.data());
      _exit(127);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR)
        throw std::runtime_error(std::string("--shrink: waitpid: ") + std::strerror(errno));
    }
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
  }

  std::string program_path_;
  std::vector<std::string> base_;
  uint64_t seed_;
  std::string folder_;
  uint64_t budget_;
  bool verbose_;
  uint64_t runs_ = 0;
};

// Halves the packets while the run still fails, then bisects between the last half that failed
// to reproduce and the kept count, to within an eighth.
void shrink_packets(ChildRunner& runner, const Target& target, Case& best) {
  auto reproduces_with = [&](uint64_t packets) {
    const Trial trial = runner.run(best.schedule, packets, best.cpus, "packets");
    if (!trial.reproduces(target)) return false;
    best.packets = packets;
    best.schedule = trial.applied;
    return true;
  };
  while (best.packets > 1 && reproduces_with(best.packets / 2)) {
  }
  uint64_t too_few = best.packets / 2;
  while (best.packets - too_few > std::max<uint64_t>(1, best.packets / 8)) {
    const uint64_t middle = too_few + (best.packets - too_few) / 2;
    if (!reproduces_with(middle)) too_few = middle;
  }
}

// The fewest CPUs that still fail, from 1 up; perturbations on dropped CPUs go with them.
void shrink_cpus(ChildRunner& runner, const Target& target, Case& best) {
  for (unsigned cpus = 1; cpus < best.cpus; ++cpus) {
    Schedule kept;
    for (const Perturbation& p : best.schedule) {
      if (p.cpu < cpus) kept.push_back(p);
    }
    const Trial trial = runner.run(kept, best.packets, cpus, "cpus");
    if (!trial.reproduces(target)) continue;
    best.cpus = cpus;
    best.schedule = trial.applied;
    return;
  }
}

// The empty schedule, then the change points alone (the PCT delays that usually matter), then
// ddmin over what is left to try. A reproducing trial keeps only what it applied.
void shrink_schedule(ChildRunner& runner, const Target& target, Case& best) {
  std::map<std::string, bool> tried;  // by the schedule's text: ddmin asks some sets twice
  auto fails = [&](const Schedule& subset) {
    const std::string key = schedule_text(subset, {});
    if (auto it = tried.find(key); it != tried.end()) return it->second;
    const Trial trial = runner.run(subset, best.packets, best.cpus, "schedule");
    const bool reproduces = trial.reproduces(target);
    tried[key] = reproduces;
    if (reproduces && trial.applied.size() < best.schedule.size()) best.schedule = trial.applied;
    return reproduces;
  };
  if (best.schedule.empty() || fails({})) return;
  Schedule change_points;
  for (const Perturbation& p : best.schedule) {
    if (p.kind == Perturbation::Kind::kChangePoint) change_points.push_back(p);
  }
  if (!change_points.empty() && change_points.size() < best.schedule.size()) fails(change_points);
  best.schedule = ddmin(best.schedule, fails);
}

std::string shell_quote(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                            "0123456789_-./:=,+@%") == std::string::npos)
    return arg;
  std::string quoted = "'";
  for (char c : arg) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::string command_text(const std::string& program, const std::vector<std::string>& base,
                         uint64_t seed, const Case& c, const std::string& schedule_path) {
  std::string text = program;
  for (const std::string& arg : base) text += " " + shell_quote(arg);
  text += " --seed " + std::to_string(seed) + " --packets " + std::to_string(c.packets) +
          " --cpus " + std::to_string(c.cpus) + " --schedule " + shell_quote(schedule_path);
  return text;
}

// The flags the shrinker sets itself per child, and whether each takes a value.
const std::map<std::string, bool>& dropped_flags() {
  static const std::map<std::string, bool> flags = {
      {"--shrink", false},  {"--shrink-out", true},   {"--shrink-runs", true},
      {"--schedule", true}, {"--schedule-out", true}, {"--summary", true},
      {"--packets", true},  {"--cpus", true},         {"--seed", true},
      {"-q", false},        {"--quiet", false},       {"--progress", false},
      {"--waves", true},    {"--waves-window", true}, {"--waves-on-violation", true},
      {"--timeline", true}, {"--pcap-out", true}};
  return flags;
}

// Why the run as given cannot be shrunk ("" when it can): it passes, or fails only by counts,
// or does not run at all (its own message follows).
std::string why_not_shrinkable(const Trial& first, const ChildRunner& runner) {
  if (first.exit_code == 1 && first.first_error()) return "";
  if (first.exit_code == 0) return "the run passes (exit 0): nothing to shrink";
  if (first.exit_code == 1)
    return "the run fails with no error violation (lost or corrupt packets only): nothing to "
           "shrink to";
  return "the run itself exits " + std::to_string(first.exit_code) + ":\n" + runner.log_text();
}

// A private folder for the children's files, removed with everything in it.
class TemporaryFolder {
 public:
  TemporaryFolder()
      : path_((std::filesystem::temp_directory_path() / "nicsim-shrink-XXXXXX").string()) {
    if (!mkdtemp(path_.data()))
      throw std::runtime_error("--shrink: " + path_ +
                               ": cannot create a temporary folder: " + std::strerror(errno));
  }
  ~TemporaryFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TemporaryFolder(const TemporaryFolder&) = delete;
  TemporaryFolder& operator=(const TemporaryFolder&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace

std::vector<std::string> child_base_arguments(int argc, const char* const* argv) {
  std::vector<std::string> kept;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto it = dropped_flags().find(arg.substr(0, arg.find('=')));
    if (it == dropped_flags().end()) {
      kept.push_back(arg);
      continue;
    }
    if (it->second && arg.find('=') == std::string::npos) ++i;  // its value is the next word
  }
  return kept;
}

std::vector<Perturbation> ddmin(
    std::vector<Perturbation> items,
    const std::function<bool(const std::vector<Perturbation>&)>& fails) {
  size_t parts = 2;
  while (items.size() >= 2) {
    const size_t chunk = (items.size() + parts - 1) / parts;
    std::vector<Schedule> subsets, complements;
    for (size_t start = 0; start < items.size(); start += chunk) {
      const size_t end = std::min(items.size(), start + chunk);
      subsets.emplace_back(items.begin() + start, items.begin() + end);
      Schedule complement(items.begin(), items.begin() + start);
      complement.insert(complement.end(), items.begin() + end, items.end());
      complements.push_back(std::move(complement));
    }
    bool reduced = false;
    for (const Schedule& subset : subsets) {
      if (!fails(subset)) continue;
      items = subset;
      parts = 2;
      reduced = true;
      break;
    }
    // With two parts each complement is the other part: already tried.
    for (size_t i = 0; !reduced && subsets.size() > 2 && i < complements.size(); ++i) {
      if (!fails(complements[i])) continue;
      items = complements[i];
      parts = std::max<size_t>(parts - 1, 2);
      reduced = true;
    }
    if (reduced) continue;
    if (parts >= items.size()) break;
    parts = std::min(items.size(), parts * 2);
  }
  return items;
}

int shrink_failing_run(const Design& design, const RunConfig& config, int argc, char* argv[]) {
  const std::string program = design.program + ": --shrink: ";
  const auto started = std::chrono::steady_clock::now();
  const TemporaryFolder folder;
  const std::vector<std::string> base = child_base_arguments(argc, argv);
  ChildRunner runner(argv[0], base, config.seed, folder.path(), config.shrink_runs, !config.quiet);
  const Case original{config.schedule.value_or(Schedule{}), config.scenario.packets,
                      config.scenario.cpus};
  Trial first;
  try {
    first = runner.run(config.schedule, original.packets, original.cpus, "original");
  } catch (const OutOfRuns&) {  // a signal: the budget is at least 2
    return stop_signal_exit_code(stop_signal());
  }
  if (auto why = why_not_shrinkable(first, runner); !why.empty()) {
    std::fprintf(stderr, "%s%s\n", program.c_str(), why.c_str());
    return 2;
  }
  const Target target = *first.first_error();
  Case best{first.applied, original.packets, original.cpus};
  if (!config.quiet)
    std::fprintf(stderr, "shrink: the run fails with %s at %s; %zu perturbations\n",
                 target.rule.c_str(), target.where.c_str(), first.applied.size());
  // Fewer packets and CPUs first: every later run is shorter.
  bool complete = true;
  try {
    shrink_packets(runner, target, best);
    shrink_cpus(runner, target, best);
    shrink_schedule(runner, target, best);
  } catch (const OutOfRuns&) {
    complete = false;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const std::string replay =
      command_text(design.program, base, config.seed, best, config.shrink_out_path);
  const std::vector<std::string> header = {
      design.program + " --shrink: reproduces " + target.rule + " at " + target.where,
      "replay: " + replay};
  if (auto error = write_schedule_file(config.shrink_out_path, best.schedule, header);
      !error.empty()) {
    std::fprintf(stderr, "%s--shrink-out %s\n", program.c_str(), error.c_str());
    return 2;
  }
  std::printf(
      "%s reproduced at %s\n"
      "  perturbations %zu -> %zu, packets %llu -> %llu, cpus %u -> %u (%llu runs, %.1f s)%s\n"
      "  schedule written to %s; replay:\n  %s\n",
      target.rule.c_str(), target.where.c_str(), first.applied.size(), best.schedule.size(),
      static_cast<unsigned long long>(original.packets),
      static_cast<unsigned long long>(best.packets), original.cpus, best.cpus,
      static_cast<unsigned long long>(runner.runs()), seconds,
      complete ? ""
               : "\n  (stopped at the --shrink-runs limit or a signal: smaller, maybe not minimal)",
      config.shrink_out_path.c_str(), replay.c_str());
  std::fflush(stdout);
  if (stop_signal()) return stop_signal_exit_code(stop_signal());
  return 1;
}

}  // namespace nicsim::cli
