#include "sim/trace/trace_session.h"

#include <cmath>
#include <stdexcept>
#include <systemc>
#include <tuple>

#include "sim/nic_domain.h"
#include "sim/platform.h"
#include "sim/trace/host_probe_driver.h"
#include "sim/trace/timeline_writer.h"
#include "sim/trace/wave_tracer.h"

namespace nicsim::sim::trace {

uint64_t sim_time_ps() {
  return static_cast<uint64_t>(
      std::llround(sc_core::sc_time_stamp() / sc_core::sc_time(1, sc_core::SC_PS)));
}

TraceSession::TraceSession(Platform& platform, const TraceOptions& options) : options_(options) {
  validate(options_);
  if (!options_.waves_path.empty()) {
    WaveOptions wave{.path = options_.waves_path, .ring_us = options_.waves_on_violation_us};
    if (!options_.waves_window.empty()) {
      std::tie(wave.window_start_ps, wave.window_end_ps) = parse_window_ps(options_.waves_window);
    }
    NicDomain& nic = platform.nic();
    waves_ = std::make_unique<WaveTracer>(nic.device(), wave);
    nic.set_edge_hook(
        [tracer = waves_.get()](uint64_t, uint64_t time_ps) { tracer->on_edge(time_ps); });
    // A device without host probe inputs still gets its wave, without the host rows.
    if (auto probe_ports = nic.device().host_probes()) {
      probes_ = std::make_unique<HostProbeDriver>(*probe_ports, waves_.get(), sim_time_ps);
      platform.add_observer(probes_.get());
    }
  }
  if (!options_.timeline_path.empty()) {
    timeline_ = std::make_unique<TimelineWriter>(options_.timeline_path, sim_time_ps);
    platform.add_observer(timeline_.get());
  }
}

TraceSession::~TraceSession() {
  try {
    finish();
  } catch (const std::exception&) {  // reported by finish() callers; never throw from here
  }
}

std::vector<std::string> TraceSession::finish() {
  std::vector<std::string> lines;
  if (finished_) return lines;
  finished_ = true;
  if (waves_) {
    try {
      if (waves_->finish()) {
        lines.push_back("wave: " + waves_->written_path());
      } else {
        lines.push_back(
            "wave: none written (no error happened; --waves-on-violation keeps only "
            "the time before the first error)");
      }
    } catch (const std::exception& e) {
      errors_.push_back("--waves " + std::string(e.what()));
    }
  }
  if (timeline_) {
    try {
      timeline_->finish();
      lines.push_back("timeline: " + options_.timeline_path);
    } catch (const std::exception& e) {
      errors_.push_back("--timeline " + std::string(e.what()));
    }
  }
  return lines;
}

}  // namespace nicsim::sim::trace
