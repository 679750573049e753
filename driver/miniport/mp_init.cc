// Driver entry, MiniportInitializeEx and MiniportHaltEx: the adapter's one lifecycle.
#include <new>

#include "mp_adapter.h"

namespace nicsim::miniport {
namespace {

DriverCounters g_counters;
NDIS_HANDLE g_driver_handle = nullptr;  // what NdisMRegisterMiniportDriver returned

ULONG EnabledCausesFor(ULONG queues) {
  ULONG causes = kMiscCauses;
  for (ULONG q = 0; q < queues; ++q) causes |= QueueCauses(q);
  return causes;
}

// Runs at PASSIVE_LEVEL. Undoes whatever initialize got to; the device is reset first so it
// no longer touches the rings.
VOID MPFreeAdapter(MP_ADAPTER* adapter, bool locks_allocated) {
  if (adapter->Bar0) NICWriteRegister(adapter, nic_regs::CTRL, nic_regs::CTRL_RESET);
  if (adapter->InterruptRegistered) {
    NdisMDeregisterInterruptEx(adapter->InterruptHandle);
    adapter->InterruptRegistered = FALSE;
  }
  NICFreeRings(adapter);
  NICDeregisterDma(adapter);
  if (locks_allocated) {
    NdisFreeSpinLock(&adapter->Lock);
    NdisFreeSpinLock(&adapter->SendLock);
    NdisFreeSpinLock(&adapter->RcvLock);
  }
  if (adapter->Bar0) NdisMUnmapIoSpace(adapter->AdapterHandle, adapter->Bar0, adapter->Bar0Length);
  if (adapter->ResetWorkItem) NdisFreeIoWorkItem(adapter->ResetWorkItem);
  adapter->~MP_ADAPTER();
  NdisFreeMemory(adapter, sizeof(MP_ADAPTER), 0);
}

// The first memory range is BAR0; each message interrupt descriptor is one MSI-X message.
bool MPReadResources(PNDIS_RESOURCE_LIST resources, MP_ADAPTER* adapter) {
  if (!resources) return false;
  bool have_bar0 = false;
  for (ULONG i = 0; i < resources->Count; ++i) {
    const CM_PARTIAL_RESOURCE_DESCRIPTOR& d = resources->PartialDescriptors[i];
    if (d.Type == CmResourceTypeMemory && !have_bar0) {
      adapter->Bar0Pa = d.u.Memory.Start;
      adapter->Bar0Length = d.u.Memory.Length;
      have_bar0 = true;
    } else if (d.Type == CmResourceTypeInterrupt && (d.Flags & CM_RESOURCE_INTERRUPT_MESSAGE)) {
      ++adapter->MessageCount;
    }
  }
  return have_bar0;
}

// Queues, a power of two: as many as configured and as the messages allow (one each, and one
// more for link and errors).
ULONG MPQueuesFor(ULONG configured, ULONG messages, bool msix) {
  ULONG queues = configured;
  if (msix) {
    while (queues > 1 && queues + 1 > messages) queues /= 2;
  }
  return queues;
}

// Runs at PASSIVE_LEVEL (initialize): registration attributes, then general attributes (an
// Ethernet adapter with the NIC's link and this driver's OIDs).
NDIS_STATUS MPSetAttributes(MP_ADAPTER* adapter) {
  NDIS_MINIPORT_ADAPTER_ATTRIBUTES attributes{};
  auto& registration = attributes.RegistrationAttributes;
  registration.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
  registration.Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
  registration.Header.Size = sizeof(registration);
  registration.MiniportAdapterContext = adapter;
  registration.AttributeFlags =
      NDIS_MINIPORT_ATTRIBUTES_HARDWARE_DEVICE | NDIS_MINIPORT_ATTRIBUTES_BUS_MASTER;
  registration.CheckForHangTimeInSeconds = 2;
  registration.InterfaceType = NdisInterfacePci;
  NDIS_STATUS status = NdisMSetMiniportAttributes(adapter->AdapterHandle, &attributes);
  if (status != NDIS_STATUS_SUCCESS) return status;

  NdisZeroMemory(&attributes, sizeof(attributes));
  auto& general = attributes.GeneralAttributes;
  general.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES;
  general.Header.Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2;
  general.Header.Size = sizeof(general);
  general.MediaType = NdisMedium802_3;
  general.PhysicalMediumType = NdisPhysicalMedium802_3;
  general.MtuSize = nic_regs::kMaxFrame - 18;
  general.MaxXmitLinkSpeed = general.XmitLinkSpeed = kLinkSpeedBps;
  general.MaxRcvLinkSpeed = general.RcvLinkSpeed = kLinkSpeedBps;
  general.MediaConnectState = MediaConnectStateConnected;
  general.MediaDuplexState = MediaDuplexStateFull;
  general.LookaheadSize = nic_regs::kMaxFrame - 14;
  general.MacOptions = NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA | NDIS_MAC_OPTION_TRANSFERS_NOT_PEND |
                       NDIS_MAC_OPTION_NO_LOOPBACK;
  general.SupportedPacketFilters = kSupportedPacketFilters;
  general.MacAddressLength = sizeof(adapter->MacAddress);
  NdisMoveMemory(general.PermanentMacAddress, adapter->MacAddress, sizeof(adapter->MacAddress));
  NdisMoveMemory(general.CurrentMacAddress, adapter->MacAddress, sizeof(adapter->MacAddress));
  general.AccessType = NET_IF_ACCESS_BROADCAST;
  general.DirectionType = NET_IF_DIRECTION_SENDRECEIVE;
  general.ConnectionType = NET_IF_CONNECTION_DEDICATED;
  general.IfType = IF_TYPE_ETHERNET_CSMACD;
  general.IfConnectorPresent = TRUE;
  general.SupportedOidList = const_cast<PNDIS_OID>(kSupportedOids);
  general.SupportedOidListLength = sizeof(kSupportedOids);
  return NdisMSetMiniportAttributes(adapter->AdapterHandle, &attributes);
}

// MiniportInitializeEx. Runs at PASSIVE_LEVEL; takes RcvLock while posting buffers.
NDIS_STATUS MPInitializeEx(NDIS_HANDLE adapter_handle, NDIS_HANDLE driver_context,
                           PNDIS_MINIPORT_INIT_PARAMETERS params) {
  (void)driver_context;
  if (!params) return NDIS_STATUS_INVALID_PARAMETER;
  PVOID memory = NdisAllocateMemoryWithTagPriority(adapter_handle, sizeof(MP_ADAPTER), kPoolTag,
                                                   NormalPoolPriority);
  if (!memory) return NDIS_STATUS_RESOURCES;
  auto* adapter = new (memory) MP_ADAPTER();
  adapter->AdapterHandle = adapter_handle;
  NDIS_STATUS status = MPReadConfiguration(adapter);
  if (status != NDIS_STATUS_SUCCESS) {
    MPFreeAdapter(adapter, false);
    return status;
  }
  if (!MPReadResources(params->AllocatedResources, adapter)) {
    MPFreeAdapter(adapter, false);
    return NDIS_STATUS_RESOURCES;
  }
  adapter->Msix = adapter->MessageCount >= 2;
  adapter->NumQueues = MPQueuesFor(adapter->RssQueues, adapter->MessageCount, adapter->Msix);
  const CCHAR cpus = NdisSystemProcessorCount();
  adapter->NumCpus = cpus > 0 ? static_cast<ULONG>(cpus) : 1;
  adapter->EnabledCauses = EnabledCausesFor(adapter->NumQueues);
  NdisMoveMemory(adapter->MacAddress, kMacAddress, sizeof(kMacAddress));
  adapter->PacketFilter = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST;

  status = MPSetAttributes(adapter);
  if (status != NDIS_STATUS_SUCCESS) {
    MPFreeAdapter(adapter, false);
    return status;
  }
  adapter->ResetWorkItem = NdisAllocateIoWorkItem(adapter_handle);
  if (!adapter->ResetWorkItem) {
    MPFreeAdapter(adapter, false);
    return NDIS_STATUS_RESOURCES;
  }
  NdisAllocateSpinLock(&adapter->Lock);
  NdisAllocateSpinLock(&adapter->SendLock);
  if (!HasBug(adapter, DriverBug::kLockUsedBeforeAllocate)) NdisAllocateSpinLock(&adapter->RcvLock);

  status = NdisMMapIoSpace(&adapter->Bar0, adapter_handle, adapter->Bar0Pa, adapter->Bar0Length);
  if (status != NDIS_STATUS_SUCCESS || !adapter->Bar0) {
    adapter->Bar0 = nullptr;
    MPFreeAdapter(adapter, true);
    return NDIS_STATUS_RESOURCES;
  }
  status = NICCheckIdentity(adapter);
  if (status != NDIS_STATUS_SUCCESS) {
    MPFreeAdapter(adapter, true);
    return status;
  }
  // Masked and reset before the interrupt is connected: the ISR may run as soon as it is (a
  // device left asserting by firmware, or another device on a shared line).
  const bool register_first = HasBug(adapter, DriverBug::kRegisterBeforeMask);
  if (!register_first) {
    NICWriteRegister(adapter, nic_regs::IMC, kAllCauses);
    NICResetDevice(adapter);
  }

  status = NICRegisterDma(adapter);
  if (status == NDIS_STATUS_SUCCESS) status = NICAllocateRings(adapter);
  if (status == NDIS_STATUS_SUCCESS) status = MPRegisterInterrupt(adapter);
  if (status != NDIS_STATUS_SUCCESS) {
    MPFreeAdapter(adapter, true);
    return status;
  }
  if (register_first) {
    // Bug variant: "nothing can interrupt before the rings exist", so it quiesces the device
    // only now, synchronized, after the ISR is connected.
    MPDisableInterruptsSync(adapter, kAllCauses);
    NICResetDevice(adapter);
  }
  NICProgramRings(adapter);
  MPPostAllRxBuffers(adapter);
  if (HasBug(adapter, DriverBug::kLockUsedBeforeAllocate)) NdisAllocateSpinLock(&adapter->RcvLock);

  NICWriteRegister(adapter, nic_regs::CTRL,
                   nic_regs::CTRL_EN | (adapter->Msix ? 0u : nic_regs::CTRL_INTX_MODE));
  MPEnableInterruptsSync(adapter, adapter->EnabledCauses);
  return NDIS_STATUS_SUCCESS;
}

// MiniportHaltEx. Runs at PASSIVE_LEVEL once sends and receive indications have drained: wait
// out the DPCs, mask, reset, deregister, abort what is left, free.
VOID MPHaltEx(NDIS_HANDLE context, NDIS_HALT_ACTION) {
  auto* adapter = static_cast<MP_ADAPTER*>(context);
  if (HasBug(adapter, DriverBug::kHaltFlagUnlocked)) {
    adapter->Halting = TRUE;  // the mistake: "a BOOLEAN store is atomic", no Lock
  } else {
    NdisAcquireSpinLock(&adapter->Lock);
    adapter->Halting = TRUE;
    if (HasBug(adapter, DriverBug::kHaltSleepsUnderLock)) NdisMSleep(100);  // "let sends drain"
    NdisReleaseSpinLock(&adapter->Lock);
  }

  // DPCs that started before Halting was set still use the interrupt, and re-enable their
  // causes last: let them finish, then mask, then reset (the device masked, the ISR cannot race
  // the reset).
  MPWaitForDpcs(adapter);
  MPDisableInterruptsSync(adapter, kAllCauses);
  NICWriteRegister(adapter, nic_regs::CTRL, nic_regs::CTRL_RESET);
  NICWaitForIdle(adapter);
  NdisStallExecution(HasBug(adapter, DriverBug::kHaltStallTooLong) ? 100 : 1);

  const bool locks_freed_early = HasBug(adapter, DriverBug::kHaltFreesLocksFirst);
  if (locks_freed_early) {
    NdisFreeSpinLock(&adapter->Lock);
    NdisFreeSpinLock(&adapter->SendLock);
    NdisFreeSpinLock(&adapter->RcvLock);
  }
  if (HasBug(adapter, DriverBug::kHaltWithoutDeregister)) {
    // The mistake. The adapter is leaked, not freed: the still-connected ISR must not find
    // freed memory should the (reset, masked) device ever interrupt again.
    return;
  }
  MpMutableCounters().IsrBadCauses += MPIsrBadCauses(adapter);
  NdisMDeregisterInterruptEx(adapter->InterruptHandle);
  adapter->InterruptRegistered = FALSE;
  if (!locks_freed_early) MPAbortAllSends(adapter, NDIS_STATUS_SEND_ABORTED, false);
  MPFreeAdapter(adapter, !locks_freed_early);
}

}  // namespace

DriverCounters& MpMutableCounters() { return g_counters; }
const DriverCounters& MpCounters() { return g_counters; }

}  // namespace nicsim::miniport

