/*
 * test_prompts.c - the catalogue of reflection questions (enough of each
 * kind, well formed, no duplicates) and bron_prompt_pick(): each gap in its
 * order, the area filter, what rnd varies, and the case without gaps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bron/prompts.h"

static const char *const area_keys[] = {
	"family-of-origin", "home", "school", "work", "friends", "leisure",
	"relationships", "parenthood", "growing-older",
};
#define NAREA_KEYS (sizeof(area_keys) / sizeof(area_keys[0]))

static const char *const aspect_keys[] = {
	"health", "daily-functioning", "social-roles", "identity",
};
#define NASPECT_KEYS (sizeof(aspect_keys) / sizeof(aspect_keys[0]))

/* Enough rnd values to reach every candidate of any set several times. */
#define SPIN 512

static size_t count_topic(enum bron_prompt_topic t)
{
	size_t n = 0;
	for (size_t i = 0; i < bron_nprompts; i++)
		n += bron_prompts[i].topic == t;
	return n;
}

static int is_area_key(const char *s)
{
	for (size_t k = 0; k < NAREA_KEYS; k++)
		if (strcmp(s, area_keys[k]) == 0)
			return 1;
	return 0;
}

static int is_aspect_key(const char *s)
{
	for (size_t k = 0; k < NASPECT_KEYS; k++)
		if (strcmp(s, aspect_keys[k]) == 0)
			return 1;
	return 0;
}

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
static int valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p++;
		int more;
		unsigned cp, min;
		if (c < 0x80)
			continue;
		else if ((c & 0xe0) == 0xc0)
			more = 1, cp = c & 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			more = 2, cp = c & 0x0f, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			more = 3, cp = c & 0x07, min = 0x10000;
		else
			return 0;
		for (int k = 0; k < more; k++, p++) {
			if ((*p & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (*p & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
	}
	return 1;
}

static void counts(void **state)
{
	(void)state;
	assert_true(bron_nprompts >= 70);
	for (size_t k = 0; k < NAREA_KEYS; k++) {
		size_t n = 0;
		for (size_t i = 0; i < bron_nprompts; i++)
			n += bron_prompts[i].topic == BRON_PT_AREA &&
			     strcmp(bron_prompts[i].area, area_keys[k]) == 0;
		if (n < 3)
			fail_msg("area %s has %zu questions", area_keys[k], n);
	}
	for (int ph = 1; ph <= 4; ph++) {
		size_t n = 0;
		for (size_t i = 0; i < bron_nprompts; i++)
			n += bron_prompts[i].topic == BRON_PT_PHASE &&
			     bron_prompts[i].phase == ph;
		if (n < 3)
			fail_msg("phase %d has %zu questions", ph, n);
	}
	for (size_t k = 0; k < NASPECT_KEYS; k++) {
		size_t n = 0;
		for (size_t i = 0; i < bron_nprompts; i++)
			n += bron_prompts[i].topic == BRON_PT_ASPECT &&
			     strcmp(bron_prompts[i].aspect, aspect_keys[k]) == 0;
		if (n < 2)
			fail_msg("aspect %s has %zu questions", aspect_keys[k], n);
	}
	assert_true(count_topic(BRON_PT_DISCLOSURE) >= 8);
	assert_true(count_topic(BRON_PT_FACTOR) >= 5);
	assert_true(count_topic(BRON_PT_TRIGGER) >= 4);
	assert_true(count_topic(BRON_PT_INVENTORY) >= 5);
}

/* The tags agree with the topic: an area only on area questions, etc. */
static void tags(void **state)
{
	(void)state;
	for (size_t i = 0; i < bron_nprompts; i++) {
		const struct bron_prompt *p = &bron_prompts[i];
		assert_true((unsigned)p->topic < BRON_PT_COUNT);
		if (p->topic == BRON_PT_AREA) {
			assert_non_null(p->area);
			if (!is_area_key(p->area))
				fail_msg("question %zu: unknown area %s", i, p->area);
		} else {
			assert_null(p->area);
		}
		if (p->topic == BRON_PT_PHASE)
			assert_in_range(p->phase, 1, 4);
		else
			assert_int_equal(p->phase, 0);
		if (p->topic == BRON_PT_ASPECT) {
			assert_non_null(p->aspect);
			if (!is_aspect_key(p->aspect))
				fail_msg("question %zu: unknown aspect %s", i,
				         p->aspect);
		} else {
			assert_null(p->aspect);
		}
	}
}

static void texts(void **state)
{
	(void)state;
	for (size_t i = 0; i < bron_nprompts; i++) {
		const char *t = bron_prompts[i].text;
		assert_non_null(t);
		size_t len = strlen(t);
		if (len < 10)
			fail_msg("question %zu is empty or too short: \"%s\"", i, t);
		if (t[len - 1] != '?' && t[len - 1] != '.')
			fail_msg("question %zu does not end in ? or .: %s", i, t);
		if (strstr(t, "  "))
			fail_msg("question %zu has a double space: %s", i, t);
		if (t[0] == ' ' || strchr(t, '\n') || strchr(t, '\t'))
			fail_msg("question %zu has odd white space: %s", i, t);
		if (!valid_utf8(t))
			fail_msg("question %zu is not valid UTF-8", i);
		for (size_t j = 0; j < i; j++)
			if (strcmp(t, bron_prompts[j].text) == 0)
				fail_msg("questions %zu and %zu are the same: %s", j,
				         i, t);
	}
}

/* A journal without any gap: enough experiences, all decided and planned,
 * every area and phase written about, a triggers plan. */
static void no_gaps(struct bron_prompt_gaps *g)
{
	memset(g, 0, sizeof(*g));
	g->experiences = 10;
	for (int ph = 1; ph <= 4; ph++)
		g->phases_seen[ph] = 1;
	g->has_triggers = 1;
}

/* A journal with every gap at once. */
static const char *const all_empty[] = {"home", "leisure"};

static void all_gaps(struct bron_prompt_gaps *g)
{
	memset(g, 0, sizeof(*g));
	g->experiences = 3;
	g->undecided = 2;
	g->unplanned = 1;
	g->empty_areas = all_empty;
	g->nempty_areas = 2;
	g->phases_seen[1] = 4;
	g->phases_seen[3] = 1;
	g->has_triggers = 0;
}

struct seen {
	size_t topic[BRON_PT_COUNT];
	size_t phase[5];
	size_t distinct;
	unsigned char hit[1024];
};

/* Picks with rnd = 0..SPIN-1; every answer must satisfy ok(). */
static void spin(const struct bron_prompt_gaps *g, const char *area,
                 int (*ok)(const struct bron_prompt *), struct seen *s,
                 const char *what)
{
	assert_true(bron_nprompts <= sizeof(s->hit));
	memset(s, 0, sizeof(*s));
	for (uint32_t r = 0; r < SPIN; r++) {
		const struct bron_prompt *p = bron_prompt_pick(g, area, r);
		assert_non_null(p);
		size_t i = (size_t)(p - bron_prompts);
		assert_true(i < bron_nprompts);
		if (!ok(p))
			fail_msg("%s: rnd %u gave question %zu (topic %d): %s", what,
			         (unsigned)r, i, (int)p->topic, p->text);
		s->topic[p->topic]++;
		if (p->topic == BRON_PT_PHASE)
			s->phase[p->phase]++;
		if (!s->hit[i]) {
			s->hit[i] = 1;
			s->distinct++;
		}
	}
	/* and the same again: the choice depends on the inputs only */
	for (uint32_t r = 0; r < SPIN; r += 7) {
		const struct bron_prompt *a = bron_prompt_pick(g, area, r);
		assert_ptr_equal(a, bron_prompt_pick(g, area, r));
	}
}

static int is_inventory(const struct bron_prompt *p)
{
	return p->topic == BRON_PT_INVENTORY;
}

static int is_deciding(const struct bron_prompt *p)
{
	return p->topic == BRON_PT_INVENTORY || p->topic == BRON_PT_DISCLOSURE;
}

static int is_disclosure(const struct bron_prompt *p)
{
	return p->topic == BRON_PT_DISCLOSURE;
}

static int is_home_or_leisure(const struct bron_prompt *p)
{
	return p->topic == BRON_PT_AREA && (strcmp(p->area, "home") == 0 ||
	                                    strcmp(p->area, "leisure") == 0);
}

static int is_phase_2_or_4(const struct bron_prompt *p)
{
	return p->topic == BRON_PT_PHASE && (p->phase == 2 || p->phase == 4);
}

static int is_trigger(const struct bron_prompt *p)
{
	return p->topic == BRON_PT_TRIGGER;
}

static int is_anything(const struct bron_prompt *p)
{
	(void)p;
	return 1;
}

/* 1: fewer than ten experiences comes before everything else. */
static void gap_few_experiences(void **state)
{
	(void)state;
	struct bron_prompt_gaps g;
	struct seen s;
	all_gaps(&g);
	spin(&g, NULL, is_inventory, &s, "few experiences, all gaps");
	assert_int_equal(s.distinct, count_topic(BRON_PT_INVENTORY));
	/* none at all is a gap too; nine is, ten is not */
	g.experiences = 0;
	spin(&g, NULL, is_inventory, &s, "no experiences");
	no_gaps(&g);
	g.experiences = 9;
	spin(&g, NULL, is_inventory, &s, "nine experiences");
	g.experiences = 10;
	spin(&g, NULL, is_anything, &s, "ten experiences");
	assert_true(s.topic[BRON_PT_AREA] > 0);
}

/* 2: undecided experiences, before the missing plans and all after. */
static void gap_undecided(void **state)
{
	(void)state;
	struct bron_prompt_gaps g;
	struct seen s;
	all_gaps(&g);
	g.experiences = 12;
	spin(&g, NULL, is_deciding, &s, "undecided, later gaps");
	/* both kinds: not the inventory-only step 1 nor the disclosure-only
	 * step 3 */
	assert_true(s.topic[BRON_PT_INVENTORY] > 0);
	assert_true(s.topic[BRON_PT_DISCLOSURE] > 0);
	assert_int_equal(s.distinct, count_topic(BRON_PT_INVENTORY) +
	                                     count_topic(BRON_PT_DISCLOSURE));
	no_gaps(&g);
	g.undecided = 1;
	spin(&g, NULL, is_deciding, &s, "undecided only");
}

/* 3: shareable experiences without a plan, before empty areas. */
static void gap_unplanned(void **state)
{
	(void)state;
	struct bron_prompt_gaps g;
	struct seen s;
	all_gaps(&g);
	g.experiences = 12;
	g.undecided = 0;
	spin(&g, NULL, is_disclosure, &s, "unplanned, later gaps");
	assert_int_equal(s.distinct, count_topic(BRON_PT_DISCLOSURE));
	no_gaps(&g);
	g.unplanned = 3;
	spin(&g, NULL, is_disclosure, &s, "unplanned only");
}

/* 4: empty life areas, only those, before unwritten phases. */
static void gap_empty_areas(void **state)
{
	(void)state;
	struct bron_prompt_gaps g;
	struct seen s;
	all_gaps(&g);
	g.experiences = 12;
	g.undecided = 0;
	g.unplanned = 0;
	spin(&g, NULL, is_home_or_leisure, &s, "empty areas, later gaps");
	size_t home = 0, leisure = 0;
	for (size_t i = 0; i < bron_nprompts; i++) {
		if (!s.hit[i])
			continue;
		home += strcmp(bron_prompts[i].area, "home") == 0;
		leisure += strcmp(bron_prompts[i].area, "leisure") == 0;
	}
	assert_true(home >= 3);
	assert_true(leisure >= 3);
	/* an area key without questions is passed over */
	static const char *const odd[] = {"nowhere", NULL};
	g.empty_areas = odd;
	g.nempty_areas = 2;
	spin(&g, NULL, is_phase_2_or_4, &s, "unknown empty area");
}

/* 5: phases never written about, before the triggers plan. */
static void gap_phases(void **state)
{
	(void)state;
	struct bron_prompt_gaps g;
	struct seen s;
	all_gaps(&g);
	g.experiences = 12;
	g.undecided = 0;
	g.unplanned = 0;
	g.nempty_areas = 0;
	spin(&g, NULL, is_phase_2_or_4, &s, "phases 2 and 4, no triggers");
	assert_true(s.phase[2] > 0);
	assert_true(s.phase[4] > 0);
	/* a single missing phase: only that one */
	no_gaps(&g);
	g.phases_seen[3] = 0;
	spin(&g, NULL, is_anything, &s, "phase 3 missing");
	assert_int_equal(s.topic[BRON_PT_PHASE], SPIN);
	assert_int_equal(s.phase[3], SPIN);
}

/* 6: no triggers plan, last of the gaps. */
static void gap_triggers(void **state)
{
	(void)state;
	struct bron_prompt_gaps g;
	struct seen s;
	no_gaps(&g);
	g.has_triggers = 0;
	spin(&g, NULL, is_trigger, &s, "no triggers plan");
	assert_int_equal(s.distinct, count_topic(BRON_PT_TRIGGER));
}

/* No gaps: any question, and with rnd = 0..n-1 each exactly once. */
static void gap_none(void **state)
{
	(void)state;
	struct bron_prompt_gaps g;
	struct seen s;
	no_gaps(&g);
	spin(&g, NULL, is_anything, &s, "no gaps");
	for (int t = 0; t < BRON_PT_COUNT; t++)
		assert_true(s.topic[t] > 0);
	assert_int_equal(s.distinct, bron_nprompts);
	unsigned char once[1024] = {0};
	for (uint32_t r = 0; r < bron_nprompts; r++) {
		const struct bron_prompt *p = bron_prompt_pick(&g, NULL, r);
		assert_int_equal(once[p - bron_prompts]++, 0);
	}
	/* a NULL gaps pointer counts as no gaps */
	for (uint32_t r = 0; r < 64; r++)
		assert_ptr_equal(bron_prompt_pick(NULL, NULL, r),
		                 bron_prompt_pick(&g, NULL, r));
}

static const char *want_area;

static int is_want_area(const struct bron_prompt *p)
{
	return p->topic == BRON_PT_AREA && strcmp(p->area, want_area) == 0;
}

static int is_general(const struct bron_prompt *p)
{
	return p->area == NULL;
}

/* With an area, only its questions, whatever the gaps say. */
static void area_filter(void **state)
{
	(void)state;
	struct bron_prompt_gaps g;
	struct seen s;
	for (size_t k = 0; k < NAREA_KEYS; k++) {
		want_area = area_keys[k];
		all_gaps(&g);
		spin(&g, want_area, is_want_area, &s, want_area);
		assert_true(s.distinct >= 3);
		no_gaps(&g);
		spin(&g, want_area, is_want_area, &s, want_area);
		spin(NULL, want_area, is_want_area, &s, want_area);
	}
	/* an unknown area falls back to general questions, never NULL */
	all_gaps(&g);
	spin(&g, "nowhere", is_general, &s, "unknown area");
	spin(&g, "", is_general, &s, "empty area");
	spin(&g, "Work", is_general, &s, "area in capitals");
	assert_true(s.distinct > 10);
	assert_int_equal(s.topic[BRON_PT_AREA], 0);
}

/* rnd varies the answer, also at its extremes. */
static void rnd_varies(void **state)
{
	(void)state;
	struct bron_prompt_gaps g;
	all_gaps(&g);
	const struct bron_prompt *a = bron_prompt_pick(&g, NULL, 0);
	assert_ptr_not_equal(a, bron_prompt_pick(&g, NULL, 1));
	a = bron_prompt_pick(&g, "work", 0);
	assert_ptr_not_equal(a, bron_prompt_pick(&g, "work", 1));
	assert_non_null(bron_prompt_pick(&g, NULL, UINT32_MAX));
	assert_non_null(bron_prompt_pick(NULL, NULL, UINT32_MAX));
	assert_non_null(bron_prompt_pick(NULL, "nowhere", UINT32_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts),
		cmocka_unit_test(tags),
		cmocka_unit_test(texts),
		cmocka_unit_test(gap_few_experiences),
		cmocka_unit_test(gap_undecided),
		cmocka_unit_test(gap_unplanned),
		cmocka_unit_test(gap_empty_areas),
		cmocka_unit_test(gap_phases),
		cmocka_unit_test(gap_triggers),
		cmocka_unit_test(gap_none),
		cmocka_unit_test(area_filter),
		cmocka_unit_test(rnd_varies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
