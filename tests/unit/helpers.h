/*
 * helpers.h - shared fixtures for the unit tests: a private temporary
 * directory per test and vaults with tiny KDF parameters, so that Argon2id
 * does not dominate the run time.
 */
#ifndef BRON_TEST_HELPERS_H
#define BRON_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "bron/bron.h"

#define TEST_PASS "correct horse battery staple"

/* Argon2id at its minimum: for tests only (needs BRON_KDF_ALLOW_WEAK). */
extern const struct bron_kdf test_kdf;

struct tmpdir {
	char path[256];
	char vault[300];
};

/* Makes a fresh 0700 directory under $TMPDIR (or /tmp); aborts on failure. */
void tmpdir_make(struct tmpdir *t);
/* Removes the directory and everything in it. */
void tmpdir_remove(struct tmpdir *t);

/* Creates t->vault with TEST_PASS; the recovery code goes to code if set. */
struct bron_vault *vault_new(struct tmpdir *t,
                             char code[BRON_RECOVERY_CODE_LEN + 1]);
/* Opens and unlocks t->vault with TEST_PASS; asserts success. */
struct bron_vault *vault_reopen(struct tmpdir *t);
/* Opens and unlocks; returns the error code instead of asserting. */
bron_err vault_try_open(const char *path, const char *pass,
                        struct bron_vault **out, struct bron_error *err);

/* Adds a record holding text; returns its id. */
bron_id put_text(struct bron_vault *v, const char *text);

/* Runs an SQL statement on the vault file behind bron's back. */
void sql_exec(const char *path, const char *sql);

/* Reads the whole file into a malloc'ed buffer; *len receives its size. */
uint8_t *file_read(const char *path, size_t *len);
void file_write(const char *path, const uint8_t *buf, size_t len);

#endif
