/*
 * i18n.h - gettext for the program.  Every string a user can see goes
 * through _() (or N_() where it is translated later).
 */
#ifndef BRON_CLI_I18N_H
#define BRON_CLI_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)
#define P_(s, p, n) ngettext(s, p, (unsigned long)(n))

/* Selects the locale and binds the "bron" text domain. */
void i18n_init(void);

#endif
