/*
 * age.c - age v1 files for X25519 recipients (C2SP age specification),
 * built on libsodium 1.0.18: X25519, HKDF-SHA-256 from HMAC-SHA-256,
 * ChaCha20-Poly1305 (IETF) and base64.
 *
 * Reading is strict: every rule the specification states is checked, and
 * the public test vectors (tests/age) say whether a file fails in its
 * armor, its header, its recipients, its MAC or its payload.  Nothing of
 * the payload is handed out before the last chunk has verified.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "age_int.h"
#include "bron/vault.h"
#include "internal.h"
#include "banned.h"

static const char version_line[] = "age-encryption.org/v1";
static const char x25519_label[] = "age-encryption.org/v1/X25519";
static const char armor_begin[] = "-----BEGIN AGE ENCRYPTED FILE-----";
static const char armor_end[] = "-----END AGE ENCRYPTED FILE-----";
static const char recipient_hrp[] = "age";
static const char identity_hrp[] = "age-secret-key-";

#define ARMOR_COLS 64
#define BODY_COLS 64

/* ---- HKDF-SHA-256 ---- */

void age_hkdf(const uint8_t *salt, size_t saltlen, const uint8_t *ikm,
              size_t ikmlen, const char *info, uint8_t *out, size_t outlen)
{
	uint8_t prk[crypto_auth_hmacsha256_BYTES];
	uint8_t t[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_state st;
	size_t infolen = strlen(info), tlen = 0;

	static const uint8_t no_salt[1];

	/* extract: an empty salt is the same key as 32 zero bytes */
	crypto_auth_hmacsha256_init(&st, salt ? salt : no_salt, saltlen);
	crypto_auth_hmacsha256_update(&st, ikm, ikmlen);
	crypto_auth_hmacsha256_final(&st, prk);
	/* expand */
	for (uint8_t i = 1; outlen; i++) {
		crypto_auth_hmacsha256_init(&st, prk, sizeof(prk));
		crypto_auth_hmacsha256_update(&st, t, tlen);
		crypto_auth_hmacsha256_update(&st, (const uint8_t *)info, infolen);
		crypto_auth_hmacsha256_update(&st, &i, 1);
		crypto_auth_hmacsha256_final(&st, t);
		tlen = sizeof(t);
		size_t k = outlen < tlen ? outlen : tlen;
		memcpy(out, t, k);
		out += k;
		outlen -= k;
	}
	sodium_memzero(prk, sizeof(prk));
	sodium_memzero(t, sizeof(t));
	sodium_memzero(&st, sizeof(st));
}

/* ---- Bech32 ---- */

static const char b32[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t polymod_step(uint32_t chk, uint8_t v)
{
	static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa,
	                                0x3d4233dd, 0x2a1462b3};
	uint32_t b = chk >> 25;
	chk = ((chk & 0x1ffffff) << 5) ^ v;
	for (int i = 0; i < 5; i++)
		if ((b >> i) & 1)
			chk ^= gen[i];
	return chk;
}

static uint32_t polymod_hrp(const char *hrp)
{
	uint32_t chk = 1;
	for (const char *p = hrp; *p; p++)
		chk = polymod_step(chk, (uint8_t)*p >> 5);
	chk = polymod_step(chk, 0);
	for (const char *p = hrp; *p; p++)
		chk = polymod_step(chk, (uint8_t)*p & 31);
	return chk;
}

/* 32 bytes are 52 groups of five bits (the last padded with zeros). */
#define GROUPS 52

void age_bech32_encode(const char *hrp, const uint8_t data[32], char *out,
                       size_t cap)
{
	uint8_t g[GROUPS];
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0, h = strlen(hrp);
	for (size_t i = 0; i < 32; i++) {
		acc = (acc << 8) | data[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			g[n++] = (uint8_t)((acc >> bits) & 31);
		}
	}
	if (bits)
		g[n++] = (uint8_t)((acc << (5 - bits)) & 31);
	uint32_t chk = polymod_hrp(hrp);
	for (size_t i = 0; i < n; i++)
		chk = polymod_step(chk, g[i]);
	for (int i = 0; i < 6; i++)
		chk = polymod_step(chk, 0);
	chk ^= 1;
	if (cap < h + 1 + n + 6 + 1) {
		if (cap)
			out[0] = '\0';
		return;
	}
	memcpy(out, hrp, h);
	out[h] = '1';
	for (size_t i = 0; i < n; i++)
		out[h + 1 + i] = b32[g[i]];
	for (int i = 0; i < 6; i++)
		out[h + 1 + n + (size_t)i] = b32[(chk >> (5 * (5 - i))) & 31];
	out[h + 1 + n + 6] = '\0';
	sodium_memzero(g, sizeof(g));
}

int age_bech32_decode(const char *hrp, const char *s, uint8_t data[32])
{
	size_t len = strlen(s), h = strlen(hrp);
	int lower = 0, upper = 0;
	if (len != h + 1 + GROUPS + 6)
		return -1;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 33 || c > 126)
			return -1;
		lower |= c >= 'a' && c <= 'z';
		upper |= c >= 'A' && c <= 'Z';
	}
	if (lower && upper)
		return -1;
	for (size_t i = 0; i < h; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != hrp[i])
			return -1;
	}
	if (s[h] != '1')
		return -1;
	uint8_t g[GROUPS + 6];
	uint32_t chk = polymod_hrp(hrp);
	for (size_t i = 0; i < GROUPS + 6; i++) {
		char c = s[h + 1 + i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		const char *at = memchr(b32, c, 32);
		if (!c || !at)
			return -1;
		g[i] = (uint8_t)(at - b32);
		chk = polymod_step(chk, g[i]);
	}
	if (chk != 1)
		return -1;
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < GROUPS; i++) {
		acc = (acc << 5) | g[i];
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			data[n++] = (uint8_t)(acc >> bits);
		}
	}
	/* the padding must be fewer than five bits, all zero */
	int bad = bits >= 5 || (acc & ((1u << bits) - 1)) != 0;
	sodium_memzero(g, sizeof(g));
	return bad ? -1 : 0;
}

