// The reference miniport's bug-variant table, in DriverBug order (mp_bugs.h).
#include "mp_bugs.h"

extern "C" const NICSIM_DRIVER_BUG NicsimDriverBugs[] = {
    {"send-dpr-acquire-at-passive", "DPR_ACQUIRE_IRQL",
     "send path takes SendLock with the Dpr acquire at PASSIVE"},
    {"dpr-acquire-plain-release", "MISMATCHED_RELEASE",
     "receive path: NdisDprAcquireSpinLock, NdisReleaseSpinLock"},
    {"plain-acquire-dpr-release", "MISMATCHED_RELEASE",
     "send path: NdisAcquireSpinLock, NdisDprReleaseSpinLock"},
    {"send-error-path-no-release", "LOCK_HELD_AT_RETURN",
     "send path returns on ring full still holding SendLock"},
    {"isr-takes-spin-lock", "SPINLOCK_AT_DIRQL", "ISR saves the cause under the adapter Lock"},
    {"dpc-cause-unsynchronized", "ISR_SHARED_UNSYNCHRONIZED",
     "DPC reads and clears the ISR-shared cause word without synchronizing"},
    {"isr-overwrites-cause", "INTERRUPT_LOST",
     "ISR stores the cause instead of OR-ing it into the saved word"},
    {"dpc-skips-reenable", "INTERRUPT_LOST",
     "DPC returns without re-enabling interrupts when it saw only TX causes"},
    {"lock-order-dpc-vs-send", "LOCK_ORDER_CYCLE",
     "send path takes Lock then SendLock; the DPC nests SendLock then Lock"},
    {"rcvlock-across-indicate", "RECURSIVE_ACQUIRE",
     "RcvLock held across the indication; the return path takes RcvLock"},
    {"drain-ring-under-lock", "LOCK_HOLD_TOO_LONG",
     "DPC polls the RX head under RcvLock until 512 polls found no frame"},
    {"halt-without-deregister", "HALT_WITHOUT_DEREGISTER",
     "halt returns with the interrupt still registered"},
    {"send-complete-under-lock", "NDIS_CALL_UNDER_LOCK",
     "DPC completes sends while holding SendLock"},
    {"reenable-outside-sync", "MASK_OUTSIDE_SYNC",
     "DPC writes IMS directly instead of through NdisMSynchronizeWithInterruptEx"},
    {"sync-wrong-message", "SYNC_WRONG_MESSAGE",
     "MSI-X registered without MsiSyncWithAllMessages; vectors share the cause word"},
    {"halt-frees-locks-first", "LOCK_FREED_IN_USE",
     "halt frees the spin locks before deregistering the interrupt"},
    {"lock-used-before-allocate", "LOCK_NOT_ALLOCATED",
     "initialize posts RX buffers under RcvLock before allocating it"},
    {"send-release-twice", "RELEASE_NOT_HELD",
     "send path releases SendLock twice on the ring-full branch"},
    {"halt-stall-too-long", "STALL_TOO_LONG",
     "halt waits for the device reset with a 100 us NdisStallExecution"},
    {"halt-sleeps-under-lock", "BLOCKING_AT_RAISED_IRQL",
     "halt calls NdisMSleep while holding Lock"},
    {"isr-completes-send", "CALL_AT_DIRQL",
     "ISR completes sends with NdisMSendNetBufferListsComplete at DIRQL"},
    {"isr-synchronizes", "SYNC_NESTED",
     "ISR saves the cause through NdisMSynchronizeWithInterruptEx"},
    {"rx-reads-device-buffer", "CPU_TOUCHES_DEVICE_BUFFER",
     "receive path reads the frame before taking the buffer back from the device"},
    {"rx-buffer-virtual-address", "DMA_OUTSIDE_GRANT",
     "RX descriptors carry the virtual address, not the physical"},
    {"isr-stalls", "ISR_TOO_LONG", "ISR stalls 30 us waiting for the device to settle"},
    {"non-lifo-release", "NON_LIFO_RELEASE",
     "send path releases SendLock before the Lock nested inside it"},
    {"isr-no-mask", "ISR_NO_MASK", "ISR queues the DPC without masking the device's interrupt"},
    {"tx-bad-length", "SEND_FAILED",
     "bounce path writes the bounce buffer's size as LEN, not the frame's: the NIC rejects it"},
    {"send-completed-twice", "SEND_COMPLETED_TWICE",
     "send DPC completes the last NBL of its batch a second time after handing the batch back"},
    {"tx-doorbell-before-descriptor", "DEVICE_READS_STALE_DESCRIPTOR",
     "send path writes TX_TAIL over the slot before filling its descriptor"},
    {nullptr, nullptr, nullptr},
};

namespace nicsim::miniport {

static_assert(std::size(NicsimDriverBugs) ==
                  static_cast<size_t>(DriverBug::kTxDoorbellBeforeDescriptor) + 1,
              "NicsimDriverBugs and DriverBug list the same variants in the same order");

std::span<const NICSIM_DRIVER_BUG> DriverBugTable() {
  return {NicsimDriverBugs, std::size(NicsimDriverBugs) - 1};
}

}  // namespace nicsim::miniport
