/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * outfile.h - replace a small file whole, or leave it as it was.
 *
 * A reader that polls a file (node_exporter's textfile collector) must
 * never see half of one: the new text goes into a temporary sibling,
 * made with O_EXCL, which is written fully, fsync'd and renamed over the
 * old file.  On any failure, and on any signal that ends tcectl while it
 * exists (src/cleanup.h), the temporary file is removed and the old file
 * stays as it was.
 */
#ifndef TCECTL_OUTFILE_H
#define TCECTL_OUTFILE_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

struct tce_outfile {
	int fd;
	char path[PATH_MAX];	/* DIR/NAME */
	char tmp[PATH_MAX];	/* DIR/.NAME.XXXXXX: hidden, and no *.NAME glob matches it */
};

/*
 * Creates the temporary file for dir/name with the given mode.  Fails
 * with TCE_EPERM when dir may not be written, else TCE_EIO, saying what
 * dir is (missing, not a directory, read-only).
 */
int tce_outfile_open(struct tce_outfile *f, const char *dir, const char *name, mode_t mode,
		     struct tce_err *err);

/* Writes text, syncs it, renames it over dir/name, then syncs dir; aborts on failure. */
int tce_outfile_commit(struct tce_outfile *f, const void *text, size_t len, struct tce_err *err);

/* Removes the temporary file, if any; the old file stays. */
void tce_outfile_abort(struct tce_outfile *f);

#endif
