/*
 * shell.c - the interactive shell: GNU readline with completion driven by
 * the command table, history kept in memory only and never holding journal
 * text, Ctrl-C to cancel a line, Ctrl-D to leave, and a lock after the vault
 * has been idle too long.
 */
#include <errno.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <unistd.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "cli.h"
#include "commands.h"
#include "completion.h"
#include "i18n.h"

#define PROMPT "bron> "

/* ---- history ---- */

static const struct opt *find_opt(const struct command *cmd, const char *w)
{
	for (const struct opt *o = cmd->opts; o && o->name; o++)
		if ((w[0] == '-' && w[1] == '-' &&
		     strncmp(w + 2, o->name, strlen(o->name)) == 0 &&
		     (w[2 + strlen(o->name)] == '\0' ||
		      w[2 + strlen(o->name)] == '=')) ||
		    (o->shortname && w[0] == '-' && w[1] == o->shortname && !w[2]))
			return o;
	return NULL;
}


/*
 * The line as history keeps it: the command and its options, without the
 * values of options that hold journal text, and without positional
 * arguments that are journal text (search terms).
 */
static void remember(char **argv, int argc)
{
	const struct command *cmd = command_find(argv[0]);
	char line[1024];
	size_t n = 0;
	if (!cmd)
		return;
	n += (size_t)snprintf(line, sizeof(line), "%s", cmd->name);
	for (int i = 1; i < argc && n < sizeof(line) - 1; i++) {
		const char *w = argv[i];
		const struct opt *o = w[0] == '-' ? find_opt(cmd, w) : NULL;
		if (o && (o->flags & OPT_PRIVATE)) {
			n += (size_t)snprintf(line + n, sizeof(line) - n, " --%s",
			                      o->name);
			if ((o->flags & OPT_ARG) && !strchr(w, '='))
				i++; /* skip its value */
			continue;
		}
		if (w[0] != '-' && (cmd->flags & CMD_PRIVATE_POS))
			continue;
		if (strchr(w, ' ') || strchr(w, '\'') || strchr(w, '"'))
			continue; /* not worth quoting back; may be text */
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s", w);
	}
	if (n >= sizeof(line))
		return;
	HIST_ENTRY *last = history_length ? history_get(history_base +
	                                                history_length - 1)
	                                  : NULL;
	if (!last || strcmp(last->line, line) != 0)
		add_history(line);
}

/* ---- completion ---- */

static struct cli *shell_cli;
static char **candidates; /* NULL-terminated, for the generator */

static char *generate(const char *text, int state)
{
	static size_t i, len;
	if (!state) {
		i = 0;
		len = strlen(text);
	}
	while (candidates && candidates[i]) {
		const char *c = candidates[i++];
		if (strncmp(c, text, len) == 0)
			return strdup(c);
	}
	return NULL;
}

static void set_candidates(char **v)
{
	strv_free(candidates);
	candidates = v;
}

static char **copy_strv(const char *const *src, const char *prefix)
{
	size_t n = 0;
	while (src[n])
		n++;
	char **v = calloc(n + 1, sizeof(char *));
	for (size_t i = 0; v && i < n; i++) {
		size_t len = strlen(src[i]) + strlen(prefix) + 1;
		v[i] = malloc(len);
		if (v[i])
			snprintf(v[i], len, "%s%s", prefix, src[i]);
	}
	return v;
}

static char **option_names(const struct command *cmd)
{
	const char *names[64];
	size_t n = 0;
	for (const struct opt *o = cmd->opts; o && o->name && n < 63; o++)
		names[n++] = o->name;
	names[n] = NULL;
	return copy_strv(names, "--");
}

struct idlist {
	char **v;
	size_t n, cap;
};

static int add_id(void *ctx, bron_id id, uint64_t rev)
{
	struct idlist *l = ctx;
	(void)rev;
	if (l->n + 1 >= l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		char **p = realloc(l->v, cap * sizeof(char *));
		if (!p)
			return 1;
		l->v = p;
		l->cap = cap;
	}
	char hex[17];
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)id);
	hex[8] = '\0'; /* short ids, as list prints them */
	l->v[l->n] = strdup(hex);
	if (l->v[l->n])
		l->n++;
	l->v[l->n] = NULL;
	return 0;
}

static char **entry_ids(struct cli *c)
{
	struct idlist l = {0};
	if (!c->vault || !bron_vault_is_unlocked(c->vault))
		return NULL;
	if (bron_vault_foreach_id(c->vault, add_id, &l, NULL) != BRON_OK) {
		strv_free(l.v);
		return NULL;
	}
	return l.v;
}

/* The words for a value: the fixed ones, or what the open vault holds. */
static char **values_for(enum complete what)
{
	const char *const *words = complete_words(what);
	switch (what) {
	case C_TAG:
		return shell_cli->vault && bron_vault_is_unlocked(shell_cli->vault)
		               ? collect_tags(shell_cli)
		               : NULL;
	case C_ID:
		return entry_ids(shell_cli);
	case C_CONTACT:
		return contact_names(shell_cli);
	default:
		return words ? copy_strv(words, "") : NULL;
	}
}

