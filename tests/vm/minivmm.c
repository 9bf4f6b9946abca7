// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * minivmm: the smallest VMM that owns in-kernel sPAPR TCE tables the way QEMU
 * does, for testing tcectl against a real POWER kernel.
 *
 * It creates a KVM guest with one vCPU, creates TCE tables with both
 * KVM_CREATE_SPAPR_TCE and KVM_CREATE_SPAPR_TCE_64, maps each one MAP_SHARED
 * like QEMU, and lets the guest fill them with H_PUT_TCE, H_PUT_TCE_INDIRECT
 * and H_STUFF_TCE, so the kernel (not this program) writes the entries.  It
 * then prints what it created and what the hypercalls wrote, and serves
 * commands so a shell test can drive more hypercalls and table lifetimes.
 *
 * Output lines are "word key=value ...", one fact per line; see usage().
 */
#define __SANE_USERSPACE_TYPES__	/* __u64 = unsigned long long, as in %llx */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/kvm.h>

/* PAPR hypercall numbers and return codes (asm/hvcall.h in Linux). */
#define H_SUCCESS		0
#define H_HARDWARE		(-1)
#define H_FUNCTION		(-2)
#define H_PARAMETER		(-4)
#define H_GET_TCE		0x1c
#define H_PUT_TCE		0x20
#define H_STUFF_TCE		0x138
#define H_PUT_TCE_INDIRECT	0x13c

/* Hypercalls only the guest image uses; the kernel passes them to us. */
#define H_MINIVMM_EXIT		0x7ffc
#define H_MINIVMM_FAULT		0x7ffe

#define TCE_PCI_READ		0x1ULL
#define TCE_PCI_WRITE		0x2ULL
#define TCE_LIST_MAX		512	/* PAPR limit for H_PUT_TCE_INDIRECT */

/* SF | ME | LE: 64-bit, little-endian, real mode (IR = DR = 0). */
#define GUEST_MSR		0x8000000000001001ULL
#define LPCR_ILE		0x0000000002000000ULL

/* Guest physical layout. */
#define GUEST_MEM_SIZE		(64ULL << 20)	/* the default; -m MIB sets more */
#define GPA_ENTRY		0x1000ULL
#define GPA_MAILBOX		0x2000ULL
#define GPA_TCE_LIST		0x3000ULL	/* 4 KiB aligned, as PAPR requires */

/* The bus address QEMU gives the 64-bit DDW window. */
#define DDW_BUS_OFFSET		0x800000000000000ULL

#define RUN_TIMEOUT_S		10
#define MAX_TABLES		64

extern const unsigned char minivmm_guest_image[];
extern const unsigned char minivmm_guest_image_end[];

/* Mirrors the MB_* offsets in guest.S. */
struct mailbox {
	uint64_t nr;
	uint64_t args[9];
	uint64_t ret;
	uint64_t out[9];
};

/*
 * QEMU's record of a table, SpaprTceTable (include/hw/ppc/spapr.h), as QEMU
 * 7.2 lays it out on ppc64le: the DeviceState it derives from (a zeroed
 * stand-in of the same size here), then the table's fields.  QEMU keeps
 * one per table for the life of the device, in its heap, and rewrites the
 * fields whenever it creates or drops the table (spapr_tce_table_enable,
 * spapr_tce_table_disable); minivmm does the same, so a reader can find the
 * record whose "table" is a kvm-spapr-tce mapping's address and learn the
 * table's liobn, page size, bus offset and exact size from it.
 */
#define QEMU_DEVICE_STATE_SIZE	160

struct qemu_tce_record {
	unsigned char parent[QEMU_DEVICE_STATE_SIZE];
	uint32_t liobn;
	uint32_t nb_table;
	uint64_t bus_offset;
	uint32_t page_shift;
	uint64_t *table;	/* the VMM's mapping of the fd (or heap memory) */
	uint32_t mig_nb_table;
	uint64_t *mig_table;
	bool bypass;
	bool need_vfio;
	bool skipping_replay;
	bool def_win;
	int fd;			/* -1: no in-kernel table */
};

#define REC_OFF(field)	(offsetof(struct qemu_tce_record, field) - QEMU_DEVICE_STATE_SIZE)
_Static_assert(REC_OFF(liobn) == 0 && REC_OFF(nb_table) == 4 && REC_OFF(bus_offset) == 8 &&
	       REC_OFF(page_shift) == 16 && REC_OFF(table) == 24 &&
	       REC_OFF(mig_nb_table) == 32 && REC_OFF(mig_table) == 40 &&
	       REC_OFF(bypass) == 48 && REC_OFF(need_vfio) == 49 &&
	       REC_OFF(skipping_replay) == 50 && REC_OFF(def_win) == 51 && REC_OFF(fd) == 52,
	       "struct qemu_tce_record must match QEMU's SpaprTceTable");

/* A range of entries an hcall set to one value, or a single entry. */
struct tce_write {
	uint64_t index;		/* relative to the start of the table */
	uint64_t count;
	uint64_t tce;
};

struct tce_table {
	const char *name;
	uint64_t liobn;
	bool legacy;		/* made with KVM_CREATE_SPAPR_TCE */
	uint32_t page_shift;
	uint64_t offset;	/* in IOMMU pages */
	uint64_t size;		/* entries requested */
	int fd;			/* -1 once closed */
	uint64_t *map;
	size_t map_len;
	bool def_win;		/* a PHB's default window (QEMU's def_win) */
	struct qemu_tce_record *rec;	/* NULL with -R */
	/* What hypercalls wrote, in order, so tests know what to expect. */
	struct tce_write *writes;
	size_t nwrites, writes_cap;
};

struct hcall_result {
	int64_t rc;
	bool in_kernel;		/* false: KVM passed the hcall to us */
	uint64_t out[9];
};

