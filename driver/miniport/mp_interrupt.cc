// Interrupt handling: the line-based and message-based ISRs, their DPCs, the synchronize
// callbacks that share SavedCause with DIRQL, and Enable/DisableInterruptEx.
//
// The ISR claims, masks (IMC), acknowledges (ICR) and ORs the cause into SavedCause, then queues
// the DPC. The DPC fetches and clears its causes through NdisMSynchronizeWithInterruptEx,
// receives, completes sends, and re-enables exactly the causes it fetched, last, through
// NdisMSynchronizeWithInterruptEx. A cause is thus one DPC's from the claim to the re-enable, even
// when DPCs run on several CPUs at once (INTx): that DPC owns the queue's receive clean side.
#include "mp_adapter.h"

namespace nicsim::miniport {

// Runs at DISPATCH_LEVEL; takes Lock. The rings are no longer known to match the driver's view:
// counted under `reason`, and recovered the way a hang is: NdisMResetMiniport (NDIS 6.30) has NDIS
// call MiniportResetEx, whose work item resets the device and starts every ring over. Not requested
// again while a reset is already under way.
VOID MPRequestReset(MP_ADAPTER* adapter, ULONG64 DriverCounters::*reason) {
  NdisDprAcquireSpinLock(&adapter->Lock);
  ++(MpMutableCounters().*reason);
  const bool request = !adapter->Resetting && !adapter->Halting;
  if (request) ++MpMutableCounters().ResetsRequested;
  NdisDprReleaseSpinLock(&adapter->Lock);
  if (request) NdisMResetMiniport(adapter->AdapterHandle);
}

namespace {

MP_ADAPTER* AdapterOf(NDIS_HANDLE context) { return static_cast<MP_ADAPTER*>(context); }

// Runs at DIRQL under the interrupt lock. Moves the causes in ctx->Causes out of SavedCause.
BOOLEAN MPFetchCauseSync(NDIS_HANDLE context) {
  auto* sync = static_cast<MP_SYNC_CONTEXT*>(context);
  const ULONG saved = sync->Adapter->SavedCause;
  sync->Adapter->SavedCause = saved & ~sync->Causes;
  sync->Causes &= saved;
  return TRUE;
}

// Runs at DIRQL under the interrupt lock.
BOOLEAN MPEnableSync(NDIS_HANDLE context) {
  auto* sync = static_cast<MP_SYNC_CONTEXT*>(context);
  sync->Adapter->CausesMaskedBySync &= ~sync->Causes;
  NICWriteRegister(sync->Adapter, nic_regs::IMS, sync->Causes);
  return TRUE;
}

// Runs at DIRQL under the interrupt lock.
BOOLEAN MPDisableSync(NDIS_HANDLE context) {
  auto* sync = static_cast<MP_SYNC_CONTEXT*>(context);
  sync->Adapter->CausesMaskedBySync |= sync->Causes;
  NICWriteRegister(sync->Adapter, nic_regs::IMC, sync->Causes);
  return TRUE;
}

struct MP_CLAIMS_CONTEXT {
  MP_ADAPTER* Adapter;
  ULONG Claimed;  // out: InterruptsClaimed
};

// Runs at DIRQL under the interrupt lock.
BOOLEAN MPReadClaimsSync(NDIS_HANDLE context) {
  auto* read = static_cast<MP_CLAIMS_CONTEXT*>(context);
  read->Claimed = read->Adapter->InterruptsClaimed;
  return TRUE;
}

// Runs at DIRQL under the interrupt lock.
BOOLEAN MPReadBadCausesSync(NDIS_HANDLE context) {
  auto* read = static_cast<MP_CLAIMS_CONTEXT*>(context);
  read->Claimed = read->Adapter->IsrBadCauses;
  return TRUE;
}

// Runs at DIRQL under the interrupt lock. Raises again the causes in ctx->Causes that are
// unmasked (no ISR or DPC holds them): masked, set (ICS) and unmasked, so that each one's condition
// rises and the device sends its vector's message anew (line-based: asserts the line). Out: the
// causes raised.
BOOLEAN MPRaiseIdleCausesSync(NDIS_HANDLE context) {
  auto* sync = static_cast<MP_SYNC_CONTEXT*>(context);
  MP_ADAPTER* adapter = sync->Adapter;
  const ULONG ims = NICReadRegister(adapter, nic_regs::IMS);
  const ULONG idle = sync->Causes & ims & adapter->EnabledCauses & ~adapter->CausesMaskedBySync;
  sync->Causes = idle;
  if (idle == 0 || ims == kAllOnes) return TRUE;
  ++MpMutableCounters().HangCheckRaises;
  NICWriteRegister(adapter, nic_regs::IMC, idle);
  NICWriteRegister(adapter, nic_regs::ICS, idle);
  NICWriteRegister(adapter, nic_regs::IMS, idle);
  return TRUE;
}

// Bug variant only (isr-synchronizes): the ISR saving its cause through synchronize.
BOOLEAN MPSaveCauseSync(NDIS_HANDLE context) {
  auto* sync = static_cast<MP_SYNC_CONTEXT*>(context);
  sync->Adapter->SavedCause |= sync->Causes;
  return TRUE;
}

// Runs at DIRQL. The cause register as read, made safe to use: all-ones means the device is gone
// (ICR defines 19 bits; the device is marked removed and nothing is claimed), and bits ICR does
// not define are counted and dropped.
ULONG MPValidatedCause(MP_ADAPTER* adapter, ULONG icr) {
  if (icr == kAllOnes) {
    NICMarkRemoved(adapter);
    return 0;
  }
  if (icr & ~kAllCauses) ++adapter->IsrBadCauses;
  return icr & kAllCauses;
}

// Runs at DIRQL. Common part of both ISRs: mask, read the pending causes among `causes`,
// acknowledge them and save them for the DPC. Returns the causes claimed.
// Message-based: the whole vector is masked first. The NIC raises a vector's message when its
// condition (pending & enabled causes) rises, so the condition must drop before the DPC
// re-enables; a cause landing between the ICR read and the mask would otherwise never interrupt.
// Line-based: the level stays high while any unmasked cause is pending, so masking exactly the
// claimed causes is enough.
ULONG MPClaimCauses(MP_ADAPTER* adapter, ULONG causes, ULONG message_id, bool message_based) {
  // Gone: nothing pending is ours (the line may be another device's), and the device is not
  // touched. A DPC would only find the same.
  if (MPDeviceRemoved(adapter)) return 0;
  if (HasBug(adapter, DriverBug::kIsrStalls)) NdisStallExecution(30);
  if (HasBug(adapter, DriverBug::kIsrTakesSpinLock)) NdisAcquireSpinLock(&adapter->Lock);
  const bool mask = !HasBug(adapter, DriverBug::kIsrNoMask);

  ULONG cause = 0;
  if (message_based) {
    if (mask) NICWriteRegister(adapter, nic_regs::IMC, causes);
    const ULONG icr = MPValidatedCause(adapter, NICReadRegister(adapter, nic_regs::ICR));
    cause = icr & causes & adapter->EnabledCauses;
  } else {
    const ULONG icr = MPValidatedCause(adapter, NICReadRegister(adapter, nic_regs::ICR));
    const ULONG ims = icr != 0 ? NICReadRegister(adapter, nic_regs::IMS) : 0;
    cause = icr & ims & causes;
    if (cause != 0 && mask) NICWriteRegister(adapter, nic_regs::IMC, cause);
  }
  if (cause != 0 && HasBug(adapter, DriverBug::kIsrCompletesSend)) {
    for (ULONG q = 0; q < adapter->NumQueues; ++q) {
      if (cause & TxCause(q)) MPCompleteSendsAtIsr(adapter, q);
    }
  }
  if (cause != 0) {
    NICWriteRegister(adapter, nic_regs::ICR, cause);
    ++adapter->InterruptsClaimed;
    if (HasBug(adapter, DriverBug::kIsrSynchronizes)) {
      MP_SYNC_CONTEXT sync{adapter, cause};
      NdisMSynchronizeWithInterruptEx(adapter->InterruptHandle, message_id, MPSaveCauseSync, &sync);
    } else if (HasBug(adapter, DriverBug::kIsrOverwritesCause)) {
      adapter->SavedCause = cause;
    } else {
      adapter->SavedCause |= cause;
    }
  } else if (message_based && mask) {
    // Nothing pending after all (a throttled message that raced an acknowledge): no DPC will
    // re-enable the vector, so do it here.
    NICWriteRegister(adapter, nic_regs::IMS,
                     causes & adapter->EnabledCauses & ~adapter->CausesMaskedBySync);
  }

  if (HasBug(adapter, DriverBug::kIsrTakesSpinLock)) NdisReleaseSpinLock(&adapter->Lock);
  return cause;
}

// Runs at DISPATCH_LEVEL: unmasks causes through NdisMSynchronizeWithInterruptEx.
VOID MPReenable(MP_ADAPTER* adapter, ULONG message_id, ULONG causes) {
  if (HasBug(adapter, DriverBug::kReenableOutsideSync)) {
    NICWriteRegister(adapter, nic_regs::IMS, causes);
  } else {
    MP_SYNC_CONTEXT enable{adapter, causes};
    NdisMSynchronizeWithInterruptEx(adapter->InterruptHandle, message_id, MPEnableSync, &enable);
  }
}

// Runs at DISPATCH_LEVEL. Fetches `causes` from SavedCause, does the work, re-enables last:
// the whole vector when message-based (its ISR masked all of it), else what it fetched. A DPC
// that started paused leaves the receive rings alone (MPRestart drains them).
VOID MPDpcWorkBody(MP_ADAPTER* adapter, ULONG causes, ULONG message_id, bool message_based,
                   bool paused, PNDIS_RECEIVE_THROTTLE_PARAMETERS throttle) {
  MP_SYNC_CONTEXT sync{adapter, causes};
  if (HasBug(adapter, DriverBug::kDpcCauseUnsynchronized)) {
    const ULONG saved = adapter->SavedCause;
    adapter->SavedCause = saved & ~causes;
    sync.Causes = saved & causes;
  } else {
    NdisMSynchronizeWithInterruptEx(adapter->InterruptHandle, message_id, MPFetchCauseSync, &sync);
  }
  const ULONG slot = (message_based ? message_id : KeGetCurrentProcessorNumber()) % kMaxDpcSlots;
  const ULONG fetched = sync.Causes | adapter->DpcCarry[slot];
  adapter->DpcCarry[slot] = 0;
  if (fetched == 0) return;  // nothing was pending for this DPC
  if (MPDeviceRemoved(adapter)) {
    MPDeviceGone(adapter, true, true);  // the ISR read all-ones: fail the sends, ask for removal
    return;
  }
  // A DMA transaction failed (an error response to a descriptor fetch, a frame read or a
  // write-back): what it read or wrote may be lost.
  if (fetched & nic_regs::ICR_DMA_ERR) MPRequestReset(adapter, &DriverCounters::DmaErrors);
  const ULONG reenable = message_based ? (causes & adapter->EnabledCauses) : fetched;
  // Bug variant: unmasked before the rings are drained, a cause interrupts again at once; on a
  // line that is another CPU, whose DPC drains the same ring alongside this one.
  const bool reenable_first = HasBug(adapter, DriverBug::kDpcReenableBeforeDrain);
  if (reenable_first) MPReenable(adapter, message_id, reenable);

  bool saw_receive = false;
  ULONG carry = 0;
  const LONGLONG deadline = MPSystemTime() + kRxTimeBudget;
  ULONG budget = throttle ? throttle->MaxNblsToIndicate : NDIS_INDICATE_ALL_NBLS;
  for (ULONG q = 0; q < adapter->NumQueues; ++q) {
    if (fetched & RxCause(q)) {
      if (!paused && MPHandleReceive(adapter, q, deadline, &budget)) carry |= RxCause(q);
      saw_receive = true;
    }
  }
  for (ULONG q = 0; q < adapter->NumQueues; ++q) {
    if (fetched & TxCause(q)) MPHandleSendComplete(adapter, q);
  }
  if (carry != 0) {
    // Budget spent: run again (the causes stay masked) instead of holding the CPU. NDIS 6.20+
    // requeues the DPC when asked through the throttle parameters.
    adapter->DpcCarry[slot] = carry;
    if (throttle) {
      throttle->MoreNblsPending = 1;
    } else {
      NdisMQueueDpcEx(adapter->InterruptHandle, message_based ? message_id : 0, nullptr, nullptr);
    }
    if (!message_based) {
      // Line-based: re-enable the causes that are done now; the carried ones stay masked.
      const ULONG done = fetched & ~carry;
      if (done != 0) {
        MP_SYNC_CONTEXT enable{adapter, done};
        NdisMSynchronizeWithInterruptEx(adapter->InterruptHandle, 0, MPEnableSync, &enable);
      }
    }
    return;
  }
  if (HasBug(adapter, DriverBug::kDpcSkipsReenableOnTxOnly) && !saw_receive) return;
  if (!reenable_first) MPReenable(adapter, message_id, reenable);
}

// Runs at DISPATCH_LEVEL; takes Lock briefly. Halt and reset wait for DPCs in flight before they
// touch the rings, and a DPC that starts once either began does nothing (the device is reset; the
// causes it leaves masked are enabled again by the reset, or never by halt).
VOID MPDpcWork(MP_ADAPTER* adapter, ULONG causes, ULONG message_id, bool message_based,
               PVOID throttle_parameters) {
  auto* throttle = static_cast<PNDIS_RECEIVE_THROTTLE_PARAMETERS>(throttle_parameters);
  // Bug variant: Paused read before taking Lock, under which MPPause sets it.
  const bool early_paused = HasBug(adapter, DriverBug::kPauseFlagUnlocked) && adapter->Paused;
  NdisDprAcquireSpinLock(&adapter->Lock);
  const bool stopping = adapter->Halting || adapter->Resetting;
  if (!stopping) ++adapter->DpcsInFlight;
  const bool paused =
      HasBug(adapter, DriverBug::kPauseFlagUnlocked) ? early_paused : adapter->Paused != FALSE;
  NdisDprReleaseSpinLock(&adapter->Lock);
  if (stopping) return;
  MPDpcWorkBody(adapter, causes, message_id, message_based, paused, throttle);
  NdisDprAcquireSpinLock(&adapter->Lock);
  --adapter->DpcsInFlight;
  NdisDprReleaseSpinLock(&adapter->Lock);
}

// Line-based ISR. Runs at DIRQL on the CPU the line was delivered to; takes no spin lock.
// Claims only when this device's unmasked causes are pending (the line is shared). Its DPC runs
// on this CPU, as NDIS queues it by default: the line goes to the CPUs in turn, so one queue's
// causes are handled on several CPUs, each cause by one DPC at a time.
BOOLEAN MPInterrupt(NDIS_HANDLE context, PBOOLEAN queue_default_dpc, PULONG target_processors) {
  MP_ADAPTER* adapter = AdapterOf(context);
  *target_processors = 0;
  const ULONG cause = MPClaimCauses(adapter, kAllCauses, 0, false);
  *queue_default_dpc = cause != 0 ? TRUE : FALSE;
  return cause != 0 ? TRUE : FALSE;
}

// Line-based DPC. Runs at DISPATCH_LEVEL on the CPU that took the interrupt, for every cause the
// ISRs saved; takes RcvLock and SendLock (never nested) and Lock.
VOID MPInterruptDpc(NDIS_HANDLE context, PVOID, PVOID throttle, PVOID) {
  MPDpcWork(AdapterOf(context), kAllCauses, 0, false, throttle);
}

// Message-based ISR. Runs at the message's DIRQL on the queue's CPU; takes no spin lock.
BOOLEAN MPMessageInterrupt(NDIS_HANDLE context, ULONG message_id, PBOOLEAN queue_default_dpc,
                           PULONG target_processors) {
  MP_ADAPTER* adapter = AdapterOf(context);
  *target_processors = 0;
  const ULONG cause =
      MPClaimCauses(adapter, NICVectorCauses(adapter, message_id), message_id, true);
  *queue_default_dpc = cause != 0 ? TRUE : FALSE;
  return TRUE;  // a message is always ours
}

// Message-based DPC. Runs at DISPATCH_LEVEL on the message's CPU; RcvLock, then SendLock.
VOID MPMessageInterruptDpc(NDIS_HANDLE context, ULONG message_id, PVOID, PVOID throttle, PVOID) {
  MP_ADAPTER* adapter = AdapterOf(context);
  MPDpcWork(adapter, NICVectorCauses(adapter, message_id), message_id, true, throttle);
}

// Run at DIRQL under the interrupt lock (NDIS calls them).
VOID MPEnableInterrupt(NDIS_HANDLE context) {
  MP_ADAPTER* adapter = AdapterOf(context);
  NICWriteRegister(adapter, nic_regs::IMS, adapter->EnabledCauses);
}
VOID MPDisableInterrupt(NDIS_HANDLE context) {
  NICWriteRegister(AdapterOf(context), nic_regs::IMC, kAllCauses);
}
VOID MPEnableMessageInterrupt(NDIS_HANDLE context, ULONG message_id) {
  MP_ADAPTER* adapter = AdapterOf(context);
  NICWriteRegister(adapter, nic_regs::IMS,
                   adapter->EnabledCauses & NICVectorCauses(adapter, message_id));
}
VOID MPDisableMessageInterrupt(NDIS_HANDLE context, ULONG message_id) {
  MP_ADAPTER* adapter = AdapterOf(context);
  NICWriteRegister(adapter, nic_regs::IMC, NICVectorCauses(adapter, message_id));
}

}  // namespace

// Runs at PASSIVE_LEVEL with the device masked. The ISR may run before this returns.
NDIS_STATUS MPRegisterInterrupt(MP_ADAPTER* adapter) {
  NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS chars{};
  chars.InterruptHandler = MPInterrupt;
  chars.InterruptDpcHandler = MPInterruptDpc;
  chars.EnableInterruptHandler = MPEnableInterrupt;
  chars.DisableInterruptHandler = MPDisableInterrupt;
  chars.MessageInterruptHandler = MPMessageInterrupt;
  chars.MessageInterruptDpcHandler = MPMessageInterruptDpc;
  chars.EnableMessageInterruptHandler = MPEnableMessageInterrupt;
  chars.DisableMessageInterruptHandler = MPDisableMessageInterrupt;
  chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT;
  chars.Header.Revision = NDIS_MINIPORT_INTERRUPT_REVISION_1;
  chars.Header.Size = sizeof(chars);
  chars.MsiSupported = TRUE;
  // Every vector's ISR ORs into the one SavedCause word, so all messages share one lock.
  chars.MsiSyncWithAllMessages = HasBug(adapter, DriverBug::kSyncWrongMessage) ? FALSE : TRUE;
  NDIS_STATUS status =
      NdisMRegisterInterruptEx(adapter->AdapterHandle, adapter, &chars, &adapter->InterruptHandle);
  if (status != NDIS_STATUS_SUCCESS) return status;
  adapter->InterruptRegistered = TRUE;
  if (chars.InterruptType != NDIS_CONNECT_MESSAGE_BASED) adapter->Msix = FALSE;
  adapter->MessageInfo = chars.MessageInfoTable;
  NICProgramInterrupts(adapter, adapter->Msix ? chars.MessageInfoTable : nullptr);
  return NDIS_STATUS_SUCCESS;
}

// Runs at IRQL <= DISPATCH_LEVEL: unmasks causes under the interrupt lock.
VOID MPEnableInterruptsSync(MP_ADAPTER* adapter, ULONG causes) {
  MP_SYNC_CONTEXT sync{adapter, causes};
  NdisMSynchronizeWithInterruptEx(adapter->InterruptHandle, 0, MPEnableSync, &sync);
}

// Runs at IRQL <= DISPATCH_LEVEL: masks causes under the interrupt lock.
VOID MPDisableInterruptsSync(MP_ADAPTER* adapter, ULONG causes) {
  MP_SYNC_CONTEXT sync{adapter, causes};
  NdisMSynchronizeWithInterruptEx(adapter->InterruptHandle, 0, MPDisableSync, &sync);
}

namespace {

// Runs at DIRQL under the interrupt lock.
BOOLEAN MPForgetCausesSync(NDIS_HANDLE context) {
  static_cast<MP_ADAPTER*>(context)->SavedCause = 0;
  return TRUE;
}

}  // namespace

VOID MPForgetPendingCauses(MP_ADAPTER* adapter) {
  NdisMSynchronizeWithInterruptEx(adapter->InterruptHandle, 0, MPForgetCausesSync, adapter);
  for (ULONG& carry : adapter->DpcCarry) carry = 0;
}

ULONG MPRaiseIdleCauses(MP_ADAPTER* adapter) {
  ULONG queue_causes = 0;  // raising a misc cause (link, DMA error) would report an event
  for (ULONG q = 0; q < adapter->NumQueues; ++q) queue_causes |= QueueCauses(q);
  MP_SYNC_CONTEXT sync{adapter, queue_causes};
  NdisMSynchronizeWithInterruptEx(adapter->InterruptHandle, 0, MPRaiseIdleCausesSync, &sync);
  return sync.Causes;
}

ULONG MPIsrBadCauses(MP_ADAPTER* adapter) {
  MP_CLAIMS_CONTEXT read{adapter, 0};
  NdisMSynchronizeWithInterruptEx(adapter->InterruptHandle, 0, MPReadBadCausesSync, &read);
  return read.Claimed;
}

ULONG MPInterruptsClaimed(MP_ADAPTER* adapter) {
  // Bug variant: "only a statistic", read while any CPU's ISR may be incrementing it.
  if (HasBug(adapter, DriverBug::kIsrCountsUnsynchronized)) return adapter->InterruptsClaimed;
  MP_CLAIMS_CONTEXT read{adapter, 0};
  NdisMSynchronizeWithInterruptEx(adapter->InterruptHandle, 0, MPReadClaimsSync, &read);
  return read.Claimed;
}

}  // namespace nicsim::miniport