static char **complete(const char *text, int start, int end)
{
	char **words = NULL;
	int nwords = 0;
	(void)end;
	rl_attempted_completion_over = 1; /* never complete file names */
	char *before = strndup(rl_line_buffer, (size_t)start);
	int split = before ? split_line(before, &words, &nwords) : -1;
	if (before) {
		sodium_memzero(before, strlen(before));
		free(before);
	}
	if (split != 0)
		return NULL;
	char **v = NULL;
	if (nwords == 0) {
		v = values_for(C_COMMAND);
	} else {
		const struct command *cmd = command_find(words[0]);
		const struct opt *prev =
		        cmd && nwords > 1 ? find_opt(cmd, words[nwords - 1]) : NULL;
		if (!cmd) {
			v = NULL;
		} else if (prev && (prev->flags & OPT_ARG) &&
		           !strchr(words[nwords - 1], '=')) {
			v = values_for(prev->complete);
		} else if (text[0] == '-') {
			v = option_names(cmd);
		} else {
			int pos = 0;
			for (int i = 1; i < nwords; i++) {
				const struct opt *o = find_opt(cmd, words[i]);
				if (o && (o->flags & OPT_ARG))
					i++;
				else if (!o && words[i][0] != '-')
					pos++;
			}
			if (pos < 3 && pos < cmd->max_pos)
				v = values_for(cmd->pos_complete[pos]);
		}
	}
	free_words(words, nwords);
	set_candidates(v);
	return v ? rl_completion_matches(text, generate) : NULL;
}

/* ---- the loop ---- */

static volatile sig_atomic_t interrupted;
static char *pending;     /* a complete line, waiting to run */
static int pending_eof;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void on_line(char *line)
{
	if (!line)
		pending_eof = 1;
	pending = line;
	/* readline keeps its own copies of the line: wipe what we can reach */
	if (rl_line_buffer)
		sodium_memzero(rl_line_buffer, strlen(rl_line_buffer));
	rl_free_undo_list();
	rl_callback_handler_remove();
}

static void install(void)
{
	rl_callback_handler_install(PROMPT, on_line);
}

static void run_line(struct cli *c, char *line)
{
	char **argv = NULL;
	int argc = 0;
	if (split_line(line, &argv, &argc) != 0) {
		say_error(_("unterminated quote"));
		return;
	}
	if (argc > 0) {
		remember(argv, argc);
		run_command(c, argc, argv);
		clearerr(stdin);
		interrupted = 0; /* a Ctrl-C during the command was its own */
	}
	free_words(argv, argc);
}

/*
 * Waits for input; returns 0 on input, 1 on idle timeout, -1 on signal.
 * SIGINT stays blocked while readline works and is let in only here, with
 * pselect(), so a Ctrl-C can never slip in between a check and the wait.
 */
static int wait_input(unsigned seconds, const sigset_t *open_mask)
{
	fd_set fds;
	FD_ZERO(&fds);
	FD_SET(fileno(rl_instream), &fds);
	struct timespec ts = {.tv_sec = seconds, .tv_nsec = 0};
	int r = pselect(fileno(rl_instream) + 1, &fds, NULL, NULL,
	                seconds ? &ts : NULL, open_mask);
	if (r < 0)
		return errno == EINTR ? -1 : 0;
	return r == 0 ? 1 : 0;
}

int shell_run(struct cli *c)
{
	struct sigaction sa, old;
	shell_cli = c;
	c->in_shell = 1;
	rl_readline_name = "bron";
	rl_attempted_completion_function = complete;
	rl_catch_signals = 0;
	rl_catch_sigwinch = 1;
	stifle_history(500);

	if (access(c->vault_path, F_OK) == 0) {
		if (need_vault(c) != EXIT_OK)
			return EXIT_PASSPHRASE;
	} else {
		printf(_("There is no vault at %s yet; 'init' creates one.\n"),
		       c->vault_path);
	}
	printf("%s\n", _("Type 'help' for the commands, Ctrl-D to leave."));

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);
	sigset_t open_mask, blocked;
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGINT);
	sigprocmask(SIG_BLOCK, &blocked, &open_mask);
	sigdelset(&open_mask, SIGINT);
	install();
	while (!c->quit) {
		int w = wait_input(c->vault && bron_vault_is_unlocked(c->vault)
		                           ? c->idle_seconds
		                           : 0,
		                   &open_mask);
		if (interrupted) {
			interrupted = 0;
			/* Ctrl-C: drop the line being typed, start afresh */
			rl_free_line_state();
			rl_callback_sigcleanup();
			rl_replace_line("", 1);
			rl_point = rl_end = 0;
			rl_callback_handler_remove();
			fputc('\n', stdout);
			install();
			continue;
		}
		if (w == 1) {
			rl_callback_handler_remove();
			bron_vault_lock(c->vault);
			printf("\n%s\n", _("The vault was idle and is now locked; the "
			                   "next command asks for the passphrase."));
			install();
			continue;
		}
		if (w < 0)
			continue;
		rl_callback_read_char();
		if (pending_eof) {
			fputc('\n', stdout);
			break;
		}
		if (pending) {
			char *line = pending;
			pending = NULL;
			/* a command may be interrupted: let SIGINT in meanwhile */
			sigprocmask(SIG_SETMASK, &open_mask, NULL);
			run_line(c, line);
			sigprocmask(SIG_BLOCK, &blocked, NULL);
			sodium_memzero(line, strlen(line));
			free(line);
			if (!c->quit)
				install();
		}
	}
	rl_callback_handler_remove();
	sigprocmask(SIG_SETMASK, &open_mask, NULL);
	sigaction(SIGINT, &old, NULL);
	set_candidates(NULL);
	clear_history();
	return EXIT_OK;
}
