/*
 * test_lock.c - two processes writing at once.  Concurrent adders lose
 * nothing; two writers racing on one revision cannot both win; a writer that
 * finds the writer lock taken waits, then fails with BRON_E_IN_USE naming
 * the holder, while readers go on; a writer that dies does not leave the
 * vault locked.
 *
 * Children never use cmocka (its jump buffers belong to the parent): they
 * report through pipes and exit statuses, and always leave with _exit().
 * Every child arms alarm() and teardown kills any child still alive, so a
 * failing test cannot hang.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"
#include "vault_int.h"

#define CHILD_ALARM 60   /* seconds before a forgotten child dies */
#define PIPE_WAIT 30000  /* ms the parent waits for a child's message */

/* ---- processes and pipes ---- */

#define MAX_KIDS 8
static pid_t kids[MAX_KIDS];

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void nap_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = ms / 1000,
	                      .tv_nsec = (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Runs fn(arg) in a child that exits with its return value. */
static pid_t spawn(int (*fn)(void *), void *arg)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		alarm(CHILD_ALARM);
		_exit(fn(arg));
	}
	for (int i = 0; i < MAX_KIDS; i++)
		if (kids[i] == 0) {
			kids[i] = pid;
			return pid;
		}
	kill(pid, SIGKILL);
	fail_msg("too many children");
	return -1;
}

/* Waits for pid; returns its exit status, or 128 + the signal that killed it. */
static int reap(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			fail_msg("waitpid: %s", strerror(errno));
	for (int i = 0; i < MAX_KIDS; i++)
		if (kids[i] == pid)
			kids[i] = 0;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void reap_all(void)
{
	for (int i = 0; i < MAX_KIDS; i++)
		if (kids[i] > 0) {
			kill(kids[i], SIGKILL);
			waitpid(kids[i], NULL, 0);
			kids[i] = 0;
		}
}

/* For children and parent alike: 0 on success, -1 on failure. */
static int send_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* 1 when n bytes arrived, 0 on end of file, -1 on error or timeout. */
static int recv_all(int fd, void *p, size_t n, int timeout_ms)
{
	char *c = p;
	size_t got = 0;
	while (got < n) {
		if (timeout_ms >= 0) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};
			int r = poll(&pfd, 1, timeout_ms);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				return -1;
		}
		ssize_t k = read(fd, c + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0)
			return got ? -1 : 0;
		got += (size_t)k;
	}
	return 1;
}

/* Parent side: a message must come. */
static void expect_msg(int fd, void *p, size_t n)
{
	int r = recv_all(fd, p, n, PIPE_WAIT);
	if (r != 1)
		fail_msg("no message from the child (%s)",
		         r == 0 ? "end of file" : "timeout or error");
}

static void expect_byte(int fd, char want)
{
	char c = 0;
	expect_msg(fd, &c, 1);
	assert_int_equal(c, want);
}

