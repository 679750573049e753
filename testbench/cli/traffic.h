// Frames the testbench sends: Ethernet/IPv4/UDP headers varied over many flows (so the NIC's
// steering hash spreads them over the queues) and a payload carrying a unique sequence number.
#pragma once

#include <cstdint>
#include <vector>

namespace nicsim::cli {

using Frame = std::vector<uint8_t>;

// `count` frames of uniform size in [min_bytes, max_bytes]; direction tags the payload (0: link
// to NIC, 1: driver to link) so the two directions never collide. Same arguments, same frames.
std::vector<Frame> make_frames(uint64_t count, unsigned min_bytes, unsigned max_bytes,
                               uint64_t seed, uint8_t direction);

}  // namespace nicsim::cli
