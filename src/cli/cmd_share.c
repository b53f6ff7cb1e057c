/*
 * cmd_share.c - what leaves the journal: the pseudonym list (names), the
 * supervision view, the log of views written (shared), and redact, the
 * same redaction as a filter without a vault.
 */
#define _GNU_SOURCE /* mkostemp */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bron/markup.h"
#include "bron/redact.h"
#include "bron/reflect.h"
#include "bron/share.h"
#include "bron/view.h"
#include "cli.h"
#include "commands.h"
#include "i18n.h"
#include "vocab.h"

/* How each category is named in the preview's summary. */
static const char *const cat_labels[BRON_CAT_COUNT] = {
	N_("pseudonym"),   N_("person"),         N_("place"),
	N_("address"),     N_("institution"),    N_("date"),
	N_("age"),         N_("phone number"),   N_("e-mail address"),
	N_("link"),        N_("BSN"),            N_("IBAN"),
	N_("postcode"),    N_("licence plate"),
};

const char *const format_names[] = {"md", "txt", "html", "json", NULL};
const char *const withheld_names[] = {"omit", "placeholder", "count", NULL};
const char *const lang_names[] = {"auto", "nl", "en", NULL};
const char *const names_subcommands[] = {"add", "list", "remove", NULL};

int word_index(const char *const *words, const char *s)
{
	for (int i = 0; s && words[i]; i++)
		if (strcmp(words[i], s) == 0)
			return i;
	return -1;
}

static void wipe_free(char *s, size_t n)
{
	if (s) {
		sodium_memzero(s, n);
		free(s);
	}
}

/* ---- the pseudonym list ---- */

struct namelist {
	struct bron_name *v;
	bron_id *ids;
	uint64_t *revs;
	size_t n, cap;
};

static void names_free(struct namelist *l)
{
	for (size_t i = 0; i < l->n; i++)
		bron_name_release(&l->v[i]);
	free(l->v);
	free(l->ids);
	free(l->revs);
	memset(l, 0, sizeof(*l));
}

/* Takes over *nm into the list; -1 when out of memory. */
static int names_push(struct namelist *l, bron_id id, uint64_t rev,
                      struct bron_name *nm)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct bron_name *v = realloc(l->v, cap * sizeof(*v));
		if (v)
			l->v = v;
		bron_id *ids = realloc(l->ids, cap * sizeof(*ids));
		if (ids)
			l->ids = ids;
		uint64_t *revs = realloc(l->revs, cap * sizeof(*revs));
		if (revs)
			l->revs = revs;
		if (!v || !ids || !revs)
			return -1;
		l->cap = cap;
	}
	l->v[l->n] = *nm;
	l->ids[l->n] = id;
	l->revs[l->n++] = rev;
	memset(nm, 0, sizeof(*nm));
	return 0;
}

/* The label a name is shown with: the author's, or "Person A". */
static void name_label(const struct bron_name *n, char *buf, size_t cap)
{
	char letters[8];
	if (n->label) {
		snprintf(buf, cap, "%s", n->label);
		return;
	}
	bron_name_letters(n->auto_no, letters);
	/* TRANSLATORS: an automatic pseudonym, %s is A, B, C, ... */
	snprintf(buf, cap, _("Person %s"), letters);
}

int same_name(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *fa = malloc(la + 1), *fb = malloc(lb + 1);
	int same = 0;
	if (fa && fb) {
		size_t na = bron_fold(a, la, fa), nb = bron_fold(b, lb, fb);
		same = na == nb && memcmp(fa, fb, na) == 0;
	}
	wipe_free(fa, la + 1);
	wipe_free(fb, lb + 1);
	return same;
}

/* ---- reading the vault once for supervision or names ---- */

struct collect {
	const struct filter *f;    /* NULL: entries are not wanted */
	enum bron_withheld withheld;
	struct bron_entry *e;
	bron_id *ids;
	size_t n, cap;
	struct namelist names;
	/* experiences the author decided to use, their notes, and the phases
	 * of shareable entries that belong to an experience */
	struct xkeep {
		bron_id id;
		struct bron_experience x;
	} *x;
	size_t nx;
	struct bron_disclosure *d;
	size_t nd;
	struct xpoint {
		uint64_t exp;
		int64_t when;
		int phase, in_view;
	} *pts;
	size_t npts;
	struct bron_error why;
	bron_err err;
};

/* Room for one more in a doubling array. */
static int room(void **arr, size_t n, size_t size)
{
	if ((n & (n - 1)) == 0) { /* 0, 1, 2, 4, ... */
		void *p = realloc(*arr, (n ? 2 * n : 1) * size);
		if (!p)
			return -1;
		*arr = p;
	}
	return 0;
}

static int in_range(const struct filter *f, int64_t t)
{
	return (!f->has_since || t >= f->since) &&
	       (!f->has_until || t < f->until);
}