/* ---- keys ---- */

void bron_age_public(const uint8_t sk[BRON_AGE_KEY], uint8_t pk[BRON_AGE_KEY])
{
	crypto_scalarmult_base(pk, sk);
}

void bron_age_keygen(uint8_t sk[BRON_AGE_KEY], uint8_t pk[BRON_AGE_KEY])
{
	randombytes_buf(sk, BRON_AGE_KEY);
	bron_age_public(sk, pk);
}

void bron_age_recipient_str(const uint8_t pk[BRON_AGE_KEY],
                            char out[BRON_AGE_RECIPIENT_LEN])
{
	age_bech32_encode(recipient_hrp, pk, out, BRON_AGE_RECIPIENT_LEN);
}

void bron_age_identity_str(const uint8_t sk[BRON_AGE_KEY],
                           char out[BRON_AGE_IDENTITY_LEN])
{
	age_bech32_encode(identity_hrp, sk, out, BRON_AGE_IDENTITY_LEN);
	for (char *p = out; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
}

bron_err bron_age_recipient_parse(const char *s, uint8_t pk[BRON_AGE_KEY],
                                  struct bron_error *err)
{
	if (strncmp(s, "age1", 4) != 0 && strncmp(s, "AGE1", 4) != 0)
		return bron_fail(err, BRON_E_INVALID,
		                 _("a recipient key starts with 'age1'"));
	if (age_bech32_decode(recipient_hrp, s, pk) != 0)
		return bron_fail(err, BRON_E_INVALID,
		                 _("'%.70s' is not a valid age recipient key "
		                   "(check for a typing error)"),
		                 s);
	return BRON_OK;
}

bron_err bron_age_identity_parse(const char *s, uint8_t sk[BRON_AGE_KEY],
                                 struct bron_error *err)
{
	if (age_bech32_decode(identity_hrp, s, sk) != 0)
		return bron_fail(err, BRON_E_INVALID,
		                 _("not a valid age identity (AGE-SECRET-KEY-1...)"));
	return BRON_OK;
}

void bron_age_fingerprint(const uint8_t pk[BRON_AGE_KEY],
                          char out[BRON_AGE_FINGERPRINT_LEN])
{
	static const char label[] = "bron recipient fingerprint v1";
	uint8_t h[10];
	crypto_generichash_state st;
	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const uint8_t *)label, sizeof(label) - 1);
	crypto_generichash_update(&st, pk, BRON_AGE_KEY);
	crypto_generichash_final(&st, h, sizeof(h));
	/* 80 bits as 16 Bech32 characters in groups of four */
	uint32_t acc = 0;
	int bits = 0;
	size_t n = 0;
	for (size_t i = 0; i < sizeof(h); i++) {
		acc = (acc << 8) | h[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			if (n && n % 5 == 4)
				out[n++] = '-';
			out[n++] = b32[(acc >> bits) & 31];
		}
	}
	out[n] = '\0';
}