static void make_pipe(int p[2])
{
	assert_int_equal(pipe(p), 0);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Whether msg contains the decimal number n, not as part of a longer one. */
static int mentions_pid(const char *msg, long n)
{
	char want[32];
	int len = snprintf(want, sizeof(want), "%ld", n);
	for (const char *p = strstr(msg, want); p; p = strstr(p + 1, want)) {
		int before = p > msg && p[-1] >= '0' && p[-1] <= '9';
		int after = p[len] >= '0' && p[len] <= '9';
		if (!before && !after)
			return 1;
	}
	return 0;
}

static void expect_text(struct bron_vault *v, bron_id id, const char *want,
                        uint64_t want_rev)
{
	uint8_t *data = NULL;
	size_t len = 0;
	uint64_t rev = 0;
	struct bron_error err;
	if (bron_vault_get(v, id, &data, &len, &rev, &err) != BRON_OK)
		fail_msg("get %016llx: %s", (unsigned long long)id, err.msg);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(data, want, len);
	if (want_rev)
		assert_int_equal(rev, want_rev);
	bron_secret_free(data, len);
}

static void expect_verified(struct bron_vault *v, uint64_t records)
{
	struct bron_verify_report r;
	struct bron_error err;
	if (bron_vault_verify(v, &r, &err) != BRON_OK)
		fail_msg("verify: %s", err.msg);
	assert_int_equal(r.records, records);
	assert_int_equal(bron_vault_count(v), records);
}

static int setup(void **state)
{
	struct tmpdir *t = calloc(1, sizeof(*t));
	tmpdir_make(t);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	reap_all();
	tmpdir_remove(*state);
	free(*state);
	return 0;
}

/* ---- (a) concurrent adders ---- */

#define N_EACH 150

struct msg {
	int32_t proc, idx; /* idx -1: the child's start and end times */
	uint64_t a, b, c;  /* c: the child's slowest put, in ms */
};

struct adder {
	const char *path;
	int proc;
	int ready_w, go_r, go_w, out_w;
};

static void adder_text(char *buf, size_t cap, int proc, int idx)
{
	snprintf(buf, cap, "process %d, record %03d: two writers at once", proc,
	         idx);
}

static int adder_main(void *arg)
{
	struct adder *a = arg;
	struct bron_vault *v = NULL;
	struct bron_error err;
	char c = 'r', text[100];
	close(a->go_w); /* only the parent's copy may keep the go pipe open */
	if (vault_try_open(a->path, TEST_PASS, &v, &err) != BRON_OK) {
		fprintf(stderr, "adder %d: open: %s\n", a->proc, err.msg);
		return 2;
	}
	/* Ready; then wait until the parent closes the go pipe (both at once). */
	if (send_all(a->ready_w, &c, 1) != 0 || recv_all(a->go_r, &c, 1, -1) != 0)
		return 3;
	struct msg m = {.proc = a->proc, .idx = -1, .a = now_ms()};
	for (int i = 0; i < N_EACH; i++) {
		bron_id id = 0;
		adder_text(text, sizeof(text), a->proc, i);
		uint64_t t0 = now_ms();
		bron_err e = bron_vault_put(v, &id, 0, text, strlen(text), NULL,
		                            &err);
		if (now_ms() - t0 > m.c)
			m.c = now_ms() - t0;
		if (e != BRON_OK) {
			fprintf(stderr, "adder %d: put %d: %s (code %d)\n", a->proc, i,
			        err.msg, (int)e);
			bron_vault_free(v);
			return 100 + (int)e;
		}
		struct msg r = {.proc = a->proc, .idx = i, .a = id};
		if (send_all(a->out_w, &r, sizeof(r)) != 0)
			return 4;
	}
	m.b = now_ms();
	bron_vault_free(v);
	return send_all(a->out_w, &m, sizeof(m)) == 0 ? 0 : 5;
}

static void concurrent_adds(void **state)
{
	struct tmpdir *t = *state;
	struct bron_vault *v = vault_new(t, NULL);
	bron_vault_free(v);

	int ready[2], go[2], out[2];
	make_pipe(ready);
	make_pipe(go);
	make_pipe(out);
	struct adder ad[2];
	pid_t pid[2];
	for (int k = 0; k < 2; k++) {
		ad[k] = (struct adder){.path = t->vault, .proc = k,
		                       .ready_w = ready[1], .go_r = go[0],
		                       .go_w = go[1], .out_w = out[1]};
		pid[k] = spawn(adder_main, &ad[k]);
	}
	close_fd(&ready[1]);
	close_fd(&go[0]);
	close_fd(&out[1]);
	expect_byte(ready[0], 'r');
	expect_byte(ready[0], 'r');
	close_fd(&go[1]); /* go */

	bron_id ids[2][N_EACH] = {{0}};
	uint64_t start[2] = {0}, end[2] = {0}, slowest[2] = {0};
	int done = 0, got = 0;
	struct msg m;
	int r;
	while ((r = recv_all(out[0], &m, sizeof(m), PIPE_WAIT)) == 1) {
		assert_true(m.proc == 0 || m.proc == 1);
		if (m.idx < 0) {
			start[m.proc] = m.a;
			end[m.proc] = m.b;
			slowest[m.proc] = m.c;
			done++;
			continue;
		}
		assert_true(m.idx < N_EACH);
		assert_int_equal(ids[m.proc][m.idx], 0);
		assert_true(m.a != 0);
		ids[m.proc][m.idx] = m.a;
		got++;
	}
	close_fd(&out[0]);
	close_fd(&ready[0]);
	int st0 = reap(pid[0]), st1 = reap(pid[1]);
	if (st0 || st1)
		fail_msg("adders exited with %d and %d (100 + bron_err: %d is "
		         "BRON_E_IN_USE)",
		         st0, st1, 100 + BRON_E_IN_USE);
	assert_int_equal(r, 0);
	assert_int_equal(got, 2 * N_EACH);
	assert_int_equal(done, 2);
	/* They really overlapped in time. */
	assert_true(start[0] <= end[1] && start[1] <= end[0]);
	print_message("    adders ran %llu and %llu ms; slowest put %llu and "
	              "%llu ms (lock timeout 5000 ms)\n",
	              (unsigned long long)(end[0] - start[0]),
	              (unsigned long long)(end[1] - start[1]),
	              (unsigned long long)slowest[0],
	              (unsigned long long)slowest[1]);
	/* No id twice. */
	for (int i = 0; i < 2 * N_EACH; i++)
		for (int j = i + 1; j < 2 * N_EACH; j++)
			assert_true(ids[i / N_EACH][i % N_EACH] !=
			            ids[j / N_EACH][j % N_EACH]);

	v = vault_reopen(t);
	assert_int_equal(bron_vault_count(v), 2 * N_EACH);
	expect_verified(v, 2 * N_EACH);
	char text[100];
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < N_EACH; i++) {
			adder_text(text, sizeof(text), k, i);
			expect_text(v, ids[k][i], text, 1);
		}
	bron_vault_free(v);
}

