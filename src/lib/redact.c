/*
 * redact.c - the redactor's life cycle, tokens, spans and output.
 *
 * The passes that find spans live in redact_pat.c (fixed formats: e-mail,
 * links, IBAN, BSN, phone numbers, postcodes, licence plates, dates) and
 * redact_names.c (pseudonyms, names, places, streets, institutions, ages).
 * This file cuts text into tokens, keeps the spans apart and writes the
 * output with placeholders that stay the same for the same original.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bron/text.h"
#include "internal.h"
#include "redact_int.h"
#include "redact_lex.h"
#include "banned.h"

const char *bron_cat_name(enum bron_cat cat)
{
	static const char *const names[BRON_CAT_COUNT] = {
	        "pseudonym", "person", "place", "address", "institution",
	        "date", "age", "phone", "email", "url", "bsn", "iban",
	        "postcode", "plate"};
	return (unsigned)cat < BRON_CAT_COUNT ? names[cat] : "unknown";
}

/* --- a small hash map ------------------------------------------------------ */

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

static size_t slot(const struct strmap *m, const char *key, size_t len)
{
	size_t i = (size_t)hash(key, len) & (m->cap - 1);
	while (m->keys[i] && (m->lens[i] != len || memcmp(m->keys[i], key, len)))
		i = (i + 1) & (m->cap - 1);
	return i;
}

size_t *strmap_get(const struct strmap *m, const char *key, size_t len)
{
	if (!m->cap)
		return NULL;
	size_t i = slot(m, key, len);
	return m->keys[i] ? &m->vals[i] : NULL;
}

static bron_err strmap_grow(struct strmap *m)
{
	struct strmap g = {0};
	g.cap = m->cap ? 2 * m->cap : 64;
	g.keys = calloc(g.cap, sizeof(char *));
	g.lens = calloc(g.cap, sizeof(size_t));
	g.vals = calloc(g.cap, sizeof(size_t));
	if (!g.keys || !g.lens || !g.vals) {
		free(g.keys);
		free(g.lens);
		free(g.vals);
		return BRON_E_NOMEM;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i]) {
			size_t j = slot(&g, m->keys[i], m->lens[i]);
			g.keys[j] = m->keys[i];
			g.lens[j] = m->lens[i];
			g.vals[j] = m->vals[i];
		}
	g.n = m->n;
	free(m->keys);
	free(m->lens);
	free(m->vals);
	*m = g;
	return BRON_OK;
}

bron_err strmap_put(struct strmap *m, const char *key, size_t len, size_t val)
{
	if ((m->n + 1) * 2 > m->cap && strmap_grow(m) != BRON_OK)
		return BRON_E_NOMEM;
	size_t i = slot(m, key, len);
	if (!m->keys[i]) {
		char *k = malloc(len + 1);
		if (!k)
			return BRON_E_NOMEM;
		memcpy(k, key, len);
		k[len] = '\0';
		m->keys[i] = k;
		m->lens[i] = len;
		m->n++;
	}
	m->vals[i] = val;
	return BRON_OK;
}

void strmap_release(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->keys[i]) {
			sodium_memzero(m->keys[i], m->lens[i]);
			free(m->keys[i]);
		}
	free(m->keys);
	free(m->lens);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* Grows a buffer of secrets: the old copy is wiped, never left to realloc. */
static int grow_secret(char **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 256;
	while (ncap < need)
		ncap *= 2;
	char *p = malloc(ncap);
	if (!p)
		return -1;
	if (*buf) {
		memcpy(p, *buf, *cap);
		sodium_memzero(*buf, *cap);
		free(*buf);
	}
	*buf = p;
	*cap = ncap;
	return 0;
}

/* --- the redactor --------------------------------------------------------- */

struct bron_redactor *bron_redactor_new(enum bron_lang lang,
                                        struct bron_error *err)
{
	if (lang != BRON_LANG_AUTO && lang != BRON_LANG_NL && lang != BRON_LANG_EN) {
		bron_fail(err, BRON_E_INVALID, _("unknown language for redaction"));
		return NULL;
	}
	struct bron_redactor *r = calloc(1, sizeof(*r));
	if (!r) {
		bron_fail(err, BRON_E_NOMEM, _("out of memory creating a redactor"));
		return NULL;
	}
	r->lang = lang;
	return r;
}

