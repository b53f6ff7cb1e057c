/*
 * bron/view.h - the supervision view: shareable entries, redacted.
 *
 * The caller feeds every selected entry to bron_view_add; the view itself
 * decides what may appear.  Private entries are dropped without a trace
 * (not shown, not counted).  Not-yet-shareable entries are dropped, shown as
 * a line with only their date and life area, or counted, as the options
 * say.  Of shareable entries the title, tags and text appear with private
 * passages (bron/markup.h) cut first and everything else passed through the
 * redactor (bron/redact.h).  Nothing of an entry reaches the output by any
 * other path, so no option can let a private passage or entry through.
 *
 * Entries come out oldest first.  Ownership: the caller owns the view, the
 * redactor (which must outlive the view) and the text bron_view_finish
 * returns (free it with bron_secret_free(text, len + 1)).
 */
#ifndef BRON_VIEW_H
#define BRON_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "bron/chart.h"
#include "bron/entry.h"
#include "bron/error.h"
#include "bron/redact.h"

#ifdef __cplusplus
extern "C" {
#endif

enum bron_view_format {
	BRON_VIEW_MD = 0,
	BRON_VIEW_TXT = 1,
	BRON_VIEW_HTML = 2,
	BRON_VIEW_JSON = 3,
};

enum bron_withheld {
	BRON_WITHHELD_OMIT = 0,        /* not mentioned at all */
	BRON_WITHHELD_PLACEHOLDER = 1, /* a line with date and life area */
	BRON_WITHHELD_COUNT = 2,       /* one number */
};

struct bron_view_opts {
	enum bron_view_format format;
	enum bron_withheld withheld;
	int64_t generated;  /* when the view is made (seconds, UTC) */
	const char *lang;   /* "nl", "en": the HTML lang attribute */
	/* Turns a life-area key into its label (not for JSON, which shows the
	 * key); NULL shows the key. */
	const char *(*area_label)(const char *key);
};

/* What a finished view holds, for the preview's summary and the log. */
struct bron_view_stats {
	size_t shown;       /* shareable entries shown */
	size_t withheld;    /* not-yet-shareable entries mentioned */
	size_t cut;         /* private passages cut */
	size_t unclosed;    /* entries with a passage left open */
	size_t replaced[BRON_CAT_COUNT];
	/* Words that looked like names and were left alone, NUL-separated,
	 * each once; owned by the view. */
	const char *suspects;
	size_t nsuspects;
};

/* A highlighted stretch of the finished text (placeholders, cuts). */
struct bron_view_mark {
	size_t start, len;
	int cut; /* 1: a cut passage; 0: a replacement */
};

struct bron_view;

struct bron_view *bron_view_new(const struct bron_view_opts *opts,
                                struct bron_redactor *r,
                                struct bron_error *err);

/* Offers one entry; the view keeps what it may show.  id goes to the log. */
bron_err bron_view_add(struct bron_view *v, uint64_t id,
                       const struct bron_entry *e, struct bron_error *err);

/* One disclosure note, its role already put in words. */
struct bron_view_note {
	int64_t when;
	const char *role, *context, *outcome, *differently;
};

/*
 * An experience with the notes and the phase path the caller chose for this
 * view (labels already translated; keys for JSON).
 */
struct bron_view_experience {
	uint64_t id;
	int decision;             /* a bron_level: only shareable ever shows */
	const char *title;
	const char *kind_label, *kind_key;
	const char *area_key;
	const struct bron_view_note *notes;
	size_t nnotes;
	const struct bron_phase_point *path; /* oldest first */
	size_t npath;
};

/*
 * Offers an experience; the view keeps it only when the author decided to
 * use it (decision shareable).  Its title and notes are cut and redacted
 * like entries; in HTML the paths of all kept experiences are drawn as one
 * picture.  Experiences come after the entries, in the order offered.
 */
bron_err bron_view_add_experience(struct bron_view *v,
                                  const struct bron_view_experience *x,
                                  struct bron_error *err);

/*
 * Renders the view.  *text (NUL-terminated) is the caller's; st and the
 * marks (for the TXT and MD formats: where placeholders and cuts are; may
 * be NULL) stay valid until bron_view_free.
 */
bron_err bron_view_finish(struct bron_view *v, char **text, size_t *len,
                          struct bron_view_stats *st,
                          const struct bron_view_mark **marks,
                          size_t *nmarks, struct bron_error *err);

/* The ids of the entries shown, in output order (valid until free). */
const uint64_t *bron_view_ids(const struct bron_view *v, size_t *n);

void bron_view_free(struct bron_view *v);

#ifdef __cplusplus
}
#endif
#endif
