// MiniportOidRequest: the queries and sets every Ethernet miniport answers. Runs at
// PASSIVE_LEVEL; answers at once (never pends); takes no lock (the counters are statistics).
#include "mp_adapter.h"

namespace nicsim::miniport {
namespace {

constexpr char kVendorDescription[] = "nicsim reference NIC";
constexpr ULONG kMulticastListSize = 32;

typedef enum _NDIS_HARDWARE_STATUS { NdisHardwareStatusReady = 0 } NDIS_HARDWARE_STATUS;

// Copies a query's answer, or says how many bytes it needs.
NDIS_STATUS Answer(PNDIS_OID_REQUEST request, const void* data, ULONG bytes) {
  auto& query = request->DATA.QUERY_INFORMATION;
  if (query.InformationBufferLength < bytes) {
    query.BytesNeeded = bytes;
    query.BytesWritten = 0;
    return NDIS_STATUS_BUFFER_TOO_SHORT;
  }
  NdisMoveMemory(query.InformationBuffer, data, bytes);
  query.BytesWritten = bytes;
  query.BytesNeeded = 0;
  return NDIS_STATUS_SUCCESS;
}

NDIS_STATUS AnswerUlong(PNDIS_OID_REQUEST request, ULONG value) {
  return Answer(request, &value, sizeof(value));
}

NDIS_STATUS AnswerUlong64(PNDIS_OID_REQUEST request, ULONG64 value) {
  // NDIS lets a 64-bit counter be read with a 4-byte buffer (the low half).
  if (request->DATA.QUERY_INFORMATION.InformationBufferLength == sizeof(ULONG))
    return AnswerUlong(request, static_cast<ULONG>(value));
  return Answer(request, &value, sizeof(value));
}

NDIS_STATUS QueryStatistics(PNDIS_OID_REQUEST request) {
  NDIS_STATISTICS_INFO stats{};
  stats.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
  stats.Header.Revision = NDIS_STATISTICS_INFO_REVISION_1;
  stats.Header.Size = sizeof(stats);
  stats.SupportedStatistics =
      NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_RCV | NDIS_STATISTICS_FLAGS_VALID_RCV_ERROR |
      NDIS_STATISTICS_FLAGS_VALID_DIRECTED_FRAMES_XMIT | NDIS_STATISTICS_FLAGS_VALID_XMIT_ERROR;
  const DriverCounters& counters = MpCounters();
  stats.ifHCInUcastPkts = counters.RxIndicated;
  stats.ifInErrors = counters.RxBadDescriptors;  // write-backs that failed validation
  stats.ifHCOutUcastPkts = counters.TxCompleted;
  stats.ifOutErrors = counters.TxErrors;
  return Answer(request, &stats, sizeof(stats));
}

NDIS_STATUS Query(MP_ADAPTER* adapter, PNDIS_OID_REQUEST request) {
  const DriverCounters& counters = MpCounters();
  switch (request->DATA.QUERY_INFORMATION.Oid) {
    case OID_GEN_SUPPORTED_LIST:
      return Answer(request, kSupportedOids, sizeof(kSupportedOids));
    case OID_GEN_HARDWARE_STATUS:
      return AnswerUlong(request, NdisHardwareStatusReady);
    case OID_GEN_MEDIA_SUPPORTED:
    case OID_GEN_MEDIA_IN_USE:
      return AnswerUlong(request, NdisMedium802_3);
    case OID_GEN_MAXIMUM_FRAME_SIZE:
      return AnswerUlong(request, nic_regs::kMaxFrame - 14);
    case OID_GEN_MAXIMUM_TOTAL_SIZE:
      return AnswerUlong(request, nic_regs::kMaxFrame);
    case OID_GEN_LINK_SPEED:
      return AnswerUlong(request, static_cast<ULONG>(kLinkSpeedBps / 100));  // in 100 bps
    case OID_GEN_MEDIA_CONNECT_STATUS:
      return AnswerUlong(request, NdisMediaStateConnected);
    case OID_GEN_LINK_STATE: {
      NDIS_LINK_STATE state{};
      state.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
      state.Header.Revision = NDIS_LINK_STATE_REVISION_1;
      state.Header.Size = sizeof(state);
      state.MediaConnectState = MediaConnectStateConnected;
      state.MediaDuplexState = MediaDuplexStateFull;
      state.XmitLinkSpeed = state.RcvLinkSpeed = kLinkSpeedBps;
      state.PauseFunctions = NdisPauseFunctionsUnsupported;
      return Answer(request, &state, sizeof(state));
    }
    case OID_GEN_CURRENT_PACKET_FILTER:
      return AnswerUlong(request, adapter->PacketFilter);
    case OID_GEN_STATISTICS:
      return QueryStatistics(request);
    case OID_GEN_XMIT_OK:
      return AnswerUlong64(request, counters.TxCompleted - counters.TxErrors);
    case OID_GEN_RCV_OK:
      return AnswerUlong64(request, counters.RxIndicated);
    // Errors include what the device got wrong: write-backs that failed validation.
    case OID_GEN_XMIT_ERROR:
      return AnswerUlong64(request, counters.TxErrors);
    case OID_GEN_RCV_ERROR:
      return AnswerUlong64(request, counters.RxBadDescriptors);
    case OID_GEN_VENDOR_DESCRIPTION:
      return Answer(request, kVendorDescription, sizeof(kVendorDescription));
    case OID_802_3_PERMANENT_ADDRESS:
    case OID_802_3_CURRENT_ADDRESS:
      return Answer(request, adapter->MacAddress, sizeof(adapter->MacAddress));
    case OID_802_3_MAXIMUM_LIST_SIZE:
      return AnswerUlong(request, kMulticastListSize);
    default:
      return NDIS_STATUS_NOT_SUPPORTED;
  }
}

NDIS_STATUS Set(MP_ADAPTER* adapter, PNDIS_OID_REQUEST request) {
  auto& set = request->DATA.SET_INFORMATION;
  switch (set.Oid) {
    case OID_GEN_CURRENT_PACKET_FILTER: {
      if (set.InformationBufferLength < sizeof(ULONG)) {
        set.BytesNeeded = sizeof(ULONG);
        return NDIS_STATUS_INVALID_LENGTH;
      }
      ULONG filter = 0;
      NdisMoveMemory(&filter, set.InformationBuffer, sizeof(filter));
      if (filter & ~kSupportedPacketFilters) return NDIS_STATUS_NOT_SUPPORTED;
      adapter->PacketFilter = filter;  // the NIC receives everything; the filter is recorded
      set.BytesRead = sizeof(ULONG);
      return NDIS_STATUS_SUCCESS;
    }
    case OID_802_3_MULTICAST_LIST:
      if (set.InformationBufferLength % 6 != 0) return NDIS_STATUS_INVALID_LENGTH;
      if (set.InformationBufferLength / 6 > kMulticastListSize) return NDIS_STATUS_MULTICAST_FULL;
      set.BytesRead = set.InformationBufferLength;
      return NDIS_STATUS_SUCCESS;
    default:
      return NDIS_STATUS_NOT_SUPPORTED;
  }
}

}  // namespace

NDIS_STATUS MPOidRequest(NDIS_HANDLE context, PNDIS_OID_REQUEST request) {
  auto* adapter = static_cast<MP_ADAPTER*>(context);
  switch (request->RequestType) {
    case NdisRequestQueryInformation:
    case NdisRequestQueryStatistics:
      return Query(adapter, request);
    case NdisRequestSetInformation:
      return Set(adapter, request);
    default:
      return NDIS_STATUS_NOT_SUPPORTED;
  }
}

// MiniportCancelOidRequest. Requests never pend here, so there is none to cancel.
VOID MPCancelOidRequest(NDIS_HANDLE, PVOID) {}

}  // namespace nicsim::miniport
