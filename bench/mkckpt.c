// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkckpt.c - checkpoints whose tables no live table gives, for make bench.
 *
 *   mkckpt KIND FILE
 *
 *   random      one table of 16,777,216 unrelated entries (stored raw)
 *   one-page    one table of 16,777,216 entries that all map one page
 *   equal-2^27  one table declaring 2^27 equal entries: a small file that
 *               decodes to 1 GiB, as a crafted one would
 *   tables-N    N tables of 64 entries each
 *
 * Written through the library's streaming writer, so it measures that too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/checkpoint.h"

static uint64_t noise(uint64_t i)
{
	uint64_t z = (i + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	return z ^ (z >> 27);
}

static int table(struct tce_ckpt_writer *w, uint64_t entries, const char *kind,
		 uint64_t *block, struct tce_err *err)
{
	struct tce_table meta = { .entries = entries };

	tce_geometry_default(&meta.geo);
	meta.geo.entries = entries;
	meta.origin.fd = -1;
	if (tce_ckpt_writer_begin(w, &meta, err))
		return -1;
	for (uint64_t k = 0; k < entries; k += TCE_READ_BLOCK) {
		uint64_t n = entries - k < TCE_READ_BLOCK ? entries - k : TCE_READ_BLOCK;

		for (uint64_t i = 0; i < n; i++)
			block[i] = !strcmp(kind, "random") ? noise(k + i) : 0x7000003;
		if (tce_ckpt_writer_feed(w, block, n, err))
			return -1;
	}
	return tce_ckpt_writer_end(w, err);
}

int main(int argc, char **argv)
{
	struct tce_snapshot_info info = { .consistent = true, .passes = 1 };
	uint64_t *block = malloc(TCE_READ_BLOCK * sizeof(*block));
	struct tce_err err = { 0 };
	struct tce_ckpt_writer w;
	unsigned long tables = 1;
	uint64_t entries = 1 << 24;
	int rc;

	if (argc != 3 || !block) {
		fprintf(stderr, "usage: mkckpt random|one-page|equal-2^27|tables-N FILE\n");
		return 2;
	}
	if (!strcmp(argv[1], "equal-2^27"))
		entries = 1ULL << 27;
	else if (!strncmp(argv[1], "tables-", 7)) {
		tables = strtoul(argv[1] + 7, NULL, 10);
		entries = 64;
	} else if (strcmp(argv[1], "random") && strcmp(argv[1], "one-page")) {
		fprintf(stderr, "mkckpt: unknown kind '%s'\n", argv[1]);
		return 2;
	}
	tce_snapshot_info_host(&info);
	rc = tce_ckpt_writer_open(&w, argv[2], false, TCE_CKPT_COMPRESS, &err);
	for (unsigned long t = 0; t < tables && !rc; t++)
		rc = table(&w, entries, argv[1], block, &err);
	if (!rc)
		rc = tce_ckpt_writer_commit(&w, &info, &err);
	else
		tce_ckpt_writer_abort(&w);
	free(block);
	if (rc) {
		fprintf(stderr, "mkckpt: %s\n", err.msg);
		return 1;
	}
	return 0;
}
