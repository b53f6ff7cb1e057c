/*
 * test_age.c - the age v1 module: HKDF-SHA-256 and X25519 against their
 * RFCs, the Bech32 key strings and fingerprints, encryption round trips
 * around the 64 KiB chunk size, and the code each kind of damage earns on
 * decryption (flipped bits, cuts, trailing data, bad recipients, armor).
 *
 * Constants were taken from RFC 5869 (appendix A), RFC 7748 (section 6.1)
 * and the public age test vectors, and checked independently.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "age_int.h"
#include "bron/age.h"
#include "bron/bron.h"
#include "bron/vault.h"

static const char bech32_chars[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/* ---- small helpers ---- */

/* Hex text into bytes; returns the byte count. */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	assert_int_equal(sodium_hex2bin(out, cap, hex, strlen(hex), NULL, &n,
	                                NULL),
	                 0);
	assert_int_equal(n * 2, strlen(hex));
	return n;
}

/* Bytes from..to inclusive, as a buffer (and a NUL, for info strings). */
static size_t byte_run(uint8_t from, uint8_t to, uint8_t *out)
{
	size_t n = 0;
	for (unsigned v = from; v <= to; v++)
		out[n++] = (uint8_t)v;
	out[n] = 0;
	return n;
}

/* A plaintext with every byte value in it, zeros included. */
static uint8_t *pattern(size_t n, unsigned seed)
{
	uint8_t *p = malloc(n ? n : 1);
	assert_non_null(p);
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131u + (i >> 8) * 7u + seed);
	return p;
}

struct keys {
	uint8_t sk[4][BRON_AGE_KEY];
	uint8_t pk[4][BRON_AGE_KEY];
};

static void keys_make(struct keys *k)
{
	for (size_t i = 0; i < 4; i++)
		bron_age_keygen(k->sk[i], k->pk[i]);
}

/* Encrypts and asserts success. */
static uint8_t *seal(const uint8_t *pt, size_t len,
                     const uint8_t (*pks)[BRON_AGE_KEY], size_t n, int armor,
                     size_t *ctlen)
{
	uint8_t *ct = NULL;
	struct bron_error err;
	bron_err e = bron_age_encrypt(pt, len, pks, n, armor, &ct, ctlen, &err);
	if (e != BRON_OK)
		fail_msg("encrypt: %s", err.msg);
	assert_non_null(ct);
	assert_true(*ctlen > 0);
	return ct;
}

/*
 * Decrypts and checks the contract either way: on success a NUL-terminated
 * plaintext and fault OK; on failure *out NULL, the same code in err and a
 * fault that is not OK.  The plaintext goes to *pt when pt is given (the
 * caller frees it), else it is freed here.
 */
static bron_err open_with(const uint8_t *ct, size_t len,
                          const uint8_t (*sks)[BRON_AGE_KEY], size_t n,
                          uint8_t **pt, size_t *ptlen,
                          enum bron_age_fault *fault)
{
	uint8_t dummy = 0;
	uint8_t *out = &dummy;
	size_t outlen = 12345;
	enum bron_age_fault f = (enum bron_age_fault)77;
	struct bron_error err;
	memset(&err, 0, sizeof(err));
	bron_err e = bron_age_decrypt(ct, len, sks, n, &out, &outlen, &f, &err);
	if (e == BRON_OK) {
		assert_int_equal(f, BRON_AGE_OK);
		assert_non_null(out);
		assert_true(out != &dummy);
		assert_int_equal(out[outlen], 0);
	} else {
		assert_null(out);
		assert_int_equal(err.code, e);
		assert_true(err.msg[0] != '\0');
		assert_true(f > BRON_AGE_OK && f <= BRON_AGE_PAYLOAD);
	}
	if (fault)
		*fault = f;
	if (pt) {
		*pt = out;
		*ptlen = outlen;
	} else if (out) {
		bron_secret_free(out, outlen + 1);
	}
	return e;
}

/* Decrypts with one identity; the plaintext is freed. */
static bron_err open1(const uint8_t *ct, size_t len,
                      const uint8_t sk[BRON_AGE_KEY],
                      enum bron_age_fault *fault)
{
	const uint8_t(*sks)[BRON_AGE_KEY] = (const uint8_t(*)[BRON_AGE_KEY])sk;
	return open_with(ct, len, sks, 1, NULL, NULL, fault);
}

/* Decrypts with one identity and asserts the plaintext is want. */
static void open_expect(const uint8_t *ct, size_t len,
                        const uint8_t (*sks)[BRON_AGE_KEY], size_t n,
                        const uint8_t *want, size_t wantlen)
{
	uint8_t *pt = NULL;
	size_t ptlen = 0;
	bron_err e = open_with(ct, len, sks, n, &pt, &ptlen, NULL);
	assert_int_equal(e, BRON_OK);
	assert_int_equal(ptlen, wantlen);
	if (wantlen)
		assert_memory_equal(pt, want, wantlen);
	bron_secret_free(pt, ptlen + 1);
}

/* Where the payload (its nonce) starts in a binary file: after the MAC line. */
static size_t header_end(const uint8_t *ct, size_t len)
{
	static const char mark[] = "\n--- ";
	for (size_t i = 0; i + sizeof(mark) - 1 <= len; i++) {
		if (memcmp(ct + i, mark, sizeof(mark) - 1) != 0)
			continue;
		const uint8_t *nl = memchr(ct + i + 1, '\n', len - i - 1);
		assert_non_null(nl);
		return (size_t)(nl - ct) + 1;
	}
	fail_msg("no MAC line in the file");
	return 0;
}

/* Where text first occurs in the first len bytes of buf. */
static size_t find(const uint8_t *buf, size_t len, const char *text)
{
	size_t n = strlen(text);
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(buf + i, text, n) == 0)
			return i;
	fail_msg("'%s' not found", text);
	return 0;
}

/* Chunks in a payload of len plaintext bytes (an empty one has one). */
static size_t chunks_for(size_t len)
{
	return len ? (len + AGE_CHUNK - 1) / AGE_CHUNK : 1;
}

static int is_failure_code(bron_err e)
{
	return e == BRON_E_NOT_AGE || e == BRON_E_NOT_FOR_YOU ||
	       e == BRON_E_TAMPERED || e == BRON_E_TRUNCATED;
}

/* ---- HKDF-SHA-256, RFC 5869 appendix A ---- */

/*
 * age_hkdf gives okm, writes nothing past outlen, and a shorter output is a
 * prefix of a longer one (across the 32-byte block boundary too).
 */
static void hkdf_expect(const uint8_t *salt, size_t saltlen,
                        const uint8_t *ikm, size_t ikmlen, const char *info,
                        const char *okm_hex)
{
	uint8_t want[128], got[136];
	size_t n = unhex(okm_hex, want, sizeof(want));
	memset(got, 0xa5, sizeof(got));
	age_hkdf(salt, saltlen, ikm, ikmlen, info, got, n);
	assert_memory_equal(got, want, n);
	for (size_t i = n; i < sizeof(got); i++)
		assert_int_equal(got[i], 0xa5);
	static const size_t part[] = {1, 31, 32, 33};
	for (size_t p = 0; p < sizeof(part) / sizeof(part[0]); p++) {
		memset(got, 0xa5, sizeof(got));
		age_hkdf(salt, saltlen, ikm, ikmlen, info, got, part[p]);
		assert_memory_equal(got, want, part[p]);
		assert_int_equal(got[part[p]], 0xa5);
	}
}

static void hkdf_rfc5869_case1(void **state)
{
	(void)state;
	uint8_t ikm[22], salt[16], info[16];
	memset(ikm, 0x0b, sizeof(ikm));
	size_t saltlen = byte_run(0x00, 0x0c, salt);
	assert_int_equal(saltlen, 13);
	assert_int_equal(byte_run(0xf0, 0xf9, info), 10);
	hkdf_expect(salt, saltlen, ikm, sizeof(ikm), (const char *)info,
	            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4"
	            "c5bf34007208d5b887185865");
}

