/*
 * test_canary.c - no plaintext on disk.  Entries full of a canary string,
 * random per run, go through every operation: add, edit (new revisions),
 * delete, passwd, rekey, backup, close.  Then every file in the vault's
 * directory (main file, -wal, -shm, -journal, .lock, the backup) and every
 * regular file created meanwhile in $TMPDIR and /tmp is searched for the
 * canary (any letter case, as ASCII and as UTF-16LE), for both passphrases
 * and for both recovery codes.  The ciphertext, nonce and tag of deleted
 * records and of replaced revisions must be gone from the files as well
 * (secure_delete and the truncating WAL checkpoint).
 *
 * main() points $TMPDIR at a fresh directory for the whole run, so every
 * file SQLite or bron might create there is found; in /tmp (and the original
 * $TMPDIR) every file created during the test is scanned, and files that
 * existed before when they changed since (see take_listing).  A self-check
 * plants the canary on purpose and makes sure the scanner finds it.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"

/* $TMPDIR as the test found it, and the fresh one main() made. */
static char orig_tmp[256];
static char run_tmp[300];

/* ---- the scanner ---- */

enum group {
	G_CANARY,    /* text of live entries and raw records */
	G_DELETED,   /* text of deleted entries */
	G_SECRET,    /* passphrases and recovery codes */
	G_DEAD_CT,   /* ciphertext of deleted records */
	G_DEAD_META, /* nonce and tag of deleted records */
	G_OLD_CT,    /* ciphertext of replaced revisions */
	G_OLD_META,  /* nonce and tag of replaced revisions */
	G_COUNT,
};

static const char *const group_name[G_COUNT] = {
        "canary", "deleted canary", "passphrase or recovery code",
        "deleted ciphertext", "deleted nonce/tag", "old ciphertext",
        "old nonce/tag",
};

#define MAX_NEEDLES 1024
#define MAX_SCANNED 128
#define CHUNK ((size_t)1 << 20)
#define WINDOW 32 /* bytes of ciphertext per needle */

struct needle {
	enum group group;
	int rec;  /* record index for ciphertext needles, else -1 */
	int fold; /* ASCII letters compare case-insensitively */
	size_t len;
	uint8_t *pat;
	unsigned long hits;
};

#define NO_NEEDLE 0xffffu

struct scanner {
	struct needle n[MAX_NEEDLES];
	size_t count, maxlen;
	/* Needles by their first two bytes, one table per fold setting. */
	uint16_t head[2][65536];
	uint16_t next[MAX_NEEDLES];
	int dirty;
	unsigned long files;
	unsigned long long bytes;
	char first[G_COUNT][600]; /* where each group was first seen */
	char scanned[MAX_SCANNED][320];
	size_t nscanned;
	/* filter for tree walks */
	int newer_only;
	struct timespec since;
	const char *skip;
};

