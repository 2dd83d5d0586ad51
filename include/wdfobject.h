/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * WDF objects: attributes, typed contexts, references, deletion (KMDF 1.33 wdfobject.h).
 */
#ifndef _WDFIO_WDFOBJECT_H
#define _WDFIO_WDFOBJECT_H

#include <ntddk.h>
#include <wdftypes.h>

/* Highest IRQL at which the object's callbacks may run */
typedef enum _WDF_EXECUTION_LEVEL {
	WdfExecutionLevelInvalid = 0x00,
	WdfExecutionLevelInheritFromParent,
	WdfExecutionLevelPassive,
	WdfExecutionLevelDispatch,
} WDF_EXECUTION_LEVEL;

/* How callbacks of the object are serialized */
typedef enum _WDF_SYNCHRONIZATION_SCOPE {
	WdfSynchronizationScopeInvalid = 0x00,
	WdfSynchronizationScopeInheritFromParent,
	WdfSynchronizationScopeDevice,
	WdfSynchronizationScopeQueue,
	WdfSynchronizationScopeNone,
} WDF_SYNCHRONIZATION_SCOPE;

/*
 * Callback types come in pairs: EVT_xxx is the function type (declare callbacks with it)
 * and PFN_xxx the pointer to it.
 */

/* Runs when the object is deleted (children first) */
typedef void EVT_WDF_OBJECT_CONTEXT_CLEANUP(WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_CLEANUP *PFN_WDF_OBJECT_CONTEXT_CLEANUP;

/* Runs when the last reference is gone, just before the memory is freed */
typedef void EVT_WDF_OBJECT_CONTEXT_DESTROY(WDFOBJECT Object);
typedef EVT_WDF_OBJECT_CONTEXT_DESTROY *PFN_WDF_OBJECT_CONTEXT_DESTROY;

typedef const struct _WDF_OBJECT_CONTEXT_TYPE_INFO *PCWDF_OBJECT_CONTEXT_TYPE_INFO;

typedef struct _WDF_OBJECT_ATTRIBUTES {
	ULONG Size;
	PFN_WDF_OBJECT_CONTEXT_CLEANUP EvtCleanupCallback;
	PFN_WDF_OBJECT_CONTEXT_DESTROY EvtDestroyCallback;
	WDF_EXECUTION_LEVEL ExecutionLevel;
	WDF_SYNCHRONIZATION_SCOPE SynchronizationScope;
	WDFOBJECT ParentObject;
	size_t ContextSizeOverride;
	PCWDF_OBJECT_CONTEXT_TYPE_INFO ContextTypeInfo;
} WDF_OBJECT_ATTRIBUTES, *PWDF_OBJECT_ATTRIBUTES;

static_assert(sizeof(WDF_OBJECT_ATTRIBUTES) == 56);
static_assert(offsetof(WDF_OBJECT_ATTRIBUTES, ExecutionLevel) == 24);
static_assert(offsetof(WDF_OBJECT_ATTRIBUTES, ParentObject) == 32);
static_assert(offsetof(WDF_OBJECT_ATTRIBUTES, ContextTypeInfo) == 48);

static inline void WDF_OBJECT_ATTRIBUTES_INIT(PWDF_OBJECT_ATTRIBUTES Attributes)
{
	RtlZeroMemory(Attributes, sizeof(WDF_OBJECT_ATTRIBUTES));
	Attributes->Size = WDF_STRUCTURE_SIZE(WDF_OBJECT_ATTRIBUTES);
	Attributes->ExecutionLevel = WdfExecutionLevelInheritFromParent;
	Attributes->SynchronizationScope = WdfSynchronizationScopeInheritFromParent;
}

#define WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(_attributes, _contexttype)		\
	((_attributes)->ContextTypeInfo = WDF_GET_CONTEXT_TYPE_INFO(_contexttype)->UniqueType)

#define WDF_OBJECT_ATTRIBUTES_INIT_CONTEXT_TYPE(_attributes, _contexttype)		\
	do {										\
		PWDF_OBJECT_ATTRIBUTES __wdfio_attrs = (_attributes);			\
											\
		WDF_OBJECT_ATTRIBUTES_INIT(__wdfio_attrs);				\
		WDF_OBJECT_ATTRIBUTES_SET_CONTEXT_TYPE(__wdfio_attrs, _contexttype);	\
	} while (0)

typedef PCWDF_OBJECT_CONTEXT_TYPE_INFO (*PFN_GET_UNIQUE_CONTEXT_TYPE)(void);

/*
 * Describes one context type. UniqueType points at the descriptor that identifies the
 * type (the descriptor itself for types declared with WDF_DECLARE_CONTEXT_TYPE*).
 */
typedef struct _WDF_OBJECT_CONTEXT_TYPE_INFO {
	ULONG Size;
	LPCSTR ContextName;
	size_t ContextSize;
	PCWDF_OBJECT_CONTEXT_TYPE_INFO UniqueType;
	PFN_GET_UNIQUE_CONTEXT_TYPE EvtDriverGetUniqueContextType;
} WDF_OBJECT_CONTEXT_TYPE_INFO, *PWDF_OBJECT_CONTEXT_TYPE_INFO;

static_assert(sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO) == 40);
static_assert(offsetof(WDF_OBJECT_CONTEXT_TYPE_INFO, UniqueType) == 24);

