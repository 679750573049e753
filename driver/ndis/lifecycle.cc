// Miniport driver registration and the adapter's lifecycle as NDIS drives it: initialize, then
// restart; pause (NdisMPauseComplete) and restart (NdisMRestartComplete); OID requests
// (NdisMOidRequestComplete); check-for-hang and reset (NdisMResetComplete); cancel-send,
// shutdown, halt (after a pause) and unload; adapter attributes and status indications.
#include "driver/ndis/lifecycle.h"

#include <cstddef>
#include <cstring>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace nicsim::ndis {
namespace {

template <typename Params>
void fill_header(Params& params, UCHAR type, UCHAR revision) {
  params.Header.Type = type;
  params.Header.Revision = revision;
  params.Header.Size = static_cast<USHORT>(sizeof(params));
}

}  // namespace

MiniportLifecycle::MiniportLifecycle(VerifierCore& core, LockVerifier& locks,
                                     Interrupts& interrupts, NetBuffers& net_buffers, SgDma& sg_dma,
                                     const AdapterResources& resources)
    : core_(core),
      locks_(locks),
      interrupts_(interrupts),
      net_buffers_(net_buffers),
      sg_dma_(sg_dma),
      resources_(resources) {}

MiniportLifecycle::~MiniportLifecycle() = default;

MiniportLifecycle::Adapter* MiniportLifecycle::find_adapter(NDIS_HANDLE handle) {
  return adapter_ && adapter_.get() == handle ? adapter_.get() : nullptr;
}

NDIS_STATUS MiniportLifecycle::register_driver(NDIS_HANDLE driver_context,
                                               PNDIS_MINIPORT_DRIVER_CHARACTERISTICS chars,
                                               PNDIS_HANDLE handle, const CallSite&) {
  if (!chars || !chars->InitializeHandlerEx || !chars->HaltHandlerEx)
    return NDIS_STATUS_INVALID_PARAMETER;
  driver_ = *chars;
  driver_context_ = driver_context;
  driver_registered_ = true;
  if (handle) *handle = this;
  return NDIS_STATUS_SUCCESS;
}

void MiniportLifecycle::deregister_driver() { driver_registered_ = false; }

NDIS_STATUS MiniportLifecycle::set_attributes(NDIS_HANDLE adapter,
                                              PNDIS_MINIPORT_ADAPTER_ATTRIBUTES attributes,
                                              const CallSite& at) {
  Adapter* a = find_adapter(adapter);
  if (!a || !attributes) return NDIS_STATUS_INVALID_PARAMETER;
  if (!core_.enter_call(at)) return NDIS_STATUS_FAILURE;
  switch (attributes->Header.Type) {
    case NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES:
      a->context = attributes->RegistrationAttributes.MiniportAdapterContext;
      a->check_for_hang_s = attributes->RegistrationAttributes.CheckForHangTimeInSeconds;
      break;
    case NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES:
      a->general = attributes->GeneralAttributes;
      break;
    case NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES:
    case NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES:
      break;  // accepted and recorded; offloads are not modelled
    default:
      return NDIS_STATUS_INVALID_PARAMETER;  // as NDIS: an unknown attribute type fails
  }
  a->attribute_types.insert(attributes->Header.Type);
  return NDIS_STATUS_SUCCESS;
}

bool MiniportLifecycle::adapter_initialized() const { return adapter_ && adapter_->initialized; }

NDIS_STATUS MiniportLifecycle::initialize_status() const {
  return adapter_ ? adapter_->init_status : NDIS_STATUS_ADAPTER_NOT_FOUND;
}

AdapterState MiniportLifecycle::adapter_state() const {
  return adapter_ ? adapter_->state : AdapterState::kHalted;
}

