/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * byteorder.h - entries in a given byte order.
 *
 * A live table is in the host's order; a checkpoint keeps the order of the
 * host it was taken on (its EI_DATA), and is read anywhere.
 */
#ifndef TCECTL_BYTEORDER_H
#define TCECTL_BYTEORDER_H

#include <stdbool.h>
#include <stdint.h>

static inline bool host_is_big_endian(void)
{
	return __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;
}

/* v between host order and big (true) or little (false) endian; its own inverse. */
static inline uint64_t order64(uint64_t v, bool big_endian)
{
	return big_endian == host_is_big_endian() ? v : __builtin_bswap64(v);
}

#endif
