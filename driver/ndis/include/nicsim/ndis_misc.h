/* <ndis.h>, part: the small rest a WDK driver expects: SAL and driver annotations (no-ops),
 * UNREFERENCED_PARAMETER, ASSERT, C_ASSERT, FIELD_OFFSET and friends, MAXULONG and friends,
 * NDIS_PAGEABLE_FUNCTION / NDIS_INIT_FUNCTION, NdisGetSharedDataAlignment and
 * NdisFreeMemoryWithTagPriority. Include <ndis.h>, not this file.
 *
 * Every macro is guarded with #ifndef: a driver's own definition (made before <ndis.h>) wins. */
#ifndef NICSIM_NDIS_MISC_H_
#define NICSIM_NDIS_MISC_H_

#ifndef NICSIM_NDIS_H_
#error "include <ndis.h>"
#endif

/* ------------------------------------------------------------------------------------------ */
/* SAL 2 and driver annotations (sal.h, driverspecs.h): checked by the WDK's code analysis, not  */
/* by the compiler. nicsim checks the IRQL contracts at run time instead (RULES.md).            */
/* ------------------------------------------------------------------------------------------ */
#ifndef _IRQL_requires_
#define _IRQL_requires_(irql)
#endif
#ifndef _IRQL_requires_max_
#define _IRQL_requires_max_(irql)
#endif
#ifndef _IRQL_requires_min_
#define _IRQL_requires_min_(irql)
#endif
#ifndef _IRQL_raises_
#define _IRQL_raises_(irql)
#endif
#ifndef _IRQL_saves_
#define _IRQL_saves_
#endif
#ifndef _IRQL_restores_
#define _IRQL_restores_
#endif
#ifndef _IRQL_saves_global_
#define _IRQL_saves_global_(kind, param)
#endif
#ifndef _IRQL_restores_global_
#define _IRQL_restores_global_(kind, param)
#endif
#ifndef _IRQL_requires_same_
#define _IRQL_requires_same_
#endif
#ifndef _IRQL_always_function_min_
#define _IRQL_always_function_min_(irql)
#endif
#ifndef _IRQL_always_function_max_
#define _IRQL_always_function_max_(irql)
#endif
#ifndef _IRQL_is_cancel_
#define _IRQL_is_cancel_
#endif
#ifndef _IRQL_uses_cancel_
#define _IRQL_uses_cancel_
#endif
#ifndef _In_
#define _In_
#endif
#ifndef _Out_
#define _Out_
#endif
#ifndef _Inout_
#define _Inout_
#endif
#ifndef _In_opt_
#define _In_opt_
#endif
#ifndef _Out_opt_
#define _Out_opt_
#endif
#ifndef _Inout_opt_
#define _Inout_opt_
#endif
#ifndef _In_z_
#define _In_z_
#endif
#ifndef _In_opt_z_
#define _In_opt_z_
#endif
#ifndef _Reserved_
#define _Reserved_
#endif
#ifndef _In_reads_
#define _In_reads_(size)
#endif
#ifndef _In_reads_opt_
#define _In_reads_opt_(size)
#endif
#ifndef _In_reads_bytes_
#define _In_reads_bytes_(size)
#endif
#ifndef _In_reads_bytes_opt_
#define _In_reads_bytes_opt_(size)
#endif
#ifndef _Out_writes_
#define _Out_writes_(size)
#endif
#ifndef _Out_writes_opt_
#define _Out_writes_opt_(size)
#endif
#ifndef _Out_writes_bytes_
#define _Out_writes_bytes_(size)
#endif
#ifndef _Out_writes_bytes_opt_
#define _Out_writes_bytes_opt_(size)
#endif
#ifndef _Out_writes_to_
#define _Out_writes_to_(size, count)
#endif
#ifndef _Out_writes_bytes_to_
#define _Out_writes_bytes_to_(size, count)
#endif
#ifndef _Inout_updates_
#define _Inout_updates_(size)
#endif
#ifndef _Inout_updates_bytes_
#define _Inout_updates_bytes_(size)
#endif
#ifndef _Outptr_
#define _Outptr_
#endif
#ifndef _Outptr_opt_
#define _Outptr_opt_
#endif
#ifndef _Outptr_result_maybenull_
#define _Outptr_result_maybenull_
#endif
#ifndef _Outptr_opt_result_maybenull_
#define _Outptr_opt_result_maybenull_
#endif
#ifndef _Outptr_result_buffer_
#define _Outptr_result_buffer_(size)
#endif
#ifndef _Outptr_result_bytebuffer_
#define _Outptr_result_bytebuffer_(size)
#endif
#ifndef _Ret_maybenull_
#define _Ret_maybenull_
#endif
#ifndef _Ret_notnull_
#define _Ret_notnull_
#endif
#ifndef _Result_nullonfailure_
#define _Result_nullonfailure_
#endif
#ifndef _Field_size_
#define _Field_size_(size)
#endif
#ifndef _Field_size_bytes_
#define _Field_size_bytes_(size)
#endif
#ifndef _Field_range_
#define _Field_range_(min, max)
#endif
#ifndef _In_range_
#define _In_range_(min, max)
#endif
#ifndef _Out_range_
#define _Out_range_(min, max)
#endif
#ifndef _Pre_
#define _Pre_
#endif
#ifndef _Post_
#define _Post_
#endif
#ifndef _Pre_satisfies_
#define _Pre_satisfies_(cond)
#endif
#ifndef _Post_satisfies_
#define _Post_satisfies_(cond)
#endif
#ifndef _When_
#define _When_(cond, annotations)
#endif
#ifndef _At_
#define _At_(target, annotations)
#endif
#ifndef _Must_inspect_result_
#define _Must_inspect_result_
#endif
#ifndef _Check_return_
#define _Check_return_
#endif
#ifndef _Success_
#define _Success_(expr)
#endif
#ifndef _Return_type_success_
#define _Return_type_success_(expr)
#endif
#ifndef _Use_decl_annotations_
#define _Use_decl_annotations_
#endif
#ifndef _Function_class_
#define _Function_class_(name)
#endif
#ifndef _Requires_lock_held_
#define _Requires_lock_held_(lock)
#endif
#ifndef _Requires_lock_not_held_
#define _Requires_lock_not_held_(lock)
#endif
#ifndef _Acquires_lock_
#define _Acquires_lock_(lock)
#endif
#ifndef _Releases_lock_
#define _Releases_lock_(lock)
#endif
#ifndef _Acquires_exclusive_lock_
#define _Acquires_exclusive_lock_(lock)
#endif
#ifndef _Releases_exclusive_lock_
#define _Releases_exclusive_lock_(lock)
#endif
#ifndef _Acquires_shared_lock_
#define _Acquires_shared_lock_(lock)
#endif
#ifndef _Releases_shared_lock_
#define _Releases_shared_lock_(lock)
#endif
#ifndef _Guarded_by_
#define _Guarded_by_(lock)
#endif
#ifndef _Interlocked_
#define _Interlocked_
#endif
#ifndef _Interlocked_operand_
#define _Interlocked_operand_
#endif
#ifndef _Analysis_assume_
#define _Analysis_assume_(expr)
#endif
#ifndef _Analysis_assume_lock_held_
#define _Analysis_assume_lock_held_(lock)
#endif
#ifndef _Kernel_float_saved_
#define _Kernel_float_saved_
#endif
#ifndef _Kernel_float_restored_
#define _Kernel_float_restored_
#endif
#ifndef _Kernel_float_used_
#define _Kernel_float_used_
#endif
#ifndef _Kernel_requires_resource_held_
#define _Kernel_requires_resource_held_(resource)
#endif
#ifndef _Kernel_acquires_resource_
#define _Kernel_acquires_resource_(resource)
#endif
#ifndef _Kernel_releases_resource_
#define _Kernel_releases_resource_(resource)
#endif
#ifndef _Kernel_clear_do_init_
#define _Kernel_clear_do_init_(yesNo)
#endif
#ifndef _Dispatch_type_
#define _Dispatch_type_(type)
#endif
#ifndef _Frees_ptr_
#define _Frees_ptr_
#endif
#ifndef _Frees_ptr_opt_
#define _Frees_ptr_opt_
#endif
#ifndef _Post_invalid_
#define _Post_invalid_
#endif
#ifndef _Post_writable_byte_size_
#define _Post_writable_byte_size_(size)
#endif
#ifndef _Null_terminated_
#define _Null_terminated_
#endif
#ifndef _Printf_format_string_
#define _Printf_format_string_
#endif
#ifndef __drv_aliasesMem
#define __drv_aliasesMem
#endif
#ifndef __drv_freesMem
#define __drv_freesMem(kind)
#endif
#ifndef __drv_allocatesMem
#define __drv_allocatesMem(kind)
#endif
#ifndef __drv_dispatchType
#define __drv_dispatchType(type)
#endif
#ifndef __drv_maxIRQL
#define __drv_maxIRQL(irql)
#endif
#ifndef __drv_minIRQL
#define __drv_minIRQL(irql)
#endif
#ifndef __drv_requiresIRQL
#define __drv_requiresIRQL(irql)
#endif
#ifndef __drv_raisesIRQL
#define __drv_raisesIRQL(irql)
#endif
#ifndef __drv_savesIRQL
#define __drv_savesIRQL
#endif
#ifndef __drv_restoresIRQL
#define __drv_restoresIRQL
#endif
#ifndef __drv_sameIRQL
#define __drv_sameIRQL
#endif
#ifndef __drv_when
#define __drv_when(cond, annotations)
#endif
#ifndef __drv_functionClass
#define __drv_functionClass(name)
#endif
#ifndef __drv_preferredFunction
#define __drv_preferredFunction(func, why)
#endif
#ifndef __drv_mustHold
#define __drv_mustHold(kind)
#endif
#ifndef __drv_acquiresResource
#define __drv_acquiresResource(kind)
#endif
#ifndef __drv_releasesResource
#define __drv_releasesResource(kind)
#endif
#ifndef __drv_neverHold
#define __drv_neverHold(kind)
#endif
#ifndef __drv_arg
#define __drv_arg(expr, annotations)
#endif
#ifndef __drv_in
#define __drv_in(annotations)
#endif
#ifndef __drv_out
#define __drv_out(annotations)
#endif

