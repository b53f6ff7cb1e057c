/*
 * killshim.c - crash injection for tests/crash/run_crash.py, never installed.
 *
 * Preloaded (LD_PRELOAD) into one bron process.  It follows every file
 * descriptor that open()/openat()/creat() (and their 64-bit and fortified
 * variants) return for a path under $BRON_CRASH_DIR, and counts the calls
 * that change such files: write, pwrite, pwrite64, writev, pwritev,
 * pwritev2, fsync, fdatasync, ftruncate, ftruncate64, plus unlink, unlinkat,
 * rename, renameat, renameat2 and truncate of a path under that directory.
 * Each such call is one "kill point".
 *
 * Environment:
 *   BRON_CRASH_DIR=DIR     the directory to watch (absolute path); without
 *                          it the shim does nothing.
 *   BRON_CRASH_AT=N        raise SIGKILL on this process just before the Nth
 *                          point (1-based), so that call never happens.
 *   BRON_CRASH_COUNT=FILE  keep the number of points seen so far in FILE
 *                          (rewritten after every point, so it is right
 *                          however the process ends).
 *   BRON_CRASH_LOG=FILE    append one line per point: "N CALL PATH DETAIL"
 *                          (the line of the killed point ends in " KILL").
 *   BRON_CRASH_NOW=SECS    time() returns this (fixed entry timestamps, so
 *                          that an interrupted and a completed run write the
 *                          same entry).
 * FILE arguments must lie outside DIR.
 *
 * Not followed: descriptors made by dup(), dup2(), dup3() or
 * fcntl(F_DUPFD); neither bron nor SQLite writes through one.  Writes into
 * mmap()ed memory (SQLite's -shm index, once mapped) are not system calls
 * and are no kill points; the pwrite()s that grow the -shm file are.
 */
#define _GNU_SOURCE
/* The fortified inline wrappers of open() would clash with ours. */
#undef _FORTIFY_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define MAXFD 1024

static char *fdpath[MAXFD];  /* path of each watched descriptor, else NULL */
static char prefix[4096];
static size_t prefix_len;
static long crash_at;        /* 0: never */
static long points;
static int count_fd = -1;
static int log_fd = -1;
static int active;
static int have_now;
static time_t fixed_now;

/* The real functions, found with dlsym(RTLD_NEXT). */
static int (*r_open)(const char *, int, ...);
static int (*r_open64)(const char *, int, ...);
static int (*r_openat)(int, const char *, int, ...);
static int (*r_openat64)(int, const char *, int, ...);
static int (*r_open_2)(const char *, int);
static int (*r_open64_2)(const char *, int);
static int (*r_openat_2)(int, const char *, int);
static int (*r_openat64_2)(int, const char *, int);
static int (*r_creat)(const char *, mode_t);
static int (*r_creat64)(const char *, mode_t);
static int (*r_close)(int);
static ssize_t (*r_write)(int, const void *, size_t);
static ssize_t (*r_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*r_pwrite64)(int, const void *, size_t, off64_t);
static ssize_t (*r_writev)(int, const struct iovec *, int);
static ssize_t (*r_pwritev)(int, const struct iovec *, int, off_t);
static ssize_t (*r_pwritev2)(int, const struct iovec *, int, off_t, int);
static int (*r_fsync)(int);
static int (*r_fdatasync)(int);
static int (*r_ftruncate)(int, off_t);
static int (*r_ftruncate64)(int, off64_t);
static int (*r_truncate)(const char *, off_t);
static int (*r_unlink)(const char *);
static int (*r_unlinkat)(int, const char *, int);
static int (*r_rename)(const char *, const char *);
static int (*r_renameat)(int, const char *, int, const char *);
static int (*r_renameat2)(int, const char *, int, const char *, unsigned);

#define RESOLVE(var, name) (var = (__typeof__(var))dlsym(RTLD_NEXT, name))

