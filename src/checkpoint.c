// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
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
#include "zcodec.h"

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

struct notes {
	unsigned char *buf;
	size_t len, cap;
};

/* A note in memory order; libelf converts the header to the file's order. */
static int note_add(struct notes *n, uint32_t type, const struct record *r)
{
	size_t namesz = sizeof(TCE_CKPT_NOTE_NAME);
	size_t need = sizeof(GElf_Nhdr) + ((namesz + 3) & ~3UL) + ((r->len + 3) & ~3UL);
	GElf_Nhdr hdr = { (GElf_Word)namesz, (GElf_Word)r->len, type };
	unsigned char *p;

	if (n->len + need > n->cap) {
		size_t cap = (n->cap + need) * 2;

		p = realloc(n->buf, cap);
		if (!p)
			return -1;
		n->buf = p;
		n->cap = cap;
	}
	p = n->buf + n->len;
	memset(p, 0, need);
	memcpy(p, &hdr, sizeof(hdr));
	memcpy(p + sizeof(hdr), TCE_CKPT_NOTE_NAME, namesz);
	memcpy(p + sizeof(hdr) + ((namesz + 3) & ~3UL), r->text, r->len);
	n->len += need;
	return 0;
}

static int table_record(struct record *r, const struct tce_ckpt_table *t, size_t i)
{
	const struct tce_table *m = &t->meta;
	int rc = 0;

	rc |= record_add(r, "section", ".tce.%zu", i);
	if (m->geo.has_liobn)
		rc |= record_add(r, "liobn", "0x%" PRIx64, m->geo.liobn);
	rc |= record_add(r, "geometry", "%s", tce_geo_source_name(m->geo.source));
	rc |= record_add(r, "page_shift", "%u", m->geo.page_shift);
	rc |= record_add(r, "bus_offset", "0x%" PRIx64, m->geo.bus_offset);
	rc |= record_add(r, "entries", "%" PRIu64, m->entries);
	rc |= record_add(r, "mapped", "%" PRIu64, t->x.counts.mapped);
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

static int build_notes(struct notes *n, const struct tce_snapshot_info *info,
		       const struct tce_ckpt_table *tables, size_t count)
{
	struct record r = { 0 };
	int rc = 0;

	rc |= record_add(&r, "magic", "%s", TCE_CKPT_MAGIC);
	rc |= record_add(&r, "version", "%d", TCE_CKPT_VERSION);
	rc |= note_add(n, NT_TCECTL_FORMAT, &r);
	r.len = 0;
	rc |= record_add(&r, "time", "%" PRId64, info->time);
	rc |= record_add(&r, "hostname", "%s", info->hostname);
	rc |= record_add(&r, "kernel", "%s", info->kernel);
	rc |= record_add(&r, "pid", "%d", info->pid);
	rc |= record_add(&r, "comm", "%s", info->comm);
	rc |= record_add(&r, "guest", "%s", info->guest);
	rc |= record_add(&r, "consistent", "%s", info->consistent ? "yes" : "no");
	rc |= record_add(&r, "passes", "%u", info->passes);
	rc |= record_add(&r, "tables", "%zu", count);
	rc |= note_add(n, NT_TCECTL_SNAPSHOT, &r);
	for (size_t i = 0; i < count && !rc; i++) {
		r.len = 0;
		rc |= table_record(&r, &tables[i], i);
		rc |= note_add(n, NT_TCECTL_TABLE, &r);
	}
	free(r.text);
	return rc ? -1 : 0;
}

/* Section contents: Elf64_Chdr (file order) and zlib stream, or raw entries. */
static int encode_table(struct tce_ckpt_table *t, bool big_endian, bool compress,
			struct zbytes *out, struct tce_err *err)
{
	Elf64_Chdr chdr = { ELFCOMPRESS_ZLIB, 0, t->meta.entries * 8, 8 };
	uint32_t crc;

	/* Header first, filled in for the file's byte order. */
	out->len = 0;
	if (!out->cap || out->cap < sizeof(chdr)) {
		out->data = realloc(out->data, 65536);
		if (!out->data)
			return tce_fail(err, TCE_EIO, "out of memory");
		out->cap = 65536;
	}
	if (big_endian != host_is_big_endian()) {
		chdr.ch_type = __builtin_bswap32(chdr.ch_type);
		chdr.ch_size = __builtin_bswap64(chdr.ch_size);
		chdr.ch_addralign = __builtin_bswap64(chdr.ch_addralign);
	}
	memcpy(out->data, &chdr, sizeof(chdr));
	out->len = sizeof(chdr);
	if (compress && tce_zlib_encode(&t->x, big_endian, out, &crc, err))
		return -1;
	t->compressed = compress && out->len < t->meta.entries * 8;
	if (!t->compressed) {
		out->len = 0;
		if (tce_raw_encode(&t->x, big_endian, out, &crc, err))
			return -1;
	}
	t->crc = crc;
	t->stored_bytes = out->len;
	return 0;
}

static Elf_Scn *new_section(Elf *elf, size_t name, GElf_Word type, GElf_Xword flags,
			    void *buf, size_t len, Elf_Type dtype, GElf_Xword align)
{
	Elf_Scn *scn = elf_newscn(elf);
	Elf_Data *d;
	GElf_Shdr sh;

	if (!scn || !(d = elf_newdata(scn)) || !gelf_getshdr(scn, &sh))
		return NULL;
	d->d_buf = buf;
	d->d_size = len;
	d->d_type = dtype;
	d->d_align = align;
	d->d_version = EV_CURRENT;
	sh.sh_name = (GElf_Word)name;
	sh.sh_type = type;
	sh.sh_flags = flags;
	sh.sh_addralign = align;
	return gelf_update_shdr(scn, &sh) ? scn : NULL;
}

static int write_elf(int fd, const struct tce_snapshot_info *info, struct tce_ckpt_table *tables,
		     size_t count, bool big_endian, bool compress, struct tce_err *err)
{
	struct zbytes *data = calloc(count ? count : 1, sizeof(*data));
	struct notes notes = { 0 };
	struct record names = { 0 };	/* .shstrtab: NUL-separated names */
	size_t *name_at = calloc(count + 3, sizeof(*name_at));
	Elf *elf = NULL;
	GElf_Ehdr eh;
	int rc = -1;

	if (!data || !name_at)
		goto fail_mem;
	for (size_t i = 0; i < count; i++)
		if (encode_table(&tables[i], big_endian, compress, &data[i], err))
			goto out;
	if (build_notes(&notes, info, tables, count))
		goto fail_mem;

	/* .shstrtab by hand: "", .shstrtab, .note.tcectl, .tce.N... */
	names.text = calloc(1, 64 + 32 * count);
	if (!names.text)
		goto fail_mem;
	names.len = 1;
	name_at[0] = names.len;
	names.len += (size_t)sprintf(names.text + names.len, ".shstrtab") + 1;
	name_at[1] = names.len;
	names.len += (size_t)sprintf(names.text + names.len, ".note.tcectl") + 1;
	for (size_t i = 0; i < count; i++) {
		name_at[2 + i] = names.len;
		names.len += (size_t)sprintf(names.text + names.len, ".tce.%zu", i) + 1;
	}

	elf = elf_begin(fd, ELF_C_WRITE, NULL);
	if (!elf || !gelf_newehdr(elf, ELFCLASS64) || !gelf_getehdr(elf, &eh))
		goto fail_elf;
	eh.e_ident[EI_DATA] = big_endian ? ELFDATA2MSB : ELFDATA2LSB;
	eh.e_type = ET_NONE;
	eh.e_machine = EM_PPC64;
	eh.e_version = EV_CURRENT;
	if (!gelf_update_ehdr(elf, &eh))
		goto fail_elf;
	if (!new_section(elf, name_at[1], SHT_NOTE, 0, notes.buf, notes.len, ELF_T_NHDR, 4))
		goto fail_elf;
	for (size_t i = 0; i < count; i++)
		if (!new_section(elf, name_at[2 + i], SHT_PROGBITS,
				 tables[i].compressed ? SHF_COMPRESSED : 0, data[i].data, data[i].len,
				 ELF_T_BYTE, 8))
			goto fail_elf;
	/* e_shstrndx is set once the section exists (STYLE: elfcompress). */
	Elf_Scn *strtab = new_section(elf, name_at[0], SHT_STRTAB, 0, names.text, names.len,
				      ELF_T_BYTE, 1);
	if (!strtab || !gelf_getehdr(elf, &eh))
		goto fail_elf;
	eh.e_shstrndx = (GElf_Half)elf_ndxscn(strtab);
	if (!gelf_update_ehdr(elf, &eh) || elf_update(elf, ELF_C_NULL) < 0 ||
	    elf_update(elf, ELF_C_WRITE) < 0)
		goto fail_elf;
	rc = 0;
	goto out;
fail_elf:
	rc = tce_fail(err, TCE_EIO, "cannot write the checkpoint: %s", elf_errmsg(-1));
	goto out;
fail_mem:
	rc = tce_fail(err, TCE_EIO, "out of memory writing the checkpoint");
out:
	if (elf)
		elf_end(elf);
	for (size_t i = 0; data && i < count; i++)
		zbytes_free(&data[i]);
	free(data);
	free(notes.buf);
	free(names.text);
	free(name_at);
	return rc;
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

int tce_checkpoint_write(const char *path, const struct tce_snapshot_info *info,
			 struct tce_ckpt_table *tables, size_t count, bool big_endian,
			 unsigned flags, struct tce_err *err)
{
	char dir_buf[PATH_MAX], tmp[PATH_MAX], *dir;
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int fd, dirfd, rc;

	if (tce_checkpoint_path_ok(path, "checkpoint", err))
		return -1;
	if (strlen(path) + 16 >= sizeof(tmp))
		return tce_fail(err, TCE_EUSAGE, "the path '%s' is too long", path);
	snprintf(dir_buf, sizeof(dir_buf), "%s", path);
	dir = dirname(dir_buf);
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, base);
	fd = cleanup_mkstemp(tmp);
	if (fd < 0)
		return tce_fail(err, errno == EACCES || errno == EPERM ? TCE_EPERM : TCE_EIO,
				"cannot create a file in '%s': %s; choose a writable directory",
				dir, strerror(errno));
	/* mkstemp's 0600 stays: the file is a guest's DMA map, whatever the umask. */
	elf_version(EV_CURRENT);
	rc = write_elf(fd, info, tables, count, big_endian, flags & TCE_CKPT_COMPRESS, err);
	if (!rc && (flags & TCE_CKPT_DURABLE) && fsync(fd))
		rc = tce_fail(err, TCE_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	if (close(fd) && !rc)
		rc = tce_fail(err, TCE_EIO, "cannot write '%s': %s", tmp, strerror(errno));
	if (!rc && rename(tmp, path))
		rc = tce_fail(err, TCE_EIO, "cannot rename the checkpoint to '%s': %s", path,
			      strerror(errno));
	if (rc) {
		unlink(tmp);
	} else if (flags & TCE_CKPT_DURABLE) {
		/* The rename is durable once the directory is synced too. */
		dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dirfd >= 0) {
			fsync(dirfd);
			close(dirfd);
		}
	}
	cleanup_tmpfile(NULL);
	return rc;
}

/* --- reading ------------------------------------------------------------- */

#define NOT_OURS "; it is not a tcectl checkpoint, or it is damaged"

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

static Elf_Scn *section_named(Elf *elf, size_t shstrndx, const char *name)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, &sh)) {
			const char *n = elf_strptr(elf, shstrndx, sh.sh_name);

			if (n && !strcmp(n, name))
				return scn;
		}
	return NULL;
}