void bron_redactor_free(struct bron_redactor *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nnames; i++)
		if (r->names[i].label) {
			sodium_memzero(r->names[i].label, strlen(r->names[i].label));
			free(r->names[i].label);
		}
	free(r->names);
	strmap_release(&r->variants);
	strmap_release(&r->firsts);
	strmap_release(&r->placeholders);
	sodium_memzero(r, sizeof(*r));
	free(r);
}

bron_err bron_redactor_add_name(struct bron_redactor *r, const char *name,
                                const char *label, struct bron_error *err)
{
	if (!r || !name)
		return bron_fail(err, BRON_E_INVALID, _("no name to add"));
	size_t n = strlen(name);
	int letters = 0;
	for (size_t i = 0; i < n; i++)
		letters |= (unsigned char)name[i] > ' ';
	if (!letters)
		return bron_fail(err, BRON_E_INVALID, _("empty pseudonym name"));
	if (r->nnames == r->capnames) {
		size_t cap = r->capnames ? 2 * r->capnames : 8;
		struct pseudonym *p = realloc(r->names, cap * sizeof(*p));
		if (!p)
			return bron_fail(err, BRON_E_NOMEM,
			                 _("out of memory adding a pseudonym"));
		r->names = p;
		r->capnames = cap;
	}
	struct pseudonym *p = &r->names[r->nnames];
	memset(p, 0, sizeof(*p));
	if (label && *label) {
		size_t ll = strlen(label);
		p->label = malloc(ll + 1);
		if (!p->label)
			return bron_fail(err, BRON_E_NOMEM,
			                 _("out of memory adding a pseudonym"));
		memcpy(p->label, label, ll + 1);
	} else {
		p->autono = r->nauto;
	}
	bron_err e = redact_name_variants(r, name, r->nnames);
	if (e != BRON_OK) {
		free(p->label);
		return bron_fail(err, e, _("out of memory adding a pseudonym"));
	}
	if (!p->label)
		r->nauto++;
	r->nnames++;
	return BRON_OK;
}

void bron_redactor_counts(const struct bron_redactor *r,
                          size_t counts[BRON_CAT_COUNT])
{
	for (size_t i = 0; i < BRON_CAT_COUNT; i++)
		counts[i] = r ? r->counts[i] : 0;
}

/* --- characters and tokens ---------------------------------------------- */

/* Decodes one UTF-8 character; 0 with *clen 1 for an invalid byte. */
static unsigned decode(const unsigned char *p, size_t n, size_t *clen)
{
	unsigned c = p[0];
	*clen = 1;
	if (c < 0x80)
		return c;
	size_t k = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 ? 2 : 0;
	if (k == 0 || k > n || c > 0xf4)
		return 0;
	unsigned cp = c & (0x7f >> k);
	for (size_t i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	*clen = k;
	return cp;
}

int redact_is_letter(const unsigned char *p, size_t n, size_t *clen)
{
	unsigned cp = decode(p, n, clen);
	if (cp < 0x80)
		return (cp | 32) >= 'a' && (cp | 32) <= 'z';
	return (cp >= 0xc0 && cp <= 0x24f && cp != 0xd7 && cp != 0xf7) ||
	       (cp >= 0x300 && cp <= 0x52f) || (cp >= 0x600 && cp <= 0x6ff) ||
	       (cp >= 0x1e00 && cp <= 0x1fff) || (cp >= 0x3040 && cp <= 0x9fff) ||
	       (cp >= 0xac00 && cp <= 0xd7a3);
}

int redact_is_upper(const unsigned char *p, size_t n)
{
	size_t clen;
	unsigned cp = decode(p, n, &clen);
	if (cp < 0x80)
		return cp >= 'A' && cp <= 'Z';
	if (cp >= 0xc0 && cp <= 0xde)
		return cp != 0xd7;
	if (cp >= 0x100 && cp <= 0x17f) {
		int odd = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e);
		return odd ? (int)(cp & 1) : !(cp & 1);
	}
	if (cp >= 0x391 && cp <= 0x3a9)
		return 1;
	return cp >= 0x400 && cp <= 0x42f;
}

