/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Windows kernel base types and helpers (the ntdef.h/wdm.h/devioctl.h subset that WDF
 * I/O-target code needs), expressed over Linux kernel types.
 *
 * Windows x64 is LLP64 while Linux x86_64 is LP64: LONG and ULONG are 32 bits here, as on
 * Windows, and only the *_PTR types and SIZE_T follow the pointer width. Every structure
 * therefore has its Windows x64 layout; the static_asserts below check the ones that matter.
 */
#ifndef _WDFIO_NTDDK_H
#define _WDFIO_NTDDK_H

#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/types.h>
#include <asm/page.h>		/* PAGE_SIZE: 4096 on x86_64, as on Windows x64 */

static_assert(sizeof(void *) == 8, "wdfio headers describe the Windows x64 ABI only");

/* SAL annotations: documentation only, they expand to nothing */
#ifndef _In_
#define _In_
#endif
#ifndef _In_opt_
#define _In_opt_
#endif
#ifndef _In_z_
#define _In_z_
#endif
#ifndef _In_opt_z_
#define _In_opt_z_
#endif
#ifndef _In_reads_bytes_
#define _In_reads_bytes_(size)
#endif
#ifndef _In_reads_bytes_opt_
#define _In_reads_bytes_opt_(size)
#endif
#ifndef _In_reads_
#define _In_reads_(count)
#endif
#ifndef _In_reads_opt_
#define _In_reads_opt_(count)
#endif
#ifndef _Out_
#define _Out_
#endif
#ifndef _Out_opt_
#define _Out_opt_
#endif
#ifndef _Out_writes_bytes_
#define _Out_writes_bytes_(size)
#endif
#ifndef _Out_writes_bytes_opt_
#define _Out_writes_bytes_opt_(size)
#endif
#ifndef _Out_writes_
#define _Out_writes_(count)
#endif
#ifndef _Out_writes_opt_
#define _Out_writes_opt_(count)
#endif
#ifndef _Inout_
#define _Inout_
#endif
#ifndef _Inout_opt_
#define _Inout_opt_
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
#ifndef _Outptr_result_bytebuffer_
#define _Outptr_result_bytebuffer_(size)
#endif
#ifndef _Outptr_opt_result_bytebuffer_
#define _Outptr_opt_result_bytebuffer_(size)
#endif
#ifndef _Pre_notnull_
#define _Pre_notnull_
#endif
#ifndef _Pre_writable_byte_size_
#define _Pre_writable_byte_size_(size)
#endif
#ifndef _Post_writable_byte_size_
#define _Post_writable_byte_size_(size)
#endif
#ifndef _Ret_maybenull_
#define _Ret_maybenull_
#endif
#ifndef _Success_
#define _Success_(expr)
#endif
#ifndef _Must_inspect_result_
#define _Must_inspect_result_
#endif
#ifndef _Use_decl_annotations_
#define _Use_decl_annotations_
#endif
#ifndef _IRQL_requires_max_
#define _IRQL_requires_max_(irql)
#endif
#ifndef _IRQL_requires_min_
#define _IRQL_requires_min_(irql)
#endif
#ifndef _IRQL_requires_
#define _IRQL_requires_(irql)
#endif
#ifndef _IRQL_requires_same_
#define _IRQL_requires_same_
#endif
#ifndef _When_
#define _When_(cond, annotation)
#endif
#ifndef _Function_class_
#define _Function_class_(name)
#endif
#ifndef _Strict_type_match_
#define _Strict_type_match_
#endif
#ifndef _Null_terminated_
#define _Null_terminated_
#endif
#ifndef _Field_size_bytes_
#define _Field_size_bytes_(size)
#endif
#ifndef _Analysis_assume_
#define _Analysis_assume_(expr)
#endif
#ifndef _drv_aliasesMem
#define _drv_aliasesMem
#endif
#ifndef __drv_aliasesMem
#define __drv_aliasesMem
#endif
#ifndef __drv_reportError
#define __drv_reportError(why)
#endif
#ifndef IN
#define IN
#endif
#ifndef OUT
#define OUT
#endif
#ifndef OPTIONAL
#define OPTIONAL
#endif

