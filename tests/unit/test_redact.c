/*
 * test_redact.c - the redactor's API: placeholders stay the same for the
 * same original, offsets describe the output exactly, pseudonyms and their
 * labels, suspects, invalid input, and the generated lexicon itself.  The
 * detection cases themselves live in tests/redact/cases.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bron/bron.h"
#include "bron/redact.h"
#include "redact_lex.h"

static struct bron_redactor *new_nl(void)
{
	struct bron_error err;
	struct bron_redactor *r = bron_redactor_new(BRON_LANG_NL, &err);
	assert_non_null(r);
	return r;
}

static void redact(struct bron_redactor *r, const char *text,
                   struct bron_redaction *out)
{
	struct bron_error err;
	memset(out, 0, sizeof(*out));
	assert_int_equal(bron_redact(r, text, strlen(text), out, &err), BRON_OK);
}

/* The output is the input with every replaced span swapped for its
 * placeholder, and the offsets say exactly where. */
static void assert_consistent(const char *in, const struct bron_redaction *out)
{
	size_t at = 0, o = 0;
	assert_int_equal(strlen(out->text), out->len);
	for (size_t i = 0; i < out->nrepl; i++) {
		const struct bron_replacement *r = &out->repl[i];
		assert_true(r->in_start >= at);
		assert_int_equal(r->out_start - o, r->in_start - at);
		assert_memory_equal(out->text + o, in + at, r->in_start - at);
		assert_true(r->out_len >= 3);
		assert_int_equal(out->text[r->out_start], '[');
		assert_int_equal(out->text[r->out_start + r->out_len - 1], ']');
		at = r->in_start + r->in_len;
		o = r->out_start + r->out_len;
	}
	assert_int_equal(out->len - o, strlen(in) - at);
	assert_memory_equal(out->text + o, in + at, out->len - o);
}

static void cat_names(void **state)
{
	(void)state;
	assert_string_equal(bron_cat_name(BRON_CAT_PSEUDONYM), "pseudonym");
	assert_string_equal(bron_cat_name(BRON_CAT_PERSON), "person");
	assert_string_equal(bron_cat_name(BRON_CAT_PLATE), "plate");
	assert_string_equal(bron_cat_name(BRON_CAT_COUNT), "unknown");
}

static void placeholders(void **state)
{
	(void)state;
	struct bron_redactor *r = new_nl();
	struct bron_redaction out;
	const char *in = "Ik belde Zoë op 06-12345678. Later belde ik ZOE niet, "
	                 "maar wel Zoe op 06 1234 5678 en Sven op 0612345679.";
	redact(r, in, &out);
	assert_consistent(in, &out);
	assert_non_null(strstr(out.text, "belde [Person 1] op [Phone 1]."));
	assert_non_null(strstr(out.text, "wel [Person 1] op [Phone 1] en "
	                                 "[Person 2] op [Phone 2]."));
	bron_redaction_free(&out);
	assert_null(out.text);
	/* the same redactor keeps its numbers across texts */
	redact(r, "Sven kwam niet.", &out);
	assert_string_equal(out.text, "[Person 2] kwam niet.");
	bron_redaction_free(&out);
	size_t counts[BRON_CAT_COUNT];
	bron_redactor_counts(r, counts);
	assert_int_equal(counts[BRON_CAT_PERSON], 4);
	assert_int_equal(counts[BRON_CAT_PHONE], 3);
	assert_int_equal(counts[BRON_CAT_EMAIL], 0);
	bron_redactor_free(r);
}

static void person_parts(void **state)
{
	(void)state;
	struct bron_redactor *r = new_nl();
	struct bron_redaction out;
	redact(r, "Ik sprak Jan Visser. Later belde Visser terug.", &out);
	assert_string_equal(out.text, "Ik sprak [Person 1]. Later belde "
	                              "[Person 1] terug.");
	bron_redaction_free(&out);
	bron_redactor_free(r);
}

static void pseudonym_labels(void **state)
{
	(void)state;
	struct bron_error err;
	struct bron_redactor *r = new_nl();
	char name[32];
	/* 27 automatic labels: A..Z, then AA */
	for (int i = 0; i < 27; i++) {
		snprintf(name, sizeof(name), "Naam%c%c", 'a' + i % 26, 'a' + i / 26);
		assert_int_equal(bron_redactor_add_name(r, name, NULL, &err), BRON_OK);
	}
	assert_int_equal(bron_redactor_add_name(r, "Johan de Vries", "", &err),
	                 BRON_OK);
	assert_int_equal(bron_redactor_add_name(r, "Kees", "Klaas", &err), BRON_OK);
	assert_int_equal(bron_redactor_add_name(r, "", NULL, &err), BRON_E_INVALID);
	assert_int_equal(bron_redactor_add_name(r, "   ", NULL, &err),
	                 BRON_E_INVALID);
	struct bron_redaction out;
	const char *in = "Naamaa, Naamza en Naamab kwamen. Johans moeder en "
	                 "J. de Vries' vader belden Keesje en Kees.";
	redact(r, in, &out);
	assert_consistent(in, &out);
	assert_string_equal(out.text,
	                    "[Person A], [Person Z] en [Person AA] kwamen. "
	                    "[Person AB] moeder en [Person AB]' vader belden "
	                    "[Klaas] en [Klaas].");
	for (size_t i = 0; i < out.nrepl; i++)
		assert_int_equal(out.repl[i].cat, BRON_CAT_PSEUDONYM);
	bron_redaction_free(&out);
	bron_redactor_free(r);
}

