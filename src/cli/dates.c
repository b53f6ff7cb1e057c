/*
 * dates.c - dates as people type them: ISO (2026-11-28), Dutch order
 * (28-11-2026, 28/11/2026, 28.11.2026), words (today, yesterday, vandaag,
 * gisteren) and relative forms (-7d days, -2w weeks, -3m months, -1y years;
 * Dutch "j" for jaar works too).  Every date means the start of that local day.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

/*
 * The start of local day y-m-d.  mktime() carries overflowing days and
 * months over (31-02 becomes 03-03); with strict set, such a date is
 * refused instead.
 */
static int day_start(int y, int m, int d, int strict, int64_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	time_t t = mktime(&tm);
	if (t == (time_t)-1 || tm.tm_year < 1 - 1900 || tm.tm_year > 9999 - 1900 ||
	    (strict && (tm.tm_year != y - 1900 || tm.tm_mon != m - 1 ||
	                tm.tm_mday != d)))
		return -1;
	*out = (int64_t)t;
	return 0;
}

/* Reads exactly n digits. */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static int relative(const char *s, int64_t now, int64_t *out)
{
	char *end;
	if (!isdigit((unsigned char)s[0]))
		return -1;
	long n = strtol(s, &end, 10);
	if (n < 0 || n > 100000 || end[0] == '\0' || end[1] != '\0')
		return -1;
	time_t t = (time_t)now;
	struct tm tm;
	if (!localtime_r(&t, &tm))
		return -1;
	int y = tm.tm_year + 1900, m = tm.tm_mon + 1, d = tm.tm_mday;
	switch (end[0]) {
	case 'd':
		d -= (int)n;
		break;
	case 'w':
		d -= 7 * (int)n;
		break;
	case 'm':
		m -= (int)n;
		break;
	case 'y':
	case 'j':
		y -= (int)n;
		break;
	default:
		return -1;
	}
	return day_start(y, m, d, 0, out); /* -7d may cross a month */
}

int date_parse(const char *s, int64_t now, int64_t *out)
{
	static const struct {
		const char *word;
		int days_back;
	} words[] = {{"today", 0}, {"vandaag", 0}, {"yesterday", 1},
	             {"gisteren", 1}};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcasecmp(s, words[i].word) == 0) {
			char rel[16];
			snprintf(rel, sizeof(rel), "%dd", words[i].days_back);
			return relative(rel, now, out);
		}
	}
	if (s[0] == '-')
		return relative(s + 1, now, out);
	size_t n = strlen(s);
	int y, m, d;
	if (n == 10 && s[4] == '-' && s[7] == '-' && digits(s, 4, &y) == 0 &&
	    digits(s + 5, 2, &m) == 0 && digits(s + 8, 2, &d) == 0)
		return day_start(y, m, d, 1, out);
	if (n == 10 && (s[2] == '-' || s[2] == '/' || s[2] == '.') &&
	    s[5] == s[2] && digits(s, 2, &d) == 0 && digits(s + 3, 2, &m) == 0 &&
	    digits(s + 6, 4, &y) == 0)
		return day_start(y, m, d, 1, out);
	return -1;
}
