/*
 * redact_names.c - names: the author's pseudonyms, and the people, places,
 * streets and institutions the word lists and cue words point at; and ages.
 *
 * A capitalised word inside a sentence is a name unless the lists know it
 * only as an ordinary word ("Hoop" - then it is a suspect, shown to the
 * author) or as a safe term (UWV, Nederland, maandag, God).  At the start
 * of a sentence a capital proves nothing: a word the lists know in lower
 * case is taken for a name only when it is also a known name and the text
 * uses it as a name elsewhere, or a surname or a verb follows ("Roos zei").
 * Cue words decide the kind: "in"/"uit" before a place, "mevrouw" before a
 * person, "basisschool" before an institution, "-straat" ending a street.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "bron/text.h"
#include "redact_int.h"
#include "redact_lex.h"
#include "banned.h"

/* --- pseudonyms ----------------------------------------------------------- */

static bron_err put_variant(struct bron_redactor *r, const char *key,
                            size_t len, size_t index, int full)
{
	if (len < 2)
		return BRON_OK;
	/* a name the lists know as a word ("Roos") must be written with a
	 * capital; check each word that is not a particle */
	int needs_cap = 1;
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && key[j] != ' ')
			j++;
		uint32_t f = bron_lex_find(key + i, j - i);
		if (!(f & LEX_PARTICLE) && !(f & (LEX_LOW_NL | LEX_LOW_EN)))
			needs_cap = 0;
		i = j + 1;
	}
	size_t val = index * 4 + (size_t)full * 2 + (size_t)needs_cap;
	size_t *have = strmap_get(&r->variants, key, len);
	if (have && (*have & 2))
		return BRON_OK; /* another pseudonym's full name stays */
	if (have && !full)
		return BRON_OK;
	bron_err e = strmap_put(&r->variants, key, len, val);
	if (e != BRON_OK)
		return e;
	size_t words = 1, first = len;
	for (size_t i = 0; i < len; i++)
		if (key[i] == ' ') {
			words++;
			if (first == len)
				first = i;
		}
	if (words > r->maxwords)
		r->maxwords = words;
	return strmap_put(&r->firsts, key, first, 1);
}

static int vowel(char ch)
{
	return ch && strchr("aeiouy", ch);
}

/* Jan: Jantje, Janneke...; Kees: Keesje; Tim: Timmetje; Anna: Annaatje. */
static bron_err put_diminutives(struct bron_redactor *r, const char *w,
                                size_t n, size_t index)
{
	if (n < 2 || n > 60)
		return BRON_OK;
	char buf[80];
	char last = w[n - 1];
	static const char *const ends[] = {"tje", "je", "pje", "etje", "'tje",
	                                   "ke", "eke", "tjes", "jes", NULL};
	bron_err e = BRON_OK;
	for (size_t k = 0; ends[k] && e == BRON_OK; k++) {
		size_t el = strlen(ends[k]);
		memcpy(buf, w, n);
		memcpy(buf + n, ends[k], el);
		e = put_variant(r, buf, n + el, index, 0);
	}
	if (e == BRON_OK && !vowel(last)) { /* Tim: Timmetje, Jan: Janneke */
		memcpy(buf, w, n);
		buf[n] = last;
		memcpy(buf + n + 1, "etje", 4);
		e = put_variant(r, buf, n + 5, index, 0);
		if (e == BRON_OK) {
			memcpy(buf + n + 1, "eke", 3);
			e = put_variant(r, buf, n + 4, index, 0);
		}
	}
	if (e == BRON_OK && vowel(last) && last != 'e') { /* Anna: Annaatje */
		memcpy(buf, w, n);
		buf[n] = last;
		memcpy(buf + n + 1, "tje", 3);
		e = put_variant(r, buf, n + 4, index, 0);
	}
	if (e == BRON_OK && n > 3 && !memcmp(w + n - 2, "ng", 2)) { /* -inkje */
		memcpy(buf, w, n - 1);
		memcpy(buf + n - 1, "kje", 3);
		e = put_variant(r, buf, n + 2, index, 0);
	}
	sodium_memzero(buf, sizeof(buf));
	return e;
}

bron_err redact_name_variants(struct bron_redactor *r, const char *name,
                              size_t index)
{
	size_t n = strlen(name);
	char *fold = malloc(n + 1), *key = malloc(n + 2);
	size_t ws[32], we[32], nw = 0;
	bron_err e = BRON_E_NOMEM;
	if (!fold || !key)
		goto out;
	size_t fl = bron_fold(name, n, fold);
	/* words, split at spaces; initials and full stops are left out */
	for (size_t i = 0; i < fl && nw < 32;) {
		while (i < fl && (fold[i] == ' ' || fold[i] == '\t' || fold[i] == '.' ||
		                  fold[i] == ','))
			i++;
		size_t s = i;
		while (i < fl && fold[i] != ' ' && fold[i] != '\t' && fold[i] != '.' &&
		       fold[i] != ',')
			i++;
		if (i > s && !(i - s == 1 && i < fl && fold[i] == '.')) {
			ws[nw] = s;
			we[nw++] = i;
		}
	}
	e = BRON_OK;
	if (nw == 0)
		goto out;
#define JOIN(a, b)                                                   \
	do {                                                         \
		size_t k_ = 0;                                       \
		for (size_t w_ = (a); w_ < (b); w_++) {              \
			if (k_)                                      \
				key[k_++] = ' ';                     \
			memcpy(key + k_, fold + ws[w_], we[w_] - ws[w_]); \
			k_ += we[w_] - ws[w_];                       \
		}                                                    \
		klen = k_;                                           \
	} while (0)
	size_t klen;
	JOIN(0, nw);
	e = put_variant(r, key, klen, index, 1);
	/* where the surname starts: the first particle, else the last word */
	size_t sur = nw == 1 ? 1 : nw - 1;
	for (size_t w = 1; w < nw; w++)
		if (bron_lex_find(fold + ws[w], we[w] - ws[w]) & LEX_PARTICLE) {
			sur = w;
			break;
		}
	for (size_t w = 0; w < sur && e == BRON_OK; w++) {
		e = put_variant(r, fold + ws[w], we[w] - ws[w], index, nw == 1);
		if (e == BRON_OK && w == 0)
			e = put_diminutives(r, fold + ws[w], we[w] - ws[w], index);
	}
	if (e == BRON_OK && sur > 1) {
		JOIN(0, sur);
		e = put_variant(r, key, klen, index, 0);
	}
	if (e == BRON_OK && sur < nw) {
		JOIN(sur, nw);
		e = put_variant(r, key, klen, index, 0);
		size_t core = sur;
		while (core < nw - 1 &&
		       (bron_lex_find(fold + ws[core], we[core] - ws[core]) & LEX_PARTICLE))
			core++;
		if (e == BRON_OK && core > sur) {
			JOIN(core, nw);
			e = put_variant(r, key, klen, index, 0);
		}
	}
#undef JOIN
out:
	if (fold) {
		sodium_memzero(fold, n + 1);
		free(fold);
	}
	if (key) {
		sodium_memzero(key, n + 2);
		free(key);
	}
	return e;
}

/* The variant value for tokens i..i+n-1, or 0; *whole when the last token
 * needed its genitive s dropped. */
static size_t match_at(struct ctx *c, size_t i, size_t n, int *whole)
{
	char key[256] = "";
	size_t k = 0;
	for (size_t j = i; j < i + n; j++) {
		const struct tok *t = &c->toks[j];
		if (t->kind != T_WORD || !t->flen || (j > i && t->gap != G_SPACE) ||
		    k + t->flen + 1 > sizeof(key))
			return 0;
		if (j > i)
			key[k++] = ' ';
		memcpy(key + k, redact_tfold(c, j), t->flen);
		k += t->flen;
	}
	const struct tok *last = &c->toks[i + n - 1];
	size_t *v = strmap_get(&c->r->variants, key, k);
	*whole = 0;
	if (!v && k > 2 && key[k - 1] == 's' && !last->poss) {
		v = strmap_get(&c->r->variants, key, k - 1); /* "Johans" */
		*whole = 1;
	}
	sodium_memzero(key, sizeof(key));
	if (!v || ((*v & 1) && !last->cap))
		return 0;
	return *v + 4; /* never 0 */
}

bron_err redact_pseudonyms(struct ctx *c)
{
	struct bron_redactor *r = c->r;
	if (!r->nnames)
		return BRON_OK;
	for (size_t i = 0; i < c->ntoks; i++) {
		const struct tok *t = &c->toks[i];
		if (t->kind != T_WORD || !t->flen)
			continue;
		const char *f = redact_tfold(c, i);
		if (!strmap_get(&r->firsts, f, t->flen) &&
		    !(t->flen > 2 && f[t->flen - 1] == 's' &&
		      strmap_get(&r->firsts, f, t->flen - 1u)))
			continue;
		size_t most = r->maxwords < c->ntoks - i ? r->maxwords : c->ntoks - i;
		for (size_t n = most; n >= 1; n--) {
			int whole;
			size_t v = match_at(c, i, n, &whole);
			if (!v)
				continue;
			size_t first = i;
			/* initials before a surname: "J. de Vries", "J.P. Bakker" */
			while (first > 0 && c->toks[first].gap == G_DOT &&
			       c->toks[first - 1].len == 1 && c->toks[first - 1].cap)
				first--;
			const struct tok *l = &c->toks[i + n - 1];
			size_t start = c->toks[first].start;
			size_t end = l->start + l->len - (whole ? 0 : l->poss);
			bron_err e = redact_add(c, start, end - start,
			                        BRON_CAT_PSEUDONYM, (v - 4) / 4);
			if (e != BRON_OK)
				return e;
			i += n - 1;
			break;
		}
	}
	return BRON_OK;
}

static int fold_is(const struct ctx *c, size_t i, const char *w)
{
	const struct tok *t = &c->toks[i];
	return t->kind == T_WORD && t->flen && redact_tfold(c, i)[0] == w[0] &&
	       t->flen == strlen(w) && !memcmp(redact_tfold(c, i), w, t->flen);
}

static int fold_in(const struct ctx *c, size_t i, const char *const *set)
{
	for (; *set; set++)
		if (fold_is(c, i, *set))
			return 1;
	return 0;
}

/* --- word classes ------------------------------------------------------- */

enum { C_NONE, C_NAME, C_AMBIG, C_WORD, C_SAFE, C_TITLE, C_PART, C_KEY,
       C_INST, C_ACRO };

