/*
 * mkwords.c - builds the redactor's lexicon (redact_words.c) at build time
 * from the Debian word lists, iso-codes and the hand-written cues.
 *
 *   mkwords OUT.c DUTCH AMERICAN BRITISH ISO3166-1.json ISO3166-2.json
 *           NL-3166-1.mo NL-3166-2.mo CUES.txt
 *
 * Every word is folded with bron_fold (the same code the library folds
 * with) and gets flags (redact_lex.h): lower-case or capitalised in which
 * list, a country, region or nationality, a place by its Dutch derivations
 * ("Zwollenaar", "Amsterdamse"), and whatever cues.txt says.  The sorted
 * keys are written front-coded in blocks, so that the library can search
 * them where they lie, without building anything when it starts.
 *
 * A build tool: it prints and exits on error, unlike the library.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bron/text.h"
#include "../redact_lex.h"

struct ent {
	char *key;
	uint32_t flags;
};

static struct ent *ents;
static size_t nents, capents;

static void die(const char *what, const char *obj)
{
	fprintf(stderr, "mkwords: %s: %s\n", what, obj);
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory", "malloc");
	return p;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("cannot open", path);
	size_t cap = 1 << 20, n = 0;
	char *buf = xmalloc(cap);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			char *p = realloc(buf, cap);
			if (!p)
				die("out of memory", path);
			buf = p;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		if (got == 0)
			break;
		n += got;
	}
	if (ferror(f))
		die("cannot read", path);
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Adds the folded form of s[0..len) with flags. */
static void add(const char *s, size_t len, uint32_t flags)
{
	if (len == 0 || len > LEX_KEY_MAX)
		return;
	char *key = xmalloc(len + 1);
	size_t k = bron_fold(s, len, key);
	if (nents == capents) {
		capents = capents ? 2 * capents : 1 << 16;
		ents = realloc(ents, capents * sizeof(*ents));
		if (!ents)
			die("out of memory", "entries");
	}
	ents[nents].key = key;
	ents[nents++].flags = flags;
	/* the first word of a phrase says that a phrase may start here */
	char *sp = memchr(key, ' ', k);
	if (sp)
		add(key, (size_t)(sp - key), LEX_HEAD);
}

static int is_upper(const unsigned char *p)
{
	if (p[0] >= 'A' && p[0] <= 'Z')
		return 1;
	/* À..Þ except ×, and the even (capital) letters of Latin Extended-A */
	if (p[0] == 0xc3 && p[1] >= 0x80 && p[1] <= 0x9e && p[1] != 0x97)
		return 1;
	if ((p[0] == 0xc4 || p[0] == 0xc5) && (p[1] & 0xc0) == 0x80) {
		unsigned cp = ((p[0] & 0x1fu) << 6) | (p[1] & 0x3fu);
		int odd_capital = (cp >= 0x139 && cp <= 0x148) ||
		                  (cp >= 0x179 && cp <= 0x17e);
		return odd_capital ? (cp & 1) : !(cp & 1);
	}
	return 0;
}

static int all_caps(const char *s, size_t len)
{
	size_t letters = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 'a' && c <= 'z')
			return 0;
		if (c >= 'A' && c <= 'Z')
			letters++;
	}
	return letters >= 2;
}

/* One word list, one word a line. */
static void load_list(const char *path, uint32_t low, uint32_t prop,
                      int skip_possessive)
{
	size_t len;
	char *buf = read_all(path, &len);
	char *p = buf, *end = buf + len;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n && p[n - 1] == '\r')
			n--;
		int skip = n == 0 || memchr(p, ' ', n) ||
		           (skip_possessive && n > 2 && p[n - 2] == '\'' &&
		            p[n - 1] == 's');
		if (!skip) {
			uint32_t f = is_upper((const unsigned char *)p) ? prop : low;
			if (f == prop && all_caps(p, n))
				f |= LEX_ACRO;
			add(p, n, f);
		}
		p += n + 1;
		if (nl)
			p = nl + 1;
	}
	free(buf);
}

/* A sorted copy of the Dutch list's capitalised words, for derivations. */
static char **dutch_caps;
static size_t ndutch_caps;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int dutch_has(const char *w)
{
	return bsearch(&w, dutch_caps, ndutch_caps, sizeof(char *), cmp_str) != NULL;
}

