// Scatter-gather DMA: NdisMRegisterScatterGatherDma, and SG lists over a NET_BUFFER's MDL chain
// that grant the device its elements only between NdisMAllocateNetBufferSGList and
// NdisMFreeNetBufferSGList (a device read outside is DMA_OUTSIDE_GRANT).
#include "driver/ndis/sg_dma.h"

#include <cstring>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "driver/ndis/net_buffer_walk.h"
#include "sim/host_memory.h"

namespace nicsim::ndis {
namespace {

constexpr ULONG kMaxElements = 64;  // what ScatterGatherListSize is sized for

constexpr ULONG list_bytes(ULONG elements) {
  return static_cast<ULONG>(sizeof(SCATTER_GATHER_LIST) +
                            elements * sizeof(SCATTER_GATHER_ELEMENT));
}

}  // namespace

// One registered scatter-gather DMA and the lists it has handed out.
struct SgDma::Registration {
  NDIS_SG_DMA_DESCRIPTION description{};
  struct List {
    const NET_BUFFER* nb;
    std::vector<std::pair<uint64_t, uint64_t>> granted;  // element ranges granted the device
    std::vector<uint8_t> storage;  // when NDIS, not the caller, provided the buffer
  };
  std::unordered_map<const void*, List> lists;         // by SCATTER_GATHER_LIST address
  std::unordered_map<const void*, const void*> by_nb;  // NET_BUFFER -> its outstanding list
  std::unordered_map<uint64_t, unsigned> grants;       // element address -> lists granting it
};

SgDma::SgDma(VerifierCore& core, NetBuffers& net_buffers)
    : core_(core), net_buffers_(net_buffers) {}

SgDma::~SgDma() = default;

NDIS_STATUS SgDma::register_sg_dma(PNDIS_SG_DMA_DESCRIPTION description, PNDIS_HANDLE handle,
                                   const CallSite& at) {
  if (!description || !handle) return NDIS_STATUS_INVALID_PARAMETER;
  if (!core_.enter_call(at)) return NDIS_STATUS_FAILURE;
  core_.evaluated("CALL_AT_DIRQL");
  if (core_.on_cpu() && core_.cpu().irql() != sim::kPassiveLevel)
    core_.report("CALL_AT_DIRQL", "NdisMRegisterScatterGatherDma", at,
                 "NdisMRegisterScatterGatherDma must be called at PASSIVE_LEVEL, not IRQL " +
                     std::to_string(core_.cpu().irql()));
  if (!description->ProcessSGListHandler) return NDIS_STATUS_INVALID_PARAMETER;
  if (registration_) return NDIS_STATUS_FAILURE;  // one per adapter
  registration_ = std::make_unique<Registration>();
  description->ScatterGatherListSize = list_bytes(kMaxElements);
  registration_->description = *description;
  *handle = registration_.get();
  return NDIS_STATUS_SUCCESS;
}

void SgDma::deregister_sg_dma(NDIS_HANDLE handle, const CallSite& at) {
  if (!core_.enter_call(at) || !registration_ || handle != registration_.get()) return;
  core_.evaluated("SG_LIST_NOT_FREED");
  if (!registration_->lists.empty())
    core_.report("SG_LIST_NOT_FREED", "NdisMDeregisterScatterGatherDma", at,
                 "NdisMDeregisterScatterGatherDma with " +
                     std::to_string(registration_->lists.size()) +
                     " scatter-gather list(s) never freed");
  for (auto& [list, info] : registration_->lists)
    for (auto [address, bytes] : info.granted) core_.platform().memory().revoke(address, bytes);
  registration_.reset();
}

NDIS_STATUS SgDma::allocate_sg_list(NDIS_HANDLE handle, PNET_BUFFER nb, PVOID context, PVOID buffer,
                                    ULONG buffer_size, const CallSite& at) {
  if (!core_.enter_call(at)) return NDIS_STATUS_FAILURE;
  if (!core_.check_not_dirql("NdisMAllocateNetBufferSGList", at)) return NDIS_STATUS_FAILURE;
  if (!registration_ || handle != registration_.get() || !nb) return NDIS_STATUS_INVALID_PARAMETER;
  if (!net_buffers_.check_not_freed(nb, "NdisMAllocateNetBufferSGList", at))
    return NDIS_STATUS_FAILURE;
  // One element per physically contiguous piece of the data.
  auto& memory = core_.platform().memory();
  std::vector<SCATTER_GATHER_ELEMENT> elements;
  bool mappable = true;
  for_each_net_buffer_piece(nb, [&](const uint8_t* p, ULONG n) {
    const uint64_t address = memory.address_of(p);
    if (!address) mappable = false;
    if (!elements.empty()) {
      auto& last = elements.back();
      if (static_cast<uint64_t>(last.Address.QuadPart) + last.Length == address) {
        last.Length += n;
        return;
      }
    }
    SCATTER_GATHER_ELEMENT element{};
    element.Address.QuadPart = static_cast<LONGLONG>(address);
    element.Length = n;
    elements.push_back(element);
  });
  core_.evaluated("SG_MEMORY_NOT_MAPPABLE");
  if (!mappable) {
    core_.report(
        "SG_MEMORY_NOT_MAPPABLE", "NdisMAllocateNetBufferSGList", at,
        "the NET_BUFFER's data is not in memory NDIS allocated, so no device address maps it");
    return NDIS_STATUS_RESOURCES;
  }
  const auto count = static_cast<ULONG>(elements.size());
  if (count > kMaxElements || (buffer && buffer_size < list_bytes(count)))
    return NDIS_STATUS_BUFFER_TOO_SHORT;

  Registration::List info{nb, {}, {}};
  if (!buffer) {
    info.storage.resize(list_bytes(count));
    buffer = info.storage.data();
  }
  auto* list = static_cast<PSCATTER_GATHER_LIST>(buffer);
  list->NumberOfElements = count;
  list->Reserved = 0;
  std::memcpy(list->Elements, elements.data(), count * sizeof(SCATTER_GATHER_ELEMENT));
  for (const auto& element : elements) {
    const auto address = static_cast<uint64_t>(element.Address.QuadPart);
    memory.grant(address, element.Length, format_where(at));
    info.granted.emplace_back(address, element.Length);
  }
  registration_->by_nb[nb] = list;
  registration_->lists.emplace(list, std::move(info));
  nb->ScatterGatherList = list;

  // NDIS calls MiniportProcessSGList at DISPATCH_LEVEL, here before it returns.
  const sim::Irql before = core_.on_cpu() ? core_.cpu().irql() : sim::kPassiveLevel;
  if (core_.on_cpu() && before < sim::kDispatchLevel) core_.set_irql(sim::kDispatchLevel);
  core_.run_callback(
      "MiniportProcessSGList",
      [&] { registration_->description.ProcessSGListHandler(nullptr, nullptr, list, context); },
      CallbackKind::kDpc);
  if (core_.on_cpu() && before < sim::kDispatchLevel) core_.set_irql(before);
  return NDIS_STATUS_SUCCESS;
}

void SgDma::free_sg_list(NDIS_HANDLE handle, PSCATTER_GATHER_LIST list, PNET_BUFFER nb,
                         const CallSite& at) {
  if (!core_.enter_call(at)) return;
  core_.check_not_dirql("NdisMFreeNetBufferSGList", at);
  if (!registration_ || handle != registration_.get()) return;
  auto it = registration_->lists.find(list);
  core_.evaluated("SG_LIST_FREED_TWICE");
  if (it == registration_->lists.end() || it->second.nb != nb) {
    core_.report("SG_LIST_FREED_TWICE", "NdisMFreeNetBufferSGList", at,
                 it == registration_->lists.end()
                     ? "NdisMFreeNetBufferSGList of a scatter-gather list that is not outstanding "
                       "(freed already, or never allocated)"
                     : "NdisMFreeNetBufferSGList with a NET_BUFFER the list was not allocated for");
    return;
  }
  auto& memory = core_.platform().memory();
  for (auto [address, bytes] : it->second.granted) memory.revoke(address, bytes);
  registration_->by_nb.erase(nb);
  registration_->lists.erase(it);
}

void SgDma::check_sg_freed(PNET_BUFFER_LIST nbl, const CallSite& at) {
  if (!registration_) return;
  core_.evaluated("SG_LIST_NOT_FREED");
  for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next)
    if (registration_->by_nb.count(nb))
      core_.report("SG_LIST_NOT_FREED", "NdisMSendNetBufferListsComplete", at,
                   "a NET_BUFFER was completed with its scatter-gather list still allocated");
}

}  // namespace nicsim::ndis
