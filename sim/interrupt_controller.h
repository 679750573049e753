// Interrupt controller: MSI-X messages decoded to (vector -> CPU) and shared level INTx lines.
// x86-style message format: address = kMsiBase | (cpu << 12), data = host vector number.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sim/cpu.h"

namespace nicsim::sim {

class InterruptController {
 public:
  // Runs on the target CPU in ISR context at the vector's DIRQL. Returns true when claimed
  // (line-based: this device asserted the line).
  using Isr = std::function<bool(unsigned cpu)>;

  static constexpr uint64_t kMsiBase = 0xFEE00000;
  static constexpr uint64_t kMsiSize = 0x100000;
  static uint64_t msi_address(unsigned cpu) { return kMsiBase | (uint64_t{cpu} << 12); }

  virtual ~InterruptController() = default;

  // Message-signalled: allocate a host vector whose messages run isr at dirql on the CPU the
  // message's address names.
  virtual unsigned allocate_vector(std::string name, Irql dirql, Isr isr) = 0;
  virtual void free_vector(unsigned vector) = 0;

  // Line-based: connect an ISR to a shared level line, delivered to one CPU of affinity.
  virtual void connect_line(unsigned line, std::string name, Irql dirql,
                            std::vector<unsigned> affinity, Isr isr) = 0;
  virtual void disconnect_line(unsigned line, const std::string& name) = 0;
  // A device drives its output on the line (wired-OR with the other devices on it).
  virtual void drive_line(unsigned line, const std::string& device, bool level) = 0;
  virtual bool line_level(unsigned line) const = 0;

  // A device's write into the message window, decoded by the DMA slave (AxiMemorySlave) and
  // delivered by the clock domain at its edge's delivery time.
  virtual void on_message(uint64_t address, uint32_t data) = 0;

  // Interrupt-to-ISR latency samples, in NIC cycles.
  virtual const std::vector<uint64_t>& irq_to_isr_cycles() const = 0;
};

}  // namespace nicsim::sim
