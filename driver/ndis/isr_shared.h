// State a driver shares between its ISR and code below DIRQL (NICSIM_ISR_SHARED): every access is
// checked for synchronization with the interrupt (a lockset per object across IRQLs).
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "driver/ndis/interrupts.h"
#include "driver/ndis/lock_verifier.h"
#include "driver/ndis/verifier_core.h"

namespace nicsim::ndis {

enum class SharedAccess : uint8_t { kRead, kWrite, kInterlocked };

class IsrSharedChecker {
 public:
  IsrSharedChecker(VerifierCore& core, LockVerifier& locks, Interrupts& interrupts);
  ~IsrSharedChecker();
  IsrSharedChecker(const IsrSharedChecker&) = delete;
  IsrSharedChecker& operator=(const IsrSharedChecker&) = delete;

  // ISR_SHARED_UNSYNCHRONIZED, SYNC_WRONG_MESSAGE and REGISTER_BEFORE_READY for one access.
  void shared_access(const void* object, const char* name, SharedAccess access, bool initialized,
                     const CallSite& at);
  void shared_destroyed(const void* object);

 private:
  struct SharedState;
  VerifierCore& core_;
  LockVerifier& locks_;
  Interrupts& interrupts_;
  std::unordered_map<const void*, std::unique_ptr<SharedState>> shared_;
};

}  // namespace nicsim::ndis
