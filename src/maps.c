// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maps.h"
#include "proc.h"

bool maps_parse_line(const char *line, struct area *a)
{
	char perms[8];
	int path_at = 0;
	const char *path;

	*a = (struct area){ 0 };
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %x:%x %" SCNu64 " %n",
		   &a->start, &a->end, perms, &a->offset, &a->dev_major, &a->dev_minor,
		   &a->inode, &path_at) < 7 || a->end <= a->start || strlen(perms) != 4)
		return false;
	path = path_at ? line + path_at : "";
	a->writable = perms[1] == 'w';
	if (perms[3] == 's') {
		if (perms[0] != 'r')
			return false;
		a->kind = AREA_SHARED;
		/* The kernel names a table's mapping after its anon inode. */
		a->tce = !strncmp(path, TCE_FD_LINK, strlen(TCE_FD_LINK)) &&
			 (path[strlen(TCE_FD_LINK)] == '\0' || path[strlen(TCE_FD_LINK)] == '\n');
		return true;
	}
	if (perms[0] != 'r' || perms[1] != 'w' || a->inode)
		return false;
	if (!strncmp(path, "[heap]", 6)) {
		a->kind = AREA_HEAP;
		return true;
	}
	/* Anonymous: no path at all ([stack] and friends are not malloc's). */
	if (*path && *path != '\n')
		return false;
	a->kind = AREA_ANON;
	return true;
}

int maps_read(pid_t pid, struct areas *out, struct tce_err *err)
{
	char path[64], line[4096 + 256];
	size_t cap = 0;
	FILE *f;

	*out = (struct areas){ 0 };
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return proc_read_error(pid, errno, "the memory map", err);
	while (fgets(line, sizeof(line), f)) {
		struct area a;

		/* A line longer than the buffer: skip its tail, it is a path. */
		if (!strchr(line, '\n')) {
			int c;

			while ((c = getc(f)) != EOF && c != '\n')
				;
		}
		if (!maps_parse_line(line, &a))
			continue;
		if (out->count == MAPS_MAX_AREAS)
			break;
		if (out->count == cap) {
			struct area *grown = realloc(out->a, (cap = cap ? 2 * cap : 256) * sizeof(*grown));

			if (!grown) {
				fclose(f);
				maps_free(out);
				return tce_fail(err, TCE_EIO, "out of memory reading the memory map of pid %d",
						(int)pid);
			}
			out->a = grown;
		}
		out->a[out->count++] = a;
	}
	/* Reading another process's maps fails at the first read, not at open. */
	if (ferror(f) && !out->count) {
		int e = errno;

		fclose(f);
		return proc_read_error(pid, e, "the memory map", err);
	}
	fclose(f);
	return 0;
}

const struct area *maps_find_start(const struct areas *m, uint64_t addr)
{
	for (size_t i = 0; i < m->count; i++)
		if (m->a[i].start == addr)
			return &m->a[i];
	return NULL;
}

const struct area *maps_find_range(const struct areas *m, uint64_t addr, uint64_t len)
{
	for (size_t i = 0; i < m->count; i++)
		if (addr >= m->a[i].start && addr < m->a[i].end && len <= m->a[i].end - addr)
			return &m->a[i];
	return NULL;
}

void maps_free(struct areas *m)
{
	free(m->a);
	*m = (struct areas){ 0 };
}
