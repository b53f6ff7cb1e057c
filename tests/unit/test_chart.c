/*
 * test_chart.c - the picture of recovery: every label escaped wherever it
 * sits, bad UTF-8 refused, nothing a Content-Security-Policy would block,
 * well-formed SVG that does not pile text on text, text that keeps to its
 * width, and a fall back that can be seen in both pictures.
 */
#define _GNU_SOURCE /* memmem */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bron/bron.h"
#include "bron/chart.h"
#include "bron/vault.h"
#include "tlv.h"

#define DAY 86400LL
#define YEAR (365 * DAY + DAY / 4)
/* Mid-year of y, so that the year shown does not depend on rounding. */
#define Y(y) ((int64_t)(((y) - 1970) * YEAR + 180 * DAY))

static const char *const phase_names[4] = {"overweldigd", "ermee worstelen",
                                           "ermee leven", "op de achtergrond"};

static const struct bron_chart_bar bars1[] = {
	{"deelbaar", 3}, {"nog niet deelbaar", 1}, {"privé", 7}};
static const struct bron_chart_bar bars2[] = {{"werk", 2}, {"gezin", 0}};
static const struct bron_chart_bar bars3[] = {
	{"overweldigd", 1}, {"ermee worstelen", 4}};

/* A small overview: three groups, the paths given. */
static struct bron_overview base(const struct bron_chart_path *paths,
                                 size_t npaths)
{
	struct bron_overview o = {
		.title = "Een beeld van herstel",
		.lang = "nl",
		.groups = {{"Per niveau", bars1, 3},
		           {"Per levensgebied", bars2, 2},
		           {"Per fase", bars3, 2}},
		.paths_caption = "Elke ervaring door de fasen",
		.phase_names = {phase_names[0], phase_names[1], phase_names[2],
		                phase_names[3]},
		.empty = "Nog geen ervaring heeft een fase.",
		.paths = paths,
		.npaths = npaths,
	};
	return o;
}

static char *svg_of(const struct bron_overview *o, size_t *len)
{
	char *out = NULL;
	struct bron_error err;
	bron_err code = bron_chart_svg(o, &out, len, &err);
	if (code != BRON_OK)
		fail_msg("bron_chart_svg: %d %s", code, err.msg);
	assert_non_null(out);
	assert_int_equal(strlen(out), *len);
	return out;
}

static char *text_of(const struct bron_overview *o, int width, int utf8,
                     size_t *len)
{
	char *out = NULL;
	struct bron_error err;
	bron_err code = bron_chart_text(o, width, utf8, &out, len, &err);
	if (code != BRON_OK)
		fail_msg("bron_chart_text: %d %s", code, err.msg);
	assert_non_null(out);
	assert_int_equal(strlen(out), *len);
	return out;
}

/* ---- a small XML checker ---- */

static int allowed_element(const char *name, size_t n)
{
	static const char *const ok[] = {"svg",      "title",   "rect",
	                                 "text",     "line",    "polyline",
	                                 "polygon",  "circle",  "g"};
	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++)
		if (strlen(ok[i]) == n && memcmp(ok[i], name, n) == 0)
			return 1;
	return 0;
}

/* An '&' must start one of the five entities the renderer writes. */
static int entity_len(const char *s)
{
	static const char *const ents[] = {"&amp;", "&lt;", "&gt;", "&quot;",
	                                   "&#39;"};
	for (size_t i = 0; i < sizeof(ents) / sizeof(*ents); i++)
		if (strncmp(s, ents[i], strlen(ents[i])) == 0)
			return (int)strlen(ents[i]);
	return 0;
}

/*
 * Checks the document: the XML declaration, then elements from a short
 * list, each closed in order, attributes quoted, no raw '<' or stray '&'
 * in text or attributes, one root <svg>.
 */
