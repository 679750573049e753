// A device's ports in one cycle, as sampled by the clock edge: inputs the host drove and outputs
// the model showed, one struct per interface of the port contract (sim/DEVICE_CONTRACT.md). Plain
// data, wide enough for every width the contract allows, so adapters and monitors work without a
// model; DeviceShape says how much of each field a device uses.
#pragma once

#include <cstdint>

#include "sim/wide_word.h"

namespace nicsim::sim {

// The widths of one device's ports, discovered from its model.
struct DeviceShape {
  unsigned reg_addr_bits = 16;     // AXI4-Lite address: the bits the port can hold
  unsigned dma_data_bits = 64;     // AXI4 data: 32, 64, 128, 256 or 512
  unsigned stream_data_bits = 64;  // AXI4-Stream data (TX and RX): 32 .. 512
  bool has_quiescent = true;       // false: never idle, every edge is evaluated

  unsigned dma_data_bytes() const { return dma_data_bits / 8; }
  unsigned stream_data_bytes() const { return stream_data_bits / 8; }
};

// Registers: the device's AXI4-Lite slave (s_axil_*), 32-bit data.
struct AxiLitePorts {
  uint64_t awaddr = 0;
  bool awvalid = false, awready = false;
  uint32_t wdata = 0;
  uint8_t wstrb = 0;
  bool wvalid = false, wready = false;
  uint8_t bresp = 0;
  bool bvalid = false, bready = false;
  uint64_t araddr = 0;
  bool arvalid = false, arready = false;
  uint32_t rdata = 0;
  uint8_t rresp = 0;
  bool rvalid = false, rready = false;

  bool operator==(const AxiLitePorts&) const = default;
};

// DMA and interrupt messages: the device's AXI4 master (m_axi_*). Strobes: one bit per data byte.
struct Axi4Ports {
  uint64_t awaddr = 0;
  uint8_t awlen = 0, awsize = 0, awburst = 0;
  bool awvalid = false, awready = false;
  WideWord wdata;
  uint64_t wstrb = 0;
  bool wlast = false, wvalid = false, wready = false;
  uint8_t bresp = 0;
  bool bvalid = false, bready = false;
  uint64_t araddr = 0;
  uint8_t arlen = 0, arsize = 0, arburst = 0;
  bool arvalid = false, arready = false;
  WideWord rdata;
  uint8_t rresp = 0;
  bool rlast = false, rvalid = false, rready = false;

  bool operator==(const Axi4Ports&) const = default;
};

// One AXI4-Stream direction (TX: m_axis_tx_*, the device sends; RX: s_axis_rx_*, it receives).
struct AxiStreamPorts {
  WideWord tdata;
  uint64_t tkeep = 0;  // one bit per data byte
  bool tvalid = false, tready = false, tlast = false, tuser = false;

  bool operator==(const AxiStreamPorts&) const = default;
};

struct DevicePorts {
  bool rst = false;
  AxiLitePorts regs;
  Axi4Ports dma;
  AxiStreamPorts tx;  // device -> link
  AxiStreamPorts rx;  // link -> device
  bool intx = false;
  bool quiescent = false;  // a device without the port never shows it

  bool operator==(const DevicePorts&) const = default;
};

// A stable 64-bit digest of every port value (FNV-1a over the fields).
uint64_t hash_ports(const DevicePorts& ports);

// The host drives nothing: reset low and every input at its idle value (zero).
bool inputs_idle(const DevicePorts& ports);

}  // namespace nicsim::sim
