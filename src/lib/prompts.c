/*
 * prompts.c - reflection questions, and choosing one that fits.
 *
 * The questions are ours, written for bron: short, plain starters for a
 * journal entry, each tagged with what it is about.  bron_prompt_pick()
 * prefers the author's gaps, in the order prompts.h documents:
 *
 *   fewer than ten experiences   inventory questions
 *   undecided experiences        inventory and disclosure questions (both
 *                                help to decide: use, not yet or never)
 *   shareable, without a plan    disclosure questions (what, to whom, why)
 *   empty life areas             questions about one of those areas
 *   phases never written about   questions about one of those phases
 *   no triggers plan             trigger questions
 *
 * A gap for which no question exists is passed over.  Among the questions
 * of the first gap that has any, rnd picks one (rnd modulo their number, in
 * table order), so the answer is a function of (gaps, area, rnd).
 */
#include <string.h>

#include "bron/prompts.h"
#include "internal.h"
#include "banned.h"

#define AREA(key, text) {BRON_PT_AREA, key, 0, NULL, text}
#define PHASE(n, text) {BRON_PT_PHASE, NULL, n, NULL, text}
#define ASPECT(key, text) {BRON_PT_ASPECT, NULL, 0, key, text}
#define ABOUT(topic, text) {topic, NULL, 0, NULL, text}

