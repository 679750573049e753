// End-to-end scoreboard: every frame sent one way is received byte-exact on the other side, or
// counted as dropped with a reason. Frames are matched by content (each generated frame carries
// a unique sequence number), so the order queues and CPUs deliver them in does not matter.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace nicsim::cli {

class Scoreboard {
 public:
  void expect(std::span<const uint8_t> frame);
  // True when the frame matched an expected one (removed); false: corrupt or unexpected.
  bool receive(std::span<const uint8_t> frame);

  uint64_t expected() const { return expected_total_; }
  uint64_t received() const { return received_; }
  uint64_t corrupt() const { return corrupt_; }
  uint64_t outstanding() const { return expected_total_ - received_; }

 private:
  std::map<std::vector<uint8_t>, uint64_t> pending_;
  uint64_t expected_total_ = 0, received_ = 0, corrupt_ = 0;
};

}  // namespace nicsim::cli