static int is_apos(const unsigned char *p, size_t n)
{
	if (p[0] == '\'')
		return 1;
	return n >= 3 && p[0] == 0xe2 && p[1] == 0x80 && p[2] == 0x99 ? 3 : 0;
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Length of a word starting with a letter at p. */
static size_t word_len(const unsigned char *p, size_t n, uint8_t *poss)
{
	size_t i = 0, cl;
	*poss = 0;
	while (i < n) {
		if (redact_is_letter(p + i, n - i, &cl) || is_digit(p[i])) {
			i += cl;
			continue;
		}
		int a = p[i] == '-' ? 1 : is_apos(p + i, n - i);
		if (a && i + a < n && redact_is_letter(p + i + a, n - i - a, &cl)) {
			i += a;
			continue;
		}
		/* "de Vries'": the apostrophe after a final s is a possessive */
		if (a && p[i] != '-' && i > 0 &&
		    ((p[i - 1] | 32) == 's' || (p[i - 1] | 32) == 'x' ||
		     (p[i - 1] | 32) == 'z')) {
			*poss = (uint8_t)a;
			return i + a;
		}
		break;
	}
	/* "Sanne's", "Sanne’s" */
	if (i >= 3 && (p[i - 1] | 32) == 's') {
		if (p[i - 2] == '\'')
			*poss = 2;
		else if (i >= 5 && p[i - 4] == 0xe2 && p[i - 3] == 0x80 &&
		         p[i - 2] == 0x99)
			*poss = 4;
	}
	return i;
}

static int is_space_byte(const unsigned char *p, size_t n, size_t *clen)
{
	*clen = 1;
	if (p[0] == ' ' || p[0] == '\t' || p[0] == '\r')
		return 1;
	if (n >= 2 && p[0] == 0xc2 && p[1] == 0xa0) { /* no-break space */
		*clen = 2;
		return 1;
	}
	return 0;
}

/* What separates a token from the one before: see redact_int.h. */
static uint8_t classify_gap(struct ctx *c, size_t from, size_t to)
{
	const unsigned char *p = (const unsigned char *)c->text;
	if (c->ntoks == 0)
		return G_START;
	if (from == to)
		return G_GLUE;
	int brk = 0, other = 0, dots = 0, open = 0;
	for (size_t i = from; i < to;) {
		size_t cl;
		if (is_space_byte(p + i, to - i, &cl)) {
			i += cl;
			continue;
		}
		unsigned cp = decode(p + i, to - i, &cl);
		open = 0;
		switch (cp) {
		case '\n': case '!': case '?': case ':': case ';':
		case 0x2026: case 0x2022: case '*': case '#':
			brk = 1;
			break;
		case '.':
			dots++;
			break;
		case '(': case '[': case '"': case 0x201c: case 0x2018:
		case 0xab: case 0x201e:
			open = 1;
			other = 1;
			break;
		case '\'':
			open = i + 1 == to;
			other = 1;
			break;
		default:
			other = 1;
		}
		i += cl;
	}
	if (brk || open)
		return G_BREAK;
	if (dots) {
		const struct tok *prev = &c->toks[c->ntoks - 1];
		int initial = prev->kind == T_WORD && prev->len == 1;
		/* "at 2 a.m. He": the time ends the sentence, no initial */
		if (initial && (p[prev->start] | 32) == 'm' && c->ntoks >= 2 &&
		    c->toks[c->ntoks - 2].len == 1 &&
		    ((p[c->toks[c->ntoks - 2].start] | 32) == 'a' ||
		     (p[c->toks[c->ntoks - 2].start] | 32) == 'p') &&
		    prev->start >= 2 && p[prev->start - 1] == '.')
			initial = 0;
		if (dots == 1 && !other &&
		    (initial || (redact_tflags(c, c->ntoks - 1) & LEX_ABBR)))
			return G_DOT;
		return G_BREAK;
	}
	return other ? G_COMMA : G_SPACE;
}

static uint8_t case_of(const unsigned char *p, size_t n)
{
	if (!redact_is_upper(p, n))
		return 0;
	size_t upper = 0, lower = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] >= 'a' && p[i] <= 'z')
			lower++;
		else if (p[i] >= 'A' && p[i] <= 'Z')
			upper++;
	}
	return upper >= 2 && lower == 0 ? 2 : 1;
}

