// Timer objects, KDPC objects and I/O work items. A timer's due time is a SystemC event; when it
// comes, the timer's DPC is queued on the CPU that set it and runs the NetTimerCallback there at
// DISPATCH_LEVEL as a checked callback. Work items run on a passive thread.
#include "driver/ndis/timers.h"

#include <algorithm>
#include <stdexcept>
#define SC_INCLUDE_DYNAMIC_PROCESSES
#include <systemc>

#include "driver/ndis/sync.h"
#include "driver/ndis/waits.h"

namespace nicsim::ndis {
namespace {

constexpr UCHAR kDpcObject = 19;        // KOBJECTS::DpcObject
constexpr UCHAR kMediumImportance = 1;  // KDPC_IMPORTANCE

sc_core::sc_time ns(uint64_t value) {
  return sc_core::sc_time(static_cast<double>(value), sc_core::SC_NS);
}

}  // namespace

// --- TimerObjects ---------------------------------------------------------------------------

struct TimerObjects::Timer {
  std::string name;
  NDIS_TIMER_CHARACTERISTICS chars{};
  bool allocated = true;
  bool set = false;  // in the timer queue
  uint64_t period_ns = 0;
  PVOID context = nullptr;
  unsigned cpu = 0;
  std::shared_ptr<sc_core::sc_event> due;  // shared with the SystemC method that fires it
  std::unique_ptr<sim::Dpc> dpc;
  PVOID dpc_context = nullptr;
  std::vector<unsigned> running_on;  // CPUs in its callback now
};

TimerObjects::TimerObjects(VerifierCore& core) : core_(core) {}
TimerObjects::~TimerObjects() = default;

NDIS_STATUS TimerObjects::allocate(PNDIS_TIMER_CHARACTERISTICS chars, PNDIS_HANDLE handle,
                                   const CallSite& at) {
  if (!handle) throw std::invalid_argument("NdisAllocateTimerObject: null pTimerObject");
  core_.enter_call(at);
  core_.check_not_dirql("NdisAllocateTimerObject", at);
  *handle = nullptr;
  if (!chars || chars->Header.Type != NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS ||
      chars->Header.Revision < NDIS_TIMER_CHARACTERISTICS_REVISION_1 ||
      chars->Header.Size < NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1 || !chars->TimerFunction)
    return NDIS_STATUS_BAD_CHARACTERISTICS;
  auto owned = std::make_unique<Timer>();
  Timer& timer = *owned;
  timer.name = "Timer" + std::to_string(timers_.size());
  timer.chars = *chars;
  timer.due = std::make_shared<sc_core::sc_event>();
  timer.dpc = std::make_unique<sim::Dpc>(timer.name + ".Dpc",
                                         [this, &timer] { run(timer, core_.cpu().index()); });
  timers_.push_back(std::move(owned));
  by_handle_[&timer] = &timer;
  *handle = &timer;

  sc_core::sc_spawn_options options;
  options.spawn_method();
  options.dont_initialize();
  options.set_sensitivity(timer.due.get());
  sc_core::sc_spawn(
      [this, installed = core_.installed(), &timer, keep = timer.due] {
        (void)keep;  // the event lives as long as this method process
        if (installed()) expire(timer);
      },
      sc_core::sc_gen_unique_name("ndis_timer"), &options);
  return NDIS_STATUS_SUCCESS;
}

TimerObjects::Timer* TimerObjects::find(NDIS_HANDLE handle, std::string_view api,
                                        const CallSite& at) {
  core_.evaluated("OBJECT_NOT_ALLOCATED");
  auto it = by_handle_.find(handle);
  if (it != by_handle_.end() && it->second->allocated) return it->second;
  core_.report("OBJECT_NOT_ALLOCATED", it != by_handle_.end() ? it->second->name : "timer object",
               at,
               std::string(api) + " on a timer object " +
                   (it != by_handle_.end() ? "after NdisFreeTimerObject"
                                           : "not allocated with NdisAllocateTimerObject"));
  return nullptr;
}

BOOLEAN TimerObjects::set(NDIS_HANDLE handle, LONGLONG due_time, LONG period_ms, PVOID context,
                          const CallSite& at) {
  core_.enter_call(at);
  Timer* timer = find(handle, "NdisSetTimerObject", at);
  if (!timer) return FALSE;
  core_.check_not_dirql("NdisSetTimerObject", at);
  // Negative: relative 100 ns units; otherwise an absolute system time (past: fire now).
  const LONGLONG now =
      kUnixEpochIn1601Units + static_cast<LONGLONG>(core_.platform().now_ns() / 100);
  const LONGLONG delay = due_time < 0 ? -due_time : std::max<LONGLONG>(0, due_time - now);
  const BOOLEAN was_set = timer->set ? TRUE : FALSE;
  timer->set = true;
  timer->period_ns = period_ms > 0 ? static_cast<uint64_t>(period_ms) * 1'000'000 : 0;
  timer->context = context ? context : timer->chars.FunctionContext;
  timer->cpu = core_.on_cpu() ? core_.cpu().index() : 0;
  core_.release(timer);  // the setter's history happens before the callback
  timer->due->cancel();
  timer->due->notify(ns(static_cast<uint64_t>(delay) * 100));
  return was_set;
}

bool TimerObjects::any_set() const {
  return std::any_of(timers_.begin(), timers_.end(),
                     [](const auto& timer) { return timer->allocated && timer->set; });
}

void TimerObjects::expire(Timer& timer) {
  if (!timer.set || core_.platform().stopped()) return;
  if (timer.period_ns > 0)
    timer.due->notify(ns(timer.period_ns));  // periodic: stays in the timer queue
  else
    timer.set = false;
  if (timer.dpc->queued()) return;  // its DPC has not run yet: coalesces
  timer.dpc_context = timer.context;
  core_.platform().queue_dpc(*timer.dpc, timer.cpu);
}

void TimerObjects::run(Timer& timer, unsigned cpu) {
  if (core_.platform().stopped() || !timer.allocated) return;
  timer.running_on.push_back(cpu);
  PVOID context = timer.dpc_context;
  core_.acquire(&timer);
  core_.run_callback(
      timer.name, [&] { timer.chars.TimerFunction(nullptr, context, nullptr, nullptr); },
      CallbackKind::kDpc);
  core_.release(&timer);  // for NdisCancelTimerObject and NdisFreeTimerObject
  timer.running_on.erase(std::find(timer.running_on.begin(), timer.running_on.end(), cpu));
}

BOOLEAN TimerObjects::cancel(NDIS_HANDLE handle, const CallSite& at) {
  core_.enter_call(at);
  Timer* timer = find(handle, "NdisCancelTimerObject", at);
  if (!timer) return FALSE;
  const sim::Irql irql = core_.on_cpu() ? core_.cpu().irql() : sim::kPassiveLevel;
  if (timer->period_ns > 0) core_.evaluated("PERIODIC_TIMER_CANCEL_IRQL");
  if (timer->period_ns > 0 && irql != sim::kPassiveLevel)
    core_.report("PERIODIC_TIMER_CANCEL_IRQL", timer->name, at,
                 "NdisCancelTimerObject on the periodic " + timer->name + " at IRQL " +
                     std::to_string(irql) + " (must be PASSIVE_LEVEL)");
  else
    core_.check_not_dirql("NdisCancelTimerObject", at);
  const BOOLEAN was_set = timer->set ? TRUE : FALSE;
  timer->set = false;
  timer->due->cancel();
  // Periodic at PASSIVE_LEVEL: NDIS flushes the queued DPCs, so no callback runs on return.
  if (timer->period_ns > 0 && irql == sim::kPassiveLevel && core_.on_cpu())
    core_.cpu().block_until([timer] { return !timer->dpc->queued() && timer->running_on.empty(); });
  core_.acquire(timer);  // callbacks that finished happen before the cancel returns
  return was_set;
}

void TimerObjects::free(NDIS_HANDLE handle, const CallSite& at) {
  core_.enter_call(at);
  Timer* timer = find(handle, "NdisFreeTimerObject", at);
  if (!timer) return;
  core_.check_not_dirql("NdisFreeTimerObject", at);
  core_.acquire(timer);
  const int me = core_.on_cpu() ? static_cast<int>(core_.cpu().index()) : -1;
  const bool running_elsewhere =
      std::any_of(timer->running_on.begin(), timer->running_on.end(),
                  [me](unsigned cpu) { return static_cast<int>(cpu) != me; });
  core_.evaluated("TIMER_FREED_IN_USE");
  if (timer->set || timer->dpc->queued() || running_elsewhere)
    core_.report("TIMER_FREED_IN_USE", timer->name, at,
                 "NdisFreeTimerObject on " + timer->name + " while it " +
                     (timer->set             ? "is set (call NdisCancelTimerObject first)"
                      : timer->dpc->queued() ? "has its callback queued"
                                             : "runs its callback on another CPU"));
  timer->set = false;
  timer->due->cancel();
  timer->allocated = false;
}

// --- DpcObjects -----------------------------------------------------------------------------

struct DpcObjects::Object {
  PRKDPC kdpc = nullptr;
  std::string name;
  std::unique_ptr<sim::Dpc> dpc;  // in at most one CPU's queue, as the KDPC
  int target = -1;                // KeSetTargetProcessorDpc
};

DpcObjects::DpcObjects(VerifierCore& core) : core_(core) {}
DpcObjects::~DpcObjects() = default;

void DpcObjects::initialize(PRKDPC dpc, PKDEFERRED_ROUTINE routine, PVOID context, const char* name,
                            const CallSite& at) {
  if (!dpc) throw std::invalid_argument("KeInitializeDpc: null Dpc");
  core_.enter_call(at);
  auto& object = objects_[dpc];
  if (!object) {
    object = std::make_unique<Object>();
    object->kdpc = dpc;
  } else {
    core_.platform().remove_dpc(*object->dpc);  // initialized again while queued: it is gone
  }
  object->name = name_from_expression(name, "Dpc");
  object->dpc = std::make_unique<sim::Dpc>(object->name, [this, o = object.get()] { run(*o); });
  object->target = -1;
  *dpc = KDPC{};
  dpc->Type = kDpcObject;
  dpc->Importance = kMediumImportance;
  dpc->DeferredRoutine = routine;
  dpc->DeferredContext = context;
}

DpcObjects::Object* DpcObjects::find(PRKDPC dpc, std::string_view api, const CallSite& at) {
  core_.evaluated("OBJECT_NOT_ALLOCATED");
  auto it = objects_.find(dpc);
  if (it != objects_.end()) return it->second.get();
  core_.report("OBJECT_NOT_ALLOCATED", "KDPC", at,
               std::string(api) + " on a KDPC not initialized with KeInitializeDpc");
  return nullptr;
}

BOOLEAN DpcObjects::insert(PRKDPC dpc, PVOID argument1, PVOID argument2, const CallSite& at) {
  core_.enter_call(at);
  Object* object = find(dpc, "KeInsertQueueDpc", at);
  if (!object || object->dpc->queued()) return FALSE;
  const unsigned cpu = object->target >= 0 ? static_cast<unsigned>(object->target)
                       : core_.on_cpu()    ? core_.cpu().index()
                                           : 0;
  dpc->SystemArgument1 = argument1;
  dpc->SystemArgument2 = argument2;
  dpc->DpcData = dpc;  // non-NULL while queued, as on Windows
  core_.queue_dpc(*object->dpc, cpu);
  return TRUE;
}

BOOLEAN DpcObjects::remove(PRKDPC dpc, const CallSite& at) {
  core_.enter_call(at);
  Object* object = find(dpc, "KeRemoveQueueDpc", at);
  if (!object || !core_.platform().remove_dpc(*object->dpc)) return FALSE;
  dpc->DpcData = nullptr;
  return TRUE;
}

void DpcObjects::set_target(PRKDPC dpc, CCHAR number, const CallSite& at) {
  core_.enter_call(at);
  Object* object = find(dpc, "KeSetTargetProcessorDpc", at);
  if (!object) return;
  core_.evaluated("DPC_BAD_CPU");
  if (number < 0 || static_cast<unsigned>(number) >= core_.platform().num_cpus()) {
    core_.report(
        "DPC_BAD_CPU", object->name, at,
        "KeSetTargetProcessorDpc to CPU " + std::to_string(number) + ", which does not exist");
    return;
  }
  object->target = number;
  dpc->Number = static_cast<USHORT>(number);
}

void DpcObjects::run(Object& object) {
  PRKDPC dpc = object.kdpc;
  dpc->DpcData = nullptr;
  if (core_.platform().stopped() || !dpc->DeferredRoutine) return;
  core_.acquire(object.dpc.get());
  core_.run_callback(
      object.name,
      [&] {
        dpc->DeferredRoutine(dpc, dpc->DeferredContext, dpc->SystemArgument1, dpc->SystemArgument2);
      },
      CallbackKind::kDpc);
}

// --- IoWorkItems ----------------------------------------------------------------------------

struct IoWorkItems::Item {
  std::string name;
  bool allocated = true;
  bool queued = false;
};

IoWorkItems::IoWorkItems(VerifierCore& core) : core_(core) {}
IoWorkItems::~IoWorkItems() = default;

NDIS_HANDLE IoWorkItems::allocate(const CallSite& at) {
  core_.enter_call(at);
  core_.check_not_dirql("NdisAllocateIoWorkItem", at);
  auto owned = std::make_unique<Item>();
  owned->name = "WorkItem" + std::to_string(items_.size());
  Item* item = owned.get();
  items_.push_back(std::move(owned));
  by_handle_[item] = item;
  return item;
}

IoWorkItems::Item* IoWorkItems::find(NDIS_HANDLE handle, std::string_view api, const CallSite& at) {
  core_.evaluated("OBJECT_NOT_ALLOCATED");
  auto it = by_handle_.find(handle);
  if (it != by_handle_.end() && it->second->allocated) return it->second;
  core_.report("OBJECT_NOT_ALLOCATED", it != by_handle_.end() ? it->second->name : "work item", at,
               std::string(api) + " on a work item " +
                   (it != by_handle_.end() ? "after NdisFreeIoWorkItem"
                                           : "not allocated with NdisAllocateIoWorkItem"));
  return nullptr;
}

void IoWorkItems::queue(NDIS_HANDLE handle, NDIS_IO_WORKITEM_ROUTINE routine, PVOID context,
                        const CallSite& at) {
  if (!routine) throw std::invalid_argument("NdisQueueIoWorkItem: null Routine");
  core_.enter_call(at);
  Item* item = find(handle, "NdisQueueIoWorkItem", at);
  if (!item) return;
  core_.check_not_dirql("NdisQueueIoWorkItem", at);
  core_.evaluated("WORKITEM_IN_USE");
  if (item->queued) {
    core_.report("WORKITEM_IN_USE", item->name, at,
                 "NdisQueueIoWorkItem on " + item->name + ", which is queued and has not run yet");
    return;
  }
  item->queued = true;
  // Preferably another CPU than the caller's, so a caller that waits for the item does not
  // block it.
  const unsigned cpus = core_.platform().num_cpus();
  const unsigned cpu = core_.on_cpu() ? (core_.cpu().index() + 1) % cpus : 0;
  core_.release(item);
  core_.run_worker(cpu, item->name, [this, item, routine, context] {
    core_.acquire(item);
    item->queued = false;
    if (item->allocated) routine(context, item);
  });
}

void IoWorkItems::free(NDIS_HANDLE handle, const CallSite& at) {
  core_.enter_call(at);
  Item* item = find(handle, "NdisFreeIoWorkItem", at);
  if (!item) return;
  core_.check_not_dirql("NdisFreeIoWorkItem", at);
  core_.evaluated("WORKITEM_IN_USE");
  if (item->queued)
    core_.report("WORKITEM_IN_USE", item->name, at,
                 "NdisFreeIoWorkItem on " + item->name + ", which is queued and has not run yet");
  item->allocated = false;
}

}  // namespace nicsim::ndis
