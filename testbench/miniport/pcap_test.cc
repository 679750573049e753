// pcap in and out: --pcap-out is readable by tshark with one frame per frame that crossed the
// link; --pcap-in replays frames into the NIC, and runts/oversize are dropped with their reason.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <cstdio>
#include <string>
#include <vector>

#include "testbench/miniport/nicsim_runner.h"

namespace nicsim::testing {
namespace {

void write_pcap(const std::string& path, const std::vector<std::vector<uint8_t>>& frames) {
  pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
  pcap_dumper_t* dumper = pcap_dump_open(dead, path.c_str());
  ASSERT_NE(dumper, nullptr) << pcap_geterr(dead);
  for (size_t i = 0; i < frames.size(); ++i) {
    pcap_pkthdr header{};
    header.ts.tv_usec = static_cast<long>(i);
    header.caplen = header.len = static_cast<bpf_u_int32>(frames[i].size());
    pcap_dump(reinterpret_cast<u_char*>(dumper), &header, frames[i].data());
  }
  pcap_dump_close(dumper);
  pcap_close(dead);
}

std::vector<uint8_t> frame_of(size_t size, uint8_t flow) {
  std::vector<uint8_t> f(size, 0);
  for (size_t i = 0; i < size; ++i) f[i] = static_cast<uint8_t>(i * 31 + flow);
  f[12] = 0x08;
  f[13] = 0x00;
  return f;
}

TEST(PcapOut, TsharkReadsEveryFrame) {
  const std::string path = temp_dir() + "/out.pcap";
  const auto run = run_nicsim({"--seed", "5", "--packets", "80", "--pcap-out", path, "-q"});
  ASSERT_EQ(run.exit_code, 0) << run.violations_text();
  const auto& p = run.summary["packets"];
  const uint64_t crossed = p["rx"]["sent"].get<uint64_t>() + p["tx"]["received"].get<uint64_t>();
  FILE* tshark =
      popen(("tshark -r '" + path + "' -T fields -e frame.number 2>/dev/null").c_str(), "r");
  ASSERT_NE(tshark, nullptr);
  uint64_t frames = 0;
  char line[64];
  while (fgets(line, sizeof line, tshark)) ++frames;
  EXPECT_EQ(pclose(tshark), 0) << "tshark failed on " << path;
  EXPECT_EQ(frames, crossed);
}

TEST(PcapIn, ReplaysFramesAndCountsRuntsAndOversize) {
  const std::string path = temp_dir() + "/in.pcap";
  std::vector<std::vector<uint8_t>> frames;
  for (uint8_t i = 0; i < 20; ++i) frames.push_back(frame_of(60 + i * 70, i));
  frames.push_back(frame_of(40, 99));    // runt
  frames.push_back(frame_of(1600, 98));  // oversize
  write_pcap(path, frames);
  const auto run = run_nicsim({"--pcap-in", path, "--packets", "20", "-q"});
  ASSERT_TRUE(run.summary.is_object()) << run.output;
  const auto& p = run.summary["packets"];
  EXPECT_EQ(p["rx"]["sent"].get<uint64_t>(), frames.size());
  EXPECT_EQ(p["rx"]["received"].get<uint64_t>(), 20u);
  EXPECT_EQ(p["dropped"].value("runt", 0u), 1u);
  EXPECT_EQ(p["dropped"].value("oversize", 0u), 1u);
  EXPECT_EQ(p["lost"].get<uint64_t>(), 0u);
  EXPECT_EQ(run.exit_code, 0) << run.violations_text();
}

}  // namespace
}  // namespace nicsim::testing
