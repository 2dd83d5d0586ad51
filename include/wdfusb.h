/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * WDF USB I/O targets (KMDF 1.33 wdfusb.h): USB device, interface and pipe objects,
 * formatting and sending transfers, control transfers and the continuous reader.
 *
 * As on Windows, include <ntddk.h>, <wdf.h> and then <wdfusb.h> (it brings <usb.h>). The
 * WDFUSBDEVICE and WDFUSBPIPE handles are I/O targets: every WdfIoTarget* DDI and
 * WdfRequestSend accept them (WdfUsbTargetDeviceGetIoTarget / WdfUsbTargetPipeGetIoTarget
 * are casts, as in KMDF). On Linux, the WDFDEVICE a WDFUSBDEVICE is created from is the
 * bound struct usb_interface, see WdfDeviceFromUsbInterface() in <wdflinux.h>.
 */
#ifndef _WDFIO_WDFUSB_H
#define _WDFIO_WDFUSB_H

#include <ntddk.h>
#include <usb.h>
#include <wdf.h>

#define BMREQUEST_HOST_TO_DEVICE	0
#define BMREQUEST_DEVICE_TO_HOST	1

#define BMREQUEST_STANDARD		0
#define BMREQUEST_CLASS			1
#define BMREQUEST_VENDOR		2

#define BMREQUEST_TO_DEVICE		0
#define BMREQUEST_TO_INTERFACE		1
#define BMREQUEST_TO_ENDPOINT		2
#define BMREQUEST_TO_OTHER		3

typedef enum _WDF_USB_REQUEST_TYPE {
	WdfUsbRequestTypeInvalid = 0,
	WdfUsbRequestTypeNoFormat,
	WdfUsbRequestTypeDeviceString,
	WdfUsbRequestTypeDeviceControlTransfer,
	WdfUsbRequestTypeDeviceUrb,
	WdfUsbRequestTypePipeWrite,
	WdfUsbRequestTypePipeRead,
	WdfUsbRequestTypePipeAbort,
	WdfUsbRequestTypePipeReset,
	WdfUsbRequestTypePipeUrb,
} WDF_USB_REQUEST_TYPE, *PWDF_USB_REQUEST_TYPE;

typedef enum _WDF_USB_BMREQUEST_DIRECTION {
	BmRequestHostToDevice = BMREQUEST_HOST_TO_DEVICE,
	BmRequestDeviceToHost = BMREQUEST_DEVICE_TO_HOST,
} WDF_USB_BMREQUEST_DIRECTION;

typedef enum _WDF_USB_BMREQUEST_TYPE {
	BmRequestStandard = BMREQUEST_STANDARD,
	BmRequestClass = BMREQUEST_CLASS,
	BmRequestVendor = BMREQUEST_VENDOR,
} WDF_USB_BMREQUEST_TYPE;

typedef enum _WDF_USB_BMREQUEST_RECIPIENT {
	BmRequestToDevice = BMREQUEST_TO_DEVICE,
	BmRequestToInterface = BMREQUEST_TO_INTERFACE,
	BmRequestToEndpoint = BMREQUEST_TO_ENDPOINT,
	BmRequestToOther = BMREQUEST_TO_OTHER,
} WDF_USB_BMREQUEST_RECIPIENT;

typedef enum _WDF_USB_PIPE_TYPE {
	WdfUsbPipeTypeInvalid = 0,
	WdfUsbPipeTypeControl,
	WdfUsbPipeTypeIsochronous,
	WdfUsbPipeTypeBulk,
	WdfUsbPipeTypeInterrupt,
} WDF_USB_PIPE_TYPE;

