// nicsim --config FILE: the registry keywords for the driver. A malformed file exits 2 before the
// simulation starts, naming the file and the line; a good one runs.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "testbench/miniport/nicsim_runner.h"

namespace nicsim::testing {
namespace {

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = temp_dir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(CliConfig, ALineWithoutEqualsExitsTwoNamingFileAndLine) {
  const std::string path =
      WriteFile("bad.ini", "; comment\n*SpeedDuplex=6\n\nItrCycles 500\nQueues=4\n");
  const auto run = run_nicsim({"--config", path, "--packets", "20"}, false);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find(path + ":4"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("ItrCycles 500"), std::string::npos) << run.output;
  // Before the simulation starts: no summary of a run.
  EXPECT_EQ(run.output.find("packets"), std::string::npos) << run.output;
}

TEST(CliConfig, AnEmptyKeywordExitsTwo) {
  const std::string path = WriteFile("nokey.ini", "# header\n  = 5\n");
  const auto run = run_nicsim({"--config", path}, false);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find(path + ":2"), std::string::npos) << run.output;
}

TEST(CliConfig, AMissingFileExitsTwoNamingIt) {
  const auto run = run_nicsim({"--config", "/nonexistent-dir/keywords.ini"}, false);
  EXPECT_EQ(run.exit_code, 2) << run.output;
  EXPECT_NE(run.output.find("/nonexistent-dir/keywords.ini"), std::string::npos) << run.output;
}

TEST(CliConfig, AGoodFileRuns) {
  const std::string path =
      WriteFile("good.ini",
                "; nicsim keywords\r\n# both comment styles\n\n*SpeedDuplex = 6\r\n"
                "NetworkAddress=\"02-00-00-00-00-01\"\nEmpty=\n");
  const auto run = run_nicsim({"--config", path, "--packets", "60", "-q"});
  EXPECT_EQ(run.exit_code, 0) << run.output << run.violations_text();
}

// The reference driver reads *NumRssQueues at initialize: with 2 queues on 4 CPUs, CPUs 2 and 3
// run no DPC; without the file (4 queues) they do, so the keyword and not the scenario decided.
TEST(CliConfig, NumRssQueuesKeywordNarrowsTheDriversQueues) {
  auto dpcs_on_cpu = [](const NicsimRun& run, unsigned cpu) {
    return run.summary.at("per_cpu").at(cpu).at("dpc").get<uint64_t>();
  };
  const auto four = run_nicsim({"--packets", "200", "-q"});
  ASSERT_EQ(four.exit_code, 0) << four.output << four.violations_text();
  EXPECT_GT(dpcs_on_cpu(four, 2) + dpcs_on_cpu(four, 3), 0u);

  const std::string path = WriteFile("two-queues.ini", "*NumRssQueues=2\n");
  const auto two = run_nicsim({"--config", path, "--packets", "200", "-q"});
  ASSERT_EQ(two.exit_code, 0) << two.output << two.violations_text();
  EXPECT_GT(dpcs_on_cpu(two, 0), 0u);
  EXPECT_GT(dpcs_on_cpu(two, 1), 0u);
  EXPECT_EQ(dpcs_on_cpu(two, 2) + dpcs_on_cpu(two, 3), 0u);
}

// A value the driver's INF would not allow fails initialize, named by its status, and the frames
// the unready adapter could not take are not a second finding.
TEST(CliConfig, NumRssQueuesOutOfRangeFailsInitializeByName) {
  const std::string path = WriteFile("three-queues.ini", "*NumRssQueues=3\n");
  const auto run = run_nicsim({"--config", path, "--packets", "20"});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_TRUE(run.has_rule("INITIALIZE_FAILED")) << run.violations_text();
  EXPECT_FALSE(run.has_rule("PACKET_LOST")) << run.violations_text();
  EXPECT_NE(run.output.find("NDIS_STATUS_INVALID_PARAMETER (0xC000000D)"), std::string::npos)
      << run.output;
}

TEST(CliConfig, HelpDescribesTheFlag) {
  const auto run = run_nicsim({"--help"}, false);
  EXPECT_NE(run.output.find("registry keywords for the driver: INF-style Key=Value lines"),
            std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace nicsim::testing
