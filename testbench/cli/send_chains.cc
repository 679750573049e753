#include "testbench/cli/send_chains.h"

#include <cstring>

#include "driver/ndis/net_buffer_walk.h"

namespace nicsim::cli {
namespace {

constexpr ULONG kTag = 0x4E435354;  // 'TSCN'
// Offsets into the first MDL: aligned ones let the miniport hand the frame to the device as is,
// the others make it copy.
constexpr ULONG kOffsets[] = {0, 0, 8, 2, 13};

}  // namespace

void SendChains::open() {
  NET_BUFFER_LIST_POOL_PARAMETERS nbl_pool{};
  nbl_pool.Header = {NDIS_OBJECT_TYPE_DEFAULT, NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
                     sizeof(nbl_pool)};
  nbl_pool.ProtocolId = NDIS_PROTOCOL_ID_DEFAULT;
  nbl_pool.PoolTag = kTag;
  nbl_pool_ = NdisAllocateNetBufferListPool(nullptr, &nbl_pool);
  NET_BUFFER_POOL_PARAMETERS nb_pool{};
  nb_pool.Header = {NDIS_OBJECT_TYPE_DEFAULT, NET_BUFFER_POOL_PARAMETERS_REVISION_1,
                    sizeof(nb_pool)};
  nb_pool.PoolTag = kTag;
  nb_pool_ = NdisAllocateNetBufferPool(nullptr, &nb_pool);
}

void SendChains::close() {
  if (nb_pool_) NdisFreeNetBufferPool(nb_pool_);
  if (nbl_pool_) NdisFreeNetBufferListPool(nbl_pool_);
  nb_pool_ = nbl_pool_ = nullptr;
}

PNET_BUFFER SendChains::build_frame(const Frame& frame) {
  const ULONG offset = kOffsets[rng_() % std::size(kOffsets)];
  const auto length = static_cast<ULONG>(frame.size());
  auto* data = static_cast<PUCHAR>(
      NdisAllocateMemoryWithTagPriority(nullptr, offset + length, kTag, NormalPoolPriority));
  if (!data) return nullptr;
  std::memset(data, 0xA5, offset);  // bytes before the frame that must not be sent
  std::memcpy(data + offset, frame.data(), length);
  // Split [0, offset + length) into 1..3 MDLs at random points.
  const unsigned pieces = 1 + static_cast<unsigned>(rng_() % 3);
  PMDL head = nullptr, tail = nullptr;
  ULONG start = 0;
  for (unsigned i = 0; i < pieces && start < offset + length; ++i) {
    const ULONG left = offset + length - start;
    const ULONG size = i + 1 == pieces ? left : 1 + static_cast<ULONG>(rng_() % left);
    PMDL mdl = NdisAllocateMdl(nullptr, data + start, size);
    if (!mdl) break;
    (tail ? NDIS_MDL_LINKAGE(tail) : head) = mdl;
    tail = mdl;
    start += size;
  }
  PNET_BUFFER nb = head ? NdisAllocateNetBuffer(nb_pool_, head, offset, length) : nullptr;
  if (nb) {
    NET_BUFFER_PROTOCOL_RESERVED(nb)[0] = data;
  } else {
    for (PMDL mdl = head; mdl;) {
      PMDL next = NDIS_MDL_LINKAGE(mdl);
      NdisFreeMdl(mdl);
      mdl = next;
    }
    NdisFreeMemory(data, 0, 0);
  }
  return nb;
}

PNET_BUFFER_LIST SendChains::build(std::span<const Frame* const> frames) {
  PNET_BUFFER_LIST nbl = NdisAllocateNetBufferList(nbl_pool_, 0, 0);
  if (!nbl) return nullptr;
  PNET_BUFFER tail = nullptr;
  for (const Frame* frame : frames) {
    PNET_BUFFER nb = build_frame(*frame);
    if (!nb) {
      release(nbl);
      return nullptr;
    }
    (tail ? NET_BUFFER_NEXT_NB(tail) : NET_BUFFER_LIST_FIRST_NB(nbl)) = nb;
    tail = nb;
  }
  return nbl;
}

void SendChains::release(PNET_BUFFER_LIST nbl) {
  for (PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbl); nb;) {
    PNET_BUFFER next = NET_BUFFER_NEXT_NB(nb);
    for (PMDL mdl = NET_BUFFER_FIRST_MDL(nb); mdl;) {
      PMDL next_mdl = NDIS_MDL_LINKAGE(mdl);
      NdisFreeMdl(mdl);
      mdl = next_mdl;
    }
    NdisFreeMemory(NET_BUFFER_PROTOCOL_RESERVED(nb)[0], 0, 0);
    NdisFreeNetBuffer(nb);
    nb = next;
  }
  NET_BUFFER_LIST_FIRST_NB(nbl) = nullptr;
  NdisFreeNetBufferList(nbl);
}

std::vector<Frame> frames_of(const NET_BUFFER_LIST* nbl) {
  std::vector<Frame> frames;
  for (const NET_BUFFER* nb = nbl->FirstNetBuffer; nb; nb = nb->Next)
    frames.push_back(ndis::copy_net_buffer(nb));
  return frames;
}

}  // namespace nicsim::cli
