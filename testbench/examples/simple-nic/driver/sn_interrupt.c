/* Interrupts: the line-based and message-based ISRs, their DPC, the synchronize callbacks that
 * share SavedCause with DIRQL, and the Enable/DisableInterrupt handlers.
 *
 * ISR: masks every cause (IMC), reads ICR, acknowledges what it read and ORs it into SavedCause,
 * then queues the DPC. DPC: fetches and clears SavedCause through
 * NdisMSynchronizeWithInterruptEx, receives, completes sends, and re-enables (IMS) last, again
 * through NdisMSynchronizeWithInterruptEx. While the DPC runs the device stays masked; a cause
 * that arrives meanwhile stays in ICR and interrupts as soon as IMS is written. */
#include "sn_adapter.h"

/* The one message (MSI) or the line: both are message or line 0 to NDIS. */
#define SN_MESSAGE_ID 0
/* Halt and reset wait for the DPCs in flight this often. */
#define SN_DPC_WAIT_US 5

MINIPORT_ISR SnInterrupt;
MINIPORT_INTERRUPT_DPC SnInterruptDpc;
MINIPORT_ENABLE_INTERRUPT SnEnableInterrupt;
MINIPORT_DISABLE_INTERRUPT SnDisableInterrupt;
MINIPORT_MESSAGE_INTERRUPT SnMessageInterrupt;
MINIPORT_MESSAGE_INTERRUPT_DPC SnMessageInterruptDpc;
MINIPORT_ENABLE_MESSAGE_INTERRUPT SnEnableMessageInterrupt;
MINIPORT_DISABLE_MESSAGE_INTERRUPT SnDisableMessageInterrupt;
MINIPORT_SYNCHRONIZE_INTERRUPT SnFetchCauseSync;
MINIPORT_SYNCHRONIZE_INTERRUPT SnEnableSync;
MINIPORT_SYNCHRONIZE_INTERRUPT SnDisableSync;

/* Runs at DIRQL under the interrupt lock: moves SavedCause to the caller. */
BOOLEAN SnFetchCauseSync(NDIS_HANDLE SynchronizeContext) {
  PSN_SYNC_CONTEXT sync = (PSN_SYNC_CONTEXT)SynchronizeContext;
  sync->Causes = sync->Adapter->SavedCause;
  sync->Adapter->SavedCause = 0;
  return TRUE;
}

/* Runs at DIRQL under the interrupt lock. */
BOOLEAN SnEnableSync(NDIS_HANDLE SynchronizeContext) {
  PSN_SYNC_CONTEXT sync = (PSN_SYNC_CONTEXT)SynchronizeContext;
  SnWriteRegister(sync->Adapter, SIMPLE_NIC_REG_IMS, sync->Causes);
  return TRUE;
}

/* Runs at DIRQL under the interrupt lock. */
BOOLEAN SnDisableSync(NDIS_HANDLE SynchronizeContext) {
  PSN_SYNC_CONTEXT sync = (PSN_SYNC_CONTEXT)SynchronizeContext;
  SnWriteRegister(sync->Adapter, SIMPLE_NIC_REG_IMC, sync->Causes);
  return TRUE;
}

/* Runs at DIRQL (either ISR). Returns the causes claimed, already acknowledged and saved.
 * Line-based: the line may be shared, so claim only when an enabled cause of ours is pending.
 * Message-based: the message is ours; mask first, so a cause landing after the ICR read waits
 * in ICR for the DPC's IMS write instead of raising a message nobody masks. */
static ULONG SnClaimCauses(PSN_ADAPTER Adapter, BOOLEAN LineBased) {
  const BOOLEAN mask = SnHasBug(Adapter, SN_BUG_ISR_NO_MASK) ? FALSE : TRUE;
  ULONG cause;

  if (LineBased) {
    const ULONG pending = SnReadRegister(Adapter, SIMPLE_NIC_REG_ICR);
    const ULONG enabled = SnReadRegister(Adapter, SIMPLE_NIC_REG_IMS);
    if ((pending & enabled & SN_INTERRUPT_CAUSES) == 0) return 0;
    if (mask) SnWriteRegister(Adapter, SIMPLE_NIC_REG_IMC, SN_ALL_CAUSES);
    cause = pending & SN_INTERRUPT_CAUSES;
  } else {
    if (mask) SnWriteRegister(Adapter, SIMPLE_NIC_REG_IMC, SN_ALL_CAUSES);
    cause = SnReadRegister(Adapter, SIMPLE_NIC_REG_ICR) & SN_INTERRUPT_CAUSES;
  }
  if (cause != 0) {
    SnWriteRegister(Adapter, SIMPLE_NIC_REG_ICR, cause);
    Adapter->SavedCause |= cause; /* OR: a DPC may not have fetched the last ones yet */
  }
  return cause;
}

