/*
 * vocab.c - the vocabularies of guided reflection (see vocab.h).  The
 * frameworks come from the Dutch recovery literature summarised in the
 * project's domain notes; the wording of every label is our own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bron/bron.h"
#include "cli.h"
#include "i18n.h"
#include "vocab.h"

#define VOCAB(name, table, names, what)                                     \
	const struct vocab name = {table, sizeof(table) / sizeof(table[0]), \
	                           names, what}

static const struct word kinds[] = {
	{"divorce", "scheiding", N_("divorce (your own or your parents')")},
	{"loss", "verlies", N_("loss of a loved one or of a role")},
	{"poverty", "armoede", N_("poverty")},
	{"debt", "schulden", N_("debt")},
	{"sexual-violence", "seksueel-geweld",
	 N_("sexual boundary violations and sexual violence")},
	{"maltreatment", "mishandeling", N_("maltreatment")},
	{"domestic-violence", "huiselijk-geweld", N_("domestic violence")},
	{"mental-health", "psychische-problemen", N_("mental health problems")},
	{"addiction", "verslaving", N_("addiction")},
	{"disability", "beperking", N_("physical disability")},
	{"illness", "ziekte", N_("illness")},
	{"trauma", "trauma", N_("trauma")},
	{"dependency", "afhankelijkheid", N_("a relationship of dependency")},
	{"close-one", "naaste",
	 N_("a parent, partner or child living with one of these")},
};
static const char *const kind_names[] = {
	"divorce", "loss", "poverty", "debt", "sexual-violence", "maltreatment",
	"domestic-violence", "mental-health", "addiction", "disability",
	"illness", "trauma", "dependency", "close-one", "scheiding", "verlies",
	"armoede", "schulden", "seksueel-geweld", "mishandeling",
	"huiselijk-geweld", "psychische-problemen", "verslaving", "beperking",
	"ziekte", "afhankelijkheid", "naaste", NULL};
VOCAB(vocab_kinds, kinds, kind_names, N_("kind of experience"));

static const struct word phases[] = {
	{"overwhelmed", "overweldigd", N_("overwhelmed")},
	{"struggling", "worstelen", N_("struggling with it")},
	{"living-with", "ermee-leven", N_("living with it")},
	{"background", "achtergrond", N_("in the background")},
};
static const char *const phase_names[] = {
	"1", "2", "3", "4", "overwhelmed", "struggling", "living-with",
	"background", "overweldigd", "worstelen", "ermee-leven", "achtergrond",
	NULL};
VOCAB(vocab_phases, phases, phase_names, N_("phase"));

static const struct word aspects[] = {
	{"health", "gezondheid", N_("health")},
	{"daily-functioning", "dagelijks-functioneren", N_("daily functioning")},
	{"social-roles", "sociale-rollen", N_("social roles")},
	{"identity", "identiteit", N_("identity")},
};
static const char *const aspect_names[] = {
	"health", "daily-functioning", "social-roles", "identity",
	"gezondheid", "dagelijks-functioneren", "sociale-rollen", "identiteit",
	NULL};
VOCAB(vocab_aspects, aspects, aspect_names, N_("recovery aspect"));

static const struct word helped[] = {
	{"treatment", "behandeling", N_("good treatment")},
	{"someone-who-understands", "iemand-die-begrijpt",
	 N_("a committed person who understands")},
	{"hope", "hoop", N_("hope")},
	{"acceptance", "acceptatie", N_("acceptance")},
	{"knowing-triggers", "triggers-kennen",
	 N_("knowing your triggers and pitfalls")},
	{"coping", "omgaan", N_("coping and self-care skills")},
	{"important-others", "belangrijke-anderen", N_("important others")},
	{"courage", "moed", N_("courage")},
	{"meaningful-work", "zinvol-werk",
	 N_("meaningful work and relationships")},
	{"financial-security", "financiele-zekerheid",
	 N_("financial security")},
	{"intimacy", "intimiteit", N_("intimacy")},
	{"spirituality", "spiritualiteit", N_("spirituality")},
	{"meaning", "zingeving", N_("meaning")},
};
static const char *const helped_names[] = {
	"treatment", "someone-who-understands", "hope", "acceptance",
	"knowing-triggers", "coping", "important-others", "courage",
	"meaningful-work", "financial-security", "intimacy", "spirituality",
	"meaning", "behandeling", "iemand-die-begrijpt", "hoop", "acceptatie",
	"triggers-kennen", "omgaan", "belangrijke-anderen", "moed",
	"zinvol-werk", "financiele-zekerheid", "intimiteit", "spiritualiteit",
	"zingeving", NULL};
VOCAB(vocab_helped, helped, helped_names, N_("helping factor"));

static const struct word hindered[] = {
	{"ineffective-help", "ineffectieve-hulp", N_("ineffective help")},
	{"substance-misuse", "middelengebruik", N_("substance misuse")},
	{"traumatic-experiences", "traumatische-ervaringen",
	 N_("traumatic experiences")},
	{"indignity", "zonder-waardigheid",
	 N_("being treated without dignity")},
	{"negative-self-image", "negatief-zelfbeeld",
	 N_("a negative self-image")},
	{"low-self-confidence", "weinig-zelfvertrouwen",
	 N_("lack of self-confidence")},
	{"distrust", "wantrouwen", N_("distrust from important others")},
	{"overrun-by-triggers", "overspoeld-door-triggers",
	 N_("being overrun by triggers")},
	{"no-coping-information", "geen-informatie",
	 N_("lack of information about coping")},
	{"stigma", "stigma", N_("stigma")},
	{"shame", "schaamte", N_("shame")},
};
static const char *const hindered_names[] = {
	"ineffective-help", "substance-misuse", "traumatic-experiences",
	"indignity", "negative-self-image", "low-self-confidence", "distrust",
	"overrun-by-triggers", "no-coping-information", "stigma", "shame",
	"ineffectieve-hulp", "middelengebruik", "traumatische-ervaringen",
	"zonder-waardigheid", "negatief-zelfbeeld", "weinig-zelfvertrouwen",
	"wantrouwen", "overspoeld-door-triggers", "geen-informatie", "schaamte",
	NULL};
VOCAB(vocab_hindered, hindered, hindered_names, N_("hindering factor"));

/* In the order of the enum bron_audience bits. */
static const struct word roles[] = {
	{"client", "cliënt", N_("a client")},
	{"colleague", "collega", N_("a colleague")},
	{"team", "organisatie", N_("the team or organisation")},
	{"supervisor", "supervisor", N_("a supervisor")},
	{"intervision", "intervisie", N_("an intervision group")},
};
static const char *const role_names[] = {
	"client", "colleague", "team", "supervisor", "intervision", "collega",
	"organisatie", "intervisie", NULL};
