/*
 * manifest.c - the authenticated list of all records.
 *
 * The manifest row holds a change counter, the number of records, the sum of
 * their revisions and a keyed BLAKE2b MAC (listmac) over every record's
 * (id, revision, nonce, tag) in id order; a second MAC (headmac) covers the
 * row itself.  The AEAD tag and nonce stand for the ciphertext: no other
 * ciphertext verifies under the same nonce and tag without the key, so
 * binding them binds the ciphertext, and checking the manifest reads only the
 * small record table, never the payloads.
 *
 * When the list does not match, the count and revision sum the row vouches
 * for tell rows missing from rows added, and decrypting each record tells a
 * tampered row from an old revision put back.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vault_int.h"
#include "banned.h"

static const uint8_t list_personal[16] = "bron-manifest-ls";
static const uint8_t head_personal[16] = "bron-manifest-hd";

static void mac_init(crypto_generichash_blake2b_state *st, const uint8_t *key,
                     const uint8_t *personal, const uint8_t *vault_id,
                     uint32_t epoch)
{
	uint8_t pre[MAGIC_LEN + VAULT_ID_LEN + 4];
	crypto_generichash_blake2b_init_salt_personal(st, key, KEY_LEN, SUM_LEN,
	                                              NULL, personal);
	memcpy(pre, bron_magic, MAGIC_LEN);
	memcpy(pre + MAGIC_LEN, vault_id, VAULT_ID_LEN);
	put_le32(pre + MAGIC_LEN + VAULT_ID_LEN, epoch);
	crypto_generichash_blake2b_update(st, pre, sizeof(pre));
}

bron_err manifest_compute(sqlite3 *db, const uint8_t *vault_id,
                          uint32_t epoch, const uint8_t *mkey,
                          struct manifest *m, struct bron_error *err)
{
	crypto_generichash_blake2b_state st;
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(
	        db, "SELECT id, rev, nonce, tag FROM record ORDER BY id", -1, &q,
	        NULL);
	if (rc != SQLITE_OK)
		return store_fail(db, rc, err, _("reading the record list"));
	mac_init(&st, mkey, list_personal, vault_id, epoch);
	m->count = 0;
	m->revsum = 0;
	bron_err e = BRON_OK;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		uint8_t t[8 + 8 + NONCE_LEN + TAG_LEN];
		sqlite3_int64 id = sqlite3_column_int64(q, 0);
		sqlite3_int64 rev = sqlite3_column_int64(q, 1);
		if (sqlite3_column_bytes(q, 2) != NONCE_LEN ||
		    sqlite3_column_bytes(q, 3) != TAG_LEN || id <= 0 || rev <= 0) {
			e = bron_fail(err, BRON_E_TAMPERED,
			              _("record %016llx is malformed"),
			              (unsigned long long)id);
			break;
		}
		put_le64(t, (uint64_t)id);
		put_le64(t + 8, (uint64_t)rev);
		memcpy(t + 16, sqlite3_column_blob(q, 2), NONCE_LEN);
		memcpy(t + 16 + NONCE_LEN, sqlite3_column_blob(q, 3), TAG_LEN);
		crypto_generichash_blake2b_update(&st, t, sizeof(t));
		m->count++;
		m->revsum += (uint64_t)rev;
	}
	if (e == BRON_OK && rc != SQLITE_DONE)
		e = store_fail(db, rc, err, _("reading the record list"));
	sqlite3_finalize(q);
	crypto_generichash_blake2b_final(&st, m->listmac, SUM_LEN);
	return e;
}

static void manifest_encode(uint8_t out[MANIFEST_LEN], const struct manifest *m,
                            const uint8_t *vault_id, const uint8_t *mkey)
{
	crypto_generichash_blake2b_state st;
	put_le32(out, m->version);
	put_le32(out + 4, m->epoch);
	put_le64(out + 8, m->seq);
	put_le64(out + 16, m->count);
	put_le64(out + 24, m->revsum);
	memcpy(out + 32, m->listmac, SUM_LEN);
	mac_init(&st, mkey, head_personal, vault_id, m->epoch);
	crypto_generichash_blake2b_update(&st, out, MANIFEST_BODY);
	crypto_generichash_blake2b_final(&st, out + MANIFEST_BODY, SUM_LEN);
}

bron_err manifest_write(sqlite3 *db, const uint8_t *vault_id, uint32_t epoch,
                        const uint8_t *mkey, uint64_t seq,
                        struct manifest *out, struct bron_error *err)
{
	struct manifest m = {.version = MANIFEST_VERSION, .epoch = epoch,
	                     .seq = seq};
	uint8_t row[MANIFEST_LEN];
	bron_err e = manifest_compute(db, vault_id, epoch, mkey, &m, err);
	if (e != BRON_OK)
		return e;
	manifest_encode(row, &m, vault_id, mkey);
	e = store_meta_put(db, META_MANIFEST, row, sizeof(row), err);
	if (e == BRON_OK && out)
		*out = m;
	return e;
}

/* Why does the list not match?  Called only on a mismatch. */
static bron_err diagnose(sqlite3 *db, const uint8_t *vault_id, uint32_t epoch,
                         const struct keys *k, const struct manifest *want,
                         const struct manifest *have, struct bron_error *err)
{
	if (have->count < want->count)
		return bron_fail(err, BRON_E_ROWS_MISSING,
		                 P_("%llu record is missing from the vault",
		                    "%llu records are missing from the vault",
		                    want->count - have->count),
		                 (unsigned long long)(want->count - have->count));
	if (have->count > want->count)
		return bron_fail(err, BRON_E_ROWS_EXTRA,
		                 P_("the vault holds %llu record it should not have "
		                    "(added or duplicated)",
		                    "the vault holds %llu records it should not have "
		                    "(added or duplicated)",
		                    have->count - want->count),
		                 (unsigned long long)(have->count - want->count));

	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(
	        db, "SELECT r.id, r.rev, r.nonce, r.tag, p.ct FROM record r "
	            "LEFT JOIN payload p ON p.id = r.id ORDER BY r.id",
	        -1, &q, NULL);
	if (rc != SQLITE_OK)
		return store_fail(db, rc, err, _("reading the records"));
	bron_err e = BRON_OK;
	struct plainbuf b = {0};
	while (e == BRON_OK && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		bron_id id = (bron_id)sqlite3_column_int64(q, 0);
		uint64_t rev = (uint64_t)sqlite3_column_int64(q, 1);
		const uint8_t *ct = sqlite3_column_blob(q, 4);
		size_t n = (size_t)sqlite3_column_bytes(q, 4);
		if ((e = plainbuf_reserve(&b, n + 1, err)) != BRON_OK)
			break;
		size_t len;
		if (!ct || record_open(vault_id, k->record, id, rev, epoch,
		                       sqlite3_column_blob(q, 2),
		                       sqlite3_column_blob(q, 3), ct, n, b.p,
		                       &len) != 0)
			e = bron_fail(err, BRON_E_TAMPERED,
			              _("record %016llx has been tampered with"),
			              (unsigned long long)id);
		else
			sodium_memzero(b.p, len);
	}
	sqlite3_finalize(q);
	plainbuf_release(&b);
	if (e != BRON_OK)
		return e;
	if (have->revsum < want->revsum)
		return bron_fail(err, BRON_E_ROLLBACK,
		                 _("records were rolled back to older revisions"));
	return bron_fail(err, BRON_E_MANIFEST,
	                 _("the records do not match the manifest (rows were "
	                   "replaced or swapped)"));
}

