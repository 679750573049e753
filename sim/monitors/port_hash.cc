#include "sim/monitors/port_hash.h"

#include "sim/cycle_random.h"

namespace nicsim::sim {

void PortHash::on_cycle(uint64_t cycle, const DevicePorts& ports) {
  if (cycle >= stop_cycle_) return;
  last_cycle_ = cycle;
  if (!first_ && ports == previous_) return;
  first_ = false;
  previous_ = ports;
  digest_ = splitmix64(digest_ ^ splitmix64(cycle) ^ hash_ports(ports));
  ++changes_;
}

}  // namespace nicsim::sim
