/*
 * view.c - rendering the supervision view.
 *
 * bron_view_add renders each entry it may show into a chunk of its own
 * right away (private passages cut, then redacted, then escaped for the
 * format) and keeps nothing else of it; bron_view_finish sorts the chunks
 * by date and joins them under a header.  Cut passages travel through the
 * redactor as one private-use character (U+E000), which the renderer turns
 * into a visible "[…]"; the same character in the author's own text is
 * replaced by U+FFFD first, so it can only mean a cut.
 */
#define _GNU_SOURCE /* memmem */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bron/chart.h"
#include "bron/markup.h"
#include "bron/vault.h"
#include "bron/view.h"
#include "internal.h"
#include "banned.h"

#define CUT_CHAR "\xee\x80\x80" /* U+E000 */
#define REPL_CHAR "\xef\xbf\xbd" /* U+FFFD */
#define CUT_SHOWN "[\xe2\x80\xa6]" /* "[…]" */

struct vbuf {
	char *p;
	size_t len, cap;
	int oom;
	struct bron_view_mark *marks;
	size_t nmarks, marks_cap;
};

struct chunk {
	int64_t created;
	uint64_t id;
	int withheld;
	struct vbuf b;
};

struct bron_view {
	struct bron_view_opts o;
	struct bron_redactor *r;
	struct chunk *chunks;
	size_t n, cap;
	struct bron_view_stats st;
	char *suspects;
	size_t suspects_len;
	struct vbuf out;
	uint64_t *ids;
	/* experiences: their rendered text and, for the picture, paths */
	struct vbuf xb;
	size_t nx;
	struct bron_chart_path *paths;
	size_t npaths;
};

/* ---- buffers ---- */

static void vb_free(struct vbuf *b)
{
	if (b->p) {
		sodium_memzero(b->p, b->cap);
		free(b->p);
	}
	free(b->marks);
	memset(b, 0, sizeof(*b));
}

