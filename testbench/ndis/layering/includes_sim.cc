// DriverLayering.CannotIncludeSim: ndis_only.cc plus an include of the simulator. Compiled with
// exactly what the reference miniport gets (nicsim_ndis_api and nic_regs), it must not build:
// nothing on a driver's include path reaches sim/.
#include <ndis.h>

#include "nic_regs.h"
#include "sim/platform.h"

ULONG LayeringReadId(NDIS_HANDLE adapter, NDIS_PHYSICAL_ADDRESS bar0) {
  PVOID base = nullptr;
  if (NdisMMapIoSpace(&base, adapter, bar0, 0x1000) != NDIS_STATUS_SUCCESS) return 0;
  ULONG id = 0;
  NdisReadRegisterUlong(static_cast<PUCHAR>(base) + nic_regs::ID, &id);
  return id;
}
