#include "sim/trace/timeline_writer.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace nicsim::sim::trace {
namespace {

using nlohmann::json;

// Trace-event timestamps are microseconds; keep picosecond resolution as a fraction.
double to_us(uint64_t ps) { return static_cast<double>(ps) / 1e6; }

const char* frame_label(CpuContext context) {
  switch (context) {
    case CpuContext::kIsr:
      return "ISR";
    case CpuContext::kDpc:
      return "DPC";
    case CpuContext::kSync:
      return "sync";
    case CpuContext::kPassive:
      return "passive";
    case CpuContext::kIdle:
      return "idle";
  }
  return "frame";
}

}  // namespace

TimelineWriter::TimelineWriter(const std::string& path, Clock clock_ps)
    : file_(path), path_(path), clock_ps_(std::move(clock_ps)) {
  out_ = std::fopen(file_.write_path().c_str(), "w");
  if (!out_) throw std::runtime_error(errno_message(path, "cannot write the timeline"));
  put("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
  write_event(
      json{{"ph", "M"}, {"pid", 0}, {"name", "process_name"}, {"args", {{"name", "nicsim host"}}}}
          .dump());
}

TimelineWriter::~TimelineWriter() {
  try {
    finish();
  } catch (...) {  // a destructor must not throw; finish() already reported nothing useful
  }
}

void TimelineWriter::write_event(const std::string& json_text) {
  if (finished_) return;
  if (events_ > 0) put(",\n");
  put(json_text);
  ++events_;
}

void TimelineWriter::name_track(int track) {
  if (!named_tracks_.insert(track).second) return;
  const std::string name = track == kNicTrack ? "NIC" : "CPU " + std::to_string(track);
  write_event(json{
      {"ph", "M"}, {"pid", 0}, {"tid", track}, {"name", "thread_name"}, {"args", {{"name", name}}}}
                  .dump());
  write_event(json{{"ph", "M"},
                   {"pid", 0},
                   {"tid", track},
                   {"name", "thread_sort_index"},
                   {"args", {{"sort_index", track}}}}
                  .dump());
}

void TimelineWriter::write_span(const OpenSpan& span, uint64_t end_ps, bool unfinished) {
  name_track(span.track);
  json event{{"ph", "X"},
             {"pid", 0},
             {"tid", span.track},
             {"name", span.name},
             {"cat", span.category},
             {"ts", to_us(span.start_ps)},
             {"dur", to_us(end_ps - span.start_ps)}};
  if (unfinished) event["args"] = {{"unfinished", true}};
  write_event(event.dump());
}

void TimelineWriter::on_irql(unsigned cpu, Irql irql) {
  auto [it, inserted] = irql_.try_emplace(cpu, irql);
  if (!inserted && it->second == irql) return;
  it->second = irql;
  name_track(static_cast<int>(cpu));
  write_event(json{{"ph", "C"},
                   {"pid", 0},
                   {"tid", cpu},
                   {"name", "IRQL CPU " + std::to_string(cpu)},
                   {"ts", to_us(clock_ps_())},
                   {"args", {{"irql", irql}}}}
                  .dump());
}

void TimelineWriter::on_frame(unsigned cpu, CpuContext context, std::string_view routine,
                              bool enter) {
  if (context == CpuContext::kIdle) return;
  auto& stack = frames_[cpu];
  const uint64_t now = clock_ps_();
  const std::string name = std::string(frame_label(context)) + ": " + std::string(routine);
  if (enter) {
    stack.push_back({name, frame_label(context), now, static_cast<int>(cpu)});
    return;
  }
  // Frames nest on a CPU's stack; search from the innermost in case an enter was not reported.
  for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
    if (it->name != name) continue;
    write_span(*it, now, false);
    stack.erase(std::next(it).base());
    return;
  }
}

void TimelineWriter::on_dpc_queue_depth(unsigned cpu, unsigned depth) {
  name_track(static_cast<int>(cpu));
  write_event(json{{"ph", "C"},
                   {"pid", 0},
                   {"tid", cpu},
                   {"name", "DPC queue CPU " + std::to_string(cpu)},
                   {"ts", to_us(clock_ps_())},
                   {"args", {{"depth", depth}}}}
                  .dump());
}

