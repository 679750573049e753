// The Verilated NIC alone, clocked by plain C++: the same per-cycle work as NicDomain::step without
// SystemC, with a synchronous AXI4-Lite master for register accesses. Templated on the model so
// the same loop runs the traced and the untraced build of nic_sim_top.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

#include "sim/axi_memory_slave.h"
#include "sim/host_memory.h"
#include "sim/interrupt_controller.h"
#include "sim/mmio.h"
#include "sim/port_snapshot.h"

// With SystemC included, Verilator's runtime calls an unqualified sc_time_stamp().
#include <systemc>
using sc_core::sc_time_stamp;
#include "verilated.h"

namespace nicsim::sim {

template <class Model>
class BareNic : public MmioPort {
 public:
  explicit BareNic(HostMemory& memory)
      : slave_(memory, MemoryConfig{}, 1, InterruptController::kMsiBase,
               InterruptController::kMsiSize) {
    // As NicDomain does: tracing possible from time 0, whether or not a tracer ever attaches.
    context_.traceEverOn(true);
    model_ = std::make_unique<Model>(&context_, "nic");
    model_->clk = 0;
    model_->rst = 1;
    model_->eval();
  }
  ~BareNic() override { model_->final(); }

  Model& model() { return *model_; }
  uint64_t cycle() const { return cycle_; }
  // Called after each edge with its cycle (a wave tracer's dump).
  void set_edge_hook(std::function<void(uint64_t)> hook) { edge_hook_ = std::move(hook); }

  void step() {
    Model& model = *model_;
    read_outputs(model, ports_);
    ports_.rst = cycle_ < 8;
    slave_.drive(cycle_, ports_);
    const bool write = lite_.active && lite_.write, read = lite_.active && !lite_.write;
    ports_.s_axil_awvalid = !ports_.rst && write && !lite_.addr_done;
    ports_.s_axil_awaddr = lite_.offset;
    ports_.s_axil_wvalid = !ports_.rst && write && !lite_.data_done;
    ports_.s_axil_wdata = lite_.value;
    ports_.s_axil_wstrb = 0xF;
    ports_.s_axil_bready = write && lite_.addr_done && lite_.data_done;
    ports_.s_axil_arvalid = !ports_.rst && read && !lite_.addr_done;
    ports_.s_axil_araddr = lite_.offset;
    ports_.s_axil_rready = read && lite_.addr_done;
    write_inputs(ports_, model);
    model.clk = 0;
    model.eval();
    read_outputs(model, ports_);
    model.clk = 1;
    model.eval();
    if (edge_hook_) edge_hook_(cycle_);
    slave_.on_edge(cycle_, ports_);
    slave_.take_messages();
    const PortSnapshot& p = ports_;
    if ((p.s_axil_awvalid && p.s_axil_awready) || (p.s_axil_arvalid && p.s_axil_arready)) {
      lite_.addr_done = true;
    }
    if (p.s_axil_wvalid && p.s_axil_wready) lite_.data_done = true;
    if ((p.s_axil_bvalid && p.s_axil_bready) || (p.s_axil_rvalid && p.s_axil_rready)) {
      lite_.result = p.s_axil_rdata;
      lite_.active = false;
    }
    ++cycle_;
  }

  uint32_t read32(uint32_t offset) override { return transact(false, offset, 0); }
  void write32(uint32_t offset, uint32_t value) override { transact(true, offset, value); }

 private:
  struct Lite {
    bool active = false, write = false, addr_done = false, data_done = false;
    uint16_t offset = 0;
    uint32_t value = 0, result = 0;
  };
  uint32_t transact(bool write, uint32_t offset, uint32_t value) {
    lite_ = Lite{true, write, false, false, static_cast<uint16_t>(offset), value, 0};
    while (lite_.active) step();
    return lite_.result;
  }

  VerilatedContext context_;
  std::unique_ptr<Model> model_;
  AxiMemorySlave slave_;
  PortSnapshot ports_;
  Lite lite_;
  std::function<void(uint64_t)> edge_hook_;
  uint64_t cycle_ = 0;
};

}  // namespace nicsim::sim
