/*
 * bench_vault.c - how long does opening a vault and reading every entry take,
 * compared with the bare cost of decrypting the same bytes?
 *
 * Requirement measured: opening a vault with 10,000 entries and iterating all
 * of them (excluding the KDF) takes no more than 3x the time that decrypting
 * the same bytes with XChaCha20-Poly1305 alone takes in the same run.
 *
 *   bench_vault [-d DIR] [-r RUNS] [-k] [-u] [-p|-P LOOPS] [N]
 *
 * 1. Creates DIR/bench.bron (DIR: a fresh mkdtemp() directory under $TMPDIR
 *    or /tmp unless -d is given) with Argon2id at its minimum and
 *    BRON_KDF_ALLOW_WEAK, adds N (default 10000) encoded journal entries of
 *    1-3 KiB each, one bron_vault_put() at a time, and closes it.
 * 2. Times bron_vault_open + bron_vault_unlock + bron_vault_foreach over all
 *    records (callback sums every byte; second variant decodes each entry
 *    with bron_entry_decode).  The KDF is timed separately (crypto_pwhash
 *    with the vault's parameters) and its best time is subtracted from the
 *    best open+iterate time.
 * 3. Baseline: reads every ciphertext from the payload table with SQLite
 *    (untimed), re-encrypts each chunk under a random key (the vault's key is
 *    private), then times only crypto_aead_xchacha20poly1305_ietf_decrypt_
 *    detached over the same chunk sizes and byte count.
 *    All figures are timed round-robin, one warm-up round then RUNS rounds
 *    (default 5), so that outside load hits them alike; best and median.
 * 4. Prints one line per figure and a final line
 *    "ratio open+iterate / decrypt-only = X.XX (target <= 3.00)".
 *
 * Exit status 0 unless something fails: this is a measurement, not a test.
 * See bench/README.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bron/bron.h"
#include "vault_int.h" /* RECORD_AD_LEN, so the baseline's AD matches */

#define PASS "bench passphrase: correct horse battery staple"
#define VAULT_NAME "bench.bron"
#define EMPTY_NAME "bench-empty.bron"

/* The SQL the library runs (record.c RECORD_SQL, manifest.c). */
#define SQL_RECORDS                                                    \
	"SELECT r.id, r.rev, r.nonce, r.tag, p.ct FROM record r "      \
	"LEFT JOIN payload p ON p.id = r.id ORDER BY r.id"
#define SQL_MANIFEST "SELECT id, rev, nonce, tag FROM record ORDER BY id"

static const struct bron_kdf kdf_min = {
        .opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN,
        .memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN,
};

/* ---- small helpers ---- */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

struct stat2 {
	double best, median;
};

static struct stat2 stats(const double *t, int n)
{
	double *s = malloc((size_t)n * sizeof(*s));
	struct stat2 r = {0, 0};
	if (!s)
		return r;
	memcpy(s, t, (size_t)n * sizeof(*s));
	qsort(s, (size_t)n, sizeof(*s), cmp_double);
	r.best = s[0];
	r.median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	free(s);
	return r;
}

static double max_of(const double *t, int n)
{
	double m = t[0];
	for (int i = 1; i < n; i++)
		if (t[i] > m)
			m = t[i];
	return m;
}

static void print_times(const char *name, const double *t, int n)
{
	struct stat2 s = stats(t, n);
	printf("%-46s best %10.3f ms   median %10.3f ms\n", name, s.best * 1e3,
	       s.median * 1e3);
}

static void fail(const char *what, const struct bron_error *err)
{
	fprintf(stderr, "bench_vault: %s: %s\n", what,
	        err ? err->msg : strerror(errno));
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		fail("out of memory", NULL);
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);
	memcpy(p, s, n);
	return p;
}

/* Peak RSS of this process so far, KiB. */
static long maxrss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A "Key:   123 kB" line of /proc/self/status, in KiB; -1 if unavailable. */
static long proc_status_kib(const char *key)
{
	char line[256];
	long v = -1;
	size_t kl = strlen(key);
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			v = strtol(line + kl + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return v;
}

/* Resets the peak RSS (VmHWM) to the current RSS; 0 on success. */
static int reset_peak_rss(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, "5", 1);
	close(fd);
	return n == 1 ? 0 : -1;
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

static void remove_vault_files(const char *path)
{
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal", ".lock"};
	char buf[4200];
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		if (snprintf(buf, sizeof(buf), "%s%s", path, sfx[i]) <
		    (int)sizeof(buf))
			unlink(buf);
	}
}