static void load_dutch_caps(const char *path)
{
	size_t len, cap = 1 << 16;
	char *buf = read_all(path, &len);
	dutch_caps = xmalloc(cap * sizeof(char *));
	for (char *line = buf; line < buf + len;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (is_upper((unsigned char *)line) && !strchr(line, ' ')) {
			if (ndutch_caps == cap) {
				cap *= 2;
				dutch_caps = realloc(dutch_caps, cap * sizeof(char *));
				if (!dutch_caps)
					die("out of memory", path);
			}
			size_t n = strlen(line);
			dutch_caps[ndutch_caps] = xmalloc(n + 1);
			memcpy(dutch_caps[ndutch_caps++], line, n + 1);
		}
		line = nl ? nl + 1 : buf + len;
	}
	free(buf);
	qsort(dutch_caps, ndutch_caps, sizeof(char *), cmp_str);
}

/*
 * A Dutch place usually has an adjective in -se and people in -enaar or
 * -er ("Amsterdamse", "Zwollenaar", "Tilburgers"); a patronym ("Janse")
 * has a surname in -sen beside it ("Jansen"), a place does not.
 */
static void derive_places(void)
{
	char w[300];
	for (size_t i = 0; i < ndutch_caps; i++) {
		const char *x = dutch_caps[i];
		size_t n = strlen(x);
		if (n < 2 || n > 200 || all_caps(x, n))
			continue;
#define HAS(suffix) (snprintf(w, sizeof(w), "%s%s", x, suffix), dutch_has(w))
		if ((HAS("se") && !HAS("sen")) || HAS("enaar") || HAS("naar") ||
		    (HAS("er") && HAS("ers") && HAS("s")))
			add(x, n, LEX_PLACE);
#undef HAS
	}
}

/* Reads a JSON string at p (just after its opening quote) into out. */
static const char *json_string(const char *p, char *out, size_t cap)
{
	size_t o = 0;
	while (*p && *p != '"') {
		char c = *p++;
		if (c == '\\' && *p) {
			c = *p++;
			if (c == 'u') {
				unsigned v = 0;
				for (int k = 0; k < 4 && *p; k++, p++)
					v = v * 16 + (unsigned)(*p <= '9' ? *p - '0' : (*p | 32) - 'a' + 10);
				/* two-byte UTF-8 covers the names we keep */
				if (v < 0x80 && o + 1 < cap)
					out[o++] = (char)v;
				else if (v < 0x800 && o + 2 < cap) {
					out[o++] = (char)(0xc0 | (v >> 6));
					out[o++] = (char)(0x80 | (v & 0x3f));
				}
				continue;
			}
		}
		if (o + 1 < cap)
			out[o++] = c;
	}
	out[o] = '\0';
	return *p ? p + 1 : p;
}

/* The value of "field": "..." inside obj[0..len), or 0 when absent. */
static int json_field(const char *obj, size_t len, const char *field,
                      char *out, size_t cap)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\"%s\": \"", field);
	size_t pl = strlen(pat);
	for (size_t i = 0; i + pl <= len; i++)
		if (memcmp(obj + i, pat, pl) == 0) {
			json_string(obj + i + pl, out, cap);
			return 1;
		}
	return 0;
}

/* A message catalogue (.mo), looked up by original string. */
struct mo {
	char *buf;
	size_t len;
	uint32_t n, orig, trans;
};

