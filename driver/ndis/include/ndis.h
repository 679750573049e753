/* ndis.h: the miniport-facing NDIS API of nicsim, in the WDK's names, shapes and values (NDIS 6.30
 * as the baseline), for C11 and C++20 drivers alike. Include it as <ndis.h>; nothing of the
 * simulator is reachable from here.
 *
 * Every entry point is a macro that forwards to a Nicsim-prefixed function with the caller's
 * __FILE__, __LINE__ and __func__, so the verifier's reports name the driver's source line in C as
 * in C++. Names that start with Nicsim have no WDK counterpart; a driver never has to use them
 * (driver/ndis/README.md lists them, with what is and is not modelled). */
#ifndef NICSIM_NDIS_H_
#define NICSIM_NDIS_H_

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
#define NICSIM_EXTERN_C_BEGIN extern "C" {
#define NICSIM_EXTERN_C_END }
#else
#define NICSIM_EXTERN_C_BEGIN
#define NICSIM_EXTERN_C_END
#endif

/* nicsim's race checker: driver code compiled with GCC's -fsanitize=thread still calls the C
 * library's memcpy, memset and memmove, which would copy unchecked. Name nicsim's runtime
 * instead, as Clang's instrumentation does itself, so every copy into or out of driver memory is
 * checked too. */
#if defined(__SANITIZE_THREAD__) && defined(__GNUC__) && !defined(__clang__)
NICSIM_EXTERN_C_BEGIN
void *memcpy(void *, const void *, size_t) __asm__("__tsan_memcpy");
void *memmove(void *, const void *, size_t) __asm__("__tsan_memmove");
void *memset(void *, int, size_t) __asm__("__tsan_memset");
NICSIM_EXTERN_C_END
#endif

/* The call site every entry point receives. */
#define NICSIM_CALL_SITE __FILE__, __LINE__, __func__
#define NICSIM_CALL_SITE_PARAMS const char *NicsimFile, int NicsimLine, const char *NicsimFunction

/* ------------------------------------------------------------------------------------------ */
/* Basic types (ntdef.h, basetsd.h)                                                            */
/* ------------------------------------------------------------------------------------------ */
#ifndef VOID
#define VOID void
#endif
typedef void *PVOID;
typedef char CHAR;
typedef CHAR CCHAR;
typedef uint8_t UCHAR, *PUCHAR;
typedef int16_t SHORT;
typedef uint16_t USHORT, *PUSHORT;
typedef int32_t LONG, *PLONG;
typedef uint32_t ULONG, *PULONG;
typedef unsigned int UINT, *PUINT;
typedef int64_t LONGLONG, LONG64;
typedef uint64_t ULONGLONG, ULONG64, *PULONG64;
typedef uintptr_t ULONG_PTR, SIZE_T;
typedef intptr_t LONG_PTR;
typedef UCHAR BOOLEAN, *PBOOLEAN;
typedef UCHAR KIRQL, *PKIRQL;
typedef ULONG_PTR KAFFINITY;
typedef LONG NTSTATUS;
typedef int NDIS_STATUS, *PNDIS_STATUS;
typedef PVOID NDIS_HANDLE, *PNDIS_HANDLE;
typedef ULONG NDIS_PORT_NUMBER, *PNDIS_PORT_NUMBER;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

