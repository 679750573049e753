// Binds any Verilated top that meets the port contract (sim/DEVICE_CONTRACT.md) as a Device.
// Ports are copied by their contract names; each port's width comes from the type Verilator gave
// its member (CData 8, SData 16, IData 32, QData 64 bits, VlWide<N> 32 N bits), so only the words
// a port has are copied per edge. `quiescent` and the host probe inputs are optional.
//
// With SystemC included before this header, declare `using sc_core::sc_time_stamp;` first
// (Verilator's runtime calls it unqualified).
#pragma once

#include <verilated.h>

#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sim/device.h"
#include "sim/verilated_output.h"

namespace nicsim::sim {
namespace verilated {

// Bits a Verilated port member can hold.
template <class T>
struct PortStorage {
  static constexpr unsigned bits = 0;  // not a Verilated port type
};
template <>
struct PortStorage<CData> {
  static constexpr unsigned bits = 8;
};
template <>
struct PortStorage<SData> {
  static constexpr unsigned bits = 16;
};
template <>
struct PortStorage<IData> {
  static constexpr unsigned bits = 32;
};
template <>
struct PortStorage<QData> {
  static constexpr unsigned bits = 64;
};
template <std::size_t N>
struct PortStorage<VlWide<N>> {
  static constexpr unsigned bits = 32 * N;
};

template <class Member>
constexpr unsigned port_bits = PortStorage<std::remove_cvref_t<Member>>::bits;
template <class Member>
constexpr bool is_port = port_bits<Member> != 0;

// The widths the contract allows, per kind of port (applied to the storage Verilator chose).
constexpr bool control(unsigned bits) { return bits == 8; }  // 1..8 bits: valid, resp, len...
constexpr bool address(unsigned bits) { return bits >= 16 && bits <= 64; }
constexpr bool register_data(unsigned bits) { return bits == 32; }
constexpr bool bus_data(unsigned bits) {
  return bits == 32 || bits == 64 || bits == 128 || bits == 256 || bits == 512;
}
constexpr bool strobe(unsigned bits) { return bits > 0 && bits <= 64; }

// A data port into a WideWord and back: whole storage words, nothing past the port's width.
template <class Member>
void to_wide(const Member& port, WideWord& word) {
  if constexpr (port_bits < Member >> 64) {
    std::memcpy(word.data(), port.data(), port_bits<Member> / 8);
  } else {
    word.set_word(0, port);
  }
}
template <class Member>
void from_wide(const WideWord& word, Member& port) {
  if constexpr (port_bits < Member >> 64) {
    std::memcpy(port.data(), word.data(), port_bits<Member> / 8);
  } else {
    port = static_cast<std::remove_cvref_t<Member>>(word.word(0));
  }
}
template <class Member, class Value>
void put(Member& port, Value value) {
  port = static_cast<std::remove_cvref_t<Member>>(value);
}

template <class Top>
concept HasQuiescent = requires(Top& top) {
  requires is_port<decltype(top.quiescent)>;
};
template <class Top>
concept HasHostProbes = requires(Top& top) {
  top.host_cpu_irql.data();
  top.host_cpu_context.data();
  top.host_cpu_lock_held.data();
  top.host_cpu_lock_spin.data();
  top.host_cpu_dpc_depth.data();
  top.host_lock_owner.data();
  top.host_violation;
};
template <class Top>
concept HasTrace = requires(Top& top, VerilatedFstC* fst) {
  top.trace(fst, 1);
};

template <class Wide>
std::span<uint32_t> words_of(Wide& port) {
  return {port.data(), sizeof(port) / sizeof(uint32_t)};
}

// The failed assertion in what the model printed: Verilator's "[t] %Error: file.sv:12: Assertion
// failed in scope: message" line, else the last "%Error" line; without nicsim's output capture
// compiled into the model, only that one failed.
inline AssertionFailure assertion_from_output(const std::vector<std::string>& lines, bool hooked) {
  AssertionFailure failure;
  const std::string* error = nullptr;
  for (const auto& line : lines) {
    if (line.find("Assertion failed in ") != std::string::npos) {
      error = &line;
      break;
    }
    if (!error && line.find("%Error") != std::string::npos) error = &line;
  }
  if (!error) {
    failure.message = hooked ? "an assertion failed (no message)"
                             : "an assertion failed (the model prints its message on stdout: "
                               "build it with nicsim_capture_verilated_output to name it here)";
    return failure;
  }
  std::string text = *error;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  if (auto at = text.find("%Error: "); at != std::string::npos) text = text.substr(at + 8);
  const std::string failed = "Assertion failed in ";
  if (auto at = text.find(": " + failed); at != std::string::npos) {
    failure.where = text.substr(0, at);
    std::string rest = text.substr(at + 2 + failed.size());
    const auto colon = rest.find(": ");
    failure.scope = rest.substr(0, colon);
    failure.message = colon == std::string::npos ? "" : rest.substr(colon + 2);
  } else {
    failure.message = text;
  }
  return failure;
}

}  // namespace verilated

// One contract port: present (with a Verilated port type) and within the widths allowed.
#define NICSIM_CONTRACT_PORT(port, allowed)                                      \
  static_assert(                                                                 \
      requires(Top & t) { requires verilated::is_port<decltype(t.port)>; },      \
      "VerilatedDevice: the Verilated top has no port '" #port                   \
      "' (sim/DEVICE_CONTRACT.md lists the ports a device must have)");          \
  static_assert(                                                                 \
      !requires(Top & t) { requires verilated::is_port<decltype(t.port)>; } ||   \
          requires(Top & t) {                                                    \
            requires verilated::allowed(verilated::port_bits<decltype(t.port)>); \
          },                                                                     \
      "VerilatedDevice: port '" #port                                            \
      "' is wider than sim/DEVICE_CONTRACT.md allows (or not a width it allows)")

template <class Top>
class VerilatedDevice : public Device {
  NICSIM_CONTRACT_PORT(clk, control);
  NICSIM_CONTRACT_PORT(rst, control);
  NICSIM_CONTRACT_PORT(s_axil_awaddr, address);
  NICSIM_CONTRACT_PORT(s_axil_awvalid, control);
  NICSIM_CONTRACT_PORT(s_axil_awready, control);
  NICSIM_CONTRACT_PORT(s_axil_wdata, register_data);
  NICSIM_CONTRACT_PORT(s_axil_wstrb, control);
  NICSIM_CONTRACT_PORT(s_axil_wvalid, control);
  NICSIM_CONTRACT_PORT(s_axil_wready, control);
  NICSIM_CONTRACT_PORT(s_axil_bresp, control);
  NICSIM_CONTRACT_PORT(s_axil_bvalid, control);
  NICSIM_CONTRACT_PORT(s_axil_bready, control);
  NICSIM_CONTRACT_PORT(s_axil_araddr, address);
  NICSIM_CONTRACT_PORT(s_axil_arvalid, control);
  NICSIM_CONTRACT_PORT(s_axil_arready, control);
  NICSIM_CONTRACT_PORT(s_axil_rdata, register_data);
  NICSIM_CONTRACT_PORT(s_axil_rresp, control);
  NICSIM_CONTRACT_PORT(s_axil_rvalid, control);
  NICSIM_CONTRACT_PORT(s_axil_rready, control);
  NICSIM_CONTRACT_PORT(m_axi_awaddr, address);
  NICSIM_CONTRACT_PORT(m_axi_awlen, control);
  NICSIM_CONTRACT_PORT(m_axi_awsize, control);
  NICSIM_CONTRACT_PORT(m_axi_awburst, control);
  NICSIM_CONTRACT_PORT(m_axi_awvalid, control);
  NICSIM_CONTRACT_PORT(m_axi_awready, control);
  NICSIM_CONTRACT_PORT(m_axi_wdata, bus_data);
  NICSIM_CONTRACT_PORT(m_axi_wstrb, strobe);
  NICSIM_CONTRACT_PORT(m_axi_wlast, control);
  NICSIM_CONTRACT_PORT(m_axi_wvalid, control);
  NICSIM_CONTRACT_PORT(m_axi_wready, control);
  NICSIM_CONTRACT_PORT(m_axi_bresp, control);
  NICSIM_CONTRACT_PORT(m_axi_bvalid, control);
  NICSIM_CONTRACT_PORT(m_axi_bready, control);
  NICSIM_CONTRACT_PORT(m_axi_araddr, address);
  NICSIM_CONTRACT_PORT(m_axi_arlen, control);
  NICSIM_CONTRACT_PORT(m_axi_arsize, control);
  NICSIM_CONTRACT_PORT(m_axi_arburst, control);
  NICSIM_CONTRACT_PORT(m_axi_arvalid, control);
  NICSIM_CONTRACT_PORT(m_axi_arready, control);
  NICSIM_CONTRACT_PORT(m_axi_rdata, bus_data);
  NICSIM_CONTRACT_PORT(m_axi_rresp, control);
  NICSIM_CONTRACT_PORT(m_axi_rlast, control);
  NICSIM_CONTRACT_PORT(m_axi_rvalid, control);
  NICSIM_CONTRACT_PORT(m_axi_rready, control);
  NICSIM_CONTRACT_PORT(m_axis_tx_tdata, bus_data);
  NICSIM_CONTRACT_PORT(m_axis_tx_tkeep, strobe);
  NICSIM_CONTRACT_PORT(m_axis_tx_tvalid, control);
  NICSIM_CONTRACT_PORT(m_axis_tx_tready, control);
  NICSIM_CONTRACT_PORT(m_axis_tx_tlast, control);
  NICSIM_CONTRACT_PORT(m_axis_tx_tuser, control);
  NICSIM_CONTRACT_PORT(s_axis_rx_tdata, bus_data);
  NICSIM_CONTRACT_PORT(s_axis_rx_tkeep, strobe);
  NICSIM_CONTRACT_PORT(s_axis_rx_tvalid, control);
  NICSIM_CONTRACT_PORT(s_axis_rx_tready, control);
  NICSIM_CONTRACT_PORT(s_axis_rx_tlast, control);
  NICSIM_CONTRACT_PORT(s_axis_rx_tuser, control);
  NICSIM_CONTRACT_PORT(intx, control);
  static_assert(verilated::port_bits<decltype(std::declval<Top&>().m_axis_tx_tdata)> ==
                    verilated::port_bits<decltype(std::declval<Top&>().s_axis_rx_tdata)>,
                "VerilatedDevice: m_axis_tx_tdata and s_axis_rx_tdata must have the same width");

