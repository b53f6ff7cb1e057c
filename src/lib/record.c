/*
 * record.c - records in the vault: put, get, delete, iterate, and the two
 * whole-vault operations that read every record, backup and verify.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "vault_int.h"
#include "banned.h"

#define RECORD_SQL                                                     \
	"SELECT r.id, r.rev, r.nonce, r.tag, p.ct FROM record r "      \
	"LEFT JOIN payload p ON p.id = r.id "

/*
 * Decrypts a record into b: the id, revision, nonce and tag from column 0..3
 * of r (a record row), the ciphertext from column ctcol of p (NULL: none).
 */
static bron_err open_row(struct bron_vault *v, sqlite3_stmt *r,
                         sqlite3_stmt *p, int ctcol, struct plainbuf *b,
                         size_t *len, struct bron_error *err)
{
	bron_id id = (bron_id)sqlite3_column_int64(r, 0);
	uint64_t rev = (uint64_t)sqlite3_column_int64(r, 1);
	size_t n = p ? (size_t)sqlite3_column_bytes(p, ctcol) : 0;
	if (!p || sqlite3_column_type(p, ctcol) != SQLITE_BLOB ||
	    sqlite3_column_bytes(r, 2) != NONCE_LEN ||
	    sqlite3_column_bytes(r, 3) != TAG_LEN)
		return bron_fail(err, BRON_E_TAMPERED,
		                 _("record %016llx has been tampered with"),
		                 (unsigned long long)id);
	bron_err e = plainbuf_reserve(b, n + 1, err);
	if (e != BRON_OK)
		return e;
	if (record_open(v->vault_id, v->keys->record, id, rev, v->epoch,
	                sqlite3_column_blob(r, 2), sqlite3_column_blob(r, 3),
	                sqlite3_column_blob(p, ctcol), n, b->p, len) != 0)
		return bron_fail(err, BRON_E_TAMPERED,
		                 _("record %016llx has been tampered with"),
		                 (unsigned long long)id);
	return BRON_OK;
}

/* ---- put and delete ---- */

/* Current revision of id, 0 when there is none. */
static bron_err current_rev(struct bron_vault *v, bron_id id, uint64_t *rev,
                            struct bron_error *err)
{
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(v->db, "SELECT rev FROM record WHERE id = ?",
	                            -1, &q, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(q, 1, (sqlite3_int64)id);
		rc = sqlite3_step(q);
	}
	*rev = rc == SQLITE_ROW ? (uint64_t)sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(v->db, rc, err, _("reading a record"));
	return BRON_OK;
}

static bron_err check_rev(struct bron_vault *v, bron_id id, uint64_t expected,
                          uint64_t *rev, struct bron_error *err)
{
	bron_err e = current_rev(v, id, rev, err);
	if (e != BRON_OK)
		return e;
	if (*rev == 0)
		return bron_fail(err, BRON_E_NOT_FOUND, _("no record %016llx"),
		                 (unsigned long long)id);
	if (expected && *rev != expected)
		return bron_fail(err, BRON_E_CONFLICT,
		                 _("record %016llx changed in the meantime "
		                   "(revision %llu, expected %llu)"),
		                 (unsigned long long)id, (unsigned long long)*rev,
		                 (unsigned long long)expected);
	return BRON_OK;
}

static bron_err fresh_id(struct bron_vault *v, bron_id *id,
                         struct bron_error *err)
{
	for (;;) {
		uint64_t rev;
		randombytes_buf(id, sizeof(*id));
		*id &= 0x7fffffffffffffffULL;
		if (*id == 0)
			continue;
		bron_err e = current_rev(v, *id, &rev, err);
		if (e != BRON_OK || rev == 0)
			return e;
	}
}

