// What a device's pins tell about interrupts, read through its device description
// (sim/DEVICE_CONTRACT.md): the register writes the driver made (line or message mode, cause
// masks, throttle intervals, the message table, the rings), the causes the device owes (descriptor
// write-backs completed, cause-set and cause writes) and the messages it issued, each mapped to its
// vector. Shared by the throttle and liveness monitors and the NDIS layer's device probe; it
// follows the pins only, never the RTL's internals.
#pragma once

#include <cstdint>
#include <deque>
#include <unordered_map>
#include <vector>

#include "sim/device_description.h"
#include "sim/device_ports.h"
#include "sim/interrupt_controller.h"
#include "sim/monitors/register_writes.h"

namespace nicsim::sim {

struct MsiEvent {
  uint64_t issue_cycle;  // first cycle its AWVALID was shown
  uint64_t address;
  uint32_t data;
  int vector;  // -1: matches no programmed message
};

class InterruptView {
 public:
  explicit InterruptView(const DeviceDescription& device);

  void on_cycle(uint64_t cycle, const DevicePorts& ports);

  // Messages whose data beat was accepted in the last cycle seen.
  const std::vector<MsiEvent>& messages() const { return messages_; }
  unsigned num_vectors() const { return static_cast<unsigned>(device_.vector_causes.size()); }
  // The device signals on intx: its line-mode field is set, or its MSI is not enabled.
  bool intx_mode() const {
    if (device_.line_mode) return line_mode_;
    return device_.msi_enable && !msi_enabled_;
  }
  // The vector's throttle interval in cycles; 0 when the device declares no throttle.
  uint32_t itr(unsigned vector) const { return vector < itr_.size() ? itr_[vector] : 0; }
  bool vector_masked(unsigned vector) const {
    if (device_.message_kind == DeviceDescription::MessageKind::kMsi) return intx_mode();
    return message_masked_[vector];
  }
  uint32_t causes() const { return cause_; }
  uint32_t enabled() const { return enabled_; }
  // The cause bits that vector signals.
  uint32_t vector_causes(unsigned vector) const { return device_.vector_causes[vector]; }
  // Changes whenever the registers or causes may have changed (never for messages alone), so a
  // reader can skip recomputing what it derives from them while it stays the same.
  uint64_t version() const { return version_; }
  static bool is_message_address(uint64_t address) {
    return address >= InterruptController::kMsiBase &&
           address - InterruptController::kMsiBase < InterruptController::kMsiSize;
  }

 private:
  // What a register write at one offset does; a register may hold several roles.
  enum class Role : uint8_t {
    kSoftReset,
    kLineMode,
    kCause,
    kCauseSet,
    kMaskSet,
    kMaskClear,
    kThrottle,
    kMessageAddressLo,
    kMessageAddressHi,
    kMessageData,
    kMessageControl,
    kMsiEnable,
    kRingBaseLo,
    kRingBaseHi,
    kRingSize,
  };
  struct Target {
    Role role;
    unsigned index = 0;  // the vector, message or ring
  };
  struct Ring {
    uint64_t base = 0;
    uint32_t size = 0;  // as written: entries or bytes
  };
  struct Write {
    uint64_t issue_cycle;
    uint64_t address;
    uint64_t beat_bytes;  // 1 << AWSIZE
    bool message;
    uint32_t causes;  // the cause bits its B response sets (a descriptor write-back)
  };
  void add_target(uint32_t offset, Role role, unsigned index = 0);
  void reset_registers(bool keep_soft_reset_register);
  void apply(const RegisterWrite& write);
  void apply(const Target& target, const RegisterWrite& write);
  uint32_t write_back_causes(uint64_t address, uint64_t bytes) const;
  int message_vector(uint64_t address, uint32_t data) const;

  const DeviceDescription& device_;
  uint64_t version_ = 0;
  uint32_t all_causes_ = 0;
  std::unordered_map<uint32_t, std::vector<Target>> targets_;  // by register offset
  RegisterWriteTracker writes_tracker_;

  bool line_mode_ = false;
  bool msi_enabled_ = false;
  uint32_t cause_ = 0, enabled_ = 0;
  std::vector<uint32_t> itr_;
  std::vector<uint64_t> message_address_;
  std::vector<uint32_t> message_data_;
  std::vector<bool> message_masked_;
  std::vector<Ring> rings_;

  bool aw_shown_ = false;
  uint64_t aw_issue_cycle_ = 0;
  std::deque<Write> w_queue_;  // accepted AW waiting for its W beats
  std::deque<Write> b_queue_;  // accepted AW waiting for its B
  std::vector<MsiEvent> messages_;
};

}  // namespace nicsim::sim
