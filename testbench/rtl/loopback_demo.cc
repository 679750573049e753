// RTL loopback demo: a few frames through nic_top in loopback, with an FST wave of the run.
#include <cstdio>
#include <filesystem>
#include <string>

#include "Vnic_top_q4.h"
#include "rtl/steering_hash.h"
#include "testbench/rtl/nic_harness.h"
#include "testbench/rtl/nic_rings.h"

int main(int argc, char** argv) {
  using namespace nicsim::rtltest;
  using namespace nic_regs;
  const std::string wave = argc > 1 ? argv[1] : "build/loopback.fst";
  std::filesystem::create_directories(std::filesystem::path(wave).parent_path());
  NicHarness<Vnic_top_q4> h({.seed = 1, .ready_percent = 80, .trace_path = wave});
  constexpr unsigned kQueues = 4;
  setup_rings(h, kQueues, CTRL_EN | CTRL_LOOPBACK);
  for (unsigned q = 0; q < kQueues; ++q) h.write32(RX_TAIL(q), 8);
  const size_t lengths[] = {60, 128, 333, 1514};
  for (unsigned i = 0; i < 4; ++i) {
    put_tx(h, 0, i, make_frame(lengths[i], i), uint16_t(lengths[i]));
  }
  h.write32(TX_TAIL(0), 4);
  std::printf("nic_top (4 queues), loopback: queued 4 frames on TX queue 0\n");
  if (!h.run_until([&] { return h.read32(STAT_RX_FRAMES) == 4; }, 100000)) {
    std::fprintf(stderr, "loopback demo: frames did not arrive\n");
    return 1;
  }
  std::vector<unsigned> filled(kQueues, 0);
  int bad = 0;
  for (unsigned i = 0; i < 4; ++i) {
    const auto frame = make_frame(lengths[i], i);
    const uint32_t hash = nicsim::steering_hash(frame);
    const unsigned q = nicsim::steering_queue(hash, kQueues);
    const unsigned slot = filled[q]++;
    const bool same = h.memory().read(rx_buf(q, slot), frame.size()) == frame;
    bad += !same;
    std::printf("  frame %u: %4zu bytes, hash %08x -> RX queue %u slot %u, %s\n", i, lengths[i],
                hash, q, slot, same ? "intact" : "CORRUPT");
  }
  std::printf("TX frames %u, RX frames %u, %llu cycles\n", h.read32(STAT_TX_FRAMES),
              h.read32(STAT_RX_FRAMES), static_cast<unsigned long long>(h.cycle()));
  std::printf("wave: %s (open with gtkwave)\n", wave.c_str());
  return bad ? 1 : 0;
}
