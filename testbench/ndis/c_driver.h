/* c_driver.h: the entry points of c_driver.c, a tiny NDIS 6 miniport written in plain C against
 * <ndis.h>, for the tests (C++) that load it on a host-only bench. The register map is the C
 * driver's own imaginary device; the bench's FakeRegisters plays it. */
#ifndef NICSIM_TESTBENCH_NDIS_C_DRIVER_H_
#define NICSIM_TESTBENCH_NDIS_C_DRIVER_H_

#include <ndis.h>

#ifdef __cplusplus
extern "C" {
#endif

/* BAR0 registers (byte offsets). */
#define C_DRIVER_REG_CTRL 0x00      /* ULONG: reset / enable */
#define C_DRIVER_REG_CAUSE 0x04     /* ULONG: interrupt cause, C_DRIVER_CAUSE_* */
#define C_DRIVER_REG_ACK 0x08       /* UCHAR at +0 and USHORT at +2: cause acknowledge */
#define C_DRIVER_REG_ID 0x0C        /* USHORT at +0: device id, UCHAR at +2: revision */
#define C_DRIVER_REG_TX_TAIL 0x10   /* ULONG: TX doorbell (ring slot written last) */
#define C_DRIVER_REG_RX_LENGTH 0x14 /* ULONG: length of the frame in the receive buffer */
#define C_DRIVER_REG_MASK 0x18      /* ULONG: interrupt mask (1 masks), declared to the verifier */
#define C_DRIVER_REG_RX_HASH 0x1C   /* ULONG: the device's hash of the received frame */
/* I/O ports: an alias of BAR0 [C_DRIVER_PORT_BASE, +C_DRIVER_PORT_COUNT). */
#define C_DRIVER_PORT_BASE 0x40
#define C_DRIVER_PORT_COUNT 0x10

#define C_DRIVER_CAUSE_RX 0x1
#define C_DRIVER_CAUSE_TX 0x2

/* Mistakes the driver can be told to make, each at a call marked "C_DRIVER_MISTAKE(<name>)". */
typedef enum _C_DRIVER_MISTAKE {
  CDriverNoMistake = 0,
  CDriverDprAcquireAtPassive, /* NdisDprAcquireSpinLock in a send at PASSIVE_LEVEL */
  CDriverSpinLockInIsr        /* NdisDprAcquireSpinLock inside MiniportInterrupt */
} C_DRIVER_MISTAKE;

/* What ran, counted by the driver (positive controls for the tests). */
typedef struct _C_DRIVER_COUNTERS {
  LONG Initialized;
  LONG Halted;
  LONG MessageBased; /* 1 when NdisMRegisterInterruptEx connected messages */
  LONG Messages;
  LONG IsrCalls;
  LONG IsrClaimed;
  LONG Dpcs;
  LONG SyncCallbacks;
  LONG SendCalls;
  LONG NblsSent;
  LONG NbsSent;
  LONG SgLists;
  LONG SgElements;
  LONG NblsCompleted;
  LONG ReceivesIndicated;
  LONG ResourceReceivesIndicated;
  LONG NblsReturned;
  LONG TimerCallbacks;
  LONG KdpcCalls;
  LONG WorkItems;
  LONG ConfigValuesRead;
  LONG PortReads;
  LONG Restarts;
  LONG Pauses;
  LONG OidRequests;
  LONG StatusIndications;
  LONG Resets;
  LONG Unloads;
  ULONG LastReturnedHash; /* the receive hash of the last NBL returned */
  LONG64 BytesSent;
  LONG64 BytesReceived;
} C_DRIVER_COUNTERS;

/* The driver's DriverEntry: registers the miniport with NdisMRegisterMiniportDriver. */
NDIS_STATUS CDriverEntry(PVOID DriverObject, PVOID RegistryPath);
/* NdisMDeregisterMiniportDriver, as the driver's unload does. */
VOID CDriverUnload(VOID);
VOID CDriverSetMistake(C_DRIVER_MISTAKE Mistake);
/* A copy of the counters (read after the run). */
VOID CDriverGetCounters(C_DRIVER_COUNTERS *Counters);
/* The messages NdisMRegisterInterruptEx connected (NULL when line-based or not initialized). */
PIO_INTERRUPT_MESSAGE_INFO CDriverMessageInfo(VOID);

#ifdef __cplusplus
}
#endif

#endif /* NICSIM_TESTBENCH_NDIS_C_DRIVER_H_ */
