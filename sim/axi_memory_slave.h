// The AXI4 slave that answers the NIC's DMA master from HostMemory, one call per cycle inside the
// clock domain's loop. Latency and seeded back-pressure come from MemoryConfig; randomness is
// keyed by cycle, so skipping idle cycles cannot change it. Writes into the MSI-X window are
// interrupt messages: they are not stored, but handed out through take_messages().
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "sim/host_memory.h"
#include "sim/port_snapshot.h"

namespace nicsim::sim {

struct MsiMessage {
  uint64_t address;
  uint32_t data;
};

class AxiMemorySlave {
 public:
  AxiMemorySlave(HostMemory& memory, const MemoryConfig& config, uint64_t seed, uint64_t msi_base,
                 uint64_t msi_size);

  // Sets m_axi_*ready, R and B for cycle from the master's outputs already in ports.
  void drive(uint64_t cycle, PortSnapshot& ports);
  // Performs the handshakes of the edge at cycle (ports as sampled by that edge).
  void on_edge(uint64_t cycle, const PortSnapshot& ports);
  // No transaction accepted and unanswered.
  bool idle() const { return reads_.empty() && writes_.empty() && responses_.empty(); }

  // Messages whose write completed since the last call (an edge can complete at most one).
  bool has_message() const { return !messages_.empty(); }
  std::vector<MsiMessage> take_messages();

  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  struct ReadBurst {
    uint64_t ready_cycle;
    std::vector<uint64_t> beats;
    size_t next = 0;
    uint8_t resp;
  };
  struct WriteBurst {
    uint64_t address;
    unsigned beats;
    unsigned size_bytes;
    unsigned done = 0;
    bool error = false;
    bool message = false;
  };
  struct Response {
    uint64_t ready_cycle;
    uint8_t resp;
  };
  bool stalled(uint64_t cycle, unsigned channel) const;
  bool read_beat(uint64_t beat_address, uint64_t first_needed, std::span<uint8_t> out);
  void write_beat(WriteBurst& burst, uint64_t data, uint8_t strobes);

  HostMemory& memory_;
  MemoryConfig config_;
  uint64_t seed_;
  uint64_t msi_base_, msi_size_;
  std::deque<ReadBurst> reads_;
  std::deque<WriteBurst> writes_;  // front receives W beats
  std::deque<Response> responses_;
  bool rvalid_ = false, bvalid_ = false;  // held until the handshake
  std::vector<MsiMessage> messages_;
  uint64_t bytes_read_ = 0, bytes_written_ = 0;
};

}  // namespace nicsim::sim