/* Sections (alloc_text): Windows pages pageable code out and discards INIT code after
 * DriverEntry. nicsim keeps all code resident. */
#ifndef NDIS_PAGEABLE_FUNCTION
#define NDIS_PAGEABLE_FUNCTION(Function)
#endif
#ifndef NDIS_PAGABLE_FUNCTION
#define NDIS_PAGABLE_FUNCTION(Function)
#endif
#ifndef NDIS_INIT_FUNCTION
#define NDIS_INIT_FUNCTION(Function)
#endif
#ifndef PAGED_CODE
#define PAGED_CODE()
#endif
#ifndef PAGED_CODE_LOCKED
#define PAGED_CODE_LOCKED()
#endif

/* ------------------------------------------------------------------------------------------ */
/* ntdef.h helpers                                                                             */
/* ------------------------------------------------------------------------------------------ */
#ifndef UNREFERENCED_PARAMETER
#define UNREFERENCED_PARAMETER(P) ((void)(P))
#endif
#ifndef DBG_UNREFERENCED_PARAMETER
#define DBG_UNREFERENCED_PARAMETER(P) ((void)(P))
#endif
#ifndef DBG_UNREFERENCED_LOCAL_VARIABLE
#define DBG_UNREFERENCED_LOCAL_VARIABLE(V) ((void)(V))
#endif
#ifndef UNREFERENCED_LOCAL_VARIABLE
#define UNREFERENCED_LOCAL_VARIABLE(V) ((void)(V))
#endif

