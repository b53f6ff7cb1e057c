/*
 * test_tamper.c - changes made to a vault file behind bron's back are
 * detected and reported with the right error code, and detecting them never
 * damages the vault: once the original bytes are back, it opens as before.
 *
 * Every attack edits the SQLite file with a connection of its own, the way
 * someone holding the file but not the keys would.  The expected codes come
 * from reading the code; where two codes are defensible a comment says why
 * the one asserted is the one bron returns.
 */
#include <setjmp.h>
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
#include <sodium.h>
#include <sqlite3.h>

#include "helpers.h"
#include "vault_int.h"

#define MAXREC 8
#define TARGET 1 /* the record under attack: the second of three */

static const uint8_t masks[] = {0x01, 0x80};

struct fx {
	struct tmpdir t;
	char code[BRON_RECOVERY_CODE_LEN + 1];
	size_t n;
	bron_id ids[MAXREC];
	const char *texts[MAXREC];
};

static const char *const first_texts[] = {
	"monday: the appointment went better than I had feared",
	"tuesday: told my sister; she listened and did not judge",
	"wednesday: slept six hours, walked to the river",
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	tmpdir_make(&f->t);
	struct bron_vault *v = vault_new(&f->t, f->code);
	for (size_t i = 0; i < 3; i++) {
		f->texts[i] = first_texts[i];
		f->ids[i] = put_text(v, f->texts[i]);
	}
	f->n = 3;
	bron_vault_free(v);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	tmpdir_remove(&f->t);
	free(f);
	return 0;
}

/* ---- checking codes ---- */

static void want(bron_err got, bron_err expect, const struct bron_error *err,
                 const char *ctx)
{
	if (got != expect)
		fail_msg("%s: got %d (%s%s%s), want %d (%s)", ctx, (int)got,
		         bron_strerror(got), got != BRON_OK ? ": " : "",
		         got != BRON_OK ? err->msg : "", (int)expect,
		         bron_strerror(expect));
}

/*
 * Open flags for the fresh opens inside the byte-flip loops.  A writable
 * handle checkpoints the WAL when freed (store_checkpoint(), synchronous=
 * FULL: three fdatasync() calls even with nothing to write), which made
 * thousands of reopens cost seconds on a busy disk.  So most opens are
 * read-only, which runs the same header, slot, KDF and manifest checks
 * without the checkpoint, and every 16th byte and the last use a writable
 * open through vault_try_open() as the CLI does.
 */
static unsigned loop_flags(size_t i, size_t n)
{
	return i % 16 == 0 || i + 1 == n ? 0 : BRON_OPEN_READONLY;
}

/* bron_vault_open() itself must refuse the file. */
static void expect_open_fails(const char *path, unsigned flags, bron_err code,
                              const char *ctx)
{
	struct bron_vault *v = NULL;
	struct bron_error err;
	want(bron_vault_open(path, flags, &v, &err), code, &err, ctx);
	assert_null(v);
}

/* The file opens; unlocking it with the passphrase must fail with code. */
static void expect_unlock_fails(const char *path, unsigned flags,
                                const char *pass, bron_err code,
                                struct bron_error *err, const char *ctx)
{
	struct bron_vault *v = NULL;
	want(bron_vault_open(path, flags, &v, err), BRON_OK, err, ctx);
	want(bron_vault_unlock(v, pass, strlen(pass), err), code, err, ctx);
	assert_false(bron_vault_is_unlocked(v));
	bron_vault_free(v);
}

static struct bron_vault *unlocked(const char *path, unsigned flags,
                                   const char *ctx)
{
	struct bron_vault *v = NULL;
	struct bron_error err;
	if (flags == 0) {
		want(vault_try_open(path, TEST_PASS, &v, &err), BRON_OK, &err,
		     ctx);
		return v;
	}
	want(bron_vault_open(path, flags, &v, &err), BRON_OK, &err, ctx);
	want(bron_vault_unlock(v, TEST_PASS, strlen(TEST_PASS), &err), BRON_OK,
	     &err, ctx);
	return v;
}

/* bron_vault_get(id) gives code, and text when code is BRON_OK. */
static void expect_get(struct bron_vault *v, bron_id id, bron_err code,
                       const char *text, const char *ctx)
{
	uint8_t *data = NULL;
	size_t len = 0;
	struct bron_error err;
	want(bron_vault_get(v, id, &data, &len, NULL, &err), code, &err, ctx);
	if (code != BRON_OK) {
		assert_null(data);
		return;
	}
	assert_int_equal(len, strlen(text));
	assert_memory_equal(data, text, len);
	bron_secret_free(data, len);
}

static void expect_verify(struct bron_vault *v, bron_err code, uint64_t nrec,
                          const char *ctx)
{
	struct bron_verify_report r;
	struct bron_error err;
	want(bron_vault_verify(v, &r, &err), code, &err, ctx);
	if (code == BRON_OK)
		assert_int_equal(r.records, nrec);
}

/* The message of a record error names the record, as %016llx. */
static void expect_names(const struct bron_error *err, bron_id id)
{
	char hex[24];
	snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)id);
	if (!strstr(err->msg, hex))
		fail_msg("'%s' does not name record %s", err->msg, hex);
}

/* The vault opens, every record reads back and verify passes. */
static void expect_intact(const struct fx *f, unsigned flags, const char *ctx)
{
	struct bron_vault *v = unlocked(f->t.vault, flags, ctx);
	assert_int_equal(bron_vault_count(v), f->n);
	for (size_t i = 0; i < f->n; i++)
		expect_get(v, f->ids[i], BRON_OK, f->texts[i], ctx);
	expect_verify(v, BRON_OK, f->n, ctx);
	bron_vault_free(v);
}

/* ---- editing the file behind bron's back ---- */

static sqlite3 *db_open(const char *path)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
	                 SQLITE_OK);
	/* Thousands of one-byte edits: durability is not what is tested. */
	assert_int_equal(sqlite3_exec(db, "PRAGMA synchronous=OFF;"
	                                  "PRAGMA busy_timeout=10000;",
	                              NULL, NULL, NULL),
	                 SQLITE_OK);
	return db;
}

/* One blob: column col of the row whose key column equals row. */
struct cell {
	const char *table, *col, *key;
	sqlite3_int64 row;
};

static size_t cell_get(sqlite3 *db, const struct cell *c, uint8_t *buf,
                       size_t cap)
{
	char sql[128];
	sqlite3_stmt *q = NULL;
	snprintf(sql, sizeof(sql), "SELECT %s FROM %s WHERE %s = ?", c->col,
	         c->table, c->key);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	sqlite3_bind_int64(q, 1, c->row);
	assert_int_equal(sqlite3_step(q), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(q, 0), SQLITE_BLOB);
	size_t n = (size_t)sqlite3_column_bytes(q, 0);
	assert_true(n > 0 && n <= cap);
	memcpy(buf, sqlite3_column_blob(q, 0), n);
	sqlite3_finalize(q);
	return n;
}

