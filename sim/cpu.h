// A simulated CPU: one SystemC thread with an IRQL, a DPC queue and a stack of nested contexts.
// Driver code runs on the thread and passes yield points, where interrupts and DPCs preempt it.
#pragma once

#include <cstdint>
#include <functional>
#include <source_location>
#include <string>
#include <string_view>

namespace nicsim::sim {

using Irql = uint8_t;
inline constexpr Irql kPassiveLevel = 0;
inline constexpr Irql kDispatchLevel = 2;
inline constexpr Irql kFirstDeviceIrql = 3;  // DIRQLs are kFirstDeviceIrql and above

enum class CpuContext : uint8_t { kIdle, kPassive, kDpc, kIsr, kSync };
std::string_view to_string(CpuContext context);

// What a yield point costs in simulated time (before seeded jitter); see CostModel.
enum class Cost : uint8_t { kNdisCall, kSharedAccess, kSpinIteration, kRoutineEntry, kWork };

// A DPC object. Like a KDPC it sits in at most one CPU's queue at a time: queueing it again, on
// any CPU, coalesces. Whether it is queued is known here alone (the CPU model sets it).
class Dpc {
 public:
  Dpc(std::string name, std::function<void()> routine)
      : name_(std::move(name)), routine_(std::move(routine)) {}
  Dpc(const Dpc&) = delete;
  Dpc& operator=(const Dpc&) = delete;
  const std::string& name() const { return name_; }
  void run() const { routine_(); }
  bool queued() const { return queued_cpu_ >= 0; }
  int queued_cpu() const { return queued_cpu_; }  // -1 when not queued

 private:
  friend class CpuModel;  // the owner of the queues
  std::string name_;
  std::function<void()> routine_;
  int queued_cpu_ = -1;
};

class Cpu {
 public:
  virtual ~Cpu() = default;

  virtual unsigned index() const = 0;
  virtual Irql irql() const = 0;
  virtual CpuContext context() const = 0;  // innermost frame
  // The innermost frame that is not a synchronize callback: the passive thread, DPC or ISR the
  // code runs in (kIdle when none).
  virtual CpuContext thread_context() const = 0;
  virtual std::string_view routine() const = 0;  // innermost frame's routine name
  virtual unsigned depth() const = 0;            // frames on the context stack

  // Raise to new_irql (>= current) and return the old IRQL.
  virtual Irql raise_irql(Irql new_irql) = 0;
  // Lower to new_irql (<= current); delivers interrupts and DPCs that became deliverable.
  virtual void lower_irql(Irql new_irql) = 0;

  // Runs fn as a nested frame (a synchronize callback, say) at irql, restoring IRQL after.
  virtual void run_frame(CpuContext context, std::string_view routine, Irql irql,
                         const std::function<void()>& fn) = 0;

  // A preemption point: charges cost plus seeded jitter, then delivers pending interrupts above
  // the current IRQL and, below DISPATCH_LEVEL, pending DPCs.
  virtual void yield(Cost cost = Cost::kNdisCall) = 0;
  // Charges simulated busy time without a preemption point (an uninterruptible instruction).
  virtual void busy(uint64_t ns) = 0;

  // Spins at the current IRQL until try_acquire() is true. Interrupts above the current IRQL
  // still preempt the spin. Returns the simulated ns spent spinning. until_ns: the spin ends by
  // then at the latest (a busy wait such as NdisStallExecution), 0: only another CPU can end it.
  virtual uint64_t spin_until(const std::function<bool()>& try_acquire, uint64_t until_ns = 0) = 0;

  // Blocks the current passive thread for ns; the CPU serves interrupts and DPCs meanwhile.
  virtual void block_for(uint64_t ns) = 0;
  // Like block_for, but a poll: the thread only looks whether others moved, so the wait is no
  // event of its own for the stall watch (STALL).
  virtual void poll_for(uint64_t ns) = 0;
  // Blocks the current passive thread until ready() is true (re-checked every poll_ns).
  virtual void block_until(const std::function<bool()>& ready, uint64_t poll_ns = 100) = 0;
};

}  // namespace nicsim::sim
