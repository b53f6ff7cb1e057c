/*
 * test_reflect.c - the codecs of experiences (with their disclosure plan),
 * the log of disclosures and the triggers plan: round trips, the functional
 * check, phases, and strictness on every kind of malformed payload.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bron/entry.h"
#include "bron/reflect.h"
#include "bron/vault.h"

/* ---- building payloads by hand ---- */

struct rec {
	uint8_t b[512];
	size_t n;
};

static void r_head(struct rec *r, uint8_t kind, uint8_t version)
{
	r->b[0] = kind;
	r->b[1] = version;
	r->n = 2;
}

/* A field with a one-byte length (below 128). */
static void r_field(struct rec *r, uint8_t tag, const void *v, size_t n)
{
	assert_true(n < 128 && r->n + 2 + n <= sizeof(r->b));
	r->b[r->n++] = tag;
	r->b[r->n++] = (uint8_t)n;
	if (n)
		memcpy(r->b + r->n, v, n);
	r->n += n;
}

static void r_str(struct rec *r, uint8_t tag, const char *s)
{
	r_field(r, tag, s, strlen(s));
}

static void r_u8(struct rec *r, uint8_t tag, uint8_t v)
{
	r_field(r, tag, &v, 1);
}

/* v as n little-endian bytes (past 8 bytes: zeros). */
static void r_le(struct rec *r, uint8_t tag, uint64_t v, size_t n)
{
	uint8_t b[16] = {0};
	assert_true(n <= sizeof(b));
	for (size_t i = 0; i < n && i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	r_field(r, tag, b, n);
}

static void r_i64(struct rec *r, uint8_t tag, int64_t v)
{
	r_le(r, tag, (uint64_t)v, 8);
}

static void r_phase(struct rec *r, int64_t when, uint8_t phase)
{
	uint8_t b[9];
	for (size_t i = 0; i < 8; i++)
		b[i] = (uint8_t)((uint64_t)when >> (8 * i));
	b[8] = phase;
	r_field(r, 0x08, b, sizeof(b));
}

/* created, updated and title: the least an experience needs. */
static void x_min(struct rec *r)
{
	r_head(r, BRON_KIND_EXPERIENCE, 1);
	r_i64(r, 0x01, 10);
	r_i64(r, 0x02, 20);
	r_str(r, 0x03, "t");
}

static void d_min(struct rec *r)
{
	r_head(r, BRON_KIND_DISCLOSURE, 1);
	r_i64(r, 0x01, 30);
	r_i64(r, 0x02, 7);
}

static void t_min(struct rec *r)
{
	r_head(r, BRON_KIND_TRIGGERS, 1);
	r_i64(r, 0x01, 40);
}

/* Decodes r; on failure checks that the struct was left empty. */
static bron_err x_decode(const struct rec *r)
{
	struct bron_experience x;
	struct bron_error err;
	memset(&x, 0x5a, sizeof(x));
	bron_err e = bron_experience_decode(r->b, r->n, &x, &err);
	if (e != BRON_OK) {
		assert_int_equal(err.code, e);
		assert_null(x.title);
		assert_null(x.phases);
		assert_null(x.plan.what);
		assert_int_equal(x.nphases, 0);
		assert_int_equal(x.decision, BRON_UNDECIDED);
	}
	bron_experience_release(&x);
	return e;
}

static bron_err d_decode(const struct rec *r)
{
	struct bron_disclosure d;
	struct bron_error err;
	memset(&d, 0x5a, sizeof(d));
	bron_err e = bron_disclosure_decode(r->b, r->n, &d, &err);
	if (e != BRON_OK) {
		assert_int_equal(err.code, e);
		assert_null(d.role);
		assert_int_equal(d.experience, 0);
	}
	bron_disclosure_release(&d);
	return e;
}

static bron_err t_decode(const struct rec *r)
{
	struct bron_triggers t;
	struct bron_error err;
	memset(&t, 0x5a, sizeof(t));
	bron_err e = bron_triggers_decode(r->b, r->n, &t, &err);
	if (e != BRON_OK) {
		assert_int_equal(err.code, e);
		assert_null(t.triggers);
		assert_int_equal(t.ntriggers, 0);
	}
	bron_triggers_release(&t);
	return e;
}

/* ---- experiences ---- */

static void experience_full(struct bron_experience *x)
{
	memset(x, 0, sizeof(*x));
	x->created = 1764288000;
	x->updated = -5;
	x->title = "De scheiding van mijn ouders";
	x->kind = "loss";
	x->area = "family-of-origin";
	x->happened = "toen ik twaalf was, één winter";
	x->decision = BRON_LEVEL_NOT_YET;
	assert_int_equal(bron_experience_set_phase(x, 1, 100, NULL), BRON_OK);
	assert_int_equal(bron_experience_set_phase(x, 3, 200, NULL), BRON_OK);
	assert_int_equal(bron_experience_set_phase(x, 2, -300, NULL), BRON_OK);
	x->plan.made = 1764300000;
	x->plan.what = "dat ik het ken, niet hoe";
	x->plan.why = "zodat zij zich minder alleen voelt 🌱";
	x->plan.audience = BRON_AUD_CLIENT | BRON_AUD_SUPERVISOR;
	const uint8_t answers[BRON_CHECK_COUNT] = {1, 1, 2, 0, 2};
	memcpy(x->plan.answers, answers, sizeof(answers));
}

static void experience_round_trip(void **state)
{
	(void)state;
	struct bron_experience x, y;
	uint8_t *buf, *again;
	size_t len, len2;
	experience_full(&x);
	assert_int_equal(bron_experience_encode(&x, &buf, &len, NULL), BRON_OK);
	assert_int_equal(buf[0], BRON_KIND_EXPERIENCE);
	assert_int_equal(buf[1], BRON_REFLECT_VERSION);
	assert_int_equal(bron_experience_decode(buf, len, &y, NULL), BRON_OK);
	assert_int_equal(y.created, 1764288000);
	assert_int_equal(y.updated, -5);
	assert_string_equal(y.title, x.title);
	assert_string_equal(y.kind, "loss");
	assert_string_equal(y.area, "family-of-origin");
	assert_string_equal(y.happened, x.happened);
	assert_int_equal(y.decision, BRON_LEVEL_NOT_YET);
	assert_int_equal(y.nphases, 3);
	assert_int_equal(y.phases[0].phase, 1);
	assert_int_equal(y.phases[0].when, 100);
	assert_int_equal(y.phases[1].phase, 3);
	assert_int_equal(y.phases[1].when, 200);
	assert_int_equal(y.phases[2].phase, 2);
	assert_int_equal(y.phases[2].when, -300);
	assert_int_equal(bron_experience_phase(&y), 2);
	assert_int_equal(y.plan.made, 1764300000);
	assert_string_equal(y.plan.what, x.plan.what);
	assert_string_equal(y.plan.why, x.plan.why);
	assert_int_equal(y.plan.audience, BRON_AUD_CLIENT | BRON_AUD_SUPERVISOR);
	assert_memory_equal(y.plan.answers, x.plan.answers, BRON_CHECK_COUNT);
	/* the encoding is canonical: the same bytes again */
	assert_int_equal(bron_experience_encode(&y, &again, &len2, NULL),
	                 BRON_OK);
	assert_int_equal(len2, len);
	assert_memory_equal(again, buf, len);
	bron_secret_free(again, len2);
	bron_experience_release(&y);

	/* a cut inside a field fails cleanly; one at a boundary after the
	 * title is a shorter valid record (the AEAD tag guards truncation) */
	size_t ok = 0;
	for (size_t cut = 0; cut < len; cut++) {
		if (bron_experience_decode(buf, cut, &y, NULL) == BRON_OK) {
			assert_string_equal(y.title, x.title);
			ok++;
		} else {
			assert_null(y.title);
		}
		bron_experience_release(&y);
	}
	/* after title, kind, area, happened, decision, 3 phases, plan date,
	 * what, why, audience */
	assert_int_equal(ok, 12);
	/* every single bit flip is either rejected or decodes to valid text */
	for (size_t i = 0; i < len * 8; i++) {
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
		if (bron_experience_decode(buf, len, &y, NULL) == BRON_OK)
			bron_experience_release(&y);
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	bron_secret_free(buf, len);
	free(x.phases);

	/* decision 0 (private) is a decision, unlike BRON_UNDECIDED */
	experience_full(&x);
	x.decision = BRON_LEVEL_PRIVATE;
	assert_int_equal(bron_experience_encode(&x, &buf, &len, NULL), BRON_OK);
	assert_int_equal(bron_experience_decode(buf, len, &y, NULL), BRON_OK);
	assert_int_equal(y.decision, BRON_LEVEL_PRIVATE);
	bron_experience_release(&y);
	bron_secret_free(buf, len);
	x.decision = BRON_LEVEL_SHAREABLE;
	assert_int_equal(bron_experience_encode(&x, &buf, &len, NULL), BRON_OK);
	assert_int_equal(bron_experience_decode(buf, len, &y, NULL), BRON_OK);
	assert_int_equal(y.decision, BRON_LEVEL_SHAREABLE);
	bron_experience_release(&y);
	bron_secret_free(buf, len);
	free(x.phases);
}

static void experience_minimal(void **state)
{
	(void)state;
	struct bron_experience x = {.created = 10, .updated = 20, .title = "t",
	                            .decision = BRON_UNDECIDED};
	struct bron_experience y;
	uint8_t *buf;
	size_t len;
	assert_int_equal(bron_experience_encode(&x, &buf, &len, NULL), BRON_OK);
	/* exactly the three required fields, nothing else */
	struct rec want;
	x_min(&want);
	assert_int_equal(len, want.n);
	assert_memory_equal(buf, want.b, len);
	assert_int_equal(bron_experience_decode(buf, len, &y, NULL), BRON_OK);
	assert_int_equal(y.created, 10);
	assert_int_equal(y.updated, 20);
	assert_string_equal(y.title, "t");
	assert_null(y.kind);
	assert_null(y.area);
	assert_null(y.happened);
	assert_int_equal(y.decision, BRON_UNDECIDED);
	assert_null(y.phases);
	assert_int_equal(y.nphases, 0);
	assert_int_equal(bron_experience_phase(&y), 0);
	assert_int_equal(y.plan.made, 0);
	assert_null(y.plan.what);
	assert_null(y.plan.why);
	assert_int_equal(y.plan.audience, 0);
	const uint8_t none[BRON_CHECK_COUNT] = {0};
	assert_memory_equal(y.plan.answers, none, BRON_CHECK_COUNT);
	bron_experience_release(&y);
	bron_secret_free(buf, len);

	/* a plan with only its date: audience and answers written as zeros */
	x.plan.made = 5;
	assert_int_equal(bron_experience_encode(&x, &buf, &len, NULL), BRON_OK);
	assert_int_equal(len, want.n + 10 + 6 + 7);
	assert_int_equal(bron_experience_decode(buf, len, &y, NULL), BRON_OK);
	assert_int_equal(y.plan.made, 5);
	assert_null(y.plan.what);
	assert_int_equal(y.plan.audience, 0);
	assert_memory_equal(y.plan.answers, none, BRON_CHECK_COUNT);
	bron_experience_release(&y);
	bron_secret_free(buf, len);

	/* empty optional texts are kept as empty strings */
	x.plan.made = 0;
	x.kind = "";
	assert_int_equal(bron_experience_encode(&x, &buf, &len, NULL), BRON_OK);
	assert_int_equal(bron_experience_decode(buf, len, &y, NULL), BRON_OK);
	assert_string_equal(y.kind, "");
	assert_null(y.area);
	bron_experience_release(&y);
	bron_secret_free(buf, len);
}

static void experience_rejects(void **state)
{
	(void)state;
	struct rec r;

	x_min(&r);
	assert_int_equal(x_decode(&r), BRON_OK);

	/* kind and version */
	x_min(&r);
	r.b[0] = BRON_KIND_DISCLOSURE;
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	r.b[0] = BRON_KIND_ENTRY;
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	x_min(&r);
	r.b[1] = 0;
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	r.b[1] = 2;
	assert_int_equal(x_decode(&r), BRON_E_VERSION);
	r.b[1] = 0xff;
	assert_int_equal(x_decode(&r), BRON_E_VERSION);
	r.n = 1;
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	r.n = 0;
	assert_int_equal(x_decode(&r), BRON_E_CODEC);

	/* a field cut short, and a length that runs past the end */
	x_min(&r);
	r.n--;
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	x_min(&r);
	r.b[r.n++] = 0x04;
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	x_min(&r);
	r.b[r.n++] = 0x04;
	r.b[r.n++] = 5;
	r.b[r.n++] = 'a';
	assert_int_equal(x_decode(&r), BRON_E_CODEC);

	/* missing required fields */
	r_head(&r, BRON_KIND_EXPERIENCE, 1);
	r_i64(&r, 0x02, 20);
	r_str(&r, 0x03, "t");
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	r_head(&r, BRON_KIND_EXPERIENCE, 1);
	r_i64(&r, 0x01, 10);
	r_str(&r, 0x03, "t");
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	r_head(&r, BRON_KIND_EXPERIENCE, 1);
	r_i64(&r, 0x01, 10);
	r_i64(&r, 0x02, 20);
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	r_head(&r, BRON_KIND_EXPERIENCE, 1);
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	/* an empty title is no title */
	r_head(&r, BRON_KIND_EXPERIENCE, 1);
	r_i64(&r, 0x01, 10);
	r_i64(&r, 0x02, 20);
	r_field(&r, 0x03, "", 0);
	assert_int_equal(x_decode(&r), BRON_E_CODEC);

	/* fields that may occur once, twice */
	const uint8_t dates[] = {0x01, 0x02, 0x10};
	for (size_t i = 0; i < sizeof(dates); i++) {
		x_min(&r);
		r_i64(&r, 0x10, 1);
		r_i64(&r, dates[i], 1);
		assert_int_equal(x_decode(&r), BRON_E_CODEC);
	}
	const uint8_t texts[] = {0x03, 0x04, 0x05, 0x06, 0x11, 0x12};
	for (size_t i = 0; i < sizeof(texts); i++) {
		x_min(&r);
		r_i64(&r, 0x10, 1);
		r_str(&r, texts[i], "a");
		if (texts[i] != 0x03)
			assert_int_equal(x_decode(&r), BRON_OK);
		r_str(&r, texts[i], "b");
		assert_int_equal(x_decode(&r), BRON_E_CODEC);
	}
	x_min(&r);
	r_u8(&r, 0x07, 1);
	assert_int_equal(x_decode(&r), BRON_OK);
	r_u8(&r, 0x07, 1);
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	x_min(&r);
	r_i64(&r, 0x10, 1);
	r_le(&r, 0x13, 1, 4);
	assert_int_equal(x_decode(&r), BRON_OK);
	r_le(&r, 0x13, 1, 4);
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	x_min(&r);
	r_i64(&r, 0x10, 1);
	r_field(&r, 0x14, "\1\1\1\1\2", 5);
	assert_int_equal(x_decode(&r), BRON_OK);
	r_field(&r, 0x14, "\1\1\1\1\2", 5);
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	/* phase points are a list: any number */
	x_min(&r);
	r_phase(&r, 1, 1);
	r_phase(&r, 2, 1);
	r_phase(&r, 3, 4);
	assert_int_equal(x_decode(&r), BRON_OK);

	/* fixed sizes are exact */
	const uint8_t times[] = {0x01, 0x02, 0x10};
	for (size_t i = 0; i < sizeof(times); i++) {
		for (size_t n = 7; n <= 9; n += 2) {
			r_head(&r, BRON_KIND_EXPERIENCE, 1);
			if (times[i] != 0x01)
				r_i64(&r, 0x01, 10);
			if (times[i] != 0x02)
				r_i64(&r, 0x02, 20);
			r_str(&r, 0x03, "t");
			r_le(&r, times[i], 1, n);
			assert_int_equal(x_decode(&r), BRON_E_CODEC);
		}
	}
	x_min(&r);
	r_field(&r, 0x07, "\1\1", 2);
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	x_min(&r);
	r_field(&r, 0x07, "", 0);
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	x_min(&r);
	r_field(&r, 0x08, "\1\0\0\0\0\0\0\0", 8);
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	x_min(&r);
	r_field(&r, 0x08, "\0\0\0\0\0\0\0\0\1\0", 10);
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	for (size_t n = 3; n <= 5; n += 2) {
		x_min(&r);
		r_i64(&r, 0x10, 1);
		r_le(&r, 0x13, 1, n);
		assert_int_equal(x_decode(&r), BRON_E_CODEC);
	}
	for (size_t n = 4; n <= 6; n += 2) {
		x_min(&r);
		r_i64(&r, 0x10, 1);
		r_field(&r, 0x14, "\1\1\1\1\1\1", n);
		assert_int_equal(x_decode(&r), BRON_E_CODEC);
	}

	/* ranges */
	for (int p = 0; p <= 5; p++) {
		x_min(&r);
		r_phase(&r, 1, (uint8_t)p);
		assert_int_equal(x_decode(&r),
		                 p >= 1 && p <= 4 ? BRON_OK : BRON_E_CODEC);
	}
	x_min(&r);
	r_phase(&r, 1, 0xff);
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	for (int d = 0; d <= 3; d++) {
		x_min(&r);
		r_u8(&r, 0x07, (uint8_t)d);
		assert_int_equal(x_decode(&r), d <= 2 ? BRON_OK : BRON_E_CODEC);
	}
	x_min(&r);
	r_u8(&r, 0x07, 0xff);
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	x_min(&r);
	r_i64(&r, 0x10, 1);
	r_le(&r, 0x13, BRON_AUD_ALL, 4);
	assert_int_equal(x_decode(&r), BRON_OK);
	const uint32_t bad_aud[] = {1u << 5, BRON_AUD_ALL + 1, 1u << 31,
	                            0xffffffffu};
	for (size_t i = 0; i < sizeof(bad_aud) / sizeof(bad_aud[0]); i++) {
		x_min(&r);
		r_i64(&r, 0x10, 1);
		r_le(&r, 0x13, bad_aud[i], 4);
		assert_int_equal(x_decode(&r), BRON_E_CODEC);
	}
	for (int q = 0; q < BRON_CHECK_COUNT; q++) {
		uint8_t ans[BRON_CHECK_COUNT] = {2, 1, 0, 1, 2};
		ans[q] = 3;
		x_min(&r);
		r_i64(&r, 0x10, 1);
		r_field(&r, 0x14, ans, sizeof(ans));
		assert_int_equal(x_decode(&r), BRON_E_CODEC);
	}

	/* the plan's fields only with its date */
	x_min(&r);
	r_str(&r, 0x11, "wat");
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	x_min(&r);
	r_str(&r, 0x12, "waarom");
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	x_min(&r);
	r_field(&r, 0x12, "", 0);
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	x_min(&r);
	r_le(&r, 0x13, 0, 4);
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	x_min(&r);
	r_field(&r, 0x14, "\0\0\0\0\0", 5);
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	/* the date may come after the fields it dates */
	x_min(&r);
	r_str(&r, 0x11, "wat");
	r_i64(&r, 0x10, 1);
	assert_int_equal(x_decode(&r), BRON_OK);
	/* a plan date of 0 means no plan: alone it is accepted (and dropped
	 * when written again), with plan fields it is not */
	x_min(&r);
	r_i64(&r, 0x10, 0);
	assert_int_equal(x_decode(&r), BRON_OK);
	r_str(&r, 0x11, "wat");
	assert_int_equal(x_decode(&r), BRON_E_CODEC);

	/* text is strict UTF-8 in every text field */
	const uint8_t all_texts[] = {0x03, 0x04, 0x05, 0x06, 0x11, 0x12};
	const char *bad_utf8[] = {"\xff", "a\xc0\xaf", "\xed\xa0\x80", "\xc3",
	                          "\xf4\x90\x80\x80"};
	for (size_t i = 0; i < sizeof(all_texts); i++)
		for (size_t k = 0; k < sizeof(bad_utf8) / sizeof(bad_utf8[0]);
		     k++) {
			r_head(&r, BRON_KIND_EXPERIENCE, 1);
			r_i64(&r, 0x01, 10);
			r_i64(&r, 0x02, 20);
			r_i64(&r, 0x10, 1);
			if (all_texts[i] != 0x03)
				r_str(&r, 0x03, "t");
			r_str(&r, all_texts[i], bad_utf8[k]);
			assert_int_equal(x_decode(&r), BRON_E_CODEC);
		}
	x_min(&r);
	r_field(&r, 0x04, "a\0b", 3);
	assert_int_equal(x_decode(&r), BRON_E_CODEC);

	/* lengths only in their shortest form */
	x_min(&r);
	r.b[r.n++] = 0x04;
	r.b[r.n++] = 0x81;
	r.b[r.n++] = 0x00;
	r.b[r.n++] = 'a';
	assert_int_equal(x_decode(&r), BRON_E_CODEC);
	x_min(&r);
	r.b[r.n++] = 0x04;
	r.b[r.n++] = 0x80;
	r.b[r.n++] = 0x00;
	assert_int_equal(x_decode(&r), BRON_E_CODEC);

	/* unknown tags: from 0x80 up skipped, below it malformed */
	x_min(&r);
	r_str(&r, 0x81, "later");
	r_field(&r, 0xff, "", 0);
	{
		struct bron_experience y;
		assert_int_equal(bron_experience_decode(r.b, r.n, &y, NULL),
		                 BRON_OK);
		assert_string_equal(y.title, "t");
		assert_int_equal(y.created, 10);
		assert_int_equal(y.updated, 20);
		assert_null(y.kind);
		bron_experience_release(&y);
	}
	const uint8_t unknown[] = {0x7f, 0x00, 0x09, 0x0f, 0x15, 0x20};
	for (size_t i = 0; i < sizeof(unknown); i++) {
		x_min(&r);
		r_str(&r, unknown[i], "x");
		assert_int_equal(x_decode(&r), BRON_E_CODEC);
	}
}

static void experience_encode_rejects(void **state)
{
	(void)state;
	struct bron_experience x;
	struct bron_error err;
	uint8_t *buf = NULL;
	size_t len = 0;
	struct bron_phase_point pts[2] = {{1, 2}, {2, 3}};

#define REJECTED()                                                        \
	do {                                                              \
		assert_int_equal(bron_experience_encode(&x, &buf, &len, &err), \
		                 BRON_E_INVALID);                                \
		assert_int_equal(err.code, BRON_E_INVALID);                    \
		assert_null(buf);                                              \
	} while (0)
#define RESET()                                                           \
	do {                                                              \
		memset(&x, 0, sizeof(x));                                      \
		x.title = "t";                                                 \
		x.decision = BRON_UNDECIDED;                                   \
		x.phases = pts;                                                \
		x.nphases = 2;                                                 \
		x.plan.made = 1;                                               \
	} while (0)

	RESET();
	assert_int_equal(bron_experience_encode(&x, &buf, &len, NULL), BRON_OK);
	bron_secret_free(buf, len);
	buf = NULL;

	RESET();
	x.title = NULL;
	REJECTED();
	x.title = "";
	REJECTED();
	x.title = "bad \xff byte";
	REJECTED();
	RESET();
	x.kind = "\xc0\x80";
	REJECTED();
	RESET();
	x.area = "\xed\xa0\x80";
	REJECTED();
	RESET();
	x.happened = "\xc3";
	REJECTED();
	RESET();
	x.plan.what = "\xff";
	REJECTED();
	RESET();
	x.plan.why = "\xfe";
	REJECTED();
	const int bad_phase[] = {0, 5, -1, 7};
	for (size_t i = 0; i < sizeof(bad_phase) / sizeof(bad_phase[0]); i++) {
		RESET();
		pts[1].phase = bad_phase[i];
		REJECTED();
	}
	pts[1].phase = 3;
	const int bad_decision[] = {3, -2, 255};
	for (size_t i = 0; i < sizeof(bad_decision) / sizeof(bad_decision[0]);
	     i++) {
		RESET();
		x.decision = bad_decision[i];
		REJECTED();
	}
	RESET();
	x.plan.audience = BRON_AUD_ALL + 1;
	REJECTED();
	for (int q = 0; q < BRON_CHECK_COUNT; q++) {
		RESET();
		x.plan.answers[q] = 3;
		REJECTED();
	}
	/* checked even when there is no plan to write */
	RESET();
	x.plan.made = 0;
	x.plan.answers[0] = 3;
	REJECTED();
#undef REJECTED
#undef RESET
}

static void plan_failures(void **state)
{
	(void)state;
	struct bron_plan p = {.made = 1};
	const uint8_t good[BRON_CHECK_COUNT] = {1, 1, 1, 1, 2};
	memcpy(p.answers, good, sizeof(good));
	assert_int_equal(bron_plan_failures(&p), 0);
	/* a "no" fails every question but the last; "yes" fails that one */
	for (int q = 0; q < BRON_CHECK_COUNT; q++) {
		memcpy(p.answers, good, sizeof(good));
		p.answers[q] = q == BRON_CHECK_RAW ? BRON_ANSWER_YES
		                                   : BRON_ANSWER_NO;
		assert_int_equal(bron_plan_failures(&p), 1u << q);
		/* not answered fails as well */
		p.answers[q] = 0;
		assert_int_equal(bron_plan_failures(&p), 1u << q);
	}
	memcpy(p.answers, good, sizeof(good));
	p.answers[BRON_CHECK_RAW] = BRON_ANSWER_YES;
	assert_int_equal(bron_plan_failures(&p), 1u << 4);
	p.answers[BRON_CHECK_FITS] = BRON_ANSWER_NO;
	p.answers[BRON_CHECK_WORKED] = 0;
	assert_int_equal(bron_plan_failures(&p), 0x19u);
	memset(p.answers, 0, sizeof(p.answers));
	assert_int_equal(bron_plan_failures(&p), 0x1fu);
	memset(p.answers, BRON_ANSWER_YES, sizeof(p.answers));
	assert_int_equal(bron_plan_failures(&p), 1u << BRON_CHECK_RAW);
	memset(p.answers, BRON_ANSWER_NO, sizeof(p.answers));
	assert_int_equal(bron_plan_failures(&p), 0x0fu);
	assert_int_equal(BRON_CHECK_FITS, 0);
	assert_int_equal(BRON_CHECK_RAW, 4);
	assert_int_equal(BRON_CHECK_COUNT, 5);
}

static void phases(void **state)
{
	(void)state;
	struct bron_experience x, y;
	struct bron_error err;
	uint8_t *buf;
	size_t len;
	memset(&x, 0, sizeof(x));
	x.created = 1;
	x.updated = 2;
	x.title = "t";
	x.decision = BRON_UNDECIDED;
	assert_int_equal(bron_experience_phase(&x), 0);
	assert_int_equal(bron_experience_set_phase(&x, 0, 5, &err),
	                 BRON_E_INVALID);
	assert_int_equal(err.code, BRON_E_INVALID);
	assert_int_equal(bron_experience_set_phase(&x, 5, 5, &err),
	                 BRON_E_INVALID);
	assert_int_equal(x.nphases, 0);
	assert_null(x.phases);
	assert_int_equal(bron_experience_phase(&x), 0);
	assert_int_equal(bron_experience_set_phase(&x, 2, 10, &err), BRON_OK);
	assert_int_equal(bron_experience_phase(&x), 2);
	assert_int_equal(bron_experience_set_phase(&x, 4, 20, &err), BRON_OK);
	assert_int_equal(bron_experience_phase(&x), 4);
	/* a step back, and the same phase again, are both recorded */
	assert_int_equal(bron_experience_set_phase(&x, 1, 30, &err), BRON_OK);
	assert_int_equal(bron_experience_phase(&x), 1);
	assert_int_equal(bron_experience_set_phase(&x, 1, 40, &err), BRON_OK);
	assert_int_equal(bron_experience_set_phase(&x, -1, 50, &err),
	                 BRON_E_INVALID);
	assert_int_equal(x.nphases, 4);
	assert_int_equal(bron_experience_phase(&x), 1);
	/* past the points where the array grows (4, 8, 16, 32) */
	for (int i = 0; i < 33; i++)
		assert_int_equal(bron_experience_set_phase(&x, i % 4 + 1,
		                                           100 + i, NULL),
		                 BRON_OK);
	assert_int_equal(x.nphases, 37);
	assert_int_equal(bron_experience_phase(&x), 1); /* 32 % 4 + 1 */
	assert_int_equal(bron_experience_encode(&x, &buf, &len, NULL), BRON_OK);
	assert_int_equal(bron_experience_decode(buf, len, &y, NULL), BRON_OK);
	assert_int_equal(y.nphases, 37);
	assert_int_equal(y.phases[0].phase, 2);
	assert_int_equal(y.phases[0].when, 10);
	assert_int_equal(y.phases[2].phase, 1);
	assert_int_equal(y.phases[3].when, 40);
	for (int i = 0; i < 33; i++) {
		assert_int_equal(y.phases[4 + i].phase, i % 4 + 1);
		assert_int_equal(y.phases[4 + i].when, 100 + i);
	}
	assert_int_equal(bron_experience_phase(&y), 1);
	/* the decoded array grows further in place */
	assert_int_equal(bron_experience_set_phase(&y, 3, 999, NULL), BRON_OK);
	assert_int_equal(y.nphases, 38);
	assert_int_equal(bron_experience_phase(&y), 3);
	bron_experience_release(&y);
	bron_secret_free(buf, len);
	x.title = NULL; /* not ours to free */
	bron_experience_release(&x);
	assert_null(x.phases);
	assert_int_equal(x.nphases, 0);
}

static void release_zeroes(void **state)
{
	(void)state;
	struct bron_experience x, want_x;
	struct bron_disclosure d, want_d;
	struct bron_triggers t, want_t;
	uint8_t *buf;
	size_t len;
	memset(&want_x, 0, sizeof(want_x));
	want_x.decision = BRON_UNDECIDED;
	memset(&want_d, 0, sizeof(want_d));
	memset(&want_t, 0, sizeof(want_t));

	experience_full(&x);
	assert_int_equal(bron_experience_encode(&x, &buf, &len, NULL), BRON_OK);
	free(x.phases);
	assert_int_equal(bron_experience_decode(buf, len, &x, NULL), BRON_OK);
	bron_secret_free(buf, len);
	bron_experience_release(&x);
	assert_memory_equal(&x, &want_x, sizeof(x));
	assert_int_equal(x.decision, BRON_UNDECIDED);
	assert_int_equal(x.plan.made, 0);
	/* twice is harmless */
	bron_experience_release(&x);
	assert_memory_equal(&x, &want_x, sizeof(x));

	struct rec r;
	d_min(&r);
	r_str(&r, 0x03, "collega");
	r_str(&r, 0x06, "eerder");
	assert_int_equal(bron_disclosure_decode(r.b, r.n, &d, NULL), BRON_OK);
	bron_disclosure_release(&d);
	assert_memory_equal(&d, &want_d, sizeof(d));

	t_min(&r);
	r_str(&r, 0x02, "a");
	r_str(&r, 0x03, "b");
	r_str(&r, 0x04, "c");
	assert_int_equal(bron_triggers_decode(r.b, r.n, &t, NULL), BRON_OK);
	bron_triggers_release(&t);
	assert_memory_equal(&t, &want_t, sizeof(t));
}

/* ---- disclosures ---- */

static void disclosure_round_trip(void **state)
{
	(void)state;
	struct bron_disclosure d = {.when = -1764288000,
	                            .experience = 0xffffffffffffffffULL,
	                            .role = "cliënt",
	                            .context = "na een groepsgesprek",
	                            .outcome = "ze knikte, we gingen verder",
	                            .differently = "korter"};
	struct bron_disclosure e;
	uint8_t *buf, *again;
	size_t len, len2;
	assert_int_equal(bron_disclosure_encode(&d, &buf, &len, NULL), BRON_OK);
	assert_int_equal(buf[0], BRON_KIND_DISCLOSURE);
	assert_int_equal(buf[1], BRON_REFLECT_VERSION);
	assert_int_equal(bron_disclosure_decode(buf, len, &e, NULL), BRON_OK);
	assert_int_equal(e.when, -1764288000);
	assert_true(e.experience == 0xffffffffffffffffULL);
	assert_string_equal(e.role, d.role);
	assert_string_equal(e.context, d.context);
	assert_string_equal(e.outcome, d.outcome);
	assert_string_equal(e.differently, d.differently);
	assert_int_equal(bron_disclosure_encode(&e, &again, &len2, NULL),
	                 BRON_OK);
	assert_int_equal(len2, len);
	assert_memory_equal(again, buf, len);
	bron_secret_free(again, len2);
	bron_disclosure_release(&e);
	size_t ok = 0;
	for (size_t cut = 0; cut < len; cut++) {
		if (bron_disclosure_decode(buf, cut, &e, NULL) == BRON_OK) {
			assert_true(e.experience == d.experience);
			ok++;
		} else {
			assert_int_equal(e.experience, 0);
		}
		bron_disclosure_release(&e);
	}
	assert_int_equal(ok, 4); /* after experience, role, context, outcome */
	bron_secret_free(buf, len);

	/* minimal: when and experience, exactly */
	struct bron_disclosure m = {.when = 30, .experience = 7};
	struct rec want;
	d_min(&want);
	assert_int_equal(bron_disclosure_encode(&m, &buf, &len, NULL), BRON_OK);
	assert_int_equal(len, want.n);
	assert_memory_equal(buf, want.b, len);
	assert_int_equal(bron_disclosure_decode(buf, len, &e, NULL), BRON_OK);
	assert_int_equal(e.when, 30);
	assert_int_equal(e.experience, 7);
	assert_null(e.role);
	assert_null(e.context);
	assert_null(e.outcome);
	assert_null(e.differently);
	bron_disclosure_release(&e);
	bron_secret_free(buf, len);
}

static void disclosure_rejects(void **state)
{
	(void)state;
	struct rec r;
	struct bron_error err;
	uint8_t *buf = NULL;
	size_t len;

	d_min(&r);
	assert_int_equal(d_decode(&r), BRON_OK);
	d_min(&r);
	r.b[0] = BRON_KIND_EXPERIENCE;
	assert_int_equal(d_decode(&r), BRON_E_CODEC);
	r.b[0] = BRON_KIND_TRIGGERS;
	assert_int_equal(d_decode(&r), BRON_E_CODEC);
	d_min(&r);
	r.b[1] = 0;
	assert_int_equal(d_decode(&r), BRON_E_CODEC);
	r.b[1] = 2;
	assert_int_equal(d_decode(&r), BRON_E_VERSION);
	d_min(&r);
	r.n -= 3;
	assert_int_equal(d_decode(&r), BRON_E_CODEC);

	/* required: when and experience */
	r_head(&r, BRON_KIND_DISCLOSURE, 1);
	r_i64(&r, 0x02, 7);
	assert_int_equal(d_decode(&r), BRON_E_CODEC);
	r_head(&r, BRON_KIND_DISCLOSURE, 1);
	r_i64(&r, 0x01, 30);
	r_str(&r, 0x03, "collega");
	assert_int_equal(d_decode(&r), BRON_E_CODEC);
	/* the experience is never 0, and 8 bytes */
	r_head(&r, BRON_KIND_DISCLOSURE, 1);
	r_i64(&r, 0x01, 30);
	r_i64(&r, 0x02, 0);
	assert_int_equal(d_decode(&r), BRON_E_CODEC);
	r_head(&r, BRON_KIND_DISCLOSURE, 1);
	r_i64(&r, 0x01, 30);
	r_le(&r, 0x02, 7, 4);
	assert_int_equal(d_decode(&r), BRON_E_CODEC);
	r_head(&r, BRON_KIND_DISCLOSURE, 1);
	r_le(&r, 0x01, 30, 9);
	r_i64(&r, 0x02, 7);
	assert_int_equal(d_decode(&r), BRON_E_CODEC);

	/* once only */
	d_min(&r);
	r_i64(&r, 0x01, 31);
	assert_int_equal(d_decode(&r), BRON_E_CODEC);
	d_min(&r);
	r_i64(&r, 0x02, 8);
	assert_int_equal(d_decode(&r), BRON_E_CODEC);
	for (uint8_t tag = 0x03; tag <= 0x06; tag++) {
		d_min(&r);
		r_str(&r, tag, "a");
		assert_int_equal(d_decode(&r), BRON_OK);
		r_str(&r, tag, "a");
		assert_int_equal(d_decode(&r), BRON_E_CODEC);
		/* strict UTF-8 */
		d_min(&r);
		r_str(&r, tag, "a\xff");
		assert_int_equal(d_decode(&r), BRON_E_CODEC);
		d_min(&r);
		r_field(&r, tag, "\0", 1);
		assert_int_equal(d_decode(&r), BRON_E_CODEC);
	}

	/* lengths, unknown tags */
	d_min(&r);
	r.b[r.n++] = 0x03;
	r.b[r.n++] = 0x81;
	r.b[r.n++] = 0x00;
	r.b[r.n++] = 'a';
	assert_int_equal(d_decode(&r), BRON_E_CODEC);
	d_min(&r);
	r_str(&r, 0x81, "later");
	assert_int_equal(d_decode(&r), BRON_OK);
	const uint8_t unknown[] = {0x7f, 0x00, 0x07, 0x10};
	for (size_t i = 0; i < sizeof(unknown); i++) {
		d_min(&r);
		r_str(&r, unknown[i], "x");
		assert_int_equal(d_decode(&r), BRON_E_CODEC);
	}

	/* encoding */
	struct bron_disclosure d = {.when = 1, .experience = 0};
	assert_int_equal(bron_disclosure_encode(&d, &buf, &len, &err),
	                 BRON_E_INVALID);
	assert_null(buf);
	d.experience = 1;
	d.role = "\xff";
	assert_int_equal(bron_disclosure_encode(&d, &buf, &len, &err),
	                 BRON_E_INVALID);
	d.role = NULL;
	d.context = "\xc0\xaf";
	assert_int_equal(bron_disclosure_encode(&d, &buf, &len, &err),
	                 BRON_E_INVALID);
	d.context = NULL;
	d.outcome = "\xed\xbf\xbf";
	assert_int_equal(bron_disclosure_encode(&d, &buf, &len, &err),
	                 BRON_E_INVALID);
	d.outcome = NULL;
	d.differently = "\xe2\x82";
	assert_int_equal(bron_disclosure_encode(&d, &buf, &len, &err),
	                 BRON_E_INVALID);
	assert_int_equal(err.code, BRON_E_INVALID);
	assert_null(buf);
}

/* ---- the triggers plan ---- */

static void triggers_round_trip(void **state)
{
	(void)state;
	char *trig[] = {"te weinig slaap", "een verjaardag in december"};
	char *sig[] = {"ik zeg overal ja op"};
	char *helps[] = {"wandelen", "", "mijn zus bellen"};
	struct bron_triggers t = {.updated = 1764288000, .triggers = trig,
	                          .ntriggers = 2, .signals = sig,
	                          .nsignals = 1, .helps = helps, .nhelps = 3};
	struct bron_triggers u;
	uint8_t *buf, *again;
	size_t len, len2;
	assert_int_equal(bron_triggers_encode(&t, &buf, &len, NULL), BRON_OK);
	assert_int_equal(buf[0], BRON_KIND_TRIGGERS);
	assert_int_equal(buf[1], BRON_REFLECT_VERSION);
	assert_int_equal(bron_triggers_decode(buf, len, &u, NULL), BRON_OK);
	assert_int_equal(u.updated, 1764288000);
	assert_int_equal(u.ntriggers, 2);
	assert_string_equal(u.triggers[0], trig[0]);
	assert_string_equal(u.triggers[1], trig[1]);
	assert_int_equal(u.nsignals, 1);
	assert_string_equal(u.signals[0], sig[0]);
	assert_int_equal(u.nhelps, 3);
	assert_string_equal(u.helps[0], "wandelen");
	assert_string_equal(u.helps[1], "");
	assert_string_equal(u.helps[2], "mijn zus bellen");
	assert_int_equal(bron_triggers_encode(&u, &again, &len2, NULL), BRON_OK);
	assert_int_equal(len2, len);
	assert_memory_equal(again, buf, len);
	bron_secret_free(again, len2);
	bron_triggers_release(&u);
	size_t ok = 0;
	for (size_t cut = 0; cut < len; cut++) {
		if (bron_triggers_decode(buf, cut, &u, NULL) == BRON_OK)
			ok++;
		else
			assert_null(u.triggers);
		bron_triggers_release(&u);
	}
	assert_int_equal(ok, 6); /* after updated and five of the six items */
	bron_secret_free(buf, len);

	/* the lists may come in any order and interleave */
	struct rec r;
	t_min(&r);
	r_str(&r, 0x04, "h1");
	r_str(&r, 0x02, "t1");
	r_str(&r, 0x04, "h2");
	r_str(&r, 0x03, "s1");
	r_str(&r, 0x02, "t2");
	assert_int_equal(bron_triggers_decode(r.b, r.n, &u, NULL), BRON_OK);
	assert_int_equal(u.ntriggers, 2);
	assert_string_equal(u.triggers[1], "t2");
	assert_int_equal(u.nhelps, 2);
	assert_string_equal(u.helps[0], "h1");
	assert_string_equal(u.helps[1], "h2");
	assert_string_equal(u.signals[0], "s1");
	bron_triggers_release(&u);

	/* minimal: the date alone */
	struct bron_triggers m = {.updated = 40};
	t_min(&r);
	assert_int_equal(bron_triggers_encode(&m, &buf, &len, NULL), BRON_OK);
	assert_int_equal(len, r.n);
	assert_memory_equal(buf, r.b, len);
	assert_int_equal(bron_triggers_decode(buf, len, &u, NULL), BRON_OK);
	assert_int_equal(u.updated, 40);
	assert_null(u.triggers);
	assert_null(u.signals);
	assert_null(u.helps);
	assert_int_equal(u.ntriggers + u.nsignals + u.nhelps, 0);
	bron_triggers_release(&u);
	bron_secret_free(buf, len);
}

static void triggers_rejects(void **state)
{
	(void)state;
	struct rec r;
	struct bron_error err;
	uint8_t *buf = NULL;
	size_t len;

	t_min(&r);
	assert_int_equal(t_decode(&r), BRON_OK);
	t_min(&r);
	r.b[0] = BRON_KIND_DISCLOSURE;
	assert_int_equal(t_decode(&r), BRON_E_CODEC);
	t_min(&r);
	r.b[1] = 0;
	assert_int_equal(t_decode(&r), BRON_E_CODEC);
	r.b[1] = 2;
	assert_int_equal(t_decode(&r), BRON_E_VERSION);
	t_min(&r);
	r.n--;
	assert_int_equal(t_decode(&r), BRON_E_CODEC);
	/* updated: required, once, 8 bytes */
	r_head(&r, BRON_KIND_TRIGGERS, 1);
	r_str(&r, 0x02, "a");
	assert_int_equal(t_decode(&r), BRON_E_CODEC);
	r_head(&r, BRON_KIND_TRIGGERS, 1);
	assert_int_equal(t_decode(&r), BRON_E_CODEC);
	t_min(&r);
	r_i64(&r, 0x01, 41);
	assert_int_equal(t_decode(&r), BRON_E_CODEC);
	r_head(&r, BRON_KIND_TRIGGERS, 1);
	r_le(&r, 0x01, 40, 4);
	assert_int_equal(t_decode(&r), BRON_E_CODEC);
	for (uint8_t tag = 0x02; tag <= 0x04; tag++) {
		/* items may repeat, even the same text */
		t_min(&r);
		r_str(&r, tag, "a");
		r_str(&r, tag, "a");
		assert_int_equal(t_decode(&r), BRON_OK);
		r_str(&r, tag, "\xc3\x28");
		assert_int_equal(t_decode(&r), BRON_E_CODEC);
	}
	t_min(&r);
	r.b[r.n++] = 0x02;
	r.b[r.n++] = 0x80;
	r.b[r.n++] = 0x00;
	assert_int_equal(t_decode(&r), BRON_E_CODEC);
	t_min(&r);
	r_str(&r, 0x81, "later");
	assert_int_equal(t_decode(&r), BRON_OK);
	const uint8_t unknown[] = {0x7f, 0x00, 0x05};
	for (size_t i = 0; i < sizeof(unknown); i++) {
		t_min(&r);
		r_str(&r, unknown[i], "x");
		assert_int_equal(t_decode(&r), BRON_E_CODEC);
	}

	char *bad[] = {"goed", "\xff"};
	char *null_item[] = {NULL};
	struct bron_triggers t = {.updated = 1, .triggers = bad,
	                          .ntriggers = 2};
	assert_int_equal(bron_triggers_encode(&t, &buf, &len, &err),
	                 BRON_E_INVALID);
	t.ntriggers = 1;
	assert_int_equal(bron_triggers_encode(&t, &buf, &len, NULL), BRON_OK);
	bron_secret_free(buf, len);
	buf = NULL;
	t.signals = bad;
	t.nsignals = 2;
	assert_int_equal(bron_triggers_encode(&t, &buf, &len, &err),
	                 BRON_E_INVALID);
	t.nsignals = 0;
	t.helps = null_item;
	t.nhelps = 1;
	assert_int_equal(bron_triggers_encode(&t, &buf, &len, &err),
	                 BRON_E_INVALID);
	assert_int_equal(err.code, BRON_E_INVALID);
	assert_null(buf);
}

/* The three decoders refuse each other's records. */
static void kinds_apart(void **state)
{
	(void)state;
	struct rec x, d, t;
	x_min(&x);
	d_min(&d);
	t_min(&t);
	assert_int_equal(x_decode(&d), BRON_E_CODEC);
	assert_int_equal(x_decode(&t), BRON_E_CODEC);
	assert_int_equal(d_decode(&x), BRON_E_CODEC);
	assert_int_equal(d_decode(&t), BRON_E_CODEC);
	assert_int_equal(t_decode(&x), BRON_E_CODEC);
	assert_int_equal(t_decode(&d), BRON_E_CODEC);
	assert_int_equal(BRON_KIND_EXPERIENCE, 0x04);
	assert_int_equal(BRON_KIND_DISCLOSURE, 0x05);
	assert_int_equal(BRON_KIND_TRIGGERS, 0x06);
	assert_int_equal(BRON_AUD_ALL, 0x1f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(experience_round_trip),
	        cmocka_unit_test(experience_minimal),
	        cmocka_unit_test(experience_rejects),
	        cmocka_unit_test(experience_encode_rejects),
	        cmocka_unit_test(plan_failures),
	        cmocka_unit_test(phases),
	        cmocka_unit_test(release_zeroes),
	        cmocka_unit_test(disclosure_round_trip),
	        cmocka_unit_test(disclosure_rejects),
	        cmocka_unit_test(triggers_round_trip),
	        cmocka_unit_test(triggers_rejects),
	        cmocka_unit_test(kinds_apart),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
