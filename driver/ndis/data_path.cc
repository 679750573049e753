// The data path: send, send complete, receive indication, return, and who owns each NBL.
#include <stdexcept>
#include <string>

#include "driver/ndis/lifecycle.h"

namespace nicsim::ndis {

void MiniportLifecycle::send_net_buffer_lists(PNET_BUFFER_LIST nbls, ULONG send_flags) {
  if (!adapter_initialized() || !driver_.SendNetBufferListsHandler)
    throw std::logic_error("send_net_buffer_lists: adapter not initialized");
  for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next) {
    NetObject& info = net_buffers_.ledger().track(nbl, NetObjectKind::kNbl);
    if (info.state != NetObjectState::kOwned)
      throw std::logic_error(
          "send_net_buffer_lists: the protocol sent a NET_BUFFER_LIST it does "
          "not own");
    info.state = NetObjectState::kSent;
    if (adapter_->state != AdapterState::kRunning) adapter_->sent_while_paused.insert(nbl);
    core_.acquire(nbl);  // its last completion happens before this send
  }
  core_.acquire(&kNdisLifecycle);  // NDIS sends only to a restarted adapter
  ++sends_in_call_;
  core_.run_callback(
      "MiniportSendNetBufferLists",
      [&] {
        driver_.SendNetBufferListsHandler(adapter_->context, nbls, NDIS_DEFAULT_PORT_NUMBER,
                                          send_flags);
      },
      CallbackKind::kSend);
  --sends_in_call_;
}

void MiniportLifecycle::return_net_buffer_lists(PNET_BUFFER_LIST nbls, ULONG return_flags) {
  if (!adapter_ || !driver_.ReturnNetBufferListsHandler)
    throw std::logic_error("return_net_buffer_lists: no adapter");
  const auto at = CallSite::current();
  nbls = net_buffers_.take_chain(nbls, NetObjectState::kIndicated, NetObjectState::kOwned,
                                 "RETURN_NOT_INDICATED", "MiniportReturnNetBufferLists", at);
  if (!nbls) return;
  for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next) core_.acquire(nbl);  // its indication
  core_.acquire(&kNdisLifecycle);
  core_.run_callback(
      "MiniportReturnNetBufferLists",
      [&] { driver_.ReturnNetBufferListsHandler(adapter_->context, nbls, return_flags); },
      CallbackKind::kReturn);
  core_.release(&kNdisCompletions);  // NDIS pauses only once every indication is back
}

void MiniportLifecycle::indicate_receive(NDIS_HANDLE, PNET_BUFFER_LIST nbls, ULONG count,
                                         ULONG flags, const CallSite& at) {
  if (!core_.enter_call(at)) return;
  if (!core_.check_not_dirql("NdisMIndicateReceiveNetBufferLists", at)) return;
  core_.evaluated("NDIS_CALL_UNDER_LOCK");
  if (core_.on_cpu() && locks_.holds_ndis_lock())
    core_.report("NDIS_CALL_UNDER_LOCK", "NdisMIndicateReceiveNetBufferLists", at,
                 "NdisMIndicateReceiveNetBufferLists while holding " + locks_.held_lock_names());
  core_.evaluated("RECEIVE_WHILE_PAUSED");
  if (adapter_ && adapter_->state == AdapterState::kPaused)
    core_.report("RECEIVE_WHILE_PAUSED", "NdisMIndicateReceiveNetBufferLists", at,
                 "a receive indication while the adapter is paused");
  nbls =
      net_buffers_.take_chain(nbls, NetObjectState::kOwned, NetObjectState::kIndicated,
                              "RECEIVE_INDICATED_TWICE", "NdisMIndicateReceiveNetBufferLists", at);
  if (!nbls) return;
  ULONG taken = 0;
  for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next) {
    ++taken;
    core_.release(nbl);  // the indication happens before the return
  }
  core_.evaluated("RECEIVE_COUNT_MISMATCH");
  if (taken != count)
    core_.report("RECEIVE_COUNT_MISMATCH", "NdisMIndicateReceiveNetBufferLists", at,
                 "NumberOfNetBufferLists is " + std::to_string(count) + " but the chain holds " +
                     std::to_string(taken) + " NET_BUFFER_LIST(s) the miniport may indicate");
  if (protocol_.receive) protocol_.receive(nbls, taken, flags);
  // With NDIS_RECEIVE_FLAGS_RESOURCES the protocol copies: the NBLs are the miniport's again.
  if (flags & NDIS_RECEIVE_FLAGS_RESOURCES) {
    for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next) {
      NetObject& info = net_buffers_.ledger().track(nbl, NetObjectKind::kNbl);
      info.state = NetObjectState::kOwned;
      info.came_back_from = NetObjectState::kIndicated;
      info.came_back_at_once = true;
      info.came_back_at = at;
    }
  }
}

void MiniportLifecycle::send_complete(NDIS_HANDLE, PNET_BUFFER_LIST nbls, ULONG flags,
                                      const CallSite& at) {
  if (!core_.enter_call(at)) return;
  if (!core_.check_not_dirql("NdisMSendNetBufferListsComplete", at)) return;
  core_.evaluated("NDIS_CALL_UNDER_LOCK");
  if (core_.on_cpu() && locks_.holds_ndis_lock())
    core_.report("NDIS_CALL_UNDER_LOCK", "NdisMSendNetBufferListsComplete", at,
                 "NdisMSendNetBufferListsComplete while holding " + locks_.held_lock_names());
  // First the chain down to the outstanding sends (a chain that loops is cut), then their checks.
  nbls = net_buffers_.take_chain(nbls, NetObjectState::kSent, NetObjectState::kOwned,
                                 "SEND_COMPLETED_TWICE", "NdisMSendNetBufferListsComplete", at);
  for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next) {
    sg_dma_.check_sg_freed(nbl, at);
    core_.evaluated("SEND_WHILE_PAUSED");
    if (adapter_ && adapter_->sent_while_paused.erase(nbl) && nbl->Status != NDIS_STATUS_PAUSED)
      core_.report("SEND_WHILE_PAUSED", "NdisMSendNetBufferListsComplete", at,
                   "a send that arrived while the adapter was not running completed with status " +
                       hex(static_cast<uint32_t>(nbl->Status)) + ", not NDIS_STATUS_PAUSED");
  }
  // The hand-off to the protocol: only for the sends that really come back now.
  for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next) core_.release(nbl);
  core_.release(&kNdisCompletions);  // NDIS pauses only once every send is complete
  if (nbls && protocol_.send_complete) protocol_.send_complete(nbls, flags);
}

}  // namespace nicsim::ndis
