// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "byteorder.h"
#include "checkpoint.h"
#include "cleanup.h"
#include "parse.h"
#include "vmname.h"

/* The gABI's number for zstd sections; Debian 12's <elf.h> predates it. */
#ifndef ELFCOMPRESS_ZSTD
#define ELFCOMPRESS_ZSTD 2
#endif

/* More entries than any window a host can back (2^37: a 1 TiB table). */
#define MAX_ENTRIES (1ULL << 37)

/* --- note records: NUL-separated KEY=VALUE text --------------------------- */

struct record {
	char *text;
	size_t len, cap;
};

static int record_add(struct record *r, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int record_add(struct record *r, const char *key, const char *fmt, ...)
{
	char value[512];
	va_list ap;
	size_t need;

	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	/* A NUL would end the item early; none of our values has one. */
	need = strlen(key) + 1 + strlen(value) + 1;
	if (r->len + need > r->cap) {
		size_t cap = (r->cap + need) * 2;
		char *p = realloc(r->text, cap);

		if (!p)
			return -1;
		r->text = p;
		r->cap = cap;
	}
	r->len += (size_t)sprintf(r->text + r->len, "%s=%s", key, value) + 1;
	return 0;
}

/* The value of key in a record, or NULL. */
static const char *record_get(const char *desc, size_t len, const char *key)
{
	size_t klen = strlen(key);

	for (const char *p = desc; p < desc + len; p += strnlen(p, (size_t)(desc + len - p)) + 1) {
		size_t item = strnlen(p, (size_t)(desc + len - p));

		if (item > klen && !strncmp(p, key, klen) && p[klen] == '=' && p + item < desc + len)
			return p + klen + 1;
	}
	return NULL;
}

/* --- writing ------------------------------------------------------------- */

/* Output gathered before a write: large writes, whatever the callers feed. */
#define OUT_BUF (128u << 10)

/* Entries put in the file's byte order, or copied back, at a time. */
#define SCRATCH_ENTRIES 8192

#define MAX_SECTIONS (TCE_CKPT_MAX_TABLES + 3)

static uint32_t word_in(uint32_t v, bool big_endian)
{
	return big_endian == host_is_big_endian() ? v : __builtin_bswap32(v);
}

/* ELF structures between memory and the file's byte order, by libelf. */
static int xlate(void *buf, size_t len, Elf_Type type, bool big_endian, bool to_file)
{
	Elf_Data mem = { .d_buf = buf, .d_type = type, .d_size = len, .d_version = EV_CURRENT };
	Elf_Data file = mem;
	unsigned encoding = big_endian ? ELFDATA2MSB : ELFDATA2LSB;

	return (to_file ? elf64_xlatetof(&file, &mem, encoding) :
			  elf64_xlatetom(&mem, &file, encoding)) ? 0 : -1;
}

/* A note, its header in the file's byte order, appended to buf. */
static int note_add(unsigned char **buf, size_t *len, size_t *cap, uint32_t type,
		    const struct record *r, bool big_endian)
{
	size_t namesz = sizeof(TCE_CKPT_NOTE_NAME);
	size_t need = 12 + ((namesz + 3) & ~3UL) + ((r->len + 3) & ~3UL);
	uint32_t hdr[3] = { word_in((uint32_t)namesz, big_endian), word_in((uint32_t)r->len, big_endian),
			    word_in(type, big_endian) };
	unsigned char *p;

	if (*len + need > *cap) {
		size_t grown = (*cap + need) * 2;

		p = realloc(*buf, grown);
		if (!p)
			return -1;
		*buf = p;
		*cap = grown;
	}
	p = *buf + *len;
	memset(p, 0, need);
	memcpy(p, hdr, sizeof(hdr));
	memcpy(p + 12, TCE_CKPT_NOTE_NAME, namesz);
	memcpy(p + 12 + ((namesz + 3) & ~3UL), r->text, r->len);
	*len += need;
	return 0;
}

static int table_record(struct record *r, const struct tce_table *m, size_t i,
			const struct tce_ckpt_written *t)
{
	int rc = 0;

	rc |= record_add(r, "section", ".tce.%zu", i);
	if (m->geo.has_liobn)
		rc |= record_add(r, "liobn", "0x%" PRIx64, m->geo.liobn);
	rc |= record_add(r, "geometry", "%s", tce_geo_source_name(m->geo.source));
	rc |= record_add(r, "page_shift", "%u", m->geo.page_shift);
	rc |= record_add(r, "bus_offset", "0x%" PRIx64, m->geo.bus_offset);
	rc |= record_add(r, "entries", "%" PRIu64, m->entries);
	rc |= record_add(r, "mapped", "%" PRIu64, t->mapped);
	rc |= record_add(r, "crc32", "0x%08" PRIx32, t->crc);
	rc |= record_add(r, "pid", "%d", (int)m->origin.pid);
	rc |= record_add(r, "fd", "%d", m->origin.fd);
	rc |= record_add(r, "comm", "%s", m->origin.comm);
	rc |= record_add(r, "fd_link", "%s", m->origin.link);
	/* A table named by its mapping has no fd to name it by. */
	if (m->origin.fd < 0 && m->origin.addr)
		rc |= record_add(r, "mapping", "0x%" PRIx64, m->origin.addr);
	if (m->origin.emulated)
		rc |= record_add(r, "emulated", "yes");
	return rc;
}

/* One line naming the file, the reason, and what to do about it. */
static int write_failed(struct tce_ckpt_writer *w, int errnum, struct tce_err *err)
{
	const char *hint = errnum == ENOSPC || errnum == EDQUOT ?
				   "; free some space, or write it to another file system" :
			   errnum == EFBIG ?
				   "; the file size limit (ulimit -f) or the file system's is too small for it" :
				   "";

	return tce_fail(err, TCE_EIO, "cannot write checkpoint '%s': %s%s", w->path,
			strerror(errnum), hint);
}

static int pwrite_all(struct tce_ckpt_writer *w, const void *buf, size_t len, uint64_t at,
		      struct tce_err *err)
{
	while (len) {
		ssize_t n = pwrite(w->fd, buf, len, (off_t)at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return write_failed(w, n < 0 ? errno : ENOSPC, err);
		buf = (const char *)buf + n;
		len -= (size_t)n;
		at += (uint64_t)n;
	}
	return 0;
}

static int flush(struct tce_ckpt_writer *w, struct tce_err *err)
{
	if (w->len && pwrite_all(w, w->buf, w->len, w->end - w->len, err))
		return -1;
	w->len = 0;
	return 0;
}

static int put(struct tce_ckpt_writer *w, const void *data, size_t len, struct tce_err *err)
{
	if (len > OUT_BUF - w->len && flush(w, err))
		return -1;
	if (len >= OUT_BUF) {
		if (pwrite_all(w, data, len, w->end, err))
			return -1;
	} else {
		memcpy(w->buf + w->len, data, len);
		w->len += len;
	}
	w->end += len;
	return 0;
}

static int put_sink(void *ctx, const void *buf, size_t len, struct tce_err *err)
{
	return put(ctx, buf, len, err);
}

static int pad(struct tce_ckpt_writer *w, unsigned align, struct tce_err *err)
{
	static const unsigned char zeros[8];

	return put(w, zeros, (align - w->end % align) % align, err);
}

int tce_ckpt_writer_open(struct tce_ckpt_writer *w, const char *path, bool big_endian,
			 unsigned flags, struct tce_err *err)
{
	static const unsigned char ehdr_room[sizeof(Elf64_Ehdr)];
	char dir_buf[PATH_MAX], tmp[PATH_MAX], *dir;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	struct sigaction ignore = { .sa_handler = SIG_IGN };

	*w = (struct tce_ckpt_writer){ .fd = -1, .big_endian = big_endian, .flags = flags };
	tce_decoder_init(&w->dec);
	if (tce_checkpoint_path_ok(path, "checkpoint", err))
		return -1;
	if (strlen(path) + 16 >= sizeof(tmp))
		return tce_fail(err, TCE_EUSAGE, "the path '%s' is too long", path);
	snprintf(dir_buf, sizeof(dir_buf), "%s", path);
	dir = dirname(dir_buf);
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, base);
	elf_version(EV_CURRENT);
	/* A file size limit must fail a write with EFBIG, not kill us midway. */
	w->xfsz_saved = !sigaction(SIGXFSZ, &ignore, &w->old_xfsz);
	w->fd = cleanup_mkstemp(tmp);
	if (w->fd < 0) {
		int errnum = errno;

		tce_ckpt_writer_abort(w);
		return tce_fail(err, errnum == EACCES || errnum == EPERM ? TCE_EPERM : TCE_EIO,
				"cannot create a file in '%s': %s; choose a writable directory",
				dir, strerror(errnum));
	}
	/* mkstemp's 0600 stays: the file is a guest's DMA map, whatever the umask. */
	w->path = strdup(path);
	w->tmp = strdup(tmp);
	w->buf = malloc(OUT_BUF);
	w->scratch = malloc(SCRATCH_ENTRIES * sizeof(*w->scratch));
	if (!w->path || !w->tmp || !w->buf || !w->scratch) {
		tce_ckpt_writer_abort(w);
		return tce_fail(err, TCE_EIO, "out of memory writing a checkpoint");
	}
	if (((flags & TCE_CKPT_COMPRESS) && tce_encoder_init(&w->enc, put_sink, w, err)) ||
	    put(w, ehdr_room, sizeof(ehdr_room), err)) {
		tce_ckpt_writer_abort(w);
		return -1;
	}
	return 0;
}

int tce_ckpt_writer_begin(struct tce_ckpt_writer *w, const struct tce_table *meta,
			  struct tce_err *err)
{
	if (w->cur.open)
		return tce_fail(err, TCE_EIO, "checkpoint '%s': a table begun before the last one ended",
				w->path);
	if (w->done.count >= TCE_CKPT_MAX_TABLES)
		return tce_fail(err, TCE_EUSAGE,
				"a checkpoint holds at most %d tables; save them in several files",
				TCE_CKPT_MAX_TABLES);
	if (!meta->entries || meta->entries > MAX_ENTRIES)
		return tce_fail(err, TCE_EUSAGE, "a table of %" PRIu64 " entries cannot be saved",
				meta->entries);
	if (pad(w, 8, err))
		return -1;
	w->cur.open = true;
	w->cur.meta = *meta;
	w->cur.meta.tce = NULL;
	w->cur.meta.map_len = 0;
	w->cur.start = w->end;
	w->cur.fed = 0;
	w->cur.compress = w->flags & TCE_CKPT_COMPRESS;
	tce_sums_init(&w->cur.sums);
	if (w->cur.compress) {
		Elf64_Chdr ch = { ELFCOMPRESS_ZSTD, 0, meta->entries * 8, 8 };

		if (xlate(&ch, sizeof(ch), ELF_T_CHDR, w->big_endian, true))
			return tce_fail(err, TCE_EIO, "cannot write a compression header: %s",
					elf_errmsg(-1));
		if (put(w, &ch, sizeof(ch), err) ||
		    tce_encoder_begin(&w->enc, meta->entries * 8, err))
			return -1;
	}
	return 0;
}

/* entries in the file's order: summed, then compressed or copied. */
static int feed_file_order(struct tce_ckpt_writer *w, const uint64_t *e, size_t n,
			   struct tce_err *err)
{
	tce_sums_feed(&w->cur.sums, e, n);
	if (w->cur.compress)
		return tce_encoder_feed(&w->enc, e, n * 8, err);
	return put(w, e, n * 8, err);
}

int tce_ckpt_writer_feed(struct tce_ckpt_writer *w, const uint64_t *entries, uint64_t n,
			 struct tce_err *err)
{
	if (!w->cur.open)
		return tce_fail(err, TCE_EIO, "checkpoint '%s': entries fed with no table begun", w->path);
	if (n > w->cur.meta.entries - w->cur.fed)
		return tce_fail(err, TCE_EIO, "checkpoint '%s': more entries than the %" PRIu64
				" of table %zu", w->path, w->cur.meta.entries, w->done.count);
	w->cur.fed += n;
	if (w->big_endian == host_is_big_endian())
		return feed_file_order(w, entries, n, err);
	while (n) {
		size_t k = n < SCRATCH_ENTRIES ? (size_t)n : SCRATCH_ENTRIES;

		for (size_t i = 0; i < k; i++)
			w->scratch[i] = __builtin_bswap64(entries[i]);
		if (feed_file_order(w, w->scratch, k, err))
			return -1;
		entries += k;
		n -= k;
	}
	return 0;
}

/*
 * The frame turned out no smaller than the table (random entries): store
 * the table raw instead.  Its entries are gone, so the frame is decoded
 * from the file past its end, copied back over it, and the file cut there.
 */
static int store_raw(struct tce_ckpt_writer *w, struct tce_err *err)
{
	uint64_t start = w->cur.start, bytes = w->cur.meta.entries * 8, past = w->end;
	size_t chunk = SCRATCH_ENTRIES * sizeof(*w->scratch);
	struct tce_err why = { 0 };

	if (flush(w, err))
		return -1;
	w->dec.in_valid = 0;	/* what it read of the file before is rewritten */
	if (tce_decoder_start(&w->dec, TCE_CODEC_ZSTD, w->fd, start + sizeof(Elf64_Chdr),
			      past - start - sizeof(Elf64_Chdr), &why))
		goto reread;
	for (uint64_t k = 0; k < bytes; k += chunk) {
		size_t len = bytes - k < chunk ? (size_t)(bytes - k) : chunk;

		if (tce_decoder_read(&w->dec, w->scratch, len, &why))
			goto reread;
		if (pwrite_all(w, w->scratch, len, past + k, err))
			return -1;
	}
	if (tce_decoder_finish(&w->dec, &why))
		goto reread;
	for (uint64_t k = 0; k < bytes; k += chunk) {
		size_t len = bytes - k < chunk ? (size_t)(bytes - k) : chunk;

		if (pread(w->fd, w->scratch, len, (off_t)(past + k)) != (ssize_t)len)
			return write_failed(w, errno ? errno : EIO, err);
		if (pwrite_all(w, w->scratch, len, start + k, err))
			return -1;
	}
	if (ftruncate(w->fd, (off_t)(start + bytes)))
		return write_failed(w, errno, err);
	w->end = start + bytes;
	w->cur.compress = false;
	return 0;
reread:
	return tce_fail(err, TCE_EIO, "checkpoint '%s': cannot read back table %zu: %s", w->path,
			w->done.count, why.msg);
}

int tce_ckpt_writer_end(struct tce_ckpt_writer *w, struct tce_err *err)
{
	struct record r = { 0 };
	size_t n = w->done.count;
	int rc;

	if (!w->cur.open)
		return tce_fail(err, TCE_EIO, "checkpoint '%s': no table to end", w->path);
	if (w->cur.fed != w->cur.meta.entries)
		return tce_fail(err, TCE_EIO, "checkpoint '%s': table %zu got %" PRIu64 " of its %" PRIu64
				" entries", w->path, n, w->cur.fed, w->cur.meta.entries);
	if (w->cur.compress &&
	    (tce_encoder_end(&w->enc, err) ||
	     (w->end - w->cur.start >= w->cur.meta.entries * 8 && store_raw(w, err))))
		return -1;
	if (n == w->done.cap) {
		size_t cap = w->done.cap ? 2 * w->done.cap : 16;
		void *grown = realloc(w->done.sections, cap * sizeof(*w->done.sections));

		if (!grown)
			return tce_fail(err, TCE_EIO, "out of memory writing a checkpoint");
		w->done.sections = grown;
		w->done.cap = cap;
	}
	w->last = (struct tce_ckpt_written){
		.crc = tce_sums_crc(&w->cur.sums), .mapped = w->cur.sums.mapped,
		.codec = w->cur.compress ? TCE_CODEC_ZSTD : TCE_CODEC_NONE,
		.stored_bytes = w->end - w->cur.start,
	};
	rc = table_record(&r, &w->cur.meta, n, &w->last);
	if (!rc)
		rc = note_add(&w->done.notes, &w->done.notes_len, &w->done.notes_cap, NT_TCECTL_TABLE,
			      &r, w->big_endian);
	free(r.text);
	if (rc)
		return tce_fail(err, TCE_EIO, "out of memory writing a checkpoint");
	w->done.sections[n].offset = w->cur.start;
	w->done.sections[n].size = w->last.stored_bytes;
	w->done.sections[n].compressed = w->cur.compress;
	w->done.count++;
	w->cur.open = false;
	return 0;
}

void tce_ckpt_writer_rewind(struct tce_ckpt_writer *w)
{
	uint64_t buffered_from = w->end - w->len;

	if (!w->cur.open)
		return;
	/* What was written past the start is overwritten, and cut at commit. */
	w->len = w->cur.start > buffered_from ? (size_t)(w->cur.start - buffered_from) : 0;
	w->end = w->cur.start;
	if (w->cur.compress)
		tce_encoder_reset(&w->enc);
	w->cur.open = false;
}

static int build_notes(struct tce_ckpt_writer *w, const struct tce_snapshot_info *info,
			  unsigned char **buf, size_t *len, size_t *cap)
{
	struct record r = { 0 };
	int rc = 0;

	rc |= record_add(&r, "magic", "%s", TCE_CKPT_MAGIC);
	rc |= record_add(&r, "version", "%d", TCE_CKPT_VERSION);
	rc |= note_add(buf, len, cap, NT_TCECTL_FORMAT, &r, w->big_endian);
	r.len = 0;
	rc |= record_add(&r, "time", "%" PRId64, info->time);
	rc |= record_add(&r, "hostname", "%s", info->hostname);
	rc |= record_add(&r, "kernel", "%s", info->kernel);
	rc |= record_add(&r, "pid", "%d", info->pid);
	rc |= record_add(&r, "comm", "%s", info->comm);
	rc |= record_add(&r, "guest", "%s", info->guest);
	rc |= record_add(&r, "consistent", "%s", info->consistent ? "yes" : "no");
	rc |= record_add(&r, "passes", "%u", info->passes);
	rc |= record_add(&r, "tables", "%zu", w->done.count);
	rc |= note_add(buf, len, cap, NT_TCECTL_SNAPSHOT, &r, w->big_endian);
	free(r.text);
	return rc ? -1 : 0;
}

static int put_shdr(struct tce_ckpt_writer *w, Elf64_Shdr *sh, struct tce_err *err)
{
	if (xlate(sh, sizeof(*sh), ELF_T_SHDR, w->big_endian, true))
		return tce_fail(err, TCE_EIO, "cannot write a section header: %s", elf_errmsg(-1));
	return put(w, sh, sizeof(*sh), err);
}

/*
 * After the sections: the note, .shstrtab, the section headers, and the
 * ELF header over the room left for it.  Section indexes as libelf laid
 * out version 1: 1 the note, 2 + N table N, the names last.  Past
 * SHN_LORESERVE sections the counts go to section 0 (ELF extended
 * numbering), which libelf and readelf read.
 */
static int write_headers(struct tce_ckpt_writer *w, const struct tce_snapshot_info *info,
			 struct tce_err *err)
{
	size_t count = w->done.count, shnum = count + 3, shstrndx = count + 2;
	unsigned char *notes = NULL;
	size_t notes_len = 0, notes_cap = 0;
	uint64_t note_off, note_size, names_off, names_size, shoff;
	char name[32];
	Elf64_Ehdr eh = { 0 };
	Elf64_Shdr sh;
	int rc = -1;

	if (build_notes(w, info, &notes, &notes_len, &notes_cap)) {
		free(notes);
		return tce_fail(err, TCE_EIO, "out of memory writing a checkpoint");
	}
	if (pad(w, 8, err))
		goto out;
	note_off = w->end;
	if (put(w, notes, notes_len, err) || put(w, w->done.notes, w->done.notes_len, err))
		goto out;
	note_size = w->end - note_off;
	/* .shstrtab: "", ".shstrtab", ".note.tcectl", ".tce.N"... */
	names_off = w->end;
	if (put(w, "\0.shstrtab\0.note.tcectl", 24, err))
		goto out;
	for (size_t i = 0; i < count; i++)
		if (put(w, name, (size_t)snprintf(name, sizeof(name), ".tce.%zu", i) + 1, err))
			goto out;
	names_size = w->end - names_off;
	if (pad(w, 8, err))
		goto out;
	shoff = w->end;
	sh = (Elf64_Shdr){ 0 };
	if (shnum >= SHN_LORESERVE)
		sh.sh_size = shnum;
	if (shstrndx >= SHN_LORESERVE)
		sh.sh_link = (Elf64_Word)shstrndx;
	if (put_shdr(w, &sh, err))
		goto out;
	sh = (Elf64_Shdr){ .sh_name = 11, .sh_type = SHT_NOTE, .sh_offset = note_off,
			   .sh_size = note_size, .sh_addralign = 4 };
	if (put_shdr(w, &sh, err))
		goto out;
	for (size_t i = 0, at = 24; i < count; i++) {
		sh = (Elf64_Shdr){ .sh_name = (Elf64_Word)at, .sh_type = SHT_PROGBITS,
				   .sh_flags = w->done.sections[i].compressed ? SHF_COMPRESSED : 0,
				   .sh_offset = w->done.sections[i].offset,
				   .sh_size = w->done.sections[i].size, .sh_addralign = 8 };
		at += (size_t)snprintf(name, sizeof(name), ".tce.%zu", i) + 1;
		if (put_shdr(w, &sh, err))
			goto out;
	}
	sh = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_STRTAB, .sh_offset = names_off,
			   .sh_size = names_size, .sh_addralign = 1 };
	if (put_shdr(w, &sh, err) || flush(w, err))
		goto out;
	/* A table dropped by a rewind may have left bytes past the end. */
	if (ftruncate(w->fd, (off_t)w->end)) {
		rc = write_failed(w, errno, err);
		goto out;
	}
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = w->big_endian ? ELFDATA2MSB : ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_NONE;
	eh.e_machine = EM_PPC64;
	eh.e_version = EV_CURRENT;
	eh.e_shoff = shoff;
	eh.e_ehsize = sizeof(Elf64_Ehdr);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = shnum >= SHN_LORESERVE ? 0 : (Elf64_Half)shnum;
	eh.e_shstrndx = shstrndx >= SHN_LORESERVE ? SHN_XINDEX : (Elf64_Half)shstrndx;
	if (xlate(&eh, sizeof(eh), ELF_T_EHDR, w->big_endian, true)) {
		rc = tce_fail(err, TCE_EIO, "cannot write the ELF header: %s", elf_errmsg(-1));
		goto out;
	}
	rc = pwrite_all(w, &eh, sizeof(eh), 0, err);
out:
	free(notes);
	return rc;
}

