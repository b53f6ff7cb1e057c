/*
 * bron/chart.h - the picture of recovery: counts and each experience's path
 * through the four phases, drawn as text for the terminal or as SVG.
 *
 * The renderer draws only what it is given.  Choosing what may appear (in a
 * supervision view: shareable experiences only, titles already redacted) is
 * the caller's job; nothing here reads the vault.
 *
 * Ownership: the caller owns the overview and everything it points to.  The
 * text both functions return is the caller's; free it with
 * bron_secret_free(text, len + 1) (it may hold titles).
 */
#ifndef BRON_CHART_H
#define BRON_CHART_H

#include <stddef.h>
#include <stdint.h>

#include "bron/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* At time when the author placed an experience in phase (1 to 4). */
struct bron_phase_point {
	int64_t when; /* seconds since the epoch, UTC */
	int phase;    /* 1 overwhelmed .. 4 in the background */
};

/* One experience's path, its points oldest first. */
struct bron_chart_path {
	const char *title;
	const struct bron_phase_point *points;
	size_t npoints;
};

/* One bar: a label (UTF-8) and its count. */
struct bron_chart_bar {
	const char *label;
	size_t value;
};

/* A titled group of bars; a group with no bars is not drawn. */
struct bron_chart_group {
	const char *caption;
	const struct bron_chart_bar *bars;
	size_t nbars;
};

#define BRON_CHART_GROUPS 3

struct bron_overview {
	const char *title;        /* the heading of the whole picture */
	const char *lang;         /* "nl" or "en", for the SVG's xml:lang */
	/* For example levels, life areas and phases, in that order. */
	struct bron_chart_group groups[BRON_CHART_GROUPS];
	const char *paths_caption;
	const char *phase_names[4]; /* short labels for phases 1..4 */
	const char *empty;          /* said when there are no paths at all */
	const struct bron_chart_path *paths;
	size_t npaths;
};

/*
 * A standalone SVG 1.1 document (UTF-8, XML declaration, width and height
 * set, no scripts, no external references, no style elements: presentation
 * attributes only, so that it can also sit inline in the HTML view under
 * its Content-Security-Policy).  Every label is XML-escaped.
 */
bron_err bron_chart_svg(const struct bron_overview *o, char **out,
                        size_t *len, struct bron_error *err);

/*
 * The same picture as text for a terminal of the given width in columns
 * (at least 40; wider is used up to 100).  With utf8 set, block and line
 * characters; without, ASCII only.
 */
bron_err bron_chart_text(const struct bron_overview *o, int width, int utf8,
                         char **out, size_t *len, struct bron_error *err);

#ifdef __cplusplus
}
#endif
#endif
