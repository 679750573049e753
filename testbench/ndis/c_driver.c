/* c_driver.c: a tiny NDIS 6 miniport in plain C (C11), written against <ndis.h> alone the way a
 * C driver team writes one, for an imaginary device (c_driver.h has its register map).
 *
 * It registers with NdisMRegisterMiniportDriver; initialize walks the allocated resources (the
 * memory BAR and the interrupt, line- or message-based), maps BAR0, registers its interrupt and
 * scatter-gather DMA, and builds receive NBLs over shared memory; the ISR masks and acknowledges
 * the device and hands the cause to the DPC, which completes sends and indicates receives; halt
 * undoes all of it. Along the way it uses every function and function-like macro <ndis.h>
 * declares: check_c_driver_coverage.py fails the build's tests when one goes unused, so this file
 * keeps proving that the whole header compiles and links as C.
 *
 * The tests can make it commit mistakes (CDriverSetMistake); each mistaken call carries a
 * C_DRIVER_MISTAKE(<name>) comment on its line, which c_driver_test.cc looks up. */
/* Written the way WDK drivers are, SAL annotations on their own lines: keep it so. */
/* clang-format off */
#include <ndis.h>

#include "c_driver.h"

/* The pool tag "Cdrv": a multi-character constant ('vrdC') draws -Wmultichar from gcc. */
#define C_DRIVER_TAG ((ULONG)'C' | ((ULONG)'d' << 8) | ((ULONG)'r' << 16) | ((ULONG)'v' << 24))

#define C_TX_RING_SIZE 16
#define C_RX_BUFFERS 4
#define C_RX_BUFFER_SIZE 2048
#define C_RX_DEFAULT_FRAME 60
#define C_RX_CONTEXT_SIZE 16
#define C_RES_BUFFER_SIZE 128
#define C_MAX_FRAME 1514
#define C_COMPLETION_BUDGET 64
#define C_CTRL_RESET 0x1
#define C_CTRL_ENABLE 0x2
#define C_ETH_HEADER 14

/* One TX descriptor in the shared ring the device reads. */
typedef struct _C_TX_DESCRIPTOR {
  ULONG64 Address;
  ULONG Length;
  ULONG Status; /* written by the device when done */
} C_TX_DESCRIPTOR, *PC_TX_DESCRIPTOR;
C_ASSERT(sizeof(C_TX_DESCRIPTOR) == 16);
C_ASSERT(FIELD_OFFSET(C_TX_DESCRIPTOR, Status) == 12);
C_ASSERT(RTL_SIZEOF_THROUGH_FIELD(C_TX_DESCRIPTOR, Length) == 12);
/* An NBL the miniport owns is linked through its MiniportReserved. */
C_ASSERT(RTL_FIELD_SIZE(NET_BUFFER_LIST, MiniportReserved) >= sizeof(LIST_ENTRY));
/* NDIS_STRING_CONST takes 16-bit literals only. */
C_ASSERT(NICSIM_WIDE_LITERAL_CHECK(u"Cdrv") == 0);

/* NET_BUFFER MiniportReserved slots while an NB is in flight. */
#define C_NB_SG_LIST 0
#define C_NB_ADAPTER 1
#define C_NB_FIRST_SLOT 2
#define C_NB_SLOTS 3
#define C_NBL_LINK(Nbl) ((PLIST_ENTRY)NET_BUFFER_LIST_MINIPORT_RESERVED(Nbl))
#define C_LINK_NBL(Entry) CONTAINING_RECORD((Entry), NET_BUFFER_LIST, MiniportReserved)

/* Register pointers inside the mapped BAR0. */
#define C_REG(a, Offset) ((volatile ULONG *)((a)->Bar0 + (Offset)))
#define C_REG16(a, Offset) ((volatile USHORT *)((a)->Bar0 + (Offset)))
#define C_REG8(a, Offset) ((volatile UCHAR *)((a)->Bar0 + (Offset)))
#define C_PORT(a, Offset) ((ULONG_PTR)(a)->PortBase + (Offset))

/* An I/O work item and the event its routine signals when it ran. */
typedef struct _C_WORK {
  NDIS_HANDLE Handle;
  LONG volatile Queued;
  NDIS_EVENT Done;
} C_WORK, *PC_WORK;

typedef struct _C_RX_BUFFER {
  LIST_ENTRY Link;
  PNET_BUFFER_LIST Nbl;
  PMDL Mdl;
  _Field_size_bytes_(C_RX_BUFFER_SIZE) PVOID Va;
  NDIS_PHYSICAL_ADDRESS Pa;
} C_RX_BUFFER, *PC_RX_BUFFER;

typedef struct _C_ADAPTER {
  NDIS_HANDLE AdapterHandle;

  /* Hardware. */
  NDIS_PHYSICAL_ADDRESS Bar0Pa;
  ULONG Bar0Length;
  _Field_size_bytes_(Bar0Length) PUCHAR Bar0;
  PVOID PortBase;
  BOOLEAN PortsRegistered;
  USHORT DeviceId;
  UCHAR Revision;
  ULONG LineShare;
  KAFFINITY LineAffinity;
  _Field_range_(0, NDIS_MAX_INTERRUPT_MESSAGES) ULONG MessageCount;
  KAFFINITY MessageAffinity[NDIS_MAX_INTERRUPT_MESSAGES];
  NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS InterruptChars;
  NDIS_HANDLE Interrupt;
  BOOLEAN MessageBased;
  NDIS_HANDLE DmaHandle;
  ULONG SgListSize;

  /* Locks. */
  BOOLEAN LocksAllocated;
  NDIS_SPIN_LOCK SendLock;
  NDIS_SPIN_LOCK RecvLock;
  NDIS_SPIN_LOCK TxListLock;
  KSPIN_LOCK StatsLock;
  KSPIN_LOCK TimerLock;
  PNDIS_RW_LOCK_EX ConfigLock;
  PNDIS_RW_LOCK_EX FilterLock;

  /* ISR to DPC: the causes the ISR acknowledged, handed over lock-free. */
  LONG volatile IsrCause;

  /* Transmit. */
  _Guarded_by_(TxListLock) LIST_ENTRY TxPending;
  _Field_size_(C_TX_RING_SIZE) PC_TX_DESCRIPTOR TxRing;
  NDIS_PHYSICAL_ADDRESS TxRingPa;
  LONG volatile TxNext;
  LONG OutstandingSends;
  _Guarded_by_(SendLock) ULONG SendsInProgress;
  ULONG BytesQueued; /* NdisInterlockedAddUlong under SendLock */
  UCHAR LastDestination[6];
  ULONG OffsetMismatches;
  ULONG Multicasts;

  /* Receive. */
  NDIS_HANDLE RxNblPool;
  _Field_size_(C_RX_BUFFERS) C_RX_BUFFER Rx[C_RX_BUFFERS];
  ULONG RxAllocated;
  _Guarded_by_(RecvLock) LIST_ENTRY RxFree;
  LONG volatile RxOutstanding;
  ULONG RxNoBuffer;
  /* A receive NBL built from its parts (NBL pool without NBs, NB pool, MDL, ordinary memory),
   * indicated with NDIS_RECEIVE_FLAGS_RESOURCES: the protocol copies it at once. */
  NDIS_HANDLE ResNblPool;
  NDIS_HANDLE ResNbPool;
  PNET_BUFFER_LIST ResNbl;
  PNET_BUFFER ResNb;
  PMDL ResMdl;
  PVOID ResVa;
  PVOID Scratch;
  ULONG ScratchLength;

  /* Deferred work. */
  NDIS_HANDLE Timer;
  _Guarded_by_(TimerLock) ULONG TimerTicks;
  BOOLEAN DpcsInitialized;
  KDPC HousekeepingDpc;
  KDPC ResetDpc;
  C_WORK Housekeeping;
  C_WORK RestartWork;
  C_WORK OidWork;
  LONG64 volatile LastHousekeeping;
  ULONG HousekeepingCpu;
  ULONG HousekeepingIrql;
  _Guarded_by_(StatsLock) ULONG64 StatsSnapshots;

  /* Configuration (registry keywords). */
  _Guarded_by_(ConfigLock) ULONG RxFrameDefault;
  _Guarded_by_(ConfigLock) ULONG Moderation;
  BOOLEAN NetworkAddressOverride;

  /* NDIS state. */
  LONG volatile Paused;
  LONG volatile PausePending;
  PVOID volatile PendingOid; /* PNDIS_OID_REQUEST */
  _Guarded_by_(FilterLock) ULONG PacketFilter;
  ULONG Lookahead;
  BOOLEAN SurpriseRemoved;
  LONG volatile RemovalRequested; /* NdisMRemoveMiniport called */
  UCHAR MacAddress[6];
} C_ADAPTER, *PC_ADAPTER;

/* A status in the WDK's success convention, for the helpers below. */
typedef _Return_type_success_(return >= 0) LONG C_STATUS;

static NDIS_HANDLE g_DriverHandle;
static C_DRIVER_COUNTERS g_Counters;
static C_DRIVER_MISTAKE g_Mistake;
static PC_ADAPTER g_Adapter;
static const UCHAR g_DefaultMac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

/* ------------------------------------------------------------------------------------------ */
/* Entry points, declared with their WDK role types and annotations.                           */
/* ------------------------------------------------------------------------------------------ */
MINIPORT_INITIALIZE CDriverInitializeEx;
MINIPORT_HALT CDriverHaltEx;
MINIPORT_SEND_NET_BUFFER_LISTS CDriverSendNetBufferLists;
MINIPORT_RETURN_NET_BUFFER_LISTS CDriverReturnNetBufferLists;
MINIPORT_ISR CDriverIsr;
MINIPORT_INTERRUPT_DPC CDriverDpc;
MINIPORT_ENABLE_INTERRUPT CDriverEnableInterrupt;
MINIPORT_DISABLE_INTERRUPT CDriverDisableInterrupt;
MINIPORT_MESSAGE_INTERRUPT CDriverMessageIsr;
MINIPORT_MESSAGE_INTERRUPT_DPC CDriverMessageDpc;
MINIPORT_ENABLE_MESSAGE_INTERRUPT CDriverEnableMessageInterrupt;
MINIPORT_DISABLE_MESSAGE_INTERRUPT CDriverDisableMessageInterrupt;
MINIPORT_SYNCHRONIZE_INTERRUPT CDriverSyncUnmask;
MINIPORT_SYNCHRONIZE_INTERRUPT CDriverSyncMask;
MINIPORT_PROCESS_SG_LIST CDriverProcessSGList;
MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE CDriverSharedMemAllocateComplete;
NDIS_TIMER_FUNCTION CDriverTimer;
KDEFERRED_ROUTINE CDriverHousekeepingDpc;
KDEFERRED_ROUTINE CDriverResetDpc;
NDIS_IO_WORKITEM_FUNCTION CDriverHousekeepingWork;
SET_OPTIONS CDriverSetOptions;
MINIPORT_UNLOAD CDriverMiniportUnload;
MINIPORT_PAUSE CDriverPause;
MINIPORT_RESTART CDriverRestart;
MINIPORT_OID_REQUEST CDriverOidRequest;
MINIPORT_DIRECT_OID_REQUEST CDriverDirectOidRequest;
MINIPORT_CANCEL_OID_REQUEST CDriverCancelOidRequest;
MINIPORT_CANCEL_DIRECT_OID_REQUEST CDriverCancelDirectOidRequest;
MINIPORT_CANCEL_SEND CDriverCancelSend;
MINIPORT_CHECK_FOR_HANG CDriverCheckForHang;
MINIPORT_RESET CDriverResetEx;
MINIPORT_DEVICE_PNP_EVENT_NOTIFY CDriverDevicePnPEventNotify;
MINIPORT_SHUTDOWN CDriverShutdownEx;
NDIS_IO_WORKITEM_FUNCTION CDriverRestartWork;
NDIS_IO_WORKITEM_FUNCTION CDriverOidWork;

/* Sections: Windows discards INIT code after DriverEntry and may page out PAGE code. */
NDIS_INIT_FUNCTION(CDriverEntry)
NDIS_PAGEABLE_FUNCTION(CDriverInitializeEx)
NDIS_PAGEABLE_FUNCTION(CDriverHaltEx)
NDIS_PAGABLE_FUNCTION(CDriverHousekeepingWork)

/* ------------------------------------------------------------------------------------------ */
/* Small helpers with the SAL a WDK driver puts on them.                                       */
/* ------------------------------------------------------------------------------------------ */
_IRQL_requires_max_(DISPATCH_LEVEL)
_Ret_notnull_ static PC_TX_DESCRIPTOR CDriverTxSlot(_In_ PC_ADAPTER a,
                                                    _In_range_(0, C_TX_RING_SIZE - 1) ULONG Slot) {
  return a->TxRing + Slot;
}

/* The receive free list's lock, taken at the IRQL the caller runs at. */
_IRQL_requires_max_(DISPATCH_LEVEL)
_IRQL_raises_(DISPATCH_LEVEL)
__drv_raisesIRQL(DISPATCH_LEVEL)
_IRQL_saves_global_(NdisSpinLock, a)
_Requires_lock_not_held_(a->RecvLock)
_Acquires_lock_(a->RecvLock)
_When_(AtDispatch, _IRQL_requires_(DISPATCH_LEVEL))
static VOID CDriverLockRecv(_Inout_ PC_ADAPTER a, BOOLEAN AtDispatch) {
  if (AtDispatch)
    NdisDprAcquireSpinLock(&a->RecvLock);
  else
    NdisAcquireSpinLock(&a->RecvLock);
}

_IRQL_requires_(DISPATCH_LEVEL)
_IRQL_restores_global_(NdisSpinLock, a)
_Requires_lock_held_(a->RecvLock)
_Releases_lock_(a->RecvLock)
static VOID CDriverUnlockRecv(_Inout_ PC_ADAPTER a, BOOLEAN AtDispatch) {
  if (AtDispatch)
    NdisDprReleaseSpinLock(&a->RecvLock);
  else
    NdisReleaseSpinLock(&a->RecvLock);
}

