// nic_dma: the one AXI4 DMA master; runs one client job at a time as bursts of up to 16 beats.
`default_nettype none

// A job moves len bytes at addr (reads: to the client; writes: from the client) in INCR bursts of
// 8-byte beats that never cross 4 KiB. Only one burst is outstanding, and a write job completes
// only after its last B response, so everything a later job (an MSI-X message) reports is already
// complete on the bus. Write strobes trim the first and last beats to the job's bytes.
module nic_dma #(
    parameter int CLIENTS = 3  // jobs come from this many clients, served round-robin
) (
    input wire clk,
    input wire rst,
    input wire hold,  // start no new job (soft reset pending)

    // Client job requests: params stable while req is high, until ack.
    input  wire  [CLIENTS-1:0]       job_req,
    input  wire  [CLIENTS-1:0]       job_write,
    input  wire  [CLIENTS-1:0][63:0] job_addr,
    input  wire  [CLIENTS-1:0][15:0] job_len,    // bytes, at least 1
    input  wire  [CLIENTS-1:0][63:0] job_wdata,  // the write beat to send now
    output logic [CLIENTS-1:0]       job_ack,    // job taken (client drops req)
    output logic [CLIENTS-1:0]       job_wbeat,  // the client's write beat was accepted
    output logic [CLIENTS-1:0]       job_rbeat,  // rdata holds the client's next read beat
    output logic [        63:0]      rdata,
    output logic [CLIENTS-1:0]       job_done,   // last beat read / last B received
    output logic                     err,        // an error response arrived (pulse)
    output logic                     idle,       // no job in progress

    output wire  [63:0] m_axi_awaddr,
    output wire  [ 7:0] m_axi_awlen,
    output wire  [ 2:0] m_axi_awsize,
    output wire  [ 1:0] m_axi_awburst,
    output logic        m_axi_awvalid,
    input  wire         m_axi_awready,
    output logic [63:0] m_axi_wdata,
    output logic [ 7:0] m_axi_wstrb,
    output logic        m_axi_wlast,
    output logic        m_axi_wvalid,
    input  wire         m_axi_wready,
    input  wire  [ 1:0] m_axi_bresp,
    input  wire         m_axi_bvalid,
    output logic        m_axi_bready,
    output wire  [63:0] m_axi_araddr,
    output wire  [ 7:0] m_axi_arlen,
    output wire  [ 2:0] m_axi_arsize,
    output wire  [ 1:0] m_axi_arburst,
    output logic        m_axi_arvalid,
    input  wire         m_axi_arready,
    input  wire  [63:0] m_axi_rdata,
    input  wire  [ 1:0] m_axi_rresp,
    input  wire         m_axi_rlast,
    input  wire         m_axi_rvalid,
    output logic        m_axi_rready
);
  localparam int CW = CLIENTS > 1 ? $clog2(CLIENTS) : 1;

  typedef enum logic [2:0] {
    IDLE,
    ADDR_RD,
    DATA_RD,
    ADDR_WR,
    DATA_WR,
    RESP_WR
  } state_e;

  state_e state_q, state_d;
  logic [CW-1:0] client_q, client_d;
  logic [63:0] addr_q, addr_d;  // next burst, 8-byte aligned
  logic [11:0] beats_left_q, beats_left_d;  // beats of the job not yet moved
  logic [4:0] burst_left_q, burst_left_d;  // beats of the current burst not yet moved
  logic [7:0] burst_len_q, burst_len_d;  // AxLEN of the current burst
  logic first_beat_q, first_beat_d;
  logic [2:0] first_off_q, first_off_d;
  logic [7:0] first_strb_q, first_strb_d, last_strb_q, last_strb_d;

  logic [CLIENTS-1:0] grant;
  logic any_req, take;

  nic_rr_arbiter #(
      .N(CLIENTS)
  ) arbiter (
      .clk(clk),
      .rst(rst),
      .req(job_req),
      .take(take),
      .grant(grant),
      .any_req(any_req)
  );

  assign take = state_q == IDLE && !hold && any_req;
  assign idle = state_q == IDLE;

  // Beats of the next burst: at most 16, the rest of the job, and up to the 4 KiB boundary.
  function automatic logic [4:0] burst_beats(input logic [11:3] page_beat, input logic [11:0] left);
    logic [9:0] to_page;
    to_page = 10'd512 - {1'b0, page_beat};
    if (left < 12'd16 && {2'b0, left} <= {4'b0, to_page}) return left[4:0];
    if (to_page < 10'd16) return to_page[4:0];
    return 5'd16;
  endfunction

  // The first burst carries the job's exact start address (AXI allows it unaligned; the strobes
  // agree), so an MSI-X message shows its own address; the rest are 8-byte aligned.
  assign m_axi_awaddr = {addr_q[63:3], first_beat_q ? first_off_q : 3'b000};
  assign m_axi_araddr = {addr_q[63:3], first_beat_q ? first_off_q : 3'b000};
  assign m_axi_awlen = burst_len_q;
  assign m_axi_arlen = burst_len_q;
  assign m_axi_awsize = 3'd3;
  assign m_axi_arsize = 3'd3;
  assign m_axi_awburst = 2'b01;
  assign m_axi_arburst = 2'b01;

  always_comb begin
    logic [7:0] strb;
    m_axi_arvalid = state_q == ADDR_RD;
    m_axi_rready = state_q == DATA_RD;
    m_axi_awvalid = state_q == ADDR_WR;
    m_axi_wvalid = state_q == DATA_WR;
    m_axi_bready = state_q == RESP_WR;
    m_axi_wlast = burst_left_q == 5'd1;
    m_axi_wdata = job_wdata[client_q];
    strb = 8'hFF;
    if (first_beat_q) strb = strb & first_strb_q;
    if (beats_left_q == 12'd1) strb = strb & last_strb_q;
    m_axi_wstrb = strb;
    rdata = m_axi_rdata;
  end

  logic [63:0] a;
  logic [15:0] len;
  logic [16:0] end_off;
  logic [3:0] last_bytes;
  logic [11:0] beats;
  logic unused_rlast;  // beats are counted; RLAST is redundant

  assign unused_rlast = m_axi_rlast;

  always_comb begin
    a = '0;
    len = '0;
    end_off = '0;
    last_bytes = '0;
    beats = '0;
    state_d = state_q;
    client_d = client_q;
    addr_d = addr_q;
    beats_left_d = beats_left_q;
    burst_left_d = burst_left_q;
    burst_len_d = burst_len_q;
    first_beat_d = first_beat_q;
    first_off_d = first_off_q;
    first_strb_d = first_strb_q;
    last_strb_d = last_strb_q;
    job_ack = '0;
    job_wbeat = '0;
    job_rbeat = '0;
    job_done = '0;
    err = 1'b0;

    unique case (state_q)
      IDLE: begin
        if (take) begin
          for (int i = 0; i < CLIENTS; i++) begin
            if (grant[i]) client_d = CW'(i);
          end
          job_ack = grant;
          a = job_addr[client_d];
          len = job_len[client_d];
          end_off = {14'b0, a[2:0]} + {1'b0, len};
          beats = 12'((end_off + 17'd7) >> 3);
          last_bytes = end_off[2:0] == 3'd0 ? 4'd8 : {1'b0, end_off[2:0]};
          first_strb_d = 8'hFF << a[2:0];
          last_strb_d = 8'hFF >> (4'd8 - last_bytes);
          addr_d = {a[63:3], 3'b000};
          beats_left_d = beats;
          first_beat_d = 1'b1;
          first_off_d = a[2:0];
          burst_left_d = burst_beats(addr_d[11:3], beats);
          burst_len_d = 8'(burst_left_d) - 8'd1;
          state_d = job_write[client_d] ? ADDR_WR : ADDR_RD;
        end
      end
      ADDR_RD: if (m_axi_arready) state_d = DATA_RD;
      DATA_RD: begin
        if (m_axi_rvalid) begin
          job_rbeat[client_q] = 1'b1;
          first_beat_d = 1'b0;
          if (m_axi_rresp != 2'b00) err = 1'b1;
          beats_left_d = beats_left_q - 12'd1;
          burst_left_d = burst_left_q - 5'd1;
          addr_d = addr_q + 64'd8;
          if (burst_left_q == 5'd1) begin
            if (beats_left_q == 12'd1) begin
              job_done[client_q] = 1'b1;
              state_d = IDLE;
            end else begin
              burst_left_d = burst_beats(addr_d[11:3], beats_left_d);
              burst_len_d = 8'(burst_left_d) - 8'd1;
              state_d = ADDR_RD;
            end
          end
        end
      end
      ADDR_WR: if (m_axi_awready) state_d = DATA_WR;
      DATA_WR: begin
        if (m_axi_wready) begin
          job_wbeat[client_q] = 1'b1;
          first_beat_d = 1'b0;
          beats_left_d = beats_left_q - 12'd1;
          burst_left_d = burst_left_q - 5'd1;
          addr_d = addr_q + 64'd8;
          if (burst_left_q == 5'd1) state_d = RESP_WR;
        end
      end
      RESP_WR: begin
        if (m_axi_bvalid) begin
          if (m_axi_bresp != 2'b00) err = 1'b1;
          if (beats_left_q == 12'd0) begin
            job_done[client_q] = 1'b1;
            state_d = IDLE;
          end else begin
            burst_left_d = burst_beats(addr_q[11:3], beats_left_q);
            burst_len_d = 8'(burst_left_d) - 8'd1;
            state_d = ADDR_WR;
          end
        end
      end
      default: state_d = IDLE;
    endcase
  end

  // addr_q moves with the data beats; the address phase of a burst reads it before any beat.
  always_ff @(posedge clk) begin
    if (rst) begin
      state_q <= IDLE;
      client_q <= '0;
      addr_q <= '0;
      beats_left_q <= '0;
      burst_left_q <= '0;
      burst_len_q <= '0;
      first_beat_q <= 1'b0;
      first_off_q <= '0;
      first_strb_q <= '0;
      last_strb_q <= '0;
    end else begin
      state_q <= state_d;
      client_q <= client_d;
      addr_q <= addr_d;
      beats_left_q <= beats_left_d;
      burst_left_q <= burst_left_d;
      burst_len_q <= burst_len_d;
      first_beat_q <= first_beat_d;
      first_off_q <= first_off_d;
      first_strb_q <= first_strb_d;
      last_strb_q <= last_strb_d;
    end
  end
endmodule

`default_nettype wire
