/* fuzz_agepayload.c - the STREAM payload: any bytes are opened under a
 * fixed file key; what verifies is never longer than the input, has the
 * exact length its chunks allow, and stops verifying when its last byte is
 * cut.  Then the input's first bytes (at most 200 KiB) are the plaintext of
 * a round trip: encrypted to a fixed recipient, binary or armored, they
 * decrypt with its identity to the same bytes.  Seeds named fixed-* are
 * payloads under the fixed key; age-* are payloads of files made by age. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "age_int.h"
#include "bron/age.h"
#include "bron/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The file key of the public age test vectors. */
static const uint8_t file_key[AGE_FILE_KEY] = {
	'Y', 'E', 'L', 'L', 'O', 'W', ' ', 'S',
	'U', 'B', 'M', 'A', 'R', 'I', 'N', 'E',
};

#define MAX_PLAIN ((size_t)200 * 1024)

static uint8_t sk[1][BRON_AGE_KEY], pk[1][BRON_AGE_KEY];

static void check_open(const uint8_t *data, size_t size)
{
	const size_t full = AGE_CHUNK + AGE_TAG;
	uint8_t *out = malloc(size ? size : 1);
	if (!out)
		return;
	size_t outlen = (size_t)-1;
	int cut = -1;
	enum bron_age_fault f = age_payload_open(file_key, data, size, out,
	                                         &outlen, &cut);
	if (outlen > size || (cut != 0 && cut != 1))
		abort();
	if (f == BRON_AGE_OK) {
		/* the nonce, then chunks of 64 KiB and a tag each */
		if (cut || size < AGE_NONCE + AGE_TAG)
			abort();
		size_t body = size - AGE_NONCE;
		size_t chunks = (body + full - 1) / full;
		if (outlen != body - chunks * AGE_TAG)
			abort();
		/* one byte less never verifies */
		size_t n2 = 0;
		int cut2 = 0;
		if (age_payload_open(file_key, data, size - 1, out, &n2, &cut2) ==
		            BRON_AGE_OK ||
		    n2 > size - 1)
			abort();
	} else if (f == BRON_AGE_HEADER) {
		/* only for a payload shorter than its nonce */
		if (size >= AGE_NONCE || !cut)
			abort();
	} else if (f != BRON_AGE_PAYLOAD) {
		abort();
	}
	bron_secret_free(out, size ? size : 1);
}

static void check_round_trip(const uint8_t *data, size_t size)
{
	size_t n = size < MAX_PLAIN ? size : MAX_PLAIN;
	int armor = n && (data[n - 1] & 1);
	uint8_t *ct = NULL, *pt = NULL;
	size_t ctlen = 0, ptlen = 0;
	enum bron_age_fault f;
	if (bron_age_encrypt(data, n, (const uint8_t(*)[BRON_AGE_KEY])pk, 1,
	                     armor, &ct, &ctlen, NULL) != BRON_OK)
		abort();
	if (!ct || age_is_armored(ct, ctlen) != armor)
		abort();
	if (bron_age_decrypt(ct, ctlen, (const uint8_t(*)[BRON_AGE_KEY])sk, 1,
	                     &pt, &ptlen, &f, NULL) != BRON_OK ||
	    f != BRON_AGE_OK)
		abort();
	if (ptlen != n || pt[n] != '\0' || (n && memcmp(pt, data, n) != 0))
		abort();
	bron_secret_free(pt, ptlen + 1);
	free(ct);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready) {
		if (sodium_init() < 0)
			abort();
		/* a fixed identity, so that runs are alike */
		memset(sk[0], 0x42, sizeof(sk[0]));
		bron_age_public(sk[0], pk[0]);
		ready = 1;
	}
	if (!data)
		data = (const uint8_t *)"";
	check_open(data, size);
	check_round_trip(data, size);
	return 0;
}
