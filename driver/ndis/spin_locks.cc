// NDIS spin locks: allocation, acquire/release with IRQL semantics, and the checks every spin-lock
// family shares (the holds, order and wait-for graphs are the lock verifier's).
#include "driver/ndis/spin_locks.h"

#include <stdexcept>

namespace nicsim::ndis {
namespace {

std::string lock_name_from_expression(const char* expression) {
  // "&Adapter->RcvLock" or "&lock" -> the last identifier.
  std::string name = expression ? expression : "";
  auto pos = name.find_last_of(">.&*( ");
  if (pos != std::string::npos) name = name.substr(pos + 1);
  while (!name.empty() && (name.back() == ')' || name.back() == ' ')) name.pop_back();
  return name.empty() ? "SpinLock" : name;
}

}  // namespace

const SpinApi SpinLocks::kNdisSpinApi = {"NdisAllocateSpinLock",   "NdisFreeSpinLock",
                                         "NdisAcquireSpinLock",    "NdisReleaseSpinLock",
                                         "NdisDprAcquireSpinLock", "NdisDprReleaseSpinLock"};

LockState* SpinLocks::make_lock(const void* address, std::string name, const SpinApi& names,
                                const CallSite& at) {
  core_.evaluated("LOCK_FREED_IN_USE");
  if (LockState* old = locks_.at_address(address); old && old->allocated && old->holder >= 0) {
    core_.report("LOCK_FREED_IN_USE", old->name, at,
                 std::string(names.allocate) + " again on " + old->name + " while " +
                     locks_.describe_holder(*old) + " holds it");
    return nullptr;
  }
  LockState& state = locks_.new_lock(std::move(name), false);
  locks_.bind_address(address, state);
  return &state;
}

LockState* SpinLocks::find_spin_lock(const void* address, std::string_view api,
                                     const SpinApi& names, const CallSite& at) {
  core_.evaluated("LOCK_NOT_ALLOCATED");
  LockState* found = locks_.at_address(address);
  if (found && found->allocated) return found;
  const std::string name = found ? found->name : "unallocated lock";
  core_.report("LOCK_NOT_ALLOCATED", name, at,
               std::string(api) + " on a lock " +
                   (found ? std::string("after ") + names.free
                          : std::string("never allocated with ") + names.allocate));
  if (core_.on_cpu()) {
    if (CallbackScope* isr = core_.innermost_scope(CallbackKind::kIsr);
        isr && isr->interrupt && isr->interrupt->registering)
      core_.report("REGISTER_BEFORE_READY", name, at,
                   "the ISR ran before NdisMRegisterInterruptEx returned and used a lock not yet "
                   "allocated");
  }
  return nullptr;
}

void SpinLocks::allocate_spin_lock(PNDIS_SPIN_LOCK lock, const char* name, const CallSite& at) {
  if (!lock) throw std::invalid_argument("NdisAllocateSpinLock: null lock");
  if (!core_.enter_call(at)) return;
  const std::string lock_name = lock_name_from_expression(name);
  core_.evaluated("SPINLOCK_AT_DIRQL");
  if (core_.on_cpu() && core_.cpu().irql() >= sim::kFirstDeviceIrql)
    core_.report("SPINLOCK_AT_DIRQL", lock_name, at, "NdisAllocateSpinLock at DIRQL");
  const LockState* state = make_lock(lock, lock_name, kNdisSpinApi, at);
  if (!state) return;
  lock->SpinLock = state->id;
  lock->OldIrql = PASSIVE_LEVEL;
}

void SpinLocks::free_spin_lock(PNDIS_SPIN_LOCK lock, const CallSite& at) {
  if (!core_.enter_call(at)) return;
  LockState* state = find_spin_lock(lock, "NdisFreeSpinLock", kNdisSpinApi, at);
  if (!state) return;
  core_.evaluated("SPINLOCK_AT_DIRQL");
  if (core_.on_cpu() && core_.cpu().irql() >= sim::kFirstDeviceIrql)
    core_.report("SPINLOCK_AT_DIRQL", state->name, at, "NdisFreeSpinLock at DIRQL");
  core_.evaluated("LOCK_FREED_IN_USE");
  if (state->holder >= 0) {
    core_.report("LOCK_FREED_IN_USE", state->name, at,
                 "NdisFreeSpinLock on " + state->name + " while " + locks_.describe_holder(*state) +
                     " holds it");
  } else {
    for (const InterruptStatus* interrupt : state->used_by) {
      if (!interrupt->registered) continue;
      core_.report("LOCK_FREED_IN_USE", state->name, at,
                   "NdisFreeSpinLock on " + state->name + " while interrupt " + interrupt->name +
                       ", whose ISR or DPC uses it, is still registered");
      break;
    }
  }
  state->allocated = false;
}

void SpinLocks::acquire_spin_lock(PNDIS_SPIN_LOCK lock, bool dpr, const CallSite& at) {
  if (!core_.on_cpu())
    throw std::logic_error("NdisAcquireSpinLock must run on a simulated CPU thread");
  const SpinApi& names = kNdisSpinApi;
  if (!core_.enter_call(at)) return;
  LockState* state = find_spin_lock(lock, dpr ? names.acquire_dpr : names.acquire, names, at);
  if (!state) return;
  if (auto old = acquire_spin(*state, dpr, names, at); old && !dpr) lock->OldIrql = *old;
}

std::optional<sim::Irql> SpinLocks::acquire_spin(LockState& state, bool dpr, const SpinApi& names,
                                                 const CallSite& at) {
  const std::string api = dpr ? names.acquire_dpr : names.acquire;
  const sim::Irql irql = core_.cpu().irql();
  core_.evaluated("SPINLOCK_AT_DIRQL");
  if (irql >= sim::kFirstDeviceIrql)
    core_.report("SPINLOCK_AT_DIRQL", state.name, at,
                 api + " at DIRQL " + std::to_string(irql) +
                     ": NDIS spin locks cannot protect state shared with the ISR; use "
                     "NdisMSynchronizeWithInterruptEx");
  core_.evaluated(dpr ? "DPR_ACQUIRE_IRQL" : "ACQUIRE_ABOVE_DISPATCH");
  if (dpr && irql != sim::kDispatchLevel)
    core_.report("DPR_ACQUIRE_IRQL", state.name, at,
                 api + " at IRQL " + std::to_string(irql) + " (must be DISPATCH_LEVEL)");
  if (!dpr && irql > sim::kDispatchLevel)
    core_.report("ACQUIRE_ABOVE_DISPATCH", state.name, at,
                 api + " at IRQL " + std::to_string(irql) + " (above DISPATCH_LEVEL)");
  if (!dpr && irql < sim::kDispatchLevel) core_.cpu().raise_irql(sim::kDispatchLevel);
  if (!locks_.take(state, dpr, at)) return std::nullopt;
  return irql;
}

void SpinLocks::release_spin_lock(PNDIS_SPIN_LOCK lock, bool dpr, const CallSite& at) {
  if (!core_.on_cpu())
    throw std::logic_error("NdisReleaseSpinLock must run on a simulated CPU thread");
  const SpinApi& names = kNdisSpinApi;
  if (!core_.enter_call(at)) return;
  LockState* state = find_spin_lock(lock, dpr ? names.release_dpr : names.release, names, at);
  if (!state) return;
  // The plain release restores the IRQL saved in the lock (wrong after a non-LIFO release,
  // exactly as on Windows); a mismatched plain release of a Dpr acquire leaves it alone.
  if (release_spin(*state, dpr, names, at) && !dpr) core_.set_irql(lock->OldIrql);
}

bool SpinLocks::release_spin(LockState& lock, bool dpr, const SpinApi& names, const CallSite& at) {
  LockState* state = &lock;
  const std::string api = dpr ? names.release_dpr : names.release;
  const sim::Irql irql = core_.cpu().irql();
  core_.evaluated("SPINLOCK_AT_DIRQL");
  if (irql >= sim::kFirstDeviceIrql)
    core_.report("SPINLOCK_AT_DIRQL", state->name, at, api + " at DIRQL");
  core_.evaluated(dpr ? "DPR_RELEASE_IRQL" : "RELEASE_IRQL");
  if (dpr && irql != sim::kDispatchLevel)
    core_.report("DPR_RELEASE_IRQL", state->name, at,
                 api + " at IRQL " + std::to_string(irql) + " (must be DISPATCH_LEVEL)");
  if (!dpr && irql != sim::kDispatchLevel)
    core_.report("RELEASE_IRQL", state->name, at,
                 api + " at IRQL " + std::to_string(irql) + " (must be DISPATCH_LEVEL)");

  auto& held = locks_.held();
  size_t index = held.size();
  for (size_t i = held.size(); i-- > 0;)
    if (held[i].lock == state) {
      index = i;
      break;
    }
  core_.evaluated("RELEASE_NOT_HELD");
  if (index == held.size()) {
    core_.report(
        "RELEASE_NOT_HELD", state->name, at,
        api + " on " + state->name + ", which " +
            (state->holder >= 0 ? locks_.describe_holder(*state) + " holds" : "nobody holds"));
    return false;
  }
  const bool acquired_dpr = held[index].dpr;
  const bool mismatched = acquired_dpr != dpr;
  core_.evaluated("MISMATCHED_RELEASE");
  if (mismatched)
    core_.report("MISMATCHED_RELEASE", state->name, at,
                 state->name + " was acquired with " +
                     (acquired_dpr ? names.acquire_dpr : names.acquire) + " and released with " +
                     api);
  if (!dpr) {
    core_.evaluated("NON_LIFO_RELEASE");
    for (size_t i = index + 1; i < held.size(); ++i) {
      if (held[i].dpr || held[i].lock->interrupt_lock) continue;
      core_.report("NON_LIFO_RELEASE", state->name, at,
                   state->name + " released before " + held[i].lock->name +
                       ", which was acquired after it: the IRQL restored is wrong");
      break;
    }
  }
  held.erase(held.begin() + static_cast<std::ptrdiff_t>(index));
  locks_.give(*state, at);
  return !mismatched;
}

}  // namespace nicsim::ndis
