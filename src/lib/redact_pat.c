/*
 * redact_pat.c - details with a fixed form: e-mail addresses, links to
 * people and groups, IBANs, dates, Dutch postcodes and licence plates,
 * phone numbers and BSNs.  Each finder scans the bytes itself; what one
 * finder claims, the later ones leave alone.  Public numbers (0800, 0900,
 * 112) and links to public sites are claimed without a placeholder, so
 * that nothing later reads them as something private.
 */
#include <string.h>

#include "redact_int.h"
#include "redact_lex.h"
#include "banned.h"

#define P(c) ((const unsigned char *)(c)->text)

static int is_digit(unsigned char ch)
{
	return ch >= '0' && ch <= '9';
}

static int is_alpha(unsigned char ch)
{
	return (ch | 32) >= 'a' && (ch | 32) <= 'z';
}

static int is_alnum(unsigned char ch)
{
	return is_digit(ch) || is_alpha(ch);
}

static int is_up(unsigned char ch)
{
	return ch >= 'A' && ch <= 'Z';
}

static unsigned char lower(unsigned char ch)
{
	return ch >= 'A' && ch <= 'Z' ? ch + 32 : ch;
}

/* No letter or digit (ASCII or not) right before i. */
static int starts_here(const struct ctx *c, size_t i)
{
	return i == 0 || (!is_alnum(P(c)[i - 1]) && P(c)[i - 1] < 0x80);
}

static int ends_here(const struct ctx *c, size_t i)
{
	return i >= c->len || (!is_alnum(P(c)[i]) && P(c)[i] < 0x80);
}

/* Marks bytes as handled without replacing them. */
static void protect(struct ctx *c, size_t start, size_t len)
{
	if (start + len <= c->len)
		memset(c->taken + start, 1, len);
}

static int has_prefix_ci(const struct ctx *c, size_t i, const char *s)
{
	size_t n = strlen(s);
	if (i + n > c->len)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (lower(P(c)[i + k]) != (unsigned char)s[k])
			return 0;
	return 1;
}

/* --- e-mail ---------------------------------------------------------------- */

static int local_char(unsigned char ch)
{
	return is_alnum(ch) || ch == '.' || ch == '_' || ch == '%' ||
	       ch == '+' || ch == '-';
}

/* End of a host name with at least one dot and a TLD of letters, or 0. */
static size_t host_end(const struct ctx *c, size_t i)
{
	size_t k = i, lastdot = 0;
	while (k < c->len && (is_alnum(P(c)[k]) || P(c)[k] == '-' ||
	                      (P(c)[k] == '.' && k + 1 < c->len &&
	                       is_alnum(P(c)[k + 1])))) {
		if (P(c)[k] == '.')
			lastdot = k;
		k++;
	}
	if (!lastdot || k - lastdot < 3)
		return 0;
	for (size_t t = lastdot + 1; t < k; t++)
		if (!is_alpha(P(c)[t]))
			return 0;
	return k;
}

static bron_err find_emails(struct ctx *c)
{
	const unsigned char *p = P(c);
	for (const unsigned char *at = memchr(p, '@', c->len); at;
	     at = memchr(at + 1, '@', c->len - (size_t)(at + 1 - p))) {
		size_t a = (size_t)(at - p), j = a;
		while (j > 0 && local_char(p[j - 1]))
			j--;
		while (j < a && (p[j] == '.' || p[j] == '-'))
			j++;
		if (j == a)
			continue;
		size_t k = host_end(c, a + 1);
		if (!k)
			continue;
		bron_err e = redact_claim(c, j, k - j, BRON_CAT_EMAIL);
		if (e != BRON_OK)
			return e;
		if (k >= c->len)
			break;
	}
	return BRON_OK;
}

/* --- links ------------------------------------------------------------------ */

/* Sites where a path names a person or a group. */
static const char *const social[] = {
        "facebook.com", "fb.com", "fb.me", "instagram.com", "linkedin.com",
        "twitter.com", "x.com", "tiktok.com", "youtube.com", "snapchat.com",
        "pinterest.com", "reddit.com", "github.com", "gitlab.com",
        "threads.net", "mastodon.social", "vk.com", "flickr.com",
        "soundcloud.com", "twitch.tv", "onlyfans.com", "medium.com",
        "tumblr.com", "blogspot.com", "wordpress.com", "hyves.nl",
        "telegram.me", "bsky.app", "patreon.com", "strava.com", NULL};

/* Links that are an invitation to a chat or group whatever their path. */
static const char *const invites[] = {"chat.whatsapp.com", "wa.me", "t.me",
                                      "discord.gg", "signal.group", "m.me",
                                      "join.skype.com", NULL};

static int host_is(const unsigned char *h, size_t n, const char *dom)
{
	size_t d = strlen(dom);
	if (n < d)
		return 0;
	for (size_t k = 0; k < d; k++)
		if (lower(h[n - d + k]) != (unsigned char)dom[k])
			return 0;
	return n == d || h[n - d - 1] == '.';
}

/* Sites of public bodies and public information: their pages name no one. */
static const char *const public_sites[] = {
        "overheid.nl", "rijksoverheid.nl", "government.nl", "gov.uk",
        "nhs.uk", "gov", "europa.eu", "wikipedia.org", "thuisarts.nl",
        "113.nl", "nibud.nl", "uwv.nl", "belastingdienst.nl", "duo.nl",
        "svb.nl", "cjib.nl", "juridischloket.nl", "rechtspraak.nl",
        "politie.nl", "veiligthuis.nl", "kindertelefoon.nl", "trimbos.nl",
        "loketgezondleven.nl", "ggd.nl", "ggdghor.nl", "mind.org.uk",
        "samaritans.org", "citizensadvice.org.uk", "who.int", "nos.nl",
        "bbc.co.uk", "bbc.com", "google.com", "vlaanderen.be", "belgium.be",
        NULL};

static int public_host(const unsigned char *h, size_t n)
{
	for (size_t k = 0; public_sites[k]; k++)
		if (host_is(h, n, public_sites[k]))
			return 1;
	return 0;
}

/*
 * 1 when every part of s (cut at '/', '-', '.', '_', '+') is an ordinary
 * word: "/depressie", "/mental-health".  A host is judged by the label
 * before its top-level domain only ("thuisarts" in "www.thuisarts.nl").
 */
static int plain_words(const unsigned char *s, size_t n, int host)
{
	if (host) {
		size_t e = n;
		while (e > 0 && s[e - 1] != '.')
			e--;
		if (e == 0)
			return 1;
		e--; /* the dot before the TLD */
		size_t b = e;
		while (b > 0 && s[b - 1] != '.')
			b--;
		s += b;
		n = e - b;
	}
	for (size_t i = 0; i < n;) {
		while (i < n && !is_alnum(s[i]))
			i++;
		size_t b = i;
		while (i < n && is_alnum(s[i]))
			i++;
		if (i == b)
			break;
		char w[LEX_KEY_MAX];
		if (i - b > sizeof(w))
			return 0;
		for (size_t k = b; k < i; k++) {
			if (is_digit(s[k]))
				return 0;
			w[k - b] = (char)lower(s[k]);
		}
		if (!(bron_lex_find(w, i - b) &
		      (LEX_LOW_NL | LEX_LOW_EN | LEX_SAFE | LEX_ACRO)))
			return 0;
	}
	return 1;
}