/*
 * Experiences, notes and phase points for the view.  Only experiences the
 * author decided to use are kept past this point; a selection by tag or
 * aspect (which experiences do not have) leaves them all out.
 */
static int collect_reflection(struct collect *k, bron_id id,
                              const uint8_t *data, size_t len)
{
	const struct filter *f = k->f;
	if (data[0] == BRON_KIND_EXPERIENCE) {
		struct bron_experience x;
		if (bron_experience_decode(data, len, &x, &k->why) != BRON_OK)
			return -1;
		int keep = x.decision == BRON_LEVEL_SHAREABLE && !f->tag &&
		           !f->aspect && (!f->area ||
		                          (x.area && strcmp(x.area, f->area) == 0)) &&
		           (!f->kind || (x.kind && strcmp(x.kind, f->kind) == 0)) &&
		           (!f->phase || bron_experience_phase(&x) == f->phase);
		if (keep && room((void **)&k->x, k->nx, sizeof(*k->x)) == 0) {
			k->x[k->nx].id = id;
			k->x[k->nx++].x = x;
			return 0;
		}
		bron_experience_release(&x);
		return keep ? -2 : 0;
	}
	if (data[0] == BRON_KIND_DISCLOSURE) {
		struct bron_disclosure d;
		if (bron_disclosure_decode(data, len, &d, &k->why) != BRON_OK)
			return -1;
		int keep = in_range(f, d.when);
		if (keep && room((void **)&k->d, k->nd, sizeof(*k->d)) == 0) {
			k->d[k->nd++] = d;
			return 0;
		}
		bron_disclosure_release(&d);
		return keep ? -2 : 0;
	}
	return 0;
}

static int keep_point(struct collect *k, const struct bron_entry *e,
                      int in_view)
{
	if (e->level != BRON_LEVEL_SHAREABLE || !e->experience || !e->phase)
		return 0;
	if (room((void **)&k->pts, k->npts, sizeof(*k->pts)) != 0)
		return -1;
	k->pts[k->npts++] = (struct xpoint){e->experience, e->created,
	                                    e->phase, in_view};
	return 0;
}

static int keep_entry(struct collect *k, bron_id id, struct bron_entry *e)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 32;
		struct bron_entry *v = realloc(k->e, cap * sizeof(*v));
		if (v)
			k->e = v;
		bron_id *ids = realloc(k->ids, cap * sizeof(*ids));
		if (ids)
			k->ids = ids;
		if (!v || !ids)
			return -1;
		k->cap = cap;
	}
	k->e[k->n] = *e;
	k->ids[k->n++] = id;
	bron_entry_init(e);
	return 0;
}

static int collect_one(void *ctx, bron_id id, uint64_t rev,
                       const uint8_t *data, size_t len)
{
	struct collect *k = ctx;
	if (len && data[0] == BRON_KIND_NAME) {
		struct bron_name nm;
		if (bron_name_decode(data, len, &nm, &k->why) != BRON_OK) {
			k->err = k->why.code;
			return 1;
		}
		if (names_push(&k->names, id, rev, &nm) != 0) {
			bron_name_release(&nm);
			k->err = BRON_E_NOMEM;
			return 1;
		}
		return 0;
	}
	if (k->f && len && (data[0] == BRON_KIND_EXPERIENCE ||
	                    data[0] == BRON_KIND_DISCLOSURE)) {
		int r = collect_reflection(k, id, data, len);
		if (r != 0)
			k->err = r == -1 ? k->why.code : BRON_E_NOMEM;
		return r != 0;
	}
	if (!k->f || !len || data[0] != BRON_KIND_ENTRY)
		return 0;
	struct bron_entry e;
	bron_entry_init(&e);
	if (bron_entry_decode(data, len, &e, &k->why) != BRON_OK) {
		k->err = k->why.code;
		return 1;
	}
	/* Private entries are dropped here, before anything else sees them. */
	int wanted = e.level == BRON_LEVEL_SHAREABLE ||
	             (e.level == BRON_LEVEL_NOT_YET &&
	              k->withheld != BRON_WITHHELD_OMIT);
	int match = filter_matches(k->f, &e);
	if (keep_point(k, &e, wanted && match) != 0 ||
	    (wanted && match && keep_entry(k, id, &e) != 0))
		k->err = BRON_E_NOMEM;
	bron_entry_release(&e);
	return k->err != BRON_OK;
}

static void collect_free(struct collect *k)
{
	for (size_t i = 0; i < k->n; i++)
		bron_entry_release(&k->e[i]);
	free(k->e);
	free(k->ids);
	names_free(&k->names);
	for (size_t i = 0; i < k->nx; i++)
		bron_experience_release(&k->x[i].x);
	free(k->x);
	for (size_t i = 0; i < k->nd; i++)
		bron_disclosure_release(&k->d[i]);
	free(k->d);
	free(k->pts);
}

