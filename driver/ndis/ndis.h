// The miniport-facing NDIS API: NDIS names and shapes, implemented by the nicsim NDIS layer on the
// simulated host. A miniport includes only this header (never sim/), so the same source could be
// ported to a real NDIS build. Every entry point takes a defaulted std::source_location so a
// violation names the driver's source line. Names marked "nicsim" have no NDIS counterpart: they
// stand in for PnP resources and DMA sync calls the model needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <source_location>
#include <type_traits>

// ---------------------------------------------------------------------------------------------
// Basic types
// ---------------------------------------------------------------------------------------------
using VOID = void;
using PVOID = void*;
using UCHAR = uint8_t;
using PUCHAR = UCHAR*;
using USHORT = uint16_t;
using ULONG = uint32_t;
using PULONG = ULONG*;
using LONG = int32_t;
using UINT = unsigned int;
using ULONG64 = uint64_t;
using PULONG64 = ULONG64*;
using LONGLONG = int64_t;
using ULONG_PTR = uintptr_t;
using BOOLEAN = uint8_t;
using PBOOLEAN = BOOLEAN*;
using KIRQL = UCHAR;
using KAFFINITY = uint64_t;
using NDIS_STATUS = int32_t;
using NDIS_HANDLE = void*;
using PNDIS_HANDLE = NDIS_HANDLE*;
using NDIS_PORT_NUMBER = ULONG;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

inline constexpr KIRQL PASSIVE_LEVEL = 0;
inline constexpr KIRQL DISPATCH_LEVEL = 2;

inline constexpr NDIS_STATUS NDIS_STATUS_SUCCESS = 0;
inline constexpr NDIS_STATUS NDIS_STATUS_PENDING = 0x00000103;
inline constexpr NDIS_STATUS NDIS_STATUS_FAILURE = static_cast<NDIS_STATUS>(0xC0000001u);
inline constexpr NDIS_STATUS NDIS_STATUS_RESOURCES = static_cast<NDIS_STATUS>(0xC000009Au);
inline constexpr NDIS_STATUS NDIS_STATUS_INVALID_PARAMETER = static_cast<NDIS_STATUS>(0xC0010015u);
inline constexpr NDIS_STATUS NDIS_STATUS_ADAPTER_NOT_FOUND = static_cast<NDIS_STATUS>(0xC0010006u);
inline constexpr NDIS_STATUS NDIS_STATUS_SEND_ABORTED = static_cast<NDIS_STATUS>(0xC0010021u);
inline constexpr NDIS_STATUS NDIS_STATUS_RESET_IN_PROGRESS = static_cast<NDIS_STATUS>(0xC001000Du);
inline constexpr NDIS_PORT_NUMBER NDIS_DEFAULT_PORT_NUMBER = 0;

#define NDIS_SUCCESS(status) ((status) >= 0)

union LARGE_INTEGER {
  struct {
    ULONG LowPart;
    LONG HighPart;
  } u;
  LONGLONG QuadPart;
};
using PLARGE_INTEGER = LARGE_INTEGER*;

struct NDIS_PHYSICAL_ADDRESS {
  LONGLONG QuadPart;
};
using PNDIS_PHYSICAL_ADDRESS = NDIS_PHYSICAL_ADDRESS*;

// Shape-only header carried by characteristics structs, as in NDIS.
struct NDIS_OBJECT_HEADER {
  UCHAR Type;
  UCHAR Revision;
  USHORT Size;
};

struct GROUP_AFFINITY {
  KAFFINITY Mask;
  USHORT Group;
};
using PGROUP_AFFINITY = GROUP_AFFINITY*;

using SourceLocation = std::source_location;
#define NDIS_HERE std::source_location::current()

// ---------------------------------------------------------------------------------------------
// Spin locks. NdisAcquireSpinLock raises to DISPATCH_LEVEL and keeps the old IRQL in the lock;
// the Dpr variants run only at DISPATCH_LEVEL and leave the IRQL alone.
// ---------------------------------------------------------------------------------------------
struct NDIS_SPIN_LOCK {
  ULONG_PTR SpinLock;  // opaque to the driver
  KIRQL OldIrql;
};
using PNDIS_SPIN_LOCK = NDIS_SPIN_LOCK*;

