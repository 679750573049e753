// Clocks one Verilated RTL block from C++ and records the SystemVerilog assertions it reports.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <random>
#include <string>

#include "verilated.h"

namespace nicsim::rtltest {

template <class Model>
class BlockSim {
 public:
  BlockSim() : context_(std::make_unique<VerilatedContext>()) {
    context_->randReset(0);
    // A failed assertion ($error) is recorded in gotError() instead of aborting the test binary.
    context_->fatalOnError(false);
    dut_ = std::make_unique<Model>(context_.get());
    dut_->clk = 0;
    dut_->rst = 1;
    dut_->eval();
  }
  ~BlockSim() { dut_->final(); }
  BlockSim(const BlockSim&) = delete;
  BlockSim& operator=(const BlockSim&) = delete;

  Model& dut() { return *dut_; }
  // Rising edges so far.
  uint64_t cycle() const { return cycle_; }
  bool assertion_failed() const { return context_->gotError(); }

  // Combinational outputs for the inputs set so far, before the next edge.
  void settle() { dut_->eval(); }
  // One rising edge with the current inputs.
  void edge() {
    dut_->clk = 0;
    dut_->eval();
    dut_->clk = 1;
    dut_->eval();
    dut_->clk = 0;
    dut_->eval();
    ++cycle_;
  }
  void reset(int cycles = 3) {
    dut_->rst = 1;
    for (int i = 0; i < cycles; ++i) edge();
    dut_->rst = 0;
    settle();
  }

 private:
  std::unique_ptr<VerilatedContext> context_;
  std::unique_ptr<Model> dut_;
  uint64_t cycle_ = 0;
};

// Seeded coin for random back-pressure: true with the given percent.
class Coin {
 public:
  explicit Coin(uint64_t seed) : rng_(seed) {}
  bool operator()(unsigned percent) {
    return std::uniform_int_distribution<unsigned>(0, 99)(rng_) < percent;
  }
  uint64_t uniform(uint64_t lo, uint64_t hi) {
    return std::uniform_int_distribution<uint64_t>(lo, hi)(rng_);
  }
  std::mt19937_64& rng() { return rng_; }

 private:
  std::mt19937_64 rng_;
};

// Runs fn with stdout captured (Verilator prints assertion messages there) and returns it.
template <class Fn>
std::string CaptureAssertionOutput(Fn&& fn) {
  std::fflush(stdout);
  testing::internal::CaptureStdout();
  fn();
  std::fflush(stdout);
  return testing::internal::GetCapturedStdout();
}

}  // namespace nicsim::rtltest
