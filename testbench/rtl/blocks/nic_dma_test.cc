// nic_dma alone (3 clients) against a C++ memory with random AR/R/AW/W/B ready: data exact,
// bursts legal (INCR, 8-byte beats, at most 16, never across 4 KiB), WLAST on the last beat, and
// a write job done only at its last B.
#include <gtest/gtest.h>

#include <deque>
#include <optional>
#include <vector>

#include "Vnic_dma.h"
#include "testbench/rtl/blocks/block_sim.h"

namespace nicsim::rtltest {
namespace {

constexpr unsigned kClients = 3;
constexpr size_t kMemoryBytes = 1 << 16;

struct Job {
  bool write = false;
  uint64_t addr = 0;
  uint16_t len = 0;
  std::vector<uint8_t> data;  // write: the bytes to write; read: filled by the DMA
};

struct Readiness {
  unsigned ar = 50, r = 50, aw = 50, w = 50, b = 50, hold = 10;  // percent per cycle
};

class DmaBench {
 public:
  DmaBench(uint64_t seed, Readiness ready) : coin_(seed), ready_(ready) {
    memory_.resize(kMemoryBytes);
    for (uint8_t& byte : memory_) byte = uint8_t(coin_.uniform(0, 255));
    reference_ = memory_;
    sim_.reset();
  }

  void add(unsigned client, Job job) { clients_[client].queue.push_back(std::move(job)); }
  Job random_job() {
    Job job;
    job.write = coin_(50);
    const unsigned size_class = unsigned(coin_.uniform(0, 9));
    job.len = uint16_t(size_class < 4   ? coin_.uniform(1, 16)
                       : size_class < 8 ? coin_.uniform(17, 300)
                                        : coin_.uniform(301, 2048));
    // A third start just before a 4 KiB boundary.
    job.addr = coin_(33) ? 4096 * coin_.uniform(1, 14) - coin_.uniform(1, 64)
                         : coin_.uniform(0, kMemoryBytes - 4096);
    if (job.write) {
      job.data.resize(job.len);
      for (uint8_t& byte : job.data) byte = uint8_t(coin_.uniform(0, 255));
    }
    return job;
  }

  // Runs until every job is done; false on timeout.
  bool run(uint64_t max_cycles = 400000) {
    for (uint64_t i = 0; i < max_cycles; ++i) {
      if (all_done()) return true;
      step();
      if (testing::Test::HasFatalFailure()) return false;
    }
    return all_done();
  }
  const std::vector<uint8_t>& memory() const { return memory_; }
  const std::vector<uint8_t>& reference() const { return reference_; }
  const std::vector<Job>& finished() const { return finished_; }
  // Beats of each burst, per finished job.
  const std::vector<std::vector<unsigned>>& bursts() const { return finished_bursts_; }
  BlockSim<Vnic_dma>& sim() { return sim_; }

 private:
  struct Client {
    std::deque<Job> queue;
  };
  struct Active {
    unsigned client = 0;
    Job job;
    std::vector<uint8_t> expected;  // read: the reference memory when the job was taken
    unsigned beat = 0;              // next write beat the client offers
    uint64_t next_burst_addr = 0;   // 8-byte aligned
    std::vector<unsigned> bursts;
    unsigned bursts_without_b = 0;
  };
  struct Burst {
    uint64_t addr;
    unsigned beats;
    unsigned done = 0;
  };

  bool all_done() const {
    for (const Client& c : clients_) {
      if (!c.queue.empty()) return false;
    }
    return !active_;
  }
  bool in_job(uint64_t addr) const {
    return addr >= active_->job.addr && addr < active_->job.addr + active_->job.len;
  }

