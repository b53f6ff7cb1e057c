/*
 * cmd_entry.c - the commands about entries: add, list, search, show, edit,
 * delete and level.
 */
#include <errno.h>
#include <stddef.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "bron/markup.h"
#include "bron/reflect.h"
#include "bron/sort.h"
#include "cli.h"
#include "commands.h"
#include "i18n.h"
#include "vocab.h"


/* ---- reading text ---- */

char *read_body(FILE *in, int interactive)
{
	size_t cap = 4096, len = 0, line_start = 0;
	char *buf = malloc(cap);
	int ch;
	if (!buf) {
		say_error(_("out of memory"));
		return NULL;
	}
	if (interactive) {
		fprintf(stderr, "%s\n", _("Write your entry. End with a line that "
		                          "holds only a dot (.), or press Ctrl-D."));
		fflush(stderr);
	}
	while ((ch = fgetc(in)) != EOF) {
		if (len + 2 >= cap) {
			char *bigger = malloc(cap * 2);
			if (!bigger) {
				bron_secret_free(buf, cap);
				say_error(_("out of memory"));
				return NULL;
			}
			memcpy(bigger, buf, len);
			bron_secret_free(buf, cap);
			buf = bigger;
			cap *= 2;
		}
		buf[len++] = (char)ch;
		if (ch == '\n') {
			if (interactive && len - line_start == 2 &&
			    buf[line_start] == '.') {
				len = line_start;
				break;
			}
			line_start = len;
		}
	}
	if (ferror(in)) {
		bron_secret_free(buf, cap);
		if (errno == EINTR) {
			note_cancelled();
			say_error(_("cancelled; nothing was saved"));
		} else {
			say_error(_("cannot read the text from standard input"));
		}
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

void free_text(char *s)
{
	if (s)
		bron_secret_free(s, strlen(s));
}

/* ---- output helpers ---- */

/*
 * Prints a local date, with the time of day when with_time is set, in the
 * order of the user's language (a person reads it; JSON has json_time).
 * The Dutch order is one date_parse() reads back, so a date can be copied
 * into --since.
 */
void print_date(FILE *out, int64_t t, int with_time)
{
	char buf[64];
	time_t tt = (time_t)t;
	struct tm tm;
	size_t n = 0;
	if (localtime_r(&tt, &tm))
		n = with_time
		        /* TRANSLATORS: a date and the time of day for
		           strftime(3), as in 'show'; Dutch "%d-%m-%Y %H:%M". */
		        ? strftime(buf, sizeof(buf), _("%Y-%m-%d %H:%M"), &tm)
		        /* TRANSLATORS: a date for strftime(3), as in 'list';
		           Dutch "%d-%m-%Y".  Keep it numeric and 10 characters
		           wide (list lines up its columns on it), in an order
		           that 'list --since' reads back: %Y-%m-%d or
		           %d-%m-%Y. */
		        : strftime(buf, sizeof(buf), _("%Y-%m-%d"), &tm);
	if (n)
		fputs(buf, out);
	else
		fputs("?", out);
}

static void json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;
	     p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

void json_print_string(FILE *out, const char *s)
{
	if (s)
		json_string(out, s);
	else
		fputs("null", out);
}

static void json_time(FILE *out, int64_t t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) &&
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		fprintf(out, "\"%s\"", buf);
	else
		fputs("null", out);
}

static const char *level_color(int level)
{
	switch (level) {
	case BRON_LEVEL_SHAREABLE:
		return "\033[32m";
	case BRON_LEVEL_NOT_YET:
		return "\033[33m";
	default:
		return "\033[2m";
	}
}

/* Display width of UTF-8 text, counting each code point as one column. */
static size_t columns(const char *s, size_t bytes)
{
	size_t n = 0;
	for (size_t i = 0; i < bytes && s[i]; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

/* Prints at most width columns of s, cutting at a code point boundary. */
static void print_cut(const char *s, size_t width)
{
	size_t i = 0, cols = 0, len = strlen(s);
	if (columns(s, len) <= width) {
		fputs(s, stdout);
		return;
	}
	while (i < len && cols + 1 < width) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		cols++;
	}
	fwrite(s, 1, i, stdout);
	fputs("…", stdout);
}

/* ---- filters and summaries ---- */


/*
 * A summary travels through the sorter as a value:
 *   id u64, created i64, updated i64, level u8, area u8 (0: none, else
 *   index + 1), title (u32 length + bytes), ntags u32, tags (u32 + bytes).
 * Tags are stored only for JSON.
 */
struct summary {
	bron_id id;
	int64_t created, updated;
	int level;
	const char *title;  /* not NUL-terminated: title_len bytes */
	size_t title_len;
	const char *area;   /* points into the static area table */
	const uint8_t *tags; /* ntags of (u32 length + bytes) */
	size_t ntags;
};

struct gather {
	struct filter *f;
	int json;
	struct bron_sorter *sorter;
	size_t n;
	uint8_t *value; /* serialising buffer */
	size_t value_cap;
	char *scratch; /* for folding */
	size_t scratch_cap;
	bron_err err;
	struct bron_error why; /* the message that goes with err, if any */
};

static int64_t next_day(int64_t day)
{
	time_t t = (time_t)day;
	struct tm tm;
	localtime_r(&t, &tm);
	tm.tm_mday++;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

/* Fills f from the options, which run_command() has already checked. */
void parse_filter(const struct args *a, struct filter *f)
{
	const char *s;
	int64_t now = (int64_t)time(NULL);
	memset(f, 0, sizeof(*f));
	f->level = (s = arg_value(a, "level")) ? level_parse(s) : -1;
	f->area = (s = arg_value(a, "area")) ? area_key(s) : NULL;
	f->tag = arg_value(a, "tag");
	f->kind = (s = arg_value(a, "kind")) ? vocab_key(&vocab_kinds, s) : NULL;
	f->aspect = (s = arg_value(a, "aspect")) ? vocab_key(&vocab_aspects, s)
	                                         : NULL;
	f->phase = (s = arg_value(a, "phase")) ? phase_parse(s) : 0;
	if ((s = arg_value(a, "since")) && date_parse(s, now, &f->since) == 0)
		f->has_since = 1;
	if ((s = arg_value(a, "until")) && date_parse(s, now, &f->until) == 0) {
		f->until = next_day(f->until);
		f->has_until = 1;
	}
}

static int tag_match(const struct bron_entry *e, const char *tag)
{
	for (size_t i = 0; i < e->ntags; i++)
		if (strcasecmp(e->tags[i], tag) == 0)
			return 1;
	return 0;
}

static int reserve_scratch(struct gather *g, size_t n)
{
	if (n + 1 <= g->scratch_cap)
		return 0;
	bron_secret_free(g->scratch, g->scratch_cap);
	g->scratch_cap = n + 1 > 4096 ? n + 1 : 4096;
	g->scratch = malloc(g->scratch_cap);
	if (!g->scratch)
		g->scratch_cap = 0;
	return g->scratch ? 0 : -1;
}

static int text_match_bytes(struct gather *g, const char *s, size_t n)
{
	if (reserve_scratch(g, n) != 0) {
		g->err = BRON_E_NOMEM;
		return 0;
	}
	return bron_fold_contains(s, n, g->f->query, g->f->qlen, g->scratch);
}

static int text_match(struct gather *g, const char *s)
{
	return s && text_match_bytes(g, s, strlen(s));
}

static int has_word(char *const *list, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], key) == 0)
			return 1;
	return 0;
}