typedef enum _WdfUsbTargetDeviceSelectConfigType {
	WdfUsbTargetDeviceSelectConfigTypeInvalid = 0,
	WdfUsbTargetDeviceSelectConfigTypeDeconfig = 1,
	WdfUsbTargetDeviceSelectConfigTypeSingleInterface = 2,
	WdfUsbTargetDeviceSelectConfigTypeMultiInterface = 3,
	WdfUsbTargetDeviceSelectConfigTypeInterfacesPairs = 4,
	WdfUsbTargetDeviceSelectConfigTypeInterfacesDescriptor = 5,
	WdfUsbTargetDeviceSelectConfigTypeUrb = 6,
} WdfUsbTargetDeviceSelectConfigType;

typedef enum _WdfUsbTargetDeviceSelectSettingType {
	WdfUsbInterfaceSelectSettingTypeDescriptor = 0x10,
	WdfUsbInterfaceSelectSettingTypeSetting = 0x11,
	WdfUsbInterfaceSelectSettingTypeUrb = 0x12,
} WdfUsbTargetDeviceSelectSettingType;

typedef enum _WDF_USB_DEVICE_TRAITS {
	WDF_USB_DEVICE_TRAIT_SELF_POWERED = 0x00000001,
	WDF_USB_DEVICE_TRAIT_REMOTE_WAKE_CAPABLE = 0x00000002,
	WDF_USB_DEVICE_TRAIT_AT_HIGH_SPEED = 0x00000004,
} WDF_USB_DEVICE_TRAITS;

/* The 8-byte setup packet; wLength is set by the formatting DDI from the buffer length */
typedef union _WDF_USB_CONTROL_SETUP_PACKET {
	struct {
		union {
			struct {
				BYTE Recipient : 2;
				BYTE Reserved : 3;
				BYTE Type : 2;
				BYTE Dir : 1;
			} Request;
			BYTE Byte;
		} bm;
		BYTE bRequest;
		union {
			struct {
				BYTE LowByte;
				BYTE HiByte;
			} Bytes;
			USHORT Value;
		} wValue;
		union {
			struct {
				BYTE LowByte;
				BYTE HiByte;
			} Bytes;
			USHORT Value;
		} wIndex;
		USHORT wLength;
	} Packet;
	struct {
		BYTE Bytes[8];
	} Generic;
} WDF_USB_CONTROL_SETUP_PACKET, *PWDF_USB_CONTROL_SETUP_PACKET;

static_assert(sizeof(WDF_USB_CONTROL_SETUP_PACKET) == 8);
static_assert(offsetof(WDF_USB_CONTROL_SETUP_PACKET, Packet.wLength) == 6);

FORCEINLINE VOID
WDF_USB_CONTROL_SETUP_PACKET_INIT_TYPED(PWDF_USB_CONTROL_SETUP_PACKET Packet,
					WDF_USB_BMREQUEST_DIRECTION Direction,
					WDF_USB_BMREQUEST_TYPE Type,
					WDF_USB_BMREQUEST_RECIPIENT Recipient, BYTE Request,
					USHORT Value, USHORT Index)
{
	RtlZeroMemory(Packet, sizeof(WDF_USB_CONTROL_SETUP_PACKET));
	Packet->Packet.bm.Request.Dir = (BYTE)Direction;
	Packet->Packet.bm.Request.Type = (BYTE)Type;
	Packet->Packet.bm.Request.Recipient = (BYTE)Recipient;
	Packet->Packet.bRequest = Request;
	Packet->Packet.wValue.Value = Value;
	Packet->Packet.wIndex.Value = Index;
}

FORCEINLINE VOID
WDF_USB_CONTROL_SETUP_PACKET_INIT(PWDF_USB_CONTROL_SETUP_PACKET Packet,
				  WDF_USB_BMREQUEST_DIRECTION Direction,
				  WDF_USB_BMREQUEST_RECIPIENT Recipient, BYTE Request,
				  USHORT Value, USHORT Index)
{
	WDF_USB_CONTROL_SETUP_PACKET_INIT_TYPED(Packet, Direction, BmRequestStandard,
						Recipient, Request, Value, Index);
}