static void vb_add(struct vbuf *b, const char *s, size_t n)
{
	if (b->oom || n == 0)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = malloc(cap);
		if (!p) {
			b->oom = 1;
			return;
		}
		if (b->p) {
			memcpy(p, b->p, b->len);
			sodium_memzero(b->p, b->cap);
			free(b->p);
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void vb_str(struct vbuf *b, const char *s)
{
	vb_add(b, s, strlen(s));
}

static void vb_mark(struct vbuf *b, size_t start, int cut)
{
	if (b->oom)
		return;
	if (b->nmarks == b->marks_cap) {
		size_t cap = b->marks_cap ? 2 * b->marks_cap : 16;
		struct bron_view_mark *m = realloc(b->marks, cap * sizeof(*m));
		if (!m) {
			b->oom = 1;
			return;
		}
		b->marks = m;
		b->marks_cap = cap;
	}
	b->marks[b->nmarks++] = (struct bron_view_mark){start, b->len - start, cut};
}

/* Appends n bytes escaped for the format. */
static void vb_text(struct vbuf *b, enum bron_view_format f, const char *s,
                    size_t n)
{
	if (f != BRON_VIEW_HTML && f != BRON_VIEW_JSON) {
		vb_add(b, s, n);
		return;
	}
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		char tmp[8];
		if (f == BRON_VIEW_HTML) {
			esc = c == '&'   ? "&amp;"
			      : c == '<' ? "&lt;"
			      : c == '>' ? "&gt;"
			      : c == '"' ? "&quot;"
			      : c == '\'' ? "&#39;"
			      : c == '\n' ? "<br>\n"
			                  : NULL;
		} else if (c == '"' || c == '\\') {
			tmp[0] = '\\', tmp[1] = (char)c, tmp[2] = '\0';
			esc = tmp;
		} else if (c == '\n') {
			esc = "\\n";
		} else if (c < 0x20 || c == 0x7f) {
			snprintf(tmp, sizeof(tmp), "\\u%04x", c);
			esc = tmp;
		}
		if (esc) {
			vb_add(b, s + run, i - run);
			vb_str(b, esc);
			run = i + 1;
		}
	}
	vb_add(b, s + run, n - run);
}

/* ---- one text: cut, redact, render ---- */

struct rendered {
	size_t cut, replaced[BRON_CAT_COUNT];
	int unclosed;
};

static void add_suspects(struct bron_view *v, const struct bron_redaction *red)
{
	const char *s = red->suspects;
	for (size_t k = 0; s && k < red->nsuspects; k++, s += strlen(s) + 1) {
		const char *have = v->suspects;
		int seen = 0;
		for (size_t i = 0; i < v->st.nsuspects; i++, have += strlen(have) + 1)
			if (strcmp(have, s) == 0)
				seen = 1;
		if (seen)
			continue;
		size_t n = strlen(s) + 1;
		char *p = malloc(v->suspects_len + n);
		if (!p)
			return;
		if (v->suspects) {
			memcpy(p, v->suspects, v->suspects_len);
			bron_secret_free(v->suspects, v->suspects_len);
		}
		memcpy(p + v->suspects_len, s, n);
		v->suspects = p;
		v->suspects_len += n;
		v->st.nsuspects++;
	}
}

/* The author's own U+E000 becomes U+FFFD (same length). */
static void clear_cut_chars(char *s, size_t n)
{
	for (size_t i = 0; i + 3 <= n; i++)
		if (memcmp(s + i, CUT_CHAR, 3) == 0)
			memcpy(s + i, REPL_CHAR, 3);
}

/* Emits redacted text with placeholders and cuts marked for the format. */
static void emit_redacted(struct vbuf *b, enum bron_view_format f,
                          const struct bron_redaction *red)
{
	const char *t = red->text;
	size_t i = 0, k = 0;
	while (i < red->len) {
		size_t next = k < red->nrepl ? red->repl[k].out_start : red->len;
		/* plain text up to the next placeholder, minding cut chars */
		while (i < next) {
			const char *cut = memmem(t + i, next - i, CUT_CHAR, 3);
			size_t upto = cut ? (size_t)(cut - t) : next;
			vb_text(b, f, t + i, upto - i);
			i = upto;
			if (cut) {
				size_t at = b->len;
				if (f == BRON_VIEW_HTML)
					vb_str(b, "<span class=\"cut\">" CUT_SHOWN "</span>");
				else
					vb_str(b, CUT_SHOWN);
				vb_mark(b, at, 1);
				i += 3;
			}
		}
		if (k < red->nrepl) {
			const struct bron_replacement *p = &red->repl[k++];
			size_t at = b->len;
			if (f == BRON_VIEW_HTML)
				vb_str(b, "<span class=\"ph\">");
			vb_text(b, f, t + p->out_start, p->out_len);
			if (f == BRON_VIEW_HTML)
				vb_str(b, "</span>");
			vb_mark(b, at, 0);
			i = p->out_start + p->out_len;
		}
	}
}

/* Cuts, redacts and emits one field in format f. */
static bron_err render_as(struct bron_view *v, struct vbuf *b, const char *s,
                          enum bron_view_format f, struct rendered *out,
                          struct bron_error *err)
{
	size_t n = s ? strlen(s) : 0;
	char *clean = malloc(n + 1), *cut = NULL;
	size_t cutlen;
	struct bron_markup_stats ms;
	struct bron_redaction red = {0};
	bron_err e;
	if (!clean)
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	memcpy(clean, s ? s : "", n + 1);
	while (n && (clean[n - 1] == '\n' || clean[n - 1] == '\r' ||
	             clean[n - 1] == ' ' || clean[n - 1] == '\t'))
		clean[--n] = '\0'; /* the view sets its own spacing */
	clear_cut_chars(clean, n);
	e = bron_markup_cut(clean, n, CUT_CHAR, &cut, &cutlen, &ms, err);
	if (e == BRON_OK)
		e = bron_redact(v->r, cut, cutlen, &red, err);
	if (e == BRON_OK) {
		out->cut += ms.cut;
		out->unclosed |= ms.unclosed;
		for (size_t k = 0; k < red.nrepl; k++)
			if ((unsigned)red.repl[k].cat < BRON_CAT_COUNT)
				out->replaced[red.repl[k].cat]++;
		add_suspects(v, &red);
		emit_redacted(b, f, &red);
	}
	bron_redaction_free(&red);
	bron_secret_free(clean, n + 1);
	if (cut)
		bron_secret_free(cut, cutlen + 1);
	return e;
}

/* Cuts, redacts and emits one field of an entry. */
static bron_err render_text(struct bron_view *v, struct vbuf *b,
                            const char *s, struct rendered *out,
                            struct bron_error *err)
{
	return render_as(v, b, s, v->o.format, out, err);
}

#define DAY_LEN 64

/*
 * The local day of t: ISO 8601 where a program reads it (JSON, HTML's
 * datetime attribute), else in the order of the reader's language, as the
 * CLI's print_date() writes it.
 */
static void date_str(int64_t t, int iso, char out[DAY_LEN])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm) ||
	    !strftime(out, DAY_LEN, iso ? "%Y-%m-%d" : _("%Y-%m-%d"), &tm))
		snprintf(out, DAY_LEN, "?");
}