int filter_matches(const struct filter *f, const struct bron_entry *e)
{
	if (f->kind && !has_word(e->kinds, e->nkinds, f->kind))
		return 0;
	if (f->aspect && !has_word(e->aspects, e->naspects, f->aspect))
		return 0;
	if (f->phase && e->phase != f->phase)
		return 0;
	if (f->level >= 0 && (int)e->level != f->level)
		return 0;
	if (f->area && (!e->area || strcmp(e->area, f->area) != 0))
		return 0;
	if (f->tag && !tag_match(e, f->tag))
		return 0;
	if (f->has_since && e->created < f->since)
		return 0;
	if (f->has_until && e->created >= f->until)
		return 0;
	return 1;
}

static int entry_matches(struct gather *g, const struct bron_entry *e)
{
	struct filter *f = g->f;
	if (!filter_matches(f, e))
		return 0;
	if (!f->query)
		return 1;
	if (text_match(g, e->title) || text_match(g, e->body))
		return 1;
	for (size_t i = 0; i < e->nstory; i++)
		if (text_match(g, e->story[i].text))
			return 1;
	for (size_t i = 0; i < e->ntags; i++)
		if (text_match(g, e->tags[i]))
			return 1;
	return 0;
}

static uint8_t *put_u32(uint8_t *p, size_t v)
{
	for (int i = 0; i < 4; i++)
		*p++ = (uint8_t)(v >> (8 * i));
	return p;
}

