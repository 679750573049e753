// Spin locks: allocation, acquire/release with IRQL semantics, lockset per CPU, the acquisition
// order graph (LOCK_ORDER_CYCLE) and the wait-for graph (DEADLOCK, never a hang).
#include <stdexcept>

#include "driver/ndis/kernel.h"
#include "driver/ndis/kernel_state.h"

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

Kernel::LockState& Kernel::new_lock(std::string name, bool interrupt_lock) {
  auto lock = std::make_unique<LockState>();
  lock->id = static_cast<unsigned>(locks_.size());
  lock->name = std::move(name);
  lock->interrupt_lock = interrupt_lock;
  lock->stats.id = lock->id;
  lock->stats.name = lock->name;
  locks_.push_back(std::move(lock));
  return *locks_.back();
}

const Kernel::SpinApi Kernel::kNdisSpinApi = {"NdisAllocateSpinLock",   "NdisFreeSpinLock",
                                              "NdisAcquireSpinLock",    "NdisReleaseSpinLock",
                                              "NdisDprAcquireSpinLock", "NdisDprReleaseSpinLock"};

Kernel::LockState* Kernel::find_lock(PNDIS_SPIN_LOCK lock, std::string_view api,
                                     const CallSite& at) {
  return find_spin_lock(lock, api, kNdisSpinApi, at);
}

Kernel::LockState* Kernel::find_spin_lock(const void* address, std::string_view api,
                                          const SpinApi& names, const CallSite& at) {
  auto it = lock_by_address_.find(address);
  if (it != lock_by_address_.end() && it->second->allocated) return it->second;
  const std::string name = it != lock_by_address_.end() ? it->second->name : "unallocated lock";
  report(
      "LOCK_NOT_ALLOCATED", name, at,
      std::string(api) + " on a lock " +
          (it != lock_by_address_.end() ? std::string("after ") + names.free
                                        : std::string("never allocated with ") + names.allocate));
  if (on_cpu()) {
    if (Scope* isr = innermost_scope(CallbackKind::kIsr);
        isr && isr->interrupt && isr->interrupt->registering)
      report("REGISTER_BEFORE_READY", name, at,
             "the ISR ran before NdisMRegisterInterruptEx returned and used a lock not yet "
             "allocated");
  }
  return nullptr;
}

void Kernel::allocate_spin_lock(PNDIS_SPIN_LOCK lock, const char* name, const CallSite& at) {
  if (!lock) throw std::invalid_argument("NdisAllocateSpinLock: null lock");
  if (!enter_call(at)) return;
  const std::string lock_name = lock_name_from_expression(name);
  if (on_cpu() && cpu().irql() >= sim::kFirstDeviceIrql)
    report("SPINLOCK_AT_DIRQL", lock_name, at, "NdisAllocateSpinLock at DIRQL");
  if (auto it = lock_by_address_.find(lock); it != lock_by_address_.end()) {
    LockState& old = *it->second;
    if (old.allocated && old.holder >= 0) {
      report("LOCK_FREED_IN_USE", old.name, at,
             "NdisAllocateSpinLock again on " + old.name + " while " + describe_holder(old) +
                 " holds it");
      return;
    }
  }
  LockState& state = new_lock(lock_name, false);
  state.address = lock;
  lock_by_address_[lock] = &state;
  lock->SpinLock = state.id;
  lock->OldIrql = PASSIVE_LEVEL;
}

void Kernel::free_spin_lock(PNDIS_SPIN_LOCK lock, const CallSite& at) {
  if (!enter_call(at)) return;
  LockState* state = find_lock(lock, "NdisFreeSpinLock", at);
  if (!state) return;
  if (on_cpu() && cpu().irql() >= sim::kFirstDeviceIrql)
    report("SPINLOCK_AT_DIRQL", state->name, at, "NdisFreeSpinLock at DIRQL");
  if (state->holder >= 0) {
    report(
        "LOCK_FREED_IN_USE", state->name, at,
        "NdisFreeSpinLock on " + state->name + " while " + describe_holder(*state) + " holds it");
  } else {
    for (const Interrupt* interrupt : state->used_by) {
      if (!interrupt->registered) continue;
      report("LOCK_FREED_IN_USE", state->name, at,
             "NdisFreeSpinLock on " + state->name + " while interrupt " + interrupt->name +
                 ", whose ISR or DPC uses it, is still registered");
      break;
    }
  }
  state->allocated = false;
}

