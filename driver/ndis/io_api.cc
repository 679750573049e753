// The C entry points behind <ndis.h>'s register, port, configuration and miscellaneous macros
// (nicsim/ndis_io.h, nicsim/ndis_config.h, nicsim/ndis_misc.h): each forwards to the installed
// Kernel with the driver's call site.
#include <ndis.h>

#include <cstdio>
#include <cstdlib>

#include "driver/ndis/api_call.h"
#include "driver/ndis/kernel.h"

using nicsim::ndis::CallSite;
using nicsim::ndis::Kernel;

using nicsim::ndis::api::K;

UCHAR NicsimReadRegisterUchar(volatile UCHAR* Register, NICSIM_CALL_SITE_PARAMS) {
  return static_cast<UCHAR>(K().io().read_io(Register, 1, false, WHERE));
}
USHORT NicsimReadRegisterUshort(volatile USHORT* Register, NICSIM_CALL_SITE_PARAMS) {
  return static_cast<USHORT>(K().io().read_io(Register, 2, false, WHERE));
}
ULONG NicsimReadRegisterUlong(volatile ULONG* Register, NICSIM_CALL_SITE_PARAMS) {
  return K().io().read_register(const_cast<PULONG>(Register), WHERE);
}
VOID NicsimWriteRegisterUchar(volatile UCHAR* Register, UCHAR Data, NICSIM_CALL_SITE_PARAMS) {
  K().io().write_io(Register, 1, Data, false, WHERE);
}
VOID NicsimWriteRegisterUshort(volatile USHORT* Register, USHORT Data, NICSIM_CALL_SITE_PARAMS) {
  K().io().write_io(Register, 2, Data, false, WHERE);
}
VOID NicsimWriteRegisterUlong(volatile ULONG* Register, ULONG Data, NICSIM_CALL_SITE_PARAMS) {
  K().io().write_register(const_cast<PULONG>(Register), Data, WHERE);
}

NDIS_STATUS NicsimNdisMRegisterIoPortRange(PVOID* PortOffset, NDIS_HANDLE, UINT InitialPort,
                                           UINT NumberOfPorts, NICSIM_CALL_SITE_PARAMS) {
  return K().io().register_io_port_range(PortOffset, InitialPort, NumberOfPorts, WHERE);
}
VOID NicsimNdisMDeregisterIoPortRange(NDIS_HANDLE, UINT InitialPort, UINT NumberOfPorts,
                                      PVOID PortOffset, NICSIM_CALL_SITE_PARAMS) {
  K().io().deregister_io_port_range(InitialPort, NumberOfPorts, PortOffset, WHERE);
}
UCHAR NicsimRawReadPortUchar(ULONG_PTR Port, NICSIM_CALL_SITE_PARAMS) {
  return static_cast<UCHAR>(K().io().read_io(reinterpret_cast<const void*>(Port), 1, true, WHERE));
}
USHORT NicsimRawReadPortUshort(ULONG_PTR Port, NICSIM_CALL_SITE_PARAMS) {
  return static_cast<USHORT>(K().io().read_io(reinterpret_cast<const void*>(Port), 2, true, WHERE));
}
ULONG NicsimRawReadPortUlong(ULONG_PTR Port, NICSIM_CALL_SITE_PARAMS) {
  return K().io().read_io(reinterpret_cast<const void*>(Port), 4, true, WHERE);
}
VOID NicsimRawWritePortUchar(ULONG_PTR Port, UCHAR Data, NICSIM_CALL_SITE_PARAMS) {
  K().io().write_io(reinterpret_cast<const void*>(Port), 1, Data, true, WHERE);
}
VOID NicsimRawWritePortUshort(ULONG_PTR Port, USHORT Data, NICSIM_CALL_SITE_PARAMS) {
  K().io().write_io(reinterpret_cast<const void*>(Port), 2, Data, true, WHERE);
}
VOID NicsimRawWritePortUlong(ULONG_PTR Port, ULONG Data, NICSIM_CALL_SITE_PARAMS) {
  K().io().write_io(reinterpret_cast<const void*>(Port), 4, Data, true, WHERE);
}

NDIS_STATUS NicsimNdisOpenConfigurationEx(PNDIS_CONFIGURATION_OBJECT ConfigObject,
                                          PNDIS_HANDLE ConfigurationHandle,
                                          NICSIM_CALL_SITE_PARAMS) {
  return K().configuration().open_configuration(ConfigObject, ConfigurationHandle, WHERE);
}
VOID NicsimNdisCloseConfiguration(NDIS_HANDLE ConfigurationHandle, NICSIM_CALL_SITE_PARAMS) {
  K().configuration().close_configuration(ConfigurationHandle, WHERE);
}
VOID NicsimNdisReadConfiguration(PNDIS_STATUS Status, PNDIS_CONFIGURATION_PARAMETER* ParameterValue,
                                 NDIS_HANDLE ConfigurationHandle, PNDIS_STRING Keyword,
                                 NDIS_PARAMETER_TYPE ParameterType, NICSIM_CALL_SITE_PARAMS) {
  const NDIS_STATUS status = K().configuration().read_configuration(
      ParameterValue, ConfigurationHandle, Keyword, ParameterType, WHERE);
  if (Status) *Status = status;
}
VOID NicsimNdisWriteConfiguration(PNDIS_STATUS Status, NDIS_HANDLE ConfigurationHandle,
                                  PNDIS_STRING, PNDIS_CONFIGURATION_PARAMETER,
                                  NICSIM_CALL_SITE_PARAMS) {
  const NDIS_STATUS status = K().configuration().write_configuration(ConfigurationHandle, WHERE);
  if (Status) *Status = status;
}

ULONG NicsimNdisGetSharedDataAlignment(void) { return 64; }  // the host's cache line
VOID NicsimNdisFreeMemoryWithTagPriority(NDIS_HANDLE, PVOID VirtualAddress, ULONG,
                                         NICSIM_CALL_SITE_PARAMS) {
  NicsimNdisFreeMemory(VirtualAddress, 0, 0, NicsimFile, NicsimLine, NicsimFunction);
}
VOID NicsimAssertFailed(const char* Expression, NICSIM_CALL_SITE_PARAMS) {
  std::fprintf(stderr, "nicsim: ASSERT(%s) failed at %s:%d (%s)\n", Expression, NicsimFile,
               NicsimLine, NicsimFunction);
  std::abort();
}
