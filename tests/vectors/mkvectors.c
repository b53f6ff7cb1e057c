/*
 * mkvectors.c - writes bron's known-answer vault files.
 *
 *     mkvectors OUTDIR
 *
 * Replaces libsodium's random number generator with a deterministic stream
 * (BLAKE2b of a fixed seed and a call counter, expanded with
 * randombytes_buf_deterministic, i.e. ChaCha20), so every vault id, master
 * key, salt, nonce, record id and recovery code is the same on every run.
 * The KDF runs at its minimum (1 pass, 8 KiB).  Writes into OUTDIR:
 *
 *   *.bron, not-a-vault.*   the vault files, some damaged on purpose
 *   index.txt               one line per test case: file, how to unlock,
 *                           expected outcome and stage, and for vaults that
 *                           open the expected records
 *   entries.txt             the decoded contents of every expected payload
 *
 * docs/FORMAT.md describes the format and both text files.  The damaged
 * variants are made by editing copies of a good vault with SQLite directly,
 * the way an attacker or a broken disk would.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bron/bron.h"

/* ---- deterministic randomness ---- */

static uint8_t rng_seed[32];
static uint64_t rng_counter;
static uint8_t rng_domain; /* 0 during sodium_init, 1 afterwards */

static const char *det_name(void)
{
	return "bron-mkvectors-deterministic";
}

static void det_buf(void *const buf, const size_t size)
{
	uint8_t in[9], key[randombytes_SEEDBYTES];
	in[0] = rng_domain;
	for (int i = 0; i < 8; i++)
		in[1 + i] = (uint8_t)(rng_counter >> (8 * i));
	rng_counter++;
	crypto_generichash(key, sizeof(key), in, sizeof(in), rng_seed,
	                   sizeof(rng_seed));
	randombytes_buf_deterministic(buf, size, key);
}

static uint32_t det_random(void)
{
	uint32_t r;
	det_buf(&r, sizeof(r));
	return r;
}

static randombytes_implementation det_impl = {
        .implementation_name = det_name,
        .random = det_random,
        .buf = det_buf,
};

/* ---- small helpers ---- */

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("mkvectors: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static char workdir[256];
static const char *outdir;

static const char *wpath(const char *name)
{
	static char buf[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof(buf[k]), "%s/%s", workdir, name);
	return buf[k];
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("cannot read %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("cannot read %s", path);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void spill(const char *path, const void *buf, size_t len, int mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len || close(fd) != 0)
		die("cannot write %s: %s", path, strerror(errno));
	chmod(path, (mode_t)mode);
}

/* Copies work file src to work file dst (mode 0600, like a vault). */
static void copy_work(const char *src, const char *dst)
{
	size_t n;
	uint8_t *b = slurp(wpath(src), &n);
	spill(wpath(dst), b, n, 0600);
	free(b);
}

/* ---- the vaults through the public API ---- */

#define PASS_MAIN "correct horse battery staple \xe2\x80\x94 bron"
#define PASS_EMPTY "nothing written yet"
#define PASS_OLD "first passphrase"
#define PASS_NEW "second passphrase"

static const struct bron_kdf tiny = {.opslimit = 1, .memlimit = 8192};
static const struct bron_kdf tiny2 = {.opslimit = 2, .memlimit = 16384};

static struct bron_vault *create(const char *name, const char *pass,
                                 char code[BRON_RECOVERY_CODE_LEN + 1])
{
	struct bron_vault *v = NULL;
	struct bron_error err;
	if (bron_vault_create(wpath(name), pass, strlen(pass), &tiny,
	                      BRON_KDF_ALLOW_WEAK, code, &v, &err) != BRON_OK)
		die("create %s: %s", name, err.msg);
	return v;
}

static struct bron_vault *reopen(const char *name, const char *pass)
{
	struct bron_vault *v = NULL;
	struct bron_error err;
	if (bron_vault_open(wpath(name), 0, &v, &err) != BRON_OK ||
	    bron_vault_unlock(v, pass, strlen(pass), &err) != BRON_OK)
		die("reopen %s: %s", name, err.msg);
	return v;
}

/* What the generator stored, so index.txt can list the expected records. */
struct stored {
	bron_id id;
	uint64_t rev;
	uint8_t *data;
	size_t len;
	int alive;
};

struct book {
	struct stored r[16];
	size_t n;
};

static struct stored *book_find(struct book *b, bron_id id)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->r[i].id == id)
			return &b->r[i];
	return NULL;
}

