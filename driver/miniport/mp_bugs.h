// Bug variants of the reference miniport: each is one realistic mistake in one spot of the
// driver, selected at run time, with the verifier rule that must catch it. The table is
// NicsimDriverBugs (<nicsim_driver_bugs.h>, mp_bugs.cc), the keyword NicsimDriverBug selects one,
// and the bug-injection suite runs every entry and asserts its rule.
#pragma once

#include <ndis.h>
#include <nicsim_driver_bugs.h>

#include <cstddef>
#include <span>

namespace nicsim::miniport {

// Value i + 1 is NicsimDriverBugs[i] (the NicsimDriverBug keyword's value); keep both in order.
enum class DriverBug : ULONG {
  kNone = 0,
  kSendDprAcquireAtPassive,   // send path always uses the Dpr acquire
  kDprAcquirePlainRelease,    // receive path: Dpr acquire, plain release
  kPlainAcquireDprRelease,    // send path: plain acquire, Dpr release
  kSendErrorPathNoRelease,    // send path: ring-full branch returns holding SendLock
  kIsrTakesSpinLock,          // ISR saves the cause under the adapter Lock
  kDpcCauseUnsynchronized,    // DPC fetches and clears the saved cause without synchronizing
  kIsrOverwritesCause,        // ISR stores the cause instead of OR-ing it in
  kDpcSkipsReenableOnTxOnly,  // DPC returns early without re-enabling when it saw only TX
  kLockOrderDpcVsSend,        // send path takes Lock then SendLock; completion nests the reverse
  kRcvLockAcrossIndicate,     // RcvLock held across the indication; the return path takes it
  kDrainRingUnderLock,        // DPC drains the ring under RcvLock, polling the head register
  kHaltWithoutDeregister,     // halt forgets NdisMDeregisterInterruptEx
  kSendCompleteUnderLock,     // send completion indicated while holding SendLock
  kReenableOutsideSync,       // DPC writes IMS directly instead of through synchronize
  kSyncWrongMessage,          // MSI-X registered without MsiSyncWithAllMessages
  kHaltFreesLocksFirst,       // halt frees the spin locks before deregistering the interrupt
  kLockUsedBeforeAllocate,    // initialize posts RX buffers under RcvLock before allocating it
  kSendReleaseTwice,          // send path releases SendLock twice on the ring-full branch
  kHaltStallTooLong,          // halt waits for the reset with a 100 us stall
  kHaltSleepsUnderLock,       // halt sleeps while holding Lock to let sends drain
  kIsrCompletesSend,          // ISR completes sends at DIRQL
  kIsrSynchronizes,           // ISR calls NdisMSynchronizeWithInterruptEx
  kRxReadsDeviceBuffer,       // receive path reads the frame before taking the buffer back
  kRxBufferVirtualAddress,    // RX descriptors carry the virtual address, not the physical
  kIsrStalls,                 // ISR stalls 30 us waiting for the device to settle
  kNonLifoRelease,            // send path releases SendLock before the nested Lock
  kIsrNoMask,                 // ISR queues the DPC without masking the device
  kTxBadLength,               // bounce path: the descriptor's LEN is the bounce buffer's size
  kSendCompletedTwice,        // send DPC completes the last NBL of its batch a second time
  // send path writes TX_TAIL before filling the descriptor
  kTxDoorbellBeforeDescriptor,
  // Race checker (DATA_RACE and the rules it feeds on plain memory):
  kRxPlainReadBeforeTakeBack,  // receive path reads the EtherType before taking the buffer back
  kTxRingCounterRace,          // send completion reaps the ring before taking SendLock
  kStatsCounterUnlocked,       // receive DPCs count frames with a plain ++, no Lock
  kPauseFlagUnlocked,          // DPC reads Paused before it takes Lock
  kDpcReenableBeforeDrain,     // DPC re-enables its causes before it drains the rings
  kIsrCountsUnsynchronized,    // hang check reads the ISR's claim count outside synchronize
  // Lifecycle under traffic:
  kResetBeforeMask,          // reset work item resets the device before masking its interrupt
  kAbortCompletesUnderLock,  // reset completes the sends it aborted while holding SendLock
  kHaltFlagUnlocked,         // halt sets Halting without Lock; the DPC reads it under Lock
  kRegisterBeforeMask,       // initialize connects the interrupt before masking the device
  // The NIC's own assertions:
  kRxTailRewindOnPause,  // pause takes the posted receive buffers back: RX_TAIL onto the head
};

// NicsimDriverBugs without its terminator.
std::span<const NICSIM_DRIVER_BUG> DriverBugTable();

}  // namespace nicsim::miniport
