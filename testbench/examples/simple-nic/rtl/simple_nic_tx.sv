// simple_nic_tx: the TX ring: legacy descriptors, frame assembly over buffers, 32-bit stream out.
`default_nettype none

// Per descriptor: read it (one 16-byte beat), read its buffer (any alignment) into the frame
// buffer behind the bytes of the frame's earlier descriptors, write STATUS back if CMD.RS, and
// advance the head. The descriptor with CMD.EOP ends the frame, which is then streamed out, padded
// to 60 bytes with zeros if TCTL.PSP, before the next descriptor is read. A frame that would grow
// past 1518 bytes is not sent: the buffers of its remaining descriptors are not read and their
// write-backs carry STATUS_ERR. A TDLEN write drops a partly assembled frame.
module simple_nic_tx
  import simple_nic_regs_pkg::*;
(
    input wire clk,
    input wire rst,
    input wire enable,  // TCTL.EN
    input wire pad,     // TCTL.PSP

    input wire [63:0] ring_base,
    input wire [15:0] ring_entries,
    input wire [15:0] ring_head,
    input wire [15:0] ring_tail,
    input wire        ring_reset,  // TDLEN was just written

    output logic head_advance,
    output logic sent,  // GPTC++
    output logic idle,  // the next edge changes nothing here

    // DMA client
    output logic         dma_req,
    output logic         dma_write,
    output logic [ 63:0] dma_addr,
    output logic [ 15:0] dma_len,
    output logic [  7:0] dma_tag,    // causes to raise when the write-back's B arrives
    output logic [127:0] dma_wdata,
    input  wire          dma_ack,
    input  wire          dma_rbeat,
    input  wire  [127:0] dma_rdata,
    input  wire          dma_done,

    output logic [31:0] m_axis_tx_tdata,
    output logic [ 3:0] m_axis_tx_tkeep,
    output logic        m_axis_tx_tvalid,
    input  wire         m_axis_tx_tready,
    output logic        m_axis_tx_tlast,
    output logic        m_axis_tx_tuser
);
  localparam int BufBytes = 2048;  // more than MAX_FRAME
  localparam int DescShift = $clog2(DESC_BYTES);
  localparam int AddrBit = 64 * DESC_TX_ADDR_QWORD + DESC_TX_ADDR_LSB;
  localparam int LenBit = 64 * DESC_TX_LEN_QWORD + DESC_TX_LEN_LSB;
  localparam int CmdBit = 64 * DESC_TX_CMD_QWORD + DESC_TX_CMD_LSB;
  localparam int StatusByte = (64 * DESC_TX_STATUS_QWORD + DESC_TX_STATUS_LSB) / 8;
  localparam logic [16:0] MaxFrame = 17'(MAX_FRAME);
  localparam logic [10:0] MinFrame = 11'(MIN_FRAME);
  localparam logic [7:0] DoneCause = 8'(1 << ICR_TXDW_LSB);

  typedef enum logic [2:0] {
    IDLE,
    DESC_REQ,
    DESC_WAIT,
    BUF_REQ,
    BUF_WAIT,
    WB_REQ,
    WB_WAIT,
    FINISH  // advance the head; at EOP start streaming
  } phase_e;

  typedef struct packed {
    phase_e phase;
    logic [63:0] desc_addr;
    logic [63:0] buf_addr;
    logic [15:0] buf_len;
    logic [7:0] cmd;
    logic [7:0] beat;  // buffer beats received
    logic [10:0] frame_len;  // bytes assembled so far
    logic frame_bad;  // the frame outgrew MAX_FRAME
    logic stale;  // TDLEN was written while this descriptor was in flight
    logic streaming;
    logic [10:0] pos;  // next frame byte to stream
  } state_t;

  state_t s_q, s_d;
  logic [7:0] frame_q[BufBytes];
  logic [15:0] buf_we;  // per lane of the read beat
  logic [15:0][10:0] buf_waddr;
  logic [10:0] padded_len;
  logic unused_base_lsbs;  // the ring is 16-byte aligned

  assign unused_base_lsbs = &{1'b0, ring_base[DescShift-1:0]};

  assign padded_len = pad && s_q.frame_len < MinFrame ? MinFrame : s_q.frame_len;

  // Lanes of a buffer beat that hold bytes of the buffer, and where they go in the frame.
  always_comb begin
    for (int b = 0; b < 16; b++) begin
      logic [11:0] at;  // byte of the buffer, counting from its (unaligned) start
      at = {s_q.beat, 4'(b)} - {8'b0, s_q.buf_addr[3:0]};
      buf_we[b] = s_q.phase == BUF_WAIT && dma_rbeat &&
                  {s_q.beat, 4'(b)} >= {8'b0, s_q.buf_addr[3:0]} && {4'b0, at} < s_q.buf_len;
      buf_waddr[b] = s_q.frame_len + at[10:0];
    end
  end

  always_comb begin
    logic [15:0] len;
    s_d = s_q;
    head_advance = 1'b0;
    sent = 1'b0;
    len = dma_rdata[LenBit+:16];

    if (ring_reset) begin
      if (s_q.phase == IDLE && !s_q.streaming) begin
        s_d.frame_len = '0;
        s_d.frame_bad = 1'b0;
      end else if (s_q.phase != IDLE) begin
        s_d.stale = 1'b1;
      end
    end

    unique case (s_q.phase)
      IDLE: begin
        if (!s_q.streaming && enable && ring_entries != 16'd0 && ring_head != ring_tail) begin
          s_d.desc_addr = {ring_base[63:DescShift], DescShift'(0)} +
                          (64'(ring_head) << DescShift);
          s_d.stale = 1'b0;
          s_d.phase = DESC_REQ;
        end
      end
      DESC_REQ: if (dma_ack) s_d.phase = DESC_WAIT;
      DESC_WAIT: begin
        if (dma_done) begin
          s_d.buf_addr = dma_rdata[AddrBit+:64];
          s_d.buf_len = len;
          s_d.cmd = dma_rdata[CmdBit+:8];
          s_d.beat = '0;
          if ({6'b0, s_q.frame_len} + {1'b0, len} > MaxFrame) s_d.frame_bad = 1'b1;
          if (s_d.frame_bad || len == 16'd0) begin
            s_d.phase = (s_d.cmd & DESC_CMD_RS) != 0 ? WB_REQ : FINISH;
          end else begin
            s_d.phase = BUF_REQ;
          end
        end
      end
      BUF_REQ: if (dma_ack) s_d.phase = BUF_WAIT;
      BUF_WAIT: begin
        if (dma_rbeat) s_d.beat = s_q.beat + 8'd1;
        if (dma_done) begin
          s_d.frame_len = s_q.frame_len + s_q.buf_len[10:0];
          s_d.phase = (s_q.cmd & DESC_CMD_RS) != 0 ? WB_REQ : FINISH;
        end
      end
      WB_REQ: if (dma_ack) s_d.phase = WB_WAIT;
      WB_WAIT: if (dma_done) s_d.phase = FINISH;
      FINISH: begin
        s_d.phase = IDLE;
        if (s_q.stale) begin
          s_d.frame_len = '0;
          s_d.frame_bad = 1'b0;
        end else begin
          head_advance = 1'b1;
          if ((s_q.cmd & DESC_CMD_EOP) != 0) begin
            if (s_q.frame_bad || s_q.frame_len == '0) begin
              s_d.frame_len = '0;
              s_d.frame_bad = 1'b0;
            end else begin
              s_d.streaming = 1'b1;
              s_d.pos = '0;
            end
          end
        end
      end
      default: s_d.phase = IDLE;
    endcase

    if (s_q.streaming && m_axis_tx_tready) begin
      s_d.pos = s_q.pos + 11'd4;
      if (m_axis_tx_tlast) begin
        sent = 1'b1;
        s_d.streaming = 1'b0;
        s_d.frame_len = '0;
      end
    end
  end

  always_comb begin
    dma_req = s_q.phase == DESC_REQ || s_q.phase == BUF_REQ || s_q.phase == WB_REQ;
    dma_write = s_q.phase == WB_REQ;
    dma_addr = s_q.desc_addr;
    dma_len = 16'(DESC_BYTES);
    dma_tag = '0;
    if (s_q.phase == BUF_REQ) begin
      dma_addr = s_q.buf_addr;
      dma_len  = s_q.buf_len;
    end else if (s_q.phase == WB_REQ) begin
      dma_addr = s_q.desc_addr + 64'(StatusByte);
      dma_len  = 16'd1;
      dma_tag  = DoneCause;
    end
    dma_wdata = {16{DESC_STATUS_DD | (s_q.frame_bad ? DESC_STATUS_ERR : 8'h00)}};
  end

  always_comb begin
    for (int k = 0; k < 4; k++) begin
      logic [10:0] at;
      at = s_q.pos + 11'(k);
      m_axis_tx_tkeep[k] = at < padded_len;
      m_axis_tx_tdata[k*8+:8] = at < s_q.frame_len ? frame_q[at] : 8'h00;
    end
    m_axis_tx_tvalid = s_q.streaming;
    m_axis_tx_tlast = {1'b0, s_q.pos} + 12'd4 >= {1'b0, padded_len};
    m_axis_tx_tuser = 1'b0;  // frames that cannot be sent are dropped before streaming
  end

  assign idle = s_d == s_q && buf_we == '0;

  always_ff @(posedge clk) begin
    for (int b = 0; b < 16; b++) begin
      if (buf_we[b]) frame_q[buf_waddr[b]] <= dma_rdata[b*8+:8];
    end
    if (rst) s_q <= '0;
    else s_q <= s_d;
  end

`ifndef SYNTHESIS
  a_frame_len: assert property (@(posedge clk) disable iff (rst) {6'b0, s_q.frame_len} <= MaxFrame)
  else $error("TX frame longer than MAX_FRAME was assembled");
  a_head: assert property (@(posedge clk) disable iff (rst) head_advance |-> ring_head != ring_tail)
  else $error("TX head would pass its tail");
  a_desc_beat: assert property (@(posedge clk) disable iff (rst)
                                s_q.phase == DESC_WAIT && dma_rbeat |-> dma_done)
  else $error("TX descriptor read took more than one beat");
  a_no_fill_while_streaming: assert property (@(posedge clk) disable iff (rst)
                                              s_q.streaming |-> buf_we == '0)
  else $error("TX frame buffer written while streaming");
`endif
endmodule

`default_nettype wire
