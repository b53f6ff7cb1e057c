/*
 * cmd_keys.c - encrypted bundles: the author's age identity, her contacts,
 * sealing a supervision view for them, and opening a bundle (open).
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bron/age.h"
#include "bron/keys.h"
#include "cli.h"
#include "commands.h"
#include "i18n.h"

const char *const identity_subcommands[] = {"new", "show", "export", NULL};
const char *const contacts_subcommands[] = {"add", "list", "remove", NULL};

/* ---- reading the vault ---- */

struct keyring {
	int has_identity;
	struct bron_identity id;
	struct bron_contact *v;
	bron_id *ids;
	uint64_t *revs;
	size_t n, cap;
	bron_err err;
	struct bron_error why;
};

static void keyring_free(struct keyring *k)
{
	bron_identity_release(&k->id);
	for (size_t i = 0; i < k->n; i++)
		bron_contact_release(&k->v[i]);
	free(k->v);
	free(k->ids);
	free(k->revs);
	memset(k, 0, sizeof(*k));
}

static int keyring_one(void *ctx, bron_id id, uint64_t rev,
                       const uint8_t *data, size_t len)
{
	struct keyring *k = ctx;
	if (!len)
		return 0;
	if (data[0] == BRON_KIND_IDENTITY) {
		if (k->has_identity) /* one only: the first found wins */
			return 0;
		k->err = bron_identity_decode(data, len, &k->id, &k->why);
		k->has_identity = k->err == BRON_OK;
		return k->err != BRON_OK;
	}
	if (data[0] != BRON_KIND_CONTACT)
		return 0;
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 8;
		struct bron_contact *v = realloc(k->v, cap * sizeof(*v));
		if (v)
			k->v = v;
		bron_id *ids = realloc(k->ids, cap * sizeof(*ids));
		if (ids)
			k->ids = ids;
		uint64_t *revs = realloc(k->revs, cap * sizeof(*revs));
		if (revs)
			k->revs = revs;
		if (!v || !ids || !revs) {
			k->err = k->why.code = BRON_E_NOMEM;
			snprintf(k->why.msg, sizeof(k->why.msg), "%s",
			         bron_strerror(BRON_E_NOMEM));
			return 1;
		}
		k->cap = cap;
	}
	k->err = bron_contact_decode(data, len, &k->v[k->n], &k->why);
	if (k->err != BRON_OK)
		return 1;
	k->ids[k->n] = id;
	k->revs[k->n++] = rev;
	return 0;
}

static int keyring_load(struct cli *c, struct keyring *k)
{
	struct bron_error err;
	memset(k, 0, sizeof(*k));
	bron_err e = bron_vault_foreach(c->vault, keyring_one, k, &err);
	if (e == BRON_OK && k->err != BRON_OK) {
		err = k->why;
		e = err.code = k->err;
	}
	if (e != BRON_OK) {
		keyring_free(k);
		return fail(&err);
	}
	return EXIT_OK;
}

static int find_contact(const struct keyring *k, const char *name)
{
	for (size_t i = 0; i < k->n; i++)
		if (same_name(k->v[i].name, name))
			return (int)i;
	return -1;
}

static void print_key(FILE *out, const uint8_t pk[BRON_AGE_KEY])
{
	char r[BRON_AGE_RECIPIENT_LEN], fp[BRON_AGE_FINGERPRINT_LEN];
	bron_age_recipient_str(pk, r);
	bron_age_fingerprint(pk, fp);
	fprintf(out, "%s\n", r);
	/* TRANSLATORS: %s is a short code like q7dn-2k9x-4hfa-0cwe */
	fprintf(stderr, _("fingerprint: %s\n"), fp);
}

static int no_identity(void)
{
	say_error(_("you have no identity yet; make one with 'identity new'"));
	return EXIT_NOTHING;
}

/* ---- identity ---- */

static int identity_new(struct cli *c, const struct keyring *k)
{
	struct bron_error err;
	if (k->has_identity) {
		char r[BRON_AGE_RECIPIENT_LEN];
		uint8_t pk[BRON_AGE_KEY];
		bron_age_public(k->id.secret, pk);
		bron_age_recipient_str(pk, r);
		say_error(_("you have an identity already (%s); bundles sent to it "
		            "could not be opened with a new one"),
		          r);
		return EXIT_NOTHING;
	}
	struct bron_identity id = {.created = (int64_t)time(NULL)};
	uint8_t pk[BRON_AGE_KEY], *buf;
	size_t len;
	bron_age_keygen(id.secret, pk);
	bron_err e = bron_identity_encode(&id, &buf, &len, &err);
	bron_identity_release(&id);
	if (e != BRON_OK)
		return fail(&err);
	bron_id rid = 0;
	e = bron_vault_put(c->vault, &rid, 0, buf, len, NULL, &err);
	bron_secret_free(buf, len);
	if (e != BRON_OK)
		return fail(&err);
	fprintf(stderr, "%s\n",
	        _("Your identity is made. Give this public key to the people "
	          "who send you bundles:"));
	print_key(stdout, pk);
	return EXIT_OK;
}

