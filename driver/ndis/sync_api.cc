// The C entry points behind <nicsim/ndis_sync.h> and <nicsim/ndis_timers.h>: each forwards to the
// installed Kernel's synchronization services with the driver's call site.
#include <ndis.h>

#include "driver/ndis/api_call.h"
#include "driver/ndis/kernel.h"
#include "driver/ndis/sync.h"

using nicsim::ndis::CallSite;
using nicsim::ndis::Kernel;
using nicsim::ndis::SyncServices;

namespace {
SyncServices& S() { return Kernel::current().sync(); }
// Interlocked operations work without a kernel too (plain atomics); with one they yield, and for
// the race checker they are atomic accesses that acquire and release the word.
void Interlocked(const volatile void* address, size_t bytes, uintptr_t pc, const CallSite& at) {
  Kernel* kernel = Kernel::current_or_null();
  if (!kernel) return;
  kernel->sync().ke.interlocked(at);
  if (auto* edges = kernel->core().edges()) edges->interlocked(address, bytes, pc);
}
void Barrier(const CallSite& at) {
  Kernel* kernel = Kernel::current_or_null();
  if (!kernel) return;
  kernel->sync().ke.interlocked(at);
  if (auto* edges = kernel->core().edges()) edges->memory_barrier();
}
}  // namespace

// The driver's PC (the instruction after its call), for the race report.
#define DRIVER_PC reinterpret_cast<uintptr_t>(__builtin_return_address(0))

#define SEQ_CST __ATOMIC_SEQ_CST

// --- processor and IRQL ---------------------------------------------------------------------
ULONG NicsimKeGetCurrentProcessorNumberEx(PPROCESSOR_NUMBER ProcNumber) {
  const ULONG index = NicsimKeGetCurrentProcessorNumber();
  if (ProcNumber) *ProcNumber = PROCESSOR_NUMBER{0, static_cast<UCHAR>(index), 0};
  return index;
}
KIRQL NicsimKeRaiseIrql(KIRQL NewIrql, NICSIM_CALL_SITE_PARAMS) {
  return S().ke.raise_irql(NewIrql, "KeRaiseIrql", WHERE);
}
VOID NicsimKeLowerIrql(KIRQL NewIrql, NICSIM_CALL_SITE_PARAMS) {
  S().ke.lower_irql(NewIrql, WHERE);
}
KIRQL NicsimKeRaiseIrqlToDpcLevel(NICSIM_CALL_SITE_PARAMS) {
  return S().ke.raise_irql(DISPATCH_LEVEL, "KeRaiseIrqlToDpcLevel", WHERE);
}

// --- Ke spin locks --------------------------------------------------------------------------
VOID NicsimKeInitializeSpinLock(PKSPIN_LOCK SpinLock, const char* Name, NICSIM_CALL_SITE_PARAMS) {
  S().ke.initialize_spin_lock(SpinLock, Name, WHERE);
}
VOID NicsimKeAcquireSpinLock(PKSPIN_LOCK SpinLock, PKIRQL OldIrql, NICSIM_CALL_SITE_PARAMS) {
  S().ke.acquire(SpinLock, OldIrql, WHERE);
}
VOID NicsimKeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql, NICSIM_CALL_SITE_PARAMS) {
  S().ke.release(SpinLock, NewIrql, WHERE);
}
VOID NicsimKeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock, NICSIM_CALL_SITE_PARAMS) {
  S().ke.acquire_at_dpc_level(SpinLock, WHERE);
}
VOID NicsimKeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock, NICSIM_CALL_SITE_PARAMS) {
  S().ke.release_from_dpc_level(SpinLock, WHERE);
}

