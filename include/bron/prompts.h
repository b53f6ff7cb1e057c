/*
 * bron/prompts.h - reflection questions, and choosing one that fits.
 *
 * Every question is an English msgid (translated through gettext) tagged
 * with what it is about: a life area, a recovery phase, a recovery aspect,
 * disclosure, factors, triggers or the inventory of experiences.  The
 * chooser prefers questions about the author's gaps.
 */
#ifndef BRON_PROMPTS_H
#define BRON_PROMPTS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum bron_prompt_topic {
	BRON_PT_AREA = 0,       /* about a life area (area set) */
	BRON_PT_PHASE,          /* about a recovery phase (phase set) */
	BRON_PT_ASPECT,         /* about a recovery aspect (aspect set) */
	BRON_PT_DISCLOSURE,     /* using an experience professionally */
	BRON_PT_FACTOR,         /* what helped or hindered */
	BRON_PT_TRIGGER,        /* triggers, early signals, pitfalls */
	BRON_PT_INVENTORY,      /* listing and deciding on experiences */
	BRON_PT_COUNT
};

struct bron_prompt {
	enum bron_prompt_topic topic;
	const char *area;   /* life-area key, or NULL */
	int phase;          /* 1..4, or 0 */
	const char *aspect; /* recovery-aspect key, or NULL */
	const char *text;   /* English msgid; show it through gettext */
};

extern const struct bron_prompt bron_prompts[];
extern const size_t bron_nprompts;

/* What the journal lacks, as the caller counted it. */
struct bron_prompt_gaps {
	const char *const *empty_areas; /* area keys without any entry */
	size_t nempty_areas;
	size_t undecided;    /* experiences without a decision */
	size_t unplanned;    /* shareable experiences without a plan */
	size_t experiences;  /* experiences in the inventory */
	int phases_seen[5];  /* entries per phase 1..4 ([0] unused) */
	int has_triggers;    /* a triggers plan exists */
};

/*
 * Picks a question.  With area set, only questions for that life area (or,
 * if there are none, general ones).  Otherwise gaps come first, in this
 * order: no experiences or fewer than ten, undecided experiences, shareable
 * experiences without a plan, empty areas, phases never written about, no
 * triggers plan; with no gaps, any question.  rnd varies the choice among
 * equally good questions (the caller passes a random number).  Never NULL.
 */
const struct bron_prompt *bron_prompt_pick(const struct bron_prompt_gaps *g,
                                           const char *area, uint32_t rnd);

#ifdef __cplusplus
}
#endif
#endif
