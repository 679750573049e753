// Deferred execution of the NDIS layer: timer objects (fired by the SystemC clock, run from a CPU's
// DPC queue), KDPC objects and I/O work items (run on a CPU's passive thread). Every driver
// routine runs as a checked callback at its documented IRQL. Kernel-private.
#pragma once

#include <ndis.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "driver/ndis/verifier_core.h"

namespace sc_core {
class sc_event;
}

namespace nicsim::ndis {

class TimerObjects {
 public:
  explicit TimerObjects(VerifierCore& core);
  ~TimerObjects();

  NDIS_STATUS allocate(PNDIS_TIMER_CHARACTERISTICS chars, PNDIS_HANDLE handle, const CallSite& at);
  BOOLEAN set(NDIS_HANDLE handle, LONGLONG due_time, LONG period_ms, PVOID context,
              const CallSite& at);
  BOOLEAN cancel(NDIS_HANDLE handle, const CallSite& at);
  void free(NDIS_HANDLE handle, const CallSite& at);
  // Some timer is set: its expiry is an event pending (the stall watch).
  bool any_set() const;

 private:
  struct Timer;
  Timer* find(NDIS_HANDLE handle, std::string_view api, const CallSite& at);
  void expire(Timer& timer);             // the due time came (SystemC side)
  void run(Timer& timer, unsigned cpu);  // its DPC runs on cpu

  VerifierCore& core_;
  std::vector<std::unique_ptr<Timer>> timers_;
  std::unordered_map<const void*, Timer*> by_handle_;
};

class DpcObjects {
 public:
  explicit DpcObjects(VerifierCore& core);
  ~DpcObjects();

  void initialize(PRKDPC dpc, PKDEFERRED_ROUTINE routine, PVOID context, const char* name,
                  const CallSite& at);
  BOOLEAN insert(PRKDPC dpc, PVOID argument1, PVOID argument2, const CallSite& at);
  BOOLEAN remove(PRKDPC dpc, const CallSite& at);
  void set_target(PRKDPC dpc, CCHAR number, const CallSite& at);

 private:
  struct Object;
  Object* find(PRKDPC dpc, std::string_view api, const CallSite& at);
  void run(Object& object);

  VerifierCore& core_;
  std::unordered_map<const void*, std::unique_ptr<Object>> objects_;
};

class IoWorkItems {
 public:
  explicit IoWorkItems(VerifierCore& core);
  ~IoWorkItems();

  NDIS_HANDLE allocate(const CallSite& at);
  void queue(NDIS_HANDLE handle, NDIS_IO_WORKITEM_ROUTINE routine, PVOID context,
             const CallSite& at);
  void free(NDIS_HANDLE handle, const CallSite& at);

 private:
  struct Item;
  Item* find(NDIS_HANDLE handle, std::string_view api, const CallSite& at);

  VerifierCore& core_;
  std::vector<std::unique_ptr<Item>> items_;
  std::unordered_map<const void*, Item*> by_handle_;
};

}  // namespace nicsim::ndis