static void cell_put(sqlite3 *db, const struct cell *c, const uint8_t *buf,
                     size_t len)
{
	char sql[128];
	sqlite3_stmt *q = NULL;
	snprintf(sql, sizeof(sql), "UPDATE %s SET %s = ? WHERE %s = ?", c->table,
	         c->col, c->key);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	sqlite3_bind_blob(q, 1, buf, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(q, 2, c->row);
	assert_int_equal(sqlite3_step(q), SQLITE_DONE);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_finalize(q);
	/* Into the main file now, unsynced: else every bron_vault_free()
	 * checkpoints it with synchronous=FULL, and fsync dominates. */
	assert_int_equal(sqlite3_wal_checkpoint_v2(db, NULL,
	                                           SQLITE_CHECKPOINT_TRUNCATE,
	                                           NULL, NULL),
	                 SQLITE_OK);
}

/* The blob still holds what the attacker wrote: detection wrote nothing. */
static void cell_expect(sqlite3 *db, const struct cell *c, const uint8_t *buf,
                        size_t len)
{
	uint8_t now[4096];
	assert_int_equal(cell_get(db, c, now, sizeof(now)), len);
	assert_memory_equal(now, buf, len);
}

/* Reads or writes a whole meta row with a short-lived connection. */
static void meta_get(const char *path, int k, uint8_t *buf, size_t len)
{
	struct cell c = {"meta", "v", "k", k};
	sqlite3 *db = db_open(path);
	assert_int_equal(cell_get(db, &c, buf, len), len);
	sqlite3_close(db);
}

static void meta_put(const char *path, int k, const uint8_t *buf, size_t len)
{
	struct cell c = {"meta", "v", "k", k};
	sqlite3 *db = db_open(path);
	cell_put(db, &c, buf, len);
	sqlite3_close(db);
}

/*
 * Whole-file snapshots for the row-level attacks: the file before the attack
 * (put back afterwards) and right after it (must be unchanged by detection).
 * Every connection is closed when a snapshot is taken, so the WAL has been
 * checkpointed into the main file and removed.
 */
struct snap {
	uint8_t *orig, *bad;
	size_t olen, blen;
};

static void side_path(const struct fx *f, const char *suffix, char *out,
                      size_t cap)
{
	snprintf(out, cap, "%s%s", f->t.vault, suffix);
}

static void expect_no_wal(const struct fx *f)
{
	char p[400];
	struct stat st;
	side_path(f, "-wal", p, sizeof(p));
	assert_true(stat(p, &st) != 0 || st.st_size == 0);
}

static void snap_begin(const struct fx *f, struct snap *s)
{
	expect_no_wal(f);
	s->orig = file_read(f->t.vault, &s->olen);
	s->bad = NULL;
}

static void snap_tampered(const struct fx *f, struct snap *s)
{
	expect_no_wal(f);
	s->bad = file_read(f->t.vault, &s->blen);
	assert_false(s->blen == s->olen &&
	             memcmp(s->bad, s->orig, s->olen) == 0);
}

/* Detection left the tampered file as it was; then the original goes back. */
static void snap_end(const struct fx *f, struct snap *s, const char *ctx)
{
	char p[400];
	size_t len;
	expect_no_wal(f);
	uint8_t *now = file_read(f->t.vault, &len);
	assert_int_equal(len, s->blen);
	if (memcmp(now, s->bad, len) != 0)
		fail_msg("%s: detecting the attack changed the file", ctx);
	free(now);
	file_write(f->t.vault, s->orig, s->olen);
	side_path(f, "-wal", p, sizeof(p));
	unlink(p);
	side_path(f, "-shm", p, sizeof(p));
	unlink(p);
	free(s->orig);
	free(s->bad);
	expect_intact(f, 0, ctx);
}

/* Runs SQL on the vault with "s" attached: a scratch database for saved rows. */
static void sql_side(const struct fx *f, const char *sql)
{
	char buf[2048];
	int n = snprintf(buf, sizeof(buf), "ATTACH '%s/saved.db' AS s; %s",
	                 f->t.path, sql);
	assert_true(n > 0 && (size_t)n < sizeof(buf));
	sql_exec(f->t.vault, buf);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void le64_put(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void le32_put(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The unkeyed checksums of the header and a key slot, as crypto.c has them. */
static void header_resum(uint8_t h[HEADER_LEN])
{
	crypto_generichash(h + HEADER_LEN - SUM_LEN, SUM_LEN, h,
	                   HEADER_LEN - SUM_LEN, NULL, 0);
}

static void slot_resum(uint8_t s[SLOT_LEN])
{
	crypto_generichash(s + SLOT_LEN - SUM_LEN, SUM_LEN, s, SLOT_LEN - SUM_LEN,
	                   NULL, 0);
}

/* ---- 1. every byte of a record ---- */

/*
 * Nonce and tag are in the manifest's list MAC, so unlocking already fails:
 * the list does not match, the count does, so diagnose() decrypts every
 * record and the flipped one fails its AEAD: BRON_E_TAMPERED, naming it.
 */
static void flip_record_auth(struct fx *f, const char *col, size_t expect_len)
{
	bron_id target = f->ids[TARGET];
	struct cell c = {"record", col, "id", (sqlite3_int64)target};
	uint8_t orig[64], buf[64];
	char ctx[96];
	struct bron_error err;
	struct bron_vault *live = unlocked(f->t.vault, 0, "live handle");
	sqlite3 *db = db_open(f->t.vault);
	size_t n = cell_get(db, &c, orig, sizeof(orig));
	assert_int_equal(n, expect_len);
	for (size_t m = 0; m < sizeof(masks); m++) {
		for (size_t i = 0; i < n; i++) {
			snprintf(ctx, sizeof(ctx), "%s byte %zu ^ 0x%02x", col, i,
			         masks[m]);
			memcpy(buf, orig, n);
			buf[i] ^= masks[m];
			cell_put(db, &c, buf, n);

			unsigned fl = loop_flags(i, n);
			expect_unlock_fails(f->t.vault, fl, TEST_PASS,
			                    BRON_E_TAMPERED, &err, ctx);
			expect_names(&err, target);
			/* An unlocked handle re-reads the file on every call, and
			 * every read checks the manifest first: even the untouched
			 * records are refused. */
			expect_get(live, target, BRON_E_TAMPERED, NULL, ctx);
			expect_get(live, f->ids[0], BRON_E_TAMPERED, NULL, ctx);
			expect_verify(live, BRON_E_TAMPERED, 0, ctx);
			assert_true(bron_vault_is_unlocked(live));
			cell_expect(db, &c, buf, n);

			cell_put(db, &c, orig, n);
			expect_get(live, target, BRON_OK, f->texts[TARGET], ctx);
			expect_verify(live, BRON_OK, f->n, ctx);
			expect_intact(f, fl, ctx);
		}
	}
	sqlite3_close(db);
	bron_vault_free(live);
	expect_intact(f, 0, col);
}

static void flip_every_nonce_byte(void **state)
{
	flip_record_auth(*state, "nonce", NONCE_LEN);
}

static void flip_every_tag_byte(void **state)
{
	flip_record_auth(*state, "tag", TAG_LEN);
}

/*
 * The ciphertext is not in the manifest (nonce and tag stand for it), so
 * unlocking succeeds; reading the record fails its AEAD: BRON_E_TAMPERED.
 * The other records still read, verify refuses the vault.
 *
 * 2 x 1024 flips: with ^0x01 every byte gets a fresh open and unlock; with
 * ^0x80 the handle opened before the loop checks every byte (get re-reads
 * the row from disk each call: tx_read_begin() and a new SELECT), and a
 * fresh open checks every 16th, to stay fast under the sanitizers.
 */
static void flip_every_ct_byte(void **state)
{
	struct fx *f = *state;
	bron_id target = f->ids[TARGET];
	struct cell c = {"payload", "ct", "id", (sqlite3_int64)target};
	static uint8_t orig[4096], buf[4096];
	char ctx[96];
	struct bron_error err;
	struct bron_vault *live = unlocked(f->t.vault, 0, "live handle");
	sqlite3 *db = db_open(f->t.vault);
	size_t n = cell_get(db, &c, orig, sizeof(orig));
	assert_int_equal(n, PAD_FLOOR);
	for (size_t m = 0; m < sizeof(masks); m++) {
		for (size_t i = 0; i < n; i++) {
			snprintf(ctx, sizeof(ctx), "ct byte %zu ^ 0x%02x", i,
			         masks[m]);
			memcpy(buf, orig, n);
			buf[i] ^= masks[m];
			cell_put(db, &c, buf, n);

			/* A fresh open and unlock: fine, the read is refused. */
			unsigned fl = loop_flags(i, n);
			if (m == 0 || fl == 0) {
				struct bron_vault *v = unlocked(f->t.vault, fl, ctx);
				want(bron_vault_get(v, target, &(uint8_t *){NULL},
				                    &(size_t){0}, NULL, &err),
				     BRON_E_TAMPERED, &err, ctx);
				expect_names(&err, target);
				expect_get(v, f->ids[0], BRON_OK, f->texts[0], ctx);
				want(bron_vault_verify(v, NULL, &err),
				     BRON_E_TAMPERED, &err, ctx);
				expect_names(&err, target);
				bron_vault_free(v);
			}
			/* The handle opened before the attack sees it too. */
			expect_get(live, target, BRON_E_TAMPERED, NULL, ctx);
			if (m == 1)
				expect_get(live, f->ids[2], BRON_OK, f->texts[2],
				           ctx);
			if (fl == 0)
				expect_verify(live, BRON_E_TAMPERED, 0, ctx);
			cell_expect(db, &c, buf, n);

			/* Restored: the live handle reads it again (from disk);
			 * a full reopen and verify on the writable stride. */
			cell_put(db, &c, orig, n);
			expect_get(live, target, BRON_OK, f->texts[TARGET], ctx);
			if (fl == 0)
				expect_intact(f, 0, ctx);
		}
		expect_verify(live, BRON_OK, f->n, "ct restored");
	}
	sqlite3_close(db);
	bron_vault_free(live);
	expect_intact(f, 0, "ct restored");
}

/* ---- 2. every byte of the header, the key slots and the manifest ---- */

static void flip_meta_row(struct fx *f, int k, size_t expect_len)
{
	struct cell c = {"meta", "v", "k", k};
	uint8_t orig[256], buf[256];
	char ctx[96];
	struct bron_error err;
	bron_id target = f->ids[TARGET];
	struct bron_vault *live = unlocked(f->t.vault, 0, "live handle");
	sqlite3 *db = db_open(f->t.vault);
	size_t n = cell_get(db, &c, orig, sizeof(orig));
	assert_int_equal(n, expect_len);
	for (size_t m = 0; m < sizeof(masks); m++) {
		for (size_t i = 0; i < n; i++) {
			snprintf(ctx, sizeof(ctx), "meta %d byte %zu ^ 0x%02x", k, i,
			         masks[m]);
			memcpy(buf, orig, n);
			buf[i] ^= masks[m];
			cell_put(db, &c, buf, n);

			unsigned fl = loop_flags(i, n);
			switch (k) {
			case META_HEADER: {
				/* The magic is compared before the checksum; every
				 * other byte, the version too, fails the checksum. */
				bron_err code = i < MAGIC_LEN ? BRON_E_NOT_VAULT
				                              : BRON_E_DAMAGED;
				expect_open_fails(f->t.vault, fl, code, ctx);
				/* Every read re-checks the header (tx_check). */
				expect_get(live, target, code, NULL, ctx);
				expect_verify(live, code, 0, ctx);
				break;
			}
			case META_SLOT_PASS:
			case META_SLOT_RECOVERY:
				expect_open_fails(f->t.vault, fl, BRON_E_DAMAGED, ctx);
				/* A record read needs no slot; verify checks both. */
				expect_get(live, target, BRON_OK, f->texts[TARGET],
				           ctx);
				expect_verify(live, BRON_E_DAMAGED, 0, ctx);
				break;
			case META_MANIFEST:
				/* Its MAC is keyed: only unlocking can check it. */
				expect_unlock_fails(f->t.vault, fl, TEST_PASS,
				                    BRON_E_MANIFEST, &err, ctx);
				expect_get(live, target, BRON_E_MANIFEST, NULL, ctx);
				expect_verify(live, BRON_E_MANIFEST, 0, ctx);
				break;
			default:
				fail();
			}
			cell_expect(db, &c, buf, n);

			cell_put(db, &c, orig, n);
			expect_get(live, target, BRON_OK, f->texts[TARGET], ctx);
			expect_intact(f, fl, ctx);
		}
	}
	sqlite3_close(db);
	bron_vault_free(live);
	expect_intact(f, 0, "restored");
}

static void flip_every_header_byte(void **state)
{
	flip_meta_row(*state, META_HEADER, HEADER_LEN);
}

static void flip_every_pass_slot_byte(void **state)
{
	flip_meta_row(*state, META_SLOT_PASS, SLOT_LEN);
}

static void flip_every_recovery_slot_byte(void **state)
{
	flip_meta_row(*state, META_SLOT_RECOVERY, SLOT_LEN);
}

static void flip_every_manifest_byte(void **state)
{
	flip_meta_row(*state, META_MANIFEST, MANIFEST_LEN);
}

/* A newer (or nonsense) format version with a valid checksum. */
static void header_version(void **state)
{
	struct fx *f = *state;
	static const uint32_t versions[] = {2, 0, 0xffffffffu};
	uint8_t orig[HEADER_LEN], h[HEADER_LEN];
	char ctx[64];
	struct bron_vault *live = unlocked(f->t.vault, 0, "live handle");
	meta_get(f->t.vault, META_HEADER, orig, sizeof(orig));
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++) {
		snprintf(ctx, sizeof(ctx), "header version %u",
		         (unsigned)versions[i]);
		memcpy(h, orig, sizeof(h));
		le32_put(h + MAGIC_LEN, versions[i]); /* magic, version, id, epoch */
		header_resum(h);
		meta_put(f->t.vault, META_HEADER, h, sizeof(h));
		expect_open_fails(f->t.vault, 0, BRON_E_VERSION, ctx);
		expect_get(live, f->ids[0], BRON_E_VERSION, NULL, ctx);
		meta_put(f->t.vault, META_HEADER, orig, sizeof(orig));
		expect_intact(f, 0, ctx);
	}
	bron_vault_free(live);
}

/*
 * The header checksum is unkeyed, so a header with another vault id or key
 * epoch and a recomputed checksum opens.  The slot's AEAD binds both, so the
 * key does not unwrap: bron cannot tell that from a wrong passphrase, and
 * says BRON_E_PASSPHRASE (unlock_with's `wrong`), not DAMAGED.
 */
static void header_relabelled(void **state)
{
	struct fx *f = *state;
	uint8_t orig[HEADER_LEN], h[HEADER_LEN];
	struct bron_error err;
	meta_get(f->t.vault, META_HEADER, orig, sizeof(orig));
	for (int field = 0; field < 2; field++) {
		const char *ctx = field ? "header epoch 2" : "header vault id";
		memcpy(h, orig, sizeof(h));
		if (field)
			le32_put(h + 28, 2);
		else
			h[12] ^= 0x01;
		header_resum(h);
		meta_put(f->t.vault, META_HEADER, h, sizeof(h));
		expect_unlock_fails(f->t.vault, 0, TEST_PASS, BRON_E_PASSPHRASE, &err,
		                    ctx);
		struct bron_vault *v = NULL;
		assert_int_equal(bron_vault_open(f->t.vault, 0, &v, &err), BRON_OK);
		want(bron_vault_unlock_recovery(v, f->code, &err), BRON_E_RECOVERY,
		     &err, ctx);
		bron_vault_free(v);
		meta_put(f->t.vault, META_HEADER, orig, sizeof(orig));
		expect_intact(f, 0, ctx);
	}
}

/*
 * Argon2id parameters out of range in the passphrase slot, with a valid
 * checksum: opening succeeds (it derives nothing), unlocking is refused with
 * BRON_E_KDF_PARAMS before the KDF runs.  Cases with a large other parameter
 * would take seconds or gigabytes if the KDF did run.
 */
static void slot_kdf_params(void **state)
{
	struct fx *f = *state;
	static const struct {
		uint64_t ops, mem;
	} bad[] = {
		{21, 8192},
		{21, 1ULL << 30},
		{1, 8ULL << 30},
		{20, 8ULL << 30},
		{BRON_KDF_MAX_OPSLIMIT + 1, BRON_KDF_MAX_MEMLIMIT},
		{1, BRON_KDF_MAX_MEMLIMIT + 1024},
		{0, 8192},
		{1, 4096},
		{UINT64_MAX, UINT64_MAX},
	};
	uint8_t orig[SLOT_LEN], s[SLOT_LEN];
	char ctx[96];
	struct bron_error err;
	meta_get(f->t.vault, META_SLOT_PASS, orig, sizeof(orig));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(ctx, sizeof(ctx), "slot ops %llu mem %llu",
		         (unsigned long long)bad[i].ops,
		         (unsigned long long)bad[i].mem);
		memcpy(s, orig, sizeof(s));
		/* kind, alg, 2 reserved, opslimit, memlimit (slot_ad_part) */
		le64_put(s + 4, bad[i].ops);
		le64_put(s + 12, bad[i].mem);
		slot_resum(s);
		meta_put(f->t.vault, META_SLOT_PASS, s, sizeof(s));

		struct bron_vault *v = NULL;
		want(bron_vault_open(f->t.vault, 0, &v, &err), BRON_OK, &err, ctx);
		double t0 = now_seconds();
		want(bron_vault_unlock(v, TEST_PASS, strlen(TEST_PASS), &err),
		     BRON_E_KDF_PARAMS, &err, ctx);
		double dt = now_seconds() - t0;
		if (dt > 0.5)
			fail_msg("%s: refusing took %.3f s: did the KDF run?", ctx,
			         dt);
		assert_false(bron_vault_is_unlocked(v));
		/* The recovery slot is separate and still opens the vault. */
		want(bron_vault_unlock_recovery(v, f->code, &err), BRON_OK, &err,
		     ctx);
		expect_get(v, f->ids[TARGET], BRON_OK, f->texts[TARGET], ctx);
		bron_vault_free(v);

		meta_put(f->t.vault, META_SLOT_PASS, orig, sizeof(orig));
		expect_intact(f, 0, ctx);
	}
}

/*
 * In-range parameters changed, checksum recomputed: the KDF runs with them
 * and derives another key, and the slot's AEAD binds them anyway, so the
 * key does not unwrap: BRON_E_PASSPHRASE.
 */
static void slot_kdf_params_in_range(void **state)
{
	struct fx *f = *state;
	static const struct {
		uint64_t ops, mem;
	} edits[] = {{2, 8192}, {1, 16384}};
	uint8_t orig[SLOT_LEN], s[SLOT_LEN];
	struct bron_error err;
	meta_get(f->t.vault, META_SLOT_PASS, orig, sizeof(orig));
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		memcpy(s, orig, sizeof(s));
		le64_put(s + 4, edits[i].ops);
		le64_put(s + 12, edits[i].mem);
		slot_resum(s);
		meta_put(f->t.vault, META_SLOT_PASS, s, sizeof(s));
		expect_unlock_fails(f->t.vault, 0, TEST_PASS, BRON_E_PASSPHRASE, &err,
		                    "in-range kdf edit");
		meta_put(f->t.vault, META_SLOT_PASS, orig, sizeof(orig));
		expect_intact(f, 0, "in-range kdf edit");
	}
}

/* Meta rows of the wrong size, or missing. */
static void meta_rows_resized_or_missing(void **state)
{
	struct fx *f = *state;
	struct bron_error err;
	char sql[128];
	static const char *const edits[] = {
		"UPDATE meta SET v = v || x'00'",
		"UPDATE meta SET v = substr(v, 1, length(v) - 1)",
		"UPDATE meta SET v = x''",
		"DELETE FROM meta",
	};
	for (int k = META_HEADER; k <= META_MANIFEST; k++) {
		for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
			struct snap s;
			snprintf(sql, sizeof(sql), "%s WHERE k = %d;", edits[i], k);
			snap_begin(f, &s);
			sql_exec(f->t.vault, sql);
			snap_tampered(f, &s);
			if (k == META_MANIFEST)
				/* manifest_verify turns store_meta_get's DAMAGED
				 * into MANIFEST. */
				expect_unlock_fails(f->t.vault, 0, TEST_PASS,
				                    BRON_E_MANIFEST, &err, sql);
			else
				expect_open_fails(f->t.vault, 0, BRON_E_DAMAGED, sql);
			snap_end(f, &s, sql);
		}
	}
}

