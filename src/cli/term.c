/*
 * term.c - the terminal: passphrases with echo off (restored on any signal),
 * yes/no questions, width and colour.  Passphrases never pass through
 * readline, argv or the environment.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "i18n.h"

#define PASS_MAX 1024

static int tty_fd = -1;
static volatile sig_atomic_t cancelled;

int input_cancelled(void)
{
	return cancelled != 0;
}

void note_cancelled(void)
{
	cancelled = 1;
}
static struct termios saved;
static volatile sig_atomic_t echo_off;

/*
 * While echo is off, every signal that would end or stop the process is
 * caught first: SIGINT, SIGTERM and SIGTSTP, but also SIGALRM, SIGUSR1, the
 * real-time signals, a crash's SIGSEGV...  Signals whose disposition is not
 * the default (ignored ones, or a sanitizer's handlers) are left alone.
 */
static struct sigaction old_actions[NSIG];
static unsigned char installed[NSIG];

static int harmless_by_default(int sig)
{
	return sig == SIGKILL || sig == SIGSTOP || sig == SIGCHLD ||
	       sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
}

static struct termios quiet;

/*
 * Restores echo, then lets the signal do what it would have done.  A stop
 * (Ctrl-Z) stops the process with SIGSTOP from inside the handler, so that
 * on continuing the handler can hide the input again before the read goes
 * on; the read is then interrupted and the prompt cancelled.
 */
static void on_signal(int sig)
{
	int saved_errno = errno, was_off = echo_off;
	if (echo_off) {
		tcsetattr(tty_fd, TCSAFLUSH, &saved);
		echo_off = 0;
		(void)!write(tty_fd, "\n", 1);
	}
	if (sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) {
		raise(SIGSTOP);
		if (was_off && tcsetattr(tty_fd, TCSAFLUSH, &quiet) == 0)
			echo_off = 1;
		errno = saved_errno;
		return;
	}
	if (sig > 0 && sig < NSIG && installed[sig]) {
		sigaction(sig, &old_actions[sig], NULL);
		installed[sig] = 0;
	}
	raise(sig);
	errno = saved_errno;
}

static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction cur;
		if (harmless_by_default(sig) || sigaction(sig, NULL, &cur) != 0 ||
		    (cur.sa_flags & SA_SIGINFO) || cur.sa_handler != SIG_DFL)
			continue;
		if (sigaction(sig, &sa, &old_actions[sig]) == 0)
			installed[sig] = 1;
	}
}

static void release_signals(void)
{
	for (int sig = 1; sig < NSIG; sig++)
		if (installed[sig]) {
			sigaction(sig, &old_actions[sig], NULL);
			installed[sig] = 0;
		}
}

/*
 * Reads one line from fd into buf (at most cap - 1 bytes), byte by byte so
 * that nothing after the newline is consumed.  -1 on error or overflow; a
 * signal (Ctrl-C in the shell) cancels the read.
 */
static int read_line_fd(int fd, char *buf, size_t cap, size_t *len)
{
	size_t n = 0;
	for (;;) {
		char ch;
		ssize_t r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR) {
			cancelled = 1;
			return -1;
		}
		if (r < 0)
			return -1;
		if (r == 0 || ch == '\n')
			break;
		if (n + 1 >= cap)
			return -1;
		buf[n++] = ch;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*len = n;
	return 0;
}

char *read_passphrase(struct cli *c, const char *prompt)
{
	cancelled = 0;
	char *buf = sodium_malloc(PASS_MAX);
	size_t len = 0;
	if (!buf) {
		say_error(_("out of memory"));
		return NULL;
	}
	if (c->passfd >= 0) {
		if (read_line_fd(c->passfd, buf, PASS_MAX, &len) != 0) {
			sodium_free(buf);
			say_error(_("cannot read the passphrase from descriptor %d"),
			          c->passfd);
			return NULL;
		}
		return buf;
	}
	tty_fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (tty_fd < 0) {
		sodium_free(buf);
		say_error(_("no terminal to ask the passphrase on; use "
		            "--passphrase-fd"));
		return NULL;
	}
	int ok = tcgetattr(tty_fd, &saved) == 0;
	if (ok) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		catch_signals();
		echo_off = 1;
		ok = tcsetattr(tty_fd, TCSAFLUSH, &quiet) == 0;
	}
	(void)!write(tty_fd, prompt, strlen(prompt));
	int rc = ok ? read_line_fd(tty_fd, buf, PASS_MAX, &len) : -1;
	if (echo_off) {
		tcsetattr(tty_fd, TCSAFLUSH, &saved);
		echo_off = 0;
	}
	release_signals(); /* also those left after a stop and continue */
	(void)!write(tty_fd, "\n", 1);
	close(tty_fd);
	tty_fd = -1;
	if (rc != 0) {
		sodium_free(buf);
		if (cancelled)
			say_error(_("cancelled"));
		else
			say_error(_("cannot read the passphrase from the terminal"));
		return NULL;
	}
	return buf;
}

int confirm(const char *question)
{
	cancelled = 0;
	char line[64];
	size_t len;
	int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return 0;
	(void)!write(fd, question, strlen(question));
	/* TRANSLATORS: the answers accepted as yes; keep the slashes. */
	const char *hint = _(" [y/N] ");
	(void)!write(fd, hint, strlen(hint));
	int rc = read_line_fd(fd, line, sizeof(line), &len);
	close(fd);
	if (rc != 0 || len == 0)
		return 0;
	/* TRANSLATORS: the first letters that mean yes, e.g. "yj" in Dutch. */
	const char *yes = _("y");
	return strchr(yes, line[0]) != NULL || line[0] == 'y' || line[0] == 'Y';
}

int term_width(void)
{
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 &&
	    ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

int want_color(void)
{
	const char *nc = getenv("NO_COLOR");
	const char *t = getenv("TERM");
	return isatty(STDOUT_FILENO) && !(nc && *nc) &&
	       !(t && strcmp(t, "dumb") == 0);
}