static void well_formed(const char *doc)
{
	const char *decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
	char stack[64][16];
	int depth = 0, roots = 0;
	assert_true(tlv_utf8_valid((const uint8_t *)doc, strlen(doc)));
	assert_memory_equal(doc, decl, strlen(decl));
	const char *s = doc + strlen(decl);
	while (*s) {
		if (*s == '&') {
			if (!entity_len(s))
				fail_msg("stray & at %.40s", s);
			s += entity_len(s);
			continue;
		}
		if (*s == '>')
			fail_msg("stray > at %.40s", s);
		if (*s != '<') {
			if (depth == 0 && *s != '\n')
				fail_msg("text outside the root: %.40s", s);
			s++;
			continue;
		}
		s++;
		int closing = *s == '/';
		s += closing;
		size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz");
		if (!n || !allowed_element(s, n))
			fail_msg("unexpected element at %.40s", s - 1);
		if (closing) {
			if (!depth || strlen(stack[depth - 1]) != n ||
			    memcmp(stack[depth - 1], s, n) != 0 || s[n] != '>')
				fail_msg("mismatched close at %.40s", s - 2);
			depth--;
			s += n + 1;
			continue;
		}
		char name[16];
		assert_true(n < sizeof(name));
		memcpy(name, s, n);
		name[n] = '\0';
		s += n;
		/* attributes: name="value" */
		for (;;) {
			s += strspn(s, " \n");
			if (*s == '>' || (s[0] == '/' && s[1] == '>'))
				break;
			size_t an = strspn(s, "abcdefghijklmnopqrstuvwxyz"
			                         "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-:");
			if (!an || s[an] != '=' || s[an + 1] != '"')
				fail_msg("bad attribute at %.40s", s);
			s += an + 2;
			while (*s != '"') {
				if (!*s || *s == '<')
					fail_msg("bad attribute value at %.40s", s);
				if (*s == '&') {
					if (!entity_len(s))
						fail_msg("stray & in attribute at %.40s", s);
					s += entity_len(s);
				} else {
					s++;
				}
			}
			s++;
		}
		if (depth == 0) {
			assert_string_equal(name, "svg");
			roots++;
		}
		if (*s == '/') {
			s += 2; /* self-closed */
			continue;
		}
		s++;
		assert_true(depth < 64);
		memcpy(stack[depth++], name, n + 1);
	}
	assert_int_equal(depth, 0);
	assert_int_equal(roots, 1);
}

/* Nothing a strict Content-Security-Policy would block or a viewer load. */
static void self_contained(const char *svg)
{
	static const char *const bad[] = {"<script", "style", "href", "url(",
	                                  "<image", "<foreignObject", "<a ",
	                                  "javascript:", "@import", "<use"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		if (strstr(svg, bad[i]))
			fail_msg("the SVG holds %s", bad[i]);
}

/* ---- measuring text ---- */

static size_t u8chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

/* Every line at most width characters; ASCII only unless utf8. */
static void fits(const char *text, int width, int utf8)
{
	size_t w = (size_t)(width < 40 ? 40 : width > 100 ? 100 : width);
	assert_true(tlv_utf8_valid((const uint8_t *)text, strlen(text)));
	for (const char *line = text; *line;) {
		const char *nl = strchr(line, '\n');
		assert_non_null(nl); /* every line ends */
		size_t n = (size_t)(nl - line);
		if (u8chars(line, n) > w)
			fail_msg("line wider than %zu: \"%.*s\"", w, (int)n, line);
		for (size_t i = 0; !utf8 && i < n; i++)
			if ((unsigned char)line[i] >= 0x80 || line[i] == '\x1b')
				fail_msg("non-ASCII in \"%.*s\"", (int)n, line);
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)line[i] < 0x20)
				fail_msg("control character in \"%.*s\"", (int)n, line);
		line = nl + 1;
	}
}

/* ---- tests ---- */

/* The five characters, and a marker per slot to find each one again. */
#define EVIL(tag) tag "&<>\"'" tag

