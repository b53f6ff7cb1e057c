/*
 * chart.c - the picture of recovery (bron/chart.h): bars of counts and each
 * experience's path through the four phases, as SVG or as terminal text.
 *
 * Titles are among the most sensitive things in a journal, so the output is
 * built in a buffer that is wiped whenever it grows or is let go, and every
 * label passes through a scratch buffer that is wiped as well.
 *
 * The SVG uses presentation attributes only (no style, no script, nothing
 * outside the document), so that the same markup also works inline under
 * the HTML view's Content-Security-Policy.  Numbers are written with
 * integer arithmetic only: the CLI runs with the user's LC_NUMERIC, and a
 * decimal comma would break every coordinate.
 */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bron/chart.h"
#include "internal.h"
#include "tlv.h"
#include "banned.h"

/* ---- an output buffer that leaves no copies behind ---- */

struct cbuf {
	char *p;
	size_t len, cap;
	int oom;
};

static void cb_free(struct cbuf *b)
{
	if (b->p) {
		sodium_memzero(b->p, b->cap);
		free(b->p);
	}
	memset(b, 0, sizeof(*b));
}

static void cb_add(struct cbuf *b, const char *s, size_t n)
{
	if (b->oom || n == 0)
		return;
	if (n > SIZE_MAX / 4 - b->len) {
		b->oom = 1;
		return;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n + 1)
			cap *= 2;
		/* a fresh block, and the old one wiped: realloc could leave
		 * the old contents behind in freed memory */
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

static void cb_str(struct cbuf *b, const char *s)
{
	cb_add(b, s, strlen(s));
}

static void cb_rep(struct cbuf *b, const char *s, size_t times)
{
	for (size_t i = 0; i < times; i++)
		cb_str(b, s);
}

/* Formatted numbers and markup; never labels, which take label(). */
static void cb_fmt(struct cbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void cb_fmt(struct cbuf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		b->oom = 1; /* cannot happen with our formats; fail loudly */
		return;
	}
	cb_add(b, tmp, (size_t)n);
}

/* Hands over an exactly sized copy, so the caller's bron_secret_free(out,
 * len + 1) wipes all of it, and wipes the working buffer. */
static bron_err finish(struct cbuf *b, char **out, size_t *len,
                       struct bron_error *err)
{
	char *s = b->oom || !b->p ? NULL : malloc(b->len + 1);
	if (!s) {
		cb_free(b);
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	}
	memcpy(s, b->p, b->len + 1);
	*out = s;
	*len = b->len;
	cb_free(b);
	return BRON_OK;
}

/* ---- labels ---- */

enum lmode { L_SVG, L_UTF8, L_ASCII };

static const char *str(const char *s)
{
	return s ? s : "";
}

/* The code point at s (valid UTF-8, checked before) and its length. */
static uint32_t next_cp(const char *s, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (u[0] < 0x80) {
		*n = 1;
		return u[0];
	}
	if (u[0] < 0xe0) {
		*n = 2;
		return (uint32_t)(u[0] & 0x1f) << 6 | (u[1] & 0x3f);
	}
	if (u[0] < 0xf0) {
		*n = 3;
		return (uint32_t)(u[0] & 0x0f) << 12 | (uint32_t)(u[1] & 0x3f) << 6 |
		       (u[2] & 0x3f);
	}
	*n = 4;
	return (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3f) << 12 |
	       (uint32_t)(u[2] & 0x3f) << 6 | (u[3] & 0x3f);
}

/* Latin-1 letters without their accents, U+00C0 to U+00FF, one for one. */
static const char latin1[] =
        "AAAAAAACEEEEIIIIDNOOOOOxOUUUUYTsaaaaaaaceeeeiiiidnooooo/ouuuuyty";

/*
 * Appends s made safe to show: control characters (which could move a
 * terminal's cursor or make the XML ill-formed) become spaces, the XML
 * non-characters U+FFFE and U+FFFF become U+FFFD, and in ASCII mode
 * letters lose their accents and anything else becomes '?'.
 */
static void clean(struct cbuf *t, const char *s, enum lmode m)
{
	size_t i = 0, n;
	while (s[i]) {
		uint32_t cp = next_cp(s + i, &n);
		char ch[2] = {0, 0};
		if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp == 0x2028 ||
		    cp == 0x2029) {
			cb_str(t, " ");
		} else if (cp == 0xfffe || cp == 0xffff) {
			cb_str(t, m == L_ASCII ? "?" : "\xef\xbf\xbd");
		} else if (m != L_ASCII || cp < 0x80) {
			cb_add(t, s + i, n);
		} else if (cp >= 0xc0 && cp <= 0xff) {
			ch[0] = latin1[cp - 0xc0];
			cb_str(t, ch);
		} else {
			cb_str(t, cp == 0x132 ? "IJ" /* the Dutch ij */
			          : cp == 0x133 ? "ij"
			          : cp == 0xa0 ? " "
			          : cp == 0x2018 || cp == 0x2019 ? "'"
			          : cp == 0x201c || cp == 0x201d ? "\""
			          : cp == 0x2013 || cp == 0x2014 ? "-"
			          : cp == 0x2026 ? "..."
			                         : "?");
		}
		i += n;
	}
}

