// The Kernel: builds the components in their dependency order and installs itself as the kernel
// the NDIS entry points use.
#include "driver/ndis/kernel.h"

#include <stdexcept>

namespace nicsim::ndis {
namespace {

Kernel* g_current = nullptr;

}  // namespace

Kernel::Kernel(sim::Platform& platform, VerifierConfig config)
    : core_(platform, config, [self = this] { return g_current == self; }),
      locks_(core_),
      spin_locks_(core_, locks_),
      // Called only once the driver runs, when lifecycle_ is built.
      interrupts_(core_, locks_, resources_,
                  [this](NDIS_HANDLE adapter) { return lifecycle_.is_adapter(adapter); }),
      io_(core_, interrupts_, resources_),
      isr_shared_(core_, locks_, interrupts_),
      memory_(core_),
      waits_(core_, locks_),
      net_buffers_(core_),
      sg_dma_(core_, net_buffers_),
      lifecycle_(core_, locks_, interrupts_, net_buffers_, sg_dma_, resources_),
      configuration_(core_),
      sync_(core_, locks_, spin_locks_) {
  if (core_.config().race_check) {
    race_ = std::make_unique<RaceChecker>(core_, locks_, interrupts_);
    core_.set_sync_edges(race_.get());
  }
  g_current = this;
  // The stall watch (STALL): an armed timer is an event pending; a spin names its lock.
  platform.add_pending_probe(
      [this, installed = core_.installed()] { return installed() && sync_.timers.any_set(); });
  platform.set_spin_describer([this, installed = core_.installed()](unsigned cpu) {
    return installed() ? locks_.describe_spin(cpu) : std::string();
  });
}

Kernel::~Kernel() {
  core_.set_sync_edges(nullptr);
  if (g_current == this) g_current = nullptr;
}

Kernel& Kernel::current() {
  if (!g_current) throw std::logic_error("NDIS call with no nicsim::ndis::Kernel constructed");
  return *g_current;
}

Kernel* Kernel::current_or_null() { return g_current; }

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
  nlohmann::json stats = {{"locks", locks}};
  if (race_) {
    const RaceChecker::Stats race = race_->stats();
    stats["race_check"] = {{"accesses", race.accesses},
                           {"accesses_checked", race.accesses_checked},
                           {"races", race.races},
                           {"suppressed", race.suppressed}};
  }
  return stats;
}

}  // namespace nicsim::ndis
