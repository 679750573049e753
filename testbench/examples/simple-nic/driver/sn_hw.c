/* Hardware access: BAR0 registers, the identity check, DMA registration, ring memory and ring
 * registers, the interrupt mode, and starting and stopping the engines. */
#include "sn_adapter.h"

/* Engine quiescence after a stop: no head moved for one interval (longer than any one frame's
 * DMA and streaming), tried a bounded number of times. */
#define SN_STOP_POLL_US 20
#define SN_STOP_POLLS 50

static PULONG SnRegister(PSN_ADAPTER Adapter, ULONG Offset) {
  return (PULONG)(Adapter->Bar0 + Offset);
}

static ULONG SnLow(NDIS_PHYSICAL_ADDRESS Address) {
  return (ULONG)((ULONG64)Address.QuadPart & 0xFFFFFFFFu);
}

static ULONG SnHigh(NDIS_PHYSICAL_ADDRESS Address) {
  return (ULONG)((ULONG64)Address.QuadPart >> 32);
}

ULONG SnReadRegister(PSN_ADAPTER Adapter, ULONG Offset) {
  ULONG value = 0;
  NdisReadRegisterUlong(SnRegister(Adapter, Offset), &value);
  return value;
}

VOID SnWriteRegister(PSN_ADAPTER Adapter, ULONG Offset, ULONG Value) {
  NdisWriteRegisterUlong(SnRegister(Adapter, Offset), Value);
}

/* Runs at PASSIVE_LEVEL (initialize). The ID word must carry the simple-nic magic. */
NDIS_STATUS SnCheckIdentity(PSN_ADAPTER Adapter) {
  const ULONG id = SnReadRegister(Adapter, SIMPLE_NIC_REG_ID);
  const ULONG magic = (id & SIMPLE_NIC_ID_MAGIC) >> SIMPLE_NIC_ID_MAGIC_SHIFT;
  return magic == SIMPLE_NIC_CONST_ID_MAGIC ? NDIS_STATUS_SUCCESS : NDIS_STATUS_ADAPTER_NOT_FOUND;
}

/* Runs at PASSIVE_LEVEL (initialize): scatter-gather DMA for sends, the pool of receive NBLs. */
NDIS_STATUS SnRegisterDma(PSN_ADAPTER Adapter) {
  NDIS_SG_DMA_DESCRIPTION dma;
  NET_BUFFER_LIST_POOL_PARAMETERS pool;
  NDIS_STATUS status;

  NdisZeroMemory(&dma, sizeof(dma));
  dma.Header.Type = NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION;
  dma.Header.Revision = NDIS_SG_DMA_DESCRIPTION_REVISION_1;
  dma.Header.Size = sizeof(dma);
  dma.Flags = NDIS_SG_DMA_64_BIT_ADDRESS;
  dma.MaximumPhysicalMapping = SN_MAX_FRAME;
  dma.ProcessSGListHandler = SnProcessSendSgList;
  status = NdisMRegisterScatterGatherDma(Adapter->AdapterHandle, &dma, &Adapter->DmaHandle);
  if (status != NDIS_STATUS_SUCCESS) {
    Adapter->DmaHandle = NULL;
    return status;
  }
  Adapter->SgListBytes = dma.ScatterGatherListSize;

  NdisZeroMemory(&pool, sizeof(pool));
  pool.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
  pool.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
  pool.Header.Size = sizeof(pool);
  pool.ProtocolId = NDIS_PROTOCOL_ID_DEFAULT;
  pool.fAllocateNetBuffer = TRUE;
  pool.PoolTag = SN_POOL_TAG;
  Adapter->RxNblPool = NdisAllocateNetBufferListPool(Adapter->AdapterHandle, &pool);
  return Adapter->RxNblPool ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}

/* Runs at PASSIVE_LEVEL, after SnFreeRings (the pool's NBLs are freed). */
VOID SnDeregisterDma(PSN_ADAPTER Adapter) {
  if (Adapter->RxNblPool) NdisFreeNetBufferListPool(Adapter->RxNblPool);
  Adapter->RxNblPool = NULL;
  if (Adapter->DmaHandle) NdisMDeregisterScatterGatherDma(Adapter->DmaHandle);
  Adapter->DmaHandle = NULL;
}

static PUCHAR SnAllocateShared(PSN_ADAPTER Adapter, ULONG Bytes, PNDIS_PHYSICAL_ADDRESS Pa) {
  PVOID va = NULL;
  NdisMAllocateSharedMemory(Adapter->AdapterHandle, Bytes, FALSE, &va, Pa);
  return (PUCHAR)va;
}

