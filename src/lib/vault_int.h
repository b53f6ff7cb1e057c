/*
 * vault_int.h - the vault's private state and the pieces its source files
 * share: on-disk constants (docs/FORMAT.md), the SQLite helpers, the writer
 * lock and the manifest.
 */
#ifndef BRON_VAULT_INT_H
#define BRON_VAULT_INT_H

#include <sqlite3.h>
#include <stdint.h>

#include "bron/vault.h"

/* ---- on-disk constants (docs/FORMAT.md) ---- */

#define MAGIC_LEN 8
extern const uint8_t bron_magic[MAGIC_LEN]; /* "BRONVLT\n" */

#define VAULT_ID_LEN 16
#define KEY_LEN 32
#define SALT_LEN 16
#define NONCE_LEN 24 /* XChaCha20-Poly1305 */
#define TAG_LEN 16
#define SUM_LEN 32   /* BLAKE2b-256 checksums and MACs */

#define APPLICATION_ID 0x42524F4E /* "BRON" in the SQLite header */

/* rows of the meta table */
#define META_HEADER 1
#define META_SLOT_PASS 2
#define META_SLOT_RECOVERY 3
#define META_MANIFEST 4

#define HEADER_LEN (MAGIC_LEN + 4 + VAULT_ID_LEN + 4 + SUM_LEN)

#define SLOT_PASS 1
#define SLOT_RECOVERY 2
#define SLOT_ALG_ARGON2ID13 1
#define SLOT_ALG_RECOVERY 2
#define SLOT_AD_PART 36 /* kind, alg, reserved, ops, mem, salt */
#define SLOT_LEN (SLOT_AD_PART + NONCE_LEN + KEY_LEN + TAG_LEN + SUM_LEN)

#define MANIFEST_VERSION 1
#define MANIFEST_BODY (4 + 4 + 8 + 8 + 8 + SUM_LEN)
#define MANIFEST_LEN (MANIFEST_BODY + SUM_LEN)

#define KDF_CONTEXT "bronvlt1"
#define SUBKEY_RECORD 1
#define SUBKEY_MANIFEST 2

#define PAD_FLOOR 1024

/* ---- state ---- */

struct slot {
	uint8_t kind, alg;
	uint64_t opslimit, memlimit;
	uint8_t salt[SALT_LEN];
	uint8_t nonce[NONCE_LEN];
	uint8_t wrapped[KEY_LEN + TAG_LEN];
};

/* Keys, in one sodium_malloc() block. */
struct keys {
	uint8_t master[KEY_LEN];
	uint8_t record[KEY_LEN];
	uint8_t manifest[KEY_LEN];
};

/* A decoded manifest row. */
struct manifest {
	uint32_t version, epoch;
	uint64_t seq, count, revsum;
	uint8_t listmac[SUM_LEN];
};

struct bron_vault {
	char *path;
	char *lockpath;
	sqlite3 *db;
	unsigned flags;
	unsigned lock_timeout_ms;
	int lockfd;                   /* >= 0 while we hold the writer lock */
	int batch;                    /* inside bron_vault_batch_begin() */
	int wrote;                    /* committed a change since open */
	uint8_t vault_id[VAULT_ID_LEN];
	uint32_t version;
	uint32_t epoch;
	struct keys *keys;            /* NULL while locked */
	struct manifest man;          /* last verified manifest */
	int verified;                 /* man matches the records ... */
	long long verified_dv;        /* ... as of this PRAGMA data_version */
};

/* ---- store.c: SQLite ---- */

/* Maps an SQLite result to a bron error with a message naming what. */
bron_err store_fail(sqlite3 *db, int rc, struct bron_error *err,
                    const char *what);
/* Opens path with bron's pragmas. */
bron_err store_open(const char *path, int readonly, int create, sqlite3 **db,
                    struct bron_error *err);
bron_err store_exec(sqlite3 *db, const char *sql, struct bron_error *err);
/* Reads meta row k into buf, which must be exactly len bytes long. */
bron_err store_meta_get(sqlite3 *db, int k, uint8_t *buf, size_t len,
                        struct bron_error *err);
bron_err store_meta_put(sqlite3 *db, int k, const uint8_t *buf, size_t len,
                        struct bron_error *err);
/* PRAGMA wal_checkpoint(TRUNCATE); failures are ignored (best effort). */
void store_checkpoint(sqlite3 *db);

/* ---- lock.c: the writer lock ---- */

bron_err lock_acquire(struct bron_vault *v, struct bron_error *err);
void lock_release(struct bron_vault *v);

/* ---- tx.c: write transactions ---- */

/*
 * Verifies the manifest unless this connection already did and no other
 * connection has committed since (PRAGMA data_version).  Must run inside a
 * transaction.
 */
bron_err tx_verify(struct bron_vault *v, struct bron_error *err);

/* Takes the writer lock, BEGIN IMMEDIATE, checks the header epoch and the
 * manifest.  Needs an unlocked, writable vault. */