  template <class T>
  static constexpr unsigned bits = verilated::port_bits<T>;

 public:
  // name: the model's instance name (the wave's top scope).
  explicit VerilatedDevice(const char* name = "nic")
      : context_(std::make_unique<VerilatedContext>()) {
    context_->traceEverOn(true);  // before time 0, so a wave tracer can attach later
    // A failed assertion ($error, $stop) sets gotError instead of aborting the process: it is
    // taken after the edge as an AssertionFailure (RTL_ASSERTION), its text not echoed.
    context_->fatalOnError(false);
    verilated_output::capture().echo_errors = false;
    top_ = std::make_unique<Top>(context_.get(), name);
    shape_.reg_addr_bits = bits<decltype(top_->s_axil_awaddr)>;
    shape_.dma_data_bits = bits<decltype(top_->m_axi_wdata)>;
    shape_.stream_data_bits = bits<decltype(top_->m_axis_tx_tdata)>;
    shape_.has_quiescent = verilated::HasQuiescent<Top>;
    top_->clk = 0;
    top_->rst = 1;
    top_->eval();
  }
  ~VerilatedDevice() override { top_->final(); }
  VerilatedDevice(const VerilatedDevice&) = delete;
  VerilatedDevice& operator=(const VerilatedDevice&) = delete;

