// The NDIS layer bound to a simulated host: implements every call in ndis.h on a sim::Platform and
// checks it against driver/ndis/RULES.md. One Kernel per process; constructing it installs it
// as the kernel the free NDIS functions use. The Kernel is the facade over the components that do
// the work (each owns its state; the order below is the order they depend on one another) and the
// testbench-facing host API: start/halt an adapter, send, return receive buffers, the protocol
// hook, the device's interrupt probe. The miniport never sees this header.
#pragma once

#include <ndis.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "driver/ndis/adapter_resources.h"
#include "driver/ndis/config.h"
#include "driver/ndis/interrupts.h"
#include "driver/ndis/io_space.h"
#include "driver/ndis/isr_shared.h"
#include "driver/ndis/lifecycle.h"
#include "driver/ndis/lock_verifier.h"
#include "driver/ndis/memory.h"
#include "driver/ndis/net_buffers.h"
#include "driver/ndis/race_checker.h"
#include "driver/ndis/sg_dma.h"
#include "driver/ndis/spin_locks.h"
#include "driver/ndis/sync.h"
#include "driver/ndis/verifier_core.h"
#include "driver/ndis/waits.h"
#include "sim/platform.h"
#include "sim/violation.h"

namespace nicsim::ndis {

class Kernel {
 public:
  explicit Kernel(sim::Platform& platform, VerifierConfig config = {});
  ~Kernel();
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  // The installed kernel; throws std::logic_error when there is none.
  static Kernel& current();
  static Kernel* current_or_null();

  sim::Platform& platform() { return core_.platform(); }
  VerifierConfig& config() { return core_.config(); }

  // --- the components (the NDIS entry points call the one that owns each call) ---------------
  VerifierCore& core() { return core_; }
  LockVerifier& locks() { return locks_; }
  SpinLocks& spin_locks() { return spin_locks_; }
  Interrupts& interrupts() { return interrupts_; }
  IoSpace& io() { return io_; }
  IsrSharedChecker& isr_shared() { return isr_shared_; }
  DriverMemory& memory() { return memory_; }
  Waits& waits() { return waits_; }
  NetBuffers& net_buffers() { return net_buffers_; }
  SgDma& sg_dma() { return sg_dma_; }
  MiniportLifecycle& lifecycle() { return lifecycle_; }
  Configuration& configuration() { return configuration_; }
  // Ke IRQL and spin locks, RW locks, timer objects, KDPCs, work items (driver/ndis/sync.h).
  SyncServices& sync() { return sync_; }

  // --- testbench side ------------------------------------------------------------------------
  // Called as a line-based ISR is connected, before NdisMRegisterInterruptEx returns.
  void set_line_connected_hook(std::function<void()> hook) {
    interrupts_.set_line_connected_hook(std::move(hook));
  }
  uint64_t isrs_while_registering() const { return interrupts_.isrs_while_registering(); }
  // Enables INTERRUPT_LOST, ISR_CLAIMED_NOT_OURS and the device half of ISR_NO_MASK /
  // REGISTER_BEFORE_READY.
  void set_device_irq_probe(std::function<DeviceIrqState()> probe) {
    interrupts_.set_device_irq_probe(std::move(probe));
  }
  // Register access goes to platform.mmio() unless overridden (host-only tests).
  void set_mmio(sim::MmioPort* mmio) { io_.set_mmio(mmio); }
  void set_protocol(ProtocolHooks hooks) { lifecycle_.set_protocol(std::move(hooks)); }
  void set_resources(AdapterResources resources) { resources_ = std::move(resources); }
  const AdapterResources& resources() const { return resources_; }
  // The registry keywords NdisReadConfiguration answers (the run's --config file), name and
  // value as written; looked up ignoring case, a later duplicate wins.
  void set_keywords(std::vector<std::pair<std::string, std::string>> keywords) {
    configuration_.set_keywords(keywords);
  }

  // Runs fn on cpu's passive thread at at_ns as a checked miniport callback.
  void run_passive(unsigned cpu, std::string name, std::function<void()> fn, uint64_t at_ns = 0) {
    core_.run_passive(cpu, std::move(name), std::move(fn), at_ns);
  }
  // Runs fn as a checked miniport callback on the current CPU (LOCK_HELD_AT_RETURN,
  // IRQL_NOT_RESTORED). For fragments that stand in for send/return/OID/timer handlers.
  void run_callback(std::string_view name, const std::function<void()>& fn,
                    CallbackKind kind = CallbackKind::kPassive) {
    core_.run_callback(name, fn, kind);
  }