static bron_err tokenize(struct ctx *c)
{
	const unsigned char *p = (const unsigned char *)c->text;
	size_t cap = 0, prev_end = 0, fpos = 0;
	for (size_t i = 0; i < c->len;) {
		size_t cl = 1, n = 0;
		uint8_t kind = T_WORD, poss = 0;
		if (is_digit(p[i])) {
			while (i + n < c->len && is_digit(p[i + n]))
				n++;
			kind = T_NUM;
		} else if (redact_is_letter(p + i, c->len - i, &cl)) {
			n = word_len(p + i, c->len - i, &poss);
		} else if (p[i] == '\'' && i + 1 < c->len && (p[i + 1] | 32) == 't' &&
		           (i + 2 == c->len ||
		            !redact_is_letter(p + i + 2, c->len - i - 2, &cl)) &&
		           (i == 0 || p[i - 1] == ' ')) {
			n = 2; /* "van 't Hof" */
		} else {
			redact_is_letter(p + i, c->len - i, &cl);
			i += cl;
			continue;
		}
		if (c->ntoks == cap) {
			cap = cap ? 2 * cap : 1024;
			struct tok *t = realloc(c->toks, cap * sizeof(*t));
			if (!t)
				return BRON_E_NOMEM;
			c->toks = t;
		}
		struct tok *t = &c->toks[c->ntoks];
		memset(t, 0, sizeof(*t));
		t->start = (uint32_t)i;
		t->len = (uint32_t)n;
		t->kind = kind;
		t->poss = poss;
		t->gap = classify_gap(c, prev_end, i);
		t->sent = t->gap == G_START || t->gap == G_BREAK;
		t->foff = (uint32_t)fpos;
		if (kind == T_WORD) {
			t->cap = case_of(p + i, n);
			if (n - poss <= 255) {
				size_t fl = bron_fold(c->text + i, n - poss, c->fold + fpos);
				t->flen = (uint16_t)fl;
				fpos += fl + 1;
			}
		}
		c->ntoks++;
		prev_end = i + n;
		i += n;
	}
	return BRON_OK;
}

uint32_t redact_tflags(struct ctx *c, size_t i)
{
	struct tok *t = &c->toks[i];
	if (!t->looked) {
		t->flags = t->flen ? bron_lex_find(redact_tfold(c, i), t->flen) : 0;
		t->looked = 1;
	}
	return t->flags;
}

uint32_t redact_phrase(struct ctx *c, size_t i, size_t n)
{
	char key[LEX_KEY_MAX + 1];
	size_t k = 0;
	if (i + n > c->ntoks)
		return 0;
	for (size_t j = i; j < i + n; j++) {
		const struct tok *t = &c->toks[j];
		if ((j > i && t->gap != G_SPACE) || !t->flen ||
		    k + t->flen + 1 > sizeof(key))
			return 0;
		if (j > i)
			key[k++] = ' ';
		memcpy(key + k, redact_tfold(c, j), t->flen);
		k += t->flen;
	}
	uint32_t f = bron_lex_find(key, k);
	sodium_memzero(key, sizeof(key));
	return f;
}

/* Decides the text's language from its commonest short words. */
static int detect_lang(struct ctx *c)
{
	static const char *const nl[] = {"de", "het", "een", "en", "ik", "niet",
	                                 "dat", "maar", "met", "op", "van", "ook",
	                                 "je", "zijn", "heb", "naar", "voor", NULL};
	static const char *const en[] = {"the", "and", "i", "not", "that", "but",
	                                 "with", "of", "to", "my", "you", "it",
	                                 "have", "for", "what", "this", NULL};
	size_t score[2] = {0, 0};
	for (size_t i = 0; i < c->ntoks; i++) {
		const struct tok *t = &c->toks[i];
		if (t->kind != T_WORD || t->flen > 4 || !t->flen)
			continue;
		const char *f = redact_tfold(c, i);
		for (int l = 0; l < 2; l++)
			for (const char *const *w = l ? en : nl; *w; w++)
				if ((*w)[0] == f[0] && !strncmp(*w, f, t->flen) &&
				    (*w)[t->flen] == '\0')
					score[l]++;
	}
	if (score[0] > score[1])
		return BRON_LANG_NL;
	if (score[1] > score[0])
		return BRON_LANG_EN;
	return BRON_LANG_AUTO;
}

/* --- spans ------------------------------------------------------------------ */

int redact_taken(const struct ctx *c, size_t start, size_t len)
{
	for (size_t i = start; i < start + len && i < c->len; i++)
		if (c->taken[i])
			return 1;
	return 0;
}

enum bron_cat redact_cat_at(const struct ctx *c, size_t pos)
{
	if (pos >= c->len || !c->taken[pos])
		return BRON_CAT_COUNT;
	for (size_t i = c->nspans; i-- > 0;)
		if (pos >= c->spans[i].start &&
		    pos < c->spans[i].start + c->spans[i].len)
			return c->spans[i].cat;
	return BRON_CAT_COUNT;
}

