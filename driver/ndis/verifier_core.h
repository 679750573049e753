// The verifier's core, which every other part of the NDIS kernel builds on: reports (rule
// severity, call sites), the yield point at the start of each NDIS call, the miniport callbacks
// running on each CPU (what each entered with, checked when it returns), IRQL helpers, and the
// platform with the verifier's limits. It depends on no other kernel component.
#pragma once

#include <ndis.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "driver/ndis/call_site.h"
#include "sim/cpu.h"
#include "sim/platform.h"
#include "sim/violation.h"

namespace nicsim::ndis {

struct VerifierConfig {
  bool stop_on_first_error = false;  // warnings never stop
  uint64_t lock_hold_limit_ns = 25'000;
  uint64_t isr_limit_ns = 25'000;
  uint64_t dpc_limit_ns = 100'000;
  uint64_t stall_limit_us = 50;
  uint64_t interrupt_liveness_ns = 200'000;  // INTERRUPT_LOST bound
  ULONG dpc_receive_budget = 64;             // NDIS_RECEIVE_THROTTLE_PARAMETERS::MaxNblsToIndicate
  bool race_check = true;                    // DATA_RACE over instrumented driver code
  std::string race_suppressions;             // a ThreadSanitizer suppressions file, or ""
};

enum class CallbackKind : uint8_t { kPassive, kIsr, kDpc, kSync, kSend, kReturn };

// What the checks read of the interrupt a callback serves. Interrupts (interrupts.h) extends it,
// so the core and the lock verifier need no interrupt internals.
struct InterruptStatus {
  std::string name;
  bool registered = false;
  bool registering = false;  // NdisMRegisterInterruptEx has not returned yet
};

// A miniport callback running on a CPU and what it entered with.
struct CallbackScope {
  std::string name;
  CallbackKind kind;
  InterruptStatus* interrupt;  // the interrupt whose ISR, DPC or synchronize this is, or nullptr
  size_t held_at_entry;
  sim::Irql irql_at_entry;
  uint64_t start_ns;
  unsigned mask_writes = 0;
  bool device_asserted = false;  // ISR: the probe showed the device asserting after a read
};

// The locks a returning callback left held. The lock verifier, built on this core, answers, so
// the core names no lock type.
class HeldLocks {
 public:
  virtual size_t held_count() = 0;  // by the current CPU
  // scope returns holding more than held_at_entry locks: reports each and orphans it.
  virtual void orphan_held_beyond(size_t held_at_entry, const std::string& scope,
                                  const CallSite& at) = 0;

 protected:
  ~HeldLocks() = default;
};

// Happens-before edges and the memory the race checker tracks (driver/ndis/race_checker.h). The
// components announce them through the core; without a checker they cost one branch.
class SyncEdges {
 public:
  // The running context acquires what sync released / releases its history into sync. Off the
  // CPU threads both do nothing.
  virtual void acquire(const void* sync) = 0;
  virtual void release(const void* sync) = 0;
  // An Interlocked* operation (acquire and release on the word) and KeMemoryBarrier (a fence).
  virtual void interlocked(const volatile void* address, size_t bytes, uintptr_t pc) = 0;
  virtual void memory_barrier() = 0;
  // Memory the driver was given (pool, shared memory, NBL/MDL structures), and taken back.
  virtual void memory_given(const void* base, size_t bytes, std::string what, const CallSite& at,
                            uint64_t host_address) = 0;
  virtual void memory_taken(const void* base) = 0;
  // The held locks of the current CPU changed.
  virtual void locks_changed() = 0;

 protected:
  ~SyncEdges() = default;
};

// Sync objects with no driver object behind them: the device's ordering (a register write, then
// the DMA and the interrupt it starts), and NDIS's own serialization of the miniport's lifecycle
// callbacks and of the completions it waits for before pause and halt.
inline const char kDeviceOrder = 0;
inline const char kNdisLifecycle = 0;
inline const char kNdisCompletions = 0;

// "driver/x.c:12 (Function)": a call site as reports print it.
std::string format_where(const CallSite& at);

class VerifierCore {
 public:
  // installed says whether this core's kernel is still the installed one. SystemC processes copy
  // it rather than ask the core, since they may outlive it.
  VerifierCore(sim::Platform& platform, VerifierConfig config, std::function<bool()> installed);
  VerifierCore(const VerifierCore&) = delete;
  VerifierCore& operator=(const VerifierCore&) = delete;

  // Not const: the core refers to the platform, it does not own it.
  sim::Platform& platform() const { return platform_; }
  VerifierConfig& config() { return config_; }
  const std::function<bool()>& installed() const { return installed_; }

  void report(std::string_view rule, std::string object, const CallSite& at, std::string message);
  // A violation filled in by the caller; this adds the time and the NIC cycle.
  void report_stamped(Violation violation);
  static Severity severity_of(std::string_view rule);
  // The check of rule ran here, whether or not it fires (its "rule/<ID> evaluated" bin).
  void evaluated(std::string_view rule) { platform_.coverage().evaluated(rule); }

  // A yield point at the start of an NDIS call; false when the run has stopped.
  bool enter_call(const CallSite& at, sim::Cost cost = sim::Cost::kNdisCall);
  // Runs at every yield point (Interrupts checks liveness there).
  void set_call_hook(std::function<void()> hook) { call_hook_ = std::move(hook); }
  void set_held_locks(HeldLocks* locks) { held_locks_ = locks; }
  void set_sync_edges(SyncEdges* edges) { edges_ = edges; }
  // nullptr when race checking is off.
  SyncEdges* edges() const { return edges_; }
  void acquire(const void* sync) {
    if (edges_) edges_->acquire(sync);
  }
  void release(const void* sync) {
    if (edges_) edges_->release(sync);
  }
  // Queues dpc on cpu; what the queuing context did happens before the DPC runs.
  bool queue_dpc(sim::Dpc& dpc, unsigned cpu);

  bool on_cpu() const { return platform_.on_cpu(); }
  sim::Cpu& cpu() { return platform_.current_cpu(); }
  // A CONFIG-style CALL_AT_DIRQL for api; false when reported.
  bool check_not_dirql(std::string_view api, const CallSite& at);
  void set_irql(sim::Irql irql);

  // The callbacks running on the current CPU, innermost last.
  std::vector<CallbackScope>& scopes() { return scopes_[cpu().index()]; }
  CallbackScope* innermost_scope(CallbackKind kind);
  void push_scope(std::string name, CallbackKind kind, InterruptStatus* interrupt);
  // LOCK_HELD_AT_RETURN, IRQL_NOT_RESTORED, ISR_TOO_LONG and DPC_TOO_LONG of the innermost scope.
  void pop_scope(const CallSite& at);
  // Runs fn as a checked miniport callback on the current CPU.
  void run_callback(std::string_view name, const std::function<void()>& fn,
                    CallbackKind kind = CallbackKind::kPassive);
  // The same on cpu's passive thread at at_ns.
  void run_passive(unsigned cpu, std::string name, std::function<void()> fn, uint64_t at_ns);
  // The same on a system worker thread, now (sim::Platform::start_worker).
  void run_worker(unsigned preferred_cpu, std::string name, std::function<void()> fn);

 private:
  sim::Platform& platform_;
  VerifierConfig config_;
  std::function<bool()> installed_;
  std::vector<std::vector<CallbackScope>> scopes_;  // per CPU
  HeldLocks* held_locks_ = nullptr;
  SyncEdges* edges_ = nullptr;
  std::function<void()> call_hook_;
};

}  // namespace nicsim::ndis
