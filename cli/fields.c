// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>

#include "../src/proc.h"
#include "../src/records.h"
#include "fields.h"

void table_label(const struct tce_table *t, char *buf, size_t len)
{
	tce_origin_name(&t->origin, buf, len);
}

void table_device(const struct tce_table *t, char *buf, size_t len)
{
	if (t->geo.has_liobn)
		tce_liobn_device((uint32_t)t->geo.liobn, buf, len);
	else if (len)
		buf[0] = '\0';
}

void liobn_text(const struct tce_geometry *geo, char *buf, size_t len)
{
	if (geo->has_liobn)
		snprintf(buf, len, "0x%08llx", (unsigned long long)geo->liobn);
	else if (len)
		buf[0] = '\0';
}

const char *table_type(const struct tce_table *t)
{
	if (t->origin.emulated)
		return "emulated";
	if (proc_link_is_tce(t->origin.link))
		return "kvm";
	return t->origin.link;
}

void json_table_fd(struct json *j, const struct tce_table *t)
{
	if (t->origin.fd >= 0)
		json_u64(j, (uint64_t)t->origin.fd);
	else
		json_null(j);
}

void json_liobn(struct json *j, const struct tce_geometry *geo)
{
	if (geo->has_liobn)
		json_hex(j, geo->liobn);
	else
		json_null(j);
}

void json_fd_field(struct json *j, const struct tce_table *t)
{
	json_key(j, "fd");
	json_table_fd(j, t);
}

void json_liobn_field(struct json *j, const struct tce_geometry *geo)
{
	json_key(j, "liobn");
	json_liobn(j, geo);
}

void json_table_where(struct json *j, const struct tce_table *t)
{
	char buf[64];

	table_label(t, buf, sizeof(buf));
	json_string_field(j, "table", buf);
	table_device(t, buf, sizeof(buf));
	json_string_or_null_field(j, "device", buf);
	json_string_field(j, "source", tce_geo_source_name(t->geo.source));
	json_string_field(j, "type", table_type(t));
	json_string_field(j, "via", tce_via_name(t->origin.via));
	json_bool_field(j, "emulated", t->origin.emulated);
}
