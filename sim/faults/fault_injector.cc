#include "sim/faults/fault_injector.h"

#include <algorithm>
#include <bit>

#include "sim/cycle_random.h"

namespace nicsim::sim {
namespace {

constexpr unsigned kDropOneIn = 8;
constexpr unsigned kDuplicateOneIn = 4;
constexpr uint64_t kDuplicateMaxLag = 64;
constexpr unsigned kDmaErrorOneIn = 32;
constexpr uint8_t kSlvErr = 2, kDecErr = 3;
constexpr unsigned kBadIndexOneIn = 16;
constexpr unsigned kCorruptLengthOneIn = 16;

// FNV-1a of a fault's name: its generator's seed differs from every other fault's.
uint64_t name_hash(std::string_view name) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (char c : name) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001B3ull;
  return h;
}

// The bytes of a beat a descriptor field occupies, as lanes (lanes[i] lands at lane_base + i),
// for the descriptor at descriptor; false when the enabled lanes hold none of it.
bool field_lanes(const DescriptorField& field, uint64_t descriptor, uint64_t lane_base,
                 size_t lane_count, uint64_t strobes) {
  const uint64_t first_bit = 64 * uint64_t{field.qword} + field.shift;
  const uint64_t first = descriptor + first_bit / 8;
  const uint64_t last = descriptor + (first_bit + field.width - 1) / 8;
  for (uint64_t address = std::max(first, lane_base); address <= last; ++address) {
    if (address - lane_base >= lane_count) break;
    if (strobes >> (address - lane_base) & 1) return true;
  }
  return false;
}

// Writes value into the bits of field that the beat's enabled lanes carry.
void write_field(const DescriptorField& field, uint64_t value, uint64_t descriptor,
                 uint64_t lane_base, std::span<uint8_t> lanes, uint64_t strobes) {
  for (uint32_t bit = 0; bit < field.width; ++bit) {
    const uint64_t at = 64 * uint64_t{field.qword} + field.shift + bit;
    const uint64_t address = descriptor + at / 8;
    if (address < lane_base || address - lane_base >= lanes.size()) continue;
    const size_t lane = address - lane_base;
    if (!(strobes >> lane & 1)) continue;
    const auto mask = static_cast<uint8_t>(1u << (at % 8));
    lanes[lane] = (value >> bit & 1) ? lanes[lane] | mask : lanes[lane] & ~mask;
  }
}

}  // namespace

FaultInjector::FaultInjector(FaultPlan plan, uint64_t seed) : plan_(std::move(plan)) {
  for (const FaultInfo& info : fault_catalog())
    rngs_[index(info.kind)].seed(splitmix64(seed ^ name_hash(info.name)));
  for (FaultKind kind :
       {FaultKind::kLinkFlap, FaultKind::kIntxStuck, FaultKind::kSharedLineStorm}) {
    if (!has(kind)) continue;
    windows_[index(kind)].offset = kWindowEarliest + rng(kind)() % kWindowSpread;
  }
  if (const Fault* removal = plan_.find(FaultKind::kSurpriseRemoval)) removal_ns_ = removal->param;
  const FaultScript& script = plan_.script;
  for (const ScriptedWriteBack& edit : script.write_backs)
    scripted_write_backs_.emplace(std::pair{edit.receive, edit.nth}, edit);
  for (const ScriptedRead& edit : script.reads)
    scripted_reads_.emplace(std::pair{edit.offset, edit.nth}, edit);
  for (const ScriptedMessage& edit : script.messages) scripted_messages_.emplace(edit.nth, edit);
}

bool FaultInjector::chance(FaultKind kind, unsigned one_in) {
  return has(kind) && rng(kind)() % one_in == 0;
}

bool FaultInjector::in_window(FaultKind kind, uint64_t cycle) const {
  const Window& w = windows_[index(kind)];
  return cycle >= w.start && cycle < w.end;
}

void FaultInjector::note_traffic(uint64_t cycle) {
  for (Window& w : windows_) {
    if (w.offset == kNever || w.start != kNever) continue;
    w.start = cycle + w.offset;
    w.end = w.start + kWindowCycles;
  }
}

void FaultInjector::note_window(FaultKind kind) {
  if (window_seen_[index(kind)]) return;
  window_seen_[index(kind)] = true;
  ++counts_[index(kind)].injections;
}

