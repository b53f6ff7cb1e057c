/*
 * test_markup.c - private passages: what is cut, what stays, and that an
 * unclosed or odd passage always cuts more rather than less.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bron/markup.h"
#include "bron/vault.h"

struct mcase {
	const char *in, *marker, *want;
	size_t cut;
	int unclosed;
};

static const struct mcase cases[] = {
        {"", "", "", 0, 0},
        {"geen markering", "", "geen markering", 0, 0},
        {"voor [[geheim]] na", "", "voor  na", 1, 0},
        {"voor [[geheim]] na", "[…]", "voor […] na", 1, 0},
        {"[[alles]]", "", "", 1, 0},
        {"a [[b]] c [[d]] e", "#", "a # c # e", 2, 0},
        /* nesting: the outermost passage decides */
        {"a [[b [[c]] d]] e", "#", "a # e", 1, 0},
        {"a [[b [[c]] d e", "#", "a #", 1, 1},
        /* unclosed: the rest is private */
        {"begin [[ en nooit dicht", "#", "begin #", 1, 1},
        {"begin [[", "#", "begin #", 1, 1},
        /* a stray closer is text */
        {"a ]] b", "#", "a ]] b", 0, 0},
        /* escapes */
        {"letterlijk \\[[ haakjes", "#", "letterlijk [[ haakjes", 0, 0},
        {"letterlijk \\]] haakjes", "#", "letterlijk ]] haakjes", 0, 0},
        {"a [[b \\]] c]] d", "#", "a # d", 1, 0},
        {"a [[b \\]] c", "#", "a #", 1, 1},
        {"a [[b \\[[ c]] d", "#", "a # d", 1, 0},
        {"\\[[niet privé]]", "#", "[[niet privé]]", 0, 0},
        {"een \\ los", "#", "een \\ los", 0, 0},
        {"\\", "#", "\\", 0, 0},
        {"\\[", "#", "\\[", 0, 0},
        /* odd bracket runs */
        {"[[[x]]]", "#", "#]", 1, 0},
        {"[ [ x ] ]", "#", "[ [ x ] ]", 0, 0},
        {"[[]]", "#", "#", 1, 0},
        {"x[[y]]z", "", "xz", 1, 0},
        /* multi-byte text around and inside */
        {"één [[🌱 ü]] twee", "", "één  twee", 1, 0},
};

static void table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mcase *c = &cases[i];
		char *out;
		size_t len;
		struct bron_markup_stats st, chk;
		assert_int_equal(bron_markup_cut(c->in, strlen(c->in), c->marker,
		                                 &out, &len, &st, NULL),
		                 BRON_OK);
		if (strcmp(out, c->want) != 0)
			fail_msg("case %zu: %s -> \"%s\", want \"%s\"", i, c->in, out,
			         c->want);
		assert_int_equal(len, strlen(c->want));
		assert_int_equal(st.cut, c->cut);
		assert_int_equal(st.unclosed, c->unclosed);
		assert_int_equal(bron_markup_check(c->in, strlen(c->in), &chk),
		                 c->unclosed);
		assert_int_equal(chk.cut, c->cut);
		bron_secret_free(out, len + 1);
	}
}

static void unclosed_position(void **state)
{
	(void)state;
	const char *t = "a [[b]] c [[d [[e]] f";
	struct bron_markup_stats st;
	assert_int_equal(bron_markup_check(t, strlen(t), &st), 1);
	assert_int_equal(st.unclosed_at, 10);
	assert_int_equal(bron_markup_check("a [[b]]", 7, &st), 0);
	assert_int_equal(st.unclosed_at, 0);
}

/* Embedded NUL bytes and lengths shorter than the string are respected. */
static void lengths(void **state)
{
	(void)state;
	char *out;
	size_t len;
	assert_int_equal(bron_markup_cut("ab[[c]]", 3, "", &out, &len, NULL, NULL),
	                 BRON_OK);
	assert_string_equal(out, "ab[");
	bron_secret_free(out, len + 1);
	assert_int_equal(
	        bron_markup_cut("a\0[[b]]c", 8, "", &out, &len, NULL, NULL),
	        BRON_OK);
	assert_int_equal(len, 3);
	assert_memory_equal(out, "a\0c", 3);
	bron_secret_free(out, len + 1);
}

/* A canary inside any passage never reaches the output, whatever surrounds
 * it: every short string over the markup alphabet is tried. */
static void canary_exhaustive(void **state)
{
	(void)state;
	const char alpha[] = {'[', ']', '\\', 'x', ' '};
	char pre[8], text[64];
	for (int n = 0; n <= 6; n++) {
		long total = 1;
		for (int k = 0; k < n; k++)
			total *= 5;
		for (long v = 0; v < total; v++) {
			long w = v;
			for (int k = 0; k < n; k++, w /= 5)
				pre[k] = alpha[w % 5];
			size_t len = (size_t)n;
			memcpy(text, pre, len);
			memcpy(text + len, " [[KANARIE]] ", 13);
			memcpy(text + len + 13, pre, len);
			char *out;
			size_t olen;
			assert_int_equal(bron_markup_cut(text, 2 * len + 13, "", &out,
			                                 &olen, NULL, NULL),
			                 BRON_OK);
			assert_null(strstr(out, "KANARIE"));
			bron_secret_free(out, olen + 1);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(table),
	        cmocka_unit_test(unclosed_position),
	        cmocka_unit_test(lengths),
	        cmocka_unit_test(canary_exhaustive),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
