// The adapter object of the reference miniport and the functions its files share. Internal to
// driver/miniport: MP* are NDIS entry points and their helpers, NIC* touch registers and rings.
#pragma once

#include <ndis.h>

#include "mp_driver.h"
#include "nic_regs.h"

namespace nicsim::miniport {

inline constexpr ULONG kPoolTag = 0x4E43504D;                // 'MPCN'
inline constexpr ULONG64 kLinkSpeedBps = 10'000'000'000ull;  // the link partner's nominal rate
inline constexpr UCHAR kMacAddress[6] = {0x02, 0x4E, 0x43, 0x00, 0x00, 0x01};  // locally admin.
inline constexpr ULONG kSupportedPacketFilters =
    NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_ALL_MULTICAST |
    NDIS_PACKET_TYPE_BROADCAST | NDIS_PACKET_TYPE_PROMISCUOUS;
inline constexpr NDIS_OID kSupportedOids[] = {OID_GEN_SUPPORTED_LIST,
                                              OID_GEN_HARDWARE_STATUS,
                                              OID_GEN_MEDIA_SUPPORTED,
                                              OID_GEN_MEDIA_IN_USE,
                                              OID_GEN_MAXIMUM_FRAME_SIZE,
                                              OID_GEN_MAXIMUM_TOTAL_SIZE,
                                              OID_GEN_LINK_SPEED,
                                              OID_GEN_MEDIA_CONNECT_STATUS,
                                              OID_GEN_LINK_STATE,
                                              OID_GEN_CURRENT_PACKET_FILTER,
                                              OID_GEN_STATISTICS,
                                              OID_GEN_XMIT_OK,
                                              OID_GEN_RCV_OK,
                                              OID_GEN_XMIT_ERROR,
                                              OID_GEN_RCV_ERROR,
                                              OID_GEN_VENDOR_DESCRIPTION,
                                              OID_802_3_PERMANENT_ADDRESS,
                                              OID_802_3_CURRENT_ADDRESS,
                                              OID_802_3_MULTICAST_LIST,
                                              OID_802_3_MAXIMUM_LIST_SIZE};
inline constexpr ULONG kTxRingEntries = 16;  // small on purpose: bursts fill it
inline constexpr ULONG kRxBudget = 32;       // frames per queue per DPC run
// Receive work per DPC run, in system-time units (100 ns): with small frames and the receive lock
// contended from several CPUs, 32 frames can take longer than a DPC should run (100 us).
inline constexpr LONGLONG kRxTimeBudget = 400;
inline constexpr ULONG kMaxDpcSlots = 64;  // per message (MSI-X) or per CPU (INTx)
inline constexpr ULONG kRxRingEntries = 256;
inline constexpr ULONG kRxBuffers = kRxRingEntries - 1;  // head == tail means empty
inline constexpr ULONG kBufferBytes = nic_regs::kRxBufBytes;
inline constexpr ULONG kDescBytes = nic_regs::kDescBytes;
inline constexpr ULONG kMaxQueues = nic_regs::kMaxQueues;
inline constexpr ULONG kMiscVector = nic_regs::kMaxQueues;  // CAPS.NUM_QUEUES
inline constexpr ULONG kMiscCauses =
    nic_regs::ICR_LINK | nic_regs::ICR_RX_DROP | nic_regs::ICR_DMA_ERR;
inline constexpr ULONG kAllCauses = nic_regs::IMS_CAUSE;

inline constexpr ULONG RxCause(ULONG q) { return 1u << (nic_regs::ICR_RXQ_SHIFT + q); }
inline constexpr ULONG TxCause(ULONG q) { return 1u << (nic_regs::ICR_TXQ_SHIFT + q); }
inline constexpr ULONG QueueCauses(ULONG q) { return RxCause(q) | TxCause(q); }

// Descriptors (nic_regs.h DESC_*): a field lies in the 64-bit word QWORD, at SHIFT under MASK.
inline constexpr ULONG DescWordOffset(unsigned qword) { return qword * sizeof(ULONG64); }
inline constexpr ULONG DescField(ULONG64 word, unsigned shift, ULONG64 mask) {
  return static_cast<ULONG>((word >> shift) & mask);
}
// The driver reads a whole write-back from one word, and writing LEN clears the TX STATUS.
static_assert(nic_regs::DESC_TX_STATUS_QWORD == nic_regs::DESC_TX_LEN_QWORD);
static_assert(nic_regs::DESC_RX_LEN_QWORD == nic_regs::DESC_RX_STATUS_QWORD &&
              nic_regs::DESC_RX_HASH_QWORD == nic_regs::DESC_RX_STATUS_QWORD);

inline LONGLONG MPSystemTime() {
  LARGE_INTEGER now;
  NdisGetCurrentSystemTime(&now);
  return now.QuadPart;
}

// One RX buffer: 2048 bytes of shared memory and the NBL that carries it up.
struct MP_RX_BUFFER {
  PUCHAR Va;
  ULONG64 Pa;
  PMDL Mdl;              // describes the whole buffer
  PNET_BUFFER_LIST Nbl;  // from RecvNblPool, its NET_BUFFER over Mdl
  ULONG Queue;
  BOOLEAN WithProtocol;  // indicated and not yet returned
};

// Two sides. The post side (NextToUse, Slot[], the tail) is shared with the return path: under
// RcvLock. The clean side (NextToClean) belongs to the DPC that fetched the queue's receive cause,
// with no lock: the cause stays masked until that DPC re-enables it, and the DPC that fetches it
// next is ordered after that through the interrupt lock (as NAPI owns a Linux ring).
struct MP_RX_RING {
  PUCHAR DescVa;
  ULONG64 DescPa;
  MP_RX_BUFFER* Slot[kRxRingEntries];  // buffer posted at each descriptor, until the DPC takes it
  ULONG NextToClean;                   // next descriptor the driver expects a write-back in
  ULONG NextToUse;                     // tail: next descriptor the driver posts
  PUCHAR BufferBlockVa;
  ULONG64 BufferBlockPa;
  MP_RX_BUFFER Buffers[kRxBuffers];
};

// One frame (NET_BUFFER) on a TX descriptor: its scatter-gather list, or the descriptor's bounce
// buffer when the list cannot go to the NIC as is (more than one element, or unaligned).
struct MP_TX_SLOT {
  PNET_BUFFER Nb;
  PSCATTER_GATHER_LIST Sgl;
  BOOLEAN Bounced;
};

struct MP_TX_RING {
  PUCHAR DescVa;
  ULONG64 DescPa;
  PUCHAR BufferBlockVa;  // one 2048-byte bounce buffer per descriptor
  ULONG64 BufferBlockPa;
  PUCHAR SgBlock;  // one caller-provided SG list buffer per descriptor
  MP_TX_SLOT Slot[kTxRingEntries];
  ULONG NextToClean;
  ULONG NextToUse;
  ULONG InUse;  // descriptors posted and not yet reaped: the send path adds, the completion takes
  // NBLs whose frames are not all on the ring yet; the head's next frame is WaitNextNb.
  PNET_BUFFER_LIST WaitHead;
  PNET_BUFFER_LIST WaitTail;
  PNET_BUFFER WaitNextNb;
};

// Per send NBL, in MiniportReserved: frames not completed yet. Per NB: its NBL.
inline LONG_PTR MPNblPending(PNET_BUFFER_LIST nbl) {
  return reinterpret_cast<LONG_PTR>(NET_BUFFER_LIST_MINIPORT_RESERVED(nbl)[0]);
}
inline VOID MPSetNblPending(PNET_BUFFER_LIST nbl, LONG_PTR frames) {
  NET_BUFFER_LIST_MINIPORT_RESERVED(nbl)[0] = reinterpret_cast<PVOID>(frames);
}
inline PNET_BUFFER_LIST MPNbNbl(PNET_BUFFER nb) {
  return static_cast<PNET_BUFFER_LIST>(NET_BUFFER_MINIPORT_RESERVED(nb)[0]);
}

// Context handed to the synchronize callbacks.
struct MP_SYNC_CONTEXT {
  struct MP_ADAPTER* Adapter;
  ULONG Causes;  // in: the causes to fetch / enable / disable; out (fetch): what was pending
};

struct MP_ADAPTER {
  NDIS_HANDLE AdapterHandle;
  NDIS_HANDLE InterruptHandle;
  DriverBug Bug;
  ULONG RssQueues;  // *NumRssQueues: queues wanted; fewer when fewer messages came
  ULONG ItrCycles;  // ItrCycles: interrupt throttle per vector, NIC cycles
  BOOLEAN InterruptRegistered;

