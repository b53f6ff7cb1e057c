/*
 * tamper_sweep.c - damage a closed vault FILE one bit at a time and check
 * that libbron either reports it or still returns exactly the original
 * plaintext; never crashes, hangs, or hands back different text.
 *
 * usage: tamper_sweep [--full] [--stride N] [--jobs N] [--readonly]
 *                     [--keep] [--verbose]
 *
 * The vault: five records (one updated twice, one of 5000 bytes that spills
 * into overflow pages) plus one 9000-byte record written and deleted again, so
 * that the file has free pages (zeroed by secure_delete) too.  It is closed
 * cleanly, so the WAL is checkpointed and the main file is the whole state.
 *
 * The file is mapped byte by byte into regions by walking SQLite's own
 * structure (header, b-tree pages, cells, freeblocks, overflow chains,
 * freelist) and by finding the bytes of every blob bron stores (read through
 * SQLite first) in the file.  Then, for every selected byte offset, one bit
 * is flipped (all eight bits in the blobs bron authenticates) and a child
 * process (fork) writes the damaged copy and runs open, unlock (tiny test
 * KDF), bron_vault_verify, and bron_vault_foreach (every record compared
 * with the original plaintext; it runs even when verify failed, since the
 * reading commands do not verify first).  A flip is
 *   detected  - some step returned a bron error code (the first in the order
 *               open, unlock, verify, read counts);
 *   harmless  - every step succeeded and every record is exactly the original;
 *   FAILURE   - the child crashed, a sanitizer reported, it ran longer than
 *               5 s, or bron_vault_foreach returned BRON_OK with a record
 *               that differs, is missing or is extra.
 * Every flip inside the header, key slots, manifest, record nonce, tag and
 * ciphertext and the record ids and revisions must be detected, and every
 * detection must carry a code that means damage (not, say, an I/O error).
 * Before the sweep the harness proves itself: a hang, a crash, stderr output
 * and a wrong plaintext in a child must each count as a failure.
 *
 * After the sweep: truncation at every page boundary and at 0, an older copy
 * of the same vault (a documented limit: it opens), another vault's rows
 * copied in, a zero-length file, a text file, and a future format version.
 *
 * Default (ctest) mode: every 7th byte (of free space, every 28th), one bit
 * per byte except all eight in the header, slots, manifest, nonce and tag.
 * --full: every byte, all eight bits of every byte of every blob.
 * The last lines are "sweep: N flips, D detected, H harmless, F failures"
 * and "N passed, M failed"; the exit status is 1 when a check failed.
 */
#define _GNU_SOURCE /* memmem */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bron/bron.h"

#define PASS "correct horse battery staple"
#define HANG_SECONDS 5
#define MAXREC 16
#define MAXJOBS 16
#define NCODES 32

static const struct bron_kdf tiny_kdf = {.opslimit = 1, .memlimit = 8192};

/* ---- checks ---- */

static int npassed, nfailed, verbose;

static void check(int ok, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void check(int ok, const char *fmt, ...)
{
	va_list ap;
	printf("%s ", ok ? "ok  " : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		npassed++;
	else
		nfailed++;
}

static void die(const char *fmt, ...)
        __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "tamper_sweep: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- files ---- */

static uint8_t *slurp(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0)
		die("cannot read %s: %s", path, strerror(errno));
	uint8_t *buf = malloc((size_t)st.st_size + 1);
	if (!buf)
		die("out of memory");
	size_t got = 0;
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r <= 0)
			die("cannot read %s", path);
		got += (size_t)r;
	}
	close(fd);
	*len = got;
	return buf;
}

static int spit(const char *path, const uint8_t *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	size_t put = 0;
	while (put < len) {
		ssize_t w = write(fd, buf + put, len - put);
		if (w <= 0) {
			close(fd);
			return -1;
		}
		put += (size_t)w;
	}
	fchmod(fd, 0600);
	return close(fd);
}

/* Removes path and its SQLite and bron side files. */
static void remove_vault(const char *path)
{
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal", ".lock"};
	char p[600];
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", path, sfx[i]);
		unlink(p);
	}
}

static void side_files_absent(const char *path)
{
	char p[600];
	struct stat st;
	snprintf(p, sizeof(p), "%s-wal", path);
	if (stat(p, &st) == 0 && st.st_size != 0)
		die("%s is not empty: the vault was not closed cleanly", p);
}

/* ---- the test vault ---- */

struct rec {
	bron_id id;
	uint8_t *data;
	size_t len;
};

struct vault_state {
	struct rec r[MAXREC];
	size_t n;
};

static void free_state(struct vault_state *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->r[i].data);
	s->n = 0;
}

static void fill_text(uint8_t *p, size_t n, unsigned seed)
{
	static const char words[] =
	        "the river was high after the rain and we walked along it "
	        "slowly, talking about the year and what comes next; ";
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)words[(i + seed * 7) % (sizeof(words) - 1)];
}

static uint8_t *text_dup(const char *s)
{
	size_t n = strlen(s);
	uint8_t *p = malloc(n + 1);
	if (!p)
		die("out of memory");
	memcpy(p, s, n + 1);
	return p;
}

static struct bron_vault *must_open(const char *path)
{
	struct bron_vault *v = NULL;
	struct bron_error err;
	if (bron_vault_open(path, 0, &v, &err) != BRON_OK ||
	    bron_vault_unlock(v, PASS, strlen(PASS), &err) != BRON_OK)
		die("cannot open %s: %s", path, err.msg);
	return v;
}

static void must_put(struct bron_vault *v, struct vault_state *s, size_t i,
                     uint8_t *data, size_t len, uint64_t expect_rev)
{
	struct bron_error err;
	bron_id id = i < s->n ? s->r[i].id : 0;
	uint64_t rev;
	if (bron_vault_put(v, &id, expect_rev, data, len, &rev, &err) != BRON_OK)
		die("put: %s", err.msg);
	if (i == s->n) {
		s->n++;
	} else {
		free(s->r[i].data);
	}
	s->r[i].id = id;
	s->r[i].data = data;
	s->r[i].len = len;
}

static void put_text(struct bron_vault *v, struct vault_state *s, size_t i,
                     const char *text, uint64_t expect_rev)
{
	must_put(v, s, i, text_dup(text), strlen(text), expect_rev);
}

/*
 * Builds the vault at path; an older copy of it (two records) goes to
 * older_path.  s receives the final records.
 */
