/*
 * reflect.c - codecs for experiences (with their disclosure plan), the log
 * of disclosures and the triggers plan.  Same rules as every record codec
 * (tlv.h): a kind byte, a version byte, then tag-length-value fields;
 * unknown tags from 0x80 up are skipped, every other byte must make sense,
 * strings are strict UTF-8.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "bron/entry.h"
#include "bron/reflect.h"
#include "bron/vault.h"
#include "internal.h"
#include "tlv.h"
#include "banned.h"

enum {
	X_CREATED = 0x01,
	X_UPDATED = 0x02,
	X_TITLE = 0x03,
	X_KIND = 0x04,
	X_AREA = 0x05,
	X_HAPPENED = 0x06,
	X_DECISION = 0x07,
	X_PHASE = 0x08,
	X_PLAN_MADE = 0x10,
	X_PLAN_WHAT = 0x11,
	X_PLAN_WHY = 0x12,
	X_PLAN_AUDIENCE = 0x13,
	X_PLAN_ANSWERS = 0x14,
};

enum {
	D_WHEN = 0x01,
	D_EXPERIENCE = 0x02,
	D_ROLE = 0x03,
	D_CONTEXT = 0x04,
	D_OUTCOME = 0x05,
	D_DIFFERENTLY = 0x06,
};

enum {
	T_UPDATED = 0x01,
	T_TRIGGER = 0x02,
	T_SIGNAL = 0x03,
	T_HELPS = 0x04,
};

#define MAX_ITEMS 100000

static const char malformed[] = N_("a record's contents are malformed");

static int get_time(int64_t *slot, unsigned *seen, uint8_t tag,
                    const uint8_t *v, size_t n)
{
	if (tlv_once(seen, tag) || n != 8)
		return -1;
	*slot = (int64_t)get_le64(v);
	return 0;
}

/* Finishes a decoder: BRON_OK when every needed field was there. */
static bron_err finish(bron_err e, unsigned seen, unsigned need,
                       void (*release)(void *), void *obj,
                       struct bron_error *err)
{
	if (e == BRON_OK && (seen & need) == need)
		return BRON_OK;
	release(obj);
	return e != BRON_OK ? e : bron_fail(err, BRON_E_CODEC, _(malformed));
}

/* ---- experiences ---- */

unsigned bron_plan_failures(const struct bron_plan *p)
{
	unsigned fails = 0;
	for (int q = 0; q < BRON_CHECK_COUNT; q++) {
		/* Every question wants "yes" except whether it is too raw. */
		uint8_t good = q == BRON_CHECK_RAW ? BRON_ANSWER_NO
		                                   : BRON_ANSWER_YES;
		if (p->answers[q] != good)
			fails |= 1u << q;
	}
	return fails;
}

void bron_experience_release(struct bron_experience *x)
{
	tlv_wipe_str(x->title);
	tlv_wipe_str(x->kind);
	tlv_wipe_str(x->area);
	tlv_wipe_str(x->happened);
	tlv_wipe_str(x->plan.what);
	tlv_wipe_str(x->plan.why);
	if (x->phases) {
		sodium_memzero(x->phases, x->nphases * sizeof(*x->phases));
		free(x->phases);
	}
	memset(x, 0, sizeof(*x));
	x->decision = BRON_UNDECIDED;
}

int bron_experience_phase(const struct bron_experience *x)
{
	return x->nphases ? x->phases[x->nphases - 1].phase : 0;
}

bron_err bron_experience_set_phase(struct bron_experience *x, int phase,
                                   int64_t when, struct bron_error *err)
{
	if (phase < 1 || phase > 4)
		return bron_fail(err, BRON_E_INVALID,
		                 _("a phase is a number from 1 to 4"));
	if (tlv_grow((void **)&x->phases, x->nphases, sizeof(*x->phases),
	             MAX_ITEMS) != 0)
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	x->phases[x->nphases].when = when;
	x->phases[x->nphases].phase = phase;
	x->nphases++;
	return BRON_OK;
}

