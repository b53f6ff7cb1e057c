/*
 * redact_int.h - what the redactor's source files share.  Not installed.
 *
 * bron_redact works in passes over one text: it cuts the text into tokens
 * (words and numbers, with what separates them), finds candidate spans
 * (pseudonyms first, then the fixed formats, then names, places, streets,
 * institutions and ages), lets the first pass that claims a byte keep it,
 * and writes the output with a placeholder for every span.
 */
#ifndef BRON_REDACT_INT_H
#define BRON_REDACT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "bron/redact.h"

/* A string-keyed hash map with size_t values; keys are wiped on free. */
struct strmap {
	char **keys;
	size_t *lens;
	size_t *vals;
	size_t cap, n;
};

/* Returns a pointer to the value of key, or NULL. */
size_t *strmap_get(const struct strmap *m, const char *key, size_t len);
/* Sets key to val; BRON_E_NOMEM on failure. */
bron_err strmap_put(struct strmap *m, const char *key, size_t len, size_t val);
void strmap_release(struct strmap *m);

/* Token kinds and what lies between a token and the one before it. */
enum { T_WORD, T_NUM };
enum {
	G_START, /* first token of the text */
	G_GLUE,  /* nothing: "12th", "Jan-" */
	G_SPACE, /* spaces or tabs only */
	G_DOT,   /* a full stop after an initial or abbreviation, then space */
	G_COMMA, /* other punctuation inside a sentence */
	G_BREAK, /* end of a sentence, a line, a colon or an opening quote */
};

struct tok {
	uint32_t start, len; /* bytes of the token in the text */
	uint32_t foff;       /* its folded form in ctx.fold */
	uint16_t flen;       /* folded length, possessive stripped */
	uint8_t kind, gap;
	uint8_t cap;         /* 0 lower case, 1 capitalised, 2 all capitals */
	uint8_t sent;        /* first word of a sentence */
	uint8_t poss;        /* bytes of a possessive ("'s", "'") at the end */
	uint8_t looked;      /* flags below are filled in */
	uint32_t flags;      /* lexicon flags (redact_lex.h) */
};

/* A replaced span; label is the pseudonym's index for BRON_CAT_PSEUDONYM. */
struct span {
	size_t start, len;
	enum bron_cat cat;
	size_t label;
};

struct pseudonym {
	char *label;   /* the author's label, or NULL for an automatic one */
	size_t autono; /* 0, 1, ... for "Person A", "Person B", ... */
};

struct bron_redactor {
	enum bron_lang lang;
	struct pseudonym *names;
	size_t nnames, capnames, nauto;
	struct strmap variants;   /* folded form -> name index * 2 + needs_cap */
	struct strmap firsts;     /* first words of the variants */
	size_t maxwords;          /* most words in one variant */
	struct strmap placeholders; /* "cat:folded original" -> number */
	size_t next[BRON_CAT_COUNT];
	size_t counts[BRON_CAT_COUNT];
};

/* One bron_redact call. */
struct ctx {
	struct bron_redactor *r;
	const char *text;
	size_t len;
	int lang;            /* BRON_LANG_NL, _EN, or AUTO for both */
	struct tok *toks;
	size_t ntoks;
	char *fold;          /* folded tokens, wiped after use */
	unsigned char *taken; /* a byte per text byte: already in a span */
	struct span *spans;
	size_t nspans, capspans;
	struct strmap suspects;
	char *sus;           /* NUL-separated suspects */
	size_t suslen, suscap, nsus;
	struct strmap names;  /* folded names seen inside sentences */
};

/* Lexicon flags of token i (looked up once). */
uint32_t redact_tflags(struct ctx *c, size_t i);
/* Flags of the folded phrase made of tokens i..i+n-1 joined by spaces. */
uint32_t redact_phrase(struct ctx *c, size_t i, size_t n);
/* The folded text of token i (not NUL-terminated; tok.flen bytes). */
static inline const char *redact_tfold(const struct ctx *c, size_t i)
{
	return c->fold + c->toks[i].foff;
}

/* Claims [start, start+len) for cat unless a byte of it is taken. */
bron_err redact_add(struct ctx *c, size_t start, size_t len,
                    enum bron_cat cat, size_t label);
/* The same, taking over (and growing to) any spans the region overlaps. */
bron_err redact_claim(struct ctx *c, size_t start, size_t len,
                      enum bron_cat cat);
/* The category of the span that holds byte pos, or BRON_CAT_COUNT. */
enum bron_cat redact_cat_at(const struct ctx *c, size_t pos);
/* 1 when a byte of [start, start+len) is taken. */
int redact_taken(const struct ctx *c, size_t start, size_t len);
/* Remembers a capitalised word that was left alone. */
bron_err redact_suspect(struct ctx *c, size_t i);

/* The passes, in the order they run. */
bron_err redact_pseudonyms(struct ctx *c);
bron_err redact_patterns(struct ctx *c);
bron_err redact_names(struct ctx *c);
bron_err redact_ages(struct ctx *c);
bron_err redact_years(struct ctx *c);

/* Variants of a pseudonym (redact_names.c). */
bron_err redact_name_variants(struct bron_redactor *r, const char *name,
                              size_t index);

/* The day an ordinal word names ("twaalfde", "twenty-first"), or 0
 * (redact_names.c). */
unsigned redact_day_ordinal(const char *s, size_t n);

/* Character classes for UTF-8 text. */
int redact_is_letter(const unsigned char *p, size_t n, size_t *clen);
int redact_is_upper(const unsigned char *p, size_t n);

#endif
