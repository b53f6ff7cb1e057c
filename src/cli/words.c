/*
 * words.c - splitting a line typed in the shell into words, the way a POSIX
 * shell quotes them (without expansions).
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void free_words(char **argv, int argc)
{
	for (int i = 0; i < argc; i++) {
		sodium_memzero(argv[i], strlen(argv[i]));
		free(argv[i]);
	}
	free(argv);
}

/*
 * Words are separated by blanks; '…' keeps everything literally, "…" keeps
 * everything but \" and \\, and a backslash outside quotes escapes the next
 * character.  Returns 0, or -1 for an unterminated quote or no memory.
 */
int split_line(const char *line, char ***out, int *count)
{
	size_t n = strlen(line);
	char *word = malloc(n + 1);
	char **argv = calloc(n / 2 + 2, sizeof(char *));
	int argc = 0;
	const char *p = line;
	if (!word || !argv)
		goto fail;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		size_t w = 0;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') {
			if (*p == '\'') {
				const char *end = strchr(p + 1, '\'');
				if (!end)
					goto fail;
				memcpy(word + w, p + 1, (size_t)(end - p - 1));
				w += (size_t)(end - p - 1);
				p = end + 1;
			} else if (*p == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
						p++;
					word[w++] = *p++;
				}
				if (*p != '"')
					goto fail;
				p++;
			} else if (*p == '\\' && p[1]) {
				word[w++] = p[1];
				p += 2;
			} else {
				word[w++] = *p++;
			}
		}
		word[w] = '\0';
		if (!(argv[argc] = strdup(word)))
			goto fail;
		argc++;
	}
	sodium_memzero(word, n + 1);
	free(word);
	*out = argv;
	*count = argc;
	return 0;
fail:
	if (word) {
		sodium_memzero(word, n + 1);
		free(word);
	}
	if (argv)
		free_words(argv, argc);
	return -1;
}

