#include "sim/link_partner.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>

#include "sim/cycle_random.h"
#include "sim/faults/fault_injector.h"
#include "sim/pcap_io.h"

namespace nicsim::sim {
namespace {

constexpr unsigned kTxReadyChannel = 7;
constexpr unsigned kEthHeader = 14, kIpHeader = 20, kUdpHeader = 8;

void put16(Frame& f, size_t at, uint16_t v) {
  f[at] = static_cast<uint8_t>(v >> 8);
  f[at + 1] = static_cast<uint8_t>(v);
}

// An Ethernet/IPv4/UDP frame of `bytes` bytes (without FCS) for flow `flow`; addresses and
// ports depend on the flow, so the steering hash over the header spreads flows over queues.
Frame make_frame(unsigned bytes, unsigned flow, std::mt19937_64& rng) {
  Frame f(bytes, 0);
  for (auto& b : f) b = static_cast<uint8_t>(rng());
  if (bytes < kEthHeader + kIpHeader + kUdpHeader) return f;
  const uint8_t dst[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
  const uint8_t src[6] = {
      0x02, 0x00, 0x00, 0x01, static_cast<uint8_t>(flow >> 8), static_cast<uint8_t>(flow)};
  std::memcpy(&f[0], dst, 6);
  std::memcpy(&f[6], src, 6);
  put16(f, 12, 0x0800);
  const size_t ip = kEthHeader;
  f[ip] = 0x45;
  f[ip + 1] = 0;
  put16(f, ip + 2, static_cast<uint16_t>(bytes - kEthHeader));
  put16(f, ip + 4, 0);
  put16(f, ip + 6, 0);
  f[ip + 8] = 64;
  f[ip + 9] = 17;  // UDP
  put16(f, ip + 10, 0);
  const uint8_t src_ip[4] = {10, 0, static_cast<uint8_t>(flow >> 8), static_cast<uint8_t>(flow)};
  const uint8_t dst_ip[4] = {10, 1, 0, 1};
  std::memcpy(&f[ip + 12], src_ip, 4);
  std::memcpy(&f[ip + 16], dst_ip, 4);
  const size_t udp = ip + kIpHeader;
  put16(f, udp, static_cast<uint16_t>(1024 + flow * 7));
  put16(f, udp + 2, static_cast<uint16_t>(5000 + flow));
  put16(f, udp + 4, static_cast<uint16_t>(bytes - kEthHeader - kIpHeader));
  put16(f, udp + 6, 0);
  return f;
}

}  // namespace

std::vector<Frame> generate_frames(const TrafficSpec& spec) {
  if (spec.min_bytes == 0 || spec.min_bytes > spec.max_bytes) {
    throw std::invalid_argument("traffic spec: need 0 < min_bytes <= max_bytes (got " +
                                std::to_string(spec.min_bytes) + ".." +
                                std::to_string(spec.max_bytes) + ")");
  }
  if (spec.flows == 0) throw std::invalid_argument("traffic spec: flows must be at least 1");
  std::mt19937_64 rng(spec.seed);
  std::uniform_int_distribution<unsigned> size(spec.min_bytes, spec.max_bytes);
  std::vector<Frame> frames;
  frames.reserve(spec.frames);
  for (uint64_t i = 0; i < spec.frames; ++i) {
    unsigned bytes = size(rng);
    if (spec.mix_small_large) bytes = rng() % 2 ? spec.max_bytes : spec.min_bytes;
    frames.push_back(make_frame(bytes, static_cast<unsigned>(i % spec.flows), rng));
  }
  return frames;
}

LinkPartner::LinkPartner(const DeviceShape& shape) : beat_bytes_(shape.stream_data_bytes()) {}
LinkPartner::~LinkPartner() = default;

void LinkPartner::send(Frame frame, bool bad, uint64_t not_before) {
  if (frame.empty()) throw std::invalid_argument("link partner: cannot send an empty frame");
  rx_queue_.push_back({std::move(frame), bad, not_before});
}

void LinkPartner::set_source(FrameSource next) {
  source_ = std::move(next);
  refill();
}

void LinkPartner::refill() {
  while (source_ && rx_queue_.size() < 2) {
    std::optional<Frame> frame = source_();
    if (!frame) {
      source_ = nullptr;
      return;
    }
    send(std::move(*frame));
  }
}

std::vector<Frame> LinkPartner::take_received() {
  std::vector<Frame> frames = std::move(received_);
  received_.clear();
  return frames;
}

void LinkPartner::send_traffic(const TrafficSpec& spec) {
  gap_cycles_ = spec.gap_cycles;
  for (auto& frame : generate_frames(spec)) send(std::move(frame), false, spec.start_cycle);
}

void LinkPartner::send_pcap(const std::string& path, unsigned gap_cycles) {
  auto frames = read_pcap(path);
  gap_cycles_ = gap_cycles;
  for (auto& frame : frames) {
    if (!frame.empty()) send(std::move(frame));
  }
}

void LinkPartner::set_tx_backpressure(unsigned percent, uint64_t seed) {
  if (percent > 100) throw std::invalid_argument("tx back-pressure percent must be <= 100");
  tx_bp_percent_ = percent;
  tx_bp_seed_ = seed;
}

void LinkPartner::expect(Frame frame) { expected_.push_back(std::move(frame)); }

void LinkPartner::open_pcap(const std::string& path) { pcap_ = std::make_unique<PcapWriter>(path); }
std::string LinkPartner::close_pcap() {
  std::string error = pcap_ ? pcap_->close() : "";
  pcap_.reset();
  return error;
}

uint64_t LinkPartner::next_due_cycle() const {
  if (rx_queue_.empty() || !link_up_) return std::numeric_limits<uint64_t>::max();
  return std::max(rx_queue_.front().not_before, rx_free_cycle_);
}

bool LinkPartner::busy(uint64_t cycle) const {
  return rx_active_ || next_due_cycle() <= cycle || !tx_frame_.empty();
}

uint64_t LinkPartner::drop_queued() {
  const uint64_t dropped = rx_queue_.size();
  frames_lost_on_wire_ += dropped;
  rx_queue_.clear();
  rx_offset_ = 0;
  rx_active_ = false;
  return dropped;
}

void LinkPartner::drive(uint64_t cycle, DevicePorts& p) {
  if (!rx_active_ && !rx_queue_.empty() && next_due_cycle() <= cycle) {
    if (faults_ && faults_->link_down(cycle)) {
      // No carrier: the frame is lost on the wire, in the time it would have taken.
      faults_->count_link_down_loss(true);
      ++frames_lost_on_wire_;
      rx_free_cycle_ =
          cycle + (rx_queue_.front().frame.size() + beat_bytes_ - 1) / beat_bytes_ + gap_cycles_;
      rx_queue_.pop_front();
      refill();
    } else {
      rx_active_ = true;
      if (faults_) faults_->note_traffic(cycle);
      if (faults_) faults_->damage_rx_frame(rx_queue_.front().frame, rx_queue_.front().bad);
    }
  }
  drive_rx(p.rx);
  p.tx.tready = p.tx.tvalid && !cycle_chance(tx_bp_seed_, cycle, kTxReadyChannel, tx_bp_percent_);
}

void LinkPartner::drive_rx(AxiStreamPorts& rx) {
  rx.tdata.clear(beat_bytes_);
  if (!rx_active_) {
    rx.tvalid = rx.tlast = rx.tuser = false;
    rx.tkeep = 0;
    return;
  }
  const Pending& f = rx_queue_.front();
  const size_t n = std::min<size_t>(beat_bytes_, f.frame.size() - rx_offset_);
  rx.tdata.set_bytes(0, std::span(f.frame).subspan(rx_offset_, n));
  rx.tvalid = true;
  rx.tkeep = byte_mask(static_cast<unsigned>(n));
  rx.tlast = rx_offset_ + n == f.frame.size();
  rx.tuser = rx.tlast && f.bad;
}

void LinkPartner::on_edge(uint64_t cycle, const DevicePorts& p) {
  if (p.rx.tvalid && p.rx.tready) {
    rx_offset_ += beat_bytes_;
    if (p.rx.tlast) {
      if (pcap_) pcap_->write(rx_queue_.front().frame, cycle * period_ps_);
      rx_queue_.pop_front();
      rx_offset_ = 0;
      rx_active_ = false;
      rx_free_cycle_ = cycle + 1 + gap_cycles_;
      ++frames_sent_;
      refill();
    }
  }
  if (p.tx.tvalid && p.tx.tready) {
    if (faults_ && tx_frame_.empty()) faults_->note_traffic(cycle);
    for (unsigned i = 0; i < beat_bytes_; ++i) {
      if (p.tx.tkeep >> i & 1) tx_frame_.push_back(p.tx.tdata.byte(i));
    }
    if (p.tx.tlast) finish_tx_frame(cycle);
  }
}

void LinkPartner::finish_tx_frame(uint64_t cycle) {
  if (!link_up_) {
    ++tx_dropped_link_down_;
    tx_frame_.clear();
    return;
  }
  if (faults_ && faults_->link_down(cycle)) {
    faults_->count_link_down_loss(false);  // sent into a link without carrier
    tx_frame_.clear();
    return;
  }
  if (pcap_) pcap_->write(tx_frame_, cycle * period_ps_);
  if (expected_.empty()) {
    ++unexpected_;
  } else {
    if (expected_.front() == tx_frame_) {
      ++matched_;
    } else {
      ++mismatches_;
    }
    expected_.pop_front();
  }
  received_.push_back(std::move(tx_frame_));
  tx_frame_.clear();
}

}  // namespace nicsim::sim
