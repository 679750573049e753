/* simple-nic miniport (NDIS 6.30, C11): the adapter context and what the driver's files share.
 *
 * One TX ring and one RX ring of legacy 16-byte descriptors (simple_nic_regs_c.h), one interrupt:
 * an MSI message or the INTx line, whichever PnP assigned. Locks, e100bex style:
 *   Lock      adapter state (pause, reset, halt), the data-path counts, the DPC bookkeeping
 *   SendLock  the TX ring and the queue of NBLs waiting for descriptors
 *   RcvLock   the RX ring and its buffers
 * Order: SendLock or RcvLock first, Lock nested inside; SendLock and RcvLock never nest.
 * SavedCause is shared with the ISR: touched only at DIRQL (ISR, synchronize callbacks). */
#ifndef SN_ADAPTER_H_
#define SN_ADAPTER_H_

#include <ndis.h>
#include <nicsim_driver_bugs.h>

#include "simple_nic_regs_c.h"

/* Pool tag 'SNic', written out: a multi-character constant draws -Wmultichar. */
#define SN_POOL_TAG ((ULONG)'S' | ((ULONG)'N' << 8) | ((ULONG)'i' << 16) | ((ULONG)'c' << 24))

#define SN_DESC_BYTES SIMPLE_NIC_CONST_DESC_BYTES
#define SN_RX_BUFFER_BYTES SIMPLE_NIC_CONST_RX_BUF_BYTES
#define SN_MAX_FRAME SIMPLE_NIC_CONST_MAX_FRAME /* what the NIC sends and stores, without FCS */
#define SN_ETH_HEADER_BYTES 14
#define SN_ETH_PAYLOAD_BYTES 1500
#define SN_LINK_SPEED_BPS 1000000000ull /* nominal: the link partner runs at the NIC clock */

/* Small TX ring on purpose: send bursts fill it and exercise the wait queue. */
#define SN_TX_DESCRIPTORS 32
/* A frame takes one descriptor per scatter-gather element; more elements than this are copied
 * into the frame's coalesce buffer and take one. */
#define SN_TX_MAX_FRAGMENTS 8
#define SN_TX_COALESCE_BYTES 2048 /* per descriptor: holds a whole frame */
#define SN_RX_DESCRIPTORS 128
#define SN_RX_BUFFERS (SN_RX_DESCRIPTORS - 1) /* RDH == RDT means empty: one slot stays free */
#define SN_RX_BUDGET 32                       /* frames one DPC run indicates */
#define SN_REPOST_CHUNK 16                    /* RX buffers posted per RcvLock hold */

/* Causes this driver enables (ICR layout); all of them come on the one message or line. */
#define SN_INTERRUPT_CAUSES \
  (SIMPLE_NIC_ICR_TXDW | SIMPLE_NIC_ICR_LSC | SIMPLE_NIC_ICR_RXO | SIMPLE_NIC_ICR_RXT0)
#define SN_ALL_CAUSES SIMPLE_NIC_IMC_CAUSE

/* Bug variants: SN_BUG_x is 1 + the index of its row in NicsimDriverBugs (sn_init.c). */
typedef enum _SN_BUG {
  SN_BUG_NONE = 0,
  SN_BUG_ISR_NO_MASK,
  SN_BUG_SEND_ERROR_PATH_NO_RELEASE,
  SN_BUG_HALT_WITHOUT_DEREGISTER,
  SN_BUG_RX_BUFFER_VIRTUAL_ADDRESS,
  SN_BUG_DPC_SKIPS_REENABLE,
  SN_BUG_DPR_ACQUIRE_PLAIN_RELEASE,
  SN_BUG_SEND_COMPLETE_UNDER_LOCK,
  SN_BUG_REENABLE_OUTSIDE_SYNC,
  SN_BUG_COUNT
} SN_BUG;

/* One RX buffer: 2048 bytes of shared memory, and the NBL (with its NET_BUFFER over Mdl) that
 * carries it up. */
typedef struct _SN_RX_BUFFER {
  PUCHAR Va;
  NDIS_PHYSICAL_ADDRESS Pa;
  PMDL Mdl;
  PNET_BUFFER_LIST Nbl;
  BOOLEAN WithProtocol; /* indicated, not yet returned */
  BOOLEAN OnRing;       /* posted to the device, write-back not taken yet */
} SN_RX_BUFFER, *PSN_RX_BUFFER;

/* Kept on a frame's first descriptor; the other descriptors of the frame have Nb NULL. */
typedef struct _SN_TX_FRAME {
  PNET_BUFFER Nb;
  PSCATTER_GATHER_LIST Sgl;
  ULONG Descriptors; /* the frame's descriptors; the last one has CMD.EOP and CMD.RS */
  BOOLEAN Coalesced; /* copied into the coalesce buffer of its first descriptor */
} SN_TX_FRAME, *PSN_TX_FRAME;

