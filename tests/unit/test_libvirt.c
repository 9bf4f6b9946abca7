// SPDX-License-Identifier: GPL-2.0-or-later
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../src/libvirt.h"
#include "unit.h"

/* The shape of a real status file of a pseries domain, cut down. */
static const char status_xml[] =
	"<!--\n"
	"WARNING: THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n"
	"OVERWRITTEN AND LOST. Changes to this xml configuration should be made using:\n"
	"  virsh edit web&1\n"
	"-->\n"
	"\n"
	"<domstatus state='running' reason='booted' pid='4321'>\n"
	"  <taint flag='high-privileges'/>\n"
	"  <monitor path='/var/lib/libvirt/qemu/domain-3-web&amp;1/monitor.sock' type='unix'/>\n"
	"  <vcpus>\n    <vcpu id='0' pid='4330'/>\n  </vcpus>\n"
	"  <qemuCaps>\n    <flag name='spapr-vty'/>\n  </qemuCaps>\n"
	"  <devices>\n    <device alias='net0'/>\n    <device alias='scsi0'/>\n  </devices>\n"
	"  <domain type='kvm' id='3'>\n"
	"    <name>web&amp;1</name>\n"
	"    <uuid>6b1f7b9e-3c1a-4c55-9bde-5c0e3f2a1d77</uuid>\n"
	"    <memory unit='KiB'>4194304</memory>\n"
	"    <currentMemory unit='KiB'>4194304</currentMemory>\n"
	"    <os>\n      <type arch='ppc64le' machine='pseries-7.2'>hvm</type>\n    </os>\n"
	"    <devices>\n"
	"      <emulator>/usr/bin/qemu-system-ppc64</emulator>\n"
	"      <disk type='file' device='disk'>\n"
	"        <source file='/var/lib/libvirt/images/web.qcow2' index='1'/>\n"
	"        <target dev='sda' bus='scsi'/>\n"
	"        <alias name='scsi0-0-0-0'/>\n"
	"        <address type='drive' controller='0' bus='0' target='0' unit='0'/>\n"
	"      </disk>\n"
	"      <controller type=\"scsi\" index=\"0\" model=\"ibmvscsi\">\n"
	"        <alias name=\"scsi0\"/>\n"
	"        <address type=\"spapr-vio\" reg=\"0x2000\"/>\n"
	"      </controller>\n"
	"      <controller type='pci' index='0' model='pci-root'>\n"
	"        <model name='spapr-pci-host-bridge'/>\n"
	"        <target index='0'/>\n"
	"        <alias name='pci.0'/>\n"
	"      </controller>\n"
	"      <controller type='pci' index='1' model='pci-root'>\n"
	"        <model name='spapr-pci-host-bridge'/>\n"
	"        <target index='1'/>\n"
	"        <alias name='pci.1'/>\n"
	"      </controller>\n"
	"      <controller type='usb' index='0' model='qemu-xhci'>\n"
	"        <alias name='usb'/>\n"
	"        <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n"
	"      </controller>\n"
	"      <interface type='network'>\n"
	"        <mac address='52:54:00:12:34:56'/>\n"
	"        <model type='spapr-vlan'/>\n"
	"        <alias name='net0'/>\n"
	"        <address type='spapr-vio' reg='0x1000'/>\n"
	"      </interface>\n"
	"      <serial type='pty'>\n"
	"        <target type='spapr-vio-serial' port='0'>\n"
	"          <model name='spapr-vty'/>\n"
	"        </target>\n"
	"        <alias name='serial0'/>\n"
	"        <address type='spapr-vio' reg='0x30000000'/>\n"
	"      </serial>\n"
	"    </devices>\n"
	"  </domain>\n"
	"</domstatus>\n";

static struct tce_libvirt_domain dom;

static int parse(const char *xml, struct tce_err *err)
{
	*err = (struct tce_err){ 0 };
	return tce_libvirt_parse(xml, strlen(xml), "f.xml", &dom, err);
}

