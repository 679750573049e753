// The Verilated NIC alone, clocked by plain C++: the same per-cycle work as NicDomain::step without
// SystemC, with a synchronous AXI4-Lite master for register accesses. Templated on the model
// (bound through VerilatedDevice) so the same loop runs the traced and the untraced build of
// nic_sim_top.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

#include "sim/axi_memory_slave.h"
#include "sim/host_memory.h"
#include "sim/interrupt_controller.h"
#include "sim/mmio.h"

// With SystemC included, Verilator's runtime calls an unqualified sc_time_stamp().
#include <systemc>
using sc_core::sc_time_stamp;
#include "sim/verilated_device.h"

namespace nicsim::sim {

template <class Model>
class BareNic : public MmioPort {
 public:
  explicit BareNic(HostMemory& memory)
      : device_("nic"),
        slave_(memory, MemoryConfig{}, 1, InterruptController::kMsiBase,
               InterruptController::kMsiSize, device_.shape()) {}

  Device& device() { return device_; }
  uint64_t cycle() const { return cycle_; }
  // Called after each edge with its cycle (a wave tracer's dump).
  void set_edge_hook(std::function<void(uint64_t)> hook) { edge_hook_ = std::move(hook); }

  void step() {
    device_.read_outputs(ports_);
    ports_.rst = cycle_ < 8;
    slave_.drive(cycle_, ports_);
    const bool write = lite_.active && lite_.write, read = lite_.active && !lite_.write;
    AxiLitePorts& regs = ports_.regs;
    regs.awvalid = !ports_.rst && write && !lite_.addr_done;
    regs.awaddr = lite_.offset;
    regs.wvalid = !ports_.rst && write && !lite_.data_done;
    regs.wdata = lite_.value;
    regs.wstrb = 0xF;
    regs.bready = write && lite_.addr_done && lite_.data_done;
    regs.arvalid = !ports_.rst && read && !lite_.addr_done;
    regs.araddr = lite_.offset;
    regs.rready = read && lite_.addr_done;
    device_.eval_edge(ports_, cycle_ * kPeriodPs);
    if (edge_hook_) edge_hook_(cycle_);
    slave_.on_edge(cycle_, ports_);
    slave_.take_messages();
    if ((regs.awvalid && regs.awready) || (regs.arvalid && regs.arready)) lite_.addr_done = true;
    if (regs.wvalid && regs.wready) lite_.data_done = true;
    if ((regs.bvalid && regs.bready) || (regs.rvalid && regs.rready)) {
      lite_.result = regs.rdata;
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

  static constexpr uint64_t kPeriodPs = 4000;  // 250 MHz, for the model's time only

  VerilatedDevice<Model> device_;
  AxiMemorySlave slave_;
  DevicePorts ports_;
  Lite lite_;
  std::function<void(uint64_t)> edge_hook_;
  uint64_t cycle_ = 0;
};

}  // namespace nicsim::sim
