/*
 * test_entry.c - the entry codec: round trips, and strictness on every kind
 * of malformed payload.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

static void fill(struct bron_entry *e)
{
	bron_entry_init(e);
	e->created = 1764288000; /* 2025-11-28 */
	e->updated = -5;         /* any 64-bit value survives */
	e->title = strdup("Thuisbezoek, en wat het bij mij losmaakte");
	e->body = strdup("Regel één\nRegel twee met é, ñ en 🌱.\n");
	e->area = strdup("family-of-origin");
	assert_int_equal(bron_entry_add_tag(e, "scheiding", NULL), BRON_OK);
	assert_int_equal(bron_entry_add_tag(e, "jeugd", NULL), BRON_OK);
	assert_int_equal(bron_entry_set_level(e, BRON_LEVEL_NOT_YET, 100,
	                                      "nog te rauw", NULL),
	                 BRON_OK);
	assert_int_equal(bron_entry_set_level(e, BRON_LEVEL_SHAREABLE, 200, NULL,
	                                      NULL),
	                 BRON_OK);
}

static uint8_t *encode(const struct bron_entry *e, size_t *len)
{
	uint8_t *buf = NULL;
	struct bron_error err;
	if (bron_entry_encode(e, &buf, len, &err) != BRON_OK)
		fail_msg("encode: %s", err.msg);
	return buf;
}

static void round_trip(void **state)
{
	(void)state;
	struct bron_entry a, b;
	size_t len;
	fill(&a);
	uint8_t *buf = encode(&a, &len);
	assert_int_equal(buf[0], BRON_KIND_ENTRY);
	assert_int_equal(buf[1], BRON_ENTRY_VERSION);
	assert_int_equal(bron_entry_decode(buf, len, &b, NULL), BRON_OK);
	assert_int_equal(b.created, a.created);
	assert_int_equal(b.updated, a.updated);
	assert_int_equal(b.level, BRON_LEVEL_SHAREABLE);
	assert_string_equal(b.title, a.title);
	assert_string_equal(b.body, a.body);
	assert_string_equal(b.area, a.area);
	assert_int_equal(b.ntags, 2);
	assert_string_equal(b.tags[0], "scheiding");
	assert_string_equal(b.tags[1], "jeugd");
	assert_int_equal(b.nhistory, 2);
	assert_int_equal(b.history[0].from, BRON_LEVEL_PRIVATE);
	assert_int_equal(b.history[0].to, BRON_LEVEL_NOT_YET);
	assert_int_equal(b.history[0].when, 100);
	assert_string_equal(b.history[0].why, "nog te rauw");
	assert_null(b.history[1].why);
	bron_entry_release(&b);
	bron_entry_release(&a);
	assert_null(a.title);
	bron_secret_free(buf, len);
}

static void summary_leaves_out_the_text(void **state)
{
	(void)state;
	struct bron_entry a, b;
	size_t len;
	fill(&a);
	uint8_t *buf = encode(&a, &len);
	assert_int_equal(bron_entry_decode_summary(buf, len, &b, NULL), BRON_OK);
	assert_null(b.body);
	assert_string_equal(b.title, a.title);
	assert_int_equal(b.ntags, 2);
	assert_int_equal(b.nhistory, 2);
	bron_entry_release(&b);
	bron_entry_release(&a);
	bron_secret_free(buf, len);
	/* The text is still checked, though not kept. */
	const uint8_t bad_body[] = {1, 1, 0x01, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	                            0x02, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	                            0x03, 1, 0, 0x05, 1, 0xff};
	assert_int_equal(bron_entry_decode_summary(bad_body, sizeof(bad_body), &b,
	                                           NULL),
	                 BRON_E_CODEC);
	const uint8_t two_bodies[] = {1, 1, 0x01, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	                              0x02, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	                              0x03, 1, 0, 0x05, 1, 'a', 0x05, 1, 'b'};
	assert_int_equal(bron_entry_decode_summary(two_bodies, sizeof(two_bodies),
	                                           &b, NULL),
	                 BRON_E_CODEC);
}

