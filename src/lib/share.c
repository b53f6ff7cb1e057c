/*
 * share.c - codecs for pseudonym records and the log of views written.
 * Same rules as the entry codec: a kind byte, a version byte, then
 * tag-length-value fields; unknown tags from 0x80 up are skipped, every
 * other byte must make sense, strings are strict UTF-8.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "bron/share.h"
#include "bron/vault.h"
#include "internal.h"
#include "tlv.h"
#include "banned.h"

enum {
	N_CREATED = 0x01,
	N_NAME = 0x02,
	N_LABEL = 0x03,
	N_AUTO = 0x04,
};

enum {
	S_WHEN = 0x01,
	S_FORMAT = 0x02,
	S_SELECTION = 0x03,
	S_DEST = 0x04,
	S_ENTRY = 0x05,
	S_WITHHELD = 0x06,
	S_REPLACED = 0x07,
	S_CUT = 0x08,
};

#define OPTIONAL 0x80
#define MAX_IDS 10000000

static void wipe_str(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

static int str_ok(const char *s)
{
	return !s || (strlen(s) < TLV_MAX_FIELD &&
	              tlv_utf8_valid((const uint8_t *)s, strlen(s)));
}

static void put_u32(struct tlv_out *o, uint8_t tag, uint32_t v)
{
	uint8_t b[4];
	put_le32(b, v);
	tlv_put_field(o, tag, b, sizeof(b));
}

/* Runs emit twice, to measure and to write, into a fresh buffer. */
static bron_err encode(void (*emit)(struct tlv_out *, const void *),
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

static int set_once(char **slot, const uint8_t *v, size_t n)
{
	if (*slot)
		return -1;
	*slot = tlv_dup_str(v, n);
	return *slot ? 0 : -1;
}

static int set_u32(uint32_t *slot, const uint8_t *v, size_t n)
{
	if (n != 4)
		return -1;
	*slot = get_le32(v);
	return 0;
}

static int once(unsigned *seen, uint8_t tag)
{
	if (*seen & (1u << tag))
		return -1;
	*seen |= 1u << tag;
	return 0;
}

/* Checks the kind and version bytes; BRON_OK to go on. */
static bron_err head_ok(const uint8_t *buf, size_t len, uint8_t kind,
                        uint8_t version, struct bron_error *err)
{
	if (len < 2 || buf[0] != kind || buf[1] == 0)
		return bron_fail(err, BRON_E_CODEC,
		                 _("a record's contents are malformed"));
	if (buf[1] != version)
		return bron_fail(err, BRON_E_VERSION,
		                 _("a record was written by a newer bron (version "
		                   "%u)"),
		                 (unsigned)buf[1]);
	return BRON_OK;
}

typedef int (*field_fn)(void *obj, uint8_t tag, const uint8_t *v, size_t len,
                        unsigned *seen);

/*
 * Checks the kind and version bytes, then hands every field to fn.
 * BRON_OK when all of them parse (*seen tells which appeared); else the
 * error, with err filled.
 */
static bron_err decode_fields(const uint8_t *buf, size_t len, uint8_t kind,
                              uint8_t version, field_fn fn, void *obj,
                              unsigned *seen, struct bron_error *err)
{
	bron_err e = head_ok(buf, len, kind, version, err);
	if (e != BRON_OK)
		return e;
	size_t i = 2, vlen;
	uint8_t tag;
	const uint8_t *v;
	int r;
	while ((r = tlv_next(buf, len, &i, &tag, &v, &vlen)) == 1)
		if (fn(obj, tag, v, vlen, seen) != 0)
			break;
	return r == 0 ? BRON_OK
	              : bron_fail(err, BRON_E_CODEC,
	                          _("a record's contents are malformed"));
}

/* ---- pseudonyms ---- */

void bron_name_release(struct bron_name *n)
{
	wipe_str(n->name);
	wipe_str(n->label);
	memset(n, 0, sizeof(*n));
}

void bron_name_letters(uint32_t no, char buf[8])
{
	char tmp[8];
	size_t k = 0;
	while (no && k < 7) {
		no--;
		tmp[k++] = (char)('A' + no % 26);
		no /= 26;
	}
	for (size_t i = 0; i < k; i++)
		buf[i] = tmp[k - 1 - i];
	buf[k] = '\0';
}

static void emit_name(struct tlv_out *o, const void *obj)
{
	const struct bron_name *n = obj;
	uint8_t head[2] = {BRON_KIND_NAME, BRON_NAME_VERSION};
	tlv_put_bytes(o, head, 2);
	tlv_put_i64(o, N_CREATED, n->created);
	tlv_put_str(o, N_NAME, n->name);
	tlv_put_str(o, N_LABEL, n->label);
	if (n->auto_no)
		put_u32(o, N_AUTO, n->auto_no);
}

bron_err bron_name_encode(const struct bron_name *n, uint8_t **out,
                          size_t *len, struct bron_error *err)
{
	if (!n->name || !*n->name || !str_ok(n->name) || !str_ok(n->label))
		return bron_fail(err, BRON_E_INVALID,
		                 _("a name must be non-empty, valid UTF-8 text"));
	return encode(emit_name, n, out, len, err);
}

static int name_field(void *obj, uint8_t tag, const uint8_t *v, size_t len,
                      unsigned *seen)
{
	struct bron_name *n = obj;
	switch (tag) {
	case N_CREATED:
		if (once(seen, tag) || len != 8)
			return -1;
		n->created = (int64_t)get_le64(v);
		return 0;
	case N_NAME:
		return once(seen, tag) || len == 0 ? -1 : set_once(&n->name, v, len);
	case N_LABEL:
		return set_once(&n->label, v, len);
	case N_AUTO:
		return once(seen, tag) ? -1 : set_u32(&n->auto_no, v, len);
	default:
		return tag & OPTIONAL ? 0 : -1;
	}
}

bron_err bron_name_decode(const uint8_t *buf, size_t len, struct bron_name *n,
                          struct bron_error *err)
{
	unsigned seen = 0, need = (1u << N_CREATED) | (1u << N_NAME);
	memset(n, 0, sizeof(*n));
	bron_err e = decode_fields(buf, len, BRON_KIND_NAME, BRON_NAME_VERSION,
	                           name_field, n, &seen, err);
	if (e == BRON_OK && (seen & need) == need)
		return BRON_OK;
	bron_name_release(n);
	return e != BRON_OK ? e
	                    : bron_fail(err, BRON_E_CODEC,
	                                _("a record's contents are malformed"));
}

/* ---- the log of views ---- */

void bron_shared_release(struct bron_shared *s)
{
	wipe_str(s->format);
	wipe_str(s->selection);
	wipe_str(s->dest);
	if (s->ids) {
		sodium_memzero(s->ids, s->nids * sizeof(*s->ids));
		free(s->ids);
	}
	memset(s, 0, sizeof(*s));
}

static void emit_shared(struct tlv_out *o, const void *obj)
{
	const struct bron_shared *s = obj;
	uint8_t head[2] = {BRON_KIND_SHARED, BRON_SHARED_VERSION};
	tlv_put_bytes(o, head, 2);
	tlv_put_i64(o, S_WHEN, s->when);
	tlv_put_str(o, S_FORMAT, s->format);
	tlv_put_str(o, S_SELECTION, s->selection);
	tlv_put_str(o, S_DEST, s->dest);
	for (size_t i = 0; i < s->nids; i++)
		tlv_put_i64(o, S_ENTRY, (int64_t)s->ids[i]);
	put_u32(o, S_WITHHELD, s->withheld);
	put_u32(o, S_REPLACED, s->replaced);
	put_u32(o, S_CUT, s->cut);
}

bron_err bron_shared_encode(const struct bron_shared *s, uint8_t **out,
                            size_t *len, struct bron_error *err)
{
	if (!s->format || !*s->format || !str_ok(s->format) ||
	    !str_ok(s->selection) || !str_ok(s->dest) || s->nids > MAX_IDS)
		return bron_fail(err, BRON_E_INVALID,
		                 _("the record of a view holds invalid text"));
	return encode(emit_shared, s, out, len, err);
}

static int shared_field(void *obj, uint8_t tag, const uint8_t *v,
                        size_t len, unsigned *seen)
{
	struct bron_shared *s = obj;
	switch (tag) {
	case S_WHEN:
		if (once(seen, tag) || len != 8)
			return -1;
		s->when = (int64_t)get_le64(v);
		return 0;
	case S_FORMAT:
		return len == 0 ? -1 : set_once(&s->format, v, len);
	case S_SELECTION:
		return set_once(&s->selection, v, len);
	case S_DEST:
		return set_once(&s->dest, v, len);
	case S_ENTRY:
		if (len != 8 || s->nids >= MAX_IDS)
			return -1;
		if ((s->nids & (s->nids - 1)) == 0) { /* 0, 1, 2, 4, ... */
			uint64_t *p = realloc(s->ids, (s->nids ? 2 * s->nids : 1) *
			                                      sizeof(*p));
			if (!p)
				return -1;
			s->ids = p;
		}
		s->ids[s->nids++] = get_le64(v);
		return 0;
	case S_WITHHELD:
		return once(seen, tag) ? -1 : set_u32(&s->withheld, v, len);
	case S_REPLACED:
		return once(seen, tag) ? -1 : set_u32(&s->replaced, v, len);
	case S_CUT:
		return once(seen, tag) ? -1 : set_u32(&s->cut, v, len);
	default:
		return tag & OPTIONAL ? 0 : -1;
	}
}

bron_err bron_shared_decode(const uint8_t *buf, size_t len,
                            struct bron_shared *s, struct bron_error *err)
{
	unsigned seen = 0;
	memset(s, 0, sizeof(*s));
	bron_err e = decode_fields(buf, len, BRON_KIND_SHARED,
	                           BRON_SHARED_VERSION, shared_field, s, &seen,
	                           err);
	if (e == BRON_OK && (seen & (1u << S_WHEN)) && s->format)
		return BRON_OK;
	bron_shared_release(s);
	return e != BRON_OK ? e
	                    : bron_fail(err, BRON_E_CODEC,
	                                _("a record's contents are malformed"));
}
