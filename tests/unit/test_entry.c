/*
 * test_entry.c - the entry codec: round trips, and strictness on every kind
 * of malformed payload.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "helpers.h"

static void fill(struct bron_entry *e)
{
	bron_entry_init(e);
	e->created = 1764288000; /* 2025-11-28 */
	e->updated = -5;         /* any 64-bit value survives */
	e->title = strdup("Thuisbezoek, en wat het bij mij losmaakte");
	e->body = strdup("Regel één\nRegel twee met é, ñ en 🌱.\n");
	e->area = strdup("family-of-origin");
	assert_int_equal(bron_entry_add_tag(e, "scheiding", NULL), BRON_OK);
	assert_int_equal(bron_entry_add_tag(e, "jeugd", NULL), BRON_OK);
	assert_int_equal(bron_entry_set_level(e, BRON_LEVEL_NOT_YET, 100,
	                                      "nog te rauw", NULL),
	                 BRON_OK);
	assert_int_equal(bron_entry_set_level(e, BRON_LEVEL_SHAREABLE, 200, NULL,
	                                      NULL),
	                 BRON_OK);
}

static uint8_t *encode(const struct bron_entry *e, size_t *len)
{
	uint8_t *buf = NULL;
	struct bron_error err;
	if (bron_entry_encode(e, &buf, len, &err) != BRON_OK)
		fail_msg("encode: %s", err.msg);
	return buf;
}

static void round_trip(void **state)
{
	(void)state;
	struct bron_entry a, b;
	size_t len;
	fill(&a);
	uint8_t *buf = encode(&a, &len);
	assert_int_equal(buf[0], BRON_KIND_ENTRY);
	assert_int_equal(buf[1], BRON_ENTRY_VERSION);
	assert_int_equal(bron_entry_decode(buf, len, &b, NULL), BRON_OK);
	assert_int_equal(b.created, a.created);
	assert_int_equal(b.updated, a.updated);
	assert_int_equal(b.level, BRON_LEVEL_SHAREABLE);
	assert_string_equal(b.title, a.title);
	assert_string_equal(b.body, a.body);
	assert_string_equal(b.area, a.area);
	assert_int_equal(b.ntags, 2);
	assert_string_equal(b.tags[0], "scheiding");
	assert_string_equal(b.tags[1], "jeugd");
	assert_int_equal(b.nhistory, 2);
	assert_int_equal(b.history[0].from, BRON_LEVEL_PRIVATE);
	assert_int_equal(b.history[0].to, BRON_LEVEL_NOT_YET);
	assert_int_equal(b.history[0].when, 100);
	assert_string_equal(b.history[0].why, "nog te rauw");
	assert_null(b.history[1].why);
	bron_entry_release(&b);
	bron_entry_release(&a);
	assert_null(a.title);
	bron_secret_free(buf, len);
}

static void summary_leaves_out_the_text(void **state)
{
	(void)state;
	struct bron_entry a, b;
	size_t len;
	fill(&a);
	uint8_t *buf = encode(&a, &len);
	assert_int_equal(bron_entry_decode_summary(buf, len, &b, NULL), BRON_OK);
	assert_null(b.body);
	assert_string_equal(b.title, a.title);
	assert_int_equal(b.ntags, 2);
	assert_int_equal(b.nhistory, 2);
	bron_entry_release(&b);
	bron_entry_release(&a);
	bron_secret_free(buf, len);
	/* The text is still checked, though not kept. */
	const uint8_t bad_body[] = {1, 1, 0x01, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	                            0x02, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	                            0x03, 1, 0, 0x05, 1, 0xff};
	assert_int_equal(bron_entry_decode_summary(bad_body, sizeof(bad_body), &b,
	                                           NULL),
	                 BRON_E_CODEC);
	const uint8_t two_bodies[] = {1, 1, 0x01, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	                              0x02, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	                              0x03, 1, 0, 0x05, 1, 'a', 0x05, 1, 'b'};
	assert_int_equal(bron_entry_decode_summary(two_bodies, sizeof(two_bodies),
	                                           &b, NULL),
	                 BRON_E_CODEC);
}

