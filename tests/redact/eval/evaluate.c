/*
 * evaluate.c - scores bron_redact against the annotated evaluation corpus.
 *
 * Each file holds one journal entry in which every identifying item is
 * written as {{category|original text}}.  The program strips the marks,
 * remembers the byte range of every item in the plain text, runs the text
 * through a fresh redactor (one per file, so placeholders never leak from one
 * entry into the next) and compares the input ranges of the replacements
 * with the items.  README.md in this folder explains the scoring rule.
 *
 *   evaluate [--lang auto|nl|en] [--verbose] [--min-recall R]
 *            [--min-category R] [--max-false R] [--max-false-num R]
 *            FILE|DIR...
 *
 * Exit status: 0 all thresholds met (or none given), 1 a threshold missed,
 * 2 bad usage or a malformed corpus file, 3 the library failed.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "bron/error.h"
#include "bron/redact.h"

/* The corpus categories, in the order of enum bron_cat (person = 1). */
static const char *const cat_names[] = {
	"person", "place", "address", "institution", "date", "age",
	"phone", "email", "url", "bsn", "iban", "postcode", "plate",
};
#define NCAT (sizeof cat_names / sizeof cat_names[0])
enum { C_PERSON, C_PLACE, C_ADDRESS, C_INSTITUTION, C_DATE, C_AGE };

/* Lower-case words inside a name that carry no identity on their own. */
static const char *const connectors[] = {
	"van", "de", "der", "den", "des", "het", "ter", "ten", "te", "op",
	"in", "aan", "bij", "en", "of", "for", "the", "and", "la", "le",
	"les", "du", "da", "dos", "das", "di", "del", "von", "vom", "zu",
	"und", "y", NULL,
};

/* Articles, left out of any name whatever their case. */
static const char *const articles[] = { "de", "het", "the", NULL };

/* Filler and unit words inside a date or an age item. */
static const char *const fillers[] = {
	"van", "de", "op", "the", "of", "on", "in", "en", "and", "jaar",
	"jaren", "jarige", "jarig", "oud", "oude", "year", "years", "old",
	"aged", "age", "maand", "maanden", "month", "months", "week", "weken",
	"weeks", "dag", "dagen", "days", NULL,
};

/* Ordinal endings after the digits of a date or age ("4e", "21st"). */
static const char *const ordinals[] = {
	"e", "ste", "de", "st", "nd", "rd", "th", "er", NULL,
};

/* Forms of address that may be swept up with the name that follows. */
static const char *const titles[] = {
	"mw", "mevr", "mevrouw", "dhr", "meneer", "mr", "mrs", "ms", "miss",
	"dr", "drs", "ir", "prof", "juf", "meester", "mx", NULL,
};

struct item {
	size_t start, len;  /* in the plain text */
	unsigned cat;
	size_t line;        /* in the annotated file */
};

struct doc {
	const char *path;
	char *plain;
	size_t plen;
	size_t *lines;      /* line number of every plain byte */
	struct item *items;
	size_t nitems, cap;
};

struct tally {
	size_t total[NCAT], removed[NCAT], partial[NCAT], agree[NCAT];
	size_t words, words_cov, nums, nums_cov;
	size_t files, plain_words;
};

static bool verbose;

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("evaluate: out of memory\n", stderr);
		exit(3);
	}
	return q;
}

static bool in_list(const char *const *list, const char *s, size_t n,
                    bool fold)
{
	for (size_t i = 0; list[i]; i++) {
		if (strlen(list[i]) != n)
			continue;
		if (fold ? strncasecmp(list[i], s, n) == 0
		         : strncmp(list[i], s, n) == 0)
			return true;
	}
	return false;
}

/*
 * The kind of the character at p: 'd' digit, 'l' letter, 0 anything else
 * (space, punctuation, symbols, the typographic quotes and dashes).  *n is
 * set to its length in bytes.
 */
