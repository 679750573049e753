/* Generated from rtl/regs/nic_regs.json by rtl/regs/regs_gen.py. Do not edit. */
#ifndef NIC_REGS_C_H_
#define NIC_REGS_C_H_

#include <stdint.h>

/* Constants */
#define NIC_CONST_ID_MAGIC UINT32_C(0x4E43)
#define NIC_CONST_VERSION_MAJOR UINT32_C(0x1)
#define NIC_CONST_VERSION_MINOR UINT32_C(0x0)
#define NIC_CONST_MAX_QUEUES UINT32_C(0x8)
#define NIC_CONST_MAX_VECTORS UINT32_C(0x9)
#define NIC_CONST_DESC_BYTES UINT32_C(0x10)
#define NIC_CONST_RX_BUF_BYTES UINT32_C(0x800)
#define NIC_CONST_MIN_FRAME UINT32_C(0x3C)
#define NIC_CONST_MAX_FRAME UINT32_C(0x5EE)

/* GLOBAL: registers */
#define NIC_REG_ID UINT32_C(0x0000)  /* ro: ID and version word; the driver checks it at initialize */
#define NIC_ID_RESET_VALUE UINT32_C(0x4E430100)
#define NIC_ID_MINOR UINT32_C(0xFF)  /* minor version */
#define NIC_ID_MINOR_SHIFT 0u
#define NIC_ID_MAJOR UINT32_C(0xFF00)  /* major version */
#define NIC_ID_MAJOR_SHIFT 8u
#define NIC_ID_MAGIC UINT32_C(0xFFFF0000)  /* 0x4E43 ('NC') */
#define NIC_ID_MAGIC_SHIFT 16u
#define NIC_REG_CAPS UINT32_C(0x0004)  /* ro: capabilities, fixed by the RTL parameters */
#define NIC_CAPS_NUM_QUEUES UINT32_C(0xFF)  /* queue pairs (NUM_QUEUES parameter) */
#define NIC_CAPS_NUM_QUEUES_SHIFT 0u
#define NIC_CAPS_NUM_VECTORS UINT32_C(0xFF00)  /* MSI-X vectors (NUM_QUEUES + 1) */
#define NIC_CAPS_NUM_VECTORS_SHIFT 8u
#define NIC_REG_CTRL UINT32_C(0x0008)  /* rw: device control */
#define NIC_CTRL_RESET_VALUE UINT32_C(0x0)
#define NIC_CTRL_EN UINT32_C(0x1)  /* enable the TX and RX engines */
#define NIC_CTRL_EN_SHIFT 0u
#define NIC_CTRL_LOOPBACK UINT32_C(0x2)  /* TX stream loops into RX internally; external ports idle */
#define NIC_CTRL_LOOPBACK_SHIFT 1u
#define NIC_CTRL_INTX_MODE UINT32_C(0x4)  /* 1: level INTx line; 0: MSI-X messages */
#define NIC_CTRL_INTX_MODE_SHIFT 2u
#define NIC_CTRL_RESET UINT32_C(0x8)  /* write 1: soft reset of all state but this register; reads 0 */
#define NIC_CTRL_RESET_SHIFT 3u
#define NIC_REG_STATUS UINT32_C(0x000C)  /* ro: device status */
#define NIC_STATUS_LINK_UP UINT32_C(0x1)  /* link is up */
#define NIC_STATUS_LINK_UP_SHIFT 0u
#define NIC_STATUS_BUSY UINT32_C(0x2)  /* a DMA, TX or RX operation is in flight */
#define NIC_STATUS_BUSY_SHIFT 1u
#define NIC_REG_ICR UINT32_C(0x0010)  /* rw1c: interrupt cause; read, write 1 to clear */
#define NIC_ICR_RESET_VALUE UINT32_C(0x0)
#define NIC_ICR_RXQ UINT32_C(0xFF)  /* receive write-back done, one bit per queue */
#define NIC_ICR_RXQ_SHIFT 0u
#define NIC_ICR_TXQ UINT32_C(0xFF00)  /* transmit write-back done, one bit per queue */
#define NIC_ICR_TXQ_SHIFT 8u
#define NIC_ICR_LINK UINT32_C(0x10000)  /* link status changed */
#define NIC_ICR_LINK_SHIFT 16u
#define NIC_ICR_RX_DROP UINT32_C(0x20000)  /* a received frame was dropped */
#define NIC_ICR_RX_DROP_SHIFT 17u
#define NIC_ICR_DMA_ERR UINT32_C(0x40000)  /* a DMA transaction returned an error response */
#define NIC_ICR_DMA_ERR_SHIFT 18u
#define NIC_REG_ICS UINT32_C(0x0014)  /* wo: interrupt cause set: write 1 to set cause bits (software-triggered interrupts) */
#define NIC_ICS_RESET_VALUE UINT32_C(0x0)
#define NIC_ICS_CAUSE UINT32_C(0x7FFFF)  /* same layout as ICR */
#define NIC_ICS_CAUSE_SHIFT 0u
#define NIC_REG_IMS UINT32_C(0x0018)  /* rw1s: interrupt mask set: write 1 to enable a cause; reads the enabled causes */
#define NIC_IMS_RESET_VALUE UINT32_C(0x0)
#define NIC_IMS_CAUSE UINT32_C(0x7FFFF)  /* same layout as ICR */
#define NIC_IMS_CAUSE_SHIFT 0u
#define NIC_REG_IMC UINT32_C(0x001C)  /* wo: interrupt mask clear: write 1 to disable a cause */
#define NIC_IMC_RESET_VALUE UINT32_C(0x0)
#define NIC_IMC_CAUSE UINT32_C(0x7FFFF)  /* same layout as ICR */
#define NIC_IMC_CAUSE_SHIFT 0u
#define NIC_REG_STAT_TX_FRAMES UINT32_C(0x0020)  /* ro: frames transmitted */
#define NIC_STAT_TX_FRAMES_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_STAT_RX_FRAMES UINT32_C(0x0024)  /* ro: frames received into host memory */
#define NIC_STAT_RX_FRAMES_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_STAT_RX_RUNT UINT32_C(0x0028)  /* ro: RX frames dropped: shorter than 60 bytes */
#define NIC_STAT_RX_RUNT_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_STAT_RX_OVERSIZE UINT32_C(0x002C)  /* ro: RX frames dropped: longer than 1518 bytes */
#define NIC_STAT_RX_OVERSIZE_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_STAT_RX_BAD UINT32_C(0x0030)  /* ro: RX frames dropped: flagged bad by tuser */
#define NIC_STAT_RX_BAD_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_STAT_RX_NO_DESC UINT32_C(0x0034)  /* ro: RX frames dropped: no free descriptor in the steered queue */
#define NIC_STAT_RX_NO_DESC_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_STAT_TX_BAD_LEN UINT32_C(0x0038)  /* ro: TX descriptors rejected: length 0 or over 1518 (written back with ERR) */
#define NIC_STAT_TX_BAD_LEN_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_PBA UINT32_C(0x003C)  /* ro: MSI-X pending bits, one per vector */
#define NIC_PBA_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_RSS_QUEUES UINT32_C(0x0080)  /* rw: receive steering spreads frames over queues 0..N-1 by header hash; N is a power of two, 1..NUM_QUEUES (reset NUM_QUEUES) */
#define NIC_RSS_QUEUES_COUNT UINT32_C(0xF)  /* N */
#define NIC_RSS_QUEUES_COUNT_SHIFT 0u
#define NIC_REG_STAT_DMA_ERR UINT32_C(0x0084)  /* ro: DMA responses other than OKAY (each read beat or write response with SLVERR or DECERR); each also raises ICR.DMA_ERR */
#define NIC_STAT_DMA_ERR_RESET_VALUE UINT32_C(0x0)

