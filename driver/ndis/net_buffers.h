// NET_BUFFER_LIST and NET_BUFFER pools, MDLs, and who owns each of them along the data path
// (the ledger): allocation and free, use after free, and the ownership moves of send, completion,
// indication and return.
#pragma once

#include <ndis.h>

#include <string_view>

#include "driver/ndis/net_buffer_ledger.h"
#include "driver/ndis/verifier_core.h"

namespace nicsim::ndis {

class NetBuffers {
 public:
  explicit NetBuffers(VerifierCore& core);

  NDIS_HANDLE allocate_nbl_pool(PNET_BUFFER_LIST_POOL_PARAMETERS parameters, const CallSite& at);
  void free_nbl_pool(NDIS_HANDLE pool, const CallSite& at);
  PNET_BUFFER_LIST allocate_nbl(NDIS_HANDLE pool, USHORT context_size, USHORT backfill,
                                bool with_nb, PMDL mdl_chain, ULONG data_offset, SIZE_T data_length,
                                const CallSite& at);
  void free_nbl(PNET_BUFFER_LIST nbl, const CallSite& at);
  NDIS_HANDLE allocate_nb_pool(PNET_BUFFER_POOL_PARAMETERS parameters, const CallSite& at);
  void free_nb_pool(NDIS_HANDLE pool, const CallSite& at);
  PNET_BUFFER allocate_nb(NDIS_HANDLE pool, PMDL mdl_chain, ULONG data_offset, SIZE_T data_length,
                          const CallSite& at);
  void free_nb(PNET_BUFFER nb, const CallSite& at);
  PMDL allocate_mdl(PVOID va, UINT length, const CallSite& at);
  void free_mdl(PMDL mdl, const CallSite& at);
  void adjust_mdl_length(PMDL mdl, UINT length, const CallSite& at);
  PVOID get_data_buffer(PNET_BUFFER nb, ULONG bytes, PVOID storage, UINT align_multiple,
                        UINT align_offset, const CallSite& at);

  // A freed object handed to a call (NBL_USED_AFTER_FREE); false when it was.
  bool check_not_freed(const void* object, std::string_view api, const CallSite& at);
  // Filters a completed/indicated/returned chain down to the NBLs in state `from`, moving them to
  // `to`; reports rule (with what) for the others. Returns the new head.
  PNET_BUFFER_LIST take_chain(PNET_BUFFER_LIST nbls, NetObjectState from, NetObjectState to,
                              std::string_view rule, std::string_view api, const CallSite& at);
  NetBufferLedger& ledger() { return ledger_; }

 private:
  void free_pool(NDIS_HANDLE pool, NetObjectKind kind, const CallSite& at);

  VerifierCore& core_;
  NetBufferLedger ledger_;
  NDIS_HANDLE mdl_pool_ = nullptr;
};

}  // namespace nicsim::ndis