std::vector<MsiMessage> FaultInjector::filter_messages(uint64_t cycle,
                                                       std::vector<MsiMessage> written) {
  std::vector<MsiMessage> now;
  for (const MsiMessage& message : written) {
    if (script_message(cycle, message, now)) continue;
    if (chance(FaultKind::kMsixDrop, kDropOneIn)) {
      ++counts_[index(FaultKind::kMsixDrop)].injections;
      continue;
    }
    if (const Fault* delay = plan_.find(FaultKind::kMsixDelay)) {
      ++counts_[index(FaultKind::kMsixDelay)].injections;
      held_.emplace(cycle + delay->param, message);
    } else {
      now.push_back(message);
    }
    if (chance(FaultKind::kMsixDuplicate, kDuplicateOneIn)) {
      ++counts_[index(FaultKind::kMsixDuplicate)].injections;
      const uint64_t lag = 1 + rng(FaultKind::kMsixDuplicate)() % kDuplicateMaxLag;
      const Fault* delay = plan_.find(FaultKind::kMsixDelay);
      held_.emplace(cycle + lag + (delay ? delay->param : 0), message);
    }
  }
  return now;
}

bool FaultInjector::script_message(uint64_t cycle, const MsiMessage& message,
                                   std::vector<MsiMessage>& now) {
  if (scripted_messages_.empty()) return false;
  const auto edit = scripted_messages_.find(messages_seen_++);
  if (edit == scripted_messages_.end()) return false;
  ++script_counts_.messages;
  const ScriptedMessage& fate = edit->second;
  if (fate.fate == MessageFate::kDelay) held_.emplace(cycle + fate.cycles, message);
  if (fate.fate == MessageFate::kDuplicate) {
    now.push_back(message);
    held_.emplace(cycle + fate.cycles, message);
  }
  return true;
}

uint32_t FaultInjector::register_read(uint32_t offset, uint32_t value) {
  if (scripted_reads_.empty()) return value;
  const uint32_t nth = reads_seen_[offset]++;
  const auto [first, last] = scripted_reads_.equal_range({offset, nth});
  for (auto edit = first; edit != last; ++edit) {
    ++script_counts_.reads;
    const ScriptedRead& read = edit->second;
    value = read.op == ScriptOp::kSet ? read.value : value ^ read.value;
  }
  return value;
}

std::vector<MsiMessage> FaultInjector::take_due_messages(uint64_t cycle) {
  std::vector<MsiMessage> due;
  while (!held_.empty() && held_.begin()->first <= cycle) {
    due.push_back(held_.begin()->second);
    held_.erase(held_.begin());
  }
  return due;
}

uint8_t FaultInjector::error_response(FaultKind kind, uint64_t /*cycle*/) {
  if (!chance(kind, kDmaErrorOneIn)) return 0;
  ++counts_[index(kind)].injections;
  return rng(kind)() % 2 ? kSlvErr : kDecErr;
}

uint8_t FaultInjector::dma_read_response(uint64_t cycle) {
  return error_response(FaultKind::kDmaReadError, cycle);
}

uint8_t FaultInjector::dma_write_response(uint64_t cycle) {
  return error_response(FaultKind::kDmaWriteError, cycle);
}

void FaultInjector::damage_rx_frame(std::vector<uint8_t>& frame, bool& bad) {
  const uint32_t min_frame = min_frame_;
  const Fault* errors = plan_.find(FaultKind::kLinkErrors);
  if (!errors || frame.size() < 2) return;
  auto& r = rng(FaultKind::kLinkErrors);
  if (r() % 1'000'000 >= errors->param) return;
  FaultCounts& counts = counts_[index(FaultKind::kLinkErrors)];
  ++counts.injections;
  ++counts.rx_frames_lost;
  if (r() % 2 == 0) {
    bad = true;
    return;
  }
  // Cut mid-frame: a runt where the device has a minimum, else a short frame flagged bad.
  const size_t limit =
      min_frame > 1 ? std::min<size_t>(min_frame - 1, frame.size() - 1) : frame.size() - 1;
  frame.resize(1 + r() % limit);
  if (min_frame <= 1) bad = true;
}

WriteBackFate FaultInjector::write_back_fate(uint64_t burst, uint64_t lane_base,
                                             std::span<uint8_t> lanes, uint64_t strobes) {
  WriteBackFate fate{0, lane_base};
  if (!locate_ || !acts_on_write_backs() || strobes == 0) return fate;
  if (has(FaultKind::kWritebackCorruptLength) || !scripted_write_backs_.empty()) {
    // Every slot the beat's enabled lanes reach, from the first.
    const uint64_t end = lane_base + std::min<uint64_t>(lanes.size(), 64);
    uint64_t at = lane_base + static_cast<unsigned>(std::countr_zero(strobes));
    while (at < end) {
      const std::optional<DescriptorSlot> covered = locate_(at);
      if (!covered) break;
      corrupt_length(burst, *covered, lane_base, lanes, strobes);
      script_write_back(burst, *covered, lane_base, lanes, strobes);
      at = covered->address() + covered->stride;
    }
  }
  const std::optional<DescriptorSlot> slot = locate_(lane_base);
  if (!slot) return fate;
  if (const Fault* delay = plan_.find(FaultKind::kWritebackDelay)) {
    if (burst != fate_burst_) ++counts_[index(FaultKind::kWritebackDelay)].injections;
    fate.delay = delay->param;
  }
  if (burst != fate_burst_) {
    // One choice per burst, so every beat of a write-back moves together.
    fate_shift_ = 0;
    if (slot->slots > 1 && chance(FaultKind::kWritebackBadIndex, kBadIndexOneIn)) {
      ++counts_[index(FaultKind::kWritebackBadIndex)].injections;
      fate_shift_ =
          1 + static_cast<uint32_t>(rng(FaultKind::kWritebackBadIndex)() % (slot->slots - 1));
    }
    fate_burst_ = burst;
  }
  if (fate_shift_) {
    const uint32_t moved = (slot->index + fate_shift_) % slot->slots;
    const uint64_t within = lane_base - slot->address();
    fate.address = slot->ring_base + uint64_t{moved} * slot->stride + within;
  }
  return fate;
}