void TimelineWriter::on_lock(unsigned cpu, LockEvent event, unsigned lock_id,
                             std::string_view lock_name) {
  const uint64_t now = clock_ps_();
  const LockKey key{cpu, lock_id};
  const int track = static_cast<int>(cpu);
  switch (event) {
    case LockEvent::kSpinBegin:
      spins_[key] = {"spin: " + std::string(lock_name), "lock_spin", now, track};
      break;
    case LockEvent::kAcquired:
      if (auto spin = spins_.find(key); spin != spins_.end()) {
        write_span(spin->second, now, false);
        spins_.erase(spin);
      }
      holds_[key] = {"hold: " + std::string(lock_name), "lock_hold", now, track};
      break;
    case LockEvent::kReleased: {
      auto hold = holds_.find(key);
      if (hold == holds_.end()) {  // released on another CPU than the acquirer (a driver bug)
        for (hold = holds_.begin(); hold != holds_.end(); ++hold) {
          if (hold->first.lock_id == lock_id) break;
        }
      }
      if (hold != holds_.end()) {
        write_span(hold->second, now, false);
        holds_.erase(hold);
      }
      break;
    }
  }
}

void TimelineWriter::on_interrupt_raised(std::string_view source, unsigned vector, int target_cpu) {
  const int track = target_cpu >= 0 ? target_cpu : kNicTrack;
  name_track(track);
  write_event(json{{"ph", "i"},
                   {"s", "t"},
                   {"pid", 0},
                   {"tid", track},
                   {"name", "interrupt raised: " + std::string(source)},
                   {"cat", "interrupt"},
                   {"ts", to_us(clock_ps_())},
                   {"args", {{"source", source}, {"vector", vector}, {"target_cpu", target_cpu}}}}
                  .dump());
}

void TimelineWriter::on_violation(const Violation& violation) {
  const int track = violation.cpu >= 0 ? violation.cpu : kNicTrack;
  name_track(track);
  write_event(json{{"ph", "i"},
                   {"s", "g"},
                   {"pid", 0},
                   {"tid", track},
                   {"name", "violation: " + violation.rule},
                   {"cat", "violation"},
                   {"ts", to_us(violation.sim_ns * 1000)},
                   {"args",
                    {{"rule", violation.rule},
                     {"severity", violation.severity == Severity::kError ? "error" : "warning"},
                     {"cpu", violation.cpu},
                     {"irql", violation.irql},
                     {"context", violation.context},
                     {"object", violation.object},
                     {"sim_ns", violation.sim_ns},
                     {"cycle", violation.cycle},
                     {"where", violation.where},
                     {"message", violation.message}}}}
                  .dump());
}

void TimelineWriter::finish() {
  if (finished_) return;
  const uint64_t now = clock_ps_();
  for (auto& [cpu, stack] : frames_) {
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) write_span(*it, now, true);
    stack.clear();
  }
  for (auto* spans : {&spins_, &holds_}) {
    for (const auto& [key, span] : *spans) write_span(span, now, true);
    spans->clear();
  }
  put("\n]}\n");
  finished_ = true;
  if (std::fflush(out_) != 0 && write_error_.empty())
    write_error_ = errno_message(path_, "write error");
  if (std::fclose(out_) != 0 && write_error_.empty())
    write_error_ = errno_message(path_, "write error");
  out_ = nullptr;
  if (write_error_.empty()) write_error_ = file_.commit();
  file_.discard();
  if (!write_error_.empty()) throw std::runtime_error(write_error_);
}

void TimelineWriter::put(std::string_view text) {
  // The first failure's errno is the one to report (a full disk); later writes fail the same way.
  if (std::fwrite(text.data(), 1, text.size(), out_) != text.size() && write_error_.empty())
    write_error_ = errno_message(path_, "write error");
}

}  // namespace nicsim::sim::trace
