/*
 * completion.c - completion scripts for bash, zsh and fish, written from
 * the command table so that they cannot drift from it.  A script knows the
 * commands, their options and the fixed words of each value.  What only the
 * unlocked vault knows (ids, tags, contacts) it leaves alone: completing
 * must never ask for a passphrase.  The build runs this and installs the
 * output, so nothing here is translated and the bytes are the same on
 * every run, whatever the locale.
 */
#include <errno.h>
#include <string.h>

#include "commands.h"
#include "completion.h"
#include "i18n.h"
#include "vocab.h"

/* ---- the words ---- */

static const char *const *command_words(void)
{
	static const char *names[64];
	size_t n = 0;
	if (!names[0])
		for (const struct command *c = commands; c->name && n < 63; c++)
			names[n++] = c->name;
	return names;
}

/* No default: the compiler names a kind added to the enum but not here. */
const char *const *complete_words(enum complete k)
{
	switch (k) {
	case C_LEVEL:
		return level_names;
	case C_AREA:
		return area_names;
	case C_COMMAND:
		return command_words();
	case C_FORMAT:
		return format_names;
	case C_WITHHELD:
		return withheld_names;
	case C_LANG:
		return lang_names;
	case C_NAMES_SUB:
		return names_subcommands;
	case C_KIND:
		return vocab_kinds.names;
	case C_PHASE:
		return vocab_phases.names;
	case C_ASPECT:
		return vocab_aspects.names;
	case C_HELPED:
		return vocab_helped.names;
	case C_HINDERED:
		return vocab_hindered.names;
	case C_ROLE:
		return vocab_roles.names;
	case C_DECISION:
		return vocab_decisions.names;
	case C_EXP_SUB:
		return experience_subcommands;
	case C_TRIG_SUB:
		return triggers_subcommands;
	case C_TRIG_LIST:
		return triggers_lists;
	case C_IDENT_SUB:
		return identity_subcommands;
	case C_CONTACTS_SUB:
		return contacts_subcommands;
	case C_NONE:
	case C_TAG:
	case C_ID:
	case C_DATE:
	case C_CONTACT:
	case C_FILE:
		return NULL;
	}
	return NULL;
}

/* ---- what the scripts complete ---- */

/* A value as a script completes it. */
struct value {
	const char *what;         /* names it while completing: "level" */
	const char *const *words; /* its words, or NULL */
	int files;                /* 1: file names */
};

/* How a positional argument of each kind is named while completing. */
static const char *const kind_names[] = {
	[C_NONE] = "argument",         [C_LEVEL] = "level",
	[C_TAG] = "tag",               [C_AREA] = "area",
	[C_ID] = "id",                 [C_COMMAND] = "command",
	[C_DATE] = "date",             [C_FORMAT] = "format",
	[C_WITHHELD] = "withheld",     [C_LANG] = "language",
	[C_NAMES_SUB] = "subcommand",  [C_KIND] = "kind",
	[C_PHASE] = "phase",           [C_ASPECT] = "aspect",
	[C_HELPED] = "helped",         [C_HINDERED] = "hindered",
	[C_ROLE] = "role",             [C_DECISION] = "decision",
	[C_EXP_SUB] = "subcommand",    [C_TRIG_SUB] = "subcommand",
	[C_TRIG_LIST] = "list",        [C_IDENT_SUB] = "subcommand",
	[C_CONTACTS_SUB] = "subcommand", [C_CONTACT] = "contact",
	[C_FILE] = "file",
};

/* File names for C_FILE values (--out, --svg, --names, open, backup);
 * free text (C_NONE) completes to nothing. */
static struct value value_of(enum complete k, const char *what)
{
	struct value v = {what, complete_words(k), k == C_FILE};
	return v;
}

static struct value argument_value(const struct command *cmd, int i)
{
	enum complete k = cmd->pos_complete[i];
	size_t n = sizeof(kind_names) / sizeof(kind_names[0]);
	return value_of(k, (size_t)k < n && kind_names[k] ? kind_names[k]
	                                                : "argument");
}

