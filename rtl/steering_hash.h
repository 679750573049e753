// The reference NIC's receive steering hash (rtl/regs/nic_regs.json "steering"), for models and
// checkers.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>

namespace nicsim {

// h over the first 40 bytes as 64-bit little-endian beats (fewer if shorter; bytes past the frame
// are zero): h = 0x9E3779B9; per beat h = rotl32(h, 7) ^ beat[31:0] ^ beat[63:32].
inline uint32_t steering_hash(std::span<const uint8_t> frame) {
  uint32_t hash = 0x9E3779B9u;
  const size_t hashed = std::min<size_t>(frame.size(), 40);
  for (size_t beat = 0; beat * 8 < hashed; ++beat) {
    uint64_t word = 0;
    for (size_t byte = 0; byte < 8 && beat * 8 + byte < hashed; ++byte) {
      word |= uint64_t{frame[beat * 8 + byte]} << (8 * byte);
    }
    hash = ((hash << 7) | (hash >> 25)) ^ static_cast<uint32_t>(word) ^
           static_cast<uint32_t>(word >> 32);
  }
  return hash;
}

// The queue a frame with this hash lands in when RSS_QUEUES = rss_queues (a power of two).
inline unsigned steering_queue(uint32_t hash, unsigned rss_queues) {
  return (hash ^ (hash >> 16)) & (rss_queues - 1);
}

}  // namespace nicsim