static int collect(struct cli *c, struct collect *k)
{
	struct bron_error err;
	bron_err e = bron_vault_foreach(c->vault, collect_one, k, &err);
	if (e == BRON_OK && k->err != BRON_OK) {
		err = k->why;
		if (err.code != k->err)
			bron_error_clear(&err);
		e = err.code = k->err;
	}
	return e == BRON_OK ? EXIT_OK : fail(&err);
}

/* ---- names ---- */

static int save_record(struct cli *c, bron_id *id, const uint8_t *buf,
                       size_t len)
{
	struct bron_error err;
	if (bron_vault_put(c->vault, id, 0, buf, len, NULL, &err) != BRON_OK)
		return fail(&err);
	return EXIT_OK;
}

static int names_add(struct cli *c, const struct args *a,
                     struct namelist *l)
{
	const char *name = a->pos[1], *label = arg_value(a, "as");
	struct bron_error err;
	if (strspn(name, " \t") == strlen(name) || strchr(name, '\n') ||
	    (label && (strspn(label, " \t") == strlen(label) ||
	               strchr(label, '\n')))) {
		say_error(_("a name and its label must be one line of text"));
		return EXIT_USAGE;
	}
	uint32_t next = 1;
	for (size_t i = 0; i < l->n; i++) {
		if (same_name(l->v[i].name, name)) {
			say_error(_("'%s' is on the list already"), name);
			return EXIT_NOTHING;
		}
		if (l->v[i].auto_no >= next)
			next = l->v[i].auto_no + 1;
	}
	struct bron_name nm = {.created = (int64_t)time(NULL),
	                       .name = (char *)name,
	                       .label = (char *)label,
	                       .auto_no = label ? 0 : next};
	uint8_t *buf;
	size_t len;
	if (bron_name_encode(&nm, &buf, &len, &err) != BRON_OK)
		return fail(&err);
	bron_id id = 0;
	int rc = save_record(c, &id, buf, len);
	bron_secret_free(buf, len);
	if (rc == EXIT_OK) {
		char shown[256];
		name_label(&nm, shown, sizeof(shown));
		printf(_("'%s' will be shown as '%s'\n"), name, shown);
	}
	return rc;
}

static int names_remove(struct cli *c, const struct args *a,
                        struct namelist *l)
{
	struct bron_error err;
	for (size_t i = 0; i < l->n; i++)
		if (same_name(l->v[i].name, a->pos[1])) {
			if (bron_vault_delete(c->vault, l->ids[i], l->revs[i], &err) !=
			    BRON_OK)
				return fail(&err);
			printf(_("'%s' is no longer replaced\n"), l->v[i].name);
			return EXIT_OK;
		}
	say_error(_("'%s' is not on the list"), a->pos[1]);
	return EXIT_NOTHING;
}

static int by_name(const void *x, const void *y)
{
	return strcoll(((const struct bron_name *)x)->name,
	               ((const struct bron_name *)y)->name);
}

static int names_list(struct namelist *l)
{
	if (!l->n) {
		fprintf(stderr, "%s\n",
		        _("no names yet; add one with 'names add NAME'"));
		return EXIT_NOTHING;
	}
	/* ids and revisions are not needed here, so sort the names alone */
	qsort(l->v, l->n, sizeof(*l->v), by_name);
	for (size_t i = 0; i < l->n; i++) {
		char shown[256];
		name_label(&l->v[i], shown, sizeof(shown));
		printf("%s \xe2\x86\x92 %s\n", l->v[i].name, shown);
	}
	return EXIT_OK;
}

int cmd_names(struct cli *c, const struct args *a)
{
	int sub = word_index(names_subcommands, a->pos[0]);
	if (sub < 0 || (sub == 1) != (a->npos == 1) ||
	    (sub != 0 && arg_value(a, "as"))) {
		say_error(_("use 'names add NAME [--as LABEL]', 'names list' or "
		            "'names remove NAME'"));
		return EXIT_USAGE;
	}
	struct collect k = {0};
	int rc = collect(c, &k);
	if (rc == EXIT_OK)
		rc = sub == 0   ? names_add(c, a, &k.names)
		     : sub == 1 ? names_list(&k.names)
		                : names_remove(c, a, &k.names);
	collect_free(&k);
	return rc;
}

/* ---- writing a view ---- */

/* Writes all of buf to fd; 0 or an errno. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? errno : EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Writes text to path, 0600.  Without force an existing file is left
 * alone; with it the file is replaced through a temporary name, so a
 * failure never leaves half a view in place of the old one.
 */