TEST(libvirt_status_file)
{
	const struct tce_libvirt_device *d;
	struct tce_err err;

	CHECK(parse(status_xml, &err) == 0);
	CHECK_STR(dom.name, "web&1");
	CHECK(dom.pid == 4321);
	CHECK_U64(dom.ram_bytes, 4ULL << 30);
	CHECK(dom.n_devices == 5 && !dom.devices_cut);
	d = tce_libvirt_device_of_liobn(&dom, 0x2000);
	CHECK(d && !d->phb);
	if (d) {
		CHECK_STR(d->element, "controller");
		CHECK_STR(d->model, "ibmvscsi");
		CHECK_STR(d->alias, "scsi0");
	}
	d = tce_libvirt_device_of_liobn(&dom, 0x80000101);
	CHECK(d && d->phb && d->liobn == 0x80000100);
	if (d) {
		CHECK_STR(d->alias, "pci.1");
		CHECK_STR(d->model, "spapr-pci-host-bridge");
	}
	CHECK(tce_libvirt_device_of_liobn(&dom, 0x80000000) != NULL);
	CHECK(tce_libvirt_device_of_liobn(&dom, 0x80000002) == NULL);
	d = tce_libvirt_device_of_liobn(&dom, 0x1000);
	CHECK(d != NULL);
	if (d) {
		CHECK_STR(d->element, "interface");
		CHECK_STR(d->model, "spapr-vlan");
		CHECK_STR(d->alias, "net0");
	}
	/* The top-level <devices> of domstatus lists aliases, not devices. */
	CHECK(tce_libvirt_device_of_liobn(&dom, 0) == NULL);
}

TEST(libvirt_memory_units)
{
	static const struct { const char *unit; uint64_t bytes; } units[] = {
		{ "", 1024 }, { "unit='b'", 1 }, { "unit='bytes'", 1 }, { "unit='KiB'", 1024 },
		{ "unit='k'", 1024 }, { "unit='KB'", 1000 }, { "unit='M'", 1 << 20 },
		{ "unit='MiB'", 1 << 20 }, { "unit='MB'", 1000000 }, { "unit=\"GiB\"", 1 << 30 },
		{ "unit='G'", 1 << 30 }, { "unit='TiB'", 1ULL << 40 }, { "unit='E'", 1ULL << 60 },
	};
	char xml[256];
	struct tce_err err;

	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		snprintf(xml, sizeof(xml),
			 "<domstatus pid='9'><domain><name>a</name><memory %s> 3\n</memory></domain></domstatus>",
			 units[i].unit);
		CHECK(parse(xml, &err) == 0);
		CHECK_U64(dom.ram_bytes, 3 * units[i].bytes);
	}
	CHECK(parse("<domstatus pid='9'><domain><name>a</name><memory unit='parsec'>1</memory></domain></domstatus>", &err) < 0);
	CHECK_STR(err.msg, "f.xml is not a libvirt status file: a <memory> unit other than b, KiB, MiB, GiB, TiB, KB, MB... at byte 64");
	CHECK(parse("<domstatus pid='9'><domain><name>a</name><memory unit='E'>16</memory></domain></domstatus>", &err) < 0);
	CHECK(parse("<domstatus pid='9'><domain><name>a</name><memory>1 2</memory></domain></domstatus>", &err) < 0);
	CHECK(parse("<domstatus pid='9'><domain><name>a</name><memory>0x10</memory></domain></domstatus>", &err) < 0);
}

TEST(libvirt_entities_cdata_comments)
{
	struct tce_err err;

	CHECK(parse("<?xml version='1.0'?><domstatus pid=\"7\"><domain><!-- <name>no</name> -->"
		    "<name>&lt;&#65;&#x42;&gt;<![CDATA[&amp;<x>]]>&apos;&quot;&#xe9;</name></domain></domstatus>",
		    &err) == 0);
	CHECK_STR(dom.name, "<AB>&amp;<x>'\"\xc3\xa9");
	CHECK(parse("<domstatus pid='7'><domain><name>a&nbsp;</name></domain></domstatus>", &err) < 0);
	CHECK_STR(err.msg, "f.xml is not a libvirt status file: an entity other than &lt; &gt; &amp; &apos; &quot; &#N; at byte 34");
	CHECK(parse("<domstatus pid='7'><domain><name>&#0;</name></domain></domstatus>", &err) < 0);
	CHECK(parse("<domstatus pid='7'><domain><name>&#xd800;</name></domain></domstatus>", &err) < 0);
	CHECK(parse("<domstatus pid='7'><domain><name>&#x110000;</name></domain></domstatus>", &err) < 0);
	CHECK(parse("<domstatus pid='7'><domain><name>&amp</name></domain></domstatus>", &err) < 0);
	/* Entities outside what is read are still checked. */
	CHECK(parse("<domstatus pid='7'><x>&bogus;</x><domain><name>a</name></domain></domstatus>", &err) < 0);
	CHECK(parse("<!DOCTYPE d [<!ENTITY e 'x'>]><domstatus pid='7'><domain><name>&e;</name></domain></domstatus>", &err) < 0);
	CHECK_STR(err.msg, "f.xml is not a libvirt status file: a DOCTYPE or declaration, which libvirt does not write at byte 0");
}

