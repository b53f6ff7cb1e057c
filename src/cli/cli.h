/*
 * cli.h - what the parts of the bron program share: the command table, the
 * parsed arguments, the program's state and its exit statuses.
 */
#ifndef BRON_CLI_H
#define BRON_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bron/bron.h"

/* Exit statuses, documented in bron(1) under EXIT STATUS. */
enum exit_status {
	EXIT_OK = 0,
	EXIT_NOTHING = 1,    /* nothing found, or the user declined */
	EXIT_USAGE = 2,      /* bad command line or input */
	EXIT_PASSPHRASE = 3, /* wrong passphrase or recovery code */
	EXIT_DAMAGED = 4,    /* vault damaged or tampered with */
	EXIT_IN_USE = 5,     /* another process is writing */
	EXIT_IO = 6,         /* input/output error, disk full, read-only */
	EXIT_NO_VAULT = 7,   /* no vault there, or not a vault */
	EXIT_PERMS = 8,      /* unsafe permissions on the vault */
	EXIT_VERSION = 9,    /* vault from a newer bron */
	EXIT_NOT_FOR_YOU = 10, /* a bundle made for someone else */
	EXIT_INTERNAL = 70,  /* a bug or an exhausted resource */
};

/* ---- arguments ---- */

/* What a value completes to in the shell. */
enum complete {
	C_NONE = 0,
	C_LEVEL,
	C_TAG,
	C_AREA,
	C_ID,
	C_COMMAND,
	C_DATE, /* checked, not completed */
	C_FORMAT,
	C_WITHHELD,
	C_LANG,
	C_NAMES_SUB,
	C_KIND,       /* kinds of experience */
	C_PHASE,      /* recovery phases 1..4 */
	C_ASPECT,     /* recovery aspects */
	C_HELPED,     /* helping factors, or the author's own words */
	C_HINDERED,   /* hindering factors, likewise */
	C_ROLE,       /* who a disclosure is for */
	C_DECISION,   /* use, not-yet, never */
	C_EXP_SUB,    /* experience add|list|show|edit */
	C_TRIG_SUB,   /* triggers add|remove|show */
	C_TRIG_LIST,  /* trigger, signal, helps */
	C_IDENT_SUB,  /* identity new|show|export */
	C_CONTACTS_SUB, /* contacts add|list|remove */
	C_CONTACT,    /* a contact's name (or an age1 key) */
	C_FILE,       /* a file name (the shell scripts complete it) */
};

#define OPT_ARG 0x1      /* takes a value */
#define OPT_MULTI 0x2    /* may be repeated */
#define OPT_PRIVATE 0x4  /* its value is journal text: kept out of history */

struct opt {
	const char *name;   /* long name without dashes */
	char shortname;     /* 0 when none */
	unsigned flags;
	enum complete complete;
	const char *help;   /* N_() */
};

#define MAX_ARGS 64

struct args {
	const char *pos[MAX_ARGS];
	int npos;
	struct {
		const struct opt *opt;
		const char *value; /* NULL for flags */
	} set[MAX_ARGS];
	int nset;
};

/* The value of option name (the last one given), or NULL. */
const char *arg_value(const struct args *a, const char *name);
/* 1 when option name was given. */
int arg_flag(const struct args *a, const char *name);

/* ---- the command table ---- */

#define CMD_VAULT 0x1      /* needs an unlocked vault */
#define CMD_SHELL_ONLY 0x2 /* only inside the shell */
#define CMD_PRIVATE_POS 0x4 /* positional arguments are journal text */
#define CMD_NO_VAULT 0x8  /* never opens a vault: runs without a vault path */

struct cli;

struct command {
	const char *name;
	int (*run)(struct cli *c, const struct args *a);
	unsigned flags;
	int min_pos, max_pos;
	enum complete pos_complete[3]; /* what each positional completes to */
	const char *params;  /* e.g. "ID LEVEL", N_() */
	const char *summary; /* N_() */
	const struct opt *opts;
};

extern const struct command commands[];
const struct command *command_find(const char *name);

/*
 * Parses argv (for one command) against cmd's options into a.  Pointers in
 * a point into argv.  Prints one sentence and returns EXIT_USAGE on error.
 */
int args_parse(const struct command *cmd, int argc, char **argv,
               struct args *a);

/* ---- the program's state ---- */

struct cli {
	const char *vault_path;
	int passfd;                /* -1: ask on the terminal */
	int in_shell;
	int color;                 /* colour on stdout */
	unsigned idle_seconds;     /* shell lock timeout */
	struct bron_vault *vault;  /* open (maybe locked) or NULL */
	int quit;
};

/* Maps a library error to an exit status and prints its message. */
int fail(const struct bron_error *err);
/* Prints "bron: " and a formatted, translated message to stderr. */
void say_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Opens and unlocks the vault if it is not yet; asks the passphrase. */
int need_vault(struct cli *c);

/* Runs one command line (already split) in the shell or one-shot. */
int run_command(struct cli *c, int argc, char **argv);

/* ---- commands.c ---- */

/* Resolves a hex id prefix to one record id; prints why not. */
int resolve_id(struct cli *c, const char *prefix, bron_id *id);
/* Level names: parses English and Dutch names; returns -1 when unknown. */
int level_parse(const char *s);
const char *level_name(int level);    /* the canonical English name */
const char *level_label(int level);   /* translated, for display */
extern const char *const level_names[]; /* every accepted name, for completion */
extern const char *const area_names[];  /* life area keys */
const char *area_label(const char *key);

/* Collects the tags used in the vault (for completion); NULL-terminated,
 * owned by the caller, free with strv_free. */
char **collect_tags(struct cli *c);
void strv_free(char **v);

/* ---- shell.c ---- */

int shell_run(struct cli *c);
/* Splits a shell line into words (quotes and backslashes as in sh). */
int split_line(const char *line, char ***argv, int *argc);
void free_words(char **argv, int argc);

/* ---- term.c ---- */

/*
 * Reads a passphrase with echo off from the terminal (or one line from
 * c->passfd).  Returns a sodium_malloc'ed NUL-terminated string (free with
 * sodium_free) or NULL (message printed).
 */
char *read_passphrase(struct cli *c, const char *prompt);
/* Whether the last terminal read was cancelled by a signal (Ctrl-C). */
int input_cancelled(void);
void note_cancelled(void);
/* The exit status for an input that could not be read. */
#define EXIT_FOR_INPUT() (input_cancelled() ? EXIT_NOTHING : EXIT_IO)
/* Asks a yes/no question on the terminal; 1 for yes. */
int confirm(const char *question);
/* Terminal width of stdout, 80 when not a terminal. */
int term_width(void);
/* Sets up colour for stdout (TTY, NO_COLOR). */
int want_color(void);

/* ---- editor.c ---- */

/*
 * Lets the user edit text in $EDITOR on a tmpfs.  On success *out is a
 * malloc'ed string (wipe and free it).  Prints why on failure.
 */
int edit_text(const char *initial, char **out);

/* ---- dates.c ---- */

/*
 * Parses a date as a user writes it (2026-11-28, 28-11-2026, today,
 * yesterday, vandaag, gisteren, -7d, -2w) relative to now, into the start of
 * that local day.  Returns 0, or -1 when it is not a date.
 */
int date_parse(const char *s, int64_t now, int64_t *day_start);

/* ---- text input ---- */

/*
 * Reads all of stream into a malloc'ed string (wipe and free it).  With
 * prompt set, reads lines up to a lone "." (interactive entry).  NULL on
 * error (message printed).
 */
char *read_body(FILE *in, int interactive);

#endif
