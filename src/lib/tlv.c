/*
 * tlv.c - the tag, LEB128 length, value fields that every record kind's
 * payload is made of (docs/FORMAT.md), and strict UTF-8 checking.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tlv.h"
#include "banned.h"

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
int tlv_utf8_valid(const uint8_t *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		/* Eight ASCII bytes at a time: no high bit and no NUL byte. */
		if (n - i >= 8) {
			uint64_t w;
			memcpy(&w, s + i, 8);
			uint64_t zero = (w - 0x0101010101010101ULL) & ~w &
			                0x8080808080808080ULL;
			if (!(w & 0x8080808080808080ULL) && !zero) {
				i += 8;
				continue;
			}
		}
		uint8_t c = s[i];
		size_t len;
		uint32_t cp, min;
		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			len = 2, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4, cp = c & 0x07, min = 0x10000;
		} else {
			return 0;
		}
		if (n - i < len)
			return 0;
		for (size_t k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

void tlv_put_bytes(struct tlv_out *o, const void *b, size_t n)
{
	if (o->p)
		memcpy(o->p + o->len, b, n);
	o->len += n;
}

void tlv_put_field(struct tlv_out *o, uint8_t tag, const void *v, size_t n)
{
	uint8_t hdr[1 + 5];
	size_t h = 0;
	hdr[h++] = tag;
	size_t x = n;
	do {
		uint8_t b = x & 0x7f;
		x >>= 7;
		hdr[h++] = (uint8_t)(b | (x ? 0x80 : 0));
	} while (x);
	tlv_put_bytes(o, hdr, h);
	tlv_put_bytes(o, v, n);
}

void tlv_put_str(struct tlv_out *o, uint8_t tag, const char *s)
{
	if (s)
		tlv_put_field(o, tag, s, strlen(s));
}

void tlv_put_i64(struct tlv_out *o, uint8_t tag, int64_t v)
{
	uint8_t b[8];
	put_le64(b, (uint64_t)v);
	tlv_put_field(o, tag, b, sizeof(b));
}

char *tlv_dup_str(const uint8_t *v, size_t n)
{
	if (!tlv_utf8_valid(v, n))
		return NULL;
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, v, n);
		s[n] = '\0';
	}
	return s;
}

int tlv_next(const uint8_t *buf, size_t len, size_t *pos, uint8_t *tag,
             const uint8_t **v, size_t *n)
{
	size_t i = *pos;
	if (i >= len)
		return 0;
	*tag = buf[i++];
	size_t x = 0;
	unsigned shift = 0;
	for (;;) {
		if (i >= len || shift > 28)
			return -1;
		uint8_t b = buf[i++];
		x |= (size_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80)) {
			if (b == 0 && shift > 7)
				return -1; /* not the shortest form */
			break;
		}
	}
	if (x > len - i || x >= TLV_MAX_FIELD)
		return -1;
	*v = buf + i;
	*n = x;
	*pos = i + x;
	return 1;
}

/* ---- what every record codec shares ---- */

void tlv_wipe_str(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

int tlv_str_ok(const char *s)
{
	return !s || (strlen(s) < TLV_MAX_FIELD &&
	              tlv_utf8_valid((const uint8_t *)s, strlen(s)));
}

void tlv_put_u32(struct tlv_out *o, uint8_t tag, uint32_t v)
{
	uint8_t b[4];
	put_le32(b, v);
	tlv_put_field(o, tag, b, sizeof(b));
}

void tlv_put_u8(struct tlv_out *o, uint8_t tag, uint8_t v)
{
	tlv_put_field(o, tag, &v, 1);
}

int tlv_set_once(char **slot, const uint8_t *v, size_t n)
{
	if (*slot)
		return -1;
	*slot = tlv_dup_str(v, n);
	return *slot ? 0 : -1;
}

int tlv_set_u32(uint32_t *slot, const uint8_t *v, size_t n)
{
	if (n != 4)
		return -1;
	*slot = get_le32(v);
	return 0;
}

int tlv_once(unsigned *seen, uint8_t tag)
{
	if (tag >= 32 || (*seen & (1u << tag)))
		return -1;
	*seen |= 1u << tag;
	return 0;
}

int tlv_grow(void **arr, size_t n, size_t size, size_t max)
{
	if (n >= max)
		return -1;
	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) { /* 4, 8, 16, ... */
		void *p = realloc(*arr, (n ? 2 * n : 4) * size);
		if (!p)
			return -1;
		*arr = p;
	}
	return 0;
}

int tlv_push_str(char ***arr, size_t *n, const uint8_t *v, size_t len,
                 size_t max)
{
	if (tlv_grow((void **)arr, *n, sizeof(char *), max) != 0)
		return -1;
	(*arr)[*n] = tlv_dup_str(v, len);
	return (*arr)[*n] ? ((*n)++, 0) : -1;
}

void tlv_free_strs(char **arr, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tlv_wipe_str(arr[i]);
	free(arr);
}

bron_err tlv_encode(void (*emit)(struct tlv_out *, const void *),
                    const void *obj, uint8_t **out, size_t *len,
                    struct bron_error *err)
{
	struct tlv_out o = {0};
	emit(&o, obj);
	o.p = malloc(o.len ? o.len : 1);
	if (!o.p)
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	o.len = 0;
	emit(&o, obj);
	*out = o.p;
	*len = o.len;
	return BRON_OK;
}

bron_err tlv_decode(const uint8_t *buf, size_t len, uint8_t kind,
                    uint8_t version, tlv_field_fn fn, void *obj,
                    unsigned *seen, struct bron_error *err)
{
	if (len < 2 || buf[0] != kind || buf[1] == 0)
		return bron_fail(err, BRON_E_CODEC,
		                 _("a record's contents are malformed"));
	if (buf[1] != version)
		return bron_fail(err, BRON_E_VERSION,
		                 _("a record was written by a newer bron (version "
		                   "%u)"),
		                 (unsigned)buf[1]);
	size_t i = 2, vlen;
	uint8_t tag;
	const uint8_t *v;
	int r;
	while ((r = tlv_next(buf, len, &i, &tag, &v, &vlen)) == 1)
		if (fn(obj, tag, v, vlen, seen) != 0) {
			r = -1;
			break;
		}
	return r == 0 ? BRON_OK
	              : bron_fail(err, BRON_E_CODEC,
	                          _("a record's contents are malformed"));
}
