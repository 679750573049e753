// nic_csr: the BAR0 register block behind AXI4-Lite, decoded from the generated nic_regs_pkg.
`default_nettype none

// Reads have no side effects; unmapped addresses read 0 and ignore writes, both OKAY. Ring SIZE,
// HEAD and TAIL hold 16 bits. CTRL.RESET requests a soft reset, applied (one-cycle soft_rst) once
// no DMA job or TX frame is in flight; it clears every register but CTRL.
module nic_csr
  import nic_regs_pkg::*;
#(
    parameter int NUM_QUEUES = 4  // queue pairs; NUM_QUEUES + 1 vectors
) (
    input wire clk,
    input wire rst,

    input  wire  [15:0] s_axil_awaddr,
    input  wire         s_axil_awvalid,
    output logic        s_axil_awready,
    input  wire  [31:0] s_axil_wdata,
    input  wire  [ 3:0] s_axil_wstrb,
    input  wire         s_axil_wvalid,
    output logic        s_axil_wready,
    output logic [ 1:0] s_axil_bresp,
    output logic        s_axil_bvalid,
    input  wire         s_axil_bready,
    input  wire  [15:0] s_axil_araddr,
    input  wire         s_axil_arvalid,
    output logic        s_axil_arready,
    output logic [31:0] s_axil_rdata,
    output logic [ 1:0] s_axil_rresp,
    output logic        s_axil_rvalid,
    input  wire         s_axil_rready,

    output logic ctrl_en,
    output logic ctrl_loopback,
    output logic ctrl_intx_mode,
    output logic reset_pending,  // soft reset requested, waiting for reset_allowed
    input  wire  reset_allowed,
    output logic soft_rst,  // one-cycle soft reset of everything but CTRL and the bus ports

    output logic [ICS_CAUSE_WIDTH-1:0] icr,  // ICR layout
    output logic [ICS_CAUSE_WIDTH-1:0] ims,
    output logic [NUM_QUEUES:0][15:0] itr,
    output logic [NUM_QUEUES:0][63:0] msix_addr,
    output logic [NUM_QUEUES:0][31:0] msix_data,
    output logic [NUM_QUEUES:0] msix_mask,
    input wire [NUM_QUEUES:0] pba,
    output logic [3:0] rss_queues,

    output logic [NUM_QUEUES-1:0][63:0] tx_base,
    output logic [NUM_QUEUES-1:0][15:0] tx_size,
    output logic [NUM_QUEUES-1:0][15:0] tx_head,
    output logic [NUM_QUEUES-1:0][15:0] tx_tail,
    output logic [NUM_QUEUES-1:0]       tx_ring_reset,
    output logic [NUM_QUEUES-1:0][63:0] rx_base,
    output logic [NUM_QUEUES-1:0][15:0] rx_size,
    output logic [NUM_QUEUES-1:0][15:0] rx_head,
    output logic [NUM_QUEUES-1:0][15:0] rx_tail,
    output logic [NUM_QUEUES-1:0]       rx_ring_reset,

    input wire [NUM_QUEUES-1:0] tx_head_advance,
    input wire [NUM_QUEUES-1:0] rx_head_advance,
    input wire [ICS_CAUSE_WIDTH-1:0] cause_set,  // hardware events, same layout as ICR
    input wire busy,  // STATUS.BUSY
    // Statistics increments: TX_FRAMES, RX_FRAMES, RX_RUNT, RX_OVERSIZE, RX_BAD, RX_NO_DESC,
    // TX_BAD_LEN, DMA_ERR
    input wire [7:0] stat_inc,
    output logic idle  // no response pending, no reset pending
);
  localparam int NV = NUM_QUEUES + 1;
  localparam int CW = ICS_CAUSE_WIDTH;  // ICR, ICS, IMS and IMC bits
  localparam int NumStats = 8;
  localparam logic [15:0] StatAddr[NumStats] = '{
      ADDR_STAT_TX_FRAMES,
      ADDR_STAT_RX_FRAMES,
      ADDR_STAT_RX_RUNT,
      ADDR_STAT_RX_OVERSIZE,
      ADDR_STAT_RX_BAD,
      ADDR_STAT_RX_NO_DESC,
      ADDR_STAT_TX_BAD_LEN,
      ADDR_STAT_DMA_ERR
  };
  localparam logic [31:0] Caps = 32'(NUM_QUEUES) | (32'(NV) << CAPS_NUM_VECTORS_LSB);

  // Register state
  logic [2:0] ctrl_q, ctrl_d;  // EN, LOOPBACK, INTX_MODE
  logic pending_q, pending_d, srst_q;
  logic [CW-1:0] icr_q, icr_d, ims_q, ims_d;
  logic [NumStats-1:0][31:0] stat_q, stat_d;
  logic [3:0] rss_q, rss_d;
  logic [NV-1:0][15:0] itr_q, itr_d;
  logic [NV-1:0][31:0] maddr_lo_q, maddr_lo_d, maddr_hi_q, maddr_hi_d, mdata_q, mdata_d;
  logic [NV-1:0] mmask_q, mmask_d;
  logic [NUM_QUEUES-1:0][31:0] txb_lo_q, txb_lo_d, txb_hi_q, txb_hi_d;
  logic [NUM_QUEUES-1:0][31:0] rxb_lo_q, rxb_lo_d, rxb_hi_q, rxb_hi_d;
  logic [NUM_QUEUES-1:0][15:0] txs_q, txs_d, txh_q, txh_d, txt_q, txt_d;
  logic [NUM_QUEUES-1:0][15:0] rxs_q, rxs_d, rxh_q, rxh_d, rxt_q, rxt_d;
  logic bvalid_q, rvalid_q;
  logic [31:0] rdata_q, rdata_d;

  logic wr_en, rd_en;
  logic [15:0] waddr, raddr;
  logic [31:0] wmask;
  logic [CW-1:0] wbits;  // bits written as 1 (for the W1C/W1S cause registers)
  logic unused_addr_lsbs;  // registers are 32-bit words

  assign unused_addr_lsbs = &{1'b0, s_axil_awaddr[1:0], s_axil_araddr[1:0]};

  assign wr_en = s_axil_awvalid && s_axil_wvalid && !bvalid_q;
  assign rd_en = s_axil_arvalid && !rvalid_q;
  assign s_axil_awready = wr_en;
  assign s_axil_wready = wr_en;
  assign s_axil_bvalid = bvalid_q;
  assign s_axil_bresp = 2'b00;
  assign s_axil_arready = !rvalid_q;
  assign s_axil_rvalid = rvalid_q;
  assign s_axil_rdata = rdata_q;
  assign s_axil_rresp = 2'b00;
  assign waddr = {s_axil_awaddr[15:2], 2'b00};
  assign raddr = {s_axil_araddr[15:2], 2'b00};
  assign wmask = {{8{s_axil_wstrb[3]}}, {8{s_axil_wstrb[2]}}, {8{s_axil_wstrb[1]}},
                  {8{s_axil_wstrb[0]}}};
  assign wbits = s_axil_wdata[CW-1:0] & wmask[CW-1:0];

  function automatic logic [31:0] merge(input logic [31:0] old, input logic [31:0] mask,
                                        input logic [31:0] data);
    return (old & ~mask) | (data & mask);
  endfunction

  function automatic logic [15:0] vec_addr(input logic [15:0] v, input logic [15:0] off);
    return MSIX_BASE + v * MSIX_STRIDE + off;
  endfunction

  function automatic logic [15:0] queue_addr(input logic [15:0] q, input logic [15:0] off);
    return QUEUE_BASE + q * QUEUE_STRIDE + off;
  endfunction

  // Writes and hardware updates
  always_comb begin
    logic [31:0] ctrl_w;
    ctrl_d = ctrl_q;
    pending_d = pending_q && !srst_q;
    icr_d = icr_q | cause_set;
    ims_d = ims_q;
    stat_d = stat_q;
    rss_d = rss_q;
    itr_d = itr_q;
    maddr_lo_d = maddr_lo_q;
    maddr_hi_d = maddr_hi_q;
    mdata_d = mdata_q;
    mmask_d = mmask_q;
    txb_lo_d = txb_lo_q;
    txb_hi_d = txb_hi_q;
    rxb_lo_d = rxb_lo_q;
    rxb_hi_d = rxb_hi_q;
    txs_d = txs_q;
    txt_d = txt_q;
    rxs_d = rxs_q;
    rxt_d = rxt_q;
    txh_d = txh_q;
    rxh_d = rxh_q;
    tx_ring_reset = '0;
    rx_ring_reset = '0;
    ctrl_w = '0;

    for (int i = 0; i < NumStats; i++) if (stat_inc[i]) stat_d[i] = stat_q[i] + 32'd1;
    // Hardware advances a head only while it has not reached the tail.
    for (int q = 0; q < NUM_QUEUES; q++) begin
      if (tx_head_advance[q] && txh_q[q] != txt_q[q]) begin
        txh_d[q] = txh_q[q] + 16'd1 == txs_q[q] ? 16'd0 : txh_q[q] + 16'd1;
      end
      if (rx_head_advance[q] && rxh_q[q] != rxt_q[q]) begin
        rxh_d[q] = rxh_q[q] + 16'd1 == rxs_q[q] ? 16'd0 : rxh_q[q] + 16'd1;
      end
    end

    if (wr_en) begin
      // Cause bits set by hardware in the same cycle as a W1C survive it.
      if (waddr == ADDR_ICR) icr_d = (icr_q & ~wbits) | cause_set;
      if (waddr == ADDR_ICS) icr_d = icr_d | wbits;
      if (waddr == ADDR_IMS) ims_d = ims_q | wbits;
      if (waddr == ADDR_IMC) ims_d = ims_q & ~wbits;
      if (waddr == ADDR_CTRL) begin
        ctrl_w = merge({29'b0, ctrl_q}, wmask, s_axil_wdata);
        ctrl_d = ctrl_w[2:0];
        if (ctrl_w[CTRL_RESET_LSB]) pending_d = 1'b1;
      end
      if (waddr == ADDR_RSS_QUEUES) rss_d = 4'(merge({28'b0, rss_q}, wmask, s_axil_wdata));
      for (int v = 0; v < NV; v++) begin
        if (waddr == ITR_BASE + 16'(v) * ITR_STRIDE + OFF_ITR) begin
          itr_d[v] = 16'(merge({16'b0, itr_q[v]}, wmask, s_axil_wdata));
        end
        if (waddr == vec_addr(16'(v), OFF_MSIX_ADDR_LO)) begin
          maddr_lo_d[v] = merge(maddr_lo_q[v], wmask, s_axil_wdata);
        end
        if (waddr == vec_addr(16'(v), OFF_MSIX_ADDR_HI)) begin
          maddr_hi_d[v] = merge(maddr_hi_q[v], wmask, s_axil_wdata);
        end
        if (waddr == vec_addr(16'(v), OFF_MSIX_DATA)) begin
          mdata_d[v] = merge(mdata_q[v], wmask, s_axil_wdata);
        end
        if (waddr == vec_addr(16'(v), OFF_MSIX_VCTRL)) begin
          mmask_d[v] = 1'(merge({31'b0, mmask_q[v]}, wmask, s_axil_wdata));
        end
      end
      for (int q = 0; q < NUM_QUEUES; q++) begin
        if (waddr == queue_addr(16'(q), OFF_TX_BASE_LO)) txb_lo_d[q] = merge(txb_lo_q[q], wmask, s_axil_wdata);
        if (waddr == queue_addr(16'(q), OFF_TX_BASE_HI)) txb_hi_d[q] = merge(txb_hi_q[q], wmask, s_axil_wdata);
        if (waddr == queue_addr(16'(q), OFF_RX_BASE_LO)) rxb_lo_d[q] = merge(rxb_lo_q[q], wmask, s_axil_wdata);
        if (waddr == queue_addr(16'(q), OFF_RX_BASE_HI)) rxb_hi_d[q] = merge(rxb_hi_q[q], wmask, s_axil_wdata);
        if (waddr == queue_addr(16'(q), OFF_TX_TAIL)) txt_d[q] = 16'(merge({16'b0, txt_q[q]}, wmask, s_axil_wdata));
        if (waddr == queue_addr(16'(q), OFF_RX_TAIL)) rxt_d[q] = 16'(merge({16'b0, rxt_q[q]}, wmask, s_axil_wdata));
        if (waddr == queue_addr(16'(q), OFF_TX_SIZE)) begin
          txs_d[q] = 16'(merge({16'b0, txs_q[q]}, wmask, s_axil_wdata));
          txh_d[q] = '0;
          txt_d[q] = '0;
          tx_ring_reset[q] = 1'b1;
        end
        if (waddr == queue_addr(16'(q), OFF_RX_SIZE)) begin
          rxs_d[q] = 16'(merge({16'b0, rxs_q[q]}, wmask, s_axil_wdata));
          rxh_d[q] = '0;
          rxt_d[q] = '0;
          rx_ring_reset[q] = 1'b1;
        end
      end
    end
  end

  // Read mux
  always_comb begin
    rdata_d = 32'h0;
    unique case (raddr)
      ADDR_ID: rdata_d = RST_ID;
      ADDR_CAPS: rdata_d = Caps;
      ADDR_CTRL: rdata_d = {29'b0, ctrl_q};
      ADDR_STATUS: rdata_d = {30'b0, busy, 1'b1};
      ADDR_ICR: rdata_d = 32'(icr_q);
      ADDR_IMS: rdata_d = 32'(ims_q);
      ADDR_PBA: rdata_d = 32'(pba);
      ADDR_RSS_QUEUES: rdata_d = {28'b0, rss_q};
      default: rdata_d = 32'h0;
    endcase
    for (int i = 0; i < NumStats; i++) if (raddr == StatAddr[i]) rdata_d = stat_q[i];
    for (int v = 0; v < NV; v++) begin
      if (raddr == ITR_BASE + 16'(v) * ITR_STRIDE + OFF_ITR) rdata_d = {16'b0, itr_q[v]};
      if (raddr == vec_addr(16'(v), OFF_MSIX_ADDR_LO)) rdata_d = maddr_lo_q[v];
      if (raddr == vec_addr(16'(v), OFF_MSIX_ADDR_HI)) rdata_d = maddr_hi_q[v];
      if (raddr == vec_addr(16'(v), OFF_MSIX_DATA)) rdata_d = mdata_q[v];
      if (raddr == vec_addr(16'(v), OFF_MSIX_VCTRL)) rdata_d = {31'b0, mmask_q[v]};
    end
    for (int q = 0; q < NUM_QUEUES; q++) begin
      if (raddr == queue_addr(16'(q), OFF_TX_BASE_LO)) rdata_d = txb_lo_q[q];
      if (raddr == queue_addr(16'(q), OFF_TX_BASE_HI)) rdata_d = txb_hi_q[q];
      if (raddr == queue_addr(16'(q), OFF_TX_SIZE)) rdata_d = {16'b0, txs_q[q]};
      if (raddr == queue_addr(16'(q), OFF_TX_HEAD)) rdata_d = {16'b0, txh_q[q]};
      if (raddr == queue_addr(16'(q), OFF_TX_TAIL)) rdata_d = {16'b0, txt_q[q]};
      if (raddr == queue_addr(16'(q), OFF_RX_BASE_LO)) rdata_d = rxb_lo_q[q];
      if (raddr == queue_addr(16'(q), OFF_RX_BASE_HI)) rdata_d = rxb_hi_q[q];
      if (raddr == queue_addr(16'(q), OFF_RX_SIZE)) rdata_d = {16'b0, rxs_q[q]};
      if (raddr == queue_addr(16'(q), OFF_RX_HEAD)) rdata_d = {16'b0, rxh_q[q]};
      if (raddr == queue_addr(16'(q), OFF_RX_TAIL)) rdata_d = {16'b0, rxt_q[q]};
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      bvalid_q <= 1'b0;
      rvalid_q <= 1'b0;
      rdata_q  <= '0;
    end else begin
      if (wr_en) bvalid_q <= 1'b1;
      else if (s_axil_bready) bvalid_q <= 1'b0;
      if (rd_en) begin
        rvalid_q <= 1'b1;
        rdata_q  <= rdata_d;
      end else if (s_axil_rready) begin
        rvalid_q <= 1'b0;
      end
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      ctrl_q <= RST_CTRL[2:0];
      pending_q <= 1'b0;
      srst_q <= 1'b0;
    end else begin
      ctrl_q <= ctrl_d;
      srst_q <= pending_q && reset_allowed && !srst_q;
      pending_q <= pending_d && !(pending_q && reset_allowed && !srst_q);
    end
  end

  always_ff @(posedge clk) begin
    if (rst || srst_q) begin
      icr_q <= RST_ICR[CW-1:0];
      ims_q <= RST_IMS[CW-1:0];
      stat_q <= '0;
      rss_q <= 4'(NUM_QUEUES);
      itr_q <= '0;
      maddr_lo_q <= '0;
      maddr_hi_q <= '0;
      mdata_q <= '0;
      mmask_q <= '1;
      txb_lo_q <= '0;
      txb_hi_q <= '0;
      rxb_lo_q <= '0;
      rxb_hi_q <= '0;
      txs_q <= '0;
      txh_q <= '0;
      txt_q <= '0;
      rxs_q <= '0;
      rxh_q <= '0;
      rxt_q <= '0;
    end else begin
      icr_q <= icr_d;
      ims_q <= ims_d;
      stat_q <= stat_d;
      rss_q <= rss_d;
      itr_q <= itr_d;
      maddr_lo_q <= maddr_lo_d;
      maddr_hi_q <= maddr_hi_d;
      mdata_q <= mdata_d;
      mmask_q <= mmask_d;
      txb_lo_q <= txb_lo_d;
      txb_hi_q <= txb_hi_d;
      rxb_lo_q <= rxb_lo_d;
      rxb_hi_q <= rxb_hi_d;
      txs_q <= txs_d;
      txh_q <= txh_d;
      txt_q <= txt_d;
      rxs_q <= rxs_d;
      rxh_q <= rxh_d;
      rxt_q <= rxt_d;
    end
  end

  assign ctrl_en = ctrl_q[CTRL_EN_LSB];
  assign ctrl_loopback = ctrl_q[CTRL_LOOPBACK_LSB];
  assign ctrl_intx_mode = ctrl_q[CTRL_INTX_MODE_LSB];
  assign reset_pending = pending_q;
  assign soft_rst = srst_q;
  assign icr = icr_q;
  assign ims = ims_q;
  assign itr = itr_q;
  assign msix_mask = mmask_q;
  assign rss_queues = rss_q;
  assign tx_size = txs_q;
  assign tx_head = txh_q;
  assign tx_tail = txt_q;
  assign rx_size = rxs_q;
  assign rx_head = rxh_q;
  assign rx_tail = rxt_q;
  for (genvar v = 0; v < NV; v++) begin : g_vec
    assign msix_addr[v] = {maddr_hi_q[v], maddr_lo_q[v]};
    assign msix_data[v] = mdata_q[v];
  end
  for (genvar q = 0; q < NUM_QUEUES; q++) begin : g_queue
    assign tx_base[q] = {txb_hi_q[q], txb_lo_q[q]};
    assign rx_base[q] = {rxb_hi_q[q], rxb_lo_q[q]};
  end
  assign idle = !bvalid_q && !rvalid_q && !pending_q && !srst_q;

`ifndef SYNTHESIS
  logic bvalid_prev_q, rvalid_prev_q;
  logic [31:0] rdata_prev_q;
  always_ff @(posedge clk) begin
    bvalid_prev_q <= !rst && bvalid_q && !s_axil_bready;  // a reset may drop VALID legally
    rvalid_prev_q <= !rst && rvalid_q && !s_axil_rready;
    rdata_prev_q  <= rdata_q;
    if (!rst) begin
      assert (!bvalid_prev_q || bvalid_q) else $error("AXI-Lite B dropped before ready");
      assert (!rvalid_prev_q || (rvalid_q && rdata_q == rdata_prev_q))
      else $error("AXI-Lite R changed before ready");
      for (int q = 0; q < NUM_QUEUES; q++) begin
        assert (!tx_head_advance[q] || txh_q[q] != txt_q[q] || tx_ring_reset[q])
        else $error("TX head would pass its tail");
        assert (!rx_head_advance[q] || rxh_q[q] != rxt_q[q] || rx_ring_reset[q])
        else $error("RX head would pass its tail");
        // User coverage points: each assertion's boundary reached, not only its line.
        tx_head_advance_at_tail : cover (tx_head_advance[q] && txh_q[q] == txt_q[q]);
        rx_head_advance_at_tail : cover (rx_head_advance[q] && rxh_q[q] == rxt_q[q]);
      end
      axil_b_held_for_ready : cover (bvalid_prev_q);
      axil_r_held_for_ready : cover (rvalid_prev_q);
    end
  end
`endif
endmodule

`default_nettype wire
