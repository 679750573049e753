// Synchronization services of the NDIS layer: Ke IRQL calls, KSPIN_LOCK and the NDIS interlocked
// helpers (through the spin-lock checks), NDIS_RW_LOCK_EX, plus the owner of these and of the
// timer, DPC and work-item components (timers.h). Kernel-private.
#pragma once

#include <ndis.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "driver/ndis/lock_verifier.h"
#include "driver/ndis/spin_locks.h"
#include "driver/ndis/timers.h"
#include "driver/ndis/verifier_core.h"

namespace nicsim::ndis {

// "&Adapter->RxDpc" -> "RxDpc": what reports call an object named after its expression.
std::string name_from_expression(const char* expression, std::string_view fallback);

// KeRaiseIrql / KeLowerIrql, Ke spin locks and the Ndis interlocked helpers that take an
// NDIS_SPIN_LOCK.
class KeSync {
 public:
  KeSync(VerifierCore& core, LockVerifier& locks, SpinLocks& spin_locks)
      : core_(core), locks_(locks), spin_locks_(spin_locks) {}

  // A yield point for Interlocked* and KeMemoryBarrier.
  void interlocked(const CallSite& at);
  sim::Irql raise_irql(sim::Irql new_irql, std::string_view api, const CallSite& at);
  void lower_irql(sim::Irql new_irql, const CallSite& at);

  void initialize_spin_lock(PKSPIN_LOCK lock, const char* name, const CallSite& at);
  void acquire(PKSPIN_LOCK lock, PKIRQL old_irql, const CallSite& at);
  void release(PKSPIN_LOCK lock, KIRQL new_irql, const CallSite& at);
  void acquire_at_dpc_level(PKSPIN_LOCK lock, const CallSite& at);
  void release_from_dpc_level(PKSPIN_LOCK lock, const CallSite& at);

  // Runs op under an NDIS spin lock, checked as an acquire and a release named api.
  void under_ndis_lock(PNDIS_SPIN_LOCK lock, const char* api, const std::function<void()>& op,
                       const CallSite& at);

 private:
  static const SpinApi kKeSpinApi;
  LockState* find(PKSPIN_LOCK lock, bool dpr, bool acquire, const CallSite& at);
  VerifierCore& core_;
  LockVerifier& locks_;
  SpinLocks& spin_locks_;
};

// NDIS_RW_LOCK_EX: readers share, a writer excludes. Each lock is a LockState of the lock
// verifier (order graph, held list, LOCK_HELD_AT_RETURN, statistics); the holds live here.
class RwLocks {
 public:
  RwLocks(VerifierCore& core, LockVerifier& locks) : core_(core), locks_(locks) {}

  PNDIS_RW_LOCK_EX allocate(const char* name, const CallSite& at);
  void free(PNDIS_RW_LOCK_EX lock, const CallSite& at);
  void acquire(PNDIS_RW_LOCK_EX lock, PLOCK_STATE_EX state, UCHAR flags, bool write,
               const CallSite& at);
  void release(PNDIS_RW_LOCK_EX lock, PLOCK_STATE_EX state, const CallSite& at);

 private:
  struct Hold {
    PLOCK_STATE_EX state;
    unsigned cpu;
    bool write;
    bool at_dispatch;  // NDIS_RWL_AT_DISPATCH_LEVEL: the IRQL was left alone
    sim::Irql old_irql;
    uint64_t acquired_ns;
    std::string where;
  };
  struct Lock {
    LockState* state = nullptr;
    bool allocated = true;
    std::vector<Hold> holds;
  };

  Lock* find(PNDIS_RW_LOCK_EX lock, std::string_view api, const CallSite& at);
  // Another CPU's hold (or an orphaned one) keeps a write (or any) acquire out.
  bool blocked(const Lock& lock, bool write, unsigned cpu) const;
  bool self_deadlock(Lock& lock, bool write, const CallSite& at);
  bool wait(Lock& lock, bool write, const CallSite& at);
  void claim(Lock& lock, PLOCK_STATE_EX state, UCHAR flags, bool write, sim::Irql irql,
             const CallSite& at);
  void drop(Lock& lock, size_t index, const CallSite& at);

  VerifierCore& core_;
  LockVerifier& locks_;
  std::vector<std::unique_ptr<Lock>> rw_locks_;
  std::unordered_map<const void*, Lock*> by_handle_;
};

// Everything the synchronization, timer and work-item calls need, made on first use.
class SyncServices {
 public:
  SyncServices(VerifierCore& core, LockVerifier& locks, SpinLocks& spin_locks)
      : ke(core, locks, spin_locks), rw(core, locks), timers(core), dpcs(core), work_items(core) {}
  KeSync ke;
  RwLocks rw;
  TimerObjects timers;
  DpcObjects dpcs;
  IoWorkItems work_items;
};

}  // namespace nicsim::ndis
