/*
 * store.c - SQLite underneath the vault: opening with bron's pragmas, the
 * meta table, and turning SQLite's result codes into bron errors.
 */
#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "vault_int.h"
#include "banned.h"

bron_err store_fail(sqlite3 *db, int rc, struct bron_error *err,
                    const char *what)
{
	int saved = errno; /* SQLite does not record every failed call's errno
	                      (fsync, for one); the last one failing is ours */
	const char *detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	int sys = db ? sqlite3_system_errno(db) : 0;
	if (!sys)
		sys = saved;
	if ((rc & 0xff) == SQLITE_IOERR && (sys == ENOSPC || sys == EDQUOT))
		rc = SQLITE_FULL; /* SQLite says "I/O error"; the disk is full */
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return bron_fail(err, BRON_E_NOSPACE,
		                 _("%s: the disk is full; the vault is unchanged"), what);
	case SQLITE_CORRUPT:
	case SQLITE_ERROR:  /* our SQL is fixed: a missing table or column, or
	                       an unknown file format, means a damaged file */
	case SQLITE_SCHEMA:
	case SQLITE_FORMAT:
	case SQLITE_MISMATCH:
		return bron_fail(err, BRON_E_DAMAGED,
		                 _("vault damaged: %s failed (%s)"), what, detail);
	case SQLITE_NOTADB:
		return bron_fail(err, BRON_E_NOT_VAULT,
		                 _("the file is not a bron vault"));
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return bron_fail(err, BRON_E_IN_USE,
		                 _("vault in use by another process"));
	case SQLITE_NOMEM:
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	case SQLITE_READONLY:
		return bron_fail(err, BRON_E_IO,
		                 _("%s: cannot write (read-only file or directory)"),
		                 what);
	default:
		return bron_fail(err, BRON_E_IO, _("%s: %s"), what, detail);
	}
}

bron_err store_exec(sqlite3 *db, const char *sql, struct bron_error *err)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_fail(db, rc, err, _("database update"));
	return BRON_OK;
}

/*
 * A WAL database opened read-only still needs its -shm and -wal files.  In
 * a directory we cannot write, with no -wal (so no writer), the file cannot
 * change while we read it: SQLite's immutable mode reads it without them.
 * Returns a malloc'ed "file:" URI for that case, else NULL.
 */
static char *immutable_uri(const char *path)
{
	char dir[4096], wal[4200];
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path + 1), path);
	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (access(dir, W_OK) == 0 || access(wal, F_OK) == 0)
		return NULL;
	size_t n = strlen(path);
	char *uri = malloc(3 * n + sizeof("file:?immutable=1"));
	if (!uri)
		return NULL;
	size_t o = (size_t)snprintf(uri, 6, "file:");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)path[i];
		if (c == '?' || c == '#' || c == '%' || c < 0x21 || c >= 0x7f)
			o += (size_t)snprintf(uri + o, 4, "%%%02X", c);
		else
			uri[o++] = (char)c;
	}
	snprintf(uri + o, sizeof("?immutable=1"), "?immutable=1");
	return uri;
}

bron_err store_open(const char *path, int readonly, int create, sqlite3 **out,
                    struct bron_error *err)
{
	sqlite3 *db = NULL;
	int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
	            (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX |
	            SQLITE_OPEN_PRIVATECACHE;
	char *uri = readonly ? immutable_uri(path) : NULL;
	int rc = sqlite3_open_v2(uri ? uri : path, &db,
	                         flags | (uri ? SQLITE_OPEN_URI : 0), NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		bron_err e = store_fail(db, rc, err, path);
		sqlite3_close(db);
		return e;
	}
	sqlite3_extended_result_codes(db, 1);
	/*
	 * secure_delete overwrites freed content; temp_store keeps sorts and
	 * temporary tables in memory; WAL with synchronous=FULL makes each
	 * commit durable.  The busy timeout covers SQLite's own short locks;
	 * writers wait for each other on the lock file first.
	 */
	static const char pragmas[] = "PRAGMA secure_delete=ON;"
	                              "PRAGMA temp_store=MEMORY;"
	                              "PRAGMA cell_size_check=ON;"
	                              "PRAGMA trusted_schema=OFF;"
	                              "PRAGMA busy_timeout=10000;";
	rc = sqlite3_exec(db, pragmas, NULL, NULL, NULL);
	if (rc == SQLITE_OK && !readonly)
		rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL;"
		                      "PRAGMA synchronous=FULL;",
		                  NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		bron_err e = store_fail(db, rc, err, path);
		sqlite3_close(db);
		return e;
	}
	*out = db;
	return BRON_OK;
}

bron_err store_meta_get(sqlite3 *db, int k, uint8_t *buf, size_t len,
                        struct bron_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(db, "SELECT v FROM meta WHERE k = ?", -1,
	                            &st, NULL);
	if (rc != SQLITE_OK) {
		bron_err e = store_fail(db, rc, err, _("reading the vault header"));
		/* no meta table: some other SQLite file with our application id */
		if (e == BRON_E_IO || (rc & 0xff) == SQLITE_ERROR)
			e = bron_fail(err, BRON_E_NOT_VAULT,
			              _("the file is not a bron vault"));
		return e;
	}
	sqlite3_bind_int(st, 1, k);
	bron_err e = BRON_OK;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (sqlite3_column_type(st, 0) != SQLITE_BLOB ||
		    (size_t)sqlite3_column_bytes(st, 0) != len)
			e = bron_fail(err, BRON_E_DAMAGED,
			              _("vault damaged: header row %d has the wrong size"),
			              k);
		else
			memcpy(buf, sqlite3_column_blob(st, 0), len);
	} else if (rc == SQLITE_DONE) {
		e = bron_fail(err, BRON_E_DAMAGED,
		              _("vault damaged: header row %d is missing"), k);
	} else {
		e = store_fail(db, rc, err, _("reading the vault header"));
	}
	sqlite3_finalize(st);
	return e;
}

bron_err store_meta_put(sqlite3 *db, int k, const uint8_t *buf, size_t len,
                        struct bron_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
	        db, "INSERT OR REPLACE INTO meta(k, v) VALUES(?, ?)", -1, &st,
	        NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_int(st, 1, k);
		sqlite3_bind_blob(st, 2, buf, (int)len, SQLITE_STATIC);
		rc = sqlite3_step(st);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return store_fail(db, rc, err, _("writing the vault header"));
	return BRON_OK;
}

void store_checkpoint(sqlite3 *db)
{
	sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL,
	                          NULL);
}