/*
 * FORCEINLINE is static here: C has no selectany, and a header function must not clash
 * between translation units. Put it first ("FORCEINLINE VOID f(...)"); the WDF-header
 * order "VOID FORCEINLINE f(...)" compiles too but W=1 reports -Wold-style-declaration.
 */
#ifndef FORCEINLINE
#define FORCEINLINE static __always_inline
#endif
#ifndef NTAPI
#define NTAPI
#endif
#ifndef NTSYSAPI
#define NTSYSAPI
#endif
#ifndef CONST
#define CONST const
#endif

/* Base types, each with its Windows pointer names */
#ifndef VOID
#define VOID void
#endif
typedef void *PVOID;
typedef char CHAR, *PCHAR, *PCH, *LPCH, *PSTR, *LPSTR;
typedef const char *PCCH, *LPCCH, *PCSTR, *LPCSTR, *PCSZ;
typedef u8 UCHAR, *PUCHAR;
typedef s16 SHORT, *PSHORT;
typedef u16 USHORT, *PUSHORT;
typedef s32 LONG, *PLONG;
typedef u32 ULONG, *PULONG;
typedef s64 LONGLONG, *PLONGLONG;
typedef u64 ULONGLONG, *PULONGLONG;
typedef long LONG_PTR, *PLONG_PTR;
typedef unsigned long ULONG_PTR, *PULONG_PTR;
typedef unsigned long SIZE_T, *PSIZE_T;
typedef long SSIZE_T, *PSSIZE_T;
typedef u8 BOOLEAN, *PBOOLEAN;
typedef __WCHAR_TYPE__ WCHAR, *PWCHAR, *PWCH, *LPWCH, *PWSTR, *LPWSTR;
typedef __WCHAR_TYPE__ const *PCWCH, *LPCWCH, *PCWSTR, *LPCWSTR;

static_assert(sizeof(WCHAR) == 2, "WCHAR must be UTF-16 (kbuild builds with -fshort-wchar)");
static_assert(sizeof(ULONG_PTR) == sizeof(void *));

typedef void *HANDLE, **PHANDLE;

typedef s32 NTSTATUS, *PNTSTATUS;

typedef u32 ACCESS_MASK, *PACCESS_MASK;

typedef u8 KIRQL, *PKIRQL;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#define MAXUCHAR	0xff
#define MAXUSHORT	0xffff
#define MAXULONG	0xffffffff
#define MAXLONG		0x7fffffff
#define MAXLONGLONG	0x7fffffffffffffffLL

#define ANYSIZE_ARRAY	1

#ifndef MEMORY_ALLOCATION_ALIGNMENT
#define MEMORY_ALLOCATION_ALIGNMENT	16
#endif

/* NTSTATUS classes: bits 31..30 are the severity */
#define NT_SUCCESS(Status)	(((NTSTATUS)(Status)) >= 0)
#define NT_INFORMATION(Status)	((((ULONG)(Status)) >> 30) == 1)
#define NT_WARNING(Status)	((((ULONG)(Status)) >> 30) == 2)
#define NT_ERROR(Status)	((((ULONG)(Status)) >> 30) == 3)

#include <ntstatus.h>

/* 64-bit integers with 32-bit halves (little endian, as on x64) */
typedef union _LARGE_INTEGER {
	struct {
		ULONG LowPart;
		LONG HighPart;
	};
	struct {
		ULONG LowPart;
		LONG HighPart;
	} u;
	LONGLONG QuadPart;
} LARGE_INTEGER, *PLARGE_INTEGER;

typedef union _ULARGE_INTEGER {
	struct {
		ULONG LowPart;
		ULONG HighPart;
	};
	struct {
		ULONG LowPart;
		ULONG HighPart;
	} u;
	ULONGLONG QuadPart;
} ULARGE_INTEGER, *PULARGE_INTEGER;

