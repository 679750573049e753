#include "testbench/cli/run.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "driver/ndis/kernel.h"
#include "driver/ndis/rule_catalogue.h"
#include "sim/link_partner.h"
#include "sim/nic_domain.h"
#include "sim/pcap_io.h"
#include "sim/platform.h"
#include "sim/trace/trace_session.h"
#include "testbench/cli/coverage_output.h"
#include "testbench/cli/device_irq_probe.h"
#include "testbench/cli/fault_report.h"
#include "testbench/cli/host_stats.h"
#include "testbench/cli/ndis_status.h"
#include "testbench/cli/run_coverage.h"
#include "testbench/cli/scoreboard.h"
#include "testbench/cli/send_chains.h"
#include "testbench/cli/stop_signals.h"
#include "testbench/cli/traffic.h"

namespace nicsim::cli {
namespace {

constexpr uint64_t kPollNs = 2'000;            // testbench threads look around this often
constexpr uint64_t kQuietNs = 300'000;         // no progress this long: the rest is lost
constexpr uint64_t kStallCheckNs = 10'000;     // STALL: no progress this long, nothing pending
constexpr unsigned kMaxOutstandingSends = 64;  // per sender thread
constexpr uint64_t kLifecyclePauseAfterNs = 60'000;  // lifecycle: traffic before the pause
constexpr uint64_t kLifecyclePausedNs = 30'000;      // lifecycle: how long it stays paused
constexpr uint64_t kLifecycleTimeoutNs = 2'000'000;

// Everything the testbench threads share during one run.
struct Bench {
  const Design& design;
  const RunConfig& config;
  sim::Platform& platform;
  ndis::Kernel& kernel;
  sim::LinkPartner& link;
  std::mt19937_64 rng;

  // Link -> NIC: the pcap's frames, or generated ones made as the link partner pulls them.
  std::vector<Frame> rx_pcap;
  std::optional<FrameStream> rx_stream;
  uint64_t rx_total = 0, rx_pulled = 0;
  sim::FrameLimits rx_limits{0, ~0u};
  // Driver -> link: made in order as the senders take them (each takes every senders-th); one
  // made for another sender waits here until that sender takes it.
  std::optional<FrameStream> tx_stream;
  std::map<uint64_t, Frame> tx_ahead;
  uint64_t tx_total = 0;
  uint64_t rx_expected_runt = 0, rx_expected_oversize = 0;
  Scoreboard rx_board, tx_board;

  std::unique_ptr<SendChains> send_chains;
  std::vector<PNET_BUFFER_LIST> completed_sends;  // to free at PASSIVE_LEVEL
  std::vector<unsigned> outstanding_per_sender;
  SendLedger sends;  // every send NBL until it comes back, and how it came back
  unsigned senders_running = 0;
  std::vector<PNET_BUFFER_LIST> deferred_returns;
  uint64_t link_rx_checked = 0;  // link partner frames already fed to tx_board

  std::map<std::string, uint64_t> nic_drops;
  std::map<std::string, uint64_t> nic_send_errors;  // the device's reasons for refusing a send
  std::map<std::string, uint64_t> nic_errors;       // the device's own error counters
  RunSummary::Lifecycle lifecycle;
  // The scenario's mid-traffic event.
  bool halt_requested = false;  // the protocols stop sending: NDIS is about to halt the adapter
  bool halted = false;
  uint64_t rx_missing_at_halt = 0;  // receives not indicated when the halt began
  // Receives pending when the mid-traffic reset completed (delivered by then, or queued).
  std::optional<Scoreboard::Pending> rx_pending_at_reset_end;
  bool device_counters_read = false;  // for good: later resets clear nothing counted
  bool removal_handled = false;       // the device left the bus and NDIS removed the adapter
  bool return_at_once = false;        // the protocol returns receives as they come up
  bool traffic_flowing = true;        // until the controller has seen the traffic end
  bool initialized = false;
  bool traffic_done = false;
  std::chrono::steady_clock::time_point wall_start = std::chrono::steady_clock::now();
  double last_progress_print = 0;

  // Frames that arrived: at the host (receives) or on the link (sends).
  uint64_t frames_arrived() const {
    return rx_board.received() + rx_board.corrupt() + link_rx_checked + link.received().size();
  }
  uint64_t progress() const { return frames_arrived() + sends.completed_frames(); }
  bool traffic_in_flight() const { return frames_arrived() < rx_total + tx_total; }

  // Acting as NDIS's PnP manager on whichever testbench thread sees it first: once the device is
  // gone (--fault surprise-removal), the protocols stop sending and NDIS removes the adapter
  // (MiniportDevicePnPEventNotify, pause, halt). True once the device is gone.
  bool device_gone() {
    if (!device_removed(platform)) return false;
    if (!removal_handled) {
      removal_handled = true;
      if (traffic_in_flight()) platform.coverage().hit(kRemovalUnderTraffic);
      halt_requested = true;
      // NDIS's pause waits for the receives up: this thread runs it, so give them all back now
      // and what is indicated from here on at once.
      return_at_once = true;
      return_deferred();
      kernel.run_surprise_removal();
    }
    return true;
  }

  // Any reset (the scenario's, or one the driver asks for through NdisMResetMiniport) loses the
  // receives in the device's rings: at NDIS's RESET_END status indication, what is pending then
  // is excused at the end. (A device without a described soft reset has its counters read at
  // RESET_START; otherwise they are read as the driver resets it.)
  void on_reset_status(NDIS_STATUS code) {
    if (code == NDIS_STATUS_RESET_START && traffic_in_flight())
      platform.coverage().hit(kResetUnderTraffic);
    if (code == NDIS_STATUS_RESET_START && !design.device.soft_reset) add_device_counters();
    if (code != NDIS_STATUS_RESET_END || !traffic_flowing) return;
    if (!rx_pending_at_reset_end) rx_pending_at_reset_end.emplace();
    for (const auto& [frame, copies] : rx_board.pending()) {
      uint64_t& kept = (*rx_pending_at_reset_end)[frame];
      kept = std::max(kept, copies);
    }
  }

