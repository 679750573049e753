// The adapter's hardware as PnP hands it to initialize (NDIS_MINIPORT_INIT_PARAMETERS::
// AllocatedResources), set by the testbench and read by interrupts, I/O space and the lifecycle.
#pragma once

#include <cstdint>
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
};

}  // namespace nicsim::ndis
