/*
 * test_kat.c - crypto-level known answers: for fixed keys, salts, nonces and
 * inputs, the library's subkeys, header, key slots, recovery code, record
 * ciphertext, padding, manifest and entry encoding.  The same values are
 * printed in docs/FORMAT.md ("Known answers"); the test also checks that the
 * document shows each of them, so the two cannot drift apart.
 *
 *     test_vectors_kat docs/FORMAT.md
 *
 * With BRON_KAT_PRINT=1 in the environment it prints what the library
 * computes instead of checking (for updating the document after a
 * deliberate format change).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "helpers.h"
#include "internal.h"
#include "vault_int.h"

static char *doc; /* docs/FORMAT.md without any white space */
static int printing;

/* ---- fixed inputs (docs/FORMAT.md, "Known answers") ---- */

static uint8_t M[32];     /* master key 00 01 .. 1f */
static uint8_t V[16];     /* vault id a0 a1 .. af */
static uint8_t S1[16];    /* passphrase salt 10 11 .. 1f */
static uint8_t N1[24];    /* passphrase slot nonce 20 21 .. 37 */
static uint8_t C[32];     /* recovery code bytes ff fe .. e0 */
static uint8_t S2[16];    /* recovery salt 40 41 .. 4f */
static uint8_t N2[24];    /* recovery slot nonce 50 51 .. 67 */
static uint8_t N3[24];    /* record nonce 60 61 .. 77 */
#define PASS "correct horse battery staple"
#define REC_ID 0x0123456789abcdefULL
#define REC_REV 3
#define EPOCH 2
#define PAYLOAD "hello, bron"

static void seq(uint8_t *p, size_t n, int start, int step)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(start + step * (int)i);
}

/* ---- expected values ---- */

#define K_RECORD_KEY \
	"58cd9806c5cd1fc286f5e23050c636af1c99e423cd96bff20354d9422496d899"
#define K_MANIFEST_KEY \
	"6723af7ae0044c321ee6044aed021fc3ec3feb5c2629e3a428a87cede3d9e9ee"
#define K_HEADER \
	"42524f4e564c540a01000000a0a1a2a3a4a5a6a7a8a9aaabacadaeaf02000000" \
	"b8587c6b0415be3a0d4c666a97e216263ea158d2937ecaecf8127ef64817c19b"
#define K_PASS_KEK \
	"90da74e47a1d109c1bb7ad2a81127e2089e284ce71c647ebaedc644df9a9f14c"
#define K_PASS_SLOT \
	"0101000001000000000000000020000000000000101112131415161718191a1b" \
	"1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637138148a1" \
	"b3b95e84a0c227af017714385dbc2798d7c8694a2a9d4abb3909fb27b76856ec" \
	"90fe427b76d4243ffd4673a0366677e7ee9013d17ed1efc9202d92a24b882c37" \
	"c27cf9efdfba72b0e56bdb14"
#define K_RECOVERY_TEXT \
	"ZZZF-VZ7V-ZBWZ-HXZP-YQTF-7WQH-Y3QY-XVFC-XFNE-KT77-WVJY-9RZ2-W7G0" \
	"-H2GN"
#define K_RECOVERY_KEK \
	"18f4f695297d53c12d8ab7ce4cee768aeea03f58f97f77c69aac01e865ae97e3"
#define K_RECOVERY_SLOT \
	"0202000000000000000000000000000000000000404142434445464748494a4b" \
	"4c4d4e4f505152535455565758595a5b5c5d5e5f60616263646566677dfa8670" \
	"2979cd839827f6df3f1296b0d843b87aabf4e2c9f2983c1b22578b3ef261c125" \
	"8115ed70acf1c34c9ad8e5a61c03c607173ad9c4f13516ae50f6143fc5bdb6b3" \
	"22ddee305ab3ec7c7c24256e"
#define K_RECORD_AD \
	"42524f4e564c540aa0a1a2a3a4a5a6a7a8a9aaabacadaeafefcdab8967452301" \
	"030000000000000002000000"
#define K_RECORD_TAG "05f391031d4016a369dccca132695e07"
#define K_RECORD_CT_HEAD "633d0d44304b8bc1af18088cb5bec7ef"
#define K_RECORD_CT_HASH \
	"a0c4631ca81208e86f6f4eb066ad700f5270225c067a970ba81168c4a5599b01"
#define K_MANIFEST_EMPTY \
	"0100000002000000010000000000000000000000000000000000000000000000" \
	"896f55ae2e9f4c324f963936825ee25df9993ffe97ee4a81aa97f77de31a480f" \
	"5769940f706ce65daedb3d04993063ad7abcb9be5044ab60b498007a74eebbae"
