// DriverLayering.NdisHeaderAloneBuilds: a driver source compiled with exactly what the reference
// miniport gets (nicsim_ndis_api and nic_regs). includes_sim.cc is this file plus one include of
// the simulator; that this one builds shows the twin fails for that include alone.
#include <ndis.h>

#include "nic_regs.h"

ULONG LayeringReadId(NDIS_HANDLE adapter, NDIS_PHYSICAL_ADDRESS bar0) {
  PVOID base = nullptr;
  if (NdisMMapIoSpace(&base, adapter, bar0, 0x1000) != NDIS_STATUS_SUCCESS) return 0;
  ULONG id = 0;
  NdisReadRegisterUlong(static_cast<PUCHAR>(base) + nic_regs::ID, &id);
  return id;
}