static uint32_t low_mask(const struct ctx *c)
{
	return c->lang == BRON_LANG_NL ? LEX_LOW_NL
	     : c->lang == BRON_LANG_EN ? LEX_LOW_EN : LEX_LOW_NL | LEX_LOW_EN;
}

static int is_word(struct ctx *c, const char *f, size_t n)
{
	return n && (bron_lex_find(f, n) & low_mask(c));
}

/* "Aanbestedingsprocedures": two known words (with a linking s or e). */
static int compound(struct ctx *c, size_t i)
{
	const char *f = redact_tfold(c, i);
	size_t n = c->toks[i].flen;
	if (n < 8)
		return 0;
	for (size_t k = 3; k + 3 <= n; k++)
		if (is_word(c, f + k, n - k) &&
		    (is_word(c, f, k) ||
		     (k > 4 && (f[k - 1] == 's' || f[k - 1] == 'e') &&
		      is_word(c, f, k - 1))))
			return 1;
	/* plurals and inflections of known words: -s, -en, -e */
	return is_word(c, f, n - 1) || is_word(c, f, n - 2);
}

static int classify(struct ctx *c, size_t i)
{
	const struct tok *t = &c->toks[i];
	if (t->kind != T_WORD || !t->cap || t->len < 2 || !t->flen)
		return C_NONE;
	uint32_t f = redact_tflags(c, i);
	if (f & (LEX_SAFE | LEX_GEO))
		return C_SAFE;
	if (f & LEX_INST)
		return C_INST;
	if (f & LEX_TITLE)
		return C_TITLE;
	if (f & LEX_PARTICLE)
		return C_PART;
	if (f & (LEX_INSTKEY | LEX_INSTPOST | LEX_STREET))
		return C_KEY;
	if (t->cap == 2)
		return C_ACRO;
	int word = (f & low_mask(c)) != 0;
	int prop = (f & (LEX_PROP_NL | LEX_PROP_EN)) != 0;
	const char *fo = redact_tfold(c, i);
	/* "I'm", "I'll": the English pronoun with its verb glued on */
	if (t->flen >= 3 && t->flen <= 6 && fo[0] == 'i' &&
	    (fo[1] == '\'' || (unsigned char)fo[1] == 0xe2) &&
	    c->lang != BRON_LANG_NL)
		return C_WORD;
	const char *dash = memchr(fo, '-', t->flen);
	if (!word && !dash && t->flen >= 8) {
		/* "Facebookgroep", "Whatsappgroep": a platform and a word */
		for (size_t k = 4; k + 4 <= t->flen; k++)
			if ((bron_lex_find(fo, k) & LEX_SAFE) &&
			    is_word(c, fo + k, t->flen - k))
				return C_WORD;
	}
	if (!f && dash) {
		/* "NS-kaartjes", "COVID-patiënten": the last part is a word */
		const char *last = fo + t->flen;
		while (last > fo && last[-1] != '-')
			last--;
		if (is_word(c, last, (size_t)(fo + t->flen - last)))
			return C_WORD;
	}
	if (t->sent) {
		if (word)
			return prop ? C_AMBIG : C_WORD;
		if (!f && compound(c, i))
			return C_WORD;
		return C_NAME;
	}
	return !word || prop ? C_NAME : C_WORD;
}

static const char *const street_ends[] = {
        "straat", "laan", "weg", "plein", "gracht", "kade", "dijk", "singel",
        "steeg", "pad", "hof", "dreef", "markt", "wal", "plantsoen",
        "boulevard", "allee", "baan", "erf", "burgwal", "haven", "straatweg",
        "dam", "kanaal", "park", "ring", "veld", "akker", "hoek", "oord",
        "polder", "wetering", "vaart", NULL};

/* A word that ends like a Dutch street name: "Kerkstraat". */
static int street_word(const struct ctx *c, size_t i)
{
	const struct tok *t = &c->toks[i];
	if (t->kind != T_WORD || !t->flen)
		return 0;
	const char *f = redact_tfold(c, i);
	size_t fl = t->flen;
	/* "Ringbaan-West", "Parallelweg-Zuid" */
	const char *dash = memchr(f, '-', fl);
	if (dash) {
		static const char *const side[] = {"noord", "zuid", "oost", "west",
		                                   NULL};
		const char *last = dash + 1;
		for (size_t k = 0; side[k]; k++)
			if (strlen(side[k]) == (size_t)(f + fl - last) &&
			    !memcmp(side[k], last, strlen(side[k])))
				fl = (size_t)(dash - f);
	}
	for (size_t k = 0; street_ends[k]; k++) {
		size_t sl = strlen(street_ends[k]);
		/* the commoner endings only; the rest need a house number */
		if (k >= 22 && !(i + 1 < c->ntoks && c->toks[i + 1].kind == T_NUM))
			continue;
		if (fl >= sl + 3 && !memcmp(f + fl - sl, street_ends[k], sl))
			return 1;
	}
	return 0;
}

/* The house number after a street: "12", "12a", "12-3", "12 bis". */
static size_t house_number(struct ctx *c, size_t i)
{
	size_t j = i + 1;
	if (j >= c->ntoks || c->toks[j].kind != T_NUM || c->toks[j].gap != G_SPACE ||
	    c->toks[j].len > 5)
		return i;
	size_t end = j;
	const unsigned char *p = (const unsigned char *)c->text;
	if (j + 1 < c->ntoks && c->toks[j + 1].kind == T_WORD &&
	    c->toks[j + 1].gap == G_GLUE && c->toks[j + 1].len <= 2)
		end = j + 1; /* 12a, 12hs */
	else if (j + 1 < c->ntoks && c->toks[j + 1].kind == T_NUM &&
	         c->toks[j + 1].len <= 3 &&
	         c->toks[j + 1].start == c->toks[j].start + c->toks[j].len + 1 &&
	         p[c->toks[j].start + c->toks[j].len] == '-')
		end = j + 1; /* 60-12, 03-17 */
	if (end + 1 < c->ntoks && c->toks[end + 1].gap == G_SPACE &&
	    (fold_is(c, end + 1, "bis") || fold_is(c, end + 1, "hs") ||
	     fold_is(c, end + 1, "zw") || fold_is(c, end + 1, "rd")))
		end++; /* 45 bis, 12 hs */
	return end;
}

static bron_err add_range(struct ctx *c, size_t a, size_t b, enum bron_cat cat)
{
	size_t start = c->toks[a].start;
	size_t end = c->toks[b].start + c->toks[b].len - c->toks[b].poss;
	if (c->toks[b].kind == T_NUM)
		end = c->toks[b].start + c->toks[b].len;
	return redact_add(c, start, end - start, cat, 0);
}

static int particle(struct ctx *c, size_t i)
{
	return c->toks[i].kind == T_WORD && (redact_tflags(c, i) & LEX_PARTICLE);
}

static int article(const struct ctx *c, size_t i)
{
	const struct tok *t = &c->toks[i];
	const char *f = redact_tfold(c, i);
	return (t->flen == 2 && !memcmp(f, "de", 2)) ||
	       (t->flen == 3 && !memcmp(f, "het", 3)) ||
	       (t->flen == 2 && !memcmp(f, "'t", 2)) ||
	       (t->flen == 3 && !memcmp(f, "the", 3));
}

/* Words that start street names after people and saints. */
static int street_prefix(const struct ctx *c, size_t i)
{
	static const char *const w[] = {"sint", "burgemeester", "dokter",
	                                "professor", "koningin", "koning", "prins",
	                                "prinses", "graaf", "gravin", "generaal",
	                                "pastoor", "kardinaal", "president",
	                                "admiraal", "kapitein", "nieuwe", "oude",
	                                "korte", "lange", "kromme", "hoge", "lage",
	                                "kleine", "grote", "noorder", "zuider",
	                                "ooster", "wester", "st", NULL};
	return fold_in(c, i, w);
}

/*
 * Extends a street or institution name left from token i over capitalised
 * words and the particles between them: "Burgemeester de Withstraat".
 * Returns the first token; an article at the start is left out.
 */
static size_t extend_left(struct ctx *c, size_t i, size_t max)
{
	size_t a = i;
	while (a > 0 && i - a < max && c->toks[a].gap == G_SPACE) {
		size_t p = a - 1;
		const struct tok *t = &c->toks[p];
		if (t->kind != T_WORD || c->taken[t->start])
			break;
		uint32_t f = redact_tflags(c, p);
		if (t->cap && c->toks[a].kind == T_WORD && street_prefix(c, p)) {
			a = p; /* "Sint Annastraat", "Burgemeester Kuperusplein" */
			continue;
		}
		if (f & (LEX_SAFE | LEX_PREP | LEX_WEAKPREP | LEX_TITLE))
			break;
		if (t->cap && !(t->sent && (f & low_mask(c)) && !(f & LEX_PARTICLE)))
			a = p;
		else if (particle(c, p) && p > 0 && c->toks[p - 1].cap &&
		         c->toks[p].gap == G_SPACE &&
		         !(c->toks[p - 1].sent &&
		           (redact_tflags(c, p - 1) & low_mask(c))))
			a = p;
		else
			break;
	}
	while (a < i && article(c, a))
		a++;
	return a;
}

/*
 * A street whose name has no street ending, known by where it stands:
 * "aan de Zuideinde 32", "Kempenaar 03-17, 8242 CR", "..., Rapenburg 61."
 * Returns the last word of the name, or i + 1 when it is none.
 */
static size_t street_by_context(struct ctx *c, size_t i)
{
	size_t z = i;
	/* up to three capitalised words: "Kromme Nieuwegracht" */
	while (z + 1 < c->ntoks && z - i < 2 && c->toks[z + 1].kind == T_WORD &&
	       c->toks[z + 1].cap && c->toks[z + 1].gap == G_SPACE)
		z++;
	int sent_word = 0;
	for (size_t j = i; j <= z; j++) {
		uint32_t f = redact_tflags(c, j);
		if ((f & (LEX_SAFE | LEX_GEO | LEX_TITLE | LEX_INST | LEX_INSTKEY |
		          LEX_INSTPOST | LEX_PARTICLE | LEX_UNIT)) ||
		    c->taken[c->toks[j].start])
			return i + 1;
		sent_word |= c->toks[j].sent && (f & low_mask(c));
	}
	size_t b = house_number(c, z);
	if (b == z)
		return i + 1;
	/* "Kempenaar 03-17, 8242 CR Lelystad" */
	if (b + 1 < c->ntoks && c->toks[b + 1].gap <= G_COMMA &&
	    redact_cat_at(c, c->toks[b + 1].start) == BRON_CAT_POSTCODE)
		return z;
	if (sent_word)
		return i + 1;
	/* "aan de Zuideinde 32" */
	if (i >= 2 && c->toks[i].gap == G_SPACE && fold_is(c, i - 2, "aan") &&
	    article(c, i - 1))
		return z;
	/* "bij wie ze slaapt, Rapenburg 61." */
	uint32_t f = redact_tflags(c, i);
	if (c->toks[i].gap == G_COMMA && (!(f & low_mask(c)) || (f & LEX_PROP_NL)) &&
	    (b + 1 >= c->ntoks || c->toks[b + 1].gap >= G_COMMA))
		return z;
	return i + 1;
}