// nicsim: allocates the lock under a name the reports and waves show ("RcvLock").
VOID NdisAllocateSpinLockNamed(PNDIS_SPIN_LOCK SpinLock, const char* Name,
                               SourceLocation where = NDIS_HERE);
VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock, SourceLocation where = NDIS_HERE);
VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock, SourceLocation where = NDIS_HERE);
VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock, SourceLocation where = NDIS_HERE);
VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock, SourceLocation where = NDIS_HERE);
VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock, SourceLocation where = NDIS_HERE);
// Plain NdisAllocateSpinLock names the lock after the expression: "&Adapter->RcvLock" -> "RcvLock".
#define NdisAllocateSpinLock(SpinLock) NdisAllocateSpinLockNamed((SpinLock), #SpinLock)

// ---------------------------------------------------------------------------------------------
// Interrupts
// ---------------------------------------------------------------------------------------------
using MINIPORT_ISR = BOOLEAN(NDIS_HANDLE MiniportInterruptContext,
                             PBOOLEAN QueueDefaultInterruptDpc, PULONG TargetProcessors);
using MINIPORT_INTERRUPT_DPC = VOID(NDIS_HANDLE MiniportInterruptContext, PVOID MiniportDpcContext,
                                    PVOID ReceiveThrottleParameters, PVOID NdisReserved2);
using MINIPORT_DISABLE_INTERRUPT = VOID(NDIS_HANDLE MiniportInterruptContext);
using MINIPORT_ENABLE_INTERRUPT = VOID(NDIS_HANDLE MiniportInterruptContext);
using MINIPORT_MESSAGE_INTERRUPT = BOOLEAN(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                                           PBOOLEAN QueueDefaultInterruptDpc,
                                           PULONG TargetProcessors);
using MINIPORT_MESSAGE_INTERRUPT_DPC = VOID(NDIS_HANDLE MiniportInterruptContext, ULONG MessageId,
                                            PVOID MiniportDpcContext,
                                            PVOID ReceiveThrottleParameters, PVOID NdisReserved2);
using MINIPORT_DISABLE_MESSAGE_INTERRUPT = VOID(NDIS_HANDLE MiniportInterruptContext,
                                                ULONG MessageId);
using MINIPORT_ENABLE_MESSAGE_INTERRUPT = VOID(NDIS_HANDLE MiniportInterruptContext,
                                               ULONG MessageId);
using MINIPORT_SYNCHRONIZE_INTERRUPT = BOOLEAN(NDIS_HANDLE SynchronizeContext);

using MINIPORT_ISR_HANDLER = MINIPORT_ISR*;
using MINIPORT_INTERRUPT_DPC_HANDLER = MINIPORT_INTERRUPT_DPC*;
using MINIPORT_DISABLE_INTERRUPT_HANDLER = MINIPORT_DISABLE_INTERRUPT*;
using MINIPORT_ENABLE_INTERRUPT_HANDLER = MINIPORT_ENABLE_INTERRUPT*;
using MINIPORT_MESSAGE_INTERRUPT_HANDLER = MINIPORT_MESSAGE_INTERRUPT*;
using MINIPORT_MESSAGE_INTERRUPT_DPC_HANDLER = MINIPORT_MESSAGE_INTERRUPT_DPC*;
using MINIPORT_DISABLE_MESSAGE_INTERRUPT_HANDLER = MINIPORT_DISABLE_MESSAGE_INTERRUPT*;
using MINIPORT_ENABLE_MESSAGE_INTERRUPT_HANDLER = MINIPORT_ENABLE_MESSAGE_INTERRUPT*;
using PMINIPORT_SYNCHRONIZE_INTERRUPT = MINIPORT_SYNCHRONIZE_INTERRUPT*;

