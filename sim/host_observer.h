// Host events for tracing (waves, timeline). All calls happen at the current simulated time.
#pragma once

#include <cstdint>
#include <string_view>

#include "sim/cpu.h"
#include "sim/violation.h"

namespace nicsim::sim {

enum class LockEvent : uint8_t { kSpinBegin, kAcquired, kReleased };

class HostObserver {
 public:
  virtual ~HostObserver() = default;
  virtual void on_irql(unsigned /*cpu*/, Irql /*irql*/) {}
  // A frame (ISR, DPC, sync callback, passive thread) entered (enter) or left on a CPU.
  virtual void on_frame(unsigned /*cpu*/, CpuContext /*context*/, std::string_view /*routine*/,
                        bool /*enter*/) {}
  virtual void on_dpc_queue_depth(unsigned /*cpu*/, unsigned /*depth*/) {}
  // Lock events come from the NDIS layer; lock_id is small and dense (0, 1, 2...).
  virtual void on_lock(unsigned /*cpu*/, LockEvent /*event*/, unsigned /*lock_id*/,
                       std::string_view /*lock_name*/) {}
  // The NIC raised an interrupt: an MSI-X message decoded to (vector -> cpu), or INTx asserted.
  virtual void on_interrupt_raised(std::string_view /*source*/, unsigned /*vector*/,
                                   int /*target_cpu*/) {}
  virtual void on_violation(const Violation& /*violation*/) {}
};

}  // namespace nicsim::sim
