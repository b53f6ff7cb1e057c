/*
 * sort.c - an external merge sort whose spill file is encrypted.
 *
 * Records collect in an arena of a fixed budget.  When it is full, its index
 * is sorted and the records are written as one run: a byte stream of
 * [key 16][len 4][value] cut into blocks of BLOCK bytes, each block sealed
 * with ChaCha20-Poly1305 under the sorter's random key and a nonce equal to
 * the block's number in the file, so a block read from the wrong place, a
 * changed block or a short file fails to open.  Reading merges the runs and
 * the last, unspilled arena, each through a one-block window.
 */
#define _GNU_SOURCE /* O_TMPFILE, mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "bron/sort.h"
#include "bron/vault.h"
#include "internal.h"
#include "banned.h"

#define DEFAULT_BUDGET (1u << 20)
#define BLOCK 4096
#define SEALED (BLOCK + crypto_aead_chacha20poly1305_IETF_ABYTES)
#define HDR (BRON_SORT_KEY + 4)
#define MAX_VALUE (UINT32_MAX / 2)

struct slot {
	uint8_t key[BRON_SORT_KEY];
	uint32_t off; /* of the record's header in the arena */
};

struct run {
	uint64_t first_block;
	uint64_t nbytes;  /* plaintext bytes in the run */
	uint64_t done;    /* plaintext bytes taken from it so far */
	uint8_t *block;   /* BLOCK bytes of plaintext */
	size_t blen, bpos;
	uint8_t key[BRON_SORT_KEY];
	uint8_t *value;   /* value_cap bytes */
	size_t vlen, value_cap;
	int has;          /* key/value hold the run's current record */
};

struct bron_sorter {
	size_t budget;
	uint8_t *arena;
	size_t used, arena_cap;
	struct slot *slots;
	size_t nslots, slots_cap, slots_used; /* slots_used: high-water mark */
	size_t next_slot;      /* reading: next record of the arena */
	uint8_t *cipher_key;   /* sodium_malloc */
	int fd;
	uint64_t blocks;       /* sealed blocks written so far */
	uint8_t *io;           /* SEALED bytes */
	struct run *runs;
	size_t nruns;
	int reading;
	int last;              /* source returned by the last next: -1 arena */
};

static int slot_cmp(const void *a, const void *b)
{
	return memcmp(((const struct slot *)a)->key,
	              ((const struct slot *)b)->key, BRON_SORT_KEY);
}

static void wipe_free(void *p, size_t len)
{
	if (p) {
		sodium_memzero(p, len);
		free(p);
	}
}

struct bron_sorter *bron_sorter_new(size_t budget, struct bron_error *err)
{
	if (sodium_init() < 0) {
		bron_fail(err, BRON_E_CRYPTO, _("cannot initialise the cryptography library"));
		return NULL;
	}
	struct bron_sorter *s = calloc(1, sizeof(*s));
	if (!s) {
		bron_fail(err, BRON_E_NOMEM, _("out of memory"));
		return NULL;
	}
	s->budget = budget ? budget : DEFAULT_BUDGET;
	s->fd = -1;
	s->last = -2;
	return s;
}

size_t bron_sorter_runs(const struct bron_sorter *s)
{
	return s->nruns;
}

