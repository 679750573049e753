/* <ndis.h>, part: configuration keywords (NdisOpenConfigurationEx, NdisReadConfiguration) and the
 * counted UTF-16 strings they take (UNICODE_STRING, NDIS_STRING). Include <ndis.h>, not this file.
 *
 * The keywords a driver reads are the run's keyword file (nicsim --config FILE: INF-style
 * Key=Value lines), standing in for the adapter's registry key that the INF's AddReg fills.
 * Lookup ignores case, as the registry does. */
#ifndef NICSIM_NDIS_CONFIG_H_
#define NICSIM_NDIS_CONFIG_H_

#ifndef NICSIM_NDIS_H_
#error "include <ndis.h>"
#endif

#include <nicsim/ndis_misc.h> /* annotations, UNREFERENCED_PARAMETER, FIELD_OFFSET, ... */

/* ------------------------------------------------------------------------------------------ */
/* Counted UTF-16 strings (ntdef.h). WCHAR is 16 bits as on Windows (not Linux's 32-bit         */
/* wchar_t), so a wide literal is written u"..." (C11 and C++), not L"...".                    */
/* ------------------------------------------------------------------------------------------ */
typedef uint16_t WCHAR, *PWCHAR, *PWCH, *PWSTR, *LPWSTR;
typedef const WCHAR *PCWCH, *PCWSTR, *LPCWSTR;