/* ---- (b) no lost update ---- */

#define ROUNDS 12

struct racer {
	const char *path;
	int proc;
	bron_id id;
	int ready_w, cmd_r, out_w;
};

struct result {
	int32_t proc, round, code;
	uint64_t rev;
};

static void racer_text(char *buf, size_t cap, int proc, int round)
{
	snprintf(buf, cap, "round %d written by process %d", round, proc);
}

/*
 * Per round: 'n' from the parent: read the record's revision, say 'r'; then
 * 'p' (put) or 'd' (delete) with that revision: do it, report the result.
 * 'q' ends.
 */
static int racer_main(void *arg)
{
	struct racer *a = arg;
	struct bron_vault *v = NULL;
	struct bron_error err;
	char c, text[100];
	if (vault_try_open(a->path, TEST_PASS, &v, &err) != BRON_OK) {
		fprintf(stderr, "racer %d: open: %s\n", a->proc, err.msg);
		return 2;
	}
	for (int round = 1;; round++) {
		if (recv_all(a->cmd_r, &c, 1, -1) != 1)
			return 3;
		if (c == 'q')
			break;
		uint8_t *data = NULL;
		size_t len = 0;
		uint64_t rev = 0;
		if (bron_vault_get(v, a->id, &data, &len, &rev, &err) != BRON_OK) {
			fprintf(stderr, "racer %d: get: %s\n", a->proc, err.msg);
			return 4;
		}
		bron_secret_free(data, len);
		c = 'r';
		if (send_all(a->ready_w, &c, 1) != 0 ||
		    recv_all(a->cmd_r, &c, 1, -1) != 1)
			return 5;
		struct result r = {.proc = a->proc, .round = round};
		bron_id id = a->id;
		if (c == 'd') {
			r.code = bron_vault_delete(v, id, rev, &err);
		} else {
			racer_text(text, sizeof(text), a->proc, round);
			r.code = bron_vault_put(v, &id, rev, text, strlen(text), &r.rev,
			                        &err);
		}
		if (send_all(a->out_w, &r, sizeof(r)) != 0)
			return 6;
	}
	bron_vault_free(v);
	return 0;
}