FORCEINLINE VOID
WDF_USB_CONTROL_SETUP_PACKET_INIT_CLASS(PWDF_USB_CONTROL_SETUP_PACKET Packet,
					WDF_USB_BMREQUEST_DIRECTION Direction,
					WDF_USB_BMREQUEST_RECIPIENT Recipient, BYTE Request,
					USHORT Value, USHORT Index)
{
	WDF_USB_CONTROL_SETUP_PACKET_INIT_TYPED(Packet, Direction, BmRequestClass,
						Recipient, Request, Value, Index);
}

FORCEINLINE VOID
WDF_USB_CONTROL_SETUP_PACKET_INIT_VENDOR(PWDF_USB_CONTROL_SETUP_PACKET Packet,
					 WDF_USB_BMREQUEST_DIRECTION Direction,
					 WDF_USB_BMREQUEST_RECIPIENT Recipient, BYTE Request,
					 USHORT Value, USHORT Index)
{
	WDF_USB_CONTROL_SETUP_PACKET_INIT_TYPED(Packet, Direction, BmRequestVendor,
						Recipient, Request, Value, Index);
}

FORCEINLINE VOID
WDF_USB_CONTROL_SETUP_PACKET_INIT_FEATURE(PWDF_USB_CONTROL_SETUP_PACKET Packet,
					  WDF_USB_BMREQUEST_RECIPIENT BmRequestRecipient,
					  USHORT FeatureSelector, USHORT Index,
					  BOOLEAN SetFeature)
{
	WDF_USB_CONTROL_SETUP_PACKET_INIT_TYPED(Packet, BmRequestHostToDevice,
						BmRequestStandard, BmRequestRecipient,
						SetFeature ? USB_REQUEST_SET_FEATURE :
							     USB_REQUEST_CLEAR_FEATURE,
						FeatureSelector, Index);
}

FORCEINLINE VOID
WDF_USB_CONTROL_SETUP_PACKET_INIT_GET_STATUS(PWDF_USB_CONTROL_SETUP_PACKET Packet,
					     WDF_USB_BMREQUEST_RECIPIENT BmRequestRecipient,
					     USHORT Index)
{
	WDF_USB_CONTROL_SETUP_PACKET_INIT_TYPED(Packet, BmRequestDeviceToHost,
						BmRequestStandard, BmRequestRecipient,
						USB_REQUEST_GET_STATUS, 0, Index);
}

/* Parameters.Usb.Completion of a USB request's WDF_REQUEST_COMPLETION_PARAMS */
typedef struct _WDF_USB_REQUEST_COMPLETION_PARAMS {
	USBD_STATUS UsbdStatus;
	WDF_USB_REQUEST_TYPE Type;
	union {
		struct {
			WDFMEMORY Buffer;
			USHORT LangID;
			UCHAR StringIndex;
			UCHAR RequiredSize;
		} DeviceString;
		struct {
			WDFMEMORY Buffer;
			WDF_USB_CONTROL_SETUP_PACKET SetupPacket;
			ULONG Length;
		} DeviceControlTransfer;
		struct {
			WDFMEMORY Buffer;
		} DeviceUrb;
		struct {
			WDFMEMORY Buffer;
			size_t Length;
			size_t Offset;
		} PipeWrite;
		struct {
			WDFMEMORY Buffer;
			size_t Length;
			size_t Offset;
		} PipeRead;
		struct {
			WDFMEMORY Buffer;
		} PipeUrb;
	} Parameters;
} WDF_USB_REQUEST_COMPLETION_PARAMS, *PWDF_USB_REQUEST_COMPLETION_PARAMS;

static_assert(sizeof(WDF_USB_REQUEST_COMPLETION_PARAMS) == 32);
static_assert(offsetof(WDF_USB_REQUEST_COMPLETION_PARAMS, Parameters) == 8);
static_assert(offsetof(WDF_USB_REQUEST_COMPLETION_PARAMS,
		       Parameters.DeviceControlTransfer.Length) == 24);

