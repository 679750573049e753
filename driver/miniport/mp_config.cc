// The registry keywords the miniport reads at initialize, as an INF would declare them.
#include "mp_adapter.h"

namespace nicsim::miniport {
namespace {

constexpr ULONG kDefaultRssQueues = 4;

// An integer keyword, or default_value when it is absent or not a number.
ULONG MPReadUlong(NDIS_HANDLE config, NDIS_STRING keyword, ULONG default_value) {
  NDIS_STATUS status = NDIS_STATUS_FAILURE;
  PNDIS_CONFIGURATION_PARAMETER parameter = nullptr;
  NdisReadConfiguration(&status, &parameter, config, &keyword, NdisParameterInteger);
  if (status != NDIS_STATUS_SUCCESS || !parameter) return default_value;
  return parameter->ParameterData.IntegerData;
}

}  // namespace

// Runs at PASSIVE_LEVEL.
NDIS_STATUS MPReadConfiguration(MP_ADAPTER* adapter) {
  NDIS_CONFIGURATION_OBJECT object{};
  object.Header.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT;
  object.Header.Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1;
  object.Header.Size = NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1;
  object.NdisHandle = adapter->AdapterHandle;
  NDIS_HANDLE config = nullptr;
  const NDIS_STATUS status = NdisOpenConfigurationEx(&object, &config);
  if (status != NDIS_STATUS_SUCCESS) return status;
  adapter->RssQueues = MPReadUlong(config, NDIS_STRING_CONST("*NumRssQueues"), kDefaultRssQueues);
  adapter->ItrCycles = MPReadUlong(config, NDIS_STRING_CONST("ItrCycles"), 0);
  const ULONG bug = MPReadUlong(config, RTL_CONSTANT_STRING(NICSIM_DRIVER_BUG_KEYWORD), 0);
  NdisCloseConfiguration(config);

  if (bug > DriverBugTable().size()) return NDIS_STATUS_INVALID_PARAMETER;
  adapter->Bug = static_cast<DriverBug>(bug);

  // As the INF's enum allows: a power of two the device has queues for.
  const ULONG queues = adapter->RssQueues;
  if (queues == 0 || queues > kMaxQueues || (queues & (queues - 1)) != 0) {
    return NDIS_STATUS_INVALID_PARAMETER;
  }
  return NDIS_STATUS_SUCCESS;
}

}  // namespace nicsim::miniport
