// nic_tx_stream: holds one TX frame and streams it out on AXI4-Stream, zero-padded to 60 bytes.
`default_nettype none

module nic_tx_stream (
    input wire clk,
    input wire rst,

    // Frame buffer write port (the TX engine fills it while idle)
    input wire        buf_we,
    input wire [ 7:0] buf_waddr,  // beat index
    input wire [63:0] buf_wdata,

    input  wire        start,      // stream the buffer's first len bytes
    input  wire [15:0] start_len,  // 1..1518
    output logic       busy,
    output logic       sent,       // pulse: the last beat left

    output logic [63:0] tdata,
    output logic [ 7:0] tkeep,
    output logic        tvalid,
    input  wire         tready,
    output logic        tlast
);
  localparam logic [15:0] MinFrame = 16'(nic_regs_pkg::MIN_FRAME);

  logic [63:0] buf_q[256];
  logic busy_q;
  logic [7:0] beat_q;  // beat being offered
  logic [15:0] len_q;  // frame bytes; the rest up to padded_len is zero padding
  logic [15:0] padded_len;
  logic [7:0] last_beat;

  assign padded_len = len_q < MinFrame ? MinFrame : len_q;
  assign last_beat = 8'((padded_len - 16'd1) >> 3);
  assign busy = busy_q;
  assign tvalid = busy_q;
  assign tlast = beat_q == last_beat;

  always_comb begin
    logic [63:0] word;
    word = buf_q[beat_q];
    for (int b = 0; b < 8; b++) begin
      logic [15:0] index;
      index = {5'b0, beat_q, 3'(b)};
      tkeep[b] = index < padded_len;
      tdata[b*8+:8] = index < len_q ? word[b*8+:8] : 8'h00;
    end
  end

  assign sent = busy_q && tready && tlast;

  always_ff @(posedge clk) begin
    if (buf_we) buf_q[buf_waddr] <= buf_wdata;
    if (rst) begin
      busy_q <= 1'b0;
      beat_q <= '0;
      len_q  <= '0;
    end else if (!busy_q) begin
      if (start) begin
        busy_q <= 1'b1;
        beat_q <= '0;
        len_q  <= start_len;
      end
    end else if (tready) begin
      beat_q <= beat_q + 8'd1;
      if (tlast) busy_q <= 1'b0;
    end
  end

`ifndef SYNTHESIS
  logic sent_q;
  always_ff @(posedge clk) begin
    sent_q <= !rst && sent;
    if (!rst) begin
      assert (!(buf_we && busy_q)) else $error("TX buffer written while streaming");
      // User coverage point: the buffer refilled the cycle after its last beat left.
      tx_buffer_refilled_after_send : cover (buf_we && sent_q);
    end
  end
`endif
endmodule

`default_nettype wire