static void hkdf_rfc5869_case2(void **state)
{
	(void)state;
	uint8_t ikm[96], salt[96], info[96];
	size_t ikmlen = byte_run(0x00, 0x4f, ikm);
	size_t saltlen = byte_run(0x60, 0xaf, salt);
	assert_int_equal(byte_run(0xb0, 0xff, info), 80);
	assert_int_equal(ikmlen, 80);
	assert_int_equal(saltlen, 80);
	hkdf_expect(salt, saltlen, ikm, ikmlen, (const char *)info,
	            "b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19af"
	            "a97c59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9"
	            "aca3db71cc30c58179ec3e87c14c01d5c1f3434f1d87");
}

static void hkdf_rfc5869_case3(void **state)
{
	(void)state;
	static const char okm[] =
	        "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"
	        "9d201395faa4b61a96c8";
	uint8_t ikm[22], zeros[32] = {0}, some[4] = {1, 2, 3, 4};
	memset(ikm, 0x0b, sizeof(ikm));
	/* an empty salt, given as NULL or as a zero length */
	hkdf_expect(NULL, 0, ikm, sizeof(ikm), "", okm);
	hkdf_expect(some, 0, ikm, sizeof(ikm), "", okm);
	/* RFC 5869: a missing salt is HashLen zero bytes */
	hkdf_expect(zeros, sizeof(zeros), ikm, sizeof(ikm), "", okm);
}

/* The info string counts: "header" and "payload" give different keys. */
static void hkdf_info_matters(void **state)
{
	(void)state;
	uint8_t ikm[16] = {7}, a[32], b[32];
	age_hkdf(NULL, 0, ikm, sizeof(ikm), "header", a, sizeof(a));
	age_hkdf(NULL, 0, ikm, sizeof(ikm), "payload", b, sizeof(b));
	assert_memory_not_equal(a, b, sizeof(a));
}

/* ---- X25519, RFC 7748 section 6.1 ---- */

static void x25519_rfc7748(void **state)
{
	(void)state;
	uint8_t a[32], apub[32], b[32], bpub[32], shared[32];
	uint8_t got[32], k1[32], k2[32];
	unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	      a, sizeof(a));
	unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	      apub, sizeof(apub));
	unhex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	      b, sizeof(b));
	unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	      bpub, sizeof(bpub));
	unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
	      shared, sizeof(shared));
	bron_age_public(a, got);
	assert_memory_equal(got, apub, 32);
	bron_age_public(b, got);
	assert_memory_equal(got, bpub, 32);
	assert_int_equal(crypto_scalarmult(k1, a, bpub), 0);
	assert_int_equal(crypto_scalarmult(k2, b, apub), 0);
	assert_memory_equal(k1, shared, 32);
	assert_memory_equal(k2, shared, 32);
}

/* keygen gives a fresh scalar whose public point matches. */
static void keygen_pairs(void **state)
{
	(void)state;
	uint8_t sk1[32], pk1[32], sk2[32], pk2[32], pk[32];
	bron_age_keygen(sk1, pk1);
	bron_age_keygen(sk2, pk2);
	assert_memory_not_equal(sk1, sk2, 32);
	assert_memory_not_equal(pk1, pk2, 32);
	bron_age_public(sk1, pk);
	assert_memory_equal(pk, pk1, 32);
	bron_age_public(sk2, pk);
	assert_memory_equal(pk, pk2, 32);
}

/* ---- Bech32 key strings ---- */

/* From the public age test vectors; the recipient from age-keygen -y. */
static const char known_id[] =
        "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0";
static const char known_rcpt[] =
        "age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrwsvlul66mv4q47ryef";
static const char known_sk_hex[] =
        "ca1626252c53cf1a4dc46695e7fcc46594cb4ccadedb6712dfda0753f3ae355e";
static const char known_pk_hex[] =
        "36dcec3f5f24739a0c8b36cbb4ffa25729a94a51d41fb205a37419fe7f5adb2a";

static bron_err rcpt_parse(const char *s)
{
	uint8_t pk[32];
	struct bron_error err;
	memset(&err, 0, sizeof(err));
	bron_err e = bron_age_recipient_parse(s, pk, &err);
	if (e != BRON_OK) {
		assert_int_equal(err.code, e);
		assert_true(err.msg[0] != '\0');
	}
	return e;
}

static bron_err id_parse(const char *s)
{
	uint8_t sk[32];
	struct bron_error err;
	memset(&err, 0, sizeof(err));
	bron_err e = bron_age_identity_parse(s, sk, &err);
	if (e != BRON_OK) {
		assert_int_equal(err.code, e);
		assert_true(err.msg[0] != '\0');
	}
	sodium_memzero(sk, sizeof(sk));
	return e;
}

static void bech32_known_pair(void **state)
{
	(void)state;
	uint8_t sk[32], pk[32], want_sk[32], want_pk[32], got[32];
	char rs[BRON_AGE_RECIPIENT_LEN], is[BRON_AGE_IDENTITY_LEN];
	unhex(known_sk_hex, want_sk, sizeof(want_sk));
	unhex(known_pk_hex, want_pk, sizeof(want_pk));

	assert_int_equal(bron_age_identity_parse(known_id, sk, NULL), BRON_OK);
	assert_memory_equal(sk, want_sk, 32);
	bron_age_public(sk, pk);
	assert_memory_equal(pk, want_pk, 32);
	bron_age_recipient_str(pk, rs);
	assert_string_equal(rs, known_rcpt);
	bron_age_identity_str(sk, is);
	assert_string_equal(is, known_id);
	assert_int_equal(bron_age_recipient_parse(known_rcpt, got, NULL), BRON_OK);
	assert_memory_equal(got, want_pk, 32);
}

static void bech32_round_trip(void **state)
{
	(void)state;
	for (int r = 0; r < 64; r++) {
		uint8_t sk[32], pk[32], sk2[32], pk2[32];
		char rs[BRON_AGE_RECIPIENT_LEN], is[BRON_AGE_IDENTITY_LEN];
		if (r == 0)
			memset(sk, 0, sizeof(sk));
		else if (r == 1)
			memset(sk, 0xff, sizeof(sk));
		else
			randombytes_buf(sk, sizeof(sk));
		bron_age_public(sk, pk);
		memset(rs, 'x', sizeof(rs));
		memset(is, 'x', sizeof(is));
		bron_age_recipient_str(pk, rs);
		bron_age_identity_str(sk, is);
		assert_int_equal(strlen(rs), BRON_AGE_RECIPIENT_LEN - 1);
		assert_int_equal(strlen(is), BRON_AGE_IDENTITY_LEN - 1);
		assert_memory_equal(rs, "age1", 4);
		assert_memory_equal(is, "AGE-SECRET-KEY-1", 16);
		for (size_t i = 4; i < strlen(rs); i++)
			assert_non_null(strchr(bech32_chars, rs[i]));
		for (size_t i = 16; i < strlen(is); i++)
			assert_false(is[i] >= 'a' && is[i] <= 'z');
		assert_int_equal(bron_age_recipient_parse(rs, pk2, NULL), BRON_OK);
		assert_int_equal(bron_age_identity_parse(is, sk2, NULL), BRON_OK);
		assert_memory_equal(pk2, pk, 32);
		assert_memory_equal(sk2, sk, 32);
		/* the internal codec agrees */
		char raw[80];
		uint8_t back[32];
		age_bech32_encode("age", pk, raw, sizeof(raw));
		assert_string_equal(raw, rs);
		assert_int_equal(age_bech32_decode("age", raw, back), 0);
		assert_memory_equal(back, pk, 32);
	}
}