int write_private_file(const char *path, const char *text, size_t len,
                      int force)
{
	struct stat st;
	if (!force && lstat(path, &st) == 0) {
		say_error(_("%s exists; add --force to replace it"), path);
		return EXIT_USAGE;
	}
	char tmp[PATH_MAX];
	int n = snprintf(tmp, sizeof(tmp), "%s.partial-XXXXXX", path);
	if (n < 0 || (size_t)n >= sizeof(tmp)) {
		say_error(_("the path is too long"));
		return EXIT_USAGE;
	}
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		say_error(_("cannot create %s: %s"), path, strerror(errno));
		return EXIT_IO;
	}
	int e = fchmod(fd, 0600) != 0 ? errno : 0;
	if (!e)
		e = write_all(fd, text, len);
	if (!e && fsync(fd) != 0)
		e = errno;
	if (close(fd) != 0 && !e)
		e = errno;
	if (!e) {
		if (force)
			e = rename(tmp, path) != 0 ? errno : 0;
		else if (link(tmp, path) != 0)
			e = errno;
	}
	unlink(tmp); /* after link or a failure; harmless after rename */
	if (e == EEXIST) {
		say_error(_("%s exists; add --force to replace it"), path);
		return EXIT_USAGE;
	}
	if (e) {
		say_error(_("cannot write %s: %s"), path, strerror(e));
		return EXIT_IO;
	}
	return EXIT_OK;
}

/* The selection as the author gave it, for the log. */
static char *selection_text(const struct args *a)
{
	static const char *const keys[] = {"since", "until", "area", "tag",
	                                   "withheld", "to", NULL};
	size_t cap = 1;
	for (int i = 0; i < a->nset; i++)
		if (a->set[i].value)
			cap += strlen(a->set[i].opt->name) + strlen(a->set[i].value) + 5;
	char *s = calloc(1, cap);
	if (!s)
		return NULL;
	size_t used = 0;
	for (int i = 0; i < a->nset; i++)
		if (a->set[i].value && word_index(keys, a->set[i].opt->name) >= 0)
			used += (size_t)snprintf(s + used, cap - used, "%s--%s %s",
			                         used ? " " : "", a->set[i].opt->name,
			                         a->set[i].value);
	return s;
}

static bron_err log_view(struct cli *c, const struct args *a,
                         const struct bron_view *v,
                         const struct bron_view_stats *st, const char *dest,
                         struct bron_error *err)
{
	struct bron_shared s = {0};
	char *sel = selection_text(a);
	const char *fmt = arg_value(a, "format");
	char *abs = dest ? realpath(dest, NULL) : NULL;
	char sealed[32];
	fmt = fmt ? fmt : "md";
	if (bundle_wanted(a)) {
		snprintf(sealed, sizeof(sealed), "%s, age", fmt);
		fmt = sealed;
	}
	s.when = (int64_t)time(NULL);
	s.format = (char *)fmt;
	s.selection = sel;
	s.dest = abs ? abs : (char *)dest;
	s.ids = (uint64_t *)bron_view_ids(v, &s.nids);
	s.withheld = (uint32_t)st->withheld;
	for (int i = 0; i < BRON_CAT_COUNT; i++)
		s.replaced += (uint32_t)st->replaced[i];
	s.cut = (uint32_t)st->cut;
	uint8_t *buf;
	size_t len;
	bron_err e = bron_shared_encode(&s, &buf, &len, err);
	if (e == BRON_OK) {
		bron_id id = 0;
		e = bron_vault_put(c->vault, &id, 0, buf, len, NULL, err);
		bron_secret_free(buf, len);
	}
	if (sel)
		wipe_free(sel, strlen(sel) + 1);
	free(abs);
	return e;
}

/* The summary under a preview, on out. */
static void print_summary(FILE *out, const struct bron_view_stats *st,
                          enum bron_withheld withheld)
{
	/* counts for a person: with the locale's digit grouping (1.234) */
	fprintf(out, P_("%'zu entry shown", "%'zu entries shown", st->shown),
	        st->shown);
	if (st->withheld)
		fprintf(out,
		        withheld == BRON_WITHHELD_COUNT
		                ? P_("; %'zu not yet shareable (counted only)",
		                     "; %'zu not yet shareable (counted only)",
		                     st->withheld)
		                : P_("; %'zu not yet shareable (date and area only)",
		                     "; %'zu not yet shareable (date and area only)",
		                     st->withheld),
		        st->withheld);
	fprintf(out, "\n");
	size_t total = 0;
	for (int i = 0; i < BRON_CAT_COUNT; i++)
		total += st->replaced[i];
	fprintf(out, "%s", _("Replaced:"));
	if (!total)
		fprintf(out, " %s", _("nothing"));
	for (int i = 0, first = 1; i < BRON_CAT_COUNT; i++)
		if (st->replaced[i]) {
			fprintf(out, "%s %'zu %s", first ? "" : ",", st->replaced[i],
			        _(cat_labels[i]));
			first = 0;
		}
	fprintf(out, "\n");
	fprintf(out, P_("%'zu private passage cut\n", "%'zu private passages cut\n",
	                st->cut),
	        st->cut);
	if (st->unclosed)
		fprintf(out,
		        P_("%'zu entry has a passage opened with [[ and never "
		           "closed: the rest of it was cut\n",
		           "%'zu entries have a passage opened with [[ and never "
		           "closed: the rest of them was cut\n",
		           st->unclosed),
		        st->unclosed);
	if (st->nsuspects) {
		fprintf(out, "%s", _("Left alone, though they look like names:"));
		const char *s = st->suspects;
		for (size_t i = 0; i < st->nsuspects; i++, s += strlen(s) + 1)
			fprintf(out, "%s %s", i ? "," : "", s);
		fprintf(out, "\n%s\n",
		        _("(add any that are names with 'names add NAME')"));
	}
}

