/*
 * bench_cli.c - how fast the bron program lists, searches and shows in a
 * large journal, and how much memory it needs, compared with the time the
 * same run needs just to decrypt every record.
 *
 *   bench_cli BRON [N] [DIR]
 *
 * Builds a vault of N entries (default 10,000) of 1-3 KiB with the minimum
 * Argon2id cost, then times, best of 5 after a warm-up:
 *   decrypt-all   open + unlock + bron_vault_foreach, in this process
 *   aead-only     XChaCha20-Poly1305 decryption of the same bytes alone
 *   list          `bron list` as a child process, output to /dev/null
 *   search        `bron search WORD` (a word in 1% of the entries)
 *   show          `bron show ID`
 *   shell search  `search WORD` typed into a running `bron` shell on a pty
 * The KDF's time (measured alone) is subtracted from every unlocking figure.
 * Peak memory is the child's ru_maxrss.  It is a measurement: it exits 0
 * whatever the figures are.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bron/bron.h"

#define RUNS 5
static const char PASS[] = "benchmark passphrase";
static const struct bron_kdf KDF = {.opslimit = 1, .memlimit = 8192};
static const char WORD[] = "kompasroos";

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct bron_error *err)
{
	fprintf(stderr, "bench_cli: %s: %s\n", what, err ? err->msg : strerror(errno));
	exit(1);
}

/* ---- the journal ---- */

static const char *const words[] = {
	"vandaag", "voelde", "ik", "weer", "hoe", "het", "was", "toen", "mijn",
	"moeder", "vader", "thuis", "school", "werk", "cliënt", "gesprek",
	"herinnering", "angst", "rust", "herstel", "stap", "avond", "licht",
	"schuld", "geld", "brief", "deur", "stilte", "huilen", "lachen", "samen",
	"alleen", "zorg", "hulp", "supervisie", "intervisie", "grens", "ruimte",
	"vertrouwen", "moed", "hoop", "the", "visit", "reminded", "me", "of",
	"kitchen", "table", "years", "ago", "and", "what", "helped", "then",
};

static uint32_t rng_state = 12345;
static uint32_t rnd(void)
{
	rng_state = rng_state * 1103515245u + 12345u;
	return rng_state >> 8;
}

static char *make_body(size_t target, int with_word)
{
	char *s = malloc(target + 64);
	size_t n = 0;
	while (n < target) {
		const char *w = words[rnd() % (sizeof(words) / sizeof(words[0]))];
		n += (size_t)snprintf(s + n, target + 64 - n, "%s%s", w,
		                      rnd() % 12 == 0 ? ".\n" : " ");
	}
	if (with_word)
		n += (size_t)snprintf(s + n, target + 64 - n, " %s", WORD);
	s[n] = '\0';
	return s;
}

static bron_id build(const char *path, long n)
{
	struct bron_error err;
	struct bron_vault *v;
	char code[BRON_RECOVERY_CODE_LEN + 1];
	bron_id some = 0;
	if (bron_vault_create(path, PASS, strlen(PASS), &KDF, BRON_KDF_ALLOW_WEAK,
	                      code, &v, &err) != BRON_OK)
		die("create", &err);
	double t0 = now();
	for (long i = 0; i < n; i += 1000) {
		if (bron_vault_batch_begin(v, &err) != BRON_OK)
			die("batch", &err);
		for (long k = i; k < n && k < i + 1000; k++) {
			struct bron_entry e;
			uint8_t *buf;
			size_t len;
			char title[64];
			bron_entry_init(&e);
			e.created = e.updated = 1700000000 + k * 3600;
			e.level = (enum bron_level)(k % 3);
			snprintf(title, sizeof(title), "Notitie %ld over thuis", k);
			e.title = strdup(title);
			e.body = make_body(1024 + rnd() % 2048, k % 100 == 7);
			e.area = strdup(k % 2 ? "work" : "family-of-origin");
			bron_entry_add_tag(&e, k % 5 ? "werk" : "jeugd", NULL);
			if (bron_entry_encode(&e, &buf, &len, &err) != BRON_OK)
				die("encode", &err);
			bron_id id = 0;
			if (bron_vault_put(v, &id, 0, buf, len, NULL, &err) != BRON_OK)
				die("put", &err);
			if (k == n / 2)
				some = id;
			bron_secret_free(buf, len);
			bron_entry_release(&e);
		}
		if (bron_vault_batch_commit(v, &err) != BRON_OK)
			die("commit", &err);
	}
	printf("built %ld entries in %.1f s\n", n, now() - t0);
	bron_vault_free(v);
	return some;
}

/* ---- in-process baselines ---- */

struct sum {
	uint64_t bytes;
	uint8_t x;
};

