/*
 * tlv.h - record payload fields: tag, LEB128 length, value.  Not installed.
 */
#ifndef BRON_TLV_H
#define BRON_TLV_H

#include <stddef.h>
#include <stdint.h>

#include "bron/error.h"

#define TLV_MAX_FIELD ((size_t)1 << 30)

/* Strict UTF-8 without NUL: no overlong forms, no surrogates. */
int tlv_utf8_valid(const uint8_t *s, size_t n);

/* A payload being written, or with p == NULL only measured. */
struct tlv_out {
	uint8_t *p;
	size_t len; /* bytes written (or counted) */
};

void tlv_put_bytes(struct tlv_out *o, const void *b, size_t n);
void tlv_put_field(struct tlv_out *o, uint8_t tag, const void *v, size_t n);
void tlv_put_str(struct tlv_out *o, uint8_t tag, const char *s); /* NULL: none */
void tlv_put_i64(struct tlv_out *o, uint8_t tag, int64_t v);

/* A NUL-terminated copy of n bytes of valid UTF-8, else NULL. */
char *tlv_dup_str(const uint8_t *v, size_t n);

/*
 * Reads the field at *pos: 1 with *tag, *v, *n set and *pos moved past it,
 * 0 at the end, -1 when the bytes are malformed (a length that runs past
 * the end, is not in its shortest form, or is too large).
 */
int tlv_next(const uint8_t *buf, size_t len, size_t *pos, uint8_t *tag,
             const uint8_t **v, size_t *n);


/* ---- what every record codec shares ---- */

/* Tags from 0x80 up are optional: skipped by readers that do not know them. */
#define TLV_OPTIONAL 0x80

/* Wipes and frees a string; NULL is fine. */
void tlv_wipe_str(char *s);
/* 1 when s is NULL or valid UTF-8 short enough for a field. */
int tlv_str_ok(const char *s);
void tlv_put_u32(struct tlv_out *o, uint8_t tag, uint32_t v);
void tlv_put_u8(struct tlv_out *o, uint8_t tag, uint8_t v);

/* Decoder steps, 0 on success and -1 on malformed input. */
int tlv_set_once(char **slot, const uint8_t *v, size_t n);
int tlv_set_u32(uint32_t *slot, const uint8_t *v, size_t n);
/* Marks tag (below 32) as seen; -1 when it was seen before. */
int tlv_once(unsigned *seen, uint8_t tag);
/* Makes room in *arr (n items of size bytes) for one more; -1 past max. */
int tlv_grow(void **arr, size_t n, size_t size, size_t max);
/* Appends a copy of the UTF-8 value to a string list. */
int tlv_push_str(char ***arr, size_t *n, const uint8_t *v, size_t len,
                 size_t max);
/* Wipes and frees a string list. */
void tlv_free_strs(char **arr, size_t n);

/* Runs emit twice, to measure and to write, into a fresh buffer. */
bron_err tlv_encode(void (*emit)(struct tlv_out *, const void *),
                    const void *obj, uint8_t **out, size_t *len,
                    struct bron_error *err);

typedef int (*tlv_field_fn)(void *obj, uint8_t tag, const uint8_t *v,
                            size_t len, unsigned *seen);

/*
 * Checks the kind and version bytes, then hands every field to fn.
 * BRON_OK when all of them parse (*seen tells which appeared); else the
 * error (BRON_E_CODEC or BRON_E_VERSION), with err filled.
 */
bron_err tlv_decode(const uint8_t *buf, size_t len, uint8_t kind,
                    uint8_t version, tlv_field_fn fn, void *obj,
                    unsigned *seen, struct bron_error *err);

#endif
