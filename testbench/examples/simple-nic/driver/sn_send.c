/* Send path. MiniportSendNetBufferLists queues NBLs on the wait queue and posts their frames
 * (NET_BUFFERs) to the TX ring while descriptors are free: one descriptor per scatter-gather
 * element, CMD.EOP and CMD.RS on the last, or the frame copied into a coalesce buffer when it
 * has too many elements. The DPC reaps finished frames (STATUS.DD on the EOP descriptor), frees
 * their SG lists, posts what waits, and completes each NBL once all its frames are done.
 * Completions are indicated with no lock held. */
#include "sn_adapter.h"

/* Writing a descriptor's LEN word also writes CMD and clears STATUS (the device's DD). */
C_ASSERT(SIMPLE_NIC_DESC_TX_LEN_QWORD == SIMPLE_NIC_DESC_TX_CMD_QWORD);
C_ASSERT(SIMPLE_NIC_DESC_TX_LEN_QWORD == SIMPLE_NIC_DESC_TX_STATUS_QWORD);
C_ASSERT(SIMPLE_NIC_DESC_TX_ADDR_QWORD != SIMPLE_NIC_DESC_TX_LEN_QWORD);
C_ASSERT(SIMPLE_NIC_DESC_TX_ADDR_SHIFT == 0);
C_ASSERT(SN_TX_COALESCE_BYTES >= SN_MAX_FRAME);

/* Per send NBL, MiniportReserved[0]: its frames not done yet. Per NB: its NBL. */
static LONG_PTR SnNblFramesLeft(PNET_BUFFER_LIST Nbl) {
  return (LONG_PTR)NET_BUFFER_LIST_MINIPORT_RESERVED(Nbl)[0];
}

static VOID SnSetNblFramesLeft(PNET_BUFFER_LIST Nbl, LONG_PTR Frames) {
  NET_BUFFER_LIST_MINIPORT_RESERVED(Nbl)[0] = (PVOID)Frames;
}

static PNET_BUFFER_LIST SnNbNbl(PNET_BUFFER Nb) {
  return (PNET_BUFFER_LIST)NET_BUFFER_MINIPORT_RESERVED(Nb)[0];
}

/* NBLs to complete, in order. */
typedef struct _SN_NBL_QUEUE {
  PNET_BUFFER_LIST Head;
  PNET_BUFFER_LIST Tail;
  ULONG Count;
} SN_NBL_QUEUE, *PSN_NBL_QUEUE;

static VOID SnQueuePush(PSN_NBL_QUEUE Queue, PNET_BUFFER_LIST Nbl) {
  NET_BUFFER_LIST_NEXT_NBL(Nbl) = NULL;
  if (Queue->Tail) {
    NET_BUFFER_LIST_NEXT_NBL(Queue->Tail) = Nbl;
  } else {
    Queue->Head = Nbl;
  }
  Queue->Tail = Nbl;
  ++Queue->Count;
}

/* One frame is done; its NBL goes onto Done when it was the last. The first failure sticks. */
static VOID SnFrameDone(PNET_BUFFER Nb, NDIS_STATUS Status, PSN_NBL_QUEUE Done) {
  PNET_BUFFER_LIST nbl = SnNbNbl(Nb);
  const LONG_PTR left = SnNblFramesLeft(nbl) - 1;
  if (Status != NDIS_STATUS_SUCCESS && NET_BUFFER_LIST_STATUS(nbl) == NDIS_STATUS_SUCCESS) {
    NET_BUFFER_LIST_STATUS(nbl) = Status;
  }
  SnSetNblFramesLeft(nbl, left);
  if (left == 0) SnQueuePush(Done, nbl);
}

/* Every NBL MiniportSendNetBufferLists took comes back through here, with no lock held. */
static VOID SnCompleteSends(PSN_ADAPTER Adapter, PSN_NBL_QUEUE Done, ULONG CompleteFlags) {
  if (!Done->Head) return;
  NdisMSendNetBufferListsComplete(Adapter->AdapterHandle, Done->Head, CompleteFlags);
  SnDataPathDone(Adapter, Done->Count, 0);
}

