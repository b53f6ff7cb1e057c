/*
 * clock_shim.c - a test helper, never installed.  run_cases.py preloads it
 * (LD_PRELOAD) into bron while it builds fixtures, so that entries can be
 * written "on" earlier days: time() returns $BRON_TEST_NOW (seconds since
 * the epoch) when that is set, and the real time otherwise.  libbron does not
 * call time(); only the program's entry timestamps move.
 */
#include <stdlib.h>
#include <time.h>

time_t time(time_t *out)
{
	const char *s = getenv("BRON_TEST_NOW");
	struct timespec ts;
	time_t t;
	if (s && *s) {
		t = (time_t)strtoll(s, NULL, 10);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		t = ts.tv_sec;
	}
	if (out)
		*out = t;
	return t;
}
