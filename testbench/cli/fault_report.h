// The testbench's side of the fault layer (sim/faults): hooking the plan's injector to what the
// device description says, the frames the faults explain for the scoreboard, and the summary's
// `faults` key.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/device_description.h"
#include "sim/platform.h"

namespace nicsim::cli {

// Gives the injector (if the run has one) what it needs of the device: its link limits and its
// descriptor rings.
void attach_faults(sim::Platform& platform, const sim::DeviceDescription& device);

// The device is gone (surprise removal): its registers read all-ones, counters mean nothing.
bool device_removed(sim::Platform& platform);

// Frames from the link partner that never reached the device (a down link, a removed device).
uint64_t rx_frames_lost_on_wire(sim::Platform& platform);

// Frames the faults explain that no other count (the device's drop counters, failed sends)
// accounts for, by fault name, at most what is missing each way.
struct FaultExcuses {
  uint64_t rx = 0, tx = 0;
  std::map<std::string, uint64_t> by_fault;  // for the summary's `dropped`
};
FaultExcuses fault_excuses(sim::Platform& platform, uint64_t rx_missing, uint64_t tx_missing);

// The summary's `faults`: {"injected": [{fault, text, injections, rx_frames_lost,
// tx_frames_lost}], "device_errors": {reason: count}}, and with a script, "script":
// {write_back_bytes, reads, messages}: its edits that found their event.
nlohmann::json fault_report(sim::Platform& platform,
                            const std::map<std::string, uint64_t>& device_errors);

}  // namespace nicsim::cli
