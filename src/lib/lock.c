/*
 * lock.c - one writer at a time.  A writer holds flock(LOCK_EX) on
 * "<vault>.lock" for the length of one transaction and writes its pid there,
 * so that the next writer can say who holds it.  flock() locks vanish with
 * the process, so a crashed writer never leaves the vault locked.
 *
 * Linux has no flock() with a timeout, so a waiting writer polls.  Polling
 * alone would let a writer in a tight loop starve the others (it re-takes the
 * lock microseconds after releasing it), so waiters also take a shared
 * open-file-description lock on byte 0 of the same file: a writer that has
 * not waited yet and sees such a waiter steps back and lets the waiters go
 * first.  (flock() and fcntl() locks do not interact on Linux.)
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

#ifndef F_OFD_SETLK
#define F_OFD_GETLK 36
#define F_OFD_SETLK 37
#endif

static long holder_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtol(buf, NULL, 10);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void nap_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000,
	                      .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Marks (type F_RDLCK) or unmarks (F_UNLCK) this process as waiting. */
static void set_waiting(int fd, short type)
{
	struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = 0,
	                   .l_len = 1};
	fcntl(fd, F_OFD_SETLK, &fl);
}

/* Whether another writer is waiting for the lock. */
static int others_waiting(int fd)
{
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0,
	                   .l_len = 1};
	return fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
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
	double deadline = now_ms() + v->lock_timeout_ms;
	int waiting = 0;
	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
			if (waiting || !others_waiting(fd))
				break;
			flock(fd, LOCK_UN); /* others were here first */
		} else if (errno != EWOULDBLOCK && errno != EINTR) {
			int e = errno;
			close(fd);
			return bron_fail(err, BRON_E_IO, _("cannot lock %s: %s"),
			                 v->lockpath, strerror(e));
		}
		if (!waiting) {
			set_waiting(fd, F_RDLCK);
			waiting = 1;
		}
		if (now_ms() >= deadline) {
			long pid = holder_pid(fd);
			close(fd); /* drops the waiting mark too */
			if (pid > 0)
				return bron_fail(err, BRON_E_IN_USE,
				                 _("vault in use (pid %ld)"), pid);
			return bron_fail(err, BRON_E_IN_USE,
			                 _("vault in use by another process"));
		}
		nap_ms(1);
	}
	if (waiting)
		set_waiting(fd, F_UNLCK);
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
