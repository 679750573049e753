#include "sim/monitors/ring_ownership.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace nicsim::sim {
namespace {

// More descriptors than a 16-bit head or tail can index are a garbage size, not a ring.
constexpr uint64_t kMaxEntries = uint64_t{1} << 16;

const char* rule_id(bool stale) {
  return stale ? "DEVICE_READS_STALE_DESCRIPTOR" : "DEVICE_WRITES_CPU_BUFFER";
}

// A descriptor's bytes as its little-endian 64-bit words ("0x1000 0x5ea"), or bytes.
std::string describe(std::span<const uint8_t> bytes) {
  std::string out;
  if (bytes.size() % 8 == 0) {
    for (size_t word = 0; word < bytes.size(); word += 8) {
      uint64_t value = 0;
      for (unsigned i = 0; i < 8; ++i) value |= uint64_t{bytes[word + i]} << (8 * i);
      out += (word ? " " : "") + hex(value);
    }
    return out;
  }
  for (uint8_t byte : bytes) {
    char text[4];
    std::snprintf(text, sizeof text, "%02x", byte);
    out += text;
  }
  return out;
}

}  // namespace

RingOwnership::RingOwnership(MonitorReport report, const DeviceDescription& device,
                             const HostMemory& memory)
    : report_(std::move(report)), device_(device), memory_(memory), rings_(device.rings.size()) {
  for (unsigned r = 0; r < device.rings.size(); ++r) {
    const RingCause& ring = device.rings[r];
    if (!ring.tail) continue;  // no doorbell declared: nothing tells what is handed over
    targets_[ring.base_lo].push_back({Role::kBaseLo, r});
    targets_[ring.base_hi].push_back({Role::kBaseHi, r});
    targets_[ring.size].push_back({Role::kSize, r});
    targets_[*ring.tail].push_back({Role::kTail, r});
    if (ring.head) targets_[*ring.head].push_back({Role::kHead, r});
  }
  if (device.soft_reset && !targets_.empty()) {
    auto& roles = targets_[device.soft_reset->offset];
    roles.insert(roles.begin(), Target{Role::kSoftReset});  // before the register's other roles
  }
}

void RingOwnership::on_cycle(uint64_t cycle, const DevicePorts& ports) {
  if (ports.rst) {
    if (!in_reset_) {
      for (unsigned r = 0; r < rings_.size(); ++r) {
        rings_[r].base = rings_[r].size = 0;
        forget(r);
      }
    }
    in_reset_ = true;
    writes_.on_cycle(ports);
    return;
  }
  in_reset_ = false;
  if (auto write = writes_.on_cycle(ports)) apply(cycle, *write);
}

void RingOwnership::apply(uint64_t, const RegisterWrite& w) {
  const auto it = targets_.find(w.offset);
  if (it == targets_.end()) return;
  for (const Target& target : it->second) {
    Ring& ring = rings_[target.ring];
    switch (target.role) {
      case Role::kSoftReset:
        if (w.value & w.mask() & device_.soft_reset->mask) {
          ++stats_.forgotten;
          for (unsigned r = 0; r < rings_.size(); ++r) {
            rings_[r].base = rings_[r].size = 0;
            forget(r);
          }
        }
        break;
      case Role::kBaseLo:
        ring.base = (ring.base & ~uint64_t{0xFFFFFFFF}) | w.merge(static_cast<uint32_t>(ring.base));
        ++stats_.forgotten;
        forget(target.ring);
        break;
      case Role::kBaseHi:
        ring.base = (ring.base & 0xFFFFFFFFull) |
                    uint64_t{w.merge(static_cast<uint32_t>(ring.base >> 32))} << 32;
        ++stats_.forgotten;
        forget(target.ring);
        break;
      case Role::kSize:
        ring.size = w.merge(ring.size);
        ++stats_.forgotten;
        forget(target.ring);
        break;
      case Role::kTail:
        ring.tail = w.merge(ring.tail);
        hand_over(target.ring, ring.tail);
        break;
      case Role::kHead:
        ++stats_.forgotten;
        forget(target.ring);
        if (!ring.slots.empty()) {
          ring.head = ring.next_tail = static_cast<uint32_t>(w.merge(0) % ring.slots.size());
        }
        break;
    }
  }
}

void RingOwnership::forget(unsigned r) {
  Ring& ring = rings_[r];
  const RingCause& cause = device_.rings[r];
  const uint64_t entries =
      cause.size_in_bytes ? ring.size / cause.descriptor_bytes : uint64_t{ring.size};
  ring.slots.assign(entries <= kMaxEntries ? entries : 0, Slot{});
  ring.tail = ring.next_tail = ring.head = 0;
  std::erase_if(buffers_, [r](const auto& entry) { return entry.second.ring == r; });
}