static int kvm_fd = -1, vm_fd = -1, vcpu_fd = -1;
static struct kvm_run *run;
static unsigned char *guest_mem;
static uint64_t guest_mem_size = GUEST_MEM_SIZE;
static struct tce_table tables[MAX_TABLES];
static size_t ntables;
static FILE *resp;		/* where command responses go */
static bool verbose;
static bool keep_records = true;	/* -R: keep none, like a VMM that is not QEMU */
/* Decoy records made by "forge": never updated, freed at exit. */
static struct qemu_tce_record *forged[MAX_TABLES];
static size_t nforged;

static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("minivmm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static const char *errname(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "unknown";
}

static int checked_ioctl(int fd, unsigned long req, void *arg, const char *what)
{
	int ret = ioctl(fd, req, arg);

	if (ret < 0)
		die("%s: %s (%s)", what, strerror(errno), errname(errno));
	return ret;
}

static const char *hcall_name(uint64_t nr)
{
	switch (nr) {
	case H_GET_TCE:		 return "H_GET_TCE";
	case H_PUT_TCE:		 return "H_PUT_TCE";
	case H_STUFF_TCE:	 return "H_STUFF_TCE";
	case H_PUT_TCE_INDIRECT: return "H_PUT_TCE_INDIRECT";
	default:		 return "hcall";
	}
}

static void on_alarm(int sig)
{
	(void)sig;	/* only here to make KVM_RUN return EINTR */
}

static void vm_setup(void)
{
	struct kvm_userspace_memory_region region = { 0 };
	struct kvm_enable_cap cap = { 0 };
	struct kvm_one_reg one_reg;
	struct kvm_regs regs;
	uint64_t lpcr;
	size_t image_len = minivmm_guest_image_end - minivmm_guest_image;
	static const uint64_t optional_hcalls[] = {
		H_PUT_TCE_INDIRECT, H_STUFF_TCE,
	};
	int run_size, api;

	kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm_fd < 0)
		die("cannot open /dev/kvm: %s (is kvm_hv loaded?)", strerror(errno));
	api = ioctl(kvm_fd, KVM_GET_API_VERSION, 0);
	if (api != KVM_API_VERSION)
		die("KVM API version %d, want %d", api, KVM_API_VERSION);
	if (ioctl(kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SPAPR_TCE_64) <= 0)
		die("kernel lacks KVM_CAP_SPAPR_TCE_64");

	/* Type 0 lets the kernel choose; HV is the only kind this kernel has. */
	vm_fd = ioctl(kvm_fd, KVM_CREATE_VM, 0);
	if (vm_fd < 0)
		die("KVM_CREATE_VM: %s", strerror(errno));

	guest_mem = mmap(NULL, guest_mem_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (guest_mem == MAP_FAILED)
		die("cannot allocate guest memory: %s", strerror(errno));
	if (image_len > GPA_MAILBOX)
		die("guest image is %zu bytes, overlaps the mailbox", image_len);
	memcpy(guest_mem, minivmm_guest_image, image_len);

	region.slot = 0;
	region.guest_phys_addr = 0;
	region.memory_size = guest_mem_size;
	region.userspace_addr = (uintptr_t)guest_mem;
	checked_ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &region,
		      "KVM_SET_USER_MEMORY_REGION");

	/* These two are off by default; QEMU turns them on the same way. */
	for (size_t i = 0; i < sizeof(optional_hcalls) / sizeof(optional_hcalls[0]); i++) {
		memset(&cap, 0, sizeof(cap));
		cap.cap = KVM_CAP_PPC_ENABLE_HCALL;
		cap.args[0] = optional_hcalls[i];
		cap.args[1] = 1;
		checked_ioctl(vm_fd, KVM_ENABLE_CAP, &cap,
			      "KVM_ENABLE_CAP KVM_CAP_PPC_ENABLE_HCALL");
	}

	vcpu_fd = checked_ioctl(vm_fd, KVM_CREATE_VCPU, (void *)0, "KVM_CREATE_VCPU");
	run_size = checked_ioctl(kvm_fd, KVM_GET_VCPU_MMAP_SIZE, NULL,
				 "KVM_GET_VCPU_MMAP_SIZE");
	run = mmap(NULL, run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);
	if (run == MAP_FAILED)
		die("cannot map kvm_run: %s", strerror(errno));

	/* Without PAPR mode the vCPU does not treat "sc 1" as a hypercall. */
	memset(&cap, 0, sizeof(cap));
	cap.cap = KVM_CAP_PPC_PAPR;
	checked_ioctl(vcpu_fd, KVM_ENABLE_CAP, &cap, "KVM_ENABLE_CAP KVM_CAP_PPC_PAPR");

	/* Take interrupts little-endian too, so the vector stubs decode. */
	lpcr = 0;
	one_reg.id = KVM_REG_PPC_LPCR_64;
	one_reg.addr = (uintptr_t)&lpcr;
	checked_ioctl(vcpu_fd, KVM_GET_ONE_REG, &one_reg, "KVM_GET_ONE_REG LPCR");
	lpcr |= LPCR_ILE;
	checked_ioctl(vcpu_fd, KVM_SET_ONE_REG, &one_reg, "KVM_SET_ONE_REG LPCR");

	checked_ioctl(vcpu_fd, KVM_GET_REGS, &regs, "KVM_GET_REGS");
	regs.pc = GPA_ENTRY;
	regs.msr = GUEST_MSR;
	regs.gpr[31] = GPA_MAILBOX;
	checked_ioctl(vcpu_fd, KVM_SET_REGS, &regs, "KVM_SET_REGS");

	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);
}

/* Issue one hypercall from the guest; dies only if the guest misbehaves. */
static struct hcall_result hcall(uint64_t nr, const uint64_t *args, int nargs)
{
	struct mailbox *mb = (struct mailbox *)(guest_mem + GPA_MAILBOX);
	struct hcall_result res = { .in_kernel = true };

