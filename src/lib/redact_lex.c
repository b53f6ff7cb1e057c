/*
 * redact_lex.c - looking folded words up in the generated lexicon.
 *
 * An entry is: bytes shared with the previous key of its block, the length
 * of the rest (bit 7 set when the flags are just LEX_LOW_NL, the commonest
 * case), the rest, and otherwise the flags as a little-endian base-128
 * varint.  Each block starts with a whole key.
 */
#include <string.h>

#include "redact_lex.h"
#include "banned.h"

/* Compares key with the whole first key of block b. */
static int cmp_block(const char *key, size_t len, uint32_t b)
{
	const unsigned char *p = bron_lex_data + bron_lex_block[b];
	size_t n = p[1] & 0x7f;
	int c = memcmp(key, p + 2, len < n ? len : n);
	if (c)
		return c;
	return len < n ? -1 : len > n;
}

uint32_t bron_lex_find(const char *key, size_t len)
{
	if (len == 0 || len > LEX_KEY_MAX || bron_lex_nblocks == 0)
		return 0;
	/* the last block whose first key is <= key */
	uint32_t lo = 0, hi = bron_lex_nblocks;
	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (cmp_block(key, len, mid) < 0)
			hi = mid;
		else
			lo = mid;
	}
	const unsigned char *p = bron_lex_data + bron_lex_block[lo];
	uint32_t count = bron_lex_nkeys - lo * LEX_BLOCK;
	if (count > LEX_BLOCK)
		count = LEX_BLOCK;
	char cur[LEX_KEY_MAX + 1];
	for (uint32_t i = 0; i < count; i++) {
		size_t pre = p[0], n = p[1] & 0x7f;
		int plain = p[1] & 0x80;
		memcpy(cur + pre, p + 2, n);
		p += 2 + n;
		uint32_t flags = LEX_LOW_NL;
		if (!plain) {
			flags = 0;
			for (int shift = 0;; shift += 7) {
				flags |= (uint32_t)(*p & 0x7f) << shift;
				if (!(*p++ & 0x80))
					break;
			}
		}
		size_t klen = pre + n;
		int c = memcmp(cur, key, klen < len ? klen : len);
		if (c == 0 && klen == len)
			return flags;
		if (c > 0 || (c == 0 && klen > len))
			return 0; /* sorted: passed where key would be */
	}
	return 0;
}
