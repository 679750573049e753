// simple_nic_rx: the RX ring: moves each stored frame into the next posted 2048-byte buffer.
`default_nettype none

// Per frame: read the descriptor at the head (one 16-byte beat), write the frame to its buffer
// (any alignment), write back the descriptor's second word (LEN, STATUS DD|EOP, ERRORS), then
// advance the head. The cause RXT0 is raised by the DMA when that write-back's B arrives. A frame
// that finds no posted buffer, or RCTL.EN = 0, is dropped (MPC++ and RXO).
module simple_nic_rx
  import simple_nic_regs_pkg::*;
(
    input wire clk,
    input wire rst,
    input wire enable,  // RCTL.EN

    input wire [63:0] ring_base,
    input wire [15:0] ring_entries,
    input wire [15:0] ring_head,
    input wire [15:0] ring_tail,
    input wire        ring_reset,  // RDLEN was just written

    input  wire        frame_valid,
    input  wire [10:0] frame_len,
    input  wire        frame_bad,
    input  wire        frame_long,
    input  wire [11:0] frame_start,
    output logic       frame_pop,

    output logic [ 11:0] peek_at,
    input  wire  [127:0] peek_data,

    output logic head_advance,
    output logic received,  // GPRC++
    output logic missed,    // MPC++, ICR.RXO
    output logic idle,      // the next edge changes nothing here

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
    input  wire          dma_wbeat,
    input  wire          dma_done
);
  localparam int DescShift = $clog2(DESC_BYTES);
  localparam int AddrBit = 64 * DESC_RX_ADDR_QWORD + DESC_RX_ADDR_LSB;
  localparam int LenBit = 64 * DESC_RX_LEN_QWORD + DESC_RX_LEN_LSB;
  localparam int StatusBit = 64 * DESC_RX_STATUS_QWORD + DESC_RX_STATUS_LSB;
  localparam int ErrorsBit = 64 * DESC_RX_ERRORS_QWORD + DESC_RX_ERRORS_LSB;
  // The write-back covers the descriptor from the LEN word on; the buffer address stays.
  localparam int WbFirstByte = 8 * DESC_RX_LEN_QWORD;
  localparam logic [7:0] DoneCause = 8'(1 << ICR_RXT0_LSB);

  if (DESC_RX_STATUS_QWORD < DESC_RX_LEN_QWORD || DESC_RX_ERRORS_QWORD < DESC_RX_LEN_QWORD ||
      DESC_RX_ADDR_QWORD >= DESC_RX_LEN_QWORD) begin : g_layout_check
    $error("simple_nic_rx: the write-back words must follow the buffer address word");
  end

  typedef enum logic [2:0] {
    IDLE,
    DESC_REQ,
    DESC_WAIT,
    DATA_REQ,
    DATA_WAIT,
    WB_REQ,
    WB_WAIT
  } phase_e;

  typedef struct packed {
    phase_e phase;
    logic [63:0] desc_addr;
    logic [63:0] buf_addr;
    logic [7:0] beat;  // data beats sent
    logic stale;  // RDLEN was written while this frame was in flight
  } state_t;

  state_t s_q, s_d;
  logic unused_rbeat;  // the descriptor is one beat, taken with dma_done
  logic unused_desc_bits;  // only the buffer address is read; the ring is 16-byte aligned

  assign unused_rbeat = dma_rbeat;
  assign unused_desc_bits = &{1'b0, dma_rdata[127:AddrBit+64], ring_base[DescShift-1:0]};

  always_comb begin
    s_d = s_q;
    frame_pop = 1'b0;
    head_advance = 1'b0;
    received = 1'b0;
    missed = 1'b0;
    if (ring_reset && s_q.phase != IDLE) s_d.stale = 1'b1;

    unique case (s_q.phase)
      IDLE: begin
        if (frame_valid) begin
          if (enable && ring_entries != 16'd0 && ring_head != ring_tail) begin
            s_d.desc_addr = {ring_base[63:DescShift], DescShift'(0)} +
                            (64'(ring_head) << DescShift);
            s_d.stale = 1'b0;
            s_d.phase = DESC_REQ;
          end else begin
            frame_pop = 1'b1;
            missed = 1'b1;
          end
        end
      end
      DESC_REQ: if (dma_ack) s_d.phase = DESC_WAIT;
      DESC_WAIT: begin
        if (dma_done) begin
          s_d.buf_addr = dma_rdata[AddrBit+:64];
          s_d.beat = '0;
          s_d.phase = frame_len == '0 ? WB_REQ : DATA_REQ;
        end
      end
      DATA_REQ: if (dma_ack) s_d.phase = DATA_WAIT;
      DATA_WAIT: begin
        if (dma_wbeat) s_d.beat = s_q.beat + 8'd1;
        if (dma_done) s_d.phase = WB_REQ;
      end
      WB_REQ: if (dma_ack) s_d.phase = WB_WAIT;
      WB_WAIT: begin
        if (dma_done) begin
          frame_pop = 1'b1;
          received = 1'b1;
          head_advance = !s_q.stale;
          s_d.phase = IDLE;
        end
      end
      default: s_d.phase = IDLE;
    endcase
  end

  // Beat n of the buffer write carries frame bytes from 16n - (buffer address mod 16) on.
  assign peek_at = frame_start + {s_q.beat, 4'b0} - {8'b0, s_q.buf_addr[3:0]};

  always_comb begin
    logic [127:0] wb;
    wb = '0;
    wb[LenBit+:16] = 16'(frame_len);
    wb[StatusBit+:8] = DESC_STATUS_DD | DESC_STATUS_EOP;
    wb[ErrorsBit+:8] = (frame_bad ? DESC_ERRORS_CE : 8'h00) |
                       (frame_long ? DESC_ERRORS_RXE : 8'h00);
    dma_req = s_q.phase == DESC_REQ || s_q.phase == DATA_REQ || s_q.phase == WB_REQ;
    dma_write = s_q.phase != DESC_REQ;
    dma_addr = s_q.desc_addr;
    dma_len = 16'(DESC_BYTES);
    dma_tag = '0;
    dma_wdata = peek_data;
    if (s_q.phase == DATA_REQ) begin
      dma_addr = s_q.buf_addr;
      dma_len  = 16'(frame_len);
    end else if (s_q.phase == WB_REQ || s_q.phase == WB_WAIT) begin
      dma_addr  = s_q.desc_addr + 64'(WbFirstByte);
      dma_len   = 16'(DESC_BYTES - WbFirstByte);
      dma_tag   = DoneCause;
      dma_wdata = wb;
    end
  end

  assign idle = s_d == s_q && !frame_pop;

  always_ff @(posedge clk) begin
    if (rst) s_q <= '0;
    else s_q <= s_d;
  end

`ifndef SYNTHESIS
  a_buffer: assert property (@(posedge clk) disable iff (rst)
                             s_q.phase == DATA_REQ |-> {5'b0, frame_len} <= 16'(RX_BUF_BYTES))
  else $error("RX frame larger than the 2048-byte buffer");
  a_head: assert property (@(posedge clk) disable iff (rst) head_advance |-> ring_head != ring_tail)
  else $error("RX head would pass its tail");
  a_desc_beat: assert property (@(posedge clk) disable iff (rst)
                                s_q.phase == DESC_WAIT && dma_rbeat |-> dma_done)
  else $error("RX descriptor read took more than one beat");
  a_frame_held: assert property (@(posedge clk) disable iff (rst)
                                 s_q.phase != IDLE |-> frame_valid)
  else $error("RX frame freed while its DMA was in flight");
`endif
endmodule

`default_nettype wire