int tce_ckpt_writer_commit(struct tce_ckpt_writer *w, const struct tce_snapshot_info *info,
			   struct tce_err *err)
{
	int rc;

	if (w->cur.open)
		rc = tce_fail(err, TCE_EIO, "checkpoint '%s': table %zu was begun and not ended",
			      w->path, w->done.count);
	else
		rc = write_headers(w, info, err);
	if (!rc && (w->flags & TCE_CKPT_DURABLE) && fsync(w->fd))
		rc = write_failed(w, errno, err);
	if (!rc && close(w->fd))
		rc = write_failed(w, errno, err);
	if (!rc)
		w->fd = -1;
	if (!rc && rename(w->tmp, w->path))
		rc = tce_fail(err, TCE_EIO, "cannot rename the checkpoint to '%s': %s", w->path,
			      strerror(errno));
	if (!rc) {
		cleanup_tmpfile(NULL);
		free(w->tmp);
		w->tmp = NULL;
	}
	if (!rc && (w->flags & TCE_CKPT_DURABLE)) {
		char dir_buf[PATH_MAX];
		int dirfd;

		/* The rename is durable once the directory is synced too. */
		snprintf(dir_buf, sizeof(dir_buf), "%s", w->path);
		dirfd = open(dirname(dir_buf), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd >= 0) {
			fsync(dirfd);
			close(dirfd);
		}
	}
	tce_ckpt_writer_abort(w);
	return rc;
}

