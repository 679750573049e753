// nic_rx_engine: steers each received frame to a queue and DMAs it into that ring's next buffer.
`default_nettype none

// Buffers must be 8-byte aligned (the low address bits are ignored). A frame whose queue is off,
// has no free descriptor, or arrives while the NIC is disabled is dropped as NO_DESC.
module nic_rx_engine
  import nic_regs_pkg::*;
#(
    parameter int NUM_QUEUES = 4  // RX rings
) (
    input wire clk,
    input wire rst,
    input wire enable,  // CTRL.EN
    input wire hold,    // soft reset pending: start nothing

    input wire [                3:0]       rss_queues,  // RSS_QUEUES as written
    input wire [NUM_QUEUES-1:0][63:0] ring_base,
    input wire [NUM_QUEUES-1:0][15:0] ring_size,
    input wire [NUM_QUEUES-1:0][15:0] ring_head,
    input wire [NUM_QUEUES-1:0][15:0] ring_tail,
    input wire [NUM_QUEUES-1:0]       ring_reset,  // a size write just reset that ring

    input  wire        frame_valid,
    input  wire [15:0] frame_len,
    input  wire [31:0] frame_hash,
    input  wire [ 7:0] frame_beats,
    output logic       frame_pop,
    input  wire [63:0] beat_data,
    output logic       beat_pop,

    output logic [NUM_QUEUES-1:0] head_advance,
    output logic [NUM_QUEUES-1:0] done_cause,  // ICR.RXQ bits
    output logic                  received,    // STAT_RX_FRAMES++
    output logic                  no_desc,     // STAT_RX_NO_DESC++
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
    input  wire         dma_wbeat,
    input  wire         dma_done
);
  localparam int QW = NUM_QUEUES > 1 ? $clog2(NUM_QUEUES) : 1;
  // Of the descriptor (nic_regs_pkg DESC_RX_*) the fetch reads the ADDR word alone; the
  // write-back writes the word holding LEN, STATUS and HASH.
  localparam logic [15:0] DescLen = 16'd8;  // one word
  localparam logic [63:0] WbOffset = 64'(8 * DESC_RX_LEN_QWORD);
  localparam logic [15:0] WbLen = 16'd8;  // one word
  localparam logic [63:0] BufAddrMask = ~64'h7;  // buffers are 8-byte aligned

  if (DESC_RX_ADDR_QWORD != 0 || DESC_RX_ADDR_LSB != 0 || DESC_RX_ADDR_WIDTH != 64 ||
      DESC_RX_LEN_WIDTH != 16 || DESC_RX_STATUS_WIDTH != 8 || DESC_RX_HASH_WIDTH != 32 ||
      DESC_RX_STATUS_QWORD != DESC_RX_LEN_QWORD || DESC_RX_HASH_QWORD != DESC_RX_LEN_QWORD ||
      DESC_RX_LEN_QWORD == DESC_RX_ADDR_QWORD) begin : g_layout_check
    $error("nic_rx_engine: ADDR must be the first word, LEN, STATUS and HASH one later word");
  end

  // The write-back word: the frame's length and hash, STATUS DD and EOP (one buffer a frame).
  function automatic logic [63:0] writeback(input logic [15:0] len, input logic [31:0] hash);
    logic [63:0] word = '0;
    word[DESC_RX_LEN_LSB+:DESC_RX_LEN_WIDTH] = len;
    word[DESC_RX_STATUS_LSB+:DESC_RX_STATUS_WIDTH] = DESC_STATUS_DD | DESC_STATUS_EOP;
    word[DESC_RX_HASH_LSB+:DESC_RX_HASH_WIDTH] = hash;
    return word;
  endfunction

  typedef enum logic [2:0] {
    IDLE,
    DESC_REQ,
    DESC_WAIT,
    DATA_REQ,
    DATA_WAIT,
    WB_REQ,
    WB_WAIT,
    DISCARD
  } state_e;

  state_e state_q;
  logic [QW-1:0] queue_q;
  logic [63:0] desc_addr_q, buf_addr_q;
  logic [15:0] len_q;
  logic [31:0] hash_q;
  logic [7:0] beats_left_q;  // stored beats of the frame not yet popped
  logic stale_q;

  logic [QW-1:0] steer_queue;
  logic [3:0] steer_mask;
  logic [3:0] folded;  // the low bits of h ^ (h >> 16)
  logic has_desc, start;

  // Effective RSS_QUEUES: rounded down to a power of two within 1..NUM_QUEUES.
  always_comb begin
    if (rss_queues >= 4'd8) steer_mask = 4'd7;
    else if (rss_queues >= 4'd4) steer_mask = 4'd3;
    else if (rss_queues >= 4'd2) steer_mask = 4'd1;
    else steer_mask = 4'd0;
    steer_mask = steer_mask & 4'(NUM_QUEUES - 1);
    folded = frame_hash[3:0] ^ frame_hash[19:16];
    steer_queue = QW'(folded & steer_mask);
    has_desc = enable && ring_size[steer_queue] != 16'd0 &&
               ring_head[steer_queue] != ring_tail[steer_queue];
  end

  assign start = state_q == IDLE && !hold && frame_valid;
  assign idle = state_q == IDLE && !start;
  assign frame_pop = start;
  assign no_desc = start && !has_desc;

  always_comb begin
    dma_req = state_q == DESC_REQ || state_q == DATA_REQ || state_q == WB_REQ;
    dma_write = state_q != DESC_REQ;
    dma_addr = desc_addr_q;
    dma_len = DescLen;
    if (state_q == DATA_REQ) begin
      dma_addr = buf_addr_q;
      dma_len  = len_q;
    end else if (state_q == WB_REQ) begin
      dma_addr = desc_addr_q + WbOffset;
      dma_len  = WbLen;
    end
    dma_wdata = beat_data;
    if (state_q == WB_WAIT) dma_wdata = writeback(len_q, hash_q);
    beat_pop = (state_q == DATA_WAIT && dma_wbeat) || (state_q == DISCARD && beats_left_q != 0);
    head_advance = '0;
    done_cause = '0;
    received = 1'b0;
    if (state_q == WB_WAIT && dma_done) begin
      received = 1'b1;
      if (!stale_q) begin
        head_advance[queue_q] = 1'b1;
        done_cause[queue_q] = 1'b1;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      state_q <= IDLE;
      queue_q <= '0;
      desc_addr_q <= '0;
      buf_addr_q <= '0;
      len_q <= '0;
      hash_q <= '0;
      beats_left_q <= '0;
      stale_q <= 1'b0;
    end else begin
      if (state_q != IDLE && ring_reset[queue_q]) stale_q <= 1'b1;
      if (beat_pop) beats_left_q <= beats_left_q - 8'd1;
      unique case (state_q)
        IDLE: begin
          if (start) begin
            queue_q <= steer_queue;
            desc_addr_q <= desc_entry_addr(ring_base[steer_queue],
                                           64'(ring_head[steer_queue]));
            len_q <= frame_len;
            hash_q <= frame_hash;
            beats_left_q <= frame_beats;
            stale_q <= 1'b0;
            state_q <= has_desc ? DESC_REQ : DISCARD;
          end
        end
        DESC_REQ: if (dma_ack) state_q <= DESC_WAIT;
        DESC_WAIT: begin
          if (dma_rbeat) begin
            buf_addr_q <= dma_rdata[DESC_RX_ADDR_LSB+:DESC_RX_ADDR_WIDTH] & BufAddrMask;
          end
          if (dma_done) state_q <= DATA_REQ;
        end
        DATA_REQ: if (dma_ack) state_q <= DATA_WAIT;
        DATA_WAIT: if (dma_done) state_q <= WB_REQ;
        WB_REQ: if (dma_ack) state_q <= WB_WAIT;
        WB_WAIT: if (dma_done) state_q <= beats_left_q != 0 ? DISCARD : IDLE;
        DISCARD: if (beats_left_q <= 8'd1) state_q <= IDLE;
        default: state_q <= IDLE;
      endcase
    end
  end
endmodule

`default_nettype wire