static void escaping_every_slot(void **state)
{
	(void)state;
	static const struct bron_chart_bar b1[] = {{EVIL("b1"), 1}};
	static const struct bron_chart_bar b2[] = {{EVIL("b2"), 2}};
	static const struct bron_chart_bar b3[] = {{EVIL("b3"), 3}};
	static const struct bron_phase_point pts[] = {{Y(2019), 3}, {Y(2021), 2}};
	static const struct bron_chart_path paths[] = {{EVIL("pt"), pts, 2}};
	static const char *const slots[] = {"ti", "c1", "c2", "c3", "b1", "b2",
	                                    "b3", "pc", "n1", "n2", "n3", "n4",
	                                    "pt"};
	struct bron_overview o = {
		.title = EVIL("ti"),
		.lang = "nl",
		.groups = {{EVIL("c1"), b1, 1}, {EVIL("c2"), b2, 1},
		           {EVIL("c3"), b3, 1}},
		.paths_caption = EVIL("pc"),
		.phase_names = {EVIL("n1"), EVIL("n2"), EVIL("n3"), EVIL("n4")},
		.empty = EVIL("em"),
		.paths = paths,
		.npaths = 1,
	};
	size_t len;
	char *svg = svg_of(&o, &len);
	well_formed(svg);
	for (size_t i = 0; i < sizeof(slots) / sizeof(*slots); i++) {
		char want[64];
		snprintf(want, sizeof(want), "%s&amp;&lt;&gt;&quot;&#39;%s",
		         slots[i], slots[i]);
		if (!strstr(svg, want))
			fail_msg("slot %s is not escaped: no %s", slots[i], want);
	}
	bron_secret_free(svg, len + 1);

	/* the empty text only shows without paths */
	o.npaths = 0;
	svg = svg_of(&o, &len);
	well_formed(svg);
	assert_non_null(strstr(svg, "em&amp;&lt;&gt;&quot;&#39;em"));
	bron_secret_free(svg, len + 1);

	/* the text picture shows them as they are */
	char *t = text_of(&o, 80, 1, &len);
	assert_non_null(strstr(t, EVIL("em")));
	assert_non_null(strstr(t, EVIL("ti")));
	bron_secret_free(t, len + 1);
}

static void markup_in_labels_stays_text(void **state)
{
	(void)state;
	static const struct bron_phase_point pts[] = {{Y(2019), 1}};
	static const struct bron_chart_path paths[] = {
		{"<script>alert(1)</script><image href=\"x\"/>", pts, 1},
		{"<style>*{}</style> url(http://x) <a href=x>", pts, 1}};
	struct bron_overview o = base(paths, 2);
	o.title = "]]><script>x</script>";
	o.lang = "nl\" onload=\"x";
	size_t len;
	char *svg = svg_of(&o, &len);
	well_formed(svg);
	assert_null(strstr(svg, "<script"));
	assert_null(strstr(svg, "<image"));
	assert_null(strstr(svg, "<style"));
	assert_null(strstr(svg, "<a "));
	assert_null(strstr(svg, "onload"));
	assert_non_null(strstr(svg, "xml:lang=\"en\"")); /* a bad tag is not used */
	bron_secret_free(svg, len + 1);

	/* with ordinary labels nothing of the kind appears at all */
	o = base(paths, 0);
	svg = svg_of(&o, &len);
	self_contained(svg);
	assert_non_null(strstr(svg, "xmlns=\"http://www.w3.org/2000/svg\""));
	assert_non_null(strstr(svg, "xml:lang=\"nl\""));
	assert_non_null(strstr(svg, "font-family=\"sans-serif\""));
	assert_non_null(strstr(svg, " width=\"760\""));
	assert_non_null(strstr(svg, " viewBox=\"0 0 760 "));
	bron_secret_free(svg, len + 1);
}

static void control_characters(void **state)
{
	(void)state;
	static const struct bron_phase_point pts[] = {{Y(2019), 1}};
	static const struct bron_chart_path paths[] = {
		{"rood\x1b[31m\ttitel\nmet\rregels\x7f\xc2\x85", pts, 1}};
	struct bron_overview o = base(paths, 1);
	size_t len;
	char *svg = svg_of(&o, &len);
	well_formed(svg);
	for (size_t i = 0; i < len; i++)
		assert_false((unsigned char)svg[i] < 0x20 && svg[i] != '\n');
	assert_non_null(strstr(svg, "rood [31m titel met regels  "));
	bron_secret_free(svg, len + 1);
	for (int utf8 = 0; utf8 <= 1; utf8++) {
		char *t = text_of(&o, 60, utf8, &len);
		fits(t, 60, utf8);
		assert_null(strchr(t, '\x1b'));
		bron_secret_free(t, len + 1);
	}
}

