// A small AXI4-Lite slave for AxiLiteMaster's tests: what the reference NIC never does. 64-bit
// address (every bit decoded), 32-bit data; AW and W taken on different edges; R two cycles after
// AR. At BASE: +0x0 and +0x4 read/write, +0x8 a read-only constant (a write answers SLVERR);
// anything else answers DECERR.
module axil_test_slave #(
    parameter logic [63:0] BASE = 64'hFFFF_8000_0000_1000
) (
    input  wire         clk,
    input  wire         rst,
    input  wire  [63:0] s_axil_awaddr,
    input  wire         s_axil_awvalid,
    output logic        s_axil_awready,
    input  wire  [31:0] s_axil_wdata,
    input  wire  [ 3:0] s_axil_wstrb,
    input  wire         s_axil_wvalid,
    output logic        s_axil_wready,
    output logic [ 1:0] s_axil_bresp,
    output logic        s_axil_bvalid,
    input  wire         s_axil_bready,
    input  wire  [63:0] s_axil_araddr,
    input  wire         s_axil_arvalid,
    output logic        s_axil_arready,
    output logic [31:0] s_axil_rdata,
    output logic [ 1:0] s_axil_rresp,
    output logic        s_axil_rvalid,
    input  wire         s_axil_rready
);
  localparam logic [1:0] OKAY = 2'b00, SLVERR = 2'b10, DECERR = 2'b11;
  localparam logic [31:0] CONSTANT = 32'hA11C_E5E1;

  logic [1:0][31:0] regs_q;
  logic aw_q, bvalid_q, ar_q, rvalid_q;
  /* verilator lint_off UNUSEDSIGNAL */  // bits [1:0]: byte lanes within the word
  logic [63:0] awaddr_q, araddr_q;
  /* verilator lint_on UNUSEDSIGNAL */
  logic [1:0] bresp_q, rresp_q, rdelay_q;
  logic [31:0] rdata_q;

  wire w_hit = awaddr_q[63:4] == BASE[63:4];
  wire r_hit = araddr_q[63:4] == BASE[63:4];
  wire [1:0] w_reg = awaddr_q[3:2];
  wire [1:0] r_reg = araddr_q[3:2];

  assign s_axil_awready = !aw_q && !bvalid_q;
  assign s_axil_wready = aw_q && !bvalid_q;  // W only after its AW: never on the same edge
  assign s_axil_bvalid = bvalid_q;
  assign s_axil_bresp = bresp_q;
  assign s_axil_arready = !ar_q && !rvalid_q;
  assign s_axil_rvalid = rvalid_q;
  assign s_axil_rdata = rdata_q;
  assign s_axil_rresp = rresp_q;

  always_ff @(posedge clk) begin
    if (rst) begin
      regs_q <= '0;
      aw_q <= 1'b0;
      bvalid_q <= 1'b0;
      ar_q <= 1'b0;
      rvalid_q <= 1'b0;
      awaddr_q <= '0;
      araddr_q <= '0;
      bresp_q <= OKAY;
      rresp_q <= OKAY;
      rdelay_q <= '0;
      rdata_q <= '0;
    end else begin
      if (s_axil_awvalid && s_axil_awready) begin
        aw_q <= 1'b1;
        awaddr_q <= s_axil_awaddr;
      end
      if (s_axil_wvalid && s_axil_wready) begin
        aw_q <= 1'b0;
        bvalid_q <= 1'b1;
        if (!w_hit || w_reg == 2'd3) begin
          bresp_q <= DECERR;
        end else if (w_reg == 2'd2) begin
          bresp_q <= SLVERR;
        end else begin
          bresp_q <= OKAY;
          for (int i = 0; i < 4; i++) begin
            if (s_axil_wstrb[i]) regs_q[w_reg[0]][8*i+:8] <= s_axil_wdata[8*i+:8];
          end
        end
      end
      if (s_axil_bvalid && s_axil_bready) bvalid_q <= 1'b0;
      if (s_axil_arvalid && s_axil_arready) begin
        ar_q <= 1'b1;
        araddr_q <= s_axil_araddr;
        rdelay_q <= 2'd1;
      end else if (ar_q) begin
        if (rdelay_q != 0) begin
          rdelay_q <= rdelay_q - 2'd1;
        end else begin
          ar_q <= 1'b0;
          rvalid_q <= 1'b1;
          rresp_q <= !r_hit || r_reg == 2'd3 ? DECERR : OKAY;
          rdata_q <= !r_hit || r_reg == 2'd3 ? 32'h0 : r_reg == 2'd2 ? CONSTANT : regs_q[r_reg[0]];
        end
      end
      if (s_axil_rvalid && s_axil_rready) rvalid_q <= 1'b0;
    end
  end
endmodule
