/* race_driver.h: driver code for the race checker's tests, in plain C and compiled with the race
 * instrumentation as any driver is (race_driver.c). The tests (C++, not instrumented) run these
 * functions from DPCs, ISRs and passive threads on the host-only bench, so every access the
 * checker sees is one of these. */
#ifndef NICSIM_TESTBENCH_NDIS_RACE_DRIVER_H_
#define NICSIM_TESTBENCH_NDIS_RACE_DRIVER_H_

#include <ndis.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _RACE_RING {
  ULONG Head;
  ULONG Tail; /* the ring index the send path and the completion DPC both move */
} RACE_RING;

typedef struct _RACE_STATE {
  NDIS_SPIN_LOCK SendLock;
  LONG Counter;
  RACE_RING Ring;
  ULONG Data;
  LONG Published;
  ULONG Cause; /* written by the ISR */
  ULONG Seen;  /* what a reader saw (the tests' positive control) */
} RACE_STATE;

/* Allocated with NdisAllocateMemoryWithTagPriority, so the checker tracks it. */
RACE_STATE *RaceAllocateState(void);
VOID RaceFreeState(RACE_STATE *State);

VOID RaceIncrementCounter(RACE_STATE *State);
VOID RaceIncrementCounterLocked(RACE_STATE *State); /* under SendLock (Dpr: at DISPATCH) */
VOID RaceAdvanceTail(RACE_STATE *State);
VOID RaceAdvanceTailLocked(RACE_STATE *State); /* under SendLock (plain flavour) */
VOID RaceWriteData(RACE_STATE *State, ULONG Value);
ULONG RaceReadData(RACE_STATE *State);
ULONG RacePeekData(const RACE_STATE *State); /* reads only */
/* Publication: the data, then the flag. */
VOID RacePublishInterlocked(RACE_STATE *State, ULONG Value);
BOOLEAN RaceConsumeInterlocked(RACE_STATE *State); /* TRUE when published; Seen = Data */
VOID RacePublishWithBarrier(RACE_STATE *State, ULONG Value);
BOOLEAN RaceConsumeWithBarrier(RACE_STATE *State);
VOID RacePublishWithoutBarrier(RACE_STATE *State, ULONG Value);
BOOLEAN RaceConsumeWithoutBarrier(RACE_STATE *State);
VOID RaceWriteCause(RACE_STATE *State, ULONG Cause);
ULONG RaceReadCause(RACE_STATE *State);
/* A plain read of a shared-memory buffer (CPU_TOUCHES_DEVICE_BUFFER). */
ULONG RaceReadBuffer(const ULONG *Buffer);

#ifdef __cplusplus
}
#endif

#endif /* NICSIM_TESTBENCH_NDIS_RACE_DRIVER_H_ */
