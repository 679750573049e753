#include "sim/mmio_bridge.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "sim/faults/fault_injector.h"

namespace nicsim::sim {

MmioBridge::MmioBridge(const DeviceShape& shape)
    : master_(std::clamp(shape.reg_addr_bits, 1u, 64u)),
      // MmioPort offsets are 32 bits: a wider register address still gives a 4 GiB BAR.
      bar_bytes_(uint64_t{1} << std::min(shape.reg_addr_bits, 32u)) {}

void MmioBridge::check_access(const char* what, uint32_t offset, unsigned bytes) const {
  if (uint64_t{offset} + bytes > bar_bytes_ || !MmioPort::valid_access(offset, bytes)) {
    throw std::invalid_argument("MMIO " + std::string(what) + " of " + std::to_string(bytes) +
                                " byte(s) at offset " + std::to_string(offset) +
                                ": outside BAR0 (" + std::to_string(bar_bytes_) +
                                " bytes), not 1, 2 or 4 bytes, or not aligned to its size");
  }
}

uint32_t MmioBridge::read(uint32_t offset, unsigned bytes) {
  check_access("read", offset, bytes);
  master_.read(offset);
  Waiter waiter;
  const uint32_t word = wait_for(waiter);
  const uint32_t mask = bytes == 4 ? 0xFFFFFFFFu : (1u << (8 * bytes)) - 1u;
  return (word >> (8 * (offset % 4))) & mask;
}

void MmioBridge::write(uint32_t offset, unsigned bytes, uint32_t value) {
  check_access("write", offset, bytes);
  const uint32_t mask = bytes == 4 ? 0xFFFFFFFFu : (1u << (8 * bytes)) - 1u;
  master_.write(offset, (value & mask) << (8 * (offset % 4)), lanes(offset, bytes));
  Waiter waiter;
  wait_for(waiter);
}

uint32_t MmioBridge::wait_for(Waiter& waiter) {
  waiters_.push_back(&waiter);
  request_event_.notify();
  while (!waiter.done) sc_core::wait(waiter.finished);
  return waiter.result;
}

void MmioBridge::on_edge(const DevicePorts& ports) {
  const std::optional<AxiLiteCompletion> done = master_.on_edge(ports.regs);
  if (!done) return;
  Waiter* waiter = waiters_.front();
  waiters_.pop_front();
  waiter->result = done->data;
  if (faults_ && !done->write) {
    const auto offset = static_cast<uint32_t>(done->address & ~uint64_t{3});
    waiter->result = faults_->register_read(offset, done->data);
  }
  completed_ = waiter;
  ++transactions_;
}

bool MmioBridge::answer_removed() {
  if (completed_ || waiters_.empty() || !master_.discard_front()) return false;
  completed_ = waiters_.front();
  waiters_.pop_front();
  completed_->result = 0xFFFFFFFFu;
  ++transactions_;
  return true;
}

void MmioBridge::deliver() {
  if (!completed_) return;
  completed_->done = true;
  completed_->finished.notify();
  completed_ = nullptr;
}

}  // namespace nicsim::sim
