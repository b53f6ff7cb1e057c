/*
 * run_cases.c - the redactor's regression cases (tests/redact/cases).
 *
 * A case file holds one case a line.  Spans that must be replaced are
 * written {{category|text}} with the category names of bron_cat_name
 * ("person", "phone", ...); everything else on the line must survive.
 * A line without annotations is a decoy: nothing in it may be replaced.
 * Lines starting with '#' are comments; directives apply to the lines after
 * them in the same file:
 *   !lang nl|en|auto      the language of a new redactor (default auto)
 *   !name NAME[=LABEL]    adds a pseudonym to the file's redactor
 *   !same                 the spans of the next line must all get one
 *                         placeholder (same original, or a pseudonym)
 *
 *   run_cases FILE...     runs the files; exit status 1 when a case fails
 *   run_cases -s TEXT     prints TEXT redacted (for writing cases)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bron/bron.h"
#include "bron/redact.h"

struct want {
	size_t start, len;
	int cat;
};

static int cat_of(const char *s, size_t n)
{
	for (int c = 0; c < BRON_CAT_COUNT; c++)
		if (strlen(bron_cat_name(c)) == n && !strncmp(bron_cat_name(c), s, n))
			return c;
	return -1;
}

/* Strips the annotations from line into text; fills w. */
static int parse(const char *line, char *text, struct want *w, size_t *nw)
{
	size_t o = 0;
	*nw = 0;
	for (const char *p = line; *p;) {
		if (p[0] == '{' && p[1] == '{') {
			const char *bar = strchr(p, '|');
			const char *end = strstr(p, "}}");
			if (!bar || !end || bar > end || *nw >= 64)
				return -1;
			int cat = cat_of(p + 2, (size_t)(bar - p - 2));
			if (cat < 0)
				return -1;
			w[*nw].start = o;
			w[*nw].len = (size_t)(end - bar - 1);
			w[(*nw)++].cat = cat;
			memcpy(text + o, bar + 1, (size_t)(end - bar - 1));
			o += (size_t)(end - bar - 1);
			p = end + 2;
		} else {
			text[o++] = *p++;
		}
	}
	text[o] = '\0';
	return 0;
}

static void show(const struct bron_redaction *out, const char *text)
{
	fprintf(stderr, "    got:  %s\n", out->text);
	for (size_t i = 0; i < out->nrepl; i++)
		fprintf(stderr, "      %s \"%.*s\"\n", bron_cat_name(out->repl[i].cat),
		        (int)out->repl[i].in_len, text + out->repl[i].in_start);
}

static int check(const char *where, const char *text, const struct want *w,
                 size_t nw, const struct bron_redaction *out, int same)
{
	int bad = 0;
	for (size_t i = 0; i < nw; i++) {
		int hit = 0;
		for (size_t k = 0; k < out->nrepl; k++) {
			const struct bron_replacement *r = &out->repl[k];
			int cat_ok = (int)r->cat == w[i].cat ||
			             (w[i].cat == BRON_CAT_PSEUDONYM &&
			              r->cat == BRON_CAT_PSEUDONYM);
			if (r->in_start == w[i].start && r->in_len == w[i].len && cat_ok)
				hit = 1;
		}
		if (!hit) {
			fprintf(stderr, "%s: missed %s \"%.*s\"\n", where,
			        bron_cat_name(w[i].cat), (int)w[i].len, text + w[i].start);
			bad = 1;
		}
	}
	for (size_t k = 0; k < out->nrepl; k++) {
		const struct bron_replacement *r = &out->repl[k];
		int wanted = 0;
		for (size_t i = 0; i < nw; i++)
			wanted |= r->in_start == w[i].start && r->in_len == w[i].len;
		if (!wanted) {
			fprintf(stderr, "%s: wrongly replaced %s \"%.*s\"\n", where,
			        bron_cat_name(r->cat), (int)r->in_len, text + r->in_start);
			bad = 1;
		}
	}
	if (same && out->nrepl > 1)
		for (size_t k = 1; k < out->nrepl; k++)
			if (out->repl[k].out_len != out->repl[0].out_len ||
			    memcmp(out->text + out->repl[k].out_start,
			           out->text + out->repl[0].out_start, out->repl[0].out_len)) {
				fprintf(stderr, "%s: placeholders differ\n", where);
				bad = 1;
				break;
			}
	if (bad)
		show(out, text);
	return bad;
}

static int run_file(const char *path, size_t *ncases)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		return 1;
	}
	struct bron_error err;
	struct bron_redactor *r = NULL;
	enum bron_lang lang = BRON_LANG_AUTO;
	char line[4096], text[4096], where[4200];
	struct want w[64];
	int failed = 0, same = 0, lineno = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (!strncmp(line, "!lang ", 6)) {
			lang = !strcmp(line + 6, "nl") ? BRON_LANG_NL
			     : !strcmp(line + 6, "en") ? BRON_LANG_EN : BRON_LANG_AUTO;
			bron_redactor_free(r);
			r = NULL;
			continue;
		}
		if (!r && !(r = bron_redactor_new(lang, &err))) {
			fprintf(stderr, "%s: %s\n", path, err.msg);
			fclose(f);
			return 1;
		}
		if (!strncmp(line, "!name ", 6)) {
			char *eq = strchr(line + 6, '=');
			if (eq)
				*eq++ = '\0';
			if (bron_redactor_add_name(r, line + 6, eq, &err) != BRON_OK) {
				fprintf(stderr, "%s:%d: %s\n", path, lineno, err.msg);
				failed = 1;
			}
			continue;
		}
		if (!strcmp(line, "!same")) {
			same = 1;
			continue;
		}
		size_t nw;
		snprintf(where, sizeof(where), "%s:%d", path, lineno);
		if (parse(line, text, w, &nw) != 0) {
			fprintf(stderr, "%s: bad annotation\n", where);
			failed = 1;
			continue;
		}
		struct bron_redaction out = {0};
		if (bron_redact(r, text, strlen(text), &out, &err) != BRON_OK) {
			fprintf(stderr, "%s: %s\n", where, err.msg);
			failed = 1;
			continue;
		}
		failed |= check(where, text, w, nw, &out, same);
		same = 0;
		bron_redaction_free(&out);
		(*ncases)++;
	}
	bron_redactor_free(r);
	fclose(f);
	return failed;
}

int main(int argc, char **argv)
{
	if (bron_init(NULL) != BRON_OK)
		return 1;
	if (argc == 3 && !strcmp(argv[1], "-s")) {
		struct bron_redactor *r = bron_redactor_new(BRON_LANG_AUTO, NULL);
		struct bron_redaction out = {0};
		if (!r || bron_redact(r, argv[2], strlen(argv[2]), &out, NULL) != BRON_OK)
			return 1;
		printf("%s\n", out.text);
		for (size_t i = 0; i < out.nrepl; i++)
			printf("  %s \"%.*s\"\n", bron_cat_name(out.repl[i].cat),
			       (int)out.repl[i].in_len, argv[2] + out.repl[i].in_start);
		for (const char *s = out.suspects; s && s < out.suspects + out.suspects_len;
		     s += strlen(s) + 1)
			printf("  suspect \"%s\"\n", s);
		bron_redaction_free(&out);
		bron_redactor_free(r);
		return 0;
	}
	int failed = 0;
	size_t ncases = 0;
	for (int i = 1; i < argc; i++)
		failed |= run_file(argv[i], &ncases);
	printf("%zu cases, %s\n", ncases, failed ? "FAILED" : "all passed");
	return failed || ncases == 0;
}
