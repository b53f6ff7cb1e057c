/*
 * bron/keys.h - the records behind encrypted bundles: the author's own age
 * identity and her contacts (the people she sends bundles to).
 *
 * Both are record kinds of the vault, encrypted and covered by the
 * manifest like entries; their layouts are in docs/FORMAT.md.  Decoders
 * fill structs whose strings they allocate; the release functions wipe
 * them.  Encoders return a buffer to free with bron_secret_free(buf, len).
 */
#ifndef BRON_KEYS_H
#define BRON_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "bron/age.h"
#include "bron/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BRON_KIND_IDENTITY 0x07
#define BRON_KIND_CONTACT 0x08
#define BRON_IDENTITY_VERSION 1
#define BRON_CONTACT_VERSION 1

/* The author's X25519 identity. */
struct bron_identity {
	int64_t created;
	uint8_t secret[BRON_AGE_KEY];
};

void bron_identity_release(struct bron_identity *id);
bron_err bron_identity_encode(const struct bron_identity *id, uint8_t **out,
                              size_t *len, struct bron_error *err);
bron_err bron_identity_decode(const uint8_t *buf, size_t len,
                              struct bron_identity *id,
                              struct bron_error *err);

/* Someone bundles can be sent to. */
struct bron_contact {
	int64_t created;
	char *name;
	uint8_t key[BRON_AGE_KEY]; /* the recipient's public key */
};

void bron_contact_release(struct bron_contact *c);
bron_err bron_contact_encode(const struct bron_contact *c, uint8_t **out,
                             size_t *len, struct bron_error *err);
bron_err bron_contact_decode(const uint8_t *buf, size_t len,
                             struct bron_contact *c, struct bron_error *err);

#ifdef __cplusplus
}
#endif
#endif
