// Generated from rtl/regs/nic_regs.json by rtl/regs/regs_gen.py. Do not edit.
#pragma once

#include <cstdint>

namespace nic_regs {

inline constexpr uint32_t kIdMagic = 0x4E43;
inline constexpr uint32_t kVersionMajor = 0x1;
inline constexpr uint32_t kVersionMinor = 0x0;
inline constexpr uint32_t kMaxQueues = 0x8;
inline constexpr uint32_t kMaxVectors = 0x9;
inline constexpr uint32_t kDescBytes = 0x10;
inline constexpr uint32_t kRxBufBytes = 0x800;
inline constexpr uint32_t kMinFrame = 0x3C;
inline constexpr uint32_t kMaxFrame = 0x5EE;

inline constexpr uint32_t ID = 0x0000;  // ID and version word; the driver checks it at initialize
inline constexpr uint32_t ID_RESET_VALUE = 0x4E430100;
inline constexpr uint32_t ID_MINOR = 0xFF;  // minor version
inline constexpr unsigned ID_MINOR_SHIFT = 0;
inline constexpr uint32_t ID_MAJOR = 0xFF00;  // major version
inline constexpr unsigned ID_MAJOR_SHIFT = 8;
inline constexpr uint32_t ID_MAGIC = 0xFFFF0000;  // 0x4E43 ('NC')
inline constexpr unsigned ID_MAGIC_SHIFT = 16;
inline constexpr uint32_t CAPS = 0x0004;  // capabilities, fixed by the RTL parameters
inline constexpr uint32_t CAPS_NUM_QUEUES = 0xFF;  // queue pairs (NUM_QUEUES parameter)
inline constexpr unsigned CAPS_NUM_QUEUES_SHIFT = 0;
inline constexpr uint32_t CAPS_NUM_VECTORS = 0xFF00;  // MSI-X vectors (NUM_QUEUES + 1)
inline constexpr unsigned CAPS_NUM_VECTORS_SHIFT = 8;
inline constexpr uint32_t CTRL = 0x0008;  // device control
inline constexpr uint32_t CTRL_RESET_VALUE = 0x0;
inline constexpr uint32_t CTRL_EN = 0x1;  // enable the TX and RX engines
inline constexpr unsigned CTRL_EN_SHIFT = 0;
inline constexpr uint32_t CTRL_LOOPBACK = 0x2;  // TX stream loops into RX internally; external ports idle
inline constexpr unsigned CTRL_LOOPBACK_SHIFT = 1;
inline constexpr uint32_t CTRL_INTX_MODE = 0x4;  // 1: level INTx line; 0: MSI-X messages
inline constexpr unsigned CTRL_INTX_MODE_SHIFT = 2;
inline constexpr uint32_t CTRL_RESET = 0x8;  // write 1: soft reset of all state but this register; reads 0
inline constexpr unsigned CTRL_RESET_SHIFT = 3;
inline constexpr uint32_t STATUS = 0x000C;  // device status
inline constexpr uint32_t STATUS_LINK_UP = 0x1;  // link is up
inline constexpr unsigned STATUS_LINK_UP_SHIFT = 0;
inline constexpr uint32_t STATUS_BUSY = 0x2;  // a DMA, TX or RX operation is in flight
inline constexpr unsigned STATUS_BUSY_SHIFT = 1;
inline constexpr uint32_t ICR = 0x0010;  // interrupt cause; read, write 1 to clear
inline constexpr uint32_t ICR_RESET_VALUE = 0x0;
inline constexpr uint32_t ICR_RXQ = 0xFF;  // receive write-back done, one bit per queue
inline constexpr unsigned ICR_RXQ_SHIFT = 0;
inline constexpr uint32_t ICR_TXQ = 0xFF00;  // transmit write-back done, one bit per queue
inline constexpr unsigned ICR_TXQ_SHIFT = 8;
inline constexpr uint32_t ICR_LINK = 0x10000;  // link status changed
inline constexpr unsigned ICR_LINK_SHIFT = 16;
inline constexpr uint32_t ICR_RX_DROP = 0x20000;  // a received frame was dropped
inline constexpr unsigned ICR_RX_DROP_SHIFT = 17;
inline constexpr uint32_t ICR_DMA_ERR = 0x40000;  // a DMA transaction returned an error response
inline constexpr unsigned ICR_DMA_ERR_SHIFT = 18;
inline constexpr uint32_t ICS = 0x0014;  // interrupt cause set: write 1 to set cause bits (software-triggered interrupts)
inline constexpr uint32_t ICS_RESET_VALUE = 0x0;
inline constexpr uint32_t ICS_CAUSE = 0x7FFFF;  // same layout as ICR
inline constexpr unsigned ICS_CAUSE_SHIFT = 0;
inline constexpr uint32_t IMS = 0x0018;  // interrupt mask set: write 1 to enable a cause; reads the enabled causes
inline constexpr uint32_t IMS_RESET_VALUE = 0x0;
inline constexpr uint32_t IMS_CAUSE = 0x7FFFF;  // same layout as ICR
inline constexpr unsigned IMS_CAUSE_SHIFT = 0;
inline constexpr uint32_t IMC = 0x001C;  // interrupt mask clear: write 1 to disable a cause
inline constexpr uint32_t IMC_RESET_VALUE = 0x0;
inline constexpr uint32_t IMC_CAUSE = 0x7FFFF;  // same layout as ICR
inline constexpr unsigned IMC_CAUSE_SHIFT = 0;
inline constexpr uint32_t STAT_TX_FRAMES = 0x0020;  // frames transmitted
inline constexpr uint32_t STAT_TX_FRAMES_RESET_VALUE = 0x0;
inline constexpr uint32_t STAT_RX_FRAMES = 0x0024;  // frames received into host memory
inline constexpr uint32_t STAT_RX_FRAMES_RESET_VALUE = 0x0;
inline constexpr uint32_t STAT_RX_RUNT = 0x0028;  // RX frames dropped: shorter than 60 bytes
inline constexpr uint32_t STAT_RX_RUNT_RESET_VALUE = 0x0;
inline constexpr uint32_t STAT_RX_OVERSIZE = 0x002C;  // RX frames dropped: longer than 1518 bytes
inline constexpr uint32_t STAT_RX_OVERSIZE_RESET_VALUE = 0x0;
inline constexpr uint32_t STAT_RX_BAD = 0x0030;  // RX frames dropped: flagged bad by tuser
inline constexpr uint32_t STAT_RX_BAD_RESET_VALUE = 0x0;
inline constexpr uint32_t STAT_RX_NO_DESC = 0x0034;  // RX frames dropped: no free descriptor in the steered queue
inline constexpr uint32_t STAT_RX_NO_DESC_RESET_VALUE = 0x0;
inline constexpr uint32_t STAT_TX_BAD_LEN = 0x0038;  // TX descriptors rejected: length 0 or over 1518 (written back with ERR)
inline constexpr uint32_t STAT_TX_BAD_LEN_RESET_VALUE = 0x0;
inline constexpr uint32_t PBA = 0x003C;  // MSI-X pending bits, one per vector
inline constexpr uint32_t PBA_RESET_VALUE = 0x0;
inline constexpr uint32_t RSS_QUEUES = 0x0080;  // receive steering spreads frames over queues 0..N-1 by header hash; N is a power of two, 1..NUM_QUEUES (reset NUM_QUEUES)
inline constexpr uint32_t RSS_QUEUES_COUNT = 0xF;  // N
inline constexpr unsigned RSS_QUEUES_COUNT_SHIFT = 0;
inline constexpr uint32_t STAT_DMA_ERR = 0x0084;  // DMA responses other than OKAY (each read beat or write response with SLVERR or DECERR); each also raises ICR.DMA_ERR
inline constexpr uint32_t STAT_DMA_ERR_RESET_VALUE = 0x0;

// minimum NIC clock cycles between two interrupts of this vector (INTx uses vector 0)
constexpr uint32_t ITR(unsigned index) { return 0x0040 + 0x4 * index + 0x0; }
inline constexpr uint32_t ITR_RESET_VALUE = 0x0;
inline constexpr uint32_t ITR_INTERVAL = 0xFFFF;  // cycles; 0 = no throttling
inline constexpr unsigned ITR_INTERVAL_SHIFT = 0;

// message address, low word (4-byte aligned)
constexpr uint32_t MSIX_ADDR_LO(unsigned index) { return 0x0100 + 0x10 * index + 0x0; }
inline constexpr uint32_t MSIX_ADDR_LO_RESET_VALUE = 0x0;
// message address, high word
constexpr uint32_t MSIX_ADDR_HI(unsigned index) { return 0x0100 + 0x10 * index + 0x4; }
inline constexpr uint32_t MSIX_ADDR_HI_RESET_VALUE = 0x0;
// message data
constexpr uint32_t MSIX_DATA(unsigned index) { return 0x0100 + 0x10 * index + 0x8; }
inline constexpr uint32_t MSIX_DATA_RESET_VALUE = 0x0;
// vector control
constexpr uint32_t MSIX_VCTRL(unsigned index) { return 0x0100 + 0x10 * index + 0xC; }
inline constexpr uint32_t MSIX_VCTRL_RESET_VALUE = 0x1;
inline constexpr uint32_t MSIX_VCTRL_MASK = 0x1;  // 1: vector masked; a message that comes due sets its PBA bit instead
inline constexpr unsigned MSIX_VCTRL_MASK_SHIFT = 0;

// TX ring base address, low word (16-byte aligned)
constexpr uint32_t TX_BASE_LO(unsigned index) { return 0x1000 + 0x40 * index + 0x0; }
inline constexpr uint32_t TX_BASE_LO_RESET_VALUE = 0x0;
// TX ring base address, high word
constexpr uint32_t TX_BASE_HI(unsigned index) { return 0x1000 + 0x40 * index + 0x4; }
inline constexpr uint32_t TX_BASE_HI_RESET_VALUE = 0x0;
// TX ring entries (0 = queue off); a write resets HEAD and TAIL to 0
constexpr uint32_t TX_SIZE(unsigned index) { return 0x1000 + 0x40 * index + 0x8; }
inline constexpr uint32_t TX_SIZE_RESET_VALUE = 0x0;
// next TX descriptor the hardware will process
constexpr uint32_t TX_HEAD(unsigned index) { return 0x1000 + 0x40 * index + 0xC; }
inline constexpr uint32_t TX_HEAD_RESET_VALUE = 0x0;
// one past the last TX descriptor the driver made ready
constexpr uint32_t TX_TAIL(unsigned index) { return 0x1000 + 0x40 * index + 0x10; }
inline constexpr uint32_t TX_TAIL_RESET_VALUE = 0x0;
// RX ring base address, low word (16-byte aligned)
constexpr uint32_t RX_BASE_LO(unsigned index) { return 0x1000 + 0x40 * index + 0x20; }
inline constexpr uint32_t RX_BASE_LO_RESET_VALUE = 0x0;
// RX ring base address, high word
constexpr uint32_t RX_BASE_HI(unsigned index) { return 0x1000 + 0x40 * index + 0x24; }
inline constexpr uint32_t RX_BASE_HI_RESET_VALUE = 0x0;
// RX ring entries (0 = queue off); a write resets HEAD and TAIL to 0
constexpr uint32_t RX_SIZE(unsigned index) { return 0x1000 + 0x40 * index + 0x28; }
inline constexpr uint32_t RX_SIZE_RESET_VALUE = 0x0;
// next RX descriptor the hardware will fill
constexpr uint32_t RX_HEAD(unsigned index) { return 0x1000 + 0x40 * index + 0x2C; }
inline constexpr uint32_t RX_HEAD_RESET_VALUE = 0x0;
// one past the last RX buffer the driver posted
constexpr uint32_t RX_TAIL(unsigned index) { return 0x1000 + 0x40 * index + 0x30; }
inline constexpr uint32_t RX_TAIL_RESET_VALUE = 0x0;

inline constexpr unsigned DESC_TX_ADDR_QWORD = 0;
inline constexpr unsigned DESC_TX_ADDR_SHIFT = 0;
inline constexpr uint64_t DESC_TX_ADDR_MASK = 0xFFFFFFFFFFFFFFFFull;
inline constexpr unsigned DESC_TX_LEN_QWORD = 1;
inline constexpr unsigned DESC_TX_LEN_SHIFT = 0;
inline constexpr uint64_t DESC_TX_LEN_MASK = 0xFFFFull;
inline constexpr unsigned DESC_TX_STATUS_QWORD = 1;
inline constexpr unsigned DESC_TX_STATUS_SHIFT = 24;
inline constexpr uint64_t DESC_TX_STATUS_MASK = 0xFFull;
inline constexpr unsigned DESC_RX_ADDR_QWORD = 0;
inline constexpr unsigned DESC_RX_ADDR_SHIFT = 0;
inline constexpr uint64_t DESC_RX_ADDR_MASK = 0xFFFFFFFFFFFFFFFFull;
inline constexpr unsigned DESC_RX_LEN_QWORD = 1;
inline constexpr unsigned DESC_RX_LEN_SHIFT = 0;
inline constexpr uint64_t DESC_RX_LEN_MASK = 0xFFFFull;
inline constexpr unsigned DESC_RX_STATUS_QWORD = 1;
inline constexpr unsigned DESC_RX_STATUS_SHIFT = 24;
inline constexpr uint64_t DESC_RX_STATUS_MASK = 0xFFull;
inline constexpr unsigned DESC_RX_HASH_QWORD = 1;
inline constexpr unsigned DESC_RX_HASH_SHIFT = 32;
inline constexpr uint64_t DESC_RX_HASH_MASK = 0xFFFFFFFFull;
inline constexpr uint8_t DESC_STATUS_DD = 1;
inline constexpr uint8_t DESC_STATUS_ERR = 2;
inline constexpr uint8_t DESC_STATUS_EOP = 2;

}  // namespace nic_regs