// --- interlocked ----------------------------------------------------------------------------
VOID NicsimKeMemoryBarrier(NICSIM_CALL_SITE_PARAMS) {
  Barrier(WHERE);
  __atomic_thread_fence(SEQ_CST);
}
LONG NicsimInterlockedIncrement(LONG volatile* Addend, NICSIM_CALL_SITE_PARAMS) {
  Interlocked(Addend, sizeof(*Addend), DRIVER_PC, WHERE);
  return __atomic_add_fetch(Addend, 1, SEQ_CST);
}
LONG NicsimInterlockedDecrement(LONG volatile* Addend, NICSIM_CALL_SITE_PARAMS) {
  Interlocked(Addend, sizeof(*Addend), DRIVER_PC, WHERE);
  return __atomic_sub_fetch(Addend, 1, SEQ_CST);
}
LONG NicsimInterlockedExchange(LONG volatile* Target, LONG Value, NICSIM_CALL_SITE_PARAMS) {
  Interlocked(Target, sizeof(*Target), DRIVER_PC, WHERE);
  return __atomic_exchange_n(Target, Value, SEQ_CST);
}
LONG NicsimInterlockedCompareExchange(LONG volatile* Destination, LONG ExChange, LONG Comperand,
                                      NICSIM_CALL_SITE_PARAMS) {
  Interlocked(Destination, sizeof(*Destination), DRIVER_PC, WHERE);
  __atomic_compare_exchange_n(Destination, &Comperand, ExChange, false, SEQ_CST, SEQ_CST);
  return Comperand;  // the initial value either way
}
LONG NicsimInterlockedExchangeAdd(LONG volatile* Addend, LONG Value, NICSIM_CALL_SITE_PARAMS) {
  Interlocked(Addend, sizeof(*Addend), DRIVER_PC, WHERE);
  return __atomic_fetch_add(Addend, Value, SEQ_CST);
}
LONG NicsimInterlockedOr(LONG volatile* Destination, LONG Value, NICSIM_CALL_SITE_PARAMS) {
  Interlocked(Destination, sizeof(*Destination), DRIVER_PC, WHERE);
  return __atomic_fetch_or(Destination, Value, SEQ_CST);
}
LONG NicsimInterlockedAnd(LONG volatile* Destination, LONG Value, NICSIM_CALL_SITE_PARAMS) {
  Interlocked(Destination, sizeof(*Destination), DRIVER_PC, WHERE);
  return __atomic_fetch_and(Destination, Value, SEQ_CST);
}
LONG64 NicsimInterlockedIncrement64(LONG64 volatile* Addend, NICSIM_CALL_SITE_PARAMS) {
  Interlocked(Addend, sizeof(*Addend), DRIVER_PC, WHERE);
  return __atomic_add_fetch(Addend, 1, SEQ_CST);
}
LONG64 NicsimInterlockedDecrement64(LONG64 volatile* Addend, NICSIM_CALL_SITE_PARAMS) {
  Interlocked(Addend, sizeof(*Addend), DRIVER_PC, WHERE);
  return __atomic_sub_fetch(Addend, 1, SEQ_CST);
}
LONG64 NicsimInterlockedExchange64(LONG64 volatile* Target, LONG64 Value, NICSIM_CALL_SITE_PARAMS) {
  Interlocked(Target, sizeof(*Target), DRIVER_PC, WHERE);
  return __atomic_exchange_n(Target, Value, SEQ_CST);
}
LONG64 NicsimInterlockedCompareExchange64(LONG64 volatile* Destination, LONG64 ExChange,
                                          LONG64 Comperand, NICSIM_CALL_SITE_PARAMS) {
  Interlocked(Destination, sizeof(*Destination), DRIVER_PC, WHERE);
  __atomic_compare_exchange_n(Destination, &Comperand, ExChange, false, SEQ_CST, SEQ_CST);
  return Comperand;
}
LONG64 NicsimInterlockedExchangeAdd64(LONG64 volatile* Addend, LONG64 Value,
                                      NICSIM_CALL_SITE_PARAMS) {
  Interlocked(Addend, sizeof(*Addend), DRIVER_PC, WHERE);
  return __atomic_fetch_add(Addend, Value, SEQ_CST);
}
LONG64 NicsimInterlockedOr64(LONG64 volatile* Destination, LONG64 Value, NICSIM_CALL_SITE_PARAMS) {
  Interlocked(Destination, sizeof(*Destination), DRIVER_PC, WHERE);
  return __atomic_fetch_or(Destination, Value, SEQ_CST);
}
LONG64 NicsimInterlockedAnd64(LONG64 volatile* Destination, LONG64 Value, NICSIM_CALL_SITE_PARAMS) {
  Interlocked(Destination, sizeof(*Destination), DRIVER_PC, WHERE);
  return __atomic_fetch_and(Destination, Value, SEQ_CST);
}
PVOID NicsimInterlockedExchangePointer(PVOID volatile* Target, PVOID Value,
                                       NICSIM_CALL_SITE_PARAMS) {
  Interlocked(Target, sizeof(*Target), DRIVER_PC, WHERE);
  return __atomic_exchange_n(Target, Value, SEQ_CST);
}
PVOID NicsimInterlockedCompareExchangePointer(PVOID volatile* Destination, PVOID Exchange,
                                              PVOID Comperand, NICSIM_CALL_SITE_PARAMS) {
  Interlocked(Destination, sizeof(*Destination), DRIVER_PC, WHERE);
  __atomic_compare_exchange_n(Destination, &Comperand, Exchange, false, SEQ_CST, SEQ_CST);
  return Comperand;
}

