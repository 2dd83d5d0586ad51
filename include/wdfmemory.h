/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * WDF memory objects and memory descriptors (KMDF 1.33 wdfmemory.h).
 */
#ifndef _WDFIO_WDFMEMORY_H
#define _WDFIO_WDFMEMORY_H

#include <ntddk.h>
#include <wdftypes.h>
#include <wdfobject.h>

typedef enum _WDF_MEMORY_DESCRIPTOR_TYPE {
	WdfMemoryDescriptorTypeInvalid = 0,
	WdfMemoryDescriptorTypeBuffer,
	WdfMemoryDescriptorTypeMdl,
	WdfMemoryDescriptorTypeHandle,
} WDF_MEMORY_DESCRIPTOR_TYPE;

/*
 * A window into a WDFMEMORY buffer. BufferLength 0 means "from BufferOffset to the end"
 * (or is ignored, depending on the DDI).
 */
typedef struct _WDFMEMORY_OFFSET {
	size_t BufferOffset;
	size_t BufferLength;
} WDFMEMORY_OFFSET, *PWDFMEMORY_OFFSET;

static_assert(sizeof(WDFMEMORY_OFFSET) == 16);

/* A buffer given to a synchronous send: a raw buffer, an MDL or a WDFMEMORY window */
typedef struct _WDF_MEMORY_DESCRIPTOR {
	WDF_MEMORY_DESCRIPTOR_TYPE Type;
	union {
		struct {
			PVOID Buffer;
			ULONG Length;
		} BufferType;
		struct {
			PMDL Mdl;
			ULONG BufferLength;
		} MdlType;
		struct {
			WDFMEMORY Memory;
			PWDFMEMORY_OFFSET Offsets;
		} HandleType;
	} u;
} WDF_MEMORY_DESCRIPTOR, *PWDF_MEMORY_DESCRIPTOR;

static_assert(sizeof(WDF_MEMORY_DESCRIPTOR) == 24);
static_assert(offsetof(WDF_MEMORY_DESCRIPTOR, u) == 8);
static_assert(offsetof(WDF_MEMORY_DESCRIPTOR, u.BufferType.Length) == 16);

static inline void WDF_MEMORY_DESCRIPTOR_INIT_BUFFER(PWDF_MEMORY_DESCRIPTOR Descriptor,
						     PVOID Buffer, ULONG BufferLength)
{
	RtlZeroMemory(Descriptor, sizeof(WDF_MEMORY_DESCRIPTOR));
	Descriptor->Type = WdfMemoryDescriptorTypeBuffer;
	Descriptor->u.BufferType.Buffer = Buffer;
	Descriptor->u.BufferType.Length = BufferLength;
}

static inline void WDF_MEMORY_DESCRIPTOR_INIT_HANDLE(PWDF_MEMORY_DESCRIPTOR Descriptor,
						     WDFMEMORY Memory,
						     PWDFMEMORY_OFFSET Offsets)
{
	RtlZeroMemory(Descriptor, sizeof(WDF_MEMORY_DESCRIPTOR));
	Descriptor->Type = WdfMemoryDescriptorTypeHandle;
	Descriptor->u.HandleType.Memory = Memory;
	Descriptor->u.HandleType.Offsets = Offsets;
}

static inline void WDF_MEMORY_DESCRIPTOR_INIT_MDL(PWDF_MEMORY_DESCRIPTOR Descriptor,
						  PMDL Mdl, ULONG BufferLength)
{
	RtlZeroMemory(Descriptor, sizeof(WDF_MEMORY_DESCRIPTOR));
	Descriptor->Type = WdfMemoryDescriptorTypeMdl;
	Descriptor->u.MdlType.Mdl = Mdl;
	Descriptor->u.MdlType.BufferLength = BufferLength;
}

/* Creation */
NTSTATUS WdfMemoryCreate(PWDF_OBJECT_ATTRIBUTES Attributes, POOL_TYPE PoolType, ULONG PoolTag,
			 size_t BufferSize, WDFMEMORY *Memory, PVOID *Buffer);
NTSTATUS WdfMemoryCreatePreallocated(PWDF_OBJECT_ATTRIBUTES Attributes, PVOID Buffer,
				     size_t BufferSize, WDFMEMORY *Memory);
NTSTATUS WdfMemoryAssignBuffer(WDFMEMORY Memory, PVOID Buffer, size_t BufferSize);

/* Access */
PVOID WdfMemoryGetBuffer(WDFMEMORY Memory, size_t *BufferSize);
NTSTATUS WdfMemoryCopyToBuffer(WDFMEMORY SourceMemory, size_t SourceOffset, PVOID Buffer,
			       size_t NumBytesToCopyTo);
NTSTATUS WdfMemoryCopyFromBuffer(WDFMEMORY DestinationMemory, size_t DestinationOffset,
				 PVOID Buffer, size_t NumBytesToCopyFrom);

#endif /* _WDFIO_WDFMEMORY_H */