const struct bron_prompt bron_prompts[] = {
	/* life areas */
	/* TRANSLATORS: a reflection question (so is every one below) that
	   starts a journal entry; address the writer warmly, as je. */
	AREA("family-of-origin", N_("Think back to the family you grew up in. What was an ordinary evening at home like, and what was never talked about?")),
	AREA("family-of-origin", N_("Which experience from the family you grew up in still comes back to you in your work, for instance during a home visit?")),
	AREA("family-of-origin", N_("Who in the family you grew up in could you turn to when things were difficult? What did that person give you?")),

	AREA("home", N_("Describe a place where you have lived that felt safe, or one that did not. What made the difference?")),
	AREA("home", N_("Have you ever had to leave a home, or lost one? Write about what that did to you.")),
	AREA("home", N_("What does home mean to you now, and how did it come to mean that?")),

	AREA("school", N_("What was school like for you? Write about a moment when a teacher or classmates really saw you, or overlooked you.")),
	AREA("school", N_("Was there a time when learning was hard because of what was going on elsewhere in your life? How did you get through it?")),
	AREA("school", N_("Which part of your training touched on your own experiences more than you expected?")),

	AREA("work", N_("Was there a period when work became too much, or when you lost your work? Write about how it began.")),
	AREA("work", N_("When did a client's story come close to your own? What did you notice in yourself at that moment?")),
	AREA("work", N_("Which colleague or manager made a difference for you in a difficult time, and how?")),

	AREA("friends", N_("Which friends stayed when things got hard, and which drifted away? What do you think made the difference?")),
	AREA("friends", N_("Write about a friendship that helped you recover. What did that friend do, or leave undone?")),
	AREA("friends", N_("Is there a friendship you lost along the way? What would you want to say to that person now?")),

	AREA("leisure", N_("What did you enjoy doing in your free time before things became difficult, and what happened to it?")),
	AREA("leisure", N_("Which hobby, sport or pastime gave you some breathing space during a hard period?")),
	AREA("leisure", N_("What do you do now, just for yourself, to recharge? When did you discover it?")),

	AREA("relationships", N_("Write about a relationship that ended or changed a great deal. What did you lose, and what did you gain?")),
	AREA("relationships", N_("In which relationship did you feel most yourself? What made that possible?")),
	AREA("relationships", N_("Have you ever stayed too long in a relationship that was not good for you? What kept you there, and what helped you leave?")),

	AREA("parenthood", N_("What did becoming a parent, or not becoming one, bring up about your own childhood?")),
	AREA("parenthood", N_("Write about a moment when caring for a child felt too heavy. Who or what helped you then?")),
	AREA("parenthood", N_("What would you like to pass on to your children, and what do you hope stops with you?")),

	AREA("growing-older", N_("How does growing older change the way you look at the hard things you lived through?")),
	AREA("growing-older", N_("Which losses have come with the years, such as health, people or roles? How are you living with them?")),
	AREA("growing-older", N_("What do you know now that you wish you had known twenty years ago?")),

	/* the four phases of recovery */
	PHASE(1, N_("Go back to the moment things fell apart. What happened, and what did you feel in your body?")),
	PHASE(1, N_("When you were overwhelmed, what did an ordinary day look like? Write down how you got through it, hour by hour if that helps.")),
	PHASE(1, N_("Who knew what you were going through at the worst time, and who did not? What kept you from telling them?")),
	PHASE(1, N_("What did you need most when everything was too much, and did you get it?")),

	PHASE(2, N_("When did you first start looking for words for what had happened to you? Where did you look?")),
	PHASE(2, N_("Write about a first small step you took to cope, even if it did not work out.")),
	PHASE(2, N_("How did you see yourself while you were struggling with it? What did you doubt most about yourself?")),
	PHASE(2, N_("Who or what gave you a little hope when you were still struggling?")),

	PHASE(3, N_("When did you notice that the experience had become a part of your life rather than all of it?")),
	PHASE(3, N_("Which new roles or routines did you build while learning to live with it?")),
	PHASE(3, N_("Which limits did you discover in yourself, and which strengths?")),
	PHASE(3, N_("Write about a day when you fell back. How did you get up again, and what did it teach you?")),

	PHASE(4, N_("Now that the experience has moved to the background, what room has that made for other things?")),
	PHASE(4, N_("Which talents or goals have you found, or picked up again, since then?")),
	PHASE(4, N_("When does the old experience still come to the surface, and how do you deal with it now?")),
	PHASE(4, N_("How has what you lived through changed the way you connect with others?")),

	/* the four aspects of recovery */
	ASPECT("health", N_("How did what you went through affect your physical and mental health? What has recovered, and what has not?")),
	ASPECT("health", N_("What do you do these days to look after your body and your mind?")),
	ASPECT("health", N_("Which signals from your body have you learned to take seriously?")),

	ASPECT("daily-functioning", N_("Which everyday tasks, such as cooking, paperwork or getting up, became hard during that time? How are they now?")),
	ASPECT("daily-functioning", N_("Write about the first day you felt you had your daily life in hand again, even a little.")),
	ASPECT("daily-functioning", N_("What structure in your day helps you keep going when things are shaky?")),

	ASPECT("social-roles", N_("Which roles did you lose or put aside, such as colleague, partner, friend or parent? Which have you taken up again?")),
	ASPECT("social-roles", N_("How did others see you during the hardest period, and how do they see you now?")),
	ASPECT("social-roles", N_("Which new role has your experience given you, at work or elsewhere?")),

	ASPECT("identity", N_("Who were you before this experience, and who are you now? What has stayed the same?")),
	ASPECT("identity", N_("Is your experience part of who you are, or something that happened to you? Write about how that has shifted over time.")),
	ASPECT("identity", N_("Which word would you once have used to describe yourself that you would no longer use?")),

	/* using an experience professionally */
	ABOUT(BRON_PT_DISCLOSURE, N_("Choose one experience you might use in your work. What exactly would you share, and what would you leave out?")),
	ABOUT(BRON_PT_DISCLOSURE, N_("With whom would you share this experience: a client, a colleague, your supervisor or your organisation? Why with them?")),
	ABOUT(BRON_PT_DISCLOSURE, N_("What would you want a client to gain from hearing this part of your story?")),
	ABOUT(BRON_PT_DISCLOSURE, N_("Whose need would sharing this serve most, yours or the other person's? Be honest with yourself.")),
	ABOUT(BRON_PT_DISCLOSURE, N_("Does your experience fit what your client is going through, or does it only feel similar to you?")),
	ABOUT(BRON_PT_DISCLOSURE, N_("Is your experience really relevant to the topic at hand, or would it take the conversation somewhere else?")),
	ABOUT(BRON_PT_DISCLOSURE, N_("If you told this, how would you make sure the attention soon goes back to the other person?")),
	ABOUT(BRON_PT_DISCLOSURE, N_("Have you worked through this experience enough to talk about it calmly? How can you tell?")),
	ABOUT(BRON_PT_DISCLOSURE, N_("Which part of your story still feels too raw to share? What would need to change before you could use it?")),
	ABOUT(BRON_PT_DISCLOSURE, N_("Think of a time you told someone at work about your own experience. How did it go, and what would you do differently?")),
	ABOUT(BRON_PT_DISCLOSURE, N_("How would you answer a client who asks you straight out whether you have been through it yourself?")),

	/* what helped and what hindered */
	ABOUT(BRON_PT_FACTOR, N_("What helped you most in your recovery? Think of people, help, habits or beliefs.")),
	ABOUT(BRON_PT_FACTOR, N_("What got in the way of your recovery, such as help that did not fit, shame, or people who did not trust you?")),
	ABOUT(BRON_PT_FACTOR, N_("Who kept believing in you, and what did they do that mattered?")),
	ABOUT(BRON_PT_FACTOR, N_("Where did you find hope or meaning when little seemed to make sense?")),
	ABOUT(BRON_PT_FACTOR, N_("What part did shame or stigma play in your story, and what helped you carry less of it?")),
	ABOUT(BRON_PT_FACTOR, N_("Was there a moment when a professional did not treat you with dignity? What do you take from that into your own work?")),
	ABOUT(BRON_PT_FACTOR, N_("What did money, work or a safe place to live mean for your recovery?")),

	/* triggers, early signals and pitfalls */
	ABOUT(BRON_PT_TRIGGER, N_("Which situations, words or places can set off a downturn for you?")),
	ABOUT(BRON_PT_TRIGGER, N_("What are your earliest signals that things are going the wrong way? Who around you might notice them first?")),
	ABOUT(BRON_PT_TRIGGER, N_("Which pitfalls do you recognise in yourself, such as working too hard, withdrawing or saying yes too often?")),
	ABOUT(BRON_PT_TRIGGER, N_("When you notice those early signals, what helps? Write down the first three things you can do.")),
	ABOUT(BRON_PT_TRIGGER, N_("Has something at work, such as a client's story, ever triggered you? What did you do in that moment, and afterwards?")),

	/* the inventory of experiences */
	ABOUT(BRON_PT_INVENTORY, N_("Make a list of the experiences of disruption and recovery in your life, large and small. Try to reach ten.")),
	ABOUT(BRON_PT_INVENTORY, N_("Pick one experience from your list. What did it teach you that no book could have?")),
	ABOUT(BRON_PT_INVENTORY, N_("Go through your experiences one by one. Which would you use in your work, which not yet, and which never?")),
	ABOUT(BRON_PT_INVENTORY, N_("Which of your experiences do you also see among the people close to you, such as family, friends or colleagues?")),
	ABOUT(BRON_PT_INVENTORY, N_("Is there an experience you keep leaving off your list? What makes it hard to write down?")),
	ABOUT(BRON_PT_INVENTORY, N_("Look at an experience you have decided never to share. What does it mean to you to keep it your own?")),
	ABOUT(BRON_PT_INVENTORY, N_("Which of your experiences shapes the way you do your job most, even if you never mention it?")),
};

