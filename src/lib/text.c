/*
 * text.c - case and accent folding for search.  ASCII, the bulk of any text,
 * goes eight bytes at a time; Latin-1 and Latin Extended-A letters fold to
 * their base letters through a table; everything else is copied unchanged.
 */
#define _GNU_SOURCE /* memmem */
#include <stdint.h>
#include <string.h>

#include "bron/text.h"
#include "banned.h"

/*
 * Base letters for U+00C0..U+017F, two bytes each ("" when the code point
 * is not a letter to fold).  Upper and lower case share their folding.
 */
static const char latin[][3] = {
	/* C0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
	/* C8 */ "e", "e", "e", "e", "i", "i", "i", "i",
	/* D0 */ "d", "n", "o", "o", "o", "o", "o", "",
	/* D8 */ "o", "u", "u", "u", "u", "y", "th", "ss",
	/* E0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
	/* E8 */ "e", "e", "e", "e", "i", "i", "i", "i",
	/* F0 */ "d", "n", "o", "o", "o", "o", "o", "",
	/* F8 */ "o", "u", "u", "u", "u", "y", "th", "y",
	/* 100 */ "a", "a", "a", "a", "a", "a", "c", "c",
	/* 108 */ "c", "c", "c", "c", "c", "c", "d", "d",
	/* 110 */ "d", "d", "e", "e", "e", "e", "e", "e",
	/* 118 */ "e", "e", "e", "e", "g", "g", "g", "g",
	/* 120 */ "g", "g", "g", "g", "h", "h", "h", "h",
	/* 128 */ "i", "i", "i", "i", "i", "i", "i", "i",
	/* 130 */ "i", "i", "ij", "ij", "j", "j", "k", "k",
	/* 138 */ "k", "l", "l", "l", "l", "l", "l", "l",
	/* 140 */ "l", "l", "l", "n", "n", "n", "n", "n",
	/* 148 */ "n", "n", "n", "n", "o", "o", "o", "o",
	/* 150 */ "o", "o", "oe", "oe", "r", "r", "r", "r",
	/* 158 */ "r", "r", "s", "s", "s", "s", "s", "s",
	/* 160 */ "s", "s", "t", "t", "t", "t", "t", "t",
	/* 168 */ "u", "u", "u", "u", "u", "u", "u", "u",
	/* 170 */ "u", "u", "u", "u", "w", "w", "y", "y",
	/* 178 */ "y", "z", "z", "z", "z", "z", "z", "s",
};

#define HIGH_BITS 0x8080808080808080ULL
#define ONES 0x0101010101010101ULL

/* Lower-cases eight ASCII bytes at once. */
static uint64_t lower8(uint64_t w)
{
	/* 0x80 in each byte that is >= 'A', and in each byte that is > 'Z' */
	uint64_t ge_a = (w + ONES * (0x80 - 'A')) & HIGH_BITS;
	uint64_t gt_z = (w + ONES * (0x80 - 'Z' - 1)) & HIGH_BITS;
	uint64_t upper = ge_a & ~gt_z;
	return w | (upper >> 2); /* 0x80 >> 2 == 0x20 */
}

size_t bron_fold(const char *s, size_t len, char *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, o = 0;
	while (i < len) {
		if (len - i >= 8) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if (!(w & HIGH_BITS)) {
				w = lower8(w);
				memcpy(out + o, &w, 8);
				i += 8;
				o += 8;
				continue;
			}
		}
		unsigned char c = p[i];
		if (c < 0x80) {
			out[o++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
			i++;
			continue;
		}
		/* two-byte sequences for U+00C0..U+017F: C3 80..C5 BF */
		if (c >= 0xc3 && c <= 0xc5 && i + 1 < len &&
		    (p[i + 1] & 0xc0) == 0x80) {
			unsigned cp = ((unsigned)(c & 0x1f) << 6) | (p[i + 1] & 0x3f);
			if (cp >= 0xc0) {
				const char *base = latin[cp - 0xc0];
				if (base[0]) {
					out[o++] = base[0];
					if (base[1])
						out[o++] = base[1];
					i += 2;
					continue;
				}
			}
		}
		out[o++] = (char)c;
		i++;
	}
	out[o] = '\0';
	return o;
}

int bron_fold_contains(const char *text, size_t textlen, const char *folded,
                       size_t foldedlen, char *scratch)
{
	if (foldedlen == 0)
		return 1;
	size_t n = bron_fold(text, textlen, scratch);
	return memmem(scratch, n, folded, foldedlen) != NULL;
}