void tce_ckpt_writer_abort(struct tce_ckpt_writer *w)
{
	if (w->fd >= 0)
		close(w->fd);
	if (w->tmp) {
		unlink(w->tmp);
		cleanup_tmpfile(NULL);
	}
	if (w->xfsz_saved)
		sigaction(SIGXFSZ, &w->old_xfsz, NULL);
	tce_encoder_free(&w->enc);
	tce_decoder_free(&w->dec);
	free(w->path);
	free(w->tmp);
	free(w->buf);
	free(w->scratch);
	free(w->done.notes);
	free(w->done.sections);
	*w = (struct tce_ckpt_writer){ .fd = -1 };
	tce_decoder_init(&w->dec);
}

int tce_checkpoint_path_ok(const char *path, const char *what, struct tce_err *err)
{
	struct stat st;

	if (!*path)
		return tce_fail(err, TCE_EUSAGE, "an empty %s name; give a file name", what);
	if (lstat(path, &st))
		return 0;	/* a new name; its directory is checked when it is created */
	if (S_ISREG(st.st_mode))
		return 0;
	return tce_fail(err, TCE_EUSAGE,
			"%s '%s' is %s, not a regular file; tcectl replaces only regular files: give another name",
			what, path,
			S_ISDIR(st.st_mode) ? "a directory" : S_ISLNK(st.st_mode) ? "a symbolic link" :
			S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISSOCK(st.st_mode) ? "a socket" : "a device");
}