  NDIS_SPIN_LOCK Lock;      // adapter state and statistics
  NDIS_SPIN_LOCK SendLock;  // TX rings and wait lists
  NDIS_SPIN_LOCK RcvLock;   // RX rings and buffers

  NDIS_HANDLE DmaHandle;    // scatter-gather DMA
  ULONG SgListBytes;        // one SG list buffer
  NDIS_HANDLE RecvNblPool;  // receive NBLs, each with its NET_BUFFER

  PVOID Bar0;
  ULONG Bar0Length;
  NDIS_PHYSICAL_ADDRESS Bar0Pa;
  ULONG NumQueues;
  ULONG NumCpus;
  BOOLEAN Msix;        // the resources hold MSI-X messages
  ULONG MessageCount;  // MSI-X messages in the resources: queues + misc
  ULONG EnabledCauses;

  // Causes the ISR saw and the DPCs have not fetched yet: shared with DIRQL, so touched only in
  // the ISR and in synchronize callbacks (a plain field, as in any driver; the race checker sees
  // every access).
  ULONG SavedCause;

  ULONG InterruptsClaimed;  // ISR-shared like SavedCause: the ISRs' claims, for the hang check
  ULONG IsrBadCauses;       // ISR-shared like SavedCause: cause reads with bits ICR does not define
  // The device is gone (surprise removal, or a register read all-ones where it cannot): set once
  // with InterlockedExchange, read as a volatile (marked) load at any IRQL. From then on no
  // register access reaches the device (nic_hw.cc) and sends fail at once.
  volatile LONG DeviceRemoved;
  volatile LONG RemovalHandled;  // MPDeviceGone ran: sends failed, NdisMRemoveMiniport asked
  ULONG HangCheckClaims;  // InterruptsClaimed at the last MPCheckForHangEx (only it touches it)