static void emit_experience(struct tlv_out *o, const void *obj)
{
	const struct bron_experience *x = obj;
	uint8_t head[2] = {BRON_KIND_EXPERIENCE, BRON_REFLECT_VERSION};
	tlv_put_bytes(o, head, 2);
	tlv_put_i64(o, X_CREATED, x->created);
	tlv_put_i64(o, X_UPDATED, x->updated);
	tlv_put_str(o, X_TITLE, x->title);
	tlv_put_str(o, X_KIND, x->kind);
	tlv_put_str(o, X_AREA, x->area);
	tlv_put_str(o, X_HAPPENED, x->happened);
	if (x->decision != BRON_UNDECIDED)
		tlv_put_u8(o, X_DECISION, (uint8_t)x->decision);
	for (size_t i = 0; i < x->nphases; i++) {
		uint8_t b[9];
		put_le64(b, (uint64_t)x->phases[i].when);
		b[8] = (uint8_t)x->phases[i].phase;
		tlv_put_field(o, X_PHASE, b, sizeof(b));
	}
	if (x->plan.made) {
		tlv_put_i64(o, X_PLAN_MADE, x->plan.made);
		tlv_put_str(o, X_PLAN_WHAT, x->plan.what);
		tlv_put_str(o, X_PLAN_WHY, x->plan.why);
		tlv_put_u32(o, X_PLAN_AUDIENCE, x->plan.audience);
		tlv_put_field(o, X_PLAN_ANSWERS, x->plan.answers,
		              BRON_CHECK_COUNT);
	}
}

bron_err bron_experience_encode(const struct bron_experience *x,
                                uint8_t **out, size_t *len,
                                struct bron_error *err)
{
	int ok = x->title && *x->title && tlv_str_ok(x->title) &&
	         tlv_str_ok(x->kind) && tlv_str_ok(x->area) &&
	         tlv_str_ok(x->happened) && tlv_str_ok(x->plan.what) &&
	         tlv_str_ok(x->plan.why) &&
	         (x->decision == BRON_UNDECIDED ||
	          (x->decision >= 0 && x->decision <= 2)) &&
	         !(x->plan.audience & ~(unsigned)BRON_AUD_ALL) &&
	         x->nphases <= MAX_ITEMS;
	for (size_t i = 0; ok && i < x->nphases; i++)
		ok = x->phases[i].phase >= 1 && x->phases[i].phase <= 4;
	for (int q = 0; ok && q < BRON_CHECK_COUNT; q++)
		ok = x->plan.answers[q] <= BRON_ANSWER_NO;
	if (!ok)
		return bron_fail(err, BRON_E_INVALID,
		                 _("an experience needs a title, valid UTF-8 text "
		                   "and values in range"));
	return tlv_encode(emit_experience, x, out, len, err);
}

static int experience_field(void *obj, uint8_t tag, const uint8_t *v,
                            size_t n, unsigned *seen)
{
	struct bron_experience *x = obj;
	switch (tag) {
	case X_CREATED:
		return get_time(&x->created, seen, tag, v, n);
	case X_UPDATED:
		return get_time(&x->updated, seen, tag, v, n);
	case X_TITLE:
		return n == 0 ? -1 : tlv_set_once(&x->title, v, n);
	case X_KIND:
		return tlv_set_once(&x->kind, v, n);
	case X_AREA:
		return tlv_set_once(&x->area, v, n);
	case X_HAPPENED:
		return tlv_set_once(&x->happened, v, n);
	case X_DECISION:
		if (tlv_once(seen, tag) || n != 1 || v[0] > 2)
			return -1;
		x->decision = v[0];
		return 0;
	case X_PHASE:
		if (n != 9 || v[8] < 1 || v[8] > 4 ||
		    tlv_grow((void **)&x->phases, x->nphases,
		             sizeof(*x->phases), MAX_ITEMS) != 0)
			return -1;
		x->phases[x->nphases].when = (int64_t)get_le64(v);
		x->phases[x->nphases].phase = v[8];
		x->nphases++;
		return 0;
	case X_PLAN_MADE:
		return get_time(&x->plan.made, seen, tag, v, n);
	case X_PLAN_WHAT:
		return tlv_set_once(&x->plan.what, v, n);
	case X_PLAN_WHY:
		return tlv_set_once(&x->plan.why, v, n);
	case X_PLAN_AUDIENCE: {
		uint32_t a;
		if (tlv_once(seen, tag) || tlv_set_u32(&a, v, n) ||
		    (a & ~(uint32_t)BRON_AUD_ALL))
			return -1;
		x->plan.audience = a;
		return 0;
	}
	case X_PLAN_ANSWERS:
		if (tlv_once(seen, tag) || n != BRON_CHECK_COUNT)
			return -1;
		for (int q = 0; q < BRON_CHECK_COUNT; q++)
			if (v[q] > BRON_ANSWER_NO)
				return -1;
		memcpy(x->plan.answers, v, BRON_CHECK_COUNT);
		return 0;
	default:
		return tag & TLV_OPTIONAL ? 0 : -1;
	}
}

