// The adapter's I/O space: BAR0 mappings (NdisMMapIoSpace) and I/O port ranges, each a private
// window whose addresses decode to BAR0 offsets; register and port access at every width through
// platform.mmio() (or a test's override); the interrupt mask registers the driver declares.
#pragma once

#include <ndis.h>

#include <cstdint>
#include <memory>
#include <set>
#include <vector>

#include "driver/ndis/adapter_resources.h"
#include "driver/ndis/interrupts.h"
#include "driver/ndis/verifier_core.h"

namespace nicsim::sim {
class MmioPort;
}

namespace nicsim::ndis {

class IoSpace {
 public:
  IoSpace(VerifierCore& core, Interrupts& interrupts, const AdapterResources& resources)
      : core_(core), interrupts_(interrupts), resources_(resources) {}

  // Register access goes to platform.mmio() unless overridden (host-only tests).
  void set_mmio(sim::MmioPort* mmio) { mmio_override_ = mmio; }

  NDIS_STATUS map_io_space(PVOID* va, NDIS_PHYSICAL_ADDRESS pa, UINT length, const CallSite& at);
  void unmap_io_space(PVOID va);
  NDIS_STATUS register_io_port_range(PVOID* port_offset, UINT initial_port, UINT count,
                                     const CallSite& at);
  void deregister_io_port_range(UINT initial_port, UINT count, PVOID port_offset,
                                const CallSite& at);
  void declare_mask_register(PULONG reg, const CallSite& at);

  // Register (port == false) or I/O port access of bytes (1, 2, 4).
  ULONG read_io(const volatile void* address, unsigned bytes, bool port, const CallSite& at);
  void write_io(const volatile void* address, unsigned bytes, ULONG value, bool port,
                const CallSite& at);
  ULONG read_register(PULONG reg, const CallSite& at) { return read_io(reg, 4, false, at); }
  void write_register(PULONG reg, ULONG value, const CallSite& at) {
    write_io(reg, 4, value, false, at);
  }

  // Decodes a register or port address to its BAR0 offset; false when nothing maps it.
  bool decode_io(const volatile void* address, unsigned bytes, bool port, uint32_t& offset) const;

 private:
  struct Mapping {
    std::unique_ptr<uint8_t[]> window;  // never dereferenced: addresses inside decode to offsets
    UINT length;
    uint64_t bar;
  };
  struct PortRange {
    std::unique_ptr<uint8_t[]> window;  // never dereferenced: ports inside decode to offsets
    UINT initial_port;
    UINT count;
  };
  sim::MmioPort& mmio();
  // Declared by the driver, or described by the device (resources).
  bool is_mask_register(uint32_t offset) const;
  // MASK_OUTSIDE_SYNC and DEVICE_RESET_WHILE_ENABLED for a write of the 32-bit word at offset
  // (bits: the byte lanes written), and the enabled causes the write leaves.
  bool in_shutdown();
  void check_control_write(uint32_t offset, uint32_t bits, uint32_t word_value, const CallSite& at);

  VerifierCore& core_;
  Interrupts& interrupts_;
  const AdapterResources& resources_;
  sim::MmioPort* mmio_override_ = nullptr;
  std::vector<Mapping> mappings_;
  std::vector<PortRange> port_ranges_;
  std::set<uint32_t> mask_offsets_;
  // The causes the driver's writes to the described mask-set / mask-clear registers left
  // enabled; a soft reset clears them.
  uint32_t enabled_causes_ = 0;
};

}  // namespace nicsim::ndis
