/* fuzz_keyslots.c - the header and key slot parsers, and the recovery code
 * parser: no input may crash them, and a parsed slot re-encodes exactly. */
#include <stdlib.h>
#include <string.h>

#include "bron/bron.h"
#include "vault_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	if (!ready)
		ready = bron_init(NULL) == BRON_OK;
	uint8_t id[VAULT_ID_LEN], code[KEY_LEN];
	uint32_t version, epoch;
	if (size >= HEADER_LEN &&
	    header_decode(data, id, &version, &epoch, NULL) == BRON_OK) {
		uint8_t again[HEADER_LEN];
		header_encode(again, id, version, epoch);
		if (memcmp(again, data, HEADER_LEN) != 0)
			abort();
	}
	for (uint8_t kind = SLOT_PASS; kind <= SLOT_RECOVERY; kind++) {
		struct slot s;
		if (size >= SLOT_LEN && slot_decode(data, &s, kind, NULL) == BRON_OK) {
			uint8_t again[SLOT_LEN];
			slot_encode(again, &s);
			if (memcmp(again, data, SLOT_LEN) != 0)
				abort();
			kdf_check(s.opslimit, s.memlimit, NULL);
		}
	}
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (recovery_parse(text, code, NULL) == BRON_OK) {
		char again[BRON_RECOVERY_CODE_LEN + 1];
		uint8_t back[KEY_LEN];
		recovery_format(again, code);
		if (recovery_parse(again, back, NULL) != BRON_OK ||
		    memcmp(back, code, KEY_LEN) != 0)
			abort();
	}
	free(text);
	return 0;
}
