// The command line (testbench/cli/options.cc parse_command_line) against the reference design's
// scenarios, device description and bug variants. The input is the arguments, one per line. It
// must never crash nor throw: it returns a run, or exit code 0 (help, lists) or 2 (bad usage).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "testbench/cli/design.h"
#include "testbench/cli/options.h"

extern "C" const NICSIM_DRIVER_BUG NicsimDriverBugs[];  // driver/miniport/mp_bugs.cc

namespace nicsim_fuzz {
extern const char kDeviceJson[];     // rtl/regs/generated/nic_device.json
extern const char kScenariosJson[];  // testbench/reference/scenarios.json
}  // namespace nicsim_fuzz

namespace {

nicsim::cli::Design reference_design() {
  nicsim::cli::Design design;
  design.program = "nicsim";
  design.device =
      nicsim::sim::DeviceDescription::from_json(nlohmann::json::parse(nicsim_fuzz::kDeviceJson));
  design.scenarios =
      nicsim::cli::parse_scenarios(nlohmann::json::parse(nicsim_fuzz::kScenariosJson));
  for (const NICSIM_DRIVER_BUG* bug = NicsimDriverBugs; bug->Name; ++bug) {
    design.driver_bugs.push_back(
        {bug->Name, bug->Rule, bug->Description, bug->Scenario ? bug->Scenario : ""});
  }
  return design;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // Help, lists and usage errors are the expected output: keep them off the fuzzer's log.
  std::cout.rdbuf(nullptr);
  std::cerr.rdbuf(nullptr);
  if (!std::freopen("/dev/null", "w", stdout)) std::abort();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const nicsim::cli::Design design = reference_design();
  std::vector<std::string> args{"nicsim"};
  std::string arg;
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') {
      args.push_back(arg);
      arg.clear();
    } else {
      arg.push_back(static_cast<char>(data[i]));
    }
  }
  if (!arg.empty()) args.push_back(arg);
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  argv.push_back(nullptr);

  const auto outcome =
      nicsim::cli::parse_command_line(design, static_cast<int>(args.size()), argv.data());
  if (outcome.exit_code != 0 && outcome.exit_code != 2) std::abort();
  if (outcome.run && outcome.exit_code != 0) std::abort();
  return 0;
}
