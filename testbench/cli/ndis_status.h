// NDIS_STATUS values by their WDK names, for messages, the summary and the scenarios' `expect`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nicsim::cli {

// "NDIS_STATUS_FAILURE", or "" for a value this table does not name.
std::string_view ndis_status_name(uint32_t status);
// The value of a named status; nullopt for a name the table does not hold.
std::optional<uint32_t> ndis_status_value(std::string_view name);
// "NDIS_STATUS_FAILURE (0xC0000001)", or "status 0xC0000042" for an unnamed value.
std::string ndis_status_text(uint32_t status);

}  // namespace nicsim::cli