/* Puts data as a new record (*id == 0) or a new revision of *id. */
static void put(struct bron_vault *v, struct book *b, bron_id *id,
                const uint8_t *data, size_t len)
{
	struct bron_error err;
	struct stored *s = *id ? book_find(b, *id) : NULL;
	uint64_t rev = 0;
	if (bron_vault_put(v, id, s ? s->rev : 0, data, len, &rev, &err) !=
	    BRON_OK)
		die("put: %s", err.msg);
	if (!s) {
		if (b->n == sizeof(b->r) / sizeof(b->r[0]))
			die("too many records");
		s = &b->r[b->n++];
		s->id = *id;
		s->data = NULL;
	}
	free(s->data);
	s->data = malloc(len ? len : 1);
	memcpy(s->data, data, len);
	s->len = len;
	s->rev = rev;
	s->alive = 1;
}

static void drop(struct bron_vault *v, struct book *b, bron_id id)
{
	struct bron_error err;
	if (bron_vault_delete(v, id, book_find(b, id)->rev, &err) != BRON_OK)
		die("delete: %s", err.msg);
	book_find(b, id)->alive = 0;
}

/* ---- entries ---- */

static FILE *entries_out;

static void hex(FILE *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", p[i]);
}

static void hexstr(FILE *f, const char *key, const char *s)
{
	if (!s)
		return;
	fprintf(f, " %s=", key);
	hex(f, (const uint8_t *)s, strlen(s));
}

/*
 * Writes the expected decoded form of payload (which encodes e, plus any
 * optional fields a reader skips) to entries.txt, keyed by BLAKE2b-256 of
 * the payload.
 */
static void entry_expect(const struct bron_entry *e, const uint8_t *payload,
                         size_t len)
{
	uint8_t h[32];
	crypto_generichash(h, sizeof(h), payload, len, NULL, 0);
	hex(entries_out, h, sizeof(h));
	fprintf(entries_out, " created=%lld updated=%lld level=%d",
	        (long long)e->created, (long long)e->updated, (int)e->level);
	hexstr(entries_out, "title", e->title);
	hexstr(entries_out, "body", e->body);
	hexstr(entries_out, "area", e->area);
	for (size_t i = 0; i < e->ntags; i++)
		hexstr(entries_out, "tag", e->tags[i]);
	for (size_t i = 0; i < e->nhistory; i++) {
		const struct bron_level_change *c = &e->history[i];
		fprintf(entries_out, " history=%lld/%d/%d", (long long)c->when,
		        (int)c->from, (int)c->to);
		if (c->why) {
			fputc('/', entries_out);
			hex(entries_out, (const uint8_t *)c->why, strlen(c->why));
		}
	}
	fputc('\n', entries_out);
}

struct payload {
	uint8_t *p;
	size_t len;
};

/* Encodes e with the library's codec, appends extra bytes, records it. */
static struct payload encode(const struct bron_entry *e, const uint8_t *extra,
                             size_t extralen)
{
	struct payload out;
	struct bron_error err;
	uint8_t *buf;
	size_t len;
	if (bron_entry_encode(e, &buf, &len, &err) != BRON_OK)
		die("encode: %s", err.msg);
	out.len = len + extralen;
	out.p = malloc(out.len);
	memcpy(out.p, buf, len);
	if (extralen)
		memcpy(out.p + len, extra, extralen);
	bron_secret_free(buf, len);
	entry_expect(e, out.p, out.len);
	return out;
}

static void add_tag(struct bron_entry *e, const char *t)
{
	if (bron_entry_add_tag(e, t, NULL) != BRON_OK)
		die("add_tag");
}

static void set_level(struct bron_entry *e, enum bron_level to, int64_t when,
                      const char *why)
{
	if (bron_entry_set_level(e, to, when, why, NULL) != BRON_OK)
		die("set_level");
}

/* ---- editing files behind bron's back ---- */

static sqlite3 *db_open(const char *name)
{
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(wpath(name), &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK)
		die("sqlite open %s", name);
	sqlite3_exec(db, "PRAGMA secure_delete=ON", NULL, NULL, NULL);
	return db;
}

static void db_exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		die("sql '%s': %s", sql, msg);
}

static void db_close(sqlite3 *db)
{
	if (sqlite3_close(db) != SQLITE_OK)
		die("sqlite close");
}

