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
	return t->kind == T_WORD && t->flen == strlen(w) &&
	       !memcmp(redact_tfold(c, i), w, t->flen);
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
	const char *dash = memchr(fo, '-', t->flen);
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
	for (size_t k = 0; street_ends[k]; k++) {
		size_t sl = strlen(street_ends[k]);
		/* the commoner endings only; the rest need a house number */
		if (k >= 22 && !(i + 1 < c->ntoks && c->toks[i + 1].kind == T_NUM))
			continue;
		if (t->flen >= sl + 3 && !memcmp(f + t->flen - sl, street_ends[k], sl))
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
	if (j + 1 < c->ntoks && c->toks[j + 1].kind == T_WORD &&
	    c->toks[j + 1].gap == G_GLUE && c->toks[j + 1].len <= 2)
		end = j + 1; /* 12a, 12hs */
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
		if (f & (LEX_SAFE | LEX_PREP | LEX_WEAKPREP | LEX_TITLE))
			break;
		if (t->cap && !(t->sent && (f & low_mask(c)) && !(f & LEX_PARTICLE)))
			a = p;
		else if (particle(c, p) && p > 0 && c->toks[p - 1].cap &&
		         c->toks[p].gap == G_SPACE)
			a = p;
		else
			break;
	}
	while (a < i && article(c, a))
		a++;
	return a;
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

/* Institutions: "basisschool De Regenboog", "Antonius Ziekenhuis",
 * "Universiteit van Amsterdam", "Albert Heijn". */