static void release_experience(void *obj)
{
	bron_experience_release(obj);
}

bron_err bron_experience_decode(const uint8_t *buf, size_t len,
                                struct bron_experience *x,
                                struct bron_error *err)
{
	unsigned seen = 0;
	unsigned need = (1u << X_CREATED) | (1u << X_UPDATED);
	memset(x, 0, sizeof(*x));
	x->decision = BRON_UNDECIDED;
	bron_err e = tlv_decode(buf, len, BRON_KIND_EXPERIENCE,
	                        BRON_REFLECT_VERSION, experience_field, x,
	                        &seen, err);
	/* A plan's fields come with its date, never without it. */
	unsigned plan = (1u << X_PLAN_AUDIENCE) | (1u << X_PLAN_ANSWERS);
	if (e == BRON_OK && (!x->title || (x->plan.made == 0 &&
	                                   ((seen & plan) || x->plan.what ||
	                                    x->plan.why))))
		seen = 0;
	return finish(e, seen, need, release_experience, x, err);
}

/* ---- the log of disclosures ---- */

void bron_disclosure_release(struct bron_disclosure *d)
{
	tlv_wipe_str(d->role);
	tlv_wipe_str(d->context);
	tlv_wipe_str(d->outcome);
	tlv_wipe_str(d->differently);
	memset(d, 0, sizeof(*d));
}

static void emit_disclosure(struct tlv_out *o, const void *obj)
{
	const struct bron_disclosure *d = obj;
	uint8_t head[2] = {BRON_KIND_DISCLOSURE, BRON_REFLECT_VERSION};
	tlv_put_bytes(o, head, 2);
	tlv_put_i64(o, D_WHEN, d->when);
	tlv_put_i64(o, D_EXPERIENCE, (int64_t)d->experience);
	tlv_put_str(o, D_ROLE, d->role);
	tlv_put_str(o, D_CONTEXT, d->context);
	tlv_put_str(o, D_OUTCOME, d->outcome);
	tlv_put_str(o, D_DIFFERENTLY, d->differently);
}

bron_err bron_disclosure_encode(const struct bron_disclosure *d,
                                uint8_t **out, size_t *len,
                                struct bron_error *err)
{
	if (!d->experience || !tlv_str_ok(d->role) ||
	    !tlv_str_ok(d->context) || !tlv_str_ok(d->outcome) ||
	    !tlv_str_ok(d->differently))
		return bron_fail(err, BRON_E_INVALID,
		                 _("a disclosure needs its experience and valid "
		                   "UTF-8 text"));
	return tlv_encode(emit_disclosure, d, out, len, err);
}

static int disclosure_field(void *obj, uint8_t tag, const uint8_t *v,
                            size_t n, unsigned *seen)
{
	struct bron_disclosure *d = obj;
	switch (tag) {
	case D_WHEN:
		return get_time(&d->when, seen, tag, v, n);
	case D_EXPERIENCE:
		if (tlv_once(seen, tag) || n != 8 || !get_le64(v))
			return -1;
		d->experience = get_le64(v);
		return 0;
	case D_ROLE:
		return tlv_set_once(&d->role, v, n);
	case D_CONTEXT:
		return tlv_set_once(&d->context, v, n);
	case D_OUTCOME:
		return tlv_set_once(&d->outcome, v, n);
	case D_DIFFERENTLY:
		return tlv_set_once(&d->differently, v, n);
	default:
		return tag & TLV_OPTIONAL ? 0 : -1;
	}
}

