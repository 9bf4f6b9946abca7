// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest_ram.h"
#include "proc.h"

/* Mappings looked at for an estimate at most: a VMM has a few thousand. */
#define RAM_MAPPINGS_MAX 65536

bool tce_ram_parse_m(const char *value, uint64_t *size)
{
	const char *p = value;
	uint64_t whole = 0, frac = 0, frac_scale = 1, unit = 1ULL << 20;
	unsigned __int128 bytes;

	/* "size=N,..." or "N,...": other keys (slots, maxmem) do not change the boot RAM. */
	for (const char *opt = value; opt; opt = strchr(opt, ',')) {
		if (opt != value)
			opt++;
		if (!strncmp(opt, "size=", 5)) {
			p = opt + 5;
			break;
		}
	}
	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++) {
		if (whole > (UINT64_MAX - 9) / 10)
			return false;
		whole = whole * 10 + (uint64_t)(*p - '0');
	}
	/* QEMU takes fractions too: "1.5G". */
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++) {
			if (frac_scale > UINT64_MAX / 100)
				return false;
			frac = frac * 10 + (uint64_t)(*p - '0');
			frac_scale *= 10;
		}
	}
	switch (toupper((unsigned char)*p)) {
	case 'B': unit = 1; p++; break;
	case 'K': unit = 1ULL << 10; p++; break;
	case 'M': unit = 1ULL << 20; p++; break;
	case 'G': unit = 1ULL << 30; p++; break;
	case 'T': unit = 1ULL << 40; p++; break;
	case 'P': unit = 1ULL << 50; p++; break;
	case 'E': unit = 1ULL << 60; p++; break;
	default: break;
	}
	if (*p && *p != ',')
		return false;
	bytes = (unsigned __int128)whole * unit + (unsigned __int128)frac * unit / frac_scale;
	if (!bytes || bytes > UINT64_MAX)
		return false;
	*size = (uint64_t)bytes;
	return true;
}

bool tce_ram_from_cmdline(const char *args, size_t n, uint64_t *size)
{
	const char *end = args + n, *value = NULL;

	for (const char *a = args; a < end; a += strnlen(a, (size_t)(end - a)) + 1) {
		size_t len = strnlen(a, (size_t)(end - a));
		const char *next = a + len + 1;

		if ((!strcmp(a, "-m") || !strcmp(a, "--m")) && next < end)
			value = next;
		else if (!strncmp(a, "-m=", 3) || !strncmp(a, "--m=", 4))
			value = strchr(a, '=') + 1;
	}
	/* The value must end inside the buffer: a cut command line has no size. */
	if (!value || strnlen(value, (size_t)(end - value)) == (size_t)(end - value))
		return false;
	return tce_ram_parse_m(value, size);
}

uint64_t tce_ram_estimate(const struct ram_mapping *m, size_t n, const uint64_t *skip,
			  size_t n_skip)
{
	uint64_t best = 0;

	for (size_t i = 0; i < n; i++) {
		bool table = false;

		for (size_t k = 0; k < n_skip && !table; k++)
			table = skip[k] == m[i].start;
		if (m[i].writable && m[i].ram_like && !table && m[i].end - m[i].start > best)
			best = m[i].end - m[i].start;
	}
	return best;
}

static bool cmdline_ram(pid_t pid, uint64_t *size)
{
	char args[65536];
	/* A longer command line is cut: a -m past it is not seen. */
	ssize_t n = proc_cmdline(pid, args, sizeof(args));

	return n > 0 && tce_ram_from_cmdline(args, (size_t)n, size);
}

/* "start-end perms offset dev inode name": RAM-like is no name, or a memfd. */
static bool parse_mapping(const char *line, struct ram_mapping *m)
{
	unsigned long long start, end;
	char perms[5];
	int name = 0;

	if (sscanf(line, "%llx-%llx %4s %*x %*x:%*x %*u %n", &start, &end, perms, &name) != 3 || !name)
		return false;
	line += name;
	m->start = start;
	m->end = end;
	m->writable = perms[1] == 'w';
	m->ram_like = !*line || *line == '\n' || !strncmp(line, "/memfd:", 7);
	return true;
}

static uint64_t mappings_ram(pid_t pid, const struct tce_places *places)
{
	char path[64], line[4096];
	struct ram_mapping *m;
	uint64_t *skip, best = 0;
	size_t n = 0, n_skip = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	m = malloc(RAM_MAPPINGS_MAX * sizeof(*m));
	skip = calloc(places && places->count ? places->count : 1, sizeof(*skip));
	if (m && skip) {
		while (n < RAM_MAPPINGS_MAX && fgets(line, sizeof(line), f))
			n += parse_mapping(line, &m[n]);
		for (size_t i = 0; places && i < places->count; i++)
			if (places->p[i].addr)
				skip[n_skip++] = places->p[i].addr;
		best = tce_ram_estimate(m, n, skip, n_skip);
	}
	fclose(f);
	free(m);
	free(skip);
	return best;
}

void tce_guest_ram_find(pid_t pid, const struct tce_guest_ram *known,
			const struct tce_places *places, struct tce_guest_ram *out)
{
	*out = (struct tce_guest_ram){ 0 };
	if (known && known->size) {
		*out = *known;
		return;
	}
	if (cmdline_ram(pid, &out->size)) {
		out->source = TCE_RAM_CMDLINE;
		return;
	}
	out->size = mappings_ram(pid, places);
	out->source = out->size ? TCE_RAM_MAPPINGS : TCE_RAM_UNKNOWN;
}