static uint8_t fold(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

static void add_needle(struct scanner *s, enum group g, int rec, int fold_case,
                       const uint8_t *p, size_t len)
{
	assert_true(s->count < MAX_NEEDLES);
	assert_true(len >= 2);
	s->dirty = 1;
	struct needle *n = &s->n[s->count++];
	n->group = g;
	n->rec = rec;
	n->fold = fold_case;
	n->len = len;
	n->pat = malloc(len);
	assert_non_null(n->pat);
	for (size_t i = 0; i < len; i++)
		n->pat[i] = fold_case ? fold(p[i]) : p[i];
	if (len > s->maxlen)
		s->maxlen = len;
}

/* An ASCII string, in any letter case, as itself and as UTF-16LE. */
static void add_text(struct scanner *s, enum group g, const char *text)
{
	size_t len = strlen(text);
	add_needle(s, g, -1, 1, (const uint8_t *)text, len);
	uint8_t *w = calloc(2 * len, 1);
	assert_non_null(w);
	for (size_t i = 0; i < len; i++)
		w[2 * i] = (uint8_t)text[i];
	add_needle(s, g, -1, 1, w, 2 * len);
	free(w);
}

static void scanner_reset(struct scanner *s)
{
	for (size_t i = 0; i < s->count; i++)
		s->n[i].hits = 0;
	memset(s->first, 0, sizeof(s->first));
	s->files = 0;
	s->bytes = 0;
	s->nscanned = 0;
}

static void scanner_free(struct scanner *s)
{
	for (size_t i = 0; i < s->count; i++)
		free(s->n[i].pat);
	free(s);
}

static unsigned long group_hits(const struct scanner *s, enum group g)
{
	unsigned long h = 0;
	for (size_t i = 0; i < s->count; i++)
		if (s->n[i].group == g)
			h += s->n[i].hits;
	return h;
}

static unsigned long rec_hits(const struct scanner *s, enum group g, int rec)
{
	unsigned long h = 0;
	for (size_t i = 0; i < s->count; i++)
		if (s->n[i].group == g && s->n[i].rec == rec)
			h += s->n[i].hits;
	return h;
}

static int was_scanned(const struct scanner *s, const char *path)
{
	for (size_t i = 0; i < s->nscanned; i++)
		if (strcmp(s->scanned[i], path) == 0)
			return 1;
	return 0;
}

static void index_needles(struct scanner *s)
{
	memset(s->head, 0xff, sizeof(s->head));
	for (size_t i = s->count; i-- > 0;) {
		const struct needle *nd = &s->n[i];
		unsigned k = (unsigned)nd->pat[0] << 8 | nd->pat[1];
		s->next[i] = s->head[nd->fold][k];
		s->head[nd->fold][k] = (uint16_t)i;
	}
	s->dirty = 0;
}

/*
 * Checks the needles listed from j at buf + at; counts those that match and
 * end after the first carry bytes (those were searched with the previous
 * chunk already).
 */
static void match_at(struct scanner *s, unsigned j, const uint8_t *buf,
                     size_t n, size_t at, size_t carry, uint64_t base,
                     const char *path)
{
	for (; j != NO_NEEDLE; j = s->next[j]) {
		struct needle *nd = &s->n[j];
		if (at + nd->len > n || at + nd->len <= carry ||
		    memcmp(buf + at, nd->pat, nd->len) != 0)
			continue;
		nd->hits++;
		if (!s->first[nd->group][0])
			snprintf(s->first[nd->group], sizeof(s->first[nd->group]),
			         "%s at offset %llu", path,
			         (unsigned long long)(base + at));
	}
}

/* Scans one file in chunks, keeping maxlen - 1 bytes across chunk borders. */
static void scan_path(struct scanner *s, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return; /* gone meanwhile, or someone else's */
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return;
	}
	if (s->dirty)
		index_needles(s);
	size_t keep = s->maxlen ? s->maxlen - 1 : 0;
	uint8_t *raw = malloc(CHUNK + keep), *low = malloc(CHUNK + keep);
	assert_non_null(raw);
	assert_non_null(low);
	size_t carry = 0;
	uint64_t base = 0; /* file offset of raw[0] */
	for (;;) {
		ssize_t r = read(fd, raw + carry, CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		size_t n = carry + (size_t)r;
		s->bytes += (size_t)r;
		for (size_t i = carry; i < n; i++)
			low[i] = fold(raw[i]);
		for (size_t i = 0; i + 1 < n; i++) {
			unsigned f = s->head[1][(unsigned)low[i] << 8 | low[i + 1]];
			unsigned e = s->head[0][(unsigned)raw[i] << 8 | raw[i + 1]];
			if (f != NO_NEEDLE)
				match_at(s, f, low, n, i, carry, base, path);
			if (e != NO_NEEDLE)
				match_at(s, e, raw, n, i, carry, base, path);
		}
		size_t next = n < keep ? n : keep;
		memmove(raw, raw + n - next, next);
		memmove(low, low + n - next, next);
		base += n - next;
		carry = next;
	}
	close(fd);
	free(raw);
	free(low);
	s->files++;
	if (s->nscanned < MAX_SCANNED)
		snprintf(s->scanned[s->nscanned++], sizeof(s->scanned[0]), "%s",
		         path);
}

/*
 * The regular files under the real temporary directories when the test
 * started.  Other programs keep writing big files there (traces, benchmark
 * vaults); a file that existed before the test is scanned only when it
 * changed since and is at most OLD_FILE_MAX bytes, while every file created
 * during the test (a path not listed, or listed with another inode) is
 * always scanned.
 */
#define OLD_FILE_MAX ((off_t)16 << 20)

struct listed {
	char *path;
	dev_t dev;
	ino_t ino;
};

static struct listed *before;
static size_t nbefore, capbefore;

static int list_one(const char *p, const struct stat *st, int flag,
                    struct FTW *ftw)
{
	(void)ftw;
	size_t k = strlen(run_tmp);
	if (flag != FTW_F || !S_ISREG(st->st_mode) ||
	    (strncmp(p, run_tmp, k) == 0 && (p[k] == '/' || !p[k])))
		return 0;
	if (nbefore == capbefore) {
		capbefore = capbefore ? 2 * capbefore : 256;
		before = realloc(before, capbefore * sizeof(*before));
		if (!before)
			return -1;
	}
	before[nbefore].path = strdup(p);
	if (!before[nbefore].path)
		return -1;
	before[nbefore].dev = st->st_dev;
	before[nbefore].ino = st->st_ino;
	nbefore++;
	return 0;
}

static int listed_cmp(const void *a, const void *b)
{
	return strcmp(((const struct listed *)a)->path,
	              ((const struct listed *)b)->path);
}

static void listing_free(void)
{
	for (size_t i = 0; i < nbefore; i++)
		free(before[i].path);
	free(before);
	before = NULL;
	nbefore = capbefore = 0;
}

static void take_listing(void)
{
	listing_free();
	assert_int_equal(nftw("/tmp", list_one, 16, FTW_PHYS), 0);
	if (strcmp(orig_tmp, "/tmp") != 0)
		assert_int_equal(nftw(orig_tmp, list_one, 16, FTW_PHYS), 0);
	qsort(before, nbefore, sizeof(*before), listed_cmp);
}

static int existed_before(const char *p, const struct stat *st)
{
	struct listed key = {.path = (char *)p};
	const struct listed *l =
	        before ? bsearch(&key, before, nbefore, sizeof(*before),
	                         listed_cmp)
	               : NULL;
	return l && l->dev == st->st_dev && l->ino == st->st_ino;
}

static struct scanner *walker; /* nftw() has no context argument */

static int ts_after(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec > b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec >= b->tv_nsec);
}

