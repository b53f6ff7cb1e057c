/*
 * crypto.c - the vault's cryptographic building blocks: subkeys, record
 * associated data and padding, the header and key slot encodings, and the
 * recovery code.  docs/FORMAT.md is the specification of every byte here.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "vault_int.h"
#include "banned.h"

const uint8_t bron_magic[MAGIC_LEN] = {'B', 'R', 'O', 'N', 'V', 'L', 'T', '\n'};

void derive_subkeys(struct keys *k)
{
	crypto_kdf_derive_from_key(k->record, KEY_LEN, SUBKEY_RECORD,
	                           KDF_CONTEXT, k->master);
	crypto_kdf_derive_from_key(k->manifest, KEY_LEN, SUBKEY_MANIFEST,
	                           KDF_CONTEXT, k->master);
}

void record_ad(uint8_t ad[RECORD_AD_LEN], const uint8_t *vault_id, bron_id id,
               uint64_t rev, uint32_t epoch)
{
	uint8_t *p = ad;
	memcpy(p, bron_magic, MAGIC_LEN);
	p += MAGIC_LEN;
	memcpy(p, vault_id, VAULT_ID_LEN);
	p += VAULT_ID_LEN;
	put_le64(p, id);
	put_le64(p + 8, rev);
	put_le32(p + 16, epoch);
}

/*
 * PADMÉ: a length with exponent e keeps only its top floor(log2 e) + 1
 * significant bits, so padding costs at most about 12% and the size reveals
 * O(log log n) bits.  Below PAD_FLOOR everything looks alike.
 */
static size_t pad_block(size_t n)
{
	if (n <= PAD_FLOOR)
		return PAD_FLOOR;
	unsigned e = 63u - (unsigned)__builtin_clzll((unsigned long long)n);
	unsigned s = 64u - (unsigned)__builtin_clzll((unsigned long long)e);
	return (size_t)1 << (e - s);
}

size_t pad_size(size_t len)
{
	size_t n = len + 1; /* at least the 0x80 marker */
	size_t b = pad_block(n);
	return (n + b - 1) / b * b;
}

size_t pad_apply(uint8_t *buf, size_t len, size_t cap)
{
	size_t padded = 0;
	if (sodium_pad(&padded, buf, len, pad_block(len + 1), cap) != 0)
		return 0;
	return padded;
}

/*
 * sodium_unpad() scans the whole block in constant time, which would cost as
 * much as decrypting.  The padding is authenticated before it is stripped,
 * so a plain scan from the end leaks nothing an attacker could use.
 */
int pad_strip(const uint8_t *buf, size_t padded, size_t *len)
{
	size_t i = padded;
	while (i > 0 && buf[i - 1] == 0)
		i--;
	if (i == 0 || buf[i - 1] != 0x80 || pad_size(i - 1) != padded)
		return -1;
	*len = i - 1;
	return 0;
}

bron_err plainbuf_reserve(struct plainbuf *b, size_t n, struct bron_error *err)
{
	if (n <= b->cap)
		return BRON_OK;
	plainbuf_release(b);
	b->p = malloc(n);
	b->cap = b->p ? n : 0;
	if (!b->p)
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	return BRON_OK;
}

void plainbuf_release(struct plainbuf *b)
{
	bron_secret_free(b->p, b->cap);
	b->p = NULL;
	b->cap = 0;
}

int record_open(const uint8_t *vault_id, const uint8_t *rkey, bron_id id,
                uint64_t rev, uint32_t epoch, const uint8_t *nonce,
                const uint8_t *tag, const uint8_t *ct, size_t ctlen,
                uint8_t *out, size_t *outlen)
{
	uint8_t ad[RECORD_AD_LEN];
	if (!ct || !nonce || !tag || ctlen < PAD_FLOOR)
		return -1; /* bron never writes a shorter record */
	record_ad(ad, vault_id, id, rev, epoch);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
	            out, NULL, ct, ctlen, tag, ad, sizeof(ad), nonce, rkey) != 0)
		return -1;
	if (pad_strip(out, ctlen, outlen) != 0) {
		sodium_memzero(out, ctlen);
		return -1;
	}
	out[*outlen] = '\0';
	return 0;
}

/* ---- header ---- */

void header_encode(uint8_t out[HEADER_LEN], const uint8_t *vault_id,
                   uint32_t version, uint32_t epoch)
{
	memcpy(out, bron_magic, MAGIC_LEN);
	put_le32(out + 8, version);
	memcpy(out + 12, vault_id, VAULT_ID_LEN);
	put_le32(out + 28, epoch);
	crypto_generichash(out + 32, SUM_LEN, out, 32, NULL, 0);
}

