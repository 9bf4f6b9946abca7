/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * checkpoint.h - the checkpoint file: whole TCE tables, saved and read back.
 *
 * An ELF file (tcectl-checkpoint(5)) whose EI_DATA is the byte order of
 * the entries.  A note section ".note.tcectl" holds the format record
 * (magic and version, checked by the reader), the snapshot record (when,
 * where, which process, whether it is consistent) and one record per
 * table; the entries of table N are section ".tce.N", zstd-compressed
 * (SHF_COMPRESSED, ELFCOMPRESS_ZSTD) when that is smaller.  Version 1
 * files, zlib-compressed, are still read.  Note descriptions are
 * NUL-separated KEY=VALUE text, so they read the same in either byte order.
 *
 * Both ways stream: the writer lays the file out itself and writes each
 * table's section as its entries arrive; the reader decodes a table in
 * blocks with pread.  Memory stays the same whatever the tables hold.
 */
#ifndef TCECTL_CHECKPOINT_H
#define TCECTL_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <time.h>

#include "codec.h"
#include "err.h"
#include "extents.h"
#include "table.h"

#define TCE_CKPT_MAGIC		"tcectl-checkpoint"
/* 2: zstd sections; 1 had zlib ones, and is still read. */
#define TCE_CKPT_VERSION	2
#define TCE_CKPT_NOTE_NAME	"tcectl"

/*
 * Limits on what a file may declare, so that no file makes the reader
 * take memory or time it does not pay for in bytes: tables per file, the
 * size of the note section and of one record in it.
 */
#define TCE_CKPT_MAX_TABLES	65536
#define TCE_CKPT_MAX_NOTE	(64u << 20)
#define TCE_CKPT_MAX_RECORD	4096

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
	enum tce_codec codec;
	uint64_t stored_bytes;	/* size of its section in the file */
	uint64_t mapped;	/* as the record says, before loading */
	bool has_mapped;	/* the record says it (version 1 may not) */
	size_t section;		/* ELF section index, when read */
	uint64_t data_offset;	/* file offset of its data, past any Elf64_Chdr */
	uint64_t data_bytes;	/* bytes of data there */
};

