/*
 * main.c - the bron program.  For now it identifies itself; the shell and
 * the commands arrive with the program issue.
 */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bron/bron.h"
#include "i18n.h"

void i18n_init(void)
{
	setlocale(LC_ALL, "");
	const char *dir = getenv("BRON_LOCALEDIR");
	bindtextdomain("bron", dir && *dir ? dir : BRON_LOCALEDIR);
	bind_textdomain_codeset("bron", "UTF-8");
	textdomain("bron");
}

static void usage(FILE *out)
{
	fprintf(out, _("usage: bron [--help] [--version]\n"));
	fprintf(out, _("bron keeps an encrypted journal of lived experience.\n"));
}

int main(int argc, char **argv)
{
	struct bron_error err;
	i18n_init();
	if (bron_init(&err) != BRON_OK) {
		fprintf(stderr, "bron: %s\n", err.msg);
		return 70;
	}
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf(_("bron %s\n"), bron_version());
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--help") != 0) {
		fprintf(stderr, _("bron: unknown option or command '%s'\n"), argv[1]);
		usage(stderr);
		return 2;
	}
	usage(stdout);
	return 0;
}
