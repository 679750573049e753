// Reassembles AXI4-Lite register writes (address and data handshakes may come in either order)
// from the pins, so monitors can follow what the driver programmed.
#pragma once

#include <cstdint>
#include <optional>

#include "sim/port_snapshot.h"

namespace nicsim::sim {

struct RegisterWrite {
  uint16_t offset;
  uint32_t value;
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
    if (p.s_axil_wvalid && p.s_axil_wready) data_ = p.s_axil_wdata;
    if (!address_ || !data_) return std::nullopt;
    RegisterWrite write{*address_, *data_};
    address_.reset();
    data_.reset();
    return write;
  }

 private:
  std::optional<uint16_t> address_;
  std::optional<uint32_t> data_;
};

}  // namespace nicsim::sim
