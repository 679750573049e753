// The Ethernet link partner on the device's AXI4-Stream ports, beats of the shape's stream width:
// sends frames into s_axis_rx (from a traffic spec, explicit frames or a pcap file), receives
// m_axis_tx frames with seeded random back-pressure and checks them against a scoreboard, and can
// write both directions to pcap. Driven per cycle by the clock domain (no SystemC events); all
// randomness is keyed by cycle so skipping idle cycles cannot change what happens.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/device_ports.h"

namespace nicsim::sim {

class PcapWriter;
class FaultInjector;

using Frame = std::vector<uint8_t>;

// Generated traffic: sizes uniform in [min_bytes, max_bytes] (or the two ends only with
// mix_small_large), source/destination addresses and ports varied over `flows` flows so the
// steering hash spreads them over the queues.
struct TrafficSpec {
  uint64_t frames = 0;
  unsigned min_bytes = 60;
  unsigned max_bytes = 1514;
  bool mix_small_large = false;
  unsigned flows = 16;
  unsigned gap_cycles = 0;   // idle cycles between two frames on the link
  uint64_t start_cycle = 0;  // first frame no earlier than this cycle
  uint64_t seed = 1;
};

// Builds the frames of spec (same spec, same frames).
std::vector<Frame> generate_frames(const TrafficSpec& spec);

class LinkPartner {
 public:
  explicit LinkPartner(const DeviceShape& shape);
  ~LinkPartner();

  // --- RX side (link -> NIC) ---
  // Queues a frame; bad sets tuser on its last beat. The frame starts no earlier than not_before
  // and gap_cycles after the previous one ended.
  void send(Frame frame, bool bad = false, uint64_t not_before = 0);
  void send_traffic(const TrafficSpec& spec);
  // Queues every packet of a pcap file. Throws std::runtime_error on a missing or bad file.
  void send_pcap(const std::string& path, unsigned gap_cycles = 0);
  void set_gap_cycles(unsigned gap) { gap_cycles_ = gap; }
  // Frames made on demand (traffic too large to hold): pulled whenever fewer than two are
  // queued, each after the one before it as if all had been queued at once; nullopt ends it.
  using FrameSource = std::function<std::optional<Frame>()>;
  void set_source(FrameSource next);
  uint64_t frames_sent() const { return frames_sent_; }
  // Queued frames that never reached the device: lost on a down link or after the device left.
  uint64_t frames_lost_on_wire() const { return frames_lost_on_wire_; }
  // Drops every queued frame (the device is gone); returns how many.
  uint64_t drop_queued();
  // link-errors and link-flap act on the frames both ways; not owned, nullptr: none.
  void set_faults(FaultInjector* faults) { faults_ = faults; }
  size_t frames_queued() const { return rx_queue_.size(); }

  // The link's state. While it is down the partner starts no frame (its own queue waits) and
  // discards what the NIC transmits, counting it. The device is not told: a NIC without link
  // state (a constant link-up) keeps sending into the void, as a MAC behind a dead PHY does.
  void set_link_up(bool up) { link_up_ = up; }
  bool link_up() const { return link_up_; }
  uint64_t tx_dropped_link_down() const { return tx_dropped_link_down_; }

  // --- TX side (NIC -> link) ---
  // Chance per cycle that tready is held low while the NIC offers a beat.
  void set_tx_backpressure(unsigned percent, uint64_t seed);
  // Scoreboard: frames the NIC should transmit, in order.
  void expect(Frame frame);
  const std::vector<Frame>& received() const { return received_; }
  // Moves out the frames received since the last call, so a long run does not keep them all.
  std::vector<Frame> take_received();
  uint64_t matched() const { return matched_; }
  uint64_t mismatches() const { return mismatches_; }      // received frame differs from expected
  uint64_t unexpected() const { return unexpected_; }      // received with nothing expected
  size_t outstanding() const { return expected_.size(); }  // expected, not yet received

  // Writes both directions to a pcap file (DLT_EN10MB). Throws std::runtime_error on failure.
  void open_pcap(const std::string& path);
  // Completes the file: "" or the write error naming it and the errno text.
  std::string close_pcap();

  // --- per-cycle interface used by the clock domain ---
  // Sets s_axis_rx_* and m_axis_tx_tready for cycle from the outputs already in ports.
  void drive(uint64_t cycle, DevicePorts& ports);
  // Consumes the handshakes the edge at cycle performs (ports as sampled by that edge).
  void on_edge(uint64_t cycle, const DevicePorts& ports);
  // True while a frame is being sent or received, or one is due by cycle.
  bool busy(uint64_t cycle) const;
  // The cycle the next queued frame may start (UINT64_MAX if none).
  uint64_t next_due_cycle() const;
  // Nanoseconds per cycle, for pcap timestamps.
  void set_period_ps(uint64_t period_ps) { period_ps_ = period_ps; }

 private:
  struct Pending {
    Frame frame;
    bool bad;
    uint64_t not_before;
  };
  void drive_rx(AxiStreamPorts& rx);
  void finish_tx_frame(uint64_t cycle);
  void refill();

  unsigned beat_bytes_;
  std::deque<Pending> rx_queue_;
  size_t rx_offset_ = 0;        // bytes of rx_queue_.front() already accepted
  bool rx_active_ = false;      // front frame started
  uint64_t rx_free_cycle_ = 0;  // next frame may start here (gap after the last one)
  unsigned gap_cycles_ = 0;
  uint64_t frames_sent_ = 0;
  uint64_t frames_lost_on_wire_ = 0;
  FaultInjector* faults_ = nullptr;
  bool link_up_ = true;
  uint64_t tx_dropped_link_down_ = 0;
  FrameSource source_;

  unsigned tx_bp_percent_ = 0;
  uint64_t tx_bp_seed_ = 0;
  Frame tx_frame_;
  std::deque<Frame> expected_;
  std::vector<Frame> received_;
  uint64_t matched_ = 0, mismatches_ = 0, unexpected_ = 0;

  std::unique_ptr<PcapWriter> pcap_;
  uint64_t period_ps_ = 4000;
};

}  // namespace nicsim::sim
