/* <ndis.h>, part: Ke* IRQL and spin locks, interlocked operations, LIST_ENTRY, NDIS_RW_LOCK_EX.
 * Include <ndis.h>, not this file.
 *
 * Ke spin locks go through the same checker as NDIS spin locks (a KSPIN_LOCK is known by its
 * address, as an NDIS_SPIN_LOCK is). Every Interlocked* call is a call into the NDIS layer (a yield
 * point) that performs the operation atomically. The LIST_ENTRY helpers are plain inline code, as
 * in the WDK. */
#ifndef NICSIM_NDIS_SYNC_H_
#define NICSIM_NDIS_SYNC_H_

#ifndef NICSIM_NDIS_H_
#error "include <ndis.h>"
#endif

#ifndef HIGH_LEVEL
#define HIGH_LEVEL 15
#endif

typedef struct _PROCESSOR_NUMBER {
  USHORT Group;
  UCHAR Number;
  UCHAR Reserved;
} PROCESSOR_NUMBER, *PPROCESSOR_NUMBER;

typedef struct _LIST_ENTRY {
  struct _LIST_ENTRY *Flink;
  struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY;

#ifndef CONTAINING_RECORD
#define CONTAINING_RECORD(address, type, field) \
  ((type *)((char *)(address) - (ULONG_PTR)(&((type *)0)->field)))
#endif

NICSIM_EXTERN_C_BEGIN

/* ------------------------------------------------------------------------------------------ */
/* Processor and IRQL (wdm.h)                                                                  */
/* ------------------------------------------------------------------------------------------ */
/* One processor group: Group is 0 and Number the CPU index. */
ULONG NicsimKeGetCurrentProcessorNumberEx(PPROCESSOR_NUMBER ProcNumber);
KIRQL NicsimKeRaiseIrql(KIRQL NewIrql, NICSIM_CALL_SITE_PARAMS);
VOID NicsimKeLowerIrql(KIRQL NewIrql, NICSIM_CALL_SITE_PARAMS);
KIRQL NicsimKeRaiseIrqlToDpcLevel(NICSIM_CALL_SITE_PARAMS);
#define KeGetCurrentProcessorNumberEx(ProcNumber) NicsimKeGetCurrentProcessorNumberEx(ProcNumber)
#define KeRaiseIrql(NewIrql, OldIrql) \
  (*(OldIrql) = NicsimKeRaiseIrql((KIRQL)(NewIrql), NICSIM_CALL_SITE))
#define KeLowerIrql(NewIrql) NicsimKeLowerIrql((KIRQL)(NewIrql), NICSIM_CALL_SITE)
#define KeRaiseIrqlToDpcLevel() NicsimKeRaiseIrqlToDpcLevel(NICSIM_CALL_SITE)

/* ------------------------------------------------------------------------------------------ */
/* Ke spin locks (wdm.h)                                                                       */
/* ------------------------------------------------------------------------------------------ */
/* Name: what the reports call the lock (the macro passes the expression, as NdisAllocateSpinLock
 * does). */
VOID NicsimKeInitializeSpinLock(PKSPIN_LOCK SpinLock, const char *Name, NICSIM_CALL_SITE_PARAMS);
VOID NicsimKeAcquireSpinLock(PKSPIN_LOCK SpinLock, PKIRQL OldIrql, NICSIM_CALL_SITE_PARAMS);
VOID NicsimKeReleaseSpinLock(PKSPIN_LOCK SpinLock, KIRQL NewIrql, NICSIM_CALL_SITE_PARAMS);
VOID NicsimKeAcquireSpinLockAtDpcLevel(PKSPIN_LOCK SpinLock, NICSIM_CALL_SITE_PARAMS);
VOID NicsimKeReleaseSpinLockFromDpcLevel(PKSPIN_LOCK SpinLock, NICSIM_CALL_SITE_PARAMS);
#define KeInitializeSpinLock(SpinLock) \
  NicsimKeInitializeSpinLock((SpinLock), #SpinLock, NICSIM_CALL_SITE)
/* Nicsim: the same under a name of the caller's choosing. */
#define NicsimKeInitializeSpinLockNamed(SpinLock, Name) \
  NicsimKeInitializeSpinLock((SpinLock), (Name), NICSIM_CALL_SITE)
#define KeAcquireSpinLock(SpinLock, OldIrql) \
  NicsimKeAcquireSpinLock((SpinLock), (OldIrql), NICSIM_CALL_SITE)
#define KeReleaseSpinLock(SpinLock, NewIrql) \
  NicsimKeReleaseSpinLock((SpinLock), (KIRQL)(NewIrql), NICSIM_CALL_SITE)
#define KeAcquireSpinLockAtDpcLevel(SpinLock) \
  NicsimKeAcquireSpinLockAtDpcLevel((SpinLock), NICSIM_CALL_SITE)
#define KeReleaseSpinLockFromDpcLevel(SpinLock) \
  NicsimKeReleaseSpinLockFromDpcLevel((SpinLock), NICSIM_CALL_SITE)

/* ------------------------------------------------------------------------------------------ */
/* Interlocked operations (wdm.h). Each returns what the WDK documents: Increment/Decrement the   */
/* new value; Exchange, CompareExchange, ExchangeAdd, Or, And the value before.                 */
/* ------------------------------------------------------------------------------------------ */
VOID NicsimKeMemoryBarrier(NICSIM_CALL_SITE_PARAMS);
LONG NicsimInterlockedIncrement(LONG volatile *Addend, NICSIM_CALL_SITE_PARAMS);
LONG NicsimInterlockedDecrement(LONG volatile *Addend, NICSIM_CALL_SITE_PARAMS);
LONG NicsimInterlockedExchange(LONG volatile *Target, LONG Value, NICSIM_CALL_SITE_PARAMS);
LONG NicsimInterlockedCompareExchange(LONG volatile *Destination, LONG ExChange, LONG Comperand,
                                      NICSIM_CALL_SITE_PARAMS);
LONG NicsimInterlockedExchangeAdd(LONG volatile *Addend, LONG Value, NICSIM_CALL_SITE_PARAMS);
LONG NicsimInterlockedOr(LONG volatile *Destination, LONG Value, NICSIM_CALL_SITE_PARAMS);
LONG NicsimInterlockedAnd(LONG volatile *Destination, LONG Value, NICSIM_CALL_SITE_PARAMS);
LONG64 NicsimInterlockedIncrement64(LONG64 volatile *Addend, NICSIM_CALL_SITE_PARAMS);
LONG64 NicsimInterlockedDecrement64(LONG64 volatile *Addend, NICSIM_CALL_SITE_PARAMS);
LONG64 NicsimInterlockedExchange64(LONG64 volatile *Target, LONG64 Value, NICSIM_CALL_SITE_PARAMS);
LONG64 NicsimInterlockedCompareExchange64(LONG64 volatile *Destination, LONG64 ExChange,
                                          LONG64 Comperand, NICSIM_CALL_SITE_PARAMS);
LONG64 NicsimInterlockedExchangeAdd64(LONG64 volatile *Addend, LONG64 Value,
                                      NICSIM_CALL_SITE_PARAMS);
LONG64 NicsimInterlockedOr64(LONG64 volatile *Destination, LONG64 Value, NICSIM_CALL_SITE_PARAMS);
LONG64 NicsimInterlockedAnd64(LONG64 volatile *Destination, LONG64 Value, NICSIM_CALL_SITE_PARAMS);
PVOID NicsimInterlockedExchangePointer(PVOID volatile *Target, PVOID Value,
                                       NICSIM_CALL_SITE_PARAMS);
PVOID NicsimInterlockedCompareExchangePointer(PVOID volatile *Destination, PVOID Exchange,
                                              PVOID Comperand, NICSIM_CALL_SITE_PARAMS);
#define KeMemoryBarrier() NicsimKeMemoryBarrier(NICSIM_CALL_SITE)
#define InterlockedIncrement(Addend) NicsimInterlockedIncrement((Addend), NICSIM_CALL_SITE)
#define InterlockedDecrement(Addend) NicsimInterlockedDecrement((Addend), NICSIM_CALL_SITE)
#define InterlockedExchange(Target, Value) \
  NicsimInterlockedExchange((Target), (Value), NICSIM_CALL_SITE)
#define InterlockedCompareExchange(Destination, ExChange, Comperand) \
  NicsimInterlockedCompareExchange((Destination), (ExChange), (Comperand), NICSIM_CALL_SITE)
#define InterlockedExchangeAdd(Addend, Value) \
  NicsimInterlockedExchangeAdd((Addend), (Value), NICSIM_CALL_SITE)
#define InterlockedOr(Destination, Value) \
  NicsimInterlockedOr((Destination), (Value), NICSIM_CALL_SITE)
#define InterlockedAnd(Destination, Value) \
  NicsimInterlockedAnd((Destination), (Value), NICSIM_CALL_SITE)
#define InterlockedIncrement64(Addend) NicsimInterlockedIncrement64((Addend), NICSIM_CALL_SITE)
#define InterlockedDecrement64(Addend) NicsimInterlockedDecrement64((Addend), NICSIM_CALL_SITE)
#define InterlockedExchange64(Target, Value) \
  NicsimInterlockedExchange64((Target), (Value), NICSIM_CALL_SITE)
#define InterlockedCompareExchange64(Destination, ExChange, Comperand) \
  NicsimInterlockedCompareExchange64((Destination), (ExChange), (Comperand), NICSIM_CALL_SITE)
#define InterlockedExchangeAdd64(Addend, Value) \
  NicsimInterlockedExchangeAdd64((Addend), (Value), NICSIM_CALL_SITE)
#define InterlockedOr64(Destination, Value) \
  NicsimInterlockedOr64((Destination), (Value), NICSIM_CALL_SITE)
#define InterlockedAnd64(Destination, Value) \
  NicsimInterlockedAnd64((Destination), (Value), NICSIM_CALL_SITE)
#define InterlockedExchangePointer(Target, Value) \
  NicsimInterlockedExchangePointer((PVOID volatile *)(Target), (PVOID)(Value), NICSIM_CALL_SITE)
#define InterlockedCompareExchangePointer(Destination, Exchange, Comperand)                   \
  NicsimInterlockedCompareExchangePointer((PVOID volatile *)(Destination), (PVOID)(Exchange), \
                                          (PVOID)(Comperand), NICSIM_CALL_SITE)

/* ------------------------------------------------------------------------------------------ */
/* Doubly linked lists (wdm.h): inline, unchecked, as in the WDK.                              */
/* ------------------------------------------------------------------------------------------ */
static inline VOID InitializeListHead(PLIST_ENTRY ListHead) {
  ListHead->Flink = ListHead->Blink = ListHead;
}
static inline BOOLEAN IsListEmpty(const LIST_ENTRY *ListHead) {
  return (BOOLEAN)(ListHead->Flink == ListHead);
}
/* TRUE when the list is empty afterwards. */
static inline BOOLEAN RemoveEntryList(PLIST_ENTRY Entry) {
  PLIST_ENTRY Flink = Entry->Flink;
  PLIST_ENTRY Blink = Entry->Blink;
  Blink->Flink = Flink;
  Flink->Blink = Blink;
  return (BOOLEAN)(Flink == Blink);
}
/* On an empty list these return ListHead itself, as in the WDK. */
static inline PLIST_ENTRY RemoveHeadList(PLIST_ENTRY ListHead) {
  PLIST_ENTRY Entry = ListHead->Flink;
  PLIST_ENTRY Flink = Entry->Flink;
  ListHead->Flink = Flink;
  Flink->Blink = ListHead;
  return Entry;
}
static inline PLIST_ENTRY RemoveTailList(PLIST_ENTRY ListHead) {
  PLIST_ENTRY Entry = ListHead->Blink;
  PLIST_ENTRY Blink = Entry->Blink;
  ListHead->Blink = Blink;
  Blink->Flink = ListHead;
  return Entry;
}
static inline VOID InsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry) {
  PLIST_ENTRY Blink = ListHead->Blink;
  Entry->Flink = ListHead;
  Entry->Blink = Blink;
  Blink->Flink = Entry;
  ListHead->Blink = Entry;
}
static inline VOID InsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY Entry) {
  PLIST_ENTRY Flink = ListHead->Flink;
  Entry->Flink = Flink;
  Entry->Blink = ListHead;
  Flink->Blink = Entry;
  ListHead->Flink = Entry;
}
#define NdisInitializeListHead(ListHead) InitializeListHead(ListHead)

