/*
 * commands.c - the command table, and what every command shares: running
 * one (one-shot or in the shell), opening the vault, mapping errors to exit
 * statuses, and the vocabularies (levels, life areas, ids).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"
#include "commands.h"
#include "i18n.h"
#include "vocab.h"

/* ---- vocabularies ---- */

const char *const level_names[] = {"private", "not-yet-shareable", "shareable",
                                   "privé", "prive", "nog-niet-deelbaar",
                                   "deelbaar", NULL};

int level_parse(const char *s)
{
	static const int value[] = {BRON_LEVEL_PRIVATE, BRON_LEVEL_NOT_YET,
	                            BRON_LEVEL_SHAREABLE, BRON_LEVEL_PRIVATE,
	                            BRON_LEVEL_PRIVATE, BRON_LEVEL_NOT_YET,
	                            BRON_LEVEL_SHAREABLE};
	char a[32], b[32];
	size_t n = strlen(s);
	if (n >= sizeof(a))
		return -1;
	bron_fold(s, n, a); /* PRIVÉ, Privé and prive are one level */
	for (int i = 0; level_names[i]; i++) {
		bron_fold(level_names[i], strlen(level_names[i]), b);
		if (strcmp(a, b) == 0)
			return value[i];
	}
	return -1;
}

const char *level_name(int level)
{
	return level_names[level >= 0 && level <= 2 ? level : 0];
}

const char *level_label(int level)
{
	switch (level) {
	case BRON_LEVEL_SHAREABLE:
		return _("shareable");
	case BRON_LEVEL_NOT_YET:
		return _("not yet shareable");
	default:
		return _("private");
	}
}

/* Life areas: the key stored in an entry, a Dutch alias, the label. */
static const struct {
	const char *key, *alias, *label;
} areas[] = {
	{"family-of-origin", "gezin-van-herkomst", N_("family of origin")},
	{"home", "wonen", N_("where you live and grew up")},
	{"school", "opleiding", N_("school and education")},
	{"work", "werk", N_("work")},
	{"friends", "vrienden", N_("friends")},
	{"leisure", "vrije-tijd", N_("leisure")},
	{"relationships", "relaties", N_("relationships")},
	{"parenthood", "ouderschap", N_("parenthood")},
	{"growing-older", "ouder-worden", N_("growing older")},
};
#define NAREAS (sizeof(areas) / sizeof(areas[0]))

const char *const area_names[] = {
	"family-of-origin", "home", "school", "work", "friends", "leisure",
	"relationships", "parenthood", "growing-older", "gezin-van-herkomst",
	"wonen", "opleiding", "werk", "vrienden", "vrije-tijd", "relaties",
	"ouderschap", "ouder-worden", NULL};

const char *area_key(const char *s)
{
	for (size_t i = 0; i < NAREAS; i++)
		if (strcasecmp(s, areas[i].key) == 0 ||
		    strcasecmp(s, areas[i].alias) == 0)
			return areas[i].key;
	return NULL;
}

/* 0 for no or an unknown area, else its place in the table plus one. */
unsigned area_index(const char *key)
{
	for (size_t i = 0; key && i < NAREAS; i++)
		if (strcasecmp(key, areas[i].key) == 0 ||
		    strcasecmp(key, areas[i].alias) == 0)
			return (unsigned)i + 1;
	return 0;
}

const char *area_by_index(unsigned i)
{
	return i >= 1 && i <= NAREAS ? areas[i - 1].key : NULL;
}

const char *area_label(const char *key)
{
	for (size_t i = 0; i < NAREAS; i++)
		if (key && strcmp(key, areas[i].key) == 0)
			return _(areas[i].label);
	return key ? key : "";
}

/* ---- errors ---- */

