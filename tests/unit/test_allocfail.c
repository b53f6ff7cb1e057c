/*
 * test_allocfail.c - allocation failure, one allocation at a time, in the
 * style of curl's torture tests.  libbron's malloc/calloc/realloc are
 * wrapped at link time (-Wl,--wrap) and SQLite's allocator is replaced, so
 * the Nth allocation of an operation fails; N runs from 1 until the
 * operation no longer reaches a failing allocation.  Every run must return
 * an error code or succeed (never crash, leak or corrupt: the sanitizer
 * build checks the first two), and the vault must afterwards still open,
 * verify, and hold either the state before or the state after.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "helpers.h"

/* ---- the failing allocator ---- */

static long countdown = -1; /* fail when it reaches 0; -1: never */
static long allocations;
static int injected; /* the failure happened */

static int should_fail(void)
{
	allocations++;
	if (countdown <= 0)
		return 0;
	if (--countdown > 0)
		return 0;
	injected = 1;
	return 1;
}

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t m);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);

void *__wrap_malloc(size_t n)
{
	return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t m)
{
	return should_fail() ? NULL : __real_calloc(n, m);
}

void *__wrap_realloc(void *p, size_t n)
{
	return should_fail() ? NULL : __real_realloc(p, n);
}

static sqlite3_mem_methods sqlite_default;

static void *sq_malloc(int n)
{
	return should_fail() ? NULL : sqlite_default.xMalloc(n);
}

static void *sq_realloc(void *p, int n)
{
	return should_fail() ? NULL : sqlite_default.xRealloc(p, n);
}

static void install_sqlite_allocator(void)
{
	static sqlite3_mem_methods m;
	sqlite3_shutdown();
	assert_int_equal(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &sqlite_default),
	                 SQLITE_OK);
	m = sqlite_default;
	m.xMalloc = sq_malloc;
	m.xRealloc = sq_realloc;
	assert_int_equal(sqlite3_config(SQLITE_CONFIG_MALLOC, &m), SQLITE_OK);
	assert_int_equal(sqlite3_initialize(), SQLITE_OK);
}

/* ---- the operations ---- */

struct fixture {
	struct tmpdir t;
	bron_id a, b;
};

typedef bron_err (*op_fn)(struct fixture *f, struct bron_vault *v);

static bron_err op_put(struct fixture *f, struct bron_vault *v)
{
	(void)f;
	bron_id id = 0;
	return bron_vault_put(v, &id, 0, "a new one", 9, NULL, NULL);
}

static bron_err op_update(struct fixture *f, struct bron_vault *v)
{
	bron_id id = f->a;
	return bron_vault_put(v, &id, 1, "changed", 7, NULL, NULL);
}

static bron_err op_delete(struct fixture *f, struct bron_vault *v)
{
	return bron_vault_delete(v, f->b, 0, NULL);
}

static bron_err op_get(struct fixture *f, struct bron_vault *v)
{
	uint8_t *d;
	size_t n;
	bron_err e = bron_vault_get(v, f->a, &d, &n, NULL, NULL);
	if (e == BRON_OK)
		bron_secret_free(d, n);
	return e;
}

static int nothing(void *ctx, bron_id id, uint64_t rev, const uint8_t *d,
                   size_t n)
{
	(void)ctx, (void)id, (void)rev, (void)d, (void)n;
	return 0;
}

static bron_err op_foreach(struct fixture *f, struct bron_vault *v)
{
	(void)f;
	return bron_vault_foreach(v, nothing, NULL, NULL);
}

static bron_err op_verify(struct fixture *f, struct bron_vault *v)
{
	(void)f;
	return bron_vault_verify(v, NULL, NULL);
}

static bron_err op_passwd(struct fixture *f, struct bron_vault *v)
{
	(void)f;
	return bron_vault_passwd(v, "other", 5, &test_kdf, BRON_KDF_ALLOW_WEAK,
	                         NULL);
}

static bron_err op_rekey(struct fixture *f, struct bron_vault *v)
{
	char code[BRON_RECOVERY_CODE_LEN + 1];
	(void)f;
	return bron_vault_rekey(v, TEST_PASS, strlen(TEST_PASS), code, NULL, NULL,
	                        NULL);
}

static bron_err op_backup(struct fixture *f, struct bron_vault *v)
{
	char dest[400];
	snprintf(dest, sizeof(dest), "%s/backup.bron", f->t.path);
	remove(dest);
	return bron_vault_backup(v, dest, NULL, NULL, NULL);
}