/* A continuous reader's buffer is done; runs where the read completed (must not sleep) */
typedef VOID EVT_WDF_USB_READER_COMPLETION_ROUTINE(WDFUSBPIPE Pipe, WDFMEMORY Buffer,
						   size_t NumBytesTransferred,
						   WDFCONTEXT Context);
typedef EVT_WDF_USB_READER_COMPLETION_ROUTINE *PFN_WDF_USB_READER_COMPLETION_ROUTINE;

/* A continuous reader failed; process context. TRUE: reset the pipe and restart */
typedef BOOLEAN EVT_WDF_USB_READERS_FAILED(WDFUSBPIPE Pipe, NTSTATUS Status,
					   USBD_STATUS UsbdStatus);
typedef EVT_WDF_USB_READERS_FAILED *PFN_WDF_USB_READERS_FAILED;

typedef struct _WDF_USB_CONTINUOUS_READER_CONFIG {
	ULONG Size;
	size_t TransferLength;
	size_t HeaderLength;
	size_t TrailerLength;
	UCHAR NumPendingReads;
	PWDF_OBJECT_ATTRIBUTES BufferAttributes;
	PFN_WDF_USB_READER_COMPLETION_ROUTINE EvtUsbTargetPipeReadComplete;
	WDFCONTEXT EvtUsbTargetPipeReadCompleteContext;
	PFN_WDF_USB_READERS_FAILED EvtUsbTargetPipeReadersFailed;
} WDF_USB_CONTINUOUS_READER_CONFIG, *PWDF_USB_CONTINUOUS_READER_CONFIG;

static_assert(sizeof(WDF_USB_CONTINUOUS_READER_CONFIG) == 72);
static_assert(offsetof(WDF_USB_CONTINUOUS_READER_CONFIG, NumPendingReads) == 32);
static_assert(offsetof(WDF_USB_CONTINUOUS_READER_CONFIG, EvtUsbTargetPipeReadersFailed) == 64);

FORCEINLINE VOID
WDF_USB_CONTINUOUS_READER_CONFIG_INIT(PWDF_USB_CONTINUOUS_READER_CONFIG Config,
				      PFN_WDF_USB_READER_COMPLETION_ROUTINE EvtUsbTargetPipeReadComplete,
				      WDFCONTEXT EvtUsbTargetPipeReadCompleteContext,
				      size_t TransferLength)
{
	RtlZeroMemory(Config, sizeof(WDF_USB_CONTINUOUS_READER_CONFIG));
	Config->Size = WDF_STRUCTURE_SIZE(WDF_USB_CONTINUOUS_READER_CONFIG);
	Config->EvtUsbTargetPipeReadComplete = EvtUsbTargetPipeReadComplete;
	Config->EvtUsbTargetPipeReadCompleteContext = EvtUsbTargetPipeReadCompleteContext;
	Config->TransferLength = TransferLength;
}

FORCEINLINE WDFIOTARGET WdfUsbTargetDeviceGetIoTarget(WDFUSBDEVICE UsbDevice)
{
	return (WDFIOTARGET)UsbDevice;
}

typedef struct _WDF_USB_DEVICE_INFORMATION {
	ULONG Size;
	USBD_VERSION_INFORMATION UsbdVersionInformation;
	ULONG HcdPortCapabilities;
	ULONG Traits;
} WDF_USB_DEVICE_INFORMATION, *PWDF_USB_DEVICE_INFORMATION;

static_assert(sizeof(WDF_USB_DEVICE_INFORMATION) == 20);

FORCEINLINE VOID WDF_USB_DEVICE_INFORMATION_INIT(PWDF_USB_DEVICE_INFORMATION Udi)
{
	RtlZeroMemory(Udi, sizeof(WDF_USB_DEVICE_INFORMATION));
	Udi->Size = WDF_STRUCTURE_SIZE(WDF_USB_DEVICE_INFORMATION);
}

typedef struct _WDF_USB_INTERFACE_SETTING_PAIR {
	WDFUSBINTERFACE UsbInterface;
	UCHAR SettingIndex;
} WDF_USB_INTERFACE_SETTING_PAIR, *PWDF_USB_INTERFACE_SETTING_PAIR;