  void drive() {
    Vnic_dma& d = sim_.dut();
    d.job_req = 0;
    d.job_write = 0;
    d.job_len = 0;
    for (unsigned c = 0; c < kClients; ++c) {
      const Client& client = clients_[c];
      if (client.queue.empty()) continue;
      const Job& job = client.queue.front();
      d.job_req |= 1u << c;
      d.job_write |= uint8_t(job.write) << c;
      d.job_addr[2 * c] = uint32_t(job.addr);
      d.job_addr[2 * c + 1] = uint32_t(job.addr >> 32);
      d.job_len |= uint64_t{job.len} << (16 * c);
    }
    // The write beat of the job in progress; bytes outside the job are garbage the strobes hide.
    for (unsigned c = 0; c < kClients; ++c) {
      uint64_t beat = 0xA5A5A5A5A5A5A5A5ull ^ coin_.uniform(0, ~0ull);
      if (active_ && active_->client == c && active_->job.write) {
        const uint64_t base = (active_->job.addr & ~uint64_t{7}) + 8 * active_->beat;
        for (unsigned b = 0; b < 8; ++b) {
          if (!in_job(base + b)) continue;
          beat &= ~(uint64_t{0xFF} << (8 * b));
          beat |= uint64_t{active_->job.data[base + b - active_->job.addr]} << (8 * b);
        }
      }
      d.job_wdata[2 * c] = uint32_t(beat);
      d.job_wdata[2 * c + 1] = uint32_t(beat >> 32);
    }
    d.hold = coin_(ready_.hold);
    d.m_axi_arready = coin_(ready_.ar);
    d.m_axi_awready = coin_(ready_.aw);
    d.m_axi_wready = coin_(ready_.w);
    // R and B stay up once offered, as AXI requires.
    if (!r_offered_ && !ar_queue_.empty() && coin_(ready_.r)) r_offered_ = true;
    d.m_axi_rvalid = r_offered_;
    d.m_axi_rresp = 0;
    if (r_offered_) {
      const Burst& burst = ar_queue_.front();
      d.m_axi_rdata = read64((burst.addr & ~uint64_t{7}) + 8 * burst.done);
      d.m_axi_rlast = burst.done + 1 == burst.beats;
    }
    if (!b_offered_ && b_pending_ > 0 && coin_(ready_.b)) b_offered_ = true;
    d.m_axi_bvalid = b_offered_;
    d.m_axi_bresp = 0;
  }

  uint64_t read64(uint64_t addr) const {
    uint64_t value = 0;
    for (unsigned b = 0; b < 8; ++b) value |= uint64_t{memory_.at(addr + b)} << (8 * b);
    return value;
  }

  void check_burst(uint64_t addr, unsigned len, unsigned size, unsigned type) {
    ASSERT_TRUE(active_) << "burst without a job, cycle " << sim_.cycle();
    EXPECT_EQ(size, 3u) << "8-byte beats";
    EXPECT_EQ(type, 1u) << "INCR";
    EXPECT_LE(len, 15u) << "at most 16 beats";
    const uint64_t first = addr & ~uint64_t{7};
    const uint64_t last = first + 8 * uint64_t(len);
    EXPECT_EQ(first >> 12, last >> 12) << "burst at " << addr << " crosses 4 KiB";
    EXPECT_EQ(first, active_->next_burst_addr) << "bursts continue the job";
    // Only the job's first burst carries its unaligned start address.
    EXPECT_EQ(addr, active_->bursts.empty() ? active_->job.addr : first);
    active_->next_burst_addr = last + 8;
    active_->bursts.push_back(len + 1);
  }