static double mib(double bytes)
{
	return bytes / (1024.0 * 1024.0);
}

/* ---- deterministic journal entries ---- */

static uint64_t rng = 0x62726f6e62656e63ULL; /* "bronbenc" */

static uint64_t rnd(void) /* splitmix64 */
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd_below(uint32_t n)
{
	return (uint32_t)(rnd() % n);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const words[] = {
        "today", "I", "walked", "along", "the", "canal", "and", "thought",
        "about", "my", "mother", "again", "it", "was", "raining", "softly",
        "felt", "tired", "but", "calm", "work", "meeting", "went", "better",
        "than", "expected", "the", "doctor", "said", "that", "sleep",
        "matters", "more", "wrote", "a", "letter", "never", "sent",
        "remember", "when", "we", "were", "children", "garden", "kitchen",
        "smelled", "of", "bread", "coffee", "bike", "station", "train", "late",
        "friend", "called", "laughed", "cried", "quietly", "evening",
        "morning", "night", "long", "short", "slowly", "anxious", "hopeful",
        "grateful", "angry", "sad", "happy", "small", "big", "step",
        "forward", "back", "house", "street", "city", "sea", "wind", "cold",
        "warm", "light", "dark", "voice", "hands", "heart", "breath",
        "memory", "dream", "fear", "promise", "question", "answer", "silence",
        "music", "book", "page", "word", "name", "year", "week", "day", "hour",
        "client", "colleague", "supervision", "case", "file", "boundary",
        "recovery", "relapse", "shame", "trust", "listened", "waited",
        "één", "café", "naïve", "geëmigreerd", "zeeën", "déjà", "rêve",
        "über", "straße", "mañana", "søster", "—", "…",
};

static const char *const tags[] = {
        "family", "work", "health", "sleep", "therapy", "friends", "travel",
        "grief", "joy", "money", "school", "body", "dreams", "music", "home",
        "weather", "supervision", "burn-out", "herstel",
};

static const char *const areas[] = {
        "family", "work", "health", "relationships", "self", "home", "money",
        "leisure",
};

static char *make_title(void)
{
	char buf[256];
	size_t pos = 0;
	unsigned n = 3 + rnd_below(5);
	for (unsigned i = 0; i < n; i++) {
		const char *w = words[rnd_below(COUNT(words))];
		int k = snprintf(buf + pos, sizeof(buf) - pos, "%s%s", i ? " " : "",
		                 w);
		if (k < 0 || (size_t)k >= sizeof(buf) - pos)
			break;
		pos += (size_t)k;
	}
	buf[pos] = '\0';
	if (buf[0] >= 'a' && buf[0] <= 'z')
		buf[0] = (char)(buf[0] - 'a' + 'A');
	return xstrdup(buf);
}

/* Exactly len bytes of sentences (whole UTF-8 words only). */
static char *make_body(size_t len)
{
	char *b = xmalloc(len + 1);
	size_t pos = 0;
	int cap = 1;
	for (;;) {
		const char *w = words[rnd_below(COUNT(words))];
		uint32_t r = rnd_below(40);
		const char *sep = r == 0 ? ".\n\n" : r < 5 ? ". " : r < 7 ? ", " : " ";
		size_t wl = strlen(w), sl = strlen(sep);
		if (pos + wl + sl > len)
			break;
		memcpy(b + pos, w, wl);
		if (cap && b[pos] >= 'a' && b[pos] <= 'z')
			b[pos] = (char)(b[pos] - 'a' + 'A');
		pos += wl;
		memcpy(b + pos, sep, sl);
		pos += sl;
		cap = sep[0] == '.';
	}
	while (pos < len)
		b[pos++] = '.';
	b[len] = '\0';
	return b;
}

/*
 * Encodes entry number i as a payload of a pseudo-random size in
 * [1024, 3072] bytes (the body is sized so the encoding hits it exactly).
 */
static void make_entry(unsigned long i, uint8_t **out, size_t *outlen)
{
	struct bron_entry e;
	struct bron_error err;
	uint8_t *p;
	size_t len0;
	size_t target = 1024 + rnd_below(2049);
	bron_entry_init(&e);
	e.created = 1600000000 + (int64_t)i * 20000 + rnd_below(3600);
	e.updated = e.created + rnd_below(30 * 86400);
	e.title = make_title();
	e.area = xstrdup(areas[rnd_below(COUNT(areas))]);
	unsigned ntags = 1 + rnd_below(4);
	for (unsigned k = 0; k < ntags; k++)
		if (bron_entry_add_tag(&e, tags[rnd_below(COUNT(tags))], &err) !=
		    BRON_OK)
			fail("add tag", &err);
	if (rnd_below(4) == 0) {
		if (bron_entry_set_level(&e, BRON_LEVEL_NOT_YET, e.created + 3600,
		                         NULL, &err) != BRON_OK ||
		    bron_entry_set_level(&e, BRON_LEVEL_SHAREABLE, e.updated,
		                         "talked it through in supervision",
		                         &err) != BRON_OK)
			fail("set level", &err);
	} else {
		e.level = (enum bron_level)rnd_below(2);
	}
	/* Size everything but the body, then fill the body to the target. */
	e.body = xstrdup("");
	if (bron_entry_encode(&e, &p, &len0, &err) != BRON_OK)
		fail("encode", &err);
	bron_secret_free(p, len0);
	free(e.body);
	/* An empty body costs 1 length byte; 128..16383 bytes cost 2. */
	size_t body = target - len0 - 1;
	if (len0 + 1 + 128 > target)
		fail("entry sizing (title and tags too long)", NULL);
	e.body = make_body(body);
	if (bron_entry_encode(&e, out, outlen, &err) != BRON_OK)
		fail("encode", &err);
	if (*outlen != target) {
		fprintf(stderr, "bench_vault: entry %lu is %zu bytes, wanted %zu\n",
		        i, *outlen, target);
		exit(1);
	}
	bron_entry_release(&e);
}

/* ---- step 1: the vault ---- */

struct add_report {
	unsigned long n;
	double total, first, last; /* seconds in bron_vault_put */
	unsigned long nfirst, nlast;
	uint64_t plain_bytes;
};

static void create_vault(const char *path, unsigned long n,
                         struct add_report *r)
{
	char code[BRON_RECOVERY_CODE_LEN + 1];
	struct bron_vault *v = NULL;
	struct bron_error err;
	memset(r, 0, sizeof(*r));
	r->n = n;
	if (bron_vault_create(path, PASS, strlen(PASS), &kdf_min,
	                      BRON_KDF_ALLOW_WEAK, code, &v, &err) != BRON_OK)
		fail("create", &err);
	sodium_memzero(code, sizeof(code));
	unsigned long step = n >= 20000 ? n / 20 : n >= 1000 ? n / 5 : 0;
	unsigned long window = n < 1000 ? n : 1000;
	double t_start = now();
	for (unsigned long i = 0; i < n; i++) {
		uint8_t *p;
		size_t len;
		bron_id id = 0;
		make_entry(i, &p, &len);
		double t0 = now();
		if (bron_vault_put(v, &id, 0, p, len, NULL, &err) != BRON_OK)
			fail("put", &err);
		double dt = now() - t0;
		bron_secret_free(p, len);
		r->total += dt;
		r->plain_bytes += len;
		if (i < window) {
			r->first += dt;
			r->nfirst++;
		}
		if (i >= n - window) {
			r->last += dt;
			r->nlast++;
		}
		if (step && (i + 1) % step == 0)
			fprintf(stderr,
			        "bench_vault: added %lu/%lu (%.0f s elapsed, %.1f "
			        "puts/s overall)\n",
			        i + 1, n, now() - t_start,
			        (double)(i + 1) / r->total);
	}
	bron_vault_free(v);
}

static void create_empty(const char *path)
{
	char code[BRON_RECOVERY_CODE_LEN + 1];
	struct bron_vault *v = NULL;
	struct bron_error err;
	if (bron_vault_create(path, PASS, strlen(PASS), &kdf_min,
	                      BRON_KDF_ALLOW_WEAK, code, &v, &err) != BRON_OK)
		fail("create empty vault", &err);
	sodium_memzero(code, sizeof(code));
	bron_vault_free(v);
}

/* ---- step 2: open + unlock + foreach ---- */

struct iter_ctx {
	int decode;
	uint64_t n, bytes, sum, bad;
};

/*
 * What the "sum" callback does with each record: reads every byte, as 64-bit
 * words (a byte-at-a-time loop costs about 0.7 ns/byte here, half as much as
 * the decryption itself, and that is the callback's cost, not the vault's).
 */
static uint64_t touch(const uint8_t *p, size_t len)
{
	uint64_t s = 0, w;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		s += w;
	}
	for (; i < len; i++)
		s += p[i];
	return s;
}