static void empty_entry(void **state)
{
	(void)state;
	struct bron_entry a, b;
	size_t len;
	bron_entry_init(&a);
	uint8_t *buf = encode(&a, &len);
	assert_int_equal(bron_entry_decode(buf, len, &b, NULL), BRON_OK);
	assert_int_equal(b.level, BRON_LEVEL_PRIVATE);
	assert_null(b.title);
	assert_null(b.body);
	assert_int_equal(b.ntags, 0);
	bron_entry_release(&b);
	bron_secret_free(buf, len);
}

/* Every strict prefix of a valid payload is rejected, and nothing leaks. */
static void truncations(void **state)
{
	(void)state;
	struct bron_entry a, b;
	size_t len;
	fill(&a);
	uint8_t *buf = encode(&a, &len);
	size_t accepted = 0;
	for (size_t n = 0; n < len; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, buf, n);
		bron_err e = bron_entry_decode(copy, n, &b, NULL);
		if (e == BRON_OK) {
			/* Only a cut between whole fields after the required ones. */
			accepted++;
			bron_entry_release(&b);
		} else {
			assert_int_equal(e, BRON_E_CODEC);
			assert_null(b.title);
			assert_int_equal(b.ntags, 0);
		}
		free(copy);
	}
	/* Cuts inside a field are never accepted: at most one per field. */
	assert_true(accepted <= 8);
	bron_entry_release(&a);
	bron_secret_free(buf, len);
}

static bron_err decode_bytes(const uint8_t *p, size_t n)
{
	struct bron_entry e;
	bron_err rc = bron_entry_decode(p, n, &e, NULL);
	bron_entry_release(&e);
	return rc;
}

#define REQUIRED                                                          \
	0x01, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 8, 0, 0, 0, 0, 0, 0, 0, 0, \
	        0x03, 1, 0

static void strictness(void **state)
{
	(void)state;
	const uint8_t ok[] = {1, 1, REQUIRED};
	assert_int_equal(decode_bytes(ok, sizeof(ok)), BRON_OK);

	const uint8_t newer[] = {1, 2, REQUIRED};
	assert_int_equal(decode_bytes(newer, sizeof(newer)), BRON_E_VERSION);

	const uint8_t other_kind[] = {2, 1, REQUIRED};
	assert_int_equal(decode_bytes(other_kind, sizeof(other_kind)),
	                 BRON_E_CODEC);

	const uint8_t no_level[] = {1, 1, 0x01, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	                            0x02, 8, 0, 0, 0, 0, 0, 0, 0, 0};
	assert_int_equal(decode_bytes(no_level, sizeof(no_level)), BRON_E_CODEC);

	const uint8_t bad_level[] = {1, 1, 0x01, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	                             0x02, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	                             0x03, 1, 3};
	assert_int_equal(decode_bytes(bad_level, sizeof(bad_level)),
	                 BRON_E_CODEC);

	const uint8_t two_levels[] = {1, 1, REQUIRED, 0x03, 1, 2};
	assert_int_equal(decode_bytes(two_levels, sizeof(two_levels)),
	                 BRON_E_CODEC);

	const uint8_t two_titles[] = {1, 1, REQUIRED, 0x04, 1, 'a', 0x04, 1, 'b'};
	assert_int_equal(decode_bytes(two_titles, sizeof(two_titles)),
	                 BRON_E_CODEC);

	const uint8_t unknown_critical[] = {1, 1, REQUIRED, 0x40, 1, 'x'};
	assert_int_equal(decode_bytes(unknown_critical, sizeof(unknown_critical)),
	                 BRON_E_CODEC);

	/* (0x90 is a kind of experience now: 0xa0 is still unknown) */
	const uint8_t unknown_optional[] = {1, 1, REQUIRED, 0xa0, 2, 'x', 'y'};
	assert_int_equal(decode_bytes(unknown_optional, sizeof(unknown_optional)),
	                 BRON_OK);

	const uint8_t nul_in_title[] = {1, 1, REQUIRED, 0x04, 3, 'a', 0, 'b'};
	assert_int_equal(decode_bytes(nul_in_title, sizeof(nul_in_title)),
	                 BRON_E_CODEC);

	const uint8_t overlong[] = {1, 1, REQUIRED, 0x04, 2, 0xc0, 0xaf};
	assert_int_equal(decode_bytes(overlong, sizeof(overlong)), BRON_E_CODEC);

	const uint8_t surrogate[] = {1, 1, REQUIRED, 0x04, 3, 0xed, 0xa0, 0x80};
	assert_int_equal(decode_bytes(surrogate, sizeof(surrogate)), BRON_E_CODEC);

	const uint8_t long_len[] = {1, 1, REQUIRED, 0x04, 0xff, 0xff, 0xff,
	                            0xff, 0xff, 0x01};
	assert_int_equal(decode_bytes(long_len, sizeof(long_len)), BRON_E_CODEC);

	const uint8_t len_past_end[] = {1, 1, REQUIRED, 0x05, 10, 'a'};
	assert_int_equal(decode_bytes(len_past_end, sizeof(len_past_end)),
	                 BRON_E_CODEC);

	const uint8_t version0[] = {1, 0, REQUIRED};
	assert_int_equal(decode_bytes(version0, sizeof(version0)), BRON_E_CODEC);

	const uint8_t long_form_len[] = {1, 1, REQUIRED, 0x04, 0x81, 0x00, 'a'};
	assert_int_equal(decode_bytes(long_form_len, sizeof(long_form_len)),
	                 BRON_E_CODEC);

	const uint8_t short_history[] = {1, 1, REQUIRED, 0x08, 9,
	                                 0, 0, 0, 0, 0, 0, 0, 0, 0};
	assert_int_equal(decode_bytes(short_history, sizeof(short_history)),
	                 BRON_E_CODEC);
}

