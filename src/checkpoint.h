/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * checkpoint.h - the checkpoint file: whole TCE tables, saved and read back.
 *
 * An ELF file (tcectl-checkpoint(5)) whose EI_DATA is the byte order of
 * the entries.  A note section ".note.tcectl" holds the format record
 * (magic and version, checked by the reader), the snapshot record (when,
 * where, which process, whether it is consistent) and one record per
 * table; the entries of table N are section ".tce.N", zlib-compressed
 * (SHF_COMPRESSED) when that is smaller.  Note descriptions are
 * NUL-separated KEY=VALUE text, so they read the same in either byte order.
 */
#ifndef TCECTL_CHECKPOINT_H
#define TCECTL_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "err.h"
#include "extents.h"
#include "table.h"

#define TCE_CKPT_MAGIC		"tcectl-checkpoint"
#define TCE_CKPT_VERSION	1
#define TCE_CKPT_NOTE_NAME	"tcectl"

/*
 * Note types: "tc" in the high half, away from the numbers readelf names
 * for any owner (NT_VERSION 1, NT_ARCH 2, the GNU build attributes 0x100
 * and 0x101), so that it calls them what they are: types of their own.
 */
enum {
	NT_TCECTL_FORMAT = 0x74630001,
	NT_TCECTL_SNAPSHOT = 0x74630002,
	NT_TCECTL_TABLE = 0x74630003,
};

struct tce_snapshot_info {
	int64_t time;		/* seconds since the epoch */
	char hostname[256];
	char kernel[256];	/* uname -r */
	int pid;
	char comm[64];
	char guest[256];	/* the VMM's -name, when it has one */
	bool consistent;	/* two passes over every table agreed */
	unsigned passes;
};

/* One table of a checkpoint: where it came from, and its entries. */
struct tce_ckpt_table {
	struct tce_table meta;	/* geometry and origin; meta.tce is NULL */
	struct tce_extents x;	/* over [0, meta.entries) */
	uint32_t crc;		/* CRC-32 of the entries in the file's byte order */
	bool compressed;
	uint64_t stored_bytes;	/* size of its section in the file */
	uint64_t mapped;	/* as the record says, before loading */
	size_t section;		/* ELF section index, when read */
};

enum {
	TCE_CKPT_COMPRESS = 1 << 0,	/* zlib where that is smaller */
	TCE_CKPT_DURABLE = 1 << 1,	/* fsync the file and its directory */
};

/*
 * Whether path may receive a checkpoint: a new name, or an existing
 * regular file (replaced whole).  A device, FIFO, socket, directory or
 * symbolic link is refused, since the rename would replace the node
 * itself (as root, -o /dev/null would replace /dev/null).  what names the
 * file in the message ("checkpoint", "undo file").
 */
int tce_checkpoint_path_ok(const char *path, const char *what, struct tce_err *err);

/*
 * Writes tables to path atomically: a temporary file in the same
 * directory, mode 0600 (a guest's DMA map is nobody else's business),
 * fsync (TCE_CKPT_DURABLE), rename.  On failure, or on a fatal
 * signal meanwhile, the temporary file is removed and an existing file at
 * path is untouched.  Fills each table's crc, compressed and stored_bytes.
 */
int tce_checkpoint_write(const char *path, const struct tce_snapshot_info *info,
			 struct tce_ckpt_table *tables, size_t count, bool big_endian,
			 unsigned flags, struct tce_err *err);

struct tce_ckpt {
	const char *path;
	int fd;
	void *elf;
	bool big_endian;
	unsigned version;
	struct tce_snapshot_info info;
	struct tce_ckpt_table *tables;	/* metadata only until loaded */
	size_t count;
};

/* Opens and checks the structure and records; entries are not read yet. */
int tce_checkpoint_open(struct tce_ckpt *c, const char *path, struct tce_err *err);

/* Decodes table i into c->tables[i].x and checks its checksum. */
int tce_checkpoint_load(struct tce_ckpt *c, size_t i, struct tce_err *err);

void tce_checkpoint_close(struct tce_ckpt *c);

/* Fills in the time, hostname and kernel release of this host. */
void tce_snapshot_info_host(struct tce_snapshot_info *info);

/* The VMM's guest name: QEMU's "-name NAME" or "-name guest=NAME,...". */
void tce_guest_name(pid_t pid, char *buf, size_t len);

#endif
