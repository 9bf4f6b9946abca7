// SPDX-License-Identifier: GPL-2.0-or-later
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "parse.h"
#include "target.h"
#include "vmname.h"

#define TARGET_HINT "give PID, PID:FD or PID@ADDR (each table with ,KEY=VALUE,...: shift, page, offset, liobn, entries) or a checkpoint FILE"

static int parse_int_field(const char *s, size_t len, long max, long *out)
{
	char buf[24];
	uint64_t v;

	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strpbrk(buf, "xX") || parse_u64(buf, &v) || v > (uint64_t)max)
		return -1;
	*out = (long)v;
	return 0;
}

static int parse_page_shift(const char *key, const char *value, unsigned *shift,
			    const char *text, struct tce_err *err)
{
	uint64_t v;

	if (!strcmp(key, "shift")) {
		if (parse_u64(value, &v))
			goto bad;
	} else {
		if (parse_size(value, &v) || !v || (v & (v - 1)))
			goto bad;
		v = (uint64_t)__builtin_ctzll(v);
	}
	if (v < TCE_PAGE_SHIFT_MIN || v > TCE_PAGE_SHIFT_MAX)
		goto bad;
	*shift = (unsigned)v;
	return 0;
bad:
	return tce_fail(err, TCE_EUSAGE,
			"'%s' in target '%s' is not an IOMMU page size: give shift=%d..%d or page=4K, 64K, 2M, 16M...",
			value, text, TCE_PAGE_SHIFT_MIN, TCE_PAGE_SHIFT_MAX);
}

/*
 * Marks what key gives as given; fails when it was already, by this key
 * or its twin (shift and page): one of the values would be ignored.
 */
static int give_once(struct tce_geometry *geo, unsigned what, const char *key,
		     const char *text, struct tce_err *err)
{
	static const struct { unsigned what; const char *name; } names[] = {
		{ TCE_GIVEN_SHIFT, "page size" }, { TCE_GIVEN_OFFSET, "bus offset" },
		{ TCE_GIVEN_LIOBN, "liobn" }, { TCE_GIVEN_ENTRIES, "entry count" },
	};
	const char *name = "";

	if (!(geo->given & what)) {
		geo->given |= what;
		return 0;
	}
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].what == what)
			name = names[i].name;
	return tce_fail(err, TCE_EUSAGE,
			"key '%s' in target '%s' gives the %s again; give each key once", key, text, name);
}

static int parse_geometry_item(char *item, struct tce_target *t, struct tce_err *err)
{
	char *value = strchr(item, '=');
	struct tce_geometry *geo = &t->geo;

	if (!value || value == item || !value[1])
		return tce_fail(err, TCE_EUSAGE,
				"'%s' in target '%s' is not KEY=VALUE; keys: shift, page, offset, liobn, entries",
				item, t->text);
	*value++ = '\0';
	if (!strcmp(item, "shift") || !strcmp(item, "page")) {
		if (give_once(geo, TCE_GIVEN_SHIFT, item, t->text, err))
			return -1;
		return parse_page_shift(item, value, &geo->page_shift, t->text, err);
	}
	if (!strcmp(item, "offset")) {
		if (give_once(geo, TCE_GIVEN_OFFSET, item, t->text, err))
			return -1;
		if (parse_u64(value, &geo->bus_offset))
			return tce_fail(err, TCE_EUSAGE,
					"bus offset '%s' in target '%s' is not an address", value, t->text);
		return 0;
	}
	if (!strcmp(item, "liobn")) {
		if (give_once(geo, TCE_GIVEN_LIOBN, item, t->text, err))
			return -1;
		if (parse_u64(value, &geo->liobn) || geo->liobn > UINT32_MAX)
			return tce_fail(err, TCE_EUSAGE,
					"liobn '%s' in target '%s' is not a 32-bit number", value, t->text);
		geo->has_liobn = true;
		return 0;
	}
	if (!strcmp(item, "entries")) {
		if (give_once(geo, TCE_GIVEN_ENTRIES, item, t->text, err))
			return -1;
		if (parse_size(value, &geo->entries) || !geo->entries)
			return tce_fail(err, TCE_EUSAGE,
					"entry count '%s' in target '%s' is not a positive number", value, t->text);
		return 0;
	}
	return tce_fail(err, TCE_EUSAGE,
			"unknown key '%s' in target '%s'; keys: shift, page, offset, liobn, entries",
			item, t->text);
}

