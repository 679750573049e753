#include "sim/monitors/interrupt_view.h"

#include <algorithm>
#include <bit>

namespace nicsim::sim {

InterruptView::InterruptView(const DeviceDescription& device)
    : device_(device),
      itr_(device.throttle.size()),
      message_address_(device.messages.size()),
      message_data_(device.messages.size()),
      message_masked_(device.messages.size()),
      rings_(device.rings.size()) {
  for (uint32_t causes : device.vector_causes) all_causes_ |= causes;
  // First: a soft reset acts before the other roles of its register, which the same write sets.
  if (device.soft_reset) add_target(device.soft_reset->offset, Role::kSoftReset);
  if (device.line_mode) add_target(device.line_mode->offset, Role::kLineMode);
  add_target(device.cause, Role::kCause);
  if (device.cause_set) add_target(*device.cause_set, Role::kCauseSet);
  add_target(device.mask_set, Role::kMaskSet);
  add_target(device.mask_clear, Role::kMaskClear);
  for (unsigned v = 0; v < device.throttle.size(); ++v) {
    add_target(device.throttle[v].offset, Role::kThrottle, v);
  }
  for (unsigned m = 0; m < device.messages.size(); ++m) {
    const MessageEntry& entry = device.messages[m];
    add_target(entry.address_lo, Role::kMessageAddressLo, m);
    add_target(entry.address_hi, Role::kMessageAddressHi, m);
    add_target(entry.data, Role::kMessageData, m);
    if (entry.control) add_target(*entry.control, Role::kMessageControl, m);
  }
  if (device.msi_enable) add_target(device.msi_enable->offset, Role::kMsiEnable);
  for (unsigned r = 0; r < device.rings.size(); ++r) {
    add_target(device.rings[r].base_lo, Role::kRingBaseLo, r);
    add_target(device.rings[r].base_hi, Role::kRingBaseHi, r);
    add_target(device.rings[r].size, Role::kRingSize, r);
  }
  reset_registers(false);
}

void InterruptView::add_target(uint32_t offset, Role role, unsigned index) {
  targets_[offset].push_back({role, index});
}

// As a soft reset does: everything but the register it is written through.
void InterruptView::reset_registers(bool keep_soft_reset_register) {
  ++version_;
  const auto kept = [&](uint32_t offset) {
    return keep_soft_reset_register && device_.soft_reset && offset == device_.soft_reset->offset;
  };
  if (device_.line_mode && !kept(device_.line_mode->offset)) line_mode_ = false;
  if (device_.msi_enable && !kept(device_.msi_enable->offset)) msi_enabled_ = false;
  cause_ = enabled_ = 0;
  std::fill(itr_.begin(), itr_.end(), 0);
  std::fill(message_address_.begin(), message_address_.end(), 0);
  std::fill(message_data_.begin(), message_data_.end(), 0);
  std::fill(message_masked_.begin(), message_masked_.end(), true);  // MSI-X resets masked
  std::fill(rings_.begin(), rings_.end(), Ring{});
  // A write-back still in flight owes no interrupt any more: the reset cleared the cause state
  // its completion would have set (seen in reset-under-traffic).
  for (Write& write : w_queue_) write.causes = 0;
  for (Write& write : b_queue_) write.causes = 0;
}

uint32_t InterruptView::write_back_causes(uint64_t address, uint64_t bytes) const {
  // The device writes into a ring only to write descriptors back.
  uint32_t causes = 0;
  for (unsigned r = 0; r < rings_.size(); ++r) {
    const Ring& ring = rings_[r];
    const RingCause& cause = device_.rings[r];
    const uint64_t ring_bytes =
        cause.size_in_bytes ? ring.size : uint64_t{ring.size} * cause.descriptor_bytes;
    if (ring_bytes && address < ring.base + ring_bytes && ring.base < address + bytes) {
      causes |= cause.cause_mask;
    }
  }
  return causes;
}

void InterruptView::apply(const RegisterWrite& w) {
  const auto it = targets_.find(w.offset);
  if (it == targets_.end()) return;
  ++version_;
  for (const Target& target : it->second) apply(target, w);
}

void InterruptView::apply(const Target& target, const RegisterWrite& w) {
  // A write changes only its enabled byte lanes (WSTRB): v holds the bits written, merge() the
  // register with those lanes replaced.
  const uint32_t v = w.value & w.mask();
  const unsigned i = target.index;
  const auto set_lo = [&w](uint64_t& value) {
    value = (value & ~0xFFFFFFFFull) | w.merge(static_cast<uint32_t>(value));
  };
  const auto set_hi = [&w](uint64_t& value) {
    value = (value & 0xFFFFFFFFull) | uint64_t{w.merge(static_cast<uint32_t>(value >> 32))} << 32;
  };
  switch (target.role) {
    case Role::kSoftReset:
      if (v & device_.soft_reset->mask) reset_registers(true);
      break;
    case Role::kLineMode: {
      const uint32_t mask = device_.line_mode->mask;
      line_mode_ = (w.merge(line_mode_ ? mask : 0) & mask) != 0;
      break;
    }
    case Role::kMsiEnable: {
      const uint32_t mask = device_.msi_enable->mask;
      msi_enabled_ = (w.merge(msi_enabled_ ? mask : 0) & mask) != 0;
      break;
    }
    case Role::kCause:
      cause_ &= ~v;
      break;
    case Role::kCauseSet:
      cause_ |= v & all_causes_;
      break;
    case Role::kMaskSet:
      enabled_ |= v & all_causes_;
      break;
    case Role::kMaskClear:
      enabled_ &= ~v;
      break;
    case Role::kThrottle:
      itr_[i] = w.merge(itr_[i]) & device_.throttle[i].mask;
      break;
    case Role::kMessageAddressLo:
      set_lo(message_address_[i]);
      break;
    case Role::kMessageAddressHi:
      set_hi(message_address_[i]);
      break;
    case Role::kMessageData:
      message_data_[i] = w.merge(message_data_[i]);
      break;
    case Role::kMessageControl: {
      const uint32_t mask = device_.messages[i].masked_mask;
      message_masked_[i] = (w.merge(message_masked_[i] ? mask : 0) & mask) != 0;
      break;
    }
    case Role::kRingBaseLo:
      set_lo(rings_[i].base);
      break;
    case Role::kRingBaseHi:
      set_hi(rings_[i].base);
      break;
    case Role::kRingSize:
      rings_[i].size = w.merge(rings_[i].size);
      break;
  }
}

int InterruptView::message_vector(uint64_t address, uint32_t data) const {
  for (unsigned v = 0; v < num_vectors(); ++v) {
    if (message_address_[v] == address && message_data_[v] == data) return static_cast<int>(v);
  }
  return -1;
}

void InterruptView::on_cycle(uint64_t cycle, const DevicePorts& ports) {
  messages_.clear();
  if (ports.rst) {
    reset_registers(false);
    aw_shown_ = false;
    w_queue_.clear();
    b_queue_.clear();
    writes_tracker_.on_cycle(ports);
    return;
  }
  if (auto write = writes_tracker_.on_cycle(ports)) apply(*write);

  const Axi4Ports& p = ports.dma;
  if (p.awvalid && !aw_shown_) {
    aw_shown_ = true;
    aw_issue_cycle_ = cycle;
  }
  if (p.awvalid && p.awready) {
    aw_shown_ = false;
    const bool message = is_message_address(p.awaddr);
    const uint64_t beat_bytes = uint64_t{1} << p.awsize;
    const uint32_t causes =
        message ? 0 : write_back_causes(p.awaddr, (p.awlen + uint64_t{1}) * beat_bytes);
    w_queue_.push_back({aw_issue_cycle_, p.awaddr, beat_bytes, message, causes});
    b_queue_.push_back(w_queue_.back());
  }
  if (p.wvalid && p.wready && !w_queue_.empty()) {
    const Write& w = w_queue_.front();
    if (w.message && p.wstrb != 0) {
      // A message is one 32-bit write: its data sits in the first enabled lane of the beat.
      const unsigned lane = static_cast<unsigned>(std::countr_zero(p.wstrb)) / 4;
      const uint64_t address = (w.address & ~(w.beat_bytes - 1)) + 4 * lane;
      const uint32_t data = p.wdata.lane32(lane);
      messages_.push_back({w.issue_cycle, address, data, message_vector(address, data)});
    }
    if (p.wlast) w_queue_.pop_front();
  }
  if (p.bvalid && p.bready && !b_queue_.empty()) {
    if (b_queue_.front().causes & ~cause_) ++version_;
    cause_ |= b_queue_.front().causes;
    b_queue_.pop_front();
  }
}

}  // namespace nicsim::sim
