/*
 * tlv.h - record payload fields: tag, LEB128 length, value.  Not installed.
 */
#ifndef BRON_TLV_H
#define BRON_TLV_H

#include <stddef.h>
#include <stdint.h>

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

#endif
