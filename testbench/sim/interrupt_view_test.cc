// InterruptView read through a device description other than the reference NIC's: the example
// NIC's (one MSI message, byte-sized rings, no throttle, no line-mode field). Driven at the pins
// directly, so it shows the view knows no design but the one its description names.
#include "sim/monitors/interrupt_view.h"

#include <gtest/gtest.h>

#include "sim/interrupt_controller.h"

namespace nicsim::sim {
namespace {

class SimpleNicView : public ::testing::Test {
 protected:
  // One cycle with an AXI4-Lite write of value to offset (both handshakes at once).
  void write_register(uint32_t offset, uint32_t value) {
    DevicePorts p;
    p.regs.awaddr = offset;
    p.regs.awvalid = p.regs.awready = true;
    p.regs.wdata = value;
    p.regs.wstrb = 0xF;
    p.regs.wvalid = p.regs.wready = true;
    view_.on_cycle(cycle_++, p);
  }
  // A one-beat DMA write of 16 bytes (128-bit bus) at address with data in its lanes; the B
  // response follows a cycle later.
  void dma_write(uint64_t address, uint64_t strobe, uint32_t lane_data = 0) {
    DevicePorts p;
    p.dma.awaddr = address;
    p.dma.awsize = 4;
    p.dma.awvalid = p.dma.awready = true;
    for (unsigned lane = 0; lane < 4; ++lane) {
      for (unsigned b = 0; b < 4; ++b) {
        p.dma.wdata.set_byte(4 * lane + b, static_cast<uint8_t>(lane_data >> (8 * b)));
      }
    }
    p.dma.wstrb = strobe;
    p.dma.wvalid = p.dma.wready = p.dma.wlast = true;
    view_.on_cycle(cycle_++, p);
    last_messages_ = view_.messages();
    DevicePorts b;
    b.dma.bvalid = b.dma.bready = true;
    view_.on_cycle(cycle_++, b);
  }

  const DeviceDescription device_ = DeviceDescription::load(SIMPLE_NIC_DEVICE_JSON);
  InterruptView view_{device_};
  uint64_t cycle_ = 0;
  std::vector<MsiEvent> last_messages_;
};

TEST_F(SimpleNicView, RxRingWriteBackSetsItsCauseOnTheBResponse) {
  const RingCause& rx = device_.rings[1];
  write_register(rx.base_lo, 0x10000);
  write_register(rx.base_hi, 0);
  write_register(rx.size, 8 * rx.descriptor_bytes);  // bytes, not entries
  dma_write(0x20000, 0xFFFF);                        // a frame buffer, outside the ring
  EXPECT_EQ(view_.causes(), 0u);
  dma_write(0x10000 + 7 * rx.descriptor_bytes, 0xFF00);  // the last descriptor's write-back
  EXPECT_EQ(view_.causes(), rx.cause_mask);
  dma_write(0x10000 + 8 * rx.descriptor_bytes, 0xFFFF);  // just past the ring
  write_register(device_.cause, rx.cause_mask);          // write 1 to clear
  EXPECT_EQ(view_.causes(), 0u);
}

TEST_F(SimpleNicView, MsiMessageMapsToItsVectorOnlyOnceEnabled) {
  const MessageEntry& msi = device_.messages[0];
  const uint64_t address = InterruptController::msi_address(1);
  EXPECT_TRUE(view_.intx_mode());  // MSI not enabled: the device signals on intx
  EXPECT_TRUE(view_.vector_masked(0));
  write_register(msi.address_lo, static_cast<uint32_t>(address));
  write_register(msi.address_hi, 0);
  write_register(msi.data, 0x41);
  write_register(device_.msi_enable->offset, device_.msi_enable->mask);
  EXPECT_FALSE(view_.intx_mode());
  EXPECT_FALSE(view_.vector_masked(0));
  write_register(device_.mask_set, device_.vector_causes[0]);
  EXPECT_EQ(view_.enabled(), device_.vector_causes[0]);

  // The 32-bit message in the third lane of a 128-bit beat.
  dma_write(address + 8, 0x0F00, 0x41);
  ASSERT_EQ(last_messages_.size(), 1u);
  EXPECT_EQ(last_messages_[0].address, address + 8);
  EXPECT_EQ(last_messages_[0].vector, -1);  // not the programmed address
  dma_write(address, 0x000F, 0x41);
  ASSERT_EQ(last_messages_.size(), 1u);
  EXPECT_EQ(last_messages_[0].vector, 0);
  EXPECT_EQ(view_.itr(0), 0u);  // no throttle declared
}

}  // namespace
}  // namespace nicsim::sim
