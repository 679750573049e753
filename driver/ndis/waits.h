// Waiting and time: NdisStallExecution, NdisMSleep, NdisGetCurrentSystemTime and NDIS_EVENT,
// checked for blocking at raised IRQL or under a lock.
#pragma once

#include <ndis.h>

#include <cstdint>

#include "driver/ndis/lock_verifier.h"
#include "driver/ndis/verifier_core.h"

namespace nicsim::ndis {

// 100 ns units between 1601 (the system time's epoch) and 1970 (the simulation's time zero).
inline constexpr LONGLONG kUnixEpochIn1601Units = 116'444'736'000'000'000;

class Waits {
 public:
  Waits(VerifierCore& core, LockVerifier& locks) : core_(core), locks_(locks) {}

  void stall(uint64_t us, const CallSite& at);
  void sleep(uint64_t us, const CallSite& at);
  LONGLONG system_time(const CallSite& at);  // 100 ns units since 1601
  void set_event(PNDIS_EVENT event, bool signaled, const CallSite& at);
  BOOLEAN wait_event(PNDIS_EVENT event, UINT ms, const CallSite& at);

 private:
  VerifierCore& core_;
  LockVerifier& locks_;
};

}  // namespace nicsim::ndis
