/*
 * enospc.c - a test helper, never installed: an LD_PRELOAD library that makes
 * writes to files under one directory fail with ENOSPC, the way a full disk
 * does, so that run_faults.py can check what bron does then.
 *
 * Environment:
 *   BRON_ENOSPC_DIR          the directory (required; files below it, at any
 *                            depth, are affected; everything else is not)
 *   BRON_ENOSPC_AFTER_CALLS  let this many affected calls succeed, then fail
 *                            every later one
 *   BRON_ENOSPC_AFTER_BYTES  let this many bytes be written (the write that
 *                            crosses the limit is cut short), then fail every
 *                            write, and fsync, fdatasync, growing ftruncate
 *                            and fallocate, as a full disk would
 *   BRON_ENOSPC_ONCE         with AFTER_CALLS: fail only the one call after
 *                            the first N, then succeed again (a transient
 *                            error)
 *   BRON_ENOSPC_LOG          append "calls=C bytes=B failed=F" to this file
 *                            when the process exits (for counting runs)
 *   BRON_ENOSPC_TRACE        print every affected call to stderr
 *
 * Affected calls: write, pwrite, pwrite64, writev, fsync, fdatasync,
 * ftruncate, ftruncate64, fallocate, fallocate64, posix_fallocate,
 * posix_fallocate64.  A file is "under the directory" when /proc/self/fd/N
 * names a path below the directory's real path.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static char dir[PATH_MAX];
static size_t dirlen;
static int active, once, by_bytes, trace;
static unsigned long long after_calls = ~0ULL, after_bytes = ~0ULL;
static unsigned long long ncalls, nbytes, nfailed;
static int full; /* bytes mode: the budget is spent */

static unsigned long long env_ull(const char *name, unsigned long long dflt,
                                  int *set)
{
	const char *s = getenv(name);
	if (!s || !*s)
		return dflt;
	if (set)
		*set = 1;
	return strtoull(s, NULL, 10);
}

__attribute__((constructor)) static void enospc_init(void)
{
	const char *d = getenv("BRON_ENOSPC_DIR");
	if (!d || !*d || !realpath(d, dir))
		return;
	dirlen = strlen(dir);
	while (dirlen > 1 && dir[dirlen - 1] == '/')
		dir[--dirlen] = '\0';
	after_calls = env_ull("BRON_ENOSPC_AFTER_CALLS", ~0ULL, NULL);
	after_bytes = env_ull("BRON_ENOSPC_AFTER_BYTES", ~0ULL, &by_bytes);
	once = env_ull("BRON_ENOSPC_ONCE", 0, NULL) != 0;
	trace = env_ull("BRON_ENOSPC_TRACE", 0, NULL) != 0;
	active = 1;
}

__attribute__((destructor)) static void enospc_fini(void)
{
	const char *log = getenv("BRON_ENOSPC_LOG");
	if (!active || !log || !*log)
		return;
	char line[128];
	int n = snprintf(line, sizeof(line), "calls=%llu bytes=%llu failed=%llu\n",
	                 ncalls, nbytes, nfailed);
	int fd = (int)syscall(SYS_openat, AT_FDCWD, log,
	                      O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (syscall(SYS_write, fd, line, (size_t)n) < 0) {
			/* nothing to do about it */
		}
		syscall(SYS_close, fd);
	}
}

static char last_path[PATH_MAX];

/* Whether fd is a file below dir. */
static int ours(int fd)
{
	char link[64];
	char *target = last_path;
	if (!active || fd < 0)
		return 0;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, target, sizeof(last_path) - 1);
	if (n <= 0)
		return 0;
	target[n] = '\0';
	return strncmp(target, dir, dirlen) == 0 && target[dirlen] == '/';
}

/*
 * Decides one affected call.  want: bytes it would write (0 for the others).
 * Returns how many bytes may go through (for writes), or -1 to fail.  For
 * the other calls 0 means go on.
 */
static long long decide_(size_t want, int grows);

static long long decide_named(const char *name, size_t want, int grows)
{
	unsigned long long i = ncalls;
	long long r = decide_(want, grows);
	if (trace) {
		char line[PATH_MAX + 96];
		int n = snprintf(line, sizeof(line), "enospc: #%llu %s(%s, %zu) %s\n",
		                 i, name, last_path, want, r < 0 ? "ENOSPC" : "ok");
		if (syscall(SYS_write, 2, line, (size_t)n) < 0) {
			/* nothing to do about it */
		}
	}
	return r;
}

#define decide(want, grows) decide_named(__func__, want, grows)

