/* fuzz_markup.c - private passages: any text, with a canary passage put in
 * its middle, is cut without crashing and the canary never survives; the
 * counting scan agrees with the copying one.  The canary is the only source
 * of '#' bytes (the input's own become '_', and no marker holds one), so
 * no '#' may reach the output. */
#include <stdlib.h>
#include <string.h>

#include "bron/markup.h"
#include "bron/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CANARY "#kanarie#"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* text = first half, " [[" CANARY "]]", second half */
	static const char mid[] = " [[" CANARY "]]";
	size_t half = size / 2, n = size + sizeof(mid) - 1;
	char *t = malloc(n ? n : 1);
	if (!t)
		return 0;
	memcpy(t, data, half);
	memcpy(t + half, mid, sizeof(mid) - 1);
	memcpy(t + half + sizeof(mid) - 1, data + half, size - half);
	for (size_t i = 0; i < n; i++)
		if (t[i] == '#' && (i < half || i >= half + sizeof(mid) - 1))
			t[i] = '_';

	struct bron_markup_stats a, b;
	char *out;
	size_t len;
	const char *markers[] = {NULL, "", "[…]", "[[x]]"};
	for (size_t m = 0; m < 4; m++) {
		if (bron_markup_cut(t, n, markers[m], &out, &len, &a, NULL) != BRON_OK)
			abort();
		if (out[len] != '\0' || memchr(out, '#', len) || a.cut == 0)
			abort();
		if (bron_markup_check(t, n, &b) != a.unclosed || b.cut != a.cut ||
		    b.unclosed_at != a.unclosed_at)
			abort();
		if (a.unclosed && (a.unclosed_at >= n || t[a.unclosed_at] != '['))
			abort();
		bron_secret_free(out, len + 1);
	}
	/* the input alone, as it is */
	if (bron_markup_cut((const char *)data, size, "", &out, &len, &a, NULL) !=
	    BRON_OK || len > size)
		abort();
	bron_secret_free(out, len + 1);
	free(t);
	return 0;
}
