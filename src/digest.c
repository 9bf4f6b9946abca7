// SPDX-License-Identifier: GPL-2.0-or-later
#include <endian.h>
#include <stdbool.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "digest.h"

static uint64_t rotl(uint64_t x, unsigned b)
{
	return (x << b) | (x >> (64 - b));
}

static void sip_round(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = rotl(v[1], 13) ^ v[0];
	v[0] = rotl(v[0], 32);
	v[2] += v[3];
	v[3] = rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = rotl(v[1], 17) ^ v[2];
	v[2] = rotl(v[2], 32);
}

static void compress(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	sip_round(v);
	sip_round(v);
	v[0] ^= m;
}

/* The run's key: random, or, without getrandom, as unpredictable as we can. */
static const uint64_t *run_key(void)
{
	static uint64_t key[2];
	static bool drawn;

	if (!drawn) {
		if (getrandom(key, sizeof(key), GRND_NONBLOCK) != (ssize_t)sizeof(key)) {
			struct timespec ts;

			clock_gettime(CLOCK_MONOTONIC, &ts);
			key[0] ^= (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
			key[1] ^= (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)&ts;
		}
		drawn = true;
	}
	return key;
}

void tce_digest_init_key(struct tce_digest *d, uint64_t k0, uint64_t k1)
{
	*d = (struct tce_digest){ .v = { k0 ^ 0x736f6d6570736575ULL, k1 ^ 0x646f72616e646f6dULL,
					 k0 ^ 0x6c7967656e657261ULL, k1 ^ 0x7465646279746573ULL } };
}

void tce_digest_init(struct tce_digest *d)
{
	const uint64_t *k = run_key();

	tce_digest_init_key(d, k[0], k[1]);
}

static void add_byte(struct tce_digest *d, unsigned char b)
{
	d->tail |= (uint64_t)b << (8 * (d->len % 8));
	if (++d->len % 8 == 0) {
		compress(d->v, d->tail);
		d->tail = 0;
	}
}

void tce_digest_add(struct tce_digest *d, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t n = 0;

	for (; n < len && d->len % 8; n++)
		add_byte(d, p[n]);
	for (; n + 8 <= len; n += 8) {
		uint64_t m;

		memcpy(&m, p + n, 8);
		compress(d->v, le64toh(m));
		d->len += 8;
	}
	for (; n < len; n++)
		add_byte(d, p[n]);
}

uint64_t tce_digest_final(const struct tce_digest *d)
{
	uint64_t v[4] = { d->v[0], d->v[1], d->v[2], d->v[3] };

	compress(v, d->tail | (uint64_t)d->len << 56);
	v[2] ^= 0xff;
	for (int r = 0; r < 4; r++)
		sip_round(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
