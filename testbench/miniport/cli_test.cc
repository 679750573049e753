// The nicsim command line: bad input exits 2 naming the bad value; lists and help; the same
// seed gives the same summary.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "testbench/miniport/nicsim_runner.h"

namespace nicsim::testing {
namespace {

struct BadInput {
  std::vector<std::string> args;
  std::string named;  // the message must contain this
};

class CliBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(CliBadInput, ExitsTwoNamingTheValue) {
  const auto& bad = GetParam();
  const auto run = run_nicsim(bad.args, false);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find(bad.named), std::string::npos) << run.output;
}

INSTANTIATE_TEST_SUITE_P(
    Flags, CliBadInput,
    ::testing::Values(BadInput{{"--cpus", "0"}, "--cpus 0"}, BadInput{{"--cpus", "65"}, "65"},
                      BadInput{{"--queues", "3"}, "--queues 3"},
                      BadInput{{"--irq-mode", "bogus"}, "bogus"},
                      BadInput{{"--irq-mode", "msi"}, "--irq-mode msi: device nic has MSI-X"},
                      BadInput{{"--scenario", "no-such-scenario"}, "no-such-scenario"},
                      BadInput{{"--driver-bug", "no-such-bug"}, "no-such-bug"},
                      BadInput{{"--pcap-in", "/nonexistent.pcap"}, "/nonexistent.pcap"},
                      BadInput{{"--max-sim-time", "10parsecs"}, "10parsecs"},
                      BadInput{{"--packets", "0"}, "--packets 0"},
                      BadInput{{"--seed", "abc"}, "abc"}, BadInput{{"--seed", "-1"}, "-1"},
                      BadInput{{"--max-sim-time", "1ns"}, "--max-sim-time 1ns"},
                      BadInput{{"--summary", "/nonexistent-dir/s.json"}, "/nonexistent-dir"},
                      BadInput{{"--no-such-flag"}, "--no-such-flag"}),
    [](const ::testing::TestParamInfo<BadInput>& info) {
      std::string name;
      for (const auto& arg : info.param.args) {
        for (char c : arg) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
      }
      return name;
    });

TEST(CliBadInput, MalformedPcapExitsTwo) {
  const std::string path = temp_dir() + "/garbage.pcap";
  std::ofstream(path) << "this is not a pcap file";
  const auto run = run_nicsim({"--pcap-in", path}, false);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find(path), std::string::npos) << run.output;
}

TEST(CliLists, DriverBugsOnePerLineWithRule) {
  const auto run = run_nicsim({"--list-driver-bugs"}, false);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.output.find("send-dpr-acquire-at-passive"), std::string::npos);
  EXPECT_NE(run.output.find("DPR_ACQUIRE_IRQL"), std::string::npos);
  EXPECT_GE(std::count(run.output.begin(), run.output.end(), '\n'), 20);
}

// Each line is NAME RULE SCENARIO DESCRIPTION; the scenario is a known one, the default named too.
TEST(CliLists, DriverBugsNameTheirScenario) {
  const auto bugs = run_nicsim({"--list-driver-bugs"}, false);
  const auto scenarios = run_nicsim({"--list-scenarios"}, false);
  ASSERT_EQ(bugs.exit_code, 0);
  std::vector<std::string> known;
  std::istringstream scenario_lines(scenarios.output);
  for (std::string line; std::getline(scenario_lines, line);) {
    std::istringstream words(line);
    if (std::string name; words >> name) known.push_back(name);
  }
  ASSERT_FALSE(known.empty()) << scenarios.output;
  std::istringstream bug_lines(bugs.output);
  int named_default = 0, named_other = 0;
  for (std::string line; std::getline(bug_lines, line);) {
    std::istringstream words(line);
    std::string name, rule, scenario;
    if (!(words >> name >> rule >> scenario)) continue;
    EXPECT_NE(std::find(known.begin(), known.end(), scenario), known.end()) << line;
    ++(scenario == known.front() ? named_default : named_other);
  }
  EXPECT_GT(named_default, 0) << bugs.output;
  EXPECT_GT(named_other, 0) << bugs.output;  // dpc-reenable-before-drain needs intx-shared
}

