// Interrupts: registration on the interrupt controller, ISR dispatch under the interrupt lock,
// one DPC object per (message, CPU), synchronize, the miniport's enable/disable handlers,
// deregistration, and the device's interrupt probe with the liveness watchdog (INTERRUPT_LOST).
#pragma once

#include <ndis.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "driver/ndis/adapter_resources.h"
#include "driver/ndis/lock_verifier.h"
#include "driver/ndis/verifier_core.h"

namespace nicsim::ndis {

// The device's interrupt state, read through a probe the testbench registers (no NIC knowledge
// here). asserted: the device drives its interrupt now; pending: a cause is latched; masked: the
// pending cause is masked. The since fields say for how long, without a gap, one interrupt source
// (an MSI-X vector, or the line) has been owed service: a sampled "pending" alone would join
// separate, promptly served causes into one long false INTERRUPT_LOST.
struct DeviceIrqState {
  bool asserted = false;
  bool pending = false;
  bool masked = false;
  std::optional<uint64_t> unmasked_since_ns;  // a source pending and able to interrupt since
  std::optional<uint64_t> masked_since_ns;    // a source pending but masked since
};

class Interrupts {
 public:
  // is_adapter says whether a handle is the adapter the lifecycle runs. The lifecycle in turn
  // asks here whether the adapter's interrupt is still registered: the callback breaks the cycle.
  Interrupts(VerifierCore& core, LockVerifier& locks, const AdapterResources& resources,
             std::function<bool(NDIS_HANDLE)> is_adapter);
  ~Interrupts();
  Interrupts(const Interrupts&) = delete;
  Interrupts& operator=(const Interrupts&) = delete;

  NDIS_STATUS register_interrupt(NDIS_HANDLE adapter, NDIS_HANDLE context,
                                 PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS chars,
                                 PNDIS_HANDLE handle, const CallSite& at);
  void deregister_interrupt(NDIS_HANDLE handle, const CallSite& at);
  BOOLEAN synchronize(NDIS_HANDLE handle, ULONG message_id, PMINIPORT_SYNCHRONIZE_INTERRUPT fn,
                      PVOID context, const CallSite& at);
  KAFFINITY queue_dpc(NDIS_HANDLE handle, ULONG message_id, KAFFINITY mask, bool this_cpu,
                      PVOID dpc_context, const CallSite& at);

  // Testbench side: the miniport's Enable/DisableInterrupt handler at DIRQL under the lock.
  void disable_interrupt(NDIS_HANDLE interrupt, ULONG message_id);
  void enable_interrupt(NDIS_HANDLE interrupt, ULONG message_id);
  // Enables INTERRUPT_LOST (with a watchdog), ISR_CLAIMED_NOT_OURS and the device half of
  // ISR_NO_MASK / REGISTER_BEFORE_READY.
  void set_device_irq_probe(std::function<DeviceIrqState()> probe);
  bool has_device_probe() const { return static_cast<bool>(probe_); }
  DeviceIrqState probe_device() { return probe_(); }
  // INTERRUPT_LOST check now.
  void check_interrupt_liveness();

  // Testbench side: called as NdisMRegisterInterruptEx has connected a line-based ISR, before
  // it returns (another device on the shared line may assert it then).
  void set_line_connected_hook(std::function<void()> hook) { line_connected_ = std::move(hook); }
  // ISR calls while NdisMRegisterInterruptEx had not returned yet.
  uint64_t isrs_while_registering() const { return isrs_while_registering_; }

  bool any_registered() const;
  bool registered_for(NDIS_HANDLE adapter) const;
  // The driver declared an interrupt mask register (I/O space keeps which): ISR_NO_MASK can
  // check the ISR's writes even without a probe.
  void note_mask_register_declared() { mask_register_declared_ = true; }

 private:
  struct Interrupt;
  Interrupt* find_interrupt(NDIS_HANDLE handle);
  LockState& interrupt_lock(Interrupt& interrupt, ULONG message_id);
  bool dispatch_isr(Interrupt& interrupt, ULONG message_id, unsigned cpu);
  void run_dpc(Interrupt& interrupt, ULONG message_id, unsigned cpu);
  bool queue_one_dpc(Interrupt& interrupt, ULONG message_id, unsigned cpu, PVOID context);
  void run_at_dirql(Interrupt& interrupt, ULONG message_id, std::string routine, CallbackKind kind,
                    const std::function<void()>& fn);
  bool serviced_now() const;  // an ISR or DPC of a registered interrupt runs or is queued
  void start_watchdog();

  VerifierCore& core_;
  LockVerifier& locks_;
  const AdapterResources& resources_;
  std::function<bool(NDIS_HANDLE)> is_adapter_;
  std::vector<std::unique_ptr<Interrupt>> interrupts_;
  std::function<DeviceIrqState()> probe_;
  bool watchdog_started_ = false;
  uint64_t last_serviced_ns_ = 0;  // an ISR or DPC of a registered interrupt last ran
  bool irq_lost_reported_ = false;
  bool mask_register_declared_ = false;
  std::function<void()> line_connected_;
  uint64_t isrs_while_registering_ = 0;
  sim::RuleCount interrupt_lost_checks_;  // checked at every yield point: a plain count
};

}  // namespace nicsim::ndis