/* ---- the reflection fields (tags 0x90-0x97) ---- */

static void fill_reflection(struct bron_entry *e)
{
	fill(e);
	assert_int_equal(bron_strlist_add(&e->kinds, &e->nkinds, "loss", NULL),
	                 BRON_OK);
	assert_int_equal(bron_strlist_add(&e->kinds, &e->nkinds, "illness",
	                                  NULL),
	                 BRON_OK);
	e->phase = 3;
	assert_int_equal(bron_strlist_add(&e->aspects, &e->naspects, "identity",
	                                  NULL),
	                 BRON_OK);
	assert_int_equal(bron_strlist_add(&e->helped, &e->nhelped,
	                                  "peer-support", NULL),
	                 BRON_OK);
	assert_int_equal(bron_strlist_add(&e->helped, &e->nhelped,
	                                  "mijn zus, één keer per week", NULL),
	                 BRON_OK);
	assert_int_equal(bron_strlist_add(&e->hindered, &e->nhindered, "stigma",
	                                  NULL),
	                 BRON_OK);
	e->experience = 0x8123456789abcdefULL;
	assert_int_equal(bron_entry_add_part(e, 1, "Eerst alleen maar paniek.",
	                                     NULL),
	                 BRON_OK);
	assert_int_equal(bron_entry_add_part(e, 3, "Later kon ik erover praten.",
	                                     NULL),
	                 BRON_OK);
	assert_int_equal(bron_entry_add_part(e, 2, "Toen toch weer terug 🌧.",
	                                     NULL),
	                 BRON_OK);
	e->draft = 1;
}

