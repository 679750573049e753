// Interrupts: registration on the interrupt controller, ISR dispatch under the interrupt lock,
// one DPC object per (message, CPU), synchronize, enable/disable handlers, deregistration.
#include "driver/ndis/interrupts.h"

#include <algorithm>
#include <stdexcept>
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <systemc>

#include "sim/interrupt_controller.h"

namespace nicsim::ndis {
namespace {

constexpr sim::Irql kDeviceIrql = sim::kFirstDeviceIrql + 2;

// Functional coverage of the DPCs: the path that carries work past the receive budget, and one
// message's (or the line's) DPC running on two CPUs at once.
constexpr std::string_view kBudgetCarried = "DPC carried work past its budget";
constexpr std::string_view kTwoCpus = "DPC ran on two CPUs at once";
std::string dpc_bin(bool message_based, std::string_view what) {
  return std::string("dpc/") + (message_based ? "message-based " : "line-based ") +
         std::string(what);
}
// A line high at connection reaches a CPU within this; registration waits no longer for its ISR.
constexpr uint64_t kLineDeliveryBoundNs = 20'000;

}  // namespace

struct Interrupts::Interrupt : InterruptStatus {
  struct DpcSlot {
    std::unique_ptr<sim::Dpc> dpc;  // knows whether it is queued
    PVOID context = nullptr;
  };
  unsigned id = 0;
  NDIS_HANDLE adapter = nullptr;  // the lifecycle's adapter it was registered for, or nullptr
  NDIS_HANDLE context = nullptr;
  NDIS_MINIPORT_INTERRUPT_CHARACTERISTICS chars{};
  bool message_based = false;
  bool deregistering = false;  // no new ISR or DPC; the handle stays valid for those in flight
  IO_INTERRUPT_MESSAGE_INFO info{};
  std::vector<unsigned> vectors;
  std::vector<sim::Irql> dirql;            // per message
  std::vector<LockState*> locks;           // per message (one when synchronized with all)
  std::vector<std::vector<DpcSlot>> dpcs;  // [message][cpu]
  std::vector<unsigned> dpcs_running;      // per message: its DPCs running now, on any CPU
  unsigned running = 0;                    // ISRs and DPCs running now
  uint64_t isr_calls = 0;
  ULONG message_count() const { return static_cast<ULONG>(dirql.size()); }
  // An ISR or DPC of it runs, or a DPC of it is queued.
  bool busy() const {
    if (running > 0) return true;
    for (const auto& per_cpu : dpcs)
      for (const auto& slot : per_cpu)
        if (slot.dpc->queued()) return true;
    return false;
  }
};

Interrupts::Interrupts(VerifierCore& core, LockVerifier& locks, const AdapterResources& resources,
                       std::function<bool(NDIS_HANDLE)> is_adapter)
    : core_(core),
      locks_(locks),
      resources_(resources),
      is_adapter_(std::move(is_adapter)),
      interrupt_lost_checks_("INTERRUPT_LOST", core.platform().coverage()) {
  for (bool message_based : {false, true})
    for (std::string_view what : {kBudgetCarried, kTwoCpus})
      core_.platform().coverage().declare(dpc_bin(message_based, what));
  core_.set_call_hook([this] {
    if (probe_) check_interrupt_liveness();
  });
}

Interrupts::~Interrupts() { core_.set_call_hook(nullptr); }

Interrupts::Interrupt* Interrupts::find_interrupt(NDIS_HANDLE handle) {
  for (auto& interrupt : interrupts_)
    if (interrupt.get() == handle) return interrupt.get();
  return nullptr;
}

bool Interrupts::any_registered() const {
  for (const auto& interrupt : interrupts_)
    if (interrupt->registered) return true;
  return false;
}

LockState& Interrupts::interrupt_lock(Interrupt& interrupt, ULONG message_id) {
  return *interrupt.locks[interrupt.locks.size() == 1 ? 0 : message_id];
}

NDIS_STATUS Interrupts::register_interrupt(NDIS_HANDLE adapter, NDIS_HANDLE context,
                                           PNDIS_MINIPORT_INTERRUPT_CHARACTERISTICS chars,
                                           PNDIS_HANDLE handle, const CallSite& at) {
  if (!chars || !handle) throw std::invalid_argument("NdisMRegisterInterruptEx: null argument");
  if (!core_.enter_call(at)) return NDIS_STATUS_FAILURE;
  core_.evaluated("REGISTER_IRQL");
  if (core_.on_cpu() && core_.cpu().irql() != sim::kPassiveLevel)
    core_.report("REGISTER_IRQL", "NdisMRegisterInterruptEx", at,
                 "NdisMRegisterInterruptEx at IRQL " + std::to_string(core_.cpu().irql()) +
                     " (must be PASSIVE_LEVEL)");
  // As NDIS does: message-based when the driver supports MSI and the resources hold messages.
  const auto& message_cpus = resources_.message_cpus;
  const bool message_based = chars->MsiSupported && !message_cpus.empty();
  if (message_based ? !chars->MessageInterruptHandler || !chars->MessageInterruptDpcHandler
                    : !chars->InterruptHandler || !chars->InterruptDpcHandler)
    return NDIS_STATUS_INVALID_PARAMETER;
  if (message_cpus.size() > NDIS_MAX_INTERRUPT_MESSAGES) return NDIS_STATUS_INVALID_PARAMETER;

  auto owned = std::make_unique<Interrupt>();
  Interrupt& interrupt = *owned;
  interrupt.id = static_cast<unsigned>(interrupts_.size());
  interrupt.name = "interrupt" + std::to_string(interrupt.id);
  interrupt.adapter = is_adapter_(adapter) ? adapter : nullptr;
  interrupt.context = context;
  interrupt.chars = *chars;
  interrupt.message_based = message_based;
  interrupts_.push_back(std::move(owned));

  const ULONG messages = message_based ? static_cast<ULONG>(message_cpus.size()) : 1;
  const unsigned cpus = core_.platform().num_cpus();
  interrupt.dirql.assign(messages, kDeviceIrql);
  const bool one_lock = !message_based || chars->MsiSyncWithAllMessages;
  for (ULONG m = 0; m < (one_lock ? 1 : messages); ++m)
    interrupt.locks.push_back(&locks_.new_lock(
        interrupt.name + (one_lock ? "" : "." + std::to_string(m)) + ".InterruptLock", true));
  interrupt.dpcs.resize(messages);
  interrupt.dpcs_running.assign(messages, 0);
  for (ULONG m = 0; m < messages; ++m) {
    interrupt.dpcs[m].resize(cpus);
    for (unsigned c = 0; c < cpus; ++c)
      interrupt.dpcs[m][c].dpc = std::make_unique<sim::Dpc>(
          interrupt.name + (message_based ? ".msg" + std::to_string(m) : "") + ".Dpc",
          [this, &interrupt, m, c] { run_dpc(interrupt, m, c); });
  }

  // What the driver set up before connecting the interrupt happens before its ISRs.
  for (LockState* lock : interrupt.locks) core_.release(lock);
  interrupt.registered = true;
  interrupt.registering = true;
  *handle = &interrupt;
  if (message_based) {
    interrupt.info.MessageCount = messages;
    for (ULONG m = 0; m < messages; ++m) {
      const unsigned target = message_cpus[m] % cpus;
      const unsigned vector = core_.platform().intc().allocate_vector(
          interrupt.name + ".msg" + std::to_string(m), interrupt.dirql[m],
          [this, &interrupt, m](unsigned cpu_index) {
            return dispatch_isr(interrupt, m, cpu_index);
          });
      interrupt.vectors.push_back(vector);
      auto& entry = interrupt.info.MessageInfo[m];
      entry.MessageAddress.QuadPart =
          static_cast<LONGLONG>(sim::InterruptController::msi_address(target));
      entry.MessageData = vector;
      entry.TargetProcessorSet = KAFFINITY{1} << target;
      entry.Vector = vector;
      entry.Irql = interrupt.dirql[m];
    }
    chars->InterruptType = NDIS_CONNECT_MESSAGE_BASED;
    chars->MessageInfoTable = &interrupt.info;
  } else {
    std::vector<unsigned> affinity;
    for (unsigned c = 0; c < cpus; ++c) affinity.push_back(c);
    core_.platform().intc().connect_line(
        core_.platform().config().intx_line, interrupt.name, interrupt.dirql[0], affinity,
        [this, &interrupt](unsigned cpu_index) { return dispatch_isr(interrupt, 0, cpu_index); });
    chars->InterruptType = NDIS_CONNECT_LINE_BASED;
    chars->MessageInfoTable = nullptr;
    if (line_connected_) line_connected_();
  }
  // The ISR may run before NdisMRegisterInterruptEx returns. A line already high when it is
  // connected is delivered before it returns: wait (bounded) for its first ISR call.
  if (core_.on_cpu()) {
    core_.cpu().yield(sim::Cost::kNdisCall);
    const unsigned line = core_.platform().config().intx_line;
    if (!message_based && core_.platform().intc().line_level(line)) {
      const uint64_t until = core_.platform().now_ns() + kLineDeliveryBoundNs;
      const uint64_t calls_before = interrupt.isr_calls;
      core_.cpu().block_until(
          [&] {
            return interrupt.isr_calls != calls_before || core_.platform().stopped() ||
                   core_.platform().now_ns() >= until;
          },
          100);
    }
  }
  interrupt.registering = false;
  return NDIS_STATUS_SUCCESS;
}

void Interrupts::deregister_interrupt(NDIS_HANDLE handle, const CallSite& at) {
  if (!core_.enter_call(at)) return;
  Interrupt* interrupt = find_interrupt(handle);
  core_.evaluated("REGISTER_IRQL");
  if (core_.on_cpu() && core_.cpu().irql() != sim::kPassiveLevel)
    core_.report("REGISTER_IRQL", interrupt ? interrupt->name : "NdisMDeregisterInterruptEx", at,
                 "NdisMDeregisterInterruptEx at IRQL " + std::to_string(core_.cpu().irql()) +
                     " (must be PASSIVE_LEVEL)");
  core_.evaluated("SYNC_BAD_HANDLE");
  if (!interrupt || !interrupt->registered || interrupt->deregistering) {
    core_.report("SYNC_BAD_HANDLE", "NdisMDeregisterInterruptEx", at,
                 "NdisMDeregisterInterruptEx with an interrupt handle that is not registered");
    return;
  }
  // First no new interrupts or DPCs, then wait for those in flight (they may still synchronize
  // or queue with the handle), and only then is the handle invalid.
  interrupt->deregistering = true;
  if (interrupt->message_based) {
    for (unsigned vector : interrupt->vectors) core_.platform().intc().free_vector(vector);
  } else {
    core_.platform().intc().disconnect_line(core_.platform().config().intx_line, interrupt->name);
  }
  auto drained = [interrupt] { return !interrupt->busy(); };
  if (core_.on_cpu() && core_.cpu().irql() == sim::kPassiveLevel && !drained())
    core_.cpu().block_until(drained);
  core_.acquire(interrupt);  // every ISR and DPC that ran happens before the return
  interrupt->registered = false;
  interrupt->deregistering = false;
}

bool Interrupts::dispatch_isr(Interrupt& interrupt, ULONG message_id, unsigned cpu_index) {
  if (core_.platform().stopped() || !interrupt.registered || interrupt.deregistering) return false;
  const auto at = CallSite::current();
  const DeviceIrqState device = probe_ ? probe_() : DeviceIrqState{true, true, false};
  const std::string routine = interrupt.name +
                              (interrupt.message_based ? ".msg" + std::to_string(message_id) : "") +
                              ".Isr";
  ++interrupt.isr_calls;
  if (interrupt.registering) ++isrs_while_registering_;
  core_.evaluated("REGISTER_BEFORE_READY");
  if (interrupt.registering && device.asserted)
    core_.report(
        "REGISTER_BEFORE_READY", interrupt.name, at,
        "the ISR ran before NdisMRegisterInterruptEx returned: the device was not masked when "
        "the interrupt was connected");
  interrupt.running++;
  LockState& lock = interrupt_lock(interrupt, message_id);
  BOOLEAN claimed = FALSE;
  BOOLEAN queue_default = FALSE;
  ULONG targets = 0;
  unsigned mask_writes = 0;
  bool asserted_during_isr = false;
  if (locks_.take(lock, false, at)) {
    // The device raised this interrupt after the register writes that set it going.
    core_.acquire(&kDeviceOrder);
    core_.push_scope(routine, CallbackKind::kIsr, &interrupt);
    if (interrupt.message_based)
      claimed = interrupt.chars.MessageInterruptHandler(interrupt.context, message_id,
                                                        &queue_default, &targets);
    else
      claimed = interrupt.chars.InterruptHandler(interrupt.context, &queue_default, &targets);
    mask_writes = core_.scopes().back().mask_writes;
    asserted_during_isr = core_.scopes().back().device_asserted;
    core_.pop_scope(at);
    locks_.drop_held(lock);
    locks_.give(lock, at);
  }
  core_.release(&interrupt);  // for the drain in NdisMDeregisterInterruptEx
  interrupt.running--;
  last_serviced_ns_ = core_.platform().now_ns();
  if (core_.platform().stopped()) return claimed;

  const bool wants_dpc = queue_default || targets != 0;
  if (!interrupt.message_based && claimed && probe_) core_.evaluated("ISR_CLAIMED_NOT_OURS");
  core_.evaluated("ISR_DPC_WITHOUT_CLAIM");
  if (claimed && wants_dpc && (probe_ || mask_register_declared_)) core_.evaluated("ISR_NO_MASK");
  if (!interrupt.message_based && claimed && probe_ && !device.asserted && !asserted_during_isr)
    core_.report("ISR_CLAIMED_NOT_OURS", interrupt.name, at,
                 routine + " returned TRUE although the device did not assert the line");
  if (!claimed && wants_dpc)
    core_.report("ISR_DPC_WITHOUT_CLAIM", interrupt.name, at,
                 routine + " returned FALSE but asked for a DPC");
  if (claimed && wants_dpc && (probe_ || mask_register_declared_)) {
    const bool masked = mask_writes > 0 || (probe_ && probe_().masked);
    if (!masked)
      core_.report("ISR_NO_MASK", interrupt.name, at,
                   routine + " asked for a DPC without masking the device's interrupt");
  }
  if (queue_default) queue_one_dpc(interrupt, message_id, cpu_index, nullptr);
  for (unsigned c = 0; c < core_.platform().num_cpus() && c < 32; ++c)
    if (targets & (1u << c)) queue_one_dpc(interrupt, message_id, c, nullptr);
  return claimed;
}

bool Interrupts::queue_one_dpc(Interrupt& interrupt, ULONG message_id, unsigned cpu_index,
                               PVOID context) {
  auto& slot = interrupt.dpcs[message_id][cpu_index];
  if (slot.dpc->queued()) return false;  // one DPC object per (message, CPU): coalesces
  slot.context = context;
  return core_.queue_dpc(*slot.dpc, cpu_index);
}

void Interrupts::run_dpc(Interrupt& interrupt, ULONG message_id, unsigned cpu_index) {
  auto& slot = interrupt.dpcs[message_id][cpu_index];
  if (core_.platform().stopped()) return;
  PVOID context = slot.context;
  slot.context = nullptr;
  core_.acquire(slot.dpc.get());
  interrupt.running++;
  const auto at = CallSite::current();
  // As NDIS 6.20+: a receive budget per DPC run; MoreNblsPending asks NDIS to run it again.
  NDIS_RECEIVE_THROTTLE_PARAMETERS throttle{};
  throttle.MaxNblsToIndicate = core_.config().dpc_receive_budget;
  core_.push_scope(slot.dpc->name(), CallbackKind::kDpc, &interrupt);
  if (++interrupt.dpcs_running[message_id] == 2)
    core_.platform().coverage().hit(dpc_bin(interrupt.message_based, kTwoCpus));
  if (interrupt.message_based)
    interrupt.chars.MessageInterruptDpcHandler(interrupt.context, message_id, context, &throttle,
                                               nullptr);
  else
    interrupt.chars.InterruptDpcHandler(interrupt.context, context, &throttle, nullptr);
  core_.pop_scope(at);
  core_.release(&interrupt);
  interrupt.running--;
  interrupt.dpcs_running[message_id]--;
  last_serviced_ns_ = core_.platform().now_ns();
  if (throttle.MoreNblsPending)
    core_.platform().coverage().hit(dpc_bin(interrupt.message_based, kBudgetCarried));
  if (throttle.MoreNblsPending && interrupt.registered && !interrupt.deregistering)
    queue_one_dpc(interrupt, message_id, cpu_index, context);
}

KAFFINITY Interrupts::queue_dpc(NDIS_HANDLE handle, ULONG message_id, KAFFINITY mask, bool this_cpu,
                                PVOID dpc_context, const CallSite& at) {
  if (!core_.enter_call(at)) return 0;
  Interrupt* interrupt = find_interrupt(handle);
  core_.evaluated("SYNC_BAD_HANDLE");
  if (!interrupt || !interrupt->registered || message_id >= interrupt->message_count()) {
    core_.report("SYNC_BAD_HANDLE", "NdisMQueueDpcEx", at,
                 "NdisMQueueDpcEx with an interrupt or message that is not registered");
    return 0;
  }
  if (interrupt->deregistering) return 0;  // a DPC in flight during the drain: no new ones
  // A DPC that queues its own interrupt's DPC again carries its work past its budget by hand.
  const auto& scopes = core_.scopes();
  if (!scopes.empty() && scopes.back().kind == CallbackKind::kDpc &&
      scopes.back().interrupt == interrupt)
    core_.platform().coverage().hit(dpc_bin(interrupt->message_based, kBudgetCarried));
  if (this_cpu) mask = KAFFINITY{1} << core_.cpu().index();
  KAFFINITY queued = 0;
  for (unsigned c = 0; c < core_.platform().num_cpus() && c < 64; ++c)
    if ((mask >> c) & 1u)
      if (queue_one_dpc(*interrupt, message_id, c, dpc_context)) queued |= KAFFINITY{1} << c;
  return queued;
}

void Interrupts::run_at_dirql(Interrupt& interrupt, ULONG message_id, std::string routine,
                              CallbackKind kind, const std::function<void()>& fn) {
  const auto at = CallSite::current();
  LockState& lock = interrupt_lock(interrupt, message_id);
  core_.cpu().run_frame(sim::CpuContext::kSync, routine, interrupt.dirql[message_id], [&] {
    if (!locks_.take(lock, false, at)) return;
    core_.push_scope(routine, kind, &interrupt);
    fn();
    core_.pop_scope(at);
    locks_.drop_held(lock);
    locks_.give(lock, at);
  });
}

BOOLEAN Interrupts::synchronize(NDIS_HANDLE handle, ULONG message_id,
                                PMINIPORT_SYNCHRONIZE_INTERRUPT fn, PVOID context,
                                const CallSite& at) {
  if (!core_.on_cpu()) throw std::logic_error("NdisMSynchronizeWithInterruptEx must run on a CPU");
  if (!fn) throw std::invalid_argument("NdisMSynchronizeWithInterruptEx: null function");
  if (!core_.enter_call(at)) return FALSE;
  Interrupt* interrupt = find_interrupt(handle);
  core_.evaluated("SYNC_BAD_HANDLE");
  if (!interrupt || !interrupt->registered || message_id >= interrupt->message_count()) {
    core_.report("SYNC_BAD_HANDLE", interrupt ? interrupt->name : "unknown interrupt", at,
                 std::string("NdisMSynchronizeWithInterruptEx with ") +
                     (!interrupt ? "a handle that was never registered"
                      : !interrupt->registered
                          ? "an interrupt after NdisMDeregisterInterruptEx"
                          : "MessageId " + std::to_string(message_id) + " out of range"));
    return FALSE;
  }
  const sim::CpuContext context_now = core_.cpu().context();
  core_.evaluated("SYNC_NESTED");
  if (context_now == sim::CpuContext::kIsr || context_now == sim::CpuContext::kSync) {
    core_.report("SYNC_NESTED", interrupt->name, at,
                 std::string("NdisMSynchronizeWithInterruptEx called from ") +
                     (context_now == sim::CpuContext::kIsr ? "an ISR" : "a synchronize callback"));
    return fn(context);  // already at DIRQL: run it in place rather than self-deadlock
  }
  core_.evaluated("NDIS_CALL_UNDER_LOCK");
  if (locks_.holds_ndis_lock())
    core_.report("NDIS_CALL_UNDER_LOCK", interrupt->name, at,
                 "NdisMSynchronizeWithInterruptEx while holding " + locks_.held_lock_names());
  BOOLEAN result = FALSE;
  run_at_dirql(*interrupt, message_id, interrupt->name + ".Synchronize", CallbackKind::kSync,
               [&] { result = fn(context); });
  return result;
}

void Interrupts::disable_interrupt(NDIS_HANDLE handle, ULONG message_id) {
  Interrupt* interrupt = find_interrupt(handle);
  if (!interrupt || !interrupt->registered || message_id >= interrupt->message_count())
    throw std::invalid_argument("disable_interrupt: not a registered interrupt");
  run_at_dirql(
      *interrupt, message_id, interrupt->name + ".DisableInterrupt", CallbackKind::kSync, [&] {
        if (interrupt->message_based) {
          if (interrupt->chars.DisableMessageInterruptHandler)
            interrupt->chars.DisableMessageInterruptHandler(interrupt->context, message_id);
        } else if (interrupt->chars.DisableInterruptHandler) {
          interrupt->chars.DisableInterruptHandler(interrupt->context);
        }
      });
}

void Interrupts::enable_interrupt(NDIS_HANDLE handle, ULONG message_id) {
  Interrupt* interrupt = find_interrupt(handle);
  if (!interrupt || !interrupt->registered || message_id >= interrupt->message_count())
    throw std::invalid_argument("enable_interrupt: not a registered interrupt");
  run_at_dirql(*interrupt, message_id, interrupt->name + ".EnableInterrupt", CallbackKind::kSync,
               [&] {
                 if (interrupt->message_based) {
                   if (interrupt->chars.EnableMessageInterruptHandler)
                     interrupt->chars.EnableMessageInterruptHandler(interrupt->context, message_id);
                 } else if (interrupt->chars.EnableInterruptHandler) {
                   interrupt->chars.EnableInterruptHandler(interrupt->context);
                 }
               });
}

void Interrupts::set_device_irq_probe(std::function<DeviceIrqState()> probe) {
  probe_ = std::move(probe);
  if (probe_) start_watchdog();
}

void Interrupts::start_watchdog() {
  if (watchdog_started_) return;
  watchdog_started_ = true;
  const uint64_t period_ns = std::max<uint64_t>(core_.config().interrupt_liveness_ns / 4, 1);
  // The watchdog may outlive this object: it asks the copied installed check first.
  sc_core::sc_spawn(
      [this, period_ns, installed = core_.installed(), &platform = core_.platform()] {
        bool seen_registered = false;
        while (!platform.stopped()) {
          sc_core::wait(sc_core::sc_time(static_cast<double>(period_ns), sc_core::SC_NS));
          if (!installed()) return;
          const bool registered = any_registered();
          if (seen_registered && !registered) return;  // deregistered: nothing left to watch
          seen_registered |= registered;
          check_interrupt_liveness();
        }
      },
      "ndis_interrupt_watchdog");
}

void Interrupts::check_interrupt_liveness() {
  if (!probe_ || core_.platform().stopped() || !any_registered()) {
    irq_lost_reported_ = false;
    return;
  }
  interrupt_lost_checks_.evaluated();
  const uint64_t now = core_.platform().now_ns();
  const bool serviced = serviced_now();
  if (serviced) last_serviced_ns_ = now;
  const DeviceIrqState state = probe_();
  // Unmasked: the ISR is owed, whatever runs. Masked: a DPC is owed, so the wait counts from the
  // later of the masking and the last ISR or DPC activity.
  const bool masked = !state.unmasked_since_ns.has_value();
  std::optional<uint64_t> since = state.unmasked_since_ns;
  if (masked && state.masked_since_ns && !serviced)
    since = std::max(*state.masked_since_ns, last_serviced_ns_);
  if (!since) {
    irq_lost_reported_ = false;
    return;
  }
  const uint64_t waited = now - std::min(now, *since);
  if (irq_lost_reported_ || waited <= core_.config().interrupt_liveness_ns) return;
  irq_lost_reported_ = true;
  Violation v;
  v.rule = "INTERRUPT_LOST";
  v.severity = Severity::kError;
  v.object = "device interrupt";
  v.where = "device";
  v.message = std::string("a device cause has been pending ") +
              (masked ? "and masked with no DPC queued or running"
                      : "and unmasked with no ISR serving it") +
              " for " + std::to_string(waited) + " ns (bound " +
              std::to_string(core_.config().interrupt_liveness_ns) + " ns)";
  core_.report_stamped(std::move(v));
}

bool Interrupts::serviced_now() const {
  for (const auto& interrupt : interrupts_)
    if (interrupt->registered && interrupt->busy()) return true;
  return false;
}

bool Interrupts::registered_for(NDIS_HANDLE adapter) const {
  for (const auto& interrupt : interrupts_)
    if (interrupt->registered && interrupt->adapter == adapter) return true;
  return false;
}

}  // namespace nicsim::ndis