bron_err header_decode(const uint8_t in[HEADER_LEN], uint8_t *vault_id,
                       uint32_t *version, uint32_t *epoch,
                       struct bron_error *err)
{
	uint8_t sum[SUM_LEN];
	if (memcmp(in, bron_magic, MAGIC_LEN) != 0)
		return bron_fail(err, BRON_E_NOT_VAULT,
		                 _("the file is not a bron vault"));
	crypto_generichash(sum, SUM_LEN, in, HEADER_LEN - SUM_LEN, NULL, 0);
	if (sodium_memcmp(sum, in + HEADER_LEN - SUM_LEN, SUM_LEN) != 0)
		return bron_fail(err, BRON_E_DAMAGED,
		                 _("vault damaged: the header checksum does not match"));
	*version = get_le32(in + 8);
	if (*version != BRON_FORMAT_VERSION)
		return bron_fail(err, BRON_E_VERSION,
		                 _("vault format version %u is not supported by this "
		                   "bron (it reads version %u)"),
		                 (unsigned)*version, (unsigned)BRON_FORMAT_VERSION);
	memcpy(vault_id, in + 12, VAULT_ID_LEN);
	*epoch = get_le32(in + 28);
	return BRON_OK;
}

/* ---- key slots ---- */

static void slot_ad_part(uint8_t out[SLOT_AD_PART], const struct slot *s)
{
	out[0] = s->kind;
	out[1] = s->alg;
	out[2] = 0;
	out[3] = 0;
	put_le64(out + 4, s->opslimit);
	put_le64(out + 12, s->memlimit);
	memcpy(out + 20, s->salt, SALT_LEN);
}

void slot_encode(uint8_t out[SLOT_LEN], const struct slot *s)
{
	uint8_t *p = out;
	slot_ad_part(p, s);
	p += SLOT_AD_PART;
	memcpy(p, s->nonce, NONCE_LEN);
	p += NONCE_LEN;
	memcpy(p, s->wrapped, KEY_LEN + TAG_LEN);
	p += KEY_LEN + TAG_LEN;
	crypto_generichash(p, SUM_LEN, out, SLOT_LEN - SUM_LEN, NULL, 0);
}

bron_err slot_decode(const uint8_t in[SLOT_LEN], struct slot *s,
                     uint8_t expect_kind, struct bron_error *err)
{
	uint8_t sum[SUM_LEN];
	crypto_generichash(sum, SUM_LEN, in, SLOT_LEN - SUM_LEN, NULL, 0);
	if (sodium_memcmp(sum, in + SLOT_LEN - SUM_LEN, SUM_LEN) != 0)
		return bron_fail(err, BRON_E_DAMAGED,
		                 _("vault damaged: a key slot checksum does not match"));
	uint8_t want_alg = expect_kind == SLOT_PASS ? SLOT_ALG_ARGON2ID13
	                                            : SLOT_ALG_RECOVERY;
	if (in[0] != expect_kind || in[1] != want_alg || in[2] || in[3])
		return bron_fail(err, BRON_E_DAMAGED,
		                 _("vault damaged: a key slot has an unknown kind"));
	s->kind = in[0];
	s->alg = in[1];
	s->opslimit = get_le64(in + 4);
	s->memlimit = get_le64(in + 12);
	memcpy(s->salt, in + 20, SALT_LEN);
	memcpy(s->nonce, in + SLOT_AD_PART, NONCE_LEN);
	memcpy(s->wrapped, in + SLOT_AD_PART + NONCE_LEN, KEY_LEN + TAG_LEN);
	return BRON_OK;
}

#define SLOT_AD_LEN (MAGIC_LEN + 4 + VAULT_ID_LEN + 4 + SLOT_AD_PART)

static void slot_ad(uint8_t ad[SLOT_AD_LEN], const struct slot *s,
                    const uint8_t *vault_id, uint32_t epoch)
{
	memcpy(ad, bron_magic, MAGIC_LEN);
	put_le32(ad + 8, BRON_FORMAT_VERSION);
	memcpy(ad + 12, vault_id, VAULT_ID_LEN);
	put_le32(ad + 28, epoch);
	slot_ad_part(ad + 32, s);
}

void slot_wrap(struct slot *s, const uint8_t *kek, const uint8_t *master,
               const uint8_t *vault_id, uint32_t epoch)
{
	uint8_t ad[SLOT_AD_LEN];
	slot_ad(ad, s, vault_id, epoch);
	randombytes_buf(s->nonce, NONCE_LEN);
	crypto_aead_xchacha20poly1305_ietf_encrypt(s->wrapped, NULL, master,
	                                           KEY_LEN, ad, sizeof(ad),
	                                           NULL, s->nonce, kek);
}

int slot_unwrap(const struct slot *s, const uint8_t *kek, uint8_t *master,
                const uint8_t *vault_id, uint32_t epoch)
{
	uint8_t ad[SLOT_AD_LEN];
	slot_ad(ad, s, vault_id, epoch);
	return crypto_aead_xchacha20poly1305_ietf_decrypt(
	        master, NULL, NULL, s->wrapped, sizeof(s->wrapped), ad,
	        sizeof(ad), s->nonce, kek);
}

