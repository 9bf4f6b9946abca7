// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "tce.h"

static const char *const perm_names[4] = { "-", "r", "w", "rw" };

const char *tce_perm_name(unsigned perm)
{
	return perm_names[perm & 3];
}

int tce_perm_set_parse(const char *list, unsigned *set)
{
	const char *p = list;

	*set = 0;
	if (!*p)
		return -1;
	for (;;) {
		size_t len = strcspn(p, ",");
		unsigned perm;

		for (perm = 0; perm < 4; perm++)
			if (len == strlen(perm_names[perm]) &&
			    !strncmp(p, perm_names[perm], len))
				break;
		if (perm == 4 && len == 4 && !strncmp(p, "none", 4))
			perm = 0;
		if (perm == 4)
			return -1;
		*set |= 1u << perm;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}
