/* <ndis.h>, part: timer objects, KDPC objects, I/O work items. Include <ndis.h>, not this file. */
#ifndef NICSIM_NDIS_TIMERS_H_
#define NICSIM_NDIS_TIMERS_H_

#ifndef NICSIM_NDIS_H_
#error "include <ndis.h>"
#endif

NICSIM_EXTERN_C_BEGIN

NICSIM_EXTERN_C_END

#endif /* NICSIM_NDIS_TIMERS_H_ */
