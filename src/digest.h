/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * digest.h - whether two reads of a table saw the same thing, without
 * keeping either.
 *
 * SipHash-2-4 under a key drawn at random for each run: a guest that
 * changes its table between two passes cannot aim at a collision, since
 * it never sees the key.
 */
#ifndef TCECTL_DIGEST_H
#define TCECTL_DIGEST_H

#include <stddef.h>
#include <stdint.h>

struct tce_digest {
	uint64_t v[4];
	uint64_t tail;		/* bytes not yet a whole word, low first */
	size_t len;		/* bytes added */
};

void tce_digest_init(struct tce_digest *d);
/* With a given key: SipHash-2-4 itself, for its published test vectors. */
void tce_digest_init_key(struct tce_digest *d, uint64_t k0, uint64_t k1);
void tce_digest_add(struct tce_digest *d, const void *data, size_t len);
uint64_t tce_digest_final(const struct tce_digest *d);

#endif
