/* MiniportPause and MiniportRestart, MiniportCheckForHangEx, MiniportResetEx (done in an I/O work
 * item at PASSIVE_LEVEL), MiniportShutdownEx, MiniportDevicePnPEventNotify, and the link state. */
#include "sn_adapter.h"

NDIS_IO_WORKITEM_FUNCTION SnResetWorkItem;

VOID SnDataPathDone(PSN_ADAPTER Adapter, ULONG Sends, ULONG Receives) {
  BOOLEAN complete = FALSE;
  NdisAcquireSpinLock(&Adapter->Lock);
  Adapter->TxOutstanding -= Sends;
  Adapter->RxWithProtocol -= Receives;
  if (Adapter->PausePending && Adapter->TxOutstanding == 0 && Adapter->RxWithProtocol == 0) {
    Adapter->PausePending = FALSE;
    complete = TRUE;
  }
  NdisReleaseSpinLock(&Adapter->Lock);
  if (complete) NdisMPauseComplete(Adapter->AdapterHandle);
}

/* MiniportPause. Runs at PASSIVE_LEVEL; takes Lock. New sends are refused from now on; sends on
 * the ring or waiting for it still go out. The pause completes once they are completed and the
 * protocol returned every receive; frames arriving meanwhile wait in the RX ring. */
NDIS_STATUS SnPause(NDIS_HANDLE MiniportAdapterContext,
                    PNDIS_MINIPORT_PAUSE_PARAMETERS PauseParameters) {
  PSN_ADAPTER adapter = (PSN_ADAPTER)MiniportAdapterContext;
  BOOLEAN idle;
  UNREFERENCED_PARAMETER(PauseParameters);
  NdisAcquireSpinLock(&adapter->Lock);
  adapter->Paused = TRUE;
  idle = adapter->TxOutstanding == 0 && adapter->RxWithProtocol == 0 ? TRUE : FALSE;
  if (!idle) adapter->PausePending = TRUE;
  NdisReleaseSpinLock(&adapter->Lock);
  return idle ? NDIS_STATUS_SUCCESS : NDIS_STATUS_PENDING;
}

/* MiniportRestart. Runs at PASSIVE_LEVEL; takes Lock. Frames that arrived while paused are in
 * the ring with their RXT0 already taken: a software interrupt (ICS) drains them. */
NDIS_STATUS SnRestart(NDIS_HANDLE MiniportAdapterContext,
                      PNDIS_MINIPORT_RESTART_PARAMETERS RestartParameters) {
  PSN_ADAPTER adapter = (PSN_ADAPTER)MiniportAdapterContext;
  UNREFERENCED_PARAMETER(RestartParameters);
  NdisAcquireSpinLock(&adapter->Lock);
  adapter->Paused = FALSE;
  NdisReleaseSpinLock(&adapter->Lock);
  SnWriteRegister(adapter, SIMPLE_NIC_REG_ICS, SIMPLE_NIC_ICR_RXT0);
  return NDIS_STATUS_SUCCESS;
}

/* Runs at DISPATCH_LEVEL in the DPC (LSC); takes Lock. Tells NDIS when STATUS.LU no longer
 * matches what it was told (connected, at initialize). */
VOID SnIndicateLinkState(PSN_ADAPTER Adapter) {
  const ULONG status = SnReadRegister(Adapter, SIMPLE_NIC_REG_STATUS);
  const NDIS_MEDIA_CONNECT_STATE state =
      (status & SIMPLE_NIC_STATUS_LU) ? MediaConnectStateConnected : MediaConnectStateDisconnected;
  NDIS_LINK_STATE link;
  NDIS_STATUS_INDICATION indication;
  BOOLEAN changed;

  NdisDprAcquireSpinLock(&Adapter->Lock);
  changed = state != Adapter->MediaConnectState ? TRUE : FALSE;
  Adapter->MediaConnectState = state;
  NdisDprReleaseSpinLock(&Adapter->Lock);
  if (!changed) return;

  NdisZeroMemory(&link, sizeof(link));
  link.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
  link.Header.Revision = NDIS_LINK_STATE_REVISION_1;
  link.Header.Size = sizeof(link);
  link.MediaConnectState = state;
  link.MediaDuplexState = MediaDuplexStateFull;
  link.XmitLinkSpeed = link.RcvLinkSpeed =
      state == MediaConnectStateConnected ? SN_LINK_SPEED_BPS : NDIS_LINK_SPEED_UNKNOWN;
  link.PauseFunctions = NdisPauseFunctionsUnsupported;
  NdisZeroMemory(&indication, sizeof(indication));
  indication.Header.Type = NDIS_OBJECT_TYPE_STATUS_INDICATION;
  indication.Header.Revision = NDIS_STATUS_INDICATION_REVISION_1;
  indication.Header.Size = sizeof(indication);
  indication.SourceHandle = Adapter->AdapterHandle;
  indication.StatusCode = NDIS_STATUS_LINK_STATE;
  indication.StatusBuffer = &link;
  indication.StatusBufferSize = sizeof(link);
  NdisMIndicateStatusEx(Adapter->AdapterHandle, &indication);
}