enum NDIS_INTERRUPT_TYPE : ULONG {
  NDIS_CONNECT_LINE_BASED = 1,
  NDIS_CONNECT_MESSAGE_BASED = 2,
};

inline constexpr ULONG NDIS_MAX_INTERRUPT_MESSAGES = 32;

// One connected message: what the driver programs into the device's MSI-X table entry.
struct IO_INTERRUPT_MESSAGE_INFO_ENTRY {
  ULONG64 MessageAddress;
  KAFFINITY TargetProcessorSet;
  ULONG MessageData;
  ULONG Vector;  // host vector number
  KIRQL Irql;    // the message's DIRQL
};
struct IO_INTERRUPT_MESSAGE_INFO {
  ULONG MessageCount;
  IO_INTERRUPT_MESSAGE_INFO_ENTRY MessageInfo[NDIS_MAX_INTERRUPT_MESSAGES];
};
using PIO_INTERRUPT_MESSAGE_INFO = IO_INTERRUPT_MESSAGE_INFO*;

struct NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS {
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
  // Out (as in NDIS): how the interrupt was connected, and the messages when message-based.
  NDIS_INTERRUPT_TYPE InterruptType;
  PIO_INTERRUPT_MESSAGE_INFO MessageInfo;
  // nicsim (no PnP): message-based when MsiSupported and MessageCount > 0, else line-based.
  // Message k targets CPU MessageTargetProcessor[k] (taken modulo the CPU count).
  ULONG MessageCount;
  ULONG MessageTargetProcessor[NDIS_MAX_INTERRUPT_MESSAGES];
};
using PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS = NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS*;

// Runs at PASSIVE_LEVEL. The ISR may run before this returns.
NDIS_STATUS NdisMRegisterInterruptEx(
    NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportInterruptContext,
    PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS InterruptCharacteristics,
    PNDIS_HANDLE NdisInterruptHandle, SourceLocation where = NDIS_HERE);
// Runs at PASSIVE_LEVEL; returns once no ISR or DPC of this interrupt runs any more.
VOID NdisMDeregisterInterruptEx(NDIS_HANDLE NdisInterruptHandle, SourceLocation where = NDIS_HERE);
// Raises to the interrupt's (or message's) DIRQL under its interrupt lock and runs the callback.
BOOLEAN NdisMSynchronizeWithInterruptEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId,
                                        PMINIPORT_SYNCHRONIZE_INTERRUPT SynchronizeFunction,
                                        PVOID SynchronizeContext, SourceLocation where = NDIS_HERE);
// Queues the interrupt's (message's) DPC on each CPU of TargetProcessors->Mask (nullptr: this
// CPU). Returns the CPUs where it was newly queued (an already-queued DPC coalesces).
KAFFINITY NdisMQueueDpcEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId,
                          PGROUP_AFFINITY TargetProcessors, PVOID MiniportDpcContext,
                          SourceLocation where = NDIS_HERE);
// Same with a plain bitmask of CPUs.
KAFFINITY NdisMQueueDpcMask(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId, KAFFINITY Mask,
                            PVOID MiniportDpcContext, SourceLocation where = NDIS_HERE);

// ---------------------------------------------------------------------------------------------
// Register access (BAR0). NdisMMapIoSpace returns a virtual base; register pointers inside it
// decode to BAR0 offsets and become AXI4-Lite transactions on the NIC's pins.
// ---------------------------------------------------------------------------------------------
NDIS_STATUS NdisMMapIoSpace(PVOID* VirtualAddress, NDIS_HANDLE MiniportAdapterHandle,
                            NDIS_PHYSICAL_ADDRESS PhysicalAddress, UINT Length,
                            SourceLocation where = NDIS_HERE);
VOID NdisMUnmapIoSpace(NDIS_HANDLE MiniportAdapterHandle, PVOID VirtualAddress, UINT Length,
                       SourceLocation where = NDIS_HERE);
