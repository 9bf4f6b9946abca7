// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "outfile.h"

int tce_outfile_open(struct tce_outfile *f, const char *dir, const char *name, mode_t mode,
		     struct tce_err *err)
{
	int errnum;

	*f = (struct tce_outfile){ .fd = -1 };
	if ((size_t)snprintf(f->path, sizeof(f->path), "%s/%s", dir, name) >= sizeof(f->path) ||
	    (size_t)snprintf(f->tmp, sizeof(f->tmp), "%s/.%s.XXXXXX", dir, name) >= sizeof(f->tmp))
		return tce_fail(err, TCE_EUSAGE, "the directory name '%s' is too long", dir);
	/* mkstemp opens with O_EXCL; cleanup removes the file if a signal ends us. */
	f->fd = cleanup_mkstemp(f->tmp);
	/* A file size limit fails the write, which says so, instead of killing us. */
	cleanup_file_limit_as_error(f->fd >= 0);
	if (f->fd < 0) {
		errnum = errno;
		f->tmp[0] = '\0';
		return tce_fail(err, errnum == EACCES || errnum == EPERM ? TCE_EPERM : TCE_EIO,
				"cannot create a file in '%s': %s; choose a writable directory",
				dir, strerror(errnum));
	}
	/* mkstemp makes it 0600 whatever the umask; readers need mode. */
	if (fchmod(f->fd, mode)) {
		errnum = errno;
		tce_outfile_abort(f);
		return tce_fail(err, TCE_EIO, "cannot set the mode of a file in '%s': %s", dir,
				strerror(errnum));
	}
	return 0;
}

static int write_all(int fd, const char *text, size_t len)
{
	while (len) {
		ssize_t n = write(fd, text, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

int tce_outfile_commit(struct tce_outfile *f, const void *text, size_t len, struct tce_err *err)
{
	int rc = write_all(f->fd, text, len) || fsync(f->fd) ? -1 : 0;
	int errnum = errno, dirfd;
	char dir[PATH_MAX];

	/* close() frees the fd even when it fails. */
	if (close(f->fd) && !rc)
		rc = -1, errnum = errno;
	f->fd = -1;
	if (rc) {
		tce_outfile_abort(f);
		return tce_fail(err, TCE_EIO, "cannot write '%s': %s; '%s' is left as it was", f->path,
				strerror(errnum), f->path);
	}
	if (rename(f->tmp, f->path)) {
		errnum = errno;
		tce_outfile_abort(f);
		return tce_fail(err, TCE_EIO, "cannot rename a file to '%s': %s; '%s' is left as it was",
				f->path, strerror(errnum), f->path);
	}
	f->tmp[0] = '\0';
	cleanup_tmpfile(NULL);
	cleanup_file_limit_as_error(false);
	/* The rename is durable once the directory is synced too. */
	snprintf(dir, sizeof(dir), "%s", f->path);
	*strrchr(dir, '/') = '\0';
	dirfd = open(dir[0] ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd >= 0) {
		fsync(dirfd);
		close(dirfd);
	}
	return 0;
}

void tce_outfile_abort(struct tce_outfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	if (f->tmp[0]) {
		unlink(f->tmp);
		cleanup_tmpfile(NULL);
		cleanup_file_limit_as_error(false);
	}
	f->tmp[0] = '\0';
}
