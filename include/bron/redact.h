/*
 * bron/redact.h - finding and replacing identifying details in prose.
 *
 * A redactor holds the word lists, the author's pseudonyms and the
 * placeholders handed out so far.  One redactor serves one view: the same
 * original (compared case- and accent-insensitively) always gets the same
 * placeholder within it ("Persoon 1", "Plaats 2", ...), and a name from the
 * pseudonym list always gets its label.  Placeholders and automatic labels
 * are translated through gettext (domain "bron"), so they follow the
 * locale's language, not the language of the text.
 *
 * The redactor never sees private spans: callers cut [[...]] passages
 * (bron/markup.h) before they hand text to it.
 *
 * Ownership: the caller owns the redactor and frees it with
 * bron_redactor_free; a bron_redaction is filled by bron_redact and released
 * with bron_redaction_free, which wipes the text it holds.
 */
#ifndef BRON_REDACT_H
#define BRON_REDACT_H

#include <stddef.h>

#include "bron/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The language of the text to redact (not of the placeholders). */
enum bron_lang {
	BRON_LANG_AUTO = 0, /* decided per text from its words */
	BRON_LANG_NL = 1,
	BRON_LANG_EN = 2,
};

/* What a replaced span was.  Append-only: the values appear in JSON output. */
enum bron_cat {
	BRON_CAT_PSEUDONYM = 0,   /* a name from the author's list */
	BRON_CAT_PERSON = 1,
	BRON_CAT_PLACE = 2,
	BRON_CAT_ADDRESS = 3,     /* street with or without a house number */
	BRON_CAT_INSTITUTION = 4, /* care providers, schools, employers */
	BRON_CAT_DATE = 5,        /* exact dates and dates of birth */
	BRON_CAT_AGE = 6,         /* ages that identify someone */
	BRON_CAT_PHONE = 7,
	BRON_CAT_EMAIL = 8,
	BRON_CAT_URL = 9,         /* links that point at a person or group */
	BRON_CAT_BSN = 10,        /* Dutch citizen service number (11-proef) */
	BRON_CAT_IBAN = 11,       /* any country's IBAN (mod 97) */
	BRON_CAT_POSTCODE = 12,   /* Dutch postcode */
	BRON_CAT_PLATE = 13,      /* Dutch licence plate */
	BRON_CAT_COUNT = 14
};

/* The stable, untranslated name of a category ("person", "iban", ...). */
const char *bron_cat_name(enum bron_cat cat);

struct bron_redactor;

/* Creates a redactor for text in lang.  NULL on failure (err says why). */
struct bron_redactor *bron_redactor_new(enum bron_lang lang,
                                        struct bron_error *err);

/* Wipes and frees the redactor.  NULL is allowed. */
void bron_redactor_free(struct bron_redactor *r);

/*
 * Adds a name the author always wants replaced.  label NULL or "" means
 * "assign the next automatic label" ("Persoon A", "Person A").  A full name
 * also covers its parts and usual forms: possessives and inflections
 * (Johans, Sanne's), Dutch diminutives (Jantje for Jan), and initials with
 * the surname (J. de Vries).  Both strings are copied.
 */
bron_err bron_redactor_add_name(struct bron_redactor *r, const char *name,
                                const char *label, struct bron_error *err);

/* One replacement in a redacted text. */
struct bron_replacement {
	size_t in_start;   /* the replaced bytes in the input */
	size_t in_len;
	size_t out_start;  /* where the placeholder starts in the output */
	size_t out_len;    /* its length in bytes */
	enum bron_cat cat;
};

/* A redacted text and what was replaced in it. */
struct bron_redaction {
	char *text;                  /* NUL-terminated UTF-8 */
	size_t len;
	struct bron_replacement *repl; /* in output order */
	size_t nrepl;
	/*
	 * Words that looked like names (a capital letter inside a sentence) but
	 * were left alone because they are ordinary words or known safe terms;
	 * shown in the preview summary so that the author can add them.
	 * NUL-separated, each listed once per text; nsuspects of them.
	 */
	char *suspects;
	size_t suspects_len;
	size_t nsuspects;
};

/*
 * Redacts len bytes of UTF-8 at text into out (which the caller zeroes
 * before the first use and releases with bron_redaction_free).  Invalid
 * UTF-8 is passed through unchanged unless it is part of a detected span.
 * Placeholders already handed out by this redactor are reused.
 */
bron_err bron_redact(struct bron_redactor *r, const char *text, size_t len,
                     struct bron_redaction *out, struct bron_error *err);

/* Wipes and frees what bron_redact stored in out and zeroes it. */
void bron_redaction_free(struct bron_redaction *out);

/* How many spans of each category this redactor has replaced so far. */
void bron_redactor_counts(const struct bron_redactor *r,
                          size_t counts[BRON_CAT_COUNT]);

#ifdef __cplusplus
}
#endif
#endif