/* The packet filter under its reader/writer lock (written by the filter OID). */
_IRQL_requires_max_(DISPATCH_LEVEL)
_Acquires_shared_lock_(a->FilterLock)
_Releases_shared_lock_(a->FilterLock)
static ULONG CDriverReadFilter(_In_ PC_ADAPTER a) {
  LOCK_STATE_EX state;
  ULONG filter;
  UCHAR flags = KeGetCurrentIrql() == DISPATCH_LEVEL ? NDIS_RWL_AT_DISPATCH_LEVEL : 0;
  NdisAcquireRWLockRead(a->FilterLock, &state, flags);
  filter = a->PacketFilter;
  NdisReleaseRWLock(a->FilterLock, &state);
  return filter;
}

_IRQL_requires_max_(DISPATCH_LEVEL)
_Acquires_exclusive_lock_(a->FilterLock)
_Releases_exclusive_lock_(a->FilterLock)
static VOID CDriverWriteFilter(_Inout_ PC_ADAPTER a, ULONG Filter) {
  LOCK_STATE_EX state;
  UCHAR flags = NDIS_CURRENT_IRQL() == DISPATCH_LEVEL ? NDIS_RWL_AT_DISPATCH_LEVEL : 0;
  NdisAcquireRWLockWrite(a->FilterLock, &state, flags);
  a->PacketFilter = Filter;
  NdisReleaseRWLock(a->FilterLock, &state);
}


/* Copies an OID's answer out, or says how much room it needs. */
_Success_(return == NDIS_STATUS_SUCCESS)
static NDIS_STATUS CDriverCopyOut(_Out_writes_bytes_to_(Room, *Written) PVOID Buffer, UINT Room,
                                  _In_reads_bytes_(Length) const VOID *Source, UINT Length,
                                  _Out_ PUINT Written, _Out_ PUINT Needed) {
  *Needed = Length;
  *Written = 0;
  if (Room < Length) return NDIS_STATUS_BUFFER_TOO_SHORT;
  NdisMoveMemory(Buffer, Source, Length);
  *Written = Length;
  return NDIS_STATUS_SUCCESS;
}


/* Fills the unused tail of a buffer (frame padding). */
static VOID CDriverPad(_Out_writes_bytes_(Length) PUCHAR Buffer, ULONG Length, UCHAR Fill) {
  NdisFillMemory(Buffer, Length, Fill);
}

/* Copies a MAC address, when there is one. */
static VOID CDriverCopyMac(_Out_writes_opt_(6) PUCHAR Destination,
                           _In_reads_opt_(6) const UCHAR *Source) {
  if (Destination && Source) NdisMoveMemory(Destination, Source, 6);
}

/* Byte-wise checksum over up to Length bytes of an optional buffer. */
static ULONG CDriverSum(_In_reads_bytes_opt_(Length) const UCHAR *Data, ULONG Length) {
  ULONG sum = 0, i;
  if (!Data) return 0;
  for (i = 0; i < Length; ++i) sum += Data[i];
  return sum;
}

/* Clears an optional output buffer. */
static VOID CDriverClear(_Out_writes_bytes_opt_(Length) PVOID Buffer, ULONG Length) {
  if (Buffer) NdisZeroMemory(Buffer, Length);
}

/* Writes Count ULONGs of the OID list into Oids; how many fit comes back in Copied. */
static VOID CDriverListOids(_Out_writes_to_(Room, *Copied) PNDIS_OID Oids, ULONG Room,
                            _In_reads_(Count) const NDIS_OID *Source, ULONG Count,
                            _Out_ PULONG Copied) {
  ULONG i;
  for (i = 0; i < Count && i < Room; ++i) Oids[i] = Source[i];
  *Copied = i;
}

/* Byte-swaps a MAC address in place (the device stores it reversed in its port window). */
static VOID CDriverSwapMac(_Inout_updates_(6) PUCHAR Mac) {
  UCHAR t;
  ULONG i;
  for (i = 0; i < 3; ++i) {
    t = Mac[i];
    Mac[i] = Mac[5 - i];
    Mac[5 - i] = t;
  }
}

/* XORs a key into a buffer (the device's hash seed). */
static VOID CDriverMix(_Inout_updates_bytes_(Length) PUCHAR Buffer, ULONG Length, UCHAR Key) {
  ULONG i;
  for (i = 0; i < Length; ++i) Buffer[i] ^= Key;
}

/* Returns the adapter's scratch block (shared-data aligned) and its size. */
_Success_(return != FALSE)
static BOOLEAN CDriverScratch(_In_ PC_ADAPTER a,
                              _Outptr_result_bytebuffer_(*Length) PVOID *Buffer,
                              _Out_ PULONG Length) {
  if (!a->Scratch) return FALSE;
  *Buffer = a->Scratch;
  *Length = a->ScratchLength;
  return TRUE;
}

/* The receive buffers, as an array the halt path walks. */
static VOID CDriverRxArray(_In_ PC_ADAPTER a, _Outptr_result_buffer_(*Count) PC_RX_BUFFER *Buffers,
                           _Out_range_(0, C_RX_BUFFERS) PULONG Count) {
  *Buffers = a->Rx;
  *Count = a->RxAllocated;
}

/* Ordinary memory for the driver, zeroed; NULL when the pool is out. */
__drv_allocatesMem(Mem)
_Must_inspect_result_
_Post_writable_byte_size_(Length)
static PVOID CDriverAllocate(_In_ NDIS_HANDLE Handle, _In_range_(1, MAXULONG) UINT Length,
                             EX_POOL_PRIORITY Priority) {
  PVOID p = NdisAllocateMemoryWithTagPriority(Handle, Length, C_DRIVER_TAG, Priority);
  if (p) NdisZeroMemory(p, Length);
  return p;
}

__drv_freesMem(Mem)
static VOID CDriverFree(_In_ _Frees_ptr_ PVOID Va, UINT Length) { NdisFreeMemory(Va, Length, 0); }

/* The configuration handle is a kernel resource: opened, used, closed at PASSIVE_LEVEL. */
_IRQL_requires_(PASSIVE_LEVEL)
_Kernel_acquires_resource_(NdisConfiguration)
__drv_acquiresResource(NdisConfiguration)
static NDIS_STATUS CDriverOpenConfig(_In_ PC_ADAPTER a, _Out_ PNDIS_HANDLE Config) {
  NDIS_CONFIGURATION_OBJECT object;
  NdisZeroMemory(&object, sizeof object);
  object.Header.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT;
  object.Header.Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1;
  object.Header.Size = (USHORT)NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1;
  object.NdisHandle = a->AdapterHandle;
  object.Flags = 0;
  return NdisOpenConfigurationEx(&object, Config);
}

_IRQL_requires_(PASSIVE_LEVEL)
_Kernel_releases_resource_(NdisConfiguration)
__drv_releasesResource(NdisConfiguration)
static VOID CDriverCloseConfig(_In_ NDIS_HANDLE Config) { NdisCloseConfiguration(Config); }

/* One keyword as a number of the given base; FALSE when absent or malformed. */
_IRQL_requires_(PASSIVE_LEVEL)
_Kernel_requires_resource_held_(NdisConfiguration)
__drv_mustHold(NdisConfiguration)
_Success_(return != FALSE)
static BOOLEAN CDriverReadNumber(_In_ NDIS_HANDLE Config, _In_ PNDIS_STRING Keyword,
                                 NDIS_PARAMETER_TYPE Type, _Out_ PULONG Value) {
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  PNDIS_CONFIGURATION_PARAMETER parameter = NULL;
  NdisReadConfiguration(&status, &parameter, Config, Keyword, Type);
  if (!NT_SUCCESS(status) || status != NDIS_STATUS_SUCCESS || !parameter) return FALSE;
  *Value = parameter->ParameterData.IntegerData;
  InterlockedIncrement(&g_Counters.ConfigValuesRead);
  return TRUE;
}

/* ------------------------------------------------------------------------------------------ */
/* DriverEntry and unload                                                                      */
/* ------------------------------------------------------------------------------------------ */
_Function_class_(DRIVER_INITIALIZE)
_IRQL_requires_(PASSIVE_LEVEL)
_IRQL_always_function_max_(PASSIVE_LEVEL)
_Kernel_clear_do_init_(__yes)
__drv_requiresIRQL(PASSIVE_LEVEL)
NDIS_STATUS CDriverEntry(_In_ PVOID DriverObject, _In_ PVOID RegistryPath) {
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS chars;
  NDIS_STATUS status;

  NdisZeroMemory(&g_Counters, sizeof g_Counters);
  g_Adapter = NULL;
  NdisZeroMemory(&chars, sizeof chars);
  chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
  chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
  chars.Header.Size = (USHORT)sizeof chars;
  chars.MajorNdisVersion = 6;
  chars.MinorNdisVersion = 30;
  chars.MajorDriverVersion = 1;
  chars.MinorDriverVersion = 0;
  chars.Flags = 0;
  chars.InitializeHandlerEx = CDriverInitializeEx;
  chars.HaltHandlerEx = CDriverHaltEx;
  chars.SendNetBufferListsHandler = CDriverSendNetBufferLists;
  chars.ReturnNetBufferListsHandler = CDriverReturnNetBufferLists;
  chars.SetOptionsHandler = CDriverSetOptions;
  chars.UnloadHandler = CDriverMiniportUnload;
  chars.PauseHandler = CDriverPause;
  chars.RestartHandler = CDriverRestart;
  chars.OidRequestHandler = CDriverOidRequest;
  chars.DirectOidRequestHandler = CDriverDirectOidRequest;
  chars.CancelOidRequestHandler = CDriverCancelOidRequest;
  chars.CancelDirectOidRequestHandler = CDriverCancelDirectOidRequest;
  chars.CancelSendHandler = CDriverCancelSend;
  chars.CheckForHangHandlerEx = CDriverCheckForHang;
  chars.ResetHandlerEx = CDriverResetEx;
  chars.DevicePnPEventNotifyHandler = CDriverDevicePnPEventNotify;
  chars.ShutdownHandlerEx = CDriverShutdownEx;
  status = NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &chars, &g_DriverHandle);
  ASSERTMSG("NdisMRegisterMiniportDriver failed", NT_SUCCESS(status));
  return status;
}

VOID CDriverUnload(VOID) {
  PAGED_CODE();
  InterlockedIncrement(&g_Counters.Unloads);
  NdisMDeregisterMiniportDriver(g_DriverHandle);
  g_DriverHandle = NULL;
}

VOID CDriverSetMistake(C_DRIVER_MISTAKE Mistake) { g_Mistake = Mistake; }

VOID CDriverGetCounters(C_DRIVER_COUNTERS *Counters) {
  NdisMoveMemory(Counters, &g_Counters, sizeof *Counters);
}