/* A buffer too small for the string gives an empty string. */
static void bech32_small_buffer(void **state)
{
	(void)state;
	uint8_t pk[32] = {1};
	char out[62];
	memset(out, 'x', sizeof(out));
	age_bech32_encode("age", pk, out, sizeof(out)); /* needs 63 */
	assert_int_equal(out[0], '\0');
}

/* Either case is accepted, never a mix of both. */
static void bech32_case(void **state)
{
	(void)state;
	char s[100];
	uint8_t want_sk[32], want_pk[32], got[32];
	unhex(known_sk_hex, want_sk, sizeof(want_sk));
	unhex(known_pk_hex, want_pk, sizeof(want_pk));

	/* a lower-case identity */
	strcpy(s, known_id);
	for (char *p = s; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	assert_int_equal(bron_age_identity_parse(s, got, NULL), BRON_OK);
	assert_memory_equal(got, want_sk, 32);
	/* ... with one letter upper case again */
	s[40] = (char)(s[40] >= 'a' && s[40] <= 'z' ? s[40] - 'a' + 'A' : s[40]);
	assert_true(s[40] >= 'A' && s[40] <= 'Z');
	assert_int_equal(id_parse(s), BRON_E_INVALID);
	/* only the prefix lower case */
	strcpy(s, known_id);
	memcpy(s, "age-secret-key-1", 16);
	assert_int_equal(id_parse(s), BRON_E_INVALID);

	/* an upper-case recipient */
	strcpy(s, known_rcpt);
	for (char *p = s; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	assert_int_equal(bron_age_recipient_parse(s, got, NULL), BRON_OK);
	assert_memory_equal(got, want_pk, 32);
	/* mixed: the prefix upper, the rest lower, and the other way round */
	strcpy(s, known_rcpt);
	memcpy(s, "AGE1", 4);
	assert_int_equal(rcpt_parse(s), BRON_E_INVALID);
	for (char *p = s; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	memcpy(s, "age1", 4);
	assert_int_equal(rcpt_parse(s), BRON_E_INVALID);
	/* one letter of the data upper case */
	strcpy(s, known_rcpt);
	s[11] = (char)(s[11] - 'a' + 'A');
	assert_true(s[11] >= 'A' && s[11] <= 'Z');
	assert_int_equal(rcpt_parse(s), BRON_E_INVALID);
}

/* Bech32 catches any one changed character, at every position. */
static void bech32_checksum(void **state)
{
	(void)state;
	char s[100];
	size_t n = strlen(known_rcpt);
	for (size_t i = 4; i < n; i++) {
		strcpy(s, known_rcpt);
		const char *at = strchr(bech32_chars, s[i]);
		assert_non_null(at);
		for (int step = 1; step < 32; step += 7) {
			s[i] = bech32_chars[((size_t)(at - bech32_chars) + (size_t)step) %
			                    32];
			assert_int_equal(rcpt_parse(s), BRON_E_INVALID);
		}
	}
	n = strlen(known_id);
	for (size_t i = 16; i < n; i++) {
		strcpy(s, known_id);
		s[i] = s[i] == 'Q' ? 'P' : 'Q';
		assert_int_equal(id_parse(s), BRON_E_INVALID);
	}
	/* a character outside the alphabet ('b', 'i', 'o', '1') */
	static const char outside[] = "bio1B";
	for (size_t k = 0; k < sizeof(outside) - 1; k++) {
		strcpy(s, known_rcpt);
		s[20] = outside[k];
		assert_int_equal(rcpt_parse(s), BRON_E_INVALID);
	}
	/* two characters swapped */
	strcpy(s, known_rcpt);
	char t = s[12];
	s[12] = s[13];
	s[13] = t;
	assert_true(s[12] != s[13]);
	assert_int_equal(rcpt_parse(s), BRON_E_INVALID);
}

static void bech32_wrong_prefix(void **state)
{
	(void)state;
	char s[100];
	strcpy(s, known_rcpt);
	s[3] = '2'; /* age2... */
	assert_int_equal(rcpt_parse(s), BRON_E_INVALID);
	strcpy(s, known_rcpt);
	s[0] = 'x'; /* xge1... */
	assert_int_equal(rcpt_parse(s), BRON_E_INVALID);
	strcpy(s, known_id);
	s[15] = '2'; /* AGE-SECRET-KEY-2... */
	assert_int_equal(id_parse(s), BRON_E_INVALID);
	strcpy(s, known_id);
	s[3] = '_'; /* AGE_SECRET-KEY-1... */
	assert_int_equal(id_parse(s), BRON_E_INVALID);
	/* each kind of key given to the other parser */
	assert_int_equal(rcpt_parse(known_id), BRON_E_INVALID);
	assert_int_equal(id_parse(known_rcpt), BRON_E_INVALID);
	/* leading or trailing white space is not trimmed */
	snprintf(s, sizeof(s), " %s", known_rcpt);
	assert_int_equal(rcpt_parse(s), BRON_E_INVALID);
	snprintf(s, sizeof(s), "%s\n", known_rcpt);
	assert_int_equal(rcpt_parse(s), BRON_E_INVALID);
	snprintf(s, sizeof(s), "%s ", known_id);
	assert_int_equal(id_parse(s), BRON_E_INVALID);
}

static void bech32_wrong_length(void **state)
{
	(void)state;
	char s[100];
	/* the last character dropped, or one more added */
	strcpy(s, known_rcpt);
	s[strlen(s) - 1] = '\0';
	assert_int_equal(rcpt_parse(s), BRON_E_INVALID);
	snprintf(s, sizeof(s), "%sq", known_rcpt);
	assert_int_equal(rcpt_parse(s), BRON_E_INVALID);
	strcpy(s, known_id);
	s[strlen(s) - 1] = '\0';
	assert_int_equal(id_parse(s), BRON_E_INVALID);
	snprintf(s, sizeof(s), "%sQ", known_id);
	assert_int_equal(id_parse(s), BRON_E_INVALID);
	/* valid Bech32 (checksums right) of 31 and of 33 bytes */
	assert_int_equal(
	        rcpt_parse("age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrwsvlul66"
	                   "mv20te3u"),
	        BRON_E_INVALID);
	assert_int_equal(
	        rcpt_parse("age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrwsvlul66"
	                   "mv4qqe76j06"),
	        BRON_E_INVALID);
	/* nothing but the prefix */
	assert_int_equal(rcpt_parse("age1"), BRON_E_INVALID);
	assert_int_equal(id_parse("AGE-SECRET-KEY-1"), BRON_E_INVALID);
}

/*
 * 32 bytes leave four padding bits in the last data character; with any of
 * them set the string is refused even though its checksum is right (made
 * with a separate Bech32 encoder; age itself says "non-zero padding").
 */
static void bech32_padding(void **state)
{
	(void)state;
	assert_int_equal(
	        rcpt_parse("age1xmwwc06ly3ee5rytxm9mflaz2u56jjj36s0mypdrwsvlul66"
	                   "mv4pggh3ym"),
	        BRON_E_INVALID);
	assert_int_equal(
	        id_parse("AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYK"
	                 "LMGR48UAWX40ZEYTUGZ"),
	        BRON_E_INVALID);
}

static void bech32_empty(void **state)
{
	(void)state;
	assert_int_equal(rcpt_parse(""), BRON_E_INVALID);
	assert_int_equal(id_parse(""), BRON_E_INVALID);
	uint8_t d[32];
	assert_int_not_equal(age_bech32_decode("age", "", d), 0);
}

/* ---- fingerprints ---- */

static void fingerprint_shape(void **state)
{
	(void)state;
	for (int r = 0; r < 32; r++) {
		uint8_t sk[32], pk[32];
		char fp[BRON_AGE_FINGERPRINT_LEN];
		bron_age_keygen(sk, pk);
		memset(fp, 'x', sizeof(fp));
		bron_age_fingerprint(pk, fp);
		assert_int_equal(strlen(fp), 19);
		for (size_t i = 0; i < 19; i++) {
			if (i % 5 == 4)
				assert_int_equal(fp[i], '-');
			else
				assert_non_null(memchr(bech32_chars, fp[i], 32));
		}
	}
}

static void fingerprint_stable(void **state)
{
	(void)state;
	uint8_t pk[32];
	char a[BRON_AGE_FINGERPRINT_LEN], b[BRON_AGE_FINGERPRINT_LEN];
	unhex(known_pk_hex, pk, sizeof(pk));
	bron_age_fingerprint(pk, a);
	bron_age_fingerprint(pk, b);
	assert_string_equal(a, b);
	/* BLAKE2b-80 of the label and the key, worked out separately */
	assert_string_equal(a, "9kmx-ajlq-dnuh-2n5n");
}

static void fingerprint_distinct(void **state)
{
	(void)state;
	enum { N = 24 };
	char fp[N][BRON_AGE_FINGERPRINT_LEN];
	uint8_t pk[32] = {0};
	for (int i = 0; i < N; i++) {
		/* keys that differ in one bit only, then random ones */
		if (i < 8)
			pk[31] = (uint8_t)(1u << i);
		else
			randombytes_buf(pk, sizeof(pk));
		bron_age_fingerprint(pk, fp[i]);
		for (int j = 0; j < i; j++)
			assert_string_not_equal(fp[i], fp[j]);
	}
}

/* ---- round trips ---- */

static const size_t rt_sizes[] = {
        0, 1, 65535, 65536, 65537, 3 * 65536, 3 * 65536 + 5,
};

/* The shape of a binary file: header, one stanza a recipient, the chunks. */
static void check_binary(const uint8_t *ct, size_t ctlen, size_t ptlen,
                         size_t nrcpt)
{
	static const char v1[] = "age-encryption.org/v1\n";
	assert_true(ctlen > sizeof(v1));
	assert_memory_equal(ct, v1, sizeof(v1) - 1);
	size_t end = header_end(ct, ctlen), stanzas = 0;
	for (size_t i = 0; i + 10 <= end; i++)
		if (memcmp(ct + i, "\n-> X25519 ", 11) == 0)
			stanzas++;
	assert_int_equal(stanzas, nrcpt);
	assert_int_equal(ctlen - end,
	                 AGE_NONCE + ptlen + chunks_for(ptlen) * AGE_TAG);
	assert_false(age_is_armored(ct, ctlen));
}

/* The shape of an armored file: BEGIN, lines of 64 at most, END. */
static void check_armored(const uint8_t *ct, size_t ctlen)
{
	static const char begin[] = "-----BEGIN AGE ENCRYPTED FILE-----\n";
	static const char end[] = "-----END AGE ENCRYPTED FILE-----\n";
	assert_true(ctlen > sizeof(begin) + sizeof(end));
	assert_memory_equal(ct, begin, sizeof(begin) - 1);
	assert_memory_equal(ct + ctlen - (sizeof(end) - 1), end, sizeof(end) - 1);
	size_t col = 0;
	for (size_t i = 0; i < ctlen; i++) {
		if (ct[i] == '\n') {
			col = 0;
			continue;
		}
		assert_true(ct[i] >= 0x20 && ct[i] < 0x7f);
		col++;
		assert_true(col <= 64 || ct[i] == '-');
	}
	assert_true(age_is_armored(ct, ctlen));
}

static void round_trip(size_t nrcpt, int armor)
{
	struct keys k;
	keys_make(&k);
	for (size_t s = 0; s < sizeof(rt_sizes) / sizeof(rt_sizes[0]); s++) {
		size_t len = rt_sizes[s], ctlen = 0;
		uint8_t *pt = pattern(len, (unsigned)s);
		uint8_t *ct = seal(pt, len, (const uint8_t(*)[32])k.pk, nrcpt,
		                   armor, &ctlen);
		if (armor)
			check_armored(ct, ctlen);
		else
			check_binary(ct, ctlen, len, nrcpt);
		/* each recipient's identity opens it on its own */
		for (size_t i = 0; i < nrcpt; i++)
			open_expect(ct, ctlen, (const uint8_t(*)[32])k.sk[i], 1, pt, len);
		/* and among others, last in the list */
		const uint8_t(*tail)[32] = (const uint8_t(*)[32])k.sk[nrcpt - 1];
		uint8_t list[3][32];
		memcpy(list[0], k.sk[3], 32); /* not a recipient */
		memcpy(list[1], k.sk[3], 32);
		memcpy(list[2], tail[0], 32);
		open_expect(ct, ctlen, (const uint8_t(*)[32])list, 3, pt, len);
		sodium_memzero(list, sizeof(list));
		free(ct);
		free(pt);
	}
}

static void round_trip_binary_1(void **state)
{
	(void)state;
	round_trip(1, 0);
}

static void round_trip_armored_1(void **state)
{
	(void)state;
	round_trip(1, 1);
}

static void round_trip_binary_3(void **state)
{
	(void)state;
	round_trip(3, 0);
}

static void round_trip_armored_3(void **state)
{
	(void)state;
	round_trip(3, 1);
}

/* Two encryptions of the same text differ (fresh keys and nonce). */
static void encrypt_is_randomised(void **state)
{
	(void)state;
	struct keys k;
	keys_make(&k);
	static const uint8_t pt[] = "the same text";
	size_t la, lb;
	uint8_t *a = seal(pt, sizeof(pt), (const uint8_t(*)[32])k.pk, 1, 0, &la);
	uint8_t *b = seal(pt, sizeof(pt), (const uint8_t(*)[32])k.pk, 1, 0, &lb);
	assert_int_equal(la, lb);
	assert_memory_not_equal(a, b, la);
	free(a);
	free(b);
}

/* An armored file with CRLF line ends, and white space around it. */
static void armored_crlf_and_space(void **state)
{
	(void)state;
	struct keys k;
	keys_make(&k);
	uint8_t *pt = pattern(300, 9);
	size_t ctlen;
	uint8_t *ct = seal(pt, 300, (const uint8_t(*)[32])k.pk, 1, 1, &ctlen);
	uint8_t *crlf = malloc(2 * ctlen + 16);
	assert_non_null(crlf);
	size_t n = 0;
	memcpy(crlf, " \n\t", 3);
	n = 3;
	for (size_t i = 0; i < ctlen; i++) {
		if (ct[i] == '\n')
			crlf[n++] = '\r';
		crlf[n++] = ct[i];
	}
	memcpy(crlf + n, "\r\n \n", 4);
	n += 4;
	open_expect(crlf, n, (const uint8_t(*)[32])k.sk, 1, pt, 300);
	free(crlf);
	free(ct);
	free(pt);
}

/* ---- not for you ---- */

static void not_for_you(void **state)
{
	(void)state;
	struct keys k;
	keys_make(&k);
	static const uint8_t pt[] = "for the first three only";
	size_t ctlen;
	enum bron_age_fault f;
	uint8_t *ct = seal(pt, sizeof(pt), (const uint8_t(*)[32])k.pk, 3, 0,
	                   &ctlen);
	assert_int_equal(open1(ct, ctlen, k.sk[3], &f), BRON_E_NOT_FOR_YOU);
	assert_int_equal(f, BRON_AGE_NO_MATCH);
	/* no identity at all */
	assert_int_equal(open_with(ct, ctlen, (const uint8_t(*)[32])k.sk, 0, NULL,
	                           NULL, &f),
	                 BRON_E_NOT_FOR_YOU);
	assert_int_equal(f, BRON_AGE_NO_MATCH);
	/* a recipient's public key is not its identity */
	assert_int_equal(open1(ct, ctlen, k.pk[0], &f), BRON_E_NOT_FOR_YOU);
	assert_int_equal(f, BRON_AGE_NO_MATCH);
	free(ct);

	ct = seal(pt, sizeof(pt), (const uint8_t(*)[32])k.pk, 1, 1, &ctlen);
	assert_int_equal(open1(ct, ctlen, k.sk[1], &f), BRON_E_NOT_FOR_YOU);
	assert_int_equal(f, BRON_AGE_NO_MATCH);
	free(ct);
}

/* ---- tampering ---- */

/* Every single-bit change anywhere in the file is refused. */
static void flip_every_bit(const uint8_t *sk, uint8_t *ct, size_t ctlen)
{
	for (size_t i = 0; i < ctlen; i++) {
		for (int b = 0; b < 8; b++) {
			ct[i] ^= (uint8_t)(1u << b);
			bron_err e = open1(ct, ctlen, sk, NULL);
			if (!is_failure_code(e))
				fail_msg("bit %d of byte %zu flipped: code %d", b, i, e);
			ct[i] ^= (uint8_t)(1u << b);
		}
	}
	assert_int_equal(open1(ct, ctlen, sk, NULL), BRON_OK);
}

static void tamper_every_bit_binary(void **state)
{
	(void)state;
	struct keys k;
	keys_make(&k);
	uint8_t *pt = pattern(100, 1);
	size_t ctlen;
	uint8_t *ct = seal(pt, 100, (const uint8_t(*)[32])k.pk, 1, 0, &ctlen);
	flip_every_bit(k.sk[0], ct, ctlen);
	free(ct);
	free(pt);
}

static void tamper_every_bit_armored(void **state)
{
	(void)state;
	struct keys k;
	keys_make(&k);
	uint8_t *pt = pattern(100, 2);
	size_t ctlen;
	uint8_t *ct = seal(pt, 100, (const uint8_t(*)[32])k.pk, 1, 1, &ctlen);
	flip_every_bit(k.sk[0], ct, ctlen);
	free(ct);
	free(pt);
}

/* Changes a base64 character into another one (keeps the text valid). */
static void b64_change(uint8_t *c)
{
	*c = *c == 'A' ? 'B' : 'A';
}

/* Each part of the file, changed, earns its own fault. */
static void tamper_classified(void **state)
{
	(void)state;
	struct keys k;
	keys_make(&k);
	uint8_t *pt = pattern(100, 3);
	size_t ctlen;
	enum bron_age_fault f;
	uint8_t *ct = seal(pt, 100, (const uint8_t(*)[32])k.pk, 1, 0, &ctlen);
	size_t end = header_end(ct, ctlen);
	size_t stanza = find(ct, end, "\n-> X25519 ") + 1; /* its share */
	const uint8_t *nl = memchr(ct + stanza, '\n', ctlen - stanza);
	assert_non_null(nl);
	size_t body = (size_t)(nl - ct) + 1;     /* the wrapped file key */
	size_t mac_text = end - 1 - 43;          /* after "--- " */
	assert_memory_equal(ct + mac_text - 4, "--- ", 4);

	struct {
		size_t at;
		int b64;
		bron_err code;
		enum bron_age_fault fault;
	} cases[] = {
	        {19, 0, BRON_E_NOT_AGE, BRON_AGE_HEADER},           /* "v1" */
	        {stanza + 10, 1, BRON_E_NOT_FOR_YOU, BRON_AGE_NO_MATCH},
	        {body, 1, BRON_E_NOT_FOR_YOU, BRON_AGE_NO_MATCH},
	        {body + 20, 1, BRON_E_NOT_FOR_YOU, BRON_AGE_NO_MATCH},
	        {mac_text, 1, BRON_E_TAMPERED, BRON_AGE_HMAC},
	        {mac_text + 21, 1, BRON_E_TAMPERED, BRON_AGE_HMAC},
	        {end, 0, BRON_E_TAMPERED, BRON_AGE_PAYLOAD},         /* nonce */
	        {end + 15, 0, BRON_E_TAMPERED, BRON_AGE_PAYLOAD},
	        {end + 16, 0, BRON_E_TAMPERED, BRON_AGE_PAYLOAD},    /* data */
	        {ctlen - 1, 0, BRON_E_TAMPERED, BRON_AGE_PAYLOAD},   /* tag */
	};
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		uint8_t keep = ct[cases[c].at];
		if (cases[c].b64)
			b64_change(&ct[cases[c].at]);
		else
			ct[cases[c].at] ^= 0x01;
		bron_err e = open1(ct, ctlen, k.sk[0], &f);
		if (e != cases[c].code || f != cases[c].fault)
			fail_msg("case %zu (byte %zu): code %d fault %d", c, cases[c].at,
			         e, f);
		ct[cases[c].at] = keep;
	}
	assert_int_equal(open1(ct, ctlen, k.sk[0], &f), BRON_OK);
	free(ct);
	free(pt);
}

/* A changed byte in either chunk of a two-chunk file. */
static void tamper_two_chunks(void **state)
{
	(void)state;
	struct keys k;
	keys_make(&k);
	uint8_t *pt = pattern(70000, 4);
	size_t ctlen;
	enum bron_age_fault f;
	uint8_t *ct = seal(pt, 70000, (const uint8_t(*)[32])k.pk, 1, 0, &ctlen);
	size_t end = header_end(ct, ctlen);
	size_t first = end + AGE_NONCE + 1000;
	size_t second = end + AGE_NONCE + AGE_CHUNK + AGE_TAG + 10;
	assert_true(second < ctlen);
	size_t at[] = {first, end + AGE_NONCE + AGE_CHUNK + AGE_TAG - 1, second,
	               ctlen - 1};
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		ct[at[i]] ^= 0x80;
		assert_int_equal(open1(ct, ctlen, k.sk[0], &f), BRON_E_TAMPERED);
		assert_int_equal(f, BRON_AGE_PAYLOAD);
		ct[at[i]] ^= 0x80;
	}
	open_expect(ct, ctlen, (const uint8_t(*)[32])k.sk, 1, pt, 70000);
	free(ct);
	free(pt);
}

/* Chunks swapped or the last chunk's flag forged are refused. */
static void tamper_reorder_chunks(void **state)
{
	(void)state;
	struct keys k;
	keys_make(&k);
	size_t len = 3 * AGE_CHUNK;
	uint8_t *pt = pattern(len, 5);
	size_t ctlen;
	uint8_t *ct = seal(pt, len, (const uint8_t(*)[32])k.pk, 1, 0, &ctlen);
	size_t end = header_end(ct, ctlen), full = AGE_CHUNK + AGE_TAG;
	uint8_t *c0 = ct + end + AGE_NONCE, *c1 = c0 + full;
	uint8_t *tmp = malloc(full);
	assert_non_null(tmp);
	memcpy(tmp, c0, full);
	memcpy(c0, c1, full);
	memcpy(c1, tmp, full);
	assert_int_equal(open1(ct, ctlen, k.sk[0], NULL), BRON_E_TAMPERED);
	/* the two full chunks without the last: ends after a non-last chunk */
	memcpy(c1, c0, full);
	memcpy(c0, tmp, full);
	assert_int_equal(open1(ct, ctlen - full, k.sk[0], NULL),
	                 BRON_E_TRUNCATED);
	/* only the last chunk after the first (the middle one dropped) */
	memmove(c1, c1 + full, full);
	assert_int_equal(open1(ct, ctlen - full, k.sk[0], NULL),
	                 BRON_E_TAMPERED);
	free(tmp);
	free(ct);
	free(pt);
}

/* ---- the payload by hand, under a known file key ---- */

/* The file key of the public age test vectors, "YELLOW SUBMARINE". */
static const uint8_t yellow[AGE_FILE_KEY] = {
        'Y', 'E', 'L', 'L', 'O', 'W', ' ', 'S',
        'U', 'B', 'M', 'A', 'R', 'I', 'N', 'E',
};

struct stream {
	uint8_t key[32]; /* the payload key from the file key and nonce */
	uint8_t *b;
	size_t n;
};

static void stream_start(struct stream *s, size_t cap)
{
	s->b = malloc(cap);
	assert_non_null(s->b);
	for (size_t i = 0; i < AGE_NONCE; i++)
		s->b[i] = (uint8_t)(0xf0 + i);
	s->n = AGE_NONCE;
	age_hkdf(s->b, AGE_NONCE, yellow, AGE_FILE_KEY, "payload", s->key,
	         sizeof(s->key));
}

/* Seals len bytes of pt as chunk number counter (big-endian, then flag). */
static void stream_chunk(struct stream *s, uint64_t counter, int last,
                         const uint8_t *pt, size_t len)
{
	uint8_t nonce[12] = {0};
	for (int i = 0; i < 8; i++)
		nonce[10 - i] = (uint8_t)(counter >> (8 * i));
	nonce[11] = last ? 1 : 0;
	unsigned long long clen = 0;
	crypto_aead_chacha20poly1305_ietf_encrypt(s->b + s->n, &clen, pt, len,
	                                          NULL, 0, NULL, nonce, s->key);
	assert_int_equal(clen, len + AGE_TAG);
	s->n += (size_t)clen;
}

static enum bron_age_fault stream_open(const struct stream *s, size_t *outlen,
                                       int *cut)
{
	uint8_t *out = malloc(s->n ? s->n : 1);
	assert_non_null(out);
	enum bron_age_fault f =
	        age_payload_open(yellow, s->b, s->n, out, outlen, cut);
	assert_true(*outlen <= s->n);
	free(out);
	return f;
}

static void payload_by_hand(void **state)
{
	(void)state;
	const size_t full = AGE_CHUNK + AGE_TAG;
	uint8_t *pt = pattern(AGE_CHUNK + 1, 12);
	struct stream s;
	size_t n;
	int cut;
	enum bron_age_fault f;

	/* an empty payload: one empty last chunk */
	stream_start(&s, AGE_NONCE + AGE_TAG);
	stream_chunk(&s, 0, 1, pt, 0);
	assert_int_equal(stream_open(&s, &n, &cut), BRON_AGE_OK);
	assert_int_equal(n, 0);
	assert_int_equal(cut, 0);
	/* the nonce alone, and less than the nonce */
	s.n = AGE_NONCE;
	assert_int_equal(stream_open(&s, &n, &cut), BRON_AGE_PAYLOAD);
	assert_int_equal(cut, 1);
	s.n = AGE_NONCE - 1;
	assert_int_equal(stream_open(&s, &n, &cut), BRON_AGE_HEADER);
	assert_int_equal(cut, 1);
	free(s.b);

	/* a full last chunk alone */
	stream_start(&s, AGE_NONCE + full);
	stream_chunk(&s, 0, 1, pt, AGE_CHUNK);
	assert_int_equal(stream_open(&s, &n, &cut), BRON_AGE_OK);
	assert_int_equal(n, AGE_CHUNK);
	free(s.b);

	/* a full chunk, then a last chunk of one byte */
	stream_start(&s, AGE_NONCE + 2 * full);
	stream_chunk(&s, 0, 0, pt, AGE_CHUNK);
	stream_chunk(&s, 1, 1, pt + AGE_CHUNK, 1);
	assert_int_equal(stream_open(&s, &n, &cut), BRON_AGE_OK);
	assert_int_equal(n, AGE_CHUNK + 1);
	free(s.b);

	/* a full chunk, then an empty last chunk: refused */
	stream_start(&s, AGE_NONCE + 2 * full);
	stream_chunk(&s, 0, 0, pt, AGE_CHUNK);
	stream_chunk(&s, 1, 1, pt, 0);
	f = stream_open(&s, &n, &cut);
	assert_int_equal(f, BRON_AGE_PAYLOAD);
	assert_int_equal(cut, 0);
	free(s.b);

	/* a short chunk that is not marked last, then a last one */
	stream_start(&s, AGE_NONCE + 2 * full);
	stream_chunk(&s, 0, 0, pt, 100);
	stream_chunk(&s, 1, 1, pt, 100);
	assert_int_equal(stream_open(&s, &n, &cut), BRON_AGE_PAYLOAD);
	free(s.b);

	/* a full chunk marked last, and another chunk after it */
	stream_start(&s, AGE_NONCE + 2 * full);
	stream_chunk(&s, 0, 1, pt, AGE_CHUNK);
	stream_chunk(&s, 1, 1, pt, 10);
	assert_int_equal(stream_open(&s, &n, &cut), BRON_AGE_PAYLOAD);
	assert_int_equal(cut, 0);
	free(s.b);

	/* two full chunks and no last one: cut short */
	stream_start(&s, AGE_NONCE + 2 * full);
	stream_chunk(&s, 0, 0, pt, AGE_CHUNK);
	stream_chunk(&s, 1, 0, pt, AGE_CHUNK);
	assert_int_equal(stream_open(&s, &n, &cut), BRON_AGE_PAYLOAD);
	assert_int_equal(cut, 1);
	assert_int_equal(n, 2 * AGE_CHUNK); /* what verified so far */
	free(s.b);

	/* the counter must start at zero and count up by one */
	stream_start(&s, AGE_NONCE + full);
	stream_chunk(&s, 1, 1, pt, 10);
	assert_int_equal(stream_open(&s, &n, &cut), BRON_AGE_PAYLOAD);
	free(s.b);
	stream_start(&s, AGE_NONCE + 2 * full);
	stream_chunk(&s, 0, 0, pt, AGE_CHUNK);
	stream_chunk(&s, 2, 1, pt, 10);
	assert_int_equal(stream_open(&s, &n, &cut), BRON_AGE_PAYLOAD);
	free(s.b);

	/* the counter's high byte is counted too (chunk 2^56 is not chunk 0) */
	stream_start(&s, AGE_NONCE + full);
	stream_chunk(&s, (uint64_t)1 << 56, 1, pt, 10);
	assert_int_equal(stream_open(&s, &n, &cut), BRON_AGE_PAYLOAD);
	free(s.b);
	free(pt);
}

/* ---- truncation ---- */

static void truncate_every_prefix(void **state)
{
	(void)state;
	struct keys k;
	keys_make(&k);
	uint8_t *pt = pattern(100, 6);
	size_t ctlen;
	uint8_t *ct = seal(pt, 100, (const uint8_t(*)[32])k.pk, 1, 0, &ctlen);
	size_t end = header_end(ct, ctlen);
	/* each cut in its own buffer, so a read past it is caught */
	for (size_t cut = 0; cut < ctlen; cut++) {
		uint8_t *p = malloc(cut ? cut : 1);
		assert_non_null(p);
		memcpy(p, ct, cut);
		bron_err e = open1(p, cut, k.sk[0], NULL);
		free(p);
		if (cut == 0) {
			/* an empty file: not recognisably age at all */
			assert_true(e == BRON_E_NOT_AGE || e == BRON_E_TRUNCATED);
		} else if (cut <= end + AGE_NONCE) {
			/* inside the header or the nonce, or no chunk at all */
			if (e != BRON_E_TRUNCATED)
				fail_msg("cut at %zu (header ends at %zu): code %d", cut,
				         end, e);
		} else if (cut < end + AGE_NONCE + AGE_TAG) {
			/* shorter than a tag */
			assert_int_equal(e, BRON_E_TRUNCATED);
		} else {
			/* inside the last chunk: it does not verify */
			assert_true(e == BRON_E_TAMPERED || e == BRON_E_TRUNCATED);
		}
	}
	free(ct);
	free(pt);
}

/* A file of full chunks cut after one of them: the end is missing. */
static void truncate_after_full_chunk(void **state)
{
	(void)state;
	struct keys k;
	keys_make(&k);
	size_t len = 2 * AGE_CHUNK, ctlen;
	enum bron_age_fault f;
	uint8_t *pt = pattern(len, 7);
	uint8_t *ct = seal(pt, len, (const uint8_t(*)[32])k.pk, 1, 0, &ctlen);
	size_t end = header_end(ct, ctlen);
	assert_int_equal(ctlen, end + AGE_NONCE + 2 * (AGE_CHUNK + AGE_TAG));
	size_t cut = end + AGE_NONCE + AGE_CHUNK + AGE_TAG;
	assert_int_equal(open1(ct, cut, k.sk[0], &f), BRON_E_TRUNCATED);
	/* a few bytes into the second chunk, fewer than a tag */
	assert_int_equal(open1(ct, cut + 5, k.sk[0], &f), BRON_E_TRUNCATED);
	/* and the whole file still opens */
	open_expect(ct, ctlen, (const uint8_t(*)[32])k.sk, 1, pt, len);
	free(ct);
	free(pt);
}

/* An armored file without its END line, or cut inside its base64 lines. */
static void truncate_armored(void **state)
{
	(void)state;
	static const char endl[] = "-----END AGE ENCRYPTED FILE-----";
	struct keys k;
	keys_make(&k);
	uint8_t *pt = pattern(200, 8);
	size_t ctlen;
	enum bron_age_fault f;
	uint8_t *ct = seal(pt, 200, (const uint8_t(*)[32])k.pk, 1, 1, &ctlen);
	size_t at = ctlen - (sizeof(endl) - 1) - 1;
	assert_memory_equal(ct + at, endl, sizeof(endl) - 1);
	/* END line removed, with and without the line end before it */
	assert_int_equal(open1(ct, at, k.sk[0], &f), BRON_E_TRUNCATED);
	assert_int_equal(open1(ct, at - 1, k.sk[0], &f), BRON_E_TRUNCATED);
	/* cut anywhere after the BEGIN line and before the END line */
	const uint8_t *nl = memchr(ct, '\n', ctlen);
	assert_non_null(nl);
	for (size_t cut = (size_t)(nl - ct) + 1; cut <= at; cut++)
		if (open1(ct, cut, k.sk[0], &f) != BRON_E_TRUNCATED)
			fail_msg("armored file cut at %zu of %zu: not truncated", cut,
			         ctlen);
	/* inside the END line: cut short too */
	for (size_t cut = at + 1; cut < ctlen - 1; cut++)
		if (open1(ct, cut, k.sk[0], &f) != BRON_E_TRUNCATED)
			fail_msg("armored file cut at %zu of %zu (in the END line): "
			         "not truncated", cut, ctlen);
	/* without the final line end it is complete */
	assert_int_equal(open1(ct, ctlen - 1, k.sk[0], &f), BRON_OK);
	free(ct);
	free(pt);
}

/* ---- trailing data ---- */

static uint8_t *append(const uint8_t *a, size_t alen, const void *b,
                       size_t blen)
{
	uint8_t *p = malloc(alen + blen);
	assert_non_null(p);
	memcpy(p, a, alen);
	memcpy(p + alen, b, blen);
	return p;
}

static void trailing_data(void **state)
{
	(void)state;
	struct keys k;
	keys_make(&k);
	enum bron_age_fault f;
	static const size_t lens[] = {0, 100, AGE_CHUNK, 70000};
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t len = lens[i], ctlen;
		uint8_t *pt = pattern(len, 10);
		uint8_t *ct = seal(pt, len, (const uint8_t(*)[32])k.pk, 1, 0, &ctlen);
		static const uint8_t junk[AGE_TAG + 1] = {0};
		for (size_t extra = 1; extra <= sizeof(junk); extra += 15) {
			uint8_t *p = append(ct, ctlen, junk, extra);
			assert_int_equal(open1(p, ctlen + extra, k.sk[0], &f),
			                 BRON_E_TAMPERED);
			assert_int_equal(f, BRON_AGE_PAYLOAD);
			free(p);
		}
		/* the file twice over */
		uint8_t *p = append(ct, ctlen, ct, ctlen);
		assert_int_equal(open1(p, 2 * ctlen, k.sk[0], &f), BRON_E_TAMPERED);
		assert_int_equal(f, BRON_AGE_PAYLOAD);
		free(p);
		free(ct);
		free(pt);
	}
	/* after the armor's END line: only white space may follow */
	size_t ctlen;
	uint8_t *pt = pattern(50, 11);
	uint8_t *ct = seal(pt, 50, (const uint8_t(*)[32])k.pk, 1, 1, &ctlen);
	uint8_t *p = append(ct, ctlen, "garbage\n", 8);
	assert_int_equal(open1(p, ctlen + 8, k.sk[0], &f), BRON_E_NOT_AGE);
	assert_int_equal(f, BRON_AGE_ARMOR);
	free(p);
	p = append(ct, ctlen, "\n\t \r\n", 5);
	open_expect(p, ctlen + 5, (const uint8_t(*)[32])k.sk, 1, pt, 50);
	free(p);
	free(ct);
	free(pt);
}