/* Reads one blob (SELECT with one ?1 parameter) into buf. */
static size_t blob_get(sqlite3 *db, const char *sql, sqlite3_int64 key,
                       uint8_t *buf, size_t cap)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		die("prepare '%s': %s", sql, sqlite3_errmsg(db));
	sqlite3_bind_int64(q, 1, key);
	if (sqlite3_step(q) != SQLITE_ROW)
		die("no row for '%s'", sql);
	size_t n = (size_t)sqlite3_column_bytes(q, 0);
	if (n > cap)
		die("blob too large");
	memcpy(buf, sqlite3_column_blob(q, 0), n);
	sqlite3_finalize(q);
	return n;
}

/* Runs sql with ?1 = blob and ?2 = key. */
static void blob_set(sqlite3 *db, const char *sql, const uint8_t *buf,
                     size_t len, sqlite3_int64 key)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		die("prepare '%s': %s", sql, sqlite3_errmsg(db));
	sqlite3_bind_blob(q, 1, buf, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 2, key);
	if (sqlite3_step(q) != SQLITE_DONE)
		die("step '%s': %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(q);
}

#define META_GET "SELECT v FROM meta WHERE k = ?1"
#define META_SET "UPDATE meta SET v = ?1 WHERE k = ?2"

/* Flips one bit at off in meta row k; fix_sum > 0 recomputes the
 * BLAKE2b-256 checksum over the first fix_sum bytes (stored right after). */
static void meta_edit(const char *name, int k, size_t off, uint8_t xor,
                      size_t fix_sum)
{
	uint8_t buf[256];
	sqlite3 *db = db_open(name);
	size_t n = blob_get(db, META_GET, k, buf, sizeof(buf));
	if (off >= n)
		die("offset out of range");
	buf[off] ^= xor;
	if (fix_sum)
		crypto_generichash(buf + fix_sum, 32, buf, fix_sum, NULL, 0);
	blob_set(db, META_SET, buf, n, k);
	db_close(db);
}

/* Sets a little-endian integer of width bytes at off in meta row k and
 * recomputes the checksum over the first sum bytes. */
static void meta_set_le(const char *name, int k, size_t off, size_t width,
                        uint64_t val, size_t sum)
{
	uint8_t buf[256];
	sqlite3 *db = db_open(name);
	size_t n = blob_get(db, META_GET, k, buf, sizeof(buf));
	for (size_t i = 0; i < width; i++)
		buf[off + i] = (uint8_t)(val >> (8 * i));
	crypto_generichash(buf + sum, 32, buf, sum, NULL, 0);
	blob_set(db, META_SET, buf, n, k);
	db_close(db);
}

static void flip_record_blob(const char *name, const char *table,
                             const char *col, bron_id id, size_t off)
{
	char get[128], set[128];
	uint8_t buf[8192];
	snprintf(get, sizeof(get), "SELECT %s FROM %s WHERE id = ?1", col, table);
	snprintf(set, sizeof(set), "UPDATE %s SET %s = ?1 WHERE id = ?2", table,
	         col);
	sqlite3 *db = db_open(name);
	size_t n = blob_get(db, get, (sqlite3_int64)id, buf, sizeof(buf));
	buf[off % n] ^= 0x01;
	blob_set(db, set, buf, n, (sqlite3_int64)id);
	db_close(db);
}

/* Runs a statement with ?1 = id (and the snapshot attached as "old"). */
static void exec_id(sqlite3 *db, const char *sql, bron_id id)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		die("prepare '%s': %s", sql, sqlite3_errmsg(db));
	sqlite3_bind_int64(q, 1, (sqlite3_int64)id);
	if (sqlite3_step(q) != SQLITE_DONE)
		die("step '%s': %s", sql, sqlite3_errmsg(db));
	sqlite3_finalize(q);
}

static void attach(sqlite3 *db, const char *snapshot)
{
	char sql[600];
	snprintf(sql, sizeof(sql), "ATTACH '%s' AS old", wpath(snapshot));
	db_exec(db, sql);
}

/* Deletes record id (both rows). */
static void rows_delete(sqlite3 *db, bron_id id)
{
	exec_id(db, "DELETE FROM record WHERE id = ?1", id);
	exec_id(db, "DELETE FROM payload WHERE id = ?1", id);
}

/* Copies record id (both rows) from the attached snapshot. */
static void rows_from_old(sqlite3 *db, bron_id id)
{
	exec_id(db, "INSERT INTO record SELECT * FROM old.record WHERE id = ?1",
	        id);
	exec_id(db, "INSERT INTO payload SELECT * FROM old.payload WHERE id = ?1",
	        id);
}

