// Scatter-gather DMA: NdisMRegisterScatterGatherDma, and SG lists over a NET_BUFFER's MDL chain
// that grant the device its elements only between NdisMAllocateNetBufferSGList and
// NdisMFreeNetBufferSGList (a device read outside is DMA_OUTSIDE_GRANT).
#pragma once

#include <ndis.h>

#include <memory>

#include "driver/ndis/net_buffers.h"
#include "driver/ndis/verifier_core.h"

namespace nicsim::ndis {

class SgDma {
 public:
  SgDma(VerifierCore& core, NetBuffers& net_buffers);
  ~SgDma();
  SgDma(const SgDma&) = delete;
  SgDma& operator=(const SgDma&) = delete;

  NDIS_STATUS register_sg_dma(PNDIS_SG_DMA_DESCRIPTION description, PNDIS_HANDLE handle,
                              const CallSite& at);
  void deregister_sg_dma(NDIS_HANDLE handle, const CallSite& at);
  NDIS_STATUS allocate_sg_list(NDIS_HANDLE handle, PNET_BUFFER nb, PVOID context, PVOID buffer,
                               ULONG buffer_size, const CallSite& at);
  void free_sg_list(NDIS_HANDLE handle, PSCATTER_GATHER_LIST list, PNET_BUFFER nb,
                    const CallSite& at);
  // SG_LIST_NOT_FREED for a NET_BUFFER of nbl completed with its list still allocated.
  void check_sg_freed(PNET_BUFFER_LIST nbl, const CallSite& at);

 private:
  struct Registration;
  VerifierCore& core_;
  NetBuffers& net_buffers_;
  std::unique_ptr<Registration> registration_;  // one per adapter
};

}  // namespace nicsim::ndis