static int iter_cb(void *vctx, bron_id id, uint64_t rev, const uint8_t *data,
                   size_t len)
{
	struct iter_ctx *c = vctx;
	(void)id;
	(void)rev;
	c->n++;
	c->bytes += len;
	if (c->decode) {
		struct bron_entry e;
		if (bron_entry_decode(data, len, &e, NULL) != BRON_OK) {
			c->bad++;
			return 0;
		}
		c->sum += (e.body ? strlen(e.body) : 0) + e.ntags +
		          (e.title ? (uint8_t)e.title[0] : 0);
		bron_entry_release(&e);
	} else {
		c->sum += touch(data, len);
	}
	return 0;
}

struct pass_times {
	double open, unlock, foreach, total, close;
};

/* One open + unlock + foreach + free.  total = open + unlock + foreach. */
static struct pass_times one_pass(const char *path, int decode, uint64_t want,
                                  int iterate)
{
	struct pass_times t;
	struct bron_vault *v = NULL;
	struct bron_error err;
	struct iter_ctx c = {.decode = decode};
	double t0 = now();
	if (bron_vault_open(path, 0, &v, &err) != BRON_OK)
		fail("open", &err);
	double t1 = now();
	if (bron_vault_unlock(v, PASS, strlen(PASS), &err) != BRON_OK)
		fail("unlock", &err);
	double t2 = now();
	if (iterate && bron_vault_foreach(v, iter_cb, &c, &err) != BRON_OK)
		fail("foreach", &err);
	double t3 = now();
	bron_vault_free(v);
	double t4 = now();
	if (iterate && (c.n != want || c.bad)) {
		fprintf(stderr,
		        "bench_vault: foreach saw %llu records (%llu undecodable), "
		        "expected %llu\n",
		        (unsigned long long)c.n, (unsigned long long)c.bad,
		        (unsigned long long)want);
		exit(1);
	}
	t.open = t1 - t0;
	t.unlock = t2 - t1;
	t.foreach = t3 - t2;
	t.total = t3 - t0;
	t.close = t4 - t3;
	return t;
}