static int char_kind(const unsigned char *p, size_t left, size_t *n)
{
	unsigned c = p[0];
	*n = 1;
	if (c < 0x80) {
		if (c >= '0' && c <= '9')
			return 'd';
		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			return 'l';
		return 0;
	}
	unsigned cp;
	size_t len;
	if ((c & 0xe0) == 0xc0) {
		cp = c & 0x1f;
		len = 2;
	} else if ((c & 0xf0) == 0xe0) {
		cp = c & 0x0f;
		len = 3;
	} else if ((c & 0xf8) == 0xf0) {
		cp = c & 0x07;
		len = 4;
	} else {
		return 0; /* stray continuation byte */
	}
	if (len > left)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	*n = len;
	if (cp < 0xc0 || cp == 0xd7 || cp == 0xf7)
		return 0; /* Latin-1 punctuation, NBSP, currency, x and / */
	if (cp >= 0x2000 && cp <= 0x2bff)
		return 0; /* general punctuation, currency, arrows, symbols */
	if (cp >= 0x3000 && cp <= 0x303f)
		return 0;
	return 'l';
}

/* A run of letters and digits: [start, end), with what it contains. */
struct token {
	size_t start, end;
	bool letters, digits;
};

static bool next_token(const char *s, size_t len, size_t *pos,
                       struct token *t)
{
	size_t i = *pos, n;
	while (i < len && !char_kind((const unsigned char *)s + i, len - i, &n))
		i += n;
	if (i >= len) {
		*pos = len;
		return false;
	}
	t->start = i;
	t->letters = t->digits = false;
	int k;
	while (i < len &&
	       (k = char_kind((const unsigned char *)s + i, len - i, &n))) {
		if (k == 'd')
			t->digits = true;
		else
			t->letters = true;
		i += n;
	}
	t->end = i;
	*pos = i;
	return true;
}

/* Is there an apostrophe (' or U+2019) just before byte i? */
static bool after_apostrophe(const char *s, size_t i)
{
	if (i >= 1 && s[i - 1] == '\'')
		return true;
	return i >= 3 && memcmp(s + i - 3, "\xe2\x80\x99", 3) == 0;
}

/*
 * Marks in need[] which bytes of an item must be covered for the item to
 * count as removed (see README.md).  need is relative to the item start.
 */
static void significant(const char *s, size_t len, unsigned cat,
                        bool *need)
{
	memset(need, 0, len);
	size_t pos = 0;
	struct token t;
	bool name = cat == C_PERSON || cat == C_PLACE || cat == C_ADDRESS ||
	            cat == C_INSTITUTION;
	bool when = cat == C_DATE || cat == C_AGE;
	while (next_token(s, len, &pos, &t)) {
		const char *w = s + t.start;
		size_t n = t.end - t.start;
		size_t from = t.start, to = t.end;
		if (name && !t.digits) {
			/* "de" in "J. de Vries"; "De" too when it is a person's */
			bool lower = (unsigned char)w[0] < 0x80 &&
			             w[0] >= 'a' && w[0] <= 'z';
			if ((lower || cat == C_PERSON) &&
			    in_list(connectors, w, n, true))
				continue;
			/* an article carries no identity ("Het Anker") */
			if (in_list(articles, w, n, true))
				continue;
			/* the possessive in "Sanne's", "'s-Hertogenbosch", "'t" */
			if (n == 1 && (w[0] == 's' || w[0] == 't') &&
			    after_apostrophe(s, t.start))
				continue;
		}
		if (when && !t.digits && in_list(fillers, w, n, true))
			continue;
		if (when && t.digits && t.letters) {
			/* "4e", "21ste", "3rd": only the digits */
			size_t d = 0;
			while (d < n && w[d] >= '0' && w[d] <= '9')
				d++;
			if (d > 0 && in_list(ordinals, w + d, n - d, true))
				to = t.start + d;
		}
		for (size_t i = from; i < to; i++)
			need[i] = true;
	}
}

