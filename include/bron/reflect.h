/*
 * bron/reflect.h - the records of guided reflection: experiences (with
 * their disclosure plan), the log of disclosures, and the triggers plan.
 *
 * Each is its own record kind in the vault, encrypted and covered by the
 * manifest like entries; the byte layouts are versioned tag-length-value
 * lists, documented in docs/FORMAT.md.
 *
 * Ownership: decoders fill structs whose strings and arrays they allocate;
 * the matching release function wipes and frees them (and leaves the struct
 * zeroed).  Encoders return a buffer the caller frees with
 * bron_secret_free(buf, len).
 */
#ifndef BRON_REFLECT_H
#define BRON_REFLECT_H

#include <stddef.h>
#include <stdint.h>

#include "bron/chart.h"
#include "bron/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BRON_KIND_EXPERIENCE 0x04
#define BRON_KIND_DISCLOSURE 0x05
#define BRON_KIND_TRIGGERS 0x06
#define BRON_REFLECT_VERSION 1

/* No decision yet; otherwise an experience's decision is a bron_level. */
#define BRON_UNDECIDED (-1)

/* Who a disclosure plan is for: bits of bron_plan.audience. */
enum bron_audience {
	BRON_AUD_CLIENT = 1u << 0,
	BRON_AUD_COLLEAGUE = 1u << 1,
	BRON_AUD_TEAM = 1u << 2,       /* team or organisation */
	BRON_AUD_SUPERVISOR = 1u << 3,
	BRON_AUD_INTERVISION = 1u << 4,
	BRON_AUD_ALL = (1u << 5) - 1,
};

/* The questions of the functional check, in the order they are asked. */
enum bron_check {
	BRON_CHECK_FITS = 0,     /* fits what the other is living through */
	BRON_CHECK_RELEVANT,     /* relevant to the topic */
	BRON_CHECK_FOCUS,        /* keeps the focus on the other */
	BRON_CHECK_WORKED,       /* worked through enough */
	BRON_CHECK_RAW,          /* still too raw (here "yes" fails) */
	BRON_CHECK_COUNT
};

/* An answer: 0 not answered, 1 yes, 2 no. */
#define BRON_ANSWER_YES 1
#define BRON_ANSWER_NO 2

struct bron_plan {
	int64_t made;        /* when the plan was last written; 0: no plan */
	char *what;          /* what exactly I would share */
	char *why;           /* and for what purpose */
	unsigned audience;   /* enum bron_audience bits */
	uint8_t answers[BRON_CHECK_COUNT];
};

/*
 * Which answers fail the functional check: a bit per failing question
 * (1 << BRON_CHECK_x).  0 when every question is answered well; an
 * unanswered question fails too.
 */
unsigned bron_plan_failures(const struct bron_plan *p);

/* One experience of disruption and recovery in the author's inventory. */
struct bron_experience {
	int64_t created, updated;
	char *title;         /* required */
	char *kind;          /* kind-of-experience key, or NULL */
	char *area;          /* life-area key, or NULL */
	char *happened;      /* when it happened, in the author's words */
	int decision;        /* BRON_UNDECIDED or a bron_level */
	/* Where the author is now, with every earlier placement: the last
	 * point is the current phase; none means not placed yet. */
	struct bron_phase_point *phases;
	size_t nphases;
	struct bron_plan plan;
};

void bron_experience_release(struct bron_experience *x);
bron_err bron_experience_encode(const struct bron_experience *x,
                                uint8_t **out, size_t *len,
                                struct bron_error *err);
bron_err bron_experience_decode(const uint8_t *buf, size_t len,
                                struct bron_experience *x,
                                struct bron_error *err);
/* The current phase (1..4), or 0 when not placed. */
int bron_experience_phase(const struct bron_experience *x);
/* Records that the author is now in phase (1..4) at time when. */
bron_err bron_experience_set_phase(struct bron_experience *x, int phase,
                                   int64_t when, struct bron_error *err);

/* That the author shared something of an experience. */
struct bron_disclosure {
	int64_t when;
	uint64_t experience; /* the experience's record id, not 0 */
	char *role;          /* with whom, as a role (never a name) */
	char *context;       /* the situation */
	char *outcome;       /* how it went */
	char *differently;   /* what she would do differently */
};

void bron_disclosure_release(struct bron_disclosure *d);
bron_err bron_disclosure_encode(const struct bron_disclosure *d,
                                uint8_t **out, size_t *len,
                                struct bron_error *err);
bron_err bron_disclosure_decode(const uint8_t *buf, size_t len,
                                struct bron_disclosure *d,
                                struct bron_error *err);

/* The personal plan for triggers and pitfalls (one per vault). */
struct bron_triggers {
	int64_t updated;
	char **triggers;     /* what sets a downturn off */
	size_t ntriggers;
	char **signals;      /* early signals */
	size_t nsignals;
	char **helps;        /* what helps then */
	size_t nhelps;
};

void bron_triggers_release(struct bron_triggers *t);
bron_err bron_triggers_encode(const struct bron_triggers *t, uint8_t **out,
                              size_t *len, struct bron_error *err);
bron_err bron_triggers_decode(const uint8_t *buf, size_t len,
                              struct bron_triggers *t,
                              struct bron_error *err);

#ifdef __cplusplus
}
#endif
#endif
