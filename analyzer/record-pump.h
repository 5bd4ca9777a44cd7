/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Records read and decoded by a second thread, handed over in batches.
 *
 * Reading a recording (decoding, merging the threads' files by time,
 * resolving addresses) is a quarter of the analysis, and runs beside the
 * model on another core.  With a trace the writer's thread makes three:
 * on two cores that was once measured slower, but once the model and the
 * writer got lighter it was faster (0.63 s to 0.48 s with the trace to
 * /dev/null, the same 0.62 s to a file, 13.2M records; doc/benchmarks.md).
 * Only this file's thread calls the reader until au_pump_stop(); what the
 * reader fills in at open (threads, modules, functions, info) stays
 * readable by the model meanwhile.
 *
 *	struct au_pump *p = au_pump_start(data, threaded);
 *	while ((rec = au_pump_next(p)))
 *		... rec is valid until the next call ...
 *	au_pump_stop(p);   // now au_data_errors() etc. may be read
 *
 * A record's string arguments (strs[]) are not carried over.
 */
#ifndef AU_RECORD_PUMP_H
#define AU_RECORD_PUMP_H

#include <stdbool.h>
#include <stdint.h>

#include "uftrace-data.h"

struct au_pump;

/** Start reading @data: with @threaded on a second thread (if one can be
 *  started), else on the caller's, record by record. */
struct au_pump *au_pump_start(struct au_data *data, bool threaded);
/** The next record in time order, or NULL at the end of the recording. */
const struct au_record *au_pump_next(struct au_pump *p);
/** Bytes of the recording read so far (for progress). */
uint64_t au_pump_bytes_read(struct au_pump *p);
/** Stop the thread (also before the end), free everything. */
void au_pump_stop(struct au_pump *p);

#endif /* AU_RECORD_PUMP_H */