static int personal_link(const unsigned char *host, size_t hn,
                         const unsigned char *path, size_t pn)
{
	for (size_t k = 0; invites[k]; k++)
		if (host_is(host, hn, invites[k]))
			return 1;
	for (size_t k = 0; social[k]; k++)
		if (host_is(host, hn, social[k])) {
			/* a blog's own subdomain names its owner */
			size_t d = strlen(social[k]);
			int sub = hn > d + 4 && !(hn == d + 4 && !memcmp(host, "www.", 4));
			if (sub && (strstr(social[k], "tumblr") ||
			            strstr(social[k], "blogspot") ||
			            strstr(social[k], "wordpress")))
				return 1;
			return pn > 1;
		}
	if (public_host(host, hn))
		return 0;
	/* a page below a private site, or a path that names someone */
	if (pn > 1 && (!plain_words(host, hn, 1) || !plain_words(path, pn, 0)))
		return 1;
	static const char *const marks[] = {"/in/", "/profile", "/user", "/u/",
	                                    "/people/", "/groups/", "/group/",
	                                    "/~", "/@", "/members/", NULL};
	for (size_t k = 0; marks[k]; k++) {
		size_t m = strlen(marks[k]);
		for (size_t i = 0; i + m <= pn; i++)
			if (!memcmp(path + i, marks[k], m))
				return 1;
	}
	return 0;
}

static int url_char(unsigned char ch)
{
	return ch > ' ' && ch != '<' && ch != '>' && ch != '"' && ch != 0x7f;
}

/* "sanne.blogspot.com": a subdomain of a blog host is someone's site, even
 * written without a path. */
static int blog_host(const unsigned char *h, size_t n)
{
	static const char *const hosts[] = {"blogspot.com", "wordpress.com",
	                                    "tumblr.com", "substack.com",
	                                    "wixsite.com", "weebly.com",
	                                    "jouwweb.nl", "webnode.nl", NULL};
	for (size_t k = 0; hosts[k]; k++) {
		size_t l = strlen(hosts[k]);
		if (n > l + 1 && h[n - l - 1] == '.') {
			size_t q = 0;
			while (q < l && lower(h[n - l + q]) == (unsigned char)hosts[k][q])
				q++;
			if (q == l)
				return 1;
		}
	}
	return 0;
}

static bron_err find_links(struct ctx *c)
{
	const unsigned char *p = P(c);
	for (size_t i = 0; i < c->len; i++) {
		if (!is_alnum(p[i]) || !starts_here(c, i) || c->taken[i])
			continue;
		size_t h = i;
		if (has_prefix_ci(c, i, "https://"))
			h = i + 8;
		else if (has_prefix_ci(c, i, "http://"))
			h = i + 7;
		size_t he = host_end(c, h);
		if (!he) {
			while (i + 1 < c->len && is_alnum(p[i + 1]))
				i++;
			continue;
		}
		int explicit = h != i || has_prefix_ci(c, i, "www.");
		if (!explicit && (he >= c->len || p[he] != '/') &&
		    !blog_host(p + h, he - h))
			continue;
		size_t end = he;
		while (end < c->len && url_char(p[end]))
			end++;
		while (end > he && strchr(".,;:!?)]'*", p[end - 1]))
			end--;
		/* a closing quote or bracket in UTF-8 */
		while (end >= he + 3 && p[end - 3] == 0xe2 && p[end - 2] == 0x80)
			end -= 3;
		bron_err e = BRON_OK;
		/* a link with a pseudonym in it goes whole, like a personal one */
		if (personal_link(p + h, he - h, p + he, end - he) ||
		    redact_taken(c, i, end - i))
			e = redact_claim(c, i, end - i, BRON_CAT_URL);
		else
			protect(c, i, end - i);
		if (e != BRON_OK)
			return e;
		i = end;
	}
	/* "@handle" on its own names an account */
	for (size_t i = 0; i + 2 < c->len; i++) {
		if (p[i] != '@' || c->taken[i] || !starts_here(c, i))
			continue;
		size_t k = i + 1;
		while (k < c->len && (is_alnum(p[k]) || p[k] == '_' ||
		                      (p[k] == '.' && k + 1 < c->len &&
		                       is_alnum(p[k + 1]))))
			k++;
		if (k - i >= 3 && k - i <= 31 && ends_here(c, k)) {
			bron_err e = redact_add(c, i, k - i, BRON_CAT_URL, 0);
			if (e != BRON_OK)
				return e;
		}
	}
	return BRON_OK;
}

/* --- IBAN ------------------------------------------------------------------- */

