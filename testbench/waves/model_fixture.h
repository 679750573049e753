// The Verilated NIC alone (bound as a device, as the platform binds it) with a wave tracer and the
// host probes, clocked by hand (no SystemC).
#pragma once

#include <unistd.h>
#include <verilated.h>

#include <filesystem>
#include <memory>
#include <string>

#include "Vnic_sim_top.h"
#include "sim/trace/host_probe_driver.h"
#include "sim/trace/wave_tracer.h"
#include "sim/verilated_device.h"

namespace nicsim::testing {

class ModelFixture {
 public:
  static constexpr uint64_t kPeriodPs = 4000;

  ModelFixture() : device_("nic") {  // named as the platform names it
    dir_ = std::filesystem::temp_directory_path() / ("waves_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  ~ModelFixture() { std::filesystem::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  Vnic_sim_top& model() { return device_.top(); }
  sim::Device& device() { return device_; }
  sim::HostProbePorts probe_ports() { return *device_.host_probes(); }
  uint64_t now_ps() const { return now_ps_; }
  void set_now_ps(uint64_t ps) { now_ps_ = ps; }

  // One clock cycle: posedge at cycle * period + period / 2, then the tracer sees it.
  void edge(sim::trace::EdgeTracer* tracer) {
    Vnic_sim_top& model = device_.top();
    model.rst = cycle_ < 4;
    model.clk = 1;
    model.eval();
    model.clk = 0;
    model.eval();
    now_ps_ = cycle_ * kPeriodPs + kPeriodPs / 2;
    if (tracer) tracer->on_edge(now_ps_);
    ++cycle_;
  }
  // Runs edges until the next edge would be after time_ps, then sets the host time to time_ps.
  void run_until(sim::trace::EdgeTracer* tracer, uint64_t time_ps) {
    while (cycle_ * kPeriodPs + kPeriodPs / 2 <= time_ps) edge(tracer);
    now_ps_ = time_ps;
  }

 private:
  sim::VerilatedDevice<Vnic_sim_top> device_;
  std::filesystem::path dir_;
  uint64_t cycle_ = 0;
  uint64_t now_ps_ = 0;
};

}  // namespace nicsim::testing
