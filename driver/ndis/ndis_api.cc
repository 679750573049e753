// The free NDIS functions of ndis.h: each forwards to the installed Kernel.
#include <cstdlib>
#include <cstring>

#include "driver/ndis/kernel.h"
#include "driver/ndis/ndis.h"

using nicsim::ndis::Kernel;

namespace {
Kernel& K() { return Kernel::current(); }
}  // namespace

VOID NdisAllocateSpinLockNamed(PNDIS_SPIN_LOCK SpinLock, const char* Name, SourceLocation where) {
  K().allocate_spin_lock(SpinLock, Name, where);
}
VOID NdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock, SourceLocation where) {
  K().free_spin_lock(SpinLock, where);
}
VOID NdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock, SourceLocation where) {
  K().acquire_spin_lock(SpinLock, false, where);
}
VOID NdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock, SourceLocation where) {
  K().release_spin_lock(SpinLock, false, where);
}
VOID NdisDprAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock, SourceLocation where) {
  K().acquire_spin_lock(SpinLock, true, where);
}
VOID NdisDprReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock, SourceLocation where) {
  K().release_spin_lock(SpinLock, true, where);
}

NDIS_STATUS NdisMRegisterInterruptEx(
    NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportInterruptContext,
    PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS InterruptCharacteristics,
    PNDIS_HANDLE NdisInterruptHandle, SourceLocation where) {
  return K().register_interrupt(MiniportAdapterHandle, MiniportInterruptContext,
                                InterruptCharacteristics, NdisInterruptHandle, where);
}
VOID NdisMDeregisterInterruptEx(NDIS_HANDLE NdisInterruptHandle, SourceLocation where) {
  K().deregister_interrupt(NdisInterruptHandle, where);
}
BOOLEAN NdisMSynchronizeWithInterruptEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId,
                                        PMINIPORT_SYNCHRONIZE_INTERRUPT SynchronizeFunction,
                                        PVOID SynchronizeContext, SourceLocation where) {
  return K().synchronize(NdisInterruptHandle, MessageId, SynchronizeFunction, SynchronizeContext,
                         where);
}
KAFFINITY NdisMQueueDpcEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId,
                          PGROUP_AFFINITY TargetProcessors, PVOID MiniportDpcContext,
                          SourceLocation where) {
  return K().queue_dpc(NdisInterruptHandle, MessageId,
                       TargetProcessors ? TargetProcessors->Mask : 0, TargetProcessors == nullptr,
                       MiniportDpcContext, where);
}
KAFFINITY NdisMQueueDpcMask(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId, KAFFINITY Mask,
                            PVOID MiniportDpcContext, SourceLocation where) {
  return K().queue_dpc(NdisInterruptHandle, MessageId, Mask, false, MiniportDpcContext, where);
}

NDIS_STATUS NdisMMapIoSpace(PVOID* VirtualAddress, NDIS_HANDLE,
                            NDIS_PHYSICAL_ADDRESS PhysicalAddress, UINT Length,
                            SourceLocation where) {
  return K().map_io_space(VirtualAddress, PhysicalAddress, Length, where);
}
VOID NdisMUnmapIoSpace(NDIS_HANDLE, PVOID VirtualAddress, UINT, SourceLocation) {
  K().unmap_io_space(VirtualAddress);
}
VOID NdisReadRegisterUlong(PULONG Register, PULONG Data, SourceLocation where) {
  *Data = K().read_register(Register, where);
}
VOID NdisWriteRegisterUlong(PULONG Register, ULONG Data, SourceLocation where) {
  K().write_register(Register, Data, where);
}
VOID NdisMDeclareInterruptMaskRegister(PULONG Register, SourceLocation where) {
  K().declare_mask_register(Register, where);
}

VOID NdisStallExecution(UINT MicrosecondsToStall, SourceLocation where) {
  K().stall(MicrosecondsToStall, where);
}
VOID NdisGetCurrentSystemTime(PLARGE_INTEGER pSystemTime, SourceLocation where) {
  pSystemTime->QuadPart = K().system_time(where);
}
VOID NdisMSleep(ULONG MicrosecondsToSleep, SourceLocation where) {
  K().sleep(MicrosecondsToSleep, where);
}
VOID NdisInitializeEvent(PNDIS_EVENT Event, SourceLocation) {
  Event->Event = 0;
  Event->Signaled = FALSE;
}
VOID NdisSetEvent(PNDIS_EVENT Event, SourceLocation where) { K().set_event(Event, true, where); }
VOID NdisResetEvent(PNDIS_EVENT Event, SourceLocation where) { K().set_event(Event, false, where); }
BOOLEAN NdisWaitEvent(PNDIS_EVENT Event, UINT MsToWait, SourceLocation where) {
  return K().wait_event(Event, MsToWait, where);
}

PVOID NdisAllocateMemoryWithTagPriority(NDIS_HANDLE, UINT Length, ULONG, EX_POOL_PRIORITY,
                                        SourceLocation where) {
  return K().allocate_memory(Length, where);
}
VOID NdisFreeMemory(PVOID VirtualAddress, UINT, UINT) { std::free(VirtualAddress); }

