/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvirt.h - what libvirt's status files say about running QEMU domains.
 *
 * libvirtd keeps DIR/NAME.xml for every running domain (DIR is
 * $TCECTL_LIBVIRT_DIR, else /run/libvirt/qemu):
 *
 *   <domstatus state='running' reason='booted' pid='1234'>
 *     ...
 *     <domain type='kvm' id='1'>
 *       <name>NAME</name> <memory unit='KiB'>4194304</memory> ...
 *       <devices>
 *         <controller type='scsi' index='0' model='ibmvscsi'>
 *           <alias name='scsi0'/> <address type='spapr-vio' reg='0x2000'/>
 *         </controller>
 *         <controller type='pci' index='0' model='pci-root'>
 *           <model name='spapr-pci-host-bridge'/> <target index='0'/>
 *           <alias name='pci.0'/>
 *         </controller> ...
 *
 * A sPAPR VIO device's table has its reg as liobn; PHB N owns the windows
 * 0x80000000 | N << 8 | W, W 0 and 1 (QEMU's SPAPR_PCI_LIOBN).
 *
 * The file is read with a small scanner for just these elements, not an
 * XML library: bounded by TCE_LIBVIRT_FILE_MAX, no DOCTYPE or entities but
 * XML's five and character references; anything else is refused.  A
 * status file can outlive its QEMU (libvirtd killed): a domain is only
 * believed when its pid's command line names the same guest.
 */
#ifndef TCECTL_LIBVIRT_H
#define TCECTL_LIBVIRT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "vmname.h"

#define TCE_LIBVIRT_DIR_DEFAULT "/run/libvirt/qemu"
#define TCE_LIBVIRT_FILE_MAX (8u << 20)
#define TCE_LIBVIRT_DEVICES_MAX 64

struct tce_libvirt_device {
	uint32_t liobn;		/* VIO: its reg; PHB: its window 0 (window 1 is liobn + 1) */
	bool phb;		/* a spapr-pci-host-bridge: two windows */
	char element[24];	/* "controller", "interface", "disk", ... */
	char model[64];		/* <model type|name=...> or model='...'; "" when none */
	char alias[64];		/* <alias name=...>: QEMU's id of the device; "" when none */
};

struct tce_libvirt_domain {
	char name[TCE_VM_NAME_MAX + 1];
	pid_t pid;			/* its QEMU */
	uint64_t ram_bytes;		/* <memory>; 0 when absent */
	size_t n_devices;
	bool devices_cut;		/* more than TCE_LIBVIRT_DEVICES_MAX owned a window */
	struct tce_libvirt_device devices[TCE_LIBVIRT_DEVICES_MAX];
};

/* $TCECTL_LIBVIRT_DIR when set and not empty, else TCE_LIBVIRT_DIR_DEFAULT. */
const char *tce_libvirt_dir(void);

/*
 * Parses a status file's text (len bytes; what names it in messages).
 * TCE_EFILE when it is not one, with the reason and the byte offset.
 */
int tce_libvirt_parse(const char *xml, size_t len, const char *what,
		      struct tce_libvirt_domain *d, struct tce_err *err);

/* Reads and parses the status file at path (at most TCE_LIBVIRT_FILE_MAX bytes). */
int tce_libvirt_read(const char *path, struct tce_libvirt_domain *d, struct tce_err *err);

/*
 * The running domain called name, from DIR/name.xml.  TCE_ENOTARGET when
 * there is no such file, the name cannot be a file's (see
 * tce_vm_name_is_file_safe), or the file is stale: its pid is gone or its
 * command line names another guest; TCE_EFILE when it is corrupt.
 */
int tce_libvirt_domain_by_name(const char *name, struct tce_libvirt_domain *d,
			       struct tce_err *err);

/*
 * The domain whose QEMU is pid: 1 and *d filled in, 0 when pid is no
 * running libvirt domain's QEMU, -1 when its status file is corrupt.
 */
int tce_libvirt_domain_of_pid(pid_t pid, struct tce_libvirt_domain *d, struct tce_err *err);

/* The device whose table has liobn, or NULL. */
const struct tce_libvirt_device *tce_libvirt_device_of_liobn(const struct tce_libvirt_domain *d,
							     uint32_t liobn);

#endif