/* The number of characters (not bytes) in the valid UTF-8 s. */
static size_t chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/* The bytes of the first max characters of s (never inside a sequence). */
static size_t prefix_bytes(const char *s, size_t len, size_t max)
{
	size_t i = 0, n = 0;
	for (; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80 && n++ == max)
			break;
	return i;
}

static void put_xml(struct cbuf *b, const char *s, size_t n)
{
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *e = s[i] == '&'    ? "&amp;"
		                : s[i] == '<'  ? "&lt;"
		                : s[i] == '>'  ? "&gt;"
		                : s[i] == '"'  ? "&quot;"
		                : s[i] == '\'' ? "&#39;"
		                               : NULL;
		if (e) {
			cb_add(b, s + run, i - run);
			cb_str(b, e);
			run = i + 1;
		}
	}
	cb_add(b, s + run, n - run);
}

/*
 * Appends s, made safe, shortened to at most max characters with an
 * ellipsis when it is longer, XML-escaped in SVG mode.  Returns the
 * characters shown, for padding.
 */
static size_t label(struct cbuf *b, const char *s, size_t max, enum lmode m)
{
	struct cbuf t = {0};
	size_t shown;
	clean(&t, str(s), m);
	if (t.oom) {
		b->oom = 1;
		cb_free(&t);
		return 0;
	}
	const char *p = t.p ? t.p : "";
	size_t n = chars(p, t.len), keep = t.len;
	const char *ell = "";
	if (n > max) {
		size_t ellw = m != L_ASCII ? 1 : max >= 6 ? 3 : 1;
		ell = m != L_ASCII ? "\xe2\x80\xa6" : ellw == 3 ? "..." : ".";
		if (max < ellw)
			ell = "", ellw = 0;
		keep = prefix_bytes(p, t.len, max - ellw);
		n = max;
	}
	if (m == L_SVG)
		put_xml(b, p, keep);
	else
		cb_add(b, p, keep);
	cb_str(b, ell);
	shown = n;
	cb_free(&t);
	return shown;
}

/* The characters label() would show of s, without writing anything. */
static size_t label_width(const char *s, enum lmode m)
{
	struct cbuf t = {0};
	clean(&t, str(s), m);
	size_t n = t.p ? chars(t.p, t.len) : 0;
	cb_free(&t);
	return n;
}

/* ---- checking what the caller gave ---- */

static int ok_text(const char *s)
{
	return !s || tlv_utf8_valid((const uint8_t *)s, strlen(s));
}