/* Streets: "Kerkstraat 12", "de Dorpsstraat", "12 Baker Street". */
static bron_err find_streets(struct ctx *c)
{
	for (size_t i = 0; i < c->ntoks; i++) {
		struct tok *t = &c->toks[i];
		if (t->kind != T_WORD || c->taken[t->start] ||
		    !(t->cap || (i + 1 < c->ntoks && c->toks[i + 1].kind == T_NUM)))
			continue;
		size_t a = i, b = i;
		if (street_word(c, i)) {
			int num = house_number(c, i) != i;
			uint32_t f = redact_tflags(c, i);
			if (!num && (!t->cap || ((f & low_mask(c)) && !(f & LEX_PROP_NL))))
				continue;
			if (!t->cap && (f & low_mask(c)))
				continue;
			a = t->cap ? extend_left(c, i, 4) : i;
		} else if (t->cap && !t->sent && i > 0 &&
		           (redact_tflags(c, i) & LEX_STREET) &&
		           c->toks[i - 1].cap && c->toks[i].gap == G_SPACE) {
			a = extend_left(c, i, 3);
			if (a == i)
				continue;
		} else if (t->cap && i > 0 && c->toks[i].gap == G_SPACE &&
		           c->toks[i - 1].cap && street_prefix(c, i - 1) &&
		           fold_in(c, i, street_ends)) {
			a = extend_left(c, i, 3); /* "Nieuwe Haven", "Oude Gracht" */
		} else if (t->cap && (a = street_by_context(c, i)) != i + 1) {
			size_t s = a;
			a = i;
			i = s; /* the last word of the name */
		} else {
			continue;
		}
		b = house_number(c, i);
		/* "12 Baker Street" */
		if (a > 0 && c->toks[a - 1].kind == T_NUM && c->toks[a].gap == G_SPACE &&
		    c->toks[a - 1].len <= 4 && !c->taken[c->toks[a - 1].start] &&
		    (redact_tflags(c, i) & LEX_STREET))
			a--;
		bron_err e = add_range(c, a, b, BRON_CAT_ADDRESS);
		if (e != BRON_OK)
			return e;
		i = b;
	}
	return BRON_OK;
}

/* Endings of compounds that name an institution: "Kredietbank",
 * "Diakonessenhuis", "Stadsschouwburg", "Installatietechniek". */
static const char *const inst_ends[] = {
        "ziekenhuis", "gasthuis", "huis", "kliniek", "school", "college",
        "centrum", "bank", "bureau", "techniek", "schouwburg", "theater",
        "hallen", "opvang", "zorg", "kerk", "moskee", "instituut", "academie",
        "stichting", "praktijk", "apotheek", "bad", "groep", "bedrijf",
        "kantoor", NULL};

static int inst_suffix(struct ctx *c, size_t i)
{
	const struct tok *t = &c->toks[i];
	if (t->kind != T_WORD || !t->flen || (redact_tflags(c, i) & LEX_SAFE))
		return 0;
	const char *f = redact_tfold(c, i);
	/* "Alfa-college", "Sint-Jozefschool"; not "Teams-groep" */
	const char *dash = memchr(f, '-', t->flen);
	if (dash) {
		const char *last = f + t->flen;
		while (last[-1] != '-')
			last--;
		uint32_t g = bron_lex_find(last, (size_t)(f + t->flen - last));
		return (g & (LEX_INSTKEY | LEX_INSTPOST)) &&
		       !(bron_lex_find(f, (size_t)(dash - f)) & LEX_SAFE);
	}
	for (size_t k = 0; inst_ends[k]; k++) {
		size_t sl = strlen(inst_ends[k]);
		/* not "Facebookgroep": a platform's own group */
		if (t->flen >= sl + 4 && !memcmp(f + t->flen - sl, inst_ends[k], sl))
			return !(bron_lex_find(f, t->flen - sl) & LEX_SAFE);
	}
	return 0;
}

/* A run of capitals that names nothing the lists know: "VDL", "CSU". */
static int acronym(struct ctx *c, size_t i)
{
	const struct tok *t = &c->toks[i];
	if (t->kind != T_WORD || t->cap != 2 || t->len < 2 || t->len > 6 ||
	    t->poss)
		return 0;
	uint32_t f = redact_tflags(c, i);
	return !(f & (LEX_SAFE | LEX_GEO | LEX_TITLE | LEX_PARTICLE | LEX_UNIT |
	              low_mask(c)));
}

/* Token j follows a capitalised word across " & " and is capitalised
 * itself: "Hoens & Partners", "Marks & Spencer". */
static int ampersand(const struct ctx *c, size_t j)
{
	const struct tok *p = &c->toks[j - 1], *t = &c->toks[j];
	size_t e = p->start + p->len;
	return t->gap == G_COMMA && p->cap && t->cap && t->start == e + 3 &&
	       !memcmp(c->text + e, " & ", 3);
}

/* "Christelijk Lyceum", "Katholieke Universiteit", "Catholic High": the
 * faith a school or hospital has in its name, which alone is kept. */
static int faith_adjective(const struct ctx *c, size_t i)
{
	static const char *const w[] = {
	        "christelijk", "christelijke", "katholiek", "katholieke",
	        "rooms-katholieke", "protestants", "protestantse",
	        "gereformeerd", "gereformeerde", "hervormd", "hervormde",
	        "islamitisch", "islamitische", "joods", "joodse", "evangelisch",
	        "evangelische", "catholic", "christian", "jewish", "islamic",
	        "methodist", "baptist", "anglican", NULL};
	return c->toks[i].cap && fold_in(c, i, w);
}

/* Legal forms written in lower case after a name: "Kompas vzw". */
static int legal_form(const struct ctx *c, size_t i)
{
	static const char *const w[] = {"vzw", "bv", "nv", "asbl", "vof",
	                                "ltd", NULL};
	return fold_in(c, i, w);
}

/*
 * The name after an institution word at i: capitalised words, the particles
 * between them, and a region or country at the end ("Kredietbank
 * Nederland", "CAW Oost-Vlaanderen").  Returns the last token, or i.
 */
static size_t name_after(struct ctx *c, size_t i)
{
	size_t j = i + 1, b = i;
	uint32_t f = redact_tflags(c, i);
	if (j + 1 < c->ntoks && c->toks[j].gap == G_SPACE &&
	    !c->toks[j].cap && c->toks[j + 1].cap &&
	    (fold_is(c, j, "van") || fold_is(c, j, "of") || fold_is(c, j, "voor")) &&
	    (f & LEX_INSTPOST))
		j++; /* "Universiteit van Amsterdam" */
	while (j < c->ntoks && (c->toks[j].gap == G_SPACE || ampersand(c, j)) &&
	       c->toks[j].kind == T_WORD && !c->taken[c->toks[j].start]) {
		uint32_t g = redact_tflags(c, j);
		if (g & LEX_STREET)
			break;
		if ((g & (LEX_SAFE | LEX_GEO)) && !(g & LEX_PLACE) &&
		    !(g & LEX_PARTICLE)) {
			if (!(g & LEX_GEO) || (g & LEX_SAFE) || !c->toks[j].cap)
				break;
			b = j; /* "Stadsbank Oost Nederland" */
			j++;
			continue;
		}
		if (c->toks[j].cap)
			b = j;
		else if (!(particle(c, j) && j + 1 < c->ntoks &&
		           c->toks[j + 1].cap && b == j - 1))
			break;
		j++;
		if (c->toks[j - 1].poss)
			break;
	}
	return b;
}

/* Institutions: "basisschool De Regenboog", "Antonius Ziekenhuis",
 * "Universiteit van Amsterdam", "Albert Heijn", "VDL Nedcar". */
