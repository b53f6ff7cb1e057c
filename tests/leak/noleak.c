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
 * Each journal also has up to four experiences, offered to every view
 * whatever their decision (undecided, never, not yet, use, now and then a
 * value this build does not know), with a phase path and up to three
 * disclosure notes.  An experience not decided "use" carries secret
 * canaries in its title, kind, area and every note field, and its dates
 * lie in 1987: none of it may appear, not even a date, not even in the
 * HTML picture.  An experience decided "use" carries a visible canary in
 * its title (before any private passage) and in most notes, which must
 * appear in every view, and private passages, which must not.
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
#include "bron/reflect.h"
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
 * shareable), 's' (private passage), 'v' (visible), 'x' (an experience
 * not decided "use") or 'w' (visible in an experience decided "use").
 * The serial number is spelt in the letters a to p, so "qz" never occurs
 * inside one.
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
		if (kind == 'v' || kind == 'w') {
			if (pick(3) == 0) {
				s_put(&s, " ");
				canary(&s, kind, (*serial)++);
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

/* An experience as the view is offered it, with what it owns. */
struct exp {
	struct bron_view_experience v;
	struct bron_view_note notes[3];
	struct bron_phase_point path[6];
	char *own[16];
	size_t nown;
};

struct journal {
	struct bron_entry *e;
	uint64_t *ids;
	size_t n;
	size_t notyet_in[3]; /* not-yet entries per selection */
	int visible;         /* visible canaries in shareable entries */
	struct exp x[4];
	size_t nx;
	int xvisible;        /* visible canaries in experiences decided "use" */
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

/*
 * Experiences come from a random stream of their own, so that the entries
 * of journal N are the same as they were before experiences were added.
 */
static uint64_t xrng_state;

#define SECRET_YEAR "1987"
static const int64_t secret_dates = 536457600;  /* 1987-01-01 UTC */
static const int64_t visible_dates = 1420070400; /* 2015-01-01 UTC */

static const char *own(struct exp *x, char *s)
{
	if (x->nown == sizeof(x->own) / sizeof(x->own[0]))
		abort();
	x->own[x->nown++] = s;
	return s;
}

/* A title that shows: words, a visible canary, then maybe a passage. */
static char *use_title(unsigned long *serial)
{
	struct str s = {0};
	s_put(&s, "");
	words(&s, 1 + (int)pick(3));
	s_put(&s, " ");
	canary(&s, 'w', (*serial)++);
	s_put(&s, " ");
	if (pick(2) && !passage(&s, serial))
		words(&s, 1 + (int)pick(2));
	return s.p;
}

/*
 * Short text: one stretch (now and then two) of a few words, a canary and
 * maybe a passage.  Kept short: every view redacts it again.
 */
static char *note_text(char kind, unsigned long *serial, int *visible)
{
	struct str s = {0};
	s_put(&s, "");
	int n = pick(4) ? 1 : 2;
	for (int i = 0; i < n; i++) {
		words(&s, 1 + (int)pick(2));
		s_put(&s, " ");
		if (kind == 'x' || pick(2)) {
			canary(&s, kind, (*serial)++);
			s_put(&s, " ");
			*visible += kind == 'w';
		}
		if (kind == 'w' && pick(3) == 0 && passage(&s, serial))
			return s.p; /* an open passage ends the text */
	}
	return s.p;
}

static const char *const kinds[][2] = {
        {"illness", "illness or a disorder"},
        {"loss", "loss and grief"},
        {"violence", "<b>violence</b> & \"abuse\""},
};

static void make_experiences(struct journal *j, unsigned long *serial)
{
	static const int decisions[] = {BRON_UNDECIDED, BRON_LEVEL_PRIVATE,
	                                BRON_LEVEL_NOT_YET, BRON_LEVEL_SHAREABLE};
	uint64_t saved = rng_state;
	rng_state = xrng_state;
	j->nx = pick(5);
	for (size_t i = 0; i < j->nx; i++) {
		struct exp *x = &j->x[i];
		memset(x, 0, sizeof(*x));
		x->v.id = rnd();
		x->v.decision = decisions[pick(4)];
		if (pick(50) == 0) /* a decision this build does not know */
			x->v.decision = pick(2) ? 3 : -2;
		int use = x->v.decision == BRON_LEVEL_SHAREABLE;
		char kind = use ? 'w' : 'x';
		int vis = 0;
		if (use) {
			x->v.title = own(x, use_title(serial));
			vis++;
			if (pick(4)) {
				size_t k = pick(3);
				x->v.kind_label = kinds[k][1];
				x->v.kind_key = kinds[k][0];
			}
			x->v.area_key = pick(4) ? areas[pick(3)] : NULL;
		} else {
			/* kind and area show as given when the experience is
			 * used: here they are secret too */
			x->v.title = own(x, note_text('x', serial, &vis));
			x->v.kind_label = own(x, note_text('x', serial, &vis));
			x->v.kind_key = own(x, note_text('x', serial, &vis));
			x->v.area_key = own(x, note_text('x', serial, &vis));
		}
		int64_t base = use ? visible_dates : secret_dates;
		int64_t span = use ? 86400 * 365 * 8 : 86400 * 360;
		x->v.npath = pick(7);
		int64_t when = base + 86400 * 2 + (int64_t)pick(86400 * 30);
		for (size_t k = 0; k < x->v.npath; k++) {
			x->path[k].when = when;
			x->path[k].phase = 1 + (int)pick(4);
			when += (int64_t)pick((uint64_t)span / 6);
		}
		x->v.path = x->path;
		/* 0 to 3 notes, fewer more often; each field but the role
		 * now and then, missing (NULL) or empty */
		size_t nn = pick(10);
		x->v.nnotes = nn < 4 ? 0 : nn < 7 ? 1 : nn < 9 ? 2 : 3;
		for (size_t k = 0; k < x->v.nnotes; k++) {
			struct bron_view_note *n = &x->notes[k];
			n->when = base + 86400 * 2 + (int64_t)pick((uint64_t)span);
			n->role = own(x, note_text(kind, serial, &vis));
			n->context = pick(3) ? NULL
			                     : own(x, note_text(kind, serial, &vis));
			n->outcome = pick(3) ? "" : own(x, note_text(kind, serial, &vis));
			n->differently =
			        pick(3) ? NULL : own(x, note_text(kind, serial, &vis));
		}
		x->v.notes = x->notes;
		j->xvisible += use ? vis : 0;
	}
	xrng_state = rng_state;
	rng_state = saved;
}

static void free_journal(struct journal *j)
{
	for (size_t i = 0; i < j->n; i++)
		bron_entry_release(&j->e[i]);
	free(j->e);
	free(j->ids);
	for (size_t i = 0; i < j->nx; i++)
		for (size_t k = 0; k < j->x[i].nown; k++)
			free(j->x[i].own[k]);
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

/*
 * The canaries in text, in one pass: seen[k] counts every "qz" + k, so
 * that a canary shortened with an ellipsis (as titles are in the picture)
 * still counts as leaked; whole[k] only complete ones ("qz" + k + letters
 * + "kanarie"), for the visible canaries that must appear.
 */
struct found {
	size_t seen[26], whole[26];
};

static void find_canaries(const char *text, struct found *f)
{
	memset(f, 0, sizeof(*f));
	for (const char *p = text; (p = strstr(p, "qz")); p += 2) {
		if (p[2] < 'a' || p[2] > 'z')
			continue;
		int k = p[2] - 'a';
		f->seen[k]++;
		const char *q = p + 3;
		while (*q >= 'a' && *q <= 'z' && strncmp(q, "kanarie", 7) != 0)
			q++;
		if (strncmp(q, "kanarie", 7) == 0)
			f->whole[k]++;
	}
}

/* A date of 1987 as the views write it: in a path or note, or an axis. */
static int secret_date(const char *text)
{
	for (const char *p = text; (p = strstr(p, SECRET_YEAR)); p += 4)
		if (p[4] == '-' || (p > text && p[-1] == '>'))
			return 1;
	return 0;
}

#define SEEN(f, kind) ((f).seen[(kind) - 'a'])
#define WHOLE(f, kind) ((f).whole[(kind) - 'a'])

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
	xrng_state = seed ^ 0x6578706572696e63ULL;
	unsigned long serial = 0, views = 0, entries = 0, exps = 0;
	struct bron_error err;
	for (unsigned long jn = 0; jn < journals; jn++) {
		struct journal j = {0};
		make_journal(&j, &serial);
		make_experiences(&j, &serial);
		entries += j.n;
		exps += j.nx;
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
					/* every experience, whatever the selection */
					for (size_t i = 0; v && i < j.nx; i++)
						if (bron_view_add_experience(v, &j.x[i].v, &err) !=
						    BRON_OK) {
							fprintf(stderr, "add experience: %s\n",
							        err.msg);
							return 1;
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
					struct found f;
					find_canaries(text, &f);
					if (SEEN(f, 'p'))
						report("a private entry leaked", jn, fmt, wh, sel,
						       text);
					if (SEEN(f, 'n'))
						report("a not-yet-shareable entry leaked", jn, fmt,
						       wh, sel, text);
					if (SEEN(f, 's'))
						report("a private passage leaked", jn, fmt, wh, sel,
						       text);
					if (SEEN(f, 'x'))
						report("an experience not decided \"use\" leaked",
						       jn, fmt, wh, sel, text);
					if (secret_date(text))
						report("a date of an experience not decided "
						       "\"use\" leaked",
						       jn, fmt, wh, sel, text);
					if (WHOLE(f, 'w') < (size_t)j.xvisible)
						report("a visible canary of an experience decided "
						       "\"use\" is missing",
						       jn, fmt, wh, sel, text);
					if (st.shown != shareable)
						report("wrong number of entries shown", jn, fmt, wh,
						       sel, text);
					if (st.withheld != (wh == 0 ? 0 : notyet))
						report("private entries were counted, or not-yet "
						       "ones miscounted",
						       jn, fmt, wh, sel, text);
					if (sel == 0 && fmt == 1 &&
					    WHOLE(f, 'v') < (size_t)j.visible)
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
	printf("%lu journals, %lu entries, %lu experiences, %lu views, %lu "
	       "canaries: %ld failures\n",
	       journals, entries, exps, views, serial, failures);
	return failures ? 1 : 0;
}
