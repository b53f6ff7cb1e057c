/*
 * chart_demo - writes a picture of recovery with Dutch labels, three groups
 * of bars and five paths (one falls back, one has a single point) to the
 * SVG file named on the command line, for render_svg.py.  With --text it
 * writes the terminal picture instead (width 72, UTF-8), for a person to
 * compare.
 */
#include <stdio.h>
#include <string.h>

#include "bron/bron.h"
#include "bron/chart.h"
#include "bron/vault.h"

/* The first of a month, UTC, as seconds since the epoch. */
static int64_t T(int y, int m)
{
	/* days from 1970-01-01 to y-m-01 (Howard Hinnant's days_from_civil) */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468) * 86400;
}

int main(int argc, char **argv)
{
	const struct bron_chart_bar levels[] = {
		{"deelbaar", 12}, {"nog niet deelbaar", 5}, {"privé", 20}};
	const struct bron_chart_bar areas[] = {
		{"gezin van herkomst", 9}, {"werk", 14}, {"relaties", 6},
		{"ouderschap", 2}};
	const struct bron_chart_bar phases[] = {
		{"overweldigd", 3}, {"ermee worstelen", 8}, {"ermee leven", 10},
		{"op de achtergrond", 4}};
	const struct bron_phase_point p1[] = {
		{T(2012, 3), 1}, {T(2014, 6), 2}, {T(2016, 1), 3}, {T(2018, 9), 4}};
	/* falls back from living with it to struggling, and gets up again */
	const struct bron_phase_point p2[] = {
		{T(2015, 2), 1}, {T(2017, 5), 3}, {T(2019, 11), 2}, {T(2023, 4), 3}};
	const struct bron_phase_point p3[] = {{T(2020, 10), 2}};
	const struct bron_phase_point p4[] = {{T(2010, 1), 2}, {T(2024, 2), 4}};
	const struct bron_phase_point p5[] = {
		{T(2018, 4), 1}, {T(2019, 8), 1}, {T(2021, 3), 2}};
	const struct bron_chart_path paths[] = {
		{"Scheiding van mijn ouders", p1, 4},
		{"Schulden na de studie", p2, 4},
		{"Burn-out & herstel <2020>", p3, 1},
		{"Verlies van mijn vader", p4, 2},
		{"Een lange, heel lange titel die ingekort moet worden omdat hij "
		 "echt niet op één regel past, ook niet op een brede",
		 p5, 3},
	};
	struct bron_overview o = {
		.title = "Een beeld van herstel",
		.lang = "nl",
		.groups = {{"Notities per niveau", levels, 3},
		           {"Notities per levensgebied", areas, 4},
		           {"Notities per fase", phases, 4}},
		.paths_caption = "Elke ervaring door de fasen",
		.phase_names = {"overweldigd", "ermee worstelen", "ermee leven",
		                "op de achtergrond"},
		.empty = "Nog geen ervaring heeft een fase.",
		.paths = paths,
		.npaths = 5,
	};
	char *out;
	size_t len;
	struct bron_error err;
	int text = argc == 3 && strcmp(argv[1], "--text") == 0;
	if (argc != 2 && !text) {
		fprintf(stderr, "usage: chart_demo [--text] OUT\n");
		return 2;
	}
	if (bron_init(&err) != BRON_OK) {
		fprintf(stderr, "chart_demo: libsodium does not start\n");
		return 1;
	}
	bron_err code = text ? bron_chart_text(&o, 72, 1, &out, &len, &err)
	                     : bron_chart_svg(&o, &out, &len, &err);
	if (code != BRON_OK) {
		fprintf(stderr, "chart_demo: %s\n", err.msg);
		return 1;
	}
	const char *path = argv[argc - 1];
	FILE *f = fopen(path, "w");
	int ok = f && fwrite(out, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = 0;
	bron_secret_free(out, len + 1);
	if (!ok) {
		perror(path);
		return 1;
	}
	return 0;
}
