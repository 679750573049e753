// The AXI4 slave that answers the device's DMA master from HostMemory, one call per cycle inside
// the clock domain's loop, for any data width the contract allows (beats of the shape's width).
// Latency and seeded back-pressure come from MemoryConfig; randomness is keyed by cycle, so
// skipping idle cycles cannot change it. Writes into the message window are interrupt messages:
// this is the platform's one decoder of that window. They are not stored, but handed out through
// take_messages(), so the clock domain delivers each at its edge's delivery time.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "sim/device_ports.h"
#include "sim/host_memory.h"

namespace nicsim::sim {

class FaultInjector;

struct MsiMessage {
  uint64_t address;
  uint32_t data;
};

// Sees the host-memory accesses the slave serves (not interrupt messages, nor accesses refused
// outside a grant), at the edge each happens, in bus order.
class DmaObserver {
 public:
  virtual ~DmaObserver() = default;
  // A read burst accepted at cycle: its bytes from ARADDR to the end of its last beat, as host
  // memory held them then (what R returns later).
  virtual void on_dma_read(uint64_t cycle, uint64_t address, uint64_t bytes) = 0;
  // Bytes a write beat stored at cycle, one call per run of enabled lanes; burst numbers the
  // write bursts in AW order, so the beats of one burst can be told apart from the next.
  virtual void on_dma_write(uint64_t cycle, uint64_t address, uint64_t bytes, uint64_t burst) = 0;
};

class AxiMemorySlave {
 public:
  AxiMemorySlave(HostMemory& memory, const MemoryConfig& config, uint64_t seed, uint64_t msi_base,
                 uint64_t msi_size, const DeviceShape& shape);

  // Sets m_axi_*ready, R and B for cycle from the master's outputs already in ports.
  void drive(uint64_t cycle, DevicePorts& ports);
  // Performs the handshakes of the edge at cycle (ports as sampled by that edge).
  void on_edge(uint64_t cycle, const DevicePorts& ports);
  // No transaction accepted and unanswered.
  bool idle() const {
    return reads_.empty() && writes_.empty() && responses_.empty() && late_writes_.empty();
  }

  // Messages whose write completed since the last call (an edge can complete at most one).
  bool has_message() const { return !messages_.empty(); }
  std::vector<MsiMessage> take_messages();

  // Injects dma-read-error / dma-write-error responses; not owned, nullptr: none.
  void set_faults(FaultInjector* faults) { faults_ = faults; }

  // Observers are not owned; they stay registered for the whole run.
  void add_observer(DmaObserver* observer) { observers_.push_back(observer); }

  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t bytes_written() const { return bytes_written_; }

 private:
  struct ReadBurst {
    uint64_t ready_cycle;
    unsigned beats;
    std::vector<uint8_t> data;  // beats of the bus width, each on its byte lanes
    unsigned next = 0;
    uint8_t resp;
  };
  struct WriteBurst {
    uint64_t address;
    unsigned beats;
    unsigned size_bytes;
    unsigned done = 0;
    bool error = false;
    bool message = false;
    uint64_t id = 0;       // for observers
    uint8_t injected = 0;  // an error response a fault gives it (the data still lands)
  };
  // A beat a write-back fault holds back: stored at due, after its response went out.
  struct LateWrite {
    uint64_t due;
    uint64_t lane_base;
    std::vector<uint8_t> bytes;  // from its first enabled lane
    uint64_t strobes;
    uint64_t burst;
  };
  struct Response {
    uint64_t ready_cycle;
    uint8_t resp;
  };
  bool stalled(uint64_t cycle, unsigned channel) const;
  void accept_read(uint64_t cycle, const Axi4Ports& p);
  bool read_beat(uint64_t beat_address, uint64_t first_needed, std::span<uint8_t> out);
  void write_beat(uint64_t cycle, WriteBurst& burst, const WideWord& data, uint64_t strobes);
  void observe_write(uint64_t cycle, const WriteBurst& burst, uint64_t lane_base,
                     uint64_t strobes) const;
  void store_late_writes(uint64_t cycle);

  HostMemory& memory_;
  unsigned bus_bytes_;
  unsigned bus_bytes_log2_;
  MemoryConfig config_;
  uint64_t seed_;
  uint64_t msi_base_, msi_size_;
  std::deque<ReadBurst> reads_;
  std::deque<WriteBurst> writes_;  // front receives W beats
  std::deque<Response> responses_;
  std::deque<LateWrite> late_writes_;     // in due order (one delay for all)
  bool rvalid_ = false, bvalid_ = false;  // held until the handshake
  std::vector<MsiMessage> messages_;
  std::vector<DmaObserver*> observers_;
  FaultInjector* faults_ = nullptr;
  uint64_t write_bursts_ = 0;
  uint64_t bytes_read_ = 0, bytes_written_ = 0;
};

}  // namespace nicsim::sim