static bron_err find_institutions(struct ctx *c)
{
	for (size_t i = 0; i < c->ntoks; i++) {
		struct tok *t = &c->toks[i];
		if (t->kind != T_WORD || !t->flen || c->taken[t->start])
			continue;
		/* every case below needs a capital here or just after, or
		 * just before a legal form ("Kompas vzw") */
		if (!t->cap && !(i + 1 < c->ntoks && c->toks[i + 1].cap) &&
		    !legal_form(c, i))
			continue;
		uint32_t f = redact_tflags(c, i);
		bron_err e = BRON_OK;
		size_t a = i, b = i;
		if ((f & LEX_HEAD) && t->cap) {
			int done = 0;
			for (size_t n = 4; n >= 2 && !done; n--) {
				uint32_t g = redact_phrase(c, i, n);
				size_t last = i + n - 1;
				if (g & LEX_INST) {
					e = add_range(c, i, last, BRON_CAT_INSTITUTION);
					i = last;
					done = 1;
				} else if (g & (LEX_SAFE | LEX_GEO)) {
					/* "Veilig Thuis Hollands Midden" is one office of
					 * a service; "Veilig Thuis" alone stays */
					size_t z = last;
					while (z + 1 < c->ntoks && c->toks[z + 1].gap == G_SPACE &&
					       c->toks[z + 1].cap &&
					       !(redact_tflags(c, z + 1) & LEX_SAFE) &&
					       !c->taken[c->toks[z + 1].start])
						z++;
					if (z > last && (g & LEX_SAFE)) {
						e = add_range(c, i, z, BRON_CAT_INSTITUTION);
					} else {
						size_t s = t->start;
						size_t end = c->toks[last].start + c->toks[last].len;
						memset(c->taken + s, 1, end - s);
						z = last;
					}
					i = z;
					done = 1;
				}
			}
			if (e != BRON_OK)
				return e;
			if (done)
				continue;
		}
		if ((f & LEX_INST) && t->cap) {
			b = i;
			for (size_t n = 3; n >= 2 && !(b > i); n--)
				if (redact_phrase(c, i, n) & LEX_INST)
					b = i + n - 1;
			/* "Karakter", "Fier" opening a sentence are just words */
			if (b == i && t->sent && t->cap == 1 &&
			    (f & low_mask(c)) &&
			    !(i + 1 < c->ntoks && c->toks[i + 1].gap == G_SPACE &&
			      c->toks[i + 1].cap))
				continue;
			/* "Hema distributiecentrum", "Schiphol Group" */
			if (b + 1 < c->ntoks && c->toks[b + 1].gap == G_SPACE &&
			    (inst_suffix(c, b + 1) ||
			     (c->toks[b + 1].cap &&
			      (redact_tflags(c, b + 1) & LEX_INSTPOST))))
				b++;
			/* "Woonstad Rotterdam", "Age UK Leeds": the branch's town */
			if (b + 1 < c->ntoks && c->toks[b + 1].gap == G_SPACE &&
			    c->toks[b + 1].cap && !c->taken[c->toks[b + 1].start] &&
			    (redact_tflags(c, b + 1) & (LEX_PLACE | LEX_GEO)) &&
			    !(redact_tflags(c, b + 1) & (LEX_SAFE | low_mask(c))))
				b++;
			e = add_range(c, i, b, BRON_CAT_INSTITUTION);
			if (e != BRON_OK)
				return e;
			i = b;
			continue;
		}
		/* "Sterker sociaal werk": a name before a kind of work */
		if (t->cap && !t->sent && i + 2 < c->ntoks &&
		    c->toks[i + 1].gap == G_SPACE && c->toks[i + 2].gap == G_SPACE &&
		    (fold_is(c, i + 1, "sociaal") || fold_is(c, i + 1, "maatschappelijk")) &&
		    fold_is(c, i + 2, "werk") && !(f & (LEX_SAFE | LEX_GEO))) {
			e = add_range(c, i, i + 2, BRON_CAT_INSTITUTION);
			if (e != BRON_OK)
				return e;
			i += 2;
			continue;
		}
		/* "Het Dok", "Het Stedelijk Dalton": an article written with a
		 * capital inside a sentence starts a name, and Dutch surnames
		 * do not start with "Het" */
		if (t->cap == 1 && !t->sent && fold_is(c, i, "het") &&
		    i + 1 < c->ntoks && c->toks[i + 1].gap == G_SPACE &&
		    c->toks[i + 1].cap && !c->taken[c->toks[i + 1].start] &&
		    !(redact_tflags(c, i + 1) & (LEX_SAFE | LEX_GEO | LEX_TITLE))) {
			b = i + 1;
			while (b + 1 < c->ntoks && c->toks[b + 1].gap == G_SPACE &&
			       c->toks[b + 1].cap && !c->taken[c->toks[b + 1].start] &&
			       !(redact_tflags(c, b + 1) & (LEX_SAFE | LEX_STREET)))
				b++;
			e = add_range(c, i, b, BRON_CAT_INSTITUTION);
			if (e != BRON_OK)
				return e;
			i = b;
			continue;
		}
		/* "bij PME", "van het UZA": an unknown acronym where a place of
		 * work or care is named */
		if (acronym(c, i) && i > 0 && t->gap == G_SPACE && !t->sent &&
		    !(i + 1 < c->ntoks && c->toks[i + 1].gap == G_SPACE &&
		      c->toks[i + 1].cap) &&
		    (fold_is(c, i - 1, "bij") || fold_is(c, i - 1, "at") ||
		     (i > 1 && (fold_is(c, i - 1, "het") || fold_is(c, i - 1, "the")) &&
		      c->toks[i - 1].gap == G_SPACE &&
		      ((redact_tflags(c, i - 2) & (LEX_PREP | LEX_WEAKPREP)) ||
		       fold_is(c, i - 2, "van") || fold_is(c, i - 2, "bij"))))) {
			e = add_range(c, i, i, BRON_CAT_INSTITUTION);
			if (e != BRON_OK)
				return e;
			continue;
		}
		int suffix = t->cap && inst_suffix(c, i);
		int key = (f & LEX_INSTKEY) || suffix || acronym(c, i);
		int post = (t->cap && ((f & LEX_INSTPOST) || suffix)) ||
		           (legal_form(c, i) && i > 0 && c->toks[i - 1].cap);
		if (key && i + 1 < c->ntoks)
			b = name_after(c, i);
		if (post && i > 0 && c->toks[i - 1].cap && t->gap == G_SPACE) {
			a = extend_left(c, i, 4);
			/* "St. Mary's Hospital" */
			if (a > 1 && c->toks[a].gap == G_DOT &&
			    (redact_tflags(c, a - 1) & LEX_PARTICLE))
				a--;
			/* "Camden and Islington NHS Foundation Trust": a public
			 * body's acronym inside a name, with the name before it */
			if (a >= 2 && c->toks[a].gap == G_SPACE &&
			    c->toks[a - 1].cap == 2 && c->toks[a - 1].gap == G_SPACE &&
			    !c->taken[c->toks[a - 1].start] &&
			    (redact_tflags(c, a - 1) & LEX_SAFE)) {
				size_t z = extend_left(c, a - 1, 4);
				if (z < a - 1)
					a = z;
			}
		}
		/* "Christelijk Lyceum Zeist" */
		while (post && a > 0 && c->toks[a].gap == G_SPACE &&
		       !c->taken[c->toks[a - 1].start] && faith_adjective(c, a - 1))
			a--;
		/* "Oakwood Primary School": more endings after the first */
		while (post && b + 1 < c->ntoks && c->toks[b + 1].gap == G_SPACE &&
		       c->toks[b + 1].cap && !c->taken[c->toks[b + 1].start] &&
		       (redact_tflags(c, b + 1) & LEX_INSTPOST))
			b++;
		/* "Budget Bewind Twente": the branch's town or region */
		if (post && a < i && b + 1 < c->ntoks &&
		    c->toks[b + 1].gap == G_SPACE && c->toks[b + 1].cap &&
		    !c->taken[c->toks[b + 1].start] &&
		    (redact_tflags(c, b + 1) & (LEX_PLACE | LEX_GEO)) &&
		    !(redact_tflags(c, b + 1) & (LEX_SAFE | low_mask(c))))
			b++;
		/* "Gorse Hill Primary": the name before was claimed already */
		if (post && a == i && b == i && t->cap && i > 0 &&
		    t->gap == G_SPACE && c->toks[i - 1].cap &&
		    c->taken[c->toks[i - 1].start] &&
		    redact_cat_at(c, c->toks[i - 1].start) != BRON_CAT_COUNT) {
			e = add_range(c, i, i, BRON_CAT_INSTITUTION);
			if (e != BRON_OK)
				return e;
			continue;
		}
		/* "Stadsschouwburg", "Diakonessenhuis" on their own */
		if (a == i && b == i && !(suffix && !t->sent && !t->poss))
			continue;
		e = add_range(c, a, b, BRON_CAT_INSTITUTION);
		if (e != BRON_OK)
			return e;
		i = b;
	}
	return BRON_OK;
}

/* --- people and places ---------------------------------------------------- */

static int resolve_ambig(struct ctx *c, const uint8_t *cls, size_t i)
{
	if (strmap_get(&c->names, redact_tfold(c, i), c->toks[i].flen))
		return 1;
	if (i + 1 >= c->ntoks || c->toks[i + 1].gap != G_SPACE || c->toks[i].poss)
		return c->toks[i].poss != 0;
	size_t n = i + 1;
	if (cls[n] == C_NAME)
		return 1;
	static const char *const pron[] = {"het", "dat", "dit", "die", "wat",
	                                   "wie", "hij", "zij", "wij", "jij",
	                                   "men", "er", "he", "she", "it", "we",
	                                   "you", "they", "this", "that",
	                                   "what", "who", "his", "her", NULL};
	for (const char *const *w = pron; *w; w++)
		if (strlen(*w) == c->toks[i].flen &&
		    !memcmp(*w, redact_tfold(c, i), c->toks[i].flen))
			return 0;
	if (c->toks[n].kind == T_WORD && !c->toks[n].cap &&
	    (redact_tflags(c, n) & LEX_VERB))
		return 1;
	/* "Eva en ik", "Mark and I" */
	static const char *const me[] = {"ik", "i", "mijn", "my", "me", NULL};
	if ((fold_is(c, n, "en") || fold_is(c, n, "and")) && n + 1 < c->ntoks &&
	    fold_in(c, n + 1, me))
		return 1;
	return cls[n] == C_PART && n + 1 < c->ntoks && cls[n + 1] == C_NAME;
}

/* The kind of a name group a..b. */
static enum bron_cat group_kind(struct ctx *c, size_t a, size_t b, int titled)
{
	if (titled)
		return BRON_CAT_PERSON;
	int single = a == b;
	uint32_t f = redact_tflags(c, b);
	/* "Ter Horst" is a surname, "Den Haag" a place */
	int surname = particle(c, a) && !(fold_is(c, a, "den") && (f & LEX_PLACE));
	if (a > 0 && c->toks[a].gap == G_SPACE && !c->toks[b].poss) {
		uint32_t p = redact_tflags(c, a - 1);
		if (!c->toks[a - 1].cap && (p & LEX_PREP))
			return BRON_CAT_PLACE;
		/* "in het Vondelpark", "in de Pijp" */
		if (a >= 2 && article(c, a - 1) && !c->toks[a - 1].cap &&
		    (redact_tflags(c, a - 2) & LEX_PREP) && !surname)
			return BRON_CAT_PLACE;
		static const char *const moves[] = {
		        "moved", "move", "moving", "went", "drove", "flew",
		        "travelled", "traveled", "fled", "returned", "verhuisde",
		        "verhuisden", "verhuisd", "verhuizen", "reed", "reden",
		        "vloog", "vluchtte", "vluchtten", "vertrok", "vertrokken",
		        "ging", "gingen", "terug", NULL};
		int moved = 0;
		for (size_t k = a - 1; k > 0 && a - k <= 5 && !moved; k--) {
			moved = fold_in(c, k - 1, moves);
			if (c->toks[k].sent)
				break;
		}
		if (!c->toks[a - 1].cap && (p & LEX_WEAKPREP) && !surname &&
		    ((f & LEX_PLACE) || moved))
			return BRON_CAT_PLACE;
	}
	/* "1234 AB Utrecht" */
	if (a >= 2 && c->toks[a - 1].cap == 2 && c->toks[a - 1].len == 2 &&
	    c->toks[a - 2].kind == T_NUM && c->toks[a - 2].len == 4)
		return BRON_CAT_PLACE;
	if (single && (f & LEX_PLACE) && !(f & LEX_LOW_NL)) {
		int verb = b + 1 < c->ntoks && c->toks[b + 1].gap == G_SPACE &&
		           (redact_tflags(c, b + 1) & LEX_VERB);
		if (!verb)
			return BRON_CAT_PLACE;
	}
	return BRON_CAT_PERSON;
}

