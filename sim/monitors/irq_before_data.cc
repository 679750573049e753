#include "sim/monitors/irq_before_data.h"

#include <string>

#include "sim/monitors/interrupt_view.h"

namespace nicsim::sim {

void IrqBeforeData::on_cycle(uint64_t cycle, const PortSnapshot& p) {
  if (p.rst) {
    writes_.clear();
    data_writes_ = 0;
    aw_shown_ = intx_ = false;
    return;
  }
  // Checked against the writes outstanding before this cycle's handshakes.
  const bool message = InterruptView::is_message_address(p.m_axi_awaddr);
  if (p.m_axi_awvalid && !aw_shown_ && message && data_writes_ > 0) {
    report_(monitor_violation("IRQ_BEFORE_DATA", cycle, "m_axi_awaddr",
                              "MSI-X write to " + hex(p.m_axi_awaddr) + " issued while " +
                                  std::to_string(data_writes_) +
                                  " earlier write(s) lack their B response"));
  }
  if (p.intx && !intx_ && data_writes_ > 0) {
    report_(monitor_violation(
        "IRQ_BEFORE_DATA", cycle, "intx",
        "INTx asserted while " + std::to_string(data_writes_) + " write(s) lack their B response"));
  }
  intx_ = p.intx;
  aw_shown_ = p.m_axi_awvalid && !p.m_axi_awready;
  if (p.m_axi_awvalid && p.m_axi_awready) {
    writes_.push_back(message);
    if (!message) ++data_writes_;
  }
  if (p.m_axi_bvalid && p.m_axi_bready && !writes_.empty()) {
    if (!writes_.front()) --data_writes_;
    writes_.pop_front();
  }
}

}  // namespace nicsim::sim