static bron_err check(const struct bron_overview *o, char **out, size_t *len,
                      struct bron_error *err)
{
	if (!o || !out || !len || (o->npaths && !o->paths))
		return bron_fail(err, BRON_E_INVALID,
		                 _("nothing to draw the picture of recovery from"));
	int ok = ok_text(o->title) && ok_text(o->lang) &&
	         ok_text(o->paths_caption) && ok_text(o->empty);
	for (int g = 0; ok && g < BRON_CHART_GROUPS; g++) {
		const struct bron_chart_group *gr = &o->groups[g];
		if (gr->nbars && !gr->bars)
			return bron_fail(err, BRON_E_INVALID,
			                 _("a group of bars in the picture has no "
			                   "bars"));
		ok = ok_text(gr->caption);
		for (size_t i = 0; ok && i < gr->nbars; i++)
			ok = ok_text(gr->bars[i].label);
	}
	for (int p = 0; ok && p < 4; p++)
		ok = ok_text(o->phase_names[p]);
	for (size_t i = 0; ok && i < o->npaths; i++)
		ok = ok_text(o->paths[i].title);
	if (!ok)
		return bron_fail(err, BRON_E_INVALID,
		                 _("the picture's text is not valid UTF-8"));
	for (size_t i = 0; i < o->npaths; i++) {
		const struct bron_chart_path *p = &o->paths[i];
		if (p->npoints && !p->points)
			return bron_fail(err, BRON_E_INVALID,
			                 _("a path in the picture has no points"));
		for (size_t k = 0; k < p->npoints; k++)
			if (p->points[k].phase < 1 || p->points[k].phase > 4)
				return bron_fail(err, BRON_E_INVALID,
				                 _("a phase in the picture is not "
				                   "between 1 and 4"));
	}
	return BRON_OK;
}

/* ---- time ---- */

/* Times are clamped to the years 1 to 9999: no overflow in any sum. */
#define T_MIN (-62135596800LL)
#define T_MAX 253402300799LL
#define DAY 86400LL
#define TWO_YEARS (2 * 365 * DAY + DAY / 2)

static int64_t when(const struct bron_phase_point *p)
{
	return p->when < T_MIN ? T_MIN : p->when > T_MAX ? T_MAX : p->when;
}

/* Days since the epoch of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Month number (year * 12 + month - 1) of t. */
static int64_t month_of(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm))
		return 0;
	return ((int64_t)tm.tm_year + 1900) * 12 + tm.tm_mon;
}

static int64_t month_start(int64_t mo)
{
	return days_from_civil(mo / 12, (int)(mo % 12) + 1, 1) * DAY;
}

/*
 * A tick or path label: the year, or the month in the order of the
 * reader's language.  The layout counts on seven characters for a month
 * ("2026-11"), so a translation of any other width falls back to that.
 */
static void time_label(int64_t t, int months, char out[16])
{
	time_t tt = (time_t)t;
	struct tm tm;
	/* TRANSLATORS: a month in the picture of recovery, for strftime(3);
	   Dutch "%m-%Y" (11-2026).  It must come out exactly 7 characters
	   wide, so keep it numeric. */
	if (months && gmtime_r(&tt, &tm) && strftime(out, 16, _("%Y-%m"), &tm) &&
	    strlen(out) == 7)
		return;
	if (!gmtime_r(&tt, &tm) ||
	    !strftime(out, 16, months ? "%Y-%m" : "%Y", &tm))
		snprintf(out, 16, "?");
}

/* The first and last time of a path, or of every path together. */
static int span(const struct bron_chart_path *p, size_t np, int64_t *lo,
                int64_t *hi)
{
	int any = 0;
	*lo = *hi = 0;
	for (size_t i = 0; i < np; i++)
		for (size_t k = 0; k < p[i].npoints; k++) {
			int64_t t = when(&p[i].points[k]);
			if (!any || t < *lo)
				*lo = t;
			if (!any || t > *hi)
				*hi = t;
			any = 1;
		}
	return any;
}

#define MAX_TICKS 8

struct ticks {
	int n;
	int64_t t[MAX_TICKS];
	char label[MAX_TICKS][16];
};

static void tick(struct ticks *tk, int64_t t, int months)
{
	if (tk->n == MAX_TICKS)
		return;
	tk->t[tk->n] = t;
	time_label(t, months, tk->label[tk->n++]);
}

/*
 * At most seven round times between lo and hi, the first of a year (or of
 * a month when the span is under two years), at a step that keeps their
 * labels apart.
 */
