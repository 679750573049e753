// Public entry of the reference miniport: the testbench (in the role of the OS loader) calls
// MpDriverEntry once, then the NDIS layer drives the adapter through the registered handlers.
#pragma once

#include <ndis.h>

#include "mp_bugs.h"

namespace nicsim::miniport {

// Stands in for the registry keywords a real miniport reads at initialize. Whether interrupts are
// message-based comes from the adapter's resources, as on Windows.
struct DriverConfig {
  ULONG RssQueues = 4;  // queues 0..RssQueues-1 (1, 2, 4, 8); fewer when fewer messages came
  ULONG ItrCycles = 0;  // interrupt throttle per vector, NIC cycles
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
