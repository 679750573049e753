#include "sim/host_memory.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace nicsim::sim {
HostMemory::HostMemory() = default;

uint64_t HostMemory::allocate(uint64_t bytes, uint64_t align) {
  if (bytes == 0) throw std::invalid_argument("HostMemory::allocate: zero bytes");
  if (align == 0 || (align & (align - 1)) != 0) {
    throw std::invalid_argument("HostMemory::allocate: alignment must be a power of two, got " +
                                std::to_string(align));
  }
  const uint64_t address = (next_alloc_ + align - 1) & ~(align - 1);
  // A 64-byte gap between allocations keeps an overrun from landing in the next buffer silently.
  next_alloc_ = address + ((bytes + 63) & ~uint64_t{63}) + 64;
  auto [it, inserted] =
      allocations_.emplace(address, Allocation{bytes, std::vector<uint8_t>(bytes, 0)});
  by_pointer_.emplace(it->second.storage.data(), address);
  return address;
}

void HostMemory::free(uint64_t address) {
  auto it = allocations_.find(address);
  if (it == allocations_.end()) {
    throw std::invalid_argument("HostMemory::free: " + hex(address) + " is not an allocation");
  }
  by_pointer_.erase(it->second.storage.data());
  allocations_.erase(it);
}

uint8_t* HostMemory::data(uint64_t address, uint64_t bytes) {
  auto it = allocations_.upper_bound(address);
  if (it == allocations_.begin()) return nullptr;
  --it;
  const uint64_t offset = address - it->first;
  if (offset + bytes > it->second.bytes || bytes > it->second.bytes) return nullptr;
  return it->second.storage.data() + offset;
}

uint64_t HostMemory::address_of(const void* pointer) const {
  const auto* p = static_cast<const uint8_t*>(pointer);
  auto it = by_pointer_.upper_bound(p);
  if (it == by_pointer_.begin()) return 0;
  --it;
  const uint64_t offset = static_cast<uint64_t>(p - it->first);
  return offset < allocations_.at(it->second).bytes ? it->second + offset : 0;
}

void HostMemory::grant(uint64_t address, uint64_t bytes, std::string tag) {
  grants_.emplace(address, Grant{bytes, std::move(tag)});
}

void HostMemory::revoke(uint64_t address) { grants_.erase(address); }

void HostMemory::revoke(uint64_t address, uint64_t bytes) {
  auto [first, last] = grants_.equal_range(address);
  for (auto it = first; it != last; ++it) {
    if (it->second.bytes == bytes) {
      grants_.erase(it);
      return;
    }
  }
}

bool HostMemory::is_allocation(uint64_t address) const { return allocations_.count(address) > 0; }

bool HostMemory::granted(uint64_t address, uint64_t bytes) const {
  if (bytes == 0) return true;
  uint64_t cursor = address;
  const uint64_t end = address + bytes;
  if (end < address) return false;  // wraps around the address space
  while (cursor < end) {
    // Furthest end of any grant that starts at or before cursor and covers it (grants may overlap).
    uint64_t covered_to = cursor;
    for (auto it = grants_.upper_bound(cursor); it != grants_.begin();) {
      --it;
      covered_to = std::max(covered_to, it->first + it->second.bytes);
      if (covered_to > cursor) break;  // the nearest grant covers: the usual case, one step
    }
    if (covered_to <= cursor) return false;
    cursor = covered_to;
  }
  return true;
}

void HostMemory::set_owner(uint64_t address, uint64_t bytes, BufferOwner owner) {
  owners_[address] = {bytes, owner};
}

BufferOwner HostMemory::owner(uint64_t address) const {
  auto it = owners_.upper_bound(address);
  if (it == owners_.begin()) return BufferOwner::kCpu;
  --it;
  return address < it->first + it->second.first ? it->second.second : BufferOwner::kCpu;
}

uint8_t* HostMemory::page(uint64_t address, bool create) const {
  const uint64_t number = address / kPageBytes;
  auto it = pages_.find(number);
  if (it == pages_.end()) {
    if (!create) return nullptr;
    it = pages_.emplace(number, std::vector<uint8_t>(kPageBytes, 0)).first;
  }
  return it->second.data();
}

