#include "testbench/cli/scenarios.h"

namespace nicsim::cli {

std::string_view to_string(IrqMode mode) { return mode == IrqMode::kMsix ? "msix" : "intx"; }

const std::vector<Scenario>& scenarios() {
  static const std::vector<Scenario> table = [] {
    std::vector<Scenario> list;
    Scenario base;  // the default shape; the others change what they are about

    Scenario s = base;
    s.name = "default";
    s.description = "4 CPUs, 4 queues, MSI-X, mixed frame sizes both ways";
    list.push_back(s);

    s = base;
    s.name = "intx-shared";
    s.description = "one shared level INTx line (a second device on it), DPCs targeted by cause";
    s.irq_mode = IrqMode::kIntx;
    s.shared_line_sharer = true;
    list.push_back(s);

    s = base;
    s.name = "single-cpu";
    s.description = "1 CPU, 1 queue: ISR, DPC and senders all preempt each other on one CPU";
    s.cpus = 1;
    s.queues = 1;
    s.packets = 200;
    list.push_back(s);

    s = base;
    s.name = "many-cpus";
    s.description = "16 CPUs, 8 queues, MSI-X: senders on every CPU";
    s.cpus = 16;
    s.queues = 8;
    s.packets = 600;
    list.push_back(s);

    s = base;
    s.name = "burst";
    s.description = "back-to-back frames and long send chains: rings fill, receive may drop";
    s.rx_gap_cycles = 0;
    s.tx_burst = 48;
    s.tx_gap_ns = 200;
    list.push_back(s);

    s = base;
    s.name = "small-frames";
    s.description = "minimum-size 60-byte frames at a high rate";
    s.min_frame = 60;
    s.max_frame = 60;
    s.packets = 800;
    s.rx_gap_cycles = 20;
    s.tx_gap_ns = 500;
    list.push_back(s);

    s = base;
    s.name = "throttled";
    s.description = "interrupt throttling: at most one interrupt per vector every 2000 cycles";
    s.itr_cycles = 2000;
    s.rx_gap_cycles = 50;
    list.push_back(s);

    s = base;
    s.name = "lifecycle";
    s.description = "OID queries, a pause and restart in mid-traffic, check-for-hang and a reset";
    s.lifecycle = true;
    list.push_back(s);
    return list;
  }();
  return table;
}

const Scenario* find_scenario(std::string_view name) {
  for (const auto& scenario : scenarios()) {
    if (scenario.name == name) return &scenario;
  }
  return nullptr;
}

}  // namespace nicsim::cli