typedef union _LARGE_INTEGER {
  struct {
    ULONG LowPart;
    LONG HighPart;
  } u;
  LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef LARGE_INTEGER PHYSICAL_ADDRESS, *PPHYSICAL_ADDRESS;
typedef PHYSICAL_ADDRESS NDIS_PHYSICAL_ADDRESS, *PNDIS_PHYSICAL_ADDRESS;

#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)

#define PASSIVE_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2

/* ------------------------------------------------------------------------------------------ */
/* Status values (ndis.h, ntstatus.h)                                                          */
/* ------------------------------------------------------------------------------------------ */
#define NDIS_STATUS_SUCCESS ((NDIS_STATUS)0x00000000L)
#define NDIS_STATUS_PENDING ((NDIS_STATUS)0x00000103L)
#define NDIS_STATUS_NOT_RECOGNIZED ((NDIS_STATUS)0x00010001L)
#define NDIS_STATUS_NOT_COPIED ((NDIS_STATUS)0x00010002L)
#define NDIS_STATUS_NOT_ACCEPTED ((NDIS_STATUS)0x00010003L)
#define NDIS_STATUS_RESET_START ((NDIS_STATUS)0x40010004L)
#define NDIS_STATUS_RESET_END ((NDIS_STATUS)0x40010005L)
#define NDIS_STATUS_MEDIA_CONNECT ((NDIS_STATUS)0x4001000BL)
#define NDIS_STATUS_MEDIA_DISCONNECT ((NDIS_STATUS)0x4001000CL)
#define NDIS_STATUS_LINK_STATE ((NDIS_STATUS)0x40010017L)
#define NDIS_STATUS_NOT_RESETTABLE ((NDIS_STATUS)0x80010001L)
#define NDIS_STATUS_SOFT_ERRORS ((NDIS_STATUS)0x80010003L)
#define NDIS_STATUS_HARD_ERRORS ((NDIS_STATUS)0x80010004L)
#define NDIS_STATUS_BUFFER_OVERFLOW ((NDIS_STATUS)0x80000005L)
#define NDIS_STATUS_FAILURE ((NDIS_STATUS)0xC0000001L)
#define NDIS_STATUS_INVALID_PARAMETER ((NDIS_STATUS)0xC000000DL)
#define NDIS_STATUS_INVALID_DEVICE_REQUEST ((NDIS_STATUS)0xC0000010L)
#define NDIS_STATUS_RESOURCES ((NDIS_STATUS)0xC000009AL)
#define NDIS_STATUS_NOT_SUPPORTED ((NDIS_STATUS)0xC00000BBL)
#define NDIS_STATUS_INVALID_STATE ((NDIS_STATUS)0xC0000184L)
#define NDIS_STATUS_CLOSING ((NDIS_STATUS)0xC0010002L)
#define NDIS_STATUS_BAD_VERSION ((NDIS_STATUS)0xC0010004L)
#define NDIS_STATUS_BAD_CHARACTERISTICS ((NDIS_STATUS)0xC0010005L)
#define NDIS_STATUS_ADAPTER_NOT_FOUND ((NDIS_STATUS)0xC0010006L)
#define NDIS_STATUS_DEVICE_FAILED ((NDIS_STATUS)0xC0010008L)
#define NDIS_STATUS_MULTICAST_FULL ((NDIS_STATUS)0xC0010009L)
#define NDIS_STATUS_REQUEST_ABORTED ((NDIS_STATUS)0xC001000CL)
#define NDIS_STATUS_RESET_IN_PROGRESS ((NDIS_STATUS)0xC001000DL)
#define NDIS_STATUS_ADAPTER_NOT_READY ((NDIS_STATUS)0xC0010011L)
#define NDIS_STATUS_INVALID_LENGTH ((NDIS_STATUS)0xC0010014L)
#define NDIS_STATUS_INVALID_DATA ((NDIS_STATUS)0xC0010015L)
#define NDIS_STATUS_BUFFER_TOO_SHORT ((NDIS_STATUS)0xC0010016L)
#define NDIS_STATUS_INVALID_OID ((NDIS_STATUS)0xC0010017L)
#define NDIS_STATUS_ADAPTER_REMOVED ((NDIS_STATUS)0xC0010018L)
#define NDIS_STATUS_SEND_ABORTED ((NDIS_STATUS)0xC023000CL)
#define NDIS_STATUS_MEDIA_DISCONNECTED ((NDIS_STATUS)0xC023001FL)
#define NDIS_STATUS_PAUSED ((NDIS_STATUS)0xC023002AL)
#define NDIS_STATUS_LOW_POWER_STATE ((NDIS_STATUS)0xC023002FL)

#define NDIS_DEFAULT_PORT_NUMBER ((NDIS_PORT_NUMBER)0)

typedef struct _NDIS_OBJECT_HEADER {
  UCHAR Type;
  UCHAR Revision;
  USHORT Size;
} NDIS_OBJECT_HEADER, *PNDIS_OBJECT_HEADER;

#define NDIS_OBJECT_TYPE_DEFAULT 0x80
#define NDIS_OBJECT_TYPE_MINIPORT_INIT_PARAMETERS 0x81
#define NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION 0x83
#define NDIS_OBJECT_TYPE_MINIPORT_INTERRUPT 0x84
#define NDIS_OBJECT_TYPE_DEVICE_OBJECT_ATTRIBUTES 0x85
#define NDIS_OBJECT_TYPE_RSS_CAPABILITIES 0x88
#define NDIS_OBJECT_TYPE_RSS_PARAMETERS 0x89
#define NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS 0x8A
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES 0x9E
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES 0x9F
#define NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES 0xA0

#define NDIS_MINIPORT_INIT_PARAMETERS_REVISION_1 1
#define NDIS_MINIPORT_INTERRUPT_REVISION_1 1
#define NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_1 1
#define NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2 2
#define NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1 1

typedef struct _GROUP_AFFINITY {
  KAFFINITY Mask;
  USHORT Group;
  USHORT Reserved[3];
} GROUP_AFFINITY, *PGROUP_AFFINITY;

NICSIM_EXTERN_C_BEGIN

/* ------------------------------------------------------------------------------------------ */
/* Processor and IRQL                                                                          */
/* ------------------------------------------------------------------------------------------ */
ULONG NicsimKeGetCurrentProcessorNumber(void);
KIRQL NicsimKeGetCurrentIrql(void);
CCHAR NicsimNdisSystemProcessorCount(void);
#define KeGetCurrentProcessorNumber() NicsimKeGetCurrentProcessorNumber()
#define KeGetCurrentIrql() NicsimKeGetCurrentIrql()
#define NDIS_CURRENT_IRQL() NicsimKeGetCurrentIrql()
#define NdisSystemProcessorCount() NicsimNdisSystemProcessorCount()

/* ------------------------------------------------------------------------------------------ */
/* Spin locks. NdisAcquireSpinLock raises to DISPATCH_LEVEL and keeps the old IRQL in the lock;  */
/* the Dpr variants run only at DISPATCH_LEVEL and leave the IRQL alone.                        */
/* ------------------------------------------------------------------------------------------ */
typedef ULONG_PTR KSPIN_LOCK, *PKSPIN_LOCK;
typedef struct _NDIS_SPIN_LOCK {
  KSPIN_LOCK SpinLock;
  KIRQL OldIrql;
} NDIS_SPIN_LOCK, *PNDIS_SPIN_LOCK;

/* Name: what the reports and the waves call the lock ("RcvLock"). */
VOID NicsimNdisAllocateSpinLock(PNDIS_SPIN_LOCK SpinLock, const char *Name,
                                NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock, NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock, BOOLEAN Dpr, NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock, BOOLEAN Dpr, NICSIM_CALL_SITE_PARAMS);
/* The lock is named after the expression: "&Adapter->RcvLock" shows as "RcvLock". */
#define NdisAllocateSpinLock(SpinLock) \
  NicsimNdisAllocateSpinLock((SpinLock), #SpinLock, NICSIM_CALL_SITE)
/* Nicsim: the same under a name of the caller's choosing. */
#define NicsimAllocateSpinLockNamed(SpinLock, Name) \
  NicsimNdisAllocateSpinLock((SpinLock), (Name), NICSIM_CALL_SITE)
#define NdisFreeSpinLock(SpinLock) NicsimNdisFreeSpinLock((SpinLock), NICSIM_CALL_SITE)
#define NdisAcquireSpinLock(SpinLock) NicsimNdisAcquireSpinLock((SpinLock), FALSE, NICSIM_CALL_SITE)
#define NdisReleaseSpinLock(SpinLock) NicsimNdisReleaseSpinLock((SpinLock), FALSE, NICSIM_CALL_SITE)
#define NdisDprAcquireSpinLock(SpinLock) \
  NicsimNdisAcquireSpinLock((SpinLock), TRUE, NICSIM_CALL_SITE)
#define NdisDprReleaseSpinLock(SpinLock) \
  NicsimNdisReleaseSpinLock((SpinLock), TRUE, NICSIM_CALL_SITE)

/* ------------------------------------------------------------------------------------------ */
/* Interrupts                                                                                  */
/* ------------------------------------------------------------------------------------------ */
typedef BOOLEAN(MINIPORT_ISR)(NDIS_HANDLE MiniportInterruptContext,
                              PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors);
typedef VOID(MINIPORT_INTERRUPT_DPC)(NDIS_HANDLE MiniportInterruptContext, PVOID MiniportDpcContext,
                                     PVOID ReceiveThrottleParameters, PVOID NdisReserved2);
typedef VOID(MINIPORT_DISABLE_INTERRUPT)(NDIS_HANDLE MiniportInterruptContext);
typedef VOID(MINIPORT_ENABLE_INTERRUPT)(NDIS_HANDLE MiniportInterruptContext);
typedef BOOLEAN(MINIPORT_MESSAGE_INTERRUPT)(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                                            PBOOLEAN QueueDefaultInterruptDpc,
                                            PULONG TargetProcessors);
typedef VOID(MINIPORT_MESSAGE_INTERRUPT_DPC)(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                                             PVOID MiniportDpcContext,
                                             PVOID ReceiveThrottleParameters, PVOID NdisReserved2);
typedef VOID(MINIPORT_DISABLE_MESSAGE_INTERRUPT)(NDIS_HANDLE MiniportInterruptContext,
                                                 ULONG MessageId);
typedef VOID(MINIPORT_ENABLE_MESSAGE_INTERRUPT)(NDIS_HANDLE MiniportInterruptContext,
                                                ULONG MessageId);
typedef BOOLEAN(MINIPORT_SYNCHRONIZE_INTERRUPT)(NDIS_HANDLE SynchronizeContext);

typedef MINIPORT_ISR(*MINIPORT_ISR_HANDLER);
typedef MINIPORT_INTERRUPT_DPC(*MINIPORT_INTERRUPT_DPC_HANDLER);
typedef MINIPORT_DISABLE_INTERRUPT(*MINIPORT_DISABLE_INTERRUPT_HANDLER);
typedef MINIPORT_ENABLE_INTERRUPT(*MINIPORT_ENABLE_INTERRUPT_HANDLER);
typedef MINIPORT_MESSAGE_INTERRUPT(*MINIPORT_MESSAGE_INTERRUPT_HANDLER);
typedef MINIPORT_MESSAGE_INTERRUPT_DPC(*MINIPORT_MESSAGE_INTERRUPT_DPC_HANDLER);
typedef MINIPORT_DISABLE_MESSAGE_INTERRUPT(*MINIPORT_DISABLE_MESSAGE_INTERRUPT_HANDLER);
typedef MINIPORT_ENABLE_MESSAGE_INTERRUPT(*MINIPORT_ENABLE_MESSAGE_INTERRUPT_HANDLER);
typedef MINIPORT_SYNCHRONIZE_INTERRUPT(*MINIPORT_SYNCHRONIZE_INTERRUPT_HANDLER);
typedef MINIPORT_SYNCHRONIZE_INTERRUPT(*PMINIPORT_SYNCHRONIZE_INTERRUPT);

typedef enum _NDIS_INTERRUPT_TYPE {
  NDIS_CONNECT_LINE_BASED = 1,
  NDIS_CONNECT_MESSAGE_BASED
} NDIS_INTERRUPT_TYPE,
    *PNDIS_INTERRUPT_TYPE;

#define NDIS_MAX_INTERRUPT_MESSAGES 32

/* One connected message: what the driver programs into the device's MSI-X table entry. */
typedef struct _IO_INTERRUPT_MESSAGE_INFO_ENTRY {
  PHYSICAL_ADDRESS MessageAddress;
  KAFFINITY TargetProcessorSet;
  PVOID InterruptObject;
  ULONG MessageData;
  ULONG Vector;
  KIRQL Irql;
  ULONG Mode;
  ULONG Polarity;
} IO_INTERRUPT_MESSAGE_INFO_ENTRY, *PIO_INTERRUPT_MESSAGE_INFO_ENTRY;

typedef struct _IO_INTERRUPT_MESSAGE_INFO {
  KIRQL UnifiedIrql;
  ULONG MessageCount;
  IO_INTERRUPT_MESSAGE_INFO_ENTRY MessageInfo[NDIS_MAX_INTERRUPT_MESSAGES];
} IO_INTERRUPT_MESSAGE_INFO, *PIO_INTERRUPT_MESSAGE_INFO;

typedef struct _NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS {
  NDIS_OBJECT_HEADER Header;
  MINIPORT_ISR_HANDLER InterruptHandler;
  MINIPORT_INTERRUPT_DPC_HANDLER InterruptDpcHandler;
  MINIPORT_DISABLE_INTERRUPT_HANDLER DisableInterruptHandler;
  MINIPORT_ENABLE_INTERRUPT_HANDLER EnableInterruptHandler;
  BOOLEAN MsiSupported;
  BOOLEAN MsiSyncWithAllMessages;
  MINIPORT_MESSAGE_INTERRUPT_HANDLER MessageInterruptHandler;
  MINIPORT_MESSAGE_INTERRUPT_DPC_HANDLER MessageInterruptDpcHandler;
  MINIPORT_DISABLE_MESSAGE_INTERRUPT_HANDLER DisableMessageInterruptHandler;
  MINIPORT_ENABLE_MESSAGE_INTERRUPT_HANDLER EnableMessageInterruptHandler;
  /* Out: how the interrupt was connected, and the messages when message-based. */
  NDIS_INTERRUPT_TYPE InterruptType;
  PIO_INTERRUPT_MESSAGE_INFO MessageInfoTable;
} NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS, *PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS;

/* Runs at PASSIVE_LEVEL. The ISR may run before this returns. */
NDIS_STATUS NicsimNdisMRegisterInterruptEx(
    NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportInterruptContext,
    PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS MiniportInterruptCharacteristics,
    PNDIS_HANDLE NdisInterruptHandle, NICSIM_CALL_SITE_PARAMS);
/* Runs at PASSIVE_LEVEL; returns once no ISR or DPC of this interrupt runs any more. */
VOID NicsimNdisMDeregisterInterruptEx(NDIS_HANDLE NdisInterruptHandle, NICSIM_CALL_SITE_PARAMS);
/* Raises to the interrupt's (or message's) DIRQL under its interrupt lock and runs the callback. */
BOOLEAN NicsimNdisMSynchronizeWithInterruptEx(
    NDIS_HANDLE NdisInterruptHandle, ULONG MessageId,
    MINIPORT_SYNCHRONIZE_INTERRUPT_HANDLER SynchronizeFunction, PVOID SynchronizeContext,
    NICSIM_CALL_SITE_PARAMS);
/* Queues the interrupt's (message's) DPC on each CPU of TargetProcessors->Mask (NULL: this CPU).
 * Returns the CPUs where it was newly queued (an already-queued DPC coalesces). */
KAFFINITY NicsimNdisMQueueDpcEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId,
                                PGROUP_AFFINITY TargetProcessors, PVOID MiniportDpcContext,
                                NICSIM_CALL_SITE_PARAMS);
/* The same with a bit mask of CPUs. */
ULONG NicsimNdisMQueueDpc(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId, ULONG TargetProcessors,
                          PVOID MiniportDpcContext, NICSIM_CALL_SITE_PARAMS);
#define NdisMRegisterInterruptEx(MiniportAdapterHandle, MiniportInterruptContext,           \
                                 MiniportInterruptCharacteristics, NdisInterruptHandle)     \
  NicsimNdisMRegisterInterruptEx((MiniportAdapterHandle), (MiniportInterruptContext),       \
                                 (MiniportInterruptCharacteristics), (NdisInterruptHandle), \
                                 NICSIM_CALL_SITE)