/* What SnProcessSendSgList needs, and what it reports back. */
typedef struct _SN_TX_POST {
  PSN_ADAPTER Adapter;
  PNET_BUFFER Nb;
  BOOLEAN Posted;
} SN_TX_POST, *PSN_TX_POST;

static PUCHAR SnTxDesc(PSN_ADAPTER Adapter, ULONG Slot) {
  return Adapter->TxDescVa + Slot * SN_DESC_BYTES;
}

/* Copies the frame's bytes, through its MDL chain, into the coalesce buffer of Slot. */
static VOID SnCoalesce(PSN_ADAPTER Adapter, ULONG Slot, PNET_BUFFER Nb) {
  PUCHAR destination = Adapter->TxCoalesceVa + Slot * SN_TX_COALESCE_BYTES;
  const ULONG length = NET_BUFFER_DATA_LENGTH(Nb);
  ULONG offset = NET_BUFFER_CURRENT_MDL_OFFSET(Nb);
  ULONG copied = 0;
  PMDL mdl;

  for (mdl = NET_BUFFER_CURRENT_MDL(Nb); mdl && copied < length; mdl = NDIS_MDL_LINKAGE(mdl)) {
    PUCHAR va = NULL;
    ULONG bytes = 0;
    ULONG take;
    NdisQueryMdl(mdl, &va, &bytes, NormalPagePriority);
    if (va && offset < bytes) {
      take = bytes - offset;
      if (take > length - copied) take = length - copied;
      SnCopyToShared(destination + copied, va + offset, take);
      copied += take;
    }
    offset = 0;
  }
  SnGiveToDevice(destination, length);
}

/* MINIPORT_PROCESS_SG_LIST. Runs at DISPATCH_LEVEL inside NdisMAllocateNetBufferSGList, whose
 * caller holds SendLock and left SN_TX_MAX_FRAGMENTS descriptors free. Writes the frame's
 * descriptors from TxNextToUse on; the caller rings the doorbell. */
VOID SnProcessSendSgList(PVOID DeviceObject, PVOID Reserved, PSCATTER_GATHER_LIST Sgl,
                         PVOID Context) {
  PSN_TX_POST post = (PSN_TX_POST)Context;
  PSN_ADAPTER adapter = post->Adapter;
  const ULONG first = adapter->TxNextToUse;
  const ULONG length = NET_BUFFER_DATA_LENGTH(post->Nb);
  BOOLEAN coalesce = Sgl->NumberOfElements == 0 || Sgl->NumberOfElements > SN_TX_MAX_FRAGMENTS;
  ULONG descriptors;
  ULONG i;

  UNREFERENCED_PARAMETER(DeviceObject);
  UNREFERENCED_PARAMETER(Reserved);
  for (i = 0; !coalesce && i < Sgl->NumberOfElements; ++i) {
    if (Sgl->Elements[i].Length == 0 || Sgl->Elements[i].Length > SIMPLE_NIC_DESC_TX_LEN_MASK) {
      coalesce = TRUE;
    }
  }
  if (coalesce) SnCoalesce(adapter, first, post->Nb);
  descriptors = coalesce ? 1 : Sgl->NumberOfElements;

  for (i = 0; i < descriptors; ++i) {
    PUCHAR desc = SnTxDesc(adapter, (first + i) % SN_TX_DESCRIPTORS);
    const BOOLEAN last = i + 1 == descriptors ? TRUE : FALSE;
    ULONG64 address;
    ULONG bytes;
    ULONG cmd = SIMPLE_NIC_DESC_CMD_IFCS;
    if (coalesce) {
      address = (ULONG64)adapter->TxCoalescePa.QuadPart + (ULONG64)first * SN_TX_COALESCE_BYTES;
      bytes = length;
    } else {
      address = (ULONG64)Sgl->Elements[i].Address.QuadPart;
      bytes = Sgl->Elements[i].Length;
    }
    if (last) cmd |= SIMPLE_NIC_DESC_CMD_EOP | SIMPLE_NIC_DESC_CMD_RS;
    SnWriteShared64(SN_DESC_WORD(desc, SIMPLE_NIC_DESC_TX_ADDR_QWORD), address);
    SnWriteShared64(SN_DESC_WORD(desc, SIMPLE_NIC_DESC_TX_LEN_QWORD),
                    SN_DESC_MAKE(TX, LEN, bytes) | SN_DESC_MAKE(TX, CMD, cmd));
  }

  adapter->TxFrame[first].Nb = post->Nb;
  adapter->TxFrame[first].Sgl = Sgl;
  adapter->TxFrame[first].Descriptors = descriptors;
  adapter->TxFrame[first].Coalesced = coalesce;
  adapter->TxNextToUse = (first + descriptors) % SN_TX_DESCRIPTORS;
  adapter->TxFreeDescriptors -= descriptors;
  post->Posted = TRUE;
}

