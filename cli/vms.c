// SPDX-License-Identifier: GPL-2.0-or-later
#include <argp.h>
#include <errno.h>
#include <stdlib.h>

#include "cli.h"
#include "escape.h"
#include "vms.h"

enum {
	OPT_QMP = OPT_LONG_BASE + 0x40,
	OPT_NO_QMP,
	OPT_QMP_TIMEOUT,
};

struct tce_vminfo_opts qmp_options;

static const struct argp_option qmp_options_table[] = {
	{ NULL, 0, NULL, 0, "QEMU's monitor (device and VM names):", 70 },
	{ "qmp", OPT_QMP, "SOCKET", 0, "Ask the QMP monitor listening on this unix socket (one VMM's tables only)", 70 },
	{ "no-qmp", OPT_NO_QMP, NULL, 0, "Never connect to a monitor: names from QEMU's records and command line", 70 },
	{ "qmp-timeout", OPT_QMP_TIMEOUT, "MS", 0, "Milliseconds for each monitor's whole exchange (default 1000)", 70 },
	{ 0 }
};

static error_t parse_qmp_option(int key, char *arg, struct argp_state *state)
{
	char *end;
	unsigned long ms;

	(void)state;
	switch (key) {
	case OPT_QMP:
		if (!*arg)
			exit(cli_error(TCE_EUSAGE, "--qmp needs the path of a unix socket"));
		qmp_options.qmp_path = arg;
		break;
	case OPT_NO_QMP:
		qmp_options.no_qmp = true;
		break;
	case OPT_QMP_TIMEOUT:
		errno = 0;
		ms = strtoul(arg, &end, 10);
		if (!*arg || *end || errno || arg[0] == '-' || ms < 1 || ms > 60000)
			exit(cli_error(TCE_EUSAGE, "invalid --qmp-timeout '%s': give milliseconds, 1 to 60000", arg));
		qmp_options.timeout_ms = (int)ms;
		break;
	case ARGP_KEY_FINI:
		if (qmp_options.qmp_path && qmp_options.no_qmp)
			exit(cli_error(TCE_EUSAGE, "--qmp and --no-qmp exclude each other"));
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp qmp_argp = { qmp_options_table, parse_qmp_option, NULL, NULL, NULL, NULL, NULL };

void qmp_options_one_vmm(size_t n_pids)
{
	if (qmp_options.qmp_path && n_pids > 1)
		exit(cli_error(TCE_EUSAGE, "--qmp names one VMM's monitor, but the targets are %zu processes; give tables of one",
			       n_pids));
}

size_t targets_distinct_pids(const struct tce_target *t, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++) {
		size_t k;

		if (t[i].kind == TCE_TARGET_FILE)
			continue;
		for (k = 0; k < i && (t[k].kind == TCE_TARGET_FILE || t[k].pid != t[i].pid); k++)
			;
		count += k == i;
	}
	return count;
}

struct tce_vminfo *cli_vms_get(struct cli_vms *v, pid_t pid, const char *fallback)
{
	struct tce_vminfo **vms, *vi;
	char safe[700];

	for (size_t i = 0; i < v->count; i++)
		if (v->vms[i]->pid == pid)
			return v->vms[i];
	vms = realloc(v->vms, (v->count + 1) * sizeof(*vms));
	if (!vms)
		return NULL;
	v->vms = vms;
	vi = tce_vminfo_get(pid, &v->opts);
	if (!vi)
		return NULL;
	vms[v->count++] = vi;
	/* The socket's path comes from the VMM's command line: escaped. */
	if (vi->warning[0])
		cli_warn("pid %d: %s; %s", (int)pid, safe_text(vi->warning, safe, sizeof(safe)), fallback);
	if (vi->libvirt_warning[0])
		cli_warn("pid %d: %s; %s", (int)pid, safe_text(vi->libvirt_warning, safe, sizeof(safe)),
			 fallback);
	return vi;
}

void cli_vms_free(struct cli_vms *v)
{
	for (size_t i = 0; i < v->count; i++)
		tce_vminfo_free(v->vms[i]);
	free(v->vms);
	v->vms = NULL;
	v->count = 0;
}
