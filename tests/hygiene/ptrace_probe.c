/*
 * ptrace_probe - tries to reach into another process the way a debugger or
 * a memory scraper would, optionally after changing who it is first.
 *
 *   ptrace_probe [--uid N --gid N] [--drop-ptrace-cap] attach|read PID
 *
 * --uid/--gid      become that user and group (clearing supplementary groups)
 *                  before trying; needs root.
 * --drop-ptrace-cap  stay the same user but give up CAP_SYS_PTRACE (from the
 *                  bounding, permitted, effective and inheritable sets), so
 *                  that root is held to the rules of an ordinary user:
 *                  same uid, and the target must be dumpable.
 * attach           PTRACE_ATTACH, wait for the stop, PTRACE_DETACH.
 * read             open and read /proc/PID/environ (a PTRACE_MODE_READ check).
 *
 * Prints one line, "attach: ok" or "attach: EPERM" etc., and exits 0 when
 * the access worked, 1 when it was refused (EPERM or EACCES), 2 on any
 * other error (including failing to change identity).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int drop_ptrace_cap(void)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];
	unsigned idx = CAP_SYS_PTRACE / 32, bit = 1u << (CAP_SYS_PTRACE % 32);

	/* Without CAP_SETPCAP the bounding set stays; what counts for the
	 * kernel's ptrace check is the permitted and effective sets below. */
	(void)prctl(PR_CAPBSET_DROP, CAP_SYS_PTRACE, 0, 0, 0);
	if (syscall(SYS_capget, &hdr, data) != 0)
		return -1;
	data[idx].effective &= ~bit;
	data[idx].permitted &= ~bit;
	data[idx].inheritable &= ~bit;
	if (syscall(SYS_capset, &hdr, data) != 0)
		return -1;
	/* check: the capability is really gone */
	if (syscall(SYS_capget, &hdr, data) != 0 ||
	    (data[idx].effective & bit) || (data[idx].permitted & bit))
		return -1;
	return 0;
}

static int report(const char *what, int err)
{
	if (err == 0) {
		printf("%s: ok\n", what);
		return 0;
	}
	printf("%s: %s\n", what,
	       err == EPERM ? "EPERM" : err == EACCES ? "EACCES" : strerror(err));
	return err == EPERM || err == EACCES ? 1 : 2;
}

int main(int argc, char **argv)
{
	long uid = -1, gid = -1;
	int drop = 0, i = 1;

	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--uid") == 0 && i + 1 < argc)
			uid = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--gid") == 0 && i + 1 < argc)
			gid = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--drop-ptrace-cap") == 0)
			drop = 1;
		else
			break;
	}
	if (argc - i != 2 || (strcmp(argv[i], "attach") != 0 &&
	                      strcmp(argv[i], "read") != 0)) {
		fprintf(stderr, "usage: ptrace_probe [--uid N --gid N] "
		                "[--drop-ptrace-cap] attach|read PID\n");
		return 2;
	}
	const char *mode = argv[i];
	pid_t pid = (pid_t)strtol(argv[i + 1], NULL, 10);

	if (gid >= 0 && (setgroups(0, NULL) != 0 || setgid((gid_t)gid) != 0)) {
		perror("ptrace_probe: setgid");
		return 2;
	}
	if (uid >= 0 && setuid((uid_t)uid) != 0) {
		perror("ptrace_probe: setuid");
		return 2;
	}
	if (uid >= 0 && (getuid() != (uid_t)uid || geteuid() != (uid_t)uid)) {
		fprintf(stderr, "ptrace_probe: still uid %ld\n", (long)geteuid());
		return 2;
	}
	if (drop && drop_ptrace_cap() != 0) {
		perror("ptrace_probe: dropping CAP_SYS_PTRACE");
		return 2;
	}

	if (strcmp(mode, "read") == 0) {
		char path[64], buf[256];
		snprintf(path, sizeof(path), "/proc/%ld/environ", (long)pid);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return report("read", errno);
		ssize_t n = read(fd, buf, sizeof(buf));
		int e = n < 0 ? errno : 0;
		close(fd);
		return report("read", e);
	}

	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) != 0)
		return report("attach", errno);
	int status;
	if (waitpid(pid, &status, __WALL) < 0) {
		int e = errno;
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
		return report("attach (wait)", e);
	}
	/* The attach stop is a SIGSTOP; detach without passing it on. */
	ptrace(PTRACE_DETACH, pid, NULL, NULL);
	return report("attach", 0);
}
