// Injects a FaultPlan where the platform meets the device's pins: the interrupt messages and the
// INTx level the device shows the host (NicDomain), DMA responses (AxiMemorySlave), frames on the
// wire (LinkPartner), register reads (MmioBridge) and, after a surprise removal, the device itself
// (NicDomain, MmioBridge). Every fault draws from its own generator seeded from the run seed and
// its name, in simulation order, so the same seed and plan inject the same faults at the same
// cycles. The plan's script (fault_script.h) acts at the same places, exactly where it says.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <span>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/axi_memory_slave.h"
#include "sim/device_description.h"
#include "sim/faults/fault_plan.h"

namespace nicsim::sim {

// A descriptor slot of a ring the device description declares, as the driver programmed it.
struct DescriptorSlot {
  uint64_t ring_base = 0;
  uint32_t slots = 0, stride = 0, index = 0;
  const RingCause* ring = nullptr;  // the ring as the description declares it
  uint64_t buffer_bytes = 0;        // the buffer the device took with this slot (0: none known)
  uint64_t address() const { return ring_base + uint64_t{index} * stride; }
};
// The slot a device write at an address falls in, if any (sim/monitors/ring_ownership.h).
using SlotLocator = std::function<std::optional<DescriptorSlot>(uint64_t address)>;

// What a write-back fault does to one beat of a device write: land it `delay` cycles late and/or
// at another address (another slot of the same ring). Its bytes may be rewritten as well
// (write_back_fate changes them in place).
struct WriteBackFate {
  uint64_t delay = 0;
  uint64_t address = 0;
};

struct FaultCounts {
  uint64_t injections = 0;      // times the fault acted (a message, a burst, a frame, a window)
  uint64_t rx_frames_lost = 0;  // frames from the link partner it cost
  uint64_t tx_frames_lost = 0;  // frames the device sent that it cost
};

class FaultInjector {
 public:
  // The fault windows (link-flap, intx-stuck, shared-line-storm) last this long and start a
  // seeded number of cycles in [kWindowEarliest, kWindowEarliest + kWindowSpread) after the
  // traffic starts (the first frame on the link, either way), so they hit traffic whatever time
  // the driver takes to initialize.
  static constexpr uint64_t kWindowCycles = 20'000;
  static constexpr uint64_t kWindowEarliest = 2'000;
  static constexpr uint64_t kWindowSpread = 20'000;
  static constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();

  FaultInjector(FaultPlan plan, uint64_t seed);

  const FaultPlan& plan() const { return plan_; }
  bool has(FaultKind kind) const { return plan_.has(kind); }
  const FaultCounts& counts(FaultKind kind) const { return counts_[index(kind)]; }

  // --- interrupt messages (the clock domain) ---
  // The messages the device wrote by the edge at cycle: drops, duplicates or holds some back;
  // returns those to deliver now.
  std::vector<MsiMessage> filter_messages(uint64_t cycle, std::vector<MsiMessage> written);
  // Held-back messages due at or before cycle, in due order.
  std::vector<MsiMessage> take_due_messages(uint64_t cycle);
  bool holds_messages() const { return !held_.empty(); }
  void drop_held_messages() { held_.clear(); }

  // --- INTx (the clock domain) ---
  // The device's line is held asserted (intx-stuck) / another device asserts the line
  // (shared-line-storm) during the edge at cycle.
  bool intx_stuck(uint64_t cycle) const { return in_window(FaultKind::kIntxStuck, cycle); }
  bool line_storm(uint64_t cycle) const { return in_window(FaultKind::kSharedLineStorm, cycle); }
  // Counts a window the first time it shows (one injection per window).
  void note_window(FaultKind kind);

  // --- DMA (the memory slave) ---
  // The response a burst accepted at cycle gets: 0 (OKAY), 2 (SLVERR) or 3 (DECERR).
  uint8_t dma_read_response(uint64_t cycle);
  uint8_t dma_write_response(uint64_t cycle);

  // --- descriptor write-backs (the memory slave) ---
  bool acts_on_write_backs() const {
    return has(FaultKind::kWritebackDelay) || has(FaultKind::kWritebackBadIndex) ||
           has(FaultKind::kWritebackCorruptLength) || !plan_.script.write_backs.empty();
  }
  void set_slot_locator(SlotLocator locate) { locate_ = std::move(locate); }
  // A beat of write burst `burst` whose byte lanes start at lane_base (lanes[i] lands at
  // lane_base + i where strobes has bit i): unchanged unless it is a write-back. A fault may
  // rewrite the enabled lanes in place.
  WriteBackFate write_back_fate(uint64_t burst, uint64_t lane_base, std::span<uint8_t> lanes,
                                uint64_t strobes);

