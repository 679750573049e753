// Everything a run needs for --waves, --waves-window, --waves-on-violation and --timeline: checks
// the options, attaches the wave tracer to the NIC clock domain's edges, the host probes and the
// timeline to the platform's observers, and completes the files at the end.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nicsim::sim {
class Platform;
}

namespace nicsim::sim::trace {

class WaveTracer;
class HostProbeDriver;
class TimelineWriter;

struct TraceOptions {
  std::string waves_path;              // --waves FILE.fst|FILE.vcd ("" = no wave)
  std::string waves_window;            // --waves-window START:END ("" = whole run)
  uint64_t waves_on_violation_us = 0;  // --waves-on-violation N (0 = off)
  std::string timeline_path;           // --timeline FILE.json ("" = no timeline)
};

// Throws std::invalid_argument with a message naming the bad value (for exit code 2).
void validate(const TraceOptions& options);

class TraceSession {
 public:
  // Call after the Platform is built and before it runs. Throws std::invalid_argument for bad
  // options and std::runtime_error for files that cannot be written.
  TraceSession(Platform& platform, const TraceOptions& options);
  ~TraceSession();
  TraceSession(const TraceSession&) = delete;
  TraceSession& operator=(const TraceSession&) = delete;

  // Completes the files; returns one line per output ("wave: PATH", "timeline: PATH", or why the
  // on-violation wave was not written). A file that could not be completed is in errors().
  std::vector<std::string> finish();
  // Write errors finish() met: "--timeline PATH: write error: errno text".
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::unique_ptr<WaveTracer> waves_;
  std::unique_ptr<HostProbeDriver> probes_;
  std::unique_ptr<TimelineWriter> timeline_;
  TraceOptions options_;
  bool finished_ = false;
  std::vector<std::string> errors_;
};

// The current simulated time in picoseconds.
uint64_t sim_time_ps();

}  // namespace nicsim::sim::trace
