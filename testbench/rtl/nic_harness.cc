// Sparse host memory of the RTL harness.
#include "testbench/rtl/nic_harness.h"

namespace nicsim::rtltest {

uint8_t SparseMemory::read8(uint64_t addr) const {
  auto page = pages_.find(addr / kPage);
  return page == pages_.end() ? 0 : page->second[addr % kPage];
}

void SparseMemory::write8(uint64_t addr, uint8_t value) {
  auto& page = pages_[addr / kPage];
  if (page.empty()) page.resize(kPage);
  page[addr % kPage] = value;
}

uint64_t SparseMemory::read64(uint64_t addr) const {
  uint64_t value = 0;
  for (unsigned i = 0; i < 8; ++i) value |= uint64_t{read8(addr + i)} << (8 * i);
  return value;
}

void SparseMemory::write64(uint64_t addr, uint64_t value) {
  for (unsigned i = 0; i < 8; ++i) write8(addr + i, uint8_t(value >> (8 * i)));
}

std::vector<uint8_t> SparseMemory::read(uint64_t addr, size_t len) const {
  std::vector<uint8_t> bytes(len);
  for (size_t i = 0; i < len; ++i) bytes[i] = read8(addr + i);
  return bytes;
}

void SparseMemory::write(uint64_t addr, std::span<const uint8_t> bytes) {
  for (size_t i = 0; i < bytes.size(); ++i) write8(addr + i, bytes[i]);
}

}  // namespace nicsim::rtltest