/* ---- 3. row-level attacks ---- */

#define FREE_ID 4660LL /* an id no record has (ids are random 63-bit) */

static void expect_free_id(const struct fx *f)
{
	for (size_t i = 0; i < f->n; i++)
		assert_true(f->ids[i] != (bron_id)FREE_ID);
}

/* Runs sql as the attack and expects unlocking to fail with code. */
static void attack_unlock(struct fx *f, const char *sql, bron_err code,
                          struct bron_error *err)
{
	struct snap s;
	snap_begin(f, &s);
	sql_exec(f->t.vault, sql);
	snap_tampered(f, &s);
	expect_unlock_fails(f->t.vault, 0, TEST_PASS, code, err, sql);
	snap_end(f, &s, sql);
}

static void delete_record(void **state)
{
	struct fx *f = *state;
	struct bron_error err;
	char sql[256];
	long long id = (long long)f->ids[TARGET];
	snprintf(sql, sizeof(sql), "DELETE FROM record WHERE id = %lld;"
	         "DELETE FROM payload WHERE id = %lld;", id, id);
	attack_unlock(f, sql, BRON_E_ROWS_MISSING, &err);
	assert_non_null(strstr(err.msg, "1 record "));
	/* The record row alone: the manifest is checked before any payload. */
	snprintf(sql, sizeof(sql), "DELETE FROM record WHERE id = %lld;", id);
	attack_unlock(f, sql, BRON_E_ROWS_MISSING, &err);
	attack_unlock(f, "DELETE FROM record; DELETE FROM payload;",
	              BRON_E_ROWS_MISSING, &err);
	assert_non_null(strstr(err.msg, "3 records"));
}