/* Prints text to out with the marked stretches highlighted. */
static void print_marked(FILE *out, int color, const char *text, size_t len,
                         const struct bron_view_mark *m, size_t nm)
{
	size_t at = 0;
	for (size_t i = 0; i < nm; i++) {
		if (m[i].start < at || m[i].start + m[i].len > len)
			continue;
		fwrite(text + at, 1, m[i].start - at, out);
		fputs(color ? (m[i].cut ? "\033[2m" : "\033[7m") : "\xc2\xbb", out);
		fwrite(text + m[i].start, 1, m[i].len, out);
		fputs(color ? "\033[0m" : "\xc2\xab", out);
		at = m[i].start + m[i].len;
	}
	fwrite(text + at, 1, len - at, out);
}

static int by_point_time(const void *a, const void *b)
{
	const struct bron_phase_point *x = a, *y = b;
	return (x->when > y->when) - (x->when < y->when);
}

static int by_exp_created(const void *a, const void *b)
{
	const struct xkeep *x = a, *y = b;
	if (x->x.created != y->x.created)
		return x->x.created < y->x.created ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/*
 * Offers one experience with its notes and phase path.  With a date
 * selection it appears only when a note or one of its entries falls in it.
 */
static int add_experience(struct bron_view *v, const struct collect *k,
                          const struct xkeep *xk, int json,
                          struct bron_error *err)
{
	const struct filter *f = k->f;
	const struct bron_experience *x = &xk->x;
	size_t nnotes = 0, npath = x->nphases, in_view = 0;
	for (size_t i = 0; i < k->nd; i++)
		nnotes += k->d[i].experience == xk->id;
	for (size_t i = 0; i < k->npts; i++)
		if (k->pts[i].exp == xk->id) {
			npath++;
			in_view += k->pts[i].in_view;
		}
	if ((f->has_since || f->has_until) && !nnotes && !in_view)
		return EXIT_OK;
	struct bron_view_note *notes = calloc(nnotes ? nnotes : 1,
	                                      sizeof(*notes));
	struct bron_phase_point *path = calloc(npath ? npath : 1,
	                                       sizeof(*path));
	if (!notes || !path) {
		free(notes);
		free(path);
		err->code = BRON_E_NOMEM;
		snprintf(err->msg, sizeof(err->msg), "%s", _("out of memory"));
		return EXIT_INTERNAL;
	}
	size_t n = 0;
	for (size_t i = 0; i < k->nd; i++) {
		const struct bron_disclosure *d = &k->d[i];
		if (d->experience != xk->id)
			continue;
		notes[n++] = (struct bron_view_note){
			d->when, json ? d->role : vocab_label(&vocab_roles, d->role),
			d->context,
			d->outcome, d->differently};
	}
	n = 0;
	for (size_t i = 0; i < x->nphases; i++)
		path[n++] = x->phases[i];
	for (size_t i = 0; i < k->npts; i++)
		if (k->pts[i].exp == xk->id)
			path[n++] = (struct bron_phase_point){k->pts[i].when,
			                                      k->pts[i].phase};
	qsort(path, npath, sizeof(*path), by_point_time);
	struct bron_view_experience ve = {
		.id = xk->id,
		.decision = x->decision,
		.title = x->title,
		.kind_label = x->kind ? vocab_label(&vocab_kinds, x->kind) : NULL,
		.kind_key = x->kind,
		.area_key = x->area,
		.notes = notes,
		.nnotes = nnotes,
		.path = path,
		.npath = npath,
	};
	bron_err code = bron_view_add_experience(v, &ve, err);
	free(notes);
	free(path);
	return code == BRON_OK ? EXIT_OK : EXIT_INTERNAL;
}

static int make_view(const struct bron_view_opts *o, struct bron_redactor *r,
                     struct collect *k, struct bron_view **v,
                     struct bron_error *err)
{
	*v = bron_view_new(o, r, err);
	if (!*v)
		return fail(err);
	for (size_t i = 0; i < k->n; i++)
		if (bron_view_add(*v, k->ids[i], &k->e[i], err) != BRON_OK)
			return fail(err);
	for (size_t i = 0; i < k->nx; i++)
		if (add_experience(*v, k, &k->x[i], o->format == BRON_VIEW_JSON,
		                   err) != EXIT_OK)
			return fail(err);
	return EXIT_OK;
}

static const char *ui_lang(void)
{
	/* TRANSLATORS: the language code of this translation, for HTML. */
	return _("en");
}

static int add_names(struct bron_redactor *r, const struct namelist *l,
                     struct bron_error *err)
{
	for (size_t i = 0; i < l->n; i++) {
		char label[256];
		name_label(&l->v[i], label, sizeof(label));
		if (bron_redactor_add_name(r, l->v[i].name, label, err) != BRON_OK)
			return fail(err);
	}
	return EXIT_OK;
}

struct bron_redactor *vault_redactor(struct cli *c)
{
	struct bron_error err;
	struct collect k = {0};
	struct bron_redactor *r = NULL;
	if (collect(c, &k) == EXIT_OK) {
		r = bron_redactor_new(BRON_LANG_AUTO, &err);
		if (!r)
			fail(&err);
		else if (add_names(r, &k.names, &err) != EXIT_OK) {
			bron_redactor_free(r);
			r = NULL;
		}
	}
	collect_free(&k);
	return r;
}

char *redact_plain(struct bron_redactor *r, const char *s)
{
	struct bron_error err;
	struct bron_redaction red = {0};
	char *cut = NULL, *out = NULL;
	size_t cutlen = 0;
	if (bron_markup_cut(s, strlen(s), "[\xe2\x80\xa6]", &cut, &cutlen, NULL,
	                    &err) == BRON_OK &&
	    bron_redact(r, cut, cutlen, &red, &err) == BRON_OK)
		out = strdup(red.text);
	else
		fail(&err);
	bron_redaction_free(&red);
	if (cut)
		bron_secret_free(cut, cutlen + 1);
	return out;
}

int cmd_supervision(struct cli *c, const struct args *a)
{
	struct filter f;
	struct collect k = {0};
	struct bron_error err;
	struct bron_redactor *r = NULL;
	struct bron_view *pv = NULL, *v = NULL;
	char *ptext = NULL, *text = NULL;
	size_t plen = 0, len = 0;
	struct bron_view_stats st;
	const struct bron_view_mark *marks;
	size_t nmarks;
	const char *out = arg_value(a, "out");
	int rc;

	parse_filter(a, &f);
	f.level = -1;
	struct bron_view_opts o = {
	        .format = (enum bron_view_format)(
	                arg_value(a, "format")
	                        ? word_index(format_names, arg_value(a, "format"))
	                        : BRON_VIEW_MD),
	        .withheld = (enum bron_withheld)(
	                arg_value(a, "withheld")
	                        ? word_index(withheld_names,
	                                     arg_value(a, "withheld"))
	                        : BRON_WITHHELD_OMIT),
	        .generated = (int64_t)time(NULL),
	        .lang = ui_lang(),
	        .area_label = area_label,
	};
	k.f = &f;
	k.withheld = o.withheld;
	int bundle = bundle_wanted(a);
	if ((rc = bundle_check(a)) != EXIT_OK || (rc = collect(c, &k)) != EXIT_OK)
		goto done;
	if (k.nx > 1)
		qsort(k.x, k.nx, sizeof(*k.x), by_exp_created);
	r = bron_redactor_new(BRON_LANG_AUTO, &err);
	if (!r) {
		rc = fail(&err);
		goto done;
	}
	if ((rc = add_names(r, &k.names, &err)) != EXIT_OK)
		goto done;

	/* On a terminal, a preview first; the final view reuses the same
	 * redactor, so its placeholders are the ones the author saw. */
	FILE *pout = out ? stdout : stderr;
	int preview = !arg_flag(a, "yes") && isatty(STDIN_FILENO) &&
	              isatty(fileno(pout)) &&
	              (out || bundle || !isatty(STDOUT_FILENO));
	if (preview) {
		struct bron_view_opts po = o;
		po.format = BRON_VIEW_TXT;
		if ((rc = make_view(&po, r, &k, &pv, &err)) != EXIT_OK)
			goto done;
		if (bron_view_finish(pv, &ptext, &plen, &st, &marks, &nmarks,
		                     &err) != BRON_OK) {
			rc = fail(&err);
			goto done;
		}
		print_marked(pout, out ? c->color : 0, ptext, plen, marks, nmarks);
		fprintf(pout, "\n");
		print_summary(pout, &st, o.withheld);
		fflush(pout);
		if (!confirm(bundle ? _("Encrypt this view for the recipients?")
		             : out  ? _("Write this view to the file?")
		                    : _("Write this view?"))) {
			fprintf(stderr, "%s\n", _("nothing written"));
			rc = EXIT_NOTHING;
			goto done;
		}
	}
	if ((rc = make_view(&o, r, &k, &v, &err)) != EXIT_OK)
		goto done;
	if (bron_view_finish(v, &text, &len, &st, &marks, &nmarks, &err) !=
	    BRON_OK) {
		rc = fail(&err);
		goto done;
	}
	if (bundle) {
		char *sealed = NULL;
		size_t slen = 0, nrecip = 0;
		rc = bundle_seal(c, a, text, len, &sealed, &slen, &nrecip);
		if (rc == EXIT_OK && out) {
			rc = write_private_file(out, sealed, slen, arg_flag(a, "force"));
			if (rc == EXIT_OK &&
			    log_view(c, a, v, &st, out, &err) != BRON_OK) {
				unlink(out);
				rc = fail(&err);
			}
		} else if (rc == EXIT_OK) {
			fwrite(sealed, 1, slen, stdout);
			if (fflush(stdout) != 0) {
				say_error(_("cannot write the output: %s"), strerror(errno));
				rc = EXIT_IO;
			}
			if (rc == EXIT_OK && log_view(c, a, v, &st, NULL, &err) != BRON_OK)
				rc = fail(&err);
		}
		if (rc == EXIT_OK)
			fprintf(stderr,
			        P_("bundle encrypted for %zu recipient\n",
			           "bundle encrypted for %zu recipients\n", nrecip),
			        nrecip);
		free(sealed); /* ciphertext */
		goto done;
	}
	if (out) {
		/* Written, then logged; a view that cannot be logged is taken
		 * back, so the log never misses a file that bron wrote. */
		rc = write_private_file(out, text, len, arg_flag(a, "force"));
		if (rc == EXIT_OK && log_view(c, a, v, &st, out, &err) != BRON_OK) {
			unlink(out);
			rc = fail(&err);
		}
		if (rc == EXIT_OK)
			say_error(_("warning: %s is not encrypted; keep it safe and "
			            "delete it when you no longer need it"),
			          out);
		goto done;
	} else if (isatty(STDOUT_FILENO) &&
	           (o.format == BRON_VIEW_MD || o.format == BRON_VIEW_TXT)) {
		print_marked(stdout, c->color, text, len, marks, nmarks);
		print_summary(stderr, &st, o.withheld);
	} else {
		fwrite(text, 1, len, stdout);
	}
	if (rc == EXIT_OK && fflush(stdout) != 0) {
		say_error(_("cannot write the output: %s"), strerror(errno));
		rc = EXIT_IO;
	}
	if (rc == EXIT_OK && log_view(c, a, v, &st, out, &err) != BRON_OK)
		rc = fail(&err);
done:
	if (ptext)
		bron_secret_free(ptext, plen + 1);
	if (text)
		bron_secret_free(text, len + 1);
	bron_view_free(pv);
	bron_view_free(v);
	bron_redactor_free(r);
	collect_free(&k);
	return rc;
}

/* ---- the log ---- */

struct sharedlist {
	struct bron_shared *v;
	size_t n, cap;
	struct bron_error why;
	bron_err err;
};

static int shared_one(void *ctx, bron_id id, uint64_t rev,
                      const uint8_t *data, size_t len)
{
	struct sharedlist *l = ctx;
	(void)id, (void)rev;
	if (!len || data[0] != BRON_KIND_SHARED)
		return 0;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		struct bron_shared *v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			l->err = BRON_E_NOMEM;
			return 1;
		}
		l->v = v;
		l->cap = cap;
	}
	if (bron_shared_decode(data, len, &l->v[l->n], &l->why) != BRON_OK) {
		l->err = l->why.code;
		return 1;
	}
	l->n++;
	return 0;
}

