// End-to-end scoreboard: every frame sent one way is received byte-exact on the other side, or
// counted as dropped with a reason. Frames are matched by content (each generated frame carries
// a unique sequence number), so the order queues and CPUs deliver them in does not matter.
// Every count here is kept by identity, never by subtracting two totals, so none can go below
// zero: a completion of a send that is not outstanding (a double completion, which the NDIS
// layer reports as SEND_COMPLETED_TWICE) changes nothing.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
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
  // Expected and not received yet.
  uint64_t outstanding() const { return outstanding_; }
  // The frames expected and not received yet, as copies per frame (a snapshot for later).
  using Pending = std::map<std::vector<uint8_t>, uint64_t>;
  const Pending& pending() const { return pending_; }
  // Of the frames pending in an earlier snapshot, how many are still pending now.
  uint64_t still_outstanding(const Pending& earlier) const;

 private:
  Pending pending_;
  uint64_t expected_total_ = 0, received_ = 0, corrupt_ = 0, outstanding_ = 0;
};

// The send NBLs the protocol (testbench) handed to MiniportSendNetBufferLists, until each comes
// back through NdisMSendNetBufferListsComplete, and how it came back.
class SendLedger {
 public:
  struct Send {
    unsigned frames = 0;
    unsigned sender = 0;  // the sender thread
  };
  // When and where a completion ran: where to look in a wave or a timeline.
  struct Moment {
    uint64_t ns = 0, cycle = 0;
    int cpu = -1, irql = -1;
    std::string context;
  };
  // The failed completions with one status, and the first of them.
  struct Failure {
    uint64_t sends = 0, frames = 0;
    Moment first;
  };

  void submit(const void* nbl, Send send);
  // The send, when nbl was outstanding (status 0: success); nullopt, and nothing counted, when it
  // was not.
  std::optional<Send> complete(const void* nbl, uint32_t status, const Moment& at);

  uint64_t submitted_frames() const { return submitted_frames_; }
  uint64_t completed_frames() const { return completed_frames_; }
  uint64_t failed_sends() const { return failed_sends_; }
  uint64_t failed_frames() const { return failed_frames_; }  // all frames of the failed sends
  uint64_t outstanding_sends() const { return outstanding_.size(); }
  uint64_t outstanding_frames() const { return outstanding_frames_; }
  uint64_t not_outstanding_completions() const { return not_outstanding_; }
  // By NDIS_STATUS value.
  const std::map<uint32_t, Failure>& failures() const { return failures_; }

 private:
  std::unordered_map<const void*, Send> outstanding_;
  uint64_t submitted_frames_ = 0, completed_frames_ = 0, failed_sends_ = 0, failed_frames_ = 0;
  uint64_t outstanding_frames_ = 0, not_outstanding_ = 0;
  std::map<uint32_t, Failure> failures_;
};

}  // namespace nicsim::cli
