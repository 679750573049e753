// Kernel-private state shared by the kernel's source files (locks, interrupts, adapter, shared
// state declarations). Not part of any public API.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "driver/ndis/kernel.h"

namespace nicsim::ndis {

struct Kernel::LockState {
  unsigned id = 0;
  std::string name;
  const void* address = nullptr;  // the driver's NDIS_SPIN_LOCK (nullptr: an interrupt lock)
  bool allocated = true;
  bool interrupt_lock = false;
  int holder = -1;            // CPU index
  unsigned holder_depth = 0;  // the holder's frame depth at acquire
  bool orphaned = false;      // the callback that took it returned without releasing it
  std::string holder_routine;
  uint64_t acquired_ns = 0;
  uint64_t acquired_cycle = 0;
  std::string acquired_where;
  std::set<const Interrupt*> used_by;  // interrupts whose ISR or DPC took it
  LockStats stats;
};

struct Kernel::Interrupt {
  struct DpcSlot {
    std::unique_ptr<sim::Dpc> dpc;
    bool queued = false;
    PVOID context = nullptr;
  };
  unsigned id = 0;
  std::string name;
  Adapter* adapter = nullptr;
  NDIS_HANDLE context = nullptr;
  NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS chars{};
  bool message_based = false;
  bool registered = false;
  bool registering = false;
  bool deregistering = false;  // no new ISR or DPC; the handle stays valid for those in flight
  IO_INTERRUPT_MESSAGE_INFO info{};
  std::vector<unsigned> vectors;
  std::vector<sim::Irql> dirql;            // per message
  std::vector<LockState*> locks;           // per message (one when synchronized with all)
  std::vector<std::vector<DpcSlot>> dpcs;  // [message][cpu]
  unsigned running = 0;                    // ISRs and DPCs running now
  ULONG message_count() const { return static_cast<ULONG>(dirql.size()); }
  // An ISR or DPC of it runs, or a DPC of it is queued.
  bool busy() const {
    if (running > 0) return true;
    for (const auto& per_cpu : dpcs)
      for (const auto& slot : per_cpu)
        if (slot.queued) return true;
    return false;
  }
};

struct Kernel::Adapter {
  NDIS_HANDLE context = nullptr;                          // MiniportAdapterContext
  std::vector<CM_PARTIAL_RESOURCE_DESCRIPTOR> resources;  // backs the CM_PARTIAL_RESOURCE_LIST
  std::vector<uint8_t> resource_list;
  bool initialized = false;
  NDIS_STATUS init_status = NDIS_STATUS_PENDING;
  AdapterState state = AdapterState::kHalted;
  bool pause_pending = false;    // MiniportPause returned NDIS_STATUS_PENDING
  bool restart_pending = false;  // MiniportRestart returned NDIS_STATUS_PENDING
  bool reset_pending = false;    // MiniportResetEx returned NDIS_STATUS_PENDING
  std::set<const void*> pending_oids;
  std::set<const void*> sent_while_paused;  // must complete with NDIS_STATUS_PAUSED
  UINT check_for_hang_s = 0;
  // Attributes recorded from NdisMSetMiniportAttributes (Header.Type says which).
  std::set<UCHAR> attribute_types;
  NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES general{};
};

struct Kernel::SharedState {
  std::string name;
  bool dirql_touched = false;
  std::string dirql_where;
  bool has_lockset = false;
  std::set<unsigned> dirql_lockset;  // interrupt locks held at every DIRQL access so far
  bool low_pending = false;
  Violation low_access;  // the first access below DIRQL outside synchronize
  bool reported_unsynchronized = false;
  bool reported_wrong_message = false;
  bool reported_uninitialized = false;
};

// One registered scatter-gather DMA and the lists it has handed out.
struct Kernel::SgDma {
  NDIS_SG_DMA_DESCRIPTION description{};
  struct List {
    const NET_BUFFER* nb;
    std::vector<std::pair<uint64_t, uint64_t>> granted;  // element ranges granted the device
    std::vector<uint8_t> storage;  // when NDIS, not the caller, provided the buffer
  };
  std::unordered_map<const void*, List> lists;         // by SCATTER_GATHER_LIST address
  std::unordered_map<const void*, const void*> by_nb;  // NET_BUFFER -> its outstanding list
  std::unordered_map<uint64_t, unsigned> grants;       // element address -> lists granting it
};

std::string format_where(const CallSite& at);

}  // namespace nicsim::ndis