/* Caller holds SendLock. Posts waiting frames while a whole frame's worth of descriptors is
 * free; a frame that cannot be sent is done at once with its status. TRUE when any was posted.
 * NDIS calls SnProcessSendSgList before NdisMAllocateNetBufferSGList returns, which this relies
 * on (64-bit scatter-gather needs no map registers, so nothing defers the callback). */
static BOOLEAN SnPostWaiting(PSN_ADAPTER Adapter, PSN_NBL_QUEUE Done) {
  BOOLEAN posted = FALSE;

  while (Adapter->TxWaitNextNb && Adapter->TxFreeDescriptors >= SN_TX_MAX_FRAGMENTS) {
    PNET_BUFFER nb = Adapter->TxWaitNextNb;
    PNET_BUFFER_LIST nbl = Adapter->TxWaitHead;
    const ULONG length = NET_BUFFER_DATA_LENGTH(nb);
    SN_TX_POST post;
    NDIS_STATUS status;

    /* Advance first: the NBL leaves the queue with its last frame, before that frame can be
     * done (which relinks the NBL onto Done). */
    Adapter->TxWaitNextNb = NET_BUFFER_NEXT_NB(nb);
    if (!Adapter->TxWaitNextNb) {
      Adapter->TxWaitHead = NET_BUFFER_LIST_NEXT_NBL(nbl);
      NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
      if (Adapter->TxWaitHead) {
        Adapter->TxWaitNextNb = NET_BUFFER_LIST_FIRST_NB(Adapter->TxWaitHead);
      } else {
        Adapter->TxWaitTail = NULL;
      }
    }

    if (length == 0 || length > SN_MAX_FRAME) {
      ++Adapter->StatTxErrors;
      SnFrameDone(nb, NDIS_STATUS_INVALID_LENGTH, Done);
      continue;
    }
    post.Adapter = Adapter;
    post.Nb = nb;
    post.Posted = FALSE;
    status = NdisMAllocateNetBufferSGList(
        Adapter->DmaHandle, nb, &post, 0,
        Adapter->TxSgBlock + Adapter->TxNextToUse * Adapter->SgListBytes, Adapter->SgListBytes);
    if (status != NDIS_STATUS_SUCCESS || !post.Posted) {
      ++Adapter->StatTxErrors;
      SnFrameDone(nb, status != NDIS_STATUS_SUCCESS ? status : NDIS_STATUS_FAILURE, Done);
      continue;
    }
    posted = TRUE;
  }
  return posted;
}

/* Caller holds SendLock. Takes finished frames off the ring: frees their SG lists, validates the
 * write-back (DD, and nothing but ERR beside it) and marks them done. */