	memset(mb, 0, sizeof(*mb));
	mb->nr = nr;
	for (int i = 0; i < nargs && i < 9; i++)
		mb->args[i] = args[i];

	for (;;) {
		int ret;

		alarm(RUN_TIMEOUT_S);
		ret = ioctl(vcpu_fd, KVM_RUN, 0);
		alarm(0);
		if (ret < 0 && errno == EINTR)
			die("guest did not return from KVM_RUN within %d s", RUN_TIMEOUT_S);
		if (ret < 0)
			die("KVM_RUN: %s (%s)", strerror(errno), errname(errno));
		if (run->exit_reason != KVM_EXIT_PAPR_HCALL)
			die("unexpected KVM exit reason %u", run->exit_reason);

		uint64_t exit_nr = run->papr_hcall.nr;

		run->papr_hcall.ret = H_SUCCESS;
		if (exit_nr == H_MINIVMM_EXIT)
			break;
		if (exit_nr == H_MINIVMM_FAULT)
			die("guest took interrupt 0x%llx at pc 0x%llx, srr1 0x%llx",
			    run->papr_hcall.args[0], run->papr_hcall.args[1],
			    run->papr_hcall.args[2]);
		/*
		 * The kernel did not handle it (unknown liobn, GPA outside guest
		 * memory, ...).  QEMU would emulate it; we refuse, so tests can
		 * tell the two paths apart.
		 */
		if (verbose)
			fprintf(stderr, "minivmm: %s 0x%" PRIx64 " came to userspace\n",
				hcall_name(exit_nr), exit_nr);
		res.in_kernel = false;
		run->papr_hcall.ret = (uint64_t)H_FUNCTION;
	}
	res.rc = (int64_t)mb->ret;
	memcpy(res.out, mb->out, sizeof(res.out));
	return res;
}

static struct tce_table *table_find(uint64_t liobn)
{
	for (size_t i = 0; i < ntables; i++)
		if (tables[i].liobn == liobn)
			return &tables[i];
	return NULL;
}

/* Where a successful hypercall on @liobn wrote, if it is one of our open tables. */
static struct tce_table *table_find_open(uint64_t liobn)
{
	struct tce_table *t = table_find(liobn);

	return t && t->fd >= 0 ? t : NULL;
}

static uint64_t table_bus_offset(const struct tce_table *t)
{
	return t->offset << t->page_shift;
}

static void table_note_write(struct tce_table *t, uint64_t index, uint64_t count,
			     uint64_t tce)
{
	if (t->nwrites == t->writes_cap) {
		t->writes_cap = t->writes_cap ? 2 * t->writes_cap : 64;
		t->writes = realloc(t->writes, t->writes_cap * sizeof(*t->writes));
		if (!t->writes)
			die("out of memory");
	}
	t->writes[t->nwrites++] = (struct tce_write){ index, count, tce };
}

/* Bring @t's record up to date, as spapr_tce_table_enable/_disable do. */
static void record_update(struct tce_table *t)
{
	struct qemu_tce_record *r = t->rec;

	if (!r)
		return;
	r->liobn = (uint32_t)t->liobn;
	r->def_win = t->def_win;
	if (t->fd >= 0) {
		r->nb_table = (uint32_t)t->size;
		r->bus_offset = table_bus_offset(t);
		r->page_shift = t->page_shift;
		r->table = t->map;
		r->fd = t->fd;
	} else {
		r->fd = -1;
		r->table = NULL;
		r->bus_offset = 0;
		r->page_shift = 0;
		r->nb_table = 0;
	}
}

