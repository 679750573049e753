// The C entry points behind <ndis.h>'s macros: each forwards to the installed Kernel with the
// driver's call site.
#include <ndis.h>

#include <cstdlib>
#include <cstring>

#include "driver/ndis/api_call.h"
#include "driver/ndis/kernel.h"

using nicsim::ndis::CallSite;
using nicsim::ndis::Kernel;

using nicsim::ndis::api::K;

ULONG NicsimKeGetCurrentProcessorNumber(void) {
  auto& platform = K().platform();
  return platform.on_cpu() ? platform.current_cpu().index() : 0;
}
KIRQL NicsimKeGetCurrentIrql(void) {
  auto& platform = K().platform();
  return platform.on_cpu() ? platform.current_cpu().irql() : PASSIVE_LEVEL;
}
CCHAR NicsimNdisSystemProcessorCount(void) { return static_cast<CCHAR>(K().platform().num_cpus()); }

VOID NicsimNdisAllocateSpinLock(PNDIS_SPIN_LOCK SpinLock, const char* Name,
                                NICSIM_CALL_SITE_PARAMS) {
  K().spin_locks().allocate_spin_lock(SpinLock, Name, WHERE);
}
VOID NicsimNdisFreeSpinLock(PNDIS_SPIN_LOCK SpinLock, NICSIM_CALL_SITE_PARAMS) {
  K().spin_locks().free_spin_lock(SpinLock, WHERE);
}
VOID NicsimNdisAcquireSpinLock(PNDIS_SPIN_LOCK SpinLock, BOOLEAN Dpr, NICSIM_CALL_SITE_PARAMS) {
  K().spin_locks().acquire_spin_lock(SpinLock, Dpr != FALSE, WHERE);
}
VOID NicsimNdisReleaseSpinLock(PNDIS_SPIN_LOCK SpinLock, BOOLEAN Dpr, NICSIM_CALL_SITE_PARAMS) {
  K().spin_locks().release_spin_lock(SpinLock, Dpr != FALSE, WHERE);
}

NDIS_STATUS NicsimNdisMRegisterInterruptEx(
    NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportInterruptContext,
    PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS MiniportInterruptCharacteristics,
    PNDIS_HANDLE NdisInterruptHandle, NICSIM_CALL_SITE_PARAMS) {
  return K().interrupts().register_interrupt(MiniportAdapterHandle, MiniportInterruptContext,
                                             MiniportInterruptCharacteristics, NdisInterruptHandle,
                                             WHERE);
}
VOID NicsimNdisMDeregisterInterruptEx(NDIS_HANDLE NdisInterruptHandle, NICSIM_CALL_SITE_PARAMS) {
  K().interrupts().deregister_interrupt(NdisInterruptHandle, WHERE);
}
BOOLEAN NicsimNdisMSynchronizeWithInterruptEx(
    NDIS_HANDLE NdisInterruptHandle, ULONG MessageId,
    MINIPORT_SYNCHRONIZE_INTERRUPT_HANDLER SynchronizeFunction, PVOID SynchronizeContext,
    NICSIM_CALL_SITE_PARAMS) {
  return K().interrupts().synchronize(NdisInterruptHandle, MessageId, SynchronizeFunction,
                                      SynchronizeContext, WHERE);
}
KAFFINITY NicsimNdisMQueueDpcEx(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId,
                                PGROUP_AFFINITY TargetProcessors, PVOID MiniportDpcContext,
                                NICSIM_CALL_SITE_PARAMS) {
  return K().interrupts().queue_dpc(NdisInterruptHandle, MessageId,
                                    TargetProcessors ? TargetProcessors->Mask : 0,
                                    TargetProcessors == nullptr, MiniportDpcContext, WHERE);
}
ULONG NicsimNdisMQueueDpc(NDIS_HANDLE NdisInterruptHandle, ULONG MessageId, ULONG TargetProcessors,
                          PVOID MiniportDpcContext, NICSIM_CALL_SITE_PARAMS) {
  return static_cast<ULONG>(K().interrupts().queue_dpc(
      NdisInterruptHandle, MessageId, TargetProcessors, false, MiniportDpcContext, WHERE));
}

