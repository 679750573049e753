/* Receive path: posting RX buffers, taking write-backs in the DPC and indicating them as one
 * chain (RcvLock released first), and MiniportReturnNetBufferLists, which posts returned
 * buffers again. */
#include "sn_adapter.h"

/* The write-back is one word: LEN, STATUS and ERRORS; the buffer address has its own. */
C_ASSERT(SIMPLE_NIC_DESC_RX_LEN_QWORD == SIMPLE_NIC_DESC_RX_STATUS_QWORD);
C_ASSERT(SIMPLE_NIC_DESC_RX_ERRORS_QWORD == SIMPLE_NIC_DESC_RX_STATUS_QWORD);
C_ASSERT(SIMPLE_NIC_DESC_RX_ADDR_QWORD != SIMPLE_NIC_DESC_RX_STATUS_QWORD);
C_ASSERT(SN_MAX_FRAME <= SN_RX_BUFFER_BYTES);

static PUCHAR SnRxDesc(PSN_ADAPTER Adapter, ULONG Slot) {
  return Adapter->RxDescVa + Slot * SN_DESC_BYTES;
}

/* Caller holds RcvLock. Gives the buffer to the device at the tail (there is always a free
 * descriptor: one fewer buffer than descriptors); the caller writes RDT. */
static VOID SnPostRxBuffer(PSN_ADAPTER Adapter, PSN_RX_BUFFER Buffer) {
  const ULONG slot = Adapter->RxNextToUse;
  PUCHAR desc = SnRxDesc(Adapter, slot);
  const ULONG64 address = SnHasBug(Adapter, SN_BUG_RX_BUFFER_VIRTUAL_ADDRESS)
                              ? (ULONG64)(ULONG_PTR)Buffer->Va /* the mistake */
                              : (ULONG64)Buffer->Pa.QuadPart;
  SnWriteShared64(SN_DESC_WORD(desc, SIMPLE_NIC_DESC_RX_ADDR_QWORD), address);
  SnWriteShared64(SN_DESC_WORD(desc, SIMPLE_NIC_DESC_RX_STATUS_QWORD), 0); /* clears DD */
  SnGiveToDevice(Buffer->Va, SN_RX_BUFFER_BYTES);
  Buffer->OnRing = TRUE;
  Adapter->RxSlot[slot] = Buffer;
  Adapter->RxNextToUse = (slot + 1) % SN_RX_DESCRIPTORS;
}

/* Runs at PASSIVE_LEVEL after SnProgramRings (initialize, reset), with the RX engine stopped;
 * takes RcvLock per chunk. Starts the ring over with every buffer the protocol does not hold;
 * a buffer returned meanwhile is posted by the return path (OnRing tells them apart). */
VOID SnPostAllRxBuffers(PSN_ADAPTER Adapter) {
  ULONG first;
  ULONG i;

  NdisAcquireSpinLock(&Adapter->RcvLock);
  for (i = 0; i < SN_RX_DESCRIPTORS; ++i) Adapter->RxSlot[i] = NULL;
  for (i = 0; i < SN_RX_BUFFERS; ++i) Adapter->RxBuffer[i].OnRing = FALSE;
  Adapter->RxNextToUse = 0;
  Adapter->RxNextToClean = 0;
  NdisReleaseSpinLock(&Adapter->RcvLock);

  for (first = 0; first < SN_RX_BUFFERS; first += SN_REPOST_CHUNK) {
    NdisAcquireSpinLock(&Adapter->RcvLock);
    for (i = first; i < SN_RX_BUFFERS && i < first + SN_REPOST_CHUNK; ++i) {
      PSN_RX_BUFFER buffer = &Adapter->RxBuffer[i];
      if (!buffer->WithProtocol && !buffer->OnRing) SnPostRxBuffer(Adapter, buffer);
    }
    SnWriteRegister(Adapter, SIMPLE_NIC_REG_RDT, Adapter->RxNextToUse);
    NdisReleaseSpinLock(&Adapter->RcvLock);
  }
}

/* Runs at DISPATCH_LEVEL in the DPC; takes Lock, then RcvLock (not nested). Takes up to Budget
 * write-backs, validates each (DD, EOP, no ERRORS, a length an Ethernet frame can have) before
 * its buffer is used, reposts the bad ones and indicates the good ones in one chain. Returns
 * TRUE when the budget ran out (frames may be left). Nothing goes up once a pause began. */
