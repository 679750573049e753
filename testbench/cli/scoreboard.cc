#include "testbench/cli/scoreboard.h"

namespace nicsim::cli {

void Scoreboard::expect(std::span<const uint8_t> frame) {
  ++pending_[std::vector<uint8_t>(frame.begin(), frame.end())];
  ++expected_total_;
}

bool Scoreboard::receive(std::span<const uint8_t> frame) {
  auto it = pending_.find(std::vector<uint8_t>(frame.begin(), frame.end()));
  if (it == pending_.end()) {
    ++corrupt_;
    return false;
  }
  if (--it->second == 0) pending_.erase(it);
  ++received_;
  return true;
}

}  // namespace nicsim::cli
