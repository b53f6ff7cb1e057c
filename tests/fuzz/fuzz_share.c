/* fuzz_share.c - pseudonym and view-log records: decode anything; what
 * decodes re-encodes and decodes to the same values. */
#include <stdlib.h>
#include <string.h>

#include "bron/share.h"
#include "bron/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bron_name n, n2;
	struct bron_shared s, s2;
	uint8_t *out;
	size_t len;
	if (bron_name_decode(data, size, &n, NULL) == BRON_OK) {
		if (bron_name_encode(&n, &out, &len, NULL) != BRON_OK ||
		    bron_name_decode(out, len, &n2, NULL) != BRON_OK)
			abort();
		if (!same(n.name, n2.name) || !same(n.label, n2.label) ||
		    n.auto_no != n2.auto_no || n.created != n2.created)
			abort();
		bron_name_release(&n2);
		bron_name_release(&n);
		bron_secret_free(out, len);
	}
	if (bron_shared_decode(data, size, &s, NULL) == BRON_OK) {
		if (bron_shared_encode(&s, &out, &len, NULL) != BRON_OK ||
		    bron_shared_decode(out, len, &s2, NULL) != BRON_OK)
			abort();
		if (!same(s.format, s2.format) || !same(s.selection, s2.selection) ||
		    !same(s.dest, s2.dest) || s.nids != s2.nids || s.when != s2.when ||
		    s.withheld != s2.withheld || s.replaced != s2.replaced ||
		    s.cut != s2.cut ||
		    (s.nids && memcmp(s.ids, s2.ids, s.nids * sizeof(*s.ids))))
			abort();
		bron_shared_release(&s2);
		bron_shared_release(&s);
		bron_secret_free(out, len);
	}
	return 0;
}
