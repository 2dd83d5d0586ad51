// SPDX-License-Identifier: GPL-2.0
/*
 * UNICODE_STRING (counted UTF-16LE, as in WDF) to a NUL-terminated UTF-8
 * string, for device paths.
 */
#include "wdfio.h"

#include <linux/limits.h>
#include <linux/slab.h>

static int wdfio_put_utf8(char *out, u32 c)
{
	if (c < 0x80) {
		out[0] = c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = 0xc0 | (c >> 6);
		out[1] = 0x80 | (c & 0x3f);
		return 2;
	}
	if (c < 0x10000) {
		out[0] = 0xe0 | (c >> 12);
		out[1] = 0x80 | ((c >> 6) & 0x3f);
		out[2] = 0x80 | (c & 0x3f);
		return 3;
	}
	out[0] = 0xf0 | (c >> 18);
	out[1] = 0x80 | ((c >> 12) & 0x3f);
	out[2] = 0x80 | ((c >> 6) & 0x3f);
	out[3] = 0x80 | (c & 0x3f);
	return 4;
}

/**
 * wdfio_unicode_to_utf8() - convert a device name
 * @us: the counted UTF-16 string (Length in bytes, as in WDF)
 * @gfp: allocation flags
 * @status: receives the failure status
 *
 * Context: Any context; @gfp must suit it.
 * Return: a kmalloc'ed UTF-8 string, or NULL with *@status set to
 * STATUS_OBJECT_NAME_INVALID (empty, odd length, embedded NUL, unpaired
 * surrogate, longer than PATH_MAX) or STATUS_INSUFFICIENT_RESOURCES.
 */
char *wdfio_unicode_to_utf8(PCUNICODE_STRING us, gfp_t gfp, NTSTATUS *status)
{
	size_t n, i, o = 0;
	char *out;

	*status = STATUS_OBJECT_NAME_INVALID;
	if (!us || !us->Buffer || !us->Length || (us->Length & 1))
		return NULL;
	n = us->Length / sizeof(WCHAR);
	/* Each UTF-16 unit becomes at most 3 bytes (a pair: 4 for 2 units). */
	if (n * 3 + 1 > PATH_MAX)
		return NULL;
	out = kmalloc(n * 3 + 1, gfp);
	if (!out) {
		*status = STATUS_INSUFFICIENT_RESOURCES;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		u32 c = us->Buffer[i];

		if (c >= 0xd800 && c < 0xdc00) {
			u32 lo = i + 1 < n ? us->Buffer[i + 1] : 0;

			if (lo < 0xdc00 || lo >= 0xe000)
				goto out_invalid;
			c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			i++;
		} else if (c >= 0xdc00 && c < 0xe000) {
			goto out_invalid;
		} else if (!c) {
			goto out_invalid;
		}
		o += wdfio_put_utf8(out + o, c);
	}
	out[o] = '\0';
	*status = STATUS_SUCCESS;
	return out;

out_invalid:
	kfree(out);
	return NULL;
}