int tce_ckpt_writer_feed_extents(struct tce_ckpt_writer *w, const struct tce_extents *x,
				 uint64_t *block, struct tce_err *err)
{
	static const uint64_t zeros[TCE_READ_BLOCK];
	size_t cursor = 0, next = 0;	/* next: the first extent not wholly behind i */

	for (uint64_t i = x->first, n; i < x->end; i += n) {
		while (next < x->count && x->ext[next].index + x->ext[next].count <= i)
			next++;
		if (next == x->count || x->ext[next].index > i) {
			uint64_t stop = next < x->count && x->ext[next].index < x->end ?
						x->ext[next].index : x->end;

			n = stop - i < TCE_READ_BLOCK ? stop - i : TCE_READ_BLOCK;
			if (tce_ckpt_writer_feed(w, zeros, n, err))
				return -1;
			continue;
		}
		uint64_t stop = x->ext[next].index + x->ext[next].count;

		for (size_t k = next + 1; k < x->count && x->ext[k].index - stop < SCRATCH_ENTRIES &&
					  x->ext[k].index + x->ext[k].count - i <= TCE_READ_BLOCK; k++)
			stop = x->ext[k].index + x->ext[k].count;
		if (stop > x->end)
			stop = x->end;
		n = stop - i < TCE_READ_BLOCK ? stop - i : TCE_READ_BLOCK;
		tce_extents_expand(x, i, n, block, &cursor);
		if (tce_ckpt_writer_feed(w, block, n, err))
			return -1;
	}
	return 0;
}

int tce_checkpoint_write(const char *path, const struct tce_snapshot_info *info,
			 struct tce_ckpt_table *tables, size_t count, bool big_endian,
			 unsigned flags, struct tce_err *err)
{
	struct tce_ckpt_writer w;
	uint64_t most = 1, *block;

	/* A block no larger than the largest table: small tables, small memory. */
	for (size_t i = 0; i < count; i++)
		if (tables[i].meta.entries > most)
			most = tables[i].meta.entries;
	block = malloc((most < TCE_READ_BLOCK ? most : TCE_READ_BLOCK) * sizeof(*block));
	if (!block)
		return tce_fail(err, TCE_EIO, "out of memory writing a checkpoint");
	if (tce_ckpt_writer_open(&w, path, big_endian, flags, err)) {
		free(block);
		return -1;
	}
	for (size_t i = 0; i < count; i++) {
		struct tce_ckpt_table *t = &tables[i];
		struct tce_extents whole = t->x;	/* over the whole table, whatever x was scanned over */

		whole.first = 0;
		whole.end = t->meta.entries;
		if (tce_ckpt_writer_begin(&w, &t->meta, err) ||
		    tce_ckpt_writer_feed_extents(&w, &whole, block, err) ||
		    tce_ckpt_writer_end(&w, err)) {
			tce_ckpt_writer_abort(&w);
			free(block);
			return -1;
		}
		t->crc = w.last.crc;
		t->codec = w.last.codec;
		t->compressed = w.last.codec != TCE_CODEC_NONE;
		t->stored_bytes = w.last.stored_bytes;
	}
	free(block);
	return tce_ckpt_writer_commit(&w, info, err);
}

