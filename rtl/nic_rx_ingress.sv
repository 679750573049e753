// nic_rx_ingress: takes frames off the RX stream into a store-and-forward FIFO, drops bad ones.
`default_nettype none

// A frame is written at a tentative pointer and committed at tlast only if it is good; a dropped
// frame rolls the pointer back, so nothing of it reaches host memory. Drop reasons, first match:
// tuser (bad), over 1518 bytes or 192 beats (oversize; beats past that are swallowed so the link
// never stalls on a long frame), under 60 bytes (runt). tkeep is expected contiguous from bit 0.
module nic_rx_ingress (
    input wire clk,
    input wire rst,
    input wire soft_rst,  // empties the FIFO; a frame in flight is swallowed to its end

    input  wire  [63:0] tdata,
    input  wire  [ 7:0] tkeep,
    input  wire         tvalid,
    output logic        tready,
    input  wire         tlast,
    input  wire         tuser,

    // Committed frames, oldest first
    output logic        frame_valid,
    output logic [15:0] frame_len,
    output logic [31:0] frame_hash,
    output logic [ 7:0] frame_beats,
    input  wire         frame_pop,
    output logic [63:0] beat_data,    // the oldest stored beat
    input  wire         beat_pop,

    output logic drop_runt,
    output logic drop_oversize,
    output logic drop_bad,
    output logic idle
);
  localparam int Depth = 256;  // beats: more than one maximum frame, so a frame always fits
  localparam logic [7:0] MaxBeats = 8'd192;
  localparam logic [11:0] MaxFrame = 12'(nic_regs_pkg::MAX_FRAME);
  localparam logic [11:0] MinFrame = 12'(nic_regs_pkg::MIN_FRAME);

  logic [63:0] mem_q[Depth];
  logic [8:0] commit_q, tentative_q, read_q;  // beat pointers with a wrap bit
  logic in_frame_q, swallow_q, truncated_q;
  logic [7:0] beats_q;  // beats of the current frame, saturating at MaxBeats
  logic [11:0] bytes_q;  // bytes of the current frame, stops counting past MaxFrame
  logic [31:0] hash_q;
  logic meta_empty, meta_full;
  logic [51:0] meta_head;

  logic space, store, accept;
  logic [3:0] keep_bytes;
  logic [63:0] keep_data;
  logic [11:0] bytes_next;
  logic [31:0] hash_next;
  logic frame_ok, commit;

  assign space = (tentative_q - read_q) < 9'(Depth);
  assign store = !swallow_q && beats_q < MaxBeats;
  assign tready = !store || space;
  assign accept = tvalid && tready;

  always_comb begin
    keep_bytes = '0;
    for (int b = 0; b < 8; b++) begin
      keep_bytes = keep_bytes + {3'b0, tkeep[b]};
      keep_data[b*8+:8] = tkeep[b] ? tdata[b*8+:8] : 8'h00;
    end
    bytes_next = bytes_q > MaxFrame ? bytes_q : bytes_q + {8'b0, keep_bytes};
    hash_next = in_frame_q ? hash_q : 32'h9E3779B9;
    if (beats_q < 8'd5) begin
      hash_next = {hash_next[24:0], hash_next[31:25]} ^ keep_data[31:0] ^ keep_data[63:32];
    end
  end

  assign frame_ok = !tuser && !truncated_q && store && bytes_next <= MaxFrame &&
                    bytes_next >= MinFrame;
  assign commit = accept && tlast && !swallow_q && frame_ok;
  assign drop_bad = accept && tlast && !swallow_q && tuser;
  assign drop_oversize = accept && tlast && !swallow_q && !tuser &&
                         (truncated_q || !store || bytes_next > MaxFrame);
  assign drop_runt = accept && tlast && !swallow_q && !tuser && !truncated_q && store &&
                     bytes_next < MinFrame;

  always_ff @(posedge clk) begin
    if (accept && store) mem_q[tentative_q[7:0]] <= tdata;
    if (rst) begin
      commit_q <= '0;
      tentative_q <= '0;
      read_q <= '0;
      in_frame_q <= 1'b0;
      swallow_q <= 1'b0;
      truncated_q <= 1'b0;
      beats_q <= '0;
      bytes_q <= '0;
      hash_q <= '0;
    end else if (soft_rst) begin
      commit_q <= '0;
      tentative_q <= '0;
      read_q <= '0;
      swallow_q <= in_frame_q && !(accept && tlast);
      in_frame_q <= in_frame_q && !(accept && tlast);
      truncated_q <= 1'b0;
      beats_q <= '0;
      bytes_q <= '0;
    end else begin
      if (beat_pop) read_q <= read_q + 9'd1;
      if (accept) begin
        if (tlast) begin
          in_frame_q <= 1'b0;
          swallow_q <= 1'b0;
          truncated_q <= 1'b0;
          beats_q <= '0;
          bytes_q <= '0;
          if (commit) begin
            commit_q <= tentative_q + 9'd1;
            tentative_q <= tentative_q + 9'd1;
          end else begin
            tentative_q <= commit_q;
          end
        end else begin
          in_frame_q <= 1'b1;
          if (store) tentative_q <= tentative_q + 9'd1;
          else truncated_q <= !swallow_q;
          if (!swallow_q && beats_q < MaxBeats) beats_q <= beats_q + 8'd1;
          bytes_q <= bytes_next;
          hash_q  <= hash_next;
        end
      end
    end
  end

  // Per committed frame: length, hash and stored beats.
  nic_fifo #(
      .WIDTH(52),
      .DEPTH(32)
  ) meta (
      .clk(clk),
      .rst(rst || soft_rst),
      .push(commit),
      .push_data({beats_q + 8'd1, hash_next, bytes_next}),
      .pop(frame_pop),
      .head(meta_head),
      .empty(meta_empty),
      .full(meta_full)
  );

  assign frame_valid = !meta_empty;
  assign frame_len = {4'b0, meta_head[11:0]};
  assign frame_hash = meta_head[43:12];
  assign frame_beats = meta_head[51:44];
  assign beat_data = mem_q[read_q[7:0]];
  assign idle = !in_frame_q && meta_empty && commit_q == read_q;

`ifndef SYNTHESIS
  always_ff @(posedge clk) begin
    if (!rst) begin
      assert (!(beat_pop && read_q == commit_q)) else $error("RX FIFO underflow");
      assert (!(accept && store && !space)) else $error("RX FIFO overflow");
      assert (!(commit && meta_full)) else $error("RX frame FIFO overflow");
      // User coverage points: each assertion's boundary reached, not only its line.
      rx_last_committed_beat_popped : cover (beat_pop && read_q + 9'd1 == commit_q);
      rx_stream_held_for_space : cover (tvalid && store && !space);
      rx_frame_fifo_full_reached : cover (meta_full);
    end
  end
`endif
endmodule

`default_nettype wire
