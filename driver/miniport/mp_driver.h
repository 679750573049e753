// Public entry of the reference miniport: the loader (nicsim's CLI) calls DriverEntry once, then
// the NDIS layer drives the adapter through the registered handlers.
#pragma once

#include <ndis.h>

#include "mp_bugs.h"

namespace nicsim::miniport {

// Driver-wide counters the testbench reads after halt to account for what the driver saw.
struct DriverCounters {
  ULONG64 RxIndicated = 0;
  ULONG64 RxBadDescriptors = 0;  // write-backs that failed validation
  ULONG64 TxPosted = 0;
  ULONG64 TxCompleted = 0;
  ULONG64 TxErrors = 0;    // device rejected (ERR) or invalid length
  ULONG64 TxRingFull = 0;  // NBLs parked on the wait list because the ring was full
  // What the device got wrong, and what the driver did about it (each value was checked and the
  // descriptor recycled, never used).
  ULONG64 TxBadWritebacks = 0;  // TX write-backs with status bits the device does not define
  ULONG64 IsrBadCauses = 0;     // interrupt cause reads with undefined bits (counted at halt)
  ULONG64 DmaErrors = 0;        // DMA_ERR causes taken
  // Write-backs out of ring order, or describing another slot's frame (the hash is not the
  // buffer's): the ring is broken.
  ULONG64 MisplacedWritebacks = 0;
  ULONG64 ResetsRequested = 0;     // NdisMResetMiniport calls (a DMA error, a broken ring)
  ULONG64 HangCheckRaises = 0;     // hang checks that raised idle causes again (lost interrupts)
  ULONG64 DeviceRemovals = 0;      // the device was found gone (all-ones reads, surprise removal)
  ULONG64 SendsFailedRemoved = 0;  // send frames failed because the device was gone
};

const DriverCounters& MpCounters();

}  // namespace nicsim::miniport

// Registers the miniport with NDIS (NdisMRegisterMiniportDriver). Runs at PASSIVE_LEVEL.
extern "C" DRIVER_INITIALIZE DriverEntry;
