/*
 * test_regenerate.c - runs the generator again into a private directory and
 * checks that it writes exactly the committed vectors: the writer is
 * deterministic once randomness is, and the committed files match the code.
 *
 *     test_vectors_regenerate MKVECTORS VECTORS_DIR
 *
 * Vault files are compared byte for byte.  One exception: SQLite stamps its
 * own version number into every database header (offset 96), so when the
 * SQLite library here is not the one that wrote the committed files, the
 * vaults are compared by content instead (schema, application_id and every
 * row of every table), and the test says so.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "helpers.h"

static const char *mkvectors, *committed;
static struct tmpdir work;
static char fresh[400];

static int regenerate(void **state)
{
	(void)state;
	tmpdir_make(&work);
	snprintf(fresh, sizeof(fresh), "%s/out", work.path);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		execl(mkvectors, mkvectors, fresh, (char *)NULL);
		_exit(127);
	}
	int status = 0;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		fprintf(stderr, "%s %s failed (status %d)\n", mkvectors, fresh,
		        status);
		return -1;
	}
	return 0;
}

static int cleanup(void **state)
{
	(void)state;
	tmpdir_remove(&work);
	return 0;
}

static uint8_t *load(const char *dir, const char *name, size_t *len)
{
	char path[700];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (access(path, R_OK) != 0)
		fail_msg("%s is missing", path);
	return file_read(path, len);
}

/* ---- comparing SQLite files by content ---- */

struct sbuf {
	char *p;
	size_t len, cap;
};

static void sb_put(struct sbuf *s, const char *t, size_t n)
{
	if (s->len + n + 1 > s->cap) {
		s->cap = (s->len + n + 1) * 2;
		s->p = realloc(s->p, s->cap);
		assert_non_null(s->p);
	}
	memcpy(s->p + s->len, t, n);
	s->len += n;
	s->p[s->len] = '\0';
}

static void sb_hex(struct sbuf *s, const void *data, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = data;
	for (size_t i = 0; i < n; i++) {
		char h[2] = {digits[p[i] >> 4], digits[p[i] & 15]};
		sb_put(s, h, 2);
	}
}

static void dump_query(sqlite3 *db, const char *sql, struct sbuf *out)
{
	sqlite3_stmt *q = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	while (sqlite3_step(q) == SQLITE_ROW) {
		for (int i = 0; i < sqlite3_column_count(q); i++) {
			char tag[8];
			snprintf(tag, sizeof(tag), "|%d:", sqlite3_column_type(q, i));
			sb_put(out, tag, strlen(tag));
			sb_hex(out, sqlite3_column_blob(q, i),
			       (size_t)sqlite3_column_bytes(q, i));
		}
		sb_put(out, "\n", 1);
	}
	sqlite3_finalize(q);
}

/* Everything a reader can see in the database, as text. */
static char *dump(const char *dir, const char *name)
{
	char uri[800];
	sqlite3 *db = NULL;
	struct sbuf out = {0};
	snprintf(uri, sizeof(uri), "file:%s/%s?immutable=1", dir, name);
	if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
	                    NULL) != SQLITE_OK)
		fail_msg("cannot open %s", uri);
	dump_query(db, "PRAGMA application_id", &out);
	dump_query(db, "PRAGMA user_version", &out);
	dump_query(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema "
	               "ORDER BY name",
	           &out);
	sqlite3_stmt *q = NULL;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT name FROM sqlite_schema "
	                                        "WHERE type = 'table' ORDER BY name",
	                                    -1, &q, NULL),
	                 SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		char sql[300];
		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\" ORDER BY 1",
		         (const char *)sqlite3_column_text(q, 0));
		sb_put(&out, sql, strlen(sql));
		sb_put(&out, "\n", 1);
		dump_query(db, sql, &out);
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	return out.p;
}

static const uint8_t sqlite_magic[16] = "SQLite format 3";

/* ---- the tests ---- */

static void same_text(const char *name)
{
	size_t a, b;
	uint8_t *x = load(committed, name, &a);
	uint8_t *y = load(fresh, name, &b);
	if (a != b || memcmp(x, y, a) != 0)
		fail_msg("%s: the generator now writes something else; run "
		         "mkvectors %s and review the difference",
		         name, committed);
	free(x);
	free(y);
}

static void index_and_entries(void **state)
{
	(void)state;
	same_text("index.txt");
	same_text("entries.txt");
}

static void every_file(void **state)
{
	(void)state;
	DIR *d = opendir(fresh);
	struct dirent *de;
	int files = 0, by_content = 0;
	long written_by = 0;
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		size_t a, b;
		uint8_t *x = load(committed, de->d_name, &a);
		uint8_t *y = load(fresh, de->d_name, &b);
		files++;
		if (a == b && memcmp(x, y, a) == 0) {
			free(x);
			free(y);
			continue;
		}
		/* SQLite writes its version number at offset 96. */
		long stamped = a >= 100 && memcmp(x, sqlite_magic, 16) == 0
		                       ? (long)x[96] << 24 | (long)x[97] << 16 |
		                                 (long)x[98] << 8 | (long)x[99]
		                       : -1;
		if (stamped < 0 || stamped == sqlite3_libversion_number())
			fail_msg("%s differs from the committed file", de->d_name);
		written_by = stamped;
		char *p = dump(committed, de->d_name);
		char *q = dump(fresh, de->d_name);
		if (strcmp(p, q) != 0)
			fail_msg("%s: contents differ from the committed file",
			         de->d_name);
		by_content++;
		free(p);
		free(q);
		free(x);
		free(y);
	}
	closedir(d);
	assert_true(files > 10);
	if (by_content)
		print_message("%d of %d files compared by content: they were "
		              "written by SQLite %ld, this is SQLite %s\n",
		              by_content, files, written_by,
		              sqlite3_libversion());
}

/* Every file the committed index names was regenerated. */
static void nothing_missing(void **state)
{
	(void)state;
	size_t len;
	char *text = (char *)load(committed, "index.txt", &len);
	text[len] = '\0';
	for (char *line = text, *nl; line && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if (*line == '#' || !*line)
			continue;
		char *tab = strchr(line, '\t');
		assert_non_null(tab);
		*tab = '\0';
		char path[700];
		snprintf(path, sizeof(path), "%s/%s", fresh, line);
		if (access(path, R_OK) != 0)
			fail_msg("%s is named in index.txt but not regenerated", line);
	}
	free(text);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: %s MKVECTORS VECTORS_DIR\n", argv[0]);
		return 2;
	}
	mkvectors = argv[1];
	committed = argv[2];
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(index_and_entries),
	        cmocka_unit_test(every_file),
	        cmocka_unit_test(nothing_missing),
	};
	return cmocka_run_group_tests_name("regenerate", tests, regenerate,
	                                   cleanup);
}
