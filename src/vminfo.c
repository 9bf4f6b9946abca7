// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checkpoint.h"
#include "records.h"
#include "vminfo.h"

static void ask_monitor(struct tce_vminfo *vi, const struct tce_vminfo_opts *opts)
{
	struct tce_err err = { 0 };
	const char *path;

	if (opts->qmp_path) {
		vi->socket.kind = TCE_QMP_SOCKET_UNIX;
		snprintf(vi->socket.path, sizeof(vi->socket.path), "%s", opts->qmp_path);
	} else {
		tce_qmp_socket_of_pid(vi->pid, &vi->socket);
	}
	if (vi->socket.kind != TCE_QMP_SOCKET_UNIX)
		return;
	/* A command line names any socket: connect only to the VMM's own. */
	if (!opts->qmp_path && tce_qmp_check_listener(vi->pid, &vi->socket, &err)) {
		snprintf(vi->warning, sizeof(vi->warning), "%s", err.msg);
		return;
	}
	path = vi->socket.path;
	if (tce_qmp_query_vm(path, opts->timeout_ms > 0 ? opts->timeout_ms : TCE_QMP_TIMEOUT_MS,
			     &vi->qmp, &err)) {
		snprintf(vi->warning, sizeof(vi->warning), "%s", err.msg);
		memset(&vi->qmp, 0, sizeof(vi->qmp));
		return;
	}
	vi->qmp_ok = true;
	vi->ram_bytes = vi->qmp.ram_bytes;
}

/* The status file of pid's domain, when pid is a libvirt domain's QEMU. */
static void ask_libvirt(struct tce_vminfo *vi)
{
	struct tce_err err = { 0 };
	struct tce_libvirt_domain *d = malloc(sizeof(*d));

	if (!d)
		return;
	if (tce_libvirt_domain_of_pid(vi->pid, d, &err) == 1) {
		vi->domain = d;
		return;
	}
	if (err.msg[0])
		snprintf(vi->libvirt_warning, sizeof(vi->libvirt_warning), "%s", err.msg);
	free(d);
}

struct tce_vminfo *tce_vminfo_get(pid_t pid, const struct tce_vminfo_opts *opts)
{
	struct tce_vminfo *vi = calloc(1, sizeof(*vi));

	if (!vi)
		return NULL;
	vi->pid = pid;
	if (!opts->no_qmp)
		ask_monitor(vi, opts);
	ask_libvirt(vi);
	if (!vi->ram_bytes && vi->domain && vi->domain->ram_bytes) {
		vi->ram_bytes = vi->domain->ram_bytes;
		vi->ram_from_libvirt = true;
	}
	if (vi->qmp_ok && vi->qmp.name[0]) {
		snprintf(vi->name, sizeof(vi->name), "%s", vi->qmp.name);
		vi->name_source = TCE_VM_NAME_QMP;
	} else if (vi->domain && vi->domain->name[0]) {
		snprintf(vi->name, sizeof(vi->name), "%s", vi->domain->name);
		vi->name_source = TCE_VM_NAME_LIBVIRT;
	} else {
		tce_guest_name(pid, vi->name, sizeof(vi->name));
		if (vi->name[0])
			vi->name_source = TCE_VM_NAME_CMDLINE;
	}
	return vi;
}

void tce_vminfo_free(struct tce_vminfo *vi)
{
	if (vi)
		free(vi->domain);
	free(vi);
}

const struct tce_qmp_window *tce_vminfo_window(const struct tce_vminfo *vi, uint32_t liobn)
{
	return vi && vi->qmp_ok ? tce_qmp_window(&vi->qmp, liobn) : NULL;
}

enum tce_device_source tce_vminfo_device(const struct tce_vminfo *vi, uint32_t liobn,
					 char *buf, size_t len)
{
	const struct tce_qmp_window *w = tce_vminfo_window(vi, liobn);

	if (w) {
		tce_qmp_window_device(w, buf, len);
		return TCE_DEVICE_QMP;
	}
	if (vi && vi->domain) {
		const struct tce_libvirt_device *dev = tce_libvirt_device_of_liobn(vi->domain, liobn);

		if (dev && (dev->alias[0] || dev->model[0])) {
			snprintf(buf, len, "%s", dev->alias[0] ? dev->alias : dev->model);
			return TCE_DEVICE_LIBVIRT;
		}
	}
	tce_liobn_device(liobn, buf, len);
	return buf[0] ? TCE_DEVICE_RECORDS : TCE_DEVICE_NONE;
}

size_t tce_vminfo_emulated_windows(const struct tce_vminfo *vi, const uint32_t *known,
				   size_t n_known, bool unknown_tables,
				   const struct tce_qmp_window **out, size_t max)
{
	size_t n = 0;

	if (!vi->qmp_ok || unknown_tables)
		return 0;
	for (size_t i = 0; i < vi->qmp.n_windows && n < max; i++) {
		const struct tce_qmp_window *w = &vi->qmp.windows[i];
		size_t k;

		for (k = 0; k < n_known && known[k] != w->liobn; k++)
			;
		if (w->size && k == n_known)
			out[n++] = w;
	}
	return n;
}

const char *tce_vm_name_source_name(enum tce_vm_name_source s)
{
	switch (s) {
	case TCE_VM_NAME_QMP:
		return "qmp";
	case TCE_VM_NAME_CMDLINE:
		return "cmdline";
	case TCE_VM_NAME_LIBVIRT:
		return "libvirt";
	default:
		return "";
	}
}

const char *tce_device_source_name(enum tce_device_source s)
{
	switch (s) {
	case TCE_DEVICE_QMP:
		return "qmp";
	case TCE_DEVICE_RECORDS:
		return "records";
	case TCE_DEVICE_LIBVIRT:
		return "libvirt";
	default:
		return "";
	}
}
