/*
 * commands.h - the command handlers behind the table in commands.c, and the
 * helpers they share.
 */
#ifndef BRON_CLI_COMMANDS_H
#define BRON_CLI_COMMANDS_H

#include "cli.h"

int cmd_init(struct cli *c, const struct args *a);
int cmd_add(struct cli *c, const struct args *a);
int cmd_list(struct cli *c, const struct args *a);
int cmd_show(struct cli *c, const struct args *a);
int cmd_edit(struct cli *c, const struct args *a);
int cmd_delete(struct cli *c, const struct args *a);
int cmd_search(struct cli *c, const struct args *a);
int cmd_level(struct cli *c, const struct args *a);
int cmd_passwd(struct cli *c, const struct args *a);
int cmd_recover(struct cli *c, const struct args *a);
int cmd_rekey(struct cli *c, const struct args *a);
int cmd_backup(struct cli *c, const struct args *a);
int cmd_verify(struct cli *c, const struct args *a);
int cmd_lock(struct cli *c, const struct args *a);
int cmd_help(struct cli *c, const struct args *a);
int cmd_quit(struct cli *c, const struct args *a);
int cmd_names(struct cli *c, const struct args *a);
int cmd_supervision(struct cli *c, const struct args *a);
int cmd_shared(struct cli *c, const struct args *a);
int cmd_redact(struct cli *c, const struct args *a);

int cmd_experience(struct cli *c, const struct args *a);
int cmd_story(struct cli *c, const struct args *a);
int cmd_plan(struct cli *c, const struct args *a);
int cmd_disclosed(struct cli *c, const struct args *a);
int cmd_triggers(struct cli *c, const struct args *a);
int cmd_prompt(struct cli *c, const struct args *a);
int cmd_overview(struct cli *c, const struct args *a);
int cmd_identity(struct cli *c, const struct args *a);
int cmd_contacts(struct cli *c, const struct args *a);
int cmd_open(struct cli *c, const struct args *a);

/* Subcommand words (cmd_keys.c). */
extern const char *const identity_subcommands[];
extern const char *const contacts_subcommands[];
/* The contacts' names, for completion; NULL-terminated, free with
 * strv_free; NULL when the vault is locked. */
char **contact_names(struct cli *c);
/* Whether supervision was asked for a bundle (--to). */
int bundle_wanted(const struct args *a);
/* Checks the bundle options before any work; prints why not. */
int bundle_check(const struct args *a);
/*
 * Seals text for the --to recipients (and the author, unless --not-me)
 * into an age file, armored with --armor: *out (free()) is ciphertext and
 * *nrecip the number of recipients.  Prints why not.
 */
int bundle_seal(struct cli *c, const struct args *a, const char *text,
                size_t len, char **out, size_t *outlen, size_t *nrecip);

/* Subcommand words (cmd_reflect.c). */
extern const char *const experience_subcommands[];
extern const char *const triggers_subcommands[];
extern const char *const triggers_lists[];

/*
 * Resolves an id prefix to an experience; with x set, also loads it (release
 * it with bron_experience_release) and its revision.  Prints why not.
 */
struct bron_experience;
int resolve_experience(struct cli *c, const char *prefix, bron_id *id,
                       struct bron_experience *x, uint64_t *rev);

/* Writes text to a new file, 0600 (cmd_share.c); with force it replaces. */
int write_private_file(const char *path, const char *text, size_t len,
                       int force);
/*
 * A redactor that knows the vault's pseudonyms (cmd_share.c); NULL after
 * printing why.  Free it with bron_redactor_free.
 */
struct bron_redactor;
struct bron_redactor *vault_redactor(struct cli *c);
/* s with private passages cut and identifying details replaced, as in a
 * supervision view; malloc'ed (wipe with free_text), NULL on failure. */
char *redact_plain(struct bron_redactor *r, const char *s);
/* Loads entry id (cmd_entry.c); *rev gets its revision.  Prints why not. */
int load_entry(struct cli *c, bron_id id, struct bron_entry *e,
               uint64_t *rev);
/* Saves e as id (0: new) on top of revision rev.  Prints why not. */
int save_entry(struct cli *c, bron_id *id, uint64_t rev,
               const struct bron_entry *e);
/* Case- and accent-insensitive equality of two names (cmd_share.c). */
int same_name(const char *a, const char *b);
/* Wipes and frees a string (NULL is fine). */
void free_text(char *s);
/* Prints a local date, with the time of day when with_time is set. */
void print_date(FILE *out, int64_t t, int with_time);

/* Short ids as list prints them: the first ID_SHORT hex digits. */
#define ID_SHORT 8
/* Prints s as a JSON string, or null for NULL. */
void json_print_string(FILE *out, const char *s);
/* Word lists of option values, NULL-terminated (cmd_share.c). */
extern const char *const format_names[];
extern const char *const withheld_names[];
extern const char *const lang_names[];
extern const char *const names_subcommands[];
/* The place of s in words, or -1. */
int word_index(const char *const *words, const char *s);

/* The selection options shared by list, search and supervision. */
struct filter {
	int level;        /* -1: any */
	const char *tag;  /* NULL: any */
	const char *area; /* canonical key or NULL */
	const char *kind; /* kind-of-experience key or NULL */
	const char *aspect; /* recovery-aspect key or NULL */
	int phase;        /* 1..4, 0: any */
	int64_t since, until; /* [since, until) */
	int has_since, has_until;
	char *query;      /* folded search text, NULL for list */
	size_t qlen;
};
/* Fills f from the options, which run_command() has already checked. */
void parse_filter(const struct args *a, struct filter *f);
/* 1 when e passes f's level, area, tag and date conditions. */
int filter_matches(const struct filter *f, const struct bron_entry *e);

/* The canonical key of a life area given in English or Dutch, or NULL. */
const char *area_key(const char *s);
unsigned area_index(const char *key);
const char *area_by_index(unsigned i);
/* The exit status for a library error code. */
int exit_for(bron_err code);
/* Opens c->vault (still locked) if it is not open. */
int open_vault(struct cli *c, unsigned flags);
/* Unlocks c->vault with pass. */
int unlock_with(struct cli *c, const char *pass);

#endif