static void duplicate_record(void **state)
{
	struct fx *f = *state;
	struct bron_error err;
	char sql[512];
	long long id = (long long)f->ids[TARGET];
	expect_free_id(f);
	/* Counted before anything is decrypted: EXTRA, not TAMPERED. */
	snprintf(sql, sizeof(sql),
	         "INSERT INTO record(id, rev, nonce, tag) SELECT %lld, rev, "
	         "nonce, tag FROM record WHERE id = %lld;"
	         "INSERT INTO payload(id, ct) SELECT %lld, ct FROM payload "
	         "WHERE id = %lld;",
	         FREE_ID, id, FREE_ID, id);
	attack_unlock(f, sql, BRON_E_ROWS_EXTRA, &err);
	snprintf(sql, sizeof(sql),
	         "INSERT INTO record(id, rev, nonce, tag) SELECT %lld, rev, "
	         "nonce, tag FROM record WHERE id = %lld;",
	         FREE_ID, id);
	attack_unlock(f, sql, BRON_E_ROWS_EXTRA, &err);
	/* A duplicate in place of a deleted record: the count matches, the
	 * copy does not open under its new id. */
	snprintf(sql, sizeof(sql),
	         "DELETE FROM record WHERE id = %lld;"
	         "DELETE FROM payload WHERE id = %lld;"
	         "INSERT INTO record(id, rev, nonce, tag) SELECT %lld, rev, "
	         "nonce, tag FROM record WHERE id = %lld;"
	         "INSERT INTO payload(id, ct) SELECT %lld, ct FROM payload "
	         "WHERE id = %lld;",
	         (long long)f->ids[0], (long long)f->ids[0], FREE_ID, id,
	         FREE_ID, id);
	attack_unlock(f, sql, BRON_E_TAMPERED, &err);
	expect_names(&err, (bron_id)FREE_ID);
}

