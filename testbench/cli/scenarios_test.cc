// A design's scenarios JSON: defaults for what it leaves out, its keywords, and a bad
// entry rejected naming the key and the value.
#include "testbench/cli/scenarios.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace nicsim::cli {
namespace {

std::string error_of(const char* text) {
  try {
    parse_scenarios(nlohmann::json::parse(text));
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "";
}

TEST(ScenariosJson, FieldsOverrideDefaultsAndCarryTheKeywords) {
  const auto list = parse_scenarios(nlohmann::json::parse(R"({"scenarios": [
      {"name": "default"},
      {"name": "line", "irq_mode": "intx", "cpus": 2, "queues": 1, "packets": 50,
       "lifecycle": true, "keywords": {"ItrCycles": "64", "*JumboPacket": "1514"}}]})"));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].cpus, Scenario{}.cpus);
  EXPECT_EQ(list[0].irq_mode, IrqMode::kMsix);
  const Scenario& line = list[1];
  EXPECT_EQ(line.irq_mode, IrqMode::kIntx);
  EXPECT_EQ(line.cpus, 2u);
  EXPECT_EQ(line.queues, 1u);
  EXPECT_EQ(line.packets, 50u);
  EXPECT_TRUE(line.lifecycle);
  ASSERT_EQ(line.keywords.size(), 2u);
  const std::vector<std::pair<std::string, std::string>> expected = {{"*JumboPacket", "1514"},
                                                                     {"ItrCycles", "64"}};
  EXPECT_EQ(line.keywords, expected);  // a JSON object: by name
  EXPECT_EQ(find_scenario(list, "line"), &list[1]);
  EXPECT_EQ(find_scenario(list, "nope"), nullptr);
}

TEST(ScenariosJson, BadEntriesNameTheKeyAndTheValue) {
  EXPECT_NE(error_of(R"({"scenarios": [{"name": "a", "cpus": 0}]})").find("scenarios[0].cpus: 0"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"scenarios": [{"name": "a", "irq_mode": "msy"}]})")
                .find("scenarios[0].irq_mode: \"msy\" is not msix, msi or intx"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"scenarios": [{"name": "a", "cpu": 2}]})")
                .find("scenarios[0].cpu: 2 is not a scenario key"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"scenarios": [{"cpus": 2}]})").find("lacks the required key \"name\""),
            std::string::npos);
  EXPECT_NE(error_of(R"({"scenarios": [{"name": "a"}, {"name": "a"}]})")
                .find("scenarios[1].name: \"a\" names a second scenario"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"scenarios": []})").find("is not a non-empty list"), std::string::npos);
  EXPECT_NE(error_of(R"({"scenarios": [{"name": "a", "min_frame": 100, "max_frame": 60}]})")
                .find("min_frame above max_frame"),
            std::string::npos);
}

