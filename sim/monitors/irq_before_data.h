// IRQ_BEFORE_DATA: the NIC must not signal an interrupt before the writes it reports are done.
// An MSI-X write (AWVALID into the message window) issued while an earlier data write still
// lacks its B response, or INTx rising while a data write lacks its B response, is a violation.
#pragma once

#include <deque>

#include "sim/monitors/cycle_monitor.h"

namespace nicsim::sim {

class IrqBeforeData : public CycleMonitor {
 public:
  explicit IrqBeforeData(MonitorReport report) : report_(std::move(report)) {}
  void on_cycle(uint64_t cycle, const DevicePorts& ports) override;
  void attach_coverage(FunctionalCoverage& coverage) override { checks_.attach(coverage); }

 private:
  MonitorReport report_;
  std::deque<bool> writes_;   // accepted AW awaiting B: true for messages
  unsigned data_writes_ = 0;  // data writes in writes_
  bool aw_shown_ = false;
  bool intx_ = false;
  RuleCount checks_{"IRQ_BEFORE_DATA"};  // per interrupt issued
};

}  // namespace nicsim::sim
