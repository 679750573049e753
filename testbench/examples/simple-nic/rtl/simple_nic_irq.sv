// simple_nic_irq: turns ICR & IMS into one MSI message per newly pending cause, or the INTx level.
`default_nettype none

// MSI (MSI_CTRL.EN = 1): a message comes due when a cause bit is pending and enabled that no
// message has covered yet; sending it covers every cause pending and enabled at that moment. A
// bit that leaves ICR & IMS is no longer covered, so the next time it is set it gets its own
// message. Messages are fenced DMA writes: the DMA issues one only after every earlier write has
// its B response.
// INTx (MSI_CTRL.EN = 0): intx follows |(ICR & IMS), but rises only while no DMA write awaits
// its B response, so the line never overtakes the data it reports (PCIe's Assert_INTx ordering).
module simple_nic_irq #(
    parameter int CAUSE_BITS = 8  // ICR bits
) (
    input wire clk,
    input wire rst,

    input wire [CAUSE_BITS-1:0] icr,
    input wire [CAUSE_BITS-1:0] ims,
    input wire                  msi_en,
    input wire [          63:0] msi_addr,
    input wire [          31:0] msi_data,
    input wire                  writes_idle,  // every DMA write issued so far has its B response

    output logic intx,
    output logic idle,  // the next edge changes nothing here

    // DMA client: one fenced 4-byte write per message
    output logic         dma_req,
    output logic [ 63:0] dma_addr,
    output logic [127:0] dma_wdata,
    input  wire          dma_ack,
    input  wire          dma_done
);
  typedef struct packed {
    logic [CAUSE_BITS-1:0] covered;  // causes a message (sent or on its way) already signals
    logic requesting;  // the message waits for the DMA to take it
    logic sending;  // the DMA is moving the message
    logic [61:0] addr;  // the message's address, in 4-byte words
    logic [31:0] data;
    logic intx;
  } state_t;

  state_t s_q, s_d;
  logic [CAUSE_BITS-1:0] active;
  logic due;
  logic unused_addr_lsbs;  // messages are 4-byte aligned

  assign unused_addr_lsbs = &{1'b0, msi_addr[1:0]};

  assign active = icr & ims;
  assign due = msi_en && |(active & ~s_q.covered);

  always_comb begin
    s_d = s_q;
    s_d.covered = msi_en ? s_q.covered & active : '0;
    if (!s_q.requesting && !s_q.sending && due) begin
      s_d.requesting = 1'b1;
      s_d.covered = active;
      s_d.addr = msi_addr[63:2];
      s_d.data = msi_data;
    end
    if (s_q.requesting && dma_ack) begin
      s_d.requesting = 1'b0;
      s_d.sending = 1'b1;
    end
    if (s_q.sending && dma_done) s_d.sending = 1'b0;
    if (msi_en || !(|active)) s_d.intx = 1'b0;
    else if (writes_idle) s_d.intx = 1'b1;
  end

  assign dma_req = s_q.requesting;
  assign dma_addr = {s_q.addr, 2'b00};
  assign dma_wdata = {4{s_q.data}};  // the strobes pick the addressed lane
  assign intx = s_q.intx;
  assign idle = s_d == s_q;

  always_ff @(posedge clk) begin
    if (rst) s_q <= '0;
    else s_q <= s_d;
  end

`ifndef SYNTHESIS
  a_intx_order: assert property (@(posedge clk) disable iff (rst) !intx && !writes_idle |=> !intx)
  else $error("INTx asserted while a DMA write awaited its B response");
  a_intx_mode: assert property (@(posedge clk) disable iff (rst) msi_en |=> !intx || !msi_en)
  else $error("INTx asserted in MSI mode");
`endif
endmodule

`default_nettype wire