/* ITR: per-vector interrupt throttle */
#define NIC_BLOCK_ITR_COUNT 9u
#define NIC_BLOCK_ITR_STRIDE UINT32_C(0x4)
#define NIC_REG_ITR(n) (UINT32_C(0x0040) + UINT32_C(0x4) * (uint32_t)(n) + UINT32_C(0x0))  /* rw: minimum NIC clock cycles between two interrupts of this vector (INTx uses vector 0) */
#define NIC_ITR_RESET_VALUE UINT32_C(0x0)
#define NIC_ITR_INTERVAL UINT32_C(0xFFFF)  /* cycles; 0 = no throttling */
#define NIC_ITR_INTERVAL_SHIFT 0u

/* MSIX: MSI-X table entry per vector: vectors 0..NUM_QUEUES-1 are the queues, vector NUM_QUEUES is link and errors */
#define NIC_BLOCK_MSIX_COUNT 9u
#define NIC_BLOCK_MSIX_STRIDE UINT32_C(0x10)
#define NIC_REG_MSIX_ADDR_LO(n) (UINT32_C(0x0100) + UINT32_C(0x10) * (uint32_t)(n) + UINT32_C(0x0))  /* rw: message address, low word (4-byte aligned) */
#define NIC_MSIX_ADDR_LO_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_MSIX_ADDR_HI(n) (UINT32_C(0x0100) + UINT32_C(0x10) * (uint32_t)(n) + UINT32_C(0x4))  /* rw: message address, high word */
#define NIC_MSIX_ADDR_HI_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_MSIX_DATA(n) (UINT32_C(0x0100) + UINT32_C(0x10) * (uint32_t)(n) + UINT32_C(0x8))  /* rw: message data */
#define NIC_MSIX_DATA_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_MSIX_VCTRL(n) (UINT32_C(0x0100) + UINT32_C(0x10) * (uint32_t)(n) + UINT32_C(0xC))  /* rw: vector control */
#define NIC_MSIX_VCTRL_RESET_VALUE UINT32_C(0x1)
#define NIC_MSIX_VCTRL_MASK UINT32_C(0x1)  /* 1: vector masked; a message that comes due sets its PBA bit instead */
#define NIC_MSIX_VCTRL_MASK_SHIFT 0u