// --- Ndis interlocked helpers ---------------------------------------------------------------
VOID NicsimNdisInterlockedAddUlong(PULONG Addend, ULONG Increment, PNDIS_SPIN_LOCK SpinLock,
                                   NICSIM_CALL_SITE_PARAMS) {
  S().ke.under_ndis_lock(
      SpinLock, "NdisInterlockedAddUlong", [&] { *Addend += Increment; }, WHERE);
}
PLIST_ENTRY NicsimNdisInterlockedInsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry,
                                                PNDIS_SPIN_LOCK SpinLock, NICSIM_CALL_SITE_PARAMS) {
  PLIST_ENTRY first = nullptr;
  S().ke.under_ndis_lock(
      SpinLock, "NdisInterlockedInsertHeadList",
      [&] {
        first = IsListEmpty(ListHead) ? nullptr : ListHead->Flink;
        InsertHeadList(ListHead, ListEntry);
      },
      WHERE);
  return first;
}
PLIST_ENTRY NicsimNdisInterlockedInsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry,
                                                PNDIS_SPIN_LOCK SpinLock, NICSIM_CALL_SITE_PARAMS) {
  PLIST_ENTRY last = nullptr;
  S().ke.under_ndis_lock(
      SpinLock, "NdisInterlockedInsertTailList",
      [&] {
        last = IsListEmpty(ListHead) ? nullptr : ListHead->Blink;
        InsertTailList(ListHead, ListEntry);
      },
      WHERE);
  return last;
}
PLIST_ENTRY NicsimNdisInterlockedRemoveHeadList(PLIST_ENTRY ListHead, PNDIS_SPIN_LOCK SpinLock,
                                                NICSIM_CALL_SITE_PARAMS) {
  PLIST_ENTRY removed = nullptr;
  S().ke.under_ndis_lock(
      SpinLock, "NdisInterlockedRemoveHeadList",
      [&] { removed = IsListEmpty(ListHead) ? nullptr : RemoveHeadList(ListHead); }, WHERE);
  return removed;
}

// --- RW locks -------------------------------------------------------------------------------
PNDIS_RW_LOCK_EX NicsimNdisAllocateRWLock(NDIS_HANDLE, const char* Name, NICSIM_CALL_SITE_PARAMS) {
  return S().rw.allocate(Name, WHERE);
}
VOID NicsimNdisFreeRWLock(PNDIS_RW_LOCK_EX Lock, NICSIM_CALL_SITE_PARAMS) {
  S().rw.free(Lock, WHERE);
}
VOID NicsimNdisAcquireRWLock(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState, UCHAR Flags,
                             BOOLEAN Write, NICSIM_CALL_SITE_PARAMS) {
  S().rw.acquire(Lock, LockState, Flags, Write != FALSE, WHERE);
}
VOID NicsimNdisReleaseRWLock(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState,
                             NICSIM_CALL_SITE_PARAMS) {
  S().rw.release(Lock, LockState, WHERE);
}

// --- timer objects --------------------------------------------------------------------------
NDIS_STATUS NicsimNdisAllocateTimerObject(NDIS_HANDLE,
                                          PNDIS_TIMER_CHARACTERISTICS TimerCharacteristics,
                                          PNDIS_HANDLE pTimerObject, NICSIM_CALL_SITE_PARAMS) {
  return S().timers.allocate(TimerCharacteristics, pTimerObject, WHERE);
}
BOOLEAN NicsimNdisSetTimerObject(NDIS_HANDLE TimerObject, LARGE_INTEGER DueTime,
                                 LONG MillisecondsPeriod, PVOID FunctionContext,
                                 NICSIM_CALL_SITE_PARAMS) {
  return S().timers.set(TimerObject, DueTime.QuadPart, MillisecondsPeriod, FunctionContext, WHERE);
}
BOOLEAN NicsimNdisCancelTimerObject(NDIS_HANDLE TimerObject, NICSIM_CALL_SITE_PARAMS) {
  return S().timers.cancel(TimerObject, WHERE);
}
VOID NicsimNdisFreeTimerObject(NDIS_HANDLE TimerObject, NICSIM_CALL_SITE_PARAMS) {
  S().timers.free(TimerObject, WHERE);
}

// --- KDPC objects ---------------------------------------------------------------------------
VOID NicsimKeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext,
                           const char* Name, NICSIM_CALL_SITE_PARAMS) {
  S().dpcs.initialize(Dpc, DeferredRoutine, DeferredContext, Name, WHERE);
}
BOOLEAN NicsimKeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2,
                               NICSIM_CALL_SITE_PARAMS) {
  return S().dpcs.insert(Dpc, SystemArgument1, SystemArgument2, WHERE);
}
BOOLEAN NicsimKeRemoveQueueDpc(PRKDPC Dpc, NICSIM_CALL_SITE_PARAMS) {
  return S().dpcs.remove(Dpc, WHERE);
}
VOID NicsimKeSetTargetProcessorDpc(PRKDPC Dpc, CCHAR Number, NICSIM_CALL_SITE_PARAMS) {
  S().dpcs.set_target(Dpc, Number, WHERE);
}

// --- I/O work items -------------------------------------------------------------------------
NDIS_HANDLE NicsimNdisAllocateIoWorkItem(NDIS_HANDLE, NICSIM_CALL_SITE_PARAMS) {
  return S().work_items.allocate(WHERE);
}
VOID NicsimNdisQueueIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle, NDIS_IO_WORKITEM_ROUTINE Routine,
                               PVOID WorkItemContext, NICSIM_CALL_SITE_PARAMS) {
  S().work_items.queue(NdisIoWorkItemHandle, Routine, WorkItemContext, WHERE);
}
VOID NicsimNdisFreeIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle, NICSIM_CALL_SITE_PARAMS) {
  S().work_items.free(NdisIoWorkItemHandle, WHERE);
}