#define K_MANIFEST_TWO \
	"0100000002000000070000000000000002000000000000000400000000000000" \
	"c0fb5e425a762c47858d1544674b3698c617555113e0f8635252bafb21ddac6f" \
	"94f8e1a7fe669b71dec719e38ebcc3ba51d18af8d2501a649806721ffbfd7e37"
#define K_ENTRY \
	"0101010800e62869000000000208ffffffffffffffff0301010403486f690701" \
	"610702c3a9080b2c01000000000000000178"

/* ---- checking ---- */

static void doc_shows(const char *what, const char *want)
{
	if (!strstr(doc, want))
		fail_msg("docs/FORMAT.md does not show the %s (%s)", what, want);
}

static void check_hex(const char *what, const uint8_t *got, size_t n,
                      const char *want)
{
	char *hex = malloc(2 * n + 1);
	assert_non_null(hex);
	sodium_bin2hex(hex, 2 * n + 1, got, n);
	if (printing) {
		printf("%-22s %s\n", what, hex);
	} else {
		if (strcmp(hex, want) != 0)
			fail_msg("%s:\n got %s\nwant %s", what, hex, want);
		doc_shows(what, want);
	}
	free(hex);
}

static void check_str(const char *what, const char *got, const char *want)
{
	if (printing) {
		printf("%-22s %s\n", what, got);
		return;
	}
	assert_string_equal(got, want);
	doc_shows(what, want);
}

/* The slot associated data as docs/FORMAT.md describes it, built here
 * without the library's help. */
static void doc_slot_ad(uint8_t ad[68], const uint8_t part[36])
{
	memcpy(ad, "BRONVLT\n", 8);
	put_le32(ad + 8, 1);
	memcpy(ad + 12, V, 16);
	put_le32(ad + 28, EPOCH);
	memcpy(ad + 32, part, 36);
}

/* ---- the tests ---- */

static void subkeys(void **state)
{
	(void)state;
	struct keys k;
	memcpy(k.master, M, 32);
	derive_subkeys(&k);
	check_hex("record subkey", k.record, 32, K_RECORD_KEY);
	check_hex("manifest subkey", k.manifest, 32, K_MANIFEST_KEY);
	/* crypto_kdf_derive_from_key is keyed BLAKE2b with the id as salt and
	 * the context as personalisation, as the document says. */
	for (uint64_t id = 1; id <= 2; id++) {
		uint8_t salt[16] = {0}, personal[16] = {0}, out[32];
		put_le64(salt, id);
		memcpy(personal, "bronvlt1", 8);
		crypto_generichash_blake2b_salt_personal(out, 32, NULL, 0, M, 32,
		                                         salt, personal);
		assert_memory_equal(out, id == 1 ? k.record : k.manifest, 32);
	}
}

static void header(void **state)
{
	(void)state;
	uint8_t h[HEADER_LEN], id[16];
	uint32_t version, epoch;
	header_encode(h, V, 1, EPOCH);
	check_hex("header", h, sizeof(h), K_HEADER);
	assert_int_equal(header_decode(h, id, &version, &epoch, NULL), BRON_OK);
	assert_int_equal(epoch, EPOCH);
	assert_memory_equal(id, V, 16);
}

static void passphrase_slot(void **state)
{
	(void)state;
	uint8_t kek[32], ad[68], out[32];
	struct slot s = {.kind = 1, .alg = 1, .opslimit = 1, .memlimit = 8192};
	assert_int_equal(crypto_pwhash(kek, 32, PASS, strlen(PASS), S1, 1, 8192,
	                               crypto_pwhash_ALG_ARGON2ID13),
	                 0);
	check_hex("passphrase KEK", kek, 32, K_PASS_KEK);
	memcpy(s.salt, S1, 16);
	memcpy(s.nonce, N1, 24);
	uint8_t part[36] = {1, 1, 0, 0};
	put_le64(part + 4, 1);
	put_le64(part + 12, 8192);
	memcpy(part + 20, S1, 16);
	doc_slot_ad(ad, part);
	crypto_aead_xchacha20poly1305_ietf_encrypt(s.wrapped, NULL, M, 32, ad,
	                                           sizeof(ad), NULL, N1, kek);
	uint8_t row[SLOT_LEN];
	slot_encode(row, &s);
	check_hex("passphrase slot", row, sizeof(row), K_PASS_SLOT);
	struct slot back;
	assert_int_equal(slot_decode(row, &back, SLOT_PASS, NULL), BRON_OK);
	assert_int_equal(slot_unwrap(&back, kek, out, V, EPOCH), 0);
	assert_memory_equal(out, M, 32);
}