VOID NdisReadRegisterUlong(PULONG Register, PULONG Data, SourceLocation where = NDIS_HERE);
VOID NdisWriteRegisterUlong(PULONG Register, ULONG Data, SourceLocation where = NDIS_HERE);
// nicsim: declares a register whose writes change the device's interrupt mask (IMS, IMC, an
// MSI-X vector control); writing it below DIRQL outside a synchronize callback is a violation.
VOID NdisMDeclareInterruptMaskRegister(PULONG Register, SourceLocation where = NDIS_HERE);

// ---------------------------------------------------------------------------------------------
// Waiting and events
// ---------------------------------------------------------------------------------------------
struct NDIS_EVENT {
  ULONG_PTR Event;  // opaque
  BOOLEAN Signaled;
};
using PNDIS_EVENT = NDIS_EVENT*;

VOID NdisStallExecution(UINT MicrosecondsToStall, SourceLocation where = NDIS_HERE);
VOID NdisMSleep(ULONG MicrosecondsToSleep, SourceLocation where = NDIS_HERE);
// System time in 100 ns units since 1601-01-01, as on Windows; here the simulated clock, whose
// time 0 is 1970-01-01.
VOID NdisGetCurrentSystemTime(PLARGE_INTEGER pSystemTime, SourceLocation where = NDIS_HERE);
VOID NdisInitializeEvent(PNDIS_EVENT Event, SourceLocation where = NDIS_HERE);
VOID NdisSetEvent(PNDIS_EVENT Event, SourceLocation where = NDIS_HERE);
VOID NdisResetEvent(PNDIS_EVENT Event, SourceLocation where = NDIS_HERE);
// Waits up to MsToWait ms (0: forever). TRUE when the event was signaled.
BOOLEAN NdisWaitEvent(PNDIS_EVENT Event, UINT MsToWait, SourceLocation where = NDIS_HERE);

// ---------------------------------------------------------------------------------------------
// Memory
// ---------------------------------------------------------------------------------------------
enum EX_POOL_PRIORITY : ULONG {
  LowPoolPriority = 0,
  NormalPoolPriority = 16,
  HighPoolPriority = 32
};

// Ordinary (non-DMA) memory, zeroed.
PVOID NdisAllocateMemoryWithTagPriority(NDIS_HANDLE NdisHandle, UINT Length, ULONG Tag,
                                        EX_POOL_PRIORITY Priority,
                                        SourceLocation where = NDIS_HERE);
VOID NdisFreeMemory(PVOID VirtualAddress, UINT Length, UINT MemoryFlags);
#define NdisMoveMemory(Destination, Source, Length) std::memmove((Destination), (Source), (Length))
#define NdisZeroMemory(Destination, Length) std::memset((Destination), 0, (Length))

// DMA-able shared memory: grants the device the range. *VirtualAddress is a real pointer the
// driver may dereference; prefer the checked accessors below for device-visible data.
VOID NdisMAllocateSharedMemory(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached,
                               PVOID* VirtualAddress, PNDIS_PHYSICAL_ADDRESS PhysicalAddress,
                               SourceLocation where = NDIS_HERE);
// Revokes the device's grant.
VOID NdisMFreeSharedMemory(NDIS_HANDLE MiniportAdapterHandle, ULONG Length, BOOLEAN Cached,
                           PVOID VirtualAddress, NDIS_PHYSICAL_ADDRESS PhysicalAddress,
                           SourceLocation where = NDIS_HERE);
// nicsim (modelled on DMA sync calls): hands [VirtualAddress, +Length) of shared memory to the
// device (before a doorbell) or back to the CPU (after the device reported completion).
VOID NdisMSyncBufferForDevice(PVOID VirtualAddress, ULONG Length, SourceLocation where = NDIS_HERE);
VOID NdisMSyncBufferForCpu(PVOID VirtualAddress, ULONG Length, SourceLocation where = NDIS_HERE);
// nicsim: checked shared-memory accessors. Each is a yield point and reports
// CPU_TOUCHES_DEVICE_BUFFER while the device owns the range.
ULONG NdisReadSharedUlong(const volatile VOID* Address, SourceLocation where = NDIS_HERE);
VOID NdisWriteSharedUlong(volatile VOID* Address, ULONG Value, SourceLocation where = NDIS_HERE);
ULONG64 NdisReadSharedUlong64(const volatile VOID* Address, SourceLocation where = NDIS_HERE);
VOID NdisWriteSharedUlong64(volatile VOID* Address, ULONG64 Value,
                            SourceLocation where = NDIS_HERE);
