/* fuzz_entry.c - the entry codec: decode anything; what decodes re-encodes
 * to a payload that decodes to the same entry. */
#include <stdlib.h>
#include <string.h>

#include "bron/bron.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bron_entry e, f, g;
	uint8_t *out = NULL;
	size_t len = 0;
	bron_err full = bron_entry_decode(data, size, &e, NULL);
	/* the summary accepts exactly what the full decoder accepts */
	bron_err summary = bron_entry_decode_summary(data, size, &g, NULL);
	if (full != summary || (summary == BRON_OK && g.body))
		abort();
	bron_entry_release(&g);
	if (full != BRON_OK)
		return 0;
	if (bron_entry_encode(&e, &out, &len, NULL) != BRON_OK)
		abort(); /* whatever decodes must encode */
	if (bron_entry_decode(out, len, &f, NULL) != BRON_OK)
		abort();
	if (e.level != f.level || e.created != f.created ||
	    e.updated != f.updated || !same(e.title, f.title) ||
	    !same(e.body, f.body) || !same(e.area, f.area) ||
	    e.ntags != f.ntags || e.nhistory != f.nhistory)
		abort();
	for (size_t i = 0; i < e.ntags; i++)
		if (!same(e.tags[i], f.tags[i]))
			abort();
	for (size_t i = 0; i < e.nhistory; i++)
		if (!same(e.history[i].why, f.history[i].why) ||
		    e.history[i].when != f.history[i].when)
			abort();
	bron_entry_release(&e);
	bron_entry_release(&f);
	bron_secret_free(out, len);
	return 0;
}