static int cat_index(const char *s, size_t n)
{
	for (size_t i = 0; i < NCAT; i++)
		if (strlen(cat_names[i]) == n && memcmp(cat_names[i], s, n) == 0)
			return (int)i;
	return -1;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = xrealloc(buf, cap);
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Strips the marks of an annotated file; false (with a message) if bad. */
static bool parse(struct doc *d, const char *src, size_t n)
{
	d->plain = xrealloc(NULL, n + 1);
	d->lines = xrealloc(NULL, (n + 1) * sizeof *d->lines);
	d->plen = 0;
	size_t line = 1;
	for (size_t i = 0; i < n;) {
		if (src[i] == '}' && i + 1 < n && src[i + 1] == '}') {
			fprintf(stderr, "%s:%zu: '}}' without '{{'\n", d->path,
			        line);
			return false;
		}
		if (!(src[i] == '{' && i + 1 < n && src[i + 1] == '{')) {
			if (src[i] == '\n')
				line++;
			d->lines[d->plen] = line;
			d->plain[d->plen++] = src[i++];
			continue;
		}
		size_t open_line = line;
		size_t c = i + 2, bar = c;
		while (bar < n && src[bar] != '|' && src[bar] != '}' &&
		       src[bar] != '\n')
			bar++;
		int cat = bar < n && src[bar] == '|' ?
		          cat_index(src + c, bar - c) : -1;
		if (cat < 0) {
			fprintf(stderr, "%s:%zu: unknown or missing category "
			        "in '%.*s'\n", d->path, open_line,
			        (int)(bar - c < 40 ? bar - c : 40), src + c);
			return false;
		}
		size_t t = bar + 1, e = t;
		while (e + 1 < n && !(src[e] == '}' && src[e + 1] == '}')) {
			if (src[e] == '{' && src[e + 1] == '{') {
				fprintf(stderr, "%s:%zu: nested '{{'\n",
				        d->path, open_line);
				return false;
			}
			if (src[e] == '|') {
				fprintf(stderr, "%s:%zu: '|' inside an item\n",
				        d->path, open_line);
				return false;
			}
			e++;
		}
		if (e + 1 >= n) {
			fprintf(stderr, "%s:%zu: '{{' without '}}'\n", d->path,
			        open_line);
			return false;
		}
		if (e == t) {
			fprintf(stderr, "%s:%zu: empty item\n", d->path,
			        open_line);
			return false;
		}
		if (d->nitems == d->cap) {
			d->cap = d->cap ? d->cap * 2 : 32;
			d->items = xrealloc(d->items, d->cap * sizeof *d->items);
		}
		d->items[d->nitems++] = (struct item){
			.start = d->plen, .len = e - t, .cat = (unsigned)cat,
			.line = open_line,
		};
		for (size_t k = t; k < e; k++) {
			if (src[k] == '\n')
				line++;
			d->lines[d->plen] = line;
			d->plain[d->plen++] = src[k];
		}
		i = e + 2;
	}
	d->plain[d->plen] = '\0';
	return true;
}

/* Prints s[0..len) with the bytes not covered put between [ and ]. */
static void print_marked(const char *s, size_t len, const bool *cov)
{
	bool open = false;
	for (size_t i = 0; i < len; i++) {
		bool miss = !cov[i] && s[i] != ' ';
		if (open && s[i] == ' ') {
			/* close before a space unless the next word goes on */
			size_t j = i;
			while (j < len && s[j] == ' ')
				j++;
			miss = j < len && !cov[j];
		}
		if (miss && !open) {
			putchar('[');
			open = true;
		} else if (!miss && open) {
			putchar(']');
			open = false;
		}
		putchar(s[i] == '\n' ? ' ' : s[i]);
	}
	if (open)
		putchar(']');
}

/* Is byte p inside an item?  Items are sorted by start. */
static const struct item *item_at(const struct doc *d, size_t p)
{
	for (size_t i = 0; i < d->nitems; i++) {
		const struct item *it = &d->items[i];
		if (p < it->start)
			return NULL;
		if (p < it->start + it->len)
			return it;
	}
	return NULL;
}

/* Does a title word at [s, e) lead straight into a person item? */
static bool title_before_person(const struct doc *d, size_t e)
{
	size_t p = e;
	while (p < d->plen && (d->plain[p] == '.' || d->plain[p] == ' '))
		p++;
	const struct item *it = item_at(d, p);
	return it && it->start == p && it->cat == C_PERSON;
}

static int score(struct doc *d, enum bron_lang lang, struct tally *t)
{
	struct bron_error err = { 0 };
	struct bron_redactor *r = bron_redactor_new(lang, &err);
	if (!r) {
		fprintf(stderr, "%s: bron_redactor_new: %s\n", d->path, err.msg);
		return 3;
	}
	struct bron_redaction out;
	memset(&out, 0, sizeof out);
	if (bron_redact(r, d->plain, d->plen, &out, &err) != BRON_OK) {
		fprintf(stderr, "%s: bron_redact: %s\n", d->path, err.msg);
		bron_redactor_free(r);
		return 3;
	}
	/* cover[i]: 0 not replaced, else 1 + the replacement's category */
	int *cover = calloc(d->plen + 1, sizeof *cover);
	bool *cov = calloc(d->plen + 1, sizeof *cov);
	bool *need = calloc(d->plen + 1, sizeof *need);
	if (!cover || !cov || !need) {
		fputs("evaluate: out of memory\n", stderr);
		exit(3);
	}
	int rc = 0;
	for (size_t k = 0; k < out.nrepl; k++) {
		const struct bron_replacement *rp = &out.repl[k];
		if (rp->in_start > d->plen || rp->in_len > d->plen - rp->in_start) {
			fprintf(stderr, "%s: replacement %zu out of range "
			        "(%zu+%zu of %zu bytes)\n", d->path, k,
			        rp->in_start, rp->in_len, d->plen);
			rc = 3;
			continue;
		}
		for (size_t i = rp->in_start; i < rp->in_start + rp->in_len; i++) {
			cover[i] = 1 + (int)rp->cat;
			cov[i] = true;
		}
	}

	for (size_t i = 0; i < d->nitems; i++) {
		const struct item *it = &d->items[i];
		const char *s = d->plain + it->start;
		significant(s, it->len, it->cat, need);
		size_t want = 0, got = 0;
		bool agree = false;
		for (size_t b = 0; b < it->len; b++) {
			int c = cover[it->start + b];
			if (c && (unsigned)(c - 1) == it->cat + 1)
				agree = true;
			if (!need[b])
				continue;
			want++;
			got += c != 0;
		}
		t->total[it->cat]++;
		if (want == got) {
			t->removed[it->cat]++;
			t->agree[it->cat] += agree;
			continue;
		}
		if (got)
			t->partial[it->cat]++;
		if (verbose) {
			printf("  %s %s:%zu %-11s \"", got ? "partial" : "missed ",
			       d->path, it->line, cat_names[it->cat]);
			/* only the needed bytes count as uncovered */
			for (size_t b = 0; b < it->len; b++)
				need[b] = !need[b] || cov[it->start + b];
			print_marked(s, it->len, need);
			puts("\"");
		}
	}

	size_t pos = 0;
	struct token tk;
	while (next_token(d->plain, d->plen, &pos, &tk)) {
		bool inside = false;
		for (size_t i = 0; i < d->nitems && !inside; i++) {
			const struct item *it = &d->items[i];
			inside = tk.start < it->start + it->len &&
			         it->start < tk.end;
		}
		if (inside)
			continue;
		bool hit = false;
		int hitcat = 0;
		for (size_t b = tk.start; b < tk.end; b++)
			if (cover[b]) {
				hit = true;
				hitcat = cover[b] - 1;
			}
		if (tk.letters) {
			if (in_list(titles, d->plain + tk.start, tk.end - tk.start,
			            true) && title_before_person(d, tk.end))
				continue;
			t->words++;
			t->words_cov += hit;
		} else {
			t->nums++;
			t->nums_cov += hit;
		}
		if (hit && verbose)
			printf("  false   %s:%zu %-11s \"%.*s\" (as %s)\n",
			       d->path, d->lines[tk.start],
			       tk.letters ? "word" : "number",
			       (int)(tk.end - tk.start), d->plain + tk.start,
			       bron_cat_name((enum bron_cat)hitcat));
	}
	/* plain word count, for the corpus statistics */
	for (size_t i = 0; i < d->plen;) {
		while (i < d->plen && (d->plain[i] == ' ' || d->plain[i] == '\n' ||
		                       d->plain[i] == '\t'))
			i++;
		if (i < d->plen)
			t->plain_words++;
		while (i < d->plen && !(d->plain[i] == ' ' ||
		                        d->plain[i] == '\n' || d->plain[i] == '\t'))
			i++;
	}
	t->files++;
	free(cover);
	free(cov);
	free(need);
	bron_redaction_free(&out);
	bron_redactor_free(r);
	return rc;
}

struct paths {
	char **v;
	size_t n, cap;
};

static void add_path(struct paths *p, const char *s)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	size_t n = strlen(s) + 1;
	p->v[p->n] = xrealloc(NULL, n);
	memcpy(p->v[p->n++], s, n);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Collects FILE, or every *.txt under DIR (recursively). */
static bool collect(struct paths *p, const char *path, bool top)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "evaluate: %s: %s\n", path, strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		size_t n = strlen(path);
		if (top || (n > 4 && strcmp(path + n - 4, ".txt") == 0))
			add_path(p, path);
		return true;
	}
	DIR *dir = opendir(path);
	if (!dir) {
		fprintf(stderr, "evaluate: %s: %s\n", path, strerror(errno));
		return false;
	}
	struct paths sub = { 0 };
	struct dirent *de;
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.')
			continue;
		size_t n = strlen(path) + strlen(de->d_name) + 2;
		char *full = xrealloc(NULL, n);
		snprintf(full, n, "%s%s%s", path,
		         path[strlen(path) - 1] == '/' ? "" : "/", de->d_name);
		add_path(&sub, full);
		free(full);
	}
	closedir(dir);
	qsort(sub.v, sub.n, sizeof *sub.v, cmp_str);
	bool ok = true;
	for (size_t i = 0; i < sub.n; i++) {
		ok = collect(p, sub.v[i], false) && ok;
		free(sub.v[i]);
	}
	free(sub.v);
	return ok;
}

