// simple_nic_rx_fifo: stores received frames (4 KiB of bytes) until the RX engine moves them.
`default_nettype none

// Store and forward, so the write-back knows the length before the data goes out. Every frame of
// MIN_FRAME bytes or more is kept, bad ones too (the engine reports them in ERRORS): tuser marks it
// bad; bytes past 1518 are counted but not stored, and mark it long. A shorter frame (a runt) is
// dropped at its last beat and counted (RUC), as the e1000 does. The link is held off (tready low) only while fewer
// than 4 bytes are free or the frame list is full. tkeep is expected contiguous from bit 0.
module simple_nic_rx_fifo
  import simple_nic_regs_pkg::*;
(
    input wire clk,
    input wire rst,

    input  wire  [31:0] s_axis_rx_tdata,
    input  wire  [ 3:0] s_axis_rx_tkeep,
    input  wire         s_axis_rx_tvalid,
    output logic        s_axis_rx_tready,
    input  wire         s_axis_rx_tlast,
    input  wire         s_axis_rx_tuser,

    // The oldest stored frame; frame_pop frees it.
    output logic        frame_valid,
    output logic [10:0] frame_len,    // stored bytes, at most MAX_FRAME
    output logic        frame_bad,    // tuser was set with tlast
    output logic        frame_long,   // longer than MAX_FRAME, truncated
    output logic [11:0] frame_start,  // byte index of its first byte
    input  wire         frame_pop,

    input  wire  [ 11:0] peek_at,    // 16 bytes from here, wrapping
    output logic [127:0] peek_data,

    output logic bad_frame,   // a frame with tuser ended (CRCERRS++)
    output logic long_frame,  // a frame longer than MAX_FRAME ended (ROC++)
    output logic runt_frame,  // a frame shorter than MIN_FRAME ended and was dropped (RUC++)
    output logic idle   // the next edge changes nothing here
);
  localparam int Bytes = 4096;
  localparam int Frames = 8;
  localparam logic [10:0] MaxFrame = 11'(MAX_FRAME);
  localparam logic [10:0] MinFrame = 11'(MIN_FRAME);

  typedef struct packed {
    logic [12:0] wr;  // next byte to store, with a wrap bit
    logic [12:0] rd;  // first byte of the oldest frame
    logic [10:0] stored;  // bytes of the current frame stored so far
    logic too_long;  // the current frame has bytes past MAX_FRAME
    logic [3:0] meta_wr;  // frame list indices, with a wrap bit
    logic [3:0] meta_rd;
  } state_t;

  // Per stored frame: truncated, bad, length.
  typedef struct packed {
    logic truncated;
    logic bad;
    logic [10:0] len;
  } meta_t;

  state_t s_q, s_d;
  logic [7:0] mem_q[Bytes];
  meta_t meta_q[Frames];
  logic [3:0] lane_we;
  logic [2:0] kept, room, take;
  logic accept, meta_full, meta_empty, ends, runt, push;

  assign meta_empty = s_q.meta_wr == s_q.meta_rd;
  assign meta_full = s_q.meta_wr == {~s_q.meta_rd[3], s_q.meta_rd[2:0]};
  assign s_axis_rx_tready = !meta_full && 13'(s_q.wr - s_q.rd) <= 13'(Bytes - 4);
  assign accept = s_axis_rx_tvalid && s_axis_rx_tready;
  assign ends = accept && s_axis_rx_tlast;
  // A frame too long is never a runt: stored saturates at MAX_FRAME.
  assign runt = ends && s_q.stored + 11'(take) < MinFrame;
  assign push = ends && !runt;

  always_comb begin
    logic [10:0] left;
    kept = 3'(s_axis_rx_tkeep[0]) + 3'(s_axis_rx_tkeep[1]) + 3'(s_axis_rx_tkeep[2]) +
           3'(s_axis_rx_tkeep[3]);
    left = MaxFrame - s_q.stored;
    room = left < 11'd4 ? left[2:0] : 3'd4;
    take = kept < room ? kept : room;
    for (int k = 0; k < 4; k++) lane_we[k] = accept && 3'(k) < take;
  end

  always_comb begin
    s_d = s_q;
    if (accept) begin
      s_d.wr = s_q.wr + 13'(take);
      s_d.stored = s_q.stored + 11'(take);
      if (kept > room) s_d.too_long = 1'b1;
      if (s_axis_rx_tlast) begin
        s_d.stored = '0;
        s_d.too_long = 1'b0;
        if (runt) s_d.wr = s_q.wr - 13'(s_q.stored);  // forget its bytes
        else s_d.meta_wr = s_q.meta_wr + 4'd1;
      end
    end
    if (frame_pop) begin
      s_d.rd = s_q.rd + 13'(frame_len);
      s_d.meta_rd = s_q.meta_rd + 4'd1;
    end
  end

  assign bad_frame = push && s_axis_rx_tuser;
  assign long_frame = push && (s_q.too_long || kept > room);
  assign runt_frame = runt;
  assign frame_valid = !meta_empty;
  assign frame_len = meta_q[s_q.meta_rd[2:0]].len;
  assign frame_bad = meta_q[s_q.meta_rd[2:0]].bad;
  assign frame_long = meta_q[s_q.meta_rd[2:0]].truncated;
  assign frame_start = s_q.rd[11:0];
  for (genvar b = 0; b < 16; b++) begin : g_peek
    assign peek_data[b*8+:8] = mem_q[peek_at+12'(b)];
  end
  assign idle = s_d == s_q && !accept;

  always_ff @(posedge clk) begin
    for (int k = 0; k < 4; k++) begin
      if (lane_we[k]) mem_q[s_q.wr[11:0]+12'(k)] <= s_axis_rx_tdata[k*8+:8];
    end
    if (push) begin
      meta_q[s_q.meta_wr[2:0]] <= '{
          truncated: s_q.too_long || kept > room,
          bad: s_axis_rx_tuser,
          len: s_q.stored + 11'(take)
      };
    end
    if (rst) s_q <= '0;
    else s_q <= s_d;
  end

`ifndef SYNTHESIS
  a_pop: assert property (@(posedge clk) disable iff (rst) frame_pop |-> !meta_empty)
  else $error("RX frame list underflow");
  // The fill level is the 13-bit difference (wr and rd wrap); widened first, it would not wrap.
  a_overflow: assert property (@(posedge clk) disable iff (rst)
                               accept |-> 14'(13'(s_q.wr - s_q.rd)) + 14'(take) <= 14'(Bytes))
  else $error("RX byte buffer overflow");
  a_keep: assert property (@(posedge clk) disable iff (rst)
                           s_axis_rx_tvalid |-> s_axis_rx_tkeep inside {4'h1, 4'h3, 4'h7, 4'hF}
                           && (s_axis_rx_tlast || s_axis_rx_tkeep == 4'hF))
  else $error("RX tkeep not contiguous from bit 0, or partial before tlast");
`endif
endmodule

`default_nettype wire
