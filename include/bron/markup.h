/*
 * bron/markup.h - private passages inside an entry.
 *
 * "[[" opens a private passage and "]]" closes it; passages may nest, and
 * the outermost one decides where the cut ends.  "\[[" and "\]]" stand for
 * literal brackets (the backslash is dropped outside passages; inside one
 * everything is cut anyway, and an escaped "]]" does not close it).  A
 * passage that is never closed runs to the end of the text: when the author
 * forgets the "]]", more is cut, never less.  A "]]" with no passage open is
 * ordinary text.
 *
 * Ownership: bron_markup_cut allocates *out; the caller releases it with
 * bron_secret_free(*out, *outlen + 1).
 */
#ifndef BRON_MARKUP_H
#define BRON_MARKUP_H

#include <stddef.h>

#include "bron/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct bron_markup_stats {
	size_t cut;          /* passages cut (outermost ones) */
	int unclosed;        /* 1 when the last passage was never closed */
	size_t unclosed_at;  /* byte offset of its "[[" when unclosed */
};

/*
 * Copies len bytes of text to *out with every private passage replaced by
 * marker (NULL or "" for nothing) and escapes resolved; *out is
 * NUL-terminated.  st (may be NULL) receives the counts.
 */
bron_err bron_markup_cut(const char *text, size_t len, const char *marker,
                         char **out, size_t *outlen,
                         struct bron_markup_stats *st, struct bron_error *err);

/*
 * Scans text without copying it: fills st and returns 1 when a passage is
 * left open (for the warning that add and edit give), else 0.
 */
int bron_markup_check(const char *text, size_t len,
                      struct bron_markup_stats *st);

#ifdef __cplusplus
}
#endif
#endif
