/*
 * noleak.c - the proof that a supervision view never shows what the author
 * kept private.
 *
 * It makes N random journals (default 10,000; deterministic from a seed)
 * whose private entries, not-yet-shareable entries and private passages
 * carry unique canary words, and renders every journal in every format,
 * with every way of treating not-yet-shareable entries and several
 * selections.  No canary of those kinds may appear in any output.  Each
 * shareable entry also carries a visible canary outside any passage, which
 * must appear: that shows the canaries are words the redactor leaves
 * alone, so their absence means they were cut, not disguised.
 *
 * Bodies are adversarial on purpose: nested, unclosed and escaped
 * brackets, stray closers, Unicode, markup that looks like HTML, Markdown
 * or JSON, and now and then a very long entry.
 *
 *   noleak [-n JOURNALS] [-s SEED] [-v]
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bron/bron.h"
#include "bron/redact.h"
#include "bron/view.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static size_t pick(size_t n)
{
	return (size_t)(rnd() % n);
}

/* A growing string. */
struct str {
	char *p;
	size_t len, cap;
};

static void s_add(struct str *s, const char *t, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->p = realloc(s->p, s->cap);
		if (!s->p)
			abort();
	}
	memcpy(s->p + s->len, t, n);
	s->len += n;
	s->p[s->len] = '\0';
}

static void s_put(struct str *s, const char *t)
{
	s_add(s, t, strlen(t));
}

/*
 * Canaries: lowercase letters only, so that no detector mistakes them for
 * a name or a number.  kind is 'p' (private entry), 'n' (not yet
 * shareable), 's' (private passage) or 'v' (visible).  The serial number
 * is spelt in the letters a to p, so "qz" never occurs inside one.
 */
static void canary(struct str *s, char kind, unsigned long serial)
{
	char word[40] = "qz";
	size_t k = 2;
	word[k++] = kind;
	do {
		word[k++] = (char)('a' + serial % 16);
		serial /= 16;
	} while (serial);
	memcpy(word + k, "kanarie", 8);
	s_put(s, word);
}

static const char *const filler[] = {
        "vandaag was zwaar", "ik dacht aan vroeger", "de cliënt vertelde",
        "in supervisie besproken", "het herstel gaat langzaam",
        "<b>vet</b> &amp; <script>alert(1)</script>", "**nadruk** _cursief_",
        "# kop\n- punt", "```\ncode\n```", "{\"json\": [1, 2]}",
        "]]> <!-- -->", "\\n \\\" \\\\", "één twee drié", "😊 🌱 ñ ü ß",
        "een ] losse ] haak [ hier", "tab\there", "regel\r\nwindows",
        "fase 2 van herstel", "roos bos storm hoop", "112 en 113",
};

static void words(struct str *s, int n)
{
	for (int i = 0; i < n; i++) {
		s_put(s, filler[pick(sizeof(filler) / sizeof(filler[0]))]);
		s_put(s, pick(5) ? " " : "\n\n");
	}
}

/*
 * A private passage holding a secret canary, in one of several shapes.
 * Returns 1 when the passage stays open (the caller must then write only
 * secret canaries after it).
 */
static int passage(struct str *s, unsigned long *serial)
{
	switch (pick(8)) {
	case 0: /* nested */
		s_put(s, " [[ a ");
		canary(s, 's', (*serial)++);
		s_put(s, " [[ b ");
		canary(s, 's', (*serial)++);
		s_put(s, " ]] c ");
		canary(s, 's', (*serial)++);
		s_put(s, " ]] ");
		return 0;
	case 1: /* an escaped closer inside does not close */
		s_put(s, " [[ ");
		canary(s, 's', (*serial)++);
		s_put(s, " \\]] ");
		canary(s, 's', (*serial)++);
		s_put(s, " ]] ");
		return 0;
	case 2: /* never closed */
		s_put(s, " [[ ");
		canary(s, 's', (*serial)++);
		return 1;
	case 3: /* markup inside */
		s_put(s, " [[<div>");
		canary(s, 's', (*serial)++);
		s_put(s, "</div> **");
		canary(s, 's', (*serial)++);
		s_put(s, "**]] ");
		return 0;
	case 4: /* three brackets */
		s_put(s, " [[[");
		canary(s, 's', (*serial)++);
		s_put(s, "]]] ");
		return 0;
	case 5: /* right after a backslash that escapes nothing */
		s_put(s, " \\ [[");
		canary(s, 's', (*serial)++);
		s_put(s, "]] ");
		return 0;
	case 6: /* multi-line */
		s_put(s, "\n[[\n");
		canary(s, 's', (*serial)++);
		s_put(s, "\n\n");
		canary(s, 's', (*serial)++);
		s_put(s, "\n]]\n");
		return 0;
	default: /* plain */
		s_put(s, " [[");
		canary(s, 's', (*serial)++);
		s_put(s, "]] ");
		return 0;
	}
}