PIO_INTERRUPT_MESSAGE_INFO CDriverMessageInfo(VOID) {
  return g_Adapter && g_Adapter->MessageBased ? g_Adapter->InterruptChars.MessageInfoTable : NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Work items: queue once, flush before free.                                                  */
/* ------------------------------------------------------------------------------------------ */
_IRQL_requires_max_(DISPATCH_LEVEL)
static BOOLEAN CDriverQueueWork(_Inout_ PC_WORK Work, _In_ NDIS_IO_WORKITEM_ROUTINE Routine,
                                _In_ PVOID Context) {
  if (!Work->Handle || InterlockedCompareExchange(&Work->Queued, 1, 0) != 0) return FALSE;
  NdisResetEvent(&Work->Done);
  NdisQueueIoWorkItem(Work->Handle, Routine, Context);
  return TRUE;
}

/* Called last by each routine. */
static VOID CDriverWorkDone(_Inout_ PC_WORK Work) {
  InterlockedExchange(&Work->Queued, 0);
  NdisSetEvent(&Work->Done);
}

_IRQL_requires_(PASSIVE_LEVEL)
static VOID CDriverFreeWork(_Inout_ PC_WORK Work) {
  if (!Work->Handle) return;
  if (InterlockedCompareExchange(&Work->Queued, 0, 0) != 0)
    (void)NdisWaitEvent(&Work->Done, 1000); /* the routine is queued or running */
  NdisFreeIoWorkItem(Work->Handle);
  Work->Handle = NULL;
}

/* ------------------------------------------------------------------------------------------ */
/* Initialize                                                                                  */
/* ------------------------------------------------------------------------------------------ */
/* The memory BAR and the interrupt, line- or message-based, as PnP assigned them. */
_IRQL_requires_(PASSIVE_LEVEL)
static NDIS_STATUS CDriverFindResources(_Inout_ PC_ADAPTER a, _In_opt_ PNDIS_RESOURCE_LIST List) {
  ULONG i;
  BOOLEAN line = FALSE;
  if (!List) return NDIS_STATUS_RESOURCES;
  for (i = 0; i < List->Count; ++i) {
    PCM_PARTIAL_RESOURCE_DESCRIPTOR d = &List->PartialDescriptors[i];
    switch (d->Type) {
      case CmResourceTypeMemory:
        if (a->Bar0Length == 0 && d->u.Memory.Length >= 0x1000) {
          a->Bar0Pa = d->u.Memory.Start;
          a->Bar0Length = d->u.Memory.Length;
        }
        break;
      case CmResourceTypeInterrupt:
        if (d->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) {
          if (a->MessageCount < NDIS_MAX_INTERRUPT_MESSAGES)
            a->MessageAffinity[a->MessageCount++] = d->u.MessageInterrupt.Translated.Affinity;
        } else {
          line = TRUE;
          a->LineAffinity = d->u.Interrupt.Affinity;
          a->LineShare = d->ShareDisposition == CmResourceShareShared
                             ? CmResourceShareShared
                             : CmResourceShareDeviceExclusive;
          ASSERT((d->Flags & CM_RESOURCE_INTERRUPT_LATCHED) ==
                 CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE);
        }
        break;
      case CmResourceTypePort:
      case CmResourceTypeDma:
      case CmResourceTypeBusNumber:
      case CmResourceTypeDeviceSpecific:
      case CmResourceTypeNull:
      default:
        break; /* this device has none of those */
    }
  }
  if (a->Bar0Length == 0 || (!line && a->MessageCount == 0)) return NDIS_STATUS_RESOURCES;
  return NDIS_STATUS_SUCCESS;
}

/* Registry keywords: RxFrameLength (decimal), InterruptModeration (hex), NetworkAddress. */
_IRQL_requires_(PASSIVE_LEVEL)
static VOID CDriverReadConfiguration(_Inout_ PC_ADAPTER a) {
  NDIS_HANDLE config = NULL;
  NDIS_STATUS status;
  NDIS_STRING frameKeyword = NDIS_STRING_CONST("RxFrameLength");
  NDIS_STRING moderationKeyword = RTL_CONSTANT_STRING(u"InterruptModeration");
  NDIS_STRING addressKeyword;
  NDIS_STRING expectedAddress = NDIS_STRING_CONST("02-00-00-00-00-01");
  NDIS_STRING descriptionKeyword;
  NDIS_STRING descriptionAlias = NDIS_STRING_CONST("DRIVERDESC");
  NDIS_CONFIGURATION_PARAMETER written;
  PNDIS_CONFIGURATION_PARAMETER value = NULL;
  ULONG number = 0;

  a->RxFrameDefault = C_RX_DEFAULT_FRAME;
  a->Moderation = 0;
  CDriverCopyMac(a->MacAddress, g_DefaultMac);
  NdisInitUnicodeString(&addressKeyword, u"NetworkAddress");
  RtlInitUnicodeString(&descriptionKeyword, u"DriverDesc");
  /* Keywords compare without case, as the registry's do. */
  ASSERT(RtlEqualUnicodeString(&descriptionKeyword, &descriptionAlias, TRUE));
  if (!NdisEqualUnicodeString(&descriptionKeyword, &descriptionAlias, TRUE)) return;

  status = CDriverOpenConfig(a, &config);
  if (status != NDIS_STATUS_SUCCESS) return;
  if (CDriverReadNumber(config, &frameKeyword, NdisParameterInteger, &number) && number >= 14 &&
      number <= C_RX_BUFFER_SIZE)
    a->RxFrameDefault = number;
  if (CDriverReadNumber(config, &moderationKeyword, NdisParameterHexInteger, &number))
    a->Moderation = number;

  NdisReadConfiguration(&status, &value, config, &addressKeyword, NdisParameterString);
  if (status == NDIS_STATUS_SUCCESS && value && value->ParameterType == NdisParameterString) {
    NDIS_STRING upper = value->ParameterData.StringData;
    InterlockedIncrement(&g_Counters.ConfigValuesRead);
    /* "02-00-..." in any case: the first hex digit upper-cased is still itself. */
    if (upper.Length >= sizeof(WCHAR) &&
        RtlUpcaseUnicodeChar(upper.Buffer[0]) == (WCHAR)'0' &&
        (NdisEqualString(&value->ParameterData.StringData, &expectedAddress, TRUE) ||
         RtlEqualUnicodeString(&value->ParameterData.StringData, &expectedAddress, FALSE)))
      a->NetworkAddressOverride = TRUE;
  }

  /* The keyword file is read-only: writing back is refused, and that is fine. */
  NdisZeroMemory(&written, sizeof written);
  written.ParameterType = NdisParameterInteger;
  written.ParameterData.IntegerData = a->RxFrameDefault;
  NdisWriteConfiguration(&status, config, &frameKeyword, &written);
  ASSERT(status == NDIS_STATUS_NOT_SUPPORTED || status == NDIS_STATUS_SUCCESS);
  CDriverCloseConfig(config);
}

/* Maps BAR0, resets the device, masks it, registers the port window. */
_IRQL_requires_(PASSIVE_LEVEL)
static NDIS_STATUS CDriverMapHardware(_Inout_ PC_ADAPTER a) {
  PVOID va = NULL;
  ULONG portWord = 0;
  USHORT portHalf = 0;
  UCHAR portByte = 0;
  UCHAR mac[6];
  NDIS_STATUS status;

  status = NdisMMapIoSpace(&va, a->AdapterHandle, a->Bar0Pa, a->Bar0Length);
  if (status != NDIS_STATUS_SUCCESS) return status;
  a->Bar0 = (PUCHAR)va;

  /* Masked before the interrupt is connected: the ISR may run before registration returns. */
  NicsimDeclareInterruptMaskRegister(C_REG(a, C_DRIVER_REG_MASK));
  NdisWriteRegisterUlong(C_REG(a, C_DRIVER_REG_MASK), 1);
  NdisWriteRegisterUlong(C_REG(a, C_DRIVER_REG_CTRL), C_CTRL_RESET);
  NdisStallExecution(10); /* the reset pulse */
  NdisWriteRegisterUlong(C_REG(a, C_DRIVER_REG_CTRL), 0);
  NdisReadRegisterUshort(C_REG16(a, C_DRIVER_REG_ID), &a->DeviceId);
  NdisReadRegisterUchar(C_REG8(a, C_DRIVER_REG_ID + 2), &a->Revision);

  /* The port window: a status word, its halves, and the MAC programming registers. */
  status = NdisMRegisterIoPortRange(&a->PortBase, a->AdapterHandle, C_DRIVER_PORT_BASE,
                                    C_DRIVER_PORT_COUNT);
  if (status != NDIS_STATUS_SUCCESS) return status;
  a->PortsRegistered = TRUE;
  NdisRawReadPortUlong(C_PORT(a, 0), &portWord);
  NdisRawReadPortUshort(C_PORT(a, 4), &portHalf);
  NdisRawReadPortUchar(C_PORT(a, 6), &portByte);
  InterlockedExchangeAdd(&g_Counters.PortReads, 3);
  NdisMoveMemory(mac, a->MacAddress, sizeof mac);
  CDriverSwapMac(mac);
  NdisRawWritePortUlong(C_PORT(a, 8),
                        (ULONG)mac[0] | ((ULONG)mac[1] << 8) | ((ULONG)mac[2] << 16) |
                            ((ULONG)mac[3] << 24));
  NdisRawWritePortUshort(C_PORT(a, 12), (USHORT)(mac[4] | (mac[5] << 8)));
  NdisRawWritePortUchar(C_PORT(a, 14), (UCHAR)(portByte | (UCHAR)(portHalf & 1) |
                                                (UCHAR)(portWord & 2)));
  return NDIS_STATUS_SUCCESS;
}

_IRQL_requires_(PASSIVE_LEVEL)
static NDIS_STATUS CDriverAllocateLocks(_Inout_ PC_ADAPTER a) {
  NdisAllocateSpinLock(&a->SendLock);
  NicsimAllocateSpinLockNamed(&a->RecvLock, "CDriver.RecvLock");
  NdisAllocateSpinLock(&a->TxListLock);
  KeInitializeSpinLock(&a->StatsLock);
  NicsimKeInitializeSpinLockNamed(&a->TimerLock, "CDriver.TimerLock");
  a->LocksAllocated = TRUE;
  a->ConfigLock = NdisAllocateRWLock(a->AdapterHandle);
  a->FilterLock = NicsimAllocateRWLockNamed(a->AdapterHandle, "CDriver.FilterLock");
  InitializeListHead(&a->TxPending);
  NdisInitializeListHead(&a->RxFree);
  return a->ConfigLock && a->FilterLock ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}

/* Receive buffers in shared memory, each behind an MDL and a pool NBL; the resources NBL. */
_IRQL_requires_(PASSIVE_LEVEL)
static NDIS_STATUS CDriverAllocateReceive(_Inout_ PC_ADAPTER a) {
  NET_BUFFER_LIST_POOL_PARAMETERS nblPool;
  NET_BUFFER_POOL_PARAMETERS nbPool;
  ULONG i;

  NdisZeroMemory(&nblPool, sizeof nblPool);
  nblPool.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
  nblPool.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
  nblPool.Header.Size = (USHORT)sizeof nblPool;
  nblPool.ProtocolId = NDIS_PROTOCOL_ID_DEFAULT;
  nblPool.fAllocateNetBuffer = TRUE;
  nblPool.ContextSize = 0;
  nblPool.PoolTag = C_DRIVER_TAG;
  nblPool.DataSize = 0;
  a->RxNblPool = NdisAllocateNetBufferListPool(a->AdapterHandle, &nblPool);
  if (!a->RxNblPool) return NDIS_STATUS_RESOURCES;

  for (i = 0; i < ARRAYSIZE(a->Rx); ++i) {
    PC_RX_BUFFER rx = &a->Rx[i];
    NdisMAllocateSharedMemory(a->AdapterHandle, C_RX_BUFFER_SIZE, FALSE, &rx->Va, &rx->Pa);
    if (!rx->Va) return NDIS_STATUS_RESOURCES;
    rx->Mdl = NdisAllocateMdl(a->AdapterHandle, rx->Va, C_RX_BUFFER_SIZE);
    if (!rx->Mdl) {
      NdisMFreeSharedMemory(a->AdapterHandle, C_RX_BUFFER_SIZE, FALSE, rx->Va, rx->Pa);
      return NDIS_STATUS_RESOURCES;
    }
    rx->Nbl = NdisAllocateNetBufferAndNetBufferList(a->RxNblPool, C_RX_CONTEXT_SIZE, 0, rx->Mdl,
                                                    0, C_RX_BUFFER_SIZE);
    if (!rx->Nbl) {
      NdisFreeMdl(rx->Mdl);
      NdisMFreeSharedMemory(a->AdapterHandle, C_RX_BUFFER_SIZE, FALSE, rx->Va, rx->Pa);
      return NDIS_STATUS_RESOURCES;
    }
    /* The NBL's context names its buffer, so the return path finds it. */
    ASSERT(NET_BUFFER_LIST_CONTEXT_DATA_SIZE(rx->Nbl) >= sizeof(PC_RX_BUFFER));
    *(PC_RX_BUFFER *)NET_BUFFER_LIST_CONTEXT_DATA_START(rx->Nbl) = rx;
    a->RxAllocated = i + 1;
    InsertTailList(&a->RxFree, &rx->Link);
    /* The device owns an empty receive buffer until it reports a frame in it. */
    NicsimSyncBufferForDevice(rx->Va, C_RX_BUFFER_SIZE);
  }

  NdisZeroMemory(&nblPool, sizeof nblPool);
  nblPool.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
  nblPool.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
  nblPool.Header.Size = (USHORT)sizeof nblPool;
  nblPool.ProtocolId = NDIS_PROTOCOL_ID_TCP_IP;
  nblPool.fAllocateNetBuffer = FALSE;
  nblPool.PoolTag = C_DRIVER_TAG;
  a->ResNblPool = NdisAllocateNetBufferListPool(a->AdapterHandle, &nblPool);
  NdisZeroMemory(&nbPool, sizeof nbPool);
  nbPool.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
  nbPool.Header.Revision = NET_BUFFER_POOL_PARAMETERS_REVISION_1;
  nbPool.Header.Size = (USHORT)sizeof nbPool;
  nbPool.PoolTag = C_DRIVER_TAG;
  nbPool.DataSize = 0;
  a->ResNbPool = NdisAllocateNetBufferPool(a->AdapterHandle, &nbPool);
  if (!a->ResNblPool || !a->ResNbPool) return NDIS_STATUS_RESOURCES;
  a->ResVa = CDriverAllocate(a->AdapterHandle, C_RES_BUFFER_SIZE, HighPoolPriority);
  if (!a->ResVa) return NDIS_STATUS_RESOURCES;
  a->ResMdl = NdisAllocateMdl(a->AdapterHandle, a->ResVa, C_RES_BUFFER_SIZE);
  a->ResNbl = NdisAllocateNetBufferList(a->ResNblPool, 0, 0);
  a->ResNb = a->ResMdl ? NdisAllocateNetBuffer(a->ResNbPool, a->ResMdl, 0, C_RX_DEFAULT_FRAME)
                       : NULL;
  if (!a->ResMdl || !a->ResNbl || !a->ResNb) return NDIS_STATUS_RESOURCES;
  NET_BUFFER_LIST_FIRST_NB(a->ResNbl) = a->ResNb;
  return NDIS_STATUS_SUCCESS;
}

/* The TX descriptor ring (shared memory) and a shared-data-aligned scratch block. */
_IRQL_requires_(PASSIVE_LEVEL)
static NDIS_STATUS CDriverAllocateTransmit(_Inout_ PC_ADAPTER a) {
  PVOID ring = NULL;
  C_TX_DESCRIPTOR zero[C_TX_RING_SIZE];
  ULONG align = NdisGetSharedDataAlignment();

  NdisMAllocateSharedMemory(a->AdapterHandle, sizeof zero, FALSE, &ring, &a->TxRingPa);
  if (!ring) return NDIS_STATUS_RESOURCES;
  a->TxRing = (PC_TX_DESCRIPTOR)ring;
  NdisZeroMemory(zero, sizeof zero);
  NicsimMoveToShared(a->TxRing, zero, sizeof zero);
  ASSERT(ALIGN_DOWN_BY(a->TxRingPa.QuadPart, 16) == (ULONG_PTR)a->TxRingPa.QuadPart);

  a->ScratchLength = (ULONG)ALIGN_UP_BY(sizeof(ULONG64) * 4, align);
  a->Scratch = NdisAllocateMemoryWithTagPriority(a->AdapterHandle, a->ScratchLength, C_DRIVER_TAG,
                                                 LowPoolPriority);
  return a->Scratch ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}

_IRQL_requires_(PASSIVE_LEVEL)
static NDIS_STATUS CDriverRegisterDma(_Inout_ PC_ADAPTER a) {
  NDIS_SG_DMA_DESCRIPTION dma;
  NDIS_STATUS status;
  NdisZeroMemory(&dma, sizeof dma);
  dma.Header.Type = NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION;
  dma.Header.Revision = NDIS_SG_DMA_DESCRIPTION_REVISION_1;
  dma.Header.Size = (USHORT)sizeof dma;
  dma.Flags = NDIS_SG_DMA_64_BIT_ADDRESS;
  dma.MaximumPhysicalMapping = C_MAX_FRAME;
  dma.ProcessSGListHandler = CDriverProcessSGList;
  dma.SharedMemAllocateCompleteHandler = CDriverSharedMemAllocateComplete;
  status = NdisMRegisterScatterGatherDma(a->AdapterHandle, &dma, &a->DmaHandle);
  if (status == NDIS_STATUS_SUCCESS) a->SgListSize = dma.ScatterGatherListSize;
  return status;
}

/* Line-based or message-based, as the resources say. */
_IRQL_requires_(PASSIVE_LEVEL)
static NDIS_STATUS CDriverRegisterInterrupt(_Inout_ PC_ADAPTER a) {
  PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS ic = &a->InterruptChars;
  NDIS_STATUS status;
  ULONG m;

  NdisZeroMemory(ic, sizeof *ic);
  ic->Header.Type = NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT;
  ic->Header.Revision = NDIS_MINIPORT_INTERRUPT_REVISION_1;
  ic->Header.Size = (USHORT)sizeof *ic;
  ic->InterruptHandler = CDriverIsr;
  ic->InterruptDpcHandler = CDriverDpc;
  ic->DisableInterruptHandler = CDriverDisableInterrupt;
  ic->EnableInterruptHandler = CDriverEnableInterrupt;
  ic->MsiSupported = a->MessageCount > 0 ? TRUE : FALSE;
  ic->MsiSyncWithAllMessages = TRUE;
  ic->MessageInterruptHandler = CDriverMessageIsr;
  ic->MessageInterruptDpcHandler = CDriverMessageDpc;
  ic->DisableMessageInterruptHandler = CDriverDisableMessageInterrupt;
  ic->EnableMessageInterruptHandler = CDriverEnableMessageInterrupt;
  status = NdisMRegisterInterruptEx(a->AdapterHandle, a, ic, &a->Interrupt);
  if (status != NDIS_STATUS_SUCCESS) {
    a->Interrupt = NULL;
    return status;
  }
  a->MessageBased = ic->InterruptType == NDIS_CONNECT_MESSAGE_BASED;
  if (a->MessageBased) {
    PIO_INTERRUPT_MESSAGE_INFO info = ic->MessageInfoTable;
    a->MessageCount = info->MessageCount;
    for (m = 0; m < info->MessageCount && m < NDIS_MAX_INTERRUPT_MESSAGES; ++m)
      ASSERT(info->MessageInfo[m].TargetProcessorSet == a->MessageAffinity[m]);
  } else {
    ASSERT(ic->InterruptType == NDIS_CONNECT_LINE_BASED);
    a->MessageCount = 0;
  }
  InterlockedExchange(&g_Counters.MessageBased, a->MessageBased ? 1 : 0);
  InterlockedExchange(&g_Counters.Messages, (LONG)a->MessageCount);
  return NDIS_STATUS_SUCCESS;
}

/* The housekeeping timer, its KDPC, the reset KDPC and the work items. */
_IRQL_requires_(PASSIVE_LEVEL)
static NDIS_STATUS CDriverAllocateDeferred(_Inout_ PC_ADAPTER a) {
  NDIS_TIMER_CHARACTERISTICS timer;
  NDIS_STATUS status;
  CCHAR cpus = NdisSystemProcessorCount();

  NdisZeroMemory(&timer, sizeof timer);
  timer.Header.Type = NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS;
  timer.Header.Revision = NDIS_TIMER_CHARACTERISTICS_REVISION_1;
  timer.Header.Size = (USHORT)NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1;
  timer.AllocationTag = C_DRIVER_TAG;
  timer.TimerFunction = CDriverTimer;
  timer.FunctionContext = a;
  status = NdisAllocateTimerObject(a->AdapterHandle, &timer, &a->Timer);
  if (status != NDIS_STATUS_SUCCESS) {
    a->Timer = NULL;
    return status;
  }

  KeInitializeDpc(&a->HousekeepingDpc, CDriverHousekeepingDpc, a);
  KeInitializeDpc(&a->ResetDpc, CDriverResetDpc, a);
  a->DpcsInitialized = TRUE;
  /* Housekeeping runs on the last CPU, away from the interrupt's. */
  KeSetTargetProcessorDpc(&a->HousekeepingDpc, cpus > 1 ? cpus - 1 : 0);

  a->Housekeeping.Handle = NdisAllocateIoWorkItem(a->AdapterHandle);
  a->RestartWork.Handle = NdisAllocateIoWorkItem(a->AdapterHandle);
  a->OidWork.Handle = NdisAllocateIoWorkItem(a->AdapterHandle);
  NdisInitializeEvent(&a->Housekeeping.Done);
  NdisInitializeEvent(&a->RestartWork.Done);
  NdisInitializeEvent(&a->OidWork.Done);
  if (!a->Housekeeping.Handle || !a->RestartWork.Handle || !a->OidWork.Handle)
    return NDIS_STATUS_RESOURCES;
  return NDIS_STATUS_SUCCESS;
}

_IRQL_requires_(PASSIVE_LEVEL)
static NDIS_STATUS CDriverSetAttributes(_Inout_ PC_ADAPTER a) {
  NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES registration;
  NDIS_STATUS status;
  NdisZeroMemory(&registration, sizeof registration);
  registration.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
  registration.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
  registration.Header.Size = (USHORT)sizeof registration;
  registration.MiniportAdapterContext = a;
  registration.AttributeFlags =
      NDIS_MINIPORT_ATTRIBUTES_HARDWARE_DEVICE | NDIS_MINIPORT_ATTRIBUTES_BUS_MASTER;
  registration.InterfaceType = NdisInterfacePci;
  registration.CheckForHangTimeInSeconds = 2;
  status = NdisMSetMiniportAttributes(a->AdapterHandle,
                                      (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&registration);
  return status;
}

static const NDIS_OID g_SupportedOids[] = {
    OID_GEN_SUPPORTED_LIST,        OID_GEN_MEDIA_CONNECT_STATUS, OID_GEN_MAXIMUM_FRAME_SIZE,
    OID_GEN_LINK_SPEED,            OID_GEN_CURRENT_PACKET_FILTER, OID_GEN_CURRENT_LOOKAHEAD,
    OID_GEN_STATISTICS,            OID_GEN_XMIT_OK,               OID_GEN_RCV_OK,
    OID_802_3_PERMANENT_ADDRESS,   OID_802_3_CURRENT_ADDRESS,     OID_802_3_MULTICAST_LIST,
    OID_802_3_MAXIMUM_LIST_SIZE,   OID_GEN_VENDOR_DRIVER_VERSION};

_IRQL_requires_(PASSIVE_LEVEL)
static NDIS_STATUS CDriverSetGeneralAttributes(_Inout_ PC_ADAPTER a) {
  NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES general;
  NdisZeroMemory(&general, sizeof general);
  general.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES;
  general.Header.Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2;
  general.Header.Size = (USHORT)sizeof general;
  general.MediaType = NdisMedium802_3;
  general.PhysicalMediumType = NdisPhysicalMedium802_3;
  general.MtuSize = C_MAX_FRAME - C_ETH_HEADER;
  general.MaxXmitLinkSpeed = general.XmitLinkSpeed = 1000000000ULL;
  general.MaxRcvLinkSpeed = general.RcvLinkSpeed = 1000000000ULL;
  general.MediaConnectState = MediaConnectStateUnknown;
  general.MediaDuplexState = MediaDuplexStateFull;
  general.LookaheadSize = C_MAX_FRAME - C_ETH_HEADER;
  general.MacOptions = NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA | NDIS_MAC_OPTION_TRANSFERS_NOT_PEND |
                       NDIS_MAC_OPTION_NO_LOOPBACK;
  general.SupportedPacketFilters = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST |
                                   NDIS_PACKET_TYPE_ALL_MULTICAST | NDIS_PACKET_TYPE_BROADCAST |
                                   NDIS_PACKET_TYPE_PROMISCUOUS;
  general.MaxMulticastListSize = 32;
  general.MacAddressLength = 6;
  CDriverCopyMac(general.PermanentMacAddress, g_DefaultMac);
  CDriverCopyMac(general.CurrentMacAddress, a->MacAddress);
  general.AccessType = NET_IF_ACCESS_BROADCAST;
  general.DirectionType = NET_IF_DIRECTION_SENDRECEIVE;
  general.ConnectionType = NET_IF_CONNECTION_DEDICATED;
  general.IfType = IF_TYPE_ETHERNET_CSMACD;
  general.IfConnectorPresent = TRUE;
  general.SupportedStatistics = NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_RCV |
                                NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_XMIT |
                                NDIS_STATISTICS_FLAGS_VALID_RCV_DISCARDS;
  general.SupportedPauseFunctions = NdisPauseFunctionsUnsupported;
  general.SupportedOidList = (PNDIS_OID)g_SupportedOids;
  general.SupportedOidListLength = (ULONG)sizeof g_SupportedOids;
  return NdisMSetMiniportAttributes(a->AdapterHandle, (PNDIS_MINIPORT_ADAPTER_ATTRIBUTES)&general);
}

static VOID CDriverRelease(_Inout_ PC_ADAPTER a);

_Use_decl_annotations_
NDIS_STATUS CDriverInitializeEx(NDIS_HANDLE MiniportAdapterHandle,
                                NDIS_HANDLE MiniportDriverContext,
                                PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters) {
  PC_ADAPTER a;
  NDIS_STATUS status;
  LARGE_INTEGER due;

  PAGED_CODE();
  UNREFERENCED_PARAMETER(MiniportDriverContext);
  a = (PC_ADAPTER)CDriverAllocate(MiniportAdapterHandle, sizeof(C_ADAPTER), NormalPoolPriority);
  if (!a) return NDIS_STATUS_RESOURCES;
  a->AdapterHandle = MiniportAdapterHandle;
  a->Paused = 1; /* NDIS restarts an initialized adapter */
  g_Adapter = a;

  status = CDriverSetAttributes(a);
  if (status == NDIS_STATUS_SUCCESS) {
    CDriverReadConfiguration(a);
    status = CDriverFindResources(a, MiniportInitParameters->AllocatedResources);
  }
  if (status == NDIS_STATUS_SUCCESS) status = CDriverAllocateLocks(a);
  if (status == NDIS_STATUS_SUCCESS) status = CDriverMapHardware(a);
  if (status == NDIS_STATUS_SUCCESS) status = CDriverAllocateReceive(a);
  if (status == NDIS_STATUS_SUCCESS) status = CDriverAllocateTransmit(a);
  if (status == NDIS_STATUS_SUCCESS) status = CDriverRegisterDma(a);
  if (status == NDIS_STATUS_SUCCESS) status = CDriverAllocateDeferred(a);
  if (status == NDIS_STATUS_SUCCESS) status = CDriverRegisterInterrupt(a);
  if (status == NDIS_STATUS_SUCCESS) status = CDriverSetGeneralAttributes(a);
  if (status != NDIS_STATUS_SUCCESS) {
    CDriverRelease(a);
    return status;
  }

  /* Housekeeping 50 us from now, then every millisecond. */
  due.QuadPart = -500;
  NdisSetTimerObject(a->Timer, due, 1, a);
  InterlockedIncrement(&g_Counters.Initialized);
  return NDIS_STATUS_SUCCESS;
}

/* ------------------------------------------------------------------------------------------ */
/* Interrupt                                                                                   */
/* ------------------------------------------------------------------------------------------ */
/* Claims the interrupt when the device has a cause: masks, acknowledges, hands the cause over. */
_IRQL_requires_min_(DISPATCH_LEVEL + 1)
__drv_minIRQL(DISPATCH_LEVEL + 1)
static BOOLEAN CDriverClaim(_Inout_ PC_ADAPTER a) {
  ULONG cause = 0;
  USHORT id = 0;
  UCHAR revision = 0;

  InterlockedIncrement(&g_Counters.IsrCalls);
  if (g_Mistake == CDriverSpinLockInIsr) {
    NdisDprAcquireSpinLock(&a->RecvLock); /* C_DRIVER_MISTAKE(SpinLockInIsr) */
    NdisDprReleaseSpinLock(&a->RecvLock);
  }
  NdisReadRegisterUlong(C_REG(a, C_DRIVER_REG_CAUSE), &cause);
  if (cause == 0) return FALSE; /* a shared line: another device's */
  NdisReadRegisterUshort(C_REG16(a, C_DRIVER_REG_ID), &id);
  if (id == MAXUSHORT) return FALSE; /* all ones: the device is gone */
  NdisWriteRegisterUlong(C_REG(a, C_DRIVER_REG_MASK), 1);
  NdisReadRegisterUchar(C_REG8(a, C_DRIVER_REG_ID + 2), &revision);
  /* Acknowledge: the low cause byte, then (from revision 1 on) the high half. */
  NdisWriteRegisterUchar(C_REG8(a, C_DRIVER_REG_ACK), (UCHAR)(cause & MAXUCHAR));
  if (revision >= 1)
    NdisWriteRegisterUshort(C_REG16(a, C_DRIVER_REG_ACK + 2), (USHORT)(cause >> 16));
  InterlockedOr(&a->IsrCause, (LONG)cause);
  InterlockedIncrement(&g_Counters.IsrClaimed);
  return TRUE;
}

_Use_decl_annotations_
_Function_class_(MINIPORT_ISR)
__drv_functionClass(MINIPORT_ISR)
BOOLEAN CDriverIsr(NDIS_HANDLE MiniportInterruptContext, PBOOLEAN QueueDefaultInterruptDpc,
                   PULONG TargetProcessors) {
  BOOLEAN claimed = CDriverClaim((PC_ADAPTER)MiniportInterruptContext);
  *QueueDefaultInterruptDpc = claimed;
  *TargetProcessors = 0;
  return claimed;
}

/* A message's DPC goes to the CPU its ISR ran on, queued by the ISR itself. */
_Use_decl_annotations_
_Function_class_(MINIPORT_MESSAGE_INTERRUPT)
BOOLEAN CDriverMessageIsr(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                          PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors) {
  PC_ADAPTER a = (PC_ADAPTER)MiniportInterruptContext;
  GROUP_AFFINITY target;
  BOOLEAN claimed = CDriverClaim(a);
  *QueueDefaultInterruptDpc = FALSE;
  *TargetProcessors = 0;
  if (claimed) {
    NdisZeroMemory(&target, sizeof target);
    target.Mask = (KAFFINITY)1 << KeGetCurrentProcessorNumber();
    target.Group = 0;
    (void)NdisMQueueDpcEx(a->Interrupt, MessageId, &target, a);
  }
  return claimed;
}

_Use_decl_annotations_
BOOLEAN CDriverSyncUnmask(NDIS_HANDLE SynchronizeContext) {
  PC_ADAPTER a = (PC_ADAPTER)SynchronizeContext;
  InterlockedIncrement(&g_Counters.SyncCallbacks);
  if (a->Paused) return FALSE; /* stays masked until restart */
  NdisWriteRegisterUlong(C_REG(a, C_DRIVER_REG_MASK), 0);
  return TRUE;
}

_Use_decl_annotations_
BOOLEAN CDriverSyncMask(NDIS_HANDLE SynchronizeContext) {
  PC_ADAPTER a = (PC_ADAPTER)SynchronizeContext;
  InterlockedIncrement(&g_Counters.SyncCallbacks);
  NdisWriteRegisterUlong(C_REG(a, C_DRIVER_REG_MASK), 1);
  return TRUE;
}

_Use_decl_annotations_
VOID CDriverDisableInterrupt(NDIS_HANDLE MiniportInterruptContext) {
  CDriverSyncMask(MiniportInterruptContext);
}
_Use_decl_annotations_
VOID CDriverEnableInterrupt(NDIS_HANDLE MiniportInterruptContext) {
  CDriverSyncUnmask(MiniportInterruptContext);
}
_Use_decl_annotations_
VOID CDriverDisableMessageInterrupt(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId) {
  UNREFERENCED_PARAMETER(MessageId);
  CDriverSyncMask(MiniportInterruptContext);
}
_Use_decl_annotations_
VOID CDriverEnableMessageInterrupt(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId) {
  UNREFERENCED_PARAMETER(MessageId);
  CDriverSyncUnmask(MiniportInterruptContext);
}

/* ------------------------------------------------------------------------------------------ */
/* Send                                                                                        */
/* ------------------------------------------------------------------------------------------ */
/* Walks the NB's MDL chain from its current MDL: a checksum over the data, the pieces. */
_IRQL_requires_max_(DISPATCH_LEVEL)
static ULONG CDriverWalkNetBuffer(_In_ PC_ADAPTER a, _In_ PNET_BUFFER Nb, _Out_ PULONG Pieces) {
  PMDL mdl = NET_BUFFER_CURRENT_MDL(Nb);
  ULONG offset = NET_BUFFER_CURRENT_MDL_OFFSET(Nb);
  ULONG remaining = NET_BUFFER_DATA_LENGTH(Nb);
  ULONG sum = 0, pieces = 0, skipped = 0;
  PMDL m;

  /* DataOffset counts from the first MDL: the MDLs before the current one plus its offset. */
  for (m = NET_BUFFER_FIRST_MDL(Nb); m && m != NET_BUFFER_CURRENT_MDL(Nb); m = NDIS_MDL_LINKAGE(m))
    skipped += MmGetMdlByteCount(m);
  if (skipped + offset != NET_BUFFER_DATA_OFFSET(Nb)) a->OffsetMismatches++;

  while (mdl && remaining) {
    PUCHAR va = NULL;
    ULONG length = 0, byteOffset = 0, byteCount = 0, take;
    NdisQueryMdl(mdl, &va, &length, NormalPagePriority | MdlMappingNoExecute);
    if (!va) break;
    NdisQueryMdlOffset(mdl, &byteOffset, &byteCount);
    ASSERT(byteCount == length && byteOffset == MmGetMdlByteOffset(mdl));
    ASSERT(va == (PUCHAR)MmGetMdlVirtualAddress(mdl));
    take = length - offset < remaining ? length - offset : remaining;
    sum += CDriverSum(va + offset, take);
    remaining -= take;
    offset = 0;
    ++pieces;
    NdisGetNextMdl(mdl, mdl);
  }
  *Pieces = pieces;
  return sum;
}

_Use_decl_annotations_
_IRQL_requires_(DISPATCH_LEVEL)
VOID CDriverProcessSGList(PVOID DeviceObject, PVOID Reserved, PSCATTER_GATHER_LIST Sgl,
                          PVOID Context) {
  PNET_BUFFER nb = (PNET_BUFFER)Context;
  PC_ADAPTER a = (PC_ADAPTER)NET_BUFFER_MINIPORT_RESERVED(nb)[C_NB_ADAPTER];
  ULONG i, first = 0;
  UNREFERENCED_PARAMETER(DeviceObject);
  DBG_UNREFERENCED_PARAMETER(Reserved);

  NET_BUFFER_MINIPORT_RESERVED(nb)[C_NB_SG_LIST] = Sgl;
  for (i = 0; i < Sgl->NumberOfElements; ++i) {
    PSCATTER_GATHER_ELEMENT e = &Sgl->Elements[i];
    ULONG slot = (ULONG)(InterlockedIncrement(&a->TxNext) - 1) % C_TX_RING_SIZE;
    PC_TX_DESCRIPTOR d = CDriverTxSlot(a, slot);
    if (i == 0) first = slot;
    NicsimWriteSharedUlong64(&d->Address, (ULONG64)e->Address.QuadPart);
    NicsimWriteSharedUlong(&d->Length, e->Length);
    NicsimWriteSharedUlong(&d->Status, 0);
    NicsimSyncBufferForDevice(d, sizeof *d); /* the descriptor is the device's now */
    InterlockedIncrement(&g_Counters.SgElements);
  }
  NET_BUFFER_MINIPORT_RESERVED(nb)[C_NB_FIRST_SLOT] = (PVOID)(ULONG_PTR)first;
  NET_BUFFER_MINIPORT_RESERVED(nb)[C_NB_SLOTS] = (PVOID)(ULONG_PTR)Sgl->NumberOfElements;
  InterlockedIncrement(&g_Counters.SgLists);
}

_Use_decl_annotations_
VOID CDriverSharedMemAllocateComplete(NDIS_HANDLE MiniportAdapterContext, PVOID VirtualAddress,
                                      PNDIS_PHYSICAL_ADDRESS PhysicalAddress, ULONG Length,
                                      PVOID Context) {
  /* This driver allocates shared memory synchronously only. */
  UNREFERENCED_PARAMETER(MiniportAdapterContext);
  UNREFERENCED_PARAMETER(VirtualAddress);
  UNREFERENCED_PARAMETER(PhysicalAddress);
  UNREFERENCED_PARAMETER(Length);
  UNREFERENCED_PARAMETER(Context);
}

/* Frees an NB's SG list after reading back its descriptors. */
_IRQL_requires_max_(DISPATCH_LEVEL)
static VOID CDriverRetireNetBuffer(_In_ PC_ADAPTER a, _Inout_ PNET_BUFFER Nb) {
  PSCATTER_GATHER_LIST sgl = (PSCATTER_GATHER_LIST)NET_BUFFER_MINIPORT_RESERVED(Nb)[C_NB_SG_LIST];
  ULONG first = (ULONG)(ULONG_PTR)NET_BUFFER_MINIPORT_RESERVED(Nb)[C_NB_FIRST_SLOT];
  ULONG slots = (ULONG)(ULONG_PTR)NET_BUFFER_MINIPORT_RESERVED(Nb)[C_NB_SLOTS];
  ULONG k;
  if (!sgl) return;
  for (k = 0; k < slots; ++k) {
    PC_TX_DESCRIPTOR d = CDriverTxSlot(a, (first + k) % C_TX_RING_SIZE);
    C_TX_DESCRIPTOR copy;
    ULONG status;
    ULONG64 address;
    NicsimSyncBufferForCpu(d, sizeof *d); /* the device reported it done */
    status = NicsimReadSharedUlong(&d->Status);
    address = NicsimReadSharedUlong64(&d->Address);
    NicsimMoveFromShared(&copy, d, sizeof copy);
    if (copy.Address != address || copy.Status != status) a->OffsetMismatches++;
  }
  NdisMFreeNetBufferSGList(a->DmaHandle, sgl, Nb);
  NET_BUFFER_MINIPORT_RESERVED(Nb)[C_NB_SG_LIST] = NULL;
}

/* Completes a chain of NBLs the miniport owns, with one status. */
_IRQL_requires_max_(DISPATCH_LEVEL)
static VOID CDriverCompleteChain(_In_ PC_ADAPTER a, _In_opt_ PNET_BUFFER_LIST Head,
                                 NDIS_STATUS Status, BOOLEAN AtDispatch) {
  PNET_BUFFER_LIST nbl;
  if (!Head) return;
  for (nbl = Head; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) {
    NET_BUFFER_LIST_STATUS(nbl) = Status;
    InterlockedIncrement(&g_Counters.NblsCompleted);
  }
  NdisMSendNetBufferListsComplete(a->AdapterHandle, Head,
                                  AtDispatch ? NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL : 0);
}

/* One NBL: every NB gets an SG list, then the NBL waits on the pending list. */
_IRQL_requires_max_(DISPATCH_LEVEL)
static VOID CDriverSendOne(_Inout_ PC_ADAPTER a, _Inout_ PNET_BUFFER_LIST Nbl, ULONG Filter) {
  PNET_BUFFER nb;
  PVOID cookie = NET_BUFFER_LIST_PROTOCOL_RESERVED(Nbl)[0]; /* the protocol's; never touched */
  ULONG flags = NET_BUFFER_LIST_FLAGS(Nbl) | NET_BUFFER_LIST_NBL_FLAGS(Nbl);
  PVOID priority = NET_BUFFER_LIST_INFO(Nbl, Ieee8021QNetBufferListInfo);

  UNREFERENCED_LOCAL_VARIABLE(cookie);
  DBG_UNREFERENCED_LOCAL_VARIABLE(flags);
  UNREFERENCED_LOCAL_VARIABLE(priority);
  InterlockedIncrement(&g_Counters.NblsSent);
  NdisInterlockedIncrement(&a->OutstandingSends);
  NET_BUFFER_LIST_STATUS(Nbl) = NDIS_STATUS_SUCCESS;

  for (nb = NET_BUFFER_LIST_FIRST_NB(Nbl); nb; nb = NET_BUFFER_NEXT_NB(nb)) {
    UCHAR storage[C_ETH_HEADER];
    PUCHAR header;
    ULONG pieces = 0, sum;
    NDIS_STATUS status;
    USHORT bias = NET_BUFFER_CHECKSUM_BIAS(nb);
    PVOID protocolNb = NET_BUFFER_PROTOCOL_RESERVED(nb)[0];
    PVOID shared = NET_BUFFER_FIRST_SHARED_MEM_INFO(nb);
    LONGLONG physical = NET_BUFFER_DATA_PHYSICAL_ADDRESS(nb).QuadPart;

    UNREFERENCED_LOCAL_VARIABLE(protocolNb);
    UNREFERENCED_LOCAL_VARIABLE(shared);
    UNREFERENCED_LOCAL_VARIABLE(physical);
    UNREFERENCED_LOCAL_VARIABLE(bias);
    sum = CDriverWalkNetBuffer(a, nb, &pieces);
    UNREFERENCED_LOCAL_VARIABLE(sum);
    header = (PUCHAR)NdisGetDataBuffer(nb, C_ETH_HEADER, storage, 1, 0);
    if (header) {
      NdisMoveMemory(a->LastDestination, header, sizeof a->LastDestination);
      if ((header[0] & 1) && (Filter & NDIS_PACKET_TYPE_MULTICAST)) a->Multicasts++;
    }
    InterlockedIncrement(&g_Counters.NbsSent);
    InterlockedExchangeAdd64(&g_Counters.BytesSent, (LONG64)NET_BUFFER_DATA_LENGTH(nb));
    NdisInterlockedAddUlong(&a->BytesQueued, NET_BUFFER_DATA_LENGTH(nb), &a->SendLock);

    NET_BUFFER_MINIPORT_RESERVED(nb)[C_NB_SG_LIST] = NULL;
    NET_BUFFER_MINIPORT_RESERVED(nb)[C_NB_ADAPTER] = a;
    NET_BUFFER_MINIPORT_RESERVED(nb)[C_NB_SLOTS] = NULL;
    status = NdisMAllocateNetBufferSGList(a->DmaHandle, nb, nb, 0, NULL, 0);
    if (status != NDIS_STATUS_SUCCESS) NET_BUFFER_LIST_STATUS(Nbl) = status;
  }
  NdisInterlockedInsertTailList(&a->TxPending, C_NBL_LINK(Nbl), &a->TxListLock);
}

_Use_decl_annotations_
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID CDriverSendNetBufferLists(NDIS_HANDLE MiniportAdapterContext, PNET_BUFFER_LIST NetBufferLists,
                               NDIS_PORT_NUMBER PortNumber, ULONG SendFlags) {
  PC_ADAPTER a = (PC_ADAPTER)MiniportAdapterContext;
  BOOLEAN atDispatch = (SendFlags & NDIS_SEND_FLAGS_DISPATCH_LEVEL) != 0;
  PNET_BUFFER_LIST nbl, next;
  ULONG filter;

  UNREFERENCED_PARAMETER(PortNumber);
  InterlockedIncrement(&g_Counters.SendCalls);
  if (a->Paused || a->SurpriseRemoved) {
    CDriverCompleteChain(a, NetBufferLists, NDIS_STATUS_PAUSED, atDispatch);
    return;
  }

  /* Sends in flight: the Dpr form only when NDIS said it calls at DISPATCH_LEVEL. */
  if (atDispatch || g_Mistake == CDriverDprAcquireAtPassive) {
    NdisDprAcquireSpinLock(&a->SendLock); /* C_DRIVER_MISTAKE(DprAcquireAtPassive) */
    a->SendsInProgress++;
    NdisDprReleaseSpinLock(&a->SendLock);
  } else {
    NdisAcquireSpinLock(&a->SendLock);
    a->SendsInProgress++;
    NdisReleaseSpinLock(&a->SendLock);
  }

  filter = CDriverReadFilter(a);
  for (nbl = NetBufferLists; nbl; nbl = next) {
    next = NET_BUFFER_LIST_NEXT_NBL(nbl);
    NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
    CDriverSendOne(a, nbl, filter);
  }
  /* The doorbell: descriptors up to TxNext are ready. */
  KeMemoryBarrier();
  NdisWriteRegisterUlong(C_REG(a, C_DRIVER_REG_TX_TAIL), (ULONG)a->TxNext % C_TX_RING_SIZE);
}

/* TX done: every pending NBL goes back to the protocol (at most a budget per DPC). */
_IRQL_requires_(DISPATCH_LEVEL)
static VOID CDriverCompleteSends(_Inout_ PC_ADAPTER a) {
  PNET_BUFFER_LIST head = NULL, *tail = &head;
  PLIST_ENTRY entry;
  ULONG budget = C_COMPLETION_BUDGET;

  while ((entry = NdisInterlockedRemoveHeadList(&a->TxPending, &a->TxListLock)) != NULL) {
    PNET_BUFFER_LIST nbl = C_LINK_NBL(entry);
    PNET_BUFFER nb;
    if (budget-- == 0) {
      /* The rest waits for the next DPC, in order. */
      NdisInterlockedInsertHeadList(&a->TxPending, entry, &a->TxListLock);
      NdisMQueueDpc(a->Interrupt, 0, 1u << KeGetCurrentProcessorNumber(), a);
      break;
    }
    for (nb = NET_BUFFER_LIST_FIRST_NB(nbl); nb; nb = NET_BUFFER_NEXT_NB(nb))
      CDriverRetireNetBuffer(a, nb);
    NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
    *tail = nbl;
    tail = &NET_BUFFER_LIST_NEXT_NBL(nbl);
    NdisInterlockedDecrement(&a->OutstandingSends);
  }
  CDriverCompleteChain(a, head, NDIS_STATUS_SUCCESS, TRUE);
}

/* Takes the pending NBLs that match (CancelId NULL: all) off the list and aborts them. */
_IRQL_requires_max_(DISPATCH_LEVEL)
static VOID CDriverAbortSends(_Inout_ PC_ADAPTER a, _In_opt_ PVOID CancelId) {
  PNET_BUFFER_LIST head = NULL, *tail = &head;
  PLIST_ENTRY entry, next;
  BOOLEAN atDispatch = KeGetCurrentIrql() == DISPATCH_LEVEL;

  NdisAcquireSpinLock(&a->TxListLock);
  for (entry = a->TxPending.Flink; entry != &a->TxPending; entry = next) {
    PNET_BUFFER_LIST nbl = C_LINK_NBL(entry);
    next = entry->Flink;
    if (CancelId && NET_BUFFER_LIST_INFO(nbl, NetBufferListCancelId) != CancelId) continue;
    RemoveEntryList(entry);
    NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
    *tail = nbl;
    tail = &NET_BUFFER_LIST_NEXT_NBL(nbl);
  }
  NdisReleaseSpinLock(&a->TxListLock);

  if (!head) return;
  {
    PNET_BUFFER_LIST nbl;
    for (nbl = head; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) {
      PNET_BUFFER nb;
      for (nb = NET_BUFFER_LIST_FIRST_NB(nbl); nb; nb = NET_BUFFER_NEXT_NB(nb))
        CDriverRetireNetBuffer(a, nb);
      NdisInterlockedDecrement(&a->OutstandingSends);
    }
  }
  CDriverCompleteChain(a, head, NDIS_STATUS_SEND_ABORTED, atDispatch);
}

/* ------------------------------------------------------------------------------------------ */
/* Receive                                                                                     */
/* ------------------------------------------------------------------------------------------ */
/* The frame's Ethernet header, read out of the shared receive buffer. */
_IRQL_requires_max_(DISPATCH_LEVEL)
static VOID CDriverReadHeader(_In_ PC_RX_BUFFER Rx, _Out_writes_(C_ETH_HEADER) PUCHAR Header) {
  NicsimMoveFromShared(Header, Rx->Va, C_ETH_HEADER);
}

_IRQL_requires_(DISPATCH_LEVEL)
static VOID CDriverIndicateReceive(_Inout_ PC_ADAPTER a) {
  PLIST_ENTRY entry = NULL;
  PC_RX_BUFFER rx;
  PNET_BUFFER_LIST nbl;
  PNET_BUFFER nb;
  ULONG length = 0, hash = 0, firstWord, frameDefault;
  UCHAR header[C_ETH_HEADER];
  PUCHAR peek;
  PVOID mapped;
  LOCK_STATE_EX state;

  CDriverLockRecv(a, TRUE);
  _Analysis_assume_lock_held_(a->RecvLock);
  if (!IsListEmpty(&a->RxFree)) entry = RemoveHeadList(&a->RxFree);
  CDriverUnlockRecv(a, TRUE);
  if (!entry) {
    a->RxNoBuffer++;
    return;
  }
  rx = CONTAINING_RECORD(entry, C_RX_BUFFER, Link);
  nbl = rx->Nbl;

  NdisAcquireRWLockRead(a->ConfigLock, &state, NDIS_RWL_AT_DISPATCH_LEVEL);
  frameDefault = a->RxFrameDefault;
  NdisReleaseRWLock(a->ConfigLock, &state);
  NdisReadRegisterUlong(C_REG(a, C_DRIVER_REG_RX_LENGTH), &length);
  if (length < C_ETH_HEADER || length > C_RX_BUFFER_SIZE) length = frameDefault;
  _Analysis_assume_(length <= C_RX_BUFFER_SIZE);
  NdisReadRegisterUlong(C_REG(a, C_DRIVER_REG_RX_HASH), &hash);

  /* The device wrote the frame: the buffer is the CPU's again. */
  NicsimSyncBufferForCpu(rx->Va, C_RX_BUFFER_SIZE);
  CDriverReadHeader(rx, header);
  firstWord = NicsimReadSharedUlong(rx->Va);
  UNREFERENCED_LOCAL_VARIABLE(firstWord);

  NdisAdjustMdlLength(rx->Mdl, length);
  nb = NET_BUFFER_LIST_FIRST_NB(nbl);
  NET_BUFFER_DATA_LENGTH(nb) = length;
  NET_BUFFER_DATA_OFFSET(nb) = 0;
  NET_BUFFER_CURRENT_MDL(nb) = rx->Mdl;
  NET_BUFFER_CURRENT_MDL_OFFSET(nb) = 0;
  mapped = MmGetSystemAddressForMdlSafe(rx->Mdl, NormalPagePriority);
  peek = (PUCHAR)NdisGetDataBuffer(nb, C_ETH_HEADER, NULL, 1, 0);
  ASSERT(peek == (PUCHAR)mapped);
  UNREFERENCED_LOCAL_VARIABLE(peek);
  UNREFERENCED_LOCAL_VARIABLE(mapped);

  /* The imaginary device hashes with Toeplitz over IPv4 headers. */
  NET_BUFFER_LIST_SET_HASH_VALUE(nbl, hash);
  NET_BUFFER_LIST_SET_HASH_TYPE(nbl, NDIS_HASH_IPV4);
  NET_BUFFER_LIST_SET_HASH_FUNCTION(nbl, NdisHashFunctionToeplitz);
  NET_BUFFER_LIST_RECEIVE_FILTER_ID(nbl) = 0;
  NET_BUFFER_LIST_RECEIVE_QUEUE_ID(nbl) = 0;
  NET_BUFFER_LIST_STATUS(nbl) = NDIS_STATUS_SUCCESS;
  NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
  nbl->SourceHandle = a->AdapterHandle;

  InterlockedIncrement(&a->RxOutstanding);
  InterlockedIncrement(&g_Counters.ReceivesIndicated);
  InterlockedExchangeAdd64(&g_Counters.BytesReceived, (LONG64)length);
  NdisMIndicateReceiveNetBufferLists(a->AdapterHandle, nbl, NDIS_DEFAULT_PORT_NUMBER, 1,
                                     NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);

  /* A copy of the header in the resources NBL: the protocol must copy it before returning. */
  if (a->ResNbl) {
    CDriverPad((PUCHAR)a->ResVa, C_RES_BUFFER_SIZE, 0);
    NdisMoveMemory(a->ResVa, header, sizeof header);
    NET_BUFFER_LIST_STATUS(a->ResNbl) = NDIS_STATUS_SUCCESS;
    NET_BUFFER_LIST_NEXT_NBL(a->ResNbl) = NULL;
    InterlockedIncrement(&g_Counters.ResourceReceivesIndicated);
    NdisMIndicateReceiveNetBufferLists(a->AdapterHandle, a->ResNbl, NDIS_DEFAULT_PORT_NUMBER, 1,
                                       NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL |
                                           NDIS_RECEIVE_FLAGS_RESOURCES);
  }
}

_Use_decl_annotations_
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID CDriverReturnNetBufferLists(NDIS_HANDLE MiniportAdapterContext,
                                 PNET_BUFFER_LIST NetBufferLists, ULONG ReturnFlags) {
  PC_ADAPTER a = (PC_ADAPTER)MiniportAdapterContext;
  BOOLEAN atDispatch = (ReturnFlags & NDIS_RETURN_FLAGS_DISPATCH_LEVEL) != 0;
  PNET_BUFFER_LIST nbl, next;

  for (nbl = NetBufferLists; nbl; nbl = next) {
    PC_RX_BUFFER rx = *(PC_RX_BUFFER *)NET_BUFFER_LIST_CONTEXT_DATA_START(nbl);
    next = NET_BUFFER_LIST_NEXT_NBL(nbl);
    NET_BUFFER_LIST_NEXT_NBL(nbl) = NULL;
    if (NET_BUFFER_LIST_GET_HASH_FUNCTION(nbl) == NdisHashFunctionToeplitz &&
        NET_BUFFER_LIST_GET_HASH_TYPE(nbl) == NDIS_HASH_IPV4)
      g_Counters.LastReturnedHash = NET_BUFFER_LIST_GET_HASH_VALUE(nbl);
    NET_BUFFER_LIST_SET_HASH_VALUE(nbl, 0);
    NdisAdjustMdlLength(rx->Mdl, C_RX_BUFFER_SIZE);
    NicsimSyncBufferForDevice(rx->Va, C_RX_BUFFER_SIZE); /* empty again: the device's */
    /* The buffer returned last is the warmest in cache: reuse it first. */
    CDriverLockRecv(a, atDispatch);
    InsertHeadList(&a->RxFree, &rx->Link);
    CDriverUnlockRecv(a, atDispatch);
    InterlockedIncrement(&g_Counters.NblsReturned);
    /* A pause waits for the last receive to come back. */
    if (InterlockedDecrement(&a->RxOutstanding) == 0 &&
        InterlockedCompareExchange(&a->PausePending, 0, 1) == 1)
      NdisMPauseComplete(a->AdapterHandle);
  }
}

/* ------------------------------------------------------------------------------------------ */
/* DPC                                                                                         */
/* ------------------------------------------------------------------------------------------ */
_IRQL_requires_(DISPATCH_LEVEL)
__drv_requiresIRQL(DISPATCH_LEVEL)
static VOID CDriverDpcCommon(_Inout_ PC_ADAPTER a, ULONG MessageId) {
  LONG cause;
  KIRQL irql = KeGetCurrentIrql();

  InterlockedIncrement(&g_Counters.Dpcs);
  NT_ASSERT(irql == DISPATCH_LEVEL);
  if (irql != DISPATCH_LEVEL) return;
  cause = InterlockedExchange(&a->IsrCause, 0);
  if (cause & C_DRIVER_CAUSE_TX) CDriverCompleteSends(a);
  if (cause & C_DRIVER_CAUSE_RX) CDriverIndicateReceive(a);
  /* The counters the statistics OID reports, under the stats lock. */
  KeAcquireSpinLockAtDpcLevel(&a->StatsLock);
  a->StatsSnapshots++;
  KeReleaseSpinLockFromDpcLevel(&a->StatsLock);
  /* Unmask under the interrupt lock, so the ISR cannot run in between. */
  (void)NdisMSynchronizeWithInterruptEx(a->Interrupt, MessageId, CDriverSyncUnmask, a);
}

_Use_decl_annotations_
_Function_class_(MINIPORT_INTERRUPT_DPC)
VOID CDriverDpc(NDIS_HANDLE MiniportInterruptContext, PVOID MiniportDpcContext,
                PVOID ReceiveThrottleParameters, PVOID NdisReserved2) {
  UNREFERENCED_PARAMETER(MiniportDpcContext);
  UNREFERENCED_PARAMETER(ReceiveThrottleParameters);
  UNREFERENCED_PARAMETER(NdisReserved2);
  CDriverDpcCommon((PC_ADAPTER)MiniportInterruptContext, 0);
}

_Use_decl_annotations_
_Function_class_(MINIPORT_MESSAGE_INTERRUPT_DPC)
VOID CDriverMessageDpc(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                       PVOID MiniportDpcContext, PVOID ReceiveThrottleParameters,
                       PVOID NdisReserved2) {
  UNREFERENCED_PARAMETER(MiniportDpcContext);
  UNREFERENCED_PARAMETER(ReceiveThrottleParameters);
  UNREFERENCED_PARAMETER(NdisReserved2);
  CDriverDpcCommon((PC_ADAPTER)MiniportInterruptContext, MessageId);
}

/* ------------------------------------------------------------------------------------------ */
/* Timer, KDPCs, work items                                                                    */
/* ------------------------------------------------------------------------------------------ */
_Use_decl_annotations_
_Function_class_(NDIS_TIMER_FUNCTION)
_IRQL_requires_(DISPATCH_LEVEL)
_IRQL_always_function_min_(DISPATCH_LEVEL)
_IRQL_always_function_max_(DISPATCH_LEVEL)
__drv_maxIRQL(DISPATCH_LEVEL)
VOID CDriverTimer(PVOID SystemSpecific1, PVOID FunctionContext, PVOID SystemSpecific2,
                  PVOID SystemSpecific3) {
  PC_ADAPTER a = (PC_ADAPTER)FunctionContext;
  UNREFERENCED_PARAMETER(SystemSpecific1);
  UNREFERENCED_PARAMETER(SystemSpecific2);
  UNREFERENCED_PARAMETER(SystemSpecific3);

  InterlockedIncrement(&g_Counters.TimerCallbacks);
  KeAcquireSpinLockAtDpcLevel(&a->TimerLock);
  a->TimerTicks++;
  KeReleaseSpinLockFromDpcLevel(&a->TimerLock);
  (void)KeInsertQueueDpc(&a->HousekeepingDpc, a, NULL);
  (void)CDriverQueueWork(&a->Housekeeping, CDriverHousekeepingWork, a);
  /* Poll once per tick as well: a lost interrupt must not stall the rings. */
  (void)NdisMQueueDpc(a->Interrupt, 0, 1u << KeGetCurrentProcessorNumber(), a);
}

_Use_decl_annotations_
_Function_class_(KDEFERRED_ROUTINE)
_IRQL_requires_(DISPATCH_LEVEL)
VOID CDriverHousekeepingDpc(struct _KDPC *Dpc, PVOID DeferredContext, PVOID SystemArgument1,
                            PVOID SystemArgument2) {
  PC_ADAPTER a = (PC_ADAPTER)DeferredContext;
  PROCESSOR_NUMBER number;
  LARGE_INTEGER now;
  UNREFERENCED_PARAMETER(Dpc);
  UNREFERENCED_PARAMETER(SystemArgument1);
  UNREFERENCED_PARAMETER(SystemArgument2);

  NdisZeroMemory(&number, sizeof number);
  KeGetCurrentProcessorNumberEx(&number);
  NdisGetCurrentSystemTime(&now);
  a->HousekeepingCpu = number.Number;
  a->HousekeepingIrql = KeGetCurrentIrql();
  InterlockedExchange64(&a->LastHousekeeping, now.QuadPart);
  InterlockedIncrement(&g_Counters.KdpcCalls);
}

/* MiniportResetEx's second half: the device is quiet again. */
_Use_decl_annotations_
_Function_class_(KDEFERRED_ROUTINE)
_IRQL_requires_(DISPATCH_LEVEL)
VOID CDriverResetDpc(struct _KDPC *Dpc, PVOID DeferredContext, PVOID SystemArgument1,
                     PVOID SystemArgument2) {
  PC_ADAPTER a = (PC_ADAPTER)DeferredContext;
  UNREFERENCED_PARAMETER(Dpc);
  UNREFERENCED_PARAMETER(SystemArgument1);
  UNREFERENCED_PARAMETER(SystemArgument2);
  InterlockedIncrement(&g_Counters.Resets);
  NdisMResetComplete(a->AdapterHandle, NDIS_STATUS_SUCCESS, FALSE);
}

/* PASSIVE_LEVEL housekeeping: statistics under the Ke lock, moderation under the config lock. */
_Use_decl_annotations_
_Function_class_(NDIS_IO_WORKITEM_FUNCTION)
_IRQL_requires_(PASSIVE_LEVEL)
VOID CDriverHousekeepingWork(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle) {
  PC_ADAPTER a = (PC_ADAPTER)WorkItemContext;
  KIRQL old;
  LOCK_STATE_EX state;
  PVOID scratch = NULL;
  ULONG scratchLength = 0;
  LONG64 generation;

  UNREFERENCED_PARAMETER(NdisIoWorkItemHandle);
  PAGED_CODE();
  NdisMSleep(20); /* let the link settle */

  KeRaiseIrql(DISPATCH_LEVEL, &old);
  KeAcquireSpinLockAtDpcLevel(&a->StatsLock);
  a->StatsSnapshots++;
  KeReleaseSpinLockFromDpcLevel(&a->StatsLock);
  KeLowerIrql(old);

  old = KeRaiseIrqlToDpcLevel();
  PAGED_CODE_LOCKED();
  KeLowerIrql(old);

  KeAcquireSpinLock(&a->StatsLock, &old);
  a->StatsSnapshots++;
  KeReleaseSpinLock(&a->StatsLock, old);

  NdisAcquireRWLockWrite(a->ConfigLock, &state, 0);
  a->Moderation = a->Moderation ? a->Moderation : 0x40;
  NdisReleaseRWLock(a->ConfigLock, &state);

  /* A generation counter in the scratch block, bumped with the 64-bit interlocked family. */
  if (CDriverScratch(a, &scratch, &scratchLength) && scratchLength >= 4 * sizeof(LONG64)) {
    LONG64 volatile *g = (LONG64 volatile *)scratch;
    generation = InterlockedIncrement64(&g[0]);
    (void)InterlockedDecrement64(&g[0]);
    (void)InterlockedExchange64(&g[1], generation);
    (void)InterlockedCompareExchange64(&g[1], generation + 1, generation);
    (void)InterlockedOr64(&g[2], 0x10);
    (void)InterlockedAnd64(&g[2], 0x30);
    (void)InterlockedExchangeAdd64(&g[3], 2);
    CDriverMix((PUCHAR)scratch, sizeof(LONG64), 0);
  }
  (void)InterlockedAnd(&a->PausePending, 1);
  InterlockedIncrement(&g_Counters.WorkItems);
  CDriverWorkDone(&a->Housekeeping);
}

/* ------------------------------------------------------------------------------------------ */
/* Lifecycle: restart, pause, OIDs, reset, PnP, shutdown, unload                               */
/* ------------------------------------------------------------------------------------------ */
_Use_decl_annotations_
NDIS_STATUS CDriverSetOptions(NDIS_HANDLE NdisDriverHandle, NDIS_HANDLE DriverContext) {
  UNREFERENCED_PARAMETER(NdisDriverHandle);
  UNREFERENCED_PARAMETER(DriverContext);
  return NDIS_STATUS_SUCCESS;
}

_Use_decl_annotations_
_IRQL_requires_(PASSIVE_LEVEL)
VOID CDriverMiniportUnload(PDRIVER_OBJECT DriverObject) {
  UNREFERENCED_PARAMETER(DriverObject);
  CDriverUnload();
}

/* Restart pends: a work item starts the device, reports the link and completes it. */
_Use_decl_annotations_
_IRQL_requires_(PASSIVE_LEVEL)
NDIS_STATUS CDriverRestart(NDIS_HANDLE MiniportAdapterContext,
                           PNDIS_MINIPORT_RESTART_PARAMETERS RestartParameters) {
  PC_ADAPTER a = (PC_ADAPTER)MiniportAdapterContext;
  PNDIS_RESTART_ATTRIBUTES attribute;
  ULONG attributes = 0;
  /* No restart attribute changes anything here; count them for the record. */
  for (attribute = RestartParameters ? RestartParameters->RestartAttributes : NULL; attribute;
       attribute = attribute->Next)
    ++attributes;
  UNREFERENCED_LOCAL_VARIABLE(attributes);
  if (!CDriverQueueWork(&a->RestartWork, CDriverRestartWork, a)) return NDIS_STATUS_FAILURE;
  return NDIS_STATUS_PENDING;
}

_Use_decl_annotations_
_IRQL_requires_(PASSIVE_LEVEL)
VOID CDriverRestartWork(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle) {
  PC_ADAPTER a = (PC_ADAPTER)WorkItemContext;
  NDIS_LINK_STATE link;
  NDIS_STATUS_INDICATION indication;
  UNREFERENCED_PARAMETER(NdisIoWorkItemHandle);

  NdisWriteRegisterUlong(C_REG(a, C_DRIVER_REG_CTRL), C_CTRL_ENABLE);
  InterlockedExchange(&a->Paused, 0);
  (void)NdisMSynchronizeWithInterruptEx(a->Interrupt, 0, CDriverSyncUnmask, a);

  NdisZeroMemory(&link, sizeof link);
  link.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
  link.Header.Revision = NDIS_LINK_STATE_REVISION_1;
  link.Header.Size = (USHORT)sizeof link;
  link.MediaConnectState = MediaConnectStateConnected;
  link.MediaDuplexState = MediaDuplexStateFull;
  link.XmitLinkSpeed = link.RcvLinkSpeed = 1000000000ULL;
  link.PauseFunctions = NdisPauseFunctionsUnsupported;
  NdisZeroMemory(&indication, sizeof indication);
  indication.Header.Type = NDIS_OBJECT_TYPE_STATUS_INDICATION;
  indication.Header.Revision = NDIS_STATUS_INDICATION_REVISION_1;
  indication.Header.Size = (USHORT)sizeof indication;
  indication.SourceHandle = a->AdapterHandle;
  indication.PortNumber = NDIS_DEFAULT_PORT_NUMBER;
  indication.StatusCode = NDIS_STATUS_LINK_STATE;
  indication.StatusBuffer = &link;
  indication.StatusBufferSize = sizeof link;
  NdisMIndicateStatusEx(a->AdapterHandle, &indication);
  InterlockedIncrement(&g_Counters.StatusIndications);

  InterlockedIncrement(&g_Counters.Restarts);
  NdisMRestartComplete(a->AdapterHandle, NDIS_STATUS_SUCCESS);
  CDriverWorkDone(&a->RestartWork);
}

/* Pause: masks the device, aborts pending sends, waits (pends) for outstanding receives. */
_Use_decl_annotations_
_IRQL_requires_(PASSIVE_LEVEL)
NDIS_STATUS CDriverPause(NDIS_HANDLE MiniportAdapterContext,
                         PNDIS_MINIPORT_PAUSE_PARAMETERS PauseParameters) {
  PC_ADAPTER a = (PC_ADAPTER)MiniportAdapterContext;
  UNREFERENCED_PARAMETER(PauseParameters);
  InterlockedIncrement(&g_Counters.Pauses);
  InterlockedExchange(&a->Paused, 1);
  (void)NdisMSynchronizeWithInterruptEx(a->Interrupt, 0, CDriverSyncMask, a);
  CDriverAbortSends(a, NULL);
  InterlockedExchange(&a->PausePending, 1);
  if (InterlockedCompareExchange(&a->RxOutstanding, 0, 0) == 0 &&
      InterlockedCompareExchange(&a->PausePending, 0, 1) == 1)
    return NDIS_STATUS_SUCCESS;
  return NDIS_STATUS_PENDING; /* the last MiniportReturnNetBufferLists completes it */
}

_IRQL_requires_max_(DISPATCH_LEVEL)
static NDIS_STATUS CDriverQueryOid(_Inout_ PC_ADAPTER a, _Inout_ PNDIS_OID_REQUEST Request) {
  PVOID buffer = Request->DATA.QUERY_INFORMATION.InformationBuffer;
  UINT room = Request->DATA.QUERY_INFORMATION.InformationBufferLength;
  PUINT written = &Request->DATA.QUERY_INFORMATION.BytesWritten;
  PUINT needed = &Request->DATA.QUERY_INFORMATION.BytesNeeded;
  ULONG value32;
  ULONG64 value64;

  switch (Request->DATA.QUERY_INFORMATION.Oid) {
    case OID_GEN_SUPPORTED_LIST: {
      ULONG copied = 0;
      if (room < sizeof g_SupportedOids) {
        *needed = sizeof g_SupportedOids;
        *written = 0;
        return NDIS_STATUS_BUFFER_TOO_SHORT;
      }
      CDriverListOids((PNDIS_OID)buffer, room / sizeof(NDIS_OID), g_SupportedOids,
                      RTL_NUMBER_OF(g_SupportedOids), &copied);
      *written = copied * sizeof(NDIS_OID);
      *needed = *written;
      return NDIS_STATUS_SUCCESS;
    }
    case OID_GEN_MEDIA_CONNECT_STATUS:
      value32 = a->Paused ? NdisMediaStateDisconnected : NdisMediaStateConnected;
      return CDriverCopyOut(buffer, room, &value32, sizeof value32, written, needed);
    case OID_GEN_MAXIMUM_FRAME_SIZE:
      value32 = C_MAX_FRAME - C_ETH_HEADER;
      return CDriverCopyOut(buffer, room, &value32, sizeof value32, written, needed);
    case OID_GEN_LINK_SPEED:
      value32 = 10000000; /* 1 Gb/s in 100 b/s units */
      return CDriverCopyOut(buffer, room, &value32, sizeof value32, written, needed);
    case OID_GEN_CURRENT_PACKET_FILTER:
      value32 = CDriverReadFilter(a);
      return CDriverCopyOut(buffer, room, &value32, sizeof value32, written, needed);
    case OID_GEN_CURRENT_LOOKAHEAD:
      value32 = a->Lookahead;
      return CDriverCopyOut(buffer, room, &value32, sizeof value32, written, needed);
    case OID_GEN_XMIT_OK:
    case OID_GEN_RCV_OK:
      value64 = (ULONG64)(Request->DATA.QUERY_INFORMATION.Oid == OID_GEN_XMIT_OK
                              ? g_Counters.NblsCompleted
                              : g_Counters.ReceivesIndicated);
      if (room >= sizeof value64)
        return CDriverCopyOut(buffer, room, &value64, sizeof value64, written, needed);
      value32 = (ULONG)value64;
      return CDriverCopyOut(buffer, room, &value32, sizeof value32, written, needed);
    case OID_GEN_STATISTICS: {
      NDIS_STATISTICS_INFO stats;
      KIRQL old;
      NdisZeroMemory(&stats, sizeof stats);
      stats.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
      stats.Header.Revision = NDIS_STATISTICS_INFO_REVISION_1;
      stats.Header.Size = (USHORT)sizeof stats;
      stats.SupportedStatistics = NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_RCV |
                                  NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_XMIT |
                                  NDIS_STATISTICS_FLAGS_VALID_RCV_DISCARDS;
      KeAcquireSpinLock(&a->StatsLock, &old);
      stats.ifHCInUcastPkts = (ULONG64)g_Counters.ReceivesIndicated;
      stats.ifHCOutUcastPkts = (ULONG64)g_Counters.NblsCompleted;
      stats.ifHCOutOctets = (ULONG64)g_Counters.BytesSent;
      stats.ifHCInOctets = (ULONG64)g_Counters.BytesReceived;
      stats.ifInDiscards = a->RxNoBuffer;
      KeReleaseSpinLock(&a->StatsLock, old);
      return CDriverCopyOut(buffer, room, &stats, sizeof stats, written, needed);
    }
    case OID_802_3_PERMANENT_ADDRESS:
      return CDriverCopyOut(buffer, room, g_DefaultMac, 6, written, needed);
    case OID_802_3_CURRENT_ADDRESS:
      return CDriverCopyOut(buffer, room, a->MacAddress, 6, written, needed);
    case OID_802_3_MAXIMUM_LIST_SIZE:
      value32 = 32;
      return CDriverCopyOut(buffer, room, &value32, sizeof value32, written, needed);
    case OID_GEN_VENDOR_DRIVER_VERSION:
      value32 = 0x00010000;
      return CDriverCopyOut(buffer, room, &value32, sizeof value32, written, needed);
    default:
      return NDIS_STATUS_NOT_SUPPORTED;
  }
}

_IRQL_requires_(PASSIVE_LEVEL)
static NDIS_STATUS CDriverSetOid(_Inout_ PC_ADAPTER a, _Inout_ PNDIS_OID_REQUEST Request) {
  PVOID buffer = Request->DATA.SET_INFORMATION.InformationBuffer;
  UINT length = Request->DATA.SET_INFORMATION.InformationBufferLength;
  ULONG value;

  switch (Request->DATA.SET_INFORMATION.Oid) {
    case OID_GEN_CURRENT_PACKET_FILTER:
    case OID_GEN_CURRENT_LOOKAHEAD:
      if (length < sizeof(ULONG)) {
        Request->DATA.SET_INFORMATION.BytesNeeded = sizeof(ULONG);
        return NDIS_STATUS_INVALID_LENGTH;
      }
      NdisMoveMemory(&value, buffer, sizeof value);
      if (Request->DATA.SET_INFORMATION.Oid == OID_GEN_CURRENT_PACKET_FILTER)
        CDriverWriteFilter(a, value);
      else
        a->Lookahead = value;
      Request->DATA.SET_INFORMATION.BytesRead = sizeof value;
      return NDIS_STATUS_SUCCESS;
    case OID_802_3_MULTICAST_LIST:
      if (length % 6 != 0) return NDIS_STATUS_INVALID_LENGTH;
      /* Programming the filter table takes a while: pend, and complete from a work item. */
      if (InterlockedCompareExchangePointer(&a->PendingOid, Request, NULL) != NULL)
        return NDIS_STATUS_RESOURCES;
      if (!CDriverQueueWork(&a->OidWork, CDriverOidWork, a)) {
        InterlockedExchangePointer(&a->PendingOid, NULL);
        return NDIS_STATUS_RESOURCES;
      }
      return NDIS_STATUS_PENDING;
    default:
      return NDIS_STATUS_NOT_SUPPORTED;
  }
}

_Use_decl_annotations_
_IRQL_requires_(PASSIVE_LEVEL)
VOID CDriverOidWork(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle) {
  PC_ADAPTER a = (PC_ADAPTER)WorkItemContext;
  PNDIS_OID_REQUEST request = (PNDIS_OID_REQUEST)InterlockedExchangePointer(&a->PendingOid, NULL);
  UNREFERENCED_PARAMETER(NdisIoWorkItemHandle);
  NdisMSleep(5);
  if (request) {
    request->DATA.SET_INFORMATION.BytesRead = request->DATA.SET_INFORMATION.InformationBufferLength;
    NdisMOidRequestComplete(a->AdapterHandle, request, NDIS_STATUS_SUCCESS);
  }
  CDriverWorkDone(&a->OidWork);
}

_Use_decl_annotations_
_IRQL_requires_(PASSIVE_LEVEL)
NDIS_STATUS CDriverOidRequest(NDIS_HANDLE MiniportAdapterContext, PNDIS_OID_REQUEST OidRequest) {
  PC_ADAPTER a = (PC_ADAPTER)MiniportAdapterContext;
  InterlockedIncrement(&g_Counters.OidRequests);
  switch (OidRequest->RequestType) {
    case NdisRequestQueryInformation:
    case NdisRequestQueryStatistics:
      return CDriverQueryOid(a, OidRequest);
    case NdisRequestSetInformation:
      return CDriverSetOid(a, OidRequest);
    default:
      return NDIS_STATUS_NOT_SUPPORTED;
  }
}

/* Direct OIDs: statistics queries only, at any IRQL up to DISPATCH_LEVEL, never pended. */
_Use_decl_annotations_
_IRQL_requires_max_(DISPATCH_LEVEL)
NDIS_STATUS CDriverDirectOidRequest(NDIS_HANDLE MiniportAdapterContext,
                                    PNDIS_OID_REQUEST OidRequest) {
  InterlockedIncrement(&g_Counters.OidRequests);
  if (OidRequest->RequestType != NdisRequestQueryInformation &&
      OidRequest->RequestType != NdisRequestQueryStatistics)
    return NDIS_STATUS_NOT_SUPPORTED;
  return CDriverQueryOid((PC_ADAPTER)MiniportAdapterContext, OidRequest);
}

/* The one pendable OID finishes in microseconds: nothing to cancel. */
_Use_decl_annotations_
VOID CDriverCancelOidRequest(NDIS_HANDLE MiniportAdapterContext, PVOID RequestId) {
  UNREFERENCED_PARAMETER(MiniportAdapterContext);
  UNREFERENCED_PARAMETER(RequestId);
}

_Use_decl_annotations_
VOID CDriverCancelDirectOidRequest(NDIS_HANDLE MiniportAdapterContext, PVOID RequestId) {
  UNREFERENCED_PARAMETER(MiniportAdapterContext);
  UNREFERENCED_PARAMETER(RequestId);
}

_Use_decl_annotations_
_IRQL_requires_max_(DISPATCH_LEVEL)
VOID CDriverCancelSend(NDIS_HANDLE MiniportAdapterContext, PVOID CancelId) {
  CDriverAbortSends((PC_ADAPTER)MiniportAdapterContext, CancelId);
}

_Use_decl_annotations_
_IRQL_requires_(DISPATCH_LEVEL)
BOOLEAN CDriverCheckForHang(NDIS_HANDLE MiniportAdapterContext) {
  PC_ADAPTER a = (PC_ADAPTER)MiniportAdapterContext;
  /* Gone: no reset helps; NDIS is asked once to take the adapter away. */
  if (a->SurpriseRemoved) {
    if (InterlockedExchange(&a->RemovalRequested, 1) == 0)
      (void)NdisMRemoveMiniport(a->AdapterHandle);
    return FALSE;
  }
  /* Hung: sends outstanding while the housekeeping timer stopped ticking. The reset is asked for
   * through NdisMResetMiniport, as returning TRUE would (NDIS queues MiniportResetEx). */
  if (a->OutstandingSends > 0 && a->TimerTicks == 0) NdisMResetMiniport(a->AdapterHandle);
  return FALSE;
}

/* Reset: pulse the device's reset, finish in a KDPC (NdisMResetComplete). */
_Use_decl_annotations_
_IRQL_requires_max_(DISPATCH_LEVEL)
NDIS_STATUS CDriverResetEx(NDIS_HANDLE MiniportAdapterContext, PBOOLEAN AddressingReset) {
  PC_ADAPTER a = (PC_ADAPTER)MiniportAdapterContext;
  *AddressingReset = FALSE;
  NdisWriteRegisterUlong(C_REG(a, C_DRIVER_REG_CTRL), C_CTRL_RESET | C_CTRL_ENABLE);
  if (!KeInsertQueueDpc(&a->ResetDpc, NULL, NULL)) return NDIS_STATUS_RESET_IN_PROGRESS;
  return NDIS_STATUS_PENDING;
}

_Use_decl_annotations_
VOID CDriverDevicePnPEventNotify(NDIS_HANDLE MiniportAdapterContext,
                                 PNET_DEVICE_PNP_EVENT NetDevicePnPEvent) {
  PC_ADAPTER a = (PC_ADAPTER)MiniportAdapterContext;
  if (NetDevicePnPEvent->DevicePnPEvent == NdisDevicePnPEventSurpriseRemoved)
    a->SurpriseRemoved = TRUE;
}

/* Shutdown may run at any IRQL: stop the DMA engine with one register write, nothing else. */
_Use_decl_annotations_
VOID CDriverShutdownEx(NDIS_HANDLE MiniportAdapterContext, NDIS_SHUTDOWN_ACTION ShutdownAction) {
  PC_ADAPTER a = (PC_ADAPTER)MiniportAdapterContext;
  UNREFERENCED_PARAMETER(ShutdownAction);
  NdisWriteRegisterUlong(C_REG(a, C_DRIVER_REG_CTRL), C_CTRL_RESET);
}

/* ------------------------------------------------------------------------------------------ */
/* Halt (and a failed initialize): undo everything, in reverse                                 */
/* ------------------------------------------------------------------------------------------ */
_IRQL_requires_(PASSIVE_LEVEL)
__drv_preferredFunction("CDriverRelease", "halt and failed initialize share one teardown")
__drv_when(a != NULL, __drv_arg(a, __drv_in(__drv_aliasesMem)))
__drv_out(__drv_neverHold(SpinLock))
__drv_neverHold(SpinLock)
_Pre_satisfies_(a != NULL)
_Post_satisfies_(g_Adapter == NULL)
_At_(a, _Frees_ptr_)
static VOID CDriverRelease(_Inout_ PC_ADAPTER a) {
  PC_RX_BUFFER buffers = NULL;
  ULONG count = 0, i;

  /* Deferred work first: nothing may run into the teardown. */
  if (a->Timer) {
    (void)NdisCancelTimerObject(a->Timer); /* periodic: also waits for a running callback */
    NdisFreeTimerObject(a->Timer);
    a->Timer = NULL;
  }
  if (a->DpcsInitialized) {
    (void)KeRemoveQueueDpc(&a->HousekeepingDpc);
    (void)KeRemoveQueueDpc(&a->ResetDpc);
  }
  CDriverFreeWork(&a->Housekeeping);
  CDriverFreeWork(&a->RestartWork);
  CDriverFreeWork(&a->OidWork);

  if (a->Interrupt) {
    (void)NdisMSynchronizeWithInterruptEx(a->Interrupt, 0, CDriverSyncMask, a);
    NdisMDeregisterInterruptEx(a->Interrupt); /* returns once no ISR or DPC runs */
    a->Interrupt = NULL;
  }
  if (a->LocksAllocated) CDriverAbortSends(a, NULL);
  if (a->DmaHandle) {
    NdisMDeregisterScatterGatherDma(a->DmaHandle);
    a->DmaHandle = NULL;
  }

  /* Receive: every NBL is back (halt follows a completed pause). */
  if (a->LocksAllocated) {
    while (!IsListEmpty(&a->RxFree)) (void)RemoveTailList(&a->RxFree);
  }
  CDriverRxArray(a, &buffers, &count);
  for (i = 0; i < count; ++i) {
    NdisFreeNetBufferList(buffers[i].Nbl);
    NdisFreeMdl(buffers[i].Mdl);
    NdisMFreeSharedMemory(a->AdapterHandle, C_RX_BUFFER_SIZE, FALSE, buffers[i].Va,
                          buffers[i].Pa);
  }
  if (a->RxNblPool) NdisFreeNetBufferListPool(a->RxNblPool);
  if (a->ResNbl) {
    NET_BUFFER_LIST_FIRST_NB(a->ResNbl) = NULL;
    NdisFreeNetBufferList(a->ResNbl);
  }
  if (a->ResNb) NdisFreeNetBuffer(a->ResNb);
  if (a->ResMdl) NdisFreeMdl(a->ResMdl);
  if (a->ResVa) CDriverFree(a->ResVa, C_RES_BUFFER_SIZE);
  if (a->ResNbPool) NdisFreeNetBufferPool(a->ResNbPool);
  if (a->ResNblPool) NdisFreeNetBufferListPool(a->ResNblPool);

  if (a->TxRing)
    NdisMFreeSharedMemory(a->AdapterHandle, C_TX_RING_SIZE * sizeof(C_TX_DESCRIPTOR), FALSE,
                          a->TxRing, a->TxRingPa);
  if (a->Scratch) {
    CDriverClear(a->Scratch, a->ScratchLength);
    NdisFreeMemoryWithTagPriority(a->AdapterHandle, a->Scratch, C_DRIVER_TAG);
  }

  if (a->PortsRegistered)
    NdisMDeregisterIoPortRange(a->AdapterHandle, C_DRIVER_PORT_BASE, C_DRIVER_PORT_COUNT,
                               a->PortBase);
  if (a->Bar0) NdisMUnmapIoSpace(a->AdapterHandle, a->Bar0, a->Bar0Length);

  if (a->FilterLock) NdisFreeRWLock(a->FilterLock);
  if (a->ConfigLock) NdisFreeRWLock(a->ConfigLock);
  if (a->LocksAllocated) {
    NdisFreeSpinLock(&a->TxListLock);
    NdisFreeSpinLock(&a->RecvLock);
    NdisFreeSpinLock(&a->SendLock);
  }
  g_Adapter = NULL;
  CDriverFree(a, sizeof *a);
}

_Use_decl_annotations_
_IRQL_requires_(PASSIVE_LEVEL)
VOID CDriverHaltEx(NDIS_HANDLE MiniportAdapterContext, NDIS_HALT_ACTION HaltAction) {
  PAGED_CODE();
  UNREFERENCED_PARAMETER(HaltAction);
  CDriverRelease((PC_ADAPTER)MiniportAdapterContext);
  InterlockedIncrement(&g_Counters.Halted);
}

/* An IRP dispatch routine of the (unregistered) control device: the annotation a WDK driver
 * puts on one. NDIS device objects are not modelled; nothing calls it. */
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL)
__drv_dispatchType(IRP_MJ_DEVICE_CONTROL)
static NTSTATUS CDriverDispatchControl(PVOID DeviceObject, PVOID Irp) {
  UNREFERENCED_PARAMETER(DeviceObject);
  UNREFERENCED_PARAMETER(Irp);
  return (NTSTATUS)NDIS_STATUS_NOT_SUPPORTED;
}
NTSTATUS (*const CDriverControlDispatch)(PVOID, PVOID) = CDriverDispatchControl;
/* clang-format on */