static int touch(void *ctx, bron_id id, uint64_t rev, const uint8_t *d,
                 size_t len)
{
	struct sum *s = ctx;
	(void)id;
	(void)rev;
	s->bytes += len;
	s->x ^= len ? d[len - 1] : 0;
	return 0;
}

static double kdf_time(void)
{
	uint8_t key[32], salt[16] = {0};
	double best = 1e9;
	for (int i = 0; i < RUNS; i++) {
		double t0 = now();
		if (crypto_pwhash(key, sizeof(key), PASS, strlen(PASS), salt,
		                  KDF.opslimit, (size_t)KDF.memlimit,
		                  crypto_pwhash_ALG_ARGON2ID13) != 0)
			die("kdf", NULL);
		double t = now() - t0;
		best = t < best ? t : best;
	}
	return best;
}

static double decrypt_all(const char *path, uint64_t *bytes, uint64_t *recs)
{
	double best = 1e9;
	for (int i = 0; i <= RUNS; i++) {
		struct bron_error err;
		struct bron_vault *v;
		struct sum s = {0};
		double t0 = now();
		if (bron_vault_open(path, BRON_OPEN_READONLY, &v, &err) != BRON_OK ||
		    bron_vault_unlock(v, PASS, strlen(PASS), &err) != BRON_OK ||
		    bron_vault_foreach(v, touch, &s, &err) != BRON_OK)
			die("decrypt-all", &err);
		double t = now() - t0;
		*recs = bron_vault_count(v);
		bron_vault_free(v);
		*bytes = s.bytes;
		if (i > 0 && t < best) /* run 0 warms the page cache */
			best = t;
	}
	return best;
}

/* The same number of records and padded sizes as the vault, decrypted. */
static double aead_only(uint64_t recs, uint64_t plainbytes)
{
	size_t each = recs ? (size_t)(plainbytes / recs) : 1024;
	size_t padded = each < 1024 ? 1024 : each + each / 16;
	uint8_t key[32], nonce[24], tag[16], ad[44] = {0};
	uint8_t *ct = malloc(padded), *pt = malloc(padded);
	randombytes_buf(key, sizeof(key));
	randombytes_buf(nonce, sizeof(nonce));
	randombytes_buf(pt, padded);
	crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
	        ct, tag, NULL, pt, padded, ad, sizeof(ad), NULL, nonce, key);
	double best = 1e9;
	for (int r = 0; r <= RUNS; r++) {
		double t0 = now();
		for (uint64_t i = 0; i < recs; i++)
			if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
			            pt, NULL, ct, padded, tag, ad, sizeof(ad), nonce,
			            key) != 0)
				die("aead", NULL);
		double t = now() - t0;
		if (r > 0 && t < best)
			best = t;
	}
	free(ct);
	free(pt);
	return best;
}

/* ---- the program ---- */

struct child_run {
	double seconds;
	long maxrss_kib;
	int status;
};

static struct child_run run_bron(const char *bron, const char *vault,
                                 char *const extra[])
{
	struct child_run r = {0};
	int p[2];
	char *argv[16];
	int a = 0;
	argv[a++] = (char *)bron;
	argv[a++] = "--vault";
	argv[a++] = (char *)vault;
	argv[a++] = "--passphrase-fd";
	argv[a++] = "3";
	for (int i = 0; extra[i]; i++)
		argv[a++] = extra[i];
	argv[a] = NULL;
	if (pipe(p) != 0)
		die("pipe", NULL);
	(void)!write(p[1], PASS, strlen(PASS));
	(void)!write(p[1], "\n", 1);
	close(p[1]);
	double t0 = now();
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		dup2(p[0], 3);
		execv(bron, argv);
		_exit(127);
	}
	struct rusage ru;
	int status;
	wait4(pid, &status, 0, &ru);
	r.seconds = now() - t0;
	r.maxrss_kib = ru.ru_maxrss;
	r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	close(p[0]);
	return r;
}

static struct child_run best_of(const char *bron, const char *vault,
                                char *const extra[])
{
	struct child_run best = {.seconds = 1e9};
	for (int i = 0; i <= RUNS; i++) {
		struct child_run r = run_bron(bron, vault, extra);
		if (r.status != 0 && r.status != 1) {
			fprintf(stderr, "bench_cli: %s exited %d\n", extra[0], r.status);
			exit(1);
		}
		if (i > 0 && r.seconds < best.seconds)
			best = r;
		if (r.maxrss_kib > best.maxrss_kib)
			best.maxrss_kib = r.maxrss_kib;
	}
	return best;
}