static_assert(sizeof(WDF_USB_INTERFACE_SETTING_PAIR) == 16);

typedef struct _WDF_USB_DEVICE_SELECT_CONFIG_PARAMS {
	ULONG Size;
	WdfUsbTargetDeviceSelectConfigType Type;
	union {
		struct {
			PUSB_CONFIGURATION_DESCRIPTOR ConfigurationDescriptor;
			PUSB_INTERFACE_DESCRIPTOR *InterfaceDescriptors;
			ULONG NumInterfaceDescriptors;
		} Descriptor;
		struct {
			PURB Urb;
		} Urb;
		struct {
			UCHAR NumberConfiguredPipes;
			WDFUSBINTERFACE ConfiguredUsbInterface;
		} SingleInterface;
		struct {
			UCHAR NumberInterfaces;
			PWDF_USB_INTERFACE_SETTING_PAIR Pairs;
			UCHAR NumberOfConfiguredInterfaces;
		} MultiInterface;
	} Types;
} WDF_USB_DEVICE_SELECT_CONFIG_PARAMS, *PWDF_USB_DEVICE_SELECT_CONFIG_PARAMS;

static_assert(sizeof(WDF_USB_DEVICE_SELECT_CONFIG_PARAMS) == 32);
static_assert(offsetof(WDF_USB_DEVICE_SELECT_CONFIG_PARAMS,
		       Types.SingleInterface.ConfiguredUsbInterface) == 16);
static_assert(offsetof(WDF_USB_DEVICE_SELECT_CONFIG_PARAMS,
		       Types.MultiInterface.NumberOfConfiguredInterfaces) == 24);

FORCEINLINE VOID
WDF_USB_DEVICE_SELECT_CONFIG_PARAMS_INIT_SINGLE_INTERFACE(PWDF_USB_DEVICE_SELECT_CONFIG_PARAMS Params)
{
	RtlZeroMemory(Params, sizeof(WDF_USB_DEVICE_SELECT_CONFIG_PARAMS));
	Params->Size = WDF_STRUCTURE_SIZE(WDF_USB_DEVICE_SELECT_CONFIG_PARAMS);
	Params->Type = WdfUsbTargetDeviceSelectConfigTypeSingleInterface;
}

FORCEINLINE VOID
WDF_USB_DEVICE_SELECT_CONFIG_PARAMS_INIT_MULTIPLE_INTERFACES(PWDF_USB_DEVICE_SELECT_CONFIG_PARAMS Params,
							     UCHAR NumberInterfaces,
							     PWDF_USB_INTERFACE_SETTING_PAIR SettingPairs)
{
	RtlZeroMemory(Params, sizeof(WDF_USB_DEVICE_SELECT_CONFIG_PARAMS));
	Params->Size = WDF_STRUCTURE_SIZE(WDF_USB_DEVICE_SELECT_CONFIG_PARAMS);
	if (SettingPairs && NumberInterfaces) {
		Params->Type = WdfUsbTargetDeviceSelectConfigTypeInterfacesPairs;
		Params->Types.MultiInterface.NumberInterfaces = NumberInterfaces;
		Params->Types.MultiInterface.Pairs = SettingPairs;
	} else {
		Params->Type = WdfUsbTargetDeviceSelectConfigTypeMultiInterface;
	}
}

FORCEINLINE VOID
WDF_USB_DEVICE_SELECT_CONFIG_PARAMS_INIT_DECONFIG(PWDF_USB_DEVICE_SELECT_CONFIG_PARAMS Params)
{
	RtlZeroMemory(Params, sizeof(WDF_USB_DEVICE_SELECT_CONFIG_PARAMS));
	Params->Size = WDF_STRUCTURE_SIZE(WDF_USB_DEVICE_SELECT_CONFIG_PARAMS);
	Params->Type = WdfUsbTargetDeviceSelectConfigTypeDeconfig;
}

