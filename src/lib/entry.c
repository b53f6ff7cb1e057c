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
	/* Reflection structure: optional, so older readers skip it. */
	F_KIND = 0x90,
	F_PHASE = 0x91,
	F_ASPECT = 0x92,
	F_HELPED = 0x93,
	F_HINDERED = 0x94,
	F_EXPERIENCE = 0x95,
	F_PART = 0x96,
	F_DRAFT = 0x97,
};

/* Bits in *seen for the optional fields that may appear once. */
#define SEEN_PHASE 0x200u
#define SEEN_EXPERIENCE 0x400u
#define SEEN_DRAFT 0x800u

#define MAX_ITEMS 100000

void bron_entry_init(struct bron_entry *e)
{
	memset(e, 0, sizeof(*e));
}

void bron_entry_release(struct bron_entry *e)
{
	tlv_wipe_str(e->title);
	tlv_wipe_str(e->body);
	tlv_wipe_str(e->area);
	tlv_free_strs(e->tags, e->ntags);
	for (size_t i = 0; i < e->nhistory; i++)
		tlv_wipe_str(e->history[i].why);
	free(e->history);
	tlv_free_strs(e->kinds, e->nkinds);
	tlv_free_strs(e->aspects, e->naspects);
	tlv_free_strs(e->helped, e->nhelped);
	tlv_free_strs(e->hindered, e->nhindered);
	for (size_t i = 0; i < e->nstory; i++)
		tlv_wipe_str(e->story[i].text);
	free(e->story);
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
	for (size_t i = 0; i < e->nkinds; i++)
		tlv_put_str(o, F_KIND, e->kinds[i]);
	if (e->phase)
		tlv_put_u8(o, F_PHASE, (uint8_t)e->phase);
	for (size_t i = 0; i < e->naspects; i++)
		tlv_put_str(o, F_ASPECT, e->aspects[i]);
	for (size_t i = 0; i < e->nhelped; i++)
		tlv_put_str(o, F_HELPED, e->helped[i]);
	for (size_t i = 0; i < e->nhindered; i++)
		tlv_put_str(o, F_HINDERED, e->hindered[i]);
	if (e->experience)
		tlv_put_i64(o, F_EXPERIENCE, (int64_t)e->experience);
	for (size_t i = 0; i < e->nstory; i++) {
		const struct bron_story_part *p = &e->story[i];
		size_t tl = strlen(p->text);
		if (o->p) {
			scratch[0] = (uint8_t)p->phase;
			memcpy(scratch + 1, p->text, tl);
		}
		tlv_put_field(o, F_PART, o->p ? scratch : NULL, 1 + tl);
	}
	if (e->draft)
		tlv_put_u8(o, F_DRAFT, 1);
}

#define str_ok tlv_str_ok

static int list_ok(char *const *v, size_t n)
{
	int ok = n <= MAX_ITEMS;
	for (size_t i = 0; ok && i < n; i++)
		ok = v[i] && str_ok(v[i]);
	return ok;
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
	ok = ok && list_ok(e->tags, e->ntags) &&
	     list_ok(e->kinds, e->nkinds) && list_ok(e->aspects, e->naspects) &&
	     list_ok(e->helped, e->nhelped) &&
	     list_ok(e->hindered, e->nhindered) && e->phase >= 0 &&
	     e->phase <= 4 && e->nstory <= MAX_ITEMS;
	for (size_t i = 0; ok && i < e->nstory; i++) {
		const struct bron_story_part *p = &e->story[i];
		ok = p->phase >= 1 && p->phase <= 4 && p->text &&
		     str_ok(p->text) && strlen(p->text) + 1 < TLV_MAX_FIELD;
		if (ok && strlen(p->text) + 1 > maxwhy + 10)
			maxwhy = strlen(p->text) + 1 - 10;
	}
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
		                   "too much of it, or a phase outside 1 to 4"));
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
	return tlv_grow(arr, n, size, MAX_ITEMS);
}

#define set_once tlv_set_once

static int push(char ***arr, size_t *n, const uint8_t *v, size_t len)
{
	return tlv_push_str(arr, n, v, len, MAX_ITEMS);
}