/* ------------------------------------------------------------------------------------------ */
/* NDIS interlocked helpers (ndis.h). The list and AddUlong ones take the NDIS spin lock through */
/* the lock checker (an acquire and a release, raising to DISPATCH_LEVEL).                      */
/* ------------------------------------------------------------------------------------------ */
VOID NicsimNdisInterlockedAddUlong(PULONG Addend, ULONG Increment, PNDIS_SPIN_LOCK SpinLock,
                                   NICSIM_CALL_SITE_PARAMS);
/* Return the entry that was first (last), or NULL when the list was empty. */
PLIST_ENTRY NicsimNdisInterlockedInsertHeadList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry,
                                                PNDIS_SPIN_LOCK SpinLock, NICSIM_CALL_SITE_PARAMS);
PLIST_ENTRY NicsimNdisInterlockedInsertTailList(PLIST_ENTRY ListHead, PLIST_ENTRY ListEntry,
                                                PNDIS_SPIN_LOCK SpinLock, NICSIM_CALL_SITE_PARAMS);
/* The removed entry, or NULL when the list was empty. */
PLIST_ENTRY NicsimNdisInterlockedRemoveHeadList(PLIST_ENTRY ListHead, PNDIS_SPIN_LOCK SpinLock,
                                                NICSIM_CALL_SITE_PARAMS);