  // Adds the device's error, drop and send-error counters to what was read so far: a reset clears
  // them, so they are read before one and again at the end.
  void add_device_counters() {
    if (device_removed(platform)) return;  // its registers read all-ones: no counts
    for (const auto& counter : design.device.error_counters)
      nic_errors[counter.reason] += platform.mmio().read32(counter.offset);
    for (const auto& counter : design.device.drop_counters)
      nic_drops[counter.reason] += platform.mmio().read32(counter.offset);
    for (const auto& counter : design.device.send_error_counters)
      nic_send_errors[counter.reason] += platform.mmio().read32(counter.offset);
  }

  void check_link_frames() {
    for (const Frame& frame : link.take_received()) {
      tx_board.receive(frame);
      ++link_rx_checked;
    }
  }

  // The next frame for the link partner, expected on the receive side unless the device's
  // frame limits make it a runt or oversize drop.
  std::optional<Frame> next_rx_frame() {
    if (rx_pulled == rx_total) return std::nullopt;
    Frame frame = rx_stream ? rx_stream->next() : std::move(rx_pcap[rx_pulled]);
    ++rx_pulled;
    if (frame.size() < rx_limits.min_frame) {
      ++rx_expected_runt;
    } else if (frame.size() > rx_limits.max_frame) {
      ++rx_expected_oversize;
    } else {
      rx_board.expect(frame);
    }
    return frame;
  }

  Frame take_tx_frame(uint64_t index) {
    while (tx_stream->made() <= index) {
      const uint64_t made = tx_stream->made();
      tx_ahead.emplace(made, tx_stream->next());
    }
    auto node = tx_ahead.extract(index);
    return std::move(node.mapped());
  }

  // intx-shared: a second device on the NIC's line, asserting it now and then. Its ISR claims
  // only what it raised, and ours must return FALSE for it.
  bool sharer_connected = false, sharer_asserted = false;
  uint64_t sharer_claims = 0;
  void connect_sharer() {
    if (sharer_connected) return;
    std::vector<unsigned> all_cpus;
    for (unsigned c = 0; c < platform.num_cpus(); ++c) all_cpus.push_back(c);
    platform.intc().connect_line(
        platform.config().intx_line, "sharer", sim::kFirstDeviceIrql, all_cpus, [this](unsigned) {
          if (!sharer_asserted) return false;
          sharer_asserted = false;
          ++sharer_claims;
          platform.intc().drive_line(platform.config().intx_line, "sharer", false);
          return true;
        });
    sharer_connected = true;
  }
  void maybe_pulse_sharer() {
    if (!sharer_connected || sharer_asserted || rng() % 8 != 0) return;
    sharer_asserted = true;
    platform.intc().drive_line(platform.config().intx_line, "sharer", true);
  }
  void disconnect_sharer() {
    if (!sharer_connected) return;
    platform.intc().drive_line(platform.config().intx_line, "sharer", false);
    platform.intc().disconnect_line(platform.config().intx_line, "sharer");
    sharer_connected = false;
  }

  // Runs at PASSIVE_LEVEL on a testbench thread: the protocol gives deferred buffers back and
  // frees its completed sends.
  void return_deferred() {
    maybe_pulse_sharer();
    check_link_frames();  // so the link partner and the scoreboard hold only frames in flight
    if (send_chains) {
      auto completed = std::move(completed_sends);
      completed_sends.clear();
      for (PNET_BUFFER_LIST nbl : completed) send_chains->release(nbl);
    }
    if (deferred_returns.empty()) return;
    PNET_BUFFER_LIST head = nullptr;
    for (auto it = deferred_returns.rbegin(); it != deferred_returns.rend(); ++it) {
      (*it)->Next = head;
      head = *it;
    }
    deferred_returns.clear();
    kernel.return_net_buffer_lists(head, 0);
  }

