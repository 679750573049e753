// simple_nic: an e1000-like single-queue NIC (legacy descriptors, MSI or INTx) behind AXI4 ports.
`default_nettype none

// One TX and one RX descriptor ring, registers from simple_nic.json (simple_nic_regs_pkg), a
// 128-bit DMA master with posted writes, a 32-bit link. quiescent is exact: every block reports
// whether its next state equals its current one under the current inputs, so with idle inputs
// nothing changes on the next edge nor on any edge after it. The DMA reports busy as well while
// it awaits a response, so a host that answers after a delay is evaluated until it does.
module simple_nic
  import simple_nic_regs_pkg::*;
(
    input wire clk,
    input wire rst,  // synchronous, active high

    // AXI4-Lite slave: BAR0 registers
    input  wire [15:0] s_axil_awaddr,
    input  wire        s_axil_awvalid,
    output wire        s_axil_awready,
    input  wire [31:0] s_axil_wdata,
    input  wire [ 3:0] s_axil_wstrb,
    input  wire        s_axil_wvalid,
    output wire        s_axil_wready,
    output wire [ 1:0] s_axil_bresp,
    output wire        s_axil_bvalid,
    input  wire        s_axil_bready,
    input  wire [15:0] s_axil_araddr,
    input  wire        s_axil_arvalid,
    output wire        s_axil_arready,
    output wire [31:0] s_axil_rdata,
    output wire [ 1:0] s_axil_rresp,
    output wire        s_axil_rvalid,
    input  wire        s_axil_rready,

    // AXI4 master: DMA and MSI messages (128-bit data, INCR bursts within 4 KiB)
    output wire [ 63:0] m_axi_awaddr,
    output wire [  7:0] m_axi_awlen,
    output wire [  2:0] m_axi_awsize,
    output wire [  1:0] m_axi_awburst,
    output wire         m_axi_awvalid,
    input  wire         m_axi_awready,
    output wire [127:0] m_axi_wdata,
    output wire [ 15:0] m_axi_wstrb,
    output wire         m_axi_wlast,
    output wire         m_axi_wvalid,
    input  wire         m_axi_wready,
    input  wire [  1:0] m_axi_bresp,
    input  wire         m_axi_bvalid,
    output wire         m_axi_bready,
    output wire [ 63:0] m_axi_araddr,
    output wire [  7:0] m_axi_arlen,
    output wire [  2:0] m_axi_arsize,
    output wire [  1:0] m_axi_arburst,
    output wire         m_axi_arvalid,
    input  wire         m_axi_arready,
    input  wire [127:0] m_axi_rdata,
    input  wire [  1:0] m_axi_rresp,
    input  wire         m_axi_rlast,
    input  wire         m_axi_rvalid,
    output wire         m_axi_rready,

    // AXI4-Stream TX to the link, RX from the link (32-bit; tuser with tlast = bad frame)
    output wire [31:0] m_axis_tx_tdata,
    output wire [ 3:0] m_axis_tx_tkeep,
    output wire        m_axis_tx_tvalid,
    input  wire        m_axis_tx_tready,
    output wire        m_axis_tx_tlast,
    output wire        m_axis_tx_tuser,
    input  wire [31:0] s_axis_rx_tdata,
    input  wire [ 3:0] s_axis_rx_tkeep,
    input  wire        s_axis_rx_tvalid,
    output wire        s_axis_rx_tready,
    input  wire        s_axis_rx_tlast,
    input  wire        s_axis_rx_tuser,

    output wire intx,  // level, while MSI_CTRL.EN = 0
    output wire quiescent  // the next edge changes no state while the inputs stay idle
);
  localparam int CauseBits = ICS_CAUSE_WIDTH;
  localparam int Clients = 3;  // DMA clients by priority: 0 MSI, 1 RX, 2 TX
  localparam int ClientIrq = 0;
  localparam int ClientRx = 1;
  localparam int ClientTx = 2;

  // Registers
  logic [CauseBits-1:0] icr, ims;
  logic msi_en, rx_en, tx_en, tx_pad;
  logic [63:0] msi_addr, rx_base, tx_base;
  logic [31:0] msi_data;
  logic [15:0] rx_entries, rx_head, rx_tail, tx_entries, tx_head, tx_tail;
  logic rx_ring_reset, tx_ring_reset, rx_head_advance, tx_head_advance;

  // DMA
  logic [Clients-1:0] job_req, job_write, job_fence, job_ack, job_wbeat, job_rbeat, job_done;
  logic [Clients-1:0][63:0] job_addr;
  logic [Clients-1:0][15:0] job_len;
  logic [Clients-1:0][7:0] job_tag;
  logic [Clients-1:0][127:0] job_wdata;
  logic [127:0] dma_rdata;
  logic [7:0] done_tag;
  logic done_tag_valid, dma_err, writes_idle;

  // RX
  logic frame_valid, frame_bad, frame_long, frame_pop, rx_bad, rx_long, rx_runt;
  logic [10:0] frame_len;
  logic [11:0] frame_start, peek_at;
  logic [127:0] peek_data;
  logic rx_received, rx_missed, tx_sent;

  logic csr_idle, dma_idle, irq_idle, tx_idle, rx_fifo_idle, rx_idle;
  logic [CauseBits-1:0] cause_set;
  // The host answers an error only for an access outside what the driver granted; like the
  // e1000 this NIC has no cause for it, and the platform's monitors report it.
  logic unused_dma_err;
  logic unused_beats;  // no client both reads and writes beat by beat

  assign unused_dma_err = dma_err;
  assign unused_beats = &{1'b0, job_wbeat[ClientIrq], job_wbeat[ClientTx], job_rbeat[ClientIrq]};

  always_comb begin
    cause_set = done_tag_valid ? done_tag : '0;
    if (rx_missed) cause_set[ICR_RXO_LSB] = 1'b1;
  end

  simple_nic_csr #(
      .CAUSE_BITS(CauseBits)
  ) csr (
      .clk(clk),
      .rst(rst),
      .s_axil_awaddr(s_axil_awaddr),
      .s_axil_awvalid(s_axil_awvalid),
      .s_axil_awready(s_axil_awready),
      .s_axil_wdata(s_axil_wdata),
      .s_axil_wstrb(s_axil_wstrb),
      .s_axil_wvalid(s_axil_wvalid),
      .s_axil_wready(s_axil_wready),
      .s_axil_bresp(s_axil_bresp),
      .s_axil_bvalid(s_axil_bvalid),
      .s_axil_bready(s_axil_bready),
      .s_axil_araddr(s_axil_araddr),
      .s_axil_arvalid(s_axil_arvalid),
      .s_axil_arready(s_axil_arready),
      .s_axil_rdata(s_axil_rdata),
      .s_axil_rresp(s_axil_rresp),
      .s_axil_rvalid(s_axil_rvalid),
      .s_axil_rready(s_axil_rready),
      .icr(icr),
      .ims(ims),
      .msi_en(msi_en),
      .msi_addr(msi_addr),
      .msi_data(msi_data),
      .rx_en(rx_en),
      .tx_en(tx_en),
      .tx_pad(tx_pad),
      .rx_base(rx_base),
      .rx_entries(rx_entries),
      .rx_head(rx_head),
      .rx_tail(rx_tail),
      .rx_ring_reset(rx_ring_reset),
      .tx_base(tx_base),
      .tx_entries(tx_entries),
      .tx_head(tx_head),
      .tx_tail(tx_tail),
      .tx_ring_reset(tx_ring_reset),
      .rx_head_advance(rx_head_advance),
      .tx_head_advance(tx_head_advance),
      .cause_set(cause_set),
      .stat_inc({rx_runt, rx_long, tx_sent, rx_received, rx_missed, rx_bad}),
      .idle(csr_idle)
  );

  simple_nic_dma #(
      .CLIENTS(Clients),
      .TAG_BITS(8)
  ) dma (
      .clk(clk),
      .rst(rst),
      .job_req(job_req),
      .job_write(job_write),
      .job_fence(job_fence),
      .job_addr(job_addr),
      .job_len(job_len),
      .job_tag(job_tag),
      .job_wdata(job_wdata),
      .job_ack(job_ack),
      .job_wbeat(job_wbeat),
      .job_rbeat(job_rbeat),
      .rdata(dma_rdata),
      .job_done(job_done),
      .tag_valid(done_tag_valid),
      .tag(done_tag),
      .err(dma_err),
      .writes_idle(writes_idle),
      .idle(dma_idle),
      .m_axi_awaddr(m_axi_awaddr),
      .m_axi_awlen(m_axi_awlen),
      .m_axi_awsize(m_axi_awsize),
      .m_axi_awburst(m_axi_awburst),
      .m_axi_awvalid(m_axi_awvalid),
      .m_axi_awready(m_axi_awready),
      .m_axi_wdata(m_axi_wdata),
      .m_axi_wstrb(m_axi_wstrb),
      .m_axi_wlast(m_axi_wlast),
      .m_axi_wvalid(m_axi_wvalid),
      .m_axi_wready(m_axi_wready),
      .m_axi_bresp(m_axi_bresp),
      .m_axi_bvalid(m_axi_bvalid),
      .m_axi_bready(m_axi_bready),
      .m_axi_araddr(m_axi_araddr),
      .m_axi_arlen(m_axi_arlen),
      .m_axi_arsize(m_axi_arsize),
      .m_axi_arburst(m_axi_arburst),
      .m_axi_arvalid(m_axi_arvalid),
      .m_axi_arready(m_axi_arready),
      .m_axi_rdata(m_axi_rdata),
      .m_axi_rresp(m_axi_rresp),
      .m_axi_rlast(m_axi_rlast),
      .m_axi_rvalid(m_axi_rvalid),
      .m_axi_rready(m_axi_rready)
  );

  simple_nic_irq #(
      .CAUSE_BITS(CauseBits)
  ) irq (
      .clk(clk),
      .rst(rst),
      .icr(icr),
      .ims(ims),
      .msi_en(msi_en),
      .msi_addr(msi_addr),
      .msi_data(msi_data),
      .writes_idle(writes_idle),
      .intx(intx),
      .idle(irq_idle),
      .dma_req(job_req[ClientIrq]),
      .dma_addr(job_addr[ClientIrq]),
      .dma_wdata(job_wdata[ClientIrq]),
      .dma_ack(job_ack[ClientIrq]),
      .dma_done(job_done[ClientIrq])
  );
  assign job_write[ClientIrq] = 1'b1;
  assign job_fence[ClientIrq] = 1'b1;
  assign job_len[ClientIrq] = 16'd4;
  assign job_tag[ClientIrq] = '0;

  simple_nic_tx tx (
      .clk(clk),
      .rst(rst),
      .enable(tx_en),
      .pad(tx_pad),
      .ring_base(tx_base),
      .ring_entries(tx_entries),
      .ring_head(tx_head),
      .ring_tail(tx_tail),
      .ring_reset(tx_ring_reset),
      .head_advance(tx_head_advance),
      .sent(tx_sent),
      .idle(tx_idle),
      .dma_req(job_req[ClientTx]),
      .dma_write(job_write[ClientTx]),
      .dma_addr(job_addr[ClientTx]),
      .dma_len(job_len[ClientTx]),
      .dma_tag(job_tag[ClientTx]),
      .dma_wdata(job_wdata[ClientTx]),
      .dma_ack(job_ack[ClientTx]),
      .dma_rbeat(job_rbeat[ClientTx]),
      .dma_rdata(dma_rdata),
      .dma_done(job_done[ClientTx]),
      .m_axis_tx_tdata(m_axis_tx_tdata),
      .m_axis_tx_tkeep(m_axis_tx_tkeep),
      .m_axis_tx_tvalid(m_axis_tx_tvalid),
      .m_axis_tx_tready(m_axis_tx_tready),
      .m_axis_tx_tlast(m_axis_tx_tlast),
      .m_axis_tx_tuser(m_axis_tx_tuser)
  );
  assign job_fence[ClientTx] = 1'b0;

  simple_nic_rx_fifo rx_fifo (
      .clk(clk),
      .rst(rst),
      .s_axis_rx_tdata(s_axis_rx_tdata),
      .s_axis_rx_tkeep(s_axis_rx_tkeep),
      .s_axis_rx_tvalid(s_axis_rx_tvalid),
      .s_axis_rx_tready(s_axis_rx_tready),
      .s_axis_rx_tlast(s_axis_rx_tlast),
      .s_axis_rx_tuser(s_axis_rx_tuser),
      .frame_valid(frame_valid),
      .frame_len(frame_len),
      .frame_bad(frame_bad),
      .frame_long(frame_long),
      .frame_start(frame_start),
      .frame_pop(frame_pop),
      .peek_at(peek_at),
      .peek_data(peek_data),
      .bad_frame(rx_bad),
      .long_frame(rx_long),
      .runt_frame(rx_runt),
      .idle(rx_fifo_idle)
  );

  simple_nic_rx rx (
      .clk(clk),
      .rst(rst),
      .enable(rx_en),
      .ring_base(rx_base),
      .ring_entries(rx_entries),
      .ring_head(rx_head),
      .ring_tail(rx_tail),
      .ring_reset(rx_ring_reset),
      .frame_valid(frame_valid),
      .frame_len(frame_len),
      .frame_bad(frame_bad),
      .frame_long(frame_long),
      .frame_start(frame_start),
      .frame_pop(frame_pop),
      .peek_at(peek_at),
      .peek_data(peek_data),
      .head_advance(rx_head_advance),
      .received(rx_received),
      .missed(rx_missed),
      .idle(rx_idle),
      .dma_req(job_req[ClientRx]),
      .dma_write(job_write[ClientRx]),
      .dma_addr(job_addr[ClientRx]),
      .dma_len(job_len[ClientRx]),
      .dma_tag(job_tag[ClientRx]),
      .dma_wdata(job_wdata[ClientRx]),
      .dma_ack(job_ack[ClientRx]),
      .dma_rbeat(job_rbeat[ClientRx]),
      .dma_rdata(dma_rdata),
      .dma_wbeat(job_wbeat[ClientRx]),
      .dma_done(job_done[ClientRx])
  );
  assign job_fence[ClientRx] = 1'b0;

  assign quiescent = csr_idle && dma_idle && irq_idle && tx_idle && rx_fifo_idle && rx_idle;

`ifndef SYNTHESIS
  // Sources keep VALID and the payload until READY.
  a_aw_stable: assert property (@(posedge clk) disable iff (rst)
                                m_axi_awvalid && !m_axi_awready |=> m_axi_awvalid &&
                                $stable(m_axi_awaddr) && $stable(m_axi_awlen))
  else $error("AW changed while waiting for AWREADY");
  a_ar_stable: assert property (@(posedge clk) disable iff (rst)
                                m_axi_arvalid && !m_axi_arready |=> m_axi_arvalid &&
                                $stable(m_axi_araddr) && $stable(m_axi_arlen))
  else $error("AR changed while waiting for ARREADY");
  a_w_stable: assert property (@(posedge clk) disable iff (rst)
                               m_axi_wvalid && !m_axi_wready |=> m_axi_wvalid &&
                               $stable(m_axi_wdata) && $stable(m_axi_wstrb) && $stable(m_axi_wlast))
  else $error("W changed while waiting for WREADY");
  a_tx_stable: assert property (@(posedge clk) disable iff (rst)
                                m_axis_tx_tvalid && !m_axis_tx_tready |=> m_axis_tx_tvalid &&
                                $stable(m_axis_tx_tdata) && $stable(m_axis_tx_tkeep) &&
                                $stable(m_axis_tx_tlast))
  else $error("TX stream changed while waiting for TREADY");
  a_tx_keep: assert property (@(posedge clk) disable iff (rst)
                              m_axis_tx_tvalid |-> m_axis_tx_tkeep inside {4'h1, 4'h3, 4'h7, 4'hF}
                              && (m_axis_tx_tlast || m_axis_tx_tkeep == 4'hF))
  else $error("TX tkeep not contiguous from bit 0, or partial before tlast");
  a_full_beats: assert property (@(posedge clk) disable iff (rst)
                                 m_axi_awsize == 3'd4 && m_axi_arsize == 3'd4)
  else $error("AXI beats narrower than the 128-bit bus");
`endif
endmodule

`default_nettype wire
