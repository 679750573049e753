// MmioPort over the device's AXI4-Lite pins: a CPU thread's register access is queued on the
// AxiLiteMaster, driven edge by edge by the clock domain, and the thread waits until the response
// has been delivered. BAR0 spans what the device's register address can reach (DeviceShape).
#pragma once

#include <cstdint>
#include <deque>
#include <systemc>

#include "sim/axi_lite_master.h"
#include "sim/device_ports.h"
#include "sim/mmio.h"

namespace nicsim::sim {

class FaultInjector;

class MmioBridge : public MmioPort {
 public:
  explicit MmioBridge(const DeviceShape& shape);

  // Block the calling SystemC thread until the transaction completes. An access of 1 or 2 bytes
  // drives AWADDR/ARADDR with its own byte address, WDATA with the value on its byte lanes and
  // WSTRB with just those lanes; a read takes its lanes from RDATA.
  uint32_t read32(uint32_t offset) override { return read(offset, 4); }
  void write32(uint32_t offset, uint32_t value) override { write(offset, 4, value); }
  uint32_t read(uint32_t offset, unsigned bytes) override;
  void write(uint32_t offset, unsigned bytes, uint32_t value) override;

  // BAR0's size: 2^(register address bits), at most the 4 GiB a 32-bit offset reaches.
  uint64_t bar_bytes() const { return bar_bytes_; }

  // Notified when a request is queued (wakes an idle clock domain).
  const sc_core::sc_event& request_event() const { return request_event_; }
  bool idle() const { return master_.idle(); }

  // --- per-cycle interface used by the clock domain ---
  void drive(DevicePorts& ports) { master_.drive(ports.regs); }
  void on_edge(const DevicePorts& ports);
  // True when the edge just performed completed a transaction (its waiter must be released).
  bool completed() const { return completed_ != nullptr; }
  // Releases the waiter of the completed transaction (call at the delivery time).
  void deliver();
  // The device is gone (a surprise removal): completes the front transaction without the pins, a
  // read with all-ones, as a PCIe root port answers a request nobody claims. True when it did.
  bool answer_removed();

  uint64_t transactions() const { return transactions_; }

  // Lets the fault layer change what register reads return (a scripted device); not owned.
  void set_faults(FaultInjector* faults) { faults_ = faults; }

 private:
  struct Waiter {
    uint32_t result = 0;
    bool done = false;
    sc_core::sc_event finished;
  };
  uint32_t wait_for(Waiter& waiter);
  void check_access(const char* what, uint32_t offset, unsigned bytes) const;

  AxiLiteMaster master_;
  uint64_t bar_bytes_;
  std::deque<Waiter*> waiters_;  // one per queued transaction, in the master's order
  Waiter* completed_ = nullptr;
  sc_core::sc_event request_event_;
  uint64_t transactions_ = 0;
  FaultInjector* faults_ = nullptr;
};

}  // namespace nicsim::sim
