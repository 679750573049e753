// The race checker: binds the happens-before detector (driver/ndis/race/) to the simulated host.
// It tells the detector who runs (CPU, context, IRQL, the locks held), receives the edges the
// other components announce (SyncEdges), tracks the memory the driver was given, and turns
// findings into DATA_RACE, ISR_SHARED_UNSYNCHRONIZED and CPU_TOUCHES_DEVICE_BUFFER reports that
// name both accesses by source line. Installed for the life of the kernel unless race checking
// is off.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "driver/ndis/interrupts.h"
#include "driver/ndis/lock_verifier.h"
#include "driver/ndis/race/race_detector.h"
#include "driver/ndis/verifier_core.h"

namespace nicsim::ndis {

namespace race {
class Symbolizer;
class Suppressions;
}  // namespace race

class RaceChecker final : public SyncEdges {
 public:
  // Throws std::invalid_argument naming the suppressions file when it cannot be read or parsed.
  RaceChecker(VerifierCore& core, LockVerifier& locks, Interrupts& interrupts);
  ~RaceChecker();
  RaceChecker(const RaceChecker&) = delete;
  RaceChecker& operator=(const RaceChecker&) = delete;

  // SyncEdges
  void acquire(const void* sync) override { detector_.acquire(sync); }
  void release(const void* sync) override { detector_.release(sync); }
  void interlocked(const volatile void* address, size_t bytes, uintptr_t pc) override;
  void memory_barrier() override { detector_.fence(5); }
  void memory_given(const void* base, size_t bytes, std::string what, const CallSite& at,
                    uint64_t host_address) override;
  void memory_taken(const void* base) override { detector_.remove_region(base); }
  void locks_changed() override;

  struct Stats {
    uint64_t accesses = 0;          // every instrumented access of the driver
    uint64_t accesses_checked = 0;  // those in memory the driver was given
    uint64_t races = 0;             // reported (DATA_RACE and ISR_SHARED_UNSYNCHRONIZED)
    uint64_t suppressed = 0;        // matched a suppression
  };
  Stats stats() const;

 private:
  bool context_now(race::ContextNow& now);
  uint16_t lockset_of_current_cpu();
  void on_finding(const race::Finding& finding);
  void on_shared_access(uint64_t host_address, size_t bytes, bool write, uintptr_t pc);
  std::string describe(const race::AccessRecord& access);

  VerifierCore& core_;
  LockVerifier& locks_;
  Interrupts& interrupts_;
  race::RaceDetector detector_;
  std::unique_ptr<race::Symbolizer> symbolizer_;
  std::unique_ptr<race::Suppressions> suppressions_;
  std::vector<bool> lockset_stale_;                       // per CPU
  std::vector<uint16_t> lockset_;                         // per CPU
  std::vector<std::vector<std::string>> locksets_;        // id -> lock names (0: none)
  std::vector<bool> lockset_has_interrupt_lock_;          // id -> an interrupt lock is among them
  std::unordered_set<std::string> reported_pairs_;        // rule and both source locations
  std::unordered_set<uintptr_t> device_buffer_reported_;  // by PC
  uint64_t findings_ = 0;
  uint64_t suppressed_ = 0;
  // Checked on every instrumented access: plain counts into the coverage bins.
  sim::RuleCount data_race_checks_, isr_shared_checks_, wrong_message_checks_,
      device_buffer_checks_;
};

}  // namespace nicsim::ndis