NDIS_STATUS NicsimNdisMMapIoSpace(PVOID* VirtualAddress, NDIS_HANDLE,
                                  NDIS_PHYSICAL_ADDRESS PhysicalAddress, UINT Length,
                                  NICSIM_CALL_SITE_PARAMS) {
  return K().io().map_io_space(VirtualAddress, PhysicalAddress, Length, WHERE);
}
VOID NicsimNdisMUnmapIoSpace(NDIS_HANDLE, PVOID VirtualAddress, UINT, NICSIM_CALL_SITE_PARAMS) {
  (void)NicsimFile, (void)NicsimLine, (void)NicsimFunction;
  K().io().unmap_io_space(VirtualAddress);
}
VOID NicsimDeclareInterruptMaskRegisterAt(volatile ULONG* Register, NICSIM_CALL_SITE_PARAMS) {
  K().io().declare_mask_register(const_cast<PULONG>(Register), WHERE);
}

VOID NicsimNdisStallExecution(UINT MicrosecondsToStall, NICSIM_CALL_SITE_PARAMS) {
  K().waits().stall(MicrosecondsToStall, WHERE);
}
VOID NicsimNdisMSleep(ULONG MicrosecondsToSleep, NICSIM_CALL_SITE_PARAMS) {
  K().waits().sleep(MicrosecondsToSleep, WHERE);
}
VOID NicsimNdisGetCurrentSystemTime(PLARGE_INTEGER pSystemTime, NICSIM_CALL_SITE_PARAMS) {
  pSystemTime->QuadPart = K().waits().system_time(WHERE);
}
VOID NicsimNdisSetEvent(PNDIS_EVENT Event, BOOLEAN Signaled, NICSIM_CALL_SITE_PARAMS) {
  K().waits().set_event(Event, Signaled != FALSE, WHERE);
}
BOOLEAN NicsimNdisWaitEvent(PNDIS_EVENT Event, UINT MsToWait, NICSIM_CALL_SITE_PARAMS) {
  return K().waits().wait_event(Event, MsToWait, WHERE);
}

PVOID NicsimNdisAllocateMemoryWithTagPriority(NDIS_HANDLE, UINT Length, ULONG, EX_POOL_PRIORITY,
                                              NICSIM_CALL_SITE_PARAMS) {
  return K().memory().allocate_memory(Length, WHERE);
}
VOID NicsimNdisFreeMemory(PVOID VirtualAddress, UINT, UINT, NICSIM_CALL_SITE_PARAMS) {
  K().memory().free_memory(VirtualAddress, WHERE);
}

