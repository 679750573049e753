// MmioPort over the device's AXI4-Lite pins: a CPU thread's register access is queued, driven cycle
// by cycle by the clock domain, and the thread waits until the response has been delivered.
#pragma once

#include <cstdint>
#include <deque>
#include <systemc>

#include "sim/device_ports.h"
#include "sim/mmio.h"

namespace nicsim::sim {

class MmioBridge : public MmioPort {
 public:
  // Block the calling SystemC thread until the transaction completes. An access of 1 or 2 bytes
  // drives AWADDR/ARADDR with its own byte address, WDATA with the value on its byte lanes and
  // WSTRB with just those lanes; a read takes its lanes from RDATA.
  uint32_t read32(uint32_t offset) override { return read(offset, 4); }
  void write32(uint32_t offset, uint32_t value) override { write(offset, 4, value); }
  uint32_t read(uint32_t offset, unsigned bytes) override;
  void write(uint32_t offset, unsigned bytes, uint32_t value) override;

  // Notified when a request is queued (wakes an idle clock domain).
  const sc_core::sc_event& request_event() const { return request_event_; }
  bool idle() const { return queue_.empty(); }

  // --- per-cycle interface used by the clock domain ---
  void drive(DevicePorts& ports);
  void on_edge(const DevicePorts& ports);
  // True when the edge just performed completed a transaction (its waiter must be released).
  bool completed() const { return completed_ != nullptr; }
  // Releases the waiter of the completed transaction (call at the delivery time).
  void deliver();

  uint64_t transactions() const { return transactions_; }

 private:
  struct Request {
    bool write = false;
    uint16_t offset = 0;
    uint32_t value = 0;  // the bus word (data on its lanes)
    uint8_t strobe = 0xF;
    uint32_t result = 0;
    bool addr_done = false, data_done = false, done = false;
    sc_core::sc_event finished;
  };
  uint32_t transact(Request& request);

  std::deque<Request*> queue_;  // front is on the pins
  Request* completed_ = nullptr;
  sc_core::sc_event request_event_;
  uint64_t transactions_ = 0;
};

}  // namespace nicsim::sim
