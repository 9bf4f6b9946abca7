// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * qmp_vm.c - a VM's name, RAM size and TCE windows, asked of its monitor.
 *
 * The owners of tables are spapr-* devices: with an id under
 * /machine/peripheral, without under /machine/peripheral-anon, and the
 * machine's own (the default host bridge, the console) under
 * /machine/unattached.  A qom-list of each owner finds its tables
 * (children tce-table-<liobn>) and its PCI bus; two qom-get per table read
 * its window; a host bridge's bus lists the PCI devices behind it as link
 * properties child[N].  Each of those steps is one batch of commands in
 * one round trip: four in all after the greeting, whatever the VM.
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
	char bus[320];		/* its PCI bus, "" when none */
	size_t first, n_windows;	/* its windows in vm->windows */
	size_t n_pci;
	char pci_type[TCE_QMP_MAX_PCI][64];	/* link<TYPE> of each device */
	char pci_prop[TCE_QMP_MAX_PCI][32];	/* child[N] */
};

/* A batch being built: requests and the arguments they own. */
struct batch {
	struct qmp_request req[TCE_QMP_MAX_COMMANDS];
	size_t n;
};

static void add(struct batch *b, const char *command, const char *path, const char *property)
{
	struct json_object *args = NULL;

	/* Never more than the exchange's limit: batches 1-3 stay far below it. */
	if (b->n == TCE_QMP_MAX_COMMANDS)
		return;
	if (path) {
		args = json_object_new_object();
		json_object_object_add(args, "path", json_object_new_string(path));
		if (property)
			json_object_object_add(args, "property", json_object_new_string(property));
	}
	b->req[b->n++] = (struct qmp_request){ .command = command, .args = args };
}

static int run(struct qmp_conn *c, struct batch *b, struct tce_err *err)
{
	int status = qmp_batch(c, b->req, b->n, err);

	for (size_t i = 0; i < b->n; i++) {
		json_object_put(b->req[i].args);
		b->req[i].args = NULL;
	}
	return status;
}

