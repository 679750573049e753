// Receive path: posting RX buffers, draining write-backs in the DPC (under RcvLock, dropped around
// each indication), and MiniportReturnNetBufferLists, which re-posts returned buffers.
#include "mp_adapter.h"

namespace nicsim::miniport {
namespace {

constexpr ULONG kPostChunk = 16;

PUCHAR RxDesc(MP_RX_RING& ring, ULONG slot) { return ring.DescVa + slot * kDescBytes; }

ULONG RingUsed(const MP_RX_RING& ring) {
  return (ring.NextToUse + kRxRingEntries - ring.NextToClean) % kRxRingEntries;
}

// Caller holds RcvLock. Gives the buffer to the device at the tail; the caller rings the doorbell.
bool MPPostRxBuffer(MP_ADAPTER* adapter, MP_RX_RING& ring, MP_RX_BUFFER* buffer) {
  if (RingUsed(ring) >= kRxRingEntries - 1) return false;  // cannot happen: N-1 buffers
  const ULONG slot = ring.NextToUse;
  PUCHAR desc = RxDesc(ring, slot);
  const ULONG64 address = HasBug(adapter, DriverBug::kRxBufferVirtualAddress)
                              ? reinterpret_cast<ULONG64>(buffer->Va)
                              : buffer->Pa;
  *reinterpret_cast<volatile ULONG64*>(desc + DescWordOffset(nic_regs::DESC_RX_ADDR_QWORD)) =
      address;
  *reinterpret_cast<volatile ULONG64*>(desc + DescWordOffset(nic_regs::DESC_RX_STATUS_QWORD)) = 0;
  NicsimSyncBufferForDevice(buffer->Va, kBufferBytes);
  ring.Slot[slot] = buffer;
  ring.NextToUse = (slot + 1) % kRxRingEntries;
  return true;
}

}  // namespace

// Runs at PASSIVE_LEVEL (initialize); takes RcvLock. Posts every buffer of every queue.
VOID MPPostAllRxBuffers(MP_ADAPTER* adapter) {
  for (ULONG q = 0; q < adapter->NumQueues; ++q) {
    MP_RX_RING& ring = adapter->Rx[q];
    // In chunks, so RcvLock is never held for long (each post is several shared-memory writes).
    for (ULONG first = 0; first < kRxBuffers; first += kPostChunk) {
      NdisAcquireSpinLock(&adapter->RcvLock);
      for (ULONG i = first; i < kRxBuffers && i < first + kPostChunk; ++i) {
        MPPostRxBuffer(adapter, ring, &ring.Buffers[i]);
      }
      NICWriteRegister(adapter, nic_regs::RX_TAIL(q), ring.NextToUse);
      NdisReleaseSpinLock(&adapter->RcvLock);
    }
  }
}

// Runs at DISPATCH_LEVEL in the DPC; takes RcvLock and releases it around each indication.
// Every write-back is validated (done bit, end of packet, length) before the buffer is used.
// Handles at most kRxBudget frames and stops at deadline (after one frame at least, so every run
// makes progress); returns true when more are waiting.
bool MPHandleReceive(MP_ADAPTER* adapter, ULONG queue, LONGLONG deadline, PULONG budget) {
  MP_RX_RING& ring = adapter->Rx[queue];
  const bool hold_across_indicate = HasBug(adapter, DriverBug::kRcvLockAcrossIndicate);
  bool reposted = false;
  bool more = false;
  ULONG idle_polls = 0;
  ULONG handled = 0;
  ULONG reserved_unused = 0;  // indications reserved for frames that turned out bad
  NdisDprAcquireSpinLock(&adapter->RcvLock);
  for (;;) {
    const ULONG slot = ring.NextToClean;
    if (slot == ring.NextToUse) break;  // nothing posted
    const ULONG64 writeback = *reinterpret_cast<const volatile ULONG64*>(
        RxDesc(ring, slot) + DescWordOffset(nic_regs::DESC_RX_STATUS_QWORD));
    const ULONG status =
        DescField(writeback, nic_regs::DESC_RX_STATUS_SHIFT, nic_regs::DESC_RX_STATUS_MASK);
    if (!(status & nic_regs::DESC_STATUS_DD)) {
      // Bug variant: poll the head register for more frames until 512 polls in a row found
      // none, all under RcvLock ("saves an interrupt" but holds the lock for tens of us).
      if (HasBug(adapter, DriverBug::kDrainRingUnderLock) && idle_polls++ < 512) {
        (void)NICReadRegister(adapter, nic_regs::RX_HEAD(queue));
        continue;
      }
      break;
    }
    if (handled > 0 && !HasBug(adapter, DriverBug::kDrainRingUnderLock) &&
        (handled == kRxBudget || *budget == 0 || MPSystemTime() >= deadline)) {
      more = true;  // a frame waits, but the DPC queues itself again instead of running long
      break;
    }
    // Reserve the indication under Lock, where MPPause sets Paused: once a pause has begun no new
    // receive goes up, so the pause can complete (the frame waits; MPRestart drains the ring).
    NdisDprAcquireSpinLock(&adapter->Lock);
    const bool paused = adapter->Paused;
    if (!paused) ++adapter->RxWithProtocol;
    NdisDprReleaseSpinLock(&adapter->Lock);
    if (paused) break;
    idle_polls = 0;
    ++handled;
    if (*budget > 0 && *budget != NDIS_INDICATE_ALL_NBLS) --*budget;
    const ULONG length =
        DescField(writeback, nic_regs::DESC_RX_LEN_SHIFT, nic_regs::DESC_RX_LEN_MASK);
    const ULONG hash =
        DescField(writeback, nic_regs::DESC_RX_HASH_SHIFT, nic_regs::DESC_RX_HASH_MASK);
    MP_RX_BUFFER* buffer = ring.Slot[slot];
    ring.Slot[slot] = nullptr;
    ring.NextToClean = (slot + 1) % kRxRingEntries;
    if (!buffer) {
      ++MpMutableCounters().RxBadDescriptors;
      ++reserved_unused;
      continue;
    }
    if (HasBug(adapter, DriverBug::kRxReadsDeviceBuffer)) {
      (void)NicsimReadSharedUlong(buffer->Va);  // peeks at the header before taking it back
    }
    NicsimSyncBufferForCpu(buffer->Va, kBufferBytes);
    if (!(status & nic_regs::DESC_STATUS_EOP) || length < 14 || length > nic_regs::kMaxFrame) {
      ++MpMutableCounters().RxBadDescriptors;
      reposted |= MPPostRxBuffer(adapter, ring, buffer);
      ++reserved_unused;
      continue;
    }
    PNET_BUFFER_LIST nbl = buffer->Nbl;
    PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbl);
    NET_BUFFER_LIST_NEXT_NBL(nbl) = nullptr;
    NET_BUFFER_DATA_OFFSET(nb) = 0;
    NET_BUFFER_CURRENT_MDL(nb) = buffer->Mdl;
    NET_BUFFER_CURRENT_MDL_OFFSET(nb) = 0;
    NET_BUFFER_DATA_LENGTH(nb) = length;
    NET_BUFFER_LIST_STATUS(nbl) = NDIS_STATUS_SUCCESS;
    NET_BUFFER_LIST_RECEIVE_QUEUE_ID(nbl) = static_cast<USHORT>(queue);
    NET_BUFFER_LIST_SET_HASH_VALUE(nbl, hash);  // the NIC's own hash: function and type stay 0
    nbl->SourceHandle = adapter->AdapterHandle;
    buffer->WithProtocol = TRUE;
    ++MpMutableCounters().RxIndicated;
    if (hold_across_indicate) {
      NdisMIndicateReceiveNetBufferLists(adapter->AdapterHandle, nbl, NDIS_DEFAULT_PORT_NUMBER, 1,
                                         NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
    } else {
      NdisDprReleaseSpinLock(&adapter->RcvLock);
      NdisMIndicateReceiveNetBufferLists(adapter->AdapterHandle, nbl, NDIS_DEFAULT_PORT_NUMBER, 1,
                                         NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
      NdisDprAcquireSpinLock(&adapter->RcvLock);
    }
  }
  if (reposted) NICWriteRegister(adapter, nic_regs::RX_TAIL(queue), ring.NextToUse);
  if (HasBug(adapter, DriverBug::kDprAcquirePlainRelease)) {
    NdisReleaseSpinLock(&adapter->RcvLock);
  } else {
    NdisDprReleaseSpinLock(&adapter->RcvLock);
  }
  if (reserved_unused) MPDataPathDone(adapter, 0, reserved_unused);
  return more;
}

// MiniportReturnNetBufferLists. Runs at IRQL <= DISPATCH_LEVEL (the flag says which); takes
// RcvLock per chunk of kPostChunk buffers, so a long chain never holds it for long. Re-posts
// each returned buffer to its queue and rings each touched doorbell once per chunk.
VOID MPReturnNetBufferLists(NDIS_HANDLE context, PNET_BUFFER_LIST nbls, ULONG flags) {
  auto* adapter = static_cast<MP_ADAPTER*>(context);
  const bool dispatch = (flags & NDIS_RETURN_FLAGS_DISPATCH_LEVEL) != 0;
  PNET_BUFFER_LIST nbl = nbls;
  while (nbl) {
    if (dispatch) {
      NdisDprAcquireSpinLock(&adapter->RcvLock);
    } else {
      NdisAcquireSpinLock(&adapter->RcvLock);
    }
    ULONG touched = 0;
    ULONG returned = 0;
    for (ULONG n = 0; nbl && n < kPostChunk; ++n) {
      PNET_BUFFER_LIST next = nbl->Next;
      nbl->Next = nullptr;
      auto* buffer = static_cast<MP_RX_BUFFER*>(nbl->MiniportReserved[0]);
      if (buffer && buffer->WithProtocol && buffer->Queue < adapter->NumQueues) {
        buffer->WithProtocol = FALSE;
        ++returned;
        if (MPPostRxBuffer(adapter, adapter->Rx[buffer->Queue], buffer)) {
          touched |= 1u << buffer->Queue;
        }
      }
      nbl = next;
    }
    for (ULONG q = 0; q < adapter->NumQueues; ++q) {
      if (touched & (1u << q)) {
        NICWriteRegister(adapter, nic_regs::RX_TAIL(q), adapter->Rx[q].NextToUse);
      }
    }
    if (dispatch) {
      NdisDprReleaseSpinLock(&adapter->RcvLock);
    } else {
      NdisReleaseSpinLock(&adapter->RcvLock);
    }
    if (returned) MPDataPathDone(adapter, 0, returned);
  }
}

// Runs at PASSIVE_LEVEL in a reset, after the device reset (it owns no buffer any more); takes
// RcvLock per chunk of kPostChunk buffers. Starts every ring over with the buffers that are not
// up with the protocol.
VOID MPRepostRxBuffers(MP_ADAPTER* adapter) {
  for (ULONG q = 0; q < adapter->NumQueues; ++q) {
    MP_RX_RING& ring = adapter->Rx[q];
    NdisAcquireSpinLock(&adapter->RcvLock);
    for (MP_RX_BUFFER*& slot : ring.Slot) slot = nullptr;
    ring.NextToClean = ring.NextToUse = 0;
    NdisReleaseSpinLock(&adapter->RcvLock);
    for (ULONG first = 0; first < kRxBuffers; first += kPostChunk) {
      NdisAcquireSpinLock(&adapter->RcvLock);
      for (ULONG i = first; i < kRxBuffers && i < first + kPostChunk; ++i) {
        MP_RX_BUFFER& buffer = ring.Buffers[i];
        if (buffer.WithProtocol) continue;
        NicsimSyncBufferForCpu(buffer.Va, kBufferBytes);
        MPPostRxBuffer(adapter, ring, &buffer);
      }
      NICWriteRegister(adapter, nic_regs::RX_TAIL(q), ring.NextToUse);
      NdisReleaseSpinLock(&adapter->RcvLock);
    }
  }
}

}  // namespace nicsim::miniport