TEST(ScenariosJson, UnreachableCoverageNamesEachBinsReason) {
  const auto bins = parse_unreachable_coverage(nlohmann::json::parse(
      R"({"scenarios": [{"name": "a"}], "unreachable_coverage": {"dpc/x": "no such path"}})"));
  ASSERT_EQ(bins.size(), 1u);
  EXPECT_EQ(bins.at("dpc/x"), "no such path");
  EXPECT_TRUE(parse_unreachable_coverage(nlohmann::json::parse(R"({"scenarios": []})")).empty());
  auto error = [](const char* text) {
    try {
      parse_unreachable_coverage(nlohmann::json::parse(text));
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(error(R"({"unreachable_coverage": {"dpc/x": ""}})").find("unreachable_coverage.dpc/x"),
            std::string::npos);
  EXPECT_NE(error(R"({"unreachable_coverage": ["dpc/x"]})").find("is not an object"),
            std::string::npos);
}

TEST(ScenariosJson, TrafficEventsAndEarlyInterrupt) {
  const auto list = parse_scenarios(nlohmann::json::parse(R"({"scenarios": [
      {"name": "plain"},
      {"name": "flap", "traffic_event": "link-flap", "traffic_event_after_ns": 1000,
       "traffic_event_ns": 500, "early_interrupt": true}]})"));
  EXPECT_EQ(list[0].traffic_event, TrafficEvent::kNone);
  EXPECT_FALSE(list[0].early_interrupt);
  EXPECT_EQ(list[1].traffic_event, TrafficEvent::kLinkFlap);
  EXPECT_EQ(list[1].traffic_event_after_ns, 1000u);
  EXPECT_EQ(list[1].traffic_event_ns, 500u);
  EXPECT_TRUE(list[1].early_interrupt);
  EXPECT_NE(error_of(R"({"scenarios": [{"name": "a", "traffic_event": "reboot"}]})")
                .find("scenarios[0].traffic_event: \"reboot\" is not none, halt, reset or "
                      "link-flap"),
            std::string::npos);
  for (TrafficEvent event :
       {TrafficEvent::kNone, TrafficEvent::kHalt, TrafficEvent::kReset, TrafficEvent::kLinkFlap})
    EXPECT_EQ(parse_traffic_event(to_string(event)), event);
}

TEST(ScenariosJson, ExpectDeclaresTheFailedSendsAFaultExplains) {
  const auto list = parse_scenarios(nlohmann::json::parse(R"({"scenarios": [
      {"name": "strict"},
      {"name": "any", "expect": {"send_failed": true}},
      {"name": "some", "expect": {"send_failed": ["NDIS_STATUS_FAILURE", "NDIS_STATUS_SEND_ABORTED"]}},
      {"name": "none", "expect": {"send_failed": false}}]})"));
  constexpr uint32_t kFailure = 0xC0000001, kAborted = 0xC023000C, kResources = 0xC000009A;
  EXPECT_FALSE(list[0].expect.send_failed(kFailure));  // strict by default
  EXPECT_TRUE(list[1].expect.send_failed(kResources));
  EXPECT_TRUE(list[2].expect.send_failed(kFailure));
  EXPECT_TRUE(list[2].expect.send_failed(kAborted));
  EXPECT_FALSE(list[2].expect.send_failed(kResources));
  EXPECT_FALSE(list[3].expect.send_failed(kFailure));
}

TEST(ScenariosJson, BadExpectNamesTheKeyPath) {
  EXPECT_NE(error_of(R"({"scenarios": [{"name": "a", "expect": true}]})")
                .find("scenarios[0].expect: true is not an object"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"scenarios": [{"name": "a", "expect": {"send_fail": true}}]})")
                .find("scenarios[0].expect.send_fail: true is not an expected outcome"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"scenarios": [{"name": "a", "expect": {"send_failed": []}}]})")
                .find("scenarios[0].expect.send_failed: [] is neither true, false nor"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"scenarios": [{"name": "a", "expect": {"send_failed": 1}}]})")
                .find("scenarios[0].expect.send_failed: 1 is neither"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"scenarios": [{"name": "a", "expect":
                         {"send_failed": ["NDIS_STATUS_FAILURE", "NDIS_STATUS_OOPS"]}}]})")
                .find("scenarios[0].expect.send_failed[1]: \"NDIS_STATUS_OOPS\" is not an "
                      "NDIS_STATUS failure name"),
            std::string::npos);
  EXPECT_NE(
      error_of(
          R"({"scenarios": [{"name": "a", "expect": {"send_failed": ["NDIS_STATUS_SUCCESS"]}}]})")
          .find("scenarios[0].expect.send_failed[0]: \"NDIS_STATUS_SUCCESS\" is not"),
      std::string::npos);
  EXPECT_NE(error_of(R"({"scenarios": [{"name": "a", "expect": {"send_failed": [7]}}]})")
                .find("scenarios[0].expect.send_failed[0]: 7 is not a string"),
            std::string::npos);
}

TEST(IrqMode, NamesRoundTrip) {
  for (IrqMode mode : {IrqMode::kMsix, IrqMode::kMsi, IrqMode::kIntx})
    EXPECT_EQ(parse_irq_mode(to_string(mode)), mode);
  EXPECT_FALSE(parse_irq_mode("MSIX"));
}

}  // namespace
}  // namespace nicsim::cli