/* Swapping sealed contents between two records. */
static void swap_records(void **state)
{
	struct fx *f = *state;
	struct bron_error err;
	char sql[1024];
	long long a = (long long)f->ids[0], b = (long long)f->ids[TARGET];
	snprintf(sql, sizeof(sql),
	         "DROP TABLE IF EXISTS s.r; DROP TABLE IF EXISTS s.p;"
	         "CREATE TABLE s.r AS SELECT * FROM main.record;"
	         "CREATE TABLE s.p AS SELECT * FROM main.payload;"
	         "UPDATE main.record SET"
	         " nonce = (SELECT nonce FROM s.r WHERE id = %lld),"
	         " tag = (SELECT tag FROM s.r WHERE id = %lld) WHERE id = %lld;"
	         "UPDATE main.record SET"
	         " nonce = (SELECT nonce FROM s.r WHERE id = %lld),"
	         " tag = (SELECT tag FROM s.r WHERE id = %lld) WHERE id = %lld;"
	         "UPDATE main.payload SET"
	         " ct = (SELECT ct FROM s.p WHERE id = %lld) WHERE id = %lld;"
	         "UPDATE main.payload SET"
	         " ct = (SELECT ct FROM s.p WHERE id = %lld) WHERE id = %lld;",
	         b, b, a, a, a, b, b, a, a, b);
	struct snap s;
	snap_begin(f, &s);
	sql_side(f, sql);
	snap_tampered(f, &s);
	/* The AD binds the record id: each sealed row opens only as itself.
	 * diagnose() walks in id order and names the first. */
	expect_unlock_fails(f->t.vault, 0, TEST_PASS, BRON_E_TAMPERED, &err,
	                    "swap nonce, tag and ct");
	expect_names(&err, (bron_id)(a < b ? a : b));
	snap_end(f, &s, "swap nonce, tag and ct");

	/* Only the ciphertexts: the manifest (nonce, tag) still matches, so
	 * unlocking works and both reads fail. */
	snprintf(sql, sizeof(sql),
	         "DROP TABLE IF EXISTS s.p;"
	         "CREATE TABLE s.p AS SELECT * FROM main.payload;"
	         "UPDATE main.payload SET"
	         " ct = (SELECT ct FROM s.p WHERE id = %lld) WHERE id = %lld;"
	         "UPDATE main.payload SET"
	         " ct = (SELECT ct FROM s.p WHERE id = %lld) WHERE id = %lld;",
	         b, a, a, b);
	snap_begin(f, &s);
	sql_side(f, sql);
	snap_tampered(f, &s);
	struct bron_vault *v = unlocked(f->t.vault, 0, "swap ct");
	expect_get(v, (bron_id)a, BRON_E_TAMPERED, NULL, "swap ct");
	expect_get(v, (bron_id)b, BRON_E_TAMPERED, NULL, "swap ct");
	expect_get(v, f->ids[2], BRON_OK, f->texts[2], "swap ct");
	expect_verify(v, BRON_E_TAMPERED, 0, "swap ct");
	bron_vault_free(v);
	snap_end(f, &s, "swap ct");
}

