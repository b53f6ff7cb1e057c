/*
 * lock.c - one writer at a time.  A writer holds flock(LOCK_EX) on
 * "<vault>.lock" for the length of one transaction and writes its pid there,
 * so that the next writer can say who holds it.  flock() locks vanish with
 * the process, so a crashed writer never leaves the vault locked.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "vault_int.h"
#include "banned.h"

static long holder_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

static void nap_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000,
	                      .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

bron_err lock_acquire(struct bron_vault *v, struct bron_error *err)
{
	if (v->lockfd >= 0)
		return BRON_OK;
	int fd = open(v->lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	              0600);
	if (fd < 0)
		return bron_fail(err, errno == ENOSPC ? BRON_E_NOSPACE : BRON_E_IO,
		                 _("cannot open lock file %s: %s"), v->lockpath,
		                 strerror(errno));
	unsigned waited = 0;
	while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;
			close(fd);
			return bron_fail(err, BRON_E_IO, _("cannot lock %s: %s"),
			                 v->lockpath, strerror(e));
		}
		if (waited >= v->lock_timeout_ms) {
			long pid = holder_pid(fd);
			close(fd);
			if (pid > 0)
				return bron_fail(err, BRON_E_IN_USE,
				                 _("vault in use (pid %ld)"), pid);
			return bron_fail(err, BRON_E_IN_USE,
			                 _("vault in use by another process"));
		}
		nap_ms(10);
		waited += 10;
	}
	char pid[32];
	int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
		/* The lock still holds; only the courtesy note is missing. */
	}
	v->lockfd = fd;
	return BRON_OK;
}

void lock_release(struct bron_vault *v)
{
	if (v->lockfd < 0)
		return;
	if (ftruncate(v->lockfd, 0) != 0) {
		/* A stale pid in an unlocked file is harmless. */
	}
	flock(v->lockfd, LOCK_UN);
	close(v->lockfd);
	v->lockfd = -1;
}