template <typename Visit>
void HostMemory::for_each_chunk(uint64_t address, uint64_t bytes, bool create, Visit visit) const {
  while (bytes > 0) {
    uint64_t length = 0;
    uint8_t* pointer = nullptr;
    auto next = allocations_.upper_bound(address);
    auto it = next;
    if (it != allocations_.begin() &&
        address < std::prev(it)->first + std::prev(it)->second.bytes) {
      --it;
      const uint64_t offset = address - it->first;
      length = std::min(bytes, it->second.bytes - offset);
      pointer = it->second.storage.data() + offset;
    } else {
      // Sparse page storage, up to the page end or the next allocation.
      length = std::min(bytes, kPageBytes - address % kPageBytes);
      if (next != allocations_.end()) length = std::min(length, next->first - address);
      uint8_t* base = page(address, create);
      pointer = base ? base + address % kPageBytes : nullptr;
    }
    visit(pointer, length);
    address += length;
    bytes -= length;
  }
}

void HostMemory::cpu_read(uint64_t address, std::span<uint8_t> out) const {
  uint8_t* dest = out.data();
  for_each_chunk(address, out.size(), false, [&](const uint8_t* source, uint64_t length) {
    if (source) {
      std::memcpy(dest, source, length);
    } else {
      std::memset(dest, 0, length);
    }
    dest += length;
  });
}

void HostMemory::cpu_write(uint64_t address, std::span<const uint8_t> in) {
  const uint8_t* source = in.data();
  for_each_chunk(address, in.size(), true, [&](uint8_t* dest, uint64_t length) {
    std::memcpy(dest, source, length);
    source += length;
  });
}

uint32_t HostMemory::read32(uint64_t address) const {
  uint8_t bytes[4];
  cpu_read(address, bytes);
  uint32_t value;
  std::memcpy(&value, bytes, sizeof value);  // host and model are both little-endian
  return value;
}

uint64_t HostMemory::read64(uint64_t address) const {
  uint8_t bytes[8];
  cpu_read(address, bytes);
  uint64_t value;
  std::memcpy(&value, bytes, sizeof value);
  return value;
}

void HostMemory::write32(uint64_t address, uint32_t value) {
  uint8_t bytes[4];
  std::memcpy(bytes, &value, sizeof value);
  cpu_write(address, bytes);
}

void HostMemory::write64(uint64_t address, uint64_t value) {
  uint8_t bytes[8];
  std::memcpy(bytes, &value, sizeof value);
  cpu_write(address, bytes);
}

void HostMemory::refuse(const char* what, uint64_t address, uint64_t bytes) {
  ++refused_dma_;
  if (!reporter_) return;
  Violation violation;
  violation.rule = "DMA_OUTSIDE_GRANT";
  violation.severity = Severity::kError;
  violation.object = hex(address);
  violation.where = "host_memory";
  violation.message = std::string("device ") + what + " of " + std::to_string(bytes) +
                      " bytes at " + hex(address) + " outside any grant (not served)";
  reporter_(std::move(violation));
}

bool HostMemory::dma_read(uint64_t address, std::span<uint8_t> out) {
  grant_checks_.evaluated();
  if (!granted(address, out.size())) {
    std::fill(out.begin(), out.end(), 0);
    refuse("read", address, out.size());
    return false;
  }
  cpu_read(address, out);
  return true;
}

bool HostMemory::dma_write(uint64_t address, std::span<const uint8_t> in, uint64_t byte_enables) {
  grant_checks_.evaluated();
  if (!granted(address, in.size())) {
    refuse("write", address, in.size());
    return false;
  }
  const uint64_t span_enables = in.size() >= 64 ? ~uint64_t{0} : (uint64_t{1} << in.size()) - 1;
  if ((byte_enables & span_enables) == span_enables) {
    cpu_write(address, in);
    return true;
  }
  for (size_t i = 0; i < in.size(); ++i) {
    if (byte_enables >> (i % 64) & 1) cpu_write(address + i, in.subspan(i, 1));
  }
  return true;
}

}  // namespace nicsim::sim