static int newest_first(const void *x, const void *y)
{
	int64_t a = ((const struct bron_shared *)x)->when,
	        b = ((const struct bron_shared *)y)->when;
	return a < b ? 1 : a > b ? -1 : 0;
}

int cmd_shared(struct cli *c, const struct args *a)
{
	struct sharedlist l = {0};
	struct bron_error err;
	bron_err e = bron_vault_foreach(c->vault, shared_one, &l, &err);
	if (e == BRON_OK && l.err != BRON_OK) {
		err = l.why;
		if (err.code != l.err)
			bron_error_clear(&err);
		e = err.code = l.err;
	}
	int rc = e == BRON_OK ? EXIT_OK : fail(&err);
	int json = arg_flag(a, "json");
	if (rc == EXIT_OK && l.n)
		qsort(l.v, l.n, sizeof(*l.v), newest_first);
	if (rc == EXIT_OK && !l.n && !json) {
		fprintf(stderr, "%s\n", _("no views have been written yet"));
		rc = EXIT_NOTHING;
	}
	if (rc == EXIT_OK && json)
		printf("[");
	for (size_t i = 0; rc == EXIT_OK && i < l.n; i++) {
		const struct bron_shared *s = &l.v[i];
		char when[32];
		time_t t = (time_t)s->when;
		struct tm tm;
		/* scripts get ISO 8601; a person the order of the language */
		if (!localtime_r(&t, &tm) ||
		    !strftime(when, sizeof(when), json ? "%Y-%m-%dT%H:%M:%S%z"
		                                       : _("%Y-%m-%d %H:%M"),
		              &tm))
			snprintf(when, sizeof(when), "?");
		if (json) {
			printf("%s\n  {\"when\": \"%s\", \"format\": \"%s\", "
			       "\"withheld\": %u, \"replaced\": %u, \"cut\": %u, "
			       "\"entries\": [",
			       i ? "," : "", when,
			       word_index(format_names, s->format) >= 0 ? s->format
			                                                : "?",
			       s->withheld, s->replaced, s->cut);
			for (size_t k = 0; k < s->nids; k++)
				printf("%s\"%016llx\"", k ? ", " : "",
				       (unsigned long long)s->ids[k]);
			printf("], \"selection\": ");
			json_print_string(stdout, s->selection);
			printf(", \"file\": ");
			json_print_string(stdout, s->dest);
			printf("}");
			continue;
		}
		printf("%s  %-4s  ", when, s->format);
		printf(P_("%'zu entry", "%'zu entries", s->nids), s->nids);
		printf("  %s", s->dest ? s->dest : _("(standard output)"));
		if (s->selection && *s->selection)
			printf("  %s", s->selection);
		printf("\n");
		for (size_t k = 0; k < s->nids; k++)
			printf("    %0*llx\n", ID_SHORT,
			       (unsigned long long)(s->ids[k] >> (64 - 4 * ID_SHORT)));
	}
	if (rc == EXIT_OK && json)
		printf("%s]\n", l.n ? "\n" : "");
	for (size_t i = 0; i < l.n; i++)
		bron_shared_release(&l.v[i]);
	free(l.v);
	return rc;
}

