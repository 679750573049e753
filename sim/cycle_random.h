// Randomness keyed by (seed, cycle, channel) instead of a stream: the same cycle draws the same
// value however many idle cycles were skipped before it, which keeps batching exact.
#pragma once

#include <cstdint>

namespace nicsim::sim {

inline uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// True with percent % chance for this (seed, cycle, channel).
inline bool cycle_chance(uint64_t seed, uint64_t cycle, unsigned channel, unsigned percent) {
  if (percent == 0) return false;
  const uint64_t h = splitmix64(seed ^ splitmix64(cycle * 16 + channel));
  return h % 100 < percent;
}

}  // namespace nicsim::sim