static void no_lost_update(void **state)
{
	struct tmpdir *t = *state;
	struct bron_vault *v = vault_new(t, NULL);
	bron_id id = put_text(v, "the original");
	bron_vault_free(v);

	int ready[2], out[2], cmd[2][2];
	make_pipe(ready);
	make_pipe(out);
	make_pipe(cmd[0]);
	make_pipe(cmd[1]);
	struct racer rc[2];
	pid_t pid[2];
	for (int k = 0; k < 2; k++) {
		rc[k] = (struct racer){.path = t->vault, .proc = k, .id = id,
		                       .ready_w = ready[1], .cmd_r = cmd[k][0],
		                       .out_w = out[1]};
		pid[k] = spawn(racer_main, &rc[k]);
	}
	close_fd(&ready[1]);
	close_fd(&out[1]);
	close_fd(&cmd[0][0]);
	close_fd(&cmd[1][0]);

	int wins[2] = {0, 0}, last_winner = -1;
	for (int round = 1; round <= ROUNDS + 1; round++) {
		int final = round == ROUNDS + 1; /* process 1 deletes */
		for (int k = 0; k < 2; k++)
			assert_int_equal(send_all(cmd[k][1], "n", 1), 0);
		expect_byte(ready[0], 'r');
		expect_byte(ready[0], 'r');
		/* Both hold the same revision now; let them go together, each
		 * round the other one first. */
		for (int j = 0; j < 2; j++) {
			int k = (round + j) % 2;
			const char *op = k == 1 && final ? "d" : "p";
			assert_int_equal(send_all(cmd[k][1], op, 1), 0);
		}
		struct result res[2], r;
		for (int k = 0; k < 2; k++) {
			expect_msg(out[0], &r, sizeof(r));
			assert_true(r.proc == 0 || r.proc == 1);
			assert_int_equal(r.round, round);
			res[r.proc] = r;
		}
		int ok0 = res[0].code == BRON_OK, ok1 = res[1].code == BRON_OK;
		if (ok0 + ok1 != 1)
			fail_msg("round %d: results %d and %d, want exactly one "
			         "success",
			         round, res[0].code, res[1].code);
		int w = ok0 ? 0 : 1;
		wins[w]++;
		last_winner = w;
		if (!final) {
			/* The loser read the same revision and must be told. */
			assert_int_equal(res[!w].code, BRON_E_CONFLICT);
			assert_int_equal(res[w].rev, (uint64_t)round + 1);
		} else {
			/* Put lost against delete: nothing to update any more;
			 * delete lost against put: the revision moved on. */
			assert_int_equal(res[!w].code,
			                 w == 1 ? BRON_E_NOT_FOUND : BRON_E_CONFLICT);
		}
	}
	for (int k = 0; k < 2; k++)
		assert_int_equal(send_all(cmd[k][1], "q", 1), 0);
	assert_int_equal(reap(pid[0]), 0);
	assert_int_equal(reap(pid[1]), 0);
	close_fd(&ready[0]);
	close_fd(&out[0]);
	close_fd(&cmd[0][1]);
	close_fd(&cmd[1][1]);
	print_message("    lost-update races: process 0 won %d, process 1 won "
	              "%d\n",
	              wins[0], wins[1]);

	v = vault_reopen(t);
	if (last_winner == 1) {
		expect_verified(v, 0);
	} else {
		char text[100];
		racer_text(text, sizeof(text), 0, ROUNDS + 1);
		expect_verified(v, 1);
		expect_text(v, id, text, ROUNDS + 2);
	}
	bron_vault_free(v);
}

/* ---- a process that holds the writer lock the way lock.c does ---- */

enum hold { HOLD_UNTIL_TOLD, HOLD_THEN_EXIT, HOLD_UNTIL_KILLED };

struct holder {
	const char *lockpath;
	enum hold mode;
	int up_w, cmd_r;
};

