// nic_tx_engine: serves TX rings round-robin: descriptor fetch, buffer read, write-back, head advance.
`default_nettype none

// Buffers must be 8-byte aligned (the low address bits are ignored). A descriptor with length 0
// or over 1518 is not sent and is written back with ERR|DD.
module nic_tx_engine
  import nic_regs_pkg::*;
#(
    parameter int NUM_QUEUES = 4  // TX rings
) (
    input wire clk,
    input wire rst,
    input wire enable,  // CTRL.EN and no soft reset pending

    input wire [NUM_QUEUES-1:0][63:0] ring_base,
    input wire [NUM_QUEUES-1:0][15:0] ring_size,
    input wire [NUM_QUEUES-1:0][15:0] ring_head,
    input wire [NUM_QUEUES-1:0][15:0] ring_tail,
    input wire [NUM_QUEUES-1:0]       ring_reset,  // a size write just reset that ring

    output logic [NUM_QUEUES-1:0] head_advance,
    output logic [NUM_QUEUES-1:0] done_cause,  // ICR.TXQ bits
    output logic                  bad_len,     // STAT_TX_BAD_LEN++
    output logic                  idle,

    // DMA client
    output logic        dma_req,
    output logic        dma_write,
    output logic [63:0] dma_addr,
    output logic [15:0] dma_len,
    output logic [63:0] dma_wdata,
    input  wire         dma_ack,
    input  wire         dma_rbeat,
    input  wire  [63:0] dma_rdata,
    input  wire         dma_done,

    // Frame buffer and streamer
    output logic        buf_we,
    output logic [ 7:0] buf_waddr,
    output logic [63:0] buf_wdata,
    output logic        stream_start,
    output logic [15:0] stream_len,
    input  wire         stream_busy
);
  localparam int QW = NUM_QUEUES > 1 ? $clog2(NUM_QUEUES) : 1;
  localparam logic [15:0] MaxFrame = 16'(MAX_FRAME);
  // The descriptor (nic_regs_pkg DESC_TX_*) is fetched whole, one 64-bit word a beat; the
  // write-back rewrites the word holding LEN and STATUS.
  localparam logic [15:0] DescLen = 16'(DESC_TX_BYTES);
  localparam logic [63:0] WbOffset = 64'(8 * DESC_TX_STATUS_QWORD);
  localparam logic [15:0] WbLen = 16'd8;  // one word
  localparam logic [63:0] BufAddrMask = ~64'h7;  // buffers are 8-byte aligned

  // The fetch keeps ADDR from its beat and takes LEN from the last one, when the job is done.
  if (DESC_TX_ADDR_LSB != 0 || DESC_TX_ADDR_WIDTH != 64 || DESC_TX_LEN_WIDTH != 16 ||
      DESC_TX_STATUS_WIDTH != 8 || DESC_TX_LEN_QWORD != DESC_TX_BYTES / 8 - 1 ||
      DESC_TX_STATUS_QWORD != DESC_TX_LEN_QWORD) begin : g_layout_check
    $error("nic_tx_engine: ADDR must be a whole word, LEN and STATUS in the last word");
  end


  // The write-back word: LEN as fetched, STATUS DD, with ERR when the length was rejected.
  function automatic logic [63:0] writeback(input logic [15:0] len, input logic bad);
    logic [63:0] word = '0;
    word[DESC_TX_LEN_LSB+:DESC_TX_LEN_WIDTH] = len;
    word[DESC_TX_STATUS_LSB+:DESC_TX_STATUS_WIDTH] =
        DESC_STATUS_DD | (bad ? DESC_STATUS_ERR : 8'h00);
    return word;
  endfunction

  typedef enum logic [2:0] {
    IDLE,
    DESC_REQ,
    DESC_WAIT,
    BUF_REQ,
    BUF_WAIT,
    WB_REQ,
    WB_WAIT
  } state_e;

  state_e state_q;
  logic [QW-1:0] queue_q;
  logic [63:0] desc_addr_q, buf_addr_q;
  logic [15:0] len_q;
  logic [7:0] beat_q;
  logic bad_q, stale_q;
  logic [NUM_QUEUES-1:0] ready;
  logic [NUM_QUEUES-1:0] grant;
  logic any_ready, start;
  logic [15:0] rdata_len;  // LEN, when the beat is LEN's word

  assign rdata_len = dma_rdata[DESC_TX_LEN_LSB+:DESC_TX_LEN_WIDTH];

  for (genvar q = 0; q < NUM_QUEUES; q++) begin : g_ready
    assign ready[q] = ring_size[q] != 16'd0 && ring_head[q] != ring_tail[q];
  end

  assign start = state_q == IDLE && enable && !stream_busy && any_ready;

  nic_rr_arbiter #(
      .N(NUM_QUEUES)
  ) queue_arbiter (
      .clk(clk),
      .rst(rst),
      .req(ready),
      .take(start),
      .grant(grant),
      .any_req(any_ready)
  );

  assign idle = state_q == IDLE && !start;

  always_comb begin
    dma_req = state_q == DESC_REQ || state_q == BUF_REQ || state_q == WB_REQ;
    dma_write = state_q == WB_REQ;
    dma_addr = desc_addr_q;
    dma_len = DescLen;
    if (state_q == BUF_REQ) begin
      dma_addr = buf_addr_q;
      dma_len  = len_q;
    end else if (state_q == WB_REQ) begin
      dma_addr = desc_addr_q + WbOffset;
      dma_len  = WbLen;
    end
    dma_wdata = writeback(len_q, bad_q);
    buf_we = state_q == BUF_WAIT && dma_rbeat;
    buf_waddr = beat_q;
    buf_wdata = dma_rdata;
    stream_start = state_q == BUF_WAIT && dma_done;
    stream_len = len_q;
    head_advance = '0;
    done_cause = '0;
    bad_len = 1'b0;
    if (state_q == WB_WAIT && dma_done && !stale_q) begin
      head_advance[queue_q] = 1'b1;
      done_cause[queue_q] = 1'b1;
      bad_len = bad_q;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      state_q <= IDLE;
      queue_q <= '0;
      desc_addr_q <= '0;
      buf_addr_q <= '0;
      len_q <= '0;
      beat_q <= '0;
      bad_q <= 1'b0;
      stale_q <= 1'b0;
    end else begin
      if (state_q != IDLE && ring_reset[queue_q]) stale_q <= 1'b1;
      unique case (state_q)
        IDLE: begin
          if (start) begin
            for (int q = 0; q < NUM_QUEUES; q++) begin
              if (grant[q]) begin
                queue_q <= QW'(q);
                desc_addr_q <= desc_entry_addr(ring_base[q], 64'(ring_head[q]));
              end
            end
            stale_q <= 1'b0;
            state_q <= DESC_REQ;
          end
        end
        DESC_REQ: if (dma_ack) state_q <= DESC_WAIT;
        DESC_WAIT: begin
          if (dma_rbeat) begin
            if (beat_q == 8'(DESC_TX_ADDR_QWORD)) begin
              buf_addr_q <= dma_rdata[DESC_TX_ADDR_LSB+:DESC_TX_ADDR_WIDTH] & BufAddrMask;
            end
            if (beat_q == 8'(DESC_TX_LEN_QWORD)) len_q <= rdata_len;
            beat_q <= beat_q + 8'd1;
          end
          if (dma_done) begin
            beat_q <= '0;
            bad_q <= rdata_len == 16'd0 || rdata_len > MaxFrame;
            state_q <= rdata_len == 16'd0 || rdata_len > MaxFrame ? WB_REQ : BUF_REQ;
          end
        end
        BUF_REQ: if (dma_ack) state_q <= BUF_WAIT;
        BUF_WAIT: begin
          if (dma_rbeat) beat_q <= beat_q + 8'd1;
          if (dma_done) begin
            beat_q  <= '0;
            state_q <= WB_REQ;
          end
        end
        WB_REQ: if (dma_ack) state_q <= WB_WAIT;
        WB_WAIT: if (dma_done) state_q <= IDLE;
        default: state_q <= IDLE;
      endcase
    end
  end
endmodule

`default_nettype wire