/* ASSERT is compiled out as in a free build; with NICSIM_ASSERT_ABORT a false assertion prints
 * the expression and where, and aborts (as a checked build's assertion breaks in). */
#ifndef ASSERT
#ifdef NICSIM_ASSERT_ABORT
#define ASSERT(exp) ((exp) ? (void)0 : NicsimAssertFailed(#exp, NICSIM_CALL_SITE))
#define ASSERTMSG(msg, exp) ((exp) ? (void)0 : NicsimAssertFailed((msg), NICSIM_CALL_SITE))
#else
#define ASSERT(exp) ((void)0)
#define ASSERTMSG(msg, exp) ((void)0)
#endif
#endif
#ifndef NT_ASSERT
#define NT_ASSERT(exp) ASSERT(exp)
#endif

/* A compile-time assertion usable at file and block scope, in C11 and C++. */
#ifndef C_ASSERT
#ifdef __cplusplus
#define C_ASSERT(e) static_assert((e), #e)
#else
#define C_ASSERT(e) _Static_assert((e), #e)
#endif
#endif

#ifndef FIELD_OFFSET
#define FIELD_OFFSET(type, field) ((LONG)offsetof(type, field))
#endif
#ifndef RTL_FIELD_SIZE
#define RTL_FIELD_SIZE(type, field) (sizeof(((type *)0)->field))
#endif
#ifndef RTL_SIZEOF_THROUGH_FIELD
#define RTL_SIZEOF_THROUGH_FIELD(type, field) (offsetof(type, field) + RTL_FIELD_SIZE(type, field))
#endif
#ifndef RTL_NUMBER_OF
#define RTL_NUMBER_OF(A) (sizeof(A) / sizeof((A)[0]))
#endif
#ifndef ARRAYSIZE
#define ARRAYSIZE(A) RTL_NUMBER_OF(A)
#endif
#ifndef CONTAINING_RECORD
#define CONTAINING_RECORD(address, type, field) \
  ((type *)((PUCHAR)(address) - (ULONG_PTR)offsetof(type, field)))
