/*
 * test_crypto.c - libbron's internal building blocks: PADMÉ padding and its
 * strict removal, the recovery code's format and checksum, KDF limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "helpers.h"
#include "vault_int.h"

static void pad_sizes(void **state)
{
	(void)state;
	/* Everything up to the floor looks the same. */
	assert_int_equal(pad_size(0), 1024);
	assert_int_equal(pad_size(1023), 1024);
	assert_int_equal(pad_size(1024), 1088);
	/* PADMÉ keeps floor(log2 e) + 1 significant bits of the length. */
	for (size_t len = 0; len < 300000; len += len < 5000 ? 1 : 97) {
		size_t p = pad_size(len);
		assert_true(p > len);
		assert_true(p >= 1024);
		if (len >= 1024) {
			size_t n = len + 1;
			unsigned e = 63u - (unsigned)__builtin_clzll(n);
			unsigned s = 64u - (unsigned)__builtin_clzll(e);
			size_t mask = ((size_t)1 << (e - s)) - 1;
			assert_int_equal(p, (n + mask) & ~mask);
			/* overhead stays under 12.5% */
			assert_true((p - len) * 8 <= len + 8);
		}
	}
}

static void pad_round_trip(void **state)
{
	(void)state;
	static uint8_t buf[70000];
	for (size_t len = 0; len < 66000; len += len < 3000 ? 1 : 331) {
		size_t cap = pad_size(len);
		memset(buf, 0xab, len);
		assert_int_equal(pad_apply(buf, len, cap), cap);
		size_t out = 0;
		assert_int_equal(pad_strip(buf, cap, &out), 0);
		assert_int_equal(out, len);
	}
}

static void pad_strip_is_strict(void **state)
{
	(void)state;
	uint8_t buf[2048];
	size_t out;
	memset(buf, 0, sizeof(buf));
	/* all zeros: no marker */
	assert_int_equal(pad_strip(buf, 1024, &out), -1);
	/* marker followed by a non-zero byte */
	buf[10] = 0x80;
	buf[1023] = 1;
	assert_int_equal(pad_strip(buf, 1024, &out), -1);
	/* a valid marker at a position whose padded size is not 1024 */
	memset(buf, 'x', sizeof(buf));
	buf[1500] = 0x80; /* 1500 bytes pad to 1536, not 2048 */
	memset(buf + 1501, 0, 547);
	assert_int_equal(pad_strip(buf, 2048, &out), -1);
	assert_int_equal(pad_strip(buf, 0, &out), -1);
}

static void recovery_code_format(void **state)
{
	(void)state;
	uint8_t code[KEY_LEN], back[KEY_LEN];
	char text[BRON_RECOVERY_CODE_LEN + 1];
	for (int i = 0; i < KEY_LEN; i++)
		code[i] = (uint8_t)(i * 37 + 11);
	recovery_format(text, code);
	assert_int_equal(strlen(text), BRON_RECOVERY_CODE_LEN);
	for (int i = 0; i < BRON_RECOVERY_CODE_LEN; i++) {
		if (i % 5 == 4)
			assert_int_equal(text[i], '-');
		else
			assert_non_null(strchr("0123456789ABCDEFGHJKMNPQRSTVWXYZ",
			                       text[i]));
	}
	assert_int_equal(recovery_parse(text, back, NULL), BRON_OK);
	assert_memory_equal(code, back, KEY_LEN);

	/* Every single-symbol substitution is caught. */
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	int missed = 0;
	for (int i = 0; i < BRON_RECOVERY_CODE_LEN; i++) {
		if (text[i] == '-')
			continue;
		char saved = text[i];
		for (const char *a = alphabet; *a; a++) {
			if (*a == saved)
				continue;
			text[i] = *a;
			if (recovery_parse(text, back, NULL) != BRON_E_RECOVERY_TYPO)
				missed++;
		}
		text[i] = saved;
	}
	assert_int_equal(missed, 0);

	/* A dropped symbol, an extra symbol, a foreign character. */
	char shorter[sizeof(text)];
	memcpy(shorter, text, sizeof(text));
	shorter[BRON_RECOVERY_CODE_LEN - 1] = '\0';
	assert_int_equal(recovery_parse(shorter, back, NULL),
	                 BRON_E_RECOVERY_TYPO);
	char longer[sizeof(text) + 1];
	memcpy(longer, text, BRON_RECOVERY_CODE_LEN);
	longer[BRON_RECOVERY_CODE_LEN] = '7';
	longer[BRON_RECOVERY_CODE_LEN + 1] = '\0';
	assert_int_equal(recovery_parse(longer, back, NULL), BRON_E_RECOVERY_TYPO);
	char foreign[sizeof(text)];
	memcpy(foreign, text, sizeof(text));
	foreign[0] = 'U';
	assert_int_equal(recovery_parse(foreign, back, NULL),
	                 BRON_E_RECOVERY_TYPO);
}

static void kdf_limits(void **state)
{
	(void)state;
	assert_int_equal(kdf_check(1, 8192, NULL), BRON_OK);
	assert_int_equal(kdf_check(20, 4ULL << 30, NULL), BRON_OK);
	assert_int_equal(kdf_check(0, 8192, NULL), BRON_E_KDF_PARAMS);
	assert_int_equal(kdf_check(21, 8192, NULL), BRON_E_KDF_PARAMS);
	assert_int_equal(kdf_check(1, 4096, NULL), BRON_E_KDF_PARAMS);
	assert_int_equal(kdf_check(1, (4ULL << 30) + 1, NULL), BRON_E_KDF_PARAMS);
	assert_int_equal(kdf_check(UINT64_MAX, UINT64_MAX, NULL),
	                 BRON_E_KDF_PARAMS);
}

/* The associated data binds each field: changing one changes the bytes. */
static void record_ad_binds_fields(void **state)
{
	(void)state;
	uint8_t id[VAULT_ID_LEN] = {1, 2, 3}, a[RECORD_AD_LEN], b[RECORD_AD_LEN];
	record_ad(a, id, 5, 6, 7);
	record_ad(b, id, 5, 6, 8);
	assert_memory_not_equal(a, b, RECORD_AD_LEN);
	record_ad(b, id, 5, 7, 7);
	assert_memory_not_equal(a, b, RECORD_AD_LEN);
	record_ad(b, id, 6, 6, 7);
	assert_memory_not_equal(a, b, RECORD_AD_LEN);
	id[15] = 9;
	record_ad(b, id, 5, 6, 7);
	assert_memory_not_equal(a, b, RECORD_AD_LEN);
}

int main(void)
{
	assert_int_equal(bron_init(NULL), BRON_OK);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(pad_sizes),
	        cmocka_unit_test(pad_round_trip),
	        cmocka_unit_test(pad_strip_is_strict),
	        cmocka_unit_test(recovery_code_format),
	        cmocka_unit_test(kdf_limits),
	        cmocka_unit_test(record_ad_binds_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
