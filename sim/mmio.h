// A CPU's view of the NIC's BAR0: 32-bit register reads and writes that block the calling CPU
// thread until the AXI4-Lite transaction completes on the model's pins.
#pragma once

#include <cstdint>

namespace nicsim::sim {

class MmioPort {
 public:
  virtual ~MmioPort() = default;
  virtual uint32_t read32(uint32_t offset) = 0;
  virtual void write32(uint32_t offset, uint32_t value) = 0;
};

}  // namespace nicsim::sim
