// The stall watch (STALL): a run in which no CPU makes progress and nothing is pending is
// reported at once, instead of idling to the time limit.
//
// Every check_ns it compares the progress made since the last check: routines entered and left,
// NDIS calls and busy time on every CPU (CpuModel::progress), and edges with a transfer on one of
// the device's interfaces. With none, the run is stalled when no event of its own is pending:
// no CPU works or waits for a time (block_for, a passive start, a bounded busy wait), the device
// is quiescent with no frame still to come, and no probe (an armed timer) says otherwise; and
// some CPU spins, waiting for another to release what it waits for. Polls (Cpu::poll_for,
// block_until) are not events: they only look whether something else moved. All CPUs idle or
// polling is a quiet run, not a stall: the testbench decides when it has waited long enough.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <systemc>
#include <vector>

namespace nicsim::sim {

class CpuModel;
class NicDomain;
class Platform;

class StallWatch : public sc_core::sc_module {
 public:
  struct Hooks {
    std::vector<std::function<bool()>> pending;     // true: an event of theirs is pending
    std::function<std::string(unsigned)> describe;  // what a spinning CPU waits on, or ""
  };

  StallWatch(sc_core::sc_module_name name, Platform& platform,
             const std::vector<std::unique_ptr<CpuModel>>& cpus, const NicDomain* nic,
             uint64_t check_ns, const Hooks& hooks);

  uint64_t checks() const { return checks_; }

 private:
  void thread_main();
  uint64_t progress() const;
  bool stalled() const;
  std::string describe() const;

  Platform& platform_;
  const std::vector<std::unique_ptr<CpuModel>>& cpus_;
  const NicDomain* nic_;
  uint64_t check_ns_;
  const Hooks& hooks_;
  uint64_t checks_ = 0;
};

}  // namespace nicsim::sim
