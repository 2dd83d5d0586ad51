/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * WDF core helpers: timeout conversion, size alignment, pointer offsets
 * (KMDF 1.33 wdfcore.h).
 */
#ifndef _WDFIO_WDFCORE_H
#define _WDFIO_WDFCORE_H

#include <ntddk.h>

/*
 * WDF timeouts are in 100 ns units. A negative value is relative to now, a positive one
 * is an absolute system time, 0 means no timeout.
 */
#define WDF_TIMEOUT_TO_SEC	((LONGLONG)1 * 10 * 1000 * 1000)
#define WDF_TIMEOUT_TO_MS	((LONGLONG)1 * 10 * 1000)
#define WDF_TIMEOUT_TO_US	((LONGLONG)1 * 10)

static inline LONGLONG WDF_REL_TIMEOUT_IN_SEC(ULONGLONG Time)
{
	return -((LONGLONG)Time * WDF_TIMEOUT_TO_SEC);
}

static inline LONGLONG WDF_ABS_TIMEOUT_IN_SEC(ULONGLONG Time)
{
	return (LONGLONG)Time * WDF_TIMEOUT_TO_SEC;
}

static inline LONGLONG WDF_REL_TIMEOUT_IN_MS(ULONGLONG Time)
{
	return -((LONGLONG)Time * WDF_TIMEOUT_TO_MS);
}

static inline LONGLONG WDF_ABS_TIMEOUT_IN_MS(ULONGLONG Time)
{
	return (LONGLONG)Time * WDF_TIMEOUT_TO_MS;
}

static inline LONGLONG WDF_REL_TIMEOUT_IN_US(ULONGLONG Time)
{
	return -((LONGLONG)Time * WDF_TIMEOUT_TO_US);
}

static inline LONGLONG WDF_ABS_TIMEOUT_IN_US(ULONGLONG Time)
{
	return (LONGLONG)Time * WDF_TIMEOUT_TO_US;
}

/* AlignTo must be a power of two */
static inline size_t WDF_ALIGN_SIZE_DOWN(size_t Length, size_t AlignTo)
{
	return Length & ~(AlignTo - 1);
}

static inline size_t WDF_ALIGN_SIZE_UP(size_t Length, size_t AlignTo)
{
	return WDF_ALIGN_SIZE_DOWN(Length + AlignTo - 1, AlignTo);
}

#define WDF_PTR_ADD_OFFSET_TYPE(_ptr, _offset, _type) \
	((_type)(((PUCHAR)(_ptr)) + (_offset)))

#define WDF_PTR_ADD_OFFSET(_ptr, _offset) \
	WDF_PTR_ADD_OFFSET_TYPE(_ptr, _offset, PVOID)

#define WDF_PTR_GET_OFFSET(_base, _addr) \
	((size_t)(((PUCHAR)(_addr)) - ((PUCHAR)(_base))))

#endif /* _WDFIO_WDFCORE_H */