/* Reads from fd until the text ends with "bron> "; returns 0 or -1. */
static int read_to_prompt(int fd)
{
	char buf[65536];
	size_t keep = 0;
	char tail[16] = "";
	for (;;) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		if (poll(&pfd, 1, 60000) <= 0)
			return -1;
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return -1;
		/* remember the last bytes only */
		for (ssize_t i = 0; i < n; i++) {
			if (keep == sizeof(tail) - 1) {
				memmove(tail, tail + 1, keep - 1);
				keep--;
			}
			tail[keep++] = buf[i];
			tail[keep] = '\0';
		}
		if (keep >= 6 && strcmp(tail + keep - 6, "bron> ") == 0)
			return 0;
	}
}

static double shell_search(const char *bron, const char *vault)
{
	int master, p[2];
	if (pipe(p) != 0)
		die("pipe", NULL);
	(void)!write(p[1], PASS, strlen(PASS));
	(void)!write(p[1], "\n", 1);
	close(p[1]);
	pid_t pid = forkpty(&master, NULL, NULL, NULL);
	if (pid == 0) {
		dup2(p[0], 3);
		setenv("TERM", "dumb", 1);
		execl(bron, bron, "--vault", vault, "--passphrase-fd", "3",
		      "--idle-timeout", "0", (char *)NULL);
		_exit(127);
	}
	close(p[0]);
	double best = 1e9;
	if (read_to_prompt(master) != 0)
		die("shell start", NULL);
	char line[64];
	int len = snprintf(line, sizeof(line), "search %s\r", WORD);
	for (int i = 0; i <= RUNS; i++) {
		double t0 = now();
		(void)!write(master, line, (size_t)len);
		if (read_to_prompt(master) != 0)
			die("shell search", NULL);
		double t = now() - t0;
		if (i > 0 && t < best)
			best = t;
	}
	(void)!write(master, "quit\r", 5);
	waitpid(pid, NULL, 0);
	close(master);
	return best;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: bench_cli BRON [N] [DIR]\n");
		return 2;
	}
	const char *bron = argv[1];
	long n = argc > 2 ? atol(argv[2]) : 10000;
	char dir[4096];
	if (argc > 3) {
		snprintf(dir, sizeof(dir), "%s", argv[3]);
	} else {
		const char *t = getenv("TMPDIR");
		snprintf(dir, sizeof(dir), "%s/bron-bench-XXXXXX", t ? t : "/tmp");
		if (!mkdtemp(dir))
			die("mkdtemp", NULL);
	}
	if (bron_init(NULL) != BRON_OK)
		return 1;
	char vault[4200];
	snprintf(vault, sizeof(vault), "%s/bench.bron", dir);
	unlink(vault);
	bron_id some = build(vault, n);
	char idhex[17];
	snprintf(idhex, sizeof(idhex), "%016llx", (unsigned long long)some);

	uint64_t bytes = 0, recs = 0;
	double kdf = kdf_time();
	double dec = decrypt_all(vault, &bytes, &recs) - kdf;
	double aead = aead_only(recs, bytes);
	char *list_args[] = {"list", NULL};
	char *search_args[] = {"search", (char *)WORD, NULL};
	char *show_args[] = {"show", idhex, NULL};
	char *empty_args[] = {"--version", NULL};
	struct child_run start = best_of(bron, vault, empty_args);
	struct child_run l = best_of(bron, vault, list_args);
	struct child_run s = best_of(bron, vault, search_args);
	struct child_run sh = best_of(bron, vault, show_args);
	double shs = shell_search(bron, vault);
	struct stat st;
	stat(vault, &st);

	printf("entries            %ld (%.1f MiB of entry text, file %.1f MiB)\n",
	       n, (double)bytes / 1048576.0, (double)st.st_size / 1048576.0);
	printf("kdf alone          %8.2f ms (subtracted below)\n", kdf * 1e3);
	printf("process start      %8.2f ms (bron --version)\n",
	       start.seconds * 1e3);
	printf("aead-only          %8.2f ms\n", aead * 1e3);
	printf("decrypt-all        %8.2f ms (open, unlock, decrypt every record)\n",
	       dec * 1e3);
	printf("list               %8.2f ms  %5.2fx decrypt-all  peak %ld KiB\n",
	       (l.seconds - kdf) * 1e3, (l.seconds - kdf) / dec, l.maxrss_kib);
	printf("search             %8.2f ms  %5.2fx decrypt-all  peak %ld KiB\n",
	       (s.seconds - kdf) * 1e3, (s.seconds - kdf) / dec, s.maxrss_kib);
	printf("show               %8.2f ms  %5.2fx decrypt-all  peak %ld KiB\n",
	       (sh.seconds - kdf) * 1e3, (sh.seconds - kdf) / dec, sh.maxrss_kib);
	printf("shell search       %8.2f ms  %5.2fx decrypt-all\n", shs * 1e3,
	       shs / dec);
	printf("target: each at most 2.00x decrypt-all; peak under 65536 KiB\n");
	if (argc <= 3) {
		unlink(vault);
		rmdir(dir);
	}
	return 0;
}
