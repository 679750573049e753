#include "sim/clock_timing.h"

#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

namespace nicsim::sim {

ClockTiming clock_timing(double clock_mhz) {
  if (!(clock_mhz > 0.0) || clock_mhz > 1000.0) {
    throw std::invalid_argument("NIC clock must be in (0, 1000] MHz, got " +
                                std::to_string(clock_mhz));
  }
  constexpr uint64_t kPsPerNs = 1000;
  // An even period in ps, so a phase of half a gcd step keeps every edge off whole ns.
  uint64_t period = static_cast<uint64_t>(std::llround(1e6 / clock_mhz));
  period += period % 2;
  const uint64_t step = std::gcd(period, kPsPerNs);
  return {period, period / 2 / step * step + step / 2};
}

}  // namespace nicsim::sim