/* The day of t for a format: the reader's order, ISO 8601 for JSON. */
static void day_for(const struct bron_view *v, int64_t t, char out[DAY_LEN])
{
	date_str(t, v->o.format == BRON_VIEW_JSON, out);
}

/* <time datetime="2026-11-28">28-11-2026</time> for HTML. */
static void vb_time(struct vbuf *b, int64_t t)
{
	char iso[DAY_LEN], day[DAY_LEN];
	date_str(t, 1, iso);
	date_str(t, 0, day);
	vb_str(b, "<time datetime=\"");
	vb_str(b, iso);
	vb_str(b, "\">");
	vb_text(b, BRON_VIEW_HTML, day, strlen(day));
	vb_str(b, "</time>");
}

static const char *area_shown(const struct bron_view *v, const char *key)
{
	if (!key)
		return NULL;
	if (v->o.format == BRON_VIEW_JSON)
		return key; /* scripts get the stable key */
	return v->o.area_label ? v->o.area_label(key) : key;
}

/* ---- the public calls ---- */

struct bron_view *bron_view_new(const struct bron_view_opts *opts,
                                struct bron_redactor *r,
                                struct bron_error *err)
{
	struct bron_view *v = calloc(1, sizeof(*v));
	if (!v) {
		bron_fail(err, BRON_E_NOMEM, _("out of memory"));
		return NULL;
	}
	v->o = *opts;
	v->r = r;
	return v;
}

static struct chunk *new_chunk(struct bron_view *v, uint64_t id,
                               const struct bron_entry *e, int withheld)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 16;
		struct chunk *c = realloc(v->chunks, cap * sizeof(*c));
		if (!c)
			return NULL;
		v->chunks = c;
		v->cap = cap;
	}
	struct chunk *c = &v->chunks[v->n++];
	memset(c, 0, sizeof(*c));
	c->created = e->created;
	c->id = id;
	c->withheld = withheld;
	return c;
}

static void render_withheld(struct bron_view *v, struct vbuf *b,
                            const struct bron_entry *e)
{
	char day[DAY_LEN];
	const char *area = area_shown(v, e->area);
	day_for(v, e->created, day);
	switch (v->o.format) {
	case BRON_VIEW_JSON:
		vb_str(b, "{\"date\": \"");
		vb_str(b, day);
		vb_str(b, "\", \"area\": ");
		if (area) {
			vb_str(b, "\"");
			vb_text(b, BRON_VIEW_JSON, area, strlen(area));
			vb_str(b, "\"");
		} else {
			vb_str(b, "null");
		}
		vb_str(b, ", \"withheld\": true}");
		return;
	case BRON_VIEW_HTML:
		vb_str(b, "<p class=\"withheld\">");
		vb_time(b, e->created);
		vb_str(b, " ");
		vb_text(b, BRON_VIEW_HTML, _("not yet shareable"),
		        strlen(_("not yet shareable")));
		if (area) {
			vb_str(b, " (");
			vb_text(b, BRON_VIEW_HTML, area, strlen(area));
			vb_str(b, ")");
		}
		vb_str(b, "</p>\n");
		return;
	default:
		vb_str(b, v->o.format == BRON_VIEW_MD ? "*" : "");
		vb_str(b, day);
		vb_str(b, " \xe2\x80\x94 ");
		vb_str(b, _("not yet shareable"));
		if (area) {
			vb_str(b, " (");
			vb_str(b, area);
			vb_str(b, ")");
		}
		vb_str(b, v->o.format == BRON_VIEW_MD ? "*\n\n" : "\n\n");
	}
}

static bron_err render_entry(struct bron_view *v, struct vbuf *b,
                             const struct bron_entry *e,
                             struct bron_error *err)
{
	enum bron_view_format f = v->o.format;
	struct rendered r = {0};
	char day[DAY_LEN];
	const char *area = area_shown(v, e->area);
	bron_err code;
	day_for(v, e->created, day);

