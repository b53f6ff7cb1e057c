/*
 * bron/error.h - error codes of libbron.
 *
 * Every fallible libbron function returns a bron_err and, when the caller
 * passes a struct bron_error, fills it with the code and one translated,
 * lower-case sentence naming what failed and on which object.  The library
 * never prints and never exits: showing the message is the caller's job.
 *
 * The enum is append-only: add new codes last, never renumber or remove one.
 * Programs map codes to exit statuses, so a code's meaning never changes.
 */
#ifndef BRON_ERROR_H
#define BRON_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum bron_err {
	BRON_OK = 0,
	BRON_E_NOMEM = 1,         /* out of memory */
	BRON_E_INVALID = 2,       /* bad argument from the caller */
	BRON_E_IO = 3,            /* read, write, fsync or permission failure */
	BRON_E_NOSPACE = 4,       /* the disk or quota is full */
	BRON_E_NOT_FOUND = 5,     /* no such vault, record or file */
	BRON_E_EXISTS = 6,        /* the file to create exists already */
	BRON_E_NOT_VAULT = 7,     /* the file is not a bron vault */
	BRON_E_VERSION = 8,       /* format version newer than this build knows */
	BRON_E_DAMAGED = 9,       /* header, key slot or database structure broken */
	BRON_E_PASSPHRASE = 10,   /* the passphrase does not open the vault */
	BRON_E_RECOVERY = 11,     /* the recovery code does not open the vault */
	BRON_E_RECOVERY_TYPO = 12,/* the recovery code is mistyped (checksum) */
	BRON_E_KDF_PARAMS = 13,   /* Argon2id parameters out of the allowed range */
	BRON_E_TAMPERED = 14,     /* a record fails authentication */
	BRON_E_MANIFEST = 15,     /* the manifest is damaged or does not match */
	BRON_E_ROWS_MISSING = 16, /* records were deleted behind bron's back */
	BRON_E_ROWS_EXTRA = 17,   /* records were added or duplicated */
	BRON_E_ROLLBACK = 18,     /* a record was replaced by an older revision */
	BRON_E_IN_USE = 19,       /* another process is writing to the vault */
	BRON_E_PERMS = 20,        /* the vault file is readable by others or not ours */
	BRON_E_CONFLICT = 21,     /* the record changed since the caller read it */
	BRON_E_READONLY = 22,     /* a write on a vault opened read-only */
	BRON_E_LOCKED = 23,       /* the operation needs an unlocked vault */
	BRON_E_CODEC = 24,        /* a decrypted payload is not a valid entry */
	BRON_E_CRYPTO = 25,       /* libsodium could not be initialised */
	BRON_E_NOT_AGE = 26,      /* the file is not a readable age file */
	BRON_E_NOT_FOR_YOU = 27,  /* no key of ours opens the age file */
	BRON_E_TRUNCATED = 28,    /* the file ends before it is complete */
} bron_err;

#define BRON_ERROR_MSG_MAX 320

struct bron_error {
	bron_err code;
	char msg[BRON_ERROR_MSG_MAX];
};

/*
 * A short, translated description of a code, for when no struct bron_error
 * is at hand.  Returns a static string; never NULL.
 */
const char *bron_strerror(bron_err code);

/* Resets an error record to BRON_OK and an empty message. */
void bron_error_clear(struct bron_error *err);

#ifdef __cplusplus
}
#endif
#endif