  void step() {
    Vnic_dma& d = sim_.dut();
    drive();
    sim_.settle();
    const bool ack = d.job_ack != 0;
    const bool ar = d.m_axi_arvalid && d.m_axi_arready;
    const bool r = d.m_axi_rvalid && d.m_axi_rready;
    const bool aw = d.m_axi_awvalid && d.m_axi_awready;
    const bool w = d.m_axi_wvalid && d.m_axi_wready;
    const bool b = d.m_axi_bvalid && d.m_axi_bready;
    EXPECT_FALSE(d.err);

    if (ack) {
      ASSERT_FALSE(d.hold) << "job taken while hold";
      ASSERT_FALSE(active_) << "a second job while one runs";
      ASSERT_EQ(__builtin_popcount(d.job_ack), 1);
      const unsigned c = unsigned(__builtin_ctz(d.job_ack));
      ASSERT_TRUE(d.job_req >> c & 1);
      Active a;
      a.client = c;
      a.job = std::move(clients_[c].queue.front());
      clients_[c].queue.pop_front();
      a.next_burst_addr = a.job.addr & ~uint64_t{7};
      // Jobs run one at a time, so the reference memory advances in the order they are taken.
      if (a.job.write) {
        std::copy(a.job.data.begin(), a.job.data.end(), reference_.begin() + a.job.addr);
      } else {
        a.expected.assign(reference_.begin() + a.job.addr,
                          reference_.begin() + a.job.addr + a.job.len);
        a.job.data.assign(a.job.len, 0);
      }
      active_ = std::move(a);
    }
    if (ar) check_burst(d.m_axi_araddr, d.m_axi_arlen, d.m_axi_arsize, d.m_axi_arburst);
    if (aw) check_burst(d.m_axi_awaddr, d.m_axi_awlen, d.m_axi_awsize, d.m_axi_awburst);
    if (testing::Test::HasFatalFailure()) return;
    if (ar) ar_queue_.push_back({d.m_axi_araddr, unsigned(d.m_axi_arlen) + 1});
    if (aw) {
      aw_queue_.push_back({d.m_axi_awaddr, unsigned(d.m_axi_awlen) + 1});
      ++active_->bursts_without_b;
    }
    if (r) {
      ASSERT_TRUE(active_ && !active_->job.write);
      EXPECT_EQ(d.job_rbeat, 1u << active_->client);
      EXPECT_EQ(d.rdata, d.m_axi_rdata);
      Burst& burst = ar_queue_.front();
      const uint64_t base = (burst.addr & ~uint64_t{7}) + 8 * burst.done;
      for (unsigned i = 0; i < 8; ++i) {
        if (in_job(base + i))
          active_->job.data[base + i - active_->job.addr] = uint8_t(d.rdata >> (8 * i));
      }
      r_offered_ = false;
      if (++burst.done == burst.beats) ar_queue_.pop_front();
    } else {
      EXPECT_EQ(d.job_rbeat, 0);
    }
    if (w) {
      ASSERT_FALSE(aw_queue_.empty()) << "W before its AW";
      ASSERT_TRUE(active_ && active_->job.write);
      EXPECT_EQ(d.job_wbeat, 1u << active_->client);
      Burst& burst = aw_queue_.front();
      const uint64_t base = (burst.addr & ~uint64_t{7}) + 8 * burst.done;
      for (unsigned i = 0; i < 8; ++i) {
        const bool strobed = d.m_axi_wstrb >> i & 1;
        EXPECT_EQ(strobed, in_job(base + i)) << "strobe of byte " << base + i;
        if (strobed) memory_.at(base + i) = uint8_t(d.m_axi_wdata >> (8 * i));
      }
      ++burst.done;
      EXPECT_EQ(bool(d.m_axi_wlast), burst.done == burst.beats) << "WLAST";
      if (burst.done == burst.beats) {
        aw_queue_.pop_front();
        ++b_pending_;
      }
      ++active_->beat;
    } else {
      EXPECT_EQ(d.job_wbeat, 0);
    }
    if (b) {
      ASSERT_TRUE(active_ && active_->bursts_without_b > 0);
      --active_->bursts_without_b;
      --b_pending_;
      b_offered_ = false;
    }
    if (d.job_done) {
      ASSERT_TRUE(active_);
      EXPECT_EQ(d.job_done, 1u << active_->client);
      if (active_->job.write) {
        EXPECT_TRUE(b) << "a write job is done at a B handshake";
        EXPECT_EQ(active_->bursts_without_b, 0u) << "done before every B";
        EXPECT_TRUE(aw_queue_.empty());
      } else {
        EXPECT_TRUE(r);
        EXPECT_EQ(active_->job.data, active_->expected) << "read at " << active_->job.addr;
      }
      const uint64_t beats = (active_->job.addr % 8 + active_->job.len + 7) / 8;
      unsigned moved = 0;
      for (unsigned n : active_->bursts) moved += n;
      EXPECT_EQ(moved, beats);
      finished_.push_back(std::move(active_->job));
      finished_bursts_.push_back(std::move(active_->bursts));
      active_.reset();
    }
    sim_.edge();
  }