bron_err redact_add(struct ctx *c, size_t start, size_t len,
                    enum bron_cat cat, size_t label)
{
	if (len == 0 || start + len > c->len || redact_taken(c, start, len))
		return BRON_OK;
	if (c->nspans == c->capspans) {
		size_t cap = c->capspans ? 2 * c->capspans : 64;
		struct span *s = realloc(c->spans, cap * sizeof(*s));
		if (!s)
			return BRON_E_NOMEM;
		c->spans = s;
		c->capspans = cap;
	}
	c->spans[c->nspans++] = (struct span){start, len, cat, label};
	memset(c->taken + start, 1, len);
	return BRON_OK;
}

/*
 * Replaces [start, start+len) as one item of cat, taking over the spans it
 * overlaps: a pseudonym inside an e-mail address or a link must not leave
 * the rest of the address readable around its label.  The region grows to
 * the spans it swallows.
 */
bron_err redact_claim(struct ctx *c, size_t start, size_t len,
                      enum bron_cat cat)
{
	size_t end = start + len, k;
	if (len == 0 || end > c->len)
		return BRON_OK;
	for (int grown = 1; grown;) {
		grown = 0;
		k = 0;
		for (size_t i = 0; i < c->nspans; i++) {
			const struct span s = c->spans[i];
			if (s.start < end && start < s.start + s.len) {
				grown |= s.start < start || s.start + s.len > end;
				start = s.start < start ? s.start : start;
				end = s.start + s.len > end ? s.start + s.len : end;
				continue;
			}
			c->spans[k++] = s;
		}
		c->nspans = k;
	}
	memset(c->taken + start, 0, end - start);
	return redact_add(c, start, end - start, cat, 0);
}

bron_err redact_suspect(struct ctx *c, size_t i)
{
	const struct tok *t = &c->toks[i];
	if (!t->flen || strmap_get(&c->suspects, redact_tfold(c, i), t->flen))
		return BRON_OK;
	if (strmap_put(&c->suspects, redact_tfold(c, i), t->flen, 1) != BRON_OK)
		return BRON_E_NOMEM;
	size_t n = t->len - t->poss;
	if (grow_secret(&c->sus, &c->suscap, c->suslen + n + 1) != 0)
		return BRON_E_NOMEM;
	memcpy(c->sus + c->suslen, c->text + t->start, n);
	c->suslen += n;
	c->sus[c->suslen++] = '\0';
	c->nsus++;
	return BRON_OK;
}

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* --- placeholders ------------------------------------------------------- */

/* "A", "B", ..., "Z", "AA", "AB", ... */
static void letters(size_t n, char out[16])
{
	char tmp[16];
	size_t k = 0;
	n++;
	while (n && k < sizeof(tmp) - 1) {
		n--;
		tmp[k++] = (char)('A' + n % 26);
		n /= 26;
	}
	for (size_t i = 0; i < k; i++)
		out[i] = tmp[k - 1 - i];
	out[k] = '\0';
}

/* Formats the placeholder text (without brackets); returns its length. */
static int format_label(const struct bron_redactor *r, const struct span *s,
                        size_t num, char *buf, size_t size)
{
	if (s->cat == BRON_CAT_PSEUDONYM) {
		const struct pseudonym *p = &r->names[s->label];
		if (p->label)
			return snprintf(buf, size, "[%s]", p->label);
		char l[16];
		letters(p->autono, l);
		char inner[64];
		snprintf(inner, sizeof(inner), _("Person %s"), l);
		return snprintf(buf, size, "[%s]", inner);
	}
	char inner[128];
#define CASE(cat, msg) \
	case cat: snprintf(inner, sizeof(inner), msg, num); break
	switch (s->cat) {
	CASE(BRON_CAT_PERSON, _("Person %zu"));
	CASE(BRON_CAT_PLACE, _("Place %zu"));
	CASE(BRON_CAT_ADDRESS, _("Address %zu"));
	CASE(BRON_CAT_INSTITUTION, _("Institution %zu"));
	CASE(BRON_CAT_DATE, _("Date %zu"));
	CASE(BRON_CAT_AGE, _("Age %zu"));
	CASE(BRON_CAT_PHONE, _("Phone %zu"));
	CASE(BRON_CAT_EMAIL, _("E-mail %zu"));
	CASE(BRON_CAT_URL, _("Link %zu"));
	CASE(BRON_CAT_BSN, _("BSN %zu"));
	CASE(BRON_CAT_IBAN, _("IBAN %zu"));
	CASE(BRON_CAT_POSTCODE, _("Postcode %zu"));
	CASE(BRON_CAT_PLATE, _("Licence plate %zu"));
	default:
		snprintf(inner, sizeof(inner), "%zu", num);
	}
#undef CASE
	return snprintf(buf, size, "[%s]", inner);
}