/* The program's own options, before the command (main.c reads them). */
static const char *const shells[] = {"bash", "zsh", "fish", NULL};
static const struct global {
	struct opt o;
	struct value v;
	int alone; /* the program does this and nothing else */
} globals[] = {
	{{"vault", 0, OPT_ARG, C_NONE, "the vault to open"},
	 {"vault", NULL, 1}, 0},
	{{"passphrase-fd", 0, OPT_ARG, C_NONE,
	  "read the passphrase from this file descriptor"},
	 {"descriptor", NULL, 0}, 0},
	{{"idle-timeout", 0, OPT_ARG, C_NONE,
	  "lock the shell after this many idle seconds"},
	 {"seconds", NULL, 0}, 0},
	{{"help", 'h', 0, C_NONE, "show the usage and the commands"},
	 {NULL, NULL, 0}, 1},
	{{"version", 0, 0, C_NONE, "show the version"}, {NULL, NULL, 0}, 1},
	{{"completion", 0, OPT_ARG, C_NONE,
	  "print the completion script for a shell"},
	 {"shell", shells, 0}, 1},
};
#define NGLOBALS (sizeof(globals) / sizeof(globals[0]))

/*
 * Option i of cmd, or of the program itself when cmd is NULL, into *o and
 * *v; 0 past the last one.
 */
static int opt_at(const struct command *cmd, size_t i, const struct opt **o,
                  struct value *v)
{
	if (!cmd) {
		if (i >= NGLOBALS)
			return 0;
		*o = &globals[i].o;
		*v = globals[i].v;
		return 1;
	}
	if (!cmd->opts || !cmd->opts[i].name)
		return 0;
	*o = &cmd->opts[i];
	*v = value_of((*o)->complete, (*o)->name);
	return 1;
}

/* Shell-only commands (lock, quit) fail one-shot: no script offers them. */
static int one_shot(const struct command *cmd)
{
	return !(cmd->flags & CMD_SHELL_ONLY);
}

static int max_args(const struct command *cmd)
{
	return cmd->max_pos < 3 ? cmd->max_pos : 3;
}

/* Prints words with a space between. */
static void put_words(FILE *out, const char *const *w)
{
	for (size_t i = 0; w[i]; i++)
		fprintf(out, "%s%s", i ? " " : "", w[i]);
}

/* Prints s with before put in front of each character found in special. */
static void put_escaped(FILE *out, const char *s, const char *special,
                        const char *before)
{
	for (; *s; s++) {
		if (strchr(special, *s))
			fputs(before, out);
		fputc(*s, out);
	}
}

/* ---- bash ---- */

static const char bash_head[] =
	"# bash completion for bron(1), written by 'bron --completion bash' from\n"
	"# the program's command table: change the table, not this file.\n"
	"\n"
	"# These complete $cur, a local of _bron, into COMPREPLY.\n"
	"_bron_words()\n"
	"{\n"
	"\tmapfile -t COMPREPLY < <(compgen -W \"$1\" -- \"$cur\")\n"
	"}\n"
	"\n"
	"_bron_files()\n"
	"{\n"
	"\tcompopt -o filenames 2>/dev/null\n"
	"\tmapfile -t COMPREPLY < <(compgen -f -- \"$cur\")\n"
	"}\n";