/* An update through the API, then the old rows written back. */
static void rollback_revision(void **state)
{
	struct fx *f = *state;
	struct bron_error err;
	char sql[512];
	long long id = (long long)f->ids[TARGET];
	snprintf(sql, sizeof(sql),
	         "DROP TABLE IF EXISTS s.r; DROP TABLE IF EXISTS s.p;"
	         "CREATE TABLE s.r AS SELECT * FROM main.record WHERE id = %lld;"
	         "CREATE TABLE s.p AS SELECT * FROM main.payload WHERE id = %lld;",
	         id, id);
	sql_side(f, sql);

	static const char newer[] = "tuesday, later: it was harder than I wrote";
	struct bron_vault *v = unlocked(f->t.vault, 0, "update");
	bron_id bid = f->ids[TARGET];
	uint64_t rev = 0;
	want(bron_vault_put(v, &bid, 1, newer, strlen(newer), &rev, &err),
	     BRON_OK, &err, "update");
	assert_int_equal(rev, 2);
	bron_vault_free(v);
	f->texts[TARGET] = newer;
	expect_intact(f, 0, "after update");

	/* Both old rows: every record authentic, revision sum lower. */
	struct snap s;
	snap_begin(f, &s);
	sql_side(f, "INSERT OR REPLACE INTO main.record SELECT * FROM s.r;"
	            "INSERT OR REPLACE INTO main.payload SELECT * FROM s.p;");
	snap_tampered(f, &s);
	expect_unlock_fails(f->t.vault, 0, TEST_PASS, BRON_E_ROLLBACK, &err,
	                    "old revision");
	snap_end(f, &s, "old revision");

	/* The old record row over the new ciphertext does not open: TAMPERED
	 * comes before the revision sums are compared. */
	snap_begin(f, &s);
	sql_side(f, "INSERT OR REPLACE INTO main.record SELECT * FROM s.r;");
	snap_tampered(f, &s);
	expect_unlock_fails(f->t.vault, 0, TEST_PASS, BRON_E_TAMPERED, &err,
	                    "old record row, new payload");
	expect_names(&err, f->ids[TARGET]);
	snap_end(f, &s, "old record row, new payload");
}

/* The manifest covers the record table only: a lost payload shows on read. */
static void delete_payload(void **state)
{
	struct fx *f = *state;
	struct bron_error err;
	char sql[128];
	snprintf(sql, sizeof(sql), "DELETE FROM payload WHERE id = %lld;",
	         (long long)f->ids[TARGET]);
	struct snap s;
	snap_begin(f, &s);
	sql_exec(f->t.vault, sql);
	snap_tampered(f, &s);
	struct bron_vault *v = unlocked(f->t.vault, 0, sql);
	want(bron_vault_get(v, f->ids[TARGET], &(uint8_t *){NULL}, &(size_t){0},
	                    NULL, &err),
	     BRON_E_TAMPERED, &err, sql);
	expect_names(&err, f->ids[TARGET]);
	expect_get(v, f->ids[0], BRON_OK, f->texts[0], sql);
	expect_get(v, f->ids[2], BRON_OK, f->texts[2], sql);
	expect_verify(v, BRON_E_TAMPERED, 0, sql);
	want(bron_vault_foreach(v, NULL, NULL, &err), BRON_E_TAMPERED, &err, sql);
	bron_vault_free(v);
	snap_end(f, &s, sql);
}

/* A payload without a record: reads are fine, verify reports it. */
static void orphan_payload(void **state)
{
	struct fx *f = *state;
	char sql[256];
	expect_free_id(f);
	snprintf(sql, sizeof(sql), "INSERT INTO payload(id, ct) SELECT %lld, ct "
	         "FROM payload WHERE id = %lld;",
	         FREE_ID, (long long)f->ids[TARGET]);
	struct snap s;
	snap_begin(f, &s);
	sql_exec(f->t.vault, sql);
	snap_tampered(f, &s);
	struct bron_vault *v = unlocked(f->t.vault, 0, sql);
	assert_int_equal(bron_vault_count(v), f->n);
	for (size_t i = 0; i < f->n; i++)
		expect_get(v, f->ids[i], BRON_OK, f->texts[i], sql);
	expect_verify(v, BRON_E_ROWS_EXTRA, 0, sql);
	bron_vault_free(v);
	snap_end(f, &s, sql);
}

/* Record rows edited in place. */
static void record_fields_edited(void **state)
{
	struct fx *f = *state;
	struct bron_error err;
	char sql[256];
	long long id = (long long)f->ids[TARGET];
	expect_free_id(f);
	/* The AD binds the revision; diagnose() decrypts before it compares
	 * revision sums, so a raised revision is TAMPERED, not MANIFEST. */
	snprintf(sql, sizeof(sql),
	         "UPDATE record SET rev = rev + 1 WHERE id = %lld;", id);
	attack_unlock(f, sql, BRON_E_TAMPERED, &err);
	expect_names(&err, f->ids[TARGET]);
	/* The AD binds the id: a record moved to another id. */
	snprintf(sql, sizeof(sql),
	         "UPDATE record SET id = %lld WHERE id = %lld;"
	         "UPDATE payload SET id = %lld WHERE id = %lld;",
	         FREE_ID, id, FREE_ID, id);
	attack_unlock(f, sql, BRON_E_TAMPERED, &err);
	/* Malformed rows are refused while the manifest is computed. */
	static const char *const malformed[] = {
		"UPDATE record SET rev = 0",
		"UPDATE record SET rev = -1",
		"UPDATE record SET id = -id",
		"UPDATE record SET nonce = substr(nonce, 1, 23)",
		"UPDATE record SET nonce = nonce || x'00'",
		"UPDATE record SET tag = substr(tag, 2)",
		"UPDATE record SET tag = x''",
	};
	for (size_t i = 0; i < sizeof(malformed) / sizeof(malformed[0]); i++) {
		snprintf(sql, sizeof(sql), "%s WHERE id = %lld;", malformed[i],
		         id);
		attack_unlock(f, sql, BRON_E_TAMPERED, &err);
	}
}

