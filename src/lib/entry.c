/*
 * entry.c - the entry codec: a kind byte, a version byte, then fields as
 * tag, LEB128 length, value.  Tags below 0x80 are known to every reader of
 * this version; tags from 0x80 up are optional and skipped when unknown.
 * docs/FORMAT.md lists them.  Decoding is strict: every byte is accounted
 * for, strings are valid UTF-8 without NUL, required fields appear once.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "bron/entry.h"
#include "bron/vault.h"
#include "internal.h"
#include "tlv.h"
#include "banned.h"

enum {
	F_CREATED = 0x01,
	F_UPDATED = 0x02,
	F_LEVEL = 0x03,
	F_TITLE = 0x04,
	F_BODY = 0x05,
	F_AREA = 0x06,
	F_TAG = 0x07,
	F_HISTORY = 0x08,
	F_OPTIONAL = 0x80,
};

#define MAX_ITEMS 100000

static void wipe_str(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

void bron_entry_init(struct bron_entry *e)
{
	memset(e, 0, sizeof(*e));
}

void bron_entry_release(struct bron_entry *e)
{
	wipe_str(e->title);
	wipe_str(e->body);
	wipe_str(e->area);
	for (size_t i = 0; i < e->ntags; i++)
		wipe_str(e->tags[i]);
	free(e->tags);
	for (size_t i = 0; i < e->nhistory; i++)
		wipe_str(e->history[i].why);
	free(e->history);
	bron_entry_init(e);
}

/* ---- encoding ---- */

/* Writes (or, with o->p == NULL, measures) the whole payload. */
static void emit(struct tlv_out *o, const struct bron_entry *e, uint8_t *scratch)
{
	uint8_t head[2] = {BRON_KIND_ENTRY, BRON_ENTRY_VERSION};
	uint8_t level = (uint8_t)e->level;
	tlv_put_bytes(o, head, sizeof(head));
	tlv_put_i64(o, F_CREATED, e->created);
	tlv_put_i64(o, F_UPDATED, e->updated);
	tlv_put_field(o, F_LEVEL, &level, 1);
	tlv_put_str(o, F_TITLE, e->title);
	tlv_put_str(o, F_BODY, e->body);
	tlv_put_str(o, F_AREA, e->area);
	for (size_t i = 0; i < e->ntags; i++)
		tlv_put_str(o, F_TAG, e->tags[i]);
	for (size_t i = 0; i < e->nhistory; i++) {
		const struct bron_level_change *h = &e->history[i];
		size_t wl = h->why ? strlen(h->why) : 0;
		if (o->p) {
			put_le64(scratch, (uint64_t)h->when);
			scratch[8] = (uint8_t)h->from;
			scratch[9] = (uint8_t)h->to;
			if (wl)
				memcpy(scratch + 10, h->why, wl);
		}
		tlv_put_field(o, F_HISTORY, o->p ? scratch : NULL, 10 + wl);
	}
}

static int str_ok(const char *s)
{
	return !s || (strlen(s) < TLV_MAX_FIELD &&
	              tlv_utf8_valid((const uint8_t *)s, strlen(s)));
}

static int level_ok(unsigned l)
{
	return l <= BRON_LEVEL_SHAREABLE;
}

bron_err bron_entry_encode(const struct bron_entry *e, uint8_t **out,
                           size_t *len, struct bron_error *err)
{
	size_t maxwhy = 0;
	int ok = level_ok(e->level) && str_ok(e->title) && str_ok(e->body) &&
	         str_ok(e->area) && e->ntags <= MAX_ITEMS &&
	         e->nhistory <= MAX_ITEMS;
	for (size_t i = 0; ok && i < e->ntags; i++)
		ok = e->tags[i] && str_ok(e->tags[i]);
	for (size_t i = 0; ok && i < e->nhistory; i++) {
		const struct bron_level_change *h = &e->history[i];
		ok = level_ok(h->from) && level_ok(h->to) && str_ok(h->why) &&
		     (!h->why || strlen(h->why) + 10 < TLV_MAX_FIELD);
		if (ok && h->why && strlen(h->why) > maxwhy)
			maxwhy = strlen(h->why);
	}
	if (!ok)
		return bron_fail(err, BRON_E_INVALID,
		                 _("the entry holds text that is not valid UTF-8, "
		                   "or too much of it"));
	struct tlv_out o = {0};
	emit(&o, e, NULL);
	size_t need = o.len;
	o.p = malloc(need ? need : 1);
	uint8_t *scratch = malloc(10 + maxwhy);
	if (!o.p || !scratch) {
		free(o.p);
		free(scratch);
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	}
	o.len = 0;
	emit(&o, e, scratch);
	bron_secret_free(scratch, 10 + maxwhy);
	*out = o.p;
	*len = o.len;
	return BRON_OK;
}

/* ---- decoding ---- */

static int grow(void **arr, size_t n, size_t size)
{
	if (n >= MAX_ITEMS)
		return -1;
	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) { /* 4, 8, 16, ... */
		void *p = realloc(*arr, (n ? 2 * n : 4) * size);
		if (!p)
			return -1;
		*arr = p;
	}
	return 0;
}

