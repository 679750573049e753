#include "sim/port_snapshot.h"

namespace nicsim::sim {
namespace {

struct Fnv {
  uint64_t h = 0xCBF29CE484222325ull;
  void add(uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xFF;
      h *= 0x100000001B3ull;
    }
  }
};

}  // namespace

uint64_t hash_ports(const PortSnapshot& p) {
  Fnv f;
  // Single-bit signals packed into words so the digest covers each field once.
  f.add(uint64_t{p.rst} | uint64_t{p.s_axil_awvalid} << 1 | uint64_t{p.s_axil_awready} << 2 |
        uint64_t{p.s_axil_wvalid} << 3 | uint64_t{p.s_axil_wready} << 4 |
        uint64_t{p.s_axil_bvalid} << 5 | uint64_t{p.s_axil_bready} << 6 |
        uint64_t{p.s_axil_arvalid} << 7 | uint64_t{p.s_axil_arready} << 8 |
        uint64_t{p.s_axil_rvalid} << 9 | uint64_t{p.s_axil_rready} << 10 |
        uint64_t{p.m_axi_awvalid} << 11 | uint64_t{p.m_axi_awready} << 12 |
        uint64_t{p.m_axi_wlast} << 13 | uint64_t{p.m_axi_wvalid} << 14 |
        uint64_t{p.m_axi_wready} << 15 | uint64_t{p.m_axi_bvalid} << 16 |
        uint64_t{p.m_axi_bready} << 17 | uint64_t{p.m_axi_arvalid} << 18 |
        uint64_t{p.m_axi_arready} << 19 | uint64_t{p.m_axi_rlast} << 20 |
        uint64_t{p.m_axi_rvalid} << 21 | uint64_t{p.m_axi_rready} << 22 |
        uint64_t{p.m_axis_tx_tvalid} << 23 | uint64_t{p.m_axis_tx_tready} << 24 |
        uint64_t{p.m_axis_tx_tlast} << 25 | uint64_t{p.m_axis_tx_tuser} << 26 |
        uint64_t{p.s_axis_rx_tvalid} << 27 | uint64_t{p.s_axis_rx_tready} << 28 |
        uint64_t{p.s_axis_rx_tlast} << 29 | uint64_t{p.s_axis_rx_tuser} << 30 |
        uint64_t{p.intx} << 31 | uint64_t{p.quiescent} << 32);
  f.add(uint64_t{p.s_axil_awaddr} | uint64_t{p.s_axil_araddr} << 16 |
        uint64_t{p.s_axil_wstrb} << 32 | uint64_t{p.s_axil_bresp} << 40 |
        uint64_t{p.s_axil_rresp} << 48);
  f.add(uint64_t{p.s_axil_wdata} | uint64_t{p.s_axil_rdata} << 32);
  f.add(p.m_axi_awaddr);
  f.add(uint64_t{p.m_axi_awlen} | uint64_t{p.m_axi_awsize} << 8 | uint64_t{p.m_axi_awburst} << 16 |
        uint64_t{p.m_axi_wstrb} << 24 | uint64_t{p.m_axi_bresp} << 32 |
        uint64_t{p.m_axi_arlen} << 40 | uint64_t{p.m_axi_arsize} << 48 |
        uint64_t{p.m_axi_arburst} << 56);
  f.add(p.m_axi_wdata);
  f.add(p.m_axi_araddr);
  f.add(p.m_axi_rdata);
  f.add(uint64_t{p.m_axi_rresp} | uint64_t{p.m_axis_tx_tkeep} << 8 |
        uint64_t{p.s_axis_rx_tkeep} << 16);
  f.add(p.m_axis_tx_tdata);
  f.add(p.s_axis_rx_tdata);
  return f.h;
}

}  // namespace nicsim::sim