static void invalid_utf8(void **state)
{
	(void)state;
	static const char *const bad[] = {"a\xff", "a\xc3", "\xc0\xaf",
	                                  "\xed\xa0\x80", "\xf4\x90\x80\x80",
	                                  "ok\xe2\x82"};
	static const struct bron_phase_point pts[] = {{Y(2019), 1}};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		/* each of the slots in turn */
		for (int slot = 0; slot < 9; slot++) {
			struct bron_chart_bar bb[1] = {{"goed", 1}};
			struct bron_chart_path pp[1] = {{"goed", pts, 1}};
			struct bron_overview o = base(pp, 1);
			o.groups[0].bars = bb;
			o.groups[0].nbars = 1;
			switch (slot) {
			case 0: o.title = bad[i]; break;
			case 1: o.groups[1].caption = bad[i]; break;
			case 2: bb[0].label = bad[i]; break;
			case 3: o.paths_caption = bad[i]; break;
			case 4: o.phase_names[2] = bad[i]; break;
			case 5: o.empty = bad[i]; break;
			case 6: pp[0].title = bad[i]; break;
			case 7: o.lang = bad[i]; break;
			default: o.phase_names[0] = bad[i]; break;
			}
			for (int kind = 0; kind < 3; kind++) {
				char *out = (char *)&o; /* must become NULL */
				size_t len = 99;
				struct bron_error err;
				bron_err code =
					kind == 0 ? bron_chart_svg(&o, &out, &len, &err)
					          : bron_chart_text(&o, 80, kind == 1, &out,
					                            &len, &err);
				if (code != BRON_E_INVALID)
					fail_msg("case %zu slot %d kind %d: %d", i, slot,
					         kind, code);
				assert_int_equal(err.code, BRON_E_INVALID);
				assert_null(out);
			}
		}
	}
}

static void bad_arguments(void **state)
{
	(void)state;
	struct bron_phase_point pts[] = {{Y(2019), 0}};
	struct bron_chart_path paths[] = {{"x", pts, 1}};
	struct bron_overview o = base(paths, 1);
	char *out = (char *)&o;
	size_t len;
	struct bron_error err;
	assert_int_equal(bron_chart_svg(&o, &out, &len, &err), BRON_E_INVALID);
	assert_null(out);
	pts[0].phase = 5;
	out = (char *)&o;
	assert_int_equal(bron_chart_text(&o, 80, 1, &out, &len, &err),
	                 BRON_E_INVALID);
	assert_null(out);
	out = (char *)&o;
	assert_int_equal(bron_chart_svg(NULL, &out, &len, &err), BRON_E_INVALID);
	assert_null(out);
	o = base(NULL, 3);
	assert_int_equal(bron_chart_text(&o, 80, 1, &out, &len, &err),
	                 BRON_E_INVALID);
	/* NULL strings are empty, not a crash */
	o = base(NULL, 0);
	o.title = o.lang = o.paths_caption = o.empty = NULL;
	o.groups[0].caption = NULL;
	o.phase_names[1] = NULL;
	char *svg = svg_of(&o, &len);
	well_formed(svg);
	bron_secret_free(svg, len + 1);
	char *t = text_of(&o, 50, 0, &len);
	fits(t, 50, 0);
	bron_secret_free(t, len + 1);
}