#define NdisInterlockedIncrement(Addend) InterlockedIncrement(Addend)
#define NdisInterlockedDecrement(Addend) InterlockedDecrement(Addend)
#define NdisInterlockedAddUlong(Addend, Increment, SpinLock) \
  NicsimNdisInterlockedAddUlong((Addend), (Increment), (SpinLock), NICSIM_CALL_SITE)
#define NdisInterlockedInsertHeadList(ListHead, ListEntry, SpinLock) \
  NicsimNdisInterlockedInsertHeadList((ListHead), (ListEntry), (SpinLock), NICSIM_CALL_SITE)
#define NdisInterlockedInsertTailList(ListHead, ListEntry, SpinLock) \
  NicsimNdisInterlockedInsertTailList((ListHead), (ListEntry), (SpinLock), NICSIM_CALL_SITE)
#define NdisInterlockedRemoveHeadList(ListHead, SpinLock) \
  NicsimNdisInterlockedRemoveHeadList((ListHead), (SpinLock), NICSIM_CALL_SITE)

/* ------------------------------------------------------------------------------------------ */
/* Reader/writer locks (ndis.h, NDIS 6.20). Readers share, a writer excludes; acquiring raises   */
/* to DISPATCH_LEVEL unless NDIS_RWL_AT_DISPATCH_LEVEL says the caller already is there.        */
/* ------------------------------------------------------------------------------------------ */
typedef struct _NDIS_RW_LOCK_EX NDIS_RW_LOCK_EX, *PNDIS_RW_LOCK_EX;
typedef struct _LOCK_STATE_EX {
  KIRQL OldIrql;
  UCHAR LockState;
  UCHAR Flags;
} LOCK_STATE_EX, *PLOCK_STATE_EX;

