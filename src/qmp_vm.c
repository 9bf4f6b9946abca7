// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qmp_vm.c - a VM's name, RAM size and TCE windows, asked of its monitor.
 *
 * The owners of tables are spapr-* devices: with an id under
 * /machine/peripheral, without under /machine/peripheral-anon, and the
 * machine's own (the default host bridge, the console) under
 * /machine/unattached.  One qom-list per container and per owner finds
 * the tables; two qom-get per table read its window; a host bridge's bus
 * lists the PCI devices behind it as link properties child[N].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qmp_client.h"

#define MAX_OWNERS 48

static const char *const containers[] = {
	"/machine/peripheral", "/machine/peripheral-anon", "/machine/unattached",
};

struct owner {
	char path[256];
	char type[64];
};

static struct json_object *path_args(const char *path, const char *property)
{
	struct json_object *args = json_object_new_object();

	json_object_object_add(args, "path", json_object_new_string(path));
	if (property)
		json_object_object_add(args, "property", json_object_new_string(property));
	return args;
}

/* qom-list path: an array of {name, type}. */
static int qom_list(struct qmp_conn *c, const char *path, struct json_object **ret,
		    struct tce_err *err)
{
	struct json_object *args = path_args(path, NULL);
	int status = qmp_command(c, "qom-list", args, ret, err);

	json_object_put(args);
	if (!status && !json_object_is_type(*ret, json_type_array)) {
		json_object_put(*ret);
		return tce_fail(err, TCE_EIO, "QMP socket %s: not a QMP monitor: qom-list %s returned no array",
				c->name, path);
	}
	return status;
}

static int qom_get(struct qmp_conn *c, const char *path, const char *property,
		   struct json_object **ret, struct tce_err *err)
{
	struct json_object *args = path_args(path, property);
	int status = qmp_command(c, "qom-get", args, ret, err);

	json_object_put(args);
	return status;
}

static int qom_get_u64(struct qmp_conn *c, const char *path, const char *property, uint64_t *v,
		       struct tce_err *err)
{
	struct json_object *ret;

	if (qom_get(c, path, property, &ret, err))
		return -1;
	if (!json_object_is_type(ret, json_type_int)) {
		json_object_put(ret);
		return tce_fail(err, TCE_EIO, "QMP socket %s: not a QMP monitor: %s %s is not a number",
				c->name, path, property);
	}
	*v = json_object_get_uint64(ret);
	json_object_put(ret);
	return 0;
}

/* The name and type of element i of a qom-list reply, or false. */
static bool entry(struct json_object *list, size_t i, const char **name, const char **type)
{
	struct json_object *e = json_object_array_get_idx(list, i), *n, *t;

	if (!json_object_is_type(e, json_type_object) || !json_object_object_get_ex(e, "name", &n) ||
	    !json_object_object_get_ex(e, "type", &t) || !json_object_is_type(n, json_type_string) ||
	    !json_object_is_type(t, json_type_string))
		return false;
	*name = json_object_get_string(n);
	*type = json_object_get_string(t);
	return true;
}

/* "child<T>" or "link<T>": T into buf. */
static bool type_of(const char *type, const char *kind, char *buf, size_t len)
{
	size_t k = strlen(kind), n = strlen(type);

	if (strncmp(type, kind, k) || type[k] != '<' || n < k + 2 || type[n - 1] != '>')
		return false;
	snprintf(buf, len, "%.*s", (int)(n - k - 2), type + k + 1);
	return true;
}

/* Owners worth a look: spapr-* devices (the connectors and the VIO bridge own no table). */
static bool maybe_owner(const char *type)
{
	return !strncmp(type, "spapr-", 6) && strncmp(type, "spapr-drc", 9) &&
	       strcmp(type, "spapr-vio-bridge") && strcmp(type, "spapr-rtc");
}

static int find_owners(struct qmp_conn *c, struct owner *owners, size_t *n, struct tce_err *err)
{
	*n = 0;
	for (size_t k = 0; k < sizeof(containers) / sizeof(containers[0]); k++) {
		struct json_object *list;
		const char *name, *type;
		char t[64];

		if (qom_list(c, containers[k], &list, err))
			return -1;
		for (size_t i = 0; i < json_object_array_length(list) && *n < MAX_OWNERS; i++) {
			if (!entry(list, i, &name, &type) || !type_of(type, "child", t, sizeof(t)) ||
			    !maybe_owner(t))
				continue;
			if ((size_t)snprintf(owners[*n].path, sizeof(owners[*n].path), "%s/%s",
					     containers[k], name) >= sizeof(owners[*n].path))
				continue;
			snprintf(owners[*n].type, sizeof(owners[*n].type), "%s", t);
			(*n)++;
		}
		json_object_put(list);
	}
	return 0;
}

/* The id of a device at path (under /machine/peripheral/), else its type. */
static void device_name(const char *path, const char *type, char *buf, size_t len)
{
	static const char peripheral[] = "/machine/peripheral/";

	if (!strncmp(path, peripheral, sizeof(peripheral) - 1) && !strchr(path + sizeof(peripheral) - 1, '/'))
		snprintf(buf, len, "%s", path + sizeof(peripheral) - 1);
	else
		snprintf(buf, len, "%s", type);
}

/* The devices on a host bridge's bus at path, into w. */
static int bus_devices(struct qmp_conn *c, const char *bus, struct tce_qmp_window *w,
		       struct tce_err *err)
{
	struct json_object *list;
	const char *name, *type;

