// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>

#include "unit.h"

int unit_failures;

/* The linker provides the bounds of the "unit_tests" section. */
extern const struct unit_test __start_unit_tests[], __stop_unit_tests[];

int main(void)
{
	int passed = 0, failed = 0, n = 0;

	for (const struct unit_test *t = __start_unit_tests; t < __stop_unit_tests; t++) {
		unit_failures = 0;
		t->fn();
		n++;
		if (unit_failures) {
			failed++;
			printf("not ok %d - %s\n", n, t->name);
		} else {
			passed++;
			printf("ok %d - %s\n", n, t->name);
		}
	}
	printf("1..%d\n%d passed, %d failed\n", n, passed, failed);
	return failed ? 1 : 0;
}
