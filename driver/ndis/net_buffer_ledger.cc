#include "driver/ndis/net_buffer_ledger.h"

#include <cstring>

namespace nicsim::ndis {

NDIS_HANDLE NetBufferLedger::create_pool(NetObjectKind kind, USHORT context_size,
                                         bool allocates_nb) {
  auto pool = std::make_unique<Pool>();
  pool->kind = kind;
  pool->context_size = context_size;
  pool->allocates_nb = allocates_nb;
  NDIS_HANDLE handle = pool.get();
  pools_.emplace(handle, std::move(pool));
  return handle;
}

bool NetBufferLedger::pool_allocates_nb(NDIS_HANDLE pool) const {
  auto it = pools_.find(pool);
  return it != pools_.end() && it->second->allocates_nb;
}

USHORT NetBufferLedger::pool_context_size(NDIS_HANDLE pool) const {
  auto it = pools_.find(pool);
  return it == pools_.end() ? 0 : it->second->context_size;
}

size_t NetBufferLedger::live_in_pool(NDIS_HANDLE pool) const {
  auto it = pools_.find(pool);
  return it == pools_.end() ? 0 : it->second->live;
}

void NetBufferLedger::destroy_pool(NDIS_HANDLE pool) {
  auto it = pools_.find(pool);
  if (it == pools_.end()) return;
  if (it->second->live > 0) {
    // Objects still in use (a reported mistake): keep their memory, so the run goes on safely.
    leaked_.push_back(std::move(it->second));
  } else {
    for (const auto& block : it->second->storage) objects_.erase(block.get());
  }
  pools_.erase(it);
}

bool NetBufferLedger::is_pool(NDIS_HANDLE pool, NetObjectKind kind) const {
  auto it = pools_.find(pool);
  return it != pools_.end() && it->second->kind == kind;
}

void* NetBufferLedger::allocate(NDIS_HANDLE handle, NetObjectKind kind, size_t bytes) {
  Pool& pool = *pools_.at(handle);
  void* object = nullptr;
  // Reuse the oldest freed block once enough wait, if it is big enough for this object.
  if (pool.quarantine.size() > kQuarantine && pool.quarantine.front().second >= bytes) {
    object = pool.quarantine.front().first;
    bytes = pool.quarantine.front().second;
    pool.quarantine.pop_front();
  } else {
    if (pool.quarantine.size() > kQuarantine) pool.quarantine.pop_front();  // too small: retire
    pool.storage.push_back(std::make_unique<unsigned char[]>(bytes));
    object = pool.storage.back().get();
    pool.block_bytes[object] = bytes;
  }
  std::memset(object, 0, bytes);
  ++pool.live;
  objects_[object] = NetObject{kind, NetObjectState::kOwned, handle, {}};
  return object;
}

NetObject* NetBufferLedger::find(const void* object) {
  auto it = objects_.find(object);
  return it == objects_.end() ? nullptr : &it->second;
}

NetObject& NetBufferLedger::track(const void* object, NetObjectKind kind) {
  auto [it, inserted] = objects_.try_emplace(object);
  if (inserted) it->second.kind = kind;
  return it->second;
}

void NetBufferLedger::release(const void* object, std::string where) {
  auto it = objects_.find(object);
  if (it == objects_.end()) return;
  NetObject& info = it->second;
  if (info.state == NetObjectState::kFree) return;  // counted once, when it was freed
  auto pool = pools_.find(info.pool);
  if (pool == pools_.end()) {
    objects_.erase(it);
    return;
  }
  info.state = NetObjectState::kFree;
  info.freed_where = std::move(where);
  if (pool->second->live > 0) --pool->second->live;
  auto size = pool->second->block_bytes.find(object);
  pool->second->quarantine.emplace_back(const_cast<void*>(object),
                                        size == pool->second->block_bytes.end() ? 0 : size->second);
}

size_t NetBufferLedger::count_in_state(NetObjectKind kind, NetObjectState state) const {
  size_t count = 0;
  for (const auto& [object, info] : objects_) count += info.kind == kind && info.state == state;
  return count;
}

void NetBufferLedger::mark_free(const void* object, std::string where) {
  NetObject& info = objects_[object];
  info.state = NetObjectState::kFree;
  info.freed_where = std::move(where);
}

}  // namespace nicsim::ndis