TEST(libvirt_garbage_is_refused)
{
	static const char *const bad[] = {
		"", "   ", "garbage", "<", "<domstatus", "<domstatus pid='1'",
		"<domstatus pid='1'>", "<domstatus pid='1'><domain><name>a</name></domain>",
		"<domstatus pid='1'><domain><name>a</name></domain></domstatus><domstatus pid='2'/>",
		"<domstatus pid='1'><domain><name>a</name></devices></domstatus>",
		"<domstatus pid='1'><domain><name>a</name></domain></domstatus></domstatus>",
		"<domstatus pid=1><domain><name>a</name></domain></domstatus>",
		"<domstatus pid='1><domain><name>a</name></domain></domstatus>",
		"<domstatus pid='1' pid='2'><domain><name>a</name></domain></domstatus>",
		"<domstatus pid><domain><name>a</name></domain></domstatus>",
		"<domstatus pid='0'><domain><name>a</name></domain></domstatus>",
		"<domstatus pid='-1'><domain><name>a</name></domain></domstatus>",
		"<domstatus pid='99999999999'><domain><name>a</name></domain></domstatus>",
		"<domstatus><domain><name>a</name></domain></domstatus>",
		"<domstatus pid='1'><domain></domain></domstatus>",
		"<domstatus pid='1'><domain><name></name></domain></domstatus>",
		"<domain><name>a</name></domain>",
		"<domstatus pid='1'><domain><name>a</name></domain></domstatus>trailing",
		"<domstatus pid='1'><domain><name>a</name><!-- open</domain></domstatus>",
		"<domstatus pid='1'><domain><name><![CDATA[a</name></domain></domstatus>",
		"<domstatus pid='1'><domain><name>a</name><devices><interface><address type='spapr-vio' reg='0x100000000'/></interface></devices></domain></domstatus>",
		"<domstatus pid='1'><domain><name>a</name><devices><controller type='pci' model='pci-root'><model name='spapr-pci-host-bridge'/><target index='8388608'/></controller></devices></domain></domstatus>",
		"< domstatus pid='1'><domain><name>a</name></domain></domstatus>",
	};
	struct tce_err err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = parse(bad[i], &err);

		CHECK(rc < 0 && err.status == TCE_EFILE);
		if (rc == 0)
			printf("#   accepted: %s\n", bad[i]);
	}
	CHECK(parse("<domstatus pid='1'><domain><name>a</name></domain>", &err) < 0);
	CHECK_STR(err.msg, "f.xml is not a libvirt status file: the end of the file inside an element (truncated?) at byte 50");
	CHECK(parse("<domstatus pid='1'><domain><name>a</domain></domstatus>", &err) < 0);
	CHECK_STR(err.msg, "f.xml is not a libvirt status file: an end tag that does not match its element at byte 34");
	/* A NUL byte: C strings must never see a cut name. */
	CHECK(tce_libvirt_parse("<domstatus pid='1'><domain><name>a\0b</name></domain></domstatus>", 63, "f.xml",
				&dom, &err) < 0);
}

