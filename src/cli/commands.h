/*
 * commands.h - the command handlers behind the table in commands.c, and the
 * helpers they share.
 */
#ifndef BRON_CLI_COMMANDS_H
#define BRON_CLI_COMMANDS_H

#include "cli.h"

int cmd_init(struct cli *c, const struct args *a);
int cmd_add(struct cli *c, const struct args *a);
int cmd_list(struct cli *c, const struct args *a);
int cmd_show(struct cli *c, const struct args *a);
int cmd_edit(struct cli *c, const struct args *a);
int cmd_delete(struct cli *c, const struct args *a);
int cmd_search(struct cli *c, const struct args *a);
int cmd_level(struct cli *c, const struct args *a);
int cmd_passwd(struct cli *c, const struct args *a);
int cmd_recover(struct cli *c, const struct args *a);
int cmd_rekey(struct cli *c, const struct args *a);
int cmd_backup(struct cli *c, const struct args *a);
int cmd_verify(struct cli *c, const struct args *a);
int cmd_lock(struct cli *c, const struct args *a);
int cmd_help(struct cli *c, const struct args *a);
int cmd_quit(struct cli *c, const struct args *a);

/* The canonical key of a life area given in English or Dutch, or NULL. */
const char *area_key(const char *s);
unsigned area_index(const char *key);
const char *area_by_index(unsigned i);
/* The exit status for a library error code. */
int exit_for(bron_err code);
/* Opens c->vault (still locked) if it is not open. */
int open_vault(struct cli *c, unsigned flags);
/* Unlocks c->vault with pass. */
int unlock_with(struct cli *c, const char *pass);

#endif