static int identity_export(const struct keyring *k, const struct args *a)
{
	const char *out = arg_value(a, "out");
	if (!out) {
		say_error(_("say where to write it: 'identity export --out FILE'"));
		return EXIT_USAGE;
	}
	char sec[BRON_AGE_IDENTITY_LEN], pub[BRON_AGE_RECIPIENT_LEN], when[32];
	uint8_t pk[BRON_AGE_KEY];
	time_t t = (time_t)k->id.created;
	struct tm tm;
	bron_age_public(k->id.secret, pk);
	bron_age_recipient_str(pk, pub);
	bron_age_identity_str(k->id.secret, sec);
	if (!gmtime_r(&t, &tm) ||
	    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(when, sizeof(when), "?");
	/* the identity file format of the age tool: comments, then the key */
	char text[256];
	int n = snprintf(text, sizeof(text),
	                 "# created: %s\n# public key: %s\n%s\n", when, pub, sec);
	sodium_memzero(sec, sizeof(sec));
	int rc = write_private_file(out, text, (size_t)n, arg_flag(a, "force"));
	sodium_memzero(text, sizeof(text));
	if (rc == EXIT_OK)
		say_error(_("warning: %s holds your secret key without protection; "
		            "whoever has it can open every bundle sent to you"),
		          out);
	return rc;
}

int cmd_identity(struct cli *c, const struct args *a)
{
	int sub = word_index(identity_subcommands, a->pos[0]);
	if (sub < 0 || (sub != 2 && (arg_value(a, "out") || arg_flag(a, "force")))) {
		say_error(_("use 'identity new', 'identity show' or 'identity "
		            "export --out FILE'"));
		return EXIT_USAGE;
	}
	struct keyring k;
	int rc = keyring_load(c, &k);
	if (rc != EXIT_OK)
		return rc;
	if (sub == 0) {
		rc = identity_new(c, &k);
	} else if (!k.has_identity) {
		rc = no_identity();
	} else if (sub == 1) {
		uint8_t pk[BRON_AGE_KEY];
		bron_age_public(k.id.secret, pk);
		print_key(stdout, pk);
	} else {
		rc = identity_export(&k, a);
	}
	keyring_free(&k);
	return rc;
}

/* ---- contacts ---- */

static int contacts_add(struct cli *c, const struct args *a,
                        const struct keyring *k)
{
	const char *name = a->pos[1], *key = a->pos[2];
	struct bron_error err;
	if (strspn(name, " \t") == strlen(name) || strchr(name, '\n')) {
		say_error(_("a contact's name must be one line of text"));
		return EXIT_USAGE;
	}
	struct bron_contact ct = {.created = (int64_t)time(NULL),
	                          .name = (char *)name};
	if (bron_age_recipient_parse(key, ct.key, &err) != BRON_OK)
		return fail(&err);
	if (find_contact(k, name) >= 0) {
		say_error(_("'%s' is among your contacts already"), name);
		return EXIT_NOTHING;
	}
	for (size_t i = 0; i < k->n; i++)
		if (sodium_memcmp(k->v[i].key, ct.key, BRON_AGE_KEY) == 0) {
			say_error(_("that key belongs to '%s' already"), k->v[i].name);
			return EXIT_NOTHING;
		}
	uint8_t *buf;
	size_t len;
	if (bron_contact_encode(&ct, &buf, &len, &err) != BRON_OK)
		return fail(&err);
	bron_id id = 0;
	bron_err e = bron_vault_put(c->vault, &id, 0, buf, len, NULL, &err);
	bron_secret_free(buf, len);
	if (e != BRON_OK)
		return fail(&err);
	char fp[BRON_AGE_FINGERPRINT_LEN];
	bron_age_fingerprint(ct.key, fp);
	printf(_("'%s' added; fingerprint %s (compare it with theirs, in "
	         "person or by phone)\n"),
	       name, fp);
	return EXIT_OK;
}

static int by_contact_name(const void *x, const void *y)
{
	return strcoll(((const struct bron_contact *)x)->name,
	               ((const struct bron_contact *)y)->name);
}

static int contacts_list(struct keyring *k)
{
	if (!k->n) {
		fprintf(stderr, "%s\n",
		        _("no contacts yet; add one with 'contacts add NAME KEY'"));
		return EXIT_NOTHING;
	}
	/* ids are not needed here: sort the contacts alone */
	qsort(k->v, k->n, sizeof(*k->v), by_contact_name);
	for (size_t i = 0; i < k->n; i++) {
		char r[BRON_AGE_RECIPIENT_LEN], fp[BRON_AGE_FINGERPRINT_LEN];
		bron_age_recipient_str(k->v[i].key, r);
		bron_age_fingerprint(k->v[i].key, fp);
		printf("%s  %s  %s\n", k->v[i].name, r, fp);
	}
	return EXIT_OK;
}

static int contacts_remove(struct cli *c, const struct args *a,
                           const struct keyring *k)
{
	struct bron_error err;
	int i = find_contact(k, a->pos[1]);
	if (i < 0) {
		say_error(_("'%s' is not among your contacts"), a->pos[1]);
		return EXIT_NOTHING;
	}
	if (bron_vault_delete(c->vault, k->ids[i], k->revs[i], &err) != BRON_OK)
		return fail(&err);
	printf(_("'%s' removed from your contacts\n"), k->v[i].name);
	return EXIT_OK;
}

int cmd_contacts(struct cli *c, const struct args *a)
{
	static const int npos[] = {3, 1, 2};
	int sub = word_index(contacts_subcommands, a->pos[0]);
	if (sub < 0 || a->npos != npos[sub]) {
		say_error(_("use 'contacts add NAME KEY', 'contacts list' or "
		            "'contacts remove NAME'"));
		return EXIT_USAGE;
	}
	struct keyring k;
	int rc = keyring_load(c, &k);
	if (rc != EXIT_OK)
		return rc;
	rc = sub == 0   ? contacts_add(c, a, &k)
	     : sub == 1 ? contacts_list(&k)
	                : contacts_remove(c, a, &k);
	keyring_free(&k);
	return rc;
}

char **contact_names(struct cli *c)
{
	struct keyring k;
	if (!c->vault || !bron_vault_is_unlocked(c->vault))
		return NULL;
	memset(&k, 0, sizeof(k));
	if (bron_vault_foreach(c->vault, keyring_one, &k, NULL) != BRON_OK ||
	    k.err != BRON_OK) {
		keyring_free(&k);
		return NULL;
	}
	char **v = calloc(k.n + 1, sizeof(*v));
	for (size_t i = 0; v && i < k.n; i++)
		v[i] = strdup(k.v[i].name);
	keyring_free(&k);
	return v;
}

/* ---- sealing a view ---- */

int bundle_wanted(const struct args *a)
{
	return arg_value(a, "to") != NULL;
}

int bundle_check(const struct args *a)
{
	if (!bundle_wanted(a)) {
		if (arg_flag(a, "armor") || arg_flag(a, "not-me")) {
			say_error(_("--armor and --not-me go with --to"));
			return EXIT_USAGE;
		}
		return EXIT_OK;
	}
	if (!arg_value(a, "out") && !arg_flag(a, "armor")) {
		say_error(_("say where the bundle goes with --out FILE (or add "
		            "--armor to print it as text)"));
		return EXIT_USAGE;
	}
	return EXIT_OK;
}

/* Adds pk to the list unless it is there already. */
static void add_recipient(uint8_t (*pks)[BRON_AGE_KEY], size_t *n,
                          const uint8_t pk[BRON_AGE_KEY])
{
	for (size_t i = 0; i < *n; i++)
		if (memcmp(pks[i], pk, BRON_AGE_KEY) == 0)
			return;
	memcpy(pks[(*n)++], pk, BRON_AGE_KEY);
}

int bundle_seal(struct cli *c, const struct args *a, const char *text,
                size_t len, char **out, size_t *outlen, size_t *nrecip)
{
	struct keyring k;
	struct bron_error err;
	uint8_t pks[BRON_AGE_MAX_RECIPIENTS][BRON_AGE_KEY];
	size_t n = 0;
	int rc = keyring_load(c, &k);
	if (rc != EXIT_OK)
		return rc;
	for (int i = 0; i < a->nset && rc == EXIT_OK; i++) {
		if (strcmp(a->set[i].opt->name, "to") != 0)
			continue;
		const char *to = a->set[i].value;
		uint8_t pk[BRON_AGE_KEY];
		int ci = find_contact(&k, to);
		if (ci >= 0) {
			memcpy(pk, k.v[ci].key, BRON_AGE_KEY);
		} else if (strncmp(to, "age1", 4) == 0 || strncmp(to, "AGE1", 4) == 0) {
			if (bron_age_recipient_parse(to, pk, &err) != BRON_OK) {
				rc = fail(&err);
				break;
			}
		} else {
			say_error(_("'%s' is not among your contacts; add them with "
			            "'contacts add NAME KEY', or give an age1... key"),
			          to);
			rc = EXIT_USAGE;
			break;
		}
		if (n == BRON_AGE_MAX_RECIPIENTS - 1) {
			say_error(_("too many recipients (at most %d)"),
			          BRON_AGE_MAX_RECIPIENTS - 1);
			rc = EXIT_USAGE;
			break;
		}
		add_recipient(pks, &n, pk);
	}
	if (rc == EXIT_OK && !arg_flag(a, "not-me")) {
		if (!k.has_identity) {
			say_error(_("you have no identity, so you could not read this "
			            "bundle back: run 'identity new' first, or add "
			            "--not-me"));
			rc = EXIT_USAGE;
		} else {
			uint8_t me[BRON_AGE_KEY];
			bron_age_public(k.id.secret, me);
			add_recipient(pks, &n, me);
		}
	}
	keyring_free(&k);
	if (rc != EXIT_OK)
		return rc;
	uint8_t *buf;
	if (bron_age_encrypt((const uint8_t *)text, len,
	                     (const uint8_t (*)[BRON_AGE_KEY])pks, n,
	                     arg_flag(a, "armor"), &buf, outlen, &err) != BRON_OK)
		return fail(&err);
	*out = (char *)buf;
	*nrecip = n;
	return EXIT_OK;
}

/* ---- open ---- */

/* The whole of a file (or stdin for "-"), at most limit bytes. */
static int read_file(const char *path, uint8_t **buf, size_t *len)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!fp) {
		say_error(_("cannot open %s: %s"), path, strerror(errno));
		return errno == ENOENT ? EXIT_USAGE : EXIT_IO;
	}
	size_t cap = 1 << 16, n = 0;
	uint8_t *b = malloc(cap);
	int rc = b ? EXIT_OK : EXIT_INTERNAL;
	while (rc == EXIT_OK) {
		size_t got = fread(b + n, 1, cap - n, fp);
		n += got;
		if (got == 0)
			break;
		if (n == cap) {
			if (cap > BRON_AGE_MAX_INPUT) {
				say_error(_("%s is larger than bron opens (256 MiB)"), path);
				rc = EXIT_USAGE;
				break;
			}
			uint8_t *nb = realloc(b, cap *= 2);
			if (!nb)
				rc = EXIT_INTERNAL;
			else
				b = nb;
		}
	}
	if (rc == EXIT_OK && ferror(fp)) {
		say_error(_("cannot read %s: %s"), path, strerror(errno));
		rc = EXIT_IO;
	}
	if (fp != stdin)
		fclose(fp);
	if (rc != EXIT_OK) {
		free(b);
		return rc;
	}
	*buf = b;
	*len = n;
	return EXIT_OK;
}

