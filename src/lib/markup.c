/*
 * markup.c - cutting private passages ("[[...]]") out of entry text.
 *
 * One pass over the bytes with a nesting depth.  Outside a passage, "\[["
 * and "\]]" become literal brackets and "[[" opens one; inside, "[[" nests,
 * "]]" closes a level, escaped brackets do neither, and nothing is copied.
 * The scan works on bytes: "[", "]" and "\" never occur inside a multi-byte
 * UTF-8 sequence, so invalid or unusual text cannot shift a boundary.
 */
#include <stdlib.h>
#include <string.h>

#include "bron/markup.h"
#include "bron/vault.h"
#include "internal.h"
#include "banned.h"

static int at(const char *t, size_t len, size_t i, char a, char b)
{
	return i + 1 < len && t[i] == a && t[i + 1] == b;
}

/* The scan shared by cut and check; out may be NULL (count only). */
static size_t scan(const char *t, size_t len, const char *marker, char *out,
                   struct bron_markup_stats *st)
{
	size_t o = 0, depth = 0, mlen = marker ? strlen(marker) : 0;
	memset(st, 0, sizeof(*st));
	for (size_t i = 0; i < len;) {
		if (t[i] == '\\' && (at(t, len, i + 1, '[', '[') ||
		                     at(t, len, i + 1, ']', ']'))) {
			if (!depth) {
				if (out) {
					out[o] = t[i + 1];
					out[o + 1] = t[i + 2];
				}
				o += 2;
			}
			i += 3;
		} else if (at(t, len, i, '[', '[')) {
			if (!depth++) {
				st->cut++;
				st->unclosed_at = i;
				if (out && mlen)
					memcpy(out + o, marker, mlen);
				o += mlen;
			}
			i += 2;
		} else if (depth && at(t, len, i, ']', ']')) {
			depth--;
			i += 2;
		} else {
			if (!depth) {
				if (out)
					out[o] = t[i];
				o++;
			}
			i++;
		}
	}
	st->unclosed = depth > 0;
	if (!st->unclosed)
		st->unclosed_at = 0;
	return o;
}

int bron_markup_check(const char *text, size_t len,
                      struct bron_markup_stats *st)
{
	struct bron_markup_stats tmp;
	if (!st)
		st = &tmp;
	scan(text, len, NULL, NULL, st);
	return st->unclosed;
}

bron_err bron_markup_cut(const char *text, size_t len, const char *marker,
                         char **out, size_t *outlen,
                         struct bron_markup_stats *st, struct bron_error *err)
{
	struct bron_markup_stats tmp;
	if (!st)
		st = &tmp;
	*out = NULL;
	*outlen = 0;
	size_t n = scan(text, len, marker, NULL, st);
	char *buf = malloc(n + 1);
	if (!buf)
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	scan(text, len, marker, buf, st);
	buf[n] = '\0';
	*out = buf;
	*outlen = n;
	return BRON_OK;
}
