/*
 * cmd_vault.c - the commands about the vault itself: init, passwd, recover,
 * rekey, backup, verify and lock.
 */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zxcvbn.h>

#include "cli.h"
#include "commands.h"
#include "i18n.h"

/* Below this many bits of estimated entropy a passphrase is refused. */
#define WEAK_BITS 28.0
/* Below this, bron warns. */
#define FAIR_BITS 45.0

/* ---- progress ---- */

static void progress(void *ctx, double fraction)
{
	const char *what = ctx;
	if (!isatty(STDERR_FILENO))
		return;
	fprintf(stderr, "\r%s %3d%%", what, (int)(fraction * 100.0 + 0.5));
	if (fraction >= 1.0)
		fputc('\n', stderr);
	fflush(stderr);
}

/* ---- passphrases ---- */

/*
 * Asks for a new passphrase (twice on a terminal) and checks its strength.
 * On failure returns NULL with the exit status in *rc.
 */
static char *new_passphrase(struct cli *c, int force, int *rc)
{
	char *p = read_passphrase(c, _("New passphrase: "));
	if (!p) {
		*rc = EXIT_FOR_INPUT();
		return NULL;
	}
	*rc = EXIT_USAGE;
	if (c->passfd < 0) {
		char *q = read_passphrase(c, _("Repeat the new passphrase: "));
		int same = q && strcmp(p, q) == 0;
		if (q)
			sodium_free(q);
		if (!same) {
			sodium_free(p);
			if (q)
				say_error(_("the two passphrases differ; nothing was "
				            "changed"));
			else
				*rc = EXIT_FOR_INPUT();
			return NULL;
		}
	}
	if (!*p) {
		sodium_free(p);
		say_error(_("the passphrase is empty"));
		return NULL;
	}
	double bits = ZxcvbnMatch(p, NULL, NULL);
	if (bits < WEAK_BITS && !force) {
		sodium_free(p);
		say_error(_("that passphrase is very weak (about %.0f bits); choose "
		            "a longer one, for example five unrelated words, or use "
		            "--force"),
		          bits);
		return NULL;
	}
	if (bits < WEAK_BITS)
		fprintf(stderr,
		        _("warning: the passphrase is very weak (about %.0f bits); "
		          "anyone who gets the vault file may guess it\n"),
		        bits);
	else if (bits < FAIR_BITS)
		fprintf(stderr,
		        _("warning: the passphrase is fairly weak (about %.0f bits); "
		          "several unrelated words make a stronger one\n"),
		        bits);
	*rc = EXIT_OK;
	return p;
}

/* Reads --kdf-memory/--kdf-passes, or calibrates to about one second. */
static int choose_kdf(const struct args *a, struct bron_kdf *kdf,
                      unsigned *flags)
{
	struct bron_error err;
	const char *mem = arg_value(a, "kdf-memory");
	const char *ops = arg_value(a, "kdf-passes");
	*flags = 0;
	if (!mem && !ops) {
		if (bron_kdf_calibrate(kdf, 1.0, 256ULL << 20, progress,
		                       (void *)_("measuring this computer…"),
		                       &err) != BRON_OK)
			return fail(&err);
		return EXIT_OK;
	}
	char *end;
	unsigned long long m = 256, o = 3;
	if (mem) {
		errno = 0;
		m = strtoull(mem, &end, 10);
		if (errno || *end || m == 0 || m > 4096) {
			say_error(_("--kdf-memory takes MiB from 1 to 4096"));
			return EXIT_USAGE;
		}
	}
	if (ops) {
		errno = 0;
		o = strtoull(ops, &end, 10);
		if (errno || *end || o == 0 || o > BRON_KDF_MAX_OPSLIMIT) {
			say_error(_("--kdf-passes takes a number from 1 to 20"));
			return EXIT_USAGE;
		}
	}
	kdf->memlimit = m << 20;
	kdf->opslimit = o;
	if (!bron_kdf_is_strong(kdf)) {
		fprintf(stderr, _("warning: these key derivation settings are below "
		                  "libsodium's interactive minimum and make guessing "
		                  "the passphrase much cheaper\n"));
		*flags = BRON_KDF_ALLOW_WEAK;
	}
	return EXIT_OK;
}

/* ---- init ---- */

/* mkdir -p for the vault's directory, new levels 0700. */
static int make_parents(const char *path)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return EXIT_OK;
	*slash = '\0';
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			goto fail;
		*p = '/';
	}
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		goto fail;
	return EXIT_OK;
fail:
	say_error(_("cannot create the directory %s: %s"), dir, strerror(errno));
	return EXIT_IO;
}

static void show_recovery_code(const char *code)
{
	printf("\n%s\n\n    %s\n\n%s\n", _("Your recovery code:"), code,
	       _("Print it or write it down now and keep it somewhere safe, away "
	         "from this computer. It opens the vault when the passphrase is "
	         "forgotten, and bron will not show it again."));
}

