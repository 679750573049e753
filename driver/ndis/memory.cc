// Memory: ordinary allocations, DMA-able shared memory (grants), ownership handoff, checked
// shared-memory accessors.
#include "driver/ndis/memory.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "sim/host_memory.h"

namespace nicsim::ndis {

// Ordinary memory comes from host memory too (never granted), so an MDL over it can be mapped
// for scatter-gather DMA as non-paged pool can on Windows.
PVOID DriverMemory::allocate_memory(UINT length, const CallSite& at) {
  if (!core_.enter_call(at)) return nullptr;
  if (!core_.check_not_dirql("NdisAllocateMemoryWithTagPriority", at)) return nullptr;
  auto& memory = core_.platform().memory();
  const uint64_t address = memory.allocate(length ? length : 1, 16);
  PVOID va = memory.data(address, length ? length : 1);
  if (auto* edges = core_.edges())
    edges->memory_given(va, length, "NdisAllocateMemoryWithTagPriority", at, 0);
  return va;
}

void DriverMemory::free_memory(PVOID va, const CallSite& at) {
  if (!va || !core_.enter_call(at)) return;
  auto& memory = core_.platform().memory();
  const uint64_t address = memory.address_of(va);
  core_.evaluated("FREE_NOT_ALLOCATED");
  if (!address || !memory.is_allocation(address)) {
    core_.report("FREE_NOT_ALLOCATED", "NdisFreeMemory", at,
                 "NdisFreeMemory of memory NdisAllocateMemoryWithTagPriority did not return");
    return;
  }
  if (auto* edges = core_.edges()) edges->memory_taken(va);
  memory.free(address);
}

void DriverMemory::allocate_shared_memory(ULONG length, PVOID* va, PNDIS_PHYSICAL_ADDRESS pa,
                                          const CallSite& at) {
  if (!va || !pa) throw std::invalid_argument("NdisMAllocateSharedMemory: null output");
  *va = nullptr;
  pa->QuadPart = 0;
  if (length == 0 || !core_.enter_call(at)) return;
  if (!core_.check_not_dirql("NdisMAllocateSharedMemory", at)) return;
  auto& memory = core_.platform().memory();
  const uint64_t address = memory.allocate(length, 64);
  uint8_t* pointer = memory.data(address, length);
  if (!pointer) return;
  std::memset(pointer, 0, length);
  memory.grant(address, length, format_where(at));
  if (auto* edges = core_.edges())
    edges->memory_given(pointer, length, "NdisMAllocateSharedMemory", at, address);
  *va = pointer;
  pa->QuadPart = static_cast<LONGLONG>(address);
}

void DriverMemory::free_shared_memory(PVOID va, NDIS_PHYSICAL_ADDRESS pa, const CallSite& at) {
  if (!core_.enter_call(at)) return;
  core_.check_not_dirql("NdisMFreeSharedMemory", at);
  auto& memory = core_.platform().memory();
  const uint64_t address = pa.QuadPart ? static_cast<uint64_t>(pa.QuadPart) : memory.address_of(va);
  if (!address) return;
  if (auto* edges = core_.edges()) edges->memory_taken(memory.data(address, 1));
  memory.revoke(address);
  memory.set_owner(address, 0, sim::BufferOwner::kCpu);
  memory.free(address);
}

void DriverMemory::sync_buffer(PVOID va, ULONG length, bool for_device, const CallSite& at) {
  if (!core_.enter_call(at)) return;
  auto& memory = core_.platform().memory();
  const uint64_t address = memory.address_of(va);
  if (!address) {
    std::fprintf(stderr, "nicsim ndis: NdisMSyncBuffer of memory that is not shared at %s\n",
                 format_where(at).c_str());
    return;
  }
  memory.set_owner(address, length,
                   for_device ? sim::BufferOwner::kDevice : sim::BufferOwner::kCpu);
}

std::optional<DeviceBufferTouch> device_buffer_touch(const sim::HostMemory& memory,
                                                     uint64_t address, uint64_t bytes, bool write) {
  const uint64_t last = address + (bytes ? bytes - 1 : 0);
  if (memory.owner(address) != sim::BufferOwner::kDevice &&
      memory.owner(last) != sim::BufferOwner::kDevice)
    return std::nullopt;
  char object[40];
  std::snprintf(object, sizeof object, "buffer 0x%llx", static_cast<unsigned long long>(address));
  return DeviceBufferTouch{object, std::string("the driver ") + (write ? "wrote" : "read") + " " +
                                       std::to_string(bytes) + " bytes at " + object +
                                       " while the device owns it"};
}

uint64_t DriverMemory::touch_shared(const volatile void* va, ULONG length, bool write,
                                    const CallSite& at) {
  if (!core_.enter_call(at, sim::Cost::kSharedAccess)) return 0;
  auto& memory = core_.platform().memory();
  const uint64_t address = memory.address_of(const_cast<const void*>(va));
  if (!address) return 0;
  core_.evaluated("CPU_TOUCHES_DEVICE_BUFFER");
  if (auto touch = device_buffer_touch(memory, address, length, write))
    core_.report("CPU_TOUCHES_DEVICE_BUFFER", touch->object, at, touch->message);
  return address;
}

}  // namespace nicsim::ndis
