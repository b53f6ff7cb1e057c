/*
 * age_int.h - the pieces of age.c that tests and fuzz harnesses reach
 * directly.  Not installed.
 */
#ifndef BRON_AGE_INT_H
#define BRON_AGE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "bron/age.h"

#define AGE_FILE_KEY 16
#define AGE_CHUNK 65536
#define AGE_TAG 16
#define AGE_NONCE 16
#define AGE_MAX_STANZAS 1024

/* HKDF-SHA-256 (RFC 5869); outlen at most 255 * 32. */
void age_hkdf(const uint8_t *salt, size_t saltlen, const uint8_t *ikm,
              size_t ikmlen, const char *info, uint8_t *out, size_t outlen);

/* Bech32 (BIP 173, without its length limit) of 32 bytes under hrp. */
void age_bech32_encode(const char *hrp, const uint8_t data[32], char *out,
                       size_t cap);
/* 0 with data filled when s is valid Bech32 of 32 bytes under hrp. */
int age_bech32_decode(const char *hrp, const char *s, uint8_t data[32]);

struct age_stanza {
	char **args; /* args[0] is the type */
	size_t nargs;
	uint8_t *body;
	size_t blen;
};

struct age_header {
	struct age_stanza *st;
	size_t n;
	size_t mac_at;  /* bytes the MAC covers: through the "---" */
	uint8_t mac[32];
	size_t end;     /* where the payload (its nonce) starts */
};

/*
 * Parses the header at the start of in.  BRON_AGE_OK, or BRON_AGE_HEADER
 * with *cut set when in ended inside it.  Free h with age_header_free
 * either way.
 */
enum bron_age_fault age_header_parse(const uint8_t *in, size_t len,
                                     struct age_header *h, int *cut);
void age_header_free(struct age_header *h);

/*
 * Decrypts a STREAM payload (nonce first) under a file key into out, which
 * must hold len bytes.  *outlen is the plaintext that verified, also on
 * failure; *cut is set when the payload ends early.
 */
enum bron_age_fault age_payload_open(const uint8_t key[AGE_FILE_KEY],
                                     const uint8_t *in, size_t len,
                                     uint8_t *out, size_t *outlen, int *cut);

/*
 * Undoes the ASCII armor into a new malloc'ed buffer.  *cut is set when
 * the end line is missing.
 */
enum bron_age_fault age_armor_decode(const uint8_t *in, size_t len,
                                     uint8_t **out, size_t *outlen, int *cut);
/* 1 when in starts (after white space) with the armor's first line. */
int age_is_armored(const uint8_t *in, size_t len);

/*
 * The whole decryption with the armor decided by the caller: armored is
 * 1, 0, or -1 to tell from the first line.  *out (malloc'ed, len + 1
 * bytes, wipe before freeing) holds what verified, also on failure.
 */
enum bron_age_fault age_decrypt_raw(const uint8_t *in, size_t len,
                                    int armored,
                                    const uint8_t (*sks)[BRON_AGE_KEY],
                                    size_t n, uint8_t **out, size_t *outlen,
                                    size_t *outcap, int *cut);

#endif
