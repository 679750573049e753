/* <ndis.h>, part: timer objects, KDPC objects, I/O work items. Include <ndis.h>, not this file.
 *
 * Timer callbacks and KDPC routines run at DISPATCH_LEVEL from the DPC queue of a simulated CPU,
 * work items at PASSIVE_LEVEL on a CPU's passive thread; each runs as a checked callback. */
#ifndef NICSIM_NDIS_TIMERS_H_
#define NICSIM_NDIS_TIMERS_H_

#ifndef NICSIM_NDIS_H_
#error "include <ndis.h>"
#endif

#ifndef NDIS_STATUS_BAD_CHARACTERISTICS
#define NDIS_STATUS_BAD_CHARACTERISTICS ((NDIS_STATUS)0xC0010005L)
#endif

/* ------------------------------------------------------------------------------------------ */
/* Timer objects (ndis.h)                                                                      */
/* ------------------------------------------------------------------------------------------ */
#define NDIS_OBJECT_TYPE_TIMER_CHARACTERISTICS 0x97
#define NDIS_TIMER_CHARACTERISTICS_REVISION_1 1

/* NetTimerCallback: runs at DISPATCH_LEVEL; SystemSpecific1..3 are NULL. */
typedef VOID(NDIS_TIMER_FUNCTION)(PVOID SystemSpecific1, PVOID FunctionContext,
                                  PVOID SystemSpecific2, PVOID SystemSpecific3);
typedef NDIS_TIMER_FUNCTION(*PNDIS_TIMER_FUNCTION);

typedef struct _NDIS_TIMER_CHARACTERISTICS {
  NDIS_OBJECT_HEADER Header;
  ULONG AllocationTag;
  PNDIS_TIMER_FUNCTION TimerFunction;
  PVOID FunctionContext;
} NDIS_TIMER_CHARACTERISTICS, *PNDIS_TIMER_CHARACTERISTICS;
#define NDIS_SIZEOF_TIMER_CHARACTERISTICS_REVISION_1 \
  (offsetof(NDIS_TIMER_CHARACTERISTICS, FunctionContext) + sizeof(PVOID))

/* ------------------------------------------------------------------------------------------ */
/* DPC objects (wdm.h)                                                                         */
/* ------------------------------------------------------------------------------------------ */
typedef struct _SINGLE_LIST_ENTRY {
  struct _SINGLE_LIST_ENTRY *Next;
} SINGLE_LIST_ENTRY, *PSINGLE_LIST_ENTRY;

struct _KDPC;
typedef VOID(KDEFERRED_ROUTINE)(struct _KDPC *Dpc, PVOID DeferredContext, PVOID SystemArgument1,
                                PVOID SystemArgument2);
typedef KDEFERRED_ROUTINE *PKDEFERRED_ROUTINE;

/* Opaque to drivers; the layout is the WDK's (x64). */
typedef struct _KDPC {
  union {
    ULONG TargetInfoAsUlong;
    struct {
      UCHAR Type;
      UCHAR Importance;
      volatile USHORT Number;
    };
  };
  SINGLE_LIST_ENTRY DpcListEntry;
  KAFFINITY ProcessorHistory;
  PKDEFERRED_ROUTINE DeferredRoutine;
  PVOID DeferredContext;
  PVOID SystemArgument1;
  PVOID SystemArgument2;
  volatile PVOID DpcData;
} KDPC, *PKDPC, *PRKDPC;

/* ------------------------------------------------------------------------------------------ */
/* I/O work items (ndis.h)                                                                     */
/* ------------------------------------------------------------------------------------------ */
typedef VOID(NDIS_IO_WORKITEM_FUNCTION)(PVOID WorkItemContext, NDIS_HANDLE NdisIoWorkItemHandle);
typedef NDIS_IO_WORKITEM_FUNCTION(*NDIS_IO_WORKITEM_ROUTINE);

NICSIM_EXTERN_C_BEGIN

/* The timer fires on the CPU that set it. */
NDIS_STATUS NicsimNdisAllocateTimerObject(NDIS_HANDLE NdisHandle,
                                          PNDIS_TIMER_CHARACTERISTICS TimerCharacteristics,
                                          PNDIS_HANDLE pTimerObject, NICSIM_CALL_SITE_PARAMS);
/* DueTime < 0: relative, in 100 ns units; otherwise absolute system time (as
 * NdisGetCurrentSystemTime gives). TRUE when the timer was already set. */
BOOLEAN NicsimNdisSetTimerObject(NDIS_HANDLE TimerObject, LARGE_INTEGER DueTime,
                                 LONG MillisecondsPeriod, PVOID FunctionContext,
                                 NICSIM_CALL_SITE_PARAMS);
