// Miniport driver registration, the adapter lifecycle (initialize/halt on a passive thread) and
// the data path (send, send complete, receive indication, return).
#include <cstddef>
#include <cstring>
#include <stdexcept>

#include "driver/ndis/kernel.h"
#include "driver/ndis/kernel_state.h"

namespace nicsim::ndis {

Kernel::Adapter* Kernel::find_adapter(NDIS_HANDLE handle) {
  return adapter_ && adapter_.get() == handle ? adapter_.get() : nullptr;
}

NDIS_STATUS Kernel::register_driver(NDIS_HANDLE driver_context,
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

void Kernel::deregister_driver() { driver_registered_ = false; }

NDIS_STATUS Kernel::set_attributes(NDIS_HANDLE adapter,
                                   PNDIS_MINIPORT_ADAPTER_ATTRIBUTES attributes) {
  Adapter* a = find_adapter(adapter);
  if (!a || !attributes) return NDIS_STATUS_INVALID_PARAMETER;
  a->context = attributes->RegistrationAttributes.MiniportAdapterContext;
  return NDIS_STATUS_SUCCESS;
}

bool Kernel::adapter_initialized() const { return adapter_ && adapter_->initialized; }

NDIS_STATUS Kernel::initialize_status() const {
  return adapter_ ? adapter_->init_status : NDIS_STATUS_ADAPTER_NOT_FOUND;
}

namespace {

bool adapter_has_interrupt(const auto& interrupts, const void* adapter) {
  for (const auto& interrupt : interrupts)
    if (interrupt->registered && interrupt->adapter == adapter) return true;
  return false;
}

}  // namespace

PNDIS_RESOURCE_LIST Kernel::build_resource_list(Adapter& adapter) const {
  auto& list = adapter.resources;
  list.clear();
  CM_PARTIAL_RESOURCE_DESCRIPTOR memory{};
  memory.Type = CmResourceTypeMemory;
  memory.ShareDisposition = CmResourceShareDeviceExclusive;
  memory.Flags = CM_RESOURCE_MEMORY_READ_WRITE;
  memory.u.Memory.Start.QuadPart = static_cast<LONGLONG>(resources_.bar0_address);
  memory.u.Memory.Length = resources_.bar0_length;
  list.push_back(memory);
  const unsigned cpus = platform_.num_cpus();
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

void Kernel::initialize_adapter(unsigned cpu_index, uint64_t at_ns) {
  if (!driver_registered_)
    throw std::logic_error(
        "initialize_adapter: no driver registered (NdisMRegisterMiniportDriver)");
  adapter_ = std::make_unique<Adapter>();
  platform_.start_passive(
      cpu_index, "MiniportInitializeEx",
      [this] {
        NDIS_MINIPORT_INIT_PARAMETERS params{};
        params.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_INIT_PARAMETERS;
        params.Header.Revision = NDIS_MINIPORT_INIT_PARAMETERS_REVISION_1;
        params.Header.Size = sizeof(params);
        params.AllocatedResources = build_resource_list(*adapter_);
        NDIS_STATUS status = NDIS_STATUS_FAILURE;
        run_callback("MiniportInitializeEx", [&] {
          status = driver_.InitializeHandlerEx(adapter_.get(), driver_context_, &params);
        });
        adapter_->init_status = status;
        adapter_->initialized = NT_SUCCESS(status);
        if (!adapter_->initialized && adapter_has_interrupt(interrupts_, adapter_.get()))
          report("HALT_WITHOUT_DEREGISTER", "MiniportInitializeEx", CallSite::current(),
                 "initialize failed and returned with its interrupt still registered");
      },
      at_ns);
}

void Kernel::halt_adapter(unsigned cpu_index, uint64_t at_ns) {
  platform_.start_passive(
      cpu_index, "MiniportHaltEx",
      [this] {
        if (!adapter_ || !adapter_->initialized) return;
        run_callback("MiniportHaltEx",
                     [&] { driver_.HaltHandlerEx(adapter_->context, NdisHaltDeviceDisabled); });
        adapter_->initialized = false;
        if (adapter_has_interrupt(interrupts_, adapter_.get()))
          report("HALT_WITHOUT_DEREGISTER", "MiniportHaltEx", CallSite::current(),
                 "halt returned with its interrupt still registered");
      },
      at_ns);
}

void Kernel::send_net_buffer_lists(PNET_BUFFER_LIST nbls, ULONG send_flags) {
  if (!adapter_initialized() || !driver_.SendNetBufferListsHandler)
    throw std::logic_error("send_net_buffer_lists: adapter not initialized");
  for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next) {
    NetObject& info = ledger_.track(nbl, NetObjectKind::kNbl);
    if (info.state != NetObjectState::kOwned)
      throw std::logic_error(
          "send_net_buffer_lists: the protocol sent a NET_BUFFER_LIST it does "
          "not own");
    info.state = NetObjectState::kSent;
  }
  run_callback(
      "MiniportSendNetBufferLists",
      [&] {
        driver_.SendNetBufferListsHandler(adapter_->context, nbls, NDIS_DEFAULT_PORT_NUMBER,
                                          send_flags);
      },
      CallbackKind::kSend);
}

void Kernel::return_net_buffer_lists(PNET_BUFFER_LIST nbls, ULONG return_flags) {
  if (!adapter_ || !driver_.ReturnNetBufferListsHandler)
    throw std::logic_error("return_net_buffer_lists: no adapter");
  const auto at = CallSite::current();
  nbls = take_chain(nbls, NetObjectState::kIndicated, NetObjectState::kOwned,
                    "RETURN_NOT_INDICATED", "MiniportReturnNetBufferLists", at);
  if (!nbls) return;
  run_callback(
      "MiniportReturnNetBufferLists",
      [&] { driver_.ReturnNetBufferListsHandler(adapter_->context, nbls, return_flags); },
      CallbackKind::kReturn);
}

void Kernel::indicate_receive(NDIS_HANDLE, PNET_BUFFER_LIST nbls, ULONG count, ULONG flags,
                              const CallSite& at) {
  if (!enter_call(at)) return;
  if (!check_not_dirql("NdisMIndicateReceiveNetBufferLists", at)) return;
  if (on_cpu() && holds_ndis_lock())
    report("NDIS_CALL_UNDER_LOCK", "NdisMIndicateReceiveNetBufferLists", at,
           "NdisMIndicateReceiveNetBufferLists while holding " + held_lock_names());
  nbls = take_chain(nbls, NetObjectState::kOwned, NetObjectState::kIndicated,
                    "RECEIVE_INDICATED_TWICE", "NdisMIndicateReceiveNetBufferLists", at);
  if (!nbls) return;
  ULONG taken = 0;
  for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next) ++taken;
  if (taken != count)
    report("RECEIVE_COUNT_MISMATCH", "NdisMIndicateReceiveNetBufferLists", at,
           "NumberOfNetBufferLists is " + std::to_string(count) + " but the chain holds " +
               std::to_string(taken) + " NET_BUFFER_LIST(s) the miniport may indicate");
  if (protocol_.receive) protocol_.receive(nbls, taken, flags);
  // With NDIS_RECEIVE_FLAGS_RESOURCES the protocol copies: the NBLs are the miniport's again.
  if (flags & NDIS_RECEIVE_FLAGS_RESOURCES)
    for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next)
      ledger_.track(nbl, NetObjectKind::kNbl).state = NetObjectState::kOwned;
}

void Kernel::send_complete(NDIS_HANDLE, PNET_BUFFER_LIST nbls, ULONG flags, const CallSite& at) {
  if (!enter_call(at)) return;
  if (!check_not_dirql("NdisMSendNetBufferListsComplete", at)) return;
  if (on_cpu() && holds_ndis_lock())
    report("NDIS_CALL_UNDER_LOCK", "NdisMSendNetBufferListsComplete", at,
           "NdisMSendNetBufferListsComplete while holding " + held_lock_names());
  for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next) check_sg_freed(nbl, at);
  nbls = take_chain(nbls, NetObjectState::kSent, NetObjectState::kOwned, "SEND_COMPLETED_TWICE",
                    "NdisMSendNetBufferListsComplete", at);
  if (nbls && protocol_.send_complete) protocol_.send_complete(nbls, flags);
}

}  // namespace nicsim::ndis