static bron_err write_row(struct bron_vault *v, bron_id id, uint64_t rev,
                          const void *data, size_t len, struct bron_error *err)
{
	uint8_t nonce[NONCE_LEN], tag[TAG_LEN], ad[RECORD_AD_LEN];
	size_t n = pad_size(len);
	uint8_t *buf = malloc(n);
	if (!buf)
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	memcpy(buf, data, len);
	pad_apply(buf, len, n);
	record_ad(ad, v->vault_id, id, rev, v->epoch);
	randombytes_buf(nonce, NONCE_LEN);
	crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
	        buf, tag, NULL, buf, n, ad, sizeof(ad), NULL, nonce,
	        v->keys->record);

	sqlite3_stmt *r = NULL, *p = NULL;
	int rc = sqlite3_prepare_v2(v->db, "INSERT OR REPLACE INTO record"
	                                   "(id, rev, nonce, tag) VALUES(?,?,?,?)",
	                            -1, &r, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(v->db, "INSERT OR REPLACE INTO payload"
		                               "(id, ct) VALUES(?,?)",
		                        -1, &p, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(r, 1, (sqlite3_int64)id);
		sqlite3_bind_int64(r, 2, (sqlite3_int64)rev);
		sqlite3_bind_blob(r, 3, nonce, NONCE_LEN, SQLITE_STATIC);
		sqlite3_bind_blob(r, 4, tag, TAG_LEN, SQLITE_STATIC);
		sqlite3_bind_int64(p, 1, (sqlite3_int64)id);
		sqlite3_bind_blob(p, 2, buf, (int)n, SQLITE_STATIC);
		if ((rc = sqlite3_step(r)) == SQLITE_DONE)
			rc = sqlite3_step(p);
	}
	sqlite3_finalize(r);
	sqlite3_finalize(p);
	free(buf); /* ciphertext only */
	if (rc != SQLITE_DONE)
		return store_fail(v->db, rc, err, _("saving a record"));
	return BRON_OK;
}

bron_err bron_vault_put(struct bron_vault *v, bron_id *id,
                        uint64_t expected_rev, const void *data, size_t len,
                        uint64_t *rev_out, struct bron_error *err)
{
	uint64_t rev = 0;
	if (!id || (!data && len) || len > (size_t)1 << 30 ||
	    (*id == 0 && expected_rev != 0) || *id > 0x7fffffffffffffffULL)
		return bron_fail(err, BRON_E_INVALID, _("invalid record"));
	bron_err e = tx_begin(v, err);
	if (e != BRON_OK)
		return e;
	bron_id target = *id;
	if (target == 0)
		e = fresh_id(v, &target, err);
	else
		e = check_rev(v, target, expected_rev, &rev, err);
	if (e == BRON_OK)
		e = write_row(v, target, rev + 1, data, len, err);
	if (e == BRON_OK)
		e = tx_commit(v, err);
	else
		tx_abort(v);
	if (e == BRON_OK) {
		*id = target;
		if (rev_out)
			*rev_out = rev + 1;
	}
	return e;
}

bron_err bron_vault_delete(struct bron_vault *v, bron_id id,
                           uint64_t expected_rev, struct bron_error *err)
{
	uint64_t rev;
	bron_err e = tx_begin(v, err);
	if (e != BRON_OK)
		return e;
	e = check_rev(v, id, expected_rev, &rev, err);
	if (e == BRON_OK) {
		sqlite3_stmt *q = NULL;
		int rc = sqlite3_prepare_v2(v->db,
		                            "DELETE FROM record WHERE id = ?1;", -1,
		                            &q, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_int64(q, 1, (sqlite3_int64)id);
			rc = sqlite3_step(q);
		}
		sqlite3_finalize(q);
		q = NULL;
		if (rc == SQLITE_DONE)
			rc = sqlite3_prepare_v2(v->db,
			                        "DELETE FROM payload WHERE id = ?1;", -1,
			                        &q, NULL);
		if (rc == SQLITE_OK) {
			sqlite3_bind_int64(q, 1, (sqlite3_int64)id);
			rc = sqlite3_step(q);
		}
		sqlite3_finalize(q);
		if (rc != SQLITE_DONE)
			e = store_fail(v->db, rc, err, _("deleting a record"));
	}
	if (e != BRON_OK) {
		tx_abort(v);
		return e;
	}
	e = tx_commit(v, err);
	if (e == BRON_OK && !v->batch)
		store_checkpoint(v->db); /* old pages leave the WAL too */
	return e;
}

