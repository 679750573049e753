/* MiniportOidRequest: the queries and sets an Ethernet miniport answers. Runs at PASSIVE_LEVEL,
 * answers at once (never pends) and takes no lock: what it reads is statistics and settings. */
#include "sn_adapter.h"

#define SN_MULTICAST_LIST_SIZE 32
#define SN_SUPPORTED_PACKET_FILTERS                                                          \
  (NDIS_PACKET_TYPE_DIRECTED | NDIS_PACKET_TYPE_MULTICAST | NDIS_PACKET_TYPE_ALL_MULTICAST | \
   NDIS_PACKET_TYPE_BROADCAST | NDIS_PACKET_TYPE_PROMISCUOUS)

/* ntddndis.h's NDIS_HARDWARE_STATUS, of which only "ready" is ever answered. */
#define SN_HARDWARE_STATUS_READY 0

static const char SnVendorDescription[] = "simple-nic example NIC";

const NDIS_OID SnSupportedOids[] = {OID_GEN_SUPPORTED_LIST,
                                    OID_GEN_HARDWARE_STATUS,
                                    OID_GEN_MEDIA_SUPPORTED,
                                    OID_GEN_MEDIA_IN_USE,
                                    OID_GEN_MAXIMUM_FRAME_SIZE,
                                    OID_GEN_MAXIMUM_TOTAL_SIZE,
                                    OID_GEN_LINK_SPEED,
                                    OID_GEN_MEDIA_CONNECT_STATUS,
                                    OID_GEN_LINK_STATE,
                                    OID_GEN_CURRENT_PACKET_FILTER,
                                    OID_GEN_STATISTICS,
                                    OID_GEN_XMIT_OK,
                                    OID_GEN_RCV_OK,
                                    OID_GEN_XMIT_ERROR,
                                    OID_GEN_RCV_ERROR,
                                    OID_GEN_VENDOR_DESCRIPTION,
                                    OID_802_3_PERMANENT_ADDRESS,
                                    OID_802_3_CURRENT_ADDRESS,
                                    OID_802_3_MULTICAST_LIST,
                                    OID_802_3_MAXIMUM_LIST_SIZE};
const ULONG SnSupportedOidsBytes = sizeof(SnSupportedOids);

/* Copies a query's answer, or says how many bytes it needs. */
static NDIS_STATUS SnAnswer(PNDIS_OID_REQUEST Request, const VOID *Data, ULONG Bytes) {
  struct _QUERY *query = &Request->DATA.QUERY_INFORMATION;
  if (query->InformationBufferLength < Bytes) {
    query->BytesNeeded = Bytes;
    query->BytesWritten = 0;
    return NDIS_STATUS_BUFFER_TOO_SHORT;
  }
  NdisMoveMemory(query->InformationBuffer, Data, Bytes);
  query->BytesWritten = Bytes;
  query->BytesNeeded = 0;
  return NDIS_STATUS_SUCCESS;
}

static NDIS_STATUS SnAnswerUlong(PNDIS_OID_REQUEST Request, ULONG Value) {
  return SnAnswer(Request, &Value, sizeof(Value));
}

/* NDIS lets a 64-bit counter be read into 4 bytes (the low half). */
static NDIS_STATUS SnAnswerCounter(PNDIS_OID_REQUEST Request, ULONG64 Value) {
  if (Request->DATA.QUERY_INFORMATION.InformationBufferLength == sizeof(ULONG)) {
    return SnAnswerUlong(Request, (ULONG)Value);
  }
  return SnAnswer(Request, &Value, sizeof(Value));
}

/* The counters, each read under the lock its writer holds: a plain read races the DPC that
 * counts. The two locks are taken one after the other, never nested. */
typedef struct _SN_COUNTERS {
  ULONG64 RxOk;
  ULONG64 RxErrors;
  ULONG64 TxOk;
  ULONG64 TxErrors;
} SN_COUNTERS;