static uint64_t get_u(const uint8_t *p, int bytes)
{
	uint64_t v = 0;
	for (int i = bytes - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

/*
 * Hands e's summary to the sorter under a key that orders newest first
 * (the creation time, sign-flipped and inverted, big-endian), then by id.
 */
static bron_err add_summary(struct gather *g, bron_id id,
                            const struct bron_entry *e, struct bron_error *err)
{
	size_t tlen = e->title ? strlen(e->title) : 0;
	size_t need = 8 + 8 + 8 + 2 + 4 + tlen + 4;
	if (g->json)
		for (size_t i = 0; i < e->ntags; i++)
			need += 4 + strlen(e->tags[i]);
	if (need > g->value_cap) {
		uint8_t *v = malloc(need);
		if (!v)
			return err->code = BRON_E_NOMEM, err->msg[0] = '\0',
			       BRON_E_NOMEM;
		bron_secret_free(g->value, g->value_cap);
		g->value = v;
		g->value_cap = need;
	}
	uint8_t *p = g->value;
	for (int i = 0; i < 8; i++)
		*p++ = (uint8_t)(id >> (8 * i));
	for (int i = 0; i < 8; i++)
		*p++ = (uint8_t)((uint64_t)e->created >> (8 * i));
	for (int i = 0; i < 8; i++)
		*p++ = (uint8_t)((uint64_t)e->updated >> (8 * i));
	*p++ = (uint8_t)e->level;
	*p++ = (uint8_t)area_index(e->area);
	p = put_u32(p, tlen);
	if (tlen)
		memcpy(p, e->title, tlen);
	p += tlen;
	p = put_u32(p, g->json ? e->ntags : 0);
	for (size_t i = 0; g->json && i < e->ntags; i++) {
		size_t n = strlen(e->tags[i]);
		p = put_u32(p, n);
		memcpy(p, e->tags[i], n);
		p += n;
	}
	uint8_t key[BRON_SORT_KEY];
	uint64_t order = ~((uint64_t)e->created ^ (UINT64_C(1) << 63));
	for (int i = 0; i < 8; i++) {
		key[i] = (uint8_t)(order >> (56 - 8 * i));
		key[8 + i] = (uint8_t)(id >> (56 - 8 * i));
	}
	bron_err code = bron_sorter_add(g->sorter, key, g->value,
	                                (size_t)(p - g->value), err);
	if (code == BRON_OK)
		g->n++;
	return code;
}

/* Reads back a value written by add_summary. */
static void read_summary(const uint8_t *v, size_t len, struct summary *s)
{
	(void)len;
	s->id = get_u(v, 8);
	s->created = (int64_t)get_u(v + 8, 8);
	s->updated = (int64_t)get_u(v + 16, 8);
	s->level = v[24];
	s->area = area_by_index(v[25]);
	s->title_len = get_u(v + 26, 4);
	s->title = (const char *)v + 30;
	s->ntags = get_u(v + 30 + s->title_len, 4);
	s->tags = v + 34 + s->title_len;
}

static int gather_one(void *ctx, bron_id id, uint64_t rev, const uint8_t *data,
                      size_t len)
{
	struct gather *g = ctx;
	struct bron_entry e;
	(void)rev;
	if (len == 0 || data[0] != BRON_KIND_ENTRY)
		return 0; /* other kinds of record are not entries */
	/*
	 * Searching: every text field lies whole inside the payload, so a
	 * payload whose folded bytes lack the folded query cannot match and
	 * needs no decoding.  The few that pass are checked field by field.
	 */
	if (g->f->query && !text_match_bytes(g, (const char *)data, len))
		return g->err != BRON_OK;
	bron_entry_init(&e);
	bron_err code = g->f->query
	                        ? bron_entry_decode(data, len, &e, &g->why)
	                        : bron_entry_decode_summary(data, len, &e, &g->why);
	if (code == BRON_OK && entry_matches(g, &e))
		code = add_summary(g, id, &e, &g->why);
	bron_entry_release(&e);
	if (code != BRON_OK) {
		g->err = code;
		return 1;
	}
	return 0;
}

/* A JSON string from len bytes that may hold no NUL. */
static void json_bytes(FILE *out, const char *p, size_t len)
{
	char *t = malloc(len + 1);
	if (!t) {
		fputs("\"\"", out);
		return;
	}
	memcpy(t, p, len);
	t[len] = '\0';
	json_string(out, t);
	bron_secret_free(t, len + 1);
}

static void print_json_summary(const struct summary *s, size_t i)
{
	printf("%s\n  {\"id\": \"%016llx\", \"created\": ", i ? "," : "",
	       (unsigned long long)s->id);
	json_time(stdout, s->created);
	printf(", \"updated\": ");
	json_time(stdout, s->updated);
	printf(", \"level\": \"%s\", \"area\": ", level_name(s->level));
	json_print_string(stdout, s->area);
	printf(", \"title\": ");
	if (s->title_len)
		json_bytes(stdout, s->title, s->title_len);
	else
		printf("null");
	printf(", \"tags\": [");
	const uint8_t *t = s->tags;
	for (size_t k = 0; k < s->ntags; k++) {
		size_t n = get_u(t, 4);
		printf("%s", k ? ", " : "");
		json_bytes(stdout, (const char *)t + 4, n);
		t += 4 + n;
	}
	printf("]}");
}

static void print_line_summary(struct cli *c, const struct summary *s,
                               size_t lw, int width)
{
	const char *label = level_label(s->level);
	printf("%0*llx  ", ID_SHORT,
	       (unsigned long long)(s->id >> (64 - 4 * ID_SHORT)));
	print_date(stdout, s->created, 0);
	printf("  %s%s%s", c->color ? level_color(s->level) : "", label,
	       c->color ? "\033[0m" : "");
	printf("%*s  ", (int)(lw - columns(label, 64)), "");
	int used = ID_SHORT + 2 + 10 + 2 + (int)lw + 2;
	size_t room = width > used + 10 ? (size_t)(width - used) : 10;
	if (s->title_len) {
		/* At most a screen line's worth of the title is needed. */
		size_t n = s->title_len < 4 * room + 4 ? s->title_len : 4 * room + 4;
		char buf[4 * 512 + 8];
		if (n > sizeof(buf) - 1)
			n = sizeof(buf) - 1;
		memcpy(buf, s->title, n);
		buf[n] = '\0';
		print_cut(buf, room);
		sodium_memzero(buf, n);
	} else {
		print_cut(_("(untitled)"), room);
	}
	printf("\n");
}

/* Prints the sorted summaries; returns BRON_OK or the sorter's error. */
static bron_err print_summaries(struct cli *c, struct gather *g,
                                struct bron_error *err)
{
	size_t lw = 0;
	for (int l = 0; l <= 2; l++)
		if (columns(level_label(l), 64) > lw)
			lw = columns(level_label(l), 64);
	int width = term_width();
	const uint8_t *key;
	const void *v;
	size_t len, i = 0;
	int r;
	if (g->json)
		printf("[");
	while ((r = bron_sorter_next(g->sorter, &key, &v, &len, err)) == 1) {
		struct summary s;
		read_summary(v, len, &s);
		if (g->json)
			print_json_summary(&s, i);
		else
			print_line_summary(c, &s, lw, width);
		i++;
	}
	if (g->json)
		printf("%s]\n", i ? "\n" : "");
	return r == 0 ? BRON_OK : err->code;
}

static void free_gather(struct gather *g)
{
	bron_sorter_free(g->sorter);
	bron_secret_free(g->value, g->value_cap);
	bron_secret_free(g->scratch, g->scratch_cap);
}

static int list_or_search(struct cli *c, const struct args *a,
                          const char *query)
{
	struct filter f;
	struct gather g = {0};
	struct bron_error err;
	int rc;
	parse_filter(a, &f);
	if (query) {
		size_t n = strlen(query);
		f.query = malloc(n + 1);
		if (!f.query) {
			say_error(_("out of memory"));
			return EXIT_INTERNAL;
		}
		f.qlen = bron_fold(query, n, f.query);
	}
	g.f = &f;
	g.json = arg_flag(a, "json");
	g.sorter = bron_sorter_new(0, &err);
	bron_err e = g.sorter ? bron_vault_foreach(c->vault, gather_one, &g, &err)
	                      : err.code;
	if (e == BRON_OK && g.err != BRON_OK) {
		err = g.why;
		if (err.code != g.err)
			bron_error_clear(&err);
		e = err.code = g.err;
	}
	if (e == BRON_OK && (g.n || g.json))
		e = print_summaries(c, &g, &err);
	if (e == BRON_OK) {
		rc = g.n || g.json ? EXIT_OK : EXIT_NOTHING;
		if (!g.n && !g.json)
			fprintf(stderr, "%s\n", query ? _("no entries match")
			                              : _("no entries"));
	} else {
		rc = fail(&err);
	}
	free_gather(&g);
	free_text(f.query);
	return rc;
}

int cmd_list(struct cli *c, const struct args *a)
{
	return list_or_search(c, a, NULL);
}

int cmd_search(struct cli *c, const struct args *a)
{
	return list_or_search(c, a, a->pos[0]);
}

/* ---- one entry ---- */

/* Loads entry id; *rev gets its revision. */
int load_entry(struct cli *c, bron_id id, struct bron_entry *e,
               uint64_t *rev)
{
	struct bron_error err;
	uint8_t *data;
	size_t len;
	if (bron_vault_get(c->vault, id, &data, &len, rev, &err) != BRON_OK)
		return fail(&err);
	if (len == 0 || data[0] != BRON_KIND_ENTRY) {
		int exp = len && data[0] == BRON_KIND_EXPERIENCE;
		bron_secret_free(data, len);
		if (exp)
			say_error(_("%016llx is an experience, not an entry; 'bron "
			            "experience show' shows it"),
			          (unsigned long long)id);
		else
			say_error(_("%016llx is not an entry"), (unsigned long long)id);
		return EXIT_NOTHING;
	}
	bron_err code = bron_entry_decode(data, len, e, &err);
	bron_secret_free(data, len);
	return code == BRON_OK ? EXIT_OK : fail(&err);
}

/* Saves e as id (0: new) on top of revision rev. */
int save_entry(struct cli *c, bron_id *id, uint64_t rev,
               const struct bron_entry *e)
{
	struct bron_error err;
	uint8_t *buf;
	size_t len;
	if (bron_entry_encode(e, &buf, &len, &err) != BRON_OK)
		return fail(&err);
	bron_err code = bron_vault_put(c->vault, id, rev, buf, len, NULL, &err);
	bron_secret_free(buf, len);
	return code == BRON_OK ? EXIT_OK : fail(&err);
}

static int load_by_prefix(struct cli *c, const char *prefix, bron_id *id,
                          struct bron_entry *e, uint64_t *rev)
{
	int rc = resolve_id(c, prefix, id);
	return rc == EXIT_OK ? load_entry(c, *id, e, rev) : rc;
}

static int set_tags(struct bron_entry *e, const struct args *a)
{
	struct bron_error err;
	for (int i = 0; i < a->nset; i++) {
		if (strcmp(a->set[i].opt->name, "tag") != 0)
			continue;
		if (bron_entry_add_tag(e, a->set[i].value, &err) != BRON_OK)
			return fail(&err);
	}
	return EXIT_OK;
}

/* Fills list from every value of option name, as keys of v when v is set
 * (the values were checked before), else as typed. */
static int set_list(char ***list, size_t *n, const struct args *a,
                    const char *name, const struct vocab *v)
{
	struct bron_error err;
	bron_strlist_clear(list, n);
	for (int i = 0; i < a->nset; i++) {
		if (strcmp(a->set[i].opt->name, name) != 0)
			continue;
		const char *val = a->set[i].value;
		const char *key = v ? vocab_key(v, val) : NULL;
		if (bron_strlist_add(list, n, key ? key : val, &err) != BRON_OK)
			return fail(&err);
	}
	return EXIT_OK;
}

/*
 * The reflection structure from the options: with replace (edit) only the
 * options given change; add starts empty anyway.  "--experience none" and
 * "--phase none" clear.
 */
static int set_structure(struct cli *c, struct bron_entry *e,
                         const struct args *a)
{
	static const struct {
		const char *name;
		const struct vocab *v;
		size_t off_list, off_n;
	} lists[] = {
		{"kind", &vocab_kinds, offsetof(struct bron_entry, kinds),
		 offsetof(struct bron_entry, nkinds)},
		{"aspect", &vocab_aspects, offsetof(struct bron_entry, aspects),
		 offsetof(struct bron_entry, naspects)},
		{"helped", &vocab_helped, offsetof(struct bron_entry, helped),
		 offsetof(struct bron_entry, nhelped)},
		{"hindered", &vocab_hindered, offsetof(struct bron_entry, hindered),
		 offsetof(struct bron_entry, nhindered)},
	};
	const char *s;
	int rc = EXIT_OK;
	for (size_t i = 0; rc == EXIT_OK && i < sizeof(lists) / sizeof(lists[0]);
	     i++) {
		if (!arg_flag(a, lists[i].name))
			continue;
		char ***list = (char ***)((char *)e + lists[i].off_list);
		size_t *n = (size_t *)((char *)e + lists[i].off_n);
		rc = set_list(list, n, a, lists[i].name, lists[i].v);
	}
	if (rc == EXIT_OK && (s = arg_value(a, "phase")))
		e->phase = strcmp(s, "none") == 0 ? 0 : phase_parse(s);
	if (rc == EXIT_OK && (s = arg_value(a, "experience"))) {
		bron_id xid = 0;
		if (strcmp(s, "none") != 0)
			rc = resolve_experience(c, s, &xid, NULL, NULL);
		if (rc == EXIT_OK)
			e->experience = xid;
	}
	return rc;
}

static int dup_into(char **slot, const char *s)
{
	free_text(*slot);
	*slot = s ? strdup(s) : NULL;
	if (s && !*slot) {
		say_error(_("out of memory"));
		return EXIT_INTERNAL;
	}
	return EXIT_OK;
}

/* add and edit warn when a private passage is never closed. */
static void warn_unclosed(const struct bron_entry *e)
{
	struct bron_markup_stats st;
	if (e->body && bron_markup_check(e->body, strlen(e->body), &st)) {
		unsigned long line = 1;
		for (size_t i = 0; i < st.unclosed_at; i++)
			line += e->body[i] == '\n';
		say_error(_("warning: the private passage that opens with [[ on "
		            "line %lu is never closed, so everything after it stays "
		            "private; close it with ]]"),
		          line);
	}
	if (e->title && bron_markup_check(e->title, strlen(e->title), NULL))
		say_error(_("warning: the title opens a private passage with [[ "
		            "that is never closed"));
}

int cmd_add(struct cli *c, const struct args *a)
{
	struct bron_entry e;
	const char *s;
	int level = (s = arg_value(a, "level")) ? level_parse(s)
	                                        : BRON_LEVEL_PRIVATE;
	const char *area = (s = arg_value(a, "area")) ? area_key(s) : NULL;
	char *body = NULL;
	int rc = EXIT_OK;
	if (arg_flag(a, "edit"))
		rc = edit_text("", &body);
	else if (!isatty(STDIN_FILENO))
		body = read_body(stdin, 0);
	else
		body = read_body(stdin, 1);
	if (rc != EXIT_OK)
		return rc;
	if (!body)
		return EXIT_FOR_INPUT();
	bron_entry_init(&e);
	e.created = e.updated = (int64_t)time(NULL);
	e.level = (enum bron_level)level;
	e.body = body;
	rc = dup_into(&e.title, arg_value(a, "title"));
	if (rc == EXIT_OK)
		rc = dup_into(&e.area, area);
	if (rc == EXIT_OK)
		rc = set_tags(&e, a);
	if (rc == EXIT_OK)
		rc = set_structure(c, &e, a);
	bron_id id = 0;
	if (rc == EXIT_OK) {
		warn_unclosed(&e);
		rc = save_entry(c, &id, 0, &e);
	}
	bron_entry_release(&e);
	if (rc == EXIT_OK)
		printf("%016llx\n", (unsigned long long)id);
	return rc;
}

/* Prints "label value" with the label padded to width columns. */
static void print_label(const char *label, int width)
{
	printf("%s%*s ", label, width - (int)columns(label, strlen(label)), "");
}

/* A labelled line of vocabulary words (or the author's own words). */
static void print_words(const char *label, int width, const struct vocab *v,
                        char *const *list, size_t n)
{
	if (!n)
		return;
	print_label(label, width);
	for (size_t i = 0; i < n; i++)
		printf("%s%s", i ? "; " : "", vocab_label(v, list[i]));
	printf("\n");
}

static void print_entry(struct cli *c, bron_id id, const struct bron_entry *e)
{
	const char *b = c->color ? "\033[1m" : "", *r = c->color ? "\033[0m" : "";
	const char *labels[] = {_("id:"),     _("written:"),    _("level:"),
	                        _("area:"),   _("tags:"),       _("kind:"),
	                        _("phase:"),  _("aspects:"),    _("helped:"),
	                        _("hindered:"), _("experience:")};
	/* Which of the optional lines are there: only those set the width. */
	const int shown[] = {1, 1, 1, 1, 1, e->nkinds > 0, e->phase > 0,
	                     e->naspects > 0, e->nhelped > 0, e->nhindered > 0,
	                     e->experience != 0};
	int w = 10; /* the values line up under the longest label */
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (shown[i] && (int)columns(labels[i], strlen(labels[i])) > w)
			w = (int)columns(labels[i], strlen(labels[i]));
	printf("%s%s%s\n", b, e->title && *e->title ? e->title : _("(untitled)"),
	       r);
	print_label(labels[0], w);
	printf("%016llx\n", (unsigned long long)id);
	print_label(labels[1], w);
	print_date(stdout, e->created, 1);
	if (e->updated != e->created) {
		printf("   %s ", _("changed:"));
		print_date(stdout, e->updated, 1);
	}
	printf("\n");
	print_label(labels[2], w);
	printf("%s%s%s\n", c->color ? level_color((int)e->level) : "",
	       level_label((int)e->level), r);
	if (e->area) {
		print_label(labels[3], w);
		printf("%s\n", area_label(e->area));
	}
	if (e->ntags) {
		print_label(labels[4], w);
		for (size_t i = 0; i < e->ntags; i++)
			printf("%s%s", i ? " " : "", e->tags[i]);
		printf("\n");
	}
	print_words(labels[5], w, &vocab_kinds, e->kinds, e->nkinds);
	if (e->phase) {
		print_label(labels[6], w);
		printf("%d, %s\n", e->phase, bron_phase_label(e->phase));
	}
	print_words(labels[7], w, &vocab_aspects, e->aspects, e->naspects);
	print_words(labels[8], w, &vocab_helped, e->helped, e->nhelped);
	print_words(labels[9], w, &vocab_hindered, e->hindered, e->nhindered);
	if (e->experience) {
		print_label(labels[10], w);
		printf("%016llx\n", (unsigned long long)e->experience);
	}
	if (e->draft)
		printf("%s\n", _("(a story still being written: 'bron story' "
		                 "goes on with it)"));
	char *text = NULL;
	size_t tlen = 0;
	struct bron_error err;
	if (bron_entry_text(e, &text, &tlen, &err) != BRON_OK) {
		say_error("%s", err.msg);
		return;
	}
	printf("\n%s", text);
	if (tlen && text[tlen - 1] != '\n')
		printf("\n");
	bron_secret_free(text, tlen + 1);
	if (e->nhistory) {
		printf("\n%s\n", _("Level history:"));
		for (size_t i = 0; i < e->nhistory; i++) {
			const struct bron_level_change *h = &e->history[i];
			printf("  ");
			print_date(stdout, h->when, 1);
			printf("  %s → %s", level_label((int)h->from),
			       level_label((int)h->to));
			if (h->why)
				printf(": %s", h->why);
			printf("\n");
		}
	}
}

/* ", "name": [...]" for a list of words. */
static void json_list(const char *name, char *const *list, size_t n)
{
	printf(", \"%s\": [", name);
	for (size_t i = 0; i < n; i++) {
		printf("%s", i ? ", " : "");
		json_string(stdout, list[i]);
	}
	printf("]");
}

static void print_entry_json(bron_id id, const struct bron_entry *e)
{
	printf("{\"id\": \"%016llx\", \"created\": ", (unsigned long long)id);
	json_time(stdout, e->created);
	printf(", \"updated\": ");
	json_time(stdout, e->updated);
	printf(", \"level\": \"%s\", \"area\": ", level_name((int)e->level));
	json_print_string(stdout, e->area);
	printf(", \"title\": ");
	json_print_string(stdout, e->title);
	printf(", \"tags\": [");
	for (size_t i = 0; i < e->ntags; i++) {
		printf("%s", i ? ", " : "");
		json_string(stdout, e->tags[i]);
	}
	printf("], \"body\": ");
	json_string(stdout, e->body);
	json_list("kinds", e->kinds, e->nkinds);
	printf(", \"phase\": ");
	if (e->phase)
		printf("%d", e->phase);
	else
		printf("null");
	json_list("aspects", e->aspects, e->naspects);
	json_list("helped", e->helped, e->nhelped);
	json_list("hindered", e->hindered, e->nhindered);
	if (e->experience)
		printf(", \"experience\": \"%016llx\"",
		       (unsigned long long)e->experience);
	else
		printf(", \"experience\": null");
	printf(", \"story\": [");
	for (size_t i = 0; i < e->nstory; i++) {
		printf("%s{\"phase\": %d, \"text\": ", i ? ", " : "",
		       e->story[i].phase);
		json_string(stdout, e->story[i].text);
		printf("}");
	}
	printf("], \"draft\": %s", e->draft ? "true" : "false");
	printf(", \"history\": [");
	for (size_t i = 0; i < e->nhistory; i++) {
		const struct bron_level_change *h = &e->history[i];
		printf("%s{\"when\": ", i ? ", " : "");
		json_time(stdout, h->when);
		printf(", \"from\": \"%s\", \"to\": \"%s\", \"why\": ",
		       level_name((int)h->from), level_name((int)h->to));
		json_print_string(stdout, h->why);
		printf("}");
	}
	printf("]}\n");
}

int cmd_show(struct cli *c, const struct args *a)
{
	struct bron_entry e;
	bron_id id;
	uint64_t rev;
	int rc = load_by_prefix(c, a->pos[0], &id, &e, &rev);
	if (rc != EXIT_OK)
		return rc;
	if (arg_flag(a, "json"))
		print_entry_json(id, &e);
	else
		print_entry(c, id, &e);
	bron_entry_release(&e);
	return EXIT_OK;
}

/* Opens the entry's whole text (body and story) in the editor. */
static int edit_whole_text(const struct bron_entry *e, char **out)
{
	struct bron_error err;
	char *text;
	size_t len;
	if (bron_entry_text(e, &text, &len, &err) != BRON_OK)
		return fail(&err);
	int rc = edit_text(text, out);
	bron_secret_free(text, len + 1);
	return rc;
}

static int same_text(const struct bron_entry *e, const char *s)
{
	char *text;
	size_t len;
	if (bron_entry_text(e, &text, &len, NULL) != BRON_OK)
		return 0;
	int same = strcmp(text, s) == 0;
	bron_secret_free(text, len + 1);
	return same;
}

int cmd_edit(struct cli *c, const struct args *a)
{
	struct bron_entry e;
	bron_id id;
	uint64_t rev;
	const char *s = arg_value(a, "area");
	const char *area = s ? area_key(s) : NULL;
	int rc = load_by_prefix(c, a->pos[0], &id, &e, &rev);
	if (rc != EXIT_OK)
		return rc;
	static const char *const structure[] = {"kind", "phase", "aspect",
	                                        "helped", "hindered",
	                                        "experience", NULL};
	int meta = arg_flag(a, "title") || arg_flag(a, "tag") || area;
	for (int i = 0; structure[i]; i++)
		meta |= arg_flag(a, structure[i]);
	if (arg_value(a, "title"))
		rc = dup_into(&e.title, arg_value(a, "title"));
	if (rc == EXIT_OK && area)
		rc = dup_into(&e.area, area);
	if (rc == EXIT_OK && arg_flag(a, "tag")) {
		for (size_t i = 0; i < e.ntags; i++)
			free_text(e.tags[i]);
		e.ntags = 0;
		rc = set_tags(&e, a);
	}
	if (rc == EXIT_OK)
		rc = set_structure(c, &e, a);
	if (rc == EXIT_OK && (!meta || arg_flag(a, "edit"))) {
		char *body = NULL;
		if (!isatty(STDIN_FILENO) && !arg_flag(a, "edit")) {
			body = read_body(stdin, 0);
			rc = body ? EXIT_OK : EXIT_FOR_INPUT();
			if (body && !*body) {
				/* an empty pipe is more likely a mistake than a wish */
				free_text(body);
				body = NULL;
				say_error(_("no text on standard input; the entry is "
				            "unchanged (use --edit to open the editor)"));
				rc = EXIT_NOTHING;
			}
		} else {
			rc = edit_whole_text(&e, &body);
		}
		if (rc == EXIT_OK) {
			if (!meta && same_text(&e, body)) {
				free_text(body);
				bron_entry_release(&e);
				fprintf(stderr, "%s\n", _("nothing changed"));
				return EXIT_OK;
			}
			/* A story edited as text becomes ordinary text, its
			 * phase headings kept as lines. */
			for (size_t i = 0; i < e.nstory; i++)
				free_text(e.story[i].text);
			e.nstory = 0;
			free_text(e.body);
			e.body = body;
		}
	}
	if (rc == EXIT_OK) {
		e.updated = (int64_t)time(NULL);
		warn_unclosed(&e);
		rc = save_entry(c, &id, rev, &e);
	}
	bron_entry_release(&e);
	if (rc == EXIT_OK)
		fprintf(stderr, _("entry %016llx saved\n"), (unsigned long long)id);
	return rc;
}

int cmd_delete(struct cli *c, const struct args *a)
{
	struct bron_error err;
	struct bron_entry e;
	bron_id id;
	uint64_t rev;
	int rc = load_by_prefix(c, a->pos[0], &id, &e, &rev);
	if (rc != EXIT_OK)
		return rc;
	if (!arg_flag(a, "yes")) {
		char q[512];
		snprintf(q, sizeof(q), _("Delete \"%s\" for good?"),
		         e.title && *e.title ? e.title : _("(untitled)"));
		int yes = isatty(STDIN_FILENO) && confirm(q);
		sodium_memzero(q, sizeof(q));
		if (!yes) {
			bron_entry_release(&e);
			say_error(_("not deleted (use --yes to delete without "
			            "asking)"));
			return EXIT_NOTHING;
		}
	}
	bron_entry_release(&e);
	if (bron_vault_delete(c->vault, id, rev, &err) != BRON_OK)
		return fail(&err);
	fprintf(stderr, _("entry %016llx deleted\n"), (unsigned long long)id);
	return EXIT_OK;
}

int cmd_level(struct cli *c, const struct args *a)
{
	struct bron_error err;
	struct bron_entry e;
	bron_id id;
	uint64_t rev;
	int level = level_parse(a->pos[1]);
	int rc = load_by_prefix(c, a->pos[0], &id, &e, &rev);
	if (rc != EXIT_OK)
		return rc;
	if ((int)e.level == level) {
		bron_entry_release(&e);
		fprintf(stderr, _("entry %016llx is already %s\n"),
		        (unsigned long long)id, level_label(level));
		return EXIT_OK;
	}
	int64_t now = (int64_t)time(NULL);
	if (bron_entry_set_level(&e, (enum bron_level)level, now,
	                         arg_value(a, "why"), &err) != BRON_OK)
		rc = fail(&err);
	if (rc == EXIT_OK) {
		e.updated = now;
		rc = save_entry(c, &id, rev, &e);
	}
	bron_entry_release(&e);
	if (rc == EXIT_OK)
		fprintf(stderr, _("entry %016llx is now %s\n"),
		        (unsigned long long)id, level_label(level));
	return rc;
}

/* ---- tags, for completion ---- */

struct tagset {
	char **v;
	size_t n, cap;
};

static int collect_one(void *ctx, bron_id id, uint64_t rev, const uint8_t *data,
                       size_t len)
{
	struct tagset *t = ctx;
	struct bron_entry e;
	(void)id;
	(void)rev;
	if (len == 0 || data[0] != BRON_KIND_ENTRY ||
	    bron_entry_decode(data, len, &e, NULL) != BRON_OK)
		return 0;
	for (size_t i = 0; i < e.ntags; i++) {
		size_t k = 0;
		while (k < t->n && strcmp(t->v[k], e.tags[i]) != 0)
			k++;
		if (k < t->n)
			continue;
		if (t->n + 1 >= t->cap) {
			size_t cap = t->cap ? 2 * t->cap : 32;
			char **p = realloc(t->v, cap * sizeof(char *));
			if (!p)
				break;
			t->v = p;
			t->cap = cap;
		}
		if ((t->v[t->n] = strdup(e.tags[i])))
			t->n++;
		t->v[t->n] = NULL;
	}
	bron_entry_release(&e);
	return 0;
}

char **collect_tags(struct cli *c)
{
	struct tagset t = {0};
	if (bron_vault_foreach(c->vault, collect_one, &t, NULL) != BRON_OK) {
		strv_free(t.v);
		return NULL;
	}
	return t.v;
}
