// Reports name both accesses the way a driver engineer reads them: CPU, context, IRQL, function
// and source line (from the access's PC through the executable's debug info), the locks held, and
// the memory: which allocation, at what offset, and which structure field when the debug info
// tells.
#include "driver/ndis/race_checker.h"

#include <cstdio>
#include <stdexcept>

#include "driver/ndis/memory.h"
#include "driver/ndis/race/suppressions.h"
#include "driver/ndis/race/symbolizer.h"
#include "driver/ndis/race/tsan_runtime.h"
#include "sim/host_memory.h"

namespace nicsim::ndis {
namespace {

constexpr std::string_view kContextNames[race::kKindsPerCpu] = {"passive", "dpc", "isr"};

std::string format_location(const race::SourceLocation& at) {
  if (at.file.empty()) return at.function.empty() ? "?" : at.function;
  return at.file + ":" + std::to_string(at.line) + " (" + at.function + ")";
}

}  // namespace

RaceChecker::RaceChecker(VerifierCore& core, LockVerifier& locks, Interrupts& interrupts)
    : core_(core),
      locks_(locks),
      interrupts_(interrupts),
      detector_(
          core.platform().num_cpus(), [this](race::ContextNow& now) { return context_now(now); },
          [this](const race::Finding& finding) { on_finding(finding); }),
      symbolizer_(std::make_unique<race::Symbolizer>()),
      lockset_stale_(core.platform().num_cpus(), false),
      lockset_(core.platform().num_cpus(), 0),
      locksets_{{}},
      lockset_has_interrupt_lock_{false},
      data_race_checks_("DATA_RACE", core.platform().coverage()),
      isr_shared_checks_("ISR_SHARED_UNSYNCHRONIZED", core.platform().coverage()),
      wrong_message_checks_("SYNC_WRONG_MESSAGE", core.platform().coverage()),
      device_buffer_checks_("CPU_TOUCHES_DEVICE_BUFFER", core.platform().coverage()) {
  const std::string& path = core.config().race_suppressions;
  if (!path.empty()) {
    std::string error;
    auto loaded = race::Suppressions::load(path, &error);
    if (!loaded) throw std::invalid_argument(error);
    suppressions_ = std::make_unique<race::Suppressions>(std::move(*loaded));
  }
  detector_.set_shared_access_hook(
      [this](uint64_t host_address, size_t bytes, bool write, uintptr_t pc) {
        on_shared_access(host_address, bytes, write, pc);
      });
  race::set_active_detector(&detector_);
}

RaceChecker::~RaceChecker() {
  if (race::active_detector() == &detector_) race::set_active_detector(nullptr);
}

bool RaceChecker::context_now(race::ContextNow& now) {
  if (!core_.on_cpu() || core_.platform().stopped()) return false;
  sim::Cpu& cpu = core_.cpu();
  unsigned kind = 0;
  switch (cpu.thread_context()) {
    case sim::CpuContext::kDpc:
      kind = 1;
      break;
    case sim::CpuContext::kIsr:
      kind = 2;
      break;
    default:
      kind = 0;
  }
  now.slot = static_cast<uint16_t>(cpu.index() * race::kKindsPerCpu + kind);
  now.irql = cpu.irql();
  now.unsynchronized = cpu.irql() < sim::kFirstDeviceIrql && interrupts_.any_registered();
  now.lockset = lockset_of_current_cpu();
  // The detector checks this access against the word's earlier ones for each of these.
  data_race_checks_.evaluated();
  isr_shared_checks_.evaluated();
  if (now.irql >= sim::kFirstDeviceIrql) wrong_message_checks_.evaluated();
  return true;
}

void RaceChecker::locks_changed() {
  if (core_.on_cpu()) lockset_stale_[core_.cpu().index()] = true;
}

uint16_t RaceChecker::lockset_of_current_cpu() {
  const unsigned cpu = core_.cpu().index();
  if (!lockset_stale_[cpu]) return lockset_[cpu];
  lockset_stale_[cpu] = false;
  std::vector<std::string> names;
  bool interrupt_lock = false;
  for (const HeldLock& held : locks_.held()) {
    names.push_back(held.lock->name);
    interrupt_lock = interrupt_lock || held.lock->interrupt_lock;
  }
  uint16_t id = 0;
  if (!names.empty()) {
    auto it = std::find(locksets_.begin(), locksets_.end(), names);
    if (it == locksets_.end() && locksets_.size() < UINT16_MAX) {
      locksets_.push_back(names);
      lockset_has_interrupt_lock_.push_back(interrupt_lock);
      it = std::prev(locksets_.end());
    }
    if (it != locksets_.end()) id = static_cast<uint16_t>(it - locksets_.begin());
  }
  lockset_[cpu] = id;
  return id;
}

void RaceChecker::interlocked(const volatile void* address, size_t bytes, uintptr_t pc) {
  detector_.atomic_rmw(const_cast<const void*>(address), bytes, 5, pc);
}

void RaceChecker::memory_given(const void* base, size_t bytes, std::string what, const CallSite& at,
                               uint64_t host_address) {
  race::RegionInfo info;
  info.what = std::move(what);
  info.file = at.file_name();
  info.line = static_cast<int>(at.line());
  info.host_address = host_address;
  detector_.add_region(base, bytes, std::move(info));
}

std::string RaceChecker::describe(const race::AccessRecord& access) {
  const unsigned cpu = access.slot / race::kKindsPerCpu;
  std::string text = std::string(access.atomic ? "atomic " : "") +
                     (access.write ? "write" : "read") + " by CPU " + std::to_string(cpu) + " " +
                     std::string(kContextNames[access.slot % race::kKindsPerCpu]) + " at IRQL " +
                     std::to_string(access.irql) + " in " +
                     format_location(symbolizer_->locate(access.pc)) + " holding ";
  const auto& names =
      access.lockset < locksets_.size() ? locksets_[access.lockset] : std::vector<std::string>{};
  if (names.empty()) return text + "no lock";
  for (size_t i = 0; i < names.size(); ++i) text += (i ? ", " : "") + names[i];
  return text;
}

void RaceChecker::on_finding(const race::Finding& finding) {
  const race::SourceLocation here = symbolizer_->locate(finding.current.pc);
  const race::SourceLocation there = symbolizer_->locate(finding.previous.pc);
  if (suppressions_ && (suppressions_->match_race({here}) || suppressions_->match_race({there}))) {
    ++suppressed_;
    return;
  }
  // Once per pair of source locations, whichever access came first.
  const std::string here_text = format_location(here), there_text = format_location(there);
  const std::string key = std::to_string(static_cast<int>(finding.kind)) + "|" +
                          std::min(here_text, there_text) + "|" + std::max(here_text, there_text);
  if (!reported_pairs_.insert(key).second) return;
  ++findings_;
  const uint64_t offset = finding.address - reinterpret_cast<uintptr_t>(finding.region_base);
  const std::string field =
      symbolizer_->field_at(finding.region->file, finding.region_bytes, offset);
  char address[32];
  std::snprintf(address, sizeof address, "0x%llx",
                static_cast<unsigned long long>(finding.address));
  const std::string memory = std::string(address) + (field.empty() ? "" : " (" + field + ")") +
                             ", offset " + std::to_string(offset) + " of " +
                             std::to_string(finding.region_bytes) + " bytes from " +
                             finding.region->what + " at " + finding.region->file + ":" +
                             std::to_string(finding.region->line);
  Violation v;
  const bool isr = finding.kind == race::FindingKind::kIsrUnsynchronized;
  // Both at DIRQL under interrupt locks, yet unordered: the locks are different messages'.
  auto under_interrupt_lock = [this](const race::AccessRecord& access) {
    return access.irql >= sim::kFirstDeviceIrql && access.lockset < locksets_.size() &&
           lockset_has_interrupt_lock_[access.lockset];
  };
  const bool wrong_message =
      !isr && under_interrupt_lock(finding.current) && under_interrupt_lock(finding.previous);
  v.rule = isr ? "ISR_SHARED_UNSYNCHRONIZED" : wrong_message ? "SYNC_WRONG_MESSAGE" : "DATA_RACE";
  v.severity = Severity::kError;
  v.cpu = static_cast<int>(finding.current.slot / race::kKindsPerCpu);
  v.irql = finding.current.irql;
  v.context = std::string(kContextNames[finding.current.slot % race::kKindsPerCpu]);
  v.object = field.empty() ? std::string(address) : field;
  v.where = format_location(here);
  v.message =
      describe(finding.current) + ", and an earlier " + describe(finding.previous) + ", touch " +
      memory +
      (isr             ? ": one runs at DIRQL and the other below it outside "
                         "NdisMSynchronizeWithInterruptEx (NDIS spin locks do not exclude the ISR)"
       : wrong_message ? ": each holds another message's interrupt lock; synchronize with the "
                         "message whose ISR touches it, or register with MsiSyncWithAllMessages"
                       : ": nothing orders them (no common lock, DPC queueing, interlocked "
                         "operation, event or hand-off)");
  core_.report_stamped(std::move(v));
}

void RaceChecker::on_shared_access(uint64_t host_address, size_t bytes, bool write, uintptr_t pc) {
  device_buffer_checks_.evaluated();
  auto touch = device_buffer_touch(core_.platform().memory(), host_address, bytes, write);
  if (!touch) return;
  if (!device_buffer_reported_.insert(pc).second) return;
  const race::SourceLocation at = symbolizer_->locate(pc);
  Violation v;
  v.rule = "CPU_TOUCHES_DEVICE_BUFFER";
  v.severity = Severity::kError;
  v.cpu = static_cast<int>(core_.cpu().index());
  v.irql = core_.cpu().irql();
  v.context = std::string(sim::to_string(core_.cpu().context()));
  v.object = std::move(touch->object);
  v.where = format_location(at);
  v.message = std::move(touch->message) + " (a plain pointer)";
  core_.report_stamped(std::move(v));
}

RaceChecker::Stats RaceChecker::stats() const {
  return {detector_.accesses(), detector_.accesses_checked(), findings_, suppressed_};
}

}  // namespace nicsim::ndis
