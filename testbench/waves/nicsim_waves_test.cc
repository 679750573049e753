// End to end through the nicsim command: the wave, the timeline and the summary of one seeded run
// agree on when things happened.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/interrupt_controller.h"
#include "testbench/waves/vcd_reader.h"

namespace nicsim::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kTop = "nic.nic_sim_top.";
using sim::InterruptController;

class NicsimWaves : public ::testing::Test {
 protected:
  fs::path dir_ = fs::temp_directory_path() / ("nicsim_waves_" + std::to_string(::getpid()));
  void SetUp() override { fs::create_directories(dir_); }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // Runs nicsim with args; returns its exit code.
  int run(const std::string& args) {
    const std::string command =
        std::string(NICSIM_BINARY) + " --quiet " + args + " > " + path("out.txt") + " 2>&1";
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  static json load(const std::string& file) {
    std::ifstream in(file);
    return json::parse(in);
  }
  static uint64_t ts_ps(const json& event) {
    return static_cast<uint64_t>(std::llround(event["ts"].get<double>() * 1e6));
  }
};

// Times (ps) at which the NIC raised an interrupt on its pins: an MSI-X write's address phase or
// the INTx line going high.
std::vector<uint64_t> interrupt_rises(const Vcd& vcd) {
  std::vector<uint64_t> rises;
  const std::string awvalid = std::string(kTop) + "m_axi_awvalid";
  const std::string awaddr = std::string(kTop) + "m_axi_awaddr[63:0]";
  for (const auto& change : vcd.history(awvalid)) {
    if (change.value != "1") continue;
    const uint64_t address = vcd.value_at(awaddr, change.time);
    if (address >= InterruptController::kMsiBase &&
        address - InterruptController::kMsiBase < InterruptController::kMsiSize) {
      rises.push_back(change.time);
    }
  }
  for (const auto& change : vcd.history(std::string(kTop) + "intx")) {
    if (change.value == "1") rises.push_back(change.time);
  }
  std::sort(rises.begin(), rises.end());
  return rises;
}

TEST_F(NicsimWaves, IsrSpanStartsAtOrAfterTheInterruptRoseInTheWave) {
  for (const std::string mode : {"msix", "intx"}) {
    SCOPED_TRACE(mode);
    const std::string fst = path(mode + ".fst"), timeline = path(mode + ".json");
    // 0 or 1: this test is about when things happened, not whether the run passed its checks.
    const int code = run("--seed 3 --packets 60 --irq-mode " + mode + " --waves " + fst +
                         " --timeline " + timeline);
    ASSERT_TRUE(code == 0 || code == 1) << code << "\n" << read_file(path("out.txt"));
    const Vcd vcd = parse_vcd(fst_to_vcd_text(fst));
    const auto rises = interrupt_rises(vcd);
    ASSERT_FALSE(rises.empty());
    const json events = load(timeline)["traceEvents"];
    int isrs = 0;
    for (const auto& event : events) {
      if (event.value("cat", "") != "ISR") continue;
      ++isrs;
      // Some interrupt rose on the pins at or before this ISR began.
      EXPECT_GE(ts_ps(event), rises.front()) << event.dump();
    }
    EXPECT_GT(isrs, 0);
    // The first ISR follows the first rise, and no later than a few microseconds.
    uint64_t first_isr = UINT64_MAX;
    for (const auto& event : events) {
      if (event.value("cat", "") == "ISR") first_isr = std::min(first_isr, ts_ps(event));
    }
    EXPECT_GE(first_isr, rises.front());
    EXPECT_LT(first_isr - rises.front(), 10'000'000u);
    // And the wave's own CPU probes show an ISR context at that moment. Host changes within one
    // nanosecond are ordered by picosecond offsets in the wave (the CPU may go idle, then take
    // the interrupt, in the same ns), so look within the ISR's nanosecond.
    bool isr_in_wave = false;
    for (const auto& name : vcd.find({"host.cpu[", "context"})) {
      isr_in_wave = isr_in_wave || vcd.value_at(name, first_isr + 999) == 3;
    }
    EXPECT_TRUE(isr_in_wave);
  }
}

TEST_F(NicsimWaves, ViolationMarkerTimelineAndSummaryAgreeOnTheTime) {
  const std::string fst = path("bug.fst"), timeline = path("bug.json"),
                    summary = path("bug_s.json");
  const int code = run(std::string("--seed 1 --packets 60 --driver-bug ") + NICSIM_WAVES_BUG +
                       " --waves " + fst + " --timeline " + timeline + " --summary " + summary);
  ASSERT_EQ(code, 1) << read_file(path("out.txt"));
  const json violations = load(summary)["violations"];
  ASSERT_FALSE(violations.empty());
  const json& first = violations[0];
  const uint64_t sim_ns = first["sim_ns"].get<uint64_t>();
  const std::string rule = first["rule"].get<std::string>();

  bool in_timeline = false;
  const json events = load(timeline)["traceEvents"];
  for (const auto& event : events) {
    if (event.value("name", "") == "violation: " + rule && event["args"]["sim_ns"] == sim_ns) {
      in_timeline = true;
      EXPECT_EQ(ts_ps(event), sim_ns * 1000);
    }
  }
  EXPECT_TRUE(in_timeline) << rule << " at " << sim_ns << " ns is not in the timeline";

  const Vcd vcd = parse_vcd(fst_to_vcd_text(fst));
  const auto marker = vcd.first_rise(std::string(kTop) + "host.violation");
  ASSERT_TRUE(marker.has_value());
  // Host changes in one instant are dumped 1 ps apart, so the marker is within that nanosecond.
  EXPECT_GE(*marker, sim_ns * 1000);
  EXPECT_LT(*marker, sim_ns * 1000 + 1000);
}

TEST_F(NicsimWaves, BadWaveOptionsAreUsageErrors) {
  EXPECT_EQ(run("--waves " + path("x.txt")), 2);
  EXPECT_NE(read_file(path("out.txt")).find("x.txt"), std::string::npos);
  EXPECT_EQ(run("--waves " + path("x.fst") + " --waves-window 5us:1us"), 2);
  EXPECT_NE(read_file(path("out.txt")).find("5us:1us"), std::string::npos);
  EXPECT_EQ(run("--waves-window 1us:5us"), 2);
  EXPECT_EQ(run("--timeline /nonexistent-dir/t.json"), 2);
}

}  // namespace
}  // namespace nicsim::testing