typedef struct _WDF_USB_INTERFACE_SELECT_SETTING_PARAMS {
	ULONG Size;
	WdfUsbTargetDeviceSelectSettingType Type;
	union {
		struct {
			PUSB_INTERFACE_DESCRIPTOR InterfaceDescriptor;
		} Descriptor;
		struct {
			UCHAR SettingIndex;
		} Interface;
		struct {
			PURB Urb;
		} Urb;
	} Types;
} WDF_USB_INTERFACE_SELECT_SETTING_PARAMS, *PWDF_USB_INTERFACE_SELECT_SETTING_PARAMS;

static_assert(sizeof(WDF_USB_INTERFACE_SELECT_SETTING_PARAMS) == 16);

FORCEINLINE VOID
WDF_USB_INTERFACE_SELECT_SETTING_PARAMS_INIT_DESCRIPTOR(PWDF_USB_INTERFACE_SELECT_SETTING_PARAMS Params,
							PUSB_INTERFACE_DESCRIPTOR Interface)
{
	RtlZeroMemory(Params, sizeof(WDF_USB_INTERFACE_SELECT_SETTING_PARAMS));
	Params->Size = WDF_STRUCTURE_SIZE(WDF_USB_INTERFACE_SELECT_SETTING_PARAMS);
	Params->Type = WdfUsbInterfaceSelectSettingTypeDescriptor;
	Params->Types.Descriptor.InterfaceDescriptor = Interface;
}

FORCEINLINE VOID
WDF_USB_INTERFACE_SELECT_SETTING_PARAMS_INIT_SETTING(PWDF_USB_INTERFACE_SELECT_SETTING_PARAMS Params,
						     UCHAR SettingIndex)
{
	RtlZeroMemory(Params, sizeof(WDF_USB_INTERFACE_SELECT_SETTING_PARAMS));
	Params->Size = WDF_STRUCTURE_SIZE(WDF_USB_INTERFACE_SELECT_SETTING_PARAMS);
	Params->Type = WdfUsbInterfaceSelectSettingTypeSetting;
	Params->Types.Interface.SettingIndex = SettingIndex;
}

FORCEINLINE WDFIOTARGET WdfUsbTargetPipeGetIoTarget(WDFUSBPIPE Pipe)
{
	return (WDFIOTARGET)Pipe;
}

typedef struct _WDF_USB_PIPE_INFORMATION {
	ULONG Size;
	ULONG MaximumPacketSize;
	UCHAR EndpointAddress;
	UCHAR Interval;
	UCHAR SettingIndex;
	WDF_USB_PIPE_TYPE PipeType;
	ULONG MaximumTransferSize;
} WDF_USB_PIPE_INFORMATION, *PWDF_USB_PIPE_INFORMATION;

static_assert(sizeof(WDF_USB_PIPE_INFORMATION) == 20);
static_assert(offsetof(WDF_USB_PIPE_INFORMATION, PipeType) == 12);

FORCEINLINE VOID WDF_USB_PIPE_INFORMATION_INIT(PWDF_USB_PIPE_INFORMATION Info)
{
	RtlZeroMemory(Info, sizeof(WDF_USB_PIPE_INFORMATION));
	Info->Size = WDF_STRUCTURE_SIZE(WDF_USB_PIPE_INFORMATION);
}

FORCEINLINE BOOLEAN WDF_USB_PIPE_DIRECTION_IN(UCHAR EndpointAddress)
{
	return (EndpointAddress & USB_ENDPOINT_DIRECTION_MASK) ? TRUE : FALSE;
}

FORCEINLINE BOOLEAN WDF_USB_PIPE_DIRECTION_OUT(UCHAR EndpointAddress)
{
	return (EndpointAddress & USB_ENDPOINT_DIRECTION_MASK) ? FALSE : TRUE;
}

typedef struct _WDF_USB_DEVICE_CREATE_CONFIG {
	ULONG Size;
	ULONG USBDClientContractVersion;
} WDF_USB_DEVICE_CREATE_CONFIG, *PWDF_USB_DEVICE_CREATE_CONFIG;