static int set_once(char **slot, const uint8_t *v, size_t n)
{
	if (*slot)
		return -1;
	*slot = tlv_dup_str(v, n);
	return *slot ? 0 : -1;
}

#define SEEN_BODY 0x100u /* in *seen: a body field was there */

static int decode_field(struct bron_entry *e, uint8_t tag, const uint8_t *v,
                        size_t n, unsigned *seen, int skip_body)
{
	switch (tag) {
	case F_CREATED:
	case F_UPDATED:
	case F_LEVEL:
		if (*seen & (1u << tag))
			return -1;
		*seen |= 1u << tag;
		if (tag == F_LEVEL) {
			if (n != 1 || !level_ok(v[0]))
				return -1;
			e->level = (enum bron_level)v[0];
		} else {
			if (n != 8)
				return -1;
			int64_t t = (int64_t)get_le64(v);
			if (tag == F_CREATED)
				e->created = t;
			else
				e->updated = t;
		}
		return 0;
	case F_TITLE:
		return set_once(&e->title, v, n);
	case F_BODY:
		if (!skip_body)
			return set_once(&e->body, v, n);
		if ((*seen & SEEN_BODY) || !tlv_utf8_valid(v, n))
			return -1;
		*seen |= SEEN_BODY;
		return 0;
	case F_AREA:
		return set_once(&e->area, v, n);
	case F_TAG:
		if (grow((void **)&e->tags, e->ntags, sizeof(char *)) != 0)
			return -1;
		e->tags[e->ntags] = tlv_dup_str(v, n);
		return e->tags[e->ntags] ? (e->ntags++, 0) : -1;
	case F_HISTORY: {
		if (n < 10 || !level_ok(v[8]) || !level_ok(v[9]) ||
		    grow((void **)&e->history, e->nhistory, sizeof(*e->history)))
			return -1;
		struct bron_level_change *h = &e->history[e->nhistory];
		h->when = (int64_t)get_le64(v);
		h->from = (enum bron_level)v[8];
		h->to = (enum bron_level)v[9];
		h->why = NULL;
		if (n > 10 && !(h->why = tlv_dup_str(v + 10, n - 10)))
			return -1;
		e->nhistory++;
		return 0;
	}
	default:
		return tag & F_OPTIONAL ? 0 : -1;
	}
}

static bron_err decode(const uint8_t *buf, size_t len, struct bron_entry *e,
                       int skip_body, struct bron_error *err)
{
	unsigned seen = 0;
	bron_entry_init(e);
	if (len < 2 || buf[0] != BRON_KIND_ENTRY)
		return bron_fail(err, BRON_E_CODEC, _("the record is not an entry"));
	if (buf[1] == 0)
		return bron_fail(err, BRON_E_CODEC,
		                 _("the entry's contents are malformed"));
	if (buf[1] != BRON_ENTRY_VERSION)
		return bron_fail(err, BRON_E_VERSION,
		                 _("the entry was written by a newer bron (entry "
		                   "version %u)"),
		                 (unsigned)buf[1]);
	size_t i = 2;
	uint8_t tag;
	const uint8_t *v;
	size_t n;
	int r;
	while ((r = tlv_next(buf, len, &i, &tag, &v, &n)) == 1)
		if (decode_field(e, tag, v, n, &seen, skip_body) != 0)
			goto bad;
	if (r < 0)
		goto bad;
	unsigned required = (1u << F_CREATED) | (1u << F_UPDATED) | (1u << F_LEVEL);
	if ((seen & required) == required)
		return BRON_OK;
bad:
	bron_entry_release(e);
	return bron_fail(err, BRON_E_CODEC,
	                 _("the entry's contents are malformed"));
}

bron_err bron_entry_decode(const uint8_t *buf, size_t len,
                           struct bron_entry *e, struct bron_error *err)
{
	return decode(buf, len, e, 0, err);
}

bron_err bron_entry_decode_summary(const uint8_t *buf, size_t len,
                                   struct bron_entry *e,
                                   struct bron_error *err)
{
	return decode(buf, len, e, 1, err);
}

bron_err bron_entry_add_tag(struct bron_entry *e, const char *tag,
                            struct bron_error *err)
{
	if (!str_ok(tag) || !tag)
		return bron_fail(err, BRON_E_INVALID,
		                 _("the tag is not valid UTF-8"));
	if (grow((void **)&e->tags, e->ntags, sizeof(char *)) != 0 ||
	    !(e->tags[e->ntags] = strdup(tag)))
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	e->ntags++;
	return BRON_OK;
}

bron_err bron_entry_set_level(struct bron_entry *e, enum bron_level to,
                              int64_t when, const char *why,
                              struct bron_error *err)
{
	if (!level_ok(to) || !str_ok(why))
		return bron_fail(err, BRON_E_INVALID, _("invalid level change"));
	if (grow((void **)&e->history, e->nhistory, sizeof(*e->history)) != 0)
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	struct bron_level_change *h = &e->history[e->nhistory];
	h->why = NULL;
	if (why && *why && !(h->why = strdup(why)))
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	h->when = when;
	h->from = e->level;
	h->to = to;
	e->nhistory++;
	e->level = to;
	return BRON_OK;
}
