/*
 * bron/sort.h - sorting more records than should be held in memory.
 *
 * A listing must come out newest first, but the vault yields records in id
 * order.  Holding every summary until the end would make memory grow with
 * the journal, so the sorter keeps at most a fixed budget in memory and
 * spills sorted runs to an unlinked temporary file, then merges them.  What
 * it spills is encrypted (ChaCha20-Poly1305) under a random key that exists
 * only in this process's guarded memory, so nothing readable reaches disk
 * and the file is useless once the process ends.
 *
 * Records are a 16-byte key, compared with memcmp, and an opaque value.
 * Records with equal keys come out in an unspecified order.
 *
 * Ownership: the caller frees the sorter with bron_sorter_free, which wipes
 * every buffer.  Values returned by bron_sorter_next stay valid until the
 * next call.
 */
#ifndef BRON_SORT_H
#define BRON_SORT_H

#include <stddef.h>
#include <stdint.h>

#include "bron/error.h"

#ifdef __cplusplus
extern "C" {
#endif

#define BRON_SORT_KEY 16

struct bron_sorter;

/*
 * Creates a sorter that keeps at most about budget bytes of records in
 * memory (0: the default of 1 MiB).  Spill files go to $TMPDIR or /tmp.
 */
struct bron_sorter *bron_sorter_new(size_t budget, struct bron_error *err);

/* Adds a record; the sorter copies key and value (len < 2 GiB). */
bron_err bron_sorter_add(struct bron_sorter *s,
                         const uint8_t key[BRON_SORT_KEY], const void *value,
                         size_t len, struct bron_error *err);

/*
 * Returns the records in key order, one per call: 1 with *value and *len
 * set, 0 at the end, -1 on error (err says why; a spill file that fails to
 * authenticate is BRON_E_TAMPERED).  No bron_sorter_add after the first
 * call.
 */
int bron_sorter_next(struct bron_sorter *s, const uint8_t **key,
                     const void **value, size_t *len, struct bron_error *err);

/* How many runs were spilled to disk (for tests and benchmarks). */
size_t bron_sorter_runs(const struct bron_sorter *s);

/* Wipes and frees everything; NULL is allowed. */
void bron_sorter_free(struct bron_sorter *s);

#ifdef __cplusplus
}
#endif
#endif