/* QUEUE: per queue pair: descriptor rings in host memory; hardware advances HEAD, the driver TAIL */
#define NIC_BLOCK_QUEUE_COUNT 8u
#define NIC_BLOCK_QUEUE_STRIDE UINT32_C(0x40)
#define NIC_REG_TX_BASE_LO(n) (UINT32_C(0x1000) + UINT32_C(0x40) * (uint32_t)(n) + UINT32_C(0x0))  /* rw: TX ring base address, low word (16-byte aligned) */
#define NIC_TX_BASE_LO_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_TX_BASE_HI(n) (UINT32_C(0x1000) + UINT32_C(0x40) * (uint32_t)(n) + UINT32_C(0x4))  /* rw: TX ring base address, high word */
#define NIC_TX_BASE_HI_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_TX_SIZE(n) (UINT32_C(0x1000) + UINT32_C(0x40) * (uint32_t)(n) + UINT32_C(0x8))  /* rw: TX ring entries (0 = queue off); a write resets HEAD and TAIL to 0 */
#define NIC_TX_SIZE_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_TX_HEAD(n) (UINT32_C(0x1000) + UINT32_C(0x40) * (uint32_t)(n) + UINT32_C(0xC))  /* ro: next TX descriptor the hardware will process */
#define NIC_TX_HEAD_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_TX_TAIL(n) (UINT32_C(0x1000) + UINT32_C(0x40) * (uint32_t)(n) + UINT32_C(0x10))  /* rw: one past the last TX descriptor the driver made ready */
#define NIC_TX_TAIL_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_RX_BASE_LO(n) (UINT32_C(0x1000) + UINT32_C(0x40) * (uint32_t)(n) + UINT32_C(0x20))  /* rw: RX ring base address, low word (16-byte aligned) */
#define NIC_RX_BASE_LO_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_RX_BASE_HI(n) (UINT32_C(0x1000) + UINT32_C(0x40) * (uint32_t)(n) + UINT32_C(0x24))  /* rw: RX ring base address, high word */
#define NIC_RX_BASE_HI_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_RX_SIZE(n) (UINT32_C(0x1000) + UINT32_C(0x40) * (uint32_t)(n) + UINT32_C(0x28))  /* rw: RX ring entries (0 = queue off); a write resets HEAD and TAIL to 0 */
#define NIC_RX_SIZE_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_RX_HEAD(n) (UINT32_C(0x1000) + UINT32_C(0x40) * (uint32_t)(n) + UINT32_C(0x2C))  /* ro: next RX descriptor the hardware will fill */
#define NIC_RX_HEAD_RESET_VALUE UINT32_C(0x0)
#define NIC_REG_RX_TAIL(n) (UINT32_C(0x1000) + UINT32_C(0x40) * (uint32_t)(n) + UINT32_C(0x30))  /* rw: one past the last RX buffer the driver posted */
#define NIC_RX_TAIL_RESET_VALUE UINT32_C(0x0)