void Kernel::acquire_spin_lock(PNDIS_SPIN_LOCK lock, bool dpr, const CallSite& at) {
  if (!on_cpu()) throw std::logic_error("NdisAcquireSpinLock must run on a simulated CPU thread");
  const SpinApi& names = kNdisSpinApi;
  if (!enter_call(at)) return;
  LockState* state = find_lock(lock, dpr ? names.acquire_dpr : names.acquire, at);
  if (!state) return;
  if (auto old = acquire_spin(*state, dpr, names, at); old && !dpr) lock->OldIrql = *old;
}

std::optional<sim::Irql> Kernel::acquire_spin(LockState& state, bool dpr, const SpinApi& names,
                                              const CallSite& at) {
  const std::string api = dpr ? names.acquire_dpr : names.acquire;
  const sim::Irql irql = cpu().irql();
  if (irql >= sim::kFirstDeviceIrql)
    report("SPINLOCK_AT_DIRQL", state.name, at,
           api + " at DIRQL " + std::to_string(irql) +
               ": NDIS spin locks cannot protect state shared with the ISR; use "
               "NdisMSynchronizeWithInterruptEx");
  if (dpr && irql != sim::kDispatchLevel)
    report("DPR_ACQUIRE_IRQL", state.name, at,
           api + " at IRQL " + std::to_string(irql) + " (must be DISPATCH_LEVEL)");
  if (!dpr && irql > sim::kDispatchLevel)
    report("ACQUIRE_ABOVE_DISPATCH", state.name, at,
           api + " at IRQL " + std::to_string(irql) + " (above DISPATCH_LEVEL)");
  if (!dpr && irql < sim::kDispatchLevel) cpu().raise_irql(sim::kDispatchLevel);
  if (!take(state, dpr, at)) return std::nullopt;
  return irql;
}

void Kernel::release_spin_lock(PNDIS_SPIN_LOCK lock, bool dpr, const CallSite& at) {
  if (!on_cpu()) throw std::logic_error("NdisReleaseSpinLock must run on a simulated CPU thread");
  const SpinApi& names = kNdisSpinApi;
  if (!enter_call(at)) return;
  LockState* state = find_lock(lock, dpr ? names.release_dpr : names.release, at);
  if (!state) return;
  // The plain release restores the IRQL saved in the lock (wrong after a non-LIFO release,
  // exactly as on Windows); a mismatched plain release of a Dpr acquire leaves it alone.
  if (release_spin(*state, dpr, names, at) && !dpr) set_irql(lock->OldIrql);
}

bool Kernel::release_spin(LockState& lock, bool dpr, const SpinApi& names, const CallSite& at) {
  LockState* state = &lock;
  const std::string api = dpr ? names.release_dpr : names.release;
  const sim::Irql irql = cpu().irql();
  if (irql >= sim::kFirstDeviceIrql)
    report("SPINLOCK_AT_DIRQL", state->name, at, api + " at DIRQL");
  if (dpr && irql != sim::kDispatchLevel)
    report("DPR_RELEASE_IRQL", state->name, at,
           api + " at IRQL " + std::to_string(irql) + " (must be DISPATCH_LEVEL)");
  if (!dpr && irql != sim::kDispatchLevel)
    report("RELEASE_IRQL", state->name, at,
           api + " at IRQL " + std::to_string(irql) + " (must be DISPATCH_LEVEL)");

  auto& held = cpu_state().held;
  size_t index = held.size();
  for (size_t i = held.size(); i-- > 0;)
    if (held[i].lock == state) {
      index = i;
      break;
    }
  if (index == held.size()) {
    report("RELEASE_NOT_HELD", state->name, at,
           api + " on " + state->name + ", which " +
               (state->holder >= 0 ? describe_holder(*state) + " holds" : "nobody holds"));
    return false;
  }
  const bool acquired_dpr = held[index].dpr;
  const bool mismatched = acquired_dpr != dpr;
  if (mismatched)
    report("MISMATCHED_RELEASE", state->name, at,
           state->name + " was acquired with " +
               (acquired_dpr ? names.acquire_dpr : names.acquire) + " and released with " + api);
  if (!dpr) {
    for (size_t i = index + 1; i < held.size(); ++i) {
      if (held[i].dpr || held[i].lock->interrupt_lock) continue;
      report("NON_LIFO_RELEASE", state->name, at,
             state->name + " released before " + held[i].lock->name +
                 ", which was acquired after it: the IRQL restored is wrong");
      break;
    }
  }
  held.erase(held.begin() + static_cast<std::ptrdiff_t>(index));
  give(*state, at);
  return !mismatched;
}