static void resolve_all(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	RESOLVE(r_open, "open");
	RESOLVE(r_open64, "open64");
	RESOLVE(r_openat, "openat");
	RESOLVE(r_openat64, "openat64");
	RESOLVE(r_open_2, "__open_2");
	RESOLVE(r_open64_2, "__open64_2");
	RESOLVE(r_openat_2, "__openat_2");
	RESOLVE(r_openat64_2, "__openat64_2");
	RESOLVE(r_creat, "creat");
	RESOLVE(r_creat64, "creat64");
	RESOLVE(r_close, "close");
	RESOLVE(r_write, "write");
	RESOLVE(r_pwrite, "pwrite");
	RESOLVE(r_pwrite64, "pwrite64");
	RESOLVE(r_writev, "writev");
	RESOLVE(r_pwritev, "pwritev");
	RESOLVE(r_pwritev2, "pwritev2");
	RESOLVE(r_fsync, "fsync");
	RESOLVE(r_fdatasync, "fdatasync");
	RESOLVE(r_ftruncate, "ftruncate");
	RESOLVE(r_ftruncate64, "ftruncate64");
	RESOLVE(r_truncate, "truncate");
	RESOLVE(r_unlink, "unlink");
	RESOLVE(r_unlinkat, "unlinkat");
	RESOLVE(r_rename, "rename");
	RESOLVE(r_renameat, "renameat");
	RESOLVE(r_renameat2, "renameat2");
}

static void put_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = r_write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

__attribute__((constructor)) static void shim_init(void)
{
	int saved = errno;
	resolve_all();
	const char *dir = getenv("BRON_CRASH_DIR");
	if (dir && dir[0] == '/' && strlen(dir) < sizeof(prefix)) {
		snprintf(prefix, sizeof(prefix), "%s", dir);
		prefix_len = strlen(prefix);
		while (prefix_len > 1 && prefix[prefix_len - 1] == '/')
			prefix[--prefix_len] = '\0';
		active = 1;
	}
	const char *s = getenv("BRON_CRASH_AT");
	if (s && *s)
		crash_at = strtol(s, NULL, 10);
	s = getenv("BRON_CRASH_COUNT");
	if (active && s && *s)
		count_fd = r_open(s, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	s = getenv("BRON_CRASH_LOG");
	if (active && s && *s)
		log_fd = r_open(s, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	s = getenv("BRON_CRASH_NOW");
	if (s && *s) {
		fixed_now = (time_t)strtoll(s, NULL, 10);
		have_now = 1;
	}
	/* Make the count file say 0 even if no point is ever reached. */
	if (count_fd >= 0)
		put_all(count_fd, "0\n", 2);
	errno = saved;
}

/* Whether path (as given to a system call relative to dirfd) is watched;
 * fills full with the absolute path. */
static int watched_path(int dirfd, const char *path, char *full, size_t cap)
{
	if (!active || !path)
		return 0;
	int n;
	if (path[0] == '/') {
		n = snprintf(full, cap, "%s", path);
	} else if (dirfd != AT_FDCWD && dirfd >= 0 && dirfd < MAXFD &&
	           fdpath[dirfd]) {
		n = snprintf(full, cap, "%s/%s", fdpath[dirfd], path);
	} else {
		char cwd[4096];
		if (dirfd != AT_FDCWD || !getcwd(cwd, sizeof(cwd)))
			return 0;
		n = snprintf(full, cap, "%s/%s", cwd, path);
	}
	if (n < 0 || (size_t)n >= cap)
		return 0; /* longer than any path bron uses here */
	if (strncmp(full, prefix, prefix_len) != 0)
		return 0;
	return full[prefix_len] == '\0' || full[prefix_len] == '/' ||
	       prefix[prefix_len - 1] == '/';
}

static void track(int fd, int dirfd, const char *path)
{
	char full[4096];
	if (fd < 0 || fd >= MAXFD)
		return;
	free(fdpath[fd]);
	fdpath[fd] = NULL;
	if (watched_path(dirfd, path, full, sizeof(full)))
		fdpath[fd] = strdup(full);
}

/* One kill point: count it, log it, and die before it when it is due. */
static void point(const char *call, const char *path, long long a,
                  long long b)
{
	int saved = errno;
	long n = ++points;
	int kill_now = crash_at > 0 && n == crash_at;
	char line[4400];
	if (log_fd >= 0) {
		int len = snprintf(line, sizeof(line), "%ld %s %s %lld %lld%s\n", n,
		                   call, path, a, b, kill_now ? " KILL" : "");
		if (len > (int)sizeof(line) - 1)
			len = (int)sizeof(line) - 1;
		if (len > 0)
			put_all(log_fd, line, (size_t)len);
	}
	if (count_fd >= 0) {
		int len = snprintf(line, sizeof(line), "%ld\n", n);
		if (r_ftruncate(count_fd, 0) == 0 && len > 0) {
			ssize_t w = r_pwrite(count_fd, line, (size_t)len, 0);
			(void)w;
		}
	}
	if (kill_now) {
		kill(getpid(), SIGKILL);
		for (;;)
			pause();
	}
	errno = saved;
}

static const char *fd_watched(int fd)
{
	if (!active || fd < 0 || fd >= MAXFD)
		return NULL;
	return fdpath[fd];
}

/* ---- opening and closing ---- */

static mode_t va_mode(int flags, va_list ap)
{
	if (flags & (O_CREAT | O_TMPFILE))
		return (mode_t)va_arg(ap, int);
	return 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = va_mode(flags, ap);
	va_end(ap);
	resolve_all();
	int fd = r_open(path, flags, mode);
	track(fd, AT_FDCWD, path);
	return fd;
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = va_mode(flags, ap);
	va_end(ap);
	resolve_all();
	int fd = r_open64(path, flags, mode);
	track(fd, AT_FDCWD, path);
	return fd;
}

int openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = va_mode(flags, ap);
	va_end(ap);
	resolve_all();
	int fd = r_openat(dirfd, path, flags, mode);
	track(fd, dirfd, path);
	return fd;
}

int openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	va_start(ap, flags);
	mode_t mode = va_mode(flags, ap);
	va_end(ap);
	resolve_all();
	int fd = r_openat64(dirfd, path, flags, mode);
	track(fd, dirfd, path);
	return fd;
}