VOID NdisMoveFromShared(PVOID Destination, const volatile VOID* SharedSource, ULONG Length,
                        SourceLocation where = NDIS_HERE);
VOID NdisMoveToShared(volatile VOID* SharedDestination, const VOID* Source, ULONG Length,
                      SourceLocation where = NDIS_HERE);

// ---------------------------------------------------------------------------------------------
// Data path: one frame per NET_BUFFER_LIST, contiguous.
// ---------------------------------------------------------------------------------------------
struct NET_BUFFER_LIST {
  NET_BUFFER_LIST* Next;
  PVOID Data;  // the frame
  ULONG DataLength;
  NDIS_STATUS Status;
  ULONG ReceiveQueue;  // the queue it arrived on (receive) or was sent on (send)
  ULONG HashValue;     // receive steering hash (receive)
  NDIS_HANDLE SourceHandle;
  PVOID MiniportReserved[4];
  PVOID ProtocolReserved[4];
};
using PNET_BUFFER_LIST = NET_BUFFER_LIST*;
#define NET_BUFFER_LIST_NEXT_NBL(Nbl) ((Nbl)->Next)
#define NET_BUFFER_LIST_STATUS(Nbl) ((Nbl)->Status)
#define NET_BUFFER_LIST_MINIPORT_RESERVED(Nbl) ((Nbl)->MiniportReserved)

inline constexpr ULONG NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL = 0x00000001;
inline constexpr ULONG NDIS_RECEIVE_FLAGS_RESOURCES = 0x00000002;  // protocol must not keep them
inline constexpr ULONG NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL = 0x00000001;
inline constexpr ULONG NDIS_SEND_FLAGS_DISPATCH_LEVEL = 0x00000001;
inline constexpr ULONG NDIS_RETURN_FLAGS_DISPATCH_LEVEL = 0x00000001;

// Hands received frames to the protocol (the testbench's hook). Runs at IRQL <= DISPATCH_LEVEL.
// The protocol gives them back later through MiniportReturnNetBufferLists.
VOID NdisMIndicateReceiveNetBufferLists(NDIS_HANDLE MiniportAdapterHandle,
                                        PNET_BUFFER_LIST NetBufferLists,
                                        NDIS_PORT_NUMBER PortNumber, ULONG NumberOfNetBufferLists,
                                        ULONG ReceiveFlags, SourceLocation where = NDIS_HERE);
VOID NdisMSendNetBufferListsComplete(NDIS_HANDLE MiniportAdapterHandle,
                                     PNET_BUFFER_LIST NetBufferLists, ULONG SendCompleteFlags,
                                     SourceLocation where = NDIS_HERE);

// ---------------------------------------------------------------------------------------------
// Miniport driver registration. The NDIS layer calls these entry points in their contexts and
// checks every return (locks held, IRQL restored, time).
// ---------------------------------------------------------------------------------------------
// nicsim (no PnP): what initialize gets instead of the PnP resource list.
struct NDIS_MINIPORT_INIT_PARAMETERS {
  NDIS_OBJECT_HEADER Header;
  NDIS_PHYSICAL_ADDRESS Bar0PhysicalAddress;
  ULONG Bar0Length;
  ULONG NumberOfProcessors;
  ULONG NumberOfQueues;  // queue pairs the NIC was built with
};
using PNDIS_MINIPORT_INIT_PARAMETERS = NDIS_MINIPORT_INIT_PARAMETERS*;

enum NDIS_HALT_ACTION : ULONG { NdisHaltDeviceDisabled = 0, NdisHaltDeviceInstanceDeInitialized };