VOID NdisMAllocateSharedMemory(NDIS_HANDLE, ULONG Length, BOOLEAN, PVOID* VirtualAddress,
                               PNDIS_PHYSICAL_ADDRESS PhysicalAddress, SourceLocation where) {
  K().allocate_shared_memory(Length, VirtualAddress, PhysicalAddress, where);
}
VOID NdisMFreeSharedMemory(NDIS_HANDLE, ULONG, BOOLEAN, PVOID VirtualAddress,
                           NDIS_PHYSICAL_ADDRESS PhysicalAddress, SourceLocation where) {
  K().free_shared_memory(VirtualAddress, PhysicalAddress, where);
}
VOID NdisMSyncBufferForDevice(PVOID VirtualAddress, ULONG Length, SourceLocation where) {
  K().sync_buffer(VirtualAddress, Length, true, where);
}
VOID NdisMSyncBufferForCpu(PVOID VirtualAddress, ULONG Length, SourceLocation where) {
  K().sync_buffer(VirtualAddress, Length, false, where);
}
ULONG NdisReadSharedUlong(const volatile VOID* Address, SourceLocation where) {
  K().touch_shared(Address, 4, false, where);
  ULONG value;
  std::memcpy(&value, const_cast<const void*>(Address), 4);
  return value;
}
VOID NdisWriteSharedUlong(volatile VOID* Address, ULONG Value, SourceLocation where) {
  K().touch_shared(Address, 4, true, where);
  std::memcpy(const_cast<void*>(Address), &Value, 4);
}
ULONG64 NdisReadSharedUlong64(const volatile VOID* Address, SourceLocation where) {
  K().touch_shared(Address, 8, false, where);
  ULONG64 value;
  std::memcpy(&value, const_cast<const void*>(Address), 8);
  return value;
}
VOID NdisWriteSharedUlong64(volatile VOID* Address, ULONG64 Value, SourceLocation where) {
  K().touch_shared(Address, 8, true, where);
  std::memcpy(const_cast<void*>(Address), &Value, 8);
}
VOID NdisMoveFromShared(PVOID Destination, const volatile VOID* SharedSource, ULONG Length,
                        SourceLocation where) {
  K().touch_shared(SharedSource, Length, false, where);
  std::memcpy(Destination, const_cast<const void*>(SharedSource), Length);
}
VOID NdisMoveToShared(volatile VOID* SharedDestination, const VOID* Source, ULONG Length,
                      SourceLocation where) {
  K().touch_shared(SharedDestination, Length, true, where);
  std::memcpy(const_cast<void*>(SharedDestination), Source, Length);
}

VOID NdisMIndicateReceiveNetBufferLists(NDIS_HANDLE MiniportAdapterHandle,
                                        PNET_BUFFER_LIST NetBufferLists, NDIS_PORT_NUMBER,
                                        ULONG NumberOfNetBufferLists, ULONG ReceiveFlags,
                                        SourceLocation where) {
  K().indicate_receive(MiniportAdapterHandle, NetBufferLists, NumberOfNetBufferLists, ReceiveFlags,
                       where);
}
VOID NdisMSendNetBufferListsComplete(NDIS_HANDLE MiniportAdapterHandle,
                                     PNET_BUFFER_LIST NetBufferLists, ULONG SendCompleteFlags,
                                     SourceLocation where) {
  K().send_complete(MiniportAdapterHandle, NetBufferLists, SendCompleteFlags, where);
}

NDIS_STATUS NdisMRegisterMiniportDriver(
    PVOID, PVOID, NDIS_HANDLE MiniportDriverContext,
    PNDIS_MINIPORT_DRIVER_CHARACTERISTICS MiniportDriverCharacteristics,
    PNDIS_HANDLE NdisMiniportDriverHandle, SourceLocation where) {
  return K().register_driver(MiniportDriverContext, MiniportDriverCharacteristics,
                             NdisMiniportDriverHandle, where);
}
VOID NdisMDeregisterMiniportDriver(NDIS_HANDLE) { K().deregister_driver(); }
NDIS_STATUS NdisMSetMiniportAttributes(NDIS_HANDLE NdisMiniportAdapterHandle,
                                       PNDIS_MINIPORT_ADAPTER_ATTRIBUTES MiniportAttributes,
                                       SourceLocation) {
  return K().set_attributes(NdisMiniportAdapterHandle, MiniportAttributes);
}

ULONG NdisCurrentProcessorNumber() {
  auto& platform = K().platform();
  return platform.on_cpu() ? platform.current_cpu().index() : 0;
}
KIRQL NdisCurrentIrql() {
  auto& platform = K().platform();
  return platform.on_cpu() ? platform.current_cpu().irql() : PASSIVE_LEVEL;
}
ULONG NdisSystemProcessorCount() { return K().platform().num_cpus(); }

namespace nicsim::ndis::detail {
void OnSharedAccess(const void* object, const char* name, SharedAccess access, bool initialized,
                    const std::source_location& where) {
  if (Kernel* kernel = Kernel::current_or_null())
    kernel->shared_access(object, name, access, initialized, where);
}
void OnSharedDestroyed(const void* object) {
  if (Kernel* kernel = Kernel::current_or_null()) kernel->shared_destroyed(object);
}
}  // namespace nicsim::ndis::detail
