// The fault layer's plan and injector on their own: what --fault accepts and refuses (naming the
// value), and that the same seed injects the same faults.
#include "sim/faults/fault_plan.h"

#include <gtest/gtest.h>

#include <array>
#include <span>
#include <string>
#include <vector>

#include "sim/faults/fault_injector.h"

namespace nicsim::sim {
namespace {

std::string ParseError(const std::vector<std::string>& texts) {
  FaultPlan plan;
  return parse_fault_plan(texts, plan);
}

TEST(FaultPlan, EveryCatalogNameParsesWithItsParameter) {
  for (const FaultInfo& info : fault_catalog()) {
    std::string text(info.name);
    if (info.param == FaultParam::kCycles) text += ":100";
    if (info.param == FaultParam::kRate) text += ":2.5";
    if (info.param == FaultParam::kTime) text += ":200us";
    std::string error;
    const auto fault = parse_fault(text, error);
    ASSERT_TRUE(fault) << text << ": " << error;
    EXPECT_EQ(fault->kind, info.kind);
    EXPECT_FALSE(info.description.empty());
  }
  std::string error;
  EXPECT_EQ(parse_fault("link-errors:2.5", error)->param, 25'000u);  // parts per million
  EXPECT_EQ(parse_fault("surprise-removal:200us", error)->param, 200'000u);
  EXPECT_EQ(parse_fault("msix-delay:100", error)->param, 100u);
}

TEST(FaultPlan, BadValuesAreRefusedNamingTheValue) {
  EXPECT_NE(ParseError({"msix-lose"}).find("--fault msix-lose: unknown fault \"msix-lose\""),
            std::string::npos);
  EXPECT_NE(ParseError({"msix-drop:3"}).find("msix-drop takes no parameter"), std::string::npos);
  EXPECT_NE(ParseError({"msix-delay"}).find("needs a parameter, msix-delay:CYCLES"),
            std::string::npos);
  for (const char* bad : {"msix-delay:abc", "msix-delay:0", "msix-delay:-5",
                          "msix-delay:", "msix-delay:99999999999999999999999"}) {
    EXPECT_NE(ParseError({bad}).find(std::string("--fault ") + bad + ": CYCLES"), std::string::npos)
        << bad;
  }
  for (const char* bad : {"link-errors:0", "link-errors:101", "link-errors:1.", "link-errors:x"})
    EXPECT_NE(ParseError({bad}).find("RATE"), std::string::npos) << bad;
  for (const char* bad : {"surprise-removal:0", "surprise-removal:5parsecs", "surprise-removal:us"})
    EXPECT_NE(ParseError({bad}).find("TIME"), std::string::npos) << bad;
  EXPECT_NE(ParseError({"msix-drop", "msix-drop"}).find("already given"), std::string::npos);
  EXPECT_NE(ParseError({"writeback-corrupt-length:2"}).find("takes no parameter"),
            std::string::npos);
  EXPECT_EQ(ParseError({"msix-drop", "link-errors:5", "surprise-removal:1ms"}), "");
}

// Drives the message filter with a fixed stream and records what comes out when.
std::vector<std::pair<uint64_t, uint32_t>> Deliveries(const std::string& fault, uint64_t seed) {
  FaultPlan plan;
  EXPECT_EQ(parse_fault_plan({fault}, plan), "");
  FaultInjector injector(plan, seed);
  std::vector<std::pair<uint64_t, uint32_t>> out;
  for (uint64_t cycle = 0; cycle < 4000; ++cycle) {
    std::vector<MsiMessage> written;
    if (cycle % 10 == 0) written.push_back({0xFEE00000, static_cast<uint32_t>(cycle)});
    for (const MsiMessage& m : injector.filter_messages(cycle, written))
      out.push_back({cycle, m.data});
    for (const MsiMessage& m : injector.take_due_messages(cycle)) out.push_back({cycle, m.data});
  }
  return out;
}

TEST(FaultInjector, MessagesAreDroppedDuplicatedOrDelayedTheSameWayForASeed) {
  const auto drop = Deliveries("msix-drop", 1);
  EXPECT_LT(drop.size(), 400u);
  EXPECT_GT(drop.size(), 300u);
  EXPECT_EQ(drop, Deliveries("msix-drop", 1));
  EXPECT_NE(drop, Deliveries("msix-drop", 2));
  const auto duplicate = Deliveries("msix-duplicate", 1);
  EXPECT_GT(duplicate.size(), 450u);
  EXPECT_EQ(duplicate, Deliveries("msix-duplicate", 1));
  const auto delayed = Deliveries("msix-delay:25", 1);
  ASSERT_EQ(delayed.size(), 398u);  // the last two are still held at the end
  for (const auto& [cycle, data] : delayed) EXPECT_EQ(cycle, data + 25u);
}

TEST(FaultInjector, DmaErrorsAnswerSlvErrOrDecErrOnSomeBursts) {
  FaultPlan plan;
  ASSERT_EQ(parse_fault_plan({"dma-write-error"}, plan), "");
  FaultInjector injector(plan, 7);
  unsigned errors = 0;
  for (uint64_t cycle = 0; cycle < 3200; ++cycle) {
    const uint8_t resp = injector.dma_write_response(cycle);
    EXPECT_TRUE(resp == 0 || resp == 2 || resp == 3);
    EXPECT_EQ(injector.dma_read_response(cycle), 0);  // not in the plan
    errors += resp != 0;
  }
  EXPECT_GT(errors, 50u);
  EXPECT_LT(errors, 200u);
  EXPECT_EQ(injector.counts(FaultKind::kDmaWriteError).injections, errors);
}

TEST(FaultInjector, LinkErrorsFlagOrTruncateToARunt) {
  FaultPlan plan;
  ASSERT_EQ(parse_fault_plan({"link-errors:50"}, plan), "");
  FaultInjector injector(plan, 3);
  injector.set_min_frame(60);
  unsigned flagged = 0, truncated = 0;
  for (int i = 0; i < 400; ++i) {
    std::vector<uint8_t> frame(100);
    bool bad = false;
    injector.damage_rx_frame(frame, bad);
    flagged += bad;
    if (frame.size() != 100) {
      ++truncated;
      EXPECT_LT(frame.size(), 60u);
      EXPECT_FALSE(bad);
    }
  }
  EXPECT_GT(flagged, 50u);
  EXPECT_GT(truncated, 50u);
  EXPECT_EQ(injector.counts(FaultKind::kLinkErrors).injections, flagged + truncated);
}

// A ring of 8 slots of 16 bytes at 0x1000: writes there are write-backs, others are not. With
// a ring declaration, each slot holds a buffer of 2048 bytes.
SlotLocator EightSlotRing(const RingCause* ring = nullptr) {
  return [ring](uint64_t address) -> std::optional<DescriptorSlot> {
    if (address < 0x1000 || address >= 0x1080) return std::nullopt;
    return DescriptorSlot{
        0x1000, 8, 16, static_cast<uint32_t>((address - 0x1000) / 16), ring, ring ? 2048u : 0u};
  };
}

// A beat of 8 bytes, every lane enabled, whose data the injector leaves as it is.
WriteBackFate Fate(FaultInjector& injector, uint64_t burst, uint64_t address) {
  uint8_t lanes[8] = {};
  return injector.write_back_fate(burst, address, lanes, 0xFF);
}

TEST(FaultInjector, WritebackDelayHoldsOnlyWriteBacks) {
  FaultPlan plan;
  ASSERT_EQ(parse_fault_plan({"writeback-delay:300"}, plan), "");
  FaultInjector injector(plan, 1);
  injector.set_slot_locator(EightSlotRing());
  EXPECT_EQ(Fate(injector, 1, 0x1018).delay, 300u);
  EXPECT_EQ(Fate(injector, 1, 0x1018).address, 0x1018u);
  EXPECT_EQ(Fate(injector, 2, 0x2000).delay, 0u);  // a buffer, not a descriptor
  EXPECT_EQ(injector.counts(FaultKind::kWritebackDelay).injections, 1u);
}

TEST(FaultInjector, WritebackBadIndexMovesEveryBeatOfABurstToTheSameOtherSlot) {
  FaultPlan plan;
  ASSERT_EQ(parse_fault_plan({"writeback-bad-index"}, plan), "");
  FaultInjector injector(plan, 1);
  injector.set_slot_locator(EightSlotRing());
  unsigned moved = 0;
  for (uint64_t burst = 0; burst < 400; ++burst) {
    const uint64_t slot = 0x1000 + (burst % 8) * 16;
    const WriteBackFate first = Fate(injector, burst, slot);
    const WriteBackFate second = Fate(injector, burst, slot + 8);
    EXPECT_EQ(second.address, first.address + 8);
    EXPECT_GE(first.address, 0x1000u);
    EXPECT_LT(first.address, 0x1080u);
    moved += first.address != slot;
  }
  EXPECT_GT(moved, 5u);
  EXPECT_EQ(injector.counts(FaultKind::kWritebackBadIndex).injections, moved);
}

// A receive ring whose write-back reports the stored length in bits [shift, shift + 16) of word
// 1, with 2048-byte buffers.
RingCause ReceiveRing(uint32_t shift) {
  RingCause ring;
  ring.buffer = RingBuffer{DescriptorField{0, 0, 64}, 2048, std::nullopt};
  ring.written_length = DescriptorField{1, shift, 16};
  return ring;
}

// Writes back every slot in turn (4-byte beats, every lane) with the length 100 and returns
// the length each write-back ends with.
std::vector<uint64_t> WrittenLengths(FaultInjector& injector, uint32_t shift, unsigned count) {
  std::vector<uint64_t> lengths;
  for (uint64_t burst = 0; burst < count; ++burst) {
    const uint64_t slot = 0x1000 + (burst % 8) * 16;
    std::array<uint8_t, 16> descriptor{};
    const uint64_t word = uint64_t{100} << shift;
    for (unsigned i = 0; i < 8; ++i) descriptor[8 + i] = static_cast<uint8_t>(word >> (8 * i));
    for (unsigned beat = 0; beat < 4; ++beat) {
      const WriteBackFate fate = injector.write_back_fate(
          burst, slot + 4 * beat, std::span(descriptor).subspan(4 * beat, 4), 0xF);
      EXPECT_EQ(fate.address, slot + 4 * beat);  // the data changes, not where it lands
    }
    lengths.push_back(DescriptorField{1, shift, 16}.read(descriptor));
  }
  return lengths;
}

TEST(FaultInjector, WritebackCorruptLengthReportsMoreThanTheBufferInSomeWriteBacks) {
  FaultPlan plan;
  ASSERT_EQ(parse_fault_plan({"writeback-corrupt-length"}, plan), "");
  // Bits 8..23 (bytes 9-10, one beat) and bits 24..39 (bytes 11-12: split over two beats).
  for (uint32_t shift : {8u, 24u}) {
    const RingCause ring = ReceiveRing(shift);
    FaultInjector injector(plan, 1);
    injector.set_slot_locator(EightSlotRing(&ring));
    unsigned corrupted = 0;
    for (uint64_t length : WrittenLengths(injector, shift, 400)) {
      if (length == 100) continue;
      ++corrupted;
      EXPECT_GT(length, 2048u) << "shift " << shift;
    }
    EXPECT_GT(corrupted, 10u);
    EXPECT_LT(corrupted, 50u);  // about 1 in 16
    const FaultCounts& counts = injector.counts(FaultKind::kWritebackCorruptLength);
    EXPECT_EQ(counts.injections, corrupted);
    EXPECT_EQ(counts.rx_frames_lost, corrupted);
  }
}

// A ring without a written-back length (a transmit ring) is never touched.
TEST(FaultInjector, WritebackCorruptLengthLeavesRingsWithoutTheFieldAlone) {
  FaultPlan plan;
  ASSERT_EQ(parse_fault_plan({"writeback-corrupt-length"}, plan), "");
  RingCause ring = ReceiveRing(8);
  ring.written_length.reset();
  FaultInjector injector(plan, 1);
  injector.set_slot_locator(EightSlotRing(&ring));
  for (uint64_t length : WrittenLengths(injector, 8, 400)) EXPECT_EQ(length, 100u);
  EXPECT_EQ(injector.counts(FaultKind::kWritebackCorruptLength).injections, 0u);
}

FaultPlan ScriptPlan(FaultScript script) {
  FaultPlan plan;
  plan.script = std::move(script);
  return plan;
}

TEST(FaultScript, MessagesAreDroppedDuplicatedOrDelayedByTheirNumber) {
  FaultScript script;
  script.messages = {{2, MessageFate::kDrop, 0},
                     {5, MessageFate::kDuplicate, 10},
                     {7, MessageFate::kDelay, 30},
                     {7, MessageFate::kDrop, 0}};  // a second fate for one message is ignored
  FaultInjector injector(ScriptPlan(script), 1);
  std::vector<std::pair<uint64_t, uint32_t>> delivered;  // cycle, message number
  for (uint64_t cycle = 0; cycle < 200; ++cycle) {
    std::vector<MsiMessage> written;
    if (cycle % 10 == 0) written.push_back({0xFEE00000, static_cast<uint32_t>(cycle / 10)});
    for (const MsiMessage& m : injector.filter_messages(cycle, written))
      delivered.push_back({cycle, m.data});
    for (const MsiMessage& m : injector.take_due_messages(cycle))
      delivered.push_back({cycle, m.data});
  }
  // In a cycle, the messages written then come before those held back until then.
  const std::vector<std::pair<uint64_t, uint32_t>> expected = {
      {0, 0},    {10, 1},   {30, 3},   {40, 4},   {50, 5},   {60, 6},   {60, 5},
      {80, 8},   {90, 9},   {100, 10}, {100, 7},  {110, 11}, {120, 12}, {130, 13},
      {140, 14}, {150, 15}, {160, 16}, {170, 17}, {180, 18}, {190, 19}};
  EXPECT_EQ(delivered, expected);
  EXPECT_EQ(injector.script_counts().messages, 3u);
}

TEST(FaultScript, RegisterReadsChangeOnlyTheNthReadOfTheirRegister) {
  FaultScript script;
  script.reads = {{0x10, 1, ScriptOp::kSet, 0xA5A5A5A5},
                  {0x10, 1, ScriptOp::kXor, 0xFF},
                  {0x20, 0, ScriptOp::kXor, 0x3}};
  FaultInjector injector(ScriptPlan(script), 1);
  EXPECT_TRUE(injector.acts_on_reads());
  EXPECT_EQ(injector.register_read(0x10, 7), 7u);
  EXPECT_EQ(injector.register_read(0x14, 7), 7u);           // another register: its own count
  EXPECT_EQ(injector.register_read(0x10, 7), 0xA5A5A55Au);  // set, then xor, in script order
  EXPECT_EQ(injector.register_read(0x10, 7), 7u);
  EXPECT_EQ(injector.register_read(0x20, 1), 2u);
  EXPECT_EQ(injector.script_counts().reads, 3u);
  EXPECT_FALSE(FaultInjector(ScriptPlan({}), 1).acts_on_reads());
}

// Write-backs are numbered per kind, once per burst and slot, however many beats carry them;
// an edit changes a byte only where the beat's enabled lanes write it.
TEST(FaultScript, WriteBackBytesChangeInTheNthWriteBackOfTheirKind) {
  RingCause receive = ReceiveRing(0);
  RingCause transmit;  // no buffer: not a receive ring
  FaultScript script;
  script.write_backs = {{true, 1, 9, ScriptOp::kSet, 0x77},
                        {true, 1, 3, ScriptOp::kXor, 0xFF},
                        {false, 0, 8, ScriptOp::kXor, 0x01},
                        {true, 2, 40, ScriptOp::kSet, 1},
                        {true, 2, 12, ScriptOp::kSet, 0x55}};
  FaultInjector injector(ScriptPlan(script), 1);
  ASSERT_TRUE(injector.acts_on_write_backs());
  bool transmit_ring = false;
  injector.set_slot_locator([&](uint64_t address) -> std::optional<DescriptorSlot> {
    if (address < 0x1000 || address >= 0x1080) return std::nullopt;
    return DescriptorSlot{0x1000,
                          8,
                          16,
                          static_cast<uint32_t>((address - 0x1000) / 16),
                          transmit_ring ? &transmit : &receive,
                          transmit_ring ? 0u : 2048u};
  });
  // Writes a descriptor of zeros back in two 8-byte beats; returns what lands.
  const auto write_back = [&](uint64_t burst, uint64_t slot, uint64_t second_strobes) {
    std::array<uint8_t, 16> descriptor{};
    const uint64_t address = 0x1000 + slot * 16;
    injector.write_back_fate(burst, address, std::span(descriptor).first(8), 0xFF);
    injector.write_back_fate(burst, address + 8, std::span(descriptor).last(8), second_strobes);
    return descriptor;
  };
  EXPECT_EQ(write_back(0, 0, 0xFF), (std::array<uint8_t, 16>{}));  // receive 0: no edit
  std::array<uint8_t, 16> second{};
  second[3] = 0xFF;
  second[9] = 0x77;
  EXPECT_EQ(write_back(1, 1, 0xFF), second);  // receive 1
  std::array<uint8_t, 16> third{};
  EXPECT_EQ(write_back(2, 2, 0x0F), third);  // receive 2: byte 12's lane is not written
  transmit_ring = true;
  std::array<uint8_t, 16> sent{};
  sent[8] = 0x01;
  EXPECT_EQ(write_back(3, 3, 0xFF), sent);  // transmit 0
  EXPECT_EQ(injector.script_counts().write_back_bytes, 3u);
}

TEST(FaultInjector, WindowsStartAtASeededCycleAndWakeTheClockDomain) {
  FaultPlan plan;
  ASSERT_EQ(parse_fault_plan({"intx-stuck"}, plan), "");
  FaultInjector injector(plan, 1);
  EXPECT_EQ(injector.next_due_cycle(0), FaultInjector::kNever);  // no traffic yet
  injector.note_traffic(1000);
  injector.note_traffic(5000);  // the first frame anchors the window
  const uint64_t start = injector.next_due_cycle(1000);
  ASSERT_GE(start, 1000 + FaultInjector::kWindowEarliest);
  ASSERT_LT(start, 1000 + FaultInjector::kWindowEarliest + FaultInjector::kWindowSpread);
  EXPECT_FALSE(injector.intx_stuck(start - 1));
  EXPECT_TRUE(injector.intx_stuck(start));
  EXPECT_EQ(injector.next_due_cycle(start), start + FaultInjector::kWindowCycles);
  EXPECT_FALSE(injector.intx_stuck(start + FaultInjector::kWindowCycles));
  EXPECT_FALSE(injector.line_storm(start));
  EXPECT_EQ(injector.next_due_cycle(start + FaultInjector::kWindowCycles), FaultInjector::kNever);
}

}  // namespace
}  // namespace nicsim::sim