struct variant {
	double *open, *unlock, *foreach, *total, *close;
};

static void alloc_variant(struct variant *v, int runs)
{
	size_t sz = (size_t)runs * sizeof(double);
	v->open = xmalloc(sz);
	v->unlock = xmalloc(sz);
	v->foreach = xmalloc(sz);
	v->total = xmalloc(sz);
	v->close = xmalloc(sz);
}

static void record_pass(struct variant *v, int i, struct pass_times t)
{
	v->open[i] = t.open;
	v->unlock[i] = t.unlock;
	v->foreach[i] = t.foreach;
	v->total[i] = t.total;
	v->close[i] = t.close;
}

static void free_variant(struct variant *v)
{
	free(v->open);
	free(v->unlock);
	free(v->foreach);
	free(v->total);
	free(v->close);
}

/* The KDF alone, exactly as unlock runs it (32-byte key, same params). */
static double time_kdf(void)
{
	uint8_t key[32], salt[crypto_pwhash_SALTBYTES];
	randombytes_buf(salt, sizeof(salt));
	double t0 = now();
	if (crypto_pwhash(key, sizeof(key), PASS, strlen(PASS), salt,
	                  kdf_min.opslimit, (size_t)kdf_min.memlimit,
	                  crypto_pwhash_ALG_ARGON2ID13) != 0)
		fail("crypto_pwhash", NULL);
	double t = now() - t0;
	sodium_memzero(key, sizeof(key));
	return t;
}

/* ---- SQLite alone: the reads the library does, without crypto ---- */

static sqlite3 *sql_open(const char *path)
{
	sqlite3 *db = NULL;
	/* The flags and read-side pragmas of store_open(). */
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
	            SQLITE_OPEN_PRIVATECACHE;
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_vault: sqlite open %s: %s\n", path,
		        db ? sqlite3_errmsg(db) : "?");
		exit(1);
	}
	sqlite3_exec(db,
	             "PRAGMA cell_size_check=ON; PRAGMA temp_store=MEMORY;"
	             "PRAGMA trusted_schema=OFF;",
	             NULL, NULL, NULL);
	return db;
}

