// Drives a device model's host probe inputs (a top's optional host_* ports, reached through the
// Device seam's host_probes()) from host events, so the wave shows per CPU IRQL, context, innermost
// lock held, lock spun on and DPC queue depth, per lock its owner, and a marker that pulses at each
// violation, on the RTL's time axis.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/device.h"
#include "sim/host_observer.h"

namespace nicsim::sim::trace {

class WaveTracer;

class HostProbeDriver : public HostObserver {
 public:
  using Clock = std::function<uint64_t()>;  // current simulated time in ps

  // How many CPUs and locks the host_* ports pack (HostProbePorts, sim/device.h).
  static constexpr unsigned kMaxCpus = 64;
  static constexpr unsigned kMaxLocks = 16;

  // tracer may be null (probes only, e.g. for a test that reads the ports). With a tracer, each
  // change is dumped at its time, the violation pulse ends at the next edge, and the first error
  // triggers the tracer's on-violation ring.
  HostProbeDriver(HostProbePorts ports, WaveTracer* tracer, Clock clock_ps);

  void on_irql(unsigned cpu, Irql irql) override;
  void on_frame(unsigned cpu, CpuContext context, std::string_view routine, bool enter) override;
  void on_dpc_queue_depth(unsigned cpu, unsigned depth) override;
  void on_lock(unsigned cpu, LockEvent event, unsigned lock_id,
               std::string_view lock_name) override;
  void on_violation(const Violation& violation) override;

  // Ends the violation pulse; true when it was high.
  bool end_violation_pulse();

  // What the probes show now (for tests and the summary).
  CpuContext context(unsigned cpu) const;
  unsigned lock_held(unsigned cpu) const;       // id + 1, 0 none
  unsigned lock_owner(unsigned lock_id) const;  // cpu + 1, 0 free

 private:
  void changed();
  void set_cpu_field(unsigned cpu, unsigned field, unsigned value);

  HostProbePorts ports_;
  WaveTracer* tracer_;
  Clock clock_ps_;
  bool errored_ = false;
  std::vector<std::vector<CpuContext>> frames_;  // per CPU, innermost last
  std::vector<std::vector<unsigned>> held_;      // per CPU, lock ids in acquire order
};

}  // namespace nicsim::sim::trace