/* --- reading ------------------------------------------------------------- */

#define NOT_OURS "; it is not a tcectl checkpoint, or it is damaged"

/* .shstrtab holds ".tce.N" names: 12 bytes each at most, with room to spare. */
#define MAX_NAMES (2u << 20)

static int corrupt(struct tce_err *err, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int corrupt(struct tce_err *err, const char *path, const char *fmt, ...)
{
	char what[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return tce_fail(err, TCE_EFILE, "checkpoint '%s': %s", path, what);
}

static void copy_value(char *dst, size_t len, const char *desc, size_t dlen, const char *key)
{
	const char *v = record_get(desc, dlen, key);

	snprintf(dst, len, "%s", v ? v : "");
}

static int number(const char *desc, size_t dlen, const char *key, uint64_t *out)
{
	const char *v = record_get(desc, dlen, key);

	return v ? parse_u64(v, out) : -1;
}

/*
 * Small pieces of the file (notes, compression headers) read through a
 * window of fixed size: few reads, and a record is at most
 * TCE_CKPT_MAX_RECORD bytes, whatever the section's size.
 */
struct window {
	unsigned char buf[64 << 10];
	uint64_t base;		/* file offset of buf[0] */
	size_t len;
};

/* Section names, sorted once: a table's section is found in O(log n). */
struct named {
	const char *name;
	size_t index;
};

struct names {
	struct named *by_name;
	size_t count;
	struct window notes, headers;	/* for the notes, for the Elf64_Chdrs */
	uint64_t file_size;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

static size_t section_named(const struct names *n, const char *name)
{
	struct named key = { name, 0 };
	const struct named *hit = n->by_name ?
		bsearch(&key, n->by_name, n->count, sizeof(key), by_name) : NULL;

	return hit ? hit->index : 0;
}

static int read_format(struct tce_ckpt *c, const char *desc, size_t dlen, struct tce_err *err)
{
	const char *magic = record_get(desc, dlen, "magic");
	uint64_t version;

	if (!magic || strcmp(magic, TCE_CKPT_MAGIC))
		return corrupt(err, c->path, "no format record" NOT_OURS);
	if (number(desc, dlen, "version", &version))
		return corrupt(err, c->path, "the format record has no version" NOT_OURS);
	if (version < 1 || version > TCE_CKPT_VERSION)
		return corrupt(err, c->path,
			       "format version %" PRIu64 " is not one this tcectl reads (1 to %d); use a tcectl that knows it",
			       version, TCE_CKPT_VERSION);
	c->version = (unsigned)version;
	return 0;
}

static void read_snapshot(struct tce_ckpt *c, const char *desc, size_t dlen)
{
	struct tce_snapshot_info *info = &c->info;
	uint64_t v;

	if (!number(desc, dlen, "time", &v))
		info->time = (int64_t)v;
	if (!number(desc, dlen, "pid", &v) && v <= INT_MAX)
		info->pid = (int)v;
	if (!number(desc, dlen, "passes", &v) && v <= UINT_MAX)
		info->passes = (unsigned)v;
	copy_value(info->hostname, sizeof(info->hostname), desc, dlen, "hostname");
	copy_value(info->kernel, sizeof(info->kernel), desc, dlen, "kernel");
	copy_value(info->comm, sizeof(info->comm), desc, dlen, "comm");
	copy_value(info->guest, sizeof(info->guest), desc, dlen, "guest");
	info->consistent = record_get(desc, dlen, "consistent") &&
			   !strcmp(record_get(desc, dlen, "consistent"), "yes");
}

/* Reads len bytes at offset, all of them, or says the file is cut short. */
static int read_exact(struct tce_ckpt *c, void *buf, size_t len, uint64_t offset, const char *what,
		      struct tce_err *err)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(c->fd, (char *)buf + done, len - done, (off_t)(offset + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return tce_fail(err, TCE_EIO, "cannot read checkpoint '%s': %s", c->path,
					strerror(errno));
		if (n == 0)
			return corrupt(err, c->path,
				       "truncated: %s ends at byte %" PRIu64 ", the file at byte %" PRIu64
				       "; was it written completely?", what, offset + len, offset + done);
		done += (size_t)n;
	}
	return 0;
}

static const unsigned char *window_bytes(struct tce_ckpt *c, struct window *w, uint64_t at,
					 size_t len, uint64_t end, const char *what,
					 struct tce_err *err)
{
	if (at < w->base || at + len > w->base + w->len) {
		size_t want = end - at < sizeof(w->buf) ? (size_t)(end - at) : sizeof(w->buf);

		w->len = 0;
		if (want < len) {
			corrupt(err, c->path, "%s runs past its end" NOT_OURS, what);
			return NULL;
		}
		if (read_exact(c, w->buf, want, at, what, err))
			return NULL;
		w->base = at;
		w->len = want;
	}
	return w->buf + (at - w->base);
}

/* The data of a table's section: raw entries, or an Elf64_Chdr and a stream. */
static int check_section(struct tce_ckpt *c, struct names *names, struct tce_ckpt_table *t,
			 Elf_Scn *scn, size_t n, struct tce_err *err)
{
	const unsigned char *p;
	GElf_Shdr sh;
	Elf64_Chdr ch;

	if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS)
		return corrupt(err, c->path, "table %zu: its section is not PROGBITS" NOT_OURS, n);
	t->section = elf_ndxscn(scn);
	t->compressed = sh.sh_flags & SHF_COMPRESSED;
	t->stored_bytes = sh.sh_size;
	t->data_offset = sh.sh_offset;
	t->data_bytes = sh.sh_size;
	t->codec = TCE_CODEC_NONE;
	if (!t->compressed) {
		if (sh.sh_size != t->meta.entries * 8)
			return corrupt(err, c->path,
				       "table %zu: its section has %" PRIu64 " bytes, the record says %" PRIu64 " entries",
				       n, (uint64_t)sh.sh_size, t->meta.entries);
		return 0;
	}
	/* The header by hand: libelf's gelf_getchdr would read the whole section. */
	if (sh.sh_size < sizeof(ch))
		return corrupt(err, c->path, "table %zu: truncated compression header", n);
	p = window_bytes(c, &names->headers, sh.sh_offset, sizeof(ch), names->file_size,
			 "a compression header", err);
	if (!p)
		return -1;
	memcpy(&ch, p, sizeof(ch));
	if (xlate(&ch, sizeof(ch), ELF_T_CHDR, c->big_endian, false))
		return corrupt(err, c->path, "table %zu: bad compression header (%s)", n, elf_errmsg(-1));
	if (ch.ch_type == ELFCOMPRESS_ZSTD)
		t->codec = TCE_CODEC_ZSTD;
	else if (ch.ch_type == ELFCOMPRESS_ZLIB)
		t->codec = TCE_CODEC_ZLIB;
	else
		return corrupt(err, c->path, "table %zu: compression type %u is neither zstd (2) nor zlib (1)",
			       n, (unsigned)ch.ch_type);
	if (ch.ch_size != t->meta.entries * 8)
		return corrupt(err, c->path,
			       "table %zu: the compression header says %" PRIu64 " bytes, the record %" PRIu64 " entries",
			       n, (uint64_t)ch.ch_size, t->meta.entries);
	t->data_offset += sizeof(ch);
	t->data_bytes -= sizeof(ch);
	/* Decoding costs time in proportion to output: no more than the bytes can give. */
	if (tce_codec_max_output(t->codec, t->data_bytes) < ch.ch_size)
		return corrupt(err, c->path,
			       "table %zu: %" PRIu64 " bytes of %s data cannot hold %" PRIu64 " entries; the file is damaged",
			       n, t->data_bytes, tce_codec_name(t->codec), t->meta.entries);
	return 0;
}

static int read_table(struct tce_ckpt *c, struct names *names, size_t *cap,
		      const char *desc, size_t dlen, struct tce_err *err)
{
	size_t n = c->count;
	struct tce_ckpt_table *t;
	struct tce_err geo_err = { 0 };
	uint64_t v, crc;
	const char *section = record_get(desc, dlen, "section");
	size_t scn;

	if (n >= TCE_CKPT_MAX_TABLES)
		return corrupt(err, c->path, "more than %d tables" NOT_OURS, TCE_CKPT_MAX_TABLES);
	if (n == *cap) {
		size_t grown = *cap ? 2 * *cap : 16;
		struct tce_ckpt_table *tables = realloc(c->tables, grown * sizeof(*tables));

		if (!tables)
			return tce_fail(err, TCE_EIO, "out of memory");
		c->tables = tables;
		*cap = grown;
	}
	t = &c->tables[n];
	*t = (struct tce_ckpt_table){ 0 };
	tce_geometry_default(&t->meta.geo);
	if (number(desc, dlen, "page_shift", &v) || v < TCE_PAGE_SHIFT_MIN || v > TCE_PAGE_SHIFT_MAX)
		return corrupt(err, c->path, "table %zu: no valid page_shift" NOT_OURS, n);
	t->meta.geo.page_shift = (unsigned)v;
	if (number(desc, dlen, "bus_offset", &t->meta.geo.bus_offset))
		return corrupt(err, c->path, "table %zu: no valid bus_offset" NOT_OURS, n);
	if (number(desc, dlen, "entries", &v) || v == 0 || v > MAX_ENTRIES)
		return corrupt(err, c->path, "table %zu: no valid entry count" NOT_OURS, n);
	t->meta.entries = t->meta.geo.entries = v;
	if (tce_geometry_check(&t->meta.geo, v, &geo_err)) {
		if (t->meta.geo.bus_offset & (tce_page_size(&t->meta.geo) - 1))
			return corrupt(err, c->path,
				       "table %zu: bus offset 0x%" PRIx64 " is not aligned to the %" PRIu64
				       "-byte IOMMU page; the file is damaged",
				       n, t->meta.geo.bus_offset, tce_page_size(&t->meta.geo));
		return corrupt(err, c->path,
			       "table %zu: its window runs past the 64-bit bus space; the file is damaged", n);
	}
	if (record_get(desc, dlen, "liobn")) {
		if (number(desc, dlen, "liobn", &v) || v > UINT32_MAX)
			return corrupt(err, c->path, "table %zu: the liobn is not a 32-bit number", n);
		t->meta.geo.liobn = v;
		t->meta.geo.has_liobn = true;
	}
	if (number(desc, dlen, "crc32", &crc) || crc > UINT32_MAX)
		return corrupt(err, c->path, "table %zu: no checksum" NOT_OURS, n);
	t->crc = (uint32_t)crc;
	if (!number(desc, dlen, "pid", &v) && v <= INT_MAX)
		t->meta.origin.pid = (pid_t)v;
	if (record_get(desc, dlen, "mapped")) {
		if (number(desc, dlen, "mapped", &t->mapped) || t->mapped > t->meta.entries)
			return corrupt(err, c->path, "table %zu: no valid mapped count" NOT_OURS, n);
		t->has_mapped = true;
	} else if (c->version >= 2) {
		return corrupt(err, c->path, "table %zu: no mapped count" NOT_OURS, n);
	}
	t->meta.origin.fd = -1;
	if (!number(desc, dlen, "fd", &v) && v <= INT_MAX)
		t->meta.origin.fd = (int)v;
	copy_value(t->meta.origin.comm, sizeof(t->meta.origin.comm), desc, dlen, "comm");
	copy_value(t->meta.origin.link, sizeof(t->meta.origin.link), desc, dlen, "fd_link");
	t->meta.origin.via = TCE_VIA_FILE;
	if (!number(desc, dlen, "mapping", &v))
		t->meta.origin.addr = v;
	t->meta.origin.emulated = record_get(desc, dlen, "emulated") != NULL;
	{
		char source[16] = "";
		int s;

		copy_value(source, sizeof(source), desc, dlen, "geometry");
		s = tce_geo_source_parse(source);
		t->meta.geo.source = s < 0 ? TCE_GEO_GIVEN : (enum tce_geo_source)s;
	}
	if (!section || !(scn = section_named(names, section)))
		return corrupt(err, c->path, "table %zu: its section '%s' is missing", n,
			       section ? section : "");
	if (check_section(c, names, t, elf_getscn(c->elf, scn), n, err))
		return -1;
	c->count++;
	return 0;
}

static int read_notes(struct tce_ckpt *c, struct names *names, struct tce_err *err)
{
	size_t scn = section_named(names, ".note.tcectl"), cap = 0;
	bool format = false, snapshot = false;
	uint64_t tables_said = 0, off, end;
	struct window *w = &names->notes;
	GElf_Shdr sh;
	int rc = 0;

	if (!scn || !gelf_getshdr(elf_getscn(c->elf, scn), &sh))
		return corrupt(err, c->path, "no .note.tcectl section" NOT_OURS);
	if (sh.sh_size > TCE_CKPT_MAX_NOTE)
		return corrupt(err, c->path, "its note section has %" PRIu64 " bytes, more than the %u of any checkpoint" NOT_OURS,
			       (uint64_t)sh.sh_size, TCE_CKPT_MAX_NOTE);
	end = sh.sh_offset + sh.sh_size;
	for (off = sh.sh_offset; !rc && end - off >= 12; ) {
		const unsigned char *p = window_bytes(c, w, off, 12, end, "the note section", err);
		uint32_t hdr[3], namesz, descsz;
		uint64_t name_al, desc_al;
		const char *desc;

		if (!p) {
			rc = -1;
			break;
		}
		memcpy(hdr, p, sizeof(hdr));
		namesz = word_in(hdr[0], c->big_endian);
		descsz = word_in(hdr[1], c->big_endian);
		name_al = ((uint64_t)namesz + 3) & ~3ULL;
		desc_al = ((uint64_t)descsz + 3) & ~3ULL;
		/* A note running past the section ends the notes, as gelf_getnote has it. */
		if (name_al + desc_al > end - off - 12)
			break;
		if (namesz != sizeof(TCE_CKPT_NOTE_NAME) ||
		    !(p = window_bytes(c, w, off + 12, namesz, end, "the note section", err)) ||
		    memcmp(p, TCE_CKPT_NOTE_NAME, namesz)) {
			if (namesz == sizeof(TCE_CKPT_NOTE_NAME) && !p) {
				rc = -1;
				break;
			}
			off += 12 + name_al + desc_al;	/* someone else's note */
			continue;
		}
		if (descsz > TCE_CKPT_MAX_RECORD) {
			rc = corrupt(err, c->path, "a record of %" PRIu32 " bytes, more than the %d a record has" NOT_OURS,
				     descsz, TCE_CKPT_MAX_RECORD);
			break;
		}
		if (!(desc = (const char *)window_bytes(c, w, off + 12 + name_al, descsz, end,
							"the note section", err))) {
			rc = -1;
			break;
		}
		off += 12 + name_al + desc_al;
		if (!format && word_in(hdr[2], c->big_endian) != NT_TCECTL_FORMAT) {
			rc = corrupt(err, c->path, "the format record does not come first" NOT_OURS);
			break;
		}
		switch (word_in(hdr[2], c->big_endian)) {
		case NT_TCECTL_FORMAT:
			if (format)
				rc = corrupt(err, c->path, "two format records" NOT_OURS);
			else
				rc = read_format(c, desc, descsz, err);
			format = true;
			break;
		case NT_TCECTL_SNAPSHOT:
			read_snapshot(c, desc, descsz);
			if (number(desc, descsz, "tables", &tables_said))
				rc = corrupt(err, c->path, "the snapshot record has no table count" NOT_OURS);
			snapshot = true;
			break;
		case NT_TCECTL_TABLE:
			rc = read_table(c, names, &cap, desc, descsz, err);
			break;
		}
	}
	if (rc)
		return -1;
	if (!format)
		return corrupt(err, c->path, "no format record" NOT_OURS);
	if (!snapshot)
		return corrupt(err, c->path, "no snapshot record" NOT_OURS);
	if (tables_said != c->count)
		return corrupt(err, c->path, "%" PRIu64 " tables announced, %zu found; the file is damaged",
			       tables_said, c->count);
	return 0;
}

/*
 * Before libelf sees the file: its section count and headers lie within
 * bounds.  libelf allocates per section the file claims, extended
 * numbering included, so a count is checked before it is believed.
 */
static int check_headers(struct tce_ckpt *c, uint64_t size, struct tce_err *err)
{
	Elf64_Ehdr eh;
	uint64_t shnum, end;

	if (read_exact(c, &eh, sizeof(eh), 0, "the ELF header", err) ||
	    xlate(&eh, sizeof(eh), ELF_T_EHDR, c->big_endian, false))
		return corrupt(err, c->path, "truncated or unreadable ELF header");
	if (!eh.e_shoff)
		return corrupt(err, c->path, "no section headers" NOT_OURS);
	if (eh.e_shentsize != sizeof(Elf64_Shdr))
		return corrupt(err, c->path, "section headers of %u bytes" NOT_OURS, eh.e_shentsize);
	shnum = eh.e_shnum;
	if (!shnum && eh.e_shoff <= size - sizeof(Elf64_Shdr) && size >= sizeof(Elf64_Shdr)) {
		Elf64_Shdr first;

		if (read_exact(c, &first, sizeof(first), eh.e_shoff, "section 0", err) ||
		    xlate(&first, sizeof(first), ELF_T_SHDR, c->big_endian, false))
			return -1;
		shnum = first.sh_size;
	}
	if (shnum > MAX_SECTIONS)
		return corrupt(err, c->path, "%" PRIu64 " sections, more than a checkpoint has (%d)" NOT_OURS,
			       shnum, MAX_SECTIONS);
	end = eh.e_shoff + shnum * sizeof(Elf64_Shdr);
	if (eh.e_shoff > size || end > size || end < eh.e_shoff)
		return corrupt(err, c->path,
			       "truncated: its section headers end at byte %" PRIu64 ", the file at %" PRIu64,
			       end, size);
	return 0;
}

/* Every section's bytes lie inside the file; the names are of a sane size. */
static int check_sections(struct tce_ckpt *c, uint64_t size, size_t shstrndx, struct tce_err *err)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(c->elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > size || sh.sh_size > size - sh.sh_offset))
			return corrupt(err, c->path,
				       "truncated: section %zu ends at byte %" PRIu64 ", the file at %" PRIu64,
				       elf_ndxscn(scn), (uint64_t)(sh.sh_offset + sh.sh_size), size);
	if (!gelf_getshdr(elf_getscn(c->elf, shstrndx), &sh) || sh.sh_size > MAX_NAMES)
		return corrupt(err, c->path, "its section names take more than %u bytes" NOT_OURS,
			       MAX_NAMES);
	return 0;
}

