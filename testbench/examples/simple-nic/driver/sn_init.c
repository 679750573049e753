/* DriverEntry and unload, MiniportInitializeEx and MiniportHaltEx, the registry keywords, and
 * the table of deliberate mistakes (bug variants) nicsim can select. */
#include "sn_adapter.h"

/* Locally administered, as an example NIC without an EEPROM would use. */
static const UCHAR SnDefaultMacAddress[6] = {0x02, 0x53, 0x4E, 0x00, 0x00, 0x01};

static NDIS_HANDLE SnDriverHandle;

DRIVER_INITIALIZE DriverEntry;
MINIPORT_UNLOAD SnUnload;
MINIPORT_INITIALIZE SnInitializeEx;
MINIPORT_HALT SnHaltEx;

/* Each row is one realistic mistake in one spot of the driver, and the rule that must catch it.
 * Row i is selected by the keyword NicsimDriverBug = i + 1 (SN_BUG in sn_adapter.h). Scenario
 * NULL: each shows in the first scenario of scenarios.json. */
const NICSIM_DRIVER_BUG NicsimDriverBugs[] = {
    {"isr-no-mask", "ISR_NO_MASK", "ISR queues the DPC without masking the device (no IMC write)",
     NULL},
    {"send-error-path-no-release", "LOCK_HELD_AT_RETURN",
     "send path returns on a full TX ring still holding SendLock", NULL},
    {"halt-without-deregister", "HALT_WITHOUT_DEREGISTER",
     "halt returns with the interrupt still registered", NULL},
    {"rx-buffer-virtual-address", "DMA_OUTSIDE_GRANT",
     "RX descriptors carry the buffer's virtual address, not its physical one", NULL},
    {"dpc-skips-reenable", "INTERRUPT_LOST",
     "DPC returns without unmasking (IMS) when it had only TX work", NULL},
    {"dpr-acquire-plain-release", "MISMATCHED_RELEASE",
     "receive path: NdisDprAcquireSpinLock, then NdisReleaseSpinLock", NULL},
    {"send-complete-under-lock", "NDIS_CALL_UNDER_LOCK",
     "DPC completes sends while holding SendLock", NULL},
    {"reenable-outside-sync", "MASK_OUTSIDE_SYNC",
     "DPC writes IMS directly instead of through NdisMSynchronizeWithInterruptEx", NULL},
    {NULL, NULL, NULL, NULL}};
C_ASSERT(RTL_NUMBER_OF(NicsimDriverBugs) == SN_BUG_COUNT);

/* An integer keyword, or Default when it is absent or not a number. */
static ULONG SnReadUlong(NDIS_HANDLE Config, PNDIS_STRING Keyword, ULONG Default) {
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  PNDIS_CONFIGURATION_PARAMETER parameter = NULL;
  NdisReadConfiguration(&status, &parameter, Config, Keyword, NdisParameterInteger);
  if (status != NDIS_STATUS_SUCCESS || !parameter) return Default;
  return parameter->ParameterData.IntegerData;
}

/* Runs at PASSIVE_LEVEL. *NumRssQueues: this NIC has one queue pair, so its INF offers only
 * "1"; a value out of that range (a stale registry entry) is treated as the INF's default, as
 * NDIS drivers treat any out-of-range keyword, rather than failing the adapter. */
static NDIS_STATUS SnReadConfiguration(PSN_ADAPTER Adapter) {
  NDIS_CONFIGURATION_OBJECT object;
  NDIS_HANDLE config = NULL;
  NDIS_STRING rss_queues = NDIS_STRING_CONST("*NumRssQueues");
  NDIS_STRING bug = RTL_CONSTANT_STRING(NICSIM_DRIVER_BUG_KEYWORD);
  NDIS_STATUS status;
  ULONG selected;

  NdisZeroMemory(&object, sizeof(object));
  object.Header.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT;
  object.Header.Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1;
  object.Header.Size = NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1;
  object.NdisHandle = Adapter->AdapterHandle;
  status = NdisOpenConfigurationEx(&object, &config);
  if (status != NDIS_STATUS_SUCCESS) return status;
  (void)SnReadUlong(config, &rss_queues, 1); /* any value: one queue pair */
  selected = SnReadUlong(config, &bug, SN_BUG_NONE);
  NdisCloseConfiguration(config);
  Adapter->Bug = selected < SN_BUG_COUNT ? (SN_BUG)selected : SN_BUG_NONE;
  return NDIS_STATUS_SUCCESS;
}

/* The register file reaches to the last statistics counter. */
#define SN_BAR0_MIN_BYTES (SIMPLE_NIC_REG_ROC + sizeof(ULONG))

