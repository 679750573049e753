#include "sim/stall_watch.h"

#include "sim/cpu_model.h"
#include "sim/nic_domain.h"
#include "sim/platform.h"

namespace nicsim::sim {
namespace {

std::string join(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

}  // namespace

StallWatch::StallWatch(sc_core::sc_module_name name, Platform& platform,
                       const std::vector<std::unique_ptr<CpuModel>>& cpus, const NicDomain* nic,
                       uint64_t check_ns, const Hooks& hooks)
    : sc_core::sc_module(name),
      platform_(platform),
      cpus_(cpus),
      nic_(nic),
      check_ns_(check_ns),
      hooks_(hooks) {
  SC_HAS_PROCESS(StallWatch);
  SC_THREAD(thread_main);
}

uint64_t StallWatch::progress() const {
  uint64_t total = 0;
  for (const auto& cpu : cpus_) total += cpu->progress();
  if (nic_) total += nic_->stats().transfer_cycles;
  return total;
}

bool StallWatch::stalled() const {
  bool spinning = false;
  for (const auto& cpu : cpus_) {
    const CpuModel::Wait wait = cpu->wait();
    if (wait == CpuModel::Wait::kRunning || wait == CpuModel::Wait::kTimed) return false;
    spinning |= wait == CpuModel::Wait::kSpin;
  }
  if (!spinning) return false;
  if (nic_ && nic_->work_pending()) return false;
  for (const auto& pending : hooks_.pending)
    if (pending()) return false;
  return true;
}

std::string StallWatch::describe() const {
  std::string text;
  for (const auto& cpu : cpus_) {
    text += "\n  CPU " + std::to_string(cpu->index()) + " " + std::string(to_string(cpu->wait()));
    if (!cpu->frames().empty()) {
      text += " in " + std::string(to_string(cpu->context())) + " " + std::string(cpu->routine()) +
              " at IRQL " + std::to_string(cpu->irql());
    }
    if (cpu->wait() == CpuModel::Wait::kSpin && hooks_.describe) {
      const std::string on = hooks_.describe(cpu->index());
      if (!on.empty()) text += " on " + on;
    }
    const auto dpcs = cpu->queued_dpc_names();
    if (!dpcs.empty()) text += "; DPCs queued: " + join(dpcs);
    const auto passive = cpu->queued_passive_names();
    if (!passive.empty()) text += "; passive work queued: " + join(passive);
  }
  text += nic_ ? "\n  the device is quiescent with no frame to come" : "";
  text += "\n  no timer armed, no timed wait";
  return text;
}

void StallWatch::thread_main() {
  uint64_t last = progress();
  for (;;) {
    sc_core::wait(sc_core::sc_time(static_cast<double>(check_ns_), sc_core::SC_NS));
    if (platform_.stopped()) return;
    ++checks_;
    platform_.coverage().evaluated("STALL");
    const uint64_t now = progress();
    if (now != last) {
      last = now;
      continue;
    }
    if (!stalled()) continue;
    const std::string message = "no CPU made progress in " + std::to_string(check_ns_) +
                                " ns and no event is pending:" + describe();
    Violation v;
    v.rule = "STALL";
    v.severity = Severity::kError;
    v.object = "host";
    v.where = "platform (stall watch)";
    v.message = message;
    platform_.report(std::move(v));
    platform_.stop("STALL: " + message);
    return;
  }
}

}  // namespace nicsim::sim
