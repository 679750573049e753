// Data-path rules and capabilities: who owns a NET_BUFFER_LIST, NET_BUFFER or MDL along allocate,
// send, complete, indicate, return and free; pools; scatter-gather lists and the DMA grants they
// give; the WDK layout and the NBL macros.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "driver/ndis/net_buffer_walk.h"
#include "sim/host_memory.h"
#include "testbench/ndis/ndis_test_util.h"

namespace nicsim::ndis {
namespace {

using testing::Bench;
using testing::Fragment;

constexpr ULONG kTag = 0x74654E54;  // 'TNet'

// The start of the where a report made at `line` of this file shows (the function follows).
std::string At(int line) {
  return "testbench/ndis/net_buffers_test.cc:" + std::to_string(line) + " (";
}
#define EXPECT_WHERE(violation, line) \
  EXPECT_TRUE((violation).where.starts_with(At(line))) << (violation).where

size_t CountViolations(Bench& b, const std::string& rule) {
  size_t n = 0;
  for (const auto& v : b.platform.violations().all()) n += v.rule == rule;
  return n;
}

// --- driver-side helpers (call them on a simulated CPU) -------------------------------------

NDIS_HANDLE NblPool(BOOLEAN with_nb = TRUE, USHORT context_size = 0) {
  NET_BUFFER_LIST_POOL_PARAMETERS p{};
  p.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
  p.Header.Revision = NET_BUFFER_LIST_POOL_PARAMETERS_REVISION_1;
  p.Header.Size = sizeof(p);
  p.ProtocolId = NDIS_PROTOCOL_ID_DEFAULT;
  p.fAllocateNetBuffer = with_nb;
  p.ContextSize = context_size;
  p.PoolTag = kTag;
  return NdisAllocateNetBufferListPool(nullptr, &p);
}

NDIS_HANDLE NbPool() {
  NET_BUFFER_POOL_PARAMETERS p{};
  p.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
  p.Header.Revision = NET_BUFFER_POOL_PARAMETERS_REVISION_1;
  p.Header.Size = sizeof(p);
  p.PoolTag = kTag;
  return NdisAllocateNetBufferPool(nullptr, &p);
}

// Ordinary NDIS memory holding first, first + 1, ...
PUCHAR Filled(UINT length, UCHAR first) {
  auto* p = static_cast<PUCHAR>(
      NdisAllocateMemoryWithTagPriority(nullptr, length, kTag, NormalPoolPriority));
  for (UINT i = 0; i < length; ++i) p[i] = static_cast<UCHAR>(first + i);
  return p;
}

// One frame: NDIS memory, an MDL over it, an NBL with one NB over the MDL.
struct Frame {
  PUCHAR data = nullptr;
  PMDL mdl = nullptr;
  PNET_BUFFER_LIST nbl = nullptr;
  PNET_BUFFER nb() const { return NET_BUFFER_LIST_FIRST_NB(nbl); }
};

Frame NewFrame(NDIS_HANDLE pool, UINT length = 64, UCHAR first = 0) {
  Frame f;
  f.data = Filled(length, first);
  f.mdl = NdisAllocateMdl(nullptr, f.data, length);
  f.nbl = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, f.mdl, 0, length);
  return f;
}

void FreeFrame(const Frame& f) {
  NdisFreeNetBufferList(f.nbl);
  NdisFreeMdl(f.mdl);
  NdisFreeMemory(f.data, 0, 0);
}

// What MINIPORT_PROCESS_SG_LIST saw (its Context).
struct SgRecord {
  int calls = 0;
  KIRQL irql = 0xFF;
  ULONG cpu = ~0u;
  PSCATTER_GATHER_LIST list = nullptr;
  std::vector<SCATTER_GATHER_ELEMENT> elements;
};

VOID RecordSgList(PVOID, PVOID, PSCATTER_GATHER_LIST list, PVOID context) {
  auto* r = static_cast<SgRecord*>(context);
  ++r->calls;
  r->irql = KeGetCurrentIrql();
  r->cpu = KeGetCurrentProcessorNumber();
  r->list = list;
  r->elements.assign(list->Elements, list->Elements + list->NumberOfElements);
}

// Registers scatter-gather DMA with RecordSgList; list_bytes gets ScatterGatherListSize.
NDIS_HANDLE RegisterSgDma(NDIS_HANDLE adapter, ULONG* list_bytes = nullptr) {
  NDIS_SG_DMA_DESCRIPTION d{};
  d.Header.Type = NDIS_OBJECT_TYPE_SG_DMA_DESCRIPTION;
  d.Header.Revision = NDIS_SG_DMA_DESCRIPTION_REVISION_1;
  d.Header.Size = sizeof(d);
  d.Flags = NDIS_SG_DMA_64_BIT_ADDRESS;
  d.MaximumPhysicalMapping = 0x10000;
  d.ProcessSGListHandler = RecordSgList;
  NDIS_HANDLE dma = nullptr;
  if (NdisMRegisterScatterGatherDma(adapter, &d, &dma) != NDIS_STATUS_SUCCESS) return nullptr;
  if (list_bytes) *list_bytes = d.ScatterGatherListSize;
  return dma;
}

// --- a tiny miniport registered with NdisMRegisterMiniportDriver ----------------------------

// Its send and return handlers are the test's closures; initialize makes a receive pool and
// then runs on_initialize.
struct Miniport {
  NDIS_HANDLE adapter = nullptr;
  NDIS_HANDLE pool = nullptr;
  std::function<void()> on_initialize = [] {};
  std::function<void(PNET_BUFFER_LIST, ULONG)> send = [](PNET_BUFFER_LIST, ULONG) {};
  std::function<void(PNET_BUFFER_LIST, ULONG)> return_nbls = [](PNET_BUFFER_LIST, ULONG) {};
};
Miniport* g_miniport = nullptr;

NDIS_STATUS MiniInitialize(NDIS_HANDLE handle, NDIS_HANDLE, PNDIS_MINIPORT_INIT_PARAMETERS) {
  NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES registration{};
  registration.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
  registration.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
  registration.Header.Size = sizeof(registration);
  registration.MiniportAdapterContext = g_miniport;
  NdisMSetMiniportAttributes(handle,
                             reinterpret_cast<PNDIS_MINIPORT_ADAPTER_ATTRIBUTES>(&registration));
  g_miniport->adapter = handle;
  g_miniport->pool = NblPool();
  g_miniport->on_initialize();
  return g_miniport->pool ? NDIS_STATUS_SUCCESS : NDIS_STATUS_RESOURCES;
}

VOID MiniHalt(NDIS_HANDLE, NDIS_HALT_ACTION) {}

VOID MiniSendNetBufferLists(NDIS_HANDLE context, PNET_BUFFER_LIST nbls, NDIS_PORT_NUMBER,
                            ULONG flags) {
  static_cast<Miniport*>(context)->send(nbls, flags);
}

VOID MiniReturnNetBufferLists(NDIS_HANDLE context, PNET_BUFFER_LIST nbls, ULONG flags) {
  static_cast<Miniport*>(context)->return_nbls(nbls, flags);
}

// Registers the miniport and initializes its adapter on CPU 0 at time 0.
void Load(Bench& b, Miniport& m) {
  g_miniport = &m;
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS chars{};
  chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
  chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
  chars.Header.Size = sizeof(chars);
  chars.MajorNdisVersion = 6;
  chars.MinorNdisVersion = 30;
  chars.InitializeHandlerEx = MiniInitialize;
  chars.HaltHandlerEx = MiniHalt;
  chars.SendNetBufferListsHandler = MiniSendNetBufferLists;
  chars.ReturnNetBufferListsHandler = MiniReturnNetBufferLists;
  NDIS_HANDLE driver = nullptr;
  ASSERT_EQ(NdisMRegisterMiniportDriver(nullptr, nullptr, nullptr, &chars, &driver),
            NDIS_STATUS_SUCCESS);
  b.kernel.initialize_adapter(0, 0);
}

// --- the protocol (the testbench's upper edge) -----------------------------------------------

struct Protocol {
  std::vector<PNET_BUFFER_LIST> received;  // every NBL indicated up, in order
  std::vector<ULONG> counts;               // NumberOfNetBufferLists per indication
  std::vector<std::string> receive_contexts;
  std::vector<PNET_BUFFER_LIST> completed;  // every NBL send-completed, in order
  std::vector<int> complete_cpus;
  std::function<void(PNET_BUFFER_LIST)> on_complete = [](PNET_BUFFER_LIST) {};