  BOOLEAN Halting;     // under Lock
  ULONG DpcsInFlight;  // under Lock
  // Pause: sends are refused with NDIS_STATUS_PAUSED and receives stay in the rings; the pause
  // completes (NdisMPauseComplete) once no send is outstanding and no receive is up.
  BOOLEAN Paused;        // under Lock
  BOOLEAN PausePending;  // under Lock: MiniportPause returned NDIS_STATUS_PENDING
  BOOLEAN Resetting;     // under Lock: a reset is in progress, sends are refused
  ULONG TxOutstanding;   // under Lock: NBLs taken by MiniportSendNetBufferLists, not completed
  ULONG RxWithProtocol;  // under Lock: receive NBLs indicated, not returned
  ULONG PacketFilter;    // OID_GEN_CURRENT_PACKET_FILTER
  UCHAR MacAddress[6];
  NDIS_HANDLE ResetWorkItem;
  PIO_INTERRUPT_MESSAGE_INFO MessageInfo;  // from NdisMRegisterInterruptEx, for re-programming
  // Causes a DPC fetched but left for its next run (receive budget spent), which it queues on
  // its own CPU. Only the DPC of that message (MSI-X) or CPU (INTx: the line's DPC runs on the CPU
  // that took the interrupt) touches its slot, and DPCs of one slot never overlap.
  ULONG DpcCarry[kMaxDpcSlots];
  ULONG64 StatSendsAccepted;   // under Lock
  ULONG64 StatSendsCompleted;  // under Lock
  ULONG64 StatRxFrames;        // under Lock: frames taken off the rings by every queue's DPC
  MP_TX_RING Tx[kMaxQueues];
  MP_RX_RING Rx[kMaxQueues];
  // Causes masked through MPDisableSync (halt, reset) and not enabled since: ISR-shared like
  // SavedCause. An ISR that finds nothing pending re-enables its vector, but never these, or it
  // would unmask a device that halt or reset is about to reset.
  ULONG CausesMaskedBySync;
};

inline bool HasBug(const MP_ADAPTER* adapter, DriverBug bug) { return adapter->Bug == bug; }
inline bool MPDeviceRemoved(const MP_ADAPTER* adapter) { return adapter->DeviceRemoved != 0; }
inline constexpr ULONG kAllOnes = 0xFFFFFFFFu;  // what a read of a device that is gone returns
DriverCounters& MpMutableCounters();

// nic_hw.cc: registers and rings
ULONG NICReadRegister(MP_ADAPTER* adapter, ULONG offset);
VOID NICWriteRegister(MP_ADAPTER* adapter, ULONG offset, ULONG value);
NDIS_STATUS NICCheckIdentity(MP_ADAPTER* adapter);
VOID NICResetDevice(MP_ADAPTER* adapter);
inline constexpr ULONG kIdlePolls = 100;  // STATUS.BUSY polls, 1 us apart, after a reset
VOID NICWaitForIdle(MP_ADAPTER* adapter);
NDIS_STATUS NICRegisterDma(MP_ADAPTER* adapter);
VOID NICDeregisterDma(MP_ADAPTER* adapter);
NDIS_STATUS NICAllocateRings(MP_ADAPTER* adapter);
VOID NICFreeRings(MP_ADAPTER* adapter);
VOID NICProgramRings(MP_ADAPTER* adapter);
VOID NICProgramInterrupts(MP_ADAPTER* adapter, PIO_INTERRUPT_MESSAGE_INFO info);
ULONG NICVectorCauses(const MP_ADAPTER* adapter, ULONG message_id);
// Any IRQL. Marks the device gone; true for the caller that marked it.
bool NICMarkRemoved(MP_ADAPTER* adapter);

// mp_config.cc
// Reads the keywords into the adapter; NDIS_STATUS_INVALID_PARAMETER for a value out of range.
NDIS_STATUS MPReadConfiguration(MP_ADAPTER* adapter);

// mp_interrupt.cc
NDIS_STATUS MPRegisterInterrupt(MP_ADAPTER* adapter);
VOID MPEnableInterruptsSync(MP_ADAPTER* adapter, ULONG causes);
VOID MPDisableInterruptsSync(MP_ADAPTER* adapter, ULONG causes);
// Runs at PASSIVE_LEVEL in the reset, with no DPC at work: drops the causes ISRs saved and DPCs
// carried before the device was reset (their DPCs bailed out), since the reset re-enables every
// cause and the rings start over.
VOID MPForgetPendingCauses(MP_ADAPTER* adapter);
// Runs at DISPATCH_LEVEL; takes Lock. The rings no longer match the driver's view (a DMA error,
// a write-back out of place): counts `reason` and has NDIS reset the adapter (NdisMResetMiniport).
VOID MPRequestReset(MP_ADAPTER* adapter, ULONG64 DriverCounters::*reason);
// Runs at IRQL <= DISPATCH_LEVEL, from the hang check: raises again every queue cause no ISR or
// DPC holds, so that work a lost interrupt message or a write-back landing after its interrupt
// left in a ring is picked up. Returns the causes raised.
ULONG MPRaiseIdleCauses(MP_ADAPTER* adapter);
// Runs at IRQL <= DISPATCH_LEVEL: InterruptsClaimed, read under the interrupt lock.
ULONG MPInterruptsClaimed(MP_ADAPTER* adapter);
// Runs at IRQL <= DISPATCH_LEVEL: IsrBadCauses, read under the interrupt lock.
ULONG MPIsrBadCauses(MP_ADAPTER* adapter);

// mp_lifecycle.cc
MINIPORT_PAUSE MPPause;
MINIPORT_RESTART MPRestart;
MINIPORT_CHECK_FOR_HANG MPCheckForHangEx;
MINIPORT_RESET MPResetEx;
MINIPORT_CANCEL_SEND MPCancelSend;
MINIPORT_SHUTDOWN MPShutdownEx;
MINIPORT_DEVICE_PNP_EVENT_NOTIFY MPDevicePnPEventNotify;
// Counts NBLs done (sends completed, receives returned); completes a pending pause when the
// data path is empty. Takes Lock; IRQL <= DISPATCH_LEVEL.
VOID MPDataPathDone(MP_ADAPTER* adapter, ULONG sends, ULONG receives);
// Runs at PASSIVE_LEVEL; takes Lock. Returns once no DPC is in MPDpcWorkBody any more.
VOID MPWaitForDpcs(MP_ADAPTER* adapter);
// Runs at IRQL <= DISPATCH_LEVEL (dispatch says which); takes SendLock. The device is gone: marks
// it, fails every send it will never finish, and (asked, the first time) NdisMRemoveMiniport.
VOID MPDeviceGone(MP_ADAPTER* adapter, bool dispatch, bool ask_removal);

// mp_oid.cc
MINIPORT_OID_REQUEST MPOidRequest;
MINIPORT_CANCEL_OID_REQUEST MPCancelOidRequest;

// mp_recv.cc
VOID MPPostAllRxBuffers(MP_ADAPTER* adapter);
VOID MPRepostRxBuffers(MP_ADAPTER* adapter);
// true: more frames wait (kRxBudget frames handled, the DPC's receive budget spent, or the
// system time reached deadline). Decrements *budget per frame handled.
bool MPHandleReceive(MP_ADAPTER* adapter, ULONG queue, LONGLONG deadline, PULONG budget);
MINIPORT_RETURN_NET_BUFFER_LISTS MPReturnNetBufferLists;

// mp_send.cc
MINIPORT_SEND_NET_BUFFER_LISTS MPSendNetBufferLists;
MINIPORT_PROCESS_SG_LIST MPProcessSendSgList;
VOID MPHandleSendComplete(MP_ADAPTER* adapter, ULONG queue);
VOID MPCompleteSendsAtIsr(MP_ADAPTER* adapter, ULONG queue);
// Runs at IRQL <= DISPATCH_LEVEL (dispatch says which), the device no longer reading the rings
// (reset, halt, or gone); takes SendLock. Completes every frame on a ring or a wait list with
// status; returns how many frames.
ULONG MPAbortAllSends(MP_ADAPTER* adapter, NDIS_STATUS status, bool dispatch);

}  // namespace nicsim::miniport
