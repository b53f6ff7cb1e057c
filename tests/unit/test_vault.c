/*
 * test_vault.c - the vault's life cycle: create, unlock, records, passwd,
 * recovery, rekey, backup, verify, and the errors on bad files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"

static int setup(void **state)
{
	struct tmpdir *t = calloc(1, sizeof(*t));
	tmpdir_make(t);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	tmpdir_remove(*state);
	free(*state);
	return 0;
}

static void expect_text(struct bron_vault *v, bron_id id, const char *want)
{
	uint8_t *data = NULL;
	size_t len = 0;
	struct bron_error err;
	if (bron_vault_get(v, id, &data, &len, NULL, &err) != BRON_OK)
		fail_msg("get: %s", err.msg);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(data, want, len);
	assert_int_equal(data[len], 0);
	bron_secret_free(data, len);
}

static void round_trip(void **state)
{
	struct tmpdir *t = *state;
	struct bron_vault *v = vault_new(t, NULL);
	bron_id a = put_text(v, "first entry");
	bron_id b = put_text(v, "");
	assert_true(a != b && a && b);
	assert_int_equal(bron_vault_count(v), 2);
	bron_vault_free(v);

	struct stat st;
	assert_int_equal(stat(t->vault, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	v = vault_reopen(t);
	expect_text(v, a, "first entry");
	expect_text(v, b, "");
	bron_vault_free(v);
}

static void revisions_and_conflicts(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	struct bron_vault *v = vault_new(t, NULL);
	bron_id id = put_text(v, "one");
	uint64_t rev = 0;
	assert_int_equal(bron_vault_put(v, &id, 1, "two", 3, &rev, &err), BRON_OK);
	assert_int_equal(rev, 2);
	/* A writer that still thinks it is at revision 1 must not win. */
	assert_int_equal(bron_vault_put(v, &id, 1, "lost", 4, NULL, &err),
	                 BRON_E_CONFLICT);
	expect_text(v, id, "two");
	bron_id nobody = 12345;
	assert_int_equal(bron_vault_put(v, &nobody, 1, "x", 1, NULL, &err),
	                 BRON_E_NOT_FOUND);
	uint8_t *d;
	size_t n;
	assert_int_equal(bron_vault_get(v, nobody, &d, &n, NULL, &err),
	                 BRON_E_NOT_FOUND);
	bron_vault_free(v);
}

static void delete_record(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	struct bron_vault *v = vault_new(t, NULL);
	bron_id a = put_text(v, "keep");
	bron_id b = put_text(v, "drop");
	assert_int_equal(bron_vault_delete(v, b, 7, &err), BRON_E_CONFLICT);
	assert_int_equal(bron_vault_delete(v, b, 1, &err), BRON_OK);
	assert_int_equal(bron_vault_delete(v, b, 0, &err), BRON_E_NOT_FOUND);
	assert_int_equal(bron_vault_count(v), 1);
	bron_vault_free(v);
	v = vault_reopen(t);
	expect_text(v, a, "keep");
	assert_int_equal(bron_vault_count(v), 1);
	bron_vault_free(v);
}

struct collect {
	int n;
	uint64_t total;
};

static int count_cb(void *ctx, bron_id id, uint64_t rev, const uint8_t *data,
                    size_t len)
{
	struct collect *c = ctx;
	(void)id;
	(void)rev;
	assert_int_equal(data[len], 0);
	c->n++;
	c->total += len;
	return 0;
}

static int stop_cb(void *ctx, bron_id id, uint64_t rev, const uint8_t *data,
                   size_t len)
{
	(void)id, (void)rev, (void)data, (void)len;
	return ++*(int *)ctx == 2;
}

