// How a send comes back, end to end through the nicsim command: a send the device fails is a
// finding (SEND_FAILED) unless the scenario expects it, and a send completed twice is reported
// once (SEND_COMPLETED_TWICE) while every count in the summary stays sane.
#include <gtest/gtest.h>

#include <cstdint>
#include <regex>
#include <string>
#include <vector>

#include "testbench/miniport/nicsim_runner.h"

namespace nicsim::testing {
namespace {

constexpr int kMaxSeeds = 10;

// The first of seeds 1..kMaxSeeds whose run reports rule; args get --seed and a summary.
NicsimRun FirstRunWith(const std::string& rule, std::vector<std::string> args) {
  NicsimRun run;
  for (int seed = 1; seed <= kMaxSeeds; ++seed) {
    std::vector<std::string> with_seed = args;
    with_seed.insert(with_seed.end(), {"--seed", std::to_string(seed)});
    run = run_nicsim(with_seed);
    if (run.has_rule(rule)) return run;
  }
  return run;
}

const nlohmann::json* FindViolation(const NicsimRun& run, const std::string& rule) {
  for (const auto& v : run.summary["violations"]) {
    if (v["rule"] == rule) return &v;
  }
  return nullptr;
}

// Frames by their fate: received, dropped with a reason, failed, lost. None may exceed what was
// sent (a count that went below zero shows up as a 20-digit number).
void ExpectSaneCounts(const NicsimRun& run) {
  const auto& packets = run.summary["packets"];
  const uint64_t sent = packets["sent"].get<uint64_t>();
  EXPECT_GT(sent, 0u);
  for (const char* key : {"received", "lost", "corrupt"})
    EXPECT_LE(packets[key].get<uint64_t>(), sent) << key;
  const auto& tx = packets["tx"];
  const uint64_t tx_sent = tx["sent"].get<uint64_t>();
  for (const char* key : {"received", "completed", "failed", "failed_expected"})
    EXPECT_LE(tx[key].get<uint64_t>(), tx_sent) << key;
  EXPECT_EQ(std::regex_search(run.output, std::regex("[0-9]{19,}")), false) << run.output;
}

TEST(SendOutcomes, SEND_FAILED_Triggers) {
  // The driver bounces unaligned and fragmented frames, and in this variant writes the bounce
  // buffer's size (2048) as LEN: the NIC refuses the descriptor (ERR, STAT_TX_BAD_LEN).
  const auto run =
      FirstRunWith("SEND_FAILED", {"--driver-bug", "tx-bad-length", "--packets", "200"});
  ASSERT_TRUE(run.summary.is_object()) << run.output;
  const nlohmann::json* v = FindViolation(run, "SEND_FAILED");
  ASSERT_NE(v, nullptr) << run.violations_text();
  EXPECT_EQ(run.exit_code, 1);
  const std::string message = (*v)["message"].get<std::string>();
  EXPECT_NE(message.find("NDIS_STATUS_FAILURE (0xC0000001)"), std::string::npos) << message;
  const auto& tx = run.summary["packets"]["tx"];
  const uint64_t failed = tx["failed"].get<uint64_t>();  // frames of the failed NBLs
  EXPECT_GT(tx["failed_sends"].get<uint64_t>(), 0u);
  EXPECT_EQ(tx["failed_statuses"]["NDIS_STATUS_FAILURE"], failed);
  EXPECT_EQ(tx["failed_expected"], 0);
  EXPECT_NE(message.find(tx["failed_sends"].dump() + " send(s) (" + std::to_string(failed) +
                         " frame(s)) of valid frames completed with"),
            std::string::npos)
      << message;
  // The device's reason: it counted every frame it refused, and those are the ones missing.
  const uint64_t refused = tx["device_errors"]["bad_len"].get<uint64_t>();
  EXPECT_GT(refused, 0u);
  EXPECT_LE(refused, failed);
  EXPECT_EQ(refused, tx["sent"].get<uint64_t>() - tx["received"].get<uint64_t>());
  EXPECT_NE(message.find("the device's send error counters: bad_len=" + std::to_string(refused)),
            std::string::npos)
      << message;
  // Reported at the first failure: a CPU in a DPC, not the end of the run.
  EXPECT_GE((*v)["cpu"].get<int>(), 0);
  EXPECT_LT((*v)["sim_ns"].get<uint64_t>(), run.summary["sim"]["sim_ns"].get<uint64_t>());
  // Failed frames are accounted for by the failure: neither lost nor excused as dropped.
  EXPECT_FALSE(run.has_rule("PACKET_LOST")) << run.violations_text();
  EXPECT_EQ(run.summary["packets"]["lost"], 0);
  EXPECT_FALSE(run.summary["packets"]["dropped"].contains("send_failed"));
  EXPECT_EQ(tx["completed"], tx["sent"]);
  ExpectSaneCounts(run);
}

TEST(SendOutcomes, SEND_FAILED_Silent) {
  const auto run = run_nicsim({"--seed", "3", "--packets", "200"});
  ASSERT_TRUE(run.summary.is_object()) << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.violations_text();
  EXPECT_FALSE(run.has_rule("SEND_FAILED"));
  // Positive control: sends went down and every one came back completed, none failed.
  const auto& tx = run.summary["packets"]["tx"];
  EXPECT_GE(tx["sent"].get<uint64_t>(), 50u);
  EXPECT_EQ(tx["completed"], tx["sent"]);
  EXPECT_EQ(tx["received"], tx["sent"]);
  EXPECT_EQ(tx["failed"], 0);
  EXPECT_TRUE(tx["device_errors"].empty());
  ExpectSaneCounts(run);
}

// A scenario that declares the failure (as one injecting send faults does) passes: the failed
// sends are counted as dropped, not reported.
TEST(SendOutcomes, SEND_FAILED_SilentWhenTheScenarioExpectsIt) {
  const auto run = run_nicsim({"--scenario", "expect-send-failed", "--driver-bug", "tx-bad-length",
                               "--seed", "1", "--packets", "200"});
  ASSERT_TRUE(run.summary.is_object()) << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.violations_text();
  EXPECT_TRUE(run.summary["violations"].empty()) << run.violations_text();
  const auto& packets = run.summary["packets"];
  const uint64_t failed = packets["tx"]["failed"].get<uint64_t>();
  EXPECT_GT(failed, 0u);  // positive control: sends did fail on the device
  EXPECT_EQ(packets["tx"]["failed_expected"], failed);
  // Counted as dropped: the frames the device refused, which never reached the link.
  const uint64_t refused = packets["tx"]["device_errors"]["bad_len"].get<uint64_t>();
  EXPECT_GT(refused, 0u);
  EXPECT_EQ(packets["dropped"]["send_failed"], refused);
  uint64_t dropped = 0;
  for (const auto& [reason, count] : packets["dropped"].items()) dropped += count.get<uint64_t>();
  EXPECT_EQ(packets["received"].get<uint64_t>() + dropped, packets["sent"].get<uint64_t>());
  EXPECT_EQ(packets["lost"], 0);
  EXPECT_NE(run.output.find("(" + std::to_string(failed) + " expected)"), std::string::npos)
      << run.output;
}

// The correct driver under the scenario that expects failures: none happen, nothing is excused.
TEST(SendOutcomes, ExpectedFailuresAreAllowedNotRequired) {
  const auto run =
      run_nicsim({"--scenario", "expect-send-failed", "--seed", "2", "--packets", "120"});
  ASSERT_TRUE(run.summary.is_object()) << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.violations_text();
  EXPECT_EQ(run.summary["packets"]["tx"]["failed"], 0);
  EXPECT_EQ(run.summary["packets"]["received"], run.summary["packets"]["sent"]);
}

// A send completed twice through the real path: the miniport's DPC completes the last NBL of its
// batch again. The NDIS layer reports it and keeps it from the protocol, so no count goes below
// zero: no SEND_NOT_COMPLETED, no lost frame, every send completed exactly once.
TEST(SendOutcomes, SEND_COMPLETED_TWICE_SummaryStaysSane) {
  const auto run = FirstRunWith("SEND_COMPLETED_TWICE",
                                {"--driver-bug", "send-completed-twice", "--packets", "200"});
  ASSERT_TRUE(run.summary.is_object()) << run.output;
  const nlohmann::json* v = FindViolation(run, "SEND_COMPLETED_TWICE");
  ASSERT_NE(v, nullptr) << run.violations_text();
  EXPECT_EQ(run.exit_code, 1);
  const std::string message = (*v)["message"].get<std::string>();
  EXPECT_NE(message.find("completed already at driver/miniport/mp_send.cc"), std::string::npos)
      << message;
  EXPECT_FALSE(run.has_rule("SEND_NOT_COMPLETED")) << run.violations_text();
  EXPECT_FALSE(run.has_rule("PACKET_LOST")) << run.violations_text();
  const auto& packets = run.summary["packets"];
  EXPECT_EQ(packets["tx"]["completed"], packets["tx"]["sent"]);
  EXPECT_EQ(packets["tx"]["received"], packets["tx"]["sent"]);
  EXPECT_EQ(packets["lost"], 0);
  ExpectSaneCounts(run);
  EXPECT_EQ(run.output.find("never completed"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace nicsim::testing