typedef struct _SN_ADAPTER {
  NDIS_HANDLE AdapterHandle;
  SN_BUG Bug;

  /* Resources and registrations. */
  NDIS_PHYSICAL_ADDRESS Bar0Pa;
  ULONG Bar0Length;
  PUCHAR Bar0;
  BOOLEAN MessageBased; /* PnP gave a message interrupt, and NDIS connected it as one */
  NDIS_HANDLE InterruptHandle;
  BOOLEAN InterruptRegistered;
  PIO_INTERRUPT_MESSAGE_INFO MessageInfo;
  NDIS_HANDLE DmaHandle;
  ULONG SgListBytes;
  NDIS_HANDLE RxNblPool;
  NDIS_HANDLE ResetWorkItem;
  BOOLEAN LocksAllocated;

  NDIS_SPIN_LOCK Lock;
  NDIS_SPIN_LOCK SendLock;
  NDIS_SPIN_LOCK RcvLock;

  /* ISR to DPC: causes the ISR acknowledged and no DPC fetched yet. DIRQL only. */
  ULONG SavedCause;

  /* TX ring, under SendLock. */
  PUCHAR TxDescVa;
  NDIS_PHYSICAL_ADDRESS TxDescPa;
  PUCHAR TxCoalesceVa; /* SN_TX_COALESCE_BYTES per descriptor */
  NDIS_PHYSICAL_ADDRESS TxCoalescePa;
  PUCHAR TxSgBlock; /* SgListBytes per descriptor: the SG list of the frame starting there */
  SN_TX_FRAME TxFrame[SN_TX_DESCRIPTORS];
  ULONG TxNextToUse;
  ULONG TxNextToClean;
  ULONG TxFreeDescriptors;
  PNET_BUFFER_LIST TxWaitHead; /* NBLs whose frames are not all on the ring yet */
  PNET_BUFFER_LIST TxWaitTail;
  PNET_BUFFER TxWaitNextNb; /* the next frame of TxWaitHead to post */
  ULONG TxStalledChecks;    /* check-for-hang runs that saw the ring busy and not moving */
  ULONG TxLastClean;

  /* RX ring, under RcvLock. */
  PUCHAR RxDescVa;
  NDIS_PHYSICAL_ADDRESS RxDescPa;
  PUCHAR RxBufferVa;
  NDIS_PHYSICAL_ADDRESS RxBufferPa;
  SN_RX_BUFFER RxBuffer[SN_RX_BUFFERS];
  PSN_RX_BUFFER RxSlot[SN_RX_DESCRIPTORS]; /* the buffer posted at each descriptor */
  ULONG RxNextToUse;                       /* the tail: next descriptor to post */
  ULONG RxNextToClean;                     /* next descriptor a write-back is expected in */

  /* Under Lock. */
  BOOLEAN Halting;
  BOOLEAN Paused;       /* sends are refused, receives stay in the ring */
  BOOLEAN PausePending; /* MiniportPause returned NDIS_STATUS_PENDING */
  BOOLEAN Resetting;
  BOOLEAN RxMorePending; /* the last DPC ran out of budget with frames left */
  ULONG DpcsInFlight;
  ULONG TxOutstanding;  /* NBLs MiniportSendNetBufferLists took and has not completed */
  ULONG RxWithProtocol; /* receive NBLs indicated (or reserved to be) and not returned */
  ULONG PacketFilter;
  NDIS_MEDIA_CONNECT_STATE MediaConnectState;

  /* Statistics: RX under RcvLock, TX under SendLock; OIDs read them under the same locks. */
  ULONG64 StatRxOk;
  ULONG64 StatRxErrors; /* frames the NIC flagged, or write-backs that failed validation */
  ULONG64 StatTxOk;
  ULONG64 StatTxErrors;
  UCHAR MacAddress[6];
} SN_ADAPTER, *PSN_ADAPTER;

/* Context of the synchronize callbacks. */
typedef struct _SN_SYNC_CONTEXT {
  PSN_ADAPTER Adapter;
  ULONG Causes; /* in: what to enable or disable; out (fetch): what the ISR had saved */
} SN_SYNC_CONTEXT, *PSN_SYNC_CONTEXT;

static inline BOOLEAN SnHasBug(const SN_ADAPTER *Adapter, SN_BUG Bug) {
  return Adapter->Bug == Bug ? TRUE : FALSE;
}

/* Shared-memory (descriptor and buffer) access. On Windows these are volatile accesses and
 * KeMemoryBarrier; nicsim's checked accessors also see whether the device owns the memory. */
