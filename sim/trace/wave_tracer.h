// Writes the device model (its RTL, and the host probe ports when it has them) to an FST or VCD
// file on the simulated time axis: every edge, and every host state change at its own time. Modes:
// whole run; a window START:END; or a ring of the last N us written when the first error happens.
// The ring rotates FST chunk files (each a complete FST starting with a full dump) and, at the
// error, merges the last two chunks into the output, so it covers between N and 2N us. VCD output
// is traced as FST and converted when the file is finished (the model is compiled with FST tracing
// only).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/device.h"
#include "sim/trace/edge_tracer.h"

namespace nicsim::sim {
class OutputFile;
}

namespace nicsim::sim::trace {

struct WaveOptions {
  std::string path;  // *.fst or *.vcd
  uint64_t window_start_ps = 0;
  uint64_t window_end_ps = std::numeric_limits<uint64_t>::max();
  uint64_t ring_us = 0;  // > 0: keep only the last ring_us microseconds, write at the first error
};

// Parses a time such as "150us", "2.5ms", "800ns", "1200ps" or "3s" (a bare number is ns) into ps.
// Throws std::invalid_argument naming the text when it is not one.
uint64_t parse_time_ps(std::string_view text);
// Parses "START:END" (either side may be empty: from the start / to the end) into ps.
std::pair<uint64_t, uint64_t> parse_window_ps(std::string_view text);

// Throws std::invalid_argument when the path has neither .fst nor .vcd extension.
void validate_wave_path(const std::string& path);

// Must be called before the model is constructed when a wave will be written
// (TOOLCHAIN.md pitfall 4: tracing must be on before time 0).
void enable_wave_tracing();

class WaveTracer : public EdgeTracer {
 public:
  // Opens the file (or the first ring chunk); throws std::runtime_error naming it on failure.
  WaveTracer(Device& device, WaveOptions options);
  ~WaveTracer() override;
  WaveTracer(const WaveTracer&) = delete;
  WaveTracer& operator=(const WaveTracer&) = delete;

  void on_edge(uint64_t time_ps) override;
  // Host probe inputs changed at time_ps: settle the model's probe wires and dump them now.
  // Several changes in one instant are dumped 1 ps apart (Verilator ignores a repeated time).
  void on_host_change(uint64_t time_ps);
  // Runs before each edge's dump; returns true when it changed an input (a pulse ending), so the
  // model is settled again before the dump.
  void set_before_edge_dump(std::function<bool()> hook) { before_edge_dump_ = std::move(hook); }
  // The first error of the run: in ring mode, write the ring to the output and stop tracing.
  void on_first_error(uint64_t time_ps);
  // Completes the output. Returns false (and writes nothing) in ring mode when no error happened.
  bool finish();

  // Where the output went, or "" when nothing was written (ring mode without an error).
  const std::string& written_path() const { return written_path_; }
  // Ring mode: the simulated time window the written file covers.
  uint64_t ring_written_from_ps() const { return ring_from_ps_; }

 private:
  void dump(uint64_t time_ps);
  void open_chunk(uint64_t time_ps);
  void close_trace();
  bool write_ring();

  Device& device_;
  std::function<bool()> before_edge_dump_;
  WaveOptions options_;
  std::unique_ptr<VerilatedFstC> fst_;
  std::unique_ptr<OutputFile> output_;  // the whole-run output, renamed onto its name at finish
  int64_t units_per_ps_divisor_ = 1;    // ps per dump time unit
  std::string fst_path_;                // the FST being written now
  std::string chunk_paths_[2];
  int chunk_ = 0;
  bool previous_chunk_valid_ = false;
  uint64_t chunk_start_ps_ = 0;
  uint64_t previous_chunk_start_ps_ = 0;
  uint64_t last_dump_ps_ = 0;
  bool dumped_any_ = false;
  bool tracing_ = true;
  bool finished_ = false;
  std::string written_path_;
  uint64_t ring_from_ps_ = 0;
};

// Converts an FST file to VCD in-process (the FST reader Verilator ships). Throws on failure.
void fst_to_vcd(const std::string& fst_path, const std::string& vcd_path);
// Writes the FST files' contents, one after the other in time, into one FST. The files must have
// the same signals (chunks of one trace). Throws on failure.
void concatenate_fst(const std::vector<std::string>& inputs, const std::string& output);

}  // namespace nicsim::sim::trace
