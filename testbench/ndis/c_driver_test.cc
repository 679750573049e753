// The C driver (c_driver.c, plain C11 against <ndis.h>) on a host-only bench: registered with
// NdisMRegisterMiniportDriver, initialized line- and message-based, interrupted, sent an NBL
// chain, indicating a receive, running its timer, KDPC and work items, answering OIDs, paused,
// reset and halted. Each path has a positive control (the driver's counters or what the
// protocol saw); the Triggers tests show a C call site is reported at its file and line.
#include "testbench/ndis/c_driver.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "testbench/ndis/ndis_test_util.h"

namespace nicsim::ndis {
namespace {

using testing::Bench;

constexpr ULONG kProtocolTag = 0x6C6F7250;  // "Prol"
constexpr ULONG kRxHash = 0x5EED1234;
constexpr ULONG kRxFrameLength = 74;  // from the RxFrameLength keyword
constexpr ULONG kSentBytes = 150 + 64 + 60;

// The line of c_driver.c that carries the marker C_DRIVER_MISTAKE(name), or -1.
int MistakeLine(const std::string& name) {
  std::ifstream in(C_DRIVER_SOURCE);
  const std::string marker = "C_DRIVER_MISTAKE(" + name + ")";
  std::string line;
  for (int n = 1; std::getline(in, line); ++n)
    if (line.find(marker) != std::string::npos) return n;
  return -1;
}

// The bench plus the imaginary device around the C driver and the protocol above it.
struct CDriverBench {
  explicit CDriverBench(std::vector<unsigned> message_cpus) {
    AdapterResources resources;
    resources.message_cpus = std::move(message_cpus);
    b.kernel.set_resources(resources);
    b.kernel.set_keywords({{"RxFrameLength", std::to_string(kRxFrameLength)},
                           {"InterruptModeration", "0x80"},
                           {"NetworkAddress", "02-00-00-00-00-01"}});
    b.registers.regs[C_DRIVER_REG_ID] = 0x00011234;  // device 0x1234, revision 1
    b.registers.regs[C_DRIVER_REG_RX_HASH] = kRxHash;
    // The device: an acknowledge clears the cause; masking drops the INTx line.
    b.registers.on_write = [this](uint32_t offset, uint32_t word) {
      if (offset == C_DRIVER_REG_ACK) b.registers.regs[C_DRIVER_REG_CAUSE] = 0;
      if (offset == C_DRIVER_REG_MASK && word == 1)
        b.platform.intc().drive_line(b.platform.config().intx_line, "nic", false);
    };
    ProtocolHooks hooks;
    hooks.receive = [this](PNET_BUFFER_LIST nbls, ULONG, ULONG flags) {
      for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) {
        const ULONG length = NET_BUFFER_DATA_LENGTH(NET_BUFFER_LIST_FIRST_NB(nbl));
        if (flags & NDIS_RECEIVE_FLAGS_RESOURCES) {
          resource_lengths.push_back(length);  // copied now; the NBL is the miniport's again
          continue;
        }
        received.push_back(nbl);
        received_lengths.push_back(length);
        received_hashes.push_back(NET_BUFFER_LIST_GET_HASH_VALUE(nbl));
        received_hash_types.push_back(NET_BUFFER_LIST_GET_HASH_TYPE(nbl));
      }
    };
    hooks.send_complete = [this](PNET_BUFFER_LIST nbls, ULONG) {
      for (PNET_BUFFER_LIST nbl = nbls; nbl; nbl = NET_BUFFER_LIST_NEXT_NBL(nbl)) {
        completed.push_back(nbl);
        completed_status.push_back(NET_BUFFER_LIST_STATUS(nbl));
      }
    };
    hooks.status = [this](const NDIS_STATUS_INDICATION& indication) {
      statuses.push_back(indication.StatusCode);
    };
    hooks.oid_complete = [this](PNDIS_OID_REQUEST, NDIS_STATUS status) {
      oid_completions.push_back(status);
    };
    b.kernel.set_protocol(hooks);
    EXPECT_EQ(CDriverEntry(nullptr, nullptr), NDIS_STATUS_SUCCESS);
  }