/*
 * The key under which a span's placeholder number is kept: the category,
 * then the folded original.  Numbers keep only letters and digits, so that
 * "06-12345678" and "06 1234 5678" are one phone; other text has its
 * spaces and full stops squeezed.
 */
static size_t span_key(const struct ctx *c, const struct span *s, char *key)
{
	char *f = key + 2;
	size_t n = bron_fold(c->text + s->start, s->len, f), k = 0;
	int compact = s->cat >= BRON_CAT_PHONE && s->cat != BRON_CAT_EMAIL &&
	              s->cat != BRON_CAT_URL;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)f[i];
		int alnum = (ch | 32) >= 'a' && (ch | 32) <= 'z';
		alnum |= is_digit(ch) || ch >= 0x80;
		if (compact && !alnum)
			continue;
		if (!compact && (ch == ' ' || ch == '\n' || ch == '\t' || ch == '.')) {
			if (k && f[k - 1] != ' ')
				f[k++] = ' ';
			continue;
		}
		f[k++] = (char)ch;
	}
	while (k && f[k - 1] == ' ')
		k--;
	key[0] = (char)('a' + s->cat);
	key[1] = ':';
	return k + 2;
}

/* The number of a span's original, handing out the next one if new. */
static bron_err number_of(struct ctx *c, const struct span *s, size_t *num)
{
	struct bron_redactor *r = c->r;
	char *key = malloc(s->len + 3);
	if (!key)
		return BRON_E_NOMEM;
	size_t klen = span_key(c, s, key);
	bron_err e = BRON_OK;
	size_t *have = strmap_get(&r->placeholders, key, klen);
	if (have) {
		*num = *have;
		goto out;
	}
	/* "Jan de Vries" and a later (or earlier) "Jan" are one person */
	size_t found = 0;
	if (s->cat == BRON_CAT_PERSON)
		for (size_t i = 2; i < klen && !found;) {
			size_t j = i;
			while (j < klen && key[j] != ' ')
				j++;
			char part[LEX_KEY_MAX + 3];
			if (j - i >= 2 && j - i <= LEX_KEY_MAX &&
			    !(bron_lex_find(key + i, j - i) & LEX_PARTICLE)) {
				part[0] = key[0];
				part[1] = ':';
				memcpy(part + 2, key + i, j - i);
				size_t *p = strmap_get(&r->placeholders, part, j - i + 2);
				if (p)
					found = *p;
				sodium_memzero(part, sizeof(part));
			}
			i = j + 1;
		}
	*num = found ? found : ++r->next[s->cat];
	e = strmap_put(&r->placeholders, key, klen, *num);
	if (e == BRON_OK && s->cat == BRON_CAT_PERSON && memchr(key, ' ', klen))
		for (size_t i = 2; i < klen && e == BRON_OK;) {
			size_t j = i;
			while (j < klen && key[j] != ' ')
				j++;
			char part[LEX_KEY_MAX + 3];
			if (j - i >= 2 && j - i <= LEX_KEY_MAX &&
			    !(bron_lex_find(key + i, j - i) & LEX_PARTICLE)) {
				part[0] = key[0];
				part[1] = ':';
				memcpy(part + 2, key + i, j - i);
				if (!strmap_get(&r->placeholders, part, j - i + 2))
					e = strmap_put(&r->placeholders, part, j - i + 2, *num);
				sodium_memzero(part, sizeof(part));
			}
			i = j + 1;
		}
out:
	sodium_memzero(key, s->len + 3);
	free(key);
	return e;
}