static int read_format(struct tce_ckpt *c, const char *desc, size_t dlen, struct tce_err *err)
{
	const char *magic = record_get(desc, dlen, "magic");
	uint64_t version;

	if (!magic || strcmp(magic, TCE_CKPT_MAGIC))
		return corrupt(err, c->path, "no format record" NOT_OURS);
	if (number(desc, dlen, "version", &version))
		return corrupt(err, c->path, "the format record has no version" NOT_OURS);
	if (version != TCE_CKPT_VERSION)
		return corrupt(err, c->path,
			       "format version %" PRIu64 " is not the version %d this tcectl reads; use a tcectl that knows it",
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

/* The data of a table's section: raw entries, or Elf64_Chdr + zlib stream. */
static int check_section(struct tce_ckpt *c, struct tce_ckpt_table *t, Elf_Scn *scn, size_t n,
			 struct tce_err *err)
{
	GElf_Shdr sh;

	if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS)
		return corrupt(err, c->path, "table %zu: its section is not PROGBITS" NOT_OURS, n);
	t->section = elf_ndxscn(scn);
	t->compressed = sh.sh_flags & SHF_COMPRESSED;
	t->stored_bytes = sh.sh_size;
	if (t->compressed) {
		GElf_Chdr ch;

		if (!gelf_getchdr(scn, &ch))
			return corrupt(err, c->path, "table %zu: bad compression header (%s)", n,
				       elf_errmsg(-1));
		if (ch.ch_type != ELFCOMPRESS_ZLIB)
			return corrupt(err, c->path, "table %zu: compression type %u is not zlib", n,
				       (unsigned)ch.ch_type);
		if (ch.ch_size != t->meta.entries * 8)
			return corrupt(err, c->path,
				       "table %zu: the compression header says %" PRIu64 " bytes, the record %" PRIu64 " entries",
				       n, (uint64_t)ch.ch_size, t->meta.entries);
	} else if (sh.sh_size != t->meta.entries * 8) {
		return corrupt(err, c->path,
			       "table %zu: its section has %" PRIu64 " bytes, the record says %" PRIu64 " entries",
			       n, (uint64_t)sh.sh_size, t->meta.entries);
	}
	return 0;
}

static int read_table(struct tce_ckpt *c, size_t shstrndx, const char *desc, size_t dlen,
		      struct tce_err *err)
{
	size_t n = c->count;
	struct tce_ckpt_table *tables = realloc(c->tables, (n + 1) * sizeof(*tables));
	struct tce_ckpt_table *t;
	struct tce_err geo_err = { 0 };
	uint64_t v, crc;
	const char *section = record_get(desc, dlen, "section");
	Elf_Scn *scn;

	if (!tables)
		return tce_fail(err, TCE_EIO, "out of memory");
	c->tables = tables;
	t = &tables[n];
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
	if (!number(desc, dlen, "mapped", &v))
		t->mapped = v;
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
	if (!section || !(scn = section_named(c->elf, shstrndx, section)))
		return corrupt(err, c->path, "table %zu: its section '%s' is missing", n,
			       section ? section : "");
	if (check_section(c, t, scn, n, err))
		return -1;
	c->count++;
	return 0;
}

static int read_notes(struct tce_ckpt *c, size_t shstrndx, struct tce_err *err)
{
	Elf_Scn *scn = section_named(c->elf, shstrndx, ".note.tcectl");
	bool format = false, snapshot = false;
	uint64_t tables_said;
	Elf_Data *d;
	GElf_Nhdr nh;
	size_t off = 0, name_off, desc_off;

	if (!scn || !(d = elf_getdata(scn, NULL)))
		return corrupt(err, c->path, "no .note.tcectl section" NOT_OURS);
	while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		const char *name = (const char *)d->d_buf + name_off;
		const char *desc = (const char *)d->d_buf + desc_off;
		int rc = 0;

		if (nh.n_namesz != sizeof(TCE_CKPT_NOTE_NAME) ||
		    memcmp(name, TCE_CKPT_NOTE_NAME, sizeof(TCE_CKPT_NOTE_NAME)))
			continue;
		if (!format && nh.n_type != NT_TCECTL_FORMAT)
			return corrupt(err, c->path, "the format record does not come first" NOT_OURS);
		switch (nh.n_type) {
		case NT_TCECTL_FORMAT:
			if (format)
				return corrupt(err, c->path, "two format records" NOT_OURS);
			rc = read_format(c, desc, nh.n_descsz, err);
			format = true;
			break;
		case NT_TCECTL_SNAPSHOT:
			read_snapshot(c, desc, nh.n_descsz);
			if (number(desc, nh.n_descsz, "tables", &tables_said))
				return corrupt(err, c->path, "the snapshot record has no table count" NOT_OURS);
			snapshot = true;
			break;
		case NT_TCECTL_TABLE:
			rc = read_table(c, shstrndx, desc, nh.n_descsz, err);
			break;
		}
		if (rc)
			return -1;
	}
	if (!format)
		return corrupt(err, c->path, "no format record" NOT_OURS);
	if (!snapshot)
		return corrupt(err, c->path, "no snapshot record" NOT_OURS);
	if (tables_said != c->count)
		return corrupt(err, c->path, "%" PRIu64 " tables announced, %zu found; the file is damaged",
			       tables_said, c->count);
	return 0;
}