/* Ciphertexts edited in place: unlocking works, reading the record fails. */
static void payload_edited(void **state)
{
	struct fx *f = *state;
	struct bron_error err;
	char sql[256];
	static const char *const edits[] = {
		"UPDATE payload SET ct = substr(ct, 1, length(ct) - 1)",
		"UPDATE payload SET ct = ct || x'00'",
		"UPDATE payload SET ct = zeroblob(length(ct))",
		"UPDATE payload SET ct = x''",
		"UPDATE payload SET ct = ct || ct",
		/* Same bytes, stored as TEXT: open_row wants a BLOB. */
		"UPDATE payload SET ct = CAST(ct AS TEXT)",
	};
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		snprintf(sql, sizeof(sql), "%s WHERE id = %lld;", edits[i],
		         (long long)f->ids[TARGET]);
		struct snap s;
		snap_begin(f, &s);
		sql_exec(f->t.vault, sql);
		snap_tampered(f, &s);
		struct bron_vault *v = unlocked(f->t.vault, 0, sql);
		want(bron_vault_get(v, f->ids[TARGET], &(uint8_t *){NULL},
		                    &(size_t){0}, NULL, &err),
		     BRON_E_TAMPERED, &err, sql);
		expect_names(&err, f->ids[TARGET]);
		expect_get(v, f->ids[0], BRON_OK, f->texts[0], sql);
		expect_verify(v, BRON_E_TAMPERED, 0, sql);
		want(bron_vault_foreach(v, NULL, NULL, &err), BRON_E_TAMPERED,
		     &err, sql);
		/* Rekey decrypts every record: it must refuse, and roll back
		 * the records it re-encrypted before (snap_end checks). */
		char fresh[BRON_RECOVERY_CODE_LEN + 1];
		want(bron_vault_rekey(v, TEST_PASS, strlen(TEST_PASS), fresh,
		                      NULL, NULL, &err),
		     BRON_E_TAMPERED, &err, sql);
		expect_names(&err, f->ids[TARGET]);
		bron_vault_free(v);
		snap_end(f, &s, sql);
	}
}

/* The manifest row of another vault, with the same passphrase and count. */
static void foreign_manifest(void **state)
{
	struct fx *f = *state;
	struct tmpdir other;
	struct bron_error err;
	char sql[512];
	tmpdir_make(&other);
	struct bron_vault *b = vault_new(&other, NULL);
	for (size_t i = 0; i < f->n; i++)
		put_text(b, f->texts[i]);
	bron_vault_free(b);
	/* Its MAC is keyed with this vault's manifest key and bound to its
	 * vault id: "damaged or belongs to another vault". */
	snprintf(sql, sizeof(sql),
	         "ATTACH '%s' AS b; UPDATE main.meta SET v = (SELECT v FROM "
	         "b.meta WHERE k = %d) WHERE k = %d;",
	         other.vault, META_MANIFEST, META_MANIFEST);
	attack_unlock(f, sql, BRON_E_MANIFEST, &err);
	tmpdir_remove(&other);
}

static void save_manifest(const struct fx *f)
{
	char sql[256];
	snprintf(sql, sizeof(sql),
	         "DROP TABLE IF EXISTS s.m;"
	         "CREATE TABLE s.m AS SELECT * FROM main.meta WHERE k = %d;",
	         META_MANIFEST);
	sql_side(f, sql);
}

static void put_back_manifest(struct fx *f, bron_err code, const char *ctx)
{
	struct bron_error err;
	char sql[256];
	snprintf(sql, sizeof(sql),
	         "UPDATE main.meta SET v = (SELECT v FROM s.m) WHERE k = %d;",
	         META_MANIFEST);
	struct snap s;
	snap_begin(f, &s);
	sql_side(f, sql);
	snap_tampered(f, &s);
	expect_unlock_fails(f->t.vault, 0, TEST_PASS, code, &err, ctx);
	snap_end(f, &s, ctx);
}

/*
 * This vault's own manifest row from before a later change.  Its MAC is
 * good; diagnose() compares counts first, then decrypts, then revision
 * sums.  So which code comes out depends on the change that followed:
 *  - an update: same count, all records authentic, revision sum higher than
 *    the old row says: "replaced or swapped", BRON_E_MANIFEST;
 *  - a new record: one more row than the old row vouches for: ROWS_EXTRA;
 *  - a deletion: one row fewer: ROWS_MISSING.
 * A stale manifest looks exactly like rows added or removed since it.
 */
static void stale_manifest(void **state)
{
	struct fx *f = *state;
	struct bron_error err;
	static const char newer[] = "tuesday, later: rewritten";
	static const char extra[] = "thursday: a new entry";

	save_manifest(f);
	struct bron_vault *v = unlocked(f->t.vault, 0, "update");
	bron_id id = f->ids[TARGET];
	want(bron_vault_put(v, &id, 1, newer, strlen(newer), NULL, &err),
	     BRON_OK, &err, "update");
	bron_vault_free(v);
	f->texts[TARGET] = newer;
	put_back_manifest(f, BRON_E_MANIFEST, "manifest older than an update");

	save_manifest(f);
	v = unlocked(f->t.vault, 0, "add");
	f->ids[f->n] = put_text(v, extra);
	f->texts[f->n++] = extra;
	bron_vault_free(v);
	put_back_manifest(f, BRON_E_ROWS_EXTRA, "manifest older than a put");

	save_manifest(f);
	v = unlocked(f->t.vault, 0, "delete");
	want(bron_vault_delete(v, f->ids[0], 0, &err), BRON_OK, &err, "delete");
	bron_vault_free(v);
	memmove(f->ids, f->ids + 1, (f->n - 1) * sizeof(f->ids[0]));
	memmove(f->texts, f->texts + 1, (f->n - 1) * sizeof(f->texts[0]));
	f->n--;
	put_back_manifest(f, BRON_E_ROWS_MISSING, "manifest older than a delete");
}

/* ---- 4. key slots and header from another vault ---- */