/* BAR0 is the first memory range, and must hold every register. The interrupt descriptor says
 * message (MSI) or line. */
static BOOLEAN SnReadResources(PSN_ADAPTER Adapter, PNDIS_RESOURCE_LIST Resources) {
  BOOLEAN have_bar0 = FALSE;
  BOOLEAN have_interrupt = FALSE;
  ULONG i;
  if (!Resources) return FALSE;
  for (i = 0; i < Resources->Count; ++i) {
    const CM_PARTIAL_RESOURCE_DESCRIPTOR *d = &Resources->PartialDescriptors[i];
    if (d->Type == CmResourceTypeMemory && !have_bar0) {
      Adapter->Bar0Pa = d->u.Memory.Start;
      Adapter->Bar0Length = d->u.Memory.Length;
      have_bar0 = TRUE;
    } else if (d->Type == CmResourceTypeInterrupt && !have_interrupt) {
      Adapter->MessageBased = (d->Flags & CM_RESOURCE_INTERRUPT_MESSAGE) ? TRUE : FALSE;
      have_interrupt = TRUE;
    }
  }
  return have_bar0 && have_interrupt && Adapter->Bar0Length >= SN_BAR0_MIN_BYTES;
}

/* Runs at PASSIVE_LEVEL (initialize): registration, then general attributes. */
static NDIS_STATUS SnSetAttributes(PSN_ADAPTER Adapter) {
  NDIS_MINIPORT_ADAPTER_ATTRIBUTES attributes;
  NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES *registration = &attributes.RegistrationAttributes;
  NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES *general = &attributes.GeneralAttributes;
  NDIS_STATUS status;

  NdisZeroMemory(&attributes, sizeof(attributes));
  registration->Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES;
  registration->Header.Revision = NDIS_MINIPORT_ADAPTER_REGISTRATION_ATTRIBUTES_REVISION_1;
  registration->Header.Size = sizeof(*registration);
  registration->MiniportAdapterContext = Adapter;
  registration->AttributeFlags =
      NDIS_MINIPORT_ATTRIBUTES_HARDWARE_DEVICE | NDIS_MINIPORT_ATTRIBUTES_BUS_MASTER;
  registration->CheckForHangTimeInSeconds = 2;
  registration->InterfaceType = NdisInterfacePci;
  status = NdisMSetMiniportAttributes(Adapter->AdapterHandle, &attributes);
  if (status != NDIS_STATUS_SUCCESS) return status;

  NdisZeroMemory(&attributes, sizeof(attributes));
  general->Header.Type = NDIS_OBJECT_TYPE_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES;
  general->Header.Revision = NDIS_MINIPORT_ADAPTER_GENERAL_ATTRIBUTES_REVISION_2;
  general->Header.Size = sizeof(*general);
  general->MediaType = NdisMedium802_3;
  general->PhysicalMediumType = NdisPhysicalMedium802_3;
  general->MtuSize = SN_ETH_PAYLOAD_BYTES;
  general->MaxXmitLinkSpeed = general->XmitLinkSpeed = SN_LINK_SPEED_BPS;
  general->MaxRcvLinkSpeed = general->RcvLinkSpeed = SN_LINK_SPEED_BPS;
  general->MediaConnectState = MediaConnectStateConnected; /* CTRL.SLU is set at start */
  general->MediaDuplexState = MediaDuplexStateFull;
  general->LookaheadSize = SN_ETH_PAYLOAD_BYTES;
  general->MacOptions = NDIS_MAC_OPTION_COPY_LOOKAHEAD_DATA | NDIS_MAC_OPTION_TRANSFERS_NOT_PEND |
                        NDIS_MAC_OPTION_NO_LOOPBACK;
  general->SupportedPacketFilters = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST |
                                    NDIS_PACKET_TYPE_ALL_MULTICAST | NDIS_PACKET_TYPE_BROADCAST |
                                    NDIS_PACKET_TYPE_PROMISCUOUS;
  general->MaxMulticastListSize = 32;
  general->MacAddressLength = sizeof(Adapter->MacAddress);
  NdisMoveMemory(general->PermanentMacAddress, Adapter->MacAddress, sizeof(Adapter->MacAddress));
  NdisMoveMemory(general->CurrentMacAddress, Adapter->MacAddress, sizeof(Adapter->MacAddress));
  general->AccessType = NET_IF_ACCESS_BROADCAST;
  general->DirectionType = NET_IF_DIRECTION_SENDRECEIVE;
  general->ConnectionType = NET_IF_CONNECTION_DEDICATED;
  general->IfType = IF_TYPE_ETHERNET_CSMACD;
  general->IfConnectorPresent = TRUE;
  general->SupportedOidList = (PNDIS_OID)SnSupportedOids;
  general->SupportedOidListLength = SnSupportedOidsBytes;
  return NdisMSetMiniportAttributes(Adapter->AdapterHandle, &attributes);
}

