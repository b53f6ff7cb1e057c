/* fuzz_cliparse.c - the program's parsers of typed text: dates, a shell
 * line split into words, and those words parsed against an option table. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* args.c reports through say_error(); the harness stays quiet. */
void say_error(const char *fmt, ...)
{
	(void)fmt;
}

static int run_nothing(struct cli *c, const struct args *a)
{
	(void)c, (void)a;
	return 0;
}

static const struct opt opts[] = {
	{"title", 0, OPT_ARG | OPT_PRIVATE, C_NONE, "t"},
	{"tag", 't', OPT_ARG | OPT_MULTI, C_TAG, "t"},
	{"yes", 'y', 0, C_NONE, "y"},
	{NULL, 0, 0, C_NONE, NULL},
};
static const struct command cmd = {"fuzz", run_nothing, 0, 0, 2,
                                   {C_NONE}, "", "", opts};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	int64_t day;
	if (date_parse(text, 1764288000, &day) == 0 &&
	    (day < -((int64_t)1 << 40) || day > ((int64_t)1 << 40)))
		abort(); /* a date far outside any calendar */
	char **argv = NULL;
	int argc = 0;
	if (split_line(text, &argv, &argc) == 0) {
		struct args a;
		if (args_parse(&cmd, argc, argv, &a) == 0) {
			if (a.npos > cmd.max_pos)
				abort();
			for (int i = 0; i < a.nset; i++)
				if ((a.set[i].opt->flags & OPT_ARG) && !a.set[i].value)
					abort();
		}
		free_words(argv, argc);
	}
	free(text);
	return 0;
}