static const char bash_main[] =
	"\n"
	"_bron()\n"
	"{\n"
	"\tlocal cur=${COMP_WORDS[COMP_CWORD]} cmd= opt= n=0 dashes= i w\n"
	"\tCOMPREPLY=()\n"
	"\t# COMP_WORDBREAKS makes the = of --option=value a word of its own\n"
	"\tif [[ $cur == = ]]; then\n"
	"\t\tcur= opt=${COMP_WORDS[COMP_CWORD-1]}\n"
	"\telif ((COMP_CWORD > 2)) && [[ ${COMP_WORDS[COMP_CWORD-1]} == = ]]; "
	"then\n"
	"\t\topt=${COMP_WORDS[COMP_CWORD-2]}\n"
	"\tfi\n"
	"\t# the words before the cursor, read as bron reads them\n"
	"\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	"\t\tw=${COMP_WORDS[i]}\n"
	"\t\tif [[ ${COMP_WORDS[i+1]} == = ]]; then\n"
	"\t\t\t((i += 2))\n"
	"\t\telif [[ -z $cmd && $w != -* ]]; then\n"
	"\t\t\tcmd=$w\n"
	"\t\telif [[ -n $cmd && -z $dashes && $w == -- ]]; then\n"
	"\t\t\tdashes=1\n"
	"\t\telif [[ -z $cmd || -z $dashes && ( $w == --?* || $w == -[!0-9] ) ]]; "
	"then\n"
	"\t\t\tif _bron_takes \"$cmd\" \"$w\"; then\n"
	"\t\t\t\t((i + 1 == COMP_CWORD)) && opt=$w\n"
	"\t\t\t\t((i++))\n"
	"\t\t\tfi\n"
	"\t\telse\n"
	"\t\t\t((n++))\n"
	"\t\tfi\n"
	"\tdone\n"
	"\tif [[ -n $opt ]]; then\n"
	"\t\t_bron_value \"$cmd\" \"$opt\"\n"
	"\telif [[ -z $cmd && $cur != -* ]]; then\n"
	"\t\t_bron_commands\n"
	"\telif [[ -z $dashes && $cur == -* ]] || ! _bron_argument \"$cmd\" $n; "
	"then\n"
	"\t\t_bron_options \"$cmd\"\n"
	"\tfi\n"
	"}\n"
	"\n"
	"complete -F _bron bron\n";

/* Completing a value in bash: its words, file names, or nothing. */
static void bash_action(FILE *out, struct value v)
{
	if (v.words) {
		fputs(" _bron_words '", out);
		put_words(out, v.words);
		fputs("'", out);
	} else if (v.files) {
		fputs(" _bron_files", out);
	}
}

/* "cmd:--name|cmd:-n" as a case pattern ("" is before the command). */
static void bash_pattern(FILE *out, const char *cmd, const struct opt *o)
{
	fprintf(out, "%s:--%s", cmd, o->name);
	if (o->shortname)
		fprintf(out, "|%s:-%c", cmd, o->shortname);
}

static const char *scope_name(const struct command *cmd)
{
	return cmd ? cmd->name : "";
}

/* One case for all the options of cmd that take a value. */
static void bash_takes(FILE *out, const struct command *cmd)
{
	const struct opt *o;
	struct value v;
	int n = 0;
	for (size_t i = 0; opt_at(cmd, i, &o, &v); i++)
		if (o->flags & OPT_ARG) {
			fputs(n++ ? "|" : "\t", out);
			bash_pattern(out, scope_name(cmd), o);
		}
	if (n)
		fputs(") return 0 ;;\n", out);
}

/* A case for each option of cmd that takes a value. */
static void bash_values(FILE *out, const struct command *cmd)
{
	const struct opt *o;
	struct value v;
	for (size_t i = 0; opt_at(cmd, i, &o, &v); i++)
		if (o->flags & OPT_ARG) {
			fputs("\t", out);
			bash_pattern(out, scope_name(cmd), o);
			fputs(")", out);
			bash_action(out, v);
			fputs(" ;;\n", out);
		}
}

static void bash_options(FILE *out, const struct command *cmd)
{
	const struct opt *o;
	struct value v;
	for (size_t i = 0; opt_at(cmd, i, &o, &v); i++) {
		if (i == 0)
			fprintf(out, "\t%s) _bron_words '", cmd ? cmd->name : "''");
		fprintf(out, "%s--%s", i ? " " : "", o->name);
		if (o->shortname)
			fprintf(out, " -%c", o->shortname);
	}
	if (opt_at(cmd, 0, &o, &v))
		fputs("' ;;\n", out);
}

static void bash_arguments(FILE *out, const struct command *cmd)
{
	for (int i = 0; cmd && i < max_args(cmd); i++) {
		fprintf(out, "\t%s:%d)", cmd->name, i);
		bash_action(out, argument_value(cmd, i));
		fputs(" ;;\n", out);
	}
}

/* A function with a case for bron's own options and each command. */
static void bash_function(FILE *out, const char *head,
                          void (*each)(FILE *, const struct command *),
                          const char *tail)
{
	fputs(head, out);
	each(out, NULL);
	for (const struct command *c = commands; c->name; c++)
		if (one_shot(c))
			each(out, c);
	fputs(tail, out);
}