#define SnReadShared64(Address) NicsimReadSharedUlong64(Address)
#define SnWriteShared64(Address, Value) NicsimWriteSharedUlong64((Address), (Value))
#define SnCopyToShared(Destination, Source, Length) \
  NicsimMoveToShared((Destination), (Source), (Length))
#define SnGiveToDevice(Va, Length) NicsimSyncBufferForDevice((Va), (Length))
#define SnTakeFromDevice(Va, Length) NicsimSyncBufferForCpu((Va), (Length))

/* A descriptor's 64-bit word QWORD, and a field of it (DESC_<kind>_<field>_SHIFT / _MASK). */
#define SN_DESC_WORD(Desc, Qword) ((Desc) + (Qword) * sizeof(ULONG64))
#define SN_DESC_FIELD(Word, Kind, Field)                          \
  ((ULONG)(((Word) >> SIMPLE_NIC_DESC_##Kind##_##Field##_SHIFT) & \
           SIMPLE_NIC_DESC_##Kind##_##Field##_MASK))
#define SN_DESC_MAKE(Kind, Field, Value)                          \
  ((((ULONG64)(Value)) & SIMPLE_NIC_DESC_##Kind##_##Field##_MASK) \
   << SIMPLE_NIC_DESC_##Kind##_##Field##_SHIFT)

/* sn_hw.c: registers, rings, device start and stop. */
ULONG SnReadRegister(PSN_ADAPTER Adapter, ULONG Offset);
VOID SnWriteRegister(PSN_ADAPTER Adapter, ULONG Offset, ULONG Value);
NDIS_STATUS SnCheckIdentity(PSN_ADAPTER Adapter);
NDIS_STATUS SnRegisterDma(PSN_ADAPTER Adapter);
VOID SnDeregisterDma(PSN_ADAPTER Adapter);
NDIS_STATUS SnAllocateRings(PSN_ADAPTER Adapter);
VOID SnFreeRings(PSN_ADAPTER Adapter);
VOID SnProgramRings(PSN_ADAPTER Adapter);
VOID SnProgramInterruptMode(PSN_ADAPTER Adapter);
VOID SnStartDevice(PSN_ADAPTER Adapter);
VOID SnStopDevice(PSN_ADAPTER Adapter);

/* sn_interrupt.c */
NDIS_STATUS SnRegisterInterrupt(PSN_ADAPTER Adapter);
VOID SnDeregisterInterrupt(PSN_ADAPTER Adapter);
VOID SnEnableInterruptsSync(PSN_ADAPTER Adapter);
VOID SnDisableInterruptsSync(PSN_ADAPTER Adapter);
VOID SnWaitForDpcs(PSN_ADAPTER Adapter);

/* sn_send.c */
MINIPORT_SEND_NET_BUFFER_LISTS SnSendNetBufferLists;
MINIPORT_PROCESS_SG_LIST SnProcessSendSgList;
MINIPORT_CANCEL_SEND SnCancelSend;
VOID SnHandleSendComplete(PSN_ADAPTER Adapter);
VOID SnAbortAllSends(PSN_ADAPTER Adapter);
BOOLEAN SnTxStalled(PSN_ADAPTER Adapter);

/* sn_recv.c */
VOID SnPostAllRxBuffers(PSN_ADAPTER Adapter);
BOOLEAN SnHandleReceive(PSN_ADAPTER Adapter, ULONG Budget);
MINIPORT_RETURN_NET_BUFFER_LISTS SnReturnNetBufferLists;

/* sn_lifecycle.c: pause, restart, check-for-hang, reset, shutdown, PnP; the data-path counts. */
MINIPORT_PAUSE SnPause;
MINIPORT_RESTART SnRestart;
MINIPORT_CHECK_FOR_HANG SnCheckForHangEx;
MINIPORT_RESET SnResetEx;
MINIPORT_SHUTDOWN SnShutdownEx;
MINIPORT_DEVICE_PNP_EVENT_NOTIFY SnDevicePnPEventNotify;
/* Counts NBLs done (sends completed, receives returned or never indicated) and completes a
 * pending pause when nothing is out any more. Takes Lock; IRQL <= DISPATCH_LEVEL. */
VOID SnDataPathDone(PSN_ADAPTER Adapter, ULONG Sends, ULONG Receives);
VOID SnIndicateLinkState(PSN_ADAPTER Adapter);

/* sn_oid.c */
MINIPORT_OID_REQUEST SnOidRequest;
MINIPORT_CANCEL_OID_REQUEST SnCancelOidRequest;
extern const NDIS_OID SnSupportedOids[];
extern const ULONG SnSupportedOidsBytes;

#endif /* SN_ADAPTER_H_ */
