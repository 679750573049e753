// The NIC's ports in one cycle, as sampled by the clock edge: inputs the host drove and outputs
// the model showed. Plain data, so monitors and adapters work without the Verilated model.
#pragma once

#include <cstdint>

namespace nicsim::sim {

struct PortSnapshot {
  bool rst = false;
  // AXI4-Lite slave (BAR0)
  uint16_t s_axil_awaddr = 0;
  bool s_axil_awvalid = false, s_axil_awready = false;
  uint32_t s_axil_wdata = 0;
  uint8_t s_axil_wstrb = 0;
  bool s_axil_wvalid = false, s_axil_wready = false;
  uint8_t s_axil_bresp = 0;
  bool s_axil_bvalid = false, s_axil_bready = false;
  uint16_t s_axil_araddr = 0;
  bool s_axil_arvalid = false, s_axil_arready = false;
  uint32_t s_axil_rdata = 0;
  uint8_t s_axil_rresp = 0;
  bool s_axil_rvalid = false, s_axil_rready = false;
  // AXI4 master (DMA)
  uint64_t m_axi_awaddr = 0;
  uint8_t m_axi_awlen = 0, m_axi_awsize = 0, m_axi_awburst = 0;
  bool m_axi_awvalid = false, m_axi_awready = false;
  uint64_t m_axi_wdata = 0;
  uint8_t m_axi_wstrb = 0;
  bool m_axi_wlast = false, m_axi_wvalid = false, m_axi_wready = false;
  uint8_t m_axi_bresp = 0;
  bool m_axi_bvalid = false, m_axi_bready = false;
  uint64_t m_axi_araddr = 0;
  uint8_t m_axi_arlen = 0, m_axi_arsize = 0, m_axi_arburst = 0;
  bool m_axi_arvalid = false, m_axi_arready = false;
  uint64_t m_axi_rdata = 0;
  uint8_t m_axi_rresp = 0;
  bool m_axi_rlast = false, m_axi_rvalid = false, m_axi_rready = false;
  // AXI4-Stream TX (NIC -> link) and RX (link -> NIC)
  uint64_t m_axis_tx_tdata = 0;
  uint8_t m_axis_tx_tkeep = 0;
  bool m_axis_tx_tvalid = false, m_axis_tx_tready = false, m_axis_tx_tlast = false,
       m_axis_tx_tuser = false;
  uint64_t s_axis_rx_tdata = 0;
  uint8_t s_axis_rx_tkeep = 0;
  bool s_axis_rx_tvalid = false, s_axis_rx_tready = false, s_axis_rx_tlast = false,
       s_axis_rx_tuser = false;
  // Interrupt line and the model's idle indication
  bool intx = false;
  bool quiescent = false;

  bool operator==(const PortSnapshot&) const = default;
};

// A stable 64-bit digest of every port value (FNV-1a over the fields).
uint64_t hash_ports(const PortSnapshot& ports);

// Copies the model's outputs into ports (works for Vnic_top and Vnic_sim_top alike).
template <class Model>
void read_outputs(const Model& m, PortSnapshot& p) {
  p.s_axil_awready = m.s_axil_awready;
  p.s_axil_wready = m.s_axil_wready;
  p.s_axil_bresp = m.s_axil_bresp;
  p.s_axil_bvalid = m.s_axil_bvalid;
  p.s_axil_arready = m.s_axil_arready;
  p.s_axil_rdata = m.s_axil_rdata;
  p.s_axil_rresp = m.s_axil_rresp;
  p.s_axil_rvalid = m.s_axil_rvalid;
  p.m_axi_awaddr = m.m_axi_awaddr;
  p.m_axi_awlen = m.m_axi_awlen;
  p.m_axi_awsize = m.m_axi_awsize;
  p.m_axi_awburst = m.m_axi_awburst;
  p.m_axi_awvalid = m.m_axi_awvalid;
  p.m_axi_wdata = m.m_axi_wdata;
  p.m_axi_wstrb = m.m_axi_wstrb;
  p.m_axi_wlast = m.m_axi_wlast;
  p.m_axi_wvalid = m.m_axi_wvalid;
  p.m_axi_bready = m.m_axi_bready;
  p.m_axi_araddr = m.m_axi_araddr;
  p.m_axi_arlen = m.m_axi_arlen;
  p.m_axi_arsize = m.m_axi_arsize;
  p.m_axi_arburst = m.m_axi_arburst;
  p.m_axi_arvalid = m.m_axi_arvalid;
  p.m_axi_rready = m.m_axi_rready;
  p.m_axis_tx_tdata = m.m_axis_tx_tdata;
  p.m_axis_tx_tkeep = m.m_axis_tx_tkeep;
  p.m_axis_tx_tvalid = m.m_axis_tx_tvalid;
  p.m_axis_tx_tlast = m.m_axis_tx_tlast;
  p.m_axis_tx_tuser = m.m_axis_tx_tuser;
  p.s_axis_rx_tready = m.s_axis_rx_tready;
  p.intx = m.intx;
  p.quiescent = m.quiescent;
}

// Drives the model's inputs from ports.
template <class Model>
void write_inputs(const PortSnapshot& p, Model& m) {
  m.rst = p.rst;
  m.s_axil_awaddr = p.s_axil_awaddr;
  m.s_axil_awvalid = p.s_axil_awvalid;
  m.s_axil_wdata = p.s_axil_wdata;
  m.s_axil_wstrb = p.s_axil_wstrb;
  m.s_axil_wvalid = p.s_axil_wvalid;
  m.s_axil_bready = p.s_axil_bready;
  m.s_axil_araddr = p.s_axil_araddr;
  m.s_axil_arvalid = p.s_axil_arvalid;
  m.s_axil_rready = p.s_axil_rready;
  m.m_axi_awready = p.m_axi_awready;
  m.m_axi_wready = p.m_axi_wready;
  m.m_axi_bresp = p.m_axi_bresp;
  m.m_axi_bvalid = p.m_axi_bvalid;
  m.m_axi_arready = p.m_axi_arready;
  m.m_axi_rdata = p.m_axi_rdata;
  m.m_axi_rresp = p.m_axi_rresp;
  m.m_axi_rlast = p.m_axi_rlast;
  m.m_axi_rvalid = p.m_axi_rvalid;
  m.m_axis_tx_tready = p.m_axis_tx_tready;
  m.s_axis_rx_tdata = p.s_axis_rx_tdata;
  m.s_axis_rx_tkeep = p.s_axis_rx_tkeep;
  m.s_axis_rx_tvalid = p.s_axis_rx_tvalid;
  m.s_axis_rx_tlast = p.s_axis_rx_tlast;
  m.s_axis_rx_tuser = p.s_axis_rx_tuser;
}

}  // namespace nicsim::sim
