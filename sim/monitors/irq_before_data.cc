#include "sim/monitors/irq_before_data.h"

#include <string>

#include "sim/monitors/interrupt_view.h"

namespace nicsim::sim {

void IrqBeforeData::on_cycle(uint64_t cycle, const DevicePorts& ports) {
  if (ports.rst) {
    writes_.clear();
    data_writes_ = 0;
    aw_shown_ = intx_ = false;
    return;
  }
  // Checked against the writes outstanding before this cycle's handshakes.
  const Axi4Ports& p = ports.dma;
  const bool message = InterruptView::is_message_address(p.awaddr);
  if ((p.awvalid && !aw_shown_ && message) || (ports.intx && !intx_)) checks_.evaluated();
  if (p.awvalid && !aw_shown_ && message && data_writes_ > 0) {
    report_(monitor_violation("IRQ_BEFORE_DATA", cycle, "m_axi_awaddr",
                              "MSI-X write to " + hex(p.awaddr) + " issued while " +
                                  std::to_string(data_writes_) +
                                  " earlier write(s) lack their B response"));
  }
  if (ports.intx && !intx_ && data_writes_ > 0) {
    report_(monitor_violation(
        "IRQ_BEFORE_DATA", cycle, "intx",
        "INTx asserted while " + std::to_string(data_writes_) + " write(s) lack their B response"));
  }
  intx_ = ports.intx;
  aw_shown_ = p.awvalid && !p.awready;
  if (p.awvalid && p.awready) {
    writes_.push_back(message);
    if (!message) ++data_writes_;
  }
  if (p.bvalid && p.bready && !writes_.empty()) {
    if (!writes_.front()) --data_writes_;
    writes_.pop_front();
  }
}

}  // namespace nicsim::sim