	if (qom_list(c, bus, &list, err))
		return -1;
	for (size_t i = 0; i < json_object_array_length(list) && w->n_pci < TCE_QMP_MAX_PCI; i++) {
		struct json_object *target;
		char t[64];

		if (!entry(list, i, &name, &type) || strncmp(name, "child[", 6) ||
		    !type_of(type, "link", t, sizeof(t)))
			continue;
		if (qom_get(c, bus, name, &target, err)) {
			json_object_put(list);
			return -1;
		}
		if (json_object_is_type(target, json_type_string))
			device_name(json_object_get_string(target), t, w->pci[w->n_pci++], sizeof(w->pci[0]));
		json_object_put(target);
	}
	json_object_put(list);
	return 0;
}

/* The tables of one owner, appended to vm. */
static int owner_windows(struct qmp_conn *c, const struct owner *o, struct tce_qmp_vm *vm,
			 struct tce_err *err)
{
	struct json_object *list;
	const char *name, *type;
	char bus[320] = "", t[64];
	size_t first = vm->n_windows;

	if (qom_list(c, o->path, &list, err))
		return -1;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct tce_qmp_window *w;
		unsigned long liobn;
		char region[320], *end;

		if (!entry(list, i, &name, &type) || !type_of(type, "child", t, sizeof(t)))
			continue;
		if (!strcmp(t, "PCI") || !strcmp(t, "PCIE")) {
			snprintf(bus, sizeof(bus), "%s/%s", o->path, name);
			continue;
		}
		if (strncmp(name, "tce-table-", 10) || vm->n_windows == TCE_QMP_MAX_WINDOWS)
			continue;
		liobn = strtoul(name + 10, &end, 16);
		if (*end || end == name + 10 || liobn > UINT32_MAX)
			continue;
		w = &vm->windows[vm->n_windows++];
		memset(w, 0, sizeof(*w));
		w->liobn = (uint32_t)liobn;
		snprintf(w->owner_path, sizeof(w->owner_path), "%s", o->path);
		snprintf(w->type, sizeof(w->type), "%s", o->type);
		if (!strncmp(o->path, "/machine/peripheral/", 20))
			snprintf(w->id, sizeof(w->id), "%s", o->path + 20);
		snprintf(region, sizeof(region), "%s/%s/tce-iommu-%lx[0]", o->path, name, liobn);
		if (qom_get_u64(c, region, "addr", &w->bus_offset, err) ||
		    qom_get_u64(c, region, "size", &w->size, err)) {
			json_object_put(list);
			return -1;
		}
	}
	json_object_put(list);
	if (bus[0] && vm->n_windows > first) {
		struct tce_qmp_window *w = &vm->windows[first];

		if (bus_devices(c, bus, w, err))
			return -1;
		for (size_t i = first + 1; i < vm->n_windows; i++) {
			vm->windows[i].n_pci = w->n_pci;
			memcpy(vm->windows[i].pci, w->pci, sizeof(w->pci));
		}
	}
	return 0;
}

static int query_name(struct qmp_conn *c, struct tce_qmp_vm *vm, struct tce_err *err)
{
	struct json_object *ret, *name;

	if (qmp_command(c, "query-name", NULL, &ret, err))
		return -1;
	if (json_object_object_get_ex(ret, "name", &name) && json_object_is_type(name, json_type_string))
		snprintf(vm->name, sizeof(vm->name), "%s", json_object_get_string(name));
	json_object_put(ret);
	return 0;
}

static int query_ram(struct qmp_conn *c, struct tce_qmp_vm *vm, struct tce_err *err)
{
	struct json_object *ret, *v;

	if (qmp_command(c, "query-memory-size-summary", NULL, &ret, err))
		return -1;
	if (json_object_object_get_ex(ret, "base-memory", &v) && json_object_is_type(v, json_type_int)) {
		vm->ram_bytes = json_object_get_uint64(v);
		if (json_object_object_get_ex(ret, "plugged-memory", &v) &&
		    json_object_is_type(v, json_type_int))
			vm->ram_bytes += json_object_get_uint64(v);
	}
	json_object_put(ret);
	return 0;
}

int tce_qmp_query_vm(const char *path, int timeout_ms, struct tce_qmp_vm *vm,
		     struct tce_err *err)
{
	struct qmp_conn *c = calloc(1, sizeof(*c));
	struct owner *owners = calloc(MAX_OWNERS, sizeof(*owners));
	size_t n_owners;
	int status = -1;

	memset(vm, 0, sizeof(*vm));
	if (!c || !owners) {
		free(c);
		free(owners);
		return tce_fail(err, TCE_EIO, "out of memory");
	}
	if (qmp_open(c, path, timeout_ms, err))
		goto out;
	if (query_name(c, vm, err) || query_ram(c, vm, err) || find_owners(c, owners, &n_owners, err))
		goto out;
	for (size_t i = 0; i < n_owners; i++)
		if (owner_windows(c, &owners[i], vm, err))
			goto out;
	status = 0;
out:
	vm->commands = c->commands;
	qmp_close(c);
	free(c);
	free(owners);
	return status;
}

const struct tce_qmp_window *tce_qmp_window(const struct tce_qmp_vm *vm, uint32_t liobn)
{
	for (size_t i = 0; i < vm->n_windows; i++)
		if (vm->windows[i].liobn == liobn)
			return &vm->windows[i];
	return NULL;
}

void tce_qmp_window_device(const struct tce_qmp_window *w, char *buf, size_t len)
{
	if (w->id[0])
		snprintf(buf, len, "%s", w->id);
	else if (strstr(w->type, "pci-host-bridge") && (w->liobn & 0xff000000u) == 0x80000000u)
		snprintf(buf, len, "%s,index=%u", w->type, (w->liobn >> 8) & 0xffff);
	else if (!strncmp(w->type, "spapr-", 6) && strstr(w->type, "pci") == NULL)
		snprintf(buf, len, "%s,reg=0x%08x", w->type, w->liobn);
	else
		snprintf(buf, len, "%s", w->type);
}