static void empty_entry(void **state)
{
	(void)state;
	struct bron_entry a, b;
	size_t len;
	bron_entry_init(&a);
	uint8_t *buf = encode(&a, &len);
	assert_int_equal(bron_entry_decode(buf, len, &b, NULL), BRON_OK);
	assert_int_equal(b.level, BRON_LEVEL_PRIVATE);
	assert_null(b.title);
	assert_null(b.body);
	assert_int_equal(b.ntags, 0);
	bron_entry_release(&b);
	bron_secret_free(buf, len);
}

/* Every strict prefix of a valid payload is rejected, and nothing leaks. */
static void truncations(void **state)
{
	(void)state;
	struct bron_entry a, b;
	size_t len;
	fill(&a);
	uint8_t *buf = encode(&a, &len);
	size_t accepted = 0;
	for (size_t n = 0; n < len; n++) {
		uint8_t *copy = malloc(n ? n : 1);
		memcpy(copy, buf, n);
		bron_err e = bron_entry_decode(copy, n, &b, NULL);
		if (e == BRON_OK) {
			/* Only a cut between whole fields after the required ones. */
			accepted++;
			bron_entry_release(&b);
		} else {
			assert_int_equal(e, BRON_E_CODEC);
			assert_null(b.title);
			assert_int_equal(b.ntags, 0);
		}
		free(copy);
	}
	/* Cuts inside a field are never accepted: at most one per field. */
	assert_true(accepted <= 8);
	bron_entry_release(&a);
	bron_secret_free(buf, len);
}

static bron_err decode_bytes(const uint8_t *p, size_t n)
{
	struct bron_entry e;
	bron_err rc = bron_entry_decode(p, n, &e, NULL);
	bron_entry_release(&e);
	return rc;
}

#define REQUIRED                                                          \
	0x01, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 8, 0, 0, 0, 0, 0, 0, 0, 0, \
	        0x03, 1, 0

static void strictness(void **state)
{
	(void)state;
	const uint8_t ok[] = {1, 1, REQUIRED};
	assert_int_equal(decode_bytes(ok, sizeof(ok)), BRON_OK);

	const uint8_t newer[] = {1, 2, REQUIRED};
	assert_int_equal(decode_bytes(newer, sizeof(newer)), BRON_E_VERSION);

	const uint8_t other_kind[] = {2, 1, REQUIRED};
	assert_int_equal(decode_bytes(other_kind, sizeof(other_kind)),
	                 BRON_E_CODEC);

	const uint8_t no_level[] = {1, 1, 0x01, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	                            0x02, 8, 0, 0, 0, 0, 0, 0, 0, 0};
	assert_int_equal(decode_bytes(no_level, sizeof(no_level)), BRON_E_CODEC);

	const uint8_t bad_level[] = {1, 1, 0x01, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	                             0x02, 8, 0, 0, 0, 0, 0, 0, 0, 0,
	                             0x03, 1, 3};
	assert_int_equal(decode_bytes(bad_level, sizeof(bad_level)),
	                 BRON_E_CODEC);

	const uint8_t two_levels[] = {1, 1, REQUIRED, 0x03, 1, 2};
	assert_int_equal(decode_bytes(two_levels, sizeof(two_levels)),
	                 BRON_E_CODEC);

	const uint8_t two_titles[] = {1, 1, REQUIRED, 0x04, 1, 'a', 0x04, 1, 'b'};
	assert_int_equal(decode_bytes(two_titles, sizeof(two_titles)),
	                 BRON_E_CODEC);

	const uint8_t unknown_critical[] = {1, 1, REQUIRED, 0x40, 1, 'x'};
	assert_int_equal(decode_bytes(unknown_critical, sizeof(unknown_critical)),
	                 BRON_E_CODEC);

	const uint8_t unknown_optional[] = {1, 1, REQUIRED, 0x90, 2, 'x', 'y'};
	assert_int_equal(decode_bytes(unknown_optional, sizeof(unknown_optional)),
	                 BRON_OK);

	const uint8_t nul_in_title[] = {1, 1, REQUIRED, 0x04, 3, 'a', 0, 'b'};
	assert_int_equal(decode_bytes(nul_in_title, sizeof(nul_in_title)),
	                 BRON_E_CODEC);

	const uint8_t overlong[] = {1, 1, REQUIRED, 0x04, 2, 0xc0, 0xaf};
	assert_int_equal(decode_bytes(overlong, sizeof(overlong)), BRON_E_CODEC);

	const uint8_t surrogate[] = {1, 1, REQUIRED, 0x04, 3, 0xed, 0xa0, 0x80};
	assert_int_equal(decode_bytes(surrogate, sizeof(surrogate)), BRON_E_CODEC);

	const uint8_t long_len[] = {1, 1, REQUIRED, 0x04, 0xff, 0xff, 0xff,
	                            0xff, 0xff, 0x01};
	assert_int_equal(decode_bytes(long_len, sizeof(long_len)), BRON_E_CODEC);

	const uint8_t len_past_end[] = {1, 1, REQUIRED, 0x05, 10, 'a'};
	assert_int_equal(decode_bytes(len_past_end, sizeof(len_past_end)),
	                 BRON_E_CODEC);

	const uint8_t version0[] = {1, 0, REQUIRED};
	assert_int_equal(decode_bytes(version0, sizeof(version0)), BRON_E_CODEC);

	const uint8_t long_form_len[] = {1, 1, REQUIRED, 0x04, 0x81, 0x00, 'a'};
	assert_int_equal(decode_bytes(long_form_len, sizeof(long_form_len)),
	                 BRON_E_CODEC);

	const uint8_t short_history[] = {1, 1, REQUIRED, 0x08, 9,
	                                 0, 0, 0, 0, 0, 0, 0, 0, 0};
	assert_int_equal(decode_bytes(short_history, sizeof(short_history)),
	                 BRON_E_CODEC);
}