#define NdisMDeregisterInterruptEx(NdisInterruptHandle) \
  NicsimNdisMDeregisterInterruptEx((NdisInterruptHandle), NICSIM_CALL_SITE)
#define NdisMSynchronizeWithInterruptEx(NdisInterruptHandle, MessageId, SynchronizeFunction,       \
                                        SynchronizeContext)                                        \
  NicsimNdisMSynchronizeWithInterruptEx((NdisInterruptHandle), (MessageId), (SynchronizeFunction), \
                                        (SynchronizeContext), NICSIM_CALL_SITE)
#define NdisMQueueDpcEx(NdisInterruptHandle, MessageId, TargetProcessors, MiniportDpcContext) \
  NicsimNdisMQueueDpcEx((NdisInterruptHandle), (MessageId), (TargetProcessors),               \
                        (MiniportDpcContext), NICSIM_CALL_SITE)
#define NdisMQueueDpc(NdisInterruptHandle, MessageId, TargetProcessors, MiniportDpcContext) \
  NicsimNdisMQueueDpc((NdisInterruptHandle), (MessageId), (TargetProcessors),               \
                      (MiniportDpcContext), NICSIM_CALL_SITE)

/* ------------------------------------------------------------------------------------------ */
/* Register access. NdisMMapIoSpace returns a virtual base; register pointers inside it decode  */
/* to BAR offsets and become AXI4-Lite transactions on the NIC's pins.                          */
/* ------------------------------------------------------------------------------------------ */
NDIS_STATUS NicsimNdisMMapIoSpace(PVOID *VirtualAddress, NDIS_HANDLE MiniportAdapterHandle,
                                  NDIS_PHYSICAL_ADDRESS PhysicalAddress, UINT Length,
                                  NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisMUnmapIoSpace(NDIS_HANDLE MiniportAdapterHandle, PVOID VirtualAddress, UINT Length,
                             NICSIM_CALL_SITE_PARAMS);
/* Nicsim: declares a register whose writes change the device's interrupt mask (mask set/clear,
 * an MSI-X vector control); writing it below DIRQL outside a synchronize callback is a
 * violation (MASK_OUTSIDE_SYNC). */
VOID NicsimDeclareInterruptMaskRegisterAt(volatile ULONG *Register, NICSIM_CALL_SITE_PARAMS);
#define NicsimDeclareInterruptMaskRegister(Register) \
  NicsimDeclareInterruptMaskRegisterAt((volatile ULONG *)(Register), NICSIM_CALL_SITE)
#define NdisMMapIoSpace(VirtualAddress, MiniportAdapterHandle, PhysicalAddress, Length)         \
  NicsimNdisMMapIoSpace((VirtualAddress), (MiniportAdapterHandle), (PhysicalAddress), (Length), \
                        NICSIM_CALL_SITE)
#define NdisMUnmapIoSpace(MiniportAdapterHandle, VirtualAddress, Length) \
  NicsimNdisMUnmapIoSpace((MiniportAdapterHandle), (VirtualAddress), (Length), NICSIM_CALL_SITE)

/* ------------------------------------------------------------------------------------------ */
/* Time, waiting and events                                                                    */
/* ------------------------------------------------------------------------------------------ */
typedef struct _NDIS_EVENT {
  ULONG_PTR Event; /* opaque */
  BOOLEAN Signaled;
} NDIS_EVENT, *PNDIS_EVENT;

VOID NicsimNdisStallExecution(UINT MicrosecondsToStall, NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisMSleep(ULONG MicrosecondsToSleep, NICSIM_CALL_SITE_PARAMS);
/* 100 ns units since 1601-01-01, as on Windows; the simulated clock's time 0 is 1970-01-01. */
VOID NicsimNdisGetCurrentSystemTime(PLARGE_INTEGER pSystemTime, NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisSetEvent(PNDIS_EVENT Event, BOOLEAN Signaled, NICSIM_CALL_SITE_PARAMS);
/* Waits up to MsToWait ms (0: forever). TRUE when the event was signaled. */
BOOLEAN NicsimNdisWaitEvent(PNDIS_EVENT Event, UINT MsToWait, NICSIM_CALL_SITE_PARAMS);
#define NdisStallExecution(MicrosecondsToStall) \
  NicsimNdisStallExecution((MicrosecondsToStall), NICSIM_CALL_SITE)
#define NdisMSleep(MicrosecondsToSleep) NicsimNdisMSleep((MicrosecondsToSleep), NICSIM_CALL_SITE)
#define NdisGetCurrentSystemTime(pSystemTime) \
  NicsimNdisGetCurrentSystemTime((pSystemTime), NICSIM_CALL_SITE)
#define NdisInitializeEvent(NdisEvent) ((NdisEvent)->Event = 0, (NdisEvent)->Signaled = FALSE)
#define NdisSetEvent(Event) NicsimNdisSetEvent((Event), TRUE, NICSIM_CALL_SITE)
#define NdisResetEvent(Event) NicsimNdisSetEvent((Event), FALSE, NICSIM_CALL_SITE)
#define NdisWaitEvent(Event, MsToWait) NicsimNdisWaitEvent((Event), (MsToWait), NICSIM_CALL_SITE)

/* ------------------------------------------------------------------------------------------ */
/* Memory                                                                                      */
/* ------------------------------------------------------------------------------------------ */
typedef enum _EX_POOL_PRIORITY {
  LowPoolPriority = 0,
  LowPoolPrioritySpecialPoolOverrun = 8,
  LowPoolPrioritySpecialPoolUnderrun = 9,
  NormalPoolPriority = 16,
  NormalPoolPrioritySpecialPoolOverrun = 24,
  NormalPoolPrioritySpecialPoolUnderrun = 25,
  HighPoolPriority = 32,
  HighPoolPrioritySpecialPoolOverrun = 40,
  HighPoolPrioritySpecialPoolUnderrun = 41
} EX_POOL_PRIORITY;

/* Ordinary (non-DMA) memory, zeroed. */
PVOID NicsimNdisAllocateMemoryWithTagPriority(NDIS_HANDLE NdisHandle, UINT Length, ULONG Tag,
                                              EX_POOL_PRIORITY Priority, NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisFreeMemory(PVOID VirtualAddress, UINT Length, UINT MemoryFlags,
                          NICSIM_CALL_SITE_PARAMS);
#define NdisAllocateMemoryWithTagPriority(NdisHandle, Length, Tag, Priority)         \
  NicsimNdisAllocateMemoryWithTagPriority((NdisHandle), (Length), (Tag), (Priority), \
                                          NICSIM_CALL_SITE)
#define NdisFreeMemory(VirtualAddress, Length, MemoryFlags) \
  NicsimNdisFreeMemory((VirtualAddress), (Length), (MemoryFlags), NICSIM_CALL_SITE)
#define NdisMoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#define NdisZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define NdisFillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))

/* DMA-able shared memory: grants the device the range. */
VOID NicsimNdisMAllocateSharedMemory(NDIS_HANDLE MiniportAdapterHandle, ULONG Length,
                                     BOOLEAN Cached, PVOID *VirtualAddress,
                                     PNDIS_PHYSICAL_ADDRESS PhysicalAddress,
                                     NICSIM_CALL_SITE_PARAMS);
/* Revokes the device's grant. */
VOID NicsimNdisMFreeSharedMemory(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached,
                                 PVOID VirtualAddress, NDIS_PHYSICAL_ADDRESS PhysicalAddress,
                                 NICSIM_CALL_SITE_PARAMS);
#define NdisMAllocateSharedMemory(MiniportAdapterHandle, Length, Cached, VirtualAddress,         \
                                  PhysicalAddress)                                               \
  NicsimNdisMAllocateSharedMemory((MiniportAdapterHandle), (Length), (Cached), (VirtualAddress), \
                                  (PhysicalAddress), NICSIM_CALL_SITE)
#define NdisMFreeSharedMemory(MiniportAdapterHandle, Length, Cached, VirtualAddress,         \
                              PhysicalAddress)                                               \
  NicsimNdisMFreeSharedMemory((MiniportAdapterHandle), (Length), (Cached), (VirtualAddress), \
                              (PhysicalAddress), NICSIM_CALL_SITE)

/* Nicsim (modelled on DMA sync calls): hands [VirtualAddress, +Length) of shared memory to the
 * device (before a doorbell) or back to the CPU (after the device reported completion). */
VOID NicsimSyncBufferForDeviceAt(PVOID VirtualAddress, ULONG Length, NICSIM_CALL_SITE_PARAMS);
VOID NicsimSyncBufferForCpuAt(PVOID VirtualAddress, ULONG Length, NICSIM_CALL_SITE_PARAMS);
/* Nicsim: checked shared-memory accessors. Each is a yield point and reports
 * CPU_TOUCHES_DEVICE_BUFFER while the device owns the range. */
ULONG NicsimReadSharedUlongAt(const volatile VOID *Address, NICSIM_CALL_SITE_PARAMS);
VOID NicsimWriteSharedUlongAt(volatile VOID *Address, ULONG Value, NICSIM_CALL_SITE_PARAMS);
ULONG64 NicsimReadSharedUlong64At(const volatile VOID *Address, NICSIM_CALL_SITE_PARAMS);
VOID NicsimWriteSharedUlong64At(volatile VOID *Address, ULONG64 Value, NICSIM_CALL_SITE_PARAMS);
VOID NicsimMoveFromSharedAt(PVOID Destination, const volatile VOID *SharedSource, ULONG Length,
                            NICSIM_CALL_SITE_PARAMS);
VOID NicsimMoveToSharedAt(volatile VOID *SharedDestination, const VOID *Source, ULONG Length,
                          NICSIM_CALL_SITE_PARAMS);
#define NicsimSyncBufferForDevice(VirtualAddress, Length) \
  NicsimSyncBufferForDeviceAt((VirtualAddress), (Length), NICSIM_CALL_SITE)
#define NicsimSyncBufferForCpu(VirtualAddress, Length) \
  NicsimSyncBufferForCpuAt((VirtualAddress), (Length), NICSIM_CALL_SITE)
#define NicsimReadSharedUlong(Address) NicsimReadSharedUlongAt((Address), NICSIM_CALL_SITE)
#define NicsimWriteSharedUlong(Address, Value) \
  NicsimWriteSharedUlongAt((Address), (Value), NICSIM_CALL_SITE)
#define NicsimReadSharedUlong64(Address) NicsimReadSharedUlong64At((Address), NICSIM_CALL_SITE)
#define NicsimWriteSharedUlong64(Address, Value) \
  NicsimWriteSharedUlong64At((Address), (Value), NICSIM_CALL_SITE)
#define NicsimMoveFromShared(Destination, SharedSource, Length) \
  NicsimMoveFromSharedAt((Destination), (SharedSource), (Length), NICSIM_CALL_SITE)
#define NicsimMoveToShared(SharedDestination, Source, Length) \
  NicsimMoveToSharedAt((SharedDestination), (Source), (Length), NICSIM_CALL_SITE)

/* ------------------------------------------------------------------------------------------ */
/* Data path: MDLs (wdm.h), NET_BUFFER and NET_BUFFER_LIST (nbl.h), their pools, scatter-gather. */
/* ------------------------------------------------------------------------------------------ */
typedef SHORT CSHORT;

typedef struct _MDL {
  struct _MDL *Next;
  CSHORT Size;
  CSHORT MdlFlags;
  PVOID Process; /* struct _EPROCESS *: not modelled */
  PVOID MappedSystemVa;
  PVOID StartVa;
  ULONG ByteCount;
  ULONG ByteOffset;
} MDL, *PMDL;

#define MDL_MAPPED_TO_SYSTEM_VA 0x0001
#define MDL_PAGES_LOCKED 0x0002
#define MDL_SOURCE_IS_NONPAGED_POOL 0x0004

typedef enum _MM_PAGE_PRIORITY {
  LowPagePriority,
  NormalPagePriority = 16,
  HighPagePriority = 32
} MM_PAGE_PRIORITY;
#define MdlMappingNoWrite 0x80000000
#define MdlMappingNoExecute 0x40000000

#define MmGetMdlVirtualAddress(Mdl) ((PVOID)((PUCHAR)((Mdl)->StartVa) + (Mdl)->ByteOffset))
#define MmGetMdlByteCount(Mdl) ((Mdl)->ByteCount)
#define MmGetMdlByteOffset(Mdl) ((Mdl)->ByteOffset)
/* Every nicsim MDL describes mapped non-paged memory: the system address is always there. */
#define MmGetSystemAddressForMdlSafe(Mdl, Priority) ((void)(Priority), (Mdl)->MappedSystemVa)
#define NDIS_MDL_LINKAGE(Mdl) ((Mdl)->Next)
#define NdisGetNextMdl(CurrentMdl, NextMdl) ((NextMdl) = (CurrentMdl)->Next)
#define NdisQueryMdl(Mdl, VirtualAddress, Length, Priority)                       \
  do {                                                                            \
    *(PVOID *)(VirtualAddress) = MmGetSystemAddressForMdlSafe((Mdl), (Priority)); \
    *(Length) = MmGetMdlByteCount(Mdl);                                           \
  } while (0)
#define NdisQueryMdlOffset(Mdl, Offset, Length) \
  do {                                          \
    *(Offset) = MmGetMdlByteOffset(Mdl);        \
    *(Length) = MmGetMdlByteCount(Mdl);         \
  } while (0)

/* x64 shape: 16 bytes, 16-byte aligned. */
typedef union __attribute__((aligned(16))) _SLIST_HEADER {
  struct {
    ULONGLONG Alignment;
    ULONGLONG Region;
  } s;
  ULONGLONG HeaderX64[2];
} SLIST_HEADER, *PSLIST_HEADER;

typedef struct _SCATTER_GATHER_ELEMENT {
  PHYSICAL_ADDRESS Address;
  ULONG Length;
  ULONG_PTR Reserved;
} SCATTER_GATHER_ELEMENT, *PSCATTER_GATHER_ELEMENT;

typedef struct _SCATTER_GATHER_LIST {
  ULONG NumberOfElements;
  ULONG_PTR Reserved;
  SCATTER_GATHER_ELEMENT Elements[];
} SCATTER_GATHER_LIST, *PSCATTER_GATHER_LIST;

typedef struct _NET_BUFFER NET_BUFFER, *PNET_BUFFER;
typedef struct _NET_BUFFER_LIST NET_BUFFER_LIST, *PNET_BUFFER_LIST;
typedef struct _NET_BUFFER_LIST_CONTEXT NET_BUFFER_LIST_CONTEXT, *PNET_BUFFER_LIST_CONTEXT;

typedef struct _NET_BUFFER_SHARED_MEMORY {
  struct _NET_BUFFER_SHARED_MEMORY *NextSharedMemorySegment;
  ULONG SharedMemoryFlags;
  NDIS_HANDLE SharedMemoryHandle;
  ULONG SharedMemoryOffset;
  ULONG SharedMemoryLength;
} NET_BUFFER_SHARED_MEMORY, *PNET_BUFFER_SHARED_MEMORY;

typedef struct _NET_BUFFER_DATA {
  PNET_BUFFER Next;
  PMDL CurrentMdl;
  ULONG CurrentMdlOffset;
  union {
    ULONG DataLength;
    SIZE_T stDataLength;
  };
  PMDL MdlChain;
  ULONG DataOffset;
} NET_BUFFER_DATA, *PNET_BUFFER_DATA;

typedef union _NET_BUFFER_HEADER {
  NET_BUFFER_DATA NetBufferData;
  SLIST_HEADER Link;
} NET_BUFFER_HEADER, *PNET_BUFFER_HEADER;

struct _NET_BUFFER {
  union {
    struct {
      PNET_BUFFER Next;
      PMDL CurrentMdl;
      ULONG CurrentMdlOffset;
      union {
        ULONG DataLength;
        SIZE_T stDataLength;
      };
      PMDL MdlChain;
      ULONG DataOffset;
    };
    SLIST_HEADER Link;
    NET_BUFFER_HEADER NetBufferHeader;
  };
  USHORT ChecksumBias;
  USHORT Reserved;
  NDIS_HANDLE NdisPoolHandle;
  PVOID NdisReserved[2];
  PVOID ProtocolReserved[6];
  PVOID MiniportReserved[4];
  NDIS_PHYSICAL_ADDRESS DataPhysicalAddress;
  union {
    PNET_BUFFER_SHARED_MEMORY SharedMemoryInfo;
    PSCATTER_GATHER_LIST ScatterGatherList;
  };
};

/* Out-of-band information slots, NDIS 6.30 on x64 (nblinfo.h). */
typedef enum _NDIS_NET_BUFFER_LIST_INFO {
  TcpIpChecksumNetBufferListInfo,
  TcpOffloadBytesTransferred = TcpIpChecksumNetBufferListInfo,
  IPsecOffloadV1NetBufferListInfo,
  IPsecOffloadV2NetBufferListInfo = IPsecOffloadV1NetBufferListInfo,
  TcpLargeSendNetBufferListInfo,
  TcpReceiveNoPush = TcpLargeSendNetBufferListInfo,
  ClassificationHandleNetBufferListInfo,
  Ieee8021QNetBufferListInfo,
  NetBufferListCancelId,
  MediaSpecificInformation,
  NetBufferListFrameType,
  NetBufferListProtocolId = NetBufferListFrameType,
  NetBufferListHashValue,
  NetBufferListHashInfo,
  WfpNetBufferListInfo,
  IPsecOffloadV2TunnelNetBufferListInfo,
  IPsecOffloadV2HeaderNetBufferListInfo,
  NetBufferListCorrelationId,
  NetBufferListFilteringInfo,
  MediaSpecificInformationEx,
  NblOriginalInterfaceIfIndex,
  NblReAuthWfpFlowContext = NblOriginalInterfaceIfIndex,
  TcpReceiveBytesTransferred,
  SwitchForwardingReserved,
  SwitchForwardingDetail,
  VirtualSubnetInfo,
  IMReserved,
  TcpRecvSegCoalesceInfo,
  RscTcpTimestampDelta,
  TcpSendOffloadsSupplementalNetBufferListInfo = RscTcpTimestampDelta,
  MaxNetBufferListInfo
} NDIS_NET_BUFFER_LIST_INFO,
    *PNDIS_NET_BUFFER_LIST_INFO;

typedef struct _NET_BUFFER_LIST_DATA {
  PNET_BUFFER_LIST Next;
  PNET_BUFFER FirstNetBuffer;
} NET_BUFFER_LIST_DATA, *PNET_BUFFER_LIST_DATA;

typedef union _NET_BUFFER_LIST_HEADER {
  NET_BUFFER_LIST_DATA NetBufferListData;
  SLIST_HEADER Link;
} NET_BUFFER_LIST_HEADER, *PNET_BUFFER_LIST_HEADER;

/* MEMORY_ALLOCATION_ALIGNMENT on x64: the WDK aligns these fields to it. */
#define NICSIM_ALIGN16 __attribute__((aligned(16)))

struct _NET_BUFFER_LIST_CONTEXT {
  PNET_BUFFER_LIST_CONTEXT Next;
  USHORT Size;
  USHORT Offset;
  NICSIM_ALIGN16 UCHAR ContextData[];
};

struct _NET_BUFFER_LIST {
  union {
    struct {
      PNET_BUFFER_LIST Next;
      PNET_BUFFER FirstNetBuffer;
    };
    SLIST_HEADER Link;
    NET_BUFFER_LIST_HEADER NetBufferListHeader;
  };
  PNET_BUFFER_LIST_CONTEXT Context;
  PNET_BUFFER_LIST ParentNetBufferList;
  NDIS_HANDLE NdisPoolHandle;
  NICSIM_ALIGN16 PVOID NdisReserved[2];
  NICSIM_ALIGN16 PVOID ProtocolReserved[4];
  NICSIM_ALIGN16 PVOID MiniportReserved[2];
  PVOID Scratch;
  NDIS_HANDLE SourceHandle;
  ULONG NblFlags;
  LONG ChildRefCount;
  ULONG Flags;
  union {
    NDIS_STATUS Status;
    ULONG NdisReserved2;
  };
  PVOID NetBufferListInfo[MaxNetBufferListInfo];
};

#define NET_BUFFER_NEXT_NB(Nb) ((Nb)->Next)
#define NET_BUFFER_FIRST_MDL(Nb) ((Nb)->MdlChain)
#define NET_BUFFER_DATA_LENGTH(Nb) ((Nb)->DataLength)
#define NET_BUFFER_DATA_OFFSET(Nb) ((Nb)->DataOffset)
#define NET_BUFFER_CURRENT_MDL(Nb) ((Nb)->CurrentMdl)
#define NET_BUFFER_CURRENT_MDL_OFFSET(Nb) ((Nb)->CurrentMdlOffset)
#define NET_BUFFER_CHECKSUM_BIAS(Nb) ((Nb)->ChecksumBias)
#define NET_BUFFER_PROTOCOL_RESERVED(Nb) ((Nb)->ProtocolReserved)
#define NET_BUFFER_MINIPORT_RESERVED(Nb) ((Nb)->MiniportReserved)
#define NET_BUFFER_DATA_PHYSICAL_ADDRESS(Nb) ((Nb)->DataPhysicalAddress)
#define NET_BUFFER_FIRST_SHARED_MEM_INFO(Nb) ((Nb)->SharedMemoryInfo)

#define NET_BUFFER_LIST_NEXT_NBL(Nbl) ((Nbl)->Next)
#define NET_BUFFER_LIST_FIRST_NB(Nbl) ((Nbl)->FirstNetBuffer)
#define NET_BUFFER_LIST_FLAGS(Nbl) ((Nbl)->Flags)
#define NET_BUFFER_LIST_NBL_FLAGS(Nbl) ((Nbl)->NblFlags)
#define NET_BUFFER_LIST_STATUS(Nbl) ((Nbl)->Status)
#define NET_BUFFER_LIST_MINIPORT_RESERVED(Nbl) ((Nbl)->MiniportReserved)
#define NET_BUFFER_LIST_PROTOCOL_RESERVED(Nbl) ((Nbl)->ProtocolReserved)
#define NET_BUFFER_LIST_CONTEXT_DATA_START(Nbl) \
  ((PVOID)((PUCHAR)(((Nbl)->Context) + 1) + ((Nbl)->Context)->Offset))
#define NET_BUFFER_LIST_CONTEXT_DATA_SIZE(Nbl) (((Nbl)->Context)->Size)
#define NET_BUFFER_LIST_INFO(Nbl, Id) ((Nbl)->NetBufferListInfo[(Id)])

typedef struct _NDIS_NET_BUFFER_LIST_FILTERING_INFO {
  union {
    struct {
      USHORT FilterId;
      union {
        USHORT QueueId;
        USHORT VPortId;
      };
    } FilteringInfo;
    PVOID Value;
  };
} NDIS_NET_BUFFER_LIST_FILTERING_INFO, *PNDIS_NET_BUFFER_LIST_FILTERING_INFO;
#define NET_BUFFER_LIST_RECEIVE_FILTER_ID(Nbl)                                               \
  (((PNDIS_NET_BUFFER_LIST_FILTERING_INFO)&NET_BUFFER_LIST_INFO((Nbl),                       \
                                                                NetBufferListFilteringInfo)) \
       ->FilteringInfo.FilterId)
#define NET_BUFFER_LIST_RECEIVE_QUEUE_ID(Nbl)                                                \
  (((PNDIS_NET_BUFFER_LIST_FILTERING_INFO)&NET_BUFFER_LIST_INFO((Nbl),                       \
                                                                NetBufferListFilteringInfo)) \
       ->FilteringInfo.QueueId)

/* Receive hash (ndis.h). nicsim's reference NIC has a hash of its own, not Toeplitz: its driver
 * reports the value with function and type 0. */
#define NdisHashFunctionToeplitz 0x00000001
#define NdisHashFunctionReserved1 0x00000002
#define NdisHashFunctionReserved2 0x00000004
#define NdisHashFunctionReserved3 0x00000008
#define NDIS_HASH_FUNCTION_MASK 0x000000FF
#define NDIS_HASH_TYPE_MASK 0x00FFFF00
#define NDIS_HASH_IPV4 0x00000100
#define NDIS_HASH_TCP_IPV4 0x00000200
#define NDIS_HASH_IPV6 0x00000400
#define NDIS_HASH_IPV6_EX 0x00000800
#define NDIS_HASH_TCP_IPV6 0x00001000
#define NDIS_HASH_TCP_IPV6_EX 0x00002000
#define NET_BUFFER_LIST_GET_HASH_VALUE(Nbl) \
  ((ULONG)(ULONG_PTR)NET_BUFFER_LIST_INFO((Nbl), NetBufferListHashValue))
#define NET_BUFFER_LIST_SET_HASH_VALUE(Nbl, HashValue) \
  (NET_BUFFER_LIST_INFO((Nbl), NetBufferListHashValue) = (PVOID)(ULONG_PTR)(HashValue))
#define NET_BUFFER_LIST_GET_HASH_TYPE(Nbl) \
  (((ULONG)(ULONG_PTR)NET_BUFFER_LIST_INFO((Nbl), NetBufferListHashInfo)) & NDIS_HASH_TYPE_MASK)
#define NET_BUFFER_LIST_GET_HASH_FUNCTION(Nbl) \
  (((ULONG)(ULONG_PTR)NET_BUFFER_LIST_INFO((Nbl), NetBufferListHashInfo)) & NDIS_HASH_FUNCTION_MASK)
#define NET_BUFFER_LIST_SET_HASH_TYPE(Nbl, HashType)                                         \
  (NET_BUFFER_LIST_INFO((Nbl), NetBufferListHashInfo) =                                      \
       (PVOID)(ULONG_PTR)((((ULONG)(ULONG_PTR)NET_BUFFER_LIST_INFO((Nbl),                    \
                                                                   NetBufferListHashInfo)) & \
                           ~NDIS_HASH_TYPE_MASK) |                                           \
                          ((HashType)&NDIS_HASH_TYPE_MASK)))
#define NET_BUFFER_LIST_SET_HASH_FUNCTION(Nbl, HashFunction)                                 \
  (NET_BUFFER_LIST_INFO((Nbl), NetBufferListHashInfo) =                                      \
       (PVOID)(ULONG_PTR)((((ULONG)(ULONG_PTR)NET_BUFFER_LIST_INFO((Nbl),                    \
                                                                   NetBufferListHashInfo)) & \
                           ~NDIS_HASH_FUNCTION_MASK) |                                       \
                          ((HashFunction)&NDIS_HASH_FUNCTION_MASK)))

/* Pools. */
#define NDIS_PROTOCOL_ID_DEFAULT 0x00
#define NDIS_PROTOCOL_ID_TCP_IP 0x02
#define NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1 1
#define NET_BUFFER_POOL_PARAMETERS_REVISION_1 1

typedef struct _NET_BUFFER_LIST_POOL_PARAMETERS {
  NDIS_OBJECT_HEADER Header;
  UCHAR ProtocolId;
  BOOLEAN fAllocateNetBuffer;
  USHORT ContextSize;
  ULONG PoolTag;
  ULONG DataSize;
} NET_BUFFER_LIST_POOL_PARAMETERS, *PNET_BUFFER_LIST_POOL_PARAMETERS;

typedef struct _NET_BUFFER_POOL_PARAMETERS {
  NDIS_OBJECT_HEADER Header;
  ULONG PoolTag;
  ULONG DataSize;
} NET_BUFFER_POOL_PARAMETERS, *PNET_BUFFER_POOL_PARAMETERS;

NDIS_HANDLE NicsimNdisAllocateNetBufferListPool(NDIS_HANDLE NdisHandle,
                                                PNET_BUFFER_LIST_POOL_PARAMETERS Parameters,
                                                NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisFreeNetBufferListPool(NDIS_HANDLE PoolHandle, NICSIM_CALL_SITE_PARAMS);
PNET_BUFFER_LIST NicsimNdisAllocateNetBufferAndNetBufferList(NDIS_HANDLE PoolHandle,
                                                             USHORT ContextSize,
                                                             USHORT ContextBackFill, PMDL MdlChain,
                                                             ULONG DataOffset, SIZE_T DataLength,
                                                             NICSIM_CALL_SITE_PARAMS);
PNET_BUFFER_LIST NicsimNdisAllocateNetBufferList(NDIS_HANDLE PoolHandle, USHORT ContextSize,
                                                 USHORT ContextBackFill, NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisFreeNetBufferList(PNET_BUFFER_LIST NetBufferList, NICSIM_CALL_SITE_PARAMS);
NDIS_HANDLE NicsimNdisAllocateNetBufferPool(NDIS_HANDLE NdisHandle,
                                            PNET_BUFFER_POOL_PARAMETERS Parameters,
                                            NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisFreeNetBufferPool(NDIS_HANDLE PoolHandle, NICSIM_CALL_SITE_PARAMS);
PNET_BUFFER NicsimNdisAllocateNetBuffer(NDIS_HANDLE PoolHandle, PMDL MdlChain, ULONG DataOffset,
                                        SIZE_T DataLength, NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisFreeNetBuffer(PNET_BUFFER NetBuffer, NICSIM_CALL_SITE_PARAMS);
PMDL NicsimNdisAllocateMdl(NDIS_HANDLE NdisHandle, PVOID VirtualAddress, UINT Length,
                           NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisFreeMdl(PMDL Mdl, NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisAdjustMdlLength(PMDL Mdl, UINT Length, NICSIM_CALL_SITE_PARAMS);
PVOID NicsimNdisGetDataBuffer(PNET_BUFFER NetBuffer, ULONG BytesNeeded, PVOID Storage,
                              UINT AlignMultiple, UINT AlignOffset, NICSIM_CALL_SITE_PARAMS);
#define NdisAllocateNetBufferListPool(NdisHandle, Parameters) \
  NicsimNdisAllocateNetBufferListPool((NdisHandle), (Parameters), NICSIM_CALL_SITE)
#define NdisFreeNetBufferListPool(PoolHandle) \
  NicsimNdisFreeNetBufferListPool((PoolHandle), NICSIM_CALL_SITE)
#define NdisAllocateNetBufferAndNetBufferList(PoolHandle, ContextSize, ContextBackFill, MdlChain, \
                                              DataOffset, DataLength)                             \
  NicsimNdisAllocateNetBufferAndNetBufferList((PoolHandle), (ContextSize), (ContextBackFill),     \
                                              (MdlChain), (DataOffset), (DataLength),             \
                                              NICSIM_CALL_SITE)
#define NdisAllocateNetBufferList(PoolHandle, ContextSize, ContextBackFill) \
  NicsimNdisAllocateNetBufferList((PoolHandle), (ContextSize), (ContextBackFill), NICSIM_CALL_SITE)
#define NdisFreeNetBufferList(NetBufferList) \
  NicsimNdisFreeNetBufferList((NetBufferList), NICSIM_CALL_SITE)
#define NdisAllocateNetBufferPool(NdisHandle, Parameters) \
  NicsimNdisAllocateNetBufferPool((NdisHandle), (Parameters), NICSIM_CALL_SITE)
#define NdisFreeNetBufferPool(PoolHandle) \
  NicsimNdisFreeNetBufferPool((PoolHandle), NICSIM_CALL_SITE)
#define NdisAllocateNetBuffer(PoolHandle, MdlChain, DataOffset, DataLength)         \
  NicsimNdisAllocateNetBuffer((PoolHandle), (MdlChain), (DataOffset), (DataLength), \
                              NICSIM_CALL_SITE)
#define NdisFreeNetBuffer(NetBuffer) NicsimNdisFreeNetBuffer((NetBuffer), NICSIM_CALL_SITE)
#define NdisAllocateMdl(NdisHandle, VirtualAddress, Length) \
  NicsimNdisAllocateMdl((NdisHandle), (VirtualAddress), (Length), NICSIM_CALL_SITE)
#define NdisFreeMdl(Mdl) NicsimNdisFreeMdl((Mdl), NICSIM_CALL_SITE)
#define NdisAdjustMdlLength(Mdl, Length) \
  NicsimNdisAdjustMdlLength((Mdl), (Length), NICSIM_CALL_SITE)
#define NdisGetDataBuffer(NetBuffer, BytesNeeded, Storage, AlignMultiple, AlignOffset)           \
  NicsimNdisGetDataBuffer((NetBuffer), (BytesNeeded), (Storage), (AlignMultiple), (AlignOffset), \
                          NICSIM_CALL_SITE)

/* Scatter-gather DMA (NdisMRegisterScatterGatherDma). An element is the device's to read only
 * between NdisMAllocateNetBufferSGList and NdisMFreeNetBufferSGList. */
typedef VOID(MINIPORT_PROCESS_SG_LIST)(PVOID DeviceObject, PVOID Reserved,
                                       PSCATTER_GATHER_LIST ScatterGatherListBuffer, PVOID Context);
typedef MINIPORT_PROCESS_SG_LIST(*MINIPORT_PROCESS_SG_LIST_HANDLER);
typedef VOID(MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE)(NDIS_HANDLE MiniportAdapterContext,
                                                    PVOID VirtualAddress,
                                                    PNDIS_PHYSICAL_ADDRESS PhysicalAddress,
                                                    ULONG Length, PVOID Context);
typedef MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE(*MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE_HANDLER);

#define NDIS_SG_DMA_DESCRIPTION_REVISION_1 1
#define NDIS_SG_DMA_64_BIT_ADDRESS 0x00000001

typedef struct _NDIS_SG_DMA_DESCRIPTION {
  NDIS_OBJECT_HEADER Header;
  ULONG Flags;
  ULONG MaximumPhysicalMapping;
  MINIPORT_PROCESS_SG_LIST_HANDLER ProcessSGListHandler;
  MINIPORT_ALLOCATE_SHARED_MEM_COMPLETE_HANDLER SharedMemAllocateCompleteHandler;
  ULONG ScatterGatherListSize; /* out: bytes a caller-provided SG list buffer needs */
} NDIS_SG_DMA_DESCRIPTION, *PNDIS_SG_DMA_DESCRIPTION;

NDIS_STATUS NicsimNdisMRegisterScatterGatherDma(NDIS_HANDLE MiniportAdapterHandle,
                                                PNDIS_SG_DMA_DESCRIPTION DmaDescription,
                                                PNDIS_HANDLE NdisMiniportDmaHandle,
                                                NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisMDeregisterScatterGatherDma(NDIS_HANDLE NdisMiniportDmaHandle,
                                           NICSIM_CALL_SITE_PARAMS);
NDIS_STATUS NicsimNdisMAllocateNetBufferSGList(NDIS_HANDLE NdisMiniportDmaHandle,
                                               PNET_BUFFER NetBuffer, PVOID Context, ULONG Flags,
                                               PVOID ScatterGatherListBuffer,
                                               ULONG ScatterGatherListBufferSize,
                                               NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisMFreeNetBufferSGList(NDIS_HANDLE NdisMiniportDmaHandle, PSCATTER_GATHER_LIST pSGL,
                                    PNET_BUFFER NetBuffer, NICSIM_CALL_SITE_PARAMS);
#define NdisMRegisterScatterGatherDma(MiniportAdapterHandle, DmaDescription,     \
                                      NdisMiniportDmaHandle)                     \
  NicsimNdisMRegisterScatterGatherDma((MiniportAdapterHandle), (DmaDescription), \
                                      (NdisMiniportDmaHandle), NICSIM_CALL_SITE)
#define NdisMDeregisterScatterGatherDma(NdisMiniportDmaHandle) \
  NicsimNdisMDeregisterScatterGatherDma((NdisMiniportDmaHandle), NICSIM_CALL_SITE)
#define NdisMAllocateNetBufferSGList(NdisMiniportDmaHandle, NetBuffer, Context, Flags,         \
                                     ScatterGatherListBuffer, ScatterGatherListBufferSize)     \
  NicsimNdisMAllocateNetBufferSGList((NdisMiniportDmaHandle), (NetBuffer), (Context), (Flags), \
                                     (ScatterGatherListBuffer), (ScatterGatherListBufferSize), \
                                     NICSIM_CALL_SITE)
#define NdisMFreeNetBufferSGList(NdisMiniportDmaHandle, pSGL, NetBuffer) \
  NicsimNdisMFreeNetBufferSGList((NdisMiniportDmaHandle), (pSGL), (NetBuffer), NICSIM_CALL_SITE)

#define NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL 0x00000001
#define NDIS_RECEIVE_FLAGS_RESOURCES 0x00000002
#define NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL 0x00000001
#define NDIS_SEND_FLAGS_DISPATCH_LEVEL 0x00000001
#define NDIS_RETURN_FLAGS_DISPATCH_LEVEL 0x00000001

/* Hands received frames to the protocol (the testbench). Runs at IRQL <= DISPATCH_LEVEL. The
 * protocol gives them back later through MiniportReturnNetBufferLists. */
VOID NicsimNdisMIndicateReceiveNetBufferLists(NDIS_HANDLE MiniportAdapterHandle,
                                              PNET_BUFFER_LIST NetBufferLists,
                                              NDIS_PORT_NUMBER PortNumber,
                                              ULONG NumberOfNetBufferLists, ULONG ReceiveFlags,
                                              NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisMSendNetBufferListsComplete(NDIS_HANDLE MiniportAdapterHandle,
                                           PNET_BUFFER_LIST NetBufferLists, ULONG SendCompleteFlags,
                                           NICSIM_CALL_SITE_PARAMS);
#define NdisMIndicateReceiveNetBufferLists(MiniportAdapterHandle, NetBufferLists, PortNumber,      \
                                           NumberOfNetBufferLists, ReceiveFlags)                   \
  NicsimNdisMIndicateReceiveNetBufferLists((MiniportAdapterHandle), (NetBufferLists),              \
                                           (PortNumber), (NumberOfNetBufferLists), (ReceiveFlags), \
                                           NICSIM_CALL_SITE)
#define NdisMSendNetBufferListsComplete(MiniportAdapterHandle, NetBufferLists, SendCompleteFlags) \
  NicsimNdisMSendNetBufferListsComplete((MiniportAdapterHandle), (NetBufferLists),                \
                                        (SendCompleteFlags), NICSIM_CALL_SITE)

/* ------------------------------------------------------------------------------------------ */
/* Miniport driver registration. The NDIS layer calls these entry points in their contexts and  */
/* checks every return (locks held, IRQL restored, time).                                      */
/* ------------------------------------------------------------------------------------------ */
/* The adapter's hardware resources (wdm.h), as NDIS passes them translated to initialize: one
 * memory descriptor per BAR, then the interrupt: one descriptor per MSI-X message
 * (CM_RESOURCE_INTERRUPT_MESSAGE, the message's CPU in Affinity) or one line-based one. */
#define CmResourceTypeNull 0
#define CmResourceTypePort 1
#define CmResourceTypeInterrupt 2
#define CmResourceTypeMemory 3
#define CmResourceTypeDma 4
#define CmResourceTypeDeviceSpecific 5
#define CmResourceTypeBusNumber 6

#define CmResourceShareUndetermined 0
#define CmResourceShareDeviceExclusive 1
#define CmResourceShareDriverExclusive 2
#define CmResourceShareShared 3

#define CM_RESOURCE_INTERRUPT_LEVEL_SENSITIVE 0
#define CM_RESOURCE_INTERRUPT_LATCHED 1
#define CM_RESOURCE_INTERRUPT_MESSAGE 2
#define CM_RESOURCE_MEMORY_READ_WRITE 0x0000
#define CM_RESOURCE_PORT_MEMORY 0x0000
#define CM_RESOURCE_PORT_IO 0x0001

typedef struct _CM_PARTIAL_RESOURCE_DESCRIPTOR {
  UCHAR Type;
  UCHAR ShareDisposition;
  USHORT Flags;
  union {
    struct {
      PHYSICAL_ADDRESS Start;
      ULONG Length;
    } Generic;
    struct {
      PHYSICAL_ADDRESS Start;
      ULONG Length;
    } Port;
    struct {
      USHORT Level;
      USHORT Group;
      ULONG Vector;
      KAFFINITY Affinity;
    } Interrupt;
    struct {
      union {
        struct {
          USHORT Group;
          USHORT MessageCount;
          ULONG Vector;
          KAFFINITY Affinity;
        } Raw;
        struct {
          USHORT Level;
          USHORT Group;
          ULONG Vector;
          KAFFINITY Affinity;
        } Translated;
      };
    } MessageInterrupt;
    struct {
      PHYSICAL_ADDRESS Start;
      ULONG Length;
    } Memory;
    struct {
      ULONG Channel;
      ULONG Port;
      ULONG Reserved1;
    } Dma;
    struct {
      ULONG Data[3];
    } DevicePrivate;
    struct {
      ULONG Start;
      ULONG Length;
      ULONG Reserved;
    } BusNumber;
    struct {
      ULONG DataSize;
      ULONG Reserved1;
      ULONG Reserved2;
    } DeviceSpecificData;
  } u;
} CM_PARTIAL_RESOURCE_DESCRIPTOR, *PCM_PARTIAL_RESOURCE_DESCRIPTOR;

typedef struct _CM_PARTIAL_RESOURCE_LIST {
  USHORT Version;
  USHORT Revision;
  ULONG Count;
  CM_PARTIAL_RESOURCE_DESCRIPTOR PartialDescriptors[1];
} CM_PARTIAL_RESOURCE_LIST, *PCM_PARTIAL_RESOURCE_LIST;
typedef CM_PARTIAL_RESOURCE_LIST NDIS_RESOURCE_LIST, *PNDIS_RESOURCE_LIST;

typedef ULONG NET_IFINDEX;
typedef union _NET_LUID_LH {
  ULONG64 Value;
  struct {
    ULONG64 Reserved : 24;
    ULONG64 NetLuidIndex : 24;
    ULONG64 IfType : 16;
  } Info;
} NET_LUID_LH, NET_LUID, *PNET_LUID;

typedef struct _NDIS_MINIPORT_INIT_PARAMETERS {
  NDIS_OBJECT_HEADER Header;
  ULONG Flags;
  PNDIS_RESOURCE_LIST AllocatedResources;
  NDIS_HANDLE IMDeviceInstanceContext;
  NDIS_HANDLE MiniportAddDeviceContext;
  NET_IFINDEX IfIndex;
  NET_LUID NetLuid;
  PVOID DefaultPortAuthStates;     /* PNDIS_PORT_AUTHENTICATION_PARAMETERS: not modelled, NULL */
  PVOID PciDeviceCustomProperties; /* PNDIS_PCI_DEVICE_CUSTOM_PROPERTIES: not modelled, NULL */
} NDIS_MINIPORT_INIT_PARAMETERS, *PNDIS_MINIPORT_INIT_PARAMETERS;

typedef enum _NDIS_HALT_ACTION {
  NdisHaltDeviceDisabled,
  NdisHaltDeviceInstanceDeInitialized,
  NdisHaltDevicePoweredDown,
  NdisHaltDeviceSurpriseRemoved,
  NdisHaltDeviceFailed,
  NdisHaltDeviceInitializationFailed,
  NdisHaltDeviceStopped
} NDIS_HALT_ACTION,
    *PNDIS_HALT_ACTION;

NICSIM_EXTERN_C_END

/* The rest of the surface, by area. */
#include <nicsim/ndis_config.h>   /* configuration keywords */
#include <nicsim/ndis_io.h>       /* register and port access at every width */
#include <nicsim/ndis_miniport.h> /* registration, lifecycle, attributes, OIDs, status */
#include <nicsim/ndis_sync.h>     /* Ke* IRQL and spin locks, interlocked, lists, RW locks */
#include <nicsim/ndis_timers.h>   /* timer objects, KDPC objects, I/O work items */

#ifdef __cplusplus
#include <nicsim_isr_shared.h>
#endif

#endif /* NICSIM_NDIS_H_ */