/* Create (or re-create) @t's table in the kernel; returns 0 or an errno. */
static int table_open(struct tce_table *t)
{
	int fd;

	if (t->legacy) {
		struct kvm_create_spapr_tce args = {
			.liobn = t->liobn,
			.window_size = (uint32_t)(t->size << 12),
		};
		fd = ioctl(vm_fd, KVM_CREATE_SPAPR_TCE, &args);
	} else {
		struct kvm_create_spapr_tce_64 args = {
			.liobn = t->liobn,
			.page_shift = t->page_shift,
			.flags = 0,
			.offset = t->offset,
			.size = t->size,
		};
		fd = ioctl(vm_fd, KVM_CREATE_SPAPR_TCE_64, &args);
	}
	if (fd < 0)
		return errno;

	/* QEMU maps exactly nb_table * 8 bytes; do the same. */
	t->map_len = t->size * sizeof(uint64_t);
	t->map = mmap(NULL, t->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (t->map == MAP_FAILED) {
		int err = errno;

		close(fd);
		t->map = NULL;
		return err;
	}
	t->fd = fd;
	t->nwrites = 0;
	record_update(t);
	return 0;
}

static void table_close(struct tce_table *t)
{
	if (t->map)
		munmap(t->map, t->map_len);
	if (t->fd >= 0)
		close(t->fd);
	t->map = NULL;
	t->fd = -1;
	t->nwrites = 0;
	record_update(t);
}

static struct tce_table *table_add(const char *name, uint64_t liobn, bool legacy,
				   uint32_t page_shift, uint64_t offset, uint64_t size,
				   int *err)
{
	struct tce_table *t;

	if (ntables == MAX_TABLES) {
		*err = ENOSPC;
		return NULL;
	}
	t = &tables[ntables];
	*t = (struct tce_table){
		.name = name, .liobn = liobn, .legacy = legacy,
		.page_shift = page_shift, .offset = offset, .size = size, .fd = -1,
		/* QEMU's PHB window 0: liobn 0x80000000 | index << 8. */
		.def_win = (liobn & 0xffff00ffULL) == 0x80000000ULL,
	};
	if (keep_records) {
		/* A heap object of its own, as QEMU's object model allocates it. */
		t->rec = malloc(sizeof(*t->rec));
		if (!t->rec)
			die("out of memory");
		memset(t->rec, 0, sizeof(*t->rec));
		record_update(t);
	}
	*err = table_open(t);
	if (*err) {
		free(t->rec);
		t->rec = NULL;
		return NULL;
	}
	ntables++;
	return t;
}

static void print_table(FILE *f, const struct tce_table *t)
{
	fprintf(f, "table name=%s liobn=0x%" PRIx64 " fd=%d ioctl=%s page_shift=%u"
		" offset=0x%" PRIx64 " bus_offset=0x%" PRIx64 " entries=%" PRIu64
		" window=0x%" PRIx64 " map=0x%" PRIxPTR " record=",
		t->name, t->liobn, t->fd,
		t->legacy ? "KVM_CREATE_SPAPR_TCE" : "KVM_CREATE_SPAPR_TCE_64",
		t->page_shift, t->offset, table_bus_offset(t), t->size,
		t->size << t->page_shift, (uintptr_t)t->map);
	if (t->rec)
		fprintf(f, "0x%" PRIxPTR "\n", (uintptr_t)t->rec->parent + QEMU_DEVICE_STATE_SIZE);
	else
		fputs("none\n", f);
}

/* A record's fields as they are in memory; @addr is that of its liobn field. */
static void print_record(FILE *f, const char *verb, const struct qemu_tce_record *r)
{
	fprintf(f, "%s addr=0x%" PRIxPTR " start=0x%" PRIxPTR " liobn=0x%" PRIx32
		" nb_table=%" PRIu32 " bus_offset=0x%" PRIx64 " page_shift=%" PRIu32
		" table=0x%" PRIxPTR " def_win=%d fd=%d\n", verb,
		(uintptr_t)r->parent + QEMU_DEVICE_STATE_SIZE, (uintptr_t)r,
		r->liobn, r->nb_table, r->bus_offset, r->page_shift,
		(uintptr_t)r->table, r->def_win, r->fd);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The final value of every entry the hypercalls left non-zero, by index. */
static void print_expected(FILE *f, const struct tce_table *t)
{
	uint64_t *idx = NULL;
	size_t n = 0, cap = 0;

	for (size_t w = 0; w < t->nwrites; w++) {
		if (!t->writes[w].tce)
			continue;
		for (uint64_t i = 0; i < t->writes[w].count; i++) {
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				idx = realloc(idx, cap * sizeof(*idx));
				if (!idx)
					die("out of memory");
			}
			idx[n++] = t->writes[w].index + i;
		}
	}
	if (n)
		qsort(idx, n, sizeof(*idx), cmp_u64);
	for (size_t k = 0; k < n; k++) {
		uint64_t tce = 0;

		if (k && idx[k] == idx[k - 1])
			continue;
		for (size_t w = t->nwrites; w-- > 0;) {
			const struct tce_write *wr = &t->writes[w];

			if (idx[k] >= wr->index && idx[k] - wr->index < wr->count) {
				tce = wr->tce;
				break;
			}
		}
		if (tce)
			fprintf(f, "entry liobn=0x%" PRIx64 " index=%" PRIu64
				" ioba=0x%" PRIx64 " tce=0x%" PRIx64 "\n",
				t->liobn, idx[k],
				(t->offset + idx[k]) << t->page_shift, tce);
	}
	free(idx);
}

/* Index of @ioba in @t, if it names an entry of @t. */
static bool ioba_index(const struct tce_table *t, uint64_t ioba, uint64_t npages,
		       uint64_t *index)
{
	uint64_t page = ioba >> t->page_shift;

	if (ioba & ((1ULL << t->page_shift) - 1))
		return false;
	if (page < t->offset || page - t->offset >= t->size ||
	    npages > t->size - (page - t->offset))
		return false;
	*index = page - t->offset;
	return true;
}

static void print_hcall(FILE *f, const char *verb, uint64_t liobn, uint64_t ioba,
			const struct hcall_result *r)
{
	fprintf(f, "%s liobn=0x%" PRIx64 " ioba=0x%" PRIx64 " rc=%" PRId64 " by=%s",
		verb, liobn, ioba, r->rc, r->in_kernel ? "kernel" : "userspace");
}

static struct hcall_result do_put(uint64_t liobn, uint64_t ioba, uint64_t tce)
{
	uint64_t args[] = { liobn, ioba, tce };
	struct hcall_result r = hcall(H_PUT_TCE, args, 3);
	struct tce_table *t = table_find_open(liobn);
	uint64_t index;

	if (r.in_kernel && r.rc == H_SUCCESS && t && ioba_index(t, ioba, 1, &index))
		table_note_write(t, index, 1, tce);
	return r;
}

static struct hcall_result do_stuff(uint64_t liobn, uint64_t ioba, uint64_t tce,
				    uint64_t npages)
{
	uint64_t args[] = { liobn, ioba, tce, npages };
	struct hcall_result r = hcall(H_STUFF_TCE, args, 4);
	struct tce_table *t = table_find_open(liobn);
	uint64_t index;

	if (r.in_kernel && r.rc == H_SUCCESS && t && ioba_index(t, ioba, npages, &index))
		table_note_write(t, index, npages, tce);
	return r;
}

/* The list goes into guest memory big-endian, as PAPR defines it. */
static struct hcall_result do_indirect(uint64_t liobn, uint64_t ioba,
				       const uint64_t *tces, uint64_t npages)
{
	uint64_t *list = (uint64_t *)(guest_mem + GPA_TCE_LIST);
	uint64_t args[] = { liobn, ioba, GPA_TCE_LIST, npages };
	struct hcall_result r;
	struct tce_table *t;
	uint64_t index;

	for (uint64_t i = 0; i < npages && i < TCE_LIST_MAX; i++)
		list[i] = htobe64(tces[i]);
	r = hcall(H_PUT_TCE_INDIRECT, args, 4);
	t = table_find_open(liobn);
	if (r.in_kernel && r.rc == H_SUCCESS && t && ioba_index(t, ioba, npages, &index))
		for (uint64_t i = 0; i < npages; i++)
			table_note_write(t, index + i, 1, tces[i]);
	return r;
}

static struct hcall_result do_get(uint64_t liobn, uint64_t ioba)
{
	uint64_t args[] = { liobn, ioba };

	return hcall(H_GET_TCE, args, 2);
}

/*
 * The start-up hypercalls: a bit of everything on every table, including the
 * first and last entries and calls the kernel must refuse.
 */
static void expect_rc(const char *what, const struct tce_table *t, uint64_t ioba,
		      struct hcall_result r, int64_t want)
{
	if (!r.in_kernel)
		die("%s on liobn 0x%" PRIx64 " ioba 0x%" PRIx64
		    " was not handled in the kernel", what, t->liobn, ioba);
	if (r.rc != want)
		die("%s on liobn 0x%" PRIx64 " ioba 0x%" PRIx64
		    " returned %" PRId64 ", want %" PRId64, what, t->liobn, ioba,
		    r.rc, want);
}

static struct tce_table *default_table(uint64_t liobn)
{
	struct tce_table *t = table_find(liobn);

	if (!t)
		die("internal error: no default table 0x%" PRIx64, liobn);
	return t;
}

static void fill_tables(void)
{
	uint64_t list[TCE_LIST_MAX];
	struct tce_table *t;
	uint64_t base, ioba;

	/* v-scsi like: 4 KiB pages from bus address 0. */
	t = default_table(0x71000003);
	expect_rc("H_PUT_TCE", t, 0, do_put(t->liobn, 0x0, 0x1000003), H_SUCCESS);
	expect_rc("H_PUT_TCE", t, 0x1000, do_put(t->liobn, 0x1000, 0x1001001), H_SUCCESS);
	for (int i = 0; i < 34; i++)
		list[i] = (0x2000000 + i * 0x1000ULL) | (1 + i % 3);
	expect_rc("H_PUT_TCE_INDIRECT", t, 0x10000,
		  do_indirect(t->liobn, 0x10000, list, 34), H_SUCCESS);
	/* Clears 8 of the entries just written: indices 40..47. */
	expect_rc("H_STUFF_TCE", t, 0x28000, do_stuff(t->liobn, 0x28000, 0, 8), H_SUCCESS);
	/* A "poison" value: an address without permission bits. */
	expect_rc("H_STUFF_TCE", t, 0x100000,
		  do_stuff(t->liobn, 0x100000, 0x3000000, 4), H_SUCCESS);
	ioba = t->size << 12;
	expect_rc("H_PUT_TCE past the end", t, ioba,
		  do_put(t->liobn, ioba, 0x1000003), H_PARAMETER);

	/* PCI window 0: a full 512-entry list, and the last entry. */
	t = default_table(0x80000000);
	for (int i = 0; i < TCE_LIST_MAX; i++)
		list[i] = (0x1000000 + i * 0x1000ULL) | TCE_PCI_READ | TCE_PCI_WRITE;
	ioba = 1000ULL << 12;
	expect_rc("H_PUT_TCE_INDIRECT", t, ioba,
		  do_indirect(t->liobn, ioba, list, TCE_LIST_MAX), H_SUCCESS);
	ioba = (t->size - 1) << 12;
	expect_rc("H_PUT_TCE", t, ioba, do_put(t->liobn, ioba, 0x3fff001), H_SUCCESS);

	/* DDW with 64 KiB pages at the high bus offset; 1000 entries. */
	t = default_table(0x80000001);
	base = table_bus_offset(t);
	expect_rc("H_PUT_TCE", t, base, do_put(t->liobn, base, 0x10000 | 3), H_SUCCESS);
	list[0] = 0x20000 | TCE_PCI_READ | TCE_PCI_WRITE;
	list[1] = 0x30000 | TCE_PCI_READ;
	ioba = base + ((t->size - 2) << 16);
	expect_rc("H_PUT_TCE_INDIRECT", t, ioba, do_indirect(t->liobn, ioba, list, 2),
		  H_SUCCESS);
	ioba = base + (t->size << 16);
	expect_rc("H_PUT_TCE past the end", t, ioba,
		  do_put(t->liobn, ioba, 0x10000 | 3), H_PARAMETER);
	ioba = base + 0x1000;
	expect_rc("H_PUT_TCE misaligned", t, ioba,
		  do_put(t->liobn, ioba, 0x10000 | 3), H_PARAMETER);

	/* DDW with 16 MiB pages: QEMU's direct map of all guest memory. */
	t = default_table(0x80000101);
	base = table_bus_offset(t);
	for (int i = 0; i < 4; i++)
		list[i] = (i * (16ULL << 20)) | TCE_PCI_READ | TCE_PCI_WRITE;
	expect_rc("H_PUT_TCE_INDIRECT", t, base, do_indirect(t->liobn, base, list, 4),
		  H_SUCCESS);
	ioba = base + ((t->size - 1) << 24);
	expect_rc("H_PUT_TCE", t, ioba, do_put(t->liobn, ioba, TCE_PCI_READ), H_SUCCESS);

	t = table_find(0x80000201);
	if (t) {
		base = table_bus_offset(t);
		expect_rc("H_PUT_TCE", t, base, do_put(t->liobn, base, 0x10000 | 3),
			  H_SUCCESS);
		ioba = base + ((t->size - 1) << 16);
		expect_rc("H_PUT_TCE", t, ioba, do_put(t->liobn, ioba, 0x20000 | 3),
			  H_SUCCESS);
		ioba = base + ((t->size / 2) << 16);
		expect_rc("H_STUFF_TCE", t, ioba, do_stuff(t->liobn, ioba, 0x3330000, 16),
			  H_SUCCESS);
	}
}

static void create_default_tables(bool big)
{
	struct {
		const char *name;
		uint64_t liobn;
		bool legacy;
		uint32_t page_shift;
		uint64_t bus_offset, size;
	} defs[] = {
		/* As QEMU makes them: v-scsi, PCI window 0, two DDW windows. */
		{ "vscsi", 0x71000003, true, 12, 0, (256 << 20) >> 12 },
		{ "pci0", 0x80000000, false, 12, 0, (1ULL << 30) >> 12 },
		{ "ddw64k", 0x80000001, false, 16, DDW_BUS_OFFSET, 1000 },
		{ "ddw16m", 0x80000101, false, 24, DDW_BUS_OFFSET, 16 },
		/* 16,777,216 entries = 128 MiB of table; only with -b. */
		{ "big", 0x80000201, false, 16, DDW_BUS_OFFSET, 1ULL << 24 },
	};
	size_t n = sizeof(defs) / sizeof(defs[0]) - (big ? 0 : 1);

	for (size_t i = 0; i < n; i++) {
		int err;

		if (!table_add(defs[i].name, defs[i].liobn, defs[i].legacy,
			       defs[i].page_shift, defs[i].bus_offset >> defs[i].page_shift,
			       defs[i].size, &err))
			die("cannot create TCE table %s (liobn 0x%" PRIx64 ") with %s: %s (%s)",
			    defs[i].name, defs[i].liobn,
			    defs[i].legacy ? "KVM_CREATE_SPAPR_TCE" : "KVM_CREATE_SPAPR_TCE_64",
			    strerror(err), errname(err));
	}
}

static void describe(FILE *f)
{
	for (size_t i = 0; i < ntables; i++)
		if (tables[i].fd >= 0)
			print_table(f, &tables[i]);
	for (size_t i = 0; i < ntables; i++)
		if (tables[i].fd >= 0)
			print_expected(f, &tables[i]);
}

/* Write @path atomically so a waiting test never reads half of it. */
static void write_file(const char *path, void (*fill)(FILE *))
{
	char tmp[4096];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		die("cannot create '%s': %s", tmp, strerror(errno));
	fill(f);
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		die("cannot write '%s': %s", path, strerror(errno));
}

static void fill_pid(FILE *f)
{
	fprintf(f, "%d\n", (int)getpid());
}

/* ---- command loop ---- */

static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

/* Each command answers with result lines and then "end SEQ ok|fail". */
static bool cmd_error(const char *fmt, ...)
{
	va_list ap;

	fputs("error ", resp);
	va_start(ap, fmt);
	vfprintf(resp, fmt, ap);
	va_end(ap);
	fputc('\n', resp);
	return false;
}

static struct tce_table *arg_table(const char *s)
{
	uint64_t liobn;
	struct tce_table *t;

	if (!parse_u64(s, &liobn)) {
		cmd_error("bad liobn '%s'", s ? s : "");
		return NULL;
	}
	t = table_find(liobn);
	if (!t)
		cmd_error("no table with liobn 0x%" PRIx64, liobn);
	return t;
}

static bool cmd_hcall_reply(const char *verb, uint64_t liobn, uint64_t ioba,
			    struct hcall_result r, bool show_tce)
{
	print_hcall(resp, verb, liobn, ioba, &r);
	if (show_tce)
		fprintf(resp, " tce=0x%" PRIx64, r.out[0]);
	fputc('\n', resp);
	return true;
}

static bool run_command(char **argv, int argc)
{
	const char *cmd = argv[0];
	uint64_t v[TCE_LIST_MAX + 2] = { 0 };
	struct tce_table *t;
	int err;

	/* Hypercall arguments are plain numbers: a liobn need not exist. */
	if (!strcmp(cmd, "put") || !strcmp(cmd, "get") || !strcmp(cmd, "stuff") ||
	    !strcmp(cmd, "indirect") || !strcmp(cmd, "hcall")) {
		int want = !strcmp(cmd, "put") ? 3 : !strcmp(cmd, "get") ? 2 :
			   !strcmp(cmd, "stuff") ? 4 : -1;

		if (argc - 1 > TCE_LIST_MAX + 2)
			return cmd_error("%s: too many arguments", cmd);
		for (int i = 1; i < argc; i++)
			if (!parse_u64(argv[i], &v[i - 1]))
				return cmd_error("%s: bad number '%s'", cmd, argv[i]);
		if (want > 0 && argc - 1 != want)
			return cmd_error("%s wants %d arguments", cmd, want);
		if (!strcmp(cmd, "put"))
			return cmd_hcall_reply("put", v[0], v[1], do_put(v[0], v[1], v[2]), false);
		if (!strcmp(cmd, "get"))
			return cmd_hcall_reply("get", v[0], v[1], do_get(v[0], v[1]), true);
		if (!strcmp(cmd, "stuff"))
			return cmd_hcall_reply("stuff", v[0], v[1],
					       do_stuff(v[0], v[1], v[2], v[3]), false);
		if (!strcmp(cmd, "indirect")) {
			if (argc < 4 || argc - 3 > TCE_LIST_MAX)
				return cmd_error("indirect wants LIOBN IOBA and 1..%d TCEs",
						 TCE_LIST_MAX);
			return cmd_hcall_reply("indirect", v[0], v[1],
					       do_indirect(v[0], v[1], v + 2, argc - 3), false);
		}
		/* hcall NR [ARG...]: anything, e.g. an over-long indirect list. */
		if (argc < 2 || argc - 2 > 9)
			return cmd_error("hcall wants NR and up to 9 arguments");
		struct hcall_result r = hcall(v[0], v + 1, argc - 2);

		fprintf(resp, "hcall nr=0x%" PRIx64 " rc=%" PRId64 " by=%s",
			v[0], r.rc, r.in_kernel ? "kernel" : "userspace");
		for (int i = 0; i < 4; i++)
			fprintf(resp, " r%d=0x%" PRIx64, 4 + i, r.out[i]);
		fputc('\n', resp);
		return true;
	}

	if (!strcmp(cmd, "tables")) {
		for (size_t i = 0; i < ntables; i++)
			if (tables[i].fd >= 0)
				print_table(resp, &tables[i]);
		return true;
	}
	if (!strcmp(cmd, "expect")) {
		if (argc != 2)
			return cmd_error("expect wants LIOBN");
		if (!(t = arg_table(argv[1])))
			return false;
		print_expected(resp, t);
		return true;
	}
	if (!strcmp(cmd, "peek") || !strcmp(cmd, "poke")) {
		bool poke = !strcmp(cmd, "poke");

		if (argc != (poke ? 4 : 3))
			return cmd_error("%s wants LIOBN INDEX%s", cmd, poke ? " VALUE" : "");
		if (!(t = arg_table(argv[1])))
			return false;
		if (!parse_u64(argv[2], &v[0]) || (poke && !parse_u64(argv[3], &v[1])))
			return cmd_error("%s: bad number", cmd);
		if (!t->map)
			return cmd_error("table 0x%" PRIx64 " is closed", t->liobn);
		if (v[0] >= t->size)
			return cmd_error("index %" PRIu64 " is past the %" PRIu64 " entries",
					 v[0], t->size);
		if (poke)
			t->map[v[0]] = v[1];
		fprintf(resp, "%s liobn=0x%" PRIx64 " index=%" PRIu64 " tce=0x%" PRIx64 "\n",
			cmd, t->liobn, v[0], t->map[v[0]]);
		return true;
	}
	if (!strcmp(cmd, "close") || !strcmp(cmd, "recreate")) {
		if (argc != 2)
			return cmd_error("%s wants LIOBN", cmd);
		if (!(t = arg_table(argv[1])))
			return false;
		/* Drop our fd and mapping first, as QEMU does on reset. */
		table_close(t);
		if (!strcmp(cmd, "close")) {
			fprintf(resp, "close liobn=0x%" PRIx64 "\n", t->liobn);
			return true;
		}
		err = table_open(t);
		fprintf(resp, "recreate liobn=0x%" PRIx64 " result=%s fd=%d\n",
			t->liobn, err ? errname(err) : "ok", t->fd);
		return !err;
	}
	if (!strcmp(cmd, "record")) {
		if (argc != 2)
			return cmd_error("record wants LIOBN");
		if (!(t = arg_table(argv[1])))
			return false;
		if (!t->rec)
			return cmd_error("no records are kept (-R)");
		print_record(resp, "record", t->rec);
		return true;
	}
	if (!strcmp(cmd, "forge")) {
		/* forge LIOBN [AS_LIOBN]: a decoy copy of LIOBN's record, left as it is */
		struct qemu_tce_record *r;

		if ((argc != 2 && argc != 3) || (argc == 3 && !parse_u64(argv[2], &v[0])))
			return cmd_error("forge wants LIOBN [AS_LIOBN]");
		if (!(t = arg_table(argv[1])))
			return false;
		if (!t->rec)
			return cmd_error("no records are kept (-R)");
		if (nforged == MAX_TABLES)
			return cmd_error("too many forged records");
		r = malloc(sizeof(*r));
		if (!r)
			die("out of memory");
		memcpy(r, t->rec, sizeof(*r));
		if (argc == 3)
			r->liobn = (uint32_t)v[0];
		forged[nforged++] = r;
		print_record(resp, "forge", r);
		return true;
	}
	if (!strcmp(cmd, "create")) {
		/* create LIOBN PAGE_SHIFT BUS_OFFSET ENTRIES [legacy] */
		bool legacy = argc == 6 && !strcmp(argv[5], "legacy");

		if ((argc != 5 && !legacy) || !parse_u64(argv[1], &v[0]) ||
		    !parse_u64(argv[2], &v[1]) || !parse_u64(argv[3], &v[2]) ||
		    !parse_u64(argv[4], &v[3]) || v[1] > 63)
			return cmd_error("create wants LIOBN PAGE_SHIFT BUS_OFFSET ENTRIES [legacy]");
		if (legacy && (v[1] != 12 || v[2] != 0))
			return cmd_error("legacy tables have 4 KiB pages at bus offset 0");
		t = table_find(v[0]);
		if (t && t->fd < 0) {
			/* A closed table keeps its slot (and record); reuse it. */
			t->legacy = legacy;
			t->page_shift = v[1];
			t->offset = v[2] >> v[1];
			t->size = v[3];
			err = table_open(t);
		} else {
			t = table_add("created", v[0], legacy, v[1], v[2] >> v[1], v[3], &err);
		}
		fprintf(resp, "create liobn=0x%" PRIx64 " result=%s fd=%d\n", v[0],
			err ? errname(err) : "ok", t && !err ? t->fd : -1);
		return !err;
	}
	return cmd_error("unknown command '%s'", cmd);
}

static void serve(FILE *in)
{
	char *line = NULL;
	size_t cap = 0;
	unsigned long seq = 0;

	while (getline(&line, &cap, in) > 0) {
		char *argv[TCE_LIST_MAX + 8];
		int argc = 0;
		bool ok;

		for (char *tok = strtok(line, " \t\r\n"); tok && argc < (int)(sizeof(argv) / sizeof(argv[0]));
		     tok = strtok(NULL, " \t\r\n"))
			argv[argc++] = tok;
		if (!argc || argv[0][0] == '#')
			continue;
		seq++;
		if (!strcmp(argv[0], "quit")) {
			fprintf(resp, "end %lu ok\n", seq);
			fflush(resp);
			break;
		}
		ok = run_command(argv, argc);
		fprintf(resp, "end %lu %s\n", seq, ok ? "ok" : "fail");
		fflush(resp);
	}
	free(line);
}

static FILE *open_fifo(const char *path, const char *mode)
{
	struct stat st;
	int fd;
	FILE *f;

	if (mkfifo(path, 0600) < 0 && errno != EEXIST)
		die("cannot create fifo '%s': %s", path, strerror(errno));
	if (stat(path, &st) < 0 || !S_ISFIFO(st.st_mode))
		die("'%s' is not a fifo", path);
	/* O_RDWR: opening never blocks, and writers coming and going is no EOF. */
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || !(f = fdopen(fd, mode)))
		die("cannot open fifo '%s': %s", path, strerror(errno));
	return f;
}

