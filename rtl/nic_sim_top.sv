// nic_sim_top: the top the SystemC host verilates: the NIC plus host-state probes for the wave.
`default_nettype none

module nic_sim_top #(
    parameter int NUM_QUEUES = 8,  // queue pairs of the NIC: 1, 2, 4 or 8
    parameter int MAX_CPUS   = 64,  // CPUs the host may report through the probes
    parameter int MAX_LOCKS  = 16   // spin locks the host may report through the probes
) (
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

    // AXI4 master: DMA into host memory (64-bit data, INCR bursts, never crossing 4 KiB)
    output wire [63:0] m_axi_awaddr,
    output wire [ 7:0] m_axi_awlen,
    output wire [ 2:0] m_axi_awsize,
    output wire [ 1:0] m_axi_awburst,
    output wire        m_axi_awvalid,
    input  wire        m_axi_awready,
    output wire [63:0] m_axi_wdata,
    output wire [ 7:0] m_axi_wstrb,
    output wire        m_axi_wlast,
    output wire        m_axi_wvalid,
    input  wire        m_axi_wready,
    input  wire [ 1:0] m_axi_bresp,
    input  wire        m_axi_bvalid,
    output wire        m_axi_bready,
    output wire [63:0] m_axi_araddr,
    output wire [ 7:0] m_axi_arlen,
    output wire [ 2:0] m_axi_arsize,
    output wire [ 1:0] m_axi_arburst,
    output wire        m_axi_arvalid,
    input  wire        m_axi_arready,
    input  wire [63:0] m_axi_rdata,
    input  wire [ 1:0] m_axi_rresp,
    input  wire        m_axi_rlast,
    input  wire        m_axi_rvalid,
    output wire        m_axi_rready,

    // AXI4-Stream TX to the link, RX from the link (tuser = frame error, sampled with tlast)
    output wire [63:0] m_axis_tx_tdata,
    output wire [ 7:0] m_axis_tx_tkeep,
    output wire        m_axis_tx_tvalid,
    input  wire        m_axis_tx_tready,
    output wire        m_axis_tx_tlast,
    output wire        m_axis_tx_tuser,
    input  wire [63:0] s_axis_rx_tdata,
    input  wire [ 7:0] s_axis_rx_tkeep,
    input  wire        s_axis_rx_tvalid,
    output wire        s_axis_rx_tready,
    input  wire        s_axis_rx_tlast,
    input  wire        s_axis_rx_tuser,

    // Legacy level interrupt (INTx mode)
    output wire intx,
    // 1 when the next edge changes no state provided inputs stay idle
    output wire quiescent,

    // Host probes: no effect on the NIC; traced so the wave shows the host beside the RTL
    input wire [ MAX_CPUS*8-1:0] host_cpu_irql,  // per CPU: IRQL
    input wire [ MAX_CPUS*3-1:0] host_cpu_context,  // per CPU: 0 idle 1 passive 2 dpc 3 isr 4 sync
    input wire [ MAX_CPUS*8-1:0] host_cpu_lock_held,  // per CPU: innermost lock held, id+1 (0 none)
    input wire [ MAX_CPUS*8-1:0] host_cpu_lock_spin,  // per CPU: lock spun on, id+1 (0 none)
    input wire [ MAX_CPUS*8-1:0] host_cpu_dpc_depth,  // per CPU: DPC queue depth
    input wire [MAX_LOCKS*8-1:0] host_lock_owner,  // per lock: owner cpu+1 (0 free)
    input wire                   host_violation  // pulses at each violation
);
  nic_top #(
      .NUM_QUEUES(NUM_QUEUES)
  ) nic (
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
      .m_axi_rready(m_axi_rready),
      .m_axis_tx_tdata(m_axis_tx_tdata),
      .m_axis_tx_tkeep(m_axis_tx_tkeep),
      .m_axis_tx_tvalid(m_axis_tx_tvalid),
      .m_axis_tx_tready(m_axis_tx_tready),
      .m_axis_tx_tlast(m_axis_tx_tlast),
      .m_axis_tx_tuser(m_axis_tx_tuser),
      .s_axis_rx_tdata(s_axis_rx_tdata),
      .s_axis_rx_tkeep(s_axis_rx_tkeep),
      .s_axis_rx_tvalid(s_axis_rx_tvalid),
      .s_axis_rx_tready(s_axis_rx_tready),
      .s_axis_rx_tlast(s_axis_rx_tlast),
      .s_axis_rx_tuser(s_axis_rx_tuser),
      .intx(intx),
      .quiescent(quiescent)
  );

  nicsim_host_probes #(
      .MAX_CPUS (MAX_CPUS),
      .MAX_LOCKS(MAX_LOCKS)
  ) host (
      .host_cpu_irql(host_cpu_irql),
      .host_cpu_context(host_cpu_context),
      .host_cpu_lock_held(host_cpu_lock_held),
      .host_cpu_lock_spin(host_cpu_lock_spin),
      .host_cpu_dpc_depth(host_cpu_dpc_depth),
      .host_lock_owner(host_lock_owner),
      .host_violation(host_violation)
  );
endmodule

`default_nettype wire