static void recovery(void **state)
{
	(void)state;
	char text[BRON_RECOVERY_CODE_LEN + 1];
	uint8_t back[32], kek[32], ad[68], out[32];
	recovery_format(text, C);
	check_str("recovery code", text, K_RECOVERY_TEXT);
	assert_int_equal(recovery_parse(text, back, NULL), BRON_OK);
	assert_memory_equal(back, C, 32);
	recovery_kek(kek, C, S2);
	check_hex("recovery KEK", kek, 32, K_RECOVERY_KEK);

	struct slot s = {.kind = 2, .alg = 2};
	memcpy(s.salt, S2, 16);
	memcpy(s.nonce, N2, 24);
	uint8_t part[36] = {2, 2, 0, 0};
	memcpy(part + 20, S2, 16);
	doc_slot_ad(ad, part);
	crypto_aead_xchacha20poly1305_ietf_encrypt(s.wrapped, NULL, M, 32, ad,
	                                           sizeof(ad), NULL, N2, kek);
	uint8_t row[SLOT_LEN];
	slot_encode(row, &s);
	check_hex("recovery slot", row, sizeof(row), K_RECOVERY_SLOT);
	struct slot dec;
	assert_int_equal(slot_decode(row, &dec, SLOT_RECOVERY, NULL), BRON_OK);
	assert_int_equal(slot_unwrap(&dec, kek, out, V, EPOCH), 0);
	assert_memory_equal(out, M, 32);
}

static void record(void **state)
{
	(void)state;
	struct keys k;
	uint8_t ad[RECORD_AD_LEN], tag[16], h[32], out[1025];
	uint8_t buf[1024] = {0};
	size_t len;
	memcpy(k.master, M, 32);
	derive_subkeys(&k);
	record_ad(ad, V, REC_ID, REC_REV, EPOCH);
	check_hex("record AD", ad, sizeof(ad), K_RECORD_AD);
	assert_int_equal(pad_size(strlen(PAYLOAD)), 1024);
	memcpy(buf, PAYLOAD, strlen(PAYLOAD));
	assert_int_equal(pad_apply(buf, strlen(PAYLOAD), sizeof(buf)), 1024);
	assert_int_equal(buf[strlen(PAYLOAD)], 0x80);
	crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
	        buf, tag, NULL, buf, sizeof(buf), ad, sizeof(ad), NULL, N3,
	        k.record);
	check_hex("record tag", tag, 16, K_RECORD_TAG);
	check_hex("record ct[0..16)", buf, 16, K_RECORD_CT_HEAD);
	crypto_generichash(h, 32, buf, sizeof(buf), NULL, 0);
	check_hex("BLAKE2b-256(record ct)", h, 32, K_RECORD_CT_HASH);
	assert_int_equal(record_open(V, k.record, REC_ID, REC_REV, EPOCH, N3, tag,
	                             buf, sizeof(buf), out, &len),
	                 0);
	assert_int_equal(len, strlen(PAYLOAD));
	assert_memory_equal(out, PAYLOAD, len);
}

static void padding(void **state)
{
	(void)state;
	static const size_t table[][2] = {
	        {0, 1024},       {1, 1024},       {1023, 1024},
	        {1024, 1088},    {1087, 1088},    {1088, 1152},
	        {2047, 2048},    {2048, 2176},    {3126, 3200},
	        {5000, 5120},    {65535, 65536},  {70000, 71680},
	        {1000000, 1015808},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		size_t got = pad_size(table[i][0]);
		char row[64];
		if (printing) {
			printf("| %zu | %zu |\n", table[i][0], got);
			continue;
		}
		if (got != table[i][1])
			fail_msg("pad_size(%zu) = %zu, want %zu", table[i][0], got,
			         table[i][1]);
		snprintf(row, sizeof(row), "|%zu|%zu|", table[i][0], table[i][1]);
		doc_shows("padding table row", row);
	}
}