static uint32_t mo_u32(const struct mo *m, size_t off)
{
	if (off + 4 > m->len)
		die("damaged catalogue", "mo");
	const unsigned char *p = (const unsigned char *)m->buf + off;
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void mo_open(struct mo *m, const char *path)
{
	m->buf = read_all(path, &m->len);
	if (mo_u32(m, 0) != 0x950412deu)
		die("not a little-endian message catalogue", path);
	m->n = mo_u32(m, 8);
	m->orig = mo_u32(m, 12);
	m->trans = mo_u32(m, 16);
}

static const char *mo_find(const struct mo *m, const char *msgid)
{
	for (uint32_t i = 0; i < m->n; i++) {
		uint32_t l = mo_u32(m, m->orig + 8 * i);
		uint32_t o = mo_u32(m, m->orig + 8 * i + 4);
		if (o + l < m->len && strlen(msgid) == l &&
		    memcmp(m->buf + o, msgid, l) == 0) {
			uint32_t to = mo_u32(m, m->trans + 8 * i + 4);
			return to < m->len ? m->buf + to : NULL;
		}
	}
	return NULL;
}

/* Names with a comma or brackets ("Korea, Republic of") are left out. */
static void add_name(const char *name, uint32_t flags)
{
	if (!*name || strpbrk(name, ",()"))
		return;
	add(name, strlen(name), flags);
}

static char **countries; /* folded words of country names, for demonyms */
static size_t ncountries, capcountries;

static void add_country_words(const char *name)
{
	char fold[256];
	size_t n = strlen(name);
	if (n >= sizeof(fold))
		return;
	n = bron_fold(name, n, fold);
	for (char *w = fold; *w;) {
		size_t k = strcspn(w, " -,()");
		if (k >= 4) {
			if (ncountries == capcountries) {
				capcountries = capcountries ? 2 * capcountries : 512;
				countries = realloc(countries, capcountries * sizeof(char *));
				if (!countries)
					die("out of memory", "countries");
			}
			countries[ncountries] = xmalloc(k + 1);
			memcpy(countries[ncountries], w, k);
			countries[ncountries++][k] = '\0';
		}
		w += k;
		while (*w && strchr(" -,()", *w))
			w++;
	}
}

static void load_3166_1(const char *json, const struct mo *nl)
{
	static const char *fields[] = {"name", "official_name", "common_name"};
	size_t len;
	char *buf = read_all(json, &len);
	char val[512];
	for (char *o = strchr(buf, '{'); o && (o = strchr(o + 1, '{'));) {
		char *end = strchr(o, '}');
		if (!end)
			break;
		for (size_t f = 0; f < 3; f++) {
			if (!json_field(o, (size_t)(end - o), fields[f], val, sizeof(val)))
				continue;
			add_name(val, LEX_GEO);
			add_country_words(val);
			const char *t = mo_find(nl, val);
			if (t) {
				add_name(t, LEX_GEO);
				add_country_words(t);
			}
		}
		o = end;
	}
	free(buf);
}

/*
 * Regions broad enough to name without giving anyone away: provinces,
 * states, nations and the like of the countries bron's users mostly write
 * about.  Elsewhere subdivisions are often named after their main city.
 */
static void load_3166_2(const char *json, const struct mo *nl)
{
	static const char *keep[] = {"NL-", "BE-", "DE-", "GB-", "US-", "FR-",
	                             "ES-", "IT-", "CH-", "AT-", NULL};
	size_t len;
	char *buf = read_all(json, &len);
	char code[64], name[512];
	for (char *o = strchr(buf, '{'); o && (o = strchr(o + 1, '{'));) {
		char *end = strchr(o, '}');
		if (!end)
			break;
		size_t n = (size_t)(end - o);
		if (json_field(o, n, "code", code, sizeof(code)) &&
		    json_field(o, n, "name", name, sizeof(name)) &&
		    json_field(o, n, "type", code + 32, sizeof(code) - 32)) {
			int ok = 0;
			for (size_t k = 0; keep[k]; k++)
				ok |= strncmp(code, keep[k], 3) == 0;
			const char *type = code + 32;
			int broad = !strcmp(type, "Province") || !strcmp(type, "State") ||
			            !strcmp(type, "Region") || !strcmp(type, "Country") ||
			            !strcmp(type, "Land") || !strcmp(type, "Nation") ||
			            !strcmp(type, "Canton") ||
			            !strcmp(type, "Autonomous community") ||
			            !strcmp(type, "Metropolitan region");
			if (ok && broad) {
				add_name(name, LEX_GEO);
				const char *t = mo_find(nl, name);
				if (t)
					add_name(t, LEX_GEO);
			}
		}
		o = end;
	}
	free(buf);
}

static const struct {
	const char *tag;
	uint32_t flag;
} tags[] = {
        {"safe", LEX_SAFE},         {"geo", LEX_GEO},
        {"inst", LEX_INST},         {"instkey", LEX_INSTKEY},
        {"instpost", LEX_INSTPOST}, {"title", LEX_TITLE},
        {"particle", LEX_PARTICLE}, {"prep", LEX_PREP},
        {"weakprep", LEX_WEAKPREP}, {"agenoun", LEX_AGENOUN},
        {"verb", LEX_VERB},         {"street", LEX_STREET},
        {"abbr", LEX_ABBR},         {"unit", LEX_UNIT},
        {"birth", LEX_BIRTH},       {"place", LEX_PLACE},
        {"notgeo", LEX_NOTGEO},     {"event", LEX_EVENT},
        {"personal", LEX_PERSONAL}, {"yearcue", LEX_YEARCUE},
};

/* cues.txt: "tag[,tag...] word or phrase" a line; '#' starts a comment. */
static void load_cues(const char *path)
{
	size_t len;
	char *buf = read_all(path, &len);
	int lineno = 0;
	for (char *line = buf; line < buf + len;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		if (*line && *line != '#') {
			char *sp = strchr(line, ' ');
			if (!sp || !sp[1]) {
				fprintf(stderr, "%s:%d: want \"tag words\"\n", path, lineno);
				exit(1);
			}
			*sp = '\0';
			uint32_t flags = 0;
			for (char *t = line; *t;) {
				size_t k = strcspn(t, ",");
				size_t i = 0;
				for (; i < sizeof(tags) / sizeof(tags[0]); i++)
					if (strlen(tags[i].tag) == k && !strncmp(t, tags[i].tag, k))
						break;
				if (i == sizeof(tags) / sizeof(tags[0])) {
					fprintf(stderr, "%s:%d: unknown tag\n", path, lineno);
					exit(1);
				}
				flags |= tags[i].flag;
				t += k + (t[k] == ',');
			}
			add(sp + 1, strlen(sp + 1), flags);
		}
		line = nl ? nl + 1 : buf + len;
	}
	free(buf);
}

static int cmp_ent(const void *a, const void *b)
{
	return strcmp(((const struct ent *)a)->key, ((const struct ent *)b)->key);
}

static void sort_merge(void)
{
	qsort(ents, nents, sizeof(*ents), cmp_ent);
	size_t o = 0;
	for (size_t i = 0; i < nents; i++) {
		if (o && !strcmp(ents[o - 1].key, ents[i].key)) {
			ents[o - 1].flags |= ents[i].flags;
			free(ents[i].key);
		} else {
			ents[o++] = ents[i];
		}
	}
	nents = o;
}

/*
 * Nationalities and languages share the start of their country's name and
 * end in a demonym ending: Marokko - Marokkaan, Marokkaanse; Turkije -
 * Turks; Germany - German.  Capitalised words that fit are marked GEO.
 */
static void derive_demonyms(void)
{
	static const char *endings[] = {
	        "", "s", "se", "sch", "sche", "isch", "ische", "er", "ers", "r",
	        "rs", "aan", "aans", "aanse", "anen", "ees", "ese", "eze",
	        "ezen", "es", "an", "ans", "ian", "ians", "ish", "i", "is",
	        "ic", "ier", "iers", "ner", "ners", "nse", "n", "ns", "aas",
	        "aase", "ams", "amse", "ijn", "ijnen", "ijns", "ijnse", "een",
	        "enen", "ens", "ense", "aar", "aren", "e", "en", "ener",
	        "eners", "ner", "ans", "aanse", NULL};
	for (size_t c = 0; c < ncountries; c++) {
		const char *cw = countries[c];
		size_t cl = strlen(cw);
		/* binary search for the first key with cw's first three bytes */
		size_t lo = 0, hi = nents;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (strncmp(ents[mid].key, cw, 3) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo; i < nents && !strncmp(ents[i].key, cw, 3); i++) {
			if (!(ents[i].flags & (LEX_PROP_NL | LEX_PROP_EN)))
				continue;
			const char *k = ents[i].key;
			size_t kl = strlen(k), l = 0;
			while (k[l] && k[l] == cw[l])
				l++;
			if (l < 4 || l + 4 < cl || kl > cl + 5)
				continue;
			for (size_t e = 0; endings[e]; e++)
				if (!strcmp(k + l, endings[e])) {
					ents[i].flags |= LEX_GEO;
					break;
				}
		}
	}
}

static void emit_bytes(FILE *f, const unsigned char *p, size_t n, size_t *col)
{
	for (size_t i = 0; i < n; i++) {
		if (*col >= 72) {
			fputs("\"\n\t\"", f);
			*col = 0;
		}
		unsigned c = p[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '?') {
			fputc((int)c, f);
			(*col)++;
		} else {
			fprintf(f, "\\%03o", c);
			*col += 4;
		}
	}
}

static void emit(const char *out)
{
	FILE *f = fopen(out, "w");
	if (!f)
		die("cannot create", out);
	size_t nblocks = (nents + LEX_BLOCK - 1) / LEX_BLOCK;
	uint32_t *block = xmalloc(nblocks * sizeof(uint32_t));
	fputs("/* Generated by src/lib/data/mkwords.c from the Debian word lists,\n"
	      " * iso-codes and cues.txt; see docs/DATA.md.  Do not edit. */\n"
	      "#include \"redact_lex.h\"\n\n"
	      "const unsigned char bron_lex_data[] =\n\t\"", f);
	size_t off = 0, col = 0;
	const char *prev = "";
	for (size_t i = 0; i < nents; i++) {
		const char *k = ents[i].key;
		size_t kl = strlen(k), pre = 0;
		if (i % LEX_BLOCK == 0) {
			block[i / LEX_BLOCK] = (uint32_t)off;
			prev = "";
		}
		while (pre < kl && pre < 255 && prev[pre] == k[pre])
			pre++;
		unsigned char head[2] = {(unsigned char)pre,
		                         (unsigned char)(kl - pre)};
		uint32_t fl = ents[i].flags;
		if (fl == LEX_LOW_NL)
			head[1] |= 0x80;
		emit_bytes(f, head, 2, &col);
		emit_bytes(f, (const unsigned char *)k + pre, kl - pre, &col);
		off += 2 + kl - pre;
		if (fl != LEX_LOW_NL) {
			unsigned char v[5];
			size_t vn = 0;
			do {
				v[vn++] = (unsigned char)((fl & 0x7f) | (fl > 0x7f ? 0x80 : 0));
				fl >>= 7;
			} while (fl);
			emit_bytes(f, v, vn, &col);
			off += vn;
		}
		prev = k;
	}
	fprintf(f, "\";\n\n/* %zu bytes of keys */\n"
	           "const uint32_t bron_lex_block[] = {\n", off);
	for (size_t b = 0; b < nblocks; b++)
		fprintf(f, "%s%u,", b % 8 ? " " : "\n\t", block[b]);
	fprintf(f, "\n};\n\nconst uint32_t bron_lex_nblocks = %zu;\n"
	           "const uint32_t bron_lex_nkeys = %zu;\n", nblocks, nents);
	if (fclose(f) != 0)
		die("cannot write", out);
	free(block);
}

int main(int argc, char **argv)
{
	if (argc != 10) {
		fprintf(stderr, "usage: mkwords OUT.c DUTCH AMERICAN BRITISH "
		                "ISO3166-1.json ISO3166-2.json NL-3166-1.mo "
		                "NL-3166-2.mo CUES.txt\n");
		return 2;
	}
	struct mo nl1, nl2;
	mo_open(&nl1, argv[7]);
	mo_open(&nl2, argv[8]);
	load_list(argv[2], LEX_LOW_NL, LEX_PROP_NL, 0);
	load_list(argv[3], LEX_LOW_EN, LEX_PROP_EN, 1);
	load_list(argv[4], LEX_LOW_EN, LEX_PROP_EN, 1);
	load_dutch_caps(argv[2]);
	derive_places();
	load_3166_1(argv[5], &nl1);
	load_3166_2(argv[6], &nl2);
	load_cues(argv[9]);
	sort_merge();
	derive_demonyms();
	for (size_t i = 0; i < nents; i++)
		if (ents[i].flags & LEX_NOTGEO)
			ents[i].flags &= ~(uint32_t)(LEX_GEO | LEX_NOTGEO);
	emit(argv[1]);
	fprintf(stderr, "mkwords: %zu keys\n", nents);
	for (size_t i = 0; i < nents; i++)
		free(ents[i].key);
	free(ents);
	for (size_t i = 0; i < ndutch_caps; i++)
		free(dutch_caps[i]);
	free(dutch_caps);
	for (size_t i = 0; i < ncountries; i++)
		free(countries[i]);
	free(countries);
	free(nl1.buf);
	free(nl2.buf);
	return 0;
}