static int walk_one(const char *p, const struct stat *st, int flag,
                    struct FTW *ftw)
{
	(void)ftw;
	if (flag != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	if (walker->skip) {
		size_t k = strlen(walker->skip);
		if (strncmp(p, walker->skip, k) == 0 && (p[k] == '/' || !p[k]))
			return 0;
	}
	if (walker->newer_only && existed_before(p, st) &&
	    ((!ts_after(&st->st_mtim, &walker->since) &&
	      !ts_after(&st->st_ctim, &walker->since)) ||
	     st->st_size > OLD_FILE_MAX))
		return 0;
	scan_path(walker, p);
	return 0;
}

/*
 * Scans every regular file under dir; with since, only those created during
 * the test or, if not too big, changed after since (see take_listing); files
 * under skip are left out.
 */
static void scan_tree(struct scanner *s, const char *dir,
                      const struct timespec *since, const char *skip)
{
	s->newer_only = since != NULL;
	if (since)
		s->since = *since;
	s->skip = skip;
	walker = s;
	nftw(dir, walk_one, 16, FTW_PHYS);
	walker = NULL;
}

/*
 * Everything this test could have written: the whole run directory (which
 * holds the vault's directory) and whatever changed in the real temporary
 * directories since the test started.
 */
static void scan_everything(struct scanner *s, const struct timespec *since)
{
	scanner_reset(s);
	scan_tree(s, run_tmp, NULL, NULL);
	scan_tree(s, "/tmp", since, run_tmp);
	if (strcmp(orig_tmp, "/tmp") != 0)
		scan_tree(s, orig_tmp, since, run_tmp);
}

/* Only the run directory, which holds the vault's directory. */
static void scan_run_dir(struct scanner *s)
{
	scanner_reset(s);
	scan_tree(s, run_tmp, NULL, NULL);
}

static void expect_none(const struct scanner *s, enum group g)
{
	unsigned long h = group_hits(s, g);
	if (h)
		fail_msg("%lu hit(s) of the %s on disk, first in %s", h,
		         group_name[g], s->first[g]);
}

/* ---- vault contents ---- */

static void random_token(char out[17])
{
	uint8_t b[8];
	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(out, 17, b, sizeof(b));
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	assert_non_null(d);
	return d;
}

static char *repeat(const char *piece, size_t times)
{
	size_t n = strlen(piece);
	char *s = malloc(n * times + 1);
	assert_non_null(s);
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * n, piece, n);
	s[n * times] = '\0';
	return s;
}

