// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Attaching needs a second process only for permission: pidfd_getfd on
 * our own pid exercises the same path on memfd tables of known size.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "../../src/probe.h"
#include "../../src/table.h"
#include "unit.h"

static int memfd_of(size_t bytes)
{
	int fd = memfd_create("unit-table", MFD_CLOEXEC);

	CHECK(fd >= 0 && ftruncate(fd, (off_t)bytes) == 0);
	return fd;
}

TEST(probe_finds_the_end_without_a_signal)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	static const size_t sizes[] = { 1, 2, 3, 7, 8, 9, 1000, 32768 };

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		int fd = memfd_of(sizes[k] * page);
		void *base = mmap(NULL, 1 << 28, PROT_READ, MAP_SHARED, fd, 0);
		unsigned probes;

		CHECK(base != MAP_FAILED);
		CHECK_U64(probe_mappable_pages(base, (1 << 28) / page, page, &probes), sizes[k]);
		CHECK(probes <= 2 * 17);	/* O(log n), never a scan */
		munmap(base, 1 << 28);
		close(fd);
	}
}

TEST(probe_of_an_empty_file_is_zero)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int fd = memfd_of(0);
	void *base = mmap(NULL, 16 * page, PROT_READ, MAP_SHARED, fd, 0);

	CHECK_U64(probe_mappable_pages(base, 16, page, NULL), 0);
	munmap(base, 16 * page);
	close(fd);
}

TEST(attach_maps_and_sizes_a_table)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int fd = memfd_of(8 * page);
	struct tce_geometry geo;
	struct tce_table t;
	struct tce_err err = { 0 };
	uint64_t *mine = mmap(NULL, 8 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	mine[5] = 0x12345003;
	tce_geometry_default(&geo);
	CHECK(tce_table_attach(&t, getpid(), fd, &geo, 0, &err) == 0);
	CHECK_U64(t.entries, 8 * page / 8);
	CHECK_U64(t.tce[5], 0x12345003);
	CHECK(t.origin.pid == getpid() && t.origin.fd == fd);
	CHECK(strstr(t.origin.link, "memfd:unit-table") != NULL);
	tce_table_release(&t);
	CHECK(t.tce == NULL);

	geo.entries = 100;
	CHECK(tce_table_attach(&t, getpid(), fd, &geo, 0, &err) == 0 && t.entries == 100);
	tce_table_release(&t);
	geo.entries = 8 * page;
	CHECK(tce_table_attach(&t, getpid(), fd, &geo, 0, &err) < 0 && err.status == TCE_EUSAGE);
	munmap(mine, 8 * page);
	close(fd);
}

TEST(attach_errors)
{
	struct tce_geometry geo;
	struct tce_table t;
	struct tce_err err = { 0 };
	int pipefd[2], empty = memfd_of(0);

	tce_geometry_default(&geo);
	CHECK(tce_table_attach(&t, getpid(), 987, &geo, 0, &err) < 0);
	CHECK(err.status == TCE_ENOTARGET);
	CHECK(strstr(err.msg, "has no fd 987") != NULL);

	err = (struct tce_err){ 0 };
	CHECK(pipe(pipefd) == 0);
	CHECK(tce_table_attach(&t, getpid(), pipefd[0], &geo, 0, &err) < 0);
	CHECK(err.status == TCE_ENOTARGET && strstr(err.msg, "cannot be mapped") != NULL);

	err = (struct tce_err){ 0 };
	CHECK(tce_table_attach(&t, getpid(), empty, &geo, 0, &err) < 0);
	CHECK(err.status == TCE_ENOTARGET && strstr(err.msg, "maps no entries") != NULL);
	close(pipefd[0]);
	close(pipefd[1]);
	close(empty);
}

/*
 * A file behind an fd that shrinks while its mapping is read (a stand-in
 * for a table can): an error naming the entries lost, never a SIGBUS.
 */
TEST(reading_a_mapping_whose_file_shrank_is_an_error)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	uint64_t buf[1024], index[2] = { 0, 3 * page / 8 }, val[2];
	int fd = memfd_of(4 * page);
	uint64_t *map = mmap(NULL, 4 * page, PROT_READ, MAP_SHARED, fd, 0);
	struct tce_table t = { .geo = { .page_shift = 12 }, .origin = { .pid = getpid(), .fd = fd },
			       .entries = 4 * page / 8, .tce = map, .map_len = 4 * page };
	struct tce_err err = { 0 };

	CHECK(map != MAP_FAILED);
	CHECK(tce_table_read(&t, 0, 512, buf, &err) == buf);
	CHECK(ftruncate(fd, (off_t)page) == 0);
	CHECK(tce_table_read(&t, 0, page / 8, buf, &err) == buf);	/* what is left reads */
	CHECK(tce_table_read(&t, page / 8, page / 8, buf, &err) == NULL);
	CHECK(err.status == TCE_ENOTARGET);
	CHECK(strstr(err.msg, "shrank") != NULL);
	CHECK(tce_table_get(&t, index, val, 2, &err) == -1);
	munmap(map, 4 * page);
	close(fd);
}
