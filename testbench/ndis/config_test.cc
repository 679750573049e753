// Configuration keywords: NdisOpenConfigurationEx / NdisReadConfiguration over the run's keyword
// file (decimal, hex and string values, case-insensitive names, a missing keyword), NDIS_STRING
// helpers, and CONFIG_IRQL.
#include "driver/ndis/config.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "testbench/ndis/ndis_test_util.h"

namespace nicsim::ndis {
namespace {

using testing::Bench;

std::vector<std::pair<std::string, std::string>> Keywords() {
  return {{"*SpeedDuplex", "6"},
          {"ItrCycles", "1f4"},
          {"RxBase", "0x20"},
          {"Offset", "-1"},
          {"Huge", "4294967296"},
          {"Name",
           "Gr\xC3\xBC\xC3\x9F"
           "e \xF0\x9F\x98\x80"},  // "Grüße 😀"
          {"Empty", ""},
          {"Queues", "2"},
          {"queues", "4"}};  // a later duplicate wins, whatever its case
}

NDIS_CONFIGURATION_OBJECT ConfigObject(NDIS_HANDLE adapter) {
  NDIS_CONFIGURATION_OBJECT object{};
  object.Header.Type = NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT;
  object.Header.Revision = NDIS_CONFIGURATION_OBJECT_REVISION_1;
  object.Header.Size = NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1;
  object.NdisHandle = adapter;
  object.Flags = 0;
  return object;
}

struct Read {
  NDIS_STATUS status = NDIS_STATUS_PENDING;
  NDIS_PARAMETER_TYPE type = NdisParameterBinary;
  ULONG integer = 0;
  std::u16string text;
  bool null_value = false;
};

// Reads keyword as type through handle (on a passive thread) and copies what came back.
Read ReadKeyword(NDIS_HANDLE handle, NDIS_STRING keyword, NDIS_PARAMETER_TYPE type) {
  Read r;
  PNDIS_CONFIGURATION_PARAMETER value = nullptr;
  NdisReadConfiguration(&r.status, &value, handle, &keyword, type);
  r.null_value = value == nullptr;
  if (!value) return r;
  r.type = value->ParameterType;
  if (value->ParameterType == NdisParameterString) {
    const NDIS_STRING& s = value->ParameterData.StringData;
    EXPECT_EQ(s.MaximumLength, s.Length + sizeof(WCHAR));
    EXPECT_EQ(s.Buffer[s.Length / sizeof(WCHAR)], 0) << "NUL-terminated";
    r.text.assign(s.Buffer, s.Buffer + s.Length / sizeof(WCHAR));
  } else {
    r.integer = value->ParameterData.IntegerData;
  }
  return r;
}

TEST(Configuration, ReadsDecimalHexAndStringKeywordsIgnoringCase) {
  Bench b;
  b.kernel.set_keywords(Keywords());
  Read speed, itr, rx_base, rx_base_decimal, offset, huge, name, empty, queues, as_string;
  NDIS_STATUS open = NDIS_STATUS_FAILURE;
  b.kernel.run_passive(0, "MiniportInitializeEx", [&] {
    NDIS_CONFIGURATION_OBJECT object = ConfigObject(&b);
    NDIS_HANDLE handle = nullptr;
    open = NdisOpenConfigurationEx(&object, &handle);
    ASSERT_NE(handle, nullptr);
    speed = ReadKeyword(handle, NDIS_STRING_CONST("*speedduplex"), NdisParameterInteger);
    itr = ReadKeyword(handle, NDIS_STRING_CONST("ITRCYCLES"), NdisParameterHexInteger);
    rx_base = ReadKeyword(handle, NDIS_STRING_CONST("RxBase"), NdisParameterHexInteger);
    rx_base_decimal = ReadKeyword(handle, NDIS_STRING_CONST("RxBase"), NdisParameterInteger);
    offset = ReadKeyword(handle, NDIS_STRING_CONST("Offset"), NdisParameterInteger);
    huge = ReadKeyword(handle, NDIS_STRING_CONST("Huge"), NdisParameterInteger);
    name = ReadKeyword(handle, NDIS_STRING_CONST("Name"), NdisParameterString);
    empty = ReadKeyword(handle, NDIS_STRING_CONST("Empty"), NdisParameterString);
    queues = ReadKeyword(handle, NDIS_STRING_CONST("QUEUES"), NdisParameterInteger);
    as_string = ReadKeyword(handle, NDIS_STRING_CONST("ItrCycles"), NdisParameterString);
    NdisCloseConfiguration(handle);
  });
  b.run();
  EXPECT_EQ(open, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(speed.status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(speed.type, NdisParameterInteger);
  EXPECT_EQ(speed.integer, 6u);
  EXPECT_EQ(itr.status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(itr.type, NdisParameterHexInteger);
  EXPECT_EQ(itr.integer, 0x1F4u);
  EXPECT_EQ(rx_base.integer, 0x20u);
  EXPECT_EQ(rx_base_decimal.status, NDIS_STATUS_FAILURE);  // "0x20" is no decimal number
  EXPECT_EQ(offset.integer, 0xFFFFFFFFu);
  EXPECT_EQ(huge.status, NDIS_STATUS_FAILURE);  // does not fit a ULONG
  EXPECT_EQ(name.status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(name.type, NdisParameterString);
  EXPECT_EQ(name.text, u"Gr\u00FC\u00DFe \U0001F600");
  EXPECT_EQ(empty.status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(empty.text, u"");
  EXPECT_EQ(queues.integer, 4u);
  EXPECT_EQ(as_string.text, u"1f4");
  EXPECT_NO_VIOLATIONS(b);
}

TEST(Configuration, AMissingKeywordFailsAsOnWindows) {
  Bench b;
  b.kernel.set_keywords(Keywords());
  Read missing, unset;
  b.kernel.run_passive(0, "MiniportInitializeEx", [&] {
    NDIS_CONFIGURATION_OBJECT object = ConfigObject(&b);
    NDIS_HANDLE handle = nullptr;
    ASSERT_EQ(NdisOpenConfigurationEx(&object, &handle), NDIS_STATUS_SUCCESS);
    missing = ReadKeyword(handle, NDIS_STRING_CONST("NoSuchKeyword"), NdisParameterInteger);
    unset = ReadKeyword(handle, NDIS_STRING_CONST("SpeedDuplex"), NdisParameterString);
    NdisCloseConfiguration(handle);
  });
  b.run();
  EXPECT_EQ(missing.status, NDIS_STATUS_FAILURE);
  EXPECT_TRUE(missing.null_value);
  EXPECT_EQ(unset.status, NDIS_STATUS_FAILURE);  // "*SpeedDuplex" is another keyword
}

TEST(Configuration, NoKeywordFileMeansEveryReadFails) {
  Bench b;
  Read read;
  b.kernel.run_passive(0, "MiniportInitializeEx", [&] {
    NDIS_CONFIGURATION_OBJECT object = ConfigObject(&b);
    NDIS_HANDLE handle = nullptr;
    ASSERT_EQ(NdisOpenConfigurationEx(&object, &handle), NDIS_STATUS_SUCCESS);
    read = ReadKeyword(handle, NDIS_STRING_CONST("Queues"), NdisParameterInteger);
    NdisCloseConfiguration(handle);
  });
  b.run();
  EXPECT_EQ(read.status, NDIS_STATUS_FAILURE);
}

TEST(Configuration, UnmodelledTypesWritesAndBadObjects) {
  Bench b;
  b.kernel.set_keywords(Keywords());
  Read multi, binary, after_close;
  NDIS_STATUS write = NDIS_STATUS_PENDING, bad_type = NDIS_STATUS_PENDING,
              bad_size = NDIS_STATUS_PENDING, filter = NDIS_STATUS_PENDING,
              no_handle = NDIS_STATUS_PENDING;
  b.kernel.run_passive(0, "MiniportInitializeEx", [&] {
    NDIS_HANDLE handle = nullptr;
    NDIS_CONFIGURATION_OBJECT object = ConfigObject(&b);
    object.Header.Type = NDIS_OBJECT_TYPE_DEFAULT;
    bad_type = NdisOpenConfigurationEx(&object, &handle);
    object = ConfigObject(&b);
    object.Header.Size = 8;
    bad_size = NdisOpenConfigurationEx(&object, &handle);
    object = ConfigObject(&b);
    object.Flags = NDIS_CONFIG_FLAG_FILTER_INSTANCE_CONFIGURATION;
    filter = NdisOpenConfigurationEx(&object, &handle);
    object = ConfigObject(nullptr);
    no_handle = NdisOpenConfigurationEx(&object, &handle);

    object = ConfigObject(&b);
    ASSERT_EQ(NdisOpenConfigurationEx(&object, &handle), NDIS_STATUS_SUCCESS);
    multi = ReadKeyword(handle, NDIS_STRING_CONST("Name"), NdisParameterMultiString);
    binary = ReadKeyword(handle, NDIS_STRING_CONST("Name"), NdisParameterBinary);
    NDIS_STRING keyword = NDIS_STRING_CONST("Queues");
    NDIS_CONFIGURATION_PARAMETER value{};
    value.ParameterType = NdisParameterInteger;
    value.ParameterData.IntegerData = 8;
    NdisWriteConfiguration(&write, handle, &keyword, &value);
    NdisCloseConfiguration(handle);
    after_close = ReadKeyword(handle, NDIS_STRING_CONST("Queues"), NdisParameterInteger);
  });
  b.run();
  EXPECT_EQ(bad_type, NDIS_STATUS_FAILURE);
  EXPECT_EQ(bad_size, NDIS_STATUS_FAILURE);
  EXPECT_EQ(filter, NDIS_STATUS_FAILURE);
  EXPECT_EQ(no_handle, NDIS_STATUS_FAILURE);
  EXPECT_EQ(multi.status, NDIS_STATUS_NOT_SUPPORTED);
  EXPECT_EQ(binary.status, NDIS_STATUS_NOT_SUPPORTED);
  EXPECT_EQ(write, NDIS_STATUS_NOT_SUPPORTED);
  EXPECT_EQ(after_close.status, NDIS_STATUS_FAILURE);
  EXPECT_NO_VIOLATIONS(b);
}

TEST(ConfigRules, CONFIG_IRQL_Triggers) {
  Bench b;
  b.kernel.set_keywords(Keywords());
  NDIS_SPIN_LOCK lock{};
  Read read;
  b.kernel.run_passive(1, "MiniportInitializeEx", [&] {
    NicsimAllocateSpinLockNamed(&lock, "ConfigLock");
    NDIS_CONFIGURATION_OBJECT object = ConfigObject(&b);
    NDIS_HANDLE handle = nullptr;
    ASSERT_EQ(NdisOpenConfigurationEx(&object, &handle), NDIS_STATUS_SUCCESS);
    NdisAcquireSpinLock(&lock);
    read = ReadKeyword(handle, NDIS_STRING_CONST("Queues"), NdisParameterInteger);
    NdisReleaseSpinLock(&lock);
    NdisCloseConfiguration(handle);
  });
  b.run();
  const auto& v = EXPECT_VIOLATION(b, "CONFIG_IRQL");
  EXPECT_EQ(v.cpu, 1);
  EXPECT_EQ(v.irql, DISPATCH_LEVEL);
  EXPECT_EQ(v.object, "NdisReadConfiguration");
  EXPECT_NE(v.where.find("config_test.cc"), std::string::npos) << v.where;
  EXPECT_EQ(b.platform.violations().all().size(), 1u);
}

TEST(ConfigRules, CONFIG_IRQL_Silent) {
  Bench b;
  b.kernel.set_keywords(Keywords());
  Read read;
  NDIS_STATUS write = NDIS_STATUS_PENDING;
  b.kernel.run_passive(1, "MiniportInitializeEx", [&] {
    NDIS_CONFIGURATION_OBJECT object = ConfigObject(&b);
    NDIS_HANDLE handle = nullptr;
    ASSERT_EQ(NdisOpenConfigurationEx(&object, &handle), NDIS_STATUS_SUCCESS);
    read = ReadKeyword(handle, NDIS_STRING_CONST("Queues"), NdisParameterInteger);
    NDIS_STRING keyword = NDIS_STRING_CONST("Queues");
    NdisWriteConfiguration(&write, handle, &keyword, nullptr);
    NdisCloseConfiguration(handle);
  });
  b.run();
  EXPECT_NO_VIOLATIONS(b);
  // Positive control: the calls ran and answered.
  EXPECT_EQ(read.status, NDIS_STATUS_SUCCESS);
  EXPECT_EQ(read.integer, 4u);
  EXPECT_EQ(write, NDIS_STATUS_NOT_SUPPORTED);
}

TEST(NdisString, ConstantsInitAndCompare) {
  NDIS_STRING speed = NDIS_STRING_CONST("Speed");
  const UNICODE_STRING upper = RTL_CONSTANT_STRING(u"SPEED");
  EXPECT_EQ(speed.Length, 10);
  EXPECT_EQ(speed.MaximumLength, 12);
  EXPECT_EQ(speed.Buffer[0], u'S');
  NDIS_STRING init;
  NdisInitUnicodeString(&init, u"speed");
  EXPECT_EQ(init.Length, 10);
  EXPECT_EQ(init.MaximumLength, 12);
  EXPECT_TRUE(NdisEqualString(&init, &speed, TRUE));
  EXPECT_FALSE(NdisEqualString(&init, &speed, FALSE));
  EXPECT_TRUE(RtlEqualUnicodeString(&speed, &upper, TRUE));
  NDIS_STRING none;
  NdisInitUnicodeString(&none, static_cast<PCWSTR>(nullptr));
  EXPECT_EQ(none.Length, 0);
  EXPECT_EQ(none.MaximumLength, 0);
  EXPECT_EQ(none.Buffer, nullptr);
  EXPECT_EQ(RtlUpcaseUnicodeChar(0xE9), 0xC9);  // é -> É
  EXPECT_TRUE(keyword_equal(u"\u00E9t\u00E9", u"\u00C9T\u00C9"));
}

TEST(NdisString, KeywordIntegers) {
  EXPECT_EQ(parse_keyword_integer(u"123", false), 123u);
  EXPECT_EQ(parse_keyword_integer(u"+7", false), 7u);
  EXPECT_EQ(parse_keyword_integer(u"-2147483648", false), 0x80000000u);
  EXPECT_EQ(parse_keyword_integer(u"-2147483649", false), std::nullopt);
  EXPECT_EQ(parse_keyword_integer(u"4294967295", false), 0xFFFFFFFFu);
  EXPECT_EQ(parse_keyword_integer(u"12a", false), std::nullopt);
  EXPECT_EQ(parse_keyword_integer(u"", false), std::nullopt);
  EXPECT_EQ(parse_keyword_integer(u"FFFFFFFF", true), 0xFFFFFFFFu);
  EXPECT_EQ(parse_keyword_integer(u"0X1a", true), 0x1Au);
  EXPECT_EQ(parse_keyword_integer(u"0x", true), std::nullopt);
  EXPECT_EQ(parse_keyword_integer(u"100000000", true), std::nullopt);
  EXPECT_EQ(utf8_from_utf16(utf16_from_utf8("a\xC3\xA9\xF0\x9F\x98\x80")),
            "a\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(utf16_from_utf8("\xFF"), u"\uFFFD");
}

}  // namespace
}  // namespace nicsim::ndis