#define OTHER_PASS "a different passphrase"

static void copy_meta_from(struct fx *f, const char *src, int k)
{
	uint8_t buf[SLOT_LEN];
	size_t len = k == META_HEADER ? HEADER_LEN : SLOT_LEN;
	meta_get(src, k, buf, len);
	meta_put(f->t.vault, k, buf, len);
}

static void foreign_key_slots(void **state)
{
	struct fx *f = *state;
	struct tmpdir other;
	struct bron_error err;
	char bcode[BRON_RECOVERY_CODE_LEN + 1];
	struct bron_vault *v = NULL;
	struct snap s;
	tmpdir_make(&other);
	assert_int_equal(bron_vault_create(other.vault, OTHER_PASS,
	                                   strlen(OTHER_PASS), &test_kdf,
	                                   BRON_KDF_ALLOW_WEAK, bcode, &v, &err),
	                 BRON_OK);
	put_text(v, "someone else's diary");
	bron_vault_free(v);

	/*
	 * B's passphrase slot in A.  Its checksum is unkeyed and valid, so
	 * the file opens.  With A's passphrase the KEK is wrong; with B's the
	 * KEK is right but the slot's AD names B's vault id, not A's.  Either
	 * way the AEAD fails and bron returns BRON_E_PASSPHRASE: a valid
	 * checksum says "not damaged", and it cannot tell a foreign slot from
	 * a wrong passphrase.
	 */
	snap_begin(f, &s);
	copy_meta_from(f, other.vault, META_SLOT_PASS);
	snap_tampered(f, &s);
	expect_unlock_fails(f->t.vault, 0, TEST_PASS, BRON_E_PASSPHRASE, &err,
	                    "B's slot, A's passphrase");
	expect_unlock_fails(f->t.vault, 0, OTHER_PASS, BRON_E_PASSPHRASE, &err,
	                    "B's slot, B's passphrase");
	assert_int_equal(bron_vault_open(f->t.vault, 0, &v, &err), BRON_OK);
	want(bron_vault_unlock_recovery(v, f->code, &err), BRON_OK, &err,
	     "A's recovery slot is untouched");
	bron_vault_free(v);
	snap_end(f, &s, "B's passphrase slot");

	/* B's recovery slot: neither code opens it. */
	snap_begin(f, &s);
	copy_meta_from(f, other.vault, META_SLOT_RECOVERY);
	snap_tampered(f, &s);
	assert_int_equal(bron_vault_open(f->t.vault, 0, &v, &err), BRON_OK);
	want(bron_vault_unlock_recovery(v, f->code, &err), BRON_E_RECOVERY,
	     &err, "B's recovery slot, A's code");
	want(bron_vault_unlock_recovery(v, bcode, &err), BRON_E_RECOVERY, &err,
	     "B's recovery slot, B's code");
	want(bron_vault_unlock(v, TEST_PASS, strlen(TEST_PASS), &err), BRON_OK,
	     &err, "A's passphrase slot is untouched");
	bron_vault_free(v);
	snap_end(f, &s, "B's recovery slot");

	/* B's header: A's slots are bound to A's vault id. */
	snap_begin(f, &s);
	copy_meta_from(f, other.vault, META_HEADER);
	snap_tampered(f, &s);
	expect_unlock_fails(f->t.vault, 0, TEST_PASS, BRON_E_PASSPHRASE, &err,
	                    "B's header");
	snap_end(f, &s, "B's header");

	/* B's header and both slots: B's keys unwrap, but they do not
	 * authenticate A's manifest. */
	snap_begin(f, &s);
	copy_meta_from(f, other.vault, META_HEADER);
	copy_meta_from(f, other.vault, META_SLOT_PASS);
	copy_meta_from(f, other.vault, META_SLOT_RECOVERY);
	snap_tampered(f, &s);
	expect_unlock_fails(f->t.vault, 0, OTHER_PASS, BRON_E_MANIFEST, &err,
	                    "B's header and slots, B's passphrase");
	expect_unlock_fails(f->t.vault, 0, TEST_PASS, BRON_E_PASSPHRASE, &err,
	                    "B's header and slots, A's passphrase");
	assert_int_equal(bron_vault_open(f->t.vault, 0, &v, &err), BRON_OK);
	want(bron_vault_unlock_recovery(v, bcode, &err), BRON_E_MANIFEST, &err,
	     "B's header and slots, B's code");
	bron_vault_free(v);
	snap_end(f, &s, "B's header and slots");

	tmpdir_remove(&other);
}

/* A's own slots, each in the other's row: the kind byte tells. */
static void slots_swapped(void **state)
{
	struct fx *f = *state;
	uint8_t sp[SLOT_LEN], sr[SLOT_LEN];
	struct snap s;
	meta_get(f->t.vault, META_SLOT_PASS, sp, sizeof(sp));
	meta_get(f->t.vault, META_SLOT_RECOVERY, sr, sizeof(sr));
	snap_begin(f, &s);
	meta_put(f->t.vault, META_SLOT_PASS, sr, sizeof(sr));
	meta_put(f->t.vault, META_SLOT_RECOVERY, sp, sizeof(sp));
	snap_tampered(f, &s);
	expect_open_fails(f->t.vault, 0, BRON_E_DAMAGED, "slots swapped");
	snap_end(f, &s, "slots swapped");
}

/* The SQLite application id is the first thing checked. */
static void application_id(void **state)
{
	struct fx *f = *state;
	struct snap s;
	snap_begin(f, &s);
	sql_exec(f->t.vault, "PRAGMA application_id = 0;");
	snap_tampered(f, &s);
	expect_open_fails(f->t.vault, 0, BRON_E_NOT_VAULT, "application_id 0");
	snap_end(f, &s, "application_id 0");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	assert_int_equal(bron_init(NULL), BRON_OK);
	const struct CMUnitTest tests[] = {
		T(flip_every_nonce_byte),
		T(flip_every_tag_byte),
		T(flip_every_ct_byte),
		T(flip_every_header_byte),
		T(flip_every_pass_slot_byte),
		T(flip_every_recovery_slot_byte),
		T(flip_every_manifest_byte),
		T(header_version),
		T(header_relabelled),
		T(slot_kdf_params),
		T(slot_kdf_params_in_range),
		T(meta_rows_resized_or_missing),
		T(delete_record),
		T(duplicate_record),
		T(swap_records),
		T(rollback_revision),
		T(delete_payload),
		T(orphan_payload),
		T(record_fields_edited),
		T(payload_edited),
		T(foreign_manifest),
		T(stale_manifest),
		T(foreign_key_slots),
		T(slots_swapped),
		T(application_id),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
