/*
 * bron/vault.h - the encrypted vault: one SQLite file holding key slots,
 * encrypted records and an authenticated manifest.  docs/FORMAT.md describes
 * every byte; this header describes the behaviour.
 *
 * Invariants
 *  - Nothing readable reaches the disk: each record is padded and sealed with
 *    XChaCha20-Poly1305 under a subkey of a random master key; the associated
 *    data binds vault id, record id, revision and key epoch.
 *  - The master key is wrapped twice: under an Argon2id key from the
 *    passphrase, and under a random recovery code.  No passphrase hash is kept.
 *  - Every change is one SQLite transaction that also rewrites the manifest,
 *    a keyed MAC over all (id, revision, nonce, tag) tuples.  Unlocking checks
 *    it, so dropped, added, stale or replaced rows are reported.
 *  - Writers serialise on an flock()ed lock file next to the vault; a writer
 *    that cannot get it within the timeout fails with BRON_E_IN_USE.
 *  - Keys live in sodium_malloc() memory and are wiped on lock and close.
 *
 * Ownership: a struct bron_vault is created by bron_vault_create() or
 * bron_vault_open() and freed by bron_vault_free().  Record payloads handed
 * to the caller are owned by the caller and released with bron_secret_free().
 * All functions take an optional struct bron_error *err (may be NULL).
 */
#ifndef BRON_VAULT_H
#define BRON_VAULT_H

#include <stddef.h>
#include <stdint.h>

#include "bron/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The on-disk format version this build writes and the newest it reads. */
#define BRON_FORMAT_VERSION 1

/* A recovery code as shown to the user: 14 groups of 4, dash-separated. */
#define BRON_RECOVERY_CODE_LEN 69

/* Record ids are random, never 0, below 2^63. */
typedef uint64_t bron_id;

struct bron_vault;

/* Argon2id cost.  memlimit in bytes. */
struct bron_kdf {
	uint64_t opslimit;
	uint64_t memlimit;
};

/* Largest parameters bron accepts when opening a vault (refused before the
 * KDF runs, so a crafted file cannot hang the program). */
#define BRON_KDF_MAX_MEMLIMIT (4ULL << 30)
#define BRON_KDF_MAX_OPSLIMIT 20ULL

/* Flags for bron_vault_create() and bron_vault_passwd(). */
#define BRON_KDF_ALLOW_WEAK 0x1u /* accept parameters below INTERACTIVE */

/* Flags for bron_vault_open(). */
#define BRON_OPEN_READONLY 0x1u

/*
 * Called with a fraction in [0, 1] during long operations (calibration,
 * rekey, backup).  May be NULL.
 */
typedef void (*bron_progress_fn)(void *ctx, double fraction);

/*
 * Measures Argon2id on this machine and fills *out with parameters that take
 * about target_seconds with at least min_memlimit bytes.  Returns BRON_OK, or
 * BRON_E_NOMEM when the machine cannot even afford min_memlimit.
 */
bron_err bron_kdf_calibrate(struct bron_kdf *out, double target_seconds,
                            uint64_t min_memlimit, bron_progress_fn progress,
                            void *progress_ctx, struct bron_error *err);

/*
 * Whether kdf is at or above libsodium's INTERACTIVE preset.  Parameters
 * below it are accepted only with BRON_KDF_ALLOW_WEAK (tests use them).
 */
int bron_kdf_is_strong(const struct bron_kdf *kdf);

/*
 * Creates a new vault at path (which must not exist; its directory must),
 * protected by the passphrase.  Writes the recovery code, NUL-terminated, to
 * recovery[BRON_RECOVERY_CODE_LEN + 1]; the caller shows it once and wipes
 * it.  On success *out is an unlocked vault owned by the caller.  On failure
 * no file is left behind.
 */
bron_err bron_vault_create(const char *path, const char *pass, size_t passlen,
                           const struct bron_kdf *kdf, unsigned flags,
                           char recovery[BRON_RECOVERY_CODE_LEN + 1],
                           struct bron_vault **out, struct bron_error *err);

/*
 * Opens an existing vault, still locked.  Checks ownership and permissions,
 * that the file is a bron vault, its format version and the key slots'
 * checksums, but derives no key.  *out is owned by the caller.
 */
bron_err bron_vault_open(const char *path, unsigned flags,
                         struct bron_vault **out, struct bron_error *err);

/* Unlocks with the passphrase, then verifies the manifest. */
bron_err bron_vault_unlock(struct bron_vault *v, const char *pass,
                           size_t passlen, struct bron_error *err);

/*
 * Unlocks with a recovery code as printed (case, spaces and dashes do not
 * matter; O/I/L are read as 0/1/1), then verifies the manifest.
 */
bron_err bron_vault_unlock_recovery(struct bron_vault *v, const char *code,
                                    struct bron_error *err);

/* Wipes the keys; the vault stays open and can be unlocked again. */
void bron_vault_lock(struct bron_vault *v);

/* 1 when unlocked. */
int bron_vault_is_unlocked(const struct bron_vault *v);

/*
 * Sets how long a writer waits for another writer before BRON_E_IN_USE.
 * Default 5000 ms; 0 means do not wait.
 */
void bron_vault_set_lock_timeout(struct bron_vault *v, unsigned ms);