/* Every section header and every section's bytes lie inside the file. */
static int check_whole(struct tce_ckpt *c, const GElf_Ehdr *eh, uint64_t size, struct tce_err *err)
{
	uint64_t end = eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	if (eh->e_shoff > size || end > size)
		return corrupt(err, c->path,
			       "truncated: its section headers end at byte %" PRIu64 ", the file at %" PRIu64,
			       end, size);
	while ((scn = elf_nextscn(c->elf, scn)))
		if (gelf_getshdr(scn, &sh) && sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > size || sh.sh_size > size - sh.sh_offset))
			return corrupt(err, c->path,
				       "truncated: section %zu ends at byte %" PRIu64 ", the file at %" PRIu64,
				       elf_ndxscn(scn), (uint64_t)(sh.sh_offset + sh.sh_size), size);
	return 0;
}

int tce_checkpoint_open(struct tce_ckpt *c, const char *path, struct tce_err *err)
{
	unsigned char ident[SELFMAG];
	struct stat st;
	GElf_Ehdr eh;
	size_t shstrndx;
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
	if (pread(c->fd, ident, SELFMAG, 0) == SELFMAG && !memcmp(ident, ELFMAG, SELFMAG) &&
	    (uint64_t)st.st_size < sizeof(Elf64_Ehdr))
		return corrupt(err, path, "truncated: %lld bytes, shorter than an ELF header",
			       (long long)st.st_size);
	elf = elf_begin(c->fd, ELF_C_READ_MMAP, NULL);
	c->elf = elf;
	if (!elf || elf_kind(elf) != ELF_K_ELF)
		return corrupt(err, path, "not an ELF file" NOT_OURS);
	if (gelf_getclass(elf) != ELFCLASS64 || !gelf_getehdr(elf, &eh))
		return corrupt(err, path, "not a 64-bit ELF file" NOT_OURS);
	if (check_whole(c, &eh, (uint64_t)st.st_size, err))
		return -1;
	if (eh.e_ident[EI_DATA] != ELFDATA2LSB && eh.e_ident[EI_DATA] != ELFDATA2MSB)
		return corrupt(err, path, "unknown byte order" NOT_OURS);
	c->big_endian = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	if (elf_getshdrstrndx(elf, &shstrndx))
		return corrupt(err, path, "no section names (%s)" NOT_OURS, elf_errmsg(-1));
	return read_notes(c, shstrndx, err);
}

