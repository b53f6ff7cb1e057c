/*
 * keys.c - codecs for the identity and contact records.  Same rules as
 * the other record codecs (tlv.h): a kind byte, a version byte, then
 * tag-length-value fields; unknown tags from 0x80 up are skipped.
 */
#include <sodium.h>
#include <string.h>

#include "bron/keys.h"
#include "internal.h"
#include "tlv.h"
#include "banned.h"

enum {
	I_CREATED = 0x01,
	I_SECRET = 0x02,
};

enum {
	C_CREATED = 0x01,
	C_NAME = 0x02,
	C_KEY = 0x03,
};

static bron_err malformed(struct bron_error *err)
{
	return bron_fail(err, BRON_E_CODEC, _("a record's contents are malformed"));
}

static int get_time(int64_t *slot, unsigned *seen, uint8_t tag,
                    const uint8_t *v, size_t len)
{
	if (tlv_once(seen, tag) || len != 8)
		return -1;
	*slot = (int64_t)get_le64(v);
	return 0;
}

static int get_key(uint8_t key[BRON_AGE_KEY], unsigned *seen, uint8_t tag,
                   const uint8_t *v, size_t len)
{
	if (tlv_once(seen, tag) || len != BRON_AGE_KEY)
		return -1;
	memcpy(key, v, BRON_AGE_KEY);
	return 0;
}

/* ---- identity ---- */

void bron_identity_release(struct bron_identity *id)
{
	sodium_memzero(id, sizeof(*id));
}

static void emit_identity(struct tlv_out *o, const void *obj)
{
	const struct bron_identity *id = obj;
	uint8_t head[2] = {BRON_KIND_IDENTITY, BRON_IDENTITY_VERSION};
	tlv_put_bytes(o, head, 2);
	tlv_put_i64(o, I_CREATED, id->created);
	tlv_put_field(o, I_SECRET, id->secret, BRON_AGE_KEY);
}

bron_err bron_identity_encode(const struct bron_identity *id, uint8_t **out,
                              size_t *len, struct bron_error *err)
{
	return tlv_encode(emit_identity, id, out, len, err);
}

static int identity_field(void *obj, uint8_t tag, const uint8_t *v,
                          size_t len, unsigned *seen)
{
	struct bron_identity *id = obj;
	switch (tag) {
	case I_CREATED:
		return get_time(&id->created, seen, tag, v, len);
	case I_SECRET:
		return get_key(id->secret, seen, tag, v, len);
	default:
		return tag & TLV_OPTIONAL ? 0 : -1;
	}
}

bron_err bron_identity_decode(const uint8_t *buf, size_t len,
                              struct bron_identity *id,
                              struct bron_error *err)
{
	unsigned seen = 0, need = (1u << I_CREATED) | (1u << I_SECRET);
	memset(id, 0, sizeof(*id));
	bron_err e = tlv_decode(buf, len, BRON_KIND_IDENTITY,
	                        BRON_IDENTITY_VERSION, identity_field, id, &seen,
	                        err);
	if (e == BRON_OK && (seen & need) == need)
		return BRON_OK;
	bron_identity_release(id);
	return e != BRON_OK ? e : malformed(err);
}

/* ---- contacts ---- */

void bron_contact_release(struct bron_contact *c)
{
	tlv_wipe_str(c->name);
	sodium_memzero(c, sizeof(*c));
}

static void emit_contact(struct tlv_out *o, const void *obj)
{
	const struct bron_contact *c = obj;
	uint8_t head[2] = {BRON_KIND_CONTACT, BRON_CONTACT_VERSION};
	tlv_put_bytes(o, head, 2);
	tlv_put_i64(o, C_CREATED, c->created);
	tlv_put_str(o, C_NAME, c->name);
	tlv_put_field(o, C_KEY, c->key, BRON_AGE_KEY);
}

bron_err bron_contact_encode(const struct bron_contact *c, uint8_t **out,
                             size_t *len, struct bron_error *err)
{
	if (!c->name || !*c->name || !tlv_str_ok(c->name))
		return bron_fail(err, BRON_E_INVALID,
		                 _("a contact's name must be non-empty, valid "
		                   "UTF-8 text"));
	return tlv_encode(emit_contact, c, out, len, err);
}

static int contact_field(void *obj, uint8_t tag, const uint8_t *v,
                         size_t len, unsigned *seen)
{
	struct bron_contact *c = obj;
	switch (tag) {
	case C_CREATED:
		return get_time(&c->created, seen, tag, v, len);
	case C_NAME:
		return len == 0 ? -1 : tlv_set_once(&c->name, v, len);
	case C_KEY:
		return get_key(c->key, seen, tag, v, len);
	default:
		return tag & TLV_OPTIONAL ? 0 : -1;
	}
}

bron_err bron_contact_decode(const uint8_t *buf, size_t len,
                             struct bron_contact *c, struct bron_error *err)
{
	unsigned seen = 0, need = (1u << C_CREATED) | (1u << C_KEY);
	memset(c, 0, sizeof(*c));
	bron_err e = tlv_decode(buf, len, BRON_KIND_CONTACT, BRON_CONTACT_VERSION,
	                        contact_field, c, &seen, err);
	if (e == BRON_OK && (seen & need) == need && c->name)
		return BRON_OK;
	bron_contact_release(c);
	return e != BRON_OK ? e : malformed(err);
}