static int64_t sql_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *q = NULL;
	int64_t v = -1;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return v;
}

/* Opens, runs sql touching every blob column, closes.  Returns seconds. */
static double time_sql_scan(const char *path, const char *sql, uint64_t want)
{
	sqlite3_stmt *q = NULL;
	uint64_t rows = 0, sum = 0;
	double t0 = now();
	sqlite3 *db = sql_open(path);
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
		fprintf(stderr, "bench_vault: %s\n", sqlite3_errmsg(db));
		exit(1);
	}
	int ncol = sqlite3_column_count(q);
	while (sqlite3_step(q) == SQLITE_ROW) {
		rows++;
		for (int c = 0; c < ncol; c++) {
			if (sqlite3_column_type(q, c) != SQLITE_BLOB) {
				sum += (uint64_t)sqlite3_column_int64(q, c);
				continue;
			}
			const uint8_t *b = sqlite3_column_blob(q, c);
			int n = sqlite3_column_bytes(q, c);
			if (b && n > 0)
				sum += b[0] + b[n - 1];
		}
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	double t = now() - t0;
	if (rows != want) {
		fprintf(stderr, "bench_vault: scan saw %llu rows, expected %llu\n",
		        (unsigned long long)rows, (unsigned long long)want);
		exit(1);
	}
	if (sum == 1) /* keep the touches */
		fputc('\n', stderr);
	return t;
}

/* ---- step 3: the baseline ---- */

struct chunks {
	size_t n, total, min, max;
	uint8_t *buf;     /* all ciphertexts, back to back */
	size_t *off, *len;
	uint8_t *nonce;   /* n * NONCE_LEN */
	uint8_t *tag;     /* n * TAG_LEN */
	uint8_t *ad;      /* n * RECORD_AD_LEN */
	uint8_t key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	long page_size, page_count;
};

/* Reads every ciphertext from the payload table (untimed). */
static void load_chunks(const char *path, struct chunks *c)
{
	sqlite3 *db = sql_open(path);
	sqlite3_stmt *q = NULL;
	memset(c, 0, sizeof(*c));
	c->n = (size_t)sql_int(db, "SELECT count(*) FROM payload");
	c->total = (size_t)sql_int(db, "SELECT sum(length(ct)) FROM payload");
	c->min = (size_t)sql_int(db, "SELECT min(length(ct)) FROM payload");
	c->max = (size_t)sql_int(db, "SELECT max(length(ct)) FROM payload");
	c->page_size = (long)sql_int(db, "PRAGMA page_size");
	c->page_count = (long)sql_int(db, "PRAGMA page_count");
	c->buf = xmalloc(c->total);
	c->off = xmalloc(c->n * sizeof(size_t));
	c->len = xmalloc(c->n * sizeof(size_t));
	c->nonce = xmalloc(c->n * NONCE_LEN);
	c->tag = xmalloc(c->n * TAG_LEN);
	c->ad = xmalloc(c->n * RECORD_AD_LEN);
	if (sqlite3_prepare_v2(db, "SELECT ct FROM payload ORDER BY id", -1, &q,
	                       NULL) != SQLITE_OK)
		fail("sqlite prepare", NULL);
	size_t i = 0, pos = 0;
	while (sqlite3_step(q) == SQLITE_ROW && i < c->n) {
		size_t n = (size_t)sqlite3_column_bytes(q, 0);
		if (pos + n > c->total)
			break;
		memcpy(c->buf + pos, sqlite3_column_blob(q, 0), n);
		c->off[i] = pos;
		c->len[i] = n;
		pos += n;
		i++;
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	if (i != c->n || pos != c->total)
		fail("reading the payload table", NULL);
}

/*
 * The vault's record key is private, so each chunk (the ciphertext bytes as
 * read, used as plaintext) is sealed again under a random key with a random
 * nonce and a random associated data of the vault's AD length.  Decrypting
 * these is the same work as decrypting the vault's records.
 */
static void reseal_chunks(struct chunks *c)
{
	crypto_aead_xchacha20poly1305_ietf_keygen(c->key);
	randombytes_buf(c->nonce, c->n * NONCE_LEN);
	randombytes_buf(c->ad, c->n * RECORD_AD_LEN);
	for (size_t i = 0; i < c->n; i++) {
		uint8_t *p = c->buf + c->off[i];
		crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
		        p, c->tag + i * TAG_LEN, NULL, p, c->len[i],
		        c->ad + i * RECORD_AD_LEN, RECORD_AD_LEN, NULL,
		        c->nonce + i * NONCE_LEN, c->key);
	}
}