/* MiniportInterrupt (line-based). Runs at DIRQL; takes no spin lock. The DPC runs on this CPU. */
BOOLEAN SnInterrupt(NDIS_HANDLE MiniportInterruptContext, PBOOLEAN QueueDefaultInterruptDpc,
                    PULONG TargetProcessors) {
  PSN_ADAPTER adapter = (PSN_ADAPTER)MiniportInterruptContext;
  const ULONG cause = SnClaimCauses(adapter, TRUE);
  *TargetProcessors = 0;
  *QueueDefaultInterruptDpc = cause != 0 ? TRUE : FALSE;
  return cause != 0 ? TRUE : FALSE;
}

/* MiniportMessageInterrupt. Runs at DIRQL; takes no spin lock. Always queues the DPC: the ISR
 * masked the device, and the DPC is what unmasks it, even when ICR read empty (a cause another
 * ISR run already took). */
BOOLEAN SnMessageInterrupt(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                           PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors) {
  PSN_ADAPTER adapter = (PSN_ADAPTER)MiniportInterruptContext;
  UNREFERENCED_PARAMETER(MessageId);
  (void)SnClaimCauses(adapter, FALSE);
  *TargetProcessors = 0;
  *QueueDefaultInterruptDpc = TRUE;
  return TRUE;
}

/* Runs at DISPATCH_LEVEL (either DPC). Takes Lock briefly at both ends; RcvLock, then
 * SendLock, in between (never nested). A DPC that starts once a halt or a reset began does
 * nothing: that path waits for the DPCs in flight, masks the device and owns the rings. */
static VOID SnDpcWork(PSN_ADAPTER Adapter, PVOID ReceiveThrottleParameters) {
  PNDIS_RECEIVE_THROTTLE_PARAMETERS throttle =
      (PNDIS_RECEIVE_THROTTLE_PARAMETERS)ReceiveThrottleParameters;
  SN_SYNC_CONTEXT sync;
  BOOLEAN carried;
  BOOLEAN receive;
  BOOLEAN more = FALSE;
  ULONG causes;

  NdisDprAcquireSpinLock(&Adapter->Lock);
  if (Adapter->Halting || Adapter->Resetting) {
    NdisDprReleaseSpinLock(&Adapter->Lock);
    return;
  }
  ++Adapter->DpcsInFlight;
  carried = Adapter->RxMorePending;
  Adapter->RxMorePending = FALSE;
  NdisDprReleaseSpinLock(&Adapter->Lock);

  sync.Adapter = Adapter;
  sync.Causes = 0;
  NdisMSynchronizeWithInterruptEx(Adapter->InterruptHandle, SN_MESSAGE_ID, SnFetchCauseSync, &sync);
  causes = sync.Causes;

  if (causes & SIMPLE_NIC_ICR_LSC) SnIndicateLinkState(Adapter);
  /* RXO (a frame missed for want of a descriptor) also means: take what is there. */
  receive = carried || (causes & (SIMPLE_NIC_ICR_RXT0 | SIMPLE_NIC_ICR_RXO)) != 0;
  if (receive) {
    ULONG budget = SN_RX_BUDGET;
    if (throttle && throttle->MaxNblsToIndicate < budget) budget = throttle->MaxNblsToIndicate;
    more = SnHandleReceive(Adapter, budget > 0 ? budget : 1);
  }
  if (causes & SIMPLE_NIC_ICR_TXDW) SnHandleSendComplete(Adapter);

  if (more) {
    /* Budget spent with frames left: run again, still masked, rather than hold the CPU. */
    if (throttle) {
      throttle->MoreNblsPending = 1;
    } else {
      NdisMQueueDpcEx(Adapter->InterruptHandle, SN_MESSAGE_ID, NULL, NULL);
    }
  } else if (SnHasBug(Adapter, SN_BUG_DPC_SKIPS_REENABLE) && !receive) {
    /* The mistake: "only TX work, nothing to re-arm", and the device stays masked. */
  } else if (SnHasBug(Adapter, SN_BUG_REENABLE_OUTSIDE_SYNC)) {
    SnWriteRegister(Adapter, SIMPLE_NIC_REG_IMS, SN_INTERRUPT_CAUSES); /* the mistake */
  } else {
    sync.Causes = SN_INTERRUPT_CAUSES;
    NdisMSynchronizeWithInterruptEx(Adapter->InterruptHandle, SN_MESSAGE_ID, SnEnableSync, &sync);
  }

  NdisDprAcquireSpinLock(&Adapter->Lock);
  if (more) Adapter->RxMorePending = TRUE;
  --Adapter->DpcsInFlight;
  NdisDprReleaseSpinLock(&Adapter->Lock);
}

/* MiniportInterruptDpc. Runs at DISPATCH_LEVEL. */
VOID SnInterruptDpc(NDIS_HANDLE MiniportInterruptContext, PVOID MiniportDpcContext,
                    PVOID ReceiveThrottleParameters, PVOID NdisReserved2) {
  UNREFERENCED_PARAMETER(MiniportDpcContext);
  UNREFERENCED_PARAMETER(NdisReserved2);
  SnDpcWork((PSN_ADAPTER)MiniportInterruptContext, ReceiveThrottleParameters);
}

