// SPDX-License-Identifier: GPL-2.0-or-later
#include "../../src/digest.h"
#include "unit.h"

/* SipHash-2-4's published vectors: key 00..0f, message 00..(n-1). */
static uint64_t sip(size_t n, size_t split)
{
	unsigned char msg[64];
	struct tce_digest d;

	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = (unsigned char)i;
	tce_digest_init_key(&d, 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL);
	tce_digest_add(&d, msg, split);
	tce_digest_add(&d, msg + split, n - split);
	return tce_digest_final(&d);
}

TEST(digest_is_siphash_2_4)
{
	CHECK_U64(sip(0, 0), 0x726fdb47dd0e0e31ULL);
	CHECK_U64(sip(15, 0), 0xa129ca6149be45e5ULL);
	/* However the bytes arrive. */
	CHECK_U64(sip(15, 7), 0xa129ca6149be45e5ULL);
	CHECK_U64(sip(15, 1), 0xa129ca6149be45e5ULL);
}

TEST(digest_run_key_tells_tables_apart)
{
	uint64_t a[3] = { 1, 2, 3 }, b[3] = { 1, 2, 4 };
	struct tce_digest da, db, da2;

	tce_digest_init(&da);
	tce_digest_init(&db);
	tce_digest_init(&da2);
	tce_digest_add(&da, a, sizeof(a));
	tce_digest_add(&db, b, sizeof(b));
	tce_digest_add(&da2, a, sizeof(a));
	CHECK(tce_digest_final(&da) != tce_digest_final(&db));
	CHECK_U64(tce_digest_final(&da), tce_digest_final(&da2));
}