static void make_ticks(int64_t lo, int64_t hi, struct ticks *tk)
{
	static const int64_t ysteps[] = {1, 2, 5, 10, 20, 25, 50, 100, 250,
	                                 500, 1000, 2500, 5000, 10000};
	static const int64_t msteps[] = {1, 2, 3, 6, 12};
	int months = hi - lo < TWO_YEARS;
	int64_t m0 = month_of(lo), m1 = month_of(hi), step = 0, mo;
	tk->n = 0;
	if (!months) {
		int64_t y0 = m0 / 12, y1 = m1 / 12;
		for (size_t i = 0; i < sizeof(ysteps) / sizeof(*ysteps); i++)
			if ((step = ysteps[i]) * 6 >= y1 - y0)
				break;
		int64_t y = y0 + (month_start(y0 * 12) < lo);
		y = (y + step - 1) / step * step;
		for (; y <= y1; y += step)
			if (month_start(y * 12) <= hi)
				tick(tk, month_start(y * 12), 0);
	} else {
		for (size_t i = 0; i < sizeof(msteps) / sizeof(*msteps); i++)
			if ((step = msteps[i]) * 6 >= m1 - m0)
				break;
		mo = m0 + (month_start(m0) < lo);
		mo = (mo + step - 1) / step * step;
		for (; mo <= m1; mo += step)
			if (month_start(mo) <= hi)
				tick(tk, month_start(mo), 1);
	}
	if (tk->n == 0) {
		/* no round time inside: say where it starts and ends */
		tick(tk, lo, months);
		if (hi > lo)
			tick(tk, hi, months);
		if (tk->n == 2 && strcmp(tk->label[0], tk->label[1]) == 0)
			tk->n = 1;
	}
}

/* ---- SVG ---- */

/*
 * Layout, in pixels.  Everything stacks from top to bottom, each row
 * taller than its font, so nothing can overlap however many bars or
 * paths there are; the height follows from the content.
 */
#define W 760
#define MARGIN 24
#define BAR_LABEL_X 36
#define BAR_X 250
#define BAR_W 410
#define PHASE_X 188 /* right edge of the phase names */
#define PLOT_X0 204 /* first and last point */
#define PLOT_X1 724
#define GRID_X0 196
#define GRID_X1 732
#define PHASE_GAP 16 /* between two phases */
#define PLOT_H (3 * PHASE_GAP)

#define INK "#222"
#define GREY "#666"
#define GRID "#ccc"
#define ACCENT "#c0392b" /* the one colour: falling back */

/* Text of a given size; anchor "end"/"middle" or NULL, bold or not. */
static void svg_text(struct cbuf *b, int x, int y, int size,
                     const char *anchor, int bold, const char *fill,
                     const char *s, size_t max)
{
	cb_fmt(b, "<text x=\"%d\" y=\"%d\" font-size=\"%d\"", x, y, size);
	if (anchor)
		cb_fmt(b, " text-anchor=\"%s\"", anchor);
	if (bold)
		cb_str(b, " font-weight=\"bold\"");
	cb_fmt(b, " fill=\"%s\">", fill);
	label(b, s, max, L_SVG);
	cb_str(b, "</text>\n");
}

/* A coordinate in tenths of a pixel, written without printf's %f. */
static void coord(struct cbuf *b, long tenths)
{
	cb_fmt(b, "%ld.%ld", tenths / 10, tenths % 10);
}

/* The x of time t in tenths, between lo and hi on the plot's width. */
static long x_of(int64_t t, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return (PLOT_X0 + PLOT_X1) * 5L;
	double f = ((double)t - (double)lo) / ((double)hi - (double)lo);
	return (long)(PLOT_X0 * 10.0 + f * (PLOT_X1 - PLOT_X0) * 10.0 + 0.5);
}

static long y_of(int top, int phase)
{
	return (top + (4 - phase) * PHASE_GAP) * 10L;
}

/*
 * The x of point k of a path: on the time axis lo..hi, or, when the
 * path's points share one moment, spread evenly so each one shows.
 */
static long point_x(const struct bron_chart_path *p, size_t k, int64_t lo,
                    int64_t hi)
{
	if (hi > lo)
		return x_of(when(&p->points[k]), lo, hi);
	if (p->npoints < 2)
		return x_of(0, 0, 0);
	return PLOT_X0 * 10L +
	       (long)((PLOT_X1 - PLOT_X0) * 10.0 * (double)k /
	              (double)(p->npoints - 1));
}

/*
 * One path: its title, the four phase lines with their names, the line
 * through its points, and the time labels under it.  A fall back (a point
 * in a lower phase than the one before) is drawn in the accent colour,
 * thicker, with a downward triangle, so it still shows in grey on paper.
 */