/* Decrypts every chunk into one reused buffer; returns seconds. */
static double time_decrypt(const struct chunks *c, uint8_t *out)
{
	size_t bad = 0;
	double t0 = now();
	for (size_t i = 0; i < c->n; i++)
		bad += crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
		               out, NULL, c->buf + c->off[i], c->len[i],
		               c->tag + i * TAG_LEN, c->ad + i * RECORD_AD_LEN,
		               RECORD_AD_LEN, c->nonce + i * NONCE_LEN,
		               c->key) != 0;
	double t = now() - t0;
	if (bad)
		fail("baseline decryption failed", NULL);
	return t;
}

/* The sum callback's own work over the same chunks; returns seconds. */
static double time_touch(const struct chunks *c, uint64_t *sink)
{
	double t0 = now();
	for (size_t i = 0; i < c->n; i++)
		*sink += touch(c->buf + c->off[i], c->len[i]);
	return now() - t0;
}

static void free_chunks(struct chunks *c)
{
	free(c->buf);
	free(c->off);
	free(c->len);
	free(c->nonce);
	free(c->tag);
	free(c->ad);
	sodium_memzero(c->key, sizeof(c->key));
}

/* ---- main ---- */

static void usage(void)
{
	fprintf(stderr,
	        "usage: bench_vault [-d DIR] [-r RUNS] [-k] [-u] [-p|-P LOOPS] "
	        "[N]\n"
	        "  N        entries to add (default 10000)\n"
	        "  -d DIR   put the vault in DIR (default: a new mkdtemp "
	        "directory\n"
	        "           under $TMPDIR or /tmp)\n"
	        "  -r RUNS  timed rounds (each times every figure once) after "
	        "one\n"
	        "           warm-up round (default 5)\n"
	        "  -k       keep the vault files afterwards\n"
	        "  -u       use the existing DIR/" VAULT_NAME
	        " (made with -k) instead\n"
	        "           of creating one; N is then read from the vault\n"
	        "  -p LOOPS with -d: only run open+unlock+foreach (sum) LOOPS "
	        "times\n"
	        "           and print nothing, for perf or callgrind (creates the "
	        "vault\n"
	        "           first unless -u; implies -k)\n"
	        "  -P LOOPS the same with the decoding callback\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dir_opt = NULL;
	int runs = 5, keep = 0, reuse = 0, profile = 0, pdecode = 0, opt;
	unsigned long n = 10000;
	char dir[4096], path[4200], empty[4200];
	int made_dir = 0;
	struct bron_error err;

	while ((opt = getopt(argc, argv, "d:r:p:P:kuh")) != -1) {
		switch (opt) {
		case 'd':
			dir_opt = optarg;
			break;
		case 'r':
			runs = atoi(optarg);
			if (runs < 1)
				usage();
			break;
		case 'P':
			pdecode = 1;
			/* fall through */
		case 'p':
			profile = atoi(optarg);
			if (profile < 1)
				usage();
			break;
		case 'k':
			keep = 1;
			break;
		case 'u':
			reuse = 1;
			break;
		default:
			usage();
		}
	}
	if (optind < argc) {
		char *end;
		n = strtoul(argv[optind], &end, 10);
		if (*end || n == 0 || optind + 1 < argc)
			usage();
	}
	if ((reuse || profile) && !dir_opt)
		usage();
	if (bron_init(&err) != BRON_OK)
		fail("init", &err);
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (dir_opt) {
		snprintf(dir, sizeof(dir), "%s", dir_opt);
	} else {
		const char *base = getenv("TMPDIR");
		snprintf(dir, sizeof(dir), "%s/bron-bench-XXXXXX",
		         base && *base ? base : "/tmp");
		if (!mkdtemp(dir))
			fail("mkdtemp", NULL);
		made_dir = 1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, VAULT_NAME);
	snprintf(empty, sizeof(empty), "%s/%s", dir, EMPTY_NAME);

	/* 1. create and fill */
	struct add_report add = {0};
	if (!reuse) {
		create_vault(path, n, &add);
	} else {
		struct bron_vault *v = NULL;
		if (bron_vault_open(path, BRON_OPEN_READONLY, &v, &err) != BRON_OK ||
		    bron_vault_unlock(v, PASS, strlen(PASS), &err) != BRON_OK)
			fail("open existing vault", &err);
		n = (unsigned long)bron_vault_count(v);
		bron_vault_free(v);
	}
	if (profile) {
		/* Only the measured operation, for perf/callgrind. */
		for (int i = 0; i < profile; i++)
			one_pass(path, pdecode, n, 1);
		return 0;
	}
	if (file_size(empty) < 0)
		create_empty(empty);
	long rss_after_add = maxrss_kib();

	printf("bench_vault: N=%lu entries, %d timed runs (best/median) after "
	       "1 warm-up, vault %s\n",
	       n, runs, path);
	printf("%-46s ops=%llu mem=%llu KiB (minimum, BRON_KDF_ALLOW_WEAK)\n",
	       "kdf parameters (argon2id):",
	       (unsigned long long)kdf_min.opslimit,
	       (unsigned long long)(kdf_min.memlimit / 1024));
	if (!reuse) {
		printf("%-46s %.1f MiB, mean %.0f B per entry (1024-3072)\n",
		       "plaintext (encoded entries):", mib((double)add.plain_bytes),
		       (double)add.plain_bytes / (double)n);
		printf("%-46s %.1f s for %lu puts = %.1f puts/s\n",
		       "add (bron_vault_put, one per transaction):", add.total, n,
		       (double)n / add.total);
		printf("%-46s %.2f ms/put over the first %lu, %.2f ms/put over "
		       "the last %lu\n",
		       "add, cost per put:", add.first * 1e3 / (double)add.nfirst,
		       add.nfirst, add.last * 1e3 / (double)add.nlast, add.nlast);
	}
	char wal[4300];
	snprintf(wal, sizeof(wal), "%s-wal", path);
	long long fsz = file_size(path), wsz = file_size(wal);
	printf("%-46s %.1f MiB (%lld bytes, -wal %lld bytes)\n",
	       "vault file size:", mib((double)fsz), fsz, wsz < 0 ? 0 : wsz);

	/*
	 * Peak RSS of one open + unlock + foreach (decode) on its own, before
	 * the baseline's buffers exist.
	 */
	long hwm_before = -1, hwm_after = -1;
	if (reset_peak_rss() == 0) {
		hwm_before = proc_status_kib("VmHWM");
		one_pass(path, 1, n, 1);
		hwm_after = proc_status_kib("VmHWM");
	}
	long rss_after_iter = maxrss_kib();

	/* 3 (setup, untimed). The baseline's chunks: same sizes, own key. */
	struct chunks c;
	load_chunks(path, &c);
	if (c.n != n)
		fail("payload table does not hold N rows", NULL);
	reseal_chunks(&c);
	uint8_t *out = xmalloc(c.max + 1);

	/*
	 * 2 and 3, timed.  Round-robin: every round times each figure once,
	 * so that load from other processes hits all of them alike.  Round 0
	 * is the warm-up and is not recorded.
	 */
	size_t rsz = (size_t)runs * sizeof(double);
	double *kdf = xmalloc(rsz), *dec = xmalloc(rsz), *tch = xmalloc(rsz);
	double *scan_rec = xmalloc(rsz), *scan_join = xmalloc(rsz);
	double *ratio = xmalloc(rsz);
	struct variant ve, vs, vd;
	alloc_variant(&ve, runs);
	alloc_variant(&vs, runs);
	alloc_variant(&vd, runs);
	uint64_t sink = 0;
	for (int r = -1; r < runs; r++) {
		double t_kdf = time_kdf();
		struct pass_times te = one_pass(empty, 0, 0, 0);
		struct pass_times ts = one_pass(path, 0, n, 1);
		struct pass_times td = one_pass(path, 1, n, 1);
		double t_rec = time_sql_scan(path, SQL_MANIFEST, n);
		double t_join = time_sql_scan(path, SQL_RECORDS, n);
		double t_dec = time_decrypt(&c, out);
		double t_tch = time_touch(&c, &sink);
		if (r < 0)
			continue;
		kdf[r] = t_kdf;
		record_pass(&ve, r, te);
		record_pass(&vs, r, ts);
		record_pass(&vd, r, td);
		scan_rec[r] = t_rec;
		scan_join[r] = t_join;
		dec[r] = t_dec;
		tch[r] = t_tch;
		ratio[r] = (ts.total - t_kdf) / t_dec;
	}

	/* 4. report */
	struct stat2 skdf = stats(kdf, runs), sdec = stats(dec, runs);
	struct stat2 ssum = stats(vs.total, runs), sdcd = stats(vd.total, runs);
	printf("%-46s %.1f MiB in %zu chunks (%zu..%zu B), sqlite %ld pages of "
	       "%ld B\n",
	       "ciphertext (padded records):", mib((double)c.total), c.n,
	       c.min, c.max, c.page_count, c.page_size);
	print_times("kdf alone (crypto_pwhash, same params):", kdf, runs);
	print_times("empty vault: open + unlock:", ve.total, runs);
	print_times("open (bron_vault_open):", vs.open, runs);
	print_times("unlock (incl. kdf + manifest check):", vs.unlock, runs);
	print_times("foreach, sum (touch every byte):", vs.foreach, runs);
	print_times("foreach, bron_entry_decode:", vd.foreach, runs);
	print_times("close (bron_vault_free, not in total):", vs.close, runs);
	print_times("open+unlock+foreach, sum:", vs.total, runs);
	print_times("open+unlock+foreach, decode:", vd.total, runs);
	printf("%-46s best %10.3f ms\n", "open+iterate minus kdf, sum:",
	       (ssum.best - skdf.best) * 1e3);
	printf("%-46s best %10.3f ms\n", "open+iterate minus kdf, decode:",
	       (sdcd.best - skdf.best) * 1e3);
	print_times("sqlite only: record scan (manifest query):", scan_rec,
	            runs);
	print_times("sqlite only: record+payload join (foreach):", scan_join,
	            runs);
	print_times("decrypt-only (xchacha20poly1305 detached):", dec, runs);
	print_times("sum callback's work alone, same chunks:", tch, runs);
	printf("%-46s %.0f MiB/s (best run)\n", "decrypt-only throughput:",
	       mib((double)c.total) / sdec.best);
	printf("%-46s %.0f MiB/s of ciphertext (best run, minus kdf)\n",
	       "open+iterate throughput, sum:",
	       mib((double)c.total) / (ssum.best - skdf.best));
	printf("%-46s %.1f MiB after %s, %.1f MiB after an "
	       "open+iterate, %.1f MiB at the end (incl. %.1f MiB baseline "
	       "buffers)\n",
	       "peak RSS (ru_maxrss):", (double)rss_after_add / 1024.0,
	       reuse ? "setup" : "create+add",
	       (double)rss_after_iter / 1024.0, (double)maxrss_kib() / 1024.0,
	       mib((double)c.total));
	if (hwm_after >= 0)
		printf("%-46s %.1f MiB peak while RSS was %.1f MiB before: "
		       "+%.1f MiB\n",
		       "peak RSS of one open+iterate (decode):",
		       (double)hwm_after / 1024.0, (double)hwm_before / 1024.0,
		       (double)(hwm_after - hwm_before) / 1024.0);
	else
		printf("%-46s n/a (/proc/self/clear_refs unavailable)\n",
		       "peak RSS of one open+iterate (decode):");
	struct stat2 sratio = stats(ratio, runs);
	printf("%-46s median %.2f, range %.2f..%.2f\n",
	       "per-round ratio (sum - kdf) / decrypt-only:", sratio.median,
	       sratio.best, max_of(ratio, runs));
	printf("ratio open+iterate(decode) / decrypt-only = %.2f\n",
	       (sdcd.best - skdf.best) / sdec.best);
	printf("ratio open+iterate / decrypt-only = %.2f (target <= 3.00)\n",
	       (ssum.best - skdf.best) / sdec.best);

	free_chunks(&c);
	free(out);
	free(dec);
	free(tch);
	free(kdf);
	if (sink == 1)
		fputc('\n', stderr);
	free(scan_rec);
	free(scan_join);
	free(ratio);
	free_variant(&ve);
	free_variant(&vs);
	free_variant(&vd);
	if (!keep) {
		remove_vault_files(path);
		remove_vault_files(empty);
		if (made_dir)
			rmdir(dir);
	} else {
		fprintf(stderr, "bench_vault: kept %s\n", dir);
	}
	return 0;
}