static VOID SnFreeShared(PSN_ADAPTER Adapter, PUCHAR *Va, NDIS_PHYSICAL_ADDRESS Pa, ULONG Bytes) {
  if (!*Va) return;
  NdisMFreeSharedMemory(Adapter->AdapterHandle, Bytes, FALSE, *Va, Pa);
  *Va = NULL;
}

/* Runs at PASSIVE_LEVEL (initialize). Rings and buffers live in shared memory the device may
 * access; each RX buffer gets its MDL and its NBL once, for the adapter's lifetime. */
NDIS_STATUS SnAllocateRings(PSN_ADAPTER Adapter) {
  ULONG i;

  Adapter->TxDescVa =
      SnAllocateShared(Adapter, SN_TX_DESCRIPTORS * SN_DESC_BYTES, &Adapter->TxDescPa);
  Adapter->TxCoalesceVa =
      SnAllocateShared(Adapter, SN_TX_DESCRIPTORS * SN_TX_COALESCE_BYTES, &Adapter->TxCoalescePa);
  Adapter->RxDescVa =
      SnAllocateShared(Adapter, SN_RX_DESCRIPTORS * SN_DESC_BYTES, &Adapter->RxDescPa);
  Adapter->RxBufferVa =
      SnAllocateShared(Adapter, SN_RX_BUFFERS * SN_RX_BUFFER_BYTES, &Adapter->RxBufferPa);
  Adapter->TxSgBlock = (PUCHAR)NdisAllocateMemoryWithTagPriority(
      Adapter->AdapterHandle, SN_TX_DESCRIPTORS * Adapter->SgListBytes, SN_POOL_TAG,
      NormalPoolPriority);
  if (!Adapter->TxDescVa || !Adapter->TxCoalesceVa || !Adapter->RxDescVa || !Adapter->RxBufferVa ||
      !Adapter->TxSgBlock) {
    return NDIS_STATUS_RESOURCES;
  }

  for (i = 0; i < SN_RX_BUFFERS; ++i) {
    PSN_RX_BUFFER buffer = &Adapter->RxBuffer[i];
    buffer->Va = Adapter->RxBufferVa + i * SN_RX_BUFFER_BYTES;
    buffer->Pa.QuadPart = Adapter->RxBufferPa.QuadPart + (LONGLONG)i * SN_RX_BUFFER_BYTES;
    buffer->Mdl = NdisAllocateMdl(Adapter->AdapterHandle, buffer->Va, SN_RX_BUFFER_BYTES);
    if (!buffer->Mdl) return NDIS_STATUS_RESOURCES;
    buffer->Nbl =
        NdisAllocateNetBufferAndNetBufferList(Adapter->RxNblPool, 0, 0, buffer->Mdl, 0, 0);
    if (!buffer->Nbl) return NDIS_STATUS_RESOURCES;
    NET_BUFFER_LIST_MINIPORT_RESERVED(buffer->Nbl)[0] = buffer;
  }
  return NDIS_STATUS_SUCCESS;
}

/* Runs at PASSIVE_LEVEL once the device is stopped (it no longer touches the memory) and no
 * receive NBL is up with the protocol. Frees whatever SnAllocateRings got to. */
VOID SnFreeRings(PSN_ADAPTER Adapter) {
  ULONG i;

  for (i = 0; i < SN_RX_BUFFERS; ++i) {
    PSN_RX_BUFFER buffer = &Adapter->RxBuffer[i];
    if (buffer->Nbl) NdisFreeNetBufferList(buffer->Nbl);
    if (buffer->Mdl) NdisFreeMdl(buffer->Mdl);
    buffer->Nbl = NULL;
    buffer->Mdl = NULL;
  }
  if (Adapter->TxSgBlock) {
    NdisFreeMemory(Adapter->TxSgBlock, SN_TX_DESCRIPTORS * Adapter->SgListBytes, 0);
    Adapter->TxSgBlock = NULL;
  }
  SnFreeShared(Adapter, &Adapter->TxDescVa, Adapter->TxDescPa, SN_TX_DESCRIPTORS * SN_DESC_BYTES);
  SnFreeShared(Adapter, &Adapter->TxCoalesceVa, Adapter->TxCoalescePa,
               SN_TX_DESCRIPTORS * SN_TX_COALESCE_BYTES);
  SnFreeShared(Adapter, &Adapter->RxDescVa, Adapter->RxDescPa, SN_RX_DESCRIPTORS * SN_DESC_BYTES);
  SnFreeShared(Adapter, &Adapter->RxBufferVa, Adapter->RxBufferPa,
               SN_RX_BUFFERS * SN_RX_BUFFER_BYTES);
}