static void encode_rejects_bad_text(void **state)
{
	(void)state;
	struct bron_entry e;
	struct bron_error err;
	uint8_t *buf = NULL;
	size_t len;
	bron_entry_init(&e);
	e.title = strdup("bad \xff byte");
	assert_int_equal(bron_entry_encode(&e, &buf, &len, &err), BRON_E_INVALID);
	assert_null(buf);
	free(e.title);
	e.title = NULL;
	e.level = (enum bron_level)7;
	assert_int_equal(bron_entry_encode(&e, &buf, &len, &err), BRON_E_INVALID);
	assert_int_equal(bron_entry_add_tag(&e, "\xc0\x80", &err), BRON_E_INVALID);
	bron_entry_release(&e);
}

/* Entries stored in the vault come back whole. */
static void through_the_vault(void **state)
{
	(void)state;
	struct tmpdir t;
	struct bron_entry a, b;
	size_t len, got;
	uint8_t *data;
	tmpdir_make(&t);
	struct bron_vault *v = vault_new(&t, NULL);
	fill(&a);
	uint8_t *buf = encode(&a, &len);
	bron_id id = 0;
	assert_int_equal(bron_vault_put(v, &id, 0, buf, len, NULL, NULL), BRON_OK);
	assert_int_equal(bron_vault_get(v, id, &data, &got, NULL, NULL), BRON_OK);
	assert_int_equal(bron_entry_decode(data, got, &b, NULL), BRON_OK);
	assert_string_equal(b.body, a.body);
	bron_entry_release(&a);
	bron_entry_release(&b);
	bron_secret_free(buf, len);
	bron_secret_free(data, got);
	bron_vault_free(v);
	tmpdir_remove(&t);
}

int main(void)
{
	assert_int_equal(bron_init(NULL), BRON_OK);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(round_trip),
	        cmocka_unit_test(summary_leaves_out_the_text),
	        cmocka_unit_test(empty_entry),
	        cmocka_unit_test(truncations),
	        cmocka_unit_test(strictness),
	        cmocka_unit_test(encode_rejects_bad_text),
	        cmocka_unit_test(through_the_vault),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