enum {
	TCE_CKPT_COMPRESS = 1 << 0,	/* zstd where that is smaller */
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
 * The streaming writer.  A checkpoint is written to a temporary file in
 * the same directory, mode 0600 (a guest's DMA map is nobody else's
 * business), each table's section as its entries arrive; commit adds the
 * records and headers, fsyncs (TCE_CKPT_DURABLE) and renames.  On failure,
 * abort, or a fatal signal meanwhile, the temporary file is removed and an
 * existing file at path is untouched.  Its memory does not depend on the
 * entries: a buffer, the zstd state and one record per table.
 *
 * The members are the writer's own, but for `last`.
 */
struct tce_ckpt_written {
	uint32_t crc;		/* CRC-32 of the entries in the file's byte order */
	uint64_t mapped;	/* non-zero entries */
	enum tce_codec codec;
	uint64_t stored_bytes;	/* size of its section */
};

struct tce_ckpt_writer {
	char *path, *tmp;
	int fd;
	bool big_endian;
	unsigned flags;
	uint64_t end;		/* bytes of the file written or buffered */
	unsigned char *buf;	/* output not yet written, from file offset end - len */
	size_t len;
	uint64_t *scratch;	/* entries in the file's order; raw copies */
	struct tce_encoder enc;
	struct tce_decoder dec;
	struct {		/* the table records and where each section lies */
		unsigned char *notes;
		size_t notes_len, notes_cap;
		struct { uint64_t offset, size; bool compressed; } *sections;
		size_t count, cap;
	} done;
	struct {		/* the table under way */
		bool open;
		struct tce_table meta;
		uint64_t start, fed;
		bool compress;
		struct tce_sums sums;
	} cur;
	struct tce_ckpt_written last;	/* what tce_ckpt_writer_end wrote */
	bool xfsz_saved;
	struct sigaction old_xfsz;
};

/*
 * Starts a checkpoint at path (tce_checkpoint_path_ok first).  SIGXFSZ is
 * ignored until commit or abort, so a file size limit is a clean EFBIG.
 * After a failure of any call, only abort is left to do.
 */
int tce_ckpt_writer_open(struct tce_ckpt_writer *w, const char *path, bool big_endian,
			 unsigned flags, struct tce_err *err);

/* The next table: geometry and origin from meta, meta->entries entries. */
int tce_ckpt_writer_begin(struct tce_ckpt_writer *w, const struct tce_table *meta,
			  struct tce_err *err);

/* n entries of it, host order, in index order. */
int tce_ckpt_writer_feed(struct tce_ckpt_writer *w, const uint64_t *entries, uint64_t n,
			 struct tce_err *err);

/*
 * The entries x covers, [x->first, x->end), in index order: runs a short
 * gap apart are expanded into block (TCE_READ_BLOCK entries), long gaps
 * are fed from zeros never written.
 */
int tce_ckpt_writer_feed_extents(struct tce_ckpt_writer *w, const struct tce_extents *x,
				 uint64_t *block, struct tce_err *err);

/* Ends the table; fails unless exactly meta->entries were fed.  Fills w->last. */
int tce_ckpt_writer_end(struct tce_ckpt_writer *w, struct tce_err *err);

/* Drops the table begun and not ended: a pass that must be read again. */
void tce_ckpt_writer_rewind(struct tce_ckpt_writer *w);

/* The records, the headers, fsync when TCE_CKPT_DURABLE, and the rename. */
int tce_ckpt_writer_commit(struct tce_ckpt_writer *w, const struct tce_snapshot_info *info,
			   struct tce_err *err);

/* Removes the temporary file and frees the writer; safe after commit too. */
void tce_ckpt_writer_abort(struct tce_ckpt_writer *w);

/*
 * Writes whole tables from their extents through the writer.  Fills each
 * table's crc, codec, compressed and stored_bytes.
 */
int tce_checkpoint_write(const char *path, const struct tce_snapshot_info *info,
			 struct tce_ckpt_table *tables, size_t count, bool big_endian,
			 unsigned flags, struct tce_err *err);

struct tce_ckpt_stream;

struct tce_ckpt {
	const char *path;
	int fd;
	void *elf;
	bool big_endian;
	unsigned version;
	struct tce_snapshot_info info;
	struct tce_ckpt_table *tables;	/* metadata only until loaded */
	size_t count;
	struct tce_ckpt_stream *stream;	/* the decoder of tce_checkpoint_read */
};

/*
 * Opens and checks the structure and records; entries are not read yet.
 * The headers are read with pread (libelf's ELF_C_READ), never mapped: a
 * file cut short while read is an error, not a SIGBUS.
 */
int tce_checkpoint_open(struct tce_ckpt *c, const char *path, struct tce_err *err);

/*
 * Entries [first, first + n) of table i, n <= TCE_READ_BLOCK, host order,
 * into buf.  Cheapest in index order: a read behind the decoder's position
 * starts decoding the table again from its start.  Reading the table's
 * last entry checks its CRC-32 and its recorded mapped count (TCE_EFILE
 * naming file, table and what disagrees).
 */
int tce_checkpoint_read(struct tce_ckpt *c, size_t i, uint64_t first, uint64_t n,
			uint64_t *buf, struct tce_err *err);

/* Decodes table i into c->tables[i].x through tce_checkpoint_read. */
int tce_checkpoint_load(struct tce_ckpt *c, size_t i, struct tce_err *err);

void tce_checkpoint_close(struct tce_ckpt *c);

/* Fills in the time, hostname and kernel release of this host. */
void tce_snapshot_info_host(struct tce_snapshot_info *info);

/*
 * The VMM's guest name: QEMU's "-name NAME" or "-name guest=NAME,..."
 * ("" when none).  Raw bytes: the process chose them; escape for output.
 */
void tce_guest_name(pid_t pid, char *buf, size_t len);

#endif
