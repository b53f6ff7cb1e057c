/*
 * bron/share.h - the records behind sharing: the author's pseudonym list
 * and the log of supervision views she wrote.
 *
 * Both live in the vault like entries, as their own record kinds, encrypted
 * and covered by the manifest.  Their byte layouts are versioned
 * tag-length-value lists, documented in docs/FORMAT.md.
 *
 * Ownership: decoders fill structs whose strings and arrays they allocate;
 * the matching release function wipes and frees them.  Encoders return a
 * buffer the caller frees with bron_secret_free(buf, len).
 */
#ifndef BRON_SHARE_H
#define BRON_SHARE_H

#include <stddef.h>
#include <stdint.h>

#include "bron/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BRON_KIND_NAME 0x02
#define BRON_KIND_SHARED 0x03
#define BRON_NAME_VERSION 1
#define BRON_SHARED_VERSION 1

/* A person or place the author always wants replaced. */
struct bron_name {
	int64_t created;
	char *name;       /* as the author typed it */
	char *label;      /* her own label, or NULL */
	uint32_t auto_no; /* with no label: 1 for "Person A", 2 for B, ...; else 0 */
};

void bron_name_release(struct bron_name *n);
bron_err bron_name_encode(const struct bron_name *n, uint8_t **out,
                          size_t *len, struct bron_error *err);
bron_err bron_name_decode(const uint8_t *buf, size_t len, struct bron_name *n,
                          struct bron_error *err);

/*
 * The letters of an automatic label: 1 -> "A", 26 -> "Z", 27 -> "AA".
 * buf must hold 8 bytes.
 */
void bron_name_letters(uint32_t auto_no, char buf[8]);

/* One supervision view that was written. */
struct bron_shared {
	int64_t when;
	char *format;      /* "md", "txt", "html", "json", ... */
	char *selection;   /* the options that chose the entries, as typed */
	char *dest;        /* the file it went to, or NULL for the terminal */
	uint64_t *ids;     /* the entries it showed */
	size_t nids;
	uint32_t withheld; /* not-yet-shareable entries mentioned as such */
	uint32_t replaced; /* replacements made */
	uint32_t cut;      /* private passages cut */
};

void bron_shared_release(struct bron_shared *s);
bron_err bron_shared_encode(const struct bron_shared *s, uint8_t **out,
                            size_t *len, struct bron_error *err);
bron_err bron_shared_decode(const uint8_t *buf, size_t len,
                            struct bron_shared *s, struct bron_error *err);

#ifdef __cplusplus
}
#endif
#endif
