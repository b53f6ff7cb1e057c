/*
 * bron/entry.h - the journal entry and its record codec.
 *
 * The vault stores opaque byte strings; this codec turns an entry into such a
 * string and back.  Everything about an entry (title, body, level, tags,
 * dates, life area, history) lives inside the encrypted record.  The byte
 * layout is a versioned tag-length-value list documented in docs/FORMAT.md.
 *
 * Ownership: bron_entry_decode() fills a struct bron_entry whose strings and
 * arrays it allocates; release them with bron_entry_release(), which wipes
 * every string before freeing it.  bron_entry_encode() returns a buffer the
 * caller frees with bron_secret_free(buf, len).
 */
#ifndef BRON_ENTRY_H
#define BRON_ENTRY_H

#include <stddef.h>
#include <stdint.h>

#include "bron/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Record kinds, the first byte of every record payload. */
#define BRON_KIND_ENTRY 0x01
/* Codec version of the entry layout this build writes and reads. */
#define BRON_ENTRY_VERSION 1

/* Ordered from closed to open; the numeric values are on disk. */
enum bron_level {
	BRON_LEVEL_PRIVATE = 0,
	BRON_LEVEL_NOT_YET = 1,
	BRON_LEVEL_SHAREABLE = 2,
};

/* One recorded change of level (when, from, to, and optionally why). */
struct bron_level_change {
	int64_t when;          /* seconds since the epoch, UTC */
	enum bron_level from;
	enum bron_level to;
	char *why;             /* may be NULL */
};

/*
 * One part of a four-phase story (bron story): the text the author wrote
 * about one phase.  Parts are kept in the order written; a part whose phase
 * is lower than the one before it records a step back.
 */
struct bron_story_part {
	int phase;  /* 1..4 */
	char *text; /* not NULL */
};

struct bron_entry {
	int64_t created;       /* seconds since the epoch, UTC */
	int64_t updated;
	enum bron_level level;
	char *title;           /* may be NULL */
	char *body;            /* may be NULL */
	char *area;            /* life area key, may be NULL */
	char **tags;
	size_t ntags;
	struct bron_level_change *history;
	size_t nhistory;
	/* Reflection structure, all optional (docs/FORMAT.md, tags 0x90-). */
	char **kinds;          /* kinds of experience (vocabulary keys) */
	size_t nkinds;
	int phase;             /* recovery phase 1..4 the entry is about; 0 */
	char **aspects;        /* recovery aspects touched (keys) */
	size_t naspects;
	char **helped;         /* helping factors: keys or the author's words */
	size_t nhelped;
	char **hindered;       /* hindering factors, likewise */
	size_t nhindered;
	uint64_t experience;   /* the experience it belongs to; 0 for none */
	struct bron_story_part *story;
	size_t nstory;
	int draft;             /* 1: a story still being written */
};

/* Zeroes e; allocates nothing. */
void bron_entry_init(struct bron_entry *e);

/* Wipes and frees everything e points to and re-initialises it. */
void bron_entry_release(struct bron_entry *e);

/*
 * Serialises e.  On success *out (owned by the caller, free with
 * bron_secret_free(*out, *len)) holds the payload.  Strings must be valid
 * UTF-8 without NUL bytes; otherwise BRON_E_INVALID.
 */
bron_err bron_entry_encode(const struct bron_entry *e, uint8_t **out,
                           size_t *len, struct bron_error *err);

/*
 * Parses a payload into e (which must be initialised and empty).  Any
 * malformed input gives BRON_E_CODEC and leaves e empty; input from a newer
 * codec version gives BRON_E_VERSION.
 */
bron_err bron_entry_decode(const uint8_t *buf, size_t len,
                           struct bron_entry *e, struct bron_error *err);

/*
 * Like bron_entry_decode(), with the same checks, but leaves e->body NULL:
 * for lists, which need everything but the text.
 */
bron_err bron_entry_decode_summary(const uint8_t *buf, size_t len,
                                   struct bron_entry *e,
                                   struct bron_error *err);

/* Appends a copy of tag; BRON_E_NOMEM on failure. */
bron_err bron_entry_add_tag(struct bron_entry *e, const char *tag,
                            struct bron_error *err);

/* Appends a copy of s to a string list such as e->kinds or e->helped. */
bron_err bron_strlist_add(char ***list, size_t *n, const char *s,
                          struct bron_error *err);
/* Wipes and frees a string list and sets it empty. */
void bron_strlist_clear(char ***list, size_t *n);

/* The translated name of a recovery phase 1..4 ("overwhelmed", ...). */
const char *bron_phase_label(int phase);

/*
 * The entry's whole text as the author reads it: the body, then each story
 * part under a heading with its phase (a step back says so).  *out is the
 * caller's (free with bron_secret_free(*out, *len + 1)); an entry without
 * text gives "".
 */
bron_err bron_entry_text(const struct bron_entry *e, char **out, size_t *len,
                         struct bron_error *err);

/* Appends a story part (phase 1..4, text copied). */
bron_err bron_entry_add_part(struct bron_entry *e, int phase,
                             const char *text, struct bron_error *err);

/*
 * Records a level change at time when (with an optional reason) and sets
 * e->level.  Moving to the same level is allowed and recorded.
 */
bron_err bron_entry_set_level(struct bron_entry *e, enum bron_level to,
                              int64_t when, const char *why,
                              struct bron_error *err);

#ifdef __cplusplus
}
#endif
#endif
