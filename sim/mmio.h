// A CPU's view of the NIC's BAR0: register reads and writes of 1, 2 or 4 bytes that block the
// calling CPU thread until the AXI4-Lite transaction completes on the model's pins.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace nicsim::sim {

class MmioPort {
 public:
  virtual ~MmioPort() = default;
  virtual uint32_t read32(uint32_t offset) = 0;
  virtual void write32(uint32_t offset, uint32_t value) = 0;

  // One access of bytes (1, 2 or 4) at offset, naturally aligned (offset % bytes == 0): a single
  // bus transaction that enables only the accessed byte lanes of the 32-bit word. value and the
  // result are the access's own bits (zero-extended), not the lane-shifted bus word. A port that
  // has no byte enables (the default) supports only whole words.
  virtual uint32_t read(uint32_t offset, unsigned bytes) {
    if (bytes == 4) return read32(offset);
    throw std::logic_error("MmioPort: " + std::to_string(bytes) +
                           "-byte read not supported by this port");
  }
  virtual void write(uint32_t offset, unsigned bytes, uint32_t value) {
    if (bytes == 4) return write32(offset, value);
    throw std::logic_error("MmioPort: " + std::to_string(bytes) +
                           "-byte write not supported by this port");
  }

  // The byte lanes (WSTRB) of an access of bytes at offset within its 32-bit word.
  static constexpr uint8_t lanes(uint32_t offset, unsigned bytes) {
    return static_cast<uint8_t>(((1u << bytes) - 1u) << (offset % 4));
  }
  static constexpr bool valid_access(uint32_t offset, unsigned bytes) {
    return (bytes == 1 || bytes == 2 || bytes == 4) && offset % bytes == 0;
  }
};

}  // namespace nicsim::sim
