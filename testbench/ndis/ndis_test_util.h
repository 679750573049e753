// Helpers for NDIS-layer rule tests: a host-only platform with a Kernel, small driver fragments
// (ISR / DPC / enable / disable as std::function), device-side interrupt stimulus, a fake register
// file, and assertions that read like the domain.
#pragma once

#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <gtest/gtest.h>
#include <ndis.h>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <systemc>
#include <vector>

#include "driver/ndis/kernel.h"
#include "sim/interrupt_controller.h"
#include "sim/mmio.h"
#include "sim/platform.h"

namespace nicsim::ndis::testing {

inline sim::PlatformConfig host_only(unsigned cpus) {
  sim::PlatformConfig config;
  config.cpus = cpus;
  config.schedule.jitter_percent = 0;
  config.schedule.priority_change_points = 0;
  return config;
}

// A register file standing in for BAR0 in host-only tests. 32-bit registers at word offsets; a
// 1- or 2-byte access reads or replaces just its byte lanes, as byte enables do. Every access is
// logged.
class FakeRegisters : public sim::MmioPort {
 public:
  struct Access {
    bool write;
    uint32_t offset;
    unsigned bytes;
    uint32_t value;
  };
  uint32_t read32(uint32_t offset) override { return read(offset, 4); }
  void write32(uint32_t offset, uint32_t value) override { write(offset, 4, value); }
  uint32_t read(uint32_t offset, unsigned bytes) override {
    accesses.push_back({false, offset, bytes, 0});
    const uint32_t word = regs[offset & ~3u];
    return bytes == 4 ? word : (word >> (8 * (offset % 4))) & ((1u << (8 * bytes)) - 1u);
  }
  void write(uint32_t offset, unsigned bytes, uint32_t value) override {
    accesses.push_back({true, offset, bytes, value});
    uint32_t& word = regs[offset & ~3u];
    const uint32_t mask = bytes == 4 ? ~0u : ((1u << (8 * bytes)) - 1u) << (8 * (offset % 4));
    word = (word & ~mask) | ((value << (8 * (offset % 4))) & mask);
    if (on_write) on_write(offset & ~3u, word);
  }
  std::map<uint32_t, uint32_t> regs;
  std::vector<Access> accesses;
  std::function<void(uint32_t, uint32_t)> on_write;
};

inline constexpr uint32_t kMaskRegister = 0x18;  // a register the fragment declares as the mask

// A miniport fragment: the handlers a test needs, as closures.
struct Fragment {
  // By default the ISR claims, masks the device and queues the DPC on its own CPU.
  std::function<BOOLEAN(PBOOLEAN queue_default, PULONG targets)> isr = [this](PBOOLEAN q, PULONG) {
    NdisWriteRegisterUlong(reg(kMaskRegister), 1);
    *q = TRUE;
    return TRUE;
  };
  std::function<void(ULONG message, PVOID dpc_context)> dpc = [](ULONG, PVOID) {};
  std::function<void()> disable = [] {};
  std::function<void()> enable = [] {};
  NDIS_HANDLE interrupt = nullptr;
  NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS chars{};
  PUCHAR bar0 = nullptr;
  PULONG reg(uint32_t offset) { return reinterpret_cast<PULONG>(bar0 + offset); }
};

inline BOOLEAN FragmentIsr(NDIS_HANDLE ctx, PBOOLEAN q, PULONG t) {
  return static_cast<Fragment*>(ctx)->isr(q, t);
}
inline BOOLEAN FragmentMessageIsr(NDIS_HANDLE ctx, ULONG, PBOOLEAN q, PULONG t) {
  return static_cast<Fragment*>(ctx)->isr(q, t);
}
inline VOID FragmentDpc(NDIS_HANDLE ctx, PVOID dpc_context, PVOID, PVOID) {
  static_cast<Fragment*>(ctx)->dpc(0, dpc_context);
}
inline VOID FragmentMessageDpc(NDIS_HANDLE ctx, ULONG message, PVOID dpc_context, PVOID, PVOID) {
  static_cast<Fragment*>(ctx)->dpc(message, dpc_context);
}
inline VOID FragmentDisable(NDIS_HANDLE ctx) { static_cast<Fragment*>(ctx)->disable(); }
inline VOID FragmentEnable(NDIS_HANDLE ctx) { static_cast<Fragment*>(ctx)->enable(); }

// One platform and kernel per test process.
struct Bench {
  explicit Bench(unsigned cpus = 2, VerifierConfig config = {})
      : platform(host_only(cpus)), kernel(platform, config) {
    kernel.set_mmio(&registers);
  }