static void reflection_round_trip(void **state)
{
	(void)state;
	struct bron_entry a, b;
	size_t len, len2;
	fill_reflection(&a);
	uint8_t *buf = encode(&a, &len);
	assert_int_equal(bron_entry_decode(buf, len, &b, NULL), BRON_OK);
	/* the old fields are untouched */
	assert_string_equal(b.title, a.title);
	assert_string_equal(b.body, a.body);
	assert_int_equal(b.ntags, 2);
	assert_int_equal(b.nhistory, 2);
	assert_int_equal(b.level, BRON_LEVEL_SHAREABLE);
	/* and the new ones come back in order */
	assert_int_equal(b.nkinds, 2);
	assert_string_equal(b.kinds[0], "loss");
	assert_string_equal(b.kinds[1], "illness");
	assert_int_equal(b.phase, 3);
	assert_int_equal(b.naspects, 1);
	assert_string_equal(b.aspects[0], "identity");
	assert_int_equal(b.nhelped, 2);
	assert_string_equal(b.helped[0], "peer-support");
	assert_string_equal(b.helped[1], "mijn zus, één keer per week");
	assert_int_equal(b.nhindered, 1);
	assert_string_equal(b.hindered[0], "stigma");
	assert_true(b.experience == 0x8123456789abcdefULL);
	assert_int_equal(b.nstory, 3);
	assert_int_equal(b.story[0].phase, 1);
	assert_string_equal(b.story[0].text, "Eerst alleen maar paniek.");
	assert_int_equal(b.story[1].phase, 3);
	assert_string_equal(b.story[1].text, "Later kon ik erover praten.");
	assert_int_equal(b.story[2].phase, 2); /* a step back, 3 to 2 */
	assert_string_equal(b.story[2].text, "Toen toch weer terug 🌧.");
	assert_int_equal(b.draft, 1);
	/* canonical: the decoded entry encodes to the same bytes */
	uint8_t *again = encode(&b, &len2);
	assert_int_equal(len2, len);
	assert_memory_equal(again, buf, len);
	bron_secret_free(again, len2);
	/* the step back shows in the text as the author reads it */
	char *text;
	size_t tlen;
	assert_int_equal(bron_entry_text(&b, &text, &tlen, NULL), BRON_OK);
	assert_non_null(strstr(text, "-- Phase 3: "));
	assert_non_null(strstr(text, "-- Back to phase 2: "));
	assert_null(strstr(text, "-- Phase 2: "));
	assert_int_equal(strlen(text), tlen);
	bron_secret_free(text, tlen + 1);
	bron_entry_release(&b);
	assert_null(b.kinds);
	assert_null(b.story);
	assert_int_equal(b.nstory, 0);
	assert_int_equal(b.phase, 0);
	assert_int_equal(b.draft, 0);
	assert_int_equal(b.experience, 0);
	/* every cut inside a field is rejected; the cuts at a field boundary
	 * after the required fields are shorter valid entries: after level,
	 * title, body, area, 2 tags, 2 level changes, 2 kinds, phase, aspect,
	 * 2 helped, hindered, experience, 3 parts (the last before draft) */
	size_t accepted = 0;
	for (size_t n = 0; n < len; n++) {
		if (bron_entry_decode(buf, n, &b, NULL) == BRON_OK)
			accepted++;
		else
			assert_null(b.story);
		bron_entry_release(&b);
	}
	assert_int_equal(accepted, 19);
	bron_entry_release(&a);
	bron_secret_free(buf, len);
}

static void reflection_summary(void **state)
{
	(void)state;
	struct bron_entry a, b;
	size_t len;
	fill_reflection(&a);
	uint8_t *buf = encode(&a, &len);
	assert_int_equal(bron_entry_decode_summary(buf, len, &b, NULL), BRON_OK);
	assert_null(b.body);
	assert_string_equal(b.title, a.title);
	assert_int_equal(b.nkinds, 2);
	assert_string_equal(b.kinds[1], "illness");
	assert_int_equal(b.phase, 3);
	assert_int_equal(b.naspects, 1);
	assert_int_equal(b.nhelped, 2);
	assert_string_equal(b.helped[1], a.helped[1]);
	assert_int_equal(b.nhindered, 1);
	assert_true(b.experience == a.experience);
	assert_int_equal(b.draft, 1);
	/* the parts are there with their phases, their texts are not */
	assert_int_equal(b.nstory, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(b.story[i].phase, a.story[i].phase);
		assert_null(b.story[i].text);
	}
	bron_entry_release(&b);
	assert_int_equal(b.nstory, 0);
	bron_entry_release(&a);
	bron_secret_free(buf, len);
	/* a part's text is still checked, though not kept */
	const uint8_t bad_part[] = {1, 1, REQUIRED, 0x96, 3, 2, 'a', 0xff};
	assert_int_equal(bron_entry_decode_summary(bad_part, sizeof(bad_part),
	                                           &b, NULL),
	                 BRON_E_CODEC);
	assert_null(b.story);
	assert_int_equal(b.nstory, 0);
	assert_int_equal(decode_bytes(bad_part, sizeof(bad_part)), BRON_E_CODEC);
	const uint8_t nul_part[] = {1, 1, REQUIRED, 0x96, 3, 2, 'a', 0};
	assert_int_equal(bron_entry_decode_summary(nul_part, sizeof(nul_part),
	                                           &b, NULL),
	                 BRON_E_CODEC);
	const uint8_t bad_phase[] = {1, 1, REQUIRED, 0x96, 2, 5, 'a'};
	assert_int_equal(bron_entry_decode_summary(bad_phase, sizeof(bad_phase),
	                                           &b, NULL),
	                 BRON_E_CODEC);
	const uint8_t good_part[] = {1, 1, REQUIRED, 0x96, 2, 4, 'a'};
	assert_int_equal(bron_entry_decode_summary(good_part, sizeof(good_part),
	                                           &b, NULL),
	                 BRON_OK);
	assert_int_equal(b.nstory, 1);
	assert_int_equal(b.story[0].phase, 4);
	assert_null(b.story[0].text);
	bron_entry_release(&b);
}

