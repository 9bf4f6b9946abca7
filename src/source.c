// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdlib.h>

#include "source.h"

int tce_source_open(struct tce_source *s, const struct tce_target *target,
		    struct tce_err *err)
{
	*s = (struct tce_source){ .target = target };
	if (proc_info_read(target->pid, &s->proc, err))
		return -1;
	if (target->kind == TCE_TARGET_FD) {
		s->fds = malloc(sizeof(*s->fds));
		if (!s->fds)
			return tce_fail(err, TCE_EIO, "out of memory");
		s->fds[0] = target->fd;
		s->count = 1;
		return 0;
	}
	if (proc_tce_fds(target->pid, &s->fds, &s->count, err))
		return -1;
	if (!s->count)
		return tce_fail(err, TCE_ENOTARGET,
				"pid %d (%s) holds no kvm-spapr-tce tables; is it a KVM guest's VMM? "
				"to decode another fd give PID:FD",
				(int)target->pid, s->proc.comm);
	return 0;
}

int tce_source_attach(struct tce_source *s, size_t i, struct tce_table *t,
		      unsigned flags, struct tce_err *err)
{
	return tce_table_attach(t, s->target->pid, s->fds[i], &s->target->geo, flags, err);
}

void tce_source_close(struct tce_source *s)
{
	free(s->fds);
	s->fds = NULL;
	s->count = 0;
}