static_assert(sizeof(WDF_USB_DEVICE_CREATE_CONFIG) == 8);

FORCEINLINE VOID WDF_USB_DEVICE_CREATE_CONFIG_INIT(PWDF_USB_DEVICE_CREATE_CONFIG Config,
						   ULONG USBDClientContractVersion)
{
	RtlZeroMemory(Config, sizeof(WDF_USB_DEVICE_CREATE_CONFIG));
	Config->Size = WDF_STRUCTURE_SIZE(WDF_USB_DEVICE_CREATE_CONFIG);
	Config->USBDClientContractVersion = USBDClientContractVersion;
}

/* USB device */
NTSTATUS WdfUsbTargetDeviceCreate(WDFDEVICE Device, PWDF_OBJECT_ATTRIBUTES Attributes,
				  WDFUSBDEVICE *UsbDevice);
NTSTATUS WdfUsbTargetDeviceCreateWithParameters(WDFDEVICE Device,
						PWDF_USB_DEVICE_CREATE_CONFIG Config,
						PWDF_OBJECT_ATTRIBUTES Attributes,
						WDFUSBDEVICE *UsbDevice);
NTSTATUS WdfUsbTargetDeviceRetrieveInformation(WDFUSBDEVICE UsbDevice,
					       PWDF_USB_DEVICE_INFORMATION Information);
VOID WdfUsbTargetDeviceGetDeviceDescriptor(WDFUSBDEVICE UsbDevice,
					   PUSB_DEVICE_DESCRIPTOR UsbDeviceDescriptor);
NTSTATUS WdfUsbTargetDeviceRetrieveConfigDescriptor(WDFUSBDEVICE UsbDevice,
						    PVOID ConfigDescriptor,
						    PUSHORT ConfigDescriptorLength);
NTSTATUS WdfUsbTargetDeviceSelectConfig(WDFUSBDEVICE UsbDevice,
					PWDF_OBJECT_ATTRIBUTES PipeAttributes,
					PWDF_USB_DEVICE_SELECT_CONFIG_PARAMS Params);
UCHAR WdfUsbTargetDeviceGetNumInterfaces(WDFUSBDEVICE UsbDevice);
WDFUSBINTERFACE WdfUsbTargetDeviceGetInterface(WDFUSBDEVICE UsbDevice, UCHAR InterfaceIndex);
NTSTATUS WdfUsbTargetDeviceIsConnectedSynchronous(WDFUSBDEVICE UsbDevice);
NTSTATUS WdfUsbTargetDeviceResetPortSynchronously(WDFUSBDEVICE UsbDevice);
NTSTATUS
WdfUsbTargetDeviceFormatRequestForControlTransfer(WDFUSBDEVICE UsbDevice, WDFREQUEST Request,
						  PWDF_USB_CONTROL_SETUP_PACKET SetupPacket,
						  WDFMEMORY TransferMemory,
						  PWDFMEMORY_OFFSET TransferOffset);
NTSTATUS
WdfUsbTargetDeviceSendControlTransferSynchronously(WDFUSBDEVICE UsbDevice, WDFREQUEST Request,
						   PWDF_REQUEST_SEND_OPTIONS RequestOptions,
						   PWDF_USB_CONTROL_SETUP_PACKET SetupPacket,
						   PWDF_MEMORY_DESCRIPTOR MemoryDescriptor,
						   PULONG BytesTransferred);

/* Interfaces */
BYTE WdfUsbInterfaceGetInterfaceNumber(WDFUSBINTERFACE UsbInterface);
BYTE WdfUsbInterfaceGetNumEndpoints(WDFUSBINTERFACE UsbInterface, UCHAR SettingIndex);
VOID WdfUsbInterfaceGetDescriptor(WDFUSBINTERFACE UsbInterface, UCHAR SettingIndex,
				  PUSB_INTERFACE_DESCRIPTOR InterfaceDescriptor);
