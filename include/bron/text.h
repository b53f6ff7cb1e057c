/*
 * bron/text.h - text helpers shared by search and, later, redaction.
 *
 * Folding maps UTF-8 text to a form in which case and the accents of Latin
 * letters no longer matter: "Één", "EEN" and "één" all fold to "een", "ß" to
 * "ss", "Ĳ" to "ij".  Characters bron does not know fold to themselves, so
 * folding never loses text it cannot compare.
 */
#ifndef BRON_TEXT_H
#define BRON_TEXT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Folds len bytes of UTF-8 at s into out, which must hold at least len + 1
 * bytes (a folded character is never longer than the original).
 * Returns the folded length; out is NUL-terminated.  Invalid UTF-8 bytes are
 * copied as they are.
 */
size_t bron_fold(const char *s, size_t len, char *out);

/*
 * Finds a folded needle in text, folding text on the way.  scratch must hold
 * textlen + 1 bytes.  Returns 1 when found.
 */
int bron_fold_contains(const char *text, size_t textlen, const char *folded,
                       size_t foldedlen, char *scratch);

#ifdef __cplusplus
}
#endif
#endif
