// Memory: ordinary allocations, DMA-able shared memory (grants), ownership handoff, checked
// shared-memory accessors, and ISR-shared state (lockset analysis across IRQLs).
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "driver/ndis/kernel.h"
#include "driver/ndis/kernel_state.h"
#include "sim/host_memory.h"

namespace nicsim::ndis {

// Ordinary memory comes from host memory too (never granted), so an MDL over it can be mapped
// for scatter-gather DMA as non-paged pool can on Windows.
PVOID Kernel::allocate_memory(UINT length, const CallSite& at) {
  if (!enter_call(at)) return nullptr;
  if (!check_not_dirql("NdisAllocateMemoryWithTagPriority", at)) return nullptr;
  auto& memory = platform_.memory();
  const uint64_t address = memory.allocate(length ? length : 1, 16);
  return memory.data(address, length ? length : 1);
}

void Kernel::free_memory(PVOID va, const CallSite& at) {
  if (!va || !enter_call(at)) return;
  auto& memory = platform_.memory();
  const uint64_t address = memory.address_of(va);
  if (!address || !memory.is_allocation(address)) {
    report("FREE_NOT_ALLOCATED", "NdisFreeMemory", at,
           "NdisFreeMemory of memory NdisAllocateMemoryWithTagPriority did not return");
    return;
  }
  memory.free(address);
}

void Kernel::allocate_shared_memory(ULONG length, PVOID* va, PNDIS_PHYSICAL_ADDRESS pa,
                                    const CallSite& at) {
  if (!va || !pa) throw std::invalid_argument("NdisMAllocateSharedMemory: null output");
  *va = nullptr;
  pa->QuadPart = 0;
  if (length == 0 || !enter_call(at)) return;
  if (!check_not_dirql("NdisMAllocateSharedMemory", at)) return;
  auto& memory = platform_.memory();
  const uint64_t address = memory.allocate(length, 64);
  uint8_t* pointer = memory.data(address, length);
  if (!pointer) return;
  std::memset(pointer, 0, length);
  memory.grant(address, length, format_where(at));
  *va = pointer;
  pa->QuadPart = static_cast<LONGLONG>(address);
}

void Kernel::free_shared_memory(PVOID va, NDIS_PHYSICAL_ADDRESS pa, const CallSite& at) {
  if (!enter_call(at)) return;
  check_not_dirql("NdisMFreeSharedMemory", at);
  auto& memory = platform_.memory();
  const uint64_t address = pa.QuadPart ? static_cast<uint64_t>(pa.QuadPart) : memory.address_of(va);
  if (!address) return;
  memory.revoke(address);
  memory.set_owner(address, 0, sim::BufferOwner::kCpu);
  memory.free(address);
}

void Kernel::sync_buffer(PVOID va, ULONG length, bool for_device, const CallSite& at) {
  if (!enter_call(at)) return;
  auto& memory = platform_.memory();
  const uint64_t address = memory.address_of(va);
  if (!address) {
    std::fprintf(stderr, "nicsim ndis: NdisMSyncBuffer of memory that is not shared at %s\n",
                 format_where(at).c_str());
    return;
  }
  memory.set_owner(address, length,
                   for_device ? sim::BufferOwner::kDevice : sim::BufferOwner::kCpu);
}

uint64_t Kernel::touch_shared(const volatile void* va, ULONG length, bool write,
                              const CallSite& at) {
  if (!enter_call(at, sim::Cost::kSharedAccess)) return 0;
  auto& memory = platform_.memory();
  const uint64_t address = memory.address_of(const_cast<const void*>(va));
  if (!address) return 0;
  const uint64_t last = address + (length ? length - 1 : 0);
  if (memory.owner(address) == sim::BufferOwner::kDevice ||
      memory.owner(last) == sim::BufferOwner::kDevice) {
    char object[40];
    std::snprintf(object, sizeof object, "buffer 0x%llx", static_cast<unsigned long long>(address));
    report("CPU_TOUCHES_DEVICE_BUFFER", object, at,
           std::string("the driver ") + (write ? "wrote" : "read") + " " + std::to_string(length) +
               " bytes at " + object + " while the device owns it");
  }
  return address;
}

void Kernel::shared_access(const void* object, const char* name, SharedAccess access,
                           bool initialized, const CallSite& at) {
  if (!on_cpu()) return;  // the test body inspecting state after the run
  if (!enter_call(at, sim::Cost::kSharedAccess)) return;
  if (access == SharedAccess::kInterlocked) return;  // lock-free handoff: legal
  auto& slot = shared_[object];
  if (!slot) {
    slot = std::make_unique<SharedState>();
    slot->name = name ? name : "IsrShared";
  }
  SharedState& state = *slot;
  const sim::Irql irql = cpu().irql();
  if (irql >= sim::kFirstDeviceIrql) {
    Scope* isr = innermost_scope(CallbackKind::kIsr);
    if (!initialized && access == SharedAccess::kRead && isr && !state.reported_uninitialized) {
      state.reported_uninitialized = true;
      report("REGISTER_BEFORE_READY", state.name, at,
             isr->name + " read " + state.name + " before it was initialized");
    }
    std::set<unsigned> interrupt_locks;
    for (const auto& h : cpu_state().held)
      if (h.lock->interrupt_lock) interrupt_locks.insert(h.lock->id);
    if (!state.has_lockset) {
      state.has_lockset = true;
      state.dirql_lockset = interrupt_locks;
    } else {
      std::set<unsigned> common;
      for (unsigned id : state.dirql_lockset)
        if (interrupt_locks.count(id)) common.insert(id);
      if (common.empty() && !state.dirql_lockset.empty() && !state.reported_wrong_message) {
        state.reported_wrong_message = true;
        report("SYNC_WRONG_MESSAGE", state.name, at,
               state.name + " is touched under " + locks_[*state.dirql_lockset.begin()]->name +
                   " (first at " + state.dirql_where + ") and here under " +
                   (interrupt_locks.empty() ? std::string("no interrupt lock")
                                            : locks_[*interrupt_locks.begin()]->name) +
                   ": synchronize with the message whose ISR touches it");
      }
      state.dirql_lockset = std::move(common);
    }
    if (!state.dirql_touched) {
      state.dirql_touched = true;
      state.dirql_where = format_where(at);
    }
    if (state.low_pending && !state.reported_unsynchronized) {
      state.reported_unsynchronized = true;
      Violation v = state.low_access;
      v.message += "; a DIRQL context touches it at " + format_where(at);
      report_stamped(std::move(v));
    }
    return;
  }
  // Before the interrupt is connected (initialize) or after it is gone, nothing can race.
  if (state.reported_unsynchronized || state.low_pending || !any_interrupt_registered()) return;
  Violation v;
  v.rule = "ISR_SHARED_UNSYNCHRONIZED";
  v.severity = Severity::kError;
  v.cpu = static_cast<int>(cpu().index());
  v.irql = irql;
  v.context = std::string(sim::to_string(cpu().context()));
  v.object = state.name;
  v.where = format_where(at);
  v.message = std::string(access == SharedAccess::kRead ? "read" : "write") + " of " + state.name +
              " at IRQL " + std::to_string(irql) +
              " outside NdisMSynchronizeWithInterruptEx (holding " + held_lock_names() +
              "; NDIS spin locks do not exclude the ISR)";
  if (state.dirql_touched) {
    state.reported_unsynchronized = true;
    v.message += "; a DIRQL context touches it at " + state.dirql_where;
    report_stamped(std::move(v));
  } else {
    state.low_pending = true;
    state.low_access = std::move(v);
  }
}

void Kernel::shared_destroyed(const void* object) { shared_.erase(object); }

}  // namespace nicsim::ndis
