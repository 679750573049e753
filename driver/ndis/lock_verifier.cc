// The lock verifier: holds and spins per CPU, the order graph (LOCK_ORDER_CYCLE), the wait-for
// graph (DEADLOCK), hold times (LOCK_HOLD_TOO_LONG) and locks left held by a returning callback.
#include "driver/ndis/lock_verifier.h"

#include <algorithm>

namespace nicsim::ndis {

LockVerifier::LockVerifier(VerifierCore& core) : core_(core), cpus_(core.platform().num_cpus()) {
  core_.set_held_locks(this);
}

LockState& LockVerifier::new_lock(std::string name, bool interrupt_lock) {
  auto lock = std::make_unique<LockState>();
  lock->id = static_cast<unsigned>(locks_.size());
  lock->name = std::move(name);
  lock->interrupt_lock = interrupt_lock;
  lock->stats.id = lock->id;
  lock->stats.name = lock->name;
  locks_.push_back(std::move(lock));
  return *locks_.back();
}

LockState* LockVerifier::at_address(const void* address) {
  auto it = by_address_.find(address);
  return it == by_address_.end() ? nullptr : it->second;
}

void LockVerifier::bind_address(const void* address, LockState& lock) {
  lock.address = address;
  by_address_[address] = &lock;
}

bool LockVerifier::holds_ndis_lock() {
  for (const auto& h : held())
    if (!h.lock->interrupt_lock) return true;
  return false;
}

std::string LockVerifier::held_lock_names() {
  std::string names;
  for (const auto& h : held()) names += (names.empty() ? "" : ", ") + h.lock->name;
  return names.empty() ? "none" : names;
}

void LockVerifier::drop_held(const LockState& lock) {
  std::erase_if(held(), [&](const HeldLock& h) { return h.lock == &lock; });
  if (auto* edges = core_.edges()) edges->locks_changed();
}

void LockVerifier::orphan_held_beyond(size_t held_at_entry, const std::string& scope,
                                      const CallSite& at) {
  // Locks taken inside this callback and still held: report, and leave them held by nobody
  // (a later acquire of an orphaned lock is a certain deadlock).
  core_.evaluated("LOCK_HELD_AT_RETURN");
  auto& cpu_held = held();
  while (cpu_held.size() > held_at_entry) {
    LockState* lock = cpu_held.back().lock;
    cpu_held.pop_back();
    core_.report("LOCK_HELD_AT_RETURN", lock->name, at,
                 scope + " returned still holding " + lock->name + " (acquired at " +
                     lock->acquired_where + ")");
    lock->orphaned = true;
  }
}

bool LockVerifier::take(LockState& lock, bool dpr, const CallSite& at) {
  auto& platform = core_.platform();
  auto& c = core_.cpu();
  const unsigned me = c.index();
  auto& state = cpus_[me];
  for (const auto& held : state.held) add_order_edge(*held.lock, lock, at);
  if (platform.stopped()) return false;

  core_.evaluated("RECURSIVE_ACQUIRE");
  if (lock.holder == static_cast<int>(me) && !lock.orphaned) {
    const bool same_frame = lock.holder_depth == c.depth();
    core_.report("RECURSIVE_ACQUIRE", lock.name, at,
                 "CPU " + std::to_string(me) + " acquires " + lock.name +
                     ", which it already holds" + (same_frame ? "" : " in a preempted frame") +
                     " (acquired at " + lock.acquired_where + ")");
    if (!same_frame) {
      deadlock("CPU " + std::to_string(me) + " (" + std::string(c.routine()) + ") spins on " +
                   lock.name + ", held by its own preempted " + lock.holder_routine +
                   " (acquired at " + lock.acquired_where + ")",
               lock.name, at);
    } else {
      platform.stop("RECURSIVE_ACQUIRE on " + lock.name + ": a certain deadlock");
    }
    return false;
  }
  core_.evaluated("DEADLOCK");
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
    lock.acquired_ns = platform.now_ns();
    lock.acquired_cycle = platform.nic_cycle();
    lock.acquired_where = format_where(at);
    state.held.push_back(HeldLock{&lock, dpr});
    auto& scopes = core_.scopes();
    if (CallbackScope* scope = scopes.empty() ? nullptr : &scopes.back(); scope && scope->interrupt)
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
      if (platform.stopped()) return true;
      if (lock.holder >= 0) return false;
      claim();
      return true;
    });
    state.spins.pop_back();
    if (lock.holder != static_cast<int>(me) || platform.stopped()) return false;
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
  // What the last holder did before releasing happens before what this holder does.
  if (auto* edges = core_.edges()) {
    edges->acquire(&lock);
    edges->locks_changed();
  }
  return true;
}