static void bash_script(FILE *out)
{
	int n = 0;
	fputs(bash_head, out);
	fputs("\n_bron_commands()\n{\n\t_bron_words '", out);
	for (const struct command *c = commands; c->name; c++)
		if (one_shot(c))
			fprintf(out, "%s%s", n++ ? " " : "", c->name);
	fputs("'\n}\n", out);
	bash_function(out,
	              "\n# Whether option $2 of command $1 (none: of bron) takes "
	              "a value.\n_bron_takes()\n{\n\tcase $1:$2 in\n",
	              bash_takes, "\tesac\n\treturn 1\n}\n");
	bash_function(out,
	              "\n# Completes the value of option $2 of command $1.\n"
	              "_bron_value()\n{\n\tcase $1:$2 in\n",
	              bash_values, "\tesac\n}\n");
	bash_function(out,
	              "\n# Completes the options of command $1.\n"
	              "_bron_options()\n{\n\tcase $1 in\n",
	              bash_options, "\tesac\n}\n");
	bash_function(out,
	              "\n# Completes argument $2 (from 0) of command $1, if it "
	              "has one.\n_bron_argument()\n{\n\tcase $1:$2 in\n",
	              bash_arguments, "\t*) return 1 ;;\n\tesac\n}\n");
	fputs(bash_main, out);
}

/* ---- zsh ---- */

static const char zsh_head[] =
	"#compdef bron\n"
	"# zsh completion for bron(1), written by 'bron --completion zsh' from\n"
	"# the program's command table: change the table, not this file.\n"
	"\n"
	"_bron() {\n"
	"\tlocal curcontext=$curcontext state state_descr line ret=1\n"
	"\tlocal -a commands\n"
	"\ttypeset -A opt_args\n"
	"\t_arguments -C \\\n";

static const char zsh_middle[] =
	"\t\t'1:command:->command' \\\n"
	"\t\t'*::argument:->argument' && ret=0\n"
	"\tcase $state in\n"
	"\tcommand)\n"
	"\t\tcommands=(\n";

static const char zsh_tail[] =
	"\t\tesac\n"
	"\t\t;;\n"
	"\tesac\n"
	"\treturn ret\n"
	"}\n"
	"\n"
	"if [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n"
	"\t_bron \"$@\"\n"
	"else\n"
	"\tcompdef _bron bron\n"
	"fi\n";

/* The :message:action end of a spec. */
static void zsh_action(FILE *out, struct value v)
{
	fprintf(out, ":%s:", v.what);
	if (v.words) {
		fputs("(", out);
		put_words(out, v.words);
		fputs(")", out);
	} else {
		fputs(v.files ? "_files" : " ", out);
	}
}

/* Prints s for inside '[...]' in a spec, itself inside '...'. */
static void zsh_quoted(FILE *out, const char *s)
{
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", out);
		else
			fprintf(out, "%s%c", strchr("[]\\", *s) ? "\\" : "", *s);
}

/* Where an option is given: after a command, or before it (main.c). */
enum scope { AFTER_COMMAND, GLOBAL, GLOBAL_ALONE };

/*
 * One _arguments spec for each spelling of o: "(-l --level)-l[...]:..."
 * and "(-l --level)--level=[...]:...", with "*" before one that may be
 * given again.  Only a command's options take --name=value (args.c).
 */
static void zsh_option(FILE *out, const struct opt *o, struct value v,
                       enum scope where, const char *indent)
{
	for (int spelling = o->shortname ? 0 : 1; spelling < 2; spelling++) {
		fprintf(out, "%s'", indent);
		if (where == GLOBAL_ALONE)
			fputs("(- *)", out);
		else if (o->flags & OPT_MULTI)
			fputs("*", out);
		else if (o->shortname)
			fprintf(out, "(-%c --%s)", o->shortname, o->name);
		if (spelling == 0)
			fprintf(out, "-%c", o->shortname);
		else
			fprintf(out, "--%s%s", o->name,
			        (o->flags & OPT_ARG) && where == AFTER_COMMAND
			                ? "="
			                : "");
		fputs("[", out);
		zsh_quoted(out, o->help);
		fputs("]", out);
		if (o->flags & OPT_ARG)
			zsh_action(out, v);
		fputs("' \\\n", out);
	}
}