  Top& top() { return *top_; }
  const DeviceShape& shape() const override { return shape_; }

  void read_outputs(DevicePorts& p) const override {
    const Top& m = *top_;
    p.regs.awready = m.s_axil_awready;
    p.regs.wready = m.s_axil_wready;
    p.regs.bresp = m.s_axil_bresp;
    p.regs.bvalid = m.s_axil_bvalid;
    p.regs.arready = m.s_axil_arready;
    p.regs.rdata = m.s_axil_rdata;
    p.regs.rresp = m.s_axil_rresp;
    p.regs.rvalid = m.s_axil_rvalid;
    p.dma.awaddr = m.m_axi_awaddr;
    p.dma.awlen = m.m_axi_awlen;
    p.dma.awsize = m.m_axi_awsize;
    p.dma.awburst = m.m_axi_awburst;
    p.dma.awvalid = m.m_axi_awvalid;
    verilated::to_wide(m.m_axi_wdata, p.dma.wdata);
    p.dma.wstrb = m.m_axi_wstrb;
    p.dma.wlast = m.m_axi_wlast;
    p.dma.wvalid = m.m_axi_wvalid;
    p.dma.bready = m.m_axi_bready;
    p.dma.araddr = m.m_axi_araddr;
    p.dma.arlen = m.m_axi_arlen;
    p.dma.arsize = m.m_axi_arsize;
    p.dma.arburst = m.m_axi_arburst;
    p.dma.arvalid = m.m_axi_arvalid;
    p.dma.rready = m.m_axi_rready;
    verilated::to_wide(m.m_axis_tx_tdata, p.tx.tdata);
    p.tx.tkeep = m.m_axis_tx_tkeep;
    p.tx.tvalid = m.m_axis_tx_tvalid;
    p.tx.tlast = m.m_axis_tx_tlast;
    p.tx.tuser = m.m_axis_tx_tuser;
    p.rx.tready = m.s_axis_rx_tready;
    p.intx = m.intx;
    if constexpr (verilated::HasQuiescent<Top>) p.quiescent = m.quiescent;
  }