bool Kernel::take(LockState& lock, bool dpr, const CallSite& at) {
  auto& c = cpu();
  const unsigned me = c.index();
  auto& state = cpus_[me];
  for (const auto& held : state.held) add_order_edge(*held.lock, lock, at);
  if (platform_.stopped()) return false;

  if (lock.holder == static_cast<int>(me) && !lock.orphaned) {
    const bool same_frame = lock.holder_depth == c.depth();
    report("RECURSIVE_ACQUIRE", lock.name, at,
           "CPU " + std::to_string(me) + " acquires " + lock.name + ", which it already holds" +
               (same_frame ? "" : " in a preempted frame") + " (acquired at " +
               lock.acquired_where + ")");
    if (!same_frame) {
      deadlock("CPU " + std::to_string(me) + " (" + std::string(c.routine()) + ") spins on " +
                   lock.name + ", held by its own preempted " + lock.holder_routine +
                   " (acquired at " + lock.acquired_where + ")",
               lock.name, at);
    } else {
      platform_.stop("RECURSIVE_ACQUIRE on " + lock.name + ": a certain deadlock");
    }
    return false;
  }
  if (lock.holder >= 0 && lock.orphaned) {
    deadlock("CPU " + std::to_string(me) + " (" + std::string(c.routine()) + ") spins on " +
                 lock.name + ", held by CPU " + std::to_string(lock.holder) + "'s " +
                 lock.holder_routine + ", which returned without releasing it (acquired at " +
                 lock.acquired_where + ")",
             lock.name, at);
    return false;
  }

  auto claim = [&] {
    lock.holder = static_cast<int>(me);
    lock.holder_depth = c.depth();
    lock.orphaned = false;
    lock.holder_routine = std::string(sim::to_string(c.context())) + " " + std::string(c.routine());
    lock.acquired_ns = platform_.now_ns();
    lock.acquired_cycle = platform_.nic_cycle();
    lock.acquired_where = format_where(at);
    state.held.push_back(HeldLock{&lock, dpr});
    if (Scope* scope = state.scopes.empty() ? nullptr : &state.scopes.back();
        scope && scope->interrupt)
      lock.used_by.insert(scope->interrupt);
  };

  uint64_t spin_ns = 0;
  const bool contended = lock.holder >= 0;
  if (contended) {
    state.spins.push_back({&lock, c.depth(), format_where(at)});
    notify_lock(me, sim::LockEvent::kSpinBegin, lock);
    if (wait_cycle(lock, at)) {
      state.spins.pop_back();
      return false;
    }
    spin_ns = c.spin_until([&] {
      if (platform_.stopped()) return true;
      if (lock.holder >= 0) return false;
      claim();
      return true;
    });
    state.spins.pop_back();
    if (lock.holder != static_cast<int>(me) || platform_.stopped()) return false;
  } else {
    claim();
  }
  lock.stats.acquires++;
  if (contended) {
    lock.stats.contended++;
    lock.stats.total_spin_ns += spin_ns;
    lock.stats.max_spin_ns = std::max(lock.stats.max_spin_ns, spin_ns);
  }
  notify_lock(me, sim::LockEvent::kAcquired, lock);
  return true;
}