void say_error(const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fputs("bron: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int exit_for(bron_err code)
{
	switch (code) {
	case BRON_OK:
		return EXIT_OK;
	case BRON_E_PASSPHRASE:
	case BRON_E_RECOVERY:
	case BRON_E_RECOVERY_TYPO:
		return EXIT_PASSPHRASE;
	case BRON_E_DAMAGED:
	case BRON_E_TAMPERED:
	case BRON_E_TRUNCATED:
	case BRON_E_MANIFEST:
	case BRON_E_ROWS_MISSING:
	case BRON_E_ROWS_EXTRA:
	case BRON_E_ROLLBACK:
	case BRON_E_CODEC:
	case BRON_E_KDF_PARAMS:
		return EXIT_DAMAGED;
	case BRON_E_IN_USE:
	case BRON_E_CONFLICT:
		return EXIT_IN_USE;
	case BRON_E_IO:
	case BRON_E_NOSPACE:
	case BRON_E_READONLY:
		return EXIT_IO;
	case BRON_E_NOT_FOUND:
	case BRON_E_NOT_VAULT:
		return EXIT_NO_VAULT;
	case BRON_E_PERMS:
		return EXIT_PERMS;
	case BRON_E_VERSION:
		return EXIT_VERSION;
	case BRON_E_INVALID:
	case BRON_E_EXISTS:
	case BRON_E_NOT_AGE:
		return EXIT_USAGE;
	case BRON_E_NOT_FOR_YOU:
		return EXIT_NOT_FOR_YOU;
	default:
		return EXIT_INTERNAL;
	}
}

int fail(const struct bron_error *err)
{
	say_error("%s", err->msg[0] ? err->msg : bron_strerror(err->code));
	return exit_for(err->code);
}

/* ---- the vault ---- */

int open_vault(struct cli *c, unsigned flags)
{
	struct bron_error err;
	if (c->vault)
		return EXIT_OK;
	if (bron_vault_open(c->vault_path, flags, &c->vault, &err) != BRON_OK) {
		if (err.code == BRON_E_NOT_FOUND) {
			say_error(_("no vault at %s; create one with 'bron init'"),
			          c->vault_path);
			return EXIT_NO_VAULT;
		}
		return fail(&err);
	}
	return EXIT_OK;
}

int unlock_with(struct cli *c, const char *pass)
{
	struct bron_error err;
	if (bron_vault_unlock(c->vault, pass, strlen(pass), &err) != BRON_OK)
		return fail(&err);
	return EXIT_OK;
}

int need_vault(struct cli *c)
{
	int rc = open_vault(c, 0);
	if (rc != EXIT_OK || bron_vault_is_unlocked(c->vault))
		return rc;
	char *pass = read_passphrase(c, _("Passphrase: "));
	if (!pass)
		return EXIT_FOR_INPUT();
	rc = unlock_with(c, pass);
	sodium_free(pass);
	return rc;
}

/* ---- ids ---- */

struct prefix_match {
	const char *prefix;
	size_t len;
	bron_id found;
	int count;
};

static int match_prefix(void *ctx, bron_id id, uint64_t rev)
{
	struct prefix_match *m = ctx;
	char hex[17];
	(void)rev;
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)id);
	if (strncasecmp(hex, m->prefix, m->len) == 0) {
		m->found = id;
		m->count++;
	}
	return 0;
}

int resolve_id(struct cli *c, const char *prefix, bron_id *id)
{
	struct bron_error err;
	struct prefix_match m = {.prefix = prefix, .len = strlen(prefix)};
	if (m.len < 1 || m.len > 16 ||
	    strspn(prefix, "0123456789abcdefABCDEF") != m.len) {
		say_error(_("'%s' is not an entry id (1 to 16 hexadecimal "
		            "characters)"),
		          prefix);
		return EXIT_USAGE;
	}
	if (bron_vault_foreach_id(c->vault, match_prefix, &m, &err) != BRON_OK)
		return fail(&err);
	if (m.count == 0) {
		say_error(_("no entry with id %s"), prefix);
		return EXIT_NOTHING;
	}
	if (m.count > 1) {
		say_error(ngettext("id %s is ambiguous: %d entry starts with it; "
		                   "type more characters",
		                   "id %s is ambiguous: %d entries start with it; "
		                   "type more characters",
		                   (unsigned long)m.count),
		          prefix, m.count);
		return EXIT_USAGE;
	}
	*id = m.found;
	return EXIT_OK;
}

void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++) {
		sodium_memzero(v[i], strlen(v[i]));
		free(v[i]);
	}
	free(v);
}

/* ---- the table ---- */

#define STRUCTURE_FILTERS                                                   \
	{"kind", 'k', OPT_ARG, C_KIND,                                      \
	 N_("only entries about this kind of experience")},                 \
	{"phase", 'p', OPT_ARG, C_PHASE,                                    \
	 N_("only entries about this recovery phase (1-4)")},               \
	{"aspect", 0, OPT_ARG, C_ASPECT,                                    \
	 N_("only entries touching this recovery aspect")}