  // Fills the fragment's characteristics: message-based with one message per entry of targets
  // (the CPU each message goes to), or line-based when targets is empty.
  void describe(Fragment& f, std::vector<ULONG> targets, bool sync_all = true) {
    auto& c = f.chars;
    c.InterruptHandler = FragmentIsr;
    c.InterruptDpcHandler = FragmentDpc;
    c.DisableInterruptHandler = FragmentDisable;
    c.EnableInterruptHandler = FragmentEnable;
    c.MessageInterruptHandler = FragmentMessageIsr;
    c.MessageInterruptDpcHandler = FragmentMessageDpc;
    c.MsiSupported = targets.empty() ? FALSE : TRUE;
    c.MsiSyncWithAllMessages = sync_all ? TRUE : FALSE;
    AdapterResources resources;
    resources.message_cpus.assign(targets.begin(), targets.end());
    kernel.set_resources(resources);
  }
  // Call on a passive thread: maps BAR0, declares the mask register, registers the interrupt.
  void connect(Fragment& f, NDIS_HANDLE adapter = nullptr) {
    PVOID va = nullptr;
    NDIS_PHYSICAL_ADDRESS bar0{};
    ASSERT_EQ(NdisMMapIoSpace(&va, this, bar0, 0x1000), NDIS_STATUS_SUCCESS);
    f.bar0 = static_cast<PUCHAR>(va);
    NicsimDeclareInterruptMaskRegister(f.reg(kMaskRegister));
    ASSERT_EQ(NdisMRegisterInterruptEx(adapter, &f, &f.chars, &f.interrupt), NDIS_STATUS_SUCCESS);
  }
  // Registers f from a passive thread on CPU 0 at time 0.
  void register_at_start(Fragment& f, std::vector<ULONG> targets, bool sync_all = true) {
    describe(f, std::move(targets), sync_all);
    kernel.run_passive(0, "register", [this, &f] { connect(f); });
  }
  // The device sends message k of f at at_ns (device side, not a CPU).
  void fire(Fragment& f, ULONG message, uint64_t at_ns) {
    sc_core::sc_spawn([this, &f, message, at_ns] {
      sc_core::wait(sc_core::sc_time(static_cast<double>(at_ns) * 1000 + 500, sc_core::SC_PS));
      const auto& entry = f.chars.MessageInfoTable->MessageInfo[message];
      platform.intc().on_message(static_cast<uint64_t>(entry.MessageAddress.QuadPart),
                                 entry.MessageData);
    });
  }
  // The device drives the INTx line at at_ns.
  void drive_line(std::string device, bool level, uint64_t at_ns) {
    sc_core::sc_spawn([this, device, level, at_ns] {
      sc_core::wait(sc_core::sc_time(static_cast<double>(at_ns) * 1000 + 500, sc_core::SC_PS));
      platform.intc().drive_line(platform.config().intx_line, device, level);
    });
  }
  void run(uint64_t ns = 500'000) { platform.run(ns); }

  sim::Platform platform;
  FakeRegisters registers;
  Kernel kernel;
};

// Runs fn inside NdisMSynchronizeWithInterruptEx (a closure instead of a C callback).
inline BOOLEAN RunClosure(NDIS_HANDLE context) {
  return (*static_cast<std::function<BOOLEAN()>*>(context))();
}
inline BOOLEAN Synchronize(NDIS_HANDLE interrupt, ULONG message, std::function<BOOLEAN()> fn,
                           std::source_location where = std::source_location::current()) {
  return NicsimNdisMSynchronizeWithInterruptEx(interrupt, message, RunClosure, &fn,
                                               where.file_name(), static_cast<int>(where.line()),
                                               where.function_name());
}

inline std::string describe(const std::vector<Violation>& all) {
  std::string text;
  for (const auto& v : all)
    text += "  " + v.rule + " cpu=" + std::to_string(v.cpu) + " irql=" + std::to_string(v.irql) +
            " ctx=" + v.context + " object=" + v.object + " at " + v.where + ": " + v.message +
            "\n";
  return text.empty() ? "  (none)\n" : text;
}

inline const Violation* find_violation(Bench& b, const std::string& rule) {
  for (const auto& v : b.platform.violations().all())
    if (v.rule == rule) return &v;
  return nullptr;
}

}  // namespace nicsim::ndis::testing

// The run reported rule at least once; yields the first record for further checks.
#define EXPECT_VIOLATION(bench, rule)                                             \
  [&]() -> const ::nicsim::Violation& {                                           \
    static const ::nicsim::Violation kNone{};                                     \
    const auto* found = ::nicsim::ndis::testing::find_violation((bench), (rule)); \
    EXPECT_NE(found, nullptr) << "expected " << (rule) << ", got:\n"              \
                              << ::nicsim::ndis::testing::describe(               \
                                     (bench).platform.violations().all());        \
    return found ? *found : kNone;                                                \
  }()

#define EXPECT_NO_VIOLATIONS(bench)                  \
  EXPECT_TRUE((bench).platform.violations().empty()) \
      << "expected no violations, got:\n"            \
      << ::nicsim::ndis::testing::describe((bench).platform.violations().all())