#endif
#ifndef ALIGN_DOWN_BY
#define ALIGN_DOWN_BY(length, alignment) ((ULONG_PTR)(length) & ~((ULONG_PTR)(alignment)-1))
#endif
#ifndef ALIGN_UP_BY
#define ALIGN_UP_BY(length, alignment) \
  (ALIGN_DOWN_BY(((ULONG_PTR)(length) + (alignment)-1), (alignment)))
#endif

#ifndef MINCHAR
#define MINCHAR 0x80
#endif
#ifndef MAXCHAR
#define MAXCHAR 0x7f
#endif
#ifndef MINSHORT
#define MINSHORT 0x8000
#endif
#ifndef MAXSHORT
#define MAXSHORT 0x7fff
#endif
#ifndef MINLONG
#define MINLONG 0x80000000
#endif
#ifndef MAXLONG
#define MAXLONG 0x7fffffff
#endif
#ifndef MAXUCHAR
#define MAXUCHAR 0xff
#endif
#ifndef MAXUSHORT
#define MAXUSHORT 0xffff
#endif
#ifndef MAXULONG
#define MAXULONG 0xffffffff
#endif
#ifndef MAXLONGLONG
#define MAXLONGLONG (0x7fffffffffffffffLL)
#endif
#ifndef MAXULONGLONG
#define MAXULONGLONG (0xffffffffffffffffULL)
#endif
#ifndef MAXULONG_PTR
#define MAXULONG_PTR (~((ULONG_PTR)0))
#endif
#ifndef MAXSIZE_T
#define MAXSIZE_T ((SIZE_T) ~((SIZE_T)0))
#endif

NICSIM_EXTERN_C_BEGIN

/* Prints the failed assertion and where, and aborts (ASSERT with NICSIM_ASSERT_ABORT). */
VOID NicsimAssertFailed(const char *Expression, NICSIM_CALL_SITE_PARAMS);

/* The alignment that keeps data shared between processors on separate cache lines: the host's
 * cache line, 64 bytes. Any IRQL. */
ULONG NicsimNdisGetSharedDataAlignment(void);
#define NdisGetSharedDataAlignment() NicsimNdisGetSharedDataAlignment()

/* Frees memory from NdisAllocateMemoryWithTagPriority, as NdisFreeMemory does. IRQL <=
 * DISPATCH_LEVEL. NdisHandle and Tag are not checked. */
VOID NicsimNdisFreeMemoryWithTagPriority(NDIS_HANDLE NdisHandle, PVOID VirtualAddress, ULONG Tag,
                                         NICSIM_CALL_SITE_PARAMS);
#define NdisFreeMemoryWithTagPriority(NdisHandle, VirtualAddress, Tag) \
  NicsimNdisFreeMemoryWithTagPriority((NdisHandle), (VirtualAddress), (Tag), NICSIM_CALL_SITE)

NICSIM_EXTERN_C_END

#endif /* NICSIM_NDIS_MISC_H_ */