const size_t bron_nprompts = sizeof(bron_prompts) / sizeof(bron_prompts[0]);

/* Which questions a step of the choice accepts. */
typedef int (*accept_fn)(const struct bron_prompt *p, const void *arg);

static int of_area(const struct bron_prompt *p, const void *arg)
{
	return p->topic == BRON_PT_AREA && p->area && strcmp(p->area, arg) == 0;
}

static int general(const struct bron_prompt *p, const void *arg)
{
	(void)arg;
	return p->area == NULL;
}

static int inventory(const struct bron_prompt *p, const void *arg)
{
	(void)arg;
	return p->topic == BRON_PT_INVENTORY;
}

static int deciding(const struct bron_prompt *p, const void *arg)
{
	(void)arg;
	return p->topic == BRON_PT_INVENTORY || p->topic == BRON_PT_DISCLOSURE;
}

static int disclosure(const struct bron_prompt *p, const void *arg)
{
	(void)arg;
	return p->topic == BRON_PT_DISCLOSURE;
}

static int empty_area(const struct bron_prompt *p, const void *arg)
{
	const struct bron_prompt_gaps *g = arg;
	if (p->topic != BRON_PT_AREA || !p->area || !g->empty_areas)
		return 0;
	for (size_t i = 0; i < g->nempty_areas; i++)
		if (g->empty_areas[i] && strcmp(p->area, g->empty_areas[i]) == 0)
			return 1;
	return 0;
}

static int unseen_phase(const struct bron_prompt *p, const void *arg)
{
	const struct bron_prompt_gaps *g = arg;
	return p->topic == BRON_PT_PHASE && p->phase >= 1 && p->phase <= 4 &&
	       g->phases_seen[p->phase] <= 0;
}

static int trigger(const struct bron_prompt *p, const void *arg)
{
	(void)arg;
	return p->topic == BRON_PT_TRIGGER;
}

static int any(const struct bron_prompt *p, const void *arg)
{
	(void)p;
	(void)arg;
	return 1;
}

/* The (rnd mod n)th accepted question in table order, or NULL if none. */
static const struct bron_prompt *choose(accept_fn ok, const void *arg,
                                        uint32_t rnd)
{
	size_t n = 0;
	for (size_t i = 0; i < bron_nprompts; i++)
		n += ok(&bron_prompts[i], arg) != 0;
	if (!n)
		return NULL;
	size_t want = rnd % n;
	for (size_t i = 0; i < bron_nprompts; i++)
		if (ok(&bron_prompts[i], arg) && want-- == 0)
			return &bron_prompts[i];
	return NULL; /* not reached */
}

const struct bron_prompt *bron_prompt_pick(const struct bron_prompt_gaps *g,
                                           const char *area, uint32_t rnd)
{
	const struct bron_prompt *p = NULL;

	if (area) {
		p = choose(of_area, area, rnd);
		return p ? p : choose(general, NULL, rnd);
	}
	if (g) {
		if (g->experiences < 10)
			p = choose(inventory, NULL, rnd);
		if (!p && g->undecided)
			p = choose(deciding, NULL, rnd);
		if (!p && g->unplanned)
			p = choose(disclosure, NULL, rnd);
		if (!p && g->nempty_areas)
			p = choose(empty_area, g, rnd);
		if (!p)
			p = choose(unseen_phase, g, rnd);
		if (!p && !g->has_triggers)
			p = choose(trigger, NULL, rnd);
	}
	return p ? p : choose(any, NULL, rnd);
}
