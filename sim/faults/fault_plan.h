// The faults a run injects at the device's pins from the platform side (--fault NAME[:PARAM]):
// what each one is, and the plan parsed from the flags. Nothing here names one design: every
// fault acts on the port contract (sim/DEVICE_CONTRACT.md) and the device description.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/faults/fault_script.h"

namespace nicsim::sim {

enum class FaultKind : uint8_t {
  kMsixDrop,
  kMsixDuplicate,
  kMsixDelay,
  kWritebackDelay,
  kWritebackCorruptLength,
  kWritebackBadIndex,
  kDmaReadError,
  kDmaWriteError,
  kLinkErrors,
  kLinkFlap,
  kIntxStuck,
  kSharedLineStorm,
  kSurpriseRemoval,
};

// What a fault's parameter is: none, a count of device clock cycles, a percentage of frames, or a
// simulated time ("100us").
enum class FaultParam : uint8_t { kNone, kCycles, kRate, kTime };

struct FaultInfo {
  FaultKind kind;
  std::string_view name;
  FaultParam param;
  std::string_view description;  // one line, for --list-faults
};

// Every fault, in --list-faults order.
const std::vector<FaultInfo>& fault_catalog();
const FaultInfo& fault_info(FaultKind kind);

struct Fault {
  FaultKind kind;
  // kCycles: cycles; kRate: parts per million of frames; kTime: nanoseconds; kNone: 0.
  uint64_t param = 0;
  std::string text;  // as given on the command line
};

struct FaultPlan {
  std::vector<Fault> faults;
  FaultScript script;  // exact edits besides the named faults (no flag: the device fuzzer's)
  const Fault* find(FaultKind kind) const;
  bool has(FaultKind kind) const { return find(kind) != nullptr; }
  bool empty() const { return faults.empty() && script.empty(); }
};

// Parses one NAME[:PARAM]. On bad input returns nullopt and sets error to a message naming the
// value ("--fault msix-delay:abc: CYCLES must be ...").
std::optional<Fault> parse_fault(std::string_view text, std::string& error);
// Parses every --fault value into a plan; a fault given twice is an error. "" on success.
std::string parse_fault_plan(const std::vector<std::string>& texts, FaultPlan& plan);

}  // namespace nicsim::sim