/* ---- reading ---- */

bron_err bron_vault_get(struct bron_vault *v, bron_id id, uint8_t **data,
                        size_t *len, uint64_t *rev, struct bron_error *err)
{
	struct plainbuf b = {0};
	sqlite3_stmt *q = NULL;
	bron_err e = tx_read_begin(v, err);
	if (e != BRON_OK)
		return e;
	int rc = sqlite3_prepare_v2(v->db, RECORD_SQL "WHERE r.id = ?", -1, &q,
	                            NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int64(q, 1, (sqlite3_int64)id);
		rc = sqlite3_step(q);
	}
	if (rc == SQLITE_ROW)
		e = open_row(v, q, q, 4, &b, len, err);
	else if (rc == SQLITE_DONE)
		e = bron_fail(err, BRON_E_NOT_FOUND, _("no record %016llx"),
		              (unsigned long long)id);
	else
		e = store_fail(v->db, rc, err, _("reading a record"));
	if (e == BRON_OK && rev)
		*rev = (uint64_t)sqlite3_column_int64(q, 1);
	sqlite3_finalize(q);
	tx_read_end(v);
	if (e != BRON_OK) {
		plainbuf_release(&b);
		return e;
	}
	*data = b.p;
	return BRON_OK;
}

/* Runs fn over every record; counts ciphertext bytes when nbytes is set. */
/*
 * Runs fn over every record; counts ciphertext bytes when nbytes is set.
 * Both tables are keyed by id, so they are walked side by side, each in
 * one sequential scan, rather than joined with a lookup per record.
 * Payloads without a record are skipped here (verify reports them).
 */