/* Runs at PASSIVE_LEVEL. Undoes whatever initialize got to, the interrupt first (no ISR or DPC
 * runs after it), the device stopped before its memory goes. */
static VOID SnFreeAdapter(PSN_ADAPTER Adapter) {
  if (Adapter->Bar0) {
    SnWriteRegister(Adapter, SIMPLE_NIC_REG_RCTL, 0);
    SnWriteRegister(Adapter, SIMPLE_NIC_REG_TCTL, 0);
  }
  SnDeregisterInterrupt(Adapter);
  SnFreeRings(Adapter);
  SnDeregisterDma(Adapter);
  if (Adapter->Bar0) NdisMUnmapIoSpace(Adapter->AdapterHandle, Adapter->Bar0, Adapter->Bar0Length);
  Adapter->Bar0 = NULL;
  if (Adapter->ResetWorkItem) NdisFreeIoWorkItem(Adapter->ResetWorkItem);
  if (Adapter->LocksAllocated) {
    NdisFreeSpinLock(&Adapter->Lock);
    NdisFreeSpinLock(&Adapter->SendLock);
    NdisFreeSpinLock(&Adapter->RcvLock);
  }
  NdisFreeMemory(Adapter, sizeof(*Adapter), 0);
}

/* MiniportInitializeEx. Runs at PASSIVE_LEVEL. The device is masked and stopped before its
 * interrupt is connected (the ISR may run as soon as it is), and unmasked last. */
NDIS_STATUS SnInitializeEx(NDIS_HANDLE MiniportAdapterHandle, NDIS_HANDLE MiniportDriverContext,
                           PNDIS_MINIPORT_INIT_PARAMETERS MiniportInitParameters) {
  PSN_ADAPTER adapter;
  NDIS_STATUS status;
  PVOID bar0 = NULL;

  UNREFERENCED_PARAMETER(MiniportDriverContext);
  adapter = (PSN_ADAPTER)NdisAllocateMemoryWithTagPriority(MiniportAdapterHandle, sizeof(*adapter),
                                                           SN_POOL_TAG, NormalPoolPriority);
  if (!adapter) return NDIS_STATUS_RESOURCES;
  NdisZeroMemory(adapter, sizeof(*adapter));
  adapter->AdapterHandle = MiniportAdapterHandle;
  adapter->PacketFilter = NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_BROADCAST;
  adapter->MediaConnectState = MediaConnectStateConnected;
  NdisMoveMemory(adapter->MacAddress, SnDefaultMacAddress, sizeof(SnDefaultMacAddress));

  status = SnReadConfiguration(adapter);
  if (status == NDIS_STATUS_SUCCESS &&
      !SnReadResources(adapter, MiniportInitParameters->AllocatedResources)) {
    status = NDIS_STATUS_RESOURCES;
  }
  if (status == NDIS_STATUS_SUCCESS) status = SnSetAttributes(adapter);
  if (status != NDIS_STATUS_SUCCESS) {
    SnFreeAdapter(adapter);
    return status;
  }
  NdisAllocateSpinLock(&adapter->Lock);
  NdisAllocateSpinLock(&adapter->SendLock);
  NdisAllocateSpinLock(&adapter->RcvLock);
  adapter->LocksAllocated = TRUE;
  adapter->ResetWorkItem = NdisAllocateIoWorkItem(MiniportAdapterHandle);
  if (!adapter->ResetWorkItem) {
    SnFreeAdapter(adapter);
    return NDIS_STATUS_RESOURCES;
  }

  status = NdisMMapIoSpace(&bar0, MiniportAdapterHandle, adapter->Bar0Pa, adapter->Bar0Length);
  if (status != NDIS_STATUS_SUCCESS || !bar0) {
    SnFreeAdapter(adapter);
    return NDIS_STATUS_RESOURCES;
  }
  adapter->Bar0 = (PUCHAR)bar0;
  status = SnCheckIdentity(adapter);
  if (status != NDIS_STATUS_SUCCESS) {
    SnFreeAdapter(adapter);
    return status;
  }
  /* No soft reset on this NIC: mask, stop, and drop stale causes by hand. */
  SnWriteRegister(adapter, SIMPLE_NIC_REG_IMC, SN_ALL_CAUSES);
  SnWriteRegister(adapter, SIMPLE_NIC_REG_RCTL, 0);
  SnWriteRegister(adapter, SIMPLE_NIC_REG_TCTL, 0);
  SnWriteRegister(adapter, SIMPLE_NIC_REG_MSI_CTRL, 0);
  SnWriteRegister(adapter, SIMPLE_NIC_REG_ICR, SN_ALL_CAUSES);

  status = SnRegisterDma(adapter);
  if (status == NDIS_STATUS_SUCCESS) status = SnAllocateRings(adapter);
  if (status == NDIS_STATUS_SUCCESS) status = SnRegisterInterrupt(adapter);
  if (status != NDIS_STATUS_SUCCESS) {
    SnFreeAdapter(adapter);
    return status;
  }
  SnProgramInterruptMode(adapter);
  SnProgramRings(adapter);
  SnPostAllRxBuffers(adapter);
  SnStartDevice(adapter);
  SnEnableInterruptsSync(adapter);
  return NDIS_STATUS_SUCCESS;
}

