#include "testbench/cli/fault_report.h"

#include <algorithm>

#include "sim/faults/fault_injector.h"
#include "sim/link_partner.h"
#include "sim/nic_domain.h"

namespace nicsim::cli {
namespace {

sim::FaultInjector* injector(sim::Platform& platform) {
  return platform.has_nic() ? platform.nic().faults() : nullptr;
}

}  // namespace

void attach_faults(sim::Platform& platform, const sim::DeviceDescription& device) {
  sim::FaultInjector* faults = injector(platform);
  if (!faults) return;
  if (device.link) faults->set_min_frame(device.link->min_frame);
  platform.nic().follow_rings_for_faults(device);
}

bool device_removed(sim::Platform& platform) {
  return platform.has_nic() && platform.nic().removed();
}

uint64_t rx_frames_lost_on_wire(sim::Platform& platform) {
  return platform.has_nic() ? platform.nic().link().frames_lost_on_wire() : 0;
}

FaultExcuses fault_excuses(sim::Platform& platform, uint64_t rx_missing, uint64_t tx_missing) {
  FaultExcuses excuses;
  const sim::FaultInjector* faults = injector(platform);
  if (!faults) return excuses;
  const auto excuse = [&](sim::FaultKind kind, uint64_t rx, uint64_t tx) {
    rx = std::min(rx, rx_missing - excuses.rx);
    tx = std::min(tx, tx_missing - excuses.tx);
    excuses.rx += rx;
    excuses.tx += tx;
    if (rx + tx) excuses.by_fault[std::string(sim::fault_info(kind).name)] += rx + tx;
  };
  // Frames a down link swallowed never reached the device nor the link partner.
  const sim::FaultCounts& flap = faults->counts(sim::FaultKind::kLinkFlap);
  excuse(sim::FaultKind::kLinkFlap, flap.rx_frames_lost, flap.tx_frames_lost);
  // A write-back reporting more than its buffer costs its frame: the driver must drop it.
  const sim::FaultCounts& length = faults->counts(sim::FaultKind::kWritebackCorruptLength);
  excuse(sim::FaultKind::kWritebackCorruptLength, length.rx_frames_lost, 0);
  // A removed device takes every frame it had not delivered with it, both ways.
  if (platform.nic().removed()) excuse(sim::FaultKind::kSurpriseRemoval, rx_missing, tx_missing);
  return excuses;
}

nlohmann::json fault_report(sim::Platform& platform,
                            const std::map<std::string, uint64_t>& device_errors) {
  nlohmann::json injected = nlohmann::json::array();
  if (const sim::FaultInjector* faults = injector(platform)) {
    for (const sim::Fault& fault : faults->plan().faults) {
      const sim::FaultCounts& counts = faults->counts(fault.kind);
      injected.push_back({{"fault", sim::fault_info(fault.kind).name},
                          {"text", fault.text},
                          {"injections", counts.injections},
                          {"rx_frames_lost", counts.rx_frames_lost},
                          {"tx_frames_lost", counts.tx_frames_lost}});
    }
  }
  nlohmann::json errors = nlohmann::json::object();
  for (const auto& [reason, count] : device_errors) errors[reason] = count;
  nlohmann::json report = {{"injected", injected}, {"device_errors", errors}};
  const sim::FaultInjector* faults = injector(platform);
  if (faults && !faults->plan().script.empty()) {
    const sim::ScriptCounts& done = faults->script_counts();
    report["script"] = {{"write_back_bytes", done.write_back_bytes},
                        {"reads", done.reads},
                        {"messages", done.messages}};
  }
  return report;
}

}  // namespace nicsim::cli