/* Particles from j on ("van", "van den", "Ter") and then a name. */
static int particles_then_name(struct ctx *c, const uint8_t *cls, size_t j)
{
	size_t k = j;
	while (k < c->ntoks && k - j < 3 && particle(c, k) &&
	       (k == j || c->toks[k].gap == G_SPACE))
		k++;
	return k > j && k < c->ntoks && c->toks[k].gap == G_SPACE &&
	       c->toks[k].cap && cls[k] != C_SAFE && cls[k] != C_TITLE &&
	       cls[k] != C_KEY && !c->taken[c->toks[k].start];
}

/*
 * A word with a capital inside a sentence, right after a preposition that
 * names where someone works, is treated or is sent ("naar Atlant", "to
 * Achieve", "at Forward Leeds"), with the capitalised words after it and
 * "and" between two of them ("Loaves and Fishes").  Returns the last
 * token, or c->ntoks when i starts no such name.
 */
static size_t named_after_prep(struct ctx *c, const uint8_t *cls, size_t i)
{
	static const char *const preps[] = {"bij", "at", "via", "naar", "to",
	                                    "from", "for", "with", "aan",
	                                    "met", "voor", "door", "by",
	                                    NULL};
	const struct tok *t = &c->toks[i];
	/* not "to Mum", "for Nan's birthday": kin written as a name */
	if (cls[i] != C_WORD || t->sent || t->cap != 1 || i == 0 ||
	    t->gap != G_SPACE || c->toks[i - 1].cap || !fold_in(c, i - 1, preps) ||
	    (redact_tflags(c, i) & (LEX_PERSONAL | LEX_AGENOUN | LEX_TITLE)))
		return c->ntoks;
	size_t b = i;
	for (size_t j = i + 1; j < c->ntoks && c->toks[j].gap == G_SPACE &&
	                       !c->taken[c->toks[j].start]; j++) {
		if (c->toks[j].cap && cls[j] != C_SAFE && cls[j] != C_TITLE &&
		    !(redact_tflags(c, j) & LEX_STREET)) {
			b = j;
			continue;
		}
		if ((fold_is(c, j, "and") || fold_is(c, j, "en")) && j == b + 1 &&
		    j + 1 < c->ntoks && c->toks[j + 1].gap == G_SPACE &&
		    c->toks[j + 1].cap && cls[j + 1] != C_SAFE &&
		    !c->taken[c->toks[j + 1].start])
			continue;
		break;
	}
	return b;
}

static bron_err find_people(struct ctx *c, uint8_t *cls)
{
	for (size_t i = 0; i < c->ntoks; i++) {
		const struct tok *t = &c->toks[i];
		if (c->taken[t->start] || t->kind != T_WORD)
			continue;
		/* what comes before: a title anchors even ordinary words */
		if (!t->cap)
			continue; /* names start with a capital, "de Vries" too */
		int titled = t->cap && i > 0 && (t->gap == G_SPACE || t->gap == G_DOT) &&
		             c->toks[i - 1].kind == T_WORD &&
		             (redact_tflags(c, i - 1) & LEX_TITLE);
		size_t a = i, b = i, j = i;
		int parts = 0;
		/* initials: "J.", "J.P." before a name */
		while (j < c->ntoks && c->toks[j].len == 1 && c->toks[j].cap &&
		       j + 1 < c->ntoks && c->toks[j + 1].gap == G_DOT)
			j++;
		if (j > i && (j == c->ntoks || !(cls[j] == C_NAME || cls[j] == C_PART ||
		                                 particle(c, j))))
			j = i;
		if (j > i && cls[j] != C_NAME && !particles_then_name(c, cls, j))
			j = i;
		for (; j < c->ntoks; j++) {
			const struct tok *u = &c->toks[j];
			if (j > a && u->gap != G_SPACE &&
			    !(u->gap == G_DOT && c->toks[j - 1].len == 1))
				break;
			if (c->taken[u->start])
				break;
			int k = cls[j];
			if (u->len == 1 && u->cap && j + 1 < c->ntoks &&
			    c->toks[j + 1].gap == G_DOT && parts == 0) {
				continue; /* an initial */
			}
			/* "Willem Storm", "Thijs van Wijk", "F. van der Hoop": a
			 * capitalised word right after a first name or a particle
			 * is a surname, even when it is also a word */
			int sur = (k == C_WORD || k == C_AMBIG) && u->cap == 1 &&
			          !u->sent &&
			          ((parts && b == j - 1) ||
			           (j > a && particle(c, j - 1) && !c->toks[j - 1].sent));
			if (k == C_NAME || sur || (titled && parts == 0 &&
			                    (k == C_WORD || k == C_AMBIG || k == C_ACRO))) {
				b = j;
				parts++;
			} else if ((k == C_PART ||
			            (particle(c, j) && (parts || titled || j > a))) &&
			           particles_then_name(c, cls, j)) {
				continue; /* "van den" in "Marieke van den Berg" */
			} else {
				break;
			}
			if (u->poss)
				break;
		}
		if (!parts) {
			/* "bij Karakter in Ede", "works at Mind": a word written
			 * with a capital after "bij" or "at" names a place of work */
			static const char *const at[] = {"bij", "at", NULL};
			if (cls[i] == C_WORD && !t->sent && t->cap == 1 && i > 0 &&
			    t->gap == G_SPACE && fold_in(c, i - 1, at) &&
			    !(i + 1 < c->ntoks && c->toks[i + 1].gap == G_SPACE &&
			      c->toks[i + 1].cap)) {
				bron_err e = add_range(c, i, i, BRON_CAT_INSTITUTION);
				if (e != BRON_OK)
					return e;
				continue;
			}
			/* "naar Atlant", "to Achieve", "at Forward Leeds", "to
			 * Loaves and Fishes": after a preposition, a word with a
			 * capital inside a sentence names an organisation */
			size_t z = named_after_prep(c, cls, i);
			if (z < c->ntoks) {
				bron_err e = add_range(c, i, z, BRON_CAT_INSTITUTION);
				if (e != BRON_OK)
					return e;
				i = z;
				continue;
			}
			if (cls[i] == C_WORD && !t->sent) {
				bron_err e = redact_suspect(c, i);
				if (e != BRON_OK)
					return e;
			}
			continue;
		}
		/* an article at the start is not part of a name */
		while (a < b && article(c, a) && cls[a] != C_NAME && c->toks[a].sent)
			a++;
		enum bron_cat cat = group_kind(c, a, b, titled);
		bron_err e = add_range(c, a, b, cat);
		if (e != BRON_OK)
			return e;
		i = b;
	}
	return BRON_OK;
}

/* The token that starts at byte pos, or c->ntoks. */
static size_t tok_at(const struct ctx *c, size_t pos)
{
	size_t lo = 0, hi = c->ntoks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->toks[mid].start < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->ntoks && c->toks[lo].start == pos ? lo : c->ntoks;
}

/* Folded tokens i..i+n-1 joined by spaces into key; its length or 0. */
static size_t join_key(struct ctx *c, size_t i, size_t n, char *key,
                       size_t size)
{
	size_t k = 0;
	for (size_t j = i; j < i + n; j++) {
		const struct tok *t = &c->toks[j];
		if (j >= c->ntoks || t->kind != T_WORD || !t->flen ||
		    (j > i && t->gap != G_SPACE) || k + t->flen + 2 > size)
			return 0;
		if (j > i)
			key[k++] = ' ';
		memcpy(key + k, redact_tfold(c, j), t->flen);
		k += t->flen;
	}
	return k;
}

/*
 * A name found once is a name everywhere in the text: "Storm" after
 * "Willem Storm", "De Hoop" after "buurthuis De Hoop".  Surnames of people
 * and the names after an institution word are remembered; later (or
 * earlier) capitalised occurrences are replaced too.
 */
static bron_err find_repeats(struct ctx *c, enum bron_cat only)
{
	struct strmap seen = {0};
	bron_err e = BRON_OK;
	char key[256];
	size_t nspans = c->nspans, maxn = 0;
	for (size_t s = 0; s < nspans && e == BRON_OK; s++) {
		const struct span *sp = &c->spans[s];
		if (sp->cat != only)
			continue;
		size_t a = tok_at(c, sp->start), b = a;
		if (a == c->ntoks)
			continue;
		while (b + 1 < c->ntoks && c->toks[b + 1].start < sp->start + sp->len)
			b++;
		if (sp->cat == BRON_CAT_PERSON) {
			for (size_t j = a; j <= b && e == BRON_OK; j++) {
				const struct tok *t = &c->toks[j];
				if (t->kind != T_WORD || t->cap != 1 || t->flen < 3 ||
				    particle(c, j) ||
				    (redact_tflags(c, j) & (LEX_SAFE | LEX_GEO | LEX_TITLE)))
					continue;
				e = strmap_put(&seen, redact_tfold(c, j), t->flen,
				               BRON_CAT_PERSON);
				if (maxn < 1)
					maxn = 1;
			}
			continue;
		}
		/* "basisschool De Klimop", "Stichting Sanjog": the part after the
		 * institution word */
		if (b > a && (redact_tflags(c, a) & LEX_INSTKEY) && c->toks[a + 1].cap &&
		    b - a <= 3) {
			size_t n = join_key(c, a + 1, b - a, key, sizeof(key));
			if (n && !(c->toks[a + 1].flen <= 3 && b == a + 1 &&
			           article(c, a + 1))) {
				e = strmap_put(&seen, key, n, BRON_CAT_INSTITUTION);
				if (maxn < b - a)
					maxn = b - a;
			}
		}
	}
	for (size_t i = 0; i < c->ntoks && e == BRON_OK && seen.n; i++) {
		const struct tok *t = &c->toks[i];
		if (t->kind != T_WORD || t->cap != 1 || c->taken[t->start])
			continue;
		for (size_t n = maxn; n >= 1; n--) {
			size_t k = join_key(c, i, n, key, sizeof(key));
			size_t *v = k ? strmap_get(&seen, key, k) : NULL;
			if (!v)
				continue;
			size_t last = i + n - 1;
			if (!redact_taken(c, t->start,
			                  c->toks[last].start + c->toks[last].len - t->start)) {
				e = add_range(c, i, last, (enum bron_cat)*v);
				i = last;
			}
			break;
		}
	}
	sodium_memzero(key, sizeof(key));
	strmap_release(&seen);
	return e;
}

