/*
 * cmd_reflect.c - guided reflection: the inventory of experiences, the
 * four-phase story, disclosure plans and the log of disclosures, the
 * triggers plan, reflection questions and the picture of recovery.
 *
 * Everything is kept in the vault as its own record kind (bron/reflect.h);
 * entries point at their experience.  The questions these commands ask are
 * read line by line from standard input, so they work on a terminal and
 * from a script alike.
 */
#include <errno.h>
#include <langinfo.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "bron/chart.h"
#include "bron/prompts.h"
#include "bron/redact.h"
#include "bron/reflect.h"
#include "cli.h"
#include "commands.h"
#include "i18n.h"
#include "vocab.h"

const char *const experience_subcommands[] = {"add", "list", "show", "edit",
                                              NULL};
const char *const triggers_subcommands[] = {"show", "add", "remove", NULL};
/* The plan's three lists by their English names, then the Dutch ones
 * ("trigger" is both); triggers_list() maps a name to 0, 1 or 2. */
const char *const triggers_lists[] = {"trigger", "signal", "helps",
                                      "signaal", "helpt",  NULL};

static int triggers_list(const char *name)
{
	static const int list[] = {0, 1, 2, 1, 2};
	int i = word_index(triggers_lists, name);
	return i < 0 ? -1 : list[i];
}

/* The inventory the training asks for has at least this many. */
#define INVENTORY_GOAL 10

/* ---- reading answers ---- */

/*
 * Reads one line from standard input without its newline into a malloc'ed
 * string (wipe it with free_text).  NULL at the end of input or on error;
 * *cancelled says whether Ctrl-C ended it.
 */
static char *read_line(int *cancelled)
{
	size_t cap = 256, len = 0;
	char *buf = malloc(cap);
	int ch;
	*cancelled = 0;
	if (!buf)
		return NULL;
	while ((ch = fgetc(stdin)) != EOF && ch != '\n') {
		if (len + 2 >= cap) {
			char *bigger = malloc(cap * 2);
			if (!bigger) {
				bron_secret_free(buf, cap);
				return NULL;
			}
			memcpy(bigger, buf, len);
			bron_secret_free(buf, cap);
			buf = bigger;
			cap *= 2;
		}
		buf[len++] = (char)ch;
	}
	if (ch == EOF && (ferror(stdin) || len == 0)) {
		*cancelled = ferror(stdin) && errno == EINTR;
		if (*cancelled)
			note_cancelled();
		clearerr(stdin);
		bron_secret_free(buf, cap);
		return NULL;
	}
	buf[len] = '\0';
	/* What was read beyond len held nothing; shrink to what is used. */
	char *s = strdup(buf);
	bron_secret_free(buf, cap);
	return s;
}

/* Asks a question on stderr and reads the answer line. */
static char *ask(const char *question, int *cancelled)
{
	fprintf(stderr, "%s ", question);
	fflush(stderr);
	char *answer = read_line(cancelled);
	/* On a terminal the typed newline ends the line; from a pipe, end it
	 * here so that every question stays a line of its own. */
	if (!isatty(STDIN_FILENO))
		fputc('\n', stderr);
	return answer;
}

/* Yes or no in English or Dutch: 1, 0, or -1 when neither. */
static int yes_no(const char *s)
{
	static const char *const yes[] = {"y", "yes", "j", "ja", NULL};
	static const char *const no[] = {"n", "no", "nee", NULL};
	for (int i = 0; yes[i]; i++)
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
	for (int i = 0; no[i]; i++)
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	return -1;
}

/* ---- records ---- */

static int save_record(struct cli *c, bron_id *id, uint64_t rev,
                       uint8_t *buf, size_t len)
{
	struct bron_error err;
	bron_err code = bron_vault_put(c->vault, id, rev, buf, len, NULL, &err);
	bron_secret_free(buf, len);
	return code == BRON_OK ? EXIT_OK : fail(&err);
}

static int save_experience(struct cli *c, bron_id *id, uint64_t rev,
                           const struct bron_experience *x)
{
	struct bron_error err;
	uint8_t *buf;
	size_t len;
	if (bron_experience_encode(x, &buf, &len, &err) != BRON_OK)
		return fail(&err);
	return save_record(c, id, rev, buf, len);
}

int resolve_experience(struct cli *c, const char *prefix, bron_id *id,
                       struct bron_experience *x, uint64_t *rev)
{
	struct bron_error err;
	struct bron_experience tmp;
	uint8_t *data;
	size_t len;
	uint64_t r;
	int rc = resolve_id(c, prefix, id);
	if (rc != EXIT_OK)
		return rc;
	if (bron_vault_get(c->vault, *id, &data, &len, &r, &err) != BRON_OK)
		return fail(&err);
	if (len == 0 || data[0] != BRON_KIND_EXPERIENCE) {
		bron_secret_free(data, len);
		say_error(_("%s is not an experience; 'bron experience list' "
		            "shows them"),
		          prefix);
		return EXIT_USAGE;
	}
	bron_err code = bron_experience_decode(data, len, x ? x : &tmp, &err);
	bron_secret_free(data, len);
	if (code != BRON_OK)
		return fail(&err);
	if (!x)
		bron_experience_release(&tmp);
	if (rev)
		*rev = r;
	return EXIT_OK;
}

/* What the commands below need of the whole vault. */
struct xrec {
	bron_id id;
	uint64_t rev;
	struct bron_experience x;
};

struct drec {
	bron_id id;
	struct bron_disclosure d;
};

/* An entry, without its text. */
struct erec {
	bron_id id;
	uint64_t rev;
	int64_t created;
	int level, phase, draft;
	unsigned area; /* area_index(): 0 for none */
	uint64_t experience;
};

struct journal {
	struct xrec *x;
	size_t nx;
	struct drec *d;
	size_t nd;
	struct erec *e;
	size_t ne;
	int has_triggers;
	bron_id trig_id;
	uint64_t trig_rev;
	struct bron_triggers t;
	bron_err code; /* a record that would not decode */
	struct bron_error err;
};

static int push(void **arr, size_t n, size_t size)
{
	if ((n & (n - 1)) == 0) { /* 0, 1, 2, 4, ... */
		void *p = realloc(*arr, (n ? 2 * n : 1) * size);
		if (!p)
			return -1;
		*arr = p;
	}
	return 0;
}

