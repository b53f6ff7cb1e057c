/*
 * bron/age.h - age v1 files for X25519 recipients: the encrypted bundle a
 * supervision view travels in, readable with bron or with the age tool.
 *
 * The profile (docs/FORMAT.md, section 10d): X25519 recipient stanzas, the
 * header MAC, a STREAM payload of ChaCha20-Poly1305 chunks of 64 KiB, and
 * optionally the ASCII armor.  Passphrase (scrypt) stanzas and post-quantum
 * stanzas are not unwrapped; a file with only those is "not for you".
 *
 * Keys are 32-byte X25519 scalars (identities) and points (recipients).
 * Textual forms are Bech32: "age1..." for recipients, "AGE-SECRET-KEY-1..."
 * for identities.
 */
#ifndef BRON_AGE_H
#define BRON_AGE_H

#include <stddef.h>
#include <stdint.h>

#include "bron/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BRON_AGE_KEY 32
/* "age1" + 52 data + 6 checksum characters, and a NUL. */
#define BRON_AGE_RECIPIENT_LEN 63
/* "AGE-SECRET-KEY-1" + 52 + 6, and a NUL. */
#define BRON_AGE_IDENTITY_LEN 75
/* The largest file bron_age_decrypt accepts. */
#define BRON_AGE_MAX_INPUT ((size_t)256 << 20)

/* Why a decryption failed, in the terms of the age test vectors. */
enum bron_age_fault {
	BRON_AGE_OK = 0,
	BRON_AGE_ARMOR,     /* the ASCII armor is malformed */
	BRON_AGE_HEADER,    /* the header is malformed (or not age at all) */
	BRON_AGE_NO_MATCH,  /* no stanza opens with the identities given */
	BRON_AGE_HMAC,      /* the header MAC does not verify */
	BRON_AGE_PAYLOAD,   /* a payload chunk does not verify, or data trails */
};

/* A new identity: a random scalar and its public point. */
void bron_age_keygen(uint8_t sk[BRON_AGE_KEY], uint8_t pk[BRON_AGE_KEY]);
/* The public point of an identity. */
void bron_age_public(const uint8_t sk[BRON_AGE_KEY], uint8_t pk[BRON_AGE_KEY]);

/* "age1..." (lower case) for a recipient. */
void bron_age_recipient_str(const uint8_t pk[BRON_AGE_KEY],
                            char out[BRON_AGE_RECIPIENT_LEN]);
/* "AGE-SECRET-KEY-1..." (upper case) for an identity. */
void bron_age_identity_str(const uint8_t sk[BRON_AGE_KEY],
                           char out[BRON_AGE_IDENTITY_LEN]);
/*
 * Parses "age1..." (either case, not mixed).  BRON_E_INVALID with a
 * sentence saying what is wrong (checksum, length, prefix).
 */
bron_err bron_age_recipient_parse(const char *s, uint8_t pk[BRON_AGE_KEY],
                                  struct bron_error *err);
bron_err bron_age_identity_parse(const char *s, uint8_t sk[BRON_AGE_KEY],
                                 struct bron_error *err);
/*
 * A short fingerprint of a recipient to compare in person: four groups of
 * four characters from a hash of the key, "abcd-efgh-ijkl-mnop".
 */
#define BRON_AGE_FINGERPRINT_LEN 20
void bron_age_fingerprint(const uint8_t pk[BRON_AGE_KEY],
                          char out[BRON_AGE_FINGERPRINT_LEN]);

/*
 * Encrypts len bytes for n recipients (1..BRON_AGE_MAX_RECIPIENTS) into a
 * new age file, armored when armor is set.  *out is malloc'ed ciphertext
 * (free it with free()).
 */
#define BRON_AGE_MAX_RECIPIENTS 64
bron_err bron_age_encrypt(const uint8_t *in, size_t len,
                          const uint8_t (*pks)[BRON_AGE_KEY], size_t n,
                          int armor, uint8_t **out, size_t *outlen,
                          struct bron_error *err);

/*
 * Decrypts an age file (binary or armored, told apart by the armor's first
 * line) with any of n identities.  On success *out holds the whole
 * plaintext plus a NUL (free with bron_secret_free(*out, *outlen + 1)):
 * nothing is handed out before the last chunk has verified.
 *
 * On failure *out is NULL, *fault (may be NULL) says which rule failed,
 * and the code is BRON_E_TRUNCATED when the file ends early (inside the
 * armor, the header or the nonce, or after a chunk that is not the last),
 * else BRON_E_NOT_AGE (armor or header malformed), BRON_E_NOT_FOR_YOU or
 * BRON_E_TAMPERED (header MAC, a chunk, or data after the last chunk).
 */
bron_err bron_age_decrypt(const uint8_t *in, size_t len,
                          const uint8_t (*sks)[BRON_AGE_KEY], size_t n,
                          uint8_t **out, size_t *outlen,
                          enum bron_age_fault *fault, struct bron_error *err);

#ifdef __cplusplus
}
#endif
#endif
