// A bus data word of up to 512 bits (the widest data the device contract allows), little-endian:
// byte i holds bits [8i, 8i + 8). Words past the width a port uses stay zero, so equality and
// hashing over the whole array agree with the port's value.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <span>

namespace nicsim::sim {

// Byte i of the storage is byte i of the value, as in Verilator's VlWide words: copies are memcpy.
static_assert(std::endian::native == std::endian::little, "nicsim assumes a little-endian host");

class WideWord {
 public:
  static constexpr unsigned kMaxBytes = 64;
  static constexpr unsigned kWords = kMaxBytes / 8;

  WideWord() = default;
  // A word whose low 64 bits are value.
  static WideWord of(uint64_t value) {
    WideWord w;
    w.words_[0] = value;
    return w;
  }

  uint8_t byte(unsigned i) const { return static_cast<uint8_t>(words_[i / 8] >> (8 * (i % 8))); }
  void set_byte(unsigned i, uint8_t value) {
    uint64_t& word = words_[i / 8];
    const unsigned shift = 8 * (i % 8);
    word = (word & ~(uint64_t{0xFF} << shift)) | uint64_t{value} << shift;
  }
  // The 32-bit lane that holds bytes [4 lane, 4 lane + 4).
  uint32_t lane32(unsigned lane) const {
    return static_cast<uint32_t>(words_[lane / 2] >> (32 * (lane % 2)));
  }
  uint64_t word(unsigned i) const { return words_[i]; }
  void set_word(unsigned i, uint64_t value) { words_[i] = value; }

  // Bytes [at, at + bytes.size()) from bytes; the others keep their value.
  void set_bytes(unsigned at, std::span<const uint8_t> bytes) {
    std::memcpy(reinterpret_cast<uint8_t*>(words_.data()) + at, bytes.data(), bytes.size());
  }
  // Copies bytes [at, at + out.size()) into out.
  void get_bytes(unsigned at, std::span<uint8_t> out) const {
    std::memcpy(out.data(), reinterpret_cast<const uint8_t*>(words_.data()) + at, out.size());
  }
  // Zeroes the first `bytes` bytes (a port's width): cheaper than clearing all 64, and for a
  // port of 64 bits or less a single store rather than a memset call (it runs every edge).
  void clear(unsigned bytes = kMaxBytes) {
    words_[0] = 0;
    if (bytes > 8) std::fill_n(words_.begin() + 1, (std::min(bytes, kMaxBytes) - 1) / 8, 0);
  }
  bool is_zero() const {
    return std::all_of(words_.begin(), words_.end(), [](uint64_t w) { return w == 0; });
  }

  // Raw little-endian storage, for copying whole 32-bit or 64-bit words to and from a model.
  uint64_t* data() { return words_.data(); }
  const uint64_t* data() const { return words_.data(); }

  bool operator==(const WideWord&) const = default;

 private:
  std::array<uint64_t, kWords> words_{};
};

// All-ones mask of the low `bytes` bits (a full strobe or keep of a `bytes`-byte beat).
constexpr uint64_t byte_mask(unsigned bytes) {
  return bytes >= 64 ? ~uint64_t{0} : (uint64_t{1} << bytes) - 1;
}

}  // namespace nicsim::sim