PNDIS_RESOURCE_LIST MiniportLifecycle::build_resource_list(Adapter& adapter) const {
  auto& list = adapter.resources;
  list.clear();
  CM_PARTIAL_RESOURCE_DESCRIPTOR memory{};
  memory.Type = CmResourceTypeMemory;
  memory.ShareDisposition = CmResourceShareDeviceExclusive;
  memory.Flags = CM_RESOURCE_MEMORY_READ_WRITE;
  memory.u.Memory.Start.QuadPart = static_cast<LONGLONG>(resources_.bar0_address);
  memory.u.Memory.Length = resources_.bar0_length;
  list.push_back(memory);
  const unsigned cpus = core_.platform().num_cpus();
  for (unsigned cpu : resources_.message_cpus) {
    CM_PARTIAL_RESOURCE_DESCRIPTOR message{};
    message.Type = CmResourceTypeInterrupt;
    message.ShareDisposition = CmResourceShareDeviceExclusive;
    message.Flags = CM_RESOURCE_INTERRUPT_LATCHED | CM_RESOURCE_INTERRUPT_MESSAGE;
    message.u.MessageInterrupt.Translated.Affinity = KAFFINITY{1} << (cpu % cpus);
    list.push_back(message);
  }
  if (resources_.message_cpus.empty()) {
    CM_PARTIAL_RESOURCE_DESCRIPTOR line{};
    line.Type = CmResourceTypeInterrupt;
    line.ShareDisposition = CmResourceShareShared;
    line.Flags = CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE;
    line.u.Interrupt.Affinity = cpus >= 64 ? ~KAFFINITY{0} : (KAFFINITY{1} << cpus) - 1;
    list.push_back(line);
  }
  // CM_PARTIAL_RESOURCE_LIST ends in a one-element array: lay the descriptors out behind it.
  const size_t bytes = offsetof(CM_PARTIAL_RESOURCE_LIST, PartialDescriptors) +
                       list.size() * sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR);
  adapter.resource_list.assign(bytes, 0);
  auto* header = reinterpret_cast<PCM_PARTIAL_RESOURCE_LIST>(adapter.resource_list.data());
  header->Version = 1;
  header->Revision = 1;
  header->Count = static_cast<ULONG>(list.size());
  std::memcpy(header->PartialDescriptors, list.data(),
              list.size() * sizeof(CM_PARTIAL_RESOURCE_DESCRIPTOR));
  return header;
}

void MiniportLifecycle::initialize_adapter(unsigned cpu_index, uint64_t at_ns) {
  if (!driver_registered_)
    throw std::logic_error(
        "initialize_adapter: no driver registered (NdisMRegisterMiniportDriver)");
  adapter_ = std::make_unique<Adapter>();
  adapter_->state = AdapterState::kInitializing;
  core_.platform().start_passive(
      cpu_index, "MiniportInitializeEx",
      [this] {
        NDIS_MINIPORT_INIT_PARAMETERS params{};
        fill_header(params, NDIS_OBJECT_TYPE_MINIPORT_INIT_PARAMETERS,
                    NDIS_MINIPORT_INIT_PARAMETERS_REVISION_1);
        params.AllocatedResources = build_resource_list(*adapter_);
        NDIS_STATUS status = NDIS_STATUS_FAILURE;
        run_serialized("MiniportInitializeEx", [&] {
          status = driver_.InitializeHandlerEx(adapter_.get(), driver_context_, &params);
        });
        adapter_->init_status = status;
        adapter_->initialized = NT_SUCCESS(status);
        adapter_->state = adapter_->initialized ? AdapterState::kPaused : AdapterState::kHalted;
        if (!adapter_->initialized) core_.evaluated("HALT_WITHOUT_DEREGISTER");
        if (!adapter_->initialized && interrupts_.registered_for(adapter_.get()))
          core_.report("HALT_WITHOUT_DEREGISTER", "MiniportInitializeEx", CallSite::current(),
                       "initialize failed and returned with its interrupt still registered");
        if (adapter_->initialized) run_restart();
      },
      at_ns);
}

// On a passive thread: MiniportRestart, unless the driver has none (then it runs at once).
void MiniportLifecycle::run_restart() {
  if (!adapter_ || adapter_->state != AdapterState::kPaused) return;
  if (!driver_.RestartHandler) {
    adapter_->state = AdapterState::kRunning;
    return;
  }
  adapter_->state = AdapterState::kRestarting;
  adapter_->restart_pending = true;
  NDIS_MINIPORT_RESTART_PARAMETERS params{};
  fill_header(params, NDIS_OBJECT_TYPE_DEFAULT, NDIS_MINIPORT_RESTART_PARAMETERS_REVISION_1);
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  run_serialized("MiniportRestart",
                 [&] { status = driver_.RestartHandler(adapter_->context, &params); });
  if (status == NDIS_STATUS_PENDING) return;  // NdisMRestartComplete finishes it
  if (!adapter_->restart_pending)
    report_completed_and_returned("MiniportRestart", "NdisMRestartComplete");
  adapter_->restart_pending = false;
  adapter_->state = NT_SUCCESS(status) ? AdapterState::kRunning : AdapterState::kPaused;
}

