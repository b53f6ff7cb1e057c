/*
 * test_sort.c - the external sorter: order and contents with and without
 * spilling, records larger than a block, and its spill file: ciphertext
 * only, and any change to it detected.
 */
#define _GNU_SOURCE /* memmem */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bron/sort.h"

#define CANARY "kanarie-7f3e9a"

/* A record's key: a pseudo-random order key, then its number. */
static void make_key(uint8_t key[BRON_SORT_KEY], uint32_t i)
{
	uint32_t h = i * 2654435761u;
	memset(key, 0, BRON_SORT_KEY);
	for (int b = 0; b < 4; b++) {
		key[b] = (uint8_t)(h >> (24 - 8 * b));
		key[12 + b] = (uint8_t)(i >> (24 - 8 * b));
	}
}

/* Its value: a canary and the number, padded to a length that varies. */
static size_t make_value(char *buf, size_t cap, uint32_t i)
{
	size_t len = (size_t)snprintf(buf, cap, CANARY "-%u-", i);
	size_t extra = (i % 97 == 0) ? 9000 : i % 300; /* some span blocks */
	for (size_t k = 0; k < extra && len < cap; k++)
		buf[len++] = (char)('a' + (i + k) % 26);
	return len;
}

static struct bron_sorter *fill(uint32_t n, size_t budget)
{
	struct bron_error err;
	struct bron_sorter *s = bron_sorter_new(budget, &err);
	assert_non_null(s);
	static char buf[10000];
	for (uint32_t i = 0; i < n; i++) {
		uint8_t key[BRON_SORT_KEY];
		make_key(key, i);
		size_t len = make_value(buf, sizeof(buf), i);
		assert_int_equal(bron_sorter_add(s, key, buf, len, &err), BRON_OK);
	}
	return s;
}

static void check_all(struct bron_sorter *s, uint32_t n)
{
	struct bron_error err;
	const uint8_t *key;
	const void *v;
	size_t len;
	uint8_t prev[BRON_SORT_KEY];
	static char want[10000];
	uint8_t *seen = calloc(n ? n : 1, 1);
	assert_non_null(seen);
	uint32_t count = 0;
	int r;
	while ((r = bron_sorter_next(s, &key, &v, &len, &err)) == 1) {
		if (count)
			assert_true(memcmp(prev, key, BRON_SORT_KEY) < 0);
		memcpy(prev, key, BRON_SORT_KEY);
		uint32_t i = (uint32_t)key[12] << 24 | (uint32_t)key[13] << 16 |
		             (uint32_t)key[14] << 8 | key[15];
		assert_true(i < n);
		assert_false(seen[i]);
		seen[i] = 1;
		size_t wl = make_value(want, sizeof(want), i);
		assert_int_equal(len, wl);
		assert_memory_equal(v, want, wl);
		count++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(count, n);
	free(seen);
}

static void in_memory(void **state)
{
	(void)state;
	struct bron_sorter *s = fill(500, 0);
	assert_int_equal(bron_sorter_runs(s), 0);
	check_all(s, 500);
	bron_sorter_free(s);
}

static void empty(void **state)
{
	(void)state;
	struct bron_sorter *s = fill(0, 0);
	check_all(s, 0);
	bron_sorter_free(s);
}

static void spilled(void **state)
{
	(void)state;
	struct bron_sorter *s = fill(20000, 64 * 1024);
	assert_true(bron_sorter_runs(s) > 20);
	check_all(s, 20000);
	bron_sorter_free(s);
}

/* The tests' own $TMPDIR, so that the spill file is told apart from any
 * other unlinked file (valgrind keeps some of its own). */
static char tmpdir[64];

/* The descriptor of the sorter's unlinked spill file, found in /proc. */
static int spill_fd(void)
{
	DIR *d = opendir("/proc/self/fd");
	assert_non_null(d);
	struct dirent *de;
	int found = -1;
	while ((de = readdir(d))) {
		char path[300], target[4096];
		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strncmp(target, tmpdir, strlen(tmpdir)) == 0 &&
		    strstr(target, "(deleted)"))
			found = atoi(de->d_name);
	}
	closedir(d);
	assert_true(found >= 0);
	return found;
}

static void spill_is_ciphertext(void **state)
{
	(void)state;
	struct bron_sorter *s = fill(3000, 16 * 1024);
	assert_true(bron_sorter_runs(s) > 1);
	int fd = spill_fd();
	off_t size = lseek(fd, 0, SEEK_END);
	assert_true(size > 100000);
	char *all = malloc((size_t)size);
	assert_non_null(all);
	assert_int_equal(pread(fd, all, (size_t)size, 0), size);
	assert_null(memmem(all, (size_t)size, CANARY, strlen(CANARY)));
	free(all);
	bron_sorter_free(s);
}

static void spill_tampered(void **state)
{
	(void)state;
	/* One flipped bit anywhere in each of several blocks: each is caught. */
	for (off_t at = 5; at < 200000; at += 40009) {
		struct bron_sorter *s = fill(3000, 16 * 1024);
		int fd = spill_fd();
		uint8_t b;
		assert_int_equal(pread(fd, &b, 1, at), 1);
		b ^= 0x10;
		assert_int_equal(pwrite(fd, &b, 1, at), 1);
		struct bron_error err;
		const uint8_t *key;
		const void *v;
		size_t len;
		int r;
		while ((r = bron_sorter_next(s, &key, &v, &len, &err)) == 1)
			;
		assert_int_equal(r, -1);
		assert_int_equal(err.code, BRON_E_TAMPERED);
		bron_sorter_free(s);
	}
}

static void spill_truncated(void **state)
{
	(void)state;
	struct bron_sorter *s = fill(3000, 16 * 1024);
	int fd = spill_fd();
	off_t size = lseek(fd, 0, SEEK_END);
	assert_int_equal(ftruncate(fd, size - 1), 0);
	struct bron_error err;
	const uint8_t *key;
	const void *v;
	size_t len;
	int r;
	while ((r = bron_sorter_next(s, &key, &v, &len, &err)) == 1)
		;
	assert_int_equal(r, -1);
	assert_int_equal(err.code, BRON_E_TAMPERED);
	bron_sorter_free(s);
}

static void add_after_reading_refused(void **state)
{
	(void)state;
	struct bron_sorter *s = fill(10, 0);
	struct bron_error err;
	const uint8_t *key;
	const void *v;
	size_t len;
	assert_int_equal(bron_sorter_next(s, &key, &v, &len, &err), 1);
	uint8_t k[BRON_SORT_KEY] = {0};
	assert_int_equal(bron_sorter_add(s, k, "x", 1, &err), BRON_E_INVALID);
	bron_sorter_free(s);
}

int main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/bron-test-sort-XXXXXX");
	if (!mkdtemp(tmpdir) || setenv("TMPDIR", tmpdir, 1) != 0)
		return 1;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(in_memory),
	        cmocka_unit_test(empty),
	        cmocka_unit_test(spilled),
	        cmocka_unit_test(spill_is_ciphertext),
	        cmocka_unit_test(spill_tampered),
	        cmocka_unit_test(spill_truncated),
	        cmocka_unit_test(add_after_reading_refused),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(tmpdir);
	return failed;
}
