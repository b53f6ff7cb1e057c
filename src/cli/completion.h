/*
 * completion.h - the words values complete to, shared by the shell's
 * readline completion and the scripts for bash, zsh and fish.
 */
#ifndef BRON_CLI_COMPLETION_H
#define BRON_CLI_COMPLETION_H

#include <stdio.h>

#include "cli.h"

/*
 * The fixed words a value of kind k completes to, NULL-terminated and
 * static, or NULL when it has none: free text, a date, or what only the
 * unlocked vault knows (ids, tags, contacts).  C_COMMAND gives every
 * command, those of the shell too.
 */
const char *const *complete_words(enum complete k);

/*
 * Writes the completion script for shell ("bash", "zsh" or "fish") to out.
 * The script is English and the same on every run, whatever the locale.
 * Returns an exit status; prints why on failure.
 */
int completion_print(const char *shell, FILE *out);

#endif
