// The command line resolved against a design, without a run: a fault that needs a role the
// device does not declare is refused (exit 2) naming the fault and the missing role.
#include "testbench/cli/options.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace nicsim::cli {
namespace {

Design ReferenceDesign() {
  Design design;
  design.program = "nicsim";
  design.device = sim::DeviceDescription::load(NIC_DEVICE_JSON);
  std::ifstream scenarios(REFERENCE_SCENARIOS);
  design.scenarios = parse_scenarios(nlohmann::json::parse(scenarios));
  return design;
}

std::string FaultError(const Design& design, const std::string& fault) {
  Options options;
  options.faults = {fault};
  RunConfig run;
  return validate(design, options, run);
}

TEST(Faults, CorruptLengthNeedsAReceiveRingThatDeclaresItsWrittenLength) {
  Design design = ReferenceDesign();
  EXPECT_EQ(FaultError(design, "writeback-corrupt-length"), "");  // the reference NIC has it
  for (sim::RingCause& ring : design.device.rings) ring.written_length.reset();
  EXPECT_EQ(FaultError(design, "writeback-corrupt-length"),
            "--fault writeback-corrupt-length: device nic declares no receive ring with a "
            "written-back length and a tail (ring_causes[].written_length and .tail in its "
            "description, sim/DEVICE_CONTRACT.md)");
  EXPECT_EQ(FaultError(design, "writeback-bad-index"), "");  // other faults are unaffected
}

}  // namespace
}  // namespace nicsim::cli