static void reflection_strictness(void **state)
{
	(void)state;
	struct bron_entry e;

	/* the phase: 1 to 4, one byte, at most once */
	for (uint8_t p = 0; p <= 5; p++) {
		const uint8_t one[] = {1, 1, REQUIRED, 0x91, 1, p};
		bron_err want = p >= 1 && p <= 4 ? BRON_OK : BRON_E_CODEC;
		assert_int_equal(bron_entry_decode(one, sizeof(one), &e, NULL),
		                 want);
		assert_int_equal(e.phase, want == BRON_OK ? p : 0);
		bron_entry_release(&e);
	}
	const uint8_t phase_ff[] = {1, 1, REQUIRED, 0x91, 1, 0xff};
	assert_int_equal(decode_bytes(phase_ff, sizeof(phase_ff)), BRON_E_CODEC);
	const uint8_t two_phases[] = {1, 1, REQUIRED, 0x91, 1, 2, 0x91, 1, 2};
	assert_int_equal(decode_bytes(two_phases, sizeof(two_phases)),
	                 BRON_E_CODEC);
	const uint8_t phase_len2[] = {1, 1, REQUIRED, 0x91, 2, 2, 0};
	assert_int_equal(decode_bytes(phase_len2, sizeof(phase_len2)),
	                 BRON_E_CODEC);
	const uint8_t phase_len0[] = {1, 1, REQUIRED, 0x91, 0};
	assert_int_equal(decode_bytes(phase_len0, sizeof(phase_len0)),
	                 BRON_E_CODEC);

	/* the experience: 8 bytes, not 0, at most once */
	const uint8_t exp_ok[] = {1, 1, REQUIRED, 0x95, 8, 1, 0, 0, 0,
	                          0, 0, 0, 0};
	assert_int_equal(bron_entry_decode(exp_ok, sizeof(exp_ok), &e, NULL),
	                 BRON_OK);
	assert_int_equal(e.experience, 1);
	bron_entry_release(&e);
	const uint8_t exp_zero[] = {1, 1, REQUIRED, 0x95, 8, 0, 0, 0, 0,
	                            0, 0, 0, 0};
	assert_int_equal(bron_entry_decode(exp_zero, sizeof(exp_zero), &e, NULL),
	                 BRON_E_CODEC);
	assert_int_equal(e.experience, 0);
	const uint8_t exp_short[] = {1, 1, REQUIRED, 0x95, 4, 1, 0, 0, 0};
	assert_int_equal(decode_bytes(exp_short, sizeof(exp_short)),
	                 BRON_E_CODEC);
	const uint8_t two_exps[] = {1, 1, REQUIRED, 0x95, 8, 1, 0, 0, 0, 0, 0, 0,
	                            0, 0x95, 8, 2, 0, 0, 0, 0, 0, 0, 0};
	assert_int_equal(decode_bytes(two_exps, sizeof(two_exps)), BRON_E_CODEC);

	/* a story part: phase 1 to 4, then the text (which may be empty) */
	const uint8_t part0[] = {1, 1, REQUIRED, 0x96, 2, 0, 'a'};
	assert_int_equal(decode_bytes(part0, sizeof(part0)), BRON_E_CODEC);
	const uint8_t part5[] = {1, 1, REQUIRED, 0x96, 2, 5, 'a'};
	assert_int_equal(decode_bytes(part5, sizeof(part5)), BRON_E_CODEC);
	const uint8_t part_empty[] = {1, 1, REQUIRED, 0x96, 0};
	assert_int_equal(decode_bytes(part_empty, sizeof(part_empty)),
	                 BRON_E_CODEC);
	const uint8_t part_no_text[] = {1, 1, REQUIRED, 0x96, 1, 4};
	assert_int_equal(bron_entry_decode(part_no_text, sizeof(part_no_text), &e,
	                                   NULL),
	                 BRON_OK);
	assert_int_equal(e.nstory, 1);
	assert_int_equal(e.story[0].phase, 4);
	assert_string_equal(e.story[0].text, "");
	bron_entry_release(&e);
	const uint8_t part_bad_text[] = {1, 1, REQUIRED, 0x96, 3, 1, 0xc0, 0xaf};
	assert_int_equal(decode_bytes(part_bad_text, sizeof(part_bad_text)),
	                 BRON_E_CODEC);
	/* parts repeat, and may step back */
	const uint8_t parts[] = {1, 1, REQUIRED, 0x96, 2, 4, 'a', 0x96, 2, 1,
	                         'b', 0x96, 2, 4, 'a'};
	assert_int_equal(bron_entry_decode(parts, sizeof(parts), &e, NULL),
	                 BRON_OK);
	assert_int_equal(e.nstory, 3);
	assert_int_equal(e.story[1].phase, 1);
	assert_string_equal(e.story[2].text, "a");
	bron_entry_release(&e);

	/* draft: the single byte 1, at most once */
	const uint8_t draft1[] = {1, 1, REQUIRED, 0x97, 1, 1};
	assert_int_equal(bron_entry_decode(draft1, sizeof(draft1), &e, NULL),
	                 BRON_OK);
	assert_int_equal(e.draft, 1);
	bron_entry_release(&e);
	const uint8_t draft0[] = {1, 1, REQUIRED, 0x97, 1, 0};
	assert_int_equal(decode_bytes(draft0, sizeof(draft0)), BRON_E_CODEC);
	const uint8_t draft2[] = {1, 1, REQUIRED, 0x97, 1, 2};
	assert_int_equal(decode_bytes(draft2, sizeof(draft2)), BRON_E_CODEC);
	const uint8_t draft_len0[] = {1, 1, REQUIRED, 0x97, 0};
	assert_int_equal(decode_bytes(draft_len0, sizeof(draft_len0)),
	                 BRON_E_CODEC);
	const uint8_t draft_len2[] = {1, 1, REQUIRED, 0x97, 2, 1, 1};
	assert_int_equal(decode_bytes(draft_len2, sizeof(draft_len2)),
	                 BRON_E_CODEC);
	const uint8_t two_drafts[] = {1, 1, REQUIRED, 0x97, 1, 1, 0x97, 1, 1};
	assert_int_equal(decode_bytes(two_drafts, sizeof(two_drafts)),
	                 BRON_E_CODEC);

	/* the lists: any number, strict UTF-8, empty strings kept */
	for (uint8_t tag = 0x90; tag <= 0x94; tag++) {
		if (tag == 0x91)
			continue;
		const uint8_t two[] = {1, 1, REQUIRED, tag, 1, 'a', tag, 0};
		assert_int_equal(bron_entry_decode(two, sizeof(two), &e, NULL),
		                 BRON_OK);
		char **list = tag == 0x90 ? e.kinds
		              : tag == 0x92 ? e.aspects
		              : tag == 0x93 ? e.helped
		                            : e.hindered;
		size_t n = tag == 0x90 ? e.nkinds
		           : tag == 0x92 ? e.naspects
		           : tag == 0x93 ? e.nhelped
		                         : e.nhindered;
		assert_int_equal(n, 2);
		assert_string_equal(list[0], "a");
		assert_string_equal(list[1], "");
		assert_int_equal(e.nkinds + e.naspects + e.nhelped + e.nhindered,
		                 2);
		bron_entry_release(&e);
		const uint8_t bad[] = {1, 1, REQUIRED, tag, 1, 'a', tag, 1, 0x80};
		assert_int_equal(decode_bytes(bad, sizeof(bad)), BRON_E_CODEC);
		const uint8_t nul[] = {1, 1, REQUIRED, tag, 1, 0};
		assert_int_equal(decode_bytes(nul, sizeof(nul)), BRON_E_CODEC);
	}

	/* the optional tags around them are still skipped */
	const uint8_t around[] = {1, 1, REQUIRED, 0x8f, 1, 0xff, 0x98, 1, 0,
	                          0xff, 0};
	assert_int_equal(bron_entry_decode(around, sizeof(around), &e, NULL),
	                 BRON_OK);
	assert_int_equal(e.nkinds + e.nstory + (size_t)e.draft, 0);
	bron_entry_release(&e);
}

