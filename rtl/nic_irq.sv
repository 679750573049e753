// nic_irq: turns ICR & IMS into MSI-X messages (per vector, throttled, maskable) or the INTx level.
`default_nettype none

// MSI-X: vector v < NUM_QUEUES has the causes RXQ[v] and TXQ[v]; vector NUM_QUEUES has LINK,
// RX_DROP and DMA_ERR. A vector comes due when (ICR & IMS & its causes) turns non-zero (again);
// it then stays pending until its message is taken by the DMA, which needs the vector unmasked and
// ITR[v] cycles since its previous message completed on the bus (counted from the completion, not
// from the pick, so a message held up behind a long DMA job cannot come closer than ITR[v] to the
// next one). PBA shows pending vectors that are masked.
// INTx: intx follows |(ICR & IMS), each assertion at least ITR[0] cycles after the previous one,
// and only while the DMA master is idle: like an MSI-X message queued behind the data writes (and
// like PCIe's Assert_INTx behind posted writes), the line never overtakes a write still in flight.
module nic_irq
  import nic_regs_pkg::*;
#(
    parameter int NUM_QUEUES = 4  // queue vectors; one more vector for link and errors
) (
    input wire clk,
    input wire rst,
    input wire intx_mode,
    input wire dma_idle,  // no DMA job in progress: every write issued so far is complete

    input wire [ICS_CAUSE_WIDTH-1:0] icr,  // ICR layout
    input wire [ICS_CAUSE_WIDTH-1:0] ims,
    input wire [NUM_QUEUES:0][15:0] itr,
    input wire [NUM_QUEUES:0][63:0] msix_addr,
    input wire [NUM_QUEUES:0][31:0] msix_data,
    input wire [NUM_QUEUES:0] msix_mask,

    output logic [NUM_QUEUES:0] pba,
    output logic intx,
    output logic idle,  // the next edge changes nothing here

    // DMA client: one 4-byte posted write per message
    output logic        dma_req,
    output logic [63:0] dma_addr,
    output logic [63:0] dma_wdata,
    input  wire         dma_ack,
    input  wire         dma_done
);
  localparam int NV = NUM_QUEUES + 1;
  localparam int VW = $clog2(NV);  // NV >= 2
  localparam int CW = ICS_CAUSE_WIDTH;
  localparam logic [CW-1:0] MiscCauses =
      (CW'(1) << ICR_LINK_LSB) | (CW'(1) << ICR_RX_DROP_LSB) | (CW'(1) << ICR_DMA_ERR_LSB);

  if (NUM_QUEUES > ICR_RXQ_WIDTH || NUM_QUEUES > ICR_TXQ_WIDTH) begin : g_cause_check
    $error("nic_irq: ICR has fewer RXQ or TXQ bits than NUM_QUEUES");
  end

  logic [NV-1:0] cond, armed_q, pending_q, sendable;
  logic [NV-1:0][15:0] timer_q;
  logic [NV-1:0] timer_running;
  logic busy_q;  // a message is requested or on the bus
  logic dma_done_seen_q;  // the request was acked; waiting for the write to complete
  logic [VW-1:0] sent_q;  // the vector whose message is on the bus
  logic [63:2] msix_addr_q;
  logic [31:0] msix_data_q;
  logic level, intx_q;
  logic [15:0] intx_timer_q;
  logic pick_valid;
  logic [VW-1:0] pick;

  assign level = |(icr & ims);

  always_comb begin
    for (int v = 0; v < NUM_QUEUES; v++) begin
      cond[v] = (icr[ICR_RXQ_LSB+v] && ims[ICR_RXQ_LSB+v]) ||
                (icr[ICR_TXQ_LSB+v] && ims[ICR_TXQ_LSB+v]);
    end
    cond[NUM_QUEUES] = |(icr & ims & MiscCauses);
    for (int v = 0; v < NV; v++) begin
      timer_running[v] = timer_q[v] != 16'd0;
      sendable[v] = pending_q[v] && !msix_mask[v] && !timer_running[v] && !intx_mode;
    end
    pick_valid = 1'b0;
    pick = '0;
    for (int v = NV - 1; v >= 0; v--) begin
      if (sendable[v]) begin
        pick_valid = 1'b1;
        pick = VW'(v);
      end
    end
  end

  assign dma_req = busy_q && !dma_done_seen_q;
  assign dma_addr = {msix_addr_q, 2'b00};
  assign dma_wdata = {msix_data_q, msix_data_q};
  assign pba = pending_q & msix_mask;
  assign intx = intx_q;

  always_ff @(posedge clk) begin
    if (rst) begin
      armed_q <= '1;
      pending_q <= '0;
      timer_q <= '0;
      busy_q <= 1'b0;
      dma_done_seen_q <= 1'b0;
      msix_addr_q <= '0;
      msix_data_q <= '0;
      sent_q <= '0;
      intx_q <= 1'b0;
      intx_timer_q <= '0;
    end else begin
      for (int v = 0; v < NV; v++) begin
        if (timer_running[v]) timer_q[v] <= timer_q[v] - 16'd1;
        if (!cond[v]) armed_q[v] <= 1'b1;
        else if (armed_q[v] && !intx_mode) begin
          armed_q[v]   <= 1'b0;
          pending_q[v] <= 1'b1;
        end
      end
      if (!busy_q && pick_valid) begin
        busy_q <= 1'b1;
        msix_addr_q <= msix_addr[pick][63:2];
        msix_data_q <= msix_data[pick];
        pending_q[pick] <= 1'b0;
        sent_q <= pick;
      end
      if (busy_q && dma_ack) dma_done_seen_q <= 1'b1;
      if (busy_q && dma_done) begin
        busy_q <= 1'b0;
        dma_done_seen_q <= 1'b0;
        timer_q[sent_q] <= itr[sent_q];
      end

      if (intx_timer_q != 16'd0) intx_timer_q <= intx_timer_q - 16'd1;
      if (!intx_mode || !level) intx_q <= 1'b0;
      else if (!intx_q && intx_timer_q == 16'd0 && dma_idle) begin
        intx_q <= 1'b1;
        intx_timer_q <= itr[0];
      end
    end
  end

  always_comb begin
    idle = !busy_q && !pick_valid && timer_q == '0 && intx_timer_q == 16'd0;
    for (int v = 0; v < NV; v++) begin
      if (!cond[v] && !armed_q[v]) idle = 1'b0;
      if (cond[v] && armed_q[v] && !intx_mode) idle = 1'b0;
    end
    if (intx_q != (intx_mode && level)) idle = 1'b0;
  end
endmodule

`default_nettype wire
