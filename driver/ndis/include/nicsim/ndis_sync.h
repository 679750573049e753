/* <ndis.h>, part: Ke* IRQL and spin locks, interlocked operations, LIST_ENTRY, NDIS_RW_LOCK_EX. Include <ndis.h>, not this file. */
#ifndef NICSIM_NDIS_SYNC_H_
#define NICSIM_NDIS_SYNC_H_

#ifndef NICSIM_NDIS_H_
#error "include <ndis.h>"
#endif

NICSIM_EXTERN_C_BEGIN

NICSIM_EXTERN_C_END

#endif /* NICSIM_NDIS_SYNC_H_ */