static void zsh_command(FILE *out, const struct command *cmd)
{
	const struct opt *o;
	struct value v;
	fprintf(out, "\t\t%s)\n\t\t\t_arguments -S \\\n", cmd->name);
	for (size_t i = 0; opt_at(cmd, i, &o, &v); i++)
		zsh_option(out, o, v, AFTER_COMMAND, "\t\t\t\t");
	for (int i = 0; i < max_args(cmd); i++) {
		fprintf(out, "\t\t\t\t'%d", i + 1);
		zsh_action(out, argument_value(cmd, i));
		fputs("' \\\n", out);
	}
	fputs("\t\t\t\t&& ret=0\n\t\t\t;;\n", out);
}

static void zsh_script(FILE *out)
{
	const struct command *c;
	fputs(zsh_head, out);
	for (size_t i = 0; i < NGLOBALS; i++)
		zsh_option(out, &globals[i].o, globals[i].v,
		           globals[i].alone ? GLOBAL_ALONE : GLOBAL, "\t\t");
	fputs(zsh_middle, out);
	for (c = commands; c->name; c++)
		if (one_shot(c)) {
			fprintf(out, "\t\t\t'%s:", c->name);
			put_escaped(out, c->summary, "'", "'\\'");
			fputs("'\n", out);
		}
	fputs("\t\t)\n"
	      "\t\t_describe -t commands 'bron command' commands && ret=0\n"
	      "\t\t;;\n"
	      "\targument)\n"
	      "\t\tcurcontext=${curcontext%:*:*}:bron-$words[1]:\n"
	      "\t\tcase $words[1] in\n",
	      out);
	for (c = commands; c->name; c++)
		if (one_shot(c))
			zsh_command(out, c);
	fputs(zsh_tail, out);
}

/* ---- fish ---- */

static const char fish_head[] =
	"# fish completion for bron(1), written by 'bron --completion fish' from\n"
	"# the program's command table: change the table, not this file.\n"
	"\n"
	"# The command on the line, after bron's own options; false before it.\n"
	"function __bron_command\n"
	"\tset -l words (commandline -opc)\n"
	"\tset -e words[1]\n"
	"\tset -l skip 0\n"
	"\tfor w in $words\n"
	"\t\tif test $skip = 1\n"
	"\t\t\tset skip 0\n"
	"\t\telse if contains -- $w (__bron_value_options '')\n"
	"\t\t\tset skip 1\n"
	"\t\telse if not string match -q -- '-*' $w\n"
	"\t\t\techo $w\n"
	"\t\t\treturn 0\n"
	"\t\tend\n"
	"\tend\n"
	"\treturn 1\n"
	"end\n"
	"\n"
	"function __bron_needs_command\n"
	"\tnot __bron_command >/dev/null\n"
	"end\n"
	"\n"
	"function __bron_using\n"
	"\tset -l cmd (__bron_command)\n"
	"\tand test \"$cmd\" = $argv[1]\n"
	"end\n"
	"\n"
	"# Whether the cursor is on argument $argv[2] (from 0) of command "
	"$argv[1].\n"
	"function __bron_argument\n"
	"\tset -l words (commandline -opc)\n"
	"\tset -e words[1]\n"
	"\tset -l cmd ''\n"
	"\tset -l n 0\n"
	"\tset -l skip 0\n"
	"\tset -l dashes 0\n"
	"\tfor w in $words\n"
	"\t\tif test $skip = 1\n"
	"\t\t\tset skip 0\n"
	"\t\telse if test -z \"$cmd\"\n"
	"\t\t\tif contains -- $w (__bron_value_options '')\n"
	"\t\t\t\tset skip 1\n"
	"\t\t\telse if not string match -q -- '-*' $w\n"
	"\t\t\t\tset cmd $w\n"
	"\t\t\tend\n"
	"\t\telse if test $dashes = 0 -a \"$w\" = --\n"
	"\t\t\tset dashes 1\n"
	"\t\telse if test $dashes = 0\n"
	"\t\t\tand string match -qr -- '^(--.|-[^0-9]$)' $w\n"
	"\t\t\tcontains -- $w (__bron_value_options $cmd)\n"
	"\t\t\tand set skip 1\n"
	"\t\telse\n"
	"\t\t\tset n (math $n + 1)\n"
	"\t\tend\n"
	"\tend\n"
	"\ttest \"$cmd\" = $argv[1] -a $n = $argv[2] -a $skip = 0\n"
	"end\n"
	"\n"
	"complete -c bron -f\n";