VOID NicsimNdisMAllocateSharedMemory(NDIS_HANDLE, ULONG Length, BOOLEAN, PVOID* VirtualAddress,
                                     PNDIS_PHYSICAL_ADDRESS PhysicalAddress,
                                     NICSIM_CALL_SITE_PARAMS) {
  K().memory().allocate_shared_memory(Length, VirtualAddress, PhysicalAddress, WHERE);
}
VOID NicsimNdisMFreeSharedMemory(NDIS_HANDLE, ULONG, BOOLEAN, PVOID VirtualAddress,
                                 NDIS_PHYSICAL_ADDRESS PhysicalAddress, NICSIM_CALL_SITE_PARAMS) {
  K().memory().free_shared_memory(VirtualAddress, PhysicalAddress, WHERE);
}
VOID NicsimSyncBufferForDeviceAt(PVOID VirtualAddress, ULONG Length, NICSIM_CALL_SITE_PARAMS) {
  K().memory().sync_buffer(VirtualAddress, Length, true, WHERE);
}
VOID NicsimSyncBufferForCpuAt(PVOID VirtualAddress, ULONG Length, NICSIM_CALL_SITE_PARAMS) {
  K().memory().sync_buffer(VirtualAddress, Length, false, WHERE);
}
ULONG NicsimReadSharedUlongAt(const volatile VOID* Address, NICSIM_CALL_SITE_PARAMS) {
  K().memory().touch_shared(Address, 4, false, WHERE);
  ULONG value;
  std::memcpy(&value, const_cast<const void*>(Address), 4);
  return value;
}
VOID NicsimWriteSharedUlongAt(volatile VOID* Address, ULONG Value, NICSIM_CALL_SITE_PARAMS) {
  K().memory().touch_shared(Address, 4, true, WHERE);
  std::memcpy(const_cast<void*>(Address), &Value, 4);
}
ULONG64 NicsimReadSharedUlong64At(const volatile VOID* Address, NICSIM_CALL_SITE_PARAMS) {
  K().memory().touch_shared(Address, 8, false, WHERE);
  ULONG64 value;
  std::memcpy(&value, const_cast<const void*>(Address), 8);
  return value;
}
VOID NicsimWriteSharedUlong64At(volatile VOID* Address, ULONG64 Value, NICSIM_CALL_SITE_PARAMS) {
  K().memory().touch_shared(Address, 8, true, WHERE);
  std::memcpy(const_cast<void*>(Address), &Value, 8);
}
VOID NicsimMoveFromSharedAt(PVOID Destination, const volatile VOID* SharedSource, ULONG Length,
                            NICSIM_CALL_SITE_PARAMS) {
  K().memory().touch_shared(SharedSource, Length, false, WHERE);
  std::memcpy(Destination, const_cast<const void*>(SharedSource), Length);
}
VOID NicsimMoveToSharedAt(volatile VOID* SharedDestination, const VOID* Source, ULONG Length,
                          NICSIM_CALL_SITE_PARAMS) {
  K().memory().touch_shared(SharedDestination, Length, true, WHERE);
  std::memcpy(const_cast<void*>(SharedDestination), Source, Length);
}

VOID NicsimNdisMIndicateReceiveNetBufferLists(NDIS_HANDLE MiniportAdapterHandle,
                                              PNET_BUFFER_LIST NetBufferLists, NDIS_PORT_NUMBER,
                                              ULONG NumberOfNetBufferLists, ULONG ReceiveFlags,
                                              NICSIM_CALL_SITE_PARAMS) {
  K().lifecycle().indicate_receive(MiniportAdapterHandle, NetBufferLists, NumberOfNetBufferLists,
                                   ReceiveFlags, WHERE);
}
VOID NicsimNdisMSendNetBufferListsComplete(NDIS_HANDLE MiniportAdapterHandle,
                                           PNET_BUFFER_LIST NetBufferLists, ULONG SendCompleteFlags,
                                           NICSIM_CALL_SITE_PARAMS) {
  K().lifecycle().send_complete(MiniportAdapterHandle, NetBufferLists, SendCompleteFlags, WHERE);
}