/* ---- recipients refused ---- */

static bron_err try_seal(const uint8_t (*pks)[32], size_t n)
{
	static const uint8_t pt[] = "x";
	uint8_t dummy = 0;
	uint8_t *ct = &dummy;
	size_t ctlen = 99;
	struct bron_error err;
	memset(&err, 0, sizeof(err));
	bron_err e = bron_age_encrypt(pt, 1, pks, n, 0, &ct, &ctlen, &err);
	if (e != BRON_OK) {
		assert_null(ct);
		assert_int_equal(ctlen, 0);
		assert_int_equal(err.code, e);
	} else {
		assert_non_null(ct);
		free(ct);
	}
	return e;
}

static void recipient_count(void **state)
{
	(void)state;
	enum { NREC = BRON_AGE_MAX_RECIPIENTS };
	static uint8_t sks[NREC + 1][32], pks[NREC + 1][32];
	for (size_t i = 0; i <= NREC; i++)
		bron_age_keygen(sks[i], pks[i]);
	assert_int_equal(try_seal((const uint8_t(*)[32])pks, 0), BRON_E_INVALID);
	assert_int_equal(try_seal((const uint8_t(*)[32])pks, NREC + 1),
	                 BRON_E_INVALID);
	/* the most allowed: the last recipient can open it */
	static const uint8_t pt[] = "sixty-four";
	size_t ctlen;
	uint8_t *ct = seal(pt, sizeof(pt), (const uint8_t(*)[32])pks, NREC, 0,
	                   &ctlen);
	check_binary(ct, ctlen, sizeof(pt), NREC);
	open_expect(ct, ctlen, (const uint8_t(*)[32])sks[NREC - 1], 1, pt,
	            sizeof(pt));
	assert_int_equal(open1(ct, ctlen, sks[NREC], NULL), BRON_E_NOT_FOR_YOU);
	free(ct);
	sodium_memzero(sks, sizeof(sks));
}

