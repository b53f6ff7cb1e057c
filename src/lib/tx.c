/*
 * tx.c - every change is one transaction: take the writer lock, BEGIN
 * IMMEDIATE, make sure nobody rekeyed the vault or touched the records behind
 * our back (the manifest), change, rewrite the manifest, COMMIT.
 */
#include "internal.h"
#include "vault_int.h"
#include "banned.h"

/* Checks the header's key epoch and the manifest inside an open transaction. */
static bron_err tx_check(struct bron_vault *v, struct bron_error *err)
{
	uint8_t hdr[HEADER_LEN], id[VAULT_ID_LEN];
	uint32_t version, epoch;
	bron_err e = store_meta_get(v->db, META_HEADER, hdr, sizeof(hdr), err);
	if (e == BRON_OK)
		e = header_decode(hdr, id, &version, &epoch, err);
	if (e != BRON_OK)
		return e;
	if (epoch != v->epoch)
		return bron_fail(err, BRON_E_CONFLICT,
		                 _("the vault was rekeyed by another process; "
		                   "unlock it again"));
	return tx_verify(v, err);
}

static long long data_version(sqlite3 *db)
{
	sqlite3_stmt *q = NULL;
	long long dv = -1;
	if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &q, NULL) ==
	            SQLITE_OK &&
	    sqlite3_step(q) == SQLITE_ROW)
		dv = sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	return dv;
}

/*
 * The records cannot have changed since this connection last verified or
 * wrote them unless another connection committed, which data_version tells.
 * (Editing the file behind SQLite's back while bron runs is the compromised
 * session SECURITY.md leaves out.)  So a second check in a row is skipped,
 * which halves the work of unlock-then-read.
 */
bron_err tx_verify(struct bron_vault *v, struct bron_error *err)
{
	long long dv = data_version(v->db);
	if (v->verified && dv >= 0 && dv == v->verified_dv)
		return BRON_OK;
	bron_err e = manifest_verify(v->db, v->vault_id, v->epoch, v->keys,
	                             &v->man, err);
	v->verified = e == BRON_OK && dv >= 0;
	v->verified_dv = dv;
	return e;
}

static bron_err need_keys(struct bron_vault *v, struct bron_error *err)
{
	if (!v->keys)
		return bron_fail(err, BRON_E_LOCKED,
		                 _("the vault is locked; unlock it first"));
	return BRON_OK;
}

bron_err tx_begin(struct bron_vault *v, struct bron_error *err)
{
	if (v->batch)
		return BRON_OK; /* the batch's transaction is already open */
	bron_err e = need_keys(v, err);
	if (e != BRON_OK)
		return e;
	if (v->flags & BRON_OPEN_READONLY)
		return bron_fail(err, BRON_E_READONLY,
		                 _("the vault was opened read-only"));
	e = lock_acquire(v, err);
	if (e != BRON_OK)
		return e;
	e = store_exec(v->db, "BEGIN IMMEDIATE", err);
	if (e != BRON_OK) {
		lock_release(v);
		return e;
	}
	e = tx_check(v, err);
	if (e != BRON_OK)
		tx_abort(v);
	return e;
}

bron_err tx_commit(struct bron_vault *v, struct bron_error *err)
{
	if (v->batch)
		return BRON_OK; /* bron_vault_batch_commit() finishes it */
	return tx_finish(v, err);
}

bron_err tx_finish(struct bron_vault *v, struct bron_error *err)
{
	struct manifest m;
	bron_err e = manifest_write(v->db, v->vault_id, v->epoch,
	                            v->keys->manifest, v->man.seq + 1, &m, err);
	if (e == BRON_OK)
		e = store_exec(v->db, "COMMIT", err);
	if (e != BRON_OK) {
		tx_abort(v);
		return e;
	}
	v->man = m;
	v->wrote = 1;
	lock_release(v);
	return BRON_OK;
}

void tx_abort(struct bron_vault *v)
{
	v->batch = 0;
	if (!sqlite3_get_autocommit(v->db))
		sqlite3_exec(v->db, "ROLLBACK", NULL, NULL, NULL);
	lock_release(v);
}

bron_err tx_read_begin(struct bron_vault *v, struct bron_error *err)
{
	bron_err e = need_keys(v, err);
	if (e != BRON_OK)
		return e;
	e = store_exec(v->db, "BEGIN", err);
	if (e != BRON_OK)
		return e;
	e = tx_check(v, err);
	if (e != BRON_OK)
		tx_read_end(v);
	return e;
}

void tx_read_end(struct bron_vault *v)
{
	if (!sqlite3_get_autocommit(v->db))
		sqlite3_exec(v->db, "COMMIT", NULL, NULL, NULL);
}

bron_err bron_vault_batch_begin(struct bron_vault *v, struct bron_error *err)
{
	if (v->batch)
		return bron_fail(err, BRON_E_INVALID, _("a batch is already open"));
	bron_err e = tx_begin(v, err);
	if (e == BRON_OK)
		v->batch = 1;
	return e;
}

bron_err bron_vault_batch_commit(struct bron_vault *v, struct bron_error *err)
{
	if (!v->batch)
		return bron_fail(err, BRON_E_INVALID,
		                 _("no batch is open (an operation in it failed?)"));
	v->batch = 0;
	bron_err e = tx_finish(v, err);
	if (e == BRON_OK)
		store_checkpoint(v->db); /* deleted pages leave the WAL */
	return e;
}

void bron_vault_batch_abort(struct bron_vault *v)
{
	if (v->batch)
		tx_abort(v);
}