/* ---- base64 ---- */

/*
 * Decodes exactly the characters [s, s + n) into out (cap bytes), only when
 * they are the canonical encoding: re-encoding gives the same text.
 * Returns the length or -1.
 */
static long b64_decode(const char *s, size_t n, int padded, uint8_t *out,
                       size_t cap)
{
	int variant = padded ? sodium_base64_VARIANT_ORIGINAL
	                     : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
	size_t len = 0;
	const char *end = NULL;
	if (n == 0)
		return 0;
	if (sodium_base642bin(out, cap, s, n, NULL, &len, &end, variant) != 0 ||
	    end != s + n)
		return -1;
	size_t elen = sodium_base64_encoded_len(len, variant);
	char *check = malloc(elen);
	if (!check)
		return -1;
	sodium_bin2base64(check, elen, out, len, variant);
	int same = strlen(check) == n && memcmp(check, s, n) == 0;
	free(check);
	return same ? (long)len : -1;
}

static int b64_char(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/';
}

/* ---- the header ---- */

void age_header_free(struct age_header *h)
{
	for (size_t i = 0; i < h->n; i++) {
		for (size_t j = 0; j < h->st[i].nargs; j++)
			free(h->st[i].args[j]);
		free(h->st[i].args);
		if (h->st[i].body) {
			sodium_memzero(h->st[i].body, h->st[i].blen);
			free(h->st[i].body);
		}
	}
	free(h->st);
	memset(h, 0, sizeof(*h));
}

/*
 * The line at *pos (without its '\n'): 1 with *line and *n set, 0 when the
 * input ends before a '\n'.
 */
static int next_line(const uint8_t *in, size_t len, size_t *pos,
                     const char **line, size_t *n)
{
	const uint8_t *nl = memchr(in + *pos, '\n', len - *pos);
	if (!nl)
		return 0;
	*line = (const char *)in + *pos;
	*n = (size_t)(nl - (in + *pos));
	*pos += *n + 1;
	return 1;
}

/*
 * Whether the n bytes at s, which the input ends in without a newline,
 * could still begin a header line: then the file was cut short, else the
 * line is malformed already.  max is the longest such line may be.
 */
static int could_continue(const uint8_t *s, size_t n, size_t max)
{
	if (n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return 1;
}

/* Splits "-> a b c" into a stanza's arguments; -1 when malformed. */
static int parse_args(const char *s, size_t n, struct age_stanza *st)
{
	size_t count = 1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ')
			count++;
		else if (c < 33 || c > 126)
			return -1;
	}
	st->args = calloc(count, sizeof(*st->args));
	if (!st->args)
		return -1;
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != ' ')
			continue;
		if (i == start)
			return -1; /* an empty argument */
		char *a = malloc(i - start + 1);
		if (!a)
			return -1;
		memcpy(a, s + start, i - start);
		a[i - start] = '\0';
		st->args[st->nargs++] = a;
		start = i + 1;
	}
	return 0;
}

/* Reads a stanza body: full lines of 64 columns, then a shorter one. */
static enum bron_age_fault parse_body(const uint8_t *in, size_t len,
                                      size_t *pos, struct age_stanza *st,
                                      int *cut)
{
	size_t start = *pos, chars = 0;
	const char *line;
	size_t n;
	for (;;) {
		if (!next_line(in, len, pos, &line, &n)) {
			*cut = could_continue(in + *pos, len - *pos, BODY_COLS);
			return BRON_AGE_HEADER;
		}
		if (n > BODY_COLS)
			return BRON_AGE_HEADER;
		for (size_t i = 0; i < n; i++)
			if (!b64_char((unsigned char)line[i]))
				return BRON_AGE_HEADER;
		chars += n;
		if (n < BODY_COLS)
			break;
	}
	/* copy the characters without the line ends, then decode */
	char *text = malloc(chars + 1);
	if (!text)
		return BRON_AGE_HEADER;
	size_t k = 0;
	for (size_t i = start; i < *pos; i++)
		if (in[i] != '\n')
			text[k++] = (char)in[i];
	st->blen = 0;
	st->body = malloc(chars ? chars : 1);
	long got = st->body ? b64_decode(text, k, 0, st->body, chars) : -1;
	free(text);
	if (got < 0)
		return BRON_AGE_HEADER;
	st->blen = (size_t)got;
	return BRON_AGE_OK;
}

