// Spin-lock calls over the lock verifier: NDIS_SPIN_LOCK (NdisAllocateSpinLock and friends) and
// the checks every spin-lock family shares (KSPIN_LOCK and the Ndis interlocked helpers in
// sync.h), with the API names each family's reports use.
#pragma once

#include <ndis.h>

#include <optional>
#include <string>
#include <string_view>

#include "driver/ndis/lock_verifier.h"
#include "driver/ndis/verifier_core.h"

namespace nicsim::ndis {

// The names a spin-lock family's calls go by in reports (NDIS_SPIN_LOCK, KSPIN_LOCK).
struct SpinApi {
  const char* allocate;
  const char* free;
  const char* acquire;
  const char* release;
  const char* acquire_dpr;
  const char* release_dpr;
};

class SpinLocks {
 public:
  static const SpinApi kNdisSpinApi;

  SpinLocks(VerifierCore& core, LockVerifier& locks) : core_(core), locks_(locks) {}

  void allocate_spin_lock(PNDIS_SPIN_LOCK lock, const char* name, const CallSite& at);
  void free_spin_lock(PNDIS_SPIN_LOCK lock, const CallSite& at);
  void acquire_spin_lock(PNDIS_SPIN_LOCK lock, bool dpr, const CallSite& at);
  void release_spin_lock(PNDIS_SPIN_LOCK lock, bool dpr, const CallSite& at);

  // A new lock for the lock object at address, or nullptr (LOCK_FREED_IN_USE) when the lock
  // there is allocated and held.
  LockState* make_lock(const void* address, std::string name, const SpinApi& names,
                       const CallSite& at);
  // The allocated lock at address, or nullptr with LOCK_NOT_ALLOCATED reported.
  LockState* find_spin_lock(const void* address, std::string_view api, const SpinApi& names,
                            const CallSite& at);
  // The checks and the raise of an acquire; the IRQL before, or nothing when not taken.
  std::optional<sim::Irql> acquire_spin(LockState& lock, bool dpr, const SpinApi& names,
                                        const CallSite& at);
  // The checks and the bookkeeping of a release; true when the caller should restore the IRQL.
  bool release_spin(LockState& lock, bool dpr, const SpinApi& names, const CallSite& at);

 private:
  VerifierCore& core_;
  LockVerifier& locks_;
};

}  // namespace nicsim::ndis
