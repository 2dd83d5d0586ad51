/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * Storage I/O control codes and structures (the ntddstor.h subset wdfio implements for
 * block-device targets).
 */
#ifndef _WDFIO_NTDDSTOR_H
#define _WDFIO_NTDDSTOR_H

#include <ntddk.h>

#define IOCTL_STORAGE_BASE	FILE_DEVICE_MASS_STORAGE

/* Input: STORAGE_PROPERTY_QUERY; output: the descriptor of the queried property */
#define IOCTL_STORAGE_QUERY_PROPERTY \
	CTL_CODE(IOCTL_STORAGE_BASE, 0x0500, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* Input: DEVICE_MANAGE_DATA_SET_ATTRIBUTES followed by its parameter block and ranges */
#define IOCTL_STORAGE_MANAGE_DATA_SET_ATTRIBUTES \
	CTL_CODE(IOCTL_STORAGE_BASE, 0x0501, METHOD_BUFFERED, FILE_WRITE_ACCESS)

static_assert(IOCTL_STORAGE_QUERY_PROPERTY == 0x002D1400);
static_assert(IOCTL_STORAGE_MANAGE_DATA_SET_ATTRIBUTES == 0x002D9404);

typedef enum _STORAGE_PROPERTY_ID {
	StorageDeviceProperty = 0,
	StorageAdapterProperty,
	StorageDeviceIdProperty,
	StorageDeviceUniqueIdProperty,
	StorageDeviceWriteCacheProperty,
	StorageMiniportProperty,
	StorageAccessAlignmentProperty,
	StorageDeviceSeekPenaltyProperty,
	StorageDeviceTrimProperty,
	StorageDeviceWriteAggregationProperty,
	StorageDeviceDeviceTelemetryProperty,
	StorageDeviceLBProvisioningProperty,
	StorageDevicePowerProperty,
	StorageDeviceCopyOffloadProperty,
	StorageDeviceResiliencyProperty,
	StorageDeviceMediumProductType,
	StorageAdapterRpmbProperty,
	StorageAdapterCryptoProperty,
	StorageDeviceIoCapabilityProperty = 48,
	StorageAdapterProtocolSpecificProperty,
	StorageDeviceProtocolSpecificProperty,
	StorageAdapterTemperatureProperty,
	StorageDeviceTemperatureProperty,
	StorageAdapterPhysicalTopologyProperty,
	StorageDevicePhysicalTopologyProperty,
	StorageDeviceAttributesProperty,
	StorageDeviceManagementStatus,
	StorageAdapterSerialNumberProperty,
	StorageDeviceLocationProperty,
	StorageDeviceNumaProperty,
	StorageDeviceZonedDeviceProperty,
	StorageDeviceUnsafeShutdownCount,
	StorageDeviceEnduranceProperty,
	StorageDeviceLedStateProperty,
	StorageDeviceSelfEncryptionProperty = 64,
	StorageFruIdProperty,
} STORAGE_PROPERTY_ID, *PSTORAGE_PROPERTY_ID;

static_assert(StorageAccessAlignmentProperty == 6);
static_assert(StorageDeviceTrimProperty == 8);

typedef enum _STORAGE_QUERY_TYPE {
	PropertyStandardQuery = 0,
	PropertyExistsQuery,
	PropertyMaskQuery,
	PropertyQueryMaxDefined,
} STORAGE_QUERY_TYPE, *PSTORAGE_QUERY_TYPE;

typedef struct _STORAGE_PROPERTY_QUERY {
	STORAGE_PROPERTY_ID PropertyId;
	STORAGE_QUERY_TYPE QueryType;
	UCHAR AdditionalParameters[1];
} STORAGE_PROPERTY_QUERY, *PSTORAGE_PROPERTY_QUERY;

static_assert(sizeof(STORAGE_PROPERTY_QUERY) == 12);

/* Common head of every property descriptor: Size is the full descriptor size */
typedef struct _STORAGE_DESCRIPTOR_HEADER {
	ULONG Version;
	ULONG Size;
} STORAGE_DESCRIPTOR_HEADER, *PSTORAGE_DESCRIPTOR_HEADER;

static_assert(sizeof(STORAGE_DESCRIPTOR_HEADER) == 8);

/* Answer to StorageAccessAlignmentProperty; all sizes and offsets in bytes */
typedef struct _STORAGE_ACCESS_ALIGNMENT_DESCRIPTOR {
	ULONG Version;
	ULONG Size;
	ULONG BytesPerCacheLine;
	ULONG BytesOffsetForCacheAlignment;
	ULONG BytesPerLogicalSector;
	ULONG BytesPerPhysicalSector;
	ULONG BytesOffsetForSectorAlignment;
} STORAGE_ACCESS_ALIGNMENT_DESCRIPTOR, *PSTORAGE_ACCESS_ALIGNMENT_DESCRIPTOR;

static_assert(sizeof(STORAGE_ACCESS_ALIGNMENT_DESCRIPTOR) == 28);
static_assert(offsetof(STORAGE_ACCESS_ALIGNMENT_DESCRIPTOR, BytesPerLogicalSector) == 16);

/* Data set management (DSM) actions */
typedef ULONG DEVICE_DATA_MANAGEMENT_SET_ACTION, DEVICE_DSM_ACTION;

#define DeviceDsmActionFlag_NonDestructive	0x80000000
#define IsDsmActionNonDestructive(_Action) \
	((BOOLEAN)(((_Action) & DeviceDsmActionFlag_NonDestructive) != 0))

#define DeviceDsmAction_None		0
#define DeviceDsmAction_Trim		1
#define DeviceDsmAction_Notification	(2 | DeviceDsmActionFlag_NonDestructive)

/* The action applies to the whole device; no ranges are given */
#define DEVICE_DSM_FLAG_ENTIRE_DATA_SET_RANGE	0x00000001

/* One byte range of the device */
typedef struct _DEVICE_DATA_SET_RANGE {
	LONGLONG StartingOffset;
	ULONGLONG LengthInBytes;
} DEVICE_DATA_SET_RANGE, *PDEVICE_DATA_SET_RANGE;

static_assert(sizeof(DEVICE_DATA_SET_RANGE) == 16);

/*
 * Input of IOCTL_STORAGE_MANAGE_DATA_SET_ATTRIBUTES. The offsets are from the start of
 * this structure; DataSetRangesLength is in bytes (a multiple of DEVICE_DATA_SET_RANGE).
 */
typedef struct _DEVICE_MANAGE_DATA_SET_ATTRIBUTES {
	ULONG Size;
	DEVICE_DATA_MANAGEMENT_SET_ACTION Action;
	ULONG Flags;
	ULONG ParameterBlockOffset;
	ULONG ParameterBlockLength;
	ULONG DataSetRangesOffset;
	ULONG DataSetRangesLength;
} DEVICE_MANAGE_DATA_SET_ATTRIBUTES, *PDEVICE_MANAGE_DATA_SET_ATTRIBUTES;

static_assert(sizeof(DEVICE_MANAGE_DATA_SET_ATTRIBUTES) == 28);
static_assert(offsetof(DEVICE_MANAGE_DATA_SET_ATTRIBUTES, DataSetRangesOffset) == 20);

#endif /* _WDFIO_NTDDSTOR_H */