/* Runs at PASSIVE_LEVEL with the engines stopped. Writing a ring's length zeroes its head and
 * tail, so the driver's indices start over too; the caller posts the RX buffers. */
VOID SnProgramRings(PSN_ADAPTER Adapter) {
  SnWriteRegister(Adapter, SIMPLE_NIC_REG_TDBAL, SnLow(Adapter->TxDescPa));
  SnWriteRegister(Adapter, SIMPLE_NIC_REG_TDBAH, SnHigh(Adapter->TxDescPa));
  SnWriteRegister(Adapter, SIMPLE_NIC_REG_TDLEN, SN_TX_DESCRIPTORS * SN_DESC_BYTES);
  SnWriteRegister(Adapter, SIMPLE_NIC_REG_RDBAL, SnLow(Adapter->RxDescPa));
  SnWriteRegister(Adapter, SIMPLE_NIC_REG_RDBAH, SnHigh(Adapter->RxDescPa));
  SnWriteRegister(Adapter, SIMPLE_NIC_REG_RDLEN, SN_RX_DESCRIPTORS * SN_DESC_BYTES);

  NdisAcquireSpinLock(&Adapter->SendLock);
  Adapter->TxNextToUse = 0;
  Adapter->TxNextToClean = 0;
  Adapter->TxLastClean = 0;
  Adapter->TxStalledChecks = 0;
  Adapter->TxFreeDescriptors = SN_TX_DESCRIPTORS - 1; /* TDH == TDT means empty */
  NdisReleaseSpinLock(&Adapter->SendLock);
}

/* Runs at PASSIVE_LEVEL with the device masked. Message-based: the one MSI message NDIS
 * connected (address and data from its IO_INTERRUPT_MESSAGE_INFO); line-based: INTx. */
VOID SnProgramInterruptMode(PSN_ADAPTER Adapter) {
  if (Adapter->MessageBased && Adapter->MessageInfo && Adapter->MessageInfo->MessageCount > 0) {
    const IO_INTERRUPT_MESSAGE_INFO_ENTRY *message = &Adapter->MessageInfo->MessageInfo[0];
    SnWriteRegister(Adapter, SIMPLE_NIC_REG_MSI_ADDR_LO, SnLow(message->MessageAddress));
    SnWriteRegister(Adapter, SIMPLE_NIC_REG_MSI_ADDR_HI, SnHigh(message->MessageAddress));
    SnWriteRegister(Adapter, SIMPLE_NIC_REG_MSI_DATA, message->MessageData);
    SnWriteRegister(Adapter, SIMPLE_NIC_REG_MSI_CTRL, SIMPLE_NIC_MSI_CTRL_EN);
  } else {
    SnWriteRegister(Adapter, SIMPLE_NIC_REG_MSI_CTRL, 0);
  }
}

/* Runs at PASSIVE_LEVEL once the rings are programmed and the RX buffers posted. */
VOID SnStartDevice(PSN_ADAPTER Adapter) {
  SnWriteRegister(Adapter, SIMPLE_NIC_REG_CTRL, SIMPLE_NIC_CTRL_SLU);
  SnWriteRegister(Adapter, SIMPLE_NIC_REG_RCTL, SIMPLE_NIC_RCTL_EN);
  SnWriteRegister(Adapter, SIMPLE_NIC_REG_TCTL, SIMPLE_NIC_TCTL_EN | SIMPLE_NIC_TCTL_PSP);
}

/* Runs at PASSIVE_LEVEL. Stops both engines and waits until neither head moves: a frame in
 * flight finishes (its buffer and write-back DMA complete), nothing new starts. Only then may
 * ring memory be reprogrammed or freed. */
VOID SnStopDevice(PSN_ADAPTER Adapter) {
  ULONG poll;
  ULONG tx_head;
  ULONG rx_head;

  SnWriteRegister(Adapter, SIMPLE_NIC_REG_RCTL, 0);
  SnWriteRegister(Adapter, SIMPLE_NIC_REG_TCTL, 0);
  tx_head = SnReadRegister(Adapter, SIMPLE_NIC_REG_TDH);
  rx_head = SnReadRegister(Adapter, SIMPLE_NIC_REG_RDH);
  for (poll = 0; poll < SN_STOP_POLLS; ++poll) {
    ULONG tx_now;
    ULONG rx_now;
    NdisMSleep(SN_STOP_POLL_US);
    tx_now = SnReadRegister(Adapter, SIMPLE_NIC_REG_TDH);
    rx_now = SnReadRegister(Adapter, SIMPLE_NIC_REG_RDH);
    if (tx_now == tx_head && rx_now == rx_head) break;
    tx_head = tx_now;
    rx_head = rx_now;
  }
}
