#include "sim/mmio_bridge.h"

#include <stdexcept>
#include <string>

namespace nicsim::sim {

namespace {

void check_access(const char* what, uint32_t offset, unsigned bytes) {
  if (offset > 0xFFFF || !MmioPort::valid_access(offset, bytes)) {
    throw std::invalid_argument("MMIO " + std::string(what) + " of " + std::to_string(bytes) +
                                " byte(s) at offset " + std::to_string(offset) +
                                ": outside BAR0 (64 KiB), not 1, 2 or 4 bytes, or not aligned to "
                                "its size");
  }
}

}  // namespace

uint32_t MmioBridge::read(uint32_t offset, unsigned bytes) {
  check_access("read", offset, bytes);
  Request request;
  request.write = false;
  request.offset = static_cast<uint16_t>(offset);
  const uint32_t word = transact(request);
  const uint32_t mask = bytes == 4 ? 0xFFFFFFFFu : (1u << (8 * bytes)) - 1u;
  return (word >> (8 * (offset % 4))) & mask;
}

void MmioBridge::write(uint32_t offset, unsigned bytes, uint32_t value) {
  check_access("write", offset, bytes);
  Request request;
  request.write = true;
  request.offset = static_cast<uint16_t>(offset);
  const uint32_t mask = bytes == 4 ? 0xFFFFFFFFu : (1u << (8 * bytes)) - 1u;
  request.value = (value & mask) << (8 * (offset % 4));
  request.strobe = lanes(offset, bytes);
  transact(request);
}

uint32_t MmioBridge::transact(Request& request) {
  queue_.push_back(&request);
  request_event_.notify();
  while (!request.done) sc_core::wait(request.finished);
  return request.result;
}

void MmioBridge::drive(PortSnapshot& p) {
  Request* r = queue_.empty() ? nullptr : queue_.front();
  const bool write = r && r->write;
  const bool read = r && !r->write;
  p.s_axil_awvalid = write && !r->addr_done;
  p.s_axil_awaddr = p.s_axil_awvalid ? r->offset : 0;
  p.s_axil_wvalid = write && !r->data_done;
  p.s_axil_wdata = p.s_axil_wvalid ? r->value : 0;
  p.s_axil_wstrb = p.s_axil_wvalid ? r->strobe : 0;
  p.s_axil_bready = write && r->addr_done && r->data_done;
  p.s_axil_arvalid = read && !r->addr_done;
  p.s_axil_araddr = p.s_axil_arvalid ? r->offset : 0;
  p.s_axil_rready = read && r->addr_done;
}

void MmioBridge::on_edge(const PortSnapshot& p) {
  if (queue_.empty()) return;
  Request* r = queue_.front();
  if ((p.s_axil_awvalid && p.s_axil_awready) || (p.s_axil_arvalid && p.s_axil_arready)) {
    r->addr_done = true;
  }
  if (p.s_axil_wvalid && p.s_axil_wready) r->data_done = true;
  const bool finished =
      (p.s_axil_bvalid && p.s_axil_bready) || (p.s_axil_rvalid && p.s_axil_rready);
  if (finished) {
    if (!r->write) r->result = p.s_axil_rdata;
    queue_.pop_front();
    completed_ = r;
    ++transactions_;
  }
}

void MmioBridge::deliver() {
  if (!completed_) return;
  completed_->done = true;
  completed_->finished.notify();
  completed_ = nullptr;
}

}  // namespace nicsim::sim
