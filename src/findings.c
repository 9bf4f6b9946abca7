// SPDX-License-Identifier: GPL-2.0-or-later
#include <string.h>

#include "findings.h"
#include "tce.h"

static const char *const severity_names[TCE_SEV_COUNT] = { "notice", "warning", "critical" };

static const struct {
	const char *name;
	enum tce_severity severity;
} kinds[TCE_FIND_KINDS] = {
	[TCE_FIND_OUTSIDE_RAM] = { "outside-ram", TCE_SEV_CRITICAL },
	[TCE_FIND_RESERVED_BITS] = { "reserved-bits", TCE_SEV_WARNING },
	[TCE_FIND_NO_PERMISSION] = { "no-permission", TCE_SEV_NOTICE },
	[TCE_FIND_WRITE_ONLY] = { "write-only", TCE_SEV_NOTICE },
	/* QEMU's 64-bit direct-map window aliases every page a guest also maps elsewhere. */
	[TCE_FIND_ALIAS] = { "alias", TCE_SEV_NOTICE },
	[TCE_FIND_FOREIGN_HOLDER] = { "foreign-holder", TCE_SEV_CRITICAL },
	[TCE_FIND_EMULATED] = { "emulated", TCE_SEV_WARNING },
};

const char *tce_severity_name(enum tce_severity sev)
{
	return sev < TCE_SEV_COUNT ? severity_names[sev] : "?";
}

int tce_severity_parse(const char *name)
{
	for (int s = 0; s < TCE_SEV_COUNT; s++)
		if (!strcmp(name, severity_names[s]))
			return s;
	return -1;
}

const char *tce_finding_kind_name(enum tce_finding_kind kind)
{
	return kind < TCE_FIND_KINDS ? kinds[kind].name : "?";
}

enum tce_severity tce_finding_severity(enum tce_finding_kind kind)
{
	return kind < TCE_FIND_KINDS ? kinds[kind].severity : TCE_SEV_CRITICAL;
}

const char *tce_ram_source_name(enum tce_ram_source source)
{
	switch (source) {
	case TCE_RAM_MONITOR:
		return "monitor";
	case TCE_RAM_LIBVIRT:
		return "libvirt";
	case TCE_RAM_CMDLINE:
		return "command line -m";
	case TCE_RAM_MAPPINGS:
		return "estimated from mappings";
	default:
		return "unknown";
	}
}

/* Whether the page at base (page aligned) ends past ram_size. */
static bool page_outside(uint64_t base, uint64_t page, uint64_t ram_size)
{
	return ram_size < page || base > ram_size - page;
}

unsigned tce_entry_kinds(uint64_t raw, unsigned page_shift, uint64_t ram_size)
{
	uint64_t page = 1ULL << page_shift;
	unsigned perm = tce_perm(raw), kind = 0;

	if (!raw)
		return 0;
	if (raw & (page - 1) & ~TCE_PERM_MASK)
		kind |= 1u << TCE_FIND_RESERVED_BITS;
	if (perm == 0)
		kind |= 1u << TCE_FIND_NO_PERMISSION;
	else if (perm == TCE_PCI_WRITE)
		kind |= 1u << TCE_FIND_WRITE_ONLY;
	if (perm && ram_size && page_outside(raw & ~(page - 1), page, ram_size))
		kind |= 1u << TCE_FIND_OUTSIDE_RAM;
	return kind;
}

void tce_classifier_init(struct tce_classifier *c, unsigned page_shift,
			 const struct tce_guest_ram *ram,
			 int (*emit)(void *ctx, const struct tce_finding *f), void *ctx)
{
	memset(c, 0, sizeof(*c));
	c->page_shift = page_shift;
	if (ram)
		c->ram = *ram;
	c->emit = emit;
	c->ctx = ctx;
}

/* Entries [first, first + n) of extent e, of kind k: the open run grows or a new one starts. */
static int add_run(struct tce_classifier *c, enum tce_finding_kind k, const struct tce_extent *e,
		   uint64_t first, uint64_t n)
{
	uint64_t page = 1ULL << c->page_shift, mask = ~(page - 1);
	uint64_t gpa_first = (e->raw + ((first - e->index) << c->page_shift)) & mask;
	uint64_t gpa_last = ((e->raw + ((first + n - 1 - e->index) << c->page_shift)) & mask) + page - 1;
	struct tce_finding *f = &c->open[k];

	if (c->is_open[k] && f->first + f->count == first) {
		f->count += n;
		if (gpa_first < f->gpa_first)
			f->gpa_first = gpa_first;
		if (gpa_last > f->gpa_last)
			f->gpa_last = gpa_last;
		return 0;
	}
	if (c->is_open[k]) {
		int rc = c->emit(c->ctx, f);

		if (rc)
			return rc;
	}
	*f = (struct tce_finding){ .kind = k, .has_entries = true, .first = first, .count = n,
				   .gpa_first = gpa_first, .gpa_last = gpa_last, .holder_fd = -1 };
	if (k == TCE_FIND_OUTSIDE_RAM)
		f->ram = c->ram;
	c->is_open[k] = true;
	return 0;
}

int tce_classify_extent(struct tce_classifier *c, const struct tce_extent *e)
{
	uint64_t page = 1ULL << c->page_shift;
	unsigned kind = tce_entry_kinds(e->raw, c->page_shift, c->ram.size);
	uint64_t outside_from = e->count;	/* first entry of e past RAM, relative */
	int rc;

	if (kind & (1u << TCE_FIND_OUTSIDE_RAM)) {
		outside_from = 0;
	} else if (tce_perm(e->raw) && c->ram.size) {
		/* Pages grow along the extent (it never wraps): the first one past RAM. */
		uint64_t base = e->raw & ~(page - 1);
		uint64_t k0 = (c->ram.size - page - base) / page + 1;

		if (k0 < e->count)
			outside_from = k0;
	}
	/* Runs this extent does not continue are finished, in index order. */
	for (int k = 0; k < TCE_FIND_KINDS; k++) {
		bool continues = k == TCE_FIND_OUTSIDE_RAM ? outside_from == 0 : (kind >> k) & 1;

		if (c->is_open[k] && (!continues || c->open[k].first + c->open[k].count != e->index)) {
			if ((rc = c->emit(c->ctx, &c->open[k])))
				return rc;
			c->is_open[k] = false;
		}
	}
	for (int k = 0; k < TCE_FIND_KINDS; k++) {
		if (k == TCE_FIND_OUTSIDE_RAM || !((kind >> k) & 1))
			continue;
		if ((rc = add_run(c, k, e, e->index, e->count)))
			return rc;
	}
	if (outside_from < e->count)
		return add_run(c, TCE_FIND_OUTSIDE_RAM, e, e->index + outside_from, e->count - outside_from);
	return 0;
}

int tce_classify_finish(struct tce_classifier *c)
{
	for (int k = 0; k < TCE_FIND_KINDS; k++) {
		if (!c->is_open[k])
			continue;
		c->is_open[k] = false;
		int rc = c->emit(c->ctx, &c->open[k]);

		if (rc)
			return rc;
	}
	return 0;
}
