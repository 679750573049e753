// MmioPort over the NIC's AXI4-Lite pins: a CPU thread's register access is queued, driven cycle
// by cycle by the clock domain, and the thread waits until the response has been delivered.
#pragma once

#include <cstdint>
#include <deque>
#include <systemc>

#include "sim/mmio.h"
#include "sim/port_snapshot.h"

namespace nicsim::sim {

class MmioBridge : public MmioPort {
 public:
  // Blocks the calling SystemC thread until the transaction completes.
  uint32_t read32(uint32_t offset) override;
  void write32(uint32_t offset, uint32_t value) override;

  // Notified when a request is queued (wakes an idle clock domain).
  const sc_core::sc_event& request_event() const { return request_event_; }
  bool idle() const { return queue_.empty(); }

  // --- per-cycle interface used by the clock domain ---
  void drive(PortSnapshot& ports);
  void on_edge(const PortSnapshot& ports);
  // True when the edge just performed completed a transaction (its waiter must be released).
  bool completed() const { return completed_ != nullptr; }
  // Releases the waiter of the completed transaction (call at the delivery time).
  void deliver();

  uint64_t transactions() const { return transactions_; }

 private:
  struct Request {
    bool write = false;
    uint16_t offset = 0;
    uint32_t value = 0;
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
