// Receive path: posting RX buffers (the post side, under RcvLock, shared with the return path),
// draining write-backs in the DPC that owns the queue's receive cause (the clean side: no lock,
// RcvLock only to take each buffer off the ring, nothing held across the indication), and
// MiniportReturnNetBufferLists, which re-posts returned buffers.
#include "mp_adapter.h"

namespace nicsim::miniport {
namespace {

constexpr ULONG kPostChunk = 16;

PUCHAR RxDesc(MP_RX_RING& ring, ULONG slot) { return ring.DescVa + slot * kDescBytes; }

volatile ULONG64* RxStatusWord(MP_RX_RING& ring, ULONG slot) {
  return reinterpret_cast<volatile ULONG64*>(RxDesc(ring, slot) +
                                             DescWordOffset(nic_regs::DESC_RX_STATUS_QWORD));
}

ULONG RxStatus(ULONG64 writeback) {
  return DescField(writeback, nic_regs::DESC_RX_STATUS_SHIFT, nic_regs::DESC_RX_STATUS_MASK);
}

// The RX write-back status bits the device defines (DD, EOP).
constexpr ULONG kRxStatusDefined = nic_regs::DESC_STATUS_DD | nic_regs::DESC_STATUS_EOP;
constexpr ULONG kMinRxFrame = 14;  // an Ethernet header: the EtherType is read from it
static_assert(nic_regs::kMaxFrame <= kBufferBytes, "a frame of kMaxFrame fits a buffer");

// Whether a write-back the device finished (DD set) describes a frame the driver may use: one
// whole frame (EOP), no status bit the device does not define, and a length that is a frame and
// fits the posted buffer. Anything else is counted (RxBadDescriptors) and its buffer re-posted.
bool MPRxWritebackValid(ULONG64 writeback) {
  const ULONG status = RxStatus(writeback);
  const ULONG length =
      DescField(writeback, nic_regs::DESC_RX_LEN_SHIFT, nic_regs::DESC_RX_LEN_MASK);
  return (status & nic_regs::DESC_STATUS_EOP) && !(status & ~kRxStatusDefined) &&
         length >= kMinRxFrame && length <= nic_regs::kMaxFrame && length <= kBufferBytes;
}

// The NIC's steering hash of a frame (nic_regs.json "steering": the first 40 bytes as 64-bit
// little-endian beats, h = rotl32(h, 7) ^ low ^ high from 0x9E3779B9). The driver is built against
// the register header only, as any driver is, so it carries the datasheet's algorithm itself.
ULONG MPSteeringHash(const UCHAR* frame, ULONG length) {
  ULONG hash = 0x9E3779B9u;
  const ULONG hashed = length < 40 ? length : 40;
  for (ULONG beat = 0; beat * 8 < hashed; ++beat) {
    ULONG64 word = 0;
    for (ULONG byte = 0; byte < 8 && beat * 8 + byte < hashed; ++byte)
      word |= static_cast<ULONG64>(frame[beat * 8 + byte]) << (8 * byte);
    hash = ((hash << 7) | (hash >> 25)) ^ static_cast<ULONG>(word) ^ static_cast<ULONG>(word >> 32);
  }
  return hash;
}

// Whether a valid write-back describes the frame in this buffer: its hash is the frame's. One the
// device wrote into the wrong slot describes another slot's frame.
bool MPWritebackIsThisFrames(const MP_RX_BUFFER* buffer, ULONG64 writeback) {
  const ULONG length =
      DescField(writeback, nic_regs::DESC_RX_LEN_SHIFT, nic_regs::DESC_RX_LEN_MASK);
  const ULONG hash =
      DescField(writeback, nic_regs::DESC_RX_HASH_SHIFT, nic_regs::DESC_RX_HASH_MASK);
  return MPSteeringHash(buffer->Va, length) == hash;
}

// Caller holds RcvLock. Gives the buffer to the device at the tail; the caller rings the doorbell.
bool MPPostRxBuffer(MP_ADAPTER* adapter, MP_RX_RING& ring, MP_RX_BUFFER* buffer) {
  const ULONG slot = ring.NextToUse;
  // A slot whose buffer the DPC has not taken yet. Cannot happen: there is one buffer fewer than
  // descriptors. (NextToClean is the DPC's; the post side does not read it.)
  if (ring.Slot[slot]) return false;
  PUCHAR desc = RxDesc(ring, slot);
  const ULONG64 address = HasBug(adapter, DriverBug::kRxBufferVirtualAddress)
                              ? reinterpret_cast<ULONG64>(buffer->Va)
                              : buffer->Pa;
  *reinterpret_cast<volatile ULONG64*>(desc + DescWordOffset(nic_regs::DESC_RX_ADDR_QWORD)) =
      address;
  *RxStatusWord(ring, slot) = 0;
  NicsimSyncBufferForDevice(buffer->Va, kBufferBytes);
  ring.Slot[slot] = buffer;
  ring.NextToUse = (slot + 1) % kRxRingEntries;
  return true;
}

// Caller holds RcvLock: the receive path's acquire was NdisDprAcquireSpinLock.
VOID MPReleaseRcvLock(MP_ADAPTER* adapter) {
  if (HasBug(adapter, DriverBug::kDprAcquirePlainRelease)) {
    NdisReleaseSpinLock(&adapter->RcvLock);
  } else {
    NdisDprReleaseSpinLock(&adapter->RcvLock);
  }
}

// Runs at DISPATCH_LEVEL. True when the frame may go up: Paused is checked, and the indication
// counted, under Lock, where MPPause sets Paused. Once a pause has begun no new receive goes up,
// so the pause can complete (the frame waits; MPRestart drains the ring).
bool MPReserveIndication(MP_ADAPTER* adapter) {
  NdisDprAcquireSpinLock(&adapter->Lock);
  const bool paused = adapter->Paused;
  if (!paused) {
    ++adapter->RxWithProtocol;
    if (!HasBug(adapter, DriverBug::kStatsCounterUnlocked)) ++adapter->StatRxFrames;
  }
  NdisDprReleaseSpinLock(&adapter->Lock);
  return !paused;
}

// The frame's EtherType as it lies in the buffer (network byte order), for
// NET_BUFFER_LIST_FRAME_TYPE. The CPU may read the buffer only once it took it back.
USHORT MPFrameEtherType(const MP_RX_BUFFER* buffer) {
  return *reinterpret_cast<const USHORT*>(buffer->Va + 12);
}

// Runs at DISPATCH_LEVEL in the DPC, the buffer off the ring: takes it back from the device and
// indicates it, or re-posts it when its write-back is bad. False when nothing went up.
bool MPIndicateBuffer(MP_ADAPTER* adapter, ULONG queue, MP_RX_BUFFER* buffer, ULONG64 writeback,
                      bool good) {
  if (!buffer) return false;
  USHORT ether_type = 0;
  if (HasBug(adapter, DriverBug::kRxPlainReadBeforeTakeBack)) {
    ether_type = MPFrameEtherType(buffer);  // the mistake: the device still owns the buffer
  }
  if (HasBug(adapter, DriverBug::kRxReadsDeviceBuffer)) {
    (void)NicsimReadSharedUlong(buffer->Va);  // peeks at the header before taking it back
  }
  NicsimSyncBufferForCpu(buffer->Va, kBufferBytes);
  const bool misplaced = good && !MPWritebackIsThisFrames(buffer, writeback);
  if (!good || misplaced) {
    MP_RX_RING& ring = adapter->Rx[queue];
    NdisDprAcquireSpinLock(&adapter->RcvLock);
    if (misplaced) {  // counted as indicated when it looked valid
      --MpMutableCounters().RxIndicated;
      ++MpMutableCounters().RxBadDescriptors;
    }
    if (MPPostRxBuffer(adapter, ring, buffer)) {
      NICWriteRegister(adapter, nic_regs::RX_TAIL(queue), ring.NextToUse);
    }
    NdisDprReleaseSpinLock(&adapter->RcvLock);
    if (misplaced) MPRequestReset(adapter, &DriverCounters::MisplacedWritebacks);
    return false;
  }
  if (!HasBug(adapter, DriverBug::kRxPlainReadBeforeTakeBack)) {
    ether_type = MPFrameEtherType(buffer);
  }
  PNET_BUFFER_LIST nbl = buffer->Nbl;
  PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbl);
  NET_BUFFER_LIST_NEXT_NBL(nbl) = nullptr;
  NET_BUFFER_DATA_OFFSET(nb) = 0;
  NET_BUFFER_CURRENT_MDL(nb) = buffer->Mdl;
  NET_BUFFER_CURRENT_MDL_OFFSET(nb) = 0;
  NET_BUFFER_DATA_LENGTH(nb) =
      DescField(writeback, nic_regs::DESC_RX_LEN_SHIFT, nic_regs::DESC_RX_LEN_MASK);
  NET_BUFFER_LIST_STATUS(nbl) = NDIS_STATUS_SUCCESS;
  NET_BUFFER_LIST_RECEIVE_QUEUE_ID(nbl) = static_cast<USHORT>(queue);
  // The NIC's own hash: function and type stay 0.
  NET_BUFFER_LIST_SET_HASH_VALUE(
      nbl, DescField(writeback, nic_regs::DESC_RX_HASH_SHIFT, nic_regs::DESC_RX_HASH_MASK));
  NET_BUFFER_LIST_INFO(nbl, NetBufferListFrameType) =
      reinterpret_cast<PVOID>(static_cast<ULONG_PTR>(ether_type));
  nbl->SourceHandle = adapter->AdapterHandle;
  if (HasBug(adapter, DriverBug::kStatsCounterUnlocked)) {
    ++adapter->StatRxFrames;  // the mistake: "a statistic", counted by every queue's DPC unlocked
  }
  buffer->WithProtocol = TRUE;
  NdisMIndicateReceiveNetBufferLists(adapter->AdapterHandle, nbl, NDIS_DEFAULT_PORT_NUMBER, 1,
                                     NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
  return true;
}

// The device finishes slots in ring order, so a done slot after one that is not means the
// latter's write-back went elsewhere: the ring is broken. The slot is read again after its
// successor, since its write-back lands first.
bool MPRxOutOfOrder(MP_RX_RING& ring, ULONG slot) {
  const ULONG next = (slot + 1) % kRxRingEntries;
  if (!(RxStatus(*RxStatusWord(ring, next)) & nic_regs::DESC_STATUS_DD)) return false;
  return !(RxStatus(*RxStatusWord(ring, slot)) & nic_regs::DESC_STATUS_DD);
}

// Bug variant drain-ring-under-lock: "saves an interrupt" by polling the head register under
// RcvLock until the slot's write-back arrives, or 512 polls found none (tens of us).
bool MPPollUnderLock(MP_ADAPTER* adapter, MP_RX_RING& ring, ULONG queue, ULONG slot) {
  bool arrived = false;
  NdisDprAcquireSpinLock(&adapter->RcvLock);
  for (ULONG polls = 0; polls < 512 && !arrived; ++polls) {
    (void)NICReadRegister(adapter, nic_regs::RX_HEAD(queue));
    arrived = (RxStatus(*RxStatusWord(ring, slot)) & nic_regs::DESC_STATUS_DD) != 0;
  }
  NdisDprReleaseSpinLock(&adapter->RcvLock);
  return arrived;
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

// Runs at DISPATCH_LEVEL in the DPC that fetched RxCause(queue): the clean side is its own until
// it re-enables the cause (MP_RX_RING). Takes Lock to reserve each indication and RcvLock to take
// each buffer off the ring, and holds neither across the indication. Every write-back is validated
// (done bit, end of packet, length) before the buffer is used. Handles at most kRxBudget frames and
// stops at deadline (after one frame at least, so every run makes progress); returns true when
// more are waiting.
bool MPHandleReceive(MP_ADAPTER* adapter, ULONG queue, LONGLONG deadline, PULONG budget) {
  MP_RX_RING& ring = adapter->Rx[queue];
  const bool hold_across_indicate = HasBug(adapter, DriverBug::kRcvLockAcrossIndicate);
  const bool poll = HasBug(adapter, DriverBug::kDrainRingUnderLock);
  bool more = false;
  ULONG handled = 0;
  ULONG reserved_unused = 0;  // indications reserved for frames that turned out bad
  for (;;) {
    const ULONG slot = ring.NextToClean;
    // The done bit is the device's hand-over: a slot is posted again only after the DPC took it
    // (and cleared its status), so no stale done bit is ever seen here.
    const ULONG64 writeback = *RxStatusWord(ring, slot);
    const ULONG status = RxStatus(writeback);
    if (!(status & nic_regs::DESC_STATUS_DD)) {
      if (poll && MPPollUnderLock(adapter, ring, queue, slot)) continue;
      if (MPRxOutOfOrder(ring, slot)) MPRequestReset(adapter, &DriverCounters::MisplacedWritebacks);
      break;
    }
    if (handled > 0 && !poll &&
        (handled == kRxBudget || *budget == 0 || MPSystemTime() >= deadline)) {
      more = true;  // a frame waits, but the DPC queues itself again instead of running long
      break;
    }
    if (!MPReserveIndication(adapter)) break;
    ++handled;
    if (*budget > 0 && *budget != NDIS_INDICATE_ALL_NBLS) --*budget;
    const bool good = MPRxWritebackValid(writeback);
    NdisDprAcquireSpinLock(&adapter->RcvLock);
    MP_RX_BUFFER* buffer = ring.Slot[slot];
    ring.Slot[slot] = nullptr;
    *RxStatusWord(ring, slot) = 0;
    if (buffer && good) {
      ++MpMutableCounters().RxIndicated;
    } else {
      ++MpMutableCounters().RxBadDescriptors;
    }
    if (!hold_across_indicate) MPReleaseRcvLock(adapter);
    ring.NextToClean = (slot + 1) % kRxRingEntries;
    if (!MPIndicateBuffer(adapter, queue, buffer, writeback, good)) ++reserved_unused;
    if (hold_across_indicate) MPReleaseRcvLock(adapter);  // the mistake: held across it
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

// Runs at PASSIVE_LEVEL in a reset, after the device reset (it owns no buffer any more) and
// after the DPCs in flight (later ones do nothing until the reset is done), so the clean side is
// the reset's too; takes RcvLock per chunk of kPostChunk buffers. Starts every ring over with the
// buffers that are not up with the protocol.
VOID MPRepostRxBuffers(MP_ADAPTER* adapter) {
  for (ULONG q = 0; q < adapter->NumQueues; ++q) {
    MP_RX_RING& ring = adapter->Rx[q];
    NdisAcquireSpinLock(&adapter->RcvLock);
    for (ULONG slot = 0; slot < kRxRingEntries; ++slot) {
      ring.Slot[slot] = nullptr;
      *RxStatusWord(ring, slot) = 0;  // a write-back the reset cut off is no frame
    }
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