static bron_err each_record(struct bron_vault *v, bron_record_fn fn,
                            void *ctx, uint64_t *nrec, uint64_t *nbytes,
                            struct bron_error *err)
{
	struct plainbuf b = {0};
	sqlite3_stmt *r = NULL, *p = NULL;
	bron_err e = BRON_OK;
	int rc = sqlite3_prepare_v2(v->db, "SELECT id, rev, nonce, tag FROM record "
	                                   "ORDER BY id",
	                            -1, &r, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(v->db, "SELECT id, ct FROM payload ORDER BY id",
		                        -1, &p, NULL);
	if (rc != SQLITE_OK) {
		sqlite3_finalize(r);
		return store_fail(v->db, rc, err, _("reading the records"));
	}
	int prc = sqlite3_step(p);
	while ((rc = sqlite3_step(r)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(r, 0);
		while (prc == SQLITE_ROW && sqlite3_column_int64(p, 0) < id)
			prc = sqlite3_step(p);
		if (prc != SQLITE_ROW && prc != SQLITE_DONE) {
			rc = prc;
			break;
		}
		int have = prc == SQLITE_ROW && sqlite3_column_int64(p, 0) == id;
		size_t len;
		e = open_row(v, r, have ? p : NULL, 1, &b, &len, err);
		if (e != BRON_OK)
			break;
		if (nrec)
			(*nrec)++;
		if (nbytes)
			*nbytes += (uint64_t)sqlite3_column_bytes(p, 1);
		int stop = fn ? fn(ctx, (bron_id)id,
		                   (uint64_t)sqlite3_column_int64(r, 1), b.p, len)
		              : 0;
		sodium_memzero(b.p, len);
		if (stop)
			break;
	}
	if (e == BRON_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		e = store_fail(v->db, rc, err, _("reading the records"));
	sqlite3_finalize(r);
	sqlite3_finalize(p);
	plainbuf_release(&b);
	return e;
}

bron_err bron_vault_foreach(struct bron_vault *v, bron_record_fn fn,
                            void *ctx, struct bron_error *err)
{
	bron_err e = tx_read_begin(v, err);
	if (e != BRON_OK)
		return e;
	e = each_record(v, fn, ctx, NULL, NULL, err);
	tx_read_end(v);
	return e;
}

bron_err bron_vault_foreach_id(struct bron_vault *v, bron_id_fn fn, void *ctx,
                               struct bron_error *err)
{
	sqlite3_stmt *q = NULL;
	bron_err e = tx_read_begin(v, err);
	if (e != BRON_OK)
		return e;
	int rc = sqlite3_prepare_v2(v->db, "SELECT id, rev FROM record ORDER BY id",
	                            -1, &q, NULL);
	if (rc == SQLITE_OK)
		while ((rc = sqlite3_step(q)) == SQLITE_ROW &&
		       !fn(ctx, (bron_id)sqlite3_column_int64(q, 0),
		           (uint64_t)sqlite3_column_int64(q, 1)))
			;
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		e = store_fail(v->db, rc, err, _("reading the record list"));
	sqlite3_finalize(q);
	tx_read_end(v);
	return e;
}

/* ---- verify ---- */

static bron_err integrity(sqlite3 *db, struct bron_error *err)
{
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check(1)", -1, &q,
	                            NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(q);
	int ok = rc == SQLITE_ROW &&
	         strcmp((const char *)sqlite3_column_text(q, 0), "ok") == 0;
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW)
		return store_fail(db, rc, err, _("checking the database"));
	if (!ok)
		return bron_fail(err, BRON_E_DAMAGED,
		                 _("vault damaged: the database structure is "
		                   "inconsistent"));
	return BRON_OK;
}

static bron_err orphan_payloads(sqlite3 *db, struct bron_error *err)
{
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM payload WHERE id "
	                                "NOT IN (SELECT id FROM record)",
	                            -1, &q, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(q);
	sqlite3_int64 n = rc == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
	sqlite3_finalize(q);
	if (rc != SQLITE_ROW)
		return store_fail(db, rc, err, _("checking the records"));
	if (n > 0)
		return bron_fail(err, BRON_E_ROWS_EXTRA,
		                 P_("the vault holds %lld payload without a record",
		                    "the vault holds %lld payloads without a record",
		                    n),
		                 (long long)n);
	return BRON_OK;
}

bron_err bron_vault_verify(struct bron_vault *v,
                           struct bron_verify_report *report,
                           struct bron_error *err)
{
	struct bron_verify_report r = {0};
	uint8_t buf[SLOT_LEN];
	struct slot s;
	bron_err e = integrity(v->db, err);
	if (e != BRON_OK)
		return e;
	e = tx_read_begin(v, err);
	if (e != BRON_OK)
		return e;
	e = store_meta_get(v->db, META_SLOT_PASS, buf, sizeof(buf), err);
	if (e == BRON_OK)
		e = slot_decode(buf, &s, SLOT_PASS, err);
	if (e == BRON_OK)
		e = store_meta_get(v->db, META_SLOT_RECOVERY, buf, sizeof(buf), err);
	if (e == BRON_OK)
		e = slot_decode(buf, &s, SLOT_RECOVERY, err);
	if (e == BRON_OK)
		e = orphan_payloads(v->db, err);
	if (e == BRON_OK)
		e = each_record(v, NULL, NULL, &r.records, &r.bytes, err);
	tx_read_end(v);
	if (e == BRON_OK && r.records != v->man.count)
		e = bron_fail(err, BRON_E_MANIFEST,
		              P_("the manifest counts %llu record, the vault holds "
		                 "%llu",
		                 "the manifest counts %llu records, the vault holds "
		                 "%llu",
		                 v->man.count),
		              (unsigned long long)v->man.count,
		              (unsigned long long)r.records);
	if (e != BRON_OK)
		return e;
	r.seq = v->man.seq;
	r.epoch = v->epoch;
	if (report)
		*report = r;
	return BRON_OK;
}

/* ---- backup ---- */

static bron_err fsync_path(const char *path, int dir, struct bron_error *err)
{
	int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0 || fsync(fd) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return bron_fail(err, e == ENOSPC ? BRON_E_NOSPACE : BRON_E_IO,
		                 _("cannot flush %s to disk: %s"), path, strerror(e));
	}
	close(fd);
	return BRON_OK;
}

static void parent_dir(const char *path, char *out, size_t cap)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(out, cap, ".");
	else if (slash == path)
		snprintf(out, cap, "/");
	else
		snprintf(out, cap, "%.*s", (int)(slash - path), path);
}

