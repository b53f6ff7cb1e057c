/*
 * test_outcomes.c - every line of tests/vectors/index.txt gives exactly its
 * expected outcome, at the expected stage, with the current library; vaults
 * that open decrypt to the listed records, and every record decodes to the
 * entry that entries.txt describes.
 *
 *     test_vectors_outcomes VECTORS_DIR
 *
 * The committed files are copied into a private directory first: bron
 * refuses vaults that other users can read, and a checkout is usually 0644.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sodium.h>

#include "helpers.h"

static const char *vdir;

struct vcase {
	int lineno;
	char name[128];
	char *file, *how, *secret, *outcome, *stage, *records;
};

/* entries.txt: the hash of a payload and the rest of its line */
struct expect_entry {
	char hash[65];
	char *rest;
};

static struct expect_entry *entries;
static size_t nentries;
static char *entries_text;

static char *read_text(const char *name)
{
	char path[600];
	size_t len;
	snprintf(path, sizeof(path), "%s/%s", vdir, name);
	uint8_t *buf = file_read(path, &len);
	buf[len] = '\0';
	return (char *)buf;
}

static const char *outcome_name(bron_err e)
{
	switch (e) {
	case BRON_OK: return "ok";
	case BRON_E_PASSPHRASE: return "wrong-passphrase";
	case BRON_E_RECOVERY: return "wrong-recovery";
	case BRON_E_RECOVERY_TYPO: return "recovery-typo";
	case BRON_E_DAMAGED: return "damaged";
	case BRON_E_TAMPERED: return "tampered";
	case BRON_E_MANIFEST: return "manifest-mismatch";
	case BRON_E_ROWS_MISSING: return "rows-missing";
	case BRON_E_ROWS_EXTRA: return "rows-extra";
	case BRON_E_ROLLBACK: return "rollback";
	case BRON_E_KDF_PARAMS: return "kdf-out-of-range";
	case BRON_E_VERSION: return "version";
	case BRON_E_NOT_VAULT: return "not-a-vault";
	case BRON_E_CODEC: return "codec";
	default: return bron_strerror(e);
	}
}

/* ---- the decoded entry in entries.txt's notation ---- */

struct sbuf {
	char *p;
	size_t len, cap;
};

static void sb_add(struct sbuf *s, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));
static void sb_add(struct sbuf *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (s->len + (size_t)n + 1 > s->cap) {
		s->cap = (s->len + (size_t)n + 1) * 2;
		s->p = realloc(s->p, s->cap);
		assert_non_null(s->p);
	}
	va_start(ap, fmt);
	vsnprintf(s->p + s->len, s->cap - s->len, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
}

static void sb_hex(struct sbuf *s, const char *key, const char *str)
{
	if (!str)
		return;
	sb_add(s, " %s=", key);
	for (const char *c = str; *c; c++)
		sb_add(s, "%02x", (unsigned)(uint8_t)*c);
}

static char *entry_line(const struct bron_entry *e)
{
	struct sbuf s = {0};
	sb_add(&s, "created=%lld updated=%lld level=%d", (long long)e->created,
	       (long long)e->updated, (int)e->level);
	sb_hex(&s, "title", e->title);
	sb_hex(&s, "body", e->body);
	sb_hex(&s, "area", e->area);
	for (size_t i = 0; i < e->ntags; i++)
		sb_hex(&s, "tag", e->tags[i]);
	for (size_t i = 0; i < e->nhistory; i++) {
		const struct bron_level_change *c = &e->history[i];
		sb_add(&s, " history=%lld/%d/%d", (long long)c->when, (int)c->from,
		       (int)c->to);
		if (c->why) {
			sb_add(&s, "/");
			for (const char *w = c->why; *w; w++)
				sb_add(&s, "%02x", (unsigned)(uint8_t)*w);
		}
	}
	return s.p;
}

/* ---- running one case ---- */

struct rec {
	bron_id id;
	uint64_t rev;
	uint8_t *data;
	size_t len;
};

struct recs {
	struct rec *r;
	size_t n, cap;
};

static int collect(void *ctx, bron_id id, uint64_t rev, const uint8_t *data,
                   size_t len)
{
	struct recs *rs = ctx;
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? 2 * rs->cap : 8;
		rs->r = realloc(rs->r, rs->cap * sizeof(*rs->r));
		assert_non_null(rs->r);
	}
	struct rec *r = &rs->r[rs->n++];
	r->id = id;
	r->rev = rev;
	r->len = len;
	r->data = malloc(len ? len : 1);
	assert_non_null(r->data);
	memcpy(r->data, data, len);
	return 0;
}

