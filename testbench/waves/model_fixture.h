// The Verilated NIC alone with a wave tracer and the host probes, clocked by hand (no SystemC).
#pragma once

#include <unistd.h>
#include <verilated.h>

#include <filesystem>
#include <memory>
#include <string>

#include "Vnic_sim_top.h"
#include "sim/trace/host_probe_driver.h"
#include "sim/trace/wave_tracer.h"

namespace nicsim::testing {

class ModelFixture {
 public:
  static constexpr uint64_t kPeriodPs = 4000;

  ModelFixture() {
    context_.traceEverOn(true);
    model_ = std::make_unique<Vnic_sim_top>(&context_, "nic");  // named as NicDomain names it
    dir_ = std::filesystem::temp_directory_path() / ("waves_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  ~ModelFixture() { std::filesystem::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  Vnic_sim_top& model() { return *model_; }
  uint64_t now_ps() const { return now_ps_; }
  void set_now_ps(uint64_t ps) { now_ps_ = ps; }

  // One clock cycle: posedge at cycle * period + period / 2, then the tracer sees it.
  void edge(sim::trace::EdgeTracer* tracer) {
    model_->rst = cycle_ < 4;
    model_->clk = 1;
    model_->eval();
    model_->clk = 0;
    model_->eval();
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
  VerilatedContext context_;
  std::unique_ptr<Vnic_sim_top> model_;
  std::filesystem::path dir_;
  uint64_t cycle_ = 0;
  uint64_t now_ps_ = 0;
};

}  // namespace nicsim::testing