	/* heading: date and title */
	vb_str(b, f == BRON_VIEW_MD     ? "## "
	          : f == BRON_VIEW_HTML ? "<article>\n<h2>"
	          : f == BRON_VIEW_JSON ? "{\"date\": \""
	                                : "");
	if (f == BRON_VIEW_HTML)
		vb_time(b, e->created);
	else
		vb_str(b, day);
	vb_str(b, f == BRON_VIEW_HTML   ? " "
	          : f == BRON_VIEW_JSON ? "\", \"title\": \""
	                                : " \xc2\xb7 ");
	size_t before = b->len;
	if ((code = render_text(v, b, e->title, &r, err)) != BRON_OK)
		return code;
	if (b->len == before && f != BRON_VIEW_JSON)
		vb_text(b, f, _("(untitled)"), strlen(_("(untitled)")));
	vb_str(b, f == BRON_VIEW_HTML   ? "</h2>\n"
	          : f == BRON_VIEW_JSON ? "\", \"area\": "
	          : f == BRON_VIEW_MD   ? "\n\n"
	                                : "\n");

	/* life area and tags */
	if (f == BRON_VIEW_JSON) {
		if (area) {
			vb_str(b, "\"");
			vb_text(b, f, area, strlen(area));
			vb_str(b, "\"");
		} else {
			vb_str(b, "null");
		}
		vb_str(b, ", \"tags\": [");
	} else if (area || e->ntags) {
		vb_str(b, f == BRON_VIEW_HTML ? "<p class=\"meta\">"
		          : f == BRON_VIEW_MD ? "*"
		                              : "");
		if (area)
			vb_text(b, f, area, strlen(area));
	}
	for (size_t i = 0; i < e->ntags; i++) {
		if (f == BRON_VIEW_JSON)
			vb_str(b, i ? ", \"" : "\"");
		else
			vb_str(b, i || area ? (i ? ", #" : " \xc2\xb7 #") : "#");
		if ((code = render_text(v, b, e->tags[i], &r, err)) != BRON_OK)
			return code;
		if (f == BRON_VIEW_JSON)
			vb_str(b, "\"");
	}
	if (f == BRON_VIEW_JSON)
		vb_str(b, "], \"text\": \"");
	else if (area || e->ntags)
		vb_str(b, f == BRON_VIEW_HTML ? "</p>\n"
		          : f == BRON_VIEW_MD ? "*\n\n"
		                              : "\n");

	/* the text */
	if (f == BRON_VIEW_HTML)
		vb_str(b, "<div class=\"text\">");
	else if (f == BRON_VIEW_TXT)
		vb_str(b, "\n");
	/* The body and any four-phase story, as one text: an unclosed
	 * private passage in one phase keeps every later phase out too. */
	char *text;
	size_t tlen;
	if ((code = bron_entry_text(e, &text, &tlen, err)) != BRON_OK)
		return code;
	code = render_text(v, b, text, &r, err);
	bron_secret_free(text, tlen + 1);
	if (code != BRON_OK)
		return code;
	vb_str(b, f == BRON_VIEW_HTML   ? "</div>\n</article>\n"
	          : f == BRON_VIEW_JSON ? "\"}"
	          : f == BRON_VIEW_MD   ? "\n\n"
	                                : "\n\n\xe2\x80\x94\n\n");
	v->st.shown++;
	v->st.cut += r.cut;
	v->st.unclosed += r.unclosed ? 1 : 0;
	for (int k = 0; k < BRON_CAT_COUNT; k++)
		v->st.replaced[k] += r.replaced[k];
	return BRON_OK;
}

bron_err bron_view_add(struct bron_view *v, uint64_t id,
                       const struct bron_entry *e, struct bron_error *err)
{
	if (e->level == BRON_LEVEL_PRIVATE)
		return BRON_OK;
	if (e->level == BRON_LEVEL_NOT_YET) {
		if (v->o.withheld == BRON_WITHHELD_OMIT)
			return BRON_OK;
		v->st.withheld++;
		if (v->o.withheld == BRON_WITHHELD_COUNT)
			return BRON_OK;
	} else if (e->level != BRON_LEVEL_SHAREABLE) {
		return BRON_OK; /* a level this build does not know: never shown */
	}
	struct chunk *c = new_chunk(v, id, e, e->level == BRON_LEVEL_NOT_YET);
	if (!c)
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	bron_err code = BRON_OK;
	if (c->withheld)
		render_withheld(v, &c->b, e);
	else
		code = render_entry(v, &c->b, e, err);
	if (code == BRON_OK && c->b.oom)
		code = bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	if (code != BRON_OK) {
		vb_free(&c->b);
		v->n--;
	}
	return code;
}