int tce_checkpoint_load(struct tce_ckpt *c, size_t i, struct tce_err *err)
{
	struct tce_ckpt_table *t = &c->tables[i];
	Elf_Scn *scn = elf_getscn(c->elf, t->section);
	Elf_Data *d = scn ? elf_rawdata(scn, NULL) : NULL;
	const unsigned char *data;
	size_t len;
	uint32_t crc;

	if (!d || (!d->d_buf && d->d_size))
		return corrupt(err, c->path, "table %zu: cannot read its section (%s)", i,
			       elf_errmsg(-1));
	data = d->d_buf;
	len = d->d_size;
	if (t->compressed) {
		if (len < sizeof(Elf64_Chdr))
			return corrupt(err, c->path, "table %zu: truncated compression header", i);
		data += sizeof(Elf64_Chdr);
		len -= sizeof(Elf64_Chdr);
	}
	tce_extents_free(&t->x);
	tce_extents_begin(&t->x, 0, t->meta.entries, t->meta.geo.page_shift);
	if (tce_decode(data, len, t->compressed, t->meta.entries, c->big_endian, &t->x, &crc, err)) {
		char why[sizeof(err->msg)];

		tce_extents_free(&t->x);
		snprintf(why, sizeof(why), "%s", err->msg);
		err->status = TCE_OK;
		return corrupt(err, c->path, "table %zu: %.300s", i, why);
	}
	tce_extents_finish(&t->x);
	if (crc != t->crc) {
		tce_extents_free(&t->x);
		return corrupt(err, c->path,
			       "table %zu: the entries' checksum is 0x%08" PRIx32 ", the record says 0x%08" PRIx32 "; the file is damaged",
			       i, crc, t->crc);
	}
	return 0;
}

void tce_checkpoint_close(struct tce_ckpt *c)
{
	for (size_t i = 0; i < c->count; i++)
		tce_extents_free(&c->tables[i].x);
	free(c->tables);
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

void tce_guest_name(pid_t pid, char *buf, size_t len)
{
	char path[64], args[8192];
	ssize_t n;
	int fd;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, args, sizeof(args) - 1);
	close(fd);
	if (n <= 0)
		return;
	args[n] = '\0';
	for (char *a = args; a < args + n; a += strlen(a) + 1) {
		char *value = a + strlen(a) + 1, *g;

		if (strcmp(a, "-name") || value >= args + n)
			continue;
		/* "-name NAME" or "-name guest=NAME,debug-threads=on" */
		g = strstr(value, "guest=");
		g = g ? g + 6 : strchr(value, '=') ? NULL : value;
		if (g)
			snprintf(buf, len, "%.*s", (int)strcspn(g, ","), g);
		return;
	}
}
