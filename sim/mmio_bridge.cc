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

void MmioBridge::drive(DevicePorts& ports) {
  AxiLitePorts& p = ports.regs;
  Request* r = queue_.empty() ? nullptr : queue_.front();
  const bool write = r && r->write;
  const bool read = r && !r->write;
  p.awvalid = write && !r->addr_done;
  p.awaddr = p.awvalid ? r->offset : 0;
  p.wvalid = write && !r->data_done;
  p.wdata = p.wvalid ? r->value : 0;
  p.wstrb = p.wvalid ? r->strobe : 0;
  p.bready = write && r->addr_done && r->data_done;
  p.arvalid = read && !r->addr_done;
  p.araddr = p.arvalid ? r->offset : 0;
  p.rready = read && r->addr_done;
}

void MmioBridge::on_edge(const DevicePorts& ports) {
  if (queue_.empty()) return;
  const AxiLitePorts& p = ports.regs;
  Request* r = queue_.front();
  if ((p.awvalid && p.awready) || (p.arvalid && p.arready)) r->addr_done = true;
  if (p.wvalid && p.wready) r->data_done = true;
  const bool finished = (p.bvalid && p.bready) || (p.rvalid && p.rready);
  if (finished) {
    if (!r->write) r->result = p.rdata;
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
