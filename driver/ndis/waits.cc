// Stalls, sleeps, events and the system time.
#include "driver/ndis/waits.h"

#include <stdexcept>
#include <string>

namespace nicsim::ndis {

void Waits::stall(uint64_t us, const CallSite& at) {
  if (!core_.enter_call(at)) return;
  core_.evaluated("STALL_TOO_LONG");
  if (us > core_.config().stall_limit_us)
    core_.report("STALL_TOO_LONG", "NdisStallExecution", at,
                 "NdisStallExecution(" + std::to_string(us) + " us) exceeds " +
                     std::to_string(core_.config().stall_limit_us) + " us");
  if (!core_.on_cpu()) return;
  // A busy wait that interrupts above the current IRQL still preempt.
  const uint64_t until = core_.platform().now_ns() + us * 1000;
  core_.cpu().spin_until(
      [&] { return core_.platform().stopped() || core_.platform().now_ns() >= until; }, until);
}

LONGLONG Waits::system_time(const CallSite& at) {
  core_.enter_call(at);
  return kUnixEpochIn1601Units + static_cast<LONGLONG>(core_.platform().now_ns() / 100);
}

void Waits::sleep(uint64_t us, const CallSite& at) {
  if (!core_.on_cpu()) throw std::logic_error("NdisMSleep must run on a simulated CPU thread");
  if (!core_.enter_call(at)) return;
  core_.evaluated("BLOCKING_AT_RAISED_IRQL");
  if (core_.cpu().irql() >= sim::kDispatchLevel || locks_.holds_ndis_lock()) {
    core_.report("BLOCKING_AT_RAISED_IRQL", "NdisMSleep", at,
                 "NdisMSleep at IRQL " + std::to_string(core_.cpu().irql()) + " holding " +
                     locks_.held_lock_names());
    stall(us, at);  // cannot block here: spin instead so the run goes on
    return;
  }
  core_.cpu().block_for(us * 1000);
}

void Waits::set_event(PNDIS_EVENT event, bool signaled, const CallSite& at) {
  if (!event) throw std::invalid_argument("NDIS event: null");
  if (!core_.enter_call(at)) return;
  if (signaled) {
    core_.check_not_dirql("NdisSetEvent", at);
    core_.release(event);
  }
  event->Signaled = signaled ? TRUE : FALSE;
}

BOOLEAN Waits::wait_event(PNDIS_EVENT event, UINT ms, const CallSite& at) {
  if (!event) throw std::invalid_argument("NdisWaitEvent: null event");
  if (!core_.on_cpu()) throw std::logic_error("NdisWaitEvent must run on a simulated CPU thread");
  if (!core_.enter_call(at)) return event->Signaled;
  const uint64_t until =
      ms == 0 ? UINT64_MAX : core_.platform().now_ns() + uint64_t{ms} * 1'000'000;
  auto done = [&] {
    return event->Signaled || core_.platform().stopped() || core_.platform().now_ns() >= until;
  };
  core_.evaluated("BLOCKING_AT_RAISED_IRQL");
  if (core_.cpu().irql() >= sim::kDispatchLevel || locks_.holds_ndis_lock()) {
    core_.report("BLOCKING_AT_RAISED_IRQL", "NdisWaitEvent", at,
                 "NdisWaitEvent at IRQL " + std::to_string(core_.cpu().irql()) + " holding " +
                     locks_.held_lock_names());
    // Spin (bounded: a wait forever at raised IRQL would hang the run) instead of blocking.
    const uint64_t cap = core_.platform().now_ns() + 1'000'000;
    if (!event->Signaled)
      core_.cpu().spin_until([&] { return done() || core_.platform().now_ns() >= cap; }, cap);
    return event->Signaled;
  }
  if (!done()) core_.cpu().block_until(done);
  if (event->Signaled) core_.acquire(event);
  return event->Signaled;
}

}  // namespace nicsim::ndis