static int index_names(struct tce_ckpt *c, size_t shstrndx, struct names *n, struct tce_err *err)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t count;

	if (elf_getshdrnum(c->elf, &count))
		return corrupt(err, c->path, "no section count (%s)" NOT_OURS, elf_errmsg(-1));
	n->by_name = calloc(count ? count : 1, sizeof(*n->by_name));
	if (!n->by_name)
		return tce_fail(err, TCE_EIO, "out of memory");
	n->count = 0;
	while ((scn = elf_nextscn(c->elf, scn))) {
		const char *name = gelf_getshdr(scn, &sh) ? elf_strptr(c->elf, shstrndx, sh.sh_name) : NULL;

		if (name && n->count < count)
			n->by_name[n->count++] = (struct named){ name, elf_ndxscn(scn) };
	}
	qsort(n->by_name, n->count, sizeof(*n->by_name), by_name);
	return 0;
}

int tce_checkpoint_open(struct tce_ckpt *c, const char *path, struct tce_err *err)
{
	unsigned char ident[EI_NIDENT];
	struct names *names = NULL;
	struct stat st;
	GElf_Ehdr eh;
	size_t shstrndx;
	ssize_t got;
	int rc;
	Elf *elf;

	*c = (struct tce_ckpt){ .path = path, .fd = -1 };
	elf_version(EV_CURRENT);
	/* O_NONBLOCK: a FIFO given by mistake must not hang us. */
	c->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (c->fd < 0)
		return tce_fail(err, errno == ENOENT ? TCE_ENOTARGET :
				     errno == EACCES ? TCE_EPERM : TCE_EFILE,
				"cannot open checkpoint '%s': %s", path, strerror(errno));
	if (fstat(c->fd, &st))
		return tce_fail(err, TCE_EIO, "cannot read checkpoint '%s': %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return corrupt(err, path, "it is a directory, not a checkpoint file");
	if (!S_ISREG(st.st_mode))
		return corrupt(err, path, "it is not a regular file, so not a checkpoint file");
	got = pread(c->fd, ident, EI_NIDENT, 0);
	if (got < SELFMAG || memcmp(ident, ELFMAG, SELFMAG))
		return corrupt(err, path, "not an ELF file" NOT_OURS);
	if ((uint64_t)st.st_size < sizeof(Elf64_Ehdr) && (got < EI_NIDENT || ident[EI_CLASS] == ELFCLASS64))
		return corrupt(err, path, "truncated: %lld bytes, shorter than an ELF header",
			       (long long)st.st_size);
	if (ident[EI_CLASS] == ELFCLASS64 &&
	    (ident[EI_DATA] == ELFDATA2LSB || ident[EI_DATA] == ELFDATA2MSB)) {
		c->big_endian = ident[EI_DATA] == ELFDATA2MSB;
		if (check_headers(c, (uint64_t)st.st_size, err))
			return -1;
	}
	/* ELF_C_READ: libelf reads with pread what it is asked for; nothing is mapped. */
	elf = elf_begin(c->fd, ELF_C_READ, NULL);
	c->elf = elf;
	if (!elf || elf_kind(elf) != ELF_K_ELF)
		return corrupt(err, path, "not an ELF file" NOT_OURS);
	if (gelf_getclass(elf) != ELFCLASS64 || !gelf_getehdr(elf, &eh))
		return corrupt(err, path, "not a 64-bit ELF file" NOT_OURS);
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB && eh.e_ident[EI_DATA] != ELFDATA2MSB)
		return corrupt(err, path, "unknown byte order" NOT_OURS);
	if (elf_getshdrstrndx(elf, &shstrndx))
		return corrupt(err, path, "no section names (%s)" NOT_OURS, elf_errmsg(-1));
	if (check_sections(c, (uint64_t)st.st_size, shstrndx, err))
		return -1;
	names = calloc(1, sizeof(*names));
	if (!names)
		return tce_fail(err, TCE_EIO, "out of memory");
	names->file_size = (uint64_t)st.st_size;
	rc = index_names(c, shstrndx, names, err) || read_notes(c, names, err) ? -1 : 0;
	free(names->by_name);
	free(names);
	return rc;
}