static_assert(sizeof(LARGE_INTEGER) == 8);
static_assert(sizeof(ULARGE_INTEGER) == 8);
static_assert(offsetof(LARGE_INTEGER, HighPart) == 4);

/* Final status of an I/O operation */
typedef struct _IO_STATUS_BLOCK {
	union {
		NTSTATUS Status;
		PVOID Pointer;
	};
	ULONG_PTR Information;
} IO_STATUS_BLOCK, *PIO_STATUS_BLOCK;

static_assert(sizeof(IO_STATUS_BLOCK) == 16);
static_assert(offsetof(IO_STATUS_BLOCK, Information) == 8);

/* Counted UTF-16 string; Length and MaximumLength are in bytes, no terminator needed */
typedef struct _UNICODE_STRING {
	USHORT Length;
	USHORT MaximumLength;
	PWCH Buffer;
} UNICODE_STRING, *PUNICODE_STRING;
typedef const struct _UNICODE_STRING *PCUNICODE_STRING;

static_assert(sizeof(UNICODE_STRING) == 16);
static_assert(offsetof(UNICODE_STRING, Buffer) == 8);

#define UNICODE_NULL			((WCHAR)0)
#define UNICODE_STRING_MAX_BYTES	((USHORT)65534)
#define UNICODE_STRING_MAX_CHARS	(32767)

/* Initializer for UNICODE_STRING from a string literal (L"...") */
#define RTL_CONSTANT_STRING(s) \
	{ sizeof(s) - sizeof((s)[0]), sizeof(s), (void *)(s) }