  // Runs fn at at_ns. A CPU's passive work runs in the order it was queued, so work queued now
  // for later would hold back the driver's I/O work items queued meanwhile: queue it when due.
  void at(uint64_t at_ns, std::function<void()> fn) {
    sc_core::sc_spawn([at_ns, fn = std::move(fn)] {
      sc_core::wait(sc_core::sc_time(static_cast<double>(at_ns), sc_core::SC_NS));
      fn();
    });
  }
  void passive_at(unsigned cpu, uint64_t at_ns, std::string name, std::function<void()> fn) {
    at(at_ns, [this, cpu, name = std::move(name), fn = std::move(fn)] {
      b.kernel.run_passive(cpu, name, fn, b.platform.now_ns());
    });
  }
  void initialize_at(uint64_t at_ns) {
    at(at_ns, [this] { b.kernel.initialize_adapter(0, b.platform.now_ns()); });
  }
  void halt_at(uint64_t at_ns) {
    at(at_ns, [this] { b.kernel.halt_adapter(0, b.platform.now_ns()); });
  }

  // The device raises cause at at_ns: its message (message-based) or the INTx line.
  void interrupt(ULONG cause, uint64_t at_ns, ULONG message = 0) {
    sc_core::sc_spawn([this, cause, at_ns, message] {
      sc_core::wait(sc_core::sc_time(static_cast<double>(at_ns) * 1000 + 500, sc_core::SC_PS));
      b.registers.regs[C_DRIVER_REG_CAUSE] = cause;
      if (PIO_INTERRUPT_MESSAGE_INFO info = CDriverMessageInfo()) {
        const auto& entry = info->MessageInfo[message];
        b.platform.intc().on_message(static_cast<uint64_t>(entry.MessageAddress.QuadPart),
                                     entry.MessageData);
      } else {
        b.platform.intc().drive_line(b.platform.config().intx_line, "nic", true);
      }
    });
  }

  // Protocol side, on a CPU thread: a chain of two NBLs. The first has two NBs, the first NB
  // spanning two MDLs from a data offset of 10; kSentBytes in all.
  PNET_BUFFER_LIST build_send_chain(PVOID cancel_id = nullptr) {
    NET_BUFFER_LIST_POOL_PARAMETERS nbl_pool{};
    nbl_pool.Header = {NDIS_OBJECT_TYPE_DEFAULT, NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1,
                       sizeof nbl_pool};
    nbl_pool.ProtocolId = NDIS_PROTOCOL_ID_DEFAULT;
    nbl_pool.fAllocateNetBuffer = TRUE;
    nbl_pool.PoolTag = kProtocolTag;
    NET_BUFFER_POOL_PARAMETERS nb_pool{};
    nb_pool.Header = {NDIS_OBJECT_TYPE_DEFAULT, NET_BUFFER_POOL_PARAMETERS_REVISION_1,
                      sizeof nb_pool};
    nb_pool.PoolTag = kProtocolTag;
    NDIS_HANDLE nbls = NdisAllocateNetBufferListPool(nullptr, &nbl_pool);
    NDIS_HANDLE nbs = NdisAllocateNetBufferPool(nullptr, &nb_pool);
    // NDIS memory, so the scatter-gather lists can map it.
    auto buffer = [](UINT length, UCHAR fill) {
      auto* p = static_cast<PUCHAR>(
          NdisAllocateMemoryWithTagPriority(nullptr, length, kProtocolTag, NormalPoolPriority));
      NdisFillMemory(p, length, fill);
      return p;
    };
    PUCHAR a = buffer(100, 0x11), c = buffer(80, 0x22), d = buffer(64, 0x33), e = buffer(60, 0x44);
    a[10] = 0x01;  // a multicast destination
    PMDL first = NdisAllocateMdl(nullptr, a, 100);
    NDIS_MDL_LINKAGE(first) = NdisAllocateMdl(nullptr, c, 80);
    PNET_BUFFER_LIST head = NdisAllocateNetBufferAndNetBufferList(nbls, 0, 0, first, 10, 150);
    NET_BUFFER_NEXT_NB(NET_BUFFER_LIST_FIRST_NB(head)) =
        NdisAllocateNetBuffer(nbs, NdisAllocateMdl(nullptr, d, 64), 0, 64);
    PNET_BUFFER_LIST tail =
        NdisAllocateNetBufferAndNetBufferList(nbls, 0, 0, NdisAllocateMdl(nullptr, e, 60), 0, 60);
    NET_BUFFER_LIST_NEXT_NBL(head) = tail;
    NET_BUFFER_LIST_INFO(head, NetBufferListCancelId) = cancel_id;
    NET_BUFFER_LIST_INFO(tail, NetBufferListCancelId) = cancel_id;
    return head;
  }

