// A scripted hostile device: exact edits of what the device shows the host, each at the nth
// occurrence (from 0) of its event, where a named fault (fault_plan.h) acts by seeded chance.
// The device fuzzer (testbench/fuzz/device_fuzz.cc) decodes its input into one; a test can
// write one by hand. FaultInjector applies it through the same hooks as the named faults:
// descriptor write-backs on their way to host memory (found through the description's rings),
// register reads on their way back to the CPU (by BAR0 offset), interrupt messages on their way
// to the interrupt controller. Nothing here names one design.
#pragma once

#include <cstdint>
#include <vector>

namespace nicsim::sim {

// How an edit combines with what the device sent: replace it, or flip the bits set.
enum class ScriptOp : uint8_t { kSet, kXor };

// One byte of the nth write-back of a kind: a receive ring's (one whose descriptors hand the
// device a buffer) or another ring's. Counted per kind in the order the device writes them; a
// write-back is what one write burst stores in one descriptor slot. Only a byte the device
// writes in that write-back can change.
struct ScriptedWriteBack {
  bool receive = true;
  uint32_t nth = 0;
  uint32_t offset = 0;  // the byte within the descriptor
  ScriptOp op = ScriptOp::kSet;
  uint8_t value = 0;
};

// The value the CPU gets from the nth read of the 32-bit register at a BAR0 offset.
struct ScriptedRead {
  uint32_t offset = 0;
  uint32_t nth = 0;
  ScriptOp op = ScriptOp::kSet;
  uint32_t value = 0;
};

// What becomes of the nth interrupt message the device writes.
enum class MessageFate : uint8_t {
  kDrop,       // never delivered
  kDuplicate,  // delivered, and once more `cycles` later
  kDelay,      // delivered `cycles` late
};
struct ScriptedMessage {
  uint32_t nth = 0;
  MessageFate fate = MessageFate::kDrop;
  uint32_t cycles = 0;
};

struct FaultScript {
  std::vector<ScriptedWriteBack> write_backs;
  std::vector<ScriptedRead> reads;
  std::vector<ScriptedMessage> messages;
  bool empty() const { return write_backs.empty() && reads.empty() && messages.empty(); }
};

// What a script did in a run: edits that found their event.
struct ScriptCounts {
  uint64_t write_back_bytes = 0;
  uint64_t reads = 0;
  uint64_t messages = 0;
};

}  // namespace nicsim::sim
