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

#define MAX_IDS 10000000

/* ---- pseudonyms ---- */

void bron_name_release(struct bron_name *n)
{
	tlv_wipe_str(n->name);
	tlv_wipe_str(n->label);
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
		tlv_put_u32(o, N_AUTO, n->auto_no);
}

bron_err bron_name_encode(const struct bron_name *n, uint8_t **out,
                          size_t *len, struct bron_error *err)
{
	if (!n->name || !*n->name || !tlv_str_ok(n->name) || !tlv_str_ok(n->label))
		return bron_fail(err, BRON_E_INVALID,
		                 _("a name must be non-empty, valid UTF-8 text"));
	return tlv_encode(emit_name, n, out, len, err);
}

static int name_field(void *obj, uint8_t tag, const uint8_t *v, size_t len,
                      unsigned *seen)
{
	struct bron_name *n = obj;
	switch (tag) {
	case N_CREATED:
		if (tlv_once(seen, tag) || len != 8)
			return -1;
		n->created = (int64_t)get_le64(v);
		return 0;
	case N_NAME:
		return tlv_once(seen, tag) || len == 0 ? -1 : tlv_set_once(&n->name, v, len);
	case N_LABEL:
		return tlv_set_once(&n->label, v, len);
	case N_AUTO:
		return tlv_once(seen, tag) ? -1 : tlv_set_u32(&n->auto_no, v, len);
	default:
		return tag & TLV_OPTIONAL ? 0 : -1;
	}
}

bron_err bron_name_decode(const uint8_t *buf, size_t len, struct bron_name *n,
                          struct bron_error *err)
{
	unsigned seen = 0, need = (1u << N_CREATED) | (1u << N_NAME);
	memset(n, 0, sizeof(*n));
	bron_err e = tlv_decode(buf, len, BRON_KIND_NAME, BRON_NAME_VERSION,
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
	tlv_wipe_str(s->format);
	tlv_wipe_str(s->selection);
	tlv_wipe_str(s->dest);
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
	tlv_put_u32(o, S_WITHHELD, s->withheld);
	tlv_put_u32(o, S_REPLACED, s->replaced);
	tlv_put_u32(o, S_CUT, s->cut);
}

bron_err bron_shared_encode(const struct bron_shared *s, uint8_t **out,
                            size_t *len, struct bron_error *err)
{
	if (!s->format || !*s->format || !tlv_str_ok(s->format) ||
	    !tlv_str_ok(s->selection) || !tlv_str_ok(s->dest) || s->nids > MAX_IDS)
		return bron_fail(err, BRON_E_INVALID,
		                 _("the record of a view holds invalid text"));
	return tlv_encode(emit_shared, s, out, len, err);
}

static int shared_field(void *obj, uint8_t tag, const uint8_t *v,
                        size_t len, unsigned *seen)
{
	struct bron_shared *s = obj;
	switch (tag) {
	case S_WHEN:
		if (tlv_once(seen, tag) || len != 8)
			return -1;
		s->when = (int64_t)get_le64(v);
		return 0;
	case S_FORMAT:
		return len == 0 ? -1 : tlv_set_once(&s->format, v, len);
	case S_SELECTION:
		return tlv_set_once(&s->selection, v, len);
	case S_DEST:
		return tlv_set_once(&s->dest, v, len);
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
		return tlv_once(seen, tag) ? -1 : tlv_set_u32(&s->withheld, v, len);
	case S_REPLACED:
		return tlv_once(seen, tag) ? -1 : tlv_set_u32(&s->replaced, v, len);
	case S_CUT:
		return tlv_once(seen, tag) ? -1 : tlv_set_u32(&s->cut, v, len);
	default:
		return tag & TLV_OPTIONAL ? 0 : -1;
	}
}

bron_err bron_shared_decode(const uint8_t *buf, size_t len,
                            struct bron_shared *s, struct bron_error *err)
{
	unsigned seen = 0;
	memset(s, 0, sizeof(*s));
	bron_err e = tlv_decode(buf, len, BRON_KIND_SHARED,
	                           BRON_SHARED_VERSION, shared_field, s, &seen,
	                           err);
	if (e == BRON_OK && (seen & (1u << S_WHEN)) && s->format)
		return BRON_OK;
	bron_shared_release(s);
	return e != BRON_OK ? e
	                    : bron_fail(err, BRON_E_CODEC,
	                                _("a record's contents are malformed"));
}