static void recipient_low_order(void **state)
{
	(void)state;
	/* points of small order: 0, 1, and one of order 8 */
	static const char *low[] = {
	        "0000000000000000000000000000000000000000000000000000000000000000",
	        "0100000000000000000000000000000000000000000000000000000000000000",
	        "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
	};
	uint8_t pks[2][32], sk[32];
	bron_age_keygen(sk, pks[0]);
	for (size_t i = 0; i < sizeof(low) / sizeof(low[0]); i++) {
		unhex(low[i], pks[1], 32);
		assert_int_equal(try_seal((const uint8_t(*)[32])pks[1], 1),
		                 BRON_E_INVALID);
		/* also when a good recipient comes first */
		assert_int_equal(try_seal((const uint8_t(*)[32])pks, 2),
		                 BRON_E_INVALID);
	}
}

/* ---- the armor by hand ---- */

static enum bron_age_fault armor_text(const char *text, uint8_t **out,
                                      size_t *outlen, int *cut)
{
	enum bron_age_fault f =
	        age_armor_decode((const uint8_t *)text, strlen(text), out, outlen,
	                         cut);
	if (f != BRON_AGE_OK)
		assert_null(*out);
	return f;
}

#define BEGIN "-----BEGIN AGE ENCRYPTED FILE-----"
#define END "-----END AGE ENCRYPTED FILE-----"
#define COLS64 "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"

