// nic_tx_engine: serves TX rings round-robin: descriptor fetch, buffer read, write-back, head advance.
`default_nettype none

// Buffers must be 8-byte aligned (the low address bits are ignored). A descriptor with length 0
// or over 1518 is not sent and is written back with ERR|DD.
module nic_tx_engine #(
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
  localparam logic [15:0] MaxFrame = 16'(nic_regs_pkg::MAX_FRAME);

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
    dma_len = 16'd16;
    if (state_q == BUF_REQ) begin
      dma_addr = buf_addr_q;
      dma_len  = len_q;
    end else if (state_q == WB_REQ) begin
      dma_addr = desc_addr_q + 64'd8;
      dma_len  = 16'd8;
    end
    dma_wdata = {32'h0, 6'b0, bad_q, 1'b1, 8'h0, len_q};  // STATUS {ERR, DD} at bits 31:24
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
                desc_addr_q <= {ring_base[q][63:4], 4'b0} + {44'b0, ring_head[q], 4'b0};
              end
            end
            stale_q <= 1'b0;
            state_q <= DESC_REQ;
          end
        end
        DESC_REQ: if (dma_ack) state_q <= DESC_WAIT;
        DESC_WAIT: begin
          if (dma_rbeat) begin
            if (beat_q == 8'd0) buf_addr_q <= {dma_rdata[63:3], 3'b000};
            else len_q <= dma_rdata[15:0];
            beat_q <= beat_q + 8'd1;
          end
          if (dma_done) begin
            beat_q <= '0;
            bad_q <= dma_rdata[15:0] == 16'd0 || dma_rdata[15:0] > MaxFrame;
            state_q <= dma_rdata[15:0] == 16'd0 || dma_rdata[15:0] > MaxFrame ? WB_REQ : BUF_REQ;
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
