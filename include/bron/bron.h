/*
 * bron/bron.h - the whole public API of libbron.  The program includes only
 * this header (or the ones it pulls in); everything in src/lib is private.
 */
#ifndef BRON_BRON_H
#define BRON_BRON_H

#include "bron/error.h"
#include "bron/entry.h"
#include "bron/text.h"
#include "bron/vault.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Initialises libsodium.  Call once before anything else; safe to call more
 * than once.  Returns BRON_E_CRYPTO when libsodium cannot start.
 */
bron_err bron_init(struct bron_error *err);

/* The library's version string, e.g. "0.1.0".  Static. */
const char *bron_version(void);

#ifdef __cplusplus
}
#endif
#endif