static int holder_main(void *arg)
{
	struct holder *h = arg;
	int fd = open(h->lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	              0600);
	if (fd < 0 || flock(fd, LOCK_EX) != 0)
		return 2;
	char pid[32], c;
	int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || pwrite(fd, pid, (size_t)n, 0) != n)
		return 3;
	if (send_all(h->up_w, "L", 1) != 0)
		return 4;
	switch (h->mode) {
	case HOLD_THEN_EXIT:
		_exit(0); /* dies holding the lock: no LOCK_UN, no close */
	case HOLD_UNTIL_KILLED:
		for (;;)
			pause();
	case HOLD_UNTIL_TOLD:
		break;
	}
	/* 'R': release now; 'D': release after 300 ms. */
	if (recv_all(h->cmd_r, &c, 1, -1) != 1)
		return 5;
	if (c == 'D')
		nap_ms(300);
	if (ftruncate(fd, 0) != 0 || flock(fd, LOCK_UN) != 0)
		return 6;
	close(fd);
	return send_all(h->up_w, "U", 1) == 0 ? 0 : 7;
}

struct held {
	struct holder h;
	pid_t pid;
	int up[2], cmd[2];
};

/* Starts a holder and returns once it holds the lock. */
static void hold_lock(struct held *x, const char *lockpath, enum hold mode)
{
	make_pipe(x->up);
	make_pipe(x->cmd);
	x->h = (struct holder){.lockpath = lockpath, .mode = mode,
	                       .up_w = x->up[1], .cmd_r = x->cmd[0]};
	x->pid = spawn(holder_main, &x->h);
	close_fd(&x->up[1]);
	close_fd(&x->cmd[0]);
	expect_byte(x->up[0], 'L');
}

static void held_close(struct held *x)
{
	close_fd(&x->up[0]);
	close_fd(&x->cmd[1]);
}

/* ---- (c) the loser is told "vault in use"; readers go on ---- */

static int count_cb(void *ctx, bron_id id, uint64_t rev, const uint8_t *data,
                    size_t len)
{
	(void)id, (void)rev, (void)data, (void)len;
	++*(int *)ctx;
	return 0;
}

