// What the platform and the monitors know about a device: its device description
// (sim/DEVICE_CONTRACT.md) with every role resolved to BAR0 offsets and bit masks, as
// rtl/regs/regs_gen.py writes it to <name>_device.json. Nothing here names one design.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

namespace nicsim::sim {

// A bad description; what() names the key and the value.
class DeviceDescriptionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A field of a register: its BAR0 offset and its bits.
struct RegisterField {
  uint32_t offset = 0;
  uint32_t mask = 0;
};

// One interrupt message's registers: an MSI-X table entry, or the MSI address/data pair.
struct MessageEntry {
  uint32_t address_lo = 0;
  uint32_t address_hi = 0;
  uint32_t data = 0;
  std::optional<uint32_t> control;  // MSI-X vector control
  uint32_t masked_mask = 0;         // its bit that masks the vector (MSI-X)
};

// A field of a descriptor: the little-endian 64-bit word holding it and its bits in that word.
struct DescriptorField {
  uint32_t qword = 0;
  uint32_t shift = 0;
  uint32_t width = 64;
  // The field's value in a descriptor's bytes (bytes past their end read as zero).
  uint64_t read(std::span<const uint8_t> descriptor) const;
};

// The buffer a descriptor hands the device (a receive buffer): its address and its size.
struct RingBuffer {
  DescriptorField address;
  uint32_t bytes = 0;                          // a fixed size, unless
  std::optional<DescriptorField> bytes_field;  // the descriptor holds it
};

// A descriptor ring whose write-backs set a cause bit: a DMA write into it owes an interrupt.
// With its doorbell (tail) declared, the platform also follows who owns each slot.
struct RingCause {
  std::string name;  // "RX3", "TX": the descriptor kind, and the ring's index in an array block
  uint32_t cause_mask = 0;
  uint32_t base_lo = 0;
  uint32_t base_hi = 0;
  uint32_t size = 0;
  bool size_in_bytes = false;  // the size register counts bytes, not descriptors
  uint32_t descriptor_bytes = 16;
  std::optional<uint32_t> tail;      // the doorbell: one past the last slot handed over
  std::optional<uint32_t> head;      // the device's next slot (a write moves it)
  std::optional<RingBuffer> buffer;  // what each descriptor points the device at
  // Where a write-back reports the bytes the device stored in that buffer (a receive ring).
  std::optional<DescriptorField> written_length;
};

// The frame lengths (without FCS) the NIC receives; shorter or longer ones it drops and counts.
struct FrameLimits {
  uint32_t min_frame = 0;
  uint32_t max_frame = 0;
};

// A register counting frames the NIC dropped (received: runt, oversize, bad, no_desc) or refused
// to send (its own reason names, e.g. bad_len) for one reason.
struct DropCounter {
  std::string reason;
  uint32_t offset = 0;
};

struct DeviceDescription {
  enum class MessageKind : uint8_t { kMsix, kMsi };

  std::string name;
  uint32_t bar0_bytes = 0;  // BAR0's size: a power of two holding every register
  RegisterField id;         // the identity register and the bits the driver checks
  uint32_t id_value = 0;
  // Writing 1 resets the device's state but this register's (e.g. CTRL.RESET).
  std::optional<RegisterField> soft_reset;

  uint32_t cause = 0;  // read, write 1 to clear
  std::optional<uint32_t> cause_set;
  uint32_t mask_set = 0;
  uint32_t mask_clear = 0;
  std::optional<RegisterField> line_mode;  // set: INTx instead of messages
  MessageKind message_kind = MessageKind::kMsix;
  std::vector<MessageEntry> messages;
  std::optional<RegisterField> msi_enable;
  std::optional<uint32_t> pba;
  std::vector<RegisterField> throttle;  // per vector; empty: the device declares none
  std::vector<uint32_t> vector_causes;  // cause bits each message vector signals
  std::vector<RingCause> rings;
  std::optional<FrameLimits> link;         // absent: every frame is expected through
  std::vector<DropCounter> drop_counters;  // read after the traffic to account for drops
  // Read after the traffic: the device's reasons for the sends it reported failed.
  std::vector<DropCounter> send_error_counters;
  // Read after the run: the device's own error events by reason (e.g. dma: error responses).
  std::vector<DropCounter> error_counters;

  // The resolved form (<name>_device.json). Throws DeviceDescriptionError.
  static DeviceDescription from_json(const nlohmann::json& resolved);
  static DeviceDescription load(const std::string& path);
};

}  // namespace nicsim::sim