/* MiniportCheckForHangEx. Runs at DISPATCH_LEVEL. Hung: the device reads all ones (gone), or
 * the TX ring stopped moving with frames on it. */
BOOLEAN SnCheckForHangEx(NDIS_HANDLE MiniportAdapterContext) {
  PSN_ADAPTER adapter = (PSN_ADAPTER)MiniportAdapterContext;
  if (SnReadRegister(adapter, SIMPLE_NIC_REG_ID) == MAXULONG) return TRUE;
  return SnTxStalled(adapter);
}

/* MiniportResetEx. Runs at IRQL <= DISPATCH_LEVEL; takes Lock. The reset waits and sleeps, so
 * it runs in a work item at PASSIVE_LEVEL and this pends it. From now on DPCs do nothing and
 * sends are refused. */
NDIS_STATUS SnResetEx(NDIS_HANDLE MiniportAdapterContext, PBOOLEAN AddressingReset) {
  PSN_ADAPTER adapter = (PSN_ADAPTER)MiniportAdapterContext;
  BOOLEAN busy;
  *AddressingReset = FALSE;
  NdisAcquireSpinLock(&adapter->Lock);
  busy = adapter->Resetting || adapter->Halting ? TRUE : FALSE;
  if (!busy) adapter->Resetting = TRUE;
  NdisReleaseSpinLock(&adapter->Lock);
  if (busy) return NDIS_STATUS_RESET_IN_PROGRESS;
  NdisQueueIoWorkItem(adapter->ResetWorkItem, SnResetWorkItem, adapter);
  return NDIS_STATUS_PENDING;
}

/* NDIS_IO_WORKITEM_ROUTINE. Runs at PASSIVE_LEVEL: the reset itself. No DPC runs once the ones
 * in flight finish; then mask, stop the engines, abort what was on the ring, start both rings
 * over with every buffer the protocol does not hold, start, unmask, complete. */
VOID SnResetWorkItem(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle) {
  PSN_ADAPTER adapter = (PSN_ADAPTER)WorkItemContext;
  UNREFERENCED_PARAMETER(NdisIoWorkItemHandle);
  SnWaitForDpcs(adapter);
  SnDisableInterruptsSync(adapter);
  SnStopDevice(adapter);
  SnAbortAllSends(adapter);
  SnProgramRings(adapter);
  SnPostAllRxBuffers(adapter);
  SnStartDevice(adapter);
  NdisAcquireSpinLock(&adapter->Lock);
  adapter->Resetting = FALSE;
  adapter->RxMorePending = FALSE;
  NdisReleaseSpinLock(&adapter->Lock);
  SnEnableInterruptsSync(adapter);
  NdisMResetComplete(adapter->AdapterHandle, NDIS_STATUS_SUCCESS, FALSE);
}

/* MiniportShutdownEx. Runs at PASSIVE_LEVEL, or at HIGH_LEVEL on a bug check: stop DMA, no
 * lock, no wait, nothing freed. */
VOID SnShutdownEx(NDIS_HANDLE MiniportAdapterContext, NDIS_SHUTDOWN_ACTION ShutdownAction) {
  PSN_ADAPTER adapter = (PSN_ADAPTER)MiniportAdapterContext;
  UNREFERENCED_PARAMETER(ShutdownAction);
  SnWriteRegister(adapter, SIMPLE_NIC_REG_RCTL, 0);
  SnWriteRegister(adapter, SIMPLE_NIC_REG_TCTL, 0);
}

/* MiniportDevicePnPEventNotify. Runs at PASSIVE_LEVEL. Nothing to do for any event here. */
VOID SnDevicePnPEventNotify(NDIS_HANDLE MiniportAdapterContext,
                            PNET_DEVICE_PNP_EVENT NetDevicePnPEvent) {
  UNREFERENCED_PARAMETER(MiniportAdapterContext);
  UNREFERENCED_PARAMETER(NetDevicePnPEvent);
}