  void eval_edge(DevicePorts& p, uint64_t time_ps) override {
    // Verilator's $stop handling reads the thread's context: make it this model's.
    Verilated::threadContextp(context_.get());
    write_inputs(p);
    top_->clk = 0;
    top_->eval();  // settles outputs that depend on this cycle's inputs
    read_outputs(p);
    context_->time(time_ps);
    top_->clk = 1;
    top_->eval();
  }

  bool intx() const override { return top_->intx; }

  std::optional<AssertionFailure> take_assertion_failure() override {
    if (!context_->gotError()) return std::nullopt;
    auto& output = verilated_output::capture();
    AssertionFailure failure = verilated::assertion_from_output(output.lines, output.hooked);
    output.lines.clear();
    context_->gotError(false);
    context_->gotFinish(false);
    return failure;
  }

  VerilatedContext& context() override { return *context_; }
  void trace(VerilatedFstC& fst, int levels) override {
    if constexpr (verilated::HasTrace<Top>) {
      top_->trace(&fst, levels);
    } else {
      throw std::logic_error("this device model was built without trace support");
    }
  }
  void settle() override { top_->eval(); }
  std::optional<HostProbePorts> host_probes() override {
    if constexpr (verilated::HasHostProbes<Top>) {
      Top& m = *top_;
      return HostProbePorts{verilated::words_of(m.host_cpu_irql),
                            verilated::words_of(m.host_cpu_context),
                            verilated::words_of(m.host_cpu_lock_held),
                            verilated::words_of(m.host_cpu_lock_spin),
                            verilated::words_of(m.host_cpu_dpc_depth),
                            verilated::words_of(m.host_lock_owner),
                            &m.host_violation};
    } else {
      return std::nullopt;
    }
  }

 private:
  void write_inputs(const DevicePorts& p) {
    Top& m = *top_;
    using verilated::put;
    put(m.rst, p.rst);
    put(m.s_axil_awaddr, p.regs.awaddr);
    put(m.s_axil_awvalid, p.regs.awvalid);
    put(m.s_axil_wdata, p.regs.wdata);
    put(m.s_axil_wstrb, p.regs.wstrb);
    put(m.s_axil_wvalid, p.regs.wvalid);
    put(m.s_axil_bready, p.regs.bready);
    put(m.s_axil_araddr, p.regs.araddr);
    put(m.s_axil_arvalid, p.regs.arvalid);
    put(m.s_axil_rready, p.regs.rready);
    put(m.m_axi_awready, p.dma.awready);
    put(m.m_axi_wready, p.dma.wready);
    put(m.m_axi_bresp, p.dma.bresp);
    put(m.m_axi_bvalid, p.dma.bvalid);
    put(m.m_axi_arready, p.dma.arready);
    verilated::from_wide(p.dma.rdata, m.m_axi_rdata);
    put(m.m_axi_rresp, p.dma.rresp);
    put(m.m_axi_rlast, p.dma.rlast);
    put(m.m_axi_rvalid, p.dma.rvalid);
    put(m.m_axis_tx_tready, p.tx.tready);
    verilated::from_wide(p.rx.tdata, m.s_axis_rx_tdata);
    put(m.s_axis_rx_tkeep, p.rx.tkeep);
    put(m.s_axis_rx_tvalid, p.rx.tvalid);
    put(m.s_axis_rx_tlast, p.rx.tlast);
    put(m.s_axis_rx_tuser, p.rx.tuser);
  }

  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Top> top_;
  DeviceShape shape_;
};

#undef NICSIM_CONTRACT_PORT

}  // namespace nicsim::sim
