// Generated from rtl/regs/nic_regs.json by rtl/regs/regs_gen.py. Do not edit.
`default_nettype none

package nic_regs_pkg;
  localparam int unsigned ID_MAGIC = 32'h4E43;
  localparam int unsigned VERSION_MAJOR = 32'h1;
  localparam int unsigned VERSION_MINOR = 32'h0;
  localparam int unsigned MAX_QUEUES = 32'h8;
  localparam int unsigned MAX_VECTORS = 32'h9;
  localparam int unsigned DESC_BYTES = 32'h10;
  localparam int unsigned RX_BUF_BYTES = 32'h800;
  localparam int unsigned MIN_FRAME = 32'h3C;
  localparam int unsigned MAX_FRAME = 32'h5EE;

  localparam logic [15:0] ADDR_ID = 16'h0000;  // ro: ID and version word; the driver checks it at initialize
  localparam logic [31:0] RST_ID = 32'h4E430100;
  localparam int unsigned ID_MINOR_LSB = 0;
  localparam int unsigned ID_MINOR_WIDTH = 8;
  localparam int unsigned ID_MAJOR_LSB = 8;
  localparam int unsigned ID_MAJOR_WIDTH = 8;
  localparam int unsigned ID_MAGIC_LSB = 16;
  localparam int unsigned ID_MAGIC_WIDTH = 16;
  localparam logic [15:0] ADDR_CAPS = 16'h0004;  // ro: capabilities, fixed by the RTL parameters
  localparam int unsigned CAPS_NUM_QUEUES_LSB = 0;
  localparam int unsigned CAPS_NUM_QUEUES_WIDTH = 8;
  localparam int unsigned CAPS_NUM_VECTORS_LSB = 8;
  localparam int unsigned CAPS_NUM_VECTORS_WIDTH = 8;
  localparam logic [15:0] ADDR_CTRL = 16'h0008;  // rw: device control
  localparam logic [31:0] RST_CTRL = 32'h00000000;
  localparam int unsigned CTRL_EN_LSB = 0;
  localparam int unsigned CTRL_EN_WIDTH = 1;
  localparam int unsigned CTRL_LOOPBACK_LSB = 1;
  localparam int unsigned CTRL_LOOPBACK_WIDTH = 1;
  localparam int unsigned CTRL_INTX_MODE_LSB = 2;
  localparam int unsigned CTRL_INTX_MODE_WIDTH = 1;
  localparam int unsigned CTRL_RESET_LSB = 3;
  localparam int unsigned CTRL_RESET_WIDTH = 1;
  localparam logic [15:0] ADDR_STATUS = 16'h000C;  // ro: device status
  localparam int unsigned STATUS_LINK_UP_LSB = 0;
  localparam int unsigned STATUS_LINK_UP_WIDTH = 1;
  localparam int unsigned STATUS_BUSY_LSB = 1;
  localparam int unsigned STATUS_BUSY_WIDTH = 1;
  localparam logic [15:0] ADDR_ICR = 16'h0010;  // rw1c: interrupt cause; read, write 1 to clear
  localparam logic [31:0] RST_ICR = 32'h00000000;
  localparam int unsigned ICR_RXQ_LSB = 0;
  localparam int unsigned ICR_RXQ_WIDTH = 8;
  localparam int unsigned ICR_TXQ_LSB = 8;
  localparam int unsigned ICR_TXQ_WIDTH = 8;
  localparam int unsigned ICR_LINK_LSB = 16;
  localparam int unsigned ICR_LINK_WIDTH = 1;
  localparam int unsigned ICR_RX_DROP_LSB = 17;
  localparam int unsigned ICR_RX_DROP_WIDTH = 1;
  localparam int unsigned ICR_DMA_ERR_LSB = 18;
  localparam int unsigned ICR_DMA_ERR_WIDTH = 1;
  localparam logic [15:0] ADDR_ICS = 16'h0014;  // wo: interrupt cause set: write 1 to set cause bits (software-triggered interrupts)
  localparam logic [31:0] RST_ICS = 32'h00000000;
  localparam int unsigned ICS_CAUSE_LSB = 0;
  localparam int unsigned ICS_CAUSE_WIDTH = 19;
  localparam logic [15:0] ADDR_IMS = 16'h0018;  // rw1s: interrupt mask set: write 1 to enable a cause; reads the enabled causes
  localparam logic [31:0] RST_IMS = 32'h00000000;
  localparam int unsigned IMS_CAUSE_LSB = 0;
  localparam int unsigned IMS_CAUSE_WIDTH = 19;
  localparam logic [15:0] ADDR_IMC = 16'h001C;  // wo: interrupt mask clear: write 1 to disable a cause
  localparam logic [31:0] RST_IMC = 32'h00000000;
  localparam int unsigned IMC_CAUSE_LSB = 0;
  localparam int unsigned IMC_CAUSE_WIDTH = 19;
  localparam logic [15:0] ADDR_STAT_TX_FRAMES = 16'h0020;  // ro: frames transmitted
  localparam logic [31:0] RST_STAT_TX_FRAMES = 32'h00000000;
  localparam logic [15:0] ADDR_STAT_RX_FRAMES = 16'h0024;  // ro: frames received into host memory
  localparam logic [31:0] RST_STAT_RX_FRAMES = 32'h00000000;
  localparam logic [15:0] ADDR_STAT_RX_RUNT = 16'h0028;  // ro: RX frames dropped: shorter than 60 bytes
  localparam logic [31:0] RST_STAT_RX_RUNT = 32'h00000000;
  localparam logic [15:0] ADDR_STAT_RX_OVERSIZE = 16'h002C;  // ro: RX frames dropped: longer than 1518 bytes
  localparam logic [31:0] RST_STAT_RX_OVERSIZE = 32'h00000000;
  localparam logic [15:0] ADDR_STAT_RX_BAD = 16'h0030;  // ro: RX frames dropped: flagged bad by tuser
  localparam logic [31:0] RST_STAT_RX_BAD = 32'h00000000;
  localparam logic [15:0] ADDR_STAT_RX_NO_DESC = 16'h0034;  // ro: RX frames dropped: no free descriptor in the steered queue
  localparam logic [31:0] RST_STAT_RX_NO_DESC = 32'h00000000;
  localparam logic [15:0] ADDR_STAT_TX_BAD_LEN = 16'h0038;  // ro: TX descriptors rejected: length 0 or over 1518 (written back with ERR)
  localparam logic [31:0] RST_STAT_TX_BAD_LEN = 32'h00000000;
  localparam logic [15:0] ADDR_PBA = 16'h003C;  // ro: MSI-X pending bits, one per vector
  localparam logic [31:0] RST_PBA = 32'h00000000;
  localparam logic [15:0] ADDR_RSS_QUEUES = 16'h0080;  // rw: receive steering spreads frames over queues 0..N-1 by header hash; N is a power of two, 1..NUM_QUEUES (reset NUM_QUEUES)
  localparam int unsigned RSS_QUEUES_COUNT_LSB = 0;
  localparam int unsigned RSS_QUEUES_COUNT_WIDTH = 4;
  localparam logic [15:0] ADDR_STAT_DMA_ERR = 16'h0084;  // ro: DMA responses other than OKAY (each read beat or write response with SLVERR or DECERR); each also raises ICR.DMA_ERR
  localparam logic [31:0] RST_STAT_DMA_ERR = 32'h00000000;

  // ITR: 9 x stride 0x4: per-vector interrupt throttle
  localparam logic [15:0] ITR_BASE = 16'h0040;
  localparam logic [15:0] ITR_STRIDE = 16'h0004;
  localparam logic [15:0] OFF_ITR = 16'h0000;  // rw: minimum NIC clock cycles between two interrupts of this vector (INTx uses vector 0)
  localparam logic [31:0] RST_ITR = 32'h00000000;
  localparam int unsigned ITR_INTERVAL_LSB = 0;
  localparam int unsigned ITR_INTERVAL_WIDTH = 16;

  // MSIX: 9 x stride 0x10: MSI-X table entry per vector: vectors 0..NUM_QUEUES-1 are the queues, vector NUM_QUEUES is link and errors
  localparam logic [15:0] MSIX_BASE = 16'h0100;
  localparam logic [15:0] MSIX_STRIDE = 16'h0010;
  localparam logic [15:0] OFF_MSIX_ADDR_LO = 16'h0000;  // rw: message address, low word (4-byte aligned)
  localparam logic [31:0] RST_MSIX_ADDR_LO = 32'h00000000;
  localparam logic [15:0] OFF_MSIX_ADDR_HI = 16'h0004;  // rw: message address, high word
  localparam logic [31:0] RST_MSIX_ADDR_HI = 32'h00000000;
  localparam logic [15:0] OFF_MSIX_DATA = 16'h0008;  // rw: message data
  localparam logic [31:0] RST_MSIX_DATA = 32'h00000000;
  localparam logic [15:0] OFF_MSIX_VCTRL = 16'h000C;  // rw: vector control
  localparam logic [31:0] RST_MSIX_VCTRL = 32'h00000001;
  localparam int unsigned MSIX_VCTRL_MASK_LSB = 0;
  localparam int unsigned MSIX_VCTRL_MASK_WIDTH = 1;

  // QUEUE: 8 x stride 0x40: per queue pair: descriptor rings in host memory; hardware advances HEAD, the driver TAIL
  localparam logic [15:0] QUEUE_BASE = 16'h1000;
  localparam logic [15:0] QUEUE_STRIDE = 16'h0040;
  localparam logic [15:0] OFF_TX_BASE_LO = 16'h0000;  // rw: TX ring base address, low word (16-byte aligned)
  localparam logic [31:0] RST_TX_BASE_LO = 32'h00000000;
  localparam logic [15:0] OFF_TX_BASE_HI = 16'h0004;  // rw: TX ring base address, high word
  localparam logic [31:0] RST_TX_BASE_HI = 32'h00000000;
  localparam logic [15:0] OFF_TX_SIZE = 16'h0008;  // rw: TX ring entries (0 = queue off); a write resets HEAD and TAIL to 0
  localparam logic [31:0] RST_TX_SIZE = 32'h00000000;
  localparam logic [15:0] OFF_TX_HEAD = 16'h000C;  // ro: next TX descriptor the hardware will process
  localparam logic [31:0] RST_TX_HEAD = 32'h00000000;
  localparam logic [15:0] OFF_TX_TAIL = 16'h0010;  // rw: one past the last TX descriptor the driver made ready
  localparam logic [31:0] RST_TX_TAIL = 32'h00000000;
  localparam logic [15:0] OFF_RX_BASE_LO = 16'h0020;  // rw: RX ring base address, low word (16-byte aligned)
  localparam logic [31:0] RST_RX_BASE_LO = 32'h00000000;
  localparam logic [15:0] OFF_RX_BASE_HI = 16'h0024;  // rw: RX ring base address, high word
  localparam logic [31:0] RST_RX_BASE_HI = 32'h00000000;
  localparam logic [15:0] OFF_RX_SIZE = 16'h0028;  // rw: RX ring entries (0 = queue off); a write resets HEAD and TAIL to 0
  localparam logic [31:0] RST_RX_SIZE = 32'h00000000;
  localparam logic [15:0] OFF_RX_HEAD = 16'h002C;  // ro: next RX descriptor the hardware will fill
  localparam logic [31:0] RST_RX_HEAD = 32'h00000000;
  localparam logic [15:0] OFF_RX_TAIL = 16'h0030;  // rw: one past the last RX buffer the driver posted
  localparam logic [31:0] RST_RX_TAIL = 32'h00000000;

  // Descriptors: field positions within their 64-bit word (QWORD), little-endian; BIT counts
  // from the descriptor's first byte (64 * QWORD + LSB)
  localparam int unsigned DESC_TX_ADDR_QWORD = 0;  // buffer address (driver)
  localparam int unsigned DESC_TX_ADDR_LSB = 0;
  localparam int unsigned DESC_TX_ADDR_WIDTH = 64;
  localparam int unsigned DESC_TX_ADDR_BIT = 0;
  localparam int unsigned DESC_TX_LEN_QWORD = 1;  // frame length in bytes, 1..1518; shorter than 60 is padded with zeros (driver)
  localparam int unsigned DESC_TX_LEN_LSB = 0;
  localparam int unsigned DESC_TX_LEN_WIDTH = 16;
  localparam int unsigned DESC_TX_LEN_BIT = 64;
  localparam int unsigned DESC_TX_STATUS_QWORD = 1;  // write-back: bit 0 DD (done), bit 1 ERR (bad length, not sent)
  localparam int unsigned DESC_TX_STATUS_LSB = 24;
  localparam int unsigned DESC_TX_STATUS_WIDTH = 8;
  localparam int unsigned DESC_TX_STATUS_BIT = 88;
  localparam int unsigned DESC_TX_BYTES = 16;  // up to the end of its last field's word
  localparam int unsigned DESC_RX_ADDR_QWORD = 0;  // buffer address, 2048 bytes (driver)
  localparam int unsigned DESC_RX_ADDR_LSB = 0;
  localparam int unsigned DESC_RX_ADDR_WIDTH = 64;
  localparam int unsigned DESC_RX_ADDR_BIT = 0;
  localparam int unsigned DESC_RX_LEN_QWORD = 1;  // write-back: frame length in bytes
  localparam int unsigned DESC_RX_LEN_LSB = 0;
  localparam int unsigned DESC_RX_LEN_WIDTH = 16;
  localparam int unsigned DESC_RX_LEN_BIT = 64;
  localparam int unsigned DESC_RX_STATUS_QWORD = 1;  // write-back: bit 0 DD (done), bit 1 EOP
  localparam int unsigned DESC_RX_STATUS_LSB = 24;
  localparam int unsigned DESC_RX_STATUS_WIDTH = 8;
  localparam int unsigned DESC_RX_STATUS_BIT = 88;
  localparam int unsigned DESC_RX_HASH_QWORD = 1;  // write-back: steering hash of the frame header
  localparam int unsigned DESC_RX_HASH_LSB = 32;
  localparam int unsigned DESC_RX_HASH_WIDTH = 32;
  localparam int unsigned DESC_RX_HASH_BIT = 96;
  localparam int unsigned DESC_RX_BYTES = 16;  // up to the end of its last field's word
  localparam int unsigned DESC_SHIFT = 4;  // log2(DESC_BYTES): ring index to byte offset
  // Byte address of entry index of the ring at base (aligned down to DESC_BYTES, the stride)
  function automatic logic [63:0] desc_entry_addr(input logic [63:0] base, input logic [63:0] index);
    return ((base >> DESC_SHIFT) << DESC_SHIFT) + (index << DESC_SHIFT);
  endfunction
  localparam logic [7:0] DESC_STATUS_DD = 8'h01;
  localparam int unsigned DESC_STATUS_DD_BIT = 0;
  localparam logic [7:0] DESC_STATUS_ERR = 8'h02;
  localparam int unsigned DESC_STATUS_ERR_BIT = 1;
  localparam logic [7:0] DESC_STATUS_EOP = 8'h02;
  localparam int unsigned DESC_STATUS_EOP_BIT = 1;

endpackage

`default_nettype wire