static SN_COUNTERS SnReadCounters(PSN_ADAPTER Adapter) {
  SN_COUNTERS counters;
  NdisAcquireSpinLock(&Adapter->RcvLock);
  counters.RxOk = Adapter->StatRxOk;
  counters.RxErrors = Adapter->StatRxErrors;
  NdisReleaseSpinLock(&Adapter->RcvLock);
  NdisAcquireSpinLock(&Adapter->SendLock);
  counters.TxOk = Adapter->StatTxOk;
  counters.TxErrors = Adapter->StatTxErrors;
  NdisReleaseSpinLock(&Adapter->SendLock);
  return counters;
}

static NDIS_STATUS SnQueryStatistics(PSN_ADAPTER Adapter, PNDIS_OID_REQUEST Request) {
  const SN_COUNTERS counters = SnReadCounters(Adapter);
  NDIS_STATISTICS_INFO stats;
  NdisZeroMemory(&stats, sizeof(stats));
  stats.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
  stats.Header.Revision = NDIS_STATISTICS_INFO_REVISION_1;
  stats.Header.Size = sizeof(stats);
  stats.SupportedStatistics =
      NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_RCV | NDIS_STATISTICS_FLAGS_VALID_RCV_ERROR |
      NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_XMIT | NDIS_STATISTICS_FLAGS_VALID_XMIT_ERROR;
  stats.ifHCInUcastPkts = counters.RxOk;
  stats.ifInErrors = counters.RxErrors;
  stats.ifHCOutUcastPkts = counters.TxOk;
  stats.ifOutErrors = counters.TxErrors;
  return SnAnswer(Request, &stats, sizeof(stats));
}

static NDIS_STATUS SnQueryLinkState(PSN_ADAPTER Adapter, PNDIS_OID_REQUEST Request) {
  NDIS_LINK_STATE link;
  NdisZeroMemory(&link, sizeof(link));
  link.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
  link.Header.Revision = NDIS_LINK_STATE_REVISION_1;
  link.Header.Size = sizeof(link);
  link.MediaConnectState = Adapter->MediaConnectState;
  link.MediaDuplexState = MediaDuplexStateFull;
  link.XmitLinkSpeed = link.RcvLinkSpeed = SN_LINK_SPEED_BPS;
  link.PauseFunctions = NdisPauseFunctionsUnsupported;
  return SnAnswer(Request, &link, sizeof(link));
}

static NDIS_STATUS SnQuery(PSN_ADAPTER Adapter, PNDIS_OID_REQUEST Request) {
  switch (Request->DATA.QUERY_INFORMATION.Oid) {
    case OID_GEN_SUPPORTED_LIST:
      return SnAnswer(Request, SnSupportedOids, SnSupportedOidsBytes);
    case OID_GEN_HARDWARE_STATUS:
      return SnAnswerUlong(Request, SN_HARDWARE_STATUS_READY);
    case OID_GEN_MEDIA_SUPPORTED:
    case OID_GEN_MEDIA_IN_USE:
      return SnAnswerUlong(Request, NdisMedium802_3);
    case OID_GEN_MAXIMUM_FRAME_SIZE:
      return SnAnswerUlong(Request, SN_ETH_PAYLOAD_BYTES);
    case OID_GEN_MAXIMUM_TOTAL_SIZE:
      return SnAnswerUlong(Request, SN_ETH_PAYLOAD_BYTES + SN_ETH_HEADER_BYTES);
    case OID_GEN_LINK_SPEED:
      return SnAnswerUlong(Request, (ULONG)(SN_LINK_SPEED_BPS / 100)); /* in 100 bps */
    case OID_GEN_MEDIA_CONNECT_STATUS:
      return SnAnswerUlong(Request, Adapter->MediaConnectState == MediaConnectStateConnected
                                        ? NdisMediaStateConnected
                                        : NdisMediaStateDisconnected);
    case OID_GEN_LINK_STATE:
      return SnQueryLinkState(Adapter, Request);
    case OID_GEN_CURRENT_PACKET_FILTER:
      return SnAnswerUlong(Request, Adapter->PacketFilter);
    case OID_GEN_STATISTICS:
      return SnQueryStatistics(Adapter, Request);
    case OID_GEN_XMIT_OK:
      return SnAnswerCounter(Request, SnReadCounters(Adapter).TxOk);
    case OID_GEN_RCV_OK:
      return SnAnswerCounter(Request, SnReadCounters(Adapter).RxOk);
    case OID_GEN_XMIT_ERROR:
      return SnAnswerCounter(Request, SnReadCounters(Adapter).TxErrors);
    case OID_GEN_RCV_ERROR:
      return SnAnswerCounter(Request, SnReadCounters(Adapter).RxErrors);
    case OID_GEN_VENDOR_DESCRIPTION:
      return SnAnswer(Request, SnVendorDescription, sizeof(SnVendorDescription));
    case OID_802_3_PERMANENT_ADDRESS:
    case OID_802_3_CURRENT_ADDRESS:
      return SnAnswer(Request, Adapter->MacAddress, sizeof(Adapter->MacAddress));
    case OID_802_3_MAXIMUM_LIST_SIZE:
      return SnAnswerUlong(Request, SN_MULTICAST_LIST_SIZE);
    default:
      return NDIS_STATUS_NOT_SUPPORTED;
  }
}