/* Text for a field: filler, visible canaries, passages. */
static char *field(char kind, unsigned long *serial, int big, int *visible)
{
	struct str s = {0};
	s_put(&s, "");
	int n = big ? 4000 : 1 + (int)pick(6);
	for (int i = 0; i < n; i++) {
		words(&s, 1 + (int)pick(4));
		if (kind == 'v') {
			if (pick(3) == 0) {
				s_put(&s, " ");
				canary(&s, 'v', (*serial)++);
				s_put(&s, " ");
				(*visible)++;
			}
			if (pick(3) == 0 && passage(&s, serial)) {
				words(&s, 2);
				return s.p; /* an open passage ends the text */
			}
			if (pick(6) == 0)
				s_put(&s, " \\[[ letterlijk ]] ");
		} else {
			s_put(&s, " ");
			canary(&s, kind, (*serial)++);
			s_put(&s, " ");
		}
	}
	return s.p;
}

static const char *const areas[] = {"work", "home", "friends", NULL};

struct journal {
	struct bron_entry *e;
	uint64_t *ids;
	size_t n;
	size_t notyet_in[3]; /* not-yet entries per selection */
	int visible;         /* visible canaries in shareable entries */
};

static void make_journal(struct journal *j, unsigned long *serial)
{
	j->n = 1 + pick(8);
	j->e = calloc(j->n, sizeof(*j->e));
	j->ids = calloc(j->n, sizeof(*j->ids));
	if (!j->e || !j->ids)
		abort();
	for (size_t i = 0; i < j->n; i++) {
		struct bron_entry *e = &j->e[i];
		bron_entry_init(e);
		e->level = (enum bron_level)pick(3);
		e->created = 1700000000 + (int64_t)pick(86400 * 400);
		e->updated = e->created;
		char kind = e->level == BRON_LEVEL_PRIVATE   ? 'p'
		            : e->level == BRON_LEVEL_NOT_YET ? 'n'
		                                             : 'v';
		int big = pick(500) == 0;
		int vis = 0;
		e->title = field(kind, serial, 0, &vis);
		e->body = field(kind, serial, big, &vis);
		size_t ntags = pick(3);
		for (size_t t = 0; t < ntags; t++) {
			char *tag = field(kind, serial, 0, &vis);
			if (bron_entry_add_tag(e, tag, NULL) != BRON_OK)
				abort();
			free(tag);
		}
		/* visible canaries count only where they are sure to show */
		j->visible += e->level == BRON_LEVEL_SHAREABLE ? vis : 0;
		const char *area = areas[pick(4) % 3];
		e->area = pick(4) ? strdup(area) : NULL;
		j->ids[i] = rnd();
	}
}

static void free_journal(struct journal *j)
{
	for (size_t i = 0; i < j->n; i++)
		bron_entry_release(&j->e[i]);
	free(j->e);
	free(j->ids);
}

/* The selections: everything, one life area, a date range. */
static int selected(const struct bron_entry *e, int sel)
{
	if (sel == 1)
		return e->area && strcmp(e->area, "work") == 0;
	if (sel == 2)
		return e->created >= 1700000000 + 86400 * 100 &&
		       e->created < 1700000000 + 86400 * 300;
	return 1;
}

static long failures;

static void report(const char *what, unsigned long journal, int fmt,
                   int withheld, int sel, const char *text)
{
	if (failures++ < 10)
		fprintf(stderr,
		        "FAIL journal %lu format %d withheld %d selection %d: %s\n",
		        journal, fmt, withheld, sel, what);
	if (failures == 1 && getenv("NOLEAK_DUMP"))
		fprintf(stderr, "%s\n", text);
}

