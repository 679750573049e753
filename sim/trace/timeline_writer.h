// Chrome trace-event JSON ({"traceEvents":[...]}) of the host: one track per CPU with spans for
// ISR, DPC, synchronize callbacks, passive routines, lock holds and lock spins, instant events for
// NIC interrupts and violations, and counters for IRQL and DPC queue depth. Perfetto and
// chrome://tracing open it. Timestamps are simulated microseconds.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sim/host_observer.h"
#include "sim/output_file.h"

namespace nicsim::sim::trace {

class TimelineWriter : public HostObserver {
 public:
  // Current simulated time in picoseconds (observer calls carry no time of their own).
  using Clock = std::function<uint64_t()>;

  // Track id of events that belong to no CPU (INTx raised, cycle-monitor violations).
  static constexpr int kNicTrack = 1000;

  // Opens path (under a temporary name until finish) for writing; throws std::runtime_error
  // naming the path and the errno text when it cannot.
  TimelineWriter(const std::string& path, Clock clock_ps);
  ~TimelineWriter() override;  // finish()es if not done
  TimelineWriter(const TimelineWriter&) = delete;
  TimelineWriter& operator=(const TimelineWriter&) = delete;

  void on_irql(unsigned cpu, Irql irql) override;
  void on_frame(unsigned cpu, CpuContext context, std::string_view routine, bool enter) override;
  void on_dpc_queue_depth(unsigned cpu, unsigned depth) override;
  void on_lock(unsigned cpu, LockEvent event, unsigned lock_id,
               std::string_view lock_name) override;
  void on_interrupt_raised(std::string_view source, unsigned vector, int target_cpu) override;
  void on_violation(const Violation& violation) override;

  // Closes spans still open (marked "unfinished") at the current time and completes the file.
  // Throws std::runtime_error naming the path and the errno text of a write error.
  void finish();
  uint64_t events_written() const { return events_; }

 private:
  struct OpenSpan {
    std::string name;
    std::string category;
    uint64_t start_ps;
    int track;
  };
  struct LockKey {
    unsigned cpu;
    unsigned lock_id;
    auto operator<=>(const LockKey&) const = default;
  };

  void write_event(const std::string& json_text);
  void write_span(const OpenSpan& span, uint64_t end_ps, bool unfinished);
  void name_track(int track);

  void put(std::string_view text);

  OutputFile file_;
  std::FILE* out_ = nullptr;
  std::string path_;
  std::string write_error_;
  Clock clock_ps_;
  bool finished_ = false;
  uint64_t events_ = 0;
  std::set<int> named_tracks_;
  std::map<unsigned, std::vector<OpenSpan>> frames_;  // per CPU, innermost last
  std::map<LockKey, OpenSpan> spins_;
  std::map<LockKey, OpenSpan> holds_;
  std::map<unsigned, unsigned> irql_;
};

}  // namespace nicsim::sim::trace
