/*
 * bench_redact.c - how fast does the redactor go through prose?
 *
 * Requirement measured: `bron redact` handles at least 5 MB/s of prose on
 * one core; the word lists load in reasonable time.
 *
 *   bench_redact [-r RUNS] [MB] [FILE]
 *
 * 1. Times bron_redactor_new plus a first one-word redaction (the lexicon
 *    is constant data, so "loading" is this first touch).
 * 2. Builds MB (default 8) megabytes of journal-like Dutch and English
 *    prose from sentence templates with names, places, dates, numbers and
 *    plain words (deterministic), or reads FILE instead.
 * 3. Redacts it in paragraphs of about 2 KiB, as the supervision view does
 *    entry by entry, RUNS times (default 3) and prints best and median
 *    MB/s and the number of replacements.
 *
 * Exit status 0 unless something fails: this is a measurement, not a test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bron/bron.h"
#include "bron/redact.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const templates[] = {
        "Vandaag had ik een lang gesprek met %N over haar schulden. ",
        "Ze vertelde dat %N haar had geslagen toen ze in %P woonden. ",
        "Het voelde zwaar, maar ik merkte ook dat mijn eigen herstel doorgaat. ",
        "Op %D moet ze naar de rechtbank; ik ga mee als dat mag. ",
        "Haar zoon van %A zit op basisschool De Regenboog en slaapt slecht. ",
        "Ik heb het UWV gebeld over de uitkering en kreeg een brief van het CJIB. ",
        "Bel me op 06-%T als het niet gaat, zei ik nog. ",
        "Mijn eigen scheiding speelt weer op als ik zulke verhalen hoor. ",
        "In de supervisie wil ik bespreken hoe ik mijn grenzen bewaak. ",
        "Hoop doet leven, schreef iemand op een kaartje in de wachtkamer. ",
        "Yesterday I met %N at the Kerkstraat %A and we talked for an hour. ",
        "I noticed how tired I was after the session, and that is fine. ",
        "Recovery is not a straight line; some weeks are harder than others. ",
        "Zijn moeder woont aan de Dorpsstraat %A in %P en drinkt veel. ",
        "Ik heb thuis nog lang nagedacht over wat %N zei over vertrouwen. ",
        "De wijkagent kwam langs en we spraken over de situatie thuis. ",
};
static const char *const names[] = {"Sanne", "Jan de Vries", "Fatima",
                                    "Mohammed", "Roos", "Kees Bakker",
                                    "Priya", "Thijs", "Lieke", "Emre"};
static const char *const places[] = {"Zwolle", "Amsterdam", "Tilburg",
                                     "Deventer", "Almere", "Utrecht"};

static char *make_prose(size_t want, size_t *len)
{
	char *buf = malloc(want + 512);
	if (!buf)
		return NULL;
	size_t n = 0;
	unsigned long seed = 42;
	while (n < want) {
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		const char *t = templates[(seed >> 33) % 16];
		for (; *t && n < want + 400; t++) {
			if (*t != '%') {
				buf[n++] = *t;
				continue;
			}
			char tmp[64];
			unsigned r = (unsigned)(seed >> 40);
			switch (*++t) {
			case 'N': snprintf(tmp, sizeof(tmp), "%s", names[r % 10]); break;
			case 'P': snprintf(tmp, sizeof(tmp), "%s", places[r % 6]); break;
			case 'D': snprintf(tmp, sizeof(tmp), "%u maart 20%02u", 1 + r % 28,
			                   r % 24); break;
			case 'A': snprintf(tmp, sizeof(tmp), "%u", 3 + r % 60); break;
			default: snprintf(tmp, sizeof(tmp), "%08u", r % 100000000); break;
			}
			size_t k = strlen(tmp);
			memcpy(buf + n, tmp, k);
			n += k;
		}
		if ((seed >> 20) % 7 == 0)
			buf[n++] = '\n';
	}
	*len = n;
	return buf;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 20, n = 0, got;
	char *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *p = realloc(buf, cap *= 2);
			if (!p) {
				free(buf);
				buf = NULL;
			}
			buf = p;
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	int runs = 3, opt;
	while ((opt = getopt(argc, argv, "r:")) != -1)
		if (opt == 'r')
			runs = atoi(optarg) > 0 ? atoi(optarg) : 1;
	size_t mb = optind < argc ? (size_t)atoi(argv[optind]) : 8;
	const char *file = optind + 1 < argc ? argv[optind + 1] : NULL;
	if (bron_init(NULL) != BRON_OK || mb == 0)
		return 1;

	double t0 = now();
	struct bron_redactor *r = bron_redactor_new(BRON_LANG_AUTO, NULL);
	struct bron_redaction out = {0};
	if (!r || bron_redact(r, "Sanne", 5, &out, NULL) != BRON_OK)
		return 1;
	bron_redaction_free(&out);
	printf("load: redactor + first lookup %.3f ms\n", (now() - t0) * 1e3);

	size_t len;
	char *text = file ? read_file(file, &len) : make_prose(mb << 20, &len);
	if (!text) {
		fprintf(stderr, "bench_redact: cannot get text\n");
		return 1;
	}
	double *mbs = calloc((size_t)runs, sizeof(double));
	size_t repl = 0;
	for (int run = 0; run < runs; run++) {
		repl = 0;
		double s = now();
		for (size_t at = 0; at < len;) {
			size_t n = len - at < 2048 ? len - at : 2048;
			while (at + n < len && n < 4096 && text[at + n - 1] != ' ')
				n++;
			if (bron_redact(r, text + at, n, &out, NULL) != BRON_OK)
				return 1;
			repl += out.nrepl;
			bron_redaction_free(&out);
			at += n;
		}
		mbs[run] = (double)len / (1 << 20) / (now() - s);
	}
	qsort(mbs, (size_t)runs, sizeof(double), cmp_double);
	printf("redact: %.1f MiB, %zu replacements per run\n",
	       (double)len / (1 << 20), repl);
	printf("redact: best %.2f MB/s, median %.2f MB/s (target >= 5)\n",
	       mbs[runs - 1], mbs[runs / 2]);
	free(mbs);
	free(text);
	bron_redactor_free(r);
	return 0;
}
