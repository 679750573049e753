// MiniportPause and MiniportRestart, MiniportCheckForHangEx and MiniportResetEx (completed from an
// I/O work item), MiniportCancelSend, MiniportShutdownEx, MiniportDevicePnPEventNotify.
#include "mp_adapter.h"

namespace nicsim::miniport {
namespace {

// Runs at IRQL <= DISPATCH_LEVEL; takes Lock. True when a pause was pending and nothing is
// outstanding any more (the caller then completes it, outside the lock).
bool MPPauseCanComplete(MP_ADAPTER* adapter) {
  if (!adapter->PausePending || adapter->TxOutstanding || adapter->RxWithProtocol) return false;
  adapter->PausePending = FALSE;
  return true;
}

}  // namespace

VOID MPWaitForDpcs(MP_ADAPTER* adapter) {
  for (;;) {
    NdisAcquireSpinLock(&adapter->Lock);
    const ULONG in_flight = adapter->DpcsInFlight;
    NdisReleaseSpinLock(&adapter->Lock);
    if (in_flight == 0) return;
    NdisMSleep(5);
  }
}

VOID MPDataPathDone(MP_ADAPTER* adapter, ULONG sends, ULONG receives) {
  NdisAcquireSpinLock(&adapter->Lock);
  adapter->TxOutstanding -= sends;
  adapter->RxWithProtocol -= receives;
  const bool complete = MPPauseCanComplete(adapter);
  NdisReleaseSpinLock(&adapter->Lock);
  if (complete) NdisMPauseComplete(adapter->AdapterHandle);
}

// MiniportPause. Runs at PASSIVE_LEVEL; takes Lock. Refuses new sends from now on; the pause
// completes once the sends in flight are completed and the receives up are returned.
NDIS_STATUS MPPause(NDIS_HANDLE context, PNDIS_MINIPORT_PAUSE_PARAMETERS) {
  auto* adapter = static_cast<MP_ADAPTER*>(context);
  NdisAcquireSpinLock(&adapter->Lock);
  const bool idle = adapter->TxOutstanding == 0 && adapter->RxWithProtocol == 0;
  if (!idle) adapter->PausePending = TRUE;
  // Last: the race checker keeps few accesses per 8-byte word, and a later write to this word
  // here would push this one out before a DPC's read could be checked against it.
  adapter->Paused = TRUE;
  NdisReleaseSpinLock(&adapter->Lock);
  if (HasBug(adapter, DriverBug::kRxTailRewindOnPause)) {
    // The mistake, a bring-up shortcut: "stop the receive rings" by handing back no buffer at
    // all, the tail moved onto the device's head, while the NIC may be filling the buffer there.
    for (ULONG q = 0; q < adapter->NumQueues; ++q)
      NICWriteRegister(adapter, nic_regs::RX_TAIL(q),
                       NICReadRegister(adapter, nic_regs::RX_HEAD(q)));
  }
  return idle ? NDIS_STATUS_SUCCESS : NDIS_STATUS_PENDING;
}

// MiniportRestart. Runs at PASSIVE_LEVEL; takes Lock. Frames that arrived while paused are still
// in the rings: a software interrupt (ICS) on every receive cause drains them.
NDIS_STATUS MPRestart(NDIS_HANDLE context, PNDIS_MINIPORT_RESTART_PARAMETERS) {
  auto* adapter = static_cast<MP_ADAPTER*>(context);
  NdisAcquireSpinLock(&adapter->Lock);
  adapter->Paused = FALSE;
  NdisReleaseSpinLock(&adapter->Lock);
  if (HasBug(adapter, DriverBug::kRxTailRewindOnPause)) {
    for (ULONG q = 0; q < adapter->NumQueues; ++q) {  // the buffers handed over again
      NdisAcquireSpinLock(&adapter->RcvLock);
      NICWriteRegister(adapter, nic_regs::RX_TAIL(q), adapter->Rx[q].NextToUse);
      NdisReleaseSpinLock(&adapter->RcvLock);
    }
  }
  ULONG receive_causes = 0;
  for (ULONG q = 0; q < adapter->NumQueues; ++q) receive_causes |= RxCause(q);
  NICWriteRegister(adapter, nic_regs::ICS, receive_causes);
  return NDIS_STATUS_SUCCESS;
}

VOID MPDeviceGone(MP_ADAPTER* adapter, bool dispatch, bool ask_removal) {
  NICMarkRemoved(adapter);
  if (InterlockedExchange(&adapter->RemovalHandled, 1) != 0) return;
  // The device will finish nothing: every send it holds fails now, so the pause NDIS sends before
  // the halt can complete. (Receives need nothing: those up come back through the return path.)
  const ULONG failed = MPAbortAllSends(adapter, NDIS_STATUS_FAILURE, dispatch);
  if (dispatch) {
    NdisDprAcquireSpinLock(&adapter->Lock);
  } else {
    NdisAcquireSpinLock(&adapter->Lock);
  }
  ++MpMutableCounters().DeviceRemovals;
  MpMutableCounters().SendsFailedRemoved += failed;
  if (dispatch) {
    NdisDprReleaseSpinLock(&adapter->Lock);
  } else {
    NdisReleaseSpinLock(&adapter->Lock);
  }
  // Found by the driver, not told by PnP: NDIS is asked to take the adapter away (pause, halt).
  if (ask_removal) (void)NdisMRemoveMiniport(adapter->AdapterHandle);
}

// MiniportCheckForHangEx. Runs at IRQL <= DISPATCH_LEVEL; takes Lock and the interrupt lock. A
// device that reads all-ones is gone: no reset brings it back, so the driver fails its sends and
// asks NDIS to remove the adapter. Otherwise it raises every idle queue cause again, as watchdogs
// do (ixgbe's check-hang task): a lost message or a write-back that landed after its interrupt
// leaves work in a ring that no DPC would come for. A device that took no interrupt since the
// last check while sends wait for their completion is hung for good (NDIS resets it).
BOOLEAN MPCheckForHangEx(NDIS_HANDLE context) {
  auto* adapter = static_cast<MP_ADAPTER*>(context);
  if (NICReadRegister(adapter, nic_regs::ID) == kAllOnes) {
    MPDeviceGone(adapter, KeGetCurrentIrql() == DISPATCH_LEVEL, true);
    return FALSE;
  }
  NdisAcquireSpinLock(&adapter->Lock);
  const bool sends_waiting = adapter->TxOutstanding != 0;
  const bool stopping = adapter->Halting || adapter->Resetting || adapter->Paused;
  NdisReleaseSpinLock(&adapter->Lock);
  if (!stopping) (void)MPRaiseIdleCauses(adapter);
  const ULONG claimed = MPInterruptsClaimed(adapter);
  const bool silent = claimed == adapter->HangCheckClaims;
  adapter->HangCheckClaims = claimed;
  return sends_waiting && silent ? TRUE : FALSE;
}

namespace {

// NDIS_IO_WORKITEM_ROUTINE. Runs at PASSIVE_LEVEL: the reset itself. Waits out the DPCs in
// flight, masks, resets the device, aborts the sends, re-programs rings, receive buffers and
// interrupts, then completes the reset.
VOID MPResetWorkItem(PVOID context, NDIS_HANDLE) {
  auto* adapter = static_cast<MP_ADAPTER*>(context);
  // DPCs that started before Resetting was set re-enable their causes last: wait them out, then
  // mask, then reset. Bug variant: "the reset clears the mask anyway", so it resets first, with
  // the ISR live.
  const bool reset_first = HasBug(adapter, DriverBug::kResetBeforeMask);
  if (reset_first) NICWriteRegister(adapter, nic_regs::CTRL, nic_regs::CTRL_RESET);
  MPWaitForDpcs(adapter);
  MPDisableInterruptsSync(adapter, kAllCauses);
  if (!reset_first) NICWriteRegister(adapter, nic_regs::CTRL, nic_regs::CTRL_RESET);
  NICWaitForIdle(adapter);
  MPForgetPendingCauses(adapter);
  MPAbortAllSends(adapter, NDIS_STATUS_SEND_ABORTED, false);
  NICProgramRings(adapter);
  MPRepostRxBuffers(adapter);
  NICProgramInterrupts(adapter, adapter->Msix ? adapter->MessageInfo : nullptr);
  NICWriteRegister(adapter, nic_regs::CTRL,
                   nic_regs::CTRL_EN | (adapter->Msix ? 0u : nic_regs::CTRL_INTX_MODE));
  NdisAcquireSpinLock(&adapter->Lock);
  adapter->Resetting = FALSE;
  NdisReleaseSpinLock(&adapter->Lock);
  MPEnableInterruptsSync(adapter, adapter->EnabledCauses);
  NdisMResetComplete(adapter->AdapterHandle, NDIS_STATUS_SUCCESS, FALSE);
}

}  // namespace

// MiniportResetEx. Runs at IRQL <= DISPATCH_LEVEL; takes Lock. The reset runs at PASSIVE_LEVEL
// in a work item, so this pends it.
NDIS_STATUS MPResetEx(NDIS_HANDLE context, PBOOLEAN addressing_reset) {
  auto* adapter = static_cast<MP_ADAPTER*>(context);
  *addressing_reset = FALSE;
  NdisAcquireSpinLock(&adapter->Lock);
  const bool busy = adapter->Resetting || adapter->Halting;
  adapter->Resetting = TRUE;
  NdisReleaseSpinLock(&adapter->Lock);
  if (busy) return NDIS_STATUS_RESET_IN_PROGRESS;
  NdisQueueIoWorkItem(adapter->ResetWorkItem, MPResetWorkItem, adapter);
  return NDIS_STATUS_PENDING;
}

// MiniportCancelSend. Runs at IRQL <= DISPATCH_LEVEL. Sends are on the ring within
// microseconds and never wait on anything but it, so there is nothing to cancel.
VOID MPCancelSend(NDIS_HANDLE, PVOID) {}

// MiniportShutdownEx. Runs at PASSIVE_LEVEL (power-off). Stops the device from DMA; takes no
// lock and frees nothing, as the WDK requires.
VOID MPShutdownEx(NDIS_HANDLE context, NDIS_SHUTDOWN_ACTION) {
  auto* adapter = static_cast<MP_ADAPTER*>(context);
  NICWriteRegister(adapter, nic_regs::CTRL, nic_regs::CTRL_RESET);
}

// MiniportDevicePnPEventNotify. Runs at PASSIVE_LEVEL. Surprise removal: the hardware is not
// there any more. Noted (no register access from now on), and every send it holds fails now;
// NDIS pauses and halts the adapter next (NdisHaltDeviceSurpriseRemoved). Other events (power
// profile) need nothing here.
VOID MPDevicePnPEventNotify(NDIS_HANDLE context, PNET_DEVICE_PNP_EVENT event) {
  auto* adapter = static_cast<MP_ADAPTER*>(context);
  if (!event || event->DevicePnPEvent != NdisDevicePnPEventSurpriseRemoved) return;
  MPDeviceGone(adapter, false, false);
}

}  // namespace nicsim::miniport