TEST(libvirt_bounds)
{
	struct tce_err err;
	size_t n = 100000;
	char *xml = malloc(n * 16 + 256), *p;
	int rc;

	CHECK(xml != NULL);
	if (!xml)
		return;
	/* Nesting deeper than the scanner's stack. */
	p = xml + sprintf(xml, "<domstatus pid='1'><domain><name>a</name>");
	for (size_t i = 0; i < 100; i++)
		p += sprintf(p, "<x>");
	CHECK(parse(xml, &err) < 0);
	CHECK_STR(err.msg, "f.xml is not a libvirt status file: elements nested too deeply at byte 227");
	/* More VIO devices than are kept: the first are, and the cut is said. */
	p = xml + sprintf(xml, "<domstatus pid='1'><domain><name>a</name><devices>");
	for (size_t i = 0; i < 100; i++)
		p += sprintf(p, "<i><address type='spapr-vio' reg='%zu'/></i>", 0x1000 + i);
	sprintf(p, "</devices></domain></domstatus>");
	CHECK(parse(xml, &err) == 0);
	CHECK(dom.n_devices == TCE_LIBVIRT_DEVICES_MAX && dom.devices_cut);
	/* A name longer than a VM name may be, and long attribute values. */
	p = xml + sprintf(xml, "<domstatus pid='1'><domain><name>");
	memset(p, 'n', TCE_VM_NAME_MAX + 1);
	sprintf(p + TCE_VM_NAME_MAX + 1, "</name></domain></domstatus>");
	CHECK(parse(xml, &err) < 0);
	p[TCE_VM_NAME_MAX] = '<';
	sprintf(p + TCE_VM_NAME_MAX, "</name></domain></domstatus>");
	CHECK(parse(xml, &err) == 0 && strlen(dom.name) == TCE_VM_NAME_MAX);
	p = xml + sprintf(xml, "<domstatus pid='1'><domain><name>a</name><devices><i><alias name='");
	memset(p, 'x', 5000);
	sprintf(p + 5000, "'/></i></devices></domain></domstatus>");
	CHECK(parse(xml, &err) < 0);
	/* Many attributes on one element. */
	p = xml + sprintf(xml, "<domstatus pid='1'");
	for (size_t i = 0; i < 20; i++)
		p += sprintf(p, " a%zu='1'", i);
	sprintf(p, "><domain><name>a</name></domain></domstatus>");
	rc = parse(xml, &err);
	CHECK(rc < 0);
	free(xml);
}

static char dir[64];

static void write_file(const char *name, const char *text, size_t len)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK(write(fd, text, len) == (ssize_t)len);
		close(fd);
	}
}