static void empty_overview(void **state)
{
	(void)state;
	struct bron_overview o = base(NULL, 0);
	memset(o.groups, 0, sizeof(o.groups));
	size_t len;
	char *svg = svg_of(&o, &len);
	well_formed(svg);
	self_contained(svg);
	assert_non_null(strstr(svg, ">Nog geen ervaring heeft een fase.<"));
	assert_null(strstr(svg, "<rect x=\"250\"")); /* no bars */
	assert_null(strstr(svg, "<circle"));
	bron_secret_free(svg, len + 1);
	for (int utf8 = 0; utf8 <= 1; utf8++) {
		char *t = text_of(&o, 40, utf8, &len);
		fits(t, 40, utf8);
		assert_non_null(strstr(t, "Nog geen ervaring heeft een fase."));
		assert_null(strstr(t, "Per niveau"));
		bron_secret_free(t, len + 1);
	}
	/* an empty group among full ones is skipped */
	o = base(NULL, 0);
	o.groups[1].nbars = 0;
	char *t = text_of(&o, 80, 1, &len);
	assert_null(strstr(t, "Per levensgebied"));
	assert_non_null(strstr(t, "Per niveau"));
	assert_non_null(strstr(t, "Per fase"));
	bron_secret_free(t, len + 1);
}

static void one_point(void **state)
{
	(void)state;
	static const struct bron_phase_point pts[] = {{Y(2020), 2}};
	static const struct bron_chart_path paths[] = {{"Eén moment", pts, 1}};
	struct bron_overview o = base(paths, 1);
	size_t len;
	char *svg = svg_of(&o, &len);
	well_formed(svg);
	assert_null(strstr(svg, "<polyline"));
	const char *c = strstr(svg, "<circle");
	assert_non_null(c);
	assert_null(strstr(c + 1, "<circle")); /* one dot */
	assert_non_null(strstr(svg, ">2020-0")); /* year-month: no span */
	bron_secret_free(svg, len + 1);
	char *t = text_of(&o, 80, 1, &len);
	assert_non_null(strstr(t, "Eén moment"));
	assert_non_null(strstr(t, "2020 2\n"));
	bron_secret_free(t, len + 1);
}

/* The y coordinates of the first polyline. */
static size_t polyline_ys(const char *svg, double *ys, size_t max)
{
	const char *p = strstr(svg, "<polyline");
	size_t n = 0;
	assert_non_null(p);
	p = strstr(p, "points=\"");
	assert_non_null(p);
	p += 8;
	while (*p != '"' && n < max) {
		double x, y;
		int used;
		assert_int_equal(sscanf(p, "%lf,%lf%n", &x, &y, &used), 2);
		ys[n++] = y;
		p += used;
		p += *p == ' ';
	}
	return n;
}

static void fall_back_shows(void **state)
{
	(void)state;
	static const struct bron_phase_point pts[] = {
		{Y(2015), 1}, {Y(2017), 3}, {Y(2019), 2}, {Y(2022), 3}};
	static const struct bron_chart_path paths[] = {{"Schulden", pts, 4}};
	struct bron_overview o = base(paths, 1);
	size_t len;
	char *svg = svg_of(&o, &len);
	well_formed(svg);
	double ys[8];
	assert_int_equal(polyline_ys(svg, ys, 8), 4);
	/* SVG's y grows downwards: up a phase is a smaller y */
	assert_true(ys[1] < ys[0]);
	assert_true(ys[2] > ys[1]); /* 3 -> 2: the line goes down */
	assert_true(ys[3] < ys[2]);
	assert_true(ys[3] == ys[1]);
	/* and the fall is drawn in the accent colour, once */
	const char *acc = strstr(svg, "<line x1=");
	size_t accents = 0;
	for (; acc; acc = strstr(acc + 1, "stroke=\"#c0392b\""))
		accents += strncmp(acc, "stroke=\"#c0392b\"", 16) == 0;
	assert_int_equal(accents, 1);
	bron_secret_free(svg, len + 1);

	char *t = text_of(&o, 80, 1, &len);
	assert_non_null(strstr(t, "1\xe2\x86\x97" "3\xe2\x86\x98" "2\xe2\x86\x97" "3"));
	bron_secret_free(t, len + 1);
	t = text_of(&o, 80, 0, &len);
	assert_non_null(strstr(t, "1/3\\2/3"));
	fits(t, 80, 0);
	bron_secret_free(t, len + 1);
}

/* ---- thirty paths ---- */

struct box {
	double x0, x1, y0, y1;
	char text[96];
};