static void iterate(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	struct bron_vault *v = vault_new(t, NULL);
	char big[5000];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	for (int i = 0; i < 20; i++)
		put_text(v, i % 2 ? "short" : big);
	struct collect c = {0};
	assert_int_equal(bron_vault_foreach(v, count_cb, &c, &err), BRON_OK);
	assert_int_equal(c.n, 20);
	assert_int_equal(c.total, 10 * 5 + 10 * 4999);
	int calls = 0;
	assert_int_equal(bron_vault_foreach(v, stop_cb, &calls, &err), BRON_OK);
	assert_int_equal(calls, 2);
	bron_vault_free(v);
}

static void wrong_passphrase(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	struct bron_vault *v = vault_new(t, NULL);
	bron_vault_free(v);
	assert_int_equal(vault_try_open(t->vault, "Correct horse battery staple",
	                                &v, &err),
	                 BRON_E_PASSPHRASE);
	assert_string_equal(err.msg, bron_strerror(BRON_E_PASSPHRASE));
	assert_int_equal(vault_try_open(t->vault, "", &v, &err),
	                 BRON_E_PASSPHRASE);
}

static void recovery_code(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	char code[BRON_RECOVERY_CODE_LEN + 1];
	struct bron_vault *v = vault_new(t, code);
	bron_id id = put_text(v, "after the fire");
	bron_vault_free(v);
	assert_int_equal(strlen(code), BRON_RECOVERY_CODE_LEN);

	assert_int_equal(bron_vault_open(t->vault, 0, &v, &err), BRON_OK);
	/* Sloppy typing is fine: lower case, O for 0, spaces for dashes. */
	char sloppy[sizeof(code)];
	for (size_t i = 0; i <= BRON_RECOVERY_CODE_LEN; i++) {
		char c = code[i];
		sloppy[i] = c == '-' ? ' ' : c == '0' ? 'o' :
		            (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
	}
	assert_int_equal(bron_vault_unlock_recovery(v, sloppy, &err), BRON_OK);
	expect_text(v, id, "after the fire");
	/* Recover: set a new passphrase with the recovered key. */
	assert_int_equal(bron_vault_passwd(v, "new words", 9, &test_kdf,
	                                   BRON_KDF_ALLOW_WEAK, &err),
	                 BRON_OK);
	bron_vault_lock(v);
	assert_false(bron_vault_is_unlocked(v));

	/* One changed symbol is caught by the checksum. */
	char typo[sizeof(code)];
	memcpy(typo, code, sizeof(code));
	typo[5] = typo[5] == 'A' ? 'B' : 'A';
	assert_int_equal(bron_vault_unlock_recovery(v, typo, &err),
	                 BRON_E_RECOVERY_TYPO);
	assert_int_equal(bron_vault_unlock_recovery(v, "ABCD", &err),
	                 BRON_E_RECOVERY_TYPO);
	assert_int_equal(bron_vault_unlock_recovery(v, code, &err), BRON_OK);
	bron_vault_free(v);
	assert_int_equal(vault_try_open(t->vault, "new words", &v, &err), BRON_OK);
	bron_vault_free(v);
}

static void wrong_recovery_code(void **state)
{
	struct tmpdir *t = *state, other;
	struct bron_error err;
	char code[BRON_RECOVERY_CODE_LEN + 1];
	struct bron_vault *v = vault_new(t, NULL);
	bron_vault_free(v);
	/* A well-formed code of another vault. */
	tmpdir_make(&other);
	v = vault_new(&other, code);
	bron_vault_free(v);
	tmpdir_remove(&other);
	assert_int_equal(bron_vault_open(t->vault, 0, &v, &err), BRON_OK);
	assert_int_equal(bron_vault_unlock_recovery(v, code, &err),
	                 BRON_E_RECOVERY);
	bron_vault_free(v);
}

static void passwd(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	struct bron_vault *v = vault_new(t, NULL);
	bron_id id = put_text(v, "kept");
	assert_int_equal(bron_vault_passwd(v, "second", 6, &test_kdf, 0, &err),
	                 BRON_E_KDF_PARAMS);
	assert_int_equal(bron_vault_passwd(v, "second", 6, &test_kdf,
	                                   BRON_KDF_ALLOW_WEAK, &err),
	                 BRON_OK);
	bron_vault_free(v);
	assert_int_equal(vault_try_open(t->vault, TEST_PASS, &v, &err),
	                 BRON_E_PASSPHRASE);
	assert_int_equal(vault_try_open(t->vault, "second", &v, &err), BRON_OK);
	expect_text(v, id, "kept");
	bron_vault_free(v);
}

static void rekey(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	struct bron_verify_report r;
	char old[BRON_RECOVERY_CODE_LEN + 1], fresh[BRON_RECOVERY_CODE_LEN + 1];
	struct bron_vault *v = vault_new(t, old);
	bron_id ids[30];
	char text[64];
	for (int i = 0; i < 30; i++) {
		snprintf(text, sizeof(text), "entry number %d", i);
		ids[i] = put_text(v, text);
	}
	assert_int_equal(bron_vault_rekey(v, "not it", 6, fresh, NULL, NULL, &err),
	                 BRON_E_PASSPHRASE);
	assert_int_equal(bron_vault_rekey(v, TEST_PASS, strlen(TEST_PASS), fresh,
	                                  NULL, NULL, &err),
	                 BRON_OK);
	assert_string_not_equal(old, fresh);
	bron_id extra = put_text(v, "after rekey");
	assert_int_equal(bron_vault_verify(v, &r, &err), BRON_OK);
	assert_int_equal(r.epoch, 2);
	assert_int_equal(r.records, 31);
	bron_vault_free(v);

	v = vault_reopen(t);
	for (int i = 0; i < 30; i++) {
		snprintf(text, sizeof(text), "entry number %d", i);
		expect_text(v, ids[i], text);
	}
	expect_text(v, extra, "after rekey");
	bron_vault_free(v);

	assert_int_equal(bron_vault_open(t->vault, 0, &v, &err), BRON_OK);
	assert_int_equal(bron_vault_unlock_recovery(v, old, &err), BRON_E_RECOVERY);
	assert_int_equal(bron_vault_unlock_recovery(v, fresh, &err), BRON_OK);
	bron_vault_free(v);
}

static void backup_and_verify(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	struct bron_verify_report r;
	char dest[400];
	struct bron_vault *v = vault_new(t, NULL);
	bron_id id = put_text(v, "worth keeping");
	put_text(v, "another");
	snprintf(dest, sizeof(dest), "%s/copy.bron", t->path);
	assert_int_equal(bron_vault_backup(v, dest, NULL, NULL, &err), BRON_OK);
	assert_int_equal(bron_vault_backup(v, dest, NULL, NULL, &err),
	                 BRON_E_EXISTS);
	bron_vault_free(v);

	struct stat st;
	assert_int_equal(stat(dest, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_equal(bron_vault_open(dest, BRON_OPEN_READONLY, &v, &err),
	                 BRON_OK);
	assert_int_equal(bron_vault_unlock(v, TEST_PASS, strlen(TEST_PASS), &err),
	                 BRON_OK);
	assert_int_equal(bron_vault_verify(v, &r, &err), BRON_OK);
	assert_int_equal(r.records, 2);
	assert_true(r.bytes >= 2 * 1024);
	expect_text(v, id, "worth keeping");
	assert_int_equal(bron_vault_put(v, &id, 1, "no", 2, NULL, &err),
	                 BRON_E_READONLY);
	bron_vault_free(v);
}

static void weak_kdf_needs_flag(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	char code[BRON_RECOVERY_CODE_LEN + 1];
	struct bron_vault *v = NULL;
	assert_false(bron_kdf_is_strong(&test_kdf));
	assert_int_equal(bron_vault_create(t->vault, "x", 1, &test_kdf, 0, code,
	                                   &v, &err),
	                 BRON_E_KDF_PARAMS);
	struct bron_kdf huge = {.opslimit = 21, .memlimit = 1 << 20};
	assert_int_equal(bron_vault_create(t->vault, "x", 1, &huge,
	                                   BRON_KDF_ALLOW_WEAK, code, &v, &err),
	                 BRON_E_KDF_PARAMS);
	/* Nothing is left behind by a refused create. */
	assert_int_equal(access(t->vault, F_OK), -1);
}

static void create_refuses_existing(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	char code[BRON_RECOVERY_CODE_LEN + 1];
	struct bron_vault *v = vault_new(t, NULL);
	bron_vault_free(v);
	size_t before, after;
	uint8_t *a = file_read(t->vault, &before);
	assert_int_equal(bron_vault_create(t->vault, "x", 1, &test_kdf,
	                                   BRON_KDF_ALLOW_WEAK, code, &v, &err),
	                 BRON_E_EXISTS);
	uint8_t *b = file_read(t->vault, &after);
	assert_int_equal(before, after);
	assert_memory_equal(a, b, before);
	free(a);
	free(b);
}

static void bad_files(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	struct bron_vault *v = NULL;
	char p[400];

	snprintf(p, sizeof(p), "%s/missing.bron", t->path);
	assert_int_equal(bron_vault_open(p, 0, &v, &err), BRON_E_NOT_FOUND);

	snprintf(p, sizeof(p), "%s/empty.bron", t->path);
	file_write(p, (const uint8_t *)"", 0);
	chmod(p, 0600);
	assert_int_equal(bron_vault_open(p, 0, &v, &err), BRON_E_NOT_VAULT);

	snprintf(p, sizeof(p), "%s/text.bron", t->path);
	const char *txt = "Dear diary, this is not a database at all.\n";
	file_write(p, (const uint8_t *)txt, strlen(txt));
	chmod(p, 0600);
	assert_int_equal(bron_vault_open(p, 0, &v, &err), BRON_E_NOT_VAULT);

	/* A real SQLite database that is not a vault. */
	snprintf(p, sizeof(p), "%s/other.sqlite", t->path);
	sql_exec(p, "CREATE TABLE t(x); INSERT INTO t VALUES(1);");
	chmod(p, 0600);
	assert_int_equal(bron_vault_open(p, 0, &v, &err), BRON_E_NOT_VAULT);

	/* A directory. */
	assert_int_equal(bron_vault_open(t->path, 0, &v, &err), BRON_E_NOT_VAULT);

	/* Readable by others: refused, and the message says how to fix it. */
	v = vault_new(t, NULL);
	bron_vault_free(v);
	chmod(t->vault, 0644);
	assert_int_equal(bron_vault_open(t->vault, 0, &v, &err), BRON_E_PERMS);
	assert_non_null(strstr(err.msg, "chmod 600"));
	chmod(t->vault, 0600);
	assert_int_equal(bron_vault_open(t->vault, 0, &v, &err), BRON_OK);
	bron_vault_free(v);
}

static void locked_vault_refuses(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	struct bron_vault *v = vault_new(t, NULL);
	bron_id id = put_text(v, "x");
	bron_vault_lock(v);
	uint8_t *d;
	size_t n;
	assert_int_equal(bron_vault_get(v, id, &d, &n, NULL, &err), BRON_E_LOCKED);
	assert_int_equal(bron_vault_put(v, &id, 1, "y", 1, NULL, &err),
	                 BRON_E_LOCKED);
	assert_int_equal(bron_vault_foreach(v, count_cb, NULL, &err),
	                 BRON_E_LOCKED);
	assert_int_equal(bron_vault_unlock(v, TEST_PASS, strlen(TEST_PASS), &err),
	                 BRON_OK);
	expect_text(v, id, "x");
	bron_vault_free(v);
}

static void batches(void **state)
{
	struct tmpdir *t = *state;
	struct bron_error err;
	struct bron_verify_report r;
	struct bron_vault *v = vault_new(t, NULL);
	bron_id keep = put_text(v, "before the batch");
	bron_id ids[50];
	assert_int_equal(bron_vault_batch_begin(v, &err), BRON_OK);
	assert_int_equal(bron_vault_batch_begin(v, &err), BRON_E_INVALID);
	for (int i = 0; i < 50; i++)
		ids[i] = put_text(v, "in a batch");
	assert_int_equal(bron_vault_delete(v, keep, 0, &err), BRON_OK);
	assert_int_equal(bron_vault_passwd(v, "x", 1, &test_kdf,
	                                   BRON_KDF_ALLOW_WEAK, &err),
	                 BRON_E_INVALID);
	assert_int_equal(bron_vault_batch_commit(v, &err), BRON_OK);
	assert_int_equal(bron_vault_count(v), 50);
	assert_int_equal(bron_vault_verify(v, &r, &err), BRON_OK);
	assert_int_equal(r.records, 50);
	assert_int_equal(r.seq, 3); /* create, one put, one batch */

	/* A failing operation rolls the whole batch back and ends it. */
	assert_int_equal(bron_vault_batch_begin(v, &err), BRON_OK);
	put_text(v, "rolled back");
	assert_int_equal(bron_vault_put(v, &ids[0], 99, "x", 1, NULL, &err),
	                 BRON_E_CONFLICT);
	assert_int_equal(bron_vault_batch_commit(v, &err), BRON_E_INVALID);
	bron_vault_free(v);
	v = vault_reopen(t);
	assert_int_equal(bron_vault_count(v), 50);
	/* An abandoned batch leaves nothing behind either. */
	assert_int_equal(bron_vault_batch_begin(v, &err), BRON_OK);
	put_text(v, "abandoned");
	bron_vault_free(v);
	v = vault_reopen(t);
	assert_int_equal(bron_vault_count(v), 50);
	expect_text(v, ids[49], "in a batch");
	bron_vault_free(v);
}

static void calibrate(void **state)
{
	(void)state;
	struct bron_kdf k;
	struct bron_error err;
	/* A tiny target keeps the test fast; the floor memory is respected. */
	assert_int_equal(bron_kdf_calibrate(&k, 0.05, 16u << 20, NULL, NULL, &err),
	                 BRON_OK);
	assert_true(k.memlimit >= (16u << 20));
	assert_true(k.opslimit >= 1 && k.opslimit <= BRON_KDF_MAX_OPSLIMIT);
}

static void strerror_covers_codes(void **state)
{
	(void)state;
	for (int c = BRON_OK; c <= BRON_E_CRYPTO; c++)
		assert_string_not_equal(bron_strerror((bron_err)c), "unknown error");
	assert_string_equal(bron_strerror((bron_err)999), "unknown error");
}

int main(void)
{
	assert_int_equal(bron_init(NULL), BRON_OK);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
	        cmocka_unit_test_setup_teardown(revisions_and_conflicts, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(delete_record, setup, teardown),
	        cmocka_unit_test_setup_teardown(iterate, setup, teardown),
	        cmocka_unit_test_setup_teardown(wrong_passphrase, setup, teardown),
	        cmocka_unit_test_setup_teardown(recovery_code, setup, teardown),
	        cmocka_unit_test_setup_teardown(wrong_recovery_code, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(passwd, setup, teardown),
	        cmocka_unit_test_setup_teardown(rekey, setup, teardown),
	        cmocka_unit_test_setup_teardown(backup_and_verify, setup, teardown),
	        cmocka_unit_test_setup_teardown(weak_kdf_needs_flag, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(create_refuses_existing, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(bad_files, setup, teardown),
	        cmocka_unit_test_setup_teardown(locked_vault_refuses, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(batches, setup, teardown),
	        cmocka_unit_test(calibrate),
	        cmocka_unit_test(strerror_covers_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
