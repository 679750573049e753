// simple_nic_csr: the BAR0 registers behind AXI4-Lite, decoded from simple_nic_regs_pkg.
`default_nettype none

// Reads have no side effects; unmapped addresses read 0 and ignore writes, both OKAY. Ring
// lengths are bytes (RDLEN/TDLEN, multiples of 16); heads and tails count descriptors. Writing a
// length resets that ring's head and tail. A change of CTRL.SLU raises ICR.LSC.
module simple_nic_csr
  import simple_nic_regs_pkg::*;
#(
    parameter int CAUSE_BITS = ICS_CAUSE_WIDTH  // ICR bits
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

    output logic [CAUSE_BITS-1:0] icr,
    output logic [CAUSE_BITS-1:0] ims,
    output logic                  msi_en,
    output logic [          63:0] msi_addr,
    output logic [          31:0] msi_data,
    output logic                  rx_en,
    output logic                  tx_en,
    output logic                  tx_pad,

    output logic [63:0] rx_base,
    output logic [15:0] rx_entries,
    output logic [15:0] rx_head,
    output logic [15:0] rx_tail,
    output logic        rx_ring_reset,  // RDLEN was written (pulse)
    output logic [63:0] tx_base,
    output logic [15:0] tx_entries,
    output logic [15:0] tx_head,
    output logic [15:0] tx_tail,
    output logic        tx_ring_reset,  // TDLEN was written (pulse)

    input wire                  rx_head_advance,
    input wire                  tx_head_advance,
    input wire [CAUSE_BITS-1:0] cause_set,  // hardware events, ICR layout
    // Statistics increments, in the order CRCERRS, MPC, GPRC, GPTC, ROC, RUC
    input wire [5:0] stat_inc,
    output logic idle  // the next edge changes nothing here
);
  localparam int NumStats = 6;
  localparam logic [15:0] StatAddr[NumStats] = '{
      ADDR_CRCERRS,
      ADDR_MPC,
      ADDR_GPRC,
      ADDR_GPTC,
      ADDR_ROC,
      ADDR_RUC
  };
  localparam logic [1:0] RespOkay = 2'b00;
  localparam int DescShift = $clog2(DESC_BYTES);  // ring lengths are bytes, heads descriptors

  typedef struct packed {
    logic slu;
    logic [CAUSE_BITS-1:0] icr;
    logic [CAUSE_BITS-1:0] ims;
    logic msi_en;
    logic [31:0] msi_addr_lo;
    logic [31:0] msi_addr_hi;
    logic [31:0] msi_data;
    logic rx_en;
    logic tx_en;
    logic tx_pad;
    logic [31:0] rdbal;
    logic [31:0] rdbah;
    logic [15:0] rd_entries;
    logic [15:0] rdh;
    logic [15:0] rdt;
    logic [31:0] tdbal;
    logic [31:0] tdbah;
    logic [15:0] td_entries;
    logic [15:0] tdh;
    logic [15:0] tdt;
    logic [NumStats-1:0][31:0] stat;
    logic bvalid;
    logic rvalid;
    logic [31:0] rdata;
  } state_t;

  state_t s_q, s_d;
  logic wr_en, rd_en;
  logic [15:0] waddr, raddr;
  logic [31:0] wmask, rvalue;
  logic [CAUSE_BITS-1:0] wbits;  // cause bits written as 1
  logic unused_addr_lsbs;  // registers are 32-bit words

  assign unused_addr_lsbs = &{1'b0, s_axil_awaddr[1:0], s_axil_araddr[1:0]};

  assign wr_en = s_axil_awvalid && s_axil_wvalid && !s_q.bvalid;
  assign rd_en = s_axil_arvalid && !s_q.rvalid;
  assign s_axil_awready = wr_en;
  assign s_axil_wready = wr_en;
  assign s_axil_bvalid = s_q.bvalid;
  assign s_axil_bresp = RespOkay;
  assign s_axil_arready = !s_q.rvalid;
  assign s_axil_rvalid = s_q.rvalid;
  assign s_axil_rdata = s_q.rdata;
  assign s_axil_rresp = RespOkay;
  assign waddr = {s_axil_awaddr[15:2], 2'b00};
  assign raddr = {s_axil_araddr[15:2], 2'b00};
  assign wmask = {{8{s_axil_wstrb[3]}}, {8{s_axil_wstrb[2]}}, {8{s_axil_wstrb[1]}},
                  {8{s_axil_wstrb[0]}}};
  assign wbits = s_axil_wdata[CAUSE_BITS-1:0] & wmask[CAUSE_BITS-1:0];

  // The written value merged over the current one under the byte strobes.
  function automatic logic [31:0] merge(input logic [31:0] old);
    return (old & ~wmask) | (s_axil_wdata & wmask);
  endfunction

  function automatic logic [15:0] next_index(input logic [15:0] index, input logic [15:0] entries);
    return index + 16'd1 == entries ? 16'd0 : index + 16'd1;
  endfunction

  always_comb begin
    logic [31:0] w;
    s_d = s_q;
    s_d.icr = s_q.icr | cause_set;
    rx_ring_reset = 1'b0;
    tx_ring_reset = 1'b0;
    w = '0;

    for (int i = 0; i < NumStats; i++) if (stat_inc[i]) s_d.stat[i] = s_q.stat[i] + 32'd1;
    // Hardware advances a head only while it has not reached the tail.
    if (rx_head_advance && s_q.rdh != s_q.rdt) s_d.rdh = next_index(s_q.rdh, s_q.rd_entries);
    if (tx_head_advance && s_q.tdh != s_q.tdt) s_d.tdh = next_index(s_q.tdh, s_q.td_entries);

    if (wr_en) begin
      unique case (waddr)
        // Cause bits set by hardware in the same cycle as a write-1-to-clear survive it.
        ADDR_ICR: s_d.icr = (s_q.icr & ~wbits) | cause_set;
        ADDR_ICS: s_d.icr = s_d.icr | wbits;
        ADDR_IMS: s_d.ims = s_q.ims | wbits;
        ADDR_IMC: s_d.ims = s_q.ims & ~wbits;
        ADDR_CTRL: begin
          w = merge(32'(s_q.slu) << CTRL_SLU_LSB);
          s_d.slu = w[CTRL_SLU_LSB];
          if (s_d.slu != s_q.slu) s_d.icr[ICR_LSC_LSB] = 1'b1;
        end
        ADDR_MSI_CTRL: begin
          w = merge({31'b0, s_q.msi_en});
          s_d.msi_en = w[MSI_CTRL_EN_LSB];
        end
        ADDR_MSI_ADDR_LO: s_d.msi_addr_lo = merge(s_q.msi_addr_lo);
        ADDR_MSI_ADDR_HI: s_d.msi_addr_hi = merge(s_q.msi_addr_hi);
        ADDR_MSI_DATA: s_d.msi_data = merge(s_q.msi_data);
        ADDR_RCTL: begin
          w = merge(32'(s_q.rx_en) << RCTL_EN_LSB);
          s_d.rx_en = w[RCTL_EN_LSB];
        end
        ADDR_TCTL: begin
          w = merge((32'(s_q.tx_en) << TCTL_EN_LSB) | (32'(s_q.tx_pad) << TCTL_PSP_LSB));
          s_d.tx_en = w[TCTL_EN_LSB];
          s_d.tx_pad = w[TCTL_PSP_LSB];
        end
        ADDR_RDBAL: s_d.rdbal = merge(s_q.rdbal);
        ADDR_RDBAH: s_d.rdbah = merge(s_q.rdbah);
        ADDR_RDT: s_d.rdt = 16'(merge({16'b0, s_q.rdt}));
        ADDR_RDLEN: begin
          w = merge(32'(s_q.rd_entries) << DescShift);
          s_d.rd_entries = w[DescShift+:16];
          s_d.rdh = '0;
          s_d.rdt = '0;
          rx_ring_reset = 1'b1;
        end
        ADDR_TDBAL: s_d.tdbal = merge(s_q.tdbal);
        ADDR_TDBAH: s_d.tdbah = merge(s_q.tdbah);
        ADDR_TDT: s_d.tdt = 16'(merge({16'b0, s_q.tdt}));
        ADDR_TDLEN: begin
          w = merge(32'(s_q.td_entries) << DescShift);
          s_d.td_entries = w[DescShift+:16];
          s_d.tdh = '0;
          s_d.tdt = '0;
          tx_ring_reset = 1'b1;
        end
        default: ;
      endcase
    end

    if (wr_en) s_d.bvalid = 1'b1;
    else if (s_axil_bready) s_d.bvalid = 1'b0;
    if (rd_en) begin
      s_d.rvalid = 1'b1;
      s_d.rdata  = rvalue;
    end else if (s_axil_rready) begin
      s_d.rvalid = 1'b0;
    end
  end

  // Read mux
  always_comb begin
    rvalue = 32'h0;
    unique case (raddr)
      ADDR_CTRL: rvalue = 32'(s_q.slu) << CTRL_SLU_LSB;
      ADDR_ID: rvalue = RST_ID;
      ADDR_STATUS: rvalue = (32'd1 << STATUS_FD_LSB) | (32'(s_q.slu) << STATUS_LU_LSB);
      ADDR_ICR: rvalue = 32'(s_q.icr);
      ADDR_IMS: rvalue = 32'(s_q.ims);
      ADDR_MSI_CTRL: rvalue = 32'(s_q.msi_en) << MSI_CTRL_EN_LSB;
      ADDR_MSI_ADDR_LO: rvalue = s_q.msi_addr_lo;
      ADDR_MSI_ADDR_HI: rvalue = s_q.msi_addr_hi;
      ADDR_MSI_DATA: rvalue = s_q.msi_data;
      ADDR_RCTL: rvalue = 32'(s_q.rx_en) << RCTL_EN_LSB;
      ADDR_TCTL: rvalue = (32'(s_q.tx_en) << TCTL_EN_LSB) | (32'(s_q.tx_pad) << TCTL_PSP_LSB);
      ADDR_RDBAL: rvalue = s_q.rdbal;
      ADDR_RDBAH: rvalue = s_q.rdbah;
      ADDR_RDLEN: rvalue = 32'(s_q.rd_entries) << DescShift;
      ADDR_RDH: rvalue = {16'b0, s_q.rdh};
      ADDR_RDT: rvalue = {16'b0, s_q.rdt};
      ADDR_TDBAL: rvalue = s_q.tdbal;
      ADDR_TDBAH: rvalue = s_q.tdbah;
      ADDR_TDLEN: rvalue = 32'(s_q.td_entries) << DescShift;
      ADDR_TDH: rvalue = {16'b0, s_q.tdh};
      ADDR_TDT: rvalue = {16'b0, s_q.tdt};
      default: rvalue = 32'h0;
    endcase
    for (int i = 0; i < NumStats; i++) if (raddr == StatAddr[i]) rvalue = s_q.stat[i];
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      s_q <= '0;
      s_q.slu <= RST_CTRL[CTRL_SLU_LSB];
      s_q.icr <= RST_ICR[CAUSE_BITS-1:0];
      s_q.ims <= RST_IMS[CAUSE_BITS-1:0];
    end else begin
      s_q <= s_d;
    end
  end

  assign icr = s_q.icr;
  assign ims = s_q.ims;
  assign msi_en = s_q.msi_en;
  assign msi_addr = {s_q.msi_addr_hi, s_q.msi_addr_lo};
  assign msi_data = s_q.msi_data;
  assign rx_en = s_q.rx_en;
  assign tx_en = s_q.tx_en;
  assign tx_pad = s_q.tx_pad;
  assign rx_base = {s_q.rdbah, s_q.rdbal};
  assign rx_entries = s_q.rd_entries;
  assign rx_head = s_q.rdh;
  assign rx_tail = s_q.rdt;
  assign tx_base = {s_q.tdbah, s_q.tdbal};
  assign tx_entries = s_q.td_entries;
  assign tx_head = s_q.tdh;
  assign tx_tail = s_q.tdt;
  assign idle = s_d == s_q;

`ifndef SYNTHESIS
  a_b_stable: assert property (@(posedge clk) disable iff (rst)
                               s_axil_bvalid && !s_axil_bready |=> s_axil_bvalid)
  else $error("AXI-Lite B dropped before BREADY");
  a_r_stable: assert property (@(posedge clk) disable iff (rst)
                               s_axil_rvalid && !s_axil_rready |=>
                               s_axil_rvalid && $stable(s_axil_rdata))
  else $error("AXI-Lite R changed before RREADY");
  a_rx_head: assert property (@(posedge clk) disable iff (rst)
                              rx_head_advance |-> s_q.rdh != s_q.rdt || rx_ring_reset)
  else $error("RX head would pass its tail");
  a_tx_head: assert property (@(posedge clk) disable iff (rst)
                              tx_head_advance |-> s_q.tdh != s_q.tdt || tx_ring_reset)
  else $error("TX head would pass its tail");
`endif
endmodule

`default_nettype wire