TEST(libvirt_files)
{
	struct tce_err err = { 0 };
	char path[128], xml[512];
	pid_t self = getpid();
	int fd;

	snprintf(dir, sizeof(dir), "/tmp/tcectl-unit-libvirt.XXXXXX");
	CHECK(mkdtemp(dir) != NULL);
	setenv("TCECTL_LIBVIRT_DIR", dir, 1);
	CHECK_STR(tce_libvirt_dir(), dir);

	/* Too large: refused before it is read. */
	snprintf(path, sizeof(path), "%s/big.xml", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && ftruncate(fd, TCE_LIBVIRT_FILE_MAX + 1) == 0);
	close(fd);
	CHECK(tce_libvirt_domain_by_name("big", &dom, &err) < 0 && err.status == TCE_EFILE);
	snprintf(xml, sizeof(xml), "%s is larger than 8 MiB: not a libvirt status file", path);
	CHECK_STR(err.msg, xml);
	unlink(path);

	/* No file, and names that cannot be a file's in dir. */
	err = (struct tce_err){ 0 };
	CHECK(tce_libvirt_domain_by_name("none", &dom, &err) < 0 && err.status == TCE_ENOTARGET);
	snprintf(xml, sizeof(xml), "%s has no status file none.xml", dir);
	CHECK_STR(err.msg, xml);
	err = (struct tce_err){ 0 };
	CHECK(tce_libvirt_domain_by_name("../etc", &dom, &err) < 0 && err.status == TCE_ENOTARGET);
	CHECK_STR(err.msg, "'../etc' cannot be a libvirt domain's name");
	err = (struct tce_err){ 0 };
	CHECK(tce_libvirt_domain_by_name(".hidden", &dom, &err) < 0 && err.status == TCE_ENOTARGET);

	/* A FIFO must not hang the reader, a symlink is not followed. */
	snprintf(path, sizeof(path), "%s/fifo.xml", dir);
	CHECK(mkfifo(path, 0600) == 0);
	err = (struct tce_err){ 0 };
	CHECK(tce_libvirt_domain_by_name("fifo", &dom, &err) < 0 && err.status == TCE_EFILE);
	unlink(path);
	snprintf(path, sizeof(path), "%s/link.xml", dir);
	CHECK(symlink("/etc/passwd", path) == 0);
	err = (struct tce_err){ 0 };
	CHECK(tce_libvirt_domain_by_name("link", &dom, &err) < 0 && err.status == TCE_EFILE);
	unlink(path);

	/* This process has no -name: a status file naming it is stale. */
	snprintf(xml, sizeof(xml), "<domstatus pid='%d'><domain><name>me</name></domain></domstatus>",
		 (int)self);
	write_file("me.xml", xml, strlen(xml));
	err = (struct tce_err){ 0 };
	CHECK(tce_libvirt_domain_by_name("me", &dom, &err) < 0 && err.status == TCE_ENOTARGET);
	CHECK(strstr(err.msg, "is stale: its pid") != NULL);
	err = (struct tce_err){ 0 };
	CHECK(tce_libvirt_domain_of_pid(self, &dom, &err) == 0);
	/* A file that names another domain than its own name. */
	write_file("other.xml", xml, strlen(xml));
	err = (struct tce_err){ 0 };
	CHECK(tce_libvirt_domain_by_name("other", &dom, &err) < 0 && err.status == TCE_EFILE);

	/* A process whose command line names the domain: believed. */
	{
		char *argv[] = { "sh", "-c", "sleep 10", "sh", "-name", "guest=unit-dom,debug-threads=on", NULL };
		extern char **environ;
		pid_t child;
		int st;

		CHECK(posix_spawn(&child, "/bin/sh", NULL, NULL, argv, environ) == 0);
		/* Until the child's command line is sh's, not this runner's. */
		for (int i = 0; i < 500 && !tce_vm_pid_has_name(child, "unit-dom"); i++)
			nanosleep(&(struct timespec){ .tv_nsec = 10000000 }, NULL);
		snprintf(xml, sizeof(xml),
			 "<domstatus pid='%d'><domain><name>unit-dom</name><memory unit='MiB'>512</memory>"
			 "<devices><controller type='scsi' model='ibmvscsi'><alias name='scsi0'/>"
			 "<address type='spapr-vio' reg='0x2000'/></controller></devices></domain></domstatus>",
			 (int)child);
		write_file("unit-dom.xml", xml, strlen(xml));
		err = (struct tce_err){ 0 };
		CHECK(tce_libvirt_domain_by_name("unit-dom", &dom, &err) == 0);
		CHECK(dom.pid == child && dom.ram_bytes == 512ULL << 20 && dom.n_devices == 1);
		CHECK(tce_libvirt_domain_of_pid(child, &dom, &err) == 1);
		CHECK(tce_libvirt_device_of_liobn(&dom, 0x2000) != NULL);
		/* Not the QEMU of the domain its name gives: no domain of it. */
		snprintf(xml, sizeof(xml),
			 "<domstatus pid='%d'><domain><name>unit-dom</name></domain></domstatus>", (int)self);
		write_file("unit-dom.xml", xml, strlen(xml));
		CHECK(tce_libvirt_domain_of_pid(child, &dom, &err) == 0);
		/* Once it is gone, its status file is stale. */
		kill(child, SIGKILL);
		waitpid(child, &st, 0);
		snprintf(xml, sizeof(xml),
			 "<domstatus pid='%d'><domain><name>unit-dom</name></domain></domstatus>", (int)child);
		write_file("unit-dom.xml", xml, strlen(xml));
		err = (struct tce_err){ 0 };
		CHECK(tce_libvirt_domain_by_name("unit-dom", &dom, &err) < 0 && err.status == TCE_ENOTARGET);
		snprintf(path, sizeof(path), "%s/unit-dom.xml is stale: its pid %d is gone", dir, (int)child);
		CHECK_STR(err.msg, path);
		snprintf(path, sizeof(path), "%s/unit-dom.xml", dir);
		unlink(path);
	}

	snprintf(path, sizeof(path), "%s/me.xml", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/other.xml", dir);
	unlink(path);
	CHECK(rmdir(dir) == 0);
	unsetenv("TCECTL_LIBVIRT_DIR");
	CHECK_STR(tce_libvirt_dir(), "/run/libvirt/qemu");
}