  // --- register reads (the MMIO bridge) ---
  bool acts_on_reads() const { return !plan_.script.reads.empty(); }
  // The 32-bit word the device answered a read of the register at a BAR0 offset with: what the
  // CPU gets instead.
  uint32_t register_read(uint32_t offset, uint32_t value);

  // What the plan's script did so far.
  const ScriptCounts& script_counts() const { return script_counts_; }

  // --- the wire (the link partner) ---
  // A frame starts on the link at cycle; the first one anchors the fault windows.
  void note_traffic(uint64_t cycle);
  bool link_down(uint64_t cycle) const { return in_window(FaultKind::kLinkFlap, cycle); }
  // The shortest frame the device receives (its description's link limits; 0: none declared).
  void set_min_frame(uint32_t bytes) { min_frame_ = bytes; }
  // A frame from the link partner starts: link-errors may flag it bad (tuser) or truncate it (to
  // shorter than the device's minimum when it declares one, else also flagged bad).
  void damage_rx_frame(std::vector<uint8_t>& frame, bool& bad);
  // A frame lost on the wire while the link was down (rx: into the device; tx: out of it).
  void count_link_down_loss(bool rx);

  // --- surprise removal ---
  std::optional<uint64_t> removal_ns() const { return removal_ns_; }
  // Counts the removal and the frames it cost that never reached the wire.
  void note_removal(uint64_t rx_frames_never_sent);

  // The first cycle after `cycle` at which something held becomes due or a window starts or ends
  // (kNever if none), so a sleeping clock domain wakes for it.
  uint64_t next_due_cycle(uint64_t cycle) const;

 private:
  struct Window {
    uint64_t offset = kNever;  // after the traffic starts
    uint64_t start = kNever, end = kNever;
  };
  static size_t index(FaultKind kind) { return static_cast<size_t>(kind); }
  static constexpr size_t kKinds = static_cast<size_t>(FaultKind::kSurpriseRemoval) + 1;
  std::mt19937_64& rng(FaultKind kind) { return rngs_[index(kind)]; }
  bool chance(FaultKind kind, unsigned one_in);
  bool in_window(FaultKind kind, uint64_t cycle) const;
  uint8_t error_response(FaultKind kind, uint64_t cycle);
  // writeback-corrupt-length on the part of one slot's write-back a beat carries.
  void corrupt_length(uint64_t burst, const DescriptorSlot& slot, uint64_t lane_base,
                      std::span<uint8_t> lanes, uint64_t strobes);
  // The script's edits of one slot's write-back, on the part of it a beat carries.
  void script_write_back(uint64_t burst, const DescriptorSlot& slot, uint64_t lane_base,
                         std::span<uint8_t> lanes, uint64_t strobes);
  // The script's fate for a message; false when it has none for it.
  bool script_message(uint64_t cycle, const MsiMessage& message, std::vector<MsiMessage>& now);

  FaultPlan plan_;
  std::array<std::mt19937_64, kKinds> rngs_;
  std::array<FaultCounts, kKinds> counts_{};
  std::array<Window, kKinds> windows_{};
  std::array<bool, kKinds> window_seen_{};
  std::multimap<uint64_t, MsiMessage> held_;  // by due cycle; equal dues keep their order
  std::optional<uint64_t> removal_ns_;
  uint32_t min_frame_ = 0;
  SlotLocator locate_;
  uint64_t fate_burst_ = kNever;  // the burst the last bad-index choice was made for
  uint32_t fate_shift_ = 0;       // slots it moves that burst's write-back by (0: none)
  // The write-back (burst and slot) the last corrupt-length choice was made for, and the length
  // it writes there (none: left alone), so a field split over two beats gets one value.
  uint64_t length_burst_ = kNever;
  uint64_t length_slot_ = kNever;
  std::optional<uint64_t> length_value_;
  // The script, by its events: write-backs by (receive, nth), reads by (offset, nth), messages
  // by nth; and how many of each the device made so far.
  std::multimap<std::pair<bool, uint32_t>, ScriptedWriteBack> scripted_write_backs_;
  std::multimap<std::pair<uint32_t, uint32_t>, ScriptedRead> scripted_reads_;
  std::map<uint32_t, ScriptedMessage> scripted_messages_;  // the first edit of an nth counts
  std::array<uint32_t, 2> write_backs_seen_{};             // [receive], [other]
  std::map<uint32_t, uint32_t> reads_seen_;                // by offset
  uint32_t messages_seen_ = 0;
  // The slots the current write burst wrote into, each with its write-back's number.
  uint64_t numbered_burst_ = kNever;
  std::vector<std::tuple<const RingCause*, uint32_t, uint32_t>> numbered_;  // ring, slot, nth
  ScriptCounts script_counts_;
};

}  // namespace nicsim::sim
