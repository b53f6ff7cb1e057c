/*
 * main.c - the bron program: process hygiene, global options, then one
 * command from argv or, without one, the shell.
 */
#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "completion.h"
#include "i18n.h"

void i18n_init(void)
{
	setlocale(LC_ALL, "");
	const char *dir = getenv("BRON_LOCALEDIR");
	bindtextdomain("bron", dir && *dir ? dir : BRON_LOCALEDIR);
	bind_textdomain_codeset("bron", "UTF-8");
	textdomain("bron");
}

/*
 * Nothing bron creates is for other users; no core dump may carry keys or
 * text; no other process of the same user may attach to read memory.
 */
static void harden(void)
{
	struct rlimit no_core = {0, 0};
	umask(077);
	setrlimit(RLIMIT_CORE, &no_core);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

static void usage(FILE *out)
{
	fprintf(out, "%s\n", _("usage: bron [--vault PATH] [--passphrase-fd N] "
	                       "[--idle-timeout SECONDS] [COMMAND [ARGS]]"));
	fprintf(out, "%s\n", _("       bron --help | --version"));
	fprintf(out, "%s\n", _("       bron --completion bash | zsh | fish"));
}

/* $BRON_VAULT, else $XDG_DATA_HOME/bron/journal.bron, else ~/.local/share. */
static char *default_vault(void)
{
	const char *env = getenv("BRON_VAULT");
	char buf[PATH_MAX];
	if (env && *env)
		return strdup(env);
	const char *data = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	if (data && data[0] == '/')
		snprintf(buf, sizeof(buf), "%s/bron/journal.bron", data);
	else if (home && *home)
		snprintf(buf, sizeof(buf), "%s/.local/share/bron/journal.bron",
		         home);
	else
		return NULL;
	return strdup(buf);
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || !*s || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

int main(int argc, char **argv)
{
	struct bron_error err;
	struct cli c = {.passfd = -1, .idle_seconds = 300};
	char *vault = NULL;
	int i = 1, rc;

	harden();
	i18n_init();
	if (bron_init(&err) != BRON_OK) {
		say_error("%s", err.msg);
		return EXIT_INTERNAL;
	}
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		unsigned long n;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			printf("\n");
			char *help[] = {"help", NULL};
			free(vault);
			return run_command(&c, 1, help);
		}
		if (strcmp(a, "--version") == 0) {
			printf(_("bron %s\n"), bron_version());
			free(vault);
			return EXIT_OK;
		}
		if (strcmp(a, "--completion") == 0 && val) {
			free(vault);
			return completion_print(val, stdout);
		}
		if (strcmp(a, "--vault") == 0 && val && *val) {
			free(vault);
			vault = strdup(val);
			i++;
		} else if (strcmp(a, "--passphrase-fd") == 0 && val &&
		           parse_uint(val, INT_MAX, &n) == 0) {
			c.passfd = (int)n;
			i++;
		} else if (strcmp(a, "--idle-timeout") == 0 && val &&
		           parse_uint(val, 86400, &n) == 0) {
			c.idle_seconds = (unsigned)n;
			i++;
		} else {
			say_error(_("unknown or incomplete option '%s'"), a);
			usage(stderr);
			free(vault);
			return EXIT_USAGE;
		}
	}
	if (!vault)
		vault = default_vault();
	/* help and redact need no vault, so no HOME either */
	const struct command *cmd = i < argc ? command_find(argv[i]) : NULL;
	if (!vault && !(cmd && (cmd->flags & CMD_NO_VAULT))) {
		say_error(_("cannot tell where the vault is: set HOME or use "
		            "--vault"));
		return EXIT_USAGE;
	}
	c.vault_path = vault;
	c.color = want_color();
	if (i < argc)
		rc = run_command(&c, argc - i, argv + i);
	else if (!isatty(STDIN_FILENO))
		rc = (say_error(_("no command given, and standard input is not a "
		                  "terminal for the shell; see 'bron --help'")),
		      EXIT_USAGE);
	else
		rc = shell_run(&c);
	bron_vault_free(c.vault);
	free(vault);
	return rc;
}
