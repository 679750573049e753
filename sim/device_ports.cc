#include "sim/device_ports.h"

namespace nicsim::sim {
namespace {

struct Fnv {
  uint64_t h = 0xCBF29CE484222325ull;
  void add(uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      h ^= (v >> (8 * i)) & 0xFF;
      h *= 0x100000001B3ull;
    }
  }
  void add(const WideWord& w) {
    for (unsigned i = 0; i < WideWord::kWords; ++i) add(w.word(i));
  }
};

// Single-bit signals packed into one word, so the digest covers each once.
class Flags {
 public:
  Flags& operator<<(bool bit) {
    bits_ |= uint64_t{bit} << count_++;
    return *this;
  }
  uint64_t bits() const { return bits_; }

 private:
  uint64_t bits_ = 0;
  unsigned count_ = 0;
};

void add(Fnv& f, const AxiLitePorts& p) {
  Flags flags;
  flags << p.awvalid << p.awready << p.wvalid << p.wready << p.bvalid << p.bready << p.arvalid
        << p.arready << p.rvalid << p.rready;
  f.add(flags.bits());
  f.add(p.awaddr);
  f.add(p.araddr);
  f.add(uint64_t{p.wdata} | uint64_t{p.rdata} << 32);
  f.add(uint64_t{p.wstrb} | uint64_t{p.bresp} << 8 | uint64_t{p.rresp} << 16);
}

void add(Fnv& f, const Axi4Ports& p) {
  Flags flags;
  flags << p.awvalid << p.awready << p.wlast << p.wvalid << p.wready << p.bvalid << p.bready
        << p.arvalid << p.arready << p.rlast << p.rvalid << p.rready;
  f.add(flags.bits());
  f.add(p.awaddr);
  f.add(uint64_t{p.awlen} | uint64_t{p.awsize} << 8 | uint64_t{p.awburst} << 16 |
        uint64_t{p.bresp} << 24 | uint64_t{p.arlen} << 32 | uint64_t{p.arsize} << 40 |
        uint64_t{p.arburst} << 48 | uint64_t{p.rresp} << 56);
  f.add(p.wdata);
  f.add(p.wstrb);
  f.add(p.araddr);
  f.add(p.rdata);
}

void add(Fnv& f, const AxiStreamPorts& p) {
  Flags flags;
  flags << p.tvalid << p.tready << p.tlast << p.tuser;
  f.add(flags.bits());
  f.add(p.tdata);
  f.add(p.tkeep);
}

}  // namespace

uint64_t hash_ports(const DevicePorts& p) {
  Fnv f;
  Flags flags;
  flags << p.rst << p.intx << p.quiescent;
  f.add(flags.bits());
  add(f, p.regs);
  add(f, p.dma);
  add(f, p.tx);
  add(f, p.rx);
  return f.h;
}

bool inputs_idle(const DevicePorts& p) {
  const AxiLitePorts& r = p.regs;
  const Axi4Ports& d = p.dma;
  const bool regs_idle = !r.awvalid && r.awaddr == 0 && !r.wvalid && r.wdata == 0 && r.wstrb == 0 &&
                         !r.bready && !r.arvalid && r.araddr == 0 && !r.rready;
  const bool dma_idle = !d.awready && !d.wready && d.bresp == 0 && !d.bvalid && !d.arready &&
                        d.rresp == 0 && !d.rlast && !d.rvalid && d.rdata.is_zero();
  const bool stream_idle = !p.tx.tready && !p.rx.tvalid && !p.rx.tlast && !p.rx.tuser &&
                           p.rx.tkeep == 0 && p.rx.tdata.is_zero();
  return !p.rst && regs_idle && dma_idle && stream_idle;
}

}  // namespace nicsim::sim