/* add and edit: the reflection structure of an entry */
#define STRUCTURE_OPTS(what)                                                \
	{"kind", 'k', OPT_ARG | OPT_MULTI, C_KIND,                          \
	 N_("a kind of experience; give it again for more")},              \
	{"phase", 'p', OPT_ARG, C_PHASE,                                    \
	 N_("the recovery phase the entry is about: 1 to 4")},              \
	{"aspect", 0, OPT_ARG | OPT_MULTI, C_ASPECT,                        \
	 N_("a recovery aspect the entry touches; again for more")},       \
	{"helped", 0, OPT_ARG | OPT_MULTI | OPT_PRIVATE, C_HELPED,          \
	 N_("what helped: a factor below or your own words")},             \
	{"hindered", 0, OPT_ARG | OPT_MULTI | OPT_PRIVATE, C_HINDERED,      \
	 N_("what hindered: a factor below or your own words")},           \
	{"experience", 'x', OPT_ARG, C_ID, what}

#define FILTER_OPTS                                                         \
	{"level", 'l', OPT_ARG, C_LEVEL, N_("only entries at this level")}, \
	{"tag", 't', OPT_ARG | OPT_PRIVATE, C_TAG,                          \
	 N_("only entries with this tag")},                                 \
	{"area", 'a', OPT_ARG, C_AREA, N_("only entries in this life area")}, \
	{"since", 0, OPT_ARG, C_DATE, N_("only entries from this day on")}, \
	{"until", 0, OPT_ARG, C_DATE, N_("only entries up to this day")},   \
	STRUCTURE_FILTERS,                                                  \
	{"json", 0, 0, C_NONE, N_("print JSON for scripts")}