static void reflection_encode_rejects(void **state)
{
	(void)state;
	struct bron_entry e;
	struct bron_error err;
	uint8_t *buf = NULL;
	size_t len;
	bron_entry_init(&e);
	e.phase = 7;
	assert_int_equal(bron_entry_encode(&e, &buf, &len, &err), BRON_E_INVALID);
	e.phase = 5;
	assert_int_equal(bron_entry_encode(&e, &buf, &len, &err), BRON_E_INVALID);
	e.phase = -1;
	assert_int_equal(bron_entry_encode(&e, &buf, &len, &err), BRON_E_INVALID);
	assert_null(buf);
	e.phase = 4;
	assert_int_equal(bron_entry_encode(&e, &buf, &len, &err), BRON_OK);
	bron_secret_free(buf, len);
	buf = NULL;
	e.phase = 0;

	/* bron_entry_add_part checks what it adds */
	assert_int_equal(bron_entry_add_part(&e, 0, "a", &err), BRON_E_INVALID);
	assert_int_equal(bron_entry_add_part(&e, 5, "a", &err), BRON_E_INVALID);
	assert_int_equal(bron_entry_add_part(&e, 2, NULL, &err), BRON_E_INVALID);
	assert_int_equal(bron_entry_add_part(&e, 2, "\xff", &err),
	                 BRON_E_INVALID);
	assert_int_equal(e.nstory, 0);
	assert_int_equal(bron_entry_add_part(&e, 2, "a", &err), BRON_OK);
	assert_int_equal(e.nstory, 1);
	/* the encoder checks what was put there by hand */
	e.story[0].phase = 0;
	assert_int_equal(bron_entry_encode(&e, &buf, &len, &err), BRON_E_INVALID);
	assert_int_equal(err.code, BRON_E_INVALID);
	e.story[0].phase = 5;
	assert_int_equal(bron_entry_encode(&e, &buf, &len, &err), BRON_E_INVALID);
	e.story[0].phase = 2;
	char *text = e.story[0].text;
	e.story[0].text = NULL; /* as a summary leaves it */
	assert_int_equal(bron_entry_encode(&e, &buf, &len, &err), BRON_E_INVALID);
	e.story[0].text = text;
	assert_null(buf);
	assert_int_equal(bron_entry_encode(&e, &buf, &len, &err), BRON_OK);
	bron_secret_free(buf, len);
	buf = NULL;

	/* string lists */
	assert_int_equal(bron_strlist_add(&e.helped, &e.nhelped, NULL, &err),
	                 BRON_E_INVALID);
	assert_int_equal(bron_strlist_add(&e.helped, &e.nhelped, "\xc0\x80",
	                                  &err),
	                 BRON_E_INVALID);
	assert_int_equal(e.nhelped, 0);
	for (int i = 0; i < 9; i++)
		assert_int_equal(bron_strlist_add(&e.aspects, &e.naspects, "x",
		                                  &err),
		                 BRON_OK);
	assert_int_equal(e.naspects, 9);
	bron_strlist_clear(&e.aspects, &e.naspects);
	assert_null(e.aspects);
	assert_int_equal(e.naspects, 0);
	bron_strlist_clear(&e.aspects, &e.naspects); /* twice is harmless */
	assert_int_equal(bron_strlist_add(&e.aspects, &e.naspects, "y", &err),
	                 BRON_OK);
	assert_string_equal(e.aspects[0], "y");
	/* an item put there by hand is checked by the encoder */
	free(e.aspects[0]);
	e.aspects[0] = strdup("bad \xfe");
	assert_int_equal(bron_entry_encode(&e, &buf, &len, &err), BRON_E_INVALID);
	assert_null(buf);
	bron_entry_release(&e);
}

