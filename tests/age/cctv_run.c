/*
 * cctv_run.c - runs the public age test vectors (C2SP CCTV, extracted by
 * cctv_extract.mjs) against bron's age reader.
 *
 *   cctv_run DIR MIN
 *
 * Every vector whose identities include an X25519 one (post-quantum
 * identities are ignored), or that has none at all, applies; vectors for
 * passphrases (scrypt) or only for post-quantum keys do not, since bron
 * opens neither.  For each vector the outcome (success, armor, header, no
 * match, HMAC or payload failure) must be the expected one, and on success
 * or payload failure the SHA-256 of the plaintext that verified must be the
 * vector's.  Fails when anything differs or when fewer than MIN vectors
 * applied (so an empty or broken download cannot pass).
 */
#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "age_int.h"
#include "bron/vault.h"

static const char *const outcome[] = {
        [BRON_AGE_OK] = "success",
        [BRON_AGE_ARMOR] = "armor failure",
        [BRON_AGE_HEADER] = "header failure",
        [BRON_AGE_NO_MATCH] = "no match",
        [BRON_AGE_HMAC] = "HMAC failure",
        [BRON_AGE_PAYLOAD] = "payload failure",
};

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + n, 1, cap - n, fp)) > 0) {
		n += got;
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap *= 2);
			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	fclose(fp);
	*len = n;
	return buf;
}

struct vector {
	char expect[32];
	char payload[65]; /* hex SHA-256, or empty */
	uint8_t (*ids)[BRON_AGE_KEY];
	size_t nids;
	int other_keys; /* passphrases or post-quantum identities */
	int armored;
	size_t body; /* where the age file starts */
};

/* 0 when the header parsed; -1 when the file is not a vector. */
static int read_vector(const uint8_t *buf, size_t len, struct vector *v)
{
	size_t pos = 0;
	memset(v, 0, sizeof(*v));
	v->ids = calloc(16, sizeof(*v->ids));
	if (!v->ids)
		return -1;
	for (;;) {
		const uint8_t *nl = memchr(buf + pos, '\n', len - pos);
		if (!nl)
			return -1;
		size_t n = (size_t)(nl - (buf + pos));
		char line[256];
		if (n >= sizeof(line))
			return -1;
		memcpy(line, buf + pos, n);
		line[n] = '\0';
		pos += n + 1;
		if (n == 0)
			break;
		char *val = strstr(line, ": ");
		if (!val)
			return -1;
		*val = '\0';
		val += 2;
		if (strcmp(line, "expect") == 0)
			snprintf(v->expect, sizeof(v->expect), "%s", val);
		else if (strcmp(line, "payload") == 0)
			snprintf(v->payload, sizeof(v->payload), "%s", val);
		else if (strcmp(line, "armored") == 0)
			v->armored = strcmp(val, "yes") == 0;
		else if (strcmp(line, "passphrase") == 0)
			v->other_keys = 1;
		else if (strcmp(line, "identity") == 0) {
			if (strncmp(val, "AGE-SECRET-KEY-1", 16) != 0)
				v->other_keys = 1;
			else if (v->nids == 16 ||
			         bron_age_identity_parse(val, v->ids[v->nids++], NULL) !=
			                 BRON_OK)
				return -1;
		} else if (strcmp(line, "compressed") == 0) {
			return -1; /* cctv_extract.mjs inflates them */
		}
	}
	v->body = pos;
	return v->expect[0] ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: cctv_run DIR MIN\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 2;
	long min = strtol(argv[2], NULL, 10);
	DIR *d = opendir(argv[1]);
	if (!d) {
		perror(argv[1]);
		return 1;
	}
	struct dirent *de;
	int checked = 0, skipped = 0, failed = 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", argv[1], de->d_name);
		size_t len;
		uint8_t *buf = slurp(path, &len);
		struct vector v;
		if (!buf || read_vector(buf, len, &v) != 0) {
			printf("FAIL %s: cannot read the vector\n", de->d_name);
			failed++;
			free(buf);
			continue;
		}
		if (v.other_keys && v.nids == 0) {
			skipped++;
			free(v.ids);
			free(buf);
			continue;
		}
		uint8_t *out;
		size_t outlen, cap;
		int cut;
		enum bron_age_fault f =
		        age_decrypt_raw(buf + v.body, len - v.body, v.armored,
		                        (const uint8_t (*)[BRON_AGE_KEY])v.ids,
		                        v.nids, &out, &outlen, &cap, &cut);
		const char *got = outcome[f];
		int ok = strcmp(got, v.expect) == 0;
		char hex[65] = "";
		if (ok && v.payload[0] &&
		    (f == BRON_AGE_OK || f == BRON_AGE_PAYLOAD)) {
			uint8_t h[crypto_hash_sha256_BYTES];
			crypto_hash_sha256(h, out ? out : (const uint8_t *)"", outlen);
			sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
			ok = strcmp(hex, v.payload) == 0;
		}
		printf("%s %s: expected %s, got %s%s%s\n", ok ? "ok" : "FAIL",
		       de->d_name, v.expect, got, hex[0] ? ", payload " : "",
		       hex[0] ? (ok ? "matches" : "differs") : "");
		checked++;
		failed += !ok;
		if (out)
			bron_secret_free(out, cap);
		free(v.ids);
		free(buf);
	}
	closedir(d);
	printf("%d vectors checked, %d not applicable (passphrase or "
	       "post-quantum only), %d failed\n",
	       checked, skipped, failed);
	if (checked < min) {
		printf("FAIL: fewer than %ld vectors applied\n", min);
		return 1;
	}
	return failed ? 1 : 0;
}