void bron_sorter_free(struct bron_sorter *s)
{
	if (!s)
		return;
	/* Past used (arena) and slots_used, nothing was ever written. */
	wipe_free(s->arena, s->used);
	wipe_free(s->slots, s->slots_used * sizeof(*s->slots));
	for (size_t i = 0; i < s->nruns; i++) {
		wipe_free(s->runs[i].block, BLOCK);
		wipe_free(s->runs[i].value, s->runs[i].value_cap);
	}
	free(s->runs);
	wipe_free(s->io, SEALED);
	if (s->cipher_key)
		sodium_free(s->cipher_key);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

static bron_err io_fail(struct bron_error *err, int e)
{
	if (e == ENOSPC || e == EDQUOT)
		return bron_fail(err, BRON_E_NOSPACE,
		                 _("no space left for a temporary file"));
	return bron_fail(err, BRON_E_IO, _("cannot use a temporary file: %s"),
	                 strerror(e));
}

/* An unlinked file in $TMPDIR or /tmp, and the key that seals it. */
static bron_err open_spill(struct bron_sorter *s, struct bron_error *err)
{
	const char *dirs[2] = {getenv("TMPDIR"), "/tmp"};
	int e = ENOENT;
	for (int i = 0; i < 2 && s->fd < 0; i++) {
		if (!dirs[i] || !*dirs[i])
			continue;
		s->fd = open(dirs[i], O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
		if (s->fd < 0 && (errno == EOPNOTSUPP || errno == EISDIR)) {
			char path[4096];
			int n = snprintf(path, sizeof(path), "%s/bron-sort-XXXXXX",
			                 dirs[i]);
			if (n > 0 && (size_t)n < sizeof(path)) {
				s->fd = mkostemp(path, O_CLOEXEC);
				if (s->fd >= 0)
					unlink(path);
			}
		}
		if (s->fd < 0)
			e = errno;
	}
	if (s->fd < 0)
		return io_fail(err, e);
	s->cipher_key = sodium_malloc(crypto_aead_chacha20poly1305_IETF_KEYBYTES);
	s->io = malloc(SEALED);
	if (!s->cipher_key || !s->io)
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	crypto_aead_chacha20poly1305_ietf_keygen(s->cipher_key);
	return BRON_OK;
}

static void block_nonce(uint8_t n[crypto_aead_chacha20poly1305_IETF_NPUBBYTES],
                        uint64_t block)
{
	memset(n, 0, crypto_aead_chacha20poly1305_IETF_NPUBBYTES);
	put_le64(n, block);
}

static bron_err seal_block(struct bron_sorter *s, const uint8_t *plain,
                           size_t len, struct bron_error *err)
{
	uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
	unsigned long long clen;
	block_nonce(nonce, s->blocks);
	crypto_aead_chacha20poly1305_ietf_encrypt(s->io, &clen, plain, len, NULL,
	                                          0, NULL, nonce, s->cipher_key);
	off_t at = (off_t)(s->blocks * SEALED);
	size_t put = 0;
	while (put < clen) {
		ssize_t w = pwrite(s->fd, s->io + put, (size_t)clen - put,
		                   at + (off_t)put);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return io_fail(err, w < 0 ? errno : ENOSPC);
		put += (size_t)w;
	}
	s->blocks++;
	return BRON_OK;
}

/* Writes the arena's records, sorted, as a new run and empties the arena. */
static bron_err spill(struct bron_sorter *s, struct bron_error *err)
{
	bron_err e;
	if (s->fd < 0 && (e = open_spill(s, err)) != BRON_OK)
		return e;
	struct run *r = realloc(s->runs, (s->nruns + 1) * sizeof(*r));
	if (!r)
		return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
	s->runs = r;
	r = &s->runs[s->nruns];
	memset(r, 0, sizeof(*r));
	r->first_block = s->blocks;
	qsort(s->slots, s->nslots, sizeof(*s->slots), slot_cmp);
	uint8_t block[BLOCK];
	size_t fill = 0;
	for (size_t i = 0; i < s->nslots; i++) {
		const uint8_t *rec = s->arena + s->slots[i].off;
		size_t n = HDR + get_le32(rec + BRON_SORT_KEY);
		r->nbytes += n;
		while (n) {
			size_t take = n < BLOCK - fill ? n : BLOCK - fill;
			memcpy(block + fill, rec, take);
			fill += take;
			rec += take;
			n -= take;
			if (fill == BLOCK) {
				if ((e = seal_block(s, block, fill, err)) != BRON_OK)
					goto out;
				fill = 0;
			}
		}
	}
	e = fill ? seal_block(s, block, fill, err) : BRON_OK;
out:
	sodium_memzero(block, sizeof(block));
	if (e != BRON_OK)
		return e;
	s->nruns++;
	sodium_memzero(s->arena, s->used);
	s->used = 0;
	s->nslots = 0;
	return BRON_OK;
}

bron_err bron_sorter_add(struct bron_sorter *s,
                         const uint8_t key[BRON_SORT_KEY], const void *value,
                         size_t len, struct bron_error *err)
{
	bron_err e;
	if (s->reading || len > MAX_VALUE)
		return bron_fail(err, BRON_E_INVALID, _("invalid argument"));
	size_t need = HDR + len;
	if (s->nslots && s->used + need > s->budget &&
	    (e = spill(s, err)) != BRON_OK)
		return e;
	if (s->used + need > s->arena_cap) {
		size_t cap = s->budget > need ? s->budget : need;
		uint8_t *a = malloc(cap);
		if (!a)
			return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
		if (s->arena) {
			memcpy(a, s->arena, s->used);
			wipe_free(s->arena, s->used);
		}
		s->arena = a;
		s->arena_cap = cap;
	}
	if (s->nslots == s->slots_cap) {
		size_t cap = s->slots_cap ? 2 * s->slots_cap : 256;
		struct slot *p = realloc(s->slots, cap * sizeof(*p));
		if (!p)
			return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
		s->slots = p;
		s->slots_cap = cap;
	}
	uint8_t *rec = s->arena + s->used;
	memcpy(rec, key, BRON_SORT_KEY);
	put_le32(rec + BRON_SORT_KEY, (uint32_t)len);
	if (len)
		memcpy(rec + HDR, value, len);
	memcpy(s->slots[s->nslots].key, key, BRON_SORT_KEY);
	s->slots[s->nslots++].off = (uint32_t)s->used;
	if (s->nslots > s->slots_used)
		s->slots_used = s->nslots;
	s->used += need;
	return BRON_OK;
}

/* Takes n plaintext bytes of run r into dst, opening blocks as needed. */
static bron_err run_read(struct bron_sorter *s, struct run *r, uint8_t *dst,
                         size_t n, struct bron_error *err)
{
	while (n) {
		if (r->bpos == r->blen) {
			uint64_t left = r->nbytes - r->done;
			size_t plain = left < BLOCK ? (size_t)left : BLOCK;
			if (plain == 0)
				return bron_fail(err, BRON_E_TAMPERED,
				                 _("a temporary sort file is damaged"));
			uint64_t block = r->first_block + r->done / BLOCK;
			size_t want = plain + crypto_aead_chacha20poly1305_IETF_ABYTES;
			size_t got = 0;
			while (got < want) {
				ssize_t k = pread(s->fd, s->io + got, want - got,
				                  (off_t)(block * SEALED + got));
				if (k < 0 && errno == EINTR)
					continue;
				if (k < 0)
					return io_fail(err, errno);
				if (k == 0)
					return bron_fail(err, BRON_E_TAMPERED,
					                 _("a temporary sort file is damaged"));
				got += (size_t)k;
			}
			uint8_t nonce[crypto_aead_chacha20poly1305_IETF_NPUBBYTES];
			block_nonce(nonce, block);
			if (crypto_aead_chacha20poly1305_ietf_decrypt(
			            r->block, NULL, NULL, s->io, want, NULL, 0, nonce,
			            s->cipher_key) != 0)
				return bron_fail(err, BRON_E_TAMPERED,
				                 _("a temporary sort file is damaged"));
			r->blen = plain;
			r->bpos = 0;
			r->done += plain;
		}
		size_t take = n < r->blen - r->bpos ? n : r->blen - r->bpos;
		memcpy(dst, r->block + r->bpos, take);
		r->bpos += take;
		dst += take;
		n -= take;
	}
	return BRON_OK;
}

/* Loads run r's next record, or marks it exhausted. */
static bron_err run_advance(struct bron_sorter *s, struct run *r,
                            struct bron_error *err)
{
	uint8_t hdr[HDR];
	bron_err e;
	r->has = 0;
	if (r->done == r->nbytes && r->bpos == r->blen)
		return BRON_OK;
	if ((e = run_read(s, r, hdr, HDR, err)) != BRON_OK)
		return e;
	memcpy(r->key, hdr, BRON_SORT_KEY);
	r->vlen = get_le32(hdr + BRON_SORT_KEY);
	if (r->vlen > r->nbytes)
		return bron_fail(err, BRON_E_TAMPERED,
		                 _("a temporary sort file is damaged"));
	if (r->vlen > r->value_cap) {
		uint8_t *v = malloc(r->vlen);
		if (!v)
			return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
		wipe_free(r->value, r->value_cap);
		r->value = v;
		r->value_cap = r->vlen;
	}
	if ((e = run_read(s, r, r->value, r->vlen, err)) != BRON_OK)
		return e;
	r->has = 1;
	return BRON_OK;
}

static bron_err start_reading(struct bron_sorter *s, struct bron_error *err)
{
	bron_err e;
	s->reading = 1;
	if (s->nslots)
		qsort(s->slots, s->nslots, sizeof(*s->slots), slot_cmp);
	for (size_t i = 0; i < s->nruns; i++) {
		struct run *r = &s->runs[i];
		r->block = malloc(BLOCK);
		if (!r->block)
			return bron_fail(err, BRON_E_NOMEM, _("out of memory"));
		if ((e = run_advance(s, r, err)) != BRON_OK)
			return e;
	}
	return BRON_OK;
}

int bron_sorter_next(struct bron_sorter *s, const uint8_t **key,
                     const void **value, size_t *len, struct bron_error *err)
{
	if (!s->reading) {
		if (start_reading(s, err) != BRON_OK)
			return -1;
	} else if (s->last >= 0) {
		if (run_advance(s, &s->runs[s->last], err) != BRON_OK)
			return -1;
	} else if (s->last == -1) {
		s->next_slot++;
	}
	/* The smallest current key among the arena and the runs. */
	const uint8_t *best = NULL;
	int from = -2;
	if (s->next_slot < s->nslots) {
		best = s->slots[s->next_slot].key;
		from = -1;
	}
	for (size_t i = 0; i < s->nruns; i++)
		if (s->runs[i].has &&
		    (!best || memcmp(s->runs[i].key, best, BRON_SORT_KEY) < 0)) {
			best = s->runs[i].key;
			from = (int)i;
		}
	s->last = from;
	if (from == -2)
		return 0;
	if (from == -1) {
		const uint8_t *rec = s->arena + s->slots[s->next_slot].off;
		*key = rec;
		*len = get_le32(rec + BRON_SORT_KEY);
		*value = rec + HDR;
	} else {
		*key = s->runs[from].key;
		*value = s->runs[from].value;
		*len = s->runs[from].vlen;
	}
	return 1;
}