int __open_2(const char *path, int flags);
int __open_2(const char *path, int flags)
{
	resolve_all();
	int fd = r_open_2(path, flags);
	track(fd, AT_FDCWD, path);
	return fd;
}

int __open64_2(const char *path, int flags);
int __open64_2(const char *path, int flags)
{
	resolve_all();
	int fd = r_open64_2(path, flags);
	track(fd, AT_FDCWD, path);
	return fd;
}

int __openat_2(int dirfd, const char *path, int flags);
int __openat_2(int dirfd, const char *path, int flags)
{
	resolve_all();
	int fd = r_openat_2(dirfd, path, flags);
	track(fd, dirfd, path);
	return fd;
}

int __openat64_2(int dirfd, const char *path, int flags);
int __openat64_2(int dirfd, const char *path, int flags)
{
	resolve_all();
	int fd = r_openat64_2(dirfd, path, flags);
	track(fd, dirfd, path);
	return fd;
}

int creat(const char *path, mode_t mode)
{
	resolve_all();
	int fd = r_creat(path, mode);
	track(fd, AT_FDCWD, path);
	return fd;
}

int creat64(const char *path, mode_t mode)
{
	resolve_all();
	int fd = r_creat64(path, mode);
	track(fd, AT_FDCWD, path);
	return fd;
}

int close(int fd)
{
	resolve_all();
	if (fd >= 0 && fd < MAXFD && fdpath[fd]) {
		free(fdpath[fd]);
		fdpath[fd] = NULL;
	}
	return r_close(fd);
}

/* ---- the calls that change files ---- */

static long long iov_len(const struct iovec *iov, int n)
{
	long long t = 0;
	for (int i = 0; i < n; i++)
		t += (long long)iov[i].iov_len;
	return t;
}

