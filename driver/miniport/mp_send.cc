// Send path: MiniportSendNetBufferLists copies each frame into the queue's TX ring (or parks it
// on the wait list while the ring is full); the DPC completes finished descriptors and refills
// the ring from the wait list. Lock order: SendLock, then Lock (statistics).
#include "mp_adapter.h"

namespace nicsim::miniport {
namespace {

PUCHAR TxDesc(MP_TX_RING& ring, ULONG slot) { return ring.DescVa + slot * kDescBytes; }

ULONG TxFree(const MP_TX_RING& ring) {
  const ULONG used = (ring.NextToUse + kTxRingEntries - ring.NextToClean) % kTxRingEntries;
  return kTxRingEntries - 1 - used;
}

struct NblQueue {
  PNET_BUFFER_LIST head = nullptr;
  PNET_BUFFER_LIST tail = nullptr;
  void push(PNET_BUFFER_LIST nbl) {
    nbl->Next = nullptr;
    if (tail) {
      tail->Next = nbl;
    } else {
      head = nbl;
    }
    tail = nbl;
  }
};

// Caller holds SendLock and checked there is a free descriptor.
VOID MPPostTx(MP_TX_RING& ring, PNET_BUFFER_LIST nbl) {
  const ULONG slot = ring.NextToUse;
  PUCHAR buffer = ring.BufferBlockVa + slot * kBufferBytes;
  NicsimMoveToShared(buffer, nbl->Data, nbl->DataLength);
  NicsimSyncBufferForDevice(buffer, nbl->DataLength);
  PUCHAR desc = TxDesc(ring, slot);
  NicsimWriteSharedUlong64(desc, ring.BufferBlockPa + slot * kBufferBytes);
  NicsimWriteSharedUlong64(desc + 8, nbl->DataLength);
  ring.Slot[slot] = nbl;
  ring.NextToUse = (slot + 1) % kTxRingEntries;
  ++MpMutableCounters().TxPosted;
}

// Caller holds SendLock (or, in a bug variant, runs at DIRQL). Takes finished descriptors off
// the ring; validates the write-back status.
VOID MPReapTx(MP_TX_RING& ring, NblQueue& done) {
  while (ring.NextToClean != ring.NextToUse) {
    const ULONG slot = ring.NextToClean;
    const ULONG64 writeback = NicsimReadSharedUlong64(TxDesc(ring, slot) + 8);
    const ULONG status = static_cast<ULONG>((writeback >> 24) & 0xFF);
    if (!(status & 0x1)) break;
    PNET_BUFFER_LIST nbl = ring.Slot[slot];
    ring.Slot[slot] = nullptr;
    ring.NextToClean = (slot + 1) % kTxRingEntries;
    if (!nbl) continue;
    NicsimSyncBufferForCpu(ring.BufferBlockVa + slot * kBufferBytes, nbl->DataLength);
    nbl->Status = (status & 0x2) ? NDIS_STATUS_FAILURE : NDIS_STATUS_SUCCESS;
    if (status & 0x2) ++MpMutableCounters().TxErrors;
    ++MpMutableCounters().TxCompleted;
    done.push(nbl);
  }
}

// Caller holds SendLock. Moves parked NBLs onto the ring; returns true when any was posted.
bool MPRefillFromWaitList(MP_TX_RING& ring) {
  bool posted = false;
  while (ring.WaitHead && TxFree(ring) > 0) {
    PNET_BUFFER_LIST nbl = ring.WaitHead;
    ring.WaitHead = nbl->Next;
    if (!ring.WaitHead) ring.WaitTail = nullptr;
    MPPostTx(ring, nbl);
    posted = true;
  }
  return posted;
}

VOID MPCompleteList(MP_ADAPTER* adapter, NblQueue& list, ULONG flags) {
  if (list.head) NdisMSendNetBufferListsComplete(adapter->AdapterHandle, list.head, flags);
}

}  // namespace

// MiniportSendNetBufferLists. Runs at IRQL <= DISPATCH_LEVEL (NDIS_SEND_FLAGS_DISPATCH_LEVEL
// says which); takes Lock (state check), then SendLock with Lock nested for statistics.
VOID MPSendNetBufferLists(NDIS_HANDLE context, PNET_BUFFER_LIST nbls, NDIS_PORT_NUMBER,
                          ULONG flags) {
  auto* adapter = static_cast<MP_ADAPTER*>(context);
  const bool dispatch = (flags & NDIS_SEND_FLAGS_DISPATCH_LEVEL) != 0;
  const ULONG complete_flags = dispatch ? NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL : 0;
  auto acquire = [dispatch](PNDIS_SPIN_LOCK lock) {
    dispatch ? NdisDprAcquireSpinLock(lock) : NdisAcquireSpinLock(lock);
  };
  auto release = [dispatch](PNDIS_SPIN_LOCK lock) {
    dispatch ? NdisDprReleaseSpinLock(lock) : NdisReleaseSpinLock(lock);
  };

  // Bug variant lock-order-dpc-vs-send keeps Lock held across the SendLock acquire.
  const bool lock_outside = HasBug(adapter, DriverBug::kLockOrderDpcVsSend);
  acquire(&adapter->Lock);
  const bool halting = adapter->Halting;
  if (!lock_outside || halting) release(&adapter->Lock);
  NblQueue failed;
  if (halting) {
    for (PNET_BUFFER_LIST nbl = nbls; nbl;) {
      PNET_BUFFER_LIST next = nbl->Next;
      nbl->Status = NDIS_STATUS_RESET_IN_PROGRESS;
      failed.push(nbl);
      nbl = next;
    }
    MPCompleteList(adapter, failed, complete_flags);
    return;
  }

  MP_TX_RING& ring = adapter->Tx[KeGetCurrentProcessorNumber() % adapter->NumQueues];
  const ULONG queue = static_cast<ULONG>(&ring - adapter->Tx);
  // The acquire must match the IRQL: Dpr only when NDIS says we are at DISPATCH_LEVEL.
  const bool dpr_send_lock = HasBug(adapter, DriverBug::kSendDprAcquireAtPassive)  ? true
                             : HasBug(adapter, DriverBug::kPlainAcquireDprRelease) ? false
                                                                                   : dispatch;
  dpr_send_lock ? NdisDprAcquireSpinLock(&adapter->SendLock)
                : NdisAcquireSpinLock(&adapter->SendLock);
  const bool dpr_send_release =
      HasBug(adapter, DriverBug::kPlainAcquireDprRelease) ? true : dpr_send_lock;
  auto release_send_lock = [&] {
    dpr_send_release ? NdisDprReleaseSpinLock(&adapter->SendLock)
                     : NdisReleaseSpinLock(&adapter->SendLock);
  };

  bool posted = false;
  bool released_early = false;
  ULONG accepted = 0;
  for (PNET_BUFFER_LIST nbl = nbls; nbl;) {
    PNET_BUFFER_LIST next = nbl->Next;
    nbl->Next = nullptr;
    if (!nbl->Data || nbl->DataLength == 0 || nbl->DataLength > nic_regs::kMaxFrame) {
      nbl->Status = NDIS_STATUS_INVALID_PARAMETER;
      ++MpMutableCounters().TxErrors;
      failed.push(nbl);
    } else if (!ring.WaitHead && TxFree(ring) > 0) {
      nbl->ReceiveQueue = queue;
      MPPostTx(ring, nbl);
      posted = true;
      ++accepted;
    } else {
      ++MpMutableCounters().TxRingFull;
      if (HasBug(adapter, DriverBug::kSendErrorPathNoRelease)) {
        // The mistake: bail out on ring full, forgetting SendLock (and the rest of the chain).
        if (posted) NICWriteRegister(adapter, nic_regs::TX_TAIL(queue), ring.NextToUse);
        return;
      }
      if (HasBug(adapter, DriverBug::kSendReleaseTwice) && !released_early) {
        release_send_lock();  // the mistake: the common exit releases it again
        released_early = true;
      }
      nbl->ReceiveQueue = queue;
      if (ring.WaitTail) {
        ring.WaitTail->Next = nbl;
      } else {
        ring.WaitHead = nbl;
      }
      ring.WaitTail = nbl;
      ++accepted;
    }
    nbl = next;
  }
  if (posted) NICWriteRegister(adapter, nic_regs::TX_TAIL(queue), ring.NextToUse);

  if (lock_outside) {
    adapter->StatSendsAccepted += accepted;  // already under Lock (the outer one)
    release_send_lock();
    release(&adapter->Lock);
  } else {
    NdisAcquireSpinLock(&adapter->Lock);  // at DISPATCH now: plain acquire is legal, nests LIFO
    adapter->StatSendsAccepted += accepted;
    if (HasBug(adapter, DriverBug::kNonLifoRelease)) {
      release_send_lock();
      NdisReleaseSpinLock(&adapter->Lock);
    } else {
      NdisReleaseSpinLock(&adapter->Lock);
      release_send_lock();
    }
  }
  MPCompleteList(adapter, failed, complete_flags);
}

// Runs at DISPATCH_LEVEL in the DPC; takes SendLock, with Lock nested for statistics.
// Completions are indicated after SendLock is released.
VOID MPHandleSendComplete(MP_ADAPTER* adapter, ULONG queue) {
  MP_TX_RING& ring = adapter->Tx[queue];
  NblQueue done;
  NdisDprAcquireSpinLock(&adapter->SendLock);
  MPReapTx(ring, done);
  if (MPRefillFromWaitList(ring)) {
    NICWriteRegister(adapter, nic_regs::TX_TAIL(queue), ring.NextToUse);
  }
  NdisDprAcquireSpinLock(&adapter->Lock);
  adapter->StatSendsCompleted += done.head ? 1 : 0;
  NdisDprReleaseSpinLock(&adapter->Lock);
  if (HasBug(adapter, DriverBug::kSendCompleteUnderLock)) {
    MPCompleteList(adapter, done, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
    NdisDprReleaseSpinLock(&adapter->SendLock);
    return;
  }
  NdisDprReleaseSpinLock(&adapter->SendLock);
  MPCompleteList(adapter, done, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
}

// Bug variant isr-completes-send only: the same reaping at DIRQL, without any lock.
VOID MPCompleteSendsAtIsr(MP_ADAPTER* adapter, ULONG queue) {
  NblQueue done;
  MPReapTx(adapter->Tx[queue], done);
  MPCompleteList(adapter, done, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
}

// Runs at PASSIVE_LEVEL in halt, after the device is reset; takes SendLock. Aborts everything
// still on a ring or a wait list.
VOID MPAbortAllSends(MP_ADAPTER* adapter) {
  NblQueue aborted;
  NdisAcquireSpinLock(&adapter->SendLock);
  for (ULONG q = 0; q < adapter->NumQueues; ++q) {
    MP_TX_RING& ring = adapter->Tx[q];
    for (ULONG slot = 0; slot < kTxRingEntries; ++slot) {
      if (ring.Slot[slot]) {
        ring.Slot[slot]->Status = NDIS_STATUS_SEND_ABORTED;
        aborted.push(ring.Slot[slot]);
        ring.Slot[slot] = nullptr;
      }
    }
    ring.NextToClean = ring.NextToUse = 0;
    for (PNET_BUFFER_LIST nbl = ring.WaitHead; nbl;) {
      PNET_BUFFER_LIST next = nbl->Next;
      nbl->Status = NDIS_STATUS_SEND_ABORTED;
      aborted.push(nbl);
      nbl = next;
    }
    ring.WaitHead = ring.WaitTail = nullptr;
  }
  NdisReleaseSpinLock(&adapter->SendLock);
  MPCompleteList(adapter, aborted, 0);
}

}  // namespace nicsim::miniport
