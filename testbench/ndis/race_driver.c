/* race_driver.c: see race_driver.h. Each function is one driver idiom, correct or not; whether it
 * races depends on where the test runs it. */
#include "race_driver.h"

RACE_STATE *RaceAllocateState(void) {
  RACE_STATE *state = (RACE_STATE *)NdisAllocateMemoryWithTagPriority(
      NULL, sizeof(RACE_STATE), 0x65636152u /* 'Race' */, NormalPoolPriority);
  if (state) {
    NdisZeroMemory(state, sizeof(RACE_STATE));
    NdisAllocateSpinLock(&state->SendLock);
  }
  return state;
}

VOID RaceFreeState(RACE_STATE *State) {
  NdisFreeSpinLock(&State->SendLock);
  NdisFreeMemory(State, sizeof(RACE_STATE), 0);
}

VOID RaceIncrementCounter(RACE_STATE *State) { State->Counter++; }

VOID RaceIncrementCounterLocked(RACE_STATE *State) {
  NdisDprAcquireSpinLock(&State->SendLock);
  State->Counter++;
  NdisDprReleaseSpinLock(&State->SendLock);
}

VOID RaceAdvanceTail(RACE_STATE *State) { State->Ring.Tail = State->Ring.Tail + 1; }

VOID RaceAdvanceTailLocked(RACE_STATE *State) {
  NdisAcquireSpinLock(&State->SendLock);
  State->Ring.Tail = State->Ring.Tail + 1;
  NdisReleaseSpinLock(&State->SendLock);
}

VOID RaceWriteData(RACE_STATE *State, ULONG Value) { State->Data = Value; }

ULONG RaceReadData(RACE_STATE *State) {
  State->Seen = State->Data;
  return State->Seen;
}

ULONG RacePeekData(const RACE_STATE *State) { return State->Data; }

VOID RacePublishInterlocked(RACE_STATE *State, ULONG Value) {
  State->Data = Value;
  InterlockedExchange(&State->Published, 1);
}

BOOLEAN RaceConsumeInterlocked(RACE_STATE *State) {
  if (InterlockedCompareExchange(&State->Published, 1, 1) != 1) return FALSE;
  State->Seen = State->Data;
  return TRUE;
}

VOID RacePublishWithBarrier(RACE_STATE *State, ULONG Value) {
  State->Data = Value;
  KeMemoryBarrier();
  *(volatile LONG *)&State->Published = 1;
}

BOOLEAN RaceConsumeWithBarrier(RACE_STATE *State) {
  if (*(volatile LONG *)&State->Published != 1) return FALSE;
  KeMemoryBarrier();
  State->Seen = State->Data;
  return TRUE;
}

VOID RacePublishWithoutBarrier(RACE_STATE *State, ULONG Value) {
  State->Data = Value;
  *(volatile LONG *)&State->Published = 1;
}

BOOLEAN RaceConsumeWithoutBarrier(RACE_STATE *State) {
  if (*(volatile LONG *)&State->Published != 1) return FALSE;
  State->Seen = State->Data;
  return TRUE;
}

VOID RaceWriteCause(RACE_STATE *State, ULONG Cause) { State->Cause |= Cause; }

ULONG RaceReadCause(RACE_STATE *State) {
  State->Seen = State->Cause;
  return State->Seen;
}

ULONG RaceReadBuffer(const ULONG *Buffer) { return Buffer[1]; }