/* Prints s as a fish string in '...'. */
static void fish_quoted(FILE *out, const char *s)
{
	fputs("'", out);
	put_escaped(out, s, "'\\", "\\");
	fputs("'", out);
}

/* The end of a fish line for an option that takes a value like v. */
static void fish_action(FILE *out, struct value v)
{
	if (v.words) {
		fputs(" -x -a '", out);
		put_words(out, v.words);
		fputs("'", out);
	} else {
		fputs(v.files ? " -r -F" : " -x", out);
	}
}

static void fish_scope(FILE *out, const struct command *cmd)
{
	const struct opt *o;
	struct value v;
	for (size_t i = 0; opt_at(cmd, i, &o, &v); i++) {
		if (cmd)
			fprintf(out, "complete -c bron -n '__bron_using %s'",
			        cmd->name);
		else
			fputs("complete -c bron -n __bron_needs_command", out);
		if (o->shortname)
			fprintf(out, " -s %c", o->shortname);
		fprintf(out, " -l %s", o->name);
		if (o->flags & OPT_ARG)
			fish_action(out, v);
		fputs(" -d ", out);
		fish_quoted(out, o->help);
		fputs("\n", out);
	}
	for (int i = 0; cmd && i < max_args(cmd); i++) {
		v = argument_value(cmd, i);
		if (!v.words && !v.files)
			continue;
		fprintf(out, "complete -c bron -n '__bron_argument %s %d'",
		        cmd->name, i);
		if (v.words) {
			fputs(" -a '", out);
			put_words(out, v.words);
			fputs("'\n", out);
		} else {
			fputs(" -F\n", out);
		}
	}
}

/* The options that take a value, so that a value is not an argument. */
static void fish_value_options(FILE *out, const struct command *cmd)
{
	const struct opt *o;
	struct value v;
	int n = 0;
	for (size_t i = 0; opt_at(cmd, i, &o, &v); i++) {
		if (!(o->flags & OPT_ARG))
			continue;
		if (!n++)
			fprintf(out, "\t\tcase %s\n\t\t\tprintf '%%s\\n'",
			        cmd ? cmd->name : "''");
		fprintf(out, " --%s", o->name);
		if (o->shortname)
			fprintf(out, " -%c", o->shortname);
	}
	if (n)
		fputs("\n", out);
}

static void fish_script(FILE *out)
{
	const struct command *c;
	fputs(fish_head, out);
	fputs("\n# The options that take a value: bron's own ('') or a "
	      "command's.\nfunction __bron_value_options\n\tswitch $argv[1]\n",
	      out);
	fish_value_options(out, NULL);
	for (c = commands; c->name; c++)
		if (one_shot(c))
			fish_value_options(out, c);
	fputs("\tend\nend\n\n", out);
	fish_scope(out, NULL);
	for (c = commands; c->name; c++)
		if (one_shot(c)) {
			fprintf(out, "complete -c bron -n __bron_needs_command -a %s "
			             "-d ",
			        c->name);
			fish_quoted(out, c->summary);
			fputs("\n", out);
		}
	for (c = commands; c->name; c++)
		if (one_shot(c))
			fish_scope(out, c);
}

/* ---- the choice ---- */

int completion_print(const char *shell, FILE *out)
{
	if (strcmp(shell, "bash") == 0)
		bash_script(out);
	else if (strcmp(shell, "zsh") == 0)
		zsh_script(out);
	else if (strcmp(shell, "fish") == 0)
		fish_script(out);
	else {
		say_error(_("there is no completion for the shell '%s'; choose "
		            "bash, zsh or fish"),
		          shell);
		return EXIT_USAGE;
	}
	if (fflush(out) != 0 || ferror(out)) {
		say_error(_("cannot write the output: %s"), strerror(errno));
		return EXIT_IO;
	}
	return EXIT_OK;
}