  BlockSim<Vnic_dma> sim_;
  Coin coin_;
  Readiness ready_;
  std::vector<uint8_t> memory_, reference_;
  Client clients_[kClients];
  std::optional<Active> active_;
  std::deque<Burst> ar_queue_, aw_queue_;
  unsigned b_pending_ = 0;
  bool r_offered_ = false, b_offered_ = false;
  std::vector<Job> finished_;
  std::vector<std::vector<unsigned>> finished_bursts_;
};

TEST(NicDmaBlock, RandomJobMixMovesExactDataUnderRandomReady) {
  const struct {
    uint64_t seed;
    Readiness ready;
  } runs[] = {{1, {}}, {2, {}}, {3, {90, 20, 30, 80, 10, 30}}, {4, {100, 100, 100, 100, 100, 0}}};
  for (const auto& run : runs) {
    SCOPED_TRACE("seed " + std::to_string(run.seed));
    DmaBench bench(run.seed, run.ready);
    Coin pick(run.seed * 7919);
    for (int i = 0; i < 120; ++i)
      bench.add(unsigned(pick.uniform(0, kClients - 1)), bench.random_job());
    ASSERT_TRUE(bench.run()) << "jobs left undone";
    EXPECT_EQ(bench.finished().size(), 120u);
    EXPECT_TRUE(bench.memory() == bench.reference()) << "memory differs from the reference";
    EXPECT_FALSE(bench.sim().assertion_failed());
  }
}

TEST(NicDmaBlock, WriteJobCompletesOnlyAfterItsLastB) {
  // B comes rarely: a job of many bursts waits for each one's response and is done at the last.
  DmaBench bench(11, {100, 100, 100, 100, 3, 0});
  for (uint16_t len : {8, 200, 1000, 2048}) {
    bench.add(0, {true, 0x2FF0, len, std::vector<uint8_t>(len, uint8_t(len))});
  }
  ASSERT_TRUE(bench.run());
  EXPECT_TRUE(bench.memory() == bench.reference());
}

TEST(NicDmaBlock, BurstsSplitAtFourKiBAndSixteenBeats) {
  DmaBench bench(5, {});
  const struct {
    bool write;
    uint64_t addr;
    uint16_t len;
    std::vector<unsigned> bursts;
  } cases[] = {
      {true, 0xFF8, 16, {1, 1}},         // 8 bytes each side of the boundary
      {false, 0x1F83, 200, {16, 10}},    // 26 beats, 16 of them up to the boundary
      {true, 0x3000, 128, {16}},         // exactly one full burst
      {false, 0x4004, 4, {1}},           // inside one beat
      {true, 0x5001, 300, {16, 16, 6}},  // 38 beats
      {false, 0x6FF9, 1, {1}},           // the last byte below a boundary
      {true,
       0x7FC0,
       2048,
       {8, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 8}},  // 256 beats
  };
  for (const auto& c : cases) {
    Job job{c.write, c.addr, c.len, {}};
    if (c.write) job.data.assign(c.len, 0x5A);
    bench.add(1, job);
  }
  ASSERT_TRUE(bench.run());
  ASSERT_EQ(bench.bursts().size(), std::size(cases));
  for (size_t i = 0; i < std::size(cases); ++i) {
    EXPECT_EQ(bench.bursts()[i], cases[i].bursts) << "job at " << cases[i].addr;
  }
  EXPECT_TRUE(bench.memory() == bench.reference());
}

}  // namespace
}  // namespace nicsim::rtltest