static void svg_path(struct cbuf *b, const struct bron_overview *o,
                     const struct bron_chart_path *p, int shared,
                     const struct ticks *shared_ticks, int64_t glo,
                     int64_t ghi, int *y)
{
	int64_t lo = glo, hi = ghi;
	struct ticks own;
	const struct ticks *tk = shared_ticks;
	*y += 26;
	svg_text(b, MARGIN, *y, 13, NULL, 1, INK, p->title, 84);
	int top = *y + 12;
	if (!shared) {
		span(p, 1, &lo, &hi);
		own.n = 0;
		if (p->npoints) {
			int months = hi - lo < TWO_YEARS;
			tick(&own, lo, months);
			if (hi > lo)
				tick(&own, hi, months);
			if (own.n == 2 && p->npoints > 1 &&
			    strcmp(own.label[0], own.label[1]) == 0)
				own.n = 1;
		}
		tk = &own;
	}
	for (int ph = 4; ph >= 1; ph--) {
		int yy = (int)(y_of(top, ph) / 10);
		char digit[2] = {(char)('0' + ph), 0};
		cb_fmt(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		          "stroke=\"%s\" stroke-width=\"1\"/>\n",
		       GRID_X0, yy, GRID_X1, yy, GRID);
		svg_text(b, PHASE_X, yy + 4, 11, "end", 0, GREY,
		         o->phase_names[ph - 1] && *o->phase_names[ph - 1]
		                 ? o->phase_names[ph - 1]
		                 : digit,
		         24);
	}
	/* time: faint verticals at the ticks, their labels underneath; a
	 * path's own axis says only where it starts and ends */
	for (int i = 0; i < tk->n; i++) {
		long x = hi > lo ? x_of(tk->t[i], lo, hi) : x_of(0, 0, 0);
		int tx = (int)(x / 10);
		const char *anchor = "middle";
		if (!shared && tk->n == 2) {
			anchor = i ? "end" : NULL;
			tx = i ? PLOT_X1 + 6 : PLOT_X0 - 6;
		}
		if (shared) {
			cb_str(b, "<line x1=\"");
			coord(b, x);
			cb_fmt(b, "\" y1=\"%d\" x2=\"", top - 6);
			coord(b, x);
			cb_fmt(b, "\" y2=\"%d\" stroke=\"#e4e4e4\" "
			          "stroke-width=\"1\"/>\n",
			       top + PLOT_H + 4);
		}
		svg_text(b, tx, top + PLOT_H + 16, 10, anchor, 0, GREY,
		         tk->label[i], 15);
	}
	if (p->npoints > 1) {
		cb_str(b, "<polyline fill=\"none\" stroke=\"" INK
		          "\" stroke-width=\"2\" stroke-linejoin=\"round\" "
		          "points=\"");
		for (size_t k = 0; k < p->npoints; k++) {
			if (k)
				cb_str(b, " ");
			coord(b, point_x(p, k, lo, hi));
			cb_str(b, ",");
			coord(b, y_of(top, p->points[k].phase));
		}
		cb_str(b, "\"/>\n");
	}
	for (size_t k = 1; k < p->npoints; k++) {
		if (p->points[k].phase >= p->points[k - 1].phase)
			continue;
		cb_str(b, "<line x1=\"");
		coord(b, point_x(p, k - 1, lo, hi));
		cb_str(b, "\" y1=\"");
		coord(b, y_of(top, p->points[k - 1].phase));
		cb_str(b, "\" x2=\"");
		coord(b, point_x(p, k, lo, hi));
		cb_str(b, "\" y2=\"");
		coord(b, y_of(top, p->points[k].phase));
		cb_str(b, "\" stroke=\"" ACCENT "\" stroke-width=\"3.5\" "
		          "stroke-linecap=\"round\"/>\n");
	}
	for (size_t k = 0; k < p->npoints; k++) {
		long x = point_x(p, k, lo, hi), yy = y_of(top, p->points[k].phase);
		if (k && p->points[k].phase < p->points[k - 1].phase) {
			cb_str(b, "<polygon fill=\"" ACCENT "\" points=\"");
			coord(b, x - 55);
			cb_str(b, ",");
			coord(b, yy - 45);
			cb_str(b, " ");
			coord(b, x + 55);
			cb_str(b, ",");
			coord(b, yy - 45);
			cb_str(b, " ");
			coord(b, x);
			cb_str(b, ",");
			coord(b, yy + 55);
			cb_str(b, "\"/>\n");
			continue;
		}
		cb_str(b, "<circle cx=\"");
		coord(b, x);
		cb_str(b, "\" cy=\"");
		coord(b, yy);
		cb_str(b, "\" r=\"4\" fill=\"" INK "\"/>\n");
	}
	*y = top + PLOT_H + 16;
}