void RingOwnership::hand_over(unsigned r, uint32_t tail) {
  Ring& ring = rings_[r];
  if (ring.slots.empty()) return;
  const uint32_t n = static_cast<uint32_t>(ring.slots.size());
  const uint32_t end = tail % n;  // a tail past the ring counts modulo its entries
  while (ring.next_tail != end) {
    ring.slots[ring.next_tail].owner = Owner::kDevice;
    ++stats_.handed_over;
    ring.next_tail = (ring.next_tail + 1) % n;
  }
}

uint64_t RingOwnership::slot_address(unsigned r, uint32_t s) const {
  const uint32_t stride = device_.rings[r].descriptor_bytes;
  // Both reference designs ignore the base's bits below the descriptor size, as the contract says.
  const uint64_t base =
      (stride & (stride - 1)) == 0 ? rings_[r].base & ~uint64_t{stride - 1} : rings_[r].base;
  return base + uint64_t{s} * stride;
}

bool RingOwnership::slots_of(unsigned r, uint64_t address, uint64_t bytes, uint32_t& first,
                             uint32_t& last) const {
  const Ring& ring = rings_[r];
  if (ring.slots.empty() || bytes == 0) return false;
  const uint32_t stride = device_.rings[r].descriptor_bytes;
  const uint64_t begin = slot_address(r, 0);
  const uint64_t end = begin + ring.slots.size() * stride;
  if (address >= end || address + bytes <= begin) return false;
  first = static_cast<uint32_t>((std::max(address, begin) - begin) / stride);
  last = static_cast<uint32_t>((std::min(address + bytes, end) - 1 - begin) / stride);
  return true;
}

std::optional<DescriptorSlot> RingOwnership::descriptor_slot(uint64_t address) const {
  for (unsigned r = 0; r < rings_.size(); ++r) {
    uint32_t first = 0, last = 0;
    if (!slots_of(r, address, 1, first, last)) continue;
    DescriptorSlot slot{slot_address(r, 0), static_cast<uint32_t>(rings_[r].slots.size()),
                        device_.rings[r].descriptor_bytes, first, &device_.rings[r]};
    const Slot& state = rings_[r].slots[first];
    if (state.has_buffer) {
      if (auto buffer = buffers_.find(state.buffer); buffer != buffers_.end())
        slot.buffer_bytes = buffer->second.bytes;
    }
    return slot;
  }
  return std::nullopt;
}

std::vector<uint8_t> RingOwnership::slot_bytes(unsigned r, uint32_t s) const {
  std::vector<uint8_t> bytes(device_.rings[r].descriptor_bytes);
  memory_.cpu_read(slot_address(r, s), bytes);
  return bytes;
}

std::string RingOwnership::slot_name(unsigned r, uint32_t s) const {
  return device_.rings[r].name + "[" + std::to_string(s) + "]";
}

void RingOwnership::report(Rule rule, uint64_t cycle, unsigned r, uint32_t s, std::string signal,
                           std::string message) {
  if (!reported_.insert({rule, r, s}).second) return;  // once per ring and slot per run
  Violation v = monitor_violation(rule_id(rule == Rule::kStaleDescriptor), cycle, std::move(signal),
                                  std::move(message));
  v.object = slot_name(r, s);
  report_(std::move(v));
}

void RingOwnership::attach_coverage(FunctionalCoverage& coverage) {
  stale_checks_.attach(coverage);
  cpu_buffer_checks_.attach(coverage);
}

void RingOwnership::on_dma_read(uint64_t cycle, uint64_t address, uint64_t bytes) {
  for (unsigned r = 0; r < rings_.size(); ++r) {
    uint32_t first = 0, last = 0;
    if (!slots_of(r, address, bytes, first, last)) continue;
    for (uint32_t s = first; s <= last; ++s) fetch(cycle, r, s);
  }
}

void RingOwnership::fetch(uint64_t cycle, unsigned r, uint32_t s) {
  Ring& ring = rings_[r];
  Slot& slot = ring.slots[s];
  if (slot.owner == Owner::kUntracked) return;
  stale_checks_.evaluated();
  ++stats_.fetches;
  const std::vector<uint8_t> bytes = slot_bytes(r, s);
  const std::string where = "ring " + device_.rings[r].name + " slot " + std::to_string(s) +
                            " at " + hex(slot_address(r, s));
  const std::string held = "; it held " + describe(bytes);
  if (slot.owner == Owner::kCpu) {
    report(Rule::kStaleDescriptor, cycle, r, s, "m_axi_araddr",
           where + " read by the device, which returned it at cycle " +
               std::to_string(slot.returned_cycle) + "; no tail write handed it over since (tail " +
               std::to_string(ring.tail) + ")" + held);
    return;
  }
  const bool zero = std::all_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b == 0; });
  if (zero || (!slot.image.empty() && bytes == slot.image)) {
    report(Rule::kStaleDescriptor, cycle, r, s, "m_axi_araddr",
           where + " read by the device, handed over by tail " + std::to_string(ring.tail) +
               " but " +
               (zero ? std::string("never filled (all zero)")
                     : "unchanged since the device wrote it back at cycle " +
                           std::to_string(slot.image_cycle)) +
               held);
    return;  // a stale descriptor hands no buffer over
  }
  if (device_.rings[r].buffer) take_buffer(cycle, r, s, bytes);
}

