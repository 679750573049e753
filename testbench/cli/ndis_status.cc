#include "testbench/cli/ndis_status.h"

#include <ndis.h>

#include <cstdio>
#include <utility>

namespace nicsim::cli {
namespace {

#define NICSIM_STATUS(name) \
  { static_cast<uint32_t>(name), #name }
constexpr std::pair<uint32_t, std::string_view> kStatuses[] = {
    NICSIM_STATUS(NDIS_STATUS_SUCCESS),
    NICSIM_STATUS(NDIS_STATUS_PENDING),
    NICSIM_STATUS(NDIS_STATUS_FAILURE),
    NICSIM_STATUS(NDIS_STATUS_RESOURCES),
    NICSIM_STATUS(NDIS_STATUS_INVALID_PARAMETER),
    NICSIM_STATUS(NDIS_STATUS_INVALID_LENGTH),
    NICSIM_STATUS(NDIS_STATUS_INVALID_DATA),
    NICSIM_STATUS(NDIS_STATUS_INVALID_STATE),
    NICSIM_STATUS(NDIS_STATUS_NOT_SUPPORTED),
    NICSIM_STATUS(NDIS_STATUS_ADAPTER_NOT_FOUND),
    NICSIM_STATUS(NDIS_STATUS_ADAPTER_NOT_READY),
    NICSIM_STATUS(NDIS_STATUS_ADAPTER_REMOVED),
    NICSIM_STATUS(NDIS_STATUS_DEVICE_FAILED),
    NICSIM_STATUS(NDIS_STATUS_HARD_ERRORS),
    NICSIM_STATUS(NDIS_STATUS_SOFT_ERRORS),
    NICSIM_STATUS(NDIS_STATUS_RESET_IN_PROGRESS),
    NICSIM_STATUS(NDIS_STATUS_REQUEST_ABORTED),
    NICSIM_STATUS(NDIS_STATUS_SEND_ABORTED),
    NICSIM_STATUS(NDIS_STATUS_MEDIA_DISCONNECTED),
    NICSIM_STATUS(NDIS_STATUS_PAUSED),
    NICSIM_STATUS(NDIS_STATUS_LOW_POWER_STATE),
};
#undef NICSIM_STATUS

}  // namespace

std::string_view ndis_status_name(uint32_t status) {
  for (const auto& [value, name] : kStatuses) {
    if (value == status) return name;
  }
  return {};
}

std::optional<uint32_t> ndis_status_value(std::string_view name) {
  for (const auto& [value, known] : kStatuses) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::string ndis_status_text(uint32_t status) {
  char hex[16];
  std::snprintf(hex, sizeof(hex), "0x%08X", status);
  const std::string_view name = ndis_status_name(status);
  return name.empty() ? std::string("status ") + hex : std::string(name) + " (" + hex + ")";
}

}  // namespace nicsim::cli