static int journal_one(void *ctx, bron_id id, uint64_t rev,
                       const uint8_t *data, size_t len)
{
	struct journal *j = ctx;
	bron_err code = BRON_OK;
	if (len == 0)
		return 0;
	switch (data[0]) {
	case BRON_KIND_ENTRY: {
		struct bron_entry e;
		if ((code = bron_entry_decode_summary(data, len, &e, &j->err)) !=
		    BRON_OK)
			break;
		if (push((void **)&j->e, j->ne, sizeof(*j->e)) != 0) {
			bron_entry_release(&e);
			code = BRON_E_NOMEM;
			break;
		}
		j->e[j->ne++] = (struct erec){
			.id = id, .rev = rev, .created = e.created,
			.level = (int)e.level, .phase = e.phase, .draft = e.draft,
			.area = area_index(e.area), .experience = e.experience};
		bron_entry_release(&e);
		break;
	}
	case BRON_KIND_EXPERIENCE:
		if (push((void **)&j->x, j->nx, sizeof(*j->x)) != 0) {
			code = BRON_E_NOMEM;
			break;
		}
		j->x[j->nx].id = id;
		j->x[j->nx].rev = rev;
		code = bron_experience_decode(data, len, &j->x[j->nx].x, &j->err);
		if (code == BRON_OK)
			j->nx++;
		break;
	case BRON_KIND_DISCLOSURE:
		if (push((void **)&j->d, j->nd, sizeof(*j->d)) != 0) {
			code = BRON_E_NOMEM;
			break;
		}
		j->d[j->nd].id = id;
		code = bron_disclosure_decode(data, len, &j->d[j->nd].d, &j->err);
		if (code == BRON_OK)
			j->nd++;
		break;
	case BRON_KIND_TRIGGERS:
		if (j->has_triggers) /* one plan; a second is left alone */
			break;
		code = bron_triggers_decode(data, len, &j->t, &j->err);
		if (code == BRON_OK) {
			j->has_triggers = 1;
			j->trig_id = id;
			j->trig_rev = rev;
		}
		break;
	default:
		break;
	}
	if (code != BRON_OK) {
		j->code = code;
		if (code == BRON_E_NOMEM) {
			j->err.code = code;
			snprintf(j->err.msg, sizeof(j->err.msg), "%s",
			         _("out of memory"));
		}
		return 1; /* stop */
	}
	return 0;
}

static void journal_free(struct journal *j)
{
	for (size_t i = 0; i < j->nx; i++)
		bron_experience_release(&j->x[i].x);
	for (size_t i = 0; i < j->nd; i++)
		bron_disclosure_release(&j->d[i].d);
	if (j->e)
		sodium_memzero(j->e, j->ne * sizeof(*j->e));
	free(j->x);
	free(j->d);
	free(j->e);
	bron_triggers_release(&j->t);
	memset(j, 0, sizeof(*j));
}

