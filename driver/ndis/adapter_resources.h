// The adapter's hardware as PnP hands it to initialize (NDIS_MINIPORT_INIT_PARAMETERS::
// AllocatedResources), set by the testbench and read by interrupts, I/O space and the lifecycle.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace nicsim::ndis {

// BAR0 and the interrupt, message-based with one message per entry of message_cpus (the CPU it
// targets), or line-based when message_cpus is empty.
struct AdapterResources {
  uint64_t bar0_address = 0;
  uint32_t bar0_length = 0x2000;
  std::vector<unsigned> message_cpus;
  // The BAR0 offsets of the device's interrupt mask registers (its description's mask-set and
  // mask-clear roles): a write to one outside a synchronize callback is MASK_OUTSIDE_SYNC. Not a
  // PnP resource; nicsim knows it from the device, so the driver need not declare it.
  std::vector<uint32_t> interrupt_mask_offsets;
  // The same registers by role, when the device describes them: the NDIS layer follows the
  // causes the driver's own writes left enabled (set ORs them in, clear takes them out).
  std::optional<uint32_t> interrupt_mask_set;
  std::optional<uint32_t> interrupt_mask_clear;
  // Register bits that reset the device or cut off its interrupt (its description's soft-reset,
  // MSI-X vector-mask and MSI-enable roles): writing one outside a synchronize callback while the
  // interrupt is registered and unmasked is DEVICE_RESET_WHILE_ENABLED.
  struct InterruptCutoff {
    enum class Kind : uint8_t {
      kSoftReset,    // written 1: the device resets (and its mask with it)
      kMessageMask,  // written 1: an MSI-X vector is masked
      kMsiEnable,    // written 0: MSI is off
    };
    uint32_t offset = 0;  // of the 32-bit register
    uint32_t mask = 0;    // its bits
    Kind kind = Kind::kSoftReset;
  };
  std::vector<InterruptCutoff> interrupt_cutoffs;
  // Runs just before a driver write that resets the device (a kSoftReset cutoff) reaches it, on
  // the writing CPU: the state the reset clears (the testbench's counters) is read here.
  std::function<void()> before_device_reset;
};

}  // namespace nicsim::ndis