void FaultInjector::corrupt_length(uint64_t burst, const DescriptorSlot& slot, uint64_t lane_base,
                                   std::span<uint8_t> lanes, uint64_t strobes) {
  if (!slot.ring || !slot.ring->written_length || slot.buffer_bytes == 0) return;
  const DescriptorField& field = *slot.ring->written_length;
  if (!field_lanes(field, slot.address(), lane_base, lanes.size(), strobes)) return;
  if (burst != length_burst_ || slot.index != length_slot_) {
    // One choice per write-back, so a field split over two beats gets one value.
    length_burst_ = burst;
    length_slot_ = slot.index;
    length_value_.reset();
    const uint64_t largest = field.width >= 64 ? ~uint64_t{0} : (uint64_t{1} << field.width) - 1;
    if (largest > slot.buffer_bytes &&
        chance(FaultKind::kWritebackCorruptLength, kCorruptLengthOneIn)) {
      FaultCounts& counts = counts_[index(FaultKind::kWritebackCorruptLength)];
      ++counts.injections;
      ++counts.rx_frames_lost;  // the frame the write-back reports
      const uint64_t past =
          rng(FaultKind::kWritebackCorruptLength)() % (largest - slot.buffer_bytes);
      length_value_ = slot.buffer_bytes + 1 + past;
    }
  }
  if (length_value_) write_field(field, *length_value_, slot.address(), lane_base, lanes, strobes);
}

void FaultInjector::script_write_back(uint64_t burst, const DescriptorSlot& slot,
                                      uint64_t lane_base, std::span<uint8_t> lanes,
                                      uint64_t strobes) {
  if (scripted_write_backs_.empty() || !slot.ring) return;
  if (burst != numbered_burst_) {
    numbered_burst_ = burst;
    numbered_.clear();
  }
  const bool receive = slot.ring->buffer.has_value();
  uint32_t nth = 0;
  const auto seen = std::find_if(numbered_.begin(), numbered_.end(), [&](const auto& numbered) {
    return std::get<0>(numbered) == slot.ring && std::get<1>(numbered) == slot.index;
  });
  if (seen != numbered_.end()) {
    nth = std::get<2>(*seen);
  } else {
    nth = write_backs_seen_[receive ? 0 : 1]++;
    numbered_.emplace_back(slot.ring, slot.index, nth);
  }
  const auto [first, last] = scripted_write_backs_.equal_range({receive, nth});
  for (auto edit = first; edit != last; ++edit) {
    const ScriptedWriteBack& byte = edit->second;
    if (byte.offset >= slot.stride) continue;
    const uint64_t address = slot.address() + byte.offset;
    if (address < lane_base || address - lane_base >= lanes.size()) continue;
    const size_t lane = address - lane_base;
    if (!(strobes >> lane & 1)) continue;
    lanes[lane] = byte.op == ScriptOp::kSet ? byte.value : lanes[lane] ^ byte.value;
    ++script_counts_.write_back_bytes;
  }
}

void FaultInjector::count_link_down_loss(bool rx) {
  FaultCounts& counts = counts_[index(FaultKind::kLinkFlap)];
  ++(rx ? counts.rx_frames_lost : counts.tx_frames_lost);
  note_window(FaultKind::kLinkFlap);
}

void FaultInjector::note_removal(uint64_t rx_frames_never_sent) {
  FaultCounts& counts = counts_[index(FaultKind::kSurpriseRemoval)];
  ++counts.injections;
  counts.rx_frames_lost += rx_frames_never_sent;
}

uint64_t FaultInjector::next_due_cycle(uint64_t cycle) const {
  uint64_t next = held_.empty() ? kNever : std::max(held_.begin()->first, cycle + 1);
  for (const Window& w : windows_) {
    if (w.start > cycle) next = std::min(next, w.start);
    if (w.end > cycle && w.end != kNever) next = std::min(next, w.end);
  }
  return next;
}

}  // namespace nicsim::sim