using MINIPORT_INITIALIZE = NDIS_STATUS(NDIS_HANDLE NdisMiniportHandle,
                                        NDIS_HANDLE MiniportDriverContext,
                                        PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters);
using MINIPORT_HALT = VOID(NDIS_HANDLE MiniportAdapterContext, NDIS_HALT_ACTION HaltAction);
using MINIPORT_SEND_NET_BUFFER_LISTS = VOID(NDIS_HANDLE MiniportAdapterContext,
                                            PNET_BUFFER_LIST NetBufferList,
                                            NDIS_PORT_NUMBER PortNumber, ULONG SendFlags);
using MINIPORT_RETURN_NET_BUFFER_LISTS = VOID(NDIS_HANDLE MiniportAdapterContext,
                                              PNET_BUFFER_LIST NetBufferLists, ULONG ReturnFlags);

struct NDIS_MINIPORT_DRIVER_CHARACTERISTICS {
  NDIS_OBJECT_HEADER Header;
  UCHAR MajorNdisVersion;
  UCHAR MinorNdisVersion;
  MINIPORT_INITIALIZE* InitializeHandlerEx;
  MINIPORT_HALT* HaltHandlerEx;
  MINIPORT_SEND_NET_BUFFER_LISTS* SendNetBufferListsHandler;
  MINIPORT_RETURN_NET_BUFFER_LISTS* ReturnNetBufferListsHandler;
};
using PNDIS_MINIPORT_DRIVER_CHARACTERISTICS = NDIS_MINIPORT_DRIVER_CHARACTERISTICS*;

// DriverObject and RegistryPath are ignored (pass nullptr).
NDIS_STATUS NdisMRegisterMiniportDriver(
    PVOID DriverObject, PVOID RegistryPath, NDIS_HANDLE MiniportDriverContext,
    PNDIS_MINIPORT_DRIVER_CHARACTERISTICS MiniportDriverCharacteristics,
    PNDIS_HANDLE NdisMiniportDriverHandle, SourceLocation where = NDIS_HERE);
VOID NdisMDeregisterMiniportDriver(NDIS_HANDLE NdisMiniportDriverHandle);

struct NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES {
  NDIS_OBJECT_HEADER Header;
  NDIS_HANDLE MiniportAdapterContext;
  ULONG AttributeFlags;
  UINT CheckForHangTimeInSeconds;
};
union NDIS_MINIPORT_ADAPTER_ATTRIBUTES {
  NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES RegistrationAttributes;
};
using PNDIS_MINIPORT_ADAPTER_ATTRIBUTES = NDIS_MINIPORT_ADAPTER_ATTRIBUTES*;
// Called from initialize: sets the MiniportAdapterContext the other entry points receive.
NDIS_STATUS NdisMSetMiniportAttributes(NDIS_HANDLE NdisMiniportAdapterHandle,
                                       PNDIS_MINIPORT_ADAPTER_ATTRIBUTES MiniportAttributes,
                                       SourceLocation where = NDIS_HERE);

// nicsim: the current CPU (KeGetCurrentProcessorNumber) and IRQL (KeGetCurrentIrql).
ULONG NdisCurrentProcessorNumber();
KIRQL NdisCurrentIrql();
ULONG NdisSystemProcessorCount();

// ---------------------------------------------------------------------------------------------
// ISR-shared state. Declare every variable the ISR (or Enable/DisableInterrupt) shares with other
// code as NDIS_ISR_SHARED<T>: each access is a yield point attributed to the current CPU, IRQL,
// context and held locks, and checked (ISR_SHARED_UNSYNCHRONIZED). NDIS_ISR_SHARED_INTERLOCKED<T>
// declares a word handed off lock-free with interlocked operations (legal between ISR and DPC).
// ---------------------------------------------------------------------------------------------
namespace nicsim::ndis::detail {
enum class SharedAccess : uint8_t { kRead, kWrite, kInterlocked };
// Reports the access to the kernel (a yield point first, then the checks).
void OnSharedAccess(const void* object, const char* name, SharedAccess access, bool initialized,
                    const std::source_location& where);
// Forgets the object's access history (it is being destroyed).
void OnSharedDestroyed(const void* object);
}  // namespace nicsim::ndis::detail

