// A co-simulation's parts: the device (its model and its description), the driver (its
// DriverEntry and its bug variants) and the scenarios. nicsim_add_cosim (cmake/nicsim_cosim.cmake)
// generates one from its arguments and hands it to run_cosim from sc_main; the reference NIC and
// miniport are registered the same way. Nothing in the CLI names a design.
#pragma once

#include <ndis.h>
#include <nicsim_driver_bugs.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "sim/device.h"
#include "sim/device_description.h"
#include "testbench/cli/scenarios.h"

namespace nicsim::cli {

struct DriverBugVariant {
  std::string name;  // the --driver-bug value
  std::string rule;  // the rule ID it must trigger
  std::string description;
  std::string scenario;  // the scenario that shows it; empty: the design's first
};

struct Design {
  std::string program;  // the executable's name, in usage and messages
  std::function<std::unique_ptr<sim::Device>()> make_device;
  sim::DeviceDescription device;
  PDRIVER_INITIALIZE driver_entry = nullptr;
  // --driver-bug NAME selects driver_bugs[i]; the driver reads i + 1 as NicsimDriverBug.
  std::vector<DriverBugVariant> driver_bugs;
  std::vector<Scenario> scenarios;  // the first is the default
  // Functional coverage bins this design cannot reach, and why (the scenarios' document).
  std::map<std::string, std::string> unreachable_coverage;
};

// NicsimDriverBugs up to its NULL-named end; empty for nullptr (a driver without variants).
std::vector<DriverBugVariant> driver_bugs_from_table(const NICSIM_DRIVER_BUG* table);

// The whole command line for design: parses argv, runs, writes the summary. Returns the exit
// code: 0 every check passed, 1 violations, 2 bad usage or input, 3 internal error.
int run_cosim(const Design& design, int argc, char* argv[]);

}  // namespace nicsim::cli