bool LockVerifier::wait_cycle(const LockState& lock, const CallSite& at) {
  // Follow the wait-for chain: CPU -> lock its innermost frame spins on -> holder CPU -> ...
  // A CPU whose spinning frame was preempted by an ISR is running, not waiting.
  core_.evaluated("DEADLOCK");
  const unsigned me = core_.cpu().index();
  auto waiting_on = [this](unsigned cpu_index) -> const LockSpin* {
    const auto& cpu_spins = cpus_[cpu_index].spins;
    if (cpu_spins.empty() || cpu_spins.back().depth != core_.platform().cpu(cpu_index).depth())
      return nullptr;
    return &cpu_spins.back();
  };
  std::string graph;
  unsigned cur = me;
  std::set<unsigned> seen;
  while (true) {
    const LockSpin* spin = waiting_on(cur);
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

void LockVerifier::give(LockState& lock, const CallSite& at) {
  auto& platform = core_.platform();
  if (auto* edges = core_.edges()) {
    edges->release(&lock);
    edges->locks_changed();
  }
  const uint64_t hold_ns = platform.now_ns() - lock.acquired_ns;
  const uint64_t hold_cycles = platform.nic_cycle() - lock.acquired_cycle;
  if (hold_ns >= lock.stats.max_hold_ns) {
    lock.stats.max_hold_ns = hold_ns;
    lock.stats.max_hold_cycles = hold_cycles;
    lock.stats.max_hold_where = lock.acquired_where;
  }
  const unsigned holder = static_cast<unsigned>(std::max(lock.holder, 0));
  lock.holder = -1;
  lock.orphaned = false;
  notify_lock(holder, sim::LockEvent::kReleased, lock);
  const uint64_t limit_ns = core_.config().lock_hold_limit_ns;
  if (!lock.interrupt_lock) core_.evaluated("LOCK_HOLD_TOO_LONG");
  if (!lock.interrupt_lock && hold_ns > limit_ns)
    core_.report("LOCK_HOLD_TOO_LONG", lock.name, at,
                 lock.name + " held " + std::to_string(hold_ns) + " ns (limit " +
                     std::to_string(limit_ns) + " ns), acquired at " + lock.acquired_where);
}

std::string LockVerifier::describe_holder(const LockState& lock) const {
  if (lock.holder < 0) return "nobody";
  return "CPU " + std::to_string(lock.holder) + " " + lock.holder_routine + " (acquired at " +
         lock.acquired_where + ")";
}

std::string LockVerifier::describe_spin(unsigned cpu) const {
  if (cpu >= cpus_.size() || cpus_[cpu].spins.empty()) return "";
  const LockSpin& spin = cpus_[cpu].spins.back();
  return spin.lock->name + " (at " + spin.where + "), held by " + describe_holder(*spin.lock);
}

void LockVerifier::deadlock(std::string message, const std::string& object, const CallSite& at) {
  core_.report("DEADLOCK", object, at, message);
  core_.platform().stop("DEADLOCK: " + message);
}

void LockVerifier::notify_lock(unsigned cpu_index, sim::LockEvent event, const LockState& lock) {
  for (auto* observer : core_.platform().observers())
    observer->on_lock(cpu_index, event, lock.id, lock.name);
}

void LockVerifier::add_order_edge(LockState& from, LockState& to, const CallSite& at) {
  if (&from == &to) return;
  auto& edges = order_edges_[from.id];
  if (edges.count(to.id)) return;
  std::vector<unsigned> path;
  std::set<unsigned> seen;
  const std::pair<unsigned, unsigned> pair{std::min(from.id, to.id), std::max(from.id, to.id)};
  core_.evaluated("LOCK_ORDER_CYCLE");
  if (order_path(to.id, from.id, path, seen) && !reported_cycles_.count(pair)) {
    reported_cycles_.insert(pair);
    std::string cycle = from.name + " -> " + to.name + " (here)";
    for (size_t i = 0; i + 1 < path.size(); ++i)
      cycle += ", " + locks_[path[i]]->name + " -> " + locks_[path[i + 1]]->name + " (at " +
               order_edges_[path[i]][path[i + 1]] + ")";
    core_.report("LOCK_ORDER_CYCLE", to.name, at, "lock order cycle: " + cycle);
  }
  edges[to.id] = format_where(at);
}

bool LockVerifier::order_path(unsigned from, unsigned to, std::vector<unsigned>& path,
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

std::vector<LockStats> LockVerifier::lock_stats() const {
  std::vector<LockStats> out;
  for (const auto& lock : locks_) out.push_back(lock->stats);
  return out;
}

}  // namespace nicsim::ndis
