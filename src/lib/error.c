/*
 * error.c - error codes, their messages, and bron_fail().
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "banned.h"

static const char *const messages[] = {
	[BRON_OK] = N_("success"),
	[BRON_E_NOMEM] = N_("out of memory"),
	[BRON_E_INVALID] = N_("invalid argument"),
	[BRON_E_IO] = N_("input/output error"),
	[BRON_E_NOSPACE] = N_("no space left on the disk"),
	[BRON_E_NOT_FOUND] = N_("not found"),
	[BRON_E_EXISTS] = N_("file exists already"),
	[BRON_E_NOT_VAULT] = N_("not a bron vault"),
	[BRON_E_VERSION] = N_("unsupported format version"),
	[BRON_E_DAMAGED] = N_("vault damaged"),
	[BRON_E_PASSPHRASE] = N_("wrong passphrase"),
	[BRON_E_RECOVERY] = N_("wrong recovery code"),
	[BRON_E_RECOVERY_TYPO] = N_("recovery code mistyped"),
	[BRON_E_KDF_PARAMS] = N_("key derivation parameters out of range"),
	[BRON_E_TAMPERED] = N_("record tampered with"),
	[BRON_E_MANIFEST] = N_("manifest does not match the records"),
	[BRON_E_ROWS_MISSING] = N_("records missing from the vault"),
	[BRON_E_ROWS_EXTRA] = N_("unexpected records in the vault"),
	[BRON_E_ROLLBACK] = N_("a record was rolled back to an older revision"),
	[BRON_E_IN_USE] = N_("vault in use by another process"),
	[BRON_E_PERMS] = N_("unsafe permissions on the vault"),
	[BRON_E_CONFLICT] = N_("the record changed in the meantime"),
	[BRON_E_READONLY] = N_("vault opened read-only"),
	[BRON_E_LOCKED] = N_("vault is locked"),
	[BRON_E_CODEC] = N_("malformed record contents"),
	[BRON_E_CRYPTO] = N_("cryptography library failed to start"),
	[BRON_E_NOT_AGE] = N_("not an age file"),
	[BRON_E_NOT_FOR_YOU] = N_("the file is not for you"),
	[BRON_E_TRUNCATED] = N_("the file is cut short"),
};

const char *bron_strerror(bron_err code)
{
	if ((size_t)code < sizeof(messages) / sizeof(messages[0]) &&
	    messages[code])
		return _(messages[code]);
	return _("unknown error");
}

void bron_error_clear(struct bron_error *err)
{
	if (!err)
		return;
	err->code = BRON_OK;
	err->msg[0] = '\0';
}

bron_err bron_fail(struct bron_error *err, bron_err code, const char *fmt, ...)
{
	if (!err)
		return code;
	err->code = code;
	if (!fmt) {
		snprintf(err->msg, sizeof(err->msg), "%s", bron_strerror(code));
		return code;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}