static void writer_lock_held(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	char lockpath[320], code[BRON_RECOVERY_CODE_LEN + 1];
	snprintf(lockpath, sizeof(lockpath), "%s.lock", t->vault);
	struct bron_vault *v = vault_new(t, code);
	bron_id id = put_text(v, "before");
	bron_vault_free(v);

	struct held x;
	hold_lock(&x, lockpath, HOLD_UNTIL_TOLD);

	/* Readers are not writers: nothing here waits for the lock. */
	uint64_t t0 = now_ms();
	v = vault_reopen(t); /* default timeout: a waiting reader takes 5 s */
	expect_text(v, id, "before", 1);
	int n = 0;
	assert_int_equal(bron_vault_foreach(v, count_cb, &n, &err), BRON_OK);
	assert_int_equal(n, 1);
	expect_verified(v, 1);
	struct bron_vault *v2 = NULL;
	assert_int_equal(vault_try_open(t->vault, TEST_PASS, &v2, &err), BRON_OK);
	expect_text(v2, id, "before", 1);
	bron_vault_free(v2);
	uint64_t readers = now_ms() - t0;
	assert_true(readers < 2500);

	/* Every kind of write waits about 200 ms, then gives up, naming the pid. */
	bron_vault_set_lock_timeout(v, 200);
	bron_id fresh = 0;
	t0 = now_ms();
	assert_int_equal(bron_vault_put(v, &fresh, 0, "new", 3, NULL, &err),
	                 BRON_E_IN_USE);
	uint64_t waited = now_ms() - t0;
	assert_int_equal(err.code, BRON_E_IN_USE);
	if (!mentions_pid(err.msg, (long)x.pid))
		fail_msg("message '%s' does not name pid %ld", err.msg,
		         (long)x.pid);
	assert_true(waited >= 190 && waited < 3000);
	assert_int_equal(fresh, 0);
	bron_id same = id;
	assert_int_equal(bron_vault_put(v, &same, 1, "changed", 7, NULL, &err),
	                 BRON_E_IN_USE);
	assert_true(mentions_pid(err.msg, (long)x.pid));
	assert_int_equal(bron_vault_delete(v, id, 1, &err), BRON_E_IN_USE);
	assert_int_equal(bron_vault_passwd(v, "other", 5, &test_kdf,
	                                   BRON_KDF_ALLOW_WEAK, &err),
	                 BRON_E_IN_USE);
	char fresh_code[BRON_RECOVERY_CODE_LEN + 1];
	assert_int_equal(bron_vault_rekey(v, TEST_PASS, strlen(TEST_PASS),
	                                  fresh_code, NULL, NULL, &err),
	                 BRON_E_IN_USE);
	/* Timeout 0: no waiting at all. */
	bron_vault_set_lock_timeout(v, 0);
	t0 = now_ms();
	assert_int_equal(bron_vault_put(v, &fresh, 0, "new", 3, NULL, &err),
	                 BRON_E_IN_USE);
	assert_true(now_ms() - t0 < 1000);
	/* Nothing changed, and reading still works. */
	expect_text(v, id, "before", 1);
	assert_int_equal(bron_vault_count(v), 1);
	print_message("    readers took %llu ms, a 200 ms writer gave up after "
	              "%llu ms\n",
	              (unsigned long long)readers, (unsigned long long)waited);

	/* Released: the same handle writes. */
	assert_int_equal(send_all(x.cmd[1], "R", 1), 0);
	expect_byte(x.up[0], 'U');
	assert_int_equal(reap(x.pid), 0);
	held_close(&x);
	bron_vault_set_lock_timeout(v, 200);
	if (bron_vault_put(v, &fresh, 0, "new", 3, NULL, &err) != BRON_OK)
		fail_msg("put after release: %s", err.msg);
	same = id;
	assert_int_equal(bron_vault_put(v, &same, 1, "changed", 7, NULL, &err),
	                 BRON_OK);
	/* lock.c wipes its pid note when it lets go. */
	struct stat st;
	assert_int_equal(stat(lockpath, &st), 0);
	assert_int_equal(st.st_size, 0);

	/* A writer with time to wait gets the lock once it is let go. */
	hold_lock(&x, lockpath, HOLD_UNTIL_TOLD);
	bron_vault_set_lock_timeout(v, 5000);
	t0 = now_ms();
	assert_int_equal(send_all(x.cmd[1], "D", 1), 0); /* in 300 ms */
	same = id;
	if (bron_vault_put(v, &same, 2, "waited", 6, NULL, &err) != BRON_OK)
		fail_msg("put while waiting: %s", err.msg);
	waited = now_ms() - t0;
	assert_true(waited >= 290);
	expect_byte(x.up[0], 'U');
	assert_int_equal(reap(x.pid), 0);
	held_close(&x);
	bron_vault_free(v);

	/* The refused passwd and rekey did nothing. */
	v = vault_reopen(t);
	expect_verified(v, 2);
	expect_text(v, id, "waited", 3);
	expect_text(v, fresh, "new", 1);
	bron_vault_free(v);
	assert_int_equal(bron_vault_open(t->vault, 0, &v, &err), BRON_OK);
	assert_int_equal(bron_vault_unlock_recovery(v, code, &err), BRON_OK);
	bron_vault_free(v);
}

/* ---- (d) a writer that dies leaves no lock behind ---- */

struct txkid {
	const char *path;
	int up_w;
};

/* A real bron writer: takes the lock and opens a write transaction, dirties
 * it, then waits to be killed. */