/* An entry written before the reflection fields decodes with them empty,
 * and an entry without them is written exactly as before. */
static void reflection_old_entry(void **state)
{
	(void)state;
	const uint8_t old[] = {1, 1, REQUIRED, 0x04, 1, 't', 0x07, 1, 'g'};
	struct bron_entry e;
	assert_int_equal(bron_entry_decode(old, sizeof(old), &e, NULL), BRON_OK);
	assert_string_equal(e.title, "t");
	assert_int_equal(e.ntags, 1);
	assert_null(e.kinds);
	assert_int_equal(e.nkinds, 0);
	assert_int_equal(e.phase, 0);
	assert_null(e.aspects);
	assert_int_equal(e.naspects, 0);
	assert_null(e.helped);
	assert_int_equal(e.nhelped, 0);
	assert_null(e.hindered);
	assert_int_equal(e.nhindered, 0);
	assert_int_equal(e.experience, 0);
	assert_null(e.story);
	assert_int_equal(e.nstory, 0);
	assert_int_equal(e.draft, 0);
	size_t len;
	uint8_t *buf = encode(&e, &len);
	assert_int_equal(len, sizeof(old));
	assert_memory_equal(buf, old, len);
	bron_secret_free(buf, len);
	bron_entry_release(&e);
}

static void encode_rejects_bad_text(void **state)
{
	(void)state;
	struct bron_entry e;
	struct bron_error err;
	uint8_t *buf = NULL;
	size_t len;
	bron_entry_init(&e);
	e.title = strdup("bad \xff byte");
	assert_int_equal(bron_entry_encode(&e, &buf, &len, &err), BRON_E_INVALID);
	assert_null(buf);
	free(e.title);
	e.title = NULL;
	e.level = (enum bron_level)7;
	assert_int_equal(bron_entry_encode(&e, &buf, &len, &err), BRON_E_INVALID);
	assert_int_equal(bron_entry_add_tag(&e, "\xc0\x80", &err), BRON_E_INVALID);
	bron_entry_release(&e);
}