  void send_at(unsigned cpu, uint64_t at_ns, PVOID cancel_id = nullptr) {
    passive_at(cpu, at_ns, "protocol_send", [this, cancel_id] {
      b.kernel.send_net_buffer_lists(build_send_chain(cancel_id), 0);
    });
  }

  // The protocol gives the indicated NBLs back.
  void return_at(unsigned cpu, uint64_t at_ns) {
    passive_at(cpu, at_ns, "protocol_return", [this] {
      PNET_BUFFER_LIST head = nullptr;
      for (auto it = received.rbegin(); it != received.rend(); ++it) {
        NET_BUFFER_LIST_NEXT_NBL(*it) = head;
        head = *it;
      }
      received.clear();
      if (head) b.kernel.return_net_buffer_lists(head, 0);
    });
  }

  C_DRIVER_COUNTERS counters() const {
    C_DRIVER_COUNTERS c{};
    CDriverGetCounters(&c);
    return c;
  }

  // Some access of this width reached the device's registers.
  bool accessed(bool write, unsigned bytes) const {
    for (const auto& access : b.registers.accesses)
      if (access.write == write && access.bytes == bytes) return true;
    return false;
  }

  Bench b;
  std::vector<PNET_BUFFER_LIST> received;
  std::vector<ULONG> received_lengths, received_hashes, received_hash_types, resource_lengths;
  std::vector<PNET_BUFFER_LIST> completed;
  std::vector<NDIS_STATUS> completed_status, statuses, oid_completions;
};

// Initialize (and restart), housekeeping timer at 50 us, a send at 100 us, TX and RX done at
// 150 us, the receive returned at 250 us, halt at 350 us, unload at 450 us.
void RunDataPath(CDriverBench& d, ULONG message) {
  d.initialize_at(0);
  d.send_at(1, 100'000);
  d.interrupt(C_DRIVER_CAUSE_TX | C_DRIVER_CAUSE_RX, 150'000, message);
  d.return_at(0, 250'000);
  d.halt_at(350'000);
  d.at(450'000, [&d] { d.b.kernel.unload_driver(0, d.b.platform.now_ns()); });
  d.b.run(600'000);
}

void ExpectDataPathRan(const CDriverBench& d) {
  const C_DRIVER_COUNTERS c = d.counters();
  EXPECT_EQ(c.Initialized, 1);
  EXPECT_EQ(c.Restarts, 1);
  EXPECT_EQ(c.Pauses, 1);
  EXPECT_EQ(c.Halted, 1);
  EXPECT_EQ(c.Unloads, 1);
  EXPECT_EQ(d.b.kernel.adapter_state(), AdapterState::kHalted);
  // Configuration: both numbers and the string keyword; the port window.
  EXPECT_EQ(c.ConfigValuesRead, 3);
  EXPECT_EQ(c.PortReads, 3);
  // Interrupt: claimed, DPC run, unmasked under the interrupt lock.
  EXPECT_GE(c.IsrClaimed, 1);
  EXPECT_GE(c.Dpcs, 1);
  EXPECT_GE(c.SyncCallbacks, 1);
  EXPECT_TRUE(d.accessed(true, 1)) << "NdisWriteRegisterUchar never reached the device";
  EXPECT_TRUE(d.accessed(true, 2)) << "NdisWriteRegisterUshort never reached the device";
  EXPECT_TRUE(d.accessed(false, 1)) << "NdisReadRegisterUchar never reached the device";
  EXPECT_TRUE(d.accessed(false, 2)) << "NdisReadRegisterUshort never reached the device";
  // Send: NBL -> NB -> MDL, one SG list per NB, completed to the protocol.
  EXPECT_EQ(c.SendCalls, 1);
  EXPECT_EQ(c.NblsSent, 2);
  EXPECT_EQ(c.NbsSent, 3);
  EXPECT_EQ(c.BytesSent, static_cast<LONG64>(kSentBytes));
  EXPECT_EQ(c.SgLists, 3);
  EXPECT_GE(c.SgElements, 4);  // the two-MDL NB needs two elements
  EXPECT_EQ(c.NblsCompleted, 2);
  ASSERT_EQ(d.completed.size(), 2u);
  EXPECT_EQ(d.completed_status,
            (std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS, NDIS_STATUS_SUCCESS}));
  // Receive: a pool NBL with the keyword's frame length and the device's hash, returned; and
  // the resources NBL, copied at once.
  EXPECT_EQ(c.ReceivesIndicated, 1);
  EXPECT_EQ(d.received_lengths, std::vector<ULONG>{kRxFrameLength});
  EXPECT_EQ(d.received_hashes, std::vector<ULONG>{kRxHash});
  EXPECT_EQ(d.received_hash_types, std::vector<ULONG>{NDIS_HASH_IPV4});
  EXPECT_EQ(c.NblsReturned, 1);
  EXPECT_EQ(c.LastReturnedHash, kRxHash);
  EXPECT_EQ(c.ResourceReceivesIndicated, 1);
  EXPECT_EQ(d.resource_lengths.size(), 1u);
  // Timer, its KDPC and the work items; the link reported up.
  EXPECT_GE(c.TimerCallbacks, 1);
  EXPECT_GE(c.KdpcCalls, 1);
  EXPECT_GE(c.WorkItems, 1);
  EXPECT_EQ(c.StatusIndications, 1);
  EXPECT_EQ(d.statuses, std::vector<NDIS_STATUS>{NDIS_STATUS_LINK_STATE});
}

TEST(CDriver, MessageBasedDataPath) {
  CDriverBench d({0, 1});
  RunDataPath(d, 1);
  EXPECT_NO_VIOLATIONS(d.b);
  const C_DRIVER_COUNTERS c = d.counters();
  EXPECT_EQ(c.MessageBased, 1);
  EXPECT_EQ(c.Messages, 2);
  ExpectDataPathRan(d);
}

TEST(CDriver, LineBasedDataPath) {
  CDriverBench d({});
  RunDataPath(d, 0);
  EXPECT_NO_VIOLATIONS(d.b);
  const C_DRIVER_COUNTERS c = d.counters();
  EXPECT_EQ(c.MessageBased, 0);
  EXPECT_EQ(c.Messages, 0);
  ExpectDataPathRan(d);
}

// A line interrupt another device raised: the C ISR finds no cause and does not claim it.
TEST(CDriver, LineBasedIsrLeavesAnotherDevicesInterrupt) {
  CDriverBench d({});
  d.initialize_at(0);
  d.b.drive_line("other_device", true, 100'000);
  d.b.drive_line("other_device", false, 101'000);
  d.halt_at(200'000);
  d.b.run(300'000);
  EXPECT_NO_VIOLATIONS(d.b);
  const C_DRIVER_COUNTERS c = d.counters();
  EXPECT_GE(c.IsrCalls, 1);
  EXPECT_EQ(c.IsrClaimed, 0);
  EXPECT_EQ(c.Halted, 1);
}

// OIDs (answered, too short, set, pended and completed later), cancel-send, check-for-hang,
// reset (completed from a KDPC), shutdown, and a pause that pends until the protocol returns
// the last receive.
TEST(CDriver, LifecycleOidsResetCancelAndPendingPause) {
  CDriverBench d({0, 1});
  auto& k = d.b.kernel;
  NDIS_STATISTICS_INFO stats{};
  NDIS_OID oids[2] = {};
  ULONG filter = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST;
  UCHAR multicast[12] = {0x01, 0x00, 0x5E, 0, 0, 1, 0x01, 0x00, 0x5E, 0, 0, 2};
  NDIS_OID_REQUEST query_stats{}, query_short{}, set_filter{}, set_multicast{};
  std::vector<NDIS_STATUS> oid_status;
  auto request = [](NDIS_OID_REQUEST& r, NDIS_REQUEST_TYPE type, NDIS_OID oid, PVOID buffer,
                    UINT length) {
    r.Header = {NDIS_OBJECT_TYPE_DEFAULT, NDIS_OID_REQUEST_REVISION_1, sizeof r};
    r.RequestType = type;
    r.DATA.QUERY_INFORMATION.Oid = oid;  // the SET_INFORMATION layout starts alike
    r.DATA.QUERY_INFORMATION.InformationBuffer = buffer;
    r.DATA.QUERY_INFORMATION.InformationBufferLength = length;
  };
  request(query_stats, NdisRequestQueryStatistics, OID_GEN_STATISTICS, &stats, sizeof stats);
  request(query_short, NdisRequestQueryInformation, OID_GEN_SUPPORTED_LIST, oids, sizeof oids);
  request(set_filter, NdisRequestSetInformation, OID_GEN_CURRENT_PACKET_FILTER, &filter,
          sizeof filter);
  request(set_multicast, NdisRequestSetInformation, OID_802_3_MULTICAST_LIST, multicast,
          sizeof multicast);

  d.initialize_at(0);
  d.passive_at(1, 60'000, "protocol_oids", [&] {
    for (auto* r : {&query_stats, &query_short, &set_filter, &set_multicast})
      oid_status.push_back(k.oid_request(r));
  });
  // A send nobody completes, cancelled by its id.
  int cancel_cookie = 0;
  d.send_at(1, 100'000, &cancel_cookie);
  d.passive_at(0, 130'000, "protocol_cancel", [&] { k.cancel_send(&cancel_cookie); });
  d.at(140'000, [&] { k.check_for_hang(0, d.b.platform.now_ns()); });
  d.at(150'000, [&] { k.reset_adapter(0, d.b.platform.now_ns()); });
  // A receive the protocol holds across the pause that halt starts.
  d.interrupt(C_DRIVER_CAUSE_RX, 200'000, 0);
  d.at(240'000, [&] { k.shutdown_adapter(0, d.b.platform.now_ns()); });
  d.halt_at(250'000);
  d.return_at(1, 300'000);
  d.b.run(800'000);

  EXPECT_NO_VIOLATIONS(d.b);
  const C_DRIVER_COUNTERS c = d.counters();
  EXPECT_EQ(oid_status, (std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS, NDIS_STATUS_BUFFER_TOO_SHORT,
                                                  NDIS_STATUS_SUCCESS, NDIS_STATUS_PENDING}));
  EXPECT_EQ(query_stats.DATA.QUERY_INFORMATION.BytesWritten, sizeof stats);
  EXPECT_EQ(stats.Header.Revision, NDIS_STATISTICS_INFO_REVISION_1);
  EXPECT_GT(query_short.DATA.QUERY_INFORMATION.BytesNeeded, sizeof oids);
  EXPECT_EQ(d.oid_completions, std::vector<NDIS_STATUS>{NDIS_STATUS_SUCCESS});
  EXPECT_EQ(c.OidRequests, 4);
  // Cancelled: both NBLs back, aborted.
  EXPECT_EQ(d.completed_status,
            (std::vector<NDIS_STATUS>{NDIS_STATUS_SEND_ABORTED, NDIS_STATUS_SEND_ABORTED}));
  EXPECT_EQ(c.Resets, 1);
  // The pause waited for the return (it pended), then halt ran.
  EXPECT_EQ(c.ReceivesIndicated, 1);
  EXPECT_EQ(c.NblsReturned, 1);
  EXPECT_EQ(c.Pauses, 1);
  EXPECT_EQ(c.Halted, 1);
  EXPECT_EQ(k.adapter_state(), AdapterState::kHalted);
}

// The driver takes its send lock with NdisDprAcquireSpinLock although NDIS called it at
// PASSIVE_LEVEL: the report names the C file, line and function.
TEST(CDriver, DPR_ACQUIRE_IRQL_TriggersAtTheCSourceLine) {
  const int line = MistakeLine("DprAcquireAtPassive");
  ASSERT_GT(line, 0) << "no C_DRIVER_MISTAKE(DprAcquireAtPassive) marker in " << C_DRIVER_SOURCE;
  CDriverBench d({0, 1});
  CDriverSetMistake(CDriverDprAcquireAtPassive);
  d.initialize_at(0);
  d.send_at(1, 100'000);
  d.b.run(200'000);
  const auto& v = EXPECT_VIOLATION(d.b, "DPR_ACQUIRE_IRQL");
  EXPECT_EQ(v.where,
            "testbench/ndis/c_driver.c:" + std::to_string(line) + " (CDriverSendNetBufferLists)");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.irql, 0);
}

// The ISR takes a spin lock at DIRQL.
TEST(CDriver, SPINLOCK_AT_DIRQL_TriggersInTheCIsr) {
  const int line = MistakeLine("SpinLockInIsr");
  ASSERT_GT(line, 0) << "no C_DRIVER_MISTAKE(SpinLockInIsr) marker in " << C_DRIVER_SOURCE;
  CDriverBench d({1});
  CDriverSetMistake(CDriverSpinLockInIsr);
  d.initialize_at(0);
  d.interrupt(C_DRIVER_CAUSE_RX, 100'000, 0);
  d.b.run(200'000);
  const auto& v = EXPECT_VIOLATION(d.b, "SPINLOCK_AT_DIRQL");
  EXPECT_EQ(v.where, "testbench/ndis/c_driver.c:" + std::to_string(line) + " (CDriverClaim)");
  EXPECT_EQ(v.cpu, 1);
}

}  // namespace
}  // namespace nicsim::ndis