BOOLEAN SnHandleReceive(PSN_ADAPTER Adapter, ULONG Budget) {
  PNET_BUFFER_LIST head = NULL;
  PNET_BUFFER_LIST tail = NULL;
  ULONG count = 0;
  BOOLEAN reposted = FALSE;

  /* Reserve the indications under Lock, where SnPause sets Paused: a pause that starts now
   * waits for them, and one that started already gets none. */
  NdisDprAcquireSpinLock(&Adapter->Lock);
  if (Adapter->Paused) {
    NdisDprReleaseSpinLock(&Adapter->Lock);
    return FALSE;
  }
  Adapter->RxWithProtocol += Budget;
  NdisDprReleaseSpinLock(&Adapter->Lock);

  NdisDprAcquireSpinLock(&Adapter->RcvLock);
  while (count < Budget && Adapter->RxNextToClean != Adapter->RxNextToUse) {
    const ULONG slot = Adapter->RxNextToClean;
    PSN_RX_BUFFER buffer = Adapter->RxSlot[slot];
    const ULONG64 word =
        SnReadShared64(SN_DESC_WORD(SnRxDesc(Adapter, slot), SIMPLE_NIC_DESC_RX_STATUS_QWORD));
    const ULONG status = SN_DESC_FIELD(word, RX, STATUS);
    const ULONG errors = SN_DESC_FIELD(word, RX, ERRORS);
    const ULONG length = SN_DESC_FIELD(word, RX, LEN);
    PNET_BUFFER nb;

    if ((status & SIMPLE_NIC_DESC_STATUS_DD) == 0) break;
    Adapter->RxSlot[slot] = NULL;
    Adapter->RxNextToClean = (slot + 1) % SN_RX_DESCRIPTORS;
    if (!buffer) { /* cannot happen: every posted descriptor has its buffer */
      ++Adapter->StatRxErrors;
      continue;
    }
    buffer->OnRing = FALSE;
    SnTakeFromDevice(buffer->Va, SN_RX_BUFFER_BYTES);
    if ((status & SIMPLE_NIC_DESC_STATUS_EOP) == 0 || errors != 0 || length < SN_ETH_HEADER_BYTES ||
        length > SN_MAX_FRAME) {
      /* A bad frame (the NIC counted CRC errors and truncation) or a write-back not to
       * trust: drop it, the buffer goes straight back. */
      ++Adapter->StatRxErrors;
      SnPostRxBuffer(Adapter, buffer);
      reposted = TRUE;
      continue;
    }
    nb = NET_BUFFER_LIST_FIRST_NB(buffer->Nbl);
    NET_BUFFER_DATA_OFFSET(nb) = 0;
    NET_BUFFER_CURRENT_MDL(nb) = buffer->Mdl;
    NET_BUFFER_CURRENT_MDL_OFFSET(nb) = 0;
    NET_BUFFER_DATA_LENGTH(nb) = length;
    NET_BUFFER_LIST_NEXT_NBL(buffer->Nbl) = NULL;
    NET_BUFFER_LIST_STATUS(buffer->Nbl) = NDIS_STATUS_SUCCESS;
    buffer->Nbl->SourceHandle = Adapter->AdapterHandle;
    buffer->WithProtocol = TRUE;
    if (tail) {
      NET_BUFFER_LIST_NEXT_NBL(tail) = buffer->Nbl;
    } else {
      head = buffer->Nbl;
    }
    tail = buffer->Nbl;
    ++count;
    ++Adapter->StatRxOk;
  }
  if (reposted) SnWriteRegister(Adapter, SIMPLE_NIC_REG_RDT, Adapter->RxNextToUse);
  if (SnHasBug(Adapter, SN_BUG_DPR_ACQUIRE_PLAIN_RELEASE)) {
    NdisReleaseSpinLock(&Adapter->RcvLock); /* the mistake */
  } else {
    NdisDprReleaseSpinLock(&Adapter->RcvLock);
  }

  if (head) {
    NdisMIndicateReceiveNetBufferLists(Adapter->AdapterHandle, head, NDIS_DEFAULT_PORT_NUMBER,
                                       count, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
  }
  if (count < Budget) SnDataPathDone(Adapter, 0, Budget - count); /* unused reservations */
  return count == Budget ? TRUE : FALSE;
}

/* MiniportReturnNetBufferLists. Runs at IRQL <= DISPATCH_LEVEL (ReturnFlags says which); takes
 * RcvLock per chunk of SN_REPOST_CHUNK buffers, so a long chain never holds it long. */
VOID SnReturnNetBufferLists(NDIS_HANDLE MiniportAdapterContext, PNET_BUFFER_LIST NetBufferLists,
                            ULONG ReturnFlags) {
  PSN_ADAPTER adapter = (PSN_ADAPTER)MiniportAdapterContext;
  const BOOLEAN dispatch = (ReturnFlags & NDIS_RETURN_FLAGS_DISPATCH_LEVEL) ? TRUE : FALSE;
  PNET_BUFFER_LIST nbl = NetBufferLists;

  while (nbl) {
    ULONG returned = 0;
    ULONG n;
    if (dispatch) {
      NdisDprAcquireSpinLock(&adapter->RcvLock);
    } else {
      NdisAcquireSpinLock(&adapter->RcvLock);
    }
    for (n = 0; nbl && n < SN_REPOST_CHUNK; ++n) {
      PNET_BUFFER_LIST next = NET_BUFFER_LIST_NEXT_NBL(nbl);
      PSN_RX_BUFFER buffer = (PSN_RX_BUFFER)NET_BUFFER_LIST_MINIPORT_RESERVED(nbl)[0];
      NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
      /* Only our own buffers, and each once. */
      if (buffer >= &adapter->RxBuffer[0] && buffer < &adapter->RxBuffer[SN_RX_BUFFERS] &&
          buffer->Nbl == nbl && buffer->WithProtocol) {
        buffer->WithProtocol = FALSE;
        SnPostRxBuffer(adapter, buffer);
        ++returned;
      }
      nbl = next;
    }
    if (returned) SnWriteRegister(adapter, SIMPLE_NIC_REG_RDT, adapter->RxNextToUse);
    if (dispatch) {
      NdisDprReleaseSpinLock(&adapter->RcvLock);
    } else {
      NdisReleaseSpinLock(&adapter->RcvLock);
    }
    if (returned) SnDataPathDone(adapter, 0, returned);
  }
}
