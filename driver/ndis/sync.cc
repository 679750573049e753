// Ke IRQL calls, Ke spin locks, the Ndis interlocked helpers and NDIS_RW_LOCK_EX, checked with the
// spin-lock rules (driver/ndis/RULES.md) plus the RW-lock rules.
#include "driver/ndis/sync.h"

#include <stdexcept>

namespace nicsim::ndis {
namespace {

// LOCK_STATE_EX::LockState is reserved in the WDK; nicsim records the mode it was acquired in.
constexpr UCHAR kStateRead = 1;
constexpr UCHAR kStateWrite = 2;

std::string mode_name(bool write) { return write ? "write" : "read"; }

}  // namespace

std::string name_from_expression(const char* expression, std::string_view fallback) {
  std::string name = expression ? expression : "";
  auto pos = name.find_last_of(">.&*( ");
  if (pos != std::string::npos) name = name.substr(pos + 1);
  while (!name.empty() && (name.back() == ')' || name.back() == ' ')) name.pop_back();
  return name.empty() ? std::string(fallback) : name;
}

// --- KeSync -------------------------------------------------------------------------------

const SpinApi KeSync::kKeSpinApi = {"KeInitializeSpinLock",        "NdisFreeSpinLock",
                                    "KeAcquireSpinLock",           "KeReleaseSpinLock",
                                    "KeAcquireSpinLockAtDpcLevel", "KeReleaseSpinLockFromDpcLevel"};

void KeSync::interlocked(const CallSite& at) { core_.enter_call(at, sim::Cost::kSharedAccess); }

sim::Irql KeSync::raise_irql(sim::Irql new_irql, std::string_view api, const CallSite& at) {
  if (!core_.on_cpu()) throw std::logic_error(std::string(api) + " must run on a simulated CPU");
  core_.enter_call(at);
  const sim::Irql old = core_.cpu().irql();
  core_.evaluated("IRQL_RAISE_BELOW_CURRENT");
  if (new_irql < old) {
    core_.report("IRQL_RAISE_BELOW_CURRENT", std::string(api), at,
                 std::string(api) + " to IRQL " + std::to_string(new_irql) +
                     ", below the current IRQL " + std::to_string(old));
    return old;
  }
  core_.set_irql(new_irql);
  return old;
}

void KeSync::lower_irql(sim::Irql new_irql, const CallSite& at) {
  if (!core_.on_cpu()) throw std::logic_error("KeLowerIrql must run on a simulated CPU");
  core_.enter_call(at);
  const sim::Irql now = core_.cpu().irql();
  core_.evaluated("IRQL_LOWER_ABOVE_CURRENT");
  if (new_irql > now) {
    core_.report("IRQL_LOWER_ABOVE_CURRENT", "KeLowerIrql", at,
                 "KeLowerIrql to IRQL " + std::to_string(new_irql) + ", above the current IRQL " +
                     std::to_string(now));
    return;
  }
  core_.set_irql(new_irql);
}

void KeSync::initialize_spin_lock(PKSPIN_LOCK lock, const char* name, const CallSite& at) {
  if (!lock) throw std::invalid_argument("KeInitializeSpinLock: null lock");
  core_.enter_call(at);
  if (spin_locks_.make_lock(lock, name_from_expression(name, "SpinLock"), kKeSpinApi, at))
    *lock = 0;
}

LockState* KeSync::find(PKSPIN_LOCK lock, bool dpr, bool acquire, const CallSite& at) {
  if (!core_.on_cpu()) throw std::logic_error("Ke spin locks must be used on a simulated CPU");
  if (!core_.enter_call(at)) return nullptr;
  const auto& n = kKeSpinApi;
  return spin_locks_.find_spin_lock(
      lock, acquire ? (dpr ? n.acquire_dpr : n.acquire) : (dpr ? n.release_dpr : n.release), n, at);
}

void KeSync::acquire(PKSPIN_LOCK lock, PKIRQL old_irql, const CallSite& at) {
  if (old_irql) *old_irql = core_.on_cpu() ? core_.cpu().irql() : PASSIVE_LEVEL;
  LockState* state = find(lock, false, true, at);
  if (!state) return;
  if (auto old = spin_locks_.acquire_spin(*state, false, kKeSpinApi, at); old && old_irql)
    *old_irql = *old;
}

void KeSync::release(PKSPIN_LOCK lock, KIRQL new_irql, const CallSite& at) {
  LockState* state = find(lock, false, false, at);
  if (!state || !spin_locks_.release_spin(*state, false, kKeSpinApi, at)) return;
  core_.evaluated("IRQL_LOWER_ABOVE_CURRENT");
  if (new_irql > core_.cpu().irql()) {
    core_.report("IRQL_LOWER_ABOVE_CURRENT", state->name, at,
                 "KeReleaseSpinLock to IRQL " + std::to_string(new_irql) +
                     ", above the current IRQL " + std::to_string(core_.cpu().irql()));
    return;
  }
  core_.set_irql(new_irql);
}

void KeSync::acquire_at_dpc_level(PKSPIN_LOCK lock, const CallSite& at) {
  if (LockState* state = find(lock, true, true, at))
    spin_locks_.acquire_spin(*state, true, kKeSpinApi, at);
}

void KeSync::release_from_dpc_level(PKSPIN_LOCK lock, const CallSite& at) {
  if (LockState* state = find(lock, true, false, at))
    spin_locks_.release_spin(*state, true, kKeSpinApi, at);
}

void KeSync::under_ndis_lock(PNDIS_SPIN_LOCK lock, const char* api, const std::function<void()>& op,
                             const CallSite& at) {
  if (!core_.on_cpu()) throw std::logic_error(std::string(api) + " must run on a simulated CPU");
  const SpinApi names = {"NdisAllocateSpinLock", "NdisFreeSpinLock", api, api, api, api};
  if (!core_.enter_call(at)) return;
  LockState* state = spin_locks_.find_spin_lock(lock, api, names, at);
  if (!state) {
    op();  // reported; the list still changes, as it would on Windows
    return;
  }
  auto old = spin_locks_.acquire_spin(*state, false, names, at);
  if (!old) return;
  op();
  if (spin_locks_.release_spin(*state, false, names, at)) core_.set_irql(*old);
}

// --- RwLocks --------------------------------------------------------------------------------

PNDIS_RW_LOCK_EX RwLocks::allocate(const char* name, const CallSite& at) {
  core_.enter_call(at);
  core_.check_not_dirql("NdisAllocateRWLock", at);
  auto owned = std::make_unique<Lock>();
  Lock& lock = *owned;
  lock.state = &locks_.new_lock(
      name ? std::string(name) : "RWLock" + std::to_string(rw_locks_.size()), false);
  rw_locks_.push_back(std::move(owned));
  auto* handle = reinterpret_cast<PNDIS_RW_LOCK_EX>(&lock);
  lock.state->address = handle;
  by_handle_[handle] = &lock;
  return handle;
}

RwLocks::Lock* RwLocks::find(PNDIS_RW_LOCK_EX handle, std::string_view api, const CallSite& at) {
  core_.evaluated("LOCK_NOT_ALLOCATED");
  auto it = by_handle_.find(handle);
  if (it != by_handle_.end() && it->second->allocated) return it->second;
  core_.report("LOCK_NOT_ALLOCATED", it != by_handle_.end() ? it->second->state->name : "RW lock",
               at,
               std::string(api) + " on an NDIS_RW_LOCK_EX " +
                   (it != by_handle_.end() ? "after NdisFreeRWLock"
                                           : "not allocated with NdisAllocateRWLock"));
  return nullptr;
}

void RwLocks::free(PNDIS_RW_LOCK_EX handle, const CallSite& at) {
  core_.enter_call(at);
  Lock* lock = find(handle, "NdisFreeRWLock", at);
  if (!lock) return;
  core_.check_not_dirql("NdisFreeRWLock", at);
  core_.evaluated("LOCK_FREED_IN_USE");
  if (!lock->holds.empty())
    core_.report("LOCK_FREED_IN_USE", lock->state->name, at,
                 "NdisFreeRWLock on " + lock->state->name + " while CPU " +
                     std::to_string(lock->holds.front().cpu) + " holds it (acquired at " +
                     lock->holds.front().where + ")");
  lock->allocated = false;
  lock->state->allocated = false;
}

bool RwLocks::blocked(const Lock& lock, bool write, unsigned cpu) const {
  for (const Hold& hold : lock.holds)
    if ((hold.cpu != cpu || lock.state->orphaned) && (write || hold.write)) return true;
  return false;
}

// A write acquire while this CPU reads, or any acquire while it writes: it would spin forever.
bool RwLocks::self_deadlock(Lock& lock, bool write, const CallSite& at) {
  if (lock.state->orphaned) return false;  // the hold belongs to a returned callback
  core_.evaluated(write ? "RWLOCK_WRITE_WHILE_READING" : "RECURSIVE_ACQUIRE");
  const unsigned me = core_.cpu().index();
  for (const Hold& hold : lock.holds) {
    if (hold.cpu != me || (!hold.write && !write)) continue;
    const std::string& name = lock.state->name;
    const std::string rule = hold.write ? "RECURSIVE_ACQUIRE" : "RWLOCK_WRITE_WHILE_READING";
    core_.report(rule, name, at,
                 "CPU " + std::to_string(me) + " acquires " + name + " for " + mode_name(write) +
                     " while it holds it for " + mode_name(hold.write) + " (acquired at " +
                     hold.where + "): a certain deadlock");
    core_.platform().stop(rule + " on " + name + ": a certain deadlock");
    return true;
  }
  return false;
}

// Spins until no other CPU's hold keeps this acquire out; false when the run stopped.
bool RwLocks::wait(Lock& lock, bool write, const CallSite& at) {
  auto& c = core_.cpu();
  const unsigned me = c.index();
  LockState& state = *lock.state;
  if (state.orphaned) {
    locks_.deadlock("CPU " + std::to_string(me) + " (" + std::string(c.routine()) + ") spins on " +
                        state.name + ", held by a callback that returned without releasing it " +
                        "(acquired at " + state.acquired_where + ")",
                    state.name, at);
    return false;
  }
  auto& spins = locks_.spins();
  spins.push_back({&state, c.depth(), format_where(at)});
  locks_.notify_lock(me, sim::LockEvent::kSpinBegin, state);
  if (locks_.wait_cycle(state, at)) {
    spins.pop_back();
    return false;
  }
  const uint64_t spin_ns =
      c.spin_until([&] { return core_.platform().stopped() || !blocked(lock, write, me); });
  spins.pop_back();
  state.stats.contended++;
  state.stats.total_spin_ns += spin_ns;
  state.stats.max_spin_ns = std::max(state.stats.max_spin_ns, spin_ns);
  return !core_.platform().stopped();
}

void RwLocks::claim(Lock& lock, PLOCK_STATE_EX state, UCHAR flags, bool write, sim::Irql irql,
                    const CallSite& at) {
  auto& c = core_.cpu();
  LockState& s = *lock.state;
  const bool at_dispatch = (flags & NDIS_RWL_AT_DISPATCH_LEVEL) != 0;
  lock.holds.push_back(Hold{state, c.index(), write, at_dispatch, irql, core_.platform().now_ns(),
                            format_where(at)});
  // The checker's single holder: the writer, or the first reader (for the wait-for graph).
  s.holder = static_cast<int>(lock.holds.front().cpu);
  if (lock.holds.size() == 1) {
    s.holder_depth = c.depth();
    s.holder_routine = std::string(sim::to_string(c.context())) + " " + std::string(c.routine());
    s.acquired_ns = core_.platform().now_ns();
    s.acquired_cycle = core_.platform().nic_cycle();
    s.acquired_where = format_where(at);
  }
  locks_.held().push_back(HeldLock{&s, at_dispatch});
  s.stats.acquires++;
  state->OldIrql = irql;
  state->LockState = write ? kStateWrite : kStateRead;
  state->Flags = flags;
  locks_.notify_lock(c.index(), sim::LockEvent::kAcquired, s);
}

void RwLocks::acquire(PNDIS_RW_LOCK_EX handle, PLOCK_STATE_EX state, UCHAR flags, bool write,
                      const CallSite& at) {
  if (!core_.on_cpu()) throw std::logic_error("NDIS_RW_LOCK_EX must be used on a simulated CPU");
  if (!state) throw std::invalid_argument("NdisAcquireRWLock: null LOCK_STATE_EX");
  const std::string api = write ? "NdisAcquireRWLockWrite" : "NdisAcquireRWLockRead";
  if (!core_.enter_call(at)) return;
  Lock* lock = find(handle, api, at);
  if (!lock) return;
  const std::string& name = lock->state->name;
  const sim::Irql irql = core_.cpu().irql();
  const bool at_dispatch = (flags & NDIS_RWL_AT_DISPATCH_LEVEL) != 0;
  core_.evaluated("SPINLOCK_AT_DIRQL");
  if (at_dispatch) core_.evaluated("DPR_ACQUIRE_IRQL");
  if (irql >= sim::kFirstDeviceIrql)
    core_.report("SPINLOCK_AT_DIRQL", name, at,
                 api + " at DIRQL " + std::to_string(irql) +
                     ": an NDIS_RW_LOCK_EX cannot protect state shared with the ISR");
  else if (at_dispatch && irql != sim::kDispatchLevel)
    core_.report("DPR_ACQUIRE_IRQL", name, at,
                 api + " with NDIS_RWL_AT_DISPATCH_LEVEL at IRQL " + std::to_string(irql) +
                     " (must be DISPATCH_LEVEL)");
  if (self_deadlock(*lock, write, at)) return;
  if (!at_dispatch && irql < sim::kDispatchLevel) core_.cpu().raise_irql(sim::kDispatchLevel);
  for (const auto& held : locks_.held()) locks_.add_order_edge(*held.lock, *lock->state, at);
  if (core_.platform().stopped()) return;
  if (blocked(*lock, write, core_.cpu().index()) && !wait(*lock, write, at)) return;
  claim(*lock, state, flags, write, irql, at);
}

void RwLocks::release(PNDIS_RW_LOCK_EX handle, PLOCK_STATE_EX state, const CallSite& at) {
  if (!core_.on_cpu()) throw std::logic_error("NDIS_RW_LOCK_EX must be used on a simulated CPU");
  if (!core_.enter_call(at)) return;
  Lock* lock = find(handle, "NdisReleaseRWLock", at);
  if (!lock) return;
  const std::string& name = lock->state->name;
  const sim::Irql irql = core_.cpu().irql();
  core_.evaluated("SPINLOCK_AT_DIRQL");
  core_.evaluated("RELEASE_IRQL");
  if (irql >= sim::kFirstDeviceIrql)
    core_.report("SPINLOCK_AT_DIRQL", name, at, "NdisReleaseRWLock at DIRQL");
  else if (irql != sim::kDispatchLevel)
    core_.report("RELEASE_IRQL", name, at,
                 "NdisReleaseRWLock at IRQL " + std::to_string(irql) + " (must be DISPATCH_LEVEL)");
  const unsigned me = core_.cpu().index();
  size_t mine = lock->holds.size(), match = lock->holds.size();
  for (size_t i = lock->holds.size(); i-- > 0;) {
    if (lock->holds[i].cpu != me) continue;
    if (mine == lock->holds.size()) mine = i;
    if (lock->holds[i].state == state && match == lock->holds.size()) match = i;
  }
  core_.evaluated("RELEASE_NOT_HELD");
  if (mine == lock->holds.size()) {
    core_.report(
        "RELEASE_NOT_HELD", name, at,
        "NdisReleaseRWLock on " + name + ", which CPU " + std::to_string(me) + " does not hold");
    return;
  }
  core_.evaluated("RWLOCK_RELEASE_WRONG_MODE");
  if (match == lock->holds.size()) {
    core_.report("RWLOCK_RELEASE_WRONG_MODE", name, at,
                 "NdisReleaseRWLock on " + name +
                     " with a LOCK_STATE_EX that no acquire of it on this CPU filled");
    match = mine;  // release this CPU's latest hold so the run goes on
  } else if (state->LockState != (lock->holds[match].write ? kStateWrite : kStateRead)) {
    core_.report("RWLOCK_RELEASE_WRONG_MODE", name, at,
                 "NdisReleaseRWLock on " + name + ": the LOCK_STATE_EX says " +
                     mode_name(state->LockState == kStateWrite) + " but it was acquired for " +
                     mode_name(lock->holds[match].write) +
                     " (the state was reused for another acquire)");
  }
  const Hold hold = lock->holds[match];
  drop(*lock, match, at);
  if (!hold.at_dispatch) core_.set_irql(hold.old_irql);
}

// Removes hold index from the lock and this CPU's held list; the time and order checks.
void RwLocks::drop(Lock& lock, size_t index, const CallSite& at) {
  LockState& s = *lock.state;
  const Hold hold = lock.holds[index];
  auto& held = locks_.held();
  size_t at_held = held.size();
  for (size_t i = held.size(); i-- > 0;)
    if (held[i].lock == &s) {
      at_held = i;
      break;
    }
  if (at_held < held.size()) {
    if (!hold.at_dispatch) core_.evaluated("NON_LIFO_RELEASE");
    for (size_t i = at_held + 1; i < held.size() && !hold.at_dispatch; ++i) {
      if (held[i].dpr || held[i].lock->interrupt_lock) continue;
      core_.report("NON_LIFO_RELEASE", s.name, at,
                   s.name + " released before " + held[i].lock->name +
                       ", which was acquired after it: the IRQL restored is wrong");
      break;
    }
    held.erase(held.begin() + static_cast<std::ptrdiff_t>(at_held));
  }
  lock.holds.erase(lock.holds.begin() + static_cast<std::ptrdiff_t>(index));
  const uint64_t hold_ns = core_.platform().now_ns() - hold.acquired_ns;
  if (hold_ns >= s.stats.max_hold_ns) {
    s.stats.max_hold_ns = hold_ns;
    s.stats.max_hold_where = hold.where;
  }
  core_.evaluated("LOCK_HOLD_TOO_LONG");
  if (hold_ns > core_.config().lock_hold_limit_ns)
    core_.report("LOCK_HOLD_TOO_LONG", s.name, at,
                 s.name + " held " + std::to_string(hold_ns) + " ns (limit " +
                     std::to_string(core_.config().lock_hold_limit_ns) + " ns), acquired at " +
                     hold.where);
  s.holder = lock.holds.empty() ? -1 : static_cast<int>(lock.holds.front().cpu);
  if (lock.holds.empty()) {
    s.orphaned = false;
    locks_.notify_lock(hold.cpu, sim::LockEvent::kReleased, s);
  }
}

}  // namespace nicsim::ndis
