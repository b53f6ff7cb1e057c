/*
 * args.c - parsing one command's arguments against its option table, the
 * same way for argv and for a line typed in the shell.
 */
#include <string.h>

#include "cli.h"
#include "i18n.h"

const char *arg_value(const struct args *a, const char *name)
{
	for (int i = a->nset - 1; i >= 0; i--)
		if (strcmp(a->set[i].opt->name, name) == 0)
			return a->set[i].value;
	return NULL;
}

int arg_flag(const struct args *a, const char *name)
{
	for (int i = 0; i < a->nset; i++)
		if (strcmp(a->set[i].opt->name, name) == 0)
			return 1;
	return 0;
}

static const struct opt *find_long(const struct command *cmd, const char *s,
                                   size_t n)
{
	for (const struct opt *o = cmd->opts; o && o->name; o++)
		if (strlen(o->name) == n && strncmp(o->name, s, n) == 0)
			return o;
	return NULL;
}

static const struct opt *find_short(const struct command *cmd, char c)
{
	for (const struct opt *o = cmd->opts; o && o->name; o++)
		if (o->shortname == c)
			return o;
	return NULL;
}

static int add_opt(const struct command *cmd, struct args *a,
                   const struct opt *o, const char *value)
{
	if (!(o->flags & OPT_MULTI) && arg_flag(a, o->name)) {
		say_error(_("%s: option --%s given twice"), cmd->name, o->name);
		return EXIT_USAGE;
	}
	if (a->nset == MAX_ARGS) {
		say_error(_("%s: too many options"), cmd->name);
		return EXIT_USAGE;
	}
	a->set[a->nset].opt = o;
	a->set[a->nset].value = value;
	a->nset++;
	return EXIT_OK;
}

int args_parse(const struct command *cmd, int argc, char **argv,
               struct args *a)
{
	int only_pos = 0;
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < argc; i++) {
		const char *s = argv[i];
		const struct opt *o = NULL;
		const char *value = NULL;
		if (!only_pos && strcmp(s, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (!only_pos && s[0] == '-' && s[1] == '-') {
			const char *eq = strchr(s + 2, '=');
			size_t n = eq ? (size_t)(eq - s - 2) : strlen(s + 2);
			o = find_long(cmd, s + 2, n);
			if (!o) {
				say_error(_("%s: unknown option '%s' (see 'bron help "
				            "%s')"),
				          cmd->name, s, cmd->name);
				return EXIT_USAGE;
			}
			if (eq && !(o->flags & OPT_ARG)) {
				say_error(_("%s: option --%s takes no value"),
				          cmd->name, o->name);
				return EXIT_USAGE;
			}
			value = eq ? eq + 1 : NULL;
		} else if (!only_pos && s[0] == '-' && s[1] && s[2] == '\0' &&
		           !(s[1] >= '0' && s[1] <= '9')) {
			o = find_short(cmd, s[1]);
			if (!o) {
				say_error(_("%s: unknown option '%s' (see 'bron help "
				            "%s')"),
				          cmd->name, s, cmd->name);
				return EXIT_USAGE;
			}
		}
		if (!o) {
			if (a->npos == MAX_ARGS || a->npos == cmd->max_pos) {
				say_error(_("%s: too many arguments (see 'bron help "
				            "%s')"),
				          cmd->name, cmd->name);
				return EXIT_USAGE;
			}
			a->pos[a->npos++] = s;
			continue;
		}
		if ((o->flags & OPT_ARG) && !value) {
			if (i + 1 == argc) {
				say_error(_("%s: option --%s needs a value"), cmd->name,
				          o->name);
				return EXIT_USAGE;
			}
			value = argv[++i];
		}
		int rc = add_opt(cmd, a, o, value);
		if (rc != EXIT_OK)
			return rc;
	}
	if (a->npos < cmd->min_pos) {
		say_error(_("%s: missing arguments; usage: bron %s %s"), cmd->name,
		          cmd->name, cmd->params ? _(cmd->params) : "");
		return EXIT_USAGE;
	}
	return EXIT_OK;
}