template <typename T>
class NDIS_ISR_SHARED {
  static_assert(std::is_trivially_copyable_v<T>, "ISR-shared state must be a plain value");

 public:
  explicit NDIS_ISR_SHARED(const char* name = "IsrShared") : name_(name) {}
  NDIS_ISR_SHARED(const char* name, T initial) : name_(name), value_(initial), initialized_(true) {}
  ~NDIS_ISR_SHARED() { nicsim::ndis::detail::OnSharedDestroyed(this); }
  NDIS_ISR_SHARED(const NDIS_ISR_SHARED&) = delete;
  NDIS_ISR_SHARED& operator=(const NDIS_ISR_SHARED&) = delete;

  T Read(SourceLocation where = NDIS_HERE) const {
    Access(nicsim::ndis::detail::SharedAccess::kRead, where);
    return value_;
  }
  void Write(T value, SourceLocation where = NDIS_HERE) {
    Access(nicsim::ndis::detail::SharedAccess::kWrite, where);
    value_ = value;
    initialized_ = true;
  }
  // Not atomic: a read and a write, each a yield point, so an ISR can land between them.
  T Or(T bits, SourceLocation where = NDIS_HERE) {
    T old = Read(where);
    Write(static_cast<T>(old | bits), where);
    return old;
  }
  T Exchange(T value, SourceLocation where = NDIS_HERE) {
    T old = Read(where);
    Write(value, where);
    return old;
  }
  const char* name() const { return name_; }

 private:
  void Access(nicsim::ndis::detail::SharedAccess access, const SourceLocation& where) const {
    nicsim::ndis::detail::OnSharedAccess(this, name_, access, initialized_, where);
  }
  const char* name_;
  T value_{};
  bool initialized_ = false;
};

template <typename T>
class NDIS_ISR_SHARED_INTERLOCKED {
  static_assert(std::is_integral_v<T>, "interlocked state must be an integer word");

 public:
  explicit NDIS_ISR_SHARED_INTERLOCKED(const char* name = "IsrSharedInterlocked", T initial = T{})
      : name_(name), value_(initial) {}
  ~NDIS_ISR_SHARED_INTERLOCKED() { nicsim::ndis::detail::OnSharedDestroyed(this); }
  NDIS_ISR_SHARED_INTERLOCKED(const NDIS_ISR_SHARED_INTERLOCKED&) = delete;
  NDIS_ISR_SHARED_INTERLOCKED& operator=(const NDIS_ISR_SHARED_INTERLOCKED&) = delete;

  T Read(SourceLocation where = NDIS_HERE) const {
    Access(where);
    return value_;
  }
  void Write(T value, SourceLocation where = NDIS_HERE) {
    Access(where);
    value_ = value;
  }
  // Atomic read-modify-write (InterlockedOr / InterlockedExchange / InterlockedAnd).
  T Or(T bits, SourceLocation where = NDIS_HERE) {
    Access(where);
    T old = value_;
    value_ = static_cast<T>(old | bits);
    return old;
  }
  T And(T bits, SourceLocation where = NDIS_HERE) {
    Access(where);
    T old = value_;
    value_ = static_cast<T>(old & bits);
    return old;
  }
  T Exchange(T value, SourceLocation where = NDIS_HERE) {
    Access(where);
    T old = value_;
    value_ = value;
    return old;
  }
  const char* name() const { return name_; }

 private:
  void Access(const SourceLocation& where) const {
    nicsim::ndis::detail::OnSharedAccess(
        this, name_, nicsim::ndis::detail::SharedAccess::kInterlocked, true, where);
  }
  const char* name_;
  T value_;
};

template <typename T>
using NdisIsrShared = NDIS_ISR_SHARED<T>;
template <typename T>
using NdisIsrSharedInterlocked = NDIS_ISR_SHARED_INTERLOCKED<T>;
