#include "sim/axi_memory_slave.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "sim/cycle_random.h"

namespace nicsim::sim {
namespace {

constexpr uint8_t kOkay = 0;
constexpr uint8_t kSlvErr = 2;
constexpr unsigned kMaxReads = 8;
constexpr unsigned kMaxWrites = 4;
enum Channel : unsigned { kAr, kAw, kW, kR, kB };

}  // namespace

AxiMemorySlave::AxiMemorySlave(HostMemory& memory, const MemoryConfig& config, uint64_t seed,
                               uint64_t msi_base, uint64_t msi_size)
    : memory_(memory), config_(config), seed_(seed), msi_base_(msi_base), msi_size_(msi_size) {}

bool AxiMemorySlave::stalled(uint64_t cycle, unsigned channel) const {
  return cycle_chance(seed_, cycle, channel, config_.backpressure_percent);
}

void AxiMemorySlave::drive(uint64_t cycle, PortSnapshot& p) {
  // Ready only while the master offers something, so an idle bus drives constant inputs.
  p.m_axi_arready = p.m_axi_arvalid && reads_.size() < kMaxReads && !stalled(cycle, kAr);
  p.m_axi_awready = p.m_axi_awvalid && writes_.size() < kMaxWrites && !stalled(cycle, kAw);
  p.m_axi_wready = p.m_axi_wvalid && !writes_.empty() && !stalled(cycle, kW);

  if (!rvalid_ && !reads_.empty() && reads_.front().ready_cycle <= cycle && !stalled(cycle, kR)) {
    rvalid_ = true;
  }
  p.m_axi_rvalid = rvalid_;
  if (rvalid_) {
    const ReadBurst& r = reads_.front();
    p.m_axi_rdata = r.beats[r.next];
    p.m_axi_rlast = r.next + 1 == r.beats.size();
    p.m_axi_rresp = r.resp;
  } else {
    p.m_axi_rdata = 0;
    p.m_axi_rlast = false;
    p.m_axi_rresp = 0;
  }

  if (!bvalid_ && !responses_.empty() && responses_.front().ready_cycle <= cycle &&
      !stalled(cycle, kB)) {
    bvalid_ = true;
  }
  p.m_axi_bvalid = bvalid_;
  p.m_axi_bresp = bvalid_ ? responses_.front().resp : 0;
}

void AxiMemorySlave::on_edge(uint64_t cycle, const PortSnapshot& p) {
  if (p.m_axi_arvalid && p.m_axi_arready) {
    const unsigned size = 1u << std::min<unsigned>(p.m_axi_arsize, 3);  // 64-bit bus
    const unsigned beats = p.m_axi_arlen + 1u;
    ReadBurst burst{cycle + config_.read_latency_cycles, std::vector<uint64_t>(beats), 0, kOkay};
    uint64_t address = p.m_axi_araddr & ~uint64_t{size - 1};
    for (unsigned i = 0; i < beats; ++i, address += size) {
      uint8_t bytes[8] = {};
      if (!read_beat(address, i == 0 ? p.m_axi_araddr : address, std::span<uint8_t>(bytes, size))) {
        burst.resp = kSlvErr;
      }
      uint64_t data = 0;
      std::memcpy(&data, bytes, size);
      burst.beats[i] = size >= 8 ? data : data << (8 * (address & 7));
      bytes_read_ += size;
    }
    reads_.push_back(std::move(burst));
  }
  if (p.m_axi_rvalid && p.m_axi_rready) {
    rvalid_ = false;
    if (++reads_.front().next == reads_.front().beats.size()) reads_.pop_front();
  }
  if (p.m_axi_awvalid && p.m_axi_awready) {
    const bool message = p.m_axi_awaddr >= msi_base_ && p.m_axi_awaddr - msi_base_ < msi_size_;
    writes_.push_back(WriteBurst{p.m_axi_awaddr, p.m_axi_awlen + 1u,
                                 1u << std::min<unsigned>(p.m_axi_awsize, 3), 0, false, message});
  }
  if (p.m_axi_wvalid && p.m_axi_wready) {
    WriteBurst& burst = writes_.front();
    write_beat(burst, p.m_axi_wdata, p.m_axi_wstrb);
    if (++burst.done == burst.beats) {
      responses_.push_back({cycle + config_.write_latency_cycles, burst.error ? kSlvErr : kOkay});
      writes_.pop_front();
    }
  }
  if (p.m_axi_bvalid && p.m_axi_bready) {
    bvalid_ = false;
    responses_.pop_front();
  }
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

void AxiMemorySlave::write_beat(WriteBurst& burst, uint64_t data, uint8_t strobes) {
  const uint64_t first_beat = burst.address & ~uint64_t{burst.size_bytes - 1};
  const uint64_t beat_address =
      burst.done == 0 ? burst.address : first_beat + burst.done * burst.size_bytes;
  const uint64_t lane_base = beat_address & ~uint64_t{7};
  if (strobes == 0) return;
  const unsigned first = std::countr_zero(strobes);
  const unsigned last = 7 - std::countl_zero(strobes);
  uint8_t bytes[8];
  std::memcpy(bytes, &data, 8);
  if (burst.message) {
    // A 32-bit message in the lane its address selects.
    messages_.push_back(
        {lane_base + (first & 4), static_cast<uint32_t>(data >> (8 * (first & 4)))});
    return;
  }
  const auto enables = static_cast<uint8_t>(strobes >> first);
  if (!memory_.dma_write(lane_base + first,
                         std::span<const uint8_t>(bytes + first, last - first + 1), enables)) {
    burst.error = true;
  }
  bytes_written_ += std::popcount(strobes);
}

std::vector<MsiMessage> AxiMemorySlave::take_messages() {
  std::vector<MsiMessage> out;
  out.swap(messages_);
  return out;
}

}  // namespace nicsim::sim