static void wipe_free(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

static void put_entry(struct bron_vault *v, bron_id *id, uint64_t expected,
                      const struct bron_entry *e, uint64_t *rev)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	struct bron_error err;
	if (bron_entry_encode(e, &buf, &len, &err) != BRON_OK)
		fail_msg("encode: %s", err.msg);
	if (bron_vault_put(v, id, expected, buf, len, rev, &err) != BRON_OK)
		fail_msg("put: %s", err.msg);
	bron_secret_free(buf, len);
}

/* An entry whose every field carries the canary c; reps sets its size. */
static bron_id add_entry(struct bron_vault *v, const char *c, int i,
                         size_t reps)
{
	struct bron_entry e;
	char line[200];
	bron_entry_init(&e);
	e.created = e.updated = 1700000000 + (int64_t)i * 3600;
	snprintf(line, sizeof(line), "Day %d: %s", i, c);
	e.title = xstrdup(line);
	snprintf(line, sizeof(line),
	         "%s walked along the river and thought about %s. ", c, c);
	e.body = repeat(line, reps);
	snprintf(line, sizeof(line), "area-%s", c);
	e.area = xstrdup(line);
	assert_int_equal(bron_entry_add_tag(&e, c, NULL), BRON_OK);
	snprintf(line, sizeof(line), "#%s", c);
	assert_int_equal(bron_entry_add_tag(&e, line, NULL), BRON_OK);
	snprintf(line, sizeof(line), "not yet, because %s", c);
	assert_int_equal(bron_entry_set_level(&e, BRON_LEVEL_NOT_YET, e.created,
	                                      line, NULL),
	                 BRON_OK);
	bron_id id = 0;
	put_entry(v, &id, 0, &e, NULL);
	bron_entry_release(&e);
	return id;
}

/* Makes a new revision of entry id; returns the new revision. */
static uint64_t edit_entry(struct bron_vault *v, bron_id id, const char *c,
                           int round)
{
	uint8_t *data = NULL;
	size_t len = 0;
	uint64_t rev = 0, nrev = 0;
	struct bron_error err;
	struct bron_entry e;
	char line[200];
	if (bron_vault_get(v, id, &data, &len, &rev, &err) != BRON_OK)
		fail_msg("get: %s", err.msg);
	bron_entry_init(&e);
	if (bron_entry_decode(data, len, &e, &err) != BRON_OK)
		fail_msg("decode: %s", err.msg);
	bron_secret_free(data, len);
	assert_non_null(e.body);
	snprintf(line, sizeof(line), " Later (%d): %s again.", round, c);
	size_t blen = strlen(e.body), llen = strlen(line);
	char *body = malloc(blen + llen + 1);
	assert_non_null(body);
	memcpy(body, e.body, blen);
	memcpy(body + blen, line, llen + 1);
	wipe_free(e.body);
	e.body = body;
	e.updated += 60;
	snprintf(line, sizeof(line), "edit%d-%s", round, c);
	assert_int_equal(bron_entry_add_tag(&e, line, NULL), BRON_OK);
	snprintf(line, sizeof(line), "shared after %s", c);
	assert_int_equal(bron_entry_set_level(&e, BRON_LEVEL_SHAREABLE,
	                                      e.updated, line, NULL),
	                 BRON_OK);
	put_entry(v, &id, rev, &e, &nrev);
	assert_int_equal(nrev, rev + 1);
	bron_entry_release(&e);
	return nrev;
}

