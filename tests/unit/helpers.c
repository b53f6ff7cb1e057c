#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <setjmp.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "helpers.h"

const struct bron_kdf test_kdf = {.opslimit = 1, .memlimit = 8192};

void tmpdir_make(struct tmpdir *t)
{
	const char *base = getenv("TMPDIR");
	snprintf(t->path, sizeof(t->path), "%s/bron-test-XXXXXX",
	         base && *base ? base : "/tmp");
	assert_non_null(mkdtemp(t->path));
	snprintf(t->vault, sizeof(t->vault), "%s/journal.bron", t->path);
}

static int rm_one(const char *p, const struct stat *st, int flag,
                  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

void tmpdir_remove(struct tmpdir *t)
{
	nftw(t->path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

struct bron_vault *vault_new(struct tmpdir *t,
                             char code[BRON_RECOVERY_CODE_LEN + 1])
{
	char local[BRON_RECOVERY_CODE_LEN + 1];
	struct bron_vault *v = NULL;
	struct bron_error err;
	bron_err e = bron_vault_create(t->vault, TEST_PASS, strlen(TEST_PASS),
	                               &test_kdf, BRON_KDF_ALLOW_WEAK,
	                               code ? code : local, &v, &err);
	if (e != BRON_OK)
		fail_msg("create: %s", err.msg);
	return v;
}

bron_err vault_try_open(const char *path, const char *pass,
                        struct bron_vault **out, struct bron_error *err)
{
	struct bron_vault *v = NULL;
	bron_err e = bron_vault_open(path, 0, &v, err);
	if (e != BRON_OK)
		return e;
	e = bron_vault_unlock(v, pass, strlen(pass), err);
	if (e != BRON_OK) {
		bron_vault_free(v);
		return e;
	}
	*out = v;
	return BRON_OK;
}

struct bron_vault *vault_reopen(struct tmpdir *t)
{
	struct bron_vault *v = NULL;
	struct bron_error err;
	if (vault_try_open(t->vault, TEST_PASS, &v, &err) != BRON_OK)
		fail_msg("reopen: %s", err.msg);
	return v;
}

bron_id put_text(struct bron_vault *v, const char *text)
{
	bron_id id = 0;
	struct bron_error err;
	if (bron_vault_put(v, &id, 0, text, strlen(text), NULL, &err) != BRON_OK)
		fail_msg("put: %s", err.msg);
	return id;
}

void sql_exec(const char *path, const char *sql)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("sql '%s': %s", sql, msg);
	sqlite3_close(db);
}

uint8_t *file_read(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

void file_write(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}