bron_err redact_names(struct ctx *c)
{
	bron_err e;
	if ((e = find_streets(c)) != BRON_OK ||
	    (e = find_institutions(c)) != BRON_OK ||
	    (e = find_repeats(c, BRON_CAT_INSTITUTION)) != BRON_OK)
		return e;
	uint8_t *cls = calloc(c->ntoks + 1, 1);
	if (!cls)
		return BRON_E_NOMEM;
	for (size_t i = 0; i < c->ntoks; i++) {
		if (c->toks[i].kind != T_WORD || !c->toks[i].cap)
			continue;
		cls[i] = (uint8_t)classify(c, i);
		if (cls[i] == C_NAME && !c->toks[i].sent && e == BRON_OK)
			e = strmap_put(&c->names, redact_tfold(c, i), c->toks[i].flen, 1);
	}
	for (size_t i = 0; i < c->ntoks && e == BRON_OK; i++)
		if (cls[i] == C_AMBIG)
			cls[i] = resolve_ambig(c, cls, i) ? C_NAME : C_WORD;
	if (e == BRON_OK)
		e = find_people(c, cls);
	free(cls);
	if (e == BRON_OK)
		e = find_repeats(c, BRON_CAT_PERSON);
	return e;
}

/* --- ages ------------------------------------------------------------------- */

/* Numbers written as words, in Dutch (1) and English (2), sorted. */
static const struct numword {
	const char *w;
	unsigned char v, lang;
} numwords[] = {
        {"acht", 8, 1}, {"achttien", 18, 1}, {"dertien", 13, 1},
        {"dertig", 30, 1}, {"drie", 3, 1}, {"een", 1, 1}, {"eight", 8, 2},
        {"eighteen", 18, 2}, {"eighty", 80, 2}, {"eleven", 11, 2},
        {"elf", 11, 1}, {"fifteen", 15, 2}, {"fifty", 50, 2}, {"five", 5, 2},
        {"forty", 40, 2}, {"four", 4, 2}, {"fourteen", 14, 2},
        {"negen", 9, 1}, {"negentien", 19, 1}, {"negentig", 90, 1},
        {"nine", 9, 2}, {"nineteen", 19, 2}, {"ninety", 90, 2},
        {"one", 1, 2}, {"seven", 7, 2}, {"seventeen", 17, 2},
        {"seventy", 70, 2}, {"six", 6, 2}, {"sixteen", 16, 2},
        {"sixty", 60, 2}, {"tachtig", 80, 1}, {"ten", 10, 2},
        {"thirteen", 13, 2}, {"thirty", 30, 2}, {"three", 3, 2},
        {"tien", 10, 1}, {"twaalf", 12, 1}, {"twee", 2, 1},
        {"twelve", 12, 2}, {"twenty", 20, 2}, {"twintig", 20, 1},
        {"two", 2, 2}, {"veertien", 14, 1}, {"veertig", 40, 1},
        {"vier", 4, 1}, {"vijf", 5, 1}, {"vijftien", 15, 1},
        {"vijftig", 50, 1}, {"zes", 6, 1}, {"zestien", 16, 1},
        {"zestig", 60, 1}, {"zeven", 7, 1}, {"zeventien", 17, 1},
        {"zeventig", 70, 1},
};