  // Adapter lifecycle over the driver registered with NdisMRegisterMiniportDriver.
  // Initialize, then restart (NDIS leaves an initialized adapter paused until MiniportRestart).
  void initialize_adapter(unsigned cpu = 0, uint64_t at_ns = 0) {
    lifecycle_.initialize_adapter(cpu, at_ns);
  }
  // Pauses a running adapter first, as NDIS does, then halts it.
  void halt_adapter(unsigned cpu = 0, uint64_t at_ns = 0) { lifecycle_.halt_adapter(cpu, at_ns); }
  bool adapter_initialized() const { return lifecycle_.adapter_initialized(); }
  NDIS_STATUS initialize_status() const { return lifecycle_.initialize_status(); }
  AdapterState adapter_state() const { return lifecycle_.adapter_state(); }
  // Lifecycle requests from "NDIS"; each runs on cpu's passive thread at at_ns.
  void pause_adapter(unsigned cpu, uint64_t at_ns = 0) { lifecycle_.pause_adapter(cpu, at_ns); }
  void restart_adapter(unsigned cpu, uint64_t at_ns = 0) { lifecycle_.restart_adapter(cpu, at_ns); }
  // At DISPATCH_LEVEL; resets on TRUE.
  void check_for_hang(unsigned cpu, uint64_t at_ns = 0) { lifecycle_.check_for_hang(cpu, at_ns); }
  void reset_adapter(unsigned cpu, uint64_t at_ns = 0) { lifecycle_.reset_adapter(cpu, at_ns); }
  void shutdown_adapter(unsigned cpu, uint64_t at_ns = 0) {
    lifecycle_.shutdown_adapter(cpu, at_ns);
  }
  void unload_driver(unsigned cpu, uint64_t at_ns = 0) { lifecycle_.unload_driver(cpu, at_ns); }
  // The platform lost the device (surprise removal): on cpu's passive thread at at_ns, NDIS calls
  // MiniportDevicePnPEventNotify(NdisDevicePnPEventSurpriseRemoved), pauses the adapter and halts
  // it (NdisHaltDeviceSurpriseRemoved). The caller makes the device read all-ones and go quiet.
  void surprise_remove(unsigned cpu = 0, uint64_t at_ns = 0) {
    lifecycle_.surprise_remove(cpu, at_ns);
  }
  // The same on the calling CPU thread at PASSIVE_LEVEL (a testbench thread acting as NDIS).
  void run_pause() { lifecycle_.run_pause(); }
  void run_restart() { lifecycle_.run_restart(); }
  void run_check_for_hang() { lifecycle_.run_check_for_hang(); }
  void run_reset() { lifecycle_.run_reset(); }
  void run_halt() { lifecycle_.run_halt(); }
  void run_surprise_removal() { lifecycle_.run_removal(true); }
  bool reset_in_progress() const { return lifecycle_.reset_in_progress(); }
  // Call on a CPU thread: MiniportOidRequest / MiniportCancelSend. A pended OID completes
  // through ProtocolHooks::oid_complete.
  NDIS_STATUS oid_request(PNDIS_OID_REQUEST request) { return lifecycle_.oid_request(request); }
  void cancel_send(PVOID cancel_id) { lifecycle_.cancel_send(cancel_id); }
  // Waits on the calling CPU thread (polling) until the adapter reaches state or time runs out.
  bool wait_for_state(AdapterState state, uint64_t timeout_ns) {
    return lifecycle_.wait_for_state(state, timeout_ns);
  }
  // Call on a CPU thread: MiniportSendNetBufferLists / MiniportReturnNetBufferLists.
  void send_net_buffer_lists(PNET_BUFFER_LIST nbls, ULONG send_flags) {
    lifecycle_.send_net_buffer_lists(nbls, send_flags);
  }
  void return_net_buffer_lists(PNET_BUFFER_LIST nbls, ULONG return_flags) {
    lifecycle_.return_net_buffer_lists(nbls, return_flags);
  }
  // Calls the miniport's Enable/DisableInterrupt handler at DIRQL under the interrupt lock.
  void disable_interrupt(NDIS_HANDLE interrupt, ULONG message_id = 0) {
    interrupts_.disable_interrupt(interrupt, message_id);
  }
  void enable_interrupt(NDIS_HANDLE interrupt, ULONG message_id = 0) {
    interrupts_.enable_interrupt(interrupt, message_id);
  }
  // INTERRUPT_LOST check now (a watchdog also runs it while a probe is set).
  void check_interrupt_liveness() { interrupts_.check_interrupt_liveness(); }

  // --- results ---------------------------------------------------------------------------
  std::vector<LockStats> lock_stats() const { return locks_.lock_stats(); }
  // The race checker, or nullptr when race checking is off.
  const RaceChecker* race_checker() const { return race_.get(); }
  nlohmann::json stats_json() const;
  const std::vector<Violation>& violations() const { return core_.platform().violations().all(); }

 private:
  AdapterResources resources_;  // before the components that keep a reference to it
  VerifierCore core_;
  LockVerifier locks_;
  SpinLocks spin_locks_;
  Interrupts interrupts_;
  IoSpace io_;
  IsrSharedChecker isr_shared_;
  DriverMemory memory_;
  Waits waits_;
  NetBuffers net_buffers_;
  SgDma sg_dma_;
  MiniportLifecycle lifecycle_;
  Configuration configuration_;
  SyncServices sync_;
  std::unique_ptr<RaceChecker> race_;  // null when race checking is off
};

}  // namespace nicsim::ndis