int cmd_init(struct cli *c, const struct args *a)
{
	struct bron_error err;
	struct bron_kdf kdf;
	unsigned flags;
	char code[BRON_RECOVERY_CODE_LEN + 1];
	int rc;
	if (access(c->vault_path, F_OK) == 0) {
		say_error(_("%s exists already; bron will not overwrite it"),
		          c->vault_path);
		return EXIT_USAGE;
	}
	char *pass = new_passphrase(c, arg_flag(a, "force"), &rc);
	if (!pass)
		return rc;
	rc = choose_kdf(a, &kdf, &flags);
	if (rc == EXIT_OK)
		rc = make_parents(c->vault_path);
	if (rc != EXIT_OK) {
		sodium_free(pass);
		return rc;
	}
	struct bron_vault *v = NULL;
	bron_err e = bron_vault_create(c->vault_path, pass, strlen(pass), &kdf,
	                               flags, code, &v, &err);
	sodium_free(pass);
	if (e != BRON_OK)
		return e == BRON_E_KDF_PARAMS ? (say_error("%s", err.msg), EXIT_USAGE)
		                              : fail(&err);
	bron_vault_free(c->vault);
	c->vault = v;
	printf(_("Created the vault %s.\n"), c->vault_path);
	show_recovery_code(code);
	sodium_memzero(code, sizeof(code));
	return EXIT_OK;
}

/* ---- passwd, recover, rekey ---- */

static int set_passphrase(struct cli *c, const struct args *a)
{
	struct bron_error err;
	struct bron_kdf kdf;
	unsigned flags;
	int rc;
	char *pass = new_passphrase(c, arg_flag(a, "force"), &rc);
	if (!pass)
		return rc;
	rc = choose_kdf(a, &kdf, &flags);
	if (rc == EXIT_OK &&
	    bron_vault_passwd(c->vault, pass, strlen(pass), &kdf, flags, &err) !=
	            BRON_OK)
		rc = err.code == BRON_E_KDF_PARAMS ? (say_error("%s", err.msg),
		                                      EXIT_USAGE)
		                                   : fail(&err);
	sodium_free(pass);
	if (rc == EXIT_OK)
		fprintf(stderr, "%s\n", _("the passphrase is changed; the recovery "
		                          "code still works"));
	return rc;
}

int cmd_passwd(struct cli *c, const struct args *a)
{
	int rc = need_vault(c);
	return rc == EXIT_OK ? set_passphrase(c, a) : rc;
}

int cmd_recover(struct cli *c, const struct args *a)
{
	struct bron_error err;
	int rc = open_vault(c, 0);
	if (rc != EXIT_OK)
		return rc;
	bron_vault_lock(c->vault);
	char *code = read_passphrase(c, _("Recovery code: "));
	if (!code)
		return EXIT_FOR_INPUT();
	bron_err e = bron_vault_unlock_recovery(c->vault, code, &err);
	sodium_free(code);
	if (e != BRON_OK)
		return fail(&err);
	return set_passphrase(c, a);
}

int cmd_rekey(struct cli *c, const struct args *a)
{
	struct bron_error err;
	char code[BRON_RECOVERY_CODE_LEN + 1];
	(void)a;
	int rc = open_vault(c, 0);
	if (rc != EXIT_OK)
		return rc;
	/* The passphrase rewraps the new key, so rekey always asks for it. */
	char *pass = read_passphrase(c, _("Passphrase: "));
	if (!pass)
		return EXIT_FOR_INPUT();
	if (!bron_vault_is_unlocked(c->vault))
		rc = unlock_with(c, pass);
	if (rc == EXIT_OK &&
	    bron_vault_rekey(c->vault, pass, strlen(pass), code, progress,
	                     (void *)_("re-encrypting…"), &err) != BRON_OK)
		rc = fail(&err);
	sodium_free(pass);
	if (rc != EXIT_OK)
		return rc;
	printf("%s\n", _("Every record is now encrypted under a new key. The old "
	                 "recovery code no longer works."));
	show_recovery_code(code);
	sodium_memzero(code, sizeof(code));
	return EXIT_OK;
}

/* ---- backup, verify, lock ---- */

int cmd_backup(struct cli *c, const struct args *a)
{
	struct bron_error err;
	if (bron_vault_backup(c->vault, a->pos[0], progress,
	                      (void *)_("copying…"), &err) != BRON_OK)
		return fail(&err);
	fprintf(stderr, _("backup written to %s and verified\n"), a->pos[0]);
	return EXIT_OK;
}

int cmd_verify(struct cli *c, const struct args *a)
{
	struct bron_error err;
	struct bron_verify_report r;
	(void)a;
	/* One-shot verify opens read-only: checking never changes the file. */
	int rc = open_vault(c, c->in_shell ? 0 : BRON_OPEN_READONLY);
	if (rc == EXIT_OK)
		rc = need_vault(c);
	if (rc != EXIT_OK)
		return rc;
	if (bron_vault_verify(c->vault, &r, &err) != BRON_OK)
		return fail(&err);
	char what[128];
	/* counts for a person: with the locale's digit grouping (1.234) */
	snprintf(what, sizeof(what),
	         ngettext("%'llu record authenticated",
	                  "%'llu records authenticated", (unsigned long)r.records),
	         (unsigned long long)r.records);
	/* TRANSLATORS: the first %s is "N records authenticated" */
	printf(_("vault is intact: %s (%'llu bytes), manifest verified at change "
	         "%llu, key generation %u\n"),
	       what, (unsigned long long)r.bytes, (unsigned long long)r.seq,
	       (unsigned)r.epoch);
	return EXIT_OK;
}

int cmd_lock(struct cli *c, const struct args *a)
{
	(void)a;
	if (c->vault)
		bron_vault_lock(c->vault);
	fprintf(stderr, "%s\n", _("vault locked; the next command asks for the "
	                          "passphrase"));
	return EXIT_OK;
}