static bron_id add_raw(struct bron_vault *v, const uint8_t *data, size_t len)
{
	bron_id id = 0;
	struct bron_error err;
	if (bron_vault_put(v, &id, 0, data, len, NULL, &err) != BRON_OK)
		fail_msg("put: %s", err.msg);
	return id;
}

/*
 * Adds needles for what record id looks like on disk now: WINDOW-byte
 * slices of its ciphertext (group ct) and its nonce and tag (group meta).
 * A copy of the first slice goes to first_slice when set.
 */
static void add_ct_needles(struct scanner *s, sqlite3 *db, bron_id id,
                           int rec, enum group ct, enum group meta,
                           uint8_t *first_slice)
{
	sqlite3_stmt *q = NULL;
	assert_int_equal(sqlite3_prepare_v2(db,
	                                    "SELECT p.ct, r.nonce, r.tag FROM "
	                                    "payload p JOIN record r ON "
	                                    "r.id = p.id WHERE p.id = ?",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	sqlite3_bind_int64(q, 1, (sqlite3_int64)id);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	const uint8_t *c = sqlite3_column_blob(q, 0);
	size_t n = (size_t)sqlite3_column_bytes(q, 0);
	assert_true(n >= 1024);
	size_t step = n / 8;
	for (size_t off = 0; off + WINDOW <= n; off += step)
		add_needle(s, ct, rec, 0, c + off, WINDOW);
	add_needle(s, ct, rec, 0, c + n - WINDOW, WINDOW);
	if (first_slice)
		memcpy(first_slice, c, WINDOW);
	assert_int_equal(sqlite3_column_bytes(q, 1), 24);
	add_needle(s, meta, rec, 0, sqlite3_column_blob(q, 1), 24);
	assert_int_equal(sqlite3_column_bytes(q, 2), 16);
	add_needle(s, meta, rec, 0, sqlite3_column_blob(q, 2), 16);
	sqlite3_finalize(q);
}

/* ---- the test ---- */

#define N_LIVE 40    /* entries with the canary */
#define N_RAW 6      /* raw records with the canary */
#define N_DEL 12     /* entries with the deleted canary, all deleted */
#define N_EDIT 16    /* live entries edited once ... */
#define N_EDIT2 6    /* ... of which these twice */
#define N_LATE 5     /* entries added after the rekey */

struct found {
	const char *canary, *dcanary;
	int entries, raws, other;
};

/* Whether text occurs in data, ignoring letter case and NUL bytes (so the
 * UTF-16LE form counts too). */
static int contains_ci(const uint8_t *data, size_t len, const char *text)
{
	size_t n = 0, tl = strlen(text);
	uint8_t *flat = malloc(len + 1);
	assert_non_null(flat);
	for (size_t i = 0; i < len; i++)
		if (data[i])
			flat[n++] = fold(data[i]);
	int found = 0;
	for (size_t i = 0; !found && i + tl <= n; i++) {
		size_t j = 0;
		while (j < tl && flat[i + j] == fold((uint8_t)text[j]))
			j++;
		found = j == tl;
	}
	free(flat);
	return found;
}

static int check_cb(void *ctx, bron_id id, uint64_t rev, const uint8_t *data,
                    size_t len)
{
	struct found *f = ctx;
	struct bron_entry e;
	(void)id;
	(void)rev;
	bron_entry_init(&e);
	if (len && data[0] == BRON_KIND_ENTRY &&
	    bron_entry_decode(data, len, &e, NULL) == BRON_OK) {
		assert_non_null(strstr(e.title, f->canary));
		assert_non_null(strstr(e.body, f->canary));
		assert_null(strstr(e.body, f->dcanary));
		f->entries++;
		bron_entry_release(&e);
	} else if (contains_ci(data, len, f->canary)) {
		f->raws++;
	} else {
		f->other++;
	}
	return 0;
}

static void no_plaintext_on_disk(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	struct timespec since;
	clock_gettime(CLOCK_REALTIME, &since);
	since.tv_sec -= 1; /* coarse file system timestamps */
	take_listing();

	char tok[17], canary[32], dcanary[32], pass1[64], pass2[64];
	char code1[BRON_RECOVERY_CODE_LEN + 1], code2[BRON_RECOVERY_CODE_LEN + 1];
	random_token(tok);
	snprintf(canary, sizeof(canary), "CANARY-%s", tok);
	random_token(tok);
	snprintf(dcanary, sizeof(dcanary), "DELETED-%s", tok);
	random_token(tok);
	snprintf(pass1, sizeof(pass1), "first tide pool %s", tok);
	random_token(tok);
	snprintf(pass2, sizeof(pass2), "second salt marsh %s", tok);

	struct bron_vault *v = NULL;
	if (bron_vault_create(t->vault, pass1, strlen(pass1), &test_kdf,
	                      BRON_KDF_ALLOW_WEAK, code1, &v, &err) != BRON_OK)
		fail_msg("create: %s", err.msg);

	struct scanner *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	add_text(s, G_CANARY, canary);
	add_text(s, G_CANARY, canary + 7); /* the random part alone */
	add_text(s, G_DELETED, dcanary);
	add_text(s, G_DELETED, dcanary + 8);
	add_text(s, G_SECRET, pass1);
	add_text(s, G_SECRET, pass2);
	add_text(s, G_SECRET, code1);

	/* ---- add ---- */
	bron_id live[N_LIVE + N_LATE], del[N_DEL];
	for (int i = 0; i < N_LIVE; i++)
		live[i] = add_entry(v, canary, i, i % 4 == 0 ? 300 : 2 + (size_t)i);
	for (int i = 0; i < N_DEL; i++)
		del[i] = add_entry(v, dcanary, 100 + i, i % 3 == 0 ? 200 : 3);
	/* Raw records: ASCII, upper case, lower case, UTF-16LE, big. */
	{
		size_t cl = strlen(canary);
		uint8_t *raw = malloc(64 * 2 * cl);
		assert_non_null(raw);
		for (int k = 0; k < N_RAW; k++) {
			size_t n = 0, reps = k == N_RAW - 1 ? 64 : 4;
			for (size_t r = 0; r < reps; r++)
				for (size_t j = 0; j < cl; j++) {
					uint8_t ch = (uint8_t)canary[j];
					if (k == 1 && ch >= 'a' && ch <= 'z')
						ch = (uint8_t)(ch - 'a' + 'A');
					if (k == 2)
						ch = fold(ch);
					raw[n++] = ch;
					if (k == 3)
						raw[n++] = 0;
				}
			add_raw(v, raw, n);
		}
		free(raw);
	}
	assert_int_equal(bron_vault_count(v), N_LIVE + N_DEL + N_RAW);

	/*
	 * What the records to be deleted or replaced look like on disk now, read
	 * behind bron's back.  They must be findable now (the scanner sees
	 * ciphertext), and gone after close.
	 */
	uint8_t dead_slice[WINDOW];
	{
		sqlite3 *db = NULL;
		assert_int_equal(sqlite3_open_v2(t->vault, &db, SQLITE_OPEN_READONLY,
		                                 NULL),
		                 SQLITE_OK);
		for (int i = 0; i < N_DEL; i++)
			add_ct_needles(s, db, del[i], i, G_DEAD_CT, G_DEAD_META,
			               i == 0 ? dead_slice : NULL);
		for (int i = 0; i < N_EDIT; i++)
			add_ct_needles(s, db, live[i], i, G_OLD_CT, G_OLD_META, NULL);
		sqlite3_close(db);
	}
	scan_run_dir(s);
	assert_true(was_scanned(s, t->vault));
	for (int i = 0; i < N_DEL; i++) {
		if (!rec_hits(s, G_DEAD_CT, i) || !rec_hits(s, G_DEAD_META, i))
			fail_msg("positive control: record %d to delete not seen on "
			         "disk",
			         i);
	}
	for (int i = 0; i < N_EDIT; i++) {
		if (!rec_hits(s, G_OLD_CT, i) || !rec_hits(s, G_OLD_META, i))
			fail_msg("positive control: record %d to edit not seen on "
			         "disk",
			         i);
	}
	/* The vault is open and the WAL is full: no plaintext there. */
	expect_none(s, G_CANARY);
	expect_none(s, G_DELETED);
	expect_none(s, G_SECRET);

	/* ---- edit, delete, passwd, rekey, backup ---- */
	for (int i = 0; i < N_EDIT; i++)
		edit_entry(v, live[i], canary, 1);
	for (int i = 0; i < N_EDIT2; i++)
		assert_int_equal(edit_entry(v, live[i], canary, 2), 3);
	for (int i = 0; i < N_DEL; i++)
		assert_int_equal(bron_vault_delete(v, del[i], i % 2 ? 1 : 0, &err),
		                 BRON_OK);
	assert_int_equal(bron_vault_count(v), N_LIVE + N_RAW);
	if (bron_vault_passwd(v, pass2, strlen(pass2), &test_kdf,
	                      BRON_KDF_ALLOW_WEAK, &err) != BRON_OK)
		fail_msg("passwd: %s", err.msg);
	if (bron_vault_rekey(v, pass2, strlen(pass2), code2, NULL, NULL, &err) !=
	    BRON_OK)
		fail_msg("rekey: %s", err.msg);
	assert_string_not_equal(code1, code2);
	add_text(s, G_SECRET, code2);
	/* The codes also without their dashes. */
	for (int k = 0; k < 2; k++) {
		const char *code = k ? code2 : code1;
		char bare[BRON_RECOVERY_CODE_LEN + 1];
		size_t n = 0;
		for (const char *p = code; *p; p++)
			if (*p != '-')
				bare[n++] = *p;
		bare[n] = '\0';
		add_text(s, G_SECRET, bare);
	}
	for (int i = 0; i < N_LATE; i++)
		live[N_LIVE + i] = add_entry(v, canary, 200 + i, i ? 4 : 250);
	edit_entry(v, live[N_LIVE], canary, 3);
	edit_entry(v, live[N_EDIT], canary, 3);

	char backup[400];
	snprintf(backup, sizeof(backup), "%s/backup.bron", t->path);
	if (bron_vault_backup(v, backup, NULL, NULL, &err) != BRON_OK)
		fail_msg("backup: %s", err.msg);

	/* Still open: the -wal and -shm are there; still nothing readable. */
	char wal[400], shm[400];
	snprintf(wal, sizeof(wal), "%s-wal", t->vault);
	snprintf(shm, sizeof(shm), "%s-shm", t->vault);
	scan_everything(s, &since);
	assert_true(was_scanned(s, t->vault));
	assert_true(was_scanned(s, wal));
	assert_true(was_scanned(s, shm));
	assert_true(was_scanned(s, backup));
	expect_none(s, G_CANARY);
	expect_none(s, G_DELETED);
	expect_none(s, G_SECRET);
	bron_vault_free(v);
	v = NULL;

	/* ---- the vault and its backup still hold everything ---- */
	const int n_records = N_LIVE + N_LATE + N_RAW;
	struct bron_verify_report r;
	struct found f = {.canary = canary, .dcanary = dcanary};
	assert_int_equal(vault_try_open(t->vault, pass1, &v, &err),
	                 BRON_E_PASSPHRASE);
	if (vault_try_open(t->vault, pass2, &v, &err) != BRON_OK)
		fail_msg("reopen: %s", err.msg);
	assert_int_equal(bron_vault_verify(v, &r, &err), BRON_OK);
	assert_int_equal(r.records, n_records);
	assert_int_equal(r.epoch, 2);
	assert_int_equal(bron_vault_foreach(v, check_cb, &f, &err), BRON_OK);
	assert_int_equal(f.entries, N_LIVE + N_LATE);
	assert_int_equal(f.raws, N_RAW);
	assert_int_equal(f.other, 0);
	bron_vault_free(v);
	v = NULL;
	assert_int_equal(bron_vault_open(backup, BRON_OPEN_READONLY, &v, &err),
	                 BRON_OK);
	assert_int_equal(bron_vault_unlock(v, pass2, strlen(pass2), &err),
	                 BRON_OK);
	assert_int_equal(bron_vault_verify(v, &r, &err), BRON_OK);
	assert_int_equal(r.records, n_records);
	bron_vault_free(v);
	v = NULL;

	/* ---- after close: every file, every group ---- */
	struct stat st;
	if (stat(wal, &st) == 0)
		assert_int_equal(st.st_size, 0);
	scan_everything(s, &since);
	char lock[400];
	snprintf(lock, sizeof(lock), "%s.lock", t->vault);
	assert_true(was_scanned(s, t->vault));
	assert_true(was_scanned(s, lock));
	assert_true(was_scanned(s, backup));
	for (int g = 0; g < G_COUNT; g++)
		expect_none(s, (enum group)g);
	print_message("    after close: %lu files, %llu bytes scanned, %zu "
	              "needles, no hits\n",
	              s->files, s->bytes, s->count);

	/* ---- self-check: the scanner does find what is there ---- */
	char probe[400];
	snprintf(probe, sizeof(probe), "%s/probe", t->path);
	/* Upper case, straddling the scanner's chunk border. */
	{
		size_t n = CHUNK + 100, cl = strlen(canary);
		uint8_t *buf = calloc(n, 1);
		assert_non_null(buf);
		for (size_t j = 0; j < cl; j++) {
			uint8_t ch = (uint8_t)canary[j];
			buf[CHUNK - 5 + j] =
			        ch >= 'a' && ch <= 'z' ? (uint8_t)(ch - 'a' + 'A') : ch;
		}
		file_write(probe, buf, n);
		free(buf);
		scan_run_dir(s);
		/* once as the whole canary, once as its random part */
		assert_int_equal(group_hits(s, G_CANARY), 2);
		assert_non_null(strstr(s->first[G_CANARY], probe));
		assert_int_equal(unlink(probe), 0);
	}
	/* Lower case, UTF-16LE. */
	{
		size_t cl = strlen(canary);
		uint8_t buf[100] = {0};
		for (size_t j = 0; j < cl; j++)
			buf[10 + 2 * j] = fold((uint8_t)canary[j]);
		file_write(probe, buf, sizeof(buf));
		scan_run_dir(s);
		assert_int_equal(group_hits(s, G_CANARY), 2);
		assert_non_null(strstr(s->first[G_CANARY], probe));
		assert_int_equal(unlink(probe), 0);
	}
	/* A slice of a deleted record's ciphertext. */
	file_write(probe, dead_slice, sizeof(dead_slice));
	scan_run_dir(s);
	assert_true(group_hits(s, G_DEAD_CT) >= 1);
	assert_int_equal(unlink(probe), 0);
	/* A recovery code in a new file directly in the real temporary dir. */
	{
		char other[300];
		snprintf(other, sizeof(other), "%s/bron-probe-XXXXXX", orig_tmp);
		int fd = mkstemp(other);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, code2, strlen(code2)),
		                 (ssize_t)strlen(code2));
		close(fd);
		scanner_reset(s);
		scan_tree(s, orig_tmp, &since, run_tmp);
		assert_true(group_hits(s, G_SECRET) >= 1);
		assert_true(was_scanned(s, other));
		assert_int_equal(unlink(other), 0);
	}
	/* And with the probes gone, silence again. */
	scan_run_dir(s);
	for (int g = 0; g < G_COUNT; g++)
		expect_none(s, (enum group)g);

	sodium_memzero(code1, sizeof(code1));
	sodium_memzero(code2, sizeof(code2));
	scanner_free(s);
	listing_free();
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
	tmpdir_remove(*state);
	free(*state);
	return 0;
}

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

int main(void)
{
	const char *base = getenv("TMPDIR");
	snprintf(orig_tmp, sizeof(orig_tmp), "%s",
	         base && *base ? base : "/tmp");
	snprintf(run_tmp, sizeof(run_tmp), "%s/bron-canary-XXXXXX", orig_tmp);
	if (!mkdtemp(run_tmp) || setenv("TMPDIR", run_tmp, 1) != 0) {
		perror("bron-canary temporary directory");
		return 1;
	}
	if (bron_init(NULL) != BRON_OK)
		return 1;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(no_plaintext_on_disk, setup,
	                                        teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	nftw(run_tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
