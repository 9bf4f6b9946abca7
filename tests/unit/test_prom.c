// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>

#include "../../src/prom.h"
#include "unit.h"

TEST(prom_family_then_samples)
{
	struct prom p;
	const struct prom_label labels[] = { { "table", "12:3" }, { "permission", "rw" } };

	prom_init(&p);
	prom_family(&p, "tcectl_x", "gauge", "Help with \\ and\nnewline.");
	prom_sample_u64(&p, "tcectl_x", labels, 2, 18446744073709551615ULL);
	prom_sample(&p, "tcectl_x", NULL, 0, "0.5");
	CHECK(!p.failed);
	CHECK_STR(p.text, "# HELP tcectl_x Help with \\\\ and\\nnewline.\n"
			  "# TYPE tcectl_x gauge\n"
			  "tcectl_x{table=\"12:3\",permission=\"rw\"} 18446744073709551615\n"
			  "tcectl_x 0.5\n");
	CHECK_U64(p.len, strlen(p.text));
	prom_free(&p);
}

TEST(prom_label_value_escapes_what_the_format_asks)
{
	char buf[64];

	CHECK_STR(prom_label_value("a\\b\"c\nd", buf, sizeof(buf)), "a\\\\b\\\"c\\nd");
	CHECK_STR(prom_label_value("", buf, sizeof(buf)), "");
	/* Valid UTF-8 stays as it is. */
	CHECK_STR(prom_label_value("gäst-\xe2\x82\xac", buf, sizeof(buf)), "gäst-\xe2\x82\xac");
}

TEST(prom_label_value_makes_any_bytes_valid_utf8)
{
	char buf[64];

	/* Invalid bytes, an overlong form, a surrogate, controls: each becomes U+FFFD. */
	CHECK_STR(prom_label_value("a\xff" "b", buf, sizeof(buf)), "a\xef\xbf\xbd" "b");
	CHECK_STR(prom_label_value("\xc0\xaf", buf, sizeof(buf)), "\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_STR(prom_label_value("\xed\xa0\x80", buf, sizeof(buf)),
		  "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	CHECK_STR(prom_label_value("\x1b[2J\r\t\x7f", buf, sizeof(buf)),
		  "\xef\xbf\xbd[2J\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	/* A character cut off at the end of the string. */
	CHECK_STR(prom_label_value("x\xe2\x82", buf, sizeof(buf)), "x\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(prom_label_value_cuts_at_a_whole_escape)
{
	char buf[4];

	/* Room for 3 bytes: "a" and "\\\"" would need 4, so the escape is left out whole. */
	CHECK_STR(prom_label_value("a\"b", buf, sizeof(buf)), "a\\\"");
	CHECK_STR(prom_label_value("ab\"", buf, sizeof(buf)), "ab");
	CHECK_STR(prom_label_value("a\xe2\x82\xac", buf, sizeof(buf)), "a");
	CHECK_STR(prom_label_value("abc", buf, 1), "");
}

TEST(prom_long_values_stay_bounded)
{
	struct prom p;
	char *big = malloc(100000);
	const struct prom_label label = { "vm", big };

	memset(big, '"', 99999);
	big[99999] = '\0';
	prom_init(&p);
	prom_sample_u64(&p, "m", &label, 1, 1);
	CHECK(!p.failed);
	/* m{vm="…"} 1\n with at most PROM_VALUE_MAX bytes between the quotes */
	CHECK(p.len <= strlen("m{vm=\"\"} 1\n") + PROM_VALUE_MAX);
	CHECK(p.len > PROM_VALUE_MAX - 2);
	CHECK(!strcmp(p.text + p.len - 5, "\"} 1\n"));
	prom_free(&p);
	free(big);
}