/* The value of the number word s[0..n) of a language in mask, or 0. */
static unsigned number_word(const char *s, size_t n, unsigned mask)
{
	size_t lo = 0, hi = sizeof(numwords) / sizeof(numwords[0]);
	if (n < 3 || n > 9)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *w = numwords[mid].w;
		size_t wl = strlen(w);
		int d = memcmp(s, w, n < wl ? n : wl);
		if (d == 0)
			d = n < wl ? -1 : n > wl;
		if (d == 0)
			return (numwords[mid].lang & mask) ? numwords[mid].v : 0;
		if (d < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

static int eq(const char *s, size_t n, const char *w)
{
	return n && w[0] == s[0] && strlen(w) == n && !memcmp(s, w, n);
}

/* The value of a cardinal written out ("zeventien", "drieentwintig",
 * "twenty-six"), or 0. */
static unsigned cardinal(const char *s, size_t n)
{
	unsigned v = number_word(s, n, 3);
	if (v || n < 7)
		return v;
	/* "twenty-six"; "twenty six" is two tokens and left alone */
	const char *dash = memchr(s, '-', n);
	if (dash) {
		unsigned t = number_word(s, (size_t)(dash - s), 2);
		unsigned u = number_word(dash + 1, n - (size_t)(dash - s) - 1, 2);
		return t >= 20 && u && u < 10 ? t + u : 0;
	}
	/* "eenentwintig": a unit, "en", tens */
	for (size_t k = 3; k + 8 <= n; k++)
		if (s[k] == 'e' && s[k + 1] == 'n') {
			unsigned u = number_word(s, k, 1);
			unsigned t = number_word(s + k + 2, n - k - 2, 1);
			if (u && u < 10 && t >= 20)
				return t + u;
		}
	return 0;
}

/* The value of an ordinal written out ("twaalfde", "seventieth"), or 0. */
static unsigned ordinal(const char *s, size_t n)
{
	char buf[32];
	if (n < 4 || n + 2 > sizeof(buf))
		return 0;
	if (eq(s, n, "derde"))
		return 3;
	if (eq(s, n, "third"))
		return 3;
	if (eq(s, n, "second"))
		return 2;
	if (n > 4 && !memcmp(s + n - 3, "ste", 3))
		return cardinal(s, n - 3);
	if (n > 4 && !memcmp(s + n - 2, "de", 2))
		return cardinal(s, n - 2);
	if (n > 5 && !memcmp(s + n - 4, "ieth", 4)) { /* seventieth */
		memcpy(buf, s, n - 4);
		buf[n - 4] = 'y';
		return cardinal(buf, n - 3);
	}
	if (n > 4 && !memcmp(s + n - 2, "th", 2)) {
		if (eq(s, n, "twelfth") || eq(s, n, "fifth") || eq(s, n, "ninth") ||
		    eq(s, n, "eighth")) {
			static const struct {
				const char *w;
				unsigned v;
			} odd[] = {{"twelfth", 12}, {"fifth", 5}, {"ninth", 9},
			           {"eighth", 8}};
			for (size_t k = 0; k < 4; k++)
				if (eq(s, n, odd[k].w))
					return odd[k].v;
		}
		return cardinal(s, n - 2);
	}
	return 0;
}

/* The day of the month an ordinal word can name ("twaalfde", "first",
 * "twenty-first", "eenendertigste"), or 0. */
unsigned redact_day_ordinal(const char *s, size_t n)
{
	if (eq(s, n, "eerste") || eq(s, n, "first"))
		return 1;
	const char *dash = memchr(s, '-', n);
	unsigned v;
	if (dash) { /* "twenty-first", "thirty-first" */
		size_t k = (size_t)(dash - s);
		unsigned t = number_word(s, k, 2);
		unsigned u = redact_day_ordinal(dash + 1, n - k - 1);
		v = (t == 20 || t == 30) && u && u < 10 ? t + u : 0;
	} else {
		v = ordinal(s, n);
	}
	return v <= 31 ? v : 0;
}

static const char *const pronouns[] = {"ik", "hij", "zij", "ze", "i", "he",
                                       "she", "we", "wij", "who", "die",
                                       "you", "jij", "je", "they", NULL};
static const char *const be[] = {"is", "was", "werd", "wordt", "turned",
                                 "turns", "became", "becomes", "ben", "bent",
                                 "am", "are", "were", "waren", "word",
                                 "worden", NULL};
/* Verbs of becoming: "en wordt dus zesenzestig." needs no subject. */
static const char *const become[] = {"wordt", "word", "werd", "turned",
                                     "turns", "turning", "turn", NULL};
/* Time words between a verb of becoming and the age: "volgende maand 80". */
static const char *const when_words[] = {"volgende", "volgend", "vorige",
                                         "vorig", "maand", "week", "jaar",
                                         "next", "last", "month", "week",
                                         "year", "dit", "this", "morgen",
                                         "tomorrow", "vandaag", "today",
                                         "zaterdag", "zondag", NULL};
/* What may follow an age after "at": "left at 18 and", "at fifteen for". */
static const char *const at_next[] = {"and", "for", "when", "after",
                                      "because", "but", "while", "so",
                                      "then", "until", NULL};
static const char *const adverbs[] = {"net", "pas", "al", "bijna", "ruim",
                                      "nu", "now", "just", "only", "already",
                                      "almost", "nog", "toen", "zelf", "ook",
                                      "inmiddels", "intussen", "then",
                                      "still", "nearly", "barely", "about",
                                      "ongeveer", "pas", "sindsdien", "dan",
                                      "dus", "straks", "eindelijk",
                                      "finally", "maar", NULL};

static int unit_after(struct ctx *c, size_t n)
{
	return n < c->ntoks && ((redact_tflags(c, n) & LEX_UNIT) ||
	                        c->toks[n].kind == T_NUM);
}

/* A time or an amount: "14.30", "3,5", "16:00". */
static int part_of_number(const struct ctx *c, size_t i)
{
	const struct tok *t = &c->toks[i];
	const unsigned char *p = (const unsigned char *)c->text;
	size_t e = t->start + t->len;
	return e + 1 < c->len && strchr(".,:", p[e]) && p[e] &&
	       p[e + 1] >= '0' && p[e + 1] <= '9';
}

/* After the number at token n-1: a comma or the end of the sentence (1),
 * or "jaar" and then one of those (2); else 0. */
static int closes(struct ctx *c, size_t n)
{
	if (n >= c->ntoks || c->toks[n].gap >= G_COMMA)
		return 1;
	if (fold_is(c, n, "jaar") &&
	    (n + 1 >= c->ntoks || c->toks[n + 1].gap >= G_COMMA))
		return 2;
	return 0;
}

/* "veertien jaar maatschappelijk werker": years spent as something. */
static int years_of_something(struct ctx *c, size_t n)
{
	static const char *const ok[] = {"oud", "old", "toen", "when", "en",
	                                 "and", "geworden", "was", "is", NULL};
	if (n + 1 >= c->ntoks || c->toks[n + 1].gap != G_SPACE ||
	    !(fold_is(c, n, "jaar") || fold_is(c, n, "years")))
		return 0;
	return c->toks[n + 1].kind == T_WORD && !c->toks[n + 1].cap &&
	       !fold_in(c, n + 1, ok);
}

/* After "tot zijn achttien": the end of the clause or a verb, not a noun
 * ("van mijn 3 tot mijn 5 kinderen"). */
static int no_noun_after(struct ctx *c, size_t n)
{
	static const char *const ok[] = {
	        "zat", "zaten", "woonde", "werkte", "ging", "was", "waren", "had",
	        "heb", "heeft", "hebben", "in", "op", "bij", "toen", "lived",
	        "worked", "went", "were", "had", "at", "in", "with", "bij",
	        "thuis", "home", NULL};
	return n >= c->ntoks || c->toks[n].gap >= G_COMMA || fold_in(c, n, ok) ||
	       (redact_tflags(c, n) & LEX_VERB);
}

/* "I'm", "I’m". */
static int im_contracted(struct ctx *c, size_t i)
{
	const struct tok *t = &c->toks[i];
	const char *f = redact_tfold(c, i);
	return t->kind == T_WORD && f[0] == 'i' && f[t->flen - 1] == 'm' &&
	       ((t->flen == 3 && f[1] == '\'') ||
	        (t->flen == 5 && !memcmp(f + 1, "\xe2\x80\x99", 3)));
}

/* "I'll", "she'll", "they’ll": a pronoun and "will" in one token. */
static int will_contracted(struct ctx *c, size_t i)
{
	const struct tok *t = &c->toks[i];
	const char *f = redact_tfold(c, i);
	static const char *const who[] = {"i", "he", "she", "we", "you", "they",
	                                  NULL};
	if (t->kind != T_WORD || t->flen < 4 || t->flen > 9 ||
	    memcmp(f + t->flen - 2, "ll", 2))
		return 0;
	for (size_t k = 0; who[k]; k++) {
		size_t n = strlen(who[k]);
		if (!memcmp(f, who[k], n) && n + 2 < t->flen &&
		    (f[n] == '\'' || (unsigned char)f[n] == 0xe2) &&
		    (t->flen == n + 3 || t->flen == n + 5))
			return 1;
	}
	return 0;
}

/* The age number at token i, and how far its span runs. */
static size_t age_end(struct ctx *c, size_t i)
{
	const struct tok *t = &c->toks[i];
	size_t n = i + 1;
	int word = t->kind == T_WORD;
	int has_next = n < c->ntoks && c->toks[n].kind == T_WORD;
	const unsigned char *p = (const unsigned char *)c->text;
	/* "14-jarige", "7-year-old" */
	if (!word && has_next && (c->toks[n].gap == G_GLUE ||
	                 (c->toks[n].gap == G_COMMA &&
	                  c->toks[n].start == t->start + t->len + 1 &&
	                  p[t->start + t->len] == '-'))) {
		static const char *const adj[] = {"jarige", "jarig", "jarigen",
		                                  "year-old", "year-olds",
		                                  "years-old", "jaar", NULL};
		if (fold_in(c, n, adj))
			return n;
	}
	if (has_next && c->toks[n].gap == G_SPACE) {
		/* "14 jaar oud", "43 years old" */
		if ((fold_is(c, n, "jaar") || fold_is(c, n, "years") ||
		     fold_is(c, n, "year")) && n + 1 < c->ntoks &&
		    c->toks[n + 1].gap == G_SPACE &&
		    (fold_is(c, n + 1, "oud") || fold_is(c, n + 1, "old")))
			return n + 1;
	}
	if (!word && part_of_number(c, i))
		return 0;
	/* the number after a cue: "een jongen van 14", "a guy of 25" */
	int of = i >= 2 && (fold_is(c, i - 1, "van") || fold_is(c, i - 1, "of"));
	if (of && ((redact_tflags(c, i - 2) & LEX_AGENOUN) ||
	           fold_is(c, i - 2, "leeftijd")))
		goto with_unit;
	/* "mijn neefje van bijna vier", "a boy of nearly 12" */
	if (i >= 3 && fold_in(c, i - 1, adverbs) &&
	    (fold_is(c, i - 2, "van") || fold_is(c, i - 2, "of")) &&
	    (redact_tflags(c, i - 3) & LEX_AGENOUN) && !unit_after(c, n))
		goto with_unit;
	/* "zoon Tim van 14", "een jongen ook van 14" */
	if (of && i >= 3 && (redact_tflags(c, i - 3) & LEX_AGENOUN) &&
	    (c->toks[i - 2].cap || c->taken[c->toks[i - 2].start] ||
	     fold_is(c, i - 2, "ook")))
		goto with_unit;
	if (i >= 1 && (fold_is(c, i - 1, "aged") || fold_is(c, i - 1, "age")))
		goto with_unit;
	if (i >= 2 && fold_is(c, i - 1, "of") && fold_is(c, i - 2, "age"))
		goto with_unit;
	/* "Lotte van negen", "Callum of 23": a name, "van", a number */
	if (of && c->toks[i - 2].cap &&
	    redact_cat_at(c, c->toks[i - 2].start) == BRON_CAT_PERSON &&
	    !unit_after(c, n) && !years_of_something(c, n) &&
	    !(n < c->ntoks && (fold_is(c, n, "tot") || fold_is(c, n, "to") ||
	                       fold_is(c, n, "uur"))))
		goto with_unit;
	/* "Tim (14)", "mijn dochter (7)" */
	if (t->start > 0 && p[t->start - 1] == '(' && t->start + t->len < c->len &&
	    p[t->start + t->len] == ')' && i > 0 &&
	    (c->toks[i - 1].cap || (redact_tflags(c, i - 1) & LEX_AGENOUN)))
		return i;
	/* "Chloe, 20, ...", "Kevin Martina, client, 29, ...", "Dewi, 27 jaar," */
	if (i >= 1 && t->gap == G_COMMA && t->start >= 2 &&
	    p[t->start - 2] == ',' && p[t->start - 1] == ' ') {
		const struct tok *u = &c->toks[i - 1];
		enum bron_cat k = redact_cat_at(c, u->start);
		int e = closes(c, n);
		if (e && (k == BRON_CAT_PERSON || k == BRON_CAT_PSEUDONYM ||
		          (redact_tflags(c, i - 1) & LEX_AGENOUN) ||
		          (fold_is(c, i - 1, "me") && e == 2)))
			return e == 2 ? n : i;
	}
	/* "hij is 14", "ze werd net 16", "Jan is 7", "ik was zelf ook 19" */
	size_t v = i ? i - 1 : 0;
	for (int k = 0; k < 2 && v >= 1 && fold_in(c, v, adverbs); k++)
		v--;
	if (i >= 2 && v >= 1 && fold_in(c, v, be) &&
	    (fold_in(c, v - 1, pronouns) || c->taken[c->toks[v - 1].start] ||
	     (c->toks[v - 1].cap && !(c->toks[v - 1].sent &&
	                              (redact_tflags(c, v - 1) & low_mask(c)))) ||
	     (redact_tflags(c, v - 1) & LEX_AGENOUN)) &&
	    !unit_after(c, n) && !years_of_something(c, n) &&
	    !(has_next && c->toks[n].gap == G_GLUE))
		goto with_unit;
	/* inverted: "was ik 21 toen", "al is hij 67", "dan word ik 40" */
	if (i >= 2 && v >= 1 && fold_in(c, v, pronouns) &&
	    !fold_is(c, v, "die") && !fold_is(c, v, "who") &&
	    fold_in(c, v - 1, be) && c->toks[v].gap == G_SPACE &&
	    c->toks[v].kind == T_WORD && !unit_after(c, n) &&
	    !years_of_something(c, n))
		goto with_unit;
	/* "I'll be 33", "she will be 40" */
	if (i >= 2 && v >= 1 && fold_is(c, v, "be") &&
	    (will_contracted(c, v - 1) ||
	     (v >= 2 && fold_is(c, v - 1, "will") &&
	      (fold_in(c, v - 2, pronouns) || c->taken[c->toks[v - 2].start]))) &&
	    !unit_after(c, n) && !years_of_something(c, n))
		goto with_unit;
	/* "Opa wordt volgende maand 80", "he will turn 50 in May" */
	{
		/* also over a date: "Bart wordt op 29 december achttien" */
		size_t b = i ? i - 1 : 0;
		for (int k = 0; k < 6 && b >= 1 &&
		                (fold_in(c, b, adverbs) || fold_in(c, b, when_words) ||
		                 redact_cat_at(c, c->toks[b].start) == BRON_CAT_DATE ||
		                 ((fold_is(c, b, "op") || fold_is(c, b, "on")) &&
		                  redact_cat_at(c, c->toks[b + 1].start) ==
		                          BRON_CAT_DATE));
		     k++)
			b--;
		if (i >= 2 && b >= 1 && fold_in(c, b, become) &&
		    !(has_next && c->toks[n].gap == G_GLUE) &&
		    (fold_in(c, b - 1, pronouns) || c->taken[c->toks[b - 1].start] ||
		     (redact_tflags(c, b - 1) & (LEX_AGENOUN | LEX_TITLE)) ||
		     fold_is(c, b - 1, "will") || fold_is(c, b - 1, "gaat")) &&
		    !unit_after(c, n) && !years_of_something(c, n))
			goto with_unit;
	}
	/* "en wordt dus zesenzestig.", "turned twenty-three today" */
	if (i >= 1 && v < i && fold_in(c, v, become) && closes(c, n) == 1)
		return i;
	if (i >= 1 && fold_in(c, i - 1, become) && n < c->ntoks &&
	    (fold_is(c, n, "today") || fold_is(c, n, "vandaag") ||
	     fold_is(c, n, "yesterday") || fold_is(c, n, "gisteren")))
		return i;
	/* ", net negentien,": an apposition after a comma */
	if (i >= 2 && fold_in(c, i - 1, adverbs) && c->toks[i - 1].gap == G_COMMA &&
	    c->toks[i - 1].start >= 2 &&
	    ((const unsigned char *)c->text)[c->toks[i - 1].start - 2] == ',' &&
	    closes(c, n) &&
	    (!(fold_is(c, i - 1, "nu") || fold_is(c, i - 1, "now") ||
	       fold_is(c, i - 1, "toen") || fold_is(c, i - 1, "then")) ||
	     redact_cat_at(c, c->toks[i - 2].start) == BRON_CAT_PERSON ||
	     (redact_tflags(c, i - 2) & LEX_AGENOUN)))
		return closes(c, n) == 2 ? n : i;
	/* "is vorige week 90 geworden", "is 80 jaar geworden" */
	if (has_next && c->toks[n].gap == G_SPACE &&
	    (fold_is(c, n, "geworden") ||
	     ((fold_is(c, n, "jaar") || fold_is(c, n, "jaren")) &&
	      n + 1 < c->ntoks && c->toks[n + 1].gap == G_SPACE &&
	      fold_is(c, n + 1, "geworden")))) {
		/* not "het is 2 jaar geworden": a term, not an age */
		int term = 0;
		for (size_t k = 1; k <= 4 && k <= i; k++)
			term |= fold_is(c, i - k, "het") || fold_is(c, i - k, "dat") ||
			        fold_is(c, i - k, "er");
		if (!term)
			return fold_is(c, n, "geworden") ? i : n;
	}
	/* "en is nu 34.", "but is already 70," */
	if (i >= 3 && v >= 1 && v + 1 < i && fold_in(c, v, be) &&
	    (fold_is(c, v - 1, "en") || fold_is(c, v - 1, "and") ||
	     fold_is(c, v - 1, "maar") || fold_is(c, v - 1, "but")) &&
	    closes(c, n))
		return closes(c, n) == 2 ? n : i;
	/* "Met 16 ging ik van school", "At 16 I left home" */
	if (i >= 1 && (fold_is(c, i - 1, "met") || fold_is(c, i - 1, "at")) &&
	    n + 1 < c->ntoks && c->toks[n].kind == T_WORD && !t->poss &&
	    c->toks[n].gap == G_SPACE && !unit_after(c, n)) {
		unsigned val = 0;
		if (word)
			val = cardinal(redact_tfold(c, i), t->flen);
		for (size_t k = 0; !word && k < t->len; k++)
			val = val * 10 + (unsigned)(p[t->start + k] - '0');
		if (val >= 13 && fold_is(c, i - 1, "met") &&
		    (fold_is(c, n + 1, "ik") || fold_is(c, n + 1, "hij")) &&
		    !(redact_tflags(c, n) & (LEX_UNIT)))
			return i;
		if (val >= 13 && fold_is(c, i - 1, "at") &&
		    (fold_is(c, n, "i") || fold_is(c, n, "he") ||
		     fold_is(c, n, "she")))
			return i;
	}
	/* "I'm 29.", "I'm thirty-four and": the pronoun and "am" in one */
	if (i >= 1 && v < i && im_contracted(c, v) && !unit_after(c, n) &&
	    !years_of_something(c, n) && !(has_next && c->toks[n].gap == G_GLUE))
		goto with_unit;
	/* "she's 43", "he's nearly 16" */
	if (i >= 1 && c->toks[v].poss && fold_in(c, v, pronouns) &&
	    c->toks[v].kind == T_WORD && !unit_after(c, n) &&
	    !years_of_something(c, n))
		goto with_unit;
	/* "leeftijd: 34" */
	if (i >= 1 && fold_is(c, i - 1, "leeftijd"))
		goto with_unit;
	/* "toen ik 12 was", "toen ik 11 tot 15 was" */
	size_t w = n;
	if (w + 1 < c->ntoks && fold_is(c, w, "tot") &&
	    c->toks[w + 1].kind == T_NUM)
		w += 2;
	/* "toen hij 7 jaar was" */
	if (w == n && w + 1 < c->ntoks && c->toks[w].gap == G_SPACE &&
	    fold_is(c, w, "jaar"))
		w++;
	/* "die pas 62 is", "haar zoon twintig is", "Sem, die net drie is" */
	size_t q = i ? i - 1 : 0;
	for (int k = 0; k < 2 && q >= 1 && fold_in(c, q, adverbs); k++)
		q--;
	if (i >= 1 && q < i &&
	    (fold_in(c, q, pronouns) || (redact_tflags(c, q) & LEX_AGENOUN) ||
	     (c->toks[q].cap &&
	      redact_cat_at(c, c->toks[q].start) == BRON_CAT_PERSON)) &&
	    w < c->ntoks &&
	    c->toks[w].gap == G_SPACE &&
	    (fold_is(c, w, "was") || fold_is(c, w, "werd") || fold_is(c, w, "ben") ||
	     fold_is(c, w, "is") || fold_is(c, w, "wordt")) &&
	    (w + 1 >= c->ntoks || !unit_after(c, w + 1)))
		return i;
	if (i >= 3 && fold_is(c, i - 1, "tot") && c->toks[i - 2].kind == T_NUM &&
	    fold_in(c, i - 3, pronouns) && n < c->ntoks &&
	    (fold_is(c, n, "was") || fold_is(c, n, "werd")))
		return i;
	/* "sinds mijn 16e", "op haar 18de" */
	static const char *const poss[] = {"mijn", "zijn", "haar", "je", "jouw",
	                                   "zn", "m'n", "z'n", NULL};
	/* "van zijn twaalf tot zijn achttien", "from her 12 to her 15" */
	if (i >= 2 && fold_in(c, i - 1, poss) &&
	    (((fold_is(c, i - 2, "van") || fold_is(c, i - 2, "vanaf") ||
	       fold_is(c, i - 2, "from")) &&
	      n + 2 < c->ntoks && (fold_is(c, n, "tot") || fold_is(c, n, "to")) &&
	      fold_in(c, n + 1, poss) &&
	      (c->toks[n + 2].kind == T_NUM ||
	       cardinal(redact_tfold(c, n + 2), c->toks[n + 2].flen)) &&
	      no_noun_after(c, n + 3)) ||
	     (i >= 4 && (fold_is(c, i - 2, "tot") || fold_is(c, i - 2, "to")) &&
	      fold_in(c, i - 4, poss) &&
	      (c->toks[i - 3].kind == T_NUM ||
	       cardinal(redact_tfold(c, i - 3), c->toks[i - 3].flen)) &&
	      no_noun_after(c, n))) &&
	    !unit_after(c, n))
		return i;
	if (!word && i >= 1 && fold_in(c, i - 1, poss) && has_next &&
	    c->toks[n].gap == G_GLUE &&
	    (fold_is(c, n, "e") || fold_is(c, n, "de") || fold_is(c, n, "ste")))
		return n;
	/* "burned out at twenty-six, in my first job", "left at 18 and" */
	if (i >= 1 && fold_is(c, i - 1, "at") &&
	    (n >= c->ntoks || c->toks[n].gap >= G_COMMA ||
	     (c->toks[n].gap == G_SPACE && fold_in(c, n, at_next)))) {
		unsigned val = 0;
		if (word)
			val = cardinal(redact_tfold(c, i), t->flen);
		for (size_t k = 0; !word && k < t->len; k++)
			val = val * 10 + (unsigned)(p[t->start + k] - '0');
		if (val >= 13) /* "at eight" is a time */
			return i;
	}
	return 0;
with_unit:
	if (has_next && c->toks[n].gap == G_SPACE && fold_is(c, n, "jaar")) {
		if (n + 1 < c->ntoks && fold_is(c, n + 1, "oud"))
			return n + 1;
		return n;
	}
	return i;
}

/* "zeventienjarige", "seventeen-year-old": the number's length, or 0. */
static size_t compound_age(const char *f, size_t n)
{
	static const char *const ends[] = {"jarige", "jarig", "-year-old",
	                                   "-years-old", "-jarige", NULL};
	for (size_t k = 0; ends[k]; k++) {
		size_t el = strlen(ends[k]);
		if (n > el + 2 && !memcmp(f + n - el, ends[k], el) &&
		    cardinal(f, n - el) >= 2)
			return n - el;
	}
	return 0;
}

/* "op mijn vijftiende", "for my mum's seventieth": an ordinal after a
 * possessive is someone's age when no noun follows it. */
static int age_ordinal(struct ctx *c, size_t i, unsigned v)
{
	static const char *const poss[] = {"mijn", "zijn", "haar", "jouw", "hun",
	                                   "m'n", "z'n", "my", "his", "her",
	                                   "your", "their", NULL};
	static const char *const before[] = {"op", "sinds", "vanaf", "tot",
	                                     "na", "voor", "at", "since",
	                                     "from", "until", "after", "before",
	                                     "for", NULL};
	static const char *const next[] = {"toen", "when", "tot", "until",
	                                   "al", "already", NULL};
	const struct tok *t = &c->toks[i];
	if (i < 1 || t->gap != G_SPACE)
		return 0;
	const struct tok *u = &c->toks[i - 1];
	int possessive = fold_in(c, i - 1, poss) || (u->poss && u->kind == T_WORD);
	if (!possessive)
		return 0;
	size_t n = i + 1;
	int prep = i >= 2 && fold_in(c, i - 2, before);
	/* "op mijn vijftiende ging ik ...", not "op haar elfde verjaardag"
	 * (the day) nor "voor de twaalfde keer" */
	static const char *const noun[] = {"verjaardag", "birthday", "keer",
	                                   "maal", "time", "jaar", "year", "dag",
	                                   "day", "week", "plaats", "place", NULL};
	if (prep && v >= 10 && !(n < c->ntoks && fold_in(c, n, noun)))
		return 1;
	if (!(n >= c->ntoks || c->toks[n].gap >= G_COMMA || fold_in(c, n, next)))
		return 0;
	return v >= 10 || prep;
}

bron_err redact_ages(struct ctx *c)
{
	for (size_t i = 0; i < c->ntoks; i++) {
		const struct tok *t = &c->toks[i];
		if (c->taken[t->start])
			continue;
		unsigned v = 0;
		size_t end = 0;
		if (t->kind == T_NUM) {
			if (t->len > 3)
				continue;
			for (size_t k = 0; k < t->len; k++)
				v = v * 10 + (unsigned)(c->text[t->start + k] - '0');
			if (v == 0 || v > 120)
				continue;
			/* a number inside a longer one ("1.5", "3,5") is not an age */
			if (t->gap == G_GLUE)
				continue;
			end = age_end(c, i);
		} else if (t->kind == T_WORD && !t->cap && t->flen >= 3 &&
		           t->flen <= 24) {
			const char *f = redact_tfold(c, i);
			/* cardinals from two on: "een", "one" are too common */
			v = cardinal(f, t->flen);
			size_t cl = compound_age(f, t->flen);
			if (cl) {
				end = i; /* "zeventienjarige", "seventeen-year-old" */
			} else if (v >= 2 && v <= 120) {
				end = age_end(c, i);
			} else if ((v = ordinal(f, t->flen)) >= 2 && age_ordinal(c, i, v)) {
				end = i;
			}
		}
		if (!end)
			continue;
		bron_err e = add_range(c, i, end, BRON_CAT_AGE);
		if (e != BRON_OK)
			return e;
		i = end;
	}
	return BRON_OK;
}
