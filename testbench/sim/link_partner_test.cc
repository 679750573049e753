// LinkPartner and pcap I/O: frames in and out of the NIC's streams, the scoreboard, pcap files.
#include "sim/link_partner.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "nic_test_bench.h"
#include "rtl/steering_hash.h"
#include "sim/pcap_io.h"

namespace nicsim::sim::testing {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          (name + "." + std::to_string(::getpid()) + ".pcap"))
      .string();
}

constexpr DeviceShape kStream64{.stream_data_bits = 64};
constexpr DeviceShape kStream32{.stream_data_bits = 32};

// Plays the NIC's side of a 64-bit RX stream: always ready; returns the frames it assembled.
std::vector<Frame> drain_rx(LinkPartner& link, uint64_t cycles) {
  std::vector<Frame> frames(1);
  for (uint64_t c = 0; c < cycles; ++c) {
    DevicePorts p;
    p.rx.tready = true;
    link.drive(c, p);
    link.on_edge(c, p);
    if (p.rx.tvalid) {
      for (unsigned i = 0; i < kStream64.stream_data_bytes(); ++i) {
        if (p.rx.tkeep >> i & 1) frames.back().push_back(p.rx.tdata.byte(i));
      }
      if (p.rx.tlast) frames.emplace_back();
    }
  }
  frames.pop_back();
  return frames;
}

TEST(LinkPartner, SendsFramesByteExactWithTheGap) {
  LinkPartner link(kStream64);
  link.set_gap_cycles(5);
  const Frame a(61, 0xAB), b(64, 0xCD);
  link.send(a);
  link.send(b);
  EXPECT_EQ(link.next_due_cycle(), 0u);
  const auto frames = drain_rx(link, 40);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], a);
  EXPECT_EQ(frames[1], b);
  EXPECT_EQ(link.frames_sent(), 2u);
  EXPECT_FALSE(link.busy(40));
}

TEST(LinkPartner, GeneratedFlowsSpreadOverQueues) {
  TrafficSpec spec;
  spec.frames = 64;
  spec.flows = 32;
  spec.min_bytes = 60;
  spec.max_bytes = 200;
  const auto frames = generate_frames(spec);
  ASSERT_EQ(frames.size(), 64u);
  std::set<unsigned> queues;
  for (const Frame& f : frames) {
    EXPECT_GE(f.size(), 60u);
    EXPECT_LE(f.size(), 200u);
    queues.insert(steering_queue(steering_hash(f), 8));
  }
  EXPECT_GE(queues.size(), 4u);
  EXPECT_EQ(generate_frames(spec), frames) << "same spec, same frames";
}

TEST(LinkPartner, RejectsABadTrafficSpec) {
  TrafficSpec spec;
  spec.frames = 1;
  spec.min_bytes = 100;
  spec.max_bytes = 50;
  EXPECT_THROW(generate_frames(spec), std::invalid_argument);
  LinkPartner link(kStream64);
  EXPECT_THROW(link.send(Frame{}), std::invalid_argument);
}

TEST(LinkPartner, ScoreboardCountsMatchesMismatchesAndUnexpectedFrames) {
  LinkPartner link(kStream64);
  link.expect(Frame(8, 1));
  link.expect(Frame(8, 2));
  const auto beat = [&](uint64_t cycle, uint8_t value) {
    DevicePorts p;
    p.tx.tvalid = true;
    p.tx.tkeep = 0xFF;
    p.tx.tlast = true;
    p.tx.tdata = WideWord::of(0x0101010101010101ull * value);
    link.drive(cycle, p);
    EXPECT_TRUE(p.tx.tready);
    link.on_edge(cycle, p);
  };
  beat(0, 1);  // matches
  beat(1, 3);  // differs from the expected frame of 2s
  beat(2, 4);  // nothing expected any more
  EXPECT_EQ(link.matched(), 1u);
  EXPECT_EQ(link.mismatches(), 1u);
  EXPECT_EQ(link.unexpected(), 1u);
  EXPECT_EQ(link.received().size(), 3u);
}

TEST(LinkPartner, PcapRoundTripThroughLibpcap) {
  const std::string path = temp_path("link_roundtrip");
  {
    PcapWriter writer(path);
    writer.write(Frame(60, 7), 1'000'000);
    writer.write(Frame(1514, 9), 2'000'000);
  }
  const auto frames = read_pcap(path);
  ASSERT_EQ(frames.size(), 2u);
  EXPECT_EQ(frames[0], Frame(60, 7));
  EXPECT_EQ(frames[1], Frame(1514, 9));
  LinkPartner link(kStream64);
  link.send_pcap(path);
  EXPECT_EQ(link.frames_queued(), 2u);
  std::filesystem::remove(path);
}

