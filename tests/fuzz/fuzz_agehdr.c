/* fuzz_agehdr.c - age headers and armor: any bytes go to the header parser,
 * the armor decoder and the whole decryption with a fixed identity.  What
 * parses keeps its offsets inside the input and parses the same when cut
 * at its end; what decodes from armor was armor and is smaller; the
 * decryption never reports more plaintext than it allocated, and the
 * public call agrees with the internal one.  The seeds are encrypted to
 * the fixed identity, so the fuzzer starts past the MAC. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "age_int.h"
#include "bron/age.h"
#include "bron/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0
 * (from the public age test vectors; recipient age1xmwwc06ly3ee5...). */
static const uint8_t identity[1][BRON_AGE_KEY] = {{
	0xca, 0x16, 0x26, 0x25, 0x2c, 0x53, 0xcf, 0x1a,
	0x4d, 0xc4, 0x66, 0x95, 0xe7, 0xfc, 0xc4, 0x65,
	0x94, 0xcb, 0x4c, 0xca, 0xde, 0xdb, 0x67, 0x12,
	0xdf, 0xda, 0x07, 0x53, 0xf3, 0xae, 0x35, 0x5e,
}};

static const char version[] = "age-encryption.org/v1\n";

static void check_header(const uint8_t *data, size_t size)
{
	struct age_header h, again;
	int cut = -1;
	enum bron_age_fault f = age_header_parse(data, size, &h, &cut);
	if (cut != 0 && cut != 1)
		abort();
	if (f == BRON_AGE_OK) {
		if (cut || !h.st || h.n < 1 || h.n > AGE_MAX_STANZAS)
			abort();
		if (h.end > size || h.mac_at >= h.end || h.mac_at < 3)
			abort();
		/* "--- " and 43 characters of MAC, then the line end */
		if (h.end - h.mac_at != 1 + 43 + 1 || data[h.end - 1] != '\n' ||
		    data[h.mac_at] != ' ' || memcmp(data + h.mac_at - 3, "---", 3))
			abort();
		if (size < sizeof(version) - 1 ||
		    memcmp(data, version, sizeof(version) - 1) != 0)
			abort();
		for (size_t i = 0; i < h.n; i++) {
			const struct age_stanza *st = &h.st[i];
			if (st->nargs < 1 || !st->args || st->blen > h.end ||
			    (st->blen && !st->body))
				abort();
			for (size_t j = 0; j < st->nargs; j++) {
				const char *a = st->args[j];
				if (!a || !*a)
					abort();
				for (; *a; a++)
					if ((unsigned char)*a < 33 || (unsigned char)*a > 126)
						abort();
			}
		}
		/* the header does not depend on what follows it */
		if (age_header_parse(data, h.end, &again, &cut) != BRON_AGE_OK ||
		    cut || again.end != h.end || again.mac_at != h.mac_at ||
		    again.n != h.n || memcmp(again.mac, h.mac, sizeof(h.mac)) != 0)
			abort();
		age_header_free(&again);
	} else if (f != BRON_AGE_HEADER) {
		abort();
	}
	age_header_free(&h);
	if (h.st || h.n)
		abort();
}

static void check_armor(const uint8_t *data, size_t size)
{
	static uint8_t marker;
	uint8_t *bin = &marker;
	size_t binlen = 12345;
	int cut = -1;
	enum bron_age_fault f = age_armor_decode(data, size, &bin, &binlen, &cut);
	if (cut != 0 && cut != 1)
		abort();
	if (f == BRON_AGE_OK) {
		/* base64 only shrinks, and only armor decodes */
		if (!bin || bin == &marker || cut || binlen > size / 4 * 3 ||
		    !age_is_armored(data, size))
			abort();
		free(bin);
	} else if (f != BRON_AGE_ARMOR || bin || binlen) {
		abort();
	}
}

static void check_decrypt(const uint8_t *data, size_t size)
{
	uint8_t *out = NULL;
	size_t outlen = 0, cap = 0;
	int cut = -1;
	enum bron_age_fault f = age_decrypt_raw(data, size, -1, identity, 1, &out,
	                                        &outlen, &cap, &cut);
	if (cut != 0 && cut != 1)
		abort();
	if (f > BRON_AGE_PAYLOAD || (f == BRON_AGE_OK && cut))
		abort();
	if (out) {
		/* room for the NUL, and never more than the input */
		if (outlen >= cap || cap > size + 1)
			abort();
	} else if (outlen || cap || f == BRON_AGE_OK) {
		abort();
	}
	/* a nonce and a tag at least around the plaintext */
	if (f == BRON_AGE_OK && outlen + AGE_NONCE + AGE_TAG > size)
		abort();

	/* the public call: the same verdict and the same plaintext */
	static uint8_t marker;
	uint8_t *pt = &marker;
	size_t ptlen = 12345;
	enum bron_age_fault pf = (enum bron_age_fault)99;
	bron_err e = bron_age_decrypt(data, size, identity, 1, &pt, &ptlen, &pf,
	                              NULL);
	if (pf != f || (e == BRON_OK) != (f == BRON_AGE_OK))
		abort();
	if (e == BRON_OK) {
		if (!pt || ptlen != outlen || pt[ptlen] != '\0' ||
		    memcmp(pt, out, outlen) != 0)
			abort();
		bron_secret_free(pt, ptlen + 1);
	} else {
		if (pt)
			abort();
		if ((e == BRON_E_TRUNCATED) != (cut == 1))
			abort();
	}
	bron_secret_free(out, cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		if (sodium_init() < 0)
			abort();
		ready = 1;
	}
	if (!data)
		data = (const uint8_t *)"";
	check_header(data, size);
	check_armor(data, size);
	check_decrypt(data, size);
	return 0;
}