/* For optional fields that may appear once: -1 when bit was seen. */
static int once_bit(unsigned *seen, unsigned bit)
{
	if (*seen & bit)
		return -1;
	*seen |= bit;
	return 0;
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
		return push(&e->tags, &e->ntags, v, n);
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
	case F_KIND:
		return push(&e->kinds, &e->nkinds, v, n);
	case F_PHASE:
		if (once_bit(seen, SEEN_PHASE) || n != 1 || v[0] < 1 || v[0] > 4)
			return -1;
		e->phase = v[0];
		return 0;
	case F_ASPECT:
		return push(&e->aspects, &e->naspects, v, n);
	case F_HELPED:
		return push(&e->helped, &e->nhelped, v, n);
	case F_HINDERED:
		return push(&e->hindered, &e->nhindered, v, n);
	case F_EXPERIENCE:
		if (once_bit(seen, SEEN_EXPERIENCE) || n != 8)
			return -1;
		e->experience = get_le64(v);
		return e->experience ? 0 : -1;
	case F_PART: {
		if (n < 1 || v[0] < 1 || v[0] > 4 ||
		    grow((void **)&e->story, e->nstory, sizeof(*e->story)))
			return -1;
		struct bron_story_part *p = &e->story[e->nstory];
		/* The summary decoder skips the text like the body. */
		if (skip_body && !tlv_utf8_valid(v + 1, n - 1))
			return -1;
		p->text = skip_body ? NULL : tlv_dup_str(v + 1, n - 1);
		if (!skip_body && !p->text)
			return -1;
		p->phase = v[0];
		e->nstory++;
		return 0;
	}
	case F_DRAFT:
		if (once_bit(seen, SEEN_DRAFT) || n != 1 || v[0] != 1)
			return -1;
		e->draft = 1;
		return 0;
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

bron_err bron_strlist_add(char ***list, size_t *n, const char *s,
                          struct bron_error *err)
{
	if (!s || !str_ok(s))
		return bron_fail(err, BRON_E_INVALID,
		                 _("the text is not valid UTF-8"));
	if (grow((void **)list, *n, sizeof(char *)) != 0 ||
	    !((*list)[*n] = strdup(s)))
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	(*n)++;
	return BRON_OK;
}

void bron_strlist_clear(char ***list, size_t *n)
{
	tlv_free_strs(*list, *n);
	*list = NULL;
	*n = 0;
}

bron_err bron_entry_add_tag(struct bron_entry *e, const char *tag,
                            struct bron_error *err)
{
	return bron_strlist_add(&e->tags, &e->ntags, tag, err);
}

bron_err bron_entry_add_part(struct bron_entry *e, int phase,
                             const char *text, struct bron_error *err)
{
	if (phase < 1 || phase > 4 || !text || !str_ok(text))
		return bron_fail(err, BRON_E_INVALID,
		                 _("a story part needs a phase from 1 to 4 and "
		                   "valid UTF-8 text"));
	if (grow((void **)&e->story, e->nstory, sizeof(*e->story)) != 0 ||
	    !(e->story[e->nstory].text = strdup(text)))
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	e->story[e->nstory++].phase = phase;
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

const char *bron_phase_label(int phase)
{
	switch (phase) {
	case 1:
		return _("overwhelmed");
	case 2:
		return _("struggling with it");
	case 3:
		return _("living with it");
	case 4:
		return _("in the background");
	default:
		return "";
	}
}

/* Appends (or with out NULL only counts) one string. */
static void cat(char *out, size_t *at, const char *s, size_t n)
{
	if (out)
		memcpy(out + *at, s, n);
	*at += n;
}

static void compose(const struct bron_entry *e, char *out, size_t *len)
{
	size_t at = 0;
	char head[160];
	if (e->body)
		cat(out, &at, e->body, strlen(e->body));
	for (size_t i = 0; i < e->nstory; i++) {
		const struct bron_story_part *p = &e->story[i];
		int back = i > 0 && p->phase < e->story[i - 1].phase;
		int n = snprintf(head, sizeof(head),
		                 back ? _("-- Back to phase %d: %s --")
		                      : _("-- Phase %d: %s --"),
		                 p->phase, bron_phase_label(p->phase));
		if (n < 0)
			n = 0;
		if ((size_t)n >= sizeof(head))
			n = (int)sizeof(head) - 1;
		if (at > 0)
			cat(out, &at, "\n\n", 2);
		cat(out, &at, head, (size_t)n);
		cat(out, &at, "\n", 1);
		cat(out, &at, p->text ? p->text : "", p->text ? strlen(p->text) : 0);
	}
	if (out)
		out[at] = '\0';
	*len = at;
}

bron_err bron_entry_text(const struct bron_entry *e, char **out, size_t *len,
                         struct bron_error *err)
{
	size_t n;
	compose(e, NULL, &n);
	char *s = malloc(n + 1);
	if (!s)
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	compose(e, s, &n);
	*out = s;
	*len = n;
	return BRON_OK;
}