static double ratio(size_t a, size_t b)
{
	return b ? (double)a / (double)b : 1.0;
}

static bool parse_rate(const char *s, double *v)
{
	char *end;
	errno = 0;
	*v = strtod(s, &end);
	return errno == 0 && end != s && *end == '\0' && *v >= 0.0 &&
	       *v <= 1.0;
}

static void usage(FILE *f)
{
	fputs("usage: evaluate [--lang auto|nl|en] [--verbose]\n"
	      "                [--min-recall R] [--min-category R]\n"
	      "                [--max-false R] [--max-false-num R] "
	      "FILE|DIR...\n", f);
}

int main(int argc, char **argv)
{
	enum bron_lang lang = BRON_LANG_AUTO;
	double min_recall = -1, min_cat = -1, max_false = -1, max_num = -1;
	struct paths files = { 0 };
	bool ok = true, opts = true;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		double *rate = NULL;
		if (opts && strcmp(a, "--") == 0) {
			opts = false;
			continue;
		}
		if (opts && (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0)) {
			usage(stdout);
			return 0;
		}
		if (opts && (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0)) {
			verbose = true;
			continue;
		}
		if (opts && strcmp(a, "--lang") == 0) {
			if (++i >= argc)
				goto bad;
			if (strcmp(argv[i], "auto") == 0)
				lang = BRON_LANG_AUTO;
			else if (strcmp(argv[i], "nl") == 0)
				lang = BRON_LANG_NL;
			else if (strcmp(argv[i], "en") == 0)
				lang = BRON_LANG_EN;
			else
				goto bad;
			continue;
		}
		if (opts && strcmp(a, "--min-recall") == 0)
			rate = &min_recall;
		else if (opts && strcmp(a, "--min-category") == 0)
			rate = &min_cat;
		else if (opts && strcmp(a, "--max-false") == 0)
			rate = &max_false;
		else if (opts && strcmp(a, "--max-false-num") == 0)
			rate = &max_num;
		if (rate) {
			if (++i >= argc || !parse_rate(argv[i], rate))
				goto bad;
			continue;
		}
		if (opts && a[0] == '-' && a[1] != '\0')
			goto bad;
		ok = collect(&files, a, true) && ok;
	}
	if (!ok)
		return 2;
	if (files.n == 0)
		goto bad;

	struct tally t = { 0 };
	int status = 0;
	if (verbose)
		puts("missed and partial items ([...] not covered), "
		     "false removals:");
	for (size_t i = 0; i < files.n; i++) {
		size_t n;
		char *src = read_all(files.v[i], &n);
		if (!src) {
			fprintf(stderr, "evaluate: %s: %s\n", files.v[i],
			        strerror(errno));
			return 2;
		}
		struct doc d = { .path = files.v[i] };
		if (!parse(&d, src, n))
			return 2;
		int rc = score(&d, lang, &t);
		if (rc > status)
			status = rc;
		free(src);
		free(d.plain);
		free(d.lines);
		free(d.items);
		free(files.v[i]);
	}
	free(files.v);
	if (status)
		return status;

	size_t all = 0, rem = 0, part = 0;
	printf("\n%zu files, %zu words\n\n", t.files, t.plain_words);
	printf("%-12s %6s %8s %8s %7s %8s\n", "category", "items", "removed",
	       "partial", "recall", "label");
	bool fail = false;
	for (size_t c = 0; c < NCAT; c++) {
		if (!t.total[c])
			continue;
		double rc = ratio(t.removed[c], t.total[c]);
		bool low = min_cat >= 0 && rc < min_cat;
		fail |= low;
		printf("%-12s %6zu %8zu %8zu %6.1f%% %7.1f%%%s\n", cat_names[c],
		       t.total[c], t.removed[c], t.partial[c], 100 * rc,
		       100 * ratio(t.agree[c], t.removed[c]),
		       low ? "  < min" : "");
		all += t.total[c];
		rem += t.removed[c];
		part += t.partial[c];
	}
	double recall = ratio(rem, all);
	double fw = ratio(t.words_cov, t.words);
	double fn = t.nums ? ratio(t.nums_cov, t.nums) : 0.0;
	if (!t.words)
		fw = 0.0;
	bool lowr = min_recall >= 0 && recall < min_recall;
	bool highw = max_false >= 0 && fw > max_false;
	bool highn = max_num >= 0 && fn > max_num;
	fail |= lowr || highw || highn;
	printf("%-12s %6zu %8zu %8zu %6.1f%%%s\n\n", "all", all, rem, part,
	       100 * recall, lowr ? "  < min" : "");
	printf("false removals: %zu of %zu words (%.2f%%)%s, "
	       "%zu of %zu numbers (%.2f%%)%s\n",
	       t.words_cov, t.words, 100 * fw, highw ? " > max" : "",
	       t.nums_cov, t.nums, 100 * fn, highn ? " > max" : "");
	if (min_recall >= 0 || min_cat >= 0 || max_false >= 0 || max_num >= 0)
		puts(fail ? "result: FAIL" : "result: ok");
	return fail ? 1 : 0;

bad:
	usage(stderr);
	return 2;
}