static void usage(FILE *f)
{
	fputs("usage: minivmm [-b] [-D] [-R] [-v] [-m MIB] [-o DESCFILE] [-p PIDFILE] [-c CMDFIFO] [-r RESPFIFO]\n"
	      "\n"
	      "Creates a KVM guest with TCE tables, lets the guest fill them through\n"
	      "hypercalls the kernel handles, prints the tables and the entries the\n"
	      "kernel should hold, writes PIDFILE, then serves commands.\n"
	      "\n"
	      "  -b  also create a 16,777,216-entry table (128 MiB)\n"
	      "  -D  make the process non-dumpable (PR_SET_DUMPABLE 0) before it is ready,\n"
	      "      as QEMU is after -runas: only CAP_SYS_PTRACE may then attach\n"
	      "  -R  keep no QEMU-like records of the tables (a VMM that is not QEMU)\n"
	      "  -m  guest memory in MiB, 64 (the default) to 4096, as QEMU's -m: tcectl\n"
	      "      check reads the guest's RAM size from it\n"
	      "  -o  also write the description to DESCFILE (before PIDFILE)\n"
	      "  -c  read commands from CMDFIFO instead of standard input\n"
	      "  -r  write responses to RESPFIFO instead of standard output\n"
	      "  -v  report hypercalls that reach userspace on standard error\n"
	      "\n"
	      "Output: 'table name= liobn= fd= ioctl= page_shift= offset= bus_offset=\n"
	      "entries= window= map= record=' per table, then 'entry liobn= index= ioba=\n"
	      "tce=' per non-zero entry written by hypercalls, then 'ready pid='.\n"
	      "map= is minivmm's mapping of the table; record= the address of the liobn\n"
	      "field of its record (none with -R).  Each table has a record laid out like\n"
	      "QEMU 7.2's SpaprTceTable on ppc64le, in the heap: 160 zero bytes for\n"
	      "DeviceState, then u32 liobn, u32 nb_table, u64 bus_offset, u32 page_shift,\n"
	      "u64 *table (at +24), u32 mig_nb_table, u64 *mig_table, bool bypass,\n"
	      "need_vfio, skipping_replay, def_win (+48..51), int fd (+52); kept current\n"
	      "on close (fd -1, table NULL, nb_table, bus_offset, page_shift 0), recreate\n"
	      "and create.\n"
	      "\n"
	      "Commands (numbers in C notation; each answer ends with 'end SEQ ok|fail'):\n"
	      "  put LIOBN IOBA TCE            H_PUT_TCE\n"
	      "  get LIOBN IOBA                H_GET_TCE, prints tce=\n"
	      "  stuff LIOBN IOBA TCE NPAGES   H_STUFF_TCE\n"
	      "  indirect LIOBN IOBA TCE...    H_PUT_TCE_INDIRECT, up to 512 TCEs\n"
	      "  hcall NR [ARG...]             any hypercall, prints r3..r7\n"
	      "  tables | expect LIOBN         the description, or one table's entries\n"
	      "  peek LIOBN INDEX | poke LIOBN INDEX VALUE   through our own mapping\n"
	      "  close LIOBN | recreate LIOBN  drop fd + mapping (and create again)\n"
	      "  create LIOBN PAGE_SHIFT BUS_OFFSET ENTRIES [legacy]\n"
	      "  record LIOBN                  the record's fields: 'record addr= start= liobn=\n"
	      "                                nb_table= bus_offset= page_shift= table= def_win= fd='\n"
	      "  forge LIOBN [AS_LIOBN]        a second record, a copy of LIOBN's (with liobn\n"
	      "                                AS_LIOBN), never updated: a decoy\n"
	      "  quit\n"
	      "hcall results print rc= (r3) and by=kernel|userspace.\n", f);
}