BYTE WdfUsbInterfaceGetNumSettings(WDFUSBINTERFACE UsbInterface);
VOID WdfUsbInterfaceGetEndpointInformation(WDFUSBINTERFACE UsbInterface, UCHAR SettingIndex,
					   UCHAR EndpointIndex,
					   PWDF_USB_PIPE_INFORMATION EndpointInfo);
NTSTATUS WdfUsbInterfaceSelectSetting(WDFUSBINTERFACE UsbInterface,
				      PWDF_OBJECT_ATTRIBUTES PipesAttributes,
				      PWDF_USB_INTERFACE_SELECT_SETTING_PARAMS Params);
BYTE WdfUsbInterfaceGetConfiguredSettingIndex(WDFUSBINTERFACE Interface);
BYTE WdfUsbInterfaceGetNumConfiguredPipes(WDFUSBINTERFACE UsbInterface);
WDFUSBPIPE WdfUsbInterfaceGetConfiguredPipe(WDFUSBINTERFACE UsbInterface, UCHAR PipeIndex,
					    PWDF_USB_PIPE_INFORMATION PipeInfo);

/* Pipes */
VOID WdfUsbTargetPipeGetInformation(WDFUSBPIPE Pipe, PWDF_USB_PIPE_INFORMATION PipeInformation);
BOOLEAN WdfUsbTargetPipeIsInEndpoint(WDFUSBPIPE Pipe);
BOOLEAN WdfUsbTargetPipeIsOutEndpoint(WDFUSBPIPE Pipe);
WDF_USB_PIPE_TYPE WdfUsbTargetPipeGetType(WDFUSBPIPE Pipe);
VOID WdfUsbTargetPipeSetNoMaximumPacketSizeCheck(WDFUSBPIPE Pipe);
NTSTATUS WdfUsbTargetPipeWriteSynchronously(WDFUSBPIPE Pipe, WDFREQUEST Request,
					    PWDF_REQUEST_SEND_OPTIONS RequestOptions,
					    PWDF_MEMORY_DESCRIPTOR MemoryDescriptor,
					    PULONG BytesWritten);
NTSTATUS WdfUsbTargetPipeFormatRequestForWrite(WDFUSBPIPE Pipe, WDFREQUEST Request,
					       WDFMEMORY WriteMemory,
					       PWDFMEMORY_OFFSET WriteOffset);
NTSTATUS WdfUsbTargetPipeReadSynchronously(WDFUSBPIPE Pipe, WDFREQUEST Request,
					   PWDF_REQUEST_SEND_OPTIONS RequestOptions,
					   PWDF_MEMORY_DESCRIPTOR MemoryDescriptor,
					   PULONG BytesRead);
NTSTATUS WdfUsbTargetPipeFormatRequestForRead(WDFUSBPIPE Pipe, WDFREQUEST Request,
					      WDFMEMORY ReadMemory, PWDFMEMORY_OFFSET ReadOffset);
NTSTATUS WdfUsbTargetPipeConfigContinuousReader(WDFUSBPIPE Pipe,
						PWDF_USB_CONTINUOUS_READER_CONFIG Config);
NTSTATUS WdfUsbTargetPipeAbortSynchronously(WDFUSBPIPE Pipe, WDFREQUEST Request,
					    PWDF_REQUEST_SEND_OPTIONS RequestOptions);
NTSTATUS WdfUsbTargetPipeFormatRequestForAbort(WDFUSBPIPE Pipe, WDFREQUEST Request);
NTSTATUS WdfUsbTargetPipeResetSynchronously(WDFUSBPIPE Pipe, WDFREQUEST Request,
					    PWDF_REQUEST_SEND_OPTIONS RequestOptions);
NTSTATUS WdfUsbTargetPipeFormatRequestForReset(WDFUSBPIPE Pipe, WDFREQUEST Request);

#include <wdflinux.h>

#endif /* _WDFIO_WDFUSB_H */