/* Looks for "qz" + kind + letters + "kanarie" in text. */
static size_t count_canaries(const char *text, char kind)
{
	size_t n = 0;
	for (const char *p = text; (p = strstr(p, "qz")); p += 2) {
		if (p[2] != kind)
			continue;
		const char *q = p + 3;
		while (*q >= 'a' && *q <= 'z' && strncmp(q, "kanarie", 7) != 0)
			q++;
		if (strncmp(q, "kanarie", 7) == 0)
			n++;
	}
	return n;
}

int main(int argc, char **argv)
{
	unsigned long journals = 10000;
	uint64_t seed = 20261128;
	int verbose = 0, opt;
	while ((opt = getopt(argc, argv, "n:s:v")) != -1) {
		if (opt == 'n')
			journals = strtoul(optarg, NULL, 10);
		else if (opt == 's')
			seed = strtoull(optarg, NULL, 10);
		else if (opt == 'v')
			verbose = 1;
		else {
			fprintf(stderr, "usage: noleak [-n JOURNALS] [-s SEED] [-v]\n");
			return 2;
		}
	}
	if (bron_init(NULL) != BRON_OK)
		return 1;
	rng_state = seed;
	unsigned long serial = 0, views = 0, entries = 0;
	struct bron_error err;
	for (unsigned long jn = 0; jn < journals; jn++) {
		struct journal j = {0};
		make_journal(&j, &serial);
		entries += j.n;
		struct bron_redactor *r = bron_redactor_new(BRON_LANG_AUTO, &err);
		if (!r) {
			fprintf(stderr, "redactor: %s\n", err.msg);
			return 1;
		}
		/* a pseudonym now and then, to exercise that path too */
		if (pick(4) == 0 &&
		    bron_redactor_add_name(r, "Jan de Vries", NULL, &err) != BRON_OK)
			return 1;
		for (int fmt = 0; fmt < 4; fmt++)
			for (int wh = 0; wh < 3; wh++)
				for (int sel = 0; sel < 3; sel++) {
					struct bron_view_opts o = {
					        .format = (enum bron_view_format)fmt,
					        .withheld = (enum bron_withheld)wh,
					        .generated = 1764288000,
					        .lang = "nl"};
					struct bron_view *v = bron_view_new(&o, r, &err);
					size_t notyet = 0, shareable = 0;
					for (size_t i = 0; v && i < j.n; i++) {
						if (!selected(&j.e[i], sel))
							continue;
						notyet += j.e[i].level == BRON_LEVEL_NOT_YET;
						shareable += j.e[i].level == BRON_LEVEL_SHAREABLE;
						if (bron_view_add(v, j.ids[i], &j.e[i], &err) !=
						    BRON_OK) {
							fprintf(stderr, "add: %s\n", err.msg);
							return 1;
						}
					}
					char *text;
					size_t len;
					struct bron_view_stats st;
					if (!v || bron_view_finish(v, &text, &len, &st, NULL,
					                           NULL, &err) != BRON_OK) {
						fprintf(stderr, "view: %s\n", err.msg);
						return 1;
					}
					views++;
					if (strlen(text) != len)
						report("length mismatch", jn, fmt, wh, sel, text);
					if (count_canaries(text, 'p'))
						report("a private entry leaked", jn, fmt, wh, sel,
						       text);
					if (count_canaries(text, 'n'))
						report("a not-yet-shareable entry leaked", jn, fmt,
						       wh, sel, text);
					if (count_canaries(text, 's'))
						report("a private passage leaked", jn, fmt, wh, sel,
						       text);
					if (st.shown != shareable)
						report("wrong number of entries shown", jn, fmt, wh,
						       sel, text);
					if (st.withheld != (wh == 0 ? 0 : notyet))
						report("private entries were counted, or not-yet "
						       "ones miscounted",
						       jn, fmt, wh, sel, text);
					if (sel == 0 && fmt == 1 &&
					    count_canaries(text, 'v') < (size_t)j.visible)
						report("a visible canary is missing (the test "
						       "would prove nothing)",
						       jn, fmt, wh, sel, text);
					free(text);
					bron_view_free(v);
				}
		bron_redactor_free(r);
		free_journal(&j);
		if (verbose && (jn + 1) % 1000 == 0)
			fprintf(stderr, "%lu journals\n", jn + 1);
	}
	printf("%lu journals, %lu entries, %lu views, %lu canaries: %ld "
	       "failures\n",
	       journals, entries, views, serial, failures);
	return failures ? 1 : 0;
}
