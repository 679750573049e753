// Explicit schedules and the shrinker, through the nicsim command line: a run replayed from its
// own --schedule-out is the same run; a bad --schedule file exits 2 naming its line; --shrink
// ends with a smaller schedule that still gives the same first error.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "testbench/miniport/nicsim_runner.h"

namespace nicsim::testing {
namespace {

// The summary without what the wall clock and address-space randomization decide (a race's
// message names the host address of the variable it is about).
nlohmann::json deterministic_part(nlohmann::json summary) {
  if (!summary.is_object()) return summary;
  summary["sim"].erase("wall_s");
  summary["sim"].erase("cycles_per_s");
  const std::regex host_address("0x[0-9a-f]{12}");
  for (auto& v : summary["violations"])
    v["message"] = std::regex_replace(v.value("message", ""), host_address, "0xHOST");
  return summary;
}

size_t perturbation_lines(const std::string& path) {
  std::ifstream in(path);
  size_t lines = 0;
  for (std::string line; std::getline(in, line);) lines += !line.empty() && line[0] != '#';
  return lines;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct RoundTrip {
  std::string name;
  std::vector<std::string> args;
  int exit_code;
  std::string rule;  // what a failing run reports; "" for a clean one
};

void PrintTo(const RoundTrip& trip, std::ostream* out) { *out << trip.name; }

class ExplicitSchedule : public ::testing::TestWithParam<RoundTrip> {};

TEST_P(ExplicitSchedule, ScheduleReplayOfItsOwnScheduleOutIsTheSameRun) {
  const std::string dir = temp_dir();
  std::vector<std::string> drawn = GetParam().args;
  drawn.insert(drawn.end(), {"--schedule-out", dir + "/drawn.schedule"});
  const auto first = run_nicsim(drawn);
  if (!first.race_instrumented() && seen_through_instrumentation(GetParam().rule))
    GTEST_SKIP() << GetParam().rule << " needs the race instrumentation, off in this build";
  ASSERT_EQ(first.exit_code, GetParam().exit_code) << first.output << first.violations_text();
  if (!GetParam().rule.empty()) {
    EXPECT_TRUE(first.has_rule(GetParam().rule)) << first.output;
  }
  // Positive control: the seed did perturb the run, so the replay has something to reproduce.
  ASSERT_GT(perturbation_lines(dir + "/drawn.schedule"), 10u);

  std::vector<std::string> replayed = GetParam().args;
  replayed.insert(replayed.end(), {"--schedule", dir + "/drawn.schedule", "--schedule-out",
                                   dir + "/replayed.schedule"});
  const auto second = run_nicsim(replayed);
  EXPECT_EQ(second.exit_code, first.exit_code) << second.output;
  EXPECT_EQ(second.summary["sim"]["schedule_hash"], first.summary["sim"]["schedule_hash"]);
  const auto first_run = deterministic_part(first.summary);
  const auto second_run = deterministic_part(second.summary);
  EXPECT_EQ(second_run["violations"], first_run["violations"]);
  EXPECT_EQ(second_run, first_run);
  EXPECT_EQ(read_text(dir + "/replayed.schedule"), read_text(dir + "/drawn.schedule"));
}

INSTANTIATE_TEST_SUITE_P(
    Runs, ExplicitSchedule,
    ::testing::Values(RoundTrip{"Clean", {"--seed", "3", "--packets", "80"}, 0},
                      RoundTrip{"StatsCounterUnlocked",
                                {"--driver-bug", "stats-counter-unlocked", "--seed", "2",
                                 "--packets", "80"},
                                1,
                                "DATA_RACE"}),
    [](const auto& info) { return info.param.name; });

TEST(ExplicitSchedule, ScheduleReplayOfAnEmptyScheduleHasNoNoise) {
  const std::string dir = temp_dir();
  std::ofstream(dir + "/empty.schedule") << "# no perturbations\n";
  const auto quiet = run_nicsim({"--seed", "3", "--packets", "40", "--schedule",
                                 dir + "/empty.schedule", "--schedule-out", dir + "/out.schedule"});
  const auto drawn = run_nicsim({"--seed", "3", "--packets", "40"});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.output;
  EXPECT_EQ(perturbation_lines(dir + "/out.schedule"), 0u);
  EXPECT_NE(quiet.summary["sim"]["schedule_hash"], drawn.summary["sim"]["schedule_hash"]);
}

struct BadSchedule {
  std::string name;
  std::string text;
  std::string named;  // the message must contain this after the file's path
};

void PrintTo(const BadSchedule& bad, std::ostream* out) { *out << bad.text; }

class ScheduleFileBadInput : public ::testing::TestWithParam<BadSchedule> {};

TEST_P(ScheduleFileBadInput, ExitsTwoNamingTheFileAndLine) {
  const std::string path = temp_dir() + "/bad.schedule";
  std::ofstream(path) << "# cpu yield extra_ns kind\n0 4 100 jitter\n" << GetParam().text << "\n";
  const auto run = run_nicsim({"--packets", "20", "--cpus", "2", "--schedule", path}, false);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("--schedule " + path + GetParam().named), std::string::npos)
      << run.output;
}

INSTANTIATE_TEST_SUITE_P(
    Lines, ScheduleFileBadInput,
    ::testing::Values(BadSchedule{"TooFewFields", "0 5 100", ":3: \"0 5 100\" is not CPU YIELD"},
                      BadSchedule{"UnknownKind", "0 5 100 wobble", ":3: kind wobble"},
                      BadSchedule{"CpuNotANumber", "x 5 100 jitter", ":3: cpu x"},
                      BadSchedule{"ZeroDelay", "1 5 0 jitter", ":3: extra_ns 0"},
                      BadSchedule{"NegativeYield", "1 -5 10 change_point", ":3: yield -5"},
                      BadSchedule{"CpuOutsideTheRun", "3 5 10 jitter",
                                  ": a perturbation on cpu 3"}),
    [](const auto& info) { return info.param.name; });

TEST(ScheduleFileBadInput, MissingFileExitsTwoNamingIt) {
  const auto run = run_nicsim({"--schedule", "/nonexistent/x.schedule"}, false);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("--schedule /nonexistent/x.schedule"), std::string::npos) << run.output;
}

TEST(Shrink, PassingRunExitsTwo) {
  const std::string dir = temp_dir();
  const auto run = run_nicsim(
      {"--seed", "1", "--packets", "20", "--shrink", "--shrink-out", dir + "/s.schedule"}, false);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("nothing to shrink"), std::string::npos) << run.output;
}