/* TRUE when the timer was set. Cancelling a periodic timer (at PASSIVE_LEVEL) also waits until
 * its callback no longer runs, as NDIS does with KeFlushQueuedDpcs. */
BOOLEAN NicsimNdisCancelTimerObject(NDIS_HANDLE TimerObject, NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisFreeTimerObject(NDIS_HANDLE TimerObject, NICSIM_CALL_SITE_PARAMS);
#define NdisAllocateTimerObject(NdisHandle, TimerCharacteristics, pTimerObject)       \
  NicsimNdisAllocateTimerObject((NdisHandle), (TimerCharacteristics), (pTimerObject), \
                                NICSIM_CALL_SITE)
#define NdisSetTimerObject(TimerObject, DueTime, MillisecondsPeriod, FunctionContext)         \
  NicsimNdisSetTimerObject((TimerObject), (DueTime), (MillisecondsPeriod), (FunctionContext), \
                           NICSIM_CALL_SITE)
#define NdisCancelTimerObject(TimerObject) \
  NicsimNdisCancelTimerObject((TimerObject), NICSIM_CALL_SITE)
#define NdisFreeTimerObject(TimerObject) NicsimNdisFreeTimerObject((TimerObject), NICSIM_CALL_SITE)

/* Name: what the reports call the DPC (the macro passes the expression). */
VOID NicsimKeInitializeDpc(PRKDPC Dpc, PKDEFERRED_ROUTINE DeferredRoutine, PVOID DeferredContext,
                           const char *Name, NICSIM_CALL_SITE_PARAMS);
/* FALSE when the DPC is already queued. It runs on the CPU set with KeSetTargetProcessorDpc, or
 * else on the CPU that queued it. */
BOOLEAN NicsimKeInsertQueueDpc(PRKDPC Dpc, PVOID SystemArgument1, PVOID SystemArgument2,
                               NICSIM_CALL_SITE_PARAMS);
/* TRUE when the DPC was queued (it will not run). */
BOOLEAN NicsimKeRemoveQueueDpc(PRKDPC Dpc, NICSIM_CALL_SITE_PARAMS);
VOID NicsimKeSetTargetProcessorDpc(PRKDPC Dpc, CCHAR Number, NICSIM_CALL_SITE_PARAMS);
#define KeInitializeDpc(Dpc, DeferredRoutine, DeferredContext) \
  NicsimKeInitializeDpc((Dpc), (DeferredRoutine), (DeferredContext), #Dpc, NICSIM_CALL_SITE)
#define KeInsertQueueDpc(Dpc, SystemArgument1, SystemArgument2) \
  NicsimKeInsertQueueDpc((Dpc), (SystemArgument1), (SystemArgument2), NICSIM_CALL_SITE)
#define KeRemoveQueueDpc(Dpc) NicsimKeRemoveQueueDpc((Dpc), NICSIM_CALL_SITE)
#define KeSetTargetProcessorDpc(Dpc, Number) \
  NicsimKeSetTargetProcessorDpc((Dpc), (CCHAR)(Number), NICSIM_CALL_SITE)

/* NULL on failure. The routine runs at PASSIVE_LEVEL on a passive thread of another CPU than the
 * caller's (the same one when there is a single CPU). */
NDIS_HANDLE NicsimNdisAllocateIoWorkItem(NDIS_HANDLE NdisObjectHandle, NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisQueueIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle, NDIS_IO_WORKITEM_ROUTINE Routine,
                               PVOID WorkItemContext, NICSIM_CALL_SITE_PARAMS);
VOID NicsimNdisFreeIoWorkItem(NDIS_HANDLE NdisIoWorkItemHandle, NICSIM_CALL_SITE_PARAMS);
#define NdisAllocateIoWorkItem(NdisObjectHandle) \
  NicsimNdisAllocateIoWorkItem((NdisObjectHandle), NICSIM_CALL_SITE)
#define NdisQueueIoWorkItem(NdisIoWorkItemHandle, Routine, WorkItemContext) \
  NicsimNdisQueueIoWorkItem((NdisIoWorkItemHandle), (Routine), (WorkItemContext), NICSIM_CALL_SITE)
#define NdisFreeIoWorkItem(NdisIoWorkItemHandle) \
  NicsimNdisFreeIoWorkItem((NdisIoWorkItemHandle), NICSIM_CALL_SITE)

NICSIM_EXTERN_C_END

#endif /* NICSIM_NDIS_TIMERS_H_ */
