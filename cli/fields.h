/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fields.h - how every verb names a table and says where it came from,
 * in text and in JSON, so that the words are the same everywhere.
 */
#ifndef TCECTL_FIELDS_H
#define TCECTL_FIELDS_H

#include <stddef.h>

#include "../src/table.h"
#include "json.h"

/* "PID:FD" or "PID@0xADDR". */
void table_label(const struct tce_table *t, char *buf, size_t len);

/* The owner QEMU's liobn numbering names ("phb0-win1", "vio-71000003"), or "". */
void table_device(const struct tce_table *t, char *buf, size_t len);

/* "0x..." of the liobn, or "" when it is not known. */
void liobn_text(const struct tce_geometry *geo, char *buf, size_t len);

/* "kvm", "emulated", or the fd's link for anything else. */
const char *table_type(const struct tce_table *t);

/* JSON values: the fd or null, the liobn or null. */
void json_table_fd(struct json *j, const struct tce_table *t);
void json_liobn(struct json *j, const struct tce_geometry *geo);

/* The same as members "fd" and "liobn". */
void json_fd_field(struct json *j, const struct tce_table *t);
void json_liobn_field(struct json *j, const struct tce_geometry *geo);

/*
 * The members that say where a table is and where its geometry came
 * from: table, device, source, type, via, emulated.
 */
void json_table_where(struct json *j, const struct tce_table *t);

#endif