bron_err kdf_check(uint64_t opslimit, uint64_t memlimit,
                   struct bron_error *err)
{
	if (opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN ||
	    opslimit > BRON_KDF_MAX_OPSLIMIT ||
	    memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN ||
	    memlimit > BRON_KDF_MAX_MEMLIMIT)
		return bron_fail(err, BRON_E_KDF_PARAMS,
		                 _("key derivation parameters out of range "
		                   "(%llu passes, %llu KiB); refusing to run them"),
		                 (unsigned long long)opslimit,
		                 (unsigned long long)(memlimit / 1024));
	return BRON_OK;
}

/* ---- recovery code ---- */

/* Crockford's base32: no I, L, O or U, so fewer misreadings. */
static const char b32[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
#define CODE_SYMBOLS 52 /* 256 bits in 5-bit symbols, 4 zero bits of slack */
#define CHECK_SYMBOLS 4 /* 20 bits of BLAKE2b over the code */
#define ALL_SYMBOLS (CODE_SYMBOLS + CHECK_SYMBOLS)

static void recovery_check(uint8_t out[3], const uint8_t code[KEY_LEN])
{
	static const uint8_t personal[crypto_generichash_blake2b_PERSONALBYTES] =
	        "bron-recovery-ck";
	uint8_t h[16];
	crypto_generichash_blake2b_salt_personal(h, sizeof(h), code, KEY_LEN,
	                                         NULL, 0, NULL, personal);
	memcpy(out, h, 3);
}

void recovery_kek(uint8_t kek[KEY_LEN], const uint8_t code[KEY_LEN],
                  const uint8_t salt[SALT_LEN])
{
	static const uint8_t personal[crypto_generichash_blake2b_PERSONALBYTES] =
	        "bron-recovery-kk";
	crypto_generichash_blake2b_salt_personal(kek, KEY_LEN, NULL, 0, code,
	                                         KEY_LEN, salt, personal);
}

/* Writes the 5-bit symbols of bits[0..nbits) into sym. */
static void to_symbols(uint8_t *sym, size_t nsym, const uint8_t *bytes,
                       size_t nbytes)
{
	for (size_t i = 0; i < nsym; i++) {
		unsigned v = 0;
		for (size_t b = 0; b < 5; b++) {
			size_t bit = i * 5 + b;
			unsigned x = bit / 8 < nbytes
			                     ? (bytes[bit / 8] >> (7 - bit % 8)) & 1u
			                     : 0u;
			v = (v << 1) | x;
		}
		sym[i] = (uint8_t)v;
	}
}

void recovery_format(char out[BRON_RECOVERY_CODE_LEN + 1],
                     const uint8_t code[KEY_LEN])
{
	uint8_t sym[ALL_SYMBOLS], ck[3];
	to_symbols(sym, CODE_SYMBOLS, code, KEY_LEN);
	recovery_check(ck, code);
	to_symbols(sym + CODE_SYMBOLS, CHECK_SYMBOLS, ck, sizeof(ck));
	size_t o = 0;
	for (size_t i = 0; i < ALL_SYMBOLS; i++) {
		if (i && i % 4 == 0)
			out[o++] = '-';
		out[o++] = b32[sym[i]];
	}
	out[o] = '\0';
	sodium_memzero(sym, sizeof(sym));
}

static int symbol_value(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == 'O')
		c = '0';
	if (c == 'I' || c == 'L')
		c = '1';
	const char *p = c ? strchr(b32, c) : NULL;
	return p ? (int)(p - b32) : -1;
}

bron_err recovery_parse(const char *text, uint8_t code[KEY_LEN],
                        struct bron_error *err)
{
	uint8_t sym[ALL_SYMBOLS];
	size_t n = 0;
	bron_err rc = BRON_OK;
	for (const char *p = text; *p; p++) {
		if (*p == '-' || *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			continue;
		int v = symbol_value(*p);
		if (v < 0 || n == ALL_SYMBOLS) {
			rc = BRON_E_RECOVERY_TYPO;
			goto out;
		}
		sym[n++] = (uint8_t)v;
	}
	if (n != ALL_SYMBOLS) {
		rc = BRON_E_RECOVERY_TYPO;
		goto out;
	}
	memset(code, 0, KEY_LEN);
	for (size_t bit = 0; bit < CODE_SYMBOLS * 5; bit++) {
		unsigned x = (sym[bit / 5] >> (4 - bit % 5)) & 1u;
		if (bit / 8 < KEY_LEN)
			code[bit / 8] |= (uint8_t)(x << (7 - bit % 8));
		else if (x)
			rc = BRON_E_RECOVERY_TYPO; /* slack bits must be zero */
	}
	uint8_t ck[3], cks[CHECK_SYMBOLS];
	recovery_check(ck, code);
	to_symbols(cks, CHECK_SYMBOLS, ck, sizeof(ck));
	if (memcmp(cks, sym + CODE_SYMBOLS, CHECK_SYMBOLS) != 0)
		rc = BRON_E_RECOVERY_TYPO;
out:
	sodium_memzero(sym, sizeof(sym));
	if (rc != BRON_OK) {
		sodium_memzero(code, KEY_LEN);
		return bron_fail(err, rc,
		                 _("the recovery code is mistyped: check every group "
		                   "against the printed copy"));
	}
	return BRON_OK;
}