// On a passive thread: MiniportPause on a running adapter.
void MiniportLifecycle::run_pause() {
  if (!adapter_ || adapter_->state != AdapterState::kRunning) return;
  if (!driver_.PauseHandler) {
    adapter_->state = AdapterState::kPaused;
    return;
  }
  adapter_->state = AdapterState::kPausing;
  // As NDIS: the layers above are paused first, so every send call they made has returned.
  core_.cpu().block_until([&] { return sends_in_call_ == 0 || core_.platform().stopped(); }, 1'000);
  adapter_->pause_pending = true;
  NDIS_MINIPORT_PAUSE_PARAMETERS params{};
  fill_header(params, NDIS_OBJECT_TYPE_DEFAULT, NDIS_MINIPORT_PAUSE_PARAMETERS_REVISION_1);
  params.PauseReason = NDIS_PAUSE_NDIS_INTERNAL;
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  run_serialized("MiniportPause",
                 [&] { status = driver_.PauseHandler(adapter_->context, &params); });
  if (status == NDIS_STATUS_PENDING) {
    if (!adapter_->pause_pending) adapter_->state = AdapterState::kPaused;  // completed already
    return;
  }
  core_.evaluated("COMPLETE_WITHOUT_PENDING");
  if (!adapter_->pause_pending) {
    report_completed_and_returned("MiniportPause", "NdisMPauseComplete");
  }
  adapter_->pause_pending = false;
  finish_pause(CallSite::current());
}

void MiniportLifecycle::report_completed_and_returned(const char* handler, const char* completion) {
  core_.report(
      "COMPLETE_WITHOUT_PENDING", completion, CallSite::current(),
      std::string(handler) + " called " + completion +
          " and also returned a status (it must return NDIS_STATUS_PENDING to complete later)");
}

size_t MiniportLifecycle::outstanding_sends() const {
  return net_buffers_.ledger().count_in_state(NetObjectKind::kNbl, NetObjectState::kSent);
}

// The pause is done: nothing of the data path may be outstanding any more.
void MiniportLifecycle::finish_pause(const CallSite& at) {
  adapter_->state = AdapterState::kPaused;
  core_.evaluated("PAUSE_WITH_OUTSTANDING");
  const size_t sends = outstanding_sends();
  const size_t receives =
      net_buffers_.ledger().count_in_state(NetObjectKind::kNbl, NetObjectState::kIndicated);
  if (sends || receives)
    core_.report("PAUSE_WITH_OUTSTANDING", "MiniportPause", at,
                 "the pause completed with " + std::to_string(sends) +
                     " send(s) not completed and " + std::to_string(receives) +
                     " receive(s) not returned");
}

void MiniportLifecycle::pause_complete(NDIS_HANDLE adapter, const CallSite& at) {
  core_.release(&kNdisLifecycle);  // the completion happens before NDIS's next call
  if (!core_.enter_call(at)) return;
  core_.check_not_dirql("NdisMPauseComplete", at);
  Adapter* a = find_adapter(adapter);
  core_.evaluated("COMPLETE_WITHOUT_PENDING");
  if (!a || !a->pause_pending) {
    core_.report("COMPLETE_WITHOUT_PENDING", "NdisMPauseComplete", at,
                 "NdisMPauseComplete with no pause pending");
    return;
  }
  a->pause_pending = false;
  finish_pause(at);
}

void MiniportLifecycle::restart_complete(NDIS_HANDLE adapter, NDIS_STATUS status,
                                         const CallSite& at) {
  core_.release(&kNdisLifecycle);  // the completion happens before NDIS's next call
  if (!core_.enter_call(at)) return;
  core_.check_not_dirql("NdisMRestartComplete", at);
  Adapter* a = find_adapter(adapter);
  core_.evaluated("COMPLETE_WITHOUT_PENDING");
  if (!a || !a->restart_pending) {
    core_.report("COMPLETE_WITHOUT_PENDING", "NdisMRestartComplete", at,
                 "NdisMRestartComplete with no restart pending");
    return;
  }
  a->restart_pending = false;
  a->state = NT_SUCCESS(status) ? AdapterState::kRunning : AdapterState::kPaused;
}

void MiniportLifecycle::pause_adapter(unsigned cpu_index, uint64_t at_ns) {
  core_.platform().start_passive(
      cpu_index, "NdisPause", [this] { run_pause(); }, at_ns);
}

void MiniportLifecycle::restart_adapter(unsigned cpu_index, uint64_t at_ns) {
  core_.platform().start_passive(
      cpu_index, "NdisRestart", [this] { run_restart(); }, at_ns);
}

bool MiniportLifecycle::wait_for_state(AdapterState state, uint64_t timeout_ns) {
  const uint64_t until = core_.platform().now_ns() + timeout_ns;
  core_.cpu().block_until(
      [&] {
        return core_.platform().stopped() || adapter_state() == state ||
               core_.platform().now_ns() >= until;
      },
      1'000);
  return adapter_state() == state;
}

void MiniportLifecycle::halt_adapter(unsigned cpu_index, uint64_t at_ns) {
  core_.platform().start_passive(
      cpu_index, "MiniportHaltEx", [this] { run_halt(); }, at_ns);
}

void MiniportLifecycle::run_halt() {
  if (!adapter_ || !adapter_->initialized) return;
  if (adapter_->removing) {  // a removal halts it: wait for that
    core_.cpu().block_until([&] { return !adapter_->initialized || core_.platform().stopped(); },
                            1'000);
    return;
  }
  adapter_->removing = true;
  // NDIS halts only a paused adapter: pause a running one first.
  if (adapter_->state == AdapterState::kRunning) run_pause();
  if (adapter_->state == AdapterState::kPausing) wait_for_state(AdapterState::kPaused, 5'000'000);
  finish_halt();
}

void MiniportLifecycle::finish_halt(NDIS_HALT_ACTION action) {
  core_.evaluated("OID_NOT_COMPLETED");
  for (const void* request : adapter_->pending_oids) {
    (void)request;
    core_.report("OID_NOT_COMPLETED", "MiniportOidRequest", CallSite::current(),
                 "an OID request the miniport pended was never completed (NdisMOidRequestComplete) "
                 "before halt");
  }
  adapter_->pending_oids.clear();
  adapter_->state = AdapterState::kHalting;
  run_serialized("MiniportHaltEx", [&] { driver_.HaltHandlerEx(adapter_->context, action); });
  adapter_->initialized = false;
  adapter_->state = AdapterState::kHalted;
  core_.evaluated("HALT_WITHOUT_DEREGISTER");
  if (interrupts_.registered_for(adapter_.get()))
    core_.report("HALT_WITHOUT_DEREGISTER", "MiniportHaltEx", CallSite::current(),
                 "halt returned with its interrupt still registered");
}

// As IoWorkItems: another CPU than the caller's, so a caller that waits does not block it.
unsigned MiniportLifecycle::work_item_cpu() {
  return core_.on_cpu() ? (core_.cpu().index() + 1) % core_.platform().num_cpus() : 0;
}

void MiniportLifecycle::surprise_remove(unsigned cpu_index, uint64_t at_ns) {
  remove_adapter(cpu_index, at_ns, true);
}

NDIS_STATUS MiniportLifecycle::request_removal(NDIS_HANDLE adapter, const CallSite& at) {
  if (!core_.enter_call(at)) return NDIS_STATUS_FAILURE;
  if (!core_.check_not_dirql("NdisMRemoveMiniport", at)) return NDIS_STATUS_FAILURE;
  if (!find_adapter(adapter) || !adapter_->initialized) return NDIS_STATUS_FAILURE;
  remove_adapter(work_item_cpu(), core_.platform().now_ns(), false);
  return NDIS_STATUS_SUCCESS;
}

// As NDIS removes an adapter: a surprise removal is announced to the miniport first (it must stop
// touching the device and fail what the device will never finish), then NDIS pauses it (the
// pause waits for the sends) and halts it. A reset in progress is let finish first.
void MiniportLifecycle::remove_adapter(unsigned cpu_index, uint64_t at_ns, bool surprise) {
  core_.platform().start_passive(
      cpu_index, surprise ? "NdisSurpriseRemoval" : "NdisMRemoveMiniport",
      [this, surprise] { run_removal(surprise); }, at_ns);
}

void MiniportLifecycle::run_removal(bool surprise) {
  if (!adapter_ || !adapter_->initialized || adapter_->removing) return;
  adapter_->removing = true;
  if (surprise && driver_.DevicePnPEventNotifyHandler) {
    NET_DEVICE_PNP_EVENT event{};
    fill_header(event, NDIS_OBJECT_TYPE_DEFAULT, 1);
    event.PortNumber = NDIS_DEFAULT_PORT_NUMBER;
    event.DevicePnPEvent = NdisDevicePnPEventSurpriseRemoved;
    run_serialized("MiniportDevicePnPEventNotify",
                   [&] { driver_.DevicePnPEventNotifyHandler(adapter_->context, &event); });
  }
  core_.cpu().block_until([&] { return !adapter_->reset_pending || core_.platform().stopped(); },
                          1'000);
  if (adapter_->state == AdapterState::kRunning) run_pause();
  if (adapter_->state == AdapterState::kPausing) wait_for_state(AdapterState::kPaused, 5'000'000);
  if (!adapter_->initialized) return;  // halted meanwhile
  finish_halt(surprise ? NdisHaltDeviceSurpriseRemoved : NdisHaltDeviceFailed);
}

NDIS_STATUS MiniportLifecycle::oid_request(PNDIS_OID_REQUEST request) {
  if (!adapter_initialized() || !request) throw std::logic_error("oid_request: no adapter");
  if (!driver_.OidRequestHandler) return NDIS_STATUS_NOT_SUPPORTED;
  adapter_->pending_oids.insert(request);
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  run_serialized("MiniportOidRequest",
                 [&] { status = driver_.OidRequestHandler(adapter_->context, request); });
  if (status != NDIS_STATUS_PENDING) {
    core_.evaluated("OID_COMPLETED_TWICE");
    if (!adapter_->pending_oids.count(request))
      core_.report("OID_COMPLETED_TWICE", "MiniportOidRequest", CallSite::current(),
                   "MiniportOidRequest completed the request (NdisMOidRequestComplete) and also "
                   "returned a status");
    adapter_->pending_oids.erase(request);
  }
  return status;
}

void MiniportLifecycle::oid_request_complete(NDIS_HANDLE adapter, PNDIS_OID_REQUEST request,
                                             NDIS_STATUS status, const CallSite& at) {
  core_.release(&kNdisLifecycle);  // the completion happens before NDIS's next call
  if (!core_.enter_call(at)) return;
  core_.check_not_dirql("NdisMOidRequestComplete", at);
  Adapter* a = find_adapter(adapter);
  core_.evaluated("OID_COMPLETED_TWICE");
  if (!a || !a->pending_oids.erase(request)) {
    core_.report("OID_COMPLETED_TWICE", "NdisMOidRequestComplete", at,
                 "NdisMOidRequestComplete of a request that is not pending (completed already, or "
                 "never handed to the miniport)");
    return;
  }
  if (protocol_.oid_complete) protocol_.oid_complete(request, status);
}

void MiniportLifecycle::check_for_hang(unsigned cpu_index, uint64_t at_ns) {
  core_.platform().start_passive(
      cpu_index, "NdisCheckForHang", [this] { run_check_for_hang(); }, at_ns);
}

void MiniportLifecycle::run_check_for_hang() {
  if (!adapter_initialized() || !driver_.CheckForHangHandlerEx) return;
  BOOLEAN hung = FALSE;
  // NDIS calls it from a timer, at DISPATCH_LEVEL.
  const sim::Irql before = core_.cpu().irql();
  core_.set_irql(sim::kDispatchLevel);
  run_serialized("MiniportCheckForHangEx",
                 [&] { hung = driver_.CheckForHangHandlerEx(adapter_->context); });
  core_.set_irql(before);
  if (hung) run_reset();
}

void MiniportLifecycle::reset_adapter(unsigned cpu_index, uint64_t at_ns) {
  core_.platform().start_passive(
      cpu_index, "NdisReset", [this] { run_reset(); }, at_ns);
}

void MiniportLifecycle::run_reset() {
  if (!adapter_initialized() || !driver_.ResetHandlerEx || adapter_->reset_pending) return;
  adapter_->reset_pending = true;
  indicate_reset(NDIS_STATUS_RESET_START);
  BOOLEAN addressing_reset = FALSE;
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  const sim::Irql before = core_.cpu().irql();
  core_.set_irql(sim::kDispatchLevel);  // MiniportResetEx runs at IRQL <= DISPATCH_LEVEL
  run_serialized("MiniportResetEx",
                 [&] { status = driver_.ResetHandlerEx(adapter_->context, &addressing_reset); });
  core_.set_irql(before);
  if (status == NDIS_STATUS_PENDING) return;
  if (!adapter_->reset_pending)
    report_completed_and_returned("MiniportResetEx", "NdisMResetComplete");
  adapter_->reset_pending = false;
  indicate_reset(NDIS_STATUS_RESET_END);
}

// NDIS tells the bound protocols that a reset starts and ends (NDIS_STATUS_RESET_START/_END).
void MiniportLifecycle::indicate_reset(NDIS_STATUS code) {
  if (!protocol_.status) return;
  NDIS_STATUS_INDICATION indication{};
  fill_header(indication, NDIS_OBJECT_TYPE_STATUS_INDICATION, NDIS_STATUS_INDICATION_REVISION_1);
  indication.SourceHandle = adapter_.get();
  indication.StatusCode = code;
  protocol_.status(indication);
}

void MiniportLifecycle::request_reset(NDIS_HANDLE adapter, const CallSite& at) {
  if (!core_.enter_call(at)) return;
  if (!core_.check_not_dirql("NdisMResetMiniport", at)) return;
  if (!find_adapter(adapter) || !adapter_->initialized || adapter_->removing) return;
  core_.platform().start_worker(work_item_cpu(), "NdisResetWorkItem", [this] { run_reset(); });
}

bool MiniportLifecycle::reset_in_progress() const { return adapter_ && adapter_->reset_pending; }

void MiniportLifecycle::reset_complete(NDIS_HANDLE adapter, NDIS_STATUS, BOOLEAN,
                                       const CallSite& at) {
  core_.release(&kNdisLifecycle);  // the completion happens before NDIS's next call
  if (!core_.enter_call(at)) return;
  core_.check_not_dirql("NdisMResetComplete", at);
  Adapter* a = find_adapter(adapter);
  core_.evaluated("COMPLETE_WITHOUT_PENDING");
  if (!a || !a->reset_pending) {
    core_.report("COMPLETE_WITHOUT_PENDING", "NdisMResetComplete", at,
                 "NdisMResetComplete with no reset pending");
    return;
  }
  a->reset_pending = false;
  indicate_reset(NDIS_STATUS_RESET_END);
}

void MiniportLifecycle::cancel_send(PVOID cancel_id) {
  if (!adapter_initialized() || !driver_.CancelSendHandler) return;
  run_serialized("MiniportCancelSend",
                 [&] { driver_.CancelSendHandler(adapter_->context, cancel_id); });
}

void MiniportLifecycle::shutdown_adapter(unsigned cpu_index, uint64_t at_ns) {
  core_.platform().start_passive(
      cpu_index, "MiniportShutdownEx",
      [this] {
        if (!adapter_initialized() || !driver_.ShutdownHandlerEx) return;
        run_serialized("MiniportShutdownEx",
                       [&] { driver_.ShutdownHandlerEx(adapter_->context, NdisShutdownPowerOff); });
      },
      at_ns);
}

void MiniportLifecycle::unload_driver(unsigned cpu_index, uint64_t at_ns) {
  core_.platform().start_passive(
      cpu_index, "MiniportDriverUnload",
      [this] {
        core_.evaluated("UNLOAD_WITH_ADAPTER");
        if (adapter_initialized())
          core_.report("UNLOAD_WITH_ADAPTER", "MiniportDriverUnload", CallSite::current(),
                       "the driver was unloaded while its adapter was still initialized");
        if (driver_.UnloadHandler)
          run_serialized("MiniportDriverUnload", [&] { driver_.UnloadHandler(nullptr); });
        driver_registered_ = false;
      },
      at_ns);
}

void MiniportLifecycle::indicate_status(NDIS_HANDLE adapter, PNDIS_STATUS_INDICATION indication,
                                        const CallSite& at) {
  if (!core_.enter_call(at) || !indication) return;
  if (!core_.check_not_dirql("NdisMIndicateStatusEx", at)) return;
  if (!find_adapter(adapter)) return;
  if (protocol_.status) protocol_.status(*indication);
}

void MiniportLifecycle::run_serialized(std::string_view name, const std::function<void()>& fn,
                                       CallbackKind kind) {
  // NDIS calls these one at a time, after the completions a pause waits for: each happens after
  // the last one and after every send completion and receive return so far.
  core_.acquire(&kNdisLifecycle);
  core_.acquire(&kNdisCompletions);
  core_.run_callback(name, fn, kind);
  core_.release(&kNdisLifecycle);
}

}  // namespace nicsim::ndis