static void armor_hand_cases(void **state)
{
	(void)state;
	uint8_t *out;
	size_t n;
	int cut;

	assert_int_equal(armor_text(BEGIN "\naGVsbG8gYWdl\n" END "\n", &out, &n,
	                            &cut),
	                 BRON_AGE_OK);
	assert_int_equal(n, 9);
	assert_memory_equal(out, "hello age", 9);
	assert_int_equal(cut, 0);
	free(out);

	/* CRLF line ends, white space around, no final line end */
	assert_int_equal(armor_text(" \r\n" BEGIN "\r\naGk=\r\n" END "\r\n\t ",
	                            &out, &n, &cut),
	                 BRON_AGE_OK);
	assert_int_equal(n, 2);
	assert_memory_equal(out, "hi", 2);
	free(out);
	assert_int_equal(armor_text(BEGIN "\naGk=\n" END, &out, &n, &cut),
	                 BRON_AGE_OK);
	free(out);

	/* a full line of 64 then a short one */
	assert_int_equal(armor_text(BEGIN "\n" COLS64 "\naGk=\n" END "\n", &out,
	                            &n, &cut),
	                 BRON_AGE_OK);
	assert_int_equal(n, 50);
	assert_memory_equal(out + 48, "hi", 2);
	free(out);

	/* a line of 65 */
	assert_int_equal(armor_text(BEGIN "\n" COLS64 "A\naGk=\n" END "\n", &out,
	                            &n, &cut),
	                 BRON_AGE_ARMOR);
	assert_int_equal(cut, 0);
	/* a single line of 68: valid base64 of 51 bytes, but too long */
	assert_int_equal(armor_text(BEGIN "\n" COLS64 "AAAA\n" END "\n", &out,
	                            &n, &cut),
	                 BRON_AGE_ARMOR);
	assert_int_equal(cut, 0);
	/* a short line that is not the last */
	assert_int_equal(armor_text(BEGIN "\naGk=\naGk=\n" END "\n", &out, &n,
	                            &cut),
	                 BRON_AGE_ARMOR);
	assert_int_equal(armor_text(BEGIN "\nAAAA\n" COLS64 "\n" END "\n", &out,
	                            &n, &cut),
	                 BRON_AGE_ARMOR);
	/* an empty line in the body */
	assert_int_equal(armor_text(BEGIN "\n" COLS64 "\n\naGk=\n" END "\n", &out,
	                            &n, &cut),
	                 BRON_AGE_ARMOR);
	/* padding bits that are not zero ("aGl=" for "hi") */
	assert_int_equal(armor_text(BEGIN "\naGl=\n" END "\n", &out, &n, &cut),
	                 BRON_AGE_ARMOR);
	/* a character outside base64, and padding in the middle */
	assert_int_equal(armor_text(BEGIN "\naG*=\n" END "\n", &out, &n, &cut),
	                 BRON_AGE_ARMOR);
	assert_int_equal(armor_text(BEGIN "\naG=k\n" END "\n", &out, &n, &cut),
	                 BRON_AGE_ARMOR);
	/* a lone CR as the line end */
	assert_int_equal(armor_text(BEGIN "\raGk=\r" END "\r", &out, &n, &cut),
	                 BRON_AGE_ARMOR);
	/* text after the END line */
	assert_int_equal(armor_text(BEGIN "\naGk=\n" END "\nmore\n", &out, &n,
	                            &cut),
	                 BRON_AGE_ARMOR);
	assert_int_equal(cut, 0);
	/* the BEGIN line with a different label */
	assert_int_equal(armor_text("-----BEGIN AGE FILE-----\naGk=\n" END "\n",
	                            &out, &n, &cut),
	                 BRON_AGE_ARMOR);
	/* no END line: cut short */
	assert_int_equal(armor_text(BEGIN "\naGk=\n", &out, &n, &cut),
	                 BRON_AGE_ARMOR);
	assert_int_equal(cut, 1);
	assert_int_equal(armor_text(BEGIN "\n" COLS64 "\n", &out, &n, &cut),
	                 BRON_AGE_ARMOR);
	assert_int_equal(cut, 1);
	/* not armor at all */
	assert_int_equal(armor_text("", &out, &n, &cut), BRON_AGE_ARMOR);
	assert_int_equal(armor_text("age-encryption.org/v1\n", &out, &n, &cut),
	                 BRON_AGE_ARMOR);
}