/* Rough boxes of every <text>: 0.62 em a character, bold 0.7. */
static size_t text_boxes(const char *svg, struct box *bx, size_t max)
{
	size_t n = 0;
	for (const char *p = strstr(svg, "<text "); p && n < max;
	     p = strstr(p + 1, "<text ")) {
		int x, y, size;
		assert_int_equal(sscanf(p, "<text x=\"%d\" y=\"%d\" font-size=\"%d\"",
		                        &x, &y, &size),
		                 3);
		const char *gt = strchr(p, '>'), *end = strstr(p, "</text>");
		assert_true(gt && end && gt < end);
		int bold = memmem(p, (size_t)(gt - p), "bold", 4) != NULL;
		const char *anchor = strstr(p, "text-anchor=\"");
		size_t chars = 0;
		for (const char *c = gt + 1; c < end; c++) {
			if (*c == '&')
				c += entity_len(c) - 1;
			chars += ((unsigned char)*c & 0xc0) != 0x80;
		}
		double w = (double)chars * size * (bold ? 0.7 : 0.62);
		struct box *b = &bx[n++];
		b->x0 = x;
		if (anchor && anchor < gt && !strncmp(anchor + 13, "end", 3))
			b->x0 = x - w;
		else if (anchor && anchor < gt && !strncmp(anchor + 13, "middle", 6))
			b->x0 = x - w / 2;
		b->x1 = b->x0 + w;
		b->y0 = y - size * 0.8;
		b->y1 = y + size * 0.22;
		snprintf(b->text, sizeof(b->text), "%.*s", (int)(end - gt - 1),
		         gt + 1);
	}
	return n;
}

static int svg_height(const char *svg)
{
	const char *h = strstr(svg, " height=\"");
	assert_non_null(h);
	return atoi(h + 9);
}

static void thirty_paths(void **state)
{
	(void)state;
	enum { N = 30 };
	static struct bron_phase_point pts[N][8];
	static struct bron_chart_path paths[N];
	static char titles[N][160];
	static struct bron_chart_bar many[12];
	static char names[12][64];
	for (int i = 0; i < 12; i++) {
		snprintf(names[i], sizeof(names[i]),
		         i % 3 ? "levensgebied %d" : "een heel lang levensgebied "
		                                     "met veel woorden nummer %d",
		         i);
		many[i] = (struct bron_chart_bar){names[i], (size_t)(i * 37 % 50)};
	}
	for (int i = 0; i < N; i++) {
		size_t np = (size_t)(i % 8) + 1;
		for (size_t k = 0; k < np; k++) {
			pts[i][k].when = Y(1995 + i % 7) + (int64_t)k * 400 * DAY;
			pts[i][k].phase = 1 + (int)((k * 3 + (size_t)i) % 4);
		}
		snprintf(titles[i], sizeof(titles[i]),
		         i % 4 ? "Ervaring %d" : "Ervaring %d met een titel die "
		                                 "veel te lang is om in één keer "
		                                 "op de regel te passen, écht",
		         i);
		paths[i] = (struct bron_chart_path){titles[i], pts[i], np};
	}
	struct bron_overview o = base(paths, N);
	o.groups[0].bars = many;
	o.groups[0].nbars = 12;
	o.groups[1].bars = many;
	o.groups[1].nbars = 12;
	o.groups[2].bars = many;
	o.groups[2].nbars = 12;
	size_t len;
	char *svg = svg_of(&o, &len);
	well_formed(svg);
	self_contained(svg);

	/* no two texts on top of each other */
	static struct box bx[2000];
	size_t n = text_boxes(svg, bx, 2000);
	assert_true(n > N * 5);
	for (size_t i = 0; i < n; i++) {
		assert_true(bx[i].x0 >= 0);
		for (size_t k = i + 1; k < n; k++)
			if (bx[i].x0 < bx[k].x1 && bx[k].x0 < bx[i].x1 &&
			    bx[i].y0 < bx[k].y1 && bx[k].y0 < bx[i].y1)
				fail_msg("\"%s\" overlaps \"%s\"", bx[i].text, bx[k].text);
	}
	/* the last text is inside the picture, which grew with it */
	int h = svg_height(svg);
	for (size_t i = 0; i < n; i++)
		assert_true(bx[i].y1 < h);
	struct bron_overview small = base(paths, 2);
	size_t slen;
	char *s2 = svg_of(&small, &slen);
	assert_true(h > svg_height(s2) + 25 * 60);
	bron_secret_free(s2, slen + 1);
	bron_secret_free(svg, len + 1);

	static const int widths[] = {1, 39, 40, 41, 52, 57, 63, 80, 99, 100,
	                             101, 250};
	for (size_t w = 0; w < sizeof(widths) / sizeof(*widths); w++)
		for (int utf8 = 0; utf8 <= 1; utf8++) {
			char *t = text_of(&o, widths[w], utf8, &len);
			fits(t, widths[w], utf8);
			bron_secret_free(t, len + 1);
		}
}