/* A pseudonym inside an address or a link takes the whole of it along. */
static void pseudonym_in_address(void **state)
{
	(void)state;
	struct bron_error err;
	struct bron_redactor *r = new_nl();
	assert_int_equal(bron_redactor_add_name(r, "Tobias Marigold", NULL, &err),
	                 BRON_OK);
	struct bron_redaction out;
	const char *in = "Tobias mailde van tobias.marigold@gemeente-puddleby.nl "
	                 "en zie facebook.com/tobias.marigold of "
	                 "www.tobias.nl/over, of gemeente.nl/Tobias.";
	redact(r, in, &out);
	assert_consistent(in, &out);
	assert_string_equal(out.text, "[Person A] mailde van [E-mail 1] en zie "
	                              "[Link 1] of [Link 2], of [Link 3].");
	assert_null(strstr(out.text, "marigold"));
	assert_null(strstr(out.text, "puddleby"));
	bron_redaction_free(&out);
	bron_redactor_free(r);
}

static void suspects(void **state)
{
	(void)state;
	struct bron_redactor *r = new_nl();
	struct bron_redaction out;
	redact(r, "Ik heb weer Hoop, veel Hoop en Moed.", &out);
	assert_string_equal(out.text, "Ik heb weer Hoop, veel Hoop en Moed.");
	assert_int_equal(out.nsuspects, 2);
	assert_string_equal(out.suspects, "Hoop");
	assert_string_equal(out.suspects + 5, "Moed");
	assert_int_equal(out.suspects_len, 10);
	bron_redaction_free(&out);
	bron_redactor_free(r);
}

static void invalid_input(void **state)
{
	(void)state;
	struct bron_error err;
	struct bron_redactor *r = new_nl();
	struct bron_redaction out = {0};
	const char in[] = "Bel \xff\xfe Jan\xc3 op 06-12345678 \xe2\x80";
	assert_int_equal(bron_redact(r, in, sizeof(in) - 1, &out, &err), BRON_OK);
	assert_consistent(in, &out);
	assert_non_null(strstr(out.text, "\xff\xfe"));
	assert_non_null(strstr(out.text, "[Phone 1]"));
	bron_redaction_free(&out);
	/* empty text */
	assert_int_equal(bron_redact(r, "", 0, &out, &err), BRON_OK);
	assert_string_equal(out.text, "");
	assert_int_equal(out.nrepl, 0);
	bron_redaction_free(&out);
	assert_int_equal(bron_redact(r, NULL, 0, &out, &err), BRON_OK);
	bron_redaction_free(&out);
	assert_int_equal(bron_redact(r, NULL, 3, &out, &err), BRON_E_INVALID);
	assert_int_equal(bron_redact(NULL, "x", 1, &out, &err), BRON_E_INVALID);
	assert_null(bron_redactor_new((enum bron_lang)7, &err));
	assert_int_equal(err.code, BRON_E_INVALID);
	bron_redaction_free(NULL);
	bron_redactor_free(NULL);
	bron_redactor_free(r);
}

static void embedded_nul(void **state)
{
	(void)state;
	struct bron_redactor *r = new_nl();
	struct bron_redaction out = {0};
	const char in[] = "Sanne\0Sanne";
	assert_int_equal(bron_redact(r, in, sizeof(in) - 1, &out, NULL), BRON_OK);
	assert_int_equal(out.nrepl, 2);
	bron_redaction_free(&out);
	bron_redactor_free(r);
}

static void lexicon(void **state)
{
	(void)state;
	assert_true(bron_lex_nkeys > 300000);
	assert_true(bron_lex_find("amsterdam", 9) & LEX_PROP_NL);
	assert_true(bron_lex_find("amsterdam", 9) & LEX_PLACE);
	assert_true(bron_lex_find("hoop", 4) & LEX_LOW_NL);
	assert_true(bron_lex_find("house", 5) & LEX_LOW_EN);
	assert_true(bron_lex_find("uwv", 3) & LEX_SAFE);
	assert_true(bron_lex_find("marokko", 7) & LEX_GEO);
	assert_true(bron_lex_find("marokkaanse", 11) & LEX_GEO);
	assert_true(bron_lex_find("belgie", 6) & LEX_GEO);
	assert_true(bron_lex_find("germany", 7) & LEX_GEO);
	assert_true(bron_lex_find("friesland", 9) & LEX_GEO);
	assert_false(bron_lex_find("utrecht", 7) & LEX_GEO);
	assert_true(bron_lex_find("veilig", 6) & LEX_HEAD);
	assert_true(bron_lex_find("veilig thuis", 12) & LEX_SAFE);
	assert_int_equal(bron_lex_find("qqqzzz", 6), 0);
	assert_int_equal(bron_lex_find("", 0), 0);
	assert_int_equal(bron_lex_find("a", 1) & LEX_SAFE, 0);
	/* the first and the last key can be found */
	char big[200];
	memset(big, 'z', sizeof(big));
	assert_int_equal(bron_lex_find(big, sizeof(big)), 0);
	assert_int_equal(bron_lex_find(big, 40), 0);
	assert_int_equal(bron_lex_find("\x01", 1), 0);
}

int main(void)
{
	if (bron_init(NULL) != BRON_OK)
		return 1;
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(cat_names),
	        cmocka_unit_test(placeholders),
	        cmocka_unit_test(person_parts),
	        cmocka_unit_test(pseudonym_labels),
	        cmocka_unit_test(pseudonym_in_address),
	        cmocka_unit_test(suspects),
	        cmocka_unit_test(invalid_input),
	        cmocka_unit_test(embedded_nul),
	        cmocka_unit_test(lexicon),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