/* MiniportHaltEx. Runs at PASSIVE_LEVEL after a pause (no send outstanding, every receive
 * returned). DPCs stop first, then the device (masked, engines idle, causes cleared), then the
 * interrupt goes and everything is freed. */
VOID SnHaltEx(NDIS_HANDLE MiniportAdapterContext, NDIS_HALT_ACTION HaltAction) {
  PSN_ADAPTER adapter = (PSN_ADAPTER)MiniportAdapterContext;
  UNREFERENCED_PARAMETER(HaltAction);

  NdisAcquireSpinLock(&adapter->Lock);
  adapter->Halting = TRUE;
  NdisReleaseSpinLock(&adapter->Lock);
  SnWaitForDpcs(adapter);
  SnDisableInterruptsSync(adapter);
  SnStopDevice(adapter);
  SnWriteRegister(adapter, SIMPLE_NIC_REG_MSI_CTRL, 0);
  SnWriteRegister(adapter, SIMPLE_NIC_REG_ICR, SN_ALL_CAUSES);

  if (SnHasBug(adapter, SN_BUG_HALT_WITHOUT_DEREGISTER)) {
    /* The mistake. The adapter is leaked rather than freed, so the still-connected ISR never
     * finds freed memory. */
    return;
  }
  SnDeregisterInterrupt(adapter);
  SnAbortAllSends(adapter); /* none after the pause; a halt without one must not lose any */
  SnFreeAdapter(adapter);
}

/* MiniportDriverUnload. Runs at PASSIVE_LEVEL once every adapter is halted. */
VOID SnUnload(PDRIVER_OBJECT DriverObject) {
  UNREFERENCED_PARAMETER(DriverObject);
  if (SnDriverHandle) NdisMDeregisterMiniportDriver(SnDriverHandle);
  SnDriverHandle = NULL;
}

/* DriverEntry. Runs at PASSIVE_LEVEL, once, when the driver loads. */
NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath) {
  NDIS_MINIPORT_DRIVER_CHARACTERISTICS chars;
  NdisZeroMemory(&chars, sizeof(chars));
  chars.Header.Type = NDIS_OBJECT_TYPE_MINIPORT_DRIVER_CHARACTERISTICS;
  chars.Header.Revision = NDIS_MINIPORT_DRIVER_CHARACTERISTICS_REVISION_2;
  chars.Header.Size = sizeof(chars);
  chars.MajorNdisVersion = 6;
  chars.MinorNdisVersion = 30;
  chars.MajorDriverVersion = 1;
  chars.MinorDriverVersion = 0;
  chars.InitializeHandlerEx = SnInitializeEx;
  chars.HaltHandlerEx = SnHaltEx;
  chars.UnloadHandler = SnUnload;
  chars.PauseHandler = SnPause;
  chars.RestartHandler = SnRestart;
  chars.OidRequestHandler = SnOidRequest;
  chars.CancelOidRequestHandler = SnCancelOidRequest;
  chars.SendNetBufferListsHandler = SnSendNetBufferLists;
  chars.ReturnNetBufferListsHandler = SnReturnNetBufferLists;
  chars.CancelSendHandler = SnCancelSend;
  chars.CheckForHangHandlerEx = SnCheckForHangEx;
  chars.ResetHandlerEx = SnResetEx;
  chars.DevicePnPEventNotifyHandler = SnDevicePnPEventNotify;
  chars.ShutdownHandlerEx = SnShutdownEx;
  return (NTSTATUS)NdisMRegisterMiniportDriver(DriverObject, RegistryPath, NULL, &chars,
                                               &SnDriverHandle);
}
