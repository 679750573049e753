#include "sim/faults/fault_plan.h"

#include <cctype>
#include <charconv>
#include <stdexcept>

namespace nicsim::sim {
namespace {

// Digits only, no sign, no overflow.
std::optional<uint64_t> whole_number(std::string_view text) {
  if (text.empty()) return std::nullopt;
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// "2", "0.5", "12.25": a percentage in (0, 100] as parts per million.
std::optional<uint64_t> rate_ppm(std::string_view text) {
  const size_t dot = text.find('.');
  const auto whole = whole_number(text.substr(0, dot));
  if (!whole || *whole > 100) return std::nullopt;
  uint64_t ppm = *whole * 10'000;
  if (dot != std::string_view::npos) {
    const std::string_view fraction = text.substr(dot + 1);
    if (fraction.empty() || fraction.size() > 4 || !whole_number(fraction)) return std::nullopt;
    uint64_t scaled = *whole_number(fraction);
    for (size_t i = fraction.size(); i < 4; ++i) scaled *= 10;
    ppm += scaled;
  }
  if (ppm == 0 || ppm > 1'000'000) return std::nullopt;
  return ppm;
}

// "100us", "2ms", "1s", "5000ns" or bare nanoseconds; positive, at most 1000 s.
std::optional<uint64_t> time_ns(std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  const auto value = whole_number(text.substr(0, digits));
  if (!value || *value == 0) return std::nullopt;
  const std::string_view unit = text.substr(digits);
  uint64_t scale = 0;
  if (unit.empty() || unit == "ns") scale = 1;
  if (unit == "us") scale = 1'000;
  if (unit == "ms") scale = 1'000'000;
  if (unit == "s") scale = 1'000'000'000;
  constexpr uint64_t kMaxNs = 1'000'000'000'000;
  if (scale == 0 || *value > kMaxNs / scale) return std::nullopt;
  return *value * scale;
}

std::string_view param_name(FaultParam param) {
  switch (param) {
    case FaultParam::kCycles:
      return "CYCLES";
    case FaultParam::kRate:
      return "RATE";
    case FaultParam::kTime:
      return "TIME";
    case FaultParam::kNone:
      break;
  }
  return "";
}

std::string_view param_rule(FaultParam param) {
  switch (param) {
    case FaultParam::kCycles:
      return "a whole number of device clock cycles, 1..100000000";
    case FaultParam::kRate:
      return "a percentage of frames in (0, 100], e.g. 5 or 0.5";
    case FaultParam::kTime:
      return "a positive simulated time like 200us, 1ms or 50000ns";
    case FaultParam::kNone:
      break;
  }
  return "";
}

}  // namespace

const std::vector<FaultInfo>& fault_catalog() {
  using K = FaultKind;
  using P = FaultParam;
  static const std::vector<FaultInfo> catalog = {
      {K::kMsixDrop, "msix-drop", P::kNone, "loses 1 in 8 interrupt messages the device writes"},
      {K::kMsixDuplicate, "msix-duplicate", P::kNone,
       "delivers 1 in 4 interrupt messages twice, the copy 1..64 cycles later"},
      {K::kMsixDelay, "msix-delay", P::kCycles,
       "delivers every interrupt message CYCLES device cycles late, in order"},
      {K::kWritebackDelay, "writeback-delay", P::kCycles,
       "descriptor write-backs land CYCLES cycles after the device was told they did"},
      {K::kWritebackCorruptLength, "writeback-corrupt-length", P::kNone,
       "1 in 16 receive write-backs report a length past the posted buffer: the frame is lost"},
      {K::kWritebackBadIndex, "writeback-bad-index", P::kNone,
       "1 in 16 descriptor write-backs land in another slot of their ring"},
      {K::kDmaReadError, "dma-read-error", P::kNone,
       "1 in 32 DMA read bursts answer SLVERR or DECERR (the data is still memory's)"},
      {K::kDmaWriteError, "dma-write-error", P::kNone,
       "1 in 32 DMA write bursts answer SLVERR or DECERR (the data still lands)"},
      {K::kLinkErrors, "link-errors", P::kRate,
       "RATE% of received frames arrive damaged: half tuser-flagged, half truncated"},
      {K::kLinkFlap, "link-flap", P::kNone,
       "the link is down for 20000 cycles once, soon after traffic starts: frames on it are lost"},
      {K::kIntxStuck, "intx-stuck", P::kNone,
       "the device's INTx line sticks asserted for 20000 cycles once, soon after traffic starts"},
      {K::kSharedLineStorm, "shared-line-storm", P::kNone,
       "another device holds the shared INTx line asserted for 20000 cycles; nobody clears it"},
      {K::kSurpriseRemoval, "surprise-removal", P::kTime,
       "the device is gone from TIME on: reads return all-ones, no DMA, no interrupts"},
  };
  return catalog;
}

const FaultInfo& fault_info(FaultKind kind) {
  for (const FaultInfo& info : fault_catalog()) {
    if (info.kind == kind) return info;
  }
  throw std::logic_error("fault_info: a FaultKind missing from the catalog");
}

const Fault* FaultPlan::find(FaultKind kind) const {
  for (const Fault& fault : faults) {
    if (fault.kind == kind) return &fault;
  }
  return nullptr;
}

std::optional<Fault> parse_fault(std::string_view text, std::string& error) {
  const std::string shown = "--fault " + std::string(text);
  const size_t colon = text.find(':');
  const std::string_view name = text.substr(0, colon);
  const FaultInfo* info = nullptr;
  for (const FaultInfo& candidate : fault_catalog()) {
    if (candidate.name == name) info = &candidate;
  }
  if (!info) {
    error = shown + ": unknown fault \"" + std::string(name) + "\" (see --list-faults)";
    return std::nullopt;
  }
  Fault fault{info->kind, 0, std::string(text)};
  if (info->param == FaultParam::kNone) {
    if (colon != std::string_view::npos) {
      error = shown + ": " + std::string(name) + " takes no parameter";
      return std::nullopt;
    }
    return fault;
  }
  const std::string usage = std::string(name) + ":" + std::string(param_name(info->param));
  if (colon == std::string_view::npos) {
    error =
        shown + ": needs a parameter, " + usage + " (" + std::string(param_rule(info->param)) + ")";
    return std::nullopt;
  }
  const std::string_view value = text.substr(colon + 1);
  std::optional<uint64_t> parsed;
  switch (info->param) {
    case FaultParam::kCycles:
      parsed = whole_number(value);
      if (parsed && (*parsed == 0 || *parsed > 100'000'000)) parsed.reset();
      break;
    case FaultParam::kRate:
      parsed = rate_ppm(value);
      break;
    case FaultParam::kTime:
      parsed = time_ns(value);
      break;
    case FaultParam::kNone:
      break;
  }
  if (!parsed) {
    error = shown + ": " + std::string(param_name(info->param)) + " \"" + std::string(value) +
            "\" is not " + std::string(param_rule(info->param));
    return std::nullopt;
  }
  fault.param = *parsed;
  return fault;
}

std::string parse_fault_plan(const std::vector<std::string>& texts, FaultPlan& plan) {
  for (const std::string& text : texts) {
    std::string error;
    auto fault = parse_fault(text, error);
    if (!fault) return error;
    if (const Fault* earlier = plan.find(fault->kind)) {
      return "--fault " + text + ": " + std::string(fault_info(fault->kind).name) +
             " is already given (--fault " + earlier->text + ")";
    }
    plan.faults.push_back(std::move(*fault));
  }
  return "";
}

}  // namespace nicsim::sim