enum bron_age_fault age_header_parse(const uint8_t *in, size_t len,
                                     struct age_header *h, int *cut)
{
	const char *line;
	size_t n, pos = 0;
	memset(h, 0, sizeof(*h));
	*cut = 0;
	if (!next_line(in, len, &pos, &line, &n)) {
		/* a prefix of the version line is a file cut short */
		*cut = len > 0 && len < sizeof(version_line) &&
		       memcmp(in, version_line, len) == 0;
		return BRON_AGE_HEADER;
	}
	if (n != sizeof(version_line) - 1 || memcmp(line, version_line, n) != 0)
		return BRON_AGE_HEADER;
	for (;;) {
		size_t at = pos;
		if (!next_line(in, len, &pos, &line, &n)) {
			/* a MAC line is 47 bytes; stanza lines have no limit */
			size_t rest = len - pos;
			*cut = could_continue(in + pos, rest,
			                      rest >= 3 && memcmp(in + pos, "---", 3) == 0
			                              ? 4 + 43
			                              : (size_t)-1);
			return BRON_AGE_HEADER;
		}
		if (n >= 3 && memcmp(line, "---", 3) == 0) {
			h->mac_at = at + 3;
			if (n != 4 + 43 || line[3] != ' ' || h->n == 0 ||
			    b64_decode(line + 4, 43, 0, h->mac, sizeof(h->mac)) != 32)
				return BRON_AGE_HEADER;
			h->end = pos;
			return BRON_AGE_OK;
		}
		if (n < 3 || memcmp(line, "-> ", 3) != 0 ||
		    h->n >= AGE_MAX_STANZAS)
			return BRON_AGE_HEADER;
		if (h->n % 16 == 0) {
			struct age_stanza *v =
			        realloc(h->st, (h->n + 16) * sizeof(*v));
			if (!v)
				return BRON_AGE_HEADER;
			h->st = v;
		}
		struct age_stanza *st = &h->st[h->n++];
		memset(st, 0, sizeof(*st));
		if (parse_args(line + 3, n - 3, st) != 0)
			return BRON_AGE_HEADER;
		enum bron_age_fault f = parse_body(in, len, &pos, st, cut);
		if (f != BRON_AGE_OK)
			return f;
	}
}

/* ---- X25519 stanzas ---- */

static void wrap_key(const uint8_t share[32], const uint8_t pk[32],
                     const uint8_t shared[32], uint8_t key[32])
{
	uint8_t salt[64];
	memcpy(salt, share, 32);
	memcpy(salt + 32, pk, 32);
	age_hkdf(salt, sizeof(salt), shared, 32, x25519_label, key, 32);
}

static const uint8_t zero_nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES];

/*
 * Checks the stanzas' shape and tries each identity on each X25519 stanza.
 * BRON_AGE_OK with file_key set, BRON_AGE_NO_MATCH, or BRON_AGE_HEADER.
 */
