// The seam between the platform and a device model: whatever meets the port contract
// (sim/DEVICE_CONTRACT.md) is evaluated edge by edge through DevicePorts. VerilatedDevice
// (sim/verilated_device.h) binds any Verilated top; the clock domain, the wave tracer and the
// tests know only this interface.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "sim/device_ports.h"

class VerilatedContext;
class VerilatedFstC;

namespace nicsim::sim {

// The wave's host rows: input ports a testbench top may add (host_cpu_irql ...), each packed
// per CPU or per lock, that the host drives so its state is traced beside the RTL. They are not
// part of the device contract: a device without them binds, and its wave has no host rows.
struct HostProbePorts {
  std::span<uint32_t> cpu_irql, cpu_context, cpu_lock_held, cpu_lock_spin, cpu_dpc_depth;
  std::span<uint32_t> lock_owner;
  uint8_t* violation = nullptr;
};

// An assertion in the device's RTL that failed (RTL_ASSERTION): what the simulator said of it.
struct AssertionFailure {
  std::string message;  // the assertion's own message ("RX head would pass its tail")
  std::string scope;    // the module instance it sits in ("nic.nic_sim_top.nic.csr...")
  std::string where;    // its source "file.sv:line", "" when unknown
};

class Device {
 public:
  virtual ~Device() = default;

  virtual const DeviceShape& shape() const = 0;

  // Copies the outputs as they are now (after the last edge) into ports.
  virtual void read_outputs(DevicePorts& ports) const = 0;
  // One rising edge at time_ps: drives the inputs from ports, settles the outputs that depend on
  // them and copies them into ports (what the edge samples), then evaluates the edge.
  virtual void eval_edge(DevicePorts& ports, uint64_t time_ps) = 0;
  // The interrupt line as the last edge left it.
  virtual bool intx() const = 0;
  // An assertion that failed while evaluating the last edge (taken: the next call returns
  // nullopt until another fails). Models without assertions keep the default.
  virtual std::optional<AssertionFailure> take_assertion_failure() { return std::nullopt; }

  // --- tracing hook (the wave tracer and the host probes) ---
  virtual VerilatedContext& context() = 0;
  // Attaches an FST writer to the model. Throws std::logic_error when it was built without trace.
  virtual void trace(VerilatedFstC& fst, int levels) = 0;
  // Re-evaluates without a clock change, so inputs the host probes changed reach the trace.
  virtual void settle() = 0;
  // The model's host probe inputs, when it has them.
  virtual std::optional<HostProbePorts> host_probes() { return std::nullopt; }
};

}  // namespace nicsim::sim
