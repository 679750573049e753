#include "testbench/cli/scoreboard.h"

#include <algorithm>

namespace nicsim::cli {

void Scoreboard::expect(std::span<const uint8_t> frame) {
  ++pending_[std::vector<uint8_t>(frame.begin(), frame.end())];
  ++expected_total_;
  ++outstanding_;
}

bool Scoreboard::receive(std::span<const uint8_t> frame) {
  auto it = pending_.find(std::vector<uint8_t>(frame.begin(), frame.end()));
  if (it == pending_.end()) {
    ++corrupt_;
    return false;
  }
  if (--it->second == 0) pending_.erase(it);
  ++received_;
  --outstanding_;  // it was pending: at least one is outstanding
  return true;
}

uint64_t Scoreboard::still_outstanding(const Pending& earlier) const {
  uint64_t count = 0;
  for (const auto& [frame, copies] : earlier) {
    auto it = pending_.find(frame);
    if (it != pending_.end()) count += std::min(copies, it->second);
  }
  return count;
}

void SendLedger::submit(const void* nbl, Send send) {
  // An NBL comes back before the protocol may send it again; if it did not, the old entry's
  // frames stay counted as outstanding under the new one.
  auto [it, inserted] = outstanding_.try_emplace(nbl, send);
  if (!inserted) it->second.frames += send.frames;
  submitted_frames_ += send.frames;
  outstanding_frames_ += send.frames;
}

std::optional<SendLedger::Send> SendLedger::complete(const void* nbl, uint32_t status,
                                                     const Moment& at) {
  auto it = outstanding_.find(nbl);
  if (it == outstanding_.end()) {
    ++not_outstanding_;
    return std::nullopt;
  }
  const Send send = it->second;
  outstanding_.erase(it);
  outstanding_frames_ -= send.frames;  // added by submit
  completed_frames_ += send.frames;
  if (status != 0) {
    ++failed_sends_;
    failed_frames_ += send.frames;
    Failure& failure = failures_[status];
    if (failure.sends == 0) failure.first = at;
    ++failure.sends;
    failure.frames += send.frames;
  }
  return send;
}

}  // namespace nicsim::cli