/* The IBAN length of each country that has one. */
static const struct {
	char cc[3];
	unsigned char len;
} iban_len[] = {
        {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28},
        {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22}, {"BI", 27},
        {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28},
        {"CZ", 24}, {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28},
        {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18},
        {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23},
        {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28},
        {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27},
        {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32},
        {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"LY", 25},
        {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20},
        {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18},
        {"NO", 15}, {"OM", 23}, {"PK", 24}, {"PL", 28}, {"PS", 29},
        {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33},
        {"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19},
        {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28},
        {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22},
        {"VG", 24}, {"XK", 20}, {"YE", 30},
};

static size_t iban_length(unsigned char a, unsigned char b)
{
	for (size_t k = 0; k < sizeof(iban_len) / sizeof(iban_len[0]); k++)
		if (iban_len[k].cc[0] == (char)a && iban_len[k].cc[1] == (char)b)
			return iban_len[k].len;
	return 0;
}

/* ISO 13616: moved the first four characters to the end, mod 97 is 1. */
static int iban_ok(const char *s, size_t n)
{
	unsigned rem = 0;
	for (size_t k = 0; k < n; k++) {
		unsigned char ch = (unsigned char)s[(k + 4) % n];
		if (is_digit(ch))
			rem = (rem * 10 + (ch - '0')) % 97;
		else
			rem = (rem * 100 + (unsigned)(ch - 'A' + 10)) % 97;
	}
	return rem == 1;
}

static bron_err find_ibans(struct ctx *c)
{
	const unsigned char *p = P(c);
	for (size_t i = 0; i + 15 <= c->len; i++) {
		if (!is_alpha(p[i]) || !is_alpha(p[i + 1]) || !is_digit(p[i + 2]) ||
		    !is_digit(p[i + 3]) || !starts_here(c, i) ||
		    is_up(p[i]) != is_up(p[i + 1]))
			continue;
		size_t want = iban_length(p[i] & ~32u, p[i + 1] & ~32u);
		if (!want)
			continue;
		char s[40];
		size_t n = 0, k = i;
		while (n < want && k < c->len) {
			if (is_alnum(p[k])) {
				s[n++] = (char)(p[k] >= 'a' ? p[k] - 32 : p[k]);
				k++;
			} else if (p[k] == ' ' && k + 1 < c->len && is_alnum(p[k + 1]) &&
			           n % 4 == 0) {
				k++;
			} else {
				break;
			}
		}
		if (n == want && ends_here(c, k) && iban_ok(s, n)) {
			bron_err e = redact_add(c, i, k - i, BRON_CAT_IBAN, 0);
			if (e != BRON_OK)
				return e;
			i = k;
		}
	}
	return BRON_OK;
}

/* --- dates -------------------------------------------------------------- */

/* Reads 1..max digits at *i into *v; returns the count. */
static size_t digits(const struct ctx *c, size_t *i, size_t max, unsigned *v)
{
	size_t n = 0;
	*v = 0;
	while (*i < c->len && n < max + 1 && is_digit(P(c)[*i])) {
		*v = *v * 10 + (P(c)[*i] - '0');
		(*i)++;
		n++;
	}
	return n;
}

/* The word (ASCII letters, lower-cased) that ends just before byte i, after
 * spaces; its length, 0 when there is none. */
static size_t word_before(const struct ctx *c, size_t i, char *w, size_t max)
{
	size_t e = i;
	while (e > 0 && P(c)[e - 1] == ' ')
		e--;
	/* "vr. 10-11", "do. 16/3": the full stop of an abbreviation */
	if (e > 1 && P(c)[e - 1] == '.' && e < i && is_alpha(P(c)[e - 2]))
		e--;
	size_t b = e;
	while (b > 0 && is_alpha(P(c)[b - 1]) && e - b < max)
		b--;
	if (b == e || (b > 0 && is_alnum(P(c)[b - 1])))
		return 0;
	for (size_t k = b; k < e; k++)
		w[k - b] = (char)lower(P(c)[k]);
	return e - b;
}

/* The word right after byte k (after spaces), as lexicon flags. */
static uint32_t flags_after(const struct ctx *c, size_t k)
{
	while (k < c->len && P(c)[k] == ' ')
		k++;
	char w[32];
	size_t n = 0;
	while (k < c->len && is_alpha(P(c)[k]) && n < sizeof(w))
		w[n++] = (char)lower(P(c)[k++]);
	return n && n < sizeof(w) ? bron_lex_find(w, n) : 0;
}

/* Byte k ends a clause: the end of the text, a line, or punctuation and
 * then a space ("op 13-2. Daarna", "op 8-8, toen"). */
static int date_end(const struct ctx *c, size_t k)
{
	if (k >= c->len || P(c)[k] == '\n')
		return 1;
	return strchr(".,:;)!?", P(c)[k]) &&
	       (k + 1 >= c->len || P(c)[k + 1] == ' ' || P(c)[k + 1] == '\n');
}

/*
 * "24-11", "24/02": a day and a month without a year.  Ranges ("10-12 uur",
 * "4-12") look the same, so this needs a leading zero or a word that
 * announces a date.
 */
static int day_month(const struct ctx *c, size_t i, size_t k, unsigned a,
                     unsigned b, size_t na, size_t nb)
{
	if (a < 1 || a > 31 || b < 1 || b > 12)
		return 0;
	if (flags_after(c, k) & LEX_UNIT)
		return 0;
	int zero = (na == 2 && P(c)[i] == '0') || (nb == 2 && b < 10);
	if (zero && na == 2 && nb == 2)
		return 1;
	static const char *const cues[] = {"op", "on", "sinds", "since", "vanaf",
	                                   "deadline", "datum", "date", "per",
	                                   "tot", "until", "voor", "before",
	                                   "na", "after", "geboren", "born",
	                                   "by", "uiterlijk", "maandag",
	                                   "dinsdag", "woensdag", "donderdag",
	                                   "vrijdag", "zaterdag", "zondag", "ma",
	                                   "di", "wo", "do", "vr", "za", "zo",
	                                   "monday", "tuesday", "wednesday",
	                                   "thursday", "friday", "saturday",
	                                   "sunday", "mon", "tue", "tues", "wed",
	                                   "thu", "thur", "thurs", "fri", "sat",
	                                   "sun", NULL};
	char w[16];
	size_t n = word_before(c, i, w, sizeof(w));
	for (size_t q = 0; n && cues[q]; q++)
		if (strlen(cues[q]) == n && !memcmp(cues[q], w, n))
			return na == 2 && nb == 2 ? 1 : zero || P(c)[i + na] == '/' ||
			       (n == 2 && !memcmp(w, "op", 2) && date_end(c, k));
	/* "Intervisie, 21/3.", "21/3: intake": a date set off on its own,
	 * which a fraction or "24/7" seldom is */
	if (P(c)[i + na] == '/' && date_end(c, k) && !(a == 24 && b == 7)) {
		size_t q = i;
		while (q > 0 && P(c)[q - 1] == ' ')
			q--;
		return q == 0 || P(c)[q - 1] == ',' || P(c)[q - 1] == '\n' ||
		       P(c)[q - 1] == '(';
	}
	return 0;
}

/* Bytes of an apostrophe at k that cuts a year short ("'98", "’62"): two
 * digits follow it and no third; 0 when there is none. */
static size_t short_year_apos(const struct ctx *c, size_t k)
{
	const unsigned char *p = P(c);
	size_t a = 0;
	if (k < c->len && p[k] == '\'')
		a = 1;
	else if (k + 2 < c->len && p[k] == 0xe2 && p[k + 1] == 0x80 &&
	         p[k + 2] == 0x99)
		a = 3;
	if (!a || k + a + 2 > c->len || !is_digit(p[k + a]) ||
	    !is_digit(p[k + a + 1]) || !ends_here(c, k + a + 2))
		return 0;
	return a;
}

static bron_err find_numeric_dates(struct ctx *c)
{
	const unsigned char *p = P(c);
	for (size_t i = 0; i < c->len; i++) {
		if (!is_digit(p[i]) || !starts_here(c, i) || c->taken[i])
			continue;
		size_t k = i;
		unsigned a, b, y;
		size_t na = digits(c, &k, 4, &a);
		if (na > 4 || k >= c->len || !strchr("-/.", p[k]) || p[k] == 0)
			goto next;
		unsigned char sep = p[k++];
		size_t nb = digits(c, &k, 2, &b);
		if (nb >= 1 && nb <= 2 && na <= 2 && sep != '.' && ends_here(c, k) &&
		    (k >= c->len || p[k] != sep) && day_month(c, i, k, a, b, na, nb)) {
			bron_err e = redact_add(c, i, k - i, BRON_CAT_DATE, 0);
			if (e != BRON_OK)
				return e;
			goto next;
		}
		if (nb < 1 || nb > 2 || k >= c->len || p[k] != sep)
			goto next;
		k++;
		/* "26-4-'62": the year cut short */
		size_t apos = short_year_apos(c, k);
		if (apos)
			k += apos;
		size_t ny = digits(c, &k, 4, &y);
		if (apos && ny != 2)
			goto next;
		if (!ends_here(c, k) || (k < c->len && p[k] == sep && k + 1 < c->len &&
		                         is_digit(p[k + 1])))
			goto next;
		int ok = 0;
		if (na == 4 && (ny == 1 || ny == 2))
			ok = a >= 1900 && a <= 2099 && b >= 1 && b <= 12 && y >= 1 && y <= 31;
		else if (na <= 2 && (ny == 2 || ny == 4))
			ok = a >= 1 && b >= 1 && ((a <= 31 && b <= 12) ||
			                          (sep == '/' && a <= 12 && b <= 31)) &&
			     (ny == 2 || (y >= 1900 && y <= 2099));
		if (ok) {
			bron_err e = redact_add(c, i, k - i, BRON_CAT_DATE, 0);
			if (e != BRON_OK)
				return e;
		}
	next:
		while (i + 1 < c->len && is_alnum(p[i + 1]))
			i++;
	}
	return BRON_OK;
}

static const char *const months[] = {
        "januari", "februari", "maart", "april", "mei", "juni", "juli",
        "augustus", "september", "oktober", "november", "december",
        "january", "february", "march", "may", "june", "july", "august",
        "october", "jan", "feb", "mrt", "mar", "apr", "jun", "jul", "aug",
        "sep", "sept", "okt", "oct", "nov", "dec", "febr", NULL};

static int is_month(const struct ctx *c, size_t i)
{
	const struct tok *t = &c->toks[i];
	if (t->kind != T_WORD || t->flen < 3 || t->flen > 9 ||
	    !strchr("jfmasond", redact_tfold(c, i)[0]))
		return 0;
	for (size_t k = 0; months[k]; k++)
		if (months[k][0] == redact_tfold(c, i)[0] &&
		    strlen(months[k]) == t->flen &&
		    !memcmp(months[k], redact_tfold(c, i), t->flen)) {
			/* English "may" and "march" only with a capital */
			if ((k == 15 || k == 14 || k == 23) && !t->cap)
				return 0;
			return 1;
		}
	return 0;
}

static unsigned num_value(const struct ctx *c, size_t i)
{
	const struct tok *t = &c->toks[i];
	unsigned v = 0;
	if (t->kind != T_NUM || t->len > 4)
		return 0;
	for (size_t k = 0; k < t->len; k++)
		v = v * 10 + (P(c)[t->start + k] - '0');
	return v;
}

static int is_year(const struct ctx *c, size_t i)
{
	unsigned v = num_value(c, i);
	return c->toks[i].len == 4 && v >= 1900 && v <= 2099;
}

/* A day number with an optional ordinal glued on: 12, 12e, 1ste, 3rd. */
static size_t day_at(const struct ctx *c, size_t i, size_t *last)
{
	unsigned v = num_value(c, i);
	if (c->toks[i].len > 2 || v < 1 || v > 31)
		return 0;
	*last = i;
	if (i + 1 < c->ntoks && c->toks[i + 1].gap == G_GLUE &&
	    c->toks[i + 1].kind == T_WORD) {
		static const char *const ord[] = {"e", "ste", "de", "st", "nd",
		                                  "rd", "th", NULL};
		const struct tok *t = &c->toks[i + 1];
		for (size_t k = 0; ord[k]; k++)
			if (strlen(ord[k]) == t->flen &&
			    !memcmp(ord[k], redact_tfold(c, i + 1), t->flen)) {
				*last = i + 1;
				return 1;
			}
		return 0;
	}
	return 1;
}

static int word_is(const struct ctx *c, size_t i, const char *w)
{
	const struct tok *t = &c->toks[i];
	return t->kind == T_WORD && t->flen == strlen(w) &&
	       !memcmp(redact_tfold(c, i), w, t->flen);
}

static const char *const weekdays[] = {
        "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag",
        "zondag", "ma", "di", "wo", "do", "vr", "za", "zo", "monday",
        "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat",
        "sun", NULL};

static int is_weekday(const struct ctx *c, size_t i)
{
	for (size_t k = 0; weekdays[k]; k++)
		if (word_is(c, i, weekdays[k]))
			return 1;
	return 0;
}

/* Token j follows token j - 1 across nothing but spaces, or the full stop
 * of an abbreviation ("Oct. 30", "febr. 2008"). */
static int after_abbr(const struct ctx *c, size_t j)
{
	const struct tok *t = &c->toks[j - 1];
	size_t e = t->start + t->len;
	if (c->toks[j].gap == G_SPACE || c->toks[j].gap == G_DOT)
		return 1;
	return t->kind == T_WORD && t->len <= 5 && e + 1 < c->len &&
	       P(c)[e] == '.' && P(c)[e + 1] == ' ' && c->toks[j].start == e + 2;
}

/* The start of "'98" when token i is such a year cut short and only spaces
 * (or a comma) lie before its apostrophe; c->len when it is not. */
static size_t short_year(const struct ctx *c, size_t i)
{
	const struct tok *t = &c->toks[i];
	if (t->kind != T_NUM || t->len != 2 || t->start < 2)
		return c->len;
	size_t s = t->start - 1;
	if (P(c)[s] != '\'') {
		if (t->start < 4 || P(c)[s] != 0x99 || P(c)[s - 1] != 0x80 ||
		    P(c)[s - 2] != 0xe2)
			return c->len;
		s -= 2;
	}
	if (short_year_apos(c, s) == 0 || (P(c)[s - 1] != ' ' && P(c)[s - 1] != '\n'))
		return c->len;
	return s;
}

/* Token y, after a month at y - 1, is its year: "maart 2020", "Jan '23". */
static int year_after(const struct ctx *c, size_t y)
{
	if (y >= c->ntoks)
		return 0;
	if (short_year(c, y) < c->len)
		return 1;
	return c->toks[y].gap != G_GLUE &&
	       (c->toks[y].gap <= G_COMMA || after_abbr(c, y)) && is_year(c, y);
}

/* A month before a year: not the name "Jan", nor "May" opening a sentence
 * in Dutch text. */
static int month_with_year(const struct ctx *c, size_t i)
{
	const struct tok *t = &c->toks[i];
	if (word_is(c, i, "jan") && t->cap)
		return 0;
	return 1;
}

static bron_err add_toks(struct ctx *c, size_t a, size_t b, enum bron_cat cat)
{
	size_t start = c->toks[a].start;
	if (a == b && short_year(c, a) < c->len)
		start = short_year(c, a); /* the apostrophe of "'98" */
	size_t end = c->toks[b].start + c->toks[b].len;
	return redact_add(c, start, end - start, cat, 0);
}

/* "op de 18de vieren we", "on the 22nd I'll": an ordinal day after "op de"
 * or "on the", unless a noun follows it ("op de 3e verdieping"). */
static int on_the_day(const struct ctx *c, size_t i, size_t last)
{
	static const char *const nouns[] = {
	        "verdieping", "etage", "plaats", "plek", "rij", "keer", "maal",
	        "klas", "graad", "ronde", "poging", "versie", "druk", "eeuw",
	        "dag", "week", "jaar", "les", "sessie", "afspraak", "kind",
	        "kwartaal", "divisie", "floor", "place", "time", "round", "row",
	        "century", "grade", "attempt", "day", "week", "year", "session",
	        "lesson", "child", "try", "step", "stap", "hole", "lap", "hulp",
	        "helft", "kamer", "etappe", "bank", "lijn", "trede", "groep",
	        "half", "line", "room", "stage", "leg", "episode", "aflevering",
	        "hoofdstuk", "chapter", "page", "pagina", "bladzijde", NULL};
	/* "voor de 1e", "until the 9th": a preposition of time before it */
	static const char *const preps[] = {
	        "op", "voor", "na", "tot", "vanaf", "sinds", "rond", "on",
	        "before", "after", "until", "till", "by", "from", "since",
	        "around", NULL};
	if (i < 2 || last < i || c->toks[i - 1].gap != G_SPACE ||
	    !(word_is(c, i - 1, "de") || word_is(c, i - 1, "the")))
		return 0;
	int prep = 0;
	for (size_t k = 0; preps[k] && !prep; k++)
		prep = word_is(c, i - 2, preps[k]);
	if (!prep)
		return 0;
	size_t n = last + 1;
	if (n >= c->ntoks)
		return 1;
	if (c->toks[n].kind != T_WORD)
		return 0;
	for (size_t k = 0; nouns[k]; k++)
		if (word_is(c, n, nouns[k]))
			return 0;
	/* "de tweede en derde klas" */
	return !(c->toks[n].gap == G_SPACE &&
	         (word_is(c, n, "en") || word_is(c, n, "of") ||
	          word_is(c, n, "and") || word_is(c, n, "or")));
}

/* A day written as an ordinal word: "de twaalfde van mei", "the
 * twenty-first of August", "op de zestiende", "on the fifth, at ten".
 * Returns the last token of the date, or 0. */
static size_t word_day(const struct ctx *c, size_t i)
{
	const struct tok *t = &c->toks[i];
	size_t m = i + 1;
	/* cheap tests first: this runs for every word */
	if (t->kind != T_WORD || t->cap == 2 || t->flen < 4 || i == 0 ||
	    !(word_is(c, i - 1, "de") || word_is(c, i - 1, "the") ||
	      (m < c->ntoks && (word_is(c, m, "van") || word_is(c, m, "of") ||
	                        is_month(c, m)))) ||
	    !redact_day_ordinal(redact_tfold(c, i), t->flen))
		return 0;
	if (m + 1 < c->ntoks && c->toks[m].gap == G_SPACE &&
	    (word_is(c, m, "van") || word_is(c, m, "of")) &&
	    c->toks[m + 1].gap == G_SPACE && is_month(c, m + 1))
		return year_after(c, m + 2) ? m + 2 : m + 1;
	if (m < c->ntoks && c->toks[m].gap == G_SPACE && is_month(c, m))
		return year_after(c, m + 1) ? m + 1 : m;
	/* alone only after "op de", "on the", and not at 1: "op de eerste
	 * rij", "on the first try" */
	if (redact_day_ordinal(redact_tfold(c, i), t->flen) < 2 ||
	    !on_the_day(c, i, i))
		return 0;
	if (m >= c->ntoks || c->toks[m].gap >= G_COMMA ||
	    word_is(c, m, "om") || word_is(c, m, "at") ||
	    word_is(c, m, "jarig"))
		return i;
	return 0;
}

/* Token i follows the one before it after a single '-' ("3-mrt"). */
static int hyphen_before(const struct ctx *c, size_t i)
{
	return i > 0 && c->toks[i].gap == G_COMMA &&
	       c->toks[i].start ==
	               c->toks[i - 1].start + c->toks[i - 1].len + 1 &&
	       P(c)[c->toks[i].start - 1] == '-';
}

/*
 * The words of a range that end just before the day at token i: "t/m"
 * and "tot en met" (Dutch for "up to and including"), "through", "till",
 * "until".  Returns how many tokens they take, or 0.
 */
static size_t range_words(const struct ctx *c, size_t i)
{
	if (i >= 3 && word_is(c, i - 1, "m") && word_is(c, i - 2, "t") &&
	    P(c)[c->toks[i - 1].start - 1] == '/' &&
	    c->toks[i - 1].start == c->toks[i - 2].start + 2 &&
	    c->toks[i].gap == G_SPACE && c->toks[i - 2].gap == G_SPACE)
		return 2;
	if (i >= 4 && word_is(c, i - 1, "met") && word_is(c, i - 2, "en") &&
	    word_is(c, i - 3, "tot") && c->toks[i].gap == G_SPACE &&
	    c->toks[i - 1].gap == G_SPACE && c->toks[i - 2].gap == G_SPACE &&
	    c->toks[i - 3].gap == G_SPACE)
		return 3;
	if (i >= 2 && c->toks[i].gap == G_SPACE &&
	    c->toks[i - 1].gap == G_SPACE &&
	    (word_is(c, i - 1, "through") || word_is(c, i - 1, "till") ||
	     word_is(c, i - 1, "until") || word_is(c, i - 1, "tm")))
		return 1;
	return 0;
}

/*
 * A feast day with its year: "kerstavond 2016", "Koningsdag 2019",
 * "Christmas Eve 2016".  Returns the year's token, or 0.
 */
static size_t holiday_year(const struct ctx *c, size_t i)
{
	static const char *const days[] = {
	        "kerst", "kerstmis", "kerstavond", "kerstdag", "oudjaar",
	        "oudejaarsavond", "oudejaarsdag", "nieuwjaar", "nieuwjaarsdag",
	        "pasen", "paasmaandag", "paaszondag", "pinksteren", "hemelvaart",
	        "hemelvaartsdag", "koningsdag", "koninginnedag", "bevrijdingsdag",
	        "sinterklaas", "sinterklaasavond", "pakjesavond", "moederdag",
	        "vaderdag", "valentijnsdag", "christmas", "xmas", "easter",
	        "thanksgiving", "halloween", NULL};
	const struct tok *t = &c->toks[i];
	/* cheap tests first: this runs for every word */
	size_t y = i + 1;
	if (t->kind != T_WORD || t->flen < 4 || y >= c->ntoks)
		return 0;
	if (y + 1 < c->ntoks && c->toks[y].gap == G_SPACE &&
	    (word_is(c, y, "eve") || word_is(c, y, "day")))
		y++; /* "Christmas Eve 2016" */
	if (c->toks[y].kind != T_NUM ||
	    !strchr("kopnhbsmvcxetv", redact_tfold(c, i)[0]))
		return 0;
	int hit = 0;
	for (size_t k = 0; days[k] && !hit; k++)
		hit = word_is(c, i, days[k]);
	if (!hit)
		return 0;
	return year_after(c, y) ? y : 0;
}

/* "12 maart 2019", "12 maart", "March 12th, 2019", "the 3rd of May". */
static bron_err find_word_dates(struct ctx *c)
{
	for (size_t i = 0; i < c->ntoks; i++) {
		size_t last, m = 0, end = 0;
		if (c->toks[i].kind == T_NUM && day_at(c, i, &last)) {
			m = last + 1;
			if (m < c->ntoks && word_is(c, m, "of") && m + 1 < c->ntoks)
				m++;
			if (m < c->ntoks &&
			    ((c->toks[m].gap <= G_DOT && c->toks[m].gap != G_GLUE) ||
			     hyphen_before(c, m)) &&
			    is_month(c, m))
				end = m;
		} else if (i + 1 < c->ntoks && c->toks[i + 1].kind == T_NUM &&
		           after_abbr(c, i + 1) && is_month(c, i) &&
		           day_at(c, i + 1, &last) &&
		           (c->toks[i].cap || c->lang != BRON_LANG_NL)) {
			/* month first is English: "March 12", "June 5-7" */
			end = last;
			size_t to = last + 1, l2;
			if (to + 1 < c->ntoks && c->toks[to].gap == G_SPACE &&
			    (word_is(c, to, "to") || word_is(c, to, "and") ||
			     word_is(c, to, "through")) &&
			    c->toks[to + 1].kind == T_NUM)
				to++;
			else if (!(to < c->ntoks && hyphen_before(c, to)))
				to = c->ntoks;
			if (to < c->ntoks && c->toks[to].kind == T_NUM &&
			    day_at(c, to, &l2))
				end = l2;
		} else if ((end = holiday_year(c, i)) != 0) {
			/* "Kerstavond 2016", "Easter 2018": a feast day and its
			 * year name one day, or a few */
			bron_err e = add_toks(c, i, end, BRON_CAT_DATE);
			if (e != BRON_OK)
				return e;
			i = end;
			continue;
		} else if (i + 1 < c->ntoks && year_after(c, i + 1) &&
		           is_month(c, i) &&
		           (month_with_year(c, i) || short_year(c, i + 1) < c->len)) {
			/* "maart 2020", "June 2021", "Jan '23" */
			bron_err e = add_toks(c, i, i + 1, BRON_CAT_DATE);
			if (e != BRON_OK)
				return e;
			i++;
			continue;
		}
		if (!end && c->toks[i].kind == T_NUM && i > 0 &&
		    c->toks[i].gap == G_SPACE && day_at(c, i, &last) &&
		    last == i + 1 &&
		    (((word_is(c, i - 1, "de") || word_is(c, i - 1, "the")) &&
		      (last + 1 >= c->ntoks || c->toks[last + 1].gap >= G_DOT ||
		       word_is(c, last + 1, "om") || word_is(c, last + 1, "at") ||
		       on_the_day(c, i, last))) ||
		     is_weekday(c, i - 1))) {
			/* "op de 28e", "Saturday the 18th", "Wed 10th"; the
			 * full stop after "27e." reads like an initial's */
			bron_err e = add_toks(c, i, last, BRON_CAT_DATE);
			if (e != BRON_OK)
				return e;
			i = last;
			continue;
		}
		if (!end && (end = word_day(c, i)) != 0) {
			bron_err e = add_toks(c, i, end, BRON_CAT_DATE);
			if (e != BRON_OK)
				return e;
			i = end;
			continue;
		}
		if (!end)
			continue;
		/* "8 op 9 mei", "8 en 9 mei", "8-9 mei", "3 t/m 7 maart" */
		size_t from = i;
		size_t conn = c->toks[i].kind == T_NUM ? range_words(c, i) : 0;
		if (conn && i > conn && day_at(c, i - conn - 1, &last) &&
		    last == i - conn - 1 && !c->taken[c->toks[last].start])
			from = last;
		else if (c->toks[i].kind == T_NUM && i >= 2 && c->toks[i].gap == G_SPACE &&
		    c->toks[i - 1].gap == G_SPACE &&
		    (word_is(c, i - 1, "op") || word_is(c, i - 1, "en") ||
		     word_is(c, i - 1, "tot") || word_is(c, i - 1, "and") ||
		     word_is(c, i - 1, "to")) &&
		    day_at(c, i - 2, &last) && last == i - 2 &&
		    !c->taken[c->toks[i - 2].start])
			from = i - 2;
		else if (c->toks[i].kind == T_NUM && i >= 1 &&
		         c->toks[i].gap == G_COMMA &&
		         c->toks[i].start == c->toks[i - 1].start + c->toks[i - 1].len + 1 &&
		         P(c)[c->toks[i].start - 1] == '-' && day_at(c, i - 1, &last) &&
		         last == i - 1 && !c->taken[c->toks[i - 1].start])
			from = i - 1;
		size_t y = end + 1;
		if (year_after(c, y))
			end = y;
		bron_err e = add_toks(c, from, end, BRON_CAT_DATE);
		if (e != BRON_OK)
			return e;
		i = end;
	}
	return BRON_OK;
}

/* "geboren in 1981", "born March 1981": a year near a birth word. */
static bron_err find_birth_years(struct ctx *c)
{
	for (size_t i = 0; i < c->ntoks; i++) {
		/* the birth cues start with one of these letters */
		const struct tok *t = &c->toks[i];
		if (t->kind != T_WORD || t->flen < 3 ||
		    !strchr("gbdvj", redact_tfold(c, i)[0]) ||
		    !(redact_tflags(c, i) & LEX_BIRTH))
			continue;
		for (size_t j = i + 1; j < c->ntoks && j <= i + 4; j++) {
			if (c->toks[j].gap >= G_BREAK && j > i + 1)
				break;
			if (!is_year(c, j))
				continue;
			size_t from = j;
			if (is_month(c, j - 1) && j - 1 > i)
				from = j - 1;
			bron_err e = add_toks(c, from, j, BRON_CAT_DATE);
			if (e != BRON_OK)
				return e;
			break;
		}
	}
	return BRON_OK;
}

/* --- postcodes and licence plates ----------------------------------------- */

static bron_err find_postcodes(struct ctx *c)
{
	const unsigned char *p = P(c);
	for (size_t i = 0; i + 6 <= c->len; i++) {
		if (p[i] < '1' || p[i] > '9' || !starts_here(c, i) || c->taken[i])
			continue;
		if (!is_digit(p[i + 1]) || !is_digit(p[i + 2]) || !is_digit(p[i + 3]))
			continue;
		size_t k = i + 4;
		int space = k < c->len && p[k] == ' ';
		k += space;
		if (k + 2 > c->len || !is_alpha(p[k]) || !is_alpha(p[k + 1]) ||
		    !ends_here(c, k + 2))
			continue;
		int up = is_up(p[k]) && is_up(p[k + 1]);
		int low = !is_up(p[k]) && !is_up(p[k + 1]);
		if (!up && !(low && !space))
			continue;
		char pair[2] = {(char)lower(p[k]), (char)lower(p[k + 1])};
		if (!memcmp(pair, "sa", 2) || !memcmp(pair, "sd", 2) ||
		    !memcmp(pair, "ss", 2) ||
		    (bron_lex_find(pair, 2) & (LEX_SAFE | LEX_GEO)))
			continue;
		bron_err e = redact_add(c, i, k + 2 - i, BRON_CAT_POSTCODE, 0);
		if (e != BRON_OK)
			return e;
		i = k + 2;
	}
	return BRON_OK;
}

/* The Dutch sidecodes: L letter, D digit, groups apart by '-'. */
static const char *const sidecodes[] = {
        "LL-DD-DD", "DD-DD-LL", "DD-LL-DD", "LL-DD-LL", "LL-LL-DD",
        "DD-LL-LL", "DD-LLL-D", "D-LLL-DD", "LL-DDD-L", "L-DDD-LL",
        "LLL-DD-L", "L-DD-LLL", "D-LL-DDD", "DDD-LL-D", NULL};

static int plate_at(const struct ctx *c, size_t i, size_t *end)
{
	const unsigned char *p = P(c);
	for (size_t s = 0; sidecodes[s]; s++)
		for (int dashes = 1; dashes >= 0; dashes--) {
			const char *sc = sidecodes[s];
			size_t k = i, letters = 0;
			int ok = 1;
			for (; *sc && ok; sc++) {
				if (*sc == '-') {
					if (dashes)
						ok = k < c->len && p[k++] == '-';
					continue;
				}
				ok = k < c->len &&
				     (*sc == 'L' ? is_up(p[k]) : is_digit(p[k]));
				letters += *sc == 'L';
				k++;
			}
			if (ok && ends_here(c, k) && (k >= c->len || p[k] != '-') &&
			    letters > 0) {
				*end = k;
				return 1;
			}
		}
	return 0;
}

static bron_err find_plates(struct ctx *c)
{
	const unsigned char *p = P(c);
	for (size_t i = 0; i + 6 <= c->len; i++) {
		size_t end, run = 0;
		if (!is_alnum(p[i]) || !starts_here(c, i) || c->taken[i])
			continue;
		while (i + run < c->len && is_alnum(p[i + run]))
			run++;
		/* a plate has a dash within three characters, or is six long */
		if (!(run <= 3 && i + run < c->len && p[i + run] == '-') && run != 6) {
			i += run;
			continue;
		}
		if (plate_at(c, i, &end)) {
			bron_err e = redact_add(c, i, end - i, BRON_CAT_PLATE, 0);
			if (e != BRON_OK)
				return e;
			i = end;
		}
	}
	return BRON_OK;
}

/* --- phone numbers and BSNs ----------------------------------------------- */

struct group {
	size_t start, end;
};

static int bsn_ok(const char *d)
{
	int sum = 0;
	for (int k = 0; k < 8; k++)
		sum += (d[k] - '0') * (9 - k);
	sum -= d[8] - '0';
	return sum % 11 == 0 && sum != 0;
}

enum { NONE, PHONE, BSN, PUBLIC };

/* What the digits of groups g[a..b] are. */
static int classify(const struct ctx *c, const struct group *g, size_t a,
                    size_t b, int plus)
{
	char d[24];
	size_t n = 0;
	for (size_t k = a; k <= b; k++)
		for (size_t i = g[k].start; i < g[k].end; i++) {
			if (n == sizeof(d) - 1)
				return NONE;
			d[n++] = (char)P(c)[i];
		}
	d[n] = '\0';
	int seps = b > a;
	if (plus)
		return n >= 8 && n <= 15 ? PHONE : NONE;
	if (n >= 11 && n <= 15 && d[0] == '0' && d[1] == '0')
		return PHONE;
	if (d[0] == '0') {
		if (!strncmp(d, "0800", 4) || !strncmp(d, "0900", 4) ||
		    !strncmp(d, "0906", 4) || !strncmp(d, "0909", 4))
			return n >= 7 && n <= 11 ? PUBLIC : NONE;
		if (n == 10 || (n == 11 && d[1] != '0'))
			return PHONE;
		if (n == 9) {
			int dotted = b - a == 2 && P(c)[g[a].end] == '.';
			if (bsn_ok(d) && (!seps || dotted))
				return BSN;
			return PHONE;
		}
		return NONE;
	}
	if (n == 9 && bsn_ok(d))
		return BSN;
	/* North American: (555) 123-4567 */
	if (n == 10 && seps && d[0] > '1' && b - a == 2 &&
	    g[a].end - g[a].start == 3 && g[b].end - g[b].start == 4)
		return PHONE;
	return NONE;
}

/* Separator between digit groups: " ", "-", ".", "/", " - ", "(0)"-style. */
static size_t separator(const struct ctx *c, size_t k)
{
	size_t s = k, spaces = 0;
	while (k < c->len && k - s < 4 && strchr(" -./()", P(c)[k]) && P(c)[k]) {
		spaces += P(c)[k] == ' ';
		k++;
	}
	if (k == s || spaces > 2 || k >= c->len || !is_digit(P(c)[k]))
		return 0;
	return k - s;
}

static bron_err find_numbers(struct ctx *c)
{
	const unsigned char *p = P(c);
	for (size_t i = 0; i < c->len; i++) {
		int plus = p[i] == '+' && i + 1 < c->len && is_digit(p[i + 1]);
		int paren = p[i] == '(' && i + 1 < c->len && is_digit(p[i + 1]);
		if ((!is_digit(p[i]) && !plus && !paren) || !starts_here(c, i) ||
		    c->taken[i])
			continue;
		struct group g[10];
		size_t ng = 0, k = i + (plus || paren);
		while (ng < 10 && k < c->len && is_digit(p[k]) && !c->taken[k]) {
			g[ng].start = k;
			while (k < c->len && is_digit(p[k]) && !c->taken[k])
				k++;
			g[ng++].end = k;
			size_t s = separator(c, k);
			if (!s || c->taken[k + s])
				break;
			k += s;
		}
		if (ng == 0)
			continue;
		/* longest number first from each group on */
		size_t a = 0, done = g[ng - 1].end;
		while (a < ng) {
			size_t b = ng;
			int what = NONE;
			while (b-- > a) {
				if (!ends_here(c, g[b].end))
					continue;
				what = classify(c, g, a, b, plus && a == 0);
				if (what != NONE)
					break;
			}
			if (what == NONE) {
				a++;
				continue;
			}
			size_t from = a == 0 ? i : g[a].start;
			size_t len = g[b].end - from;
			bron_err e = BRON_OK;
			if (what == PUBLIC)
				protect(c, from, len);
			else
				e = redact_add(c, from, len,
				               what == BSN ? BRON_CAT_BSN : BRON_CAT_PHONE, 0);
			if (e != BRON_OK)
				return e;
			a = b + 1;
		}
		i = done;
	}
	return BRON_OK;
}

bron_err redact_patterns(struct ctx *c)
{
	bron_err e;
	if ((e = find_emails(c)) != BRON_OK || (e = find_links(c)) != BRON_OK ||
	    (e = find_ibans(c)) != BRON_OK ||
	    (e = find_numeric_dates(c)) != BRON_OK ||
	    (e = find_word_dates(c)) != BRON_OK ||
	    (e = find_birth_years(c)) != BRON_OK ||
	    (e = find_postcodes(c)) != BRON_OK || (e = find_plates(c)) != BRON_OK)
		return e;
	return find_numbers(c);
}

/* --- years on their own ----------------------------------------------------- */

/* 1 when the sentence around token i speaks of a particular person (or,
 * without who, of anything) and of no public event. */
static int private_sentence(struct ctx *c, size_t i, int who_needed)
{
	size_t a = i, b = i + 1;
	while (a > 0 && !c->toks[a].sent)
		a--;
	while (b < c->ntoks && !c->toks[b].sent)
		b++;
	int who = 0;
	for (size_t k = a; k < b; k++) {
		const struct tok *t = &c->toks[k];
		if (t->kind != T_WORD || !t->flen)
			continue;
		uint32_t f = redact_tflags(c, k);
		if (f & LEX_EVENT)
			return 0;
		enum bron_cat cat = redact_cat_at(c, t->start);
		who |= (f & (LEX_PERSONAL | LEX_AGENOUN)) != 0 ||
		       cat == BRON_CAT_PERSON || cat == BRON_CAT_PSEUDONYM;
	}
	return who || !who_needed;
}

static int season(const struct ctx *c, size_t i)
{
	static const char *const w[] = {"zomer", "winter", "voorjaar", "najaar",
	                                "herfst", "lente", "die", "eind", "begin",
	                                "summer", "spring", "autumn", "fall",
	                                "that", "end", "start", "beginning", NULL};
	for (size_t k = 0; w[k]; k++)
		if (word_is(c, i, w[k]))
			return 1;
	return 0;
}

/*
 * "in 2013 zat ik op een schuld", "since 1996", "in Arnhem, 2001": a year
 * alone dates a private event when a cue comes before it and the sentence
 * is about someone.  Runs after the names, so that "Arnhem" is a place.
 */
/* "for most of 2020", "de rest van 2019", "the end of 2016" */
static int part_of_year(const struct ctx *c, size_t i)
{
	static const char *const parts[] = {"most", "rest", "end", "start",
	                                    "beginning", "half", "middle",
	                                    "helft", "eind", "einde", "begin",
	                                    "midden", "rest", "zomer", "winter",
	                                    NULL};
	for (size_t k = 0; parts[k]; k++)
		if (word_is(c, i, parts[k]))
			return 1;
	return 0;
}

/*
 * "in '98", "zomer '09", "van '52 tot": a year cut short is how people
 * write about their own past, and nothing else looks like it; a cue before
 * it is enough unless the sentence is about a public event.
 */
static int short_year_alone(struct ctx *c, size_t i)
{
	size_t s = short_year(c, i);
	if (s == c->len || c->taken[s] || c->taken[c->toks[i].start])
		return 0;
	size_t p = i - 1;
	const struct tok *u = &c->toks[p];
	if (u->kind != T_WORD || u->start + u->len + 1 != s)
		return 0;
	int cue = (redact_tflags(c, p) & LEX_YEARCUE) || season(c, p) ||
	          word_is(c, p, "van") || word_is(c, p, "of") ||
	          word_is(c, p, "uit") || word_is(c, p, "sinds");
	return cue && private_sentence(c, i, 0);
}

bron_err redact_years(struct ctx *c)
{
	for (size_t i = 1; i < c->ntoks; i++) {
		const struct tok *t = &c->toks[i];
		if (short_year_alone(c, i)) {
			size_t s = short_year(c, i);
			bron_err e = redact_add(c, s, t->start + t->len - s,
			                        BRON_CAT_DATE, 0);
			if (e != BRON_OK)
				return e;
			continue;
		}
		if (t->kind != T_NUM || !is_year(c, i) || c->taken[t->start] ||
		    t->gap == G_GLUE || !ends_here(c, t->start + t->len))
			continue;
		/* not "2013-2015" or "2013/14" */
		if (t->start + t->len < c->len &&
		    strchr("-/.,", P(c)[t->start + t->len]) &&
		    t->start + t->len + 1 < c->len &&
		    is_digit(P(c)[t->start + t->len + 1]))
			continue;
		size_t p = i - 1;
		const struct tok *u = &c->toks[p];
		int cue = 0;
		if (t->gap == G_SPACE && u->kind == T_WORD && !u->cap)
			cue = (redact_tflags(c, p) & LEX_YEARCUE) ||
			      ((word_is(c, p, "van") || word_is(c, p, "of")) && p > 0 &&
			       (season(c, p - 1) || part_of_year(c, p - 1))) ||
			      ((word_is(c, p, "jaar") || word_is(c, p, "year")) &&
			       p > 0 && c->toks[p].gap == G_SPACE &&
			       (word_is(c, p - 1, "het") || word_is(c, p - 1, "the")));
		else if (t->gap == G_SPACE && u->kind == T_WORD && u->sent)
			cue = (redact_tflags(c, p) & LEX_YEARCUE) != 0;
		else if (t->gap == G_COMMA && P(c)[t->start - 2] == ',' &&
		         u->kind == T_WORD && c->taken[u->start])
			/* "Arnhem, 2001," (a place the detector may also have read
			 * as a name) */
			cue = redact_cat_at(c, u->start) == BRON_CAT_PLACE ||
			      (redact_cat_at(c, u->start) == BRON_CAT_PERSON &&
			       (t->start + t->len >= c->len ||
			        strchr(",.;:", P(c)[t->start + t->len])));
		if (!cue || !private_sentence(c, i, 1))
			continue;
		bron_err e = redact_add(c, t->start, t->len, BRON_CAT_DATE, 0);
		if (e != BRON_OK)
			return e;
	}
	return BRON_OK;
}
