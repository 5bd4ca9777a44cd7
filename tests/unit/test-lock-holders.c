// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The lock-holder map (lock-holders.c): who holds each lock, by address,
 * through growth and release.
 */
#include <stdlib.h>

#include "lock-holders.h"
#include "unittest.h"

TEST(holders_set_replaced_and_released)
{
	struct au_lock_holders *lh = au_lock_holders_new();

	TEST_EQ(au_lock_holder(lh, 0x1000), 0);
	au_lock_holder_set(lh, 0x1000, 7);
	au_lock_holder_set(lh, 0x2000, 9);
	TEST_EQ(au_lock_holder(lh, 0x1000), 7);
	TEST_EQ(au_lock_holder(lh, 0x2000), 9);
	/* released, then taken by another task */
	au_lock_holder_set(lh, 0x1000, 0);
	TEST_EQ(au_lock_holder(lh, 0x1000), 0);
	au_lock_holder_set(lh, 0x1000, 11);
	TEST_EQ(au_lock_holder(lh, 0x1000), 11);
	/* address 0 is no lock */
	au_lock_holder_set(lh, 0, 5);
	TEST_EQ(au_lock_holder(lh, 0), 0);
	au_lock_holders_free(lh);
	return TEST_OK;
}

TEST(many_locks_survive_growth)
{
	struct au_lock_holders *lh = au_lock_holders_new();
	enum { N = 20000 };
	uint64_t *addr = malloc(N * sizeof(*addr));

	/* addresses as a heap hands them out: 64-byte steps, some colliding
	 * in the low bits the hash drops */
	for (uint64_t i = 0; i < N; i++) {
		addr[i] = 0x555500000000ull + i * 64 + (i % 7) * 0x100000;
		au_lock_holder_set(lh, addr[i], i + 1);
	}
	for (uint64_t i = 0; i < N; i += 2)
		au_lock_holder_set(lh, addr[i], 0);
	for (uint64_t i = 0; i < N; i++)
		TEST_EQ(au_lock_holder(lh, addr[i]), i % 2 ? i + 1 : 0);
	TEST_EQ(au_lock_holder(lh, 0x1234), 0);
	free(addr);
	au_lock_holders_free(lh);
	return TEST_OK;
}

TEST_MAIN()