static bron_err find_institutions(struct ctx *c)
{
	for (size_t i = 0; i < c->ntoks; i++) {
		struct tok *t = &c->toks[i];
		if (t->kind != T_WORD || !t->flen || c->taken[t->start])
			continue;
		/* every case below needs a capital here or just after */
		if (!t->cap && !(i + 1 < c->ntoks && c->toks[i + 1].cap))
			continue;
		uint32_t f = redact_tflags(c, i);
		bron_err e = BRON_OK;
		/* a keyword with a name after it */
		if ((f & LEX_INSTKEY) && i + 1 < c->ntoks) {
			size_t j = i + 1;
			if (j + 1 < c->ntoks && c->toks[j].gap == G_SPACE &&
			    !c->toks[j].cap && c->toks[j + 1].cap &&
			    (redact_tfold(c, j)[0] == 'v' || redact_tfold(c, j)[0] == 'o') &&
			    (c->toks[j].flen == 2 || c->toks[j].flen == 3 ||
			     c->toks[j].flen == 4) &&
			    (!memcmp(redact_tfold(c, j), "van", 3) ||
			     !memcmp(redact_tfold(c, j), "of", 2) ||
			     !memcmp(redact_tfold(c, j), "voor", 4)) &&
			    (f & LEX_INSTPOST))
				j++; /* "Universiteit van Amsterdam" */
			size_t b = i;
			while (j < c->ntoks && c->toks[j].gap == G_SPACE &&
			       c->toks[j].kind == T_WORD && !c->taken[c->toks[j].start]) {
				uint32_t g = redact_tflags(c, j);
				if ((g & (LEX_SAFE | LEX_GEO) && !(g & LEX_PLACE) &&
				     !(g & LEX_PARTICLE)) || (g & LEX_STREET))
					break;
				if (c->toks[j].cap)
					b = j;
				else if (!(particle(c, j) && j + 1 < c->ntoks &&
				           c->toks[j + 1].cap && b == j - 1))
					break;
				j++;
				if (c->toks[j - 1].poss)
					break;
			}
			if (b > i) {
				e = add_range(c, i, b, BRON_CAT_INSTITUTION);
				i = b;
			}
		} else if ((f & LEX_INSTPOST) && t->cap && i > 0 &&
		           c->toks[i - 1].cap && t->gap == G_SPACE) {
			size_t a = extend_left(c, i, 4);
			/* "St. Mary's Hospital" */
			if (a > 1 && c->toks[a].gap == G_DOT &&
			    (redact_tflags(c, a - 1) & LEX_PARTICLE))
				a--;
			if (a < i)
				e = add_range(c, a, i, BRON_CAT_INSTITUTION);
		} else if ((f & LEX_INST) && t->cap) {
			size_t b = i;
			for (size_t n = 3; n >= 2 && !(b > i); n--)
				if (redact_phrase(c, i, n) & LEX_INST)
					b = i + n - 1;
			e = add_range(c, i, b, BRON_CAT_INSTITUTION);
			i = b;
		} else if ((f & LEX_HEAD) && t->cap) {
			for (size_t n = 4; n >= 2; n--) {
				uint32_t g = redact_phrase(c, i, n);
				if (g & LEX_INST) {
					e = add_range(c, i, i + n - 1, BRON_CAT_INSTITUTION);
					i += n - 1;
					break;
				}
				if (g & (LEX_SAFE | LEX_GEO)) {
					/* "Veilig Thuis", "Verenigd Koninkrijk": keep */
					size_t s = t->start;
					size_t end = c->toks[i + n - 1].start + c->toks[i + n - 1].len;
					memset(c->taken + s, 1, end - s);
					i += n - 1;
					break;
				}
			}
		}
		if (e != BRON_OK)
			return e;
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
			if (k == C_NAME || (titled && parts == 0 &&
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

bron_err redact_names(struct ctx *c)
{
	bron_err e;
	if ((e = find_streets(c)) != BRON_OK || (e = find_institutions(c)) != BRON_OK)
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
	return e;
}

/* --- ages ------------------------------------------------------------------- */

static const char *const pronouns[] = {"ik", "hij", "zij", "ze", "i", "he",
                                       "she", "we", "wij", NULL};
static const char *const be[] = {"is", "was", "werd", "wordt", "turned",
                                 "turns", "became", "becomes", "wordt", NULL};
static const char *const adverbs[] = {"net", "pas", "al", "bijna", "ruim",
                                      "nu", "now", "just", "only", "already",
                                      "almost", "nog", "toen", NULL};

/* The age number at token i, and how far its span runs. */
static size_t age_end(struct ctx *c, size_t i)
{
	const struct tok *t = &c->toks[i];
	size_t n = i + 1;
	int has_next = n < c->ntoks && c->toks[n].kind == T_WORD;
	const unsigned char *p = (const unsigned char *)c->text;
	/* "14-jarige", "7-year-old" */
	if (has_next && (c->toks[n].gap == G_GLUE ||
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
	/* the number after a cue */
	if (i >= 2 && fold_is(c, i - 1, "van") &&
	    ((redact_tflags(c, i - 2) & LEX_AGENOUN) || fold_is(c, i - 2, "leeftijd")))
		goto with_unit;
	if (i >= 3 && fold_is(c, i - 1, "van") && c->toks[i - 2].cap == 0 &&
	    (redact_tflags(c, i - 3) & LEX_AGENOUN))
		goto with_unit; /* "een jongen ook van 14" is rare; "zoon Tim van 14" */
	if (i >= 1 && (fold_is(c, i - 1, "aged") || fold_is(c, i - 1, "age")))
		goto with_unit;
	if (i >= 2 && fold_is(c, i - 1, "of") && fold_is(c, i - 2, "age"))
		goto with_unit;
	/* "Tim (14)", "mijn dochter (7)" */
	if (t->start > 0 && p[t->start - 1] == '(' && t->start + t->len < c->len &&
	    p[t->start + t->len] == ')' && i > 0 &&
	    (c->toks[i - 1].cap || (redact_tflags(c, i - 1) & LEX_AGENOUN)))
		return i;
	/* "hij is 14", "ze werd net 16", "Jan is 7" */
	size_t v = i - 1;
	if (i >= 2 && fold_in(c, v, adverbs))
		v--;
	if (i >= 2 && v >= 1 && fold_in(c, v, be) &&
	    (fold_in(c, v - 1, pronouns) || c->taken[c->toks[v - 1].start] ||
	     c->toks[v - 1].cap || (redact_tflags(c, v - 1) & LEX_AGENOUN)) &&
	    !(n < c->ntoks && (redact_tflags(c, n) & LEX_UNIT)) &&
	    !(n < c->ntoks && c->toks[n].kind == T_NUM))
		goto with_unit;
	/* "toen ik 12 was" */
	if (i >= 1 && fold_in(c, i - 1, pronouns) && n < c->ntoks &&
	    c->toks[n].gap == G_SPACE &&
	    (fold_is(c, n, "was") || fold_is(c, n, "werd") || fold_is(c, n, "ben")))
		return i;
	/* "sinds mijn 16e", "op haar 18de" */
	static const char *const poss[] = {"mijn", "zijn", "haar", "je", "jouw",
	                                   "zn", "m'n", "z'n", NULL};
	if (i >= 1 && fold_in(c, i - 1, poss) && has_next &&
	    c->toks[n].gap == G_GLUE &&
	    (fold_is(c, n, "e") || fold_is(c, n, "de") || fold_is(c, n, "ste")))
		return n;
	return 0;
with_unit:
	if (has_next && c->toks[n].gap == G_SPACE && fold_is(c, n, "jaar")) {
		if (n + 1 < c->ntoks && fold_is(c, n + 1, "oud"))
			return n + 1;
		return n;
	}
	return i;
}

bron_err redact_ages(struct ctx *c)
{
	for (size_t i = 0; i < c->ntoks; i++) {
		const struct tok *t = &c->toks[i];
		if (t->kind != T_NUM || t->len > 3 || c->taken[t->start])
			continue;
		unsigned v = 0;
		for (size_t k = 0; k < t->len; k++)
			v = v * 10 + (unsigned)(c->text[t->start + k] - '0');
		if (v == 0 || v > 120)
			continue;
		/* a number inside a longer one ("1.5", "3,5") is not an age */
		if (t->gap == G_GLUE)
			continue;
		size_t end = age_end(c, i);
		if (!end)
			continue;
		bron_err e = add_range(c, i, end, BRON_CAT_AGE);
		if (e != BRON_OK)
			return e;
		i = end;
	}
	return BRON_OK;
}
