// Named scenarios of the nicsim command: a platform shape plus a traffic shape. Command-line
// flags override the platform fields (--cpus, --queues, --irq-mode, --packets).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nicsim::cli {

enum class IrqMode { kMsix, kIntx };
std::string_view to_string(IrqMode mode);

struct Scenario {
  std::string name;
  std::string description;
  unsigned cpus = 4;
  unsigned queues = 4;
  IrqMode irq_mode = IrqMode::kMsix;
  uint64_t packets = 400;    // frames in both directions together
  unsigned rx_percent = 50;  // share of the frames sent by the link partner into the NIC
  unsigned min_frame = 60;   // bytes, without FCS
  unsigned max_frame = 1514;
  unsigned rx_gap_cycles = 200;     // link partner inter-frame gap
  unsigned tx_burst = 16;           // NBLs per MiniportSendNetBufferLists call, at most
  uint64_t tx_gap_ns = 2000;        // pause of a sender thread between two calls
  unsigned itr_cycles = 0;          // interrupt throttle per vector (0 = none)
  bool shared_line_sharer = false;  // INTx: a second device shares the line
  bool lifecycle = false;  // OIDs, a pause and restart in mid-traffic, check-for-hang, a reset
};

const std::vector<Scenario>& scenarios();
// nullptr when no scenario has that name.
const Scenario* find_scenario(std::string_view name);

}  // namespace nicsim::cli
