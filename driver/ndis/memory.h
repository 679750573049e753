// Memory the driver allocates through NDIS: ordinary and shared (DMA-able) memory, the handoff of
// a buffer between CPU and device (NdisMSyncBuffer), and checked CPU access to shared memory.
#pragma once

#include <ndis.h>

#include <cstdint>
#include <optional>
#include <string>

#include "driver/ndis/verifier_core.h"

namespace nicsim::sim {
class HostMemory;
}

namespace nicsim::ndis {

// CPU_TOUCHES_DEVICE_BUFFER's finding when any byte of [address, address + bytes) is owned by
// the device: the object ("buffer 0x...") and the message; nullopt when the CPU may touch it.
// Shared by the checked accessors and the instrumented plain accesses.
struct DeviceBufferTouch {
  std::string object;
  std::string message;
};
std::optional<DeviceBufferTouch> device_buffer_touch(const sim::HostMemory& memory,
                                                     uint64_t address, uint64_t bytes, bool write);

class DriverMemory {
 public:
  explicit DriverMemory(VerifierCore& core) : core_(core) {}

  PVOID allocate_memory(UINT length, const CallSite& at);
  void free_memory(PVOID va, const CallSite& at);
  void allocate_shared_memory(ULONG length, PVOID* va, PNDIS_PHYSICAL_ADDRESS pa,
                              const CallSite& at);
  void free_shared_memory(PVOID va, NDIS_PHYSICAL_ADDRESS pa, const CallSite& at);
  void sync_buffer(PVOID va, ULONG length, bool for_device, const CallSite& at);
  // Checks a CPU access to shared memory (a yield point); returns the host address or 0.
  uint64_t touch_shared(const volatile void* va, ULONG length, bool write, const CallSite& at);

 private:
  VerifierCore& core_;
};

}  // namespace nicsim::ndis