static VOID SnReapTx(PSN_ADAPTER Adapter, PSN_NBL_QUEUE Done) {
  while (Adapter->TxNextToClean != Adapter->TxNextToUse) {
    const ULONG first = Adapter->TxNextToClean;
    SN_TX_FRAME frame = Adapter->TxFrame[first];
    ULONG64 word;
    ULONG status;
    NDIS_STATUS result = NDIS_STATUS_SUCCESS;

    if (!frame.Nb || frame.Descriptors == 0 || frame.Descriptors > SN_TX_MAX_FRAGMENTS) break;
    word = SnReadShared64(
        SN_DESC_WORD(SnTxDesc(Adapter, (first + frame.Descriptors - 1) % SN_TX_DESCRIPTORS),
                     SIMPLE_NIC_DESC_TX_STATUS_QWORD));
    status = SN_DESC_FIELD(word, TX, STATUS);
    if ((status & SIMPLE_NIC_DESC_STATUS_DD) == 0) break;

    NdisZeroMemory(&Adapter->TxFrame[first], sizeof(Adapter->TxFrame[first]));
    Adapter->TxNextToClean = (first + frame.Descriptors) % SN_TX_DESCRIPTORS;
    Adapter->TxFreeDescriptors += frame.Descriptors;
    NdisMFreeNetBufferSGList(Adapter->DmaHandle, frame.Sgl, frame.Nb);
    if (frame.Coalesced) {
      SnTakeFromDevice(Adapter->TxCoalesceVa + first * SN_TX_COALESCE_BYTES,
                       NET_BUFFER_DATA_LENGTH(frame.Nb));
    }
    if (status & ~(ULONG)(SIMPLE_NIC_DESC_STATUS_DD | SIMPLE_NIC_DESC_STATUS_ERR)) {
      result = NDIS_STATUS_FAILURE; /* bits this device never writes: do not trust the rest */
    } else if (status & SIMPLE_NIC_DESC_STATUS_ERR) {
      result = NDIS_STATUS_INVALID_LENGTH; /* the NIC refused it: longer than it sends */
    }
    if (result == NDIS_STATUS_SUCCESS) {
      ++Adapter->StatTxOk;
    } else {
      ++Adapter->StatTxErrors;
    }
    SnFrameDone(frame.Nb, result, Done);
  }
}

/* Ties each frame to its NBL and counts them. FALSE for an NBL without a frame. */
static BOOLEAN SnPrepareNbl(PNET_BUFFER_LIST Nbl) {
  LONG_PTR frames = 0;
  PNET_BUFFER nb;
  for (nb = NET_BUFFER_LIST_FIRST_NB(Nbl); nb; nb = NET_BUFFER_NEXT_NB(nb)) {
    NET_BUFFER_MINIPORT_RESERVED(nb)[0] = Nbl;
    ++frames;
  }
  SnSetNblFramesLeft(Nbl, frames);
  NET_BUFFER_LIST_STATUS(Nbl) = NDIS_STATUS_SUCCESS;
  return frames > 0 ? TRUE : FALSE;
}

/* MiniportSendNetBufferLists. Runs at IRQL <= DISPATCH_LEVEL (SendFlags says which, and so
 * which acquire is right); takes Lock (state), then SendLock. */