VOCAB(vocab_roles, roles, role_names, N_("role"));

/* In the order of the levels: private, not yet, shareable. */
static const struct word decisions[] = {
	{"never", "nooit", N_("never")},
	{"not-yet", "nog-niet", N_("not yet")},
	{"use", "gebruiken", N_("use it")},
};
static const char *const decision_names[] = {
	"use", "not-yet", "never", "gebruiken", "nog-niet", "nooit", NULL};
VOCAB(vocab_decisions, decisions, decision_names, N_("decision"));

int vocab_index(const struct vocab *v, const char *s)
{
	char a[96], b[96];
	size_t n = s ? strlen(s) : 0;
	if (!s || n >= sizeof(a))
		return -1;
	bron_fold(s, n, a); /* cliënt, Client and client are one word */
	for (size_t i = 0; i < v->n; i++) {
		const char *cand[2] = {v->w[i].key, v->w[i].alias};
		for (int k = 0; k < 2; k++) {
			size_t m = strlen(cand[k]);
			if (m >= sizeof(b))
				continue;
			bron_fold(cand[k], m, b);
			if (strcmp(a, b) == 0)
				return (int)i;
		}
	}
	return -1;
}

const char *vocab_key(const struct vocab *v, const char *s)
{
	int i = vocab_index(v, s);
	return i < 0 ? NULL : v->w[i].key;
}

const char *vocab_label(const struct vocab *v, const char *key)
{
	for (size_t i = 0; key && i < v->n; i++)
		if (strcmp(key, v->w[i].key) == 0)
			return _(v->w[i].label);
	return key ? key : "";
}

void vocab_print(const struct vocab *v, const char *heading)
{
	printf("%s\n", heading);
	for (size_t i = 0; i < v->n; i++)
		printf("  %-24s %-26s %s\n", v->w[i].key, v->w[i].alias,
		       _(v->w[i].label));
}

int phase_parse(const char *s)
{
	if (s && s[0] >= '1' && s[0] <= '4' && s[1] == '\0')
		return s[0] - '0';
	int i = vocab_index(&vocab_phases, s);
	return i < 0 ? 0 : i + 1;
}

int decision_parse(const char *s)
{
	int i = vocab_index(&vocab_decisions, s);
	return i >= 0 ? i : (s ? level_parse(s) : -1);
}

const char *decision_label(int decision)
{
	if (decision < 0 || decision > 2)
		return _("undecided");
	return _(decisions[decision].label);
}
