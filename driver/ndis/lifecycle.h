// The miniport as NDIS drives it: driver registration, the adapter and its state machine
// (initialize, restart, pause, check-for-hang, reset, shutdown, halt, unload), OID requests,
// attributes and status indications (lifecycle.cc), and the data path between the miniport and
// the protocol above it (data_path.cc). The data path stays part of this class, not one of its
// own: pause waits for its sends and checks what it left outstanding, and it reads the state.
#pragma once

#include <ndis.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <vector>

#include "driver/ndis/adapter_resources.h"
#include "driver/ndis/interrupts.h"
#include "driver/ndis/lock_verifier.h"
#include "driver/ndis/net_buffers.h"
#include "driver/ndis/sg_dma.h"
#include "driver/ndis/verifier_core.h"

namespace nicsim::ndis {

// The upper layer ("protocol") the testbench installs.
struct ProtocolHooks {
  std::function<void(PNET_BUFFER_LIST nbls, ULONG count, ULONG receive_flags)> receive;
  std::function<void(PNET_BUFFER_LIST nbls, ULONG send_complete_flags)> send_complete;
  std::function<void(const NDIS_STATUS_INDICATION& indication)> status;
  std::function<void(PNDIS_OID_REQUEST request, NDIS_STATUS status)> oid_complete;
};

// Where the adapter is in NDIS's state machine (after initialize it is Paused until restarted).
enum class AdapterState : uint8_t {
  kHalted,
  kInitializing,
  kPaused,
  kRestarting,
  kRunning,
  kPausing,
  kHalting
};

class MiniportLifecycle {
 public:
  MiniportLifecycle(VerifierCore& core, LockVerifier& locks, Interrupts& interrupts,
                    NetBuffers& net_buffers, SgDma& sg_dma, const AdapterResources& resources);
  ~MiniportLifecycle();
  MiniportLifecycle(const MiniportLifecycle&) = delete;
  MiniportLifecycle& operator=(const MiniportLifecycle&) = delete;

  // --- NDIS calls -----------------------------------------------------------------------------
  NDIS_STATUS register_driver(NDIS_HANDLE driver_context,
                              PNDIS_MINIPORT_DRIVER_CHARACTERISTICS chars, PNDIS_HANDLE handle,
                              const CallSite& at);
  void deregister_driver();
  NDIS_STATUS set_attributes(NDIS_HANDLE adapter, PNDIS_MINIPORT_ADAPTER_ATTRIBUTES attributes,
                             const CallSite& at);
  void pause_complete(NDIS_HANDLE adapter, const CallSite& at);
  void restart_complete(NDIS_HANDLE adapter, NDIS_STATUS status, const CallSite& at);
  void oid_request_complete(NDIS_HANDLE adapter, PNDIS_OID_REQUEST request, NDIS_STATUS status,
                            const CallSite& at);
  void reset_complete(NDIS_HANDLE adapter, NDIS_STATUS status, BOOLEAN addressing_reset,
                      const CallSite& at);
  void indicate_status(NDIS_HANDLE adapter, PNDIS_STATUS_INDICATION indication, const CallSite& at);
  void indicate_receive(NDIS_HANDLE adapter, PNET_BUFFER_LIST nbls, ULONG count, ULONG flags,
                        const CallSite& at);
  void send_complete(NDIS_HANDLE adapter, PNET_BUFFER_LIST nbls, ULONG flags, const CallSite& at);
  // NdisMResetMiniport: MiniportResetEx runs later, in a work item (a passive thread on the CPU
  // after the caller's).
  void request_reset(NDIS_HANDLE adapter, const CallSite& at);
  // NdisMRemoveMiniport: the adapter is paused and halted (NdisHaltDeviceFailed) later, on a
  // passive thread of the CPU after the caller's.
  NDIS_STATUS request_removal(NDIS_HANDLE adapter, const CallSite& at);

