/*
 * test_share.c - the codecs of pseudonym records and of the log of views:
 * round trips, automatic label letters, and strictness on malformed bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bron/share.h"
#include "bron/vault.h"

static void name_round_trip(void **state)
{
	(void)state;
	struct bron_name n = {.created = -3, .name = "Johan de Vries",
	                      .label = NULL, .auto_no = 28};
	uint8_t *buf;
	size_t len;
	struct bron_name m;
	assert_int_equal(bron_name_encode(&n, &buf, &len, NULL), BRON_OK);
	assert_int_equal(buf[0], BRON_KIND_NAME);
	assert_int_equal(bron_name_decode(buf, len, &m, NULL), BRON_OK);
	assert_string_equal(m.name, "Johan de Vries");
	assert_null(m.label);
	assert_int_equal(m.auto_no, 28);
	assert_int_equal(m.created, -3);
	bron_name_release(&m);
	/* a truncation inside a field fails cleanly; one at a field boundary
	 * after the name is a shorter valid record (the AEAD tag, not the
	 * codec, guards against truncation) */
	size_t ok = 0;
	for (size_t cut = 0; cut < len; cut++) {
		struct bron_error err;
		if (bron_name_decode(buf, cut, &m, &err) == BRON_OK) {
			assert_string_equal(m.name, "Johan de Vries");
			bron_name_release(&m);
			ok++;
		} else {
			assert_null(m.name);
		}
	}
	assert_int_equal(ok, 1); /* cut just before the auto number */
	bron_secret_free(buf, len);

	n.label = "mijn zus";
	n.auto_no = 0;
	assert_int_equal(bron_name_encode(&n, &buf, &len, NULL), BRON_OK);
	assert_int_equal(bron_name_decode(buf, len, &m, NULL), BRON_OK);
	assert_string_equal(m.label, "mijn zus");
	assert_int_equal(m.auto_no, 0);
	bron_name_release(&m);
	bron_secret_free(buf, len);
}

static void name_rejects(void **state)
{
	(void)state;
	uint8_t *buf;
	size_t len;
	struct bron_error err;
	struct bron_name n = {.name = ""};
	assert_int_equal(bron_name_encode(&n, &buf, &len, &err), BRON_E_INVALID);
	n.name = "bad \xff utf8";
	assert_int_equal(bron_name_encode(&n, &buf, &len, &err), BRON_E_INVALID);
	/* wrong kind, newer version, unknown required tag, duplicate name */
	struct bron_name m;
	const uint8_t entry[] = {0x01, 1};
	assert_int_equal(bron_name_decode(entry, sizeof(entry), &m, &err),
	                 BRON_E_CODEC);
	const uint8_t newer[] = {BRON_KIND_NAME, 2};
	assert_int_equal(bron_name_decode(newer, sizeof(newer), &m, &err),
	                 BRON_E_VERSION);
	const uint8_t unknown[] = {BRON_KIND_NAME, 1, 0x01, 8, 0, 0, 0, 0, 0, 0,
	                           0, 0, 0x02, 1, 'a', 0x33, 0};
	assert_int_equal(bron_name_decode(unknown, sizeof(unknown), &m, &err),
	                 BRON_E_CODEC);
	const uint8_t optional[] = {BRON_KIND_NAME, 1, 0x01, 8, 0, 0, 0, 0, 0, 0,
	                            0, 0, 0x02, 1, 'a', 0x93, 1, 'x'};
	assert_int_equal(bron_name_decode(optional, sizeof(optional), &m, &err),
	                 BRON_OK);
	bron_name_release(&m);
	const uint8_t twice[] = {BRON_KIND_NAME, 1, 0x01, 8, 0, 0, 0, 0, 0, 0,
	                         0, 0, 0x02, 1, 'a', 0x02, 1, 'b'};
	assert_int_equal(bron_name_decode(twice, sizeof(twice), &m, &err),
	                 BRON_E_CODEC);
	const uint8_t nameless[] = {BRON_KIND_NAME, 1, 0x01, 8, 0, 0, 0, 0, 0, 0,
	                            0, 0};
	assert_int_equal(bron_name_decode(nameless, sizeof(nameless), &m, &err),
	                 BRON_E_CODEC);
}

static void letters(void **state)
{
	(void)state;
	char b[8];
	const struct {
		uint32_t no;
		const char *want;
	} t[] = {{1, "A"}, {2, "B"}, {26, "Z"}, {27, "AA"}, {28, "AB"},
	         {52, "AZ"}, {53, "BA"}, {702, "ZZ"}, {703, "AAA"}, {0, ""}};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bron_name_letters(t[i].no, b);
		assert_string_equal(b, t[i].want);
	}
	bron_name_letters(UINT32_MAX, b);
	assert_true(strlen(b) <= 7);
}

static void shared_round_trip(void **state)
{
	(void)state;
	uint64_t ids[3] = {1, 0xffffffffffffffffULL, 42};
	struct bron_shared s = {.when = 1764288000, .format = "html",
	                        .selection = "--since 2026-03-01 --area work",
	                        .dest = "/home/x/supervisie.html", .ids = ids,
	                        .nids = 3, .withheld = 2, .replaced = 17,
	                        .cut = 4};
	uint8_t *buf;
	size_t len;
	struct bron_shared t;
	assert_int_equal(bron_shared_encode(&s, &buf, &len, NULL), BRON_OK);
	assert_int_equal(buf[0], BRON_KIND_SHARED);
	assert_int_equal(bron_shared_decode(buf, len, &t, NULL), BRON_OK);
	assert_int_equal(t.when, 1764288000);
	assert_string_equal(t.format, "html");
	assert_string_equal(t.selection, s.selection);
	assert_string_equal(t.dest, s.dest);
	assert_int_equal(t.nids, 3);
	assert_memory_equal(t.ids, ids, sizeof(ids));
	assert_int_equal(t.withheld, 2);
	assert_int_equal(t.replaced, 17);
	assert_int_equal(t.cut, 4);
	bron_shared_release(&t);
	size_t ok = 0;
	for (size_t cut = 0; cut < len; cut++)
		if (bron_shared_decode(buf, cut, &t, NULL) == BRON_OK) {
			assert_string_equal(t.format, "html");
			bron_shared_release(&t);
			ok++;
		}
	assert_int_equal(ok, 8); /* at each field boundary after the format */
	/* every single bit flip is either rejected or decodes to valid text */
	for (size_t i = 0; i < len * 8; i++) {
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
		if (bron_shared_decode(buf, len, &t, NULL) == BRON_OK)
			bron_shared_release(&t);
		buf[i / 8] ^= (uint8_t)(1u << (i % 8));
	}
	bron_secret_free(buf, len);

	/* no entries, no file: still a valid record */
	struct bron_shared empty = {.when = 5, .format = "md"};
	assert_int_equal(bron_shared_encode(&empty, &buf, &len, NULL), BRON_OK);
	assert_int_equal(bron_shared_decode(buf, len, &t, NULL), BRON_OK);
	assert_int_equal(t.nids, 0);
	assert_null(t.dest);
	bron_shared_release(&t);
	bron_secret_free(buf, len);
	empty.format = NULL;
	assert_int_equal(bron_shared_encode(&empty, &buf, &len, NULL),
	                 BRON_E_INVALID);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(name_round_trip),
	        cmocka_unit_test(name_rejects),
	        cmocka_unit_test(letters),
	        cmocka_unit_test(shared_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
