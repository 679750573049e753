// The one AXI4-Lite master: every bench that reaches a register slave's pins (the MMIO bridge, the
// bare benchmark loop, the RTL harness) queues reads and writes here and calls drive() and
// on_edge() once per clock edge. One transaction is on the pins at a time, in queue order: AW and
// W are offered together and may be accepted on different edges; BREADY / RREADY follow once the
// address (and data) are taken. Data is 32 bits with 4 strobes, the contract's register width
// (sim/DEVICE_CONTRACT.md); addresses are up to 64 bits.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>

#include "sim/device_ports.h"

namespace nicsim::sim {

// BRESP / RRESP values.
enum class AxiResp : uint8_t { kOkay = 0, kExOkay = 1, kSlvErr = 2, kDecErr = 3 };

struct AxiLiteCompletion {
  uint64_t id = 0;  // what read() / write() returned
  bool write = false;
  uint64_t address = 0;
  uint32_t data = 0;  // read: RDATA; write: the WDATA sent
  AxiResp resp = AxiResp::kOkay;

  bool ok() const { return resp == AxiResp::kOkay || resp == AxiResp::kExOkay; }
};

class AxiLiteMaster {
 public:
  // address_bits: the width of the slave's AWADDR / ARADDR (1..64); a request that does not fit
  // is refused with std::out_of_range before it reaches the pins.
  explicit AxiLiteMaster(unsigned address_bits = 64);

  // Queue a transaction; returns its id (ids count up from 1 in queue order).
  uint64_t write(uint64_t address, uint32_t data, uint8_t strobe = 0xF);
  uint64_t read(uint64_t address);

  // Back-pressure on responses: asked once in each cycle where BREADY or RREADY would be high;
  // false holds it low for that cycle. Unset: always ready.
  void set_response_ready(std::function<bool()> ready) { response_ready_ = std::move(ready); }

  // Sets the master's side of p (AW, W, BREADY, AR, RREADY) for the coming edge. Address and data
  // are zero while their valid is low, so an idle master drives constant inputs.
  void drive(AxiLitePorts& p);
  // Sets the master's side of p to idle without touching the queue (e.g. while the slave is held
  // in reset).
  static void drive_idle(AxiLitePorts& p);
  // Performs the handshakes of the edge (p as that edge sampled it). Returns the transaction it
  // completed (B or R handshake), if any.
  std::optional<AxiLiteCompletion> on_edge(const AxiLitePorts& p);

  bool idle() const { return queue_.empty(); }
  // Drops the transaction at the front without finishing it on the pins (its slave is gone);
  // false when nothing is queued.
  bool discard_front();
  size_t pending() const { return queue_.size(); }
  unsigned address_bits() const { return address_bits_; }

 private:
  struct Request {
    uint64_t id;
    bool write;
    uint64_t address;
    uint32_t data;
    uint8_t strobe;
    bool addr_done = false, data_done = false;
  };
  uint64_t push(Request request);

  unsigned address_bits_;
  uint64_t address_mask_;
  std::deque<Request> queue_;  // front is on the pins
  std::function<bool()> response_ready_;
  uint64_t next_id_ = 1;
};

}  // namespace nicsim::sim