VOID SnSendNetBufferLists(NDIS_HANDLE MiniportAdapterContext, PNET_BUFFER_LIST NetBufferList,
                          NDIS_PORT_NUMBER PortNumber, ULONG SendFlags) {
  PSN_ADAPTER adapter = (PSN_ADAPTER)MiniportAdapterContext;
  const BOOLEAN dispatch = (SendFlags & NDIS_SEND_FLAGS_DISPATCH_LEVEL) ? TRUE : FALSE;
  const ULONG complete_flags = dispatch ? NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL : 0;
  SN_NBL_QUEUE done = {NULL, NULL, 0};
  SN_NBL_QUEUE accepted = {NULL, NULL, 0};
  NDIS_STATUS refuse = NDIS_STATUS_SUCCESS;
  PNET_BUFFER_LIST nbl;
  ULONG count = 0;

  UNREFERENCED_PARAMETER(PortNumber);
  for (nbl = NetBufferList; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) ++count;

  if (dispatch) {
    NdisDprAcquireSpinLock(&adapter->Lock);
  } else {
    NdisAcquireSpinLock(&adapter->Lock);
  }
  if (adapter->Paused) {
    refuse = NDIS_STATUS_PAUSED;
  } else if (adapter->Resetting) {
    refuse = NDIS_STATUS_RESET_IN_PROGRESS;
  } else if (adapter->Halting) {
    refuse = NDIS_STATUS_ADAPTER_NOT_READY;
  } else {
    adapter->TxOutstanding += count; /* each comes back through SnCompleteSends */
  }
  if (dispatch) {
    NdisDprReleaseSpinLock(&adapter->Lock);
  } else {
    NdisReleaseSpinLock(&adapter->Lock);
  }
  if (refuse != NDIS_STATUS_SUCCESS) {
    for (nbl = NetBufferList; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) {
      NET_BUFFER_LIST_STATUS(nbl) = refuse;
    }
    NdisMSendNetBufferListsComplete(adapter->AdapterHandle, NetBufferList, complete_flags);
    return;
  }

  for (nbl = NetBufferList; nbl;) {
    PNET_BUFFER_LIST next = NET_BUFFER_LIST_NEXT_NBL(nbl);
    if (SnPrepareNbl(nbl)) {
      SnQueuePush(&accepted, nbl);
    } else {
      NET_BUFFER_LIST_STATUS(nbl) = NDIS_STATUS_INVALID_PARAMETER;
      SnQueuePush(&done, nbl);
    }
    nbl = next;
  }

  if (dispatch) {
    NdisDprAcquireSpinLock(&adapter->SendLock);
  } else {
    NdisAcquireSpinLock(&adapter->SendLock);
  }
  if (accepted.Head) {
    if (adapter->TxWaitTail) {
      NET_BUFFER_LIST_NEXT_NBL(adapter->TxWaitTail) = accepted.Head;
    } else {
      adapter->TxWaitHead = accepted.Head;
      adapter->TxWaitNextNb = NET_BUFFER_LIST_FIRST_NB(accepted.Head);
    }
    adapter->TxWaitTail = accepted.Tail;
  }
  if (SnPostWaiting(adapter, &done)) {
    SnWriteRegister(adapter, SIMPLE_NIC_REG_TDT, adapter->TxNextToUse);
  }
  if (adapter->TxWaitNextNb && SnHasBug(adapter, SN_BUG_SEND_ERROR_PATH_NO_RELEASE)) {
    /* The mistake: "ring full, the DPC posts the rest" leaves with SendLock held. */
    return;
  }
  if (dispatch) {
    NdisDprReleaseSpinLock(&adapter->SendLock);
  } else {
    NdisReleaseSpinLock(&adapter->SendLock);
  }
  SnCompleteSends(adapter, &done, complete_flags);
}

