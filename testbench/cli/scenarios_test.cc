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

TEST(IrqMode, NamesRoundTrip) {
  for (IrqMode mode : {IrqMode::kMsix, IrqMode::kMsi, IrqMode::kIntx})
    EXPECT_EQ(parse_irq_mode(to_string(mode)), mode);
  EXPECT_FALSE(parse_irq_mode("MSIX"));
}

}  // namespace
}  // namespace nicsim::cli
