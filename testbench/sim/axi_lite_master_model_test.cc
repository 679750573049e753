// AxiLiteMaster against a small real RTL slave (axil_test_slave.sv, Verilated): what the reference
// NIC never does. AW and W on different edges, SLVERR and DECERR, a 64-bit address decoded in
// full, reads that wait, responses held back by the master.
#include <gtest/gtest.h>

#include <optional>
#include <stdexcept>
#include <vector>

#include "Vaxil_test_slave.h"
#include "sim/axi_lite_master.h"
#include "verilated.h"

namespace nicsim::sim {
namespace {

constexpr uint64_t kBase = 0xFFFF'8000'0000'1000ull;

struct Handshakes {
  bool aw = false, w = false, b = false, ar = false, r = false;
};

class SlaveBench {
 public:
  SlaveBench() {
    model_.clk = 0;
    model_.rst = 1;
    for (int i = 0; i < 4; ++i) tick();
    model_.rst = 0;
  }
  ~SlaveBench() { model_.final(); }

  AxiLiteMaster master{64};

  // One clock: the master drives, the model settles, the edge's handshakes are sampled, posedge.
  std::optional<AxiLiteCompletion> tick() {
    if (model_.rst) {
      AxiLiteMaster::drive_idle(ports_);
    } else {
      master.drive(ports_);
    }
    model_.s_axil_awaddr = ports_.awaddr;
    model_.s_axil_awvalid = ports_.awvalid;
    model_.s_axil_wdata = ports_.wdata;
    model_.s_axil_wstrb = ports_.wstrb;
    model_.s_axil_wvalid = ports_.wvalid;
    model_.s_axil_bready = ports_.bready;
    model_.s_axil_araddr = ports_.araddr;
    model_.s_axil_arvalid = ports_.arvalid;
    model_.s_axil_rready = ports_.rready;
    model_.clk = 0;
    model_.eval();
    ports_.awready = model_.s_axil_awready;
    ports_.wready = model_.s_axil_wready;
    ports_.bvalid = model_.s_axil_bvalid;
    ports_.bresp = model_.s_axil_bresp;
    ports_.arready = model_.s_axil_arready;
    ports_.rvalid = model_.s_axil_rvalid;
    ports_.rdata = model_.s_axil_rdata;
    ports_.rresp = model_.s_axil_rresp;
    Handshakes hs;
    hs.aw = ports_.awvalid && ports_.awready;
    hs.w = ports_.wvalid && ports_.wready;
    hs.b = ports_.bvalid && ports_.bready;
    hs.ar = ports_.arvalid && ports_.arready;
    hs.r = ports_.rvalid && ports_.rready;
    log.push_back(hs);
    model_.clk = 1;
    model_.eval();
    return model_.rst ? std::nullopt : master.on_edge(ports_);
  }

  // Ticks until every queued transaction completed; returns them in completion order.
  std::vector<AxiLiteCompletion> run(unsigned max_cycles = 200) {
    std::vector<AxiLiteCompletion> done;
    for (unsigned i = 0; i < max_cycles && !master.idle(); ++i) {
      if (auto c = tick()) done.push_back(*c);
    }
    EXPECT_TRUE(master.idle()) << "the slave never answered";
    return done;
  }

  std::vector<Handshakes> log;  // one entry per edge

