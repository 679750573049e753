// The interrupt controller behind sim/interrupt_controller.h. Interrupts become pending per CPU;
// the CPU model takes the highest deliverable one at a preemption point, enters the ISR frame and
// calls dispatch(), which runs the ISR (or the shared line's chain) and re-asserts a level line
// that is still high.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sim/functional_coverage.h"
#include "sim/host_observer.h"
#include "sim/interrupt_controller.h"
#include "sim/violation.h"

namespace nicsim::sim {

// An interrupt waiting for (or in) service on one CPU.
struct PendingInterrupt {
  enum class Kind : uint8_t { kMessage, kLine };
  Kind kind = Kind::kMessage;
  unsigned source = 0;  // host vector (message) or line number
  Irql dirql = kFirstDeviceIrql;
  uint64_t raise_cycle = 0;
  uint64_t order = 0;  // raise order, for FIFO among equal DIRQLs
  std::string name;    // routine name for the ISR frame
};

class InterruptControllerImpl : public InterruptController {
 public:
  struct Hooks {
    std::function<void(unsigned cpu)> wake;  // an interrupt became pending on cpu
    std::function<uint64_t()> nic_cycle;
    std::function<void(Violation)> report;
    const std::vector<HostObserver*>* observers = nullptr;
  };

  static constexpr unsigned kFirstVector = 0x40;

  InterruptControllerImpl(unsigned cpus, Hooks hooks);

  unsigned allocate_vector(std::string name, Irql dirql, Isr isr) override;
  void free_vector(unsigned vector) override;
  void connect_line(unsigned line, std::string name, Irql dirql, std::vector<unsigned> affinity,
                    Isr isr) override;
  void disconnect_line(unsigned line, const std::string& name) override;
  void drive_line(unsigned line, const std::string& device, bool level) override;
  bool line_level(unsigned line) const override;
  void on_message(uint64_t address, uint32_t data) override;
  // Counts the checks of interrupt messages in coverage's MSI_BAD_VECTOR bin.
  void attach_coverage(FunctionalCoverage& coverage) { message_checks_.attach(coverage); }
  const std::vector<uint64_t>& irq_to_isr_cycles() const override { return latencies_; }

  // CPU side. Removes and returns the highest-DIRQL pending interrupt above irql on cpu.
  std::optional<PendingInterrupt> take_deliverable(unsigned cpu, Irql irql);
  bool has_deliverable(unsigned cpu, Irql irql) const;
  // Runs the ISR(s) for a taken interrupt on cpu (already in its ISR frame at DIRQL).
  void dispatch(const PendingInterrupt& interrupt, unsigned cpu);

  // Statistics.
  uint64_t coalesced_messages() const { return coalesced_messages_; }
  uint64_t unclaimed_line_interrupts() const { return unclaimed_; }
  uint64_t isr_calls() const { return isr_calls_; }

 private:
  struct Vector {
    std::string name;
    Irql dirql;
    Isr isr;
  };
  struct Connection {
    std::string name;
    Irql dirql;
    std::vector<unsigned> affinity;
    Isr isr;
  };
  struct Line {
    std::vector<Connection> connections;
    std::map<std::string, bool> drivers;
    enum class State : uint8_t { kIdle, kPending, kInService } state = State::kIdle;
    unsigned pending_cpu = 0;
    unsigned rotation = 0;
  };

  void make_pending(unsigned cpu, PendingInterrupt interrupt);
  void assert_line(unsigned line_number, Line& line);
  void notify_raised(std::string_view source, unsigned vector, int cpu);
  void report(std::string rule, std::string object, std::string message);

  unsigned cpus_;
  Hooks hooks_;
  std::map<unsigned, Vector> vectors_;
  unsigned next_vector_ = kFirstVector;
  std::map<unsigned, Line> lines_;
  std::vector<std::vector<PendingInterrupt>> pending_;  // per CPU
  uint64_t next_order_ = 0;
  std::vector<uint64_t> latencies_;
  uint64_t coalesced_messages_ = 0;
  uint64_t unclaimed_ = 0;
  uint64_t isr_calls_ = 0;
  RuleCount message_checks_{"MSI_BAD_VECTOR"};
};

}  // namespace nicsim::sim