/* ---- output ---- */

static FILE *index_out;

static void publish(const char *name)
{
	char dst[600];
	size_t n;
	uint8_t *b = slurp(wpath(name), &n);
	snprintf(dst, sizeof(dst), "%s/%s", outdir, name);
	spill(dst, b, n, 0644);
	free(b);
}

/* One index line.  records is NULL for outcomes other than ok. */
static void line(const char *file, const char *how, const char *secret,
                 const char *outcome, const char *stage,
                 const struct book *records)
{
	fprintf(index_out, "%s\t%s\t%s\t%s\t%s\t", file, how, secret, outcome,
	        stage);
	if (!records) {
		fputs("-\n", index_out);
		return;
	}
	/* alive records in id order */
	bron_id last = 0;
	int any = 0;
	for (;;) {
		const struct stored *next = NULL;
		for (size_t i = 0; i < records->n; i++) {
			const struct stored *s = &records->r[i];
			if (s->alive && s->id > last && (!next || s->id < next->id))
				next = s;
		}
		if (!next)
			break;
		uint8_t h[32];
		crypto_generichash(h, sizeof(h), next->data, next->len, NULL, 0);
		fprintf(index_out, "%s%016llx:%llu:%zu:", any ? "," : "",
		        (unsigned long long)next->id, (unsigned long long)next->rev,
		        next->len);
		hex(index_out, h, sizeof(h));
		any = 1;
		last = next->id;
	}
	fputs(any ? "\n" : "none\n", index_out);
}