/*
 * Changes the passphrase: rewraps the master key under a key derived from
 * the new passphrase with kdf.  No record is re-encrypted; the recovery code
 * keeps working.  Needs an unlocked vault.
 */
bron_err bron_vault_passwd(struct bron_vault *v, const char *newpass,
                           size_t newlen, const struct bron_kdf *kdf,
                           unsigned flags, struct bron_error *err);

/*
 * Replaces the master key: re-encrypts every record under the new key in one
 * transaction and raises the key epoch.  The passphrase is asked again (it
 * rewraps the new key with the vault's current KDF parameters); a new
 * recovery code is written to recovery[] and the old one stops working.
 */
bron_err bron_vault_rekey(struct bron_vault *v, const char *pass,
                          size_t passlen,
                          char recovery[BRON_RECOVERY_CODE_LEN + 1],
                          bron_progress_fn progress, void *progress_ctx,
                          struct bron_error *err);

/*
 * Stores data as a record.  With *id == 0 a new record is made, *id is set
 * to its fresh id and expected_rev must be 0.  Otherwise the record *id is
 * replaced by a new revision, provided its current revision is expected_rev
 * (else BRON_E_CONFLICT, so no update is lost).  *rev_out, when not NULL,
 * receives the new revision.  data is copied; the caller keeps ownership.
 */
bron_err bron_vault_put(struct bron_vault *v, bron_id *id,
                        uint64_t expected_rev, const void *data, size_t len,
                        uint64_t *rev_out, struct bron_error *err);

/*
 * Groups many puts and deletes into one transaction, with one manifest
 * check at the start and one manifest write at the end: for imports and bulk
 * changes.  The writer lock is held from begin to commit.  If any operation
 * inside the batch fails, the whole batch is rolled back and ended, and that
 * operation's error is returned; bron_vault_batch_commit() then returns
 * BRON_E_INVALID.  Nothing of a batch is visible to others before commit.
 */
bron_err bron_vault_batch_begin(struct bron_vault *v, struct bron_error *err);
bron_err bron_vault_batch_commit(struct bron_vault *v, struct bron_error *err);
/* Rolls back and ends a batch; does nothing when none is open. */
void bron_vault_batch_abort(struct bron_vault *v);

/*
 * Decrypts record id.  *data (NUL-terminated after len bytes, for
 * convenience) is owned by the caller: free it with bron_secret_free(*data,
 * *len).  rev may be NULL.
 */
bron_err bron_vault_get(struct bron_vault *v, bron_id id, uint8_t **data,
                        size_t *len, uint64_t *rev, struct bron_error *err);

/*
 * Deletes record id (SQLite secure_delete overwrites the freed pages, and
 * the WAL is checkpointed and truncated).  expected_rev 0 skips the
 * revision check.
 */
bron_err bron_vault_delete(struct bron_vault *v, bron_id id,
                           uint64_t expected_rev, struct bron_error *err);

/*
 * Called once per record, in id order.  data is valid only during the call
 * and is wiped afterwards.  Return 0 to go on, anything else to stop
 * (bron_vault_foreach then returns BRON_OK).
 */
typedef int (*bron_record_fn)(void *ctx, bron_id id, uint64_t rev,
                              const uint8_t *data, size_t len);

/* Decrypts every record in turn, holding one at a time in memory. */
bron_err bron_vault_foreach(struct bron_vault *v, bron_record_fn fn,
                            void *ctx, struct bron_error *err);

/*
 * Calls fn(ctx, id, rev) for every record id, in id order, without
 * decrypting anything (ids and revisions are not secret).  Return non-zero
 * from fn to stop.  Needs an unlocked vault (the manifest is checked first).
 */
typedef int (*bron_id_fn)(void *ctx, bron_id id, uint64_t rev);
bron_err bron_vault_foreach_id(struct bron_vault *v, bron_id_fn fn, void *ctx,
                               struct bron_error *err);

/* Number of records, from the verified manifest. */
uint64_t bron_vault_count(const struct bron_vault *v);

/*
 * Writes a consistent copy of the vault to dest (which must not exist),
 * mode 0600, using SQLite's online backup, then opens the copy and checks
 * its structure and manifest with the current keys.
 */
bron_err bron_vault_backup(struct bron_vault *v, const char *dest,
                           bron_progress_fn progress, void *progress_ctx,
                           struct bron_error *err);

struct bron_verify_report {
	uint64_t records;     /* records decrypted and authenticated */
	uint64_t bytes;       /* ciphertext bytes checked */
	uint64_t seq;         /* manifest change counter */
	uint32_t epoch;       /* key epoch */
};

/*
 * Checks everything an unlocked vault can check: SQLite's integrity_check,
 * the header, both key slots' checksums, the manifest, and every record's
 * authentication and padding.  Fills *report when not NULL.
 */
bron_err bron_vault_verify(struct bron_vault *v,
                           struct bron_verify_report *report,
                           struct bron_error *err);

/* Wipes keys, closes the database (checkpointing the WAL), frees v. */
void bron_vault_free(struct bron_vault *v);

/* Wipes len bytes at p and frees them; p may be NULL. */
void bron_secret_free(void *p, size_t len);

/* The vault's path as given to open or create.  Owned by v. */
const char *bron_vault_path(const struct bron_vault *v);

#ifdef __cplusplus
}
#endif
#endif