NDIS_STATUS NicsimNdisMRegisterMiniportDriver(
    PVOID, PVOID, NDIS_HANDLE MiniportDriverContext,
    PNDIS_MINIPORT_DRIVER_CHARACTERISTICS MiniportDriverCharacteristics,
    PNDIS_HANDLE NdisMiniportDriverHandle, NICSIM_CALL_SITE_PARAMS) {
  return K().lifecycle().register_driver(MiniportDriverContext, MiniportDriverCharacteristics,
                                         NdisMiniportDriverHandle, WHERE);
}
VOID NicsimNdisMDeregisterMiniportDriver(NDIS_HANDLE, NICSIM_CALL_SITE_PARAMS) {
  (void)NicsimFile, (void)NicsimLine, (void)NicsimFunction;
  K().lifecycle().deregister_driver();
}
NDIS_STATUS NicsimNdisMSetMiniportAttributes(NDIS_HANDLE NdisMiniportAdapterHandle,
                                             PNDIS_MINIPORT_ADAPTER_ATTRIBUTES MiniportAttributes,
                                             NICSIM_CALL_SITE_PARAMS) {
  return K().lifecycle().set_attributes(NdisMiniportAdapterHandle, MiniportAttributes, WHERE);
}
VOID NicsimNdisMPauseComplete(NDIS_HANDLE MiniportAdapterHandle, NICSIM_CALL_SITE_PARAMS) {
  K().lifecycle().pause_complete(MiniportAdapterHandle, WHERE);
}
VOID NicsimNdisMRestartComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status,
                                NICSIM_CALL_SITE_PARAMS) {
  K().lifecycle().restart_complete(MiniportAdapterHandle, Status, WHERE);
}
VOID NicsimNdisMOidRequestComplete(NDIS_HANDLE MiniportAdapterHandle, PNDIS_OID_REQUEST OidRequest,
                                   NDIS_STATUS Status, NICSIM_CALL_SITE_PARAMS) {
  K().lifecycle().oid_request_complete(MiniportAdapterHandle, OidRequest, Status, WHERE);
}
VOID NicsimNdisMResetComplete(NDIS_HANDLE MiniportAdapterHandle, NDIS_STATUS Status,
                              BOOLEAN AddressingReset, NICSIM_CALL_SITE_PARAMS) {
  K().lifecycle().reset_complete(MiniportAdapterHandle, Status, AddressingReset, WHERE);
}
VOID NicsimNdisMResetMiniport(NDIS_HANDLE MiniportAdapterHandle, NICSIM_CALL_SITE_PARAMS) {
  K().lifecycle().request_reset(MiniportAdapterHandle, WHERE);
}
NDIS_STATUS NicsimNdisMRemoveMiniport(NDIS_HANDLE MiniportHandle, NICSIM_CALL_SITE_PARAMS) {
  return K().lifecycle().request_removal(MiniportHandle, WHERE);
}
VOID NicsimNdisMIndicateStatusEx(NDIS_HANDLE MiniportAdapterHandle,
                                 PNDIS_STATUS_INDICATION StatusIndication,
                                 NICSIM_CALL_SITE_PARAMS) {
  K().lifecycle().indicate_status(MiniportAdapterHandle, StatusIndication, WHERE);
}

void NicsimOnIsrSharedAccess(const void* Object, const char* Name, int Access, BOOLEAN Initialized,
                             NICSIM_CALL_SITE_PARAMS) {
  using nicsim::ndis::SharedAccess;
  const auto access = Access == 0   ? SharedAccess::kRead
                      : Access == 1 ? SharedAccess::kWrite
                                    : SharedAccess::kInterlocked;
  if (Kernel* kernel = Kernel::current_or_null())
    kernel->isr_shared().shared_access(Object, Name, access, Initialized != FALSE, WHERE);
}
void NicsimOnIsrSharedDestroyed(const void* Object) {
  if (Kernel* kernel = Kernel::current_or_null()) kernel->isr_shared().shared_destroyed(Object);
}