static int by_created(const void *a, const void *b)
{
	const struct xrec *x = a, *y = b;
	if (x->x.created != y->x.created)
		return x->x.created < y->x.created ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int journal_load(struct cli *c, struct journal *j)
{
	struct bron_error err;
	memset(j, 0, sizeof(*j));
	if (bron_vault_foreach(c->vault, journal_one, j, &err) != BRON_OK) {
		journal_free(j);
		return fail(&err);
	}
	if (j->code != BRON_OK) {
		err = j->err;
		journal_free(j);
		return fail(&err);
	}
	if (j->nx > 1)
		qsort(j->x, j->nx, sizeof(*j->x), by_created);
	return EXIT_OK;
}

static struct xrec *journal_find(struct journal *j, bron_id id)
{
	for (size_t i = 0; i < j->nx; i++)
		if (j->x[i].id == id)
			return &j->x[i];
	return NULL;
}

/* ---- experience ---- */

static void print_id(bron_id id)
{
	printf("%0*llx", ID_SHORT,
	       (unsigned long long)(id >> (64 - 4 * ID_SHORT)));
}

static int experience_add(struct cli *c, const struct args *a)
{
	struct bron_error err;
	struct bron_experience x;
	const char *s;
	if (a->npos < 2 || !*a->pos[1]) {
		say_error(_("give the experience a title: bron experience add "
		            "\"TITLE\""));
		return EXIT_USAGE;
	}
	memset(&x, 0, sizeof(x));
	x.decision = BRON_UNDECIDED;
	x.created = x.updated = (int64_t)time(NULL);
	int rc = EXIT_OK;
	if (!(x.title = strdup(a->pos[1])) ||
	    ((s = arg_value(a, "kind")) &&
	     !(x.kind = strdup(vocab_key(&vocab_kinds, s)))) ||
	    ((s = arg_value(a, "area")) && !(x.area = strdup(area_key(s)))) ||
	    ((s = arg_value(a, "when")) && !(x.happened = strdup(s)))) {
		say_error(_("out of memory"));
		rc = EXIT_INTERNAL;
	}
	if (rc == EXIT_OK && (s = arg_value(a, "decision")))
		x.decision = decision_parse(s);
	if (rc == EXIT_OK && (s = arg_value(a, "phase")) && phase_parse(s) &&
	    bron_experience_set_phase(&x, phase_parse(s), x.created, &err) !=
	            BRON_OK)
		rc = fail(&err);
	bron_id id = 0;
	if (rc == EXIT_OK)
		rc = save_experience(c, &id, 0, &x);
	bron_experience_release(&x);
	if (rc == EXIT_OK)
		printf("%016llx\n", (unsigned long long)id);
	return rc;
}

static int experience_edit(struct cli *c, const struct args *a)
{
	struct bron_error err;
	struct bron_experience x;
	bron_id id;
	uint64_t rev;
	const char *s;
	if (a->npos < 2) {
		say_error(_("which experience? bron experience edit ID"));
		return EXIT_USAGE;
	}
	int rc = resolve_experience(c, a->pos[1], &id, &x, &rev);
	if (rc != EXIT_OK)
		return rc;
	int64_t now = (int64_t)time(NULL);
	int changed = 0;
	const char *kind = arg_value(a, "kind"), *area = arg_value(a, "area");
	struct {
		const char *opt;
		char **slot;
		const char *value;
	} texts[] = {
		{"title", &x.title, arg_value(a, "title")},
		{"kind", &x.kind, kind ? vocab_key(&vocab_kinds, kind) : NULL},
		{"area", &x.area, area ? area_key(area) : NULL},
		{"when", &x.happened, arg_value(a, "when")},
	};
	for (size_t i = 0; rc == EXIT_OK && i < sizeof(texts) / sizeof(texts[0]);
	     i++) {
		if (!texts[i].value)
			continue;
		if (i == 0 && !*texts[i].value) {
			say_error(_("an experience needs a title"));
			rc = EXIT_USAGE;
			break;
		}
		char *copy = strdup(texts[i].value);
		if (!copy) {
			say_error(_("out of memory"));
			rc = EXIT_INTERNAL;
			break;
		}
		free_text(*texts[i].slot);
		*texts[i].slot = copy;
		changed = 1;
	}
	if (rc == EXIT_OK && (s = arg_value(a, "decision"))) {
		x.decision = decision_parse(s);
		changed = 1;
	}
	int phase = (s = arg_value(a, "phase")) ? phase_parse(s) : 0;
	if (rc == EXIT_OK && phase && phase != bron_experience_phase(&x)) {
		if (bron_experience_set_phase(&x, phase, now, &err) != BRON_OK)
			rc = fail(&err);
		changed = 1;
	}
	if (rc == EXIT_OK && !changed) {
		say_error(_("nothing to change; give --title, --kind, --area, "
		            "--when, --phase or --decision"));
		rc = EXIT_USAGE;
	}
	if (rc == EXIT_OK) {
		x.updated = now;
		rc = save_experience(c, &id, rev, &x);
	}
	bron_experience_release(&x);
	if (rc == EXIT_OK)
		fprintf(stderr, _("experience %016llx saved\n"),
		        (unsigned long long)id);
	return rc;
}

static void json_id(const char *name, bron_id id, int comma)
{
	printf("%s\"%s\": \"%016llx\"", comma ? ", " : "", name,
	       (unsigned long long)id);
}

static void json_time_field(const char *name, int64_t t)
{
	char buf[32];
	time_t tt = (time_t)t;
	struct tm tm;
	printf(", \"%s\": ", name);
	if (gmtime_r(&tt, &tm) &&
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		printf("\"%s\"", buf);
	else
		printf("null");
}

static int has_plan(const struct bron_experience *x)
{
	return x->plan.made != 0;
}

static int experience_list(struct cli *c, const struct args *a)
{
	struct journal j;
	int rc = journal_load(c, &j);
	if (rc != EXIT_OK)
		return rc;
	size_t undecided = 0;
	for (size_t i = 0; i < j.nx; i++)
		undecided += j.x[i].x.decision == BRON_UNDECIDED;
	if (arg_flag(a, "json")) {
		printf("[");
		for (size_t i = 0; i < j.nx; i++) {
			const struct bron_experience *x = &j.x[i].x;
			printf("%s{", i ? ", " : "");
			json_id("id", j.x[i].id, 0);
			json_time_field("created", x->created);
			printf(", \"title\": ");
			json_print_string(stdout, x->title);
			printf(", \"kind\": ");
			json_print_string(stdout, x->kind);
			printf(", \"area\": ");
			json_print_string(stdout, x->area);
			printf(", \"when\": ");
			json_print_string(stdout, x->happened);
			printf(", \"decision\": ");
			json_print_string(stdout,
			                  x->decision == BRON_UNDECIDED
			                          ? NULL
			                          : vocab_decisions.w[x->decision].key);
			printf(", \"phase\": %d, \"plan\": %s}",
			       bron_experience_phase(x),
			       has_plan(x) ? "true" : "false");
		}
		printf("]\n");
		journal_free(&j);
		return EXIT_OK;
	}
	if (j.nx == 0) {
		printf("%s\n", _("No experiences yet. Start the inventory with "
		                 "'bron experience add \"TITLE\"'."));
		journal_free(&j);
		return EXIT_NOTHING;
	}
	for (size_t i = 0; i < j.nx; i++) {
		const struct bron_experience *x = &j.x[i].x;
		int ph = bron_experience_phase(x);
		char phase[2] = {ph ? (char)('0' + ph) : '-', '\0'};
		print_id(j.x[i].id);
		printf("  %-10s  %s  %-4s  %s\n", decision_label(x->decision),
		       phase, has_plan(x) ? _("plan") : "", x->title);
	}
	printf("\n");
	printf(ngettext("%zu experience in the inventory", 
	                "%zu experiences in the inventory", j.nx),
	       j.nx);
	if (j.nx < INVENTORY_GOAL)
		printf(ngettext("; %zu more to reach ten",
		                "; %zu more to reach ten",
		                INVENTORY_GOAL - j.nx),
		       INVENTORY_GOAL - j.nx);
	printf(".\n");
	if (undecided) {
		printf(ngettext("%zu still without a decision:",
		                "%zu still without a decision:", undecided),
		       undecided);
		for (size_t i = 0; i < j.nx; i++)
			if (j.x[i].x.decision == BRON_UNDECIDED) {
				printf("\n  ");
				print_id(j.x[i].id);
				printf("  %s", j.x[i].x.title);
			}
		printf("\n");
	} else {
		printf("%s\n", _("Every experience has a decision."));
	}
	journal_free(&j);
	return EXIT_OK;
}

static const char *const check_questions[BRON_CHECK_COUNT] = {
	N_("Does it fit what the other person is going through right now?"),
	N_("Is it relevant to what you are talking about together?"),
	N_("Will the attention stay with the other person rather than move to "
	   "you?"),
	N_("Have you worked this experience through enough to tell it "
	   "calmly?"),
	N_("Is it still too raw or too painful for you?"),
};

static const char *const check_reasons[BRON_CHECK_COUNT] = {
	N_("it does not (yet) fit what the other person is going through"),
	N_("it is not relevant to the conversation"),
	N_("the attention could shift from the other person to you"),
	N_("you have not worked it through enough yet"),
	N_("it is still too raw"),
};

static void print_plan(const struct bron_experience *x)
{
	const struct bron_plan *p = &x->plan;
	printf("%s ", _("Plan, written"));
	print_date(stdout, p->made, 0);
	printf("\n  %s %s\n", _("what:"), p->what ? p->what : "");
	printf("  %s ", _("with:"));
	int first = 1;
	for (size_t r = 0; r < vocab_roles.n; r++)
		if (p->audience & (1u << r)) {
			printf("%s%s", first ? "" : ", ",
			       _(vocab_roles.w[r].label));
			first = 0;
		}
	printf("\n  %s %s\n", _("why:"), p->why ? p->why : "");
	unsigned fails = bron_plan_failures(p);
	if (!fails) {
		printf("  %s\n", _("check: passed"));
		return;
	}
	printf("  %s\n", _("check: not yet, because"));
	for (int q = 0; q < BRON_CHECK_COUNT; q++)
		if (fails & (1u << q))
			printf("    - %s\n",
			       p->answers[q] ? _(check_reasons[q])
			                     : _("a question was not answered"));
}

static void print_disclosure(const struct bron_disclosure *d)
{
	printf("  ");
	print_date(stdout, d->when, 0);
	printf("  %s\n", vocab_label(&vocab_roles, d->role));
	if (d->context && *d->context)
		printf("    %s %s\n", _("context:"), d->context);
	if (d->outcome && *d->outcome)
		printf("    %s %s\n", _("how it went:"), d->outcome);
	if (d->differently && *d->differently)
		printf("    %s %s\n", _("next time:"), d->differently);
}

static int experience_show(struct cli *c, const struct args *a)
{
	bron_id id;
	if (a->npos < 2) {
		say_error(_("which experience? bron experience show ID"));
		return EXIT_USAGE;
	}
	int rc = resolve_experience(c, a->pos[1], &id, NULL, NULL);
	if (rc != EXIT_OK)
		return rc;
	struct journal j;
	if ((rc = journal_load(c, &j)) != EXIT_OK)
		return rc;
	const struct bron_experience *x = &journal_find(&j, id)->x;
	printf("%s%s%s\n", c->color ? "\033[1m" : "", x->title,
	       c->color ? "\033[0m" : "");
	printf("%s %016llx\n", _("id:"), (unsigned long long)id);
	if (x->kind)
		printf("%s %s\n", _("kind:"), vocab_label(&vocab_kinds, x->kind));
	if (x->area)
		printf("%s %s\n", _("area:"), area_label(x->area));
	if (x->happened)
		printf("%s %s\n", _("when:"), x->happened);
	printf("%s %s\n", _("decision:"), decision_label(x->decision));
	if (x->nphases) {
		printf("%s\n", _("phases:"));
		for (size_t i = 0; i < x->nphases; i++) {
			printf("  ");
			print_date(stdout, x->phases[i].when, 0);
			printf("  %d, %s\n", x->phases[i].phase,
			       bron_phase_label(x->phases[i].phase));
		}
	}
	size_t n = 0;
	for (size_t i = 0; i < j.ne; i++)
		n += j.e[i].experience == id;
	if (n) {
		printf("%s", _("entries:"));
		for (size_t i = 0; i < j.ne; i++)
			if (j.e[i].experience == id) {
				printf(" ");
				print_id(j.e[i].id);
			}
		printf("\n");
	}
	printf("\n");
	if (has_plan(x))
		print_plan(x);
	else
		printf("%s\n", _("No disclosure plan yet ('bron plan ID')."));
	n = 0;
	for (size_t i = 0; i < j.nd; i++)
		if (j.d[i].d.experience == id) {
			if (!n++)
				printf("\n%s\n", _("Shared so far:"));
			print_disclosure(&j.d[i].d);
		}
	journal_free(&j);
	return EXIT_OK;
}

int cmd_experience(struct cli *c, const struct args *a)
{
	switch (word_index(experience_subcommands, a->pos[0])) {
	case 0:
		return experience_add(c, a);
	case 1:
		return experience_list(c, a);
	case 2:
		return experience_show(c, a);
	default:
		return experience_edit(c, a);
	}
}

/* ---- the four-phase story ---- */

static const char *const phase_guides[4] = {
	N_("Phase 1, overwhelmed: what happened to you, and how did it feel "
	   "when it swept over you? Confusion, powerlessness, being alone, "
	   "just getting through the days."),
	N_("Phase 2, struggling with it: how did you begin to find your way? "
	   "What did you try, what did you doubt, who were you becoming?"),
	N_("Phase 3, living with it: how did you rebuild? Which new roles, "
	   "limits and strengths did you discover?"),
	N_("Phase 4, in the background: what is left of it now, and what "
	   "room opened up for people, talents and new plans?"),
};

/* Finds the story being written for experience xid (0: none). */
static int find_draft(struct journal *j, uint64_t xid, bron_id *id)
{
	for (size_t i = 0; i < j->ne; i++)
		if (j->e[i].draft && j->e[i].experience == xid) {
			*id = j->e[i].id;
			return 1;
		}
	return 0;
}

/* Inserts a part for a skipped phase where it belongs in the order. */
static int insert_part(struct bron_entry *e, int phase, char *text)
{
	struct bron_error err;
	if (bron_entry_add_part(e, phase, text, &err) != BRON_OK)
		return fail(&err);
	struct bron_story_part p = e->story[e->nstory - 1];
	size_t at = e->nstory - 1;
	while (at > 0 && e->story[at - 1].phase > phase)
		at--;
	memmove(&e->story[at + 1], &e->story[at],
	        (e->nstory - 1 - at) * sizeof(p));
	e->story[at] = p;
	return EXIT_OK;
}

enum story_end { PART_DONE, PART_SKIP, PART_BACK, PART_PAUSE, PART_FINISH };

/*
 * Reads one phase's text up to a control line.  *text gets what was
 * written (maybe empty); *back the phase of a ":back N".
 */
static enum story_end read_part(char **text, int *back, int *cancelled)
{
	size_t len = 0, cap = 1;
	char *buf = calloc(1, 1), *line;
	*text = NULL;
	*back = 0;
	enum story_end end = PART_PAUSE;
	if (!buf)
		return PART_PAUSE;
	while ((line = read_line(cancelled))) {
		if (strcmp(line, ".") == 0) {
			end = PART_DONE;
		} else if (strcmp(line, ":skip") == 0) {
			end = PART_SKIP;
		} else if (strcmp(line, ":pause") == 0) {
			end = PART_PAUSE;
		} else if (strcmp(line, ":done") == 0) {
			end = PART_FINISH;
		} else if (strncmp(line, ":back", 5) == 0) {
			int n = phase_parse(line[5] == ' ' ? line + 6 : "");
			if (!n) {
				fprintf(stderr, "%s\n",
				        _("write ':back' and the phase you went back to, "
				          "for example ':back 2'"));
				free_text(line);
				continue;
			}
			*back = n;
			end = PART_BACK;
		} else {
			size_t n = strlen(line);
			char *bigger = malloc(cap + n + 1);
			if (!bigger) {
				free_text(line);
				break;
			}
			memcpy(bigger, buf, len);
			memcpy(bigger + len, line, n);
			bigger[len + n] = '\n';
			bigger[len + n + 1] = '\0';
			bron_secret_free(buf, cap);
			buf = bigger;
			len += n + 1;
			cap = len + 1;
			free_text(line);
			continue;
		}
		free_text(line);
		break;
	}
	*text = buf;
	return end;
}

/* Appends more to the last part (the same phase, written on later). */
static int extend_part(struct bron_story_part *p, const char *more)
{
	size_t a = strlen(p->text), b = strlen(more);
	char *s = malloc(a + b + 2);
	if (!s) {
		say_error(_("out of memory"));
		return EXIT_INTERNAL;
	}
	memcpy(s, p->text, a);
	s[a] = '\n';
	memcpy(s + a + 1, more, b + 1);
	free_text(p->text);
	p->text = s;
	return EXIT_OK;
}

/*
 * Adds text as a part unless it is blank; text that goes on with the phase
 * of the last part (after a pause) joins it.
 */
static int keep_part(struct bron_entry *e, int phase, char *text, int in_order)
{
	struct bron_error err;
	int rc = EXIT_OK;
	size_t n = text ? strlen(text) : 0;
	while (n && (text[n - 1] == '\n' || text[n - 1] == ' ' ||
	             text[n - 1] == '\t'))
		text[--n] = '\0';
	if (n && text[strspn(text, " \t\n")]) {
		if (!in_order && e->nstory && e->story[e->nstory - 1].phase == phase)
			rc = extend_part(&e->story[e->nstory - 1], text);
		else if (in_order)
			rc = insert_part(e, phase, text);
		else if (bron_entry_add_part(e, phase, text, &err) != BRON_OK)
			rc = fail(&err);
	}
	free_text(text);
	return rc;
}

static void story_intro(const char *title)
{
	if (title)
		fprintf(stderr, _("The four-phase story of \"%s\".\n"), title);
	fprintf(stderr, "%s\n",
	        _("Write about seven lines for each phase. On a line of its "
	          "own:\n  .         ends the phase\n  :skip     skips it for "
	          "now (you can come back to it)\n  :back N   you went back to "
	          "phase N: write about that next\n  :pause    saves what you "
	          "have; 'bron story' goes on later\n  :done     ends the "
	          "story here"));
}

int cmd_story(struct cli *c, const struct args *a)
{
	struct bron_experience x;
	bron_id xid = 0, id = 0;
	uint64_t rev = 0;
	int rc = EXIT_OK, have_x = 0;
	memset(&x, 0, sizeof(x));
	if (a->npos == 1) {
		if ((rc = resolve_experience(c, a->pos[0], &xid, &x, NULL)) !=
		    EXIT_OK)
			return rc;
		have_x = 1;
	}
	struct journal j;
	if ((rc = journal_load(c, &j)) != EXIT_OK) {
		bron_experience_release(&x);
		return rc;
	}
	int resume = find_draft(&j, xid, &id);
	journal_free(&j);
	struct bron_entry e;
	bron_entry_init(&e);
	if (resume) {
		if ((rc = load_entry(c, id, &e, &rev)) != EXIT_OK)
			goto out;
		char day[32];
		time_t t = (time_t)e.created;
		struct tm tm;
		/* the date as print_date() writes it, in the user's order */
		if (!localtime_r(&t, &tm) ||
		    !strftime(day, sizeof(day), _("%Y-%m-%d"), &tm))
			snprintf(day, sizeof(day), "?");
		fprintf(stderr, _("Going on with the story you started on %s.\n"),
		        day);
	} else {
		const char *s = arg_value(a, "level");
		e.created = e.updated = (int64_t)time(NULL);
		e.level = s ? (enum bron_level)level_parse(s) : BRON_LEVEL_PRIVATE;
		e.experience = xid;
		char title[512];
		/* Never the experience's title: the story's level is its own,
		 * and a title copied from a private experience would show in
		 * a supervision view of a shareable story. */
		if ((s = arg_value(a, "title")))
			snprintf(title, sizeof(title), "%s", s);
		else
			snprintf(title, sizeof(title), "%s",
			         _("A four-phase story"));
		e.title = strdup(title);
		sodium_memzero(title, sizeof(title));
		if (!e.title) {
			say_error(_("out of memory"));
			rc = EXIT_INTERNAL;
			goto out;
		}
	}
	story_intro(have_x ? x.title : NULL);

	int written[5] = {0}, skipped[5] = {0};
	for (size_t i = 0; i < e.nstory; i++)
		written[e.story[i].phase] = 1;
	int phase = 1, back_to = 0, pause = 0, cancelled = 0;
	/* Resume where the story stopped: in the phase of its last part. */
	if (e.nstory) {
		phase = e.story[e.nstory - 1].phase;
		fprintf(stderr, _("You stopped in phase %d; what you write now "
		                  "goes on with it (a line with only '.' moves "
		                  "on).\n"),
		        phase);
	}
	while (!pause && phase <= 4) {
		char *text;
		int back;
		if (back_to)
			fprintf(stderr, "\n%s\n",
			        _("A step back: write about going back to this "
			          "phase."));
		fprintf(stderr, "\n%s\n", _(phase_guides[phase - 1]));
		enum story_end end = read_part(&text, &back, &cancelled);
		rc = keep_part(&e, phase, text, 0);
		if (rc != EXIT_OK)
			goto out;
		back_to = 0;
		switch (end) {
		case PART_DONE:
			written[phase] = 1;
			phase++;
			break;
		case PART_SKIP:
			skipped[phase] = 1;
			phase++;
			break;
		case PART_BACK:
			written[phase] = 1;
			back_to = back;
			phase = back;
			break;
		case PART_FINISH:
			phase = 5;
			break;
		case PART_PAUSE:
			pause = 1;
			break;
		}
	}
	/* Skipped phases: offer them once more, in their place. */
	for (int p = 1; !pause && p <= 4; p++) {
		if (!skipped[p] || written[p])
			continue;
		char q[256];
		snprintf(q, sizeof(q), _("You skipped phase %d (%s). Write it now?"),
		         p, bron_phase_label(p));
		char *ans = ask(q, &cancelled);
		int yes = ans && yes_no(ans) == 1;
		free_text(ans);
		if (!yes)
			continue;
		char *text;
		int back;
		fprintf(stderr, "%s\n", _(phase_guides[p - 1]));
		enum story_end end = read_part(&text, &back, &cancelled);
		if ((rc = keep_part(&e, p, text, 1)) != EXIT_OK)
			goto out;
		if (end == PART_PAUSE)
			pause = 1;
	}
	if (cancelled) {
		/* Ctrl-C: keep what was written as a draft rather than lose it */
		pause = 1;
	}
	if (e.nstory == 0) {
		say_error(_("nothing was written; no story saved"));
		rc = EXIT_NOTHING;
		goto out;
	}
	e.draft = pause;
	e.phase = e.story[e.nstory - 1].phase;
	e.updated = (int64_t)time(NULL);
	if ((rc = save_entry(c, &id, rev, &e)) != EXIT_OK)
		goto out;
	printf("%016llx\n", (unsigned long long)id);
	if (pause)
		fprintf(stderr, "%s\n",
		        _("Saved for now. 'bron story' (with the same experience) "
		          "goes on where you stopped."));
	else
		fprintf(stderr, _("Story saved as %s. 'bron level ID LEVEL' "
		                  "changes that.\n"),
		        level_label((int)e.level));
out:
	bron_entry_release(&e);
	bron_experience_release(&x);
	return rc;
}

/* ---- disclosure plan ---- */

/* Roles from a comma-separated answer; 0 when one is unknown. */
static unsigned parse_roles(const char *s)
{
	unsigned bits = 0;
	char word[64];
	while (*s) {
		size_t n = strcspn(s, ",");
		size_t b = 0, e = n;
		while (b < e && (s[b] == ' ' || s[b] == '\t'))
			b++;
		while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t'))
			e--;
		if (e > b) {
			if (e - b >= sizeof(word))
				return 0;
			memcpy(word, s + b, e - b);
			word[e - b] = '\0';
			int i = vocab_index(&vocab_roles, word);
			if (i < 0)
				return 0;
			bits |= 1u << i;
		}
		s += n + (s[n] == ',');
	}
	return bits;
}

/* An answer from an option, or asked.  NULL at the end of input. */
static char *option_or_ask(const struct args *a, const char *opt,
                           const char *question, int *cancelled)
{
	const char *v = arg_value(a, opt);
	*cancelled = 0;
	if (v)
		return strdup(v);
	return ask(question, cancelled);
}

int cmd_plan(struct cli *c, const struct args *a)
{
	struct bron_experience x;
	bron_id id;
	uint64_t rev;
	int rc = resolve_experience(c, a->pos[0], &id, &x, &rev);
	int cancelled = 0;
	if (rc != EXIT_OK)
		return rc;
	if (arg_flag(a, "show")) {
		if (has_plan(&x))
			print_plan(&x);
		else
			printf("%s\n", _("No disclosure plan yet ('bron plan ID')."));
		rc = has_plan(&x) ? EXIT_OK : EXIT_NOTHING;
		bron_experience_release(&x);
		return rc;
	}
	fprintf(stderr, _("A disclosure plan for \"%s\".\n"), x.title);
	char *what = NULL, *why = NULL, *ans = NULL;
	unsigned roles = 0;
	what = option_or_ask(a, "what", _("What exactly would you share?"),
	                     &cancelled);
	while (what && !roles) {
		free_text(ans);
		ans = option_or_ask(a, "with",
		                    _("With whom? client, colleague, team, "
		                      "supervisor, intervision (commas between):"),
		                    &cancelled);
		if (!ans)
			break;
		roles = parse_roles(ans);
		if (!roles) {
			say_error(_("'%s' is not a list of roles: client, colleague, "
			            "team, supervisor, intervision"),
			          ans);
			if (arg_value(a, "with")) {
				rc = EXIT_USAGE;
				break;
			}
		}
	}
	if (rc == EXIT_OK && roles)
		why = option_or_ask(a, "why",
		                    _("Why: what should it bring the other person?"),
		                    &cancelled);
	uint8_t answers[BRON_CHECK_COUNT] = {0};
	if (rc == EXIT_OK && why) {
		fprintf(stderr, "%s\n", _("Now the check, yes or no:"));
		for (int q = 0; q < BRON_CHECK_COUNT; q++) {
			int yn = -1;
			while (yn < 0) {
				free_text(ans);
				ans = ask(_(check_questions[q]), &cancelled);
				if (!ans)
					break;
				yn = yes_no(ans);
				if (yn < 0)
					fprintf(stderr, "%s\n", _("please answer yes or no"));
			}
			if (yn < 0)
				break;
			answers[q] = yn ? BRON_ANSWER_YES : BRON_ANSWER_NO;
		}
	}
	free_text(ans);
	ans = NULL;
	int complete = answers[BRON_CHECK_COUNT - 1] != 0;
	if (rc == EXIT_OK && !complete) {
		say_error(cancelled ? _("cancelled; the plan was not saved")
		                    : _("the answers ended early; the plan was "
		                        "not saved"));
		rc = cancelled ? EXIT_NOTHING : EXIT_USAGE;
	}
	if (rc == EXIT_OK) {
		free_text(x.plan.what);
		free_text(x.plan.why);
		x.plan.what = what;
		x.plan.why = why;
		what = why = NULL;
		x.plan.audience = roles;
		memcpy(x.plan.answers, answers, sizeof(answers));
		x.plan.made = x.updated = (int64_t)time(NULL);
		unsigned fails = bron_plan_failures(&x.plan);
		if (fails) {
			printf("%s\n", _("Not yet. The check suggests waiting, "
			                 "because:"));
			for (int q = 0; q < BRON_CHECK_COUNT; q++)
				if (fails & (1u << q))
					printf("  - %s\n", _(check_reasons[q]));
			if (x.decision == BRON_LEVEL_SHAREABLE ||
			    x.decision == BRON_UNDECIDED) {
				x.decision = BRON_LEVEL_NOT_YET;
				printf("%s\n", _("The decision for this experience is "
				                 "now 'not yet'."));
			}
		} else {
			printf("%s\n", _("The plan passes the check."));
			if (x.decision != BRON_LEVEL_SHAREABLE)
				printf("%s\n",
				       _("To use it, set the decision: bron experience "
				         "edit ID --decision use"));
		}
		rc = save_experience(c, &id, rev, &x);
	}
	free_text(what);
	free_text(why);
	bron_experience_release(&x);
	return rc;
}

/* ---- the log of disclosures ---- */

/* 1 when text holds something the detector takes for a person's name. */
static int names_a_person(const char *text)
{
	struct bron_redaction out = {0};
	struct bron_redactor *r = bron_redactor_new(BRON_LANG_AUTO, NULL);
	int found = 0;
	if (r && bron_redact(r, text, strlen(text), &out, NULL) == BRON_OK)
		for (size_t i = 0; i < out.nrepl; i++)
			found |= out.repl[i].cat == BRON_CAT_PERSON;
	bron_redaction_free(&out);
	bron_redactor_free(r);
	return found;
}

static int disclosed_list(struct cli *c, bron_id id)
{
	struct journal j;
	int rc = journal_load(c, &j);
	if (rc != EXIT_OK)
		return rc;
	size_t n = 0;
	for (size_t i = 0; i < j.nd; i++)
		if (j.d[i].d.experience == id) {
			print_disclosure(&j.d[i].d);
			n++;
		}
	if (!n)
		printf("%s\n", _("Nothing shared of this experience yet."));
	journal_free(&j);
	return n ? EXIT_OK : EXIT_NOTHING;
}

int cmd_disclosed(struct cli *c, const struct args *a)
{
	struct bron_disclosure d;
	struct bron_experience x;
	bron_id xid;
	int cancelled = 0;
	int rc = resolve_experience(c, a->pos[0], &xid, &x, NULL);
	if (rc != EXIT_OK)
		return rc;
	if (arg_flag(a, "list")) {
		bron_experience_release(&x);
		return disclosed_list(c, xid);
	}
	memset(&d, 0, sizeof(d));
	d.when = (int64_t)time(NULL);
	d.experience = xid;
	fprintf(stderr, _("You shared something of \"%s\".\n"), x.title);
	char *role = option_or_ask(a, "role",
	                           _("With whom, as a role (client, colleague, "
	                             "team, supervisor, intervision, or your own "
	                             "words, never a name)?"),
	                           &cancelled);
	if (!role || !*role) {
		say_error(cancelled ? _("cancelled; nothing was saved")
		                    : _("a disclosure needs a role"));
		rc = cancelled ? EXIT_NOTHING : EXIT_USAGE;
	} else if (vocab_index(&vocab_roles, role) < 0 && names_a_person(role)) {
		say_error(_("'%s' looks like a name; give a role instead "
		            "(client, colleague, team, supervisor, intervision)"),
		          role);
		rc = EXIT_USAGE;
	} else {
		const char *key = vocab_key(&vocab_roles, role);
		if (key) {
			free_text(role);
			role = strdup(key);
		}
		d.role = role;
		role = NULL;
		d.context = option_or_ask(a, "context",
		                          _("In what situation?"), &cancelled);
		if (d.context)
			d.outcome = option_or_ask(a, "outcome", _("How did it go?"),
			                          &cancelled);
		if (d.outcome)
			d.differently = option_or_ask(
				a, "differently",
				_("What would you do differently next time?"),
				&cancelled);
		if (!d.role || cancelled) {
			say_error(_("cancelled; nothing was saved"));
			rc = EXIT_NOTHING;
		}
	}
	free_text(role);
	if (rc == EXIT_OK) {
		struct bron_error err;
		uint8_t *buf;
		size_t len;
		bron_id id = 0;
		if (bron_disclosure_encode(&d, &buf, &len, &err) != BRON_OK)
			rc = fail(&err);
		else
			rc = save_record(c, &id, 0, buf, len);
		if (rc == EXIT_OK) {
			printf("%016llx\n", (unsigned long long)id);
			if (x.decision != BRON_LEVEL_SHAREABLE)
				fprintf(stderr, "%s\n",
				        _("Noted. This experience is not marked 'use', so "
				          "the note stays out of supervision views."));
		}
	}
	bron_disclosure_release(&d);
	bron_experience_release(&x);
	return rc;
}

/* ---- triggers and pitfalls ---- */

static void print_list(const char *heading, char *const *v, size_t n)
{
	printf("%s\n", heading);
	if (!n)
		printf("  %s\n", _("(nothing yet)"));
	for (size_t i = 0; i < n; i++)
		printf("  %zu. %s\n", i + 1, v[i]);
}

int cmd_triggers(struct cli *c, const struct args *a)
{
	struct bron_error err;
	struct journal j;
	int sub = a->npos ? word_index(triggers_subcommands, a->pos[0]) : 0;
	int rc = journal_load(c, &j);
	if (rc != EXIT_OK)
		return rc;
	struct bron_triggers *t = &j.t;
	if (sub == 0) {
		if (a->npos > 1) {
			say_error(_("'triggers show' takes nothing more"));
			journal_free(&j);
			return EXIT_USAGE;
		}
		print_list(_("Triggers (what sets a downturn off):"), t->triggers,
		           t->ntriggers);
		print_list(_("Early signals:"), t->signals, t->nsignals);
		print_list(_("What helps then:"), t->helps, t->nhelps);
		printf("%s\n", _("This plan is private: it never appears in a "
		                 "supervision view."));
		journal_free(&j);
		return EXIT_OK;
	}
	if (a->npos < 3) {
		say_error(sub == 1 ? _("use: bron triggers add trigger|signal|helps "
		                       "TEXT")
		                   : _("use: bron triggers remove "
		                       "trigger|signal|helps NUMBER"));
		journal_free(&j);
		return EXIT_USAGE;
	}
	int which = triggers_list(a->pos[1]);
	char ***list = which == 0 ? &t->triggers
	               : which == 1 ? &t->signals
	                            : &t->helps;
	size_t *n = which == 0 ? &t->ntriggers
	            : which == 1 ? &t->nsignals
	                         : &t->nhelps;
	if (sub == 1) {
		if (!*a->pos[2]) {
			say_error(_("nothing to add"));
			rc = EXIT_USAGE;
		} else if (bron_strlist_add(list, n, a->pos[2], &err) != BRON_OK) {
			rc = fail(&err);
		}
	} else {
		char *end;
		errno = 0;
		unsigned long k = strtoul(a->pos[2], &end, 10);
		if (errno || *end || k < 1 || k > *n) {
			say_error(_("'%s' is not a number from the list; 'bron "
			            "triggers' shows them"),
			          a->pos[2]);
			rc = EXIT_USAGE;
		} else {
			free_text((*list)[k - 1]);
			memmove(&(*list)[k - 1], &(*list)[k],
			        (*n - k) * sizeof(char *));
			(*n)--;
		}
	}
	if (rc == EXIT_OK) {
		uint8_t *buf;
		size_t len;
		t->updated = (int64_t)time(NULL);
		if (bron_triggers_encode(t, &buf, &len, &err) != BRON_OK)
			rc = fail(&err);
		else
			rc = save_record(c, &j.trig_id,
			                 j.has_triggers ? j.trig_rev : 0, buf, len);
	}
	if (rc == EXIT_OK)
		fprintf(stderr, "%s\n", _("triggers plan saved"));
	journal_free(&j);
	return rc;
}

/* ---- reflection questions ---- */

int cmd_prompt(struct cli *c, const struct args *a)
{
	struct journal j;
	int rc = journal_load(c, &j);
	if (rc != EXIT_OK)
		return rc;
	struct bron_prompt_gaps g;
	const char *empty[16];
	memset(&g, 0, sizeof(g));
	for (unsigned i = 1; area_by_index(i); i++) {
		size_t n = 0;
		for (size_t k = 0; k < j.ne; k++)
			n += j.e[k].area == i;
		if (!n && g.nempty_areas < sizeof(empty) / sizeof(empty[0]))
			empty[g.nempty_areas++] = area_by_index(i);
	}
	g.empty_areas = empty;
	g.experiences = j.nx;
	for (size_t i = 0; i < j.nx; i++) {
		g.undecided += j.x[i].x.decision == BRON_UNDECIDED;
		g.unplanned += j.x[i].x.decision == BRON_LEVEL_SHAREABLE &&
		               !has_plan(&j.x[i].x);
	}
	for (size_t k = 0; k < j.ne; k++)
		if (j.e[k].phase >= 1 && j.e[k].phase <= 4)
			g.phases_seen[j.e[k].phase]++;
	g.has_triggers = j.has_triggers &&
	                 (j.t.ntriggers || j.t.nsignals || j.t.nhelps);
	const char *area = a->npos ? area_key(a->pos[0]) : NULL;
	const struct bron_prompt *p =
		bron_prompt_pick(&g, area, randombytes_random());
	printf("%s\n", _(p->text));
	journal_free(&j);
	return EXIT_OK;
}

/* ---- the picture of recovery ---- */

struct pathbuf {
	struct bron_chart_path *paths;
	struct bron_phase_point *points;
};

static int by_when(const void *a, const void *b)
{
	const struct bron_phase_point *x = a, *y = b;
	return (x->when > y->when) - (x->when < y->when);
}

/*
 * Each experience's path: its own phase placements and the phases of the
 * entries that belong to it, by date.  With only_shared, experiences the
 * author decided to use, and only their shareable entries.
 */
static int build_paths(struct journal *j, int only_shared,
                       struct pathbuf *pb, size_t *npaths)
{
	size_t total = 0;
	for (size_t i = 0; i < j->nx; i++)
		total += j->x[i].x.nphases;
	for (size_t k = 0; k < j->ne; k++)
		total += j->e[k].experience && j->e[k].phase;
	pb->paths = calloc(j->nx ? j->nx : 1, sizeof(*pb->paths));
	pb->points = calloc(total ? total : 1, sizeof(*pb->points));
	if (!pb->paths || !pb->points) {
		free(pb->paths);
		free(pb->points);
		say_error(_("out of memory"));
		return EXIT_INTERNAL;
	}
	size_t at = 0, n = 0;
	for (size_t i = 0; i < j->nx; i++) {
		const struct bron_experience *x = &j->x[i].x;
		if (only_shared && x->decision != BRON_LEVEL_SHAREABLE)
			continue;
		struct bron_phase_point *start = pb->points + at;
		for (size_t p = 0; p < x->nphases; p++)
			pb->points[at++] = x->phases[p];
		for (size_t k = 0; k < j->ne; k++) {
			const struct erec *e = &j->e[k];
			if (e->experience != j->x[i].id || !e->phase ||
			    (only_shared && e->level != BRON_LEVEL_SHAREABLE))
				continue;
			pb->points[at].when = e->created;
			pb->points[at++].phase = e->phase;
		}
		size_t np = (size_t)(pb->points + at - start);
		qsort(start, np, sizeof(*start), by_when);
		pb->paths[n].title = x->title;
		pb->paths[n].points = start;
		pb->paths[n].npoints = np;
		n++;
	}
	*npaths = n;
	return EXIT_OK;
}

static void pathbuf_free(struct pathbuf *pb)
{
	free(pb->paths);
	free(pb->points);
}

int cmd_overview(struct cli *c, const struct args *a)
{
	struct bron_error err;
	struct journal j;
	int shared = arg_flag(a, "shareable");
	int rc = journal_load(c, &j);
	if (rc != EXIT_OK)
		return rc;
	struct bron_chart_bar levels[3], areas[16], phases[4];
	size_t nareas = 0;
	for (int l = 0; l < 3; l++) {
		levels[l].label = level_label(2 - l);
		levels[l].value = 0;
	}
	for (int p = 0; p < 4; p++) {
		phases[p].label = bron_phase_label(p + 1);
		phases[p].value = 0;
	}
	for (size_t k = 0; k < j.ne; k++) {
		if (shared && j.e[k].level != BRON_LEVEL_SHAREABLE)
			continue;
		if (j.e[k].level >= 0 && j.e[k].level <= 2)
			levels[2 - j.e[k].level].value++;
		if (j.e[k].phase >= 1 && j.e[k].phase <= 4)
			phases[j.e[k].phase - 1].value++;
	}
	for (unsigned i = 1; area_by_index(i) && nareas < 16; i++) {
		size_t n = 0;
		for (size_t k = 0; k < j.ne; k++)
			n += j.e[k].area == i &&
			     (!shared || j.e[k].level == BRON_LEVEL_SHAREABLE);
		if (n) {
			areas[nareas].label = area_label(area_by_index(i));
			areas[nareas++].value = n;
		}
	}
	struct pathbuf pb;
	size_t npaths;
	if ((rc = build_paths(&j, shared, &pb, &npaths)) != EXIT_OK) {
		journal_free(&j);
		return rc;
	}
	/* The shareable picture shows titles as a supervision view would. */
	struct bron_redactor *r = NULL;
	char **titles = calloc(npaths ? npaths : 1, sizeof(char *));
	if (!titles) {
		say_error(_("out of memory"));
		rc = EXIT_INTERNAL;
	} else if (shared && npaths && !(r = vault_redactor(c))) {
		rc = EXIT_INTERNAL;
	}
	for (size_t i = 0; rc == EXIT_OK && shared && i < npaths; i++) {
		if (!(titles[i] = redact_plain(r, pb.paths[i].title)))
			rc = EXIT_INTERNAL;
		else
			pb.paths[i].title = titles[i];
	}
	bron_redactor_free(r);
	if (rc != EXIT_OK)
		goto done;
	struct bron_overview o = {
		.title = _("A picture of recovery"),
		/* the language of this translation, as the HTML view has it */
		.lang = _("en"),
		/* Counting levels would count private entries: not when
		 * only the shareable part is drawn. */
		.groups = {{_("Entries per level"), levels, shared ? 0 : 3},
		           {_("Entries per life area"), areas, nareas},
		           {_("Entries per phase"), phases, 4}},
		.paths_caption = _("Each experience through the phases"),
		.phase_names = {bron_phase_label(1), bron_phase_label(2),
		                bron_phase_label(3), bron_phase_label(4)},
		.empty = _("No experience has a phase yet."),
		.paths = pb.paths,
		.npaths = npaths,
	};
	char *out = NULL;
	size_t len = 0;
	const char *svg = arg_value(a, "svg");
	bron_err code;
	if (svg) {
		code = bron_chart_svg(&o, &out, &len, &err);
	} else {
		const char *cs = nl_langinfo(CODESET);
		code = bron_chart_text(&o, term_width(), cs && strcmp(cs, "UTF-8") == 0,
		                       &out, &len, &err);
	}
	if (code != BRON_OK) {
		rc = fail(&err);
	} else if (svg) {
		rc = write_private_file(svg, out, len, arg_flag(a, "force"));
		if (rc == EXIT_OK && !shared)
			fprintf(stderr, _("picture written to %s; it holds the titles "
			                  "of all your experiences, so keep it as safe "
			                  "as the journal (--shareable draws only what a "
			                  "supervision view may show)\n"),
			        svg);
		else if (rc == EXIT_OK)
			fprintf(stderr, _("picture written to %s\n"), svg);
	} else {
		fwrite(out, 1, len, stdout);
	}
	if (out)
		bron_secret_free(out, len + 1);
done:
	for (size_t i = 0; titles && i < npaths; i++)
		free_text(titles[i]);
	free(titles);
	pathbuf_free(&pb);
	journal_free(&j);
	return rc;
}