/*
 * One time axis for all paths when it keeps each path readable: every path
 * of more than one point must span at least a fifth of the whole, or its
 * points would crowd together.  Otherwise each path gets its own.
 */
static int share_axis(const struct bron_overview *o, int64_t lo, int64_t hi)
{
	for (size_t i = 0; i < o->npaths; i++) {
		int64_t a, z;
		if (o->paths[i].npoints < 2)
			continue;
		span(&o->paths[i], 1, &a, &z);
		if ((double)(z - a) * 5 < (double)hi - (double)lo || z == a)
			return 0;
	}
	return 1;
}

static void svg_bars(struct cbuf *b, const struct bron_chart_group *gr,
                     int *y)
{
	size_t max = 1;
	*y += 30;
	svg_text(b, MARGIN, *y, 14, NULL, 1, INK, gr->caption, 80);
	for (size_t i = 0; i < gr->nbars; i++)
		if (gr->bars[i].value > max)
			max = gr->bars[i].value;
	for (size_t i = 0; i < gr->nbars; i++) {
		size_t v = gr->bars[i].value;
		int w = (int)((double)v * BAR_W / (double)max + 0.5);
		if (v && w < 2)
			w = 2; /* a count of one among thousands still shows */
		*y += 20;
		svg_text(b, BAR_LABEL_X, *y, 12, NULL, 0, INK,
		         gr->bars[i].label, 28);
		cb_fmt(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"13\" "
		          "fill=\"" GREY "\"/>\n",
		       BAR_X, *y - 11, w);
		cb_fmt(b, "<text x=\"%d\" y=\"%d\" font-size=\"12\" "
		          "fill=\"" INK "\">%'zu</text>\n",
		       BAR_X + w + 6, *y, v);
	}
}

static void svg_body(struct cbuf *b, const struct bron_overview *o, int *y)
{
	svg_text(b, MARGIN, *y, 20, NULL, 1, INK, o->title, 56);
	*y += 6;
	for (int g = 0; g < BRON_CHART_GROUPS; g++)
		if (o->groups[g].nbars)
			svg_bars(b, &o->groups[g], y);
	*y += 20;
	if (o->paths_caption && *o->paths_caption) {
		*y += 16;
		svg_text(b, MARGIN, *y, 14, NULL, 1, INK, o->paths_caption, 80);
	}
	if (!o->npaths) {
		*y += 22;
		svg_text(b, BAR_LABEL_X, *y, 12, NULL, 0, INK, o->empty, 96);
		return;
	}
	int64_t lo, hi;
	struct ticks tk = {0};
	span(o->paths, o->npaths, &lo, &hi);
	int shared = share_axis(o, lo, hi);
	if (shared)
		make_ticks(lo, hi, &tk);
	for (size_t i = 0; i < o->npaths; i++)
		svg_path(b, o, &o->paths[i], shared, &tk, lo, hi, y);
}