/* The decoder of tce_checkpoint_read: one table at a time, in index order. */
struct tce_ckpt_stream {
	struct tce_decoder dec;
	size_t table;		/* being decoded; SIZE_MAX: none */
	uint64_t pos;		/* entries decoded */
	struct tce_sums sums;
	uint64_t skipped[SCRATCH_ENTRIES];	/* entries read past to reach a later one */
};

static int stream_fail(struct tce_ckpt *c, size_t i, struct tce_err *why, struct tce_err *err)
{
	c->stream->table = SIZE_MAX;
	if (why->status == TCE_EIO)
		return tce_fail(err, TCE_EIO, "checkpoint '%s': table %zu: %s", c->path, i, why->msg);
	return corrupt(err, c->path, "table %zu: %.300s", i, why->msg);
}

static int stream_decode(struct tce_ckpt *c, size_t i, uint64_t *out, uint64_t n,
			 struct tce_err *err)
{
	struct tce_ckpt_stream *s = c->stream;
	struct tce_err why = { 0 };

	if (tce_decoder_read(&s->dec, out, n * 8, &why))
		return stream_fail(c, i, &why, err);
	tce_sums_feed(&s->sums, out, n);
	s->pos += n;
	return 0;
}

/* The last entry is read: the stream ends here, and the records agree. */
static int stream_check(struct tce_ckpt *c, size_t i, struct tce_err *err)
{
	struct tce_ckpt_stream *s = c->stream;
	const struct tce_ckpt_table *t = &c->tables[i];
	struct tce_err why = { 0 };
	uint32_t crc;

	if (tce_decoder_finish(&s->dec, &why))
		return stream_fail(c, i, &why, err);
	s->table = SIZE_MAX;
	crc = tce_sums_crc(&s->sums);
	if (crc != t->crc)
		return corrupt(err, c->path,
			       "table %zu: the entries' checksum is 0x%08" PRIx32 ", the record says 0x%08" PRIx32 "; the file is damaged",
			       i, crc, t->crc);
	if (t->has_mapped && s->sums.mapped != t->mapped)
		return corrupt(err, c->path,
			       "table %zu: the record says %" PRIu64 " mapped entries, the data has %" PRIu64 "; the file was altered",
			       i, t->mapped, s->sums.mapped);
	return 0;
}

