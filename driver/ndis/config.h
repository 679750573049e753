// Configuration keywords: the registry key NdisOpenConfigurationEx opens, filled from the run's
// keyword file (nicsim --config), and the parameters NdisReadConfiguration hands out, owned per
// open handle until NdisCloseConfiguration.
#pragma once

#include <ndis.h>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "driver/ndis/verifier_core.h"

namespace nicsim::ndis {

// UTF-8 to UTF-16 and back; an invalid sequence becomes U+FFFD.
std::u16string utf16_from_utf8(std::string_view text);
std::string utf8_from_utf16(std::u16string_view text);

// A keyword's value as NdisReadConfiguration converts it: decimal (an optional sign), or hex (an
// optional 0x). nullopt when it is no such number or does not fit 32 bits.
std::optional<ULONG> parse_keyword_integer(std::u16string_view text, bool hex);

// Keyword names compare as the registry does: ignoring case (RtlUpcaseUnicodeChar).
bool keyword_equal(std::u16string_view a, std::u16string_view b);

class Configuration {
 public:
  explicit Configuration(VerifierCore& core) : core_(core) {}

  // Testbench side: the registry keywords NdisReadConfiguration answers (the run's --config
  // file), name and value as written; looked up ignoring case, a later duplicate wins.
  void set_keywords(const std::vector<std::pair<std::string, std::string>>& keywords);

  NDIS_STATUS open_configuration(PNDIS_CONFIGURATION_OBJECT object, PNDIS_HANDLE handle,
                                 const CallSite& at);
  void close_configuration(NDIS_HANDLE handle, const CallSite& at);
  NDIS_STATUS read_configuration(PNDIS_CONFIGURATION_PARAMETER* value, NDIS_HANDLE handle,
                                 PNDIS_STRING keyword, NDIS_PARAMETER_TYPE type,
                                 const CallSite& at);
  NDIS_STATUS write_configuration(NDIS_HANDLE handle, const CallSite& at);

 private:
  struct Open {
    std::deque<NDIS_CONFIGURATION_PARAMETER> parameters;
    std::deque<std::vector<WCHAR>> strings;
  };
  // A CONFIG_IRQL violation for api below or above PASSIVE_LEVEL.
  void check_config_irql(std::string_view api, const CallSite& at);
  // The value of keyword (a later duplicate wins), or nullptr.
  const std::u16string* find(std::u16string_view keyword) const;
  bool is_open(NDIS_HANDLE handle) const { return open_.count(handle) != 0; }
  // A parameter owned by handle (which must be open) until it closes.
  PNDIS_CONFIGURATION_PARAMETER integer_parameter(NDIS_HANDLE handle, NDIS_PARAMETER_TYPE type,
                                                  ULONG value);
  PNDIS_CONFIGURATION_PARAMETER string_parameter(NDIS_HANDLE handle, std::u16string_view value);

  VerifierCore& core_;
  std::vector<std::pair<std::u16string, std::u16string>> keywords_;
  std::map<NDIS_HANDLE, std::unique_ptr<Open>> open_;
};

}  // namespace nicsim::ndis