 private:
  Vaxil_test_slave model_;
  AxiLitePorts ports_;
};

TEST(AxiLiteMasterModel, WriteWithAwAndWOnDifferentEdgesThenReadBack) {
  SlaveBench bench;
  bench.log.clear();
  bench.master.write(kBase + 4, 0xCAFEF00D);
  const uint64_t read = bench.master.read(kBase + 4);
  const auto done = bench.run();
  ASSERT_EQ(done.size(), 2u);
  EXPECT_TRUE(done[0].write);
  EXPECT_EQ(done[0].resp, AxiResp::kOkay);
  EXPECT_EQ(done[1].id, read);
  EXPECT_EQ(done[1].resp, AxiResp::kOkay);
  EXPECT_EQ(done[1].data, 0xCAFEF00Du);
  // The slave took AW first and W on a later edge: the master kept W valid alone.
  int aw_edge = -1, w_edge = -1;
  for (size_t i = 0; i < bench.log.size(); ++i) {
    if (bench.log[i].aw && aw_edge < 0) aw_edge = static_cast<int>(i);
    if (bench.log[i].w && w_edge < 0) w_edge = static_cast<int>(i);
  }
  ASSERT_GE(aw_edge, 0);
  EXPECT_EQ(w_edge, aw_edge + 1);
}

TEST(AxiLiteMasterModel, StrobesWriteOnlyTheirLanes) {
  SlaveBench bench;
  bench.master.write(kBase, 0x11223344);
  bench.master.write(kBase, 0xAABBCCDD, 0b0101);
  bench.master.read(kBase);
  const auto done = bench.run();
  ASSERT_EQ(done.size(), 3u);
  EXPECT_EQ(done[2].data, 0x11BB33DDu);
}

TEST(AxiLiteMasterModel, ErrorResponsesComeBackWithTheirTransaction) {
  SlaveBench bench;
  const uint64_t read_only = bench.master.write(kBase + 8, 1);  // SLVERR
  const uint64_t hole = bench.master.write(kBase + 0xC, 1);     // DECERR
  const uint64_t constant = bench.master.read(kBase + 8);       // OKAY
  const uint64_t unmapped = bench.master.read(kBase + 0x10);    // DECERR
  const auto done = bench.run();
  ASSERT_EQ(done.size(), 4u);
  EXPECT_EQ(done[0].id, read_only);
  EXPECT_EQ(done[0].resp, AxiResp::kSlvErr);
  EXPECT_FALSE(done[0].ok());
  EXPECT_EQ(done[1].id, hole);
  EXPECT_EQ(done[1].resp, AxiResp::kDecErr);
  EXPECT_EQ(done[2].id, constant);
  EXPECT_TRUE(done[2].ok());
  EXPECT_EQ(done[2].data, 0xA11CE5E1u);
  EXPECT_EQ(done[3].id, unmapped);
  EXPECT_EQ(done[3].resp, AxiResp::kDecErr);
}

TEST(AxiLiteMasterModel, EveryAddressBitReachesTheSlave) {
  SlaveBench bench;
  bench.master.write(kBase, 0x5A5A5A5A);
  // The same low bits with bit 63 or bit 32 flipped are another address: DECERR.
  bench.master.read(kBase ^ (uint64_t{1} << 63));
  bench.master.read(kBase ^ (uint64_t{1} << 32));
  bench.master.read(kBase);
  const auto done = bench.run();
  ASSERT_EQ(done.size(), 4u);
  EXPECT_EQ(done[0].address, kBase);
  EXPECT_EQ(done[1].resp, AxiResp::kDecErr);
  EXPECT_EQ(done[2].resp, AxiResp::kDecErr);
  EXPECT_EQ(done[3].resp, AxiResp::kOkay);
  EXPECT_EQ(done[3].data, 0x5A5A5A5Au);
}

TEST(AxiLiteMasterModel, HeldBackResponsesStayValidUntilTaken) {
  SlaveBench bench;
  unsigned asked = 0;
  // Ready only every third time the master asks: the slave must hold B and R meanwhile.
  bench.master.set_response_ready([&] { return ++asked % 3 == 0; });
  bench.master.write(kBase + 4, 0x0BADBEEF);
  bench.master.read(kBase + 4);
  const auto done = bench.run();
  ASSERT_EQ(done.size(), 2u);
  EXPECT_EQ(done[1].data, 0x0BADBEEFu);
  EXPECT_GE(asked, 6u);  // at least two refusals before each response was taken
  // Never asked while nothing is awaited (a bench's seeded draws stay where they were).
  const unsigned before = asked;
  for (int i = 0; i < 5; ++i) bench.tick();
  EXPECT_EQ(asked, before);
}

TEST(AxiLiteMasterModel, AnAddressWiderThanThePortIsRefusedBeforeThePins) {
  AxiLiteMaster master(16);
  EXPECT_THROW(master.read(0x1'0000), std::out_of_range);
  EXPECT_THROW(master.write(0xFFFF'0000'0000'0000ull, 0), std::out_of_range);
  EXPECT_TRUE(master.idle());
  EXPECT_NO_THROW(master.read(0xFFFC));
  EXPECT_THROW(AxiLiteMaster(0), std::invalid_argument);
  EXPECT_THROW(AxiLiteMaster(65), std::invalid_argument);
}

}  // namespace
}  // namespace nicsim::sim