static void manifest_row(const char *what, int two, uint64_t seqno,
                         const char *want)
{
	sqlite3 *db = NULL;
	struct keys k;
	struct manifest m;
	uint8_t row[MANIFEST_LEN];
	memcpy(k.master, M, 32);
	derive_subkeys(&k);
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(
	        sqlite3_exec(db,
	                     "CREATE TABLE meta(k INTEGER PRIMARY KEY, v BLOB NOT "
	                     "NULL);"
	                     "CREATE TABLE record(id INTEGER PRIMARY KEY, rev "
	                     "INTEGER NOT NULL, nonce BLOB NOT NULL, tag BLOB NOT "
	                     "NULL);",
	                     NULL, NULL, NULL),
	        SQLITE_OK);
	if (two) {
		/* the record of the test above, and a second one */
		struct keys rk;
		uint8_t buf[1024] = {0}, ad[RECORD_AD_LEN], tag[16];
		uint8_t n2[24], t2[16];
		memset(n2, 0x11, sizeof(n2));
		memset(t2, 0x22, sizeof(t2));
		memcpy(rk.master, M, 32);
		derive_subkeys(&rk);
		memcpy(buf, PAYLOAD, strlen(PAYLOAD));
		pad_apply(buf, strlen(PAYLOAD), sizeof(buf));
		record_ad(ad, V, REC_ID, REC_REV, EPOCH);
		crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
		        buf, tag, NULL, buf, sizeof(buf), ad, sizeof(ad), NULL, N3,
		        rk.record);
		sqlite3_stmt *q = NULL;
		assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO record "
		                                        "VALUES(?, ?, ?, ?)",
		                                    -1, &q, NULL),
		                 SQLITE_OK);
		sqlite3_bind_int64(q, 1, (sqlite3_int64)0x7edcba9876543210LL);
		sqlite3_bind_int64(q, 2, 1);
		sqlite3_bind_blob(q, 3, n2, 24, SQLITE_STATIC);
		sqlite3_bind_blob(q, 4, t2, 16, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(q), SQLITE_DONE);
		sqlite3_reset(q);
		sqlite3_bind_int64(q, 1, (sqlite3_int64)REC_ID);
		sqlite3_bind_int64(q, 2, REC_REV);
		sqlite3_bind_blob(q, 3, N3, 24, SQLITE_STATIC);
		sqlite3_bind_blob(q, 4, tag, 16, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(q), SQLITE_DONE);
		sqlite3_finalize(q);
	}
	assert_int_equal(manifest_write(db, V, EPOCH, k.manifest, seqno, &m, NULL),
	                 BRON_OK);
	assert_int_equal(store_meta_get(db, META_MANIFEST, row, sizeof(row), NULL),
	                 BRON_OK);
	check_hex(what, row, sizeof(row), want);
	assert_int_equal(manifest_verify(db, V, EPOCH, &k, NULL, NULL), BRON_OK);
	sqlite3_close(db);
}

static void manifest(void **state)
{
	(void)state;
	manifest_row("manifest, no records", 0, 1, K_MANIFEST_EMPTY);
	manifest_row("manifest, two records", 1, 7, K_MANIFEST_TWO);
}

static void entry(void **state)
{
	(void)state;
	struct bron_entry e, back;
	uint8_t *buf;
	size_t len;
	bron_entry_init(&e);
	e.created = 1764288000;
	e.updated = -1;
	e.title = strdup("Hoi");
	assert_int_equal(bron_entry_add_tag(&e, "a", NULL), BRON_OK);
	assert_int_equal(bron_entry_add_tag(&e, "\xc3\xa9", NULL), BRON_OK);
	assert_int_equal(bron_entry_set_level(&e, BRON_LEVEL_NOT_YET, 300, "x",
	                                      NULL),
	                 BRON_OK);
	assert_int_equal(bron_entry_encode(&e, &buf, &len, NULL), BRON_OK);
	check_hex("entry", buf, len, K_ENTRY);
	assert_int_equal(bron_entry_decode(buf, len, &back, NULL), BRON_OK);
	assert_string_equal(back.title, "Hoi");
	assert_int_equal(back.level, BRON_LEVEL_NOT_YET);
	bron_entry_release(&back);
	bron_entry_release(&e);
	bron_secret_free(buf, len);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s docs/FORMAT.md\n", argv[0]);
		return 2;
	}
	const char *p = getenv("BRON_KAT_PRINT");
	printing = p && *p == '1';
	if (bron_init(NULL) != BRON_OK)
		return 1;
	if (!printing) {
		size_t len, o = 0;
		uint8_t *raw = file_read(argv[1], &len);
		doc = malloc(len + 1);
		for (size_t i = 0; i < len; i++)
			if (raw[i] != ' ' && raw[i] != '\n' && raw[i] != '\t' &&
			    raw[i] != '\r')
				doc[o++] = (char)raw[i];
		doc[o] = '\0';
		free(raw);
	}
	seq(M, 32, 0x00, 1);
	seq(V, 16, 0xa0, 1);
	seq(S1, 16, 0x10, 1);
	seq(N1, 24, 0x20, 1);
	seq(C, 32, 0xff, -1);
	seq(S2, 16, 0x40, 1);
	seq(N2, 24, 0x50, 1);
	seq(N3, 24, 0x60, 1);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(subkeys),  cmocka_unit_test(header),
	        cmocka_unit_test(passphrase_slot), cmocka_unit_test(recovery),
	        cmocka_unit_test(record),   cmocka_unit_test(padding),
	        cmocka_unit_test(manifest), cmocka_unit_test(entry),
	};
	int rc = cmocka_run_group_tests_name("kat", tests, NULL, NULL);
	free(doc);
	return rc;
}
