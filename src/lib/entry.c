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

#define MAX_FIELD ((size_t)1 << 30)
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

/* Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF. */
static int utf8_valid(const uint8_t *s, size_t n)
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

/* ---- encoding ---- */

struct out {
	uint8_t *p;
	size_t len; /* bytes written (or counted, when p is NULL) */
};

static void put_bytes(struct out *o, const void *b, size_t n)
{
	if (o->p)
		memcpy(o->p + o->len, b, n);
	o->len += n;
}

static void put_field(struct out *o, uint8_t tag, const void *v, size_t n)
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
	put_bytes(o, hdr, h);
	put_bytes(o, v, n);
}

static void put_str(struct out *o, uint8_t tag, const char *s)
{
	if (s)
		put_field(o, tag, s, strlen(s));
}

static void put_i64(struct out *o, uint8_t tag, int64_t v)
{
	uint8_t b[8];
	put_le64(b, (uint64_t)v);
	put_field(o, tag, b, sizeof(b));
}

/* Writes (or, with o->p == NULL, measures) the whole payload. */
static void emit(struct out *o, const struct bron_entry *e, uint8_t *scratch)
{
	uint8_t head[2] = {BRON_KIND_ENTRY, BRON_ENTRY_VERSION};
	uint8_t level = (uint8_t)e->level;
	put_bytes(o, head, sizeof(head));
	put_i64(o, F_CREATED, e->created);
	put_i64(o, F_UPDATED, e->updated);
	put_field(o, F_LEVEL, &level, 1);
	put_str(o, F_TITLE, e->title);
	put_str(o, F_BODY, e->body);
	put_str(o, F_AREA, e->area);
	for (size_t i = 0; i < e->ntags; i++)
		put_str(o, F_TAG, e->tags[i]);
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
		put_field(o, F_HISTORY, o->p ? scratch : NULL, 10 + wl);
	}
}

static int str_ok(const char *s)
{
	return !s || (strlen(s) < MAX_FIELD &&
	              utf8_valid((const uint8_t *)s, strlen(s)));
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
		     (!h->why || strlen(h->why) + 10 < MAX_FIELD);
		if (ok && h->why && strlen(h->why) > maxwhy)
			maxwhy = strlen(h->why);
	}
	if (!ok)
		return bron_fail(err, BRON_E_INVALID,
		                 _("the entry holds text that is not valid UTF-8, "
		                   "or too much of it"));
	struct out o = {0};
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

static char *dup_str(const uint8_t *v, size_t n)
{
	if (!utf8_valid(v, n))
		return NULL;
	char *s = malloc(n + 1);
	if (s) {
		memcpy(s, v, n);
		s[n] = '\0';
	}
	return s;
}

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
	*slot = dup_str(v, n);
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
		if ((*seen & SEEN_BODY) || !utf8_valid(v, n))
			return -1;
		*seen |= SEEN_BODY;
		return 0;
	case F_AREA:
		return set_once(&e->area, v, n);
	case F_TAG:
		if (grow((void **)&e->tags, e->ntags, sizeof(char *)) != 0)
			return -1;
		e->tags[e->ntags] = dup_str(v, n);
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
		if (n > 10 && !(h->why = dup_str(v + 10, n - 10)))
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
	while (i < len) {
		uint8_t tag = buf[i++];
		size_t n = 0;
		unsigned shift = 0;
		for (;;) {
			if (i >= len || shift > 28)
				goto bad;
			uint8_t b = buf[i++];
			n |= (size_t)(b & 0x7f) << shift;
			shift += 7;
			if (!(b & 0x80)) {
				if (b == 0 && shift > 7)
					goto bad; /* not the shortest form */
				break;
			}
		}
		if (n > len - i || n >= MAX_FIELD)
			goto bad;
		if (decode_field(e, tag, buf + i, n, &seen, skip_body) != 0)
			goto bad;
		i += n;
	}
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