TEST(CliLists, ScenariosIncludeTheNamedOnes) {
  const auto run = run_nicsim({"--list-scenarios"}, false);
  EXPECT_EQ(run.exit_code, 0);
  for (const char* name : {"default", "intx-shared", "single-cpu", "many-cpus", "burst",
                           "small-frames", "throttled"}) {
    EXPECT_NE(run.output.find(name), std::string::npos) << name;
  }
}

TEST(CliHelp, ShowsExamples) {
  const auto run = run_nicsim({"--help"}, false);
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_NE(run.output.find("Examples"), std::string::npos);
  EXPECT_NE(run.output.find("--max-sim-time"), std::string::npos);
}

TEST(CliMonitors, OnByDefaultOffWithNoMonitors) {
  const auto on = run_nicsim({"--seed", "2", "--packets", "60", "-q"});
  const auto off = run_nicsim({"--seed", "2", "--packets", "60", "-q", "--no-monitors"});
  ASSERT_TRUE(on.summary.is_object() && off.summary.is_object()) << on.output << off.output;
  EXPECT_EQ(on.summary["monitors"], true);
  EXPECT_EQ(off.summary["monitors"], false);
  EXPECT_EQ(off.exit_code, 0) << off.violations_text();
  EXPECT_NE(run_nicsim({"--help"}, false).output.find("--no-monitors"), std::string::npos);
}

TEST(CliOutput, StoppedRunHasNoSystemCInfoLine) {
  const auto run = run_nicsim({"--driver-bug", "isr-takes-spin-lock"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("DEADLOCK"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("Simulation stopped by user"), std::string::npos) << run.output;
}

TEST(CliMaxSimTime, OutOfTimeWithTrafficOutstandingReportsIt) {
  const auto run = run_nicsim({"--max-sim-time", "450us", "--packets", "400", "-q"});
  ASSERT_TRUE(run.summary.is_object()) << run.output;
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_GT(run.summary["packets"]["lost"].get<uint64_t>(), 0u);
  EXPECT_TRUE(run.has_rule("PACKET_LOST")) << run.violations_text();
  EXPECT_LE(run.summary["sim"]["sim_ns"].get<uint64_t>(), 450'000u);
}

TEST(CliSummary, SameSeedSameSummary) {
  auto a = run_nicsim({"--seed", "7", "--packets", "100", "-q"});
  auto b = run_nicsim({"--seed", "7", "--packets", "100", "-q"});
  ASSERT_TRUE(a.summary.is_object() && b.summary.is_object());
  a.summary.erase("sim");
  b.summary.erase("sim");
  EXPECT_EQ(a.summary, b.summary);
}

TEST(CliSummary, HasTheContractKeys) {
  const auto run = run_nicsim({"--seed", "3", "--packets", "100", "-q"});
  ASSERT_TRUE(run.summary.is_object()) << run.output;
  for (const char* key : {"seed", "cpus", "queues", "irq_mode", "packets", "interrupts", "per_cpu",
                          "latency_cycles", "locks", "violations", "sim"}) {
    EXPECT_TRUE(run.summary.contains(key)) << key;
  }
  EXPECT_TRUE(run.summary["latency_cycles"]["irq_to_isr"].contains("p99"));
  EXPECT_GT(run.summary["interrupts"]["dpcs"].get<uint64_t>(), 0u);
  EXPECT_GT(run.summary["locks"].size(), 0u);
}

}  // namespace
}  // namespace nicsim::testing

namespace nicsim::testing {
namespace {

TEST(IntxShared, OtherDeviceOnTheLineIsLeftAlone) {
  const auto run = run_nicsim({"--scenario", "intx-shared", "--seed", "2", "-q"});
  ASSERT_TRUE(run.summary.is_object()) << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.violations_text();
  EXPECT_GT(run.summary["interrupts"]["sharer_claims"].get<uint64_t>(), 0u);
  EXPECT_EQ(run.summary["packets"]["received"], run.summary["packets"]["sent"]);
}

}  // namespace
}  // namespace nicsim::testing
