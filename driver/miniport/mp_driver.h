// Public entry of the reference miniport: the testbench (in the role of the OS loader) calls
// MpDriverEntry once, then the NDIS layer drives the adapter through the registered handlers.
#pragma once

#include <ndis.h>

#include "mp_bugs.h"

namespace nicsim::miniport {

// The driver context the testbench (as the loader) hands to DriverEntry: which deliberate mistake
// to make, if any. Everything a real miniport configures comes from its registry keywords
// (*NumRssQueues, ItrCycles; mp_config.cc) and its resources.
struct DriverConfig {
  DriverBug Bug = DriverBug::kNone;
};

// Driver-wide counters the testbench reads after halt to account for what the driver saw.
struct DriverCounters {
  ULONG64 RxIndicated = 0;
  ULONG64 RxBadDescriptors = 0;  // write-backs that failed validation
  ULONG64 TxPosted = 0;
  ULONG64 TxCompleted = 0;
  ULONG64 TxErrors = 0;    // device rejected (ERR) or invalid length
  ULONG64 TxRingFull = 0;  // NBLs parked on the wait list because the ring was full
};

// Registers the miniport with NDIS (NdisMRegisterMiniportDriver). config must outlive the
// driver. Runs at PASSIVE_LEVEL.
NDIS_STATUS MpDriverEntry(const DriverConfig* config, PNDIS_HANDLE driver_handle);
const DriverCounters& MpCounters();

}  // namespace nicsim::miniport