/* Opening and unlocking is an operation too; v is unused. */
static bron_err op_open(struct fixture *f, struct bron_vault *unused)
{
	struct bron_vault *v = NULL;
	(void)unused;
	bron_err e = bron_vault_open(f->t.vault, 0, &v, NULL);
	if (e == BRON_OK)
		e = bron_vault_unlock(v, TEST_PASS, strlen(TEST_PASS), NULL);
	bron_vault_free(v);
	return e;
}

static bron_err op_entry(struct fixture *f, struct bron_vault *v)
{
	struct bron_entry e, back;
	uint8_t *buf = NULL;
	size_t len;
	(void)f, (void)v;
	bron_entry_init(&e);
	bron_err rc = bron_entry_add_tag(&e, "een", NULL);
	if (rc == BRON_OK)
		rc = bron_entry_add_tag(&e, "twee", NULL);
	if (rc == BRON_OK)
		rc = bron_entry_set_level(&e, BRON_LEVEL_SHAREABLE, 5, "why", NULL);
	if (rc == BRON_OK)
		rc = bron_entry_encode(&e, &buf, &len, NULL);
	if (rc == BRON_OK) {
		rc = bron_entry_decode(buf, len, &back, NULL);
		if (rc == BRON_OK)
			bron_entry_release(&back);
		bron_secret_free(buf, len);
	}
	bron_entry_release(&e);
	return rc;
}

/* ---- the loop ---- */

/* One vault made once; each run gets a fresh copy of its file. */
static struct fixture template;
static uint8_t *template_bytes;
static size_t template_len;

static void make_fixture(struct fixture *f)
{
	if (!template_bytes) {
		tmpdir_make(&template.t);
		struct bron_vault *v = vault_new(&template.t, NULL);
		template.a = put_text(v, "first");
		template.b = put_text(v, "second");
		bron_vault_free(v);
		template_bytes = file_read(template.t.vault, &template_len);
		tmpdir_remove(&template.t);
	}
	*f = template;
	tmpdir_make(&f->t);
	file_write(f->t.vault, template_bytes, template_len);
	assert_int_equal(chmod(f->t.vault, 0600), 0);
}

/* After any run, the vault opens with either passphrase and verifies. */
static void check_vault(struct fixture *f)
{
	struct bron_vault *v = NULL;
	struct bron_error err;
	if (vault_try_open(f->t.vault, TEST_PASS, &v, &err) != BRON_OK &&
	    vault_try_open(f->t.vault, "other", &v, &err) != BRON_OK)
		fail_msg("vault does not open after a failed allocation: %s",
		         err.msg);
	if (bron_vault_verify(v, NULL, &err) != BRON_OK)
		fail_msg("vault does not verify after a failed allocation: %s",
		         err.msg);
	uint64_t n = bron_vault_count(v);
	assert_true(n >= 1 && n <= 3);
	bron_vault_free(v);
}

static void torture(op_fn op, int needs_vault)
{
	long failures = 0, absorbed = 0, n;
	for (n = 1;; n++) {
		struct fixture f;
		struct bron_vault *v = NULL;
		make_fixture(&f);
		if (needs_vault)
			v = vault_reopen(&f.t);
		allocations = 0;
		injected = 0;
		countdown = n;
		bron_err e = op(&f, v);
		int reached = injected;
		countdown = -1;
		bron_vault_free(v);
		if (reached) {
			failures++;
			/* SQLite can do without some allocations (caches,
			 * lookaside), so success is possible; count it. */
			absorbed += e == BRON_OK;
		}
		check_vault(&f);
		tmpdir_remove(&f.t);
		if (!reached)
			break;
		if (n > 20000)
			fail_msg("the operation never finished without failing");
	}
	print_message("  %ld allocation points failed in turn, %ld absorbed\n",
	              failures, absorbed);
}

#define TORTURE(name, needs)                     \
	static void t_##name(void **state)       \
	{                                        \
		(void)state;                     \
		torture(op_##name, needs);       \
	}
TORTURE(open, 0)
TORTURE(put, 1)
TORTURE(update, 1)
TORTURE(delete, 1)
TORTURE(get, 1)
TORTURE(foreach, 1)
TORTURE(verify, 1)
TORTURE(passwd, 1)
TORTURE(rekey, 1)
TORTURE(backup, 1)
TORTURE(entry, 0)

int main(void)
{
	install_sqlite_allocator();
	assert_int_equal(bron_init(NULL), BRON_OK);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(t_open),    cmocka_unit_test(t_put),
	        cmocka_unit_test(t_update),  cmocka_unit_test(t_delete),
	        cmocka_unit_test(t_get),     cmocka_unit_test(t_foreach),
	        cmocka_unit_test(t_verify),  cmocka_unit_test(t_passwd),
	        cmocka_unit_test(t_rekey),   cmocka_unit_test(t_backup),
	        cmocka_unit_test(t_entry),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
