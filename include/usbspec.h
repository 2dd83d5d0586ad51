/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * USB 2.0 chapter 9 definitions with their Windows names (the usbspec.h subset that
 * WDF USB drivers use). Descriptors are packed, little-endian wire layouts, as on Windows.
 */
#ifndef _WDFIO_USBSPEC_H
#define _WDFIO_USBSPEC_H

#include <ntddk.h>

/* bRequest of the standard requests */
#define USB_REQUEST_GET_STATUS			0x00
#define USB_REQUEST_CLEAR_FEATURE		0x01
#define USB_REQUEST_SET_FEATURE			0x03
#define USB_REQUEST_SET_ADDRESS			0x05
#define USB_REQUEST_GET_DESCRIPTOR		0x06
#define USB_REQUEST_SET_DESCRIPTOR		0x07
#define USB_REQUEST_GET_CONFIGURATION		0x08
#define USB_REQUEST_SET_CONFIGURATION		0x09
#define USB_REQUEST_GET_INTERFACE		0x0A
#define USB_REQUEST_SET_INTERFACE		0x0B
#define USB_REQUEST_SYNC_FRAME			0x0C

/* bDescriptorType values */
#define USB_DEVICE_DESCRIPTOR_TYPE		0x01
#define USB_CONFIGURATION_DESCRIPTOR_TYPE	0x02
#define USB_STRING_DESCRIPTOR_TYPE		0x03
#define USB_INTERFACE_DESCRIPTOR_TYPE		0x04
#define USB_ENDPOINT_DESCRIPTOR_TYPE		0x05

/* wValue of GET_DESCRIPTOR: type in the high byte, index in the low byte */
#define USB_DESCRIPTOR_MAKE_TYPE_AND_INDEX(d, i)	((USHORT)((USHORT)(d) << 8 | (i)))

/* Feature selectors */
#define USB_FEATURE_ENDPOINT_STALL		0x0000
#define USB_FEATURE_REMOTE_WAKEUP		0x0001

/* bEndpointAddress and bmAttributes of an endpoint */
#define USB_ENDPOINT_DIRECTION_MASK		0x80
#define USB_ENDPOINT_ADDRESS_MASK		0x0F
#define USB_ENDPOINT_DIRECTION_OUT(addr)	(!((addr) & USB_ENDPOINT_DIRECTION_MASK))
#define USB_ENDPOINT_DIRECTION_IN(addr)		((addr) & USB_ENDPOINT_DIRECTION_MASK)
#define USB_ENDPOINT_TYPE_MASK			0x03
#define USB_ENDPOINT_TYPE_CONTROL		0x00
#define USB_ENDPOINT_TYPE_ISOCHRONOUS		0x01
#define USB_ENDPOINT_TYPE_BULK			0x02
#define USB_ENDPOINT_TYPE_INTERRUPT		0x03

/* bmAttributes of a configuration */
#define USB_CONFIG_POWERED_MASK			0xC0
#define USB_CONFIG_BUS_POWERED			0x80
#define USB_CONFIG_SELF_POWERED			0x40
#define USB_CONFIG_REMOTE_WAKEUP		0x20

/* Bits of the GET_STATUS(device) answer */
#define USB_GETSTATUS_SELF_POWERED		0x01
#define USB_GETSTATUS_REMOTE_WAKEUP_ENABLED	0x02

typedef struct _USB_DEVICE_DESCRIPTOR {
	UCHAR bLength;
	UCHAR bDescriptorType;
	USHORT bcdUSB;
	UCHAR bDeviceClass;
	UCHAR bDeviceSubClass;
	UCHAR bDeviceProtocol;
	UCHAR bMaxPacketSize0;
	USHORT idVendor;
	USHORT idProduct;
	USHORT bcdDevice;
	UCHAR iManufacturer;
	UCHAR iProduct;
	UCHAR iSerialNumber;
	UCHAR bNumConfigurations;
} __packed USB_DEVICE_DESCRIPTOR, *PUSB_DEVICE_DESCRIPTOR;

static_assert(sizeof(USB_DEVICE_DESCRIPTOR) == 18);
static_assert(offsetof(USB_DEVICE_DESCRIPTOR, idVendor) == 8);

typedef struct _USB_CONFIGURATION_DESCRIPTOR {
	UCHAR bLength;
	UCHAR bDescriptorType;
	USHORT wTotalLength;
	UCHAR bNumInterfaces;
	UCHAR bConfigurationValue;
	UCHAR iConfiguration;
	UCHAR bmAttributes;
	UCHAR MaxPower;
} __packed USB_CONFIGURATION_DESCRIPTOR, *PUSB_CONFIGURATION_DESCRIPTOR;

static_assert(sizeof(USB_CONFIGURATION_DESCRIPTOR) == 9);

typedef struct _USB_INTERFACE_DESCRIPTOR {
	UCHAR bLength;
	UCHAR bDescriptorType;
	UCHAR bInterfaceNumber;
	UCHAR bAlternateSetting;
	UCHAR bNumEndpoints;
	UCHAR bInterfaceClass;
	UCHAR bInterfaceSubClass;
	UCHAR bInterfaceProtocol;
	UCHAR iInterface;
} __packed USB_INTERFACE_DESCRIPTOR, *PUSB_INTERFACE_DESCRIPTOR;

static_assert(sizeof(USB_INTERFACE_DESCRIPTOR) == 9);

typedef struct _USB_ENDPOINT_DESCRIPTOR {
	UCHAR bLength;
	UCHAR bDescriptorType;
	UCHAR bEndpointAddress;
	UCHAR bmAttributes;
	USHORT wMaxPacketSize;
	UCHAR bInterval;
} __packed USB_ENDPOINT_DESCRIPTOR, *PUSB_ENDPOINT_DESCRIPTOR;

static_assert(sizeof(USB_ENDPOINT_DESCRIPTOR) == 7);

typedef struct _USB_STRING_DESCRIPTOR {
	UCHAR bLength;
	UCHAR bDescriptorType;
	WCHAR bString[1];
} __packed USB_STRING_DESCRIPTOR, *PUSB_STRING_DESCRIPTOR;

typedef struct _USB_COMMON_DESCRIPTOR {
	UCHAR bLength;
	UCHAR bDescriptorType;
} __packed USB_COMMON_DESCRIPTOR, *PUSB_COMMON_DESCRIPTOR;

#endif /* _WDFIO_USBSPEC_H */
