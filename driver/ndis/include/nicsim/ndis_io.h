/* <ndis.h>, part: register and port access at every width. Include <ndis.h>, not this file.
 *
 * Registers: NdisMMapIoSpace (in ndis.h) returns a virtual base; a register pointer inside it
 * decodes to a BAR0 offset and each NdisRead/WriteRegisterXxx becomes one AXI4-Lite transaction
 * on the NIC's pins. A UCHAR or USHORT access enables only its byte lanes (WSTRB) of the 32-bit
 * register word; a read returns its lanes of RDATA.
 *
 * Ports: the reference NIC has no I/O BAR of its own. nicsim models its I/O space as an alias of
 * BAR0: bus-relative I/O port N is BAR0 offset N, decoded by the same register file.
 * NdisMRegisterIoPortRange maps [InitialPort, InitialPort + NumberOfPorts) (which must lie inside
 * BAR0) and returns PortOffset, a base to add register offsets to; NdisRawRead/WritePortXxx with a
 * port inside a registered range becomes the same AXI4-Lite transaction as the register access.
 *
 * Every access must be aligned to its width (a USHORT at an even offset, a ULONG at a multiple of
 * 4): a misaligned one is reported (REGISTER_MISALIGNED) and not performed; its read returns all
 * ones. */
#ifndef NICSIM_NDIS_IO_H_
#define NICSIM_NDIS_IO_H_

#ifndef NICSIM_NDIS_H_
#error "include <ndis.h>"
#endif

NICSIM_EXTERN_C_BEGIN

/* ------------------------------------------------------------------------------------------ */
/* Memory-mapped registers                                                                     */
/* ------------------------------------------------------------------------------------------ */
UCHAR NicsimReadRegisterUchar(volatile UCHAR *Register, NICSIM_CALL_SITE_PARAMS);
USHORT NicsimReadRegisterUshort(volatile USHORT *Register, NICSIM_CALL_SITE_PARAMS);
ULONG NicsimReadRegisterUlong(volatile ULONG *Register, NICSIM_CALL_SITE_PARAMS);
VOID NicsimWriteRegisterUchar(volatile UCHAR *Register, UCHAR Data, NICSIM_CALL_SITE_PARAMS);
VOID NicsimWriteRegisterUshort(volatile USHORT *Register, USHORT Data, NICSIM_CALL_SITE_PARAMS);
VOID NicsimWriteRegisterUlong(volatile ULONG *Register, ULONG Data, NICSIM_CALL_SITE_PARAMS);

#define NdisReadRegisterUchar(Register, Data) \
  (*(Data) = NicsimReadRegisterUchar((volatile UCHAR *)(Register), NICSIM_CALL_SITE))
#define NdisReadRegisterUshort(Register, Data) \
  (*(Data) = NicsimReadRegisterUshort((volatile USHORT *)(Register), NICSIM_CALL_SITE))
#define NdisReadRegisterUlong(Register, Data) \
  (*(Data) = NicsimReadRegisterUlong((volatile ULONG *)(Register), NICSIM_CALL_SITE))
#define NdisWriteRegisterUchar(Register, Data) \
  NicsimWriteRegisterUchar((volatile UCHAR *)(Register), (UCHAR)(Data), NICSIM_CALL_SITE)
#define NdisWriteRegisterUshort(Register, Data) \
  NicsimWriteRegisterUshort((volatile USHORT *)(Register), (USHORT)(Data), NICSIM_CALL_SITE)
#define NdisWriteRegisterUlong(Register, Data) \
  NicsimWriteRegisterUlong((volatile ULONG *)(Register), (Data), NICSIM_CALL_SITE)

/* ------------------------------------------------------------------------------------------ */
/* I/O ports (an alias of BAR0: port N is BAR0 offset N)                                        */
/* ------------------------------------------------------------------------------------------ */
/* Runs at PASSIVE_LEVEL. NDIS_STATUS_FAILURE when the range is empty or not inside BAR0. */
NDIS_STATUS NicsimNdisMRegisterIoPortRange(PVOID *PortOffset, NDIS_HANDLE MiniportAdapterHandle,
                                           UINT InitialPort, UINT NumberOfPorts,
                                           NICSIM_CALL_SITE_PARAMS);
/* Runs at PASSIVE_LEVEL; the arguments must match a registered range. */
VOID NicsimNdisMDeregisterIoPortRange(NDIS_HANDLE MiniportAdapterHandle, UINT InitialPort,
                                      UINT NumberOfPorts, PVOID PortOffset,
                                      NICSIM_CALL_SITE_PARAMS);
UCHAR NicsimRawReadPortUchar(ULONG_PTR Port, NICSIM_CALL_SITE_PARAMS);
USHORT NicsimRawReadPortUshort(ULONG_PTR Port, NICSIM_CALL_SITE_PARAMS);
ULONG NicsimRawReadPortUlong(ULONG_PTR Port, NICSIM_CALL_SITE_PARAMS);
VOID NicsimRawWritePortUchar(ULONG_PTR Port, UCHAR Data, NICSIM_CALL_SITE_PARAMS);
VOID NicsimRawWritePortUshort(ULONG_PTR Port, USHORT Data, NICSIM_CALL_SITE_PARAMS);
VOID NicsimRawWritePortUlong(ULONG_PTR Port, ULONG Data, NICSIM_CALL_SITE_PARAMS);

#define NdisMRegisterIoPortRange(PortOffset, MiniportAdapterHandle, InitialPort, NumberOfPorts) \
  NicsimNdisMRegisterIoPortRange((PortOffset), (MiniportAdapterHandle), (InitialPort),          \
                                 (NumberOfPorts), NICSIM_CALL_SITE)
#define NdisMDeregisterIoPortRange(MiniportAdapterHandle, InitialPort, NumberOfPorts, PortOffset) \
  NicsimNdisMDeregisterIoPortRange((MiniportAdapterHandle), (InitialPort), (NumberOfPorts),       \
                                   (PortOffset), NICSIM_CALL_SITE)
#define NdisRawReadPortUchar(Port, Data) \
  (*(Data) = NicsimRawReadPortUchar((ULONG_PTR)(Port), NICSIM_CALL_SITE))
#define NdisRawReadPortUshort(Port, Data) \
  (*(Data) = NicsimRawReadPortUshort((ULONG_PTR)(Port), NICSIM_CALL_SITE))
#define NdisRawReadPortUlong(Port, Data) \
  (*(Data) = NicsimRawReadPortUlong((ULONG_PTR)(Port), NICSIM_CALL_SITE))
#define NdisRawWritePortUchar(Port, Data) \
  NicsimRawWritePortUchar((ULONG_PTR)(Port), (UCHAR)(Data), NICSIM_CALL_SITE)
#define NdisRawWritePortUshort(Port, Data) \
  NicsimRawWritePortUshort((ULONG_PTR)(Port), (USHORT)(Data), NICSIM_CALL_SITE)
#define NdisRawWritePortUlong(Port, Data) \
  NicsimRawWritePortUlong((ULONG_PTR)(Port), (ULONG)(Data), NICSIM_CALL_SITE)

NICSIM_EXTERN_C_END

#endif /* NICSIM_NDIS_IO_H_ */