static void truncation_keeps_characters(void **state)
{
	(void)state;
	/* two-, three- and four-byte characters, shortened at every length */
	static const char *const longs[] = {
		"ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé"
		"éééééééééééééééééééééééééééééééééééééééééééééééééééééééé",
		"€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€"
		"€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€",
		"🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱"
		"🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱"
		"🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱🌱",
		"aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱"
		"aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱aé€🌱",
	};
	static const struct bron_phase_point pts[] = {{Y(2001), 1}, {Y(2003), 4}};
	for (size_t i = 0; i < sizeof(longs) / sizeof(*longs); i++) {
		struct bron_chart_bar bb[] = {{longs[i], 5}};
		struct bron_chart_path pp[] = {{longs[i], pts, 2}};
		struct bron_overview o = base(pp, 1);
		o.title = o.paths_caption = longs[i];
		o.groups[0].caption = longs[i];
		o.groups[0].bars = bb;
		o.groups[0].nbars = 1;
		o.phase_names[0] = longs[i];
		size_t len;
		char *svg = svg_of(&o, &len);
		well_formed(svg); /* which checks UTF-8 too */
		assert_non_null(strstr(svg, "\xe2\x80\xa6</text>"));
		bron_secret_free(svg, len + 1);
		for (int w = 40; w <= 100; w++)
			for (int utf8 = 0; utf8 <= 1; utf8++) {
				char *t = text_of(&o, w, utf8, &len);
				fits(t, w, utf8);
				if (utf8)
					assert_non_null(strstr(t, "\xe2\x80\xa6"));
				bron_secret_free(t, len + 1);
			}
	}
}

static void ascii_transliterates(void **state)
{
	(void)state;
	static const struct bron_phase_point pts[] = {{Y(2001), 1}};
	static const struct bron_chart_path paths[] = {
		{"Één ĳsje “privé” — 🌱", pts, 1}};
	struct bron_overview o = base(paths, 1);
	size_t len;
	char *t = text_of(&o, 80, 0, &len);
	fits(t, 80, 0);
	assert_non_null(strstr(t, "Een ijsje \"prive\" - ?"));
	assert_non_null(strstr(t, "  prive "));
	bron_secret_free(t, len + 1);
}