/* init, passwd and recover: how strong the new passphrase's protection is */
static const struct opt passphrase_opts[] = {
	{"kdf-memory", 0, OPT_ARG, C_NONE,
	 N_("Argon2id memory in MiB instead of calibrating")},
	{"kdf-passes", 0, OPT_ARG, C_NONE,
	 N_("Argon2id passes instead of calibrating")},
	{"force", 0, 0, C_NONE, N_("accept a weak passphrase")},
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt add_opts[] = {
	{"title", 0, OPT_ARG | OPT_PRIVATE, C_NONE, N_("the entry's title")},
	{"level", 'l', OPT_ARG, C_LEVEL,
	 N_("shareable, not-yet-shareable or private (the default)")},
	{"tag", 't', OPT_ARG | OPT_MULTI | OPT_PRIVATE, C_TAG,
	 N_("a tag; give it again for more")},
	{"area", 'a', OPT_ARG, C_AREA, N_("the life area the entry is about")},
	{"edit", 'e', 0, C_NONE, N_("write the text in $EDITOR")},
	STRUCTURE_OPTS(N_("the experience (its id) the entry belongs to")),
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt list_opts[] = {
	FILTER_OPTS,
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt show_opts[] = {
	{"json", 0, 0, C_NONE, N_("print JSON for scripts")},
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt edit_opts[] = {
	{"title", 0, OPT_ARG | OPT_PRIVATE, C_NONE, N_("a new title")},
	{"tag", 't', OPT_ARG | OPT_MULTI | OPT_PRIVATE, C_TAG,
	 N_("replace the tags; give it again for more")},
	{"area", 'a', OPT_ARG, C_AREA, N_("a new life area")},
	{"edit", 'e', 0, C_NONE,
	 N_("also edit the text when changing other fields")},
	STRUCTURE_OPTS(N_("the experience (its id, or none) it belongs to")),
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt delete_opts[] = {
	{"yes", 'y', 0, C_NONE, N_("do not ask for confirmation")},
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt level_opts[] = {
	{"why", 0, OPT_ARG | OPT_PRIVATE, C_NONE,
	 N_("why the level changes, kept in the entry's history")},
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt names_opts[] = {
	{"as", 0, OPT_ARG | OPT_PRIVATE, C_NONE,
	 N_("with add: the label to show instead of the name")},
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt supervision_opts[] = {
	{"tag", 't', OPT_ARG | OPT_PRIVATE, C_TAG,
	 N_("only entries with this tag")},
	{"area", 'a', OPT_ARG, C_AREA, N_("only entries in this life area")},
	{"since", 0, OPT_ARG, C_DATE, N_("only entries from this day on")},
	{"until", 0, OPT_ARG, C_DATE, N_("only entries up to this day")},
	STRUCTURE_FILTERS,
	{"withheld", 0, OPT_ARG, C_WITHHELD,
	 N_("not-yet-shareable entries: omit (default), placeholder or count")},
	{"format", 'f', OPT_ARG, C_FORMAT, N_("md (default), txt, html or json")},
	{"out", 'o', OPT_ARG | OPT_PRIVATE, C_FILE,
	 N_("write to this file (0600) instead of the screen")},
	{"force", 0, 0, C_NONE, N_("replace the file if it exists")},
	{"yes", 'y', 0, C_NONE, N_("write without the preview and question")},
	{"to", 0, OPT_ARG | OPT_MULTI | OPT_PRIVATE, C_CONTACT,
	 N_("encrypt it for this contact or age1 key; give it again for more")},
	{"armor", 0, 0, C_NONE,
	 N_("with --to: write the bundle as text (for e-mail)")},
	{"not-me", 0, 0, C_NONE,
	 N_("with --to: leave yourself out of the recipients")},
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt identity_opts[] = {
	{"out", 'o', OPT_ARG | OPT_PRIVATE, C_FILE,
	 N_("with export: the file to write the secret key to (0600)")},
	{"force", 0, 0, C_NONE, N_("replace the file if it exists")},
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt open_opts[] = {
	{"out", 'o', OPT_ARG | OPT_PRIVATE, C_FILE,
	 N_("write to this file (0600) instead of the screen")},
	{"force", 0, 0, C_NONE, N_("replace the file if it exists")},
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt shared_opts[] = {
	{"json", 0, 0, C_NONE, N_("print JSON for scripts")},
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt redact_opts[] = {
	{"names", 'n', OPT_ARG | OPT_MULTI | OPT_PRIVATE, C_FILE,
	 N_("a file of names to replace: one 'name' or 'name=label' a line")},
	{"lang", 0, OPT_ARG, C_LANG,
	 N_("the text's language: auto (default), nl or en")},
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt experience_opts[] = {
	{"title", 0, OPT_ARG | OPT_PRIVATE, C_NONE, N_("with edit: a new title")},
	{"kind", 'k', OPT_ARG, C_KIND, N_("the kind of experience")},
	{"area", 'a', OPT_ARG, C_AREA, N_("the life area it happened in")},
	{"when", 0, OPT_ARG | OPT_PRIVATE, C_NONE,
	 N_("when it happened, in your own words (2015, as a child)")},
	{"phase", 'p', OPT_ARG, C_PHASE,
	 N_("the phase you are in now with it: 1 to 4")},
	{"decision", 'd', OPT_ARG, C_DECISION,
	 N_("use it professionally: use, not-yet or never")},
	{"json", 0, 0, C_NONE, N_("with list: print JSON for scripts")},
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt story_opts[] = {
	{"title", 0, OPT_ARG | OPT_PRIVATE, C_NONE, N_("the story's title")},
	{"level", 'l', OPT_ARG, C_LEVEL,
	 N_("shareable, not-yet-shareable or private (the default)")},
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt plan_opts[] = {
	{"show", 0, 0, C_NONE, N_("show the plan instead of writing one")},
	{"what", 0, OPT_ARG | OPT_PRIVATE, C_NONE,
	 N_("what exactly you would share (else asked)")},
	{"with", 0, OPT_ARG, C_NONE,
	 N_("with whom: roles with commas between (else asked)")},
	{"why", 0, OPT_ARG | OPT_PRIVATE, C_NONE,
	 N_("what it should bring the other person (else asked)")},
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt disclosed_opts[] = {
	{"role", 'r', OPT_ARG | OPT_PRIVATE, C_ROLE,
	 N_("with whom, as a role, never a name (else asked)")},
	{"context", 0, OPT_ARG | OPT_PRIVATE, C_NONE,
	 N_("the situation (else asked)")},
	{"outcome", 0, OPT_ARG | OPT_PRIVATE, C_NONE,
	 N_("how it went (else asked)")},
	{"differently", 0, OPT_ARG | OPT_PRIVATE, C_NONE,
	 N_("what you would do differently (else asked)")},
	{"list", 0, 0, C_NONE, N_("list what you shared of it so far")},
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt overview_opts[] = {
	{"svg", 0, OPT_ARG | OPT_PRIVATE, C_FILE,
	 N_("write the picture as SVG to this file (0600)")},
	{"force", 0, 0, C_NONE, N_("replace the file if it exists")},
	{"shareable", 0, 0, C_NONE,
	 N_("only what a supervision view may show (redacted)")},
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct opt none_opts[] = {
	{NULL, 0, 0, C_NONE, NULL},
};

const struct command commands[] = {
	{"init", cmd_init, 0, 0, 0, {C_NONE}, "",
	 N_("create a new vault"), passphrase_opts},
	{"add", cmd_add, CMD_VAULT, 0, 0, {C_NONE}, "",
	 N_("write a new entry (text from stdin, a prompt or $EDITOR)"),
	 add_opts},
	{"list", cmd_list, CMD_VAULT, 0, 0, {C_NONE}, "",
	 N_("list entries, newest first"), list_opts},
	{"show", cmd_show, CMD_VAULT, 1, 1, {C_ID}, N_("ID"),
	 N_("show one entry with its history"), show_opts},
	{"edit", cmd_edit, CMD_VAULT, 1, 1, {C_ID}, N_("ID"),
	 N_("change an entry's text or details"), edit_opts},
	{"delete", cmd_delete, CMD_VAULT, 1, 1, {C_ID}, N_("ID"),
	 N_("delete an entry for good"), delete_opts},
	{"search", cmd_search, CMD_VAULT | CMD_PRIVATE_POS, 1, 1, {C_NONE},
	 N_("TEXT"),
	 N_("find entries by title, text or tag (case and accents ignored)"),
	 list_opts},
	{"level", cmd_level, CMD_VAULT, 2, 2, {C_ID, C_LEVEL}, N_("ID LEVEL"),
	 N_("change how shareable an entry is"), level_opts},
	{"names", cmd_names, CMD_VAULT | CMD_PRIVATE_POS, 1, 2,
	 {C_NAMES_SUB, C_NONE}, N_("add NAME | list | remove NAME"),
	 N_("people and places always replaced in a supervision view"),
	 names_opts},
	{"supervision", cmd_supervision, CMD_VAULT, 0, 0, {C_NONE}, "",
	 N_("the shareable entries, redacted, for supervision or intervision"),
	 supervision_opts},
	{"shared", cmd_shared, CMD_VAULT, 0, 0, {C_NONE}, "",
	 N_("which views were written, when, and with which entries"),
	 shared_opts},
	{"redact", cmd_redact, CMD_NO_VAULT, 0, 0, {C_NONE}, "",
	 N_("redact text from standard input to standard output (no vault)"),
	 redact_opts},
	{"experience", cmd_experience, CMD_VAULT | CMD_PRIVATE_POS, 1, 2,
	 {C_EXP_SUB, C_ID}, N_("add TITLE | list | show ID | edit ID"),
	 N_("the inventory of your experiences, each with a decision"),
	 experience_opts},
	{"story", cmd_story, CMD_VAULT, 0, 1, {C_ID}, N_("[EXPERIENCE]"),
	 N_("write an experience phase by phase, guided (resumable)"),
	 story_opts},
	{"plan", cmd_plan, CMD_VAULT, 1, 1, {C_ID}, N_("EXPERIENCE"),
	 N_("what you would share, with whom and why, and the check"),
	 plan_opts},
	{"disclosed", cmd_disclosed, CMD_VAULT, 1, 1, {C_ID}, N_("EXPERIENCE"),
	 N_("note that you shared something of an experience, and how it went"),
	 disclosed_opts},
	{"triggers", cmd_triggers, CMD_VAULT | CMD_PRIVATE_POS, 0, 3,
	 {C_TRIG_SUB, C_TRIG_LIST, C_NONE},
	 N_("[show | add LIST TEXT | remove LIST NUMBER]"),
	 N_("your plan for triggers, early signals and what helps (private)"),
	 none_opts},
	{"prompt", cmd_prompt, CMD_VAULT, 0, 1, {C_AREA}, N_("[AREA]"),
	 N_("a reflection question, preferably about what is still missing"),
	 none_opts},
	{"overview", cmd_overview, CMD_VAULT, 0, 0, {C_NONE}, "",
	 N_("counts and each experience's path through the phases"),
	 overview_opts},
	{"identity", cmd_identity, CMD_VAULT, 1, 1, {C_IDENT_SUB},
	 N_("new | show | export --out FILE"),
	 N_("your key pair for encrypted bundles (age)"), identity_opts},
	{"contacts", cmd_contacts, CMD_VAULT | CMD_PRIVATE_POS, 1, 3,
	 {C_CONTACTS_SUB, C_CONTACT, C_NONE},
	 N_("add NAME KEY | list | remove NAME"),
	 N_("the people you send encrypted bundles to"), none_opts},
	{"open", cmd_open, CMD_VAULT | CMD_PRIVATE_POS, 1, 1, {C_FILE},
	 N_("FILE"), N_("decrypt and show a bundle made for you"), open_opts},
	{"passwd", cmd_passwd, 0, 0, 0, {C_NONE}, "",
	 N_("change the passphrase"), passphrase_opts},
	{"recover", cmd_recover, 0, 0, 0, {C_NONE}, "",
	 N_("open the vault with the recovery code and set a new passphrase"),
	 passphrase_opts},
	{"rekey", cmd_rekey, 0, 0, 0, {C_NONE}, "",
	 N_("replace the master key and re-encrypt everything"), none_opts},
	{"backup", cmd_backup, CMD_VAULT, 1, 1, {C_FILE}, N_("FILE"),
	 N_("write a verified copy of the vault to a new file"), none_opts},
	{"verify", cmd_verify, 0, 0, 0, {C_NONE}, "",
	 N_("check every record and the manifest"), none_opts},
	{"lock", cmd_lock, CMD_SHELL_ONLY, 0, 0, {C_NONE}, "",
	 N_("forget the keys until the passphrase is given again"), none_opts},
	{"help", cmd_help, CMD_NO_VAULT, 0, 1, {C_COMMAND}, N_("[COMMAND]"),
	 N_("list the commands, or explain one"), none_opts},
	{"quit", cmd_quit, CMD_SHELL_ONLY, 0, 0, {C_NONE}, "",
	 N_("leave the shell"), none_opts},
	{NULL, NULL, 0, 0, 0, {C_NONE}, NULL, NULL, NULL},
};

const struct command *command_find(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* Checks one value against what its option or argument holds. */
static int check_value(enum complete what, const char *v)
{
	int64_t day;
	switch (what) {
	case C_LEVEL:
		if (level_parse(v) >= 0)
			return EXIT_OK;
		say_error(_("unknown level '%s'; use shareable, not-yet-shareable "
		            "or private"),
		          v);
		return EXIT_USAGE;
	case C_AREA:
		if (area_key(v))
			return EXIT_OK;
		say_error(_("unknown life area '%s'; 'help add' lists them"), v);
		return EXIT_USAGE;
	case C_DATE:
		if (date_parse(v, (int64_t)time(NULL), &day) == 0)
			return EXIT_OK;
		say_error(_("'%s' is not a date (try 2026-11-28, 28-11-2026, "
		            "today or -7d)"),
		          v);
		return EXIT_USAGE;
	case C_FORMAT:
	case C_WITHHELD:
	case C_LANG:
	case C_NAMES_SUB:
	case C_EXP_SUB:
	case C_TRIG_SUB:
	case C_TRIG_LIST:
	case C_IDENT_SUB:
	case C_CONTACTS_SUB: {
		const char *const *w = what == C_FORMAT     ? format_names
		                       : what == C_WITHHELD ? withheld_names
		                       : what == C_LANG     ? lang_names
		                       : what == C_EXP_SUB  ? experience_subcommands
		                       : what == C_TRIG_SUB ? triggers_subcommands
		                       : what == C_TRIG_LIST ? triggers_lists
		                       : what == C_IDENT_SUB ? identity_subcommands
		                       : what == C_CONTACTS_SUB ? contacts_subcommands
		                                            : names_subcommands;
		if (word_index(w, v) >= 0)
			return EXIT_OK;
		say_error(_("'%s' is not one of: %s"), v,
		          what == C_FORMAT      ? "md, txt, html, json"
		          : what == C_WITHHELD  ? "omit, placeholder, count"
		          : what == C_LANG      ? "auto, nl, en"
		          : what == C_EXP_SUB   ? "add, list, show, edit"
		          : what == C_TRIG_SUB  ? "show, add, remove"
		          : what == C_TRIG_LIST ? _("trigger, signal, helps")
		          : what == C_IDENT_SUB ? "new, show, export"
		                                : "add, list, remove");
		return EXIT_USAGE;
	}
	case C_KIND:
	case C_ASPECT:
	case C_DECISION: {
		const struct vocab *voc = what == C_KIND     ? &vocab_kinds
		                          : what == C_ASPECT ? &vocab_aspects
		                                             : &vocab_decisions;
		if (vocab_index(voc, v) >= 0 ||
		    (what == C_DECISION && decision_parse(v) >= 0))
			return EXIT_OK;
		say_error(_("unknown %s '%s'; 'help %s' lists them"), _(voc->what),
		          v, what == C_DECISION ? "experience" : "add");
		return EXIT_USAGE;
	}
	case C_PHASE:
		if (phase_parse(v) || strcmp(v, "none") == 0)
			return EXIT_OK;
		say_error(_("unknown phase '%s'; use 1 to 4 (or overwhelmed, "
		            "struggling, living-with, background)"),
		          v);
		return EXIT_USAGE;
	case C_HELPED:
	case C_HINDERED:
	case C_ROLE:
	case C_TAG:
		if (*v)
			return EXIT_OK;
		if (what != C_TAG) {
			say_error(_("an empty value is not allowed here"));
			return EXIT_USAGE;
		}
		say_error(_("a tag cannot be empty"));
		return EXIT_USAGE;
	default:
		return EXIT_OK;
	}
}

/*
 * Checks levels, areas, dates and tags before anything else happens, so a
 * typo is reported before the passphrase is asked.
 */
static int check_values(const struct command *cmd, const struct args *a)
{
	for (int i = 0; i < a->nset; i++)
		if (a->set[i].value) {
			int rc = check_value(a->set[i].opt->complete, a->set[i].value);
			if (rc != EXIT_OK)
				return rc;
		}
	for (int i = 0; i < a->npos && i < 3; i++) {
		enum complete w = cmd->pos_complete[i];
		int rc = w == C_LEVEL || w == C_NAMES_SUB || w == C_EXP_SUB ||
		                 w == C_TRIG_SUB || w == C_TRIG_LIST || w == C_AREA
		                 ? check_value(w, a->pos[i])
		                 : EXIT_OK;
		if (rc != EXIT_OK)
			return rc;
	}
	return EXIT_OK;
}

int run_command(struct cli *c, int argc, char **argv)
{
	struct args a;
	const struct command *cmd = command_find(argv[0]);
	if (!cmd) {
		say_error(_("unknown command '%s'; 'help' lists the commands"),
		          argv[0]);
		return EXIT_USAGE;
	}
	if ((cmd->flags & CMD_SHELL_ONLY) && !c->in_shell) {
		say_error(_("'%s' works only inside the bron shell"), cmd->name);
		return EXIT_USAGE;
	}
	int rc = args_parse(cmd, argc - 1, argv + 1, &a);
	if (rc == EXIT_OK)
		rc = check_values(cmd, &a);
	if (rc != EXIT_OK)
		return rc;
	if (cmd->flags & CMD_VAULT) {
		rc = need_vault(c);
		if (rc != EXIT_OK)
			return rc;
	}
	rc = cmd->run(c, &a);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		say_error(_("cannot write the output: %s"), strerror(errno));
		return EXIT_IO;
	}
	return rc;
}

/* ---- help ---- */

static void print_usage_line(const struct command *cmd)
{
	printf("bron %s", cmd->name);
	if (cmd->opts && cmd->opts->name)
		printf(" %s", _("[OPTIONS]"));
	if (cmd->params && *cmd->params)
		printf(" %s", _(cmd->params));
	printf("\n");
}

static int takes(const struct command *cmd, enum complete what)
{
	for (const struct opt *o = cmd->opts; o && o->name; o++)
		if (o->complete == what)
			return 1;
	for (int i = 0; i < 3; i++)
		if (cmd->pos_complete[i] == what)
			return 1;
	return 0;
}

/* After a command's options: the words its values may take. */
static void print_vocabularies(const struct command *cmd)
{
	int blank = 0;
	if (takes(cmd, C_LEVEL)) {
		printf("\n%s", _("Levels: shareable (deelbaar), not-yet-shareable "
		                 "(nog-niet-deelbaar), private (privé).\n"));
		blank = 1;
	}
	if (takes(cmd, C_AREA)) {
		printf("%s%s\n", blank ? "" : "\n", _("Life areas:"));
		for (size_t i = 0; i < NAREAS; i++)
			printf("  %-18s %-20s %s\n", areas[i].key, areas[i].alias,
			       _(areas[i].label));
		blank = 1;
	}
	static const struct {
		enum complete what;
		const struct vocab *v;
		const char *heading;
	} lists[] = {
		{C_KIND, &vocab_kinds, N_("Kinds of experience:")},
		{C_PHASE, &vocab_phases, N_("Recovery phases (or 1 to 4):")},
		{C_ASPECT, &vocab_aspects, N_("Recovery aspects:")},
		{C_HELPED, &vocab_helped, N_("Helping factors (or your own words):")},
		{C_HINDERED, &vocab_hindered,
		 N_("Hindering factors (or your own words):")},
		{C_ROLE, &vocab_roles, N_("Roles (or your own words, never a name):")},
		{C_DECISION, &vocab_decisions, N_("Decisions:")},
	};
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
		if (takes(cmd, lists[i].what)) {
			printf("%s", blank ? "" : "\n");
			vocab_print(lists[i].v, _(lists[i].heading));
			blank = 1;
		}
	if (takes(cmd, C_DATE)) {
		printf("%s%s", blank ? "" : "\n",
		       _("Dates: 2026-11-28, 28-11-2026, today, yesterday, vandaag, "
		         "gisteren, -7d, -2w, -3m.\n"));
		blank = 1;
	}
	static const char *const with_passages[] = {"add", "edit", "supervision",
	                                            "redact", NULL};
	for (int i = 0; with_passages[i]; i++)
		if (strcmp(cmd->name, with_passages[i]) == 0)
			printf("%s%s", blank ? "" : "\n",
			       _("Private passages: text between [[ and ]] never "
			         "appears in a supervision view,\nwhatever the entry's "
			         "level. Write \\[[ for a literal [[. A [[ that is never "
			         "closed\nkeeps the rest of the entry private.\n"));
}

int cmd_help(struct cli *c, const struct args *a)
{
	(void)c;
	if (a->npos == 1) {
		const struct command *cmd = command_find(a->pos[0]);
		if (!cmd) {
			say_error(_("unknown command '%s'; 'help' lists the "
			            "commands"),
			          a->pos[0]);
			return EXIT_USAGE;
		}
		print_usage_line(cmd);
		printf("  %s\n", _(cmd->summary));
		for (const struct opt *o = cmd->opts; o && o->name; o++) {
			char left[64];
			int n;
			if (o->shortname)
				n = snprintf(left, sizeof(left), "-%c, --%s%s",
				             o->shortname, o->name,
				             o->flags & OPT_ARG ? " X" : "");
			else
				n = snprintf(left, sizeof(left), "    --%s%s", o->name,
				             o->flags & OPT_ARG ? " X" : "");
			printf("  %s%*s %s\n", left, n < 24 ? 24 - n : 0, "",
			       _(o->help));
		}
		print_vocabularies(cmd);
		return EXIT_OK;
	}
	printf("%s\n\n", _("bron keeps an encrypted journal of lived experience."));
	printf("%s\n", _("Commands:"));
	for (const struct command *cmd = commands; cmd->name; cmd++) {
		if ((cmd->flags & CMD_SHELL_ONLY) && !c->in_shell)
			continue;
		printf("  %-12s %s\n", cmd->name, _(cmd->summary));
	}
	printf("\n%s\n", _("'help COMMAND' explains one command and its options."));
	if (!c->in_shell)
		printf("%s\n", _("Without a command, bron opens the vault in its "
		                 "shell."));
	return EXIT_OK;
}

int cmd_quit(struct cli *c, const struct args *a)
{
	(void)a;
	c->quit = 1;
	return EXIT_OK;
}