static void done(struct batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		json_object_put(b->req[i].ret);
	b->n = 0;
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

/* The id of a device at path (under /machine/peripheral/), else its type. */
static void device_name(const char *path, const char *type, char *buf, size_t len)
{
	static const char peripheral[] = "/machine/peripheral/";

	if (!strncmp(path, peripheral, sizeof(peripheral) - 1) && !strchr(path + sizeof(peripheral) - 1, '/'))
		snprintf(buf, len, "%s", path + sizeof(peripheral) - 1);
	else
		snprintf(buf, len, "%s", type);
}

/* A qom-list reply that is an array, else a failure naming the path. */
static int list_of(struct qmp_conn *c, const struct qmp_request *r, struct tce_err *err)
{
	struct json_object *path = NULL;

	if (json_object_is_type(r->ret, json_type_array))
		return 0;
	json_object_object_get_ex(r->args, "path", &path);
	return tce_fail(err, TCE_EIO, "QMP socket %s: not a QMP monitor: qom-list %s returned no array",
			c->name, path ? json_object_get_string(path) : "");
}

static int get_u64(struct qmp_conn *c, const struct qmp_request *r, uint64_t *v, struct tce_err *err)
{
	if (!json_object_is_type(r->ret, json_type_int))
		return tce_fail(err, TCE_EIO, "QMP socket %s: not a QMP monitor: a window's %s is not a number",
				c->name, r->command);
	*v = json_object_get_uint64(r->ret);
	return 0;
}

/* Batch 1's replies: the name, the RAM size and the owners. */
static int first_replies(struct qmp_conn *c, const struct batch *b, struct tce_qmp_vm *vm,
			 struct owner *owners, size_t *n_owners, struct tce_err *err)
{
	struct json_object *v;

	if (json_object_object_get_ex(b->req[0].ret, "name", &v) && json_object_is_type(v, json_type_string))
		snprintf(vm->name, sizeof(vm->name), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(b->req[1].ret, "base-memory", &v) && json_object_is_type(v, json_type_int)) {
		vm->ram_bytes = json_object_get_uint64(v);
		if (json_object_object_get_ex(b->req[1].ret, "plugged-memory", &v) &&
		    json_object_is_type(v, json_type_int))
			vm->ram_bytes += json_object_get_uint64(v);
	}
	*n_owners = 0;
	for (size_t k = 0; k < sizeof(containers) / sizeof(containers[0]); k++) {
		struct json_object *list = b->req[2 + k].ret;
		const char *name, *type;
		char t[64];

		if (list_of(c, &b->req[2 + k], err))
			return -1;
		for (size_t i = 0; i < json_object_array_length(list) && *n_owners < MAX_OWNERS; i++) {
			struct owner *o = &owners[*n_owners];

			if (!entry(list, i, &name, &type) || !type_of(type, "child", t, sizeof(t)) ||
			    !maybe_owner(t))
				continue;
			if ((size_t)snprintf(o->path, sizeof(o->path), "%s/%s", containers[k], name) >=
			    sizeof(o->path))
				continue;
			snprintf(o->type, sizeof(o->type), "%s", t);
			(*n_owners)++;
		}
	}
	return 0;
}

/* An owner's qom-list: its tables, appended to vm, and its PCI bus. */
static void owner_children(struct json_object *list, struct owner *o, struct tce_qmp_vm *vm)
{
	const char *name, *type;
	char t[64];

	o->first = vm->n_windows;
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct tce_qmp_window *w;
		unsigned long liobn;
		char *end;

		if (!entry(list, i, &name, &type) || !type_of(type, "child", t, sizeof(t)))
			continue;
		if (!strcmp(t, "PCI") || !strcmp(t, "PCIE")) {
			snprintf(o->bus, sizeof(o->bus), "%s/%s", o->path, name);
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
	}
	o->n_windows = vm->n_windows - o->first;
}

/* A bus's qom-list: its child[N] links, whose targets batch 4 reads. */
static void bus_links(struct json_object *list, struct owner *o)
{
	const char *name, *type;

	for (size_t i = 0; i < json_object_array_length(list) && o->n_pci < TCE_QMP_MAX_PCI; i++) {
		if (!entry(list, i, &name, &type) || strncmp(name, "child[", 6) ||
		    strlen(name) >= sizeof(o->pci_prop[0]) ||
		    !type_of(type, "link", o->pci_type[o->n_pci], sizeof(o->pci_type[0])))
			continue;
		snprintf(o->pci_prop[o->n_pci], sizeof(o->pci_prop[0]), "%s", name);
		o->n_pci++;
	}
}

static int ask(struct qmp_conn *c, struct tce_qmp_vm *vm, struct owner *owners, struct batch *b,
	       struct tce_err *err)
{
	char region[TCE_QMP_MAX_WINDOWS][320];
	size_t n_owners, r;

	/* 1: the name, the RAM, the containers' children. */
	add(b, "query-name", NULL, NULL);
	add(b, "query-memory-size-summary", NULL, NULL);
	for (size_t k = 0; k < sizeof(containers) / sizeof(containers[0]); k++)
		add(b, "qom-list", containers[k], NULL);
	if (run(c, b, err) || first_replies(c, b, vm, owners, &n_owners, err))
		return -1;
	done(b);
	/* 2: each owner's children. */
	for (size_t i = 0; i < n_owners; i++)
		add(b, "qom-list", owners[i].path, NULL);
	if (run(c, b, err))
		return -1;
	for (size_t i = 0; i < n_owners; i++) {
		if (list_of(c, &b->req[i], err))
			return -1;
		owner_children(b->req[i].ret, &owners[i], vm);
	}
	done(b);
	/* 3: each window's memory region; each host bridge's bus. */
	for (size_t i = 0; i < vm->n_windows; i++) {
		snprintf(region[i], sizeof(region[i]), "%s/tce-table-%x/tce-iommu-%x[0]",
			 vm->windows[i].owner_path, vm->windows[i].liobn, vm->windows[i].liobn);
		add(b, "qom-get", region[i], "addr");
		add(b, "qom-get", region[i], "size");
	}
	for (size_t i = 0; i < n_owners; i++)
		if (owners[i].bus[0] && owners[i].n_windows)
			add(b, "qom-list", owners[i].bus, NULL);
	if (run(c, b, err))
		return -1;
	for (size_t i = 0; i < vm->n_windows; i++)
		if (get_u64(c, &b->req[2 * i], &vm->windows[i].bus_offset, err) ||
		    get_u64(c, &b->req[2 * i + 1], &vm->windows[i].size, err))
			return -1;
	r = 2 * vm->n_windows;
	for (size_t i = 0; i < n_owners; i++) {
		if (!owners[i].bus[0] || !owners[i].n_windows)
			continue;
		if (list_of(c, &b->req[r], err))
			return -1;
		bus_links(b->req[r++].ret, &owners[i]);
	}
	done(b);
	/* 4: where each device on a bus is, for its id; as many as the budget allows. */
	for (size_t i = 0; i < n_owners; i++) {
		for (size_t d = 0; d < owners[i].n_pci; d++) {
			if (c->commands + b->n == TCE_QMP_MAX_COMMANDS) {
				owners[i].n_pci = d;
				break;
			}
			add(b, "qom-get", owners[i].bus, owners[i].pci_prop[d]);
		}
	}
	if (!b->n)
		return 0;
	if (run(c, b, err))
		return -1;
	r = 0;
	for (size_t i = 0; i < n_owners; i++) {
		struct tce_qmp_window *w = &vm->windows[owners[i].first];

		for (size_t d = 0; d < owners[i].n_pci; d++, r++)
			if (owners[i].n_windows && json_object_is_type(b->req[r].ret, json_type_string))
				device_name(json_object_get_string(b->req[r].ret), owners[i].pci_type[d],
					    w->pci[w->n_pci++], sizeof(w->pci[0]));
		for (size_t k = 1; k < owners[i].n_windows; k++) {
			w[k].n_pci = w->n_pci;
			memcpy(w[k].pci, w->pci, sizeof(w->pci));
		}
	}
	done(b);
	return 0;
}

int tce_qmp_query_vm(const char *path, int timeout_ms, struct tce_qmp_vm *vm,
		     struct tce_err *err)
{
	struct qmp_conn *c = calloc(1, sizeof(*c));
	struct owner *owners = calloc(MAX_OWNERS, sizeof(*owners));
	struct batch *b = calloc(1, sizeof(*b));
	int status = -1;

	memset(vm, 0, sizeof(*vm));
	if (!c || !owners || !b) {
		status = tce_fail(err, TCE_EIO, "out of memory");
	} else if (!qmp_open(c, path, timeout_ms, err)) {
		status = ask(c, vm, owners, b, err);
		done(b);
		vm->commands = c->commands;
		qmp_close(c);
	}
	free(c);
	free(owners);
	free(b);
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
