// Scatter-gather DMA: NdisMRegisterScatterGatherDma, and SG lists over a NET_BUFFER's MDL chain
// that grant the device its elements only between NdisMAllocateNetBufferSGList and
// NdisMFreeNetBufferSGList (a device read outside is DMA_OUTSIDE_GRANT).
#include <cstring>

#include "driver/ndis/kernel.h"
#include "driver/ndis/kernel_state.h"
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

NDIS_STATUS Kernel::register_sg_dma(PNDIS_SG_DMA_DESCRIPTION description, PNDIS_HANDLE handle,
                                    const CallSite& at) {
  if (!description || !handle) return NDIS_STATUS_INVALID_PARAMETER;
  if (!enter_call(at)) return NDIS_STATUS_FAILURE;
  if (on_cpu() && cpu().irql() != sim::kPassiveLevel)
    report("CALL_AT_DIRQL", "NdisMRegisterScatterGatherDma", at,
           "NdisMRegisterScatterGatherDma must be called at PASSIVE_LEVEL, not IRQL " +
               std::to_string(cpu().irql()));
  if (!description->ProcessSGListHandler) return NDIS_STATUS_INVALID_PARAMETER;
  if (sg_dma_) return NDIS_STATUS_FAILURE;  // one per adapter
  sg_dma_ = std::make_unique<SgDma>();
  description->ScatterGatherListSize = list_bytes(kMaxElements);
  sg_dma_->description = *description;
  *handle = sg_dma_.get();
  return NDIS_STATUS_SUCCESS;
}

void Kernel::deregister_sg_dma(NDIS_HANDLE handle, const CallSite& at) {
  if (!enter_call(at) || !sg_dma_ || handle != sg_dma_.get()) return;
  if (!sg_dma_->lists.empty())
    report("SG_LIST_NOT_FREED", "NdisMDeregisterScatterGatherDma", at,
           "NdisMDeregisterScatterGatherDma with " + std::to_string(sg_dma_->lists.size()) +
               " scatter-gather list(s) never freed");
  for (auto& [list, info] : sg_dma_->lists)
    for (auto [address, bytes] : info.granted) platform_.memory().revoke(address, bytes);
  sg_dma_.reset();
}

NDIS_STATUS Kernel::allocate_sg_list(NDIS_HANDLE handle, PNET_BUFFER nb, PVOID context,
                                     PVOID buffer, ULONG buffer_size, const CallSite& at) {
  if (!enter_call(at)) return NDIS_STATUS_FAILURE;
  if (!check_not_dirql("NdisMAllocateNetBufferSGList", at)) return NDIS_STATUS_FAILURE;
  if (!sg_dma_ || handle != sg_dma_.get() || !nb) return NDIS_STATUS_INVALID_PARAMETER;
  if (!check_not_freed(nb, "NdisMAllocateNetBufferSGList", at)) return NDIS_STATUS_FAILURE;
  // One element per physically contiguous piece of the data.
  auto& memory = platform_.memory();
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
  if (!mappable) {
    report("SG_MEMORY_NOT_MAPPABLE", "NdisMAllocateNetBufferSGList", at,
           "the NET_BUFFER's data is not in memory NDIS allocated, so no device address maps it");
    return NDIS_STATUS_RESOURCES;
  }
  const auto count = static_cast<ULONG>(elements.size());
  if (count > kMaxElements || (buffer && buffer_size < list_bytes(count)))
    return NDIS_STATUS_BUFFER_TOO_SHORT;

  SgDma::List info{nb, {}, {}};
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
  sg_dma_->by_nb[nb] = list;
  sg_dma_->lists.emplace(list, std::move(info));
  nb->ScatterGatherList = list;

  // NDIS calls MiniportProcessSGList at DISPATCH_LEVEL, here before it returns.
  const sim::Irql before = on_cpu() ? cpu().irql() : sim::kPassiveLevel;
  if (on_cpu() && before < sim::kDispatchLevel) set_irql(sim::kDispatchLevel);
  run_callback(
      "MiniportProcessSGList",
      [&] { sg_dma_->description.ProcessSGListHandler(nullptr, nullptr, list, context); },
      CallbackKind::kDpc);
  if (on_cpu() && before < sim::kDispatchLevel) set_irql(before);
  return NDIS_STATUS_SUCCESS;
}

void Kernel::free_sg_list(NDIS_HANDLE handle, PSCATTER_GATHER_LIST list, PNET_BUFFER nb,
                          const CallSite& at) {
  if (!enter_call(at)) return;
  check_not_dirql("NdisMFreeNetBufferSGList", at);
  if (!sg_dma_ || handle != sg_dma_.get()) return;
  auto it = sg_dma_->lists.find(list);
  if (it == sg_dma_->lists.end() || it->second.nb != nb) {
    report("SG_LIST_FREED_TWICE", "NdisMFreeNetBufferSGList", at,
           it == sg_dma_->lists.end()
               ? "NdisMFreeNetBufferSGList of a scatter-gather list that is not outstanding "
                 "(freed already, or never allocated)"
               : "NdisMFreeNetBufferSGList with a NET_BUFFER the list was not allocated for");
    return;
  }
  auto& memory = platform_.memory();
  for (auto [address, bytes] : it->second.granted) memory.revoke(address, bytes);
  sg_dma_->by_nb.erase(nb);
  sg_dma_->lists.erase(it);
}

void Kernel::check_sg_freed(PNET_BUFFER_LIST nbl, const CallSite& at) {
  if (!sg_dma_) return;
  for (PNET_BUFFER nb = nbl->FirstNetBuffer; nb; nb = nb->Next)
    if (sg_dma_->by_nb.count(nb))
      report("SG_LIST_NOT_FREED", "NdisMSendNetBufferListsComplete", at,
             "a NET_BUFFER was completed with its scatter-gather list still allocated");
}

}  // namespace nicsim::ndis