bron_err bron_chart_svg(const struct bron_overview *o, char **out,
                        size_t *len, struct bron_error *err)
{
	struct cbuf body = {0}, b = {0};
	bron_err code = check(o, out, len, err);
	if (out)
		*out = NULL;
	if (len)
		*len = 0;
	if (code != BRON_OK)
		return code;
	int y = 34;
	svg_body(&body, o, &y);
	int h = y + 24;
	/* xml:lang is an attribute: only a plain language tag goes there */
	const char *lang = o->lang && *o->lang && strlen(o->lang) < 16 &&
	                                   strspn(o->lang, "abcdefghijklmnopqrstuvwxyz"
	                                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ-") ==
	                                           strlen(o->lang)
	                           ? o->lang
	                           : "en";
	cb_str(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	cb_fmt(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
	           "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	           "xml:lang=\"%s\" font-family=\"sans-serif\">\n",
	       W, h, W, h, lang);
	cb_str(&b, "<title>");
	label(&b, o->title, 200, L_SVG);
	cb_str(&b, "</title>\n");
	cb_fmt(&b, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" "
	           "fill=\"#fff\"/>\n",
	       W, h);
	if (body.oom)
		b.oom = 1;
	cb_add(&b, body.p, body.len);
	cb_free(&body);
	cb_str(&b, "</svg>\n");
	return finish(&b, out, len, err);
}

/* ---- text ---- */

/* U+258F..U+2589: one eighth of a block to seven eighths. */
static const char *const eighths[8] = {
	"", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d",
	"\xe2\x96\x8c", "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89"};

/*
 * The width of a count as text_bars() writes it, digit grouping included
 * (bytes, so a multibyte separator only makes the bar a little shorter).
 */
static size_t digits(size_t v)
{
	char tmp[64];
	int n = snprintf(tmp, sizeof(tmp), "%'zu", v);
	return n > 0 ? (size_t)n : 1;
}

static void text_bars(struct cbuf *b, const struct bron_chart_group *gr,
                      size_t wdt, enum lmode m)
{
	size_t max = 1, labw = 1;
	cb_str(b, "\n");
	label(b, gr->caption, wdt, m);
	cb_str(b, "\n");
	for (size_t i = 0; i < gr->nbars; i++) {
		size_t lw = label_width(gr->bars[i].label, m);
		if (gr->bars[i].value > max)
			max = gr->bars[i].value;
		if (lw > labw)
			labw = lw;
	}
	if (labw > wdt / 3)
		labw = wdt / 3;
	/* "  label bar count": the bar gets what is left */
	size_t room = wdt - 2 - labw - 1 - 1 - digits(max);
	for (size_t i = 0; i < gr->nbars; i++) {
		size_t v = gr->bars[i].value;
		cb_str(b, "  ");
		cb_rep(b, " ", labw - label(b, gr->bars[i].label, labw, m));
		cb_str(b, " ");
		if (m == L_ASCII) {
			size_t w = (size_t)((double)v * room / (double)max + 0.5);
			cb_rep(b, "#", v && !w ? 1 : w);
		} else {
			size_t e = (size_t)((double)v * room * 8 / (double)max +
			                    0.5);
			if (v && !e)
				e = 1;
			cb_rep(b, "\xe2\x96\x88", e / 8);
			cb_str(b, eighths[e % 8]);
		}
		cb_fmt(b, " %'zu\n", v); /* 1.234 where the locale groups */
	}
}

/*
 * A path as a row of phase digits joined by arrows, "1↗2↗3↘2↗3" (ASCII
 * "1/2/3\2/3"): a fall back is the one arrow pointing down.  When the
 * points do not fit in room characters, the oldest give way to an
 * ellipsis.
 */
static void spark(struct cbuf *b, const struct bron_chart_path *p,
                  size_t room, enum lmode m)
{
	const char *up = m == L_ASCII ? "/" : "\xe2\x86\x97";
	const char *down = m == L_ASCII ? "\\" : "\xe2\x86\x98";
	const char *level = m == L_ASCII ? "-" : "\xe2\x86\x92";
	size_t first = 0;
	if (2 * p->npoints - 1 > room) {
		size_t ellw = m == L_ASCII ? 2 : 1;
		size_t fit = room > ellw + 1 ? (room - ellw) / 2 : 1;
		first = p->npoints - fit;
		cb_str(b, m == L_ASCII ? ".." : "\xe2\x80\xa6");
	}
	for (size_t k = first; k < p->npoints; k++) {
		int ph = p->points[k].phase;
		if (k) {
			int before = p->points[k - 1].phase;
			cb_str(b, ph > before ? up : ph < before ? down : level);
		}
		cb_fmt(b, "%d", ph);
	}
}

static void text_paths(struct cbuf *b, const struct bron_overview *o,
                       size_t wdt, enum lmode m)
{
	size_t titlew = 1, maxpts = 1, yl = 4;
	int months = 0;
	cb_str(b, "\n");
	if (o->paths_caption && *o->paths_caption) {
		label(b, o->paths_caption, wdt, m);
		cb_str(b, "\n");
	}
	if (!o->npaths) {
		cb_str(b, "  ");
		label(b, o->empty, wdt - 2, m);
		cb_str(b, "\n");
		return;
	}
	/* the legend: "1 overwhelmed  2 struggling ...", wrapped */
	size_t col = 0;
	for (int ph = 1; ph <= 4; ph++) {
		size_t w = label_width(o->phase_names[ph - 1], m);
		size_t need = 2 + (w > wdt - 6 ? wdt - 6 : w);
		if (col && col + 2 + need > wdt) {
			cb_str(b, "\n");
			col = 0;
		}
		cb_fmt(b, "  %d ", ph);
		col += 2 + 2 + label(b, o->phase_names[ph - 1], wdt - 6, m);
	}
	cb_str(b, "\n\n");
	for (size_t i = 0; i < o->npaths; i++) {
		const struct bron_chart_path *p = &o->paths[i];
		size_t w = label_width(p->title, m);
		int64_t lo, hi;
		if (w > titlew)
			titlew = w;
		if (p->npoints > maxpts)
			maxpts = p->npoints;
		if (span(p, 1, &lo, &hi) && p->npoints > 1 &&
		    hi - lo < TWO_YEARS)
			months = 1;
	}
	if (months)
		yl = 7;
	/*
	 * One line per path, "  title  2012 1↗2↘1 2016", when the titles and
	 * the points fit side by side; otherwise the title on a line of its
	 * own and the points under it.
	 */
	size_t fixed = 2 + 2 + 2 * (yl + 1);
	if (titlew > wdt * 2 / 5)
		titlew = wdt * 2 / 5;
	size_t need = 2 * maxpts - 1 < 15 ? 2 * maxpts - 1 : 15;
	int oneline = fixed + titlew + need <= wdt;
	size_t room = oneline ? wdt - fixed - titlew : wdt - 4 - 2 * (yl + 1);
	for (size_t i = 0; i < o->npaths; i++) {
		const struct bron_chart_path *p = &o->paths[i];
		int64_t lo = 0, hi = 0;
		char a[16], z[16];
		cb_str(b, "  ");
		if (oneline) {
			cb_rep(b, " ", titlew - label(b, p->title, titlew, m));
			cb_str(b, "  ");
		} else {
			label(b, p->title, wdt - 2, m);
			cb_str(b, "\n    ");
		}
		if (!p->npoints) {
			cb_str(b, m == L_ASCII ? "-\n" : "\xc2\xb7\n");
			continue;
		}
		/* year and month only where this path spans under two years */
		span(p, 1, &lo, &hi);
		int pm = p->npoints > 1 && hi - lo < TWO_YEARS;
		time_label(lo, pm, a);
		time_label(hi, pm, z);
		cb_str(b, a);
		cb_rep(b, " ", yl + 1 - strlen(a));
		spark(b, p, room, m);
		if (p->npoints > 1) {
			cb_str(b, " ");
			cb_str(b, z);
		}
		cb_str(b, "\n");
	}
}

bron_err bron_chart_text(const struct bron_overview *o, int width, int utf8,
                         char **out, size_t *len, struct bron_error *err)
{
	struct cbuf b = {0};
	bron_err code = check(o, out, len, err);
	if (out)
		*out = NULL;
	if (len)
		*len = 0;
	if (code != BRON_OK)
		return code;
	enum lmode m = utf8 ? L_UTF8 : L_ASCII;
	size_t wdt = (size_t)(width < 40 ? 40 : width > 100 ? 100 : width);
	size_t tw = label(&b, o->title, wdt, m);
	cb_str(&b, "\n");
	cb_rep(&b, m == L_ASCII ? "=" : "\xe2\x95\x90", tw ? tw : 1);
	cb_str(&b, "\n");
	for (int g = 0; g < BRON_CHART_GROUPS; g++)
		if (o->groups[g].nbars)
			text_bars(&b, &o->groups[g], wdt, m);
	text_paths(&b, o, wdt, m);
	return finish(&b, out, len, err);
}