static NDIS_STATUS SnSet(PSN_ADAPTER Adapter, PNDIS_OID_REQUEST Request) {
  struct _SET *set = &Request->DATA.SET_INFORMATION;
  ULONG filter;
  switch (set->Oid) {
    case OID_GEN_CURRENT_PACKET_FILTER:
      if (set->InformationBufferLength < sizeof(ULONG)) {
        set->BytesNeeded = sizeof(ULONG);
        return NDIS_STATUS_INVALID_LENGTH;
      }
      NdisMoveMemory(&filter, set->InformationBuffer, sizeof(filter));
      if (filter & ~(ULONG)SN_SUPPORTED_PACKET_FILTERS) return NDIS_STATUS_NOT_SUPPORTED;
      Adapter->PacketFilter = filter; /* the NIC receives everything; the filter is recorded */
      set->BytesRead = sizeof(ULONG);
      return NDIS_STATUS_SUCCESS;
    case OID_802_3_MULTICAST_LIST:
      if (set->InformationBufferLength % 6 != 0) return NDIS_STATUS_INVALID_LENGTH;
      if (set->InformationBufferLength / 6 > SN_MULTICAST_LIST_SIZE) {
        return NDIS_STATUS_MULTICAST_FULL;
      }
      set->BytesRead = set->InformationBufferLength;
      return NDIS_STATUS_SUCCESS;
    default:
      return NDIS_STATUS_NOT_SUPPORTED;
  }
}

/* MiniportOidRequest. */
NDIS_STATUS SnOidRequest(NDIS_HANDLE MiniportAdapterContext, PNDIS_OID_REQUEST OidRequest) {
  PSN_ADAPTER adapter = (PSN_ADAPTER)MiniportAdapterContext;
  switch (OidRequest->RequestType) {
    case NdisRequestQueryInformation:
    case NdisRequestQueryStatistics:
      return SnQuery(adapter, OidRequest);
    case NdisRequestSetInformation:
      return SnSet(adapter, OidRequest);
    default:
      return NDIS_STATUS_NOT_SUPPORTED;
  }
}

/* MiniportCancelOidRequest. Requests never pend here, so there is none to cancel. */
VOID SnCancelOidRequest(NDIS_HANDLE MiniportAdapterContext, PVOID RequestId) {
  UNREFERENCED_PARAMETER(MiniportAdapterContext);
  UNREFERENCED_PARAMETER(RequestId);
}
