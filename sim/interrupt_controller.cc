#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "sim/interrupt_controller_impl.h"

namespace nicsim::sim {
InterruptControllerImpl::InterruptControllerImpl(unsigned cpus, Hooks hooks)
    : cpus_(cpus), hooks_(std::move(hooks)), pending_(cpus) {}

unsigned InterruptControllerImpl::allocate_vector(std::string name, Irql dirql, Isr isr) {
  if (dirql < kFirstDeviceIrql) {
    throw std::invalid_argument("allocate_vector(" + name + "): DIRQL " + std::to_string(dirql) +
                                " is not above DISPATCH_LEVEL");
  }
  if (next_vector_ > 0xFF) throw std::runtime_error("allocate_vector: no free host vector");
  const unsigned vector = next_vector_++;
  vectors_[vector] = Vector{std::move(name), dirql, std::move(isr)};
  return vector;
}

void InterruptControllerImpl::free_vector(unsigned vector) {
  vectors_.erase(vector);
  for (auto& queue : pending_) {
    std::erase_if(queue, [&](const PendingInterrupt& p) {
      return p.kind == PendingInterrupt::Kind::kMessage && p.source == vector;
    });
  }
}

void InterruptControllerImpl::connect_line(unsigned line, std::string name, Irql dirql,
                                           std::vector<unsigned> affinity, Isr isr) {
  if (dirql < kFirstDeviceIrql) {
    throw std::invalid_argument("connect_line(" + name + "): DIRQL " + std::to_string(dirql) +
                                " is not above DISPATCH_LEVEL");
  }
  std::erase_if(affinity, [&](unsigned cpu) { return cpu >= cpus_; });
  if (affinity.empty()) {
    for (unsigned cpu = 0; cpu < cpus_; ++cpu) affinity.push_back(cpu);
  }
  Line& state = lines_[line];
  state.connections.push_back(
      Connection{std::move(name), dirql, std::move(affinity), std::move(isr)});
  // Connecting to a line that is already high delivers it, as a level interrupt would.
  if (line_level(line) && state.state == Line::State::kIdle) assert_line(line, state);
}

void InterruptControllerImpl::disconnect_line(unsigned line, const std::string& name) {
  auto it = lines_.find(line);
  if (it == lines_.end()) return;
  std::erase_if(it->second.connections, [&](const Connection& c) { return c.name == name; });
}

bool InterruptControllerImpl::line_level(unsigned line) const {
  auto it = lines_.find(line);
  if (it == lines_.end()) return false;
  return std::any_of(it->second.drivers.begin(), it->second.drivers.end(),
                     [](const auto& driver) { return driver.second; });
}

void InterruptControllerImpl::drive_line(unsigned line, const std::string& device, bool level) {
  const bool was_high = line_level(line);
  Line& state = lines_[line];
  state.drivers[device] = level;
  const bool high = line_level(line);
  if (high && !was_high) {
    if (state.state == Line::State::kIdle) assert_line(line, state);
  } else if (!high && was_high && state.state == Line::State::kPending) {
    // A level interrupt that drops before delivery is gone (no spurious ISR call).
    std::erase_if(pending_[state.pending_cpu], [&](const PendingInterrupt& p) {
      return p.kind == PendingInterrupt::Kind::kLine && p.source == line;
    });
    state.state = Line::State::kIdle;
  }
}

void InterruptControllerImpl::assert_line(unsigned line_number, Line& line) {
  if (line.connections.empty()) return;  // nobody connected: the level is just ignored
  const auto& affinity = line.connections.front().affinity;
  const unsigned cpu = affinity[line.rotation++ % affinity.size()];
  Irql dirql = kFirstDeviceIrql;
  for (const auto& connection : line.connections) dirql = std::max(dirql, connection.dirql);
  line.state = Line::State::kPending;
  line.pending_cpu = cpu;
  notify_raised("intx" + std::to_string(line_number), line_number, static_cast<int>(cpu));
  PendingInterrupt interrupt;
  interrupt.kind = PendingInterrupt::Kind::kLine;
  interrupt.source = line_number;
  interrupt.dirql = dirql;
  interrupt.name = "intx" + std::to_string(line_number);
  make_pending(cpu, std::move(interrupt));
}

void InterruptControllerImpl::on_message(uint64_t address, uint32_t data) {
  message_checks_.evaluated();
  if (address < kMsiBase || address - kMsiBase >= kMsiSize) {
    report("MSI_BAD_VECTOR", hex(address),
           "interrupt message to " + hex(address) + " outside the MSI window");
    return;
  }
  const unsigned cpu = (address >> 12) & 0xFF;
  const unsigned vector = data;
  auto it = vectors_.find(vector);
  if (it == vectors_.end() || cpu >= cpus_) {
    report("MSI_BAD_VECTOR", "vector " + std::to_string(vector),
           "interrupt message " + hex(data) + " to " + hex(address) + ": " +
               (it == vectors_.end() ? "no such vector"
                                     : "CPU " + std::to_string(cpu) + " does not exist"));
    return;
  }
  notify_raised(it->second.name, vector, static_cast<int>(cpu));
  auto& queue = pending_[cpu];
  const bool already = std::any_of(queue.begin(), queue.end(), [&](const PendingInterrupt& p) {
    return p.kind == PendingInterrupt::Kind::kMessage && p.source == vector;
  });
  if (already) {
    ++coalesced_messages_;  // edge-triggered: one pending bit per (vector, CPU)
    return;
  }
  PendingInterrupt interrupt;
  interrupt.kind = PendingInterrupt::Kind::kMessage;
  interrupt.source = vector;
  interrupt.dirql = it->second.dirql;
  interrupt.name = it->second.name;
  make_pending(cpu, std::move(interrupt));
}

void InterruptControllerImpl::make_pending(unsigned cpu, PendingInterrupt interrupt) {
  interrupt.raise_cycle = hooks_.nic_cycle ? hooks_.nic_cycle() : 0;
  interrupt.order = next_order_++;
  pending_[cpu].push_back(std::move(interrupt));
  if (hooks_.wake) hooks_.wake(cpu);
}

bool InterruptControllerImpl::has_deliverable(unsigned cpu, Irql irql) const {
  const auto& queue = pending_[cpu];
  return std::any_of(queue.begin(), queue.end(),
                     [&](const PendingInterrupt& p) { return p.dirql > irql; });
}

std::optional<PendingInterrupt> InterruptControllerImpl::take_deliverable(unsigned cpu, Irql irql) {
  auto& queue = pending_[cpu];
  auto best = queue.end();
  for (auto it = queue.begin(); it != queue.end(); ++it) {
    if (it->dirql <= irql) continue;
    if (best == queue.end() || it->dirql > best->dirql ||
        (it->dirql == best->dirql && it->order < best->order)) {
      best = it;
    }
  }
  if (best == queue.end()) return std::nullopt;
  PendingInterrupt taken = std::move(*best);
  queue.erase(best);
  if (taken.kind == PendingInterrupt::Kind::kLine) {
    lines_[taken.source].state = Line::State::kInService;
  }
  return taken;
}

void InterruptControllerImpl::dispatch(const PendingInterrupt& interrupt, unsigned cpu) {
  const uint64_t now = hooks_.nic_cycle ? hooks_.nic_cycle() : 0;
  latencies_.push_back(now >= interrupt.raise_cycle ? now - interrupt.raise_cycle : 0);
  if (interrupt.kind == PendingInterrupt::Kind::kMessage) {
    auto it = vectors_.find(interrupt.source);
    if (it == vectors_.end()) return;  // freed while pending
    const Isr isr = it->second.isr;    // a copy: the ISR may free its own vector
    ++isr_calls_;
    isr(cpu);
    return;
  }
  // Shared line: ISRs in connect order until one claims. Copy, as an ISR may disconnect.
  const std::vector<Connection> chain = lines_[interrupt.source].connections;
  bool claimed = false;
  for (const auto& connection : chain) {
    ++isr_calls_;
    if (connection.isr(cpu)) {
      claimed = true;
      break;
    }
  }
  if (!claimed) ++unclaimed_;
  Line& line = lines_[interrupt.source];
  line.state = Line::State::kIdle;
  // Still asserted after the chain returns: deliver again (an interrupt storm if nobody clears it).
  if (line_level(interrupt.source)) assert_line(interrupt.source, line);
}

void InterruptControllerImpl::notify_raised(std::string_view source, unsigned vector, int cpu) {
  if (!hooks_.observers) return;
  for (HostObserver* observer : *hooks_.observers)
    observer->on_interrupt_raised(source, vector, cpu);
}

void InterruptControllerImpl::report(std::string rule, std::string object, std::string message) {
  if (!hooks_.report) return;
  Violation violation;
  violation.rule = std::move(rule);
  violation.severity = Severity::kError;
  violation.object = std::move(object);
  violation.where = "interrupt_controller";
  violation.message = std::move(message);
  hooks_.report(std::move(violation));
}

}  // namespace nicsim::sim
