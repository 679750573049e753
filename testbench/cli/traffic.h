// Frames the testbench sends: Ethernet/IPv4/UDP headers varied over many flows (so the NIC's
// steering hash spreads them over the queues) and a payload carrying a unique sequence number.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

namespace nicsim::cli {

using Frame = std::vector<uint8_t>;

// The frames of make_frames one at a time, in the same order with the same bytes: a run of
// millions of frames holds only those in flight.
class FrameStream {
 public:
  FrameStream(uint64_t count, unsigned min_bytes, unsigned max_bytes, uint64_t seed,
              uint8_t direction);
  uint64_t count() const { return count_; }
  uint64_t made() const { return made_; }
  bool done() const { return made_ == count_; }
  Frame next();  // the next frame; call only while !done()

 private:
  uint64_t count_, made_ = 0;
  uint8_t direction_;
  std::mt19937_64 rng_;
  std::uniform_int_distribution<unsigned> size_;
};

// `count` frames of uniform size in [min_bytes, max_bytes]; direction tags the payload (0: link
// to NIC, 1: driver to link) so the two directions never collide. Same arguments, same frames.
std::vector<Frame> make_frames(uint64_t count, unsigned min_bytes, unsigned max_bytes,
                               uint64_t seed, uint8_t direction);

}  // namespace nicsim::cli