/* A recovery code typed sloppily: lower case, O for 0, spaces for dashes. */
static void sloppy(char *out, const char *code)
{
	size_t i;
	for (i = 0; code[i]; i++) {
		char c = code[i];
		out[i] = c == '-' ? ' ' : c == '0' ? 'o' : c == '1' ? 'l' :
		         (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	out[i] = '\0';
}

/* The same code with one symbol changed: the checksum catches it. */
static void typo(char *out, const char *code)
{
	memcpy(out, code, BRON_RECOVERY_CODE_LEN + 1);
	out[7] = out[7] == 'Q' ? 'R' : 'Q';
}

/* ---- main ---- */

int main(int argc, char **argv)
{
	struct bron_error err;
	if (argc != 2) {
		fprintf(stderr, "usage: mkvectors OUTDIR\n");
		return 2;
	}
	outdir = argv[1];

	/* The deterministic generator must be in place before sodium_init. */
	static const char seed_text[] = "bron known-answer vectors, seed 1";
	crypto_generichash(rng_seed, sizeof(rng_seed),
	                   (const uint8_t *)seed_text, sizeof(seed_text) - 1,
	                   NULL, 0);
	if (randombytes_set_implementation(&det_impl) != 0)
		die("cannot replace the random number generator");
	if (bron_init(&err) != BRON_OK)
		die("init: %s", err.msg);
	/* Whatever libsodium drew while starting does not shift our stream. */
	rng_domain = 1;
	rng_counter = 0;

	mkdir(outdir, 0755);
	const char *tmp = getenv("TMPDIR");
	snprintf(workdir, sizeof(workdir), "%s/mkvectors-XXXXXX",
	         tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(workdir))
		die("mkdtemp: %s", strerror(errno));

	char path[600];
	snprintf(path, sizeof(path), "%s/index.txt", outdir);
	index_out = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/entries.txt", outdir);
	entries_out = fopen(path, "w");
	if (!index_out || !entries_out)
		die("cannot write into %s", outdir);
	fputs("# bron known-answer vectors, written by tests/vectors/mkvectors.c.\n"
	      "# Tab-separated: file, unlock (pass|recovery), secret, outcome,\n"
	      "# stage (open|unlock|read|-), records.  records is - unless the\n"
	      "# outcome is ok; then 'none' or a comma-separated list, in id\n"
	      "# order, of id:revision:length:blake2b-256(payload).  See\n"
	      "# docs/FORMAT.md, \"Test vectors\".\n",
	      index_out);
	fputs("# Decoded entries, keyed by blake2b-256 of the payload; strings\n"
	      "# in hex.  Written by tests/vectors/mkvectors.c; see\n"
	      "# docs/FORMAT.md, \"Test vectors\".\n",
	      entries_out);

	/* ---- ok.bron: four entries, revisions and a deletion ---- */
	char code_main[BRON_RECOVERY_CODE_LEN + 1];
	struct book main_book = {0};
	struct bron_entry a, b, c, d, e;
	struct payload pa1, pa2, pa3, pb, pc, pd, pe;
	bron_id ida = 0, idb = 0, idc = 0, idd = 0, ide = 0;

	bron_entry_init(&a);
	a.created = a.updated = 1764288000; /* 2025-11-28 00:00 UTC */
	a.title = strdup("Eerste dag terug");
	a.body = strdup("Vandaag weer begonnen na drie maanden. "
	                "Het ging beter dan ik dacht.\n");
	a.area = strdup("werk");
	add_tag(&a, "terugkeer");
	pa1 = encode(&a, NULL, 0);

	bron_entry_init(&b);
	b.created = b.updated = 1764291600;
	b.title = strdup("Weggegooid");
	b.body = strdup("Dit stuk verdwijnt later weer.");
	pb = encode(&b, NULL, 0);

	/* d: a long body (two-byte lengths, a larger padding bucket) */
	bron_entry_init(&d);
	d.created = 1700000000;
	d.updated = 1764295200;
	d.title = strdup("Lange brief aan mezelf \xf0\x9f\x8c\xb1");
	{
		static const char unit[] = "Wat ik toen niet kon zeggen, "
		                           "schrijf ik nu op: r\xc3\xbcst, "
		                           "\xc3\xa9\xc3\xa9n ding tegelijk. ";
		size_t ul = sizeof(unit) - 1, reps = 40;
		d.body = malloc(ul * reps + 1);
		for (size_t i = 0; i < reps; i++)
			memcpy(d.body + i * ul, unit, ul);
		d.body[ul * reps] = '\0';
	}
	d.area = strdup("family-of-origin");
	add_tag(&d, "brief");
	add_tag(&d, "jeugd");
	add_tag(&d, "");
	set_level(&d, BRON_LEVEL_NOT_YET, 1700003600, "nog te rauw");
	set_level(&d, BRON_LEVEL_SHAREABLE, 1764295200, NULL);
	pd = encode(&d, NULL, 0);

	struct bron_vault *v = create("ok.bron", PASS_MAIN, code_main);
	put(v, &main_book, &ida, pa1.p, pa1.len);
	put(v, &main_book, &idb, pb.p, pb.len);
	put(v, &main_book, &idd, pd.p, pd.len);
	bron_vault_free(v);
	copy_work("ok.bron", "snap1.bron"); /* {a1, b1, d1} */

	v = reopen("ok.bron", PASS_MAIN);
	a.updated = 1764374400;
	set_level(&a, BRON_LEVEL_NOT_YET, 1764374400, "misschien ooit, voor het team");
	pa2 = encode(&a, NULL, 0);
	put(v, &main_book, &ida, pa2.p, pa2.len);
	bron_vault_free(v);
	copy_work("ok.bron", "snap2.bron"); /* {a2, b1, d1} */

	v = reopen("ok.bron", PASS_MAIN);
	drop(v, &main_book, idb);
	/* c: negative and empty values, plus an optional field 0x81 that
	 * today's readers skip */
	bron_entry_init(&c);
	c.created = -86400; /* 1969-12-31 */
	c.updated = 0;
	c.level = BRON_LEVEL_SHAREABLE;
	c.title = strdup("");
	c.body = strdup("Regel \xc3\xa9\xc3\xa9n\nRegel twee.\n");
	static const uint8_t optional[] = {0x81, 0x03, 'x', 'y', 'z'};
	pc = encode(&c, optional, sizeof(optional));
	put(v, &main_book, &idc, pc.p, pc.len);
	/* e: only the required fields */
	bron_entry_init(&e);
	e.created = e.updated = 1764460800;
	pe = encode(&e, NULL, 0);
	put(v, &main_book, &ide, pe.p, pe.len);
	add_tag(&a, "team");
	a.updated = 1764460800;
	pa3 = encode(&a, NULL, 0);
	put(v, &main_book, &ida, pa3.p, pa3.len);
	bron_vault_free(v); /* {a3, c1, d1, e1} */

	/* ---- ok-empty.bron: no records at all ---- */
	char code_empty[BRON_RECOVERY_CODE_LEN + 1];
	struct book empty_book = {0};
	v = create("ok-empty.bron", PASS_EMPTY, code_empty);
	bron_vault_free(v);

	/* ---- ok-rekeyed.bron: key epoch 2, a changed passphrase ---- */
	char code_old[BRON_RECOVERY_CODE_LEN + 1], code_new[BRON_RECOVERY_CODE_LEN + 1];
	struct book rk_book = {0};
	struct bron_entry x, y, z;
	struct payload px1, px2, py, pz;
	bron_id idx = 0, idy = 0, idz = 0;
	bron_entry_init(&x);
	x.created = x.updated = 1735689600;
	x.title = strdup("Voor de nieuwe sleutel");
	px1 = encode(&x, NULL, 0);
	bron_entry_init(&y);
	y.created = y.updated = 1735693200;
	y.body = strdup("Ook deze gaat mee naar epoch 2.");
	add_tag(&y, "sleutel");
	py = encode(&y, NULL, 0);
	v = create("ok-rekeyed.bron", PASS_OLD, code_old);
	put(v, &rk_book, &idx, px1.p, px1.len);
	put(v, &rk_book, &idy, py.p, py.len);
	if (bron_vault_rekey(v, PASS_OLD, strlen(PASS_OLD), code_new, NULL, NULL,
	                     &err) != BRON_OK)
		die("rekey: %s", err.msg);
	if (bron_vault_passwd(v, PASS_NEW, strlen(PASS_NEW), &tiny2,
	                      BRON_KDF_ALLOW_WEAK, &err) != BRON_OK)
		die("passwd: %s", err.msg);
	bron_entry_init(&z);
	z.created = z.updated = 1735700000;
	z.title = strdup("Na de nieuwe sleutel");
	z.level = BRON_LEVEL_NOT_YET;
	pz = encode(&z, NULL, 0);
	put(v, &rk_book, &idz, pz.p, pz.len);
	x.updated = 1735710000;
	x.body = strdup("Bijgewerkt onder de nieuwe sleutel.");
	px2 = encode(&x, NULL, 0);
	put(v, &rk_book, &idx, px2.p, px2.len);
	bron_vault_free(v);

	/* ---- variants of ok.bron, edited behind bron's back ---- */
	sqlite3 *db;

	copy_work("ok.bron", "damaged-header.bron");
	meta_edit("damaged-header.bron", 1, 12, 0x01, 0); /* vault id */
	copy_work("ok.bron", "damaged-slot.bron");
	meta_edit("damaged-slot.bron", 2, 40, 0x01, 0); /* nonce */
	copy_work("ok.bron", "damaged-recovery-slot.bron");
	meta_edit("damaged-recovery-slot.bron", 3, 70, 0x01, 0); /* wrapped */

	copy_work("ok.bron", "slots-swapped.bron");
	db = db_open("slots-swapped.bron");
	db_exec(db, "UPDATE meta SET k = 9 WHERE k = 2;"
	            "UPDATE meta SET k = 2 WHERE k = 3;"
	            "UPDATE meta SET k = 3 WHERE k = 9;");
	db_close(db);

	copy_work("ok.bron", "version.bron");
	meta_set_le("version.bron", 1, 8, 4, 2, 32);
	copy_work("ok.bron", "bad-magic.bron");
	meta_edit("bad-magic.bron", 1, 0, 'B' ^ 'X', 32);
	copy_work("ok.bron", "header-epoch.bron");
	meta_set_le("header-epoch.bron", 1, 28, 4, 2, 32);

	copy_work("ok.bron", "kdf-opslimit.bron");
	meta_set_le("kdf-opslimit.bron", 2, 4, 8, 21, 108);
	copy_work("ok.bron", "kdf-memlimit.bron");
	meta_set_le("kdf-memlimit.bron", 2, 12, 8, (4ULL << 30) + 1024, 108);

	copy_work("ok.bron", "tampered-ct.bron");
	flip_record_blob("tampered-ct.bron", "payload", "ct", idc, 100);
	copy_work("ok.bron", "tampered-tag.bron");
	flip_record_blob("tampered-tag.bron", "record", "tag", idd, 0);

	copy_work("ok.bron", "manifest-swapped.bron");
	db = db_open("manifest-swapped.bron");
	attach(db, "snap1.bron");
	rows_delete(db, idc);
	rows_from_old(db, idb); /* same count, same revision sum */
	db_close(db);

	copy_work("ok.bron", "manifest-damaged.bron");
	meta_edit("manifest-damaged.bron", 4, 70, 0x01, 0); /* headmac */
	copy_work("ok.bron", "manifest-missing.bron");
	db = db_open("manifest-missing.bron");
	db_exec(db, "DELETE FROM meta WHERE k = 4");
	db_close(db);

	copy_work("ok.bron", "manifest-old.bron");
	db = db_open("manifest-old.bron");
	attach(db, "snap2.bron");
	db_exec(db, "UPDATE meta SET v = (SELECT v FROM old.meta WHERE k = 4) "
	            "WHERE k = 4");
	db_close(db);

	copy_work("ok.bron", "rows-missing.bron");
	db = db_open("rows-missing.bron");
	rows_delete(db, ide);
	db_close(db);

	copy_work("ok.bron", "rows-extra.bron");
	db = db_open("rows-extra.bron");
	attach(db, "snap1.bron");
	rows_from_old(db, idb); /* the deleted record comes back */
	db_close(db);

	copy_work("ok.bron", "rollback.bron");
	db = db_open("rollback.bron");
	attach(db, "snap2.bron");
	rows_delete(db, ida);
	rows_from_old(db, ida); /* revision 2 instead of 3 */
	db_close(db);

	/* Records that decrypt but are not entries this build can read. */
	static const uint8_t not_entry[] = {0x01, 0x01, 0x09, 0x00};
	static const uint8_t newer_entry[] = {0x01, 0x02, 0x01, 0x00};
	struct book scratch = {0};
	bron_id idbad;
	copy_work("ok.bron", "codec.bron");
	v = reopen("codec.bron", PASS_MAIN);
	idbad = 0;
	put(v, &scratch, &idbad, not_entry, sizeof(not_entry));
	bron_vault_free(v);
	copy_work("ok.bron", "entry-version.bron");
	v = reopen("entry-version.bron", PASS_MAIN);
	idbad = 0;
	put(v, &scratch, &idbad, newer_entry, sizeof(newer_entry));
	bron_vault_free(v);

	/* ---- files that are not vaults ---- */
	static const char text[] = "Lieve dagboek, dit is geen database.\n";
	spill(wpath("not-a-vault.txt"), text, sizeof(text) - 1, 0600);
	db = NULL;
	if (sqlite3_open(wpath("not-a-vault.sqlite"), &db) != SQLITE_OK)
		die("sqlite create");
	db_exec(db, "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);"
	            "INSERT INTO notes(body) VALUES('boodschappen');");
	db_close(db);
	if (sqlite3_open(wpath("not-a-vault-appid.bron"), &db) != SQLITE_OK)
		die("sqlite create");
	db_exec(db, "PRAGMA application_id = 1112690510;"
	            "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);");
	db_close(db);

	/* ---- index ---- */
	char sl[BRON_RECOVERY_CODE_LEN + 1], ty[BRON_RECOVERY_CODE_LEN + 1];
	sloppy(sl, code_main);
	typo(ty, code_main);
	line("ok.bron", "pass", PASS_MAIN, "ok", "-", &main_book);
	line("ok.bron", "recovery", code_main, "ok", "-", &main_book);
	line("ok.bron", "recovery", sl, "ok", "-", &main_book);
	line("ok.bron", "pass", "correct horse battery staple - bron",
	     "wrong-passphrase", "unlock", NULL);
	line("ok.bron", "pass", "", "wrong-passphrase", "unlock", NULL);
	line("ok.bron", "recovery", ty, "recovery-typo", "unlock", NULL);
	line("ok.bron", "recovery", code_empty, "wrong-recovery", "unlock", NULL);
	line("ok-empty.bron", "pass", PASS_EMPTY, "ok", "-", &empty_book);
	line("ok-empty.bron", "recovery", code_empty, "ok", "-", &empty_book);
	line("ok-rekeyed.bron", "pass", PASS_NEW, "ok", "-", &rk_book);
	line("ok-rekeyed.bron", "recovery", code_new, "ok", "-", &rk_book);
	line("ok-rekeyed.bron", "pass", PASS_OLD, "wrong-passphrase", "unlock",
	     NULL);
	line("ok-rekeyed.bron", "recovery", code_old, "wrong-recovery", "unlock",
	     NULL);
	line("damaged-header.bron", "pass", PASS_MAIN, "damaged", "open", NULL);
	line("damaged-slot.bron", "pass", PASS_MAIN, "damaged", "open", NULL);
	line("damaged-recovery-slot.bron", "pass", PASS_MAIN, "damaged", "open",
	     NULL);
	line("slots-swapped.bron", "pass", PASS_MAIN, "damaged", "open", NULL);
	line("version.bron", "pass", PASS_MAIN, "version", "open", NULL);
	line("bad-magic.bron", "pass", PASS_MAIN, "not-a-vault", "open", NULL);
	line("header-epoch.bron", "pass", PASS_MAIN, "wrong-passphrase", "unlock",
	     NULL);
	line("kdf-opslimit.bron", "pass", PASS_MAIN, "kdf-out-of-range", "unlock",
	     NULL);
	line("kdf-memlimit.bron", "pass", PASS_MAIN, "kdf-out-of-range", "unlock",
	     NULL);
	line("kdf-opslimit.bron", "recovery", code_main, "ok", "-", &main_book);
	line("tampered-ct.bron", "pass", PASS_MAIN, "tampered", "read", NULL);
	line("tampered-tag.bron", "pass", PASS_MAIN, "tampered", "unlock", NULL);
	line("manifest-swapped.bron", "pass", PASS_MAIN, "manifest-mismatch",
	     "unlock", NULL);
	line("manifest-damaged.bron", "pass", PASS_MAIN, "manifest-mismatch",
	     "unlock", NULL);
	line("manifest-missing.bron", "pass", PASS_MAIN, "manifest-mismatch",
	     "unlock", NULL);
	line("manifest-old.bron", "pass", PASS_MAIN, "rows-extra", "unlock", NULL);
	line("rows-missing.bron", "pass", PASS_MAIN, "rows-missing", "unlock",
	     NULL);
	line("rows-extra.bron", "pass", PASS_MAIN, "rows-extra", "unlock", NULL);
	line("rollback.bron", "pass", PASS_MAIN, "rollback", "unlock", NULL);
	line("codec.bron", "pass", PASS_MAIN, "codec", "read", NULL);
	line("entry-version.bron", "pass", PASS_MAIN, "version", "read", NULL);
	line("not-a-vault.txt", "pass", PASS_MAIN, "not-a-vault", "open", NULL);
	line("not-a-vault.sqlite", "pass", PASS_MAIN, "not-a-vault", "open", NULL);
	line("not-a-vault-appid.bron", "pass", PASS_MAIN, "not-a-vault", "open",
	     NULL);

	static const char *const files[] = {
	        "ok.bron", "ok-empty.bron", "ok-rekeyed.bron",
	        "damaged-header.bron", "damaged-slot.bron",
	        "damaged-recovery-slot.bron", "slots-swapped.bron",
	        "version.bron", "bad-magic.bron", "header-epoch.bron",
	        "kdf-opslimit.bron", "kdf-memlimit.bron", "tampered-ct.bron",
	        "tampered-tag.bron", "manifest-swapped.bron",
	        "manifest-damaged.bron", "manifest-missing.bron",
	        "manifest-old.bron", "rows-missing.bron", "rows-extra.bron",
	        "rollback.bron", "codec.bron", "entry-version.bron",
	        "not-a-vault.txt", "not-a-vault.sqlite",
	        "not-a-vault-appid.bron",
	};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		publish(files[i]);
	if (fclose(index_out) != 0 || fclose(entries_out) != 0)
		die("cannot finish the index");

	/* Clean up the work directory: vaults, snapshots and lock files. */
	static const char *const extra[] = {"snap1.bron", "snap2.bron"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char lock[600];
		unlink(wpath(files[i]));
		snprintf(lock, sizeof(lock), "%s.lock", wpath(files[i]));
		unlink(lock);
	}
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++)
		unlink(wpath(extra[i]));
	if (rmdir(workdir) != 0)
		fprintf(stderr, "mkvectors: %s left behind: %s\n", workdir,
		        strerror(errno));

	struct payload all[] = {pa1, pa2, pa3, pb, pc, pd, pe, px1, px2, py, pz};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		free(all[i].p);
	for (size_t i = 0; i < main_book.n; i++)
		free(main_book.r[i].data);
	for (size_t i = 0; i < rk_book.n; i++)
		free(rk_book.r[i].data);
	for (size_t i = 0; i < scratch.n; i++)
		free(scratch.r[i].data);
	bron_entry_release(&a);
	bron_entry_release(&b);
	bron_entry_release(&c);
	bron_entry_release(&d);
	bron_entry_release(&e);
	bron_entry_release(&x);
	bron_entry_release(&y);
	bron_entry_release(&z);
	return 0;
}
