/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which task holds each lock (tokio's Mutex, RwLock), by the lock's
 * address: set when a task's lock future completes, cleared when that task
 * drops the guard.  A lock a reader shares names its last reader.
 */
#ifndef AU_LOCK_HOLDERS_H
#define AU_LOCK_HOLDERS_H

#include <stdint.h>

struct au_lock_holders;

struct au_lock_holders *au_lock_holders_new(void);
void au_lock_holders_free(struct au_lock_holders *lh);
/** The task (id) holding the lock at @lock, 0 if none known. */
uint64_t au_lock_holder(const struct au_lock_holders *lh, uint64_t lock);
/** @task (0: nobody) now holds the lock at @lock. */
void au_lock_holder_set(struct au_lock_holders *lh, uint64_t lock, uint64_t task);

#endif /* AU_LOCK_HOLDERS_H */