TEST(LinkPartner, MissingOrBadPcapIsAClearError) {
  LinkPartner link(kStream64);
  try {
    link.send_pcap("/nonexistent/trace.pcap");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/trace.pcap"), std::string::npos);
  }
  const std::string path = temp_path("link_garbage");
  std::ofstream(path) << "this is not a capture file";
  EXPECT_THROW(link.send_pcap(path), std::runtime_error);
  std::filesystem::remove(path);
  EXPECT_THROW(link.open_pcap("/nonexistent/dir/out.pcap"), std::runtime_error);
}

TEST(LinkPartner, SendsFourByteBeatsOnA32BitStream) {
  LinkPartner link(kStream32);
  Frame frame(61);
  for (size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<uint8_t>(i);
  link.send(frame, /*bad=*/true);
  unsigned beats = 0;
  DevicePorts last_beat;
  std::vector<Frame> frames(1);
  for (uint64_t c = 0; c < 40; ++c) {
    DevicePorts p;
    p.rx.tready = true;
    link.drive(c, p);
    link.on_edge(c, p);
    if (!p.rx.tvalid) continue;
    ++beats;
    EXPECT_EQ(p.rx.tdata.word(0) >> 32, 0u) << "nothing past the 32-bit beat";
    if (!p.rx.tlast) {
      EXPECT_EQ(p.rx.tkeep, 0xFu);
    }
    EXPECT_EQ(p.rx.tuser, p.rx.tlast) << "a bad frame marks its last beat only";
    for (unsigned i = 0; i < 4; ++i) {
      if (p.rx.tkeep >> i & 1) frames.back().push_back(p.rx.tdata.byte(i));
    }
    if (p.rx.tlast) last_beat = p;
  }
  EXPECT_EQ(beats, 16u);  // 15 full beats and one of 1 byte
  EXPECT_EQ(last_beat.rx.tkeep, 0x1u);
  EXPECT_EQ(frames.front(), frame);
  EXPECT_EQ(link.frames_sent(), 1u);
}

TEST(LinkPartner, ReceivesFourByteBeatsOnA32BitStream) {
  LinkPartner link(kStream32);
  const Frame frame = {1, 2, 3, 4, 5, 6, 7};
  link.expect(frame);
  const auto beat = [&](uint64_t cycle, uint32_t data, uint64_t keep, bool last) {
    DevicePorts p;
    p.tx.tvalid = true;
    p.tx.tdata = WideWord::of(data | uint64_t{0xEEEEEEEE} << 32);  // past the beat: ignored
    p.tx.tkeep = keep;
    p.tx.tlast = last;
    link.drive(cycle, p);
    ASSERT_TRUE(p.tx.tready);
    link.on_edge(cycle, p);
  };
  beat(0, 0x04030201, 0xF, false);
  beat(1, 0x00070605, 0x7, true);
  EXPECT_EQ(link.matched(), 1u);
  ASSERT_EQ(link.received().size(), 1u);
  EXPECT_EQ(link.received()[0], frame);
}

TEST(LinkPartner, RealNicTrafficBothWaysIsCheckedAndCaptured) {
  NicBench bench(NicDomainConfig{});
  const std::string path = temp_path("link_capture");
  bench.nic->link().open_pcap(path);
  Scenario scenario;
  scenario.setup.loopback = false;
  scenario.tx_frames = 10;
  scenario.link_frames = 12;
  scenario.tx_backpressure = 40;
  ScenarioState state;
  start_scenario(bench, scenario, state);
  sc_core::sc_start(sc_core::sc_time(static_cast<double>(scenario.deadline_ns), sc_core::SC_NS));
  LinkPartner& link = bench.nic->link();
  EXPECT_EQ(link.matched(), 10u);
  EXPECT_EQ(link.mismatches(), 0u);
  EXPECT_EQ(link.unexpected(), 0u);
  EXPECT_EQ(link.frames_sent(), 12u);
  EXPECT_EQ(state.driver->received.size(), 12u);
  link.close_pcap();
  EXPECT_EQ(read_pcap(path).size(), 22u);
  if (std::system("command -v tshark >/dev/null 2>&1") == 0) {
    const std::string command = "tshark -r " + path + " 2>/dev/null | wc -l";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    unsigned lines = 0;
    EXPECT_EQ(std::fscanf(pipe, "%u", &lines), 1);
    ::pclose(pipe);
    EXPECT_EQ(lines, 22u) << "tshark reads every frame";
  }
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace nicsim::sim::testing
