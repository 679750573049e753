// Send path: MiniportSendNetBufferLists puts each frame (NET_BUFFER) of each NBL on the queue's
// TX ring through scatter-gather DMA, or parks the NBL on the wait list while the ring is full.
// The NIC takes one 8-byte-aligned buffer per frame, so a frame whose SG list has more than one
// element, or starts unaligned, is copied into the descriptor's bounce buffer. The DPC frees the
// SG lists of finished descriptors and completes an NBL once all its frames are done.
// Lock order: SendLock, then Lock (statistics).
#include <algorithm>

#include "mp_adapter.h"

namespace nicsim::miniport {
namespace {

PUCHAR TxDesc(MP_TX_RING& ring, ULONG slot) { return ring.DescVa + slot * kDescBytes; }

// The TX write-back status bits the device defines (DD, ERR).
constexpr ULONG kTxStatusDefined = nic_regs::DESC_STATUS_DD | nic_regs::DESC_STATUS_ERR;

// Caller holds SendLock.
ULONG TxFree(const MP_TX_RING& ring) { return kTxRingEntries - 1 - ring.InUse; }

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

bool FrameLengthValid(const NET_BUFFER* nb) {
  return nb->DataLength > 0 && nb->DataLength <= nic_regs::kMaxFrame;
}

// One frame of an NBL is done; the NBL completes (onto done) when it was the last one.
VOID MPFrameDone(PNET_BUFFER_LIST nbl, NDIS_STATUS status, NblQueue& done) {
  if (status != NDIS_STATUS_SUCCESS) nbl->Status = status;
  const LONG_PTR left = MPNblPending(nbl) - 1;
  MPSetNblPending(nbl, left);
  if (left == 0) done.push(nbl);
}

// What MPProcessSendSgList needs to fill the descriptor.
struct MP_POST_CONTEXT {
  MP_TX_RING* Ring;
  ULONG Slot;
  const MP_ADAPTER* Adapter;
};

// Copies the frame into the slot's bounce buffer through its MDL chain.
VOID MPCopyToBounce(MP_TX_RING& ring, ULONG slot, PNET_BUFFER nb) {
  PUCHAR bounce = ring.BufferBlockVa + slot * kBufferBytes;
  ULONG copied = 0;
  ULONG offset = NET_BUFFER_CURRENT_MDL_OFFSET(nb);
  for (PMDL mdl = NET_BUFFER_CURRENT_MDL(nb); mdl && copied < NET_BUFFER_DATA_LENGTH(nb);
       mdl = NDIS_MDL_LINKAGE(mdl), offset = 0) {
    PUCHAR va = nullptr;
    ULONG length = 0;
    NdisQueryMdl(mdl, &va, &length, NormalPagePriority);
    if (!va || offset >= length) continue;
    const ULONG take = std::min(length - offset, NET_BUFFER_DATA_LENGTH(nb) - copied);
    NdisMoveMemory(bounce + copied, va + offset, take);
    copied += take;
  }
}

}  // namespace

// MINIPORT_PROCESS_SG_LIST. Runs at DISPATCH_LEVEL inside NdisMAllocateNetBufferSGList, with
// SendLock held by the caller. Points the descriptor at the frame or at its bounce copy.
VOID MPProcessSendSgList(PVOID, PVOID, PSCATTER_GATHER_LIST sgl, PVOID context) {
  auto* post = static_cast<MP_POST_CONTEXT*>(context);
  MP_TX_RING& ring = *post->Ring;
  MP_TX_SLOT& slot = ring.Slot[post->Slot];
  slot.Sgl = sgl;
  const ULONG length = NET_BUFFER_DATA_LENGTH(slot.Nb);
  ULONG desc_length = length;
  const bool direct = sgl->NumberOfElements == 1 && (sgl->Elements[0].Address.QuadPart & 7) == 0;
  ULONG64 address = static_cast<ULONG64>(sgl->Elements[0].Address.QuadPart);
  slot.Bounced = direct ? FALSE : TRUE;
  if (!direct) {
    MPCopyToBounce(ring, post->Slot, slot.Nb);
    NicsimSyncBufferForDevice(ring.BufferBlockVa + post->Slot * kBufferBytes, length);
    address = ring.BufferBlockPa + post->Slot * kBufferBytes;
    // Bug variant tx-bad-length: the bounce buffer's size, not the frame's, as LEN.
    if (HasBug(post->Adapter, DriverBug::kTxBadLength)) desc_length = kBufferBytes;
  }
  PUCHAR desc = TxDesc(ring, post->Slot);
  *reinterpret_cast<volatile ULONG64*>(desc + DescWordOffset(nic_regs::DESC_TX_ADDR_QWORD)) =
      address;
  // The whole word: STATUS (the same word) starts clear.
  *reinterpret_cast<volatile ULONG64*>(desc + DescWordOffset(nic_regs::DESC_TX_LEN_QWORD)) =
      ULONG64{desc_length} << nic_regs::DESC_TX_LEN_SHIFT;
}

namespace {

// Caller holds SendLock and checked there is a free descriptor. False when the frame could not
// be mapped (it is then done, with that status).
bool MPPostTx(MP_ADAPTER* adapter, MP_TX_RING& ring, PNET_BUFFER nb, NblQueue& done) {
  const ULONG slot = ring.NextToUse;
  ring.Slot[slot] = MP_TX_SLOT{nb, nullptr, FALSE};
  if (HasBug(adapter, DriverBug::kTxDoorbellBeforeDescriptor)) {
    // The mistake: the doorbell covers the slot before MPProcessSendSgList fills its descriptor.
    NICWriteRegister(adapter, nic_regs::TX_TAIL(static_cast<ULONG>(&ring - adapter->Tx)),
                     (slot + 1) % kTxRingEntries);
  }
  MP_POST_CONTEXT post{&ring, slot, adapter};
  const NDIS_STATUS status = NdisMAllocateNetBufferSGList(
      adapter->DmaHandle, nb, &post, 0, ring.SgBlock + slot * adapter->SgListBytes,
      adapter->SgListBytes);
  if (status != NDIS_STATUS_SUCCESS || !ring.Slot[slot].Sgl) {
    ring.Slot[slot] = MP_TX_SLOT{};
    ++MpMutableCounters().TxErrors;
    MPFrameDone(MPNbNbl(nb), status != NDIS_STATUS_SUCCESS ? status : NDIS_STATUS_FAILURE, done);
    return false;
  }
  ring.NextToUse = (slot + 1) % kTxRingEntries;
  ++ring.InUse;
  ++MpMutableCounters().TxPosted;
  return true;
}

// Caller holds SendLock. Posts the frames of the parked NBLs while descriptors are free; invalid
// frames are done at once. Returns true when any was posted.
bool MPPostWaiting(MP_ADAPTER* adapter, MP_TX_RING& ring, NblQueue& done) {
  bool posted = false;
  // Gone: MPDeviceGone fails what is parked (it takes SendLock after marking the device).
  while (ring.WaitHead && TxFree(ring) > 0 && !MPDeviceRemoved(adapter)) {
    PNET_BUFFER nb = ring.WaitNextNb;
    PNET_BUFFER_LIST nbl = ring.WaitHead;
    ring.WaitNextNb = NET_BUFFER_NEXT_NB(nb);
    if (!ring.WaitNextNb) {
      ring.WaitHead = NET_BUFFER_LIST_NEXT_NBL(nbl);
      if (!ring.WaitHead) ring.WaitTail = nullptr;
      ring.WaitNextNb = ring.WaitHead ? NET_BUFFER_LIST_FIRST_NB(ring.WaitHead) : nullptr;
    }
    if (!FrameLengthValid(nb)) {
      ++MpMutableCounters().TxErrors;
      MPFrameDone(nbl, NDIS_STATUS_INVALID_PARAMETER, done);
      continue;
    }
    posted |= MPPostTx(adapter, ring, nb, done);
  }
  return posted;
}

// Caller holds SendLock. Completes the frames of every parked NBL with status; returns how many.
ULONG MPFailParked(MP_TX_RING& ring, NDIS_STATUS status, NblQueue& done) {
  ULONG frames = 0;
  while (ring.WaitHead) {
    PNET_BUFFER_LIST nbl = ring.WaitHead;
    PNET_BUFFER first = ring.WaitNextNb;
    ring.WaitHead = NET_BUFFER_LIST_NEXT_NBL(nbl);  // before MPFrameDone relinks nbl
    ring.WaitNextNb = ring.WaitHead ? NET_BUFFER_LIST_FIRST_NB(ring.WaitHead) : nullptr;
    for (PNET_BUFFER nb = first; nb; nb = NET_BUFFER_NEXT_NB(nb)) {
      MPFrameDone(nbl, status, done);
      ++frames;
    }
  }
  ring.WaitTail = nullptr;
  return frames;
}

// Caller holds SendLock. Parks an NBL; its frames go on the ring in order.
VOID MPParkNbl(MP_TX_RING& ring, PNET_BUFFER_LIST nbl) {
  NET_BUFFER_LIST_NEXT_NBL(nbl) = nullptr;
  if (ring.WaitTail) {
    NET_BUFFER_LIST_NEXT_NBL(ring.WaitTail) = nbl;
  } else {
    ring.WaitHead = nbl;
    ring.WaitNextNb = NET_BUFFER_LIST_FIRST_NB(nbl);
  }
  ring.WaitTail = nbl;
}

ULONG TxStatus(MP_TX_RING& ring, ULONG slot) {
  const ULONG64 writeback = *reinterpret_cast<const volatile ULONG64*>(
      TxDesc(ring, slot) + DescWordOffset(nic_regs::DESC_TX_STATUS_QWORD));
  return DescField(writeback, nic_regs::DESC_TX_STATUS_SHIFT, nic_regs::DESC_TX_STATUS_MASK);
}

// The device finishes slots in ring order: a done slot after one that is not (read again after
// its successor, whose write-back lands later) means the latter's write-back went elsewhere.
bool MPTxOutOfOrder(MP_TX_RING& ring, ULONG slot) {
  const ULONG next = (slot + 1) % kTxRingEntries;
  if (next == ring.NextToUse || !(TxStatus(ring, next) & nic_regs::DESC_STATUS_DD)) return false;
  return !(TxStatus(ring, slot) & nic_regs::DESC_STATUS_DD);
}

// Caller holds SendLock (or, in a bug variant, runs at DIRQL). Takes finished descriptors off
// the ring (giving them back to InUse), frees their SG lists and validates the write-back status.
// True when the ring is broken (a write-back out of order): the caller has the adapter reset.
bool MPReapTx(MP_ADAPTER* adapter, MP_TX_RING& ring, NblQueue& done) {
  while (ring.NextToClean != ring.NextToUse) {
    const ULONG slot = ring.NextToClean;
    const ULONG status = TxStatus(ring, slot);
    if (!(status & nic_regs::DESC_STATUS_DD)) return MPTxOutOfOrder(ring, slot);
    // Bits the device does not define: the write-back cannot be trusted, the frame counts as
    // failed (the descriptor is still done: the ring moves on).
    const bool undefined = (status & ~kTxStatusDefined) != 0;
    if (undefined) ++MpMutableCounters().TxBadWritebacks;
    MP_TX_SLOT taken = ring.Slot[slot];
    ring.Slot[slot] = MP_TX_SLOT{};
    ring.NextToClean = (slot + 1) % kTxRingEntries;
    --ring.InUse;
    if (!taken.Nb) continue;
    NdisMFreeNetBufferSGList(adapter->DmaHandle, taken.Sgl, taken.Nb);
    if (taken.Bounced) {
      NicsimSyncBufferForCpu(ring.BufferBlockVa + slot * kBufferBytes,
                             NET_BUFFER_DATA_LENGTH(taken.Nb));
    }
    const bool error = (status & nic_regs::DESC_STATUS_ERR) != 0 || undefined;
    if (error) ++MpMutableCounters().TxErrors;
    ++MpMutableCounters().TxCompleted;
    MPFrameDone(MPNbNbl(taken.Nb), error ? NDIS_STATUS_FAILURE : NDIS_STATUS_SUCCESS, done);
  }
  return false;
}

// Every NBL MiniportSendNetBufferLists took comes back through here.
VOID MPCompleteList(MP_ADAPTER* adapter, NblQueue& list, ULONG flags) {
  if (!list.head) return;
  ULONG count = 0;
  for (PNET_BUFFER_LIST nbl = list.head; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) ++count;
  NdisMSendNetBufferListsComplete(adapter->AdapterHandle, list.head, flags);
  MPDataPathDone(adapter, count, 0);
}

// Counts the NBL's frames and ties each to it. False for an NBL with no frame.
bool MPPrepareNbl(PNET_BUFFER_LIST nbl) {
  LONG_PTR frames = 0;
  for (PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbl); nb; nb = NET_BUFFER_NEXT_NB(nb)) {
    NET_BUFFER_MINIPORT_RESERVED(nb)[0] = nbl;
    ++frames;
  }
  MPSetNblPending(nbl, frames);
  NET_BUFFER_LIST_STATUS(nbl) = NDIS_STATUS_SUCCESS;
  return frames > 0;
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
  ULONG count = 0;
  for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) ++count;
  acquire(&adapter->Lock);
  adapter->TxOutstanding += count;  // each comes back through MPCompleteList
  // A device that is gone will never send: fail at once (NDIS_STATUS_FAILURE, as for any send
  // the hardware could not do), so nothing waits on it.
  const NDIS_STATUS refuse = MPDeviceRemoved(adapter) ? NDIS_STATUS_FAILURE
                             : adapter->Halting       ? NDIS_STATUS_RESET_IN_PROGRESS
                             : adapter->Paused        ? NDIS_STATUS_PAUSED
                             : adapter->Resetting     ? NDIS_STATUS_RESET_IN_PROGRESS
                                                      : NDIS_STATUS_SUCCESS;
  if (!lock_outside || refuse != NDIS_STATUS_SUCCESS) release(&adapter->Lock);
  NblQueue done;
  if (refuse != NDIS_STATUS_SUCCESS) {
    for (PNET_BUFFER_LIST nbl = nbls; nbl;) {
      PNET_BUFFER_LIST next = NET_BUFFER_LIST_NEXT_NBL(nbl);
      NET_BUFFER_LIST_STATUS(nbl) = refuse;
      done.push(nbl);
      nbl = next;
    }
    MPCompleteList(adapter, done, complete_flags);
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

  bool released_early = false;
  ULONG accepted = 0;
  for (PNET_BUFFER_LIST nbl = nbls; nbl;) {
    PNET_BUFFER_LIST next = NET_BUFFER_LIST_NEXT_NBL(nbl);
    NET_BUFFER_LIST_RECEIVE_QUEUE_ID(nbl) = static_cast<USHORT>(queue);
    if (!MPPrepareNbl(nbl)) {
      NET_BUFFER_LIST_STATUS(nbl) = NDIS_STATUS_INVALID_PARAMETER;
      ++MpMutableCounters().TxErrors;
      done.push(nbl);
      nbl = next;
      continue;
    }
    if (ring.WaitHead || TxFree(ring) == 0) {
      ++MpMutableCounters().TxRingFull;
      if (HasBug(adapter, DriverBug::kSendErrorPathNoRelease)) {
        // The mistake: bail out on ring full, forgetting SendLock (and the rest of the chain).
        NICWriteRegister(adapter, nic_regs::TX_TAIL(queue), ring.NextToUse);
        return;
      }
      if (HasBug(adapter, DriverBug::kSendReleaseTwice) && !released_early) {
        release_send_lock();  // the mistake: the common exit releases it again
        released_early = true;
      }
    }
    MPParkNbl(ring, nbl);
    ++accepted;
    nbl = next;
  }
  if (MPPostWaiting(adapter, ring, done)) {
    NICWriteRegister(adapter, nic_regs::TX_TAIL(queue), ring.NextToUse);
  }
  // Gone since the check above (MPDeviceGone may have failed the ring already): nothing would
  // ever post what is parked.
  if (MPDeviceRemoved(adapter)) MPFailParked(ring, NDIS_STATUS_FAILURE, done);

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
  MPCompleteList(adapter, done, complete_flags);
}

// Runs at DISPATCH_LEVEL in the DPC; takes SendLock, with Lock nested for statistics.
// Completions are indicated after SendLock is released.
VOID MPHandleSendComplete(MP_ADAPTER* adapter, ULONG queue) {
  MP_TX_RING& ring = adapter->Tx[queue];
  NblQueue done;
  // Bug variant: "only this DPC reaps this ring", so it reaps before taking SendLock, which the
  // send path holds to post on the same ring (InUse, NextToUse) from another CPU.
  const bool reap_unlocked = HasBug(adapter, DriverBug::kTxRingCounterRace);
  bool broken = reap_unlocked && MPReapTx(adapter, ring, done);
  NdisDprAcquireSpinLock(&adapter->SendLock);
  if (!reap_unlocked) broken = MPReapTx(adapter, ring, done);
  if (MPPostWaiting(adapter, ring, done)) {
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
  if (broken) MPRequestReset(adapter, &DriverCounters::MisplacedWritebacks);
  // Bug variant send-completed-twice: the batch's tail, handed back already, completed again.
  if (HasBug(adapter, DriverBug::kSendCompletedTwice) && done.tail) {
    NdisMSendNetBufferListsComplete(adapter->AdapterHandle, done.tail,
                                    NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
  }
}

// Bug variant isr-completes-send only: the same reaping at DIRQL, without any lock (nor the
// accounting, which would need one).
VOID MPCompleteSendsAtIsr(MP_ADAPTER* adapter, ULONG queue) {
  NblQueue done;
  (void)MPReapTx(adapter, adapter->Tx[queue], done);
  if (done.head) {
    NdisMSendNetBufferListsComplete(adapter->AdapterHandle, done.head,
                                    NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
  }
}

// Runs at PASSIVE_LEVEL in halt and reset, after the device is reset, or at DISPATCH_LEVEL
// (dispatch) on a surprise removal; takes SendLock. Fails every frame still on a ring or a wait
// list with status, freeing the SG lists of those on a ring; returns how many frames.
ULONG MPAbortAllSends(MP_ADAPTER* adapter, NDIS_STATUS status, bool dispatch) {
  NblQueue aborted;
  ULONG frames = 0;
  if (dispatch) {
    NdisDprAcquireSpinLock(&adapter->SendLock);
  } else {
    NdisAcquireSpinLock(&adapter->SendLock);
  }
  for (ULONG q = 0; q < adapter->NumQueues; ++q) {
    MP_TX_RING& ring = adapter->Tx[q];
    for (ULONG slot = 0; slot < kTxRingEntries; ++slot) {
      MP_TX_SLOT taken = ring.Slot[slot];
      ring.Slot[slot] = MP_TX_SLOT{};
      if (!taken.Nb) continue;
      NdisMFreeNetBufferSGList(adapter->DmaHandle, taken.Sgl, taken.Nb);
      // The reset device no longer reads it: the bounce buffer is the CPU's again, for the next
      // frame posted to this slot.
      if (taken.Bounced)
        NicsimSyncBufferForCpu(ring.BufferBlockVa + slot * kBufferBytes,
                               NET_BUFFER_DATA_LENGTH(taken.Nb));
      MPFrameDone(MPNbNbl(taken.Nb), status, aborted);
      ++frames;
    }
    ring.NextToClean = ring.NextToUse = ring.InUse = 0;
    frames += MPFailParked(ring, status, aborted);
  }
  const bool under_lock = HasBug(adapter, DriverBug::kAbortCompletesUnderLock);
  if (under_lock) MPCompleteList(adapter, aborted, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
  if (dispatch) {
    NdisDprReleaseSpinLock(&adapter->SendLock);
  } else {
    NdisReleaseSpinLock(&adapter->SendLock);
  }
  if (!under_lock)
    MPCompleteList(adapter, aborted, dispatch ? NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL : 0);
  return frames;
}

}  // namespace nicsim::miniport