static enum bron_age_fault unwrap(const struct age_header *h,
                                  const uint8_t (*sks)[BRON_AGE_KEY],
                                  size_t nsk, uint8_t key[AGE_FILE_KEY])
{
	for (size_t i = 0; i < h->n; i++) {
		const struct age_stanza *st = &h->st[i];
		if (strcmp(st->args[0], "scrypt") == 0 && h->n > 1)
			return BRON_AGE_HEADER; /* scrypt must stand alone */
		if (strcmp(st->args[0], "X25519") != 0)
			continue;
		uint8_t share[33];
		if (st->nargs != 2 || st->blen != AGE_FILE_KEY + AGE_TAG ||
		    b64_decode(st->args[1], strlen(st->args[1]), 0, share,
		               sizeof(share)) != 32)
			return BRON_AGE_HEADER;
	}
	enum bron_age_fault f = BRON_AGE_NO_MATCH;
	for (size_t k = 0; k < nsk && f == BRON_AGE_NO_MATCH; k++) {
		uint8_t pk[32], shared[32], wk[32], share[33];
		bron_age_public(sks[k], pk);
		for (size_t i = 0; i < h->n; i++) {
			const struct age_stanza *st = &h->st[i];
			if (strcmp(st->args[0], "X25519") != 0)
				continue;
			b64_decode(st->args[1], strlen(st->args[1]), 0, share,
			           sizeof(share));
			if (crypto_scalarmult(shared, sks[k], share) != 0) {
				f = BRON_AGE_HEADER; /* a low-order share */
				break;
			}
			wrap_key(share, pk, shared, wk);
			int ok = crypto_aead_chacha20poly1305_ietf_decrypt(
			                 key, NULL, NULL, st->body, st->blen, NULL, 0,
			                 zero_nonce, wk) == 0;
			if (ok) {
				f = BRON_AGE_OK;
				break;
			}
		}
		sodium_memzero(shared, sizeof(shared));
		sodium_memzero(wk, sizeof(wk));
	}
	return f;
}

static int mac_ok(const uint8_t *in, const struct age_header *h,
                  const uint8_t key[AGE_FILE_KEY])
{
	uint8_t mk[32], mac[32];
	age_hkdf(NULL, 0, key, AGE_FILE_KEY, "header", mk, sizeof(mk));
	crypto_auth_hmacsha256(mac, in, h->mac_at, mk);
	int ok = sodium_memcmp(mac, h->mac, sizeof(mac)) == 0;
	sodium_memzero(mk, sizeof(mk));
	return ok;
}

/* ---- the payload ---- */

static void chunk_nonce(uint8_t n[12], uint64_t counter, int last)
{
	memset(n, 0, 12);
	for (int i = 0; i < 8; i++)
		n[10 - i] = (uint8_t)(counter >> (8 * i));
	n[11] = last ? 1 : 0;
}

static int open_chunk(const uint8_t k[32], uint64_t counter, int last,
                      const uint8_t *c, size_t clen, uint8_t *out)
{
	uint8_t nonce[12];
	chunk_nonce(nonce, counter, last);
	return crypto_aead_chacha20poly1305_ietf_decrypt(out, NULL, NULL, c, clen,
	                                                 NULL, 0, nonce, k);
}

enum bron_age_fault age_payload_open(const uint8_t key[AGE_FILE_KEY],
                                     const uint8_t *in, size_t len,
                                     uint8_t *out, size_t *outlen, int *cut)
{
	const size_t full = AGE_CHUNK + AGE_TAG;
	uint8_t pk[32];
	enum bron_age_fault f = BRON_AGE_PAYLOAD;
	*outlen = 0;
	*cut = 0;
	if (len < AGE_NONCE) {
		*cut = 1;
		return BRON_AGE_HEADER; /* the nonce belongs to the header */
	}
	age_hkdf(in, AGE_NONCE, key, AGE_FILE_KEY, "payload", pk, sizeof(pk));
	size_t pos = AGE_NONCE;
	for (uint64_t i = 0;; i++) {
		size_t r = len - pos;
		if (r == 0) {
			/* ended after a chunk that was not the last, or before any */
			*cut = 1;
			break;
		}
		if (r < AGE_TAG) {
			*cut = 1;
			break;
		}
		uint8_t *o = out + *outlen;
		if (r > full) {
			if (open_chunk(pk, i, 0, in + pos, full, o) != 0) {
				/* a final chunk with data after it is still reported */
				if (open_chunk(pk, i, 1, in + pos, full, o) == 0)
					*outlen += AGE_CHUNK;
				break;
			}
			*outlen += AGE_CHUNK;
			pos += full;
			continue;
		}
		if (open_chunk(pk, i, 1, in + pos, r, o) == 0) {
			/* an empty last chunk only for an empty payload */
			if (r == AGE_TAG && i > 0)
				break;
			*outlen += r - AGE_TAG;
			f = BRON_AGE_OK;
			break;
		}
		if (r == full && open_chunk(pk, i, 0, in + pos, r, o) == 0) {
			*outlen += AGE_CHUNK;
			*cut = 1; /* a full chunk, not the last, then the end */
		}
		break;
	}
	sodium_memzero(pk, sizeof(pk));
	return f;
}

