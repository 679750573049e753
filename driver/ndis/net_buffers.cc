// NET_BUFFER_LIST and NET_BUFFER pools, MDLs, and who owns each of them along the data path:
// allocation and free, send and completion, indication and return.
#include "driver/ndis/net_buffers.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "driver/ndis/net_buffer_walk.h"

namespace nicsim::ndis {
namespace {

constexpr size_t kAlign = 16;  // MEMORY_ALLOCATION_ALIGNMENT on x64
size_t aligned(size_t bytes) { return (bytes + kAlign - 1) & ~(kAlign - 1); }

const char* kind_name(NetObjectKind kind) {
  switch (kind) {
    case NetObjectKind::kNbl:
      return "NET_BUFFER_LIST";
    case NetObjectKind::kNb:
      return "NET_BUFFER";
    case NetObjectKind::kMdl:
      return "MDL";
  }
  return "object";
}

void init_nb(PNET_BUFFER nb, NDIS_HANDLE pool, PMDL mdl_chain, ULONG data_offset,
             SIZE_T data_length) {
  nb->NdisPoolHandle = pool;
  nb->MdlChain = mdl_chain;
  nb->DataOffset = data_offset;
  nb->DataLength = static_cast<ULONG>(data_length);
  locate_net_buffer_data(nb);
}

}  // namespace

NetBuffers::NetBuffers(VerifierCore& core)
    : core_(core), mdl_pool_(ledger_.create_pool(NetObjectKind::kMdl, 0)) {}

bool NetBuffers::check_not_freed(const void* object, std::string_view api, const CallSite& at) {
  core_.evaluated("NBL_USED_AFTER_FREE");
  const NetObject* info = object ? ledger_.find(object) : nullptr;
  if (!info || info->state != NetObjectState::kFree) return true;
  core_.report("NBL_USED_AFTER_FREE", std::string(kind_name(info->kind)), at,
               std::string(api) + " was given a " + kind_name(info->kind) +
                   " that was freed to its pool at " + info->freed_where);
  return false;
}

NDIS_HANDLE NetBuffers::allocate_nbl_pool(PNET_BUFFER_LIST_POOL_PARAMETERS parameters,
                                          const CallSite& at) {
  if (!core_.enter_call(at) || !parameters) return nullptr;
  if (!core_.check_not_dirql("NdisAllocateNetBufferListPool", at)) return nullptr;
  return ledger_.create_pool(NetObjectKind::kNbl, parameters->ContextSize,
                             parameters->fAllocateNetBuffer != FALSE);
}

NDIS_HANDLE NetBuffers::allocate_nb_pool(PNET_BUFFER_POOL_PARAMETERS parameters,
                                         const CallSite& at) {
  if (!core_.enter_call(at) || !parameters) return nullptr;
  if (!core_.check_not_dirql("NdisAllocateNetBufferPool", at)) return nullptr;
  return ledger_.create_pool(NetObjectKind::kNb, 0);
}

void NetBuffers::free_pool(NDIS_HANDLE pool, NetObjectKind kind, const CallSite& at) {
  const bool nbl = kind == NetObjectKind::kNbl;
  const std::string api = nbl ? "NdisFreeNetBufferListPool" : "NdisFreeNetBufferPool";
  if (!core_.enter_call(at)) return;
  core_.check_not_dirql(api, at);
  if (!ledger_.is_pool(pool, kind)) return;
  core_.evaluated("POOL_FREED_IN_USE");
  if (const size_t live = ledger_.live_in_pool(pool))
    core_.report("POOL_FREED_IN_USE", nbl ? "NetBufferListPool" : "NetBufferPool", at,
                 api + " with " + std::to_string(live) + " " + kind_name(kind) +
                     "(s) still allocated from it");
  ledger_.destroy_pool(pool);
}

void NetBuffers::free_nbl_pool(NDIS_HANDLE pool, const CallSite& at) {
  free_pool(pool, NetObjectKind::kNbl, at);
}

void NetBuffers::free_nb_pool(NDIS_HANDLE pool, const CallSite& at) {
  free_pool(pool, NetObjectKind::kNb, at);
}

PNET_BUFFER_LIST NetBuffers::allocate_nbl(NDIS_HANDLE pool, USHORT context_size, USHORT backfill,
                                          bool with_nb, PMDL mdl_chain, ULONG data_offset,
                                          SIZE_T data_length, const CallSite& at) {
  if (!core_.enter_call(at)) return nullptr;
  if (!core_.check_not_dirql(
          with_nb ? "NdisAllocateNetBufferAndNetBufferList" : "NdisAllocateNetBufferList", at))
    return nullptr;
  // As documented: only a pool made with fAllocateNetBuffer hands out NBLs with an NB.
  if (!ledger_.is_pool(pool, NetObjectKind::kNbl) || (with_nb && !ledger_.pool_allocates_nb(pool)))
    return nullptr;
  if (with_nb && !check_not_freed(mdl_chain, "NdisAllocateNetBufferAndNetBufferList", at))
    return nullptr;
  const size_t context = size_t{ledger_.pool_context_size(pool)} + context_size + backfill;
  const size_t nb_at = aligned(sizeof(NET_BUFFER_LIST));
  const size_t context_at = nb_at + (with_nb ? aligned(sizeof(NET_BUFFER)) : 0);
  const size_t bytes =
      context_at + (context ? aligned(sizeof(NET_BUFFER_LIST_CONTEXT) + context) : 0);
  auto* block = static_cast<unsigned char*>(ledger_.allocate(pool, NetObjectKind::kNbl, bytes));
  if (auto* edges = core_.edges()) edges->memory_given(block, bytes, "NET_BUFFER_LIST", at, 0);
  auto* nbl = reinterpret_cast<PNET_BUFFER_LIST>(block);
  nbl->NdisPoolHandle = pool;
  if (context) {
    auto* ctx = reinterpret_cast<PNET_BUFFER_LIST_CONTEXT>(block + context_at);
    ctx->Size = static_cast<USHORT>(context);
    ctx->Offset = backfill;
    nbl->Context = ctx;
  }
  if (with_nb) {
    auto* nb = reinterpret_cast<PNET_BUFFER>(block + nb_at);
    init_nb(nb, pool, mdl_chain, data_offset, data_length);
    ledger_.track(nb, NetObjectKind::kNb) = NetObject{NetObjectKind::kNb};
    nbl->FirstNetBuffer = nb;
  }
  return nbl;
}

void NetBuffers::free_nbl(PNET_BUFFER_LIST nbl, const CallSite& at) {
  if (!core_.enter_call(at) || !nbl) return;
  core_.check_not_dirql("NdisFreeNetBufferList", at);
  core_.evaluated("NBL_DOUBLE_FREE");
  core_.evaluated("NBL_FREED_IN_USE");
  const NetObject* info = ledger_.find(nbl);
  if (!info || !info->pool) {
    core_.report("NBL_DOUBLE_FREE", "NET_BUFFER_LIST", at,
                 "NdisFreeNetBufferList of a NET_BUFFER_LIST no NDIS pool allocated");
    return;
  }
  if (info->state == NetObjectState::kFree) {
    core_.report(
        "NBL_DOUBLE_FREE", "NET_BUFFER_LIST", at,
        "NdisFreeNetBufferList of a NET_BUFFER_LIST already freed at " + info->freed_where);
    return;
  }
  if (info->state != NetObjectState::kOwned) {
    core_.report("NBL_FREED_IN_USE", "NET_BUFFER_LIST", at,
                 std::string("NdisFreeNetBufferList of a NET_BUFFER_LIST that is ") +
                     (info->state == NetObjectState::kSent ? "sent and not yet completed"
                                                           : "indicated and not yet returned"));
    return;
  }
  const std::string where = format_where(at);
  auto* own_nb = reinterpret_cast<PNET_BUFFER>(reinterpret_cast<unsigned char*>(nbl) +
                                               aligned(sizeof(NET_BUFFER_LIST)));
  if (ledger_.pool_allocates_nb(info->pool)) ledger_.mark_free(own_nb, where);
  if (auto* edges = core_.edges()) edges->memory_taken(nbl);
  ledger_.release(nbl, where);
}

PNET_BUFFER NetBuffers::allocate_nb(NDIS_HANDLE pool, PMDL mdl_chain, ULONG data_offset,
                                    SIZE_T data_length, const CallSite& at) {
  if (!core_.enter_call(at)) return nullptr;
  if (!core_.check_not_dirql("NdisAllocateNetBuffer", at)) return nullptr;
  if (!ledger_.is_pool(pool, NetObjectKind::kNb)) return nullptr;
  if (!check_not_freed(mdl_chain, "NdisAllocateNetBuffer", at)) return nullptr;
  auto* nb =
      static_cast<PNET_BUFFER>(ledger_.allocate(pool, NetObjectKind::kNb, sizeof(NET_BUFFER)));
  if (auto* edges = core_.edges()) edges->memory_given(nb, sizeof(NET_BUFFER), "NET_BUFFER", at, 0);
  init_nb(nb, pool, mdl_chain, data_offset, data_length);
  return nb;
}

void NetBuffers::free_nb(PNET_BUFFER nb, const CallSite& at) {
  if (!core_.enter_call(at) || !nb) return;
  core_.check_not_dirql("NdisFreeNetBuffer", at);
  core_.evaluated("NBL_DOUBLE_FREE");
  const NetObject* info = ledger_.find(nb);
  if (!info || !info->pool || info->state == NetObjectState::kFree) {
    core_.report(
        "NBL_DOUBLE_FREE", "NET_BUFFER", at,
        info && info->state == NetObjectState::kFree
            ? "NdisFreeNetBuffer of a NET_BUFFER already freed at " + info->freed_where
            : std::string("NdisFreeNetBuffer of a NET_BUFFER no NET_BUFFER pool allocated"));
    return;
  }
  if (auto* edges = core_.edges()) edges->memory_taken(nb);
  ledger_.release(nb, format_where(at));
}

PMDL NetBuffers::allocate_mdl(PVOID va, UINT length, const CallSite& at) {
  if (!core_.enter_call(at) || !va || length == 0) return nullptr;
  if (!core_.check_not_dirql("NdisAllocateMdl", at)) return nullptr;
  auto* mdl = static_cast<PMDL>(ledger_.allocate(mdl_pool_, NetObjectKind::kMdl, sizeof(MDL)));
  if (auto* edges = core_.edges()) edges->memory_given(mdl, sizeof(MDL), "MDL", at, 0);
  const auto address = reinterpret_cast<uintptr_t>(va);
  mdl->Size = static_cast<CSHORT>(sizeof(MDL));
  mdl->MdlFlags = MDL_SOURCE_IS_NONPAGED_POOL | MDL_MAPPED_TO_SYSTEM_VA;
  mdl->StartVa = reinterpret_cast<PVOID>(address & ~uintptr_t{0xFFF});
  mdl->ByteOffset = static_cast<ULONG>(address & 0xFFF);
  mdl->ByteCount = length;
  mdl->MappedSystemVa = va;
  return mdl;
}

void NetBuffers::free_mdl(PMDL mdl, const CallSite& at) {
  if (!core_.enter_call(at) || !mdl) return;
  core_.evaluated("NBL_DOUBLE_FREE");
  const NetObject* info = ledger_.find(mdl);
  if (!info || info->state == NetObjectState::kFree) {
    core_.report("NBL_DOUBLE_FREE", "MDL", at,
                 info ? "NdisFreeMdl of an MDL already freed at " + info->freed_where
                      : std::string("NdisFreeMdl of an MDL NdisAllocateMdl did not allocate"));
    return;
  }
  if (auto* edges = core_.edges()) edges->memory_taken(mdl);
  ledger_.release(mdl, format_where(at));
}

void NetBuffers::adjust_mdl_length(PMDL mdl, UINT length, const CallSite& at) {
  if (!core_.enter_call(at) || !mdl) return;
  if (!check_not_freed(mdl, "NdisAdjustMdlLength", at)) return;
  mdl->ByteCount = length;
}

PVOID NetBuffers::get_data_buffer(PNET_BUFFER nb, ULONG bytes, PVOID storage, UINT align_multiple,
                                  UINT align_offset, const CallSite& at) {
  if (!core_.enter_call(at) || !nb) return nullptr;
  if (!check_not_freed(nb, "NdisGetDataBuffer", at)) return nullptr;
  if (bytes > nb->DataLength || !nb->CurrentMdl) return nullptr;
  auto* first = static_cast<uint8_t*>(nb->CurrentMdl->MappedSystemVa) + nb->CurrentMdlOffset;
  const bool contiguous = nb->CurrentMdl->ByteCount - nb->CurrentMdlOffset >= bytes;
  const bool aligned_ok = align_multiple <= 1 || (reinterpret_cast<uintptr_t>(first) %
                                                  align_multiple) == align_offset % align_multiple;
  if (contiguous && aligned_ok) return first;
  if (!storage) return nullptr;
  auto* out = static_cast<uint8_t*>(storage);
  ULONG copied = 0;
  for_each_net_buffer_piece(nb, [&](const uint8_t* p, ULONG n) {
    const ULONG take = std::min(n, bytes - copied);
    std::memcpy(out + copied, p, take);
    copied += take;
  });
  return storage;
}

namespace {

// Why an NBL in `state` may not be completed (from kSent) or returned (from kIndicated) now.
std::string not_outstanding(const NetObject& info, NetObjectState from) {
  if (info.state == NetObjectState::kSent) return "is a send not yet completed";
  if (info.state == NetObjectState::kIndicated) return "the protocol still holds";
  std::string why = "is not outstanding: ";
  if (info.came_back_from == from && from != NetObjectState::kOwned) {
    why += info.came_back_at_once          ? "indicated with NDIS_RECEIVE_FLAGS_RESOURCES at "
           : from == NetObjectState::kSent ? "completed already at "
                                           : "returned already at ";
    why += format_where(info.came_back_at);
    if (info.state == NetObjectState::kFree) why += ", and freed since at " + info.freed_where;
    return why;
  }
  if (from == NetObjectState::kSent) return why + "never sent to MiniportSendNetBufferLists";
  if (from == NetObjectState::kIndicated) return why + "never indicated";
  return why + "not the miniport's";
}

}  // namespace

PNET_BUFFER_LIST NetBuffers::take_chain(PNET_BUFFER_LIST nbls, NetObjectState from,
                                        NetObjectState to, std::string_view rule,
                                        std::string_view api, const CallSite& at) {
  core_.evaluated(rule);
  PNET_BUFFER_LIST head = nullptr, tail = nullptr;
  const uint64_t walk = ledger_.next_walk();
  for (PNET_BUFFER_LIST nbl = nbls; nbl;) {
    NetObject& info = ledger_.track(nbl, NetObjectKind::kNbl);
    if (info.walk == walk) {
      // The same NBL twice in one chain: the chain loops back to it, so nothing after it counts.
      core_.report(rule, "NET_BUFFER_LIST", at,
                   std::string(api) +
                       " was given a chain that holds one NET_BUFFER_LIST twice (it loops back); "
                       "the chain is cut there");
      break;
    }
    info.walk = walk;
    PNET_BUFFER_LIST next = nbl->Next;
    // Completed or returned before and freed since: a second completion or return, first of all.
    const bool came_back_before = info.came_back_from == from && from != NetObjectState::kOwned;
    if (info.state == NetObjectState::kFree && !came_back_before) {
      check_not_freed(nbl, api, at);
    } else if (info.state != from) {
      core_.report(
          rule, "NET_BUFFER_LIST", at,
          std::string(api) + " was given a NET_BUFFER_LIST that " + not_outstanding(info, from));
    } else {
      info.state = to;
      if (to == NetObjectState::kOwned) {
        info.came_back_from = from;
        info.came_back_at_once = false;
        info.came_back_at = at;
      }
      nbl->Next = nullptr;
      (tail ? tail->Next : head) = nbl;
      tail = nbl;
    }
    nbl = next;
  }
  return head;
}

}  // namespace nicsim::ndis