static void unlink_db(const char *path)
{
	static const char *const sfx[] = {"-wal", "-shm", "-journal"};
	char buf[4096];
	unlink(path);
	for (size_t i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if (snprintf(buf, sizeof(buf), "%s%s", path, sfx[i]) <
		    (int)sizeof(buf))
			unlink(buf);
}

/* Copies v into the new file tmp and checks the copy with v's keys. */
static bron_err copy_into(struct bron_vault *v, const char *tmp,
                          bron_progress_fn progress, void *progress_ctx,
                          struct bron_error *err)
{
	sqlite3 *db = NULL;
	bron_err e = store_open(tmp, 0, 0, &db, err);
	if (e == BRON_OK) {
		sqlite3_backup *b = sqlite3_backup_init(db, "main", v->db, "main");
		if (!b) {
			e = store_fail(db, sqlite3_errcode(db), err, tmp);
		} else {
			int rc;
			while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK ||
			       rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
				int total = sqlite3_backup_pagecount(b);
				if (progress && total > 0)
					progress(progress_ctx,
					         1.0 - (double)sqlite3_backup_remaining(b) /
					                       (double)total);
			}
			sqlite3_backup_finish(b);
			if (rc != SQLITE_DONE)
				e = store_fail(db, rc, err, tmp);
		}
	}
	/* The copy must open with our keys, match its manifest, and every
	 * record in it must authenticate: a backup is only as good as that. */
	if (e == BRON_OK)
		e = integrity(db, err);
	if (e == BRON_OK)
		e = manifest_verify(db, v->vault_id, v->epoch, v->keys, NULL, err);
	if (e == BRON_OK)
		e = orphan_payloads(db, err);
	if (e == BRON_OK) {
		struct bron_vault copy = *v;
		copy.db = db;
		e = each_record(&copy, NULL, NULL, NULL, NULL, err);
	}
	if (db) {
		store_checkpoint(db);
		sqlite3_close(db); /* the last connection: the WAL goes away */
	}
	if (e == BRON_OK)
		e = fsync_path(tmp, 0, err);
	return e;
}

/*
 * The copy is written under a temporary name in dest's directory and only
 * linked to dest once it is complete, verified and on disk, so dest is
 * either absent or a whole vault, whenever the process stops.
 */
bron_err bron_vault_backup(struct bron_vault *v, const char *dest,
                           bron_progress_fn progress, void *progress_ctx,
                           struct bron_error *err)
{
	char dir[4096], tmp[4200];
	if (!v->keys)
		return bron_fail(err, BRON_E_LOCKED,
		                 _("the vault is locked; unlock it first"));
	if (access(dest, F_OK) == 0)
		return bron_fail(err, BRON_E_EXISTS,
		                 _("%s exists already; bron will not overwrite it"),
		                 dest);
	if (snprintf(tmp, sizeof(tmp), "%s.partial-XXXXXX", dest) >=
	    (int)sizeof(tmp))
		return bron_fail(err, BRON_E_INVALID, _("the path is too long"));
	int fd = mkstemp(tmp); /* 0600, O_EXCL */
	if (fd < 0) {
		int e = errno;
		return bron_fail(err, e == ENOSPC ? BRON_E_NOSPACE : BRON_E_IO,
		                 _("cannot create %s: %s"), dest, strerror(e));
	}
	close(fd);
	bron_err e = copy_into(v, tmp, progress, progress_ctx, err);
	if (e == BRON_OK && link(tmp, dest) != 0) {
		int en = errno;
		e = en == EEXIST
		            ? bron_fail(err, BRON_E_EXISTS,
		                        _("%s exists already; bron will not "
		                          "overwrite it"),
		                        dest)
		            : bron_fail(err, en == ENOSPC ? BRON_E_NOSPACE : BRON_E_IO,
		                        _("cannot create %s: %s"), dest,
		                        strerror(en));
	}
	unlink_db(tmp);
	if (e == BRON_OK) {
		parent_dir(dest, dir, sizeof(dir));
		e = fsync_path(dir, 1, err);
	}
	return e;
}