static void build_vault(const char *path, const char *older_path,
                        struct vault_state *s, struct vault_state *older)
{
	char code[BRON_RECOVERY_CODE_LEN + 1];
	struct bron_vault *v = NULL;
	struct bron_error err;
	memset(s, 0, sizeof(*s));
	if (bron_vault_create(path, PASS, strlen(PASS), &tiny_kdf,
	                      BRON_KDF_ALLOW_WEAK, code, &v, &err) != BRON_OK)
		die("create %s: %s", path, err.msg);
	put_text(v, s, 0,
	         "monday: the appointment went better than I had feared", 0);
	put_text(v, s, 1, "tuesday, first version", 0);
	bron_vault_free(v);
	side_files_absent(path);
	size_t olen;
	uint8_t *obuf = slurp(path, &olen);
	if (spit(older_path, obuf, olen) != 0)
		die("cannot write %s", older_path);
	free(obuf);
	memset(older, 0, sizeof(*older));
	for (size_t i = 0; i < s->n; i++) {
		older->r[i].id = s->r[i].id;
		older->r[i].len = s->r[i].len;
		older->r[i].data = malloc(s->r[i].len + 1);
		memcpy(older->r[i].data, s->r[i].data, s->r[i].len + 1);
	}
	older->n = s->n;

	v = must_open(path);
	put_text(v, s, 1, "tuesday: told my sister; she listened", 1);
	put_text(v, s, 1,
	         "tuesday: told my sister; she listened and did not judge", 2);
	uint8_t *big = malloc(5001);
	fill_text(big, 5000, 3);
	big[5000] = 0;
	must_put(v, s, 2, big, 5000, 0); /* 5120 bytes of ct: overflow pages */
	put_text(v, s, 3, "wednesday: slept six hours", 0);
	/* A large record that goes again: its pages end on the freelist. */
	uint8_t *gone = malloc(9001);
	fill_text(gone, 9000, 5);
	bron_id gid = 0;
	if (bron_vault_put(v, &gid, 0, gone, 9000, NULL, &err) != BRON_OK)
		die("put: %s", err.msg);
	free(gone);
	put_text(v, s, 4, "thursday: a quiet day", 0);
	if (bron_vault_delete(v, gid, 0, &err) != BRON_OK)
		die("delete: %s", err.msg);
	bron_vault_free(v);
	side_files_absent(path);
}

/* ---- regions of the file ---- */

enum region {
	R_SQLHDR,   /* the 100-byte SQLite database header */
	R_BTREE,    /* page headers, cell pointers, cell headers, other columns */
	R_SCHEMA,   /* cells of sqlite_schema */
	R_FREE,     /* unallocated space, freeblocks, free pages, slack */
	R_IDREV,    /* record ids (rowids) and revisions: authenticated */
	R_HEADER,   /* meta row 1 */
	R_SLOTP,    /* meta row 2 */
	R_SLOTR,    /* meta row 3 */
	R_MANIFEST, /* meta row 4 */
	R_NONCE,    /* record.nonce */
	R_TAG,      /* record.tag */
	R_CT,       /* payload.ct */
	NREGIONS
};

static const char *const region_name[NREGIONS] = {
	"SQLite header", "b-tree structure", "schema", "free space",
	"record id/rev", "header blob", "passphrase slot", "recovery slot",
	"manifest", "record nonce", "record tag", "payload ct",
};

/* Regions where every flip must be detected. */
static int authenticated(enum region r)
{
	return r >= R_IDREV;
}

/*
 * Regions whose bytes get all eight bits flipped: the blobs bron stores.  In
 * the fast mode the ciphertext, which is most of them and all alike (one
 * AEAD), gets one bit per byte like the rest of the file.
 */
static int all_bits(enum region r, int full)
{
	return r >= R_HEADER && (full || r != R_CT);
}