static void release_disclosure(void *obj)
{
	bron_disclosure_release(obj);
}

bron_err bron_disclosure_decode(const uint8_t *buf, size_t len,
                                struct bron_disclosure *d,
                                struct bron_error *err)
{
	unsigned seen = 0;
	memset(d, 0, sizeof(*d));
	bron_err e = tlv_decode(buf, len, BRON_KIND_DISCLOSURE,
	                        BRON_REFLECT_VERSION, disclosure_field, d,
	                        &seen, err);
	return finish(e, seen, (1u << D_WHEN) | (1u << D_EXPERIENCE),
	              release_disclosure, d, err);
}

/* ---- the triggers plan ---- */

void bron_triggers_release(struct bron_triggers *t)
{
	tlv_free_strs(t->triggers, t->ntriggers);
	tlv_free_strs(t->signals, t->nsignals);
	tlv_free_strs(t->helps, t->nhelps);
	memset(t, 0, sizeof(*t));
}

static void emit_triggers(struct tlv_out *o, const void *obj)
{
	const struct bron_triggers *t = obj;
	uint8_t head[2] = {BRON_KIND_TRIGGERS, BRON_REFLECT_VERSION};
	tlv_put_bytes(o, head, 2);
	tlv_put_i64(o, T_UPDATED, t->updated);
	for (size_t i = 0; i < t->ntriggers; i++)
		tlv_put_str(o, T_TRIGGER, t->triggers[i]);
	for (size_t i = 0; i < t->nsignals; i++)
		tlv_put_str(o, T_SIGNAL, t->signals[i]);
	for (size_t i = 0; i < t->nhelps; i++)
		tlv_put_str(o, T_HELPS, t->helps[i]);
}

static int strs_ok(char *const *v, size_t n)
{
	int ok = n <= MAX_ITEMS;
	for (size_t i = 0; ok && i < n; i++)
		ok = v[i] && tlv_str_ok(v[i]);
	return ok;
}

bron_err bron_triggers_encode(const struct bron_triggers *t, uint8_t **out,
                              size_t *len, struct bron_error *err)
{
	if (!strs_ok(t->triggers, t->ntriggers) ||
	    !strs_ok(t->signals, t->nsignals) || !strs_ok(t->helps, t->nhelps))
		return bron_fail(err, BRON_E_INVALID,
		                 _("the triggers plan holds invalid text"));
	return tlv_encode(emit_triggers, t, out, len, err);
}

static int triggers_field(void *obj, uint8_t tag, const uint8_t *v,
                          size_t n, unsigned *seen)
{
	struct bron_triggers *t = obj;
	switch (tag) {
	case T_UPDATED:
		return get_time(&t->updated, seen, tag, v, n);
	case T_TRIGGER:
		return tlv_push_str(&t->triggers, &t->ntriggers, v, n, MAX_ITEMS);
	case T_SIGNAL:
		return tlv_push_str(&t->signals, &t->nsignals, v, n, MAX_ITEMS);
	case T_HELPS:
		return tlv_push_str(&t->helps, &t->nhelps, v, n, MAX_ITEMS);
	default:
		return tag & TLV_OPTIONAL ? 0 : -1;
	}
}

static void release_triggers(void *obj)
{
	bron_triggers_release(obj);
}

bron_err bron_triggers_decode(const uint8_t *buf, size_t len,
                              struct bron_triggers *t,
                              struct bron_error *err)
{
	unsigned seen = 0;
	memset(t, 0, sizeof(*t));
	bron_err e = tlv_decode(buf, len, BRON_KIND_TRIGGERS,
	                        BRON_REFLECT_VERSION, triggers_field, t, &seen,
	                        err);
	return finish(e, seen, 1u << T_UPDATED, release_triggers, t, err);
}