static long long decide_(size_t want, int grows)
{
	unsigned long long i = ncalls++;
	if (by_bytes) {
		if (!want) {
			if (full && grows) {
				nfailed++;
				return -1;
			}
			return 0;
		}
		if (nbytes >= after_bytes) {
			full = 1;
			nfailed++;
			return -1;
		}
		unsigned long long room = after_bytes - nbytes;
		size_t n = want <= room ? want : (size_t)room;
		nbytes += n;
		if (n < want)
			full = 1;
		return (long long)n;
	}
	if (i >= after_calls && (!once || i == after_calls)) {
		nfailed++;
		return -1;
	}
	nbytes += want;
	return (long long)want;
}

#define REAL(name)                                                        \
	static __typeof__(name) *real_##name;                                 \
	if (!real_##name)                                                     \
		real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

ssize_t write(int fd, const void *buf, size_t count)
{
	REAL(write);
	if (!ours(fd))
		return real_write(fd, buf, count);
	long long n = decide(count, 1);
	if (n < 0 || (count && n == 0)) {
		errno = ENOSPC;
		return -1;
	}
	return real_write(fd, buf, (size_t)n);
}

ssize_t pwrite(int fd, const void *buf, size_t count, off_t off)
{
	REAL(pwrite);
	if (!ours(fd))
		return real_pwrite(fd, buf, count, off);
	long long n = decide(count, 1);
	if (n < 0 || (count && n == 0)) {
		errno = ENOSPC;
		return -1;
	}
	return real_pwrite(fd, buf, (size_t)n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off64_t off)
{
	REAL(pwrite64);
	if (!ours(fd))
		return real_pwrite64(fd, buf, count, off);
	long long n = decide(count, 1);
	if (n < 0 || (count && n == 0)) {
		errno = ENOSPC;
		return -1;
	}
	return real_pwrite64(fd, buf, (size_t)n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
	REAL(writev);
	if (!ours(fd))
		return real_writev(fd, iov, cnt);
	size_t total = 0;
	for (int i = 0; i < cnt; i++)
		total += iov[i].iov_len;
	long long n = decide(total, 1);
	if (n < 0 || (total && n == 0)) {
		errno = ENOSPC;
		return -1;
	}
	if ((size_t)n == total)
		return real_writev(fd, iov, cnt);
	/* A short write: only the first n bytes. */
	ssize_t done = 0;
	for (int i = 0; i < cnt && n > 0; i++) {
		size_t k = iov[i].iov_len < (size_t)n ? iov[i].iov_len : (size_t)n;
		REAL(write);
		ssize_t w = real_write(fd, iov[i].iov_base, k);
		if (w < 0)
			return done ? done : -1;
		done += w;
		n -= w;
		if ((size_t)w < k)
			break;
	}
	return done;
}

static int fail_errno_named(const char *name, int grows)
{
	if (decide_named(name, 0, grows) < 0) {
		errno = ENOSPC;
		return -1;
	}
	return 0;
}

#define fail_errno(grows) fail_errno_named(__func__, grows)

int fsync(int fd)
{
	REAL(fsync);
	if (ours(fd) && fail_errno(1) < 0)
		return -1;
	return real_fsync(fd);
}

int fdatasync(int fd)
{
	REAL(fdatasync);
	if (ours(fd) && fail_errno(1) < 0)
		return -1;
	return real_fdatasync(fd);
}

static int grows(int fd, off_t len)
{
	struct stat st;
	return fstat(fd, &st) != 0 || len > st.st_size;
}

int ftruncate(int fd, off_t len)
{
	REAL(ftruncate);
	if (ours(fd) && fail_errno(grows(fd, len)) < 0)
		return -1;
	return real_ftruncate(fd, len);
}

int ftruncate64(int fd, off64_t len)
{
	REAL(ftruncate64);
	if (ours(fd) && fail_errno(grows(fd, (off_t)len)) < 0)
		return -1;
	return real_ftruncate64(fd, len);
}

int fallocate(int fd, int mode, off_t off, off_t len)
{
	REAL(fallocate);
	if (ours(fd) && fail_errno(1) < 0)
		return -1;
	return real_fallocate(fd, mode, off, len);
}

int fallocate64(int fd, int mode, off64_t off, off64_t len)
{
	REAL(fallocate64);
	if (ours(fd) && fail_errno(1) < 0)
		return -1;
	return real_fallocate64(fd, mode, off, len);
}

int posix_fallocate(int fd, off_t off, off_t len)
{
	REAL(posix_fallocate);
	if (ours(fd) && decide(0, 1) < 0)
		return ENOSPC;
	return real_posix_fallocate(fd, off, len);
}

int posix_fallocate64(int fd, off64_t off, off64_t len)
{
	REAL(posix_fallocate64);
	if (ours(fd) && decide(0, 1) < 0)
		return ENOSPC;
	return real_posix_fallocate64(fd, off, len);
}
