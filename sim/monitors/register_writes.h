// Reassembles AXI4-Lite register writes (address and data handshakes may come in either order)
// from the pins, so monitors can follow what the driver programmed.
#pragma once

#include <cstdint>
#include <optional>

#include "sim/port_snapshot.h"

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
  std::optional<RegisterWrite> on_cycle(const PortSnapshot& p) {
    if (p.rst) {
      address_.reset();
      data_.reset();
      return std::nullopt;
    }
    if (p.s_axil_awvalid && p.s_axil_awready) address_ = p.s_axil_awaddr;
    if (p.s_axil_wvalid && p.s_axil_wready) {
      data_ = p.s_axil_wdata;
      strobe_ = p.s_axil_wstrb;
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