static void time_axes(void **state)
{
	(void)state;
	/* a long path and a short one: each gets its own axis */
	static const struct bron_phase_point a[] = {{Y(1990), 1}, {Y(2020), 4}};
	static const struct bron_phase_point b[] = {
		{Y(2019) - 120 * DAY, 2}, {Y(2019) + 60 * DAY, 1}};
	static const struct bron_chart_path own[] = {{"lang", a, 2},
	                                             {"kort", b, 2}};
	struct bron_overview o = base(own, 2);
	size_t len;
	char *svg = svg_of(&o, &len);
	well_formed(svg);
	assert_non_null(strstr(svg, ">1990</text>"));
	assert_non_null(strstr(svg, ">2020</text>"));
	assert_non_null(strstr(svg, ">2019-03</text>"));
	assert_non_null(strstr(svg, ">2019-08</text>"));
	bron_secret_free(svg, len + 1);

	/* comparable paths share one axis with round years */
	static const struct bron_phase_point c[] = {{Y(2001), 1}, {Y(2009), 3}};
	static const struct bron_phase_point d[] = {{Y(2004), 2}, {Y(2012), 4}};
	static const struct bron_chart_path shared[] = {{"c", c, 2},
	                                                {"d", d, 2}};
	o = base(shared, 2);
	svg = svg_of(&o, &len);
	well_formed(svg);
	assert_non_null(strstr(svg, ">2002</text>"));
	assert_non_null(strstr(svg, ">2010</text>"));
	assert_null(strstr(svg, ">2001</text>"));
	bron_secret_free(svg, len + 1);

	/* under two years: year and month */
	static const struct bron_phase_point e[] = {{Y(2021), 1},
	                                            {Y(2021) + 200 * DAY, 2}};
	static const struct bron_chart_path months[] = {{"e", e, 2}};
	o = base(months, 1);
	svg = svg_of(&o, &len);
	well_formed(svg);
	assert_non_null(strstr(svg, ">2021-09</text>"));
	assert_non_null(strstr(svg, ">2022-01</text>"));
	bron_secret_free(svg, len + 1);
	char *t = text_of(&o, 80, 1, &len);
	assert_non_null(strstr(t, "2021-06 1\xe2\x86\x97" "2 2022-01\n"));
	bron_secret_free(t, len + 1);
}

/* Times far outside any life still draw, and the years stay readable. */
static void extreme_times(void **state)
{
	(void)state;
	static const struct bron_phase_point a[] = {
		{INT64_MIN, 1}, {0, 2}, {INT64_MAX, 1}};
	static const struct bron_phase_point b[] = {{INT64_MAX, 4},
	                                            {INT64_MAX, 3}};
	static const struct bron_chart_path paths[] = {{"a", a, 3},
	                                               {"b", b, 2}};
	struct bron_overview o = base(paths, 2);
	size_t len;
	char *svg = svg_of(&o, &len);
	well_formed(svg);
	assert_non_null(strstr(svg, ">9999</text>"));
	bron_secret_free(svg, len + 1);
	for (int utf8 = 0; utf8 <= 1; utf8++) {
		char *t = text_of(&o, 40, utf8, &len);
		fits(t, 40, utf8);
		bron_secret_free(t, len + 1);
	}
}

/* A decimal comma in the user's locale must not reach the coordinates. */
static void numeric_locale(void **state)
{
	(void)state;
	if (!setlocale(LC_NUMERIC, "nl_NL.UTF-8") &&
	    !setlocale(LC_NUMERIC, "nl_NL.utf8") &&
	    !setlocale(LC_NUMERIC, "de_DE.UTF-8")) {
		skip();
		return;
	}
	static const struct bron_phase_point pts[] = {
		{Y(2001) + 1234567, 1}, {Y(2004) + 7654321, 3}, {Y(2006), 2}};
	static const struct bron_chart_path paths[] = {{"x", pts, 3}};
	struct bron_overview o = base(paths, 1);
	size_t len;
	char *svg = svg_of(&o, &len);
	setlocale(LC_NUMERIC, "C");
	double ys[4];
	assert_int_equal(polyline_ys(svg, ys, 4), 3);
	assert_null(strstr(strstr(svg, "points=\""), ",5 "));
	bron_secret_free(svg, len + 1);
}

static int setup(void **state)
{
	(void)state;
	return bron_init(NULL) == BRON_OK ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escaping_every_slot),
		cmocka_unit_test(markup_in_labels_stays_text),
		cmocka_unit_test(control_characters),
		cmocka_unit_test(invalid_utf8),
		cmocka_unit_test(bad_arguments),
		cmocka_unit_test(empty_overview),
		cmocka_unit_test(one_point),
		cmocka_unit_test(fall_back_shows),
		cmocka_unit_test(thirty_paths),
		cmocka_unit_test(truncation_keeps_characters),
		cmocka_unit_test(ascii_transliterates),
		cmocka_unit_test(time_axes),
		cmocka_unit_test(extreme_times),
		cmocka_unit_test(numeric_locale),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
