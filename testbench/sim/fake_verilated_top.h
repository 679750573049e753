// A stand-in for a Verilated top with the contract's ports at chosen widths, so VerilatedDevice
// can be checked at widths no RTL in the build has. On each rising edge it echoes: DMA read data
// to write data, RX stream to TX stream, and intx follows RX tuser.
#pragma once

#include <verilated.h>

#include <type_traits>

namespace nicsim::testing {

struct NotAPort {};  // a member Verilator would not generate: the port is missing

template <class DmaData, class StreamData, class Strobe, class Keep, class Intx = CData>
struct FakeVerilatedTop {
  FakeVerilatedTop(VerilatedContext*, const char*) {}
  void eval() {
    if (clk && !last_clk) {
      m_axi_wdata = m_axi_rdata;
      m_axis_tx_tdata = s_axis_rx_tdata;
      m_axis_tx_tkeep = s_axis_rx_tkeep;
      m_axis_tx_tvalid = s_axis_rx_tvalid;
      if constexpr (!std::is_same_v<Intx, NotAPort>) intx = s_axis_rx_tuser;
    }
    last_clk = clk;
  }
  void final() {}

  CData clk = 0, rst = 0, last_clk = 0;
  SData s_axil_awaddr = 0, s_axil_araddr = 0;
  CData s_axil_awvalid = 0, s_axil_awready = 0, s_axil_wstrb = 0, s_axil_wvalid = 0,
        s_axil_wready = 0, s_axil_bresp = 0, s_axil_bvalid = 0, s_axil_bready = 0,
        s_axil_arvalid = 0, s_axil_arready = 0, s_axil_rresp = 0, s_axil_rvalid = 0,
        s_axil_rready = 0;
  IData s_axil_wdata = 0, s_axil_rdata = 0;
  QData m_axi_awaddr = 0, m_axi_araddr = 0;
  CData m_axi_awlen = 0, m_axi_awsize = 0, m_axi_awburst = 0, m_axi_awvalid = 0, m_axi_awready = 0,
        m_axi_wlast = 0, m_axi_wvalid = 0, m_axi_wready = 0, m_axi_bresp = 0, m_axi_bvalid = 0,
        m_axi_bready = 0, m_axi_arlen = 0, m_axi_arsize = 0, m_axi_arburst = 0, m_axi_arvalid = 0,
        m_axi_arready = 0, m_axi_rresp = 0, m_axi_rlast = 0, m_axi_rvalid = 0, m_axi_rready = 0;
  DmaData m_axi_wdata{}, m_axi_rdata{};
  Strobe m_axi_wstrb = 0;
  StreamData m_axis_tx_tdata{}, s_axis_rx_tdata{};
  Keep m_axis_tx_tkeep = 0, s_axis_rx_tkeep = 0;
  CData m_axis_tx_tvalid = 0, m_axis_tx_tready = 0, m_axis_tx_tlast = 0, m_axis_tx_tuser = 0,
        s_axis_rx_tvalid = 0, s_axis_rx_tready = 0, s_axis_rx_tlast = 0, s_axis_rx_tuser = 0;
  Intx intx{};
};

}  // namespace nicsim::testing