  // After 2 s of wall time, about once a second: simulated time, packets done, rate, ETA. On a
  // terminal the line redraws itself; elsewhere (--progress) each is a line of its own.
  void print_progress() {
    if (!progress_lines) return;
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
    if (wall < 2.0 || wall - last_progress_print < 1.0) return;
    last_progress_print = wall;
    const uint64_t done = rx_board.received() + link_rx_checked;
    const uint64_t total = rx_total + tx_total;
    const double rate = done / wall;
    const double eta = rate > 0 ? (total - std::min(total, done)) / rate : 0;
    std::fprintf(stderr,
                 "%s[nicsim] %.3f ms simulated, %llu/%llu packets, %.0f packets/s, ETA %.0f s%s",
                 progress_on_terminal ? "\r" : "", platform.now_ns() / 1e6,
                 static_cast<unsigned long long>(done), static_cast<unsigned long long>(total),
                 rate, eta, progress_on_terminal ? "  " : "\n");
    progress_printed = true;
  }
  bool progress_lines = false, progress_on_terminal = false, progress_printed = false;
};

// Runs at PASSIVE_LEVEL on its CPU: sends its share of the TX frames in chains of 1..tx_burst
// NBLs, returning deferred receive buffers between calls.
void run_sender(Bench& bench, unsigned sender, unsigned senders) {
  auto& cpu = bench.platform.current_cpu();
  std::mt19937_64 rng(bench.config.seed * 1000003ull + sender);
  const unsigned burst = std::max(1u, bench.config.scenario.tx_burst);
  uint64_t next = sender;
  while (next < bench.tx_total && !bench.platform.stopped() && !bench.halt_requested) {
    if (sender == 0) bench.print_progress();
    // As a protocol: no sends while the adapter is not running (NDIS pauses protocols first),
    // nor while it resets (the protocol holds them until the reset ends).
    cpu.block_until(
        [&] {
          return (bench.outstanding_per_sender[sender] < kMaxOutstandingSends &&
                  bench.kernel.adapter_state() == ndis::AdapterState::kRunning &&
                  !bench.kernel.reset_in_progress()) ||
                 bench.platform.stopped() || bench.halt_requested || device_removed(bench.platform);
        },
        kPollNs);
    if (bench.device_gone() || bench.halt_requested) break;
    const unsigned chain = 1 + static_cast<unsigned>(rng() % burst);
    std::vector<std::pair<PNET_BUFFER_LIST, std::vector<Frame>>> built;
    for (unsigned i = 0; i < chain && next < bench.tx_total; ++i) {
      const unsigned count = bench.send_chains->next_frame_count();
      std::vector<Frame> batch;  // copied into the NBL's buffers by build()
      for (unsigned f = 0; f < count && next < bench.tx_total; ++f, next += senders)
        batch.push_back(bench.take_tx_frame(next));
      std::vector<const Frame*> frames;
      for (const Frame& frame : batch) frames.push_back(&frame);
      PNET_BUFFER_LIST nbl = bench.send_chains->build(frames);
      if (!nbl && bench.platform.stopped()) break;  // the run ended: NDIS refuses new calls
      if (!nbl) throw std::runtime_error("the testbench could not allocate a send NBL");
      built.emplace_back(nbl, std::move(batch));
    }
    if (built.empty()) break;
    // Building the chain yielded: NDIS may have started a pause meanwhile. No send after that,
    // and none at all once a halt is coming (the protocol unbinds: its chain is never sent).
    cpu.block_until(
        [&] {
          return bench.kernel.adapter_state() == ndis::AdapterState::kRunning ||
                 bench.platform.stopped() || bench.halt_requested;
        },
        kPollNs);
    if (bench.halt_requested) {
      for (const auto& [nbl, frames] : built) bench.send_chains->release(nbl);
      break;
    }
    PNET_BUFFER_LIST head = nullptr, tail = nullptr;
    for (const auto& [nbl, frames] : built) {
      bench.sends.submit(nbl, {static_cast<unsigned>(frames.size()), sender});
      for (const Frame& frame : frames) bench.tx_board.expect(frame);
      (tail ? NET_BUFFER_LIST_NEXT_NBL(tail) : head) = nbl;
      tail = nbl;
      ++bench.outstanding_per_sender[sender];
    }
    bench.kernel.send_net_buffer_lists(head, 0);
    bench.return_deferred();
    const uint64_t gap = bench.config.scenario.tx_gap_ns;
    cpu.block_for(gap / 2 + (gap ? rng() % gap : 0) + 1);
  }
  --bench.senders_running;
}

// Runs at PASSIVE_LEVEL: the OID queries a protocol makes after binding, and a packet filter set.
void query_oids(Bench& bench) {
  const NDIS_OID queries[] = {
      OID_GEN_SUPPORTED_LIST,     OID_GEN_LINK_STATE, OID_GEN_STATISTICS, OID_802_3_CURRENT_ADDRESS,
      OID_GEN_MAXIMUM_FRAME_SIZE, OID_GEN_LINK_SPEED, OID_GEN_XMIT_OK,    OID_GEN_RCV_OK};
  std::vector<uint8_t> buffer(512);
  for (NDIS_OID oid : queries) {
    NDIS_OID_REQUEST request{};
    request.Header = {NDIS_OBJECT_TYPE_OID_REQUEST, NDIS_OID_REQUEST_REVISION_2, sizeof(request)};
    request.RequestType = NdisRequestQueryInformation;
    request.DATA.QUERY_INFORMATION.Oid = oid;
    request.DATA.QUERY_INFORMATION.InformationBuffer = buffer.data();
    request.DATA.QUERY_INFORMATION.InformationBufferLength = static_cast<UINT>(buffer.size());
    ++bench.lifecycle.oid_requests;
    const NDIS_STATUS status = bench.kernel.oid_request(&request);
    if (status != NDIS_STATUS_SUCCESS || request.DATA.QUERY_INFORMATION.BytesWritten == 0)
      ++bench.lifecycle.oid_failures;
  }
  ULONG filter =
      NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST | NDIS_PACKET_TYPE_MULTICAST;
  NDIS_OID_REQUEST set{};
  set.Header = {NDIS_OBJECT_TYPE_OID_REQUEST, NDIS_OID_REQUEST_REVISION_2, sizeof(set)};
  set.RequestType = NdisRequestSetInformation;
  set.DATA.SET_INFORMATION.Oid = OID_GEN_CURRENT_PACKET_FILTER;
  set.DATA.SET_INFORMATION.InformationBuffer = &filter;
  set.DATA.SET_INFORMATION.InformationBufferLength = sizeof(filter);
  ++bench.lifecycle.oid_requests;
  if (bench.kernel.oid_request(&set) != NDIS_STATUS_SUCCESS) ++bench.lifecycle.oid_failures;
}

// Runs at PASSIVE_LEVEL on the controller's CPU: NDIS pauses the adapter. The pause completes once
// the receives up are back, so the protocol keeps returning them meanwhile.
void pause_returning_receives(Bench& bench) {
  bench.kernel.run_pause();
  ++bench.lifecycle.pauses;
  const uint64_t until = bench.platform.now_ns() + kLifecycleTimeoutNs;
  while (bench.kernel.adapter_state() != ndis::AdapterState::kPaused && !bench.platform.stopped() &&
         bench.platform.now_ns() < until) {
    bench.return_deferred();
    bench.platform.current_cpu().poll_for(kPollNs);
  }
}

// Runs at PASSIVE_LEVEL on the controller's CPU: MiniportResetEx, waited for. NDIS's
// RESET_START/_END indications read the device's counters and excuse what a reset in mid-traffic
// loses (Bench::on_reset_status).
void reset_and_wait(Bench& bench) {
  bench.kernel.run_reset();
  ++bench.lifecycle.resets;
  const uint64_t until = bench.platform.now_ns() + kLifecycleTimeoutNs;
  bench.platform.current_cpu().block_until(
      [&] {
        return !bench.kernel.reset_in_progress() || bench.platform.stopped() ||
               bench.platform.now_ns() >= until;
      },
      kPollNs);
}

// Runs at PASSIVE_LEVEL on the controller's CPU: pause in mid-traffic (frames keep arriving from
// the link and wait in the rings), then restart.
void pause_and_restart(Bench& bench) {
  if (bench.traffic_in_flight()) bench.platform.coverage().hit(kPauseUnderTraffic);
  auto& cpu = bench.platform.current_cpu();
  cpu.block_for(kLifecyclePauseAfterNs);
  pause_returning_receives(bench);
  cpu.block_for(kLifecyclePausedNs);
  bench.kernel.run_restart();
  ++bench.lifecycle.restarts;
}

// Runs at PASSIVE_LEVEL on the controller's CPU: NDIS halts the adapter while the link still
// delivers. The protocols stop sending, the pause lets the sends in flight complete (returning
// receives meanwhile), then MiniportHaltEx runs with receive DMA going on.
void halt_under_traffic(Bench& bench) {
  if (bench.traffic_in_flight()) bench.platform.coverage().hit(kHaltUnderTraffic);
  bench.halt_requested = true;
  // Not indicated yet: expected and not received, or not even made yet (made as the link pulls).
  bench.rx_missing_at_halt = bench.rx_board.outstanding() + (bench.rx_total - bench.rx_pulled);
  pause_returning_receives(bench);
  bench.return_deferred();
  if (!bench.design.device.soft_reset) bench.add_device_counters();
  bench.device_counters_read = !bench.design.device.soft_reset;
  bench.kernel.run_halt();  // its device reset reads them (before_device_reset)
  bench.device_counters_read = true;
  ++bench.lifecycle.halts_under_traffic;
  bench.halted = true;
}

// Runs at PASSIVE_LEVEL on the controller's CPU: the link partner's link goes down and comes back.
void flap_link(Bench& bench) {
  if (bench.traffic_in_flight()) bench.platform.coverage().hit(kLinkChangeUnderTraffic);
  auto& cpu = bench.platform.current_cpu();
  bench.link.set_link_up(false);
  cpu.block_for(bench.config.scenario.traffic_event_ns);
  bench.link.set_link_up(true);
  ++bench.lifecycle.link_flaps;
  (void)bench.platform.mmio().read32(bench.design.device.id.offset);  // wakes an idle clock domain
}

// Runs at PASSIVE_LEVEL on the controller's CPU: the scenario's mid-traffic event, once its delay
// has passed or a third of the frames have moved, whichever comes first (so that a small
// --packets still has traffic in flight).
void run_traffic_event(Bench& bench) {
  const uint64_t until = bench.platform.now_ns() + bench.config.scenario.traffic_event_after_ns;
  const uint64_t third = (bench.rx_total + bench.tx_total) / 3;
  bench.platform.current_cpu().block_until(
      [&] {
        return bench.platform.now_ns() >= until || bench.progress() >= third ||
               bench.platform.stopped();
      },
      kPollNs);
  switch (bench.config.scenario.traffic_event) {
    case TrafficEvent::kHalt:
      halt_under_traffic(bench);
      break;
    case TrafficEvent::kReset:
      reset_and_wait(bench);
      break;
    case TrafficEvent::kLinkFlap:
      flap_link(bench);
      break;
    case TrafficEvent::kNone:
      break;
  }
}

// Runs at PASSIVE_LEVEL once the traffic is done: a hang check, then a reset, waited for.
void check_and_reset(Bench& bench) {
  bench.kernel.run_check_for_hang();
  ++bench.lifecycle.hang_checks;
  reset_and_wait(bench);
}

// Runs at PASSIVE_LEVEL on CPU 0 after initialize: starts the traffic, waits until every frame
// is accounted for (or nothing moves any more), then reads the NIC's drop counters.
void run_controller(Bench& bench) {
  auto& cpu = bench.platform.current_cpu();
  bench.initialized = bench.kernel.adapter_initialized();
  if (!bench.initialized) return;
  if (bench.config.scenario.shared_line_sharer &&
      bench.config.scenario.irq_mode == IrqMode::kIntx) {
    bench.connect_sharer();
  }
  const uint64_t start = bench.platform.nic_cycle() + 10;
  if (auto first = bench.next_rx_frame()) bench.link.send(std::move(*first), false, start);
  bench.link.set_source([&bench] { return bench.next_rx_frame(); });
  (void)bench.platform.mmio().read32(bench.design.device.id.offset);  // wakes an idle clock domain

  bench.send_chains = std::make_unique<SendChains>(bench.config.seed ^ 0x5E4Dull);
  bench.send_chains->open();
  const unsigned cpus = bench.platform.num_cpus();
  // With a mid-traffic event, this CPU runs it and CPU 1 stays free for the I/O work items the
  // driver queues meanwhile (NdisQueueIoWorkItem runs them on the next CPU, and a CPU runs its
  // passive work in turn): the others send, or this one after the event when there are none.
  const bool event = bench.config.scenario.traffic_event != TrafficEvent::kNone;
  const unsigned first_sender_cpu = event ? 2 : 1;
  const bool controller_sends = !event || cpus <= first_sender_cpu;
  const unsigned senders =
      (cpus > first_sender_cpu ? cpus - first_sender_cpu : 0) + (controller_sends ? 1 : 0);
  const unsigned index_base = controller_sends ? first_sender_cpu - 1 : first_sender_cpu;
  bench.senders_running = senders;
  for (unsigned c = first_sender_cpu; c < cpus; ++c) {
    bench.kernel.run_passive(c, "sender" + std::to_string(c), [&bench, c, index_base, senders] {
      run_sender(bench, c - index_base, senders);
    });
  }
  const bool lifecycle = bench.config.scenario.lifecycle;
  if (lifecycle) {
    query_oids(bench);
    pause_and_restart(bench);
  }
  if (event) run_traffic_event(bench);
  if (controller_sends) run_sender(bench, 0, senders);

  uint64_t last_progress = ~0ull, last_change_ns = bench.platform.now_ns();
  bool hang_checked = false;  // since the last progress
  for (;;) {
    bench.return_deferred();  // and checks the frames the link received
    bench.print_progress();
    // Frames a fault lost on the wire (sim/faults) never reach the device.
    const uint64_t wire_lost = rx_frames_lost_on_wire(bench.platform);
    const bool rx_done = bench.link.frames_sent() + wire_lost == bench.rx_total &&
                         bench.rx_board.received() + bench.rx_expected_runt +
                                 bench.rx_expected_oversize + wire_lost >=
                             bench.rx_total;
    // Frames of failed sends never reach the link: they are accounted for by their failure.
    const bool tx_done = bench.senders_running == 0 && bench.sends.outstanding_sends() == 0 &&
                         bench.tx_board.outstanding() <= bench.sends.failed_frames();
    if ((rx_done && tx_done) || bench.platform.stopped()) break;
    // Halted (or removed): nothing more is indicated; the sends all came back before the halt.
    if ((bench.halted || bench.device_gone()) && bench.senders_running == 0) break;
    const uint64_t progress = bench.progress();
    if (progress != last_progress) {
      last_progress = progress;
      last_change_ns = bench.platform.now_ns();
      hang_checked = false;
    } else if (bench.senders_running == 0 &&
               bench.link.frames_sent() + wire_lost == bench.rx_total &&
               bench.platform.now_ns() - last_change_ns > kQuietNs) {
      // NDIS calls MiniportCheckForHangEx every CheckForHangTimeInSeconds; the quiet stretch
      // stands for that period. Once per stretch: if nothing moves after it either, what is
      // missing is lost.
      if (hang_checked || bench.halted || bench.device_gone()) break;
      hang_checked = true;
      bench.kernel.run_check_for_hang();
      ++bench.lifecycle.hang_checks;
      last_change_ns = bench.platform.now_ns();
    }
    cpu.poll_for(kPollNs);
  }
  bench.return_deferred();
  bench.traffic_flowing = false;  // a reset from here on loses nothing in flight
  if (lifecycle && !bench.platform.stopped()) check_and_reset(bench);
  bench.disconnect_sharer();
  if (!bench.device_counters_read) bench.add_device_counters();
  bench.device_counters_read = true;  // the final halt's reset clears nothing counted since
  bench.traffic_done = true;
}

std::string format_sim_time(uint64_t ns) {
  if (ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  if (ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
  return std::to_string(ns) + "ns";
}

// "2 send(s) (3 frame(s))".
std::string sends_text(uint64_t sends, uint64_t frames) {
  return std::to_string(sends) + " send(s) (" + std::to_string(frames) + " frame(s))";
}

// The device's send error counters that moved, "bad_len=3, ...", or "".
std::string device_errors_text(const std::map<std::string, uint64_t>& errors) {
  std::string text;
  for (const auto& [reason, count] : errors) {
    if (count == 0) continue;
    text += (text.empty() ? "" : ", ") + reason + "=" + std::to_string(count);
  }
  return text;
}

void report_scoreboard(Bench& bench, const RunSummary& s) {
  sim::FunctionalCoverage& coverage = bench.platform.coverage();
  auto report = [&](const char* rule, uint64_t count, std::string message) {
    coverage.evaluated(rule);
    if (count == 0) return;
    Violation v;
    v.rule = rule;
    v.severity = Severity::kError;
    v.object = "scoreboard";
    v.where = "testbench/cli/run.cc (scoreboard)";
    v.message = std::move(message);
    bench.platform.report(std::move(v));
  };
  report("PACKET_LOST", s.lost,
         std::to_string(s.lost) + " frame(s) neither received nor counted as dropped");
  report("PACKET_CORRUPT", s.corrupt,
         std::to_string(s.corrupt) + " frame(s) received that match no frame sent");
  const SendLedger& sends = bench.sends;
  report("SEND_NOT_COMPLETED", sends.outstanding_sends(),
         sends_text(sends.outstanding_sends(), sends.outstanding_frames()) +
             " never completed through NdisMSendNetBufferListsComplete");
  // The testbench sends only valid frames: a failed send is a finding unless the scenario injects
  // a fault that explains it (its `expect`). One report per status, at its first failure.
  const std::string device = device_errors_text(bench.nic_send_errors);
  coverage.evaluated("SEND_FAILED");
  for (const auto& [status, failure] : sends.failures()) {
    if (bench.config.scenario.expect.send_failed(status)) continue;
    Violation v;
    v.rule = "SEND_FAILED";
    v.object = "scoreboard";
    v.where = "testbench/cli/run.cc (scoreboard)";
    v.cpu = failure.first.cpu;
    v.irql = failure.first.irql;
    v.context = failure.first.context;
    v.sim_ns = failure.first.ns;
    v.cycle = failure.first.cycle;
    v.message = sends_text(failure.sends, failure.frames) + " of valid frames completed with " +
                ndis_status_text(status) + " (the first at this time and CPU); " +
                (device.empty() ? "no send error counter of the device moved"
                                : "the device's send error counters: " + device);
    bench.platform.report(std::move(v));
  }
}

// early_interrupt: firmware left the NIC in line mode with a cause pending and unmasked (its line
// is high before the driver loads), and with INTx a second device on the shared line connects and
// asserts it just as the miniport's ISR is connected, so that ISR runs before
// NdisMRegisterInterruptEx returns. Runs first on CPU 0, before MiniportInitializeEx.
void prepare_early_interrupt(Bench& bench) {
  const sim::DeviceDescription& device = bench.design.device;
  bench.kernel.run_passive(0, "firmware", [&bench, &device] {
    auto& mmio = bench.platform.mmio();
    if (device.line_mode) mmio.write32(device.line_mode->offset, device.line_mode->mask);
    const uint32_t cause = device.vector_causes.empty() ? 1u : device.vector_causes[0];
    const uint32_t one_cause = cause & (~cause + 1);
    mmio.write32(device.mask_set, one_cause);
    if (device.cause_set) mmio.write32(*device.cause_set, one_cause);
  });
  if (bench.config.scenario.irq_mode != IrqMode::kIntx) return;
  bench.kernel.set_line_connected_hook([&bench] {
    if (bench.sharer_connected) return;
    bench.connect_sharer();
    bench.sharer_asserted = true;
    bench.platform.intc().drive_line(bench.platform.config().intx_line, "sharer", true);
  });
}

// The device description's registers that reset the device or cut off its interrupt.
std::vector<ndis::AdapterResources::InterruptCutoff> interrupt_cutoffs(
    const sim::DeviceDescription& device) {
  using Cutoff = ndis::AdapterResources::InterruptCutoff;
  std::vector<Cutoff> cutoffs;
  if (device.soft_reset)
    cutoffs.push_back(
        {device.soft_reset->offset, device.soft_reset->mask, Cutoff::Kind::kSoftReset});
  for (const auto& message : device.messages) {
    if (message.control && message.masked_mask)
      cutoffs.push_back({*message.control, message.masked_mask, Cutoff::Kind::kMessageMask});
  }
  if (device.msi_enable)
    cutoffs.push_back(
        {device.msi_enable->offset, device.msi_enable->mask, Cutoff::Kind::kMsiEnable});
  return cutoffs;
}

}  // namespace

RunSummary run_simulation(const Design& design, const RunConfig& config) {
  const Scenario& sc = config.scenario;
  if (sc.traffic_event == TrafficEvent::kReset && sc.cpus < 2)
    throw InputError("--cpus " + std::to_string(sc.cpus) + ": scenario " + sc.name +
                     " needs at least 2 CPUs (the reset's work item runs on CPU 1)");
  sim::PlatformConfig pc;
  pc.cpus = sc.cpus;
  pc.schedule.seed = config.seed;
  pc.schedule.replay = config.schedule;
  pc.schedule.record = !config.schedule_out_path.empty();
  pc.stall_check_ns = kStallCheckNs;
  pc.device = design.make_device;
  pc.faults = config.faults;
  sim::Platform platform(pc);
  ndis::declare_rule_bins(platform.coverage());  // every catalogued rule, 0 until checked
  platform.coverage().declare_unreachable(
      sim::rule_bin("UNLOAD_WITH_ADAPTER"),
      "a run never unloads the driver (MiniportDriverUnload): the NDIS lifecycle tests check it");
  // SIGINT / SIGTERM: the run stops between two slices and writes what it has.
  platform.set_stop_poll([] {
    const int signal = stop_signal();
    return signal ? "interrupted by " + stop_signal_name(signal) : std::string();
  });
  ndis::VerifierConfig verifier;
  verifier.race_check = config.race_check;
  verifier.race_suppressions = config.race_suppressions;
  ndis::Kernel kernel(platform, verifier);
  HostStats host_stats(platform, sc.irq_mode == IrqMode::kIntx);
  platform.add_observer(&host_stats);
  sim::trace::TraceSession tracing(platform, {config.waves_path, config.waves_window,
                                              config.waves_on_violation_us, config.timeline_path});

  // Hardware checks cycle by cycle; their violations join the summary like the driver's.
  // What the monitors and the NDIS layer's device probe know of the device.
  const sim::DeviceDescription& device = design.device;
  if (config.monitors) platform.nic().add_standard_monitors(device);
  // The NIC's interrupt state for the NDIS layer's INTERRUPT_LOST and ISR_CLAIMED_NOT_OURS.
  DeviceIrqProbe irq_probe(
      platform.nic().shared_interrupt_view(device),
      [&platform](uint64_t cycle) { return platform.nic().edge_time_ps(cycle) / 1000; });
  platform.nic().add_monitor(&irq_probe);
  kernel.set_device_irq_probe([&irq_probe] { return irq_probe.state(); });
  sim::LinkPartner& link = platform.nic().link();
  attach_faults(platform, device);
  Bench bench{design, config, platform, kernel, link, std::mt19937_64(config.seed)};
  declare_run_bins(platform.coverage(), design, sc);
  const uint64_t rx_count = sc.packets * sc.rx_percent / 100;
  if (!config.pcap_in.empty()) {
    try {
      bench.rx_pcap = sim::read_pcap(config.pcap_in);
    } catch (const std::exception& e) {
      throw InputError("--pcap-in " + config.pcap_in + ": " + e.what());
    }
    bench.rx_total = bench.rx_pcap.size();
  } else {
    bench.rx_stream.emplace(rx_count, sc.min_frame, sc.max_frame, config.seed, 0);
    bench.rx_total = rx_count;
  }
  bench.tx_total = sc.packets - std::min(sc.packets, rx_count);
  bench.tx_stream.emplace(bench.tx_total, sc.min_frame, sc.max_frame, config.seed, 1);
  bench.rx_limits = device.link.value_or(sim::FrameLimits{0, ~0u});
  bench.progress_lines = !config.quiet && (config.progress || isatty(STDERR_FILENO));
  bench.progress_on_terminal = isatty(STDERR_FILENO);
  bench.outstanding_per_sender.assign(sc.cpus, 0);
  link.set_gap_cycles(sc.rx_gap_cycles);
  if (!config.pcap_out.empty()) {
    try {
      link.open_pcap(config.pcap_out);
    } catch (const std::exception& e) {
      throw InputError("--pcap-out " + config.pcap_out + ": " + e.what());
    }
  }

  std::mt19937_64 return_rng(config.seed ^ 0x5EEDull);
  ndis::ProtocolHooks hooks;
  hooks.receive = [&](PNET_BUFFER_LIST nbls, ULONG, ULONG flags) {
    // Check every frame, then give the batch back at once or later (seeded), as protocols do.
    for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = nbl->Next) {
      for (const Frame& frame : frames_of(nbl)) bench.rx_board.receive(frame);
    }
    // Low on resources: the protocol has copied the data and the NBLs are the miniport's again.
    if (flags & NDIS_RECEIVE_FLAGS_RESOURCES) return;
    if (bench.return_at_once || return_rng() % 2 == 0) {
      kernel.return_net_buffer_lists(
          nbls, (flags & NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL) ? NDIS_RETURN_FLAGS_DISPATCH_LEVEL : 0);
    } else {
      for (PNET_BUFFER_LIST nbl = nbls; nbl;) {
        PNET_BUFFER_LIST next = nbl->Next;
        nbl->Next = nullptr;
        bench.deferred_returns.push_back(nbl);
        nbl = next;
      }
    }
  };
  hooks.status = [&](const NDIS_STATUS_INDICATION& indication) {
    bench.on_reset_status(indication.StatusCode);
  };
  hooks.send_complete = [&](PNET_BUFFER_LIST nbls, ULONG) {
    sim::Cpu& cpu = platform.current_cpu();
    const SendLedger::Moment at{platform.now_ns(), platform.nic_cycle(),
                                static_cast<int>(cpu.index()), static_cast<int>(cpu.irql()),
                                std::string(sim::to_string(cpu.context()))};
    for (PNET_BUFFER_LIST nbl = nbls; nbl;) {
      PNET_BUFFER_LIST next = NET_BUFFER_LIST_NEXT_NBL(nbl);
      NET_BUFFER_LIST_NEXT_NBL(nbl) = nullptr;
      // Only a send this protocol has outstanding counts (and is freed); NDIS passes up no other.
      const auto send =
          bench.sends.complete(nbl, static_cast<uint32_t>(NET_BUFFER_LIST_STATUS(nbl)), at);
      if (send) {
        if (bench.outstanding_per_sender[send->sender] > 0)
          --bench.outstanding_per_sender[send->sender];
        bench.completed_sends.push_back(nbl);
      }
      nbl = next;
    }
  };
  kernel.set_protocol(hooks);

  // The resources PnP would assign: BAR0, and messages (one per queue plus one for link and
  // errors, as many as the device has; queue q's on CPU q mod cpus, the rest on CPU 0), or the
  // shared INTx line. The mask registers come from the description.
  ndis::AdapterResources resources;
  resources.bar0_length = device.bar0_bytes;
  if (sc.irq_mode != IrqMode::kIntx) {
    const size_t messages = std::min<size_t>(sc.queues + 1, device.messages.size());
    for (unsigned m = 0; m < messages; ++m)
      resources.message_cpus.push_back(m < sc.queues ? m % sc.cpus : 0);
  }
  resources.interrupt_mask_offsets = {device.mask_set, device.mask_clear};
  resources.interrupt_mask_set = device.mask_set;
  resources.interrupt_mask_clear = device.mask_clear;
  resources.interrupt_cutoffs = interrupt_cutoffs(device);
  // The device's counters, read before every reset the driver gives it clears them (until the
  // traffic is done and they were read for good).
  resources.before_device_reset = [&bench] {
    if (!bench.device_counters_read) bench.add_device_counters();
  };
  kernel.set_resources(resources);
  // What NdisReadConfiguration answers: the queue count as the standard *NumRssQueues, the
  // scenario's keywords, the selected bug variant, then the --config file (later duplicates win).
  std::vector<std::pair<std::string, std::string>> keywords = {
      {"*NumRssQueues", std::to_string(sc.queues)}};
  keywords.insert(keywords.end(), sc.keywords.begin(), sc.keywords.end());
  if (config.driver_bug)
    keywords.emplace_back("NicsimDriverBug", std::to_string(config.driver_bug));
  keywords.insert(keywords.end(), config.keywords.begin(), config.keywords.end());
  kernel.set_keywords(std::move(keywords));

  // The loader's call: no driver object, the service key as the registry path.
  std::u16string service = u"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\";
  service.append(design.program.begin(), design.program.end());
  UNICODE_STRING registry_path{static_cast<USHORT>(service.size() * sizeof(WCHAR)),
                               static_cast<USHORT>(service.size() * sizeof(WCHAR)),
                               reinterpret_cast<PWSTR>(service.data())};
  if (const NTSTATUS status = design.driver_entry(nullptr, &registry_path); !NT_SUCCESS(status)) {
    throw std::runtime_error("DriverEntry failed with " + ndis_status_text(status));
  }

  if (sc.early_interrupt) prepare_early_interrupt(bench);
  kernel.initialize_adapter(0, 0);
  kernel.run_passive(0, "testbench", [&bench] { run_controller(bench); });
  const auto wall_start = std::chrono::steady_clock::now();
  const bool finished_in_time = platform.run_until_passive_done(config.max_sim_ns);
  if (!finished_in_time && !platform.stopped()) {
    if (kernel.initialize_status() == NDIS_STATUS_PENDING) {
      throw InputError("--max-sim-time " + format_sim_time(config.max_sim_ns) +
                       ": too small, the adapter was still initializing when it ran out");
    }
    // Out of time with traffic in flight: no halt (it would run the traffic on); what is
    // outstanding now is reported as lost or not completed.
    platform.stop("--max-sim-time " + format_sim_time(config.max_sim_ns) +
                  " reached before the traffic completed");
  }
  if (!platform.stopped() && kernel.adapter_initialized()) {
    kernel.halt_adapter(0, platform.now_ns());
    platform.run_until_passive_done(config.max_sim_ns + 5'000'000);
  }
  if (!platform.stopped() && bench.send_chains) {
    // The protocol unbinds: every send came back (completed or aborted by halt); free them all.
    kernel.run_passive(
        0, "protocol-unbind",
        [&bench] {
          bench.return_deferred();
          bench.send_chains->close();
        },
        platform.now_ns());
    platform.run_until_passive_done(config.max_sim_ns + 6'000'000);
  }
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  if (bench.progress_printed && bench.progress_on_terminal) std::fprintf(stderr, "\n");
  std::vector<std::string> output_errors;
  if (!config.pcap_out.empty()) {
    if (auto error = link.close_pcap(); !error.empty())
      output_errors.push_back("--pcap-out " + error);
  }
  bench.check_link_frames();

  RunSummary s;
  s.scenario = sc.name;
  s.seed = config.seed;
  s.cpus = sc.cpus;
  s.queues = sc.queues;
  s.irq_mode = std::string(to_string(sc.irq_mode));
  s.monitors = config.monitors;
  s.driver_bug = config.driver_bug_name;
  s.rx_sent = bench.rx_total;
  s.rx_received = bench.rx_board.received();
  s.tx_sent = bench.sends.submitted_frames();
  s.tx_received = bench.tx_board.received();
  s.tx_completed = bench.sends.completed_frames();
  s.tx_failed_sends = bench.sends.failed_sends();
  s.tx_failed = bench.sends.failed_frames();
  s.sent = s.rx_sent + s.tx_sent;
  s.received = s.rx_received + s.tx_received;
  s.rx_corrupt = bench.rx_board.corrupt();
  s.tx_corrupt = bench.tx_board.corrupt();
  s.corrupt = s.rx_corrupt + s.tx_corrupt;
  uint64_t rx_dropped = 0;
  for (const auto& [reason, count] : bench.nic_drops) {
    if (count) s.dropped[reason] = count;
    rx_dropped += count;
  }
  for (const auto& [status, failure] : bench.sends.failures()) {
    const std::string_view name = ndis_status_name(status);
    s.tx_failed_statuses[name.empty() ? ndis_status_text(status) : std::string(name)] =
        failure.frames;
    if (sc.expect.send_failed(status)) s.tx_failed_expected += failure.frames;
  }
  for (const auto& [reason, count] : bench.nic_send_errors) {
    if (count) s.tx_device_errors[reason] = count;
  }
  // What is missing and no count accounts for; every term is at most what it is taken from.
  const uint64_t rx_missing = bench.rx_board.outstanding() + bench.rx_expected_runt +
                              bench.rx_expected_oversize + (bench.rx_total - bench.rx_pulled);
  const uint64_t tx_missing = bench.tx_board.outstanding();
  // Frames of failed sends that never reached the link are not lost: their send came back failed.
  // Expected failures (a fault the scenario injects) are counted outcomes; the others are
  // SEND_FAILED findings.
  if (s.tx_failed_expected) s.dropped["send_failed"] = std::min(tx_missing, s.tx_failed_expected);
  // Losses the scenario's mid-traffic event explains: receives not indicated before a halt,
  // receives the link delivered before a reset completed and never indicated, and frames the
  // NIC transmitted into a downed link.
  uint64_t rx_excused = 0, tx_excused = 0;
  auto excuse = [&s](const std::string& reason, uint64_t count, uint64_t& total) {
    if (count == 0) return;
    s.dropped[reason] = count;
    total += count;
  };
  const uint64_t rx_missing_undropped = rx_missing - std::min(rx_missing, rx_dropped);
  if (bench.halted)
    excuse("halt", std::min(rx_missing_undropped, bench.rx_missing_at_halt), rx_excused);
  if (bench.rx_pending_at_reset_end) {
    excuse("reset",
           std::min(rx_missing_undropped,
                    bench.rx_board.still_outstanding(*bench.rx_pending_at_reset_end)),
           rx_excused);
  }
  const uint64_t tx_missing_unfailed = tx_missing - std::min(tx_missing, s.tx_failed);
  excuse("link_down", std::min(tx_missing_unfailed, link.tx_dropped_link_down()), tx_excused);
  // What the faults explain beyond those (sim/faults): lost on the wire, or with the device.
  const uint64_t rx_unexplained = rx_missing_undropped - rx_excused;
  const uint64_t tx_unexplained = tx_missing_unfailed - tx_excused;
  const FaultExcuses excuses = fault_excuses(platform, rx_unexplained, tx_unexplained);
  for (const auto& [fault, count] : excuses.by_fault) s.dropped[fault] = count;
  s.faults = fault_report(platform, bench.nic_errors);
  s.lost = (rx_unexplained - excuses.rx) + (tx_unexplained - excuses.tx);
  const int signal = platform.stopped() ? stop_signal() : 0;
  if (signal) {
    s.stop_signal = signal;
    s.stopped = stop_signal_name(signal);
  }
  if (!bench.initialized) s.stop_reason = "the adapter failed to initialize";
  if (platform.stopped()) s.stop_reason = platform.stop_reason();
  if (!bench.traffic_done && s.stop_reason.empty()) {
    s.stop_reason = "--max-sim-time reached before the traffic completed";
  }
  // An adapter that never initialized loses every frame; that is the one finding, not two. A run
  // a signal cut short has no verdict on what was still in flight.
  if (bench.initialized && !signal) report_scoreboard(bench, s);
  if (!signal) platform.coverage().evaluated("INITIALIZE_FAILED");
  if (!bench.initialized && !signal) {
    Violation v;
    v.rule = "INITIALIZE_FAILED";
    v.object = "miniport";
    v.message = "MiniportInitializeEx failed with " + ndis_status_text(kernel.initialize_status());
    platform.report(std::move(v));
  }

  for (const auto& line : tracing.finish()) {
    if (!config.quiet) std::printf("%s\n", line.c_str());
  }
  for (const auto& error : tracing.errors()) output_errors.push_back(error);
  s.output_errors = std::move(output_errors);
  host_stats.fill(s);
  s.sharer_claims = bench.sharer_claims;
  s.lifecycle = bench.lifecycle;
  s.lifecycle.isrs_before_register_returned = kernel.isrs_while_registering();
  for (const auto& lock : kernel.lock_stats()) {
    s.locks.push_back(
        {lock.name, lock.acquires, lock.contended, lock.max_hold_ns, lock.max_spin_ns});
  }
  if (const ndis::RaceChecker* race = kernel.race_checker()) {
    const auto stats = race->stats();
    s.race_check = {true, stats.accesses, stats.accesses_checked, stats.races, stats.suppressed};
  }
  count_device_causes(platform.coverage(), bench.nic_errors, bench.nic_drops,
                      bench.nic_send_errors);
  s.coverage = coverage_json(platform.coverage());
  s.violations = platform.violations().all();
  s.cycles = platform.nic_cycle();
  s.sim_ns = platform.now_ns();
  s.wall_s = wall_s;
  s.schedule_hash = platform.schedule_hash();
  s.schedule_events = platform.schedule_events();
  s.schedule_applied = platform.schedule_applied();
  // The model's points are read before the platform, and the model with it, goes away.
  if (!config.coverage_dir.empty()) {
    const std::string name = coverage_run_name(s);
    if (auto error =
            write_rtl_coverage(platform.nic().device().context(), config.coverage_dir, name);
        !error.empty())
      s.output_errors.push_back(error);
  }
  return s;
}

}  // namespace nicsim::cli
