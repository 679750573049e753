// The testbench's protocol side of sending: builds send NET_BUFFER_LISTs from NDIS pools the way
// an upper layer does, as real drivers meet them: several frames (NET_BUFFERs) per NBL, each
// frame over a chain of MDLs, starting at a data offset into the first. Seeded, so replayable.
#pragma once

#include <ndis.h>

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "testbench/cli/traffic.h"

namespace nicsim::cli {

class SendChains {
 public:
  static constexpr unsigned kMaxFramesPerNbl = 3;
  explicit SendChains(uint64_t seed) : rng_(seed) {}

  // Both run on a simulated CPU at PASSIVE_LEVEL.
  void open();
  void close();
  // Frames the next NBL should hold (1..kMaxFramesPerNbl).
  unsigned next_frame_count() { return 1 + static_cast<unsigned>(rng_() % kMaxFramesPerNbl); }
  // One NBL with one NET_BUFFER per frame; nullptr when NDIS refused an allocation.
  PNET_BUFFER_LIST build(std::span<const Frame* const> frames);
  // Frees the NBL and everything it holds. IRQL <= DISPATCH_LEVEL.
  void release(PNET_BUFFER_LIST nbl);

 private:
  PNET_BUFFER build_frame(const Frame& frame);
  std::mt19937_64 rng_;
  NDIS_HANDLE nbl_pool_ = nullptr;
  NDIS_HANDLE nb_pool_ = nullptr;
};

// The frames an NBL carries, read through each NET_BUFFER's MDL chain.
std::vector<Frame> frames_of(const NET_BUFFER_LIST* nbl);

}  // namespace nicsim::cli