/* FILE or FILE:N, where FILE exists; the path is checked when it is opened. */
static int parse_file(const char *text, struct tce_target *t, struct tce_err *err)
{
	const char *colon = strrchr(text, ':');
	long table;

	t->kind = TCE_TARGET_FILE;
	if (strlen(text) >= sizeof(t->path))
		return tce_fail(err, TCE_EUSAGE, "the path '%.64s...' is too long", text);
	snprintf(t->path, sizeof(t->path), "%s", text);
	if (colon && colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1) &&
	    access(text, F_OK) != 0 &&
	    !parse_int_field(colon + 1, strlen(colon + 1), INT_MAX, &table)) {
		t->path[colon - text] = '\0';
		t->table = table;
	}
	return 0;
}

/* PID@ADDR: the address a table is mapped at in the process, as tcectl list shows it. */
static int parse_addr_field(const char **rest, struct tce_target *t, struct tce_err *err)
{
	size_t len = strcspn(*rest, ",");
	char buf[24];

	if (!len || len >= sizeof(buf))
		goto bad;
	memcpy(buf, *rest, len);
	buf[len] = '\0';
	if (parse_u64(buf, &t->addr) || !t->addr)
		goto bad;
	t->kind = TCE_TARGET_ADDR;
	*rest += len;
	return 0;
bad:
	return tce_fail(err, TCE_EUSAGE,
			"'%s' is not a target: '%.*s' after '@' is not an address; give PID@0xADDR as tcectl list shows it",
			t->text, (int)len, *rest);
}

int tce_target_parse(const char *text, struct tce_target *t, struct tce_err *err)
{
	size_t pid_len = strspn(text, "0123456789");
	const char *rest = text + pid_len;
	long pid, fd;
	char geometry[256], *item, *save;

	*t = (struct tce_target){ .text = text, .kind = TCE_TARGET_PID, .fd = -1, .table = -1 };
	tce_geometry_default(&t->geo);
	if (!*text)
		return tce_fail(err, TCE_EUSAGE, "an empty target; " TARGET_HINT);
	/* Resolved now: every verb then reads it as the PID it names. */
	if (!strncmp(text, "vm:", 3))
		return tce_vm_find(text + 3, &t->pid, err);
	if (!pid_len || (*rest && *rest != ':' && *rest != ',' && *rest != '@'))
		return parse_file(text, t, err);

	if (parse_int_field(text, pid_len, INT_MAX, &pid) || pid == 0)
		return tce_fail(err, TCE_EUSAGE, "'%s' is not a target; " TARGET_HINT, text);
	if (*rest == ',')
		return tce_fail(err, TCE_EUSAGE,
				"'%s': a geometry describes one table; give PID:FD,KEY=VALUE (see tcectl list %ld)",
				text, pid);
	t->pid = (pid_t)pid;
	if (!*rest)
		return 0;

	if (*rest++ == '@') {
		if (parse_addr_field(&rest, t, err))
			return -1;
	} else {
		if (!strspn(rest, "0123456789"))
			return tce_fail(err, TCE_EUSAGE,
					"'%s' is not a target: no file descriptor after ':'; " TARGET_HINT, text);
		if (parse_int_field(rest, strspn(rest, "0123456789"), INT_MAX, &fd))
			return tce_fail(err, TCE_EUSAGE,
					"'%s' is not a target: %.*s is not a file descriptor number", text,
					(int)strspn(rest, "0123456789"), rest);
		t->kind = TCE_TARGET_FD;
		t->fd = (int)fd;
		rest += strspn(rest, "0123456789");
	}
	if (!*rest)
		return 0;
	if (*rest != ',' || strlen(rest) >= sizeof(geometry))
		return tce_fail(err, TCE_EUSAGE, "'%s' is not a target; " TARGET_HINT, text);

	strcpy(geometry, rest + 1);
	/* strsep, not strtok: an empty item ("1:3," or "1:3,,shift=16") is an error. */
	for (save = geometry; (item = strsep(&save, ",")); )
		if (parse_geometry_item(item, t, err))
			return -1;
	return tce_geometry_check(&t->geo, 0, err);
}
