// Reassembles AXI4-Lite register writes (address and data handshakes may come in either order)
// from the pins, so monitors can follow what the driver programmed.
#pragma once

#include <cstdint>
#include <optional>

#include "sim/device_ports.h"

namespace nicsim::sim {

struct RegisterWrite {
  uint16_t offset;  // of the 32-bit register (AWADDR with its byte-lane bits cleared)
  uint32_t value;   // WDATA: the bus word, meaningful only on the enabled lanes
  uint8_t strobe = 0xF;
  // The bits the write changes: WSTRB widened to bit lanes.
  uint32_t mask() const {
    uint32_t m = 0;
    for (unsigned lane = 0; lane < 4; ++lane)
      if (strobe & (1u << lane)) m |= 0xFFu << (8 * lane);
    return m;
  }
  // old with the written lanes replaced.
  uint32_t merge(uint32_t old) const { return (old & ~mask()) | (value & mask()); }
};

class RegisterWriteTracker {
 public:
  // The write completed by this cycle's handshakes, if any.
  std::optional<RegisterWrite> on_cycle(const DevicePorts& ports) {
    if (ports.rst) {
      address_.reset();
      data_.reset();
      return std::nullopt;
    }
    const AxiLitePorts& p = ports.regs;
    if (p.awvalid && p.awready) address_ = static_cast<uint16_t>(p.awaddr);
    if (p.wvalid && p.wready) {
      data_ = p.wdata;
      strobe_ = p.wstrb;
    }
    if (!address_ || !data_) return std::nullopt;
    RegisterWrite write{static_cast<uint16_t>(*address_ & ~3u), *data_, strobe_};
    address_.reset();
    data_.reset();
    return write;
  }

 private:
  std::optional<uint16_t> address_;
  std::optional<uint32_t> data_;
  uint8_t strobe_ = 0xF;
};

}  // namespace nicsim::sim
