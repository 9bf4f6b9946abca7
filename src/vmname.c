// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libvirt.h"
#include "proc.h"
#include "utf8.h"
#include "vmname.h"

/* Pids named in an ambiguity message; the rest are counted. */
#define SHOWN_PIDS 8
/* Bytes of a name a message shows. */
#define SHOWN_NAME 64

struct name_out {
	char *buf;
	size_t len, used;
	bool cut;
};

static void put_byte(struct name_out *o, char c)
{
	if (o->used + 1 < o->len)
		o->buf[o->used++] = c;
	else
		o->cut = true;
}

/*
 * One item of a QEMU option value from *p, ",," read as ',', into o
 * (NULL: skipped); *p ends past its ',' or at the end.
 */
static void opt_item(const char **p, size_t skip, struct name_out *o)
{
	const char *s = *p + skip;

	for (; *s; s++) {
		if (*s == ',') {
			if (s[1] != ',')
				break;
			s++;
		}
		if (o)
			put_byte(o, *s);
	}
	*p = *s ? s + 1 : s;
}

/*
 * The guest= of a -name value, as QEMU's option parser reads it: a first
 * item without '=' is the guest name itself; a later guest= wins.
 */
static bool name_value(const char *value, struct name_out *o)
{
	bool found = false;

	for (const char *p = value; *p; ) {
		size_t key = strcspn(p, "=,");

		if (p == value && p[key] != '=') {
			o->used = 0, o->cut = false, found = true;
			opt_item(&p, 0, o);
		} else if (p[key] == '=' && key == 5 && !strncmp(p, "guest", 5)) {
			o->used = 0, o->cut = false, found = true;
			opt_item(&p, 6, o);
		} else {
			opt_item(&p, 0, NULL);
		}
	}
	return found;
}

bool tce_vm_name_of_args(const char *args, size_t len, char *buf, size_t buflen)
{
	struct name_out o = { buf, buflen, 0, false };
	const char *end = args + len;

	if (!buflen)
		return false;
	/* QEMU merges repeated -name options: the last guest name counts. */
	for (const char *a = args; a < end && memchr(a, '\0', (size_t)(end - a)); a += strlen(a) + 1) {
		const char *next = a + strlen(a) + 1;

		if ((!strcmp(a, "-name") || !strcmp(a, "--name")) && next < end &&
		    memchr(next, '\0', (size_t)(end - next)))
			name_value(next, &o);
		else if (!strncmp(a, "-name=", 6) || !strncmp(a, "--name=", 7))
			name_value(strchr(a, '=') + 1, &o);
	}
	buf[o.used] = '\0';
	return !o.cut;
}

bool tce_vm_name_of_pid(pid_t pid, char *buf, size_t buflen)
{
	char args[8192];
	ssize_t n;

	if (buflen)
		buf[0] = '\0';
	/* A command line longer than this has no name found: -name comes early. */
	n = proc_cmdline(pid, args, sizeof(args));
	if (n <= 0)
		return true;
	return tce_vm_name_of_args(args, (size_t)n, buf, buflen);
}

bool tce_vm_pid_has_name(pid_t pid, const char *name)
{
	char found[TCE_VM_NAME_MAX + 2];

	return tce_vm_name_of_pid(pid, found, sizeof(found)) && !strcmp(found, name);
}

bool tce_vm_name_is_file_safe(const char *name)
{
	return *name && *name != '.' && !strchr(name, '/') && strlen(name) <= TCE_VM_NAME_MAX;
}

const char *tce_vm_name_quote(const char *name, size_t max, char *buf, size_t buflen)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)name;
	size_t used = 0;

	if (!buflen)
		return buf;
	while (*p && (size_t)((const char *)p - name) < max) {
		size_t n = utf8_char_len(p);

		if (n == 1 && (*p < 0x20 || *p == 0x7f || *p == '\\'))
			n = 0;
		if (n) {
			if (used + n >= buflen)
				break;
			memcpy(buf + used, p, n);
			used += n;
			p += n;
			continue;
		}
		if (used + 4 >= buflen)
			break;
		buf[used++] = '\\';
		buf[used++] = 'x';
		buf[used++] = hex[*p >> 4];
		buf[used++] = hex[*p++ & 15];
	}
	if (*p && used + 3 < buflen) {
		memcpy(buf + used, "...", 3);
		used += 3;
	}
	buf[used] = '\0';
	return buf;
}