static void recs_free(struct recs *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free(rs->r[i].data);
	free(rs->r);
}

/*
 * The reader's procedure (docs/FORMAT.md, "Opening a vault"): open, unlock,
 * decrypt every record in id order, decode every payload.  Returns the first
 * error and sets *stage to where it happened.
 */
static bron_err run(const char *path, const struct vcase *c, struct recs *rs,
                    const char **stage, struct bron_error *err)
{
	struct bron_vault *v = NULL;
	bron_err e;
	*stage = "open";
	e = bron_vault_open(path, 0, &v, err);
	if (e != BRON_OK)
		return e;
	*stage = "unlock";
	if (strcmp(c->how, "pass") == 0)
		e = bron_vault_unlock(v, c->secret, strlen(c->secret), err);
	else if (strcmp(c->how, "recovery") == 0)
		e = bron_vault_unlock_recovery(v, c->secret, err);
	else
		fail_msg("%s:%d: unknown unlock method '%s'", "index.txt",
		         c->lineno, c->how);
	if (e != BRON_OK)
		goto out;
	*stage = "read";
	e = bron_vault_foreach(v, collect, rs, err);
	for (size_t i = 0; e == BRON_OK && i < rs->n; i++) {
		struct bron_entry ent;
		e = bron_entry_decode(rs->r[i].data, rs->r[i].len, &ent, err);
		bron_entry_release(&ent);
	}
	if (e == BRON_OK) {
		/* Everything bron can check agrees. */
		struct bron_verify_report rep;
		struct bron_error verr;
		if (bron_vault_verify(v, &rep, &verr) != BRON_OK)
			fail_msg("%s: verify: %s", c->file, verr.msg);
		assert_int_equal(rep.records, rs->n);
		assert_int_equal(bron_vault_count(v), rs->n);
		*stage = "-";
	}
out:
	bron_vault_free(v);
	return e;
}

static void hex32(char out[65], const uint8_t *data, size_t len)
{
	uint8_t h[32];
	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	sodium_bin2hex(out, 65, h, sizeof(h));
}

static void check_records(const struct vcase *c, const struct recs *rs)
{
	struct sbuf got = {0};
	for (size_t i = 0; i < rs->n; i++) {
		char h[65];
		hex32(h, rs->r[i].data, rs->r[i].len);
		sb_add(&got, "%s%016llx:%llu:%zu:%s", i ? "," : "",
		       (unsigned long long)rs->r[i].id,
		       (unsigned long long)rs->r[i].rev, rs->r[i].len, h);
	}
	if (rs->n == 0)
		sb_add(&got, "none");
	if (strcmp(got.p, c->records) != 0)
		fail_msg("%s:%d %s: records differ\n got: %s\nwant: %s", "index.txt",
		         c->lineno, c->file, got.p, c->records);
	free(got.p);

	for (size_t i = 0; i < rs->n; i++) {
		char h[65];
		struct bron_entry ent;
		hex32(h, rs->r[i].data, rs->r[i].len);
		const struct expect_entry *x = NULL;
		for (size_t k = 0; k < nentries && !x; k++)
			if (strcmp(entries[k].hash, h) == 0)
				x = &entries[k];
		if (!x)
			fail_msg("%s: no line in entries.txt for payload %s", c->file,
			         h);
		assert_int_equal(bron_entry_decode(rs->r[i].data, rs->r[i].len,
		                                   &ent, NULL),
		                 BRON_OK);
		char *line = entry_line(&ent);
		if (strcmp(line, x->rest) != 0)
			fail_msg("%s: record %016llx decodes to\n %s\nnot\n %s",
			         c->file, (unsigned long long)rs->r[i].id, line,
			         x->rest);
		free(line);
		bron_entry_release(&ent);
	}
}

