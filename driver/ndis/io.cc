// Register and I/O port access at every width (BAR0 decode to MMIO offsets), stalls, sleeps and
// events.
#include <cstdio>
#include <stdexcept>
#include <string>

#include "driver/ndis/kernel.h"
#include "driver/ndis/kernel_state.h"
#include "sim/mmio.h"

namespace nicsim::ndis {
namespace {

constexpr ULONG kMasterAbort = 0xFFFFFFFFu;  // what a read of an unmapped address returns

}  // namespace

NDIS_STATUS Kernel::map_io_space(PVOID* va, NDIS_PHYSICAL_ADDRESS pa, UINT length,
                                 const CallSite& at) {
  if (!va || length == 0) return NDIS_STATUS_INVALID_PARAMETER;
  if (!enter_call(at)) return NDIS_STATUS_FAILURE;
  // A private window whose addresses are never dereferenced: register pointers inside it decode
  // to BAR offsets.
  Mapping mapping{std::make_unique<uint8_t[]>(length), length, static_cast<uint64_t>(pa.QuadPart)};
  *va = mapping.window.get();
  mappings_.push_back(std::move(mapping));
  return NDIS_STATUS_SUCCESS;
}

void Kernel::unmap_io_space(PVOID va) {
  std::erase_if(mappings_, [va](const Mapping& m) { return m.window.get() == va; });
}

namespace {

const char* io_api(bool port, bool write, unsigned bytes) {
  static const char* const kNames[2][2][3] = {
      {{"NdisReadRegisterUchar", "NdisReadRegisterUshort", "NdisReadRegisterUlong"},
       {"NdisWriteRegisterUchar", "NdisWriteRegisterUshort", "NdisWriteRegisterUlong"}},
      {{"NdisRawReadPortUchar", "NdisRawReadPortUshort", "NdisRawReadPortUlong"},
       {"NdisRawWritePortUchar", "NdisRawWritePortUshort", "NdisRawWritePortUlong"}}};
  return kNames[port][write][bytes == 1 ? 0 : bytes == 2 ? 1 : 2];
}

ULONG all_ones(unsigned bytes) { return bytes == 4 ? kMasterAbort : (1u << (8 * bytes)) - 1u; }

std::string hex16(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%04x", value);
  return text;
}

}  // namespace

bool Kernel::decode_io(const volatile void* address, unsigned bytes, bool port,
                       uint32_t& offset) const {
  const auto* p = static_cast<const uint8_t*>(const_cast<const void*>(address));
  if (port) {
    for (const auto& r : port_ranges_) {
      if (p >= r.window.get() && p + bytes <= r.window.get() + r.count) {
        offset = r.initial_port + static_cast<uint32_t>(p - r.window.get());
        return true;
      }
    }
    return false;
  }
  for (const auto& m : mappings_) {
    if (p >= m.window.get() && p + bytes <= m.window.get() + m.length) {
      offset = static_cast<uint32_t>(p - m.window.get());
      return true;
    }
  }
  return false;
}

ULONG Kernel::read_io(const volatile void* address, unsigned bytes, bool port, const CallSite& at) {
  if (!enter_call(at)) return all_ones(bytes);
  const char* api = io_api(port, false, bytes);
  uint32_t offset = 0;
  if (!decode_io(address, bytes, port, offset)) {
    std::fprintf(stderr, "nicsim ndis: %s of an %s at %s\n", api,
                 port ? "unregistered port" : "unmapped address", format_where(at).c_str());
    return all_ones(bytes);
  }
  if (offset % bytes != 0) {
    const std::string object = std::string(port ? "port " : "register ") + hex16(offset);
    report("REGISTER_MISALIGNED", object, at,
           std::string(api) + " at BAR0 offset " + hex16(offset) + " is not aligned to its " +
               std::to_string(bytes) + " bytes; not performed, read as all ones");
    return all_ones(bytes);
  }
  const ULONG value = (mmio_override_ ? *mmio_override_ : platform_.mmio()).read(offset, bytes);
  // A cause that lands while the ISR runs (after its entry) makes the interrupt the device's own:
  // the ISR that reads it may claim it. Sampled after the read, before the ISR masks it.
  if (probe_ && on_cpu()) {
    auto& scopes = cpu_state().scopes;
    if (!scopes.empty() && scopes.back().kind == CallbackKind::kIsr && probe_().asserted)
      scopes.back().device_asserted = true;
  }
  return value;
}

void Kernel::write_io(const volatile void* address, unsigned bytes, ULONG value, bool port,
                      const CallSite& at) {
  if (!enter_call(at)) return;
  const char* api = io_api(port, true, bytes);
  uint32_t offset = 0;
  if (!decode_io(address, bytes, port, offset)) {
    std::fprintf(stderr, "nicsim ndis: %s to an %s at %s\n", api,
                 port ? "unregistered port" : "unmapped address", format_where(at).c_str());
    return;
  }
  if (offset % bytes != 0) {
    const std::string object = std::string(port ? "port " : "register ") + hex16(offset);
    report("REGISTER_MISALIGNED", object, at,
           std::string(api) + " at BAR0 offset " + hex16(offset) + " is not aligned to its " +
               std::to_string(bytes) + " bytes; not performed");
    return;
  }
  // Any write that reaches the mask register's word (a byte of it included) changes the mask.
  if (mask_offsets_.count(offset & ~3u) && on_cpu()) {
    auto& scopes = cpu_state().scopes;
    if (!scopes.empty()) scopes.back().mask_writes++;
    if (cpu().irql() < sim::kFirstDeviceIrql && any_interrupt_registered()) {
      const std::string object = "register " + hex16(offset & ~3u);
      report("MASK_OUTSIDE_SYNC", object, at,
             "interrupt mask " + object + " written at IRQL " + std::to_string(cpu().irql()) +
                 " outside a synchronize callback while the interrupt is registered");
    }
  }
  (mmio_override_ ? *mmio_override_ : platform_.mmio()).write(offset, bytes, value);
}

ULONG Kernel::read_register(PULONG reg, const CallSite& at) { return read_io(reg, 4, false, at); }

void Kernel::write_register(PULONG reg, ULONG value, const CallSite& at) {
  write_io(reg, 4, value, false, at);
}

NDIS_STATUS Kernel::register_io_port_range(PVOID* port_offset, UINT initial_port, UINT count,
                                           const CallSite& at) {
  if (!port_offset) return NDIS_STATUS_FAILURE;
  if (!enter_call(at)) return NDIS_STATUS_FAILURE;
  if (on_cpu() && cpu().irql() != sim::kPassiveLevel)
    report("IO_PORT_RANGE_IRQL", "NdisMRegisterIoPortRange", at,
           "NdisMRegisterIoPortRange at IRQL " + std::to_string(cpu().irql()) +
               " (must be PASSIVE_LEVEL)");
  // The I/O space is an alias of BAR0: the range must lie inside it.
  if (count == 0 || uint64_t{initial_port} + count > resources_.bar0_length)
    return NDIS_STATUS_FAILURE;
  PortRange range{std::make_unique<uint8_t[]>(count), initial_port, count};
  *port_offset = range.window.get();
  port_ranges_.push_back(std::move(range));
  return NDIS_STATUS_SUCCESS;
}

void Kernel::deregister_io_port_range(UINT initial_port, UINT count, PVOID port_offset,
                                      const CallSite& at) {
  if (!enter_call(at)) return;
  if (on_cpu() && cpu().irql() != sim::kPassiveLevel)
    report("IO_PORT_RANGE_IRQL", "NdisMDeregisterIoPortRange", at,
           "NdisMDeregisterIoPortRange at IRQL " + std::to_string(cpu().irql()) +
               " (must be PASSIVE_LEVEL)");
  const auto erased = std::erase_if(port_ranges_, [&](const PortRange& r) {
    return r.window.get() == port_offset && r.initial_port == initial_port && r.count == count;
  });
  if (erased == 0)
    std::fprintf(stderr,
                 "nicsim ndis: NdisMDeregisterIoPortRange of a range not registered at %s\n",
                 format_where(at).c_str());
}

void Kernel::declare_mask_register(PULONG reg, const CallSite& at) {
  uint32_t offset = 0;
  if (!decode_io(reg, 4, false, offset)) {
    std::fprintf(stderr,
                 "nicsim ndis: NdisMDeclareInterruptMaskRegister of an unmapped address at %s\n",
                 format_where(at).c_str());
    return;
  }
  mask_offsets_.insert(offset);
}

void Kernel::stall(uint64_t us, const CallSite& at) {
  if (!enter_call(at)) return;
  if (us > config_.stall_limit_us)
    report("STALL_TOO_LONG", "NdisStallExecution", at,
           "NdisStallExecution(" + std::to_string(us) + " us) exceeds " +
               std::to_string(config_.stall_limit_us) + " us");
  if (!on_cpu()) return;
  // A busy wait that interrupts above the current IRQL still preempt.
  const uint64_t until = platform_.now_ns() + us * 1000;
  cpu().spin_until([&] { return platform_.stopped() || platform_.now_ns() >= until; });
}

LONGLONG Kernel::system_time(const CallSite& at) {
  constexpr LONGLONG kUnixEpochIn1601Units = 116'444'736'000'000'000;
  enter_call(at);
  return kUnixEpochIn1601Units + static_cast<LONGLONG>(platform_.now_ns() / 100);
}

void Kernel::sleep(uint64_t us, const CallSite& at) {
  if (!on_cpu()) throw std::logic_error("NdisMSleep must run on a simulated CPU thread");
  if (!enter_call(at)) return;
  if (cpu().irql() >= sim::kDispatchLevel || holds_ndis_lock()) {
    report("BLOCKING_AT_RAISED_IRQL", "NdisMSleep", at,
           "NdisMSleep at IRQL " + std::to_string(cpu().irql()) + " holding " + held_lock_names());
    stall(us, at);  // cannot block here: spin instead so the run goes on
    return;
  }
  cpu().block_for(us * 1000);
}

void Kernel::set_event(PNDIS_EVENT event, bool signaled, const CallSite& at) {
  if (!event) throw std::invalid_argument("NDIS event: null");
  if (!enter_call(at)) return;
  if (signaled) check_not_dirql("NdisSetEvent", at);
  event->Signaled = signaled ? TRUE : FALSE;
}

BOOLEAN Kernel::wait_event(PNDIS_EVENT event, UINT ms, const CallSite& at) {
  if (!event) throw std::invalid_argument("NdisWaitEvent: null event");
  if (!on_cpu()) throw std::logic_error("NdisWaitEvent must run on a simulated CPU thread");
  if (!enter_call(at)) return event->Signaled;
  const uint64_t until = ms == 0 ? UINT64_MAX : platform_.now_ns() + uint64_t{ms} * 1'000'000;
  auto done = [&] { return event->Signaled || platform_.stopped() || platform_.now_ns() >= until; };
  if (cpu().irql() >= sim::kDispatchLevel || holds_ndis_lock()) {
    report(
        "BLOCKING_AT_RAISED_IRQL", "NdisWaitEvent", at,
        "NdisWaitEvent at IRQL " + std::to_string(cpu().irql()) + " holding " + held_lock_names());
    // Spin (bounded: a wait forever at raised IRQL would hang the run) instead of blocking.
    const uint64_t cap = platform_.now_ns() + 1'000'000;
    if (!event->Signaled) cpu().spin_until([&] { return done() || platform_.now_ns() >= cap; });
    return event->Signaled;
  }
  if (!done()) cpu().block_until(done);
  return event->Signaled;
}

}  // namespace nicsim::ndis