int tce_checkpoint_read(struct tce_ckpt *c, size_t i, uint64_t first, uint64_t n, uint64_t *buf,
			struct tce_err *err)
{
	struct tce_ckpt_stream *s = c->stream;
	const struct tce_ckpt_table *t;
	struct tce_err why = { 0 };

	if (i >= c->count || n > TCE_READ_BLOCK || first > c->tables[i].meta.entries ||
	    n > c->tables[i].meta.entries - first)
		return tce_fail(err, TCE_EUSAGE, "checkpoint '%s' has no entries %" PRIu64 "+%" PRIu64
				" in table %zu", c->path, first, n, i);
	t = &c->tables[i];
	if (!s) {
		s = c->stream = malloc(sizeof(*s));
		if (!s)
			return tce_fail(err, TCE_EIO, "out of memory");
		tce_decoder_init(&s->dec);
		s->table = SIZE_MAX;
	}
	if (s->table != i || first < s->pos) {
		s->table = i;
		s->pos = 0;
		tce_sums_init(&s->sums);
		if (tce_decoder_start(&s->dec, t->codec, c->fd, t->data_offset, t->data_bytes, &why))
			return stream_fail(c, i, &why, err);
	}
	while (s->pos < first) {
		uint64_t k = first - s->pos < SCRATCH_ENTRIES ? first - s->pos : SCRATCH_ENTRIES;

		if (stream_decode(c, i, s->skipped, k, err))
			return -1;
	}
	if (stream_decode(c, i, buf, n, err))
		return -1;
	if (c->big_endian != host_is_big_endian())
		for (uint64_t k = 0; k < n; k++)
			buf[k] = __builtin_bswap64(buf[k]);
	if (s->pos == t->meta.entries && stream_check(c, i, err))
		return -1;
	return 0;
}

int tce_checkpoint_load(struct tce_ckpt *c, size_t i, struct tce_err *err)
{
	struct tce_ckpt_table *t = &c->tables[i];
	uint64_t step = t->meta.entries < TCE_READ_BLOCK ? t->meta.entries : TCE_READ_BLOCK;
	uint64_t *block = malloc(step * sizeof(*block));

	if (!block)
		return tce_fail(err, TCE_EIO, "out of memory");
	tce_extents_free(&t->x);
	tce_extents_begin(&t->x, 0, t->meta.entries, t->meta.geo.page_shift);
	for (uint64_t k = 0; k < t->meta.entries; k += step) {
		uint64_t n = t->meta.entries - k < step ? t->meta.entries - k : step;

		if (tce_checkpoint_read(c, i, k, n, block, err) ||
		    tce_extents_feed(&t->x, block, k, n, err)) {
			tce_extents_free(&t->x);
			free(block);
			return -1;
		}
	}
	free(block);
	tce_extents_finish(&t->x);
	return 0;
}

void tce_checkpoint_close(struct tce_ckpt *c)
{
	for (size_t i = 0; i < c->count; i++)
		tce_extents_free(&c->tables[i].x);
	free(c->tables);
	if (c->stream) {
		tce_decoder_free(&c->stream->dec);
		free(c->stream);
	}
	if (c->elf)
		elf_end(c->elf);
	if (c->fd >= 0)
		close(c->fd);
	*c = (struct tce_ckpt){ .fd = -1 };
}

void tce_snapshot_info_host(struct tce_snapshot_info *info)
{
	struct utsname u;

	info->time = (int64_t)time(NULL);
	if (gethostname(info->hostname, sizeof(info->hostname) - 1))
		info->hostname[0] = '\0';
	if (!uname(&u))
		snprintf(info->kernel, sizeof(info->kernel), "%s", u.release);
}

/* QEMU's option syntax (",," a comma, a later guest= wins) is vmname.c's. */
void tce_guest_name(pid_t pid, char *buf, size_t len)
{
	tce_vm_name_of_pid(pid, buf, len);
}
