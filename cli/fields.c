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

void json_table_liobn(struct json *j, const struct tce_table *t)
{
	if (t->geo.has_liobn)
		json_hex(j, t->geo.liobn);
	else
		json_null(j);
}

void json_table_where(struct json *j, const struct tce_table *t)
{
	char buf[64];

	table_label(t, buf, sizeof(buf));
	json_key(j, "table");
	json_string(j, buf);
	table_device(t, buf, sizeof(buf));
	json_key(j, "device");
	if (buf[0])
		json_string(j, buf);
	else
		json_null(j);
	json_key(j, "source");
	json_string(j, tce_geo_source_name(t->geo.source));
	json_key(j, "type");
	json_string(j, table_type(t));
	json_key(j, "via");
	json_string(j, tce_via_name(t->origin.via));
	json_key(j, "emulated");
	json_bool(j, t->origin.emulated);
}