using namespace nicsim::miniport;

// Runs at PASSIVE_LEVEL.
extern "C" NTSTATUS DriverEntry(PDRIVER_OBJECT driver_object, PUNICODE_STRING registry_path) {
  MpMutableCounters() = DriverCounters{};
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS chars{};
  chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
  chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
  chars.Header.Size = sizeof(chars);
  chars.MajorNdisVersion = 6;
  chars.MinorNdisVersion = 30;
  chars.InitializeHandlerEx = MPInitializeEx;
  chars.HaltHandlerEx = MPHaltEx;
  chars.PauseHandler = MPPause;
  chars.RestartHandler = MPRestart;
  chars.OidRequestHandler = MPOidRequest;
  chars.CancelOidRequestHandler = MPCancelOidRequest;
  chars.SendNetBufferListsHandler = MPSendNetBufferLists;
  chars.ReturnNetBufferListsHandler = MPReturnNetBufferLists;
  chars.CancelSendHandler = MPCancelSend;
  chars.CheckForHangHandlerEx = MPCheckForHangEx;
  chars.ResetHandlerEx = MPResetEx;
  chars.DevicePnPEventNotifyHandler = MPDevicePnPEventNotify;
  chars.ShutdownHandlerEx = MPShutdownEx;
  return NdisMRegisterMiniportDriver(driver_object, registry_path, nullptr, &chars,
                                     &g_driver_handle);
}