void RingOwnership::take_buffer(uint64_t cycle, unsigned r, uint32_t s,
                                std::span<const uint8_t> descriptor) {
  const RingBuffer& layout = *device_.rings[r].buffer;
  const uint64_t address = layout.address.read(descriptor);
  uint64_t bytes = layout.bytes_field ? layout.bytes_field->read(descriptor) : layout.bytes;
  bytes = std::min(bytes, std::numeric_limits<uint64_t>::max() - address);
  if (bytes == 0) return;
  // This hand-over supersedes what the monitor knew of the memory it covers.
  auto it = buffers_.lower_bound(address);
  if (it != buffers_.begin() && std::prev(it)->first + std::prev(it)->second.bytes > address) --it;
  while (it != buffers_.end() && it->first < address + bytes) it = buffers_.erase(it);
  buffers_.emplace(address, Buffer{bytes, r, s, true, cycle});
  Slot& slot = rings_[r].slots[s];
  slot.has_buffer = true;
  slot.buffer = address;
  ++stats_.buffers_handed;
}

void RingOwnership::on_dma_write(uint64_t cycle, uint64_t address, uint64_t bytes, uint64_t burst) {
  bool in_ring = false;
  for (unsigned r = 0; r < rings_.size(); ++r) {
    uint32_t first = 0, last = 0;
    if (!slots_of(r, address, bytes, first, last)) continue;
    in_ring = true;
    for (uint32_t s = first; s <= last; ++s) write_back(cycle, r, s, burst);
  }
  if (!in_ring) write_buffer(cycle, address, bytes);
}

void RingOwnership::write_back(uint64_t cycle, unsigned r, uint32_t s, uint64_t burst) {
  Ring& ring = rings_[r];
  Slot& slot = ring.slots[s];
  if (slot.owner == Owner::kUntracked) return;
  cpu_buffer_checks_.evaluated();
  if (slot.owner == Owner::kCpu && slot.return_burst != burst) {
    report(Rule::kCpuBuffer, cycle, r, s, "m_axi_wdata",
           "ring " + device_.rings[r].name + " slot " + std::to_string(s) + " at " +
               hex(slot_address(r, s)) + " written by the device, which returned it at cycle " +
               std::to_string(slot.returned_cycle) + "; no tail write handed it over since (tail " +
               std::to_string(ring.tail) + "); it held " + describe(slot_bytes(r, s)) +
               " after the write");
  } else if (slot.owner == Owner::kDevice) {
    ++stats_.write_backs;
    const uint32_t n = static_cast<uint32_t>(ring.slots.size());
    for (uint32_t i = ring.head;; i = (i + 1) % n) {
      return_slot(cycle, r, i, burst);
      if (i == s) break;
    }
    ring.head = (s + 1) % n;
  }
  slot.image = slot_bytes(r, s);
  slot.image_cycle = cycle;
}

void RingOwnership::return_slot(uint64_t cycle, unsigned r, uint32_t s, uint64_t burst) {
  Slot& slot = rings_[r].slots[s];
  slot.owner = Owner::kCpu;
  slot.returned_cycle = cycle;
  slot.return_burst = burst;
  ++stats_.returned;
  if (!slot.has_buffer) return;
  slot.has_buffer = false;
  const auto it = buffers_.find(slot.buffer);
  if (it != buffers_.end() && it->second.ring == r && it->second.slot == s) {
    it->second.device = false;
    it->second.cycle = cycle;
  }
}

void RingOwnership::write_buffer(uint64_t cycle, uint64_t address, uint64_t bytes) {
  if (buffers_.empty()) return;
  auto it = buffers_.upper_bound(address);
  if (it != buffers_.begin()) --it;
  for (; it != buffers_.end() && it->first < address + bytes; ++it) {
    const Buffer& buffer = it->second;
    if (it->first + buffer.bytes <= address) continue;
    ++stats_.buffer_writes;
    cpu_buffer_checks_.evaluated();
    if (buffer.device) continue;
    report(Rule::kCpuBuffer, cycle, buffer.ring, buffer.slot, "m_axi_wdata",
           "the device wrote " + std::to_string(bytes) + " byte(s) at " + hex(address) +
               " into the buffer at " + hex(it->first) + " (" + std::to_string(buffer.bytes) +
               " bytes) that ring " + device_.rings[buffer.ring].name + " slot " +
               std::to_string(buffer.slot) + " handed it; the device returned that slot at cycle " +
               std::to_string(buffer.cycle) + " and no descriptor fetched since points at it");
  }
}

}  // namespace nicsim::sim
