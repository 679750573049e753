#include "sim/trace/timeline_writer.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace nicsim::sim::trace {
namespace {

using nlohmann::json;

class TimelineWriterTest : public ::testing::Test {
 protected:
  std::string path_ = (std::filesystem::temp_directory_path() /
                       ("timeline_" + std::to_string(::getpid()) + ".json"))
                          .string();
  uint64_t now_ps_ = 0;
  void TearDown() override { std::filesystem::remove(path_); }

  json read() {
    std::ifstream in(path_);
    return json::parse(in);
  }
  static std::vector<json> named(const json& doc, const std::string& name) {
    std::vector<json> out;
    for (const auto& e : doc["traceEvents"]) {
      if (e.value("name", "") == name) out.push_back(e);
    }
    return out;
  }
};

TEST_F(TimelineWriterTest, FramesBecomeSpansOnTheirCpuTrackInMicroseconds) {
  {
    TimelineWriter writer(path_, [this] { return now_ps_; });
    now_ps_ = 2'000'000;  // 2 us
    writer.on_frame(1, CpuContext::kIsr, "MPInterrupt", true);
    now_ps_ = 2'500'000;
    writer.on_frame(1, CpuContext::kIsr, "MPInterrupt", false);
    now_ps_ = 3'000'000;
    writer.on_frame(2, CpuContext::kDpc, "MPInterruptDpc", true);
    now_ps_ = 3'100'000;
    writer.on_frame(2, CpuContext::kSync, "MPSyncFetchCause", true);
    now_ps_ = 3'200'000;
    writer.on_frame(2, CpuContext::kSync, "MPSyncFetchCause", false);
    now_ps_ = 4'000'000;
    writer.on_frame(2, CpuContext::kDpc, "MPInterruptDpc", false);
    writer.finish();
  }
  const json doc = read();
  const auto isr = named(doc, "ISR: MPInterrupt");
  ASSERT_EQ(isr.size(), 1u);
  EXPECT_EQ(isr[0]["ph"], "X");
  EXPECT_EQ(isr[0]["tid"], 1);
  EXPECT_DOUBLE_EQ(isr[0]["ts"].get<double>(), 2.0);
  EXPECT_DOUBLE_EQ(isr[0]["dur"].get<double>(), 0.5);
  const auto dpc = named(doc, "DPC: MPInterruptDpc");
  ASSERT_EQ(dpc.size(), 1u);
  EXPECT_EQ(dpc[0]["tid"], 2);
  const auto sync = named(doc, "sync: MPSyncFetchCause");
  ASSERT_EQ(sync.size(), 1u);
  EXPECT_DOUBLE_EQ(sync[0]["ts"].get<double>(), 3.1);
  // Every CPU track that has events is named.
  int cpu_names = 0;
  for (const auto& e : doc["traceEvents"]) {
    if (e["ph"] == "M" && e["name"] == "thread_name") {
      ++cpu_names;
      EXPECT_EQ(e["args"]["name"], "CPU " + std::to_string(e["tid"].get<int>()));
    }
  }
  EXPECT_EQ(cpu_names, 2);
}

TEST_F(TimelineWriterTest, LockSpinThenHoldAreSeparateSpansNamedAfterTheLock) {
  {
    TimelineWriter writer(path_, [this] { return now_ps_; });
    now_ps_ = 1'000'000;
    writer.on_lock(0, LockEvent::kSpinBegin, 2, "RcvLock");
    now_ps_ = 1'400'000;
    writer.on_lock(0, LockEvent::kAcquired, 2, "RcvLock");
    now_ps_ = 2'000'000;
    writer.on_lock(0, LockEvent::kReleased, 2, "RcvLock");
  }
  const json doc = read();
  const auto spin = named(doc, "spin: RcvLock");
  const auto hold = named(doc, "hold: RcvLock");
  ASSERT_EQ(spin.size(), 1u);
  ASSERT_EQ(hold.size(), 1u);
  EXPECT_DOUBLE_EQ(spin[0]["ts"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(spin[0]["dur"].get<double>(), 0.4);
  EXPECT_DOUBLE_EQ(hold[0]["ts"].get<double>(), 1.4);
  EXPECT_DOUBLE_EQ(hold[0]["dur"].get<double>(), 0.6);
}

TEST_F(TimelineWriterTest, ViolationAndInterruptAreInstantsCarryingRuleAndVector) {
  {
    TimelineWriter writer(path_, [this] { return now_ps_; });
    now_ps_ = 5'002'000;
    writer.on_interrupt_raised("msix", 3, 1);
    writer.on_interrupt_raised("intx", 0, -1);
    Violation v;
    v.rule = "IRQL_DPR_ACQUIRE";
    v.cpu = 3;
    v.sim_ns = 6'123;
    writer.on_violation(v);
  }
  const json doc = read();
  const auto msix = named(doc, "interrupt raised: msix");
  ASSERT_EQ(msix.size(), 1u);
  EXPECT_EQ(msix[0]["ph"], "i");
  EXPECT_EQ(msix[0]["tid"], 1);
  EXPECT_EQ(msix[0]["args"]["vector"], 3);
  EXPECT_DOUBLE_EQ(msix[0]["ts"].get<double>(), 5.002);
  const auto intx = named(doc, "interrupt raised: intx");
  ASSERT_EQ(intx.size(), 1u);
  EXPECT_EQ(intx[0]["tid"], TimelineWriter::kNicTrack);
  const auto violation = named(doc, "violation: IRQL_DPR_ACQUIRE");
  ASSERT_EQ(violation.size(), 1u);
  EXPECT_EQ(violation[0]["args"]["rule"], "IRQL_DPR_ACQUIRE");
  EXPECT_DOUBLE_EQ(violation[0]["ts"].get<double>(), 6.123);
}

TEST_F(TimelineWriterTest, SpansStillOpenAtTheEndAreClosedAndMarkedUnfinished) {
  {
    TimelineWriter writer(path_, [this] { return now_ps_; });
    writer.on_lock(1, LockEvent::kAcquired, 0, "SendLock");
    writer.on_frame(1, CpuContext::kDpc, "MPInterruptDpc", true);
    now_ps_ = 7'000'000;
  }
  const json doc = read();
  const auto hold = named(doc, "hold: SendLock");
  ASSERT_EQ(hold.size(), 1u);
  EXPECT_TRUE(hold[0]["args"]["unfinished"].get<bool>());
  EXPECT_DOUBLE_EQ(hold[0]["dur"].get<double>(), 7.0);
  EXPECT_EQ(named(doc, "DPC: MPInterruptDpc").size(), 1u);
}

TEST(TimelineWriterErrors, UnwritablePathIsAClearError) {
  try {
    TimelineWriter writer("/nonexistent-dir/x.json", [] { return uint64_t{0}; });
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x.json"), std::string::npos);
  }
}

}  // namespace
}  // namespace nicsim::sim::trace