/* Descriptors: QWORD is the 64-bit word, SHIFT and MASK the bits in it; OFFSET and SIZE in bytes where the field is whole bytes */
#define NIC_DESC_TX_ADDR_QWORD 0u  /* buffer address (driver) */
#define NIC_DESC_TX_ADDR_SHIFT 0u
#define NIC_DESC_TX_ADDR_MASK UINT64_C(0xFFFFFFFFFFFFFFFF)
#define NIC_DESC_TX_ADDR_OFFSET 0u
#define NIC_DESC_TX_ADDR_SIZE 8u
#define NIC_DESC_TX_LEN_QWORD 1u  /* frame length in bytes, 1..1518; shorter than 60 is padded with zeros (driver) */
#define NIC_DESC_TX_LEN_SHIFT 0u
#define NIC_DESC_TX_LEN_MASK UINT64_C(0xFFFF)
#define NIC_DESC_TX_LEN_OFFSET 8u
#define NIC_DESC_TX_LEN_SIZE 2u
#define NIC_DESC_TX_STATUS_QWORD 1u  /* write-back: bit 0 DD (done), bit 1 ERR (bad length, not sent) */
#define NIC_DESC_TX_STATUS_SHIFT 24u
#define NIC_DESC_TX_STATUS_MASK UINT64_C(0xFF)
#define NIC_DESC_TX_STATUS_OFFSET 11u
#define NIC_DESC_TX_STATUS_SIZE 1u
#define NIC_DESC_RX_ADDR_QWORD 0u  /* buffer address, 2048 bytes (driver) */
#define NIC_DESC_RX_ADDR_SHIFT 0u
#define NIC_DESC_RX_ADDR_MASK UINT64_C(0xFFFFFFFFFFFFFFFF)
#define NIC_DESC_RX_ADDR_OFFSET 0u
#define NIC_DESC_RX_ADDR_SIZE 8u
#define NIC_DESC_RX_LEN_QWORD 1u  /* write-back: frame length in bytes */
#define NIC_DESC_RX_LEN_SHIFT 0u
#define NIC_DESC_RX_LEN_MASK UINT64_C(0xFFFF)
#define NIC_DESC_RX_LEN_OFFSET 8u
#define NIC_DESC_RX_LEN_SIZE 2u
#define NIC_DESC_RX_STATUS_QWORD 1u  /* write-back: bit 0 DD (done), bit 1 EOP */
#define NIC_DESC_RX_STATUS_SHIFT 24u
#define NIC_DESC_RX_STATUS_MASK UINT64_C(0xFF)
#define NIC_DESC_RX_STATUS_OFFSET 11u
#define NIC_DESC_RX_STATUS_SIZE 1u
#define NIC_DESC_RX_HASH_QWORD 1u  /* write-back: steering hash of the frame header */
#define NIC_DESC_RX_HASH_SHIFT 32u
#define NIC_DESC_RX_HASH_MASK UINT64_C(0xFFFFFFFF)
#define NIC_DESC_RX_HASH_OFFSET 12u
#define NIC_DESC_RX_HASH_SIZE 4u
#define NIC_DESC_STATUS_DD 0x01u
#define NIC_DESC_STATUS_ERR 0x02u
#define NIC_DESC_STATUS_EOP 0x02u

#endif  /* NIC_REGS_C_H_ */
