/*
 * internal.h - helpers shared by libbron's source files.  Not installed.
 */
#ifndef BRON_INTERNAL_H
#define BRON_INTERNAL_H

#include <libintl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "bron/error.h"

#define BRON_TEXTDOMAIN "bron"
#define _(s) dgettext(BRON_TEXTDOMAIN, s)
#define N_(s) (s)
#define P_(s, p, n) dngettext(BRON_TEXTDOMAIN, s, p, (unsigned long)(n))

/*
 * Records code and a formatted, already translated message in err (which may
 * be NULL) and returns code, so that callers can write
 *     return bron_fail(err, BRON_E_IO, _("cannot read %s"), path);
 */
bron_err bron_fail(struct bron_error *err, bron_err code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Little-endian integer encoding used by every on-disk structure. */
static inline void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t get_le32(const uint8_t *p)
{
	uint32_t v = 0;
	for (int i = 3; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static inline uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

#endif