  // --- NDIS's side (the testbench drives it through Kernel) -----------------------------------
  void set_protocol(ProtocolHooks hooks) { protocol_ = std::move(hooks); }
  bool is_adapter(NDIS_HANDLE handle) const { return adapter_ && adapter_.get() == handle; }
  void initialize_adapter(unsigned cpu, uint64_t at_ns);
  void halt_adapter(unsigned cpu, uint64_t at_ns);
  bool adapter_initialized() const;
  NDIS_STATUS initialize_status() const;
  AdapterState adapter_state() const;
  void pause_adapter(unsigned cpu, uint64_t at_ns);
  void restart_adapter(unsigned cpu, uint64_t at_ns);
  void check_for_hang(unsigned cpu, uint64_t at_ns);
  void reset_adapter(unsigned cpu, uint64_t at_ns);
  void shutdown_adapter(unsigned cpu, uint64_t at_ns);
  void unload_driver(unsigned cpu, uint64_t at_ns);
  // The bus lost the device: MiniportDevicePnPEventNotify(NdisDevicePnPEventSurpriseRemoved),
  // then pause and halt (NdisHaltDeviceSurpriseRemoved), on cpu's passive thread at at_ns.
  void surprise_remove(unsigned cpu, uint64_t at_ns);
  bool removal_started() const { return adapter_ && adapter_->removing; }
  void run_pause();
  void run_restart();
  void run_check_for_hang();
  void run_reset();
  // On a passive thread: pauses a running adapter (waiting for the pause), then MiniportHaltEx.
  void run_halt();
  // On a passive thread: surprise_remove's (surprise) or NdisMRemoveMiniport's work.
  void run_removal(bool surprise);
  void indicate_reset(NDIS_STATUS code);
  bool reset_in_progress() const;
  NDIS_STATUS oid_request(PNDIS_OID_REQUEST request);
  void cancel_send(PVOID cancel_id);
  bool wait_for_state(AdapterState state, uint64_t timeout_ns);
  void send_net_buffer_lists(PNET_BUFFER_LIST nbls, ULONG send_flags);
  void return_net_buffer_lists(PNET_BUFFER_LIST nbls, ULONG return_flags);

 private:
  // Runs a lifecycle, OID or housekeeping handler as NDIS serializes it (happens-before edges).
  void run_serialized(std::string_view name, const std::function<void()>& fn,
                      CallbackKind kind = CallbackKind::kPassive);
  // The adapter as NDIS tracks it (lifecycle.cc and data_path.cc use it).
  struct Adapter {
    NDIS_HANDLE context = nullptr;                          // MiniportAdapterContext
    std::vector<CM_PARTIAL_RESOURCE_DESCRIPTOR> resources;  // backs the CM_PARTIAL_RESOURCE_LIST
    std::vector<uint8_t> resource_list;
    bool initialized = false;
    NDIS_STATUS init_status = NDIS_STATUS_PENDING;
    AdapterState state = AdapterState::kHalted;
    bool pause_pending = false;    // MiniportPause returned NDIS_STATUS_PENDING
    bool restart_pending = false;  // MiniportRestart returned NDIS_STATUS_PENDING
    bool reset_pending = false;    // MiniportResetEx returned NDIS_STATUS_PENDING
    bool removing = false;         // halt, surprise removal or NdisMRemoveMiniport under way
    std::set<const void*> pending_oids;
    std::set<const void*> sent_while_paused;  // must complete with NDIS_STATUS_PAUSED
    UINT check_for_hang_s = 0;
    // Attributes recorded from NdisMSetMiniportAttributes (Header.Type says which).
    std::set<UCHAR> attribute_types;
    NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES general{};
  };
  Adapter* find_adapter(NDIS_HANDLE handle);
  PNDIS_RESOURCE_LIST build_resource_list(Adapter& adapter) const;
  void finish_pause(const CallSite& at);
  // A handler that completed its operation (completion) and also returned a status.
  void report_completed_and_returned(const char* handler, const char* completion);
  void finish_halt(NDIS_HALT_ACTION action = NdisHaltDeviceDisabled);
  // Surprise removal (surprise) or NdisMRemoveMiniport: notify, pause, halt; on a passive thread.
  void remove_adapter(unsigned cpu, uint64_t at_ns, bool surprise);
  unsigned work_item_cpu();  // where NDIS's own work items run
  size_t outstanding_sends() const;

  VerifierCore& core_;
  LockVerifier& locks_;
  Interrupts& interrupts_;
  NetBuffers& net_buffers_;
  SgDma& sg_dma_;
  const AdapterResources& resources_;
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS driver_{};
  NDIS_HANDLE driver_context_ = nullptr;
  bool driver_registered_ = false;
  std::unique_ptr<Adapter> adapter_;
  ProtocolHooks protocol_;
  unsigned sends_in_call_ = 0;  // MiniportSendNetBufferLists calls that have not returned
};

}  // namespace nicsim::ndis