bron_err tx_begin(struct bron_vault *v, struct bron_error *err);
/* Rewrites the manifest (seq + 1) with v's keys, COMMIT, releases the lock. */
bron_err tx_commit(struct bron_vault *v, struct bron_error *err);
/* Like tx_commit, also at the end of a batch. */
bron_err tx_finish(struct bron_vault *v, struct bron_error *err);
/* ROLLBACK and release; ends a batch. */
void tx_abort(struct bron_vault *v);
/* A read transaction with the same checks, for consistent reads. */
bron_err tx_read_begin(struct bron_vault *v, struct bron_error *err);
void tx_read_end(struct bron_vault *v);

/* ---- manifest.c ---- */

/*
 * Computes the manifest of the records in db as they are now.  Fills m's
 * count, revsum and listmac; version, epoch and seq are left untouched.
 */
bron_err manifest_compute(sqlite3 *db, const uint8_t *vault_id,
                          uint32_t epoch, const uint8_t *mkey,
                          struct manifest *m, struct bron_error *err);
/*
 * Reads the stored manifest, checks its own MAC and compares it with the
 * records.  On a mismatch finds out why (missing, extra, tampered, stale).
 * On success *out holds the stored manifest.
 */
bron_err manifest_verify(sqlite3 *db, const uint8_t *vault_id,
                         uint32_t epoch, const struct keys *k,
                         struct manifest *out, struct bron_error *err);
/* Computes the manifest of db now, with m->seq as given, and stores it. */
bron_err manifest_write(sqlite3 *db, const uint8_t *vault_id, uint32_t epoch,
                        const uint8_t *mkey, uint64_t seq,
                        struct manifest *out, struct bron_error *err);

/* ---- crypto.c ---- */

/* A growable buffer for one decrypted record, wiped whenever it is dropped. */
struct plainbuf {
	uint8_t *p;
	size_t cap;
};
bron_err plainbuf_reserve(struct plainbuf *b, size_t n, struct bron_error *err);
void plainbuf_release(struct plainbuf *b);

void derive_subkeys(struct keys *k);
/* Record associated data. */
#define RECORD_AD_LEN (MAGIC_LEN + VAULT_ID_LEN + 8 + 8 + 4)
void record_ad(uint8_t ad[RECORD_AD_LEN], const uint8_t *vault_id, bron_id id,
               uint64_t rev, uint32_t epoch);
/* The padded size of a payload of len bytes. */
size_t pad_size(size_t len);
/* Pads len bytes in buf (of capacity cap >= pad_size(len)). */
size_t pad_apply(uint8_t *buf, size_t len, size_t cap);
/* Strips padding; returns 0 and sets *len, or -1 if malformed. */
int pad_strip(const uint8_t *buf, size_t padded, size_t *len);
/*
 * Opens one record: authenticates and decrypts ct (ctlen bytes) into
 * out (capacity >= ctlen + 1) and strips padding.  -1 on failure.
 */
int record_open(const uint8_t *vault_id, const uint8_t *rkey, bron_id id,
                uint64_t rev, uint32_t epoch, const uint8_t *nonce,
                const uint8_t *tag, const uint8_t *ct, size_t ctlen,
                uint8_t *out, size_t *outlen);

/* Header and slot encoding. */
void header_encode(uint8_t out[HEADER_LEN], const uint8_t *vault_id,
                   uint32_t version, uint32_t epoch);
bron_err header_decode(const uint8_t in[HEADER_LEN], uint8_t *vault_id,
                       uint32_t *version, uint32_t *epoch,
                       struct bron_error *err);
void slot_encode(uint8_t out[SLOT_LEN], const struct slot *s);
bron_err slot_decode(const uint8_t in[SLOT_LEN], struct slot *s,
                     uint8_t expect_kind, struct bron_error *err);
/* Wraps/unwraps the master key under kek, binding the slot to the vault. */
void slot_wrap(struct slot *s, const uint8_t *kek, const uint8_t *master,
               const uint8_t *vault_id, uint32_t epoch);
int slot_unwrap(const struct slot *s, const uint8_t *kek, uint8_t *master,
                const uint8_t *vault_id, uint32_t epoch);
/* The recovery key-encryption key from the 32 code bytes and the salt. */
void recovery_kek(uint8_t kek[KEY_LEN], const uint8_t code[KEY_LEN],
                  const uint8_t salt[SALT_LEN]);
/* Formats 32 bytes as a recovery code with checksum. */
void recovery_format(char out[BRON_RECOVERY_CODE_LEN + 1],
                     const uint8_t code[KEY_LEN]);
/* Parses a recovery code; BRON_E_RECOVERY_TYPO when malformed. */
bron_err recovery_parse(const char *text, uint8_t code[KEY_LEN],
                        struct bron_error *err);
/* Checks KDF parameters against bron's limits. */
bron_err kdf_check(uint64_t opslimit, uint64_t memlimit,
                   struct bron_error *err);

#endif