ssize_t write(int fd, const void *buf, size_t n)
{
	resolve_all();
	const char *p = fd_watched(fd);
	if (p)
		point("write", p, -1, (long long)n);
	return r_write(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
	resolve_all();
	const char *p = fd_watched(fd);
	if (p)
		point("pwrite", p, (long long)off, (long long)n);
	return r_pwrite(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
	resolve_all();
	const char *p = fd_watched(fd);
	if (p)
		point("pwrite64", p, (long long)off, (long long)n);
	return r_pwrite64(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int n)
{
	resolve_all();
	const char *p = fd_watched(fd);
	if (p)
		point("writev", p, -1, iov_len(iov, n));
	return r_writev(fd, iov, n);
}

ssize_t pwritev(int fd, const struct iovec *iov, int n, off_t off)
{
	resolve_all();
	const char *p = fd_watched(fd);
	if (p)
		point("pwritev", p, (long long)off, iov_len(iov, n));
	return r_pwritev(fd, iov, n, off);
}

ssize_t pwritev2(int fd, const struct iovec *iov, int n, off_t off, int fl)
{
	resolve_all();
	const char *p = fd_watched(fd);
	if (p)
		point("pwritev2", p, (long long)off, iov_len(iov, n));
	return r_pwritev2(fd, iov, n, off, fl);
}

int fsync(int fd)
{
	resolve_all();
	const char *p = fd_watched(fd);
	if (p)
		point("fsync", p, -1, -1);
	return r_fsync(fd);
}

int fdatasync(int fd)
{
	resolve_all();
	const char *p = fd_watched(fd);
	if (p)
		point("fdatasync", p, -1, -1);
	return r_fdatasync(fd);
}

int ftruncate(int fd, off_t len)
{
	resolve_all();
	const char *p = fd_watched(fd);
	if (p)
		point("ftruncate", p, (long long)len, -1);
	return r_ftruncate(fd, len);
}

int ftruncate64(int fd, off64_t len)
{
	resolve_all();
	const char *p = fd_watched(fd);
	if (p)
		point("ftruncate64", p, (long long)len, -1);
	return r_ftruncate64(fd, len);
}

int truncate(const char *path, off_t len)
{
	char full[4096];
	resolve_all();
	if (watched_path(AT_FDCWD, path, full, sizeof(full)))
		point("truncate", full, (long long)len, -1);
	return r_truncate(path, len);
}

int unlink(const char *path)
{
	char full[4096];
	resolve_all();
	if (watched_path(AT_FDCWD, path, full, sizeof(full)))
		point("unlink", full, -1, -1);
	return r_unlink(path);
}

int unlinkat(int dirfd, const char *path, int flags)
{
	char full[4096];
	resolve_all();
	if (watched_path(dirfd, path, full, sizeof(full)))
		point("unlinkat", full, -1, -1);
	return r_unlinkat(dirfd, path, flags);
}

int rename(const char *from, const char *to)
{
	char a[4096], b[4096];
	resolve_all();
	if (watched_path(AT_FDCWD, from, a, sizeof(a)) ||
	    watched_path(AT_FDCWD, to, b, sizeof(b)))
		point("rename", to, -1, -1);
	return r_rename(from, to);
}

int renameat(int fd1, const char *from, int fd2, const char *to)
{
	char a[4096], b[4096];
	resolve_all();
	if (watched_path(fd1, from, a, sizeof(a)) ||
	    watched_path(fd2, to, b, sizeof(b)))
		point("renameat", to, -1, -1);
	return r_renameat(fd1, from, fd2, to);
}

int renameat2(int fd1, const char *from, int fd2, const char *to,
              unsigned flags)
{
	char a[4096], b[4096];
	resolve_all();
	if (watched_path(fd1, from, a, sizeof(a)) ||
	    watched_path(fd2, to, b, sizeof(b)))
		point("renameat2", to, -1, -1);
	return r_renameat2(fd1, from, fd2, to, flags);
}

/* ---- the clock ---- */

time_t time(time_t *out)
{
	time_t t;
	if (have_now) {
		t = fixed_now;
	} else {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		t = ts.tv_sec;
	}
	if (out)
		*out = t;
	return t;
}
