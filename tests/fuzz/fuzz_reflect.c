/* fuzz_reflect.c - experiences, disclosures and the triggers plan: decode
 * anything with all three decoders; what decodes re-encodes, decodes to the
 * same values, and encodes again to the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "bron/reflect.h"
#include "bron/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static int same_list(char *const *a, size_t na, char *const *b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (!a[i] || !same(a[i], b[i]))
			return 0;
	return 1;
}

static int same_experience(const struct bron_experience *x,
                           const struct bron_experience *y)
{
	if (x->created != y->created || x->updated != y->updated ||
	    !x->title || !*x->title || !same(x->title, y->title) ||
	    !same(x->kind, y->kind) || !same(x->area, y->area) ||
	    !same(x->happened, y->happened) || x->decision != y->decision ||
	    x->nphases != y->nphases || x->plan.made != y->plan.made ||
	    !same(x->plan.what, y->plan.what) ||
	    !same(x->plan.why, y->plan.why) ||
	    x->plan.audience != y->plan.audience ||
	    memcmp(x->plan.answers, y->plan.answers, BRON_CHECK_COUNT) != 0)
		return 0;
	for (size_t i = 0; i < x->nphases; i++)
		if (x->phases[i].when != y->phases[i].when ||
		    x->phases[i].phase != y->phases[i].phase)
			return 0;
	/* what the decoder lets through is in range */
	if (x->decision < BRON_UNDECIDED || x->decision > 2 ||
	    (x->plan.audience & ~(unsigned)BRON_AUD_ALL) ||
	    bron_experience_phase(x) < 0 || bron_experience_phase(x) > 4 ||
	    (x->nphases && bron_experience_phase(x) == 0) ||
	    bron_plan_failures(&x->plan) >= 1u << BRON_CHECK_COUNT)
		return 0;
	/* a plan's fields never come without its date */
	if (!x->plan.made && (x->plan.what || x->plan.why ||
	                      x->plan.audience))
		return 0;
	return 1;
}

static void experience(const uint8_t *data, size_t size)
{
	struct bron_experience x, y;
	uint8_t *out, *again;
	size_t len, len2;
	if (bron_experience_decode(data, size, &x, NULL) != BRON_OK) {
		if (x.title || x.phases || x.decision != BRON_UNDECIDED)
			abort(); /* a failed decode leaves nothing behind */
		return;
	}
	if (bron_experience_encode(&x, &out, &len, NULL) != BRON_OK ||
	    bron_experience_decode(out, len, &y, NULL) != BRON_OK ||
	    !same_experience(&x, &y))
		abort();
	if (bron_experience_encode(&y, &again, &len2, NULL) != BRON_OK ||
	    len2 != len || memcmp(again, out, len) != 0)
		abort();
	bron_secret_free(again, len2);
	bron_secret_free(out, len);
	bron_experience_release(&y);
	bron_experience_release(&x);
	if (x.title || x.phases || x.nphases || x.decision != BRON_UNDECIDED)
		abort();
}

static void disclosure(const uint8_t *data, size_t size)
{
	struct bron_disclosure d, e;
	uint8_t *out, *again;
	size_t len, len2;
	if (bron_disclosure_decode(data, size, &d, NULL) != BRON_OK) {
		if (d.role || d.context || d.outcome || d.differently)
			abort();
		return;
	}
	if (!d.experience ||
	    bron_disclosure_encode(&d, &out, &len, NULL) != BRON_OK ||
	    bron_disclosure_decode(out, len, &e, NULL) != BRON_OK)
		abort();
	if (d.when != e.when || d.experience != e.experience ||
	    !same(d.role, e.role) || !same(d.context, e.context) ||
	    !same(d.outcome, e.outcome) || !same(d.differently, e.differently))
		abort();
	if (bron_disclosure_encode(&e, &again, &len2, NULL) != BRON_OK ||
	    len2 != len || memcmp(again, out, len) != 0)
		abort();
	bron_secret_free(again, len2);
	bron_secret_free(out, len);
	bron_disclosure_release(&e);
	bron_disclosure_release(&d);
}

static void triggers(const uint8_t *data, size_t size)
{
	struct bron_triggers t, u;
	uint8_t *out, *again;
	size_t len, len2;
	if (bron_triggers_decode(data, size, &t, NULL) != BRON_OK) {
		if (t.triggers || t.signals || t.helps)
			abort();
		return;
	}
	if (bron_triggers_encode(&t, &out, &len, NULL) != BRON_OK ||
	    bron_triggers_decode(out, len, &u, NULL) != BRON_OK)
		abort();
	if (t.updated != u.updated ||
	    !same_list(t.triggers, t.ntriggers, u.triggers, u.ntriggers) ||
	    !same_list(t.signals, t.nsignals, u.signals, u.nsignals) ||
	    !same_list(t.helps, t.nhelps, u.helps, u.nhelps))
		abort();
	if (bron_triggers_encode(&u, &again, &len2, NULL) != BRON_OK ||
	    len2 != len || memcmp(again, out, len) != 0)
		abort();
	bron_secret_free(again, len2);
	bron_secret_free(out, len);
	bron_triggers_release(&u);
	bron_triggers_release(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* all three, whatever the kind byte: each must refuse the others */
	experience(data, size);
	disclosure(data, size);
	triggers(data, size);
	return 0;
}
