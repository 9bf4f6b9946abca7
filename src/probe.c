// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "probe.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22	/* Linux 5.14 */
#endif

/*
 * Kernels before 5.14 lack MADV_POPULATE_READ: reading one byte of our own
 * memory with process_vm_readv faults the page in through the same path
 * and reports EFAULT, not SIGBUS, when it is past the end.
 */
static bool page_readable_fallback(const void *page)
{
	char byte;
	struct iovec local = { &byte, 1 };
	struct iovec remote = { (void *)page, 1 };

	return process_vm_readv(getpid(), &local, 1, &remote, 1, 0) == 1;
}

static bool page_readable(const char *base, size_t index, size_t page_size)
{
	static bool no_populate;
	const char *page = base + index * page_size;

	if (!no_populate) {
		if (madvise((void *)page, page_size, MADV_POPULATE_READ) == 0)
			return true;
		if (errno != EINVAL)
			return false;
		no_populate = true;
	}
	return page_readable_fallback(page);
}

size_t probe_mappable_pages(const void *base, size_t max_pages, size_t page_size,
			    unsigned *probes)
{
	size_t good, bad;	/* page `good` - 1 is readable, page `bad` is not */
	unsigned tries = 1;

	if (max_pages == 0 || !page_readable(base, 0, page_size)) {
		good = 0;
		goto out;
	}
	/* Doubling first: small tables are found in a few probes. */
	good = 1;
	bad = max_pages;
	while (good < max_pages) {
		size_t next = good * 2 < max_pages ? good * 2 : max_pages;

		tries++;
		if (!page_readable(base, next - 1, page_size)) {
			bad = next - 1;
			break;
		}
		good = next;
	}
	while (good < bad) {
		size_t mid = good + (bad - good) / 2;

		tries++;
		if (page_readable(base, mid, page_size))
			good = mid + 1;
		else
			bad = mid;
	}
out:
	if (probes)
		*probes = tries;
	return good;
}
