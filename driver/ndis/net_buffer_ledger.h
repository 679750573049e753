// Who owns each NET_BUFFER_LIST, NET_BUFFER and MDL the NDIS layer has seen: allocated from a pool
// and free, with the miniport, sent and not yet completed, or indicated and not yet returned.
// Pure bookkeeping (no SystemC, no reports): the kernel asks, then reports what the answer means.
#pragma once

#include <ndis.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "driver/ndis/call_site.h"

namespace nicsim::ndis {

enum class NetObjectKind : uint8_t { kNbl, kNb, kMdl };
enum class NetObjectState : uint8_t {
  kOwned,      // allocated; its owner (driver or protocol) may use it
  kSent,       // the protocol handed it to MiniportSendNetBufferLists; not completed yet
  kIndicated,  // the miniport indicated it up; the protocol holds it
  kFree,       // back in its pool (quarantined, so a use after free is still recognized)
};

struct NetObject {
  NetObjectKind kind = NetObjectKind::kNbl;
  NetObjectState state = NetObjectState::kOwned;
  NDIS_HANDLE pool = nullptr;  // nullptr: not from an NDIS pool (seen first in a call)
  std::string freed_where;     // where it was freed, for use-after-free reports
  // The last time it came back to its owner: completed (from kSent) or returned (from kIndicated,
  // also at once by an NDIS_RECEIVE_FLAGS_RESOURCES indication). kOwned: it never came back. A
  // second completion or return names the first.
  NetObjectState came_back_from = NetObjectState::kOwned;
  bool came_back_at_once = false;  // the indication itself gave it back (RESOURCES)
  CallSite came_back_at{nullptr, 0, nullptr};
  uint64_t walk = 0;  // the chain walk that saw it last: a chain that loops is cut there
};

class NetBufferLedger {
 public:
  // Freed objects wait this many frees before their memory is reused.
  static constexpr size_t kQuarantine = 256;

  NDIS_HANDLE create_pool(NetObjectKind kind, USHORT context_size, bool allocates_nb = false);
  bool pool_allocates_nb(NDIS_HANDLE pool) const;
  USHORT pool_context_size(NDIS_HANDLE pool) const;
  // Objects of the pool still allocated (not free).
  size_t live_in_pool(NDIS_HANDLE pool) const;
  void destroy_pool(NDIS_HANDLE pool);
  bool is_pool(NDIS_HANDLE pool, NetObjectKind kind) const;

  // Zeroed storage for a new object of the pool (from the pool's quarantine when it is full).
  void* allocate(NDIS_HANDLE pool, NetObjectKind kind, size_t bytes);
  // nullptr when the object was never seen.
  NetObject* find(const void* object);
  NetObject& track(const void* object, NetObjectKind kind);  // finds or starts tracking
  // Marks it free and quarantines its storage (pool objects) or forgets it (others). Releasing a
  // free object again changes nothing: a pool's live count never goes below zero.
  void release(const void* object, std::string where);
  size_t count_in_state(NetObjectKind kind, NetObjectState state) const;
  // Marks an object that lives inside another's storage (an NBL's own NB) free.
  void mark_free(const void* object, std::string where);
  // A fresh number for one walk over a chain (NetObject::walk).
  uint64_t next_walk() { return ++walks_; }

 private:
  struct Pool {
    NetObjectKind kind;
    USHORT context_size;
    bool allocates_nb;
    size_t live = 0;
    std::deque<std::pair<void*, size_t>> quarantine;  // freed blocks and their sizes
    std::unordered_map<const void*, size_t> block_bytes;
    std::vector<std::unique_ptr<unsigned char[]>> storage;
  };
  std::unordered_map<NDIS_HANDLE, std::unique_ptr<Pool>> pools_;
  std::vector<std::unique_ptr<Pool>> leaked_;  // freed with objects in use: memory kept
  std::unordered_map<const void*, NetObject> objects_;
  uint64_t walks_ = 0;
};

}  // namespace nicsim::ndis
