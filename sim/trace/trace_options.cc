// The tracing options' parsing and checks (times, windows, wave file names): no SystemC and no
// Verilator, so the command line's parser links without the simulator (testbench/fuzz).
#include <cmath>
#include <stdexcept>

#include "sim/trace/trace_session.h"
#include "sim/trace/wave_tracer.h"

namespace nicsim::sim::trace {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

uint64_t parse_time_ps(std::string_view text) {
  static const std::pair<std::string_view, double> kUnits[] = {
      {"ps", 1.0}, {"ns", 1e3}, {"us", 1e6}, {"ms", 1e9}, {"s", 1e12}};
  const std::string original(text);
  double scale = 1e3;  // a bare number is ns
  for (const auto& [suffix, ps] : kUnits) {
    if (ends_with(text, suffix)) {
      text.remove_suffix(suffix.size());
      scale = ps;
      break;
    }
  }
  const std::string number(text);
  size_t used = 0;
  double value = -1;
  try {
    value = std::stod(number, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (number.empty() || used != number.size() || !(value >= 0) || !std::isfinite(value)) {
    throw std::invalid_argument("bad time '" + original +
                                "' (want a number with ps, ns, us, ms or s, e.g. 150us)");
  }
  return static_cast<uint64_t>(std::llround(value * scale));
}

std::pair<uint64_t, uint64_t> parse_window_ps(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    throw std::invalid_argument("bad window '" + std::string(text) +
                                "' (want START:END, e.g. 100us:150us)");
  }
  const std::string_view start = text.substr(0, colon), end = text.substr(colon + 1);
  const uint64_t start_ps = start.empty() ? 0 : parse_time_ps(start);
  const uint64_t end_ps = end.empty() ? std::numeric_limits<uint64_t>::max() : parse_time_ps(end);
  if (end_ps <= start_ps) {
    throw std::invalid_argument("bad window '" + std::string(text) + "' (END must be after START)");
  }
  return {start_ps, end_ps};
}

void validate_wave_path(const std::string& path) {
  if (!ends_with(path, ".fst") && !ends_with(path, ".vcd")) {
    throw std::invalid_argument("bad wave file '" + path +
                                "' (want a name ending in .fst or .vcd)");
  }
}

void validate(const TraceOptions& options) {
  if (!options.waves_path.empty()) validate_wave_path(options.waves_path);
  if (!options.waves_window.empty()) parse_window_ps(options.waves_window);
  if (options.waves_path.empty() &&
      (!options.waves_window.empty() || options.waves_on_violation_us > 0)) {
    throw std::invalid_argument("--waves-window and --waves-on-violation need --waves FILE");
  }
  if (!options.waves_window.empty() && options.waves_on_violation_us > 0) {
    throw std::invalid_argument("--waves-window and --waves-on-violation exclude each other");
  }
}

}  // namespace nicsim::sim::trace
