#include "sim/axi_lite_master.h"

#include <cstdio>
#include <stdexcept>
#include <string>

namespace nicsim::sim {
namespace {

std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace

AxiLiteMaster::AxiLiteMaster(unsigned address_bits)
    : address_bits_(address_bits),
      address_mask_(address_bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << address_bits) - 1) {
  if (address_bits < 1 || address_bits > 64) {
    throw std::invalid_argument("AxiLiteMaster: address width must be 1..64 bits, got " +
                                std::to_string(address_bits));
  }
}

uint64_t AxiLiteMaster::push(Request request) {
  if ((request.address & ~address_mask_) != 0) {
    throw std::out_of_range("AXI4-Lite " + std::string(request.write ? "write" : "read") + " at " +
                            hex(request.address) + ": wider than the slave's " +
                            std::to_string(address_bits_) + "-bit address");
  }
  request.id = next_id_++;
  queue_.push_back(request);
  return request.id;
}

uint64_t AxiLiteMaster::write(uint64_t address, uint32_t data, uint8_t strobe) {
  return push(Request{0, true, address, data, static_cast<uint8_t>(strobe & 0xF)});
}

uint64_t AxiLiteMaster::read(uint64_t address) { return push(Request{0, false, address, 0, 0}); }

void AxiLiteMaster::drive(AxiLitePorts& p) {
  const Request* r = queue_.empty() ? nullptr : &queue_.front();
  const bool write = r && r->write;
  const bool read = r && !r->write;
  p.awvalid = write && !r->addr_done;
  p.awaddr = p.awvalid ? r->address : 0;
  p.wvalid = write && !r->data_done;
  p.wdata = p.wvalid ? r->data : 0;
  p.wstrb = p.wvalid ? r->strobe : 0;
  // The hook is asked only when a response is awaited, so its random draws (a bench's seeded
  // back-pressure) happen exactly in the cycles that need one.
  p.bready = write && r->addr_done && r->data_done && (!response_ready_ || response_ready_());
  p.arvalid = read && !r->addr_done;
  p.araddr = p.arvalid ? r->address : 0;
  p.rready = read && r->addr_done && (!response_ready_ || response_ready_());
}

void AxiLiteMaster::drive_idle(AxiLitePorts& p) {
  p.awvalid = p.wvalid = p.bready = p.arvalid = p.rready = false;
  p.awaddr = p.araddr = 0;
  p.wdata = 0;
  p.wstrb = 0;
}

std::optional<AxiLiteCompletion> AxiLiteMaster::on_edge(const AxiLitePorts& p) {
  if (queue_.empty()) return std::nullopt;
  Request& r = queue_.front();
  if ((p.awvalid && p.awready) || (p.arvalid && p.arready)) r.addr_done = true;
  if (p.wvalid && p.wready) r.data_done = true;
  const bool b = r.write && p.bvalid && p.bready;
  const bool rd = !r.write && p.rvalid && p.rready;
  if (!b && !rd) return std::nullopt;
  AxiLiteCompletion done{r.id, r.write, r.address, r.write ? r.data : p.rdata,
                         static_cast<AxiResp>((b ? p.bresp : p.rresp) & 3)};
  queue_.pop_front();
  return done;
}

bool AxiLiteMaster::discard_front() {
  if (queue_.empty()) return false;
  queue_.pop_front();
  return true;
}

}  // namespace nicsim::sim
