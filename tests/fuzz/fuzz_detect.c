/* fuzz_detect.c - the redactor: any bytes redact without a crash, and the
 * output is the input with each replaced span swapped for its placeholder,
 * exactly where the replacement list says.  The first byte picks the
 * language; a first line starting with '!' adds itself as a pseudonym. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bron/bron.h"
#include "bron/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const char *in, size_t len, const struct bron_redaction *out)
{
	size_t at = 0, o = 0;
	if (!out->text || out->text[out->len] != '\0')
		abort();
	for (size_t i = 0; i < out->nrepl; i++) {
		const struct bron_replacement *r = &out->repl[i];
		if (r->in_start < at || r->in_len == 0 || r->in_start + r->in_len > len ||
		    r->out_start - o != r->in_start - at ||
		    memcmp(out->text + o, in + at, r->in_start - at) ||
		    (unsigned)r->cat >= BRON_CAT_COUNT || r->out_len < 3 ||
		    out->text[r->out_start] != '[' ||
		    out->text[r->out_start + r->out_len - 1] != ']')
			abort();
		at = r->in_start + r->in_len;
		o = r->out_start + r->out_len;
	}
	if (out->len - o != len - at || memcmp(out->text + o, in + at, len - at))
		abort();
	size_t n = 0;
	for (size_t i = 0; i < out->suspects_len; i++)
		n += out->suspects[i] == '\0';
	if (n != out->nsuspects ||
	    (out->suspects_len && out->suspects[out->suspects_len - 1] != '\0'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		if (bron_init(NULL) != BRON_OK)
			abort();
		ready = 1;
	}
	if (size == 0)
		return 0;
	struct bron_redactor *r = bron_redactor_new((enum bron_lang)(data[0] % 3),
	                                            NULL);
	if (!r)
		abort();
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	bron_redactor_add_name(r, "Johan de Vries", NULL, NULL);
	bron_redactor_add_name(r, "Roos", "Bloem", NULL);
	if (len && text[0] == '!') {
		const char *nl = memchr(text, '\n', len);
		size_t n = nl ? (size_t)(nl - text) : len;
		char *name = malloc(n);
		if (!name)
			abort();
		memcpy(name, text + 1, n - 1);
		name[n - 1] = '\0';
		bron_redactor_add_name(r, name, NULL, NULL);
		free(name);
	}
	struct bron_redaction out = {0};
	if (bron_redact(r, text, len, &out, NULL) != BRON_OK)
		abort();
	check(text, len, &out);
	bron_redaction_free(&out);
	/* a second text through the same redactor reuses its placeholders */
	if (bron_redact(r, text, len, &out, NULL) != BRON_OK)
		abort();
	check(text, len, &out);
	bron_redaction_free(&out);
	bron_redactor_free(r);
	return 0;
}