#define NDIS_RWL_AT_DISPATCH_LEVEL 1

/* Name: what the reports call the lock (NULL: "RWLock<n>"). */
PNDIS_RW_LOCK_EX NicsimNdisAllocateRWLock(NDIS_HANDLE NdisHandle, const char *Name,
                                          NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisFreeRWLock(PNDIS_RW_LOCK_EX Lock, NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisAcquireRWLock(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState, UCHAR Flags,
                             BOOLEAN Write, NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisReleaseRWLock(PNDIS_RW_LOCK_EX Lock, PLOCK_STATE_EX LockState,
                             NICSIM_CALL_SITE_PARAMS);
#define NdisAllocateRWLock(NdisHandle) \
  NicsimNdisAllocateRWLock((NdisHandle), NULL, NICSIM_CALL_SITE)
/* Nicsim: the same under a name of the caller's choosing. */
#define NicsimAllocateRWLockNamed(NdisHandle, Name) \
  NicsimNdisAllocateRWLock((NdisHandle), (Name), NICSIM_CALL_SITE)
#define NdisFreeRWLock(Lock) NicsimNdisFreeRWLock((Lock), NICSIM_CALL_SITE)
#define NdisAcquireRWLockRead(Lock, LockState, Flags) \
  NicsimNdisAcquireRWLock((Lock), (LockState), (UCHAR)(Flags), FALSE, NICSIM_CALL_SITE)
#define NdisAcquireRWLockWrite(Lock, LockState, Flags) \
  NicsimNdisAcquireRWLock((Lock), (LockState), (UCHAR)(Flags), TRUE, NICSIM_CALL_SITE)
#define NdisReleaseRWLock(Lock, LockState) \
  NicsimNdisReleaseRWLock((Lock), (LockState), NICSIM_CALL_SITE)

NICSIM_EXTERN_C_END

#endif /* NICSIM_NDIS_SYNC_H_ */
