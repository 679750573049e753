// The Verilated NIC alone, clocked by plain C++: the same per-cycle work as NicDomain::step without
// SystemC; register accesses go through the platform's AxiLiteMaster, one at a time. Templated on
// the model (bound through VerilatedDevice) so the same loop runs the traced and the untraced build
// of nic_sim_top.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

#include "sim/axi_lite_master.h"
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
               InterruptController::kMsiSize, device_.shape()),
        lite_(device_.shape().reg_addr_bits) {}

  Device& device() { return device_; }
  uint64_t cycle() const { return cycle_; }
  // Called after each edge with its cycle (a wave tracer's dump).
  void set_edge_hook(std::function<void(uint64_t)> hook) { edge_hook_ = std::move(hook); }

  void step() {
    device_.read_outputs(ports_);
    ports_.rst = cycle_ < 8;
    slave_.drive(cycle_, ports_);
    // Register accesses wait for the NIC to leave reset, as in NicDomain::step.
    if (ports_.rst) {
      AxiLiteMaster::drive_idle(ports_.regs);
    } else {
      lite_.drive(ports_.regs);
    }
    device_.eval_edge(ports_, cycle_ * kPeriodPs);
    if (edge_hook_) edge_hook_(cycle_);
    slave_.on_edge(cycle_, ports_);
    slave_.take_messages();
    if (!ports_.rst) {
      if (auto done = lite_.on_edge(ports_.regs)) result_ = done->data;
    }
    ++cycle_;
  }

  uint32_t read32(uint32_t offset) override {
    lite_.read(offset);
    return finish();
  }
  void write32(uint32_t offset, uint32_t value) override {
    lite_.write(offset, value);
    finish();
  }

 private:
  uint32_t finish() {
    while (!lite_.idle()) step();
    return result_;
  }

  static constexpr uint64_t kPeriodPs = 4000;  // 250 MHz, for the model's time only

  VerilatedDevice<Model> device_;
  AxiMemorySlave slave_;
  AxiLiteMaster lite_;
  DevicePorts ports_;
  uint32_t result_ = 0;
  std::function<void(uint64_t)> edge_hook_;
  uint64_t cycle_ = 0;
};

}  // namespace nicsim::sim