NDIS_HANDLE NicsimNdisAllocateNetBufferListPool(NDIS_HANDLE,
                                                PNET_BUFFER_LIST_POOL_PARAMETERS Parameters,
                                                NICSIM_CALL_SITE_PARAMS) {
  return K().net_buffers().allocate_nbl_pool(Parameters, WHERE);
}
VOID NicsimNdisFreeNetBufferListPool(NDIS_HANDLE PoolHandle, NICSIM_CALL_SITE_PARAMS) {
  K().net_buffers().free_nbl_pool(PoolHandle, WHERE);
}
PNET_BUFFER_LIST NicsimNdisAllocateNetBufferAndNetBufferList(NDIS_HANDLE PoolHandle,
                                                             USHORT ContextSize,
                                                             USHORT ContextBackFill, PMDL MdlChain,
                                                             ULONG DataOffset, SIZE_T DataLength,
                                                             NICSIM_CALL_SITE_PARAMS) {
  return K().net_buffers().allocate_nbl(PoolHandle, ContextSize, ContextBackFill, true, MdlChain,
                                        DataOffset, DataLength, WHERE);
}
PNET_BUFFER_LIST NicsimNdisAllocateNetBufferList(NDIS_HANDLE PoolHandle, USHORT ContextSize,
                                                 USHORT ContextBackFill, NICSIM_CALL_SITE_PARAMS) {
  return K().net_buffers().allocate_nbl(PoolHandle, ContextSize, ContextBackFill, false, nullptr, 0,
                                        0, WHERE);
}
VOID NicsimNdisFreeNetBufferList(PNET_BUFFER_LIST NetBufferList, NICSIM_CALL_SITE_PARAMS) {
  K().net_buffers().free_nbl(NetBufferList, WHERE);
}
NDIS_HANDLE NicsimNdisAllocateNetBufferPool(NDIS_HANDLE, PNET_BUFFER_POOL_PARAMETERS Parameters,
                                            NICSIM_CALL_SITE_PARAMS) {
  return K().net_buffers().allocate_nb_pool(Parameters, WHERE);
}
VOID NicsimNdisFreeNetBufferPool(NDIS_HANDLE PoolHandle, NICSIM_CALL_SITE_PARAMS) {
  K().net_buffers().free_nb_pool(PoolHandle, WHERE);
}
PNET_BUFFER NicsimNdisAllocateNetBuffer(NDIS_HANDLE PoolHandle, PMDL MdlChain, ULONG DataOffset,
                                        SIZE_T DataLength, NICSIM_CALL_SITE_PARAMS) {
  return K().net_buffers().allocate_nb(PoolHandle, MdlChain, DataOffset, DataLength, WHERE);
}
VOID NicsimNdisFreeNetBuffer(PNET_BUFFER NetBuffer, NICSIM_CALL_SITE_PARAMS) {
  K().net_buffers().free_nb(NetBuffer, WHERE);
}
PMDL NicsimNdisAllocateMdl(NDIS_HANDLE, PVOID VirtualAddress, UINT Length,
                           NICSIM_CALL_SITE_PARAMS) {
  return K().net_buffers().allocate_mdl(VirtualAddress, Length, WHERE);
}
VOID NicsimNdisFreeMdl(PMDL Mdl, NICSIM_CALL_SITE_PARAMS) {
  K().net_buffers().free_mdl(Mdl, WHERE);
}
VOID NicsimNdisAdjustMdlLength(PMDL Mdl, UINT Length, NICSIM_CALL_SITE_PARAMS) {
  K().net_buffers().adjust_mdl_length(Mdl, Length, WHERE);
}
PVOID NicsimNdisGetDataBuffer(PNET_BUFFER NetBuffer, ULONG BytesNeeded, PVOID Storage,
                              UINT AlignMultiple, UINT AlignOffset, NICSIM_CALL_SITE_PARAMS) {
  return K().net_buffers().get_data_buffer(NetBuffer, BytesNeeded, Storage, AlignMultiple,
                                           AlignOffset, WHERE);
}

NDIS_STATUS NicsimNdisMRegisterScatterGatherDma(NDIS_HANDLE,
                                                PNDIS_SG_DMA_DESCRIPTION DmaDescription,
                                                PNDIS_HANDLE NdisMiniportDmaHandle,
                                                NICSIM_CALL_SITE_PARAMS) {
  return K().sg_dma().register_sg_dma(DmaDescription, NdisMiniportDmaHandle, WHERE);
}
VOID NicsimNdisMDeregisterScatterGatherDma(NDIS_HANDLE NdisMiniportDmaHandle,
                                           NICSIM_CALL_SITE_PARAMS) {
  K().sg_dma().deregister_sg_dma(NdisMiniportDmaHandle, WHERE);
}
NDIS_STATUS NicsimNdisMAllocateNetBufferSGList(NDIS_HANDLE NdisMiniportDmaHandle,
                                               PNET_BUFFER NetBuffer, PVOID Context, ULONG,
                                               PVOID ScatterGatherListBuffer,
                                               ULONG ScatterGatherListBufferSize,
                                               NICSIM_CALL_SITE_PARAMS) {
  return K().sg_dma().allocate_sg_list(NdisMiniportDmaHandle, NetBuffer, Context,
                                       ScatterGatherListBuffer, ScatterGatherListBufferSize, WHERE);
}
VOID NicsimNdisMFreeNetBufferSGList(NDIS_HANDLE NdisMiniportDmaHandle, PSCATTER_GATHER_LIST pSGL,
                                    PNET_BUFFER NetBuffer, NICSIM_CALL_SITE_PARAMS) {
  K().sg_dma().free_sg_list(NdisMiniportDmaHandle, pSGL, NetBuffer, WHERE);
}