static int txkid_main(void *arg)
{
	struct txkid *k = arg;
	struct bron_vault *v = NULL;
	struct bron_error err;
	if (vault_try_open(k->path, TEST_PASS, &v, &err) != BRON_OK)
		return 2;
	if (tx_begin(v, &err) != BRON_OK) {
		fprintf(stderr, "txkid: begin: %s\n", err.msg);
		return 3;
	}
	if (sqlite3_exec(v->db,
	                 "INSERT INTO record(id, rev, nonce, tag) "
	                 "VALUES(42, 1, zeroblob(24), zeroblob(16));"
	                 "INSERT INTO payload(id, ct) VALUES(42, zeroblob(1024));"
	                 "DELETE FROM meta WHERE k = 4;",
	                 NULL, NULL, NULL) != SQLITE_OK)
		return 4;
	if (send_all(k->up_w, "L", 1) != 0)
		return 5;
	for (;;)
		pause();
}

static void put_now(struct tmpdir *t, const char *text, bron_id *out)
{
	struct bron_error err;
	struct bron_vault *v = vault_reopen(t);
	bron_vault_set_lock_timeout(v, 0);
	*out = 0;
	if (bron_vault_put(v, out, 0, text, strlen(text), NULL, &err) != BRON_OK)
		fail_msg("put '%s': %s", text, err.msg);
	bron_vault_free(v);
}

static void dead_writer(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	char lockpath[320];
	snprintf(lockpath, sizeof(lockpath), "%s.lock", t->vault);
	struct bron_vault *v = vault_new(t, NULL);
	bron_id ids[4];
	ids[0] = put_text(v, "first");
	bron_vault_free(v);

	/* A holder that _exit()s with the lock held. */
	struct held x;
	hold_lock(&x, lockpath, HOLD_THEN_EXIT);
	assert_int_equal(reap(x.pid), 0);
	held_close(&x);
	/* Its note is still there; the lock is not. */
	size_t len;
	uint8_t *note = file_read(lockpath, &len);
	assert_int_equal(strtol((const char *)note, NULL, 10), (long)x.pid);
	free(note);
	put_now(t, "after _exit", &ids[1]);

	/* A holder killed with the lock held. */
	hold_lock(&x, lockpath, HOLD_UNTIL_KILLED);
	assert_int_equal(kill(x.pid, SIGKILL), 0);
	assert_int_equal(reap(x.pid), 128 + SIGKILL);
	held_close(&x);
	put_now(t, "after SIGKILL", &ids[2]);

	/* A bron writer killed in the middle of its transaction. */
	int up[2];
	make_pipe(up);
	struct txkid k = {.path = t->vault, .up_w = up[1]};
	pid_t pid = spawn(txkid_main, &k);
	close_fd(&up[1]);
	expect_byte(up[0], 'L');
	v = vault_reopen(t);
	expect_text(v, ids[0], "first", 1); /* reading goes on */
	bron_vault_set_lock_timeout(v, 100);
	bron_id fresh = 0;
	assert_int_equal(bron_vault_put(v, &fresh, 0, "x", 1, NULL, &err),
	                 BRON_E_IN_USE);
	if (!mentions_pid(err.msg, (long)pid))
		fail_msg("message '%s' does not name pid %ld", err.msg, (long)pid);
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(reap(pid), 128 + SIGKILL);
	close_fd(&up[0]);
	bron_vault_set_lock_timeout(v, 0);
	if (bron_vault_put(v, &fresh, 0, "after a dead transaction", 24, NULL,
	                   &err) != BRON_OK)
		fail_msg("put after the writer died: %s", err.msg);
	ids[3] = fresh;
	bron_vault_free(v);

	/* None of the dead writer's changes survived; everything else did. */
	v = vault_reopen(t);
	expect_verified(v, 4);
	expect_text(v, ids[0], "first", 1);
	expect_text(v, ids[1], "after _exit", 1);
	expect_text(v, ids[2], "after SIGKILL", 1);
	expect_text(v, ids[3], "after a dead transaction", 1);
	uint8_t *d = NULL;
	size_t n = 0;
	assert_int_equal(bron_vault_get(v, 42, &d, &n, NULL, &err),
	                 BRON_E_NOT_FOUND);
	bron_vault_free(v);
}

/* ---- (e) another process changes the passphrase, then rekeys ---- */

struct keykid {
	const char *path;
	int up_w, cmd_r, cmd_w;
};

