// Register access (BAR0 decode to MMIO offsets), stalls, sleeps and events.
#include <cstdio>
#include <stdexcept>

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

template <typename Mappings>
bool decode(const Mappings& mappings, const void* reg, uint32_t& offset) {
  const auto* p = static_cast<const uint8_t*>(reg);
  for (const auto& m : mappings) {
    if (p >= m.window.get() && p + 4 <= m.window.get() + m.length) {
      offset = static_cast<uint32_t>(p - m.window.get());
      return true;
    }
  }
  return false;
}

}  // namespace

ULONG Kernel::read_register(PULONG reg, const CallSite& at) {
  if (!enter_call(at)) return kMasterAbort;
  uint32_t offset = 0;
  if (!decode(mappings_, reg, offset)) {
    std::fprintf(stderr, "nicsim ndis: NdisReadRegisterUlong of an unmapped address at %s\n",
                 format_where(at).c_str());
    return kMasterAbort;
  }
  const ULONG value = (mmio_override_ ? *mmio_override_ : platform_.mmio()).read32(offset);
  // A cause that lands while the ISR runs (after its entry) makes the interrupt the device's own:
  // the ISR that reads it may claim it. Sampled after the read, before the ISR masks it.
  if (probe_ && on_cpu()) {
    auto& scopes = cpu_state().scopes;
    if (!scopes.empty() && scopes.back().kind == CallbackKind::kIsr && probe_().asserted)
      scopes.back().device_asserted = true;
  }
  return value;
}

void Kernel::write_register(PULONG reg, ULONG value, const CallSite& at) {
  if (!enter_call(at)) return;
  uint32_t offset = 0;
  if (!decode(mappings_, reg, offset)) {
    std::fprintf(stderr, "nicsim ndis: NdisWriteRegisterUlong to an unmapped address at %s\n",
                 format_where(at).c_str());
    return;
  }
  if (mask_offsets_.count(offset) && on_cpu()) {
    auto& scopes = cpu_state().scopes;
    if (!scopes.empty()) scopes.back().mask_writes++;
    if (cpu().irql() < sim::kFirstDeviceIrql && any_interrupt_registered()) {
      char object[32];
      std::snprintf(object, sizeof object, "register 0x%04x", offset);
      report("MASK_OUTSIDE_SYNC", object, at,
             std::string("interrupt mask ") + object + " written at IRQL " +
                 std::to_string(cpu().irql()) +
                 " outside a synchronize callback while the interrupt is registered");
    }
  }
  (mmio_override_ ? *mmio_override_ : platform_.mmio()).write32(offset, value);
}

void Kernel::declare_mask_register(PULONG reg, const CallSite& at) {
  uint32_t offset = 0;
  if (!decode(mappings_, reg, offset)) {
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
