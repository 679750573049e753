// Test-side ring set-up on top of NicHarness: what a driver does, in the fewest lines.
#pragma once

#include <cstdint>
#include <vector>

#include "sim/interrupt_controller.h"
#include "testbench/rtl/nic_harness.h"

namespace nicsim::rtltest {

inline constexpr uint64_t kTxRingBase = 0x10000000;
inline constexpr uint64_t kRxRingBase = 0x20000000;
inline constexpr uint64_t kTxBufBase = 0x30000000;
inline constexpr uint64_t kRxBufBase = 0x40000000;
inline constexpr uint64_t kMsixAddr = sim::InterruptController::kMsiBase;
inline constexpr uint64_t kRingStride = 0x100000;  // per queue
inline constexpr uint32_t kRingSize = 64;

inline uint64_t tx_desc(unsigned q, unsigned i) { return kTxRingBase + q * kRingStride + 16 * i; }
inline uint64_t rx_desc(unsigned q, unsigned i) { return kRxRingBase + q * kRingStride + 16 * i; }
inline uint64_t tx_buf(unsigned q, unsigned i) { return kTxBufBase + q * kRingStride + 2048 * i; }
inline uint64_t rx_buf(unsigned q, unsigned i) { return kRxBufBase + q * kRingStride + 2048 * i; }

template <class Model>
void setup_rings(NicHarness<Model>& h, unsigned queues, uint32_t ctrl) {
  using namespace nic_regs;
  for (unsigned q = 0; q < queues; ++q) {
    h.write32(TX_BASE_LO(q), uint32_t(tx_desc(q, 0)));
    h.write32(TX_BASE_HI(q), uint32_t(tx_desc(q, 0) >> 32));
    h.write32(TX_SIZE(q), kRingSize);
    h.write32(RX_BASE_LO(q), uint32_t(rx_desc(q, 0)));
    h.write32(RX_BASE_HI(q), uint32_t(rx_desc(q, 0) >> 32));
    h.write32(RX_SIZE(q), kRingSize);
    for (unsigned i = 0; i < kRingSize; ++i) {
      h.memory().write64(rx_desc(q, i), rx_buf(q, i));
      h.memory().write64(rx_desc(q, i) + 8, 0);
    }
  }
  h.write32(CTRL, ctrl);
}

// Puts frame into TX descriptor index of queue q (not yet made ready by TX_TAIL).
template <class Model>
void put_tx(NicHarness<Model>& h, unsigned q, unsigned index, const std::vector<uint8_t>& frame,
            uint16_t len_field) {
  h.memory().write(tx_buf(q, index), frame);
  h.memory().write64(tx_desc(q, index), tx_buf(q, index));
  h.memory().write64(tx_desc(q, index) + 8, len_field);
}

inline std::vector<uint8_t> make_frame(size_t len, uint32_t seed) {
  std::vector<uint8_t> f(len);
  uint32_t x = seed * 2654435761u + 1;
  for (auto& b : f) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    b = uint8_t(x);
  }
  return f;
}

}  // namespace nicsim::rtltest