/* Name of the descriptor generated for a context type */
#define WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype)	_WDF_ ## _contexttype ## _TYPE_INFO

#define WDF_GET_CONTEXT_TYPE_INFO(_contexttype)	(&WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype))

/* Name of the generated pointer type, e.g. WDF_POINTER_TYPE_DEVICE_CONTEXT */
#define WDF_TYPE_NAME_POINTER_TYPE(_contexttype)	WDF_POINTER_TYPE_ ## _contexttype

/* Declares _contexttype as a context type with the accessor WdfObjectGet_<type>() */
#define WDF_DECLARE_CONTEXT_TYPE(_contexttype)						\
	WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(_contexttype, WdfObjectGet_ ## _contexttype)

/*
 * Declares _contexttype as a context type: the pointer typedef, the type descriptor and
 * the accessor _castingfunction(Handle), which returns the object's context of this type
 * or NULL.
 *
 * Windows makes the descriptor one selectany global per driver. C has no selectany, so
 * here every translation unit that expands this macro gets its own static copy (and its
 * own static inline accessor). wdfio therefore matches a requested type against an
 * object's context types by UniqueType pointer first and, failing that, by equal
 * ContextName string and ContextSize, so copies from different files name the same type.
 */
#define WDF_DECLARE_CONTEXT_TYPE_WITH_NAME(_contexttype, _castingfunction)		\
	typedef _contexttype *WDF_TYPE_NAME_POINTER_TYPE(_contexttype);			\
	static const WDF_OBJECT_CONTEXT_TYPE_INFO					\
	WDF_TYPE_NAME_TO_TYPE_INFO(_contexttype) __maybe_unused = {			\
		sizeof(WDF_OBJECT_CONTEXT_TYPE_INFO),					\
		#_contexttype,								\
		sizeof(_contexttype),							\
		WDF_GET_CONTEXT_TYPE_INFO(_contexttype),				\
		NULL,									\
	};										\
	static inline WDF_TYPE_NAME_POINTER_TYPE(_contexttype)				\
	_castingfunction(WDFOBJECT Handle)						\
	{										\
		return (WDF_TYPE_NAME_POINTER_TYPE(_contexttype))			\
			WdfObjectGetTypedContextWorker(Handle,				\
				WDF_GET_CONTEXT_TYPE_INFO(_contexttype)->UniqueType);	\
	}

/* The context of type "type" (not the pointer type) of handle, or NULL */
#define WdfObjectGetTypedContext(handle, type)						\
	((type *)WdfObjectGetTypedContextWorker((WDFOBJECT)(handle),			\
		WDF_GET_CONTEXT_TYPE_INFO(type)->UniqueType))

/* Contexts */
PVOID WdfObjectGetTypedContextWorker(WDFOBJECT Handle, PCWDF_OBJECT_CONTEXT_TYPE_INFO TypeInfo);
NTSTATUS WdfObjectAllocateContext(WDFOBJECT Handle, PWDF_OBJECT_ATTRIBUTES ContextAttributes,
				  PVOID *Context);
WDFOBJECT WdfObjectContextGetObject(PVOID ContextPointer);

/* References: use the WdfObjectReference*() and WdfObjectDereference*() macros below */
void WdfObjectReferenceActual(WDFOBJECT Handle, PVOID Tag, LONG Line, PCCH File);
void WdfObjectDereferenceActual(WDFOBJECT Handle, PVOID Tag, LONG Line, PCCH File);

/* Deletion */
void WdfObjectDelete(WDFOBJECT Object);

/*
 * The callback lock of a WDFDEVICE or WDFQUEUE (the one its
 * SynchronizationScope serialises callbacks with): a mutex at
 * ExecutionLevel Passive, else a spinlock (then do not sleep until the release).
 */
void WdfObjectAcquireLock(WDFOBJECT Object);
void WdfObjectReleaseLock(WDFOBJECT Object);

#define WdfObjectReference(Handle)	WdfObjectReferenceWithTag(Handle, NULL)
#define WdfObjectReferenceWithTag(Handle, Tag) \
	WdfObjectReferenceActual(Handle, Tag, __LINE__, __FILE__)

/* Drops a reference taken above; to delete an object use WdfObjectDelete() */
#define WdfObjectDereference(Handle)	WdfObjectDereferenceWithTag(Handle, NULL)
#define WdfObjectDereferenceWithTag(Handle, Tag) \
	WdfObjectDereferenceActual(Handle, Tag, __LINE__, __FILE__)

#endif /* _WDFIO_WDFOBJECT_H */