/* MiniportMessageInterruptDpc. Runs at DISPATCH_LEVEL. */
VOID SnMessageInterruptDpc(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                           PVOID MiniportDpcContext, PVOID ReceiveThrottleParameters,
                           PVOID NdisReserved2) {
  UNREFERENCED_PARAMETER(MessageId);
  UNREFERENCED_PARAMETER(MiniportDpcContext);
  UNREFERENCED_PARAMETER(NdisReserved2);
  SnDpcWork((PSN_ADAPTER)MiniportInterruptContext, ReceiveThrottleParameters);
}

/* NDIS calls these at DIRQL under the interrupt lock. */
VOID SnEnableInterrupt(NDIS_HANDLE MiniportInterruptContext) {
  SnWriteRegister((PSN_ADAPTER)MiniportInterruptContext, SIMPLE_NIC_REG_IMS, SN_INTERRUPT_CAUSES);
}

VOID SnDisableInterrupt(NDIS_HANDLE MiniportInterruptContext) {
  SnWriteRegister((PSN_ADAPTER)MiniportInterruptContext, SIMPLE_NIC_REG_IMC, SN_ALL_CAUSES);
}

VOID SnEnableMessageInterrupt(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId) {
  UNREFERENCED_PARAMETER(MessageId);
  SnEnableInterrupt(MiniportInterruptContext);
}

VOID SnDisableMessageInterrupt(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId) {
  UNREFERENCED_PARAMETER(MessageId);
  SnDisableInterrupt(MiniportInterruptContext);
}

/* Runs at PASSIVE_LEVEL with the device masked: the ISR may run before this returns. Offers
 * both kinds of handlers; NDIS connects what PnP assigned (one MSI message or the line). */
NDIS_STATUS SnRegisterInterrupt(PSN_ADAPTER Adapter) {
  NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS chars;
  NDIS_STATUS status;

  NdisZeroMemory(&chars, sizeof(chars));
  chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT;
  chars.Header.Revision = NDIS_MINIPORT_INTERRUPT_REVISION_1;
  chars.Header.Size = sizeof(chars);
  chars.InterruptHandler = SnInterrupt;
  chars.InterruptDpcHandler = SnInterruptDpc;
  chars.EnableInterruptHandler = SnEnableInterrupt;
  chars.DisableInterruptHandler = SnDisableInterrupt;
  chars.MsiSupported = Adapter->MessageBased;
  chars.MsiSyncWithAllMessages = TRUE;
  chars.MessageInterruptHandler = SnMessageInterrupt;
  chars.MessageInterruptDpcHandler = SnMessageInterruptDpc;
  chars.EnableMessageInterruptHandler = SnEnableMessageInterrupt;
  chars.DisableMessageInterruptHandler = SnDisableMessageInterrupt;
  status =
      NdisMRegisterInterruptEx(Adapter->AdapterHandle, Adapter, &chars, &Adapter->InterruptHandle);
  if (status != NDIS_STATUS_SUCCESS) return status;
  Adapter->InterruptRegistered = TRUE;
  Adapter->MessageBased = chars.InterruptType == NDIS_CONNECT_MESSAGE_BASED ? TRUE : FALSE;
  Adapter->MessageInfo = Adapter->MessageBased ? chars.MessageInfoTable : NULL;
  return NDIS_STATUS_SUCCESS;
}

/* Runs at PASSIVE_LEVEL; returns once no ISR or DPC of ours runs. */
VOID SnDeregisterInterrupt(PSN_ADAPTER Adapter) {
  if (!Adapter->InterruptRegistered) return;
  NdisMDeregisterInterruptEx(Adapter->InterruptHandle);
  Adapter->InterruptRegistered = FALSE;
  Adapter->InterruptHandle = NULL;
  Adapter->MessageInfo = NULL;
}

/* Runs at IRQL <= DISPATCH_LEVEL: unmasks the driver's causes under the interrupt lock. */
VOID SnEnableInterruptsSync(PSN_ADAPTER Adapter) {
  SN_SYNC_CONTEXT sync;
  sync.Adapter = Adapter;
  sync.Causes = SN_INTERRUPT_CAUSES;
  NdisMSynchronizeWithInterruptEx(Adapter->InterruptHandle, SN_MESSAGE_ID, SnEnableSync, &sync);
}

/* Runs at IRQL <= DISPATCH_LEVEL: masks every cause under the interrupt lock. */
VOID SnDisableInterruptsSync(PSN_ADAPTER Adapter) {
  SN_SYNC_CONTEXT sync;
  sync.Adapter = Adapter;
  sync.Causes = SN_ALL_CAUSES;
  NdisMSynchronizeWithInterruptEx(Adapter->InterruptHandle, SN_MESSAGE_ID, SnDisableSync, &sync);
}

/* Runs at PASSIVE_LEVEL; takes Lock. Returns once no DPC is inside SnDpcWork. */
VOID SnWaitForDpcs(PSN_ADAPTER Adapter) {
  for (;;) {
    ULONG in_flight;
    NdisAcquireSpinLock(&Adapter->Lock);
    in_flight = Adapter->DpcsInFlight;
    NdisReleaseSpinLock(&Adapter->Lock);
    if (in_flight == 0) return;
    NdisMSleep(SN_DPC_WAIT_US);
  }
}