TEST(Shrink, UnwritableShrinkOutExitsTwoNamingIt) {
  const auto run = run_nicsim({"--driver-bug", "stats-counter-unlocked", "--shrink", "--shrink-out",
                               "/nonexistent-dir/s.schedule"},
                              false);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("--shrink-out /nonexistent-dir"), std::string::npos) << run.output;
}

struct FailingSeed {
  std::string bug;
  std::string rule;  // the variant's rule (--list-driver-bugs)
  uint64_t seed;
  uint64_t packets;  // 0: the scenario's own
};

void PrintTo(const FailingSeed& seed, std::ostream* out) {
  *out << seed.bug << " seed " << seed.seed;
}

std::string test_name(const std::string& bug) {
  std::string name;
  bool upper = true;
  for (char c : bug) {
    if (c == '-') {
      upper = true;
      continue;
    }
    name += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return name;
}

// Race and lock variants with seeds that fail. The default suite shrinks small runs under a
// small budget; the long label shrinks the scenarios' own runs under the default budget.
#ifdef NICSIM_SHRINK_LONG
const char* const kShrinkRuns = "300";
const std::vector<FailingSeed> kFailingSeeds = {
    {"stats-counter-unlocked", "DATA_RACE", 1, 0},
    {"isr-counts-unsynchronized", "ISR_SHARED_UNSYNCHRONIZED", 1, 0},
    {"rx-plain-read-before-take-back", "CPU_TOUCHES_DEVICE_BUFFER", 1, 0},
    {"dpc-reenable-before-drain", "DATA_RACE", 1, 0},
    {"halt-flag-unlocked", "DATA_RACE", 1, 0},
    {"lock-order-dpc-vs-send", "LOCK_ORDER_CYCLE", 1, 0},
    {"tx-ring-counter-race", "DATA_RACE", 1, 0},
    {"pause-flag-unlocked", "DATA_RACE", 1, 0}};
#else
const char* const kShrinkRuns = "20";
const std::vector<FailingSeed> kFailingSeeds = {
    {"stats-counter-unlocked", "DATA_RACE", 1, 50},
    {"isr-counts-unsynchronized", "ISR_SHARED_UNSYNCHRONIZED", 1, 50},
    {"rx-plain-read-before-take-back", "CPU_TOUCHES_DEVICE_BUFFER", 1, 50},
    {"dpc-reenable-before-drain", "DATA_RACE", 1, 50},
    {"halt-flag-unlocked", "DATA_RACE", 1, 50},
    {"lock-order-dpc-vs-send", "LOCK_ORDER_CYCLE", 1, 50}};
#endif

class ShrinkBugVariant : public ::testing::TestWithParam<FailingSeed> {};

// The shrunk schedule, packets and CPUs replayed give the original run's first error again.
TEST_P(ShrinkBugVariant, ShrunkScheduleReplayGivesTheSameFirstError) {
  const FailingSeed& bug = GetParam();
  const std::string dir = temp_dir();
  std::vector<std::string> args = {"--driver-bug", bug.bug, "--seed", std::to_string(bug.seed)};
  if (bug.packets) args.insert(args.end(), {"--packets", std::to_string(bug.packets)});
  const auto original = run_nicsim(args);
  if (!original.race_instrumented() && seen_through_instrumentation(bug.rule))
    GTEST_SKIP() << bug.rule << " needs the race instrumentation, off in this build";
  ASSERT_EQ(original.exit_code, 1) << original.output;
  nlohmann::json first_error;
  for (const auto& v : original.summary["violations"]) {
    if (v["severity"] == "error") {
      first_error = v;
      break;
    }
  }
  ASSERT_TRUE(first_error.is_object()) << original.violations_text();

  std::vector<std::string> shrink = args;
  shrink.insert(shrink.end(), {"--shrink", "--shrink-out", dir + "/shrunk.schedule",
                               "--shrink-runs", kShrinkRuns});
  const auto shrunk = run_nicsim(shrink, false);
  ASSERT_EQ(shrunk.exit_code, 1) << shrunk.output;
  std::smatch sizes;
  const std::regex counts(
      R"(perturbations (\d+) -> (\d+), packets (\d+) -> (\d+), cpus (\d+) -> (\d+))");
  ASSERT_TRUE(std::regex_search(shrunk.output, sizes, counts)) << shrunk.output;
  const size_t kept = std::stoul(sizes[2]);
  EXPECT_LE(kept, std::stoul(sizes[1]));
  EXPECT_LE(std::stoul(sizes[4]), std::stoul(sizes[3]));
  EXPECT_LE(std::stoul(sizes[6]), std::stoul(sizes[5]));
  EXPECT_EQ(perturbation_lines(dir + "/shrunk.schedule"), kept);

  std::vector<std::string> replay = {
      "--driver-bug", bug.bug,  "--seed",     std::to_string(bug.seed), "--packets", sizes[4],
      "--cpus",       sizes[6], "--schedule", dir + "/shrunk.schedule"};
  const auto replayed = run_nicsim(replay);
  EXPECT_EQ(replayed.exit_code, 1) << replayed.output;
  bool same_error = false;
  for (const auto& v : replayed.summary["violations"]) {
    same_error |= v["severity"] == "error" && v["rule"] == first_error["rule"] &&
                  v["where"] == first_error["where"];
  }
  EXPECT_TRUE(same_error) << "want " << first_error["rule"] << " at " << first_error["where"]
                          << ", got:\n"
                          << replayed.violations_text() << shrunk.output;
}

INSTANTIATE_TEST_SUITE_P(Races, ShrinkBugVariant, ::testing::ValuesIn(kFailingSeeds),
                         [](const auto& info) { return test_name(info.param.bug); });

}  // namespace
}  // namespace nicsim::testing