  void install(Bench& b) {
    b.kernel.set_protocol(
        {[this, &b](PNET_BUFFER_LIST nbls, ULONG count, ULONG) {
           counts.push_back(count);
           receive_contexts.emplace_back(sim::to_string(b.platform.current_cpu().context()));
           for (PNET_BUFFER_LIST n = nbls; n; n = NET_BUFFER_LIST_NEXT_NBL(n))
             received.push_back(n);
         },
         [this](PNET_BUFFER_LIST nbls, ULONG) {
           for (PNET_BUFFER_LIST n = nbls; n;) {
             PNET_BUFFER_LIST next = NET_BUFFER_LIST_NEXT_NBL(n);
             completed.push_back(n);
             complete_cpus.push_back(static_cast<int>(KeGetCurrentProcessorNumber()));
             on_complete(n);
             n = next;
           }
         }});
  }
};

// ============================================================================================
// NBL_DOUBLE_FREE
// ============================================================================================

TEST(NetBufferRules, NBL_DOUBLE_FREE_Triggers) {
  Bench b;
  int first = 0, second = 0;
  b.kernel.run_passive(1, "fragment", [&] {
    const Frame f = NewFrame(NblPool());
    first = __LINE__ + 1;
    NdisFreeNetBufferList(f.nbl);
    second = __LINE__ + 1;
    NdisFreeNetBufferList(f.nbl);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "NBL_DOUBLE_FREE");
  EXPECT_EQ(v.object, "NET_BUFFER_LIST");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_WHERE(v, second);
  EXPECT_NE(v.message.find(At(first)), std::string::npos) << v.message;  // names the first free
  EXPECT_EQ(CountViolations(b, "NBL_DOUBLE_FREE"), 1u);
}

TEST(NetBufferRules, NBL_DOUBLE_FREE_TriggersOnNetBufferAndMdl) {
  Bench b;
  int nb_line = 0, mdl_line = 0;
  b.kernel.run_passive(0, "fragment", [&] {
    PUCHAR data = Filled(64, 0);
    PMDL mdl = NdisAllocateMdl(nullptr, data, 64);
    NDIS_HANDLE pool = NbPool();
    PNET_BUFFER nb = NdisAllocateNetBuffer(pool, mdl, 0, 64);
    ASSERT_NE(nb, nullptr);
    NdisFreeNetBuffer(nb);
    nb_line = __LINE__ + 1;
    NdisFreeNetBuffer(nb);
    NdisFreeMdl(mdl);
    mdl_line = __LINE__ + 1;
    NdisFreeMdl(mdl);
  });
  b.run();
  ASSERT_EQ(CountViolations(b, "NBL_DOUBLE_FREE"), 2u) << testing::describe(b.kernel.violations());
  const auto& nb = b.kernel.violations()[0];
  const auto& mdl = b.kernel.violations()[1];
  EXPECT_EQ(nb.object, "NET_BUFFER");
  EXPECT_WHERE(nb, nb_line);
  EXPECT_EQ(mdl.object, "MDL");
  EXPECT_WHERE(mdl, mdl_line);
}

TEST(NetBufferRules, NBL_DOUBLE_FREE_TriggersOnNblNoPoolAllocated) {
  Bench b;
  NET_BUFFER_LIST own{};  // a driver's private NBL: never the pool's to take back
  b.kernel.run_passive(0, "fragment", [&] { NdisFreeNetBufferList(&own); });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "NBL_DOUBLE_FREE");
  EXPECT_NE(v.message.find("no NDIS pool"), std::string::npos) << v.message;
}

TEST(NetBufferRules, NBL_DOUBLE_FREE_Silent) {
  Bench b;
  bool done = false;
  b.kernel.run_passive(1, "fragment", [&] {
    NDIS_HANDLE pool = NblPool();
    const Frame f = NewFrame(pool);
    ASSERT_NE(f.nbl, nullptr);
    ASSERT_NE(f.nb(), nullptr);
    FreeFrame(f);
    NdisFreeNetBufferListPool(pool);  // POOL_FREED_IN_USE had the free not counted
    done = true;
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_TRUE(done);
}

// ============================================================================================
// NBL_USED_AFTER_FREE
// ============================================================================================

TEST(NetBufferRules, NBL_USED_AFTER_FREE_Triggers) {
  Bench b;
  int freed = 0, used = 0;
  PVOID got = reinterpret_cast<PVOID>(1);
  b.kernel.run_passive(1, "fragment", [&] {
    const Frame f = NewFrame(NblPool());
    PNET_BUFFER nb = f.nb();
    freed = __LINE__ + 1;
    NdisFreeNetBufferList(f.nbl);  // frees its NET_BUFFER with it
    used = __LINE__ + 1;
    got = NdisGetDataBuffer(nb, 14, nullptr, 1, 0);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "NBL_USED_AFTER_FREE");
  EXPECT_EQ(v.object, "NET_BUFFER");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_WHERE(v, used);
  EXPECT_NE(v.message.find(At(freed)), std::string::npos) << v.message;
  EXPECT_EQ(got, nullptr);
}

TEST(NetBufferRules, NBL_USED_AFTER_FREE_TriggersOnIndicate) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  Frame rx;
  m.on_initialize = [&] {
    rx = NewFrame(m.pool);
    NdisFreeNetBufferList(rx.nbl);
  };
  Load(b, m);
  Fragment f;
  int line = 0;
  f.dpc = [&](ULONG, PVOID) {
    line = __LINE__ + 1;
    NdisMIndicateReceiveNetBufferLists(m.adapter, rx.nbl, 0, 1, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
  };
  b.register_at_start(f, {1});
  b.fire(f, 0, 20'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "NBL_USED_AFTER_FREE");
  EXPECT_EQ(v.object, "NET_BUFFER_LIST");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.context, "dpc");
  EXPECT_WHERE(v, line);
  EXPECT_TRUE(p.received.empty());  // a freed NBL never reaches the protocol
}

TEST(NetBufferRules, NBL_USED_AFTER_FREE_TriggersOnMdl) {
  Bench b;
  int line = 0;
  ULONG count = 0;
  b.kernel.run_passive(0, "fragment", [&] {
    PMDL mdl = NdisAllocateMdl(nullptr, Filled(64, 0), 64);
    NdisFreeMdl(mdl);
    line = __LINE__ + 1;
    NdisAdjustMdlLength(mdl, 32);
    count = MmGetMdlByteCount(mdl);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "NBL_USED_AFTER_FREE");
  EXPECT_EQ(v.object, "MDL");
  EXPECT_WHERE(v, line);
  EXPECT_EQ(count, 64u);  // not adjusted
}

TEST(NetBufferRules, NBL_USED_AFTER_FREE_Silent) {
  Bench b;
  PVOID got = nullptr;
  PUCHAR data = nullptr;
  ULONG adjusted = 0;
  b.kernel.run_passive(1, "fragment", [&] {
    const Frame f = NewFrame(NblPool(), 64, 0x40);
    data = f.data;
    got = NdisGetDataBuffer(f.nb(), 14, nullptr, 1, 0);
    NdisAdjustMdlLength(f.mdl, 60);
    adjusted = MmGetMdlByteCount(f.mdl);
    FreeFrame(f);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(got, data);  // the header is contiguous: a pointer into the MDL
  EXPECT_EQ(adjusted, 60u);
}

// ============================================================================================
// NBL_FREED_IN_USE
// ============================================================================================

TEST(NetBufferRules, NBL_FREED_IN_USE_Triggers) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  Frame rx;
  m.on_initialize = [&] { rx = NewFrame(m.pool); };
  Load(b, m);
  Fragment f;
  int line = 0;
  f.dpc = [&](ULONG, PVOID) {
    NdisMIndicateReceiveNetBufferLists(m.adapter, rx.nbl, 0, 1, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
    line = __LINE__ + 1;
    NdisFreeNetBufferList(rx.nbl);  // the protocol still holds it
  };
  b.register_at_start(f, {1});
  b.fire(f, 0, 20'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "NBL_FREED_IN_USE");
  EXPECT_EQ(v.object, "NET_BUFFER_LIST");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.context, "dpc");
  EXPECT_WHERE(v, line);
  EXPECT_NE(v.message.find("indicated and not yet returned"), std::string::npos) << v.message;
  EXPECT_EQ(p.received.size(), 1u);
}

TEST(NetBufferRules, NBL_FREED_IN_USE_TriggersOnSend) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  int line = 0;
  m.send = [&](PNET_BUFFER_LIST nbls, ULONG) {
    line = __LINE__ + 1;
    NdisFreeNetBufferList(nbls);  // not the miniport's to free: complete it
  };
  Load(b, m);
  b.kernel.run_passive(
      1, "protocol", [&] { b.kernel.send_net_buffer_lists(NewFrame(NblPool()).nbl, 0); }, 10'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "NBL_FREED_IN_USE");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_WHERE(v, line);
  EXPECT_NE(v.message.find("sent and not yet completed"), std::string::npos) << v.message;
}

TEST(NetBufferRules, NBL_FREED_IN_USE_Silent) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  Frame rx;
  std::vector<PNET_BUFFER_LIST> returned;
  m.on_initialize = [&] { rx = NewFrame(m.pool); };
  m.return_nbls = [&](PNET_BUFFER_LIST nbls, ULONG) {
    for (PNET_BUFFER_LIST n = nbls; n; n = NET_BUFFER_LIST_NEXT_NBL(n)) returned.push_back(n);
    NdisFreeNetBufferList(nbls);  // returned: the miniport's again
  };
  Load(b, m);
  Fragment f;
  f.dpc = [&](ULONG, PVOID) {
    NdisMIndicateReceiveNetBufferLists(m.adapter, rx.nbl, 0, 1, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
  };
  b.register_at_start(f, {1});
  b.fire(f, 0, 20'000);
  b.kernel.run_passive(
      0, "protocol", [&] { b.kernel.return_net_buffer_lists(p.received.at(0), 0); }, 60'000);
  b.kernel.run_passive(
      0, "halt", [&] { NdisFreeNetBufferListPool(m.pool); }, 100'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_EQ(p.received.size(), 1u);
  EXPECT_EQ(p.received[0], rx.nbl);
  ASSERT_EQ(returned.size(), 1u);
  EXPECT_EQ(returned[0], rx.nbl);
}

// NDIS_RECEIVE_FLAGS_RESOURCES: the NBL is the miniport's again when the indication returns.
TEST(NetBufferRules, NBL_FREED_IN_USE_SilentAfterResourcesIndication) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  Frame rx;
  m.on_initialize = [&] { rx = NewFrame(m.pool); };
  Load(b, m);
  Fragment f;
  bool freed = false;
  f.dpc = [&](ULONG, PVOID) {
    NdisMIndicateReceiveNetBufferLists(
        m.adapter, rx.nbl, 0, 1, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL | NDIS_RECEIVE_FLAGS_RESOURCES);
    NdisFreeNetBufferList(rx.nbl);
    freed = true;
  };
  b.register_at_start(f, {1});
  b.fire(f, 0, 20'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(p.received.size(), 1u);
  EXPECT_TRUE(freed);
}

// ============================================================================================
// POOL_FREED_IN_USE
// ============================================================================================

TEST(NetBufferRules, POOL_FREED_IN_USE_Triggers) {
  Bench b;
  int line = 0;
  b.kernel.run_passive(1, "fragment", [&] {
    NDIS_HANDLE pool = NblPool(FALSE);
    ASSERT_NE(NdisAllocateNetBufferList(pool, 0, 0), nullptr);
    ASSERT_NE(NdisAllocateNetBufferList(pool, 0, 0), nullptr);
    line = __LINE__ + 1;
    NdisFreeNetBufferListPool(pool);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "POOL_FREED_IN_USE");
  EXPECT_EQ(v.object, "NetBufferListPool");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_WHERE(v, line);
  EXPECT_NE(v.message.find("2 NET_BUFFER_LIST(s)"), std::string::npos) << v.message;
}

TEST(NetBufferRules, POOL_FREED_IN_USE_TriggersOnNetBufferPool) {
  Bench b;
  int line = 0;
  b.kernel.run_passive(0, "fragment", [&] {
    PUCHAR data = Filled(64, 0);
    PMDL mdl = NdisAllocateMdl(nullptr, data, 64);
    NDIS_HANDLE pool = NbPool();
    ASSERT_NE(NdisAllocateNetBuffer(pool, mdl, 0, 64), nullptr);
    line = __LINE__ + 1;
    NdisFreeNetBufferPool(pool);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "POOL_FREED_IN_USE");
  EXPECT_EQ(v.object, "NetBufferPool");
  EXPECT_WHERE(v, line);
}

TEST(NetBufferRules, POOL_FREED_IN_USE_Silent) {
  Bench b;
  std::vector<PNET_BUFFER_LIST> nbls;
  std::vector<PNET_BUFFER> nbs;
  b.kernel.run_passive(1, "fragment", [&] {
    NDIS_HANDLE nbl_pool = NblPool(FALSE);
    NDIS_HANDLE nb_pool = NbPool();
    PMDL mdl = NdisAllocateMdl(nullptr, Filled(64, 0), 64);
    for (int i = 0; i < 3; ++i) {
      nbls.push_back(NdisAllocateNetBufferList(nbl_pool, 0, 0));
      nbs.push_back(NdisAllocateNetBuffer(nb_pool, mdl, 0, 64));
    }
    for (PNET_BUFFER_LIST nbl : nbls) NdisFreeNetBufferList(nbl);
    for (PNET_BUFFER nb : nbs) NdisFreeNetBuffer(nb);
    NdisFreeNetBufferListPool(nbl_pool);
    NdisFreeNetBufferPool(nb_pool);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_EQ(nbls.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NE(nbls[i], nullptr);
    EXPECT_NE(nbs[i], nullptr);
  }
  EXPECT_NE(nbls[0], nbls[1]);
  EXPECT_NE(nbs[1], nbs[2]);
}

// ============================================================================================
// SEND_COMPLETED_TWICE
// ============================================================================================

TEST(NetBufferRules, SEND_COMPLETED_TWICE_Triggers) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  int first = 0, line = 0;
  m.send = [&](PNET_BUFFER_LIST nbls, ULONG) {
    first = __LINE__ + 1;
    NdisMSendNetBufferListsComplete(m.adapter, nbls, 0);
    line = __LINE__ + 1;
    NdisMSendNetBufferListsComplete(m.adapter, nbls, 0);
  };
  Load(b, m);
  PNET_BUFFER_LIST sent = nullptr;
  b.kernel.run_passive(
      1, "protocol",
      [&] {
        sent = NewFrame(NblPool()).nbl;
        b.kernel.send_net_buffer_lists(sent, 0);
      },
      10'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "SEND_COMPLETED_TWICE");
  EXPECT_EQ(v.object, "NET_BUFFER_LIST");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_WHERE(v, line);
  EXPECT_NE(v.message.find("completed already at " + At(first)), std::string::npos) << v.message;
  ASSERT_EQ(p.completed.size(), 1u);  // the second completion never reaches the protocol
  EXPECT_EQ(p.completed[0], sent);
}

// The protocol freed the NBL on its completion; the driver completes it again later. A double
// completion first (naming the first completion and the free), not only a use after free.
TEST(NetBufferRules, SEND_COMPLETED_TWICE_TriggersAfterTheProtocolFreedIt) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  PNET_BUFFER_LIST parked = nullptr;
  int first = 0, freed = 0, line = 0;
  m.send = [&](PNET_BUFFER_LIST nbls, ULONG) {
    parked = nbls;
    first = __LINE__ + 1;
    NdisMSendNetBufferListsComplete(m.adapter, nbls, 0);
  };
  p.on_complete = [&](PNET_BUFFER_LIST nbl) {
    freed = __LINE__ + 1;
    NdisFreeNetBufferList(nbl);
  };
  Load(b, m);
  b.kernel.run_passive(
      1, "protocol", [&] { b.kernel.send_net_buffer_lists(NewFrame(NblPool()).nbl, 0); }, 10'000);
  b.kernel.run_passive(
      0, "stale",
      [&] {
        line = __LINE__ + 1;
        NdisMSendNetBufferListsComplete(m.adapter, parked, 0);
      },
      30'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "SEND_COMPLETED_TWICE");
  EXPECT_EQ(CountViolations(b, "SEND_COMPLETED_TWICE"), 1u);
  EXPECT_EQ(CountViolations(b, "NBL_USED_AFTER_FREE"), 0u);
  EXPECT_WHERE(v, line);
  EXPECT_NE(v.message.find("completed already at " + At(first)), std::string::npos) << v.message;
  EXPECT_NE(v.message.find("freed since at " + At(freed)), std::string::npos) << v.message;
  EXPECT_EQ(p.completed.size(), 1u);
}

// A completion chain that loops back (an NBL queued twice on the driver's done list): reported
// once, the chain cut there, and the NBL reaches the protocol once. The walk ends.
TEST(NetBufferRules, SEND_COMPLETED_TWICE_TriggersOnAChainThatLoops) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  int line = 0;
  m.send = [&](PNET_BUFFER_LIST nbls, ULONG) {
    PNET_BUFFER_LIST second = NET_BUFFER_LIST_NEXT_NBL(nbls);
    NET_BUFFER_LIST_NEXT_NBL(second) = nbls;  // the mistake: first -> second -> first -> ...
    line = __LINE__ + 1;
    NdisMSendNetBufferListsComplete(m.adapter, nbls, 0);
  };
  Load(b, m);
  PNET_BUFFER_LIST a = nullptr, c = nullptr;
  b.kernel.run_passive(
      1, "protocol",
      [&] {
        a = NewFrame(NblPool()).nbl;
        c = NewFrame(NblPool()).nbl;
        NET_BUFFER_LIST_NEXT_NBL(a) = c;
        b.kernel.send_net_buffer_lists(a, 0);
      },
      10'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "SEND_COMPLETED_TWICE");
  EXPECT_EQ(CountViolations(b, "SEND_COMPLETED_TWICE"), 1u);
  EXPECT_WHERE(v, line);
  EXPECT_NE(v.message.find("loops back"), std::string::npos) << v.message;
  ASSERT_EQ(p.completed.size(), 2u);
  EXPECT_EQ(p.completed[0], a);
  EXPECT_EQ(p.completed[1], c);
}

TEST(NetBufferRules, SEND_COMPLETED_TWICE_TriggersOnNeverSent) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  Load(b, m);
  int line = 0;
  b.kernel.run_passive(
      0, "fragment",
      [&] {
        const Frame own = NewFrame(m.pool);
        line = __LINE__ + 1;
        NdisMSendNetBufferListsComplete(m.adapter, own.nbl, 0);
      },
      10'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "SEND_COMPLETED_TWICE");
  EXPECT_WHERE(v, line);
  EXPECT_NE(v.message.find("not outstanding: never sent to MiniportSendNetBufferLists"),
            std::string::npos)
      << v.message;
  EXPECT_TRUE(p.completed.empty());
}

TEST(NetBufferRules, SEND_COMPLETED_TWICE_Silent) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  PNET_BUFFER_LIST parked = nullptr;
  m.send = [&](PNET_BUFFER_LIST nbls, ULONG) { parked = nbls; };  // completed by the DPC
  Load(b, m);
  bool freed = false;
  p.on_complete = [&](PNET_BUFFER_LIST nbl) {
    NdisFreeNetBufferList(nbl);  // the protocol's again
    freed = true;
  };
  Fragment f;
  f.dpc = [&](ULONG, PVOID) {
    NdisMSendNetBufferListsComplete(m.adapter, parked, NDIS_SEND_COMPLETE_FLAGS_DISPATCH_LEVEL);
  };
  b.register_at_start(f, {1});
  PNET_BUFFER_LIST sent = nullptr;
  b.kernel.run_passive(
      0, "protocol",
      [&] {
        sent = NewFrame(NblPool()).nbl;
        b.kernel.send_net_buffer_lists(sent, 0);
      },
      10'000);
  b.fire(f, 0, 30'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_EQ(p.completed.size(), 1u);
  EXPECT_EQ(p.completed[0], sent);
  EXPECT_EQ(p.complete_cpus[0], 1);  // in the DPC on the message's CPU
  EXPECT_TRUE(freed);
}

// ============================================================================================
// RECEIVE_INDICATED_TWICE
// ============================================================================================

TEST(NetBufferRules, RECEIVE_INDICATED_TWICE_Triggers) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  Frame rx;
  m.on_initialize = [&] { rx = NewFrame(m.pool); };
  Load(b, m);
  Fragment f;
  int line = 0;
  f.dpc = [&](ULONG, PVOID) {
    line = __LINE__ + 1;
    NdisMIndicateReceiveNetBufferLists(m.adapter, rx.nbl, 0, 1, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
  };
  b.register_at_start(f, {1});
  b.fire(f, 0, 20'000);
  b.fire(f, 0, 60'000);  // the protocol has not returned it
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "RECEIVE_INDICATED_TWICE");
  EXPECT_EQ(v.object, "NET_BUFFER_LIST");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.context, "dpc");
  EXPECT_WHERE(v, line);
  EXPECT_NE(v.message.find("the protocol still holds"), std::string::npos) << v.message;
  EXPECT_EQ(p.received.size(), 1u);
}

TEST(NetBufferRules, RECEIVE_INDICATED_TWICE_Silent) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  Frame rx;
  int returns = 0;
  m.on_initialize = [&] { rx = NewFrame(m.pool); };
  m.return_nbls = [&](PNET_BUFFER_LIST, ULONG) { ++returns; };  // kept for the next frame
  Load(b, m);
  Fragment f;
  f.dpc = [&](ULONG, PVOID) {
    NdisMIndicateReceiveNetBufferLists(m.adapter, rx.nbl, 0, 1, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
  };
  b.register_at_start(f, {1});
  b.fire(f, 0, 20'000);
  b.kernel.run_passive(
      0, "protocol", [&] { b.kernel.return_net_buffer_lists(p.received.at(0), 0); }, 40'000);
  b.fire(f, 0, 60'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_EQ(p.received.size(), 2u);
  EXPECT_EQ(p.received[1], rx.nbl);
  EXPECT_EQ(returns, 1);
}

// ============================================================================================
// RETURN_NOT_INDICATED
// ============================================================================================

TEST(NetBufferRules, RETURN_NOT_INDICATED_Triggers) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  Frame rx;
  int returns = 0;
  m.on_initialize = [&] { rx = NewFrame(m.pool); };
  m.return_nbls = [&](PNET_BUFFER_LIST, ULONG) { ++returns; };
  Load(b, m);
  b.kernel.run_passive(
      1, "indicate", [&] { NdisMIndicateReceiveNetBufferLists(m.adapter, rx.nbl, 0, 1, 0); },
      10'000);
  b.kernel.run_passive(
      0, "protocol",
      [&] {
        b.kernel.return_net_buffer_lists(rx.nbl, 0);
        b.kernel.return_net_buffer_lists(rx.nbl, 0);  // the protocol's bug
      },
      30'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "RETURN_NOT_INDICATED");
  EXPECT_EQ(v.object, "NET_BUFFER_LIST");
  EXPECT_EQ(v.cpu, 0);
  EXPECT_NE(v.message.find("is not outstanding: returned already at"), std::string::npos)
      << v.message;
  EXPECT_EQ(returns, 1);  // the miniport never sees the bad return
}

// The protocol returns an NBL the miniport never indicated (one the miniport still keeps).
TEST(NetBufferRules, RETURN_NOT_INDICATED_TriggersOnNeverIndicated) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  Frame kept;
  int returns = 0;
  m.on_initialize = [&] { kept = NewFrame(m.pool); };
  m.return_nbls = [&](PNET_BUFFER_LIST, ULONG) { ++returns; };
  Load(b, m);
  b.kernel.run_passive(
      0, "protocol", [&] { b.kernel.return_net_buffer_lists(kept.nbl, 0); }, 30'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "RETURN_NOT_INDICATED");
  EXPECT_NE(v.message.find("is not outstanding: never indicated"), std::string::npos) << v.message;
  EXPECT_EQ(returns, 0);
}

// With NDIS_RECEIVE_FLAGS_RESOURCES the protocol had to copy: the NBL is no longer its to return.
TEST(NetBufferRules, RETURN_NOT_INDICATED_TriggersAfterResourcesIndication) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  Frame rx;
  int returns = 0;
  m.on_initialize = [&] { rx = NewFrame(m.pool); };
  m.return_nbls = [&](PNET_BUFFER_LIST, ULONG) { ++returns; };
  Load(b, m);
  b.kernel.run_passive(
      1, "indicate",
      [&] {
        NdisMIndicateReceiveNetBufferLists(m.adapter, rx.nbl, 0, 1, NDIS_RECEIVE_FLAGS_RESOURCES);
      },
      10'000);
  b.kernel.run_passive(
      0, "protocol", [&] { b.kernel.return_net_buffer_lists(rx.nbl, 0); }, 30'000);
  b.run();
  EXPECT_VIOLATION(b, "RETURN_NOT_INDICATED");
  EXPECT_EQ(p.received.size(), 1u);
  EXPECT_EQ(returns, 0);
}

TEST(NetBufferRules, RETURN_NOT_INDICATED_Silent) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  Frame rx;
  std::vector<PNET_BUFFER_LIST> returned;
  m.on_initialize = [&] { rx = NewFrame(m.pool); };
  m.return_nbls = [&](PNET_BUFFER_LIST nbls, ULONG) { returned.push_back(nbls); };
  Load(b, m);
  b.kernel.run_passive(
      1, "indicate", [&] { NdisMIndicateReceiveNetBufferLists(m.adapter, rx.nbl, 0, 1, 0); },
      10'000);
  b.kernel.run_passive(
      0, "protocol", [&] { b.kernel.return_net_buffer_lists(p.received.at(0), 0); }, 30'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_EQ(returned.size(), 1u);
  EXPECT_EQ(returned[0], rx.nbl);
}

// ============================================================================================
// RECEIVE_COUNT_MISMATCH
// ============================================================================================

// Indicates a chain of `chain` receive NBLs saying `count` from a DPC on CPU 1.
void IndicateChain(Bench& b, Miniport& m, Fragment& f, int chain, ULONG count, int* line) {
  static std::vector<Frame> rx;
  rx.clear();
  m.on_initialize = [&m, chain] {
    for (int i = 0; i < chain; ++i) rx.push_back(NewFrame(m.pool, 64, static_cast<UCHAR>(i)));
    for (int i = 0; i + 1 < chain; ++i) NET_BUFFER_LIST_NEXT_NBL(rx[i].nbl) = rx[i + 1].nbl;
  };
  Load(b, m);
  f.dpc = [&m, count, line](ULONG, PVOID) {
    *line = __LINE__ + 1;
    NdisMIndicateReceiveNetBufferLists(m.adapter, rx[0].nbl, 0, count,
                                       NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
  };
  b.register_at_start(f, {1});
  b.fire(f, 0, 20'000);
}

TEST(NetBufferRules, RECEIVE_COUNT_MISMATCH_Triggers) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  Fragment f;
  int line = 0;
  IndicateChain(b, m, f, 2, 3, &line);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "RECEIVE_COUNT_MISMATCH");
  EXPECT_EQ(v.object, "NdisMIndicateReceiveNetBufferLists");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.context, "dpc");
  EXPECT_NE(v.message.find("is 3 but the chain holds 2"), std::string::npos) << v.message;
  // The call site is a multi-line macro call: its line is one of the call's two lines.
  EXPECT_TRUE(v.where.starts_with(At(line)) || v.where.starts_with(At(line + 1))) << v.where;
  ASSERT_EQ(p.counts.size(), 1u);
  EXPECT_EQ(p.counts[0], 2u);  // the protocol gets the real count
  EXPECT_EQ(p.received.size(), 2u);
}

TEST(NetBufferRules, RECEIVE_COUNT_MISMATCH_Silent) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  Fragment f;
  int line = 0;
  IndicateChain(b, m, f, 3, 3, &line);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_EQ(p.counts.size(), 1u);
  EXPECT_EQ(p.counts[0], 3u);
  ASSERT_EQ(p.received.size(), 3u);
  EXPECT_EQ(p.receive_contexts[0], "dpc");
  // In chain order: the i-th frame's data starts with byte i.
  for (size_t i = 0; i < 3; ++i)
    EXPECT_EQ(copy_net_buffer(NET_BUFFER_LIST_FIRST_NB(p.received[i])).at(0), i);
}

// ============================================================================================
// SG_LIST_FREED_TWICE
// ============================================================================================

TEST(NetBufferRules, SG_LIST_FREED_TWICE_Triggers) {
  Bench b;
  SgRecord r;
  int line = 0;
  b.kernel.run_passive(1, "fragment", [&] {
    NDIS_HANDLE dma = RegisterSgDma(nullptr);
    const Frame f = NewFrame(NblPool());
    ASSERT_EQ(NdisMAllocateNetBufferSGList(dma, f.nb(), &r, 0, nullptr, 0), NDIS_STATUS_SUCCESS);
    NdisMFreeNetBufferSGList(dma, r.list, f.nb());
    line = __LINE__ + 1;
    NdisMFreeNetBufferSGList(dma, r.list, f.nb());
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "SG_LIST_FREED_TWICE");
  EXPECT_EQ(v.object, "NdisMFreeNetBufferSGList");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_WHERE(v, line);
  EXPECT_EQ(r.calls, 1);
}

TEST(NetBufferRules, SG_LIST_FREED_TWICE_TriggersWithAnotherNetBuffer) {
  Bench b;
  SgRecord r;
  b.kernel.run_passive(0, "fragment", [&] {
    NDIS_HANDLE dma = RegisterSgDma(nullptr);
    NDIS_HANDLE pool = NblPool();
    const Frame mapped = NewFrame(pool), other = NewFrame(pool);
    ASSERT_EQ(NdisMAllocateNetBufferSGList(dma, mapped.nb(), &r, 0, nullptr, 0),
              NDIS_STATUS_SUCCESS);
    NdisMFreeNetBufferSGList(dma, r.list, other.nb());
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "SG_LIST_FREED_TWICE");
  EXPECT_NE(v.message.find("not allocated for"), std::string::npos) << v.message;
}

TEST(NetBufferRules, SG_LIST_FREED_TWICE_Silent) {
  Bench b;
  SgRecord r;
  uint64_t address = 0;
  b.kernel.run_passive(1, "fragment", [&] {
    NDIS_HANDLE dma = RegisterSgDma(nullptr);
    const Frame f = NewFrame(NblPool());
    address = b.platform.memory().address_of(f.data);
    ASSERT_EQ(NdisMAllocateNetBufferSGList(dma, f.nb(), &r, 0, nullptr, 0), NDIS_STATUS_SUCCESS);
    NdisMFreeNetBufferSGList(dma, r.list, f.nb());
    FreeFrame(f);
    NdisMDeregisterScatterGatherDma(dma);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(r.calls, 1);
  ASSERT_EQ(r.elements.size(), 1u);
  EXPECT_NE(address, 0u);
  EXPECT_EQ(static_cast<uint64_t>(r.elements[0].Address.QuadPart), address);
  EXPECT_EQ(r.elements[0].Length, 64u);
}

// ============================================================================================
// SG_LIST_NOT_FREED
// ============================================================================================

// A miniport whose send maps each NB and completes the NBL, freeing the list first or not.
void MappingSender(Bench& b, Miniport& m, NDIS_HANDLE& dma, SgRecord& r, bool free_first,
                   int* line) {
  m.on_initialize = [&] { dma = RegisterSgDma(m.adapter); };
  m.send = [&m, &dma, &r, free_first, line](PNET_BUFFER_LIST nbls, ULONG) {
    PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(nbls);
    if (NdisMAllocateNetBufferSGList(dma, nb, &r, 0, nullptr, 0) != NDIS_STATUS_SUCCESS) return;
    if (free_first) NdisMFreeNetBufferSGList(dma, r.list, nb);
    *line = __LINE__ + 1;
    NdisMSendNetBufferListsComplete(m.adapter, nbls, 0);
  };
  Load(b, m);
}

TEST(NetBufferRules, SG_LIST_NOT_FREED_Triggers) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  NDIS_HANDLE dma = nullptr;
  SgRecord r;
  int line = 0;
  MappingSender(b, m, dma, r, false, &line);
  b.kernel.run_passive(
      1, "protocol", [&] { b.kernel.send_net_buffer_lists(NewFrame(NblPool()).nbl, 0); }, 10'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "SG_LIST_NOT_FREED");
  EXPECT_EQ(v.object, "NdisMSendNetBufferListsComplete");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_WHERE(v, line);
  EXPECT_EQ(r.calls, 1);
}

TEST(NetBufferRules, SG_LIST_NOT_FREED_TriggersOnDeregister) {
  Bench b;
  SgRecord r;
  int line = 0;
  b.kernel.run_passive(0, "fragment", [&] {
    NDIS_HANDLE dma = RegisterSgDma(nullptr);
    const Frame f = NewFrame(NblPool());
    ASSERT_EQ(NdisMAllocateNetBufferSGList(dma, f.nb(), &r, 0, nullptr, 0), NDIS_STATUS_SUCCESS);
    line = __LINE__ + 1;
    NdisMDeregisterScatterGatherDma(dma);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "SG_LIST_NOT_FREED");
  EXPECT_EQ(v.object, "NdisMDeregisterScatterGatherDma");
  EXPECT_WHERE(v, line);
  EXPECT_NE(v.message.find("1 scatter-gather list(s)"), std::string::npos) << v.message;
}

TEST(NetBufferRules, SG_LIST_NOT_FREED_Silent) {
  Bench b;
  Miniport m;
  Protocol p;
  p.install(b);
  NDIS_HANDLE dma = nullptr;
  SgRecord r;
  int line = 0;
  MappingSender(b, m, dma, r, true, &line);
  PNET_BUFFER_LIST sent = nullptr;
  b.kernel.run_passive(
      1, "protocol",
      [&] {
        sent = NewFrame(NblPool()).nbl;
        b.kernel.send_net_buffer_lists(sent, 0);
      },
      10'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(r.calls, 1);
  EXPECT_EQ(r.elements.size(), 1u);
  ASSERT_EQ(p.completed.size(), 1u);
  EXPECT_EQ(p.completed[0], sent);
}

// ============================================================================================
// SG_MEMORY_NOT_MAPPABLE
// ============================================================================================

TEST(NetBufferRules, SG_MEMORY_NOT_MAPPABLE_Triggers) {
  Bench b;
  SgRecord r;
  std::array<UCHAR, 64> stack{};  // not memory NDIS allocated: no device address maps it
  int line = 0;
  NDIS_STATUS status = NDIS_STATUS_SUCCESS;
  b.kernel.run_passive(1, "fragment", [&] {
    NDIS_HANDLE dma = RegisterSgDma(nullptr);
    PMDL mdl = NdisAllocateMdl(nullptr, stack.data(), 64);
    PNET_BUFFER_LIST nbl = NdisAllocateNetBufferAndNetBufferList(NblPool(), 0, 0, mdl, 0, 64);
    line = __LINE__ + 1;
    status = NdisMAllocateNetBufferSGList(dma, nbl->FirstNetBuffer, &r, 0, nullptr, 0);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "SG_MEMORY_NOT_MAPPABLE");
  EXPECT_EQ(v.object, "NdisMAllocateNetBufferSGList");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_WHERE(v, line);
  EXPECT_EQ(status, NDIS_STATUS_RESOURCES);
  EXPECT_EQ(r.calls, 0);  // no list: the callback never runs
}

TEST(NetBufferRules, SG_MEMORY_NOT_MAPPABLE_Silent) {
  Bench b;
  SgRecord r;
  PUCHAR data = nullptr;
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  b.kernel.run_passive(1, "fragment", [&] {
    NDIS_HANDLE dma = RegisterSgDma(nullptr);
    const Frame f = NewFrame(NblPool());
    data = f.data;
    status = NdisMAllocateNetBufferSGList(dma, f.nb(), &r, 0, nullptr, 0);
    NdisMFreeNetBufferSGList(dma, r.list, f.nb());
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(r.calls, 1);
  ASSERT_EQ(r.elements.size(), 1u);
  EXPECT_NE(b.platform.memory().address_of(data), 0u);
  EXPECT_EQ(static_cast<uint64_t>(r.elements[0].Address.QuadPart),
            b.platform.memory().address_of(data));
}

// ============================================================================================
// FREE_NOT_ALLOCATED
// ============================================================================================

TEST(NetBufferRules, FREE_NOT_ALLOCATED_Triggers) {
  Bench b;
  int line = 0;
  b.kernel.run_passive(1, "fragment", [&] {
    PVOID p = NdisAllocateMemoryWithTagPriority(nullptr, 128, kTag, NormalPoolPriority);
    NdisFreeMemory(p, 128, 0);
    line = __LINE__ + 1;
    NdisFreeMemory(p, 128, 0);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "FREE_NOT_ALLOCATED");
  EXPECT_EQ(v.object, "NdisFreeMemory");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_WHERE(v, line);
}

TEST(NetBufferRules, FREE_NOT_ALLOCATED_TriggersOnForeignMemory) {
  Bench b;
  std::array<UCHAR, 32> stack{};
  b.kernel.run_passive(0, "fragment", [&] { NdisFreeMemory(stack.data(), 32, 0); });
  b.run();
  EXPECT_VIOLATION(b, "FREE_NOT_ALLOCATED");
}

TEST(NetBufferRules, FREE_NOT_ALLOCATED_TriggersOnInteriorPointer) {
  Bench b;
  b.kernel.run_passive(0, "fragment", [&] {
    auto* p = static_cast<PUCHAR>(
        NdisAllocateMemoryWithTagPriority(nullptr, 128, kTag, NormalPoolPriority));
    NdisFreeMemory(p + 16, 112, 0);
  });
  b.run();
  EXPECT_VIOLATION(b, "FREE_NOT_ALLOCATED");
}

TEST(NetBufferRules, FREE_NOT_ALLOCATED_Silent) {
  Bench b;
  uint64_t before = 0, after = 1;
  b.kernel.run_passive(1, "fragment", [&] {
    auto* p = static_cast<PUCHAR>(
        NdisAllocateMemoryWithTagPriority(nullptr, 128, kTag, NormalPoolPriority));
    NdisFillMemory(p, 128, 0xA5);
    before = b.platform.memory().address_of(p);
    NdisFreeMemory(p, 128, 0);
    after = b.platform.memory().address_of(p);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_NE(before, 0u);
  EXPECT_EQ(after, 0u);  // really freed
}

// ============================================================================================
// Capabilities: NET_BUFFER data, pools, context, OOB info, layout
// ============================================================================================

// A NET_BUFFER over three MDLs (100, 50 and 80 bytes, separate allocations) whose data starts 30
// bytes into the first: 70 + 50 + 40 bytes.
struct ThreeMdlFrame {
  std::array<PUCHAR, 3> data{};
  std::array<PMDL, 3> mdl{};
  PNET_BUFFER_LIST nbl = nullptr;
  std::vector<uint8_t> expected;
  static constexpr UINT kLength[3] = {100, 50, 80};
  static constexpr ULONG kOffset = 30, kDataLength = 160;

  void build(NDIS_HANDLE pool) {
    for (int i = 0; i < 3; ++i) {
      data[i] = Filled(kLength[i], static_cast<UCHAR>(0x10 + 0x50 * i));
      mdl[i] = NdisAllocateMdl(nullptr, data[i], kLength[i]);
    }
    NDIS_MDL_LINKAGE(mdl[0]) = mdl[1];
    NDIS_MDL_LINKAGE(mdl[1]) = mdl[2];
    nbl = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, mdl[0], kOffset, kDataLength);
    expected.assign(data[0] + kOffset, data[0] + kLength[0]);
    expected.insert(expected.end(), data[1], data[1] + kLength[1]);
    expected.insert(expected.end(), data[2], data[2] + 40);
  }
};

TEST(NetBuffers, ThreeMdlChainWithDataOffsetReadsBack) {
  Bench b;
  ThreeMdlFrame t;
  std::vector<uint8_t> copied;
  PVOID contiguous = nullptr, spanning = nullptr, spanning_no_storage = nullptr, too_long = nullptr;
  std::array<UCHAR, 100> storage{};
  PMDL current = nullptr;
  ULONG current_offset = 0;
  b.kernel.run_passive(0, "fragment", [&] {
    t.build(NblPool());
    PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(t.nbl);
    current = NET_BUFFER_CURRENT_MDL(nb);
    current_offset = NET_BUFFER_CURRENT_MDL_OFFSET(nb);
    copied = copy_net_buffer(nb);
    contiguous = NdisGetDataBuffer(nb, 70, nullptr, 1, 0);  // all inside the first MDL
    spanning = NdisGetDataBuffer(nb, 100, storage.data(), 1, 0);
    spanning_no_storage = NdisGetDataBuffer(nb, 100, nullptr, 1, 0);
    too_long = NdisGetDataBuffer(nb, ThreeMdlFrame::kDataLength + 1, storage.data(), 1, 0);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(current, t.mdl[0]);
  EXPECT_EQ(current_offset, ThreeMdlFrame::kOffset);
  EXPECT_EQ(copied, t.expected);
  EXPECT_EQ(contiguous, t.data[0] + ThreeMdlFrame::kOffset);  // no copy
  EXPECT_EQ(spanning, storage.data());
  EXPECT_TRUE(std::equal(storage.begin(), storage.end(), t.expected.begin()));
  EXPECT_EQ(spanning_no_storage, nullptr);
  EXPECT_EQ(too_long, nullptr);
}

// DataOffset on an MDL boundary starts the data at the next MDL's first byte.
TEST(NetBuffers, DataOffsetOnMdlBoundaryStartsAtNextMdl) {
  Bench b;
  ThreeMdlFrame t;
  PMDL current = nullptr;
  ULONG current_offset = ~0u;
  std::vector<uint8_t> copied;
  b.kernel.run_passive(0, "fragment", [&] {
    t.build(NblPool());
    PNET_BUFFER_LIST nbl =
        NdisAllocateNetBufferAndNetBufferList(NblPool(), 0, 0, t.mdl[0], 100, 60);
    current = NET_BUFFER_CURRENT_MDL(NET_BUFFER_LIST_FIRST_NB(nbl));
    current_offset = NET_BUFFER_CURRENT_MDL_OFFSET(NET_BUFFER_LIST_FIRST_NB(nbl));
    copied = copy_net_buffer(NET_BUFFER_LIST_FIRST_NB(nbl));
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(current, t.mdl[1]);
  EXPECT_EQ(current_offset, 0u);
  std::vector<uint8_t> expected(t.data[1], t.data[1] + 50);
  expected.insert(expected.end(), t.data[2], t.data[2] + 10);
  EXPECT_EQ(copied, expected);
}

TEST(NetBuffers, AllocateNetBufferAndNetBufferListNeedsFAllocateNetBuffer) {
  Bench b;
  PNET_BUFFER_LIST with_nb = reinterpret_cast<PNET_BUFFER_LIST>(1), bare = nullptr;
  b.kernel.run_passive(0, "fragment", [&] {
    NDIS_HANDLE pool = NblPool(FALSE);
    PMDL mdl = NdisAllocateMdl(nullptr, Filled(64, 0), 64);
    with_nb = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, mdl, 0, 64);
    bare = NdisAllocateNetBufferList(pool, 0, 0);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(with_nb, nullptr);
  ASSERT_NE(bare, nullptr);
  EXPECT_EQ(NET_BUFFER_LIST_FIRST_NB(bare), nullptr);
}

TEST(NetBuffers, ContextSpaceHasContextSizeAfterBackfill) {
  Bench b;
  PNET_BUFFER_LIST nbl = nullptr;
  b.kernel.run_passive(0, "fragment", [&] {
    nbl = NdisAllocateNetBufferList(NblPool(FALSE), 32, 16);
    ASSERT_NE(nbl, nullptr);
    // The driver's 32 bytes and the 16 backfill bytes before them are its to write.
    std::memset(NET_BUFFER_LIST_CONTEXT_DATA_START(nbl), 0xC3, 32);
    std::memset(nbl->Context->ContextData, 0x3C, 16);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_NE(nbl->Context, nullptr);
  // Size: the whole context space, used and unused; Offset: the unused (backfill) part.
  EXPECT_EQ(NET_BUFFER_LIST_CONTEXT_DATA_SIZE(nbl), 48u);
  EXPECT_EQ(nbl->Context->Offset, 16u);
  EXPECT_EQ(static_cast<PUCHAR>(NET_BUFFER_LIST_CONTEXT_DATA_START(nbl)),
            nbl->Context->ContextData + 16);
  EXPECT_EQ(static_cast<PUCHAR>(NET_BUFFER_LIST_CONTEXT_DATA_START(nbl))[31], 0xC3);
  EXPECT_EQ(nbl->Context->ContextData[15], 0x3C);
}

// After more than NetBufferLedger::kQuarantine frees a pool reuses NBL storage: a reused block
// must be big enough for the new NBL's NB and context.
TEST(NetBuffers, ReusedNblStorageFitsLargerContext) {
  Bench b;
  PNET_BUFFER_LIST big = nullptr;
  b.kernel.run_passive(0, "fragment", [&] {
    NDIS_HANDLE pool = NblPool(FALSE);
    std::vector<PNET_BUFFER_LIST> small;
    for (int i = 0; i < 300; ++i) small.push_back(NdisAllocateNetBufferList(pool, 0, 0));
    for (PNET_BUFFER_LIST nbl : small) NdisFreeNetBufferList(nbl);
    big = NdisAllocateNetBufferList(pool, 256, 0);
    std::memset(NET_BUFFER_LIST_CONTEXT_DATA_START(big), 0xEE, 256);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(NET_BUFFER_LIST_CONTEXT_DATA_SIZE(big), 256u);
}

// Slot numbers from the WDK's nblinfo.h, NDIS 6.30, x64.
static_assert(TcpIpChecksumNetBufferListInfo == 0);
static_assert(Ieee8021QNetBufferListInfo == 4);
static_assert(NetBufferListHashValue == 8);
static_assert(NetBufferListHashInfo == 9);
static_assert(NetBufferListFilteringInfo == 14);
static_assert(TcpRecvSegCoalesceInfo == 22);
static_assert(MaxNetBufferListInfo == 24);

TEST(NetBuffers, NetBufferListInfoMacrosUseTheWdkSlots) {
  Bench b;
  PNET_BUFFER_LIST nbl = nullptr;
  std::array<PVOID, MaxNetBufferListInfo> fresh{};
  b.kernel.run_passive(0, "fragment", [&] {
    nbl = NdisAllocateNetBufferList(NblPool(FALSE), 0, 0);
    std::copy(std::begin(nbl->NetBufferListInfo), std::end(nbl->NetBufferListInfo), fresh.begin());
    NET_BUFFER_LIST_SET_HASH_VALUE(nbl, 0x89ABCDEFu);
    NET_BUFFER_LIST_SET_HASH_TYPE(nbl, NDIS_HASH_TCP_IPV4);
    NET_BUFFER_LIST_SET_HASH_FUNCTION(nbl, NdisHashFunctionToeplitz);
    NET_BUFFER_LIST_RECEIVE_FILTER_ID(nbl) = 7;
    NET_BUFFER_LIST_RECEIVE_QUEUE_ID(nbl) = 3;
    NET_BUFFER_LIST_INFO(nbl, Ieee8021QNetBufferListInfo) = reinterpret_cast<PVOID>(0x64);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  for (PVOID slot : fresh) EXPECT_EQ(slot, nullptr);  // a new NBL carries no stale OOB data
  const auto slot = [&](int id) { return reinterpret_cast<ULONG_PTR>(nbl->NetBufferListInfo[id]); };
  EXPECT_EQ(slot(8), 0x89ABCDEFu);
  EXPECT_EQ(slot(9), ULONG_PTR{NDIS_HASH_TCP_IPV4 | NdisHashFunctionToeplitz});
  EXPECT_EQ(slot(14), ULONG_PTR{7 | (3 << 16)});  // FilterId, then QueueId
  EXPECT_EQ(slot(4), 0x64u);
  EXPECT_EQ(NET_BUFFER_LIST_GET_HASH_VALUE(nbl), 0x89ABCDEFu);
  EXPECT_EQ(NET_BUFFER_LIST_GET_HASH_TYPE(nbl), ULONG{NDIS_HASH_TCP_IPV4});
  EXPECT_EQ(NET_BUFFER_LIST_GET_HASH_FUNCTION(nbl), ULONG{NdisHashFunctionToeplitz});
  EXPECT_EQ(NET_BUFFER_LIST_RECEIVE_QUEUE_ID(nbl), 3u);
  EXPECT_EQ(NET_BUFFER_LIST_RECEIVE_FILTER_ID(nbl), 7u);
  // Setting one half of the hash info keeps the other.
  NET_BUFFER_LIST_SET_HASH_TYPE(nbl, NDIS_HASH_IPV6);
  EXPECT_EQ(NET_BUFFER_LIST_GET_HASH_FUNCTION(nbl), ULONG{NdisHashFunctionToeplitz});
  EXPECT_EQ(NET_BUFFER_LIST_GET_HASH_TYPE(nbl), ULONG{NDIS_HASH_IPV6});
}

// WDK x64 layouts (wdm.h MDL; nbl.h NET_BUFFER), as the ndis.sys and ntoskrnl symbols show them.
TEST(NetBuffers, MdlAndNetBufferMatchWdkX64Layout) {
  EXPECT_EQ(sizeof(MDL), 48u);
  EXPECT_EQ(offsetof(MDL, Next), 0u);
  EXPECT_EQ(offsetof(MDL, Size), 8u);
  EXPECT_EQ(offsetof(MDL, MdlFlags), 10u);
  EXPECT_EQ(offsetof(MDL, Process), 16u);
  EXPECT_EQ(offsetof(MDL, MappedSystemVa), 24u);
  EXPECT_EQ(offsetof(MDL, StartVa), 32u);
  EXPECT_EQ(offsetof(MDL, ByteCount), 40u);
  EXPECT_EQ(offsetof(MDL, ByteOffset), 44u);

  EXPECT_EQ(sizeof(NET_BUFFER), 176u);
  EXPECT_EQ(offsetof(NET_BUFFER, Next), 0u);
  EXPECT_EQ(offsetof(NET_BUFFER, CurrentMdl), 8u);
  EXPECT_EQ(offsetof(NET_BUFFER, CurrentMdlOffset), 16u);
  EXPECT_EQ(offsetof(NET_BUFFER, DataLength), 24u);
  EXPECT_EQ(offsetof(NET_BUFFER, MdlChain), 32u);
  EXPECT_EQ(offsetof(NET_BUFFER, DataOffset), 40u);
  EXPECT_EQ(offsetof(NET_BUFFER, ChecksumBias), 48u);
  EXPECT_EQ(offsetof(NET_BUFFER, NdisPoolHandle), 56u);
  EXPECT_EQ(offsetof(NET_BUFFER, NdisReserved), 64u);
  EXPECT_EQ(offsetof(NET_BUFFER, ProtocolReserved), 80u);
  EXPECT_EQ(offsetof(NET_BUFFER, MiniportReserved), 128u);
  EXPECT_EQ(offsetof(NET_BUFFER, DataPhysicalAddress), 160u);
  EXPECT_EQ(offsetof(NET_BUFFER, ScatterGatherList), 168u);

  EXPECT_EQ(sizeof(SCATTER_GATHER_ELEMENT), 24u);
  EXPECT_EQ(offsetof(SCATTER_GATHER_LIST, Elements), 16u);
}

TEST(NetBuffers, NetBufferListHeadMatchesWdkX64Layout) {
  EXPECT_EQ(offsetof(NET_BUFFER_LIST, Next), 0u);
  EXPECT_EQ(offsetof(NET_BUFFER_LIST, FirstNetBuffer), 8u);
  EXPECT_EQ(offsetof(NET_BUFFER_LIST, Context), 16u);
  EXPECT_EQ(offsetof(NET_BUFFER_LIST, ParentNetBufferList), 24u);
  EXPECT_EQ(offsetof(NET_BUFFER_LIST, NdisPoolHandle), 32u);
}

// nbl.h aligns NdisReserved, ProtocolReserved and MiniportReserved of NET_BUFFER_LIST, and
// NET_BUFFER_LIST_CONTEXT::ContextData, to MEMORY_ALLOCATION_ALIGNMENT (16).
TEST(NetBuffers, NetBufferListMatchesWdkX64Layout) {
  EXPECT_EQ(offsetof(NET_BUFFER_LIST, NdisReserved), 48u);
  EXPECT_EQ(offsetof(NET_BUFFER_LIST, ProtocolReserved), 64u);
  EXPECT_EQ(offsetof(NET_BUFFER_LIST, MiniportReserved), 96u);
  EXPECT_EQ(offsetof(NET_BUFFER_LIST, Scratch), 112u);
  EXPECT_EQ(offsetof(NET_BUFFER_LIST, SourceHandle), 120u);
  EXPECT_EQ(offsetof(NET_BUFFER_LIST, NblFlags), 128u);
  EXPECT_EQ(offsetof(NET_BUFFER_LIST, ChildRefCount), 132u);
  EXPECT_EQ(offsetof(NET_BUFFER_LIST, Flags), 136u);
  EXPECT_EQ(offsetof(NET_BUFFER_LIST, Status), 140u);
  EXPECT_EQ(offsetof(NET_BUFFER_LIST, NetBufferListInfo), 144u);
  EXPECT_EQ(sizeof(NET_BUFFER_LIST), 336u);
  EXPECT_EQ(offsetof(NET_BUFFER_LIST_CONTEXT, ContextData), 16u);
  EXPECT_EQ(sizeof(NET_BUFFER_LIST_CONTEXT), 16u);
}

// ============================================================================================
// Capabilities: scatter-gather
// ============================================================================================

TEST(ScatterGather, OneElementPerDiscontiguousPiece) {
  Bench b;
  SgRecord merged, separate;
  PUCHAR x = nullptr, y = nullptr;
  ThreeMdlFrame t;
  b.kernel.run_passive(0, "fragment", [&] {
    NDIS_HANDLE dma = RegisterSgDma(nullptr);
    NDIS_HANDLE pool = NblPool();
    // Two MDLs over adjacent halves of one buffer, then a third buffer.
    x = Filled(300, 0);
    y = Filled(64, 0x80);
    PMDL a = NdisAllocateMdl(nullptr, x, 100);
    PMDL mid = NdisAllocateMdl(nullptr, x + 100, 200);
    PMDL c = NdisAllocateMdl(nullptr, y, 64);
    NDIS_MDL_LINKAGE(a) = mid;
    NDIS_MDL_LINKAGE(mid) = c;
    PNET_BUFFER_LIST nbl = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, a, 10, 290 + 64);
    ASSERT_EQ(NdisMAllocateNetBufferSGList(dma, nbl->FirstNetBuffer, &merged, 0, nullptr, 0),
              NDIS_STATUS_SUCCESS);
    NdisMFreeNetBufferSGList(dma, merged.list, nbl->FirstNetBuffer);
    // Three separate allocations: three elements.
    t.build(pool);
    PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(t.nbl);
    ASSERT_EQ(NdisMAllocateNetBufferSGList(dma, nb, &separate, 0, nullptr, 0), NDIS_STATUS_SUCCESS);
    NdisMFreeNetBufferSGList(dma, separate.list, nb);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  auto& memory = b.platform.memory();
  ASSERT_EQ(merged.elements.size(), 2u);
  EXPECT_EQ(static_cast<uint64_t>(merged.elements[0].Address.QuadPart), memory.address_of(x) + 10);
  EXPECT_EQ(merged.elements[0].Length, 290u);
  EXPECT_EQ(static_cast<uint64_t>(merged.elements[1].Address.QuadPart), memory.address_of(y));
  EXPECT_EQ(merged.elements[1].Length, 64u);
  ASSERT_EQ(separate.elements.size(), 3u);
  const uint64_t starts[3] = {memory.address_of(t.data[0]) + ThreeMdlFrame::kOffset,
                              memory.address_of(t.data[1]), memory.address_of(t.data[2])};
  const ULONG lengths[3] = {70, 50, 40};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(static_cast<uint64_t>(separate.elements[i].Address.QuadPart), starts[i]) << i;
    EXPECT_EQ(separate.elements[i].Length, lengths[i]) << i;
  }
}

TEST(ScatterGather, ProcessSgListRunsAtDispatchFromPassive) {
  Bench b;
  SgRecord r;
  KIRQL before = 0xFF, after = 0xFF;
  int calls_on_return = -1;
  b.kernel.run_passive(1, "fragment", [&] {
    NDIS_HANDLE dma = RegisterSgDma(nullptr);
    const Frame f = NewFrame(NblPool());
    before = KeGetCurrentIrql();
    NdisMAllocateNetBufferSGList(dma, f.nb(), &r, 0, nullptr, 0);
    calls_on_return = r.calls;  // synchronous: it already ran
    after = KeGetCurrentIrql();
    NdisMFreeNetBufferSGList(dma, r.list, f.nb());
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(before, PASSIVE_LEVEL);
  EXPECT_EQ(r.irql, DISPATCH_LEVEL);
  EXPECT_EQ(r.cpu, 1u);
  EXPECT_EQ(calls_on_return, 1);
  EXPECT_EQ(after, PASSIVE_LEVEL);
}

TEST(ScatterGather, CallerBufferTooShortIsRefused) {
  Bench b;
  SgRecord r;
  ULONG list_bytes = 0;
  NDIS_STATUS short_status = NDIS_STATUS_SUCCESS, fits_status = NDIS_STATUS_FAILURE;
  std::vector<uint64_t> storage;
  PSCATTER_GATHER_LIST list_seen_after_fit = nullptr;
  b.kernel.run_passive(0, "fragment", [&] {
    NDIS_HANDLE dma = RegisterSgDma(nullptr, &list_bytes);
    ThreeMdlFrame t;
    t.build(NblPool());
    PNET_BUFFER nb = NET_BUFFER_LIST_FIRST_NB(t.nbl);
    storage.resize(list_bytes / sizeof(uint64_t) + 1);
    // Room for two elements; the NET_BUFFER needs three.
    const auto two =
        static_cast<ULONG>(sizeof(SCATTER_GATHER_LIST) + 2 * sizeof(SCATTER_GATHER_ELEMENT));
    short_status = NdisMAllocateNetBufferSGList(dma, nb, &r, 0, storage.data(), two);
    fits_status = NdisMAllocateNetBufferSGList(dma, nb, &r, 0, storage.data(), list_bytes);
    list_seen_after_fit = r.list;
    NdisMFreeNetBufferSGList(dma, r.list, nb);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_GE(list_bytes, sizeof(SCATTER_GATHER_LIST) + 3 * sizeof(SCATTER_GATHER_ELEMENT));
  EXPECT_EQ(short_status, NDIS_STATUS_BUFFER_TOO_SHORT);
  EXPECT_EQ(fits_status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(r.calls, 1);  // only for the list that fit
  EXPECT_EQ(list_seen_after_fit, reinterpret_cast<PSCATTER_GATHER_LIST>(storage.data()));
  EXPECT_EQ(r.elements.size(), 3u);
}

TEST(ScatterGather, DeviceReadsElementOnlyBetweenAllocateAndFree) {
  Bench b;
  SgRecord r;
  PUCHAR data = nullptr;
  bool read_mapped = false, read_freed = true;
  std::vector<uint8_t> seen(64), after_free(64, 0xFF);
  b.kernel.run_passive(1, "fragment", [&] {
    NDIS_HANDLE dma = RegisterSgDma(nullptr);
    const Frame f = NewFrame(NblPool(), 64, 0x21);
    data = f.data;
    ASSERT_EQ(NdisMAllocateNetBufferSGList(dma, f.nb(), &r, 0, nullptr, 0), NDIS_STATUS_SUCCESS);
    const auto address = static_cast<uint64_t>(r.elements.at(0).Address.QuadPart);
    read_mapped = b.platform.memory().dma_read(address, seen);  // the device, while mapped
    NdisMFreeNetBufferSGList(dma, r.list, f.nb());
    read_freed = b.platform.memory().dma_read(address, after_free);  // and after
  });
  b.run();
  EXPECT_TRUE(read_mapped);
  EXPECT_TRUE(std::equal(seen.begin(), seen.end(), data));
  EXPECT_FALSE(read_freed);
  const auto& v = EXPECT_VIOLATION(b, "DMA_OUTSIDE_GRANT");
  EXPECT_EQ(v.object.find("0x"), 0u) << v.object;
  EXPECT_EQ(b.kernel.violations().size(), 1u) << testing::describe(b.kernel.violations());
}

// Two outstanding lists whose first elements start at the same address but differ in length.
TEST(ScatterGather, OverlappingListsGrantEachElementWhole) {
  Bench b;
  SgRecord shorter, longer;
  bool read_longer = false;
  b.kernel.run_passive(0, "fragment", [&] {
    NDIS_HANDLE dma = RegisterSgDma(nullptr);
    NDIS_HANDLE pool = NblPool();
    PUCHAR data = Filled(256, 0);
    PMDL head = NdisAllocateMdl(nullptr, data, 64);
    PMDL all = NdisAllocateMdl(nullptr, data, 256);
    PNET_BUFFER_LIST a = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, head, 0, 64);
    PNET_BUFFER_LIST c = NdisAllocateNetBufferAndNetBufferList(pool, 0, 0, all, 0, 256);
    NdisMAllocateNetBufferSGList(dma, a->FirstNetBuffer, &shorter, 0, nullptr, 0);
    NdisMAllocateNetBufferSGList(dma, c->FirstNetBuffer, &longer, 0, nullptr, 0);
    std::vector<uint8_t> out(256);
    read_longer = b.platform.memory().dma_read(
        static_cast<uint64_t>(longer.elements.at(0).Address.QuadPart), out);
    NdisMFreeNetBufferSGList(dma, shorter.list, a->FirstNetBuffer);
    NdisMFreeNetBufferSGList(dma, longer.list, c->FirstNetBuffer);
  });
  b.run();
  EXPECT_TRUE(read_longer);
  EXPECT_NO_VIOLATIONS(b);
}

// Mapping part of a shared-memory buffer must not shrink or revoke the buffer's own grant.
TEST(ScatterGather, MappingSharedMemoryKeepsItsGrant) {
  Bench b;
  SgRecord r;
  bool read_mapped = false, read_after = false;
  b.kernel.run_passive(0, "fragment", [&] {
    NDIS_HANDLE dma = RegisterSgDma(nullptr);
    PVOID va = nullptr;
    NDIS_PHYSICAL_ADDRESS pa{};
    NdisMAllocateSharedMemory(nullptr, 256, FALSE, &va, &pa);
    PMDL mdl = NdisAllocateMdl(nullptr, va, 64);
    PNET_BUFFER_LIST nbl = NdisAllocateNetBufferAndNetBufferList(NblPool(), 0, 0, mdl, 0, 64);
    NdisMAllocateNetBufferSGList(dma, nbl->FirstNetBuffer, &r, 0, nullptr, 0);
    std::vector<uint8_t> out(256);
    const auto address = static_cast<uint64_t>(pa.QuadPart);
    read_mapped = b.platform.memory().dma_read(address, out);
    NdisMFreeNetBufferSGList(dma, r.list, nbl->FirstNetBuffer);
    read_after = b.platform.memory().dma_read(address, out);
  });
  b.run();
  EXPECT_EQ(r.calls, 1);
  EXPECT_TRUE(read_mapped);
  EXPECT_TRUE(read_after);
  EXPECT_NO_VIOLATIONS(b);
}

}  // namespace
}  // namespace nicsim::ndis