static void one_case(void **state)
{
	const struct vcase *c = *state;
	struct tmpdir t;
	struct bron_error err;
	struct recs rs = {0};
	const char *stage = NULL;
	char src[600];
	size_t len;

	tmpdir_make(&t);
	snprintf(src, sizeof(src), "%s/%s", vdir, c->file);
	uint8_t *buf = file_read(src, &len);
	file_write(t.vault, buf, len);
	free(buf);
	assert_int_equal(chmod(t.vault, 0600), 0);

	bron_error_clear(&err);
	bron_err e = run(t.vault, c, &rs, &stage, &err);
	const char *got = outcome_name(e);
	if (strcmp(got, c->outcome) != 0 || strcmp(stage, c->stage) != 0)
		fail_msg("index.txt:%d %s (%s): got %s at %s (%s), want %s at %s",
		         c->lineno, c->file, c->how, got, stage, err.msg,
		         c->outcome, c->stage);
	if (e == BRON_OK)
		check_records(c, &rs);
	recs_free(&rs);
	tmpdir_remove(&t);
}

/* ---- loading the index ---- */

static char *next_field(char **p)
{
	char *s = *p;
	if (!s)
		return NULL;
	char *tab = strchr(s, '\t');
	if (tab) {
		*tab = '\0';
		*p = tab + 1;
	} else {
		*p = NULL;
	}
	return s;
}

static void load_entries(void)
{
	char *text = entries_text = read_text("entries.txt");
	size_t cap = 0;
	for (char *line = text, *nl; line && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if (*line == '#' || *line == '\0')
			continue;
		char *sp = strchr(line, ' ');
		assert_non_null(sp);
		assert_int_equal(sp - line, 64);
		if (nentries == cap) {
			cap = cap ? 2 * cap : 16;
			entries = realloc(entries, cap * sizeof(*entries));
			assert_non_null(entries);
		}
		memcpy(entries[nentries].hash, line, 64);
		entries[nentries].hash[64] = '\0';
		entries[nentries].rest = sp + 1;
		nentries++;
	}
	/* entries_text stays allocated: the entries point into it */
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s VECTORS_DIR\n", argv[0]);
		return 2;
	}
	vdir = argv[1];
	if (bron_init(NULL) != BRON_OK)
		return 1;
	load_entries();

	char *text = read_text("index.txt");
	struct vcase *cases = NULL;
	struct CMUnitTest *tests = NULL;
	size_t n = 0, cap = 0;
	int lineno = 0;
	for (char *line = text, *nl; line && *line; line = nl) {
		lineno++;
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if (*line == '#' || *line == '\0')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 32;
			cases = realloc(cases, cap * sizeof(*cases));
			if (!cases)
				return 1;
		}
		struct vcase *c = &cases[n++];
		char *p = line;
		c->lineno = lineno;
		c->file = next_field(&p);
		c->how = next_field(&p);
		c->secret = next_field(&p);
		c->outcome = next_field(&p);
		c->stage = next_field(&p);
		c->records = next_field(&p);
		if (!c->records || p) {
			fprintf(stderr, "index.txt:%d: want 6 tab-separated fields\n",
			        lineno);
			return 1;
		}
	}
	if (n == 0) {
		fprintf(stderr, "index.txt lists no vectors\n");
		return 1;
	}
	tests = calloc(n, sizeof(*tests));
	if (!tests)
		return 1;
	for (size_t i = 0; i < n; i++) {
		snprintf(cases[i].name, sizeof(cases[i].name), "%s:%d %s %s",
		         cases[i].file, cases[i].lineno, cases[i].how,
		         cases[i].outcome);
		tests[i].name = cases[i].name;
		tests[i].test_func = one_case;
		tests[i].initial_state = &cases[i];
	}
	int rc = _cmocka_run_group_tests("vectors", tests, n, NULL, NULL);
	free(tests);
	free(cases);
	free(text);
	free(entries);
	free(entries_text);
	return rc;
}
