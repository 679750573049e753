// simple_nic_dma: the AXI4 master (128-bit beats); one job at a time, write responses posted.
`default_nettype none

// A job moves len bytes at addr in INCR bursts of 16-byte beats, each burst as long as the job
// allows up to the next 4 KiB boundary (at most 256 beats). The first burst carries the exact
// start address; strobes trim the first and last beats. Unlike a store-and-wait master, a write
// job is done when its last W beat is accepted: its B responses come back later, up to
// MAX_BURSTS bursts in flight, and the job's tag is reported when its last B arrives. A fenced
// job (an interrupt message) issues its AW only once every earlier write has its B response.
// Clients are served by fixed priority, lowest index first.
module simple_nic_dma #(
    parameter int CLIENTS = 3,  // job sources
    parameter int TAG_BITS = 8,  // per-job tag returned with the job's last B response
    parameter int MAX_BURSTS = 8  // write bursts awaiting B, a power of two
) (
    input wire clk,
    input wire rst,

    // Jobs: parameters stable while req is high, until ack.
    input  wire  [CLIENTS-1:0]               job_req,
    input  wire  [CLIENTS-1:0]               job_write,
    input  wire  [CLIENTS-1:0]               job_fence,  // wait for every earlier B first
    input  wire  [CLIENTS-1:0][        63:0] job_addr,
    input  wire  [CLIENTS-1:0][        15:0] job_len,    // bytes, at least 1
    input  wire  [CLIENTS-1:0][TAG_BITS-1:0] job_tag,
    input  wire  [CLIENTS-1:0][       127:0] job_wdata,  // write beat now due, bus-aligned lanes
    output logic [CLIENTS-1:0]               job_ack,
    output logic [CLIENTS-1:0]               job_wbeat,  // the due write beat was accepted
    output logic [CLIENTS-1:0]               job_rbeat,  // rdata is the client's next read beat
    output logic [       127:0]              rdata,
    output logic [CLIENTS-1:0]               job_done,   // last R beat / last W beat

    output logic                tag_valid,  // a job's last B response arrived (pulse)
    output logic [TAG_BITS-1:0] tag,
    output logic                err,         // a response was not OKAY (pulse)
    output logic                writes_idle, // every write issued so far has its B response
    output logic                idle,        // no job, no response awaited, nothing changes

    output logic [ 63:0] m_axi_awaddr,
    output logic [  7:0] m_axi_awlen,
    output logic [  2:0] m_axi_awsize,
    output logic [  1:0] m_axi_awburst,
    output logic         m_axi_awvalid,
    input  wire          m_axi_awready,
    output logic [127:0] m_axi_wdata,
    output logic [ 15:0] m_axi_wstrb,
    output logic         m_axi_wlast,
    output logic         m_axi_wvalid,
    input  wire          m_axi_wready,
    input  wire  [  1:0] m_axi_bresp,
    input  wire          m_axi_bvalid,
    output logic         m_axi_bready,
    output logic [ 63:0] m_axi_araddr,
    output logic [  7:0] m_axi_arlen,
    output logic [  2:0] m_axi_arsize,
    output logic [  1:0] m_axi_arburst,
    output logic         m_axi_arvalid,
    input  wire          m_axi_arready,
    input  wire  [127:0] m_axi_rdata,
    input  wire  [  1:0] m_axi_rresp,
    input  wire          m_axi_rlast,
    input  wire          m_axi_rvalid,
    output logic         m_axi_rready
);
  localparam int CW = CLIENTS > 1 ? $clog2(CLIENTS) : 1;
  localparam int OW = $clog2(MAX_BURSTS);
  localparam logic [1:0] RespOkay = 2'b00;
  localparam logic [1:0] BurstIncr = 2'b01;
  localparam logic [2:0] Size16 = 3'd4;  // 16-byte beats: the full bus

  typedef enum logic [2:0] {
    IDLE,
    ADDR_RD,
    DATA_RD,
    ADDR_WR,
    DATA_WR
  } phase_e;

  // Everything that changes state; idle compares it with its next value.
  typedef struct packed {
    phase_e phase;
    logic [CW-1:0] client;
    logic fence;
    logic [TAG_BITS-1:0] tag;
    logic [63:0] addr;  // next beat's address: exact for the first beat, 16-byte aligned after
    logic first;  // the next beat is the job's first
    logic [12:0] beats_left;  // beats of the job not yet moved
    logic [8:0] burst_left;  // beats of the current burst not yet moved
    logic [3:0] last_bytes;  // bytes of the job's last beat, minus 1
    logic [OW:0] outstanding;  // write bursts without B
    logic [OW-1:0] b_rd;  // tag FIFO read index
  } state_t;

  state_t s_q, s_d;
  // Per burst in flight: whether it is its job's last, and the job's tag.
  logic [MAX_BURSTS-1:0][TAG_BITS:0] burst_tag_q;
  logic burst_push;
  // The entry after the last burst in flight. Its own OW-bit signal, so the sum wraps: as an
  // index expression it was not truncated, and a push past the last entry was lost with its tag.
  logic [OW-1:0] b_wr;

  logic [CLIENTS-1:0] grant;
  logic take;
  logic [8:0] burst_beats;  // beats of the burst starting at s_q.addr
  logic [8:0] to_page;
  logic can_issue_aw;
  logic b_take;
  logic [TAG_BITS:0] b_head;
  logic unused_rlast;  // beats are counted; RLAST is redundant

  assign unused_rlast = m_axi_rlast;

  // Fixed priority, lowest index first.
  always_comb begin
    grant = '0;
    for (int i = CLIENTS - 1; i >= 0; i--) begin
      if (job_req[i]) grant = CLIENTS'(1) << i;
    end
  end

  assign take = s_q.phase == IDLE && |job_req;
  assign to_page = 9'd256 - {1'b0, s_q.addr[11:4]};
  assign burst_beats = s_q.beats_left < {4'b0, to_page} ? s_q.beats_left[8:0] : to_page;
  assign can_issue_aw = s_q.outstanding != (OW + 1)'(MAX_BURSTS) &&
                        (!s_q.fence || s_q.outstanding == '0);
  assign b_take = m_axi_bvalid && s_q.outstanding != '0;
  assign b_head = burst_tag_q[s_q.b_rd];
  assign b_wr = s_q.b_rd + OW'(s_q.outstanding);

  assign m_axi_awaddr = s_q.addr;
  assign m_axi_araddr = s_q.addr;
  assign m_axi_awlen = 8'(burst_beats - 9'd1);
  assign m_axi_arlen = 8'(burst_beats - 9'd1);
  assign m_axi_awsize = Size16;
  assign m_axi_arsize = Size16;
  assign m_axi_awburst = BurstIncr;
  assign m_axi_arburst = BurstIncr;
  assign m_axi_awvalid = s_q.phase == ADDR_WR && can_issue_aw;
  assign m_axi_arvalid = s_q.phase == ADDR_RD;
  assign m_axi_wvalid = s_q.phase == DATA_WR;
  assign m_axi_wlast = s_q.burst_left == 9'd1;
  assign m_axi_wdata = job_wdata[s_q.client];
  assign m_axi_rready = s_q.phase == DATA_RD;
  assign m_axi_bready = s_q.outstanding != '0;
  assign rdata = m_axi_rdata;
  assign burst_push = m_axi_awvalid && m_axi_awready;

  always_comb begin
    logic [15:0] strb;
    strb = 16'hFFFF;
    if (s_q.first) strb = strb << s_q.addr[3:0];
    if (s_q.beats_left == 13'd1) strb = strb & (16'hFFFF >> (4'd15 - s_q.last_bytes));
    m_axi_wstrb = strb;
  end

  always_comb begin
    logic [16:0] end_off;
    s_d = s_q;
    job_ack = '0;
    job_wbeat = '0;
    job_rbeat = '0;
    job_done = '0;
    err = (m_axi_rvalid && m_axi_rready && m_axi_rresp != RespOkay) ||
          (b_take && m_axi_bresp != RespOkay);
    tag_valid = b_take && b_head[TAG_BITS];
    tag = b_head[TAG_BITS-1:0];
    end_off = '0;

    if (burst_push) s_d.outstanding = s_d.outstanding + 1'b1;
    if (b_take) begin
      s_d.outstanding = s_d.outstanding - 1'b1;
      s_d.b_rd = s_q.b_rd + 1'b1;
    end

    unique case (s_q.phase)
      IDLE: begin
        if (take) begin
          for (int i = 0; i < CLIENTS; i++) begin
            if (grant[i]) s_d.client = CW'(i);
          end
          job_ack = grant;
          end_off = {13'b0, job_addr[s_d.client][3:0]} + {1'b0, job_len[s_d.client]};
          s_d.addr = job_addr[s_d.client];
          s_d.fence = job_fence[s_d.client];
          s_d.tag = job_tag[s_d.client];
          s_d.first = 1'b1;
          s_d.beats_left = 13'((end_off + 17'd15) >> 4);
          s_d.last_bytes = 4'(end_off - 17'd1);
          s_d.phase = job_write[s_d.client] ? ADDR_WR : ADDR_RD;
        end
      end
      ADDR_RD, ADDR_WR: begin
        if ((m_axi_arvalid && m_axi_arready) || burst_push) begin
          s_d.burst_left = burst_beats;
          s_d.phase = s_q.phase == ADDR_RD ? DATA_RD : DATA_WR;
        end
      end
      DATA_RD, DATA_WR: begin
        if ((m_axi_rvalid && m_axi_rready) || (m_axi_wvalid && m_axi_wready)) begin
          if (s_q.phase == DATA_RD) job_rbeat[s_q.client] = 1'b1;
          else job_wbeat[s_q.client] = 1'b1;
          s_d.first = 1'b0;
          s_d.addr = {s_q.addr[63:4] + 60'd1, 4'b0};
          s_d.beats_left = s_q.beats_left - 13'd1;
          s_d.burst_left = s_q.burst_left - 9'd1;
          if (s_q.beats_left == 13'd1) begin
            job_done[s_q.client] = 1'b1;
            s_d.phase = IDLE;
          end else if (s_q.burst_left == 9'd1) begin
            s_d.phase = s_q.phase == DATA_RD ? ADDR_RD : ADDR_WR;
          end
        end
      end
      default: s_d.phase = IDLE;
    endcase
  end

  assign writes_idle = s_q.outstanding == '0 && s_q.phase != ADDR_WR && s_q.phase != DATA_WR;
  // Busy while a response is awaited, too: a host that answers after a delay is never skipped.
  assign idle = s_d == s_q && s_q.phase == IDLE && s_q.outstanding == '0;

  always_ff @(posedge clk) begin
    if (burst_push) begin
      burst_tag_q[b_wr] <= {s_q.beats_left == 13'(burst_beats), s_q.tag};
    end
    if (rst) begin
      s_q <= '0;
    end else begin
      s_q <= s_d;
    end
  end

`ifndef SYNTHESIS
  a_fence: assert property (@(posedge clk) disable iff (rst)
                            burst_push && s_q.fence |-> s_q.outstanding == '0)
  else $error("interrupt message issued before every earlier write had its B response");
  a_b_unexpected: assert property (@(posedge clk) disable iff (rst)
                                   m_axi_bvalid |-> s_q.outstanding != '0)
  else $error("B response without a write burst in flight");
  a_burst_fifo: assert property (@(posedge clk) disable iff (rst)
                                 burst_push |-> s_q.outstanding < (OW + 1)'(MAX_BURSTS))
  else $error("write burst FIFO overflow");
  a_page: assert property (@(posedge clk) disable iff (rst)
                           m_axi_awvalid || m_axi_arvalid |->
                           {1'b0, s_q.addr[11:4]} + {1'b0, m_axi_awlen} < 9'd256)
  else $error("burst crosses 4 KiB");
  a_job_len: assert property (@(posedge clk) disable iff (rst)
                              take |-> job_len[s_d.client] != 16'd0)
  else $error("DMA job of zero bytes");
`endif
endmodule

`default_nettype wire
