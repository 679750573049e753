// Configuration keywords: NdisOpenConfigurationEx, NdisReadConfiguration, NdisWriteConfiguration
// and NdisCloseConfiguration over the run's keyword file.
#include "driver/ndis/config.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>

namespace nicsim::ndis {
namespace {

constexpr char16_t kReplacement = 0xFFFD;

void append_utf16(std::u16string& out, char32_t c) {
  if (c >= 0x10000) {
    c -= 0x10000;
    out += static_cast<char16_t>(0xD800 + (c >> 10));
    out += static_cast<char16_t>(0xDC00 + (c & 0x3FF));
  } else {
    out += static_cast<char16_t>(c);
  }
}

}  // namespace

std::u16string utf16_from_utf8(std::string_view text) {
  std::u16string out;
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    unsigned extra = 0;
    char32_t c = 0;
    if (lead < 0x80) {
      c = lead;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      extra = 1, c = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      extra = 2, c = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      extra = 3, c = lead & 0x07;
    } else {
      out += kReplacement;
      ++i;
      continue;
    }
    bool valid = i + extra < text.size();
    for (unsigned k = 1; valid && k <= extra; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) valid = false;
      c = (c << 6) | (next & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid too.
    static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (!valid || c < kMin[extra] || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) {
      out += kReplacement;
      ++i;
      continue;
    }
    append_utf16(out, c);
    i += extra + 1;
  }
  return out;
}

std::string utf8_from_utf16(std::u16string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char32_t c = text[i];
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.size() && text[i + 1] >= 0xDC00 &&
        text[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (text[i + 1] - 0xDC00);
      ++i;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = kReplacement;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::optional<ULONG> parse_keyword_integer(std::u16string_view text, bool hex) {
  size_t i = 0;
  bool negative = false;
  if (hex) {
    if (text.size() >= 2 && text[0] == u'0' && (text[1] == u'x' || text[1] == u'X')) i = 2;
  } else if (!text.empty() && (text[0] == u'+' || text[0] == u'-')) {
    negative = text[0] == u'-';
    i = 1;
  }
  if (i == text.size()) return std::nullopt;
  uint64_t value = 0;
  for (; i < text.size(); ++i) {
    const char16_t c = text[i];
    unsigned digit = 0;
    if (c >= u'0' && c <= u'9') {
      digit = c - u'0';
    } else if (hex && c >= u'a' && c <= u'f') {
      digit = c - u'a' + 10;
    } else if (hex && c >= u'A' && c <= u'F') {
      digit = c - u'A' + 10;
    } else {
      return std::nullopt;
    }
    value = value * (hex ? 16 : 10) + digit;
    if (value > 0xFFFFFFFFull) return std::nullopt;
  }
  // A negative decimal is its 32-bit two's complement, as a LONG stored in a ULONG.
  if (negative) {
    if (value > 0x80000000ull) return std::nullopt;
    value = (~value + 1) & 0xFFFFFFFFull;
  }
  return static_cast<ULONG>(value);
}

bool keyword_equal(std::u16string_view a, std::u16string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (NicsimUpcaseUnicodeChar(a[i]) != NicsimUpcaseUnicodeChar(b[i])) return false;
  return true;
}

void Configuration::set_keywords(const std::vector<std::pair<std::string, std::string>>& keywords) {
  keywords_.clear();
  for (const auto& [name, value] : keywords)
    keywords_.emplace_back(utf16_from_utf8(name), utf16_from_utf8(value));
}

const std::u16string* Configuration::find(std::u16string_view keyword) const {
  for (auto it = keywords_.rbegin(); it != keywords_.rend(); ++it)
    if (keyword_equal(it->first, keyword)) return &it->second;
  return nullptr;
}

PNDIS_CONFIGURATION_PARAMETER Configuration::integer_parameter(NDIS_HANDLE handle,
                                                               NDIS_PARAMETER_TYPE type,
                                                               ULONG value) {
  auto& parameter = open_.at(handle)->parameters.emplace_back();
  std::memset(&parameter, 0, sizeof parameter);
  parameter.ParameterType = type;
  parameter.ParameterData.IntegerData = value;
  return &parameter;
}

PNDIS_CONFIGURATION_PARAMETER Configuration::string_parameter(NDIS_HANDLE handle,
                                                              std::u16string_view value) {
  Open& state = *open_.at(handle);
  // A registry string holds at most 0xFFFC bytes in a UNICODE_STRING.
  const size_t length = std::min<size_t>(value.size(), 0x7FFE);
  auto& buffer = state.strings.emplace_back(length + 1, WCHAR{0});
  for (size_t i = 0; i < length; ++i) buffer[i] = static_cast<WCHAR>(value[i]);
  auto& parameter = state.parameters.emplace_back();
  std::memset(&parameter, 0, sizeof parameter);
  parameter.ParameterType = NdisParameterString;
  parameter.ParameterData.StringData.Length = static_cast<USHORT>(length * sizeof(WCHAR));
  parameter.ParameterData.StringData.MaximumLength =
      static_cast<USHORT>((length + 1) * sizeof(WCHAR));
  parameter.ParameterData.StringData.Buffer = buffer.data();
  return &parameter;
}

void Configuration::check_config_irql(std::string_view api, const CallSite& at) {
  core_.evaluated("CONFIG_IRQL");
  if (!core_.on_cpu() || core_.cpu().irql() == sim::kPassiveLevel) return;
  core_.report("CONFIG_IRQL", std::string(api), at,
               std::string(api) + " at IRQL " + std::to_string(core_.cpu().irql()) +
                   " (must be PASSIVE_LEVEL)");
}

NDIS_STATUS Configuration::open_configuration(PNDIS_CONFIGURATION_OBJECT object,
                                              PNDIS_HANDLE handle, const CallSite& at) {
  if (!core_.enter_call(at)) return NDIS_STATUS_FAILURE;
  check_config_irql("NdisOpenConfigurationEx", at);
  if (!object || !handle) return NDIS_STATUS_FAILURE;
  *handle = nullptr;
  const auto& header = object->Header;
  if (header.Type != NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT ||
      header.Revision < NDIS_CONFIGURATION_OBJECT_REVISION_1 ||
      header.Size < NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1 || !object->NdisHandle ||
      object->Flags != 0)
    return NDIS_STATUS_FAILURE;
  auto state = std::make_unique<Open>();
  *handle = state.get();
  open_.emplace(*handle, std::move(state));
  return NDIS_STATUS_SUCCESS;
}

void Configuration::close_configuration(NDIS_HANDLE handle, const CallSite& at) {
  if (!core_.enter_call(at)) return;
  check_config_irql("NdisCloseConfiguration", at);
  if (open_.erase(handle) == 0)
    std::fprintf(stderr, "nicsim ndis: NdisCloseConfiguration of a handle not open at %s\n",
                 format_where(at).c_str());
}

NDIS_STATUS Configuration::read_configuration(PNDIS_CONFIGURATION_PARAMETER* value,
                                              NDIS_HANDLE handle, PNDIS_STRING keyword,
                                              NDIS_PARAMETER_TYPE type, const CallSite& at) {
  if (value) *value = nullptr;
  if (!core_.enter_call(at)) return NDIS_STATUS_FAILURE;
  check_config_irql("NdisReadConfiguration", at);
  if (!value || !keyword || (keyword->Length && !keyword->Buffer) || !is_open(handle))
    return NDIS_STATUS_FAILURE;
  // The driver's buffer may hold a u"" literal (char16_t) or WCHARs: copy it bytewise.
  std::u16string name(keyword->Length / sizeof(WCHAR), u'\0');
  if (!name.empty()) std::memcpy(name.data(), keyword->Buffer, name.size() * sizeof(char16_t));
  const std::u16string* text = find(name);
  if (!text) return NDIS_STATUS_FAILURE;
  switch (type) {
    case NdisParameterInteger:
    case NdisParameterHexInteger: {
      const auto number = parse_keyword_integer(*text, type == NdisParameterHexInteger);
      if (!number) return NDIS_STATUS_FAILURE;
      *value = integer_parameter(handle, type, *number);
      return NDIS_STATUS_SUCCESS;
    }
    case NdisParameterString:
      *value = string_parameter(handle, *text);
      return NDIS_STATUS_SUCCESS;
    default:  // NdisParameterMultiString, NdisParameterBinary: the file holds single strings
      return NDIS_STATUS_NOT_SUPPORTED;
  }
}

NDIS_STATUS Configuration::write_configuration(NDIS_HANDLE handle, const CallSite& at) {
  if (!core_.enter_call(at)) return NDIS_STATUS_FAILURE;
  check_config_irql("NdisWriteConfiguration", at);
  (void)handle;
  return NDIS_STATUS_NOT_SUPPORTED;  // the keyword file is read-only
}

}  // namespace nicsim::ndis
