/*
 * redact_lex.h - the redactor's word lexicon: every word of the Debian word
 * lists (wdutch, wamerican, wbritish), country and region names from
 * iso-codes and the hand-written cues in data/cues.txt, folded with
 * bron_fold and stored front-coded in redact_words.c, which data/mkwords.c
 * generates at build time.  Not installed.
 *
 * Keys are folded words; multi-word keys hold single spaces ("veilig thuis")
 * and their first word carries LEX_HEAD.  A lookup costs a binary search
 * over blocks of LEX_BLOCK entries and a short scan inside one block, and no
 * set-up at all: the data is constant.
 */
#ifndef BRON_REDACT_LEX_H
#define BRON_REDACT_LEX_H

#include <stddef.h>
#include <stdint.h>

/* What the lists say about a folded word.  data/mkwords.c writes these. */
enum {
	LEX_LOW_NL = 1u << 0,    /* a lower-case Dutch word */
	LEX_LOW_EN = 1u << 1,    /* a lower-case English word */
	LEX_PROP_NL = 1u << 2,   /* capitalised in the Dutch list */
	LEX_PROP_EN = 1u << 3,   /* capitalised in an English list */
	LEX_PLACE = 1u << 4,     /* Dutch derivations suggest a place */
	LEX_GEO = 1u << 5,       /* country, region, nationality, language */
	LEX_ACRO = 1u << 6,      /* written in capitals in a list */
	LEX_HEAD = 1u << 7,      /* first word of a multi-word key */
	LEX_SAFE = 1u << 8,      /* public body, platform, feast, faith, month */
	LEX_INST = 1u << 9,      /* a named employer or care provider */
	LEX_INSTKEY = 1u << 10,  /* "basisschool", "GGZ": a name may follow */
	LEX_TITLE = 1u << 11,    /* "mevrouw", "tante", "Dr": a name follows */
	LEX_PARTICLE = 1u << 12, /* "van", "de", "ter": inside surnames */
	LEX_PREP = 1u << 13,     /* "in", "uit": a place follows */
	LEX_AGENOUN = 1u << 14,  /* "jongen", "dochter": an age may follow */
	LEX_VERB = 1u << 15,     /* "zei", "belde": follows a subject */
	LEX_WEAKPREP = 1u << 16, /* "naar", "from": a place or a person */
	LEX_INSTPOST = 1u << 17, /* "Ziekenhuis", "Ltd": ends a name */
	LEX_STREET = 1u << 18,   /* "Street", "Road": ends a street name */
	LEX_ABBR = 1u << 19,     /* "mw", "St": a full stop after it */
	LEX_UNIT = 1u << 20,     /* "uur", "euro": a count, not an age */
	LEX_BIRTH = 1u << 21,    /* "geboren", "born": a birth date follows */
	LEX_NOTGEO = 1u << 22,   /* only while generating: drop LEX_GEO */
	LEX_EVENT = 1u << 23,    /* "oorlog", "lockdown": a public event */
	LEX_PERSONAL = 1u << 24, /* "ik", "her": the sentence is about someone */
	LEX_YEARCUE = 1u << 25,  /* "sinds", "since": a year may follow */
};

#define LEX_BLOCK 16
#define LEX_KEY_MAX 127

/* Generated data (redact_words.c). */
extern const unsigned char bron_lex_data[];
extern const uint32_t bron_lex_block[];
extern const uint32_t bron_lex_nblocks;
extern const uint32_t bron_lex_nkeys;

/* The flags of a folded key, 0 when the lists do not know it. */
uint32_t bron_lex_find(const char *key, size_t len);

#endif