int cmd_open(struct cli *c, const struct args *a)
{
	struct keyring k;
	struct bron_error err;
	uint8_t *in = NULL, *text = NULL;
	size_t inlen = 0, len = 0;
	const char *out = arg_value(a, "out");
	if (!out && arg_flag(a, "force")) {
		say_error(_("--force goes with --out"));
		return EXIT_USAGE;
	}
	int rc = keyring_load(c, &k);
	if (rc != EXIT_OK)
		return rc;
	if (!k.has_identity) {
		keyring_free(&k);
		return no_identity();
	}
	rc = read_file(a->pos[0], &in, &inlen);
	if (rc == EXIT_OK) {
		const uint8_t (*sks)[BRON_AGE_KEY] =
		        (const uint8_t (*)[BRON_AGE_KEY])k.id.secret;
		bron_err e = bron_age_decrypt(in, inlen, sks, 1, &text, &len, NULL,
		                              &err);
		if (e != BRON_OK) {
			say_error("%s: %s", a->pos[0], err.msg);
			rc = exit_for(e);
		}
	}
	keyring_free(&k);
	free(in); /* ciphertext */
	if (rc != EXIT_OK)
		return rc;
	if (out) {
		rc = write_private_file(out, (const char *)text, len,
		                        arg_flag(a, "force"));
		if (rc == EXIT_OK)
			say_error(_("warning: %s is not encrypted; keep it safe and "
			            "delete it when you no longer need it"),
			          out);
	} else {
		fwrite(text, 1, len, stdout);
		if (len && text[len - 1] != '\n' && isatty(STDOUT_FILENO))
			fputc('\n', stdout);
		if (fflush(stdout) != 0) {
			say_error(_("cannot write the output: %s"), strerror(errno));
			rc = EXIT_IO;
		}
	}
	bron_secret_free(text, len + 1);
	return rc;
}
