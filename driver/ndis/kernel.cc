// Kernel core: installation, violation records, callback scopes, statistics, liveness watchdog.
#include "driver/ndis/kernel.h"

#include <algorithm>
#include <stdexcept>
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <systemc>

#include "driver/ndis/kernel_state.h"

namespace nicsim::ndis {
namespace {

Kernel* g_current = nullptr;

// Severity per rule ID, from NDIS_RULES.md (E unless listed here).
constexpr std::string_view kWarnings[] = {"NDIS_CALL_UNDER_LOCK",  "LOCK_HOLD_TOO_LONG",
                                          "ISR_TOO_LONG",          "DPC_TOO_LONG",
                                          "ISR_DPC_WITHOUT_CLAIM", "ISR_NO_MASK"};

}  // namespace

std::string format_where(const CallSite& at) {
  std::string file = at.file_name();
  // Keep the path from the project's top folders on, so reports stay short.
  for (std::string_view top : {"driver/", "testbench/", "sim/"}) {
    if (auto pos = file.rfind(top); pos != std::string::npos) {
      file = file.substr(pos);
      break;
    }
  }
  return file + ":" + std::to_string(at.line()) + " (" + at.function_name() + ")";
}

Kernel::Kernel(sim::Platform& platform, VerifierConfig config)
    : platform_(platform), config_(config), cpus_(platform.num_cpus()) {
  g_current = this;
  mdl_pool_ = ledger_.create_pool(NetObjectKind::kMdl, 0);
  platform_.violations().add_listener([this](const Violation& v) {
    if (this != g_current) return;
    if (v.severity == Severity::kError && config_.stop_on_first_error && !platform_.stopped())
      platform_.stop("first error: " + v.rule + " " + v.message);
  });
}

Kernel::~Kernel() {
  if (g_current == this) g_current = nullptr;
}

Kernel& Kernel::current() {
  if (!g_current) throw std::logic_error("NDIS call with no nicsim::ndis::Kernel constructed");
  return *g_current;
}

Kernel* Kernel::current_or_null() { return g_current; }

Severity Kernel::severity_of(std::string_view rule) {
  return std::find(std::begin(kWarnings), std::end(kWarnings), rule) != std::end(kWarnings)
             ? Severity::kWarning
             : Severity::kError;
}

void Kernel::report(std::string_view rule, std::string object, const CallSite& at,
                    std::string message) {
  Violation v;
  v.rule = std::string(rule);
  v.severity = severity_of(rule);
  v.object = std::move(object);
  v.where = format_where(at);
  v.message = std::move(message);
  if (on_cpu()) {
    auto& c = cpu();
    v.cpu = static_cast<int>(c.index());
    v.irql = c.irql();
    v.context = std::string(sim::to_string(c.context()));
  }
  report_stamped(std::move(v));
}

void Kernel::report_stamped(Violation v) {
  v.sim_ns = platform_.now_ns();
  v.cycle = platform_.nic_cycle();
  platform_.report(std::move(v));
}

bool Kernel::enter_call(const CallSite&, sim::Cost cost) {
  if (platform_.stopped()) return false;
  if (on_cpu()) cpu().yield(cost);
  if (probe_) check_interrupt_liveness();
  return !platform_.stopped();
}

Kernel::Scope* Kernel::innermost_scope(CallbackKind kind) {
  auto& scopes = cpu_state().scopes;
  for (auto it = scopes.rbegin(); it != scopes.rend(); ++it)
    if (it->kind == kind) return &*it;
  return nullptr;
}

bool Kernel::holds_ndis_lock() {
  for (const auto& h : cpu_state().held)
    if (!h.lock->interrupt_lock) return true;
  return false;
}

std::string Kernel::held_lock_names() {
  std::string names;
  for (const auto& h : cpu_state().held) names += (names.empty() ? "" : ", ") + h.lock->name;
  return names.empty() ? "none" : names;
}

bool Kernel::check_not_dirql(std::string_view api, const CallSite& at) {
  if (!on_cpu() || cpu().irql() < sim::kFirstDeviceIrql) return true;
  report("CALL_AT_DIRQL", std::string(api), at,
         std::string(api) + " requires IRQL <= DISPATCH_LEVEL but was called at DIRQL " +
             std::to_string(cpu().irql()));
  return false;
}

void Kernel::set_irql(sim::Irql irql) {
  auto& c = cpu();
  if (irql > c.irql())
    c.raise_irql(irql);
  else if (irql < c.irql())
    c.lower_irql(irql);
}

void Kernel::push_scope(std::string name, CallbackKind kind, Interrupt* interrupt) {
  auto& state = cpu_state();
  state.scopes.push_back(
      Scope{std::move(name), kind, interrupt, state.held.size(), cpu().irql(), platform_.now_ns()});
}

void Kernel::pop_scope(const CallSite& at) {
  auto& state = cpu_state();
  Scope scope = std::move(state.scopes.back());
  state.scopes.pop_back();
  if (platform_.stopped()) return;
  // Locks taken inside this callback and still held: report, and leave them held by nobody
  // (a later acquire of an orphaned lock is a certain deadlock).
  while (state.held.size() > scope.held_at_entry) {
    LockState* lock = state.held.back().lock;
    state.held.pop_back();
    report("LOCK_HELD_AT_RETURN", lock->name, at,
           scope.name + " returned still holding " + lock->name + " (acquired at " +
               lock->acquired_where + ")");
    lock->orphaned = true;
  }
  if (cpu().irql() != scope.irql_at_entry) {
    report("IRQL_NOT_RESTORED", scope.name, at,
           scope.name + " entered at IRQL " + std::to_string(scope.irql_at_entry) +
               " and returned at IRQL " + std::to_string(cpu().irql()));
    set_irql(scope.irql_at_entry);
  }
  const uint64_t ran_ns = platform_.now_ns() - scope.start_ns;
  if (scope.kind == CallbackKind::kIsr && ran_ns > config_.isr_limit_ns)
    report("ISR_TOO_LONG", scope.name, at,
           scope.name + " ran " + std::to_string(ran_ns) + " ns (limit " +
               std::to_string(config_.isr_limit_ns) + " ns)");
  if (scope.kind == CallbackKind::kDpc && ran_ns > config_.dpc_limit_ns)
    report("DPC_TOO_LONG", scope.name, at,
           scope.name + " ran " + std::to_string(ran_ns) + " ns (limit " +
               std::to_string(config_.dpc_limit_ns) + " ns)");
}

void Kernel::run_callback(std::string_view name, const std::function<void()>& fn,
                          CallbackKind kind) {
  if (!on_cpu()) throw std::logic_error("run_callback must run on a simulated CPU thread");
  push_scope(std::string(name), kind, nullptr);
  fn();
  pop_scope(CallSite::current());
}

void Kernel::run_passive(unsigned cpu_index, std::string name, std::function<void()> fn,
                         uint64_t at_ns) {
  platform_.start_passive(
      cpu_index, name,
      [this, name, fn = std::move(fn)] { run_callback(name, fn, CallbackKind::kPassive); }, at_ns);
}

void Kernel::set_device_irq_probe(std::function<DeviceIrqState()> probe) {
  probe_ = std::move(probe);
  if (probe_) start_watchdog();
}

void Kernel::start_watchdog() {
  if (watchdog_started_) return;
  watchdog_started_ = true;
  const uint64_t period_ns = std::max<uint64_t>(config_.interrupt_liveness_ns / 4, 1);
  sc_core::sc_spawn(
      [this, period_ns] {
        bool seen_registered = false;
        while (!platform_.stopped()) {
          sc_core::wait(sc_core::sc_time(static_cast<double>(period_ns), sc_core::SC_NS));
          if (g_current != this) return;
          const bool registered = any_interrupt_registered();
          if (seen_registered && !registered) return;  // deregistered: nothing left to watch
          seen_registered |= registered;
          check_interrupt_liveness();
        }
      },
      "ndis_interrupt_watchdog");
}

void Kernel::check_interrupt_liveness() {
  if (!probe_ || platform_.stopped() || !any_interrupt_registered()) {
    irq_lost_reported_ = false;
    return;
  }
  const uint64_t now = platform_.now_ns();
  const bool serviced = interrupt_serviced_now();
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
  if (irq_lost_reported_ || waited <= config_.interrupt_liveness_ns) return;
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
              std::to_string(config_.interrupt_liveness_ns) + " ns)";
  report_stamped(std::move(v));
}

bool Kernel::interrupt_serviced_now() const {
  for (const auto& interrupt : interrupts_)
    if (interrupt->registered && interrupt->busy()) return true;
  return false;
}

std::vector<LockStats> Kernel::lock_stats() const {
  std::vector<LockStats> out;
  for (const auto& lock : locks_) out.push_back(lock->stats);
  return out;
}

nlohmann::json Kernel::stats_json() const {
  nlohmann::json locks = nlohmann::json::array();
  for (const auto& s : lock_stats()) {
    locks.push_back({{"id", s.id},
                     {"name", s.name},
                     {"acquires", s.acquires},
                     {"contended", s.contended},
                     {"total_spin_ns", s.total_spin_ns},
                     {"max_spin_ns", s.max_spin_ns},
                     {"max_hold_ns", s.max_hold_ns},
                     {"max_hold_cycles", s.max_hold_cycles},
                     {"max_hold_where", s.max_hold_where}});
  }
  return {{"locks", locks}};
}

}  // namespace nicsim::ndis