/* 'p': passwd to "new words"; 'k': rekey; each answered with the code. */
static int keykid_main(void *arg)
{
	struct keykid *k = arg;
	struct bron_vault *v = NULL;
	struct bron_error err;
	char c, code[BRON_RECOVERY_CODE_LEN + 1];
	close(k->cmd_w); /* so that the parent's close ends the loop */
	if (vault_try_open(k->path, TEST_PASS, &v, &err) != BRON_OK)
		return 2;
	while (recv_all(k->cmd_r, &c, 1, -1) == 1) {
		int32_t e;
		if (c == 'p')
			e = bron_vault_passwd(v, "new words", 9, &test_kdf,
			                      BRON_KDF_ALLOW_WEAK, &err);
		else
			e = bron_vault_rekey(v, "new words", 9, code, NULL, NULL, &err);
		if (send_all(k->up_w, &e, sizeof(e)) != 0)
			return 3;
	}
	bron_vault_free(v);
	return 0;
}

static void keys_changed_elsewhere(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	struct bron_vault *v = vault_new(t, NULL);
	bron_id id = put_text(v, "one");
	bron_vault_free(v);

	/* Fork before this process opens the vault: SQLite's per-process lock
	 * bookkeeping must not be inherited. */
	int up[2], cmd[2];
	make_pipe(up);
	make_pipe(cmd);
	struct keykid k = {.path = t->vault, .up_w = up[1], .cmd_r = cmd[0],
	                   .cmd_w = cmd[1]};
	pid_t pid = spawn(keykid_main, &k);
	close_fd(&up[1]);
	close_fd(&cmd[0]);
	v = vault_reopen(t);
	expect_text(v, id, "one", 1);
	int32_t e;

	/* A new passphrase elsewhere: the master key is the same, go on. */
	assert_int_equal(send_all(cmd[1], "p", 1), 0);
	expect_msg(up[0], &e, sizeof(e));
	assert_int_equal(e, BRON_OK);
	assert_int_equal(bron_vault_put(v, &id, 1, "two", 3, NULL, &err),
	                 BRON_OK);

	/* A rekey elsewhere: this handle's keys are stale; no write, no read. */
	assert_int_equal(send_all(cmd[1], "k", 1), 0);
	expect_msg(up[0], &e, sizeof(e));
	assert_int_equal(e, BRON_OK);
	assert_int_equal(bron_vault_put(v, &id, 2, "three", 5, NULL, &err),
	                 BRON_E_CONFLICT);
	uint8_t *d = NULL;
	size_t n = 0;
	assert_int_equal(bron_vault_get(v, id, &d, &n, NULL, &err),
	                 BRON_E_CONFLICT);
	close_fd(&cmd[1]);
	assert_int_equal(reap(pid), 0);
	close_fd(&up[0]);

	/* Unlocked again, with the new passphrase, it works. */
	bron_vault_lock(v);
	assert_int_equal(bron_vault_unlock(v, TEST_PASS, strlen(TEST_PASS), &err),
	                 BRON_E_PASSPHRASE);
	assert_int_equal(bron_vault_unlock(v, "new words", 9, &err), BRON_OK);
	expect_text(v, id, "two", 2);
	assert_int_equal(bron_vault_put(v, &id, 2, "three", 5, NULL, &err),
	                 BRON_OK);
	struct bron_verify_report r;
	assert_int_equal(bron_vault_verify(v, &r, &err), BRON_OK);
	assert_int_equal(r.epoch, 2);
	assert_int_equal(r.records, 1);
	bron_vault_free(v);
}

int main(void)
{
	if (bron_init(NULL) != BRON_OK)
		return 1;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(concurrent_adds, setup, teardown),
	        cmocka_unit_test_setup_teardown(no_lost_update, setup, teardown),
	        cmocka_unit_test_setup_teardown(writer_lock_held, setup, teardown),
	        cmocka_unit_test_setup_teardown(dead_writer, setup, teardown),
	        cmocka_unit_test_setup_teardown(keys_changed_elsewhere, setup,
	                                        teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