/* ---- the armor ---- */

static int is_space(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int age_is_armored(const uint8_t *in, size_t len)
{
	size_t i = 0, n = sizeof(armor_begin) - 1;
	while (i < len && is_space(in[i]))
		i++;
	return len - i >= n && memcmp(in + i, armor_begin, n) == 0;
}

/* Reads one armor line ending in "\n" or "\r\n"; 0 at the end of input. */
static int armor_line(const uint8_t *in, size_t len, size_t *pos,
                      const char **line, size_t *n)
{
	if (*pos >= len)
		return 0;
	const uint8_t *nl = memchr(in + *pos, '\n', len - *pos);
	size_t end = nl ? (size_t)(nl - in) : len;
	*line = (const char *)in + *pos;
	*n = end - *pos;
	if (*n && (*line)[*n - 1] == '\r')
		(*n)--;
	*pos = nl ? end + 1 : len;
	return 1;
}

enum bron_age_fault age_armor_decode(const uint8_t *in, size_t len,
                                     uint8_t **out, size_t *outlen, int *cut)
{
	const size_t nb = sizeof(armor_begin) - 1, ne = sizeof(armor_end) - 1;
	size_t a = 0, b = len;
	*out = NULL;
	*outlen = 0;
	*cut = 0;
	while (a < b && is_space(in[a]))
		a++;
	while (b > a && is_space(in[b - 1]))
		b--;
	const char *line;
	size_t n, pos = a;
	if (!armor_line(in, b, &pos, &line, &n) || n != nb ||
	    memcmp(line, armor_begin, nb) != 0)
		return BRON_AGE_ARMOR;
	char *text = malloc(b - a + 1);
	if (!text)
		return BRON_AGE_ARMOR;
	size_t k = 0, last = ARMOR_COLS;
	enum bron_age_fault f = BRON_AGE_ARMOR;
	for (;;) {
		if (!armor_line(in, b, &pos, &line, &n)) {
			*cut = 1; /* no end line */
			break;
		}
		if (n == ne && memcmp(line, armor_end, ne) == 0) {
			if (pos == b)
				f = BRON_AGE_OK;
			break;
		}
		if (pos == b && n < ne && memcmp(line, armor_end, n) == 0 &&
		    line[0] == '-') {
			*cut = 1; /* the end line itself is cut short */
			break;
		}
		/* every line but the last is full, the last is not empty */
		if (last != ARMOR_COLS || n == 0 || n > ARMOR_COLS)
			break;
		size_t i = 0;
		while (i < n && b64_char((unsigned char)line[i]))
			i++;
		while (i < n && line[i] == '=' && n - i <= 2)
			i++;
		if (i != n)
			break;
		memcpy(text + k, line, n);
		k += n;
		last = n;
	}
	if (f == BRON_AGE_OK) {
		*out = malloc(k ? k : 1);
		long got = *out ? b64_decode(text, k, 1, *out, k) : -1;
		if (got < 0) {
			free(*out);
			*out = NULL;
			f = BRON_AGE_ARMOR;
		} else {
			*outlen = (size_t)got;
		}
	}
	free(text);
	return f;
}

/* ---- decryption ---- */

enum bron_age_fault age_decrypt_raw(const uint8_t *in, size_t len,
                                    int armored,
                                    const uint8_t (*sks)[BRON_AGE_KEY],
                                    size_t n, uint8_t **out, size_t *outlen,
                                    size_t *outcap, int *cut)
{
	uint8_t *bin = NULL;
	size_t binlen = 0;
	struct age_header h;
	uint8_t key[AGE_FILE_KEY];
	enum bron_age_fault f;

	*out = NULL;
	*outlen = *outcap = 0;
	*cut = 0;
	if (armored < 0)
		armored = age_is_armored(in, len);
	if (armored) {
		f = age_armor_decode(in, len, &bin, &binlen, cut);
		if (f != BRON_AGE_OK)
			return f;
		in = bin;
		len = binlen;
	}
	f = age_header_parse(in, len, &h, cut);
	if (f == BRON_AGE_OK)
		f = unwrap(&h, sks, n, key);
	if (f == BRON_AGE_OK && !mac_ok(in, &h, key))
		f = BRON_AGE_HMAC;
	if (f == BRON_AGE_OK) {
		*outcap = len - h.end + 1;
		*out = malloc(*outcap);
		if (!*out)
			f = BRON_AGE_PAYLOAD;
		else
			f = age_payload_open(key, in + h.end, len - h.end, *out, outlen,
			                     cut);
	}
	sodium_memzero(key, sizeof(key));
	age_header_free(&h);
	free(bin); /* ciphertext only */
	return f;
}

bron_err bron_age_decrypt(const uint8_t *in, size_t len,
                          const uint8_t (*sks)[BRON_AGE_KEY], size_t n,
                          uint8_t **out, size_t *outlen,
                          enum bron_age_fault *fault, struct bron_error *err)
{
	uint8_t *buf;
	size_t blen, cap;
	int cut;
	enum bron_age_fault f = BRON_AGE_HEADER;

	*out = NULL;
	*outlen = 0;
	if (fault)
		*fault = BRON_AGE_HEADER;
	if (len > BRON_AGE_MAX_INPUT)
		return bron_fail(err, BRON_E_INVALID,
		                 _("the file is larger than bron opens (256 MiB)"));
	f = age_decrypt_raw(in, len, -1, sks, n, &buf, &blen, &cap, &cut);
	if (fault)
		*fault = f;
	if (f == BRON_AGE_OK) {
		buf[blen] = '\0';
		*out = buf;
		*outlen = blen;
		return BRON_OK;
	}
	if (buf)
		bron_secret_free(buf, cap);
	if (cut)
		return bron_fail(err, BRON_E_TRUNCATED,
		                 _("the file is cut short: it ends before the "
		                   "encrypted data is complete"));
	switch (f) {
	case BRON_AGE_ARMOR:
		return bron_fail(err, BRON_E_NOT_AGE,
		                 _("the file's armor (the BEGIN AGE ENCRYPTED FILE "
		                   "text) is damaged"));
	case BRON_AGE_NO_MATCH:
		return bron_fail(err, BRON_E_NOT_FOR_YOU,
		                 _("the file is not for you: it was not encrypted "
		                   "to your identity"));
	case BRON_AGE_HMAC:
		return bron_fail(err, BRON_E_TAMPERED,
		                 _("the file was changed after it was made (its "
		                   "header does not verify)"));
	case BRON_AGE_PAYLOAD:
		return bron_fail(err, BRON_E_TAMPERED,
		                 _("the file was changed after it was made (its "
		                   "contents do not verify)"));
	default:
		return bron_fail(err, BRON_E_NOT_AGE,
		                 _("not an age file, or its header is damaged"));
	}
}

/* ---- encryption ---- */

struct wbuf {
	uint8_t *p;
	size_t len, cap;
};

static void put(struct wbuf *w, const void *b, size_t n)
{
	memcpy(w->p + w->len, b, n);
	w->len += n;
}

static void put_b64(struct wbuf *w, const uint8_t *b, size_t n)
{
	size_t el = sodium_base64_encoded_len(
	        n, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	sodium_bin2base64((char *)w->p + w->len, el, b, n,
	                  sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	w->len += el - 1;
}

bron_err bron_age_encrypt(const uint8_t *in, size_t len,
                          const uint8_t (*pks)[BRON_AGE_KEY], size_t n,
                          int armor, uint8_t **out, size_t *outlen,
                          struct bron_error *err)
{
	*out = NULL;
	*outlen = 0;
	if (n == 0 || n > BRON_AGE_MAX_RECIPIENTS)
		return bron_fail(err, BRON_E_INVALID,
		                 _("a bundle needs between 1 and %d recipients"),
		                 BRON_AGE_MAX_RECIPIENTS);
	if (len > BRON_AGE_MAX_INPUT)
		return bron_fail(err, BRON_E_INVALID,
		                 _("the text is too large for a bundle"));
	size_t chunks = len ? (len + AGE_CHUNK - 1) / AGE_CHUNK : 1;
	/* version line, stanzas (2 lines of at most 53 and 44), MAC line */
	size_t hcap = sizeof(version_line) + n * (10 + 43 + 1 + 43 + 1) + 4 +
	              43 + 1;
	struct wbuf w = {0};
	w.cap = hcap + AGE_NONCE + len + chunks * AGE_TAG;
	w.p = malloc(w.cap);
	if (!w.p)
		return bron_fail(err, BRON_E_NOMEM, NULL);

	uint8_t key[AGE_FILE_KEY], k[32];
	randombytes_buf(key, sizeof(key));
	put(&w, version_line, sizeof(version_line) - 1);
	put(&w, "\n", 1);
	bron_err e = BRON_OK;
	for (size_t i = 0; i < n && e == BRON_OK; i++) {
		uint8_t eph[32], share[32], shared[32], body[AGE_FILE_KEY + AGE_TAG];
		randombytes_buf(eph, sizeof(eph));
		crypto_scalarmult_base(share, eph);
		if (crypto_scalarmult(shared, eph, pks[i]) != 0) {
			e = bron_fail(err, BRON_E_INVALID,
			              _("a recipient key is not usable (a low-order "
			                "point)"));
		} else {
			wrap_key(share, pks[i], shared, k);
			crypto_aead_chacha20poly1305_ietf_encrypt(
			        body, NULL, key, sizeof(key), NULL, 0, NULL, zero_nonce,
			        k);
			put(&w, "-> X25519 ", 10);
			put_b64(&w, share, sizeof(share));
			put(&w, "\n", 1);
			put_b64(&w, body, sizeof(body));
			put(&w, "\n", 1);
		}
		sodium_memzero(eph, sizeof(eph));
		sodium_memzero(shared, sizeof(shared));
	}
	if (e == BRON_OK) {
		uint8_t mac[32];
		put(&w, "---", 3);
		age_hkdf(NULL, 0, key, sizeof(key), "header", k, sizeof(k));
		crypto_auth_hmacsha256(mac, w.p, w.len, k);
		put(&w, " ", 1);
		put_b64(&w, mac, sizeof(mac));
		put(&w, "\n", 1);

		uint8_t *nonce = w.p + w.len;
		randombytes_buf(nonce, AGE_NONCE);
		w.len += AGE_NONCE;
		age_hkdf(nonce, AGE_NONCE, key, sizeof(key), "payload", k, sizeof(k));
		for (size_t c = 0; c < chunks; c++) {
			size_t off = c * AGE_CHUNK;
			size_t m = len - off < AGE_CHUNK ? len - off : AGE_CHUNK;
			uint8_t cn[12];
			chunk_nonce(cn, c, c + 1 == chunks);
			unsigned long long clen;
			crypto_aead_chacha20poly1305_ietf_encrypt(
			        w.p + w.len, &clen, in + off, m, NULL, 0, NULL, cn, k);
			w.len += (size_t)clen;
		}
	}
	sodium_memzero(key, sizeof(key));
	sodium_memzero(k, sizeof(k));
	if (e != BRON_OK) {
		free(w.p);
		return e;
	}
	if (!armor) {
		*out = w.p;
		*outlen = w.len;
		return BRON_OK;
	}

	/* the armor: padded base64 in lines of 64 */
	size_t el = sodium_base64_encoded_len(w.len,
	                                      sodium_base64_VARIANT_ORIGINAL);
	char *b = malloc(el);
	size_t lines = (el - 1 + ARMOR_COLS - 1) / ARMOR_COLS;
	size_t acap = sizeof(armor_begin) + el + lines + sizeof(armor_end) + 1;
	uint8_t *a = malloc(acap);
	if (!b || !a) {
		free(b);
		free(a);
		free(w.p);
		return bron_fail(err, BRON_E_NOMEM, NULL);
	}
	sodium_bin2base64(b, el, w.p, w.len, sodium_base64_VARIANT_ORIGINAL);
	free(w.p);
	struct wbuf o = {a, 0, acap};
	put(&o, armor_begin, sizeof(armor_begin) - 1);
	put(&o, "\n", 1);
	for (size_t i = 0; i < el - 1; i += ARMOR_COLS) {
		size_t m = el - 1 - i < ARMOR_COLS ? el - 1 - i : ARMOR_COLS;
		put(&o, b + i, m);
		put(&o, "\n", 1);
	}
	put(&o, armor_end, sizeof(armor_end) - 1);
	put(&o, "\n", 1);
	free(b);
	*out = o.p;
	*outlen = o.len;
	return BRON_OK;
}
