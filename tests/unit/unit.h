/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * unit.h - a minimal test runner for src/.
 *
 * Each test is a function registered with TEST(); CHECK() records a
 * failure with its location and goes on.  The runner prints one TAP line
 * per test and closes with "N passed, N failed", which CI reads.
 */
#ifndef TCECTL_UNIT_H
#define TCECTL_UNIT_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct unit_test {
	const char *name;
	void (*fn)(void);
};

extern int unit_failures;	/* failed checks in the running test */

#define CHECK(cond)                                                               \
	do {                                                                      \
		if (!(cond)) {                                                    \
			printf("#   %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
			unit_failures++;                                          \
		}                                                                 \
	} while (0)

#define CHECK_U64(a, b)                                                           \
	do {                                                                      \
		uint64_t a_ = (a), b_ = (b);                                      \
		if (a_ != b_) {                                                   \
			printf("#   %s:%d: %s == 0x%" PRIx64 ", expected 0x%" PRIx64 "\n", \
			       __FILE__, __LINE__, #a, a_, b_);                   \
			unit_failures++;                                          \
		}                                                                 \
	} while (0)

#define CHECK_STR(a, b)                                                           \
	do {                                                                      \
		const char *a_ = (a), *b_ = (b);                                  \
		if (strcmp(a_, b_)) {                                             \
			printf("#   %s:%d: %s == \"%s\", expected \"%s\"\n",      \
			       __FILE__, __LINE__, #a, a_, b_);                   \
			unit_failures++;                                          \
		}                                                                 \
	} while (0)

/* Registers a test in the "unit_tests" section, collected by the runner. */
#define TEST(name)                                                                \
	static void name(void);                                                   \
	static const struct unit_test unit_##name                                 \
		__attribute__((used, section("unit_tests"), aligned(sizeof(void *)))) = { #name, name }; \
	static void name(void)

#endif
