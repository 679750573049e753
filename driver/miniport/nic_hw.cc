// Hardware access: BAR0 registers, identity check, reset, ring memory and ring registers, the
// MSI-X table and interrupt routing. Callers hold whatever lock the ring state needs.
#include <new>

#include "mp_adapter.h"

namespace nicsim::miniport {
namespace {

PULONG Register(MP_ADAPTER* adapter, ULONG offset) {
  return reinterpret_cast<PULONG>(static_cast<PUCHAR>(adapter->Bar0) + offset);
}

ULONG Low(ULONG64 value) { return static_cast<ULONG>(value & 0xFFFFFFFFu); }
ULONG High(ULONG64 value) { return static_cast<ULONG>(value >> 32); }

}  // namespace

// Once the device is gone, no access reaches the bus: a read answers what the bus would
// (all-ones) and a write goes nowhere.
ULONG NICReadRegister(MP_ADAPTER* adapter, ULONG offset) {
  if (MPDeviceRemoved(adapter)) return kAllOnes;
  ULONG value = 0;
  NdisReadRegisterUlong(Register(adapter, offset), &value);
  return value;
}

VOID NICWriteRegister(MP_ADAPTER* adapter, ULONG offset, ULONG value) {
  if (MPDeviceRemoved(adapter)) return;
  NdisWriteRegisterUlong(Register(adapter, offset), value);
}

bool NICMarkRemoved(MP_ADAPTER* adapter) {
  return InterlockedExchange(&adapter->DeviceRemoved, 1) == 0;
}

// Runs at PASSIVE_LEVEL (initialize). The ID word must carry our magic and major version.
NDIS_STATUS NICCheckIdentity(MP_ADAPTER* adapter) {
  const ULONG id = NICReadRegister(adapter, nic_regs::ID);
  const ULONG magic = (id & nic_regs::ID_MAGIC) >> nic_regs::ID_MAGIC_SHIFT;
  const ULONG major = (id & nic_regs::ID_MAJOR) >> nic_regs::ID_MAJOR_SHIFT;
  if (magic != nic_regs::kIdMagic || major != nic_regs::kVersionMajor) {
    return NDIS_STATUS_ADAPTER_NOT_FOUND;
  }
  const ULONG caps = NICReadRegister(adapter, nic_regs::CAPS);
  const ULONG hw_queues = (caps & nic_regs::CAPS_NUM_QUEUES) >> nic_regs::CAPS_NUM_QUEUES_SHIFT;
  if (hw_queues == 0 || hw_queues > kMaxQueues || adapter->NumQueues > hw_queues) {
    return NDIS_STATUS_ADAPTER_NOT_FOUND;
  }
  return NDIS_STATUS_SUCCESS;
}

// Runs at IRQL <= DISPATCH_LEVEL after a soft reset. A DMA burst already on the bus still
// completes: the rings and buffers it reads may be freed or re-posted only once it has.
VOID NICWaitForIdle(MP_ADAPTER* adapter) {
  if (MPDeviceRemoved(adapter)) return;  // a removed device reads all-ones: BUSY forever
  for (ULONG polls = 0; polls < kIdlePolls; ++polls) {
    if (!(NICReadRegister(adapter, nic_regs::STATUS) & nic_regs::STATUS_BUSY)) return;
    NdisStallExecution(1);
  }
}

// Runs at PASSIVE_LEVEL. Masks every cause first, then soft-resets the engines and rings.
VOID NICResetDevice(MP_ADAPTER* adapter) {
  NICWriteRegister(adapter, nic_regs::CTRL, nic_regs::CTRL_RESET);
  NICWriteRegister(adapter, nic_regs::ICR, kAllCauses);
}

ULONG NICVectorCauses(const MP_ADAPTER* adapter, ULONG message_id) {
  return message_id < adapter->NumQueues ? QueueCauses(message_id) : kMiscCauses;
}

// Runs at PASSIVE_LEVEL (initialize), before the rings: scatter-gather DMA for sends, and the
// pool the receive NBLs come from.
NDIS_STATUS NICRegisterDma(MP_ADAPTER* adapter) {
  NDIS_SG_DMA_DESCRIPTION dma{};
  dma.Header.Type = NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION;
  dma.Header.Revision = NDIS_SG_DMA_DESCRIPTION_REVISION_1;
  dma.Header.Size = sizeof(dma);
  dma.Flags = NDIS_SG_DMA_64_BIT_ADDRESS;
  dma.MaximumPhysicalMapping = nic_regs::kMaxFrame;
  dma.ProcessSGListHandler = MPProcessSendSgList;
  NDIS_STATUS status =
      NdisMRegisterScatterGatherDma(adapter->AdapterHandle, &dma, &adapter->DmaHandle);
  if (status != NDIS_STATUS_SUCCESS) return status;
  adapter->SgListBytes = dma.ScatterGatherListSize;
  NET_BUFFER_LIST_POOL_PARAMETERS pool{};
  pool.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
  pool.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
  pool.Header.Size = sizeof(pool);
  pool.ProtocolId = NDIS_PROTOCOL_ID_DEFAULT;
  pool.fAllocateNetBuffer = TRUE;
  pool.PoolTag = kPoolTag;
  adapter->RecvNblPool = NdisAllocateNetBufferListPool(adapter->AdapterHandle, &pool);
  return adapter->RecvNblPool ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}

// Runs at PASSIVE_LEVEL after the rings are freed.
VOID NICDeregisterDma(MP_ADAPTER* adapter) {
  if (adapter->RecvNblPool) NdisFreeNetBufferListPool(adapter->RecvNblPool);
  adapter->RecvNblPool = nullptr;
  if (adapter->DmaHandle) NdisMDeregisterScatterGatherDma(adapter->DmaHandle);
  adapter->DmaHandle = nullptr;
}

// Runs at PASSIVE_LEVEL. Rings and buffers live in shared memory the device is granted.
NDIS_STATUS NICAllocateRings(MP_ADAPTER* adapter) {
  for (ULONG q = 0; q < adapter->NumQueues; ++q) {
    MP_TX_RING& tx = adapter->Tx[q];
    MP_RX_RING& rx = adapter->Rx[q];
    NDIS_PHYSICAL_ADDRESS pa{};
    PVOID va = nullptr;
    NdisMAllocateSharedMemory(adapter->AdapterHandle, kTxRingEntries * kDescBytes, FALSE, &va, &pa);
    if (!va) return NDIS_STATUS_RESOURCES;
    tx.DescVa = static_cast<PUCHAR>(va);
    tx.DescPa = static_cast<ULONG64>(pa.QuadPart);
    NdisMAllocateSharedMemory(adapter->AdapterHandle, kTxRingEntries * kBufferBytes, FALSE, &va,
                              &pa);
    if (!va) return NDIS_STATUS_RESOURCES;
    tx.BufferBlockVa = static_cast<PUCHAR>(va);
    tx.BufferBlockPa = static_cast<ULONG64>(pa.QuadPart);

    NdisMAllocateSharedMemory(adapter->AdapterHandle, kRxRingEntries * kDescBytes, FALSE, &va, &pa);
    if (!va) return NDIS_STATUS_RESOURCES;
    rx.DescVa = static_cast<PUCHAR>(va);
    rx.DescPa = static_cast<ULONG64>(pa.QuadPart);
    NdisZeroMemory(rx.DescVa, kRxRingEntries * kDescBytes);  // no done bit before the first lap
    NdisMAllocateSharedMemory(adapter->AdapterHandle, kRxBuffers * kBufferBytes, FALSE, &va, &pa);
    if (!va) return NDIS_STATUS_RESOURCES;
    rx.BufferBlockVa = static_cast<PUCHAR>(va);
    rx.BufferBlockPa = static_cast<ULONG64>(pa.QuadPart);
    for (ULONG i = 0; i < kRxBuffers; ++i) {
      MP_RX_BUFFER& buffer = rx.Buffers[i];
      buffer.Va = rx.BufferBlockVa + i * kBufferBytes;
      buffer.Pa = rx.BufferBlockPa + i * kBufferBytes;
      buffer.Queue = q;
      buffer.Mdl = NdisAllocateMdl(adapter->AdapterHandle, buffer.Va, kBufferBytes);
      if (!buffer.Mdl) return NDIS_STATUS_RESOURCES;
      buffer.Nbl =
          NdisAllocateNetBufferAndNetBufferList(adapter->RecvNblPool, 0, 0, buffer.Mdl, 0, 0);
      if (!buffer.Nbl) return NDIS_STATUS_RESOURCES;
      NET_BUFFER_LIST_MINIPORT_RESERVED(buffer.Nbl)[0] = &buffer;
    }
    tx.SgBlock = static_cast<PUCHAR>(NdisAllocateMemoryWithTagPriority(
        adapter->AdapterHandle, kTxRingEntries * adapter->SgListBytes, kPoolTag,
        NormalPoolPriority));
    if (!tx.SgBlock) return NDIS_STATUS_RESOURCES;
  }
  return NDIS_STATUS_SUCCESS;
}

// Runs at PASSIVE_LEVEL after the device is reset (it no longer touches the memory).
VOID NICFreeRings(MP_ADAPTER* adapter) {
  auto free_block = [adapter](PUCHAR& va, ULONG64 pa, ULONG bytes) {
    if (!va) return;
    NDIS_PHYSICAL_ADDRESS physical;
    physical.QuadPart = static_cast<LONGLONG>(pa);
    NdisMFreeSharedMemory(adapter->AdapterHandle, bytes, FALSE, va, physical);
    va = nullptr;
  };
  for (ULONG q = 0; q < adapter->NumQueues; ++q) {
    for (MP_RX_BUFFER& buffer : adapter->Rx[q].Buffers) {
      if (buffer.Nbl) NdisFreeNetBufferList(buffer.Nbl);
      if (buffer.Mdl) NdisFreeMdl(buffer.Mdl);
      buffer.Nbl = nullptr;
      buffer.Mdl = nullptr;
    }
    if (adapter->Tx[q].SgBlock) {
      NdisFreeMemory(adapter->Tx[q].SgBlock, kTxRingEntries * adapter->SgListBytes, 0);
      adapter->Tx[q].SgBlock = nullptr;
    }
    free_block(adapter->Tx[q].DescVa, adapter->Tx[q].DescPa, kTxRingEntries * kDescBytes);
    free_block(adapter->Tx[q].BufferBlockVa, adapter->Tx[q].BufferBlockPa,
               kTxRingEntries * kBufferBytes);
    free_block(adapter->Rx[q].DescVa, adapter->Rx[q].DescPa, kRxRingEntries * kDescBytes);
    free_block(adapter->Rx[q].BufferBlockVa, adapter->Rx[q].BufferBlockPa,
               kRxBuffers * kBufferBytes);
  }
}

// Runs at PASSIVE_LEVEL with the device disabled: ring bases and sizes, then RSS.
VOID NICProgramRings(MP_ADAPTER* adapter) {
  for (ULONG q = 0; q < adapter->NumQueues; ++q) {
    const MP_TX_RING& tx = adapter->Tx[q];
    const MP_RX_RING& rx = adapter->Rx[q];
    NICWriteRegister(adapter, nic_regs::TX_BASE_LO(q), Low(tx.DescPa));
    NICWriteRegister(adapter, nic_regs::TX_BASE_HI(q), High(tx.DescPa));
    NICWriteRegister(adapter, nic_regs::TX_SIZE(q), kTxRingEntries);
    NICWriteRegister(adapter, nic_regs::RX_BASE_LO(q), Low(rx.DescPa));
    NICWriteRegister(adapter, nic_regs::RX_BASE_HI(q), High(rx.DescPa));
    NICWriteRegister(adapter, nic_regs::RX_SIZE(q), kRxRingEntries);
  }
  NICWriteRegister(adapter, nic_regs::RSS_QUEUES, adapter->NumQueues);
}

// Runs at PASSIVE_LEVEL after NdisMRegisterInterruptEx: the MSI-X table (queue vectors 0..N-1,
// misc vector 8), the throttle of each used vector, and the interrupt mode.
VOID NICProgramInterrupts(MP_ADAPTER* adapter, PIO_INTERRUPT_MESSAGE_INFO info) {
  const ULONG itr = adapter->ItrCycles & nic_regs::ITR_INTERVAL;
  if (adapter->Msix && info) {
    for (ULONG m = 0; m <= adapter->NumQueues && m < info->MessageCount; ++m) {
      const ULONG vector = m < adapter->NumQueues ? m : kMiscVector;
      const auto& entry = info->MessageInfo[m];
      const auto address = static_cast<ULONG64>(entry.MessageAddress.QuadPart);
      NICWriteRegister(adapter, nic_regs::MSIX_ADDR_LO(vector), Low(address));
      NICWriteRegister(adapter, nic_regs::MSIX_ADDR_HI(vector), High(address));
      NICWriteRegister(adapter, nic_regs::MSIX_DATA(vector), entry.MessageData);
      NICWriteRegister(adapter, nic_regs::MSIX_VCTRL(vector), 0);
      NICWriteRegister(adapter, nic_regs::ITR(vector), itr);
    }
  } else {
    NICWriteRegister(adapter, nic_regs::ITR(0), itr);
  }
}

}  // namespace nicsim::miniport