int main(int argc, char **argv)
{
	const char *desc_path = NULL, *pid_path = NULL, *cmd_path = NULL, *resp_path = NULL;
	bool big = false, nondumpable = false;
	FILE *in = stdin;
	int opt;

	while ((opt = getopt(argc, argv, "bDhRm:o:p:c:r:v")) != -1) {
		switch (opt) {
		case 'b': big = true; break;
		case 'D': nondumpable = true; break;
		case 'R': keep_records = false; break;
		case 'm':
			guest_mem_size = strtoull(optarg, NULL, 0) << 20;
			if (guest_mem_size < GUEST_MEM_SIZE || guest_mem_size > (4096ULL << 20)) {
				usage(stderr);
				return 2;
			}
			break;
		case 'o': desc_path = optarg; break;
		case 'p': pid_path = optarg; break;
		case 'c': cmd_path = optarg; break;
		case 'r': resp_path = optarg; break;
		case 'v': verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	vm_setup();
	create_default_tables(big);
	fill_tables();

	/* Before "ready": a test sees the final state as soon as it may look. */
	if (nondumpable && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		die("prctl(PR_SET_DUMPABLE, 0): %s", strerror(errno));

	resp = resp_path ? open_fifo(resp_path, "w") : stdout;
	in = cmd_path ? open_fifo(cmd_path, "r") : stdin;

	describe(stdout);
	if (desc_path)
		write_file(desc_path, describe);
	printf("ready pid=%d\n", (int)getpid());
	if (pid_path)
		write_file(pid_path, fill_pid);

	serve(in);

	for (size_t i = 0; i < ntables; i++) {
		table_close(&tables[i]);
		free(tables[i].rec);
	}
	for (size_t i = 0; i < nforged; i++)
		free(forged[i]);
	return 0;
}
