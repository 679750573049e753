/* Nicsim, C and C++: a driver's bug variants, for nicsim's --driver-bug and its bug-injection
 * tests. A driver that has deliberate mistakes to select at run time defines the table
 * NicsimDriverBugs, ended by an entry whose Name is NULL. The CLI hands the selected one to the
 * driver as the registry keyword NicsimDriverBug (NdisReadConfiguration, NdisParameterInteger):
 * 0 for none, i + 1 for NicsimDriverBugs[i]. A driver without the table has no bug variants.
 * An entry's initializer may leave Scenario out (NULL: the variant shows in the default scenario);
 * GCC's -Wextra then warns (-Wmissing-field-initializers), so such a build writes NULL.
 * Not part of the WDK: a real build of the driver leaves this header and the table out. */
#ifndef NICSIM_DRIVER_BUGS_H_
#define NICSIM_DRIVER_BUGS_H_

#ifdef __cplusplus
extern "C" {
#endif

typedef struct _NICSIM_DRIVER_BUG {
  const char *Name;        /* the --driver-bug value, e.g. "isr-no-mask" */
  const char *Rule;        /* the rule ID the mistake must trigger, e.g. "ISR_NO_MASK" */
  const char *Description; /* one line: what the driver does wrong */
  const char *Scenario;    /* the scenario that shows the mistake, NULL: the design's first */
} NICSIM_DRIVER_BUG;

extern const NICSIM_DRIVER_BUG NicsimDriverBugs[];

/* The keyword naming the selected variant, a UTF-16 literal:
 *   NDIS_STRING keyword = RTL_CONSTANT_STRING(NICSIM_DRIVER_BUG_KEYWORD); */
#define NICSIM_DRIVER_BUG_KEYWORD u"NicsimDriverBug"

#ifdef __cplusplus
}
#endif

#endif /* NICSIM_DRIVER_BUGS_H_ */
