/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * WDF basic types: object handles and shared enumerations (KMDF 1.33 wdftypes.h).
 */
#ifndef _WDFIO_WDFTYPES_H
#define _WDFIO_WDFTYPES_H

#include <ntddk.h>

#ifndef WDF_EXTERN_C
#define WDF_EXTERN_C
#define WDF_EXTERN_C_START
#define WDF_EXTERN_C_END
#endif

/* wdfio exports the DDIs as plain functions; there is no function table */
#define WDFAPI

#ifndef __WDF_BYTE_DEFINED__
#define __WDF_BYTE_DEFINED__
typedef UCHAR BYTE;
#endif

/* Size of a WDF structure as the driver sees it (every field is always available) */
#define WDF_STRUCTURE_SIZE(StructName)	((ULONG)sizeof(StructName))

/* Never add a value here: WdfFalse/WdfTrue must stay interchangeable with FALSE/TRUE */
typedef enum _WDF_TRI_STATE {
	WdfFalse = FALSE,
	WdfTrue = TRUE,
	WdfUseDefault = 2,
} WDF_TRI_STATE, *PWDF_TRI_STATE;

typedef size_t *WDF_STRUCT_INFO;

/* Untyped driver context passed back to callbacks */
typedef PVOID WDFCONTEXT;

#define WDF_NULL_POINTER	NULL

typedef struct WDFDEVICE_INIT *PWDFDEVICE_INIT;
typedef struct WDFCXDEVICE_INIT *PWDFCXDEVICE_INIT;

typedef struct _WDF_OBJECT_ATTRIBUTES *PWDF_OBJECT_ATTRIBUTES;

#define WDF_NO_OBJECT_ATTRIBUTES	WDF_NULL_POINTER
#define WDF_NO_EVENT_CALLBACK		WDF_NULL_POINTER
#define WDF_NO_HANDLE			WDF_NULL_POINTER
#define WDF_NO_CONTEXT			WDF_NULL_POINTER
#define WDF_NO_SEND_OPTIONS		WDF_NULL_POINTER

/*
 * The generic handle is untyped (void *), so any WDFxxx handle converts to it without a
 * cast, e.g. WdfObjectDelete(Request). Each specific handle below is a pointer to its own
 * incomplete structure, so handles of different kinds do not convert into each other.
 */
typedef HANDLE WDFOBJECT, *PWDFOBJECT;

/* Core objects */
typedef struct WDFDRIVER__ *WDFDRIVER;
typedef struct WDFDEVICE__ *WDFDEVICE;
typedef struct WDFWMIPROVIDER__ *WDFWMIPROVIDER;
typedef struct WDFWMIINSTANCE__ *WDFWMIINSTANCE;
typedef struct WDFQUEUE__ *WDFQUEUE;
typedef struct WDFREQUEST__ *WDFREQUEST;
typedef struct WDFFILEOBJECT__ *WDFFILEOBJECT;
typedef struct WDFDPC__ *WDFDPC;
typedef struct WDFTIMER__ *WDFTIMER;
typedef struct WDFWORKITEM__ *WDFWORKITEM;
typedef struct WDFINTERRUPT__ *WDFINTERRUPT;

/* Synchronization */
typedef struct WDFWAITLOCK__ *WDFWAITLOCK;
typedef struct WDFSPINLOCK__ *WDFSPINLOCK;

/* Memory */
typedef struct WDFMEMORY__ *WDFMEMORY;
typedef struct WDFLOOKASIDE__ *WDFLOOKASIDE;

/* I/O targets */
typedef struct WDFIOTARGET__ *WDFIOTARGET;
typedef struct WDFUSBDEVICE__ *WDFUSBDEVICE;
typedef struct WDFUSBINTERFACE__ *WDFUSBINTERFACE;
typedef struct WDFUSBPIPE__ *WDFUSBPIPE;

/* DMA */
typedef struct WDFDMAENABLER__ *WDFDMAENABLER;
typedef struct WDFDMATRANSACTION__ *WDFDMATRANSACTION;
typedef struct WDFCOMMONBUFFER__ *WDFCOMMONBUFFER;

/* Support objects */
typedef struct WDFKEY__ *WDFKEY;
typedef struct WDFSTRING__ *WDFSTRING;
typedef struct WDFCOLLECTION__ *WDFCOLLECTION;
typedef struct WDFCHILDLIST__ *WDFCHILDLIST;
typedef struct WDFIORESREQLIST__ *WDFIORESREQLIST;
typedef struct WDFIORESLIST__ *WDFIORESLIST;
typedef struct WDFCMRESLIST__ *WDFCMRESLIST;
typedef struct WDFCOMPANIONTARGET__ *WDFCOMPANIONTARGET;

#endif /* _WDFIO_WDFTYPES_H */
