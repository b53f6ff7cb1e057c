/*
 * vault.c - the vault's life: create, open, unlock (passphrase or recovery
 * code), lock, change the passphrase, rekey, close.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bron/bron.h"
#include "internal.h"
#include "vault_int.h"
#include "banned.h"

bron_err bron_init(struct bron_error *err)
{
	if (sodium_init() < 0)
		return bron_fail(err, BRON_E_CRYPTO,
		                 _("cannot initialise the cryptography library"));
	return BRON_OK;
}

const char *bron_version(void)
{
	return BRON_VERSION_STRING;
}

void bron_secret_free(void *p, size_t len)
{
	if (!p)
		return;
	sodium_memzero(p, len);
	free(p);
}

/* ---- KDF ---- */

int bron_kdf_is_strong(const struct bron_kdf *kdf)
{
	return kdf->opslimit >= crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE &&
	       kdf->memlimit >= crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bron_err bron_kdf_calibrate(struct bron_kdf *out, double target_seconds,
                            uint64_t min_memlimit, bron_progress_fn progress,
                            void *progress_ctx, struct bron_error *err)
{
	static const char pass[] = "calibration";
	uint8_t salt[SALT_LEN] = {0}, key[KEY_LEN];
	uint64_t mem = min_memlimit;
	if (mem < crypto_pwhash_argon2id_MEMLIMIT_MIN)
		mem = crypto_pwhash_argon2id_MEMLIMIT_MIN;
	if (mem > BRON_KDF_MAX_MEMLIMIT)
		mem = BRON_KDF_MAX_MEMLIMIT;
	/* One pass at the floor memory tells the machine's speed. */
	double t0 = now_seconds();
	if (crypto_pwhash(key, sizeof(key), pass, sizeof(pass) - 1, salt, 1,
	                  (size_t)mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return bron_fail(err, BRON_E_NOMEM,
		                 _("not enough memory for key derivation (%llu MiB)"),
		                 (unsigned long long)(mem >> 20));
	double t = now_seconds() - t0;
	if (progress)
		progress(progress_ctx, 1.0);
	if (t <= 0.0)
		t = 1e-3;
	double passes = target_seconds / t;
	uint64_t ops = passes < 1.0 ? 1 : (uint64_t)(passes + 0.5);
	if (ops > BRON_KDF_MAX_OPSLIMIT) {
		/* A fast machine: spend the rest of the budget on memory. */
		double more = (double)ops / (double)BRON_KDF_MAX_OPSLIMIT;
		ops = BRON_KDF_MAX_OPSLIMIT;
		double m = (double)mem * more;
		mem = m > (double)(1ULL << 30) ? (1ULL << 30) : (uint64_t)m;
	}
	/* never below the interactive preset that create insists on */
	if (ops < crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE)
		ops = crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE;
	out->opslimit = ops;
	out->memlimit = mem & ~(uint64_t)1023;
	sodium_memzero(key, sizeof(key));
	return BRON_OK;
}

static bron_err kdf_allowed(const struct bron_kdf *kdf, unsigned flags,
                            struct bron_error *err)
{
	bron_err e = kdf_check(kdf->opslimit, kdf->memlimit, err);
	if (e != BRON_OK)
		return e;
	if (!bron_kdf_is_strong(kdf) && !(flags & BRON_KDF_ALLOW_WEAK))
		return bron_fail(err, BRON_E_KDF_PARAMS,
		                 _("key derivation parameters below the interactive "
		                   "minimum (%llu passes, %llu KiB)"),
		                 (unsigned long long)kdf->opslimit,
		                 (unsigned long long)(kdf->memlimit / 1024));
	return BRON_OK;
}

/* Derives a KEK from a passphrase into a sodium_malloc'ed buffer. */
static bron_err pass_kek(const struct slot *s, const char *pass, size_t len,
                         uint8_t **kek, struct bron_error *err)
{
	bron_err e = kdf_check(s->opslimit, s->memlimit, err);
	if (e != BRON_OK)
		return e;
	*kek = sodium_malloc(KEY_LEN);
	if (!*kek)
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	if (crypto_pwhash(*kek, KEY_LEN, pass, len, s->salt, s->opslimit,
	                  (size_t)s->memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		sodium_free(*kek);
		*kek = NULL;
		return bron_fail(err, BRON_E_NOMEM,
		                 _("not enough memory for key derivation (%llu MiB)"),
		                 (unsigned long long)(s->memlimit >> 20));
	}
	return BRON_OK;
}

/* Makes a fresh passphrase slot for master; wipes everything it derived. */
static bron_err make_pass_slot(struct slot *s, const char *pass, size_t len,
                               const struct bron_kdf *kdf, const uint8_t *master,
                               const uint8_t *vault_id, uint32_t epoch,
                               struct bron_error *err)
{
	uint8_t *kek = NULL;
	memset(s, 0, sizeof(*s));
	s->kind = SLOT_PASS;
	s->alg = SLOT_ALG_ARGON2ID13;
	s->opslimit = kdf->opslimit;
	s->memlimit = kdf->memlimit;
	randombytes_buf(s->salt, SALT_LEN);
	bron_err e = pass_kek(s, pass, len, &kek, err);
	if (e != BRON_OK)
		return e;
	slot_wrap(s, kek, master, vault_id, epoch);
	sodium_free(kek);
	return BRON_OK;
}

/* Makes a recovery slot for master under a new code, formatted into text. */
static void make_recovery_slot(struct slot *s, const uint8_t *master,
                               const uint8_t *vault_id, uint32_t epoch,
                               char text[BRON_RECOVERY_CODE_LEN + 1])
{
	uint8_t *code = sodium_malloc(2 * KEY_LEN);
	uint8_t *kek = code + KEY_LEN;
	memset(s, 0, sizeof(*s));
	s->kind = SLOT_RECOVERY;
	s->alg = SLOT_ALG_RECOVERY;
	randombytes_buf(s->salt, SALT_LEN);
	randombytes_buf(code, KEY_LEN);
	recovery_kek(kek, code, s->salt);
	slot_wrap(s, kek, master, vault_id, epoch);
	recovery_format(text, code);
	sodium_free(code);
}

static bron_err write_keys(sqlite3 *db, const uint8_t *vault_id,
                           uint32_t epoch, const struct slot *pass,
                           const struct slot *rec, struct bron_error *err)
{
	uint8_t hdr[HEADER_LEN], sp[SLOT_LEN], sr[SLOT_LEN];
	header_encode(hdr, vault_id, BRON_FORMAT_VERSION, epoch);
	slot_encode(sp, pass);
	slot_encode(sr, rec);
	bron_err e = store_meta_put(db, META_HEADER, hdr, sizeof(hdr), err);
	if (e == BRON_OK)
		e = store_meta_put(db, META_SLOT_PASS, sp, sizeof(sp), err);
	if (e == BRON_OK)
		e = store_meta_put(db, META_SLOT_RECOVERY, sr, sizeof(sr), err);
	return e;
}

/* ---- the struct ---- */

static bron_err vault_alloc(const char *path, unsigned flags,
                            struct bron_vault **out, struct bron_error *err)
{
	struct bron_vault *v = calloc(1, sizeof(*v));
	size_t n = strlen(path);
	if (v) {
		v->path = strdup(path);
		v->lockpath = malloc(n + sizeof(".lock"));
	}
	if (!v || !v->path || !v->lockpath) {
		if (v) {
			free(v->path);
			free(v->lockpath);
		}
		free(v);
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	}
	snprintf(v->lockpath, n + sizeof(".lock"), "%s.lock", path);
	v->flags = flags;
	v->lockfd = -1;
	v->lock_timeout_ms = 5000;
	*out = v;
	return BRON_OK;
}

static bron_err keys_alloc(struct bron_vault *v, struct bron_error *err)
{
	if (v->keys)
		return BRON_OK;
	v->keys = sodium_malloc(sizeof(*v->keys));
	if (!v->keys)
		return bron_fail(err, BRON_E_NOMEM,
		                 _("out of memory for keys (locked memory limit?)"));
	return BRON_OK;
}

void bron_vault_lock(struct bron_vault *v)
{
	if (v && v->keys) {
		sodium_free(v->keys); /* wipes before unmapping */
		v->keys = NULL;
	}
	if (v)
		v->verified = 0;
}

int bron_vault_is_unlocked(const struct bron_vault *v)
{
	return v && v->keys != NULL;
}

void bron_vault_set_lock_timeout(struct bron_vault *v, unsigned ms)
{
	v->lock_timeout_ms = ms;
}

uint64_t bron_vault_count(const struct bron_vault *v)
{
	return v->man.count;
}

const char *bron_vault_path(const struct bron_vault *v)
{
	return v->path;
}

void bron_vault_free(struct bron_vault *v)
{
	if (!v)
		return;
	bron_vault_batch_abort(v);
	bron_vault_lock(v);
	lock_release(v);
	if (v->db) {
		if (v->wrote)
			store_checkpoint(v->db); /* leave no WAL behind */
		sqlite3_close(v->db);
	}
	free(v->path);
	free(v->lockpath);
	free(v);
}

/* ---- create ---- */

static const char schema[] =
        "PRAGMA application_id = 1112690510;" /* APPLICATION_ID */
        "CREATE TABLE meta(k INTEGER PRIMARY KEY, v BLOB NOT NULL);"
        "CREATE TABLE record(id INTEGER PRIMARY KEY, rev INTEGER NOT NULL,"
        " nonce BLOB NOT NULL, tag BLOB NOT NULL);"
        "CREATE TABLE payload(id INTEGER PRIMARY KEY, ct BLOB NOT NULL);";

static void unlink_all(const char *path)
{
	static const char *const sfx[] = {"", "-wal", "-shm", "-journal", ".lock"};
	char buf[4096];
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		if (snprintf(buf, sizeof(buf), "%s%s", path, sfx[i]) <
		    (int)sizeof(buf))
			unlink(buf);
	}
}

/* Creates path exclusively with mode 0600, so SQLite never widens it. */
static bron_err create_file(const char *path, struct bron_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
	              0600);
	if (fd < 0) {
		int e = errno;
		if (e == EEXIST)
			return bron_fail(err, BRON_E_EXISTS,
			                 _("%s exists already; bron will not overwrite "
			                   "it"),
			                 path);
		return bron_fail(err, e == ENOSPC ? BRON_E_NOSPACE : BRON_E_IO,
		                 _("cannot create %s: %s"), path, strerror(e));
	}
	close(fd);
	return BRON_OK;
}

bron_err bron_vault_create(const char *path, const char *pass, size_t passlen,
                           const struct bron_kdf *kdf, unsigned flags,
                           char recovery[BRON_RECOVERY_CODE_LEN + 1],
                           struct bron_vault **out, struct bron_error *err)
{
	struct bron_vault *v = NULL;
	struct slot sp, sr;
	bron_err e = kdf_allowed(kdf, flags, err);
	if (e != BRON_OK)
		return e;
	if (passlen == 0)
		return bron_fail(err, BRON_E_INVALID, _("the passphrase is empty"));
	e = vault_alloc(path, 0, &v, err);
	if (e != BRON_OK)
		return e;
	e = keys_alloc(v, err);
	if (e != BRON_OK)
		goto fail_nofile;
	e = create_file(path, err);
	if (e != BRON_OK)
		goto fail_nofile;
	randombytes_buf(v->vault_id, VAULT_ID_LEN);
	randombytes_buf(v->keys->master, KEY_LEN);
	derive_subkeys(v->keys);
	v->version = BRON_FORMAT_VERSION;
	v->epoch = 1;
	e = make_pass_slot(&sp, pass, passlen, kdf, v->keys->master, v->vault_id,
	                   v->epoch, err);
	if (e != BRON_OK)
		goto fail;
	make_recovery_slot(&sr, v->keys->master, v->vault_id, v->epoch, recovery);
	e = store_open(path, 0, 0, &v->db, err);
	if (e == BRON_OK)
		e = store_exec(v->db, schema, err);
	if (e == BRON_OK)
		e = lock_acquire(v, err);
	if (e == BRON_OK)
		e = store_exec(v->db, "BEGIN IMMEDIATE", err);
	if (e == BRON_OK)
		e = write_keys(v->db, v->vault_id, v->epoch, &sp, &sr, err);
	if (e == BRON_OK)
		e = tx_commit(v, err); /* writes the first manifest */
	if (e != BRON_OK) {
		sodium_memzero(recovery, BRON_RECOVERY_CODE_LEN + 1);
		goto fail;
	}
	store_checkpoint(v->db);
	*out = v;
	return BRON_OK;
fail:
	bron_vault_free(v);
	unlink_all(path);
	return e;
fail_nofile:
	bron_vault_free(v);
	return e;
}

/* ---- open and unlock ---- */

static bron_err check_file(const char *path, struct bron_error *err)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		if (errno == ENOENT)
			return bron_fail(err, BRON_E_NOT_FOUND, _("no vault at %s"),
			                 path);
		return bron_fail(err, BRON_E_IO, _("cannot open %s: %s"), path,
		                 strerror(errno));
	}
	if (!S_ISREG(st.st_mode))
		return bron_fail(err, BRON_E_NOT_VAULT,
		                 _("%s is not a bron vault (not a regular file)"),
		                 path);
	if (st.st_uid != geteuid())
		return bron_fail(err, BRON_E_PERMS,
		                 _("%s belongs to another user; refusing to use it"),
		                 path);
	if (st.st_mode & 077)
		return bron_fail(err, BRON_E_PERMS,
		                 _("%s can be read by other users (mode %03o); run "
		                   "chmod 600 on it"),
		                 path, (unsigned)(st.st_mode & 0777));
	/* SQLite opens anything; a foreign file should not become a database. */
	char head[16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return bron_fail(err, BRON_E_IO, _("cannot open %s: %s"), path,
		                 strerror(errno));
	ssize_t n = read(fd, head, sizeof(head));
	close(fd);
	if (n != (ssize_t)sizeof(head) ||
	    memcmp(head, "SQLite format 3", sizeof(head)) != 0)
		return bron_fail(err, BRON_E_NOT_VAULT,
		                 _("%s is not a bron vault"), path);
	return BRON_OK;
}

static bron_err load_header(struct bron_vault *v, struct bron_error *err)
{
	uint8_t hdr[HEADER_LEN];
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(v->db, "PRAGMA application_id", -1, &q, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(q);
	int app = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : 0;
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW)
		return store_fail(v->db, rc, err, v->path);
	if (app != APPLICATION_ID)
		return bron_fail(err, BRON_E_NOT_VAULT,
		                 _("%s is not a bron vault"), v->path);
	bron_err e = store_meta_get(v->db, META_HEADER, hdr, sizeof(hdr), err);
	if (e == BRON_OK)
		e = header_decode(hdr, v->vault_id, &v->version, &v->epoch, err);
	return e;
}

static bron_err load_slot(struct bron_vault *v, int k, uint8_t kind,
                          struct slot *s, struct bron_error *err)
{
	uint8_t buf[SLOT_LEN];
	bron_err e = store_meta_get(v->db, k, buf, sizeof(buf), err);
	if (e == BRON_OK)
		e = slot_decode(buf, s, kind, err);
	return e;
}

bron_err bron_vault_open(const char *path, unsigned flags,
                         struct bron_vault **out, struct bron_error *err)
{
	struct bron_vault *v = NULL;
	struct slot s;
	bron_err e = check_file(path, err);
	if (e != BRON_OK)
		return e;
	e = vault_alloc(path, flags, &v, err);
	if (e != BRON_OK)
		return e;
	e = store_open(path, (flags & BRON_OPEN_READONLY) != 0, 0, &v->db, err);
	if (e == BRON_OK)
		e = store_exec(v->db, "BEGIN", err);
	if (e == BRON_OK)
		e = load_header(v, err);
	if (e == BRON_OK)
		e = load_slot(v, META_SLOT_PASS, SLOT_PASS, &s, err);
	if (e == BRON_OK)
		e = load_slot(v, META_SLOT_RECOVERY, SLOT_RECOVERY, &s, err);
	if (v->db)
		tx_read_end(v);
	if (e != BRON_OK) {
		bron_vault_free(v);
		return e;
	}
	*out = v;
	return BRON_OK;
}

/*
 * Unwraps the master key from slot k with kek_fn, then checks the manifest.
 * Everything happens in one read transaction so a concurrent rekey cannot
 * pair an old slot with new records.
 */
static bron_err unlock_with(struct bron_vault *v, int k, uint8_t kind,
                            const uint8_t *kek, bron_err wrong,
                            struct bron_error *err)
{
	struct slot s;
	bron_err e = load_slot(v, k, kind, &s, err);
	if (e != BRON_OK)
		return e;
	e = keys_alloc(v, err);
	if (e != BRON_OK)
		return e;
	if (slot_unwrap(&s, kek, v->keys->master, v->vault_id, v->epoch) != 0) {
		bron_vault_lock(v);
		return bron_fail(err, wrong, "%s", bron_strerror(wrong));
	}
	derive_subkeys(v->keys);
	v->verified = 0;
	e = tx_verify(v, err);
	if (e != BRON_OK)
		bron_vault_lock(v);
	return e;
}

bron_err bron_vault_unlock(struct bron_vault *v, const char *pass,
                           size_t passlen, struct bron_error *err)
{
	struct slot s;
	uint8_t *kek = NULL;
	bron_err e = store_exec(v->db, "BEGIN", err);
	if (e != BRON_OK)
		return e;
	e = load_header(v, err);
	if (e == BRON_OK)
		e = load_slot(v, META_SLOT_PASS, SLOT_PASS, &s, err);
	if (e == BRON_OK)
		e = pass_kek(&s, pass, passlen, &kek, err);
	if (e == BRON_OK)
		e = unlock_with(v, META_SLOT_PASS, SLOT_PASS, kek, BRON_E_PASSPHRASE,
		                err);
	if (kek)
		sodium_free(kek);
	tx_read_end(v);
	return e;
}

bron_err bron_vault_unlock_recovery(struct bron_vault *v, const char *code,
                                    struct bron_error *err)
{
	struct slot s;
	uint8_t *buf = sodium_malloc(2 * KEY_LEN);
	if (!buf)
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	bron_err e = recovery_parse(code, buf, err);
	if (e == BRON_OK)
		e = store_exec(v->db, "BEGIN", err);
	if (e != BRON_OK) {
		sodium_free(buf);
		return e;
	}
	e = load_header(v, err);
	if (e == BRON_OK)
		e = load_slot(v, META_SLOT_RECOVERY, SLOT_RECOVERY, &s, err);
	if (e == BRON_OK) {
		recovery_kek(buf + KEY_LEN, buf, s.salt);
		e = unlock_with(v, META_SLOT_RECOVERY, SLOT_RECOVERY, buf + KEY_LEN,
		                BRON_E_RECOVERY, err);
	}
	sodium_free(buf);
	tx_read_end(v);
	return e;
}

/* ---- passwd and rekey ---- */

bron_err bron_vault_passwd(struct bron_vault *v, const char *newpass,
                           size_t newlen, const struct bron_kdf *kdf,
                           unsigned flags, struct bron_error *err)
{
	struct slot s;
	uint8_t row[SLOT_LEN];
	if (v->batch)
		return bron_fail(err, BRON_E_INVALID,
		                 _("finish the open batch first"));
	if (!v->keys)
		return bron_fail(err, BRON_E_LOCKED,
		                 _("the vault is locked; unlock it first"));
	if (newlen == 0)
		return bron_fail(err, BRON_E_INVALID, _("the passphrase is empty"));
	bron_err e = kdf_allowed(kdf, flags, err);
	if (e != BRON_OK)
		return e;
	/* The slowest step, the KDF, runs before the writer lock is taken. */
	e = make_pass_slot(&s, newpass, newlen, kdf, v->keys->master,
	                   v->vault_id, v->epoch, err);
	if (e != BRON_OK)
		return e;
	slot_encode(row, &s);
	e = tx_begin(v, err);
	if (e != BRON_OK)
		return e;
	e = store_meta_put(v->db, META_SLOT_PASS, row, sizeof(row), err);
	if (e != BRON_OK) {
		tx_abort(v);
		return e;
	}
	return tx_commit(v, err);
}

/* Re-encrypts every record from the old keys to nk, one row at a time. */
static bron_err reencrypt_all(struct bron_vault *v, const struct keys *nk,
                              uint32_t nepoch, bron_progress_fn progress,
                              void *pctx, struct bron_error *err)
{
	sqlite3_stmt *q = NULL, *ur = NULL, *up = NULL;
	struct plainbuf b = {0};
	uint64_t done = 0, total = v->man.count ? v->man.count : 1;
	sqlite3_int64 last = 0;
	bron_err e = BRON_OK;
	int rc = sqlite3_prepare_v2(
	        v->db, "SELECT r.id, r.rev, r.nonce, r.tag, p.ct FROM record r "
	               "LEFT JOIN payload p ON p.id = r.id WHERE r.id > ? "
	               "ORDER BY r.id LIMIT 1",
	        -1, &q, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(v->db, "UPDATE record SET nonce = ?, tag = ? "
		                               "WHERE id = ?",
		                        -1, &ur, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(v->db, "UPDATE payload SET ct = ? WHERE id = ?",
		                        -1, &up, NULL);
	if (rc != SQLITE_OK) {
		e = store_fail(v->db, rc, err, _("re-encrypting the records"));
		goto out;
	}
	for (;;) {
		sqlite3_bind_int64(q, 1, last);
		rc = sqlite3_step(q);
		if (rc == SQLITE_DONE)
			break;
		if (rc != SQLITE_ROW) {
			e = store_fail(v->db, rc, err, _("re-encrypting the records"));
			break;
		}
		bron_id id = (bron_id)sqlite3_column_int64(q, 0);
		uint64_t rev = (uint64_t)sqlite3_column_int64(q, 1);
		size_t n = (size_t)sqlite3_column_bytes(q, 4);
		uint8_t nonce[NONCE_LEN], tag[TAG_LEN], ad[RECORD_AD_LEN];
		if ((e = plainbuf_reserve(&b, n + 1, err)) != BRON_OK)
			break;
		uint8_t *buf = b.p;
		size_t len;
		if (sqlite3_column_bytes(q, 2) != NONCE_LEN ||
		    sqlite3_column_bytes(q, 3) != TAG_LEN ||
		    sqlite3_column_type(q, 4) != SQLITE_BLOB ||
		    record_open(v->vault_id, v->keys->record, id, rev, v->epoch,
		                sqlite3_column_blob(q, 2), sqlite3_column_blob(q, 3),
		                sqlite3_column_blob(q, 4), n, buf, &len) != 0) {
			e = bron_fail(err, BRON_E_TAMPERED,
			              _("record %016llx has been tampered with"),
			              (unsigned long long)id);
			break;
		}
		/* Re-pad the plaintext in place: same length, same padding. */
		pad_apply(buf, len, b.cap);
		record_ad(ad, v->vault_id, id, rev, nepoch);
		randombytes_buf(nonce, NONCE_LEN);
		crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
		        buf, tag, NULL, buf, n, ad, sizeof(ad), NULL, nonce,
		        nk->record);
		sqlite3_reset(q);
		sqlite3_bind_blob(ur, 1, nonce, NONCE_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(ur, 2, tag, TAG_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(ur, 3, (sqlite3_int64)id);
		sqlite3_bind_blob(up, 1, buf, (int)n, SQLITE_STATIC);
		sqlite3_bind_int64(up, 2, (sqlite3_int64)id);
		if ((rc = sqlite3_step(ur)) != SQLITE_DONE ||
		    (rc = sqlite3_step(up)) != SQLITE_DONE) {
			e = store_fail(v->db, rc, err, _("re-encrypting the records"));
			break;
		}
		sqlite3_reset(ur);
		sqlite3_reset(up);
		last = (sqlite3_int64)id;
		if (progress)
			progress(pctx, (double)++done / (double)total);
	}
out:
	sqlite3_finalize(q);
	sqlite3_finalize(ur);
	sqlite3_finalize(up);
	plainbuf_release(&b);
	return e;
}

bron_err bron_vault_rekey(struct bron_vault *v, const char *pass,
                          size_t passlen,
                          char recovery[BRON_RECOVERY_CODE_LEN + 1],
                          bron_progress_fn progress, void *progress_ctx,
                          struct bron_error *err)
{
	struct slot sp, sr;
	uint8_t *kek = NULL, probe[KEY_LEN];
	struct keys *nk = NULL;
	if (v->batch)
		return bron_fail(err, BRON_E_INVALID,
		                 _("finish the open batch first"));
	if (!v->keys)
		return bron_fail(err, BRON_E_LOCKED,
		                 _("the vault is locked; unlock it first"));
	bron_err e = tx_begin(v, err);
	if (e != BRON_OK)
		return e;
	uint32_t nepoch = v->epoch + 1;
	/* The passphrase must open the current slot; its KEK wraps the new key. */
	e = load_slot(v, META_SLOT_PASS, SLOT_PASS, &sp, err);
	if (e == BRON_OK)
		e = pass_kek(&sp, pass, passlen, &kek, err);
	if (e == BRON_OK &&
	    slot_unwrap(&sp, kek, probe, v->vault_id, v->epoch) != 0)
		e = bron_fail(err, BRON_E_PASSPHRASE, "%s",
		              bron_strerror(BRON_E_PASSPHRASE));
	sodium_memzero(probe, sizeof(probe));
	if (e == BRON_OK && !(nk = sodium_malloc(sizeof(*nk))))
		e = bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	if (e == BRON_OK) {
		randombytes_buf(nk->master, KEY_LEN);
		derive_subkeys(nk);
		e = reencrypt_all(v, nk, nepoch, progress, progress_ctx, err);
	}
	if (e == BRON_OK) {
		slot_wrap(&sp, kek, nk->master, v->vault_id, nepoch);
		make_recovery_slot(&sr, nk->master, v->vault_id, nepoch, recovery);
		e = write_keys(v->db, v->vault_id, nepoch, &sp, &sr, err);
	}
	if (kek)
		sodium_free(kek);
	if (e != BRON_OK) {
		if (nk)
			sodium_free(nk);
		sodium_memzero(recovery, BRON_RECOVERY_CODE_LEN + 1);
		tx_abort(v);
		return e;
	}
	/* From here on the vault's keys are the new ones. */
	struct keys *old = v->keys;
	uint32_t oepoch = v->epoch;
	v->keys = nk;
	v->epoch = nepoch;
	e = tx_commit(v, err);
	if (e != BRON_OK) {
		v->keys = old;
		v->epoch = oepoch;
		sodium_free(nk);
		sodium_memzero(recovery, BRON_RECOVERY_CODE_LEN + 1);
		return e;
	}
	sodium_free(old);
	return BRON_OK;
}