static void add_pid(pid_t *pids, size_t *count, pid_t pid)
{
	for (size_t i = 0; i < *count; i++)
		if (pids[i] == pid)
			return;
	pids[(*count)++] = pid;
}

static int compare_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/*
 * Leaves out each process whose child is also in pids: a wrapper that runs
 * the VMM with its own arguments (sudo qemu-system-ppc64 -name ...) has
 * the VMM's name too, but the child is the VM.  Returns the count kept.
 */
static size_t drop_wrappers(pid_t *pids, size_t count)
{
	pid_t *parents = malloc(count * sizeof(*parents));
	size_t kept = 0;

	if (!parents)
		return count;
	for (size_t i = 0; i < count; i++)
		parents[i] = proc_parent(pids[i]);
	qsort(parents, count, sizeof(*parents), compare_pid);
	for (size_t i = 0; i < count; i++)
		if (!bsearch(&pids[i], parents, count, sizeof(*parents), compare_pid))
			pids[kept++] = pids[i];
	free(parents);
	return kept;
}

static int ambiguous(const char *shown, const pid_t *pids, size_t count, struct tce_err *err)
{
	char list[SHOWN_PIDS * 13 + 32];
	size_t used = 0;

	for (size_t i = 0; i < count && i < SHOWN_PIDS; i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%d",
					 i ? ", " : "", (int)pids[i]);
	if (count > SHOWN_PIDS)
		snprintf(list + used, sizeof(list) - used, " and %zu more", count - SHOWN_PIDS);
	return tce_fail(err, TCE_EUSAGE,
			"VM name '%s' is ambiguous: processes %s have it; give one PID", shown, list);
}

int tce_vm_find(const char *name, pid_t *pid, struct tce_err *err)
{
	char shown[SHOWN_NAME * 4 + 4];
	struct tce_libvirt_domain *dom;
	struct tce_err lv_err = { 0 };
	size_t n_all, count = 0;
	pid_t *all, *grown;
	int lv;

	tce_vm_name_quote(name, SHOWN_NAME, shown, sizeof(shown));
	if (!*name)
		return tce_fail(err, TCE_EUSAGE,
				"'vm:' names no VM; give vm:NAME, the name QEMU was given by -name");
	if (strlen(name) > TCE_VM_NAME_MAX)
		return tce_fail(err, TCE_EUSAGE, "the VM name '%s' is longer than %d bytes; give a PID",
				shown, TCE_VM_NAME_MAX);
	if (proc_all_pids(&all, &n_all, err))
		return -1;
	/* Room for a libvirt domain's pid too. */
	grown = realloc(all, (n_all + 1) * sizeof(*all));
	if (!grown) {
		free(all);
		return tce_fail(err, TCE_EIO, "out of memory listing processes");
	}
	all = grown;
	for (size_t i = 0; i < n_all; i++)
		if (tce_vm_pid_has_name(all[i], name))
			all[count++] = all[i];

	dom = malloc(sizeof(*dom));
	if (!dom) {
		free(all);
		return tce_fail(err, TCE_EIO, "out of memory reading a libvirt status file");
	}
	lv = tce_vm_name_is_file_safe(name) ? tce_libvirt_domain_by_name(name, dom, &lv_err) : -1;
	if (!lv)
		add_pid(all, &count, dom->pid);
	free(dom);

	if (count > 1)
		count = drop_wrappers(all, count);
	if (count == 1)
		*pid = all[0];
	else if (count > 1)
		ambiguous(shown, all, count, err);
	else if (lv_err.status == TCE_EFILE)
		*err = lv_err;
	else if (lv_err.status)
		tce_fail(err, TCE_ENOTARGET,
			 "no VM named '%s': no process you may see has it in -name NAME or -name guest=NAME, and %s; give a PID (see tcectl list)",
			 shown, lv_err.msg);
	else
		tce_fail(err, TCE_ENOTARGET,
			 "no VM named '%s': no process you may see has it in -name NAME or -name guest=NAME, and it cannot be a libvirt domain's; give a PID (see tcectl list)",
			 shown);
	free(all);
	return count == 1 ? 0 : -1;
}
