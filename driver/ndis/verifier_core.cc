// The verifier's core: reports, the call yield point, callback scopes and IRQL helpers.
#include "driver/ndis/verifier_core.h"

#include <algorithm>
#include <stdexcept>

namespace nicsim::ndis {
namespace {

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

VerifierCore::VerifierCore(sim::Platform& platform, VerifierConfig config,
                           std::function<bool()> installed)
    : platform_(platform),
      config_(config),
      installed_(std::move(installed)),
      scopes_(platform.num_cpus()) {
  // The listener outlives the core: it asks installed_ (a copy) before touching the core.
  platform_.violations().add_listener([this, installed = installed_](const Violation& v) {
    if (!installed()) return;
    if (v.severity == Severity::kError && config_.stop_on_first_error && !platform_.stopped())
      platform_.stop("first error: " + v.rule + " " + v.message);
  });
}

Severity VerifierCore::severity_of(std::string_view rule) {
  return std::find(std::begin(kWarnings), std::end(kWarnings), rule) != std::end(kWarnings)
             ? Severity::kWarning
             : Severity::kError;
}

void VerifierCore::report(std::string_view rule, std::string object, const CallSite& at,
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

void VerifierCore::report_stamped(Violation v) {
  v.sim_ns = platform_.now_ns();
  v.cycle = platform_.nic_cycle();
  platform_.report(std::move(v));
}

bool VerifierCore::enter_call(const CallSite&, sim::Cost cost) {
  if (platform_.stopped()) return false;
  if (on_cpu()) cpu().yield(cost);
  if (call_hook_) call_hook_();
  return !platform_.stopped();
}

CallbackScope* VerifierCore::innermost_scope(CallbackKind kind) {
  auto& cpu_scopes = scopes();
  for (auto it = cpu_scopes.rbegin(); it != cpu_scopes.rend(); ++it)
    if (it->kind == kind) return &*it;
  return nullptr;
}

bool VerifierCore::check_not_dirql(std::string_view api, const CallSite& at) {
  evaluated("CALL_AT_DIRQL");
  if (!on_cpu() || cpu().irql() < sim::kFirstDeviceIrql) return true;
  report("CALL_AT_DIRQL", std::string(api), at,
         std::string(api) + " requires IRQL <= DISPATCH_LEVEL but was called at DIRQL " +
             std::to_string(cpu().irql()));
  return false;
}

void VerifierCore::set_irql(sim::Irql irql) {
  auto& c = cpu();
  if (irql > c.irql())
    c.raise_irql(irql);
  else if (irql < c.irql())
    c.lower_irql(irql);
}

void VerifierCore::push_scope(std::string name, CallbackKind kind, InterruptStatus* interrupt) {
  const size_t held = held_locks_ ? held_locks_->held_count() : 0;
  scopes().push_back(
      CallbackScope{std::move(name), kind, interrupt, held, cpu().irql(), platform_.now_ns()});
}

void VerifierCore::pop_scope(const CallSite& at) {
  auto& cpu_scopes = scopes();
  CallbackScope scope = std::move(cpu_scopes.back());
  cpu_scopes.pop_back();
  if (platform_.stopped()) return;
  if (held_locks_) held_locks_->orphan_held_beyond(scope.held_at_entry, scope.name, at);
  evaluated("IRQL_NOT_RESTORED");
  if (cpu().irql() != scope.irql_at_entry) {
    report("IRQL_NOT_RESTORED", scope.name, at,
           scope.name + " entered at IRQL " + std::to_string(scope.irql_at_entry) +
               " and returned at IRQL " + std::to_string(cpu().irql()));
    set_irql(scope.irql_at_entry);
  }
  const uint64_t ran_ns = platform_.now_ns() - scope.start_ns;
  if (scope.kind == CallbackKind::kIsr) evaluated("ISR_TOO_LONG");
  if (scope.kind == CallbackKind::kDpc) evaluated("DPC_TOO_LONG");
  if (scope.kind == CallbackKind::kIsr && ran_ns > config_.isr_limit_ns)
    report("ISR_TOO_LONG", scope.name, at,
           scope.name + " ran " + std::to_string(ran_ns) + " ns (limit " +
               std::to_string(config_.isr_limit_ns) + " ns)");
  if (scope.kind == CallbackKind::kDpc && ran_ns > config_.dpc_limit_ns)
    report("DPC_TOO_LONG", scope.name, at,
           scope.name + " ran " + std::to_string(ran_ns) + " ns (limit " +
               std::to_string(config_.dpc_limit_ns) + " ns)");
}

void VerifierCore::run_callback(std::string_view name, const std::function<void()>& fn,
                                CallbackKind kind) {
  if (!on_cpu()) throw std::logic_error("run_callback must run on a simulated CPU thread");
  push_scope(std::string(name), kind, nullptr);
  fn();
  pop_scope(CallSite::current());
}

bool VerifierCore::queue_dpc(sim::Dpc& dpc, unsigned cpu) {
  release(&dpc);
  return platform_.queue_dpc(dpc, cpu);
}

void VerifierCore::run_passive(unsigned cpu_index, std::string name, std::function<void()> fn,
                               uint64_t at_ns) {
  platform_.start_passive(
      cpu_index, name,
      [this, name, fn = std::move(fn)] { run_callback(name, fn, CallbackKind::kPassive); }, at_ns);
}

void VerifierCore::run_worker(unsigned preferred_cpu, std::string name, std::function<void()> fn) {
  platform_.start_worker(preferred_cpu, name, [this, name, fn = std::move(fn)] {
    run_callback(name, fn, CallbackKind::kPassive);
  });
}

}  // namespace nicsim::ndis
