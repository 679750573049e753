#include "sim/trace/wave_tracer.h"

#include <gtest/gtest.h>

#include "testbench/waves/model_fixture.h"
#include "testbench/waves/vcd_reader.h"

namespace nicsim::sim::trace {
namespace {

using nicsim::testing::ModelFixture;

// Drives a short run: CPU 1 enters an ISR at IRQL 5 at 1000 ns, leaves at 1500 ns.
void short_run(ModelFixture& f, WaveTracer& tracer, HostProbeDriver& probes, uint64_t end_ps) {
  f.run_until(&tracer, 1'000'000);
  probes.on_irql(1, 5);
  probes.on_frame(1, CpuContext::kIsr, "MPInterrupt", true);
  f.run_until(&tracer, 1'500'000);
  probes.on_frame(1, CpuContext::kIsr, "MPInterrupt", false);
  probes.on_irql(1, 0);
  f.run_until(&tracer, end_ps);
}

TEST(WaveTracer, FstHoldsRtlAndHostScopesOnOneTimeAxis) {
  ModelFixture f;
  WaveTracer tracer(f.device(), {.path = f.path("run.fst")});
  HostProbeDriver probes(f.probe_ports(), &tracer, [&] { return f.now_ps(); });
  short_run(f, tracer, probes, 2'000'000);
  ASSERT_TRUE(tracer.finish());

  const auto vcd = nicsim::testing::parse_vcd(nicsim::testing::fst_to_vcd_text(f.path("run.fst")));
  EXPECT_EQ(vcd.timescale, "1ps");
  EXPECT_FALSE(vcd.find({"nic.", "m_axi_awvalid"}).empty());
  const auto irql = vcd.find({"host.", "cpu[1]", "irql"});
  ASSERT_FALSE(irql.empty()) << vcd.header.substr(0, 2000);
  // The change shows at the host's own time, not at the next edge.
  EXPECT_EQ(vcd.first_rise(irql[0]), 1'000'000u);
  EXPECT_EQ(vcd.value_at(irql[0], 1'499'000), 5u);
  EXPECT_EQ(vcd.value_at(irql[0], 1'600'000), 0u);
  const auto context = vcd.find({"host.", "cpu[1]", "context"});
  ASSERT_FALSE(context.empty());
  EXPECT_EQ(vcd.value_at(context[0], 1'200'000), static_cast<uint64_t>(CpuContext::kIsr));
}

TEST(WaveTracer, VcdByExtension) {
  ModelFixture f;
  WaveTracer tracer(f.device(), {.path = f.path("run.vcd")});
  HostProbeDriver probes(f.probe_ports(), &tracer, [&] { return f.now_ps(); });
  short_run(f, tracer, probes, 2'000'000);
  ASSERT_TRUE(tracer.finish());
  const auto vcd = nicsim::testing::parse_vcd(nicsim::testing::read_file(f.path("run.vcd")));
  const auto irql = vcd.find({"host.", "cpu[1]", "irql"});
  ASSERT_FALSE(irql.empty());
  EXPECT_EQ(vcd.first_rise(irql[0]), 1'000'000u);
  EXPECT_FALSE(std::filesystem::exists(f.path("run.vcd.tmp.fst")));
}

TEST(WaveTracer, WindowLimitsTheDumpedTimes) {
  ModelFixture f;
  WaveTracer tracer(
      f.device(),
      {.path = f.path("window.fst"), .window_start_ps = 1'200'000, .window_end_ps = 1'800'000});
  HostProbeDriver probes(f.probe_ports(), &tracer, [&] { return f.now_ps(); });
  short_run(f, tracer, probes, 3'000'000);
  ASSERT_TRUE(tracer.finish());
  const auto text = nicsim::testing::fst_to_vcd_text(f.path("window.fst"));
  const auto vcd = nicsim::testing::parse_vcd(text);
  uint64_t first = UINT64_MAX, last = 0;
  for (const auto& [id, changes] : vcd.changes) {
    for (const auto& c : changes) {
      first = std::min(first, c.time);
      last = std::max(last, c.time);
    }
  }
  EXPECT_GE(first, 1'200'000u);
  EXPECT_LE(last, 1'800'000u);
  // State from before the window is in the window's first dump.
  const auto irql = vcd.find({"host.", "cpu[1]", "irql"});
  ASSERT_FALSE(irql.empty());
  EXPECT_EQ(vcd.value_at(irql[0], 1'300'000), 5u);
}

TEST(WaveTracer, RingWritesOnlyTheLastStretchAtTheFirstError) {
  ModelFixture f;
  // 1 us ring; the error comes at 10 us, so the file covers between 8 and 10 us.
  WaveTracer tracer(f.device(), {.path = f.path("ring.fst"), .ring_us = 1});
  HostProbeDriver probes(f.probe_ports(), &tracer, [&] { return f.now_ps(); });
  f.run_until(&tracer, 10'000'000);
  Violation v;
  v.rule = "TEST_RULE";
  v.sim_ns = 10'000;
  probes.on_violation(v);
  f.run_until(&tracer, 12'000'000);
  EXPECT_TRUE(tracer.finish());
  ASSERT_EQ(tracer.written_path(), f.path("ring.fst"));
  EXPECT_GE(tracer.ring_written_from_ps(), 8'000'000u);
  const auto vcd = nicsim::testing::parse_vcd(nicsim::testing::fst_to_vcd_text(f.path("ring.fst")));
  uint64_t first = UINT64_MAX, last = 0;
  for (const auto& [id, changes] : vcd.changes) {
    for (const auto& c : changes) {
      first = std::min(first, c.time);
      last = std::max(last, c.time);
    }
  }
  EXPECT_GE(first, 8'000'000u);
  EXPECT_LT(first, 9'000'001u);
  EXPECT_EQ(last, 10'000'000u);  // stops at the error
  const auto marker = vcd.find({"host.", "violation"});
  ASSERT_FALSE(marker.empty());
  EXPECT_EQ(vcd.first_rise(marker[0]), 10'000'000u);
  EXPECT_FALSE(std::filesystem::exists(f.path("ring.fst.ring0.fst")));
}

TEST(WaveTracer, RingWithoutAnErrorWritesNothing) {
  ModelFixture f;
  WaveTracer tracer(f.device(), {.path = f.path("quiet.fst"), .ring_us = 1});
  f.run_until(&tracer, 3'000'000);
  EXPECT_FALSE(tracer.finish());
  EXPECT_TRUE(tracer.written_path().empty());
  EXPECT_FALSE(std::filesystem::exists(f.path("quiet.fst")));
}

TEST(WaveOptionsParsing, TimesAndWindowsWithUnits) {
  EXPECT_EQ(parse_time_ps("150us"), 150'000'000u);
  EXPECT_EQ(parse_time_ps("2.5ms"), 2'500'000'000u);
  EXPECT_EQ(parse_time_ps("800"), 800'000u);
  EXPECT_EQ(parse_time_ps("1200ps"), 1200u);
  EXPECT_EQ(parse_window_ps("10us:20us"),
            std::make_pair(uint64_t{10'000'000}, uint64_t{20'000'000}));
  EXPECT_EQ(parse_window_ps(":5us").first, 0u);
  EXPECT_THROW(parse_time_ps("abc"), std::invalid_argument);
  EXPECT_THROW(parse_time_ps("-3us"), std::invalid_argument);
  EXPECT_THROW(parse_window_ps("20us:10us"), std::invalid_argument);
  EXPECT_THROW(parse_window_ps("10us"), std::invalid_argument);
  EXPECT_THROW(validate_wave_path("x.txt"), std::invalid_argument);
}

}  // namespace
}  // namespace nicsim::sim::trace
