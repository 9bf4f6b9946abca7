// SPDX-License-Identifier: GPL-2.0-or-later
#include "../../src/vmname.h"
#include "unit.h"

/* The guest name of a command line written with '|' for its NULs. */
static const char *name_of(const char *cmdline, char *buf, size_t len, bool *fits)
{
	char args[512];
	size_t n = strlen(cmdline);

	for (size_t i = 0; i <= n; i++)
		args[i] = cmdline[i] == '|' ? '\0' : cmdline[i];
	*fits = tce_vm_name_of_args(args, n + 1, buf, len);
	return buf;
}

TEST(vmname_qemu_option_syntax)
{
	static const struct { const char *cmdline, *name; } cases[] = {
		{ "qemu|-name|vm1", "vm1" },
		{ "qemu|-name|guest=vm1,debug-threads=on", "vm1" },
		{ "qemu|-name|debug-threads=on,guest=vm1", "vm1" },
		{ "qemu|-name|x,debug-threads=on", "x" },
		{ "qemu|-name|a,,b,process=p", "a,b" },
		{ "qemu|-name|guest=a,,,,b", "a,,b" },
		{ "qemu|-name|guest=", "" },
		{ "qemu|-name|process=p", "" },
		{ "qemu|-name|one|-m|1G|-name|guest=two", "two" },
		{ "qemu|--name|guest=dd", "dd" },
		{ "qemu|-name=eq", "eq" },
		{ "qemu|-name", "" },
		{ "qemu|-m|1G", "" },
		{ "qemu|-namex|y", "" },
		{ "qemu|-name|guest=a=b", "a=b" },
		{ "qemu|-name|\x1b[2J", "\x1b[2J" },
		{ "qemu|-name|process=x,guest=y,guest=z", "z" },
	};
	char buf[64];
	bool fits;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_STR(name_of(cases[i].cmdline, buf, sizeof(buf), &fits), cases[i].name);
		CHECK(fits);
	}
	/* A name longer than the buffer says so: it never compares equal. */
	CHECK_STR(name_of("qemu|-name|guest=abcdefgh", buf, 5, &fits), "abcd");
	CHECK(!fits);
	/* A command line cut inside its last argument: that argument is not read. */
	CHECK(tce_vm_name_of_args("q\0-name\0vm", 10, buf, sizeof(buf)));
	CHECK_STR(buf, "");
}

TEST(vmname_file_safety_and_quoting)
{
	char big[TCE_VM_NAME_MAX + 2], buf[300];

	CHECK(tce_vm_name_is_file_safe("web-1"));
	CHECK(tce_vm_name_is_file_safe("a b\x1b"));
	CHECK(!tce_vm_name_is_file_safe(""));
	CHECK(!tce_vm_name_is_file_safe(".."));
	CHECK(!tce_vm_name_is_file_safe(".x"));
	CHECK(!tce_vm_name_is_file_safe("a/b"));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK(!tce_vm_name_is_file_safe(big));
	big[TCE_VM_NAME_MAX] = '\0';
	CHECK(tce_vm_name_is_file_safe(big));

	CHECK_STR(tce_vm_name_quote("a\x1b[31m\\\n\xc3\xa9\xc3(\xff", 64, buf, sizeof(buf)),
		  "a\\x1b[31m\\x5c\\x0a\xc3\xa9\\xc3(\\xff");
	CHECK_STR(tce_vm_name_quote("abcdef", 3, buf, sizeof(buf)), "abc...");
	CHECK_STR(tce_vm_name_quote("\x01\x02", 64, buf, 6), "\\x01");
}

TEST(vmname_find_refuses_bad_names)
{
	struct tce_err err = { 0 };
	char big[TCE_VM_NAME_MAX + 2];
	pid_t pid = 0;

	CHECK(tce_vm_find("", &pid, &err) < 0 && err.status == TCE_EUSAGE);
	CHECK_STR(err.msg, "'vm:' names no VM; give vm:NAME, the name QEMU was given by -name");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	err = (struct tce_err){ 0 };
	CHECK(tce_vm_find(big, &pid, &err) < 0 && err.status == TCE_EUSAGE);
	err = (struct tce_err){ 0 };
	CHECK(tce_vm_find("tcectl-unit-no-such-vm", &pid, &err) < 0 && err.status == TCE_ENOTARGET);
	CHECK(pid == 0);
}
