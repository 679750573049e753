#include "testbench/cli/traffic.h"

#include <algorithm>
#include <random>

namespace nicsim::cli {

FrameStream::FrameStream(uint64_t count, unsigned min_bytes, unsigned max_bytes, uint64_t seed,
                         uint8_t direction)
    : count_(count),
      direction_(direction),
      rng_(seed * 0x9E3779B97F4A7C15ull + direction + 1),
      size_(min_bytes, std::max(min_bytes, max_bytes)) {}

Frame FrameStream::next() {
  const uint64_t seq = made_++;
  const uint8_t direction = direction_;
  auto& rng = rng_;
  auto& size = size_;
  Frame f(std::max(size(rng), 60u), 0);
  const unsigned flow = static_cast<unsigned>(rng() % 256);
  const uint8_t header[] = {0x02,
                            0x00,
                            0x00,
                            0x00,
                            0x00,
                            static_cast<uint8_t>(1 + direction),  // destination MAC
                            0x02,
                            0x00,
                            0x00,
                            0x00,
                            0x01,
                            static_cast<uint8_t>(flow),  // source MAC
                            0x08,
                            0x00,  // IPv4
                            0x45,
                            0x00,
                            0x00,
                            0x00,
                            0x00,
                            0x00,
                            0x00,
                            0x00,
                            0x40,
                            0x11,
                            0x00,
                            0x00,
                            10,
                            0,
                            static_cast<uint8_t>(flow >> 4),
                            static_cast<uint8_t>(flow),  // source IP
                            10,
                            1,
                            static_cast<uint8_t>(flow & 7),
                            1,  // destination IP
                            static_cast<uint8_t>(0x80 | (flow & 0x3F)),
                            static_cast<uint8_t>(flow * 7),  // UDP sport
                            0x12,
                            0x34};  // UDP dport
  std::copy(std::begin(header), std::end(header), f.begin());
  const uint16_t ip_length = static_cast<uint16_t>(f.size() - 14);
  f[16] = static_cast<uint8_t>(ip_length >> 8);
  f[17] = static_cast<uint8_t>(ip_length);
  size_t at = sizeof(header);
  const uint8_t tag[] = {'N', 'S', direction};
  for (uint8_t b : tag) {
    if (at < f.size()) f[at++] = b;
  }
  for (int i = 0; i < 8 && at < f.size(); ++i) f[at++] = static_cast<uint8_t>(seq >> (8 * i));
  while (at < f.size()) f[at++] = static_cast<uint8_t>(rng());
  return f;
}

std::vector<Frame> make_frames(uint64_t count, unsigned min_bytes, unsigned max_bytes,
                               uint64_t seed, uint8_t direction) {
  FrameStream stream(count, min_bytes, max_bytes, seed, direction);
  std::vector<Frame> frames;
  frames.reserve(count);
  while (!stream.done()) frames.push_back(stream.next());
  return frames;
}

}  // namespace nicsim::cli
