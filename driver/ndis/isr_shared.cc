// ISR-shared state: per object, the interrupt locks held at every DIRQL access (a lockset), the
// first access below DIRQL outside synchronize, and what was reported already.
#include "driver/ndis/isr_shared.h"

#include <set>
#include <string>

namespace nicsim::ndis {

struct IsrSharedChecker::SharedState {
  std::string name;
  bool dirql_touched = false;
  std::string dirql_where;
  bool has_lockset = false;
  std::set<unsigned> dirql_lockset;  // interrupt locks held at every DIRQL access so far
  bool low_pending = false;
  Violation low_access;  // the first access below DIRQL outside synchronize
  bool reported_unsynchronized = false;
  bool reported_wrong_message = false;
  bool reported_uninitialized = false;
};

IsrSharedChecker::IsrSharedChecker(VerifierCore& core, LockVerifier& locks, Interrupts& interrupts)
    : core_(core), locks_(locks), interrupts_(interrupts) {}

IsrSharedChecker::~IsrSharedChecker() = default;

void IsrSharedChecker::shared_access(const void* object, const char* name, SharedAccess access,
                                     bool initialized, const CallSite& at) {
  if (!core_.on_cpu()) return;  // the test body inspecting state after the run
  if (!core_.enter_call(at, sim::Cost::kSharedAccess)) return;
  if (access == SharedAccess::kInterlocked) return;  // lock-free handoff: legal
  auto& slot = shared_[object];
  if (!slot) {
    slot = std::make_unique<SharedState>();
    slot->name = name ? name : "IsrShared";
  }
  SharedState& state = *slot;
  const sim::Irql irql = core_.cpu().irql();
  core_.evaluated("ISR_SHARED_UNSYNCHRONIZED");
  if (irql >= sim::kFirstDeviceIrql) {
    CallbackScope* isr = core_.innermost_scope(CallbackKind::kIsr);
    core_.evaluated("REGISTER_BEFORE_READY");
    core_.evaluated("SYNC_WRONG_MESSAGE");
    if (!initialized && access == SharedAccess::kRead && isr && !state.reported_uninitialized) {
      state.reported_uninitialized = true;
      core_.report("REGISTER_BEFORE_READY", state.name, at,
                   isr->name + " read " + state.name + " before it was initialized");
    }
    std::set<unsigned> interrupt_locks;
    for (const auto& h : locks_.held())
      if (h.lock->interrupt_lock) interrupt_locks.insert(h.lock->id);
    if (!state.has_lockset) {
      state.has_lockset = true;
      state.dirql_lockset = interrupt_locks;
    } else {
      std::set<unsigned> common;
      for (unsigned id : state.dirql_lockset)
        if (interrupt_locks.count(id)) common.insert(id);
      if (common.empty() && !state.dirql_lockset.empty() && !state.reported_wrong_message) {
        state.reported_wrong_message = true;
        core_.report("SYNC_WRONG_MESSAGE", state.name, at,
                     state.name + " is touched under " +
                         locks_.lock(*state.dirql_lockset.begin()).name + " (first at " +
                         state.dirql_where + ") and here under " +
                         (interrupt_locks.empty() ? std::string("no interrupt lock")
                                                  : locks_.lock(*interrupt_locks.begin()).name) +
                         ": synchronize with the message whose ISR touches it");
      }
      state.dirql_lockset = std::move(common);
    }
    if (!state.dirql_touched) {
      state.dirql_touched = true;
      state.dirql_where = format_where(at);
    }
    if (state.low_pending && !state.reported_unsynchronized) {
      state.reported_unsynchronized = true;
      Violation v = state.low_access;
      v.message += "; a DIRQL context touches it at " + format_where(at);
      core_.report_stamped(std::move(v));
    }
    return;
  }
  // Before the interrupt is connected (initialize) or after it is gone, nothing can race.
  if (state.reported_unsynchronized || state.low_pending || !interrupts_.any_registered()) return;
  Violation v;
  v.rule = "ISR_SHARED_UNSYNCHRONIZED";
  v.severity = Severity::kError;
  v.cpu = static_cast<int>(core_.cpu().index());
  v.irql = irql;
  v.context = std::string(sim::to_string(core_.cpu().context()));
  v.object = state.name;
  v.where = format_where(at);
  v.message = std::string(access == SharedAccess::kRead ? "read" : "write") + " of " + state.name +
              " at IRQL " + std::to_string(irql) +
              " outside NdisMSynchronizeWithInterruptEx (holding " + locks_.held_lock_names() +
              "; NDIS spin locks do not exclude the ISR)";
  if (state.dirql_touched) {
    state.reported_unsynchronized = true;
    v.message += "; a DIRQL context touches it at " + state.dirql_where;
    core_.report_stamped(std::move(v));
  } else {
    state.low_pending = true;
    state.low_access = std::move(v);
  }
}

void IsrSharedChecker::shared_destroyed(const void* object) { shared_.erase(object); }

}  // namespace nicsim::ndis
