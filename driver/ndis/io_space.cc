// Register and I/O port access at every width (BAR0 decode to MMIO offsets).
#include "driver/ndis/io_space.h"

#include <algorithm>
#include <cstdio>
#include <string>

#include "sim/mmio.h"

namespace nicsim::ndis {
namespace {

constexpr ULONG kMasterAbort = 0xFFFFFFFFu;  // what a read of an unmapped address returns

std::string hex32(uint32_t value) {
  char text[16];
  std::snprintf(text, sizeof text, "0x%x", value);
  return text;
}

const char* cutoff_text(AdapterResources::InterruptCutoff::Kind kind) {
  using Kind = AdapterResources::InterruptCutoff::Kind;
  switch (kind) {
    case Kind::kSoftReset:
      return "the device's soft reset";
    case Kind::kMessageMask:
      return "an MSI-X vector's mask bit";
    case Kind::kMsiEnable:
      return "the MSI enable bit cleared";
  }
  return "";
}

}  // namespace

sim::MmioPort& IoSpace::mmio() {
  return mmio_override_ ? *mmio_override_ : core_.platform().mmio();
}

NDIS_STATUS IoSpace::map_io_space(PVOID* va, NDIS_PHYSICAL_ADDRESS pa, UINT length,
                                  const CallSite& at) {
  if (!va || length == 0) return NDIS_STATUS_INVALID_PARAMETER;
  if (!core_.enter_call(at)) return NDIS_STATUS_FAILURE;
  // A private window whose addresses are never dereferenced: register pointers inside it decode
  // to BAR offsets.
  Mapping mapping{std::make_unique<uint8_t[]>(length), length, static_cast<uint64_t>(pa.QuadPart)};
  *va = mapping.window.get();
  mappings_.push_back(std::move(mapping));
  return NDIS_STATUS_SUCCESS;
}

void IoSpace::unmap_io_space(PVOID va) {
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

bool IoSpace::decode_io(const volatile void* address, unsigned bytes, bool port,
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

ULONG IoSpace::read_io(const volatile void* address, unsigned bytes, bool port,
                       const CallSite& at) {
  if (!core_.enter_call(at)) return all_ones(bytes);
  const char* api = io_api(port, false, bytes);
  uint32_t offset = 0;
  if (!decode_io(address, bytes, port, offset)) {
    std::fprintf(stderr, "nicsim ndis: %s of an %s at %s\n", api,
                 port ? "unregistered port" : "unmapped address", format_where(at).c_str());
    return all_ones(bytes);
  }
  core_.evaluated("REGISTER_MISALIGNED");
  if (offset % bytes != 0) {
    const std::string object = std::string(port ? "port " : "register ") + hex16(offset);
    core_.report("REGISTER_MISALIGNED", object, at,
                 std::string(api) + " at BAR0 offset " + hex16(offset) + " is not aligned to its " +
                     std::to_string(bytes) + " bytes; not performed, read as all ones");
    return all_ones(bytes);
  }
  const ULONG value = mmio().read(offset, bytes);
  // A cause that lands while the ISR runs (after its entry) makes the interrupt the device's own:
  // the ISR that reads it may claim it. Sampled after the read, before the ISR masks it.
  if (interrupts_.has_device_probe() && core_.on_cpu()) {
    auto& scopes = core_.scopes();
    if (!scopes.empty() && scopes.back().kind == CallbackKind::kIsr &&
        interrupts_.probe_device().asserted)
      scopes.back().device_asserted = true;
  }
  return value;
}

void IoSpace::write_io(const volatile void* address, unsigned bytes, ULONG value, bool port,
                       const CallSite& at) {
  if (!core_.enter_call(at)) return;
  const char* api = io_api(port, true, bytes);
  uint32_t offset = 0;
  if (!decode_io(address, bytes, port, offset)) {
    std::fprintf(stderr, "nicsim ndis: %s to an %s at %s\n", api,
                 port ? "unregistered port" : "unmapped address", format_where(at).c_str());
    return;
  }
  core_.evaluated("REGISTER_MISALIGNED");
  if (offset % bytes != 0) {
    const std::string object = std::string(port ? "port " : "register ") + hex16(offset);
    core_.report("REGISTER_MISALIGNED", object, at,
                 std::string(api) + " at BAR0 offset " + hex16(offset) + " is not aligned to its " +
                     std::to_string(bytes) + " bytes; not performed");
    return;
  }
  const unsigned shift = 8 * (offset % 4);
  const uint32_t lanes = bytes == 4 ? ~0u : ((1u << (8 * bytes)) - 1u) << shift;
  check_control_write(offset & ~3u, lanes, static_cast<uint32_t>(value) << shift, at);
  core_.release(&kDeviceOrder);  // what the driver did before the write reaches the device
  mmio().write(offset, bytes, value);
}

NDIS_STATUS IoSpace::register_io_port_range(PVOID* port_offset, UINT initial_port, UINT count,
                                            const CallSite& at) {
  if (!port_offset) return NDIS_STATUS_FAILURE;
  if (!core_.enter_call(at)) return NDIS_STATUS_FAILURE;
  core_.evaluated("IO_PORT_RANGE_IRQL");
  if (core_.on_cpu() && core_.cpu().irql() != sim::kPassiveLevel)
    core_.report("IO_PORT_RANGE_IRQL", "NdisMRegisterIoPortRange", at,
                 "NdisMRegisterIoPortRange at IRQL " + std::to_string(core_.cpu().irql()) +
                     " (must be PASSIVE_LEVEL)");
  // The I/O space is an alias of BAR0: the range must lie inside it.
  if (count == 0 || uint64_t{initial_port} + count > resources_.bar0_length)
    return NDIS_STATUS_FAILURE;
  PortRange range{std::make_unique<uint8_t[]>(count), initial_port, count};
  *port_offset = range.window.get();
  port_ranges_.push_back(std::move(range));
  return NDIS_STATUS_SUCCESS;
}

void IoSpace::deregister_io_port_range(UINT initial_port, UINT count, PVOID port_offset,
                                       const CallSite& at) {
  if (!core_.enter_call(at)) return;
  core_.evaluated("IO_PORT_RANGE_IRQL");
  if (core_.on_cpu() && core_.cpu().irql() != sim::kPassiveLevel)
    core_.report("IO_PORT_RANGE_IRQL", "NdisMDeregisterIoPortRange", at,
                 "NdisMDeregisterIoPortRange at IRQL " + std::to_string(core_.cpu().irql()) +
                     " (must be PASSIVE_LEVEL)");
  const auto erased = std::erase_if(port_ranges_, [&](const PortRange& r) {
    return r.window.get() == port_offset && r.initial_port == initial_port && r.count == count;
  });
  if (erased == 0)
    std::fprintf(stderr,
                 "nicsim ndis: NdisMDeregisterIoPortRange of a range not registered at %s\n",
                 format_where(at).c_str());
}

void IoSpace::check_control_write(uint32_t offset, uint32_t lanes, uint32_t value,
                                  const CallSite& at) {
  const bool outside_sync =
      core_.on_cpu() && core_.cpu().irql() < sim::kFirstDeviceIrql && interrupts_.any_registered();
  // Unmasked as the driver's own writes left it; without described mask roles, assume so.
  const bool unmasked = !resources_.interrupt_mask_set || enabled_causes_ != 0;
  const std::string object = "register " + hex16(offset);
  // Any write that reaches the mask register's word (a byte of it included) changes the mask.
  if (is_mask_register(offset) && core_.on_cpu()) {
    auto& scopes = core_.scopes();
    if (!scopes.empty()) scopes.back().mask_writes++;
    core_.evaluated("MASK_OUTSIDE_SYNC");
    if (outside_sync)
      core_.report("MASK_OUTSIDE_SYNC", object, at,
                   "interrupt mask " + object + " written at IRQL " +
                       std::to_string(core_.cpu().irql()) +
                       " outside a synchronize callback while the interrupt is registered");
  }
  for (const auto& cutoff : resources_.interrupt_cutoffs) {
    using Kind = AdapterResources::InterruptCutoff::Kind;
    const uint32_t bits = cutoff.mask & lanes;
    if (cutoff.offset != offset || bits == 0) continue;
    core_.evaluated("DEVICE_RESET_WHILE_ENABLED");
    const uint32_t written = value & bits;
    if (cutoff.kind == Kind::kMsiEnable ? written == bits : written == 0) continue;
    if (outside_sync && unmasked && !in_shutdown())
      core_.report("DEVICE_RESET_WHILE_ENABLED", object, at,
                   std::string(cutoff_text(cutoff.kind)) + " (" + object + ") written at IRQL " +
                       std::to_string(core_.cpu().irql()) +
                       " outside a synchronize callback while the interrupt is registered and "
                       "causes " +
                       hex32(enabled_causes_) +
                       " are unmasked: the ISR may run against the device meanwhile");
    if (cutoff.kind != Kind::kSoftReset) continue;
    enabled_causes_ = 0;
    if (resources_.before_device_reset) resources_.before_device_reset();
  }
  if (resources_.interrupt_mask_set && offset == *resources_.interrupt_mask_set)
    enabled_causes_ |= value & lanes;
  if (resources_.interrupt_mask_clear && offset == *resources_.interrupt_mask_clear)
    enabled_causes_ &= ~(value & lanes);
}

// MiniportShutdownEx may run at any IRQL and may not synchronize: it only stops the device.
bool IoSpace::in_shutdown() {
  if (!core_.on_cpu()) return false;
  for (const auto& scope : core_.scopes())
    if (scope.name == "MiniportShutdownEx") return true;
  return false;
}

bool IoSpace::is_mask_register(uint32_t offset) const {
  const auto& described = resources_.interrupt_mask_offsets;
  return mask_offsets_.count(offset) ||
         std::find(described.begin(), described.end(), offset) != described.end();
}

void IoSpace::declare_mask_register(PULONG reg, const CallSite& at) {
  uint32_t offset = 0;
  if (!decode_io(reg, 4, false, offset)) {
    std::fprintf(stderr,
                 "nicsim ndis: NdisMDeclareInterruptMaskRegister of an unmapped address at %s\n",
                 format_where(at).c_str());
    return;
  }
  mask_offsets_.insert(offset);
  interrupts_.note_mask_register_declared();
}

}  // namespace nicsim::ndis