bool Kernel::wait_cycle(const LockState& lock, const CallSite& at) {
  // Follow the wait-for chain: CPU -> lock its innermost frame spins on -> holder CPU -> ...
  // A CPU whose spinning frame was preempted by an ISR is running, not waiting.
  const unsigned me = cpu().index();
  auto waiting_on = [this](unsigned cpu_index) -> const CpuState::Spin* {
    const auto& spins = cpus_[cpu_index].spins;
    if (spins.empty() || spins.back().depth != platform_.cpu(cpu_index).depth()) return nullptr;
    return &spins.back();
  };
  std::string graph;
  unsigned cur = me;
  std::set<unsigned> seen;
  while (true) {
    const CpuState::Spin* spin = waiting_on(cur);
    if (!spin || spin->lock->holder < 0 || !seen.insert(cur).second) return false;
    const LockState* waited = spin->lock;
    graph += "  CPU " + std::to_string(cur) + " spins on " + waited->name + " (at " + spin->where +
             "), held by CPU " + std::to_string(waited->holder) + " " + waited->holder_routine +
             " (acquired at " + waited->acquired_where + ")\n";
    if (waited->orphaned) return false;
    cur = static_cast<unsigned>(waited->holder);
    if (cur == me) {
      deadlock("wait-for cycle between CPUs:\n" + graph, lock.name, at);
      return true;
    }
  }
}

void Kernel::give(LockState& lock, const CallSite& at) {
  const uint64_t hold_ns = platform_.now_ns() - lock.acquired_ns;
  const uint64_t hold_cycles = platform_.nic_cycle() - lock.acquired_cycle;
  if (hold_ns >= lock.stats.max_hold_ns) {
    lock.stats.max_hold_ns = hold_ns;
    lock.stats.max_hold_cycles = hold_cycles;
    lock.stats.max_hold_where = lock.acquired_where;
  }
  const unsigned holder = static_cast<unsigned>(std::max(lock.holder, 0));
  lock.holder = -1;
  lock.orphaned = false;
  notify_lock(holder, sim::LockEvent::kReleased, lock);
  if (!lock.interrupt_lock && hold_ns > config_.lock_hold_limit_ns)
    report("LOCK_HOLD_TOO_LONG", lock.name, at,
           lock.name + " held " + std::to_string(hold_ns) + " ns (limit " +
               std::to_string(config_.lock_hold_limit_ns) + " ns), acquired at " +
               lock.acquired_where);
}

std::string Kernel::describe_holder(const LockState& lock) const {
  if (lock.holder < 0) return "nobody";
  return "CPU " + std::to_string(lock.holder) + " " + lock.holder_routine + " (acquired at " +
         lock.acquired_where + ")";
}

void Kernel::deadlock(std::string message, const std::string& object, const CallSite& at) {
  report("DEADLOCK", object, at, message);
  platform_.stop("DEADLOCK: " + message);
}

void Kernel::notify_lock(unsigned cpu_index, sim::LockEvent event, const LockState& lock) {
  for (auto* observer : platform_.observers())
    observer->on_lock(cpu_index, event, lock.id, lock.name);
}

void Kernel::add_order_edge(LockState& from, LockState& to, const CallSite& at) {
  if (&from == &to) return;
  auto& edges = order_edges_[from.id];
  if (edges.count(to.id)) return;
  std::vector<unsigned> path;
  std::set<unsigned> seen;
  if (order_path(to.id, from.id, path, seen) &&
      !reported_cycles_.count({std::min(from.id, to.id), std::max(from.id, to.id)})) {
    reported_cycles_.insert({std::min(from.id, to.id), std::max(from.id, to.id)});
    std::string cycle = from.name + " -> " + to.name + " (here)";
    for (size_t i = 0; i + 1 < path.size(); ++i)
      cycle += ", " + locks_[path[i]]->name + " -> " + locks_[path[i + 1]]->name + " (at " +
               order_edges_[path[i]][path[i + 1]] + ")";
    report("LOCK_ORDER_CYCLE", to.name, at, "lock order cycle: " + cycle);
  }
  edges[to.id] = format_where(at);
}

bool Kernel::order_path(unsigned from, unsigned to, std::vector<unsigned>& path,
                        std::set<unsigned>& seen) const {
  path.push_back(from);
  if (from == to) return true;
  if (seen.insert(from).second) {
    if (auto it = order_edges_.find(from); it != order_edges_.end())
      for (const auto& [next, where] : it->second)
        if (order_path(next, to, path, seen)) return true;
  }
  path.pop_back();
  return false;
}

}  // namespace nicsim::ndis
