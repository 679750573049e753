#include "sim/trace/host_probe_driver.h"

#include <algorithm>
#include <span>

#include "sim/trace/wave_tracer.h"

namespace nicsim::sim::trace {
namespace {

enum Field : unsigned { kIrql, kContext, kLockHeld, kLockSpin, kDpcDepth };

// Writes value into bits [lsb, lsb + width) of a wide port; bits past its width are dropped.
void set_bits(std::span<uint32_t> wide, unsigned lsb, unsigned width, unsigned value) {
  for (unsigned bit = 0; bit < width; ++bit) {
    const unsigned position = lsb + bit;
    if (position / 32 >= wide.size()) return;
    const uint32_t mask = 1u << (position % 32);
    if ((value >> bit) & 1u) {
      wide[position / 32] |= mask;
    } else {
      wide[position / 32] &= ~mask;
    }
  }
}

unsigned get_bits(std::span<const uint32_t> wide, unsigned lsb, unsigned width) {
  unsigned value = 0;
  for (unsigned bit = 0; bit < width; ++bit) {
    const unsigned position = lsb + bit;
    if (position / 32 >= wide.size()) break;
    value |= ((wide[position / 32] >> (position % 32)) & 1u) << bit;
  }
  return value;
}

// Probe fields are 8 bits wide; saturate rather than wrap so a large value never reads as small.
unsigned saturate8(unsigned value) { return std::min(value, 255u); }

}  // namespace

HostProbeDriver::HostProbeDriver(HostProbePorts ports, WaveTracer* tracer, Clock clock_ps)
    : ports_(ports),
      tracer_(tracer),
      clock_ps_(std::move(clock_ps)),
      frames_(kMaxCpus),
      held_(kMaxCpus) {
  if (tracer_) tracer_->set_before_edge_dump([this] { return end_violation_pulse(); });
}

void HostProbeDriver::changed() {
  if (tracer_) tracer_->on_host_change(clock_ps_());
}

void HostProbeDriver::set_cpu_field(unsigned cpu, unsigned field, unsigned value) {
  switch (field) {
    case kIrql:
      set_bits(ports_.cpu_irql, cpu * 8, 8, saturate8(value));
      break;
    case kContext:
      set_bits(ports_.cpu_context, cpu * 3, 3, value);
      break;
    case kLockHeld:
      set_bits(ports_.cpu_lock_held, cpu * 8, 8, saturate8(value));
      break;
    case kLockSpin:
      set_bits(ports_.cpu_lock_spin, cpu * 8, 8, saturate8(value));
      break;
    case kDpcDepth:
      set_bits(ports_.cpu_dpc_depth, cpu * 8, 8, saturate8(value));
      break;
  }
}

void HostProbeDriver::on_irql(unsigned cpu, Irql irql) {
  if (cpu >= kMaxCpus) return;
  set_cpu_field(cpu, kIrql, irql);
  changed();
}

void HostProbeDriver::on_frame(unsigned cpu, CpuContext context, std::string_view /*routine*/,
                               bool enter) {
  if (cpu >= kMaxCpus) return;
  auto& stack = frames_[cpu];
  if (enter) {
    stack.push_back(context);
  } else if (auto it = std::find(stack.rbegin(), stack.rend(), context); it != stack.rend()) {
    stack.erase(std::next(it).base());
  }
  set_cpu_field(cpu, kContext, static_cast<unsigned>(this->context(cpu)));
  changed();
}

void HostProbeDriver::on_dpc_queue_depth(unsigned cpu, unsigned depth) {
  if (cpu >= kMaxCpus) return;
  set_cpu_field(cpu, kDpcDepth, depth);
  changed();
}

void HostProbeDriver::on_lock(unsigned cpu, LockEvent event, unsigned lock_id,
                              std::string_view /*lock_name*/) {
  if (cpu >= kMaxCpus) return;
  auto& held = held_[cpu];
  switch (event) {
    case LockEvent::kSpinBegin:
      set_cpu_field(cpu, kLockSpin, lock_id + 1);
      break;
    case LockEvent::kAcquired:
      set_cpu_field(cpu, kLockSpin, 0);
      held.push_back(lock_id);
      if (lock_id < kMaxLocks) set_bits(ports_.lock_owner, lock_id * 8, 8, cpu + 1);
      break;
    case LockEvent::kReleased:
      if (auto it = std::find(held.rbegin(), held.rend(), lock_id); it != held.rend()) {
        held.erase(std::next(it).base());
      }
      if (lock_id < kMaxLocks) set_bits(ports_.lock_owner, lock_id * 8, 8, 0);
      break;
  }
  set_cpu_field(cpu, kLockHeld, held.empty() ? 0 : held.back() + 1);
  changed();
}

void HostProbeDriver::on_violation(const Violation& violation) {
  *ports_.violation = 1;
  changed();
  if (violation.severity == Severity::kError && !errored_) {
    errored_ = true;
    if (tracer_) tracer_->on_first_error(clock_ps_());
  }
}

bool HostProbeDriver::end_violation_pulse() {
  if (!*ports_.violation) return false;
  *ports_.violation = 0;
  return true;
}

CpuContext HostProbeDriver::context(unsigned cpu) const {
  if (cpu >= kMaxCpus || frames_[cpu].empty()) return CpuContext::kIdle;
  return frames_[cpu].back();
}

unsigned HostProbeDriver::lock_held(unsigned cpu) const {
  return cpu < kMaxCpus ? get_bits(ports_.cpu_lock_held, cpu * 8, 8) : 0;
}

unsigned HostProbeDriver::lock_owner(unsigned lock_id) const {
  return lock_id < kMaxLocks ? get_bits(ports_.lock_owner, lock_id * 8, 8) : 0;
}

}  // namespace nicsim::sim::trace