static int by_date(const void *a, const void *b)
{
	const struct chunk *x = a, *y = b;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static const char html_head[] =
        "\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
        "'none'; style-src 'unsafe-inline'\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n<title>";

static const char html_style[] =
        "</title>\n<style>\n"
        "body{font-family:Georgia,'DejaVu Serif',serif;max-width:42em;"
        "margin:2em auto;padding:0 1em;line-height:1.5;color:#222}\n"
        "h1{font-size:1.5em;margin-bottom:0}\n"
        "h2{font-size:1.15em;margin:1.6em 0 .2em}\n"
        "time{color:#555;font-weight:normal;margin-right:.5em}\n"
        ".meta,.made,.withheld{color:#555;font-size:.9em;margin:.2em 0}\n"
        ".ph{background:#eee;border-radius:3px;padding:0 .2em}\n"
        ".cut{color:#777}\n"
        "article{page-break-inside:avoid;border-top:1px solid #ddd}\n"
        "section.exp{page-break-inside:avoid}\n"
        "figure.picture{margin:1em 0}figure.picture svg{max-width:100%;"
        "height:auto}\n"
        "@media print{body{margin:0;max-width:none}.ph{background:none;"
        "border:1px solid #999}}\n"
        "</style>\n</head>\n<body>\n";

static void header(struct bron_view *v, struct vbuf *b)
{
	char day[DAY_LEN], count[64];
	const char *title = _("Supervision view");
	day_for(v, v->o.generated, day);
	snprintf(count, sizeof(count),
	         P_("%'zu entry", "%'zu entries", v->st.shown), v->st.shown);
	switch (v->o.format) {
	case BRON_VIEW_HTML: {
		vb_str(b, "<!DOCTYPE html>\n<html lang=\"");
		vb_str(b, v->o.lang && strspn(v->o.lang, "abcdefghijklmnopqrstuvwxyz")
		                         == strlen(v->o.lang) && *v->o.lang
		                  ? v->o.lang : "en");
		vb_str(b, html_head);
		vb_text(b, BRON_VIEW_HTML, title, strlen(title));
		vb_str(b, html_style);
		vb_str(b, "<h1>");
		vb_text(b, BRON_VIEW_HTML, title, strlen(title));
		vb_str(b, "</h1>\n<p class=\"made\">");
		vb_text(b, BRON_VIEW_HTML, day, strlen(day));
		vb_str(b, " \xc2\xb7 ");
		vb_text(b, BRON_VIEW_HTML, count, strlen(count));
		vb_str(b, "</p>\n");
		return;
	}
	case BRON_VIEW_JSON:
		vb_str(b, "{\"generated\": \"");
		vb_str(b, day);
		vb_str(b, "\", \"entries\": [");
		return;
	default:
		vb_str(b, v->o.format == BRON_VIEW_MD ? "# " : "");
		vb_str(b, title);
		vb_str(b, "\n\n");
		vb_str(b, day);
		vb_str(b, " \xc2\xb7 ");
		vb_str(b, count);
		vb_str(b, "\n\n");
	}
}


/* ---- experiences ---- */

static void add_stats(struct bron_view *v, const struct rendered *r)
{
	v->st.cut += r->cut;
	v->st.unclosed += r->unclosed ? 1 : 0;
	for (int k = 0; k < BRON_CAT_COUNT; k++)
		v->st.replaced[k] += r->replaced[k];
}

/* A labelled note field ("How it went: ...") when it has text. */
static bron_err note_field(struct bron_view *v, struct vbuf *b,
                           const char *label, const char *key,
                           const char *text, struct rendered *r,
                           struct bron_error *err)
{
	enum bron_view_format f = v->o.format;
	if (!text || !*text)
		return BRON_OK;
	if (f == BRON_VIEW_JSON) {
		vb_str(b, ", \"");
		vb_str(b, key);
		vb_str(b, "\": \"");
	} else {
		/* each field on a line of its own, under the note */
		vb_str(b, f == BRON_VIEW_HTML ? "<br><em>" : "\n    ");
		vb_text(b, f, label, strlen(label));
		vb_str(b, f == BRON_VIEW_HTML ? "</em> " : " ");
	}
	bron_err code = render_text(v, b, text, r, err);
	if (f == BRON_VIEW_JSON)
		vb_str(b, "\"");
	return code;
}

/* The phase path as text: "1 (2019-03-02) > 2 (2020-01-10)". */
static void path_text(struct vbuf *b, const struct bron_view_experience *x,
                      enum bron_view_format f)
{
	char day[DAY_LEN], num[8];
	for (size_t i = 0; i < x->npath; i++) {
		date_str(x->path[i].when, f == BRON_VIEW_JSON, day);
		if (f == BRON_VIEW_JSON) {
			snprintf(num, sizeof(num), "%d", x->path[i].phase);
			vb_str(b, i ? ", {\"date\": \"" : "{\"date\": \"");
			vb_str(b, day);
			vb_str(b, "\", \"phase\": ");
			vb_str(b, num);
			vb_str(b, "}");
			continue;
		}
		snprintf(num, sizeof(num), "%d", x->path[i].phase);
		vb_str(b, i ? " \xe2\x86\x92 " : "");
		vb_str(b, num);
		vb_str(b, " (");
		vb_text(b, f, day, strlen(day));
		vb_str(b, ")");
	}
}

static bron_err render_experience(struct bron_view *v, struct vbuf *b,
                                  const struct bron_view_experience *x,
                                  struct rendered *r, struct bron_error *err)
{
	enum bron_view_format f = v->o.format;
	const char *area = area_shown(v, x->area_key);
	const char *kind = f == BRON_VIEW_JSON ? x->kind_key : x->kind_label;
	bron_err code;
	char day[DAY_LEN];
	vb_str(b, f == BRON_VIEW_MD     ? "### "
	          : f == BRON_VIEW_HTML ? "<section class=\"exp\">\n<h3>"
	          : f == BRON_VIEW_JSON ? (v->nx ? ", {\"title\": \""
	                                         : "{\"title\": \"")
	                                : "* ");
	if ((code = render_text(v, b, x->title, r, err)) != BRON_OK)
		return code;
	if (f == BRON_VIEW_JSON) {
		vb_str(b, "\", \"kind\": ");
		if (kind) {
			vb_str(b, "\"");
			vb_text(b, f, kind, strlen(kind));
			vb_str(b, "\"");
		} else {
			vb_str(b, "null");
		}
		vb_str(b, ", \"area\": ");
		if (area) {
			vb_str(b, "\"");
			vb_text(b, f, area, strlen(area));
			vb_str(b, "\"");
		} else {
			vb_str(b, "null");
		}
		vb_str(b, ", \"path\": [");
		path_text(b, x, f);
		vb_str(b, "], \"disclosures\": [");
	} else {
		vb_str(b, f == BRON_VIEW_HTML ? "</h3>\n" : "\n");
		if (kind || area) {
			vb_str(b, f == BRON_VIEW_HTML ? "<p class=\"meta\">"
			          : f == BRON_VIEW_MD ? "\n*"
			                              : "  ");
			if (kind)
				vb_text(b, f, kind, strlen(kind));
			if (kind && area)
				vb_str(b, " \xc2\xb7 ");
			if (area)
				vb_text(b, f, area, strlen(area));
			vb_str(b, f == BRON_VIEW_HTML ? "</p>\n"
			          : f == BRON_VIEW_MD ? "*\n"
			                              : "\n");
		}
		if (x->npath) {
			const char *label = _("Phases:");
			vb_str(b, f == BRON_VIEW_HTML ? "<p class=\"meta\">"
			          : f == BRON_VIEW_MD ? "\n"
			                              : "  ");
			vb_text(b, f, label, strlen(label));
			vb_str(b, " ");
			path_text(b, x, f);
			vb_str(b, f == BRON_VIEW_HTML ? "</p>\n" : "\n");
		}
		if (x->nnotes) {
			const char *label = _("Shared so far:");
			vb_str(b, f == BRON_VIEW_HTML ? "<ul>\n" : "\n");
			if (f != BRON_VIEW_HTML) {
				vb_str(b, f == BRON_VIEW_MD ? "" : "  ");
				vb_str(b, label);
				vb_str(b, "\n\n");
			}
		}
	}
	for (size_t i = 0; i < x->nnotes; i++) {
		const struct bron_view_note *n = &x->notes[i];
		day_for(v, n->when, day);
		if (f == BRON_VIEW_JSON) {
			vb_str(b, i ? ", {\"date\": \"" : "{\"date\": \"");
			vb_str(b, day);
			vb_str(b, "\", \"role\": \"");
		} else if (f == BRON_VIEW_HTML) {
			vb_str(b, "<li>");
			vb_time(b, n->when);
			vb_str(b, " ");
		} else {
			vb_str(b, f == BRON_VIEW_MD ? "- " : "  - ");
			vb_str(b, day);
			vb_str(b, " \xc2\xb7 ");
		}
		if ((code = render_text(v, b, n->role, r, err)) != BRON_OK)
			return code;
		if (f == BRON_VIEW_JSON)
			vb_str(b, "\"");
		if ((code = note_field(v, b, _("Situation:"), "context",
		                       n->context, r, err)) != BRON_OK ||
		    (code = note_field(v, b, _("How it went:"), "outcome",
		                       n->outcome, r, err)) != BRON_OK ||
		    (code = note_field(v, b, _("Next time:"), "differently",
		                       n->differently, r, err)) != BRON_OK)
			return code;
		vb_str(b, f == BRON_VIEW_JSON   ? "}"
		          : f == BRON_VIEW_HTML ? "</li>\n"
		                                : "\n");
	}
	if (f == BRON_VIEW_JSON)
		vb_str(b, "]}");
	else if (f == BRON_VIEW_HTML)
		vb_str(b, x->nnotes ? "</ul>\n</section>\n" : "</section>\n");
	else
		vb_str(b, "\n");
	return BRON_OK;
}

/* Keeps the redacted title and the path for the HTML picture. */
static bron_err keep_path(struct bron_view *v,
                          const struct bron_view_experience *x,
                          struct bron_error *err)
{
	struct vbuf t = {0};
	struct rendered ignore = {0};
	bron_err code = render_as(v, &t, x->title, BRON_VIEW_TXT, &ignore, err);
	if (code != BRON_OK || t.oom) {
		vb_free(&t);
		return code != BRON_OK ? code
		                       : bron_fail(err, BRON_E_NOMEM,
		                                   _("out of memory"));
	}
	struct bron_chart_path *p =
		realloc(v->paths, (v->npaths + 1) * sizeof(*p));
	struct bron_phase_point *pts =
		malloc((x->npath ? x->npath : 1) * sizeof(*pts));
	char *title = t.p ? t.p : calloc(1, 1);
	if (p)
		v->paths = p;
	if (!p || !pts || !title) {
		free(pts);
		vb_free(&t);
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	}
	if (x->npath)
		memcpy(pts, x->path, x->npath * sizeof(*pts));
	free(t.marks);
	v->paths[v->npaths++] = (struct bron_chart_path){title, pts, x->npath};
	return BRON_OK;
}

bron_err bron_view_add_experience(struct bron_view *v,
                                  const struct bron_view_experience *x,
                                  struct bron_error *err)
{
	struct rendered r = {0};
	if (x->decision != BRON_LEVEL_SHAREABLE)
		return BRON_OK; /* not yet, never, undecided: no trace */
	size_t before = v->xb.len;
	bron_err code = render_experience(v, &v->xb, x, &r, err);
	if (code == BRON_OK && v->xb.oom)
		code = bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	if (code == BRON_OK && v->o.format == BRON_VIEW_HTML && x->npath)
		code = keep_path(v, x, err);
	if (code != BRON_OK) {
		sodium_memzero(v->xb.p ? v->xb.p + before : NULL,
		               v->xb.p ? v->xb.len - before : 0);
		v->xb.len = before;
		return code;
	}
	add_stats(v, &r);
	v->nx++;
	return BRON_OK;
}

/* The HTML picture of the kept paths, inline (no XML declaration). */
static void html_picture(struct bron_view *v, struct vbuf *b)
{
	const char *names[4];
	for (int i = 0; i < 4; i++)
		names[i] = bron_phase_label(i + 1);
	struct bron_overview o = {
		.title = _("The experiences through the phases"),
		.lang = v->o.lang,
		.paths_caption = "",
		.phase_names = {names[0], names[1], names[2], names[3]},
		.empty = "",
		.paths = v->paths,
		.npaths = v->npaths,
	};
	char *svg = NULL;
	size_t len = 0;
	if (!v->npaths)
		return;
	if (bron_chart_svg(&o, &svg, &len, NULL) != BRON_OK) {
		b->oom = 1;
		return;
	}
	const char *start = strstr(svg, "<svg");
	vb_str(b, "<figure class=\"picture\">\n");
	if (start)
		vb_add(b, start, len - (size_t)(start - svg));
	vb_str(b, "</figure>\n");
	bron_secret_free(svg, len + 1);
}

static void experiences(struct bron_view *v, struct vbuf *b)
{
	enum bron_view_format f = v->o.format;
	if (f == BRON_VIEW_JSON) {
		vb_str(b, "], \"experiences\": [");
		vb_add(b, v->xb.p, v->xb.len);
		return;
	}
	if (!v->nx)
		return;
	const char *h = _("Experiences");
	vb_str(b, f == BRON_VIEW_HTML ? "<h2 class=\"exps\">"
	          : f == BRON_VIEW_MD ? "## "
	                              : "");
	vb_text(b, f, h, strlen(h));
	vb_str(b, f == BRON_VIEW_HTML ? "</h2>\n" : "\n\n");
	if (f == BRON_VIEW_HTML)
		html_picture(v, b);
	vb_add(b, v->xb.p, v->xb.len);
}

static void footer(struct bron_view *v, struct vbuf *b)
{
	char line[160];
	int count = v->o.withheld == BRON_WITHHELD_COUNT;
	experiences(v, b);
	if (v->o.format == BRON_VIEW_JSON) {
		snprintf(line, sizeof(line), "], \"withheld_count\": %zu}\n",
		         count ? v->st.withheld : (size_t)0);
		if (!count)
			snprintf(line, sizeof(line), "]}\n");
		vb_str(b, line);
		return;
	}
	if (!v->st.shown && !v->st.withheld) {
		const char *none = _("No shareable entries in this selection.");
		vb_str(b, v->o.format == BRON_VIEW_HTML ? "<p>" : "");
		vb_text(b, v->o.format, none, strlen(none));
		vb_str(b, v->o.format == BRON_VIEW_HTML ? "</p>\n" : "\n");
	}
	if (count && v->st.withheld) {
		snprintf(line, sizeof(line),
		         P_("%'zu entry is not yet shareable and is not shown.",
		            "%'zu entries are not yet shareable and are not shown.",
		            v->st.withheld),
		         v->st.withheld);
		vb_str(b, v->o.format == BRON_VIEW_HTML ? "<p class=\"withheld\">"
		                                        : "");
		vb_text(b, v->o.format, line, strlen(line));
		vb_str(b, v->o.format == BRON_VIEW_HTML ? "</p>\n" : "\n");
	}
	if (v->o.format == BRON_VIEW_HTML)
		vb_str(b, "</body>\n</html>\n");
}

bron_err bron_view_finish(struct bron_view *v, char **text, size_t *len,
                          struct bron_view_stats *st,
                          const struct bron_view_mark **marks,
                          size_t *nmarks, struct bron_error *err)
{
	struct vbuf *b = &v->out;
	vb_free(b);
	free(v->ids);
	v->ids = NULL;
	if (v->n)
		qsort(v->chunks, v->n, sizeof(*v->chunks), by_date);
	header(v, b);
	size_t shown = 0;
	if (v->n) {
		v->ids = malloc(v->n * sizeof(*v->ids));
		if (!v->ids)
			return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	}
	for (size_t i = 0; i < v->n; i++) {
		struct chunk *c = &v->chunks[i];
		v->ids[i] = c->id;
		if (v->o.format == BRON_VIEW_JSON && shown++)
			vb_str(b, ", ");
		size_t base = b->len;
		vb_add(b, c->b.p, c->b.len);
		for (size_t k = 0; k < c->b.nmarks && !b->oom; k++) {
			size_t at = b->len;
			b->len = base + c->b.marks[k].start; /* marks are relative */
			vb_mark(b, b->len, c->b.marks[k].cut);
			b->marks[b->nmarks - 1].len = c->b.marks[k].len;
			b->len = at;
		}
	}
	footer(v, b);
	if (b->oom)
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	char *copy = malloc(b->len + 1);
	if (!copy)
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	memcpy(copy, b->p, b->len + 1);
	*text = copy;
	*len = b->len;
	if (st) {
		*st = v->st;
		st->suspects = v->suspects;
	}
	if (marks) {
		*marks = b->marks;
		*nmarks = b->nmarks;
	}
	return BRON_OK;
}

const uint64_t *bron_view_ids(const struct bron_view *v, size_t *n)
{
	*n = v->ids ? v->n : 0;
	return v->ids;
}

void bron_view_free(struct bron_view *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++)
		vb_free(&v->chunks[i].b);
	free(v->chunks);
	vb_free(&v->out);
	vb_free(&v->xb);
	for (size_t i = 0; i < v->npaths; i++) {
		bron_secret_free((char *)v->paths[i].title,
		                 strlen(v->paths[i].title) + 1);
		free((void *)v->paths[i].points);
	}
	free(v->paths);
	if (v->suspects)
		bron_secret_free(v->suspects, v->suspects_len);
	free(v->ids);
	free(v);
}