/* Runs at DISPATCH_LEVEL in the DPC; takes SendLock. */
VOID SnHandleSendComplete(PSN_ADAPTER Adapter) {
  SN_NBL_QUEUE done = {NULL, NULL, 0};

  NdisDprAcquireSpinLock(&Adapter->SendLock);
  SnReapTx(Adapter, &done);
  if (SnPostWaiting(Adapter, &done)) {
    SnWriteRegister(Adapter, SIMPLE_NIC_REG_TDT, Adapter->TxNextToUse);
  }
  if (SnHasBug(Adapter, SN_BUG_SEND_COMPLETE_UNDER_LOCK)) {
    SnCompleteSends(Adapter, &done, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL); /* the mistake */
    NdisDprReleaseSpinLock(&Adapter->SendLock);
    return;
  }
  NdisDprReleaseSpinLock(&Adapter->SendLock);
  SnCompleteSends(Adapter, &done, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
}

/* Runs at PASSIVE_LEVEL (reset, halt) with the TX engine stopped; takes SendLock. Frames the NIC
 * finished complete as usual; the rest, on the ring or waiting, are aborted. */
VOID SnAbortAllSends(PSN_ADAPTER Adapter) {
  SN_NBL_QUEUE done = {NULL, NULL, 0};
  PNET_BUFFER first_waiting;
  PNET_BUFFER_LIST nbl;

  NdisAcquireSpinLock(&Adapter->SendLock);
  SnReapTx(Adapter, &done);
  while (Adapter->TxNextToClean != Adapter->TxNextToUse) {
    const ULONG first = Adapter->TxNextToClean;
    SN_TX_FRAME frame = Adapter->TxFrame[first];
    NdisZeroMemory(&Adapter->TxFrame[first], sizeof(Adapter->TxFrame[first]));
    if (!frame.Nb) { /* cannot happen: every posted frame starts with its record */
      Adapter->TxNextToClean = Adapter->TxNextToUse;
      break;
    }
    Adapter->TxNextToClean = (first + frame.Descriptors) % SN_TX_DESCRIPTORS;
    NdisMFreeNetBufferSGList(Adapter->DmaHandle, frame.Sgl, frame.Nb);
    if (frame.Coalesced) {
      SnTakeFromDevice(Adapter->TxCoalesceVa + first * SN_TX_COALESCE_BYTES,
                       NET_BUFFER_DATA_LENGTH(frame.Nb));
    }
    SnFrameDone(frame.Nb, NDIS_STATUS_SEND_ABORTED, &done);
  }
  Adapter->TxFreeDescriptors = SN_TX_DESCRIPTORS - 1;

  first_waiting = Adapter->TxWaitNextNb;
  nbl = Adapter->TxWaitHead;
  Adapter->TxWaitHead = NULL;
  Adapter->TxWaitTail = NULL;
  Adapter->TxWaitNextNb = NULL;
  while (nbl) {
    PNET_BUFFER_LIST next = NET_BUFFER_LIST_NEXT_NBL(nbl);
    PNET_BUFFER nb = first_waiting ? first_waiting : NET_BUFFER_LIST_FIRST_NB(nbl);
    first_waiting = NULL;
    NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
    while (nb) {
      PNET_BUFFER next_nb = NET_BUFFER_NEXT_NB(nb);
      SnFrameDone(nb, NDIS_STATUS_SEND_ABORTED, &done); /* may relink nbl: next is saved */
      nb = next_nb;
    }
    nbl = next;
  }
  NdisReleaseSpinLock(&Adapter->SendLock);
  SnCompleteSends(Adapter, &done, 0);
}

/* Runs at DISPATCH_LEVEL (check-for-hang); takes SendLock. TRUE when frames sat on the ring
 * without one finishing over two checks in a row. */
BOOLEAN SnTxStalled(PSN_ADAPTER Adapter) {
  BOOLEAN stalled;
  NdisDprAcquireSpinLock(&Adapter->SendLock);
  if (Adapter->TxNextToClean != Adapter->TxNextToUse &&
      Adapter->TxNextToClean == Adapter->TxLastClean) {
    ++Adapter->TxStalledChecks;
  } else {
    Adapter->TxStalledChecks = 0;
  }
  Adapter->TxLastClean = Adapter->TxNextToClean;
  stalled = Adapter->TxStalledChecks >= 2 ? TRUE : FALSE;
  NdisDprReleaseSpinLock(&Adapter->SendLock);
  return stalled;
}

/* MiniportCancelSend. Runs at IRQL <= DISPATCH_LEVEL. Frames wait only for ring space, which
 * frees within microseconds: there is nothing worth cancelling. */
VOID SnCancelSend(NDIS_HANDLE MiniportAdapterContext, PVOID CancelId) {
  UNREFERENCED_PARAMETER(MiniportAdapterContext);
  UNREFERENCED_PARAMETER(CancelId);
}
