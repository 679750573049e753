// Adapter lifecycle and data path: halt/initialize with a small miniport fragment driven through
// NdisMRegisterMiniportDriver, and interrupt-versus-data ordering on the device side.
#include <gtest/gtest.h>

#include "sim/interrupt_controller.h"
#include "sim/monitors/irq_before_data.h"
#include "testbench/ndis/ndis_test_util.h"

namespace nicsim::ndis {
namespace {

using testing::Bench;
using testing::Fragment;

// A miniport fragment: initialize registers an interrupt; halt deregisters it or not.
struct MiniDriver {
  Bench* bench = nullptr;
  Fragment fragment;
  bool deregister_in_halt = true;
  bool fail_initialize = false;
};
MiniDriver* g_driver = nullptr;

NDIS_STATUS MiniInitialize(NDIS_HANDLE handle, NDIS_HANDLE, PNDIS_MINIPORT_INIT_PARAMETERS) {
  NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES registration{};
  registration.Header = {NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES,
                         NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1,
                         sizeof(registration)};
  registration.MiniportAdapterContext = g_driver;
  NdisMSetMiniportAttributes(handle,
                             reinterpret_cast<PNDIS_MINIPORT_ADAPTER_ATTRIBUTES>(&registration));
  g_driver->bench->describe(g_driver->fragment, {1});
  g_driver->bench->connect(g_driver->fragment, handle);
  return g_driver->fail_initialize ? NDIS_STATUS_RESOURCES : NDIS_STATUS_SUCCESS;
}

VOID MiniHalt(NDIS_HANDLE context, NDIS_HALT_ACTION) {
  auto* driver = static_cast<MiniDriver*>(context);
  if (driver->deregister_in_halt) NdisMDeregisterInterruptEx(driver->fragment.interrupt);
}

void LoadDriver(Bench& b, MiniDriver& driver) {
  driver.bench = &b;
  g_driver = &driver;
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS chars{};
  chars.InitializeHandlerEx = MiniInitialize;
  chars.HaltHandlerEx = MiniHalt;
  NDIS_HANDLE handle = nullptr;
  ASSERT_EQ(NdisMRegisterMiniportDriver(nullptr, nullptr, nullptr, &chars, &handle),
            NDIS_STATUS_SUCCESS);
}

TEST(AdapterRules, HALT_WITHOUT_DEREGISTER_Triggers) {
  Bench b;
  MiniDriver driver;
  driver.deregister_in_halt = false;
  LoadDriver(b, driver);
  b.kernel.initialize_adapter(0, 0);
  b.kernel.halt_adapter(0, 20'000);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "HALT_WITHOUT_DEREGISTER");
  EXPECT_EQ(v.cpu, 0);
  EXPECT_EQ(v.object, "MiniportHaltEx");
}

TEST(AdapterRules, HALT_WITHOUT_DEREGISTER_TriggersOnFailedInitialize) {
  Bench b;
  MiniDriver driver;
  driver.fail_initialize = true;
  LoadDriver(b, driver);
  b.kernel.initialize_adapter(0, 0);
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "HALT_WITHOUT_DEREGISTER");
  EXPECT_EQ(v.object, "MiniportInitializeEx");
  EXPECT_FALSE(b.kernel.adapter_initialized());
}

TEST(AdapterRules, HALT_WITHOUT_DEREGISTER_Silent) {
  Bench b;
  MiniDriver driver;
  LoadDriver(b, driver);
  b.kernel.initialize_adapter(0, 0);
  b.kernel.halt_adapter(0, 20'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(b.kernel.initialize_status(), NDIS_STATUS_SUCCESS);
  EXPECT_FALSE(b.kernel.adapter_initialized());
}

// IRQ_BEFORE_DATA is found on the device side by the cycle monitor; here its ports see a
// completion written into the driver's shared memory and an MSI-X write for it.
void DataThenInterrupt(Bench& b, bool wait_for_data) {
  NDIS_PHYSICAL_ADDRESS pa{};
  b.kernel.run_passive(0, "fragment", [&] {
    PVOID va = nullptr;
    NdisMAllocateSharedMemory(nullptr, 256, FALSE, &va, &pa);
  });
  b.run();
  sim::IrqBeforeData monitor([&](Violation v) { b.platform.report(std::move(v)); });
  uint64_t cycle = 0;
  sim::DevicePorts ports;
  sim::Axi4Ports& p = ports.dma;
  auto step = [&] { monitor.on_cycle(++cycle, ports); };
  p.awaddr = static_cast<uint64_t>(pa.QuadPart);  // the completion write
  p.awvalid = p.awready = true;
  step();
  p.awvalid = p.awready = false;
  if (wait_for_data) {
    p.bvalid = p.bready = true;  // the data write's response
    step();
    p.bvalid = p.bready = false;
  }
  p.awaddr = sim::InterruptController::msi_address(1);  // the interrupt message
  p.awvalid = p.awready = true;
  step();
}

TEST(DeviceRules, IRQ_BEFORE_DATA_Triggers) {
  Bench b;
  DataThenInterrupt(b, false);
  const auto& v = EXPECT_VIOLATION(b, "IRQ_BEFORE_DATA");
  EXPECT_EQ(v.object, "m_axi_awaddr");
}

TEST(DeviceRules, IRQ_BEFORE_DATA_Silent) {
  Bench b;
  DataThenInterrupt(b, true);
  EXPECT_NO_VIOLATIONS(b);
}

TEST(DataPath, ReceiveReachesTheProtocol) {
  Bench b;
  NET_BUFFER_LIST nbl{};
  int received = 0;
  b.kernel.set_protocol({[&](PNET_BUFFER_LIST, ULONG count, ULONG) { received += count; }, {}});
  Fragment f;
  f.dpc = [&](ULONG, PVOID) {
    NdisMIndicateReceiveNetBufferLists(nullptr, &nbl, 0, 1, NDIS_RECEIVE_FLAGS_DISPATCH_LEVEL);
  };
  b.register_at_start(f, {1});
  b.fire(f, 0, 5'000);
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  EXPECT_EQ(received, 1);
  EXPECT_TRUE(b.kernel.stats_json().contains("locks"));
}

}  // namespace
}  // namespace nicsim::ndis
