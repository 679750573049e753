#include "sim/axi_memory_slave.h"

#include <algorithm>
#include <bit>

#include "sim/cycle_random.h"
#include "sim/faults/fault_injector.h"

namespace nicsim::sim {
namespace {

constexpr uint8_t kOkay = 0;
constexpr uint8_t kSlvErr = 2;
constexpr unsigned kMaxReads = 8;
constexpr unsigned kMaxWrites = 4;
enum Channel : unsigned { kAr, kAw, kW, kR, kB };

}  // namespace

AxiMemorySlave::AxiMemorySlave(HostMemory& memory, const MemoryConfig& config, uint64_t seed,
                               uint64_t msi_base, uint64_t msi_size, const DeviceShape& shape)
    : memory_(memory),
      bus_bytes_(shape.dma_data_bytes()),
      bus_bytes_log2_(static_cast<unsigned>(std::countr_zero(shape.dma_data_bytes()))),
      config_(config),
      seed_(seed),
      msi_base_(msi_base),
      msi_size_(msi_size) {}

bool AxiMemorySlave::stalled(uint64_t cycle, unsigned channel) const {
  return cycle_chance(seed_, cycle, channel, config_.backpressure_percent);
}

void AxiMemorySlave::drive(uint64_t cycle, DevicePorts& ports) {
  Axi4Ports& p = ports.dma;
  // Ready only while the master offers something, so an idle bus drives constant inputs.
  p.arready = p.arvalid && reads_.size() < kMaxReads && !stalled(cycle, kAr);
  p.awready = p.awvalid && writes_.size() < kMaxWrites && !stalled(cycle, kAw);
  p.wready = p.wvalid && !writes_.empty() && !stalled(cycle, kW);

  if (!rvalid_ && !reads_.empty() && reads_.front().ready_cycle <= cycle && !stalled(cycle, kR)) {
    rvalid_ = true;
  }
  p.rvalid = rvalid_;
  if (rvalid_) {
    const ReadBurst& r = reads_.front();
    p.rdata.set_bytes(0, std::span(r.data).subspan(size_t{r.next} * bus_bytes_, bus_bytes_));
    p.rlast = r.next + 1 == r.beats;
    p.rresp = r.resp;
  } else {
    p.rdata.clear(bus_bytes_);
    p.rlast = false;
    p.rresp = 0;
  }

  if (!bvalid_ && !responses_.empty() && responses_.front().ready_cycle <= cycle &&
      !stalled(cycle, kB)) {
    bvalid_ = true;
  }
  p.bvalid = bvalid_;
  p.bresp = bvalid_ ? responses_.front().resp : 0;
}

void AxiMemorySlave::on_edge(uint64_t cycle, const DevicePorts& ports) {
  const Axi4Ports& p = ports.dma;
  if (!late_writes_.empty()) store_late_writes(cycle);
  if (p.arvalid && p.arready) accept_read(cycle, p);
  if (p.rvalid && p.rready) {
    rvalid_ = false;
    if (++reads_.front().next == reads_.front().beats) reads_.pop_front();
  }
  if (p.awvalid && p.awready) {
    const bool message = p.awaddr >= msi_base_ && p.awaddr - msi_base_ < msi_size_;
    writes_.push_back(WriteBurst{p.awaddr, p.awlen + 1u,
                                 1u << std::min<unsigned>(p.awsize, bus_bytes_log2_), 0, false,
                                 message, write_bursts_++});
    if (faults_ && !message) writes_.back().injected = faults_->dma_write_response(cycle);
  }
  if (p.wvalid && p.wready) {
    WriteBurst& burst = writes_.front();
    write_beat(cycle, burst, p.wdata, p.wstrb);
    if (++burst.done == burst.beats) {
      const uint8_t resp = burst.error ? kSlvErr : burst.injected;
      responses_.push_back({cycle + config_.write_latency_cycles, resp});
      writes_.pop_front();
    }
  }
  if (p.bvalid && p.bready) {
    bvalid_ = false;
    responses_.pop_front();
  }
}

// Reads the whole burst now: what R returns is host memory as the AR handshake found it.
void AxiMemorySlave::accept_read(uint64_t cycle, const Axi4Ports& p) {
  const unsigned size = 1u << std::min<unsigned>(p.arsize, bus_bytes_log2_);
  const unsigned beats = p.arlen + 1u;
  ReadBurst burst{cycle + config_.read_latency_cycles, beats,
                  std::vector<uint8_t>(size_t{beats} * bus_bytes_), 0, kOkay};
  uint64_t address = p.araddr & ~uint64_t{size - 1};
  for (unsigned i = 0; i < beats; ++i, address += size) {
    // A narrow beat sits on the byte lanes its address selects.
    const size_t lane = size_t{i} * bus_bytes_ + (address & (bus_bytes_ - 1));
    if (!read_beat(address, i == 0 ? p.araddr : address,
                   std::span(burst.data).subspan(lane, size))) {
      burst.resp = kSlvErr;
    }
    bytes_read_ += size;
  }
  if (burst.resp == kOkay) {
    const uint64_t end = (p.araddr & ~uint64_t{size - 1}) + uint64_t{beats} * size;
    for (DmaObserver* observer : observers_) observer->on_dma_read(cycle, p.araddr, end - p.araddr);
    // An injected error still returns memory's bytes: the device is told, the data is not lost.
    if (faults_) burst.resp = faults_->dma_read_response(cycle);
  }
  reads_.push_back(std::move(burst));
}

bool AxiMemorySlave::read_beat(uint64_t beat_address, uint64_t first_needed,
                               std::span<uint8_t> out) {
  if (memory_.granted(beat_address, out.size()) || !memory_.granted(first_needed, 1)) {
    return memory_.dma_read(beat_address, out);  // refused and reported when not granted
  }
  // The beat starts inside a grant and runs past its end: the bus fetches whole beats, so the
  // bytes past the grant are over-fetch, read as zeros rather than reported.
  for (size_t i = 0; i < out.size(); ++i) {
    if (memory_.granted(beat_address + i, 1)) memory_.cpu_read(beat_address + i, out.subspan(i, 1));
  }
  return true;
}

void AxiMemorySlave::write_beat(uint64_t cycle, WriteBurst& burst, const WideWord& data,
                                uint64_t strobes) {
  const uint64_t first_beat = burst.address & ~uint64_t{burst.size_bytes - 1};
  const uint64_t beat_address =
      burst.done == 0 ? burst.address : first_beat + burst.done * burst.size_bytes;
  const uint64_t lane_base = beat_address & ~uint64_t{bus_bytes_ - 1};
  strobes &= byte_mask(bus_bytes_);
  if (strobes == 0) return;
  const unsigned first = static_cast<unsigned>(std::countr_zero(strobes));
  const unsigned last = 63 - static_cast<unsigned>(std::countl_zero(strobes));
  if (burst.message) {
    // A 32-bit message in the lane its address selects.
    const unsigned lane = first & ~3u;
    messages_.push_back({lane_base + lane, data.lane32(lane / 4)});
    return;
  }
  uint8_t lanes[WideWord::kMaxBytes];
  data.get_bytes(0, std::span(lanes, bus_bytes_));
  const uint8_t* bytes = lanes + first;
  if (faults_ && faults_->acts_on_write_backs()) {
    const WriteBackFate fate =
        faults_->write_back_fate(burst.id, lane_base, std::span(lanes, bus_bytes_), strobes);
    if (fate.delay) {
      late_writes_.push_back({cycle + fate.delay, fate.address,
                              std::vector<uint8_t>(bytes, bytes + last - first + 1), strobes,
                              burst.id});
      bytes_written_ += static_cast<uint64_t>(std::popcount(strobes));
      return;
    }
    if (fate.address != lane_base) {
      // Another slot of the ring: the write lands there instead, as if the device chose it.
      if (!memory_.dma_write(fate.address + first,
                             std::span<const uint8_t>(bytes, last - first + 1), strobes >> first)) {
        burst.error = true;
      } else {
        observe_write(cycle, burst, fate.address, strobes);
      }
      bytes_written_ += static_cast<uint64_t>(std::popcount(strobes));
      return;
    }
  }
  if (!memory_.dma_write(lane_base + first, std::span<const uint8_t>(bytes, last - first + 1),
                         strobes >> first)) {
    burst.error = true;
  } else {
    observe_write(cycle, burst, lane_base, strobes);
  }
  bytes_written_ += static_cast<uint64_t>(std::popcount(strobes));
}

void AxiMemorySlave::observe_write(uint64_t cycle, const WriteBurst& burst, uint64_t lane_base,
                                   uint64_t strobes) const {
  while (strobes != 0 && !observers_.empty()) {
    const unsigned first = static_cast<unsigned>(std::countr_zero(strobes));
    const unsigned run = static_cast<unsigned>(std::countr_one(strobes >> first));
    for (DmaObserver* observer : observers_) {
      observer->on_dma_write(cycle, lane_base + first, run, burst.id);
    }
    strobes &= run + first >= 64 ? 0 : ~uint64_t{0} << (first + run);
  }
}

void AxiMemorySlave::store_late_writes(uint64_t cycle) {
  while (!late_writes_.empty() && late_writes_.front().due <= cycle) {
    const LateWrite& late = late_writes_.front();
    const unsigned first = static_cast<unsigned>(std::countr_zero(late.strobes));
    // A refused late write is reported by the memory; its response has long gone.
    if (memory_.dma_write(late.lane_base + first, late.bytes, late.strobes >> first)) {
      WriteBurst burst{};
      burst.id = late.burst;
      observe_write(cycle, burst, late.lane_base, late.strobes);
    }
    late_writes_.pop_front();
  }
}

std::vector<MsiMessage> AxiMemorySlave::take_messages() {
  std::vector<MsiMessage> out;
  out.swap(messages_);
  return out;
}

}  // namespace nicsim::sim