struct layout {
	const uint8_t *f;
	size_t len;
	uint8_t *reg;     /* one enum region per byte */
	size_t pagesize, usable, npages;
	unsigned char *seen; /* pages reached */
	size_t freepages, ovflpages, btreepages, unreached;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
	       p[3];
}

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* SQLite varint at p (at most 9 bytes, not past end); returns its length. */
static size_t varint(const uint8_t *p, const uint8_t *end, uint64_t *v)
{
	uint64_t x = 0;
	for (size_t i = 0; i < 9 && p + i < end; i++) {
		if (i == 8) {
			x = (x << 8) | p[i];
			*v = x;
			return 9;
		}
		x = (x << 7) | (p[i] & 0x7f);
		if (!(p[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	die("varint runs off the page");
}

static void mark(struct layout *L, size_t off, size_t n, enum region r)
{
	if (off > L->len || n > L->len - off)
		die("region %s at %zu+%zu is outside the file", region_name[r], off,
		    n);
	memset(L->reg + off, r, n);
}

static const uint8_t *page(const struct layout *L, uint32_t pgno)
{
	if (pgno == 0 || pgno > L->npages)
		die("page %u out of range", pgno);
	return L->f + (size_t)(pgno - 1) * L->pagesize;
}

static size_t page_off(const struct layout *L, uint32_t pgno)
{
	return (size_t)(pgno - 1) * L->pagesize;
}

static void reach(struct layout *L, uint32_t pgno)
{
	if (L->seen[pgno])
		die("page %u reached twice", pgno);
	L->seen[pgno] = 1;
}

/* Size of a serial type's value. */
static size_t serial_size(uint64_t t)
{
	static const size_t fixed[] = {0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0};
	if (t < 12)
		return fixed[t];
	return (size_t)((t - 12) / 2);
}

/* The overflow chain of a cell: the bytes not stored locally. */
static void walk_overflow(struct layout *L, uint32_t pgno, size_t remaining)
{
	while (pgno && remaining) {
		reach(L, pgno);
		L->ovflpages++;
		const uint8_t *p = page(L, pgno);
		size_t off = page_off(L, pgno);
		size_t here = remaining < L->usable - 4 ? remaining : L->usable - 4;
		mark(L, off, 4, R_BTREE);
		mark(L, off + 4, here, R_BTREE); /* blob search refines */
		mark(L, off + 4 + here, L->pagesize - 4 - here, R_FREE);
		remaining -= here;
		pgno = be32(p);
	}
	if (remaining)
		die("overflow chain ends early");
}

/*
 * Walks the b-tree rooted at pgno.  kind: 0 schema, 1 record table, 2 payload
 * table, 3 any other table.
 */
static void walk_btree(struct layout *L, uint32_t pgno, int kind)
{
	reach(L, pgno);
	L->btreepages++;
	const uint8_t *p = page(L, pgno);
	size_t base = page_off(L, pgno);
	size_t h = pgno == 1 ? 100 : 0;
	uint8_t flag = p[h];
	if (flag != 5 && flag != 13)
		die("page %u: b-tree page type %u not expected", pgno, flag);
	int leaf = flag == 13;
	size_t hdr = leaf ? 8 : 12;
	unsigned ncell = be16(p + h + 3);
	size_t content = be16(p + h + 5);
	if (content == 0)
		content = 65536;
	size_t ptrs = h + hdr;
	size_t gap = ptrs + 2 * ncell;
	mark(L, base + h, hdr + 2 * ncell, R_BTREE);
	if (content < gap)
		die("page %u: cell content overlaps the pointers", pgno);
	mark(L, base + gap, content - gap, R_FREE);
	/* Cell content area: cells, freeblocks and fragments. */
	mark(L, base + content, L->pagesize - content, R_BTREE);
	for (size_t fb = be16(p + h + 1); fb; fb = be16(p + fb)) {
		size_t sz = be16(p + fb + 2);
		mark(L, base + fb, 4, R_BTREE);
		mark(L, base + fb + 4, sz - 4, R_FREE);
	}
	if (L->usable < L->pagesize)
		mark(L, base + L->usable, L->pagesize - L->usable, R_FREE);
	const uint8_t *end = p + L->usable;
	if (!leaf)
		walk_btree(L, be32(p + h + 8), kind); /* the right-most child */
	for (unsigned i = 0; i < ncell; i++) {
		size_t c = be16(p + ptrs + 2 * i);
		const uint8_t *q = p + c;
		uint64_t v;
		if (!leaf) {
			uint32_t child = be32(q);
			q += 4;
			q += varint(q, end, &v);
			walk_btree(L, child, kind);
			continue;
		}
		uint64_t psize, rowid;
		q += varint(q, end, &psize);
		const uint8_t *rowid_at = q;
		q += varint(q, end, &rowid);
		size_t X = L->usable - 35, local = (size_t)psize;
		if (psize > X) {
			size_t M = ((L->usable - 12) * 32 / 255) - 23;
			size_t K = M + (size_t)((psize - M) % (L->usable - 4));
			local = K <= X ? K : M;
		}
		size_t cell_len = (size_t)(q - (p + c)) + local +
		                  (local < psize ? 4 : 0);
		mark(L, base + c, cell_len, kind == 0 ? R_SCHEMA : R_BTREE);
		if (kind == 1 || kind == 2)
			mark(L, base + (size_t)(rowid_at - p),
			     (size_t)(q - rowid_at), R_IDREV);
		if (kind == 1) {
			/* record(id, rev, nonce, tag): rev is column 1. */
			const uint8_t *rh = q;
			uint64_t hsize, t0, t1;
			const uint8_t *r = rh + varint(rh, end, &hsize);
			r += varint(r, end, &t0);
			varint(r, end, &t1);
			size_t at = (size_t)(rh - p) + (size_t)hsize + serial_size(t0);
			mark(L, base + at, serial_size(t1), R_IDREV);
		}
		if (local < psize)
			walk_overflow(L, be32(q + local), (size_t)(psize - local));
	}
}

static void walk_freelist(struct layout *L)
{
	uint32_t trunk = be32(L->f + 32);
	while (trunk) {
		reach(L, trunk);
		L->freepages++;
		const uint8_t *p = page(L, trunk);
		size_t base = page_off(L, trunk);
		uint32_t n = be32(p + 4);
		mark(L, base, 8 + 4 * (size_t)n, R_BTREE);
		mark(L, base + 8 + 4 * (size_t)n, L->pagesize - 8 - 4 * (size_t)n,
		     R_FREE);
		for (uint32_t i = 0; i < n; i++) {
			uint32_t leaf = be32(p + 8 + 4 * (size_t)i);
			reach(L, leaf);
			L->freepages++;
			mark(L, page_off(L, leaf), L->pagesize, R_FREE);
		}
		trunk = be32(p);
	}
}

/* Finds where the bytes of blob lie in the file (overflow splits them). */
static size_t locate(struct layout *L, const uint8_t *blob, size_t n,
                     enum region r)
{
	size_t pos = 0, pieces = 0;
	while (pos < n) {
		size_t want = n - pos < 24 ? n - pos : 24;
		const uint8_t *hit = memmem(L->f, L->len, blob + pos, want);
		if (!hit)
			die("%s: bytes %zu.. not found in the file", region_name[r],
			    pos);
		if (want >= 16 &&
		    memmem(hit + 1, L->len - (size_t)(hit + 1 - L->f), blob + pos,
		           want))
			die("%s: bytes %zu.. found twice in the file", region_name[r],
			    pos);
		size_t off = (size_t)(hit - L->f), k = 0;
		while (pos + k < n && off + k < L->len && L->f[off + k] == blob[pos + k])
			k++;
		for (size_t i = 0; i < k; i++)
			if (L->reg[off + i] != R_BTREE)
				die("%s: byte %zu lies in %s", region_name[r], off + i,
				    region_name[L->reg[off + i]]);
		mark(L, off, k, r);
		pos += k;
		pieces++;
	}
	return pieces;
}

static void locate_blobs(struct layout *L, const char *path)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		die("sqlite cannot open %s", path);
	static const struct {
		const char *sql;
		enum region r;
	} blobs[] = {
		{"SELECT v FROM meta WHERE k = 1", R_HEADER},
		{"SELECT v FROM meta WHERE k = 2", R_SLOTP},
		{"SELECT v FROM meta WHERE k = 3", R_SLOTR},
		{"SELECT v FROM meta WHERE k = 4", R_MANIFEST},
		{"SELECT nonce FROM record", R_NONCE},
		{"SELECT tag FROM record", R_TAG},
		{"SELECT ct FROM payload", R_CT},
	};
	for (size_t b = 0; b < sizeof(blobs) / sizeof(blobs[0]); b++) {
		if (sqlite3_prepare_v2(db, blobs[b].sql, -1, &q, NULL) != SQLITE_OK)
			die("%s: %s", blobs[b].sql, sqlite3_errmsg(db));
		size_t rows = 0, pieces = 0;
		while (sqlite3_step(q) == SQLITE_ROW) {
			pieces += locate(L, sqlite3_column_blob(q, 0),
			                 (size_t)sqlite3_column_bytes(q, 0), blobs[b].r);
			rows++;
		}
		sqlite3_finalize(q);
		if (!rows)
			die("%s: no rows", blobs[b].sql);
		if (verbose)
			printf("  %-16s %zu blobs in %zu pieces\n",
			       region_name[blobs[b].r], rows, pieces);
	}
	sqlite3_close(db);
}

static void map_file(struct layout *L, const char *path, const uint8_t *f,
                     size_t len)
{
	memset(L, 0, sizeof(*L));
	L->f = f;
	L->len = len;
	L->reg = malloc(len);
	if (!L->reg || len < 100 || memcmp(f, "SQLite format 3", 16) != 0)
		die("not an SQLite file");
	L->pagesize = be16(f + 16) == 1 ? 65536 : be16(f + 16);
	L->usable = L->pagesize - f[20];
	if (len % L->pagesize)
		die("file size %zu is not a multiple of the page size", len);
	L->npages = len / L->pagesize;
	L->seen = calloc(L->npages + 1, 1);
	memset(L->reg, R_FREE, len); /* unreached pages count as free */
	/* Tables and their root pages, from SQLite itself. */
	sqlite3 *db = NULL;
	sqlite3_stmt *q = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT name, rootpage FROM sqlite_schema "
	                           "WHERE type = 'table'",
	                       -1, &q, NULL) != SQLITE_OK)
		die("cannot read the schema of %s", path);
	walk_btree(L, 1, 0);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(q, 0);
		int kind = strcmp(name, "record") == 0    ? 1
		           : strcmp(name, "payload") == 0 ? 2
		                                          : 3;
		walk_btree(L, (uint32_t)sqlite3_column_int(q, 1), kind);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	walk_freelist(L);
	mark(L, 0, 100, R_SQLHDR);
	for (size_t pg = 1; pg <= L->npages; pg++)
		if (!L->seen[pg])
			L->unreached++;
	locate_blobs(L, path);
}

/* ---- running one damaged file in a child ---- */

struct result {
	int done;
	int open_code, unlock_code, read_code, verify_code;
	int mismatch;        /* foreach gave BRON_OK but different records */
	size_t nread;
	char msg[BRON_ERROR_MSG_MAX]; /* of the first error */
	char mismatch_what[160];
};

struct ctx {
	const struct vault_state *want;
	struct result *res;
	unsigned char matched[MAXREC];
};

static int compare_one(void *vctx, bron_id id, uint64_t rev,
                       const uint8_t *data, size_t len)
{
	struct ctx *c = vctx;
	(void)rev;
	c->res->nread++;
	for (size_t i = 0; i < c->want->n; i++) {
		const struct rec *r = &c->want->r[i];
		if (r->id != id)
			continue;
		if (c->matched[i]++) {
			c->res->mismatch = 1;
			snprintf(c->res->mismatch_what, sizeof(c->res->mismatch_what),
			         "record %016llx returned twice",
			         (unsigned long long)id);
		} else if (r->len != len || memcmp(r->data, data, len) != 0) {
			c->res->mismatch = 1;
			snprintf(c->res->mismatch_what, sizeof(c->res->mismatch_what),
			         "record %016llx: %zu bytes \"%.20s\" differ from the "
			         "original %zu \"%.20s\"", (unsigned long long)id, len,
			         len < 20 ? "" : (const char *)data, r->len,
			         (const char *)r->data);
		}
		return 0;
	}
	c->res->mismatch = 1;
	snprintf(c->res->mismatch_what, sizeof(c->res->mismatch_what),
	         "record %016llx is not one of the originals",
	         (unsigned long long)id);
	return 0;
}

static void first_msg(struct result *res, const struct bron_error *err)
{
	if (!res->msg[0])
		snprintf(res->msg, sizeof(res->msg), "%s", err->msg);
}

/* In the child: the whole reader's path over path; fills *res. */
static void examine(const char *path, unsigned flags,
                    const struct vault_state *want, struct result *res)
{
	struct bron_vault *v = NULL;
	struct bron_error err;
	struct ctx c = {.want = want, .res = res};
	memset(res, 0, sizeof(*res));
	res->open_code = bron_vault_open(path, flags, &v, &err);
	if (res->open_code != BRON_OK) {
		first_msg(res, &err);
		res->done = 1;
		return;
	}
	res->unlock_code = bron_vault_unlock(v, PASS, strlen(PASS), &err);
	if (res->unlock_code != BRON_OK) {
		first_msg(res, &err);
		bron_vault_free(v);
		res->done = 1;
		return;
	}
	struct bron_error verr;
	res->verify_code = bron_vault_verify(v, NULL, &verr);
	if (res->verify_code != BRON_OK)
		first_msg(res, &verr);
	res->read_code = bron_vault_foreach(v, compare_one, &c, &err);
	if (res->read_code != BRON_OK) {
		first_msg(res, &err);
	} else {
		for (size_t i = 0; i < want->n && !res->mismatch; i++)
			if (!c.matched[i]) {
				res->mismatch = 1;
				snprintf(res->mismatch_what, sizeof(res->mismatch_what),
				         "record %016llx is missing",
				         (unsigned long long)want->r[i].id);
			}
	}
	bron_vault_free(v);
	res->done = 1;
}

enum outcome { O_HARMLESS, O_DETECTED, O_FAILURE };

struct verdict {
	enum outcome o;
	int code;             /* the first bron error */
	const char *stage;
	char why[200];        /* for failures */
};

static void judge(const struct result *res, int status, double secs,
                  struct verdict *out)
{
	memset(out, 0, sizeof(*out));
	if (WIFSIGNALED(status)) {
		out->o = O_FAILURE;
		int sig = WTERMSIG(status);
		snprintf(out->why, sizeof(out->why), "%s (signal %d)",
		         sig == SIGALRM || sig == SIGKILL ? "hang over 5 s" : "crash",
		         sig);
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !res->done) {
		out->o = O_FAILURE;
		snprintf(out->why, sizeof(out->why),
		         "child exit status %d (sanitizer report?)",
		         WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return;
	}
	if (secs > HANG_SECONDS) {
		out->o = O_FAILURE;
		snprintf(out->why, sizeof(out->why), "took %.1f s", secs);
		return;
	}
	if (res->read_code == BRON_OK && res->mismatch &&
	    res->open_code == BRON_OK && res->unlock_code == BRON_OK) {
		out->o = O_FAILURE;
		snprintf(out->why, sizeof(out->why), "silently wrong: %s",
		         res->mismatch_what);
		return;
	}
	static const char *const stages[] = {"open", "unlock", "verify", "read"};
	const int codes[] = {res->open_code, res->unlock_code, res->verify_code,
	                     res->read_code};
	for (int i = 0; i < 4; i++)
		if (codes[i] != BRON_OK) {
			out->o = O_DETECTED;
			out->code = codes[i];
			out->stage = stages[i];
			return;
		}
	out->o = O_HARMLESS;
}

/* ---- the pool of children ---- */

struct job {
	pid_t pid;
	size_t off;     /* byte offset (or case number) */
	uint8_t mask;
	double start;
	char path[400];
	char log[400];
};

struct pool {
	const char *dir;
	const struct vault_state *want;
	unsigned flags;
	int jobs;
	int sabotage;       /* harness self-test: 1 hang, 2 crash, 3 stderr */
	struct result *res; /* shared, one per slot */
	struct job slot[MAXJOBS];
	int busy;
	/* called with each finished job */
	void (*done)(void *ctx, const struct job *j, const struct result *r,
	             const struct verdict *v);
	void *done_ctx;
};

static void pool_init(struct pool *P, const char *dir, int jobs)
{
	memset(P, 0, sizeof(*P));
	P->dir = dir;
	P->jobs = jobs;
	P->res = mmap(NULL, sizeof(struct result) * MAXJOBS,
	              PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (P->res == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	for (int i = 0; i < MAXJOBS; i++) {
		snprintf(P->slot[i].path, sizeof(P->slot[i].path), "%s/flip%d.bron",
		         dir, i);
		snprintf(P->slot[i].log, sizeof(P->slot[i].log), "%s/flip%d.log",
		         dir, i);
	}
}

static void show_log(const char *log)
{
	size_t n;
	struct stat st;
	if (stat(log, &st) != 0 || st.st_size == 0)
		return;
	uint8_t *b = slurp(log, &n);
	fwrite(b, 1, n > 4000 ? 4000 : n, stdout);
	if (n && b[(n > 4000 ? 4000 : n) - 1] != '\n')
		printf("\n");
	free(b);
}

/* The parent's watchdog: wakes waitpid() every second. */
static void tick(int sig)
{
	(void)sig;
}

static void watchdog_start(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tick; /* no SA_RESTART: waitpid() returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
}

/* Armed only around waitpid(), so no other call sees EINTR. */
static void watchdog_arm(int on)
{
	struct itimerval it = {{on, 0}, {on, 0}};
	setitimer(ITIMER_REAL, &it, NULL);
}

static void pool_reap(struct pool *P)
{
	int status;
	pid_t pid;
	watchdog_arm(1);
	while ((pid = waitpid(-1, &status, 0)) < 0 && errno == EINTR) {
		/* A child that outlives its own alarm is killed from here. */
		for (int i = 0; i < P->jobs; i++)
			if (P->slot[i].pid &&
			    now_s() - P->slot[i].start > 2 * HANG_SECONDS)
				kill(P->slot[i].pid, SIGKILL);
	}
	watchdog_arm(0);
	if (pid < 0)
		die("waitpid: %s", strerror(errno));
	for (int i = 0; i < P->jobs; i++) {
		struct job *j = &P->slot[i];
		if (j->pid != pid)
			continue;
		struct verdict v;
		judge(&P->res[i], status, now_s() - j->start, &v);
		/* A sanitizer may report after the result was written. */
		struct stat st;
		if (v.o != O_FAILURE && stat(j->log, &st) == 0 && st.st_size > 0) {
			v.o = O_FAILURE;
			snprintf(v.why, sizeof(v.why), "the child wrote to stderr");
		}
		if (v.o == O_FAILURE && !P->sabotage)
			show_log(j->log);
		P->done(P->done_ctx, j, &P->res[i], &v);
		j->pid = 0;
		P->busy--;
		return;
	}
	die("unknown child %d", (int)pid);
}

/* Runs buf (len bytes) as a vault in a child; off and mask identify it. */
static void pool_run(struct pool *P, const uint8_t *buf, size_t len,
                     size_t off, uint8_t mask)
{
	while (P->busy >= P->jobs)
		pool_reap(P);
	int i = 0;
	while (P->slot[i].pid)
		i++;
	struct job *j = &P->slot[i];
	j->off = off;
	j->mask = mask;
	j->start = now_s();
	memset(&P->res[i], 0, sizeof(P->res[i]));
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int fd = open(j->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0) {
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
		watchdog_arm(0);
		signal(SIGALRM, SIG_DFL);
		alarm(HANG_SECONDS);
		remove_vault(j->path);
		int wfd = open(j->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		size_t put = 0;
		while (wfd >= 0 && put < len) {
			ssize_t w = write(wfd, buf + put, len - put);
			if (w <= 0)
				_exit(3);
			put += (size_t)w;
		}
		if (wfd < 0 || close(wfd) != 0)
			_exit(3);
		if (P->sabotage == 1)
			for (;;)
				pause();
		if (P->sabotage == 2)
			raise(SIGABRT); /* not SIGSEGV: ASan would print a report */
		if (P->sabotage == 3)
			fprintf(stderr, "self-test: a pretend sanitizer report\n");
		examine(j->path, P->flags, P->want, &P->res[i]);
		_exit(0);
	}
	j->pid = pid;
	P->busy++;
}

static void pool_drain(struct pool *P)
{
	while (P->busy)
		pool_reap(P);
}

/* ---- the sweep ---- */

struct tally {
	size_t flips, detected, harmless, failures;
	size_t by_region[NREGIONS][3];
	size_t by_code[NCODES];
	size_t by_code_stage[NCODES][4];
	char code_msg[NCODES][BRON_ERROR_MSG_MAX];
	size_t verify_only;   /* reading alone gave the right text */
	size_t odd;           /* detected with a code that does not mean damage */
	size_t odd_by_code[NCODES];
	size_t nfail_shown;
	const struct layout *L;
};

/*
 * The codes a damaged file may give (docs/FORMAT.md section 9).  A wrong
 * passphrase counts: a header or slot changed with a recomputed checksum
 * gives it.  An I/O error, say, would send the user looking at the disk.
 */
static int damage_code(int code)
{
	switch (code) {
	case BRON_E_NOT_VAULT:
	case BRON_E_VERSION:
	case BRON_E_DAMAGED:
	case BRON_E_PASSPHRASE:
	case BRON_E_KDF_PARAMS:
	case BRON_E_TAMPERED:
	case BRON_E_MANIFEST:
	case BRON_E_ROWS_MISSING:
	case BRON_E_ROWS_EXTRA:
	case BRON_E_ROLLBACK:
	case BRON_E_CODEC:
		return 1;
	default:
		return 0;
	}
}

static int stage_index(const char *s)
{
	return strcmp(s, "open") == 0 ? 0 : strcmp(s, "unlock") == 0 ? 1
	       : strcmp(s, "verify") == 0                            ? 2
	                                                             : 3;
}

static void sweep_done(void *vctx, const struct job *j, const struct result *r,
                       const struct verdict *v)
{
	struct tally *t = vctx;
	enum region reg = (enum region)t->L->reg[j->off];
	t->flips++;
	t->by_region[reg][v->o]++;
	switch (v->o) {
	case O_HARMLESS:
		t->harmless++;
		if (verbose && reg != R_FREE)
			printf("  harmless: byte %zu ^ 0x%02x (%s)\n", j->off, j->mask,
			       region_name[reg]);
		break;
	case O_DETECTED:
		t->detected++;
		if (v->code >= 0 && v->code < NCODES) {
			t->by_code[v->code]++;
			t->by_code_stage[v->code][stage_index(v->stage)]++;
			if (!t->code_msg[v->code][0])
				snprintf(t->code_msg[v->code], sizeof(t->code_msg[0]),
				         "%s", r->msg);
		}
		if (r->read_code == BRON_OK && !r->mismatch && r->verify_code)
			t->verify_only++;
		if (!damage_code(v->code)) {
			if (t->odd++ < 20)
				printf("NOT DAMAGE: byte %zu ^ 0x%02x (%s): %s at %s: %s\n",
				       j->off, j->mask, region_name[reg],
				       bron_strerror((bron_err)v->code), v->stage, r->msg);
			if (v->code >= 0 && v->code < NCODES)
				t->odd_by_code[v->code]++;
		}
		if (authenticated(reg) && verbose > 1)
			printf("  detected: byte %zu ^ 0x%02x (%s): %s: %s\n", j->off,
			       j->mask, region_name[reg], v->stage, r->msg);
		break;
	case O_FAILURE:
		t->failures++;
		if (t->nfail_shown++ < 50)
			printf("FAILURE: byte %zu ^ 0x%02x (%s): %s\n", j->off, j->mask,
			       region_name[reg], v->why);
		break;
	}
}

static void print_tables(const struct tally *t, const struct layout *L)
{
	size_t bytes[NREGIONS] = {0};
	for (size_t i = 0; i < L->len; i++)
		bytes[L->reg[i]]++;
	printf("\n%-18s %7s %7s %9s %9s %9s\n", "region", "bytes", "flips",
	       "detected", "harmless", "failures");
	for (int r = 0; r < NREGIONS; r++) {
		size_t n = t->by_region[r][0] + t->by_region[r][1] +
		           t->by_region[r][2];
		printf("%-18s %7zu %7zu %9zu %9zu %9zu%s\n", region_name[r],
		       bytes[r], n, t->by_region[r][O_DETECTED],
		       t->by_region[r][O_HARMLESS], t->by_region[r][O_FAILURE],
		       authenticated((enum region)r) ? "  (authenticated)" : "");
	}
	printf("\n%-22s %7s %6s %6s %6s %6s  %s\n", "error code", "flips",
	       "open", "unlock", "verify", "read", "first message");
	for (int c = 0; c < NCODES; c++) {
		if (!t->by_code[c])
			continue;
		char name[40];
		snprintf(name, sizeof(name), "%d %s", c, bron_strerror((bron_err)c));
		printf("%-22.22s %7zu %6zu %6zu %6zu %6zu  %s\n", name,
		       t->by_code[c], t->by_code_stage[c][0], t->by_code_stage[c][1],
		       t->by_code_stage[c][2], t->by_code_stage[c][3],
		       t->code_msg[c]);
	}
	printf("\ndetected only by verify (reading returned the right text): "
	       "%zu\n", t->verify_only);
}

/* ---- single cases after the sweep ---- */

struct one {
	struct verdict v;
	struct result r;
	int have;
};

static void one_done(void *vctx, const struct job *j, const struct result *r,
                     const struct verdict *v)
{
	struct one *o = vctx;
	(void)j;
	o->v = *v;
	o->r = *r;
	o->have = 1;
}

static void run_one(struct pool *P, const uint8_t *buf, size_t len,
                    const struct vault_state *want, struct one *o)
{
	void (*saved)(void *, const struct job *, const struct result *,
	              const struct verdict *) = P->done;
	void *saved_ctx = P->done_ctx;
	const struct vault_state *saved_want = P->want;
	memset(o, 0, sizeof(*o));
	P->done = one_done;
	P->done_ctx = o;
	P->want = want;
	pool_run(P, buf, len, 0, 0);
	pool_drain(P);
	P->done = saved;
	P->done_ctx = saved_ctx;
	P->want = saved_want;
}

static const char *describe(const struct one *o, char *buf, size_t cap)
{
	switch (o->v.o) {
	case O_HARMLESS:
		snprintf(buf, cap, "opens, verifies, %zu records as expected",
		         o->r.nread);
		break;
	case O_DETECTED:
		snprintf(buf, cap, "%s at %s: %s", bron_strerror((bron_err)o->v.code),
		         o->v.stage, o->r.msg);
		break;
	default:
		snprintf(buf, cap, "FAILURE: %s", o->v.why);
	}
	return buf;
}

static int is_code(const struct one *o, bron_err c)
{
	return o->v.o == O_DETECTED && o->v.code == (int)c;
}

/* Copies another vault's record and payload rows into a copy of ours. */
static uint8_t *graft(const char *dir, const uint8_t *orig, size_t len,
                      const char *other, const char *sql, size_t *outlen)
{
	char path[400], full[1200];
	sqlite3 *db = NULL;
	char *msg = NULL;
	snprintf(path, sizeof(path), "%s/graft.bron", dir);
	remove_vault(path);
	if (spit(path, orig, len) != 0)
		die("cannot write %s", path);
	snprintf(full, sizeof(full), "ATTACH '%s' AS b; %s", other, sql);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_exec(db, full, NULL, NULL, &msg) != SQLITE_OK)
		die("graft: %s", msg ? msg : sqlite3_errmsg(db));
	sqlite3_exec(db, "DETACH b", NULL, NULL, NULL);
	sqlite3_close(db);
	side_files_absent(path);
	uint8_t *b = slurp(path, outlen);
	remove_vault(path);
	return b;
}

static void cases(struct pool *P, const struct layout *L,
                  const struct vault_state *want,
                  const struct vault_state *older, const char *older_path,
                  const char *dir)
{
	struct one o;
	char d[600];
	struct vault_state none = {0};

	printf("\n-- truncation at every page boundary --\n");
	size_t trunc_detected = 0, trunc_harmless = 0, trunc_fail = 0;
	for (size_t pg = 0; pg < L->npages; pg++) {
		run_one(P, L->f, pg * L->pagesize, want, &o);
		printf("  %2zu pages (%6zu bytes): %s\n", pg, pg * L->pagesize,
		       describe(&o, d, sizeof(d)));
		trunc_detected += o.v.o == O_DETECTED && damage_code(o.v.code);
		trunc_harmless += o.v.o == O_HARMLESS;
		trunc_fail += o.v.o == O_FAILURE;
	}
	check(trunc_fail == 0 && trunc_harmless == 0 &&
	      trunc_detected == L->npages,
	      "truncation: %zu cuts (0 to %zu pages), %zu detected as damage, %zu "
	      "harmless, %zu failures",
	      L->npages, L->npages - 1, trunc_detected, trunc_harmless,
	      trunc_fail);

	printf("\n-- whole-file rollback to an older copy (documented limit) --\n");
	size_t olen;
	uint8_t *obuf = slurp(older_path, &olen);
	run_one(P, obuf, olen, older, &o);
	printf("  older copy: %s\n", describe(&o, d, sizeof(d)));
	check(o.v.o == O_HARMLESS && o.r.nread == older->n,
	      "an older copy of the vault opens as a valid vault with its %zu "
	      "older records (undetectable from the file alone, FORMAT.md §14)",
	      older->n);

	printf("\n-- another vault's rows in this one --\n");
	char other[400], ocode[BRON_RECOVERY_CODE_LEN + 1];
	struct bron_vault *v = NULL;
	struct bron_error err;
	snprintf(other, sizeof(other), "%s/other.bron", dir);
	remove_vault(other);
	if (bron_vault_create(other, PASS, strlen(PASS), &tiny_kdf,
	                      BRON_KDF_ALLOW_WEAK, ocode, &v, &err) != BRON_OK)
		die("create: %s", err.msg);
	for (int i = 0; i < 5; i++) {
		bron_id id = 0;
		char text[64];
		snprintf(text, sizeof(text), "another vault, entry %d", i);
		if (bron_vault_put(v, &id, 0, text, strlen(text), NULL, &err) !=
		    BRON_OK)
			die("put: %s", err.msg);
	}
	bron_vault_free(v);
	static const struct {
		const char *name, *sql;
	} grafts[] = {
		{"B's record+payload rows replace A's",
		 "DELETE FROM record; DELETE FROM payload;"
		 "INSERT INTO record SELECT * FROM b.record;"
		 "INSERT INTO payload SELECT * FROM b.payload;"},
		{"B's rows added to A's",
		 "INSERT INTO record SELECT * FROM b.record;"
		 "INSERT INTO payload SELECT * FROM b.payload;"},
		{"B's rows and B's manifest replace A's",
		 "DELETE FROM record; DELETE FROM payload;"
		 "INSERT INTO record SELECT * FROM b.record;"
		 "INSERT INTO payload SELECT * FROM b.payload;"
		 "UPDATE meta SET v = (SELECT v FROM b.meta WHERE k = 4) "
		 "WHERE k = 4;"},
		{"one of B's rows under the id of one of A's",
		 "UPDATE record SET nonce = (SELECT nonce FROM b.record LIMIT 1),"
		 " tag = (SELECT tag FROM b.record LIMIT 1)"
		 " WHERE id = (SELECT min(id) FROM record);"
		 "UPDATE payload SET ct = (SELECT ct FROM b.payload WHERE id ="
		 " (SELECT id FROM b.record LIMIT 1))"
		 " WHERE id = (SELECT min(id) FROM payload);"},
	};
	for (size_t g = 0; g < sizeof(grafts) / sizeof(grafts[0]); g++) {
		size_t glen;
		uint8_t *gbuf = graft(dir, L->f, L->len, other, grafts[g].sql, &glen);
		run_one(P, gbuf, glen, want, &o);
		printf("  %s: %s\n", grafts[g].name, describe(&o, d, sizeof(d)));
		check(o.v.o == O_DETECTED &&
		      (o.v.code == BRON_E_MANIFEST || o.v.code == BRON_E_ROWS_EXTRA ||
		       o.v.code == BRON_E_ROWS_MISSING ||
		       o.v.code == BRON_E_TAMPERED) &&
		      strcmp(o.v.stage, "unlock") == 0,
		      "%s: refused when unlocking", grafts[g].name);
		free(gbuf);
	}
	remove_vault(other);

	printf("\n-- not a vault --\n");
	run_one(P, (const uint8_t *)"", 0, &none, &o);
	printf("  zero-length file: %s\n", describe(&o, d, sizeof(d)));
	check(is_code(&o, BRON_E_NOT_VAULT) && strcmp(o.v.stage, "open") == 0,
	      "a zero-length file is not a vault");
	static const char text[] = "Dear diary, this is a plain text file and "
	                           "not a database at all.\n";
	run_one(P, (const uint8_t *)text, sizeof(text) - 1, &none, &o);
	printf("  text file: %s\n", describe(&o, d, sizeof(d)));
	check(is_code(&o, BRON_E_NOT_VAULT) && strcmp(o.v.stage, "open") == 0,
	      "a text file is not a vault");
	/* SQLite's magic followed by garbage. */
	uint8_t junk[8192];
	memset(junk, 0x5a, sizeof(junk));
	memcpy(junk, "SQLite format 3", 16);
	run_one(P, junk, sizeof(junk), &none, &o);
	printf("  SQLite magic + garbage: %s\n", describe(&o, d, sizeof(d)));
	check(o.v.o == O_DETECTED && strcmp(o.v.stage, "open") == 0,
	      "SQLite's magic followed by garbage is refused at open");

	printf("\n-- a future format version --\n");
	uint8_t *fut = malloc(L->len);
	memcpy(fut, L->f, L->len);
	size_t hoff = 0;
	while (hoff < L->len && L->reg[hoff] != R_HEADER)
		hoff++;
	if (hoff + 64 > L->len)
		die("header blob not found");
	fut[hoff + 8] = 2; /* version 2, little-endian u32 */
	crypto_generichash(fut + hoff + 32, 32, fut + hoff, 32, NULL, 0);
	run_one(P, fut, L->len, want, &o);
	printf("  header version 2 (checksum recomputed): %s\n",
	       describe(&o, d, sizeof(d)));
	check(is_code(&o, BRON_E_VERSION) && strcmp(o.v.stage, "open") == 0,
	      "format version 2 is refused at open with BRON_E_VERSION");
	free(fut);
	free(obuf);
}

/* ---- main ---- */

static void usage(void)
{
	fprintf(stderr, "usage: tamper_sweep [--full] [--stride N] [--jobs N] "
	                "[--readonly] [--keep] [--verbose]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	size_t stride = 7;
	int jobs = 1, keep = 0, full = 0;
	unsigned flags = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--full") == 0)
			full = 1;
		else if (strcmp(argv[i], "--stride") == 0 && i + 1 < argc)
			stride = strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--jobs") == 0 && i + 1 < argc)
			jobs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--readonly") == 0)
			flags = BRON_OPEN_READONLY;
		else if (strcmp(argv[i], "--keep") == 0)
			keep = 1;
		else if (strcmp(argv[i], "--verbose") == 0 || strcmp(argv[i], "-v") == 0)
			verbose++;
		else
			usage();
	}
	if (full)
		stride = 1;
	if (stride < 1 || jobs < 1 || jobs > MAXJOBS)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (bron_init(NULL) != BRON_OK)
		die("bron_init failed");

	char dir[300];
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/bron-sweep-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir))
		die("mkdtemp: %s", strerror(errno));
	char path[400], older_path[400];
	snprintf(path, sizeof(path), "%s/journal.bron", dir);
	snprintf(older_path, sizeof(older_path), "%s/older.bron", dir);

	struct vault_state want, older;
	build_vault(path, older_path, &want, &older);
	size_t len;
	uint8_t *orig = slurp(path, &len);
	struct layout L;
	map_file(&L, path, orig, len);
	{
		/* The mapping reads the file through SQLite: still the same bytes? */
		size_t len2;
		uint8_t *again = slurp(path, &len2);
		if (len2 != len || memcmp(again, orig, len) != 0)
			die("reading the blobs changed the file");
		free(again);
	}
	printf("vault: %zu bytes, %zu pages of %zu (%zu b-tree, %zu overflow, "
	       "%zu free, %zu unreached), %zu records\n",
	       len, L.npages, L.pagesize, L.btreepages, L.ovflpages, L.freepages,
	       L.unreached, want.n);
	check(L.freepages > 0 && L.ovflpages > 0,
	      "the vault has overflow pages and free pages");

	struct pool P;
	pool_init(&P, dir, jobs);
	watchdog_start();
	P.want = &want;
	P.flags = flags;

	/* The untouched file must be harmless, or the sweep means nothing. */
	struct one o;
	char d[600];
	run_one(&P, orig, len, &want, &o);
	check(o.v.o == O_HARMLESS && o.r.nread == want.n,
	      "the untouched vault opens and reads back: %s",
	      describe(&o, d, sizeof(d)));

	/* The harness itself: each of these must count as a FAILURE. */
	static const char *const sabotage[] = {NULL, "a hang", "a crash",
	                                       "a sanitizer report"};
	for (int k = 1; k <= 3; k++) {
		P.sabotage = k;
		run_one(&P, orig, len, &want, &o);
		check(o.v.o == O_FAILURE, "harness: %s counts as a failure (%s)",
		      sabotage[k], o.v.why);
	}
	P.sabotage = 0;
	{
		struct vault_state wrong = want;
		uint8_t *w = malloc(want.r[0].len + 1);
		memcpy(w, want.r[0].data, want.r[0].len + 1);
		w[0] ^= 1;
		wrong.r[0].data = w;
		run_one(&P, orig, len, &wrong, &o);
		check(o.v.o == O_FAILURE, "harness: different text counts as a "
		      "failure (%s)", o.v.why);
		wrong.n--;
		wrong.r[0].data = want.r[0].data;
		run_one(&P, orig, len, &wrong, &o);
		check(o.v.o == O_FAILURE, "harness: an extra record counts as a "
		      "failure (%s)", o.v.why);
		free(w);
	}

	struct tally t = {.L = &L};
	P.done = sweep_done;
	P.done_ctx = &t;
	uint8_t *buf = malloc(len);
	memcpy(buf, orig, len);
	double t0 = now_s();
	printf("\nsweeping 1 byte in %zu%s (%s, %d job%s)...\n", stride,
	       full ? ", all 8 bits of every blob byte" : "",
	       flags ? "read-only opens" : "writable opens", jobs,
	       jobs == 1 ? "" : "s");
	for (size_t off = 0; off < len; off += stride) {
		enum region r = (enum region)L.reg[off];
		/* Mostly zero pages: the fast mode takes a quarter of them. */
		if (!full && r == R_FREE && (off / stride) % 4 != 0)
			continue;
		for (int b = 0; b < 8; b++) {
			if (!all_bits(r, full) && b != (int)(off % 8))
				continue;
			uint8_t mask = (uint8_t)(1u << b);
			buf[off] ^= mask;
			pool_run(&P, buf, len, off, mask);
			buf[off] ^= mask;
		}
	}
	pool_drain(&P);
	double secs = now_s() - t0;
	print_tables(&t, &L);
	printf("\n%zu flips in %.1f s (%.2f ms each)\n", t.flips, secs,
	       t.flips ? secs * 1e3 / (double)t.flips : 0.0);
	check(t.failures == 0, "no flip crashed, hung, or gave different text");
	{
		char codes[200] = "";
		size_t at = 0;
		for (int c = 0; c < NCODES; c++)
			if (t.odd_by_code[c] && at < sizeof(codes))
				at += (size_t)snprintf(codes + at, sizeof(codes) - at,
				                       "%s%zu as %s", at ? ", " : "",
				                       t.odd_by_code[c],
				                       bron_strerror((bron_err)c));
		check(t.odd == 0,
		      "every detected flip is reported as damage (not as an I/O "
		      "or other error)%s%s", t.odd ? ": " : "", codes);
	}
	for (int r = 0; r < NREGIONS; r++) {
		if (!authenticated((enum region)r))
			continue;
		size_t n = t.by_region[r][0] + t.by_region[r][1] + t.by_region[r][2];
		if (n == 0 && stride > 7) {
			printf("note %s: no flip landed there at this stride\n",
			       region_name[r]);
			continue;
		}
		check(n > 0 && t.by_region[r][O_HARMLESS] == 0 &&
		      t.by_region[r][O_FAILURE] == 0,
		      "%s: %zu of %zu flips detected", region_name[r],
		      t.by_region[r][O_DETECTED], n);
	}

	cases(&P, &L, &want, &older, older_path, dir);

	if (!keep) {
		char p[400];
		for (int i = 0; i < MAXJOBS; i++) {
			remove_vault(P.slot[i].path);
			unlink(P.slot[i].log);
		}
		remove_vault(path);
		remove_vault(older_path);
		snprintf(p, sizeof(p), "%s/graft.bron", dir);
		remove_vault(p);
		if (rmdir(dir) != 0)
			fprintf(stderr, "tamper_sweep: %s left behind: %s\n", dir,
			        strerror(errno));
	} else {
		printf("files kept in %s\n", dir);
	}
	free(buf);
	free(orig);
	free(L.reg);
	free(L.seen);
	free_state(&want);
	free_state(&older);
	printf("\nsweep: %zu flips, %zu detected, %zu harmless, %zu failures\n",
	       t.flips, t.detected, t.harmless, t.failures);
	printf("%d passed, %d failed\n", npassed, nfailed);
	return nfailed ? 1 : 0;
}
