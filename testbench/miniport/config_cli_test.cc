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

TEST(CliConfig, HelpDescribesTheFlag) {
  const auto run = run_nicsim({"--help"}, false);
  EXPECT_NE(run.output.find("registry keywords for the driver: INF-style Key=Value lines"),
            std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace nicsim::testing