static void armor_detect(void **state)
{
	(void)state;
	static const char *yes[] = {
	        BEGIN "\n",
	        BEGIN,
	        "\n\t \r\n" BEGIN "\r\n",
	        BEGIN "\nanything",
	};
	static const char *no[] = {
	        "",
	        " \n",
	        "-----BEGIN AGE ENCRYPTED FILE",
	        "-----BEGIN AGE ENCRYPTED FILE----",
	        "x" BEGIN "\n",
	        "age-encryption.org/v1\n",
	        "-----begin age encrypted file-----\n",
	};
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(age_is_armored((const uint8_t *)yes[i], strlen(yes[i])));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(age_is_armored((const uint8_t *)no[i], strlen(no[i])));
}

static int setup(void **state)
{
	(void)state;
	return bron_init(NULL) == BRON_OK ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(hkdf_rfc5869_case1),
	        cmocka_unit_test(hkdf_rfc5869_case2),
	        cmocka_unit_test(hkdf_rfc5869_case3),
	        cmocka_unit_test(hkdf_info_matters),
	        cmocka_unit_test(x25519_rfc7748),
	        cmocka_unit_test(keygen_pairs),
	        cmocka_unit_test(bech32_known_pair),
	        cmocka_unit_test(bech32_round_trip),
	        cmocka_unit_test(bech32_small_buffer),
	        cmocka_unit_test(bech32_case),
	        cmocka_unit_test(bech32_checksum),
	        cmocka_unit_test(bech32_wrong_prefix),
	        cmocka_unit_test(bech32_wrong_length),
	        cmocka_unit_test(bech32_padding),
	        cmocka_unit_test(bech32_empty),
	        cmocka_unit_test(fingerprint_shape),
	        cmocka_unit_test(fingerprint_stable),
	        cmocka_unit_test(fingerprint_distinct),
	        cmocka_unit_test(round_trip_binary_1),
	        cmocka_unit_test(round_trip_armored_1),
	        cmocka_unit_test(round_trip_binary_3),
	        cmocka_unit_test(round_trip_armored_3),
	        cmocka_unit_test(encrypt_is_randomised),
	        cmocka_unit_test(armored_crlf_and_space),
	        cmocka_unit_test(not_for_you),
	        cmocka_unit_test(tamper_every_bit_binary),
	        cmocka_unit_test(tamper_every_bit_armored),
	        cmocka_unit_test(tamper_classified),
	        cmocka_unit_test(tamper_two_chunks),
	        cmocka_unit_test(tamper_reorder_chunks),
	        cmocka_unit_test(payload_by_hand),
	        cmocka_unit_test(truncate_every_prefix),
	        cmocka_unit_test(truncate_after_full_chunk),
	        cmocka_unit_test(truncate_armored),
	        cmocka_unit_test(trailing_data),
	        cmocka_unit_test(recipient_count),
	        cmocka_unit_test(recipient_low_order),
	        cmocka_unit_test(armor_hand_cases),
	        cmocka_unit_test(armor_detect),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
