// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../src/outfile.h"
#include "unit.h"

static char *scratch_dir(void)
{
	char tmpl[] = "/tmp/tcectl-outfile.XXXXXX";
	char *dir = mkdtemp(tmpl);

	return dir ? strdup(dir) : NULL;
}

/* Names in dir, sorted, space separated. */
static void names(const char *dir, char *buf, size_t len)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, alphasort);

	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(list[i]->d_name, ".") && strcmp(list[i]->d_name, "..")) {
			strncat(buf, list[i]->d_name, len - strlen(buf) - 1);
			strncat(buf, " ", len - strlen(buf) - 1);
		}
		free(list[i]);
	}
	free(list);
}

static void read_file(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		fclose(f);
}

TEST(outfile_replaces_the_file_whole)
{
	char *dir = scratch_dir(), path[256], text[64], list[256];
	struct tce_outfile f;
	struct tce_err err = { 0 };
	struct stat st;

	CHECK(dir != NULL);
	snprintf(path, sizeof(path), "%s/x.prom", dir);
	CHECK(tce_outfile_open(&f, dir, "x.prom", 0644, &err) == 0);
	names(dir, list, sizeof(list));
	/* The temporary file only, hidden, until the commit. */
	CHECK(!strncmp(list, ".x.prom.", 8) && strlen(list) == 15);
	CHECK(tce_outfile_commit(&f, "one\n", 4, &err) == 0);
	CHECK(tce_outfile_open(&f, dir, "x.prom", 0644, &err) == 0);
	CHECK(tce_outfile_commit(&f, "two\n", 4, &err) == 0);
	read_file(path, text, sizeof(text));
	CHECK_STR(text, "two\n");
	CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0644);
	names(dir, list, sizeof(list));
	CHECK_STR(list, "x.prom ");
	unlink(path);
	rmdir(dir);
	free(dir);
}

/* A scratch directory holding x.prom with "old\n"; its path in path. */
static char *dir_with_old_file(char *path, size_t len)
{
	char *dir = scratch_dir();
	struct tce_outfile f;
	struct tce_err err = { 0 };

	snprintf(path, len, "%s/x.prom", dir);
	CHECK(tce_outfile_open(&f, dir, "x.prom", 0644, &err) == 0);
	CHECK(tce_outfile_commit(&f, "old\n", 4, &err) == 0);
	return dir;
}

/* x.prom still says "old\n" and nothing else is left; removes dir. */
static void check_old_file_alone(char *dir, const char *path)
{
	char text[64], list[256];

	read_file(path, text, sizeof(text));
	CHECK_STR(text, "old\n");
	names(dir, list, sizeof(list));
	CHECK_STR(list, "x.prom ");
	unlink(path);
	rmdir(dir);
	free(dir);
}

TEST(outfile_abort_leaves_the_old_file)
{
	char path[256], *dir = dir_with_old_file(path, sizeof(path));
	struct tce_outfile f;
	struct tce_err err = { 0 };

	CHECK(tce_outfile_open(&f, dir, "x.prom", 0644, &err) == 0);
	tce_outfile_abort(&f);
	check_old_file_alone(dir, path);
}

TEST(outfile_a_failed_write_leaves_the_old_file)
{
	char path[256], *dir = dir_with_old_file(path, sizeof(path));
	struct tce_outfile f;
	struct tce_err err = { 0 };

	CHECK(tce_outfile_open(&f, dir, "x.prom", 0644, &err) == 0);
	/* A write that fails: the fd no longer takes writes. */
	close(f.fd);
	f.fd = open("/dev/null", O_RDONLY);
	CHECK(tce_outfile_commit(&f, "new\n", 4, &err) == -1);
	CHECK(err.status == TCE_EIO);
	CHECK(strstr(err.msg, "cannot write '") && strstr(err.msg, "' is left as it was"));
	check_old_file_alone(dir, path);
}

TEST(outfile_says_what_the_directory_is)
{
	struct tce_outfile f;
	struct tce_err err = { 0 };

	CHECK(tce_outfile_open(&f, "/nonexistent/dir", "x.prom", 0644, &err) == -1);
	CHECK(err.status == TCE_EIO);
	CHECK_STR(err.msg, "cannot create a file in '/nonexistent/dir': No such file or directory; "
			   "choose a writable directory");
	err = (struct tce_err){ 0 };
	CHECK(tce_outfile_open(&f, "/dev/null", "x.prom", 0644, &err) == -1);
	CHECK_STR(err.msg, "cannot create a file in '/dev/null': Not a directory; "
			   "choose a writable directory");
}