/* A read-only UNICODE_STRING named _var (and its buffer _var##_buffer) for a literal */
#define DECLARE_CONST_UNICODE_STRING(_var, _string)				\
	const WCHAR _var##_buffer[] = _string;					\
	const UNICODE_STRING _var = { sizeof(_var##_buffer) - sizeof(WCHAR),	\
				      sizeof(_var##_buffer), (PWCH)_var##_buffer }

/* The same at file scope; static here since C has no selectany */
#define DECLARE_GLOBAL_CONST_UNICODE_STRING(_var, _string)			\
	static const UNICODE_STRING _var __maybe_unused = RTL_CONSTANT_STRING(_string)

/* An empty UNICODE_STRING named _var over a WCHAR array of _size characters */
#define DECLARE_UNICODE_STRING_SIZE(_var, _size)				\
	WCHAR _var##_buffer[_size];						\
	UNICODE_STRING _var = { 0, sizeof(_var##_buffer), _var##_buffer }

/*
 * Point DestinationString at the NUL-terminated SourceString (not copied). Length excludes
 * the terminator, MaximumLength includes it; lengths past the USHORT range are clamped.
 */
static inline void RtlInitUnicodeString(PUNICODE_STRING DestinationString,
					PCWSTR SourceString)
{
	const size_t max_len = (MAXUSHORT & ~1) - sizeof(WCHAR);
	size_t len = 0;

	DestinationString->Buffer = (PWCH)SourceString;
	if (!SourceString) {
		DestinationString->Length = 0;
		DestinationString->MaximumLength = 0;
		return;
	}
	while (SourceString[len] != UNICODE_NULL)
		len++;
	len *= sizeof(WCHAR);
	if (len > max_len)
		len = max_len;
	DestinationString->Length = (USHORT)len;
	DestinationString->MaximumLength = (USHORT)(len + sizeof(WCHAR));
}

/* Memory helpers */
#define RtlZeroMemory(Destination, Length)	memset((Destination), 0, (Length))
#define RtlFillMemory(Destination, Length, Fill) \
	memset((Destination), (Fill), (Length))
#define RtlCopyMemory(Destination, Source, Length) \
	memcpy((Destination), (Source), (Length))
#define RtlMoveMemory(Destination, Source, Length) \
	memmove((Destination), (Source), (Length))
#define RtlEqualMemory(Destination, Source, Length) \
	(!memcmp((Destination), (Source), (Length)))

#define FIELD_OFFSET(type, field)	((LONG)offsetof(type, field))
#define CONTAINING_RECORD(address, type, field) \
	((type *)((PCHAR)(address) - offsetof(type, field)))
#define ARGUMENT_PRESENT(ArgumentPointer) \
	((CHAR *)((ULONG_PTR)(ArgumentPointer)) != (CHAR *)NULL)
#define UNREFERENCED_PARAMETER(P)	((void)(P))

/*
 * Interrupt request levels. Linux has no IRQL: PASSIVE_LEVEL corresponds to a context
 * that may sleep, DISPATCH_LEVEL to atomic context (softirq, spinlock held, hard IRQ).
 */
#define PASSIVE_LEVEL	0
#define LOW_LEVEL	0
#define APC_LEVEL	1
#define DISPATCH_LEVEL	2
#define HIGH_LEVEL	15

/* Code that Windows may page out must run where it may sleep */
#define PAGED_CODE()	might_sleep()

/* Pool types (wdm.h values); all wdfio allocations are non-paged */
typedef enum _POOL_TYPE {
	NonPagedPool,
	NonPagedPoolExecute = NonPagedPool,
	PagedPool,
	NonPagedPoolMustSucceed = NonPagedPool + 2,
	DontUseThisType,
	NonPagedPoolCacheAligned = NonPagedPool + 4,
	PagedPoolCacheAligned,
	NonPagedPoolCacheAlignedMustS = NonPagedPool + 6,
	MaxPoolType,
	NonPagedPoolBase = 0,
	NonPagedPoolBaseMustSucceed = NonPagedPoolBase + 2,
	NonPagedPoolBaseCacheAligned = NonPagedPoolBase + 4,
	NonPagedPoolBaseCacheAlignedMustS = NonPagedPoolBase + 6,
	NonPagedPoolSession = 32,
	PagedPoolSession = NonPagedPoolSession + 1,
	NonPagedPoolMustSucceedSession = PagedPoolSession + 1,
	DontUseThisTypeSession = NonPagedPoolMustSucceedSession + 1,
	NonPagedPoolCacheAlignedSession = DontUseThisTypeSession + 1,
	PagedPoolCacheAlignedSession = NonPagedPoolCacheAlignedSession + 1,
	NonPagedPoolCacheAlignedMustSSession = PagedPoolCacheAlignedSession + 1,
	NonPagedPoolNx = 512,
	NonPagedPoolNxCacheAligned = NonPagedPoolNx + 4,
	NonPagedPoolSessionNx = NonPagedPoolNx + 32,
} POOL_TYPE;

/*
 * wdfio addition: the ULONG value MSVC gives the multi-character constant 'abcd', so
 * WDFIO_POOL_TAG('a', 'b', 'c', 'd') can replace a 'abcd' pool tag (GCC warns about
 * multi-character constants by default).
 */
#define WDFIO_POOL_TAG(a, b, c, d)						\
	((ULONG)(((ULONG)(UCHAR)(a) << 24) | ((ULONG)(UCHAR)(b) << 16) |	\
		 ((ULONG)(UCHAR)(c) << 8) | (ULONG)(UCHAR)(d)))

/* Access rights */
#define DELETE				0x00010000
#define READ_CONTROL			0x00020000
#define WRITE_DAC			0x00040000
#define WRITE_OWNER			0x00080000
#define SYNCHRONIZE			0x00100000
#define STANDARD_RIGHTS_REQUIRED	0x000F0000
#define STANDARD_RIGHTS_READ		READ_CONTROL
#define STANDARD_RIGHTS_WRITE		READ_CONTROL
#define STANDARD_RIGHTS_EXECUTE		READ_CONTROL
#define STANDARD_RIGHTS_ALL		0x001F0000
#define SPECIFIC_RIGHTS_ALL		0x0000FFFF
#define ACCESS_SYSTEM_SECURITY		0x01000000
#define MAXIMUM_ALLOWED			0x02000000
#define GENERIC_READ			0x80000000
#define GENERIC_WRITE			0x40000000
#define GENERIC_EXECUTE			0x20000000
#define GENERIC_ALL			0x10000000

#define FILE_READ_DATA			0x0001
#define FILE_LIST_DIRECTORY		0x0001
#define FILE_WRITE_DATA			0x0002
#define FILE_ADD_FILE			0x0002
#define FILE_APPEND_DATA		0x0004
#define FILE_ADD_SUBDIRECTORY		0x0004
#define FILE_READ_EA			0x0008
#define FILE_WRITE_EA			0x0010
#define FILE_EXECUTE			0x0020
#define FILE_TRAVERSE			0x0020
#define FILE_DELETE_CHILD		0x0040
#define FILE_READ_ATTRIBUTES		0x0080
#define FILE_WRITE_ATTRIBUTES		0x0100

#define FILE_ALL_ACCESS		(STANDARD_RIGHTS_REQUIRED | SYNCHRONIZE | 0x1FF)
#define FILE_GENERIC_READ	(STANDARD_RIGHTS_READ | FILE_READ_DATA |		\
				 FILE_READ_ATTRIBUTES | FILE_READ_EA | SYNCHRONIZE)
#define FILE_GENERIC_WRITE	(STANDARD_RIGHTS_WRITE | FILE_WRITE_DATA |		\
				 FILE_WRITE_ATTRIBUTES | FILE_WRITE_EA |		\
				 FILE_APPEND_DATA | SYNCHRONIZE)
#define FILE_GENERIC_EXECUTE	(STANDARD_RIGHTS_EXECUTE | FILE_READ_ATTRIBUTES |	\
				 FILE_EXECUTE | SYNCHRONIZE)

/* Share access */
#define FILE_SHARE_READ			0x00000001
#define FILE_SHARE_WRITE		0x00000002
#define FILE_SHARE_DELETE		0x00000004
#define FILE_SHARE_VALID_FLAGS		0x00000007

/* File attributes */
#define FILE_ATTRIBUTE_READONLY		0x00000001
#define FILE_ATTRIBUTE_HIDDEN		0x00000002
#define FILE_ATTRIBUTE_SYSTEM		0x00000004
#define FILE_ATTRIBUTE_DIRECTORY	0x00000010
#define FILE_ATTRIBUTE_ARCHIVE		0x00000020
#define FILE_ATTRIBUTE_DEVICE		0x00000040
#define FILE_ATTRIBUTE_NORMAL		0x00000080

/* Create dispositions */
#define FILE_SUPERSEDE			0x00000000
#define FILE_OPEN			0x00000001
#define FILE_CREATE			0x00000002
#define FILE_OPEN_IF			0x00000003
#define FILE_OVERWRITE			0x00000004
#define FILE_OVERWRITE_IF		0x00000005
#define FILE_MAXIMUM_DISPOSITION	0x00000005

/* Create options */
#define FILE_DIRECTORY_FILE		0x00000001
#define FILE_WRITE_THROUGH		0x00000002
#define FILE_SEQUENTIAL_ONLY		0x00000004
#define FILE_NO_INTERMEDIATE_BUFFERING	0x00000008
#define FILE_SYNCHRONOUS_IO_ALERT	0x00000010
#define FILE_SYNCHRONOUS_IO_NONALERT	0x00000020
#define FILE_NON_DIRECTORY_FILE		0x00000040
#define FILE_CREATE_TREE_CONNECTION	0x00000080
#define FILE_COMPLETE_IF_OPLOCKED	0x00000100
#define FILE_NO_EA_KNOWLEDGE		0x00000200
#define FILE_OPEN_REMOTE_INSTANCE	0x00000400
#define FILE_RANDOM_ACCESS		0x00000800
#define FILE_DELETE_ON_CLOSE		0x00001000
#define FILE_OPEN_BY_FILE_ID		0x00002000
#define FILE_OPEN_FOR_BACKUP_INTENT	0x00004000
#define FILE_NO_COMPRESSION		0x00008000

/* Create results (IO_STATUS_BLOCK.Information, WDF_IO_TARGET_OPEN_PARAMS.FileInformation) */
#define FILE_SUPERSEDED			0x00000000
#define FILE_OPENED			0x00000001
#define FILE_CREATED			0x00000002
#define FILE_OVERWRITTEN		0x00000003
#define FILE_EXISTS			0x00000004
#define FILE_DOES_NOT_EXIST		0x00000005

/* Device types (devioctl.h) */
#define DEVICE_TYPE ULONG

#define FILE_DEVICE_BEEP		0x00000001
#define FILE_DEVICE_CD_ROM		0x00000002
#define FILE_DEVICE_CD_ROM_FILE_SYSTEM	0x00000003
#define FILE_DEVICE_CONTROLLER		0x00000004
#define FILE_DEVICE_DATALINK		0x00000005
#define FILE_DEVICE_DFS			0x00000006
#define FILE_DEVICE_DISK		0x00000007
#define FILE_DEVICE_DISK_FILE_SYSTEM	0x00000008
#define FILE_DEVICE_FILE_SYSTEM		0x00000009
#define FILE_DEVICE_NULL		0x00000015
#define FILE_DEVICE_TAPE		0x0000001f
#define FILE_DEVICE_UNKNOWN		0x00000022
#define FILE_DEVICE_VIRTUAL_DISK	0x00000024
#define FILE_DEVICE_BUS_EXTENDER	0x0000002a
#define FILE_DEVICE_MASS_STORAGE	0x0000002d
#define FILE_DEVICE_CHANGER		0x00000030
#define FILE_DEVICE_DVD			0x00000033

/* I/O control codes: type(31..16) | access(15..14) | function(13..2) | method(1..0) */
#define CTL_CODE(DeviceType, Function, Method, Access)				\
	(((DeviceType) << 16) | ((Access) << 14) | ((Function) << 2) | (Method))

#define DEVICE_TYPE_FROM_CTL_CODE(ctrlCode)	(((ULONG)((ctrlCode) & 0xffff0000)) >> 16)
#define METHOD_FROM_CTL_CODE(ctrlCode)		((ULONG)((ctrlCode) & 3))

#define METHOD_BUFFERED			0
#define METHOD_IN_DIRECT		1
#define METHOD_OUT_DIRECT		2
#define METHOD_NEITHER			3
#define METHOD_DIRECT_TO_HARDWARE	METHOD_IN_DIRECT
#define METHOD_DIRECT_FROM_HARDWARE	METHOD_OUT_DIRECT

#define FILE_ANY_ACCESS			0
#define FILE_SPECIAL_ACCESS		(FILE_ANY_ACCESS)
#define FILE_READ_ACCESS		(0x0001)
#define FILE_WRITE_ACCESS		(0x0002)

/* WDM objects: opaque on Linux, never dereferenced by drivers through these headers */
typedef struct _DEVICE_OBJECT DEVICE_OBJECT, *PDEVICE_OBJECT;
typedef struct _FILE_OBJECT FILE_OBJECT, *PFILE_OBJECT;
typedef struct _IRP IRP, *PIRP;
typedef struct _MDL MDL, *PMDL;
typedef struct _DRIVER_OBJECT DRIVER_OBJECT, *PDRIVER_OBJECT;
typedef struct _IO_SECURITY_CONTEXT IO_SECURITY_CONTEXT, *PIO_SECURITY_CONTEXT;

/* FILE_OBJECT Flags (WdfFileObjectGetFlags reports those wdfio can map) */
#define FO_SYNCHRONOUS_IO		0x00000002
#define FO_NO_INTERMEDIATE_BUFFERING	0x00000008
#define FO_WRITE_THROUGH		0x00000010

/* A member aligned as a pointer is (x64), in the WDK's I/O parameter structures */
#define POINTER_ALIGNMENT	__aligned(8)

typedef char CCHAR;

#endif /* _WDFIO_NTDDK_H */
