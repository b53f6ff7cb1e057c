/*
 * vocab.h - the words of guided reflection: kinds of experience, recovery
 * phases and aspects, helping and hindering factors, the people a
 * disclosure is for, and decisions.  Each word has an English key (stored
 * in the vault), a Dutch alias (accepted on input) and a label (shown,
 * translated).
 */
#ifndef BRON_CLI_VOCAB_H
#define BRON_CLI_VOCAB_H

#include <stddef.h>

struct word {
	const char *key, *alias, *label;
};

struct vocab {
	const struct word *w;
	size_t n;
	const char *const *names; /* every key and alias, NULL-terminated */
	const char *what;         /* N_(): "kind of experience", ... */
};

extern const struct vocab vocab_kinds, vocab_phases, vocab_aspects,
	vocab_helped, vocab_hindered, vocab_roles, vocab_decisions;

/* The key for s (a key or alias, case ignored), or NULL. */
const char *vocab_key(const struct vocab *v, const char *s);
/* The index of s in v, or -1. */
int vocab_index(const struct vocab *v, const char *s);
/* The translated label of key; an unknown key (the author's own words)
 * is shown as it is. */
const char *vocab_label(const struct vocab *v, const char *key);
/* Prints "  key  alias  label" lines under a heading, for help. */
void vocab_print(const struct vocab *v, const char *heading);

/* A phase as 1..4 from "2", "struggling" or "worstelen"; 0 if none. */
int phase_parse(const char *s);
/* A decision as a bron_level from use/not-yet/never (or a level name);
 * -1 if none. */
int decision_parse(const char *s);
/* The translated word for a decision (bron_level), or "undecided". */
const char *decision_label(int decision);

#endif
