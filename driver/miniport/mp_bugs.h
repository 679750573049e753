// Bug variants of the reference miniport: each is one realistic mistake in one spot of the
// driver, selected at run time, with the verifier rule that must catch it. The bug-injection
// suite runs every entry of kDriverBugs and asserts its rule.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace nicsim::miniport {

enum class DriverBug {
  kNone,
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
};

struct DriverBugInfo {
  DriverBug bug;
  std::string_view name;  // the --driver-bug value
  std::string_view rule;  // the rule ID it must trigger
  std::string_view description;
};

inline constexpr std::array kDriverBugs = {
    DriverBugInfo{DriverBug::kSendDprAcquireAtPassive, "send-dpr-acquire-at-passive",
                  "DPR_ACQUIRE_IRQL", "send path takes SendLock with the Dpr acquire at PASSIVE"},
    DriverBugInfo{DriverBug::kDprAcquirePlainRelease, "dpr-acquire-plain-release",
                  "MISMATCHED_RELEASE",
                  "receive path: NdisDprAcquireSpinLock, NdisReleaseSpinLock"},
    DriverBugInfo{DriverBug::kPlainAcquireDprRelease, "plain-acquire-dpr-release",
                  "MISMATCHED_RELEASE", "send path: NdisAcquireSpinLock, NdisDprReleaseSpinLock"},
    DriverBugInfo{DriverBug::kSendErrorPathNoRelease, "send-error-path-no-release",
                  "LOCK_HELD_AT_RETURN", "send path returns on ring full still holding SendLock"},
    DriverBugInfo{DriverBug::kIsrTakesSpinLock, "isr-takes-spin-lock", "SPINLOCK_AT_DIRQL",
                  "ISR saves the cause under the adapter Lock"},
    DriverBugInfo{DriverBug::kDpcCauseUnsynchronized, "dpc-cause-unsynchronized",
                  "ISR_SHARED_UNSYNCHRONIZED",
                  "DPC reads and clears the ISR-shared cause word without synchronizing"},
    DriverBugInfo{DriverBug::kIsrOverwritesCause, "isr-overwrites-cause", "INTERRUPT_LOST",
                  "ISR stores the cause instead of OR-ing it into the saved word"},
    DriverBugInfo{DriverBug::kDpcSkipsReenableOnTxOnly, "dpc-skips-reenable", "INTERRUPT_LOST",
                  "DPC returns without re-enabling interrupts when it saw only TX causes"},
    DriverBugInfo{DriverBug::kLockOrderDpcVsSend, "lock-order-dpc-vs-send", "LOCK_ORDER_CYCLE",
                  "send path takes Lock then SendLock; the DPC nests SendLock then Lock"},
    DriverBugInfo{DriverBug::kRcvLockAcrossIndicate, "rcvlock-across-indicate", "RECURSIVE_ACQUIRE",
                  "RcvLock held across the indication; the return path takes RcvLock"},
    DriverBugInfo{DriverBug::kDrainRingUnderLock, "drain-ring-under-lock", "LOCK_HOLD_TOO_LONG",
                  "DPC polls the RX head under RcvLock until 512 polls found no frame"},
    DriverBugInfo{DriverBug::kHaltWithoutDeregister, "halt-without-deregister",
                  "HALT_WITHOUT_DEREGISTER", "halt returns with the interrupt still registered"},
    DriverBugInfo{DriverBug::kSendCompleteUnderLock, "send-complete-under-lock",
                  "NDIS_CALL_UNDER_LOCK", "DPC completes sends while holding SendLock"},
    DriverBugInfo{DriverBug::kReenableOutsideSync, "reenable-outside-sync", "MASK_OUTSIDE_SYNC",
                  "DPC writes IMS directly instead of through NdisMSynchronizeWithInterruptEx"},
    DriverBugInfo{DriverBug::kSyncWrongMessage, "sync-wrong-message", "SYNC_WRONG_MESSAGE",
                  "MSI-X registered without MsiSyncWithAllMessages; vectors share the cause word"},
    DriverBugInfo{DriverBug::kHaltFreesLocksFirst, "halt-frees-locks-first", "LOCK_FREED_IN_USE",
                  "halt frees the spin locks before deregistering the interrupt"},
    DriverBugInfo{DriverBug::kLockUsedBeforeAllocate, "lock-used-before-allocate",
                  "LOCK_NOT_ALLOCATED",
                  "initialize posts RX buffers under RcvLock before allocating it"},
    DriverBugInfo{DriverBug::kSendReleaseTwice, "send-release-twice", "RELEASE_NOT_HELD",
                  "send path releases SendLock twice on the ring-full branch"},
    DriverBugInfo{DriverBug::kHaltStallTooLong, "halt-stall-too-long", "STALL_TOO_LONG",
                  "halt waits for the device reset with a 100 us NdisStallExecution"},
    DriverBugInfo{DriverBug::kHaltSleepsUnderLock, "halt-sleeps-under-lock",
                  "BLOCKING_AT_RAISED_IRQL", "halt calls NdisMSleep while holding Lock"},
    DriverBugInfo{DriverBug::kIsrCompletesSend, "isr-completes-send", "CALL_AT_DIRQL",
                  "ISR completes sends with NdisMSendNetBufferListsComplete at DIRQL"},
    DriverBugInfo{DriverBug::kIsrSynchronizes, "isr-synchronizes", "SYNC_NESTED",
                  "ISR saves the cause through NdisMSynchronizeWithInterruptEx"},
    DriverBugInfo{DriverBug::kRxReadsDeviceBuffer, "rx-reads-device-buffer",
                  "CPU_TOUCHES_DEVICE_BUFFER",
                  "receive path reads the frame before taking the buffer back from the device"},
    DriverBugInfo{DriverBug::kRxBufferVirtualAddress, "rx-buffer-virtual-address",
                  "DMA_OUTSIDE_GRANT",
                  "RX descriptors carry the virtual address, not the physical"},
    DriverBugInfo{DriverBug::kIsrStalls, "isr-stalls", "ISR_TOO_LONG",
                  "ISR stalls 30 us waiting for the device to settle"},
    DriverBugInfo{DriverBug::kNonLifoRelease, "non-lifo-release", "NON_LIFO_RELEASE",
                  "send path releases SendLock before the Lock nested inside it"},
    DriverBugInfo{DriverBug::kIsrNoMask, "isr-no-mask", "ISR_NO_MASK",
                  "ISR queues the DPC without masking the device's interrupt"},
};

inline std::optional<DriverBug> find_driver_bug(std::string_view name) {
  if (name == "none") return DriverBug::kNone;
  for (const auto& info : kDriverBugs) {
    if (info.name == name) return info.bug;
  }
  return std::nullopt;
}

inline const DriverBugInfo* driver_bug_info(DriverBug bug) {
  for (const auto& info : kDriverBugs) {
    if (info.bug == bug) return &info;
  }
  return nullptr;
}

}  // namespace nicsim::miniport