typedef struct _UNICODE_STRING {
  USHORT Length;        /* bytes, without a terminating NUL */
  USHORT MaximumLength; /* bytes of Buffer */
  PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const UNICODE_STRING *PCUNICODE_STRING;
typedef UNICODE_STRING NDIS_STRING, *PNDIS_STRING;

/* { Length, MaximumLength, Buffer } from a 16-bit literal: RTL_CONSTANT_STRING(u"Speed"). A
 * 32-bit L"..." literal fails to compile (negative array size) instead of giving a wrong string. */
#define NICSIM_WIDE_LITERAL_CHECK(s) (0 * sizeof(char[sizeof((s)[0]) == 2 ? 1 : -1]))
#define RTL_CONSTANT_STRING(s)                                                              \
  {                                                                                         \
    (USHORT)(sizeof(s) - sizeof((s)[0]) + NICSIM_WIDE_LITERAL_CHECK(s)), (USHORT)sizeof(s), \
        (PWSTR)(s)                                                                          \
  }
/* As in the WDK, from a narrow literal: NDIS_STRING_CONST("Speed"). */
#define NDIS_STRING_CONST(x) RTL_CONSTANT_STRING(u##x)

/* Upper case as RtlUpcaseUnicodeChar for ASCII and Latin-1; other characters compare exactly. */
static inline WCHAR NicsimUpcaseUnicodeChar(WCHAR c) {
  if ((c >= 'a' && c <= 'z') || (c >= 0xE0 && c <= 0xFE && c != 0xF7)) return (WCHAR)(c - 0x20);
  if (c == 0xFF) return (WCHAR)0x178;
  return c;
}
static inline VOID NicsimInitUnicodeString(PUNICODE_STRING Destination, PCWSTR Source) {
  SIZE_T length = 0;
  if (Source) {
    while (Source[length]) ++length;
    if (length > 0x7FFE) length = 0x7FFE; /* the longest UNICODE_STRING: 0xFFFC bytes */
  }
  Destination->Length = (USHORT)(length * sizeof(WCHAR));
  Destination->MaximumLength = (USHORT)(Source ? (length + 1) * sizeof(WCHAR) : 0);
  Destination->Buffer = (PWSTR)Source;
}
#ifdef __cplusplus
/* In C++ a u"..." literal is char16_t, a type of its own: accept it as WCHARs. */
static inline VOID NicsimInitUnicodeString(PUNICODE_STRING Destination, const char16_t *Source) {
  NicsimInitUnicodeString(Destination, (PCWSTR)Source);
}
#endif
static inline BOOLEAN NicsimEqualUnicodeString(PCUNICODE_STRING String1, PCUNICODE_STRING String2,
                                               BOOLEAN CaseInSensitive) {
  USHORT i;
  if (String1->Length != String2->Length) return FALSE;
  for (i = 0; i < String1->Length / sizeof(WCHAR); ++i) {
    WCHAR a = String1->Buffer[i], b = String2->Buffer[i];
    if (CaseInSensitive) {
      a = NicsimUpcaseUnicodeChar(a);
      b = NicsimUpcaseUnicodeChar(b);
    }
    if (a != b) return FALSE;
  }
  return TRUE;
}
#define RtlInitUnicodeString(DestinationString, SourceString) \
  NicsimInitUnicodeString((DestinationString), (SourceString))
#define NdisInitUnicodeString(Destination, Source) NicsimInitUnicodeString((Destination), (Source))
#define RtlEqualUnicodeString(String1, String2, CaseInSensitive) \
  NicsimEqualUnicodeString((String1), (String2), (CaseInSensitive))
#define NdisEqualString(String1, String2, CaseInsensitive) \
  NicsimEqualUnicodeString((String1), (String2), (CaseInsensitive))
#define NdisEqualUnicodeString(String1, String2, CaseInsensitive) \
  NicsimEqualUnicodeString((String1), (String2), (CaseInsensitive))
#define RtlUpcaseUnicodeChar(SourceCharacter) NicsimUpcaseUnicodeChar(SourceCharacter)

/* ------------------------------------------------------------------------------------------ */
/* Configuration (ndis.h)                                                                      */
/* ------------------------------------------------------------------------------------------ */
#define NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT 0xA9
#define NDIS_CONFIGURATION_OBJECT_REVISION_1 1
#define NDIS_CONFIG_FLAG_FILTER_INSTANCE_CONFIGURATION 0x00000001

typedef struct _NDIS_CONFIGURATION_OBJECT {
  NDIS_OBJECT_HEADER Header;
  NDIS_HANDLE NdisHandle;
  ULONG Flags;
} NDIS_CONFIGURATION_OBJECT, *PNDIS_CONFIGURATION_OBJECT;
#define NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1 \
  RTL_SIZEOF_THROUGH_FIELD(NDIS_CONFIGURATION_OBJECT, Flags)

typedef enum _NDIS_PARAMETER_TYPE {
  NdisParameterInteger,
  NdisParameterHexInteger,
  NdisParameterString,
  NdisParameterMultiString,
  NdisParameterBinary
} NDIS_PARAMETER_TYPE,
    *PNDIS_PARAMETER_TYPE;

typedef struct {
  USHORT Length;
  PVOID Buffer;
} BINARY_DATA;

typedef struct _NDIS_CONFIGURATION_PARAMETER {
  NDIS_PARAMETER_TYPE ParameterType;
  union {
    ULONG IntegerData;
    NDIS_STRING StringData;
    BINARY_DATA BinaryData;
  } ParameterData;
} NDIS_CONFIGURATION_PARAMETER, *PNDIS_CONFIGURATION_PARAMETER;

NICSIM_EXTERN_C_BEGIN

/* Runs at PASSIVE_LEVEL. ConfigObject: Header {NDIS_OBJECT_TYPE_CONFIGURATION_OBJECT,
 * NDIS_CONFIGURATION_OBJECT_REVISION_1, NDIS_SIZEOF_CONFIGURATION_OBJECT_REVISION_1}, NdisHandle
 * the miniport adapter (or driver) handle, Flags 0. NDIS_STATUS_FAILURE for another header, no
 * handle or a filter flag (nicsim runs no filter drivers). */
NDIS_STATUS NicsimNdisOpenConfigurationEx(PNDIS_CONFIGURATION_OBJECT ConfigObject,
                                          PNDIS_HANDLE ConfigurationHandle,
                                          NICSIM_CALL_SITE_PARAMS);
/* Runs at PASSIVE_LEVEL. Frees every parameter read through the handle. */
VOID NicsimNdisCloseConfiguration(NDIS_HANDLE ConfigurationHandle, NICSIM_CALL_SITE_PARAMS);
/* Runs at PASSIVE_LEVEL. *ParameterValue stays valid until NdisCloseConfiguration.
 * NdisParameterInteger parses the value as decimal, NdisParameterHexInteger as hex (an optional
 * 0x), NdisParameterString returns it as UTF-16. NDIS_STATUS_FAILURE for a keyword that is not
 * there or a value that is no number of the asked base or exceeds 32 bits;
 * NDIS_STATUS_NOT_SUPPORTED for NdisParameterMultiString and NdisParameterBinary. */
VOID NicsimNdisReadConfiguration(PNDIS_STATUS Status, PNDIS_CONFIGURATION_PARAMETER *ParameterValue,
                                 NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword,
                                 NDIS_PARAMETER_TYPE ParameterType, NICSIM_CALL_SITE_PARAMS);
/* The keyword file is read-only: *Status = NDIS_STATUS_NOT_SUPPORTED. */
VOID NicsimNdisWriteConfiguration(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle,
                                  PNDIS_STRING Keyword,
                                  PNDIS_CONFIGURATION_PARAMETER ParameterValue,
                                  NICSIM_CALL_SITE_PARAMS);
#define NdisOpenConfigurationEx(ConfigObject, ConfigurationHandle) \
  NicsimNdisOpenConfigurationEx((ConfigObject), (ConfigurationHandle), NICSIM_CALL_SITE)
#define NdisCloseConfiguration(ConfigurationHandle) \
  NicsimNdisCloseConfiguration((ConfigurationHandle), NICSIM_CALL_SITE)
#define NdisReadConfiguration(Status, ParameterValue, ConfigurationHandle, Keyword, ParameterType) \
  NicsimNdisReadConfiguration((Status), (ParameterValue), (ConfigurationHandle), (Keyword),        \
                              (ParameterType), NICSIM_CALL_SITE)
#define NdisWriteConfiguration(Status, ConfigurationHandle, Keyword, ParameterValue)         \
  NicsimNdisWriteConfiguration((Status), (ConfigurationHandle), (Keyword), (ParameterValue), \
                               NICSIM_CALL_SITE)

NICSIM_EXTERN_C_END

#endif /* NICSIM_NDIS_CONFIG_H_ */