bron_err manifest_verify(sqlite3 *db, const uint8_t *vault_id,
                         uint32_t epoch, const struct keys *k,
                         struct manifest *out, struct bron_error *err)
{
	uint8_t row[MANIFEST_LEN], mac[SUM_LEN];
	crypto_generichash_blake2b_state st;
	bron_err e = store_meta_get(db, META_MANIFEST, row, sizeof(row), err);
	if (e != BRON_OK)
		return e == BRON_E_DAMAGED
		               ? bron_fail(err, BRON_E_MANIFEST,
		                           _("the manifest is missing or damaged"))
		               : e;
	mac_init(&st, k->manifest, head_personal, vault_id, epoch);
	crypto_generichash_blake2b_update(&st, row, MANIFEST_BODY);
	crypto_generichash_blake2b_final(&st, mac, SUM_LEN);
	if (sodium_memcmp(mac, row + MANIFEST_BODY, SUM_LEN) != 0)
		return bron_fail(err, BRON_E_MANIFEST,
		                 _("the manifest is damaged or belongs to another "
		                   "vault"));
	struct manifest want = {
	        .version = get_le32(row),
	        .epoch = get_le32(row + 4),
	        .seq = get_le64(row + 8),
	        .count = get_le64(row + 16),
	        .revsum = get_le64(row + 24),
	};
	memcpy(want.listmac, row + 32, SUM_LEN);
	if (want.version != MANIFEST_VERSION || want.epoch != epoch)
		return bron_fail(err, BRON_E_MANIFEST,
		                 _("the manifest does not belong to this key epoch"));
	struct manifest have = want;
	e = manifest_compute(db, vault_id, epoch, k->manifest, &have, err);
	if (e != BRON_OK)
		return e;
	if (sodium_memcmp(have.listmac, want.listmac, SUM_LEN) != 0)
		return diagnose(db, vault_id, epoch, k, &want, &have, err);
	if (out)
		*out = want;
	return BRON_OK;
}