/* ---- redact: a filter ---- */

/* Reads all of fp; NULL on error (errno) or when over limit bytes. */
static char *slurp(FILE *fp, size_t limit, size_t *len)
{
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (n + 1 >= cap) {
			if (cap > limit) {
				errno = EFBIG;
				wipe_free(buf, cap);
				return NULL;
			}
			char *p = malloc(2 * cap);
			if (p)
				memcpy(p, buf, n);
			wipe_free(buf, cap);
			buf = p;
			cap *= 2;
			continue;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
		if (got == 0) {
			if (ferror(fp)) {
				wipe_free(buf, cap);
				return NULL;
			}
			buf[n] = '\0';
			*len = n;
			return buf;
		}
	}
	return NULL;
}

/* Loads --names FILE: one "name" or "name=label" per line; # comments. */
static int load_names_file(struct bron_redactor *r, const char *path)
{
	struct bron_error err;
	FILE *fp = fopen(path, "re");
	if (!fp) {
		say_error(_("cannot read %s: %s"), path, strerror(errno));
		return errno == ENOENT ? EXIT_USAGE : EXIT_IO;
	}
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = EXIT_OK;
	while (rc == EXIT_OK && (n = getline(&line, &cap, fp)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		char *s = line + strspn(line, " \t");
		if (!*s || *s == '#')
			continue;
		char *eq = strchr(s, '=');
		const char *label = NULL;
		if (eq) {
			*eq = '\0';
			label = eq + 1 + strspn(eq + 1, " \t");
		}
		for (char *e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = '\0';
		if (!*s)
			continue;
		if (bron_redactor_add_name(r, s, label && *label ? label : NULL,
		                           &err) != BRON_OK)
			rc = fail(&err);
	}
	if (line)
		wipe_free(line, cap);
	fclose(fp);
	return rc;
}

int cmd_redact(struct cli *c, const struct args *a)
{
	(void)c;
	struct bron_error err;
	const char *lang = arg_value(a, "lang");
	int li = lang ? word_index(lang_names, lang) : 0;
	struct bron_redactor *r = bron_redactor_new(
	        li == 1 ? BRON_LANG_NL : li == 2 ? BRON_LANG_EN : BRON_LANG_AUTO,
	        &err);
	if (!r)
		return fail(&err);
	int rc = EXIT_OK;
	for (int i = 0; rc == EXIT_OK && i < a->nset; i++)
		if (strcmp(a->set[i].opt->name, "names") == 0)
			rc = load_names_file(r, a->set[i].value);
	size_t len = 0, cutlen = 0;
	char *in = NULL, *cut = NULL;
	struct bron_redaction red = {0};
	if (rc == EXIT_OK && !(in = slurp(stdin, (size_t)1 << 30, &len))) {
		say_error(_("cannot read standard input: %s"), strerror(errno));
		rc = errno == EFBIG ? EXIT_USAGE : EXIT_IO;
	}
	if (rc == EXIT_OK &&
	    (bron_markup_cut(in, len, "[\xe2\x80\xa6]", &cut, &cutlen, NULL,
	                     &err) != BRON_OK ||
	     bron_redact(r, cut, cutlen, &red, &err) != BRON_OK))
		rc = fail(&err);
	if (rc == EXIT_OK && (fwrite(red.text, 1, red.len, stdout) != red.len ||
	                      fflush(stdout) != 0)) {
		say_error(_("cannot write the output: %s"), strerror(errno));
		rc = EXIT_IO;
	}
	bron_redaction_free(&red);
	if (in)
		bron_secret_free(in, len + 1);
	if (cut)
		bron_secret_free(cut, cutlen + 1);
	bron_redactor_free(r);
	return rc;
}