/* Entries stored in the vault come back whole. */
static void through_the_vault(void **state)
{
	(void)state;
	struct tmpdir t;
	struct bron_entry a, b;
	size_t len, got;
	uint8_t *data;
	tmpdir_make(&t);
	struct bron_vault *v = vault_new(&t, NULL);
	fill(&a);
	uint8_t *buf = encode(&a, &len);
	bron_id id = 0;
	assert_int_equal(bron_vault_put(v, &id, 0, buf, len, NULL, NULL), BRON_OK);
	assert_int_equal(bron_vault_get(v, id, &data, &got, NULL, NULL), BRON_OK);
	assert_int_equal(bron_entry_decode(data, got, &b, NULL), BRON_OK);
	assert_string_equal(b.body, a.body);
	bron_entry_release(&a);
	bron_entry_release(&b);
	bron_secret_free(buf, len);
	bron_secret_free(data, got);
	bron_vault_free(v);
	tmpdir_remove(&t);
}

int main(void)
{
	assert_int_equal(bron_init(NULL), BRON_OK);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(round_trip),
	        cmocka_unit_test(summary_leaves_out_the_text),
	        cmocka_unit_test(empty_entry),
	        cmocka_unit_test(truncations),
	        cmocka_unit_test(strictness),
	        cmocka_unit_test(encode_rejects_bad_text),
	        cmocka_unit_test(reflection_round_trip),
	        cmocka_unit_test(reflection_summary),
	        cmocka_unit_test(reflection_strictness),
	        cmocka_unit_test(reflection_encode_rejects),
	        cmocka_unit_test(reflection_old_entry),
	        cmocka_unit_test(through_the_vault),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