static bron_err write_output(struct ctx *c, struct bron_redaction *out)
{
	if (c->nspans)
		qsort(c->spans, c->nspans, sizeof(*c->spans), cmp_span);
	size_t *nums = calloc(c->nspans ? c->nspans : 1, sizeof(size_t));
	if (!nums)
		return BRON_E_NOMEM;
	size_t total = c->len;
	bron_err e = BRON_OK;
	for (size_t i = 0; i < c->nspans && e == BRON_OK; i++) {
		if (c->spans[i].cat != BRON_CAT_PSEUDONYM)
			e = number_of(c, &c->spans[i], &nums[i]);
		int n = format_label(c->r, &c->spans[i], nums[i], NULL, 0);
		total = total - c->spans[i].len + (size_t)(n > 0 ? n : 0);
	}
	if (e != BRON_OK) {
		free(nums);
		return e;
	}
	out->text = malloc(total + 1);
	out->repl = calloc(c->nspans ? c->nspans : 1, sizeof(*out->repl));
	if (!out->text || !out->repl) {
		free(nums);
		return BRON_E_NOMEM;
	}
	size_t o = 0, at = 0;
	for (size_t i = 0; i < c->nspans; i++) {
		const struct span *s = &c->spans[i];
		memcpy(out->text + o, c->text + at, s->start - at);
		o += s->start - at;
		int n = format_label(c->r, s, nums[i], out->text + o, total + 1 - o);
		out->repl[i] = (struct bron_replacement){s->start, s->len, o,
		                                         (size_t)n, s->cat};
		o += (size_t)n;
		at = s->start + s->len;
		c->r->counts[s->cat]++;
	}
	memcpy(out->text + o, c->text + at, c->len - at);
	o += c->len - at;
	out->text[o] = '\0';
	out->len = o;
	out->nrepl = c->nspans;
	free(nums);
	return BRON_OK;
}

/* --- the whole ---------------------------------------------------------- */

static void ctx_release(struct ctx *c)
{
	free(c->toks);
	if (c->fold) {
		sodium_memzero(c->fold, c->len + 1);
		free(c->fold);
	}
	free(c->taken);
	free(c->spans);
	strmap_release(&c->suspects);
	strmap_release(&c->names);
	if (c->sus) {
		sodium_memzero(c->sus, c->suscap);
		free(c->sus);
	}
}

bron_err bron_redact(struct bron_redactor *r, const char *text, size_t len,
                     struct bron_redaction *out, struct bron_error *err)
{
	if (!r || !out || (!text && len))
		return bron_fail(err, BRON_E_INVALID, _("nothing to redact"));
	if (len > UINT32_MAX / 2)
		return bron_fail(err, BRON_E_INVALID, _("text too long to redact"));
	memset(out, 0, sizeof(*out));
	struct ctx c = {.r = r, .text = text ? text : "", .len = len};
	bron_err e = BRON_E_NOMEM;
	c.fold = malloc(len + 1);
	c.taken = calloc(len + 1, 1);
	if (!c.fold || !c.taken)
		goto fail;
	if ((e = tokenize(&c)) != BRON_OK)
		goto fail;
	c.lang = r->lang != BRON_LANG_AUTO ? (int)r->lang : detect_lang(&c);
	if ((e = redact_pseudonyms(&c)) != BRON_OK ||
	    (e = redact_patterns(&c)) != BRON_OK ||
	    (e = redact_names(&c)) != BRON_OK ||
	    (e = redact_years(&c)) != BRON_OK ||
	    (e = redact_ages(&c)) != BRON_OK ||
	    (e = write_output(&c, out)) != BRON_OK)
		goto fail;
	if (c.nsus) {
		out->suspects = c.sus;
		out->suspects_len = c.suslen;
		out->nsuspects = c.nsus;
		/* hand over exactly suslen bytes: wipe the unused rest now */
		sodium_memzero(c.sus + c.suslen, c.suscap - c.suslen);
		c.sus = NULL;
	}
	ctx_release(&c);
	return BRON_OK;
fail:
	ctx_release(&c);
	bron_redaction_free(out);
	return bron_fail(err, e, _("out of memory redacting text"));
}

void bron_redaction_free(struct bron_redaction *out)
{
	if (!out)
		return;
	if (out->text) {
		sodium_memzero(out->text, out->len);
		free(out->text);
	}
	if (out->repl) {
		sodium_memzero(out->repl, out->nrepl * sizeof(*out->repl));
		free(out->repl);
	}
	if (out->suspects) {
		sodium_memzero(out->suspects, out->suspects_len);
		free(out->suspects);
	}
	memset(out, 0, sizeof(*out));
}
